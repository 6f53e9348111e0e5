//! `/metrics` in Prometheus text: requests, failures, latency, overhead, tokens, spend.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test aborts on what it did not expect

mod proxy_support;

use proxy_support::*;

#[tokio::test]
async fn metrics_count_requests_failures_and_overhead() {
    let config = r#"
model_list:
  - {model_name: ok, litellm_params: {model: openai/gpt-4o, api_base: API_BASE}}
  - {model_name: down, litellm_params: {model: openai/down-fail-503, api_base: API_BASE}}
router_settings: {num_retries: 0}
general_settings: {master_key: sk-test-master-key}
"#;
    let h = start("metrics", config).await;
    for _ in 0..3 {
        assert_eq!(h.chat("ok").await.status, 200);
    }
    assert_eq!(h.chat("down").await.status, 503);
    let reply = h.get("/metrics").await;
    assert_eq!(reply.status, 200);
    assert!(reply
        .header("content-type")
        .is_some_and(|c| c.starts_with("text/plain")));
    let text = reply.text;
    for line in [
        "litellm_proxy_total_requests_metric{model_group=\"ok\"} 3",
        "litellm_proxy_total_requests_metric{model_group=\"down\"} 1",
        "litellm_proxy_failed_requests_metric{model_group=\"down\",status_code=\"503\"} 1",
        "litellm_overhead_latency_metric_count{model_group=\"ok\"} 3",
        "litellm_llm_api_latency_metric_count{model_group=\"ok\"} 3",
        "litellm_request_total_latency_metric_count{model_group=\"down\"} 1",
        "# TYPE litellm_overhead_latency_metric histogram",
    ] {
        assert!(text.contains(line), "missing `{line}` in:\n{text}");
    }
    let tokens = text
        .lines()
        .find_map(|l| l.strip_prefix("litellm_input_tokens_metric{model_group=\"ok\"} "))
        .and_then(|v| v.parse::<u64>().ok());
    assert!(tokens.is_some_and(|t| t > 0), "{text}");
}
