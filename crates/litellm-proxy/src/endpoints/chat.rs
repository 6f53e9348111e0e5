//! `/v1/chat/completions` (also `/chat/completions`, `/engines/{model}/chat/completions` and
//! `/openai/deployments/{model}/chat/completions`, as LiteLLM's proxy routes them): OpenAI's chat
//! request, checked as OpenAI checks it (`validate.rs`), served by [`Provider::chat`], streaming
//! or not.

use crate::error::ProxyError;
use crate::pipeline::{Endpoint, UpstreamStream};
use crate::providers::{BoxFuture, Call, Provider, Reply, UpstreamBody};
use crate::sse::{self, StreamEnd};
use axum::body::Body;
use serde_json::{Map, Value};

/// The chat completions endpoint.
pub struct ChatCompletions;

/// A chat request as the providers receive it.
pub struct ChatRequest {
    /// The client's body without LiteLLM's own keys, `model` being the requested name (each
    /// upstream call replaces it with the deployment's model: [`Call::body`]).
    pub body: Map<String, Value>,
    pub stream: bool,
    /// `stream_options.include_usage`: the client wants the usage chunk the proxy always asks
    /// for (it is hidden otherwise, as LiteLLM hides it).
    pub wants_usage: bool,
}

impl ChatRequest {
    /// A request of this body (checked by the caller).
    pub fn new(body: Map<String, Value>) -> Self {
        let stream = body.get("stream").and_then(Value::as_bool).unwrap_or(false);
        let wants_usage = body
            .get("stream_options")
            .and_then(|o| o.get("include_usage"))
            .and_then(Value::as_bool)
            .unwrap_or(false);
        ChatRequest {
            body,
            stream,
            wants_usage,
        }
    }
}

impl<'a> Call<'a, ChatRequest> {
    /// The OpenAI body of this upstream call: the client's, with the deployment's model and
    /// defaults, and (streaming) a request for the usage chunk.
    pub fn body(&self) -> UpstreamBody<'a> {
        UpstreamBody {
            request: &self.request.body,
            model: self.model,
            defaults: &self.deployment.default_params,
            stream: self.stream,
        }
    }
}

impl Endpoint for ChatCompletions {
    const ROUTE: &'static str = "/chat/completions";
    const CALL_TYPE: &'static str = "acompletion";
    type Request = ChatRequest;
    type Response = Reply;

    fn parse(body: Map<String, Value>) -> Result<ChatRequest, ProxyError> {
        crate::validate::chat_request(&body)?;
        Ok(ChatRequest::new(body))
    }

    fn streams(request: &ChatRequest) -> bool {
        request.stream
    }

    fn call<'a>(
        provider: &'a dyn Provider,
        client: &'a reqwest::Client,
        call: Call<'a, ChatRequest>,
    ) -> BoxFuture<'a, Result<Reply, ProxyError>> {
        provider.chat(client, call)
    }

    fn stream_body(
        request: &ChatRequest,
        upstream: UpstreamStream<'_>,
        on_end: impl FnOnce(StreamEnd) + Send + 'static,
    ) -> Body {
        Body::from_stream(sse::passthrough(
            upstream.first,
            upstream.rest,
            upstream.provider,
            upstream.idle,
            request.wants_usage,
            on_end,
        ))
    }
}
