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

impl OpenAiCompatible {
    /// Chat for a `text-completion-openai/` deployment: a text completion, translated both ways
    /// as LiteLLM does (`text_bridge.rs`).
    async fn chat_as_text_completion(
        &self,
        client: &reqwest::Client,
        call: ChatCall<'_>,
    ) -> Result<Reply, ProxyError> {
        let provider = self.provider;
        let upstream = call.body();
        let view = super::UpstreamBody {
            stream: upstream.stream && self.stream_usage,
            ..upstream
        };
        let body = super::text_bridge::request_body(view.to_map())?;
        let body = serde_json::to_vec(&Value::Object(body))
            .map_err(|e| ProxyError::internal(e.to_string()))?;
        let request = self.post(client, &self.completions_url, &call, body)?;
        let response = super::http::send(request, &call, provider, |status, body, retry| {
            ProxyError::from_upstream(status, body, retry, provider)
        })
        .await?;
        if call.stream {
            let stream: super::EventStream =
                Box::pin(super::http::event_stream(response, provider));
            return Ok(Reply::Stream(super::text_bridge::translate_stream(
                stream, provider,
            )));
        }
        let answer = super::http::json_object(response, &call, provider).await?;
        if answer.get("error").is_some() || !answer.get("choices").is_some_and(Value::is_array) {
            let bytes = answer.to_string();
            return Err(if answer.get("error").is_some() {
                ProxyError::from_upstream(500, bytes.as_bytes(), None, provider)
            } else {
                ProxyError::bad_answer(provider, "a text completion without a `choices` list")
            });
        }
        let completion = super::text_bridge::to_chat(&answer, call.model);
        serde_json::to_vec(&completion)
            .map(|bytes| Reply::Complete(Bytes::from(bytes)))
            .map_err(|e| ProxyError::internal(e.to_string()))
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
                return self.chat_as_text_completion(client, call).await;
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
