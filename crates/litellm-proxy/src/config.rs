//! The proxy's runtime configuration: what it needs from a LiteLLM config, already resolved
//! (`os.environ/` looked up, defaults applied), so request handling never re-reads the config.
//!
//! Built from the config as JSON ([`ProxyConfig::from_json`]) after the checker accepted it.

use litellm_check::env::Environment;
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

/// One fallback rule: when group `key` fails, try `targets` in order.
#[derive(Debug, Clone, PartialEq)]
pub struct FallbackRule {
    pub key: String,
    pub targets: Vec<String>,
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
    pub fallbacks: Vec<FallbackRule>,
    pub context_window_fallbacks: Vec<FallbackRule>,
    pub content_policy_fallbacks: Vec<FallbackRule>,
    /// alias -> (target group, hidden from listings).
    pub model_group_alias: Vec<(String, String, bool)>,
}

impl Default for RouterConfig {
    fn default() -> Self {
        RouterConfig {
            strategy: RoutingStrategy::SimpleShuffle,
            latency_buffer: 0.0,
            num_retries: 2,
            max_fallbacks: 5,
            timeout: None,
            stream_timeout: None,
            retry_after: 0.0,
            allowed_fails: None,
            cooldown_time: 5.0,
            disable_cooldowns: false,
            retry_policy: HashMap::new(),
            model_group_retry_policy: HashMap::new(),
            allowed_fails_policy: HashMap::new(),
            fallbacks: Vec::new(),
            context_window_fallbacks: Vec::new(),
            content_policy_fallbacks: Vec::new(),
            model_group_alias: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct ProxyConfig {
    pub deployments: Vec<DeploymentConfig>,
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
    /// `dangerously_permit_weak_or_unset_master_key` (config or env): boot without a strong key.
    pub permit_weak_master_key: bool,
    /// Start-up notes (deployments skipped and why); safe to print: they never hold a secret.
    pub notes: Vec<String>,
}

/// The master key LiteLLM 1.109 refuses to boot with (its public demo value).
pub const DEMO_MASTER_KEY: &str = "sk-1234";

impl ProxyConfig {
    /// Builds the runtime config from a loaded LiteLLM config. `os.environ/` references are
    /// resolved here (section 5.1 of the reference) against `env`.
    pub fn from_json(config: &Value, env: &Environment) -> Result<Self, String> {
        let mut config = config.clone();
        resolve_env_refs(&mut config, env, 0);
        Self::from_resolved_json(&config, env)
    }

    /// As [`ProxyConfig::from_json`], for a config whose references are already resolved (the
    /// checker's `resolved_json`). `env` still supplies the providers' default keys and bases.
    pub fn from_resolved_json(config: &Value, env: &Environment) -> Result<Self, String> {
        let Some(root) = config.as_object() else {
            return Err("the config must be a mapping".into());
        };
        let empty = Map::new();
        let section = |name: &str| root.get(name).and_then(Value::as_object).unwrap_or(&empty);
        let router_settings = section("router_settings");
        let litellm_settings = section("litellm_settings");
        let general_settings = section("general_settings");

        let mut proxy = ProxyConfig {
            router: router_config(router_settings, litellm_settings)?,
            ..ProxyConfig::default()
        };
        proxy.master_key = match general_settings.get("master_key") {
            Some(Value::String(key)) => Some(Secret::new(key.clone())),
            Some(_) => None,
            None => env.get("LITELLM_MASTER_KEY").map(Secret::new),
        };
        proxy.key_header_name = general_settings
            .get("litellm_key_header_name")
            .and_then(Value::as_str)
            .map(str::to_ascii_lowercase);
        proxy.return_wildcard_routes = truthy(general_settings.get("return_wildcard_routes"));
        proxy.permit_weak_master_key =
            truthy(general_settings.get("dangerously_permit_weak_or_unset_master_key"))
                || env
                    .get("LITELLM_DANGEROUSLY_PERMIT_WEAK_OR_UNSET_MASTER_KEY")
                    .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
        proxy.disable_spend_logs = truthy(general_settings.get("disable_spend_logs"));
        proxy.spend_db = general_settings
            .get("database_url")
            .and_then(Value::as_str)
            .and_then(|url| url.strip_prefix("sqlite://"))
            .map(PathBuf::from);

        let models = root
            .get("model_list")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let credentials = credential_values(root.get("credential_list"));
        for (index, entry) in models.iter().enumerate() {
            let entry = with_credentials(entry, &credentials);
            match deployment(&entry, index, env) {
                Ok(d) => proxy.deployments.push(d),
                Err(note) => proxy
                    .notes
                    .push(format!("model_list[{index}]: {note}; deployment skipped")),
            }
        }
        Ok(proxy)
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

/// A mapping of names to non-negative counts (`retry_policy`, `allowed_fails_policy`).
fn counts(value: Option<&Value>) -> HashMap<String, u32> {
    value
        .and_then(Value::as_object)
        .map(|map| {
            map.iter()
                .filter_map(|(k, v)| Some((k.clone(), number(Some(v))?.max(0.0) as u32)))
                .collect()
        })
        .unwrap_or_default()
}

fn truthy(value: Option<&Value>) -> bool {
    matches!(value, Some(Value::Bool(true)))
}

fn number(value: Option<&Value>) -> Option<f64> {
    match value? {
        Value::Number(n) => n.as_f64(),
        // pydantic coerces numeric strings in typed fields (`rpm: os.environ/RPM` gives "100").
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn seconds(value: Option<&Value>) -> Option<Duration> {
    number(value)
        .filter(|s| s.is_finite() && *s > 0.0)
        .map(Duration::from_secs_f64)
}

fn string(value: Option<&Value>) -> Option<String> {
    value.and_then(Value::as_str).map(str::to_string)
}

/// Router settings with `litellm_settings` as the fallback for each key, as `PythonCore.__init__`
/// does: the router's own value when truthy/non-null, else the module attribute.
fn router_config(
    router: &Map<String, Value>,
    litellm: &Map<String, Value>,
) -> Result<RouterConfig, String> {
    let pick = |key: &str| -> Option<&Value> {
        match router.get(key) {
            Some(Value::Null) | None => litellm.get(key),
            Some(Value::Array(a)) if a.is_empty() => litellm.get(key),
            Some(v) => Some(v),
        }
    };
    let mut config = RouterConfig::default();
    if let Some(name) = router.get("routing_strategy").and_then(Value::as_str) {
        config.strategy = RoutingStrategy::parse(name).ok_or_else(|| {
            format!("routing_strategy `{name}` is not supported by litellm-proxy")
        })?;
    }
    config.latency_buffer = number(
        router
            .get("routing_strategy_args")
            .and_then(|a| a.get("lowest_latency_buffer")),
    )
    .unwrap_or(0.0);
    if let Some(n) = number(pick("num_retries")) {
        config.num_retries = n.max(0.0) as u32;
    }
    if let Some(n) = number(pick("max_fallbacks")) {
        config.max_fallbacks = n.max(0.0) as usize;
    }
    config.timeout =
        seconds(router.get("timeout")).or_else(|| seconds(litellm.get("request_timeout")));
    config.stream_timeout = seconds(router.get("stream_timeout"));
    config.retry_after = number(router.get("retry_after")).unwrap_or(0.0).max(0.0);
    // Only the router's own `allowed_fails` switches to count mode (section 9.2).
    config.allowed_fails = number(router.get("allowed_fails")).map(|n| n.max(0.0) as u32);
    // `cooldown_time: 0` is falsy in Python and becomes the 5 s default.
    config.cooldown_time = number(router.get("cooldown_time"))
        .filter(|t| *t > 0.0)
        .unwrap_or(5.0);
    config.disable_cooldowns = truthy(router.get("disable_cooldowns"));
    config.retry_policy = counts(router.get("retry_policy"));
    config.allowed_fails_policy = counts(router.get("allowed_fails_policy"));
    if let Some(groups) = router
        .get("model_group_retry_policy")
        .and_then(Value::as_object)
    {
        for (group, policy) in groups {
            config
                .model_group_retry_policy
                .insert(group.clone(), counts(Some(policy)));
        }
    }
    config.fallbacks = fallback_rules(pick("fallbacks"))?;
    config.context_window_fallbacks = fallback_rules(pick("context_window_fallbacks"))?;
    config.content_policy_fallbacks = fallback_rules(pick("content_policy_fallbacks"))?;
    if let Some(defaults) = pick("default_fallbacks").and_then(Value::as_array) {
        let targets: Vec<String> = defaults
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect();
        if !targets.is_empty() {
            config.fallbacks.push(FallbackRule {
                key: "*".into(),
                targets,
            });
        }
    }
    if let Some(aliases) = router.get("model_group_alias").and_then(Value::as_object) {
        for (alias, target) in aliases {
            match target {
                Value::String(t) => {
                    config
                        .model_group_alias
                        .push((alias.clone(), t.clone(), false))
                }
                Value::Object(o) => {
                    if let Some(t) = o.get("model").and_then(Value::as_str) {
                        config.model_group_alias.push((
                            alias.clone(),
                            t.to_string(),
                            truthy(o.get("hidden")),
                        ));
                    }
                }
                _ => {}
            }
        }
    }
    Ok(config)
}

/// Standard form `[{group: [targets]}]`; a bare string item is a rule for every group.
fn fallback_rules(value: Option<&Value>) -> Result<Vec<FallbackRule>, String> {
    let Some(Value::Array(items)) = value else {
        return Ok(Vec::new());
    };
    let mut rules = Vec::new();
    for item in items {
        match item {
            Value::String(target) => rules.push(FallbackRule {
                key: "*".into(),
                targets: vec![target.clone()],
            }),
            Value::Object(map) => {
                for (key, targets) in map {
                    let targets = match targets {
                        Value::Array(t) => t
                            .iter()
                            .filter_map(Value::as_str)
                            .map(str::to_string)
                            .collect(),
                        Value::String(t) => vec![t.clone()],
                        _ => {
                            return Err(format!(
                                "fallbacks for `{key}` must be a list of model names"
                            ))
                        }
                    };
                    rules.push(FallbackRule {
                        key: key.clone(),
                        targets,
                    });
                }
            }
            _ => return Err("each fallback rule must be a mapping".into()),
        }
    }
    Ok(rules)
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

/// `credential_list`: credential name -> its `credential_values`.
fn credential_values(list: Option<&Value>) -> HashMap<String, Map<String, Value>> {
    list.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|item| {
            let name = item.get("credential_name")?.as_str()?;
            let values = item.get("credential_values")?.as_object()?;
            Some((name.to_string(), values.clone()))
        })
        .collect()
}

/// A deployment naming `litellm_credential_name` takes the credential's values for every
/// parameter it does not set itself (section 6.8).
fn with_credentials(entry: &Value, credentials: &HashMap<String, Map<String, Value>>) -> Value {
    let name = entry
        .get("litellm_params")
        .and_then(|p| p.get("litellm_credential_name"))
        .and_then(Value::as_str);
    let Some(values) = name.and_then(|n| credentials.get(n)) else {
        return entry.clone();
    };
    let mut entry = entry.clone();
    if let Some(Value::Object(params)) = entry.get_mut("litellm_params") {
        for (key, value) in values {
            params.entry(key.clone()).or_insert_with(|| value.clone());
        }
    }
    entry
}

fn deployment(entry: &Value, index: usize, env: &Environment) -> Result<DeploymentConfig, String> {
    let model_name = entry
        .get("model_name")
        .and_then(Value::as_str)
        .ok_or("`model_name` is missing or not a string")?;
    let params = entry
        .get("litellm_params")
        .and_then(Value::as_object)
        .ok_or("`litellm_params` is missing")?;
    let model = params
        .get("model")
        .and_then(Value::as_str)
        .ok_or("`litellm_params.model` is missing")?;
    let empty = Map::new();
    let info = entry
        .get("model_info")
        .and_then(Value::as_object)
        .unwrap_or(&empty);

    let (provider, upstream_model) = match (
        params.get("custom_llm_provider").and_then(Value::as_str),
        model.split_once('/'),
    ) {
        (Some(p), _) => (
            p.to_string(),
            model
                .strip_prefix(&format!("{p}/"))
                .unwrap_or(model)
                .to_string(),
        ),
        (None, Some((prefix, rest))) => (prefix.to_string(), rest.to_string()),
        // A bare id (`gpt-4o`, `claude-3-haiku-20240307`) or `*`: LiteLLM infers the provider
        // from the price table, and `*` is OpenAI's.
        (None, None) => (
            litellm_check::provider_routes::bare_model_provider(model).to_string(),
            model.to_string(),
        ),
    };
    if !super::providers::is_supported(&provider) {
        return Err(format!(
            "provider `{provider}` is not served by litellm-proxy yet"
        ));
    }
    let api_base = string(params.get("api_base"))
        .or_else(|| string(params.get("base_url")))
        .or_else(|| super::providers::default_api_base(&provider, env));
    let api_key = string(params.get("api_key"))
        .or_else(|| super::providers::default_api_key(&provider, env).map(str::to_string))
        .map(Secret::new);
    let api_version = string(params.get("api_version"))
        .or_else(|| super::providers::default_api_version(&provider, env));
    let azure_ad_token = string(params.get("azure_ad_token"))
        .or_else(|| super::providers::default_ad_token(&provider, env))
        .map(Secret::new);
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
    let id = match info.get("id") {
        Some(Value::String(id)) => id.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => format!("{index}-{}", stable_hash(model_name, model)),
    };
    let cooldown_time =
        number(info.get("cooldown_time")).or_else(|| number(params.get("cooldown_time")));
    Ok(DeploymentConfig {
        id,
        model_name: model_name.to_string(),
        model: model.to_string(),
        provider,
        upstream_model,
        api_base,
        api_key,
        headers,
        timeout: seconds(params.get("timeout")).or_else(|| seconds(params.get("request_timeout"))),
        stream_timeout: seconds(params.get("stream_timeout")),
        rpm: number(params.get("rpm")).or_else(|| number(entry.get("rpm"))),
        tpm: number(params.get("tpm")).or_else(|| number(entry.get("tpm"))),
        weight: number(params.get("weight")),
        order: number(params.get("order"))
            .or_else(|| number(info.get("order")))
            .map(|o| o as i64),
        num_retries: number(params.get("num_retries")).map(|n| n.max(0.0) as u32),
        input_cost_per_token: number(params.get("input_cost_per_token"))
            .or_else(|| number(info.get("input_cost_per_token"))),
        output_cost_per_token: number(params.get("output_cost_per_token"))
            .or_else(|| number(info.get("output_cost_per_token"))),
        cache_read_input_token_cost: number(params.get("cache_read_input_token_cost"))
            .or_else(|| number(info.get("cache_read_input_token_cost"))),
        cache_creation_input_token_cost: number(params.get("cache_creation_input_token_cost"))
            .or_else(|| number(info.get("cache_creation_input_token_cost"))),
        base_model: string(info.get("base_model")),
        cooldown_time,
        allowed_fails: number(info.get("allowed_fails")).map(|n| n.max(0.0) as u32),
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

/// Section 5.1: every string that is the value of a mapping key (at any depth, mappings inside
/// lists included) and starts with `os.environ/` is replaced by the variable's value (`null` when
/// unset, a boolean for `true`/`false`). Direct list elements and keys are left alone, as are
/// `*_ref` pointer fields; the walk stops at depth 100 like LiteLLM's.
pub fn resolve_env_refs(value: &mut Value, env: &Environment, depth: usize) {
    if depth > 100 {
        return;
    }
    match value {
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                match item {
                    Value::String(text)
                        if text.starts_with("os.environ/") && !key.ends_with("_ref") =>
                    {
                        let name = text.replace("os.environ/", "");
                        *item = match env.get(&name) {
                            None => Value::Null,
                            Some(v) if v.trim().eq_ignore_ascii_case("true") => Value::Bool(true),
                            Some(v) if v.trim().eq_ignore_ascii_case("false") => Value::Bool(false),
                            Some(v) => Value::String(v.to_string()),
                        };
                    }
                    _ => resolve_env_refs(item, env, depth + 1),
                }
            }
        }
        Value::Array(items) => {
            for item in items.iter_mut().filter(|i| i.is_object()) {
                resolve_env_refs(item, env, depth + 1);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn resolves_env_refs_in_mapping_values_only() {
        let mut env = Environment::empty();
        env.set("KEY", "secret");
        env.set("FLAG", " True ");
        let mut config = json!({
            "a": "os.environ/KEY",
            "b": ["os.environ/KEY"],
            "c": [{"d": "os.environ/FLAG"}],
            "e": "os.environ/UNSET",
            "x_ref": "os.environ/KEY",
        });
        resolve_env_refs(&mut config, &env, 0);
        assert_eq!(config["a"], "secret");
        assert_eq!(config["b"][0], "os.environ/KEY");
        assert_eq!(config["c"][0]["d"], true);
        assert_eq!(config["e"], Value::Null);
        assert_eq!(config["x_ref"], "os.environ/KEY");
    }

    #[test]
    fn router_settings_fall_back_to_litellm_settings() {
        let config = json!({
            "model_list": [{"model_name": "a", "litellm_params": {"model": "openai/x", "rpm": "10", "temperature": 0.2, "vertex_credentials": "secret", "extra_body": {"top_k": 5}}}],
            "router_settings": {"fallbacks": [], "cooldown_time": 0, "default_fallbacks": ["b"]},
            "litellm_settings": {"fallbacks": [{"a": ["c"]}], "num_retries": 4},
        });
        let proxy = ProxyConfig::from_json(&config, &Environment::empty()).unwrap_or_default();
        assert_eq!(proxy.router.num_retries, 4);
        assert_eq!(proxy.router.cooldown_time, 5.0);
        assert_eq!(
            proxy.router.fallbacks,
            vec![
                FallbackRule {
                    key: "a".into(),
                    targets: vec!["c".into()]
                },
                FallbackRule {
                    key: "*".into(),
                    targets: vec!["b".into()]
                }
            ]
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
    fn credential_list_fills_unset_params() {
        let config = json!({
            "credential_list": [{"credential_name": "shared", "credential_values": {"api_key": "sk-shared", "api_base": "http://c/v1"}, "credential_info": {}}],
            "model_list": [
                {"model_name": "a", "litellm_params": {"model": "openai/a", "litellm_credential_name": "shared"}},
                {"model_name": "b", "litellm_params": {"model": "openai/b", "litellm_credential_name": "shared", "api_base": "http://own/v1"}},
            ],
        });
        let proxy = ProxyConfig::from_json(&config, &Environment::empty()).unwrap_or_default();
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
        let from_env = ProxyConfig::from_json(&json!({}), &env).unwrap_or_default();
        assert_eq!(
            from_env.master_key.as_ref().map(Secret::expose),
            Some("sk-from-env")
        );
        assert_eq!(format!("{:?}", from_env.master_key), "Some(Secret(***))");
        let demo = ProxyConfig::from_json(
            &json!({"general_settings": {"master_key": "sk-1234"}}),
            &env,
        )
        .unwrap_or_default();
        assert!(demo.weak_master_key().is_some());
        let null = ProxyConfig::from_json(&json!({"general_settings": {"master_key": null}}), &env)
            .unwrap_or_default();
        assert_eq!(null.master_key, None);
    }
}
