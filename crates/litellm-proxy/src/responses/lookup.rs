//! `GET` and `DELETE /v1/responses/{id}` (and `/responses/{id}`): the id names the deployment
//! that made the response ([`super::ids`]), which is asked with the upstream's own id, as
//! LiteLLM's proxy does (`ResponsesAPIRequestUtils._decode_responses_api_response_id`, then
//! `litellm.aget_responses` / `adelete_responses` with that deployment's credentials). A response
//! made by translating to chat completions is stored nowhere upstream: asking for it is a 400
//! naming the provider; an id this proxy did not make is a 404 (LiteLLM would send it to
//! OpenAI with no deployment's credentials).
//!
//! A virtual key must be allowed the model group of the deployment the id names (the key's
//! `models`, as every model route checks them), else LiteLLM's 401 `key_model_access_denied`
//! and no upstream call. LiteLLM 1.80 has no model at auth time on these routes and checks none;
//! its later `ResponsesIDSecurity` hook checks instead that the id was issued to the same user or
//! team. This proxy's keys carry no user or team to compare, so the model is what it checks.

use super::ids;
use crate::error::{ErrorKind, ProxyError};
use crate::server::AppState;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use std::sync::Arc;

pub async fn retrieve(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    lookup(&state, &headers, &id, reqwest::Method::GET).await
}

pub async fn delete(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    lookup(&state, &headers, &id, reqwest::Method::DELETE).await
}

fn not_found(id: &str) -> Response {
    ProxyError::new(
        404,
        ErrorKind::NotFound,
        format!("Response with id '{id}' not found."),
    )
    .with_type("invalid_request_error")
    .into_response()
}

async fn lookup(
    state: &AppState,
    headers: &HeaderMap,
    id: &str,
    method: reqwest::Method,
) -> Response {
    let caller = match crate::auth::authenticate(state, headers).await {
        Ok(caller) => caller,
        Err(e) => return e.into_response(),
    };
    let Some(decoded) = ids::decode(id) else {
        return not_found(id);
    };
    // The upstream id goes into the upstream URL's path: only an id's characters.
    let safe = !decoded.response_id.is_empty()
        && decoded
            .response_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
        && decoded.response_id != "."
        && decoded.response_id != "..";
    let deployment = state
        .dispatcher
        .router
        .deployments
        .iter()
        .find(|d| d.config.id == decoded.model_id);
    let (Some(deployment), true) = (deployment, safe) else {
        return not_found(id);
    };
    // A virtual key reaches a stored response only through a model it may call: the group of
    // the deployment the id names, checked before any upstream call.
    if let Some(key) = caller.key() {
        let group = deployment.config.model_name.as_str();
        let alias_target = state.dispatcher.router.alias_target(group);
        if let Err(e) = crate::keys::check_model_access(&key.record().models, group, alias_target) {
            return e.into_response();
        }
    }
    let client = state.dispatcher.client();
    let Some(call) = deployment.provider.lookup_response(
        client,
        &deployment.config,
        method.clone(),
        &decoded.response_id,
        id,
    ) else {
        return ProxyError::bad_request(format!(
            "{method} /v1/responses/{{response_id}} is not supported for provider `{}`: the response was made by translating to chat completions, and nothing stores it upstream.",
            deployment.config.provider
        ))
        .with_param("response_id")
        .into_response();
    };
    match call.await {
        Ok(answer) => Json(answer).into_response(),
        Err(e) => e.redacted(&deployment.credentials).into_response(),
    }
}
