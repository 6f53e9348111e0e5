//! Server-sent events passed through as they arrive, while a side parser reads `usage`.
//!
//! Complete events are forwarded the moment their closing blank line arrives; only a partial
//! event waits for its remainder. The usage chunk the proxy asked for on the client's behalf is
//! dropped when the client did not ask for it. An upstream failure after the first byte went out
//! becomes `data: {"error": ...}` then `data: [DONE]` (no fallback is possible any more).

use super::error::ProxyError;
use super::providers::EventStream;
use super::usage::Usage;
use bytes::{Bytes, BytesMut};
use futures_util::{Stream, StreamExt};
use serde::Deserialize;
use serde_json::Value;
use std::convert::Infallible;
use std::time::{Duration, Instant};

/// How a stream ended, for spend and metrics.
#[derive(Debug, Default)]
pub struct StreamEnd {
    pub usage: Option<Usage>,
    pub error: Option<ProxyError>,
    /// The client went away before the end (the upstream call was dropped with it).
    pub cancelled: bool,
    pub ended: Option<Instant>,
}

type OnEnd = Box<dyn FnOnce(StreamEnd) + Send>;

/// What a relayed stream does with the upstream's pieces, per protocol (chat chunks, Anthropic
/// Messages events, Responses events): which bytes the client gets, the usage read on the way,
/// and the frame that a failure after the first byte becomes.
pub trait Screen: Send + 'static {
    /// The bytes to send now for `piece` and what was held back before it (empty: waiting for
    /// the rest of an event).
    fn take(&mut self, piece: Bytes) -> Bytes;
    /// What is still held back when the upstream ends (a partial event), sent as it is.
    fn rest(&mut self) -> Bytes {
        Bytes::new()
    }
    fn usage(&self) -> Option<Usage>;
    /// A failure the upstream reported inside its stream, which makes the call a failure.
    fn upstream_error(&mut self) -> Option<ProxyError> {
        None
    }
    /// The client's last frame for a failure after the first byte.
    fn error_frame(&self, error: &ProxyError) -> Bytes;
}

/// A stream being relayed; its end callback runs exactly once: at the end, on a failure, or when
/// the client drops the body (the upstream stream is dropped with it).
struct Relay<S: Screen> {
    first: Option<Bytes>,
    upstream: EventStream,
    /// Names the provider in an idle-timeout error.
    provider: String,
    idle: Duration,
    screen: S,
    on_end: Option<OnEnd>,
    done: bool,
}

impl<S: Screen> Relay<S> {
    fn finish(&mut self, error: Option<ProxyError>, cancelled: bool) {
        if let Some(on_end) = self.on_end.take() {
            on_end(StreamEnd {
                usage: self.screen.usage(),
                error,
                cancelled,
                ended: Some(Instant::now()),
            });
        }
    }
}

impl<S: Screen> Drop for Relay<S> {
    fn drop(&mut self) {
        self.finish(None, true);
    }
}

/// The client-facing body for an upstream stream whose first piece was already read: pieces go
/// through `screen` as they arrive; an idle upstream or a failure ends the stream with the
/// screen's error frame.
pub fn relay<S: Screen>(
    first: Bytes,
    upstream: EventStream,
    provider: &str,
    idle: Duration,
    screen: S,
    on_end: impl FnOnce(StreamEnd) + Send + 'static,
) -> impl Stream<Item = Result<Bytes, Infallible>> + Send {
    let state = Relay {
        first: Some(first),
        upstream,
        provider: provider.to_string(),
        idle,
        screen,
        on_end: Some(Box::new(on_end)),
        done: false,
    };
    futures_util::stream::unfold(state, |mut state| async move {
        loop {
            if state.done {
                return None;
            }
            let next = match state.first.take() {
                Some(first) => Some(Ok(first)),
                None => match tokio::time::timeout(state.idle, state.upstream.next()).await {
                    Ok(next) => next,
                    Err(_) => Some(Err(ProxyError::timeout(&state.provider, state.idle))),
                },
            };
            match next {
                Some(Ok(piece)) => {
                    let out = state.screen.take(piece);
                    if !out.is_empty() {
                        return Some((Ok(out), state));
                    }
                }
                Some(Err(error)) => {
                    state.done = true;
                    let frame = state.screen.error_frame(&error);
                    state.finish(Some(error), false);
                    return Some((Ok(frame), state));
                }
                None => {
                    state.done = true;
                    let rest = state.screen.rest();
                    let error = state.screen.upstream_error();
                    state.finish(error, false);
                    if rest.is_empty() {
                        return None;
                    }
                    return Some((Ok(rest), state));
                }
            }
        }
    })
}

/// Chat completion chunks: passed through, the usage chunk the proxy asked for on the client's
/// behalf screened out when the client did not ask for it.
struct ChatScreen {
    pending: BytesMut,
    wants_usage: bool,
    usage: Option<Usage>,
}

/// The client-facing body for a chat (or text) completion stream.
pub fn passthrough(
    first: Bytes,
    upstream: EventStream,
    provider: &str,
    idle: Duration,
    wants_usage: bool,
    on_end: impl FnOnce(StreamEnd) + Send + 'static,
) -> impl Stream<Item = Result<Bytes, Infallible>> + Send {
    let screen = ChatScreen {
        pending: BytesMut::new(),
        wants_usage,
        usage: None,
    };
    relay(first, upstream, provider, idle, screen, on_end)
}

impl Screen for ChatScreen {
    fn take(&mut self, piece: Bytes) -> Bytes {
        self.take_events(piece)
    }

    fn rest(&mut self) -> Bytes {
        self.pending.split().freeze()
    }

    fn usage(&self) -> Option<Usage> {
        self.usage
    }

    fn error_frame(&self, error: &ProxyError) -> Bytes {
        error_frame(error)
    }
}

impl ChatScreen {
    /// The complete events of what arrived so far, minus a usage-only chunk nobody asked for.
    fn take_events(&mut self, bytes: Bytes) -> Bytes {
        // The common case: the piece is exactly whole events and there is nothing to hide.
        if self.pending.is_empty() && ends_event(&bytes) {
            let has_usage = contains(&bytes, b"\"usage\":{") || contains(&bytes, b"\"usage\": {");
            if !has_usage {
                return bytes;
            }
            self.pending.extend_from_slice(&bytes);
        } else {
            self.pending.extend_from_slice(&bytes);
        }
        let Some(end) = last_event_end(&self.pending) else {
            return Bytes::new();
        };
        let complete = self.pending.split_to(end).freeze();
        let mut out = BytesMut::with_capacity(complete.len());
        for event in split_events(&complete) {
            match self.screen_event(event) {
                Screened::Keep => out.extend_from_slice(event),
                Screened::Drop => {}
                Screened::Replace(event) => out.extend_from_slice(&event),
            }
        }
        out.freeze()
    }

    /// Reads the usage of an event that carries one. When the client did not ask for usage,
    /// LiteLLM's stream wrapper deletes it from every chunk: a usage-only chunk is dropped, and a
    /// chunk that also carries choices (Mistral's and Perplexity's last one) loses its `usage`.
    fn screen_event(&mut self, event: &[u8]) -> Screened {
        let Some(data) = event_data(event) else {
            return Screened::Keep;
        };
        let data = &*data;
        if !(contains(data, b"\"usage\":{") || contains(data, b"\"usage\": {")) {
            return Screened::Keep;
        }
        let Ok(mut chunk) = serde_json::from_slice::<Value>(data) else {
            return Screened::Keep;
        };
        if let Some(usage) = chunk.get("usage").and_then(|u| Usage::deserialize(u).ok()) {
            self.usage = Some(usage);
        }
        if self.wants_usage {
            return Screened::Keep;
        }
        let no_choices = chunk
            .get("choices")
            .and_then(Value::as_array)
            .is_some_and(Vec::is_empty);
        if no_choices {
            return Screened::Drop;
        }
        match chunk.as_object_mut().map(|c| c.remove("usage")) {
            Some(Some(_)) => Screened::Replace(format!("data: {chunk}\n\n").into_bytes()),
            _ => Screened::Keep,
        }
    }
}

enum Screened {
    Keep,
    Drop,
    Replace(Vec<u8>),
}

/// (end of the event's text, start of the next event) for the first complete SSE event in
/// `bytes`, whichever line ending it uses; the providers that translate streams cut with it.
pub(crate) fn event_end(bytes: &[u8]) -> Option<(usize, usize)> {
    let lf = bytes
        .windows(2)
        .position(|w| w == b"\n\n")
        .map(|p| (p, p + 2));
    let crlf = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|p| (p, p + 4));
    match (lf, crlf) {
        (Some(a), Some(b)) => Some(if a.0 <= b.0 { a } else { b }),
        (a, b) => a.or(b),
    }
}

fn ends_event(bytes: &[u8]) -> bool {
    bytes.ends_with(b"\n\n") || bytes.ends_with(b"\r\n\r\n")
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Offset just past the last blank line that closes an event.
pub(crate) fn last_event_end(bytes: &[u8]) -> Option<usize> {
    let lf = bytes.windows(2).rposition(|w| w == b"\n\n").map(|p| p + 2);
    let crlf = bytes
        .windows(4)
        .rposition(|w| w == b"\r\n\r\n")
        .map(|p| p + 4);
    lf.max(crlf)
}

/// Complete events, each with its closing blank line.
fn split_events(bytes: &[u8]) -> Vec<&[u8]> {
    let mut events = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(b"\n\n") {
            events.push(&bytes[start..i + 2]);
            i += 2;
            start = i;
        } else if bytes[i..].starts_with(b"\r\n\r\n") {
            events.push(&bytes[start..i + 4]);
            i += 4;
            start = i;
        } else {
            i += 1;
        }
    }
    if start < bytes.len() {
        events.push(&bytes[start..]);
    }
    events
}

/// The data of one server-sent event: its `data:` lines joined by newlines, as the SSE rules
/// join them; `None` when it has none. Borrowed when there is one line (the common case).
pub(crate) fn event_data(event: &[u8]) -> Option<std::borrow::Cow<'_, [u8]>> {
    let mut lines = event
        .split(|b| *b == b'\n')
        .map(|line| line.strip_suffix(b"\r").unwrap_or(line))
        .filter_map(|line| line.strip_prefix(b"data:"))
        .map(|data| data.strip_prefix(b" ").unwrap_or(data));
    let first = lines.next()?;
    let Some(second) = lines.next() else {
        return Some(std::borrow::Cow::Borrowed(first));
    };
    let mut joined = first.to_vec();
    for line in std::iter::once(second).chain(lines) {
        joined.push(b'\n');
        joined.extend_from_slice(line);
    }
    Some(std::borrow::Cow::Owned(joined))
}

/// What OpenAI-compatible routes send when a stream fails midway.
pub fn error_frame(error: &ProxyError) -> Bytes {
    Bytes::from(format!("data: {}\n\ndata: [DONE]\n\n", error.body()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    async fn events(
        parts: Vec<&'static str>,
        wants_usage: bool,
    ) -> (String, Arc<Mutex<Option<StreamEnd>>>) {
        let ended = Arc::new(Mutex::new(None));
        let sink = ended.clone();
        let mut parts: Vec<Result<Bytes, ProxyError>> =
            parts.into_iter().map(|p| Ok(Bytes::from(p))).collect();
        let first = match parts.remove(0) {
            Ok(b) => b,
            Err(_) => Bytes::new(),
        };
        let upstream: EventStream = Box::pin(futures_util::stream::iter(parts));
        let body = passthrough(
            first,
            upstream,
            "openai",
            Duration::from_secs(5),
            wants_usage,
            move |end| {
                if let Ok(mut slot) = sink.lock() {
                    *slot = Some(end);
                }
            },
        );
        let collected = body.collect::<Vec<_>>().await;
        let text = collected
            .into_iter()
            .map(|r| {
                r.map(|b| String::from_utf8_lossy(&b).into_owned())
                    .unwrap_or_default()
            })
            .collect();
        (text, ended)
    }

    #[tokio::test]
    async fn forwards_split_events_and_hides_unrequested_usage() {
        let usage =
            "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2}}\n\n";
        let (text, ended) = events(
            vec![
                "data: {\"choices\":[{\"delta\":{}}]}\n",
                "\ndata: {\"cho",
                "ices\":[]}\n\n",
                usage,
                "data: [DONE]\n\n",
            ],
            false,
        )
        .await;
        assert_eq!(
            text,
            "data: {\"choices\":[{\"delta\":{}}]}\n\ndata: {\"choices\":[]}\n\ndata: [DONE]\n\n"
        );
        let end = ended
            .lock()
            .ok()
            .and_then(|mut e| e.take())
            .unwrap_or_default();
        assert_eq!(
            end.usage,
            Some(Usage {
                prompt_tokens: 3,
                completion_tokens: 2,
                ..Usage::default()
            })
        );
        assert!(!end.cancelled);
        let (with_usage, _) = events(vec![usage, "data: [DONE]\n\n"], true).await;
        assert!(with_usage.contains("prompt_tokens"));
        // Usage riding on the last content chunk (Mistral) is read, and removed unless asked for.
        let last = "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":1}}\n\n";
        let (text, ended) = events(vec![last, "data: [DONE]\n\n"], false).await;
        assert_eq!(
            text,
            "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n"
        );
        let end = ended
            .lock()
            .ok()
            .and_then(|mut e| e.take())
            .unwrap_or_default();
        assert_eq!(end.usage.map(|u| u.prompt_tokens), Some(5));
        let (kept, _) = events(vec![last, "data: [DONE]\n\n"], true).await;
        assert!(kept.contains("\"usage\""));
    }

    #[test]
    fn negative_and_absurd_counts_are_not_recorded_as_such() {
        let usage: Usage = serde_json::from_str(
            r#"{"prompt_tokens": -5, "completion_tokens": 18446744073709551615, "prompt_tokens_details": {"cached_tokens": -1.5}}"#,
        )
        .unwrap_or_default();
        assert_eq!(usage.prompt_tokens, 0);
        assert_eq!(usage.completion_tokens, crate::usage::MAX_COUNT);
        assert_eq!(usage.cached_tokens, 0);
        // Sums of counts and the spend store's signed columns stay in range.
        assert!(i64::try_from(usage.prompt_tokens + usage.completion_tokens).is_ok());
    }
}
