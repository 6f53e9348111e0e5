//! `POST /v1/responses` (and `/responses`), `GET`/`DELETE /v1/responses/{id}`: passed natively to
//! `openai/` and `azure/` deployments (the mock speaks the Responses API), translated to and from
//! chat completions for Anthropic and OpenAI-compatible chat-only deployments (the mock's
//! Anthropic API refuses what Anthropic refuses, so a translation mistake fails here), streaming
//! or not, with one response id across every event, usage, cost, spend rows, `x-litellm-*`
//! headers, fallbacks and errors as for chat. The official OpenAI SDK and LangChain drive the
//! same endpoints from `tests/python/sdk_responses.py`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test aborts on what it did not expect

mod proxy_support;

use litellm_proxy::responses::ids;
use proxy_support::*;
use serde_json::{json, Value};

const CONFIG: &str = r#"
model_list:
  - model_name: gpt-native
    litellm_params: {model: openai/gpt-4o, api_base: API_BASE, api_key: sk-upstream}
    model_info: {id: native-id}
  - model_name: azure-native
    litellm_params: {model: azure/gpt4o-deploy, api_base: "http://MOCK_ADDR", api_key: az-key, api_version: "2025-03-01-preview"}
    model_info: {id: azure-id}
  - model_name: claude
    litellm_params: {model: anthropic/claude-haiku-4-5, api_base: API_BASE, api_key: sk-ant-test}
    model_info: {id: claude-id}
  - model_name: groq-chat
    litellm_params: {model: groq/llama-3.1-8b-instant, api_base: API_BASE, api_key: gsk-test}
    model_info: {id: groq-id}
  - model_name: native-broken
    litellm_params: {model: openai/gpt-fail-500, api_base: API_BASE, api_key: sk-upstream}
  - model_name: claude-broken
    litellm_params: {model: anthropic/claude-fail-529, api_base: API_BASE, api_key: sk-ant-test}
router_settings:
  num_retries: 0
  cooldown_time: 0
  fallbacks: [{native-broken: [claude]}]
general_settings: {master_key: sk-test-master-key}
"#;

/// (event type, data) of a Responses SSE body; every event has both lines, and the data's
/// `type` is the event's name.
fn events(text: &str) -> Vec<(String, Value)> {
    text.split("\n\n")
        .filter(|e| !e.trim().is_empty())
        .map(|e| {
            let kind = e
                .lines()
                .find_map(|l| l.strip_prefix("event: "))
                .unwrap_or_else(|| panic!("no event line in {e}"))
                .to_string();
            let data: Value = e
                .lines()
                .find_map(|l| l.strip_prefix("data: "))
                .and_then(|d| serde_json::from_str(d).ok())
                .unwrap_or_else(|| panic!("no JSON data in {e}"));
            assert_eq!(data["type"], kind.as_str(), "{e}");
            (kind, data)
        })
        .collect()
}

/// Checks what every Responses stream must hold: created first, completed last, one response
/// id, sequence numbers 0.., deltas that add up to the completed text. Returns the completed
/// response.
fn check_stream(text: &str) -> Value {
    let events = events(text);
    let kinds: Vec<&str> = events.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(kinds.first(), Some(&"response.created"), "{text}");
    assert_eq!(kinds.last(), Some(&"response.completed"), "{text}");
    let id = events[0].1["response"]["id"].as_str().unwrap().to_string();
    let mut deltas = String::new();
    for (n, (kind, data)) in events.iter().enumerate() {
        assert_eq!(data["sequence_number"], n, "{kind}");
        if let Some(response) = data.get("response") {
            assert_eq!(response["id"], id.as_str(), "response id changed at {kind}");
        }
        if kind == "response.output_text.delta" {
            deltas.push_str(data["delta"].as_str().unwrap());
        }
    }
    let completed = events.last().unwrap().1["response"].clone();
    let text_out: String = completed["output"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["type"] == "message")
        .flat_map(|i| i["content"].as_array().cloned().unwrap_or_default())
        .map(|c| c["text"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(deltas, text_out);
    completed
}

async fn post_stream(h: &Harness, body: Value) -> Reply {
    let reply = h.post("/v1/responses", body).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.header("content-type"), Some("text/event-stream"));
    reply
}

fn output_text(response: &Value) -> String {
    response["output"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["type"] == "message")
        .flat_map(|i| i["content"].as_array().cloned().unwrap_or_default())
        .map(|c| c["text"].as_str().unwrap_or("").to_string())
        .collect()
}

#[tokio::test]
async fn openai_deployments_get_the_request_natively_with_the_proxys_ids() {
    let h = start("responses-native", CONFIG).await;
    let body = json!({
        "model": "gpt-native", "input": "Say hello", "instructions": "Be brief.",
        "store": true, "metadata": {"team": "a"}, "num_retries": 1,
        "litellm_metadata": {"tags": ["spend-tag"]},
    });
    let reply = h.post("/v1/responses", body).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let response = reply.json();
    assert_eq!(response["object"], "response");
    assert_eq!(output_text(&response), "Hello w1 w2");
    let id = response["id"].as_str().unwrap();
    let decoded = ids::decode(id).expect("an id naming its deployment");
    assert_eq!(
        (decoded.provider.as_str(), decoded.model_id.as_str()),
        ("openai", "native-id")
    );
    assert!(decoded.response_id.starts_with("resp_mock_"));
    assert_eq!(response["usage"]["output_tokens"], 3);
    // The upstream got the Responses body with its model and without LiteLLM's keys.
    let seen = h.mock.last_request("gpt-4o").expect("the mock was called");
    assert_eq!(seen.path, "/v1/responses");
    assert_eq!(seen.body["model"], "gpt-4o");
    assert_eq!(seen.body["instructions"], "Be brief.");
    // `metadata` is the Responses API's own parameter; LiteLLM's is `litellm_metadata` here.
    assert_eq!(seen.body["metadata"], json!({"team": "a"}));
    assert!(seen.body.get("num_retries").is_none() && seen.body.get("litellm_metadata").is_none());
    assert_eq!(seen.header("authorization"), Some("Bearer sk-upstream"));
    // Headers and cost as for chat.
    assert_eq!(reply.header("x-litellm-model-id"), Some("native-id"));
    assert_eq!(reply.header("x-litellm-model-group"), Some("gpt-native"));
    assert!(reply.header("x-litellm-call-id").is_some());
    let cost: f64 = reply
        .header("x-litellm-response-cost")
        .expect("gpt-4o is priced")
        .parse()
        .unwrap();
    assert!(cost > 0.0);

    // The unversioned route, and a stream with one id across its events.
    let reply = h
        .post(
            "/responses",
            json!({"model": "gpt-native", "input": "hi", "stream": true}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let completed = check_stream(&reply.text);
    assert_eq!(output_text(&completed), "Hello w1 w2");
    let streamed_id = completed["id"].as_str().unwrap();
    assert_eq!(ids::decode(streamed_id).unwrap().model_id, "native-id");

    // GET and DELETE reach the deployment that made the response, with the upstream's id.
    let got = h.get(&format!("/v1/responses/{id}")).await;
    assert_eq!(got.status, 200, "{}", got.text);
    assert_eq!(got.json()["id"], id);
    assert_eq!(output_text(&got.json()), "Hello w1 w2");
    let deleted = h.delete(&format!("/v1/responses/{id}")).await;
    assert_eq!(deleted.status, 200, "{}", deleted.text);
    assert_eq!(
        deleted.json(),
        json!({"id": id, "object": "response.deleted", "deleted": true})
    );
    let gone = h.get(&format!("/v1/responses/{id}")).await;
    assert_openai_error(&gone, 404);

    // Spend rows with the tokens of both calls.
    let rows = h.spend_rows("?summarize=false", 2).await;
    assert!(
        rows.iter()
            .all(|r| r["model_group"] == "gpt-native" && r["completion_tokens"] == 3),
        "{rows:?}"
    );
    // The spend row keeps LiteLLM's metadata (`litellm_metadata` on this route).
    assert!(
        rows.iter()
            .any(|r| r["metadata"]["tags"] == json!(["spend-tag"])),
        "{rows:?}"
    );
    h.proxy.stop().await;
}

#[tokio::test]
async fn azure_deployments_get_azures_responses_route() {
    let h = start("responses-azure", CONFIG).await;
    let reply = h
        .post(
            "/v1/responses",
            json!({"model": "azure-native", "input": "hi"}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(output_text(&reply.json()), "Hello w1 w2");
    let seen = h
        .mock
        .last_request("gpt4o-deploy")
        .expect("the mock was called");
    assert_eq!(seen.path, "/openai/responses");
    assert_eq!(seen.query, "api-version=2025-03-01-preview");
    assert_eq!(seen.header("api-key"), Some("az-key"));
    let id = reply.json()["id"].as_str().unwrap().to_string();
    let got = h.get(&format!("/v1/responses/{id}")).await;
    assert_eq!(got.status, 200, "{}", got.text);
    assert_eq!(got.json()["id"], id.as_str());
    let stream = post_stream(
        &h,
        json!({"model": "azure-native", "input": "hi", "stream": true}),
    )
    .await;
    check_stream(&stream.text);
    h.proxy.stop().await;
}

#[tokio::test]
async fn anthropic_and_chat_only_deployments_are_translated_both_ways() {
    let h = start("responses-bridge", CONFIG).await;
    let reply = h
        .post(
            "/v1/responses",
            json!({"model": "claude", "instructions": "Be brief.", "input": [
                {"role": "user", "content": [{"type": "input_text", "text": "Say hello"}]},
            ], "max_output_tokens": 64, "store": false}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let response = reply.json();
    assert_eq!(response["status"], "completed");
    assert!(!output_text(&response).is_empty());
    assert_eq!(
        ids::decode(response["id"].as_str().unwrap())
            .unwrap()
            .model_id,
        "claude-id"
    );
    assert!(response["usage"]["input_tokens"].as_u64().unwrap() > 0);
    assert_eq!(response["instructions"], "Be brief.");
    let seen = h
        .mock
        .last_request("claude-haiku-4-5")
        .expect("anthropic called");
    assert!(seen.path.ends_with("/v1/messages"), "{}", seen.path);
    assert_eq!(seen.body["max_tokens"], 64);
    assert_eq!(seen.body["system"][0]["text"], "Be brief.");
    assert_eq!(reply.header("x-litellm-model-id"), Some("claude-id"));
    assert!(reply.header("x-litellm-response-cost").is_some());

    // A chat-only OpenAI-compatible deployment is called on /chat/completions.
    let reply = h
        .post(
            "/v1/responses",
            json!({"model": "groq-chat", "input": "hi"}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(output_text(&reply.json()), "Hello w1 w2");
    assert_eq!(reply.json()["usage"]["output_tokens"], 3);
    let seen = h
        .mock
        .last_request("llama-3.1-8b-instant")
        .expect("groq called");
    assert_eq!(seen.path, "/v1/chat/completions");
    assert_eq!(
        seen.body["messages"],
        json!([{"role": "user", "content": "hi"}])
    );

    // Streams of both, one response id each, usage in the completed event and the spend row.
    for model in ["claude", "groq-chat"] {
        let reply = post_stream(&h, json!({"model": model, "input": "hi", "stream": true})).await;
        let completed = check_stream(&reply.text);
        assert_eq!(completed["status"], "completed");
        assert!(
            completed["usage"]["output_tokens"].as_u64().unwrap() > 0,
            "{model}"
        );
        let events = events(&reply.text);
        let kinds: Vec<&str> = events.iter().map(|(k, _)| k.as_str()).collect();
        for expected in [
            "response.in_progress",
            "response.output_item.added",
            "response.content_part.added",
            "response.output_text.delta",
            "response.output_text.done",
            "response.content_part.done",
            "response.output_item.done",
        ] {
            assert!(
                kinds.contains(&expected),
                "{model}: no {expected} in {kinds:?}"
            );
        }
    }
    let rows = h.spend_rows("?summarize=false", 4).await;
    assert!(
        rows.iter()
            .all(|r| r["completion_tokens"].as_u64().unwrap() > 0),
        "{rows:?}"
    );
    h.proxy.stop().await;
}

#[tokio::test]
async fn function_calls_round_trip_through_the_anthropic_bridge() {
    let h = start("responses-tools", CONFIG).await;
    let tool = json!({"type": "function", "name": "get_weather", "description": "Weather",
                      "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}});
    let first = h
        .post(
            "/v1/responses",
            json!({"model": "claude", "input": "Weather in Paris?", "tools": [tool], "tool_choice": "required"}),
        )
        .await;
    assert_eq!(first.status, 200, "{}", first.text);
    let call = first.json()["output"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["type"] == "function_call")
        .cloned()
        .unwrap_or_else(|| panic!("no function call: {}", first.text));
    assert_eq!(call["name"], "get_weather");
    let arguments: Value = serde_json::from_str(call["arguments"].as_str().unwrap()).unwrap();
    assert!(arguments.get("city").is_some());
    let seen = h.mock.last_request("claude-haiku-4-5").unwrap();
    assert_eq!(seen.body["tool_choice"], json!({"type": "any"}));
    // The call and its output go back as input items; Anthropic needs the tool_use before the
    // tool_result (the mock refuses the turn otherwise).
    let second = h
        .post(
            "/v1/responses",
            json!({"model": "claude", "tools": [tool], "input": [
                {"role": "user", "content": "Weather in Paris?"},
                call,
                {"type": "function_call_output", "call_id": call["call_id"], "output": "sunny"},
            ]}),
        )
        .await;
    assert_eq!(second.status, 200, "{}", second.text);
    let seen = h.mock.last_request("claude-haiku-4-5").unwrap();
    let messages = seen.body["messages"].as_array().unwrap();
    assert_eq!(messages[1]["content"][0]["type"], "tool_use");
    assert_eq!(messages[2]["content"][0]["type"], "tool_result");

    // Streamed: the call is its own output item with its argument deltas.
    let reply = post_stream(
        &h,
        json!({"model": "claude", "input": "Weather?", "tools": [tool], "tool_choice": "required", "stream": true}),
    )
    .await;
    let completed = check_stream(&reply.text);
    let events = events(&reply.text);
    let added = events
        .iter()
        .find(|(k, d)| k == "response.output_item.added" && d["item"]["type"] == "function_call")
        .unwrap_or_else(|| panic!("no function call item: {}", reply.text));
    let index = added.1["output_index"].as_u64().unwrap() as usize;
    assert_eq!(completed["output"][index]["type"], "function_call");
    let done = events
        .iter()
        .find(|(k, _)| k == "response.function_call_arguments.done")
        .unwrap();
    assert_eq!(done.1["arguments"], completed["output"][index]["arguments"]);
    h.proxy.stop().await;
}

#[tokio::test]
async fn errors_fallbacks_and_ids_that_cannot_be_looked_up() {
    let h = start("responses-errors", CONFIG).await;
    // A native deployment failing falls back to a translated one.
    let reply = h
        .post(
            "/v1/responses",
            json!({"model": "native-broken", "input": "hi"}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.header("x-litellm-model-group"), Some("claude"));
    assert_eq!(reply.header("x-litellm-attempted-fallbacks"), Some("1"));
    // No fallback: the upstream's error in OpenAI's shape.
    let reply = h
        .post(
            "/v1/responses",
            json!({"model": "claude-broken", "input": "hi"}),
        )
        .await;
    assert!(reply.status >= 500, "{}", reply.text);
    assert!(reply.json()["error"]["message"].as_str().is_some());
    let reply = h
        .post(
            "/v1/responses",
            json!({"model": "claude-broken", "input": "hi", "stream": true}),
        )
        .await;
    assert!(
        reply.status >= 500,
        "a stream failing at once is a plain error: {}",
        reply.text
    );
    // Unknown model, no key, malformed input.
    let reply = h
        .post("/v1/responses", json!({"model": "nope", "input": "hi"}))
        .await;
    let error = assert_openai_error(&reply, 400);
    assert!(error["message"]
        .as_str()
        .unwrap()
        .starts_with("/responses: Invalid model name"));
    let reply = h
        .post_with(
            "/v1/responses",
            json!({"model": "claude", "input": "hi"}),
            &[],
        )
        .await;
    assert_eq!(reply.status, 401);
    let reply = h
        .post("/v1/responses", json!({"model": "claude", "input": 7}))
        .await;
    assert_openai_error(&reply, 400);
    // Ids: one of a translated call (nothing stored upstream), and one the proxy never made.
    let made = h
        .post(
            "/v1/responses",
            json!({"model": "groq-chat", "input": "hi"}),
        )
        .await;
    let id = made.json()["id"].as_str().unwrap().to_string();
    let got = h.get(&format!("/v1/responses/{id}")).await;
    let error = assert_openai_error(&got, 400);
    assert!(
        error["message"].as_str().unwrap().contains("groq"),
        "{error}"
    );
    let got = h.get("/v1/responses/resp_not_ours").await;
    assert_openai_error(&got, 404);
    let got = h.get_with(&format!("/v1/responses/{id}"), &[]).await;
    assert_eq!(got.status, 401);
    h.proxy.stop().await;
}

#[tokio::test]
async fn the_official_sdk_and_langchain_use_the_responses_api() {
    if !openai_sdk_installed() {
        return;
    }
    let h = start("responses-sdk", CONFIG).await;
    run_sdk_script(&h, "sdk_responses.py", &[]).await;
    h.proxy.stop().await;
}

/// The request OpenClaw 2026.9.6 sends with `api: "openai-responses"` for the `litellm` provider
/// (recorded in `tests/data/openclaw/openai-responses.request.json`: `POST {baseUrl}/responses`
/// without `/v1`, the OpenAI JS SDK's headers, a system message as an input item, twelve function
/// tools, `store: false`, a stream), replayed as it was sent against a native deployment and a
/// translated one.
#[tokio::test]
async fn the_request_openclaw_sends_is_served() {
    let recorded: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/openclaw/openai-responses.request.json"
        ))
        .unwrap(),
    )
    .unwrap();
    assert_eq!(recorded["path"], "/responses");
    let headers: Vec<(String, String)> = recorded["headers"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
        .collect();
    let headers: Vec<(&str, &str)> = headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let h = start("responses-openclaw", CONFIG).await;
    for group in ["gpt-native", "claude"] {
        let mut body = recorded["body"].clone();
        body["model"] = json!(group);
        let reply = h.post_with("/responses", body, &headers).await;
        assert_eq!(reply.status, 200, "{group}: {}", reply.text);
        let completed = check_stream(&reply.text);
        assert_eq!(completed["status"], "completed", "{group}");
        assert!(
            !completed["output"].as_array().unwrap().is_empty(),
            "{group}"
        );
    }
    // The translated call carried OpenClaw's system message and tools to Anthropic.
    let seen = h.mock.last_request("claude-haiku-4-5").unwrap();
    assert!(seen.body["system"][0]["text"]
        .as_str()
        .unwrap()
        .contains("OpenClaw"));
    assert_eq!(seen.body["tools"].as_array().unwrap().len(), 12);
    assert_eq!(seen.body["max_tokens"], 8192);
    h.proxy.stop().await;
}
