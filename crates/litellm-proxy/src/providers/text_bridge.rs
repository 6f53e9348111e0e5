//! Chat completions for `text-completion-openai/…` deployments, translated to and from a legacy
//! text completion as LiteLLM does (`OpenAITextCompletionConfig` in
//! `litellm/llms/openai/completion/transformation.py`, `_transform_prompt` in `utils.py` beside
//! it, and `handle_openai_text_completion_chunk` of its stream wrapper):
//!
//! - the prompt is the messages' text: one message gives its content as a string (a content list
//!   its `text` parts joined; a list of token ids as is), several give a list of strings, one per
//!   message (roles are dropped, so the upstream completes each message as its own prompt, as
//!   LiteLLM's does), and every other parameter of the chat request goes with it (`messages`
//!   replaced by `prompt`);
//! - each `choices[i].text` of the answer becomes the assistant message of choice `i` (its
//!   `finish_reason` and `logprobs` kept), with the upstream's `id`, `model` and `usage`;
//! - streamed, each `text_completion` chunk becomes a `chat.completion.chunk` whose delta is the
//!   text (the role in each choice's first chunk), the usage chunk and `[DONE]` passed on.

use super::event_translation::{EventTranslator, Translation};
use super::EventStream;
use crate::error::{ErrorKind, ProxyError};
use serde_json::{json, Map, Value};

/// A message's text as LiteLLM's `convert_content_list_to_str` reads it.
fn content_text(message: &Value) -> String {
    match message.get("content") {
        Some(Value::String(text)) => text.clone(),
        Some(Value::Array(parts)) => parts
            .iter()
            .filter_map(|p| p.get("text").and_then(Value::as_str))
            .collect(),
        _ => String::new(),
    }
}

fn is_tokens(content: &[Value]) -> bool {
    let token = |v: &Value| v.is_u64() || v.is_i64();
    !content.is_empty()
        && (content.iter().all(token)
            || content
                .iter()
                .all(|item| item.as_array().is_some_and(|ids| ids.iter().all(token))))
}

/// LiteLLM's `_transform_prompt`.
pub fn prompt(messages: &[Value]) -> Value {
    if let [message] = messages {
        if let Some(Value::Array(content)) = message.get("content") {
            if is_tokens(content) {
                return Value::Array(content.clone());
            }
        }
        return Value::String(content_text(message));
    }
    Value::Array(
        messages
            .iter()
            .map(|m| Value::String(content_text(m)))
            .collect(),
    )
}

/// The `/completions` body for a chat body (already the upstream's: model, defaults, stream
/// options).
pub fn request_body(mut chat: Map<String, Value>) -> Result<Map<String, Value>, ProxyError> {
    let messages = match chat.remove("messages") {
        Some(Value::Array(messages)) if !messages.is_empty() => messages,
        _ => {
            return Err(ProxyError::bad_request(
                "litellm.BadRequestError: `messages` must be a non-empty list",
            )
            .with_param("messages"))
        }
    };
    let mut body = Map::with_capacity(chat.len() + 1);
    for (key, value) in chat {
        if key == "model" {
            body.insert(key, value);
            body.insert("prompt".into(), prompt(&messages));
        } else {
            body.insert(key, value);
        }
    }
    if !body.contains_key("prompt") {
        body.insert("prompt".into(), prompt(&messages));
    }
    Ok(body)
}

/// A `text_completion` answer as a `chat.completion` (LiteLLM's
/// `convert_to_chat_model_response_object`).
pub fn to_chat(answer: &Value, fallback_model: &str) -> Value {
    let choices: Vec<Value> = answer
        .get("choices")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
        .map(|(index, choice)| {
            json!({
                "index": index,
                "finish_reason": choice.get("finish_reason").cloned().unwrap_or(Value::Null),
                "message": {
                    "role": "assistant",
                    "content": choice.get("text").cloned().unwrap_or(Value::Null),
                },
                "logprobs": choice.get("logprobs").cloned().unwrap_or(Value::Null),
            })
        })
        .collect();
    let mut completion = json!({
        "id": answer.get("id").cloned().unwrap_or_else(|| json!(format!("chatcmpl-{:016x}", crate::router::random_u64()))),
        "object": "chat.completion",
        "created": answer.get("created").cloned().unwrap_or(json!(0)),
        "model": answer.get("model").cloned().unwrap_or_else(|| json!(fallback_model)),
        "choices": choices,
    });
    if let Some(usage) = answer.get("usage") {
        completion["usage"] = usage.clone();
    }
    if let Some(fingerprint) = answer.get("system_fingerprint") {
        completion["system_fingerprint"] = fingerprint.clone();
    }
    completion
}

/// `text_completion` chunk events in, `chat.completion.chunk` events out.
struct ChunkTranslator {
    provider: &'static str,
    /// The choices whose first chunk (which carries the role) went out.
    started: Vec<u64>,
}

impl EventTranslator for ChunkTranslator {
    fn event(&mut self, event: &[u8], out: &mut Vec<u8>) -> Result<(), ProxyError> {
        let Some(payload) = crate::sse::event_data(event) else {
            return Ok(());
        };
        if payload.trim_ascii() == b"[DONE]" {
            out.extend_from_slice(b"data: [DONE]\n\n");
            return Ok(());
        }
        let chunk: Value = serde_json::from_slice(&payload).map_err(|e| {
            ProxyError::new(
                500,
                ErrorKind::Api,
                format!(
                    "litellm.APIError: {}Exception - a stream event is not JSON ({e})",
                    self.provider
                ),
            )
        })?;
        if chunk.get("error").is_some() {
            return Err(ProxyError::from_upstream(
                500,
                &payload,
                None,
                self.provider,
            ));
        }
        let choices: Vec<Value> = chunk
            .get("choices")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|choice| {
                let index = choice.get("index").and_then(Value::as_u64).unwrap_or(0);
                let mut delta = Map::new();
                if !self.started.contains(&index) {
                    self.started.push(index);
                    delta.insert("role".into(), json!("assistant"));
                }
                delta.insert(
                    "content".into(),
                    choice.get("text").cloned().unwrap_or(json!("")),
                );
                let mut out = json!({
                    "index": index,
                    "delta": delta,
                    "finish_reason": choice.get("finish_reason").cloned().unwrap_or(Value::Null),
                });
                if let Some(logprobs) = choice.get("logprobs").filter(|l| !l.is_null()) {
                    out["logprobs"] = logprobs.clone();
                }
                out
            })
            .collect();
        let mut translated = json!({
            "id": chunk.get("id").cloned().unwrap_or(Value::Null),
            "object": "chat.completion.chunk",
            "created": chunk.get("created").cloned().unwrap_or(json!(0)),
            "model": chunk.get("model").cloned().unwrap_or(Value::Null),
            "choices": choices,
        });
        if let Some(usage) = chunk.get("usage").filter(|u| !u.is_null()) {
            translated["usage"] = usage.clone();
        }
        out.extend_from_slice(b"data: ");
        out.extend_from_slice(translated.to_string().as_bytes());
        out.extend_from_slice(b"\n\n");
        Ok(())
    }
}

/// The upstream's `text_completion` stream as `chat.completion.chunk` events.
pub fn translate_stream(upstream: EventStream, provider: &'static str) -> EventStream {
    Translation::new(ChunkTranslator {
        provider,
        started: Vec::new(),
    })
    .stream(upstream)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn the_prompt_is_litellms() {
        assert_eq!(
            prompt(&[json!({"role": "user", "content": "Say hi"})]),
            json!("Say hi")
        );
        assert_eq!(
            prompt(&[
                json!({"role": "user", "content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]})
            ]),
            json!("ab")
        );
        assert_eq!(
            prompt(&[json!({"role": "user", "content": [1, 2, 3]})]),
            json!([1, 2, 3])
        );
        assert_eq!(
            prompt(&[
                json!({"role": "system", "content": "Be brief."}),
                json!({"role": "user", "content": "Hi"}),
                json!({"role": "assistant", "content": null}),
            ]),
            json!(["Be brief.", "Hi", ""])
        );
        let body = request_body(
            json!({"model": "m", "messages": [{"role": "user", "content": "x"}], "max_tokens": 5})
                .as_object()
                .unwrap()
                .clone(),
        )
        .unwrap();
        assert_eq!(
            Value::Object(body),
            json!({"model": "m", "prompt": "x", "max_tokens": 5})
        );
    }

    #[test]
    fn answers_and_chunks_become_chat_shapes() {
        let answer = json!({"id": "cmpl-1", "object": "text_completion", "created": 5, "model": "m",
            "choices": [{"text": "Hello", "index": 0, "logprobs": null, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 2, "completion_tokens": 1, "total_tokens": 3}});
        let chat = to_chat(&answer, "x");
        assert_eq!(chat["object"], "chat.completion");
        assert_eq!(chat["id"], "cmpl-1");
        assert_eq!(
            chat["choices"][0]["message"],
            json!({"role": "assistant", "content": "Hello"})
        );
        assert_eq!(chat["usage"]["total_tokens"], 3);

        let mut t = Translation::new(ChunkTranslator {
            provider: "text-completion-openai",
            started: Vec::new(),
        });
        let mut out = t
            .feed(b"data: {\"id\":\"c\",\"object\":\"text_completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"text\":\"He\",\"index\":0,\"finish_reason\":null}]}\n\ndata: {\"id\":\"c\",\"choices\":[{\"text\":\"y\",\"index\":0,\"finish_reason\":\"stop\"}]}\n\nda")
            .unwrap();
        out.extend(t.feed(b"ta: {\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,\"total_tokens\":3}}\n\ndata: [DONE]\n\n").unwrap());
        out.extend(t.finish().unwrap());
        let text = String::from_utf8(out).unwrap();
        let events: Vec<Value> = text
            .split("\n\n")
            .filter_map(|e| e.strip_prefix("data: "))
            .filter(|d| *d != "[DONE]")
            .map(|d| serde_json::from_str(d).unwrap())
            .collect();
        assert_eq!(events.len(), 3);
        assert_eq!(
            events[0]["choices"][0]["delta"],
            json!({"role": "assistant", "content": "He"})
        );
        assert_eq!(events[1]["choices"][0]["delta"], json!({"content": "y"}));
        assert_eq!(events[1]["choices"][0]["finish_reason"], "stop");
        assert_eq!(events[2]["usage"]["total_tokens"], 3);
        assert!(text.ends_with("data: [DONE]\n\n"));
    }
}
