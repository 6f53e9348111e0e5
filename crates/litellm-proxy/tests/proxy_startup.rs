//! The `litellm-proxy` binary: refuses to start on a config it cannot run, starts on one it can.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test aborts on what it did not expect

mod proxy_support;

use proxy_support::{plain_client, scratch, start_binary, Binary, KEY};
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
    // The checker's own reading of the file, rendered as `litellm-check check` prints it.
    let mut sources = litellm_check::syntax::SourceMap::new();
    let outcome = litellm_check::litellm::check_file(&path, &Default::default(), &mut sources)
        .unwrap_or_else(|e| panic!("check: {e}"));
    assert!(outcome.has_errors(), "the checker finds errors here");
    let findings = litellm_check::diagnostic::format::render(
        litellm_check::diagnostic::format::Format::Human,
        &sources,
        &outcome.diagnostics,
        false,
    );
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

/// The binary end to end: serving threads answer, and SIGTERM stops it with every spend row of
/// the answered requests on disk.
#[tokio::test]
async fn sigterm_stops_the_binary_with_every_spend_row_written() {
    let Binary {
        mut proxy,
        spend_db,
        mock: _serving,
    } = start_binary("start-sigterm", &[]).await;
    let client = plain_client();
    const REQUESTS: usize = 40;
    let calls = (0..REQUESTS).map(|_| {
        client
            .post(format!("{}/v1/chat/completions", proxy.url))
            .bearer_auth(KEY)
            .header("content-type", "application/json")
            .body(r#"{"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]}"#)
            .send()
    });
    for reply in futures_util::future::join_all(calls).await {
        let status = reply.map(|r| r.status().as_u16()).unwrap_or(0);
        assert_eq!(status, 200);
    }
    proxy.signal("TERM");
    let (exit, rest) = proxy.wait();
    assert!(exit.success(), "a clean stop exits 0: {exit:?}");
    assert!(rest.iter().any(|l| l.contains("shutting down")), "{rest:?}");
    let rows = litellm_proxy::spend::query(&spend_db, &litellm_proxy::spend::SpendQuery::default())
        .unwrap_or_else(|e| panic!("query: {e}"));
    assert_eq!(
        rows.as_array().map(Vec::len),
        Some(REQUESTS),
        "every answered request has its row after the stop"
    );
}

#[test]
fn zero_serving_threads_is_a_usage_error() {
    let output = Command::new(BINARY)
        .args(["--config", "unused.yaml", "--threads", "0"])
        .output()
        .unwrap_or_else(|e| panic!("run: {e}"));
    assert_eq!(
        output.status.code(),
        Some(2),
        "clap's usage-error exit code"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--threads"), "{stderr}");
}

#[test]
fn connection_limits_out_of_range_are_usage_errors() {
    for (flag, value) in [
        ("--header-timeout", "0"),
        ("--header-timeout", "soon"),
        ("--keepalive-timeout", "-1"),
        ("--keepalive_timeout", "inf"),
        ("--max-connections", "0"),
    ] {
        let output = Command::new(BINARY)
            .args(["--config", "unused.yaml", flag, value])
            .output()
            .unwrap_or_else(|e| panic!("run: {e}"));
        assert_eq!(output.status.code(), Some(2), "{flag} {value}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(value), "{flag} {value}: {stderr}");
    }
}

/// A deployment the proxy cannot route is reported once, by the checker's LL066 with its frame,
/// not again as a plain start-up note; one whose provider is only known from the environment gets
/// the note (the checker could not know).
#[test]
fn an_unroutable_deployment_is_reported_once() {
    let dir = scratch("start-unroutable");
    let path = dir.join("config.yaml");
    let config = "model_list:\n  - model_name: a\n    litellm_params: {model: openai/a}\n  - model_name: b\n    litellm_params: {model: bedrock/anthropic.claude-v2}\n  - model_name: c\n    litellm_params: {model: os.environ/C_MODEL}\ngeneral_settings: {master_key: sk-a-real-key}\n";
    std::fs::write(&path, config).unwrap_or_else(|e| panic!("write: {e}"));
    let mut env = litellm_check::env::Environment::empty();
    env.set("C_MODEL", "bedrock/anthropic.claude-v2");
    let loaded =
        litellm_proxy::load::load(&path, &env, false).unwrap_or_else(|e| panic!("loads: {e}"));
    assert_eq!(
        loaded.warnings.matches("LL066").count(),
        1,
        "{}",
        loaded.warnings
    );
    assert_eq!(
        loaded.config.notes,
        vec!["model_list[2]: provider `bedrock` is not served by litellm-proxy yet; deployment skipped".to_string()],
    );
    assert_eq!(loaded.config.deployments.len(), 1);
}

/// A FIFO with no writer, a device or a socket as `--config` or `--env-file` is refused at once
/// by the checker's one bounded reader: no hang (the 60 s guard kills a hung start), no
/// unbounded read.
#[cfg(unix)]
#[test]
fn a_fifo_or_device_as_config_or_env_file_is_refused_at_once() {
    let dir = scratch("start-fifo");
    let fifo = dir.join("pipe.yaml");
    let _ = std::fs::remove_file(&fifo);
    let made = Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    let plain = dir.join("config.yaml");
    std::fs::write(&plain, "model_list: []\n").unwrap_or_else(|e| panic!("write: {e}"));
    let fifo = fifo.display().to_string();
    let plain = plain.display().to_string();
    let runs: [&[&str]; 4] = [
        &["--config", &fifo],
        &["--config", "/dev/zero"],
        &["--config", &plain, "--env-file", &fifo],
        &["--config", &plain, "--env-file", "/dev/urandom"],
    ];
    for args in runs {
        let mut child = Command::new(BINARY)
            .args(args)
            .args(["--port", "0"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("spawn: {e}"));
        let started = std::time::Instant::now();
        while child.try_wait().ok().flatten().is_none() {
            if started.elapsed() > std::time::Duration::from_secs(60) {
                let _ = child.kill();
                panic!("{args:?}: the start hangs");
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let output = child
            .wait_with_output()
            .unwrap_or_else(|e| panic!("wait: {e}"));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{args:?}: started");
        assert!(stderr.contains("not a regular file"), "{args:?}: {stderr}");
    }
}
