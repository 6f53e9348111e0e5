//! `cargo bench --bench check`: the issue-2 speed target. Generates a 10,000-deployment LiteLLM
//! config (~1.8 MB), then reports the bare YAML parse time in-process and the whole
//! `litellm-check check` process time (spawn, read, parse, every rule, render), best and median
//! of several runs. Target: whole process under 60 ms on the 2-core machine.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test aborts on what it did not expect

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use litellm_check::syntax::{yaml, FileId, Limits};

const DEPLOYMENTS: usize = 10_000;
const RUNS: usize = 15;

/// The same shape real configs have: groups of several deployments, env references, weights,
/// model_info, router settings with fallbacks.
pub fn generate_config(deployments: usize) -> String {
    let mut s = String::with_capacity(deployments * 190);
    s.push_str("model_list:\n");
    for i in 0..deployments {
        let group = i / 4;
        let provider = [
            "openai/gpt-4o",
            "anthropic/claude-sonnet-4-5",
            "azure/gpt-4o-eu",
            "groq/llama-3.1-70b-versatile",
        ][i % 4];
        s.push_str(&format!(
            "  - model_name: group-{group}\n    litellm_params:\n      model: {provider}\n      api_key: os.environ/KEY_{k}\n      api_base: https://api-{i}.example.com/v1\n      rpm: {rpm}\n    model_info:\n      id: deployment-{i}\n",
            k = i % 7,
            rpm = 100 + i % 50
        ));
    }
    s.push_str(
        "router_settings:\n  routing_strategy: simple-shuffle\n  num_retries: 2\n  fallbacks:\n",
    );
    for g in 0..(deployments / 4).min(500) {
        s.push_str(&format!("    - group-{g}: [group-{}]\n", g + 1));
    }
    s.push_str("general_settings:\n  master_key: os.environ/LITELLM_MASTER_KEY\n");
    s
}

fn stats(mut samples: Vec<Duration>) -> (Duration, Duration) {
    samples.sort();
    (samples[0], samples[samples.len() / 2])
}

fn main() {
    let text = generate_config(DEPLOYMENTS);
    let dir = std::env::temp_dir().join(format!("litellm-check-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("litellm_config.yaml");
    std::fs::write(&path, &text).expect("write config");
    println!(
        "config: {DEPLOYMENTS} deployments, {:.2} MB",
        text.len() as f64 / 1e6
    );

    let limits = Limits::default();
    let time_read = |read: &dyn Fn() -> Duration| {
        let samples: Vec<Duration> = (0..RUNS).map(|_| read()).collect();
        stats(samples)
    };
    let (best, median) = time_read(&|| {
        let start = Instant::now();
        let doc =
            yaml::read_sequential(&text, FileId(0), &limits).expect("generated config parses");
        let elapsed = start.elapsed();
        drop(std::hint::black_box(doc));
        elapsed
    });
    println!(
        "bare YAML parse, one thread (in-process): best {:.1} ms, median {:.1} ms",
        ms(best),
        ms(median)
    );
    let (best, median) = time_read(&|| {
        let start = Instant::now();
        let doc = yaml::read(&text, FileId(0), &limits).expect("generated config parses");
        let elapsed = start.elapsed();
        drop(std::hint::black_box(doc));
        elapsed
    });
    println!(
        "YAML read as `check` does it, split over {} threads (in-process): best {:.1} ms, median {:.1} ms",
        std::thread::available_parallelism().map_or(1, |n| n.get().min(4)),
        ms(best),
        ms(median)
    );

    let mut env = litellm_check::env::Environment::empty();
    for k in 0..7 {
        env.set(format!("KEY_{k}"), "placeholder");
    }
    env.set("LITELLM_MASTER_KEY", "placeholder");
    let options = litellm_check::litellm::CheckOptions {
        env,
        ..Default::default()
    };
    let checks: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            let mut sources = litellm_check::syntax::SourceMap::new();
            let outcome = litellm_check::litellm::check_file(&path, &options, &mut sources)
                .expect("readable");
            assert!(
                !outcome.has_errors(),
                "the generated config should be clean"
            );
            // Freeing the tree is not part of a check (the binary exits without it).
            let elapsed = start.elapsed();
            drop(std::hint::black_box(outcome));
            elapsed
        })
        .collect();
    let (best, median) = stats(checks);
    println!(
        "check_file (in-process: read, parse, every rule): best {:.1} ms, median {:.1} ms",
        ms(best),
        ms(median)
    );

    let exe = env!("CARGO_BIN_EXE_litellm-check");
    let whole: Vec<Duration> = (0..RUNS).map(|_| run_check(exe, &path)).collect();
    let (best, median) = stats(whole);
    println!("whole process `litellm-check check` (format json): best {:.1} ms, median {:.1} ms (target < 60 ms)", ms(best), ms(median));
    let _ = std::fs::remove_dir_all(&dir);
}

fn run_check(exe: &str, path: &Path) -> Duration {
    let start = Instant::now();
    let out = Command::new(exe)
        .args(["check", "--format", "json", "--config"])
        .arg(path)
        .env_clear()
        // A correct config: every variable it references is set.
        .envs((0..7).map(|k| (format!("KEY_{k}"), "placeholder")))
        .env("LITELLM_MASTER_KEY", "placeholder")
        .output()
        .expect("run litellm-check");
    let elapsed = start.elapsed();
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "check failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    elapsed
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
