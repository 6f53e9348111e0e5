//! Azure OpenAI (`azure/<deployment>`): OpenAI's body, sent to the deployment's URL with the
//! `api-version` query, authenticated by `api-key` or, without a key, an Azure AD token.
//!
//! As LiteLLM's `BaseAzureLLM`: the key wins over the AD token; `api_version` falls back to
//! `AZURE_API_VERSION`, then LiteLLM's `AZURE_DEFAULT_API_VERSION`. Azure's content filter (a 400
//! with code `content_filter` / `ResponsibleAIPolicyViolation`, or a completion that ends with
//! `finish_reason: content_filter`) is a content-policy error, so `content_policy_fallbacks` apply.

use super::http;
use super::responses::{self, ResponsesCall};
use super::{BoxFuture, Call, ChatCall, Provider, Reply};
use crate::config::DeploymentConfig;
use crate::endpoints::{CompletionRequest, EmbeddingsRequest};
use crate::error::{ErrorKind, ProxyError};
use bytes::Bytes;
use serde_json::Value;
use std::time::Duration;

/// `litellm.AZURE_DEFAULT_API_VERSION`.
pub const DEFAULT_API_VERSION: &str = "2025-02-01-preview";
const PROVIDER: &str = "azure";

pub struct Azure {
    /// `api_base` without its trailing slash, checked once.
    base: Result<String, String>,
    api_version: String,
    /// The URL for the configured deployment name (the common case: no wildcard capture).
    default_url: Option<reqwest::Url>,
    default_deployment: String,
}

impl Azure {
    pub fn new(deployment: &DeploymentConfig) -> Self {
        let base = match deployment.api_base.as_deref() {
            None => {
                Err("api_base is required for Azure (set `api_base` or AZURE_API_BASE)".to_string())
            }
            Some(base) => {
                let base = base.trim_end_matches('/').to_string();
                reqwest::Url::parse(&base)
                    .map(|_| base)
                    .map_err(|e| format!("api_base is not a URL ({e})"))
            }
        };
        let api_version = deployment
            .api_version
            .clone()
            .unwrap_or_else(|| DEFAULT_API_VERSION.to_string());
        let mut azure = Azure {
            base,
            api_version,
            default_url: None,
            default_deployment: deployment.upstream_model.clone(),
        };
        azure.default_url = azure.url(&deployment.upstream_model).ok();
        azure
    }

    /// `{api_base}/openai/deployments/{deployment}/chat/completions?api-version=...`, or for the
    /// v1 API (`api_version` `v1`, `latest` or `preview`) `{api_base}/openai/v1/chat/completions`,
    /// where the deployment is the body's `model`.
    pub fn url(&self, deployment: &str) -> Result<reqwest::Url, String> {
        if deployment == self.default_deployment {
            if let Some(url) = &self.default_url {
                return Ok(url.clone());
            }
        }
        self.endpoint_url(deployment, "chat/completions")
    }

    /// [`Azure::url`] for another operation of the deployment (`embeddings`, `completions`).
    pub fn endpoint_url(&self, deployment: &str, path: &str) -> Result<reqwest::Url, String> {
        let base = self.base.as_ref().map_err(Clone::clone)?;
        if is_v1_api(&self.api_version) {
            return reqwest::Url::parse(&format!("{base}/openai/v1/{path}"))
                .map_err(|e| format!("api_base does not make a URL ({e})"));
        }
        let mut url =
            reqwest::Url::parse(&format!("{base}/openai/deployments/{deployment}/{path}"))
                .map_err(|e| format!("deployment `{deployment}` does not make a URL ({e})"))?;
        url.query_pairs_mut()
            .append_pair("api-version", &self.api_version);
        Ok(url)
    }
}

impl Azure {
    /// LiteLLM's `AzureOpenAIResponsesAPIConfig.get_complete_url`:
    /// `{api_base}/openai/responses?api-version=...` (the deployment goes in the body's `model`),
    /// or `{api_base}/openai/v1/responses` for the v1 API; `suffix` adds `/{id}` for a lookup.
    fn responses_url(&self, suffix: &str) -> Result<reqwest::Url, String> {
        let base = self.base.as_ref().map_err(Clone::clone)?;
        if is_v1_api(&self.api_version) {
            return reqwest::Url::parse(&format!("{base}/openai/v1/responses{suffix}"))
                .map_err(|e| format!("api_base does not make a URL ({e})"));
        }
        let mut url = reqwest::Url::parse(&format!("{base}/openai/responses{suffix}"))
            .map_err(|e| format!("api_base does not make a URL ({e})"))?;
        url.query_pairs_mut()
            .append_pair("api-version", &self.api_version);
        Ok(url)
    }
}

/// LiteLLM's `_is_azure_v1_api_version`: these versions go through the OpenAI client to the
/// `/openai/v1/` routes.
fn is_v1_api(api_version: &str) -> bool {
    matches!(api_version, "v1" | "latest" | "preview")
}

impl Provider for Azure {
    fn completions<'a>(
        &'a self,
        client: &'a reqwest::Client,
        call: Call<'a, CompletionRequest>,
    ) -> BoxFuture<'a, Result<Reply, ProxyError>> {
        Box::pin(async move {
            let body = serde_json::to_vec(&call.completion_body())
                .map_err(|e| ProxyError::internal(e.to_string()))?;
            let request = post(
                client,
                self.endpoint_url(call.model, "completions"),
                call.deployment,
                body,
            )?;
            let response = http::send(request, &call, PROVIDER, map_error).await?;
            if call.stream {
                let stream = http::event_stream(response, PROVIDER);
                return Ok(Reply::Stream(Box::pin(stream)));
            }
            let body = http::completion(response, &call, PROVIDER).await?;
            if let Some(error) = filtered_completion(&body) {
                return Err(error);
            }
            Ok(Reply::Complete(body))
        })
    }

    fn embeddings<'a>(
        &'a self,
        client: &'a reqwest::Client,
        call: Call<'a, EmbeddingsRequest>,
    ) -> BoxFuture<'a, Result<Bytes, ProxyError>> {
        Box::pin(async move {
            let body = call.embeddings_body()?;
            let request = post(
                client,
                self.endpoint_url(call.model, "embeddings"),
                call.deployment,
                body,
            )?;
            let response = http::send(request, &call, PROVIDER, map_error).await?;
            http::embedding_list(response, &call, PROVIDER).await
        })
    }

    fn chat<'a>(
        &'a self,
        client: &'a reqwest::Client,
        call: ChatCall<'a>,
    ) -> BoxFuture<'a, Result<Reply, ProxyError>> {
        Box::pin(async move {
            let body = serde_json::to_vec(&call.body())
                .map_err(|e| ProxyError::internal(e.to_string()))?;
            let request = post(client, self.url(call.body().model), call.deployment, body)?;
            let response = http::send(request, &call, PROVIDER, map_error).await?;
            if call.stream {
                let stream = http::event_stream(response, PROVIDER);
                return Ok(Reply::Stream(Box::pin(stream)));
            }
            let body = http::completion(response, &call, PROVIDER).await?;
            if let Some(error) = filtered_completion(&body) {
                return Err(error);
            }
            Ok(Reply::Complete(body))
        })
    }

    fn responses<'a>(
        &'a self,
        client: &'a reqwest::Client,
        call: ResponsesCall<'a>,
    ) -> BoxFuture<'a, Result<Reply, ProxyError>> {
        Box::pin(async move {
            let url = self
                .responses_url("")
                .map_err(|why| config_error(call.deployment, &why))?;
            let auth = auth_header(call.deployment);
            responses::native(client, call, url, auth, PROVIDER, map_error).await
        })
    }

    fn lookup_response<'a>(
        &'a self,
        client: &'a reqwest::Client,
        deployment: &'a DeploymentConfig,
        method: reqwest::Method,
        upstream_id: &'a str,
        id: &'a str,
    ) -> Option<BoxFuture<'a, Result<serde_json::Value, ProxyError>>> {
        let url = self.responses_url(&format!("/{upstream_id}")).ok()?;
        Some(Box::pin(responses::lookup(
            client,
            method,
            url,
            deployment,
            auth_header(deployment),
            PROVIDER,
            id,
        )))
    }
}

/// A JSON POST of `body` to `url` with the deployment's credential and headers; a `url` that
/// could not be built is the deployment's configuration error.
fn post(
    client: &reqwest::Client,
    url: Result<reqwest::Url, String>,
    deployment: &DeploymentConfig,
    body: Vec<u8>,
) -> Result<reqwest::RequestBuilder, ProxyError> {
    let url = url.map_err(|why| config_error(deployment, &why))?;
    let mut request = client
        .post(url)
        .header("content-type", "application/json")
        .body(body);
    if let Some((name, value)) = auth_header(deployment) {
        request = request.header(name, value);
    }
    for (name, value) in &deployment.headers {
        request = request.header(name.as_str(), value.as_str());
    }
    Ok(request)
}

fn config_error(deployment: &DeploymentConfig, why: &str) -> ProxyError {
    ProxyError::bad_request(format!(
        "litellm.BadRequestError: AzureException - deployment `{}`: {why}",
        deployment.id
    ))
}

/// The credential header of a call (its value is a secret: never print it): `api-key` when the
/// deployment has a key, else the AD token as a bearer token, as LiteLLM's Azure client does;
/// for the v1 API, whichever is given as a bearer token.
pub fn auth_header(deployment: &DeploymentConfig) -> Option<(&'static str, String)> {
    let v1 = deployment.api_version.as_deref().is_some_and(is_v1_api);
    if let Some(key) = &deployment.api_key {
        // The v1 API is called with the OpenAI client, which sends the key as a bearer token.
        if v1 {
            return Some(("authorization", format!("Bearer {}", key.expose())));
        }
        return Some(("api-key", key.expose().to_string()));
    }
    deployment
        .azure_ad_token
        .as_ref()
        .map(|token| ("authorization", format!("Bearer {}", token.expose())))
}

/// An Azure error answer with LiteLLM's class; the content filter's 400 is a content-policy
/// error whatever its wording.
pub fn map_error(status: u16, body: &[u8], retry_after: Option<Duration>) -> ProxyError {
    let mut error = ProxyError::from_upstream(status, body, retry_after, PROVIDER);
    let parsed: Option<Value> = serde_json::from_slice(body).ok();
    let code = |pointer: &str| {
        parsed
            .as_ref()
            .and_then(|v| v.pointer(pointer))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let filtered = code("/error/code").as_deref() == Some("content_filter")
        || code("/error/innererror/code").as_deref() == Some("ResponsibleAIPolicyViolation");
    if status == 400 && filtered && error.kind != ErrorKind::ContentPolicyViolation {
        error.message = error.message.replacen(
            error.kind.exception_name(),
            ErrorKind::ContentPolicyViolation.exception_name(),
            1,
        );
        error.kind = ErrorKind::ContentPolicyViolation;
    }
    error
}

/// A completion Azure's output filter cut short, as the content-policy error LiteLLM raises.
pub fn filtered_completion(body: &[u8]) -> Option<ProxyError> {
    let needle = b"content_filter";
    if !body.windows(needle.len()).any(|w| w == needle) {
        return None;
    }
    let completion: Value = serde_json::from_slice(body).ok()?;
    let filtered = completion
        .get("choices")
        .and_then(Value::as_array)?
        .iter()
        .any(|c| c.get("finish_reason").and_then(Value::as_str) == Some("content_filter"));
    filtered.then(|| {
        ProxyError::new(
            400,
            ErrorKind::ContentPolicyViolation,
            "litellm.ContentPolicyViolationError: AzureException - Azure response had `finish_reason=content_filter`: the output was filtered by Azure OpenAI's content management policy",
        )
        .with_type("invalid_request_error")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_filter_answers_are_content_policy_errors() {
        let body = br#"{"error":{"message":"The response was filtered due to the prompt triggering Azure OpenAI's content management policy.","type":null,"param":"prompt","code":"content_filter","status":400,"innererror":{"code":"ResponsibleAIPolicyViolation"}}}"#;
        let error = map_error(400, body, None);
        assert_eq!(error.kind, ErrorKind::ContentPolicyViolation);
        assert!(error
            .message
            .starts_with("litellm.ContentPolicyViolationError: AzureException - "));
        let completion = br#"{"choices":[{"index":0,"message":{"role":"assistant","content":null},"finish_reason":"content_filter"}]}"#;
        assert!(filtered_completion(completion).is_some());
        let fine = br#"{"choices":[{"index":0,"message":{"role":"assistant","content":"content_filter"},"finish_reason":"stop"}]}"#;
        assert!(filtered_completion(fine).is_none());
        assert_eq!(map_error(429, b"{}", None).kind, ErrorKind::RateLimit);
    }
}
