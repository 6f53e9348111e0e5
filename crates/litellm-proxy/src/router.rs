//! Model groups, deployment selection (LiteLLM's strategies and `order` tiers) and cooldowns.
//!
//! The counts are kept in this process; with Redis configured, cooldowns and (for
//! `usage-based-routing`) deployment usage are also shared with the other replicas through
//! [`crate::shared`]: a cooldown set here is written there, and the sync brings in the others'
//! cooldowns ([`Router::apply_shared_cooldown`]) and usage totals ([`Router::set_shared_usage`]).

use super::config::{DeploymentConfig, RouterConfig, RoutingStrategy};
use super::error::{ErrorKind, ProxyError};
use super::providers::{self, Provider};
use litellm_check::litellm::routing::{self, ShuffleMetric};
use litellm_check::litellm::{Alias, ModelGroups};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// Latencies kept per deployment for `latency-based-routing` (`max_latency_list_size`).
const LATENCY_WINDOW: usize = 10;

pub struct Deployment {
    pub config: DeploymentConfig,
    pub provider: Arc<dyn Provider>,
    /// `api_base` as it may be shown (headers, `/health`, spend rows): credentials masked.
    pub shown_api_base: String,
    /// What the deployment sends upstream, masked in the upstream's answers.
    pub credentials: crate::redact::Credentials,
    in_flight: AtomicU64,
    /// Milliseconds since the router's epoch until which the deployment is cooling down; 0 = none.
    cooldown_until_ms: AtomicU64,
    counters: Mutex<Counters>,
    latencies: Mutex<VecDeque<f64>>,
}

#[derive(Default)]
struct Counters {
    /// The minute (since the epoch, UTC) the per-minute counters belong to.
    minute: u64,
    successes: u64,
    failures: u64,
    tokens: u64,
    requests: u64,
    /// Requests and tokens of this minute not yet added to the shared totals.
    pending_requests: u64,
    pending_tokens: u64,
    /// Every replica's totals for `shared_minute`, as the last sync read them (this process's
    /// counts up to then included).
    shared_minute: Option<u64>,
    shared_requests: u64,
    shared_tokens: u64,
    /// Count-mode failures and when that count expires (TTL = cooldown time).
    window_failures: u32,
    window_expires_ms: u64,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Deployment {
    pub fn in_flight(&self) -> u64 {
        self.in_flight.load(Ordering::Relaxed)
    }
}

/// Holds one in-flight slot of a deployment (for `least-busy`) until dropped.
pub struct InFlight(Arc<Deployment>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::Relaxed);
    }
}

/// A requested model name resolved to a group.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The group's name (the pattern, for wildcard groups).
    pub group: String,
    pub deployments: Vec<usize>,
    /// What each `*` of a wildcard group matched.
    pub captures: Option<Vec<String>>,
    /// The name the client asked for.
    pub requested: String,
}

pub struct Router {
    pub deployments: Vec<Arc<Deployment>>,
    pub config: RouterConfig,
    /// The names served by `deployments` (members index it), with the config's aliases; resolved
    /// by the checker's one name resolver.
    pub groups: ModelGroups,
    epoch: Instant,
    /// Where cooldowns are told to the other replicas ([`crate::shared::Local`]: nowhere).
    shared: Arc<dyn crate::shared::SharedState>,
}

/// Requests and tokens a deployment served this minute since the last sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UsageDelta {
    pub minute: u64,
    pub requests: u64,
    pub tokens: u64,
}

impl Router {
    /// A router over the deployments this proxy can call; `aliases` are the config's
    /// `model_group_alias` entries.
    pub fn new(
        deployments: Vec<DeploymentConfig>,
        aliases: Vec<Alias>,
        config: RouterConfig,
    ) -> Self {
        let mut built = Vec::new();
        for config in deployments {
            let Some(provider) = providers::for_deployment(&config) else {
                continue;
            };
            built.push(Arc::new(Deployment {
                shown_api_base: config
                    .api_base
                    .as_deref()
                    .map(crate::redact::url_for_display)
                    .unwrap_or_default(),
                credentials: crate::redact::Credentials::of(&config),
                config,
                provider,
                in_flight: AtomicU64::new(0),
                cooldown_until_ms: AtomicU64::new(0),
                counters: Mutex::new(Counters::default()),
                latencies: Mutex::new(VecDeque::new()),
            }));
        }
        let groups = ModelGroups::from_deployments(
            built.iter().map(|d| {
                (
                    d.config.model_name.as_str(),
                    d.config.name_span,
                    Some(d.config.model.as_str()),
                )
            }),
            aliases,
        );
        Router {
            deployments: built,
            config,
            groups,
            epoch: Instant::now(),
            shared: Arc::new(crate::shared::Local),
        }
    }

    /// Shares cooldowns through `shared`.
    pub fn with_shared(mut self, shared: Arc<dyn crate::shared::SharedState>) -> Self {
        self.shared = shared;
        self
    }

    /// Exact `model_name`, then `model_group_alias`, then wildcard patterns (section 6.5/6.6).
    pub fn resolve(&self, requested: &str) -> Option<Resolved> {
        let hit = self.groups.resolve(requested)?;
        Some(Resolved {
            group: hit.group.name.clone(),
            deployments: hit.group.members.clone(),
            captures: hit.captures().map(<[String]>::to_vec),
            requested: requested.to_string(),
        })
    }

    /// The group a `model_group_alias` entry points `name` to.
    pub fn alias_target(&self, name: &str) -> Option<&str> {
        self.groups.alias(name).map(|alias| alias.target.as_str())
    }

    /// Served names for `/v1/models`: groups then visible aliases, wildcards only on request.
    pub fn listed_models(&self, with_wildcards: bool) -> Vec<String> {
        let mut names: Vec<String> = self
            .groups
            .groups
            .iter()
            .filter(|g| self.servable(&g.members))
            .map(|g| &g.name)
            .filter(|n| with_wildcards || !n.contains('*'))
            .cloned()
            .collect();
        for alias in &self.groups.aliases {
            let served = self
                .groups
                .resolve(&alias.target)
                .is_some_and(|hit| self.servable(&hit.group.members));
            if !alias.hidden && served && !names.contains(&alias.name) {
                names.push(alias.name.clone());
            }
        }
        names
    }

    /// Whether some route of this proxy can serve one of these deployments: a `model_info.mode`
    /// it has an endpoint for (none, `chat`, `completion`, `embedding`, `responses`). A group of
    /// image, audio or rerank deployments only is not listed by `/v1/models`.
    fn servable(&self, members: &[usize]) -> bool {
        members.iter().any(|i| {
            self.deployments.get(*i).is_some_and(|d| {
                matches!(
                    d.config.mode.as_deref(),
                    None | Some("chat" | "completion" | "embedding" | "responses")
                )
            })
        })
    }

    fn now_ms(&self) -> u64 {
        self.epoch.elapsed().as_millis() as u64
    }

    /// The minute since the epoch (UTC), the same on every replica.
    fn minute(&self) -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() / 60)
    }

    /// The deployments whose cooldowns the sync reads from the other replicas: those that can
    /// cool down at all.
    pub fn cooldown_candidates(&self) -> Vec<usize> {
        if self.config.disable_cooldowns {
            return Vec::new();
        }
        self.deployments
            .iter()
            .enumerate()
            .filter(|(_, d)| !d.config.is_wildcard() && d.config.cooldown_time != Some(0.0))
            .map(|(i, _)| i)
            .collect()
    }

    /// Another replica cooled this deployment down for `remaining` more.
    pub fn apply_shared_cooldown(&self, index: usize, remaining: Duration) {
        if let Some(d) = self.deployments.get(index) {
            let until = self.now_ms() + (remaining.as_millis() as u64).max(1);
            d.cooldown_until_ms.fetch_max(until, Ordering::Relaxed);
        }
    }

    /// `(tokens, requests)` of the deployment this minute, as routing sees them (every
    /// replica's with Redis).
    pub fn usage_now(&self, index: usize) -> (u64, u64) {
        self.deployments
            .get(index)
            .map_or((0, 0), |d| usage(&lock(&d.counters), self.minute()))
    }

    /// Whether deployment usage is shared: only `usage-based-routing` reads it.
    pub fn shares_usage(&self) -> bool {
        self.config.strategy == RoutingStrategy::UsageBased
    }

    /// This minute's requests and tokens not yet shared, taken for the sync.
    pub fn take_usage(&self, index: usize) -> Option<UsageDelta> {
        let d = self.deployments.get(index)?;
        let minute = self.minute();
        let mut counters = lock(&d.counters);
        roll_minute(&mut counters, minute);
        let delta = UsageDelta {
            minute,
            requests: std::mem::take(&mut counters.pending_requests),
            tokens: std::mem::take(&mut counters.pending_tokens),
        };
        Some(delta)
    }

    /// A sync that failed: its counts are shared next time.
    pub fn restore_usage(&self, index: usize, delta: UsageDelta) {
        let Some(d) = self.deployments.get(index) else {
            return;
        };
        let mut counters = lock(&d.counters);
        if counters.minute == delta.minute {
            counters.pending_requests += delta.requests;
            counters.pending_tokens += delta.tokens;
        }
    }

    /// Every replica's totals for `minute`, as Redis answered them.
    pub fn set_shared_usage(&self, index: usize, minute: u64, requests: u64, tokens: u64) {
        let Some(d) = self.deployments.get(index) else {
            return;
        };
        let mut counters = lock(&d.counters);
        if counters.minute == minute {
            counters.shared_minute = Some(minute);
            counters.shared_requests = requests;
            counters.shared_tokens = tokens;
        }
    }

    pub fn is_cooling(&self, index: usize) -> bool {
        self.deployments
            .get(index)
            .is_some_and(|d| d.cooldown_until_ms.load(Ordering::Relaxed) > self.now_ms())
    }

    /// The deployments of `candidates` not cooling down.
    pub fn healthy(&self, candidates: &[usize]) -> Vec<usize> {
        candidates
            .iter()
            .copied()
            .filter(|i| !self.is_cooling(*i))
            .collect()
    }

    /// The `order` tiers of a group, lowest first (the checker's [`routing::order_tiers`]).
    pub fn tiers(&self, candidates: &[usize]) -> Vec<Vec<usize>> {
        routing::order_tiers(candidates, |i| {
            self.deployments.get(i).and_then(|d| d.config.order)
        })
    }

    /// Picks one of `healthy` with the configured strategy; `None` when nothing can serve.
    pub fn pick(&self, healthy: &[usize]) -> Option<usize> {
        match healthy {
            [] => None,
            [only] => (self.config.strategy != RoutingStrategy::UsageBased
                || self.under_limits(*only))
            .then_some(*only),
            _ => match self.config.strategy {
                RoutingStrategy::SimpleShuffle => self.pick_weighted(healthy),
                RoutingStrategy::LeastBusy => self.pick_least_busy(healthy),
                RoutingStrategy::LatencyBased => self.pick_lowest_latency(healthy),
                RoutingStrategy::UsageBased => self.pick_lowest_usage(healthy),
            },
        }
    }

    /// `simple-shuffle`: a draw by the weights of [`routing::shuffle_weights`], uniform when no
    /// candidate has a weight, `rpm` or `tpm`.
    fn pick_weighted(&self, healthy: &[usize]) -> Option<usize> {
        let metric = |i: usize, which: ShuffleMetric| {
            let d = &self.deployments.get(i)?.config;
            match which {
                ShuffleMetric::Weight => d.weight,
                ShuffleMetric::Rpm => d.rpm,
                ShuffleMetric::Tpm => d.tpm,
            }
        };
        let Some((_, weights)) = routing::shuffle_weights(healthy, metric) else {
            return healthy.get(random_below(healthy.len())).copied();
        };
        let total: f64 = weights.iter().sum();
        let mut target = random_unit() * total;
        for (index, weight) in healthy.iter().zip(&weights) {
            if target < *weight {
                return Some(*index);
            }
            target -= weight;
        }
        healthy
            .iter()
            .zip(&weights)
            .rev()
            .find(|(_, w)| **w > 0.0)
            .map(|(i, _)| *i)
    }

    fn pick_least_busy(&self, healthy: &[usize]) -> Option<usize> {
        let busy = |i: &usize| self.deployments.get(*i).map_or(u64::MAX, |d| d.in_flight());
        let least = healthy.iter().map(busy).min()?;
        let ties: Vec<usize> = healthy
            .iter()
            .copied()
            .filter(|i| busy(i) == least)
            .collect();
        ties.get(random_below(ties.len())).copied()
    }

    /// Lowest average recent latency; no data counts as 0 (so new deployments get tried), and
    /// `lowest_latency_buffer` widens the choice to those within that fraction of the best.
    fn pick_lowest_latency(&self, healthy: &[usize]) -> Option<usize> {
        let average = |i: &usize| -> f64 {
            let Some(d) = self.deployments.get(*i) else {
                return f64::MAX;
            };
            let list = lock(&d.latencies);
            if list.is_empty() {
                0.0
            } else {
                list.iter().sum::<f64>() / list.len() as f64
            }
        };
        let scored: Vec<(usize, f64)> = healthy.iter().map(|i| (*i, average(i))).collect();
        let best = scored.iter().map(|(_, s)| *s).fold(f64::MAX, f64::min);
        let limit = best * (1.0 + self.config.latency_buffer.max(0.0));
        let close: Vec<usize> = scored
            .iter()
            .filter(|(_, s)| *s <= limit)
            .map(|(i, _)| *i)
            .collect();
        close.get(random_below(close.len())).copied()
    }

    fn under_limits(&self, index: usize) -> bool {
        let Some(d) = self.deployments.get(index) else {
            return false;
        };
        let (tokens, requests) = usage(&lock(&d.counters), self.minute());
        d.config.tpm.is_none_or(|limit| (tokens as f64) < limit)
            && d.config.rpm.is_none_or(|limit| (requests as f64) < limit)
    }

    /// `usage-based-routing`: the lowest current-minute token use among those under their limits.
    fn pick_lowest_usage(&self, healthy: &[usize]) -> Option<usize> {
        let minute = self.minute();
        healthy
            .iter()
            .copied()
            .filter(|i| self.under_limits(*i))
            .min_by_key(|i| {
                self.deployments
                    .get(*i)
                    .map_or(u64::MAX, |d| usage(&lock(&d.counters), minute).0)
            })
    }

    /// Marks a deployment busy until the returned guard is dropped.
    pub fn start_call(&self, index: usize) -> Option<InFlight> {
        let d = self.deployments.get(index)?;
        d.in_flight.fetch_add(1, Ordering::Relaxed);
        let minute = self.minute();
        let mut counters = lock(&d.counters);
        roll_minute(&mut counters, minute);
        counters.requests += 1;
        counters.pending_requests += 1;
        Some(InFlight(d.clone()))
    }

    pub fn record_success(&self, index: usize, latency: Duration, tokens: u64) {
        let Some(d) = self.deployments.get(index) else {
            return;
        };
        let minute = self.minute();
        {
            let mut counters = lock(&d.counters);
            roll_minute(&mut counters, minute);
            counters.successes += 1;
            counters.tokens += tokens;
            counters.pending_tokens += tokens;
        }
        let mut list = lock(&d.latencies);
        if list.len() == LATENCY_WINDOW {
            list.pop_front();
        }
        list.push_back(latency.as_secs_f64());
    }

    /// Records a failed call and cools the deployment down when section 9.2 says so. Returns
    /// whether it was cooled.
    pub fn record_failure(
        &self,
        index: usize,
        group_size: usize,
        error: &ProxyError,
        group_has_fallbacks: bool,
    ) -> bool {
        let Some(d) = self.deployments.get(index) else {
            return false;
        };
        let now = self.now_ms();
        let minute = self.minute();
        let (successes, failures) = {
            let mut counters = lock(&d.counters);
            roll_minute(&mut counters, minute);
            counters.failures += 1;
            (counters.successes, counters.failures)
        };
        // Never cooled: wildcard deployments, disabled cooldowns, a per-deployment 0, and
        // connection errors (LiteLLM skips "APIConnectionError").
        if d.config.is_wildcard()
            || self.config.disable_cooldowns
            || d.config.cooldown_time == Some(0.0)
            || error.connection
            || error.kind == ErrorKind::NoDeployments
        {
            return false;
        }
        let status = error.status;
        let qualifies =
            matches!(status, 401 | 402 | 404 | 408 | 429) || !(400..500).contains(&status);
        if !qualifies {
            return false;
        }
        let cooldown_secs = d
            .config
            .cooldown_time
            .filter(|t| *t > 0.0)
            .or_else(|| {
                error
                    .retry_after
                    .map(|r| r.as_secs_f64())
                    .filter(|r| *r > 0.0)
            })
            .unwrap_or(self.config.cooldown_time);
        let policy = &self.config.allowed_fails_policy;
        let named_in_policy = error
            .kind
            .policy_names()
            .iter()
            .find_map(|name| policy.get(&format!("{name}AllowedFails")).copied());
        // Count mode: a deployment or router `allowed_fails`, or any `allowed_fails_policy`
        // (whose value for this error wins; LiteLLM's module default 3 otherwise).
        let count_limit = d
            .config
            .allowed_fails
            .or(named_in_policy)
            .or(self.config.allowed_fails)
            .or((!policy.is_empty()).then_some(3));
        let cool = match count_limit {
            Some(allowed) => {
                let exempt = d.config.allowed_fails.is_none()
                    && named_in_policy.is_none()
                    && group_size == 1
                    && !group_has_fallbacks;
                let mut counters = lock(&d.counters);
                if counters.window_expires_ms <= now {
                    counters.window_failures = 0;
                }
                counters.window_failures += 1;
                counters.window_expires_ms = now + (cooldown_secs * 1000.0) as u64;
                !exempt && counters.window_failures > allowed
            }
            None => {
                let total = successes + failures;
                // A 429 on a multi-deployment group; 100 % failures over >= 1000 calls; over 50 %
                // failures over >= 5 calls (multi-deployment only); or a status `should_retry`
                // rejects (401, 404, ...), except a 402 on a single deployment.
                let rate_limited = status == 429 && group_size > 1;
                let all_failing = failures == total && total >= 1000;
                let mostly_failing =
                    group_size > 1 && total >= 5 && failures as f64 / total as f64 > 0.5;
                let not_retryable = !(retryable_status(status) || status == 402 && group_size == 1);
                rate_limited || all_failing || mostly_failing || not_retryable
            }
        };
        if cool {
            let until = now + (cooldown_secs * 1000.0) as u64;
            d.cooldown_until_ms
                .store(until.max(now + 1), Ordering::Relaxed);
            self.shared.cooled(
                &d.config.id,
                Duration::from_secs_f64(cooldown_secs.max(0.001)),
                status,
            );
        }
        cool
    }

    /// Deployments of `candidates` currently cooling, by id (for error messages).
    pub fn cooling_ids(&self, candidates: &[usize]) -> Vec<String> {
        candidates
            .iter()
            .filter(|i| self.is_cooling(**i))
            .filter_map(|i| self.deployments.get(*i).map(|d| d.config.id.clone()))
            .collect()
    }
}

fn roll_minute(counters: &mut Counters, minute: u64) {
    if counters.minute != minute {
        counters.minute = minute;
        counters.successes = 0;
        counters.failures = 0;
        counters.tokens = 0;
        counters.requests = 0;
        counters.pending_requests = 0;
        counters.pending_tokens = 0;
    }
}

/// `(tokens, requests)` of a deployment in `minute`: every replica's totals from the last sync
/// plus what this process served since, or this process's own counts when nothing was shared
/// this minute (or they are higher).
fn usage(counters: &Counters, minute: u64) -> (u64, u64) {
    if counters.minute != minute {
        return (0, 0);
    }
    let local = (counters.tokens, counters.requests);
    if counters.shared_minute != Some(minute) {
        return local;
    }
    (
        local
            .0
            .max(counters.shared_tokens + counters.pending_tokens),
        local
            .1
            .max(counters.shared_requests + counters.pending_requests),
    )
}

/// `should_retry` of the OpenAI SDK that LiteLLM reuses: 408, 409, 429 and 5xx.
pub fn retryable_status(status: u16) -> bool {
    matches!(status, 408 | 409 | 429) || status >= 500
}

thread_local! {
    static RNG: std::cell::Cell<u64> = std::cell::Cell::new(seed());
}

fn seed() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0x9e37_79b9_7f4a_7c15);
    let time = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    (time ^ COUNTER.fetch_add(0x9e37_79b9_7f4a_7c15, Ordering::Relaxed)) | 1
}

/// xorshift64*: load balancing needs spread, not cryptographic strength.
pub fn random_u64() -> u64 {
    RNG.with(|cell| {
        let mut x = cell.get();
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        cell.set(x);
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    })
}

/// Uniform in [0, 1).
pub fn random_unit() -> f64 {
    (random_u64() >> 11) as f64 / (1u64 << 53) as f64
}

fn random_below(n: usize) -> usize {
    if n == 0 {
        0
    } else {
        (random_u64() % n as u64) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ProxyConfig;
    use litellm_check::env::Environment;
    use serde_json::json;

    fn router(config: serde_json::Value) -> Router {
        let config =
            ProxyConfig::from_text(&config.to_string(), &Environment::empty()).unwrap_or_default();
        Router::new(config.deployments, config.aliases, config.router)
    }

    #[test]
    fn weighted_shuffle_never_picks_a_deployment_without_the_metric() {
        let r = router(json!({"model_list": [
            {"model_name": "g", "litellm_params": {"model": "openai/a", "weight": 3}},
            {"model_name": "g", "litellm_params": {"model": "openai/b"}},
            {"model_name": "g", "litellm_params": {"model": "openai/c", "rpm": 100}},
        ]}));
        let all = vec![0, 1, 2];
        for _ in 0..200 {
            assert_eq!(
                r.pick(&all),
                Some(0),
                "only `a` has a weight, so only `a` is drawn"
            );
        }
        let uniform = router(json!({"model_list": [
            {"model_name": "g", "litellm_params": {"model": "openai/a"}},
            {"model_name": "g", "litellm_params": {"model": "openai/b"}},
        ]}));
        let picks: Vec<usize> = (0..200).filter_map(|_| uniform.pick(&[0, 1])).collect();
        assert!(picks.contains(&0) && picks.contains(&1));
    }

    #[test]
    fn tiers_put_unordered_deployments_last() {
        let r = router(json!({"model_list": [
            {"model_name": "g", "litellm_params": {"model": "openai/a"}},
            {"model_name": "g", "litellm_params": {"model": "openai/b", "order": 2}},
            {"model_name": "g", "litellm_params": {"model": "openai/c", "order": 1}},
        ]}));
        assert_eq!(r.tiers(&[0, 1, 2]), vec![vec![2], vec![1], vec![0]]);
    }

    #[test]
    fn resolution_order_is_exact_alias_wildcard() {
        let r = router(json!({
            "model_list": [
                {"model_name": "gpt-4o", "litellm_params": {"model": "openai/gpt-4o"}},
                {"model_name": "my/*", "litellm_params": {"model": "openai/*"}},
            ],
            "router_settings": {"model_group_alias": {"fast": "gpt-4o", "hidden": {"model": "gpt-4o", "hidden": true}}},
        }));
        assert_eq!(
            r.resolve("gpt-4o").map(|g| g.group),
            Some("gpt-4o".to_string())
        );
        assert_eq!(
            r.resolve("fast").map(|g| g.group),
            Some("gpt-4o".to_string())
        );
        assert_eq!(
            r.resolve("my/o3").and_then(|g| g.captures),
            Some(vec!["o3".to_string()])
        );
        assert!(r.resolve("other").is_none());
        assert_eq!(
            r.listed_models(false),
            vec!["gpt-4o".to_string(), "fast".to_string()]
        );
    }

    #[test]
    fn default_mode_cools_on_401_but_not_on_a_single_deployment_429() {
        let r = router(json!({"model_list": [
            {"model_name": "solo", "litellm_params": {"model": "openai/a"}},
        ]}));
        let rate_limited = ProxyError::new(429, ErrorKind::RateLimit, "slow down");
        assert!(!r.record_failure(0, 1, &rate_limited, false));
        let unauthorized = ProxyError::new(401, ErrorKind::Authentication, "bad key");
        assert!(r.record_failure(0, 1, &unauthorized, false));
        assert!(r.is_cooling(0));
    }
}
