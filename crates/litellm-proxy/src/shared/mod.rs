//! State that replicas of the proxy share: deployment cooldowns, deployment usage (rpm/tpm for
//! `usage-based-routing`) and virtual keys' rate-limit windows and parallel-request counts.
//!
//! Two implementations of one small trait, [`SharedState`]:
//! - [`Local`]: nothing is shared; the router and the keys decide on the counts they keep in this
//!   process (LiteLLM without Redis);
//! - [`redis_shared::RedisShared`]: the counts live in Redis too, as LiteLLM's `DualCache` keeps them
//!   (an in-memory cache in front of Redis). See that module for what each operation costs a
//!   request and how consistent it is.
//!
//! Whatever the implementation, the in-process counts stay up to date: when Redis cannot be
//! reached the proxy keeps serving on them.

pub mod redis_shared;

use super::server::AppState;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Weak};
use std::time::Duration;

pub type SharedFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A key's limits, as its record sets them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KeyLimits {
    pub rpm: Option<i64>,
    pub tpm: Option<i64>,
    pub max_parallel: Option<i64>,
}

impl KeyLimits {
    pub fn any(&self) -> bool {
        self.rpm.is_some() || self.tpm.is_some() || self.max_parallel.is_some()
    }
}

/// What the shared counters decided for one request of a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyVerdict {
    /// Counted in the window (and, with `max_parallel_requests`, holding a place).
    Admitted,
    /// Over a limit: `kind` is LiteLLM's limit type (`max_parallel_requests`, `requests`,
    /// `tokens`); the window ends at `resets_ms` (milliseconds since the epoch, by Redis's clock,
    /// which `now_ms` also reads).
    Refused {
        kind: &'static str,
        limit: i64,
        resets_ms: i64,
        now_ms: i64,
    },
}

/// Shared cooldowns, usage and key limits.
pub trait SharedState: Send + Sync {
    /// Where the state is shared, for the start-up line, readiness and logs (never a password);
    /// `None` when nothing is shared.
    fn describe(&self) -> Option<String>;
    /// Whether the shared store answers now (always `true` for [`Local`]).
    fn is_up(&self) -> bool;
    /// Why it does not, while it does not.
    fn last_error(&self) -> Option<String>;
    /// This process cooled a deployment down: tell the other replicas (without waiting).
    fn cooled(&self, deployment_id: &str, cooldown: Duration, status: u16);
    /// Counts one request of the key `hash` against `limits` in the shared window. `None`: not
    /// shared now (no store, or it cannot be reached); the caller decides on its own counts.
    fn admit_key<'a>(
        &'a self,
        hash: &'a str,
        limits: KeyLimits,
    ) -> SharedFuture<'a, Option<KeyVerdict>>;
    /// A request admitted by [`SharedState::admit_key`] with a `max_parallel_requests` limit is
    /// over: give its place back (without waiting).
    fn release_key(&self, hash: &str);
    /// A request admitted by [`SharedState::admit_key`] used `tokens` (without waiting).
    fn add_key_tokens(&self, hash: &str, tokens: u64);
    /// Starts what keeps this process's view in step with the others (cooldowns other replicas
    /// set, their deployment usage), for as long as `state` lives.
    fn start_sync(&self, state: Weak<AppState>);
    /// Stops it.
    fn close(&self);
}

/// Nothing shared: every count stays in this process.
pub struct Local;

impl SharedState for Local {
    fn describe(&self) -> Option<String> {
        None
    }

    fn is_up(&self) -> bool {
        true
    }

    fn last_error(&self) -> Option<String> {
        None
    }

    fn cooled(&self, _deployment_id: &str, _cooldown: Duration, _status: u16) {}

    fn admit_key<'a>(
        &'a self,
        _hash: &'a str,
        _limits: KeyLimits,
    ) -> SharedFuture<'a, Option<KeyVerdict>> {
        Box::pin(std::future::ready(None))
    }

    fn release_key(&self, _hash: &str) {}

    fn add_key_tokens(&self, _hash: &str, _tokens: u64) {}

    fn start_sync(&self, _state: Weak<AppState>) {}

    fn close(&self) {}
}

/// The shared state a config asks for: Redis when it names one, else [`Local`]. Fails only
/// when the Redis settings cannot be used at all (TLS, which this build lacks); an unreachable
/// Redis is logged and the proxy starts on local state.
pub async fn open(
    config: Option<&crate::config::RedisConfig>,
) -> Result<Arc<dyn SharedState>, String> {
    match config {
        None => Ok(Arc::new(Local)),
        Some(config) => Ok(Arc::new(redis_shared::RedisShared::connect(config).await?)),
    }
}
