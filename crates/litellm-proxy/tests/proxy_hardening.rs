//! Hostile clients and untrusted upstreams: requests refused before they cost an upstream call,
//! upstream answers that are not what their protocol promises, credentials that must not come
//! back out, retries that must end.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test aborts on what it did not expect

mod proxy_support;

use mock_upstream::Behaviour;
use proxy_support::*;
use serde_json::{json, Value};

const ONE_MODEL: &str = r#"
model_list:
  - model_name: g
    litellm_params: {model: openai/m, api_base: API_BASE}
general_settings: {master_key: sk-test-master-key}
"#;

#[tokio::test]
async fn malformed_chat_requests_are_refused_without_an_upstream_call() {
    let h = start("hard-validate", ONE_MODEL).await;
    let user = json!([{"role": "user", "content": "hi"}]);
    let cases = [
        (json!({"model": "g"}), "messages"),
        (json!({"model": "g", "messages": "hi"}), "messages"),
        (
            json!({"model": "g", "messages": {"role": "user"}}),
            "messages",
        ),
        (json!({"model": "g", "messages": [1, 2]}), "messages[0]"),
        (
            json!({"model": "g", "messages": user, "stream": "true"}),
            "stream",
        ),
        (json!({"model": "g", "messages": user, "n": 0}), "n"),
        (json!({"model": "g", "messages": user, "n": 1000}), "n"),
        (
            json!({"model": "g", "messages": user, "max_tokens": -5}),
            "max_tokens",
        ),
        (
            json!({"model": "g", "messages": user, "max_tokens": "many"}),
            "max_tokens",
        ),
    ];
    for (body, param) in cases {
        let reply = h.post("/v1/chat/completions", body.clone()).await;
        let error = assert_openai_error(&reply, 400);
        assert_eq!(error["param"], param, "{body}: {}", reply.text);
        assert_eq!(error["type"], "invalid_request_error");
    }
    assert_eq!(h.mock.total_hits(), 0, "nothing invalid was forwarded");
    // A valid request still goes through.
    assert_eq!(h.chat("g").await.status, 200);
}

const BROKEN_WITH_BACKUP: &str = r#"
model_list:
  - model_name: g
    litellm_params: {model: openai/broken, api_base: API_BASE}
  - model_name: backup
    litellm_params: {model: openai/backup, api_base: API_BASE}
router_settings:
  num_retries: 1
  disable_cooldowns: true
  fallbacks: [{g: [backup]}]
general_settings: {master_key: sk-test-master-key}
"#;

#[tokio::test]
async fn a_200_that_is_not_a_completion_is_retried_then_falls_back() {
    let h = start("hard-bad-200", BROKEN_WITH_BACKUP).await;
    for spec in ["html", "badjson", "empty", "wrongshape", "huge=40000000"] {
        h.mock.reset_counts();
        h.mock
            .set_behaviour("broken", Behaviour::parse(spec).unwrap());
        let reply = h.chat("g").await;
        assert_eq!(reply.status, 200, "{spec}: {}", reply.text);
        assert_eq!(
            reply.header("x-litellm-model-group"),
            Some("backup"),
            "{spec}"
        );
        assert_eq!(
            reply.header("x-litellm-attempted-retries"),
            Some("1"),
            "{spec}"
        );
        assert_eq!(h.mock.hits("broken"), 2, "{spec}: tried, then retried");
        assert_eq!(h.mock.hits("backup"), 1, "{spec}");
        assert!(reply.json()["choices"].is_array(), "{spec}");
    }
}

#[tokio::test]
async fn a_bad_200_without_fallback_is_a_500_and_a_failure_row() {
    let h = start("hard-bad-200-row", BROKEN_WITH_BACKUP).await;
    for (spec, says) in [
        ("html", "an answer that is not JSON: `<html>"),
        ("empty", "an empty answer"),
        ("wrongshape", "not a chat completion"),
        ("huge=40000000", "an answer larger than 33554432 bytes"),
    ] {
        h.mock
            .set_behaviour("broken", Behaviour::parse(spec).unwrap());
        let mut body = chat_body("g");
        body["disable_fallbacks"] = json!(true);
        let reply = h.post("/v1/chat/completions", body).await;
        let error = assert_openai_error(&reply, 500);
        let message = error["message"].as_str().unwrap_or("");
        assert!(
            message.starts_with(
                "litellm.InternalServerError: OpenAIException - the upstream answered with"
            ) && message.contains(says),
            "{spec}: {message}"
        );
        let id = reply.header("x-litellm-call-id").unwrap().to_string();
        let rows = h.spend_rows(&format!("?request_id={id}"), 1).await;
        assert_eq!(rows[0]["status"], "failure", "{spec}: {}", rows[0]);
        assert_eq!(rows[0]["total_tokens"], 0, "{spec}");
    }
}

#[tokio::test]
async fn a_deployment_answering_html_is_cooled_down() {
    let config = r#"
model_list:
  - model_name: g
    litellm_params: {model: openai/gateway-page, api_base: API_BASE}
  - model_name: g
    litellm_params: {model: openai/up, api_base: API_BASE}
router_settings: {num_retries: 3, allowed_fails: 0}
general_settings: {master_key: sk-test-master-key}
"#;
    let h = start("hard-html-cooldown", config).await;
    h.mock
        .set_behaviour("gateway-page", Behaviour::parse("html").unwrap());
    for _ in 0..6 {
        let reply = h.chat("g").await;
        assert_eq!(reply.status, 200, "{}", reply.text);
    }
    assert_eq!(h.mock.hits("up"), 6);
    assert!(
        h.mock.hits("gateway-page") <= 1,
        "cooled down at its first bad answer"
    );
}

#[tokio::test]
async fn a_stream_that_is_not_sse_or_has_a_huge_event_falls_back_before_its_first_byte() {
    let h = start("hard-not-sse", BROKEN_WITH_BACKUP).await;
    for spec in ["notsse", "html", "huge=6000000"] {
        h.mock.reset_counts();
        h.mock
            .set_behaviour("broken", Behaviour::parse(spec).unwrap());
        let mut body = chat_body("g");
        body["stream"] = json!(true);
        let reply = h.post("/v1/chat/completions", body).await;
        assert_eq!(reply.status, 200, "{spec}: {}", reply.text);
        assert_eq!(
            reply.header("x-litellm-model-group"),
            Some("backup"),
            "{spec}"
        );
        let data = sse_data(&reply.text);
        assert_eq!(data.last().map(String::as_str), Some("[DONE]"), "{spec}");
        assert!(!reply.text.contains("not a stream") && !reply.text.contains("xxxx"));
        assert_eq!(h.mock.hits("broken"), 2, "{spec}");
    }
}

#[tokio::test]
async fn upstream_errors_never_echo_the_credentials_the_proxy_sent() {
    let config = r#"
model_list:
  - model_name: openai-key
    litellm_params: {model: openai/echo-a, api_base: API_BASE, api_key: sk-upstream-secret-1111}
  - model_name: bearer-header
    litellm_params:
      model: openai/echo-b
      api_base: API_BASE
      extra_headers: {Authorization: "Bearer hdr-token-2222"}
  - model_name: azure-key
    litellm_params: {model: azure/echo-c, api_base: "http://MOCK_ADDR", api_key: azure-key-3333, api_version: "2024-10-21"}
  - model_name: azure-ad
    litellm_params: {model: azure/echo-d, api_base: "http://MOCK_ADDR", azure_ad_token: ad-token-4444, api_version: "2024-10-21"}
router_settings: {num_retries: 0, disable_cooldowns: true}
general_settings: {master_key: sk-test-master-key}
"#;
    let h = start("hard-echo", config).await;
    let secrets = [
        "sk-upstream-secret-1111",
        "hdr-token-2222",
        "azure-key-3333",
        "ad-token-4444",
    ];
    for (group, upstream) in [
        ("openai-key", "echo-a"),
        ("bearer-header", "echo-b"),
        ("azure-key", "echo-c"),
        ("azure-ad", "echo-d"),
    ] {
        h.mock
            .set_behaviour(upstream, Behaviour::parse("echo_key").unwrap());
        for stream in [false, true] {
            let mut body = chat_body(group);
            body["stream"] = json!(stream);
            let reply = h.post("/v1/chat/completions", body).await;
            let error = assert_openai_error(&reply, 401);
            let message = error["message"].as_str().unwrap_or("");
            assert!(message.contains("Incorrect API key provided"), "{message}");
            assert!(message.contains("****"), "{group}: {message}");
            for secret in secrets {
                assert!(
                    !reply.text.contains(secret),
                    "{group} leaked: {}",
                    reply.text
                );
            }
        }
        assert!(h.mock.hits(upstream) >= 1, "{group} reached the upstream");
    }
    let health = h.get("/health").await;
    assert!(
        health.text.contains("Incorrect API key provided"),
        "{}",
        health.text
    );
    for secret in secrets {
        assert!(
            !health.text.contains(secret),
            "/health leaked: {}",
            health.text
        );
    }
}

#[tokio::test]
async fn negative_usage_is_recorded_as_zero() {
    let config = r#"
model_list:
  - model_name: g
    litellm_params: {model: openai/gpt-4o-mini, api_base: API_BASE}
general_settings: {master_key: sk-test-master-key}
"#;
    let h = start("hard-negative-usage", config).await;
    h.mock
        .set_behaviour("gpt-4o-mini", Behaviour::parse("negative_usage").unwrap());
    let reply = h.chat("g").await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let cost: f64 = reply
        .header("x-litellm-response-cost")
        .unwrap_or("0")
        .parse()
        .unwrap();
    assert!(cost >= 0.0, "cost {cost}");
    let id = reply.header("x-litellm-call-id").unwrap().to_string();
    let rows = h.spend_rows(&format!("?request_id={id}"), 1).await;
    for field in ["prompt_tokens", "completion_tokens", "total_tokens"] {
        assert_eq!(rows[0][field], 0, "{field}: {}", rows[0]);
    }
    assert!(rows[0]["spend"].as_f64().unwrap_or(-1.0) >= 0.0);
}

#[tokio::test]
async fn credentials_in_an_api_base_are_never_shown() {
    let config = r#"
model_list:
  - model_name: g
    litellm_params: {model: openai/m, api_base: "http://basic-user:hunter2-pass@MOCK_ADDR/v1"}
  - model_name: keyed
    litellm_params: {model: openai/k, api_base: "http://127.0.0.1:9/v1?key=query-secret-5555&alt=sse"}
general_settings: {master_key: sk-test-master-key}
"#;
    let h = start("hard-api-base", config).await;
    let reply = h.chat("g").await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let shown = reply.header("x-litellm-model-api-base").unwrap_or("");
    let expected = format!("http://****@{}/v1", h.mock.addr());
    assert_eq!(shown, expected);
    let id = reply.header("x-litellm-call-id").unwrap().to_string();
    let rows = h.spend_rows(&format!("?request_id={id}"), 1).await;
    assert_eq!(rows[0]["api_base"], Value::String(expected));
    let health = h.get("/health").await;
    assert!(health.text.contains("key=****&alt=sse"), "{}", health.text);
    let spend = h.get("/spend/logs?summarize=false").await;
    for text in [&health.text, &spend.text, &reply.text] {
        for secret in ["hunter2-pass", "basic-user", "query-secret-5555"] {
            assert!(!text.contains(secret), "leaked {secret}: {text}");
        }
    }
}

#[tokio::test]
async fn a_request_cannot_ask_for_endless_retries() {
    let config = r#"
model_list:
  - model_name: g
    litellm_params: {model: openai/down-a-fail-503, api_base: API_BASE}
  - model_name: g
    litellm_params: {model: openai/down-b-fail-503, api_base: API_BASE}
router_settings: {disable_cooldowns: true}
general_settings: {master_key: sk-test-master-key}
"#;
    let h = start("hard-retry-cap", config).await;
    let mut body = chat_body("g");
    body["num_retries"] = json!(1_000_000);
    let reply = h.post("/v1/chat/completions", body).await;
    assert_openai_error(&reply, 503);
    assert_eq!(reply.header("x-litellm-attempted-retries"), Some("10"));
    assert_eq!(h.mock.total_hits(), 11);
    h.mock.reset_counts();
    let reply = h
        .post_with(
            "/v1/chat/completions",
            chat_body("g"),
            &[
                ("authorization", &format!("Bearer {KEY}")),
                ("x-litellm-num-retries", "4294967297"),
            ],
        )
        .await;
    assert_eq!(reply.header("x-litellm-attempted-retries"), Some("10"));
    assert_eq!(h.mock.total_hits(), 11);
}
