//! The resolved model of a LiteLLM config: what LiteLLM's proxy and router will hold after
//! start-up, read once from the merged, spanned tree. The checker's cross-file checks, `compile`,
//! `explain` and litellm-proxy all read this one model.
//!
//! Mirrors, in LiteLLM 1.80/1.109:
//! - `proxy_server.py` `ProxyConfig.load_config`: `model_list` entries, `credential_list` values
//!   filling unset `litellm_params` (`litellm_credential_name`), `general_settings`;
//! - `router.py` `Router.__init__`: `router_settings` with `litellm_settings` as the fallback for
//!   each key (`fallbacks`, `context_window_fallbacks`, `content_policy_fallbacks`,
//!   `default_fallbacks`, `num_retries`, `max_fallbacks`), cooldowns and retry policies;
//! - `get_llm_provider`: the provider of each deployment.
//!
//! Values LiteLLM resolves from the environment stay references here ([`Env`]): the model never
//! holds a secret; the proxy resolves them at start-up with [`super::env_value::lookup`].

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use std::str::FromStr;

use crate::syntax::{Node, NodeKind, Span};

use super::env_value::{is_reference, Env};
use super::groups::{Alias, ModelGroups};

/// `num_retries` when neither `router_settings` nor `litellm_settings` sets it: the OpenAI SDK's
/// `DEFAULT_MAX_RETRIES`, which `Router.__init__` falls back to.
pub const DEFAULT_NUM_RETRIES: u32 = 2;
/// `max_fallbacks` when unset (`Router.__init__`'s default).
pub const DEFAULT_MAX_FALLBACKS: usize = 5;

/// The whole config as the router and proxy will use it.
#[derive(Debug, Clone, Default)]
pub struct ResolvedConfig {
    /// Every `model_list` entry with a string `model_name`, in file order.
    pub deployments: Vec<Deployment>,
    /// Groups (with `members` indexing `deployments`), aliases and wildcard order.
    pub groups: ModelGroups,
    pub fallbacks: Fallbacks,
    pub router: RouterSettings,
    pub general: GeneralSettings,
}

/// One `model_list` entry.
#[derive(Debug, Clone)]
pub struct Deployment {
    /// Position in `model_list`.
    pub index: usize,
    /// The entry.
    pub span: Span,
    pub model_name: String,
    pub model_name_span: Span,
    /// `litellm_params.model` as written (`openai/gpt-4o`), or an `os.environ/` reference;
    /// `None` when missing or not a string (LiteLLM cannot load the entry; a rule reports it,
    /// and the name still counts as served so that one mistake gets one finding).
    pub model: Option<Env<String>>,
    pub model_span: Span,
    /// `litellm_params.custom_llm_provider`.
    pub custom_llm_provider: Option<String>,
    /// The provider calls go to (`custom_llm_provider`, the prefix, or the price table's for a
    /// bare id); `None` while the model is an unresolved reference.
    pub provider: Option<String>,
    /// `model_info.id`.
    pub id: Option<String>,
    /// `api_base` (or `base_url`).
    pub api_base: Option<Env<String>>,
    pub api_key: Option<Env<String>>,
    pub api_version: Option<Env<String>>,
    pub azure_ad_token: Option<Env<String>>,
    /// `headers` and `extra_headers`, values unresolved.
    pub headers: Vec<(String, Value)>,
    pub timeout: Option<Env<f64>>,
    pub stream_timeout: Option<Env<f64>>,
    pub rpm: Option<Env<f64>>,
    pub tpm: Option<Env<f64>>,
    pub weight: Option<Env<f64>>,
    /// `order` (`litellm_params`, else `model_info`): the tier, lowest first.
    pub order: Option<Env<f64>>,
    pub num_retries: Option<Env<f64>>,
    pub input_cost_per_token: Option<Env<f64>>,
    pub output_cost_per_token: Option<Env<f64>>,
    pub cache_read_input_token_cost: Option<Env<f64>>,
    pub cache_creation_input_token_cost: Option<Env<f64>>,
    /// `model_info.base_model`: the price-table name to charge with.
    pub base_model: Option<String>,
    /// `model_info.mode` (`chat`, `embedding`, `completion`, ...).
    pub mode: Option<String>,
    /// `model_info.cooldown_time`, else `litellm_params.cooldown_time`.
    pub cooldown_time: Option<Env<f64>>,
    /// `model_info.allowed_fails`.
    pub allowed_fails: Option<Env<f64>>,
    /// `litellm_params` after credentials were applied, references unresolved: what a provider
    /// may need beyond the fields above (request defaults, `extra_body`, safety settings).
    pub params: Map<String, Value>,
}

impl Deployment {
    pub fn is_wildcard(&self) -> bool {
        self.model_name.contains('*')
    }
}

/// Which fallback list a rule belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FallbackKind {
    /// `fallbacks` (and `default_fallbacks`): any error after retries.
    General,
    /// `context_window_fallbacks`: the request did not fit.
    ContextWindow,
    /// `content_policy_fallbacks`: the provider refused the content.
    ContentPolicy,
}

impl FallbackKind {
    pub const ALL: [FallbackKind; 3] = [
        FallbackKind::General,
        FallbackKind::ContextWindow,
        FallbackKind::ContentPolicy,
    ];

    /// The settings key.
    pub fn key(self) -> &'static str {
        match self {
            FallbackKind::General => "fallbacks",
            FallbackKind::ContextWindow => "context_window_fallbacks",
            FallbackKind::ContentPolicy => "content_policy_fallbacks",
        }
    }
}

/// A name in a config with where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    pub name: String,
    pub span: Span,
}

/// One fallback rule: when `source` fails, try `targets` in order. `source` is `*` for the
/// client-side bare-name form and for `default_fallbacks`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FallbackRule {
    pub source: Named,
    pub targets: Vec<Named>,
    /// A bare string item (`fallbacks: ["backup"]`), the client-side form: LiteLLM prefers it to
    /// any rule but one keyed by the failing name itself.
    pub bare: bool,
}

/// The effective fallback lists, after `router_settings` replaced `litellm_settings` where it
/// sets a non-empty list.
#[derive(Debug, Clone, Default)]
pub struct Fallbacks {
    pub general: Vec<FallbackRule>,
    pub context_window: Vec<FallbackRule>,
    pub content_policy: Vec<FallbackRule>,
    /// `default_fallbacks`: for any group without its own `fallbacks` rule.
    pub default: Vec<Named>,
    /// The section each effective list came from (`router_settings` or `litellm_settings`).
    pub sections: Vec<(&'static str, &'static str)>,
}

impl Fallbacks {
    pub fn rules(&self, kind: FallbackKind) -> &[FallbackRule] {
        match kind {
            FallbackKind::General => &self.general,
            FallbackKind::ContextWindow => &self.context_window,
            FallbackKind::ContentPolicy => &self.content_policy,
        }
    }

    /// The targets LiteLLM tries when a request for `requested` (served by `group`) fails with
    /// an error of this kind, or `None` when no rule applies. Mirrors `get_fallback_model_group`
    /// (`litellm/router_utils/fallback_event_handlers.py`, section 8.2 of the reference), asked
    /// for the requested name and for the group it resolved to: a rule keyed by the name itself
    /// wins at once; else the last bare-string item (the client-side form); else the last rule
    /// whose key matches with a provider prefix stripped ([`fallback_key_matches`]); else the
    /// last `*` rule, where `default_fallbacks` counts as a `*` rule appended at the end of
    /// `fallbacks` (`Router.__init__` appends `{"*": default_fallbacks}`), so it replaces any
    /// `*` rule written in the list.
    pub fn targets_for(
        &self,
        kind: FallbackKind,
        requested: &str,
        group: &str,
    ) -> Option<Vec<String>> {
        let rules = self.rules(kind);
        let names = [requested, group];
        for name in names {
            if let Some(rule) = rules.iter().find(|r| !r.bare && r.source.name == name) {
                return Some(names_of(&rule.targets));
            }
        }
        if let Some(rule) = rules.iter().rev().find(|r| r.bare) {
            return Some(names_of(&rule.targets));
        }
        for name in names {
            let stripped = rules.iter().rev().find(|r| {
                !r.bare && fallback_key_matches(&r.source.name, name) == Some(KeyMatch::Stripped)
            });
            if let Some(rule) = stripped {
                return Some(names_of(&rule.targets));
            }
        }
        if kind == FallbackKind::General && !self.default.is_empty() {
            return Some(names_of(&self.default));
        }
        rules
            .iter()
            .rev()
            .find(|r| !r.bare && r.source.name == "*")
            .map(|rule| names_of(&rule.targets))
    }

    /// Whether any rule of this kind exists (`default_fallbacks` count as general rules).
    pub fn any(&self, kind: FallbackKind) -> bool {
        !self.rules(kind).is_empty() || (kind == FallbackKind::General && !self.default.is_empty())
    }
}

/// How a fallback rule's key matches a failing model name, if it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyMatch {
    /// The key is the name.
    Exact,
    /// The key is the name without its provider prefix (`gpt-4o` for `openai/gpt-4o`), or, as
    /// LiteLLM 1.109 also reads it, the name with one (`openai/gpt-4o` for `gpt-4o`).
    Stripped,
    /// The key is `*`: every name.
    Generic,
}

/// Whether the fallback rule keyed `key` applies to a failing model `name`
/// (`_check_stripped_model_group` in `fallback_event_handlers.py`). The one matcher behind both
/// [`Fallbacks::targets_for`] (the proxy, `compile`, `explain`) and the checker's "this rule can
/// never fire" finding.
pub fn fallback_key_matches(key: &str, name: &str) -> Option<KeyMatch> {
    if key == name {
        Some(KeyMatch::Exact)
    } else if super::providers::strip_provider(name) == Some(key)
        || super::providers::strip_provider(key) == Some(name)
    {
        Some(KeyMatch::Stripped)
    } else if key == "*" {
        Some(KeyMatch::Generic)
    } else {
        None
    }
}

fn names_of(list: &[Named]) -> Vec<String> {
    list.iter().map(|n| n.name.clone()).collect()
}

/// A count per LiteLLM exception class (`RateLimitErrorRetries: 3`), in file order.
pub type Policy = Vec<(String, Env<f64>)>;

/// `router_settings` (with `litellm_settings` where LiteLLM falls back to it).
#[derive(Debug, Clone, Default)]
pub struct RouterSettings {
    /// `routing_strategy` as written, and where.
    pub routing_strategy: Option<Named>,
    /// `routing_strategy_args.lowest_latency_buffer`.
    pub lowest_latency_buffer: Option<Env<f64>>,
    pub num_retries: Option<Env<f64>>,
    pub max_fallbacks: Option<Env<f64>>,
    /// `router_settings.timeout`, else `litellm_settings.request_timeout`.
    pub timeout: Option<Env<f64>>,
    pub stream_timeout: Option<Env<f64>>,
    pub retry_after: Option<Env<f64>>,
    /// Only the router's own `allowed_fails` switches cooldowns to count mode.
    pub allowed_fails: Option<Env<f64>>,
    pub cooldown_time: Option<Env<f64>>,
    pub disable_cooldowns: bool,
    /// `retry_policy`: exception class -> retries.
    pub retry_policy: Policy,
    /// `model_group_retry_policy`: group -> its own retry policy.
    pub model_group_retry_policy: Vec<(String, Policy)>,
    /// `allowed_fails_policy`: exception class -> allowed fails.
    pub allowed_fails_policy: Policy,
    /// `redis_host`, `redis_port`, `redis_password`, `redis_url`, `redis_db`: the Redis the
    /// router shares cooldowns and usage through (`Router.__init__` builds its `RedisCache` from
    /// them; the `REDIS_*` variables fill what they leave unset).
    pub redis: RedisSettings,
}

/// `router_settings`' Redis connection, references unresolved (the password among them).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RedisSettings {
    pub host: Option<Env<String>>,
    pub port: Option<Env<f64>>,
    pub password: Option<Env<String>>,
    pub url: Option<Env<String>>,
    pub db: Option<Env<f64>>,
}

/// What of `general_settings` the proxy acts on.
#[derive(Debug, Clone, Default)]
pub struct GeneralSettings {
    /// `master_key`: `None` when absent; a `Value(None)`-like null is `Some(None)`.
    pub master_key: Option<Option<Env<String>>>,
    pub litellm_key_header_name: Option<String>,
    pub return_wildcard_routes: bool,
    pub disable_spend_logs: bool,
    pub database_url: Option<Env<String>>,
    /// `user_api_key_cache_ttl`: seconds a virtual key is served from the proxy's memory.
    pub user_api_key_cache_ttl: Option<Env<f64>>,
    pub dangerously_permit_weak_or_unset_master_key: bool,
}

impl ResolvedConfig {
    /// Reads the merged tree (includes applied). Entries LiteLLM cannot load are left out; the
    /// rules report them.
    pub fn from_root(root: &Node) -> Self {
        let empty = Node::new(NodeKind::Map(Vec::new()), Span::default());
        let section = |name: &str| {
            root.get(name)
                .filter(|n| n.as_map().is_some())
                .unwrap_or(&empty)
        };
        let router = section("router_settings");
        let litellm = section("litellm_settings");
        let general = section("general_settings");
        let credentials = credential_values(root.get("credential_list"));
        let deployments: Vec<Deployment> = root
            .get("model_list")
            .and_then(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .enumerate()
            .filter_map(|(index, entry)| deployment(index, entry, &credentials))
            .collect();
        let groups = ModelGroups::from_deployments(
            deployments.iter().map(|d| {
                (
                    d.model_name.as_str(),
                    d.model_name_span,
                    d.model
                        .as_ref()
                        .and_then(Env::value_ref)
                        .map(String::as_str),
                )
            }),
            aliases(router),
        );
        ResolvedConfig {
            fallbacks: fallbacks(router, litellm),
            router: router_settings(router, litellm),
            general: general_settings(general),
            deployments,
            groups,
        }
    }

    /// The deployments of a group, in file order.
    pub fn members<'a>(
        &'a self,
        group: &'a super::ModelGroup,
    ) -> impl Iterator<Item = &'a Deployment> {
        group
            .members
            .iter()
            .filter_map(|&i| self.deployments.get(i))
    }
}

/// The values of one setting: router's own value when set and non-empty, else the module's
/// (`litellm_settings`), as `Router.__init__` reads `x or litellm.x`.
fn pick<'a>(router: &'a Node, litellm: &'a Node, key: &str) -> Option<&'a Node> {
    match router.get(key) {
        None => litellm.get(key),
        Some(n) if n.is_null() => litellm.get(key),
        Some(n) if n.as_seq().is_some_and(<[Node]>::is_empty) => litellm.get(key),
        Some(n) => Some(n),
    }
}

/// A typed value of a node, or an `os.environ/` reference; `None` when it has neither form.
fn typed<T: DeserializeOwned + FromStr>(node: Option<&Node>) -> Option<Env<T>> {
    let node = node?;
    if node.is_null() {
        return None;
    }
    serde_json::from_value(node.to_json()).ok()
}

fn typed_json<T: DeserializeOwned + FromStr>(value: Option<&Value>) -> Option<Env<T>> {
    match value? {
        Value::Null => None,
        v => serde_json::from_value(v.clone()).ok(),
    }
}

fn text(node: Option<&Node>) -> Option<String> {
    node.and_then(Node::as_str).map(str::to_string)
}

fn truthy(node: Option<&Node>) -> bool {
    matches!(node.map(|n| &n.kind), Some(NodeKind::Bool(true)))
}

/// `credential_list`: credential name -> its `credential_values` (unresolved).
fn credential_values(list: Option<&Node>) -> Vec<(String, Map<String, Value>)> {
    list.and_then(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .filter_map(|item| {
            let name = item.get("credential_name")?.as_str()?;
            let Value::Object(values) = item.get("credential_values")?.to_json() else {
                return None;
            };
            Some((name.to_string(), values))
        })
        .collect()
}

fn deployment(
    index: usize,
    entry: &Node,
    credentials: &[(String, Map<String, Value>)],
) -> Option<Deployment> {
    let name_node = entry.get("model_name")?;
    let model_name = name_node.as_str()?.to_string();
    let params_node = entry.get("litellm_params");
    let model_node = params_node.and_then(|p| p.get("model"));
    let model: Option<Env<String>> = match model_node.and_then(Node::as_str) {
        Some(text) if is_reference(text) => Some(Env::Reference(text.to_string())),
        Some(text) => Some(Env::Value(text.to_string())),
        None => None,
    };
    let mut params = match params_node.map(Node::to_json) {
        Some(Value::Object(params)) => params,
        _ => Map::new(),
    };
    // A deployment naming `litellm_credential_name` takes the credential's values for every
    // parameter it does not set itself.
    if let Some(values) = params
        .get("litellm_credential_name")
        .and_then(Value::as_str)
        .and_then(|n| credentials.iter().find(|(name, _)| name == n))
        .map(|(_, values)| values)
    {
        for (key, value) in values {
            params.entry(key.clone()).or_insert_with(|| value.clone());
        }
    }
    let info = match entry.get("model_info").map(Node::to_json) {
        Some(Value::Object(info)) => info,
        _ => Map::new(),
    };
    let string = |key: &str| typed_json::<String>(params.get(key));
    let number = |key: &str| typed_json::<f64>(params.get(key));
    let info_number = |key: &str| typed_json::<f64>(info.get(key));
    let custom_llm_provider = params
        .get("custom_llm_provider")
        .and_then(Value::as_str)
        .map(str::to_string);
    let provider = model.as_ref().and_then(Env::value_ref).map(|m| {
        crate::provider_routes::deployment_provider(m, custom_llm_provider.as_deref()).to_string()
    });
    let mut headers = Vec::new();
    for key in ["headers", "extra_headers"] {
        if let Some(map) = params.get(key).and_then(Value::as_object) {
            headers.extend(map.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
    }
    Some(Deployment {
        index,
        span: entry.span,
        model_name,
        model_name_span: name_node.span,
        model_span: model_node.map_or(name_node.span, |n| n.span),
        model,
        provider,
        custom_llm_provider,
        id: match info.get("id") {
            Some(Value::String(id)) => Some(id.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        },
        api_base: string("api_base").or_else(|| string("base_url")),
        api_key: string("api_key"),
        api_version: string("api_version"),
        azure_ad_token: string("azure_ad_token"),
        headers,
        timeout: number("timeout").or_else(|| number("request_timeout")),
        stream_timeout: number("stream_timeout"),
        // `rpm`/`tpm` beside `litellm_params` are read too (LiteLLM's deployment-level limits).
        rpm: number("rpm").or_else(|| typed(entry.get("rpm"))),
        tpm: number("tpm").or_else(|| typed(entry.get("tpm"))),
        weight: number("weight"),
        order: number("order").or_else(|| info_number("order")),
        num_retries: number("num_retries"),
        input_cost_per_token: number("input_cost_per_token")
            .or_else(|| info_number("input_cost_per_token")),
        output_cost_per_token: number("output_cost_per_token")
            .or_else(|| info_number("output_cost_per_token")),
        cache_read_input_token_cost: number("cache_read_input_token_cost")
            .or_else(|| info_number("cache_read_input_token_cost")),
        cache_creation_input_token_cost: number("cache_creation_input_token_cost")
            .or_else(|| info_number("cache_creation_input_token_cost")),
        base_model: info
            .get("base_model")
            .and_then(Value::as_str)
            .map(str::to_string),
        mode: info.get("mode").and_then(Value::as_str).map(str::to_string),
        cooldown_time: info_number("cooldown_time").or_else(|| number("cooldown_time")),
        allowed_fails: info_number("allowed_fails"),
        params,
    })
}

fn aliases(router: &Node) -> Vec<Alias> {
    router
        .get("model_group_alias")
        .and_then(Node::as_map)
        .unwrap_or(&[])
        .iter()
        .filter_map(|e| {
            let (target, hidden) = match e.value.as_str() {
                Some(t) => (t, false),
                None => (
                    e.value.get("model")?.as_str()?,
                    truthy(e.value.get("hidden")),
                ),
            };
            Some(Alias {
                name: e.key.scalar_text(),
                target: target.to_string(),
                hidden,
                span: e.key.span,
            })
        })
        .collect()
}

fn named(node: &Node) -> Option<Named> {
    let name = match &node.kind {
        NodeKind::Str(s) => s.clone(),
        // The client-side form `{model: ..., ...}` names its target by `model`.
        NodeKind::Map(_) => node.get("model")?.as_str()?.to_string(),
        _ => return None,
    };
    Some(Named {
        name,
        span: node.span,
    })
}

/// One fallback list as LiteLLM's router reads it: `[{group: [targets]}]` items; a bare string
/// item is the client-side form, a rule for every group. Items LiteLLM rejects are skipped (the
/// rules report them).
fn fallback_rules(list: Option<&Node>) -> Vec<FallbackRule> {
    let mut rules = Vec::new();
    for item in list.and_then(Node::as_seq).unwrap_or(&[]) {
        match &item.kind {
            NodeKind::Str(target) => rules.push(FallbackRule {
                source: Named {
                    name: "*".into(),
                    span: item.span,
                },
                targets: vec![Named {
                    name: target.clone(),
                    span: item.span,
                }],
                bare: true,
            }),
            NodeKind::Map(entries) if entries.len() == 1 => {
                let entry = &entries[0];
                let targets = match &entry.value.kind {
                    NodeKind::Seq(items) => items.iter().filter_map(named).collect(),
                    NodeKind::Str(_) => named(&entry.value).into_iter().collect(),
                    _ => continue,
                };
                rules.push(FallbackRule {
                    source: Named {
                        name: entry.key.scalar_text(),
                        span: entry.key.span,
                    },
                    targets,
                    bare: false,
                });
            }
            _ => {}
        }
    }
    rules
}

fn fallbacks(router: &Node, litellm: &Node) -> Fallbacks {
    let mut sections = Vec::new();
    let mut effective = |key: &'static str| {
        let node = pick(router, litellm, key);
        let from_router = node.is_some_and(|n| router.get(key).is_some_and(|r| std::ptr::eq(r, n)));
        if node.is_some() {
            sections.push((
                key,
                if from_router {
                    "router_settings"
                } else {
                    "litellm_settings"
                },
            ));
        }
        node
    };
    let general = fallback_rules(effective("fallbacks"));
    let context_window = fallback_rules(effective("context_window_fallbacks"));
    let content_policy = fallback_rules(effective("content_policy_fallbacks"));
    let default = effective("default_fallbacks")
        .and_then(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .filter_map(named)
        .collect();
    Fallbacks {
        general,
        context_window,
        content_policy,
        default,
        sections,
    }
}

fn policy(node: Option<&Node>) -> Policy {
    node.and_then(Node::as_map)
        .unwrap_or(&[])
        .iter()
        .filter_map(|e| Some((e.key.scalar_text(), typed(Some(&e.value))?)))
        .collect()
}

fn router_settings(router: &Node, litellm: &Node) -> RouterSettings {
    RouterSettings {
        routing_strategy: router.get("routing_strategy").and_then(|n| {
            Some(Named {
                name: n.as_str()?.to_string(),
                span: n.span,
            })
        }),
        lowest_latency_buffer: typed(
            router
                .get("routing_strategy_args")
                .and_then(|a| a.get("lowest_latency_buffer")),
        ),
        num_retries: typed(pick(router, litellm, "num_retries")),
        max_fallbacks: typed(pick(router, litellm, "max_fallbacks")),
        timeout: typed(router.get("timeout")).or_else(|| typed(litellm.get("request_timeout"))),
        stream_timeout: typed(router.get("stream_timeout")),
        retry_after: typed(router.get("retry_after")),
        allowed_fails: typed(router.get("allowed_fails")),
        cooldown_time: typed(router.get("cooldown_time")),
        disable_cooldowns: truthy(router.get("disable_cooldowns")),
        retry_policy: policy(router.get("retry_policy")),
        model_group_retry_policy: router
            .get("model_group_retry_policy")
            .and_then(Node::as_map)
            .unwrap_or(&[])
            .iter()
            .map(|e| (e.key.scalar_text(), policy(Some(&e.value))))
            .collect(),
        allowed_fails_policy: policy(router.get("allowed_fails_policy")),
        redis: RedisSettings {
            host: typed(router.get("redis_host")),
            port: typed(router.get("redis_port")),
            password: typed(router.get("redis_password")),
            url: typed(router.get("redis_url")),
            db: typed(router.get("redis_db")),
        },
    }
}

fn general_settings(general: &Node) -> GeneralSettings {
    GeneralSettings {
        master_key: general.get("master_key").map(|n| typed(Some(n))),
        litellm_key_header_name: text(general.get("litellm_key_header_name")),
        return_wildcard_routes: truthy(general.get("return_wildcard_routes")),
        disable_spend_logs: truthy(general.get("disable_spend_logs")),
        database_url: typed(general.get("database_url")),
        user_api_key_cache_ttl: typed(general.get("user_api_key_cache_ttl")),
        dangerously_permit_weak_or_unset_master_key: truthy(
            general.get("dangerously_permit_weak_or_unset_master_key"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::litellm::groups::Via;
    use crate::syntax::{yaml, FileId, Limits};

    fn resolved(text: &str) -> ResolvedConfig {
        let doc = yaml::read(text, FileId(0), &Limits::default()).unwrap();
        ResolvedConfig::from_root(doc.root.as_ref().unwrap())
    }

    #[test]
    fn router_settings_replace_litellm_settings_lists_and_fill_unset_keys() {
        let config = resolved(
            "model_list:\n  - model_name: a\n    litellm_params: {model: openai/x, rpm: \"10\", order: 2}\n\
             router_settings: {fallbacks: [], cooldown_time: 0, default_fallbacks: [b]}\n\
             litellm_settings: {fallbacks: [{a: [c]}], num_retries: 4, context_window_fallbacks: [{a: [d]}]}\n",
        );
        assert_eq!(config.router.num_retries.and_then(|n| n.value()), Some(4.0));
        let targets = |kind, name| config.fallbacks.targets_for(kind, name, name);
        assert_eq!(
            targets(FallbackKind::General, "a"),
            Some(vec!["c".to_string()])
        );
        assert_eq!(
            targets(FallbackKind::General, "z"),
            Some(vec!["b".to_string()])
        );
        assert_eq!(
            targets(FallbackKind::ContextWindow, "openai/a"),
            Some(vec!["d".to_string()]),
            "a provider prefix is stripped when matching"
        );
        assert_eq!(targets(FallbackKind::ContentPolicy, "a"), None);
        let d = &config.deployments[0];
        assert_eq!(d.rpm.as_ref().and_then(Env::value), Some(10.0));
        assert_eq!(d.order.as_ref().and_then(Env::value), Some(2.0));
        assert_eq!(d.provider.as_deref(), Some("openai"));
    }

    #[test]
    fn fallback_matching_follows_get_fallback_model_group() {
        let targets = |text: &str, requested: &str, group: &str| {
            resolved(text)
                .fallbacks
                .targets_for(FallbackKind::General, requested, group)
        };
        let one = |s: &str| Some(vec![s.to_string()]);
        // The last `*` rule wins; `default_fallbacks` is a `*` rule appended after them all.
        let stars = "router_settings: {fallbacks: [{\"*\": [x]}, {\"*\": [y]}]}\n";
        assert_eq!(targets(stars, "a", "a"), one("y"));
        let with_default = "router_settings: {fallbacks: [{\"*\": [x]}], default_fallbacks: [d]}\n";
        assert_eq!(targets(with_default, "a", "a"), one("d"));
        // An exact key beats everything; a bare string item beats stripped and `*` keys.
        let mixed = "router_settings: {fallbacks: [{gpt-4o: [s]}, {\"*\": [g]}, bare, {openai/gpt-4o: [e]}]}\n";
        assert_eq!(targets(mixed, "openai/gpt-4o", "openai/gpt-4o"), one("e"));
        assert_eq!(targets(mixed, "other", "other"), one("bare"));
        // The last key that matches once a provider prefix is stripped, either way round.
        let stripped =
            "router_settings: {fallbacks: [{gpt-4o: [s1]}, {gpt-4o: [s2]}, {\"*\": [g]}]}\n";
        assert_eq!(targets(stripped, "openai/gpt-4o", "openai/*"), one("s2"));
        let prefixed = "router_settings: {fallbacks: [{openai/a: [p]}]}\n";
        assert_eq!(targets(prefixed, "a", "a"), one("p"));
        // The requested name's own rule before the group's, then the group's.
        let alias = "router_settings: {fallbacks: [{g: [from-group]}, {x: [from-alias]}]}\n";
        assert_eq!(targets(alias, "x", "g"), one("from-alias"));
        assert_eq!(targets(alias, "y", "g"), one("from-group"));
        assert_eq!(
            targets("router_settings: {fallbacks: [{b: [c]}]}\n", "a", "a"),
            None
        );
    }

    #[test]
    fn references_stay_references_and_credentials_fill_params() {
        let config = resolved(
            "credential_list:\n  - credential_name: shared\n    credential_values: {api_key: os.environ/SHARED_KEY, api_base: \"http://c/v1\"}\n\
             model_list:\n  - model_name: a\n    litellm_params: {model: openai/a, litellm_credential_name: shared}\n\
             \x20 - model_name: b\n    litellm_params: {model: os.environ/MODEL, api_base: \"http://own/v1\", litellm_credential_name: shared}\n",
        );
        let [a, b] = &config.deployments[..] else {
            panic!("two deployments")
        };
        assert_eq!(
            a.api_key,
            Some(Env::Reference("os.environ/SHARED_KEY".into()))
        );
        assert_eq!(a.api_base, Some(Env::Value("http://c/v1".into())));
        assert_eq!(b.api_base, Some(Env::Value("http://own/v1".into())));
        assert_eq!(
            b.provider, None,
            "the provider of a referenced model is not known yet"
        );
    }

    #[test]
    fn redis_settings_stay_references() {
        let config = resolved(
            "router_settings:\n  redis_host: os.environ/REDIS_HOST\n  redis_port: \"6380\"\n  redis_password: os.environ/REDIS_PASSWORD\n  redis_db: 2\n",
        );
        let redis = &config.router.redis;
        assert_eq!(
            redis.host,
            Some(Env::Reference("os.environ/REDIS_HOST".into()))
        );
        assert_eq!(redis.port.as_ref().and_then(Env::value), Some(6380.0));
        assert_eq!(
            redis.password,
            Some(Env::Reference("os.environ/REDIS_PASSWORD".into()))
        );
        assert_eq!(redis.db.as_ref().and_then(Env::value), Some(2.0));
        assert_eq!(redis.url, None);
    }

    #[test]
    fn aliases_resolve_before_wildcards() {
        let config = resolved(
            "model_list:\n  - model_name: a\n    litellm_params: {model: openai/gpt-4o}\n\
             \x20 - model_name: gpt-*\n    litellm_params: {model: openai/*}\n\
             router_settings:\n  model_group_alias: {gpt-x: a, quiet: {model: a, hidden: true}}\n",
        );
        let hit = config.groups.resolve("gpt-x").unwrap();
        assert_eq!(hit.group.name, "a");
        assert!(matches!(hit.via, Via::Alias { .. }));
        assert!(config.groups.alias("quiet").is_some_and(|a| a.hidden));
        let wild = config.groups.resolve("gpt-y").unwrap();
        assert_eq!(wild.captures(), Some(&["y".to_string()][..]));
    }
}
