//! YAML reader: saphyr-parser events turned into a spanned [`Node`] tree, with plain scalars
//! typed exactly as PyYAML `safe_load` types them (YAML 1.1), duplicate keys reported, merge keys
//! (`<<`) applied, and limits on size, depth and alias expansion.
//!
//! The goal is PyYAML's outcome, because that is what LiteLLM loads configs with:
//! - typing of plain scalars follows PyYAML's resolver regexes (see `yaml_resolve`);
//! - errors PyYAML raises while scanning (tabs between tokens, non-printable characters),
//!   composing (duplicate anchors, several documents) or constructing (unknown tags, unhashable
//!   keys, invalid dates) are errors here too, in that order of precedence;
//! - mappings hold what the Python `dict` holds: one entry per key (Python equality, so `1`,
//!   `1.0` and `true` are one key), at the first key's position, with the last value. Each
//!   repeated key is reported as a [`ReadIssue::DuplicateKey`].
//!
//! Deliberate differences, all rare in configs: an integer beyond `i64` becomes the nearest
//! `Float`; a recursive alias (`&a [*a]`) is an error rather than a self-referencing list;
//! `!!binary` stays its base64 text; `!!set` is a mapping and `!!omap`/`!!pairs` a list of
//! `[key, value]` lists. A document that is only `---` reads as `root: None`.
//!
//! The parser is saphyr-parser (YAML 1.2) patched to be as lenient as PyYAML about
//! indentation inside flow collections and quoted scalars and as strict about empty keys
//! (vendor/saphyr-parser/PATCHES.md). Known remaining syntax differences, found by
//! scripts/yaml_gen.py + scripts/yaml_diff.py and all outside what configs contain: a few
//! `?`/`:` corner cases inside flow collections (`{a: ?}`, `[? : x]`), U+0085/U+2028/U+2029
//! (line breaks for PyYAML, not for saphyr), and a byte order mark inside a document.
//!
//! The tree is built with an explicit stack: no recursion on input depth. Each node's span is
//! its text as written, without its `&anchor`/`!tag`; an alias's copy keeps the anchored
//! node's spans.

use crate::fast_hash::{map_with_capacity, FastMap};
use std::borrow::Cow;
use std::collections::HashMap;

use saphyr_parser::{
    Event, Parser, ScalarStyle as SaphyrStyle, ScanError, Span as SaphyrSpan, Tag,
};

use super::yaml_resolve::{
    construct_bool, construct_float, construct_int, construct_timestamp, resolve_plain,
    timestamp_identity, Implicit,
};
use super::{
    Document, Entry, FileId, Limits, Node, NodeKind, ReadIssue, ScalarStyle, Span, SyntaxError,
};

const CORE_PREFIX: &str = "tag:yaml.org,2002:";

/// Scalar text produced by alias expansion may reach this multiple of `max_bytes`.
const ALIAS_TEXT_FACTOR: usize = 4;

/// Reads one YAML document the way PyYAML's `safe_load` would.
pub fn read(text: &str, file: FileId, limits: &Limits) -> Result<Document, SyntaxError> {
    if text.len() > limits.max_bytes {
        return Err(SyntaxError {
            message: format!(
                "the file is {} bytes, over the limit of {} bytes",
                text.len(),
                limits.max_bytes
            ),
            span: Span::new(file, 0, 0),
        });
    }
    check_printable(text, file)?;
    if text.len() >= super::yaml_split::SPLIT_FROM_BYTES {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
        if let Some(document) = super::yaml_split::read_split(text, file, limits, threads) {
            return Ok(document);
        }
    }
    read_sequential(text, file, limits)
}

/// [`read`] on one thread, however large the text: the reference a split read is held to.
pub fn read_sequential(text: &str, file: FileId, limits: &Limits) -> Result<Document, SyntaxError> {
    read_part(text, file, limits).map(|(document, _)| document)
}

/// What reading one part of a file cost, for the budgets of a split read.
pub(super) struct PartStats {
    pub nodes: usize,
    /// Anchors defined in the part: one read refuses a name defined twice.
    pub anchors: Vec<String>,
}

/// One sequential read of `text` (a whole file, or one part of a split read).
pub(super) fn read_part(
    text: &str,
    file: FileId,
    limits: &Limits,
) -> Result<(Document, PartStats), SyntaxError> {
    let mut reader = Reader::new(text, file, limits);
    reader.run()?;
    let stats = PartStats {
        nodes: reader.nodes,
        anchors: reader.anchor_names.keys().cloned().collect(),
    };
    Ok((reader.finish()?, stats))
}

/// PyYAML's `Reader` refuses any character outside its printable set, wherever it appears.
fn check_printable(text: &str, file: FileId) -> Result<(), SyntaxError> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // Fast path: a whole chunk of printable ASCII (the fold vectorises; no early exit).
        if let Some(chunk) = bytes.get(i..i + 32) {
            let plain = chunk.iter().fold(true, |ok, &b| {
                ok & ((0x20..0x7f).contains(&b) | (b == b'\n') | (b == b'\t') | (b == b'\r'))
            });
            if plain {
                i += 32;
                continue;
            }
        }
        let b = bytes[i];
        let (c, len) = if b < 0x80 {
            (char::from(b), 1)
        } else {
            match text.get(i..).and_then(|rest| rest.chars().next()) {
                Some(c) => (c, c.len_utf8()),
                None => break,
            }
        };
        let printable = matches!(c,
            '\t' | '\n' | '\r' | ' '..='~' | '\u{85}' | '\u{A0}'..='\u{D7FF}'
            | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}');
        if !printable {
            return Err(SyntaxError {
                message: format!(
                    "unacceptable character #x{:04x}: special characters are not allowed \
                     (PyYAML refuses the whole file)",
                    u32::from(c)
                ),
                span: Span::new(file, i, i + len),
            });
        }
        i += len;
    }
    Ok(())
}

/// saphyr markers count characters; spans are bytes. Checkpoints every 64 characters keep the
/// conversion cheap for non-ASCII text without a table the size of the input.
struct CharOffsets<'t> {
    text: &'t str,
    ascii: bool,
    checkpoints: Vec<usize>,
}

const CHECKPOINT_EVERY: usize = 64;

impl<'t> CharOffsets<'t> {
    fn new(text: &'t str) -> Self {
        let ascii = text.is_ascii();
        let checkpoints = if ascii {
            Vec::new()
        } else {
            text.char_indices()
                .step_by(CHECKPOINT_EVERY)
                .map(|(b, _)| b)
                .collect()
        };
        CharOffsets {
            text,
            ascii,
            checkpoints,
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        let len = self.text.len();
        if self.ascii {
            return char_index.min(len);
        }
        let block = char_index / CHECKPOINT_EVERY;
        let Some(&start) = self.checkpoints.get(block) else {
            return len;
        };
        let bytes = self.text.as_bytes();
        let mut at = start;
        for _ in 0..char_index % CHECKPOINT_EVERY {
            match bytes.get(at) {
                Some(&b) => at += utf8_width(b),
                None => break,
            }
        }
        at.min(len)
    }
}

fn utf8_width(lead: u8) -> usize {
    match lead {
        0x00..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
}

/// What a scalar means besides its value: PyYAML gives `<<` and `=` tags that only make sense
/// as mapping keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Normal,
    Merge,
    Value,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CollectionTag {
    Plain,
    /// `!!set`: kept as a mapping.
    Set,
    /// `!!omap` / `!!pairs`: a list of one-entry mappings, kept as `[key, value]` lists.
    Pairs,
}

/// A collection being built. Its children wait on the reader's shared scratch stacks (from
/// `base` on) and move into an exactly-sized `Vec` when it closes: no growth reallocations, no
/// spare capacity kept in the tree.
enum FrameKind {
    Seq {
        base: usize,
    },
    Map {
        base: usize,
        key: Option<(Node, Role)>,
        /// Indices (from `base`) of entries whose key is a merge key (`<<`).
        merges: Vec<usize>,
    },
}

struct Frame {
    kind: FrameKind,
    tag: CollectionTag,
    anchor: usize,
    start: usize,
    /// Byte end of the opening event (`[`, `{`, or the properties before a block collection).
    head_end: usize,
    /// Byte end of the last child's source text (not its span: an alias keeps its anchor's).
    last_end: usize,
    nodes_before: usize,
    text_before: usize,
    child_height: usize,
}

struct Anchored {
    node: Node,
    nodes: usize,
    text: usize,
    height: usize,
    role: Role,
}

enum AnchorSlot {
    Unused,
    /// Anchored collection still open: an alias to it would be recursive.
    Open(String),
    Done(Anchored),
}

/// A region where PyYAML tolerates tab characters: inside a quoted scalar, or inside a block
/// scalar's content past its indentation.
#[derive(Clone, Copy)]
struct TabZone {
    start: usize,
    end: usize,
    block_indent: Option<usize>,
}

struct Reader<'t> {
    text: &'t str,
    file: FileId,
    limits: Limits,
    offsets: CharOffsets<'t>,
    stack: Vec<Frame>,
    pending_items: Vec<Node>,
    pending_entries: Vec<Entry>,
    root: Option<Node>,
    root_is_empty: bool,
    documents: usize,
    anchors: Vec<AnchorSlot>,
    anchor_names: HashMap<String, usize>,
    nodes: usize,
    text_bytes: usize,
    issues: Vec<ReadIssue>,
    /// First construction error: PyYAML constructs only after the whole stream composed, so
    /// scanner and composer errors anywhere take precedence.
    deferred: Option<SyntaxError>,
    has_tabs: bool,
    tab_zones: Vec<TabZone>,
}

/// What a finished node carries up to its parent.
struct Finished {
    node: Node,
    height: usize,
    role: Role,
    source_end: usize,
}

impl<'t> Reader<'t> {
    fn new(text: &'t str, file: FileId, limits: &Limits) -> Self {
        Reader {
            text,
            file,
            limits: *limits,
            offsets: CharOffsets::new(text),
            stack: Vec::new(),
            pending_items: Vec::new(),
            pending_entries: Vec::new(),
            root: None,
            root_is_empty: false,
            documents: 0,
            anchors: Vec::new(),
            anchor_names: HashMap::new(),
            nodes: 0,
            text_bytes: 0,
            issues: Vec::new(),
            deferred: None,
            has_tabs: text.as_bytes().contains(&b'\t'),
            tab_zones: Vec::new(),
        }
    }

    fn span(&self, span: &SaphyrSpan) -> Span {
        Span::new(
            self.file,
            self.offsets.byte(span.start.index()),
            self.offsets.byte(span.end.index()),
        )
    }

    fn error_at(&self, start: usize, end: usize, message: impl Into<String>) -> SyntaxError {
        SyntaxError {
            message: message.into(),
            span: Span::new(self.file, start, end.max(start)),
        }
    }

    /// Span of the character at byte `at` (empty at the end of the text).
    fn char_span(&self, at: usize) -> (usize, usize) {
        let width = self.text.as_bytes().get(at).map_or(0, |&b| utf8_width(b));
        (at, (at + width).min(self.text.len()))
    }

    /// Start of a node's content after its `&anchor` / `!tag` properties (saphyr's span
    /// starts at the properties), so that a span is exactly the value as written.
    fn skip_properties(&self, start: usize, limit: usize, count: usize) -> usize {
        let bytes = self.text.as_bytes();
        let limit = limit.min(bytes.len());
        let mut i = start;
        let mut remaining = count;
        while remaining > 0 && i < limit && matches!(bytes[i], b'&' | b'!') {
            remaining -= 1;
            if bytes[i] == b'!' && bytes.get(i + 1) == Some(&b'<') {
                while i < limit && bytes[i] != b'>' {
                    i += 1;
                }
            }
            while i < limit && !matches!(bytes[i], b' ' | b'\t' | b'\n' | b'\r') {
                i += 1;
            }
            // Separation: blanks, line breaks and whole-line comments.
            loop {
                while i < limit && matches!(bytes[i], b' ' | b'\t' | b'\n' | b'\r') {
                    i += 1;
                }
                if i < limit && bytes[i] == b'#' {
                    while i < limit && bytes[i] != b'\n' {
                        i += 1;
                    }
                } else {
                    break;
                }
            }
        }
        if i >= limit {
            start
        } else {
            i
        }
    }

    /// One past the closing quote of the quoted scalar opening at `start` (saphyr's end marker
    /// runs on over trailing blanks and comments).
    fn quoted_end(&self, start: usize, end: usize) -> usize {
        let bytes = self.text.as_bytes();
        let end = end.min(bytes.len());
        let Some(&quote) = bytes.get(start) else {
            return end;
        };
        let mut i = start + 1;
        while i < end {
            match bytes[i] {
                b'\\' if quote == b'"' => i += 2,
                b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
                b if b == quote => return i + 1,
                _ => i += 1,
            }
        }
        end
    }

    fn trim_end(&self, end: usize) -> usize {
        let bytes = self.text.as_bytes();
        let mut end = end.min(bytes.len());
        while end > 0 && matches!(bytes[end - 1], b' ' | b'\t') {
            end -= 1;
        }
        end
    }

    fn scan_error(&self, error: &ScanError) -> SyntaxError {
        let at = self.offsets.byte(error.marker().index());
        if error.info().contains("tab") {
            // saphyr may point just past the offending tab; PyYAML points at it.
            let line_start = self
                .text
                .get(..at)
                .and_then(|t| t.rfind('\n'))
                .map_or(0, |p| p + 1);
            let line_end = self
                .text
                .get(at..)
                .and_then(|t| t.find('\n'))
                .map_or(self.text.len(), |p| at + p);
            let line = self
                .text
                .as_bytes()
                .get(line_start..line_end)
                .unwrap_or(&[]);
            if let Some(tab) = line.iter().position(|&b| b == b'\t') {
                return self.tab_error(line_start + tab);
            }
        }
        let (start, end) = self.char_span(at);
        if error.info() == "recursion limit exceeded" {
            // saphyr's scanner counts flow levels in a u8.
            return self.error_at(start, end, "nesting deeper than 255 levels of brackets");
        }
        self.error_at(start, end, format!("invalid YAML: {}", error.info()))
    }

    fn defer(&mut self, error: SyntaxError) {
        if self.deferred.is_none() {
            self.deferred = Some(error);
        }
    }

    fn line_of(&self, offset: usize) -> usize {
        let upto = self.text.get(..offset).unwrap_or(self.text);
        upto.bytes().filter(|&b| b == b'\n').count() + 1
    }

    fn run(&mut self) -> Result<(), SyntaxError> {
        let mut parser = Parser::new_from_str(self.text);
        while let Some(next) = parser.next_event() {
            let (event, span) = next.map_err(|e| self.scan_error(&e))?;
            match event {
                Event::StreamEnd => break,
                Event::DocumentStart(_) => {
                    self.documents += 1;
                    if self.documents > 1 {
                        let span = self.span(&span);
                        return Err(self.error_at(
                            span.start,
                            span.end.max(span.start),
                            "expected a single document in the stream, but found another \
                             document (LiteLLM loads a config with yaml.safe_load, which reads \
                             exactly one)",
                        ));
                    }
                }
                Event::Scalar(value, style, anchor, tag) => {
                    self.scalar(value, style, anchor, tag.as_deref(), &span)?;
                }
                Event::SequenceStart(anchor, tag) => {
                    let base = self.pending_items.len();
                    self.open(FrameKind::Seq { base }, anchor, tag.as_deref(), &span)?;
                }
                Event::MappingStart(anchor, tag) => {
                    self.open(
                        FrameKind::Map {
                            base: self.pending_entries.len(),
                            key: None,
                            merges: Vec::new(),
                        },
                        anchor,
                        tag.as_deref(),
                        &span,
                    )?;
                }
                Event::SequenceEnd | Event::MappingEnd => self.close(&span)?,
                Event::Alias(id) => self.alias(id, &span)?,
                Event::StreamStart | Event::DocumentEnd | Event::Nothing => {}
            }
        }
        Ok(())
    }

    fn finish(mut self) -> Result<Document, SyntaxError> {
        if self.has_tabs {
            self.check_tabs()?;
        }
        if let Some(error) = self.deferred.take() {
            return Err(error);
        }
        let root = if self.root_is_empty { None } else { self.root };
        Ok(Document {
            root,
            issues: self.issues,
        })
    }

    fn count_node(&mut self, at: Span) -> Result<(), SyntaxError> {
        self.nodes += 1;
        if self.nodes > self.limits.max_nodes {
            return Err(self.error_at(
                at.start,
                at.end,
                format!("the document has more than {} nodes", self.limits.max_nodes),
            ));
        }
        Ok(())
    }

    /// The anchor name written at the start of a node's properties (`&name` possibly after a
    /// tag); saphyr only hands out anchor ids.
    fn anchor_name(&self, start: usize) -> String {
        let rest = self.text.get(start..).unwrap_or("");
        let mut words = rest
            .split([' ', '\t', '\n', '\r'])
            .filter(|w| !w.is_empty());
        let property = words
            .by_ref()
            .take(2)
            .find(|w| w.starts_with('&'))
            .unwrap_or("&");
        property[1..]
            .split([',', '[', ']', '{', '}'])
            .next()
            .unwrap_or("")
            .to_string()
    }

    fn register_anchor(&mut self, id: usize, start: usize) -> Result<(), SyntaxError> {
        let name = self.anchor_name(start);
        if let Some(&first) = self.anchor_names.get(&name) {
            let (s, e) = (start, start + name.len() + 1);
            return Err(self.error_at(
                s,
                e.min(self.text.len()),
                format!(
                    "found duplicate anchor '{name}' (first defined on line {}); PyYAML \
                     refuses to redefine an anchor",
                    self.line_of(first)
                ),
            ));
        }
        self.anchor_names.insert(name.clone(), start);
        if self.anchors.len() <= id {
            self.anchors.resize_with(id + 1, || AnchorSlot::Unused);
        }
        self.anchors[id] = AnchorSlot::Open(name);
        Ok(())
    }

    fn complete_anchor(&mut self, id: usize, anchored: Anchored) {
        if let Some(slot) = self.anchors.get_mut(id) {
            *slot = AnchorSlot::Done(anchored);
        }
    }

    fn scalar(
        &mut self,
        value: Cow<'_, str>,
        style: SaphyrStyle,
        anchor: usize,
        tag: Option<&Tag>,
        raw_span: &SaphyrSpan,
    ) -> Result<(), SyntaxError> {
        let mut span = self.span(raw_span);
        self.count_node(span)?;
        if anchor != 0 {
            self.register_anchor(anchor, span.start)?;
        }
        if anchor != 0 || tag.is_some() {
            let properties = usize::from(anchor != 0) + usize::from(tag.is_some());
            span.start = self.skip_properties(span.start, span.end, properties);
        }
        match style {
            SaphyrStyle::SingleQuoted | SaphyrStyle::DoubleQuoted => {
                span.end = self.quoted_end(span.start, span.end);
            }
            // saphyr's end marker of a block scalar runs on over the next line's indentation.
            SaphyrStyle::Plain | SaphyrStyle::Literal | SaphyrStyle::Folded => {
                span.end = span.start.max(self.trim_end(span.end));
            }
        }
        let node_style = match style {
            SaphyrStyle::Plain => ScalarStyle::Plain,
            SaphyrStyle::SingleQuoted | SaphyrStyle::DoubleQuoted => ScalarStyle::Quoted,
            SaphyrStyle::Literal | SaphyrStyle::Folded => ScalarStyle::Block,
        };
        if self.has_tabs {
            match node_style {
                ScalarStyle::Quoted => self.tab_zones.push(TabZone {
                    start: span.start,
                    end: span.end,
                    block_indent: None,
                }),
                ScalarStyle::Block => self.tab_zones.push(TabZone {
                    start: span.start,
                    end: span.end,
                    block_indent: Some(raw_span.start.col()),
                }),
                ScalarStyle::Plain => {}
            }
        }
        let empty_plain =
            tag.is_none() && anchor == 0 && value.is_empty() && style == SaphyrStyle::Plain;
        let tag_name = tag.map(tag_text);
        let implicit = match tag_name.as_deref() {
            None => style == SaphyrStyle::Plain,
            // The non-specific tag `!` resolves like an untagged plain scalar, quoted or not.
            Some("!") => true,
            Some(_) => false,
        };
        let (kind, role) = if implicit {
            self.implicit_scalar(value, span)
        } else if let Some(name) = tag_name.as_deref().filter(|n| *n != "!") {
            self.tagged_scalar(value, name, span)
        } else {
            (NodeKind::Str(value.into_owned()), Role::Normal)
        };
        if let NodeKind::Str(s) | NodeKind::Timestamp(s) = &kind {
            self.text_bytes += s.len();
        }
        let node = Node {
            kind,
            span,
            style: node_style,
        };
        if anchor != 0 {
            let anchored = Anchored {
                node: node.clone(),
                nodes: 1,
                text: text_size(&node),
                height: 0,
                role,
            };
            self.complete_anchor(anchor, anchored);
        }
        if self.stack.is_empty() && empty_plain {
            self.root_is_empty = true;
        }
        self.deliver(Finished {
            node,
            height: 0,
            role,
            source_end: span.end,
        })
    }

    fn implicit_scalar(&mut self, value: Cow<'_, str>, span: Span) -> (NodeKind, Role) {
        let kind = match resolve_plain(&value) {
            Implicit::Null => NodeKind::Null,
            Implicit::Bool => match construct_bool(&value) {
                Ok(b) => NodeKind::Bool(b),
                Err(message) => return self.failed_scalar(value, span, message),
            },
            Implicit::Int => match construct_int(&value) {
                Ok(kind) => kind,
                Err(message) => return self.failed_scalar(value, span, message),
            },
            Implicit::Float => match construct_float(&value) {
                Ok(f) => NodeKind::Float(f),
                Err(message) => return self.failed_scalar(value, span, message),
            },
            Implicit::Timestamp => match construct_timestamp(&value) {
                Ok(_) => NodeKind::Timestamp(value.into_owned()),
                Err(message) => return self.failed_scalar(value, span, message),
            },
            Implicit::Merge => return (NodeKind::Str(value.into_owned()), Role::Merge),
            Implicit::Value => return (NodeKind::Str(value.into_owned()), Role::Value),
            Implicit::Str => NodeKind::Str(value.into_owned()),
        };
        (kind, Role::Normal)
    }

    fn failed_scalar(
        &mut self,
        value: Cow<'_, str>,
        span: Span,
        message: String,
    ) -> (NodeKind, Role) {
        self.defer(SyntaxError {
            message: format!("PyYAML cannot load {value:?}: {message}"),
            span,
        });
        (NodeKind::Str(value.into_owned()), Role::Normal)
    }

    fn tagged_scalar(&mut self, value: Cow<'_, str>, tag: &str, span: Span) -> (NodeKind, Role) {
        let Some(core) = tag.strip_prefix(CORE_PREFIX) else {
            self.defer(unknown_tag(tag, span));
            return (NodeKind::Str(value.into_owned()), Role::Normal);
        };
        let result = match core {
            "str" | "binary" => Ok(NodeKind::Str(value.to_string())),
            "null" => Ok(NodeKind::Null),
            "bool" => construct_bool(&value).map(NodeKind::Bool),
            "int" => construct_int(&value),
            "float" => construct_float(&value).map(NodeKind::Float),
            "timestamp" => {
                construct_timestamp(&value).map(|_| NodeKind::Timestamp(value.to_string()))
            }
            "merge" => return (NodeKind::Str(value.into_owned()), Role::Merge),
            "value" => return (NodeKind::Str(value.into_owned()), Role::Value),
            "seq" | "omap" | "pairs" | "map" | "set" => {
                let expected = if matches!(core, "map" | "set") {
                    "mapping"
                } else {
                    "sequence"
                };
                self.defer(SyntaxError {
                    message: format!("expected a {expected} node, but found scalar (tag !!{core})"),
                    span,
                });
                return (NodeKind::Str(value.into_owned()), Role::Normal);
            }
            _ => {
                self.defer(unknown_tag(tag, span));
                return (NodeKind::Str(value.into_owned()), Role::Normal);
            }
        };
        match result {
            Ok(kind) => (kind, Role::Normal),
            Err(message) => self.failed_scalar(value, span, message),
        }
    }

    fn open(
        &mut self,
        kind: FrameKind,
        anchor: usize,
        tag: Option<&Tag>,
        raw_span: &SaphyrSpan,
    ) -> Result<(), SyntaxError> {
        let mut span = self.span(raw_span);
        if self.stack.len() >= self.limits.max_depth {
            let (start, end) = self.char_span(span.end.saturating_sub(1).max(span.start));
            return Err(self.error_at(
                start,
                end,
                format!("nesting deeper than {} levels", self.limits.max_depth),
            ));
        }
        let nodes_before = self.nodes;
        self.count_node(span)?;
        if anchor != 0 {
            self.register_anchor(anchor, span.start)?;
        }
        if anchor != 0 || tag.is_some() {
            let properties = usize::from(anchor != 0) + usize::from(tag.is_some());
            span.start = self.skip_properties(span.start, self.text.len(), properties);
            span.end = span.end.max(span.start);
        }
        let is_seq = matches!(kind, FrameKind::Seq { .. });
        let tag = match tag.map(tag_text).as_deref() {
            None | Some("!") => CollectionTag::Plain,
            Some(name) => match self.collection_tag(name, is_seq) {
                Ok(tag) => tag,
                Err(message) => {
                    self.defer(SyntaxError { message, span });
                    CollectionTag::Plain
                }
            },
        };
        self.stack.push(Frame {
            kind,
            tag,
            anchor,
            start: span.start,
            head_end: span.end,
            last_end: span.end,
            nodes_before,
            text_before: self.text_bytes,
            child_height: 0,
        });
        Ok(())
    }

    fn collection_tag(&self, name: &str, is_seq: bool) -> Result<CollectionTag, String> {
        let found = if is_seq { "sequence" } else { "mapping" };
        let Some(core) = name.strip_prefix(CORE_PREFIX) else {
            return Err(unknown_tag_message(name));
        };
        match (core, is_seq) {
            ("seq", true) | ("map", false) => Ok(CollectionTag::Plain),
            ("omap" | "pairs", true) => Ok(CollectionTag::Pairs),
            ("set", false) => Ok(CollectionTag::Set),
            ("seq" | "omap" | "pairs", false) => Err(format!(
                "expected a sequence node, but found {found} (tag !!{core})"
            )),
            ("map" | "set", true) => Err(format!(
                "expected a mapping node, but found {found} (tag !!{core})"
            )),
            ("str" | "int" | "float" | "bool" | "null" | "timestamp" | "binary", _) => Err(
                format!("expected a scalar node, but found {found} (tag !!{core})"),
            ),
            _ => Err(unknown_tag_message(name)),
        }
    }

    fn close(&mut self, raw_span: &SaphyrSpan) -> Result<(), SyntaxError> {
        let end_span = self.span(raw_span);
        let Some(frame) = self.stack.pop() else {
            return Err(self.error_at(
                end_span.start,
                end_span.end,
                "invalid YAML: unbalanced collection end",
            ));
        };
        // Flow collections end at their bracket; block ones at their last child.
        let end = if end_span.end > end_span.start {
            end_span.end
        } else {
            frame.last_end.max(frame.head_end)
        };
        let end = end.max(frame.start);
        let span = Span::new(self.file, frame.start, end);
        let kind = match frame.kind {
            FrameKind::Seq { base } => {
                let items: Vec<Node> = self.pending_items.drain(base..).collect();
                if frame.tag == CollectionTag::Pairs {
                    self.pairs_list(items)
                } else {
                    NodeKind::Seq(items)
                }
            }
            FrameKind::Map {
                base,
                key,
                mut merges,
            } => {
                if let Some((key, role)) = key {
                    // A key without a value event cannot come from saphyr; keep it as null.
                    let value = Node::new(NodeKind::Null, Span::new(self.file, end, end));
                    if role == Role::Merge {
                        merges.push(self.pending_entries.len() - base);
                    }
                    self.pending_entries.push(Entry { key, value });
                }
                let entries: Vec<Entry> = self.pending_entries.drain(base..).collect();
                NodeKind::Map(self.build_map(entries, &merges))
            }
        };
        let node = Node::new(kind, span);
        let height = frame.child_height + 1;
        if frame.anchor != 0 {
            let anchored = Anchored {
                node: node.clone(),
                nodes: self.nodes - frame.nodes_before,
                text: self.text_bytes - frame.text_before,
                height,
                role: Role::Normal,
            };
            self.complete_anchor(frame.anchor, anchored);
        }
        self.deliver(Finished {
            node,
            height,
            role: Role::Normal,
            source_end: end,
        })
    }

    fn alias(&mut self, id: usize, raw_span: &SaphyrSpan) -> Result<(), SyntaxError> {
        let span = self.span(raw_span);
        let depth = self.stack.len();
        let text_budget = self.limits.max_bytes.saturating_mul(ALIAS_TEXT_FACTOR);
        let finished = match self.anchors.get(id) {
            Some(AnchorSlot::Done(anchored)) => {
                if self.nodes.saturating_add(anchored.nodes) > self.limits.max_nodes {
                    return Err(self.error_at(
                        span.start,
                        span.end,
                        format!("alias expansion exceeds {} nodes", self.limits.max_nodes),
                    ));
                }
                if self.text_bytes.saturating_add(anchored.text) > text_budget {
                    return Err(self.error_at(
                        span.start,
                        span.end,
                        format!("alias expansion exceeds {text_budget} bytes of text"),
                    ));
                }
                if depth + anchored.height > self.limits.max_depth {
                    return Err(self.error_at(
                        span.start,
                        span.end,
                        format!(
                            "alias expansion nests deeper than {} levels",
                            self.limits.max_depth
                        ),
                    ));
                }
                self.nodes += anchored.nodes;
                self.text_bytes += anchored.text;
                Finished {
                    node: anchored.node.clone(),
                    height: anchored.height,
                    role: anchored.role,
                    source_end: span.end,
                }
            }
            Some(AnchorSlot::Open(name)) => {
                return Err(self.error_at(
                    span.start,
                    span.end,
                    format!("alias *{name} is used inside the node it names; recursive structures are not supported"),
                ));
            }
            _ => return Err(self.error_at(span.start, span.end, "found undefined alias")),
        };
        self.deliver(finished)
    }

    fn deliver(&mut self, finished: Finished) -> Result<(), SyntaxError> {
        let Finished {
            node,
            height,
            role,
            source_end,
        } = finished;
        let key_position = matches!(
            self.stack.last(),
            Some(Frame {
                kind: FrameKind::Map { key: None, .. },
                ..
            })
        );
        if key_position {
            if matches!(node.kind, NodeKind::Seq(_) | NodeKind::Map(_)) {
                self.defer(SyntaxError {
                    message: "found unhashable key: a list or mapping cannot be a mapping key in \
                              Python"
                        .into(),
                    span: node.span,
                });
            }
        } else if role != Role::Normal {
            self.defer(misplaced_role(role, node.span));
        }
        let Some(frame) = self.stack.last_mut() else {
            self.root = Some(node);
            return Ok(());
        };
        frame.child_height = frame.child_height.max(height);
        frame.last_end = frame.last_end.max(source_end);
        match &mut frame.kind {
            FrameKind::Seq { .. } => self.pending_items.push(node),
            FrameKind::Map { base, key, merges } => match key.take() {
                None => *key = Some((node, role)),
                Some((key, key_role)) => {
                    if key_role == Role::Merge {
                        merges.push(self.pending_entries.len() - *base);
                    }
                    self.pending_entries.push(Entry { key, value: node });
                }
            },
        }
        Ok(())
    }

    /// `!!omap` / `!!pairs`: each item must be a one-entry mapping; becomes `[key, value]`.
    fn pairs_list(&mut self, items: Vec<Node>) -> NodeKind {
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            let item_span = item.span;
            match item.kind {
                NodeKind::Map(mut entries) if entries.len() == 1 => {
                    if let Some(Entry { key, value }) = entries.pop() {
                        out.push(Node::new(NodeKind::Seq(vec![key, value]), item_span));
                    }
                }
                _ => {
                    self.defer(SyntaxError {
                        message: "expected a mapping of length 1 in an ordered map".into(),
                        span: item_span,
                    });
                }
            }
        }
        NodeKind::Seq(out)
    }

    /// PyYAML's `flatten_mapping` followed by `dict` construction: merged entries first (earlier
    /// merge sources win over later ones), then explicit entries; each key once, at its first
    /// position, holding its last value.
    fn build_map(&mut self, entries: Vec<Entry>, merges: &[usize]) -> Vec<Entry> {
        if merges.is_empty() {
            return self.dedupe(entries, 0);
        }
        let mut combined: Vec<Entry> = Vec::with_capacity(entries.len());
        let mut explicit: Vec<Entry> = Vec::with_capacity(entries.len());
        for (index, Entry { key, value }) in entries.into_iter().enumerate() {
            if !merges.contains(&index) {
                explicit.push(Entry { key, value });
                continue;
            }
            match value.kind {
                NodeKind::Map(sources) => combined.extend(sources),
                NodeKind::Seq(items) => {
                    let mut sources = Vec::with_capacity(items.len());
                    for item in items {
                        match item.kind {
                            NodeKind::Map(entries) => sources.push(entries),
                            _ => self.defer(SyntaxError {
                                message: format!(
                                    "expected a mapping for merging, but found {}",
                                    item.type_name()
                                ),
                                span: item.span,
                            }),
                        }
                    }
                    for entries in sources.into_iter().rev() {
                        combined.extend(entries);
                    }
                }
                _ => self.defer(SyntaxError {
                    message: format!(
                        "expected a mapping or list of mappings for merging, but found {}",
                        value.type_name()
                    ),
                    span: value.span,
                }),
            }
        }
        let explicit_from = combined.len();
        combined.extend(explicit);
        self.dedupe(combined, explicit_from)
    }

    /// Keeps each key once as a Python `dict` does; entries from `explicit_from` on were written
    /// in this mapping, and a repeat among them is reported.
    fn dedupe(&mut self, combined: Vec<Entry>, explicit_from: usize) -> Vec<Entry> {
        if !has_equal_keys(&combined) {
            return combined;
        }
        struct Slot {
            first: usize,
            last: usize,
            first_explicit: Option<usize>,
        }
        let mut slots: Vec<Slot> = Vec::with_capacity(combined.len());
        let mut duplicates = Vec::new();
        {
            let mut index: FastMap<KeyRepr<'_>, usize> = map_with_capacity(combined.len());
            for (i, entry) in combined.iter().enumerate() {
                let repr = key_repr(&entry.key, i);
                let explicit = i >= explicit_from;
                match index.get(&repr) {
                    Some(&slot_index) => {
                        let slot = &mut slots[slot_index];
                        slot.last = i;
                        if explicit {
                            match slot.first_explicit {
                                Some(first) => duplicates.push((first, i)),
                                None => slot.first_explicit = Some(i),
                            }
                        }
                    }
                    None => {
                        index.insert(repr, slots.len());
                        slots.push(Slot {
                            first: i,
                            last: i,
                            first_explicit: explicit.then_some(i),
                        });
                    }
                }
            }
        }
        // Each first value is rendered once however often its key repeats: the comparisons cost
        // the size of the values, not that size times the number of repeats.
        let mut first_values: FastMap<usize, serde_json::Value> = map_with_capacity(0);
        for (first, duplicate) in duplicates {
            let first_value = first_values
                .entry(first)
                .or_insert_with(|| combined[first].value.to_json());
            let identical = *first_value == combined[duplicate].value.to_json();
            self.issues.push(ReadIssue::DuplicateKey {
                key: combined[duplicate].key.scalar_text(),
                first: combined[first].key.span,
                duplicate: combined[duplicate].key.span,
                identical,
            });
        }
        let mut keys: Vec<Option<Node>> = Vec::with_capacity(combined.len());
        let mut values: Vec<Option<Node>> = Vec::with_capacity(combined.len());
        for Entry { key, value } in combined {
            keys.push(Some(key));
            values.push(Some(value));
        }
        slots
            .iter()
            .filter_map(|slot| {
                let key = keys.get_mut(slot.first)?.take()?;
                let value = values.get_mut(slot.last)?.take()?;
                Some(Entry { key, value })
            })
            .collect()
    }

    /// PyYAML's scanner skips only spaces between tokens: a tab anywhere outside a comment, a
    /// quoted scalar or a block scalar's content is "a character that cannot start any token".
    fn check_tabs(&self) -> Result<(), SyntaxError> {
        let bytes = self.text.as_bytes();
        let mut zone = 0;
        let mut i = 0;
        let mut prev = b'\n';
        while i < bytes.len() {
            while zone < self.tab_zones.len() && self.tab_zones[zone].end <= i {
                zone += 1;
            }
            if let Some(z) = self
                .tab_zones
                .get(zone)
                .filter(|z| z.start <= i && z.end > i)
            {
                if let Some(indent) = z.block_indent {
                    self.check_block_tabs(i, z.end, indent)?;
                }
                i = z.end;
                prev = b'x';
                continue;
            }
            match bytes[i] {
                b'#' if matches!(prev, b' ' | b'\t' | b'\n' | b'\r') => {
                    while i < bytes.len() && bytes[i] != b'\n' {
                        i += 1;
                    }
                    continue;
                }
                b'\t' => return Err(self.tab_error(i)),
                _ => {}
            }
            prev = bytes[i];
            i += 1;
        }
        Ok(())
    }

    fn check_block_tabs(&self, start: usize, end: usize, indent: usize) -> Result<(), SyntaxError> {
        let bytes = self.text.as_bytes();
        let mut line_start = self
            .text
            .get(..start)
            .and_then(|s| s.rfind('\n'))
            .map_or(0, |p| p + 1);
        for i in start..end.min(bytes.len()) {
            match bytes[i] {
                b'\n' => line_start = i + 1,
                b'\t' => {
                    let column = bytes[line_start..i]
                        .iter()
                        .filter(|&&b| b & 0xC0 != 0x80)
                        .count();
                    if column < indent {
                        return Err(self.tab_error(i));
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn tab_error(&self, at: usize) -> SyntaxError {
        self.error_at(
            at,
            at + 1,
            "found a tab character that cannot start any token: PyYAML does not allow tabs for \
             indentation or between tokens (use spaces)",
        )
    }
}

fn tag_text(tag: &Tag) -> String {
    format!("{}{}", tag.handle, tag.suffix)
}

fn unknown_tag_message(tag: &str) -> String {
    format!(
        "could not determine a constructor for the tag '{tag}' (LiteLLM loads configs with \
         yaml.safe_load, which only knows the standard tags)"
    )
}

fn unknown_tag(tag: &str, span: Span) -> SyntaxError {
    SyntaxError {
        message: unknown_tag_message(tag),
        span,
    }
}

fn misplaced_role(role: Role, span: Span) -> SyntaxError {
    let tag = if role == Role::Merge {
        "merge"
    } else {
        "value"
    };
    SyntaxError {
        message: unknown_tag_message(&format!("{CORE_PREFIX}{tag}")),
        span,
    }
}

/// Scalar text bytes in a subtree.
fn text_size(node: &Node) -> usize {
    let mut total = 0;
    let mut pending = vec![node];
    while let Some(n) = pending.pop() {
        match &n.kind {
            NodeKind::Str(s) | NodeKind::Timestamp(s) => total += s.len(),
            NodeKind::Seq(items) => pending.extend(items.iter()),
            NodeKind::Map(entries) => {
                for e in entries {
                    pending.push(&e.key);
                    pending.push(&e.value);
                }
            }
            _ => {}
        }
    }
    total
}

/// Whether two keys of the mapping are equal; without allocating for the usual small maps.
pub(super) fn has_equal_keys(entries: &[Entry]) -> bool {
    const SMALL: usize = 24;
    if entries.len() > SMALL {
        let mut seen = crate::fast_hash::set_with_capacity(entries.len());
        return !entries
            .iter()
            .enumerate()
            .all(|(i, e)| seen.insert(key_repr(&e.key, i)));
    }
    entries.iter().enumerate().any(|(i, later)| {
        entries[..i].iter().enumerate().any(|(j, earlier)| {
            match (&earlier.key.kind, &later.key.kind) {
                (NodeKind::Str(a), NodeKind::Str(b)) => a == b,
                (NodeKind::Str(_), _) | (_, NodeKind::Str(_)) => false,
                _ => key_repr(&earlier.key, j) == key_repr(&later.key, i),
            }
        })
    })
}

/// A mapping key as Python's `dict` compares it.
#[derive(Debug, PartialEq, Eq, Hash)]
enum KeyRepr<'a> {
    Null,
    /// `bool`, `int` and integral `float` compare equal across types.
    Number(i64),
    Float(u64),
    Str(&'a str),
    Time(u8, i64, u32),
    /// Never equal to another key (NaN, unhashable keys already reported).
    Unique(usize),
}

fn key_repr(node: &Node, index: usize) -> KeyRepr<'_> {
    match &node.kind {
        NodeKind::Null => KeyRepr::Null,
        NodeKind::Bool(b) => KeyRepr::Number(i64::from(*b)),
        NodeKind::Int(i) => KeyRepr::Number(*i),
        NodeKind::Float(f) if f.is_nan() => KeyRepr::Unique(index),
        NodeKind::Float(f) => {
            // i64::MIN..=i64::MAX as exactly representable float bounds.
            if f.fract() == 0.0 && *f >= i64::MIN as f64 && *f < -(i64::MIN as f64) {
                KeyRepr::Number(*f as i64)
            } else {
                KeyRepr::Float(f.to_bits())
            }
        }
        NodeKind::Str(s) => KeyRepr::Str(s),
        NodeKind::Timestamp(s) => match construct_timestamp(s) {
            Ok(parts) => {
                let (kind, seconds, micros) = timestamp_identity(&parts);
                KeyRepr::Time(kind, seconds, micros)
            }
            Err(_) => KeyRepr::Unique(index),
        },
        NodeKind::Seq(_) | NodeKind::Map(_) => KeyRepr::Unique(index),
    }
}
