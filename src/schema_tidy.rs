//! Post-processing shared by every generated schema: what schemars emits, made acceptable to
//! strict validators (Ajv strict mode, SchemaStore CI) and readable in editors.

use serde_json::{Map, Value};

/// Every transform the published and the checker's schemas share.
pub fn tidy(value: &mut Value) {
    drop_nonstandard_formats(value);
    unwrap_doc_lines(value);
    merge_const_alternatives(value);
    flatten_any_of(value);
    drop_null_defaults(value);
}

/// `Option<Env<T>>` nests `anyOf [anyOf [T, os.environ/…], null]`; one level lists the same
/// alternatives and gives validators and editors one set of branches to report.
fn flatten_any_of(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.values_mut().for_each(flatten_any_of);
            if let Some(Value::Array(branches)) = map.get_mut("anyOf") {
                let nested = branches.iter().any(|b| {
                    b.as_object()
                        .is_some_and(|o| o.len() == 1 && o.contains_key("anyOf"))
                });
                if nested {
                    let mut flat = Vec::new();
                    for branch in branches.drain(..) {
                        match branch {
                            Value::Object(mut o) if o.len() == 1 && o.contains_key("anyOf") => {
                                if let Some(Value::Array(inner)) = o.remove("anyOf") {
                                    flat.extend(inner);
                                }
                            }
                            other => flat.push(other),
                        }
                    }
                    *branches = flat;
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(flatten_any_of),
        _ => {}
    }
}

/// `#[serde(default)]` on a struct of `Option`s makes schemars write `"default": null` on every
/// field: it says nothing, and editors would offer `null` as the completion.
fn drop_null_defaults(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.get("default") == Some(&Value::Null) {
                map.remove("default");
            }
            map.values_mut().for_each(drop_null_defaults);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_null_defaults),
        _ => {}
    }
}

/// Doc comments are wrapped at 100 columns; editors show descriptions as flowing text, so a
/// single line break becomes a space. Paragraph breaks and list items stay.
fn unwrap_doc_lines(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(text)) = map.get_mut("description") {
                *text = unwrap_lines(text);
            }
            map.values_mut().for_each(unwrap_doc_lines);
        }
        Value::Array(items) => items.iter_mut().for_each(unwrap_doc_lines),
        _ => {}
    }
}

fn unwrap_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let lines: Vec<&str> = text.split('\n').collect();
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            let previous_blank = lines[i - 1].trim().is_empty();
            let keep_break =
                previous_blank || line.trim().is_empty() || line.trim_start().starts_with("- ");
            out.push(if keep_break { '\n' } else { ' ' });
        }
        out.push_str(line);
    }
    out
}

/// Removes schemars' non-standard integer `format`s such as `uint32`.
fn drop_nonstandard_formats(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(format)) = map.get("format") {
                let standard = matches!(
                    format.as_str(),
                    "date-time"
                        | "date"
                        | "time"
                        | "email"
                        | "hostname"
                        | "ipv4"
                        | "ipv6"
                        | "uri"
                        | "uri-reference"
                        | "regex"
                );
                if !standard {
                    map.remove("format");
                }
            }
            map.values_mut().for_each(drop_nonstandard_formats);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_nonstandard_formats),
        _ => {}
    }
}

/// A Rust enum whose variants carry doc comments comes out as a `oneOf` of `const`s. Validators
/// then report one failure per variant plus "must match exactly one schema in oneOf", which is
/// unreadable; a plain `enum` gives one message listing the values. Each value's doc moves into
/// the description (a bulleted list, read by every editor) and into `enumDescriptions`, the
/// keyword yaml-language-server and VS Code show beside each completion.
fn merge_const_alternatives(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.values_mut().for_each(merge_const_alternatives);
            if let Some(merged) = map.get("oneOf").and_then(enum_of_consts) {
                map.remove("oneOf");
                let (values, docs) = merged;
                let has_docs = docs.iter().any(|d| !d.is_empty());
                if has_docs {
                    let listed: Vec<String> = values
                        .iter()
                        .zip(&docs)
                        .map(|(v, d)| match (v.as_str(), d.is_empty()) {
                            (Some(s), false) => format!("- `{s}`: {d}"),
                            (Some(s), true) => format!("- `{s}`"),
                            (None, _) => format!("- `{v}`"),
                        })
                        .collect();
                    let description = match map.get("description").and_then(Value::as_str) {
                        Some(intro) => format!("{intro}\n\n{}", listed.join("\n")),
                        None => listed.join("\n"),
                    };
                    map.insert("description".into(), Value::String(description));
                    map.insert(
                        "enumDescriptions".into(),
                        Value::Array(docs.into_iter().map(Value::String).collect()),
                    );
                }
                if let Some(kind) = common_type(&values) {
                    map.insert("type".into(), Value::String(kind.into()));
                }
                map.insert("enum".into(), Value::Array(values));
            }
        }
        Value::Array(items) => items.iter_mut().for_each(merge_const_alternatives),
        _ => {}
    }
}

/// The values and docs of a `oneOf` whose every branch is a `const` or an `enum` (and nothing
/// but a type and a description beside it).
fn enum_of_consts(one_of: &Value) -> Option<(Vec<Value>, Vec<String>)> {
    let branches = one_of.as_array()?;
    let mut values = Vec::new();
    let mut docs = Vec::new();
    for branch in branches {
        let branch = branch.as_object()?;
        let plain = branch
            .keys()
            .all(|k| matches!(k.as_str(), "const" | "enum" | "type" | "description"));
        if !plain {
            return None;
        }
        let doc = branch
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        match (branch.get("const"), branch.get("enum")) {
            (Some(c), _) => {
                values.push(c.clone());
                docs.push(doc);
            }
            (None, Some(Value::Array(many))) => {
                for v in many {
                    values.push(v.clone());
                    docs.push(doc.clone());
                }
            }
            _ => return None,
        }
    }
    (!values.is_empty()).then_some((values, docs))
}

fn common_type(values: &[Value]) -> Option<&'static str> {
    let kind = |v: &Value| match v {
        Value::String(_) => Some("string"),
        Value::Bool(_) => Some("boolean"),
        Value::Number(n) if n.is_i64() || n.is_u64() => Some("integer"),
        Value::Number(_) => Some("number"),
        _ => None,
    };
    let first = kind(values.first()?)?;
    values
        .iter()
        .all(|v| kind(v) == Some(first))
        .then_some(first)
}

/// Rewrites a draft 2020-12 schema from schemars in draft-07 spelling: `$defs` becomes
/// `definitions` and refs follow. schemars emits no other 2020-12-only keyword for our types
/// (the schema tests check the vocabulary).
pub fn to_draft07(value: &mut Value) {
    if let Value::Object(map) = value {
        if let Some(defs) = map.remove("$defs") {
            map.insert("definitions".into(), defs);
        }
        map.insert(
            "$schema".into(),
            Value::String("http://json-schema.org/draft-07/schema#".into()),
        );
    }
    rewrite_refs(value);
}

fn rewrite_refs(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get_mut("$ref") {
                if let Some(name) = reference.strip_prefix("#/$defs/") {
                    *reference = format!("#/definitions/{name}");
                }
            }
            map.values_mut().for_each(rewrite_refs);
        }
        Value::Array(items) => items.iter_mut().for_each(rewrite_refs),
        _ => {}
    }
}

/// Gives every property that accepts any object and has no description of its own `note`, so an
/// editor's hover explains why it offers no completion there.
pub fn describe_open_objects(value: &mut Value, note: &str) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Object(properties)) = map.get_mut("properties") {
                for property in properties.values_mut() {
                    if let Value::Object(p) = property {
                        let open = p.get("type") == Some(&Value::String("object".into()))
                            && p.get("additionalProperties") == Some(&Value::Bool(true))
                            && !p.contains_key("properties");
                        if open && !p.contains_key("description") {
                            p.insert("description".into(), Value::String(note.into()));
                        }
                    }
                }
            }
            map.values_mut()
                .for_each(|v| describe_open_objects(v, note));
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|v| describe_open_objects(v, note)),
        _ => {}
    }
}

/// Puts `$schema`, `$id`, `title` and `description` first, where readers (and SchemaStore's
/// reviewers) expect them.
pub fn with_header(value: Value, id: &str, title: &str, description: &str) -> Value {
    let Value::Object(body) = value else {
        return value;
    };
    let mut out = Map::new();
    out.insert(
        "$schema".into(),
        Value::String("http://json-schema.org/draft-07/schema#".into()),
    );
    out.insert("$id".into(), Value::String(id.into()));
    out.insert("title".into(), Value::String(title.into()));
    out.insert("description".into(), Value::String(description.into()));
    for (key, v) in body {
        out.entry(key).or_insert(v);
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn documented_consts_become_one_enum_with_their_docs() {
        let mut schema = json!({
            "description": "How to route.",
            "oneOf": [
                {"type": "string", "const": "a", "description": "First\nline."},
                {"type": "string", "const": "b"}
            ]
        });
        tidy(&mut schema);
        assert_eq!(
            schema,
            json!({
                "description": "How to route.\n\n- `a`: First line.\n- `b`",
                "enumDescriptions": ["First line.", ""],
                "type": "string",
                "enum": ["a", "b"]
            })
        );
    }

    #[test]
    fn a_one_of_with_structure_is_left_alone() {
        let mut schema = json!({"oneOf": [{"const": "a"}, {"type": "object", "properties": {}}]});
        let before = schema.clone();
        tidy(&mut schema);
        assert_eq!(schema, before);
    }

    #[test]
    fn nested_any_of_is_flattened_and_null_defaults_dropped() {
        let mut schema = json!({
            "anyOf": [{"anyOf": [{"type": "integer"}, {"type": "string"}]}, {"type": "null"}],
            "default": null,
            "format": "uint32"
        });
        tidy(&mut schema);
        assert_eq!(
            schema,
            json!({"anyOf": [{"type": "integer"}, {"type": "string"}, {"type": "null"}]})
        );
    }

    #[test]
    fn draft_2020_definitions_are_respelt_for_draft07() {
        let mut schema = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "properties": {"a": {"$ref": "#/$defs/A"}},
            "$defs": {"A": {"type": "string"}}
        });
        to_draft07(&mut schema);
        assert_eq!(
            schema,
            json!({
                "$schema": "http://json-schema.org/draft-07/schema#",
                "properties": {"a": {"$ref": "#/definitions/A"}},
                "definitions": {"A": {"type": "string"}}
            })
        );
    }
}
