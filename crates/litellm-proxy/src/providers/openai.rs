//! OpenAI and every OpenAI-compatible upstream: the request body goes out as is.

use super::responses::{self, ResponsesCall};
use super::{BoxFuture, Call, ChatCall, Provider, Reply};
use crate::config::DeploymentConfig;
use crate::endpoints::{CompletionRequest, EmbeddingsRequest};
use crate::error::ProxyError;
use bytes::Bytes;
use serde_json::Value;

pub struct OpenAiCompatible {
    provider: &'static str,
    /// Whether streams ask for a final usage chunk (`stream_options.include_usage`).
    stream_usage: bool,
    /// `{api_base}/chat/completions`, parsed once (URL parsing and IDNA per call cost more than
    /// the rest of the request set-up).
    chat_url: Result<reqwest::Url, String>,
    /// `{api_base}/responses` for OpenAI itself, the one OpenAI-compatible provider LiteLLM
    /// calls the Responses API of; the others are bridged through chat.
    responses_url: Option<Result<reqwest::Url, String>>,
    /// `{api_base}/embeddings`.
    embeddings_url: Result<reqwest::Url, String>,
    /// `{api_base}/completions`.
    completions_url: Result<reqwest::Url, String>,
}

impl OpenAiCompatible {
    pub fn new(provider: &str, api_base: Option<&str>) -> Self {
        let route = litellm_check::provider_routes::route(provider)
            .or_else(|| litellm_check::provider_routes::route("openai"));
        let url = |path: &str| match (api_base, route) {
            (None, _) => Err("the deployment has no api_base".to_string()),
            (Some(base), Some(route)) => reqwest::Url::parse(&route.endpoint_url(base, path))
                .map_err(|e| format!("api_base is not a URL ({e})")),
            (Some(base), None) => {
                reqwest::Url::parse(&format!("{}/{path}", base.trim_end_matches('/')))
                    .map_err(|e| format!("api_base is not a URL ({e})"))
            }
        };
        let provider = route.map_or("openai", |r| r.provider);
        let responses_url = (provider == "openai").then(|| match api_base {
            None => Err("the deployment has no api_base".to_string()),
            Some(base) => reqwest::Url::parse(&format!("{}/responses", base.trim_end_matches('/')))
                .map_err(|e| format!("api_base is not a URL ({e})")),
        });
        OpenAiCompatible {
            provider,
            stream_usage: route.is_none_or(|r| r.stream_usage),
            chat_url: url("chat/completions"),
            responses_url,
            embeddings_url: url("embeddings"),
            completions_url: url("completions"),
        }
    }
}

impl OpenAiCompatible {
    /// A POST of `body` to `url` with the deployment's key and headers.
    fn post<R>(
        &self,
        client: &reqwest::Client,
        url: &Result<reqwest::Url, String>,
        call: &Call<'_, R>,
        body: Vec<u8>,
    ) -> Result<reqwest::RequestBuilder, ProxyError> {
        let url = match url {
            Ok(url) => url.clone(),
            Err(why) => {
                return Err(ProxyError::bad_request(format!(
                    "litellm.BadRequestError: deployment `{}`: {why}",
                    call.deployment.id
                )))
            }
        };
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
        Ok(request)
    }
}

impl Provider for OpenAiCompatible {
    fn completions<'a>(
        &'a self,
        client: &'a reqwest::Client,
        call: Call<'a, CompletionRequest>,
    ) -> BoxFuture<'a, Result<Reply, ProxyError>> {
        Box::pin(async move {
            let provider = self.provider;
            let body = call.completion_body();
            let view = super::UpstreamBody {
                stream: body.stream && self.stream_usage,
                ..body
            };
            let body =
                serde_json::to_vec(&view).map_err(|e| ProxyError::internal(e.to_string()))?;
            let request = self.post(client, &self.completions_url, &call, body)?;
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

    fn embeddings<'a>(
        &'a self,
        client: &'a reqwest::Client,
        call: Call<'a, EmbeddingsRequest>,
    ) -> BoxFuture<'a, Result<Bytes, ProxyError>> {
        Box::pin(async move {
            let provider = self.provider;
            let body = call.embeddings_body()?;
            let request = self.post(client, &self.embeddings_url, &call, body)?;
            let response = super::http::send(request, &call, provider, |status, body, retry| {
                ProxyError::from_upstream(status, body, retry, provider)
            })
            .await?;
            super::http::embedding_list(response, &call, provider).await
        })
    }

    fn chat<'a>(
        &'a self,
        client: &'a reqwest::Client,
        call: ChatCall<'a>,
    ) -> BoxFuture<'a, Result<Reply, ProxyError>> {
        Box::pin(async move {
            let provider = self.provider;
            if provider == "text-completion-openai" {
                // LiteLLM translates chat to a text completion for these; this proxy does not.
                return Err(ProxyError::bad_request(format!(
                    "litellm.BadRequestError: deployment `{}` is a text-completion-openai deployment: litellm-proxy serves it on /v1/completions only",
                    call.deployment.id
                )));
            }
            let body = call.body();
            let view = super::UpstreamBody {
                stream: body.stream && self.stream_usage,
                ..body
            };
            let body =
                serde_json::to_vec(&view).map_err(|e| ProxyError::internal(e.to_string()))?;
            let request = self.post(client, &self.chat_url, &call, body)?;
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

    fn responses<'a>(
        &'a self,
        client: &'a reqwest::Client,
        call: ResponsesCall<'a>,
    ) -> BoxFuture<'a, Result<Reply, ProxyError>> {
        let Some(url) = &self.responses_url else {
            return responses::bridged(self, client, call);
        };
        Box::pin(async move {
            let url = url.clone().map_err(|why| {
                ProxyError::bad_request(format!(
                    "litellm.BadRequestError: deployment `{}`: {why}",
                    call.deployment.id
                ))
            })?;
            let auth = bearer(call.deployment);
            let provider = self.provider;
            responses::native(client, call, url, auth, provider, |status, body, retry| {
                ProxyError::from_upstream(status, body, retry, provider)
            })
            .await
        })
    }

    fn lookup_response<'a>(
        &'a self,
        client: &'a reqwest::Client,
        deployment: &'a DeploymentConfig,
        method: reqwest::Method,
        upstream_id: &'a str,
        id: &'a str,
    ) -> Option<BoxFuture<'a, Result<Value, ProxyError>>> {
        let base = self.responses_url.as_ref()?.as_ref().ok()?;
        let url = reqwest::Url::parse(&format!("{base}/{upstream_id}")).ok()?;
        let provider = self.provider;
        Some(Box::pin(responses::lookup(
            client,
            method,
            url,
            deployment,
            bearer(deployment),
            provider,
            id,
        )))
    }
}

/// `Authorization: Bearer` with the deployment's key (a secret: never printed).
fn bearer(deployment: &DeploymentConfig) -> Option<(&'static str, String)> {
    deployment
        .api_key
        .as_ref()
        .map(|key| ("authorization", format!("Bearer {}", key.expose())))
}
