//! Parse time of a large LiteLLM config: 10,000 deployments (about 2 MB), read with the YAML
//! reader. Prints the best of several runs, next to the bare saphyr-parser event stream (the
//! floor our tree building adds to); `cargo bench --bench parse`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test aborts on what it did not expect

use std::time::{Duration, Instant};

use litellm_check::syntax::yaml::read;
use litellm_check::syntax::{Document, FileId, Limits, SyntaxError};

const DEPLOYMENTS: usize = 10_000;
const RUNS: usize = 15;

fn config() -> String {
    let mut text = String::from("# generated for benches/parse.rs\nmodel_list:\n");
    for i in 0..DEPLOYMENTS {
        let group = i % 50;
        text.push_str(&format!(
            "  - model_name: gpt-4o-g{group}\n    litellm_params:\n      model: azure/gpt-4o-d{i}\n      api_key: os.environ/AZURE_KEY_{group}\n      api_base: https://r{group}.openai.azure.com/\n      rpm: {rpm}\n    model_info:\n      id: dep-{i:05}\n",
            rpm = 100 + i % 900
        ));
    }
    text.push_str("router_settings:\n  routing_strategy: simple-shuffle\n  num_retries: 2\n");
    text.push_str("litellm_settings:\n  drop_params: true\n  request_timeout: 600\n");
    text
}

/// On-CPU time of this thread (Linux: /proc/thread-self/schedstat, nanoseconds), which the
/// other processes on a busy machine do not inflate the way they inflate wall time.
fn thread_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos = stat.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(nanos))
}

/// Best-of-`RUNS` wall time and on-CPU time of `f`; `after` consumes each result untimed (so
/// freeing a tree is not counted as reading it).
fn best_of<T>(mut f: impl FnMut() -> T, mut after: impl FnMut(T)) -> (Duration, Option<Duration>) {
    let mut wall = Duration::MAX;
    let mut cpu: Option<Duration> = None;
    for _ in 0..RUNS {
        let cpu_start = thread_cpu();
        let start = Instant::now();
        let result = f();
        wall = wall.min(start.elapsed());
        if let (Some(a), Some(b)) = (cpu_start, thread_cpu()) {
            let spent = b.saturating_sub(a);
            cpu = Some(cpu.map_or(spent, |c| c.min(spent)));
        }
        after(result);
    }
    (wall, cpu)
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

fn main() {
    let text = config();
    let limits = Limits::default();
    // PARSE_BENCH=events|read runs one phase only (for profilers).
    let only = std::env::var("PARSE_BENCH").unwrap_or_default();
    let (events_wall, events_cpu) = best_of(
        || {
            let mut count = 0usize;
            if only != "read" {
                let mut parser = saphyr_parser::Parser::new_from_str(&text);
                while let Some(Ok(_)) = parser.next_event() {
                    count += 1;
                }
            }
            count
        },
        |count| assert!(only == "read" || count > DEPLOYMENTS),
    );
    let check = |doc: Result<Document, SyntaxError>| {
        let deployments = doc.ok().and_then(|d| d.root).and_then(|root| {
            root.get("model_list")
                .and_then(|l| l.as_seq().map(<[_]>::len))
        });
        assert_eq!(
            deployments,
            Some(DEPLOYMENTS),
            "the generated config must load"
        );
    };
    // The first read in a fresh process also pays for fresh pages, as one CLI run does.
    let cold_start = Instant::now();
    let cold = read(&text, FileId(0), &limits);
    let cold_wall = cold_start.elapsed();
    check(cold);
    let (read_wall, read_cpu) = best_of(
        || (only != "events").then(|| read(&text, FileId(0), &limits)),
        |doc| doc.into_iter().for_each(check),
    );
    let cpu = |d: Option<Duration>| d.map_or("n/a".to_string(), ms);
    println!(
        "config: {DEPLOYMENTS} deployments, {:.2} MB; best of {RUNS} runs",
        text.len() as f64 / 1e6
    );
    println!(
        "saphyr events only: wall {}, cpu {}",
        ms(events_wall),
        cpu(events_cpu)
    );
    println!(
        "yaml::read (tree): wall {}, cpu {}; first run {}",
        ms(read_wall),
        cpu(read_cpu),
        ms(cold_wall)
    );
}
