//! Every fixture under `fixtures/`, checked in-process the way `litellm-check check` does it and
//! rendered in every format: the formats agree on the findings, a `fail` file reports its own
//! rule, and the SARIF validates against the official 2.1.0 schema.
//!
//! (Exit codes and the binary's behaviour are covered by `tests/cases/*.toml`; running the binary
//! four times per fixture here would cost about a minute on a 2-core machine.)
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test aborts on what it did not expect

use clap::Parser;
use litellm_check::cli::{check, Cli, Command};
use litellm_check::diagnostic::{render, Format, Severity};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The command line for one fixture's `fail`/`pass` file: `--config` for LiteLLM files,
/// `--openclaw` for OpenClaw files (with the fixture's `litellm_config.yaml` when it has one).
fn fixture_args(dir: &Path, stem: &str) -> Option<Vec<String>> {
    let rel = |name: &str| {
        let path = dir.join(name);
        let rel = path.strip_prefix(env!("CARGO_MANIFEST_DIR")).ok()?;
        Some(rel.to_string_lossy().replace('\\', "/"))
    };
    let mut args = vec!["litellm-check".to_string(), "check".to_string()];
    if dir.join(format!("{stem}.yaml")).is_file() {
        args.extend(["--config".to_string(), rel(&format!("{stem}.yaml"))?]);
        // LL066 concerns the reference proxy only: its fixture is checked for it.
        if dir
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("LL066"))
        {
            args.extend(["--for".to_string(), "litellm-proxy".to_string()]);
        }
    } else if dir.join(format!("{stem}.json5")).is_file() {
        if dir.join("litellm_config.yaml").is_file() {
            args.extend(["--config".to_string(), rel("litellm_config.yaml")?]);
        }
        args.extend(["--openclaw".to_string(), rel(&format!("{stem}.json5"))?]);
    } else {
        return None;
    }
    Some(args)
}

#[test]
fn every_fixture_agrees_across_formats() {
    // Fixture paths are relative to the repository root, as in the CLI cases.
    std::env::set_current_dir(env!("CARGO_MANIFEST_DIR")).expect("cd to the repository");
    let schema: Value =
        serde_json::from_str(include_str!("data/sarif-schema-2.1.0.json")).expect("schema");
    let validator = jsonschema::draft4::new(&schema).expect("schema compiles");
    let mut dirs: Vec<PathBuf> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"))
            .expect("fixtures/")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.is_dir())
            .collect();
    dirs.sort();

    let mut problems = Vec::new();
    let mut checked = 0;
    for dir in &dirs {
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let code = name.split('-').next().unwrap_or_default().to_string();
        for stem in ["fail", "pass"] {
            let Some(args) = fixture_args(dir, stem) else {
                continue;
            };
            let mut problem = |what: String| problems.push(format!("{name}/{stem}: {what}"));
            let cli = Cli::try_parse_from(&args).expect("fixture command line parses");
            // Irrefutable while `check` is the only command; kept as a let-else for the next one.
            #[allow(irrefutable_let_patterns)]
            let Command::Check(check_args) = cli.command
            else {
                panic!("not a check command: {args:?}");
            };
            let report = match check::collect(&check_args) {
                Ok(report) => report,
                Err(e) => {
                    problem(format!("cannot be checked: {e}"));
                    continue;
                }
            };
            checked += 1;
            let out = |format| render(format, &report.sources, &report.diagnostics, false);

            let Ok(json) = serde_json::from_str::<Value>(&out(Format::Json)) else {
                problem("json output is not JSON".into());
                continue;
            };
            let Ok(sarif) = serde_json::from_str::<Value>(&out(Format::Sarif)) else {
                problem("sarif output is not JSON".into());
                continue;
            };
            for error in validator.iter_errors(&sarif) {
                problem(format!(
                    "SARIF schema: {error} at {}",
                    error.instance_path()
                ));
            }
            let expected: Vec<&str> = report.diagnostics.iter().map(|d| d.code.as_str()).collect();
            let json_codes: Vec<&str> = json["diagnostics"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|d| d["code"].as_str())
                .collect();
            let sarif_codes: Vec<&str> = sarif["runs"][0]["results"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|r| r["ruleId"].as_str())
                .collect();
            let github = out(Format::Github);
            let github_codes: Vec<&str> = github
                .lines()
                .filter_map(|l| l.split(",title=").nth(1)?.split("::").next())
                .collect();
            if json_codes != expected || sarif_codes != expected || github_codes != expected {
                problem(format!(
                    "findings differ: {expected:?}; json {json_codes:?}; sarif {sarif_codes:?}; github {github_codes:?}"
                ));
            }
            if stem == "fail" && !expected.contains(&code.as_str()) {
                problem(format!("{code} not among {expected:?}"));
            }
            let errors = report
                .diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .count();
            if json["summary"]["errors"] != errors {
                problem(format!(
                    "json summary {} for {errors} errors",
                    json["summary"]
                ));
            }
            let human = out(Format::Human);
            let headers = human
                .lines()
                .filter(|l| {
                    l.starts_with("error[") || l.starts_with("warning[") || l.starts_with("info[")
                })
                .count();
            let last = human.lines().last().unwrap_or_default();
            let summary_ok = match expected.len() {
                0 => last == "No problems found.",
                _ => last.starts_with("Found "),
            };
            if headers != expected.len() || !summary_ok {
                problem(format!(
                    "human output has {headers} findings, ends {last:?}"
                ));
            }
        }
    }
    assert!(checked >= 40, "only {checked} fixture files checked");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
