//! The mock's HTTP server: plain hyper, so the direct baseline of the load benchmark is as cheap
//! as a server can be.

use super::{Behaviour, Broken};
use bytes::Bytes;
use futures_util::stream;
use http_body_util::{combinators::BoxBody, BodyExt, Full, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::convert::Infallible;
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;

pub(super) type Body = BoxBody<Bytes, io::Error>;

/// The last request the mock saw for one model.
#[derive(Debug, Clone, Default)]
pub struct RecordedRequest {
    pub path: String,
    /// The query string, without `?` (empty when there is none).
    pub query: String,
    /// Header names are lower case.
    pub headers: Vec<(String, String)>,
    pub body: Value,
}

impl RecordedRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Default)]
pub(super) struct State {
    /// (route, model) -> count.
    pub(super) hits: Mutex<BTreeMap<(String, String), u64>>,
    behaviours: Mutex<HashMap<String, Behaviour>>,
    last: Mutex<HashMap<String, RecordedRequest>>,
    pub(super) cancelled: Arc<AtomicU64>,
    pub(super) sequence: AtomicU64,
    /// Prompt-cache prefixes already written (Anthropic `cache_control`), by hash.
    pub(super) anthropic_cache: Mutex<std::collections::HashSet<u64>>,
    /// Responses API responses made, by id, for `GET`/`DELETE /v1/responses/{id}`.
    pub(super) responses: Mutex<HashMap<String, Value>>,
}

/// A running mock upstream; stops when dropped.
pub struct MockUpstream {
    addr: SocketAddr,
    state: Arc<State>,
    stop: Arc<Notify>,
}

impl Drop for MockUpstream {
    fn drop(&mut self) {
        self.stop.notify_one();
    }
}

impl MockUpstream {
    /// Starts on 127.0.0.1 with a free port.
    pub async fn start() -> io::Result<Self> {
        Self::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await
    }

    pub async fn bind(addr: SocketAddr) -> io::Result<Self> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(State::default());
        let stop = Arc::new(Notify::new());
        tokio::spawn(accept_loop(listener, state.clone(), stop.clone()));
        Ok(MockUpstream { addr, state, stop })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The `api_base` a config should use: `http://127.0.0.1:PORT/v1`.
    pub fn api_base(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// Requests seen for this model on any route.
    pub fn hits(&self, model: &str) -> u64 {
        lock(&self.state.hits)
            .iter()
            .filter(|((_, m), _)| m == model)
            .map(|(_, n)| *n)
            .sum()
    }

    /// Requests seen in total.
    pub fn total_hits(&self) -> u64 {
        lock(&self.state.hits).values().sum()
    }

    /// Calls whose client went away before the end (streams, and delayed answers).
    pub fn cancelled_calls(&self) -> u64 {
        self.state.cancelled.load(Ordering::Relaxed)
    }

    /// Makes every later request for `model` behave this way (until cleared).
    pub fn set_behaviour(&self, model: &str, behaviour: Behaviour) {
        lock(&self.state.behaviours).insert(model.to_string(), behaviour);
    }

    pub fn clear_behaviour(&self, model: &str) {
        lock(&self.state.behaviours).remove(model);
    }

    pub fn last_request(&self, model: &str) -> Option<RecordedRequest> {
        lock(&self.state.last).get(model).cloned()
    }

    pub fn reset_counts(&self) {
        lock(&self.state.hits).clear();
        self.state.cancelled.store(0, Ordering::Relaxed);
    }
}

/// A poisoned lock only means a handler panicked mid-update of a counter: keep counting.
pub(super) fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

async fn accept_loop(listener: TcpListener, state: Arc<State>, stop: Arc<Notify>) {
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = stop.notified() => return,
        };
        let Ok((stream, _)) = accepted else { continue };
        tokio::spawn(serve_connection(stream, state.clone()));
    }
}

async fn serve_connection(stream: TcpStream, state: Arc<State>) {
    let _ = stream.set_nodelay(true);
    // A duplicate handle lets a `reset` request turn the close into a TCP RST.
    let Ok(std_stream) = stream.into_std() else {
        return;
    };
    let duplicate = std_stream.try_clone().ok();
    let Ok(stream) = TcpStream::from_std(std_stream) else {
        return;
    };
    let kill = Arc::new(Notify::new());
    let service_kill = kill.clone();
    let service = hyper::service::service_fn(move |request| {
        handle(state.clone(), service_kill.clone(), request)
    });
    let connection =
        hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    let killed = tokio::select! {
        _ = connection => false,
        () = kill.notified() => true,
    };
    if killed {
        if let Some(duplicate) = duplicate.and_then(|d| TcpStream::from_std(d).ok()) {
            let _ = duplicate.set_zero_linger();
        }
    }
}

async fn handle(
    state: Arc<State>,
    kill: Arc<Notify>,
    request: Request<Incoming>,
) -> Result<Response<Body>, Infallible> {
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let query = request.uri().query().unwrap_or("").to_string();
    let headers: Vec<(String, String)> = request
        .headers()
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let body = match request.into_body().collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            return Ok(error_response(
                400,
                "could not read the request body",
                None,
                None,
            ))
        }
    };
    let response = match (&method, path.as_str()) {
        (&Method::GET, "/mock/hits") => json_response(200, &hits_json(&state)),
        (&Method::POST, "/mock/reset") => {
            lock(&state.hits).clear();
            state.cancelled.store(0, Ordering::Relaxed);
            json_response(200, &json!({"ok": true}))
        }
        (&Method::POST, "/mock/behaviour") => set_behaviour_route(&state, &body),
        (&Method::GET, p) if p.ends_with("/models") => json_response(
            200,
            &json!({"object": "list", "data": [{"id": "mock-model", "object": "model", "created": 1_700_000_000, "owned_by": "mock"}]}),
        ),
        (&Method::POST | &Method::GET | &Method::DELETE, p) if super::responses::handles(p) => {
            return Ok(super::responses::handle(
                &state, &kill, &method, &path, &query, headers, &body,
            )
            .await);
        }
        (&Method::POST, p) if super::gemini::handles(p) => {
            return Ok(super::gemini::handle(&state, &kill, &path, &query, headers, &body).await);
        }
        (&Method::POST, p) if super::azure::handles(p) => {
            return Ok(super::azure::handle(&state, &kill, &path, &query, headers, &body).await);
        }
        (&Method::POST, p) if super::completions::handles(p) => {
            return Ok(super::completions::handle(&state, &kill, &path, headers, &body).await);
        }
        (&Method::POST, p) if super::embeddings::handles(p) => {
            return Ok(super::embeddings::handle(&state, &kill, &path, headers, &body).await);
        }
        (&Method::POST, p) if p.ends_with("/chat/completions") => {
            return Ok(chat(&state, &kill, &path, headers, &body).await);
        }
        // A doubled version segment (`{base}/v1` + `/v1/messages`) is a 404 at Anthropic and
        // at every Anthropic-compatible gateway.
        (&Method::POST, p) if p.contains("/v1/v1/") && p.contains("/messages") => {
            error_response(404, "no such route on the mock (a doubled /v1)", None, None)
        }
        (&Method::POST, p) if p.ends_with("/v1/messages/count_tokens") => {
            return Ok(super::anthropic::count_tokens(
                &state, &kill, &path, &query, headers, &body,
            )
            .await);
        }
        (&Method::POST, p) if p.ends_with("/v1/messages") => {
            return Ok(super::anthropic::messages(&state, &kill, &path, headers, &body).await);
        }
        _ => error_response(404, "no such route on the mock", None, None),
    };
    Ok(response)
}

fn hits_json(state: &State) -> Value {
    let hits = lock(&state.hits);
    let mut by_model: BTreeMap<&str, u64> = BTreeMap::new();
    let mut by_route: BTreeMap<String, u64> = BTreeMap::new();
    for ((route, model), n) in hits.iter() {
        *by_model.entry(model).or_default() += n;
        *by_route.entry(format!("{route} {model}")).or_default() += n;
    }
    json!({
        "total": hits.values().sum::<u64>(),
        "by_model": by_model,
        "by_route": by_route,
        "cancelled": state.cancelled.load(Ordering::Relaxed),
    })
}

fn set_behaviour_route(state: &State, body: &[u8]) -> Response<Body> {
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return error_response(400, "body must be JSON", None, None);
    };
    let Some(model) = value.get("model").and_then(Value::as_str) else {
        return error_response(400, "`model` is required", None, None);
    };
    match value.get("behaviour").and_then(Value::as_str) {
        None | Some("") => {
            lock(&state.behaviours).remove(model);
        }
        Some(spec) => match Behaviour::parse(spec) {
            Ok(b) => {
                lock(&state.behaviours).insert(model.to_string(), b);
            }
            Err(e) => return error_response(400, &e, None, None),
        },
    }
    json_response(200, &json!({"ok": true}))
}

async fn chat(
    state: &State,
    kill: &Notify,
    path: &str,
    headers: Vec<(String, String)>,
    body: &[u8],
) -> Response<Body> {
    let (request, model, behaviour) = match admit_json(state, kill, path, headers, body).await {
        Ok(admitted) => admitted,
        Err(answer) => return answer,
    };
    openai_reply(state, &behaviour, &request, model)
}

/// OpenAI's answer for a request whose behaviour is known: an error, a completion or a stream.
pub(super) fn openai_reply(
    state: &State,
    behaviour: &Behaviour,
    request: &Value,
    model: String,
) -> Response<Body> {
    if behaviour.content_policy && !behaviour.context_length {
        return error_response(
            400,
            "Your request was rejected as a result of our safety system.",
            Some("content_policy_violation"),
            behaviour.retry_after,
        );
    }
    if let Some(answer) = failure(
        behaviour,
        "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens. Please reduce the length of the messages.",
    ) {
        return answer;
    }
    let stream = request
        .get("stream")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if let Some(reply) = untrusted_reply(behaviour, stream) {
        return reply;
    }
    let id = state.sequence.fetch_add(1, Ordering::Relaxed);
    let prompt_tokens = count_prompt_tokens(request);
    let words = behaviour.chunks.unwrap_or(3).max(1);
    let answer = plan_answer(request, words);
    let completion_tokens = answer.completion_tokens();
    if stream {
        let include_usage = request
            .pointer("/stream_options/include_usage")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let plan = StreamPlan {
            id,
            model,
            answer,
            prompt_tokens,
            include_usage,
            chunk_delay: behaviour.chunk_delay,
            break_after: behaviour.break_after,
        };
        return stream_response(plan, state.cancelled.clone());
    }
    let (message, finish) = match &answer {
        ChatAnswer::Text(pieces) => (
            json!({"role": "assistant", "content": pieces.concat()}),
            "stop",
        ),
        ChatAnswer::ToolCall { name, arguments } => (
            json!({"role": "assistant", "content": null, "tool_calls": [{
                "id": format!("call_mock_{name}"), "type": "function",
                "function": {"name": name, "arguments": arguments}}]}),
            "tool_calls",
        ),
    };
    let completion = json!({
        "id": format!("chatcmpl-mock-{id}"),
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens, "total_tokens": prompt_tokens + completion_tokens},
    });
    let mut completion = completion;
    if behaviour.negative_usage {
        completion["usage"] =
            json!({"prompt_tokens": -5, "completion_tokens": -7, "total_tokens": -12});
    }
    json_response(200, &completion)
}

/// An OpenAI-shaped request read and admitted: its JSON body, its `model`, and the behaviour it
/// asks for; the 400 answer when the body is not JSON or its behaviour cannot be read.
pub(super) async fn admit_json(
    state: &State,
    kill: &Notify,
    path: &str,
    headers: Vec<(String, String)>,
    body: &[u8],
) -> Result<(Value, String, Behaviour), Response<Body>> {
    let request: Value = serde_json::from_slice(body)
        .map_err(|e| error_response(400, &format!("invalid JSON body: {e}"), None, None))?;
    let model = request
        .get("model")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let behaviour = admit(state, kill, path, headers, &model, &request)
        .await
        .map_err(|message| error_response(400, &message, None, None))?;
    Ok((request, model, behaviour))
}

/// The error a behaviour asks for instead of an answer, in OpenAI's shape: the route's
/// context-window error (`context_message`), or a failure status.
pub(super) fn failure(behaviour: &Behaviour, context_message: &str) -> Option<Response<Body>> {
    if behaviour.context_length {
        return Some(error_response(
            400,
            context_message,
            Some("context_length_exceeded"),
            behaviour.retry_after,
        ));
    }
    behaviour.status.map(|status| {
        error_response(
            status,
            &format!("mock failure with status {status}"),
            None,
            behaviour.retry_after,
        )
    })
}

/// What every mock route does before answering: counts the hit, records the request, picks the
/// behaviour (header, then run-time setting, then model name), waits the delay, and resets the
/// connection when asked (never returning then). `Err` is a malformed `x-mock` header.
pub(super) async fn admit(
    state: &State,
    kill: &Notify,
    path: &str,
    headers: Vec<(String, String)>,
    model: &str,
    request: &Value,
) -> Result<Behaviour, String> {
    *lock(&state.hits)
        .entry((format!("POST {path}"), model.to_string()))
        .or_default() += 1;
    let header_spec = headers
        .iter()
        .find(|(n, _)| n == "x-mock")
        .map(|(_, v)| v.clone());
    let credentials: Vec<String> = headers
        .iter()
        .filter(|(n, _)| {
            matches!(
                n.as_str(),
                "authorization" | "api-key" | "x-api-key" | "x-goog-api-key"
            )
        })
        .map(|(n, v)| format!("{n}: {v}"))
        .collect();
    lock(&state.last).insert(
        model.to_string(),
        RecordedRequest {
            path: path.to_string(),
            query: String::new(),
            headers,
            body: request.clone(),
        },
    );
    let mut behaviour = match header_spec.map(|s| Behaviour::parse(&s)) {
        Some(Ok(b)) => b,
        Some(Err(e)) => return Err(e),
        None => lock(&state.behaviours)
            .get(model)
            .cloned()
            .or_else(|| Behaviour::from_model_name(model))
            .unwrap_or_default(),
    };
    if !behaviour.delay.is_zero() {
        // A caller that hangs up while the mock waits counts as a cancelled call.
        let mut guard = CancelGuard {
            finished: false,
            cancelled: state.cancelled.clone(),
        };
        tokio::time::sleep(behaviour.delay).await;
        guard.finished = true;
        drop(guard);
    }
    if behaviour.reset {
        kill.notify_one();
        std::future::pending::<()>().await;
    }
    if behaviour.echo_key {
        behaviour.echoed_credentials = credentials.join(", ");
    }
    Ok(behaviour)
}

/// The answer of an upstream that cannot be trusted (`broken`, `echo_key`), whatever protocol
/// it was asked in; `None` for an ordinary behaviour.
pub(super) fn untrusted_reply(behaviour: &Behaviour, stream: bool) -> Option<Response<Body>> {
    if behaviour.echo_key {
        return Some(error_response(
            401,
            &format!(
                "Incorrect API key provided ({}). You can find your API key at https://example.invalid.",
                behaviour.echoed_credentials
            ),
            Some("invalid_api_key"),
            None,
        ));
    }
    let (content_type, body) = match behaviour.broken? {
        Broken::Html => (
            "text/html",
            full(Bytes::from_static(
                b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>",
            )),
        ),
        Broken::BadJson => (
            "application/json",
            full(Bytes::from_static(b"{\"choices\": [{\"index\": 0, \"message\": ")),
        ),
        Broken::Empty => ("application/json", full(Bytes::new())),
        Broken::WrongShape => (
            "application/json",
            full(Bytes::from_static(b"{\"id\": \"x\", \"object\": \"chat.completion\", \"result\": \"hi\"}")),
        ),
        Broken::NotSse if stream => (
            "application/json",
            full(Bytes::from_static(b"{\"id\": \"x\", \"choices\": [{\"index\": 0, \"message\": {\"role\": \"assistant\", \"content\": \"not a stream\"}}]}")),
        ),
        Broken::NotSse => return None,
        Broken::Huge(bytes) => {
            let (content_type, start) = if stream {
                ("text/event-stream", &b"data: {\"choices\": [{\"index\": 0, \"delta\": {\"content\": \""[..])
            } else {
                ("application/json", &b"{\"choices\": [{\"index\": 0, \"message\": {\"content\": \""[..])
            };
            (content_type, padded_body(start, bytes))
        }
    };
    let mut response = Response::new(body);
    response.headers_mut().insert(
        "content-type",
        hyper::header::HeaderValue::from_static(content_type),
    );
    Some(response)
}

/// `start` followed by `x`s up to `total` bytes, produced piece by piece (the mock never holds it).
fn padded_body(start: &'static [u8], total: u64) -> Body {
    const PIECE: usize = 64 * 1024;
    let padding = Bytes::from(vec![b'x'; PIECE]);
    let first = Bytes::from_static(start);
    let rest = total.saturating_sub(first.len() as u64);
    let pieces = std::iter::once(first)
        .chain((0..rest.div_ceil(PIECE as u64)).map(move |i| {
            let left = rest - i * PIECE as u64;
            padding.slice(..(left.min(PIECE as u64) as usize))
        }))
        .map(|piece| Ok::<_, io::Error>(Frame::data(piece)));
    BodyExt::boxed(StreamBody::new(stream::iter(pieces)))
}

/// Adds the query string to the request [`admit`] kept for `model`.
pub(super) fn keep_query(state: &State, model: &str, query: &str) {
    if let Some(last) = lock(&state.last).get_mut(model) {
        last.query = query.to_string();
    }
}

/// About four characters a token, as OpenAI's rule of thumb says.
fn count_prompt_tokens(request: &Value) -> u64 {
    let chars: usize = request
        .get("messages")
        .and_then(Value::as_array)
        .map(|messages| {
            messages
                .iter()
                .filter_map(|m| m.get("content").and_then(Value::as_str))
                .map(str::len)
                .sum()
        })
        .unwrap_or(0);
    (chars as u64).div_ceil(4).max(1)
}

/// What the mock model says to a chat request.
enum ChatAnswer {
    /// Text, in the pieces a stream sends.
    Text(Vec<String>),
    /// A call of one offered tool, with arguments sampled from its schema.
    ToolCall { name: String, arguments: String },
}

impl ChatAnswer {
    fn completion_tokens(&self) -> u64 {
        match self {
            ChatAnswer::Text(pieces) => pieces.len() as u64,
            ChatAnswer::ToolCall { arguments, .. } => 2 + (arguments.len() as u64).div_ceil(4),
        }
    }
}

/// Like the Anthropic mock: a call of the forced (or first) tool when tools are offered, the
/// last message is not a tool result and `tool_choice` is not `none`; text echoing the tool
/// result after one; else `Hello w1 w2 ...`.
fn plan_answer(request: &Value, words: usize) -> ChatAnswer {
    let last = request
        .get("messages")
        .and_then(Value::as_array)
        .and_then(|m| m.last());
    if let Some(last) = last.filter(|m| m.get("role").and_then(Value::as_str) == Some("tool")) {
        let result = match last.get("content") {
            Some(Value::String(text)) => text.clone(),
            Some(other) => other.to_string(),
            None => String::new(),
        };
        return ChatAnswer::Text(vec!["Tool".into(), " said:".into(), format!(" {result}")]);
    }
    let tools = request
        .get("tools")
        .and_then(Value::as_array)
        .filter(|t| !t.is_empty());
    let choice = request.get("tool_choice");
    let forced = choice
        .and_then(|c| c.pointer("/function/name"))
        .and_then(Value::as_str);
    if let (Some(tools), false) = (tools, choice.and_then(Value::as_str) == Some("none")) {
        fn name_of(tool: &Value) -> Option<&str> {
            tool.pointer("/function/name").and_then(Value::as_str)
        }
        let tool = forced
            .and_then(|f| tools.iter().find(|t| name_of(t) == Some(f)))
            .or_else(|| tools.first());
        if let Some(tool) = tool {
            let name = name_of(tool).unwrap_or("tool").to_string();
            let input = super::anthropic::sample_input(tool.pointer("/function/parameters"));
            return ChatAnswer::ToolCall {
                name,
                arguments: input.to_string(),
            };
        }
    }
    ChatAnswer::Text(
        (0..words)
            .map(|i| {
                if i == 0 {
                    "Hello".to_string()
                } else {
                    format!(" w{i}")
                }
            })
            .collect(),
    )
}

struct StreamPlan {
    id: u64,
    model: String,
    answer: ChatAnswer,
    prompt_tokens: u64,
    include_usage: bool,
    chunk_delay: Duration,
    break_after: Option<usize>,
}

/// Counts a stream as cancelled when it is dropped before its last event went out.
struct CancelGuard {
    finished: bool,
    cancelled: Arc<AtomicU64>,
}

impl Drop for CancelGuard {
    fn drop(&mut self) {
        if !self.finished {
            self.cancelled.fetch_add(1, Ordering::Relaxed);
        }
    }
}

fn stream_response(plan: StreamPlan, cancelled: Arc<AtomicU64>) -> Response<Body> {
    let mut events: Vec<Bytes> = Vec::with_capacity(8);
    let chunk = |delta: Value, finish: Value| {
        let chunk = json!({
            "id": format!("chatcmpl-mock-{}", plan.id),
            "object": "chat.completion.chunk",
            "created": 1_700_000_000,
            "model": plan.model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        });
        Bytes::from(format!("data: {chunk}\n\n"))
    };
    events.push(chunk(
        json!({"role": "assistant", "content": ""}),
        Value::Null,
    ));
    let finish = match &plan.answer {
        ChatAnswer::Text(pieces) => {
            for piece in pieces {
                events.push(chunk(json!({"content": piece}), Value::Null));
            }
            "stop"
        }
        ChatAnswer::ToolCall { name, arguments } => {
            events.push(chunk(
                json!({"tool_calls": [{"index": 0, "id": format!("call_mock_{name}"), "type": "function",
                                       "function": {"name": name, "arguments": ""}}]}),
                Value::Null,
            ));
            let middle = arguments
                .char_indices()
                .map(|(i, _)| i)
                .nth(arguments.chars().count() / 2)
                .unwrap_or(0);
            for part in [&arguments[..middle], &arguments[middle..]] {
                events.push(chunk(
                    json!({"tool_calls": [{"index": 0, "function": {"arguments": part}}]}),
                    Value::Null,
                ));
            }
            "tool_calls"
        }
    };
    let completion_tokens = plan.answer.completion_tokens();
    events.push(chunk(json!({}), json!(finish)));
    if plan.include_usage {
        let usage = json!({
            "id": format!("chatcmpl-mock-{}", plan.id),
            "object": "chat.completion.chunk",
            "created": 1_700_000_000,
            "model": plan.model,
            "choices": [],
            "usage": {"prompt_tokens": plan.prompt_tokens, "completion_tokens": completion_tokens, "total_tokens": plan.prompt_tokens + completion_tokens},
        });
        events.push(Bytes::from(format!("data: {usage}\n\n")));
    }
    events.push(Bytes::from_static(b"data: [DONE]\n\n"));
    sse_response(events, plan.chunk_delay, plan.break_after, cancelled)
}

/// Streams `events` (whole SSE events), pausing `delay` between them and breaking the connection
/// after `break_after` of them; a stream dropped before its end counts as cancelled.
pub(super) fn sse_response(
    events: Vec<Bytes>,
    delay: Duration,
    break_after: Option<usize>,
    cancelled: Arc<AtomicU64>,
) -> Response<Body> {
    let state = (
        events.into_iter().enumerate(),
        CancelGuard {
            finished: false,
            cancelled,
        },
    );
    let body = stream::unfold(state, move |(mut events, mut guard)| async move {
        let (index, event) = match events.next() {
            Some(next) => next,
            None => {
                guard.finished = true;
                drop(guard);
                return None;
            }
        };
        if index > 0 && !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        if break_after.is_some_and(|n| index > n) {
            guard.finished = true;
            let error = io::Error::new(io::ErrorKind::ConnectionReset, "mock broke the stream");
            return Some((Err(error), (events, guard)));
        }
        Some((Ok(Frame::data(event)), (events, guard)))
    });
    let mut response = Response::new(BodyExt::boxed(StreamBody::new(body)));
    let headers = response.headers_mut();
    headers.insert(
        "content-type",
        hyper::header::HeaderValue::from_static("text/event-stream"),
    );
    headers.insert(
        "cache-control",
        hyper::header::HeaderValue::from_static("no-cache"),
    );
    response
}

pub(super) fn json_response(status: u16, value: &Value) -> Response<Body> {
    let mut response = Response::new(full(Bytes::from(value.to_string())));
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    response.headers_mut().insert(
        "content-type",
        hyper::header::HeaderValue::from_static("application/json"),
    );
    response
}

pub(super) fn error_response(
    status: u16,
    message: &str,
    code: Option<&str>,
    retry_after: Option<u64>,
) -> Response<Body> {
    let error_type = match status {
        400 | 404 | 422 => "invalid_request_error",
        401 => "authentication_error",
        429 => "rate_limit_exceeded",
        _ => "server_error",
    };
    let body = json!({"error": {"message": message, "type": error_type, "param": Value::Null, "code": code}});
    let mut response = json_response(status, &body);
    if let Some(seconds) = retry_after {
        if let Ok(value) = hyper::header::HeaderValue::from_str(&seconds.to_string()) {
            response.headers_mut().insert("retry-after", value);
        }
    }
    response
}

fn full(bytes: Bytes) -> Body {
    Full::new(bytes)
        .map_err(|never: Infallible| match never {})
        .boxed()
}
