//! Azure OpenAI's `openai/deployments/{deployment}/chat/completions?api-version=...` (and the v1
//! API's `openai/v1/chat/completions`, deployment in `model`), under any base path: OpenAI's
//! answers, after Azure's own refusals in Azure's error shape: no `api-key` nor
//! `Authorization: Bearer` (401), no `api-version` off the v1 API (404 "Resource not found"), and a
//! deployment the resource does not have (404 `DeploymentNotFound`; here, any name with the
//! token `unknown`). The `policy` behaviour is Azure's content-filter 400. Hits and the last
//! request are kept under the deployment name.

use super::server::{admit, error_response, json_response, keep_query, openai_reply, Body, State};
use hyper::Response;
use serde_json::{json, Value};
use tokio::sync::Notify;

const PREFIX: &str = "/openai/deployments/";
const SUFFIX: &str = "/chat/completions";

/// The v1 API's route: OpenAI's path, the deployment in the body's `model`, no `api-version`.
const V1: &str = "/openai/v1/chat/completions";

/// Operations besides chat a deployment serves (OpenAI's answers: `embeddings.rs`).
const EMBEDDINGS: &str = "/embeddings";
const V1_EMBEDDINGS: &str = "/openai/v1/embeddings";
const COMPLETIONS: &str = "/completions";
const V1_COMPLETIONS: &str = "/openai/v1/completions";

pub(super) fn handles(path: &str) -> bool {
    (path.contains(PREFIX) && (path.ends_with(EMBEDDINGS) || path.ends_with(COMPLETIONS)))
        || path.ends_with(V1)
        || path.ends_with(V1_EMBEDDINGS)
        || path.ends_with(V1_COMPLETIONS)
}

pub(super) async fn handle(
    state: &State,
    kill: &Notify,
    path: &str,
    query: &str,
    headers: Vec<(String, String)>,
    body: &[u8],
) -> Response<Body> {
    let parsed = serde_json::from_slice::<Value>(body);
    let v1 = path.ends_with(V1) || path.ends_with(V1_EMBEDDINGS) || path.ends_with(V1_COMPLETIONS);
    let text_completion = !path.ends_with(SUFFIX) && path.ends_with(COMPLETIONS);
    let embeddings = path.ends_with(EMBEDDINGS);
    let deployment = if v1 {
        parsed
            .as_ref()
            .ok()
            .and_then(|r| r.get("model"))
            .and_then(Value::as_str)
            .unwrap_or("")
    } else {
        path.rsplit_once(PREFIX)
            .and_then(|(_, rest)| {
                rest.strip_suffix(SUFFIX)
                    .or_else(|| rest.strip_suffix(EMBEDDINGS))
                    .or_else(|| rest.strip_suffix(COMPLETIONS))
            })
            .unwrap_or("")
    }
    .to_string();
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    let authorized = header("api-key").is_some_and(|k| !k.is_empty())
        || header("authorization")
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|t| !t.trim().is_empty());
    if !authorized {
        return azure_error(
            401,
            "401",
            "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.",
        );
    }
    let has_version = query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .any(|(name, value)| name == "api-version" && !value.is_empty());
    if !has_version && !v1 {
        return azure_error(404, "404", "Resource not found");
    }
    if deployment.is_empty() || deployment.split(['-', '_', '.']).any(|t| t == "unknown") {
        return azure_error(
            404,
            "DeploymentNotFound",
            "The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.",
        );
    }
    let request = match parsed {
        Ok(v) => v,
        Err(e) => return azure_error(400, "BadRequest", &format!("invalid JSON body: {e}")),
    };
    let behaviour = match admit(state, kill, path, headers, &deployment, &request).await {
        Ok(behaviour) => behaviour,
        Err(message) => return error_response(400, &message, None, None),
    };
    keep_query(state, &deployment, query);
    if behaviour.content_policy {
        let body = json!({"error": {
            "message": "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry. To learn more about our content filtering policies please read our documentation: https://go.microsoft.com/fwlink/?linkid=2198766",
            "type": null,
            "param": "prompt",
            "code": "content_filter",
            "status": 400,
            "innererror": {
                "code": "ResponsibleAIPolicyViolation",
                "content_filter_result": {
                    "hate": {"filtered": false, "severity": "safe"},
                    "self_harm": {"filtered": false, "severity": "safe"},
                    "sexual": {"filtered": false, "severity": "safe"},
                    "violence": {"filtered": true, "severity": "high"}
                }
            }
        }});
        return json_response(400, &body);
    }
    if embeddings {
        return super::embeddings::reply(&behaviour, &request, &deployment);
    }
    if text_completion {
        return super::completions::reply(state, &behaviour, &request, &deployment);
    }
    openai_reply(state, &behaviour, &request, deployment)
}

fn azure_error(status: u16, code: &str, message: &str) -> Response<Body> {
    json_response(
        status,
        &json!({"error": {"code": code, "message": message}}),
    )
}
