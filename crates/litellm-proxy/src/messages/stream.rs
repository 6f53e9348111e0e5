//! Streams of the Messages endpoint.
//!
//! [`ChatToMessages`] turns an OpenAI `chat.completion.chunk` stream into Anthropic's event
//! stream as LiteLLM 1.80's `AnthropicStreamWrapper` does
//! (`litellm/llms/anthropic/experimental_pass_through/adapters/streaming_iterator.py`):
//! `message_start` (a `msg_<uuid>` id, the upstream model, zero usage), a text block opened at
//! index 0 straight away, a new block (the previous one stopped) whenever the kind of content
//! changes or a tool call names itself, `content_block_delta`s (`text_delta`, `input_json_delta`,
//! `thinking_delta`, `signature_delta`), `content_block_stop` when the finish reason arrives,
//! then `message_delta` (the stop reason, held until the usage chunk so it carries
//! `input_tokens`/`output_tokens`) and `message_stop`.
//!
//! Beyond 1.80: content riding on the chunk that carries the finish reason is sent (1.80 drops
//! it), several tool calls in one chunk each get their block (1.80 merges their arguments into
//! one), empty deltas are not sent, and a stream that ends without a finish reason still closes
//! its block and sends `message_delta` (1.80 sends only `message_stop`).
//!
//! [`MessagesUsage`] reads the usage of an Anthropic event stream, native or translated, from
//! `message_start` and `message_delta`, as LiteLLM's pass-through logging does.

use super::{event_bytes, uuid4};
use crate::error::ProxyError;
use crate::providers::EventStream;
use crate::sse::{event_data, event_end, Screen, StreamEnd};
use bytes::{Bytes, BytesMut};
use futures_util::{Stream, StreamExt};
use serde_json::{json, Map, Value};
use std::convert::Infallible;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BlockKind {
    Text,
    ToolUse,
    Thinking,
}

/// Chat chunks in, Anthropic events out, one chunk at a time.
#[derive(Debug)]
pub struct ChatToMessages {
    model: String,
    started: bool,
    index: usize,
    kind: BlockKind,
    /// A content block is open (started, not yet stopped).
    open: bool,
    /// The `message_delta` waiting for the usage chunk.
    held: Option<Value>,
    /// The last usage the upstream reported.
    usage: Option<(u64, u64)>,
    delta_sent: bool,
    finished: bool,
}

impl ChatToMessages {
    /// `model` is the upstream model id, as LiteLLM names it in `message_start`.
    pub fn new(model: &str) -> Self {
        ChatToMessages {
            model: model.to_string(),
            started: false,
            index: 0,
            kind: BlockKind::Text,
            open: false,
            held: None,
            usage: None,
            delta_sent: false,
            finished: false,
        }
    }

    /// `message_start` and the first (text) block's start, once.
    fn start(&mut self, out: &mut Vec<Value>) {
        if self.started {
            return;
        }
        self.started = true;
        self.open = true;
        out.push(json!({
            "type": "message_start",
            "message": {
                "id": format!("msg_{}", uuid4()),
                "type": "message",
                "role": "assistant",
                "content": [],
                "model": self.model,
                "stop_reason": null,
                "stop_sequence": null,
                "usage": {"input_tokens": 0, "output_tokens": 0},
            },
        }));
        out.push(json!({
            "type": "content_block_start",
            "index": 0,
            "content_block": {"type": "text", "text": ""},
        }));
    }

    fn new_block(&mut self, kind: BlockKind, block: Value, out: &mut Vec<Value>) {
        if self.open {
            out.push(json!({"type": "content_block_stop", "index": self.index}));
            self.index += 1;
        }
        self.kind = kind;
        self.open = true;
        out.push(
            json!({"type": "content_block_start", "index": self.index, "content_block": block}),
        );
    }

    fn delta(&self, delta: Value) -> Value {
        json!({"type": "content_block_delta", "index": self.index, "delta": delta})
    }

    fn close_block(&mut self, out: &mut Vec<Value>) {
        if self.open {
            self.open = false;
            out.push(json!({"type": "content_block_stop", "index": self.index}));
        }
    }

    fn usage_json(&self) -> Value {
        let (input, output) = self.usage.unwrap_or((0, 0));
        json!({"input_tokens": input, "output_tokens": output})
    }

    /// The events for one parsed chunk. An `error` object in place of a chunk is the upstream
    /// failing mid-stream.
    pub fn on_chunk(&mut self, chunk: &Value, provider: &str) -> Result<Vec<Value>, ProxyError> {
        let mut out = Vec::new();
        if self.finished {
            return Ok(out);
        }
        if chunk.get("error").is_some() && chunk.get("choices").is_none() {
            let message = chunk
                .pointer("/error/message")
                .and_then(Value::as_str)
                .map_or_else(|| chunk.to_string(), str::to_string);
            return Err(ProxyError::bad_answer(
                provider,
                &format!("an error in the stream: {message}"),
            ));
        }
        self.start(&mut out);
        if let Some(usage) = chunk.get("usage").filter(|u| u.is_object()) {
            let count = |key: &str| usage.get(key).and_then(Value::as_u64).unwrap_or(0);
            self.usage = Some((count("prompt_tokens"), count("completion_tokens")));
        }
        let choice = chunk
            .get("choices")
            .and_then(Value::as_array)
            .and_then(|c| c.first());
        if let Some(delta) = choice.and_then(|c| c.get("delta")) {
            self.content(delta, &mut out);
        }
        let finish = choice
            .and_then(|c| c.get("finish_reason"))
            .and_then(Value::as_str);
        if let Some(finish) = finish {
            self.close_block(&mut out);
            if !self.delta_sent && self.held.is_none() {
                self.held = Some(json!({
                    "type": "message_delta",
                    "delta": {"stop_reason": super::bridge::stop_reason(Some(finish)), "stop_sequence": null},
                }));
            }
        }
        // The usage chunk (no choices) completes the held `message_delta`.
        if finish.is_none() && self.usage.is_some() {
            if let Some(mut held) = self.held.take() {
                held["usage"] = self.usage_json();
                self.delta_sent = true;
                out.push(held);
            }
        }
        Ok(out)
    }

    fn content(&mut self, delta: &Value, out: &mut Vec<Value>) {
        if let Some(text) = delta
            .get("content")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
        {
            if self.kind != BlockKind::Text || !self.open {
                self.new_block(BlockKind::Text, json!({"type": "text", "text": ""}), out);
            }
            out.push(self.delta(json!({"type": "text_delta", "text": text})));
        }
        if let Some(calls) = delta.get("tool_calls").and_then(Value::as_array) {
            for call in calls {
                let Some(function) = call.get("function").filter(|f| f.is_object()) else {
                    continue;
                };
                let name = function
                    .get("name")
                    .and_then(Value::as_str)
                    .filter(|n| !n.is_empty());
                if name.is_some() || self.kind != BlockKind::ToolUse || !self.open {
                    let id = call
                        .get("id")
                        .and_then(Value::as_str)
                        .filter(|id| !id.is_empty())
                        .map_or_else(uuid4, str::to_string);
                    self.new_block(
                        BlockKind::ToolUse,
                        json!({"type": "tool_use", "id": id, "name": name.unwrap_or(""), "input": {}}),
                        out,
                    );
                }
                if let Some(arguments) = function
                    .get("arguments")
                    .and_then(Value::as_str)
                    .filter(|a| !a.is_empty())
                {
                    out.push(
                        self.delta(json!({"type": "input_json_delta", "partial_json": arguments})),
                    );
                }
            }
        }
        if let Some(blocks) = delta.get("thinking_blocks").and_then(Value::as_array) {
            for block in blocks {
                if block.get("type").and_then(Value::as_str) != Some("thinking") {
                    continue;
                }
                let thinking = block.get("thinking").and_then(Value::as_str).unwrap_or("");
                let signature = block.get("signature").and_then(Value::as_str).unwrap_or("");
                if thinking.is_empty() && signature.is_empty() {
                    continue;
                }
                if self.kind != BlockKind::Thinking || !self.open {
                    self.new_block(
                        BlockKind::Thinking,
                        json!({"type": "thinking", "thinking": "", "signature": ""}),
                        out,
                    );
                }
                if !thinking.is_empty() {
                    out.push(self.delta(json!({"type": "thinking_delta", "thinking": thinking})));
                }
                if !signature.is_empty() {
                    out.push(
                        self.delta(json!({"type": "signature_delta", "signature": signature})),
                    );
                }
            }
        }
    }

    /// What is owed when the upstream stream ends: the open block's stop, the `message_delta`
    /// (with whatever usage came), `message_stop`.
    pub fn on_end(&mut self) -> Vec<Value> {
        let mut out = Vec::new();
        if self.finished {
            return out;
        }
        self.start(&mut out);
        self.close_block(&mut out);
        if !self.delta_sent {
            let mut delta = self.held.take().unwrap_or_else(|| {
                json!({"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": null}})
            });
            delta["usage"] = self.usage_json();
            self.delta_sent = true;
            out.push(delta);
        }
        out.push(json!({"type": "message_stop"}));
        self.finished = true;
        out
    }
}

struct Translation {
    upstream: EventStream,
    translator: ChatToMessages,
    provider: String,
    buffer: BytesMut,
    done: bool,
}

/// An upstream `chat.completion.chunk` stream -> Anthropic's event stream (server-sent events
/// with `event:` names). Each upstream piece is translated as soon as its events are complete;
/// an upstream error ends the stream with that error.
pub fn chat_to_messages(upstream: EventStream, model: &str, provider: &str) -> EventStream {
    let state = Translation {
        upstream,
        translator: ChatToMessages::new(model),
        provider: provider.to_string(),
        buffer: BytesMut::new(),
        done: false,
    };
    Box::pin(futures_util::stream::unfold(
        state,
        |mut state| async move {
            if state.done {
                return None;
            }
            let ended = match state.upstream.next().await {
                Some(Ok(piece)) => {
                    state.buffer.extend_from_slice(&piece);
                    false
                }
                Some(Err(e)) => {
                    state.done = true;
                    return Some((Err(e), state));
                }
                None => {
                    if !state.buffer.is_empty() {
                        state.buffer.extend_from_slice(b"\n\n");
                    }
                    true
                }
            };
            let mut out = BytesMut::new();
            while let Some((end, next)) = event_end(&state.buffer) {
                let event = state.buffer.split_to(next);
                let Some(data) = event_data(&event[..end]) else {
                    continue;
                };
                if data.trim_ascii().is_empty() || data.trim_ascii() == b"[DONE]" {
                    continue;
                }
                let events = serde_json::from_slice::<Value>(&data)
                    .map_err(|e| {
                        ProxyError::bad_answer(
                            &state.provider,
                            &format!("a stream event that is not JSON ({e})"),
                        )
                    })
                    .and_then(|chunk| state.translator.on_chunk(&chunk, &state.provider));
                match events {
                    Ok(events) => out.extend_from_slice(&event_bytes(&events)),
                    Err(error) => {
                        state.done = true;
                        // What was translated before the error still goes out first; the error is
                        // the stream's next (and last) item.
                        if out.is_empty() {
                            return Some((Err(error), state));
                        }
                        let rest: EventStream = Box::pin(futures_util::stream::iter([Err(error)]));
                        state.upstream = rest;
                        state.done = false;
                        state.buffer.clear();
                        return Some((Ok(out.freeze()), state));
                    }
                }
            }
            if ended {
                state.done = true;
                out.extend_from_slice(&event_bytes(&state.translator.on_end()));
            }
            // A piece with nothing to say (a keep-alive) still goes out, empty: it shows the upstream
            // is alive.
            Some((Ok(out.freeze()), state))
        },
    ))
}

/// Token counts of an Anthropic event stream or answer, as Anthropic reports them.
#[derive(Debug, Default, Clone)]
pub struct MessagesUsage {
    usage: Map<String, Value>,
    seen: bool,
}

impl MessagesUsage {
    /// Reads one event's `data:` payload: `message_start` carries the input side,
    /// `message_delta` the output side (and, lately, the input side again).
    /// Returns the event's type when it is one the stream's outcome depends on (`error`).
    pub fn read_event(&mut self, data: &[u8]) -> Option<&'static str> {
        let Ok(event) = serde_json::from_slice::<Value>(data) else {
            return None;
        };
        let usage = match event.get("type").and_then(Value::as_str) {
            Some("message_start") => event.pointer("/message/usage"),
            Some("message_delta") => event.get("usage"),
            Some("error") => return Some("error"),
            _ => None,
        };
        if let Some(Value::Object(usage)) = usage {
            self.seen = true;
            for (key, value) in usage {
                if !value.is_null() {
                    self.usage.insert(key.clone(), value.clone());
                }
            }
        }
        None
    }

    /// The counts, or `None` when no event carried any.
    pub fn usage(&self) -> Option<crate::usage::Usage> {
        self.seen.then(|| usage_of_anthropic(&self.usage))
    }
}

/// Anthropic `usage` -> the proxy's [`Usage`](crate::usage::Usage) (prompt tokens include cache
/// reads and writes, as LiteLLM counts them).
pub fn usage_of_anthropic(usage: &Map<String, Value>) -> crate::usage::Usage {
    let openai = crate::providers::anthropic::usage_to_openai(usage);
    serde::Deserialize::deserialize(&openai).unwrap_or_default()
}

/// An Anthropic `error` event (the SDKs raise it as an API error).
pub fn error_event(error: &ProxyError) -> Bytes {
    Bytes::from(format!(
        "event: error\ndata: {}\n\n",
        super::error_body(error)
    ))
}

/// Anthropic Messages events (an Anthropic upstream's, or the translation of a chat stream):
/// complete events forwarded unchanged, their usage and any `error` event read on the way.
struct MessagesScreen {
    pending: BytesMut,
    usage: MessagesUsage,
    /// An `error` event the upstream sent (forwarded as it is; the call is a failure).
    upstream_error: Option<ProxyError>,
}

/// The client's body for a Messages stream: complete events are forwarded as they arrive; an
/// idle upstream or a failure after the first byte ends the stream with an `error` event.
pub fn passthrough(
    first: Bytes,
    upstream: EventStream,
    provider: &str,
    idle: Duration,
    on_end: impl FnOnce(StreamEnd) + Send + 'static,
) -> impl Stream<Item = Result<Bytes, Infallible>> + Send {
    let screen = MessagesScreen {
        pending: BytesMut::new(),
        usage: MessagesUsage::default(),
        upstream_error: None,
    };
    crate::sse::relay(first, upstream, provider, idle, screen, on_end)
}

impl Screen for MessagesScreen {
    fn take(&mut self, piece: Bytes) -> Bytes {
        self.pending.extend_from_slice(&piece);
        let mut end = 0;
        while let Some((text_end, next)) = event_end(&self.pending[end..]) {
            let event = &self.pending[end..end + text_end];
            if contains(event, b"\"usage\"") || contains(event, b"\"error\"") {
                if let Some(data) = event_data(event) {
                    if self.usage.read_event(&data) == Some("error")
                        && self.upstream_error.is_none()
                    {
                        self.upstream_error =
                            Some(crate::providers::anthropic::error_from(500, &data, None));
                    }
                }
            }
            end += next;
        }
        self.pending.split_to(end).freeze()
    }

    fn rest(&mut self) -> Bytes {
        self.pending.split().freeze()
    }

    fn usage(&self) -> Option<crate::usage::Usage> {
        self.usage.usage()
    }

    fn upstream_error(&mut self) -> Option<ProxyError> {
        self.upstream_error.take()
    }

    fn error_frame(&self, error: &ProxyError) -> Bytes {
        error_event(error)
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
