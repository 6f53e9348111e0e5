//! Checks a `Node` tree as OpenClaw's zod schema does, reporting what it would: unknown keys
//! (with did-you-mean), wrong types, values outside an enum or range, missing required fields,
//! patterns, record keys. Two schemas are walked (the shared [`crate::schema_walk`]): the one
//! generated from the model types judges the model-related parts (models, providers, agents'
//! model settings), and OpenClaw's own (see [`super::upstream`]) judges every key name and
//! every part the model leaves open (gateway, tools, channels, plugins, ...), each part by one
//! of them only. This file words their findings as zod does (and as OpenClaw's plugin-schema
//! check does inside a plugin's or channel's config).

use serde_json::Value;

use crate::diagnostic::{pointer, Code, Diagnostic};
use crate::schema_walk::{Bound, SchemaWalker, Violation};
use crate::syntax::{Node, NodeKind, Span};

use super::env::Substitutions;
use super::model::{ModelApi, OpenClawConfig};

/// The JSON Schema of the OpenClaw config as modelled here. `Option` fields are optional but
/// not nullable: zod's `.optional()` rejects `null`, so the `null` branches schemars adds for
/// `Option` are removed.
pub fn generate() -> Value {
    generated().clone()
}

/// [`generate`]'s schema, built once per process (as LiteLLM's is): checking several files, or
/// one file from the language server again and again, does not regenerate it.
pub fn generated() -> &'static Value {
    static SCHEMA: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    SCHEMA.get_or_init(build)
}

fn build() -> Value {
    let mut schema = schemars::generate::SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<OpenClawConfig>()
        .to_value();
    strip_null(&mut schema);
    schema
}

fn strip_null(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types.remove(0);
                    map.insert("type".into(), only);
                }
            }
            if let Some(Value::Array(branches)) = map.get_mut("anyOf") {
                branches.retain(|b| b.get("type").and_then(Value::as_str) != Some("null"));
                if branches.len() == 1 {
                    if let Some(Value::Object(only)) = branches.pop() {
                        map.remove("anyOf");
                        for (k, v) in only {
                            map.entry(k).or_insert(v);
                        }
                    }
                }
            }
            for v in map.values_mut() {
                strip_null(v);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(strip_null),
        _ => {}
    }
}

/// Resolves `$ref` chains inside the root schema.
pub fn resolve<'s>(root: &'s Value, mut schema: &'s Value) -> &'s Value {
    for _ in 0..32 {
        let Some(reference) = schema.get("$ref").and_then(Value::as_str) else {
            break;
        };
        let Some(name) = reference.strip_prefix("#/$defs/") else {
            break;
        };
        match root.get("$defs").and_then(|d| d.get(name)) {
            Some(target) => schema = target,
            None => break,
        }
    }
    schema
}

/// Whether a schema leaves its value alone (an opaque section or `serde_json::Value`): the
/// parts of a config OpenClaw checks that this model does not (the corpus test skips them).
pub fn is_opaque(root: &Value, schema: &Value) -> bool {
    let schema = resolve(root, schema);
    match schema {
        Value::Bool(b) => *b,
        Value::Object(map) => {
            let constrained = [
                "properties",
                "enum",
                "const",
                "anyOf",
                "oneOf",
                "items",
                "minimum",
                "exclusiveMinimum",
                "minLength",
                "maxLength",
            ]
            .iter()
            .any(|k| map.contains_key(*k))
                || matches!(
                    map.get("additionalProperties"),
                    Some(Value::Bool(false)) | Some(Value::Object(_))
                );
            !constrained
                && map
                    .get("type")
                    .and_then(Value::as_str)
                    .is_none_or(|t| t == "object")
        }
        _ => false,
    }
}

/// Whether the model types judge the value at `pointer`: the path leads through the generated
/// schema (properties, maps, lists, any branch of a union) to a schema that is not opaque. A key
/// the model does not know, or an opaque section, is OpenClaw's own schema's.
pub fn modelled(root: &Value, pointer: &[String]) -> bool {
    fn walk(root: &Value, schema: &Value, segments: &[String], depth: usize) -> bool {
        let current = resolve(root, schema);
        if depth > 64 || is_opaque(root, current) {
            return false;
        }
        let Some((first, rest)) = segments.split_first() else {
            return true;
        };
        if let Some(Value::Array(branches)) = current.get("anyOf").or_else(|| current.get("oneOf"))
        {
            return branches.iter().any(|b| walk(root, b, segments, depth + 1));
        }
        if let Some(next) = current
            .get("properties")
            .and_then(|p| p.get(first.as_str()))
        {
            return walk(root, next, rest, depth + 1);
        }
        if let Some(next @ Value::Object(_)) = current.get("additionalProperties") {
            return walk(root, next, rest, depth + 1);
        }
        if let (Some(items), true) = (current.get("items"), first.parse::<usize>().is_ok()) {
            return walk(root, items, rest, depth + 1);
        }
        false
    }
    walk(root, root, pointer, 0)
}

/// The walker over [`generated`], compiled once. zod's numbers are finite: NaN and `Infinity`
/// (which JSON5 reads) are reported.
fn walker() -> &'static SchemaWalker<'static> {
    static WALKER: std::sync::OnceLock<SchemaWalker<'static>> = std::sync::OnceLock::new();
    WALKER.get_or_init(|| SchemaWalker::new(generated()).finite_numbers(true))
}

/// Turns the schema walker's violations into what OpenClaw's zod schema reports, in zod's words.
pub struct Validator<'a> {
    /// String nodes whose value came from `${VAR}` substitution: shown as written.
    substituted: &'a Substitutions,
    /// The files, for the edits of fixes.
    sources: &'a crate::syntax::SourceMap,
    pub diagnostics: Vec<Diagnostic>,
}

impl<'a> Validator<'a> {
    pub fn new(substituted: &'a Substitutions, sources: &'a crate::syntax::SourceMap) -> Self {
        Validator {
            substituted,
            sources,
            diagnostics: Vec::new(),
        }
    }

    pub fn check_root(&mut self, node: &Node) {
        let model = generated();
        for violation in walker().validate(node) {
            // Key names are OpenClaw's schema's to judge (below): a key the model does not
            // know may be one OpenClaw accepts.
            if matches!(violation, Violation::UnknownKey { .. }) {
                continue;
            }
            self.report(violation);
        }
        for violation in super::upstream::validate(node) {
            let keep = match &violation {
                Violation::UnknownKey { closed, .. } => *closed,
                Violation::InvalidKey { pointer, .. } => {
                    !modelled(model, &pointer[..pointer.len().saturating_sub(1)])
                }
                other => !modelled(model, other.pointer()),
            };
            if keep {
                self.report(violation);
            }
        }
        self.legacy_web_search(node);
        self.wrap_flat_env(node);
    }

    /// `tools.web.search` takes any key, but a zod refinement of OpenClaw's refuses the legacy
    /// per-provider blocks and `apiKey` there (`ToolsWebSearchSchema.superRefine`,
    /// `src/config/zod-schema.agent-runtime.ts`; the key list is
    /// `src/config/web-search-legacy-provider-keys.ts`), which its JSON Schema cannot say.
    fn legacy_web_search(&mut self, root: &Node) {
        const LEGACY: [&str; 12] = [
            "brave",
            "duckduckgo",
            "exa",
            "firecrawl",
            "gemini",
            "grok",
            "kimi",
            "minimax",
            "ollama",
            "perplexity",
            "searxng",
            "tavily",
        ];
        let Some(search) = root
            .get("tools")
            .and_then(|t| t.get("web"))
            .and_then(|w| w.get("search"))
            .and_then(Node::as_map)
        else {
            return;
        };
        for entry in search {
            let Some(key) = entry.key.as_str() else {
                continue;
            };
            let legacy = key == "apiKey"
                || (LEGACY.contains(&key) && matches!(entry.value.kind, NodeKind::Map(_)));
            if legacy {
                self.push(
                    Code::OcUnknownKey,
                    entry.key.span,
                    &["tools".into(), "web".into(), "search".into(), key.into()],
                    "legacy web_search provider config must use plugins.entries.<plugin>.config.webSearch".into(),
                    Some(format!("move `{key}` to `plugins.entries.<plugin>.config.webSearch` (the plugin of the search provider)")),
                );
            }
        }
    }

    /// One fix for every flat `env` key (OC024): the run of them wrapped in `vars: { ... }`,
    /// carried by each of their findings. Only when they are consecutive and `env` has no `vars`
    /// yet (moving them into an existing one would copy their values, which may be secrets).
    fn wrap_flat_env(&mut self, root: &Node) {
        let Some(env) = root.get("env").and_then(Node::as_map) else {
            return;
        };
        let reported: std::collections::HashSet<Span> = self
            .diagnostics
            .iter()
            .filter(|d| d.code == Code::OcEnvFlatKey)
            .map(|d| d.primary.span)
            .collect();
        let flat: Vec<&crate::syntax::Entry> = env
            .iter()
            .filter(|e| reported.contains(&e.key.span))
            .collect();
        // `env.vars` holds strings: a flat key holding anything else is not a variable.
        if flat.iter().any(|e| e.value.as_str().is_none()) {
            return;
        }
        let (Some(first), Some(last)) = (flat.first(), flat.last()) else {
            return;
        };
        let positions =
            |e: &crate::syntax::Entry| env.iter().position(|x| x.key.span == e.key.span);
        let consecutive = match (positions(first), positions(last)) {
            (Some(a), Some(b)) => b - a + 1 == flat.len(),
            _ => false,
        };
        if !consecutive || env.iter().any(|e| e.key.as_str() == Some("vars")) {
            return;
        }
        let Some(edits) = crate::fixes::wrap_json5_entries(self.sources, &flat, "vars") else {
            return;
        };
        let fix = crate::diagnostic::Fix::new(
            "Move the flat `env` keys under `env.vars`",
            edits,
            crate::diagnostic::Applicability::Safe,
        );
        for d in &mut self.diagnostics {
            if d.code == Code::OcEnvFlatKey && reported.contains(&d.primary.span) {
                d.fix = Some(fix.clone());
            }
        }
    }

    fn push(
        &mut self,
        code: Code,
        span: Span,
        path: &[String],
        message: String,
        help: Option<String>,
    ) {
        let mut d = Diagnostic::new(code, span, message).with_pointer(pointer(path));
        d.help = help;
        self.diagnostics.push(d);
    }

    fn shown(&self, node: &Node) -> String {
        match &node.kind {
            NodeKind::Str(s) => format!("\"{}\"", self.substituted.shown(node).unwrap_or(s)),
            _ => node.scalar_text(),
        }
    }

    fn report(&mut self, violation: Violation) {
        match violation {
            // OpenClaw's objects are strict where the schema closes them, and loose elsewhere.
            Violation::UnknownKey {
                entry,
                known,
                closed: true,
                pointer,
            } => {
                let key = entry.key.scalar_text();
                let mut path = pointer;
                path.pop();
                self.unknown_key(&entry.key, &key, &known, &path);
            }
            Violation::UnknownKey { closed: false, .. } | Violation::NonStringKey { .. } => {}
            Violation::Pattern {
                node,
                pattern,
                pointer,
            } => {
                let message = if super::upstream::in_plugin_config(&pointer) {
                    format!("invalid config: must match pattern \"{pattern}\"")
                } else {
                    format!("Invalid string: must match pattern /{pattern}/")
                };
                self.push(Code::OcInvalidValue, node.span, &pointer, message, None);
            }
            Violation::InvalidKey { entry, pointer } => {
                let message = if super::upstream::in_plugin_config(&pointer) {
                    "invalid config: the key does not match the names the schema allows"
                } else {
                    "Invalid key in record"
                };
                self.push(
                    Code::OcInvalidValue,
                    entry.key.span,
                    &pointer,
                    message.into(),
                    None,
                );
            }
            Violation::Forbidden { node, pointer } => {
                self.push(
                    Code::OcInvalidValue,
                    node.span,
                    &pointer,
                    "Invalid input: the value matches a combination OpenClaw's schema forbids"
                        .into(),
                    None,
                );
            }
            Violation::NotAUrl { node, pointer } => {
                self.push(
                    Code::OcInvalidValue,
                    node.span,
                    &pointer,
                    "Invalid URL".into(),
                    None,
                );
            }
            Violation::Missing {
                map,
                key,
                expected,
                mut pointer,
            } => {
                let expected = expected.unwrap_or_else(|| "value".into());
                pointer.push(key.clone());
                self.push(
                    Code::OcMissingField,
                    map.span,
                    &pointer,
                    format!("`{key}` is required: Invalid input: expected {expected}, received undefined"),
                    None,
                );
            }
            Violation::WrongType {
                node,
                expected,
                pointer,
            } => {
                let expected = expected
                    .iter()
                    .map(|t| if t == "integer" { "int" } else { t.as_str() })
                    .collect::<Vec<_>>()
                    .join(" or ");
                self.push(
                    Code::OcInvalidType,
                    node.span,
                    &pointer,
                    format!(
                        "Invalid input: expected {expected}, received {}",
                        received(node)
                    ),
                    None,
                );
            }
            Violation::NotInEnum {
                node,
                allowed,
                pointer,
            } => self.not_in_enum(node, &allowed, &pointer),
            Violation::OutOfRange {
                node,
                bound,
                pointer,
            } => {
                let message = match bound {
                    Bound::Minimum(n) => format!("Too small: expected number to be >={n}"),
                    Bound::ExclusiveMinimum(n) => format!("Too small: expected number to be >{n}"),
                    Bound::Maximum(n) => format!("Too big: expected number to be <={n}"),
                    Bound::MinLength(n) => {
                        format!("Too small: expected string to have >={n} characters")
                    }
                    Bound::MaxLength(n) => {
                        format!("Too big: expected string to have <={n} characters")
                    }
                    Bound::MaxItems(n) => format!("Too big: expected array to have <={n} items"),
                    Bound::MinItems(n) => format!("Too small: expected array to have >={n} items"),
                    Bound::MinProperties(n) => {
                        format!("Too small: expected object to have >={n} keys")
                    }
                    Bound::MaxProperties(n) => {
                        format!("Too big: expected object to have <={n} keys")
                    }
                };
                self.push(Code::OcInvalidValue, node.span, &pointer, message, None);
            }
            Violation::NotFinite { node, pointer } => {
                let what = match node.kind {
                    NodeKind::Float(f) if f.is_nan() => "NaN",
                    _ => "Infinity",
                };
                self.push(
                    Code::OcInvalidType,
                    node.span,
                    &pointer,
                    format!("Invalid input: expected number, received {what}"),
                    None,
                );
            }
        }
    }

    fn unknown_key(&mut self, key_node: &Node, key: &str, known: &[String], path: &[String]) {
        if path.len() == 1 && path[0] == "env" {
            let d = Diagnostic::new(Code::OcEnvFlatKey, key_node.span, format!("Unrecognized key: \"{key}\": flat `env` keys are not accepted by OpenClaw 2026.9.6"))
                .with_pointer(pointer(path.iter().map(String::as_str).chain([key])))
                .with_help(format!("move it under `env.vars`: `env: {{ vars: {{ {key}: \"...\" }} }}`"));
            self.diagnostics.push(d);
            return;
        }
        let help = crate::suggest::did_you_mean(key, known.iter().map(String::as_str));
        let mut full = path.to_vec();
        full.push(key.to_string());
        let message = if super::upstream::in_plugin_config(&full) {
            format!("invalid config: must not have additional properties: \"{key}\"")
        } else {
            format!("Unrecognized key: \"{key}\"")
        };
        self.push(Code::OcUnknownKey, key_node.span, &full, message, help);
        let near_miss = self
            .diagnostics
            .last()
            .is_some_and(|d| d.help.is_some() && !self.substituted.contains(key_node.span));
        let fix = near_miss
            .then(|| crate::suggest::unique_near_miss(key, known.iter().map(String::as_str)))
            .flatten()
            .and_then(|to| {
                let edit = crate::fixes::replace_string(self.sources, key_node, key, to)?;
                Some(crate::diagnostic::Fix::safe(
                    format!("Rename `{key}` to `{to}`"),
                    edit,
                ))
            });
        if let Some(d) = self.diagnostics.last_mut() {
            d.fix = fix;
        }
    }

    fn not_in_enum(&mut self, node: &Node, allowed: &[String], path: &[String]) {
        let names: Vec<&str> = allowed.iter().map(String::as_str).collect();
        let listed = names
            .iter()
            .map(|n| format!("\"{n}\""))
            .collect::<Vec<_>>()
            .join("|");
        let text = node.as_str().unwrap_or_default();
        // A suggestion computed from a substituted value would hint at it.
        let hidden = self.substituted.contains(node.span);
        let mut help = if hidden {
            None
        } else {
            crate::suggest::did_you_mean(text, names.iter().copied())
        };
        let mut message = format!(
            "Invalid option: {} is not one of {listed}",
            self.shown(node)
        );
        let mut fix = if hidden {
            None
        } else {
            crate::suggest::unique_near_miss(text, names.iter().copied())
                .map(|to| (to, crate::diagnostic::Applicability::Safe))
        };
        if names.len() == ModelApi::ALL.len()
            && names.iter().all(|n| ModelApi::ALL.contains(n))
            && !hidden
        {
            if let Some(better) = api_replacement(text) {
                help = Some(format!("did you mean `{better}`?"));
                fix = Some((better, api_replacement_applicability(text)));
            }
            if text == "openai-codex-responses" {
                message = "\"openai-codex-responses\" is a removed api id; use \"openai-chatgpt-responses\"".into();
            }
        }
        self.push(Code::OcInvalidValue, node.span, path, message, help);
        let fix = fix.and_then(|(to, applicability)| {
            let edit = crate::fixes::replace_string(self.sources, node, text, to)?;
            Some(crate::diagnostic::Fix::new(
                format!("Replace \"{text}\" with \"{to}\""),
                vec![edit],
                applicability,
            ))
        });
        if let Some(d) = self.diagnostics.last_mut() {
            d.fix = fix;
        }
    }
}

/// Whether an [`api_replacement`] names the same protocol (safe) or picks one of several an
/// old or loose name could mean (unsafe: `openai` may be completions or responses).
fn api_replacement_applicability(text: &str) -> crate::diagnostic::Applicability {
    match text.to_ascii_lowercase().as_str() {
        "openai-chat"
        | "openai-chat-completions"
        | "chat-completions"
        | "openai-completion"
        | "completions"
        | "openai-codex-responses"
        | "anthropic" => crate::diagnostic::Applicability::Safe,
        _ => crate::diagnostic::Applicability::Unsafe,
    }
}

/// What a misspelt or outdated `api` most likely meant.
fn api_replacement(text: &str) -> Option<&'static str> {
    match text.to_ascii_lowercase().as_str() {
        "openai-chat"
        | "openai"
        | "openai-chat-completions"
        | "chat-completions"
        | "openai-compatible"
        | "openai-completion"
        | "completions" => Some("openai-completions"),
        "openai-codex-responses" => Some("openai-chatgpt-responses"),
        "anthropic" => Some("anthropic-messages"),
        "google" | "gemini" => Some("google-generative-ai"),
        "bedrock" => Some("bedrock-converse-stream"),
        "azure" | "azure-openai" => Some("azure-openai-responses"),
        _ => None,
    }
}

/// zod's name for the type received.
fn received(node: &Node) -> &'static str {
    match node.kind {
        NodeKind::Null => "null",
        NodeKind::Bool(_) => "boolean",
        NodeKind::Int(_) | NodeKind::Float(_) => "number",
        NodeKind::Str(_) | NodeKind::Timestamp(_) => "string",
        NodeKind::Seq(_) => "array",
        NodeKind::Map(_) => "object",
    }
}
