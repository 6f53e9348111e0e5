//! The parse stage: what every endpoint's body shares. The JSON object, the requested `model`
//! (from the body, or from the path for `/engines/{model}/...`), and the keys LiteLLM's router
//! consumes itself (`num_retries`, `fallbacks`, `timeout`, `metadata`, ...: LiteLLM's
//! `Router` kwargs and `proxy_server`'s request data), read into [`RouteOptions`] and removed
//! before the endpoint's own [`Endpoint::parse`] sees the body.

use super::Endpoint;
use crate::error::ProxyError;
use axum::http::HeaderMap;
use serde_json::{Map, Value};
use std::time::Duration;

/// The most retries a request may ask for (`num_retries` in the body or
/// `x-litellm-num-retries`); more is served as this many. LiteLLM has no cap, so one request
/// could keep a failing deployment busy for ever.
pub const MAX_REQUEST_RETRIES: u32 = 10;

/// Body keys LiteLLM consumes and never sends upstream.
pub const LITELLM_ONLY_KEYS: &[&str] = &[
    "num_retries",
    "fallbacks",
    "context_window_fallbacks",
    "content_policy_fallbacks",
    "disable_fallbacks",
    "max_fallbacks",
    "metadata",
    "litellm_metadata",
    "timeout",
    "stream_timeout",
    "request_timeout",
    "mock_response",
    "caching",
    "cache",
    "tags",
    "mock_testing_fallbacks",
];

/// How the dispatcher treats this request (LiteLLM's per-request router settings).
#[derive(Debug, Default)]
pub struct RouteOptions {
    /// The call streams: its time limit is `stream_timeout`, and dispatch reads the first piece
    /// before answering.
    pub stream: bool,
    pub num_retries: Option<u32>,
    pub timeout: Option<Duration>,
    pub stream_timeout: Option<Duration>,
    /// Request-level `fallbacks` (list of model names), applied to every failing group.
    pub fallbacks: Option<Vec<String>>,
    pub disable_fallbacks: bool,
}

/// A request after the parse stage.
pub struct Parsed<R> {
    /// The name the client asked for.
    pub model: String,
    /// The endpoint's request.
    pub request: R,
    pub options: RouteOptions,
    /// The body's `user`, for the spend row.
    pub user: Option<String>,
    /// The client's `metadata`, for the spend row.
    pub metadata: Value,
}

/// The parse stage for endpoint `E`.
pub fn parse<E: Endpoint>(
    body: &[u8],
    path_model: Option<String>,
    headers: &HeaderMap,
) -> Result<Parsed<E::Request>, ProxyError> {
    let mut body: Map<String, Value> = serde_json::from_slice(body).map_err(|e| {
        ProxyError::bad_request(format!("Invalid JSON body: {e}")).with_param("body")
    })?;
    let model = match path_model {
        Some(model) => model,
        None => match body.get("model") {
            Some(Value::String(model)) => model.clone(),
            _ => {
                return Err(ProxyError::bad_request(format!(
                    "{}: Invalid model name passed in model=None. Call /v1/models to view available models for your key.",
                    E::ROUTE
                ))
                .with_param("model"))
            }
        },
    };
    let mut options = route_options(&body, headers);
    let metadata = body
        .get(E::METADATA_KEY)
        .cloned()
        .unwrap_or(Value::Object(Map::new()));
    // `metadata` stays in the body where it is the API's own (see `Endpoint::METADATA_KEY`).
    let consumed = |key: &str| {
        LITELLM_ONLY_KEYS.contains(&key) && (key != "metadata" || E::METADATA_KEY == key)
    };
    // One pass over the (few) body keys instead of a hashed removal per LiteLLM-only key.
    if body.keys().any(|key| consumed(key)) {
        body.retain(|key, _| !consumed(key));
    }
    body.insert("model".into(), Value::String(model.clone()));
    let user = body.get("user").and_then(Value::as_str).map(str::to_string);
    let request = E::parse_with_headers(body, headers)?;
    options.stream = E::streams(&request);
    Ok(Parsed {
        model,
        request,
        options,
        user,
        metadata,
    })
}

fn route_options(body: &Map<String, Value>, headers: &HeaderMap) -> RouteOptions {
    let seconds = |v: Option<&Value>| {
        v.and_then(Value::as_f64)
            .filter(|s| *s > 0.0 && s.is_finite())
            .map(Duration::from_secs_f64)
    };
    let header_retries = headers
        .get("x-litellm-num-retries")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let num_retries = header_retries
        .or_else(|| body.get("num_retries").and_then(Value::as_u64))
        .map(|n| n.min(u64::from(MAX_REQUEST_RETRIES)) as u32);
    let fallbacks = body.get("fallbacks").and_then(Value::as_array).map(|list| {
        list.iter()
            .filter_map(|v| {
                v.as_str()
                    .or_else(|| v.get("model").and_then(Value::as_str))
            })
            .map(str::to_string)
            .collect()
    });
    RouteOptions {
        stream: false,
        num_retries,
        timeout: seconds(body.get("timeout")).or_else(|| seconds(body.get("request_timeout"))),
        stream_timeout: seconds(body.get("stream_timeout")),
        fallbacks,
        disable_fallbacks: body
            .get("disable_fallbacks")
            .and_then(Value::as_bool)
            .unwrap_or(false),
    }
}
