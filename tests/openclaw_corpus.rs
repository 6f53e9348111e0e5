//! Agreement with the real thing: for every OpenClaw config of the shared corpus, our valid /
//! invalid verdict must match `openclaw config validate` (2026.9.6) on the whole file, every
//! section included (the sections the model leaves open are checked against OpenClaw's own
//! schema, `data/openclaw-config.schema.json`). Disagreements must be listed, with a reason, in
//! `tests/openclaw_corpus_allow.txt`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test aborts on what it did not expect

mod shared_corpus;

use shared_corpus::corpus_root;
use std::collections::BTreeMap;
use std::path::Path;

use litellm_check::diagnostic::{Code, Diagnostic, Severity};
use litellm_check::env::Environment;
use litellm_check::openclaw::{self, schema, upstream};
use litellm_check::syntax::SourceMap;
use serde_json::Value;

/// Codes whose errors `openclaw config validate` itself reports (ref resolution is not part of
/// it: OpenClaw checks refs only at write and run time).
fn validate_level(d: &Diagnostic) -> bool {
    if d.severity != Severity::Error || !d.code.as_str().starts_with("OC") {
        return false;
    }
    match d.code {
        Code::OcUnknownProvider
        | Code::OcLegacyProviderRef
        | Code::OcModelUnresolvable
        | Code::OcBareModelRef
        | Code::OcEnvUnset => false,
        // Only the policy allowlist and `decisionModel` are shape-checked by `config validate`.
        Code::OcModelRefInvalid => {
            d.pointer.contains("/modelPolicy/") || d.pointer.ends_with("/decisionModel")
        }
        _ => true,
    }
}

/// Where OpenClaw would report one of our diagnostics: the dotted path, the parent for an
/// unknown key, `<root>` for file-level problems.
fn issue_path(d: &Diagnostic) -> String {
    let segments: Vec<String> = d
        .pointer
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect();
    let segments = match d.code {
        Code::OcUnknownKey | Code::OcEnvFlatKey => &segments[..segments.len().saturating_sub(1)],
        _ => &segments[..],
    };
    if segments.is_empty() || d.code.as_str() < "OC020" {
        "<root>".into()
    } else {
        segments.join(".")
    }
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
    let Some(dir) = corpus_root() else {
        return;
    };
    let results_path = dir.join("validator-results/openclaw-2026.9.6-config-validate.json");
    let results: BTreeMap<String, Value> = serde_json::from_str(
        &std::fs::read_to_string(&results_path)
            .unwrap_or_else(|e| panic!("{}: {e}", results_path.display())),
    )
    .unwrap_or_else(|e| panic!("bad results file: {e}"));
    let allowed = allow_list();
    let mut agree = 0;
    let mut same_paths = 0;
    let mut disagreements = Vec::new();
    let mut allowed_used = Vec::new();
    for (file, result) in &results {
        let path = dir.join("openclaw").join(file);
        let issues: Vec<&Value> = result
            .get("issues")
            .and_then(Value::as_array)
            .map(|issues| issues.iter().collect())
            .unwrap_or_default();
        let expected_issues: Vec<String> = issues
            .iter()
            .map(|i| {
                format!(
                    "{}: {}",
                    i["path"].as_str().unwrap_or(""),
                    i["message"].as_str().unwrap_or("")
                )
            })
            .collect();
        let expected_valid = result.get("valid").and_then(Value::as_bool) == Some(true);
        let mut sources = SourceMap::new();
        let diagnostics = openclaw::check(
            &path,
            &litellm_check::CheckOptions::with_env(&Environment::empty(), false),
            &mut sources,
            None,
        )
        .unwrap_or_else(|e| panic!("{file}: {e}"));
        let ours: Vec<String> = diagnostics
            .iter()
            .filter(|d| validate_level(d))
            .map(|d| format!("{} {} {}", d.code, d.pointer, d.message))
            .collect();
        let our_valid = ours.is_empty();
        let mut expected_paths: Vec<String> = issues
            .iter()
            .filter_map(|i| i.get("path").and_then(Value::as_str))
            .map(str::to_string)
            .collect();
        let mut our_paths: Vec<String> = diagnostics
            .iter()
            .filter(|d| validate_level(d))
            .map(issue_path)
            .collect();
        for paths in [&mut expected_paths, &mut our_paths] {
            paths.sort();
            paths.dedup();
        }
        if expected_paths == our_paths {
            same_paths += 1;
        }
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
        "agreement: {agree}/{total} files ({} allow-listed); same issue paths: {same_paths}/{total}",
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

/// Edge cases run through the real `openclaw config validate` once; its verdicts are recorded
/// in `tests/openclaw_cases/oracle/verdicts.tsv`. Every one must agree.
#[test]
fn verdicts_agree_on_the_recorded_oracle_cases() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/openclaw_cases/oracle");
    let table = std::fs::read_to_string(dir.join("verdicts.tsv"))
        .unwrap_or_else(|e| panic!("verdicts.tsv: {e}"));
    let mut checked = 0;
    let mut disagreements = Vec::new();
    for line in table
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let mut fields = line.split('\t');
        let (Some(file), Some(verdict)) = (fields.next(), fields.next()) else {
            panic!("bad line: {line}")
        };
        let issue = fields.next().unwrap_or_default();
        let mut sources = SourceMap::new();
        let diagnostics = openclaw::check(
            &dir.join(file),
            &litellm_check::CheckOptions::with_env(&Environment::empty(), false),
            &mut sources,
            None,
        )
        .unwrap_or_else(|e| panic!("{file}: {e}"));
        let ours: Vec<String> = diagnostics
            .iter()
            .filter(|d| validate_level(d))
            .map(|d| format!("{} {} {}", d.code, d.pointer, d.message))
            .collect();
        let our_verdict = if ours.is_empty() { "VALID" } else { "INVALID" };
        if our_verdict != verdict {
            disagreements.push(format!(
                "{file}: openclaw {verdict} ({issue}); we {our_verdict} {ours:?}"
            ));
        }
        checked += 1;
    }
    assert!(checked >= 50, "only {checked} cases");
    assert!(
        disagreements.is_empty(),
        "{} disagreement(s):\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}

/// Model refs against the real thing: for every schema-valid corpus file, `openclaw doctor
/// --lint` (check `core/doctor/model-references`, 2026.9.6) was asked which refs name an unknown
/// provider; its answers are recorded in `tests/openclaw_cases/doctor_unknown_providers.tsv`.
/// Doctor looks at the default model and its fallbacks, `imageModel` and the
/// `agents.defaults.models` keys; at those places our OC061 must name the same providers.
#[test]
fn unknown_providers_agree_with_openclaw_doctor() {
    let table_path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/openclaw_cases/doctor_unknown_providers.tsv");
    let table = std::fs::read_to_string(&table_path)
        .unwrap_or_else(|e| panic!("{}: {e}", table_path.display()));
    let Some(corpus) = corpus_root() else {
        return;
    };
    let dir = corpus.join("openclaw");
    let mut checked = 0;
    let mut disagreements = Vec::new();
    for line in table
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let (file, providers) = line.split_once('\t').unwrap_or((line, ""));
        let mut expected: Vec<String> = providers
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .collect();
        let mut sources = SourceMap::new();
        let diagnostics = openclaw::check(
            &dir.join(file),
            &litellm_check::CheckOptions::with_env(&Environment::empty(), false),
            &mut sources,
            None,
        )
        .unwrap_or_else(|e| panic!("{file}: {e}"));
        let doctor_places = [
            "/agents/defaults/model",
            "/agents/defaults/imageModel",
            "/agents/defaults/models/",
        ];
        let mut ours: Vec<String> = diagnostics
            .iter()
            .filter(|d| {
                d.code == Code::OcUnknownProvider
                    && doctor_places.iter().any(|p| d.pointer.starts_with(p))
            })
            .filter_map(|d| {
                d.message
                    .split("unknown provider \"")
                    .nth(1)?
                    .split('"')
                    .next()
                    .map(str::to_string)
            })
            .collect();
        for list in [&mut expected, &mut ours] {
            list.sort();
            list.dedup();
        }
        if expected != ours {
            disagreements.push(format!("{file}: doctor {expected:?}, we {ours:?}"));
        }
        checked += 1;
    }
    println!(
        "doctor unknown-provider agreement: {}/{checked} files",
        checked - disagreements.len()
    );
    assert!(checked >= 150, "only {checked} files recorded");
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}

/// The shipped schema is OpenClaw 2026.9.6's, and the model types name the same top-level
/// sections (each one is either modelled or left to that schema).
#[test]
fn the_shipped_schema_is_openclaws_and_names_the_same_sections() {
    assert_eq!(upstream::version(), "2026.9.6");
    let keys = |schema: &Value| -> Vec<String> {
        let mut keys: Vec<String> = schema["properties"]
            .as_object()
            .expect("top-level properties")
            .keys()
            .cloned()
            .collect();
        keys.sort();
        keys
    };
    assert_eq!(keys(upstream::schema()), keys(schema::generated()));
    assert_eq!(
        upstream::schema()["additionalProperties"],
        Value::Bool(false)
    );
}

/// The schemas at `path` in OpenClaw's own schema (`*`: a map value or list item), every branch
/// of a union.
fn upstream_at<'s>(node: &'s Value, path: &[String]) -> Vec<&'s Value> {
    let mut found = Vec::new();
    let Some((first, rest)) = path.split_first() else {
        found.push(node);
        for branch in node
            .get("anyOf")
            .or_else(|| node.get("oneOf"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            found.extend(upstream_at(branch, path));
        }
        return found;
    };
    for branch in node
        .get("anyOf")
        .or_else(|| node.get("oneOf"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        found.extend(upstream_at(branch, path));
    }
    let next = if first == "*" {
        node.get("additionalProperties")
            .filter(|a| a.is_object())
            .or_else(|| node.get("items"))
    } else {
        node.get("properties").and_then(|p| p.get(first.as_str()))
    };
    if let Some(next) = next {
        found.extend(upstream_at(next, rest));
    }
    found
}

/// Every closed object of the model, with its path (`*` for a map value or list item).
fn closed_objects(
    root: &Value,
    node: &Value,
    path: &mut Vec<String>,
    out: &mut Vec<(Vec<String>, Vec<String>)>,
    depth: usize,
) {
    let node = schema::resolve(root, node);
    if depth > 20 {
        return;
    }
    for branch in node
        .get("anyOf")
        .or_else(|| node.get("oneOf"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        closed_objects(root, branch, path, out, depth + 1);
    }
    if let Some(props) = node.get("properties").and_then(Value::as_object) {
        if node.get("additionalProperties") == Some(&Value::Bool(false)) {
            out.push((path.clone(), props.keys().cloned().collect()));
        }
        for (key, value) in props {
            path.push(key.clone());
            closed_objects(root, value, path, out, depth + 1);
            path.pop();
        }
    }
    for key in ["additionalProperties", "items"] {
        if let Some(next @ Value::Object(_)) = node.get(key) {
            path.push("*".into());
            closed_objects(root, next, path, out, depth + 1);
            path.pop();
        }
    }
}

/// Keys the model accepts that OpenClaw's schema never sees: its context-budget migration
/// (`src/openclaw/legacy.rs`) removes them before validation.
const MIGRATED_BEFORE_VALIDATION: &[&str] = &[
    "agents.defaults.contextTokens",
    "agents.entries.*.contextTokens",
    "models.providers.*.contextTokens",
    "models.providers.*.contextWindow",
];

/// The model invents no key: every key a closed object of ours knows, OpenClaw's schema knows
/// at the same place (else we would accept what OpenClaw refuses).
#[test]
fn every_key_the_model_knows_openclaws_schema_knows() {
    let ours = schema::generated();
    let mut objects = Vec::new();
    closed_objects(ours, ours, &mut Vec::new(), &mut objects, 0);
    assert!(objects.len() > 20, "only {} closed objects", objects.len());
    let mut invented = Vec::new();
    for (path, keys) in &objects {
        let theirs = upstream_at(upstream::schema(), path);
        if theirs.is_empty() {
            invented.push(format!(
                "{}: no such place in OpenClaw's schema",
                path.join(".")
            ));
            continue;
        }
        for key in keys {
            let known = theirs
                .iter()
                .any(|t| t.get("properties").and_then(|p| p.get(key)).is_some());
            let at = format!("{}.{key}", path.join("."));
            if !known && !MIGRATED_BEFORE_VALIDATION.contains(&at.as_str()) {
                invented.push(at);
            }
        }
    }
    assert!(
        invented.is_empty(),
        "keys OpenClaw's schema does not know:\n{}",
        invented.join("\n")
    );
}
