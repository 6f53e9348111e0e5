#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::bridge::{from_chat_response, to_chat_request};
use super::count::{local_count, python_repr};
use super::stream::{chat_to_messages, ChatToMessages, MessagesUsage};
use super::*;
use crate::providers::EventStream;
use bytes::Bytes;
use futures_util::StreamExt;

fn map(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("not an object: {other}"),
    }
}

#[test]
fn a_request_becomes_a_chat_request_as_litellm_translates_it() {
    let request = map(json!({
        "model": "gpt",
        "max_tokens": 100,
        "system": [{"type": "text", "text": "Be brief.", "cache_control": {"type": "ephemeral"}}],
        "metadata": {"user_id": "u-1"},
        "stop_sequences": ["END"],
        "temperature": 0.2,
        "top_k": 5,
        "stream": true,
        "tool_choice": {"type": "any"},
        "tools": [{"name": "get_weather", "description": "Weather", "type": "custom",
                   "cache_control": {"type": "ephemeral"},
                   "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}}}],
        "messages": [
            {"role": "user", "content": "Weather in Paris?"},
            {"role": "assistant", "content": [
                {"type": "thinking", "thinking": "hm", "signature": "sig"},
                {"type": "text", "text": "Let me "},
                {"type": "text", "text": "check."},
                {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {"city": "Paris", "é": 1}}
            ]},
            {"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": "toolu_1", "content": [
                    {"type": "text", "text": "Sunny"},
                    {"type": "image", "source": {"type": "url", "url": "https://example.invalid/a.png"}}
                ]},
                {"type": "text", "text": "And this?"},
                {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBOR"}},
                {"type": "document", "source": {"type": "text", "data": "dropped"}}
            ]}
        ]
    }));
    let chat = to_chat_request(&request).unwrap();
    assert_eq!(
        Value::Object(chat),
        json!({
            "model": "gpt",
            "max_tokens": 100,
            "temperature": 0.2,
            "top_k": 5,
            "stream": true,
            "stop": ["END"],
            "user": "u-1",
            "tool_choice": "required",
            "tools": [{"type": "function", "function": {
                "name": "get_weather",
                "description": "Weather",
                "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
            }}],
            "messages": [
                {"role": "system", "content": [{"type": "text", "text": "Be brief.", "cache_control": {"type": "ephemeral"}}]},
                {"role": "user", "content": "Weather in Paris?"},
                {"role": "assistant", "content": "Let me check.",
                 "tool_calls": [{"id": "toolu_1", "type": "function",
                                 "function": {"name": "get_weather", "arguments": "{\"city\": \"Paris\", \"\\u00e9\": 1}"}}],
                 "thinking_blocks": [{"type": "thinking", "thinking": "hm", "signature": "sig", "cache_control": {}}]},
                {"role": "tool", "tool_call_id": "toolu_1", "content": "Sunny"},
                {"role": "tool", "tool_call_id": "toolu_1", "content": "https://example.invalid/a.png"},
                {"role": "user", "content": [
                    {"type": "text", "text": "And this?"},
                    {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBOR"}}
                ]}
            ]
        })
    );
}

#[test]
fn tool_choices_and_refusals() {
    let base =
        json!({"model": "m", "max_tokens": 1, "messages": [{"role": "user", "content": "hi"}]});
    let with = |choice: Value| {
        let mut request = map(base.clone());
        request.insert("tool_choice".into(), choice);
        to_chat_request(&request).map(|chat| chat.get("tool_choice").cloned())
    };
    assert_eq!(with(json!({"type": "auto"})).unwrap(), Some(json!("auto")));
    assert_eq!(with(json!({"type": "none"})).unwrap(), Some(json!("none")));
    assert_eq!(
        with(json!({"type": "tool", "name": "f"})).unwrap(),
        Some(json!({"type": "function", "function": {"name": "f"}}))
    );
    let refused = with(json!({"type": "sometimes"})).unwrap_err();
    assert_eq!(refused.status, 400);
    assert!(refused.message.contains("Incompatible tool choice"));
    let mut request = map(base.clone());
    request.insert("messages".into(), json!([]));
    assert_eq!(to_chat_request(&request).unwrap_err().status, 400);
    let mut request = map(base);
    request.insert("tools".into(), json!([{"description": "no name"}]));
    assert!(to_chat_request(&request)
        .unwrap_err()
        .message
        .contains("tools.0.name"));
}

#[test]
fn a_chat_answer_becomes_a_messages_answer() {
    let completion = json!({
        "id": "chatcmpl-1", "object": "chat.completion", "model": "gpt-4o",
        "choices": [{"index": 0, "finish_reason": "tool_calls", "message": {
            "role": "assistant", "content": "Calling it.",
            "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "f", "arguments": "{\"a\": 1}"}},
                           {"id": "call_2", "type": "function", "function": {"name": "g", "arguments": ""}}]}}],
        "usage": {"prompt_tokens": 12, "completion_tokens": 7, "total_tokens": 19}
    });
    assert_eq!(
        from_chat_response(&completion, "openai").unwrap(),
        json!({
            "id": "chatcmpl-1", "type": "message", "role": "assistant", "model": "gpt-4o",
            "content": [
                {"type": "text", "text": "Calling it."},
                {"type": "tool_use", "id": "call_1", "name": "f", "input": {"a": 1}},
                {"type": "tool_use", "id": "call_2", "name": "g", "input": {}}
            ],
            "stop_reason": "tool_use", "stop_sequence": null,
            "usage": {"input_tokens": 12, "output_tokens": 7}
        })
    );
    let text =
        json!({"id": "x", "choices": [{"finish_reason": "length", "message": {"content": "Hi"}}]});
    let answer = from_chat_response(&text, "openai").unwrap();
    assert_eq!(answer["stop_reason"], "max_tokens");
    assert_eq!(answer["model"], "unknown-model");
    assert_eq!(
        answer["usage"],
        json!({"input_tokens": 0, "output_tokens": 0})
    );
    let other =
        json!({"choices": [{"finish_reason": "content_filter", "message": {"content": ""}}]});
    assert_eq!(
        from_chat_response(&other, "openai").unwrap()["stop_reason"],
        "end_turn"
    );
    assert_eq!(
        from_chat_response(&json!({"choices": []}), "openai")
            .unwrap_err()
            .status,
        500
    );
    let broken = json!({"choices": [{"message": {"tool_calls": [{"id": "c", "function": {"name": "f", "arguments": "{not json"}}]}}]});
    assert_eq!(
        from_chat_response(&broken, "openai").unwrap_err().status,
        500
    );
}

fn types(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .map(|e| {
            let kind = e["type"].as_str().unwrap_or("?").to_string();
            match e.get("delta").and_then(|d| d.get("type")) {
                Some(Value::String(delta)) => format!("{kind}:{delta}"),
                _ => kind,
            }
        })
        .collect()
}

#[test]
fn a_text_stream_follows_anthropic_event_order_with_usage_on_message_delta() {
    let mut t = ChatToMessages::new("gpt-4o");
    let chunks = [
        json!({"choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": null}]}),
        json!({"choices": [{"index": 0, "delta": {"content": "Hello"}, "finish_reason": null}]}),
        json!({"choices": [{"index": 0, "delta": {"content": " world"}, "finish_reason": null}]}),
        json!({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}),
        json!({"choices": [], "usage": {"prompt_tokens": 9, "completion_tokens": 2}}),
    ];
    let mut events = Vec::new();
    for chunk in &chunks {
        events.extend(t.on_chunk(chunk, "openai").unwrap());
    }
    events.extend(t.on_end());
    assert_eq!(
        types(&events),
        [
            "message_start",
            "content_block_start",
            "content_block_delta:text_delta",
            "content_block_delta:text_delta",
            "content_block_stop",
            "message_delta",
            "message_stop"
        ]
    );
    let start = &events[0]["message"];
    assert!(start["id"].as_str().unwrap().starts_with("msg_"));
    assert_eq!(start["model"], "gpt-4o");
    assert_eq!(
        start["usage"],
        json!({"input_tokens": 0, "output_tokens": 0})
    );
    assert_eq!(events[2]["delta"]["text"], "Hello");
    assert_eq!(events[4]["index"], 0);
    assert_eq!(
        events[5],
        json!({"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": null},
               "usage": {"input_tokens": 9, "output_tokens": 2}})
    );
}

#[test]
fn tool_calls_open_their_own_blocks() {
    let mut t = ChatToMessages::new("m");
    let chunks = [
        json!({"choices": [{"delta": {"content": "Let me look."}}]}),
        json!({"choices": [{"delta": {"tool_calls": [{"index": 0, "id": "call_a", "function": {"name": "f", "arguments": ""}}]}}]}),
        json!({"choices": [{"delta": {"tool_calls": [{"index": 0, "function": {"arguments": "{\"x\":"}}]}}]}),
        json!({"choices": [{"delta": {"tool_calls": [{"index": 0, "function": {"arguments": " 1}"}}]}}]}),
        json!({"choices": [{"delta": {"tool_calls": [{"index": 1, "id": "call_b", "function": {"name": "g", "arguments": "{}"}}]}}]}),
        json!({"choices": [{"delta": {}, "finish_reason": "tool_calls"}], "usage": {"prompt_tokens": 3, "completion_tokens": 4}}),
    ];
    let mut events = Vec::new();
    for chunk in &chunks {
        events.extend(t.on_chunk(chunk, "openai").unwrap());
    }
    // No usage chunk after the finish: the end sends the held delta with the usage seen.
    events.extend(t.on_end());
    assert_eq!(
        types(&events),
        [
            "message_start",
            "content_block_start",
            "content_block_delta:text_delta",
            "content_block_stop",
            "content_block_start",
            "content_block_delta:input_json_delta",
            "content_block_delta:input_json_delta",
            "content_block_stop",
            "content_block_start",
            "content_block_delta:input_json_delta",
            "content_block_stop",
            "message_delta",
            "message_stop"
        ]
    );
    assert_eq!(
        events[4]["content_block"],
        json!({"type": "tool_use", "id": "call_a", "name": "f", "input": {}})
    );
    assert_eq!(events[4]["index"], 1);
    assert_eq!(events[8]["index"], 2);
    assert_eq!(events[8]["content_block"]["name"], "g");
    assert_eq!(events[11]["delta"]["stop_reason"], "tool_use");
    assert_eq!(
        events[11]["usage"],
        json!({"input_tokens": 3, "output_tokens": 4})
    );
    // A tool call as the very first content: the empty text block 0 is closed first, as in
    // LiteLLM.
    let mut t = ChatToMessages::new("m");
    let events = t
        .on_chunk(
            &json!({"choices": [{"delta": {"tool_calls": [{"id": "c", "function": {"name": "f", "arguments": "{}"}}]}}]}),
            "openai",
        )
        .unwrap();
    assert_eq!(
        types(&events),
        [
            "message_start",
            "content_block_start",
            "content_block_stop",
            "content_block_start",
            "content_block_delta:input_json_delta"
        ]
    );
}

#[test]
fn a_stream_without_finish_reason_still_closes_and_an_error_chunk_fails() {
    let mut t = ChatToMessages::new("m");
    let mut events = t
        .on_chunk(
            &json!({"choices": [{"delta": {"content": "cut"}}]}),
            "openai",
        )
        .unwrap();
    events.extend(t.on_end());
    assert_eq!(
        types(&events),
        [
            "message_start",
            "content_block_start",
            "content_block_delta:text_delta",
            "content_block_stop",
            "message_delta",
            "message_stop"
        ]
    );
    assert!(t.on_end().is_empty(), "the end is sent once");
    let mut t = ChatToMessages::new("m");
    let error = t
        .on_chunk(&json!({"error": {"message": "overloaded"}}), "openai")
        .unwrap_err();
    assert!(error.message.contains("overloaded"), "{}", error.message);
}

fn sse_text(pieces: Vec<Result<Bytes, ProxyError>>) -> EventStream {
    Box::pin(futures_util::stream::iter(pieces))
}

#[tokio::test]
async fn an_upstream_sse_stream_is_translated_across_split_pieces() {
    let upstream = sse_text(vec![
        Ok(Bytes::from_static(b"data: {\"choices\":[{\"delta\":{\"content\":\"Hel")),
        Ok(Bytes::from_static(b"lo\"}}]}\n\ndata: {\"choices\":[{\"delta\":{},\"finish_reason\":\"length\"}]}\n\n")),
        Ok(Bytes::from_static(b"data: {\"choices\":[],\"usage\":{\"prompt_tokens\":4,\"completion_tokens\":1}}\n\ndata: [DONE]\n\n")),
    ]);
    let pieces: Vec<_> = chat_to_messages(upstream, "m", "openai").collect().await;
    let text: String = pieces
        .into_iter()
        .map(|p| String::from_utf8(p.unwrap().to_vec()).unwrap())
        .collect();
    let names: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("event: "))
        .collect();
    assert_eq!(
        names,
        [
            "message_start",
            "content_block_start",
            "content_block_delta",
            "content_block_stop",
            "message_delta",
            "message_stop"
        ]
    );
    let mut usage = MessagesUsage::default();
    for line in text.lines().filter_map(|l| l.strip_prefix("data: ")) {
        usage.read_event(line.as_bytes());
    }
    let usage = usage.usage().unwrap();
    assert_eq!((usage.prompt_tokens, usage.completion_tokens), (4, 1));
    assert!(text.contains("\"stop_reason\":\"max_tokens\""));
    assert!(text.contains("\"text\":\"Hello\""));

    // An upstream failure after some events: those go out, then the error.
    let upstream = sse_text(vec![
        Ok(Bytes::from_static(
            b"data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n",
        )),
        Err(ProxyError::connection("openai", "reset")),
    ]);
    let pieces: Vec<_> = chat_to_messages(upstream, "m", "openai").collect().await;
    assert_eq!(pieces.len(), 2);
    assert!(pieces[0].is_ok());
    assert!(pieces[1].is_err());
}

#[test]
fn usage_of_native_events_and_answers() {
    let mut usage = MessagesUsage::default();
    assert!(usage.usage().is_none());
    usage.read_event(br#"{"type":"message_start","message":{"usage":{"input_tokens":10,"cache_read_input_tokens":30,"cache_creation_input_tokens":5,"output_tokens":1}}}"#);
    usage.read_event(
        br#"{"type":"content_block_delta","delta":{"type":"text_delta","text":"usage"}}"#,
    );
    usage.read_event(br#"{"type":"message_delta","usage":{"output_tokens":7}}"#);
    let usage = usage.usage().unwrap();
    assert_eq!(usage.prompt_tokens, 45);
    assert_eq!(usage.cached_tokens, 30);
    assert_eq!(usage.cache_creation_tokens, 5);
    assert_eq!(usage.completion_tokens, 7);
    let answer =
        answer_usage(br#"{"type":"message","usage":{"input_tokens":3,"output_tokens":2}}"#);
    assert_eq!((answer.prompt_tokens, answer.completion_tokens), (3, 2));
}

#[test]
fn the_native_body_keeps_what_litellm_sends() {
    let request = map(json!({
        "model": "claude", "max_tokens": 10, "messages": [{"role": "user", "content": "hi"}],
        "metadata": {"user_id": "u", "other": 1}, "service_tier": "auto", "top_k": 3, "temperature": null
    }));
    let defaults = map(json!({"temperature": 0.5, "api_version": "x"}));
    let body = native_body(&request, &defaults, "claude-upstream", true);
    assert_eq!(
        Value::Object(body),
        json!({"model": "claude-upstream", "max_tokens": 10, "messages": [{"role": "user", "content": "hi"}],
               "metadata": {"user_id": "u"}, "top_k": 3, "temperature": 0.5, "stream": true})
    );
    let with_context = map(json!({"context_management": {"edits": []}}));
    assert_eq!(
        beta_header(Some("a, b"), &with_context).as_deref(),
        Some("a, b, context-management-2025-06-27")
    );
    assert_eq!(beta_header(Some("a"), &Map::new()).as_deref(), Some("a"));
    assert_eq!(beta_header(None, &Map::new()), None);
}

#[test]
fn requests_are_checked_before_any_upstream_call() {
    let ok =
        map(json!({"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": "x"}]}));
    assert!(check_request(&ok).is_ok());
    let mut no_max = ok.clone();
    no_max.remove("max_tokens");
    assert!(check_request(&no_max)
        .unwrap_err()
        .message
        .contains("max_tokens is required"));
    let mut system_role = ok.clone();
    system_role.insert(
        "messages".into(),
        json!([{"role": "system", "content": "x"}]),
    );
    assert_eq!(check_request(&system_role).unwrap_err().status, 400);
    let mut empty = ok;
    empty.insert("messages".into(), json!([]));
    assert_eq!(check_request(&empty).unwrap_err().status, 400);
}

#[test]
fn errors_take_anthropic_shape() {
    let error = ProxyError::new(429, crate::error::ErrorKind::RateLimit, "slow down");
    assert_eq!(
        error_body(&error),
        json!({"type": "error", "error": {"type": "rate_limit_error", "message": "slow down"}})
    );
    let openai = br#"{"error": {"message": "Authentication Error, No api key passed in.", "type": "auth_error", "param": "None", "code": "401"}}"#;
    assert_eq!(
        reshape_error(401, openai).unwrap(),
        json!({"type": "error", "error": {"type": "authentication_error", "message": "Authentication Error, No api key passed in."}})
    );
    assert!(reshape_error(400, br#"{"type":"error","error":{}}"#).is_none());
    assert!(reshape_error(500, b"not json").is_none());
    let frame = stream::error_event(&ProxyError::internal("boom"));
    let text = String::from_utf8(frame.to_vec()).unwrap();
    let data = text.strip_prefix("event: error\ndata: ").unwrap();
    let data: Value = serde_json::from_str(data.trim_end()).unwrap();
    assert_eq!(data["error"]["type"], "api_error");
}

#[test]
fn local_counts_follow_litellm_token_counter() {
    let messages = json!([
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
    let messages = messages.as_array().unwrap();
    // Computed with Python's tiktoken over LiteLLM's formula.
    assert_eq!(local_count("gpt-3.5-turbo", messages).unwrap(), 48);
    assert_eq!(local_count("mistral-large", messages).unwrap(), 48);
    assert_eq!(local_count("gpt-4o-mini", messages).unwrap(), 47);
    let image = json!([{"role": "user", "content": [{"type": "image", "source": {"type": "url", "url": "u"}}]}]);
    let error = local_count("gpt-4o", image.as_array().unwrap()).unwrap_err();
    assert_eq!(error.status, 500);
    assert!(error.message.contains("Invalid content item type"));
    assert_eq!(
        python_repr(&json!({"a": [true, null, 1.5, 2.0], "b": "it's", "c": "x'\"y\n"})),
        r#"{'a': [True, None, 1.5, 2.0], 'b': "it's", 'c': 'x\'"y\n'}"#
    );
}

#[test]
fn uuids_look_like_version_4() {
    let id = uuid4();
    assert_eq!(id.len(), 36);
    assert_eq!(&id[14..15], "4");
    assert_ne!(id, uuid4());
}

async fn passthrough_of(
    pieces: Vec<Result<Bytes, ProxyError>>,
) -> (String, Option<crate::sse::StreamEnd>) {
    let ended = std::sync::Arc::new(std::sync::Mutex::new(None));
    let sink = ended.clone();
    let mut pieces = pieces;
    let first = pieces.remove(0).unwrap();
    let body = stream::passthrough(
        first,
        sse_text(pieces),
        "anthropic",
        std::time::Duration::from_secs(5),
        move |end| *sink.lock().unwrap() = Some(end),
    );
    let text: String = body
        .map(|piece| String::from_utf8(piece.unwrap().to_vec()).unwrap())
        .collect()
        .await;
    let end = ended.lock().unwrap().take();
    (text, end)
}

#[tokio::test]
async fn a_messages_stream_is_forwarded_whole_with_its_usage_read() {
    let start = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":8,\"output_tokens\":1}}}\n\n";
    let (text, end) = passthrough_of(vec![
        Ok(Bytes::from(&start[..20])),
        Ok(Bytes::from(&start[20..])),
        Ok(Bytes::from_static(b"event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":5}}\n\nevent: message_stop\ndata: {\"type\":\"message_stop\"}\n\n")),
    ])
    .await;
    assert!(text.starts_with(start), "{text}");
    assert!(text.ends_with("{\"type\":\"message_stop\"}\n\n"));
    let end = end.unwrap();
    assert!(end.error.is_none() && !end.cancelled);
    let usage = end.usage.unwrap();
    assert_eq!((usage.prompt_tokens, usage.completion_tokens), (8, 5));

    // An upstream `error` event goes to the client as it is, and the call is a failure.
    let (text, end) = passthrough_of(vec![
        Ok(Bytes::from(start)),
        Ok(Bytes::from_static(b"event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n")),
    ])
    .await;
    assert!(text.contains("overloaded_error"));
    assert_eq!(end.unwrap().error.map(|e| e.status), Some(500));

    // A failure of the connection after the first byte: an `error` event in Anthropic's shape.
    let (text, end) = passthrough_of(vec![
        Ok(Bytes::from(start)),
        Err(ProxyError::connection("anthropic", "reset")),
    ])
    .await;
    assert!(
        text.contains("event: error\ndata: {\"type\":\"error\""),
        "{text}"
    );
    assert!(end.unwrap().error.is_some());
}
