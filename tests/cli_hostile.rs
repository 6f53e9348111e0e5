//! Hostile input through the whole `litellm-check check` process: each ends with exit 1 or 2 and
//! a message, never a panic, a hang or unbounded memory. The process runs under a 512 MB
//! address-space limit and is killed if it has not finished in 60 s (a hang guard, not a timing).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test aborts on what it did not expect

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod hostile_shapes;

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
    run_limited(
        exe,
        &[
            "check",
            flag,
            &path.display().to_string(),
            "--format",
            "json",
        ],
    )
}

/// Runs `exe args` limited to 512 MB of address space, killed after 60 s (a hang guard, not a
/// timing); returns (exit code, stdout+stderr).
fn run_limited(exe: &str, args: &[&str]) -> (i32, String) {
    let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
    let script = format!("ulimit -v 524288; exec '{exe}' {}", quoted.join(" "));
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
            panic!("{exe} {args:?} did not finish: a hang");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().expect("output");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!text.contains("panicked"), "{args:?}: panic: {text}");
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

#[cfg(unix)]
fn fifo(name: &str) -> PathBuf {
    let path = dir().join(name);
    hostile_shapes::make_fifo(&path);
    path
}

/// Each top-level file that is not a regular file: exit 2 at once, naming what it is.
#[cfg(unix)]
fn assert_refused_as_top_level(path: &Path, kind: &str) {
    let exe = env!("CARGO_BIN_EXE_litellm-check");
    let plain = write("plain.yaml", b"model_list: []\n");
    let shown = path.display().to_string();
    let runs: Vec<Vec<&str>> = vec![
        vec!["check", "--config", &shown],
        vec!["check", "--openclaw", &shown],
        vec![
            "check",
            "--config",
            plain.to_str().expect("utf-8 path"),
            "--env-file",
            &shown,
        ],
    ];
    for args in runs {
        let (code, text) = run_limited(exe, &args);
        assert_eq!(code, 2, "{args:?}: {text}");
        assert!(text.contains(kind), "{args:?}: expected {kind}: {text}");
    }
}

#[cfg(unix)]
#[test]
fn a_fifo_as_config_openclaw_or_env_file_is_refused_at_once() {
    let path = fifo("pipe.yaml");
    assert_refused_as_top_level(&path, "a FIFO (named pipe), not a regular file");
}

#[cfg(unix)]
#[test]
fn devices_as_config_openclaw_or_env_file_are_refused() {
    for device in ["/dev/zero", "/dev/urandom"] {
        assert_refused_as_top_level(Path::new(device), "a character device, not a regular file");
    }
}

#[cfg(unix)]
#[test]
fn a_socket_or_a_directory_is_refused() {
    let socket = dir().join("config.sock");
    let _ = std::fs::remove_file(&socket);
    let _listener = std::os::unix::net::UnixListener::bind(&socket).expect("bind socket");
    assert_refused_as_top_level(&socket, "a socket, not a regular file");
    assert_refused_as_top_level(&dir(), "a directory, not a regular file");
}

#[cfg(unix)]
#[test]
fn an_include_of_a_fifo_or_device_is_its_finding() {
    let pipe = fifo("included-pipe.yaml");
    for (name, target) in [
        ("fifo", pipe.display().to_string()),
        ("zero", "/dev/zero".into()),
    ] {
        let config = write(
            &format!("includes-{name}.yaml"),
            format!("include:\n  - {target}\nmodel_list: []\n").as_bytes(),
        );
        let (code, text) = run_check(&config, "--config");
        assert_eq!(code, 1, "{name}: {text}");
        assert!(text.contains("LL011"), "{name}: {text}");
        assert!(text.contains("not a regular file"), "{name}: {text}");
    }
}

/// Twenty includes of 1.9 MB each are 38 MB together, over the 32 MiB budget of one config: the
/// include that would pass it is refused at its entry, and the run stays within 512 MB.
#[test]
fn twenty_large_includes_stop_at_the_total_budget() {
    let padding = "# padding padding padding padding padding padding padding padding\n";
    let big = padding.repeat(1_900_000 / padding.len());
    let mut config = String::from("include:\n");
    for i in 0..20 {
        write(&format!("big-{i}.yaml"), big.as_bytes());
        config.push_str(&format!("  - big-{i}.yaml\n"));
    }
    config.push_str("model_list: []\n");
    let path = write("budget.yaml", config.as_bytes());
    let (code, text) = run_check(&path, "--config");
    for i in 0..20 {
        let _ = std::fs::remove_file(dir().join(format!("big-{i}.yaml")));
    }
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains(
            "the config and its includes together are larger than the limit of 33554432 bytes"
        ),
        "{text}"
    );
}
