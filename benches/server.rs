//! `cargo bench --bench server`: the language server's time from a `didChange` of the
//! 10,000-deployment config (the one `benches/check.rs` generates) to the diagnostics it publishes
//! for it, through the real binary over stdio with a debounce of 0, best and median of several
//! edits.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a bench aborts on what it did not expect

#[path = "check.rs"]
#[allow(dead_code)]
mod check;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const RUNS: usize = 15;

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(n) = line.strip_prefix("Content-Length: ") {
            length = n.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

fn send(stdin: &mut impl Write, message: Value) {
    let body = message.to_string();
    write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
    stdin.flush().unwrap();
}

fn main() {
    let text = check::generate_config(10_000);
    let dir =
        std::env::temp_dir().join(format!("litellm-check-bench-server-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("litellm_config.yaml");
    std::fs::write(&path, &text).unwrap();
    let uri = format!("file://{}", path.display());
    let mut child = Command::new(env!("CARGO_BIN_EXE_litellm-check"))
        .arg("server")
        .env_clear()
        .envs((0..7).map(|k| (format!("KEY_{k}"), "placeholder")))
        .env("LITELLM_MASTER_KEY", "placeholder")
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    send(
        &mut stdin,
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "capabilities": {}, "rootUri": format!("file://{}", dir.display()),
            "initializationOptions": {"debounceMs": 0}}}),
    );
    let published = |stdout: &mut BufReader<_>, version: i64| loop {
        let message = read_message(stdout).expect("the server answers");
        if message["method"] == "textDocument/publishDiagnostics"
            && message["params"]["version"] == version
        {
            return message["params"]["diagnostics"]
                .as_array()
                .map_or(0, Vec::len);
        }
    };
    send(
        &mut stdin,
        json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": uri, "languageId": "yaml", "version": 1, "text": text}}}),
    );
    let findings = published(&mut stdout, 1);
    println!(
        "config: 10,000 deployments, {:.2} MB, {findings} findings",
        text.len() as f64 / 1e6
    );
    let mut samples: Vec<Duration> = Vec::new();
    for run in 0..RUNS {
        let version = run as i64 + 2;
        // A real edit: one deployment's rpm changes.
        let edited = text.replacen("rpm: 100\n", &format!("rpm: {}\n", 1000 + run), 1);
        let start = Instant::now();
        send(
            &mut stdin,
            json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"text": edited}]}}),
        );
        published(&mut stdout, version);
        samples.push(start.elapsed());
    }
    samples.sort();
    println!(
        "didChange -> publishDiagnostics (debounce 0): best {:.1} ms, median {:.1} ms",
        samples[0].as_secs_f64() * 1000.0,
        samples[samples.len() / 2].as_secs_f64() * 1000.0
    );
    send(
        &mut stdin,
        json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}),
    );
    send(&mut stdin, json!({"jsonrpc": "2.0", "method": "exit"}));
    drop(stdin);
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
}
