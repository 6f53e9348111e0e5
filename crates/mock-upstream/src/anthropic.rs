//! Anthropic's Messages API (`POST /v1/messages`) on the mock: the wire protocol both whole and
//! streamed, and the request checks the real API makes (headers, `max_tokens`, roles, tool
//! results), answered in Anthropic's error shape `{"type":"error","error":{"type","message"}}`.
//!
//! The shared behaviours apply (failures, delays, resets, context length, content policy), and
//! `cache_control` blocks are honoured like a prompt cache: the first request with a given cached
//! prefix reports `cache_creation_input_tokens`, later ones `cache_read_input_tokens`.

use super::server::{admit, json_response, lock, sse_response, Body, State};
use bytes::Bytes;
use hyper::Response;
use serde_json::{json, Map, Value};
use std::hash::{Hash, Hasher};
use std::sync::atomic::Ordering;
use tokio::sync::Notify;

/// The content block types a request may carry.
const BLOCK_TYPES: &[&str] = &[
    "text",
    "image",
    "document",
    "tool_use",
    "tool_result",
    "thinking",
    "redacted_thinking",
    "search_result",
    "container_upload",
    "server_tool_use",
];

pub(super) async fn messages(
    state: &State,
    kill: &Notify,
    path: &str,
    headers: Vec<(String, String)>,
    body: &[u8],
) -> Response<Body> {
    let request: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => {
            return error(
                400,
                "invalid_request_error",
                &format!("There was an error parsing the body: {e}"),
                None,
            )
        }
    };
    let model = request
        .get("model")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let has_header = |name: &str| {
        headers
            .iter()
            .any(|(n, v)| n == name && !v.trim().is_empty())
    };
    let has_key = has_header("x-api-key");
    let has_version = has_header("anthropic-version");
    let behaviour = match admit(state, kill, path, headers, &model, &request).await {
        Ok(behaviour) => behaviour,
        Err(message) => return error(400, "invalid_request_error", &message, None),
    };
    if !has_key {
        return error(
            401,
            "authentication_error",
            "x-api-key header is required",
            None,
        );
    }
    if !has_version {
        return error(
            400,
            "invalid_request_error",
            "anthropic-version: header is required",
            None,
        );
    }
    if let Err(message) = validate(&request) {
        return error(400, "invalid_request_error", &message, None);
    }
    let streaming = request
        .get("stream")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if let Some(reply) = super::server::untrusted_reply(&behaviour, streaming) {
        return reply;
    }
    if behaviour.context_length {
        return error(
            400,
            "invalid_request_error",
            "prompt is too long: 210000 tokens > 200000 maximum",
            behaviour.retry_after,
        );
    }
    if behaviour.content_policy {
        return error(
            400,
            "invalid_request_error",
            "Output blocked by content filtering policy",
            behaviour.retry_after,
        );
    }
    if let Some(status) = behaviour.status {
        let (kind, message) = match status {
            400 => ("invalid_request_error", "mock failure".to_string()),
            401 => ("authentication_error", "invalid x-api-key".to_string()),
            403 => (
                "permission_error",
                "Your API key does not have permission to use the specified resource.".into(),
            ),
            404 => ("not_found_error", format!("model: {model}")),
            413 => (
                "request_too_large",
                "Request exceeds the maximum allowed number of bytes.".into(),
            ),
            429 => (
                "rate_limit_error",
                "Number of request tokens has exceeded your per-minute rate limit".into(),
            ),
            529 => ("overloaded_error", "Overloaded".into()),
            _ => ("api_error", format!("mock failure with status {status}")),
        };
        return error(status, kind, &message, behaviour.retry_after);
    }
    let usage = input_usage(state, &request);
    let id = format!(
        "msg_mock_{}",
        state.sequence.fetch_add(1, Ordering::Relaxed)
    );
    let words = behaviour.chunks.unwrap_or(3).max(1);
    let max_tokens = request
        .get("max_tokens")
        .and_then(Value::as_u64)
        .unwrap_or(u64::MAX);
    let reply = plan_reply(&request, words, max_tokens);
    if request.get("stream").and_then(Value::as_bool) == Some(true) {
        let mut events = stream_events(&id, &model, &reply, &usage);
        let ping = event("ping", &json!({"type": "ping"}));
        events.splice(1..1, std::iter::repeat_n(ping, behaviour.pings));
        return sse_response(
            events,
            behaviour.chunk_delay,
            behaviour.break_after,
            state.cancelled.clone(),
        );
    }
    let mut usage_json = usage.to_json();
    usage_json.insert("output_tokens".into(), json!(reply.output_tokens));
    let content: Vec<Value> = reply
        .content
        .iter()
        .map(|block| {
            let mut block = block.clone();
            if let Some(block) = block.as_object_mut() {
                block.remove("pieces");
            }
            block
        })
        .collect();
    let message = json!({
        "id": id,
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": content,
        "stop_reason": reply.stop_reason,
        "stop_sequence": null,
        "usage": usage_json,
    });
    json_response(200, &message)
}

/// `POST /v1/messages/count_tokens`: `{"input_tokens": N}`, N counted as the usage of a Messages
/// call over the same prompt (about four characters a token over tools, system and messages).
pub(super) async fn count_tokens(
    state: &State,
    kill: &Notify,
    path: &str,
    query: &str,
    headers: Vec<(String, String)>,
    body: &[u8],
) -> Response<Body> {
    let request: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => {
            return error(
                400,
                "invalid_request_error",
                &format!("There was an error parsing the body: {e}"),
                None,
            )
        }
    };
    let model = request
        .get("model")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let has_header = |name: &str| {
        headers
            .iter()
            .any(|(n, v)| n == name && !v.trim().is_empty())
    };
    let (has_key, has_version) = (has_header("x-api-key"), has_header("anthropic-version"));
    let behaviour = match admit(state, kill, path, headers, &model, &request).await {
        Ok(behaviour) => behaviour,
        Err(message) => return error(400, "invalid_request_error", &message, None),
    };
    super::server::keep_query(state, &model, query);
    if !has_key {
        return error(
            401,
            "authentication_error",
            "x-api-key header is required",
            None,
        );
    }
    if !has_version {
        return error(
            400,
            "invalid_request_error",
            "anthropic-version: header is required",
            None,
        );
    }
    if let Some(status) = behaviour.status {
        return error(
            status,
            "api_error",
            &format!("mock failure with status {status}"),
            None,
        );
    }
    match request.get("messages").and_then(Value::as_array) {
        Some(messages) if !messages.is_empty() => {}
        _ => {
            return error(
                400,
                "invalid_request_error",
                "messages: Field required",
                None,
            )
        }
    }
    let chars: usize = prompt_pieces(&request)
        .iter()
        .map(|(text, _)| text.len())
        .sum();
    json_response(
        200,
        &json!({"input_tokens": (chars as u64).div_ceil(4).max(1)}),
    )
}

fn error(status: u16, kind: &str, message: &str, retry_after: Option<u64>) -> Response<Body> {
    let body = json!({"type": "error", "error": {"type": kind, "message": message}});
    let mut response = json_response(status, &body);
    if let Some(seconds) = retry_after {
        if let Ok(value) = hyper::header::HeaderValue::from_str(&seconds.to_string()) {
            response.headers_mut().insert("retry-after", value);
        }
    }
    response
}

/// The top-level fields the Messages API accepts; any other is refused ("Extra inputs are not
/// permitted"), which catches OpenAI-only fields leaking through a translation.
const FIELDS: &[&str] = &[
    "model",
    "messages",
    "max_tokens",
    "system",
    "stop_sequences",
    "stream",
    "temperature",
    "top_p",
    "top_k",
    "tools",
    "tool_choice",
    "metadata",
    "thinking",
    "service_tier",
    "container",
    "mcp_servers",
    "context_management",
];

/// The checks Anthropic makes before it runs a model, with its wording.
fn validate(request: &Value) -> Result<(), String> {
    let Some(body) = request.as_object() else {
        return Err("body: Input should be an object".into());
    };
    if let Some(extra) = body.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Err(format!("{extra}: Extra inputs are not permitted"));
    }
    if let Some(temperature) = body.get("temperature") {
        if !temperature
            .as_f64()
            .is_some_and(|t| (0.0..=1.0).contains(&t))
        {
            return Err("temperature: range: 0..1".into());
        }
    }
    if let Some(metadata) = body.get("metadata") {
        let only_user = metadata
            .as_object()
            .is_some_and(|m| m.keys().all(|k| k == "user_id"));
        if !only_user {
            return Err("metadata: only `user_id` is accepted".into());
        }
    }
    if !body.get("model").is_some_and(Value::is_string) {
        return Err("model: Field required".into());
    }
    match body.get("max_tokens") {
        None => return Err("max_tokens: Field required".into()),
        Some(v) if v.as_u64().is_none_or(|n| n == 0) => {
            return Err("max_tokens: Input should be a valid integer greater than 0".into())
        }
        Some(_) => {}
    }
    if let Some(thinking) = body.get("thinking").filter(|t| t["type"] == "enabled") {
        let budget = thinking.get("budget_tokens").and_then(Value::as_u64);
        let max_tokens = body.get("max_tokens").and_then(Value::as_u64).unwrap_or(0);
        match budget {
            Some(budget) if budget < 1024 => {
                return Err(
                    "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024"
                        .into(),
                )
            }
            Some(budget) if budget >= max_tokens => {
                return Err("`max_tokens` must be greater than `thinking.budget_tokens`".into())
            }
            Some(_) => {}
            None => return Err("thinking.enabled.budget_tokens: Field required".into()),
        }
    }
    let Some(messages) = body.get("messages").and_then(Value::as_array) else {
        return Err("messages: Field required".into());
    };
    if messages.is_empty() {
        return Err("messages: at least one message is required".into());
    }
    if let Some(system) = body.get("system") {
        match system {
            Value::String(_) => {}
            Value::Array(blocks) => {
                for (i, block) in blocks.iter().enumerate() {
                    if block.get("type").and_then(Value::as_str) != Some("text")
                        || !block.get("text").is_some_and(Value::is_string)
                    {
                        return Err(format!("system.{i}: system blocks must be text blocks"));
                    }
                }
            }
            _ => return Err("system: Input should be a valid string or list".into()),
        }
    }
    if let Some(tools) = body.get("tools") {
        let Some(tools) = tools.as_array() else {
            return Err("tools: Input should be a valid list".into());
        };
        for (i, tool) in tools.iter().enumerate() {
            if !tool.get("name").is_some_and(Value::is_string) {
                return Err(format!("tools.{i}.name: Field required"));
            }
            let hosted = tool.get("type").is_some_and(|t| t != "custom");
            if !hosted && !tool.get("input_schema").is_some_and(Value::is_object) {
                return Err(format!("tools.{i}.custom.input_schema: Field required"));
            }
        }
    }
    let mut previous_tool_uses: Vec<String> = Vec::new();
    let mut previous_role = "";
    for (i, message) in messages.iter().enumerate() {
        let role = message.get("role").and_then(Value::as_str).unwrap_or("");
        match role {
            "user" | "assistant" => {}
            "system" => {
                return Err(format!(
                    "messages.{i}.role: Unexpected role \"system\". The Messages API accepts a top-level `system` parameter, not \"system\" as an input message role."
                ))
            }
            other => {
                return Err(format!(
                    "messages.{i}.role: Input should be 'user' or 'assistant', got {other:?}"
                ))
            }
        }
        if i == 0 && role != "user" {
            return Err("messages: first message must use the \"user\" role".into());
        }
        if role == previous_role {
            return Err(format!(
                "messages: roles must alternate between \"user\" and \"assistant\", but found multiple \"{role}\" roles in a row"
            ));
        }
        let blocks: Vec<&Value> = match message.get("content") {
            Some(Value::String(text)) => {
                if text.is_empty() && (role == "user" || i + 1 < messages.len()) {
                    return Err(format!(
                        "messages.{i}: all messages must have non-empty content except for the optional final assistant message"
                    ));
                }
                Vec::new()
            }
            Some(Value::Array(blocks)) => {
                if blocks.is_empty() && (role == "user" || i + 1 < messages.len()) {
                    return Err(format!(
                        "messages.{i}: all messages must have non-empty content except for the optional final assistant message"
                    ));
                }
                blocks.iter().collect()
            }
            _ => return Err(format!("messages.{i}.content: Field required")),
        };
        let mut tool_uses = Vec::new();
        let mut answered = Vec::new();
        for (j, block) in blocks.iter().enumerate() {
            let kind = block.get("type").and_then(Value::as_str).unwrap_or("");
            if !BLOCK_TYPES.contains(&kind) {
                return Err(format!(
                    "messages.{i}.content.{j}: Input tag '{kind}' found using 'type' does not match any of the expected tags"
                ));
            }
            match kind {
                "text" => {
                    let Some(text) = block.get("text").and_then(Value::as_str) else {
                        return Err(format!("messages.{i}.content.{j}.text: Field required"));
                    };
                    if text.is_empty() {
                        return Err(format!(
                            "messages.{i}.content.{j}.text: text content blocks must be non-empty"
                        ));
                    }
                    let final_assistant = role == "assistant" && i + 1 == messages.len();
                    if final_assistant && text.ends_with(char::is_whitespace) {
                        return Err(
                            "messages: final assistant content cannot end with trailing whitespace"
                                .into(),
                        );
                    }
                }
                "image" => check_image(block, i, j)?,
                "tool_use" => {
                    if role != "assistant" {
                        return Err(format!(
                            "messages.{i}.content.{j}: tool_use blocks may only appear in assistant messages"
                        ));
                    }
                    let id = block.get("id").and_then(Value::as_str).unwrap_or("");
                    if id.is_empty() || !block.get("input").is_some_and(Value::is_object) {
                        return Err(format!(
                            "messages.{i}.content.{j}: tool_use blocks need an `id` and an object `input`"
                        ));
                    }
                    tool_uses.push(id.to_string());
                }
                "tool_result" => {
                    let id = block
                        .get("tool_use_id")
                        .and_then(Value::as_str)
                        .unwrap_or("");
                    if role != "user" || !previous_tool_uses.iter().any(|u| u == id) {
                        return Err(format!(
                            "messages.{i}.content.{j}: unexpected `tool_use_id` found in `tool_result` blocks: {id}. Each `tool_result` block must have a corresponding `tool_use` block in the previous message."
                        ));
                    }
                    answered.push(id.to_string());
                }
                _ => {}
            }
        }
        if let Some(missing) = previous_tool_uses.iter().find(|id| !answered.contains(id)) {
            return Err(format!(
                "messages.{i}: `tool_use` ids were found without `tool_result` blocks immediately after: {missing}. Each `tool_use` block must have a corresponding `tool_result` block in the next message."
            ));
        }
        previous_tool_uses = tool_uses;
        previous_role = role;
    }
    Ok(())
}

fn check_image(block: &Value, i: usize, j: usize) -> Result<(), String> {
    let source = block.get("source");
    let kind = source
        .and_then(|s| s.get("type"))
        .and_then(Value::as_str)
        .unwrap_or("");
    let fine = match kind {
        "base64" => {
            let media = source
                .and_then(|s| s.get("media_type"))
                .and_then(Value::as_str)
                .unwrap_or("");
            ["image/jpeg", "image/png", "image/gif", "image/webp"].contains(&media)
                && source
                    .and_then(|s| s.get("data"))
                    .and_then(Value::as_str)
                    .is_some_and(|d| !d.is_empty() && !d.starts_with("data:"))
        }
        "url" => source
            .and_then(|s| s.get("url"))
            .and_then(Value::as_str)
            .is_some_and(|u| u.starts_with("http")),
        "file" => true,
        _ => false,
    };
    if fine {
        Ok(())
    } else {
        Err(format!(
            "messages.{i}.content.{j}.image.source: a base64 source needs a supported media_type and raw base64 data; a url source an http(s) URL"
        ))
    }
}

/// Input tokens, split as Anthropic reports them.
struct InputUsage {
    input: u64,
    cache_creation: u64,
    cache_read: u64,
}

impl InputUsage {
    fn to_json(&self) -> Map<String, Value> {
        let mut usage = Map::new();
        usage.insert("input_tokens".into(), json!(self.input));
        usage.insert(
            "cache_creation_input_tokens".into(),
            json!(self.cache_creation),
        );
        usage.insert("cache_read_input_tokens".into(), json!(self.cache_read));
        usage
    }
}

/// About four characters a token over the prompt in cache order (tools, system, messages); the
/// part up to the last `cache_control` block is the cached prefix.
fn input_usage(state: &State, request: &Value) -> InputUsage {
    let pieces = prompt_pieces(request);
    let total_chars: usize = pieces.iter().map(|(text, _)| text.len()).sum();
    let total = (total_chars as u64).div_ceil(4).max(1);
    let Some(last_cached) = pieces.iter().rposition(|(_, cached)| *cached) else {
        return InputUsage {
            input: total,
            cache_creation: 0,
            cache_read: 0,
        };
    };
    let prefix = &pieces[..=last_cached];
    let prefix_chars: usize = prefix.iter().map(|(text, _)| text.len()).sum();
    let cached = ((prefix_chars as u64) / 4).min(total.saturating_sub(1));
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    prefix.hash(&mut hasher);
    let seen = !lock(&state.anthropic_cache).insert(hasher.finish());
    InputUsage {
        input: total - cached,
        cache_creation: if seen { 0 } else { cached },
        cache_read: if seen { cached } else { 0 },
    }
}

/// The prompt's text in cache order (tools, system, messages), each piece with whether it
/// carries `cache_control`.
fn prompt_pieces(request: &Value) -> Vec<(String, bool)> {
    let mut pieces: Vec<(String, bool)> = Vec::new();
    if let Some(tools) = request.get("tools").and_then(Value::as_array) {
        for tool in tools {
            pieces.push((tool.to_string(), tool.get("cache_control").is_some()));
        }
    }
    match request.get("system") {
        Some(Value::String(text)) => pieces.push((text.clone(), false)),
        Some(Value::Array(blocks)) => {
            for block in blocks {
                pieces.push((text_of(block), block.get("cache_control").is_some()));
            }
        }
        _ => {}
    }
    for message in request
        .get("messages")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        match message.get("content") {
            Some(Value::String(text)) => pieces.push((text.clone(), false)),
            Some(Value::Array(blocks)) => {
                for block in blocks {
                    pieces.push((text_of(block), block.get("cache_control").is_some()));
                }
            }
            _ => {}
        }
    }
    pieces
}

fn text_of(block: &Value) -> String {
    match block.get("type").and_then(Value::as_str) {
        Some("text") => block
            .get("text")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string(),
        Some("tool_result") => match block.get("content") {
            Some(Value::String(text)) => text.clone(),
            Some(Value::Array(parts)) => parts.iter().map(text_of).collect(),
            _ => String::new(),
        },
        Some("tool_use") => block.get("input").map(Value::to_string).unwrap_or_default(),
        // An image costs a flat amount here; the real count depends on its size.
        Some("image") => "x".repeat(340),
        _ => String::new(),
    }
}

/// What the mock model says: a tool call when tools are offered and the last turn holds no tool
/// result, else text (echoing a tool result when there is one).
struct PlannedReply {
    content: Vec<Value>,
    stop_reason: &'static str,
    output_tokens: u64,
}

fn plan_reply(request: &Value, words: usize, max_tokens: u64) -> PlannedReply {
    let last = request
        .get("messages")
        .and_then(Value::as_array)
        .and_then(|m| m.last());
    let tool_result: Option<String> = last
        .and_then(|m| m.get("content"))
        .and_then(Value::as_array)
        .and_then(|blocks| {
            blocks
                .iter()
                .find(|b| b.get("type").and_then(Value::as_str) == Some("tool_result"))
        })
        .map(|b| {
            let mut block = b.clone();
            block["type"] = json!("tool_result");
            text_of(&block)
        });
    let tools = request
        .get("tools")
        .and_then(Value::as_array)
        .filter(|t| !t.is_empty());
    let choice = request.get("tool_choice");
    let choice_type = choice
        .and_then(|c| c.get("type"))
        .and_then(Value::as_str)
        .unwrap_or("auto");
    if let (Some(tools), None, false) = (tools, &tool_result, choice_type == "none") {
        let named = choice
            .filter(|_| choice_type == "tool")
            .and_then(|c| c.get("name"))
            .and_then(Value::as_str);
        let tool = named
            .and_then(|n| {
                tools
                    .iter()
                    .find(|t| t.get("name").and_then(Value::as_str) == Some(n))
            })
            .or_else(|| tools.first());
        if let Some(tool) = tool {
            let name = tool.get("name").and_then(Value::as_str).unwrap_or("tool");
            let input = sample_input(tool.get("input_schema"));
            let mut content = Vec::new();
            if choice_type == "auto" {
                content.push(json!({"type": "text", "text": format!("Calling {name}.")}));
            }
            content.push(json!({"type": "tool_use", "id": format!("toolu_mock_{name}"), "name": name, "input": input}));
            let output_tokens = 2 + (input.to_string().len() as u64).div_ceil(4);
            return PlannedReply {
                content,
                stop_reason: "tool_use",
                output_tokens,
            };
        }
    }
    let mut pieces: Vec<String> = match &tool_result {
        Some(result) => vec!["Tool".into(), " said:".into(), format!(" {result}")],
        None => (0..words)
            .map(|i| {
                if i == 0 {
                    "Hello".to_string()
                } else {
                    format!(" w{i}")
                }
            })
            .collect(),
    };
    let mut stop_reason = "end_turn";
    if pieces.len() as u64 > max_tokens {
        pieces.truncate(max_tokens as usize);
        stop_reason = "max_tokens";
    }
    let output_tokens = pieces.len() as u64;
    PlannedReply {
        content: vec![json!({"type": "text", "text": pieces.concat(), "pieces": pieces})],
        stop_reason,
        output_tokens,
    }
}

/// A value for each property of a JSON schema, by type.
pub(super) fn sample_input(schema: Option<&Value>) -> Value {
    let mut input = Map::new();
    if let Some(properties) = schema
        .and_then(|s| s.get("properties"))
        .and_then(Value::as_object)
    {
        for (name, property) in properties {
            let value = match property.get("type").and_then(Value::as_str) {
                Some("number") | Some("integer") => json!(1),
                Some("boolean") => json!(true),
                Some("array") => json!([]),
                Some("object") => json!({}),
                _ => json!(format!("mock {name}")),
            };
            input.insert(name.clone(), value);
        }
    }
    Value::Object(input)
}

fn event(name: &str, data: &Value) -> Bytes {
    Bytes::from(format!("event: {name}\ndata: {data}\n\n"))
}

/// The stream Anthropic sends for `reply`: message_start, each block's start/deltas/stop (a ping
/// after the first start), message_delta with the stop reason and usage, message_stop.
fn stream_events(id: &str, model: &str, reply: &PlannedReply, usage: &InputUsage) -> Vec<Bytes> {
    let mut start_usage = usage.to_json();
    start_usage.insert("output_tokens".into(), json!(1));
    let mut events = vec![event(
        "message_start",
        &json!({"type": "message_start", "message": {
            "id": id, "type": "message", "role": "assistant", "model": model, "content": [],
            "stop_reason": null, "stop_sequence": null, "usage": start_usage}}),
    )];
    for (index, block) in reply.content.iter().enumerate() {
        match block.get("type").and_then(Value::as_str) {
            Some("tool_use") => {
                let mut start = block.clone();
                start["input"] = json!({});
                events.push(event(
                    "content_block_start",
                    &json!({"type": "content_block_start", "index": index, "content_block": start}),
                ));
                let input = block.get("input").map(Value::to_string).unwrap_or_default();
                let middle = input
                    .char_indices()
                    .map(|(i, _)| i)
                    .nth(input.chars().count() / 2)
                    .unwrap_or(0);
                for part in [&input[..middle], &input[middle..]] {
                    events.push(event(
                        "content_block_delta",
                        &json!({"type": "content_block_delta", "index": index, "delta": {"type": "input_json_delta", "partial_json": part}}),
                    ));
                }
            }
            _ => {
                events.push(event(
                    "content_block_start",
                    &json!({"type": "content_block_start", "index": index, "content_block": {"type": "text", "text": ""}}),
                ));
                let pieces: Vec<String> = match block.get("pieces").and_then(Value::as_array) {
                    Some(pieces) => pieces
                        .iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect(),
                    None => vec![block
                        .get("text")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string()],
                };
                for piece in pieces {
                    events.push(event(
                        "content_block_delta",
                        &json!({"type": "content_block_delta", "index": index, "delta": {"type": "text_delta", "text": piece}}),
                    ));
                }
            }
        }
        if index == 0 {
            events.push(event("ping", &json!({"type": "ping"})));
        }
        events.push(event(
            "content_block_stop",
            &json!({"type": "content_block_stop", "index": index}),
        ));
    }
    events.push(event(
        "message_delta",
        &json!({"type": "message_delta", "delta": {"stop_reason": reply.stop_reason, "stop_sequence": null}, "usage": {"output_tokens": reply.output_tokens}}),
    ));
    events.push(event("message_stop", &json!({"type": "message_stop"})));
    events
}
