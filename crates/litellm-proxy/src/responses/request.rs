//! A Responses API request as a chat completions request, for deployments whose upstream has no
//! Responses API (Anthropic, Gemini, OpenAI-compatible chat-only servers), as LiteLLM's bridge
//! builds it: `LiteLLMCompletionResponsesConfig.transform_responses_api_request_to_chat_completion_request`
//! and the helpers it calls (BerriAI/litellm
//! `litellm/responses/litellm_completion_transformation/transformation.py`).
//!
//! - `instructions` becomes a leading system message; a string `input` one user message.
//! - Input items: messages keep their role (`developer` included) with `input_text`/`output_text`
//!   parts as `text`, `input_image` as `image_url` (detail `auto` by default), `input_file` as
//!   `file`; a `function_call` becomes an assistant message with one tool call (consecutive calls
//!   merge into one assistant message, as Anthropic requires); a `function_call_output` a `tool`
//!   message (a string output as is, a list of parts as its text, or text and image blocks when
//!   it holds images); `reasoning` items and items without content (`item_reference`) are left
//!   out; a tool output without `call_id` is dropped.
//! - Tools: `function` tools as chat tools (`parameters` gets `type: object`, `description` and
//!   `strict` default to `""`/`false`); `web_search`/`web_search_preview` become
//!   `web_search_options`; `computer_use`, `image_generation`, `namespace` and `shell` are
//!   dropped; others go as they are.
//! - `tool_choice` normalized (`{"type": "function", "name": N}` to the chat shape, `{"type":
//!   "tool"|"any"|"required"}` to `"required"`); `max_output_tokens` as `max_tokens`;
//!   `text.format` as `response_format`; `reasoning.effort` as `reasoning_effort`; `temperature`,
//!   `top_p`, `user`, `parallel_tool_calls`, `service_tier` as they are. Every other key
//!   (`store`, `include`, `truncation`, `previous_response_id`, ...) is not sent, as LiteLLM's
//!   bridge reads only the keys it supports.
//!
//! One difference: LiteLLM sends `tools: []` when the request has none; no tools are sent here.

use crate::error::ProxyError;
use serde_json::{json, Map, Value};

/// The chat completions body for `request` (a Responses API body). `model` and `stream` are
/// carried over; the caller adds usage to a stream.
pub fn to_chat(request: &Map<String, Value>) -> Result<Map<String, Value>, ProxyError> {
    let mut chat = Map::new();
    if let Some(model) = request.get("model") {
        chat.insert("model".into(), model.clone());
    }
    chat.insert("messages".into(), Value::Array(messages(request)?));
    let (tools, web_search) = tools(request.get("tools"));
    if !tools.is_empty() {
        chat.insert("tools".into(), Value::Array(tools));
    }
    if let Some(options) = web_search {
        chat.insert("web_search_options".into(), options);
    }
    if let Some(choice) = request.get("tool_choice").and_then(tool_choice) {
        chat.insert("tool_choice".into(), choice);
    }
    for (from, to) in [
        ("top_p", "top_p"),
        ("user", "user"),
        ("temperature", "temperature"),
        ("parallel_tool_calls", "parallel_tool_calls"),
        ("max_output_tokens", "max_tokens"),
        ("service_tier", "service_tier"),
        ("stream", "stream"),
    ] {
        if let Some(value) = request.get(from).filter(|v| !v.is_null()) {
            chat.insert(to.into(), value.clone());
        }
    }
    if let Some(format) = request.get("text").and_then(response_format) {
        chat.insert("response_format".into(), format);
    }
    if let Some(effort) = request.get("reasoning").and_then(reasoning_effort) {
        chat.insert("reasoning_effort".into(), effort);
    }
    Ok(chat)
}

fn messages(request: &Map<String, Value>) -> Result<Vec<Value>, ProxyError> {
    let mut messages = Vec::new();
    match request.get("instructions") {
        Some(Value::String(text)) if !text.is_empty() => {
            messages.push(json!({"role": "system", "content": text}));
        }
        _ => {}
    }
    match request.get("input") {
        Some(Value::String(text)) => messages.push(json!({"role": "user", "content": text})),
        Some(Value::Array(items)) => {
            for item in items {
                add_item(&mut messages, item)?;
            }
        }
        None | Some(Value::Null) => {}
        Some(_) => {
            return Err(ProxyError::bad_request(
                "`input` must be a string or a list of input items",
            )
            .with_param("input"))
        }
    }
    Ok(messages)
}

fn add_item(messages: &mut Vec<Value>, item: &Value) -> Result<(), ProxyError> {
    let Some(object) = item.as_object() else {
        // LiteLLM calls `.get` on each item: anything but an object fails the request.
        return Err(
            ProxyError::bad_request("every `input` item must be an object").with_param("input"),
        );
    };
    let kind = object.get("type").and_then(Value::as_str).unwrap_or("");
    match kind {
        "function_call_output"
        | "custom_tool_call_output"
        | "computer_call_output"
        | "web_search_call"
        | "tool_result" => {
            let Some(call_id) = object
                .get("call_id")
                .filter(|v| !v.is_null())
                .map(value_text)
                .filter(|id| !id.is_empty())
            else {
                return Ok(());
            };
            messages.push(json!({
                "role": "tool",
                "content": tool_output(object.get("output")),
                "tool_call_id": call_id,
            }));
        }
        "function_call" | "custom_tool_call" => {
            let mut arguments = object
                .get("arguments")
                .filter(|v| !v.is_null())
                .map(value_text)
                .unwrap_or_default();
            if arguments.is_empty() && kind == "custom_tool_call" {
                let input = object.get("input").map(value_text).unwrap_or_default();
                if !input.is_empty() {
                    arguments = json!({"content": input}).to_string();
                }
            }
            let id = ["call_id", "id"]
                .iter()
                .filter_map(|k| object.get(*k).filter(|v| !v.is_null()).map(value_text))
                .find(|id| !id.is_empty())
                .unwrap_or_default();
            let call = json!({
                "id": id,
                "type": "function",
                "function": {
                    "name": object.get("name").map(value_text).unwrap_or_default(),
                    "arguments": arguments,
                },
            });
            // Consecutive calls go into the assistant message before them.
            if let Some(last) = messages.last_mut() {
                if last.get("role").and_then(Value::as_str) == Some("assistant") {
                    if let Some(last) = last.as_object_mut() {
                        match last.get_mut("tool_calls") {
                            Some(Value::Array(calls)) => calls.push(call),
                            _ => {
                                last.insert("tool_calls".into(), Value::Array(vec![call]));
                            }
                        }
                        return Ok(());
                    }
                }
            }
            messages.push(json!({"role": "assistant", "content": null, "tool_calls": [call]}));
        }
        "reasoning" => {}
        _ => {
            let content = match object.get("content") {
                None | Some(Value::Null) => return Ok(()),
                Some(content) => chat_content(content)?,
            };
            let role = object
                .get("role")
                .and_then(Value::as_str)
                .filter(|r| !r.is_empty())
                .unwrap_or("user");
            messages.push(json!({"role": role, "content": content}));
        }
    }
    Ok(())
}

/// A string as it is; anything else as its JSON text.
fn value_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// `_normalize_function_call_output_to_tool_content`.
fn tool_output(output: Option<&Value>) -> Value {
    match output {
        None | Some(Value::Null) => Value::String(String::new()),
        Some(Value::String(text)) => Value::String(text.clone()),
        Some(Value::Array(parts)) => {
            let mut blocks = Vec::new();
            let mut text = String::new();
            let mut images = false;
            for part in parts.iter().filter_map(Value::as_object) {
                match part.get("type").and_then(Value::as_str) {
                    Some("input_text" | "output_text" | "text") => {
                        if let Some(t) = part.get("text").and_then(Value::as_str) {
                            if !t.is_empty() {
                                text.push_str(t);
                                blocks.push(json!({"type": "text", "text": t}));
                            }
                        }
                    }
                    Some("input_image" | "image_url") => {
                        let url = match part.get("image_url").or_else(|| part.get("url")) {
                            Some(Value::Object(o)) => o.get("url").and_then(Value::as_str),
                            Some(Value::String(url)) => Some(url.as_str()),
                            _ => None,
                        };
                        if let Some(url) = url.filter(|u| !u.is_empty()) {
                            images = true;
                            blocks.push(json!({"type": "image_url", "image_url": {"url": url}}));
                        }
                    }
                    _ => {}
                }
            }
            if images {
                Value::Array(blocks)
            } else if !text.is_empty() {
                Value::String(text)
            } else {
                Value::String(Value::Array(parts.clone()).to_string())
            }
        }
        Some(other) => Value::String(other.to_string()),
    }
}

/// `_transform_responses_api_content_to_chat_completion_content`.
fn chat_content(content: &Value) -> Result<Value, ProxyError> {
    let parts = match content {
        Value::String(_) => return Ok(content.clone()),
        Value::Array(parts) => parts,
        _ => {
            return Err(ProxyError::bad_request(format!(
                "Invalid content type: {}",
                json_type(content)
            ))
            .with_param("input"))
        }
    };
    let mut out = Vec::with_capacity(parts.len());
    for part in parts {
        let Some(object) = part.as_object() else {
            if let Value::String(_) = part {
                out.push(part.clone());
            }
            continue;
        };
        let kind = object.get("type").and_then(Value::as_str).unwrap_or("text");
        let mut block = match kind {
            "input_file" => {
                let mut file = Map::new();
                if let Some(id) = ["file_id", "file_url"]
                    .iter()
                    .filter_map(|k| object.get(*k))
                    .find(|v| v.as_str().is_some_and(|s| !s.is_empty()))
                {
                    file.insert("file_id".into(), id.clone());
                }
                if let Some(data) = object.get("file_data").filter(|v| !v.is_null()) {
                    file.insert("file_data".into(), data.clone());
                }
                json!({"type": "file", "file": file})
            }
            "input_image" => {
                let url = object
                    .get("image_url")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                let detail = object
                    .get("detail")
                    .and_then(Value::as_str)
                    .filter(|d| !d.is_empty())
                    .unwrap_or("auto");
                json!({"type": "image_url", "image_url": {"url": url, "detail": detail}})
            }
            _ => {
                let Some(text) = object.get("text").filter(|t| !t.is_null()) else {
                    continue;
                };
                json!({"type": content_type(kind), "text": text})
            }
        };
        if let (Some(cache), Some(block)) = (object.get("cache_control"), block.as_object_mut()) {
            block.insert("cache_control".into(), cache.clone());
        }
        out.push(block);
    }
    Ok(Value::Array(out))
}

/// `_get_chat_completion_request_content_type`.
fn content_type(kind: &str) -> &'static str {
    const VALID: &[&str] = &[
        "text",
        "image_url",
        "input_audio",
        "audio_url",
        "document",
        "guarded_text",
        "video_url",
        "file",
        "thinking",
        "redacted_thinking",
    ];
    let stripped = kind.strip_prefix("input_").unwrap_or(kind);
    if stripped == "audio" {
        return "input_audio";
    }
    VALID
        .iter()
        .find(|v| **v == stripped)
        .copied()
        .unwrap_or("text")
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "NoneType",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float",
        Value::Number(_) => "int",
        Value::String(_) => "str",
        Value::Array(_) => "list",
        Value::Object(_) => "dict",
    }
}

/// `transform_responses_api_tools_to_chat_completion_tools`: (chat tools, web search options).
fn tools(tools: Option<&Value>) -> (Vec<Value>, Option<Value>) {
    let mut out = Vec::new();
    let mut web_search = None;
    for tool in tools.and_then(Value::as_array).into_iter().flatten() {
        let Some(object) = tool.as_object() else {
            continue;
        };
        match object.get("type").and_then(Value::as_str).unwrap_or("") {
            "web_search" | "web_search_preview" => {
                let mut options = Map::new();
                for key in ["search_context_size", "user_location"] {
                    if let Some(v) = object.get(key).filter(|v| !v.is_null()) {
                        options.insert(key.into(), v.clone());
                    }
                }
                web_search = Some(Value::Object(options));
            }
            "function" => {
                let mut parameters = object
                    .get("parameters")
                    .and_then(Value::as_object)
                    .cloned()
                    .unwrap_or_default();
                if !parameters.contains_key("type") {
                    parameters.insert("type".into(), json!("object"));
                }
                let text = |key: &str| {
                    object
                        .get(key)
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string()
                };
                let mut chat_tool = json!({
                    "type": "function",
                    "function": {
                        "name": text("name"),
                        "description": text("description"),
                        "parameters": parameters,
                        "strict": object.get("strict").and_then(Value::as_bool).unwrap_or(false),
                    },
                });
                if let (Some(cache), Some(t)) = (
                    object.get("cache_control").filter(|v| !v.is_null()),
                    chat_tool.as_object_mut(),
                ) {
                    t.insert("cache_control".into(), cache.clone());
                }
                out.push(chat_tool);
            }
            "computer_use"
            | "computer_use_preview"
            | "image_generation"
            | "namespace"
            | "shell" => {}
            _ => out.push(tool.clone()),
        }
    }
    (out, web_search)
}

/// `_transform_tool_choice`.
fn tool_choice(choice: &Value) -> Option<Value> {
    match choice {
        Value::Null => None,
        Value::String(_) => Some(choice.clone()),
        Value::Object(object) => {
            if object
                .get("function")
                .and_then(|f| f.get("name"))
                .is_some_and(|n| n.as_str().is_some_and(|s| !s.is_empty()))
            {
                return Some(choice.clone());
            }
            match object.get("type").and_then(Value::as_str) {
                Some("auto") => Some(json!("auto")),
                Some("none") => Some(json!("none")),
                Some("required" | "tool" | "any") => Some(json!("required")),
                Some("function") => Some(match object.get("name").and_then(Value::as_str) {
                    Some(name) if !name.is_empty() => {
                        json!({"type": "function", "function": {"name": name}})
                    }
                    _ => json!("required"),
                }),
                _ => Some(choice.clone()),
            }
        }
        other => Some(other.clone()),
    }
}

/// `_transform_text_format_to_response_format`.
fn response_format(text: &Value) -> Option<Value> {
    let format = text.get("format")?.as_object()?;
    match format.get("type").and_then(Value::as_str)? {
        "json_schema" => Some(json!({
            "type": "json_schema",
            "json_schema": {
                "name": format.get("name").cloned().unwrap_or(json!("response_schema")),
                "schema": format.get("schema").cloned().unwrap_or(json!({})),
                "strict": format.get("strict").cloned().unwrap_or(json!(false)),
            },
        })),
        "json_object" => Some(json!({"type": "json_object"})),
        _ => None,
    }
}

/// `reasoning: {"effort": E}` as `reasoning_effort: E`; a string as it is.
fn reasoning_effort(reasoning: &Value) -> Option<Value> {
    match reasoning {
        Value::String(_) => Some(reasoning.clone()),
        Value::Object(object) => object.get("effort").filter(|e| !e.is_null()).cloned(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chat(request: Value) -> Value {
        let Value::Object(request) = request else {
            panic!("not an object")
        };
        Value::Object(to_chat(&request).expect("translates"))
    }

    #[test]
    fn instructions_and_a_string_input_become_system_and_user_messages() {
        let out = chat(json!({
            "model": "claude", "instructions": "Be brief.", "input": "Hi",
            "max_output_tokens": 50, "temperature": 0.2, "store": false,
            "reasoning": {"effort": "low"}, "previous_response_id": "resp_x",
        }));
        assert_eq!(
            out,
            json!({
                "model": "claude",
                "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}],
                "max_tokens": 50, "temperature": 0.2, "reasoning_effort": "low",
            })
        );
    }

    #[test]
    fn input_items_tool_calls_and_outputs() {
        let out = chat(json!({
            "model": "m",
            "input": [
                {"role": "developer", "content": "rules"},
                {"type": "message", "role": "user", "content": [
                    {"type": "input_text", "text": "look"},
                    {"type": "input_image", "image_url": "data:image/png;base64,AA"},
                    {"type": "input_text", "text": null},
                ]},
                {"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": "calling"}]},
                {"type": "function_call", "call_id": "call_1", "name": "a", "arguments": "{}"},
                {"type": "function_call", "call_id": "call_2", "name": "b", "arguments": "{\"x\":1}"},
                {"type": "function_call_output", "call_id": "call_1", "output": "one"},
                {"type": "function_call_output", "call_id": "call_2", "output": [{"type": "input_text", "text": "t"}]},
                {"type": "function_call_output", "output": "no id: dropped"},
                {"type": "reasoning", "id": "rs_1", "summary": []},
                {"type": "item_reference", "id": "msg_1"},
            ],
        }));
        assert_eq!(
            out["messages"],
            json!([
                {"role": "developer", "content": "rules"},
                {"role": "user", "content": [
                    {"type": "text", "text": "look"},
                    {"type": "image_url", "image_url": {"url": "data:image/png;base64,AA", "detail": "auto"}},
                ]},
                {"role": "assistant", "content": [{"type": "text", "text": "calling"}], "tool_calls": [
                    {"id": "call_1", "type": "function", "function": {"name": "a", "arguments": "{}"}},
                    {"id": "call_2", "type": "function", "function": {"name": "b", "arguments": "{\"x\":1}"}},
                ]},
                {"role": "tool", "content": "one", "tool_call_id": "call_1"},
                {"role": "tool", "content": "t", "tool_call_id": "call_2"},
            ])
        );
    }

    #[test]
    fn tools_and_tool_choice() {
        let out = chat(json!({
            "model": "m", "input": "x",
            "tools": [
                {"type": "function", "name": "get_weather", "parameters": {"properties": {"city": {"type": "string"}}}},
                {"type": "web_search_preview", "search_context_size": "low"},
                {"type": "image_generation"},
            ],
            "tool_choice": {"type": "function", "name": "get_weather"},
            "text": {"format": {"type": "json_schema", "name": "w", "schema": {"type": "object"}, "strict": true}},
        }));
        assert_eq!(
            out["tools"],
            json!([{"type": "function", "function": {"name": "get_weather", "description": "", "parameters": {"properties": {"city": {"type": "string"}}, "type": "object"}, "strict": false}}])
        );
        assert_eq!(
            out["web_search_options"],
            json!({"search_context_size": "low"})
        );
        assert_eq!(
            out["tool_choice"],
            json!({"type": "function", "function": {"name": "get_weather"}})
        );
        assert_eq!(
            out["response_format"],
            json!({"type": "json_schema", "json_schema": {"name": "w", "schema": {"type": "object"}, "strict": true}})
        );
        assert_eq!(
            tool_choice(&json!({"type": "tool"})),
            Some(json!("required"))
        );
        assert_eq!(tool_choice(&json!("none")), Some(json!("none")));
        assert!(chat(json!({"model": "m", "input": "x", "tools": []}))
            .get("tools")
            .is_none());
    }

    #[test]
    fn malformed_input_is_a_clear_bad_request() {
        let Value::Object(bad) = json!({"model": "m", "input": 5}) else {
            panic!()
        };
        assert_eq!(to_chat(&bad).map(|_| ()).unwrap_err().status, 400);
        let Value::Object(bad) = json!({"model": "m", "input": ["text"]}) else {
            panic!()
        };
        assert_eq!(to_chat(&bad).map(|_| ()).unwrap_err().status, 400);
        let Value::Object(bad) = json!({"model": "m", "input": [{"role": "user", "content": 3}]})
        else {
            panic!()
        };
        let error = to_chat(&bad).map(|_| ()).unwrap_err();
        assert!(error.message.contains("Invalid content type: int"));
    }
}
