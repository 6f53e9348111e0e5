//! The CI integrations run what they say: every pre-commit hook's entry, given several files the
//! way pre-commit passes them (with user `args` before the files), checks each of them; its
//! `files` pattern selects the right names; the GitHub Action's check step, run by bash with its
//! inputs, turns them into `litellm-check check --format github` arguments.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test aborts on what it did not expect

use std::path::Path;
use std::process::{Command, Output};

use litellm_check::syntax::{yaml, Limits, Node, SourceFile, SourceMap};
use serde_json::json;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read_yaml(name: &str) -> Node {
    let text = std::fs::read_to_string(repo().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut sources = SourceMap::new();
    let file = sources.add(SourceFile::new(Path::new(name), text.clone()));
    let doc = yaml::read(&text, file, &Limits::default())
        .unwrap_or_else(|e| panic!("{name}: {}", e.message));
    doc.root.unwrap_or_else(|| panic!("{name} is empty"))
}

fn hook(id: &str) -> Node {
    let hooks = read_yaml(".pre-commit-hooks.yaml");
    hooks
        .as_seq()
        .expect("a list of hooks")
        .iter()
        .find(|h| h.get("id").and_then(Node::as_str) == Some(id))
        .cloned()
        .unwrap_or_else(|| panic!("no hook {id}"))
}

fn field<'n>(node: &'n Node, key: &str) -> &'n str {
    node.get(key)
        .and_then(Node::as_str)
        .unwrap_or_else(|| panic!("no {key}"))
}

/// Runs a hook the way pre-commit does: entry, then the user's args, then the file names.
fn run_hook(id: &str, args: &[&str], files: &[&str]) -> Output {
    let hook = hook(id);
    assert_eq!(field(&hook, "language"), "rust");
    let entry: Vec<&str> = field(&hook, "entry").split_whitespace().collect();
    assert_eq!(
        entry[0], "litellm-check",
        "the hook runs the installed binary"
    );
    Command::new(env!("CARGO_BIN_EXE_litellm-check"))
        .args(&entry[1..])
        .args(args)
        .args(files)
        .current_dir(repo())
        .env_clear()
        .env("LITELLM_MASTER_KEY", "sk-hook-test")
        .env("OPENAI_API_KEY", "sk-hook-test")
        .env("ANTHROPIC_API_KEY", "sk-hook-test")
        .output()
        .expect("run litellm-check")
}

fn selects(id: &str, path: &str) -> bool {
    let hook = hook(id);
    // pre-commit applies `files` with Python's re.search; JSON Schema's `pattern` is also an
    // unanchored search, and these patterns use nothing the two dialects spell differently.
    let schema = json!({"type": "string", "pattern": field(&hook, "files")});
    jsonschema::draft7::is_valid(&schema, &json!(path))
}

#[test]
fn hooks_select_their_files() {
    for path in [
        "litellm_config.yaml",
        "deploy/litellm-config.yml",
        "litellm.config.yaml",
        "proxy/litellm_prod_config.yaml",
    ] {
        assert!(selects("litellm-check", path), "{path}");
    }
    for path in ["config.yaml", "litellm_config.json", "litellm/values.yaml"] {
        assert!(!selects("litellm-check", path), "{path}");
    }
    for path in [
        "openclaw.json",
        "home/.openclaw/openclaw.json5",
        "openclaw.prod.json",
    ] {
        assert!(selects("openclaw-check", path), "{path}");
    }
    for path in ["openclaw.yaml", "package.json", "openclaw/README.md"] {
        assert!(!selects("openclaw-check", path), "{path}");
    }
}

#[test]
fn litellm_hook_checks_every_file_passed() {
    let clean = [
        "fixtures/LL020-unknown-key/pass.yaml",
        "fixtures/LL023-invalid-value/pass.yaml",
    ];
    let out = run_hook("litellm-check", &["--strict"], &clean);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    let out = run_hook(
        "litellm-check",
        &["--format", "json"],
        &[clean[0], "fixtures/LL023-invalid-value/fail.yaml"],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("\"code\": \"LL023\""), "{stdout}");
    assert!(
        stdout.contains("fixtures/LL023-invalid-value/fail.yaml"),
        "{stdout}"
    );
}

#[test]
fn openclaw_hook_checks_every_file_passed() {
    let clean = [
        "fixtures/OC020-oc-unknown-key/pass.json5",
        "fixtures/OC023-oc-invalid-value/pass.json5",
    ];
    let out = run_hook("openclaw-check", &[], &clean);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    let out = run_hook(
        "openclaw-check",
        &["--format", "json"],
        &["fixtures/OC020-oc-unknown-key/fail.json5", clean[1]],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("\"code\": \"OC020\""), "{stdout}");
}

#[test]
fn a_file_of_unknown_kind_is_a_usage_error() {
    let out = run_hook("litellm-check", &[], &["README.md"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot tell what README.md is"));
}

/// PATH with the built binary first, as the install step leaves it.
fn path_with(dir: &Path) -> std::ffi::OsString {
    let mut dirs = vec![dir.to_path_buf()];
    dirs.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(dirs).expect("PATH")
}

/// The action's `check` step, run by bash with the binary on PATH and the given inputs.
fn run_action(inputs: &[(&str, &str)]) -> Output {
    let action = read_yaml("action.yml");
    assert_eq!(
        action
            .get("runs")
            .and_then(|r| r.get("using"))
            .and_then(Node::as_str),
        Some("composite")
    );
    let steps = action
        .get("runs")
        .and_then(|r| r.get("steps"))
        .and_then(Node::as_seq)
        .expect("runs.steps");
    let install = steps
        .iter()
        .find(|s| s.get("id").and_then(Node::as_str) == Some("install"))
        .expect("an install step");
    let install_script = field(install, "run");
    assert!(
        install_script.contains("cargo install --locked --bin litellm-check"),
        "the action builds the checker with cargo: {install_script}"
    );
    let step = steps
        .iter()
        .find(|s| s.get("id").and_then(Node::as_str) == Some("check"))
        .expect("a check step");
    assert_eq!(field(step, "shell"), "bash");
    // Every input reaches the script through the step's env.
    let env = step.get("env").and_then(Node::as_map).expect("step env");
    let declared = action.get("inputs").and_then(Node::as_map).expect("inputs");
    for input in declared {
        let name = input.key.scalar_text();
        let var = format!("INPUT_{}", name.replace('-', "_").to_uppercase());
        let value = env
            .iter()
            .find(|e| e.key.scalar_text() == var)
            .and_then(|e| e.value.as_str())
            .unwrap_or_else(|| panic!("input {name} is not passed as {var}"));
        assert_eq!(value, format!("${{{{ inputs.{name} }}}}"));
    }
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_litellm-check"))
        .parent()
        .expect("binary directory");
    let mut command = Command::new("bash");
    command
        .arg("-c")
        .arg(field(step, "run"))
        .current_dir(repo())
        .env_clear()
        .env("PATH", path_with(bin_dir));
    for input in declared {
        let name = input.key.scalar_text();
        let var = format!("INPUT_{}", name.replace('-', "_").to_uppercase());
        let given = inputs.iter().find(|(n, _)| *n == name).map(|(_, v)| *v);
        let default = input
            .value
            .get("default")
            .and_then(Node::as_str)
            .unwrap_or("");
        command.env(var, given.unwrap_or(default));
    }
    command.output().expect("run bash")
}

#[test]
fn action_runs_the_checker_with_github_annotations() {
    let out = run_action(&[
        ("config", "examples/litellm_config.yaml"),
        ("openclaw", "examples/openclaw.json5"),
        ("env-file", "examples/example.env"),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let out = run_action(&[(
        "config",
        "fixtures/LL020-unknown-key/pass.yaml\nfixtures/LL023-invalid-value/fail.yaml\n",
    )]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("::error file=fixtures/LL023-invalid-value/fail.yaml"),
        "{stdout}"
    );

    // A warning fails the step only with strict.
    let warning_only = "fixtures/LL020-unknown-key/fail.yaml";
    let env = "examples/example.env";
    let out = run_action(&[("config", warning_only), ("env-file", env)]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = run_action(&[
        ("config", warning_only),
        ("env-file", env),
        ("strict", "true"),
    ]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn action_writes_sarif_and_keeps_the_verdict() {
    let sarif =
        std::env::temp_dir().join(format!("litellm-check-action-{}.sarif", std::process::id()));
    let sarif_path = sarif.to_string_lossy().into_owned();
    let out = run_action(&[
        ("config", "fixtures/LL023-invalid-value/fail.yaml"),
        ("format", "sarif"),
        ("sarif-file", &sarif_path),
    ]);
    assert_eq!(out.status.code(), Some(1), "errors still fail the step");
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let log: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).expect("the SARIF file"))
            .expect("JSON");
    assert_eq!(log["version"], "2.1.0");
    let results = log["runs"][0]["results"].as_array().expect("results");
    assert!(
        results.iter().any(|r| r["ruleId"] == "LL023"),
        "{results:?}"
    );
    let _ = std::fs::remove_file(&sarif);
    let out = run_action(&[
        ("config", "fixtures/LL023-invalid-value/fail.yaml"),
        ("format", "xml"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stdout)
        .contains("::error title=litellm-check::format must be"));
}

#[test]
fn action_checks_for_a_toolchain_and_caches_the_build() {
    let action = read_yaml("action.yml");
    let steps = action
        .get("runs")
        .and_then(|r| r.get("steps"))
        .and_then(Node::as_seq)
        .expect("runs.steps");
    let toolchain = steps
        .iter()
        .find(|s| s.get("id").and_then(Node::as_str) == Some("toolchain"))
        .expect("a toolchain step");
    // Without cargo on PATH the step fails with an annotation, not "command not found".
    // bash found on the test's PATH; the step then runs with a PATH that has no cargo.
    let bash = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|dir| dir.join("bash"))
        .find(|path| path.is_file())
        .expect("bash on PATH");
    let out = Command::new(bash)
        .arg("-c")
        .arg(field(toolchain, "run"))
        .env_clear()
        .env("PATH", "/nonexistent")
        .output()
        .expect("run bash");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("no Rust toolchain"));
    let cache = steps
        .iter()
        .find(|s| s.get("id").and_then(Node::as_str) == Some("cache"))
        .expect("a cache step");
    let key = cache
        .get("with")
        .and_then(|w| w.get("key"))
        .and_then(Node::as_str)
        .expect("key");
    assert!(
        key.contains("steps.toolchain.outputs.lock") && key.contains("github.action_ref"),
        "{key}"
    );
    let install = steps
        .iter()
        .find(|s| s.get("id").and_then(Node::as_str) == Some("install"))
        .expect("install");
    assert_eq!(
        install.get("if").and_then(Node::as_str),
        Some("steps.cache.outputs.cache-hit != 'true'")
    );
}

#[test]
fn action_require_env_turns_unset_variables_into_errors() {
    let config = "fixtures/LL020-unknown-key/pass.yaml";
    let out = run_action(&[("config", config)]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = run_action(&[("config", config), ("require-env", "true")]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("LL050"), "{stdout}");
}

/// The Python package (`pyproject.toml`, maturin `bindings = "bin"`): the wheel built from this
/// checkout installs `litellm-check` into a fresh virtual environment, and the README's check
/// command runs with it. Outside CI a missing maturin skips with a message; under CI it fails,
/// since `.ci/run` installs it (tests/requirements.txt).
#[test]
fn the_python_wheel_installs_the_checker() {
    let has_maturin = Command::new("python3")
        .args(["-m", "maturin", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_maturin {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install maturin: python3 -m pip install -r tests/requirements.txt"
        );
        eprintln!(
            "skipped: maturin is not installed (python3 -m pip install -r tests/requirements.txt)"
        );
        return;
    }
    let scratch = std::env::temp_dir().join(format!("litellm-check-wheel-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    let wheels = scratch.join("wheels");
    // A target directory of its own: the wheel is a release build of the checker alone.
    let build = Command::new("python3")
        .args([
            "-m",
            "maturin",
            "build",
            "--release",
            "--locked",
            "--quiet",
            "-o",
        ])
        .arg(&wheels)
        .current_dir(repo())
        .env("CARGO_TARGET_DIR", repo().join("target/wheel"))
        .output()
        .expect("run maturin");
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
    let wheel = std::fs::read_dir(&wheels)
        .expect("wheels")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|e| e == "whl"))
        .expect("a wheel");
    let venv = scratch.join("venv");
    let made = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .status()
        .expect("venv");
    assert!(made.success());
    let install = Command::new(venv.join("bin/pip"))
        .args(["install", "--quiet", "--no-index"])
        .arg(&wheel)
        .output()
        .expect("pip install");
    assert!(
        install.status.success(),
        "{}",
        String::from_utf8_lossy(&install.stderr)
    );
    let readme = std::fs::read_to_string(repo().join("README.md")).expect("README");
    let command = readme
        .lines()
        .find(|l| l.starts_with("cargo run --release --bin litellm-check -- "))
        .expect("the README's first command");
    let args: Vec<&str> = command
        .trim_start_matches("cargo run --release --bin litellm-check -- ")
        .split_whitespace()
        .collect();
    let out = Command::new(venv.join("bin/litellm-check"))
        .args(&args)
        .current_dir(repo())
        .env("NO_COLOR", "1")
        .output()
        .expect("the installed binary");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("No problems found."));
    let _ = std::fs::remove_dir_all(&scratch);
}
