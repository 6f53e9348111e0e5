//! The JSON5 reader against json5 2.2.3's own verdicts and values on tricky inputs (recorded
//! from the package OpenClaw installs). Known, documented differences: a lone UTF-16 surrogate
//! escape (`"\uD83D"`, which a Rust string cannot hold) and `\u` escapes inside unquoted keys
//! are rejected here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test aborts on what it did not expect

use litellm_check::syntax::{json5, FileId, Limits, Node, NodeKind};
use serde_json::{json, Value};

fn normalized(node: &Node) -> Value {
    match &node.kind {
        NodeKind::Null => Value::Null,
        NodeKind::Bool(b) => json!(b),
        NodeKind::Int(i) => json!(*i as f64),
        NodeKind::Float(f) if f.is_nan() => json!({"$num": "NaN"}),
        NodeKind::Float(f) if f.is_infinite() => {
            json!({"$num": if *f > 0.0 { "Inf" } else { "-Inf" }})
        }
        NodeKind::Float(f) => json!(f),
        NodeKind::Str(s) | NodeKind::Timestamp(s) => json!(s),
        NodeKind::Seq(items) => Value::Array(items.iter().map(normalized).collect()),
        NodeKind::Map(entries) => Value::Object(
            entries
                .iter()
                .map(|e| (e.key.scalar_text(), normalized(&e.value)))
                .collect(),
        ),
    }
}

fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (
                x.as_f64().unwrap_or(f64::NAN),
                y.as_f64().unwrap_or(f64::NAN),
            );
            x == y || (x - y).abs() <= 1e-9 * x.abs().max(y.abs())
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

fn known_difference(input: &str) -> bool {
    input == "\"\\uD83D\"" || input.starts_with("{a\\u0062") || input.starts_with("{\\u0061")
}

#[test]
fn the_reader_agrees_with_json5_2_2_3() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/openclaw_cases/json5/json5-2.2.3.json"
    );
    let recorded: Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{e}")))
            .unwrap_or_else(|e| panic!("{e}"));
    let cases = recorded["cases"]
        .as_array()
        .unwrap_or_else(|| panic!("no cases"));
    assert!(cases.len() > 140);
    let mut disagreements = Vec::new();
    for case in cases {
        let input = case["input"].as_str().unwrap_or_default();
        let expected_ok = case["ok"].as_bool().unwrap_or(false);
        let ours = json5::read(input, FileId(0), &Limits::default());
        let agrees = match (&ours, expected_ok) {
            (Ok(doc), true) => doc
                .root
                .as_ref()
                .is_some_and(|root| same(&normalized(root), &case["value"])),
            (Err(_), false) => true,
            _ => false,
        };
        if agrees == known_difference(input) {
            disagreements.push(format!(
                "{input:?}: json5 {}; ours {:?}",
                if expected_ok {
                    case["value"].to_string()
                } else {
                    case["error"].to_string()
                },
                ours.map(|d| d.root.map(|r| normalized(&r)))
            ));
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}
