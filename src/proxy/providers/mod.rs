//! Upstream providers behind one trait: each file turns an OpenAI-shaped chat request into its
//! provider's wire format and the answer back into OpenAI's (bytes of a completion, or SSE events
//! of `chat.completion.chunk`s). `openai.rs` serves every OpenAI-compatible upstream.

mod openai;

use super::config::DeploymentConfig;
use super::error::ProxyError;
use bytes::Bytes;
use futures_util::Stream;
use serde_json::{Map, Value};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

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
}

/// (prefix, default api_base, env var holding the default key, env var overriding the base).
const OPENAI_COMPATIBLE: &[(&str, &str, &str, &str)] = &[
    (
        "openai",
        "https://api.openai.com/v1",
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
    ),
    (
        "custom_openai",
        "https://api.openai.com/v1",
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
    ),
    ("openai_like", "", "OPENAI_LIKE_API_KEY", ""),
    (
        "hosted_vllm",
        "",
        "HOSTED_VLLM_API_KEY",
        "HOSTED_VLLM_API_BASE",
    ),
    (
        "litellm_proxy",
        "",
        "LITELLM_PROXY_API_KEY",
        "LITELLM_PROXY_API_BASE",
    ),
    (
        "lm_studio",
        "http://localhost:1234/v1",
        "LM_STUDIO_API_KEY",
        "LM_STUDIO_API_BASE",
    ),
    (
        "llamafile",
        "http://127.0.0.1:8080/v1",
        "LLAMAFILE_API_KEY",
        "LLAMAFILE_API_BASE",
    ),
    (
        "groq",
        "https://api.groq.com/openai/v1",
        "GROQ_API_KEY",
        "GROQ_API_BASE",
    ),
    (
        "deepseek",
        "https://api.deepseek.com/v1",
        "DEEPSEEK_API_KEY",
        "DEEPSEEK_API_BASE",
    ),
    (
        "mistral",
        "https://api.mistral.ai/v1",
        "MISTRAL_API_KEY",
        "MISTRAL_API_BASE",
    ),
    (
        "together_ai",
        "https://api.together.xyz/v1",
        "TOGETHERAI_API_KEY",
        "TOGETHERAI_API_BASE",
    ),
    (
        "fireworks_ai",
        "https://api.fireworks.ai/inference/v1",
        "FIREWORKS_API_KEY",
        "FIREWORKS_API_BASE",
    ),
    (
        "deepinfra",
        "https://api.deepinfra.com/v1/openai",
        "DEEPINFRA_API_KEY",
        "DEEPINFRA_API_BASE",
    ),
    (
        "perplexity",
        "https://api.perplexity.ai",
        "PERPLEXITYAI_API_KEY",
        "PERPLEXITY_API_BASE",
    ),
    ("xai", "https://api.x.ai/v1", "XAI_API_KEY", "XAI_API_BASE"),
    (
        "cerebras",
        "https://api.cerebras.ai/v1",
        "CEREBRAS_API_KEY",
        "CEREBRAS_API_BASE",
    ),
    (
        "openrouter",
        "https://openrouter.ai/api/v1",
        "OPENROUTER_API_KEY",
        "OPENROUTER_API_BASE",
    ),
    (
        "nvidia_nim",
        "https://integrate.api.nvidia.com/v1",
        "NVIDIA_NIM_API_KEY",
        "NVIDIA_NIM_API_BASE",
    ),
    (
        "sambanova",
        "https://api.sambanova.ai/v1",
        "SAMBANOVA_API_KEY",
        "SAMBANOVA_API_BASE",
    ),
];

fn entry(
    provider: &str,
) -> Option<&'static (&'static str, &'static str, &'static str, &'static str)> {
    OPENAI_COMPATIBLE
        .iter()
        .find(|(name, ..)| *name == provider)
}

/// Whether this proxy can call deployments of `provider`.
pub fn is_supported(provider: &str) -> bool {
    entry(provider).is_some()
}

/// The env var LiteLLM reads a provider's key from when `api_key` is not given.
pub fn default_key_env(provider: &str) -> Option<&'static str> {
    entry(provider).map(|(_, _, key, _)| *key)
}

/// `api_base` when the deployment gives none: the provider's env override, then its public URL.
pub fn default_api_base(provider: &str, env: &crate::env::Environment) -> Option<String> {
    let (_, url, _, base_env) = entry(provider)?;
    let from_env = (!base_env.is_empty()).then(|| env.get(base_env)).flatten();
    let from_env = from_env.or_else(|| {
        (*provider == *"openai")
            .then(|| env.get("OPENAI_API_BASE"))
            .flatten()
    });
    from_env
        .map(str::to_string)
        .or_else(|| (!url.is_empty()).then(|| url.to_string()))
}

/// The implementation serving a deployment.
pub fn for_deployment(deployment: &DeploymentConfig) -> Option<Arc<dyn Provider>> {
    is_supported(&deployment.provider).then(|| {
        Arc::new(OpenAiCompatible::new(
            &deployment.provider,
            deployment.api_base.as_deref(),
        )) as Arc<dyn Provider>
    })
}
