//! `/v1/responses` (also `/responses`): OpenAI's Responses API, served by
//! [`Provider::responses`] (native for OpenAI and Azure, LiteLLM's bridge through chat for the
//! others: [`crate::responses`]), streaming or not. `GET`/`DELETE /v1/responses/{id}` are in
//! [`crate::responses::lookup`].

use crate::error::ProxyError;
use crate::pipeline::{Endpoint, UpstreamStream};
use crate::providers::{BoxFuture, Call, Provider, Reply};
use crate::sse::StreamEnd;
use crate::usage::Usage;
use axum::body::Body;
use serde_json::{Map, Value};

/// The Responses endpoint.
pub struct Responses;

/// A Responses request as the providers receive it.
pub struct ResponsesRequest {
    /// The client's body without LiteLLM's own keys, `model` being the requested name.
    pub body: Map<String, Value>,
    pub stream: bool,
}

/// What OpenAI refuses before any upstream sees it: `input` that is neither text nor a list of
/// items, `stream` that is not a boolean, `tools` that is not a list.
fn check(body: &Map<String, Value>) -> Result<(), ProxyError> {
    let wrong = |param: &str, what: &str| {
        Err(
            ProxyError::bad_request(format!("Invalid type for '{param}': expected {what}."))
                .with_param(param),
        )
    };
    match body.get("input") {
        None | Some(Value::Null | Value::String(_) | Value::Array(_)) => {}
        Some(_) => return wrong("input", "a string or an array of input items"),
    }
    match body.get("stream") {
        None | Some(Value::Null | Value::Bool(_)) => {}
        Some(_) => return wrong("stream", "a boolean"),
    }
    match body.get("tools") {
        None | Some(Value::Null | Value::Array(_)) => {}
        Some(_) => return wrong("tools", "an array"),
    }
    Ok(())
}

impl Endpoint for Responses {
    const ROUTE: &'static str = "/responses";
    const CALL_TYPE: &'static str = "aresponses";
    /// `metadata` is the Responses API's own parameter (sent upstream natively).
    const METADATA_KEY: &'static str = "litellm_metadata";
    type Request = ResponsesRequest;
    type Response = Reply;

    fn parse(body: Map<String, Value>) -> Result<ResponsesRequest, ProxyError> {
        check(&body)?;
        let stream = body.get("stream").and_then(Value::as_bool).unwrap_or(false);
        Ok(ResponsesRequest { body, stream })
    }

    fn streams(request: &ResponsesRequest) -> bool {
        request.stream
    }

    fn call<'a>(
        provider: &'a dyn Provider,
        client: &'a reqwest::Client,
        call: Call<'a, ResponsesRequest>,
    ) -> BoxFuture<'a, Result<Reply, ProxyError>> {
        provider.responses(client, call)
    }

    /// The Responses `usage` (`input_tokens`, `output_tokens` and their details).
    fn usage(answer: &[u8]) -> Usage {
        serde_json::from_slice::<Value>(answer)
            .ok()
            .and_then(|v| {
                v.get("usage")
                    .filter(|u| u.is_object())
                    .map(crate::responses::types::usage_of)
            })
            .unwrap_or_default()
    }

    fn stream_body(
        _request: &ResponsesRequest,
        upstream: UpstreamStream<'_>,
        on_end: impl FnOnce(StreamEnd) + Send + 'static,
    ) -> Body {
        Body::from_stream(crate::responses::stream::respond(
            upstream.first,
            upstream.rest,
            upstream.provider,
            upstream.idle,
            on_end,
        ))
    }
}
