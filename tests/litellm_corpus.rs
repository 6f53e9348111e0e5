//! Every LiteLLM file of the shared corpus goes through the checker (no panic, no hang), and our
//! verdict is compared with what the real LiteLLM router did with the same file
//! (`validator-results/litellm-1.106.2-router-init.json`). A disagreement must be listed, with a
//! reason, in `tests/litellm_corpus_allow.txt`; the figures are in docs/corpus-agreement.md.
//!
//! The same against LiteLLM 1.80.0, file by file and deployment by deployment
//! (`tests/data/litellm-1.80-router-init.json`, recorded by `scripts/litellm_router_init.py`),
//! with the checker targeting 1.80 (`--litellm-version 1.80`); disagreements are listed in
//! `tests/litellm_corpus_allow_1.80.txt` (`file` or `file#deployment`, a tab, the reason).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test aborts on what it did not expect

mod shared_corpus;

use shared_corpus::corpus_root;
use std::collections::BTreeMap;
use std::path::Path;

use litellm_check::diagnostic::{Code, Severity};
use litellm_check::env::Environment;
use litellm_check::litellm::{check_file, CheckOptions};
use litellm_check::syntax::SourceMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Ok,
    Invalid,
}

/// The real router's verdict: `None` where it did not judge the file (skipped, or failed for a
/// reason outside the config such as no event loop or no network).
fn real_verdict(result: &serde_json::Value) -> Option<Verdict> {
    let text = result.as_str()?;
    match text {
        "ok" => Some(Verdict::Ok),
        "skip" => None,
        t if t.contains("no running event loop") || t.contains("Failed to request device code") => {
            None
        }
        _ => Some(Verdict::Invalid),
    }
}

fn allow_list() -> BTreeMap<String, String> {
    allow_list_in("tests/litellm_corpus_allow.txt")
}

fn allow_list_in(name: &str) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(name))
        .unwrap_or_default();
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            l.split_once('\t')
                .map(|(f, r)| (f.to_string(), r.to_string()))
        })
        .collect()
}

#[test]
fn corpus_verdicts_agree_with_litellm() {
    let Some(root) = corpus_root() else { return };
    let results: serde_json::Map<String, serde_json::Value> = serde_json::from_str(
        &std::fs::read_to_string(root.join("validator-results/litellm-1.106.2-router-init.json"))
            .expect("router-init verdicts"),
    )
    .expect("verdicts are a JSON object");
    let allowed = allow_list();
    let mut files: Vec<String> = Vec::new();
    for dir in ["litellm", "litellm-docs"] {
        for entry in std::fs::read_dir(root.join(dir)).expect("corpus dir") {
            let name = entry
                .expect("dir entry")
                .file_name()
                .to_string_lossy()
                .into_owned();
            files.push(format!("{dir}/{name}"));
        }
    }
    files.sort();
    assert!(
        files.len() >= 600,
        "corpus looks incomplete: {} files",
        files.len()
    );
    let (mut agree, mut compared) = (0, 0);
    let mut unexpected = Vec::new();
    let mut stale = Vec::new();
    for file in &files {
        // 1.106.2 is judged as the nearest supported version, 1.109: its price table, like
        // 1.109's, no longer resolves bare ids such as `o1-preview` or `claude-3-haiku-20240307`
        // that 1.80's still does.
        let options = CheckOptions {
            env: Environment::empty(),
            versions: litellm_check::litellm_version::Versions::only(
                litellm_check::litellm_version::LiteLlmVersion::V1_109,
            ),
            ..CheckOptions::default()
        };
        let mut sources = SourceMap::new();
        let outcome =
            check_file(&root.join(file), &options, &mut sources).expect("corpus file readable");
        let errors: Vec<_> = outcome
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        let ours = if errors.is_empty() {
            Verdict::Ok
        } else {
            Verdict::Invalid
        };
        let Some(real) = results.get(file).and_then(real_verdict) else {
            continue;
        };
        compared += 1;
        if ours == real {
            agree += 1;
            if allowed.contains_key(file) {
                stale.push(file.clone());
            }
            continue;
        }
        if !allowed.contains_key(file) {
            let codes: Vec<String> = errors
                .iter()
                .map(|d| format!("{} {}", d.code, d.message))
                .collect();
            unexpected.push(format!(
                "{file}: real {real:?}, ours {ours:?} {codes:?} (real: {})",
                results[file]
            ));
        }
    }
    eprintln!(
        "litellm corpus: {} files checked, {compared} judged by the real router, {agree} agree",
        files.len()
    );
    assert!(
        unexpected.is_empty(),
        "{} unexplained disagreements:\n{}",
        unexpected.len(),
        unexpected.join("\n")
    );
    assert!(
        stale.is_empty(),
        "allow-list entries that now agree (remove them): {stale:?}"
    );
    let _ = Code::YamlSyntax;
}

/// Whether a finding says that deployment `index` is dropped: an error about its shape, its
/// provider or a pydantic-validated field under that `model_list` entry, or its environment
/// (LL033, a warning because the variable is the deployment's, and unset here).
fn drops(diagnostic: &litellm_check::diagnostic::Diagnostic, index: usize) -> bool {
    let under = format!("/model_list/{index}");
    let code = diagnostic.code.as_str();
    let claims_drop = code == "LL033"
        || (diagnostic.severity == Severity::Error
            && ["LL022", "LL023", "LL030", "LL031"].contains(&code));
    claims_drop
        && (diagnostic.pointer == under || diagnostic.pointer.starts_with(&format!("{under}/")))
}

#[test]
fn corpus_verdicts_agree_with_litellm_1_80() {
    let Some(root) = corpus_root() else { return };
    let recorded: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/litellm-1.80-router-init.json"),
        )
        .expect("1.80 router-init results"),
    )
    .expect("results are JSON");
    assert!(recorded["litellm"]
        .as_str()
        .is_some_and(|v| v.starts_with("1.80.")));
    let files = recorded["files"].as_object().expect("files");
    assert!(files.len() >= 600, "{} files", files.len());
    let allowed = allow_list_in("tests/litellm_corpus_allow_1.80.txt");
    let mut used = std::collections::BTreeSet::new();
    let (mut compared, mut agree) = (0, 0);
    let (mut deployments, mut deployments_agree) = (0, 0);
    let mut unexpected = Vec::new();
    for (file, result) in files {
        let options = CheckOptions {
            env: Environment::empty(),
            versions: litellm_check::litellm_version::Versions::only(
                litellm_check::litellm_version::LiteLlmVersion::V1_80,
            ),
            ..CheckOptions::default()
        };
        let mut sources = SourceMap::new();
        let outcome =
            check_file(&root.join(file), &options, &mut sources).expect("corpus file readable");
        let errors: Vec<_> = outcome
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        let ours = if errors.is_empty() {
            Verdict::Ok
        } else {
            Verdict::Invalid
        };
        if let Some(real) = real_verdict(&result["verdict"]) {
            compared += 1;
            if ours == real {
                agree += 1;
            } else if allowed.contains_key(file) {
                used.insert(file.clone());
            } else {
                let codes: Vec<String> = errors
                    .iter()
                    .map(|d| format!("{} {}", d.code, d.message))
                    .collect();
                unexpected.push(format!(
                    "{file}: real {real:?}, ours {ours:?} {codes:?} (real: {})",
                    result["verdict"]
                ));
            }
        }
        let Some(kept) = result["deployments"].as_array() else {
            continue;
        };
        for (index, kept) in kept.iter().enumerate() {
            let real_kept = kept.as_bool().unwrap_or(false);
            let our_kept = !outcome.diagnostics.iter().any(|d| drops(d, index));
            deployments += 1;
            let key = format!("{file}#{index}");
            if real_kept == our_kept {
                deployments_agree += 1;
            } else if allowed.contains_key(&key) {
                used.insert(key);
            } else {
                unexpected.push(format!(
                    "{key}: real {}, ours {}",
                    if real_kept { "kept" } else { "dropped" },
                    if our_kept { "kept" } else { "dropped" }
                ));
            }
        }
    }
    eprintln!(
        "litellm 1.80: {compared} files judged, {agree} agree; {deployments} deployments, {deployments_agree} agree"
    );
    assert!(
        unexpected.is_empty(),
        "{} unexplained disagreements with LiteLLM 1.80:\n{}",
        unexpected.len(),
        unexpected.join("\n")
    );
    let stale: Vec<_> = allowed.keys().filter(|k| !used.contains(*k)).collect();
    assert!(
        stale.is_empty(),
        "allow-list entries that now agree (remove them): {stale:?}"
    );
}
