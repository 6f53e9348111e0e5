//! `litellm-check compile`: golden outputs, determinism, the round trip through `check`, every
//! corpus file the checker passes compiles, and a user's file is never overwritten.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test aborts on what it did not expect

mod shared_corpus;

use std::path::{Path, PathBuf};
use std::process::Command;

use litellm_check::compile::{compile, CompileOptions, Compiled};
use litellm_check::diagnostic::Severity;
use litellm_check::env::Environment;
use litellm_check::litellm::{check_file, CheckOptions, CheckOutcome};
use litellm_check::syntax::{json5, yaml, FileId, Limits, SourceMap};

/// Checks `path`; `None` when the checker finds errors (compile refuses those).
fn check_clean(path: &Path) -> Option<(SourceMap, CheckOutcome)> {
    let options = CheckOptions {
        env: Environment::empty(),
        ..CheckOptions::default()
    };
    let mut sources = SourceMap::new();
    let outcome = check_file(path, &options, &mut sources).expect("readable");
    (!outcome.has_errors()).then_some((sources, outcome))
}

fn compile_checked(path: &Path, sources: &SourceMap, outcome: &CheckOutcome) -> Compiled {
    let root = outcome.root.as_ref().expect("a checked config has a tree");
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    compile(
        name,
        root,
        &outcome.resolved,
        sources,
        &[],
        &CompileOptions::default(),
    )
    .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn compile_file(path: &Path) -> Option<Compiled> {
    let (sources, outcome) = check_clean(path)?;
    Some(compile_checked(path, &sources, &outcome))
}

/// The compiled YAML reads back (as PyYAML would) and checks with no errors; the fragment is JSON5.
fn assert_round_trip(label: &str, compiled: &Compiled) {
    let dir = tempdir(label);
    let config = dir.join("litellm_config.yaml");
    std::fs::write(&config, &compiled.litellm_config).expect("write");
    let options = CheckOptions {
        env: Environment::empty(),
        ..CheckOptions::default()
    };
    let mut sources = SourceMap::new();
    let outcome = check_file(&config, &options, &mut sources).expect("readable");
    let errors: Vec<_> = outcome
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| format!("{} {}", d.code, d.message))
        .collect();
    assert!(
        errors.is_empty(),
        "{label}: compiled config has errors {errors:?}\n{}",
        compiled.litellm_config
    );
    let fragment = json5::read(&compiled.openclaw_fragment, FileId(0), &Limits::default())
        .expect("fragment is JSON5");
    assert!(fragment.root.is_some());
    assert!(yaml::read(&compiled.litellm_config, FileId(0), &Limits::default()).is_ok());
    let _ = std::fs::remove_dir_all(dir);
}

fn tempdir(label: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "litellm-check-compile-{}-{label}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[test]
fn example_config_compiles_to_the_golden_outputs() {
    let compiled =
        compile_file(Path::new("examples/litellm_config.yaml")).expect("the example is clean");
    insta::assert_snapshot!("example_litellm_config", compiled.litellm_config);
    insta::assert_snapshot!("example_openclaw_fragment", compiled.openclaw_fragment);
    insta::assert_snapshot!("example_env", compiled.env_example);
    assert_round_trip("example", &compiled);
}

#[test]
fn normalization_drops_and_moves_keys_with_notes() {
    let dir = tempdir("normalize");
    let path = dir.join("in.yaml");
    std::fs::write(
        &path,
        "litellm_settings:\n  master_key: os.environ/KEY\n  drop_params: true\nrouter_setings:\n  num_retries: 3\nmodel_list:\n  - litellm_params:\n      api_key: os.environ/K\n      model: openai/gpt-4o\n    model_name: gpt\n",
    )
    .expect("write");
    let compiled = compile_file(&path).expect("only warnings");
    insta::assert_snapshot!(
        "normalized",
        format!(
            "{}\n--- notes\n{}",
            compiled.litellm_config,
            compiled.notes.join("\n")
        )
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// A key LiteLLM ignores where it is written is moved to where LiteLLM reads it only if it is
/// valid there: a top-level `cache:` with `${REDIS_HOST}` would turn into a redis host named
/// `${REDIS_HOST}`, so it is dropped (LiteLLM ignored it, the output ignores it too).
#[test]
fn a_move_that_would_bring_errors_is_a_drop() {
    let dir = tempdir("invalid-move");
    let path = dir.join("in.yaml");
    std::fs::write(
        &path,
        "model_list:\n  - model_name: gpt\n    litellm_params:\n      model: openai/gpt-4o\n      api_key: os.environ/K\ncache:\n  type: redis\n  host: ${REDIS_HOST}\nnum_retries: 3\n",
    )
    .expect("write");
    let compiled = compile_file(&path).expect("only warnings");
    assert!(
        !compiled.litellm_config.contains("REDIS_HOST")
            && !compiled.litellm_config.contains("cache"),
        "{}",
        compiled.litellm_config
    );
    assert!(
        compiled.notes.iter().any(|n| n.starts_with(
            "dropped `cache`: LiteLLM ignores it there, and moved to `litellm_settings.cache` it would be invalid (LL053"
        )),
        "{:?}",
        compiled.notes
    );
    assert!(
        compiled
            .notes
            .iter()
            .any(|n| n == "moved `num_retries` to `litellm_settings`, where LiteLLM reads it"),
        "{:?}",
        compiled.notes
    );
    assert_round_trip("invalid-move", &compiled);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn output_is_deterministic() {
    let a = compile_file(Path::new("examples/litellm_config.yaml")).expect("clean");
    let b = compile_file(Path::new("examples/litellm_config.yaml")).expect("clean");
    assert_eq!(a.litellm_config, b.litellm_config);
    assert_eq!(a.openclaw_fragment, b.openclaw_fragment);
    assert_eq!(a.env_example, b.env_example);
}

#[test]
fn every_corpus_file_the_checker_passes_compiles_and_round_trips() {
    let Some(root) = shared_corpus::corpus_root() else {
        return;
    };
    let mut compiled_count = 0;
    for dir in ["litellm", "litellm-docs"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
            .expect("dir")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        files.sort();
        for file in files {
            let Some(compiled) = compile_file_lenient(&file) else {
                continue;
            };
            let label = file
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("x")
                .replace('.', "_");
            assert_round_trip(&label, &compiled);
            compiled_count += 1;
        }
    }
    assert!(
        compiled_count > 300,
        "only {compiled_count} corpus files compiled"
    );
}

/// Like `compile_file`, but a config serving no fixed-name group is skipped (nothing to generate
/// for OpenClaw), not a failure.
fn compile_file_lenient(path: &Path) -> Option<Compiled> {
    let (sources, outcome) = check_clean(path)?;
    outcome.resolved.groups.exact_names().next()?;
    Some(compile_checked(path, &sources, &outcome))
}

fn run_cli(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_litellm-check"))
        .args(args)
        .env_clear()
        .output()
        .expect("run")
}

#[test]
fn a_file_the_user_wrote_is_never_overwritten() {
    let dir = tempdir("refuse");
    let user_file = dir.join("litellm_config.yaml");
    std::fs::write(&user_file, "# mine\nmodel_list: []\n").expect("write");
    let out = run_cli(&[
        "compile",
        "--config",
        "examples/litellm_config.yaml",
        "--out-dir",
        dir.to_str().expect("utf8"),
    ]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(&user_file).expect("still there"),
        "# mine\nmodel_list: []\n"
    );
    assert!(
        !dir.join(".env.example").exists(),
        "nothing is written when one target is refused"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn errors_stop_compile_before_anything_is_written() {
    let dir = tempdir("errors");
    let out_dir = dir.join("out");
    let out = run_cli(&[
        "compile",
        "--config",
        "fixtures/LL041-unknown-model-group/fail.yaml",
        "--out-dir",
        out_dir.to_str().expect("utf8"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("LL041"));
    assert!(!out_dir.exists(), "no output directory on errors");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn compiling_again_over_its_own_output_works() {
    let dir = tempdir("again");
    for _ in 0..2 {
        let out = run_cli(&[
            "compile",
            "--config",
            "examples/litellm_config.yaml",
            "--out-dir",
            dir.to_str().expect("utf8"),
        ]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn corpus_configs_compile_to_their_golden_outputs() {
    let Some(root) = shared_corpus::corpus_root() else {
        return;
    };
    for file in [
        "litellm/Hellblazer__qwen-coprocessor-stack__config-litellm_config.yaml",
        "litellm/Fast-Editor__Lynkr__benchmark-configs-litellm_config.yaml",
        "litellm-docs/proxy-load_balancing.md__1.yaml",
    ] {
        let compiled =
            compile_file(&root.join(file)).unwrap_or_else(|| panic!("{file} has errors"));
        let name = file.replace(['/', '.'], "_");
        insta::assert_snapshot!(
            format!("corpus_{name}"),
            format!(
                "{}\n--- openclaw.litellm.json5\n{}\n--- .env.example\n{}\n--- notes\n{}",
                compiled.litellm_config,
                compiled.openclaw_fragment,
                compiled
                    .env_example
                    .replace(root.to_string_lossy().as_ref(), "<corpus>"),
                compiled.notes.join("\n")
            )
        );
    }
}
