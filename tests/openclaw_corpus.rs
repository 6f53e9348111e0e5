//! Agreement with the real thing: for every OpenClaw config of the shared corpus, our valid /
//! invalid verdict on the parts we model must match `openclaw config validate` (2026.9.6).
//! An issue OpenClaw reports is "in a part we model" when its path leads to a schema node of
//! ours that is not opaque; disagreements must be listed, with a reason, in
//! `tests/openclaw_corpus_allow.txt`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use litellm_check::diagnostic::{Code, Severity};
use litellm_check::env::Environment;
use litellm_check::openclaw::{self, schema};
use litellm_check::syntax::SourceMap;
use serde_json::Value;

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus")
}

/// Codes whose errors `openclaw config validate` itself reports (ref resolution is not part of
/// it: OpenClaw checks refs only at write and run time).
fn validate_level(code: Code) -> bool {
    !matches!(
        code,
        Code::OcUnknownProvider
            | Code::OcModelUnresolvable
            | Code::OcBareModelRef
            | Code::OcEnvUnset
    ) && code.as_str().starts_with("OC")
}

/// Whether an issue path (dotted, `<root>` for file-level) falls in a part we model.
fn modeled(root: &Value, path: &str) -> bool {
    if path == "<root>" || path.is_empty() {
        return true;
    }
    let segments: Vec<&str> = path.split('.').collect();
    walk(root, root, &segments)
}

fn walk(root: &Value, schema_node: &Value, segments: &[&str]) -> bool {
    let current = schema::resolve(root, schema_node);
    if schema::is_opaque(root, current) {
        return false;
    }
    let Some((first, rest)) = segments.split_first() else {
        return true;
    };
    if let Some(Value::Array(branches)) = current.get("anyOf").or_else(|| current.get("oneOf")) {
        return branches.iter().any(|b| walk(root, b, segments));
    }
    if let Some(next) = current.get("properties").and_then(|p| p.get(*first)) {
        return walk(root, next, rest);
    }
    if let Some(next @ Value::Object(_)) = current.get("additionalProperties") {
        return walk(root, next, rest);
    }
    if let (Some(items), true) = (current.get("items"), first.parse::<usize>().is_ok()) {
        return walk(root, items, rest);
    }
    // A key our strict object does not know: still ours.
    true
}

fn allow_list() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/openclaw_corpus_allow.txt"),
    )
    .unwrap_or_default();
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('\t'))
        .map(|(f, r)| (f.trim().to_string(), r.trim().to_string()))
        .collect()
}

#[test]
fn verdicts_agree_with_openclaw_config_validate() {
    let dir = corpus_dir();
    let results_path = dir.join("validator-results/openclaw-2026.9.6-config-validate.json");
    let results: BTreeMap<String, Value> = serde_json::from_str(
        &std::fs::read_to_string(&results_path)
            .unwrap_or_else(|e| panic!("{}: {e}", results_path.display())),
    )
    .unwrap_or_else(|e| panic!("bad results file: {e}"));
    let schema_root = schema::generate();
    let allowed = allow_list();
    let mut agree = 0;
    let mut disagreements = Vec::new();
    let mut allowed_used = Vec::new();
    for (file, result) in &results {
        let path = dir.join("openclaw").join(file);
        let expected_issues: Vec<String> = result
            .get("issues")
            .and_then(Value::as_array)
            .map(|issues| {
                issues
                    .iter()
                    .filter(|i| {
                        modeled(
                            &schema_root,
                            i.get("path").and_then(Value::as_str).unwrap_or("<root>"),
                        )
                    })
                    .map(|i| {
                        format!(
                            "{}: {}",
                            i["path"].as_str().unwrap_or(""),
                            i["message"].as_str().unwrap_or("")
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let expected_valid = expected_issues.is_empty();
        let mut sources = SourceMap::new();
        let diagnostics = openclaw::check(&path, &Environment::empty(), &mut sources, None, false)
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        let ours: Vec<String> = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error && validate_level(d.code))
            .map(|d| format!("{} {} {}", d.code, d.pointer, d.message))
            .collect();
        let our_valid = ours.is_empty();
        if our_valid == expected_valid {
            agree += 1;
            continue;
        }
        if allowed.contains_key(file) {
            allowed_used.push(file.clone());
            continue;
        }
        disagreements.push(format!(
            "{file}: openclaw {} {:?}; we {} {:?}",
            if expected_valid { "VALID" } else { "INVALID" },
            expected_issues,
            if our_valid { "VALID" } else { "INVALID" },
            ours
        ));
    }
    let total = results.len();
    println!(
        "agreement: {agree}/{total} files ({} allow-listed)",
        allowed_used.len()
    );
    let stale: Vec<&String> = allowed
        .keys()
        .filter(|f| !allowed_used.contains(f))
        .collect();
    assert!(
        disagreements.is_empty(),
        "{} disagreement(s):\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
    assert!(
        stale.is_empty(),
        "allow-list entries that now agree (remove them): {stale:?}"
    );
    assert!(total > 200, "corpus too small: {total}");
}
