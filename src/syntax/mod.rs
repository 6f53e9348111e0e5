//! One spanned document tree for every format we read.
//!
//! Readers (`yaml`, later `json5`) turn source text into a [`Node`] tree where every value keeps
//! the byte span it came from, so every later finding can point at the exact text a user wrote.

pub mod json5;
pub mod source;
pub mod yaml;
pub(crate) mod yaml_resolve;
pub mod yaml_split;

pub use source::{FileId, ReadError, SourceFile, SourceMap};

/// Byte range of a node inside one source file, plus the 1-based line/column of its start and end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub file: FileId,
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Self {
        Span { file, start, end }
    }
}

/// Scalar style as written: only plain scalars go through YAML 1.1 type resolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarStyle {
    Plain,
    Quoted,
    Block,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    /// A YAML 1.1 timestamp (`2024-01-01`): PyYAML makes a `datetime.date`/`datetime`, which
    /// LiteLLM's string fields reject. Kept as its source text.
    Timestamp(String),
    Seq(Vec<Node>),
    Map(Vec<Entry>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: Node,
    pub value: Node,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    pub span: Span,
    /// How a scalar was written; `Plain` for collections.
    pub style: ScalarStyle,
}

impl Node {
    pub fn new(kind: NodeKind, span: Span) -> Self {
        Node {
            kind,
            span,
            style: ScalarStyle::Plain,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&[Entry]> {
        match &self.kind {
            NodeKind::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Seq(s) => Some(s),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.kind, NodeKind::Null)
    }

    /// The entry whose key is the string `key` (the last one, as PyYAML and json5 keep the last).
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.as_map()?
            .iter()
            .rev()
            .find(|e| e.key.as_str() == Some(key))
    }

    /// The value under the string key `key`.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    /// A short name of the node's type for messages ("a string", "a mapping", ...).
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            NodeKind::Null => "null",
            NodeKind::Bool(_) => "a boolean",
            NodeKind::Int(_) => "an integer",
            NodeKind::Float(_) => "a float",
            NodeKind::Str(_) => "a string",
            NodeKind::Timestamp(_) => "a date",
            NodeKind::Seq(_) => "a list",
            NodeKind::Map(_) => "a mapping",
        }
    }

    /// Converts to JSON the way Python's `json.dumps` would see the loaded value (dates become
    /// their ISO text). Keys that are not strings are rendered as their scalar text.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match &self.kind {
            NodeKind::Null => Value::Null,
            NodeKind::Bool(b) => Value::Bool(*b),
            NodeKind::Int(i) => Value::from(*i),
            NodeKind::Float(f) => {
                serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number)
            }
            NodeKind::Str(s) | NodeKind::Timestamp(s) => Value::String(s.clone()),
            NodeKind::Seq(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            NodeKind::Map(entries) => Value::Object(
                entries
                    .iter()
                    .map(|e| (e.key.scalar_text(), e.value.to_json()))
                    .collect(),
            ),
        }
    }

    /// The text of a scalar as Python's `str()` would print it (used for non-string keys).
    pub fn scalar_text(&self) -> String {
        match &self.kind {
            NodeKind::Null => "None".into(),
            NodeKind::Bool(true) => "True".into(),
            NodeKind::Bool(false) => "False".into(),
            NodeKind::Int(i) => i.to_string(),
            NodeKind::Float(f) => f.to_string(),
            NodeKind::Str(s) | NodeKind::Timestamp(s) => s.clone(),
            NodeKind::Seq(_) => "[...]".into(),
            NodeKind::Map(_) => "{...}".into(),
        }
    }
}

/// A document that could not be read at all (syntax error, size or nesting limit, bad encoding).
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub message: String,
    pub span: Span,
}

/// A problem found while reading that does not stop the reader (e.g. a duplicate key: the last
/// value is kept, as the real tools do, and the finding is reported).
#[derive(Debug, Clone, PartialEq)]
pub enum ReadIssue {
    DuplicateKey {
        key: String,
        first: Span,
        duplicate: Span,
        /// Both values are equal (as Python compares them after loading): keeping the last
        /// loses nothing.
        identical: bool,
    },
}

/// Result of reading one document.
#[derive(Debug, Clone)]
pub struct Document {
    /// `None` when the document is empty or only comments.
    pub root: Option<Node>,
    pub issues: Vec<ReadIssue>,
}

/// Limits that keep hostile input bounded. README "Limits" lists them; keep the two in step.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Bytes read from one file (counted while reading, not taken from `stat`).
    pub max_bytes: usize,
    pub max_depth: usize,
    /// Total nodes a document may expand to, aliases included (stops "billion laughs").
    pub max_nodes: usize,
    /// Bytes read from all the files of one config together (the main file and every include).
    pub max_total_bytes: usize,
    /// Nodes built from all the files of one config together, includes merged (OpenClaw
    /// `$include` can repeat a file; each repetition counts).
    pub max_total_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 16 * 1024 * 1024,
            max_depth: 256,
            max_nodes: 2_000_000,
            max_total_bytes: 32 * 1024 * 1024,
            max_total_nodes: 2_000_000,
        }
    }
}

/// What is left of [`Limits::max_total_bytes`] and [`Limits::max_total_nodes`] while one config
/// and its includes are read: however many includes there are, reading stops at the budget.
#[derive(Debug, Clone)]
pub struct Budget {
    bytes_left: usize,
    nodes_left: usize,
    limits: Limits,
}

impl Budget {
    pub fn new(limits: &Limits) -> Self {
        Budget {
            bytes_left: limits.max_total_bytes,
            nodes_left: limits.max_total_nodes,
            limits: *limits,
        }
    }

    /// Reads one more file of the config: at most `per_file` bytes, and no more than is left of
    /// the budget ([`ReadError::OverBudget`] when that is what stopped the read).
    pub fn read_file(
        &mut self,
        path: &std::path::Path,
        per_file: usize,
    ) -> Result<Vec<u8>, ReadError> {
        let limit = per_file.min(self.bytes_left);
        match source::read_file(path, limit) {
            Ok(bytes) => {
                self.bytes_left -= bytes.len();
                Ok(bytes)
            }
            Err(ReadError::TooLarge { .. }) if limit < per_file => Err(ReadError::OverBudget {
                limit: self.limits.max_total_bytes,
            }),
            Err(e) => Err(e),
        }
    }

    /// Counts `nodes` built; `Err` with the message to report once the budget is spent.
    pub fn spend_nodes(&mut self, nodes: usize) -> Result<(), String> {
        match self.nodes_left.checked_sub(nodes) {
            Some(left) => {
                self.nodes_left = left;
                Ok(())
            }
            None => {
                self.nodes_left = 0;
                Err(self.nodes_exceeded())
            }
        }
    }

    fn nodes_exceeded(&self) -> String {
        format!(
            "the config and its includes together hold more than {} values",
            self.limits.max_total_nodes
        )
    }
}

impl Node {
    /// The number of nodes in this tree (keys count), for [`Budget::spend_nodes`].
    pub fn count(&self) -> usize {
        1 + match &self.kind {
            NodeKind::Seq(items) => items.iter().map(Node::count).sum(),
            NodeKind::Map(entries) => entries
                .iter()
                .map(|e| e.key.count() + e.value.count())
                .sum(),
            _ => 0,
        }
    }
}
