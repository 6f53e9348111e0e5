//! The HTTP exchange every provider shares: send with the call's time limits, turn transport
//! failures into LiteLLM's timeout / connection errors, hand a non-2xx answer to the provider's
//! own error mapping, and read what comes back without trusting it: a body has a size cap, a
//! successful completion must be the JSON its protocol promises, and a stream must be
//! server-sent events with a cap on each event. An answer that breaks these is an upstream
//! failure (retried, fallen back from, cooled down, counted as a failure), never a success.

use super::Call;
use crate::error::ProxyError;
use bytes::{Bytes, BytesMut};
use futures_util::{Stream, StreamExt};
use std::time::Duration;

/// The most a non-streaming upstream answer may hold (LiteLLM has no cap; one answer of 300 MB
/// took a proxy without it to 381 MB of memory).
pub const MAX_UPSTREAM_BODY: usize = 32 * 1024 * 1024;
/// The most one server-sent event (or one line of it) may hold.
pub const MAX_UPSTREAM_EVENT: usize = 4 * 1024 * 1024;
/// What is read of an upstream's error answer; the message is cut from its start.
const MAX_ERROR_BODY: usize = 64 * 1024;
/// How much of a malformed answer an error message quotes.
const QUOTED: usize = 200;

/// Sends `request` for `call`. Non-streaming: reqwest's timeout covers the whole call, body
/// included. Streaming: only the wait for the response head is bounded here; `sse` bounds each
/// gap between chunks.
pub async fn send<R: Sync>(
    request: reqwest::RequestBuilder,
    call: &Call<'_, R>,
    provider: &str,
    // The provider's reading of an error answer: (status, body, `Retry-After`).
    map_error: impl FnOnce(u16, &[u8], Option<Duration>) -> ProxyError,
) -> Result<reqwest::Response, ProxyError> {
    let sent = if call.stream {
        tokio::time::timeout(call.timeout, request.send()).await
    } else {
        Ok(request.timeout(call.timeout).send().await)
    };
    let response = match sent {
        Err(_) => return Err(ProxyError::timeout(provider, call.timeout)),
        Ok(Err(e)) if e.is_timeout() => return Err(ProxyError::timeout(provider, call.timeout)),
        Ok(Err(e)) => return Err(ProxyError::connection(provider, &describe(e))),
        Ok(Ok(response)) => response,
    };
    let status = response.status().as_u16();
    if (200..300).contains(&status) {
        return Ok(response);
    }
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(Duration::from_secs_f64);
    let body = match read_capped(response, MAX_ERROR_BODY).await {
        Ok(body) | Err(Capped::TooLarge(body)) => body,
        Err(Capped::Failed(_)) => Bytes::new(),
    };
    Err(map_error(status, &body, retry_after))
}

enum Capped {
    /// The first `limit` bytes of a longer body.
    TooLarge(Bytes),
    Failed(reqwest::Error),
}

/// Reads a body up to `limit` bytes, never buffering more than `limit` (plus one piece).
async fn read_capped(mut response: reqwest::Response, limit: usize) -> Result<Bytes, Capped> {
    // A declared length over the cap is refused unread, unless the start is wanted (an error
    // answer's message).
    if response
        .content_length()
        .is_some_and(|n| n > limit as u64 && limit > MAX_ERROR_BODY)
    {
        return Err(Capped::TooLarge(Bytes::new()));
    }
    // Most answers are one piece: it is returned as is, without a copy.
    let mut first: Option<Bytes> = None;
    let mut body = BytesMut::new();
    loop {
        match response.chunk().await {
            Ok(Some(piece)) => {
                let held = first.as_ref().map_or(0, Bytes::len) + body.len();
                if held + piece.len() > limit {
                    if let Some(first) = first.take() {
                        body.extend_from_slice(&first);
                    }
                    body.extend_from_slice(&piece[..limit - held]);
                    return Err(Capped::TooLarge(body.freeze()));
                }
                match first.take() {
                    None if body.is_empty() => first = Some(piece),
                    None => body.extend_from_slice(&piece),
                    Some(earlier) => {
                        body.extend_from_slice(&earlier);
                        body.extend_from_slice(&piece);
                    }
                }
            }
            Ok(None) => return Ok(first.unwrap_or_else(|| body.freeze())),
            Err(e) => return Err(Capped::Failed(e)),
        }
    }
}

/// The whole body of a successful non-streaming answer, at most [`MAX_UPSTREAM_BODY`] bytes.
pub async fn body<R: Sync>(
    response: reqwest::Response,
    call: &Call<'_, R>,
    provider: &str,
) -> Result<Bytes, ProxyError> {
    match read_capped(response, MAX_UPSTREAM_BODY).await {
        Ok(body) => Ok(body),
        Err(Capped::TooLarge(_)) => Err(bad_answer(
            provider,
            &format!("an answer larger than {MAX_UPSTREAM_BODY} bytes"),
        )),
        Err(Capped::Failed(e)) if e.is_timeout() => {
            Err(ProxyError::timeout(provider, call.timeout))
        }
        Err(Capped::Failed(e)) => Err(ProxyError::connection(provider, &describe(e))),
    }
}

/// The body of a successful answer parsed as a JSON object, for providers that translate it.
pub async fn json_object<R: Sync>(
    response: reqwest::Response,
    call: &Call<'_, R>,
    provider: &str,
) -> Result<serde_json::Value, ProxyError> {
    let bytes = body(response, call, provider).await?;
    match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(value) if value.is_object() => Ok(value),
        _ => Err(bad_answer(provider, &not_json(&bytes))),
    }
}

/// The body of a successful OpenAI-shaped answer, checked to be a `chat.completion`: a JSON
/// object with a `choices` list of objects (and a `usage` object, when there is one). An
/// `{"error": ...}` answered with 200 (as some gateways do) is that error.
pub async fn completion<R: Sync>(
    response: reqwest::Response,
    call: &Call<'_, R>,
    provider: &str,
) -> Result<Bytes, ProxyError> {
    let bytes = body(response, call, provider).await?;
    check_completion(&bytes, provider)?;
    Ok(bytes)
}

/// Any JSON object, checked without building it (a completion is checked on every call).
struct AnObject;

impl<'de> serde::Deserialize<'de> for AnObject {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = AnObject;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<AnObject, A::Error> {
                use serde::de::IgnoredAny;
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(AnObject)
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

fn check_completion(bytes: &[u8], provider: &str) -> Result<(), ProxyError> {
    #[derive(serde::Deserialize)]
    struct Shape {
        choices: Option<Vec<AnObject>>,
        // Read only for its type: a `usage` that is not an object is a malformed answer.
        #[serde(default, rename = "usage")]
        _usage: Option<AnObject>,
        #[serde(default)]
        error: Option<serde::de::IgnoredAny>,
    }
    match serde_json::from_slice::<Shape>(bytes) {
        Ok(Shape {
            choices: Some(_), ..
        }) => Ok(()),
        Ok(Shape { error: Some(_), .. }) => {
            Err(ProxyError::from_upstream(500, bytes, None, provider))
        }
        Ok(_) => Err(bad_answer(
            provider,
            &format!(
                "a JSON answer that is not a chat completion (no `choices` list): {}",
                quote(bytes)
            ),
        )),
        Err(_) if serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_ok() => {
            Err(bad_answer(
                provider,
                &format!(
                    "a JSON answer that is not a chat completion (`choices` or `usage` of the wrong type): {}",
                    quote(bytes)
                ),
            ))
        }
        Err(_) => Err(bad_answer(provider, &not_json(bytes))),
    }
}

fn not_json(bytes: &[u8]) -> String {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        "an empty answer".to_string()
    } else {
        format!("an answer that is not JSON: {}", quote(bytes))
    }
}

/// The start of a malformed answer, on one line.
fn quote(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(QUOTED * 4)]);
    let mut quoted: String = text
        .chars()
        .take(QUOTED)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if text.chars().count() > QUOTED || bytes.len() > QUOTED * 4 {
        quoted.push_str("...");
    }
    format!("`{quoted}`")
}

fn bad_answer(provider: &str, what: &str) -> ProxyError {
    ProxyError::bad_answer(provider, what)
}

/// The body of a successful streaming answer as server-sent events: every line is a field
/// (`data:`, `event:`, `id:`, `retry:`), a comment (`:`) or blank, and no event grows past
/// [`MAX_UPSTREAM_EVENT`]. An HTML page, a JSON body or plain text is refused before its first
/// byte reaches the client (so the call can still be retried or fall back).
pub fn event_stream(
    response: reqwest::Response,
    provider: &'static str,
) -> impl Stream<Item = Result<Bytes, ProxyError>> + Send {
    guard_events(
        response
            .bytes_stream()
            .map(move |piece| piece.map_err(|e| ProxyError::connection(provider, &describe(e)))),
        provider,
    )
}

/// [`event_stream`]'s checks over any stream of pieces. Pieces come out as whole events (a
/// partial one waits, within the cap, for its end), so the first piece a client could see is
/// already known to be an event.
pub fn guard_events<S>(
    upstream: S,
    provider: &'static str,
) -> impl Stream<Item = Result<Bytes, ProxyError>> + Send
where
    S: Stream<Item = Result<Bytes, ProxyError>> + Send + 'static,
{
    let state = Guard {
        upstream: Box::pin(upstream),
        checker: EventChecker::default(),
        pending: BytesMut::new(),
        done: false,
    };
    futures_util::stream::unfold(state, move |mut state| async move {
        if state.done {
            return None;
        }
        let item = match state.upstream.next().await {
            Some(Ok(piece)) => match state.checker.check(&piece) {
                Ok(()) => {
                    state.pending.extend_from_slice(&piece);
                    let whole = crate::sse::last_event_end(&state.pending).unwrap_or(0);
                    Ok(state.pending.split_to(whole).freeze())
                }
                Err(what) => {
                    state.done = true;
                    Err(bad_answer(provider, &what))
                }
            },
            Some(Err(e)) => {
                state.done = true;
                Err(e)
            }
            None => {
                state.done = true;
                if state.pending.is_empty() {
                    return None;
                }
                Ok(state.pending.split().freeze())
            }
        };
        Some((item, state))
    })
}

struct Guard {
    upstream: std::pin::Pin<Box<dyn Stream<Item = Result<Bytes, ProxyError>> + Send>>,
    checker: EventChecker,
    /// The start of an event whose end has not arrived.
    pending: BytesMut,
    done: bool,
}

/// Where the checker is in the text seen so far.
#[derive(Default)]
struct EventChecker {
    /// Bytes of the current line seen so far (only its first few are kept, to judge it).
    line_start: Vec<u8>,
    line_len: usize,
    /// Bytes of the current event so far.
    event_len: usize,
}

impl EventChecker {
    fn check(&mut self, piece: &[u8]) -> Result<(), String> {
        for &byte in piece {
            if byte == b'\n' {
                self.end_line()?;
                continue;
            }
            self.event_len += 1;
            // CRLF line ends: the CR counts toward the event's size, not the line's text.
            if byte == b'\r' {
                continue;
            }
            self.line_len += 1;
            if self.line_start.len() < 8 {
                self.line_start.push(byte);
                self.judge_line(false)?;
            }
            if self.event_len > MAX_UPSTREAM_EVENT {
                return Err(format!(
                    "a server-sent event larger than {MAX_UPSTREAM_EVENT} bytes"
                ));
            }
        }
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), String> {
        self.judge_line(true)?;
        if self.line_len == 0 {
            self.event_len = 0;
        }
        self.line_start.clear();
        self.line_len = 0;
        Ok(())
    }

    /// Whether the line's start can still be (or, when `complete`, is) an SSE field or comment.
    fn judge_line(&self, complete: bool) -> Result<(), String> {
        const FIELDS: &[&[u8]] = &[b"data", b"event", b"id", b"retry"];
        let start = self.line_start.as_slice();
        if start.is_empty() || start[0] == b':' {
            return Ok(());
        }
        let name_end = start.iter().position(|b| *b == b':');
        let fits = match name_end {
            Some(end) => FIELDS.contains(&&start[..end]),
            // A field name without its colon yet: still a prefix of one, unless the line ended
            // (a bare `data` line is an empty field, which SSE allows).
            None if complete => FIELDS.contains(&start),
            None => FIELDS.iter().any(|f| f.starts_with(start)),
        };
        if fits {
            Ok(())
        } else {
            Err(format!(
                "a stream that is not server-sent events: {}",
                quote(start)
            ))
        }
    }
}

/// The error and its causes, without the URL (which may carry credentials in its userinfo or
/// query).
pub fn describe(error: reqwest::Error) -> String {
    let mut causes = String::new();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        causes.push_str(": ");
        causes.push_str(&cause.to_string());
        source = cause.source();
    }
    format!("{}{causes}", error.without_url())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(pieces: &[&str]) -> Result<(), String> {
        let mut checker = EventChecker::default();
        pieces.iter().try_for_each(|p| checker.check(p.as_bytes()))
    }

    #[test]
    fn streams_must_be_server_sent_events() {
        assert!(events(&[
            "data: {\"a\":1}\n\n",
            ": keep-alive\n\nevent: x\r\ndata: y\r\n\r\n"
        ])
        .is_ok());
        assert!(events(&["da", "ta: split\n\n", "data\n\n"]).is_ok());
        for bad in [
            "<html><body>502</body></html>",
            "{\"error\":{}}",
            "Internal Server Error\n",
        ] {
            let error = events(&[bad]).err().unwrap_or_default();
            assert!(error.contains("not server-sent events"), "{bad}: {error}");
        }
        assert!(events(&["data: ok\n\n", "datum: no\n"]).is_err());
    }

    #[test]
    fn one_event_has_a_size_cap() {
        let big = "x".repeat(MAX_UPSTREAM_EVENT);
        assert!(events(&["data: ", &big, "\n\n"]).is_err());
        // Many events together may exceed it: only one event is capped.
        let half = "x".repeat(MAX_UPSTREAM_EVENT / 2);
        assert!(events(&["data: ", &half, "\n\ndata: ", &half, "\n\n"]).is_ok());
    }

    #[test]
    fn completions_must_have_the_chat_completion_shape() {
        let ok = br#"{"choices":[{"index":0,"message":{"role":"assistant","content":"hi"}}],"usage":{"prompt_tokens":1}}"#;
        assert!(check_completion(ok, "openai").is_ok());
        for (body, says) in [
            (&b"<html>Bad gateway</html>"[..], "not JSON: `<html>"),
            (b"{\"choices\": [", "not JSON"),
            (b"", "an empty answer"),
            (b"[1,2]", "wrong type"),
            (b"{\"id\":\"x\"}", "no `choices` list"),
            (b"{\"choices\":\"no\"}", "wrong type"),
            (b"{\"choices\":[1]}", "wrong type"),
        ] {
            let error = check_completion(body, "openai")
                .err()
                .map(|e| e.message)
                .unwrap_or_default();
            assert!(
                error.contains(says),
                "{}: {error}",
                String::from_utf8_lossy(body)
            );
            assert!(
                error.starts_with(
                    "litellm.InternalServerError: OpenAIException - the upstream answered with"
                ),
                "{error}"
            );
        }
        let in_200 = br#"{"error":{"message":"overloaded","code":429}}"#;
        let error = check_completion(in_200, "openrouter").err();
        assert!(error.is_some_and(|e| e.message.contains("overloaded")));
    }
}
