//! The HTTP surface (section 15): the model endpoints (routes onto the one request pipeline,
//! `pipeline/`), model list, health, spend logs, metrics, and virtual key management (`/key/*`).

use super::auth;
use super::dispatch::Dispatcher;
use super::endpoints::{ChatCompletions, ChatRequest, Embeddings, Responses, TextCompletions};
use super::error::ProxyError;
use super::keys::Keys;
use super::metrics::Metrics;
use super::pipeline::{endpoint, endpoint_for};
use super::store::{SpendQuery, Store};
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// `created` of every `/v1/models` entry (LiteLLM's `DEFAULT_MODEL_CREATED_AT_TIME`).
const MODEL_CREATED_AT: u64 = 1_677_610_602;

pub struct AppState {
    pub dispatcher: Dispatcher,
    pub metrics: Arc<Metrics>,
    /// Spend rows and virtual keys (`None` with `--no-spend-db`).
    pub spend: Option<Arc<dyn Store>>,
    /// `false` under `general_settings.disable_spend_logs`: rows are not kept (keys still
    /// accrue spend).
    pub log_spend: bool,
    pub keys: Keys,
    /// Cooldowns, usage and key limits shared with other replicas (Redis), or kept here.
    pub shared: Arc<dyn super::shared::SharedState>,
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
        // Model endpoints: one line per route, each onto the pipeline (`pipeline/mod.rs`).
        .route("/v1/chat/completions", post(endpoint::<ChatCompletions>))
        .route("/chat/completions", post(endpoint::<ChatCompletions>))
        .route(
            "/engines/{model}/chat/completions",
            post(endpoint_for::<ChatCompletions>),
        )
        .route(
            "/openai/deployments/{model}/chat/completions",
            post(endpoint_for::<ChatCompletions>),
        )
        .merge(super::endpoints::messages::routes())
        .route("/v1/responses", post(endpoint::<Responses>))
        .route("/responses", post(endpoint::<Responses>))
        .route(
            "/v1/responses/{id}",
            get(super::responses::lookup::retrieve).delete(super::responses::lookup::delete),
        )
        .route(
            "/responses/{id}",
            get(super::responses::lookup::retrieve).delete(super::responses::lookup::delete),
        )
        .route("/v1/completions", post(endpoint::<TextCompletions>))
        .route("/completions", post(endpoint::<TextCompletions>))
        .route(
            "/engines/{model}/completions",
            post(endpoint_for::<TextCompletions>),
        )
        .route(
            "/openai/deployments/{model}/completions",
            post(endpoint_for::<TextCompletions>),
        )
        .route("/v1/embeddings", post(endpoint::<Embeddings>))
        .route("/embeddings", post(endpoint::<Embeddings>))
        .route(
            "/engines/{model}/embeddings",
            post(endpoint_for::<Embeddings>),
        )
        .route(
            "/openai/deployments/{model}/embeddings",
            post(endpoint_for::<Embeddings>),
        )
        .route("/v1/model/info", get(model_info))
        .route("/model/info", get(model_info))
        .route("/v1/models", get(list_models))
        .route("/models", get(list_models))
        .route("/v1/models/{*id}", get(one_model))
        .route("/models/{*id}", get(one_model))
        .route("/health/liveliness", get(liveliness))
        .route("/health/liveness", get(liveliness))
        .route("/health/readiness", get(readiness))
        .route("/health", get(health))
        .route("/spend/logs", get(spend_logs))
        .route("/key/generate", post(key_generate))
        .route("/key/update", post(key_update))
        .route("/key/delete", post(key_delete))
        .route("/key/info", get(key_info))
        .route("/key/list", get(key_list))
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

#[derive(Deserialize, Default)]
struct ModelsQuery {
    return_wildcard_routes: Option<bool>,
}

async fn list_models(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(query): Query<ModelsQuery>,
) -> Response {
    let caller = match auth::authenticate(&state, &headers).await {
        Ok(caller) => caller,
        Err(e) => return e.into_response(),
    };
    let wildcards = query
        .return_wildcard_routes
        .unwrap_or(state.return_wildcard_routes);
    let router = &state.dispatcher.router;
    // A virtual key sees the models it may call, as LiteLLM lists them for it.
    let key_models = caller.key().map(|key| key.record());
    let data: Vec<Value> = router
        .listed_models(wildcards)
        .into_iter()
        .filter(|name| {
            key_models.as_ref().is_none_or(|record| {
                super::keys::allows(&record.models, name, router.alias_target(name))
            })
        })
        .map(|id| json!({"id": id, "object": "model", "created": MODEL_CREATED_AT, "owned_by": "openai"}))
        .collect();
    Json(json!({"data": data, "object": "list"})).into_response()
}

#[derive(Deserialize, Default)]
struct ModelInfoQuery {
    litellm_model_id: Option<String>,
}

/// LiteLLM's `/model/info` (`model_info.rs`).
async fn model_info(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(query): Query<ModelInfoQuery>,
) -> Response {
    let caller = match auth::authenticate(&state, &headers).await {
        Ok(caller) => caller,
        Err(e) => return e.into_response(),
    };
    let router = &state.dispatcher.router;
    // A virtual key sees the deployments of the models it may call.
    let key_models = caller.key().map(|key| key.record());
    let data: Vec<Value> = router
        .deployments
        .iter()
        .filter(|d| {
            let name = &d.config.model_name;
            key_models.as_ref().is_none_or(|record| {
                super::keys::allows(&record.models, name, router.alias_target(name))
            })
        })
        .filter(|d| {
            query
                .litellm_model_id
                .as_ref()
                .is_none_or(|id| &d.config.id == id)
        })
        .map(|d| super::model_info::entry(d))
        .collect();
    Json(json!({"data": data})).into_response()
}

async fn one_model(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if let Err(e) = auth::authenticate(&state, &headers).await {
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
/// `"db": "disconnected"` while spend rows cannot be written, with the reason. With Redis,
/// `"cache": "redis"` (as LiteLLM names its cache type) and `"redis": "connected"` or
/// `"disconnected"` with `redis_error`: an unreachable Redis leaves the proxy ready, serving on
/// its own counts.
async fn readiness(State(state): State<Arc<AppState>>) -> Response {
    let (status, mut body) = readiness_of(&state);
    if state.shared.describe().is_some() {
        let up = state.shared.is_up();
        body.insert("cache".into(), json!("redis"));
        body.insert(
            "redis".into(),
            json!(if up { "connected" } else { "disconnected" }),
        );
        if let Some(error) = state.shared.last_error().filter(|_| !up) {
            body.insert(
                "redis_error".into(),
                json!(format!(
                    "{error}; cooldowns, usage and key limits are this replica's own until Redis is back"
                )),
            );
        }
    }
    (status, Json(Value::Object(body))).into_response()
}

fn readiness_of(state: &AppState) -> (StatusCode, Map<String, Value>) {
    let object = |value: Value| match value {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    let stats = state.spend.as_ref().map(|spend| spend.stats());
    let db = match &stats {
        None => "Not connected",
        Some(stats) if stats.failure.is_some() => "disconnected",
        Some(_) => "connected",
    };
    if state.shutting_down.load(Ordering::Relaxed) {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            object(json!({"status": "shutting_down", "db": db})),
        );
    }
    if let Some(stats) = stats {
        if let Some(reason) = stats.failure {
            let body = json!({
                "status": "unhealthy",
                "db": db,
                "db_error": format!("spend rows cannot be written: {reason}"),
                "spend_rows_dropped": stats.dropped,
            });
            return (StatusCode::SERVICE_UNAVAILABLE, object(body));
        }
    }
    (
        StatusCode::OK,
        object(json!({"status": "healthy", "db": db})),
    )
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
    if let Err(e) = auth::authenticate(&state, &headers).await {
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
        let result = probe(client, &d.config, d.provider.as_ref()).await;
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

/// One health probe of a deployment, by its `model_info.mode` as LiteLLM's `ahealth_check`
/// picks the call: chat (the default), an embedding, or a text completion, each one token; a
/// mode this proxy has no endpoint for is reported as not probed, never pinged with chat.
async fn probe(
    client: &reqwest::Client,
    deployment: &super::config::DeploymentConfig,
    provider: &dyn super::providers::Provider,
) -> Result<(), ProxyError> {
    use super::endpoints::{CompletionRequest, EmbeddingsRequest};
    fn call<'a, R>(
        deployment: &'a super::config::DeploymentConfig,
        request: &'a R,
    ) -> super::providers::Call<'a, R> {
        super::providers::Call {
            deployment,
            request,
            model: &deployment.upstream_model,
            stream: false,
            timeout: Duration::from_secs(30),
        }
    }
    match deployment.mode.as_deref() {
        None | Some("chat") => {
            let mut body = Map::new();
            body.insert("messages".into(), json!([{"role": "user", "content": "ping"}]));
            body.insert("max_tokens".into(), json!(1));
            let request = ChatRequest::new(body);
            provider.chat(client, call(deployment, &request)).await.map(|_| ())
        }
        Some("embedding") => {
            let mut body = Map::new();
            body.insert("input".into(), json!(["ping"]));
            let request = EmbeddingsRequest { body };
            provider
                .embeddings(client, call(deployment, &request))
                .await.map(|_| ())
        }
        Some("completion") => {
            let mut body = Map::new();
            body.insert("prompt".into(), json!("ping"));
            body.insert("max_tokens".into(), json!(1));
            let request = CompletionRequest {
                body,
                stream: false,
                wants_usage: false,
            };
            provider
                .completions(client, call(deployment, &request))
                .await.map(|_| ())
        }
        Some(other) => Err(ProxyError::bad_request(format!(
            "litellm-proxy cannot health-check a deployment of mode `{other}` (it serves chat, embedding and completion); not probed"
        ))),
    }
}

/// The master key for a management route.
async fn admin(state: &AppState, headers: &HeaderMap, route: &str) -> Result<(), ProxyError> {
    let caller = auth::authenticate(state, headers).await?;
    auth::require_master(&caller, route)
}

async fn spend_logs(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    if let Err(e) = admin(&state, &headers, "/spend/logs").await {
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
    match store.spend_logs(query).await {
        Ok(rows) => Json(rows).into_response(),
        Err(e) => ProxyError::bad_request(e).into_response(),
    }
}

/// A management request's JSON object body.
fn object_body(body: &[u8]) -> Result<Map<String, Value>, ProxyError> {
    serde_json::from_slice(body)
        .map_err(|e| ProxyError::bad_request(format!("Invalid JSON body: {e}")).with_param("body"))
}

fn answer(result: Result<Value, ProxyError>) -> Response {
    match result {
        Ok(value) => Json(value).into_response(),
        Err(e) => e.into_response(),
    }
}

async fn key_generate(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(e) = admin(&state, &headers, "/key/generate").await {
        return e.into_response();
    }
    // An empty body is a key with no limits, as LiteLLM's defaults make it.
    let body = if body.is_empty() {
        Ok(Map::new())
    } else {
        object_body(&body)
    };
    match body {
        Ok(body) => answer(state.keys.generate(&body).await),
        Err(e) => e.into_response(),
    }
}

async fn key_update(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(e) = admin(&state, &headers, "/key/update").await {
        return e.into_response();
    }
    match object_body(&body) {
        Ok(body) => answer(state.keys.update(&body).await),
        Err(e) => e.into_response(),
    }
}

async fn key_delete(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(e) = admin(&state, &headers, "/key/delete").await {
        return e.into_response();
    }
    match object_body(&body) {
        Ok(body) => answer(state.keys.delete(&body).await),
        Err(e) => e.into_response(),
    }
}

async fn key_info(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    if let Err(e) = admin(&state, &headers, "/key/info").await {
        return e.into_response();
    }
    answer(state.keys.info(params.get("key").map(String::as_str)).await)
}

async fn key_list(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    if let Err(e) = admin(&state, &headers, "/key/list").await {
        return e.into_response();
    }
    answer(state.keys.list(&params).await)
}

async fn metrics(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    if let Err(e) = admin(&state, &headers, "/metrics").await {
        return e.into_response();
    }
    let spend = state.spend.as_ref().map(|s| s.stats());
    let mut text = state.metrics.render(spend.as_ref());
    let router = &state.dispatcher.router;
    let name = "litellm_proxy_deployment_cooling";
    text.push_str(&format!(
        "# HELP {name} 1 while the deployment is cooling down (here or, with Redis, on another replica).\n# TYPE {name} gauge\n"
    ));
    for (index, d) in router.deployments.iter().enumerate() {
        text.push_str(&format!(
            "{name}{{model_group=\"{}\",model_id=\"{}\"}} {}\n",
            super::metrics::escape(&d.config.model_name),
            super::metrics::escape(&d.config.id),
            u8::from(router.is_cooling(index))
        ));
    }
    for (name, help, pick) in [
        (
            "litellm_proxy_deployment_requests_this_minute",
            "Requests to the deployment this minute (UTC), as usage-based routing counts them: every replica's with Redis.",
            0,
        ),
        (
            "litellm_proxy_deployment_tokens_this_minute",
            "Tokens of the deployment this minute (UTC), as usage-based routing counts them: every replica's with Redis.",
            1,
        ),
    ] {
        text.push_str(&format!("# HELP {name} {help}\n# TYPE {name} gauge\n"));
        for (index, d) in router.deployments.iter().enumerate() {
            let (tokens, requests) = router.usage_now(index);
            text.push_str(&format!(
                "{name}{{model_group=\"{}\",model_id=\"{}\"}} {}\n",
                super::metrics::escape(&d.config.model_name),
                super::metrics::escape(&d.config.id),
                if pick == 0 { requests } else { tokens }
            ));
        }
    }
    if state.shared.describe().is_some() {
        let name = "litellm_proxy_redis_up";
        text.push_str(&format!(
            "# HELP {name} 1 while Redis answers (cooldowns, usage and key limits shared across replicas), 0 while the proxy serves on its own counts.\n# TYPE {name} gauge\n{name} {}\n",
            u8::from(state.shared.is_up())
        ));
    }
    ([("content-type", "text/plain; version=0.0.4")], text).into_response()
}
