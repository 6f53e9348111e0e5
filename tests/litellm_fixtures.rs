//! One folder per LiteLLM rule under fixtures/: `fail.yaml` must raise the folder's code,
//! `pass.yaml` must come out clean. The human output of every `fail.yaml` is snapshot-tested.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test aborts on what it did not expect

use std::path::{Path, PathBuf};

use litellm_check::diagnostic::format::{render, Format};
use litellm_check::diagnostic::{Code, Diagnostic};
use litellm_check::env::Environment;
use litellm_check::litellm::{check_file, CheckOptions};
use litellm_check::syntax::SourceMap;

fn test_env() -> Environment {
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

/// `for_proxy`: check as `--for litellm-proxy` does (the only way LL066 is reported).
fn run(path: &Path, for_proxy: bool) -> (SourceMap, Vec<Diagnostic>) {
    let options = CheckOptions {
        env: test_env(),
        for_proxy,
        ..CheckOptions::default()
    };
    let mut sources = SourceMap::new();
    let outcome = check_file(path, &options, &mut sources).unwrap_or_else(|e| panic!("{e}"));
    (sources, outcome.diagnostics)
}

fn fixture_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("fixtures")
        .expect("fixtures/ exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("LL"))
        })
        .collect();
    dirs.sort();
    dirs
}

fn code_of(dir: &Path) -> Code {
    let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let code = name.split('-').next().unwrap_or_default();
    Code::from_code(code).unwrap_or_else(|| panic!("{name}: no rule code {code}"))
}

#[test]
fn every_litellm_rule_has_a_fixture_pair() {
    let dirs = fixture_dirs();
    for code in Code::ALL.iter().filter(|c| c.as_str().starts_with("LL")) {
        let expected = format!("{}-{}", code.as_str(), code.name());
        assert!(
            dirs.iter()
                .any(|d| d.file_name().and_then(|n| n.to_str()) == Some(expected.as_str())),
            "missing fixtures/{expected}/"
        );
    }
}

#[test]
fn failing_fixtures_raise_their_code() {
    for dir in fixture_dirs() {
        let code = code_of(&dir);
        let (sources, diagnostics) = run(&dir.join("fail.yaml"), code == Code::ProxyCannotRoute);
        assert!(
            diagnostics.iter().any(|d| d.code == code),
            "{}: expected {code}, got {:?}",
            dir.display(),
            diagnostics
                .iter()
                .map(|d| (d.code.as_str(), &d.message))
                .collect::<Vec<_>>()
        );
        let name = dir
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        insta::assert_snapshot!(name, render(Format::Human, &sources, &diagnostics, false));
    }
}

#[test]
fn passing_fixtures_are_clean() {
    for dir in fixture_dirs() {
        // Clean for litellm-proxy too, which reports a superset.
        let (_, diagnostics) = run(&dir.join("pass.yaml"), true);
        assert!(
            diagnostics.is_empty(),
            "{}: expected no findings, got {:?}",
            dir.display(),
            diagnostics
                .iter()
                .map(|d| (d.code.as_str(), &d.message))
                .collect::<Vec<_>>()
        );
    }
}
