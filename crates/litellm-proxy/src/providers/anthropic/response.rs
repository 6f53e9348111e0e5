//! Anthropic Messages answer -> OpenAI `chat.completion`, as LiteLLM's `transform_response`.

use super::*;

/// `map_finish_reason` for Anthropic's stop reasons.
pub fn finish_reason(stop_reason: &str) -> &str {
    match stop_reason {
        "end_turn" | "stop_sequence" | "pause_turn" => "stop",
        "max_tokens" => "length",
        "tool_use" => "tool_calls",
        "refusal" => "content_filter",
        other => other,
    }
}

/// Anthropic usage -> OpenAI usage under the providers/cost contract: prompt tokens include
/// cache reads and writes, `prompt_tokens_details.cached_tokens` are the reads, and the two cache
/// counts are repeated at the top level when Anthropic reports them.
pub fn usage_to_openai(usage: &Map<String, Value>) -> Value {
    let count = |key: &str| usage.get(key).and_then(Value::as_u64);
    let input = count("input_tokens").unwrap_or(0);
    let output = count("output_tokens").unwrap_or(0);
    let cache_read = count("cache_read_input_tokens");
    let cache_creation = count("cache_creation_input_tokens");
    let prompt = input + cache_read.unwrap_or(0) + cache_creation.unwrap_or(0);
    let mut out = Map::new();
    out.insert("prompt_tokens".into(), json!(prompt));
    out.insert("completion_tokens".into(), json!(output));
    out.insert("total_tokens".into(), json!(prompt + output));
    out.insert(
        "prompt_tokens_details".into(),
        json!({"cached_tokens": cache_read.unwrap_or(0)}),
    );
    if let Some(read) = cache_read {
        out.insert("cache_read_input_tokens".into(), json!(read));
    }
    if let Some(creation) = cache_creation {
        out.insert("cache_creation_input_tokens".into(), json!(creation));
    }
    Value::Object(out)
}

/// A Messages API response -> a `chat.completion`.
pub fn to_openai(message: &Value, created: u64, json_mode: bool) -> Result<Value, ProxyError> {
    if message.get("type").and_then(Value::as_str) == Some("error")
        || message.get("error").is_some()
    {
        return Err(error_from(500, message.to_string().as_bytes(), None));
    }
    let blocks = message
        .get("content")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            error_from(
                500,
                format!("the response has no `content` list: {message}").as_bytes(),
                None,
            )
        })?;
    let mut text = String::new();
    let mut tool_calls: Vec<Value> = Vec::new();
    let mut thinking: Vec<Value> = Vec::new();
    for block in blocks {
        match block.get("type").and_then(Value::as_str) {
            Some("text") => text.push_str(block.get("text").and_then(Value::as_str).unwrap_or("")),
            Some("tool_use") => {
                let input = block.get("input").cloned().unwrap_or(json!({}));
                tool_calls.push(json!({
                    "id": block.get("id").cloned().unwrap_or(Value::Null),
                    "type": "function",
                    "function": {
                        "name": block.get("name").cloned().unwrap_or(Value::Null),
                        "arguments": python_json(&input),
                    },
                }));
            }
            Some("thinking") | Some("redacted_thinking") => thinking.push(block.clone()),
            _ => {}
        }
    }
    let mut stop_reason = message
        .get("stop_reason")
        .and_then(Value::as_str)
        .map(finish_reason)
        .unwrap_or("stop")
        .to_string();
    let json_answer = (json_mode && tool_calls.len() == 1)
        .then(|| json_mode_content(&tool_calls[0]))
        .flatten();
    let mut reply = Map::new();
    match json_answer {
        Some(content) => {
            reply.insert("content".into(), Value::String(content));
            stop_reason = "stop".into();
        }
        None => {
            reply.insert(
                "content".into(),
                if text.is_empty() {
                    Value::Null
                } else {
                    Value::String(text)
                },
            );
            if !tool_calls.is_empty() {
                reply.insert("tool_calls".into(), Value::Array(tool_calls));
            }
        }
    }
    reply.insert("role".into(), json!("assistant"));
    if !thinking.is_empty() {
        let reasoning: String = thinking
            .iter()
            .filter_map(|b| b.get("thinking").and_then(Value::as_str))
            .collect();
        reply.insert("reasoning_content".into(), Value::String(reasoning));
        reply.insert("thinking_blocks".into(), Value::Array(thinking));
    }
    let usage = message
        .get("usage")
        .and_then(Value::as_object)
        .map(usage_to_openai)
        .unwrap_or_else(|| usage_to_openai(&Map::new()));
    Ok(json!({
        "id": message.get("id").cloned().unwrap_or(Value::Null),
        "object": "chat.completion",
        "created": created,
        "model": message.get("model").cloned().unwrap_or(Value::Null),
        "choices": [{"index": 0, "message": reply, "finish_reason": stop_reason}],
        "usage": usage,
    }))
}

/// `json.dumps(value)` as Python writes it (`", "` and `": "` separators, non-ASCII escaped),
/// which is how LiteLLM turns a `tool_use` input into the `arguments` string.
pub fn python_json(value: &Value) -> String {
    struct PythonFormatter;
    impl serde_json::ser::Formatter for PythonFormatter {
        fn begin_array_value<W: ?Sized + std::io::Write>(
            &mut self,
            writer: &mut W,
            first: bool,
        ) -> std::io::Result<()> {
            if first {
                Ok(())
            } else {
                writer.write_all(b", ")
            }
        }
        fn begin_object_key<W: ?Sized + std::io::Write>(
            &mut self,
            writer: &mut W,
            first: bool,
        ) -> std::io::Result<()> {
            if first {
                Ok(())
            } else {
                writer.write_all(b", ")
            }
        }
        fn begin_object_value<W: ?Sized + std::io::Write>(
            &mut self,
            writer: &mut W,
        ) -> std::io::Result<()> {
            writer.write_all(b": ")
        }
        fn write_string_fragment<W: ?Sized + std::io::Write>(
            &mut self,
            writer: &mut W,
            fragment: &str,
        ) -> std::io::Result<()> {
            for c in fragment.chars() {
                if c.is_ascii() {
                    writer.write_all(&[c as u8])?;
                } else {
                    for unit in c.encode_utf16(&mut [0; 2]) {
                        write!(writer, "\\u{unit:04x}")?;
                    }
                }
            }
            Ok(())
        }
    }
    let mut out = Vec::new();
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, PythonFormatter);
    if serde::Serialize::serialize(value, &mut serializer).is_err() {
        return value.to_string();
    }
    String::from_utf8(out).unwrap_or_else(|_| value.to_string())
}

/// The content JSON mode returns for the forced `json_tool_call` (its `values` when wrapped).
pub(super) fn json_mode_content(call: &Value) -> Option<String> {
    if call.pointer("/function/name").and_then(Value::as_str) != Some(JSON_TOOL) {
        return None;
    }
    let arguments = call
        .pointer("/function/arguments")
        .and_then(Value::as_str)?;
    match serde_json::from_str::<Value>(arguments) {
        Ok(Value::Object(args)) => Some(match args.get("values") {
            Some(values) => python_json(values),
            None => python_json(&Value::Object(args)),
        }),
        Ok(other) => Some(python_json(&other)),
        Err(_) => Some(arguments.to_string()),
    }
}
