//! Cost tracking: the cost header, SQLite spend rows in LiteLLM's shape, `/spend/logs` filters,
//! and no lost rows on a clean shutdown.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test aborts on what it did not expect

mod proxy_support;

use litellm_proxy::{auth, spend};
use proxy_support::*;
use serde_json::json;

const CONFIG: &str = r#"
model_list:
  - model_name: priced
    litellm_params: {model: openai/custom, api_base: API_BASE, input_cost_per_token: 1.0, output_cost_per_token: 2.0}
  - model_name: gpt-4o
    litellm_params: {model: openai/gpt-4o, api_base: API_BASE}
  - model_name: unknown-price
    litellm_params: {model: openai/no-such-model-in-table, api_base: API_BASE}
general_settings: {master_key: sk-test-master-key}
"#;

#[tokio::test]
async fn every_call_is_priced_and_logged_in_litellm_row_shape() {
    let h = start("spend-rows", CONFIG).await;
    let reply = h.chat("priced").await;
    let usage = reply.json()["usage"].clone();
    let (prompt, completion) = (
        usage["prompt_tokens"].as_f64().unwrap_or(0.0),
        usage["completion_tokens"].as_f64().unwrap_or(0.0),
    );
    let cost: f64 = reply
        .header("x-litellm-response-cost")
        .and_then(|c| c.parse().ok())
        .unwrap_or(-1.0);
    assert_eq!(
        cost,
        prompt * 1.0 + completion * 2.0,
        "custom per-token prices win"
    );
    let call_id = reply.header("x-litellm-call-id").unwrap_or("").to_string();

    let unpriced = h.chat("unknown-price").await;
    // LiteLLM sends no cost header for a call it cannot price.
    assert_eq!(unpriced.header("x-litellm-response-cost"), None);

    let rows = h.spend_rows(&format!("?request_id={call_id}"), 1).await;
    let row = &rows[0];
    for field in [
        "request_id",
        "api_key",
        "model",
        "api_base",
        "call_type",
        "spend",
        "total_tokens",
        "prompt_tokens",
        "completion_tokens",
        "startTime",
        "endTime",
        "user",
        "metadata",
        "cache_hit",
        "cache_key",
        "request_tags",
        "requester_ip_address",
        "messages",
        "response",
    ] {
        assert!(row.get(field).is_some(), "row lacks `{field}`: {row}");
    }
    assert_eq!(row["spend"].as_f64(), Some(cost));
    assert_eq!(row["total_tokens"].as_f64(), Some(prompt + completion));
    assert_eq!(row["model"], "custom");
    assert_eq!(row["model_group"], "priced");
    assert_eq!(row["call_type"], "acompletion");
    assert_eq!(row["status"], "success");
    assert_eq!(row["custom_llm_provider"], "openai");
    assert_eq!(row["requester_ip_address"], "127.0.0.1");
    assert!(
        row["api_base"]
            .as_str()
            .is_some_and(|base| base.starts_with("http://127.0.0.1:")),
        "the deployment's api_base: {row}"
    );
    assert!(
        row["model_id"].as_str().is_some_and(|id| !id.is_empty()),
        "the deployment's id: {row}"
    );
    assert_eq!(
        row["metadata"]["usage_object"]["total_tokens"].as_f64(),
        Some(prompt + completion)
    );
    assert!(
        row["startTime"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z') && t.len() == 24),
        "ISO time with milliseconds: {row}"
    );
    assert_eq!(
        row["api_key"],
        auth::hash_key(KEY),
        "the key is stored hashed, as LiteLLM does"
    );
}

#[tokio::test]
async fn spend_logs_filters_by_user_key_and_summarizes_days() {
    let h = start("spend-filters", CONFIG).await;
    for user in ["alice", "bob", "alice"] {
        let body = json!({"model": "gpt-4o", "user": user, "messages": [{"role": "user", "content": "hello there"}]});
        assert_eq!(h.post("/v1/chat/completions", body).await.status, 200);
    }
    let stream = json!({"model": "gpt-4o", "user": "carol", "stream": true, "messages": [{"role": "user", "content": "hello there"}]});
    assert_eq!(h.post("/v1/chat/completions", stream).await.status, 200);

    let all = h.spend_rows("", 4).await;
    assert_eq!(all.len(), 4);
    let alice = h.spend_rows("?user_id=alice", 2).await;
    assert!(alice.iter().all(|r| r["user"] == "alice") && alice.len() == 2);
    let carol = h.spend_rows("?user_id=carol", 1).await;
    assert!(
        carol[0]["prompt_tokens"].as_u64().unwrap_or(0) > 0,
        "stream usage is recorded: {}",
        carol[0]
    );
    assert!(carol[0]["spend"].as_f64().unwrap_or(0.0) > 0.0);
    let by_key = h.spend_rows(&format!("?api_key={KEY}"), 4).await;
    assert_eq!(by_key.len(), 4, "a raw sk- key is hashed before lookup");
    let other_key = h.get("/spend/logs?api_key=sk-someone-else").await.json();
    assert_eq!(other_key, json!([]));

    let today = all[0]["startTime"]
        .as_str()
        .unwrap_or("")
        .get(..10)
        .unwrap_or("")
        .to_string();
    let days = h
        .get(&format!("/spend/logs?start_date={today}&end_date={today}"))
        .await
        .json();
    assert_eq!(days.as_array().map(Vec::len), Some(1));
    assert_eq!(days[0]["startTime"], today.as_str());
    let total: f64 = all.iter().filter_map(|r| r["spend"].as_f64()).sum();
    assert!((days[0]["spend"].as_f64().unwrap_or(0.0) - total).abs() < 1e-12);
    assert!(days[0]["users"]["alice"].as_f64().unwrap_or(0.0) > 0.0);
    let rows = h
        .get(&format!(
            "/spend/logs?start_date={today}&end_date={today}&summarize=false"
        ))
        .await
        .json();
    assert_eq!(rows.as_array().map(Vec::len), Some(4));
    assert_eq!(
        h.get("/spend/logs?start_date=2024-13-01&end_date=2024-13-02")
            .await
            .status,
        400
    );
}

#[tokio::test]
async fn a_clean_shutdown_loses_no_row() {
    let h = start("spend-shutdown", CONFIG).await;
    for _ in 0..40 {
        assert_eq!(h.chat("gpt-4o").await.status, 200);
    }
    let path = h.dir.join("spend.sqlite");
    let Harness { proxy, .. } = h;
    proxy.stop().await;
    let rows =
        spend::query(&path, &spend::SpendQuery::default()).unwrap_or_else(|e| panic!("query: {e}"));
    assert_eq!(rows.as_array().map(Vec::len), Some(40));
}

#[tokio::test]
async fn a_failed_request_leaves_a_failure_row_without_spend() {
    let config = r#"
model_list:
  - {model_name: down, litellm_params: {model: openai/down-fail-500, api_base: API_BASE}}
router_settings: {num_retries: 0}
general_settings: {master_key: sk-test-master-key}
"#;
    let h = start("spend-failure", config).await;
    let reply = h.chat("down").await;
    assert_eq!(reply.status, 500);
    let call_id = reply.header("x-litellm-call-id").unwrap_or("").to_string();
    let rows = h.spend_rows(&format!("?request_id={call_id}"), 1).await;
    assert_eq!(
        (rows[0]["status"].as_str(), rows[0]["spend"].as_f64()),
        (Some("failure"), Some(0.0))
    );
}
