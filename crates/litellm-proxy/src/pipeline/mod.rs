//! The one request pipeline every model endpoint runs on. [`serve`] reads top to bottom as its
//! stages, one file each:
//!
//! | stage | file | what it does |
//! |---|---|---|
//! | auth | `auth.rs` ([`auth::authenticate`]), `keys.rs` ([`Keys::admit`](crate::keys::Keys::admit), after resolve) | the master key or a virtual key in any of LiteLLM's headers; a virtual key's model access, budget and rpm/tpm/parallel limits |
//! | parse | `pipeline/parse.rs` ([`parse::parse`]) | JSON body, `model` (body or path), LiteLLM's own keys (`num_retries`, `fallbacks`, `timeout`, `metadata`, ...) read into [`RouteOptions`] and removed, then the endpoint's [`Endpoint::parse`] |
//! | resolve | `router.rs` ([`Router::resolve`](crate::router::Router::resolve)) | exact name, alias, wildcard: the checker's one name resolver |
//! | dispatch | `dispatch.rs` ([`Dispatcher::run`](crate::dispatch::Dispatcher::run)) | deployment choice, retries, `order` tiers, fallbacks, cooldowns, timeouts, credential redaction, a stream's first piece |
//! | provider | `providers/` ([`Provider`]) | one upstream call in the provider's protocol, through the shared `providers/http.rs` |
//! | accounting | `accounting.rs` ([`Accounting`]) | usage, cost, metrics, spend row, the `x-litellm-*` headers, the response (a stream's end or a client that hangs up included) |
//!
//! A client that hangs up drops [`serve`]'s future, and with it the upstream call in flight
//! (non-streaming: nothing is recorded); a stream the client leaves ends in accounting as
//! `cancelled`, the upstream stream dropped with it.
//!
//! # Adding an endpoint
//!
//! An endpoint is a request type, a response type, a provider method and a route line. For
//! `/v1/embeddings`, say:
//!
//! 1. **Request type and endpoint**, in `src/endpoints/embeddings.rs` (declared in
//!    `src/endpoints/mod.rs`): a request struct (e.g. `EmbeddingsRequest { body: Map<String,
//!    Value> }`) and a unit struct `Embeddings` implementing [`Endpoint`]: `ROUTE` is the path
//!    LiteLLM names in its errors (`"/embeddings"`), `CALL_TYPE` the spend rows' `call_type`
//!    (LiteLLM's, `"aembedding"`), `parse` checks the body (it arrives without
//!    LiteLLM's keys, `model` set to the requested name) and refuses with a 400
//!    ([`ProxyError::bad_request`] + `with_param`) what no upstream would take, `Response` is what
//!    the provider method returns (`Bytes` for an answer that never streams, [`Reply`] when it may
//!    stream), and `call` is one line naming the provider method: `provider.embeddings(client,
//!    call)`. `streams`, `usage` and `stream_body` have defaults for OpenAI-shaped answers (no
//!    stream; the `usage` object of the answer; SSE passed through with usage read from any event
//!    that has one); override them when the answer is not OpenAI-shaped (Anthropic's `/v1/messages`
//!    reports usage in `message_start`/`message_delta` events, for instance). `chat.rs` beside it
//!    is the worked example.
//! 2. **Provider method**: in `src/providers/mod.rs`, a method on [`Provider`] whose default body is
//!    `unsupported(&call)` (LiteLLM's "Unmapped LLM provider for this endpoint" 400, so a provider
//!    without it needs no code):
//!    ```ignore
//!    fn embeddings<'a>(&'a self, client: &'a reqwest::Client, call: Call<'a, EmbeddingsRequest>)
//!        -> BoxFuture<'a, Result<Bytes, ProxyError>> { unsupported(&call) }
//!    ```
//!    then implement it in the providers that serve it (`openai.rs` serves every
//!    OpenAI-compatible upstream). [`Call`] carries the deployment, the request, the upstream model
//!    id (wildcard captures substituted), `stream` and the time limit; send with
//!    `providers/http.rs` (`send`, `body`, `json_object`, `event_stream`) so time limits, size caps,
//!    error mapping and redaction stay the same for every endpoint.
//! 3. **Route line**, in `server.rs::routes`: `.route("/v1/embeddings",
//!    post(pipeline::endpoint::<Embeddings>))` and the unversioned `/embeddings` (use
//!    [`endpoint_for`] for paths that carry the model, like `/openai/deployments/{model}/...`).
//!
//! Nothing else changes: retries, fallbacks, cooldowns, auth, spend rows, metrics, cost (priced by
//! the deployment's model from the usage), the `x-litellm-*` headers and cancellation come with the
//! pipeline. Test it in its own `tests/proxy_<endpoint>.rs` against the mock.

pub mod parse;

pub use parse::{Parsed, RouteOptions};

use crate::accounting::Accounting;
use crate::auth;
use crate::error::ProxyError;
use crate::providers::{BoxFuture, Call, EventStream, Provider, Reply};
use crate::server::AppState;
use crate::sse::{self, StreamEnd};
use crate::usage::Usage;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

/// One model endpoint (chat completions, embeddings, ...): what its request is, which provider
/// method serves it, and how its answer is read for accounting. See the module doc for how to add
/// one. The implementing type is a marker (`pub struct ChatCompletions;`); nothing is stored in it.
pub trait Endpoint: Send + Sync + 'static {
    /// The route as LiteLLM names it in its errors (`/chat/completions`).
    const ROUTE: &'static str;

    /// The spend row's `call_type`: the name of the LiteLLM function serving the route, as
    /// LiteLLM logs it (`CallTypes` in `litellm/types/utils.py`): `acompletion`, `aembedding`,
    /// `atext_completion`, `aresponses`, `anthropic_messages`.
    const CALL_TYPE: &'static str;

    /// The body key of LiteLLM's own request metadata (the spend row's `metadata`): `metadata`,
    /// or `litellm_metadata` where `metadata` is a parameter of the upstream API, which then goes
    /// upstream (LiteLLM's `LITELLM_METADATA_ROUTES`: `responses`, `/v1/messages`, batches,
    /// files; `_get_metadata_variable_name` in `litellm/proxy/litellm_pre_call_utils.py`).
    const METADATA_KEY: &'static str = "metadata";

    /// The parsed, checked request: built once per client request and lent to every attempt
    /// (retries and fallbacks); the provider method receives it in a [`Call`].
    type Request: Send + Sync + 'static;

    /// What the provider method answers: `Bytes` for an endpoint that never streams, [`Reply`]
    /// for one that may.
    type Response: Into<Reply> + Send + 'static;

    /// The endpoint's part of the parse stage. `body` comes without LiteLLM's own keys (read into
    /// [`RouteOptions`] before) and with `model` set to the requested name (from the body or the
    /// path). Refuse here, with a 400 naming the parameter, what no upstream would accept: such a
    /// request then costs no upstream call, retry or cooldown.
    fn parse(body: Map<String, Value>) -> Result<Self::Request, ProxyError>;

    /// [`Endpoint::parse`] for an endpoint that also reads request headers (Messages forwards
    /// `anthropic-version` and `anthropic-beta`); by default the headers are not read.
    fn parse_with_headers(
        body: Map<String, Value>,
        headers: &HeaderMap,
    ) -> Result<Self::Request, ProxyError> {
        let _ = headers;
        Self::parse(body)
    }

    /// Whether the request asks for a stream (its time limit is then `stream_timeout`, and the
    /// provider must answer [`Reply::Stream`]).
    fn streams(request: &Self::Request) -> bool {
        let _ = request;
        false
    }

    /// The provider stage: the [`Provider`] method serving this endpoint, e.g.
    /// `provider.chat(client, call)`.
    fn call<'a>(
        provider: &'a dyn Provider,
        client: &'a reqwest::Client,
        call: Call<'a, Self::Request>,
    ) -> BoxFuture<'a, Result<Self::Response, ProxyError>>;

    /// The token counts of a complete answer; by default its OpenAI `usage` object.
    fn usage(answer: &[u8]) -> Usage {
        Usage::of_answer(answer)
    }

    /// The client's body for a streamed answer; by default the upstream's server-sent events as
    /// they arrive, with usage read from any event that carries an OpenAI `usage` object.
    /// `on_end` must be called exactly once: at the end, on an error, or when the client drops
    /// the body (`sse::passthrough` does all three).
    fn stream_body(
        request: &Self::Request,
        upstream: UpstreamStream<'_>,
        on_end: impl FnOnce(StreamEnd) + Send + 'static,
    ) -> Body {
        let _ = request;
        Body::from_stream(sse::passthrough(
            upstream.first,
            upstream.rest,
            upstream.provider,
            upstream.idle,
            true,
            on_end,
        ))
    }
}

/// An upstream stream whose first piece dispatch has read (so a stream that fails at once could
/// still be retried or fall back).
pub struct UpstreamStream<'a> {
    pub first: Bytes,
    pub rest: EventStream,
    /// The provider's name, for an idle-timeout error.
    pub provider: &'a str,
    /// The longest wait for the next piece (`stream_timeout`).
    pub idle: Duration,
}

/// The axum handler of an endpoint whose model is in the body: `post(endpoint::<E>)`.
pub async fn endpoint<E: Endpoint>(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    serve::<E>(state, peer, headers, body, None).await
}

/// The axum handler of an endpoint whose model is in the path (`/engines/{model}/...`,
/// `/openai/deployments/{model}/...`): `post(endpoint_for::<E>)`.
pub async fn endpoint_for<E: Endpoint>(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(model): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    serve::<E>(state, peer, headers, body, Some(model)).await
}

/// One request through every stage.
pub async fn serve<E: Endpoint>(
    state: Arc<AppState>,
    peer: SocketAddr,
    headers: HeaderMap,
    body: Bytes,
    path_model: Option<String>,
) -> Response {
    let started = Instant::now();
    let start_time = SystemTime::now();
    // Auth.
    let caller = match auth::authenticate(&state, &headers).await {
        Ok(caller) => caller,
        Err(e) => return e.into_response(),
    };
    // Parse.
    let parsed = match parse::parse::<E>(&body, path_model, &headers) {
        Ok(parsed) => parsed,
        Err(e) => return e.into_response(),
    };
    // Resolve.
    let Some(target) = state.dispatcher.router.resolve(&parsed.model) else {
        return unknown_model(E::ROUTE, &parsed.model).into_response();
    };
    // A virtual key's model access, budget and limits (auth, once the model is known); it holds
    // a parallel-request place until accounting closes the call.
    let permit = match caller.key() {
        Some(key) => match state
            .keys
            .admit(
                key,
                &parsed.model,
                state.dispatcher.router.alias_target(&parsed.model),
            )
            .await
        {
            Ok(permit) => Some(permit),
            Err(e) => return e.into_response(),
        },
        None => None,
    };
    // Accounting opens: who asked and when.
    let accounting = Accounting::open(
        state.clone(),
        caller.key_hash(state.master_key_hash.as_ref()),
        permit,
        parsed.user,
        parsed.metadata,
        peer.ip(),
        start_time,
        started,
    );
    // Dispatch, which calls the provider once per attempt.
    let outcome = state
        .dispatcher
        .run::<E>(target, &parsed.request, &parsed.options)
        .await;
    // Accounting closes: the answer, its headers, its row.
    match outcome {
        Ok(success) => accounting.answered::<E>(&parsed.request, success),
        Err(failure) => accounting.failed::<E>(&parsed.model, failure),
    }
}

fn unknown_model(route: &str, model: &str) -> ProxyError {
    ProxyError::bad_request(format!(
        "{route}: Invalid model name passed in model={model}. Call /v1/models to view available models for your key."
    ))
    .with_param("model")
}
