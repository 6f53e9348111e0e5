//! Data-driven CLI tests: every `tests/cases/*.toml` runs the built `litellm-check` binary once.
//!
//! A case file holds:
//!
//! ```toml
//! args = ["check", "--config", "fixtures/LL020/fail.yaml", "--format", "json"]
//! env = { GITHUB_ACTIONS = "true" }   # optional; the binary otherwise gets only PATH
//! status = 1                           # the exit code
//! stdout = "..."                       # optional: the whole of stdout
//! stdout_contains = ["..."]            # optional: pieces stdout must contain
//! stderr_contains = ["..."]            # optional: pieces stderr must contain
//! stdout_not_contains = ["..."]        # optional: pieces stdout must not contain
//!
//! [files]                              # optional: run in a fresh directory holding these files
//! "litellm_config.yaml" = "model_list: ...\r\n"
//! [expect_files]                       # optional: the whole content of files after the run
//! "litellm_config.yaml" = "..."        # (byte for byte: `check --fix` cases)
//! ```
//!
//! With `files`, the binary runs in a new temporary directory holding them (subdirectories are
//! created; a value starting with `symlink:` makes a symlink to the rest), not in the repository.
//!
//! The binary runs in the repository root with a cleared environment (plus `PATH` and the case's
//! `env`), so results do not depend on the developer's shell or on CI's `GITHUB_ACTIONS`.
//! Every failing case is reported, not only the first.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test aborts on what it did not expect

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    args: Vec<String>,
    #[serde(default)]
    env: BTreeMap<String, String>,
    status: i32,
    stdout: Option<String>,
    #[serde(default)]
    stdout_contains: Vec<String>,
    #[serde(default)]
    stdout_not_contains: Vec<String>,
    #[serde(default)]
    stderr_contains: Vec<String>,
    #[serde(default)]
    files: BTreeMap<String, String>,
    #[serde(default)]
    expect_files: BTreeMap<String, String>,
}

/// A fresh directory holding the case's `files`.
fn scratch_dir(case_path: &Path, files: &BTreeMap<String, String>) -> Result<PathBuf, String> {
    let name = case_path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let dir =
        std::env::temp_dir().join(format!("litellm-check-case-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (file, content) in files {
        let path = dir.join(file);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {file}: {e}"))?;
        }
        match content.strip_prefix("symlink:") {
            #[cfg(unix)]
            Some(target) => std::os::unix::fs::symlink(target, &path),
            #[cfg(not(unix))]
            Some(_) => return Err("symlinks need unix".into()),
            None => std::fs::write(&path, content),
        }
        .map_err(|e| format!("cannot write {file}: {e}"))?;
    }
    Ok(dir)
}

fn case_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    files.sort();
    files
}

/// Runs one case; `Err` lists everything that did not match.
fn run_case(path: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read: {e}"))?;
    let case: Case = toml::from_str(&text).map_err(|e| format!("bad case file: {e}"))?;

    let scratch = if case.files.is_empty() {
        None
    } else {
        Some(scratch_dir(path, &case.files)?)
    };
    let mut command = Command::new(env!("CARGO_BIN_EXE_litellm-check"));
    command
        .args(&case.args)
        .current_dir(
            scratch
                .clone()
                .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR"))),
        )
        .env_clear();
    if let Some(path) = std::env::var_os("PATH") {
        command.env("PATH", path);
    }
    command.envs(&case.env);
    let output = command
        .output()
        .map_err(|e| format!("cannot run the binary: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);

    let mut problems = Vec::new();
    match output.status.code() {
        Some(code) if code == case.status => {}
        other => problems.push(format!("exit status {other:?}, expected {}", case.status)),
    }
    if let Some(expected) = &case.stdout {
        if stdout != expected.as_str() {
            problems.push(format!("stdout differs; expected:\n{expected}"));
        }
    }
    for piece in &case.stdout_contains {
        if !stdout.contains(piece.as_str()) {
            problems.push(format!("stdout lacks {piece:?}"));
        }
    }
    for piece in &case.stdout_not_contains {
        if stdout.contains(piece.as_str()) {
            problems.push(format!("stdout contains {piece:?}"));
        }
    }
    for piece in &case.stderr_contains {
        if !stderr.contains(piece.as_str()) {
            problems.push(format!("stderr lacks {piece:?}"));
        }
    }
    for (file, expected) in &case.expect_files {
        let Some(dir) = &scratch else {
            problems.push("expect_files needs files".into());
            break;
        };
        match std::fs::read(dir.join(file)) {
            Ok(bytes) if bytes == expected.as_bytes() => {}
            Ok(bytes) => problems.push(format!(
                "{file} differs; expected:\n{expected:?}\nfound:\n{:?}",
                String::from_utf8_lossy(&bytes)
            )),
            Err(e) => problems.push(format!("cannot read {file}: {e}")),
        }
    }
    if let Some(dir) = &scratch {
        let _ = std::fs::remove_dir_all(dir);
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "args {:?}\n  {}\n--- stdout ---\n{stdout}--- stderr ---\n{stderr}",
            case.args,
            problems.join("\n  ")
        ))
    }
}

#[test]
fn cli_cases() {
    let files = case_files();
    assert!(
        files.len() >= 3,
        "expected the CLI cases under tests/cases, found {}",
        files.len()
    );
    let failures: Vec<String> = files
        .iter()
        .filter_map(|path| {
            run_case(path)
                .err()
                .map(|why| format!("{}: {why}", path.display()))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} CLI cases failed:\n\n{}",
        failures.len(),
        files.len(),
        failures.join("\n\n")
    );
}

/// The harness itself must notice a wrong expectation.
#[test]
fn a_wrong_expectation_fails() {
    let dir = std::env::temp_dir().join(format!("litellm-check-cli-cases-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let case = dir.join("wrong.toml");
    std::fs::write(
        &case,
        "args = [\"--help\"]\nstatus = 3\nstdout_contains = [\"no such text\"]\n",
    )
    .expect("write case");
    let result = run_case(&case);
    let _ = std::fs::remove_dir_all(&dir);
    let why = result.expect_err("a wrong status and text must fail");
    assert!(why.contains("exit status Some(0), expected 3"), "{why}");
    assert!(why.contains("stdout lacks \"no such text\""), "{why}");

    // A file that does not end up as expected fails too.
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(
        &case,
        "args = [\"--version\"]\nstatus = 0\n[files]\n\"a.yaml\" = \"a: 1\\r\\n\"\n[expect_files]\n\"a.yaml\" = \"a: 1\\n\"\n",
    )
    .expect("write case");
    let result = run_case(&case);
    let _ = std::fs::remove_dir_all(&dir);
    let why = result.expect_err("a file that differs must fail");
    assert!(why.contains("a.yaml differs"), "{why}");

    let bad_key = toml::from_str::<Case>("args = []\nstatus = 0\nstdot = \"x\"\n");
    assert!(bad_key.is_err(), "a misspelt key must be rejected");
}
