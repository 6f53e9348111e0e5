//! `/v1/completions` (also `/completions`, `/engines/{model}/completions` and
//! `/openai/deployments/{model}/completions`, as LiteLLM's proxy routes them): OpenAI's legacy
//! text completions, served by [`Provider::completions`], streaming or not.
//!
//! As LiteLLM 1.80's `litellm/proxy/proxy_server.py::completion` and `litellm.atext_completion`:
//! the body goes to the deployment's `/completions` with its model id and the deployment's
//! default parameters (as chat), `text-completion-openai/` and OpenAI-compatible deployments
//! alike. `prompt` must be a string, a list of strings, a list of token ids or a list of token-id
//! lists (OpenAI's `CompletionCreateParams`); anything else is a 400 naming `prompt`. Streams ask
//! the upstream for its usage chunk and pass `text_completion` chunks through, the usage chunk
//! shown only when the client asked for it (`stream_options.include_usage`), as for chat.

use crate::error::ProxyError;
use crate::pipeline::{Endpoint, UpstreamStream};
use crate::providers::{BoxFuture, Call, Provider, Reply, UpstreamBody};
use crate::sse::{self, StreamEnd};
use axum::body::Body;
use serde_json::{Map, Value};

/// The text completions endpoint.
pub struct TextCompletions;

/// A text completion request as the providers receive it.
pub struct CompletionRequest {
    /// The client's body without LiteLLM's own keys, `model` being the requested name.
    pub body: Map<String, Value>,
    pub stream: bool,
    /// `stream_options.include_usage`: the client wants the usage chunk.
    pub wants_usage: bool,
}

impl<'a> Call<'a, CompletionRequest> {
    /// The OpenAI body of this upstream call: the client's, with the deployment's model and
    /// defaults, and (streaming) a request for the usage chunk.
    pub fn completion_body(&self) -> UpstreamBody<'a> {
        UpstreamBody {
            request: &self.request.body,
            model: self.model,
            defaults: &self.deployment.default_params,
            stream: self.stream,
        }
    }
}

/// OpenAI's accepted `prompt` shapes.
fn check_prompt(prompt: Option<&Value>) -> Result<(), ProxyError> {
    let is_token = |v: &Value| v.as_u64().is_some();
    let ok = match prompt {
        None | Some(Value::Null) => {
            return Err(ProxyError::bad_request(
                "litellm.BadRequestError: `prompt` is required for text completions",
            )
            .with_param("prompt"))
        }
        Some(Value::String(_)) => true,
        Some(Value::Array(items)) => {
            !items.is_empty()
                && (items.iter().all(Value::is_string)
                    || items.iter().all(is_token)
                    || items
                        .iter()
                        .all(|i| i.as_array().is_some_and(|t| t.iter().all(is_token))))
        }
        Some(_) => false,
    };
    if ok {
        return Ok(());
    }
    Err(ProxyError::bad_request(
        "litellm.BadRequestError: `prompt` must be a string, a list of strings, a list of token ids or a list of token-id lists",
    )
    .with_param("prompt"))
}

impl Endpoint for TextCompletions {
    const ROUTE: &'static str = "/completions";
    const CALL_TYPE: &'static str = "atext_completion";
    type Request = CompletionRequest;
    type Response = Reply;

    fn parse(body: Map<String, Value>) -> Result<CompletionRequest, ProxyError> {
        check_prompt(body.get("prompt"))?;
        let stream = match body.get("stream") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => {
                return Err(ProxyError::bad_request(
                    "litellm.BadRequestError: `stream` must be a boolean",
                )
                .with_param("stream"))
            }
        };
        let wants_usage = body
            .get("stream_options")
            .and_then(|o| o.get("include_usage"))
            .and_then(Value::as_bool)
            .unwrap_or(false);
        Ok(CompletionRequest {
            body,
            stream,
            wants_usage,
        })
    }

    fn streams(request: &CompletionRequest) -> bool {
        request.stream
    }

    fn call<'a>(
        provider: &'a dyn Provider,
        client: &'a reqwest::Client,
        call: Call<'a, CompletionRequest>,
    ) -> BoxFuture<'a, Result<Reply, ProxyError>> {
        provider.completions(client, call)
    }

    fn stream_body(
        request: &CompletionRequest,
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use serde_json::json;

    #[test]
    fn prompt_shapes_are_openais() {
        let parse = |v: Value| TextCompletions::parse(v.as_object().unwrap().clone());
        for good in [json!("hi"), json!(["a"]), json!([1, 2]), json!([[1], [2]])] {
            assert!(
                parse(json!({"model": "m", "prompt": good})).is_ok(),
                "{good}"
            );
        }
        for bad in [json!(null), json!([]), json!(1), json!(["a", 1]), json!({})] {
            assert!(
                parse(json!({"model": "m", "prompt": bad})).is_err(),
                "{bad}"
            );
        }
        assert!(parse(json!({"model": "m", "prompt": "x", "stream": "yes"})).is_err());
        let streamed = parse(json!({"model": "m", "prompt": "x", "stream": true, "stream_options": {"include_usage": true}})).unwrap();
        assert!(streamed.stream && streamed.wants_usage);
    }
}
