//! Anthropic stream events -> OpenAI `chat.completion.chunk` SSE events, one event at a time.

use super::*;

/// Turns Anthropic stream events into OpenAI `chat.completion.chunk` SSE events.
#[derive(Debug)]
pub struct StreamTranslator {
    created: u64,
    json_mode: bool,
    id: Value,
    model: Value,
    /// OpenAI tool-call index of the current `tool_use` block (-1 before the first).
    tool_index: i64,
    /// The current block is a tool call, and whether any argument text arrived for it.
    in_tool: bool,
    tool_args_seen: bool,
    /// The current tool block is JSON mode's answer, streamed as content.
    in_json_tool: bool,
    usage: Map<String, Value>,
    usage_sent: bool,
    finished: bool,
}

impl StreamTranslator {
    pub fn new(created: u64, json_mode: bool) -> Self {
        StreamTranslator {
            created,
            json_mode,
            id: Value::Null,
            model: Value::Null,
            tool_index: -1,
            in_tool: false,
            tool_args_seen: false,
            in_json_tool: false,
            usage: Map::new(),
            usage_sent: false,
            finished: false,
        }
    }

    fn chunk(&self, delta: Value, finish_reason: Option<&str>) -> Value {
        json!({
            "id": self.id,
            "object": "chat.completion.chunk",
            "created": self.created,
            "model": self.model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
        })
    }

    /// The usage-only chunk (no choices), sent once at the end.
    fn usage_chunk(&mut self) -> Value {
        self.usage_sent = true;
        json!({
            "id": self.id,
            "object": "chat.completion.chunk",
            "created": self.created,
            "model": self.model,
            "choices": [],
            "usage": usage_to_openai(&self.usage),
        })
    }

    fn merge_usage(&mut self, usage: Option<&Value>) {
        if let Some(usage) = usage.and_then(Value::as_object) {
            for (key, value) in usage {
                if !value.is_null() {
                    self.usage.insert(key.clone(), value.clone());
                }
            }
        }
    }

    /// The OpenAI chunks for one Anthropic event (`[DONE]` is written by the caller).
    pub fn on_event(&mut self, event: &Value) -> Result<Vec<Value>, ProxyError> {
        let mut out = Vec::new();
        match event.get("type").and_then(Value::as_str).unwrap_or("") {
            "message_start" => {
                let message = event.get("message");
                self.id = message
                    .and_then(|m| m.get("id"))
                    .cloned()
                    .unwrap_or(Value::Null);
                self.model = message
                    .and_then(|m| m.get("model"))
                    .cloned()
                    .unwrap_or(Value::Null);
                self.merge_usage(message.and_then(|m| m.get("usage")));
                out.push(self.chunk(json!({"role": "assistant", "content": ""}), None));
            }
            "content_block_start" => {
                let block = event.get("content_block");
                self.in_tool = false;
                self.in_json_tool = false;
                self.tool_args_seen = false;
                match block.and_then(|b| b.get("type")).and_then(Value::as_str) {
                    Some("text") => {
                        let text = block
                            .and_then(|b| b.get("text"))
                            .and_then(Value::as_str)
                            .unwrap_or("");
                        if !text.is_empty() {
                            out.push(self.chunk(json!({"content": text}), None));
                        }
                    }
                    Some("tool_use") => {
                        let name = block
                            .and_then(|b| b.get("name"))
                            .cloned()
                            .unwrap_or(Value::Null);
                        if self.json_mode && name == JSON_TOOL {
                            self.in_json_tool = true;
                        } else {
                            self.in_tool = true;
                            self.tool_index += 1;
                            let id = block
                                .and_then(|b| b.get("id"))
                                .cloned()
                                .unwrap_or(Value::Null);
                            out.push(self.chunk(
                                json!({"tool_calls": [{"index": self.tool_index, "id": id, "type": "function", "function": {"name": name, "arguments": ""}}]}),
                                None,
                            ));
                        }
                    }
                    _ => {}
                }
            }
            "content_block_delta" => {
                let delta = event.get("delta");
                match delta.and_then(|d| d.get("type")).and_then(Value::as_str) {
                    Some("text_delta") => {
                        let text = delta
                            .and_then(|d| d.get("text"))
                            .cloned()
                            .unwrap_or(json!(""));
                        out.push(self.chunk(json!({"content": text}), None));
                    }
                    Some("input_json_delta") => {
                        let partial = delta
                            .and_then(|d| d.get("partial_json"))
                            .and_then(Value::as_str)
                            .unwrap_or("");
                        if self.in_json_tool {
                            if !partial.is_empty() {
                                out.push(self.chunk(json!({"content": partial}), None));
                            }
                        } else if self.in_tool && !partial.is_empty() {
                            self.tool_args_seen = true;
                            out.push(self.chunk(
                                json!({"tool_calls": [{"index": self.tool_index, "function": {"arguments": partial}}]}),
                                None,
                            ));
                        }
                    }
                    Some("thinking_delta") => {
                        let thinking = delta
                            .and_then(|d| d.get("thinking"))
                            .cloned()
                            .unwrap_or(json!(""));
                        out.push(self.chunk(json!({"reasoning_content": thinking}), None));
                    }
                    _ => {}
                }
            }
            "content_block_stop" => {
                if self.in_tool && !self.tool_args_seen {
                    out.push(self.chunk(
                        json!({"tool_calls": [{"index": self.tool_index, "function": {"arguments": "{}"}}]}),
                        None,
                    ));
                }
                self.in_tool = false;
                self.in_json_tool = false;
            }
            "message_delta" => {
                self.merge_usage(event.get("usage"));
                let stop = event
                    .pointer("/delta/stop_reason")
                    .and_then(Value::as_str)
                    .unwrap_or("stop");
                let reason = if self.json_mode && stop == "tool_use" && self.tool_index < 0 {
                    "stop"
                } else {
                    finish_reason(stop)
                };
                out.push(self.chunk(json!({}), Some(reason)));
            }
            "message_stop" => {
                self.finished = true;
                if !self.usage_sent {
                    out.push(self.usage_chunk());
                }
            }
            "error" => {
                return Err(stream_error(event));
            }
            // `ping` and anything newer carry nothing for an OpenAI client.
            _ => {}
        }
        Ok(out)
    }

    /// What is still owed when the upstream stream ends: the usage chunk if `message_stop`
    /// never came.
    pub fn on_end(&mut self) -> Vec<Value> {
        if self.usage_sent || self.usage.is_empty() {
            return Vec::new();
        }
        vec![self.usage_chunk()]
    }
}

/// An `error` event inside a stream: Anthropic sends no status there and LiteLLM raises it as
/// a 500, then maps it by its text (an overload stays an `InternalServerError`).
pub(super) fn stream_error(event: &Value) -> ProxyError {
    error_from(500, event.to_string().as_bytes(), None)
}

pub(super) fn sse_bytes(chunks: &[Value]) -> BytesMut {
    let mut out = BytesMut::new();
    for chunk in chunks {
        out.extend_from_slice(b"data: ");
        out.extend_from_slice(chunk.to_string().as_bytes());
        out.extend_from_slice(b"\n\n");
    }
    out
}

/// The JSON of an event's `data:` lines (joined), if it has any.
pub(super) fn event_json(event: &[u8]) -> Result<Option<Value>, ProxyError> {
    let text = String::from_utf8_lossy(event);
    let mut data = String::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("data:") {
            if !data.is_empty() {
                data.push('\n');
            }
            data.push_str(rest.strip_prefix(' ').unwrap_or(rest));
        }
    }
    if data.trim().is_empty() {
        return Ok(None);
    }
    serde_json::from_str(&data).map(Some).map_err(|e| {
        ProxyError::connection(
            PROVIDER,
            &format!(
                "the stream sent an event that is not JSON ({e}): {}",
                lossy(data.as_bytes())
            ),
        )
    })
}

pub(super) struct StreamState<S> {
    upstream: Pin<Box<S>>,
    translator: StreamTranslator,
    buffer: BytesMut,
    /// An error met after some chunks of the same piece: sent right after them.
    pending_error: Option<ProxyError>,
    done: bool,
}

/// The OpenAI SSE body for an Anthropic event stream: each network piece is translated as soon
/// as its events are complete; only a partial event waits for the rest of its bytes.
pub fn translate_stream<S>(
    upstream: S,
    translator: StreamTranslator,
) -> impl Stream<Item = Result<Bytes, ProxyError>> + Send
where
    S: Stream<Item = Result<Bytes, ProxyError>> + Send + 'static,
{
    let state = StreamState {
        upstream: Box::pin(upstream),
        translator,
        buffer: BytesMut::new(),
        pending_error: None,
        done: false,
    };
    futures_util::stream::unfold(state, |mut state| async move {
        loop {
            if let Some(error) = state.pending_error.take() {
                state.done = true;
                return Some((Err(error), state));
            }
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
                    // A last event without its blank line still counts.
                    if !state.buffer.is_empty() {
                        state.buffer.extend_from_slice(b"\n\n");
                    }
                    true
                }
            };
            let mut out = drain_events(&mut state);
            if ended && state.pending_error.is_none() && !state.translator.finished {
                out.extend_from_slice(&sse_bytes(&state.translator.on_end()));
                out.extend_from_slice(b"data: [DONE]\n\n");
            }
            if ended {
                state.done = true;
            }
            // A piece that translates to nothing (a `ping`) still goes out, empty: it shows
            // the consumer the upstream is alive, as any byte resets LiteLLM's read timeout.
            if !out.is_empty() || !ended {
                return Some((Ok(out.freeze()), state));
            }
        }
    })
}

/// Translates every complete event in the buffer; after `message_stop`, closes with `[DONE]`.
/// An error stops the translation and waits in `pending_error` behind what was translated.
pub(super) fn drain_events<S>(state: &mut StreamState<S>) -> BytesMut {
    let mut out = BytesMut::new();
    while let Some((end, next)) = event_end(&state.buffer) {
        let event = state.buffer.split_to(next);
        if state.translator.finished {
            continue;
        }
        let chunks = event_json(&event[..end]).and_then(|value| match value {
            Some(value) => state.translator.on_event(&value),
            None => Ok(Vec::new()),
        });
        match chunks {
            Ok(chunks) => out.extend_from_slice(&sse_bytes(&chunks)),
            Err(error) => {
                state.pending_error = Some(error);
                state.buffer.clear();
                return out;
            }
        }
        if state.translator.finished {
            out.extend_from_slice(b"data: [DONE]\n\n");
            state.done = true;
        }
    }
    out
}
