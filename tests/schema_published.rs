//! The published JSON Schemas (`schemas/`, `litellm-check schema`): the committed copies are the
//! generated ones, they are plain draft-07 that strict validators and SchemaStore accept, and they
//! agree with the checker — what the checker passes, the schema (run by the `jsonschema` crate)
//! accepts; what the checker rejects for a schema-expressible reason, the schema rejects too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test aborts on what it did not expect

mod shared_corpus;

use shared_corpus::corpus_root;
use std::path::{Path, PathBuf};

use litellm_check::diagnostic::{Code, Diagnostic, Severity};
use litellm_check::env::Environment;
use litellm_check::litellm::{check_file, CheckOptions};
use litellm_check::openclaw;
use litellm_check::published_schema::Target;
use litellm_check::syntax::{Node, SourceMap};
use serde_json::Value;

const REGENERATE: &str = "cargo run --bin litellm-check -- schema --out-dir schemas";

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn validator(target: Target) -> jsonschema::Validator {
    jsonschema::draft7::new(&target.schema())
        .unwrap_or_else(|e| panic!("{target:?} schema does not compile: {e}"))
}

/// Whether the schema rejects `instance` where the checker reported `diagnostic`: at its pointer,
/// or at the parent (where draft-07 reports an unknown or missing key).
fn rejected_at(
    validator: &jsonschema::Validator,
    instance: &Value,
    diagnostic: &Diagnostic,
) -> bool {
    let pointer = diagnostic.pointer.as_str();
    let parent = pointer.rsplit_once('/').map_or("", |(p, _)| p);
    validator.iter_errors(instance).any(|e| {
        let at = e.instance_path().to_string();
        at == pointer || at == parent
    })
}

/// Every error the schema reports for `instance`, one line each.
fn rejections(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

#[test]
fn committed_schemas_are_the_generated_ones() {
    for target in Target::ALL {
        let path = repo().join("schemas").join(target.file_name());
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == target.text(),
            "{} is stale or missing: regenerate it with `{REGENERATE}`",
            path.display()
        );
    }
}

/// Draft-07 keywords, plus `enumDescriptions` (yaml-language-server and VS Code show it beside
/// each completion; validators ignore it).
const KEYWORDS: &[&str] = &[
    "$schema",
    "$id",
    "$ref",
    "title",
    "description",
    "default",
    "examples",
    "type",
    "enum",
    "enumDescriptions",
    "const",
    "properties",
    "additionalProperties",
    "required",
    "items",
    "anyOf",
    "allOf",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "minLength",
    "maxLength",
    "maxItems",
    "pattern",
    "definitions",
];

fn keywords_used(schema: &Value, out: &mut Vec<String>) {
    match schema {
        Value::Object(map) => {
            for (key, value) in map {
                if !out.contains(key) {
                    out.push(key.clone());
                }
                match key.as_str() {
                    // Maps of names to schemas: the names are not keywords.
                    "properties" | "definitions" => {
                        for sub in value.as_object().into_iter().flat_map(|m| m.values()) {
                            keywords_used(sub, out);
                        }
                    }
                    "enum" | "const" | "default" | "examples" | "enumDescriptions" | "required" => {
                    }
                    _ => keywords_used(value, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| keywords_used(i, out)),
        _ => {}
    }
}

#[test]
fn schemas_are_plain_draft07_with_metadata() {
    for target in Target::ALL {
        let schema = target.schema();
        assert!(
            jsonschema::draft7::meta::is_valid(&schema),
            "{target:?}: not a valid draft-07 schema"
        );
        assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
        for key in ["$id", "title", "description"] {
            assert!(schema[key].is_string(), "{target:?}: no {key}");
        }
        let mut used = Vec::new();
        keywords_used(&schema, &mut used);
        let unexpected: Vec<&String> = used
            .iter()
            .filter(|k| !KEYWORDS.contains(&k.as_str()))
            .collect();
        assert!(
            unexpected.is_empty(),
            "{target:?}: keywords outside draft-07 (or oneOf/format): {unexpected:?}"
        );
        let text = target.text();
        assert!(
            !text.contains("\"$defs\""),
            "{target:?}: 2020-12 $defs left"
        );
        assert!(
            !text.contains("\"default\": null"),
            "{target:?}: null default"
        );
    }
}

#[test]
fn enums_with_documented_values_are_plain_enums() {
    let schema = Target::Litellm.schema();
    let strategy = &schema["definitions"]["RoutingStrategy"];
    assert_eq!(strategy["type"], "string");
    let values = strategy["enum"].as_array().expect("routing_strategy enum");
    assert!(values.contains(&Value::from("simple-shuffle")));
    assert_eq!(
        strategy["enumDescriptions"].as_array().map(Vec::len),
        Some(values.len())
    );
    let description = strategy["description"].as_str().unwrap_or_default();
    assert!(description.contains("- `least-busy`: Fewest in-flight requests."));
    let router = &schema["definitions"]["RouterSettings"]["properties"];
    assert_eq!(router["routing_strategy"]["default"], "simple-shuffle");
    assert_eq!(router["num_retries"]["default"], 2);
    assert_eq!(
        schema["definitions"]["RouterSettings"]["additionalProperties"],
        false
    );
    let examples = schema["definitions"]["LitellmParams"]["properties"]["model"]["examples"]
        .as_array()
        .expect("model examples");
    for prefix in ["openai/", "bedrock/", "vertex_ai/", "openrouter/"] {
        assert!(
            examples.contains(&Value::from(prefix)),
            "{prefix} not offered"
        );
    }
    // litellm_params and model_info stay open for provider-specific keys.
    for open in ["LitellmParams", "ModelInfo"] {
        assert_ne!(
            schema["definitions"][open]["additionalProperties"], false,
            "{open} must stay open"
        );
    }
}

fn litellm_env() -> Environment {
    let mut env = Environment::empty();
    for name in [
        "LITELLM_MASTER_KEY",
        "OPENAI_API_KEY",
        "ANTHROPIC_API_KEY",
        "AZURE_API_KEY",
    ] {
        env.set(name, "test-value-never-printed");
    }
    env
}

/// The checker's findings and the merged tree as JSON (YAML dates become their ISO text, as
/// `Node::to_json` renders them for Python's view of the file).
fn check_litellm(path: &Path, env: Environment) -> (Vec<Diagnostic>, Option<Value>) {
    let options = CheckOptions {
        env,
        ..CheckOptions::default()
    };
    let mut sources = SourceMap::new();
    let outcome = check_file(path, &options, &mut sources).unwrap_or_else(|e| panic!("{e}"));
    (
        outcome.diagnostics,
        outcome.root.as_ref().map(Node::to_json),
    )
}

/// "The checker passes it": no error, and no unknown or misplaced key (LL020/LL021 are warnings
/// because LiteLLM ignores such keys, but the schema closes those sections so editors flag them).
fn litellm_passes(diagnostics: &[Diagnostic]) -> bool {
    !diagnostics.iter().any(|d| {
        d.severity == Severity::Error || matches!(d.code, Code::UnknownKey | Code::MisplacedKey)
    })
}

#[test]
fn litellm_corpus_files_the_checker_passes_are_schema_valid() {
    let Some(root) = corpus_root() else { return };
    let validator = validator(Target::Litellm);
    let (mut passed, mut rejected) = (0, Vec::new());
    for dir in ["litellm", "litellm-docs"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
            .unwrap_or_else(|e| panic!("{dir}: {e}"))
            .map(|e| e.expect("dir entry").path())
            .collect();
        files.sort();
        for file in files {
            let (diagnostics, tree) = check_litellm(&file, Environment::empty());
            let Some(tree) = tree.filter(|_| litellm_passes(&diagnostics)) else {
                continue;
            };
            passed += 1;
            let errors = rejections(&validator, &tree);
            if !errors.is_empty() {
                rejected.push(format!("{}: {errors:?}", file.display()));
            }
        }
    }
    eprintln!(
        "litellm corpus: {passed} files pass the checker; the schema rejects {}",
        rejected.len()
    );
    assert!(passed >= 200, "only {passed} corpus files pass the checker");
    assert!(
        rejected.is_empty(),
        "{} file(s) the checker passes are rejected by the schema:\n{}",
        rejected.len(),
        rejected.join("\n")
    );
}

fn fixture(name: &str) -> PathBuf {
    let dir = std::fs::read_dir(repo().join("fixtures"))
        .expect("fixtures/")
        .map(|e| e.expect("dir entry").path())
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(name))
        });
    dir.unwrap_or_else(|| panic!("no fixtures/{name}-*"))
}

/// Rules whose failing fixture the schema alone can reject: unknown key, wrong type, value outside
/// an enum, missing `model`, incomplete credential.
const SCHEMA_EXPRESSIBLE_LL: &[&str] = &["LL020", "LL022", "LL023", "LL030", "LL061"];

#[test]
fn litellm_fixtures_agree_with_the_schema() {
    let validator = validator(Target::Litellm);
    for code in SCHEMA_EXPRESSIBLE_LL {
        let dir = fixture(code);
        let (diagnostics, tree) = check_litellm(&dir.join("fail.yaml"), litellm_env());
        let tree = tree.unwrap_or_else(|| panic!("{code}: fail.yaml unreadable"));
        let found: Vec<&Diagnostic> = diagnostics
            .iter()
            .filter(|d| d.code.as_str() == *code)
            .collect();
        assert!(!found.is_empty(), "{code}: the checker does not raise it");
        for d in found {
            assert!(
                rejected_at(&validator, &tree, d),
                "{code}: the schema does not reject {}/fail.yaml at {} ({:?})",
                dir.display(),
                d.pointer,
                rejections(&validator, &tree)
            );
        }
    }
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(repo().join("fixtures"))
        .expect("fixtures/")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("LL"))
        })
        .collect();
    dirs.sort();
    for dir in dirs {
        let (diagnostics, tree) = check_litellm(&dir.join("pass.yaml"), litellm_env());
        let Some(tree) = tree.filter(|_| litellm_passes(&diagnostics)) else {
            continue;
        };
        let errors = rejections(&validator, &tree);
        assert!(errors.is_empty(), "{}/pass.yaml: {errors:?}", dir.display());
    }
}

/// An OpenClaw file as written (JSON5 read, before includes and `${VAR}`s): what an editor
/// validates.
fn openclaw_as_written(path: &Path) -> Option<Value> {
    let text = std::fs::read_to_string(path).ok()?;
    let mut sources = SourceMap::new();
    let mut issues = Vec::new();
    openclaw::load::parse_file(path, text, &mut sources, &mut issues)
        .ok()
        .map(|n| n.to_json())
}

fn openclaw_findings(path: &Path) -> Vec<Diagnostic> {
    let mut sources = SourceMap::new();
    openclaw::check(
        path,
        &litellm_check::CheckOptions::with_env(&Environment::empty(), false),
        &mut sources,
        None,
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

/// The checker passes it (no error, no unknown key) and the file is whole as written: no
/// `$include` and no legacy roster the checker migrates first (an editor sees the file alone).
fn openclaw_passes(diagnostics: &[Diagnostic], text: &str) -> bool {
    !text.contains("$include")
        && !diagnostics.iter().any(|d| {
            d.severity == Severity::Error
                || matches!(d.code, Code::OcUnknownKey | Code::OcLegacyAgentsList)
        })
}

#[test]
fn openclaw_corpus_files_the_checker_passes_are_schema_valid() {
    let Some(root) = corpus_root() else { return };
    let validator = validator(Target::Openclaw);
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("openclaw"))
        .expect("openclaw corpus")
        .map(|e| e.expect("dir entry").path())
        .collect();
    files.sort();
    let (mut passed, mut rejected) = (0, Vec::new());
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        let diagnostics = openclaw_findings(&file);
        if !openclaw_passes(&diagnostics, &text) {
            continue;
        }
        let Some(tree) = openclaw_as_written(&file) else {
            continue;
        };
        passed += 1;
        let errors = rejections(&validator, &tree);
        if !errors.is_empty() {
            rejected.push(format!("{}: {errors:?}", file.display()));
        }
    }
    eprintln!(
        "openclaw corpus: {passed} files pass the checker; the schema rejects {}",
        rejected.len()
    );
    assert!(passed >= 100, "only {passed} corpus files pass the checker");
    assert!(
        rejected.is_empty(),
        "{} file(s) the checker passes are rejected by the schema:\n{}",
        rejected.len(),
        rejected.join("\n")
    );
}

/// OpenClaw rules the schema alone expresses: unknown key, missing field, wrong type, value
/// outside an enum or range, flat `env` key.
const SCHEMA_EXPRESSIBLE_OC: &[&str] = &["OC020", "OC021", "OC022", "OC023", "OC024"];

#[test]
fn openclaw_fixtures_agree_with_the_schema() {
    let validator = validator(Target::Openclaw);
    for code in SCHEMA_EXPRESSIBLE_OC {
        let file = fixture(code).join("fail.json5");
        let tree = openclaw_as_written(&file).unwrap_or_else(|| panic!("{code}: unreadable"));
        let findings = openclaw_findings(&file);
        let found: Vec<&Diagnostic> = findings
            .iter()
            .filter(|d| d.code.as_str() == *code)
            .collect();
        assert!(!found.is_empty(), "{code}: the checker does not raise it");
        for d in found {
            assert!(
                rejected_at(&validator, &tree, d),
                "{code}: the schema does not reject {} at {} ({:?})",
                file.display(),
                d.pointer,
                rejections(&validator, &tree)
            );
        }
    }
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(repo().join("fixtures"))
        .expect("fixtures/")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("OC"))
        })
        .collect();
    dirs.sort();
    for dir in dirs {
        let file = dir.join("pass.json5");
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        if !openclaw_passes(&openclaw_findings(&file), &text) {
            continue;
        }
        let Some(tree) = openclaw_as_written(&file) else {
            continue;
        };
        let errors = rejections(&validator, &tree);
        assert!(errors.is_empty(), "{}: {errors:?}", file.display());
    }
}

#[test]
fn out_dir_writes_both_committed_schemas() {
    let dir = std::env::temp_dir().join(format!("litellm-check-schemas-{}", std::process::id()));
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_litellm-check"))
        .args(["schema", "--out-dir"])
        .arg(&dir)
        .status()
        .expect("run litellm-check");
    let written: Vec<Option<String>> = Target::ALL
        .iter()
        .map(|t| std::fs::read_to_string(dir.join(t.file_name())).ok())
        .collect();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(status.success(), "schema --out-dir failed: {status}");
    for (target, text) in Target::ALL.iter().zip(written) {
        assert_eq!(text, Some(target.text()), "{target:?} written differently");
    }
}

/// Every property of the OpenClaw schema says what it is (hover and completion in editors show
/// it; the language server's hover too).
#[test]
fn every_openclaw_property_has_a_description() {
    fn walk(node: &Value, path: &str, missing: &mut Vec<String>) {
        match node {
            Value::Object(map) => {
                if let Some(Value::Object(properties)) = map.get("properties") {
                    for (key, property) in properties {
                        if property.get("description").is_none() {
                            missing.push(format!("{path}/{key}"));
                        }
                    }
                }
                for (key, value) in map {
                    walk(value, &format!("{path}/{key}"), missing);
                }
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, path, missing)),
            _ => {}
        }
    }
    let mut missing = Vec::new();
    walk(&Target::Openclaw.schema(), "", &mut missing);
    assert!(
        missing.is_empty(),
        "properties without a description (add a doc comment in src/openclaw/model.rs): {missing:#?}"
    );
}
