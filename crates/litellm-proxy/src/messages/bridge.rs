//! Anthropic Messages <-> OpenAI chat completions for deployments that do not speak Messages,
//! as LiteLLM 1.80's adapter does (`LiteLLMAnthropicMessagesAdapter` in
//! `litellm/llms/anthropic/experimental_pass_through/adapters/transformation.py`, called by
//! `adapters/handler.py`).
//!
//! Request: the `system` prompt becomes the first (system) message; a user turn becomes its tool
//! results (one `tool` message each), then its text and images (base64 sources as `data:` URLs,
//! URL sources as they are); an assistant turn's text is joined, its `tool_use` blocks become
//! `tool_calls` (arguments as Python's `json.dumps` writes them) and its thinking blocks
//! `thinking_blocks`; `metadata.user_id` becomes `user`; `tool_choice` `any`/`auto`/`tool` become
//! `required`/`auto`/the named function; each tool becomes a function whose `parameters` are its
//! `input_schema`; every other parameter (`max_tokens`, `temperature`, `top_p`, `top_k`,
//! `thinking`, ...) goes on as it is.
//!
//! Response: thinking blocks, text, then one `tool_use` block per tool call (arguments parsed);
//! `finish_reason` `stop`/`length`/`tool_calls` -> `stop_reason` `end_turn`/`max_tokens`/`tool_use`
//! (anything else `end_turn`); `usage` `prompt_tokens`/`completion_tokens` -> `input_tokens`/
//! `output_tokens`.
//!
//! Where this differs from 1.80, on purpose: `stop_sequences` is sent as OpenAI's `stop` (1.80
//! sends `stop_sequences`, which OpenAI-compatible servers refuse or ignore); `tool_choice`
//! `none` becomes `none` (1.80 fails with "Incompatible tool choice param submitted"); a tool's
//! other keys are merged into its `parameters` without overwriting the schema's own and
//! `cache_control` is left out (1.80 lets a tool's `type: "custom"` overwrite the schema's
//! `type: "object"`); the text of an answer that also calls tools is kept before its `tool_use`
//! blocks (1.80 drops it).

use crate::error::ProxyError;
use crate::providers::anthropic::python_json;
use serde_json::{json, Map, Value};

/// Keys the adapter translates; every other one goes to the chat request as it is.
const TRANSLATED: &[&str] = &[
    "model",
    "messages",
    "metadata",
    "system",
    "tool_choice",
    "tools",
    "stop_sequences",
];

fn bad_request(message: impl Into<String>) -> ProxyError {
    ProxyError::bad_request(message)
}

/// An Anthropic Messages request body -> the OpenAI chat request body (`model` is left to the
/// caller: the upstream id replaces it).
pub fn to_chat_request(request: &Map<String, Value>) -> Result<Map<String, Value>, ProxyError> {
    let messages = match request.get("messages") {
        Some(Value::Array(messages)) if !messages.is_empty() => messages,
        _ => {
            return Err(bad_request(
                "Bad Request: messages is required for Anthropic Messages Request",
            )
            .with_param("messages"))
        }
    };
    let mut chat_messages = Vec::with_capacity(messages.len() + 1);
    if let Some(system) = request.get("system").filter(|s| truthy(s)) {
        chat_messages.push(json!({"role": "system", "content": system}));
    }
    for message in messages {
        translate_message(message, &mut chat_messages)?;
    }
    let mut chat = Map::new();
    if let Some(model) = request.get("model") {
        chat.insert("model".into(), model.clone());
    }
    chat.insert("messages".into(), Value::Array(chat_messages));
    if let Some(user) = request
        .get("metadata")
        .and_then(|m| m.get("user_id"))
        .filter(|u| !u.is_null())
    {
        chat.insert("user".into(), user.clone());
    }
    if let Some(choice) = request.get("tool_choice").filter(|c| truthy(c)) {
        chat.insert("tool_choice".into(), tool_choice_to_chat(choice)?);
    }
    if let Some(Value::Array(tools)) = request.get("tools") {
        if !tools.is_empty() {
            let tools = tools
                .iter()
                .enumerate()
                .map(|(i, tool)| tool_to_chat(i, tool))
                .collect::<Result<Vec<_>, _>>()?;
            chat.insert("tools".into(), Value::Array(tools));
        }
    }
    match request.get("stop_sequences") {
        Some(Value::Array(stops)) if !stops.is_empty() => {
            chat.insert("stop".into(), Value::Array(stops.clone()));
        }
        _ => {}
    }
    for (key, value) in request {
        if !TRANSLATED.contains(&key.as_str()) {
            chat.insert(key.clone(), value.clone());
        }
    }
    Ok(chat)
}

/// Python truthiness of a JSON value (`if system:`).
fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
        Value::Number(n) => n.as_f64() != Some(0.0),
    }
}

fn translate_message(message: &Value, out: &mut Vec<Value>) -> Result<(), ProxyError> {
    match message.get("role").and_then(Value::as_str) {
        Some("user") => {
            user_turn(message.get("content"), out);
            Ok(())
        }
        Some("assistant") => assistant_turn(message.get("content"), out),
        _ => Err(
            bad_request("messages: each message needs a `role` of `user` or `assistant`")
                .with_param("messages"),
        ),
    }
}

/// A user turn: its tool results first (one `tool` message each), then its plain text, then its
/// text and image parts.
fn user_turn(content: Option<&Value>, out: &mut Vec<Value>) {
    let mut tool_messages = Vec::new();
    let mut parts = Vec::new();
    let mut text = None;
    match content {
        Some(Value::String(s)) if !s.is_empty() => text = Some(s.clone()),
        Some(Value::Array(blocks)) => {
            for block in blocks {
                match block.get("type").and_then(Value::as_str) {
                    Some("text") => parts.push(json!({
                        "type": "text",
                        "text": block.get("text").cloned().unwrap_or(json!("")),
                    })),
                    Some("image") => {
                        if let Some(url) = block.get("source").and_then(image_url) {
                            parts.push(json!({"type": "image_url", "image_url": {"url": url}}));
                        }
                    }
                    Some("tool_result") => tool_result(block, &mut tool_messages),
                    _ => {}
                }
            }
        }
        _ => {}
    }
    out.extend(tool_messages);
    if let Some(text) = text {
        out.push(json!({"role": "user", "content": text}));
    }
    if !parts.is_empty() {
        out.push(json!({"role": "user", "content": parts}));
    }
}

/// One `tool` message per piece of a tool result (LiteLLM sends no structured content to a tool
/// message: an image piece becomes its URL).
fn tool_result(block: &Value, out: &mut Vec<Value>) {
    let id = block.get("tool_use_id").cloned().unwrap_or(json!(""));
    let message = |content: Value| json!({"role": "tool", "tool_call_id": id, "content": content});
    match block.get("content") {
        None => out.push(message(json!(""))),
        Some(Value::String(s)) => out.push(message(json!(s))),
        Some(Value::Array(pieces)) => {
            for piece in pieces {
                match piece {
                    Value::String(s) => out.push(message(json!(s))),
                    Value::Object(_) => match piece.get("type").and_then(Value::as_str) {
                        Some("text") => {
                            out.push(message(piece.get("text").cloned().unwrap_or(json!(""))))
                        }
                        Some("image") => {
                            let url = piece.get("source").and_then(image_url).unwrap_or_default();
                            out.push(message(json!(url)));
                        }
                        _ => {}
                    },
                    _ => {}
                }
            }
        }
        // `str(content)` of anything else.
        Some(other) => out.push(message(json!(other.to_string()))),
    }
}

/// `_translate_anthropic_image_to_openai`: base64 -> a `data:` URL, url -> the URL.
fn image_url(source: &Value) -> Option<String> {
    match source.get("type").and_then(Value::as_str) {
        Some("base64") => {
            let media_type = source
                .get("media_type")
                .and_then(Value::as_str)
                .unwrap_or("image/jpeg");
            let data = source.get("data").and_then(Value::as_str).unwrap_or("");
            (!data.is_empty()).then(|| format!("data:{media_type};base64,{data}"))
        }
        Some("url") => Some(
            source
                .get("url")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
        ),
        _ => None,
    }
}

fn assistant_turn(content: Option<&Value>, out: &mut Vec<Value>) -> Result<(), ProxyError> {
    let mut text: Option<String> = None;
    let mut tool_calls = Vec::new();
    let mut thinking = Vec::new();
    match content {
        Some(Value::String(s)) => text = Some(s.clone()),
        Some(Value::Array(blocks)) => {
            for block in blocks {
                match block {
                    Value::String(s) => text = Some(s.clone()),
                    Value::Object(_) => match block.get("type").and_then(Value::as_str) {
                        Some("text") => text
                            .get_or_insert_with(String::new)
                            .push_str(block.get("text").and_then(Value::as_str).unwrap_or("")),
                        Some("tool_use") => {
                            let input = block.get("input").cloned().unwrap_or(json!({}));
                            tool_calls.push(json!({
                                "id": block.get("id").cloned().unwrap_or(json!("")),
                                "type": "function",
                                "function": {
                                    "name": block.get("name").cloned().unwrap_or(json!("")),
                                    "arguments": python_json(&input),
                                },
                            }));
                        }
                        Some("thinking") => thinking.push(json!({
                            "type": "thinking",
                            "thinking": or_empty(block.get("thinking")),
                            "signature": or_empty(block.get("signature")),
                            "cache_control": block.get("cache_control").cloned().unwrap_or(json!({})),
                        })),
                        Some("redacted_thinking") => thinking.push(json!({
                            "type": "redacted_thinking",
                            "data": or_empty(block.get("data")),
                            "cache_control": block.get("cache_control").cloned().unwrap_or(json!({})),
                        })),
                        _ => {}
                    },
                    _ => {}
                }
            }
        }
        _ => {}
    }
    if text.is_none() && tool_calls.is_empty() && thinking.is_empty() {
        return Ok(());
    }
    let mut message = Map::new();
    message.insert("role".into(), json!("assistant"));
    message.insert("content".into(), text.map_or(Value::Null, Value::String));
    if !tool_calls.is_empty() {
        message.insert("tool_calls".into(), Value::Array(tool_calls));
    }
    if !thinking.is_empty() {
        message.insert("thinking_blocks".into(), Value::Array(thinking));
    }
    out.push(Value::Object(message));
    Ok(())
}

/// `value or ""`.
fn or_empty(value: Option<&Value>) -> Value {
    match value {
        Some(v) if truthy(v) => v.clone(),
        _ => json!(""),
    }
}

fn tool_choice_to_chat(choice: &Value) -> Result<Value, ProxyError> {
    match choice.get("type").and_then(Value::as_str) {
        Some("any") => Ok(json!("required")),
        Some("auto") => Ok(json!("auto")),
        Some("none") => Ok(json!("none")),
        Some("tool") => Ok(json!({
            "type": "function",
            "function": {"name": choice.get("name").cloned().unwrap_or(json!(""))},
        })),
        _ => Err(bad_request(format!(
            "Incompatible tool choice param submitted - {choice}"
        ))
        .with_param("tool_choice")),
    }
}

fn tool_to_chat(index: usize, tool: &Value) -> Result<Value, ProxyError> {
    let Some(name) = tool.get("name").filter(|n| n.is_string()) else {
        return Err(bad_request(format!("tools.{index}.name: Field required")).with_param("tools"));
    };
    let mut function = Map::new();
    function.insert("name".into(), name.clone());
    if let Some(schema) = tool.get("input_schema") {
        function.insert("parameters".into(), schema.clone());
    }
    if let Some(description) = tool.get("description") {
        function.insert("description".into(), description.clone());
    }
    if let Some(fields) = tool.as_object() {
        for (key, value) in fields {
            if matches!(
                key.as_str(),
                "name" | "input_schema" | "description" | "cache_control"
            ) {
                continue;
            }
            let parameters = function
                .entry("parameters")
                .or_insert_with(|| Value::Object(Map::new()));
            if let Some(parameters) = parameters.as_object_mut() {
                parameters
                    .entry(key.clone())
                    .or_insert_with(|| value.clone());
            }
        }
    }
    Ok(json!({"type": "function", "function": function}))
}

/// `_translate_openai_finish_reason_to_anthropic`.
pub fn stop_reason(finish_reason: Option<&str>) -> &'static str {
    match finish_reason {
        Some("length") => "max_tokens",
        Some("tool_calls") => "tool_use",
        _ => "end_turn",
    }
}

/// A `chat.completion` -> an Anthropic Messages response (`translate_openai_response_to_anthropic`).
pub fn from_chat_response(completion: &Value, provider: &str) -> Result<Value, ProxyError> {
    let choices = completion
        .get("choices")
        .and_then(Value::as_array)
        .filter(|c| !c.is_empty())
        .ok_or_else(|| ProxyError::bad_answer(provider, "a completion without `choices`"))?;
    let mut content = Vec::new();
    for choice in choices {
        let Some(message) = choice.get("message") else {
            continue;
        };
        if let Some(Value::Array(blocks)) = message.get("thinking_blocks") {
            for block in blocks {
                match block.get("type").and_then(Value::as_str) {
                    Some("thinking") => content.push(json!({
                        "type": "thinking",
                        "thinking": string_or_empty(block.get("thinking")),
                        "signature": block.get("signature").cloned().unwrap_or(Value::Null),
                    })),
                    Some("redacted_thinking") => content.push(json!({
                        "type": "redacted_thinking",
                        "data": string_or_empty(block.get("data")),
                    })),
                    _ => {}
                }
            }
        }
        let calls = message
            .get("tool_calls")
            .and_then(Value::as_array)
            .filter(|c| !c.is_empty());
        match message.get("content") {
            Some(Value::String(text)) if !(text.is_empty() && calls.is_some()) => {
                content.push(json!({"type": "text", "text": text}));
            }
            _ => {}
        }
        for call in calls.into_iter().flatten() {
            content.push(tool_use_block(call, provider)?);
        }
    }
    let finish = choices
        .first()
        .and_then(|c| c.get("finish_reason"))
        .and_then(Value::as_str);
    let usage = completion.get("usage");
    let count = |key: &str| {
        usage
            .and_then(|u| u.get(key))
            .and_then(Value::as_u64)
            .unwrap_or(0)
    };
    let model = match completion.get("model") {
        Some(Value::String(model)) if !model.is_empty() => model.as_str(),
        _ => "unknown-model",
    };
    Ok(json!({
        "id": completion.get("id").cloned().unwrap_or(Value::Null),
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": content,
        "stop_reason": stop_reason(finish),
        "stop_sequence": null,
        "usage": {
            "input_tokens": count("prompt_tokens"),
            "output_tokens": count("completion_tokens"),
        },
    }))
}

fn string_or_empty(value: Option<&Value>) -> Value {
    match value {
        Some(Value::String(s)) => json!(s),
        Some(Value::Null) | None => json!(""),
        Some(other) => json!(other.to_string()),
    }
}

/// One tool call -> a `tool_use` block; arguments that are not JSON are the upstream's fault.
fn tool_use_block(call: &Value, provider: &str) -> Result<Value, ProxyError> {
    let arguments = call
        .pointer("/function/arguments")
        .and_then(Value::as_str)
        .unwrap_or("");
    let input = if arguments.is_empty() {
        json!({})
    } else {
        serde_json::from_str::<Value>(arguments).map_err(|e| {
            ProxyError::bad_answer(
                provider,
                &format!("tool call arguments that are not JSON ({e})"),
            )
        })?
    };
    Ok(json!({
        "type": "tool_use",
        "id": call.get("id").cloned().unwrap_or(Value::Null),
        "name": call.pointer("/function/name").cloned().unwrap_or(json!("")),
        "input": input,
    }))
}
