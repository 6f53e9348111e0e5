//! Reading `openclaw.json` as OpenClaw does: JSON5, then `$include` resolution (confinement,
//! depth 10, cycles, 2 MiB per file) and deep merge.

// An include error ends the read (OpenClaw refuses the whole config), so returning the
// diagnostic by value on that cold path costs nothing worth boxing for.
#![allow(clippy::result_large_err)]

use std::path::{Path, PathBuf};

use crate::diagnostic::{Code, Diagnostic};
use crate::env::Environment;
use crate::fast_hash::{map_with_capacity, FastMap};
use crate::syntax::{
    json5, Budget, Entry, Limits, Node, NodeKind, ReadError, ReadIssue, SourceFile, SourceMap, Span,
};

/// OpenClaw's include limits (src/config/includes.ts).
const MAX_INCLUDE_DEPTH: usize = 10;
const MAX_INCLUDE_BYTES: usize = 2 * 1024 * 1024;
const MAX_PATH_LEN: usize = 4096;

/// Reads one JSON5 file into the source map, turning read issues into diagnostics.
pub fn parse_file(
    path: &Path,
    text: String,
    sources: &mut SourceMap,
    out: &mut Vec<Diagnostic>,
) -> Result<Node, Diagnostic> {
    let file = sources.add(SourceFile::new(path, text));
    let text = &sources.get(file).text;
    let doc = json5::read(text, file, &Limits::default())
        .map_err(|e| Diagnostic::new(Code::OcJson5Syntax, e.span, e.message))?;
    for issue in doc.issues {
        match issue {
            ReadIssue::DuplicateKey {
                key,
                first,
                duplicate,
                ..
            } => out.push(
                Diagnostic::new(
                    Code::OcDuplicateKey,
                    duplicate,
                    format!("key `{key}` is repeated: json5 keeps this value and drops the first"),
                )
                .with_secondary(first, "first value, ignored"),
            ),
        }
    }
    doc.root.ok_or_else(|| {
        Diagnostic::new(
            Code::OcJson5Syntax,
            Span::new(file, 0, 0),
            "the document is empty",
        )
    })
}

/// Include resolution state for one read.
pub struct Includes<'a> {
    /// Directories includes may come from: the main file's directory and `OPENCLAW_INCLUDE_ROOTS`.
    roots: Vec<PathBuf>,
    /// The same directories with symlinks resolved, for the real-path check.
    real_roots: Vec<PathBuf>,
    sources: &'a mut SourceMap,
    pub diagnostics: Vec<Diagnostic>,
    /// Bytes read and nodes built by all the includes together.
    budget: Budget,
    /// Each distinct file (by real path) is read and parsed once, however often it is included.
    parsed: FastMap<PathBuf, Parsed>,
    /// Each include target (by the path it was reached through, which places its own relative
    /// includes) is resolved once; repeating it clones the result, and clones count in the budget.
    resolved: FastMap<PathBuf, Resolved>,
}

/// A parsed include file, before its own includes are resolved.
struct Parsed {
    root: Node,
    /// How deep its brackets nest.
    nesting: usize,
    /// `root.count()`: every copy after the first is spent from the budget.
    nodes: usize,
    copies: usize,
}

/// An include resolved without error at `chain_len` files deep and nesting `depth`; it resolves
/// the same way wherever it is at most that deep (deeper, the depth limits must be checked again).
struct Resolved {
    node: Node,
    nodes: usize,
    chain_len: usize,
    depth: usize,
}

impl<'a> Includes<'a> {
    pub fn new(main: &Path, env: &Environment, sources: &'a mut SourceMap, budget: Budget) -> Self {
        let mut roots = Vec::new();
        if let Some(dir) = main.parent() {
            let dir = if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            };
            roots.push(absolute(dir));
        }
        if let Some(extra) = env.get("OPENCLAW_INCLUDE_ROOTS") {
            let home = env.get("OPENCLAW_HOME").or_else(|| env.get("HOME"));
            for entry in extra.split(':').map(str::trim).filter(|e| !e.is_empty()) {
                let expanded = match (entry.strip_prefix('~'), home) {
                    (Some(rest), Some(home)) => PathBuf::from(format!("{home}{rest}")),
                    _ => PathBuf::from(entry),
                };
                if expanded.is_absolute() {
                    roots.push(normalize(&expanded));
                }
            }
        }
        let real_roots = roots
            .iter()
            .map(|r| r.canonicalize().unwrap_or_else(|_| r.clone()))
            .collect();
        Includes {
            roots,
            real_roots,
            sources,
            diagnostics: Vec::new(),
            budget,
            parsed: FastMap::default(),
            resolved: FastMap::default(),
        }
    }

    /// Resolves every `$include` under `node`. `chain` holds the canonical paths of the files
    /// being included, outermost first. On failure the diagnostic is returned: OpenClaw refuses
    /// the whole config on any include error. `depth` is the node's nesting level in the merged
    /// tree: includes stack files, so the limit is enforced here, before recursion can run away.
    pub fn resolve(
        &mut self,
        node: Node,
        current_file: &Path,
        chain: &mut Vec<PathBuf>,
        depth: usize,
    ) -> Result<Node, Diagnostic> {
        let max_depth = Limits::default().max_depth;
        if depth > max_depth {
            return Err(Diagnostic::new(
                Code::OcIncludeTooDeep,
                node.span,
                format!("with its includes the config nests deeper than {max_depth} levels"),
            ));
        }
        match node.kind {
            NodeKind::Map(entries) => {
                let span = node.span;
                let mut include: Option<Entry> = None;
                let mut siblings = Vec::with_capacity(entries.len());
                for entry in entries {
                    if entry.key.as_str() == Some("$include") {
                        include = Some(entry);
                    } else {
                        let value = self.resolve(entry.value, current_file, chain, depth + 1)?;
                        siblings.push(Entry {
                            key: entry.key,
                            value,
                        });
                    }
                }
                let resolved_siblings = Node::new(NodeKind::Map(siblings), span);
                let Some(include) = include else {
                    return Ok(resolved_siblings);
                };
                let included = self.load_directive(&include, current_file, chain, depth)?;
                let has_siblings = resolved_siblings.as_map().is_some_and(|m| !m.is_empty());
                if !has_siblings {
                    return Ok(included);
                }
                if included.as_map().is_none() {
                    return Err(Diagnostic::new(
                        Code::OcIncludeInvalid,
                        include.key.span,
                        "Sibling keys require included content to be an object",
                    ));
                }
                Ok(merge(included, resolved_siblings))
            }
            NodeKind::Seq(items) => {
                let items = items
                    .into_iter()
                    .map(|i| self.resolve(i, current_file, chain, depth + 1))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(Node::new(NodeKind::Seq(items), node.span))
            }
            kind => Ok(Node { kind, ..node }),
        }
    }

    fn load_directive(
        &mut self,
        include: &Entry,
        current_file: &Path,
        chain: &mut Vec<PathBuf>,
        depth: usize,
    ) -> Result<Node, Diagnostic> {
        let paths: Vec<&Node> = match &include.value.kind {
            NodeKind::Str(_) => vec![&include.value],
            NodeKind::Seq(items) => {
                if let Some(bad) = items.iter().find(|i| i.as_str().is_none()) {
                    return Err(Diagnostic::new(
                        Code::OcIncludeInvalid,
                        bad.span,
                        format!(
                            "Invalid $include array item: expected string, got {}",
                            bad.type_name()
                        ),
                    ));
                }
                items.iter().collect()
            }
            _ => {
                return Err(Diagnostic::new(
                    Code::OcIncludeInvalid,
                    include.value.span,
                    format!(
                        "Invalid $include value: expected string or array of strings, got {}",
                        include.value.type_name()
                    ),
                ))
            }
        };
        let mut merged: Option<Node> = None;
        for path_node in paths {
            let loaded = self.load_one(path_node, current_file, chain, depth)?;
            merged = Some(match merged {
                Some(previous) => merge(previous, loaded),
                None => loaded,
            });
        }
        Ok(merged.unwrap_or_else(|| Node::new(NodeKind::Map(Vec::new()), include.value.span)))
    }

    fn load_one(
        &mut self,
        path_node: &Node,
        current_file: &Path,
        chain: &mut Vec<PathBuf>,
        depth: usize,
    ) -> Result<Node, Diagnostic> {
        let written = path_node.as_str().unwrap_or_default();
        let fail = |code: Code, message: String| Diagnostic::new(code, path_node.span, message);
        if written.contains('\0') || written.len() >= MAX_PATH_LEN {
            return Err(fail(
                Code::OcIncludeInvalid,
                "Invalid include path (NUL byte or over 4096 bytes)".into(),
            ));
        }
        let base = current_file.parent().unwrap_or(Path::new("."));
        let joined = if Path::new(written).is_absolute() {
            PathBuf::from(written)
        } else {
            base.join(written)
        };
        let lexical = normalize(&joined);
        let root_list = if self.roots.len() > 1 {
            "the config's directory and OPENCLAW_INCLUDE_ROOTS"
        } else {
            "the config's directory"
        };
        // The path as resolved (without following links) must stay inside a root, and so must
        // its real path (symlinks).
        let lexical_abs = absolute(&lexical);
        let absolute_lexical = lexical.canonicalize().ok();
        if !self.inside_roots(&lexical_abs) {
            return Err(fail(
                Code::OcIncludeEscapes,
                format!("Include path escapes config directory: {written} (allowed: {root_list})"),
            ));
        }
        let Some(real) = absolute_lexical else {
            return Err(fail(
                Code::OcIncludeUnreadable,
                format!("Failed to read include file: {written} (not found)"),
            ));
        };
        if !self.real_roots.iter().any(|root| real.starts_with(root)) {
            return Err(fail(Code::OcIncludeEscapes, format!("Include path resolves outside config directory (symlink): {written} (allowed: {root_list})")));
        }
        if chain.contains(&real) {
            let names: Vec<String> = chain
                .iter()
                .chain(std::iter::once(&real))
                .map(|p| {
                    p.file_name().map_or_else(
                        || p.display().to_string(),
                        |n| n.to_string_lossy().into_owned(),
                    )
                })
                .collect();
            return Err(fail(
                Code::OcIncludeCycle,
                format!("Circular include detected: {}", names.join(" -> ")),
            ));
        }
        // The main file is chain[0]; each include adds one.
        if chain.len() > MAX_INCLUDE_DEPTH {
            return Err(fail(
                Code::OcIncludeTooDeep,
                format!("Maximum include depth ({MAX_INCLUDE_DEPTH}) exceeded at: {written}"),
            ));
        }
        let meta = std::fs::metadata(&real).map_err(|e| {
            fail(
                Code::OcIncludeUnreadable,
                format!("Failed to read include file: {written} ({e})"),
            )
        })?;
        if let Err(ReadError::NotRegular(kind)) = crate::syntax::source::refuse_non_regular(&meta) {
            return Err(fail(
                Code::OcIncludeUnreadable,
                format!("Include is not a regular file: {written} ({kind})"),
            ));
        }
        if hard_linked(&meta) {
            return Err(fail(
                Code::OcIncludeUnreadable,
                format!("Include file has hard links, which OpenClaw refuses: {written}"),
            ));
        }
        let lexical_key = absolute(&lexical);
        let over_budget = |message: String| {
            fail(
                Code::OcIncludeUnreadable,
                format!("Include not read: {written} ({message})"),
            )
        };
        if let Some(done) = self.resolved.get(&lexical_key) {
            if chain.len() <= done.chain_len && depth <= done.depth {
                let (node, nodes) = (done.node.clone(), done.nodes);
                self.budget.spend_nodes(nodes).map_err(over_budget)?;
                return Ok(node);
            }
        }
        if !self.parsed.contains_key(&real) {
            let parsed = self.read_and_parse(&real, &lexical, written, depth, &fail)?;
            self.parsed.insert(real.clone(), parsed);
        }
        let Some(parsed) = self.parsed.get_mut(&real) else {
            return Err(fail(
                Code::OcIncludeUnreadable,
                format!("Failed to read include file: {written}"),
            ));
        };
        // The included root sits at `depth`: refuse a file that would nest the merged tree past
        // the limit before resolving it (the resolver recurses).
        let max_depth = Limits::default().max_depth;
        if depth + parsed.nesting > max_depth {
            return Err(fail(
                Code::OcIncludeTooDeep,
                format!("with {written} the config nests deeper than {max_depth} levels"),
            ));
        }
        let node = parsed.root.clone();
        parsed.copies += 1;
        if parsed.copies > 1 {
            let nodes = parsed.nodes;
            self.budget.spend_nodes(nodes).map_err(over_budget)?;
        }
        chain.push(real.clone());
        let result = self.resolve(node, &lexical, chain, depth);
        chain.pop();
        let node = result?;
        let nodes = node.count();
        self.resolved.insert(
            lexical_key,
            Resolved {
                node: node.clone(),
                nodes,
                chain_len: chain.len(),
                depth,
            },
        );
        Ok(node)
    }

    /// Reads an include through the one bounded reader (2 MiB, OpenClaw's own limit, and what is
    /// left of the budget) and parses it; its nodes are spent from the budget once.
    fn read_and_parse(
        &mut self,
        real: &Path,
        lexical: &Path,
        written: &str,
        depth: usize,
        fail: &dyn Fn(Code, String) -> Diagnostic,
    ) -> Result<Parsed, Diagnostic> {
        let unreadable = |message: String| fail(Code::OcIncludeUnreadable, message);
        let bytes = self
            .budget
            .read_file(real, MAX_INCLUDE_BYTES)
            .map_err(|e| match e {
                ReadError::TooLarge { .. } => {
                    unreadable(format!("Include file is over 2 MiB: {written}"))
                }
                ReadError::NotRegular(kind) => {
                    unreadable(format!("Include is not a regular file: {written} ({kind})"))
                }
                ReadError::OverBudget { .. } => {
                    unreadable(format!("Include not read: {written} ({e})"))
                }
                e => unreadable(format!("Failed to read include file: {written} ({e})")),
            })?;
        let text = String::from_utf8(bytes).map_err(|_| {
            unreadable(format!(
                "Failed to read include file: {written} ({})",
                ReadError::NotUtf8
            ))
        })?;
        // Checked before parsing, as the parser recurses too.
        let nesting = json5::nesting_depth(&text);
        let max_depth = Limits::default().max_depth;
        if depth + nesting > max_depth {
            return Err(fail(
                Code::OcIncludeTooDeep,
                format!("with {written} the config nests deeper than {max_depth} levels"),
            ));
        }
        let mut read_issues = Vec::new();
        let root = match parse_file(lexical, text, self.sources, &mut read_issues) {
            Ok(root) => root,
            Err(inner) => {
                // Not JSON5, so not a config: reported by path and position only (the reader's
                // message may quote the text), and the file is never shown.
                let file = self.sources.get(inner.primary.span.file);
                let (line, column) = file.line_col(inner.primary.span.start);
                self.sources.withhold(inner.primary.span.file);
                return Err(unreadable(format!("Failed to parse include file: {written} (not JSON5 at line {line}, column {column}; its content is not shown, as an included file is shown only when it can be an OpenClaw config)")));
            }
        };
        if !matches!(root.kind, NodeKind::Map(_) | NodeKind::Seq(_)) {
            // OpenClaw takes a scalar as the included value; it may be a secret kept in its own
            // file, so no code frame shows the file.
            self.sources.withhold(root.span.file);
        }
        self.diagnostics.extend(read_issues);
        let nodes = root.count();
        self.budget
            .spend_nodes(nodes)
            .map_err(|message| unreadable(format!("Include not read: {written} ({message})")))?;
        Ok(Parsed {
            root,
            nesting,
            nodes,
            copies: 0,
        })
    }

    fn inside_roots(&self, path: &Path) -> bool {
        self.roots.iter().any(|root| path.starts_with(root))
    }
}

#[cfg(unix)]
fn hard_linked(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    meta.nlink() > 1
}

#[cfg(not(unix))]
fn hard_linked(_meta: &std::fs::Metadata) -> bool {
    false
}

/// The absolute, normalised form of a path (relative to the working directory).
fn absolute(path: &Path) -> PathBuf {
    normalize(&std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()))
}

/// Removes `.` and resolves `..` without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// OpenClaw's deep merge: objects merge key by key, arrays concatenate, anything else is
/// replaced by the later value.
pub fn merge(base: Node, over: Node) -> Node {
    match (base.kind, over.kind) {
        (NodeKind::Map(mut entries), NodeKind::Map(over_entries)) => {
            // Key -> position, so merging large objects stays linear.
            let mut positions: FastMap<String, usize> = map_with_capacity(entries.len());
            for (i, e) in entries.iter().enumerate() {
                positions.entry(e.key.scalar_text()).or_insert(i);
            }
            for entry in over_entries {
                let name = entry.key.scalar_text();
                match positions.get(&name) {
                    Some(&pos) => {
                        let slot = &mut entries[pos];
                        let placeholder = Node::new(NodeKind::Null, slot.value.span);
                        let old = std::mem::replace(&mut slot.value, placeholder);
                        slot.value = merge(old, entry.value);
                        slot.key = entry.key;
                    }
                    None => {
                        positions.insert(name, entries.len());
                        entries.push(entry);
                    }
                }
            }
            Node::new(NodeKind::Map(entries), over.span)
        }
        (NodeKind::Seq(mut items), NodeKind::Seq(more)) => {
            items.extend(more);
            Node::new(NodeKind::Seq(items), over.span)
        }
        (_, kind) => Node {
            kind,
            span: over.span,
            style: over.style,
        },
    }
}
