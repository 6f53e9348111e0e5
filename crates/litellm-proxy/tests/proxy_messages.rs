//! Anthropic's Messages API on the proxy (`POST /v1/messages`, `POST /v1/messages/count_tokens`)
//! against the mock: passed natively to an `anthropic/…` deployment (the mock checks what
//! Anthropic checks), translated to and from chat completions for an OpenAI-protocol one, streams
//! in Anthropic's event order, tools both ways, errors in Anthropic's shape, `x-api-key` auth,
//! usage, cost, spend rows and `x-litellm-*` headers; then the official Anthropic Python SDK
//! (tests/python/sdk_messages.py) against both.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test aborts on what it did not expect

mod proxy_support;

use proxy_support::*;
use serde_json::{json, Value};

const CONFIG: &str = r#"
model_list:
  - model_name: claude
    litellm_params: {model: anthropic/claude-haiku-4-5, api_base: API_BASE, api_key: sk-ant-test}
  - model_name: claude-overloaded
    litellm_params: {model: anthropic/claude-fail-529, api_base: API_BASE, api_key: sk-ant-test}
  - model_name: gpt
    litellm_params: {model: openai/gpt-4o, api_base: API_BASE, api_key: sk-openai-test}
  - model_name: gpt-broken
    litellm_params: {model: openai/gpt-fail-503, api_base: API_BASE}
  - model_name: gpt-flaky
    litellm_params: {model: openai/gpt-fail-500, api_base: API_BASE}
router_settings:
  num_retries: 0
  cooldown_time: 0
  fallbacks: [{gpt-flaky: [claude]}]
general_settings: {master_key: sk-test-master-key}
"#;

async fn harness(name: &str) -> Harness {
    start(name, CONFIG).await
}

/// A POST as the Anthropic SDK sends it: `x-api-key`, `anthropic-version`.
async fn messages(h: &Harness, path: &str, body: Value, extra: &[(&str, &str)]) -> Reply {
    let mut headers = vec![("x-api-key", KEY), ("anthropic-version", "2023-06-01")];
    headers.extend_from_slice(extra);
    h.post_with(path, body, &headers).await
}

fn weather() -> Value {
    json!({
        "name": "get_weather",
        "description": "The weather in a city",
        "input_schema": {
            "type": "object",
            "properties": {"city": {"type": "string"}, "days": {"type": "integer"}},
            "required": ["city"]
        }
    })
}

fn ask(model: &str) -> Value {
    json!({
        "model": model,
        "max_tokens": 100,
        "system": "Be brief.",
        "messages": [{"role": "user", "content": "Say hello"}],
    })
}

/// The events of an Anthropic stream: (event name, data).
fn events(text: &str) -> Vec<(String, Value)> {
    text.split("\n\n")
        .filter(|e| !e.trim().is_empty())
        .map(|event| {
            let mut name = String::new();
            let mut data = String::new();
            for line in event.lines() {
                if let Some(rest) = line.strip_prefix("event: ") {
                    name = rest.to_string();
                } else if let Some(rest) = line.strip_prefix("data: ") {
                    data.push_str(rest);
                }
            }
            let data: Value = serde_json::from_str(&data)
                .unwrap_or_else(|e| panic!("event data is not JSON ({e}): {event}"));
            assert_eq!(data["type"], name.as_str(), "event name and type agree");
            (name, data)
        })
        .collect()
}

/// The names of the events, pings left out.
fn names(events: &[(String, Value)]) -> Vec<&str> {
    events
        .iter()
        .map(|(n, _)| n.as_str())
        .filter(|n| *n != "ping")
        .collect()
}

fn assert_anthropic_error(reply: &Reply, status: u16, kind: &str) -> String {
    assert_eq!(reply.status, status, "status; body: {}", reply.text);
    let body = reply.json();
    assert_eq!(body["type"], "error", "{}", reply.text);
    assert_eq!(body["error"]["type"], kind, "{}", reply.text);
    body["error"]["message"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn an_anthropic_deployment_gets_the_request_natively() {
    let h = harness("messages-native").await;
    let mut body = ask("claude");
    body["metadata"] = json!({"user_id": "user-7", "session": "dropped"});
    body["service_tier"] = json!("auto");
    body["top_k"] = json!(5);
    body["litellm_metadata"] = json!({"tags": ["claude-code"]});
    let reply = messages(
        &h,
        "/v1/messages?beta=true",
        body,
        &[("anthropic-beta", "prompt-caching-2024-07-31")],
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let answer = reply.json();
    assert_eq!(answer["type"], "message");
    assert!(answer["id"].as_str().unwrap().starts_with("msg_mock_"));
    assert_eq!(answer["content"][0]["text"], "Hello w1 w2");
    assert_eq!(answer["stop_reason"], "end_turn");
    assert_eq!(answer["usage"]["output_tokens"], 3);

    let sent = h.mock.last_request("claude-haiku-4-5").unwrap();
    assert_eq!(sent.body["model"], "claude-haiku-4-5");
    assert_eq!(sent.body["system"], "Be brief.");
    assert_eq!(sent.body["top_k"], 5);
    assert_eq!(sent.body["metadata"], json!({"user_id": "user-7"}));
    assert!(sent.body.get("service_tier").is_none(), "{}", sent.body);
    assert!(sent.body.get("litellm_metadata").is_none(), "{}", sent.body);
    assert_eq!(sent.header("x-api-key"), Some("sk-ant-test"));
    assert_eq!(sent.header("anthropic-version"), Some("2023-06-01"));
    assert_eq!(
        sent.header("anthropic-beta"),
        Some("prompt-caching-2024-07-31")
    );

    assert_eq!(reply.header("x-litellm-model-group"), Some("claude"));
    assert!(reply.header("x-litellm-call-id").is_some());
    assert!(reply.header("x-litellm-model-id").is_some());
    let cost: f64 = reply
        .header("x-litellm-response-cost")
        .expect("claude-haiku-4-5 is priced")
        .parse()
        .unwrap();
    assert!(cost > 0.0);
    let call_id = reply.header("x-litellm-call-id").unwrap().to_string();
    let rows = h
        .spend_rows(&format!("?request_id={call_id}&summarize=false"), 1)
        .await;
    let row = &rows[0];
    assert_eq!(row["model_group"], "claude");
    assert_eq!(row["completion_tokens"], 3);
    assert!(row["prompt_tokens"].as_u64().unwrap() > 0);
    assert_eq!(row["status"], "success");
    assert!(
        row["metadata"].to_string().contains("claude-code"),
        "litellm_metadata is the row's metadata: {}",
        row["metadata"]
    );
}

#[tokio::test]
async fn a_native_stream_is_passed_through_and_priced() {
    let h = harness("messages-native-stream").await;
    let mut body = ask("claude");
    body["stream"] = json!(true);
    let reply = messages(&h, "/v1/messages", body, &[]).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.header("content-type"), Some("text/event-stream"));
    let events = events(&reply.text);
    assert_eq!(
        names(&events),
        [
            "message_start",
            "content_block_start",
            "content_block_delta",
            "content_block_delta",
            "content_block_delta",
            "content_block_stop",
            "message_delta",
            "message_stop"
        ]
    );
    assert!(events[0].1["message"]["id"]
        .as_str()
        .unwrap()
        .starts_with("msg_mock_"));
    assert!(
        events.iter().any(|(n, _)| n == "ping"),
        "Anthropic's events pass through as they are"
    );
    let call_id = reply.header("x-litellm-call-id").unwrap().to_string();
    let rows = h
        .spend_rows(&format!("?request_id={call_id}&summarize=false"), 1)
        .await;
    assert_eq!(rows[0]["completion_tokens"], 3);
    assert!(rows[0]["spend"].as_f64().unwrap() > 0.0, "{}", rows[0]);
}

#[tokio::test]
async fn another_provider_is_served_through_chat_completions() {
    let h = harness("messages-bridge").await;
    let mut body = ask("gpt");
    body["stop_sequences"] = json!(["END"]);
    body["metadata"] = json!({"user_id": "user-7"});
    let reply = messages(&h, "/v1/messages", body, &[]).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let answer = reply.json();
    assert_eq!(answer["type"], "message");
    assert_eq!(answer["role"], "assistant");
    assert_eq!(answer["model"], "gpt-4o");
    assert_eq!(
        answer["content"],
        json!([{"type": "text", "text": "Hello w1 w2"}])
    );
    assert_eq!(answer["stop_reason"], "end_turn");
    assert_eq!(answer["stop_sequence"], Value::Null);
    assert_eq!(answer["usage"]["output_tokens"], 3);
    let prompt_tokens = answer["usage"]["input_tokens"].as_u64().unwrap();
    assert!(prompt_tokens > 0);

    let sent = h.mock.last_request("gpt-4o").unwrap();
    assert!(sent.path.ends_with("/chat/completions"), "{}", sent.path);
    assert_eq!(sent.header("authorization"), Some("Bearer sk-openai-test"));
    assert_eq!(
        sent.body["messages"],
        json!([{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Say hello"}])
    );
    assert_eq!(sent.body["max_tokens"], 100);
    assert_eq!(sent.body["stop"], json!(["END"]));
    assert_eq!(sent.body["user"], "user-7");
    assert!(sent.body.get("system").is_none());
    assert!(sent.body.get("metadata").is_none());

    assert_eq!(reply.header("x-litellm-model-group"), Some("gpt"));
    assert!(reply.header("x-litellm-response-cost").is_some());
    let call_id = reply.header("x-litellm-call-id").unwrap().to_string();
    let rows = h
        .spend_rows(&format!("?request_id={call_id}&summarize=false"), 1)
        .await;
    assert_eq!(rows[0]["prompt_tokens"], prompt_tokens);
    assert_eq!(rows[0]["completion_tokens"], 3);
    assert_eq!(rows[0]["model_group"], "gpt");
}

#[tokio::test]
async fn a_translated_stream_arrives_in_anthropics_event_order() {
    let h = harness("messages-bridge-stream").await;
    let mut body = ask("gpt");
    body["stream"] = json!(true);
    let reply = messages(&h, "/v1/messages", body, &[]).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.header("content-type"), Some("text/event-stream"));
    let events = events(&reply.text);
    assert_eq!(
        names(&events),
        [
            "message_start",
            "content_block_start",
            "content_block_delta",
            "content_block_delta",
            "content_block_delta",
            "content_block_stop",
            "message_delta",
            "message_stop"
        ]
    );
    let text: String = events
        .iter()
        .filter_map(|(_, e)| e.pointer("/delta/text").and_then(Value::as_str))
        .collect();
    assert_eq!(text, "Hello w1 w2");
    let delta = &events[6].1;
    assert_eq!(delta["delta"]["stop_reason"], "end_turn");
    assert_eq!(delta["usage"]["output_tokens"], 3);
    assert!(delta["usage"]["input_tokens"].as_u64().unwrap() > 0);
    let sent = h.mock.last_request("gpt-4o").unwrap();
    assert_eq!(sent.body["stream"], true);
    assert_eq!(sent.body["stream_options"], json!({"include_usage": true}));
    let call_id = reply.header("x-litellm-call-id").unwrap().to_string();
    let rows = h
        .spend_rows(&format!("?request_id={call_id}&summarize=false"), 1)
        .await;
    assert_eq!(rows[0]["completion_tokens"], 3);
    assert_eq!(rows[0]["status"], "success");
}

#[tokio::test]
async fn tools_round_trip_natively_and_through_chat() {
    let h = harness("messages-tools").await;
    for model in ["claude", "gpt"] {
        let body = json!({
            "model": model,
            "max_tokens": 200,
            "tools": [weather()],
            "tool_choice": {"type": "any"},
            "messages": [{"role": "user", "content": "Weather in Paris?"}],
        });
        let reply = messages(&h, "/v1/messages", body.clone(), &[]).await;
        assert_eq!(reply.status, 200, "{model}: {}", reply.text);
        let answer = reply.json();
        assert_eq!(answer["stop_reason"], "tool_use", "{model}: {answer}");
        let call = answer["content"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["type"] == "tool_use")
            .unwrap_or_else(|| panic!("{model}: no tool_use block: {answer}"))
            .clone();
        assert_eq!(call["name"], "get_weather");
        assert_eq!(call["input"], json!({"city": "mock city", "days": 1}));

        // The streamed call: a tool_use block whose JSON pieces make the same input.
        let mut streamed = body.clone();
        streamed["stream"] = json!(true);
        let reply = messages(&h, "/v1/messages", streamed, &[]).await;
        let events = events(&reply.text);
        let start = events
            .iter()
            .find(|(n, e)| n == "content_block_start" && e["content_block"]["type"] == "tool_use")
            .unwrap_or_else(|| panic!("{model}: no tool_use block started: {}", reply.text));
        let index = start.1["index"].clone();
        let json_text: String = events
            .iter()
            .filter(|(_, e)| e["index"] == index)
            .filter_map(|(_, e)| e.pointer("/delta/partial_json").and_then(Value::as_str))
            .collect();
        let input: Value = serde_json::from_str(&json_text).unwrap();
        assert_eq!(input, json!({"city": "mock city", "days": 1}), "{model}");
        let stop = events
            .iter()
            .find(|(n, _)| n == "message_delta")
            .unwrap()
            .1
            .clone();
        assert_eq!(stop["delta"]["stop_reason"], "tool_use", "{model}");

        // The tool's result goes back; the model answers with text quoting it.
        let answered = json!({
            "model": model,
            "max_tokens": 200,
            "tools": [weather()],
            "messages": [
                {"role": "user", "content": "Weather in Paris?"},
                {"role": "assistant", "content": [call.clone()]},
                {"role": "user", "content": [{"type": "tool_result", "tool_use_id": call["id"], "content": "Sunny, 21C"}]},
            ],
        });
        let reply = messages(&h, "/v1/messages", answered, &[]).await;
        assert_eq!(reply.status, 200, "{model}: {}", reply.text);
        let answer = reply.json();
        let text = answer["content"][0]["text"].as_str().unwrap_or("");
        assert!(text.contains("Sunny, 21C"), "{model}: {answer}");
        assert_eq!(answer["stop_reason"], "end_turn");
    }
    // What the chat deployment was sent for the tool result.
    let sent = h.mock.last_request("gpt-4o").unwrap();
    let messages_sent = sent.body["messages"].as_array().unwrap();
    assert_eq!(messages_sent[1]["role"], "assistant");
    assert_eq!(
        messages_sent[1]["tool_calls"][0]["function"]["name"],
        "get_weather"
    );
    assert_eq!(messages_sent[2]["role"], "tool");
    assert_eq!(messages_sent[2]["content"], "Sunny, 21C");
    assert_eq!(
        sent.body["tools"][0]["function"]["parameters"]["required"],
        json!(["city"])
    );
}

#[tokio::test]
async fn images_reach_both_kinds_of_deployment() {
    let h = harness("messages-images").await;
    for model in ["claude", "gpt"] {
        let body = json!({
            "model": model,
            "max_tokens": 50,
            "messages": [{"role": "user", "content": [
                {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}},
                {"type": "text", "text": "What is this?"}
            ]}],
        });
        let reply = messages(&h, "/v1/messages", body, &[]).await;
        assert_eq!(reply.status, 200, "{model}: {}", reply.text);
    }
    let native = h.mock.last_request("claude-haiku-4-5").unwrap();
    assert_eq!(
        native.body["messages"][0]["content"][0]["source"]["type"],
        "base64"
    );
    let chat = h.mock.last_request("gpt-4o").unwrap();
    assert_eq!(
        chat.body["messages"][0]["content"][0],
        json!({"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}})
    );
}

#[tokio::test]
async fn errors_are_answered_in_anthropics_shape() {
    let h = harness("messages-errors").await;
    let message = assert_anthropic_error(
        &messages(&h, "/v1/messages", ask("nope"), &[]).await,
        400,
        "invalid_request_error",
    );
    assert!(message.contains("model=nope"), "{message}");

    let mut no_max = ask("claude");
    no_max.as_object_mut().unwrap().remove("max_tokens");
    let message = assert_anthropic_error(
        &messages(&h, "/v1/messages", no_max, &[]).await,
        400,
        "invalid_request_error",
    );
    assert!(message.contains("max_tokens"), "{message}");
    assert_eq!(h.mock.total_hits(), 0, "refused before any upstream call");

    let reply = messages(&h, "/v1/messages", ask("gpt-broken"), &[]).await;
    let message = assert_anthropic_error(&reply, 503, "api_error");
    assert!(message.contains("mock failure"), "{message}");
    assert_eq!(reply.header("x-litellm-model-group"), Some("gpt-broken"));

    let reply = messages(&h, "/v1/messages", ask("claude-overloaded"), &[]).await;
    assert_anthropic_error(&reply, 500, "api_error");

    let reply = h
        .post_with("/v1/messages", ask("claude"), &[("x-api-key", "sk-wrong")])
        .await;
    assert_anthropic_error(&reply, 401, "authentication_error");
    let reply = h.post_with("/v1/messages", ask("claude"), &[]).await;
    assert_anthropic_error(&reply, 401, "authentication_error");

    let reply = h
        .post_with(
            "/v1/messages",
            json!("not an object"),
            &[("x-api-key", KEY)],
        )
        .await;
    assert_anthropic_error(&reply, 400, "invalid_request_error");
}

#[tokio::test]
async fn the_key_may_come_as_x_api_key_or_bearer() {
    let h = harness("messages-auth").await;
    let reply = h
        .post_with("/v1/messages", ask("claude"), &[("x-api-key", KEY)])
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let reply = h
        .post_with(
            "/v1/messages",
            ask("claude"),
            &[("authorization", &format!("Bearer {KEY}"))],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
}

#[tokio::test]
async fn a_failing_deployment_falls_back_and_a_stream_fails_with_an_error_event() {
    let h = harness("messages-fallback").await;
    let reply = messages(&h, "/v1/messages", ask("gpt-flaky"), &[]).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.header("x-litellm-attempted-fallbacks"), Some("1"));
    assert!(reply.json()["id"]
        .as_str()
        .unwrap()
        .starts_with("msg_mock_"));

    h.mock.set_behaviour(
        "gpt-4o",
        mock_upstream::Behaviour::parse("break_after=2,chunk_delay=20").unwrap(),
    );
    let mut body = ask("gpt");
    body["stream"] = json!(true);
    let reply = messages(&h, "/v1/messages", body, &[]).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let events = events(&reply.text);
    let (last, data) = events.last().unwrap();
    assert_eq!(last, "error", "{}", reply.text);
    assert_eq!(data["error"]["type"], "api_error");
}

#[tokio::test]
async fn count_tokens_asks_anthropic_or_counts_locally() {
    let h = harness("messages-count").await;
    let conversation = json!([
        {"role": "user", "content": "Hello Claude!"},
        {"role": "assistant", "content": [
            {"type": "text", "text": "Let me check."},
            {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {"city": "Paris", "days": 1, "metric": true}}
        ]},
        {"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": "toolu_1", "content": "Sunny, 21°C"},
            {"type": "text", "text": "Thanks"}
        ]}
    ]);
    let reply = messages(
        &h,
        "/v1/messages/count_tokens?beta=true",
        json!({"model": "claude", "messages": conversation, "system": "not sent on"}),
        &[],
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let counted = reply.json()["input_tokens"].as_u64().unwrap();
    let sent = h.mock.last_request("claude-haiku-4-5").unwrap();
    assert!(
        sent.path.ends_with("/v1/messages/count_tokens"),
        "{}",
        sent.path
    );
    assert_eq!(sent.query, "beta=true");
    assert_eq!(
        sent.header("anthropic-beta"),
        Some("token-counting-2024-11-01")
    );
    assert_eq!(sent.header("x-api-key"), Some("sk-ant-test"));
    assert_eq!(sent.body["model"], "claude-haiku-4-5");
    assert!(
        sent.body.get("system").is_none(),
        "LiteLLM sends only messages"
    );
    // The mock counts about four characters a token over what it was sent.
    let chars = sent.body["messages"].to_string().len() as u64;
    assert!(counted > 0 && counted <= chars, "{counted}");

    // An OpenAI deployment: tiktoken's o200k for gpt-4o, by LiteLLM's formula (the figure of
    // the unit test in src/messages/tests.rs).
    let reply = messages(
        &h,
        "/v1/messages/count_tokens",
        json!({"model": "gpt", "messages": conversation}),
        &[],
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json(), json!({"input_tokens": 47}));
    // A name no deployment serves is counted as LiteLLM counts it: cl100k.
    let reply = messages(
        &h,
        "/v1/messages/count_tokens",
        json!({"model": "unknown-model", "messages": conversation}),
        &[],
    )
    .await;
    assert_eq!(reply.json(), json!({"input_tokens": 48}));

    // The Anthropic call failing: LiteLLM counts locally instead.
    h.mock
        .set_behaviour("claude-haiku-4-5", mock_upstream::Behaviour::status(500));
    let reply = messages(
        &h,
        "/v1/messages/count_tokens",
        json!({"model": "claude", "messages": conversation}),
        &[],
    )
    .await;
    assert_eq!(reply.json(), json!({"input_tokens": 48}));

    let reply = messages(
        &h,
        "/v1/messages/count_tokens",
        json!({"model": "gpt", "messages": []}),
        &[],
    )
    .await;
    let message = assert_anthropic_error(&reply, 400, "invalid_request_error");
    assert!(
        message.contains("messages parameter is required"),
        "{message}"
    );
    let reply = messages(
        &h,
        "/v1/messages/count_tokens",
        json!({"messages": conversation}),
        &[],
    )
    .await;
    assert_anthropic_error(&reply, 400, "invalid_request_error");
    let reply = h
        .post_with(
            "/v1/messages/count_tokens",
            json!({"model": "gpt", "messages": conversation}),
            &[],
        )
        .await;
    assert_anthropic_error(&reply, 401, "authentication_error");
}

#[tokio::test]
async fn the_official_anthropic_sdk_works_against_both_kinds_of_deployment() {
    if !python_package_installed("anthropic") {
        return;
    }
    let h = harness("messages-sdk").await;
    run_sdk_script(&h, "sdk_messages.py", &[]).await;
}
