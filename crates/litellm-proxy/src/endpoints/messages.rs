//! `/v1/messages` (`?beta=true` too, as the Anthropic SDK's beta namespace sends it) and
//! `/v1/messages/count_tokens`: Anthropic's Messages API, served by [`Provider::messages`]
//! (natively by `anthropic/…` deployments, through chat completions by every other), streaming or
//! not, with errors in Anthropic's shape. What LiteLLM 1.80 does and where this follows it: the
//! module doc of [`crate::messages`].

use crate::endpoints::ChatRequest;
use crate::error::ProxyError;
use crate::messages::{self, stream};
use crate::pipeline::{Endpoint, UpstreamStream};
use crate::providers::{BoxFuture, Call, Provider, Reply};
use crate::server::AppState;
use crate::sse::StreamEnd;
use crate::usage::Usage;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Json;
use serde_json::{json, Map, Value};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// The Messages endpoint.
pub struct Messages;

/// A Messages request as the providers receive it.
pub struct MessagesRequest {
    /// The client's body without LiteLLM's own keys (`litellm_metadata`, `num_retries`, ...),
    /// `model` being the requested name; `metadata` is Anthropic's and stays.
    pub body: Map<String, Value>,
    pub stream: bool,
    /// The client's `anthropic-version`, for an Anthropic upstream.
    pub anthropic_version: Option<String>,
    /// The client's `anthropic-beta`, for an Anthropic upstream.
    pub anthropic_beta: Option<String>,
    /// The chat request a deployment without Messages is sent, translated once on first use
    /// (retries and fallbacks reuse it).
    chat: OnceLock<Result<ChatRequest, ProxyError>>,
}

impl MessagesRequest {
    pub fn new(body: Map<String, Value>, headers: &HeaderMap) -> Self {
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        MessagesRequest {
            stream: body.get("stream").and_then(Value::as_bool) == Some(true),
            anthropic_version: header("anthropic-version"),
            anthropic_beta: header("anthropic-beta"),
            body,
            chat: OnceLock::new(),
        }
    }

    /// The request translated to chat completions (LiteLLM's adapter).
    pub fn chat(&self) -> Result<&ChatRequest, ProxyError> {
        self.chat
            .get_or_init(|| messages::bridge::to_chat_request(&self.body).map(ChatRequest::new))
            .as_ref()
            .map_err(Clone::clone)
    }
}

impl Endpoint for Messages {
    const ROUTE: &'static str = "/v1/messages";
    const CALL_TYPE: &'static str = "anthropic_messages";
    const METADATA_KEY: &'static str = "litellm_metadata";
    type Request = MessagesRequest;
    type Response = Reply;

    fn parse(body: Map<String, Value>) -> Result<MessagesRequest, ProxyError> {
        Self::parse_with_headers(body, &HeaderMap::new())
    }

    fn parse_with_headers(
        body: Map<String, Value>,
        headers: &HeaderMap,
    ) -> Result<MessagesRequest, ProxyError> {
        messages::check_request(&body)?;
        Ok(MessagesRequest::new(body, headers))
    }

    fn streams(request: &MessagesRequest) -> bool {
        request.stream
    }

    fn call<'a>(
        provider: &'a dyn Provider,
        client: &'a reqwest::Client,
        call: Call<'a, MessagesRequest>,
    ) -> BoxFuture<'a, Result<Reply, ProxyError>> {
        provider.messages(client, call)
    }

    fn usage(answer: &[u8]) -> Usage {
        messages::answer_usage(answer)
    }

    fn stream_body(
        _request: &MessagesRequest,
        upstream: UpstreamStream<'_>,
        on_end: impl FnOnce(StreamEnd) + Send + 'static,
    ) -> Body {
        Body::from_stream(stream::passthrough(
            upstream.first,
            upstream.rest,
            upstream.provider,
            upstream.idle,
            on_end,
        ))
    }
}

/// The Messages answer of a provider without Messages: its chat answer translated.
pub async fn via_chat(
    chat: BoxFuture<'_, Result<Reply, ProxyError>>,
    model: &str,
    provider: &str,
) -> Result<Reply, ProxyError> {
    match chat.await? {
        Reply::Complete(bytes) => {
            let completion: Value = serde_json::from_slice(&bytes)
                .map_err(|_| ProxyError::bad_answer(provider, "a completion that is not JSON"))?;
            let answer = messages::bridge::from_chat_response(&completion, provider)?;
            serde_json::to_vec(&answer)
                .map(|bytes| Reply::Complete(Bytes::from(bytes)))
                .map_err(|e| ProxyError::internal(e.to_string()))
        }
        Reply::Stream(events) => Ok(Reply::Stream(stream::chat_to_messages(
            events, model, provider,
        ))),
    }
}

/// Errors of the Messages routes in Anthropic's shape (the pipeline's stages answer OpenAI's).
pub async fn anthropic_errors(response: Response) -> Response {
    let status = response.status();
    if status.is_success() {
        return response;
    }
    let is_json = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !is_json {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 1024 * 1024).await else {
        return (
            status,
            Json(messages::error_body(&ProxyError::internal(
                "error body unreadable",
            ))),
        )
            .into_response();
    };
    match messages::reshape_error(status.as_u16(), &bytes) {
        Some(reshaped) => {
            let body = reshaped.to_string();
            parts.headers.remove("content-length");
            Response::from_parts(parts, Body::from(body))
        }
        None => Response::from_parts(parts, Body::from(bytes)),
    }
}

/// The Messages routes, their errors in Anthropic's shape.
pub fn routes() -> axum::Router<Arc<AppState>> {
    axum::Router::new()
        .route("/v1/messages", post(crate::pipeline::endpoint::<Messages>))
        .route("/v1/messages/count_tokens", post(count_tokens))
        .layer(axum::middleware::map_response(anthropic_errors))
}

/// The longest a count waits on Anthropic before counting locally.
const COUNT_TIMEOUT: Duration = Duration::from_secs(30);

fn count_error(status: u16, message: &str) -> Response {
    let error = ProxyError::new(
        status,
        crate::error::ErrorKind::BadRequest,
        message.to_string(),
    );
    (
        StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
        Json(messages::error_body(&error)),
    )
        .into_response()
}

/// `POST /v1/messages/count_tokens`: see [`crate::messages::count`].
pub async fn count_tokens(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let refuse = |e: ProxyError| {
        (
            StatusCode::from_u16(e.status).unwrap_or(StatusCode::UNAUTHORIZED),
            Json(messages::error_body(&e)),
        )
            .into_response()
    };
    let caller = match crate::auth::authenticate(&state, &headers).await {
        Ok(caller) => caller,
        Err(e) => return refuse(e),
    };
    let body: Map<String, Value> = match serde_json::from_slice(&body) {
        Ok(body) => body,
        Err(e) => return count_error(400, &format!("Invalid JSON body: {e}")),
    };
    let Some(model) = body
        .get("model")
        .and_then(Value::as_str)
        .filter(|m| !m.is_empty())
    else {
        return count_error(400, "model parameter is required");
    };
    // A virtual key's model access, as LiteLLM's auth checks the body's `model` on every route
    // (no budget or rate limit: counting is no model call).
    if let Some(key) = caller.key() {
        let alias_target = state.dispatcher.router.alias_target(model);
        if let Err(e) = crate::keys::check_model_access(&key.record().models, model, alias_target) {
            return refuse(e);
        }
    }
    let messages = match body.get("messages") {
        Some(messages @ Value::Array(list)) if !list.is_empty() => messages,
        _ => return count_error(400, "messages parameter is required"),
    };
    // One deployment of the group, as LiteLLM's `async_get_available_deployment`; LiteLLM counts
    // with its model (provider prefix removed, wildcard captures substituted), else with the
    // requested name.
    let router = &state.dispatcher.router;
    let chosen = router.resolve(model).and_then(|target| {
        let healthy = router.healthy(&target.deployments);
        let deployment = router
            .pick(&healthy)
            .and_then(|i| router.deployments.get(i).cloned())?;
        let upstream = match &target.captures {
            Some(captures) => litellm_check::litellm::routing::substitute_captures(
                &deployment.config.upstream_model,
                captures,
                &target.requested,
            ),
            None => deployment.config.upstream_model.clone(),
        };
        Some((deployment, upstream))
    });
    let model_to_use = chosen
        .as_ref()
        .map_or(model, |(_, upstream)| upstream.as_str());
    if let Some((deployment, _)) = &chosen {
        let call = Call {
            deployment: &deployment.config,
            request: messages,
            model: model_to_use,
            stream: false,
            timeout: COUNT_TIMEOUT,
        };
        let counted = deployment
            .provider
            .count_tokens(state.dispatcher.client(), call)
            .await;
        if let Ok(Some(tokens)) = counted {
            return Json(json!({"input_tokens": tokens})).into_response();
        }
    }
    let list = messages.as_array().map_or(&[][..], Vec::as_slice);
    match messages::count::local_count(model_to_use, list) {
        Ok(tokens) => Json(json!({"input_tokens": tokens})).into_response(),
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(messages::error_body(&e)),
        )
            .into_response(),
    }
}
