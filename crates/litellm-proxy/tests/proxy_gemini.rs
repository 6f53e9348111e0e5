//! `gemini/...` deployments through the proxy against the mock's Google AI Studio protocol:
//! translation both ways, streaming, tools, safety blocks and token limits as fallback triggers,
//! retries, keys, and what the mock refuses as Google does.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test aborts on what it did not expect

mod proxy_support;

use litellm_check::env::Environment;
use mock_upstream::{Behaviour, MockUpstream};
use proxy_support::*;
use serde_json::{json, Value};

const CONFIG: &str = r#"
model_list:
  - {model_name: flash, litellm_params: {model: gemini/gemini-2.0-flash, api_base: API_BASE, api_key: test-gemini-key}}
  - {model_name: guarded, litellm_params: {model: gemini/guarded-content-policy, api_base: API_BASE, api_key: test-gemini-key}}
  - {model_name: small, litellm_params: {model: gemini/small-context-length, api_base: API_BASE, api_key: test-gemini-key}}
  - {model_name: roomy, litellm_params: {model: gemini/roomy, api_base: API_BASE, api_key: test-gemini-key}}
  - {model_name: flaky, litellm_params: {model: gemini/flaky-fail-503, api_base: API_BASE, api_key: test-gemini-key}}
  - {model_name: limited, litellm_params: {model: gemini/limited-fail-429, api_base: API_BASE, api_key: test-gemini-key}}
  - {model_name: cache, litellm_params: {model: gemini/cache-cached-40, api_base: API_BASE, api_key: test-gemini-key}}
  - {model_name: thinker, litellm_params: {model: gemini/thinker, api_base: API_BASE, api_key: test-gemini-key}}
  - {model_name: keyless, litellm_params: {model: gemini/keyless, api_base: API_BASE}}
  - model_name: unfiltered
    litellm_params:
      model: gemini/unfiltered
      api_base: API_BASE
      api_key: test-gemini-key
      safety_settings:
        - {category: HARM_CATEGORY_HARASSMENT, threshold: BLOCK_NONE}
  - {model_name: backup, litellm_params: {model: openai/backup, api_base: API_BASE}}
router_settings:
  num_retries: 1
  content_policy_fallbacks: [{guarded: [backup]}]
  context_window_fallbacks: [{small: [roomy]}]
  fallbacks: [{flaky: [flash]}]
general_settings: {master_key: sk-test-master-key}
"#;

fn text(value: &Value) -> &str {
    value.as_str().unwrap_or("")
}

#[tokio::test]
async fn a_completion_is_translated_both_ways() {
    let h = start("gemini-complete", CONFIG).await;
    let reply = h
        .post(
            "/v1/chat/completions",
            json!({
                "model": "flash",
                "messages": [
                    {"role": "system", "content": "You are terse."},
                    {"role": "user", "content": "Say hello"},
                    {"role": "assistant", "content": "Hi"},
                    {"role": "user", "content": "Again"}
                ],
                "max_tokens": 20,
                "temperature": 0.3,
                "stop": ["END"]
            }),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let body = reply.json();
    assert_eq!(body["object"], "chat.completion");
    assert_eq!(body["model"], "gemini-2.0-flash");
    assert_eq!(body["choices"][0]["message"]["content"], "Hello w1 w2");
    assert_eq!(body["choices"][0]["finish_reason"], "stop");
    let usage = &body["usage"];
    assert_eq!(usage["completion_tokens"], 3);
    assert_eq!(
        usage["total_tokens"].as_u64(),
        Some(usage["prompt_tokens"].as_u64().unwrap_or(0) + 3)
    );
    let seen = h
        .mock
        .last_request("gemini-2.0-flash")
        .unwrap_or_else(|| panic!("the mock saw no Gemini request"));
    assert!(
        seen.path
            .ends_with("/v1beta/models/gemini-2.0-flash:generateContent"),
        "{}",
        seen.path
    );
    assert_eq!(seen.header("x-goog-api-key"), Some("test-gemini-key"));
    assert_eq!(seen.header("authorization"), None);
    assert_eq!(
        seen.body["system_instruction"],
        json!({"parts": [{"text": "You are terse."}]})
    );
    assert_eq!(
        seen.body["contents"],
        json!([
            {"role": "user", "parts": [{"text": "Say hello"}]},
            {"role": "model", "parts": [{"text": "Hi"}]},
            {"role": "user", "parts": [{"text": "Again"}]}
        ])
    );
    assert_eq!(
        seen.body["generationConfig"],
        json!({"temperature": 0.3, "maxOutputTokens": 20, "stopSequences": ["END"]})
    );
    assert!(seen.body.get("messages").is_none());
}

#[tokio::test]
async fn a_deployments_safety_settings_go_with_every_call() {
    let h = start("gemini-safety-settings", CONFIG).await;
    assert_eq!(h.chat("unfiltered").await.status, 200);
    let seen = h.mock.last_request("unfiltered").unwrap_or_default();
    assert_eq!(
        seen.body["safetySettings"],
        json!([{"category": "HARM_CATEGORY_HARASSMENT", "threshold": "BLOCK_NONE"}])
    );
}

#[tokio::test]
async fn a_stream_arrives_as_openai_chunks_with_usage() {
    let h = start("gemini-stream", CONFIG).await;
    let reply = h
        .post(
            "/v1/chat/completions",
            json!({"model": "flash", "messages": [{"role": "user", "content": "Say hello"}],
                   "stream": true, "stream_options": {"include_usage": true}}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let events = sse_data(&reply.text);
    assert_eq!(events.last().map(String::as_str), Some("[DONE]"));
    let chunks: Vec<Value> = events
        .iter()
        .filter(|e| *e != "[DONE]")
        .map(|e| serde_json::from_str(e).unwrap_or_else(|err| panic!("{err}: {e}")))
        .collect();
    let content: String = chunks
        .iter()
        .filter_map(|c| c["choices"][0]["delta"]["content"].as_str())
        .collect();
    assert_eq!(content, "Hello w1 w2");
    assert_eq!(chunks[0]["choices"][0]["delta"]["role"], "assistant");
    assert!(chunks
        .iter()
        .all(|c| c["object"] == "chat.completion.chunk" && c["id"] == chunks[0]["id"]));
    let finishes: Vec<&str> = chunks
        .iter()
        .filter_map(|c| c["choices"][0]["finish_reason"].as_str())
        .collect();
    assert_eq!(finishes, ["stop"]);
    let usage = chunks
        .iter()
        .find(|c| c["usage"].is_object())
        .unwrap_or_else(|| panic!("no usage chunk: {}", reply.text));
    assert_eq!(usage["choices"], json!([]));
    assert_eq!(usage["usage"]["completion_tokens"], 3);
    let seen = h.mock.last_request("gemini-2.0-flash");
    assert!(seen.is_some_and(|s| s.path.ends_with(":streamGenerateContent")));

    // Without `include_usage` the usage chunk the proxy needs for spend stays hidden.
    let reply = h
        .post(
            "/v1/chat/completions",
            json!({"model": "flash", "messages": [{"role": "user", "content": "Say hello"}], "stream": true}),
        )
        .await;
    assert_eq!(reply.status, 200);
    assert!(!reply.text.contains("\"usage\""), "{}", reply.text);
    assert!(reply.text.ends_with("data: [DONE]\n\n"));
}

#[tokio::test]
async fn tool_calls_go_out_as_function_calls_and_come_back() {
    let h = start("gemini-tools", CONFIG).await;
    let tools = json!([{"type": "function", "function": {
        "name": "get_weather", "description": "Weather in a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"], "additionalProperties": false}
    }}]);
    let reply = h
        .post(
            "/v1/chat/completions",
            json!({"model": "flash", "messages": [{"role": "user", "content": "Weather in Paris?"}],
                   "tools": tools, "tool_choice": "required"}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let body = reply.json();
    assert_eq!(body["choices"][0]["finish_reason"], "tool_calls");
    let call = &body["choices"][0]["message"]["tool_calls"][0];
    assert_eq!(call["type"], "function");
    assert_eq!(call["function"]["name"], "get_weather");
    assert_eq!(
        serde_json::from_str::<Value>(text(&call["function"]["arguments"])).ok(),
        Some(json!({"city": "mock"}))
    );
    let seen = h.mock.last_request("gemini-2.0-flash").unwrap_or_default();
    assert_eq!(
        seen.body["tools"],
        json!([{"functionDeclarations": [{"name": "get_weather", "description": "Weather in a city",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}]}])
    );
    assert_eq!(
        seen.body["toolConfig"],
        json!({"functionCallingConfig": {"mode": "ANY"}})
    );

    let call_id = text(&call["id"]).to_string();
    assert!(!call_id.is_empty());
    let reply = h
        .post(
            "/v1/chat/completions",
            json!({"model": "flash", "tools": tools, "messages": [
                {"role": "user", "content": "Weather in Paris?"},
                {"role": "assistant", "content": null, "tool_calls": [call]},
                {"role": "tool", "tool_call_id": call_id, "content": "{\"temp\": 21}"}
            ]}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(
        reply.json()["choices"][0]["message"]["content"],
        "Hello w1 w2"
    );
    let seen = h.mock.last_request("gemini-2.0-flash").unwrap_or_default();
    assert_eq!(
        seen.body["contents"],
        json!([
            {"role": "user", "parts": [{"text": "Weather in Paris?"}]},
            {"role": "model", "parts": [{"functionCall": {"name": "get_weather", "args": {"city": "mock"}}}]},
            {"role": "user", "parts": [{"functionResponse": {"name": "get_weather", "response": {"content": "{\"temp\": 21}"}}}]}
        ])
    );
}

#[tokio::test]
async fn a_safety_block_falls_back_by_content_policy_fallbacks() {
    let h = start("gemini-safety", CONFIG).await;
    let reply = h.chat("guarded").await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.header("x-litellm-model-group"), Some("backup"));
    assert_eq!(reply.header("x-litellm-attempted-fallbacks"), Some("1"));
    assert_eq!(h.mock.hits("guarded-content-policy"), 1);
    assert_eq!(h.mock.hits("backup"), 1);

    // A stream blocked at its first event falls back the same way.
    let reply = h
        .post(
            "/v1/chat/completions",
            json!({"model": "guarded", "messages": [{"role": "user", "content": "hi"}], "stream": true}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.header("x-litellm-model-group"), Some("backup"));
    assert_eq!(h.mock.hits("guarded-content-policy"), 2);

    // Without the fallback the block is LiteLLM's ContentPolicyViolationError, a 400.
    let reply = h
        .post(
            "/v1/chat/completions",
            json!({"model": "guarded", "messages": [{"role": "user", "content": "hi"}], "disable_fallbacks": true}),
        )
        .await;
    let error = assert_openai_error(&reply, 400);
    assert!(
        text(&error["message"]).starts_with("litellm.ContentPolicyViolationError: GeminiException"),
        "{error}"
    );
}

#[tokio::test]
async fn a_token_limit_falls_back_by_context_window_fallbacks() {
    let h = start("gemini-context", CONFIG).await;
    let reply = h.chat("small").await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.header("x-litellm-model-group"), Some("roomy"));
    // A context-window error with a fallback configured is not retried.
    assert_eq!(h.mock.hits("small-context-length"), 1);
    assert_eq!(h.mock.hits("roomy"), 1);
}

#[tokio::test]
async fn server_errors_are_retried_then_fall_back_and_rate_limits_keep_429() {
    let h = start("gemini-retry", CONFIG).await;
    let reply = h.chat("flaky").await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.header("x-litellm-model-group"), Some("flash"));
    assert_eq!(h.mock.hits("flaky-fail-503"), 2, "one call and one retry");
    assert_eq!(reply.header("x-litellm-attempted-retries"), Some("1"));

    let reply = h
        .post(
            "/v1/chat/completions",
            json!({"model": "limited", "messages": [{"role": "user", "content": "hi"}], "num_retries": 0}),
        )
        .await;
    let error = assert_openai_error(&reply, 429);
    assert!(
        text(&error["message"])
            .starts_with("litellm.RateLimitError: GeminiException - mock failure"),
        "{error}"
    );
}

#[tokio::test]
async fn cached_and_thinking_tokens_reach_usage_by_the_contract() {
    let h = start("gemini-usage", CONFIG).await;
    let body = h.chat("cache").await.json();
    let usage = &body["usage"];
    let prompt = usage["prompt_tokens"].as_u64().unwrap_or(0);
    assert!(
        prompt > 40,
        "prompt_tokens includes the cached tokens: {usage}"
    );
    assert_eq!(usage["prompt_tokens_details"]["cached_tokens"], 40);
    assert_eq!(usage["cache_read_input_tokens"], 40);

    h.mock.set_behaviour(
        "thinker",
        Behaviour::parse("thoughts=7").unwrap_or_default(),
    );
    let body = h.chat("thinker").await.json();
    assert_eq!(body["usage"]["completion_tokens"], 10);
    assert_eq!(
        body["usage"]["completion_tokens_details"]["reasoning_tokens"],
        7
    );
}

#[tokio::test]
async fn the_key_comes_from_the_environment_and_its_absence_is_googles_403() {
    let h = start("gemini-keyless", CONFIG).await;
    let reply = h.chat("keyless").await;
    let error = assert_openai_error(&reply, 403);
    assert!(
        text(&error["message"])
            .contains("GeminiException - Method doesn't allow unregistered callers"),
        "{error}"
    );

    let mut env = Environment::empty();
    env.set("GEMINI_API_KEY", "key-from-env");
    let h = start_with_env("gemini-env-key", CONFIG, env).await;
    let reply = h.chat("keyless").await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let seen = h.mock.last_request("keyless").unwrap_or_default();
    assert_eq!(seen.header("x-goog-api-key"), Some("key-from-env"));
}

#[tokio::test]
async fn broken_connections_retry_and_a_stream_broken_midway_ends_with_an_error_frame() {
    let h = start("gemini-broken", CONFIG).await;
    // A reset before the answer is a connection error: retried (num_retries: 1), then the
    // `flaky` group's fallback serves.
    h.mock.set_behaviour(
        "flaky-fail-503",
        Behaviour::parse("reset").unwrap_or_default(),
    );
    let reply = h.chat("flaky").await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.header("x-litellm-model-group"), Some("flash"));
    assert_eq!(h.mock.hits("flaky-fail-503"), 2);

    // Broken after the first events went to the client: no fallback, an error frame then [DONE].
    h.mock.set_behaviour(
        "thinker",
        Behaviour::parse("chunks=4,break_after=1,chunk_delay=30").unwrap_or_default(),
    );
    let reply = h
        .post(
            "/v1/chat/completions",
            json!({"model": "thinker", "stream": true, "messages": [{"role": "user", "content": "x"}]}),
        )
        .await;
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
}

#[tokio::test]
async fn gemini_api_base_names_the_host_and_v1beta_is_added() {
    // No api_base in the config: GEMINI_API_BASE names a mock of this test's own.
    let own = MockUpstream::start()
        .await
        .unwrap_or_else(|e| panic!("mock: {e}"));
    let config = r#"
model_list:
  - {model_name: env, litellm_params: {model: gemini/env-model}}
general_settings: {master_key: sk-test-master-key}
"#;
    let mut env = Environment::empty();
    env.set("GEMINI_API_BASE", format!("http://{}", own.addr()));
    env.set("GOOGLE_API_KEY", "google-key");
    env.set("GEMINI_API_KEY", "gemini-key");
    let h = start_with_env("gemini-env-base", config, env).await;
    let reply = h.chat("env").await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let seen = own.last_request("env-model").unwrap_or_default();
    assert_eq!(seen.path, "/v1beta/models/env-model:generateContent");
    assert_eq!(
        seen.header("x-goog-api-key"),
        Some("google-key"),
        "GOOGLE_API_KEY comes first, as in LiteLLM's GeminiModelInfo"
    );
    assert_eq!(h.mock.total_hits(), 0);
}

#[tokio::test]
async fn the_mock_refuses_what_google_refuses() {
    let h = start("gemini-mock", CONFIG).await;
    let url = format!(
        "http://{}/v1beta/models/gemini-2.0-flash:generateContent",
        h.mock.addr()
    );
    let post = |body: Value, key: bool| {
        let mut request = h.client.post(&url).body(body.to_string());
        if key {
            request = request.header("x-goog-api-key", "k");
        }
        async move {
            let response = request.send().await.unwrap_or_else(|e| panic!("{e}"));
            let status = response.status().as_u16();
            let body: Value = serde_json::from_str(&response.text().await.unwrap_or_default())
                .unwrap_or_default();
            (status, body)
        }
    };
    let ok = json!({"contents": [{"role": "user", "parts": [{"text": "hi"}]}]});
    assert_eq!(post(ok.clone(), true).await.0, 200);
    let (status, body) = post(ok, false).await;
    assert_eq!(
        (status, text(&body["error"]["status"])),
        (403, "PERMISSION_DENIED")
    );
    for bad in [
        json!({}),
        json!({"contents": []}),
        json!({"contents": [{"role": "system", "parts": [{"text": "x"}]}]}),
        json!({"contents": [{"role": "assistant", "parts": [{"text": "x"}]}]}),
        json!({"contents": [{"role": "user", "parts": []}]}),
        json!({"model": "m", "messages": [{"role": "user", "content": "hi"}]}),
        json!({"contents": [{"role": "user", "parts": [{"text": "x"}]}], "generationConfig": {"max_tokens": 3}}),
    ] {
        let (status, body) = post(bad.clone(), true).await;
        assert_eq!(
            (status, text(&body["error"]["status"])),
            (400, "INVALID_ARGUMENT"),
            "{bad}"
        );
    }
}

/// tests/data/providers/gemini: each recorded OpenAI request translates to the recorded Gemini
/// request, and each recorded Gemini answer (whole or streamed) to the recorded OpenAI answer or
/// error.
mod recorded_pairs {
    use crate::proxy_support::RecordedPairs;

    const PAIRS: RecordedPairs = RecordedPairs("gemini");
    use litellm_proxy::providers::event_translation::Translation;
    use litellm_proxy::providers::gemini::{
        to_gemini_request, to_openai_response, ResponseMeta, StreamTranslator,
    };
    use serde_json::Value;

    fn meta() -> ResponseMeta {
        ResponseMeta {
            id: "chatcmpl-fixture".into(),
            created: 1_700_000_000,
            model: "gemini-2.5-flash".into(),
        }
    }

    /// The recorded error of a case: (status, message).
    fn expected_error(name: &str) -> (u64, String) {
        let error = PAIRS.json(&format!("{name}.openai-error.json"));
        let status = error["status"].as_u64().unwrap_or(0);
        (status, error["message"].as_str().unwrap_or("").to_string())
    }

    #[test]
    fn each_recorded_openai_request_becomes_the_recorded_gemini_request() {
        let names = PAIRS.cases(".openai-request.json");
        assert!(names.len() >= 5, "{names:?}");
        for name in names {
            let request = PAIRS.json(&format!("{name}.openai-request.json"));
            let expected = PAIRS.json(&format!("{name}.gemini-request.json"));
            let translated = to_gemini_request(request.as_object().unwrap_or(&Default::default()))
                .unwrap_or_else(|e| panic!("{name}: {}", e.message));
            assert_eq!(translated, expected, "{name}");
        }
    }

    #[test]
    fn each_recorded_gemini_answer_becomes_the_recorded_openai_answer_or_error() {
        let names = PAIRS.cases(".gemini-response.json");
        assert!(names.len() >= 7, "{names:?}");
        for name in names {
            let answer = PAIRS.json(&format!("{name}.gemini-response.json"));
            match to_openai_response(&answer, &meta()) {
                Ok(translated) => {
                    let expected = PAIRS.json(&format!("{name}.openai-response.json"));
                    assert_eq!(translated, expected, "{name}");
                }
                Err(error) => {
                    assert_eq!(
                        (u64::from(error.status), error.message),
                        expected_error(&name),
                        "{name}"
                    );
                }
            }
        }
    }

    /// The events of an SSE text: parsed JSON, or the `[DONE]` marker as a string.
    fn events(text: &str) -> Vec<Value> {
        text.split("\n\n")
            .filter(|event| !event.trim().is_empty())
            .map(|event| {
                let data = event
                    .trim()
                    .strip_prefix("data: ")
                    .unwrap_or_else(|| panic!("no data line in {event:?}"));
                if data == "[DONE]" {
                    Value::String(data.into())
                } else {
                    serde_json::from_str(data).unwrap_or_else(|e| panic!("{e}: {data}"))
                }
            })
            .collect()
    }

    #[test]
    fn each_recorded_gemini_stream_becomes_the_recorded_openai_stream_or_error() {
        let names = PAIRS.cases(".gemini-stream.txt");
        assert!(names.len() >= 3, "{names:?}");
        for name in names {
            let upstream = PAIRS.read(&format!("{name}.gemini-stream.txt"));
            // Arbitrary network boundaries must not change the result.
            for piece in [1usize, 7, 64, upstream.len()] {
                let mut translator = Translation::new(StreamTranslator::new(meta()));
                let mut out = Vec::new();
                let mut failure = None;
                for chunk in upstream.as_bytes().chunks(piece) {
                    match translator.feed(chunk) {
                        Ok(bytes) => out.extend(bytes),
                        Err(error) => {
                            failure = Some(error);
                            break;
                        }
                    }
                }
                if failure.is_none() {
                    match translator.finish() {
                        Ok(bytes) => out.extend(bytes),
                        Err(error) => failure = Some(error),
                    }
                }
                match failure {
                    None => {
                        let expected = PAIRS.read(&format!("{name}.openai-stream.txt"));
                        assert_eq!(
                            events(&String::from_utf8_lossy(&out)),
                            events(&expected),
                            "{name}, pieces of {piece}"
                        );
                    }
                    Some(error) => assert_eq!(
                        (u64::from(error.status), error.message),
                        expected_error(&name),
                        "{name}, pieces of {piece}"
                    ),
                }
            }
        }
    }
}

/// The official OpenAI Python SDK (tests/python/sdk_gemini.py) against gemini deployments, streaming
/// and not. Skipped with a message when `openai` is not installed, except under CI.
#[tokio::test]
async fn the_official_openai_sdk_drives_gemini_deployments() {
    if !openai_sdk_installed() {
        return;
    }
    let h = start("gemini-sdk", CONFIG).await;
    run_sdk_script(&h, "sdk_gemini.py", &[]).await;
}
