//! The translations against LiteLLM's recorded behaviour.

use super::*;

fn request(value: Value) -> Map<String, Value> {
    value.as_object().cloned().unwrap_or_default()
}

#[test]
fn hoists_system_merges_roles_and_defaults_max_tokens() {
    let translated = to_anthropic(&request(json!({
        "model": "claude-x",
        "messages": [
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "a"},
            {"role": "user", "content": [{"type": "text", "text": "b"}]},
            {"role": "system", "content": [{"type": "text", "text": "Second.", "cache_control": {"type": "ephemeral"}}]},
            {"role": "assistant", "content": "ok  "},
        ],
        "stop": "END",
        "user": "someone@example.com",
        "temperature": null,
        "tools": null,
        "n": null,
    })));
    let body = translated
        .map(|t| Value::Object(t.body))
        .unwrap_or_default();
    assert_eq!(
        body,
        json!({
            "model": "claude-x",
            "messages": [
                {"role": "user", "content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]},
                {"role": "assistant", "content": [{"type": "text", "text": "ok"}]},
            ],
            "stop_sequences": ["END"],
            "system": [
                {"type": "text", "text": "Be brief."},
                {"type": "text", "text": "Second.", "cache_control": {"type": "ephemeral"}},
            ],
            "max_tokens": 4096,
        })
    );
}

#[test]
fn refuses_unsupported_params_and_bad_arguments() {
    let error = to_anthropic(&request(json!({
        "model": "m", "messages": [{"role": "user", "content": "x"}], "presence_penalty": 1
    })));
    assert!(error.is_err_and(|e| e.status == 400 && e.message.contains("presence_penalty")));
    let dropped = to_anthropic(&request(json!({
        "model": "m", "messages": [{"role": "user", "content": "x"}], "presence_penalty": 1, "drop_params": true
    })));
    assert!(dropped.is_ok_and(|t| !t.body.contains_key("presence_penalty")));
    let bad = to_anthropic(&request(json!({"model": "m", "messages": [
        {"role": "user", "content": "x"},
        {"role": "assistant", "tool_calls": [{"id": "c", "type": "function", "function": {"name": "f", "arguments": "{not json"}}]},
    ]})));
    assert!(bad.is_err_and(|e| e.kind == ErrorKind::BadRequest));
    let only_system = to_anthropic(&request(
        json!({"model": "m", "messages": [{"role": "system", "content": "s"}]}),
    ));
    assert!(only_system.is_err_and(|e| e.message.contains("at least one non-system message")));
}

#[test]
fn response_format_forces_the_json_tool_and_its_input_becomes_the_content() {
    let translated = to_anthropic(&request(
        json!({"model": "m", "messages": [{"role": "user", "content": "x"}],
        "response_format": {"type": "json_schema", "json_schema": {"name": "p", "schema": {"type": "object", "properties": {"a": {"type": "integer"}}}}}}),
    ));
    let Ok(translated) = translated else {
        panic!("not translated")
    };
    assert!(translated.json_mode);
    assert_eq!(
        translated.body["tool_choice"],
        json!({"name": "json_tool_call", "type": "tool"})
    );
    assert_eq!(
        translated.body["tools"],
        json!([{"name": "json_tool_call", "input_schema": {"type": "object", "properties": {"a": {"type": "integer"}}}}])
    );
    let answer = json!({"id": "msg", "model": "m", "stop_reason": "tool_use", "usage": {"input_tokens": 1, "output_tokens": 2},
        "content": [{"type": "tool_use", "id": "t", "name": "json_tool_call", "input": {"a": 1}}]});
    let completion = to_openai(&answer, 0, true).unwrap_or_default();
    assert_eq!(completion["choices"][0]["message"]["content"], "{\"a\": 1}");
    assert_eq!(completion["choices"][0]["finish_reason"], "stop");
    assert!(completion["choices"][0]["message"]
        .get("tool_calls")
        .is_none());
    let mut stream = StreamTranslator::new(0, true);
    let mut content = String::new();
    let mut finish = String::new();
    for event in [
        json!({"type": "message_start", "message": {"id": "m", "model": "m", "usage": {"input_tokens": 1}}}),
        json!({"type": "content_block_start", "index": 0, "content_block": {"type": "tool_use", "id": "t", "name": "json_tool_call", "input": {}}}),
        json!({"type": "content_block_delta", "index": 0, "delta": {"type": "input_json_delta", "partial_json": "{\"a\":"}}),
        json!({"type": "content_block_delta", "index": 0, "delta": {"type": "input_json_delta", "partial_json": " 1}"}}),
        json!({"type": "content_block_stop", "index": 0}),
        json!({"type": "message_delta", "delta": {"stop_reason": "tool_use"}, "usage": {"output_tokens": 3}}),
    ] {
        for chunk in stream.on_event(&event).unwrap_or_default() {
            assert!(chunk["choices"][0]["delta"].get("tool_calls").is_none());
            content.push_str(
                chunk["choices"][0]["delta"]["content"]
                    .as_str()
                    .unwrap_or(""),
            );
            if let Some(reason) = chunk["choices"][0]["finish_reason"].as_str() {
                finish = reason.to_string();
            }
        }
    }
    assert_eq!((content.as_str(), finish.as_str()), ("{\"a\": 1}", "stop"));
}

#[test]
fn reasoning_effort_becomes_a_thinking_budget_with_room_to_answer() {
    let translated = to_anthropic(&request(json!({"model": "m", "reasoning_effort": "high",
        "messages": [{"role": "user", "content": "x"}]})));
    let body = translated.map(|t| t.body).unwrap_or_default();
    assert_eq!(
        body["thinking"],
        json!({"type": "enabled", "budget_tokens": 4096})
    );
    assert_eq!(body["max_tokens"], 4096 + 256);
    let given = to_anthropic(&request(
        json!({"model": "m", "reasoning_effort": "low", "max_tokens": 3000,
        "messages": [{"role": "user", "content": "x"}]}),
    ));
    assert_eq!(
        given
            .map(|t| t.body["max_tokens"].clone())
            .unwrap_or_default(),
        3000
    );
}

#[test]
fn web_search_options_become_the_hosted_search_tool() {
    let translated = to_anthropic(&request(
        json!({"model": "m", "messages": [{"role": "user", "content": "x"}],
        "web_search_options": {"search_context_size": "medium", "user_location": {"type": "approximate", "approximate": {"city": "Paris", "country": "FR"}}}}),
    ));
    assert_eq!(
        translated
            .map(|t| t.body["tools"].clone())
            .unwrap_or_default(),
        json!([{"type": "web_search_20250305", "name": "web_search", "user_location": {"type": "approximate", "city": "Paris", "country": "FR"}, "max_uses": 5}])
    );
}

#[test]
fn tool_history_without_tools_is_refused_as_litellm_does() {
    let refused = to_anthropic(&request(json!({"model": "m", "messages": [
        {"role": "user", "content": "x"},
        {"role": "assistant", "tool_calls": [{"id": "c", "type": "function", "function": {"name": "f", "arguments": "{}"}}]},
        {"role": "tool", "tool_call_id": "c", "content": "r"},
    ]})));
    assert!(refused.is_err_and(|e| e.message.contains("without `tools=` param")));
}

#[tokio::test]
async fn an_error_event_mid_stream_ends_it_with_an_error() {
    let events = concat!(
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"model\":\"c\",\"usage\":{\"input_tokens\":1}}}\n\n",
        "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n",
    );
    let stream = translate_stream(
        futures_util::stream::iter(vec![Ok(Bytes::from_static(events.as_bytes()))]),
        StreamTranslator::new(5, false),
    );
    let out: Vec<Result<Bytes, ProxyError>> = stream.collect().await;
    assert_eq!(out.len(), 2, "the role chunk, then the error");
    assert!(out[0]
        .as_ref()
        .is_ok_and(|b| String::from_utf8_lossy(b).contains("\"role\":\"assistant\"")));
    let error = out.into_iter().find_map(Result::err);
    assert!(error.is_some_and(|e| e.status == 500 && e.kind == ErrorKind::InternalServer));
}

#[test]
fn maps_errors_as_litellm_does() {
    let context = br#"{"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 210000 tokens > 200000 maximum"}}"#;
    let error = error_from(400, context, None);
    assert_eq!(
        (error.status, error.kind),
        (400, ErrorKind::ContextWindowExceeded)
    );
    assert_eq!(error.error_type.as_deref(), Some("invalid_request_error"));
    let overloaded =
        br#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#;
    assert_eq!(error_from(529, overloaded, None).status, 500);
    let limited = br#"{"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}"#;
    let error = error_from(429, limited, Some(Duration::from_secs(3)));
    assert_eq!((error.status, error.kind), (429, ErrorKind::RateLimit));
    assert_eq!(error.retry_after, Some(Duration::from_secs(3)));
    assert!(error
        .message
        .starts_with("litellm.RateLimitError: AnthropicException - "));
    assert_eq!(error_from(413, b"{}", None).status, 400);
    assert_eq!(error_from(401, b"{}", None).kind, ErrorKind::Authentication);
    assert_eq!(
        error_from(403, b"{}", None).kind,
        ErrorKind::PermissionDenied
    );
}

#[test]
fn tool_arguments_are_written_as_pythons_json_dumps() {
    assert_eq!(
        python_json(&json!({"city": "Zürich", "days": [1, 2], "deep": {"ok": true}})),
        r#"{"city": "Z\u00fcrich", "days": [1, 2], "deep": {"ok": true}}"#
    );
    assert_eq!(python_json(&json!({})), "{}");
    assert_eq!(python_json(&json!("😀")), r#""\ud83d\ude00""#);
}

#[test]
fn user_ids_that_look_personal_are_left_out() {
    assert!(valid_user_id("user-123"));
    assert!(!valid_user_id("a.b@example.com"));
    assert!(!valid_user_id("+1 (555) 010-9999"));
}

#[tokio::test]
async fn translates_a_stream_split_anywhere() {
    let events = concat!(
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"model\":\"claude-x\",\"usage\":{\"input_tokens\":10,\"cache_read_input_tokens\":4,\"output_tokens\":1}}}\n\n",
        "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"f\",\"input\":{}}}\n\n",
        "event: ping\ndata: {\"type\":\"ping\"}\n\n",
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"a\\\":\"}}\n\n",
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"1}\"}}\n\n",
        "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n",
        "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\"},\"usage\":{\"output_tokens\":7}}\n\n",
        "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
    );
    for split in [1usize, 7, 50, events.len()] {
        let pieces: Vec<Result<Bytes, ProxyError>> = events
            .as_bytes()
            .chunks(split)
            .map(|c| Ok(Bytes::copy_from_slice(c)))
            .collect();
        let stream = translate_stream(
            futures_util::stream::iter(pieces),
            StreamTranslator::new(5, false),
        );
        let out: Vec<Result<Bytes, ProxyError>> = stream.collect().await;
        let text: String = out
            .iter()
            .map(|r| {
                r.as_ref()
                    .map(|b| String::from_utf8_lossy(b).into_owned())
                    .unwrap_or_default()
            })
            .collect();
        let data: Vec<&str> = text
            .split("\n\n")
            .filter_map(|e| e.strip_prefix("data: "))
            .collect();
        assert_eq!(data.len(), 7, "{text}");
        assert_eq!(data[6], "[DONE]");
        let chunks: Vec<Value> = data[..6]
            .iter()
            .filter_map(|d| serde_json::from_str(d).ok())
            .collect();
        assert_eq!(
            chunks[1]["choices"][0]["delta"]["tool_calls"][0]["function"]["name"],
            "f"
        );
        assert_eq!(
            chunks[2]["choices"][0]["delta"]["tool_calls"][0]["function"]["arguments"],
            "{\"a\":"
        );
        assert_eq!(chunks[4]["choices"][0]["finish_reason"], "tool_calls");
        assert_eq!(chunks[5]["usage"]["prompt_tokens"], 14);
        assert_eq!(chunks[5]["usage"]["completion_tokens"], 7);
        assert_eq!(
            chunks[5]["usage"]["prompt_tokens_details"]["cached_tokens"],
            4
        );
    }
}

#[test]
fn the_messages_url_appends_v1_messages_once() {
    for base in [
        "https://api.anthropic.com",
        "https://api.anthropic.com/",
        "https://api.anthropic.com/v1",
        "https://api.anthropic.com/v1/",
        "https://api.anthropic.com/v1/messages",
        "https://api.anthropic.com/v1/messages/",
        "https://api.anthropic.com/v1/v1",
    ] {
        assert_eq!(
            messages_url(base),
            "https://api.anthropic.com/v1/messages",
            "{base}"
        );
    }
    assert_eq!(
        messages_url("https://gw.example/anthropic/v1"),
        "https://gw.example/anthropic/v1/messages"
    );
    assert_eq!(
        messages_url("https://gw.example/v1beta"),
        "https://gw.example/v1beta/v1/messages",
        "only a whole `/v1` segment is dropped"
    );
}
