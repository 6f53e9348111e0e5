//! `explain`: what LiteLLM's router will do with a config, computed from the one resolved model
//! ([`ResolvedConfig`]) with the same resolver, tiering, weighting and fallback lookup that
//! litellm-proxy runs (`groups::ModelGroups::resolve`, [`routing`], `Fallbacks::targets_for`).
//!
//! Mirrors LiteLLM 1.109 `router.py`: `get_available_deployment` (name resolution, `order`
//! tiers, the routing strategy), `function_with_retries` (`num_retries`, per-deployment
//! `num_retries`, `retry_policy`) and `async_function_with_fallbacks` (the fallback list of the
//! error's kind, walked depth-first, bounded by `max_fallbacks`, never trying a group twice).
//!
//! Nothing resolved from the environment is ever part of an explanation: `os.environ/NAME`
//! values stay references, `api_base` is reduced to its host, and no key is read at all. The
//! explainer sees the environment through [`Presence`] only: whether a variable is set
//! (litellm-proxy skips a deployment whose model names an unset variable), never its value.

pub mod render;

use serde::Serialize;
use serde_json::{Map, Value};

use super::env_value::Env;
use super::groups::{ModelGroups, Resolution, Via};
use super::resolved::{
    Deployment, FallbackKind, ResolvedConfig, DEFAULT_MAX_FALLBACKS, DEFAULT_NUM_RETRIES,
};
use super::routing::{self, ShuffleMetric};
use crate::env::Presence;
use crate::provider_routes;

/// LiteLLM's default `routing_strategy`.
pub const DEFAULT_STRATEGY: &str = "simple-shuffle";

/// At most this many steps of one fallback walk are listed (a hostile config could otherwise
/// make the walk quadratic in its size); a longer walk is marked truncated.
const MAX_WALK_STEPS: usize = 1_000;

/// The whole config: every group, alias, wildcard route and fallback rule.
#[derive(Debug, Clone, Serialize)]
pub struct ConfigExplanation {
    pub router: RouterView,
    pub groups: Vec<GroupView>,
    pub aliases: Vec<AliasView>,
    /// Wildcard groups in the order the router tries them.
    pub wildcard_routes: Vec<WildcardRoute>,
    /// Every fallback rule, by kind, in the order the config gives them.
    pub fallbacks: Vec<FallbackEdge>,
    /// Deployments litellm-proxy does not serve, and why.
    pub proxy_skips: Vec<ProxySkip>,
}

/// The router settings that decide routing, retries and fallbacks.
#[derive(Debug, Clone, Serialize)]
pub struct RouterView {
    pub routing_strategy: String,
    /// A number, or an `os.environ/` reference.
    pub num_retries: Value,
    pub max_fallbacks: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cooldown_time: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_fails: Option<Value>,
    pub disable_cooldowns: bool,
    /// `retry_policy`: exception class -> retries.
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub retry_policy: Map<String, Value>,
    /// Groups with their own `model_group_retry_policy`: group -> exception class -> retries.
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub model_group_retry_policy: Map<String, Value>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GroupView {
    pub name: String,
    pub wildcard: bool,
    pub deployments: Vec<DeploymentView>,
}

/// One `model_list` entry, without anything secret.
#[derive(Debug, Clone, Serialize)]
pub struct DeploymentView {
    /// Its position in `model_list`.
    pub index: usize,
    pub model_name: String,
    /// `litellm_params.model` as written (an `os.environ/` reference stays one); `None` when
    /// missing.
    pub model: Option<String>,
    /// The provider calls go to; `None` while the model is an unresolved reference.
    pub provider: Option<String>,
    /// Host (and port) of `api_base`, of the provider's default, never more of the URL.
    pub api_base_host: Option<String>,
    /// Where `api_base` comes from: `litellm_params`, an `os.environ/NAME` reference, the
    /// provider's base variable (`OPENAI_API_BASE`, by name), or `provider default`.
    pub api_base_from: Option<String>,
    pub order: Option<Value>,
    pub weight: Option<Value>,
    pub rpm: Option<Value>,
    pub tpm: Option<Value>,
    pub mode: Option<String>,
    pub num_retries: Option<Value>,
    /// Why litellm-proxy leaves this deployment out; `None` when it serves it.
    pub proxy_skip: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AliasView {
    pub name: String,
    pub target: String,
    pub hidden: bool,
    /// The group the target resolves to; `None` when nothing serves it.
    pub group: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct WildcardRoute {
    /// 1 = tried first.
    pub rank: usize,
    pub pattern: String,
    pub deployments: Vec<PatternDeployment>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PatternDeployment {
    /// Its position in `model_list`.
    pub index: usize,
    /// `litellm_params.model` as written.
    pub model: Option<String>,
}

/// One fallback rule: when `from` fails with an error of `kind`, try `to` in order.
#[derive(Debug, Clone, Serialize)]
pub struct FallbackEdge {
    /// `general`, `context_window`, `content_policy` or `default`.
    pub kind: &'static str,
    /// The group (or requested name) the rule is keyed by; `*` for every group.
    pub from: String,
    pub to: Vec<String>,
    /// `router_settings` or `litellm_settings`.
    pub section: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProxySkip {
    pub index: usize,
    pub model_name: String,
    pub provider: Option<String>,
    pub reason: String,
}

/// How one requested name is served.
#[derive(Debug, Clone, Serialize)]
pub struct ModelExplanation {
    pub model: String,
    /// The group that serves it (the pattern, for a wildcard); `None` when nothing does.
    pub group: Option<String>,
    pub via: Option<ViaView>,
    /// The closest served name, when nothing serves this one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub did_you_mean: Option<String>,
    pub routing_strategy: String,
    /// The deployments it may go to, in order of preference (lowest tier first).
    pub deployments: Vec<Choice>,
    pub retries: RetriesView,
    /// The fallback walk for each kind of error.
    pub fallbacks: Vec<FallbackChain>,
    /// What litellm-proxy does with the name (it serves fewer deployments when it skips some).
    pub proxy: ProxyView,
}

/// How a requested name reached its group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ViaView {
    /// `exact`, `alias` or `wildcard`.
    pub kind: &'static str,
    /// The alias's target name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// What each `*` of the wildcard group matched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub captures: Option<Vec<String>>,
}

/// One deployment a request may go to.
#[derive(Debug, Clone, Serialize)]
pub struct Choice {
    /// 1 = tried first; a later tier is tried when every deployment of the earlier ones failed.
    pub tier: usize,
    #[serde(flatten)]
    pub deployment: DeploymentView,
    /// The model id sent upstream (wildcard captures substituted); `None` while the model is
    /// an unresolved reference.
    pub upstream_model: Option<String>,
    /// The chance `simple-shuffle` picks it within its tier; `None` for strategies that decide
    /// at request time (latency, load, usage).
    pub share: Option<f64>,
    /// The setting the share is drawn by (`weight`, `rpm`, `tpm`); `None` for a uniform draw.
    pub drawn_by: Option<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RetriesView {
    /// The router's `num_retries` (a number, or a reference).
    pub num_retries: Value,
    /// Whether that is LiteLLM's default (2).
    pub default: bool,
    /// The retries of each tier: the first deployment of the tier that sets `num_retries` wins
    /// over the router's.
    pub tiers: Vec<TierRetries>,
    /// `model_group_retry_policy` of the group, else `retry_policy`: retries by error class.
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub policy: Map<String, Value>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TierRetries {
    pub tier: usize,
    pub num_retries: Value,
    /// `router` or `model_list[N]`.
    pub from: String,
}

/// The fallbacks a failing request walks for one kind of error.
#[derive(Debug, Clone, Serialize)]
pub struct FallbackChain {
    /// `general`, `context_window` or `content_policy`.
    pub kind: &'static str,
    /// The list this kind of error uses: its own, or `general` when the config has none of its
    /// kind.
    pub uses: &'static str,
    /// Whether the error is retried within the group first (LiteLLM does not retry a
    /// context-window or content-policy error that has its own fallback list).
    pub retried: bool,
    pub steps: Vec<FallbackStep>,
    /// Why the walk ended early (`max_fallbacks` reached), if it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped: Option<String>,
}

/// One entry of a fallback list, in the order the router reaches it.
#[derive(Debug, Clone, Serialize)]
pub struct FallbackStep {
    /// 1 for a fallback of the requested name, 2 for a fallback of that fallback, ...
    pub depth: usize,
    /// The name whose failure leads here.
    pub from: String,
    pub to: String,
    /// The group `to` resolves to; `None` when nothing serves it or it was skipped.
    pub group: Option<String>,
    pub via: Option<ViaView>,
    /// `tried`, `not served` or `already tried`.
    pub outcome: &'static str,
}

/// What litellm-proxy does with a requested name.
#[derive(Debug, Clone, Serialize)]
pub struct ProxyView {
    /// The group the proxy resolves it to (among the deployments it serves); `None` when the
    /// proxy answers 400.
    pub group: Option<String>,
    pub via: Option<ViaView>,
    /// The deployments it may call, in order of preference.
    pub deployments: Vec<Choice>,
    /// Whether the proxy routes it exactly as LiteLLM would (same group, same deployments).
    pub same_as_litellm: bool,
}

/// The resolved config with what explaining it needs: the names litellm-proxy serves.
pub struct Explainer<'a> {
    config: &'a ResolvedConfig,
    /// Per position in `config.deployments`: why litellm-proxy skips it.
    skips: Vec<Option<String>>,
    /// The names litellm-proxy serves: groups over the deployments it keeps.
    proxy_groups: ModelGroups,
    /// Position in `proxy_groups`' member list -> position in `config.deployments`.
    proxy_positions: Vec<usize>,
    env: Presence<'a>,
}

impl<'a> Explainer<'a> {
    /// `env` only tells which references are set; no value of it is ever part of an answer.
    pub fn new(config: &'a ResolvedConfig, env: Presence<'a>) -> Self {
        let skips: Vec<Option<String>> = config
            .deployments
            .iter()
            .map(|d| proxy_skip(d, env))
            .collect();
        let proxy_positions: Vec<usize> = (0..config.deployments.len())
            .filter(|&i| skips[i].is_none())
            .collect();
        let proxy_groups = ModelGroups::from_deployments(
            proxy_positions.iter().filter_map(|&i| {
                let d = config.deployments.get(i)?;
                Some((d.model_name.as_str(), d.model_name_span, None))
            }),
            config.groups.aliases.clone(),
        );
        Explainer {
            config,
            skips,
            proxy_groups,
            proxy_positions,
            env,
        }
    }

    /// Every group, alias, wildcard route and fallback rule.
    pub fn config(&self) -> ConfigExplanation {
        let config = self.config;
        let groups = config
            .groups
            .groups
            .iter()
            .map(|g| GroupView {
                name: g.name.clone(),
                wildcard: g.is_wildcard(),
                deployments: g.members.iter().filter_map(|&p| self.view(p)).collect(),
            })
            .collect();
        let aliases = config
            .groups
            .aliases
            .iter()
            .map(|a| AliasView {
                name: a.name.clone(),
                target: a.target.clone(),
                hidden: a.hidden,
                group: config.groups.resolve(&a.name).map(|r| r.group.name.clone()),
            })
            .collect();
        let wildcard_routes = config
            .groups
            .patterns()
            .enumerate()
            .map(|(i, g)| WildcardRoute {
                rank: i + 1,
                pattern: g.name.clone(),
                deployments: config
                    .members(g)
                    .map(|d| PatternDeployment {
                        index: d.index,
                        model: d.model.as_ref().map(env_text),
                    })
                    .collect(),
            })
            .collect();
        let section = |key: &str| {
            config
                .fallbacks
                .sections
                .iter()
                .find(|(k, _)| *k == key)
                .map_or("router_settings", |(_, s)| *s)
        };
        let mut fallbacks = Vec::new();
        for kind in FallbackKind::ALL {
            for rule in config.fallbacks.rules(kind) {
                fallbacks.push(FallbackEdge {
                    kind: kind_name(kind),
                    from: rule.source.name.clone(),
                    to: rule.targets.iter().map(|t| t.name.clone()).collect(),
                    section: section(kind.key()),
                });
            }
        }
        if !config.fallbacks.default.is_empty() {
            fallbacks.push(FallbackEdge {
                kind: "default",
                from: "*".into(),
                to: config
                    .fallbacks
                    .default
                    .iter()
                    .map(|t| t.name.clone())
                    .collect(),
                section: section("default_fallbacks"),
            });
        }
        let proxy_skips = config
            .deployments
            .iter()
            .zip(&self.skips)
            .filter_map(|(d, skip)| {
                Some(ProxySkip {
                    index: d.index,
                    model_name: d.model_name.clone(),
                    provider: d.provider.clone(),
                    reason: skip.clone()?,
                })
            })
            .collect();
        ConfigExplanation {
            router: self.router(),
            groups,
            aliases,
            wildcard_routes,
            fallbacks,
            proxy_skips,
        }
    }

    fn router(&self) -> RouterView {
        let router = &self.config.router;
        RouterView {
            routing_strategy: self.strategy().to_string(),
            num_retries: router
                .num_retries
                .as_ref()
                .map_or(Value::from(DEFAULT_NUM_RETRIES), number),
            max_fallbacks: router
                .max_fallbacks
                .as_ref()
                .map_or(Value::from(DEFAULT_MAX_FALLBACKS), number),
            cooldown_time: router.cooldown_time.as_ref().map(number),
            allowed_fails: router.allowed_fails.as_ref().map(number),
            disable_cooldowns: router.disable_cooldowns,
            retry_policy: policy(&router.retry_policy),
            model_group_retry_policy: router
                .model_group_retry_policy
                .iter()
                .map(|(group, p)| (group.clone(), Value::Object(policy(p))))
                .collect(),
        }
    }

    fn strategy(&self) -> &str {
        self.config
            .router
            .routing_strategy
            .as_ref()
            .map_or(DEFAULT_STRATEGY, |s| s.name.as_str())
    }

    /// How `requested` is served, or why not.
    pub fn model(&self, requested: &str) -> ModelExplanation {
        let config = self.config;
        let hit = config.groups.resolve(requested);
        let deployments = hit
            .as_ref()
            .map(|h| self.choices(requested, h, &h.group.members, |p| p))
            .unwrap_or_default();
        let proxy = self.proxy_route(requested, hit.as_ref(), &deployments);
        ModelExplanation {
            model: requested.to_string(),
            group: hit.as_ref().map(|h| h.group.name.clone()),
            via: hit.as_ref().map(via),
            did_you_mean: match hit {
                Some(_) => None,
                None => config.groups.suggest(requested).map(str::to_string),
            },
            routing_strategy: self.strategy().to_string(),
            retries: self.retries(hit.as_ref(), &deployments),
            fallbacks: match &hit {
                Some(h) => FallbackKind::ALL
                    .into_iter()
                    .map(|kind| self.walk(kind, requested, &h.group.name))
                    .collect(),
                None => Vec::new(),
            },
            deployments,
            proxy,
        }
    }

    fn proxy_route(
        &self,
        requested: &str,
        litellm: Option<&Resolution<'_>>,
        litellm_choices: &[Choice],
    ) -> ProxyView {
        let Some(hit) = self.proxy_groups.resolve(requested) else {
            return ProxyView {
                group: None,
                via: None,
                deployments: Vec::new(),
                same_as_litellm: litellm.is_none(),
            };
        };
        let deployments = self.choices(requested, &hit, &hit.group.members, |member| {
            self.proxy_positions
                .get(member)
                .copied()
                .unwrap_or(usize::MAX)
        });
        let indices = |choices: &[Choice]| -> Vec<usize> {
            choices.iter().map(|c| c.deployment.index).collect()
        };
        let same_as_litellm = litellm.is_some_and(|l| {
            l.group.name == hit.group.name
                && l.via == hit.via
                && indices(litellm_choices) == indices(&deployments)
        });
        ProxyView {
            group: Some(hit.group.name.clone()),
            via: Some(via(&hit)),
            deployments,
            same_as_litellm,
        }
    }

    /// The deployments of a resolved group in order of preference. `members` index the list the
    /// group was built from; `position` maps one to its position in `config.deployments`.
    fn choices(
        &self,
        requested: &str,
        hit: &Resolution<'_>,
        members: &[usize],
        position: impl Fn(usize) -> usize,
    ) -> Vec<Choice> {
        let deployments = &self.config.deployments;
        let positions: Vec<usize> = members.iter().map(|&m| position(m)).collect();
        let order = |p: usize| {
            deployments
                .get(p)
                .and_then(|d| d.order.as_ref()?.value())
                .map(|o| o as i64)
        };
        let shuffle = self.strategy() == DEFAULT_STRATEGY;
        let mut out = Vec::new();
        for (tier_number, tier) in routing::order_tiers(&positions, order).iter().enumerate() {
            let weights = routing::shuffle_weights(tier, |p, which| {
                let d = deployments.get(p)?;
                let value = match which {
                    ShuffleMetric::Weight => &d.weight,
                    ShuffleMetric::Rpm => &d.rpm,
                    ShuffleMetric::Tpm => &d.tpm,
                };
                value.as_ref()?.value()
            });
            let total: f64 = weights.as_ref().map_or(0.0, |(_, w)| w.iter().sum());
            for (i, &p) in tier.iter().enumerate() {
                let Some(view) = self.view(p) else { continue };
                let share = shuffle.then(|| match &weights {
                    Some((_, w)) => w.get(i).copied().unwrap_or(0.0) / total,
                    None => 1.0 / tier.len() as f64,
                });
                out.push(Choice {
                    tier: tier_number + 1,
                    upstream_model: deployments
                        .get(p)
                        .and_then(|d| upstream_model(d, hit.captures(), requested)),
                    share,
                    drawn_by: weights
                        .as_ref()
                        .filter(|_| shuffle)
                        .map(|(which, _)| which.key()),
                    deployment: view,
                });
            }
        }
        out
    }

    fn retries(&self, hit: Option<&Resolution<'_>>, choices: &[Choice]) -> RetriesView {
        let router = &self.config.router;
        let num_retries = router
            .num_retries
            .as_ref()
            .map_or(Value::from(DEFAULT_NUM_RETRIES), number);
        let mut tiers = Vec::new();
        let last_tier = choices.last().map_or(0, |c| c.tier);
        for tier in 1..=last_tier {
            let own = choices
                .iter()
                .filter(|c| c.tier == tier)
                .find_map(|c| Some((c.deployment.num_retries.clone()?, c.deployment.index)));
            tiers.push(match own {
                Some((n, index)) => TierRetries {
                    tier,
                    num_retries: n,
                    from: format!("model_list[{index}]"),
                },
                None => TierRetries {
                    tier,
                    num_retries: num_retries.clone(),
                    from: "router".into(),
                },
            });
        }
        let policy_of_group = hit.and_then(|h| {
            router
                .model_group_retry_policy
                .iter()
                .find(|(group, _)| *group == h.group.name)
        });
        RetriesView {
            default: router.num_retries.is_none(),
            num_retries,
            tiers,
            policy: policy(policy_of_group.map_or(&router.retry_policy, |(_, p)| p)),
        }
    }

    /// The fallbacks LiteLLM walks when every attempt fails with an error of `kind`, as
    /// `async_function_with_fallbacks` does: depth-first, skipping names already tried,
    /// counting each fallback (and each later `order` tier) against `max_fallbacks`.
    fn walk(&self, kind: FallbackKind, requested: &str, group: &str) -> FallbackChain {
        let fallbacks = &self.config.fallbacks;
        let uses = if kind == FallbackKind::General || fallbacks.any(kind) {
            kind
        } else {
            FallbackKind::General
        };
        let max = self
            .config
            .router
            .max_fallbacks
            .as_ref()
            // A value read from the environment is not known here: LiteLLM's default stands in.
            .and_then(|m| m.value())
            .map_or(DEFAULT_MAX_FALLBACKS, |n| n.max(0.0) as usize);
        let mut tried: crate::fast_hash::FastSet<String> = Default::default();
        let mut used = 0usize;
        let mut steps = Vec::new();
        let mut stopped = None;
        // Each frame: the failing name and the targets of its list still to try.
        let mut stack: Vec<(String, std::vec::IntoIter<String>, usize)> = Vec::new();
        self.enter(uses, requested, group, &mut tried, &mut used, &mut stack, 0);
        'walk: while let Some((from, targets, depth)) = stack.last_mut() {
            let Some(name) = targets.next() else {
                stack.pop();
                continue;
            };
            let (from, depth) = (from.clone(), *depth + 1);
            if steps.len() >= MAX_WALK_STEPS {
                stopped = Some(format!(
                    "the walk is longer than {MAX_WALK_STEPS} steps; truncated"
                ));
                break 'walk;
            }
            if tried.contains(&name) {
                steps.push(FallbackStep {
                    depth,
                    from,
                    to: name,
                    group: None,
                    via: None,
                    outcome: "already tried",
                });
                continue;
            }
            if used >= max {
                stopped = Some(match &self.config.router.max_fallbacks {
                    Some(Env::Reference(reference)) => {
                        format!(
                            "max_fallbacks ({reference}, taken as the default {max} here) reached"
                        )
                    }
                    _ => format!("max_fallbacks ({max}) reached"),
                });
                break 'walk;
            }
            used += 1;
            match self.config.groups.resolve(&name) {
                None => {
                    tried.insert(name.clone());
                    steps.push(FallbackStep {
                        depth,
                        from,
                        to: name,
                        group: None,
                        via: None,
                        outcome: "not served",
                    });
                }
                Some(hit) => {
                    let group = hit.group.name.clone();
                    steps.push(FallbackStep {
                        depth,
                        from,
                        to: name.clone(),
                        group: Some(group.clone()),
                        via: Some(via(&hit)),
                        outcome: "tried",
                    });
                    self.enter(
                        uses, &name, &group, &mut tried, &mut used, &mut stack, depth,
                    );
                }
            }
        }
        FallbackChain {
            kind: kind_name(kind),
            uses: kind_name(uses),
            retried: kind == FallbackKind::General || !fallbacks.any(kind),
            steps,
            stopped,
        }
    }

    /// Marks a group as tried (its later tiers count as fallbacks) and queues its fallbacks.
    #[allow(clippy::too_many_arguments)]
    fn enter(
        &self,
        kind: FallbackKind,
        requested: &str,
        group: &str,
        tried: &mut crate::fast_hash::FastSet<String>,
        used: &mut usize,
        stack: &mut Vec<(String, std::vec::IntoIter<String>, usize)>,
        depth: usize,
    ) {
        tried.insert(group.to_string());
        tried.insert(requested.to_string());
        if let Some(g) = self.config.groups.group(group) {
            let tiers = routing::order_tiers(&g.members, |p| {
                self.config
                    .deployments
                    .get(p)
                    .and_then(|d| d.order.as_ref()?.value())
                    .map(|o| o as i64)
            });
            *used += tiers.len().saturating_sub(1);
        }
        if let Some(targets) = self.config.fallbacks.targets_for(kind, requested, group) {
            stack.push((requested.to_string(), targets.into_iter(), depth));
        }
    }

    /// The public view of the deployment at `position` of `config.deployments`.
    fn view(&self, position: usize) -> Option<DeploymentView> {
        let d = self.config.deployments.get(position)?;
        let (api_base_host, api_base_from) = self.api_base(d);
        Some(DeploymentView {
            index: d.index,
            model_name: d.model_name.clone(),
            model: d.model.as_ref().map(env_text),
            provider: d.provider.clone(),
            api_base_host,
            api_base_from,
            order: d.order.as_ref().map(number),
            weight: d.weight.as_ref().map(number),
            rpm: d.rpm.as_ref().map(number),
            tpm: d.tpm.as_ref().map(number),
            mode: d.mode.clone(),
            num_retries: d.num_retries.as_ref().map(number),
            proxy_skip: self.skips.get(position).cloned().flatten(),
        })
    }

    /// The host of the deployment's `api_base` and where it comes from; the base variable of
    /// the provider is named, never read out.
    fn api_base(&self, d: &Deployment) -> (Option<String>, Option<String>) {
        match &d.api_base {
            Some(Env::Value(url)) => (url_host(url), Some("litellm_params".into())),
            Some(Env::Reference(reference)) => (None, Some(reference.clone())),
            None => {
                let Some(route) = d.provider.as_deref().and_then(provider_routes::route) else {
                    return (None, None);
                };
                if let Some(name) = route.base_env.iter().find(|n| self.env.is_set_non_empty(n)) {
                    return (None, Some((*name).to_string()));
                }
                if route.default_base.is_empty() {
                    (None, None)
                } else {
                    (
                        url_host(route.default_base),
                        Some("provider default".into()),
                    )
                }
            }
        }
    }
}

/// Why litellm-proxy does not serve a deployment (its start-up rules: a model it can read, a
/// provider it routes — rule LL066), or `None`. A model read from the environment is served when
/// the variable is set: its provider is only known at start-up, from a value explain never reads.
fn proxy_skip(d: &Deployment, env: Presence<'_>) -> Option<String> {
    let model = match &d.model {
        None => return Some("`litellm_params.model` is missing".into()),
        Some(Env::Reference(reference)) if env.resolves(reference) => return None,
        Some(Env::Reference(reference)) => {
            return Some(format!(
                "`litellm_params.model` names an unset variable ({reference})"
            ))
        }
        Some(Env::Value(model)) => model.as_str(),
    };
    let provider = match &d.provider {
        Some(p) => p.as_str(),
        None => provider_routes::deployment_provider(model, d.custom_llm_provider.as_deref()),
    };
    match provider_routes::route(provider) {
        Some(_) => None,
        None => Some(format!(
            "provider `{provider}` is not routed by litellm-proxy (LL066)"
        )),
    }
}

/// The model id a deployment is called with for `requested` (captures substituted).
fn upstream_model(d: &Deployment, captures: Option<&[String]>, requested: &str) -> Option<String> {
    let model = d.model.as_ref()?.value_ref()?;
    let upstream = provider_routes::upstream_model(model, d.custom_llm_provider.as_deref());
    Some(match captures {
        Some(captures) => routing::substitute_captures(upstream, captures, requested),
        None => upstream.to_string(),
    })
}

fn via(hit: &Resolution<'_>) -> ViaView {
    match &hit.via {
        Via::Exact => ViaView {
            kind: "exact",
            target: None,
            captures: None,
        },
        Via::Alias { target, captures } => ViaView {
            kind: "alias",
            target: Some(target.clone()),
            captures: captures.clone(),
        },
        Via::Wildcard { captures } => ViaView {
            kind: "wildcard",
            target: None,
            captures: Some(captures.clone()),
        },
    }
}

pub fn kind_name(kind: FallbackKind) -> &'static str {
    match kind {
        FallbackKind::General => "general",
        FallbackKind::ContextWindow => "context_window",
        FallbackKind::ContentPolicy => "content_policy",
    }
}

/// A number as JSON (whole numbers without a fraction), or the reference as written.
fn number(value: &Env<f64>) -> Value {
    match value {
        Env::Value(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => Value::from(*n as i64),
        Env::Value(n) => Value::from(*n),
        Env::Reference(reference) => Value::from(reference.clone()),
    }
}

fn env_text(value: &Env<String>) -> String {
    match value {
        Env::Value(text) | Env::Reference(text) => text.clone(),
    }
}

fn policy(policy: &[(String, Env<f64>)]) -> Map<String, Value> {
    policy.iter().map(|(k, v)| (k.clone(), number(v))).collect()
}

/// `host[:port]` of a URL: no scheme, no user info (a credential may sit there), no path,
/// query or fragment. `None` when there is no host.
pub fn url_host(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    (!host.is_empty()).then(|| host.to_string())
}

#[cfg(test)]
mod tests;
