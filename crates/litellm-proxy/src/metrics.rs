//! Prometheus metrics: requests, failures, latency, tokens, spend, and the proxy's own overhead
//! (total time minus time waiting on the upstream, as TensorZero's
//! `tensorzero_inference_latency_overhead_seconds`).

use super::store::SpendStats;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

/// Seconds; fine at the low end, where the overhead lives.
const LATENCY_BUCKETS: &[f64] = &[
    0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
    1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0,
];

#[derive(Default, Clone)]
struct Histogram {
    counts: Vec<u64>,
    sum: f64,
    count: u64,
}

impl Histogram {
    fn observe(&mut self, seconds: f64) {
        if self.counts.is_empty() {
            self.counts = vec![0; LATENCY_BUCKETS.len()];
        }
        if let Some(slot) = LATENCY_BUCKETS.iter().position(|b| seconds <= *b) {
            self.counts[slot] += 1;
        }
        self.sum += seconds;
        self.count += 1;
    }

    fn render(&self, out: &mut String, name: &str, labels: &str) {
        let mut cumulative = 0;
        for (bound, count) in LATENCY_BUCKETS
            .iter()
            .zip(self.counts.iter().chain(std::iter::repeat(&0)))
        {
            cumulative += count;
            let _ = writeln!(out, "{name}_bucket{{{labels},le=\"{bound}\"}} {cumulative}");
        }
        let _ = writeln!(out, "{name}_bucket{{{labels},le=\"+Inf\"}} {}", self.count);
        let _ = writeln!(out, "{name}_sum{{{labels}}} {}", self.sum);
        let _ = writeln!(out, "{name}_count{{{labels}}} {}", self.count);
    }
}

#[derive(Default)]
struct GroupStats {
    requests: u64,
    failures: BTreeMap<u16, u64>,
    total_latency: Histogram,
    upstream_latency: Histogram,
    overhead: Histogram,
    prompt_tokens: u64,
    completion_tokens: u64,
    spend: f64,
    fallbacks: u64,
    retries: u64,
}

type HistogramOf = fn(&GroupStats) -> &Histogram;
type CounterOf = fn(&GroupStats) -> String;

#[derive(Default)]
struct Inner {
    groups: BTreeMap<String, GroupStats>,
    cooldowns: BTreeMap<String, u64>,
}

#[derive(Default)]
pub struct Metrics {
    inner: Mutex<Inner>,
}

/// One finished request, as the metrics see it.
pub struct Observation<'a> {
    pub model_group: &'a str,
    /// `None` on success.
    pub failed_status: Option<u16>,
    pub total: Duration,
    /// Time spent waiting on the upstream; `None` when no upstream answered.
    pub upstream: Option<Duration>,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    pub spend: f64,
    pub retries: u32,
    pub fallbacks: u32,
}

impl Metrics {
    pub fn observe(&self, o: &Observation<'_>) {
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let stats = match inner.groups.get_mut(o.model_group) {
            Some(stats) => stats,
            None => inner.groups.entry(o.model_group.to_string()).or_default(),
        };
        stats.requests += 1;
        if let Some(status) = o.failed_status {
            *stats.failures.entry(status).or_default() += 1;
        }
        stats.total_latency.observe(o.total.as_secs_f64());
        if let Some(upstream) = o.upstream {
            stats.upstream_latency.observe(upstream.as_secs_f64());
            stats
                .overhead
                .observe(o.total.saturating_sub(upstream).as_secs_f64());
        }
        stats.prompt_tokens += o.prompt_tokens;
        stats.completion_tokens += o.completion_tokens;
        stats.spend += o.spend;
        stats.retries += u64::from(o.retries);
        stats.fallbacks += u64::from(o.fallbacks);
    }

    pub fn cooled_down(&self, model_group: &str) {
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        *inner.cooldowns.entry(model_group.to_string()).or_default() += 1;
    }

    /// The Prometheus text exposition; `spend` is the spend store's, when there is one.
    pub fn render(&self, spend: Option<&SpendStats>) -> String {
        let inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let mut out = String::with_capacity(4096);
        let header = |out: &mut String, name: &str, kind: &str, help: &str| {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
        };
        header(
            &mut out,
            "litellm_proxy_total_requests_metric",
            "counter",
            "Requests per model group.",
        );
        for (group, s) in &inner.groups {
            let _ = writeln!(
                out,
                "litellm_proxy_total_requests_metric{{model_group=\"{}\"}} {}",
                escape(group),
                s.requests
            );
        }
        header(
            &mut out,
            "litellm_proxy_failed_requests_metric",
            "counter",
            "Failed requests per model group and status.",
        );
        for (group, s) in &inner.groups {
            for (status, n) in &s.failures {
                let _ = writeln!(
                    out,
                    "litellm_proxy_failed_requests_metric{{model_group=\"{}\",status_code=\"{status}\"}} {n}",
                    escape(group)
                );
            }
        }
        let histograms: [(&str, &str, HistogramOf); 3] = [
            (
                "litellm_request_total_latency_metric",
                "Total request time in seconds, as the client saw it.",
                |s| &s.total_latency,
            ),
            (
                "litellm_llm_api_latency_metric",
                "Time waiting on the upstream in seconds.",
                |s| &s.upstream_latency,
            ),
            (
                "litellm_overhead_latency_metric",
                "The proxy's own time (total minus upstream) in seconds.",
                |s| &s.overhead,
            ),
        ];
        for (name, help, pick) in histograms {
            header(&mut out, name, "histogram", help);
            for (group, s) in &inner.groups {
                pick(s).render(
                    &mut out,
                    name,
                    &format!("model_group=\"{}\"", escape(group)),
                );
            }
        }
        let counters: [(&str, &str, CounterOf); 5] = [
            ("litellm_input_tokens_metric", "Prompt tokens.", |s| {
                s.prompt_tokens.to_string()
            }),
            ("litellm_output_tokens_metric", "Completion tokens.", |s| {
                s.completion_tokens.to_string()
            }),
            ("litellm_spend_metric", "Spend in USD.", |s| {
                s.spend.to_string()
            }),
            ("litellm_proxy_retries_total", "Retries made.", |s| {
                s.retries.to_string()
            }),
            (
                "litellm_proxy_fallbacks_total",
                "Fallback hops made.",
                |s| s.fallbacks.to_string(),
            ),
        ];
        for (name, help, value) in counters {
            header(&mut out, name, "counter", help);
            for (group, s) in &inner.groups {
                let _ = writeln!(
                    out,
                    "{name}{{model_group=\"{}\"}} {}",
                    escape(group),
                    value(s)
                );
            }
        }
        header(
            &mut out,
            "litellm_deployment_cooled_down_total",
            "counter",
            "Deployments put in cooldown.",
        );
        for (group, n) in &inner.cooldowns {
            let _ = writeln!(
                out,
                "litellm_deployment_cooled_down_total{{model_group=\"{}\"}} {n}",
                escape(group)
            );
        }
        render_spend(&mut out, spend);
        out
    }
}

/// The spend store's counters: written, dropped (every lost row, whatever the cause), pending,
/// and whether rows can be written now.
fn render_spend(out: &mut String, spend: Option<&SpendStats>) {
    let none = SpendStats::default();
    let stats = spend.unwrap_or(&none);
    let series: [(&str, &str, &str, u64); 3] = [
        (
            "litellm_proxy_spend_rows_written_total",
            "counter",
            "Spend rows committed to the spend store.",
            stats.written,
        ),
        (
            "litellm_proxy_spend_rows_dropped_total",
            "counter",
            "Spend rows lost: the writer queue was full, or the store could not write them after retries.",
            stats.dropped,
        ),
        (
            "litellm_proxy_spend_rows_pending",
            "gauge",
            "Spend rows queued or being written.",
            stats.pending,
        ),
    ];
    for (name, kind, help, value) in series {
        let _ = writeln!(
            out,
            "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}"
        );
    }
    if spend.is_some() {
        let name = "litellm_proxy_spend_store_up";
        let _ = writeln!(
            out,
            "# HELP {name} 1 while spend rows can be written, 0 while writes fail.\n# TYPE {name} gauge\n{name} {}",
            u8::from(stats.failure.is_none())
        );
    }
}

pub fn escape(label: &str) -> String {
    label
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_overhead() {
        let metrics = Metrics::default();
        metrics.observe(&Observation {
            model_group: "g",
            failed_status: None,
            total: Duration::from_millis(12),
            upstream: Some(Duration::from_millis(10)),
            prompt_tokens: 3,
            completion_tokens: 4,
            spend: 0.01,
            retries: 1,
            fallbacks: 0,
        });
        let text = metrics.render(None);
        assert!(text.contains("litellm_proxy_total_requests_metric{model_group=\"g\"} 1"));
        assert!(text
            .contains("litellm_overhead_latency_metric_bucket{model_group=\"g\",le=\"0.0025\"} 1"));
        assert!(text
            .contains("litellm_overhead_latency_metric_bucket{model_group=\"g\",le=\"0.001\"} 0"));
    }
}
