//! Reading a LiteLLM config as the proxy does: YAML (PyYAML semantics), then `include` merged in
//! (section 4 of the reference: relative to the declaring file, breadth-first, each file once,
//! lists concatenate, anything else replaces) before any other check runs.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};

use crate::diagnostic::{pointer, Code, Diagnostic, Severity};
use crate::fast_hash::{map_with_capacity, FastMap, FastSet};
use crate::syntax::{
    yaml, Budget, Entry, FileId, Limits, Node, NodeKind, ReadError, ReadIssue, SourceFile,
    SourceMap, Span,
};

/// The main file could not be read at all (exit code 2, not a finding).
#[derive(Debug)]
pub struct LoadError {
    pub path: PathBuf,
    pub message: String,
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot read {}: {}", self.path.display(), self.message)
    }
}

impl std::error::Error for LoadError {}

/// The merged config tree and what reading it found.
#[derive(Debug)]
pub struct Loaded {
    /// The merged top-level mapping, `None` when the file is unusable (syntax error, empty, ...).
    pub root: Option<Node>,
    pub main_file: FileId,
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads one YAML file into the source map, reporting syntax problems as findings. `Err` is why
/// the file could not be read at all (missing, not a regular file, over the budget of all the
/// config's files): exit 2 for the main file, LL011 at the `include` entry for an include.
pub fn read_yaml_file(
    path: &Path,
    sources: &mut SourceMap,
    limits: &Limits,
    budget: &mut Budget,
) -> Result<(FileId, Option<Node>, Vec<Diagnostic>), String> {
    let bytes = match budget.read_file(path, limits.max_bytes) {
        Ok(bytes) => bytes,
        // A file over its own limit is a finding in it (the config is unusable), not a usage error.
        Err(ReadError::TooLarge { limit }) => {
            let file = sources.add(SourceFile::new(path, String::new()));
            let d = Diagnostic::new(
                Code::YamlSyntax,
                Span::new(file, 0, 0),
                format!("the file is larger than the limit of {limit} bytes"),
            )
            .with_help(
                "a LiteLLM config this large is almost certainly not a config: check the path",
            );
            return Ok((file, None, vec![d]));
        }
        Err(e) => return Err(e.to_string()),
    };
    let mut diagnostics = Vec::new();
    let (text, decode_error) = match crate::syntax::source::decode_utf8(&bytes, FileId(0)) {
        Ok(text) => (text, None),
        Err(e) => (String::from_utf8_lossy(&bytes).into_owned(), Some(e)),
    };
    let file = sources.add(SourceFile::new(path, text));
    if let Some(e) = decode_error {
        let span = Span::new(file, e.span.start, e.span.end);
        diagnostics.push(
            Diagnostic::new(Code::YamlSyntax, span, e.message)
                .with_help("LiteLLM reads config files as UTF-8 text"),
        );
        return Ok((file, None, diagnostics));
    }
    match yaml::read(&sources.get(file).text, file, limits) {
        Ok(doc) => {
            if let Some(root) = &doc.root {
                budget.spend_nodes(root.count())?;
            }
            for issue in doc.issues {
                match issue {
                    ReadIssue::DuplicateKey { key, first, duplicate, identical: false } => diagnostics.push(
                        Diagnostic::new(Code::DuplicateKey, duplicate, format!("duplicate key `{key}`: LiteLLM silently keeps only this last value"))
                            .with_label("repeated here")
                            .with_secondary(first, "first defined here")
                            .with_help("remove one of the two, or merge their contents"),
                    ),
                    // PyYAML keeps the last copy, which equals the first: only the repetition is wrong.
                    ReadIssue::DuplicateKey { key, first, duplicate, identical: true } => diagnostics.push(
                        Diagnostic::new(Code::DuplicateKey, duplicate, format!("duplicate key `{key}` repeats the same value: nothing is lost, the copy is redundant"))
                            .with_severity(Severity::Warning)
                            .with_label("same value again")
                            .with_secondary(first, "first defined here")
                            .with_help("remove one of the two"),
                    ),
                }
            }
            Ok((file, doc.root, diagnostics))
        }
        Err(e) => {
            diagnostics.push(
                Diagnostic::new(Code::YamlSyntax, e.span, e.message)
                    .with_help("fix the YAML syntax: LiteLLM cannot start on this file"),
            );
            Ok((file, None, diagnostics))
        }
    }
}

/// Loads the main config and everything it includes.
pub fn load(path: &Path, sources: &mut SourceMap, limits: &Limits) -> Result<Loaded, LoadError> {
    let mut budget = Budget::new(limits);
    let (main_file, root, mut diagnostics) = read_yaml_file(path, sources, limits, &mut budget)
        .map_err(|message| LoadError {
            path: path.to_path_buf(),
            message,
        })?;
    let root = match root {
        None => {
            if diagnostics.is_empty() {
                diagnostics.push(
                    Diagnostic::new(
                        Code::EmptyConfig,
                        Span::new(main_file, 0, 0),
                        "the config is empty: LiteLLM exits with `Config cannot be None or Empty.`",
                    )
                    .with_help("add at least a `model_list`"),
                );
            }
            return Ok(Loaded {
                root: None,
                main_file,
                diagnostics,
            });
        }
        Some(root) => root,
    };
    if !matches!(root.kind, NodeKind::Map(_)) {
        diagnostics.push(
            Diagnostic::new(
                Code::NotAMapping,
                root.span,
                format!(
                    "the top level is {}, but LiteLLM needs a mapping",
                    root.type_name()
                ),
            )
            .with_help("start the file with top-level keys such as `model_list:`"),
        );
        return Ok(Loaded {
            root: None,
            main_file,
            diagnostics,
        });
    }
    let merged = resolve_includes(root, path, sources, limits, &mut budget, &mut diagnostics);
    Ok(Loaded {
        root: Some(merged),
        main_file,
        diagnostics,
    })
}

/// Applies `include` lists breadth-first, as LiteLLM 1.109's `config_includes.py` does.
fn resolve_includes(
    mut root: Node,
    root_path: &Path,
    sources: &mut SourceMap,
    limits: &Limits,
    budget: &mut Budget,
    diagnostics: &mut Vec<Diagnostic>,
) -> Node {
    let mut seen: FastSet<PathBuf> = FastSet::default();
    seen.insert(canonical(root_path));
    let mut queue: VecDeque<(Entry, PathBuf)> = VecDeque::new();
    if let Some(entry) = take_include(&mut root) {
        queue.push_back((entry, root_path.to_path_buf()));
    }
    while let Some((include, declaring_path)) = queue.pop_front() {
        let Some(items) = include_items(&include, diagnostics) else {
            continue;
        };
        let base_dir = declaring_path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        for item in items {
            let Some(relative) = item.as_str() else {
                continue;
            };
            let target = base_dir.join(relative);
            if !target.exists() {
                diagnostics.push(
                    Diagnostic::new(
                        Code::IncludeMissing,
                        item.span,
                        format!("included file not found: {}", target.display()),
                    )
                    .with_label("LiteLLM raises `Included file not found` here")
                    .with_help("include paths are relative to the file that declares them"),
                );
                continue;
            }
            let canonical_target = canonical(&target);
            if seen.contains(&canonical_target) {
                diagnostics.push(
                    Diagnostic::new(
                        Code::IncludeCycle,
                        item.span,
                        format!("{} is already included: LiteLLM skips it", target.display()),
                    )
                    .with_help("remove this include; each file is read once"),
                );
                continue;
            }
            seen.insert(canonical_target);
            let (file, included, found) = match read_yaml_file(&target, sources, limits, budget) {
                Ok(read) => read,
                Err(message) => {
                    diagnostics.push(Diagnostic::new(
                        Code::IncludeMissing,
                        item.span,
                        format!("cannot read included file {}: {message}", target.display()),
                    ));
                    continue;
                }
            };
            if let Some(finding) = not_a_config(
                &target,
                sources.get(file),
                included.as_ref(),
                &found,
                item.span,
            ) {
                sources.withhold(file);
                diagnostics.push(finding);
                continue;
            }
            diagnostics.extend(found);
            let mut included = match included {
                // An empty included file counts as `{}`.
                None => continue,
                Some(node) => node,
            };
            if let Some(nested) = take_include(&mut included) {
                queue.push_back((nested, target.clone()));
            }
            merge(&mut root, included, item.span, diagnostics);
        }
    }
    root
}

/// An included file is shown (code frames, quoted keys and values) only if it can be a LiteLLM
/// config: valid YAML whose top level is empty or a mapping with at least one key LiteLLM reads.
/// Anything else (a dotenv file, `/proc/self/environ`, `/etc/shadow`, a list, a mapping of
/// unknown keys) is one finding at its `include` naming the path, and none of its text: a reader
/// message may quote it, so only the position is kept. LiteLLM stops on the first three kinds and
/// ignores the last, so leaving such a file out of the merged tree changes nothing else.
fn not_a_config(
    target: &Path,
    file: &SourceFile,
    root: Option<&Node>,
    found: &[Diagnostic],
    include: Span,
) -> Option<Diagnostic> {
    const NOT_SHOWN: &str =
        "its content is not shown (an included file is shown only when it can be a LiteLLM config)";
    const HELP: &str = "if it is a config fragment, fix it there; keys and `.env` files belong in the environment, not in `include`";
    let path = target.display();
    if let Some(error) = found.iter().find(|d| d.code == Code::YamlSyntax) {
        let (line, column) = file.line_col(error.primary.span.start);
        return Some(
            Diagnostic::new(
                Code::YamlSyntax,
                include,
                format!("included file {path} does not read as YAML (line {line}, column {column}): {NOT_SHOWN}"),
            )
            .with_label("LiteLLM cannot start with this include")
            .with_help(HELP),
        );
    }
    let root = root?;
    let finding = match &root.kind {
        NodeKind::Map(entries)
            if entries.is_empty()
                || entries
                    .iter()
                    .any(|e| e.key.as_str().is_some_and(is_top_level_key)) =>
        {
            return None
        }
        NodeKind::Map(entries) => Diagnostic::new(
            Code::UnknownKey,
            include,
            format!(
                "included file {path} has none of LiteLLM's top-level keys ({} unknown): LiteLLM ignores all of it, and {NOT_SHOWN}",
                entries.len()
            ),
        ),
        _ => Diagnostic::new(
            Code::NotAMapping,
            include,
            format!(
                "included file {path} is {}, but LiteLLM needs a mapping: {NOT_SHOWN}",
                root.type_name()
            ),
        ),
    };
    Some(finding.with_help(HELP))
}

fn is_top_level_key(key: &str) -> bool {
    super::schema::schema()
        .get("properties")
        .and_then(|p| p.get(key))
        .is_some()
}

/// Removes and returns the `include` entry (LiteLLM drops the key from the merged config).
fn take_include(map: &mut Node) -> Option<Entry> {
    let NodeKind::Map(entries) = &mut map.kind else {
        return None;
    };
    let index = entries
        .iter()
        .rposition(|e| e.key.as_str() == Some("include"))?;
    Some(entries.remove(index))
}

fn include_items<'a>(include: &'a Entry, diagnostics: &mut Vec<Diagnostic>) -> Option<&'a [Node]> {
    let invalid = |span: Span, what: &str| {
        Diagnostic::new(
            Code::IncludeInvalid,
            span,
            format!("`include` must be a list of file paths, found {what}"),
        )
        .with_help("write `include: [models.yaml, router.yaml]`")
        .with_pointer("/include")
    };
    let Some(items) = include.value.as_seq() else {
        diagnostics.push(invalid(include.value.span, include.value.type_name()));
        return None;
    };
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        if item.as_str().is_none() {
            diagnostics.push(
                invalid(item.span, item.type_name())
                    .with_pointer(pointer(["include", &i.to_string()])),
            );
            ok = false;
        }
    }
    // LiteLLM rejects the whole list when any element is not a string.
    ok.then_some(items)
}

/// Merges an included mapping into the root: lists concatenate, anything else replaces.
fn merge(root: &mut Node, included: Node, include_span: Span, diagnostics: &mut Vec<Diagnostic>) {
    let (NodeKind::Map(base), NodeKind::Map(incoming)) = (&mut root.kind, included.kind) else {
        return;
    };
    // Key -> position of its last entry in `base`: one lookup per incoming key, so a file with
    // many top-level keys merges in linear time.
    let mut positions: FastMap<String, usize> = map_with_capacity(base.len());
    for (i, e) in base.iter().enumerate() {
        if let Some(key) = e.key.as_str() {
            positions.insert(key.to_string(), i);
        }
    }
    for entry in incoming {
        let Some(key) = entry.key.as_str().map(str::to_string) else {
            base.push(entry);
            continue;
        };
        match positions.get(&key).map(|&i| &mut base[i]) {
            None => {
                positions.insert(key, base.len());
                base.push(entry);
            }
            Some(existing) => match (&mut existing.value.kind, entry.value.kind) {
                (NodeKind::Seq(items), NodeKind::Seq(more)) => items.extend(more),
                (_, incoming_kind) => {
                    if !existing.value.is_null() {
                        diagnostics.push(
                            Diagnostic::new(Code::IncludeOverrides, existing.key.span, format!("`{key}` is replaced wholesale by an included file"))
                                .with_secondary(entry.key.span, "this value replaces it")
                                .with_secondary(include_span, "included here")
                                .with_help("LiteLLM does not merge mappings from includes: keep this section in one file")
                                .with_pointer(pointer([key.as_str()])),
                        );
                    }
                    existing.value = Node {
                        kind: incoming_kind,
                        span: entry.value.span,
                        style: entry.value.style,
                    };
                }
            },
        }
    }
}

fn canonical(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}
