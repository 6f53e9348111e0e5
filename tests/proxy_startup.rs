//! The `litellm-proxy` binary: refuses to start on a config it cannot run, starts on one it can.
#![cfg(feature = "proxy")]

mod proxy_support;

use proxy_support::scratch;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

const BINARY: &str = env!("CARGO_BIN_EXE_litellm-proxy");

fn run_to_exit(config: &str, name: &str, envs: &[(&str, &str)]) -> (bool, String) {
    let dir = scratch(name);
    let path = dir.join("config.yaml");
    std::fs::write(&path, config).unwrap_or_else(|e| panic!("write: {e}"));
    let mut command = Command::new(BINARY);
    command
        .arg("--config")
        .arg(&path)
        .args(["--port", "0"])
        .env_remove("LITELLM_MASTER_KEY");
    for (k, v) in envs {
        command.env(k, v);
    }
    let output = command.output().unwrap_or_else(|e| panic!("run: {e}"));
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn a_config_that_cannot_be_read_stops_the_start_with_its_location() {
    let (ok, stderr) = run_to_exit(
        "model_list:\n  - model_name: a\n   bad: [\n",
        "start-syntax",
        &[],
    );
    assert!(!ok);
    assert!(stderr.contains("config.yaml:"), "{stderr}");
    assert!(
        stderr.contains("not started") || stderr.contains("error"),
        "{stderr}"
    );
}

#[test]
fn a_weak_or_missing_master_key_is_refused_like_litellm_1_109() {
    let config = "model_list:\n  - model_name: a\n    litellm_params: {model: openai/a, api_base: 'http://127.0.0.1:9/v1'}\n";
    let (ok, stderr) = run_to_exit(config, "start-nokey", &[]);
    assert!(!ok && stderr.contains("no master key"), "{stderr}");
    let demo = format!("{config}general_settings: {{master_key: sk-1234}}\n");
    let (ok, stderr) = run_to_exit(&demo, "start-demokey", &[]);
    assert!(!ok && stderr.contains("demo value"), "{stderr}");
    let unset_env =
        format!("{config}general_settings: {{master_key: os.environ/NOT_SET_ANYWHERE}}\n");
    let (ok, _) = run_to_exit(&unset_env, "start-unsetkey", &[]);
    assert!(
        !ok,
        "an os.environ/ reference to an unset variable leaves no key"
    );
}

#[test]
fn a_good_config_starts_and_says_where_it_listens() {
    let dir = scratch("start-good");
    let path = dir.join("config.yaml");
    let config = "model_list:\n  - model_name: a\n    litellm_params: {model: openai/a, api_base: 'http://127.0.0.1:9/v1'}\ngeneral_settings: {master_key: sk-a-real-key}\n";
    std::fs::write(&path, config).unwrap_or_else(|e| panic!("write: {e}"));
    let mut child = Command::new(BINARY)
        .arg("--config")
        .arg(&path)
        .args(["--port", "0", "--spend-db"])
        .arg(dir.join("spend.sqlite"))
        // Without a key for the provider the checker warns (LL067) before the listening line.
        .env("OPENAI_API_KEY", "sk-test-startup")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn: {e}"));
    let stderr = child.stderr.take().unwrap_or_else(|| panic!("no stderr"));
    let mut first = String::new();
    let read = BufReader::new(stderr).read_line(&mut first);
    let _ = child.kill();
    let _ = child.wait();
    assert!(read.is_ok());
    assert!(
        first.starts_with("litellm-proxy: listening on http://127.0.0.1:"),
        "{first}"
    );
    assert!(
        dir.join("spend.sqlite").exists(),
        "the spend store is created on start"
    );
}

#[test]
fn a_config_with_checker_errors_is_refused_with_the_checkers_own_findings() {
    let dir = scratch("start-findings");
    let path = dir.join("config.yaml");
    let config = "model_list:\n  - model_name: a\n    litellm_params: {model: openai/a}\n  - model_name: b\n    litellm_params: {modle: openai/b}\ngeneral_settings: {master_key: sk-a-real-key}\nrouter_settings:\n  fallbacks: [{a: [nowhere]}]\n";
    std::fs::write(&path, config).unwrap_or_else(|e| panic!("write: {e}"));
    let check = Command::new(env!("CARGO_BIN_EXE_litellm-check"))
        .args(["check", "--config"])
        .arg(&path)
        .env("NO_COLOR", "1")
        .output()
        .unwrap_or_else(|e| panic!("run litellm-check: {e}"));
    assert!(!check.status.success(), "the checker finds errors here");
    let findings = String::from_utf8_lossy(&check.stdout).into_owned();
    let proxy = Command::new(BINARY)
        .arg("--config")
        .arg(&path)
        .args(["--port", "0"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap_or_else(|e| panic!("run: {e}"));
    assert!(!proxy.status.success());
    let stderr = String::from_utf8_lossy(&proxy.stderr);
    let first_finding = findings.lines().next().unwrap_or("");
    assert!(
        !first_finding.is_empty() && stderr.contains(first_finding),
        "checker:\n{findings}\nproxy:\n{stderr}"
    );
    assert!(stderr.contains("not started"), "{stderr}");
}
