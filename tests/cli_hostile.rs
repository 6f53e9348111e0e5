//! Hostile input through the whole `litellm-check check` process: each ends with exit 1 or 2 and
//! a message, never a panic, a hang or unbounded memory. The process runs under a 512 MB
//! address-space limit and is killed if it has not finished in 60 s (a hang guard, not a timing).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test aborts on what it did not expect

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("litellm-check-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

fn write(name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir().join(name);
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(bytes))
        .expect("write input");
    path
}

/// Runs `check --config path` limited to 512 MB of address space; returns (exit code, stdout+stderr).
fn run_check(path: &Path, flag: &str) -> (i32, String) {
    let exe = env!("CARGO_BIN_EXE_litellm-check");
    let script = format!(
        "ulimit -v 524288; exec '{exe}' check {flag} '{}' --format json",
        path.display()
    );
    let mut child = Command::new("sh")
        .args(["-c", &script])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let started = Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("{} did not finish: a hang", path.display());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().expect("output");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !text.contains("panicked"),
        "{}: panic: {text}",
        path.display()
    );
    (out.status.code().unwrap_or(-1), text)
}

fn assert_rejected(name: &str, bytes: &[u8], expect_code: &str) {
    for flag in ["--config", "--openclaw"] {
        let path = write(name, bytes);
        let (code, text) = run_check(&path, flag);
        assert!(
            code == 1 || code == 2,
            "{name} via {flag}: exit {code}: {}",
            &text[..text.len().min(500)]
        );
        if flag == "--config" {
            assert!(
                text.contains(expect_code),
                "{name}: expected {expect_code}: {}",
                &text[..text.len().min(500)]
            );
        }
    }
}

#[test]
fn billion_laughs() {
    let mut doc = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for i in 1..10 {
        let prev = (b'a' + i - 1) as char;
        let cur = (b'a' + i) as char;
        doc.push_str(&format!("{cur}: &{cur} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
    }
    assert_rejected("laughs.yaml", doc.as_bytes(), "LL001");
}

#[test]
fn two_hundred_thousand_nested_brackets() {
    let doc = "[".repeat(200_000);
    assert_rejected("brackets.yaml", doc.as_bytes(), "LL001");
}

#[test]
fn binary_garbage() {
    let bytes: Vec<u8> = (0..65_536u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    assert_rejected("garbage.yaml", &bytes, "LL001");
}

#[test]
fn a_forty_megabyte_file() {
    let line = "# padding padding padding padding padding padding padding padding\n";
    let doc = line.repeat(40 * 1024 * 1024 / line.len());
    assert_rejected("huge.yaml", doc.as_bytes(), "LL001");
}

#[test]
fn tab_indentation() {
    assert_rejected("tabs.yaml", b"model_list:\n\t- model_name: a\n", "LL001");
}

#[test]
fn an_empty_file() {
    assert_rejected("empty.yaml", b"", "LL002");
}
