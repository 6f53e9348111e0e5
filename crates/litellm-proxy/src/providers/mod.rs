//! Upstream providers behind one trait: each file turns an OpenAI-shaped chat request into its
//! provider's wire format and the answer back into OpenAI's (bytes of a completion, or SSE events
//! of `chat.completion.chunk`s). `openai.rs` serves every OpenAI-compatible upstream;
//! `gemini.rs` (Google AI Studio) and `azure.rs` (Azure OpenAI) speak their own protocols.

pub mod anthropic;
pub mod azure;
pub mod gemini;
mod http;
mod openai;
pub mod responses;

use super::config::DeploymentConfig;
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

/// One upstream chat call.
pub struct ChatCall<'a> {
    pub deployment: &'a DeploymentConfig,
    pub body: UpstreamBody<'a>,
    pub stream: bool,
    /// Non-streaming: the whole call; streaming: until the response headers.
    pub timeout: Duration,
}

pub enum ChatReply {
    /// A complete `chat.completion` JSON body.
    Complete(Bytes),
    Stream(EventStream),
}

pub trait Provider: Send + Sync {
    fn chat<'a>(
        &'a self,
        client: &'a reqwest::Client,
        call: ChatCall<'a>,
    ) -> BoxFuture<'a, Result<ChatReply, ProxyError>>;

    /// A Responses API call; by default LiteLLM's bridge through [`Provider::chat`]. Providers
    /// with a native Responses API (OpenAI, Azure) override it.
    fn responses<'a>(
        &'a self,
        client: &'a reqwest::Client,
        call: responses::ResponsesCall<'a>,
    ) -> BoxFuture<'a, Result<ChatReply, ProxyError>> {
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
