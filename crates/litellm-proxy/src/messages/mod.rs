//! Anthropic's Messages API as LiteLLM 1.80 serves it (`POST /v1/messages`,
//! `POST /v1/messages/count_tokens`; `litellm/proxy/anthropic_endpoints/endpoints.py`).
//!
//! `anthropic/…` deployments get the request natively
//! (`litellm/llms/anthropic/experimental_pass_through/messages/`: `handler.py` picks the
//! provider's Messages config, `transformation.py` is `AnthropicMessagesConfig`): the body keeps
//! only the Messages parameters LiteLLM knows ([`NATIVE_KEYS`]; `metadata` only its `user_id`),
//! `max_tokens` is required, the client's `anthropic-version` and `anthropic-beta` headers go
//! upstream (`add_provider_specific_headers_to_request`, `ANTHROPIC_API_HEADERS`), and the answer
//! or the event stream comes back unchanged. Every other deployment is served through chat
//! completions, translated both ways ([`bridge`], [`stream`]).
//!
//! Usage (hence cost, metrics and the spend row) is read from the answer's `usage`, or from a
//! stream's `message_start` and `message_delta` events ([`stream::MessagesUsage`]). The spend
//! row's metadata is the request's `litellm_metadata` (LiteLLM's `LITELLM_METADATA_ROUTES`:
//! `metadata` belongs to Anthropic here).
//!
//! Errors are answered in Anthropic's shape, `{"type": "error", "error": {"type", "message"}}`,
//! with LiteLLM's status and message (LiteLLM 1.80 answers OpenAI's shape on this route, which
//! the Anthropic SDKs show only as raw text); an error after a stream started is an `error`
//! event, which the SDKs raise (1.80 sends a bare `data: {"error": ...}` they ignore).

pub mod bridge;
pub mod count;
pub mod stream;
#[cfg(test)]
mod tests;

use crate::error::ProxyError;
use bytes::BytesMut;
use serde_json::{json, Map, Value};

/// The request keys an `anthropic/…` deployment is sent (`AnthropicMessagesRequestOptionalParams`
/// plus `model` and `messages`); LiteLLM drops any other.
pub const NATIVE_KEYS: &[&str] = &[
    "model",
    "messages",
    "max_tokens",
    "metadata",
    "stop_sequences",
    "stream",
    "system",
    "temperature",
    "thinking",
    "tool_choice",
    "tools",
    "top_k",
    "top_p",
    "mcp_servers",
    "context_management",
];

/// Client headers forwarded to an Anthropic upstream (`ANTHROPIC_API_HEADERS`).
pub const FORWARDED_HEADERS: &[&str] = &["anthropic-version", "anthropic-beta"];

/// The beta `context_management` needs (`_update_headers_with_optional_anthropic_beta`).
pub const CONTEXT_MANAGEMENT_BETA: &str = "context-management-2025-06-27";

/// The checks of the parse stage: what every deployment, native or translated, needs.
pub fn check_request(body: &Map<String, Value>) -> Result<(), ProxyError> {
    match body.get("messages") {
        Some(Value::Array(messages)) if !messages.is_empty() => {
            for (i, message) in messages.iter().enumerate() {
                match message.get("role").and_then(Value::as_str) {
                    Some("user") | Some("assistant") => {}
                    _ => {
                        return Err(ProxyError::bad_request(format!(
                            "messages.{i}.role: Input should be 'user' or 'assistant'"
                        ))
                        .with_param("messages"))
                    }
                }
            }
        }
        Some(Value::Array(_)) | None | Some(Value::Null) => {
            return Err(ProxyError::bad_request(
                "Bad Request: messages is required for Anthropic Messages Request",
            )
            .with_param("messages"))
        }
        Some(_) => {
            return Err(
                ProxyError::bad_request("messages: Input should be a valid list")
                    .with_param("messages"),
            )
        }
    }
    match body.get("max_tokens") {
        Some(Value::Number(n)) if n.as_u64().is_some() => Ok(()),
        None | Some(Value::Null) => Err(ProxyError::bad_request(
            "litellm.BadRequestError: AnthropicException - max_tokens is required for Anthropic /v1/messages API",
        )
        .with_param("max_tokens")),
        Some(_) => Err(ProxyError::bad_request(
            "max_tokens: Input should be a valid integer",
        )
        .with_param("max_tokens")),
    }
}

/// The body an Anthropic deployment is sent: the known keys of the request (the deployment's
/// defaults fill those it leaves unset), `model` the upstream id, `metadata` only `user_id`.
pub fn native_body(
    request: &Map<String, Value>,
    defaults: &Map<String, Value>,
    model: &str,
    stream: bool,
) -> Map<String, Value> {
    let mut body = Map::new();
    body.insert("model".into(), Value::String(model.to_string()));
    for (key, value) in request.iter().chain(defaults.iter()) {
        if key == "model" || body.contains_key(key) || !NATIVE_KEYS.contains(&key.as_str()) {
            continue;
        }
        if value.is_null() {
            continue;
        }
        if key == "metadata" {
            if let Some(user) = value.get("user_id").filter(|u| !u.is_null()) {
                body.insert(key.clone(), json!({"user_id": user}));
            }
            continue;
        }
        body.insert(key.clone(), value.clone());
    }
    if stream {
        body.insert("stream".into(), Value::Bool(true));
    }
    body
}

/// The `anthropic-beta` header an Anthropic upstream gets: the client's, plus the beta
/// `context_management` needs.
pub fn beta_header(client: Option<&str>, request: &Map<String, Value>) -> Option<String> {
    let wants_context = request
        .get("context_management")
        .is_some_and(|v| !v.is_null());
    match client {
        None if wants_context => Some(CONTEXT_MANAGEMENT_BETA.to_string()),
        None => None,
        Some(existing)
            if wants_context
                && !existing
                    .split(',')
                    .any(|b| b.trim() == CONTEXT_MANAGEMENT_BETA) =>
        {
            Some(format!("{existing}, {CONTEXT_MANAGEMENT_BETA}"))
        }
        Some(existing) => Some(existing.to_string()),
    }
}

/// Anthropic's error `type` for an HTTP status.
pub fn error_type(status: u16) -> &'static str {
    match status {
        400 | 422 => "invalid_request_error",
        401 => "authentication_error",
        402 => "billing_error",
        403 => "permission_error",
        404 => "not_found_error",
        408 | 504 => "timeout_error",
        413 => "request_too_large",
        429 => "rate_limit_error",
        529 => "overloaded_error",
        500..=599 => "api_error",
        _ => "invalid_request_error",
    }
}

/// The error in Anthropic's shape.
pub fn error_body(error: &ProxyError) -> Value {
    json!({
        "type": "error",
        "error": {"type": error_type(error.status), "message": error.message},
    })
}

/// An OpenAI-shaped error body (what the pipeline's stages answer) in Anthropic's shape: the
/// message kept, the type from the status. `None` when the body is not such an error.
pub fn reshape_error(status: u16, body: &[u8]) -> Option<Value> {
    let parsed: Value = serde_json::from_slice(body).ok()?;
    if parsed.get("type").and_then(Value::as_str) == Some("error") {
        return None;
    }
    let message = match parsed.get("error")? {
        Value::Object(error) => error.get("message").cloned().unwrap_or(Value::Null),
        Value::String(message) => Value::String(message.clone()),
        other => Value::String(other.to_string()),
    };
    let message = match message {
        Value::String(s) => s,
        Value::Null => String::new(),
        other => other.to_string(),
    };
    Some(json!({
        "type": "error",
        "error": {"type": error_type(status), "message": message},
    }))
}

/// Server-sent events with Anthropic's `event:` names.
pub fn event_bytes(events: &[Value]) -> BytesMut {
    let mut out = BytesMut::new();
    for event in events {
        let name = event
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("message");
        out.extend_from_slice(b"event: ");
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b"\ndata: ");
        out.extend_from_slice(event.to_string().as_bytes());
        out.extend_from_slice(b"\n\n");
    }
    out
}

/// A random (version 4) UUID, for the ids LiteLLM makes up (`msg_<uuid>`, tool-use ids).
pub fn uuid4() -> String {
    let (a, b) = (crate::router::random_u64(), crate::router::random_u64());
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0x0fff,
        (b >> 48) & 0x3fff | 0x8000,
        b & 0xffff_ffff_ffff
    )
}

/// The usage of a complete Messages answer.
pub fn answer_usage(answer: &[u8]) -> crate::usage::Usage {
    #[derive(serde::Deserialize)]
    struct WithUsage {
        usage: Option<Map<String, Value>>,
    }
    serde_json::from_slice::<WithUsage>(answer)
        .ok()
        .and_then(|w| w.usage)
        .map(|u| stream::usage_of_anthropic(&u))
        .unwrap_or_default()
}
