//! OpenAI and every OpenAI-compatible upstream: the request body goes out as is.

use super::{BoxFuture, ChatCall, Provider, Reply};
use crate::error::ProxyError;

pub struct OpenAiCompatible {
    provider: &'static str,
    /// Whether streams ask for a final usage chunk (`stream_options.include_usage`).
    stream_usage: bool,
    /// `{api_base}/chat/completions`, parsed once (URL parsing and IDNA per call cost more than
    /// the rest of the request set-up).
    chat_url: Result<reqwest::Url, String>,
}

impl OpenAiCompatible {
    pub fn new(provider: &str, api_base: Option<&str>) -> Self {
        let route = litellm_check::provider_routes::route(provider)
            .or_else(|| litellm_check::provider_routes::route("openai"));
        let chat_url = match (api_base, route) {
            (None, _) => Err("the deployment has no api_base".to_string()),
            (Some(base), Some(route)) => reqwest::Url::parse(&route.chat_url(base))
                .map_err(|e| format!("api_base is not a URL ({e})")),
            (Some(base), None) => {
                reqwest::Url::parse(&format!("{}/chat/completions", base.trim_end_matches('/')))
                    .map_err(|e| format!("api_base is not a URL ({e})"))
            }
        };
        OpenAiCompatible {
            provider: route.map_or("openai", |r| r.provider),
            stream_usage: route.is_none_or(|r| r.stream_usage),
            chat_url,
        }
    }
}

impl Provider for OpenAiCompatible {
    fn chat<'a>(
        &'a self,
        client: &'a reqwest::Client,
        call: ChatCall<'a>,
    ) -> BoxFuture<'a, Result<Reply, ProxyError>> {
        Box::pin(async move {
            let provider = self.provider;
            let url = match &self.chat_url {
                Ok(url) => url.clone(),
                Err(why) => {
                    return Err(ProxyError::bad_request(format!(
                        "litellm.BadRequestError: deployment `{}`: {why}",
                        call.deployment.id
                    )))
                }
            };
            let body = call.body();
            let view = super::UpstreamBody {
                stream: body.stream && self.stream_usage,
                ..body
            };
            let body =
                serde_json::to_vec(&view).map_err(|e| ProxyError::internal(e.to_string()))?;
            let mut request = client
                .post(url)
                .header("content-type", "application/json")
                .body(body);
            if let Some(key) = call.deployment.api_key.as_ref().map(|k| k.expose()) {
                request = request.header("authorization", format!("Bearer {key}"));
            }
            for (name, value) in &call.deployment.headers {
                request = request.header(name.as_str(), value.as_str());
            }
            let response = super::http::send(request, &call, provider, |status, body, retry| {
                ProxyError::from_upstream(status, body, retry, provider)
            })
            .await?;
            if call.stream {
                let stream = super::http::event_stream(response, provider);
                return Ok(Reply::Stream(Box::pin(stream)));
            }
            super::http::completion(response, &call, provider)
                .await
                .map(Reply::Complete)
        })
    }
}
