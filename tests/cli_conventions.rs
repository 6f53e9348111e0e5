//! The command-line conventions the other cases cannot express as data: a reader that goes away
//! (`litellm-check schema litellm | head`) ends the output quietly, without a panic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test aborts on what it did not expect

use std::io::Read;
use std::process::{Command, Stdio};

/// Reads a few bytes of the output, closes the pipe and waits: the rest of the output meets a
/// closed pipe (each output below is larger than a pipe's buffer).
fn run_into_closed_pipe(args: &[&str]) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_litellm-check"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut first = [0u8; 16];
    stdout.read_exact(&mut first).expect("some output");
    drop(stdout);
    let status = child.wait().expect("wait");
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .expect("stderr text");
    (status.code(), stderr)
}

#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    let big_config =
        std::env::temp_dir().join(format!("litellm-check-pipe-{}.yaml", std::process::id()));
    // Enough findings that the human output is far larger than a pipe buffer.
    let mut text = String::from("model_list:\n");
    for i in 0..400 {
        text.push_str(&format!(
            "  - model_name: m{i}\n    litellm_params: {{model: antropic/claude-{i}}}\n"
        ));
    }
    std::fs::write(&big_config, text).expect("write config");
    let config = big_config.to_string_lossy().into_owned();
    for (args, expected) in [
        (vec!["schema", "litellm"], Some(0)),
        (vec!["check", "--config", config.as_str()], Some(1)),
    ] {
        let (code, stderr) = run_into_closed_pipe(&args);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(code, expected, "{args:?} keeps its exit code: {stderr}");
        assert!(
            stderr.is_empty(),
            "{args:?} says nothing about the pipe: {stderr}"
        );
    }
    let _ = std::fs::remove_file(big_config);
}
