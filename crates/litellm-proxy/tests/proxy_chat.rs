//! Chat completions through the proxy: passthrough, streaming, parameters, wildcards, aliases.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test aborts on what it did not expect

mod proxy_support;

use proxy_support::*;
use serde_json::json;

const CONFIG: &str = r#"
model_list:
  - model_name: gpt-4o
    litellm_params:
      model: openai/gpt-4o
      api_base: API_BASE
      api_key: sk-upstream-secret
      temperature: 0.3
      extra_headers: {x-team: red}
  - model_name: my-openai/*
    litellm_params:
      model: openai/*
      api_base: API_BASE
router_settings:
  model_group_alias: {fast: gpt-4o, secret-alias: {model: gpt-4o, hidden: true}}
general_settings:
  master_key: sk-test-master-key
"#;

#[tokio::test]
async fn completes_and_forwards_key_params_and_headers() {
    let h = start("chat-complete", CONFIG).await;
    let reply = h.chat("gpt-4o").await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let body = reply.json();
    assert_eq!(body["object"], "chat.completion");
    assert_eq!(body["choices"][0]["message"]["content"], "Hello w1 w2");
    assert_eq!(reply.header("x-litellm-model-group"), Some("gpt-4o"));
    assert_eq!(reply.header("x-litellm-attempted-retries"), Some("0"));
    assert_eq!(reply.header("x-litellm-attempted-fallbacks"), Some("0"));
    let cost: f64 = reply
        .header("x-litellm-response-cost")
        .and_then(|c| c.parse().ok())
        .unwrap_or(-1.0);
    assert!(
        cost > 0.0,
        "gpt-4o is in the price table, so the call costs something"
    );

    let seen = h
        .mock
        .last_request("gpt-4o")
        .unwrap_or_else(|| panic!("the mock saw no gpt-4o call"));
    assert_eq!(
        seen.header("authorization"),
        Some("Bearer sk-upstream-secret")
    );
    assert_eq!(seen.header("x-team"), Some("red"));
    assert_eq!(
        seen.body["temperature"], 0.3,
        "litellm_params act as default request params"
    );
    assert_eq!(
        seen.body["model"], "gpt-4o",
        "the provider prefix is stripped"
    );
}

#[tokio::test]
async fn request_params_override_deployment_defaults_and_litellm_keys_stay_home() {
    let h = start("chat-override", CONFIG).await;
    let body = json!({"model": "gpt-4o", "temperature": 0.9, "num_retries": 1, "metadata": {"tag": "x"},
        "messages": [{"role": "user", "content": "hi"}]});
    let reply = h.post("/v1/chat/completions", body).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let seen = h
        .mock
        .last_request("gpt-4o")
        .unwrap_or_else(|| panic!("no call"));
    assert_eq!(seen.body["temperature"], 0.9);
    assert!(seen.body.get("num_retries").is_none() && seen.body.get("metadata").is_none());
}

#[tokio::test]
async fn streams_chunks_and_done_and_hides_usage_unless_asked() {
    let h = start("chat-stream", CONFIG).await;
    let body =
        json!({"model": "gpt-4o", "stream": true, "messages": [{"role": "user", "content": "hi"}]});
    let reply = h.post("/chat/completions", body).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.header("content-type"), Some("text/event-stream"));
    let data = sse_data(&reply.text);
    assert_eq!(data.last().map(String::as_str), Some("[DONE]"));
    let text: String = data
        .iter()
        .filter_map(|d| serde_json::from_str::<serde_json::Value>(d).ok())
        .filter_map(|c| {
            c["choices"][0]["delta"]["content"]
                .as_str()
                .map(str::to_string)
        })
        .collect();
    assert_eq!(text, "Hello w1 w2");
    assert!(
        !reply.text.contains("prompt_tokens"),
        "usage was not asked for: {}",
        reply.text
    );
    let seen = h
        .mock
        .last_request("gpt-4o")
        .unwrap_or_else(|| panic!("no call"));
    assert_eq!(
        seen.body["stream_options"]["include_usage"], true,
        "the proxy asks for usage to price the call"
    );

    let asked = json!({"model": "gpt-4o", "stream": true, "stream_options": {"include_usage": true},
        "messages": [{"role": "user", "content": "hi"}]});
    let reply = h.post("/v1/chat/completions", asked).await;
    assert!(
        reply.text.contains("\"prompt_tokens\""),
        "usage was asked for: {}",
        reply.text
    );
}

#[tokio::test]
async fn wildcard_groups_substitute_captures_and_aliases_resolve() {
    let h = start("chat-wildcard", CONFIG).await;
    let reply = h.chat("my-openai/gpt-4.1-mini").await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(
        h.mock.hits("gpt-4.1-mini"),
        1,
        "`openai/*` took the captured `gpt-4.1-mini`"
    );
    assert_eq!(
        reply.header("x-litellm-model-group"),
        Some("my-openai/gpt-4.1-mini"),
        "LiteLLM names the group by the requested model, not the pattern"
    );

    let reply = h.chat("fast").await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(h.mock.hits("gpt-4o"), 1);
}

#[tokio::test]
async fn models_list_has_litellm_shape_without_wildcards_and_hidden_aliases() {
    let h = start("chat-models", CONFIG).await;
    for path in ["/v1/models", "/models"] {
        let body = h.get(path).await.json();
        assert_eq!(body["object"], "list");
        let ids: Vec<&str> = body["data"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|m| m["id"].as_str())
            .collect();
        assert_eq!(ids, vec!["gpt-4o", "fast"]);
        assert_eq!(body["data"][0]["created"], 1_677_610_602);
        assert_eq!(body["data"][0]["owned_by"], "openai");
    }
    let with_wildcards = h.get("/v1/models?return_wildcard_routes=true").await.json();
    assert!(with_wildcards.to_string().contains("my-openai/*"));
}

#[tokio::test]
async fn unknown_model_is_a_400_in_openai_shape() {
    let h = start("chat-unknown", CONFIG).await;
    let reply = h.chat("gpt-5-nope").await;
    let error = assert_openai_error(&reply, 400);
    let message = error["message"].as_str().unwrap_or("");
    assert!(
        message.contains("Invalid model name passed in model=gpt-5-nope"),
        "{message}"
    );
    assert_eq!(h.mock.total_hits(), 0);

    let reply = h
        .post("/v1/chat/completions", json!({"messages": []}))
        .await;
    assert_openai_error(&reply, 400);
    let reply = h
        .post_with(
            "/v1/chat/completions",
            json!("not an object"),
            &[("authorization", &format!("Bearer {KEY}"))],
        )
        .await;
    assert_openai_error(&reply, 400);
}

/// The request OpenClaw 2026.9.6 sends with `api: "openai-completions"` for the `litellm`
/// provider (recorded in `tests/data/openclaw/openai-completions.request.json`: `POST
/// {baseUrl}/chat/completions` without `/v1`, the OpenAI JS SDK's headers, a string system
/// message, a user message as a string and one as a content list, twelve function tools with
/// `tool_choice: "auto"`, `max_completion_tokens: 8192`, a stream asking for usage), replayed as
/// it was sent against an OpenAI deployment and a translated (Anthropic) one.
#[tokio::test]
async fn the_request_openclaw_sends_is_served() {
    let recorded: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/openclaw/openai-completions.request.json"
        ))
        .unwrap(),
    )
    .unwrap();
    assert_eq!(recorded["method"], "POST");
    assert_eq!(recorded["path"], "/chat/completions");
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
    const MODELS: &str = r#"
model_list:
  - model_name: gpt-4o
    litellm_params: {model: openai/gpt-4o, api_base: API_BASE, api_key: sk-upstream}
  - model_name: claude
    litellm_params: {model: anthropic/claude-haiku-4-5, api_base: API_BASE, api_key: sk-ant-test}
general_settings: {master_key: sk-test-master-key}
"#;
    let h = start("chat-openclaw", MODELS).await;
    for group in ["gpt-4o", "claude"] {
        let mut body = recorded["body"].clone();
        body["model"] = json!(group);
        let reply = h.post_with("/chat/completions", body, &headers).await;
        assert_eq!(reply.status, 200, "{group}: {}", reply.text);
        let data = sse_data(&reply.text);
        assert_eq!(data.last().map(String::as_str), Some("[DONE]"), "{group}");
        let chunks: Vec<serde_json::Value> = data[..data.len() - 1]
            .iter()
            .map(|d| serde_json::from_str(d).unwrap())
            .collect();
        assert!(
            chunks
                .iter()
                .any(|c| c["usage"]["total_tokens"].as_u64() > Some(0)),
            "{group}: the usage chunk OpenClaw asked for"
        );
    }
    // The OpenAI deployment got OpenClaw's body as sent (its model id substituted).
    let seen = h.mock.last_request("gpt-4o").unwrap();
    let mut expected = recorded["body"].clone();
    expected["model"] = json!("gpt-4o");
    assert_eq!(seen.body, expected);
    // The translated call carried OpenClaw's system message, tools and token limit to Anthropic.
    let seen = h.mock.last_request("claude-haiku-4-5").unwrap();
    assert!(seen.body["system"][0]["text"]
        .as_str()
        .unwrap()
        .contains("OpenClaw"));
    assert_eq!(seen.body["tools"].as_array().unwrap().len(), 12);
    assert_eq!(seen.body["max_tokens"], 8192);
    h.proxy.stop().await;
}
