//! A chat completion as a Responses API `response`, as LiteLLM's bridge writes it:
//! `transform_chat_completion_response_to_responses_api_response` and
//! `_transform_chat_completion_choices_to_responses_output` (BerriAI/litellm
//! `litellm/responses/litellm_completion_transformation/transformation.py`): a reasoning item
//! from `reasoning_content`, a message item per choice with its text and `url_citation`
//! annotations, a `function_call` item per tool call, `status` from the first choice's
//! `finish_reason` (`length`, `content_filter` are `incomplete`), and usage with its cached and
//! reasoning details.
//!
//! Differences, each something a client trips over in LiteLLM 1.80: the response id is the one
//! [`super::ids`] made (the same one a stream of this call would carry), not the chat
//! completion's; a choice with tool calls and no text gets no empty message item (LiteLLM writes
//! one with `text: null`, which OpenAI never sends); a reasoning item has OpenAI's `summary`
//! shape; request fields (`instructions`, `tools`, `temperature`, ...) are echoed as OpenAI
//! echoes them; an incomplete response says why in `incomplete_details`.

use super::types::{status_of, OutputItem, OutputText, ResponseObject, ResponseUsage, SummaryText};
use crate::usage::Usage;
use serde::Deserialize;
use serde_json::{Map, Value};

/// Item ids of one response: `msg_`, `rs_`, `fc_` + a per-response base + a counter.
pub struct ItemIds {
    base: String,
    next: u32,
}

impl ItemIds {
    pub fn new(base: String) -> Self {
        ItemIds { base, next: 0 }
    }

    /// Fresh random ids.
    pub fn random() -> Self {
        ItemIds::new(format!("{:016x}", crate::router::random_u64()))
    }

    pub fn next(&mut self, prefix: &str) -> String {
        self.next += 1;
        format!("{prefix}_{}{:04x}", self.base, self.next)
    }
}

/// The `response` for chat completion `chat`, answering `request` (the client's Responses body).
/// `None` when `chat` is not a chat completion.
pub fn from_chat(
    chat: &[u8],
    request: &Map<String, Value>,
    id: &str,
    created_at: u64,
    ids: &mut ItemIds,
) -> Option<ResponseObject> {
    let chat: Completion = serde_json::from_slice(chat).ok()?;
    let model = chat
        .model
        .clone()
        .or_else(|| {
            request
                .get("model")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .unwrap_or_default();
    let mut response = ResponseObject::for_request(id, created_at, &model, request);
    let (status, incomplete) = status_of(
        chat.choices
            .first()
            .and_then(|c| c.finish_reason.as_deref()),
    );
    response.status = status;
    response.incomplete_details = incomplete;
    let reasoning = chat.choices.iter().find_map(|c| {
        c.message
            .reasoning_content
            .clone()
            .filter(|r| !r.is_empty())
    });
    if let Some(text) = reasoning {
        response.output.push(OutputItem::Reasoning {
            id: ids.next("rs"),
            summary: vec![SummaryText::new(text)],
        });
    }
    for choice in &chat.choices {
        let text = choice.message.content.clone().unwrap_or_default();
        if text.is_empty() && !choice.message.tool_calls.is_empty() {
            continue;
        }
        let (status, _) = status_of(choice.finish_reason.as_deref());
        response.output.push(OutputItem::Message {
            id: ids.next("msg"),
            status,
            role: "assistant",
            content: vec![OutputText::new(
                text,
                annotations(&choice.message.annotations),
            )],
        });
    }
    for call in chat.choices.iter().flat_map(|c| &c.message.tool_calls) {
        response.output.push(OutputItem::FunctionCall {
            id: ids.next("fc"),
            call_id: call.id.clone(),
            name: call.function.name.clone(),
            arguments: call.function.arguments.clone(),
            status: "completed",
        });
    }
    response.usage = Some(ResponseUsage::from(chat.usage.unwrap_or_default()));
    Some(response)
}

/// `_transform_chat_completion_annotations_to_response_output_annotations`: `url_citation`s.
pub fn annotations(annotations: &[Value]) -> Vec<Value> {
    annotations
        .iter()
        .filter(|a| a.get("type").and_then(Value::as_str) == Some("url_citation"))
        .filter_map(|a| a.get("url_citation"))
        .map(|c| {
            serde_json::json!({
                "type": "url_citation",
                "start_index": c.get("start_index"),
                "end_index": c.get("end_index"),
                "url": c.get("url"),
                "title": c.get("title"),
            })
        })
        .collect()
}

#[derive(Deserialize)]
struct Completion {
    model: Option<String>,
    #[serde(default)]
    choices: Vec<Choice>,
    usage: Option<Usage>,
}

#[derive(Deserialize)]
struct Choice {
    #[serde(default)]
    message: Message,
    finish_reason: Option<String>,
}

#[derive(Deserialize, Default)]
struct Message {
    content: Option<String>,
    reasoning_content: Option<String>,
    #[serde(default, deserialize_with = "null_as_empty")]
    tool_calls: Vec<ToolCall>,
    #[serde(default, deserialize_with = "null_as_empty")]
    annotations: Vec<Value>,
}

#[derive(Deserialize)]
struct ToolCall {
    #[serde(default)]
    id: String,
    #[serde(default)]
    function: Function,
}

#[derive(Deserialize, Default)]
struct Function {
    #[serde(default)]
    name: String,
    #[serde(default)]
    arguments: String,
}

fn null_as_empty<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(deserializer)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn request(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }

    #[test]
    fn a_text_completion_becomes_a_message_item_with_usage() {
        let chat = json!({
            "id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "claude-x",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hello"}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 2, "total_tokens": 12,
                      "prompt_tokens_details": {"cached_tokens": 4}},
        });
        let req = request(
            json!({"model": "group", "input": "hi", "instructions": "Be brief.", "max_output_tokens": 9}),
        );
        let out = from_chat(
            chat.to_string().as_bytes(),
            &req,
            "resp_abc",
            7,
            &mut ItemIds::new("x".into()),
        )
        .expect("a completion");
        let value = serde_json::to_value(&out).expect("serializes");
        assert_eq!(value["id"], "resp_abc");
        assert_eq!(value["object"], "response");
        assert_eq!(value["status"], "completed");
        assert_eq!(value["model"], "claude-x");
        assert_eq!(value["instructions"], "Be brief.");
        assert_eq!(value["max_output_tokens"], 9);
        assert_eq!(
            value["output"],
            json!([{"type": "message", "id": "msg_x0001", "status": "completed", "role": "assistant",
                    "content": [{"type": "output_text", "text": "Hello", "annotations": [], "logprobs": []}]}])
        );
        assert_eq!(
            value["usage"],
            json!({"input_tokens": 10, "input_tokens_details": {"cached_tokens": 4}, "output_tokens": 2,
                   "output_tokens_details": {"reasoning_tokens": 0}, "total_tokens": 12})
        );
    }

    #[test]
    fn tool_calls_reasoning_and_truncation() {
        let chat = json!({
            "id": "c", "model": "m",
            "choices": [{"index": 0, "finish_reason": "length", "message": {
                "role": "assistant", "content": null, "reasoning_content": "think",
                "tool_calls": [{"id": "call_9", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}}],
            }}],
        });
        let out = from_chat(
            chat.to_string().as_bytes(),
            &Map::new(),
            "resp_1",
            0,
            &mut ItemIds::new("y".into()),
        )
        .expect("a completion");
        let value = serde_json::to_value(&out).expect("serializes");
        assert_eq!(value["status"], "incomplete");
        assert_eq!(
            value["incomplete_details"],
            json!({"reason": "max_output_tokens"})
        );
        assert_eq!(
            value["output"],
            json!([
                {"type": "reasoning", "id": "rs_y0001", "summary": [{"type": "summary_text", "text": "think"}]},
                {"type": "function_call", "id": "fc_y0002", "call_id": "call_9", "name": "get_weather",
                 "arguments": "{\"city\":\"Paris\"}", "status": "completed"},
            ])
        );
        assert_eq!(value["usage"]["total_tokens"], 0);
        assert!(from_chat(
            b"<html>",
            &Map::new(),
            "r",
            0,
            &mut ItemIds::new("z".into())
        )
        .is_none());
    }
}
