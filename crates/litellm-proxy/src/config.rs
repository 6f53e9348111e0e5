//! The proxy's runtime configuration: what it needs from a LiteLLM config, already resolved
//! (`os.environ/` looked up, defaults applied), so request handling never re-reads the config.
//!
//! Built from the checker's resolved model of the config ([`ProxyConfig::from_resolved`]) after
//! the checker accepted it: the proxy adds only what it alone needs, the values of `os.environ/`
//! references and the providers' default keys and bases, read once at start-up.

use litellm_check::env::Environment;
use litellm_check::litellm::env_value::{resolve_json, Env};
use litellm_check::litellm::resolved::{self, Fallbacks, ResolvedConfig};
use litellm_check::litellm::Alias;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

/// A credential: usable where it is needed, never shown (`Debug` prints `***`).
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// One `model_list` entry the proxy can call.
#[derive(Debug, Clone)]
pub struct DeploymentConfig {
    /// `model_info.id`, or a stable id derived from the entry (LiteLLM hashes the params).
    pub id: String,
    /// The public name (`model_name`); may contain `*`.
    pub model_name: String,
    /// Where the config names it.
    pub name_span: litellm_check::syntax::Span,
    /// `litellm_params.model` as written (`openai/gpt-4o`).
    pub model: String,
    /// The provider prefix (`openai`), or the one inferred for a bare id.
    pub provider: String,
    /// The upstream model id (after the provider prefix); may contain `*`.
    pub upstream_model: String,
    pub api_base: Option<String>,
    /// Never printed or logged.
    pub api_key: Option<Secret>,
    /// `litellm_params.extra_headers` / `headers`, sent on every upstream call.
    pub headers: Vec<(String, String)>,
    pub timeout: Option<Duration>,
    pub stream_timeout: Option<Duration>,
    pub rpm: Option<f64>,
    pub tpm: Option<f64>,
    pub weight: Option<f64>,
    pub order: Option<i64>,
    pub num_retries: Option<u32>,
    pub input_cost_per_token: Option<f64>,
    pub output_cost_per_token: Option<f64>,
    pub cache_read_input_token_cost: Option<f64>,
    pub cache_creation_input_token_cost: Option<f64>,
    /// `model_info.base_model`: the price-table name to charge with.
    pub base_model: Option<String>,
    /// Per-deployment cooldown override (`model_info`, then `litellm_params`); 0 disables.
    pub cooldown_time: Option<f64>,
    /// `model_info.allowed_fails`: switches this deployment to count-mode cooldowns.
    pub allowed_fails: Option<u32>,
    /// `model_info.mode` (`chat`, `embedding`, `completion`, ...).
    pub mode: Option<String>,
    /// OpenAI request parameters set in `litellm_params` (`temperature`, `max_tokens`, ...) and
    /// `extra_body`: defaults the request may override.
    pub default_params: Map<String, Value>,
    /// Azure's `api_version` (`litellm_params`, else `AZURE_API_VERSION`).
    pub api_version: Option<String>,
    /// Azure AD token (`litellm_params.azure_ad_token`, else `AZURE_AD_TOKEN`); never printed.
    pub azure_ad_token: Option<Secret>,
}

impl DeploymentConfig {
    pub fn is_wildcard(&self) -> bool {
        self.model_name.contains('*')
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoutingStrategy {
    SimpleShuffle,
    LeastBusy,
    LatencyBased,
    UsageBased,
}

impl RoutingStrategy {
    /// LiteLLM's names; strategies this proxy does not implement are reported by the caller.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "simple-shuffle" => Some(RoutingStrategy::SimpleShuffle),
            "least-busy" => Some(RoutingStrategy::LeastBusy),
            "latency-based-routing" => Some(RoutingStrategy::LatencyBased),
            "usage-based-routing" | "usage-based-routing-v2" => Some(RoutingStrategy::UsageBased),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct RouterConfig {
    pub strategy: RoutingStrategy,
    /// `lowest_latency_buffer` of `routing_strategy_args`.
    pub latency_buffer: f64,
    pub num_retries: u32,
    pub max_fallbacks: usize,
    pub timeout: Option<Duration>,
    pub stream_timeout: Option<Duration>,
    /// `retry_after`: the floor of the back-off, seconds.
    pub retry_after: f64,
    /// Set when `router_settings.allowed_fails` (or `allowed_fails_policy`) was given: count mode.
    pub allowed_fails: Option<u32>,
    pub cooldown_time: f64,
    pub disable_cooldowns: bool,
    /// `retry_policy`: `RateLimitErrorRetries` etc. -> retries for that exception type.
    pub retry_policy: HashMap<String, u32>,
    /// `model_group_retry_policy`: group -> its own retry policy (wins over `retry_policy`).
    pub model_group_retry_policy: HashMap<String, HashMap<String, u32>>,
    /// `allowed_fails_policy`: `RateLimitErrorAllowedFails` etc.; setting it switches to count mode.
    pub allowed_fails_policy: HashMap<String, u32>,
    /// Every fallback list, read by the checker's one fallback reader.
    pub fallbacks: Fallbacks,
}

impl Default for RouterConfig {
    fn default() -> Self {
        RouterConfig {
            strategy: RoutingStrategy::SimpleShuffle,
            latency_buffer: 0.0,
            num_retries: resolved::DEFAULT_NUM_RETRIES,
            max_fallbacks: resolved::DEFAULT_MAX_FALLBACKS,
            timeout: None,
            stream_timeout: None,
            retry_after: 0.0,
            allowed_fails: None,
            cooldown_time: 5.0,
            disable_cooldowns: false,
            retry_policy: HashMap::new(),
            model_group_retry_policy: HashMap::new(),
            allowed_fails_policy: HashMap::new(),
            fallbacks: Fallbacks::default(),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct ProxyConfig {
    pub deployments: Vec<DeploymentConfig>,
    /// `router_settings.model_group_alias`, as the checker read it.
    pub aliases: Vec<Alias>,
    pub router: RouterConfig,
    /// Never printed or logged.
    pub master_key: Option<Secret>,
    /// `general_settings.litellm_key_header_name`.
    pub key_header_name: Option<String>,
    /// `general_settings.return_wildcard_routes`.
    pub return_wildcard_routes: bool,
    /// `general_settings.disable_spend_logs`.
    pub disable_spend_logs: bool,
    /// `general_settings.database_url` when it is `sqlite:///path` (this proxy's extension).
    pub spend_db: Option<PathBuf>,
    /// `general_settings.database_url` when it is a `postgresql://` (or `postgres://`) URL, else
    /// such a URL in `DATABASE_URL` when the config names no database. Never printed.
    pub database_url: Option<Secret>,
    /// `general_settings.user_api_key_cache_ttl`: how long a virtual key is served from memory
    /// before it is read from the store again (LiteLLM's 60 s by default).
    pub key_cache_ttl: Duration,
    /// `dangerously_permit_weak_or_unset_master_key` (config or env): boot without a strong key.
    pub permit_weak_master_key: bool,
    /// The Redis replicas share cooldowns, usage and key limits through; `None`: every count
    /// stays in this process.
    pub redis: Option<RedisConfig>,
    /// Start-up notes (deployments skipped and why); safe to print: they never hold a secret.
    pub notes: Vec<String>,
}

/// Where Redis is, resolved from `router_settings` and the `REDIS_*` variables.
#[derive(Clone, PartialEq)]
pub struct RedisConfig {
    /// `redis://...` or `rediss://...` as given (may hold a password), or built from host and
    /// port; never printed.
    pub url: Option<Secret>,
    pub host: String,
    pub port: u16,
    pub db: i64,
    pub username: Option<String>,
    /// Never printed or logged.
    pub password: Option<Secret>,
    /// `REDIS_SSL=true`: TLS (not supported by this build; start-up says so).
    pub tls: bool,
}

impl RedisConfig {
    /// `host:port/db`, for logs and readiness: never the password (nor a URL's userinfo).
    pub fn describe(&self) -> String {
        match &self.url {
            Some(url) => {
                let text = url.expose();
                let (scheme, rest) = text.split_once("://").unwrap_or(("redis", text));
                let rest = rest.rsplit_once('@').map_or(rest, |(_, after)| after);
                format!("{scheme}://{rest}")
            }
            None => format!("{}:{}/{}", self.host, self.port, self.db),
        }
    }
}

impl std::fmt::Debug for RedisConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RedisConfig({})", self.describe())
    }
}

/// The Redis of `router_settings` (`redis_url`, else `redis_host` with `redis_port`,
/// `redis_password`, `redis_db`), else of the environment (`REDIS_URL`, else `REDIS_HOST` with
/// `REDIS_PORT`, `REDIS_PASSWORD`, `REDIS_USERNAME`, `REDIS_DB`, `REDIS_SSL`), as LiteLLM's
/// `RedisCache` merges its arguments over `_redis_kwargs_from_environment()`: a field the config
/// leaves unset comes from its variable. The port defaults to 6379 (redis-py's default).
pub fn redis_config(
    settings: &resolved::RedisSettings,
    env: &Environment,
) -> Result<Option<RedisConfig>, String> {
    let text = |value: &Option<Env<String>>, variable: &str| -> Option<String> {
        value
            .as_ref()
            .and_then(|v| v.resolve(env))
            .or_else(|| env.get(variable).map(str::to_string))
            .filter(|v| !v.trim().is_empty())
    };
    let url = text(&settings.url, "REDIS_URL");
    let host = text(&settings.host, "REDIS_HOST");
    // The config's own url or host wins over the variables' (so a config naming a host is not
    // sent to the REDIS_URL of the environment).
    let config_url = settings.url.as_ref().and_then(|v| v.resolve(env));
    let config_host = settings.host.as_ref().and_then(|v| v.resolve(env));
    let use_url = match (&config_url, &config_host) {
        (Some(_), _) => true,
        (None, Some(_)) => false,
        (None, None) => url.is_some(),
    };
    if !use_url && host.is_none() {
        return Ok(None);
    }
    let port = match settings.port.as_ref().and_then(|v| v.resolve(env)) {
        Some(port) => Some(port),
        None => match env.get_non_empty("REDIS_PORT") {
            Some(text) => Some(
                text.trim()
                    .parse::<f64>()
                    .map_err(|_| format!("REDIS_PORT `{text}` is not a port number"))?,
            ),
            None => None,
        },
    };
    let port = match port {
        None => 6379,
        Some(p) if p.fract() == 0.0 && (1.0..=65535.0).contains(&p) => p as u16,
        Some(p) => return Err(format!("redis_port {p} is not a port number")),
    };
    let db = match settings.db.as_ref().and_then(|v| v.resolve(env)) {
        Some(db) => db,
        None => env
            .get_non_empty("REDIS_DB")
            .and_then(|t| t.trim().parse::<f64>().ok())
            .unwrap_or(0.0),
    };
    if db.fract() != 0.0 || db < 0.0 {
        return Err(format!("redis_db {db} is not a database number"));
    }
    Ok(Some(RedisConfig {
        url: if use_url { url.map(Secret::new) } else { None },
        host: host.unwrap_or_default(),
        port,
        db: db as i64,
        username: env.get_non_empty("REDIS_USERNAME").map(str::to_string),
        password: text(&settings.password, "REDIS_PASSWORD").map(Secret::new),
        tls: env
            .get("REDIS_SSL")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("true")),
    }))
}

/// The master key LiteLLM 1.109 refuses to boot with (its public demo value).
pub const DEMO_MASTER_KEY: &str = "sk-1234";

impl ProxyConfig {
    /// The runtime config of a resolved LiteLLM config: references resolved against `env` (the
    /// one resolver, [`Env::resolve`]), providers' default keys and bases filled in, deployments
    /// this proxy cannot call left out with a note.
    pub fn from_resolved(config: &ResolvedConfig, env: &Environment) -> Result<Self, String> {
        let general = &config.general;
        let mut proxy = ProxyConfig {
            router: router_config(config, env)?,
            ..ProxyConfig::default()
        };
        proxy.master_key = match &general.master_key {
            Some(Some(key)) => key.resolve(env).map(Secret::new),
            Some(None) => None,
            None => env.get("LITELLM_MASTER_KEY").map(Secret::new),
        };
        proxy.key_header_name = general
            .litellm_key_header_name
            .as_deref()
            .map(str::to_ascii_lowercase);
        proxy.return_wildcard_routes = general.return_wildcard_routes;
        proxy.permit_weak_master_key = general.dangerously_permit_weak_or_unset_master_key
            || env.is_true("LITELLM_DANGEROUSLY_PERMIT_WEAK_OR_UNSET_MASTER_KEY");
        proxy.disable_spend_logs = general.disable_spend_logs;
        proxy.key_cache_ttl = number(&general.user_api_key_cache_ttl, env)
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map_or(crate::keys::DEFAULT_CACHE_TTL, |s| {
                Duration::from_secs_f64(s.min(86_400.0))
            });
        // LiteLLM reads `DATABASE_URL` when the config names no database; a `sqlite://` path is
        // this proxy's extension of the config key only.
        let database_url = match &general.database_url {
            Some(url) => url.resolve(env),
            None => env
                .get_non_empty("DATABASE_URL")
                .filter(|url| crate::store::postgres::is_postgres_url(url))
                .map(str::to_string),
        };
        proxy.spend_db = database_url
            .as_deref()
            .and_then(|url| url.strip_prefix("sqlite://").map(PathBuf::from));
        proxy.database_url = database_url
            .filter(|url| crate::store::postgres::is_postgres_url(url))
            .map(Secret::new);
        for d in &config.deployments {
            match deployment(d, env) {
                Ok(built) => proxy.deployments.push(built),
                Err(Skip::Reported) => {}
                Err(Skip::Note(note)) => proxy.notes.push(format!(
                    "model_list[{}]: {note}; deployment skipped",
                    d.index
                )),
            }
        }
        proxy.aliases = config.groups.aliases.clone();
        proxy.redis = redis_config(&config.router.redis, env)?;
        Ok(proxy)
    }

    /// A config given as YAML (or JSON) text, read by the checker's reader without includes or
    /// checks: for tests and embedding.
    pub fn from_text(text: &str, env: &Environment) -> Result<Self, String> {
        use litellm_check::syntax::{yaml, FileId, Limits};
        let document = yaml::read(text, FileId(0), &Limits::default())
            .map_err(|e| format!("the config does not read as YAML: {}", e.message))?;
        let root = document.root.ok_or("the config is empty")?;
        Self::from_resolved(&ResolvedConfig::from_root(&root), env)
    }

    /// Why LiteLLM 1.109 would refuse to boot with this master key, if it would.
    pub fn weak_master_key(&self) -> Option<&'static str> {
        match self.master_key.as_ref().map(|k| k.expose().trim()) {
            None => {
                Some("no master key is set (general_settings.master_key or LITELLM_MASTER_KEY)")
            }
            Some("") => Some("the master key is empty"),
            Some(DEMO_MASTER_KEY) => Some("the master key is the public demo value sk-1234"),
            Some(_) => None,
        }
    }
}

/// A count from a number of the config (negative counts as 0).
fn count(value: &Option<Env<f64>>, env: &Environment) -> Option<u32> {
    value.as_ref()?.resolve(env).map(|n| n.max(0.0) as u32)
}

fn number(value: &Option<Env<f64>>, env: &Environment) -> Option<f64> {
    value.as_ref()?.resolve(env)
}

fn seconds(value: &Option<Env<f64>>, env: &Environment) -> Option<Duration> {
    number(value, env)
        .filter(|s| s.is_finite() && *s > 0.0)
        .map(Duration::from_secs_f64)
}

fn counts(policy: &[(String, Env<f64>)], env: &Environment) -> HashMap<String, u32> {
    policy
        .iter()
        .filter_map(|(k, v)| Some((k.clone(), v.resolve(env)?.max(0.0) as u32)))
        .collect()
}

fn router_config(config: &ResolvedConfig, env: &Environment) -> Result<RouterConfig, String> {
    let settings = &config.router;
    let mut router = RouterConfig::default();
    if let Some(name) = &settings.routing_strategy {
        router.strategy = RoutingStrategy::parse(&name.name).ok_or_else(|| {
            format!(
                "routing_strategy `{}` is not supported by litellm-proxy",
                name.name
            )
        })?;
    }
    router.latency_buffer = number(&settings.lowest_latency_buffer, env).unwrap_or(0.0);
    if let Some(n) = count(&settings.num_retries, env) {
        router.num_retries = n;
    }
    if let Some(n) = count(&settings.max_fallbacks, env) {
        router.max_fallbacks = n as usize;
    }
    router.timeout = seconds(&settings.timeout, env);
    router.stream_timeout = seconds(&settings.stream_timeout, env);
    router.retry_after = number(&settings.retry_after, env).unwrap_or(0.0).max(0.0);
    router.allowed_fails = count(&settings.allowed_fails, env);
    // `cooldown_time: 0` is falsy in Python and becomes the 5 s default.
    router.cooldown_time = number(&settings.cooldown_time, env)
        .filter(|t| *t > 0.0)
        .unwrap_or(5.0);
    router.disable_cooldowns = settings.disable_cooldowns;
    router.retry_policy = counts(&settings.retry_policy, env);
    router.allowed_fails_policy = counts(&settings.allowed_fails_policy, env);
    for (group, policy) in &settings.model_group_retry_policy {
        router
            .model_group_retry_policy
            .insert(group.clone(), counts(policy, env));
    }
    router.fallbacks = config.fallbacks.clone();
    Ok(router)
}

/// The OpenAI chat parameters a deployment's `litellm_params` may set as request defaults. Only
/// these are sent upstream: every other key is LiteLLM's own (limits, routing, pricing) or a
/// credential for another provider, and must never reach an upstream body.
const REQUEST_DEFAULTS: &[&str] = &[
    "temperature",
    "top_p",
    "n",
    "stop",
    "max_tokens",
    "max_completion_tokens",
    "presence_penalty",
    "frequency_penalty",
    "logit_bias",
    "logprobs",
    "top_logprobs",
    "response_format",
    "seed",
    "tools",
    "tool_choice",
    "parallel_tool_calls",
    "reasoning_effort",
    "service_tier",
    "modalities",
    "audio",
    "prediction",
    "store",
    "web_search_options",
    "verbosity",
    "user",
];

/// Why a deployment is not served.
enum Skip {
    /// The checker's findings already say so (LL066: a provider this proxy cannot route).
    Reported,
    /// Only known at start-up (a model read from the environment): printed as a note.
    Note(String),
}

fn deployment(d: &resolved::Deployment, env: &Environment) -> Result<DeploymentConfig, Skip> {
    let note = |text: &str| Skip::Note(text.to_string());
    let model = d
        .model
        .as_ref()
        .ok_or_else(|| note("`litellm_params.model` is missing"))?
        .resolve(env)
        .ok_or_else(|| note("`litellm_params.model` names an unset variable"))?;
    // The provider of a model read from the environment is only known now; the inference is
    // the checker's (`provider_routes::deployment_provider`).
    let provider = match &d.provider {
        Some(p) => p.clone(),
        None => litellm_check::provider_routes::deployment_provider(
            &model,
            d.custom_llm_provider.as_deref(),
        )
        .to_string(),
    };
    let upstream_model =
        litellm_check::provider_routes::upstream_model(&model, d.custom_llm_provider.as_deref())
            .to_string();
    if !super::providers::is_supported(&provider) {
        return Err(match d.provider {
            Some(_) => Skip::Reported,
            None => Skip::Note(format!(
                "provider `{provider}` is not served by litellm-proxy yet"
            )),
        });
    }
    let text = |value: &Option<Env<String>>| value.as_ref().and_then(|v| v.resolve(env));
    let api_base = text(&d.api_base).or_else(|| super::providers::default_api_base(&provider, env));
    let api_key = text(&d.api_key)
        .or_else(|| super::providers::default_api_key(&provider, env).map(str::to_string))
        .map(Secret::new);
    let api_version =
        text(&d.api_version).or_else(|| super::providers::default_api_version(&provider, env));
    let azure_ad_token = text(&d.azure_ad_token)
        .or_else(|| super::providers::default_ad_token(&provider, env))
        .map(Secret::new);
    // The pass-through parts (headers, request defaults, `extra_body`) are resolved as LiteLLM
    // resolves the whole `litellm_params` mapping.
    let mut params = Value::Object(d.params.clone());
    resolve_json(&mut params, env);
    let params = match params {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    let mut headers = Vec::new();
    for key in ["headers", "extra_headers"] {
        if let Some(map) = params.get(key).and_then(Value::as_object) {
            for (name, value) in map {
                let value = match value {
                    Value::String(s) => s.clone(),
                    Value::Null => continue,
                    other => other.to_string(),
                };
                headers.push((name.clone(), value));
            }
        }
    }
    let mut default_params: Map<String, Value> = params
        .iter()
        .filter(|(k, _)| REQUEST_DEFAULTS.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    // Gemini's safety settings ride with the deployment: LiteLLM sends them with every call.
    if let Some(settings) = params
        .get("safety_settings")
        .filter(|_| provider == "gemini")
    {
        default_params.insert("safety_settings".into(), settings.clone());
    }
    // `extra_body` is merged into the request body, as the OpenAI SDK does.
    if let Some(extra) = params.get("extra_body").and_then(Value::as_object) {
        for (key, value) in extra {
            default_params
                .entry(key.clone())
                .or_insert_with(|| value.clone());
        }
    }
    let id =
        d.id.clone()
            .unwrap_or_else(|| format!("{}-{}", d.index, stable_hash(&d.model_name, &model)));
    Ok(DeploymentConfig {
        id,
        model_name: d.model_name.clone(),
        name_span: d.model_name_span,
        model,
        provider,
        upstream_model,
        api_base,
        api_key,
        headers,
        timeout: seconds(&d.timeout, env),
        stream_timeout: seconds(&d.stream_timeout, env),
        rpm: number(&d.rpm, env),
        tpm: number(&d.tpm, env),
        weight: number(&d.weight, env),
        order: number(&d.order, env).map(|o| o as i64),
        num_retries: count(&d.num_retries, env),
        input_cost_per_token: number(&d.input_cost_per_token, env),
        output_cost_per_token: number(&d.output_cost_per_token, env),
        cache_read_input_token_cost: number(&d.cache_read_input_token_cost, env),
        cache_creation_input_token_cost: number(&d.cache_creation_input_token_cost, env),
        base_model: d.base_model.clone(),
        cooldown_time: number(&d.cooldown_time, env),
        allowed_fails: count(&d.allowed_fails, env),
        mode: d.mode.clone(),
        default_params,
        api_version,
        azure_ad_token,
    })
}

/// FNV-1a over the public parts only (never the key), for ids that stay stable across restarts.
fn stable_hash(model_name: &str, model: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in model_name.bytes().chain([0]).chain(model.bytes()) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn router_settings_fall_back_to_litellm_settings() {
        let config = json!({
            "model_list": [{"model_name": "a", "litellm_params": {"model": "openai/x", "rpm": "10", "temperature": 0.2, "vertex_credentials": "secret", "extra_body": {"top_k": 5}}}],
            "router_settings": {"fallbacks": [], "cooldown_time": 0, "default_fallbacks": ["b"]},
            "litellm_settings": {"fallbacks": [{"a": ["c"]}], "num_retries": 4},
        });
        let proxy =
            ProxyConfig::from_text(&config.to_string(), &Environment::empty()).unwrap_or_default();
        assert_eq!(proxy.router.num_retries, 4);
        assert_eq!(proxy.router.cooldown_time, 5.0);
        let general = litellm_check::litellm::resolved::FallbackKind::General;
        assert_eq!(
            proxy.router.fallbacks.targets_for(general, "a", "a"),
            Some(vec!["c".to_string()])
        );
        assert_eq!(
            proxy.router.fallbacks.targets_for(general, "z", "z"),
            Some(vec!["b".to_string()])
        );
        assert_eq!(proxy.deployments[0].rpm, Some(10.0));
        assert_eq!(
            proxy.deployments[0].default_params.get("temperature"),
            Some(&json!(0.2))
        );
        let keys: Vec<&String> = proxy.deployments[0].default_params.keys().collect();
        assert_eq!(
            keys,
            vec!["temperature", "top_k"],
            "limits and credentials never go upstream"
        );
    }

    #[test]
    fn the_database_comes_from_database_url_else_a_postgres_database_url_variable() {
        let pg = "postgresql://u:pw@db:5432/litellm";
        let read = |general: Value, vars: &[(&str, &str)]| {
            let mut env = Environment::empty();
            for (name, value) in vars {
                env.set(*name, *value);
            }
            let config = json!({"model_list": [], "general_settings": general});
            let proxy = ProxyConfig::from_text(&config.to_string(), &env).unwrap_or_default();
            (
                proxy.database_url.map(|url| url.expose().to_string()),
                proxy.spend_db,
            )
        };
        assert_eq!(
            read(json!({"database_url": pg}), &[]),
            (Some(pg.into()), None)
        );
        assert_eq!(
            read(
                json!({"database_url": "os.environ/PG"}),
                &[("PG", pg), ("DATABASE_URL", "postgres://other/db")]
            ),
            (Some(pg.into()), None)
        );
        assert_eq!(
            read(json!({}), &[("DATABASE_URL", pg)]),
            (Some(pg.into()), None)
        );
        assert_eq!(
            read(
                json!({"database_url": "sqlite:///s/x.sqlite"}),
                &[("DATABASE_URL", pg)]
            ),
            (None, Some(PathBuf::from("/s/x.sqlite"))),
            "the config's database wins over the variable"
        );
        assert_eq!(
            read(json!({}), &[("DATABASE_URL", "sqlite:///s/x.sqlite")]),
            (None, None),
            "only a Postgres URL is read from DATABASE_URL"
        );
        let shown = format!(
            "{:?}",
            read(json!({"database_url": pg}), &[]).0.map(Secret::new)
        );
        assert!(!shown.contains("pw"), "{shown}");
    }

    #[test]
    fn credential_list_fills_unset_params() {
        let config = json!({
            "credential_list": [{"credential_name": "shared", "credential_values": {"api_key": "sk-shared", "api_base": "http://c/v1"}, "credential_info": {}}],
            "model_list": [
                {"model_name": "a", "litellm_params": {"model": "openai/a", "litellm_credential_name": "shared"}},
                {"model_name": "b", "litellm_params": {"model": "openai/b", "litellm_credential_name": "shared", "api_base": "http://own/v1"}},
            ],
        });
        let proxy =
            ProxyConfig::from_text(&config.to_string(), &Environment::empty()).unwrap_or_default();
        assert_eq!(
            proxy.deployments[0].api_key.as_ref().map(Secret::expose),
            Some("sk-shared")
        );
        assert_eq!(
            proxy.deployments[0].api_base.as_deref(),
            Some("http://c/v1")
        );
        assert_eq!(
            proxy.deployments[1].api_base.as_deref(),
            Some("http://own/v1")
        );
    }

    #[test]
    fn master_key_from_config_wins_over_env_and_demo_key_is_weak() {
        let mut env = Environment::empty();
        env.set("LITELLM_MASTER_KEY", "sk-from-env");
        let from_env = ProxyConfig::from_text("{}", &env).unwrap_or_default();
        assert_eq!(
            from_env.master_key.as_ref().map(Secret::expose),
            Some("sk-from-env")
        );
        assert_eq!(format!("{:?}", from_env.master_key), "Some(Secret(***))");
        let demo = ProxyConfig::from_text(
            &json!({"general_settings": {"master_key": "sk-1234"}}).to_string(),
            &env,
        )
        .unwrap_or_default();
        assert!(demo.weak_master_key().is_some());
        let null = ProxyConfig::from_text(
            &json!({"general_settings": {"master_key": null}}).to_string(),
            &env,
        )
        .unwrap_or_default();
        assert_eq!(null.master_key, None);
    }

    #[test]
    fn redis_comes_from_router_settings_then_the_environment() {
        let mut env = Environment::empty();
        env.set("REDIS_PASSWORD", "pw-from-env");
        env.set("REDIS_URL", "redis://:x@env-host:1/0");
        let config =
            json!({"router_settings": {"redis_host": "os.environ/MY_HOST", "redis_port": "6390"}});
        env.set("MY_HOST", "cfg-host");
        let proxy = ProxyConfig::from_text(&config.to_string(), &env).unwrap_or_default();
        let redis = proxy.redis.unwrap_or_else(|| panic!("redis is set"));
        assert_eq!(
            (redis.host.as_str(), redis.port, redis.url.is_none()),
            ("cfg-host", 6390, true)
        );
        assert_eq!(
            redis.password.as_ref().map(Secret::expose),
            Some("pw-from-env")
        );
        assert_eq!(redis.describe(), "cfg-host:6390/0");
        assert!(!format!("{redis:?}").contains("pw-from-env"));
        // Nothing in the config: the environment's REDIS_URL, shown without its password.
        let proxy = ProxyConfig::from_text("model_list: []", &env).unwrap_or_default();
        let redis = proxy
            .redis
            .unwrap_or_else(|| panic!("redis from REDIS_URL"));
        assert_eq!(redis.describe(), "redis://env-host:1/0");
        // Neither: no Redis.
        let proxy =
            ProxyConfig::from_text("model_list: []", &Environment::empty()).unwrap_or_default();
        assert!(proxy.redis.is_none());
        let mut env = Environment::empty();
        env.set("REDIS_HOST", "h");
        let proxy = ProxyConfig::from_text("model_list: []", &env).unwrap_or_default();
        assert_eq!(
            proxy.redis.map(|r| r.describe()),
            Some("h:6379/0".to_string())
        );
    }
}
