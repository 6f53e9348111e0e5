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

// ---------------------------------------------------------------------------------------------
// Slow clients, the connection cap, and the HTTP layer's own refusals
// ---------------------------------------------------------------------------------------------

use litellm_proxy::ConnectionLimits;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn limits(header_ms: u64, keepalive_ms: u64, max_connections: usize) -> ConnectionLimits {
    ConnectionLimits {
        header_timeout: Duration::from_millis(header_ms),
        keepalive_timeout: Duration::from_millis(keepalive_ms),
        max_connections,
    }
}

async fn connect(h: &Harness) -> TcpStream {
    TcpStream::connect(h.proxy.addr()).await.unwrap()
}

/// Sends `head` one byte every `pace` until the proxy closes the connection; how long it took.
async fn trickle(mut tcp: TcpStream, head: &'static [u8], pace: Duration) -> Duration {
    let started = Instant::now();
    let mut sink = [0u8; 1024];
    for byte in head.iter().cycle() {
        if tcp.write_all(&[*byte]).await.is_err() {
            break;
        }
        // The proxy closing shows as end-of-file (or a reset) on the next read.
        match tokio::time::timeout(pace, tcp.read(&mut sink)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break,
            _ => {}
        }
        assert!(started.elapsed() < Duration::from_secs(20), "never closed");
    }
    started.elapsed()
}

/// Waits until the proxy closes `tcp` (end-of-file or a reset); how long it took.
async fn until_closed(tcp: &mut TcpStream) -> Duration {
    let started = Instant::now();
    let mut sink = [0u8; 4096];
    loop {
        match tokio::time::timeout(Duration::from_secs(20), tcp.read(&mut sink)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return started.elapsed(),
            Ok(Ok(_)) => {}
            Err(_) => panic!("never closed"),
        }
    }
}

#[tokio::test]
async fn slow_header_senders_are_cut_off_while_normal_requests_are_served() {
    let h = start_with_limits("hard-slowloris", ONE_MODEL, limits(1000, 1000, 400)).await;
    let head: &'static [u8] = b"POST /v1/chat/completions HTTP/1.1\r\nHost: proxy\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    let mut slow = Vec::new();
    for _ in 0..40 {
        let tcp = connect(&h).await;
        slow.push(tokio::spawn(trickle(tcp, head, Duration::from_millis(100))));
    }
    // The slow ones hold nothing a normal client needs.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = Instant::now();
    let reply = h.chat("g").await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert!(started.elapsed() < Duration::from_secs(1));
    for task in slow {
        let held = task.await.unwrap();
        assert!(
            held >= Duration::from_millis(900) && held < Duration::from_secs(4),
            "a slow client was closed after {held:?} (header timeout 1 s)"
        );
    }
}

#[tokio::test]
async fn idle_connections_are_closed_after_the_keepalive_timeout_but_busy_ones_are_not() {
    let config = r#"
model_list:
  - model_name: g
    litellm_params: {model: openai/m, api_base: API_BASE}
  - model_name: slow
    litellm_params: {model: openai/slow, api_base: API_BASE}
general_settings: {master_key: sk-test-master-key}
"#;
    let h = start_with_limits("hard-keepalive", config, limits(500, 500, 400)).await;
    // Connected, never a byte.
    let mut silent = connect(&h).await;
    let waited = until_closed(&mut silent).await;
    assert!(
        waited >= Duration::from_millis(400) && waited < Duration::from_secs(3),
        "{waited:?}"
    );
    // One request answered, then quiet: closed after the keep-alive timeout.
    let mut tcp = connect(&h).await;
    tcp.write_all(b"GET /health/liveliness HTTP/1.1\r\nHost: proxy\r\n\r\n")
        .await
        .unwrap();
    let mut first = [0u8; 1024];
    let n = tcp.read(&mut first).await.unwrap();
    assert!(String::from_utf8_lossy(&first[..n]).starts_with("HTTP/1.1 200"));
    let waited = until_closed(&mut tcp).await;
    assert!(
        waited >= Duration::from_millis(400) && waited < Duration::from_secs(3),
        "{waited:?}"
    );
    // A stream slower than both timeouts is being handled, not idle: it runs to its end.
    h.mock.set_behaviour(
        "slow",
        Behaviour::parse("chunks=3,chunk_delay=400").unwrap(),
    );
    let mut body = chat_body("slow");
    body["stream"] = json!(true);
    let reply = h.post("/v1/chat/completions", body).await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        sse_data(&reply.text).last().map(String::as_str),
        Some("[DONE]")
    );
    assert!(reply.text.contains(" w2"), "{}", reply.text);
}

/// Posts a chat request for `model` to the proxy at `url` on a connection of its own; its
/// status (0 when it could not be sent).
async fn chat_on_new_connection(url: String, model: &'static str) -> u16 {
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    client
        .post(format!("{url}/v1/chat/completions"))
        .header("authorization", format!("Bearer {KEY}"))
        .header("content-type", "application/json")
        .body(chat_body(model).to_string())
        .send()
        .await
        .map_or(0, |r| r.status().as_u16())
}

const FAST_AND_SLOW: &str = r#"
model_list:
  - model_name: g
    litellm_params: {model: openai/m, api_base: API_BASE}
  - model_name: slow
    litellm_params: {model: openai/slow-delay-1500, api_base: API_BASE}
general_settings: {master_key: sk-test-master-key}
"#;

#[tokio::test]
async fn at_the_cap_slow_and_idle_connections_give_way_to_new_ones() {
    let h = start_with_limits("hard-cap-evict", FAST_AND_SLOW, limits(30_000, 30_000, 4)).await;
    // An idle connection gives way first.
    let mut idle = connect(&h).await;
    let head: &'static [u8] = b"POST /v1/chat/completions HTTP/1.1\r\nHost: proxy\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    let mut slow = Vec::new();
    for _ in 0..3 {
        slow.push(tokio::spawn(trickle(
            connect(&h).await,
            head,
            Duration::from_millis(100),
        )));
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = Instant::now();
    assert_eq!(chat_on_new_connection(h.proxy.url(), "g").await, 200);
    assert!(started.elapsed() < Duration::from_secs(1));
    assert!(until_closed(&mut idle).await < Duration::from_secs(1));
    // Then the slow readers: four requests that stay busy each take the place of one (the
    // header timeout of 30 s never comes into it).
    let started = Instant::now();
    let busy: Vec<_> = (0..4)
        .map(|_| chat_on_new_connection(h.proxy.url(), "slow"))
        .collect();
    let statuses = futures_util::future::join_all(busy).await;
    assert_eq!(statuses, vec![200; 4]);
    for task in slow {
        let held = task.await.unwrap();
        assert!(
            held < Duration::from_secs(5),
            "a slow client held its slot {held:?}"
        );
    }
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn at_the_cap_with_every_connection_busy_a_new_one_gets_a_prompt_json_503() {
    let config = r#"
model_list:
  - model_name: g
    litellm_params: {model: openai/m, api_base: API_BASE}
  - model_name: slow
    litellm_params: {model: openai/slow-delay-4000, api_base: API_BASE}
general_settings: {master_key: sk-test-master-key}
"#;
    let h = start_with_limits("hard-cap-busy", config, limits(30_000, 30_000, 4)).await;
    let busy: Vec<_> = (0..4)
        .map(|_| tokio::spawn(chat_on_new_connection(h.proxy.url(), "slow")))
        .collect();
    // Every slot is taken once the four calls are upstream (a fixed sleep was too short on a
    // loaded machine: a busy connection not yet accepted let the next one in).
    let deadline = Instant::now() + Duration::from_secs(20);
    while h.mock.hits("slow-delay-4000") < 4 {
        assert!(
            Instant::now() < deadline,
            "the four slow calls reach the mock"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let started = Instant::now();
    let reply = h.chat("g").await;
    let error = assert_openai_error(&reply, 503);
    assert!(error["message"]
        .as_str()
        .unwrap_or("")
        .contains("connection limit"));
    assert_eq!(reply.header("retry-after"), Some("1"));
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "refused promptly"
    );
    assert_eq!(h.mock.hits("m"), 0);
    // The busy ones were never cut, and their slots serve again once they are done.
    for task in busy {
        assert_eq!(task.await.unwrap(), 200);
    }
    let mut served = false;
    for _ in 0..50 {
        if h.chat("g").await.status == 200 {
            served = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(40)).await;
    }
    assert!(served, "a closed connection gives its slot back");
}

/// Sends `request` as is and reads the answer to its end: (status, body).
async fn raw_exchange(h: &Harness, request: Vec<u8>) -> (u16, String) {
    let mut tcp = connect(h).await;
    let writer = async {
        let _ = tcp.write_all(&request).await;
    };
    tokio::time::timeout(Duration::from_secs(10), writer)
        .await
        .unwrap();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), tcp.read_to_end(&mut answer)).await;
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text
        .get(9..12)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line: {text:?}"));
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_string())
        .unwrap_or_default();
    (status, body)
}

fn assert_json_error(status: u16, body: &str, expected: u16) -> Value {
    assert_eq!(status, expected, "{body}");
    let value: Value = serde_json::from_str(body)
        .unwrap_or_else(|e| panic!("{expected}: not JSON ({e}): {body:?}"));
    for field in ["message", "type", "param", "code"] {
        assert!(
            value["error"].get(field).is_some(),
            "{expected}: no `{field}`: {body}"
        );
    }
    assert_eq!(value["error"]["code"], expected.to_string());
    value
}

#[tokio::test]
async fn every_refusal_of_the_http_layer_has_the_json_error_body() {
    let h = start("hard-json-4xx", ONE_MODEL).await;
    // 405: a known route, the wrong method.
    let reply = h.get("/v1/chat/completions").await;
    assert_openai_error(&reply, 405);
    assert!(reply.header("allow").is_some_and(|a| a.contains("POST")));
    // 413: a body over the limit.
    let big = json!({"model": "g", "messages": [{"role": "user", "content": "x".repeat(3 << 20)}]});
    let reply = h.post("/v1/chat/completions", big).await;
    assert_openai_error(&reply, 413);
    let auth = format!("authorization: Bearer {KEY}\r\n");
    // 414: a URI over hyper's limit.
    let uri = format!("/v1/models?pad={}", "a".repeat(70_000));
    let request = format!("GET {uri} HTTP/1.1\r\nHost: proxy\r\n{auth}\r\n");
    let (status, body) = raw_exchange(&h, request.into_bytes()).await;
    assert_json_error(status, &body, 414);
    // 431: headers over the limit.
    let request = format!(
        "GET /v1/models HTTP/1.1\r\nHost: proxy\r\n{auth}X-Pad: {}\r\n\r\n",
        "b".repeat(200_000)
    );
    let (status, body) = raw_exchange(&h, request.into_bytes()).await;
    assert_json_error(status, &body, 431);
    // 400: a Content-Length that is not a number, or two that disagree.
    for lengths in [
        "Content-Length: abc\r\n",
        "Content-Length: 5\r\nContent-Length: 6\r\n",
    ] {
        let request = format!(
            "POST /v1/chat/completions HTTP/1.1\r\nHost: proxy\r\n{auth}{lengths}\r\nhello"
        );
        let (status, body) = raw_exchange(&h, request.into_bytes()).await;
        let error = assert_json_error(status, &body, 400);
        assert_eq!(error["error"]["message"], "Invalid HTTP request received.");
    }
    // A request line that is not HTTP.
    let (status, body) = raw_exchange(&h, b"HELLO\r\n\r\n".to_vec()).await;
    assert_json_error(status, &body, 400);
    // The routes' own 4xx answers pass untouched, pipelined on one connection too.
    let one = "GET /v1/models HTTP/1.1\r\nHost: proxy\r\n\r\n";
    let last = "GET /v1/models HTTP/1.1\r\nHost: proxy\r\nConnection: close\r\n\r\n";
    let (status, answers) = raw_exchange(&h, format!("{one}{one}{last}").into_bytes()).await;
    assert_eq!(status, 401);
    assert_eq!(
        answers.matches("No api key passed in").count(),
        3,
        "{answers}"
    );
    assert!(!answers.contains("Invalid HTTP request"), "{answers}");
    // The proxy still serves.
    assert_eq!(h.chat("g").await.status, 200);
    assert_eq!(h.mock.total_hits(), 1);
}
