//! `cargo bench --bench hostile`: the input shapes of issue 12 that used to take minutes, each
//! checked in-process and rendered as JSON (the fold of repeated findings is part of the cost):
//! a JSON5 object with 100,000 keys (multi-line and on one line), a LiteLLM config with 25,000
//! deployments of distinct unknown providers (and of one unknown provider), a LiteLLM config
//! split over 200 includes, and OpenClaw `$include` fan-out (each file including the next one 20
//! times). Prints the best and median wall time and the main thread's on-CPU time of a few runs;
//! docs/performance.md has the figures before and after.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a bench aborts on what it did not expect

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use litellm_check::diagnostic::{render, Format};
use litellm_check::env::Environment;
use litellm_check::litellm::{check_file, CheckOptions};
use litellm_check::openclaw;
use litellm_check::syntax::SourceMap;

#[path = "../tests/hostile_shapes/mod.rs"]
mod hostile_shapes;
use hostile_shapes::openclaw_fan_out;

const RUNS: usize = 3;

/// `{ key_000000: 0, ... }` with `keys` distinct keys, none of them known to OpenClaw.
pub fn openclaw_keys(keys: usize, one_line: bool) -> String {
    let separator = if one_line { ", " } else { ",\n" };
    let body: Vec<String> = (0..keys).map(|i| format!("key_{i:06}: {i}")).collect();
    format!("{{\n{}\n}}\n", body.join(separator))
}

/// A model list whose every deployment names an unknown provider: all distinct, or all one.
pub fn unknown_providers(deployments: usize, distinct: bool) -> String {
    let mut text = String::from("model_list:\n");
    for i in 0..deployments {
        let provider = if distinct {
            format!("provider{i}")
        } else {
            "notaprovider".into()
        };
        text.push_str(&format!(
            "  - model_name: group-{i}\n    litellm_params:\n      model: {provider}/model-{i}\n"
        ));
    }
    text
}

/// A LiteLLM config whose model list is spread over `files` includes of `per_file` deployments.
pub fn litellm_includes(dir: &Path, files: usize, per_file: usize) -> PathBuf {
    let mut main = String::from("include:\n");
    for f in 0..files {
        let mut part = String::from("model_list:\n");
        for d in 0..per_file {
            part.push_str(&format!(
                "  - model_name: group-{f}-{d}\n    litellm_params:\n      model: openai/gpt-4o\n      api_key: os.environ/OPENAI_API_KEY\n"
            ));
        }
        write(&dir.join(format!("part-{f}.yaml")), &part);
        main.push_str(&format!("  - part-{f}.yaml\n"));
    }
    main.push_str("general_settings:\n  master_key: os.environ/LITELLM_MASTER_KEY\n");
    let path = dir.join("litellm_config.yaml");
    write(&path, &main);
    path
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).expect("write bench input");
}

/// On-CPU time of this thread (Linux: /proc/thread-self/schedstat), which other processes on a
/// busy machine do not inflate the way they inflate wall time.
fn thread_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos = stat.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(nanos))
}

/// Runs `f` [`RUNS`] times; prints best and median wall time and the best on-CPU time.
fn measure(name: &str, mut f: impl FnMut() -> usize) {
    let mut walls = Vec::new();
    let mut cpus = Vec::new();
    let mut output = 0;
    for _ in 0..RUNS {
        let cpu_start = thread_cpu();
        let start = Instant::now();
        output = std::hint::black_box(f());
        walls.push(start.elapsed());
        if let (Some(before), Some(after)) = (cpu_start, thread_cpu()) {
            cpus.push(after.saturating_sub(before));
        }
    }
    walls.sort();
    cpus.sort();
    let cpu = cpus
        .first()
        .map_or_else(|| "n/a".into(), |d| format!("{:.1} ms", ms(*d)));
    println!(
        "{name}: best {:.1} ms, median {:.1} ms, main-thread CPU {cpu} ({:.1} KB of JSON)",
        ms(walls[0]),
        ms(walls[walls.len() / 2]),
        output as f64 / 1e3
    );
}

fn check_litellm(path: &Path) -> usize {
    let mut env = Environment::empty();
    env.set("OPENAI_API_KEY", "placeholder");
    env.set("LITELLM_MASTER_KEY", "placeholder");
    let options = CheckOptions {
        env,
        ..CheckOptions::default()
    };
    let mut sources = SourceMap::new();
    let outcome = check_file(path, &options, &mut sources).expect("readable");
    render(Format::Json, &sources, &outcome.diagnostics, false).len()
}

fn check_openclaw(path: &Path) -> usize {
    let mut sources = SourceMap::new();
    let found = openclaw::check(
        path,
        &litellm_check::CheckOptions::default(),
        &mut sources,
        None,
    )
    .expect("readable");
    render(Format::Json, &sources, &found, false).len()
}

fn main() {
    let dir = std::env::temp_dir().join(format!("litellm-check-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");

    for (name, one_line) in [("multi-line", false), ("one line", true)] {
        let path = dir.join(format!("keys-{}.json5", u8::from(one_line)));
        let text = openclaw_keys(100_000, one_line);
        write(&path, &text);
        measure(
            &format!(
                "OpenClaw, 100,000 unknown keys, {name} ({:.2} MB)",
                text.len() as f64 / 1e6
            ),
            || check_openclaw(&path),
        );
    }
    for (name, distinct) in [("distinct", true), ("all the same", false)] {
        let path = dir.join(format!("providers-{}.yaml", u8::from(distinct)));
        let text = unknown_providers(25_000, distinct);
        write(&path, &text);
        measure(
            &format!(
                "LiteLLM, 25,000 unknown providers, {name} ({:.2} MB)",
                text.len() as f64 / 1e6
            ),
            || check_litellm(&path),
        );
    }
    let includes = dir.join("includes");
    std::fs::create_dir_all(&includes).expect("includes dir");
    let path = litellm_includes(&includes, 200, 50);
    measure("LiteLLM, 200 includes of 50 deployments each", || {
        check_litellm(&path)
    });
    // Four levels are 160,000 includes read one by one before issue 12; nine levels are 20^9.
    let levels: Vec<usize> = std::env::var("FAN_OUT_LEVELS")
        .ok()
        .map(|v| v.split(',').filter_map(|l| l.parse().ok()).collect())
        .unwrap_or_else(|| vec![4, 9]);
    for levels in levels {
        let fan_out = dir.join(format!("fan-out-{levels}"));
        std::fs::create_dir_all(&fan_out).expect("fan-out dir");
        let path = openclaw_fan_out(&fan_out, levels, "{ mode: 'merge' }");
        measure(
            &format!("OpenClaw $include fan-out, 20 per file, {levels} levels"),
            || check_openclaw(&path),
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
