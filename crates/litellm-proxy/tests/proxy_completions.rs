//! `POST /v1/completions` (legacy text completions) through the proxy against the mock:
//! `text-completion-openai/` deployments (no longer skipped at start-up), OpenAI-compatible and
//! Azure ones, streaming with the usage chunk shown only when asked, cost from the price table
//! (header and spend row, streams included), retries and fallbacks, 400s for prompts OpenAI
//! refuses, and the official OpenAI Python SDK as a client.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test aborts on what it did not expect

mod proxy_support;

use proxy_support::*;
use serde_json::{json, Value};

const CONFIG: &str = r#"
model_list:
  - model_name: instruct
    litellm_params: {model: text-completion-openai/gpt-3.5-turbo-instruct, api_base: API_BASE, api_key: sk-upstream, max_tokens: 7}
    model_info: {mode: completion}
  - model_name: compatible
    litellm_params: {model: hosted_vllm/my-base-model, api_base: API_BASE}
  - model_name: azure-instruct
    litellm_params: {model: azure/instruct-deploy, api_base: API_BASE, api_key: azure-key, api_version: "2024-10-21"}
  - model_name: flaky
    litellm_params: {model: openai/flaky-fail-503, api_base: API_BASE}
router_settings:
  num_retries: 1
  fallbacks: [{flaky: [instruct]}]
general_settings: {master_key: sk-test-master-key}
"#;

/// gpt-3.5-turbo-instruct in the price table (checked below).
const INPUT: f64 = 1.5e-06;
const OUTPUT: f64 = 2e-06;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 + b.abs() * 1e-9
}

#[test]
fn the_rates_are_the_price_tables() {
    let tables: Value =
        serde_json::from_str(include_str!("../../../data/litellm-price-tables.json")).unwrap();
    let table = &tables["models"];
    let entry = &table["gpt-3.5-turbo-instruct"];
    assert_eq!(entry["input_cost_per_token"].as_f64(), Some(INPUT));
    assert_eq!(entry["output_cost_per_token"].as_f64(), Some(OUTPUT));
    assert_eq!(entry["litellm_provider"], "text-completion-openai");
}

#[tokio::test]
async fn a_text_completion_deployment_serves_completions_and_is_priced() {
    let h = start("completions-basic", CONFIG).await;
    for path in ["/v1/completions", "/completions"] {
        let reply = h
            .post(path, json!({"model": "instruct", "prompt": "Say hello"}))
            .await;
        assert_eq!(reply.status, 200, "{path}: {}", reply.text);
        let body = reply.json();
        assert_eq!(body["object"], "text_completion");
        assert_eq!(body["choices"][0]["text"], "Hello w1 w2");
        // "Say hello": 3 prompt tokens by the mock's count; 3 completion tokens.
        let expected = 3.0 * INPUT + 3.0 * OUTPUT;
        let cost: f64 = reply
            .header("x-litellm-response-cost")
            .unwrap()
            .parse()
            .unwrap();
        assert!(close(cost, expected), "{cost}");
        let seen = h.mock.last_request("gpt-3.5-turbo-instruct").unwrap();
        assert!(seen.path.ends_with("/completions") && !seen.path.ends_with("/chat/completions"));
        assert_eq!(seen.body["model"], "gpt-3.5-turbo-instruct");
        assert_eq!(seen.body["prompt"], "Say hello");
        // The deployment's default parameters go with it, as with chat.
        assert_eq!(seen.body["max_tokens"], 7);
        assert_eq!(seen.header("authorization"), Some("Bearer sk-upstream"));
        let id = reply.header("x-litellm-call-id").unwrap().to_string();
        let rows = h.spend_rows(&format!("?request_id={id}"), 1).await;
        assert!(close(rows[0]["spend"].as_f64().unwrap(), expected));
        assert_eq!(rows[0]["completion_tokens"], 3);
    }
}

#[tokio::test]
async fn streams_pass_through_with_usage_only_when_asked() {
    let h = start("completions-stream", CONFIG).await;
    let plain = h
        .post(
            "/v1/completions",
            json!({"model": "instruct", "prompt": "Say hello", "stream": true}),
        )
        .await;
    assert_eq!(plain.status, 200, "{}", plain.text);
    let events = sse_data(&plain.text);
    assert_eq!(events.last().map(String::as_str), Some("[DONE]"));
    let text: String = events
        .iter()
        .filter_map(|e| serde_json::from_str::<Value>(e).ok())
        .filter_map(|c| c["choices"][0]["text"].as_str().map(str::to_string))
        .collect();
    assert_eq!(text, "Hello w1 w2");
    assert!(!plain.text.contains("\"usage\""), "{}", plain.text);
    // The proxy asked for usage anyway, and priced the stream by it.
    let seen = h.mock.last_request("gpt-3.5-turbo-instruct").unwrap();
    assert_eq!(seen.body["stream_options"]["include_usage"], true);
    let id = plain.header("x-litellm-call-id").unwrap().to_string();
    let rows = h.spend_rows(&format!("?request_id={id}"), 1).await;
    assert!(close(
        rows[0]["spend"].as_f64().unwrap(),
        3.0 * INPUT + 3.0 * OUTPUT
    ));
    let asked = h
        .post(
            "/v1/completions",
            json!({"model": "instruct", "prompt": "Say hello", "stream": true, "stream_options": {"include_usage": true}}),
        )
        .await;
    assert!(asked.text.contains("\"usage\""), "{}", asked.text);
}

#[tokio::test]
async fn openai_compatible_and_azure_deployments_serve_completions() {
    let h = start("completions-providers", CONFIG).await;
    let reply = h
        .post(
            "/v1/completions",
            json!({"model": "compatible", "prompt": ["a", "b"]}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let seen = h.mock.last_request("my-base-model").unwrap();
    assert!(seen.path.ends_with("/completions"), "{}", seen.path);
    let azure = h
        .post(
            "/v1/completions",
            json!({"model": "azure-instruct", "prompt": "hi"}),
        )
        .await;
    assert_eq!(azure.status, 200, "{}", azure.text);
    let seen = h.mock.last_request("instruct-deploy").unwrap();
    assert!(
        seen.path
            .ends_with("/openai/deployments/instruct-deploy/completions"),
        "{}",
        seen.path
    );
    assert_eq!(seen.query, "api-version=2024-10-21");
    assert_eq!(seen.header("api-key"), Some("azure-key"));
}

#[tokio::test]
async fn failures_retry_and_fall_back_on_the_pipeline() {
    let h = start("completions-fallback", CONFIG).await;
    let reply = h
        .post("/v1/completions", json!({"model": "flaky", "prompt": "hi"}))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.header("x-litellm-model-group"), Some("instruct"));
    assert_eq!(h.mock.hits("flaky-fail-503"), 2);
}

#[tokio::test]
async fn bad_prompts_are_refused() {
    let h = start("completions-bad", CONFIG).await;
    for body in [
        json!({"model": "instruct"}),
        json!({"model": "instruct", "prompt": []}),
        json!({"model": "instruct", "prompt": {"text": "x"}}),
    ] {
        let reply = h.post("/v1/completions", body.clone()).await;
        let error = assert_openai_error(&reply, 400);
        assert_eq!(error["param"], "prompt", "{body}");
    }
    assert_eq!(h.mock.total_hits(), 0);
}

/// Chat to a `text-completion-openai/` deployment is a text completion upstream, translated
/// both ways as LiteLLM does: one message's text as the prompt (several: one prompt each, so one
/// choice each), the answer's texts as assistant messages, a stream's chunks as chat chunks.
#[tokio::test]
async fn chat_to_a_text_deployment_is_translated_to_a_text_completion() {
    let h = start("completions-chat", CONFIG).await;
    let reply = h
        .post(
            "/v1/chat/completions",
            json!({"model": "instruct", "temperature": 0.5, "messages": [
                {"role": "user", "content": [{"type": "text", "text": "Say "}, {"type": "text", "text": "hello"}]}
            ]}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let seen = h.mock.last_request("gpt-3.5-turbo-instruct").unwrap();
    assert!(seen.path.ends_with("/v1/completions"), "{}", seen.path);
    assert_eq!(seen.body["prompt"], "Say hello");
    assert!(seen.body.get("messages").is_none());
    assert_eq!(seen.body["temperature"], 0.5);
    assert_eq!(seen.body["max_tokens"], 7, "the deployment's default");
    let body = reply.json();
    assert_eq!(body["object"], "chat.completion");
    assert_eq!(
        body["choices"][0]["message"],
        json!({"role": "assistant", "content": "Hello w1 w2"})
    );
    assert_eq!(body["choices"][0]["finish_reason"], "stop");
    let usage = &body["usage"];
    let cost: f64 = reply
        .header("x-litellm-response-cost")
        .unwrap()
        .parse()
        .unwrap();
    let expected = usage["prompt_tokens"].as_f64().unwrap() * INPUT
        + usage["completion_tokens"].as_f64().unwrap() * OUTPUT;
    assert!(close(cost, expected), "{cost} {expected}");

    // Several messages: a prompt each, roles dropped, a choice each.
    let reply = h
        .post(
            "/v1/chat/completions",
            json!({"model": "instruct", "messages": [
                {"role": "system", "content": "Be brief."},
                {"role": "user", "content": "Hi"}
            ]}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let seen = h.mock.last_request("gpt-3.5-turbo-instruct").unwrap();
    assert_eq!(seen.body["prompt"], json!(["Be brief.", "Hi"]));
    assert_eq!(reply.json()["choices"].as_array().unwrap().len(), 2);

    // Streaming: chat chunks, the role first, usage and [DONE] at the end.
    let reply = h
        .post(
            "/v1/chat/completions",
            json!({"model": "instruct", "stream": true, "stream_options": {"include_usage": true},
                   "messages": [{"role": "user", "content": "Hi"}]}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let data = sse_data(&reply.text);
    assert_eq!(data.last().map(String::as_str), Some("[DONE]"));
    let chunks: Vec<Value> = data[..data.len() - 1]
        .iter()
        .map(|d| serde_json::from_str(d).unwrap())
        .collect();
    assert!(chunks
        .iter()
        .all(|c| c["object"] == "chat.completion.chunk"));
    assert_eq!(chunks[0]["choices"][0]["delta"]["role"], "assistant");
    let text: String = chunks
        .iter()
        .filter_map(|c| c["choices"][0]["delta"]["content"].as_str())
        .collect();
    assert_eq!(text, "Hello w1 w2");
    assert!(
        chunks.last().unwrap()["usage"]["total_tokens"]
            .as_u64()
            .unwrap()
            > 0
    );
    let id = reply.header("x-litellm-call-id").unwrap().to_string();
    let rows = h.spend_rows(&format!("?request_id={id}"), 1).await;
    assert!(rows[0]["spend"].as_f64().unwrap() > 0.0, "{}", rows[0]);
    assert_eq!(rows[0]["call_type"], "acompletion");
}

#[tokio::test]
async fn the_openai_sdk_completes_through_the_proxy() {
    if !openai_sdk_installed() {
        return;
    }
    let h = start("completions-sdk", CONFIG).await;
    run_sdk_script(
        &h,
        "sdk_endpoints.py",
        &[("SDK_CASE", "completions".into())],
    )
    .await;
}
