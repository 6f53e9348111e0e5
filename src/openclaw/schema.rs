//! Checks a `Node` tree against the JSON Schema generated from the model types, reporting what
//! OpenClaw's zod schema would: unknown keys (with did-you-mean), wrong types, values outside an
//! enum or range, missing required fields.

use serde_json::Value;

use crate::diagnostic::{pointer, Code, Diagnostic};
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

/// Whether a schema leaves its value alone (an opaque section or `serde_json::Value`).
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

pub struct Validator<'a> {
    root: &'a Value,
    /// String nodes whose value came from `${VAR}` substitution: shown as written.
    substituted: &'a Substitutions,
    pub diagnostics: Vec<Diagnostic>,
}

impl<'a> Validator<'a> {
    pub fn new(root: &'a Value, substituted: &'a Substitutions) -> Self {
        Validator {
            root,
            substituted,
            diagnostics: Vec::new(),
        }
    }

    pub fn check_root(&mut self, node: &Node) {
        let root = self.root;
        let mut path = Vec::new();
        self.check(node, root, &mut path);
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

    fn check(&mut self, node: &Node, schema: &Value, path: &mut Vec<String>) {
        let schema = resolve(self.root, schema);
        let Value::Object(map) = schema else { return };
        if let Some(Value::Array(branches)) = map.get("anyOf").or_else(|| map.get("oneOf")) {
            self.check_union(node, branches, path);
            return;
        }
        if let Some(Value::Array(allowed)) = map.get("enum") {
            self.check_enum(node, allowed, path);
            return;
        }
        if let Some(expected) = map.get("const") {
            self.check_enum(node, std::slice::from_ref(expected), path);
            return;
        }
        if let Some(types) = map.get("type") {
            let accepted = type_names(types);
            if !accepted.iter().any(|t| kind_matches(node, t)) {
                let expected = accepted
                    .iter()
                    .map(|t| if *t == "integer" { "int" } else { t })
                    .collect::<Vec<_>>()
                    .join(" or ");
                self.push(
                    Code::OcInvalidType,
                    node.span,
                    path,
                    format!(
                        "Invalid input: expected {expected}, received {}",
                        received(node)
                    ),
                    None,
                );
                return;
            }
        }
        match &node.kind {
            NodeKind::Map(entries) => self.check_object(node, entries, map, path),
            NodeKind::Seq(items) => {
                if let Some(max) = map.get("maxItems").and_then(Value::as_u64) {
                    if items.len() as u64 > max {
                        self.push(
                            Code::OcInvalidValue,
                            node.span,
                            path,
                            format!("Too big: expected array to have <={max} items"),
                            None,
                        );
                    }
                }
                if let Some(item_schema) = map.get("items") {
                    for (i, item) in items.iter().enumerate() {
                        path.push(i.to_string());
                        self.check(item, item_schema, path);
                        path.pop();
                    }
                }
            }
            NodeKind::Int(_) | NodeKind::Float(_) => self.check_number(node, map, path),
            NodeKind::Str(s) => {
                let len = s.encode_utf16().count() as u64;
                if let Some(min) = map.get("minLength").and_then(Value::as_u64) {
                    if len < min {
                        self.push(
                            Code::OcInvalidValue,
                            node.span,
                            path,
                            format!("Too small: expected string to have >={min} characters"),
                            None,
                        );
                    }
                }
                if let Some(max) = map.get("maxLength").and_then(Value::as_u64) {
                    if len > max {
                        self.push(
                            Code::OcInvalidValue,
                            node.span,
                            path,
                            format!("Too big: expected string to have <={max} characters"),
                            None,
                        );
                    }
                }
            }
            _ => {}
        }
    }

    fn check_number(&mut self, node: &Node, map: &serde_json::Map<String, Value>, path: &[String]) {
        let value = match node.kind {
            NodeKind::Int(i) => i as f64,
            NodeKind::Float(f) => f,
            _ => return,
        };
        if !value.is_finite() {
            let what = if value.is_nan() { "NaN" } else { "Infinity" };
            self.push(
                Code::OcInvalidType,
                node.span,
                path,
                format!("Invalid input: expected number, received {what}"),
                None,
            );
            return;
        }
        let bound = |k: &str| map.get(k).and_then(Value::as_f64);
        let too_small = match (bound("minimum"), bound("exclusiveMinimum")) {
            (Some(min), _) if value < min => {
                Some(format!("Too small: expected number to be >={min}"))
            }
            (_, Some(min)) if value <= min => {
                Some(format!("Too small: expected number to be >{min}"))
            }
            _ => None,
        };
        let message = too_small.or_else(|| match bound("maximum") {
            Some(max) if value > max => Some(format!("Too big: expected number to be <={max}")),
            _ => None,
        });
        if let Some(message) = message {
            self.push(Code::OcInvalidValue, node.span, path, message, None);
        }
    }

    fn check_object(
        &mut self,
        node: &Node,
        entries: &[crate::syntax::Entry],
        map: &serde_json::Map<String, Value>,
        path: &mut Vec<String>,
    ) {
        let empty = serde_json::Map::new();
        let properties = map
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let additional = map.get("additionalProperties");
        for entry in entries {
            let key = entry.key.scalar_text();
            path.push(key.clone());
            if let Some(prop) = properties.get(&key) {
                self.check(&entry.value, prop, path);
            } else {
                match additional {
                    Some(Value::Bool(false)) => {
                        path.pop();
                        self.unknown_key(&entry.key, &key, properties, path);
                        continue;
                    }
                    Some(schema @ Value::Object(_)) => self.check(&entry.value, schema, path),
                    _ => {}
                }
            }
            path.pop();
        }
        if let Some(Value::Array(required)) = map.get("required") {
            for name in required.iter().filter_map(Value::as_str) {
                if !entries.iter().any(|e| e.key.as_str() == Some(name)) {
                    let expected = properties
                        .get(name)
                        .map(|p| resolve(self.root, p))
                        .and_then(|p| p.get("type"))
                        .map(type_names)
                        .and_then(|t| t.first().copied())
                        .unwrap_or("value");
                    path.push(name.to_string());
                    self.push(
                        Code::OcMissingField,
                        node.span,
                        path,
                        format!("`{name}` is required: Invalid input: expected {expected}, received undefined"),
                        None,
                    );
                    path.pop();
                }
            }
        }
    }

    fn unknown_key(
        &mut self,
        key_node: &Node,
        key: &str,
        properties: &serde_json::Map<String, Value>,
        path: &[String],
    ) {
        if path.len() == 1 && path[0] == "env" {
            let d = Diagnostic::new(Code::OcEnvFlatKey, key_node.span, format!("Unrecognized key: \"{key}\": flat `env` keys are not accepted by OpenClaw 2026.9.6"))
                .with_pointer(pointer(path.iter().map(String::as_str).chain([key])))
                .with_help(format!("move it under `env.vars`: `env: {{ vars: {{ {key}: \"...\" }} }}`"));
            self.diagnostics.push(d);
            return;
        }
        let help = crate::suggest::did_you_mean(key, properties.keys().map(String::as_str));
        let mut full = path.to_vec();
        full.push(key.to_string());
        self.push(
            Code::OcUnknownKey,
            key_node.span,
            &full,
            format!("Unrecognized key: \"{key}\""),
            help,
        );
    }

    fn check_enum(&mut self, node: &Node, allowed: &[Value], path: &[String]) {
        let value = node.to_json();
        if allowed.contains(&value) {
            return;
        }
        let names: Vec<&str> = allowed.iter().filter_map(Value::as_str).collect();
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
        if names.len() == ModelApi::ALL.len()
            && names.iter().all(|n| ModelApi::ALL.contains(n))
            && !hidden
        {
            if let Some(better) = api_replacement(text) {
                help = Some(format!("did you mean `{better}`?"));
            }
            if text == "openai-codex-responses" {
                message = "\"openai-codex-responses\" is a removed api id; use \"openai-chatgpt-responses\"".into();
            }
        }
        self.push(Code::OcInvalidValue, node.span, path, message, help);
    }

    fn check_union(&mut self, node: &Node, branches: &[Value], path: &mut Vec<String>) {
        let resolved: Vec<&Value> = branches.iter().map(|b| resolve(self.root, b)).collect();
        let all_consts = resolved
            .iter()
            .all(|b| b.get("const").is_some() || b.get("enum").is_some());
        if all_consts {
            let allowed: Vec<Value> = resolved
                .iter()
                .flat_map(|b| match (b.get("const"), b.get("enum")) {
                    (Some(c), _) => vec![c.clone()],
                    (_, Some(Value::Array(e))) => e.clone(),
                    _ => Vec::new(),
                })
                .collect();
            self.check_enum(node, &allowed, path);
            return;
        }
        let matching: Vec<&Value> = resolved
            .iter()
            .copied()
            .filter(|b| {
                b.get("type")
                    .map(type_names)
                    .is_none_or(|types| types.iter().any(|t| kind_matches(node, t)))
            })
            .collect();
        match matching.first() {
            Some(branch) => self.check(node, branch, path),
            None => {
                let expected: Vec<&str> = resolved
                    .iter()
                    .filter_map(|b| b.get("type"))
                    .flat_map(type_names)
                    .collect();
                self.push(
                    Code::OcInvalidType,
                    node.span,
                    path,
                    format!(
                        "Invalid input: expected {}, received {}",
                        expected.join(" or "),
                        received(node)
                    ),
                    None,
                );
            }
        }
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

fn type_names(types: &Value) -> Vec<&str> {
    match types {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn kind_matches(node: &Node, json_type: &str) -> bool {
    match (&node.kind, json_type) {
        (NodeKind::Null, "null") => true,
        (NodeKind::Bool(_), "boolean") => true,
        (NodeKind::Int(_) | NodeKind::Float(_), "number") => true,
        (NodeKind::Int(_), "integer") => true,
        (NodeKind::Float(f), "integer") => f.is_finite() && f.fract() == 0.0,
        (NodeKind::Str(_) | NodeKind::Timestamp(_), "string") => true,
        (NodeKind::Seq(_), "array") => true,
        (NodeKind::Map(_), "object") => true,
        _ => false,
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
