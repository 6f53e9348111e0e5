//! The HTTP surface (section 15): chat completions, model list, health, spend logs, metrics.

use super::accounting::{Accounting, Completed, Outcome};
use super::auth;
use super::dispatch::{ChatRequest, Dispatcher, Reply, Success, LITELLM_ONLY_KEYS};
use super::error::ProxyError;
use super::metrics::Metrics;
use super::pricing;
use super::router::random_u64;
use super::spend::{SpendQuery, SpendStore};
use super::sse::{self, StreamEnd};
use super::usage::Usage;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

/// The most retries a request may ask for (`num_retries` in the body or
/// `x-litellm-num-retries`); more is served as this many. LiteLLM has no cap, so one request
/// could keep a failing deployment busy for ever.
pub const MAX_REQUEST_RETRIES: u32 = 10;

/// `created` of every `/v1/models` entry (LiteLLM's `DEFAULT_MODEL_CREATED_AT_TIME`).
const MODEL_CREATED_AT: u64 = 1_677_610_602;

pub struct AppState {
    pub dispatcher: Dispatcher,
    pub metrics: Arc<Metrics>,
    pub spend: Option<Arc<SpendStore>>,
    /// Never printed or logged.
    pub master_key: Option<super::config::Secret>,
    /// The master key's hash (the spend rows' `api_key`), computed once at start.
    pub master_key_hash: Option<Arc<str>>,
    pub key_header: Option<String>,
    pub return_wildcard_routes: bool,
    pub shutting_down: AtomicBool,
}

pub fn routes(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/v1/chat/completions", post(chat_completions))
        .route("/chat/completions", post(chat_completions))
        .route(
            "/engines/{model}/chat/completions",
            post(chat_completions_for),
        )
        .route(
            "/openai/deployments/{model}/chat/completions",
            post(chat_completions_for),
        )
        .route("/v1/models", get(list_models))
        .route("/models", get(list_models))
        .route("/v1/models/{*id}", get(one_model))
        .route("/models/{*id}", get(one_model))
        .route("/health/liveliness", get(liveliness))
        .route("/health/liveness", get(liveliness))
        .route("/health/readiness", get(readiness))
        .route("/health", get(health))
        .route("/spend/logs", get(spend_logs))
        .route("/metrics", get(metrics))
        .fallback(not_found)
        .layer(axum::middleware::map_response(
            super::connection::json_errors,
        ))
        .with_state(state)
}

async fn not_found() -> Response {
    ProxyError::new(404, super::error::ErrorKind::NotFound, "Not Found")
        .with_type("not_found_error")
        .into_response()
}

/// The key used, when the master key accepts it (or no master key is set).
pub(crate) fn authorize(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<String>, ProxyError> {
    let presented = auth::presented_key(headers, state.key_header.as_deref());
    let Some(master) = state.master_key.as_ref().map(|k| k.expose()) else {
        return Ok(presented);
    };
    let key = match presented {
        None => {
            return Err(ProxyError::auth(
                "Authentication Error, No api key passed in.",
            ))
        }
        Some(key) if key.is_empty() => {
            return Err(ProxyError::auth(
                "Authentication Error, No api key passed in.",
            ))
        }
        Some(key) => key,
    };
    if auth::keys_match(&key, master) {
        return Ok(Some(key));
    }
    if !key.starts_with("sk-") {
        return Err(ProxyError::auth(format!(
            "Authentication Error, LiteLLM Virtual Key expected. Received={}, expected to start with 'sk-'.",
            abbreviate(&key)
        )));
    }
    Err(ProxyError::auth(format!(
        "Authentication Error, Invalid proxy server token passed. Received API Key = {}, Key Hash (Token) ={}. Unable to find token in cache or `LiteLLM_VerificationTokenTable`",
        abbreviate(&key),
        auth::hash_key(&key)
    )))
}

/// `sk-...abcd`: enough to tell keys apart, not enough to use one.
fn abbreviate(key: &str) -> String {
    let tail: String = key
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let head: String = key.chars().take(3).collect();
    format!("{head}...{tail}")
}

async fn chat_completions(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    handle_chat(state, peer, headers, body, None, "/chat/completions").await
}

async fn chat_completions_for(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(model): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    handle_chat(state, peer, headers, body, Some(model), "/chat/completions").await
}

fn parse_request(
    body: &[u8],
    path_model: Option<String>,
    headers: &HeaderMap,
) -> Result<(String, ChatRequest, Option<String>, Value, bool), ProxyError> {
    let mut body: Map<String, Value> = serde_json::from_slice(body).map_err(|e| {
        ProxyError::bad_request(format!("Invalid JSON body: {e}")).with_param("body")
    })?;
    let model = match path_model {
        Some(model) => model,
        None => match body.get("model") {
            Some(Value::String(model)) => model.clone(),
            _ => {
                return Err(ProxyError::bad_request(
                    "/chat/completions: Invalid model name passed in model=None. Call /v1/models to view available models for your key.",
                )
                .with_param("model"))
            }
        },
    };
    super::validate::chat_request(&body)?;
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
    let timeout = seconds(body.get("timeout")).or_else(|| seconds(body.get("request_timeout")));
    let stream_timeout = seconds(body.get("stream_timeout"));
    let disable_fallbacks = body
        .get("disable_fallbacks")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let metadata = body
        .get("metadata")
        .cloned()
        .unwrap_or(Value::Object(Map::new()));
    // One pass over the (few) body keys instead of a hashed removal per LiteLLM-only key.
    if body
        .keys()
        .any(|key| LITELLM_ONLY_KEYS.contains(&key.as_str()))
    {
        body.retain(|key, _| !LITELLM_ONLY_KEYS.contains(&key.as_str()));
    }
    body.insert("model".into(), Value::String(model.clone()));
    let stream = body.get("stream").and_then(Value::as_bool).unwrap_or(false);
    let wants_usage = body
        .get("stream_options")
        .and_then(|o| o.get("include_usage"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let user = body.get("user").and_then(Value::as_str).map(str::to_string);
    let request = ChatRequest {
        body,
        stream,
        num_retries,
        timeout,
        stream_timeout,
        fallbacks,
        disable_fallbacks,
    };
    Ok((model, request, user, metadata, wants_usage))
}

async fn handle_chat(
    state: Arc<AppState>,
    peer: SocketAddr,
    headers: HeaderMap,
    body: Bytes,
    path_model: Option<String>,
    route: &str,
) -> Response {
    let started = Instant::now();
    let start_time = SystemTime::now();
    let key = match authorize(&state, &headers) {
        Ok(key) => key,
        Err(e) => return e.into_response(),
    };
    let (model, request, user, metadata, wants_usage) =
        match parse_request(&body, path_model, &headers) {
            Ok(parsed) => parsed,
            Err(e) => return e.into_response(),
        };
    let Some(target) = state.dispatcher.router.resolve(&model) else {
        return ProxyError::bad_request(format!(
            "{route}: Invalid model name passed in model={model}. Call /v1/models to view available models for your key."
        ))
        .with_param("model")
        .into_response();
    };
    let call_id = call_id();
    // LiteLLM's model group is the name asked for (`gpt-x`), not the alias target or pattern.
    let requested_group = model.clone();
    // Who asked and when, for the one accounting stage every ending goes through.
    let accounting = Accounting {
        state: state.clone(),
        call_id: call_id.clone(),
        key_hash: key_hash(&state, key.as_deref()),
        user: user.unwrap_or_default(),
        metadata,
        peer: peer.ip(),
        start_time,
        started,
    };
    let outcome = state.dispatcher.run(target, &request).await;
    let success = match outcome {
        Ok(success) => success,
        Err(failure) => {
            accounting.finish(Completed {
                deployment: None,
                group: &requested_group,
                model: &model,
                usage: Usage::default(),
                cost: 0.0,
                upstream_time: None,
                outcome: Outcome::Failure {
                    status: failure.error.status,
                },
                retries: failure.retries,
                fallbacks: failure.fallbacks,
                first_byte: None,
            });
            let mut response = failure
                .error
                .with_model_group(&requested_group)
                .into_response();
            let h = response.headers_mut();
            set_header(h, "x-litellm-call-id", &call_id);
            set_header(h, "x-litellm-model-group", &requested_group);
            set_header(
                h,
                "x-litellm-attempted-retries",
                &failure.retries.to_string(),
            );
            set_header(
                h,
                "x-litellm-attempted-fallbacks",
                &failure.fallbacks.to_string(),
            );
            return response;
        }
    };
    let Some(deployment) = state
        .dispatcher
        .router
        .deployments
        .get(success.deployment)
        .cloned()
    else {
        return ProxyError::internal("deployment vanished").into_response();
    };
    let rates = pricing::rates_for(&deployment.config, &success.upstream_model);
    let mut response_headers = HeaderMap::new();
    set_header(&mut response_headers, "x-litellm-call-id", &call_id);
    set_header(
        &mut response_headers,
        "x-litellm-model-id",
        &deployment.config.id,
    );
    set_header(
        &mut response_headers,
        "x-litellm-model-group",
        &success.group,
    );
    set_header(
        &mut response_headers,
        "x-litellm-model-api-base",
        &deployment.shown_api_base,
    );
    set_header(
        &mut response_headers,
        "x-litellm-attempted-retries",
        &success.retries.to_string(),
    );
    set_header(
        &mut response_headers,
        "x-litellm-attempted-fallbacks",
        &success.fallbacks.to_string(),
    );
    set_header(
        &mut response_headers,
        "x-litellm-version",
        env!("CARGO_PKG_VERSION"),
    );
    let Success {
        reply,
        upstream_time,
        waited,
        in_flight,
        stream_timeout,
        deployment: index,
        group,
        upstream_model,
        retries,
        fallbacks,
    } = success;
    match reply {
        Reply::Complete(bytes) => {
            let usage = usage_of(&bytes);
            let cost = pricing::cost(rates, &usage);
            drop(in_flight);
            state.dispatcher.router.record_success(
                index,
                upstream_time,
                usage.prompt_tokens + usage.completion_tokens,
            );
            let overhead = started.elapsed().saturating_sub(waited);
            // LiteLLM leaves the header out when it cannot price the call.
            if let Some(cost) = cost {
                set_header(
                    &mut response_headers,
                    "x-litellm-response-cost",
                    &pricing::python_float(cost),
                );
            }
            set_header(
                &mut response_headers,
                "x-litellm-overhead-duration-ms",
                &format!("{:.3}", overhead.as_secs_f64() * 1000.0),
            );
            response_headers.insert("content-type", HeaderValue::from_static("application/json"));
            accounting.finish(Completed {
                deployment: Some(&deployment),
                group: &group,
                model: &upstream_model,
                usage,
                cost: cost.unwrap_or(0.0),
                upstream_time: Some(waited),
                outcome: Outcome::Success,
                retries,
                fallbacks,
                first_byte: None,
            });
            (StatusCode::OK, response_headers, Body::from(bytes)).into_response()
        }
        Reply::Stream { first, rest } => {
            let answered_by = deployment.clone();
            let router_state = state.clone();
            let first_byte = Instant::now();
            let on_end = move |end: StreamEnd| {
                drop(in_flight);
                // A stream is priced from the usage chunk the upstream was asked for; an
                // upstream that sends none leaves the call at zero tokens and zero cost.
                let usage = end.usage.unwrap_or_default();
                let cost = pricing::cost(rates, &usage).unwrap_or(0.0);
                if end.error.is_none() && !end.cancelled {
                    let elapsed = end.ended.map_or(upstream_time, |e| {
                        e.duration_since(first_byte) + upstream_time
                    });
                    router_state.dispatcher.router.record_success(
                        index,
                        elapsed,
                        usage.prompt_tokens + usage.completion_tokens,
                    );
                }
                let outcome = match (&end.error, end.cancelled) {
                    (Some(error), _) => Outcome::Failure {
                        status: error.status,
                    },
                    (None, true) => Outcome::Cancelled,
                    (None, false) => Outcome::Success,
                };
                // Streams report the upstream's time to first byte; the rest is the upstream's pace.
                accounting.finish(Completed {
                    deployment: Some(&answered_by),
                    group: &group,
                    model: &upstream_model,
                    usage,
                    cost,
                    upstream_time: Some(waited),
                    outcome,
                    retries,
                    fallbacks,
                    first_byte: Some(first_byte),
                });
            };
            let body = sse::passthrough(
                first,
                rest,
                &deployment.config.provider,
                stream_timeout,
                wants_usage,
                on_end,
            );
            response_headers.insert(
                "content-type",
                HeaderValue::from_static("text/event-stream"),
            );
            response_headers.insert("cache-control", HeaderValue::from_static("no-cache"));
            (StatusCode::OK, response_headers, Body::from_stream(body)).into_response()
        }
    }
}

/// The spend row's `api_key`: the hash of the presented key (the master key's is computed once).
fn key_hash(state: &AppState, key: Option<&str>) -> Arc<str> {
    let master = state.master_key.as_ref().map(|k| k.expose());
    match (key, master, &state.master_key_hash) {
        (None, _, _) => Arc::from(""),
        (Some(key), Some(master), Some(hash)) if auth::keys_match(key, master) => hash.clone(),
        (Some(key), _, _) => Arc::from(auth::hash_key(key)),
    }
}

fn usage_of(body: &[u8]) -> Usage {
    #[derive(Deserialize)]
    struct WithUsage {
        usage: Option<Usage>,
    }
    serde_json::from_slice::<WithUsage>(body)
        .ok()
        .and_then(|w| w.usage)
        .unwrap_or_default()
}

fn set_header(headers: &mut HeaderMap, name: &'static str, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        headers.insert(HeaderName::from_static(name), value);
    }
}

/// A UUID for `x-litellm-call-id` and the spend row's primary key. Version 7 (milliseconds since
/// the epoch, then 74 random bits) rather than LiteLLM's version 4: still a UUID to every client,
/// but ids grow with time, so the spend table's key index takes each row at its end instead of
/// on a random page (a random key made the writer rewrite pages all over the file).
fn call_id() -> String {
    let millis = SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    let (a, b) = (random_u64(), random_u64());
    format!(
        "{:08x}-{:04x}-7{:03x}-{:04x}-{:012x}",
        (millis >> 16) & 0xffff_ffff,
        millis & 0xffff,
        a & 0x0fff,
        (b >> 48) & 0x3fff | 0x8000,
        b & 0xffff_ffff_ffff
    )
}

#[derive(Deserialize, Default)]
struct ModelsQuery {
    return_wildcard_routes: Option<bool>,
}

async fn list_models(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(query): Query<ModelsQuery>,
) -> Response {
    if let Err(e) = authorize(&state, &headers) {
        return e.into_response();
    }
    let wildcards = query
        .return_wildcard_routes
        .unwrap_or(state.return_wildcard_routes);
    let data: Vec<Value> = state
        .dispatcher
        .router
        .listed_models(wildcards)
        .into_iter()
        .map(|id| json!({"id": id, "object": "model", "created": MODEL_CREATED_AT, "owned_by": "openai"}))
        .collect();
    Json(json!({"data": data, "object": "list"})).into_response()
}

async fn one_model(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if let Err(e) = authorize(&state, &headers) {
        return e.into_response();
    }
    let router = &state.dispatcher.router;
    let Some(target) = router.resolve(&id) else {
        return ProxyError::new(
            404,
            super::error::ErrorKind::NotFound,
            format!("The model `{id}` does not exist"),
        )
        .with_type("invalid_request_error")
        .with_param("model")
        .into_response();
    };
    let owned_by = target
        .deployments
        .first()
        .and_then(|i| router.deployments.get(*i))
        .map_or("openai".to_string(), |d| d.config.provider.clone());
    Json(json!({"id": id, "object": "model", "created": MODEL_CREATED_AT, "owned_by": owned_by}))
        .into_response()
}

async fn liveliness(State(state): State<Arc<AppState>>) -> Response {
    if state.shutting_down.load(Ordering::Relaxed) {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"status": "shutting_down"})),
        )
            .into_response();
    }
    Json(json!("I'm alive!")).into_response()
}

/// LiteLLM's readiness: 503 while shutting down, and (as LiteLLM does for its database) 503 with
/// `"db": "disconnected"` while spend rows cannot be written, with the reason.
async fn readiness(State(state): State<Arc<AppState>>) -> Response {
    let stats = state.spend.as_ref().map(|spend| spend.stats());
    let db = match &stats {
        None => "Not connected",
        Some(stats) if stats.failure.is_some() => "disconnected",
        Some(_) => "connected",
    };
    if state.shutting_down.load(Ordering::Relaxed) {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"status": "shutting_down", "db": db})),
        )
            .into_response();
    }
    if let Some(stats) = stats {
        if let Some(reason) = stats.failure {
            let body = json!({
                "status": "unhealthy",
                "db": db,
                "db_error": format!("spend rows cannot be written: {reason}"),
                "spend_rows_dropped": stats.dropped,
            });
            return (StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response();
        }
    }
    Json(json!({"status": "healthy", "db": db})).into_response()
}

#[derive(Deserialize, Default)]
struct HealthQuery {
    model: Option<String>,
    model_id: Option<String>,
}

/// Calls every deployment (or the asked ones) with a one-token request, concurrently.
async fn health(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(query): Query<HealthQuery>,
) -> Response {
    if let Err(e) = authorize(&state, &headers) {
        return e.into_response();
    }
    let router = &state.dispatcher.router;
    let selected: Vec<_> = router
        .deployments
        .iter()
        .filter(|d| {
            query
                .model
                .as_ref()
                .is_none_or(|m| &d.config.model_name == m || &d.config.model == m)
        })
        .filter(|d| query.model_id.as_ref().is_none_or(|id| &d.config.id == id))
        .filter(|d| !d.config.is_wildcard())
        .cloned()
        .collect();
    let client = state.dispatcher.client();
    let checks = selected.iter().map(|d| async move {
        let mut request = Map::new();
        request.insert("messages".into(), json!([{"role": "user", "content": "ping"}]));
        request.insert("max_tokens".into(), json!(1));
        let no_defaults = Map::new();
        let body = super::providers::UpstreamBody {
            request: &request,
            model: &d.config.upstream_model,
            defaults: &no_defaults,
            stream: false,
        };
        let call = super::providers::ChatCall {
            deployment: &d.config,
            body,
            stream: false,
            timeout: Duration::from_secs(30),
        };
        let result = d.provider.chat(client, call).await;
        let mut entry = json!({"model": d.config.model, "model_name": d.config.model_name, "model_id": d.config.id});
        if d.config.api_base.is_some() {
            entry["api_base"] = json!(d.shown_api_base);
        }
        match result {
            Ok(_) => (true, entry),
            Err(e) => {
                entry["error"] = json!(d.credentials.redact(&e.message));
                (false, entry)
            }
        }
    });
    let results = futures_util::future::join_all(checks).await;
    let (healthy, unhealthy): (Vec<_>, Vec<_>) = results.into_iter().partition(|(ok, _)| *ok);
    let healthy: Vec<Value> = healthy.into_iter().map(|(_, e)| e).collect();
    let unhealthy: Vec<Value> = unhealthy.into_iter().map(|(_, e)| e).collect();
    let targeted = query.model.is_some() || query.model_id.is_some();
    let status = if targeted && healthy.is_empty() {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::OK
    };
    let body = json!({
        "healthy_endpoints": healthy,
        "unhealthy_endpoints": unhealthy,
        "healthy_count": healthy.len(),
        "unhealthy_count": unhealthy.len(),
    });
    (status, Json(body)).into_response()
}

async fn spend_logs(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    if let Err(e) = authorize(&state, &headers) {
        return e.into_response();
    }
    let Some(store) = &state.spend else {
        return ProxyError::bad_request(
            "Database not connected. Connect a database to your proxy for spend logs.",
        )
        .into_response();
    };
    let query = SpendQuery {
        api_key: params.get("api_key").cloned(),
        user_id: params.get("user_id").cloned(),
        request_id: params.get("request_id").cloned(),
        start_date: params.get("start_date").cloned(),
        end_date: params.get("end_date").cloned(),
        summarize: params
            .get("summarize")
            .is_none_or(|v| !v.eq_ignore_ascii_case("false")),
    };
    let path = store.path().to_path_buf();
    match tokio::task::spawn_blocking(move || super::spend::query(&path, &query)).await {
        Ok(Ok(rows)) => Json(rows).into_response(),
        Ok(Err(e)) => ProxyError::bad_request(e).into_response(),
        Err(e) => ProxyError::internal(e.to_string()).into_response(),
    }
}

async fn metrics(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    if let Err(e) = authorize(&state, &headers) {
        return e.into_response();
    }
    let spend = state.spend.as_ref().map(|s| s.stats());
    let text = state.metrics.render(spend.as_ref());
    ([("content-type", "text/plain; version=0.0.4")], text).into_response()
}
