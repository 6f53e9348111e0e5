//! Responses API streams: a chat completions stream translated into Responses events (the bridge
//! for providers without a Responses API), and a native Responses stream passed through with its
//! response id replaced by the proxy's.
//!
//! The translation follows LiteLLM's `LiteLLMCompletionStreamingIterator` (BerriAI/litellm
//! `litellm/responses/litellm_completion_transformation/streaming_iterator.py`):
//! `response.created`, `response.in_progress`, then per item `response.output_item.added`,
//! (`response.content_part.added`, `response.output_text.delta`... | `response.reasoning_summary_part.added`,
//! `response.reasoning_summary_text.delta`... | `response.function_call_arguments.delta`...),
//! its `.done` events and `response.output_item.done`, and last `response.completed` with the
//! whole response and its usage (the bridge asks the upstream for usage). Every event has a
//! `sequence_number`, counted from 0.
//!
//! Where LiteLLM 1.80 breaks the SDKs, this does what OpenAI does instead:
//! - one response id in every event (LiteLLM's `response.completed` carries another id than
//!   `response.created`: "Lifecycle response identity changed" in the SDKs' stream helpers);
//! - `output_index` is the item's position in `output` in the order items were added (LiteLLM
//!   reserves index 0 for a message that a tool-call-only answer never adds, so the SDK's
//!   accumulator indexes past the end);
//! - an item is closed (`.done` events) before the next kind of item opens, and every item
//!   added is in `response.completed`'s `output`;
//! - a failure after the stream started is an `error` event (which the SDKs raise), not a
//!   chat-style `data: {"error": ...}` chunk.

use super::response::{annotations, ItemIds};
use super::types::{status_of, OutputItem, OutputText, ResponseObject, ResponseUsage, SummaryText};
use crate::error::ProxyError;
use crate::providers::EventStream;
use crate::sse::{event_data, Screen, StreamEnd};
use crate::usage::Usage;
use bytes::{Bytes, BytesMut};
use futures_util::{Stream, StreamExt};
use serde::Deserialize;
use serde_json::{json, Value};
use std::convert::Infallible;
use std::time::Duration;

/// How many tool calls one stream may open (a hostile upstream cannot grow the state without
/// bound by inventing call indexes).
const MAX_ITEMS: usize = 1024;
/// The most a partial upstream event may hold while its end is awaited.
const MAX_EVENT: usize = 8 * 1024 * 1024;

/// One Responses SSE event: `event: TYPE` and its data, with the next sequence number.
fn write_event(out: &mut Vec<u8>, sequence: &mut u64, kind: &str, mut body: Value) {
    if let Some(object) = body.as_object_mut() {
        object.insert("type".into(), Value::String(kind.to_string()));
        object.insert("sequence_number".into(), json!(*sequence));
    }
    *sequence += 1;
    out.extend_from_slice(b"event: ");
    out.extend_from_slice(kind.as_bytes());
    out.extend_from_slice(b"\ndata: ");
    // Serializing a Value into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, &body);
    out.extend_from_slice(b"\n\n");
}

/// The `error` event a failure after the first byte becomes: the SDKs raise it.
fn error_event(out: &mut Vec<u8>, sequence: &mut u64, error: &ProxyError) {
    let body = error.body();
    let inner = body.get("error").cloned().unwrap_or(Value::Null);
    write_event(
        out,
        sequence,
        "error",
        json!({
            "code": inner.get("code").cloned().unwrap_or(Value::Null),
            "message": inner.get("message").cloned().unwrap_or(Value::Null),
            "param": inner.get("param").cloned().unwrap_or(Value::Null),
            "error": inner,
        }),
    );
}

enum Item {
    Message {
        id: String,
        text: String,
        annotations: Vec<Value>,
        open: bool,
    },
    Reasoning {
        id: String,
        text: String,
        open: bool,
    },
    Call {
        id: String,
        call_id: String,
        name: String,
        arguments: String,
        /// The chat stream's `index` of this tool call.
        index: u64,
        open: bool,
    },
}

impl Item {
    fn is_open(&self) -> bool {
        match self {
            Item::Message { open, .. } | Item::Reasoning { open, .. } | Item::Call { open, .. } => {
                *open
            }
        }
    }
}

/// The two items a chat delta's text goes to.
#[derive(Clone, Copy)]
enum TextKind {
    Message,
    Reasoning,
}

/// Turns chat completion chunks into Responses events, one chunk at a time.
pub struct Translator {
    response: ResponseObject,
    ids: ItemIds,
    sequence: u64,
    items: Vec<Item>,
    finish_reason: Option<String>,
    usage: Option<Usage>,
    finished: bool,
}

#[derive(Deserialize)]
struct Chunk {
    #[serde(default)]
    choices: Vec<ChunkChoice>,
    usage: Option<Usage>,
}

#[derive(Deserialize)]
struct ChunkChoice {
    #[serde(default)]
    delta: Delta,
    finish_reason: Option<String>,
}

#[derive(Deserialize, Default)]
struct Delta {
    content: Option<String>,
    reasoning_content: Option<String>,
    tool_calls: Option<Vec<ToolCallDelta>>,
    annotations: Option<Vec<Value>>,
}

#[derive(Deserialize)]
struct ToolCallDelta {
    index: Option<u64>,
    id: Option<String>,
    function: Option<FunctionDelta>,
}

#[derive(Deserialize)]
struct FunctionDelta {
    name: Option<String>,
    arguments: Option<String>,
}

impl Translator {
    /// A translator for the response `response` (made with [`ResponseObject::for_request`]).
    pub fn new(response: ResponseObject, ids: ItemIds) -> Self {
        Translator {
            response,
            ids,
            sequence: 0,
            items: Vec::new(),
            finish_reason: None,
            usage: None,
            finished: false,
        }
    }

    /// The usage the upstream reported so far.
    pub fn usage(&self) -> Option<Usage> {
        self.usage
    }

    /// `response.created` and `response.in_progress`.
    pub fn start(&mut self, out: &mut Vec<u8>) {
        let snapshot = serde_json::to_value(&self.response).unwrap_or(Value::Null);
        write_event(
            out,
            &mut self.sequence,
            "response.created",
            json!({"response": snapshot}),
        );
        write_event(
            out,
            &mut self.sequence,
            "response.in_progress",
            json!({"response": snapshot}),
        );
    }

    /// The events for one chat chunk (the JSON of a `data:` line). A chunk that is not one is
    /// skipped, as LiteLLM's stream wrapper skips what it cannot parse.
    pub fn chunk(&mut self, data: &[u8], out: &mut Vec<u8>) {
        let Ok(chunk) = serde_json::from_slice::<Chunk>(data) else {
            return;
        };
        if let Some(usage) = chunk.usage {
            self.usage = Some(usage);
        }
        // Only the first choice, as LiteLLM's bridge reads it.
        let Some(choice) = chunk.choices.into_iter().next() else {
            return;
        };
        if let Some(reason) = choice.finish_reason {
            self.finish_reason = Some(reason);
        }
        let delta = choice.delta;
        if let Some(text) = delta.reasoning_content.filter(|t| !t.is_empty()) {
            self.text_delta(TextKind::Reasoning, &text, out);
        }
        if let Some(text) = delta.content.filter(|t| !t.is_empty()) {
            self.text_delta(TextKind::Message, &text, out);
        }
        if let Some(found) = delta.annotations.filter(|a| !a.is_empty()) {
            let found = annotations(&found);
            if let Some(Item::Message { annotations, .. }) = self
                .items
                .iter_mut()
                .rev()
                .find(|i| matches!(i, Item::Message { open: true, .. }))
            {
                annotations.extend(found);
            }
        }
        for call in delta.tool_calls.into_iter().flatten() {
            self.tool_delta(call, out);
        }
    }

    /// Closes every open item of another kind than `keep`.
    fn close_others(&mut self, keep: fn(&Item) -> bool, out: &mut Vec<u8>) {
        for index in 0..self.items.len() {
            if self.items[index].is_open() && !keep(&self.items[index]) {
                self.close(index, out);
            }
        }
    }

    fn add_item(&mut self, item: Item, out: &mut Vec<u8>) -> usize {
        let index = self.items.len();
        let added = match &item {
            Item::Message { id, .. } => json!({
                "id": id, "type": "message", "status": "in_progress", "role": "assistant", "content": [],
            }),
            Item::Reasoning { id, .. } => json!({"id": id, "type": "reasoning", "summary": []}),
            Item::Call {
                id, call_id, name, ..
            } => json!({
                "id": id, "type": "function_call", "status": "in_progress", "call_id": call_id,
                "name": name, "arguments": "",
            }),
        };
        write_event(
            out,
            &mut self.sequence,
            "response.output_item.added",
            json!({"output_index": index, "item": added}),
        );
        match &item {
            Item::Message { id, .. } => write_event(
                out,
                &mut self.sequence,
                "response.content_part.added",
                json!({"item_id": id, "output_index": index, "content_index": 0,
                       "part": {"type": "output_text", "text": "", "annotations": [], "logprobs": []}}),
            ),
            Item::Reasoning { id, .. } => write_event(
                out,
                &mut self.sequence,
                "response.reasoning_summary_part.added",
                json!({"item_id": id, "output_index": index, "summary_index": 0,
                       "part": {"type": "summary_text", "text": ""}}),
            ),
            Item::Call { .. } => {}
        }
        self.items.push(item);
        index
    }

    /// Appends a text delta to the open item of `kind`, adding one first if none is open.
    fn text_delta(&mut self, kind: TextKind, text: &str, out: &mut Vec<u8>) {
        let is_kind: fn(&Item) -> bool = match kind {
            TextKind::Message => |i| matches!(i, Item::Message { .. }),
            TextKind::Reasoning => |i| matches!(i, Item::Reasoning { .. }),
        };
        self.close_others(is_kind, out);
        let index = match self.items.iter().position(|i| is_kind(i) && i.is_open()) {
            Some(index) => index,
            None => {
                let item = match kind {
                    TextKind::Message => Item::Message {
                        id: self.ids.next("msg"),
                        text: String::new(),
                        annotations: Vec::new(),
                        open: true,
                    },
                    TextKind::Reasoning => Item::Reasoning {
                        id: self.ids.next("rs"),
                        text: String::new(),
                        open: true,
                    },
                };
                self.add_item(item, out)
            }
        };
        let (id, all) = match self.items.get_mut(index) {
            Some(Item::Message { id, text, .. } | Item::Reasoning { id, text, .. }) => {
                (id.clone(), text)
            }
            Some(Item::Call { .. }) | None => return,
        };
        all.push_str(text);
        let (event, payload) = match kind {
            TextKind::Message => (
                "response.output_text.delta",
                json!({"item_id": id, "output_index": index, "content_index": 0, "delta": text, "logprobs": []}),
            ),
            TextKind::Reasoning => (
                "response.reasoning_summary_text.delta",
                json!({"item_id": id, "output_index": index, "summary_index": 0, "delta": text}),
            ),
        };
        write_event(out, &mut self.sequence, event, payload);
    }

    fn tool_delta(&mut self, call: ToolCallDelta, out: &mut Vec<u8>) {
        self.close_others(|i| matches!(i, Item::Call { .. }), out);
        // A delta names its call by `index`; a new `id` at a known index starts another call.
        let chat_index = call.index.unwrap_or(0);
        let existing = self.items.iter().rposition(|i| {
            matches!(i, Item::Call { index, open: true, call_id, .. }
                if *index == chat_index
                    && call.id.as_ref().is_none_or(|new| new.is_empty() || new == call_id))
        });
        let (name, arguments) = match call.function {
            Some(f) => (f.name, f.arguments),
            None => (None, None),
        };
        let index = match existing {
            Some(index) => index,
            None => {
                if self.items.len() >= MAX_ITEMS {
                    return;
                }
                let id = self.ids.next("fc");
                let call_id = call
                    .id
                    .filter(|i| !i.is_empty())
                    .unwrap_or_else(|| id.replace("fc_", "call_"));
                let item = Item::Call {
                    id,
                    call_id,
                    name: name.clone().unwrap_or_default(),
                    arguments: String::new(),
                    index: chat_index,
                    open: true,
                };
                self.add_item(item, out)
            }
        };
        let Some(Item::Call {
            id,
            name: known,
            arguments: all,
            ..
        }) = self.items.get_mut(index)
        else {
            return;
        };
        if known.is_empty() {
            if let Some(name) = name {
                *known = name;
            }
        }
        if let Some(delta) = arguments.filter(|a| !a.is_empty()) {
            all.push_str(&delta);
            let id = id.clone();
            write_event(
                out,
                &mut self.sequence,
                "response.function_call_arguments.delta",
                json!({"item_id": id, "output_index": index, "delta": delta}),
            );
        }
    }

    /// The `.done` events of item `index`.
    fn close(&mut self, index: usize, out: &mut Vec<u8>) {
        let Some(item) = self.items.get_mut(index) else {
            return;
        };
        let done = match item {
            Item::Message {
                id,
                text,
                annotations,
                open,
            } => {
                *open = false;
                let part = json!({"type": "output_text", "text": text, "annotations": annotations, "logprobs": []});
                let id = id.clone();
                let text = text.clone();
                write_event(
                    out,
                    &mut self.sequence,
                    "response.output_text.done",
                    json!({"item_id": id, "output_index": index, "content_index": 0, "text": text, "logprobs": []}),
                );
                write_event(
                    out,
                    &mut self.sequence,
                    "response.content_part.done",
                    json!({"item_id": id, "output_index": index, "content_index": 0, "part": part}),
                );
                serde_json::to_value(self.output_item(index)).unwrap_or(Value::Null)
            }
            Item::Reasoning { id, text, open } => {
                *open = false;
                let id = id.clone();
                let text = text.clone();
                write_event(
                    out,
                    &mut self.sequence,
                    "response.reasoning_summary_text.done",
                    json!({"item_id": id, "output_index": index, "summary_index": 0, "text": text}),
                );
                write_event(
                    out,
                    &mut self.sequence,
                    "response.reasoning_summary_part.done",
                    json!({"item_id": id, "output_index": index, "summary_index": 0,
                           "part": {"type": "summary_text", "text": text}}),
                );
                serde_json::to_value(self.output_item(index)).unwrap_or(Value::Null)
            }
            Item::Call {
                id,
                arguments,
                open,
                ..
            } => {
                *open = false;
                let id = id.clone();
                let arguments = arguments.clone();
                write_event(
                    out,
                    &mut self.sequence,
                    "response.function_call_arguments.done",
                    json!({"item_id": id, "output_index": index, "arguments": arguments}),
                );
                serde_json::to_value(self.output_item(index)).unwrap_or(Value::Null)
            }
        };
        write_event(
            out,
            &mut self.sequence,
            "response.output_item.done",
            json!({"output_index": index, "item": done}),
        );
    }

    fn output_item(&self, index: usize) -> Option<OutputItem> {
        Some(match self.items.get(index)? {
            Item::Message {
                id,
                text,
                annotations,
                ..
            } => OutputItem::Message {
                id: id.clone(),
                status: "completed",
                role: "assistant",
                content: vec![OutputText::new(text.clone(), annotations.clone())],
            },
            Item::Reasoning { id, text, .. } => OutputItem::Reasoning {
                id: id.clone(),
                summary: vec![SummaryText::new(text.clone())],
            },
            Item::Call {
                id,
                call_id,
                name,
                arguments,
                ..
            } => OutputItem::FunctionCall {
                id: id.clone(),
                call_id: call_id.clone(),
                name: name.clone(),
                arguments: arguments.clone(),
                status: "completed",
            },
        })
    }

    /// Closes what is open and sends `response.completed` (once).
    pub fn finish(&mut self, out: &mut Vec<u8>) {
        if self.finished {
            return;
        }
        self.finished = true;
        self.close_others(|_| false, out);
        let (status, incomplete) = status_of(self.finish_reason.as_deref());
        let mut response = self.response.clone();
        response.status = status;
        response.incomplete_details = incomplete;
        response.output = (0..self.items.len())
            .filter_map(|i| self.output_item(i))
            .collect();
        response.usage = Some(ResponseUsage::from(self.usage.unwrap_or_default()));
        let snapshot = serde_json::to_value(&response).unwrap_or(Value::Null);
        write_event(
            out,
            &mut self.sequence,
            "response.completed",
            json!({"response": snapshot}),
        );
    }
}

/// Passes a native Responses stream through, with every `response.id` replaced by the proxy's
/// id for it (the upstream's id, encoded with the deployment), and reads the usage of the
/// final `response.completed` / `response.incomplete` / `response.failed`.
pub struct Rewriter {
    provider: String,
    model_id: String,
    usage: Option<Usage>,
    /// The id every event carries: made from the first upstream id seen.
    id: Option<String>,
}

impl Rewriter {
    pub fn new(provider: &str, model_id: &str) -> Self {
        Rewriter {
            provider: provider.to_string(),
            model_id: model_id.to_string(),
            usage: None,
            id: None,
        }
    }

    pub fn usage(&self) -> Option<Usage> {
        self.usage
    }

    /// One upstream event (whole, with its blank line): as it is, or rewritten when it carries
    /// a `response` object.
    pub fn event(&mut self, event: &[u8], data: &[u8], out: &mut Vec<u8>) {
        let carries_response = data.windows(11).any(|w| w == b"\"response\":");
        if !carries_response {
            out.extend_from_slice(event);
            return;
        }
        let Ok(mut value) = serde_json::from_slice::<Value>(data) else {
            out.extend_from_slice(event);
            return;
        };
        let Some(response) = value.get_mut("response").and_then(Value::as_object_mut) else {
            out.extend_from_slice(event);
            return;
        };
        if let Some(upstream) = response.get("id").and_then(Value::as_str) {
            let id = self
                .id
                .get_or_insert_with(|| super::ids::encode(&self.provider, &self.model_id, upstream))
                .clone();
            response.insert("id".into(), Value::String(id));
        }
        if let Some(usage) = response.get("usage").filter(|u| u.is_object()) {
            self.usage = Some(super::types::usage_of(usage));
        }
        let kind = value.get("type").and_then(Value::as_str).unwrap_or("");
        if !kind.is_empty() {
            out.extend_from_slice(b"event: ");
            out.extend_from_slice(kind.as_bytes());
            out.push(b'\n');
        }
        out.extend_from_slice(b"data: ");
        let _ = serde_json::to_writer(&mut *out, &value);
        out.extend_from_slice(b"\n\n");
    }
}

/// Splits a stream of pieces into whole SSE events and hands each to `each`, which writes the
/// client's bytes (or fails the stream); `end` writes what follows the last event.
fn per_event<S>(upstream: EventStream, converter: S) -> EventStream
where
    S: Convert + Send + 'static,
{
    struct Split<S> {
        upstream: EventStream,
        converter: S,
        pending: BytesMut,
        done: bool,
    }
    let state = Split {
        upstream,
        converter,
        pending: BytesMut::new(),
        done: false,
    };
    Box::pin(futures_util::stream::unfold(
        state,
        |mut state| async move {
            loop {
                if state.done {
                    return None;
                }
                let mut out = Vec::new();
                match state.upstream.next().await {
                    Some(Ok(bytes)) => {
                        state.pending.extend_from_slice(&bytes);
                        while let Some((_, next)) = crate::sse::event_end(&state.pending) {
                            let event = state.pending.split_to(next);
                            if let Err(error) = state.converter.event(&event, &mut out) {
                                state.done = true;
                                return Some((Err(error), state));
                            }
                        }
                        if state.pending.len() > MAX_EVENT {
                            state.done = true;
                            let error = ProxyError::bad_answer(
                                state.converter.provider(),
                                "a stream event larger than the cap",
                            );
                            return Some((Err(error), state));
                        }
                        if !out.is_empty() {
                            return Some((Ok(Bytes::from(out)), state));
                        }
                    }
                    Some(Err(error)) => {
                        state.done = true;
                        return Some((Err(error), state));
                    }
                    None => {
                        state.done = true;
                        let rest = state.pending.split();
                        if !rest.is_empty() {
                            if let Err(error) = state.converter.event(&rest, &mut out) {
                                return Some((Err(error), state));
                            }
                        }
                        state.converter.end(&mut out);
                        if out.is_empty() {
                            return None;
                        }
                        return Some((Ok(Bytes::from(out)), state));
                    }
                }
            }
        },
    ))
}

/// What [`per_event`] does with each upstream event.
trait Convert {
    fn provider(&self) -> &str;
    fn event(&mut self, event: &[u8], out: &mut Vec<u8>) -> Result<(), ProxyError>;
    fn end(&mut self, out: &mut Vec<u8>);
}

struct Bridge {
    translator: Translator,
    provider: String,
    started: bool,
}

impl Convert for Bridge {
    fn provider(&self) -> &str {
        &self.provider
    }

    fn event(&mut self, event: &[u8], out: &mut Vec<u8>) -> Result<(), ProxyError> {
        let Some(data) = event_data(event).filter(|d| d.as_ref() != b"[DONE]") else {
            return Ok(());
        };
        if let Some(error) = stream_error(&data, &self.provider) {
            return Err(error);
        }
        // `response.created` goes out with the first upstream chunk, so a call that fails before
        // it can still be retried or fall back.
        if !self.started {
            self.started = true;
            self.translator.start(out);
        }
        self.translator.chunk(&data, out);
        Ok(())
    }

    fn end(&mut self, out: &mut Vec<u8>) {
        if !self.started {
            self.started = true;
            self.translator.start(out);
        }
        self.translator.finish(out);
    }
}

impl Convert for Rewriter {
    fn provider(&self) -> &str {
        &self.provider
    }

    fn event(&mut self, event: &[u8], out: &mut Vec<u8>) -> Result<(), ProxyError> {
        match event_data(event) {
            Some(data) => self.event(event, &data, out),
            None => out.extend_from_slice(event),
        }
        Ok(())
    }

    fn end(&mut self, _out: &mut Vec<u8>) {}
}

/// A chat completions stream (OpenAI `chat.completion.chunk` events, as every provider of this
/// proxy answers chat) as a Responses stream; a failure in it stays a failure of the stream.
pub fn bridge(upstream: EventStream, translator: Translator, provider: &str) -> EventStream {
    per_event(
        upstream,
        Bridge {
            translator,
            provider: provider.to_string(),
            started: false,
        },
    )
}

/// A native Responses stream with the proxy's response id in every event.
pub fn native(upstream: EventStream, provider: &str, model_id: &str) -> EventStream {
    per_event(upstream, Rewriter::new(provider, model_id))
}

/// The failure a chat stream reports in a `data: {"error": {...}}` chunk.
fn stream_error(data: &[u8], provider: &str) -> Option<ProxyError> {
    if !data.starts_with(b"{\"error\"") {
        return None;
    }
    let value: Value = serde_json::from_slice(data).ok()?;
    let status = value
        .get("error")?
        .get("code")
        .and_then(|c| {
            c.as_u64()
                .or_else(|| c.as_str().and_then(|s| s.parse().ok()))
        })
        .filter(|c| (400..600).contains(c))
        .unwrap_or(500) as u16;
    Some(ProxyError::from_upstream(status, data, None, provider))
}

/// Responses events (from [`bridge`] or [`native`]), passed as they come; the usage read from the
/// response object of the last event that has one.
struct ResponsesScreen {
    pending: BytesMut,
    usage: Option<Usage>,
    /// Events passed so far: the sequence number of an `error` event.
    sequence: u64,
}

/// The client's body for a Responses stream whose first piece dispatch already read. `on_end`
/// runs once: at the end, on a failure (sent as an `error` event), or when the client drops the
/// body (then the upstream call is dropped with it).
pub fn respond(
    first: Bytes,
    upstream: EventStream,
    provider: &str,
    idle: Duration,
    on_end: impl FnOnce(StreamEnd) + Send + 'static,
) -> impl Stream<Item = Result<Bytes, Infallible>> + Send {
    let screen = ResponsesScreen {
        pending: BytesMut::new(),
        usage: None,
        sequence: 0,
    };
    crate::sse::relay(first, upstream, provider, idle, screen, on_end)
}

impl Screen for ResponsesScreen {
    fn take(&mut self, piece: Bytes) -> Bytes {
        self.pending.extend_from_slice(&piece);
        while let Some((_, next)) = crate::sse::event_end(&self.pending) {
            let event = self.pending.split_to(next);
            self.sequence += 1;
            let Some(data) = event_data(&event) else {
                continue;
            };
            if !(contains(&data, b"\"response\":") && contains(&data, b"\"usage\":{")) {
                continue;
            }
            let usage = serde_json::from_slice::<Value>(&data).ok().and_then(|v| {
                v.pointer("/response/usage")
                    .filter(|u| u.is_object())
                    .map(super::types::usage_of)
            });
            if usage.is_some() {
                self.usage = usage;
            }
        }
        // Keeps no more than one event's worth; the usage of a bigger one is not read.
        if self.pending.len() > MAX_EVENT {
            self.pending.clear();
        }
        piece
    }

    fn usage(&self) -> Option<Usage> {
        self.usage
    }

    fn error_frame(&self, error: &ProxyError) -> Bytes {
        let mut out = Vec::new();
        let mut sequence = self.sequence;
        error_event(&mut out, &mut sequence, error);
        Bytes::from(out)
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Map;

    fn translator(request: Value) -> Translator {
        let request: Map<String, Value> = match request {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        let response = ResponseObject::for_request("resp_one", 5, "group", &request);
        Translator::new(response, ItemIds::new("t".into()))
    }

    /// (type, data) of every event in `bytes`.
    fn events(bytes: &[u8]) -> Vec<(String, Value)> {
        String::from_utf8_lossy(bytes)
            .split("\n\n")
            .filter(|e| !e.trim().is_empty())
            .map(|e| {
                let kind = e
                    .lines()
                    .find_map(|l| l.strip_prefix("event: "))
                    .unwrap_or("")
                    .to_string();
                let data = e
                    .lines()
                    .find_map(|l| l.strip_prefix("data: "))
                    .and_then(|d| serde_json::from_str(d).ok())
                    .unwrap_or(Value::Null);
                (kind, data)
            })
            .collect()
    }

    fn run(t: &mut Translator, chunks: &[Value]) -> Vec<(String, Value)> {
        let mut out = Vec::new();
        t.start(&mut out);
        for chunk in chunks {
            t.chunk(chunk.to_string().as_bytes(), &mut out);
        }
        t.finish(&mut out);
        events(&out)
    }

    fn delta(delta: Value, finish: Value) -> Value {
        json!({"id": "c", "object": "chat.completion.chunk", "model": "m",
               "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})
    }

    #[test]
    fn a_text_stream_has_openais_event_order_and_one_response_id() {
        let mut t =
            translator(json!({"model": "group", "input": "hi", "instructions": "Be brief."}));
        let out = run(
            &mut t,
            &[
                delta(json!({"role": "assistant", "content": ""}), Value::Null),
                delta(json!({"content": "Hel"}), Value::Null),
                delta(json!({"content": "lo"}), Value::Null),
                delta(json!({}), json!("stop")),
                json!({"choices": [], "usage": {"prompt_tokens": 4, "completion_tokens": 2}}),
            ],
        );
        let kinds: Vec<&str> = out.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            kinds,
            [
                "response.created",
                "response.in_progress",
                "response.output_item.added",
                "response.content_part.added",
                "response.output_text.delta",
                "response.output_text.delta",
                "response.output_text.done",
                "response.content_part.done",
                "response.output_item.done",
                "response.completed",
            ]
        );
        for (index, (kind, data)) in out.iter().enumerate() {
            assert_eq!(data["type"], kind.as_str());
            assert_eq!(data["sequence_number"], index);
            if let Some(response) = data.get("response") {
                assert_eq!(response["id"], "resp_one", "{kind}");
            }
        }
        assert_eq!(out[0].1["response"]["status"], "in_progress");
        assert_eq!(out[0].1["response"]["instructions"], "Be brief.");
        assert_eq!(out[6].1["text"], "Hello");
        let completed = &out[9].1["response"];
        assert_eq!(completed["status"], "completed");
        assert_eq!(completed["output"][0]["id"], out[2].1["item"]["id"]);
        assert_eq!(completed["output"][0]["content"][0]["text"], "Hello");
        assert_eq!(completed["usage"]["input_tokens"], 4);
        assert_eq!(completed["usage"]["output_tokens"], 2);
        assert_eq!(completed["usage"]["total_tokens"], 6);
        assert_eq!(t.usage().map(|u| u.prompt_tokens), Some(4));
    }

    #[test]
    fn tool_calls_and_reasoning_get_their_own_items_in_order() {
        let mut t = translator(json!({"model": "group", "input": "weather?"}));
        let out = run(
            &mut t,
            &[
                delta(json!({"reasoning_content": "think"}), Value::Null),
                delta(
                    json!({"tool_calls": [{"index": 0, "id": "call_a", "type": "function", "function": {"name": "get_weather", "arguments": ""}}]}),
                    Value::Null,
                ),
                delta(
                    json!({"tool_calls": [{"index": 0, "function": {"arguments": "{\"city\":"}}]}),
                    Value::Null,
                ),
                delta(
                    json!({"tool_calls": [{"index": 0, "function": {"arguments": "\"Paris\"}"}}]}),
                    Value::Null,
                ),
                delta(
                    json!({"tool_calls": [{"index": 1, "id": "call_b", "function": {"name": "get_time", "arguments": "{}"}}]}),
                    Value::Null,
                ),
                delta(json!({}), json!("tool_calls")),
            ],
        );
        let kinds: Vec<&str> = out.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            kinds,
            [
                "response.created",
                "response.in_progress",
                "response.output_item.added",
                "response.reasoning_summary_part.added",
                "response.reasoning_summary_text.delta",
                "response.reasoning_summary_text.done",
                "response.reasoning_summary_part.done",
                "response.output_item.done",
                "response.output_item.added",
                "response.function_call_arguments.delta",
                "response.function_call_arguments.delta",
                "response.output_item.added",
                "response.function_call_arguments.delta",
                "response.function_call_arguments.done",
                "response.output_item.done",
                "response.function_call_arguments.done",
                "response.output_item.done",
                "response.completed",
            ]
        );
        // Output indexes are positions in `output`, in the order items were added.
        assert_eq!(out[2].1["output_index"], 0);
        assert_eq!(out[8].1["output_index"], 1);
        assert_eq!(out[8].1["item"]["call_id"], "call_a");
        assert_eq!(out[11].1["output_index"], 2);
        assert_eq!(out[13].1["arguments"], "{\"city\":\"Paris\"}");
        let output = &out[17].1["response"]["output"];
        assert_eq!(output.as_array().map(Vec::len), Some(3));
        assert_eq!(output[0]["type"], "reasoning");
        assert_eq!(output[0]["summary"][0]["text"], "think");
        assert_eq!(output[1]["name"], "get_weather");
        assert_eq!(output[2]["call_id"], "call_b");
        assert_eq!(output[2]["arguments"], "{}");
    }

    #[test]
    fn a_truncated_stream_is_incomplete() {
        let mut t = translator(json!({"model": "g"}));
        let out = run(&mut t, &[delta(json!({"content": "cut"}), json!("length"))]);
        let completed = &out.last().map(|(_, d)| d.clone()).unwrap_or_default()["response"];
        assert_eq!(completed["status"], "incomplete");
        assert_eq!(
            completed["incomplete_details"]["reason"],
            "max_output_tokens"
        );
    }

    #[test]
    fn native_events_get_the_proxys_id_and_give_their_usage() {
        let mut r = Rewriter::new("openai", "dep-1");
        let mut out = Vec::new();
        for data in [
            json!({"type": "response.created", "sequence_number": 0, "response": {"id": "resp_up", "status": "in_progress"}}),
            json!({"type": "response.output_text.delta", "sequence_number": 1, "item_id": "msg_1", "delta": "Hi"}),
            json!({"type": "response.completed", "sequence_number": 2, "response": {"id": "resp_up", "status": "completed",
                   "usage": {"input_tokens": 7, "output_tokens": 3, "output_tokens_details": {"reasoning_tokens": 1}}}}),
        ] {
            let kind = data["type"].as_str().unwrap_or("").to_string();
            let event = format!("event: {kind}\ndata: {data}\n\n");
            r.event(event.as_bytes(), data.to_string().as_bytes(), &mut out);
        }
        let seen = events(&out);
        let id = super::super::ids::encode("openai", "dep-1", "resp_up");
        assert_eq!(seen[0].1["response"]["id"], id.as_str());
        assert_eq!(seen[1].1["delta"], "Hi");
        assert_eq!(seen[2].1["response"]["id"], id.as_str());
        let usage = r.usage().unwrap_or_default();
        assert_eq!(
            (
                usage.prompt_tokens,
                usage.completion_tokens,
                usage.reasoning_tokens
            ),
            (7, 3, 1)
        );
    }

    #[tokio::test]
    async fn a_failure_midway_is_an_error_event_and_ends_the_stream() {
        use std::sync::{Arc, Mutex};
        let chunk = Bytes::from(format!(
            "data: {}\n\n",
            delta(json!({"content": "partial"}), Value::Null)
        ));
        let chat: EventStream = Box::pin(futures_util::stream::iter(vec![
            Ok(chunk),
            Err(ProxyError::connection("anthropic", "reset")),
        ]));
        let mut translated = bridge(chat, translator(json!({"model": "g"})), "anthropic");
        let first = match translated.next().await {
            Some(Ok(first)) => first,
            _ => panic!("a first piece"),
        };
        assert!(String::from_utf8_lossy(&first).starts_with("event: response.created\n"));
        let ended = Arc::new(Mutex::new(None));
        let sink = ended.clone();
        let body = respond(
            first,
            translated,
            "anthropic",
            Duration::from_secs(5),
            move |end| {
                if let Ok(mut slot) = sink.lock() {
                    *slot = Some(end);
                }
            },
        );
        let pieces: Vec<_> = body.collect().await;
        let bytes: Vec<u8> = pieces
            .into_iter()
            .flat_map(|p| p.map(|b| b.to_vec()).unwrap_or_default())
            .collect();
        let seen = events(&bytes);
        let last = seen
            .last()
            .map(|(k, d)| (k.clone(), d.clone()))
            .unwrap_or_default();
        assert_eq!(last.0, "error");
        assert_eq!(last.1["sequence_number"], seen.len() - 1);
        assert!(last.1["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("reset")));
        assert!(!seen.iter().any(|(k, _)| k == "response.completed"));
        let end = ended
            .lock()
            .ok()
            .and_then(|mut e| e.take())
            .unwrap_or_default();
        assert!(end.error.is_some());
        assert!(!end.cancelled);
    }

    #[tokio::test]
    async fn a_bridged_stream_reports_its_usage_at_the_end() {
        use std::sync::{Arc, Mutex};
        let pieces = vec![
            Ok(Bytes::from(format!(
                "data: {}\n\n",
                delta(json!({"content": "Hi"}), Value::Null)
            ))),
            Ok(Bytes::from(format!(
                "data: {}\n\ndata: {}\n\ndata: [DONE]\n\n",
                delta(json!({}), json!("stop")),
                json!({"choices": [], "usage": {"prompt_tokens": 9, "completion_tokens": 1}})
            ))),
        ];
        let mut translated = bridge(
            Box::pin(futures_util::stream::iter(pieces)),
            translator(json!({"model": "g"})),
            "gemini",
        );
        let Some(Ok(first)) = translated.next().await else {
            panic!("a first piece")
        };
        let ended = Arc::new(Mutex::new(None));
        let sink = ended.clone();
        let body = respond(
            first,
            translated,
            "gemini",
            Duration::from_secs(5),
            move |end| {
                if let Ok(mut slot) = sink.lock() {
                    *slot = Some(end);
                }
            },
        );
        let bytes: Vec<u8> = body
            .collect::<Vec<_>>()
            .await
            .into_iter()
            .flat_map(|p| p.map(|b| b.to_vec()).unwrap_or_default())
            .collect();
        let seen = events(&bytes);
        assert_eq!(
            seen.last().map(|(k, _)| k.as_str()),
            Some("response.completed")
        );
        assert!(seen
            .iter()
            .all(|(_, d)| d.get("response").is_none_or(|r| r["id"] == "resp_one")));
        let end = ended
            .lock()
            .ok()
            .and_then(|mut e| e.take())
            .unwrap_or_default();
        assert_eq!(
            end.usage.map(|u| (u.prompt_tokens, u.completion_tokens)),
            Some((9, 1))
        );
        assert!(end.error.is_none() && !end.cancelled);
    }
}
