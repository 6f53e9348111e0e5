//! Dev tool for scripts/yaml_diff.py: prints each YAML file's tree with its types as one JSON
//! line, so the typing can be compared with PyYAML's.

use litellm_check::syntax::source::decode_utf8;
use litellm_check::syntax::yaml::read;
use litellm_check::syntax::{FileId, Limits, Node, NodeKind};
use serde_json::{json, Value};

fn typed(node: &Node) -> Value {
    match &node.kind {
        NodeKind::Null => json!(["null"]),
        NodeKind::Bool(b) => json!(["bool", b]),
        NodeKind::Int(i) => json!(["int", i]),
        NodeKind::Float(f) => json!(["float", format!("{f:?}")]),
        NodeKind::Str(s) => json!(["str", s]),
        NodeKind::Timestamp(s) => json!(["ts", s]),
        NodeKind::Seq(items) => Value::Array(
            std::iter::once(json!("seq"))
                .chain(items.iter().map(typed))
                .collect(),
        ),
        NodeKind::Map(entries) => Value::Array(
            std::iter::once(json!("map"))
                .chain(
                    entries
                        .iter()
                        .map(|e| json!([typed(&e.key), typed(&e.value)])),
                )
                .collect(),
        ),
    }
}

fn main() {
    for path in std::env::args().skip(1) {
        let result = std::fs::read(&path)
            .map_err(|e| e.to_string())
            .and_then(|bytes| decode_utf8(&bytes, FileId(0)).map_err(|e| e.message))
            .and_then(|text| read(&text, FileId(0), &Limits::default()).map_err(|e| e.message));
        let line = match result {
            Ok(doc) => {
                json!({"file": path, "root": doc.root.as_ref().map(typed), "duplicates": doc.issues.len()})
            }
            Err(message) => json!({"file": path, "error": message}),
        };
        println!("{line}");
    }
}
