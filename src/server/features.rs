//! Hover, completion, go to definition and code actions.
//!
//! - Hover and completion read the published JSON Schemas (`schemas/`, generated from the Rust
//!   types the checker validates with): a key's description, its type and allowed values; and
//!   the findings under the cursor with their rule's summary and documentation link.
//! - Model group names come from the resolved model of the LiteLLM config
//!   (`litellm::resolved`, `litellm::groups`): completion in `fallbacks`,
//!   `context_window_fallbacks`, `content_policy_fallbacks`, `default_fallbacks` and
//!   `model_group_alias` targets, `litellm/<group>` in OpenClaw model refs; go to definition from
//!   such a name to the `model_list` entries that serve it, resolved as the router resolves it
//!   (exact name, alias, wildcard).
//! - Code actions: each finding's [`Fix`](crate::diagnostic::Fix) (the edits `check --fix`
//!   applies), every safe fix of the document at once (`source.fixAll`), and "ignore this rule
//!   here", which writes the inline suppression `check` honours (`rule_control::suppression`) at
//!   the end of the finding's line.

use std::sync::OnceLock;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, CompletionItem,
    CompletionItemKind, CompletionParams, CompletionResponse, CompletionTextEdit, Documentation,
    GotoDefinitionParams, GotoDefinitionResponse, Hover, HoverContents, HoverParams, Location,
    MarkupContent, MarkupKind, TextEdit, WorkspaceEdit,
};
use serde_json::{json, Value};

use super::context::{self, Context, Role, Segment};
use super::text::{path_to_uri, Encoding, LineIndex};
use super::{Analysis, Kind, Server};
use crate::litellm::resolved::ResolvedConfig;

/// What the server offers, as the `initialize` result's `capabilities`.
pub(super) fn capabilities(encoding: Encoding) -> Value {
    json!({
        "positionEncoding": match encoding { Encoding::Utf8 => "utf-8", Encoding::Utf16 => "utf-16" },
        "textDocumentSync": {"openClose": true, "change": 1, "save": {"includeText": false}},
        "hoverProvider": true,
        "completionProvider": {"triggerCharacters": ["/", "\"", "'", " ", ":", "["]},
        "definitionProvider": true,
        "codeActionProvider": {"codeActionKinds": ["quickfix"]},
    })
}

/// The published schema of a kind of document.
fn schema(kind: Kind) -> &'static Value {
    static LITELLM: OnceLock<Value> = OnceLock::new();
    static OPENCLAW: OnceLock<Value> = OnceLock::new();
    match kind {
        Kind::Litellm => LITELLM.get_or_init(crate::published_schema::litellm),
        Kind::Openclaw => OPENCLAW.get_or_init(crate::published_schema::openclaw),
    }
}

// ------------------------------------------------------------------------------------------------
// Schema navigation

/// Follows `$ref`s to the schema they name.
fn resolve<'a>(root: &'a Value, mut s: &'a Value) -> &'a Value {
    for _ in 0..32 {
        let Some(target) = s.get("$ref").and_then(Value::as_str) else {
            break;
        };
        let name = target
            .strip_prefix("#/definitions/")
            .or_else(|| target.strip_prefix("#/$defs/"));
        match name.and_then(|n| {
            root.get("definitions")
                .or_else(|| root.get("$defs"))
                .and_then(|d| d.get(n))
        }) {
            Some(next) => s = next,
            None => break,
        }
    }
    s
}

/// The schema and its `anyOf`/`oneOf`/`allOf` alternatives, refs followed, `null` left out.
fn alternatives<'a>(root: &'a Value, s: &'a Value) -> Vec<&'a Value> {
    let mut out = Vec::new();
    let mut stack = vec![resolve(root, s)];
    while let Some(s) = stack.pop() {
        if out.len() > 64 {
            break;
        }
        out.push(s);
        for key in ["anyOf", "oneOf", "allOf"] {
            for alt in s.get(key).and_then(Value::as_array).into_iter().flatten() {
                let alt = resolve(root, alt);
                if alt.get("type").and_then(Value::as_str) != Some("null") {
                    stack.push(alt);
                }
            }
        }
    }
    out
}

fn child<'a>(root: &'a Value, s: &'a Value, segment: &Segment) -> Option<&'a Value> {
    let alts = alternatives(root, s);
    match segment {
        Segment::Key(key) => alts
            .iter()
            .find_map(|a| a.get("properties").and_then(|p| p.get(key)))
            .or_else(|| {
                alts.iter()
                    .find_map(|a| a.get("additionalProperties").filter(|v| v.is_object()))
            }),
        Segment::Item => alts
            .iter()
            .find_map(|a| a.get("items").filter(|v| v.is_object())),
    }
}

fn schema_at<'a>(root: &'a Value, path: &[Segment]) -> Option<&'a Value> {
    let mut s = root;
    for segment in path {
        s = child(root, s, segment)?;
    }
    Some(s)
}

/// Every property of an object schema (across alternatives), in schema order.
fn properties<'a>(root: &'a Value, s: &'a Value) -> Vec<(&'a str, &'a Value)> {
    let mut out: Vec<(&str, &Value)> = Vec::new();
    for alt in alternatives(root, s) {
        for (k, v) in alt
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            if !out.iter().any(|(name, _)| name == k) {
                out.push((k, v));
            }
        }
    }
    out
}

fn description(root: &Value, s: &Value) -> Option<String> {
    if let Some(d) = s.get("description").and_then(Value::as_str) {
        return Some(d.to_string());
    }
    alternatives(root, s)
        .iter()
        .find_map(|a| a.get("description").and_then(Value::as_str))
        .map(str::to_string)
}

/// Allowed values (with their descriptions, when the schema has them).
fn enum_values(root: &Value, s: &Value) -> Vec<(Value, Option<String>)> {
    let mut out = Vec::new();
    for alt in alternatives(root, s) {
        let descriptions = alt.get("enumDescriptions").and_then(Value::as_array);
        if let Some(values) = alt.get("enum").and_then(Value::as_array) {
            for (i, v) in values.iter().enumerate() {
                let d = descriptions
                    .and_then(|d| d.get(i))
                    .and_then(Value::as_str)
                    .map(str::to_string);
                if !v.is_null() && !out.iter().any(|(o, _)| o == v) {
                    out.push((v.clone(), d));
                }
            }
        }
        if let Some(v) = alt.get("const") {
            if !out.iter().any(|(o, _)| o == v) {
                out.push((
                    v.clone(),
                    alt.get("description")
                        .and_then(Value::as_str)
                        .map(str::to_string),
                ));
            }
        }
        if alt.get("type").and_then(Value::as_str) == Some("boolean")
            || alt
                .get("type")
                .and_then(Value::as_array)
                .is_some_and(|t| t.iter().any(|t| t == "boolean"))
        {
            for b in [true, false] {
                if !out.iter().any(|(o, _)| o == &Value::Bool(b)) {
                    out.push((Value::Bool(b), None));
                }
            }
        }
    }
    out
}

/// A short type of a schema for a completion's detail ("string", "integer | null", ...).
fn type_of(root: &Value, s: &Value) -> Option<String> {
    let mut types: Vec<String> = Vec::new();
    for alt in alternatives(root, s) {
        let mut add = |t: &str| {
            if t != "null" && !types.iter().any(|x| x == t) {
                types.push(t.to_string());
            }
        };
        match alt.get("type") {
            Some(Value::String(t)) => add(t),
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).for_each(&mut add),
            _ => {}
        }
        if alt.get("enum").is_some() {
            add("enum");
        }
    }
    // The `os.environ/` alternative of typed LiteLLM values says nothing about the type.
    if types.len() > 1 {
        types.retain(|t| {
            t != "string"
                || alternatives(root, s).iter().any(|a| {
                    a.get("type").and_then(Value::as_str) == Some("string")
                        && a.get("pattern").is_none()
                })
        });
    }
    (!types.is_empty()).then(|| types.join(" | "))
}

// ------------------------------------------------------------------------------------------------
// Where names of model groups are written

/// The settings keys whose lists name model groups.
const FALLBACK_KEYS: [&str; 4] = [
    "fallbacks",
    "context_window_fallbacks",
    "content_policy_fallbacks",
    "default_fallbacks",
];

/// Whether the cursor is on a model group name in a LiteLLM config: in a fallback list of
/// `router_settings`/`litellm_settings`, or a `model_group_alias` target.
fn names_a_group(context: &Context) -> bool {
    let keys = context.keys();
    let section = keys.first().copied();
    if !matches!(section, Some("router_settings" | "litellm_settings")) {
        return false;
    }
    match keys.get(1).copied() {
        Some(k) if FALLBACK_KEYS.contains(&k) => true,
        Some("model_group_alias") => {
            context.role == Role::Value
                && (keys.len() == 3 || (keys.len() == 4 && keys[3] == "model"))
        }
        _ => false,
    }
}

/// OpenClaw keys whose values are model refs (`provider/model`).
const MODEL_REF_KEYS: [&str; 11] = [
    "model",
    "primary",
    "fallbacks",
    "imageModel",
    "pdfModel",
    "voiceModel",
    "utilityModel",
    "decisionModel",
    "allow",
    "imageGenerationModel",
    "mediaModels",
];

/// Whether the cursor is on an OpenClaw model ref.
fn is_model_ref(context: &Context) -> bool {
    if context.token.starts_with("litellm/") {
        return true;
    }
    let keys = context.keys();
    match context.role {
        // `agents.defaults.models` is keyed by refs.
        Role::Key => {
            keys.last().is_some_and(|k| *k == "models") && keys.len() >= 2 && keys[0] == "agents"
        }
        _ => keys
            .iter()
            .rev()
            .take(2)
            .any(|k| MODEL_REF_KEYS.contains(k)),
    }
}

fn cursor_context(kind: Kind, text: &str, offset: usize) -> Option<Context> {
    match kind {
        Kind::Litellm => context::yaml(text, offset),
        Kind::Openclaw => context::json5(text, offset),
    }
}

fn markdown(value: String) -> MarkupContent {
    MarkupContent {
        kind: MarkupKind::Markdown,
        value,
    }
}

/// Locations of the `model_list` entries serving `name`, as the router resolves it.
fn serving(analysis: &Analysis, resolved: &ResolvedConfig, name: &str) -> Vec<Location> {
    let Some(resolution) = resolved.groups.resolve(name) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for deployment in resolved.members(resolution.group) {
        let Some(file) = analysis.sources.file(deployment.span.file) else {
            continue;
        };
        let Some(uri) = path_to_uri(&file.path) else {
            continue;
        };
        let index = LineIndex::new(&file.text);
        out.push(Location {
            uri,
            range: index.range(
                &file.text,
                deployment.span.start,
                deployment.span.start,
                Encoding::Utf16,
            ),
        });
    }
    out
}

/// A one-paragraph account of what serves `name`.
fn describe_group(resolved: &ResolvedConfig, name: &str) -> Option<String> {
    let resolution = resolved.groups.resolve(name)?;
    let group = resolution.group;
    let models: Vec<String> = resolved
        .members(group)
        .map(|d| {
            d.model
                .as_ref()
                .and_then(|m| m.value_ref().cloned())
                .unwrap_or_else(|| "(model from the environment)".into())
        })
        .collect();
    let via = match &resolution.via {
        crate::litellm::Via::Exact => String::new(),
        crate::litellm::Via::Alias { target, .. } => format!(" (alias of `{target}`)"),
        crate::litellm::Via::Wildcard { .. } => {
            format!(" (matches the wildcard group `{}`)", group.name)
        }
    };
    Some(format!(
        "model group `{}`{via}: {} deployment{}: {}",
        group.name,
        models.len(),
        if models.len() == 1 { "" } else { "s" },
        models
            .iter()
            .map(|m| format!("`{m}`"))
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

impl Server {
    /// The LiteLLM resolved model a document's names refer to: its own (a LiteLLM document) or
    /// the workspace's (an OpenClaw document).
    fn litellm_for(
        &mut self,
        kind: Kind,
        path: &std::path::Path,
        own: Option<std::rc::Rc<Analysis>>,
    ) -> Option<std::rc::Rc<Analysis>> {
        match kind {
            Kind::Litellm => own.filter(|a| a.resolved.is_some()),
            Kind::Openclaw => self.workspace_analysis(path),
        }
    }

    pub(super) fn hover(&mut self, params: HoverParams) -> Option<Hover> {
        let position = params.text_document_position_params;
        let encoding = self.encoding;
        let (doc, analysis) = self.document(&position.text_document.uri)?;
        let (kind, path, text) = (doc.kind, doc.path.clone(), doc.text.clone());
        let offset = doc.index.offset(&text, position.position, encoding);
        let mut parts: Vec<String> = Vec::new();
        if let Some(analysis) = &analysis {
            for d in &analysis.diagnostics {
                let span = d.primary.span;
                if span.file == analysis.main
                    && span.start <= offset
                    && offset <= span.end.max(span.start + 1)
                {
                    parts.push(format!(
                        "**{}** `{}` ({}): {}\n\n{}\n\n[rule documentation]({})",
                        d.code.as_str(),
                        d.code.name(),
                        d.severity.as_str(),
                        d.message,
                        d.code.summary(),
                        d.code.help_uri()
                    ));
                }
            }
        }
        let context = cursor_context(kind, &text, offset);
        if let Some(context) = &context {
            let root = schema(kind);
            let mut key_path = context.path.clone();
            let described = match context.role {
                Role::Key | Role::Bare => {
                    key_path.push(Segment::Key(context.token.clone()));
                    schema_at(root, &key_path).map(|s| (context.token.clone(), s))
                }
                // On a value: what its key is, and what this value of an enum means.
                Role::Value => match context.path.last() {
                    Some(Segment::Key(key)) => schema_at(root, &key_path).map(|s| (key.clone(), s)),
                    _ => None,
                },
            };
            if let Some((key, s)) = described {
                let mut text = format!("**{key}**");
                if let Some(t) = type_of(root, s) {
                    text.push_str(&format!(" ({t})"));
                }
                if let Some(d) = description(root, s) {
                    text.push_str("\n\n");
                    text.push_str(&d);
                }
                let values = enum_values(root, s);
                if context.role == Role::Value {
                    if let Some((value, Some(meaning))) =
                        values.iter().find(|(v, _)| plain(v) == context.token)
                    {
                        text.push_str(&format!("\n\n`{}`: {meaning}", plain(value)));
                    }
                } else if !values.is_empty() && values.iter().any(|(v, _)| !v.is_boolean()) {
                    let list: Vec<String> = values
                        .iter()
                        .map(|(v, _)| format!("`{}`", plain(v)))
                        .collect();
                    text.push_str(&format!("\n\nOne of: {}", list.join(", ")));
                }
                parts.push(text);
            }
            let group_name = match kind {
                Kind::Litellm if names_a_group(context) => Some(context.token.clone()),
                Kind::Openclaw => context.token.strip_prefix("litellm/").map(str::to_string),
                _ => None,
            };
            if let Some(name) = group_name.filter(|n| !n.is_empty()) {
                if let Some(litellm) = self.litellm_for(kind, &path, analysis.clone()) {
                    if let Some(resolved) = &litellm.resolved {
                        parts.push(describe_group(resolved, &name).unwrap_or_else(|| {
                            format!("`{name}` is not served by the LiteLLM config")
                        }));
                    }
                }
            }
        }
        if parts.is_empty() {
            return None;
        }
        Some(Hover {
            contents: HoverContents::Markup(markdown(parts.join("\n\n---\n\n"))),
            range: None,
        })
    }

    pub(super) fn completion(&mut self, params: CompletionParams) -> Option<CompletionResponse> {
        let position = params.text_document_position;
        let encoding = self.encoding;
        let (doc, analysis) = self.document(&position.text_document.uri)?;
        let (kind, path, text) = (doc.kind, doc.path.clone(), doc.text.clone());
        let index = doc.index.clone();
        let offset = index.offset(&text, position.position, encoding);
        let context = cursor_context(kind, &text, offset)?;
        // Complete what was typed up to the cursor; replace the whole token.
        let range = index.range(&text, context.range.start, context.range.end, encoding);
        let root = schema(kind);
        let mut items: Vec<CompletionItem> = Vec::new();
        let item = |label: String,
                    kind: CompletionItemKind,
                    detail: Option<String>,
                    doc: Option<String>,
                    insert: String| {
            CompletionItem {
                label,
                kind: Some(kind),
                detail,
                documentation: doc.map(|d| Documentation::MarkupContent(markdown(d))),
                text_edit: Some(CompletionTextEdit::Edit(TextEdit {
                    range,
                    new_text: insert,
                })),
                ..CompletionItem::default()
            }
        };
        // Keys of the mapping the cursor is in.
        if matches!(context.role, Role::Key | Role::Bare) {
            if let Some(s) = schema_at(root, &context.path) {
                for (name, property) in properties(root, s) {
                    items.push(item(
                        name.to_string(),
                        CompletionItemKind::PROPERTY,
                        type_of(root, property),
                        description(root, property),
                        name.to_string(),
                    ));
                }
            }
        }
        // Allowed values.
        let value_path: Option<Vec<Segment>> = match context.role {
            Role::Value => Some(context.path.clone()),
            Role::Bare if items.is_empty() => Some(context.path.clone()),
            _ => None,
        };
        if let Some(value_path) = &value_path {
            if let Some(s) = schema_at(root, value_path) {
                for (value, doc) in enum_values(root, s) {
                    let label = plain(&value);
                    let insert = match (kind, &value) {
                        (Kind::Litellm, Value::String(v))
                            if !crate::syntax::yaml_resolve::plain_reads_as_string(v) =>
                        {
                            format!("\"{v}\"")
                        }
                        _ => label.clone(),
                    };
                    items.push(item(
                        label,
                        CompletionItemKind::ENUM_MEMBER,
                        None,
                        doc,
                        insert,
                    ));
                }
            }
        }
        // Model group names.
        let want_groups = match kind {
            Kind::Litellm => names_a_group(&context),
            Kind::Openclaw => is_model_ref(&context),
        };
        if want_groups {
            if let Some(litellm) = self.litellm_for(kind, &path, analysis) {
                if let Some(resolved) = &litellm.resolved {
                    let prefix = if kind == Kind::Openclaw {
                        "litellm/"
                    } else {
                        ""
                    };
                    let names = resolved
                        .groups
                        .exact_names()
                        .map(|n| (n.to_string(), "model group"))
                        .chain(
                            resolved
                                .groups
                                .aliases
                                .iter()
                                .map(|a| (a.name.clone(), "alias")),
                        );
                    for (name, what) in names {
                        let label = format!("{prefix}{name}");
                        let insert = if kind == Kind::Litellm
                            && !crate::syntax::yaml_resolve::plain_reads_as_string(&name)
                        {
                            format!("\"{name}\"")
                        } else {
                            label.clone()
                        };
                        items.push(item(
                            label,
                            CompletionItemKind::VALUE,
                            Some(what.to_string()),
                            describe_group(resolved, &name),
                            insert,
                        ));
                    }
                }
            }
        }
        Some(CompletionResponse::Array(items))
    }

    pub(super) fn definition(
        &mut self,
        params: GotoDefinitionParams,
    ) -> Option<GotoDefinitionResponse> {
        let position = params.text_document_position_params;
        let encoding = self.encoding;
        let (doc, analysis) = self.document(&position.text_document.uri)?;
        let (kind, path, text) = (doc.kind, doc.path.clone(), doc.text.clone());
        let offset = doc.index.offset(&text, position.position, encoding);
        let context = cursor_context(kind, &text, offset)?;
        let name = match kind {
            Kind::Litellm if names_a_group(&context) => context.token.clone(),
            Kind::Openclaw => context.token.strip_prefix("litellm/")?.to_string(),
            _ => return None,
        };
        let litellm = self.litellm_for(kind, &path, analysis)?;
        let resolved = litellm.resolved.as_ref()?;
        let locations = serving(&litellm, resolved, &name);
        (!locations.is_empty()).then_some(GotoDefinitionResponse::Array(locations))
    }

    /// The edits of `fixes` as a workspace edit: the document's with its own text, an included
    /// file's with its text as read.
    fn workspace_edit(
        &self,
        uri: &lsp_types::Uri,
        text: &str,
        index: &LineIndex,
        analysis: &Analysis,
        fixes: &[&crate::diagnostic::Fix],
    ) -> Option<WorkspaceEdit> {
        // `WorkspaceEdit::changes` is keyed by `Uri` (lsp-types' own type); its hash does not
        // change while it is a key.
        #[allow(clippy::mutable_key_type)]
        let mut changes: std::collections::HashMap<lsp_types::Uri, Vec<TextEdit>> =
            std::collections::HashMap::new();
        for fix in fixes {
            for edit in fix.edits() {
                let span = edit.span;
                let (target, range) = if span.file == analysis.main {
                    (
                        uri.clone(),
                        index.range(text, span.start, span.end, self.encoding),
                    )
                } else {
                    let file = analysis.sources.file(span.file)?;
                    let original = file.original_text();
                    let file_index = LineIndex::new(&original);
                    (
                        path_to_uri(&file.path)?,
                        file_index.range(&original, span.start, span.end, self.encoding),
                    )
                };
                changes.entry(target).or_default().push(TextEdit {
                    range,
                    new_text: edit.content.clone(),
                });
            }
        }
        (!changes.is_empty()).then(|| WorkspaceEdit {
            changes: Some(changes),
            ..WorkspaceEdit::default()
        })
    }

    pub(super) fn code_actions(
        &mut self,
        params: CodeActionParams,
    ) -> Option<Vec<CodeActionOrCommand>> {
        let uri = params.text_document.uri.clone();
        let encoding = self.encoding;
        let (doc, analysis) = self.document(&uri)?;
        let analysis = analysis?;
        let (kind, text, index) = (doc.kind, doc.text.clone(), doc.index.clone());
        let start = index.offset(&text, params.range.start, encoding);
        let end = index.offset(&text, params.range.end, encoding);
        let original = parsed_json(kind, &text);
        let mut actions = Vec::new();
        let mut fix_all: Vec<&crate::diagnostic::Fix> = Vec::new();
        let mut seen: Vec<(usize, crate::diagnostic::Code)> = Vec::new();
        let lsp_diagnostic_of = |d: &crate::diagnostic::Diagnostic, line: usize| {
            params
                .context
                .diagnostics
                .iter()
                .find(|x| {
                    x.code
                        == Some(lsp_types::NumberOrString::String(
                            d.code.as_str().to_string(),
                        ))
                        && x.range.start.line as usize == line
                })
                .cloned()
        };
        for d in &analysis.diagnostics {
            let span = d.primary.span;
            if span.file != analysis.main {
                continue;
            }
            // Every safe fix of the document goes into "fix all", wherever it is.
            if let Some(fix) = &d.fix {
                if fix.applicability == crate::diagnostic::Applicability::Safe
                    && !fix_all.iter().any(|f| f.conflicts_with(fix))
                {
                    fix_all.push(fix);
                }
            }
            if span.start > end || span.end.max(span.start) < start {
                continue;
            }
            let line = index.line_of(span.start);
            if let Some(fix) = &d.fix {
                if let Some(edit) = self.workspace_edit(&uri, &text, &index, &analysis, &[fix]) {
                    actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                        title: match fix.applicability {
                            crate::diagnostic::Applicability::Safe => fix.title.clone(),
                            crate::diagnostic::Applicability::Unsafe => {
                                format!("{} (unsafe: changes what the config does)", fix.title)
                            }
                        },
                        kind: Some(CodeActionKind::QUICKFIX),
                        diagnostics: lsp_diagnostic_of(d, line).map(|x| vec![x]),
                        edit: Some(edit),
                        is_preferred: Some(
                            fix.applicability == crate::diagnostic::Applicability::Safe,
                        ),
                        ..CodeAction::default()
                    }));
                }
            }
            if seen.contains(&(line, d.code)) {
                continue;
            }
            seen.push((line, d.code));
            let Some(edit) = suppression_edit(kind, &text, &index, line, d.code.as_str()) else {
                continue;
            };
            // The comment must leave the document's meaning alone (not land inside a block scalar
            // or a string running over lines).
            if let Some(original) = &original {
                let mut edited = text.to_string();
                edited.replace_range(edit.0.clone(), &edit.1);
                if parsed_json(kind, &edited).as_ref() != Some(original) {
                    continue;
                }
            }
            let range = index.range(&text, edit.0.start, edit.0.end, encoding);
            // `WorkspaceEdit::changes` is keyed by `Uri` (lsp-types' own type); its hash does not
            // change while it is a key.
            #[allow(clippy::mutable_key_type)]
            let mut changes = std::collections::HashMap::new();
            changes.insert(
                uri.clone(),
                vec![TextEdit {
                    range,
                    new_text: edit.1,
                }],
            );
            actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: format!(
                    "Ignore {} ({}) on this line",
                    d.code.as_str(),
                    d.code.name()
                ),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: lsp_diagnostic_of(d, line).map(|x| vec![x]),
                edit: Some(WorkspaceEdit {
                    changes: Some(changes),
                    ..WorkspaceEdit::default()
                }),
                ..CodeAction::default()
            }));
        }
        if !fix_all.is_empty() {
            if let Some(edit) = self.workspace_edit(&uri, &text, &index, &analysis, &fix_all) {
                actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: format!(
                        "Apply {} safe fix{} (litellm-check)",
                        fix_all.len(),
                        if fix_all.len() == 1 { "" } else { "es" }
                    ),
                    kind: Some(CodeActionKind::SOURCE_FIX_ALL),
                    edit: Some(edit),
                    ..CodeAction::default()
                }));
            }
        }
        Some(actions)
    }
}

/// A value as written in a config (strings without quotes).
fn plain(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The document read as the checker reads it, as JSON (`None` when it does not read).
fn parsed_json(kind: Kind, text: &str) -> Option<Value> {
    let limits = crate::syntax::Limits::default();
    let doc = match kind {
        Kind::Litellm => crate::syntax::yaml::read(text, crate::syntax::FileId(0), &limits).ok()?,
        Kind::Openclaw => {
            crate::syntax::json5::read(text, crate::syntax::FileId(0), &limits).ok()?
        }
    };
    Some(doc.root.map_or(Value::Null, |r| r.to_json()))
}

/// The edit that suppresses `code` on `line`: the code added to the line's suppression comment,
/// or a new comment at the end of the line.
fn suppression_edit(
    kind: Kind,
    text: &str,
    index: &LineIndex,
    line: usize,
    code: &str,
) -> Option<(std::ops::Range<usize>, String)> {
    let bounds = index.line_bounds(text, line);
    let line_text = text.get(bounds.clone())?;
    let comment = match kind {
        Kind::Litellm => "#",
        Kind::Openclaw => "//",
    };
    let marker = "litellm-check: ignore[";
    if let Some(at) = line_text.find(marker) {
        let list_start = at + marker.len();
        let close = line_text[list_start..].find(']')? + list_start;
        let insert = bounds.start + close;
        let existing = line_text[list_start..close].trim();
        let new_text = if existing.is_empty() {
            code.to_string()
        } else {
            format!(", {code}")
        };
        return Some((insert..insert, new_text));
    }
    let end = bounds.end;
    let separator = if line_text.ends_with(' ') { " " } else { "  " };
    Some((
        end..end,
        format!("{separator}{comment} litellm-check: ignore[{code}]"),
    ))
}
