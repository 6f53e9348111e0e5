//! `/v1/messages` for `anthropic/…` deployments, natively (LiteLLM 1.80's `AnthropicMessagesConfig`
//! in `litellm/llms/anthropic/experimental_pass_through/messages/transformation.py` and
//! `async_anthropic_messages_handler` in `litellm/llms/custom_httpx/llm_http_handler.py`): the
//! body LiteLLM keeps ([`crate::messages::native_body`]), the deployment's key as `x-api-key`, the
//! client's `anthropic-version` (else 2023-06-01) and `anthropic-beta`, the answer checked and
//! passed back unchanged, a stream passed through as Anthropic's events. Also Anthropic's token
//! counting API for `/v1/messages/count_tokens` (`count_tokens_with_anthropic_api`).

use super::*;
use crate::endpoints::messages::MessagesRequest;
use crate::providers::{Call, Reply};

/// The counting API's path under the Messages URL, with the query the Anthropic SDK's beta
/// namespace sends.
const COUNT_PATH: &str = "/count_tokens?beta=true";

impl Anthropic {
    fn url(&self, id: &str) -> Result<reqwest::Url, ProxyError> {
        self.messages_url.clone().map_err(|why| {
            ProxyError::bad_request(format!("litellm.BadRequestError: deployment `{id}`: {why}"))
        })
    }

    /// One native Messages call.
    pub(super) async fn native_messages(
        &self,
        client: &reqwest::Client,
        call: Call<'_, MessagesRequest>,
    ) -> Result<Reply, ProxyError> {
        let url = self.url(&call.deployment.id)?;
        let request_body = &call.request.body;
        let body = crate::messages::native_body(
            request_body,
            &call.deployment.default_params,
            call.model,
            call.stream,
        );
        let body = serde_json::to_vec(&Value::Object(body))
            .map_err(|e| ProxyError::internal(e.to_string()))?;
        let configured = |name: &str| {
            call.deployment
                .headers
                .iter()
                .any(|(n, _)| n.eq_ignore_ascii_case(name))
        };
        let mut request = client
            .post(url)
            .header("content-type", "application/json")
            .header(
                "accept",
                if call.stream {
                    "text/event-stream"
                } else {
                    "application/json"
                },
            )
            .body(body);
        if !configured("anthropic-version") {
            request = request.header(
                "anthropic-version",
                call.request
                    .anthropic_version
                    .as_deref()
                    .unwrap_or(API_VERSION),
            );
        }
        if !configured("anthropic-beta") {
            if let Some(beta) =
                crate::messages::beta_header(call.request.anthropic_beta.as_deref(), request_body)
            {
                request = request.header("anthropic-beta", beta);
            }
        }
        if let Some(key) = call.deployment.api_key.as_ref().map(|k| k.expose()) {
            request = request.header("x-api-key", key);
        }
        for (name, value) in &call.deployment.headers {
            request = request.header(name.as_str(), value.as_str());
        }
        let response = crate::providers::http::send(request, &call, PROVIDER, error_from).await?;
        if call.stream {
            return Ok(Reply::Stream(Box::pin(
                crate::providers::http::event_stream(response, PROVIDER),
            )));
        }
        let answer = crate::providers::http::body(response, &call, PROVIDER).await?;
        check_answer(&answer)?;
        Ok(Reply::Complete(answer))
    }

    /// Anthropic's count of `messages` for `model`; `Err` when the call fails (the caller then
    /// counts locally, as LiteLLM does).
    pub(super) async fn count(
        &self,
        client: &reqwest::Client,
        call: Call<'_, Value>,
    ) -> Result<Option<u64>, ProxyError> {
        let url = self.url(&call.deployment.id)?;
        let url = reqwest::Url::parse(&format!("{url}{COUNT_PATH}"))
            .map_err(|e| ProxyError::internal(e.to_string()))?;
        let body = json!({"model": call.model, "messages": call.request});
        let mut request = client
            .post(url)
            .header("content-type", "application/json")
            .header("anthropic-version", API_VERSION)
            .header("anthropic-beta", crate::messages::count::COUNTING_BETA)
            .body(body.to_string());
        if let Some(key) = call.deployment.api_key.as_ref().map(|k| k.expose()) {
            request = request.header("x-api-key", key);
        }
        let response = crate::providers::http::send(request, &call, PROVIDER, error_from).await?;
        let answer = crate::providers::http::body(response, &call, PROVIDER).await?;
        let tokens = serde_json::from_slice::<Value>(&answer)
            .ok()
            .and_then(|v| v.get("input_tokens").and_then(Value::as_u64))
            .ok_or_else(|| ProxyError::bad_answer(PROVIDER, "a count without `input_tokens`"))?;
        Ok(Some(tokens.min(crate::usage::MAX_COUNT)))
    }
}

/// A 2xx Messages answer must be a message: a JSON object with a `content` list (an `error`
/// object answered with 200 is that error).
fn check_answer(answer: &[u8]) -> Result<(), ProxyError> {
    let value: Value = serde_json::from_slice(answer)
        .map_err(|_| ProxyError::bad_answer(PROVIDER, "an answer that is not JSON"))?;
    if value.get("type").and_then(Value::as_str) == Some("error") || value.get("error").is_some() {
        return Err(error_from(500, answer, None));
    }
    if value.get("content").is_some_and(Value::is_array) {
        Ok(())
    } else {
        Err(ProxyError::bad_answer(
            PROVIDER,
            "a message without a `content` list",
        ))
    }
}
