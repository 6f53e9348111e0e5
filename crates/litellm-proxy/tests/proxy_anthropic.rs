//! `anthropic/…` deployments through the proxy against the mock's Messages API: completions,
//! streams, tools both ways, system hoisting, the `max_tokens` default, images, error mapping
//! with retries and fallbacks, and the headers Anthropic requires. The mock rejects what
//! Anthropic rejects, so a translation mistake fails these tests.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test aborts on what it did not expect

mod proxy_support;

use litellm_check::env::Environment;
use proxy_support::*;
use serde_json::{json, Value};

const CONFIG: &str = r#"
model_list:
  - model_name: claude
    litellm_params: {model: anthropic/claude-haiku-4-5, api_base: API_BASE, api_key: sk-ant-test}
  - model_name: claude-beta
    litellm_params: {model: anthropic/claude-beta, api_base: API_BASE, api_key: sk-ant-test, extra_headers: {anthropic-beta: "token-efficient-tools-2025-02-19"}}
  - model_name: claude-keyless
    litellm_params: {model: anthropic/claude-keyless, api_base: API_BASE}
  - model_name: claude-limited
    litellm_params: {model: anthropic/claude-limited, api_base: API_BASE, api_key: sk-ant-test}
    model_info: {cooldown_time: 0}
  - model_name: claude-long
    litellm_params: {model: anthropic/claude-context-length, api_base: API_BASE, api_key: sk-ant-test}
  - model_name: claude-big
    litellm_params: {model: anthropic/claude-big, api_base: API_BASE, api_key: sk-ant-test}
  - model_name: claude-overloaded
    litellm_params: {model: anthropic/claude-fail-529, api_base: API_BASE, api_key: sk-ant-test}
  - model_name: claude-backup
    litellm_params: {model: anthropic/claude-backup, api_base: API_BASE, api_key: sk-ant-test}
  - model_name: claude-broken
    litellm_params: {model: anthropic/claude-fail-500, api_base: API_BASE, api_key: sk-ant-test}
  - model_name: claude-reset
    litellm_params: {model: anthropic/claude-reset, api_base: API_BASE, api_key: sk-ant-test}
  - model_name: claude-slow
    litellm_params: {model: anthropic/claude-delay-3000, api_base: API_BASE, api_key: sk-ant-test, timeout: 0.2}
  - model_name: claude-pings
    litellm_params: {model: anthropic/claude-pings, api_base: API_BASE, api_key: sk-ant-test, stream_timeout: 0.3}
  - model_name: claude-stall
    litellm_params: {model: anthropic/claude-stall, api_base: API_BASE, api_key: sk-ant-test, stream_timeout: 0.2}
  - model_name: gpt-backup
    litellm_params: {model: openai/gpt-backup, api_base: API_BASE}
  - model_name: claude-policy
    litellm_params: {model: anthropic/claude-content-policy, api_base: API_BASE, api_key: sk-ant-test}
router_settings:
  num_retries: 0
  cooldown_time: 0
  fallbacks: [{claude-overloaded: [claude-backup]}, {claude-broken: [gpt-backup]}, {claude-reset: [claude-backup]}]
  context_window_fallbacks: [{claude-long: [claude-big]}]
  content_policy_fallbacks: [{claude-policy: [gpt-backup]}]
general_settings: {master_key: sk-test-master-key}
"#;

async fn harness(name: &str) -> Harness {
    start(name, CONFIG).await
}

fn user(text: &str) -> Value {
    json!({"role": "user", "content": text})
}

fn weather_tool() -> Value {
    json!({"type": "function", "function": {
        "name": "get_weather",
        "description": "Weather for a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}, "days": {"type": "integer"}}, "required": ["city"]},
    }})
}

#[tokio::test]
async fn a_completion_goes_out_in_anthropics_shape_and_comes_back_in_openais() {
    let h = harness("anthropic-complete").await;
    let reply = h
        .post(
            "/v1/chat/completions",
            json!({"model": "claude", "temperature": 0.2, "stop": ["END"], "user": "user-7", "messages": [
                {"role": "system", "content": "Be brief."},
                user("Say hello"),
                {"role": "system", "content": [{"type": "text", "text": "And polite."}]},
            ]}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let body = reply.json();
    assert_eq!(body["object"], "chat.completion");
    assert!(body["id"]
        .as_str()
        .is_some_and(|id| id.starts_with("msg_mock_")));
    assert_eq!(body["model"], "claude-haiku-4-5");
    assert_eq!(body["choices"][0]["message"]["role"], "assistant");
    assert_eq!(body["choices"][0]["message"]["content"], "Hello w1 w2");
    assert_eq!(body["choices"][0]["finish_reason"], "stop");
    let usage = &body["usage"];
    assert_eq!(usage["completion_tokens"], 3);
    assert_eq!(
        usage["total_tokens"].as_u64(),
        Some(usage["prompt_tokens"].as_u64().unwrap_or(0) + 3)
    );
    assert_eq!(usage["prompt_tokens_details"]["cached_tokens"], 0);

    let sent = h
        .mock
        .last_request("claude-haiku-4-5")
        .unwrap_or_else(|| panic!("the mock saw no request"));
    assert!(sent.path.ends_with("/v1/messages"), "{}", sent.path);
    assert_eq!(sent.header("x-api-key"), Some("sk-ant-test"));
    assert_eq!(sent.header("anthropic-version"), Some("2023-06-01"));
    assert_eq!(sent.header("authorization"), None);
    assert_eq!(
        sent.body,
        json!({
            "model": "claude-haiku-4-5",
            "messages": [{"role": "user", "content": [{"type": "text", "text": "Say hello"}]}],
            "temperature": 0.2,
            "stop_sequences": ["END"],
            "metadata": {"user_id": "user-7"},
            "system": [{"type": "text", "text": "Be brief."}, {"type": "text", "text": "And polite."}],
            "max_tokens": 4096,
        })
    );
}

#[tokio::test]
async fn a_deployments_extra_headers_reach_anthropic() {
    let h = harness("anthropic-extra-headers").await;
    let reply = h.chat("claude-beta").await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let sent = h.mock.last_request("claude-beta").unwrap_or_default();
    assert_eq!(
        sent.header("anthropic-beta"),
        Some("token-efficient-tools-2025-02-19")
    );
    assert_eq!(sent.header("anthropic-version"), Some("2023-06-01"));
}

#[tokio::test]
async fn max_tokens_is_passed_or_defaulted_and_a_cut_answer_finishes_with_length() {
    let h = harness("anthropic-max-tokens").await;
    let reply = h
        .post(
            "/v1/chat/completions",
            json!({"model": "claude", "max_completion_tokens": 2, "messages": [user("count")]}),
        )
        .await;
    // The mock answers three words unless cut short by max_tokens.
    assert_eq!(reply.status, 200, "{}", reply.text);
    let sent = h.mock.last_request("claude-haiku-4-5").unwrap_or_default();
    assert_eq!(sent.body["max_tokens"], 2);
    assert_eq!(reply.json()["choices"][0]["finish_reason"], "length");
    assert_eq!(reply.json()["choices"][0]["message"]["content"], "Hello w1");
}

#[tokio::test]
async fn reasoning_effort_reaches_anthropic_as_a_budget_it_accepts() {
    let h = harness("anthropic-reasoning").await;
    let reply = h
        .post(
            "/v1/chat/completions",
            json!({"model": "claude", "reasoning_effort": "high", "messages": [user("Think")]}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let sent = h.mock.last_request("claude-haiku-4-5").unwrap_or_default();
    assert_eq!(
        sent.body["thinking"],
        json!({"type": "enabled", "budget_tokens": 4096})
    );
    assert_eq!(sent.body["max_tokens"], 4352);
}

#[tokio::test]
async fn consecutive_roles_are_merged_so_anthropic_sees_alternation() {
    let h = harness("anthropic-merge").await;
    let reply = h
        .post(
            "/v1/chat/completions",
            json!({"model": "claude", "messages": [
                user("one"), user("two"),
                {"role": "assistant", "content": "three"},
                {"role": "assistant", "content": "four"},
                user("five"),
            ]}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let sent = h.mock.last_request("claude-haiku-4-5").unwrap_or_default();
    assert_eq!(
        sent.body["messages"],
        json!([
            {"role": "user", "content": [{"type": "text", "text": "one"}, {"type": "text", "text": "two"}]},
            {"role": "assistant", "content": [{"type": "text", "text": "three"}, {"type": "text", "text": "four"}]},
            {"role": "user", "content": [{"type": "text", "text": "five"}]},
        ])
    );
}

#[tokio::test]
async fn a_final_assistant_prefill_loses_its_trailing_whitespace() {
    let h = harness("anthropic-prefill").await;
    let reply = h
        .post(
            "/v1/chat/completions",
            json!({"model": "claude", "messages": [user("Count"), {"role": "assistant", "content": "One, two, "}]}),
        )
        .await;
    // Anthropic refuses a final assistant turn ending in whitespace; LiteLLM strips it.
    assert_eq!(reply.status, 200, "{}", reply.text);
    let sent = h.mock.last_request("claude-haiku-4-5").unwrap_or_default();
    assert_eq!(
        sent.body["messages"][1],
        json!({"role": "assistant", "content": [{"type": "text", "text": "One, two,"}]})
    );
}

#[tokio::test]
async fn a_stream_is_translated_chunk_by_chunk_with_usage_and_done() {
    let h = harness("anthropic-stream").await;
    let reply = h
        .post(
            "/v1/chat/completions",
            json!({"model": "claude", "stream": true, "stream_options": {"include_usage": true}, "messages": [user("Say hello")]}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert!(reply
        .header("content-type")
        .is_some_and(|c| c.starts_with("text/event-stream")));
    let data = sse_data(&reply.text);
    assert_eq!(
        data.last().map(String::as_str),
        Some("[DONE]"),
        "{}",
        reply.text
    );
    let chunks: Vec<Value> = data[..data.len() - 1]
        .iter()
        .map(|d| serde_json::from_str(d).unwrap_or_else(|e| panic!("{e}: {d}")))
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
    let pieces: Vec<&str> = chunks
        .iter()
        .filter_map(|c| c["choices"][0]["delta"]["content"].as_str())
        .filter(|t| !t.is_empty())
        .collect();
    assert_eq!(
        pieces,
        ["Hello", " w1", " w2"],
        "one chunk per Anthropic delta"
    );
    let finish = &chunks[chunks.len() - 2];
    assert_eq!(finish["choices"][0]["finish_reason"], "stop");
    let usage = &chunks[chunks.len() - 1];
    assert_eq!(usage["choices"], json!([]));
    assert_eq!(usage["usage"]["completion_tokens"], 3);
    assert!(usage["usage"]["prompt_tokens"]
        .as_u64()
        .is_some_and(|p| p > 0));
    let sent = h.mock.last_request("claude-haiku-4-5").unwrap_or_default();
    assert_eq!(sent.body["stream"], true);
    assert!(sent.body.get("stream_options").is_none());

    let plain = h
        .post(
            "/v1/chat/completions",
            json!({"model": "claude", "stream": true, "messages": [user("Say hello")]}),
        )
        .await;
    assert!(
        !plain.text.contains("\"usage\""),
        "usage shown unasked: {}",
        plain.text
    );
    assert!(plain.text.ends_with("data: [DONE]\n\n"));
}

#[tokio::test]
async fn a_stream_broken_midway_ends_with_an_error_event_and_done() {
    let h = harness("anthropic-stream-break").await;
    h.mock.set_behaviour(
        "claude-haiku-4-5",
        mock_upstream::Behaviour::parse("break_after=3,chunk_delay=30").unwrap_or_default(),
    );
    let reply = h
        .post(
            "/v1/chat/completions",
            json!({"model": "claude", "stream": true, "messages": [user("Say hello")]}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let data = sse_data(&reply.text);
    assert_eq!(
        data.last().map(String::as_str),
        Some("[DONE]"),
        "{}",
        reply.text
    );
    let chunks: Vec<Value> = data[..data.len() - 1]
        .iter()
        .filter_map(|d| serde_json::from_str(d).ok())
        .collect();
    // message_start, content_block_start, ping and the first delta went out before the break.
    assert_eq!(chunks[0]["choices"][0]["delta"]["role"], "assistant");
    assert_eq!(chunks[1]["choices"][0]["delta"]["content"], "Hello");
    let error = &chunks[chunks.len() - 1]["error"];
    assert!(
        error["message"]
            .as_str()
            .is_some_and(|m| m.contains("APIConnectionError")),
        "{}",
        reply.text
    );
    assert!(!reply.text.contains("finish_reason\":\"stop"));
}

#[tokio::test]
async fn pings_keep_a_quiet_stream_within_its_idle_limit() {
    let h = harness("anthropic-stream-pings").await;
    // Six pings 100 ms apart: 600 ms without content, but never 300 ms without a byte.
    h.mock.set_behaviour(
        "claude-pings",
        mock_upstream::Behaviour::parse("pings=6,chunk_delay=100").unwrap_or_default(),
    );
    let reply = h
        .post(
            "/v1/chat/completions",
            json!({"model": "claude-pings", "stream": true, "messages": [user("Say hello")]}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert!(!reply.text.contains("\"error\""), "{}", reply.text);
    assert!(
        reply.text.contains("finish_reason\":\"stop"),
        "{}",
        reply.text
    );
    assert!(reply.text.ends_with("data: [DONE]\n\n"));
}

#[tokio::test]
async fn a_stream_idle_past_its_limit_ends_with_an_anthropic_timeout() {
    let h = harness("anthropic-stream-idle").await;
    h.mock.set_behaviour(
        "claude-stall",
        mock_upstream::Behaviour::parse("chunk_delay=600").unwrap_or_default(),
    );
    let reply = h
        .post(
            "/v1/chat/completions",
            json!({"model": "claude-stall", "stream": true, "messages": [user("Say hello")]}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let data = sse_data(&reply.text);
    let error = data
        .iter()
        .filter_map(|d| serde_json::from_str::<Value>(d).ok())
        .find_map(|chunk| chunk["error"]["message"].as_str().map(str::to_string))
        .unwrap_or_else(|| panic!("no error frame: {}", reply.text));
    assert!(
        error.contains("litellm.Timeout: AnthropicException"),
        "the idle limit names the provider: {error}"
    );
}

#[tokio::test]
async fn tools_go_out_as_anthropic_tools_and_tool_use_comes_back_as_tool_calls() {
    let h = harness("anthropic-tools").await;
    let reply = h
        .post(
            "/v1/chat/completions",
            json!({"model": "claude", "tools": [weather_tool()], "tool_choice": "required", "messages": [user("Weather in Paris?")]}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let sent = h.mock.last_request("claude-haiku-4-5").unwrap_or_default();
    assert_eq!(
        sent.body["tools"],
        json!([{"name": "get_weather", "description": "Weather for a city", "input_schema": {"type": "object", "properties": {"city": {"type": "string"}, "days": {"type": "integer"}}, "required": ["city"]}}])
    );
    assert_eq!(sent.body["tool_choice"], json!({"type": "any"}));
    let body = reply.json();
    let message = &body["choices"][0]["message"];
    assert_eq!(body["choices"][0]["finish_reason"], "tool_calls");
    assert_eq!(message["content"], Value::Null);
    let call = &message["tool_calls"][0];
    assert_eq!(call["type"], "function");
    assert_eq!(call["function"]["name"], "get_weather");
    let arguments: Value =
        serde_json::from_str(call["function"]["arguments"].as_str().unwrap_or(""))
            .unwrap_or_else(|e| panic!("arguments are not a JSON string: {e}"));
    assert_eq!(arguments, json!({"city": "mock city", "days": 1}));

    // The answer goes back as a tool message; the mock refuses a tool_result without its tool_use.
    let call_id = call["id"].as_str().unwrap_or("").to_string();
    let follow_up = h
        .post(
            "/v1/chat/completions",
            json!({"model": "claude", "tools": [weather_tool()], "messages": [
                user("Weather in Paris?"),
                {"role": "assistant", "content": null, "tool_calls": [call.clone()]},
                {"role": "tool", "tool_call_id": call_id, "content": "sunny"},
            ]}),
        )
        .await;
    assert_eq!(follow_up.status, 200, "{}", follow_up.text);
    assert_eq!(
        follow_up.json()["choices"][0]["message"]["content"],
        "Tool said: sunny"
    );
    let sent = h.mock.last_request("claude-haiku-4-5").unwrap_or_default();
    assert_eq!(
        sent.body["messages"][1],
        json!({"role": "assistant", "content": [{"type": "tool_use", "id": call_id, "name": "get_weather", "input": {"city": "mock city", "days": 1}}]})
    );
    assert_eq!(
        sent.body["messages"][2],
        json!({"role": "user", "content": [{"type": "tool_result", "tool_use_id": call_id, "content": "sunny"}]})
    );

    let orphan = h
        .post(
            "/v1/chat/completions",
            json!({"model": "claude", "tools": [weather_tool()], "messages": [
                user("Weather?"),
                {"role": "tool", "tool_call_id": "toolu_unknown", "content": "sunny"},
            ]}),
        )
        .await;
    let error = assert_openai_error(&orphan, 400);
    assert!(
        error["message"]
            .as_str()
            .is_some_and(|m| m.contains("tool_result")),
        "{}",
        orphan.text
    );
}

#[tokio::test]
async fn tool_choice_is_mapped_named_none_and_parallel() {
    let h = harness("anthropic-tool-choice").await;
    let named = h
        .post(
            "/v1/chat/completions",
            json!({"model": "claude", "tools": [weather_tool()], "parallel_tool_calls": false,
                   "tool_choice": {"type": "function", "function": {"name": "get_weather"}}, "messages": [user("x")]}),
        )
        .await;
    assert_eq!(named.status, 200, "{}", named.text);
    let sent = h.mock.last_request("claude-haiku-4-5").unwrap_or_default();
    assert_eq!(
        sent.body["tool_choice"],
        json!({"type": "tool", "name": "get_weather", "disable_parallel_tool_use": true})
    );
    let none = h
        .post(
            "/v1/chat/completions",
            json!({"model": "claude", "tools": [weather_tool()], "tool_choice": "none", "messages": [user("x")]}),
        )
        .await;
    assert_eq!(none.status, 200, "{}", none.text);
    let sent = h.mock.last_request("claude-haiku-4-5").unwrap_or_default();
    assert_eq!(sent.body["tool_choice"], json!({"type": "none"}));
    assert_eq!(
        none.json()["choices"][0]["message"]["content"],
        "Hello w1 w2"
    );
    assert!(none.json()["choices"][0]["message"]
        .get("tool_calls")
        .is_none());
}

#[tokio::test]
async fn streamed_tool_calls_arrive_as_openai_tool_call_deltas() {
    let h = harness("anthropic-stream-tools").await;
    let reply = h
        .post(
            "/v1/chat/completions",
            json!({"model": "claude", "stream": true, "tools": [weather_tool()], "messages": [user("Weather?")]}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let data = sse_data(&reply.text);
    assert_eq!(data.last().map(String::as_str), Some("[DONE]"));
    let chunks: Vec<Value> = data[..data.len() - 1]
        .iter()
        .filter_map(|d| serde_json::from_str(d).ok())
        .collect();
    // tool_choice auto: the mock says a sentence first, then calls the tool.
    let text: String = chunks
        .iter()
        .filter_map(|c| c["choices"][0]["delta"]["content"].as_str())
        .collect();
    assert_eq!(text, "Calling get_weather.");
    let deltas: Vec<&Value> = chunks
        .iter()
        .filter_map(|c| c["choices"][0]["delta"]["tool_calls"].get(0))
        .collect();
    assert!(deltas.len() >= 3, "{}", reply.text);
    assert_eq!(deltas[0]["index"], 0);
    assert_eq!(deltas[0]["id"], "toolu_mock_get_weather");
    assert_eq!(deltas[0]["function"]["name"], "get_weather");
    assert!(deltas.iter().all(|d| d["index"] == 0));
    let arguments: String = deltas
        .iter()
        .filter_map(|d| d["function"]["arguments"].as_str())
        .collect();
    assert_eq!(
        serde_json::from_str::<Value>(&arguments).ok(),
        Some(json!({"city": "mock city", "days": 1}))
    );
    let finish: Vec<&Value> = chunks
        .iter()
        .filter_map(|c| c["choices"][0]["finish_reason"].as_str().map(|_| c))
        .collect();
    assert_eq!(finish.len(), 1);
    assert_eq!(finish[0]["choices"][0]["finish_reason"], "tool_calls");
}

#[tokio::test]
async fn images_become_base64_or_url_sources() {
    let h = harness("anthropic-images").await;
    let reply = h
        .post(
            "/v1/chat/completions",
            json!({"model": "claude", "messages": [{"role": "user", "content": [
                {"type": "text", "text": "What is in these?"},
                {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}},
                {"type": "image_url", "image_url": "https://example.com/cat.jpg"},
            ]}]}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let sent = h.mock.last_request("claude-haiku-4-5").unwrap_or_default();
    assert_eq!(
        sent.body["messages"][0]["content"],
        json!([
            {"type": "text", "text": "What is in these?"},
            {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}},
            {"type": "image", "source": {"type": "url", "url": "https://example.com/cat.jpg"}},
        ])
    );
    let bad = h
        .post(
            "/v1/chat/completions",
            json!({"model": "claude", "messages": [{"role": "user", "content": [
                {"type": "image_url", "image_url": {"url": "not-a-url"}},
            ]}]}),
        )
        .await;
    assert_openai_error(&bad, 400);
}

#[tokio::test]
async fn a_missing_key_is_an_authentication_error() {
    let h = harness("anthropic-401").await;
    let reply = h.chat("claude-keyless").await;
    let error = assert_openai_error(&reply, 401);
    let message = error["message"].as_str().unwrap_or("");
    assert!(
        message.starts_with("litellm.AuthenticationError: AnthropicException - "),
        "{message}"
    );
    assert!(
        message.contains("x-api-key header is required"),
        "{message}"
    );
    assert_eq!(error["type"], "authentication_error");
}

#[tokio::test]
async fn the_key_and_base_come_from_the_environment_when_not_configured() {
    let config = r#"
model_list:
  - model_name: claude
    litellm_params: {model: anthropic/claude-from-env}
general_settings: {master_key: sk-test-master-key}
"#;
    // The mock's address is known only once it runs: start it through the harness with a
    // placeholder base, then point a second proxy at it through ANTHROPIC_API_BASE.
    let first = start("anthropic-env-mock", CONFIG).await;
    let base = format!("http://{}", first.mock.addr());
    let mut env = Environment::empty();
    env.set("ANTHROPIC_API_KEY", "sk-ant-from-env");
    env.set("ANTHROPIC_API_BASE", base.as_str());
    let dir = scratch("anthropic-env");
    let path = dir.join("config.yaml");
    std::fs::write(&path, config).unwrap_or_else(|e| panic!("write: {e}"));
    let loaded =
        litellm_proxy::load::load(&path, &env, false).unwrap_or_else(|e| panic!("load: {e}"));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("bind: {e}"));
    let proxy = litellm_proxy::start(loaded.config, listener, Default::default())
        .await
        .unwrap_or_else(|e| panic!("start: {e}"));
    let reply = first
        .client
        .post(format!("{}/v1/chat/completions", proxy.url()))
        .header("authorization", format!("Bearer {KEY}"))
        .header("content-type", "application/json")
        .body(chat_body("claude").to_string())
        .send()
        .await
        .unwrap_or_else(|e| panic!("send: {e}"));
    assert_eq!(reply.status().as_u16(), 200);
    let sent = first
        .mock
        .last_request("claude-from-env")
        .unwrap_or_default();
    assert_eq!(sent.path, "/v1/messages");
    assert_eq!(sent.header("x-api-key"), Some("sk-ant-from-env"));
    proxy.stop().await;
}

#[tokio::test]
async fn a_rate_limit_keeps_its_status_and_retry_after() {
    let h = harness("anthropic-429").await;
    h.mock.set_behaviour(
        "claude-limited",
        mock_upstream::Behaviour::parse("status=429,retry_after=7").unwrap_or_default(),
    );
    let reply = h.chat("claude-limited").await;
    let error = assert_openai_error(&reply, 429);
    assert_eq!(error["type"], "rate_limit_error");
    assert!(error["message"]
        .as_str()
        .is_some_and(|m| m.starts_with("litellm.RateLimitError: AnthropicException")));
    assert_eq!(reply.header("retry-after"), Some("7"));
}

#[tokio::test]
async fn each_anthropic_status_maps_to_litellms_exception() {
    let h = harness("anthropic-statuses").await;
    for (upstream, status, class) in [
        (400, 400, "BadRequestError"),
        (403, 403, "PermissionDeniedError"),
        (404, 404, "NotFoundError"),
        (408, 408, "Timeout"),
        (413, 400, "BadRequestError"),
        (500, 500, "InternalServerError"),
        (502, 502, "BadGatewayError"),
        (503, 503, "ServiceUnavailableError"),
        (529, 500, "InternalServerError"),
    ] {
        h.mock
            .set_behaviour("claude-limited", mock_upstream::Behaviour::status(upstream));
        let reply = h.chat("claude-limited").await;
        let error = assert_openai_error(&reply, status);
        let message = error["message"].as_str().unwrap_or("");
        assert!(
            message.starts_with(&format!("litellm.{class}: Anthropic")),
            "{upstream}: {message}"
        );
    }
}

#[tokio::test]
async fn prompt_too_long_uses_the_context_window_fallback() {
    let h = harness("anthropic-context").await;
    let reply = h.chat("claude-long").await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.header("x-litellm-model-group"), Some("claude-big"));
    assert_eq!(reply.header("x-litellm-attempted-fallbacks"), Some("1"));
    assert_eq!(h.mock.hits("claude-context-length"), 1);
    assert_eq!(h.mock.hits("claude-big"), 1);

    let policy = h.chat("claude-policy").await;
    assert_eq!(policy.status, 200, "{}", policy.text);
    assert_eq!(policy.header("x-litellm-model-group"), Some("gpt-backup"));
}

#[tokio::test]
async fn overloaded_and_server_errors_retry_then_fall_back() {
    let h = harness("anthropic-5xx").await;
    let reply = h
        .post(
            "/v1/chat/completions",
            json!({"model": "claude-overloaded", "num_retries": 1, "messages": [user("hi")]}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.header("x-litellm-model-group"), Some("claude-backup"));
    assert_eq!(h.mock.hits("claude-fail-529"), 2, "one call and one retry");
    assert_eq!(h.mock.hits("claude-backup"), 1);

    let to_openai = h.chat("claude-broken").await;
    assert_eq!(to_openai.status, 200, "{}", to_openai.text);
    assert_eq!(
        to_openai.header("x-litellm-model-group"),
        Some("gpt-backup")
    );
    assert_eq!(to_openai.json()["object"], "chat.completion");

    let no_fallback = h
        .post(
            "/v1/chat/completions",
            json!({"model": "claude-overloaded", "disable_fallbacks": true, "messages": [user("hi")]}),
        )
        .await;
    let error = assert_openai_error(&no_fallback, 500);
    assert!(error["message"]
        .as_str()
        .is_some_and(|m| m.starts_with("litellm.InternalServerError: AnthropicError - ")));
}

#[tokio::test]
async fn a_reset_connection_falls_back_and_a_slow_answer_times_out() {
    let h = harness("anthropic-reset-timeout").await;
    let reply = h.chat("claude-reset").await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.header("x-litellm-model-group"), Some("claude-backup"));
    assert_eq!(h.mock.hits("claude-reset"), 1);

    let slow = h.chat("claude-slow").await;
    let error = assert_openai_error(&slow, 408);
    assert!(
        error["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("litellm.Timeout: AnthropicException")),
        "{}",
        slow.text
    );
}

#[tokio::test]
async fn cost_header_and_spend_rows_use_the_contract_usage() {
    let h = harness("anthropic-cost").await;
    let reply = h.chat("claude").await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let usage = reply.json()["usage"].clone();
    let cost: f64 = reply
        .header("x-litellm-response-cost")
        .and_then(|c| c.parse().ok())
        .unwrap_or(-1.0);
    // claude-haiku-4-5 in the price table: $1 / $5 per million tokens.
    let prompt = usage["prompt_tokens"].as_f64().unwrap_or(0.0);
    let completion = usage["completion_tokens"].as_f64().unwrap_or(0.0);
    let expected = prompt * 1e-6 + completion * 5e-6;
    assert!(
        (cost - expected).abs() < 1e-12,
        "cost {cost}, expected {expected}"
    );
    let rows = h.spend_rows("", 1).await;
    assert_eq!(rows[0]["prompt_tokens"], usage["prompt_tokens"]);
    assert_eq!(rows[0]["completion_tokens"], usage["completion_tokens"]);
    assert_eq!(rows[0]["custom_llm_provider"], "anthropic");

    // A cache_control block: the first call writes the cache, the second reads it, and both
    // count the cached tokens inside prompt_tokens.
    let cached_body = json!({"model": "claude", "messages": [
        {"role": "system", "content": [{"type": "text", "text": "A long shared preamble. ".repeat(20), "cache_control": {"type": "ephemeral"}}]},
        user("question"),
    ]});
    let first_reply = h.post("/v1/chat/completions", cached_body.clone()).await;
    let second_reply = h.post("/v1/chat/completions", cached_body).await;
    let (first, second) = (first_reply.json(), second_reply.json());
    let written = first["usage"]["cache_creation_input_tokens"]
        .as_u64()
        .unwrap_or(0);
    assert!(written > 0, "{first}");
    assert_eq!(first["usage"]["cache_read_input_tokens"], 0);
    assert_eq!(
        second["usage"]["cache_read_input_tokens"].as_u64(),
        Some(written)
    );
    assert_eq!(
        second["usage"]["prompt_tokens_details"]["cached_tokens"].as_u64(),
        Some(written)
    );
    assert_eq!(
        first["usage"]["prompt_tokens"],
        second["usage"]["prompt_tokens"]
    );
    assert!(second["usage"]["prompt_tokens"].as_u64().unwrap_or(0) > written);
    // Priced per token kind from the table: $1.25 / M to write, $0.10 / M to read.
    let priced = |reply: &Reply| -> f64 {
        reply
            .header("x-litellm-response-cost")
            .and_then(|c| c.parse().ok())
            .unwrap_or(-1.0)
    };
    let prompt = first["usage"]["prompt_tokens"].as_f64().unwrap_or(0.0);
    let cached = written as f64;
    let output = first["usage"]["completion_tokens"].as_f64().unwrap_or(0.0) * 5e-6;
    let write_cost = (prompt - cached) * 1e-6 + cached * 1.25e-6 + output;
    let read_cost = (prompt - cached) * 1e-6 + cached * 1e-7 + output;
    assert!(
        (priced(&first_reply) - write_cost).abs() < 1e-12,
        "{} vs {write_cost}",
        priced(&first_reply)
    );
    assert!(
        (priced(&second_reply) - read_cost).abs() < 1e-12,
        "{} vs {read_cost}",
        priced(&second_reply)
    );
    let sent = h.mock.last_request("claude-haiku-4-5").unwrap_or_default();
    assert_eq!(
        sent.body["system"][0]["cache_control"],
        json!({"type": "ephemeral"})
    );
}

#[tokio::test]
async fn a_streamed_call_is_priced_from_its_final_usage() {
    let h = harness("anthropic-stream-cost").await;
    let reply = h
        .post(
            "/v1/chat/completions",
            json!({"model": "claude", "stream": true, "messages": [user("Say hello")]}),
        )
        .await;
    assert_eq!(reply.status, 200);
    let rows = h.spend_rows("", 1).await;
    assert_eq!(rows[0]["completion_tokens"], 3);
    assert!(rows[0]["prompt_tokens"].as_u64().is_some_and(|p| p > 0));
    assert!(
        rows[0]["spend"].as_f64().is_some_and(|s| s > 0.0),
        "{}",
        rows[0]
    );
}

#[tokio::test]
async fn health_checks_call_anthropic_deployments_too() {
    let h = harness("anthropic-health").await;
    let reply = h.get("/health?model=claude").await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json()["healthy_count"], 1, "{}", reply.text);
    let sent = h.mock.last_request("claude-haiku-4-5").unwrap_or_default();
    assert_eq!(sent.body["max_tokens"], 1);
    let keyless = h.get("/health?model=claude-keyless").await;
    assert_eq!(keyless.status, 503, "{}", keyless.text);
    assert!(keyless.json()["unhealthy_endpoints"][0]["error"]
        .as_str()
        .is_some_and(|e| e.contains("AuthenticationError")));
}

/// The mock itself: what Anthropic rejects, it rejects, in Anthropic's error shape.
#[tokio::test]
async fn the_mock_rejects_what_anthropic_rejects() {
    let h = harness("anthropic-mock-checks").await;
    let url = format!("http://{}/v1/messages", h.mock.addr());
    let ok_body =
        json!({"model": "m", "max_tokens": 10, "messages": [{"role": "user", "content": "hi"}]});
    let send = |body: Value, key: bool, version: bool| {
        let mut request = h
            .client
            .post(&url)
            .header("content-type", "application/json")
            .body(body.to_string());
        if key {
            request = request.header("x-api-key", "k");
        }
        if version {
            request = request.header("anthropic-version", "2023-06-01");
        }
        async move {
            let response = request.send().await.unwrap_or_else(|e| panic!("{e}"));
            let status = response.status().as_u16();
            let text = response.text().await.unwrap_or_default();
            let body: Value = serde_json::from_str(&text).unwrap_or_default();
            (status, body)
        }
    };
    let (status, body) = send(ok_body.clone(), true, true).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["type"], "message");
    assert_eq!(
        body["content"][0],
        json!({"type": "text", "text": "Hello w1 w2"})
    );
    assert_eq!(body["stop_reason"], "end_turn");

    let (status, body) = send(ok_body.clone(), false, true).await;
    assert_eq!((status, body["type"].as_str()), (401, Some("error")));
    assert_eq!(body["error"]["type"], "authentication_error");
    let (status, body) = send(ok_body.clone(), true, false).await;
    assert_eq!(status, 400, "{body}");
    assert!(body["error"]["message"]
        .as_str()
        .is_some_and(|m| m.contains("anthropic-version")));

    let rejected = [
        (
            json!({"model": "m", "messages": [{"role": "user", "content": "hi"}]}),
            "max_tokens",
        ),
        (
            json!({"model": "m", "max_tokens": 5, "messages": []}),
            "at least one message",
        ),
        (
            json!({"model": "m", "max_tokens": 5, "messages": [{"role": "system", "content": "s"}, {"role": "user", "content": "hi"}]}),
            "Unexpected role \"system\"",
        ),
        (
            json!({"model": "m", "max_tokens": 5, "messages": [{"role": "assistant", "content": "a"}, {"role": "user", "content": "hi"}]}),
            "first message",
        ),
        (
            json!({"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": "a"}, {"role": "user", "content": "b"}]}),
            "alternate",
        ),
        (
            json!({"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": [{"type": "tool_result", "tool_use_id": "x", "content": "r"}]}]}),
            "tool_result",
        ),
        (
            json!({"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "https://x"}}]}]}),
            "image_url",
        ),
        (
            json!({"model": "m", "max_tokens": 5, "stream_options": {"include_usage": true}, "messages": [{"role": "user", "content": "hi"}]}),
            "stream_options: Extra inputs are not permitted",
        ),
        (
            json!({"model": "m", "max_tokens": 5, "temperature": 1.5, "messages": [{"role": "user", "content": "hi"}]}),
            "temperature",
        ),
        (
            json!({"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": [{"type": "text", "text": ""}]}]}),
            "non-empty",
        ),
        (
            json!({"model": "m", "max_tokens": 4096, "thinking": {"type": "enabled", "budget_tokens": 4096}, "messages": [{"role": "user", "content": "hi"}]}),
            "greater than `thinking.budget_tokens`",
        ),
        (
            json!({"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": [{"type": "text", "text": "Sure "}]}]}),
            "trailing whitespace",
        ),
    ];
    for (request, expected) in rejected {
        let (status, body) = send(request.clone(), true, true).await;
        assert_eq!(status, 400, "{request} -> {body}");
        assert_eq!(body["type"], "error");
        assert_eq!(body["error"]["type"], "invalid_request_error");
        assert!(
            body["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains(expected)),
            "{request} -> {body}"
        );
    }
}

/// tests/data/providers/anthropic: each recorded OpenAI request translates to the recorded
/// Anthropic request, and each recorded Anthropic answer (whole or streamed) to the recorded
/// OpenAI answer.
mod recorded_pairs {
    use crate::proxy_support::RecordedPairs;

    const PAIRS: RecordedPairs = RecordedPairs("anthropic");
    use bytes::Bytes;
    use futures_util::StreamExt;
    use litellm_proxy::error::ProxyError;
    use litellm_proxy::providers::anthropic::{
        to_anthropic, to_openai, translate_stream, StreamTranslator,
    };
    use serde_json::Value;

    const CREATED: u64 = 1_700_000_000;

    #[test]
    fn each_recorded_openai_request_becomes_the_recorded_anthropic_request() {
        let names = PAIRS.cases(".openai-request.json");
        assert!(names.len() >= 6, "{names:?}");
        for name in names {
            let request = PAIRS.json(&format!("{name}.openai-request.json"));
            let expected = PAIRS.json(&format!("{name}.anthropic-request.json"));
            let translated = to_anthropic(request.as_object().unwrap_or(&Default::default()))
                .unwrap_or_else(|e| panic!("{name}: {}", e.message));
            assert_eq!(Value::Object(translated.body), expected, "{name}");
        }
    }

    #[test]
    fn each_recorded_anthropic_answer_becomes_the_recorded_openai_answer() {
        let names = PAIRS.cases(".anthropic-response.json");
        assert!(names.len() >= 7, "{names:?}");
        for name in names {
            let message = PAIRS.json(&format!("{name}.anthropic-response.json"));
            let expected = PAIRS.json(&format!("{name}.openai-response.json"));
            let translated = to_openai(&message, CREATED, false)
                .unwrap_or_else(|e| panic!("{name}: {}", e.message));
            assert_eq!(translated, expected, "{name}");
        }
    }

    /// The events of an SSE text: parsed JSON, or the `[DONE]` marker as a string.
    fn events(text: &str) -> Vec<Value> {
        text.split("\n\n")
            .filter(|event| !event.trim().is_empty())
            .map(|event| {
                let data = event
                    .lines()
                    .find_map(|line| line.strip_prefix("data: "))
                    .unwrap_or_else(|| panic!("no data line in {event:?}"));
                if data == "[DONE]" {
                    Value::String(data.into())
                } else {
                    serde_json::from_str(data).unwrap_or_else(|e| panic!("{e}: {data}"))
                }
            })
            .collect()
    }

    #[tokio::test]
    async fn each_recorded_anthropic_stream_becomes_the_recorded_openai_stream() {
        let names = PAIRS.cases(".anthropic-stream.txt");
        assert!(names.len() >= 2, "{names:?}");
        for name in names {
            let upstream = PAIRS.read(&format!("{name}.anthropic-stream.txt"));
            let expected = PAIRS.read(&format!("{name}.openai-stream.txt"));
            // Arbitrary network boundaries must not change the result.
            for piece in [3usize, 64, upstream.len()] {
                let pieces: Vec<Result<Bytes, ProxyError>> = upstream
                    .as_bytes()
                    .chunks(piece)
                    .map(|c| Ok(Bytes::copy_from_slice(c)))
                    .collect();
                let out: Vec<Result<Bytes, ProxyError>> = translate_stream(
                    futures_util::stream::iter(pieces),
                    StreamTranslator::new(CREATED, false),
                )
                .collect()
                .await;
                let text: String = out
                    .into_iter()
                    .map(|r| match r {
                        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
                        Err(e) => panic!("{name}: {}", e.message),
                    })
                    .collect();
                assert_eq!(
                    events(&text),
                    events(&expected),
                    "{name}, pieces of {piece}"
                );
                assert!(text.ends_with("data: [DONE]\n\n"), "{name}");
            }
        }
    }
}

/// The official OpenAI Python SDK (tests/python/sdk_anthropic.py) against an anthropic
/// deployment: complete, stream, tools both ways, errors. Skipped with a message when `openai`
/// is not installed, except under CI.
#[tokio::test]
async fn the_official_openai_sdk_drives_an_anthropic_deployment() {
    if !openai_sdk_installed() {
        return;
    }
    let h = harness("anthropic-sdk").await;
    run_sdk_script(&h, "sdk_anthropic.py", &[]).await;
}

/// Whatever form the deployment's `api_base` takes (the host, `/v1`, `/v1/`, the full
/// `/v1/messages`), chat, native Messages and token counting reach `/v1/messages` once: the mock,
/// like Anthropic, answers 404 under a doubled `/v1/v1/`.
#[tokio::test]
async fn every_form_of_api_base_reaches_v1_messages_once() {
    const BASES: &str = r#"
model_list:
  - model_name: host
    litellm_params: {model: anthropic/claude-host, api_base: "http://MOCK_ADDR", api_key: sk-ant-test}
  - model_name: v1
    litellm_params: {model: anthropic/claude-v1, api_base: "http://MOCK_ADDR/v1", api_key: sk-ant-test}
  - model_name: v1-slash
    litellm_params: {model: anthropic/claude-v1-slash, api_base: "http://MOCK_ADDR/v1/", api_key: sk-ant-test}
  - model_name: full
    litellm_params: {model: anthropic/claude-full, api_base: "http://MOCK_ADDR/v1/messages", api_key: sk-ant-test}
  - model_name: gateway
    litellm_params: {model: anthropic/claude-gateway, api_base: "http://MOCK_ADDR/anthropic/v1", api_key: sk-ant-test}
router_settings: {num_retries: 0}
general_settings: {master_key: sk-test-master-key}
"#;
    let h = start("anthropic-api-bases", BASES).await;
    for (name, upstream, prefix) in [
        ("host", "claude-host", ""),
        ("v1", "claude-v1", ""),
        ("v1-slash", "claude-v1-slash", ""),
        ("full", "claude-full", ""),
        ("gateway", "claude-gateway", "/anthropic"),
    ] {
        let reply = h
            .post(
                "/v1/chat/completions",
                json!({"model": name, "messages": [user("Hi")]}),
            )
            .await;
        assert_eq!(reply.status, 200, "{name}: {}", reply.text);
        let sent = h.mock.last_request(upstream).unwrap();
        assert_eq!(sent.path, format!("{prefix}/v1/messages"), "{name}");

        let anthropic = [("x-api-key", KEY), ("anthropic-version", "2023-06-01")];
        let reply = h
            .post_with(
                "/v1/messages",
                json!({"model": name, "max_tokens": 10, "messages": [user("Hi")]}),
                &anthropic,
            )
            .await;
        assert_eq!(reply.status, 200, "{name}: {}", reply.text);
        assert_eq!(
            h.mock.last_request(upstream).unwrap().path,
            format!("{prefix}/v1/messages"),
            "{name}"
        );

        let reply = h
            .post_with(
                "/v1/messages/count_tokens",
                json!({"model": name, "messages": [user("Hi")]}),
                &anthropic,
            )
            .await;
        assert_eq!(reply.status, 200, "{name}: {}", reply.text);
        assert_eq!(
            h.mock.last_request(upstream).unwrap().path,
            format!("{prefix}/v1/messages/count_tokens"),
            "{name}: counted by Anthropic, not locally"
        );
    }
}
