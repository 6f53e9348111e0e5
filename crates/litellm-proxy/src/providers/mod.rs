//! Upstream providers behind one trait, [`Provider`], with one method per endpoint: each file
//! turns an endpoint's request into its provider's wire format and the answer back into the
//! endpoint's (for chat: bytes of a `chat.completion`, or SSE events of `chat.completion.chunk`s).
//! `openai.rs` serves every OpenAI-compatible upstream; `anthropic/` (Anthropic's Messages API),
//! `gemini.rs` (Google AI Studio) and `azure.rs` (Azure OpenAI) speak their own protocols. Every
//! provider sends through `http.rs`, which owns time limits, size caps and the error path. An
//! endpoint method a provider does not implement answers [`unsupported`], as LiteLLM does; how to
//! add an endpoint method: the module doc of [`crate::pipeline`].

pub mod anthropic;
pub mod azure;
pub mod event_translation;
pub mod gemini;
mod gemini_embed;
mod http;
mod openai;
pub mod responses;
mod text_bridge;

use super::config::DeploymentConfig;
use super::endpoints::{ChatRequest, CompletionRequest, EmbeddingsRequest, MessagesRequest};
use super::error::ProxyError;
use bytes::Bytes;
use futures_util::Stream;
use litellm_check::provider_routes::{Route, Wire};
use serde_json::{Map, Value};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

pub use anthropic::Anthropic;
pub use openai::OpenAiCompatible;

/// OpenAI `chat.completion.chunk` SSE bytes, in the pieces they arrived in.
pub type EventStream = Pin<Box<dyn Stream<Item = Result<Bytes, ProxyError>> + Send>>;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The OpenAI request body for one upstream call, as a view over the client's request: the
/// upstream model id replaces `model`, the deployment's defaults fill what the request leaves
/// unset, and a stream asks for usage. Serializing the view costs no copy of the messages.
#[derive(Clone, Copy)]
pub struct UpstreamBody<'a> {
    pub request: &'a Map<String, Value>,
    pub model: &'a str,
    pub defaults: &'a Map<String, Value>,
    pub stream: bool,
}

impl serde::Serialize for UpstreamBody<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("model", self.model)?;
        for (key, value) in self.request {
            match key.as_str() {
                "model" => {}
                "stream_options" if self.stream => {
                    let mut options = value.as_object().cloned().unwrap_or_default();
                    options.insert("include_usage".into(), Value::Bool(true));
                    map.serialize_entry(key, &options)?;
                }
                _ => map.serialize_entry(key, value)?,
            }
        }
        for (key, value) in self.defaults {
            if !self.request.contains_key(key) && key != "model" {
                map.serialize_entry(key, value)?;
            }
        }
        if self.stream && !self.request.contains_key("stream_options") {
            map.serialize_entry(
                "stream_options",
                &serde_json::json!({"include_usage": true}),
            )?;
        }
        map.end()
    }
}

impl UpstreamBody<'_> {
    /// The body as an owned map, for providers that translate it.
    pub fn to_map(&self) -> Map<String, Value> {
        match serde_json::to_value(self) {
            Ok(Value::Object(map)) => map,
            _ => Map::new(),
        }
    }
}

/// One upstream call of an endpoint: what a provider method receives.
pub struct Call<'a, R> {
    pub deployment: &'a DeploymentConfig,
    /// The endpoint's request, as its parse stage built it (shared by every attempt).
    pub request: &'a R,
    /// The model id sent upstream: the deployment's, with wildcard captures substituted.
    pub model: &'a str,
    /// The request asks for a stream: answer [`Reply::Stream`].
    pub stream: bool,
    /// Non-streaming: the whole call; streaming: until the response headers.
    pub timeout: Duration,
}

/// One upstream chat call; [`Call::body`] is its OpenAI body.
pub type ChatCall<'a> = Call<'a, ChatRequest>;

/// What a provider answered, in the endpoint's own format.
pub enum Reply {
    /// The complete answer (for chat, a `chat.completion` JSON body).
    Complete(Bytes),
    /// Server-sent events in the endpoint's format, in the pieces they arrived in.
    Stream(EventStream),
}

/// For endpoints that never stream, whose provider methods answer bytes.
impl From<Bytes> for Reply {
    fn from(bytes: Bytes) -> Self {
        Reply::Complete(bytes)
    }
}

/// An upstream provider: one method per endpoint, each with a default that answers LiteLLM's
/// "Unmapped LLM provider for this endpoint" error ([`unsupported`]), so a provider implements
/// only the endpoints it serves.
pub trait Provider: Send + Sync {
    /// `/chat/completions`, streaming (`call.stream`) or not.
    fn chat<'a>(
        &'a self,
        client: &'a reqwest::Client,
        call: ChatCall<'a>,
    ) -> BoxFuture<'a, Result<Reply, ProxyError>> {
        let _ = client;
        unsupported(&call)
    }

    /// `/v1/messages` (Anthropic's Messages API), streaming or not. By default through this
    /// provider's chat completions, translated both ways as LiteLLM's adapter does
    /// ([`crate::messages::bridge`], [`crate::messages::stream`]); Anthropic answers natively.
    fn messages<'a>(
        &'a self,
        client: &'a reqwest::Client,
        call: Call<'a, MessagesRequest>,
    ) -> BoxFuture<'a, Result<Reply, ProxyError>> {
        Box::pin(async move {
            let chat = Call {
                deployment: call.deployment,
                request: call.request.chat()?,
                model: call.model,
                stream: call.stream,
                timeout: call.timeout,
            };
            let provider = call.deployment.provider.as_str();
            crate::endpoints::messages::via_chat(self.chat(client, chat), call.model, provider)
                .await
        })
    }

    /// `/v1/messages/count_tokens`: the tokens of `call.request` (Anthropic-shaped messages) by
    /// the provider's own counting API; `Ok(None)` when it has none (the caller then counts
    /// locally, as LiteLLM's `token_counter` does).
    fn count_tokens<'a>(
        &'a self,
        client: &'a reqwest::Client,
        call: Call<'a, Value>,
    ) -> BoxFuture<'a, Result<Option<u64>, ProxyError>> {
        let _ = (client, call);
        Box::pin(std::future::ready(Ok(None)))
    }

    /// `/responses`: LiteLLM's bridge through [`Provider::chat`] by default (the request as a chat
    /// request, the answer or stream as a Responses one); providers with a native Responses API
    /// (OpenAI, Azure) override it.
    fn responses<'a>(
        &'a self,
        client: &'a reqwest::Client,
        call: responses::ResponsesCall<'a>,
    ) -> BoxFuture<'a, Result<Reply, ProxyError>> {
        responses::bridged(self, client, call)
    }

    /// `GET` (or `DELETE`) of a response this deployment made, by the upstream's id; `None` when
    /// the provider stores no responses (a bridged call).
    fn lookup_response<'a>(
        &'a self,
        client: &'a reqwest::Client,
        deployment: &'a DeploymentConfig,
        method: reqwest::Method,
        upstream_id: &'a str,
        id: &'a str,
    ) -> Option<BoxFuture<'a, Result<Value, ProxyError>>> {
        let _ = (client, deployment, method, upstream_id, id);
        None
    }

    /// `/completions` (legacy text completions), streaming (`call.stream`) or not: the answer
    /// is a `text_completion` (or SSE of its chunks).
    fn completions<'a>(
        &'a self,
        client: &'a reqwest::Client,
        call: Call<'a, CompletionRequest>,
    ) -> BoxFuture<'a, Result<Reply, ProxyError>> {
        let _ = client;
        unsupported(&call)
    }

    /// `/embeddings`: the answer is an OpenAI embeddings list (`{"object": "list", "data":
    /// [{"object": "embedding", "index", "embedding"}], "model", "usage"}`).
    fn embeddings<'a>(
        &'a self,
        client: &'a reqwest::Client,
        call: Call<'a, EmbeddingsRequest>,
    ) -> BoxFuture<'a, Result<Bytes, ProxyError>> {
        let _ = client;
        unsupported(&call)
    }
}

/// What LiteLLM raises when a provider has no implementation of an endpoint
/// (`LiteLLMUnknownProvider`, a `BadRequestError`: 400, not retried, no cooldown; fallbacks
/// apply), naming the upstream model and the provider as LiteLLM's message does.
pub fn unsupported<'a, R, T: Send + 'a>(
    call: &Call<'_, R>,
) -> BoxFuture<'a, Result<T, ProxyError>> {
    let error = ProxyError::bad_request(format!(
        "litellm.BadRequestError: Unmapped LLM provider for this endpoint. You passed model={}, custom_llm_provider={}. Check supported provider and route: https://docs.litellm.ai/docs/providers",
        call.model, call.deployment.provider
    ));
    Box::pin(std::future::ready(Err(error)))
}

/// The route of a provider this proxy has an implementation for.
fn implemented(provider: &str) -> Option<&'static Route> {
    litellm_check::provider_routes::route(provider).filter(|r| {
        matches!(
            r.wire,
            Wire::OpenAiCompatible | Wire::Anthropic | Wire::Gemini | Wire::Azure
        )
    })
}

/// Whether this proxy can call deployments of `provider`.
pub fn is_supported(provider: &str) -> bool {
    implemented(provider).is_some()
}

/// The first env var LiteLLM reads a provider's key from when `api_key` is not given.
pub fn default_key_env(provider: &str) -> Option<&'static str> {
    litellm_check::provider_routes::route(provider).and_then(|r| r.key_env.first().copied())
}

/// The key LiteLLM would use when the deployment gives no `api_key`: the provider's key env
/// vars in LiteLLM's order.
pub fn default_api_key<'e>(
    provider: &str,
    env: &'e litellm_check::env::Environment,
) -> Option<&'e str> {
    litellm_check::provider_routes::route(provider)?.default_api_key(env)
}

/// Azure's `api_version` when the deployment gives none.
pub fn default_api_version(
    provider: &str,
    env: &litellm_check::env::Environment,
) -> Option<String> {
    (provider == "azure")
        .then(|| env.get("AZURE_API_VERSION"))
        .flatten()
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

/// Azure's AD token when the deployment gives none (never printed or logged).
pub fn default_ad_token(provider: &str, env: &litellm_check::env::Environment) -> Option<String> {
    (provider == "azure")
        .then(|| env.get("AZURE_AD_TOKEN"))
        .flatten()
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

/// `api_base` when the deployment gives none: the provider's env override, then its public URL.
pub fn default_api_base(provider: &str, env: &litellm_check::env::Environment) -> Option<String> {
    litellm_check::provider_routes::route(provider)?.default_api_base(env)
}

/// The implementation serving a deployment.
pub fn for_deployment(deployment: &DeploymentConfig) -> Option<Arc<dyn Provider>> {
    let route = implemented(&deployment.provider)?;
    match route.wire {
        Wire::OpenAiCompatible => Some(Arc::new(OpenAiCompatible::new(
            route.provider,
            deployment.api_base.as_deref(),
        )) as Arc<dyn Provider>),
        Wire::Anthropic => Some(Arc::new(Anthropic::new(deployment.api_base.as_deref()))),
        Wire::Gemini => Some(Arc::new(gemini::Gemini::new(deployment))),
        Wire::Azure => Some(Arc::new(azure::Azure::new(deployment))),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    /// A provider that implements no endpoint.
    struct Nothing;
    impl Provider for Nothing {}

    #[tokio::test]
    async fn an_endpoint_a_provider_lacks_is_litellms_unmapped_provider_error() {
        let config = serde_json::json!({"model_list": [{"model_name": "m", "litellm_params": {"model": "anthropic/claude-x", "api_key": "k"}}]});
        let mut proxy = crate::config::ProxyConfig::from_text(
            &config.to_string(),
            &litellm_check::env::Environment::empty(),
        )
        .unwrap();
        let deployment = proxy.deployments.remove(0);
        let request = ChatRequest::new(Map::new());
        let call = Call {
            deployment: &deployment,
            request: &request,
            model: "claude-x",
            stream: false,
            timeout: Duration::from_secs(1),
        };
        let client = crate::http_client().unwrap();
        let error = match Nothing.chat(&client, call).await {
            Err(error) => error,
            Ok(_) => panic!("answered"),
        };
        assert_eq!(error.status, 400);
        assert_eq!(
            error.message,
            "litellm.BadRequestError: Unmapped LLM provider for this endpoint. You passed model=claude-x, custom_llm_provider=anthropic. Check supported provider and route: https://docs.litellm.ai/docs/providers"
        );
        assert_eq!(error.error_type.as_deref(), Some("invalid_request_error"));
    }
}
