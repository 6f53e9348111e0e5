//! Retries, fallbacks, cooldowns and stream failures, against a mock that fails on command.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test aborts on what it did not expect

mod proxy_support;

use mock_upstream::Behaviour;
use proxy_support::*;
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn retries_move_to_the_healthy_deployment_of_the_group() {
    let config = r#"
model_list:
  - model_name: g
    litellm_params: {model: openai/down, api_base: API_BASE}
  - model_name: g
    litellm_params: {model: openai/up, api_base: API_BASE}
router_settings: {num_retries: 3, allowed_fails: 0}
general_settings: {master_key: sk-test-master-key}
"#;
    let h = start("rel-retry", config).await;
    h.mock.set_behaviour("down", Behaviour::status(503));
    let mut retries = 0;
    for _ in 0..6 {
        let reply = h.chat("g").await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        retries += reply
            .header("x-litellm-attempted-retries")
            .and_then(|r| r.parse::<u64>().ok())
            .unwrap_or(99);
    }
    // `allowed_fails: 0` cools `down` at its first failure, so the retry (and every later call)
    // goes to `up`, with no back-off since a healthy deployment is left.
    assert_eq!(h.mock.hits("up"), 6);
    assert!(h.mock.hits("down") <= 1);
    assert_eq!(retries, h.mock.hits("down"));
}

#[tokio::test]
async fn a_400_is_not_retried_and_keeps_its_status() {
    let config = r#"
model_list:
  - model_name: g
    litellm_params: {model: openai/bad-fail-400, api_base: API_BASE}
router_settings: {num_retries: 3}
general_settings: {master_key: sk-test-master-key}
"#;
    let h = start("rel-400", config).await;
    let reply = h.chat("g").await;
    let error = assert_openai_error(&reply, 400);
    assert!(error["message"]
        .as_str()
        .unwrap_or("")
        .starts_with("litellm.BadRequestError: OpenAIException - mock failure"));
    assert_eq!(h.mock.hits("bad-fail-400"), 1);
    assert_eq!(reply.header("x-litellm-attempted-retries"), Some("0"));
}

#[tokio::test]
async fn fallbacks_follow_the_matching_rules() {
    let config = r#"
model_list:
  - model_name: primary
    litellm_params: {model: openai/primary-fail-500, api_base: API_BASE}
  - model_name: also-broken
    litellm_params: {model: openai/also-fail-502, api_base: API_BASE}
  - model_name: backup
    litellm_params: {model: openai/backup, api_base: API_BASE}
  - model_name: orphan
    litellm_params: {model: openai/orphan-fail-503, api_base: API_BASE}
  - model_name: last-resort
    litellm_params: {model: openai/last-resort, api_base: API_BASE}
router_settings:
  num_retries: 0
  fallbacks:
    - primary: [also-broken, backup]
  default_fallbacks: [last-resort]
general_settings: {master_key: sk-test-master-key}
"#;
    let h = start("rel-fallback", config).await;
    let reply = h.chat("primary").await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    // A hop re-enters the whole machinery for its group, so `also-broken` falls back on its own
    // (to the `*` rule) before `backup` is reached.
    assert_eq!(reply.header("x-litellm-model-group"), Some("last-resort"));
    assert_eq!(
        reply.header("x-litellm-attempted-fallbacks"),
        Some("2"),
        "also-broken, last-resort"
    );
    assert_eq!(
        (
            h.mock.hits("primary-fail-500"),
            h.mock.hits("also-fail-502"),
            h.mock.hits("backup")
        ),
        (1, 1, 0)
    );

    // A target with no deployment is skipped (the checker refuses one in the config, so it is
    // given by the client here).
    let body = json!({"model": "primary", "fallbacks": ["no-such-group", "backup"], "messages": [{"role": "user", "content": "x"}]});
    let reply = h.post("/v1/chat/completions", body).await;
    assert_eq!(
        reply.header("x-litellm-model-group"),
        Some("backup"),
        "{}",
        reply.text
    );
    assert_eq!(reply.header("x-litellm-attempted-fallbacks"), Some("2"));

    // No specific rule: the `*` rule from default_fallbacks.
    let reply = h.chat("orphan").await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.header("x-litellm-model-group"), Some("last-resort"));

    // The client can turn fallbacks off.
    let body = json!({"model": "primary", "disable_fallbacks": true, "messages": [{"role": "user", "content": "x"}]});
    let reply = h.post("/v1/chat/completions", body).await;
    assert_openai_error(&reply, 500);
}

#[tokio::test]
async fn max_fallbacks_caps_the_hops_and_the_last_error_is_returned() {
    let config = r#"
model_list:
  - {model_name: a, litellm_params: {model: openai/a-fail-500, api_base: API_BASE}}
  - {model_name: b, litellm_params: {model: openai/b-fail-429, api_base: API_BASE}}
  - {model_name: c, litellm_params: {model: openai/c, api_base: API_BASE}}
router_settings:
  num_retries: 0
  max_fallbacks: 1
  fallbacks: [{a: [b, c]}]
general_settings: {master_key: sk-test-master-key}
"#;
    let h = start("rel-maxfb", config).await;
    let reply = h.chat("a").await;
    assert_openai_error(&reply, 429);
    assert_eq!(reply.header("x-litellm-attempted-fallbacks"), Some("1"));
    assert_eq!(h.mock.hits("c"), 0);
}

#[tokio::test]
async fn context_and_content_policy_errors_use_their_own_lists() {
    let config = r#"
model_list:
  - {model_name: small, litellm_params: {model: openai/small-context-length, api_base: API_BASE}}
  - {model_name: large, litellm_params: {model: openai/large, api_base: API_BASE}}
  - {model_name: strict, litellm_params: {model: openai/strict-content-policy, api_base: API_BASE}}
  - {model_name: lenient, litellm_params: {model: openai/lenient, api_base: API_BASE}}
  - {model_name: general, litellm_params: {model: openai/general, api_base: API_BASE}}
router_settings:
  num_retries: 2
  context_window_fallbacks: [{small: [large]}]
  content_policy_fallbacks: [{strict: [lenient]}]
  fallbacks: [{small: [general]}, {strict: [general]}]
general_settings: {master_key: sk-test-master-key}
"#;
    let h = start("rel-special", config).await;
    let reply = h.chat("small").await;
    assert_eq!(
        reply.header("x-litellm-model-group"),
        Some("large"),
        "{}",
        reply.text
    );
    let reply = h.chat("strict").await;
    assert_eq!(
        reply.header("x-litellm-model-group"),
        Some("lenient"),
        "{}",
        reply.text
    );
    assert_eq!(
        h.mock.hits("small-context-length"),
        1,
        "no retry when a context-window fallback exists"
    );
    assert_eq!(h.mock.hits("general"), 0);
}

#[tokio::test]
async fn a_context_error_without_a_matching_context_rule_is_returned_as_is() {
    let config = r#"
model_list:
  - {model_name: small, litellm_params: {model: openai/small-context-length, api_base: API_BASE}}
  - {model_name: general, litellm_params: {model: openai/general, api_base: API_BASE}}
router_settings:
  context_window_fallbacks: [{other: [general]}]
  fallbacks: [{small: [general]}]
general_settings: {master_key: sk-test-master-key}
"#;
    let h = start("rel-ctx-nomatch", config).await;
    let reply = h.chat("small").await;
    let error = assert_openai_error(&reply, 400);
    assert!(error["message"]
        .as_str()
        .unwrap_or("")
        .contains("ContextWindowExceededError"));
    assert_eq!(h.mock.hits("general"), 0);
}

#[tokio::test]
async fn a_cooled_deployment_is_skipped_then_recovers() {
    let config = r#"
model_list:
  - model_name: g
    litellm_params: {model: openai/preferred, api_base: API_BASE, order: 1}
  - model_name: g
    litellm_params: {model: openai/spare, api_base: API_BASE, order: 2}
router_settings: {num_retries: 0, allowed_fails: 0, cooldown_time: 1}
general_settings: {master_key: sk-test-master-key}
"#;
    let h = start("rel-cooldown", config).await;
    h.mock.set_behaviour("preferred", Behaviour::status(500));
    let first = h.chat("g").await;
    assert_eq!(
        first.status, 200,
        "the next `order` tier serves: {}",
        first.text
    );
    assert_eq!(h.mock.hits("preferred"), 1);
    h.mock.clear_behaviour("preferred");
    for _ in 0..3 {
        assert_eq!(h.chat("g").await.status, 200);
    }
    assert_eq!(h.mock.hits("preferred"), 1, "cooling down: not called");
    assert_eq!(h.mock.hits("spare"), 4);
    tokio::time::sleep(Duration::from_millis(1300)).await;
    assert_eq!(h.chat("g").await.status, 200);
    assert_eq!(
        h.mock.hits("preferred"),
        2,
        "cooldown over: preferred again"
    );
    let metrics = h.get("/metrics").await.text;
    assert!(
        metrics.contains("litellm_deployment_cooled_down_total{model_group=\"g\"} 1"),
        "{metrics}"
    );
}

#[tokio::test]
async fn all_deployments_cooling_is_a_429_that_still_falls_back() {
    let config = r#"
model_list:
  - {model_name: g, litellm_params: {model: openai/g-fail-401, api_base: API_BASE}}
  - {model_name: spare, litellm_params: {model: openai/spare, api_base: API_BASE}}
router_settings: {num_retries: 0, cooldown_time: 30}
general_settings: {master_key: sk-test-master-key}
"#;
    let h = start("rel-allcool", config).await;
    assert_openai_error(&h.chat("g").await, 401);
    let reply = h.chat("g").await;
    let error = assert_openai_error(&reply, 429);
    assert!(
        error["message"]
            .as_str()
            .unwrap_or("")
            .contains("No deployments available"),
        "{}",
        reply.text
    );
    assert_eq!(
        h.mock.hits("g-fail-401"),
        1,
        "a 401 cools even a single deployment"
    );
    let body = json!({"model": "g", "fallbacks": ["spare"], "messages": [{"role": "user", "content": "x"}]});
    let reply = h.post("/v1/chat/completions", body).await;
    assert_eq!(
        reply.header("x-litellm-model-group"),
        Some("spare"),
        "{}",
        reply.text
    );
}

#[tokio::test]
async fn a_reset_connection_is_retried_then_the_next_tier_serves() {
    let config = r#"
model_list:
  - {model_name: g, litellm_params: {model: openai/flaky-reset, api_base: API_BASE, order: 1}}
  - {model_name: g, litellm_params: {model: openai/steady, api_base: API_BASE, order: 2}}
router_settings: {num_retries: 1}
general_settings: {master_key: sk-test-master-key}
"#;
    let h = start("rel-reset", config).await;
    let reply = h.chat("g").await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(
        (h.mock.hits("flaky-reset"), h.mock.hits("steady")),
        (2, 1),
        "one retry, then tier 2"
    );
    assert_eq!(reply.header("x-litellm-attempted-retries"), Some("1"));
    assert_eq!(reply.header("x-litellm-attempted-fallbacks"), Some("1"));
    let body = json!({"model": "g", "disable_fallbacks": true, "num_retries": 0, "messages": [{"role": "user", "content": "x"}]});
    h.mock
        .set_behaviour("steady", Behaviour::parse("reset").unwrap_or_default());
    let reply = h.post("/v1/chat/completions", body).await;
    let error = assert_openai_error(&reply, 500);
    assert!(
        error["message"]
            .as_str()
            .unwrap_or("")
            .contains("APIConnectionError"),
        "{}",
        reply.text
    );
}

#[tokio::test]
async fn a_stream_that_fails_at_once_falls_back_but_not_after_bytes_went_out() {
    let config = r#"
model_list:
  - {model_name: broken, litellm_params: {model: openai/broken-fail-500, api_base: API_BASE}}
  - {model_name: midway, litellm_params: {model: openai/midway, api_base: API_BASE}}
  - {model_name: backup, litellm_params: {model: openai/backup, api_base: API_BASE}}
router_settings:
  num_retries: 0
  fallbacks: [{broken: [backup]}, {midway: [backup]}]
general_settings: {master_key: sk-test-master-key}
"#;
    let h = start("rel-stream", config).await;
    let stream = |model: &str| json!({"model": model, "stream": true, "messages": [{"role": "user", "content": "x"}]});
    let reply = h.post("/v1/chat/completions", stream("broken")).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("x-litellm-model-group"), Some("backup"));
    assert!(reply.text.ends_with("data: [DONE]\n\n"));

    h.mock.set_behaviour(
        "midway",
        Behaviour::parse("break_after=2,chunk_delay=30").unwrap_or_default(),
    );
    let reply = h.post("/v1/chat/completions", stream("midway")).await;
    assert_eq!(reply.status, 200, "the stream had started");
    let data = sse_data(&reply.text);
    assert!(
        data.iter().any(|d| d.contains("\"Hello\"")),
        "chunks before the break arrived: {}",
        reply.text
    );
    assert!(
        data.iter().any(|d| d.starts_with("{\"error\"")),
        "an error frame: {}",
        reply.text
    );
    assert_eq!(data.last().map(String::as_str), Some("[DONE]"));
    assert_eq!(
        h.mock.hits("backup"),
        1,
        "no fallback once bytes went to the client"
    );
}

#[tokio::test]
async fn a_client_that_disconnects_cancels_the_upstream_stream() {
    let config = r#"
model_list:
  - {model_name: slow, litellm_params: {model: openai/slow, api_base: API_BASE}}
general_settings: {master_key: sk-test-master-key}
"#;
    let h = start("rel-cancel", config).await;
    h.mock.set_behaviour(
        "slow",
        Behaviour::parse("chunks=200,chunk_delay=20").unwrap_or_default(),
    );
    let body =
        json!({"model": "slow", "stream": true, "messages": [{"role": "user", "content": "x"}]});
    let mut response = h
        .client
        .post(h.url("/v1/chat/completions"))
        .header("authorization", format!("Bearer {KEY}"))
        .body(body.to_string())
        .send()
        .await
        .unwrap_or_else(|e| panic!("send: {e}"));
    let first = response
        .chunk()
        .await
        .unwrap_or_else(|e| panic!("chunk: {e}"));
    assert!(first.is_some_and(|c| !c.is_empty()));
    drop(response);
    for _ in 0..200 {
        if h.mock.cancelled_calls() == 1 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the upstream stream was not cancelled after the client left");
}

#[tokio::test]
async fn deployment_timeouts_end_slow_calls_as_408_and_fall_back() {
    let config = r#"
model_list:
  - {model_name: slow, litellm_params: {model: openai/slow-delay-2000, api_base: API_BASE, timeout: 0.2, stream_timeout: 0.2}}
  - {model_name: quick, litellm_params: {model: openai/quick, api_base: API_BASE}}
router_settings: {num_retries: 0, fallbacks: [{slow: [quick]}]}
general_settings: {master_key: sk-test-master-key}
"#;
    let h = start("rel-timeout", config).await;
    let body = |stream: bool| json!({"model": "slow", "stream": stream, "disable_fallbacks": true, "messages": [{"role": "user", "content": "x"}]});
    for stream in [false, true] {
        let reply = h.post("/v1/chat/completions", body(stream)).await;
        let error = assert_openai_error(&reply, 408);
        assert!(
            error["message"]
                .as_str()
                .unwrap_or("")
                .starts_with("litellm.Timeout"),
            "{}",
            reply.text
        );
    }
    let reply = h.chat("slow").await;
    assert_eq!(
        reply.header("x-litellm-model-group"),
        Some("quick"),
        "{}",
        reply.text
    );
}

#[tokio::test]
async fn a_client_that_hangs_up_cancels_a_pending_upstream_call() {
    let config = r#"
model_list:
  - {model_name: slow, litellm_params: {model: openai/slow-delay-3000, api_base: API_BASE}}
general_settings: {master_key: sk-test-master-key}
"#;
    let h = start("rel-hangup", config).await;
    let result = h
        .client
        .post(h.url("/v1/chat/completions"))
        .header("authorization", format!("Bearer {KEY}"))
        .body(chat_body("slow").to_string())
        .timeout(Duration::from_millis(300))
        .send()
        .await;
    assert!(result.is_err(), "the client gave up first");
    for _ in 0..100 {
        if h.mock.cancelled_calls() == 1 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the upstream call went on after the client hung up");
}

#[tokio::test]
async fn retry_policies_set_retries_per_error_type_and_group() {
    let config = r#"
model_list:
  - {model_name: g, litellm_params: {model: openai/g1-fail-500, api_base: API_BASE}}
  - {model_name: g, litellm_params: {model: openai/g2-fail-500, api_base: API_BASE}}
  - {model_name: h, litellm_params: {model: openai/h1-fail-500, api_base: API_BASE}}
  - {model_name: h, litellm_params: {model: openai/h2-fail-500, api_base: API_BASE}}
  - {model_name: r, litellm_params: {model: openai/r-fail-429, api_base: API_BASE}}
router_settings:
  num_retries: 4
  retry_policy: {InternalServerErrorRetries: 1, RateLimitErrorRetries: 0}
  model_group_retry_policy: {h: {InternalServerErrorRetries: 2}}
general_settings: {master_key: sk-test-master-key}
"#;
    let h = start("rel-retry-policy", config).await;
    assert_eq!(
        h.chat("g").await.header("x-litellm-attempted-retries"),
        Some("1")
    );
    assert_eq!(h.mock.hits("g1-fail-500") + h.mock.hits("g2-fail-500"), 2);
    assert_eq!(
        h.chat("h").await.header("x-litellm-attempted-retries"),
        Some("2")
    );
    assert_eq!(h.mock.hits("h1-fail-500") + h.mock.hits("h2-fail-500"), 3);
    assert_openai_error(&h.chat("r").await, 429);
    assert_eq!(h.mock.hits("r-fail-429"), 1);
}

#[tokio::test]
async fn allowed_fails_policy_counts_failures_per_error_type() {
    let config = r#"
model_list:
  - {model_name: g, litellm_params: {model: openai/preferred, api_base: API_BASE, order: 1}}
  - {model_name: g, litellm_params: {model: openai/spare, api_base: API_BASE, order: 2}}
router_settings:
  num_retries: 0
  cooldown_time: 30
  allowed_fails_policy: {InternalServerErrorAllowedFails: 1}
general_settings: {master_key: sk-test-master-key}
"#;
    let h = start("rel-allowed-policy", config).await;
    h.mock.set_behaviour("preferred", Behaviour::status(500));
    for _ in 0..4 {
        assert_eq!(h.chat("g").await.status, 200);
    }
    assert_eq!(
        h.mock.hits("preferred"),
        2,
        "one failure is allowed, the second cools it down"
    );
    assert_eq!(h.mock.hits("spare"), 4);
}
