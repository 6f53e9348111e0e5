//! Anthropic's Messages API (`anthropic/…` deployments), translated as LiteLLM's
//! `AnthropicConfig` does: the OpenAI request becomes a `/v1/messages` body (system messages
//! hoisted, roles merged to alternate, tools and images converted, `max_tokens` defaulted), the
//! answer becomes a `chat.completion`, and a stream's events become `chat.completion.chunk`s as
//! they arrive, ending with a usage chunk and `[DONE]`.

use super::{BoxFuture, ChatCall, Provider, Reply};
use crate::error::{ErrorKind, ProxyError};
use crate::sse::event_end;
use bytes::{Bytes, BytesMut};
use futures_util::{Stream, StreamExt};
use serde_json::{json, Map, Value};
use std::pin::Pin;
use std::time::{Duration, SystemTime};

mod errors;
mod messages;
mod request;
mod response;
mod stream;
#[cfg(test)]
mod tests;

pub use errors::*;
pub use request::*;
pub use response::*;
pub use stream::*;

/// The key and base env vars and the public base are in `litellm_check::provider_routes`.
pub const PROVIDER: &str = "anthropic";
pub const API_VERSION: &str = "2023-06-01";
/// LiteLLM's `DEFAULT_ANTHROPIC_CHAT_MAX_TOKENS`: Anthropic rejects a request without one.
pub const DEFAULT_MAX_TOKENS: u64 = 4096;
/// LiteLLM's `DEFAULT_MAX_TOKENS`, added to a thinking budget when no `max_tokens` is given.
const THINKING_ANSWER_TOKENS: u64 = 256;
/// The tool LiteLLM adds to answer `response_format` (Anthropic has no JSON mode).
const JSON_TOOL: &str = "json_tool_call";
/// LiteLLM's `MAX_EXCEPTION_MESSAGE_LENGTH`.
const MAX_ERROR_TEXT: usize = 2000;

/// OpenAI parameters Anthropic has no counterpart for: LiteLLM refuses them unless
/// `drop_params` is set.
const UNSUPPORTED: &[&str] = &[
    "n",
    "presence_penalty",
    "frequency_penalty",
    "logit_bias",
    "logprobs",
    "top_logprobs",
    "seed",
    "service_tier",
    "modalities",
    "audio",
    "prediction",
    "store",
    "verbosity",
    "functions",
    "function_call",
];

pub struct Anthropic {
    /// `{api_base}/v1/messages`, parsed once.
    messages_url: Result<reqwest::Url, String>,
}

impl Anthropic {
    pub fn new(api_base: Option<&str>) -> Self {
        let messages_url = match api_base {
            None => Err("the deployment has no api_base".to_string()),
            Some(base) => reqwest::Url::parse(&messages_url(base))
                .map_err(|e| format!("api_base is not a URL ({e})")),
        };
        Anthropic { messages_url }
    }
}

/// `{base}/v1/messages`, where `base` is the deployment's `api_base` without the chat-surface
/// suffixes a base may carry (`/v1/messages`, `/v1`, trailing slashes), so `https://h`,
/// `https://h/v1` and `https://h/v1/messages` all name `https://h/v1/messages`. LiteLLM's
/// Anthropic base resolution strips the same suffixes (`_CHAT_BASE_SUFFIXES` in
/// `litellm/llms/anthropic/wif.py`, used for its count-tokens URL); 1.80's chat path only
/// avoided doubling a full `/v1/messages`, so a base ending in `/v1` asked for
/// `/v1/v1/messages`, which Anthropic and every Anthropic-compatible gateway answer with 404.
pub fn messages_url(api_base: &str) -> String {
    let mut base = api_base.trim_end_matches('/');
    while let Some(shorter) = ["/v1/messages", "/v1"]
        .iter()
        .find_map(|suffix| base.strip_suffix(suffix))
    {
        base = shorter.trim_end_matches('/');
    }
    format!("{base}/v1/messages")
}

impl Provider for Anthropic {
    fn chat<'a>(
        &'a self,
        client: &'a reqwest::Client,
        call: ChatCall<'a>,
    ) -> BoxFuture<'a, Result<Reply, ProxyError>> {
        Box::pin(async move {
            let url = match &self.messages_url {
                Ok(url) => url.clone(),
                Err(why) => {
                    return Err(ProxyError::bad_request(format!(
                        "litellm.BadRequestError: deployment `{}`: {why}",
                        call.deployment.id
                    )))
                }
            };
            let translated =
                translate(&call_parameters(&call.body()), call_messages(&call.body()))?;
            let body = serde_json::to_vec(&Value::Object(translated.body))
                .map_err(|e| ProxyError::internal(e.to_string()))?;
            let mut request = client
                .post(url)
                .header("anthropic-version", API_VERSION)
                .header("accept", "application/json")
                .header("content-type", "application/json")
                .body(body);
            if let Some(key) = call.deployment.api_key.as_ref().map(|k| k.expose()) {
                request = request.header("x-api-key", key);
            }
            for (name, value) in &call.deployment.headers {
                request = request.header(name.as_str(), value.as_str());
            }
            let response = super::http::send(request, &call, PROVIDER, error_from).await?;
            let created = unix_now();
            if call.stream {
                let upstream = super::http::event_stream(response, PROVIDER);
                let translator = StreamTranslator::new(created, translated.json_mode);
                return Ok(Reply::Stream(Box::pin(translate_stream(
                    upstream, translator,
                ))));
            }
            let message = super::http::json_object(response, &call, PROVIDER).await?;
            let completion = to_openai(&message, created, translated.json_mode)?;
            serde_json::to_vec(&completion)
                .map(|bytes| Reply::Complete(Bytes::from(bytes)))
                .map_err(|e| ProxyError::internal(e.to_string()))
        })
    }

    fn messages<'a>(
        &'a self,
        client: &'a reqwest::Client,
        call: crate::providers::Call<'a, crate::endpoints::MessagesRequest>,
    ) -> BoxFuture<'a, Result<Reply, ProxyError>> {
        Box::pin(self.native_messages(client, call))
    }

    fn count_tokens<'a>(
        &'a self,
        client: &'a reqwest::Client,
        call: crate::providers::Call<'a, Value>,
    ) -> BoxFuture<'a, Result<Option<u64>, ProxyError>> {
        Box::pin(self.count(client, call))
    }
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn lossy(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    match text.char_indices().nth(MAX_ERROR_TEXT) {
        Some((cut, _)) => text[..cut].to_string(),
        None => text.into_owned(),
    }
}
