//! Secrets never reach output: a value resolved from the process environment, an `--env-file` or
//! OpenClaw `env.vars` appears in no output format (human, json, sarif, github) and in no file
//! `compile` writes; the environment has one precedence in every rule; and an included file that
//! cannot be a config is reported by its path only.
//!
//! Every test also asserts the findings it expects, so it cannot pass by finding nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test aborts on what it did not expect

use std::path::{Path, PathBuf};
use std::process::Command;

const FORMATS: [&str; 4] = ["human", "json", "sarif", "github"];

/// The three secrets, one per source.
const FROM_PROCESS: &str = "sk-proc-SECRET-0a1b2c3d4e5f6a7b";
const FROM_FILE: &str = "sk-file-SECRET-9f8e7d6c5b4a3f2e";
const FROM_VARS: &str = "sk-vars-SECRET-1234abcd5678efgh";
const SECRETS: [&str; 3] = [FROM_PROCESS, FROM_FILE, FROM_VARS];

fn dir(label: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "litellm-check-secrets-{}-{label}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write input");
    path
}

/// Runs `litellm-check` with `FROM_PROCESS` set in its environment; returns (exit code, stdout
/// and stderr).
fn run(args: &[&str], cwd: &Path, env: &[(&str, &str)]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_litellm-check"))
        .args(args)
        .current_dir(cwd)
        .env_remove("GITHUB_ACTIONS")
        .envs(env.iter().copied())
        .output()
        .expect("run litellm-check");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!text.contains("panicked"), "{text}");
    (out.status.code().unwrap_or(-1), text)
}

fn assert_no_secret(what: &str, text: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(!text.contains(secret), "{what} shows {secret}:\n{text}");
        // A part of one is a leak too (a model id after `provider/`, a suggestion's input).
        let tail = &secret[secret.len() - 12..];
        assert!(
            !text.contains(tail),
            "{what} shows part of {secret}:\n{text}"
        );
    }
}

const LITELLM: &str = "\
model_list:
  - model_name: served
    litellm_params:
      model: openai/gpt-4o
      api_key: os.environ/FROM_PROCESS
general_settings:
  master_key: os.environ/FROM_FILE
";

/// Every place a substituted OpenClaw value used to be quoted: a bare primary (OC062), a
/// `litellm/` fallback (XR001), a served-model id (XR002), an agent id (OC043), an unknown
/// provider (OC061) and a legacy one.
const OPENCLAW: &str = r#"{
  env: { vars: { FROM_VARS: "sk-vars-SECRET-1234abcd5678efgh" } },
  models: { providers: { litellm: { models: [{ id: "${FROM_PROCESS}", name: "a" }, { id: "litellm-${FROM_FILE}", name: "b" }],
    baseUrl: "http://localhost:4000", api: "openai-completions" } } },
  agents: { defaults: {
    model: { primary: "${FROM_VARS}", fallbacks: ["litellm/${FROM_PROCESS}", "${FROM_FILE}/x", "openai-codex/${FROM_VARS}"] },
    heartbeat: { agentId: "${FROM_FILE}" },
  } },
}
"#;

fn setup(label: &str) -> PathBuf {
    let d = dir(label);
    write(&d, "litellm.yaml", LITELLM);
    write(&d, "openclaw.json5", OPENCLAW);
    write(&d, "secrets.env", format!("FROM_FILE={FROM_FILE}\n"));
    d
}

#[test]
fn resolved_values_appear_in_no_output_format() {
    let d = setup("formats");
    for format in FORMATS {
        let (code, text) = run(
            &[
                "check",
                "--config",
                "litellm.yaml",
                "--openclaw",
                "openclaw.json5",
                "--env-file",
                "secrets.env",
                "--format",
                format,
            ],
            &d,
            &[("FROM_PROCESS", FROM_PROCESS)],
        );
        assert_eq!(code, 1, "{format}: {text}");
        assert_no_secret(format, &text, &SECRETS);
        for code in ["XR001", "XR002", "OC062", "OC043", "OC061"] {
            assert!(text.contains(code), "{format}: no {code}:\n{text}");
        }
    }
    // The findings name the reference as written.
    let (_, human) = run(
        &[
            "check",
            "--config",
            "litellm.yaml",
            "--openclaw",
            "openclaw.json5",
            "--env-file",
            "secrets.env",
            "--format",
            "human",
        ],
        &d,
        &[("FROM_PROCESS", FROM_PROCESS)],
    );
    for shown in [
        "model `${FROM_PROCESS}` is not served",
        "falls back to `openai/${FROM_VARS}`",
        "Unknown agent id \"${FROM_FILE}\"",
    ] {
        assert!(human.contains(shown), "no {shown:?}:\n{human}");
    }
}

#[test]
fn compile_writes_no_resolved_value() {
    let d = setup("compile");
    // Without the refs that are errors, so compile writes its files.
    write(
        &d,
        "openclaw.json5",
        r#"{ env: { vars: { FROM_VARS: "sk-vars-SECRET-1234abcd5678efgh" } },
             models: { providers: { litellm: { baseUrl: "http://localhost:4000", api: "openai-completions", models: [{ id: "served", name: "s" }] } } },
             agents: { defaults: { model: { primary: "${FROM_VARS}", fallbacks: ["${FROM_FILE}", "litellm/served"] } } } }"#,
    );
    let out = d.join("out");
    let (code, text) = run(
        &[
            "compile",
            "--config",
            "litellm.yaml",
            "--openclaw",
            "openclaw.json5",
            "--env-file",
            "secrets.env",
            "--out-dir",
            out.to_str().unwrap_or_default(),
        ],
        &d,
        &[("FROM_PROCESS", FROM_PROCESS)],
    );
    assert_eq!(code, 0, "{text}");
    assert_no_secret("compile output", &text, &SECRETS);
    let mut written = 0;
    for entry in std::fs::read_dir(&out).expect("out dir") {
        let path = entry.expect("entry").path();
        let content = std::fs::read_to_string(&path).expect("read");
        assert_no_secret(&path.display().to_string(), &content, &SECRETS);
        written += 1;
    }
    assert_eq!(written, 3);
}

/// Which value wins decides a finding, so the precedence shows without printing a value: the
/// served group comes from the process, an unserved one from the env file and `env.vars`.
#[test]
fn the_process_environment_wins_over_env_file_and_env_vars_in_every_rule() {
    let d = dir("precedence");
    write(&d, "litellm.yaml", LITELLM);
    write(
        &d,
        "openclaw.json5",
        r#"{ env: { vars: { REF: "litellm/from-vars", ONLY_VARS: "litellm/from-vars" } },
             models: { providers: { litellm: { baseUrl: "http://localhost:4000", api: "openai-completions", models: [] } } },
             agents: { defaults: { model: { primary: "${REF}", fallbacks: ["${ONLY_FILE}", "${ONLY_VARS}"] } } } }"#,
    );
    write(
        &d,
        "first.env",
        "REF=litellm/from-file\nONLY_FILE=litellm/first\nONLY_FILE=litellm/served\nOPENAI_API_KEY=sk-from-file-0123456789\n",
    );
    write(
        &d,
        "second.env",
        "ONLY_FILE=litellm/from-second\nONLY_VARS=litellm/served\n",
    );
    let args = [
        "check",
        "--config",
        "litellm.yaml",
        "--openclaw",
        "openclaw.json5",
        "--env-file",
        "first.env",
        "--env-file",
        "second.env",
        "--format",
        "json",
    ];
    let (_, text) = run(
        &args,
        &d,
        &[
            ("REF", "litellm/served"),
            ("FROM_PROCESS", "set"),
            ("FROM_FILE", "set"),
        ],
    );
    let findings: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    let xr001: Vec<&serde_json::Value> = findings["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|d| d["code"] == "XR001")
        .collect();
    // `${REF}` is the process's `litellm/served`; `${ONLY_FILE}` the first file's last line
    // (`litellm/served`); `${ONLY_VARS}` the second file's, which wins over `env.vars`.
    assert!(xr001.is_empty(), "{text}");

    // The same precedence in a LiteLLM rule: an empty OPENAI_API_KEY in the process is kept
    // (python-dotenv does not replace a variable that exists), so the provider has no key.
    let no_key = |text: &str| text.contains("`OPENAI_API_KEY` is not set");
    write(
        &d,
        "litellm.yaml",
        "model_list:\n  - model_name: served\n    litellm_params:\n      model: openai/gpt-4o\n",
    );
    let (_, with_file) = run(&args, &d, &[("REF", "litellm/served")]);
    assert!(!no_key(&with_file), "{with_file}");
    let (_, emptied) = run(
        &args,
        &d,
        &[("REF", "litellm/served"), ("OPENAI_API_KEY", "")],
    );
    assert!(no_key(&emptied), "{emptied}");
}
/// An included file that cannot be a config (dotenv lines, NUL bytes, `KEY=VALUE`, not a mapping,
/// not valid syntax) is reported at its include, by path, and none of its text is shown.
#[test]
fn included_files_that_cannot_be_configs_are_reported_by_path_only() {
    const INCLUDED: &str = "sk-incl-SECRET-5e6f7a8b9c0d1e2f";
    let d = dir("includes");
    let contents: [(&str, Vec<u8>); 6] = [
        (
            "secrets.env",
            format!("# keys\nOPENAI_API_KEY={INCLUDED}\nexport OTHER=1\n").into_bytes(),
        ),
        (
            "environ",
            format!("HOME=/root\0OPENAI_API_KEY={INCLUDED}\0PATH=/bin\0").into_bytes(),
        ),
        (
            "shadow",
            format!("root:{INCLUDED}:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n")
                .into_bytes(),
        ),
        ("list.yaml", format!("- {INCLUDED}\n").into_bytes()),
        (
            "keys.yaml",
            format!("OPENAI_API_KEY: {INCLUDED}\nOTHER: 1\n").into_bytes(),
        ),
        (
            "broken.yaml",
            format!("key: [{INCLUDED}\n  other: {{\n").into_bytes(),
        ),
    ];
    for (name, bytes) in &contents {
        write(&d, name, bytes);
        write(
            &d,
            "litellm.yaml",
            format!("include: [{name}]\nmodel_list:\n  - model_name: a\n    litellm_params: {{model: openai/gpt-4o}}\n"),
        );
        write(
            &d,
            "openclaw.json5",
            format!("{{ agents: {{ $include: \"./{name}\" }} }}"),
        );
        for (flag, file) in [
            ("--config", "litellm.yaml"),
            ("--openclaw", "openclaw.json5"),
        ] {
            for format in FORMATS {
                let (code, text) = run(&["check", flag, file, "--format", format], &d, &[]);
                // An error, or (a mapping of keys LiteLLM ignores) a warning.
                assert!(code == 0 || code == 1, "{name} {flag} {format}: {text}");
                assert!(
                    text.contains(name),
                    "{name} {flag} {format}: no path:\n{text}"
                );
                assert_no_secret(&format!("{name} {flag} {format}"), &text, &[INCLUDED]);
            }
        }
    }
}

/// OpenClaw takes a file holding one JSON5 string as the included value: it is used, and the file
/// is never shown (the literal-key finding points into it).
#[test]
fn an_included_scalar_is_used_but_never_shown() {
    const KEY: &str = "sk-scalar-SECRET-77aa88bb99cc00dd";
    let d = dir("scalar");
    write(&d, "key.json5", format!("\"{KEY}\"\n"));
    write(
        &d,
        "openclaw.json5",
        r#"{ models: { providers: { openai: { apiKey: { $include: "./key.json5" } } } } }"#,
    );
    for format in FORMATS {
        let (_, text) = run(
            &["check", "--openclaw", "openclaw.json5", "--format", format],
            &d,
            &[],
        );
        assert!(text.contains("OC054"), "{format}: {text}");
        assert_no_secret(format, &text, &[KEY]);
    }
}

/// A secret written into the file is pointed at, not shown: LL054 and OC054 mask what they
/// underline.
#[test]
fn literal_secret_findings_do_not_show_the_secret() {
    const LITERAL: &str = "sk-proj-LITERAL0SECRET0aa11bb22cc33dd";
    let d = dir("literal");
    write(
        &d,
        "litellm.yaml",
        format!("model_list:\n  - model_name: a\n    litellm_params:\n      model: openai/gpt-4o\n      api_key: {LITERAL}\n"),
    );
    write(
        &d,
        "openclaw.json5",
        format!("{{ models: {{ providers: {{ openai: {{ apiKey: \"{LITERAL}\" }} }} }} }}"),
    );
    for (flag, file, code) in [
        ("--config", "litellm.yaml", "LL054"),
        ("--openclaw", "openclaw.json5", "OC054"),
    ] {
        let (_, text) = run(&["check", flag, file, "--format", "human"], &d, &[]);
        assert!(text.contains(code), "{text}");
        assert_no_secret(code, &text, &[LITERAL]);
    }
}

/// Flat `env` keys are rejected by OpenClaw (OC024 points at the key), but their values were meant
/// as variables: the frame masks them.
#[test]
fn flat_env_values_are_masked_in_frames() {
    let d = dir("flat");
    write(
        &d,
        "openclaw.json5",
        format!("{{ env: {{ OPENAI_API_KEY: \"{FROM_VARS}\" }} }}"),
    );
    let (code, text) = run(&["check", "--openclaw", "openclaw.json5"], &d, &[]);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("OC024") && text.contains("OPENAI_API_KEY"),
        "{text}"
    );
    assert_no_secret("flat env", &text, &[FROM_VARS]);
}
