//! Validates a spanned [`Node`] tree against the JSON Schema generated from our types.
//!
//! The checker and the editor schema therefore cannot disagree on keys, types and enums: there is
//! one definition, the Rust types. This walker implements the subset of draft-07 that schemars
//! emits (`$ref`, `type`, `enum`, `properties`, `required`, `additionalProperties`, `items`,
//! `anyOf`/`oneOf`/`allOf`, `minimum`/`maximum`, prefix `pattern`s) and reports violations with
//! the node they concern; the rules decide codes and severities.

use serde_json::{Map, Value};

use crate::syntax::{Entry, Node, NodeKind};

/// One way a node breaks the schema.
#[derive(Debug, Clone)]
pub enum Violation<'n> {
    /// A key not among `properties`. `closed` is false when extra keys are allowed (the rule then
    /// only reports near-misses of known keys).
    UnknownKey {
        entry: &'n Entry,
        known: Vec<String>,
        closed: bool,
        pointer: Vec<String>,
    },
    /// A key that is not a string (e.g. an unquoted `on:` read as `true`).
    NonStringKey {
        entry: &'n Entry,
        pointer: Vec<String>,
    },
    /// A required key is absent.
    Missing {
        map: &'n Node,
        key: String,
        pointer: Vec<String>,
    },
    /// The node's type is not among the accepted ones.
    WrongType {
        node: &'n Node,
        expected: Vec<String>,
        pointer: Vec<String>,
    },
    /// A value outside an enum.
    NotInEnum {
        node: &'n Node,
        allowed: Vec<String>,
        pointer: Vec<String>,
    },
    /// A number outside `minimum`/`maximum`.
    OutOfRange {
        node: &'n Node,
        bound: String,
        pointer: Vec<String>,
    },
}

impl Violation<'_> {
    pub fn pointer(&self) -> &[String] {
        match self {
            Violation::UnknownKey { pointer, .. }
            | Violation::NonStringKey { pointer, .. }
            | Violation::Missing { pointer, .. }
            | Violation::WrongType { pointer, .. }
            | Violation::NotInEnum { pointer, .. }
            | Violation::OutOfRange { pointer, .. } => pointer,
        }
    }
}

/// A generated root schema and the walker over it.
pub struct SchemaWalker<'s> {
    root: &'s Value,
}

impl<'s> SchemaWalker<'s> {
    pub fn new(root: &'s Value) -> Self {
        SchemaWalker { root }
    }

    /// Every violation of `node` against the root schema.
    pub fn validate<'n>(&self, node: &'n Node) -> Vec<Violation<'n>> {
        let mut out = Vec::new();
        let mut path = Vec::new();
        self.walk(self.root, node, &mut path, &mut out);
        out
    }

    /// The schema reached by following `$ref`s.
    fn resolve(&self, mut schema: &'s Value) -> &'s Value {
        // Refs only point at definitions, which never chain more than a few levels; the bound
        // keeps a malformed schema from looping.
        for _ in 0..16 {
            let Some(reference) = schema.get("$ref").and_then(Value::as_str) else {
                break;
            };
            let target = reference
                .strip_prefix("#/definitions/")
                .or_else(|| reference.strip_prefix("#/$defs/"))
                .and_then(|name| {
                    self.root
                        .get("definitions")
                        .or_else(|| self.root.get("$defs"))
                        .and_then(|d| d.get(name))
                });
            match target {
                Some(t) => schema = t,
                None => break,
            }
        }
        schema
    }

    /// Properties (and whether extra keys are allowed) of an object schema, following refs.
    pub fn object_properties(&self, schema: &'s Value) -> Option<(&'s Map<String, Value>, bool)> {
        let mut schema = self.resolve(schema);
        // Step through `Option<T>` (anyOf [T, null]) and `allOf [$ref]` wrappers.
        for key in ["anyOf", "allOf"] {
            if let Some(inner) = schema.get(key).and_then(Value::as_array).and_then(|alts| {
                alts.iter()
                    .map(|a| self.resolve(a))
                    .find(|a| a.get("properties").is_some())
            }) {
                schema = inner;
            }
        }
        let props = schema.get("properties")?.as_object()?;
        let closed = schema.get("additionalProperties") == Some(&Value::Bool(false));
        Some((props, closed))
    }

    /// The schema of the value found at `path` (property names only), if the schema knows it.
    pub fn schema_at(&self, path: &[&str]) -> Option<&'s Value> {
        let mut schema = self.root;
        for segment in path {
            let resolved = self.resolve(schema);
            let next = resolved
                .get("properties")
                .and_then(|p| p.get(*segment))
                .or_else(|| {
                    // Step through `Option<T>`-style anyOf wrappers.
                    resolved
                        .get("anyOf")
                        .and_then(Value::as_array)
                        .and_then(|alts| {
                            alts.iter().find_map(|a| {
                                self.resolve(a)
                                    .get("properties")
                                    .and_then(|p| p.get(*segment))
                            })
                        })
                })?;
            schema = next;
        }
        Some(self.resolve(schema))
    }

    fn walk<'n>(
        &self,
        schema: &'s Value,
        node: &'n Node,
        path: &mut Vec<String>,
        out: &mut Vec<Violation<'n>>,
    ) {
        let schema = self.resolve(schema);
        if schema == &Value::Bool(true) {
            return;
        }
        if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
            for sub in all {
                self.walk(sub, node, path, out);
            }
        }
        let alternatives = schema
            .get("anyOf")
            .or_else(|| schema.get("oneOf"))
            .and_then(Value::as_array);
        if let Some(alts) = alternatives {
            self.walk_alternatives(alts, node, path, out);
            return;
        }
        if let Some(types) = schema_types(schema) {
            if !types.iter().any(|t| node_has_type(node, t)) {
                out.push(Violation::WrongType {
                    node,
                    expected: types,
                    pointer: path.clone(),
                });
                return;
            }
        }
        if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
            if let NodeKind::Str(s) = &node.kind {
                if !prefix_pattern_matches(pattern, s) {
                    out.push(Violation::WrongType {
                        node,
                        expected: vec![describe_pattern(pattern)],
                        pointer: path.clone(),
                    });
                    return;
                }
            }
        }
        if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
            let value = node.to_json();
            if !allowed.contains(&value) {
                let allowed = allowed
                    .iter()
                    .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
                    .collect();
                out.push(Violation::NotInEnum {
                    node,
                    allowed,
                    pointer: path.clone(),
                });
            }
            return;
        }
        if let Some(c) = schema.get("const") {
            if &node.to_json() != c {
                out.push(Violation::NotInEnum {
                    node,
                    allowed: vec![c.as_str().map_or_else(|| c.to_string(), str::to_string)],
                    pointer: path.clone(),
                });
            }
            return;
        }
        self.check_range(schema, node, path, out);
        match &node.kind {
            NodeKind::Map(entries) => self.walk_object(schema, node, entries, path, out),
            NodeKind::Seq(items) => {
                if let Some(item_schema) = schema.get("items") {
                    for (i, item) in items.iter().enumerate() {
                        path.push(i.to_string());
                        self.walk(item_schema, item, path, out);
                        path.pop();
                    }
                }
            }
            _ => {}
        }
    }

    fn walk_alternatives<'n>(
        &self,
        alts: &'s [Value],
        node: &'n Node,
        path: &mut Vec<String>,
        out: &mut Vec<Violation<'n>>,
    ) {
        // The first alternative the node satisfies wins; otherwise report against the alternative
        // whose type the node has (the most specific explanation), or a type error naming all.
        let mut best: Option<Vec<Violation<'n>>> = None;
        // Alternatives that are each one enum value (`oneOf` of `const`s) add up to one enum.
        let mut enum_values: Vec<String> = Vec::new();
        let mut only_enum_failures = true;
        for alt in alts {
            let mut trial = Vec::new();
            self.walk(alt, node, path, &mut trial);
            if trial.is_empty() {
                return;
            }
            match trial.as_slice() {
                [Violation::NotInEnum {
                    allowed, pointer, ..
                }] if pointer == path => enum_values.extend(allowed.iter().cloned()),
                _ => only_enum_failures = false,
            }
            let type_matches = !trial
                .iter()
                .any(|v| matches!(v, Violation::WrongType { pointer, .. } if pointer == path));
            if type_matches && best.is_none() {
                best = Some(trial);
            }
        }
        if only_enum_failures && !enum_values.is_empty() {
            out.push(Violation::NotInEnum {
                node,
                allowed: enum_values,
                pointer: path.clone(),
            });
            return;
        }
        match best {
            Some(violations) => out.extend(violations),
            None => {
                let mut expected = Vec::new();
                for alt in alts {
                    self.expected_types(alt, &mut expected);
                }
                out.push(Violation::WrongType {
                    node,
                    expected,
                    pointer: path.clone(),
                });
            }
        }
    }

    /// What an alternative accepts, for "expected X or Y" messages (nested anyOf flattened).
    fn expected_types(&self, schema: &'s Value, out: &mut Vec<String>) {
        let schema = self.resolve(schema);
        let mut push = |t: String| {
            if !out.contains(&t) {
                out.push(t);
            }
        };
        if let Some(p) = schema.get("pattern").and_then(Value::as_str) {
            push(describe_pattern(p));
            return;
        }
        if let Some(types) = schema_types(schema) {
            types.into_iter().for_each(push);
            return;
        }
        if let Some(alts) = schema
            .get("anyOf")
            .or_else(|| schema.get("oneOf"))
            .and_then(Value::as_array)
        {
            for alt in alts {
                self.expected_types(alt, out);
            }
        }
    }

    fn walk_object<'n>(
        &self,
        schema: &'s Value,
        map: &'n Node,
        entries: &'n [Entry],
        path: &mut Vec<String>,
        out: &mut Vec<Violation<'n>>,
    ) {
        let props = schema.get("properties").and_then(Value::as_object);
        let additional = schema.get("additionalProperties");
        for entry in entries {
            let Some(key) = entry.key.as_str() else {
                out.push(Violation::NonStringKey {
                    entry,
                    pointer: path.clone(),
                });
                continue;
            };
            path.push(key.to_string());
            match props.and_then(|p| p.get(key)) {
                Some(prop) => self.walk(prop, &entry.value, path, out),
                None => {
                    let known: Vec<String> = props
                        .map(|p| p.keys().cloned().collect())
                        .unwrap_or_default();
                    match additional {
                        Some(Value::Bool(false)) => out.push(Violation::UnknownKey {
                            entry,
                            known,
                            closed: true,
                            pointer: path.clone(),
                        }),
                        Some(extra @ Value::Object(_)) => {
                            self.walk(extra, &entry.value, path, out);
                            if !known.is_empty() {
                                out.push(Violation::UnknownKey {
                                    entry,
                                    known,
                                    closed: false,
                                    pointer: path.clone(),
                                });
                            }
                        }
                        _ => {
                            if !known.is_empty() {
                                out.push(Violation::UnknownKey {
                                    entry,
                                    known,
                                    closed: false,
                                    pointer: path.clone(),
                                })
                            }
                        }
                    }
                }
            }
            path.pop();
        }
        if let Some(required) = schema.get("required").and_then(Value::as_array) {
            for key in required.iter().filter_map(Value::as_str) {
                if !entries.iter().any(|e| e.key.as_str() == Some(key)) {
                    out.push(Violation::Missing {
                        map,
                        key: key.to_string(),
                        pointer: path.clone(),
                    });
                }
            }
        }
    }

    fn check_range<'n>(
        &self,
        schema: &'s Value,
        node: &'n Node,
        path: &[String],
        out: &mut Vec<Violation<'n>>,
    ) {
        let value = match node.kind {
            NodeKind::Int(i) => i as f64,
            NodeKind::Float(f) => f,
            _ => return,
        };
        if let Some(min) = schema.get("minimum").and_then(Value::as_f64) {
            if value < min {
                out.push(Violation::OutOfRange {
                    node,
                    bound: format!(">= {min}"),
                    pointer: path.to_vec(),
                });
                return;
            }
        }
        if let Some(max) = schema.get("maximum").and_then(Value::as_f64) {
            if value > max {
                out.push(Violation::OutOfRange {
                    node,
                    bound: format!("<= {max}"),
                    pointer: path.to_vec(),
                });
            }
        }
    }
}

fn schema_types(schema: &Value) -> Option<Vec<String>> {
    match schema.get("type")? {
        Value::String(t) => Some(vec![t.clone()]),
        Value::Array(ts) => Some(
            ts.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
        ),
        _ => None,
    }
}

/// Whether a node has a JSON-schema type, as the loaded Python value would be seen.
fn node_has_type(node: &Node, ty: &str) -> bool {
    match (&node.kind, ty) {
        (NodeKind::Null, "null") => true,
        (NodeKind::Bool(_), "boolean") => true,
        (NodeKind::Int(_), "integer" | "number") => true,
        (NodeKind::Float(f), "integer") => f.fract() == 0.0 && f.is_finite(),
        (NodeKind::Float(_), "number") => true,
        (NodeKind::Str(_), "string") => true,
        (NodeKind::Seq(_), "array") => true,
        (NodeKind::Map(_), "object") => true,
        _ => false,
    }
}

/// Our schemas only use anchored literal-prefix patterns (`^os\.environ/`).
fn prefix_pattern_matches(pattern: &str, value: &str) -> bool {
    match pattern.strip_prefix('^') {
        Some(prefix) => value.starts_with(&prefix.replace('\\', "")),
        None => value.contains(&pattern.replace('\\', "")),
    }
}

fn describe_pattern(pattern: &str) -> String {
    if pattern.contains("os\\.environ/") {
        "an os.environ/NAME reference".to_string()
    } else {
        format!("a string matching {pattern}")
    }
}

/// "an integer", "a mapping", ... for messages.
pub fn describe_type(ty: &str) -> String {
    match ty {
        "integer" => "an integer".into(),
        "number" => "a number".into(),
        "string" => "a string".into(),
        "boolean" => "a boolean".into(),
        "object" => "a mapping".into(),
        "array" => "a list".into(),
        "null" => "null".into(),
        other => other.to_string(),
    }
}

/// "an integer or an os.environ/NAME reference" (null omitted: it only means "may be empty").
pub fn describe_expected(expected: &[String]) -> String {
    let parts: Vec<String> = expected
        .iter()
        .filter(|t| t.as_str() != "null")
        .map(|t| describe_type(t))
        .collect();
    match parts.len() {
        0 => "null".to_string(),
        1 => parts[0].clone(),
        _ => {
            let (last, rest) = parts
                .split_last()
                .map_or((String::new(), &parts[..0]), |(l, r)| (l.clone(), r));
            format!("{} or {}", rest.join(", "), last)
        }
    }
}
