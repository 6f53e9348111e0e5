//! Shared state in Redis, through the `redis` crate's `ConnectionManager` (a multiplexed
//! connection that reconnects by itself): one per serving thread, so a request's command never
//! wakes another thread, and one on the start-up runtime for the sync.
//!
//! What each kind of state costs a request, and how consistent it is:
//! - **Key limits** (`rpm_limit`, `tpm_limit`, `max_parallel_requests`): a request of a key that
//!   has one makes one round trip, a Lua script that checks every limit and counts the request
//!   atomically (LiteLLM's v3 limiter does the same with its `BATCH_RATE_LIMITER_SCRIPT`), so the
//!   limits hold exactly across replicas. Its tokens and the end of its parallel place are written
//!   after the answer, without waiting. A key without limits, and the master key, never wait on
//!   Redis. Keys, as LiteLLM names them: `{api_key:<hash>}:window`, `:requests`, `:tokens`,
//!   `:max_parallel_requests`; windows are one minute (LiteLLM's `window_size`) by Redis's clock.
//!   A parallel count expires a minute after its last change, as LiteLLM's does, so a replica
//!   that dies with requests open does not hold the key's places for long.
//! - **Cooldowns**: a replica that cools a deployment down writes `deployment:<id>:cooldown`
//!   (LiteLLM's key, a JSON value, expiring with the cooldown) without waiting; every replica
//!   reads the cooldown keys of its deployments every [`SYNC_EVERY`], off the request path (LiteLLM
//!   reads them at most once a second per group, on the request path). A cooldown set elsewhere
//!   is seen within that time.
//! - **Deployment usage** (`usage-based-routing`): requests and tokens are counted in the process
//!   and added to `<id>:<model>:rpm:<HH-MM>` / `:tpm:<HH-MM>` (LiteLLM's keys, UTC minute) in one
//!   pipeline every [`SYNC_EVERY`], which answers the totals of every replica; routing reads those
//!   totals plus what this process counted since. As LiteLLM's `DualCache` batches its increments,
//!   a deployment's limit can be passed by what the replicas served within one sync.
//!
//! When Redis cannot be reached (at start or later) the proxy serves on its own counts, logs it
//! once and again when Redis is back, and `litellm_proxy_redis_up` and `/health/readiness` say so.
//! While it is down no request waits on it: only the sync probes it.

use super::{KeyLimits, KeyVerdict, SharedFuture, SharedState};
use crate::config::RedisConfig;
use crate::server::AppState;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{IntoConnectionInfo, RedisConnectionInfo, Script};
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::runtime::Handle;
use tokio::task::JoinHandle;

/// How often cooldowns and deployment usage are brought in step (and a down Redis is probed).
pub const SYNC_EVERY: Duration = Duration::from_millis(250);
/// A command that has not answered by then counts as failed (Redis is then treated as down).
const RESPONSE_TIMEOUT: Duration = Duration::from_millis(500);
const CONNECT_TIMEOUT: Duration = Duration::from_millis(500);
/// A key's rate-limit window, seconds (LiteLLM's `LITELLM_RATE_LIMIT_WINDOW_SIZE` default).
const WINDOW_SECS: i64 = 60;
/// How long deployment usage keys live (two minutes: the current one and some slack).
const USAGE_TTL_MS: i64 = 120_000;

/// Checks every limit of a key and counts the request when none is reached. KEYS: window,
/// requests, tokens, parallel. ARGV: window seconds, rpm, tpm, max parallel (-1: none), parallel
/// TTL seconds. The window key holds its start in whole seconds, as LiteLLM's v3 limiter writes
/// it. Returns `{refused (0/1), kind (1 parallel, 2 requests, 3 tokens), limit, window start ms,
/// now ms}`.
const ADMIT: &str = r"
local t = redis.call('TIME')
local now_s = tonumber(t[1])
local now = now_s * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
local rpm = tonumber(ARGV[2])
local tpm = tonumber(ARGV[3])
local par = tonumber(ARGV[4])
local start = tonumber(redis.call('GET', KEYS[1]) or '')
if (not start) or now_s - start >= window then
  start = now_s
  redis.call('SET', KEYS[1], tostring(start), 'EX', window)
  redis.call('DEL', KEYS[2], KEYS[3])
end
local left = (start + window) * 1000 - now
if left < 1 then left = 1 end
local requests = tonumber(redis.call('GET', KEYS[2]) or '0')
local tokens = tonumber(redis.call('GET', KEYS[3]) or '0')
local parallel = tonumber(redis.call('GET', KEYS[4]) or '0')
if par >= 0 and parallel >= par then return {1, 1, par, start * 1000, now} end
if rpm >= 0 and requests >= rpm then return {1, 2, rpm, start * 1000, now} end
if tpm >= 0 and tokens >= tpm then return {1, 3, tpm, start * 1000, now} end
redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], left)
if par >= 0 then
  redis.call('INCR', KEYS[4])
  redis.call('EXPIRE', KEYS[4], tonumber(ARGV[5]))
end
return {0, 0, 0, start * 1000, now}
";

/// Adds ARGV[1] tokens to the window's count while the window (KEYS[1]) lasts (a float, as
/// LiteLLM's `TOKEN_INCREMENT_SCRIPT` counts them).
const ADD_TOKENS: &str = r"
local left = redis.call('PTTL', KEYS[1])
if left > 0 then
  redis.call('INCRBYFLOAT', KEYS[2], ARGV[1])
  redis.call('PEXPIRE', KEYS[2], left)
end
return left
";

/// Gives a parallel place back; the count never goes below zero.
const RELEASE: &str = r"
local n = redis.call('DECR', KEYS[1])
if n <= 0 then redis.call('DEL', KEYS[1]) end
return n
";

struct Inner {
    /// Tells this instance's connections apart in [`CONNECTIONS`].
    id: u64,
    described: String,
    client: redis::Client,
    manager_config: ConnectionManagerConfig,
    /// Scrubbed from every error text before it is kept or logged.
    password: Option<String>,
    /// The connection of the runtime the proxy was started on: the sync's, and any command
    /// issued outside a runtime.
    connection: ConnectionManager,
    home: Handle,
    up: AtomicBool,
    /// Counts Redis coming back: the serving threads' connections older than that are made
    /// anew (one that broke while Redis was away would fail its next command).
    generation: std::sync::atomic::AtomicU64,
    error: Mutex<Option<String>>,
    admit: Script,
    add_tokens: Script,
    release: Script,
    tasks: Mutex<Vec<JoinHandle<()>>>,
}

pub struct RedisShared(Arc<Inner>);

thread_local! {
    /// One connection per serving thread (each a runtime of its own), made on first use: a
    /// request's command goes out and comes back on the thread that serves it, without waking
    /// another thread. Keyed by [`Inner::id`] (a process may run several proxies, as tests do).
    static CONNECTIONS: std::cell::RefCell<Vec<(u64, u64, ConnectionManager)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl RedisShared {
    /// Makes the connection manager and tries Redis once; an unreachable Redis is logged and
    /// probed again by the sync.
    pub async fn connect(config: &RedisConfig) -> Result<Self, String> {
        let described = config.describe();
        let tls = config.tls
            || config
                .url
                .as_ref()
                .is_some_and(|u| u.expose().trim_start().starts_with("rediss"));
        if tls {
            return Err(format!(
                "Redis over TLS ({described}, rediss:// or REDIS_SSL=true) is not supported by litellm-proxy"
            ));
        }
        let info = match &config.url {
            Some(url) => url.expose().into_connection_info(),
            None => {
                let mut settings = RedisConnectionInfo::default().set_db(config.db);
                if let Some(user) = &config.username {
                    settings = settings.set_username(user);
                }
                if let Some(password) = &config.password {
                    settings = settings.set_password(password.expose());
                }
                redis::ConnectionAddr::Tcp(config.host.clone(), config.port)
                    .into_connection_info()
                    .map(|info| info.set_redis_settings(settings))
            }
        }
        .map_err(|e| format!("the Redis settings ({described}) cannot be used: {e}"))?;
        let password = info
            .redis_settings()
            .password()
            .filter(|p| !p.is_empty())
            .map(str::to_string);
        let client = redis::Client::open(info)
            .map_err(|e| format!("the Redis settings ({described}) cannot be used: {e}"))?;
        let manager_config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(CONNECT_TIMEOUT))
            .set_response_timeout(Some(RESPONSE_TIMEOUT))
            .set_number_of_retries(1);
        let connection =
            ConnectionManager::new_lazy_with_config(client.clone(), manager_config.clone())
                .map_err(|e| format!("cannot set up the Redis connection ({described}): {e}"))?;
        let inner = Arc::new(Inner {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            client,
            manager_config,
            described,
            password,
            connection,
            home: Handle::current(),
            up: AtomicBool::new(false),
            generation: std::sync::atomic::AtomicU64::new(0),
            error: Mutex::new(None),
            admit: Script::new(ADMIT),
            add_tokens: Script::new(ADD_TOKENS),
            release: Script::new(RELEASE),
            tasks: Mutex::new(Vec::new()),
        });
        let mut connection = inner.connection.clone();
        let ping = redis::cmd("PING")
            .query_async::<String>(&mut connection)
            .await;
        match ping {
            Ok(_) => inner.up.store(true, Ordering::Relaxed),
            Err(e) => {
                let reason = inner.scrub(&e.to_string());
                eprintln!(
                    "litellm-proxy: Redis at {} is not reachable ({reason}); serving on this process's own cooldowns, usage and key limits until it is",
                    inner.described
                );
                *lock(&inner.error) = Some(reason);
            }
        }
        Ok(RedisShared(inner))
    }
}

impl Inner {
    fn scrub(&self, text: &str) -> String {
        match &self.password {
            Some(password) => text.replace(password.as_str(), "***"),
            None => text.to_string(),
        }
    }

    /// Notes the outcome of a command: logs the change when Redis goes down or comes back.
    fn outcome<T>(&self, result: &redis::RedisResult<T>) {
        match result {
            Ok(_) => {
                if !self.up.swap(true, Ordering::Relaxed) {
                    self.generation.fetch_add(1, Ordering::Relaxed);
                    *lock(&self.error) = None;
                    eprintln!(
                        "litellm-proxy: Redis at {} is reachable: cooldowns, usage and key limits are shared again",
                        self.described
                    );
                }
            }
            Err(e) => {
                let reason = self.scrub(&e.to_string());
                if self.up.swap(false, Ordering::Relaxed) {
                    eprintln!(
                        "litellm-proxy: Redis at {} is unreachable ({reason}); serving on this process's own cooldowns, usage and key limits until it is back",
                        self.described
                    );
                }
                *lock(&self.error) = Some(reason);
            }
        }
    }

    /// This thread's connection (inside a runtime), else the start-up runtime's.
    fn thread_connection(&self) -> ConnectionManager {
        if Handle::try_current().is_err() {
            return self.connection.clone();
        }
        let generation = self.generation.load(Ordering::Relaxed);
        CONNECTIONS.with(|cell| {
            let mut connections = cell.borrow_mut();
            let mine = connections.iter().position(|(id, _, _)| *id == self.id);
            if let Some((_, made, connection)) = mine.and_then(|at| connections.get(at)) {
                if *made == generation {
                    return connection.clone();
                }
            }
            match ConnectionManager::new_lazy_with_config(
                self.client.clone(),
                self.manager_config.clone(),
            ) {
                Ok(connection) => {
                    let entry = (self.id, generation, connection.clone());
                    match mine.and_then(|at| connections.get_mut(at)) {
                        Some(slot) => *slot = entry,
                        None => connections.push(entry),
                    }
                    connection
                }
                Err(_) => self.connection.clone(),
            }
        })
    }

    /// Runs `work` (given this thread's connection) without waiting for it: on this thread's
    /// runtime, or the start-up one outside a runtime (a permit dropped during shutdown).
    fn detach<F, W>(self: &Arc<Self>, work: W)
    where
        W: FnOnce(ConnectionManager) -> F,
        F: Future<Output = ()> + Send + 'static,
    {
        if !self.up.load(Ordering::Relaxed) {
            return;
        }
        let connection = self.thread_connection();
        match Handle::try_current() {
            Ok(here) => {
                here.spawn(work(connection));
            }
            Err(_) => {
                self.home.spawn(work(connection));
            }
        }
    }
}

fn cooldown_key(id: &str) -> String {
    format!("deployment:{id}:cooldown")
}

fn limit_key(hash: &str, what: &str) -> String {
    format!("{{api_key:{hash}}}:{what}")
}

/// `HH-MM` of a minute since the epoch, UTC (LiteLLM's `current_minute`).
fn minute_label(minute: u64) -> String {
    format!("{:02}-{:02}", (minute / 60) % 24, minute % 60)
}

fn now_secs() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

impl SharedState for RedisShared {
    fn describe(&self) -> Option<String> {
        Some(self.0.described.clone())
    }

    fn is_up(&self) -> bool {
        self.0.up.load(Ordering::Relaxed)
    }

    fn last_error(&self) -> Option<String> {
        lock(&self.0.error).clone()
    }

    fn cooled(&self, deployment_id: &str, cooldown: Duration, status: u16) {
        let inner = self.0.clone();
        let key = cooldown_key(deployment_id);
        let value = serde_json::json!({
            "exception_received": format!("status {status}"),
            "status_code": status.to_string(),
            "timestamp": now_secs(),
            "cooldown_time": cooldown.as_secs_f64(),
        })
        .to_string();
        let ms = (cooldown.as_millis() as u64).max(1);
        self.0.detach(move |mut connection| async move {
            let result = redis::cmd("SET")
                .arg(&key)
                .arg(value)
                .arg("PX")
                .arg(ms)
                .query_async::<()>(&mut connection)
                .await;
            inner.outcome(&result);
        });
    }

    fn admit_key<'a>(
        &'a self,
        hash: &'a str,
        limits: KeyLimits,
    ) -> SharedFuture<'a, Option<KeyVerdict>> {
        if !self.is_up() || !limits.any() {
            return Box::pin(std::future::ready(None));
        }
        let inner = self.0.clone();
        let keys = [
            limit_key(hash, "window"),
            limit_key(hash, "requests"),
            limit_key(hash, "tokens"),
            limit_key(hash, "max_parallel_requests"),
        ];
        let mut connection = self.0.thread_connection();
        Box::pin(async move {
            let mut invocation = inner.admit.prepare_invoke();
            for key in &keys {
                invocation.key(key);
            }
            invocation
                .arg(WINDOW_SECS)
                .arg(limits.rpm.unwrap_or(-1))
                .arg(limits.tpm.unwrap_or(-1))
                .arg(limits.max_parallel.unwrap_or(-1))
                .arg(WINDOW_SECS);
            let result = invocation.invoke_async::<Vec<i64>>(&mut connection).await;
            inner.outcome(&result);
            let answer = result.ok()?;
            let [refused, kind, limit, start, now] = answer[..] else {
                return None;
            };
            if refused == 0 {
                return Some(KeyVerdict::Admitted);
            }
            let kind = match kind {
                1 => "max_parallel_requests",
                2 => "requests",
                _ => "tokens",
            };
            Some(KeyVerdict::Refused {
                kind,
                limit,
                resets_ms: start + WINDOW_SECS * 1000,
                now_ms: now,
            })
        })
    }

    fn release_key(&self, hash: &str) {
        let inner = self.0.clone();
        let key = limit_key(hash, "max_parallel_requests");
        self.0.detach(move |mut connection| async move {
            let result = inner
                .release
                .key(key)
                .invoke_async::<i64>(&mut connection)
                .await;
            inner.outcome(&result);
        });
    }

    fn add_key_tokens(&self, hash: &str, tokens: u64) {
        if tokens == 0 {
            return;
        }
        let inner = self.0.clone();
        let (window, counter) = (limit_key(hash, "window"), limit_key(hash, "tokens"));
        self.0.detach(move |mut connection| async move {
            let result = inner
                .add_tokens
                .key(window)
                .key(counter)
                .arg(tokens)
                .invoke_async::<i64>(&mut connection)
                .await;
            inner.outcome(&result);
        });
    }

    fn start_sync(&self, state: Weak<AppState>) {
        let inner = self.0.clone();
        let task = self.0.home.spawn(sync_loop(inner, state));
        lock(&self.0.tasks).push(task);
    }

    fn close(&self) {
        for task in lock(&self.0.tasks).drain(..) {
            task.abort();
        }
    }
}

/// Every [`SYNC_EVERY`]: reads the cooldowns other replicas set and exchanges deployment usage;
/// with nothing to exchange, a `PING` (so a Redis that is back is noticed).
async fn sync_loop(inner: Arc<Inner>, state: Weak<AppState>) {
    let mut ticker = tokio::time::interval(SYNC_EVERY);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        let Some(state) = state.upgrade() else {
            return;
        };
        sync_once(&inner, &state).await;
    }
}

async fn sync_once(inner: &Inner, state: &AppState) {
    let router = &state.dispatcher.router;
    let mut pipe = redis::pipe();
    let cooling = router.cooldown_candidates();
    for index in &cooling {
        if let Some(d) = router.deployments.get(*index) {
            pipe.cmd("PTTL").arg(cooldown_key(&d.config.id));
        }
    }
    let mut usage = Vec::new();
    if router.shares_usage() {
        for (index, d) in router.deployments.iter().enumerate() {
            let Some(delta) = router.take_usage(index) else {
                continue;
            };
            let label = minute_label(delta.minute);
            let (id, model) = (&d.config.id, &d.config.model);
            let rpm = format!("{id}:{model}:rpm:{label}");
            let tpm = format!("{id}:{model}:tpm:{label}");
            pipe.cmd("INCRBY").arg(&rpm).arg(delta.requests);
            pipe.cmd("PEXPIRE").arg(&rpm).arg(USAGE_TTL_MS).ignore();
            pipe.cmd("INCRBY").arg(&tpm).arg(delta.tokens);
            pipe.cmd("PEXPIRE").arg(&tpm).arg(USAGE_TTL_MS).ignore();
            usage.push((index, delta));
        }
    }
    let mut connection = inner.connection.clone();
    if cooling.is_empty() && usage.is_empty() {
        let result = redis::cmd("PING")
            .query_async::<String>(&mut connection)
            .await;
        inner.outcome(&result);
        return;
    }
    let result = pipe.query_async::<Vec<i64>>(&mut connection).await;
    inner.outcome(&result);
    let Ok(values) = result else {
        for (index, delta) in usage {
            router.restore_usage(index, delta);
        }
        return;
    };
    let (ttls, totals) = values.split_at(cooling.len().min(values.len()));
    for (index, ttl) in cooling.iter().zip(ttls) {
        if *ttl > 0 {
            router.apply_shared_cooldown(*index, Duration::from_millis(*ttl as u64));
        }
    }
    for ((index, delta), pair) in usage.iter().zip(totals.chunks(2)) {
        if let [requests, tokens] = pair {
            router.set_shared_usage(
                *index,
                delta.minute,
                (*requests).max(0) as u64,
                (*tokens).max(0) as u64,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_named_as_litellm_names_them() {
        assert_eq!(cooldown_key("abc"), "deployment:abc:cooldown");
        assert_eq!(limit_key("h", "requests"), "{api_key:h}:requests");
        assert_eq!(minute_label(0), "00-00");
        assert_eq!(minute_label(24 * 60 + 61), "01-01");
    }

    fn settings(port: u16) -> RedisConfig {
        RedisConfig {
            url: None,
            host: "127.0.0.1".into(),
            port,
            db: 0,
            username: None,
            password: Some(crate::config::Secret::new("pw-never-shown")),
            tls: false,
        }
    }

    #[tokio::test]
    async fn an_unreachable_redis_starts_down_and_decides_nothing() {
        // A port nothing listens on: bound, then released.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .unwrap_or(1);
        let shared = match RedisShared::connect(&settings(port)).await {
            Ok(shared) => shared,
            Err(e) => panic!("an unreachable Redis is not a start-up error: {e}"),
        };
        assert!(!shared.is_up());
        assert!(shared.last_error().is_some());
        assert!(!shared
            .last_error()
            .unwrap_or_default()
            .contains("pw-never-shown"));
        let limits = KeyLimits {
            rpm: Some(1),
            ..KeyLimits::default()
        };
        assert_eq!(shared.admit_key("h", limits).await, None, "local decides");
    }

    #[tokio::test]
    async fn tls_is_refused_with_a_reason() {
        let mut config = settings(6379);
        config.tls = true;
        let refused = RedisShared::connect(&config)
            .await
            .err()
            .unwrap_or_default();
        assert!(refused.contains("TLS"), "{refused}");
        assert!(!refused.contains("pw-never-shown"));
    }
}
