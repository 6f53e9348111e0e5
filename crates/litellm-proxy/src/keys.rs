//! Virtual keys: LiteLLM's `/key/*` management shapes, stored hashed in the store's
//! `LiteLLM_VerificationToken` table, and their checks in the auth stage.
//!
//! Mirrors LiteLLM's `proxy/management_endpoints/key_management_endpoints.py` (`generate_key_fn`,
//! `info_key_fn`, `update_key_fn`, `delete_key_fn`, `list_keys`), `proxy/auth/user_api_key_auth.py`
//! and `auth_checks.py` (`can_key_call_model`, expiry, budget), and the v3 parallel request
//! limiter (`proxy/hooks/parallel_request_limiter_v3.py`: `rpm_limit`, `tpm_limit` and
//! `max_parallel_requests` per key in one-minute windows, 429 with `Retry-After`):
//! - a key is `sk-` and 22 url-safe random characters (`secrets.token_urlsafe(16)`), stored only as
//!   the hex SHA-256 of the whole key (`hash_token`), the same hash the spend rows' `api_key` holds;
//! - the master key alone may call the management routes;
//! - a virtual key is looked up in an in-memory cache and read again from the store once its
//!   entry is older than `general_settings.user_api_key_cache_ttl` (LiteLLM's 60 s by default),
//!   so a key made, changed or deleted on another replica is seen within that time; a key not in
//!   the cache is read from the store at once;
//! - spend is added to the key's row in the same transaction as its spend row, and to the cached
//!   key at once; on a re-read the larger of the two counts (another replica's spend shows once
//!   it is written and the entry is re-read);
//! - `budget_duration` resets the key's spend when `budget_reset_at` has passed (LiteLLM's reset
//!   job runs every few minutes; here the first request after it resets);
//! - with Redis configured, a key's limits are counted there, across replicas
//!   ([`crate::shared`]); without it, or while it cannot be reached, in this process.

use super::auth;
use super::error::{ErrorKind, ProxyError};
use super::pricing::python_float;
use super::shared::{KeyLimits, KeyVerdict, SharedState};
use super::store::{Store, StoreError};
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// LiteLLM's default `user_api_key_cache_ttl`.
pub const DEFAULT_CACHE_TTL: Duration = Duration::from_secs(60);
/// A rate-limit window (LiteLLM's v3 limiter counts per minute).
const WINDOW_MS: i64 = 60_000;
/// Keys per `/key/list` page at most (LiteLLM caps `size` at 100).
const MAX_PAGE: usize = 100;

/// A key as stored: the columns of LiteLLM's `LiteLLM_VerificationToken` this proxy uses.
/// Times are milliseconds since the epoch.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KeyRecord {
    /// The hex SHA-256 of the key; the key itself is never stored.
    pub token: String,
    /// `sk-...abcd`: the key abbreviated, as LiteLLM shows it.
    pub key_name: String,
    pub key_alias: Option<String>,
    pub spend: f64,
    pub max_budget: Option<f64>,
    pub budget_duration: Option<String>,
    pub budget_reset_at: Option<i64>,
    pub expires: Option<i64>,
    /// Empty: every model.
    pub models: Vec<String>,
    pub user_id: Option<String>,
    pub team_id: Option<String>,
    pub max_parallel_requests: Option<i64>,
    pub tpm_limit: Option<i64>,
    pub rpm_limit: Option<i64>,
    /// A JSON object.
    pub metadata: Value,
    pub blocked: Option<bool>,
    pub created_at: i64,
    pub updated_at: i64,
    pub created_by: Option<String>,
    pub updated_by: Option<String>,
}

impl KeyRecord {
    /// LiteLLM's key object (`/key/info`'s `info`, `/key/list` with `return_full_object`).
    pub fn to_json(&self) -> Value {
        json!({
            "token": self.token,
            "key_name": self.key_name,
            "key_alias": self.key_alias,
            "spend": self.spend,
            "max_budget": self.max_budget,
            "budget_duration": self.budget_duration,
            "budget_reset_at": self.budget_reset_at.map(iso),
            "expires": self.expires.map(iso),
            "models": self.models,
            "aliases": {},
            "config": {},
            "user_id": self.user_id,
            "team_id": self.team_id,
            "permissions": {},
            "max_parallel_requests": self.max_parallel_requests,
            "metadata": self.metadata,
            "blocked": self.blocked,
            "tpm_limit": self.tpm_limit,
            "rpm_limit": self.rpm_limit,
            "allowed_cache_controls": [],
            "model_spend": {},
            "model_max_budget": {},
            "soft_budget_cooldown": false,
            "created_at": iso(self.created_at),
            "updated_at": iso(self.updated_at),
            "created_by": self.created_by,
            "updated_by": self.updated_by,
        })
    }
}

/// What a `/key/generate` or `/key/update` body sets; `None` leaves a field as it is. An
/// explicit `null` clears a field (`Some(None)`).
#[derive(Debug, Clone, Default)]
pub struct KeyFields {
    pub key: Option<String>,
    pub key_alias: Option<Option<String>>,
    pub duration: Option<Option<String>>,
    pub models: Option<Vec<String>>,
    pub spend: Option<f64>,
    pub max_budget: Option<Option<f64>>,
    pub budget_duration: Option<Option<String>>,
    pub user_id: Option<Option<String>>,
    pub team_id: Option<Option<String>>,
    pub max_parallel_requests: Option<Option<i64>>,
    pub tpm_limit: Option<Option<i64>>,
    pub rpm_limit: Option<Option<i64>>,
    pub metadata: Option<Value>,
    pub blocked: Option<Option<bool>>,
}

/// A 422 as LiteLLM's request models (pydantic) answer a field of the wrong type.
fn invalid(field: &str, expected: &str) -> ProxyError {
    ProxyError::new(
        422,
        ErrorKind::UnprocessableEntity,
        format!("{field}: Input should be {expected}"),
    )
    .with_type("invalid_request_error")
    .with_param(field)
}

fn optional<T>(
    body: &Map<String, Value>,
    field: &str,
    expected: &str,
    read: impl Fn(&Value) -> Option<T>,
) -> Result<Option<Option<T>>, ProxyError> {
    match body.get(field) {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(None)),
        Some(value) => read(value)
            .map(|v| Some(Some(v)))
            .ok_or_else(|| invalid(field, expected)),
    }
}

fn string(value: &Value) -> Option<String> {
    value.as_str().map(str::to_string)
}

fn whole(value: &Value) -> Option<i64> {
    value.as_i64().or_else(|| {
        value
            .as_f64()
            .filter(|f| f.fract() == 0.0)
            .map(|f| f as i64)
    })
}

fn number(value: &Value) -> Option<f64> {
    value.as_f64().filter(|f| f.is_finite())
}

impl KeyFields {
    /// Reads a request body; unknown fields are ignored, as LiteLLM's request models do.
    pub fn parse(body: &Map<String, Value>) -> Result<Self, ProxyError> {
        let models = match body.get("models") {
            None | Some(Value::Null) => None,
            Some(Value::Array(items)) => Some(
                items
                    .iter()
                    .map(|m| m.as_str().map(str::to_string))
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| invalid("models", "a valid list of strings"))?,
            ),
            Some(_) => return Err(invalid("models", "a valid list")),
        };
        let metadata = match body.get("metadata") {
            None | Some(Value::Null) => None,
            Some(Value::Object(map)) => Some(Value::Object(map.clone())),
            Some(_) => return Err(invalid("metadata", "a valid dictionary")),
        };
        let key = match body.get("key") {
            None | Some(Value::Null) => None,
            Some(Value::String(key)) => Some(key.clone()),
            Some(_) => return Err(invalid("key", "a valid string")),
        };
        let spend = optional(body, "spend", "a valid number", number)?.flatten();
        let fields = KeyFields {
            key,
            key_alias: optional(body, "key_alias", "a valid string", string)?,
            duration: optional(body, "duration", "a valid string", string)?,
            models,
            spend,
            max_budget: optional(body, "max_budget", "a valid number", number)?,
            budget_duration: optional(body, "budget_duration", "a valid string", string)?,
            user_id: optional(body, "user_id", "a valid string", string)?,
            team_id: optional(body, "team_id", "a valid string", string)?,
            max_parallel_requests: optional(
                body,
                "max_parallel_requests",
                "a valid integer",
                whole,
            )?,
            tpm_limit: optional(body, "tpm_limit", "a valid integer", whole)?,
            rpm_limit: optional(body, "rpm_limit", "a valid integer", whole)?,
            metadata,
            blocked: optional(body, "blocked", "a valid boolean", Value::as_bool)?,
        };
        for (field, duration) in [
            ("duration", &fields.duration),
            ("budget_duration", &fields.budget_duration),
        ] {
            if let Some(Some(text)) = duration {
                duration_ms(text, 0).ok_or_else(|| {
                    ProxyError::bad_request(format!(
                        "Unsupported duration unit, passed duration: {text}"
                    ))
                    .with_param(field)
                })?;
            }
        }
        Ok(fields)
    }

    /// Applies the fields to `record` at `now` (durations count from now).
    fn apply(&self, record: &mut KeyRecord, now: i64) {
        if let Some(alias) = &self.key_alias {
            record.key_alias = alias.clone();
        }
        if let Some(duration) = &self.duration {
            record.expires = duration.as_deref().and_then(|d| duration_ms(d, now));
        }
        if let Some(models) = &self.models {
            record.models = models.clone();
        }
        if let Some(spend) = self.spend {
            record.spend = spend;
        }
        if let Some(budget) = self.max_budget {
            record.max_budget = budget;
        }
        if let Some(duration) = &self.budget_duration {
            record.budget_duration = duration.clone();
            record.budget_reset_at = duration.as_deref().and_then(|d| duration_ms(d, now));
        }
        if let Some(user) = &self.user_id {
            record.user_id = user.clone();
        }
        if let Some(team) = &self.team_id {
            record.team_id = team.clone();
        }
        if let Some(n) = self.max_parallel_requests {
            record.max_parallel_requests = n;
        }
        if let Some(n) = self.tpm_limit {
            record.tpm_limit = n;
        }
        if let Some(n) = self.rpm_limit {
            record.rpm_limit = n;
        }
        if let Some(metadata) = &self.metadata {
            record.metadata = metadata.clone();
        }
        if let Some(blocked) = self.blocked {
            record.blocked = blocked;
        }
    }
}

/// `now_ms + duration` for LiteLLM's durations (`duration_in_seconds`: `30s`, `30m`, `30h`, `30d`,
/// `2w`, `1mo` as calendar months); `None` for anything else.
pub fn duration_ms(text: &str, now_ms: i64) -> Option<i64> {
    let text = text.trim();
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    let value: i64 = text.get(..digits)?.parse().ok()?;
    let unit = text.get(digits..)?;
    let seconds = match unit {
        "s" => value,
        "m" => value.checked_mul(60)?,
        "h" => value.checked_mul(3600)?,
        "d" => value.checked_mul(86_400)?,
        "w" => value.checked_mul(604_800)?,
        "mo" => return add_months(now_ms, value),
        _ => return None,
    };
    now_ms.checked_add(seconds.checked_mul(1000)?)
}

fn add_months(now_ms: i64, months: i64) -> Option<i64> {
    let days = now_ms.div_euclid(86_400_000);
    let within = now_ms.rem_euclid(86_400_000);
    let (y, m, d) = super::store::sqlite::civil_from_days(days);
    let total = y.checked_mul(12)?.checked_add(m - 1)?.checked_add(months)?;
    let (y, m) = (total.div_euclid(12), total.rem_euclid(12) + 1);
    let last = super::store::sqlite::days_in_month(y, m);
    let day = super::store::sqlite::days_from_civil(y, m, d.min(last));
    day.checked_mul(86_400_000)?.checked_add(within)
}

/// Milliseconds since the epoch.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// `2026-12-02T11:22:33.123000+00:00`, as LiteLLM's datetimes serialize.
pub fn iso(ms: i64) -> String {
    let time = UNIX_EPOCH + Duration::from_millis(ms.max(0) as u64);
    let text = super::store::sqlite::iso_time(time);
    // `...T11:22:33.123Z` -> `...T11:22:33.123000+00:00`
    format!("{}000+00:00", text.trim_end_matches('Z'))
}

/// `2026-12-02 11:22:33` (UTC), as LiteLLM's limiter says when a window ends.
fn plain_time(ms: i64) -> String {
    let text = super::store::sqlite::iso_time(UNIX_EPOCH + Duration::from_millis(ms.max(0) as u64));
    text.get(..19).unwrap_or(&text).replace('T', " ")
}

/// A new key: `sk-` and 22 url-safe characters from 16 random bytes, as
/// `secrets.token_urlsafe(16)` gives.
pub fn new_key() -> Result<String, ProxyError> {
    use base64::Engine;
    use ring::rand::SecureRandom;
    let mut bytes = [0u8; 16];
    ring::rand::SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| ProxyError::internal("no randomness for a new key"))?;
    Ok(format!(
        "sk-{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    ))
}

/// `sk-...abcd`, as LiteLLM's `abbreviate_api_key` shows a key.
pub fn abbreviate(key: &str) -> String {
    let tail: String = {
        let chars: Vec<char> = key.chars().collect();
        chars[chars.len().saturating_sub(4)..].iter().collect()
    };
    format!("sk-...{tail}")
}

/// Who a request comes from, once the auth stage has accepted it.
#[derive(Clone)]
pub enum Caller {
    /// No master key is configured: everything is open (LiteLLM without a master key); the
    /// hash of the key presented, if any, for the spend rows.
    Open(Arc<str>),
    Master,
    Virtual(Arc<KeyState>),
}

impl Caller {
    pub fn key(&self) -> Option<&Arc<KeyState>> {
        match self {
            Caller::Virtual(key) => Some(key),
            _ => None,
        }
    }

    /// The spend rows' `api_key`: the hash of the key used (the master key's is computed once).
    pub fn key_hash(&self, master_hash: Option<&Arc<str>>) -> Arc<str> {
        match self {
            Caller::Open(hash) => hash.clone(),
            Caller::Master => master_hash.cloned().unwrap_or_else(|| Arc::from("")),
            Caller::Virtual(key) => key.hash.clone(),
        }
    }
}

/// Whether a key limited to `models` may call `requested`, as LiteLLM's `can_key_call_model`
/// decides: no models, `*` or `all-proxy-models` allow everything; otherwise the name itself, the
/// group a `model_group_alias` points it to, or a key entry with `*` matching it (`openai/*`).
pub fn allows(models: &[String], requested: &str, alias_target: Option<&str>) -> bool {
    if models.is_empty() || models.iter().any(|m| m == "*" || m == "all-proxy-models") {
        return true;
    }
    let matches = |name: &str| {
        models
            .iter()
            .any(|m| m == name || (m.contains('*') && glob(m, name)))
    };
    matches(requested) || alias_target.is_some_and(matches)
}

/// [`allows`] as the auth stage answers it: LiteLLM's 401 `key_model_access_denied` naming the
/// key's models. The routes that make no model call of their own (`/v1/messages/count_tokens`,
/// `GET`/`DELETE /v1/responses/{id}`) check this alone; the model endpoints through
/// [`Keys::admit`].
pub fn check_model_access(
    models: &[String],
    requested: &str,
    alias_target: Option<&str>,
) -> Result<(), ProxyError> {
    if allows(models, requested, alias_target) {
        return Ok(());
    }
    let listed: Vec<String> = models.iter().map(|m| format!("'{m}'")).collect();
    Err(ProxyError::new(
        401,
        ErrorKind::Authentication,
        format!(
            "key not allowed to access model. This key can only access models=[{}]. Tried to access {requested}",
            listed.join(", ")
        ),
    )
    .with_type("key_model_access_denied")
    .with_param("model"))
}

/// `*` matches any run of characters; everything else itself.
fn glob(pattern: &str, name: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = name.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    for (i, part) in parts.iter().enumerate() {
        if i + 1 == parts.len() {
            return rest.ends_with(part);
        }
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.is_empty()
}

/// A key's live state in this process.
pub struct KeyState {
    /// The key's hash: its row's `token` and the spend rows' `api_key`.
    pub hash: Arc<str>,
    live: Mutex<Live>,
}

struct Live {
    record: Arc<KeyRecord>,
    /// When the record was read from the store.
    fetched: Instant,
    /// The record's spend and what this process added since.
    spend: f64,
    window_start: i64,
    window_requests: i64,
    window_tokens: i64,
    parallel: i64,
    /// Deleted through this process: refused until re-read.
    deleted: bool,
}

impl KeyState {
    fn new(record: KeyRecord) -> Self {
        KeyState {
            hash: Arc::from(record.token.as_str()),
            live: Mutex::new(Live {
                spend: record.spend,
                record: Arc::new(record),
                fetched: Instant::now(),
                window_start: 0,
                window_requests: 0,
                window_tokens: 0,
                parallel: 0,
                deleted: false,
            }),
        }
    }

    fn live(&self) -> std::sync::MutexGuard<'_, Live> {
        self.live.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn record(&self) -> Arc<KeyRecord> {
        self.live().record.clone()
    }

    /// The key's spend as this process knows it.
    pub fn spend(&self) -> f64 {
        self.live().spend
    }

    /// A fresh read from the store; counters this process keeps survive it.
    fn refresh(&self, record: KeyRecord) {
        let mut live = self.live();
        live.spend = if record.budget_reset_at != live.record.budget_reset_at {
            record.spend
        } else {
            record.spend.max(live.spend)
        };
        live.record = Arc::new(record);
        live.fetched = Instant::now();
        live.deleted = false;
    }
}

/// Holds a request's place under the key's `max_parallel_requests` until the call is over, and
/// adds its tokens and cost to the key then.
pub struct KeyPermit {
    key: Arc<KeyState>,
    /// Set when the shared counters admitted the request: its place and tokens are theirs.
    shared: Option<SharedPermit>,
}

struct SharedPermit {
    state: Arc<dyn SharedState>,
    /// The request holds a shared parallel place.
    parallel: bool,
    /// The key has a `tpm_limit`: its tokens are counted there.
    tokens: bool,
}

impl KeyPermit {
    /// The call is over: count its tokens in the window and its cost in the key's spend.
    pub fn finish(self, tokens: u64, cost: f64) {
        {
            let mut live = self.key.live();
            live.window_tokens = live.window_tokens.saturating_add(tokens as i64);
            if cost.is_finite() && cost > 0.0 {
                live.spend += cost;
            }
        }
        if let Some(shared) = self.shared.as_ref().filter(|s| s.tokens) {
            shared.state.add_key_tokens(&self.key.hash, tokens);
        }
    }
}

impl Drop for KeyPermit {
    fn drop(&mut self) {
        match &self.shared {
            Some(shared) => {
                if shared.parallel {
                    shared.state.release_key(&self.key.hash);
                }
            }
            None => {
                let mut live = self.key.live();
                live.parallel = (live.parallel - 1).max(0);
            }
        }
    }
}

/// The keys this process has seen, over the store that keeps them.
pub struct Keys {
    store: Option<Arc<dyn Store>>,
    cache: Mutex<HashMap<Arc<str>, Arc<KeyState>>>,
    ttl: Duration,
    /// Where limits are counted across replicas ([`crate::shared::Local`]: nowhere).
    shared: Arc<dyn SharedState>,
}

/// LiteLLM's 429 for a key over one of its limits, with `Retry-After` until the window ends.
fn rate_limited(hash: &str, kind: &str, limit: i64, resets: i64, now: i64) -> ProxyError {
    let seconds = ((resets - now + 999) / 1000).max(1) as u64;
    let mut error = ProxyError::new(
        429,
        ErrorKind::RateLimit,
        format!(
            "Rate limit exceeded for api_key: {hash}. Limit type: {kind}. Current limit: {limit}, Remaining: 0. Limit resets at: {} UTC",
            plain_time(resets)
        ),
    )
    .with_type("throttling_error")
    .with_param("None");
    error.retry_after = Some(Duration::from_secs(seconds));
    error
}

/// LiteLLM's 401 for a key it cannot find.
fn not_found(key: &str, hash: &str) -> ProxyError {
    ProxyError::auth(format!(
        "Authentication Error, Invalid proxy server token passed. Received API Key = {}, Key Hash (Token) ={hash}. Unable to find token in cache or `LiteLLM_VerificationTokenTable`",
        auth::abbreviate(key),
    ))
    .with_type("token_not_found_in_db")
    .with_param("key")
}

fn store_error(e: StoreError) -> ProxyError {
    match e {
        StoreError::Conflict(message) => ProxyError::bad_request(message),
        StoreError::Failed(message) => ProxyError::internal(format!(
            "the key store cannot be read or written: {message}"
        )),
    }
}

fn no_store() -> ProxyError {
    ProxyError::bad_request(
        "No connected db. Set a database for the proxy to keep keys (it is off with --no-spend-db or disable_spend_logs).",
    )
}

impl Keys {
    pub fn new(store: Option<Arc<dyn Store>>, ttl: Duration) -> Self {
        Keys {
            store,
            cache: Mutex::new(HashMap::new()),
            ttl,
            shared: Arc::new(crate::shared::Local),
        }
    }

    /// Counts keys' limits through `shared`.
    pub fn with_shared(mut self, shared: Arc<dyn SharedState>) -> Self {
        self.shared = shared;
        self
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, HashMap<Arc<str>, Arc<KeyState>>> {
        self.cache.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The key's state: from the cache while fresh, else read from the store.
    /// The virtual key `key`, whose [`auth::hash_key`] is `hash`.
    pub async fn verify(&self, key: &str, hash: String) -> Result<Arc<KeyState>, ProxyError> {
        let cached = self.cache().get(hash.as_str()).cloned();
        let fresh = cached.as_ref().is_some_and(|state| {
            let live = state.live();
            !live.deleted && live.fetched.elapsed() < self.ttl
        });
        let state = match (cached, fresh) {
            (Some(state), true) => state,
            (cached, _) => {
                let Some(store) = &self.store else {
                    return Err(not_found(key, &hash));
                };
                match store.key(hash.clone()).await {
                    Ok(Some(record)) => match cached {
                        Some(state) => {
                            state.refresh(record);
                            state
                        }
                        None => {
                            let state = Arc::new(KeyState::new(record));
                            self.cache().insert(state.hash.clone(), state.clone());
                            state
                        }
                    },
                    Ok(None) => {
                        self.cache().remove(hash.as_str());
                        return Err(not_found(key, &hash));
                    }
                    // A store that cannot be read: a key seen before keeps working.
                    Err(_) if cached.is_some() => cached.ok_or_else(|| not_found(key, &hash))?,
                    Err(e) => return Err(store_error(e)),
                }
            }
        };
        let record = state.record();
        if state.live().deleted {
            return Err(not_found(key, &hash));
        }
        if record.blocked == Some(true) {
            return Err(ProxyError::auth(
                "Authentication Error, Key is blocked. Update via `/key/unblock` if you're an admin.",
            )
            .with_type("auth_error"));
        }
        if let Some(expires) = record.expires {
            let now = now_ms();
            if expires < now {
                return Err(ProxyError::auth(format!(
                    "Authentication Error - Expired Key. Key Expiry time {} and current time {}",
                    iso(expires).replace('T', " "),
                    iso(now).replace('T', " ")
                ))
                .with_type("expired_key")
                .with_param(&auth::abbreviate(key)));
            }
        }
        Ok(state)
    }

    /// The per-request checks once the model is known, in LiteLLM's order: model access, budget,
    /// then the key's limits. On success the request holds a parallel-request place.
    /// `alias_target`: the group a `model_group_alias` points `model` to. A key with limits is
    /// counted in the shared counters when there are some (one round trip to Redis), else here.
    pub async fn admit(
        &self,
        key: &Arc<KeyState>,
        model: &str,
        alias_target: Option<&str>,
    ) -> Result<KeyPermit, ProxyError> {
        let limits = self.check(key, model, alias_target)?;
        if limits.any() {
            match self.shared.admit_key(&key.hash, limits).await {
                Some(KeyVerdict::Admitted) => {
                    return Ok(KeyPermit {
                        key: key.clone(),
                        shared: Some(SharedPermit {
                            state: self.shared.clone(),
                            parallel: limits.max_parallel.is_some(),
                            tokens: limits.tpm.is_some(),
                        }),
                    })
                }
                Some(KeyVerdict::Refused {
                    kind,
                    limit,
                    resets_ms,
                    now_ms,
                }) => return Err(rate_limited(&key.hash, kind, limit, resets_ms, now_ms)),
                None => {}
            }
        }
        self.admit_here(key)
    }

    /// Model access and budget; the key's limits when they pass.
    fn check(
        &self,
        key: &Arc<KeyState>,
        model: &str,
        alias_target: Option<&str>,
    ) -> Result<KeyLimits, ProxyError> {
        let now = now_ms();
        let mut live = key.live();
        let record = live.record.clone();
        check_model_access(&record.models, model, alias_target)?;
        if let (Some(reset), Some(duration)) = (record.budget_reset_at, &record.budget_duration) {
            if reset <= now {
                let mut renewed = (*record).clone();
                renewed.spend = 0.0;
                renewed.budget_reset_at = duration_ms(duration, now);
                live.spend = 0.0;
                live.record = Arc::new(renewed.clone());
                if let Some(store) = self.store.clone() {
                    let hash = key.hash.clone();
                    let next = renewed.budget_reset_at;
                    tokio::spawn(async move {
                        let _ = store.reset_key_budget(hash, reset, next).await;
                    });
                }
            }
        }
        if let Some(max) = record.max_budget {
            if live.spend >= max {
                return Err(ProxyError::new(
                    400,
                    ErrorKind::BadRequest,
                    format!(
                        "Budget has been exceeded! Current cost: {}, Max budget: {}",
                        python_float(live.spend),
                        python_float(max)
                    ),
                )
                .with_type("budget_exceeded")
                .with_param("None"));
            }
        }
        Ok(KeyLimits {
            rpm: record.rpm_limit,
            tpm: record.tpm_limit,
            max_parallel: record.max_parallel_requests,
        })
    }

    /// The key's limits counted in this process (no shared counters, or none reachable).
    fn admit_here(&self, key: &Arc<KeyState>) -> Result<KeyPermit, ProxyError> {
        let now = now_ms();
        let mut live = key.live();
        let record = live.record.clone();
        if now >= live.window_start + WINDOW_MS {
            live.window_start = now;
            live.window_requests = 0;
            live.window_tokens = 0;
        }
        let limits = [
            (
                "max_parallel_requests",
                record.max_parallel_requests,
                live.parallel,
            ),
            ("requests", record.rpm_limit, live.window_requests),
            ("tokens", record.tpm_limit, live.window_tokens),
        ];
        for (kind, limit, used) in limits {
            let Some(limit) = limit else { continue };
            if used >= limit {
                let resets = live.window_start + WINDOW_MS;
                return Err(rate_limited(&key.hash, kind, limit, resets, now));
            }
        }
        live.window_requests += 1;
        live.parallel += 1;
        drop(live);
        Ok(KeyPermit {
            key: key.clone(),
            shared: None,
        })
    }

    fn store(&self) -> Result<&Arc<dyn Store>, ProxyError> {
        self.store.as_ref().ok_or_else(no_store)
    }

    /// `POST /key/generate`: the new key once, in LiteLLM's response shape.
    pub async fn generate(&self, body: &Map<String, Value>) -> Result<Value, ProxyError> {
        let store = self.store()?;
        let fields = KeyFields::parse(body)?;
        let key = match &fields.key {
            Some(key) if !key.starts_with("sk-") => {
                return Err(ProxyError::bad_request(format!(
                    "Invalid key format. LiteLLM Virtual Key must start with 'sk-'. Received: {}",
                    auth::abbreviate(key)
                ))
                .with_param("key"))
            }
            Some(key) => key.clone(),
            None => new_key()?,
        };
        let now = now_ms();
        let mut record = KeyRecord {
            token: auth::hash_key(&key),
            key_name: abbreviate(&key),
            metadata: Value::Object(Map::new()),
            created_at: now,
            updated_at: now,
            created_by: Some("default_user_id".into()),
            updated_by: Some("default_user_id".into()),
            ..KeyRecord::default()
        };
        fields.apply(&mut record, now);
        store
            .insert_key(record.clone())
            .await
            .map_err(store_error)?;
        let mut response = record.to_json();
        if let Value::Object(map) = &mut response {
            map.insert("key".into(), Value::String(key));
            map.insert("token_id".into(), Value::String(record.token.clone()));
            map.insert("duration".into(), json!(fields.duration.flatten()));
        }
        Ok(response)
    }

    /// The hash a management request names a key by: the key itself or its hash.
    fn hash_of(key: &str) -> String {
        if key.starts_with("sk-") {
            auth::hash_key(key)
        } else {
            key.to_string()
        }
    }

    /// `GET /key/info?key=...`.
    pub async fn info(&self, key: Option<&str>) -> Result<Value, ProxyError> {
        let store = self.store()?;
        let Some(key) = key else {
            return Err(ProxyError::bad_request("No key passed in.").with_param("key"));
        };
        let hash = Self::hash_of(key);
        match store.key(hash.clone()).await.map_err(store_error)? {
            Some(record) => Ok(json!({"key": key, "info": self.shown(record)})),
            None => Err(ProxyError::new(
                404,
                ErrorKind::NotFound,
                format!("Key not found in database. key={}", abbreviate(key)),
            )
            .with_type("not_found_error")
            .with_param("key")),
        }
    }

    /// A stored record with this process's view of its spend when that is newer.
    fn shown(&self, mut record: KeyRecord) -> Value {
        if let Some(state) = self.cache().get(record.token.as_str()) {
            record.spend = record.spend.max(state.spend());
        }
        record.to_json()
    }

    /// `POST /key/update`.
    pub async fn update(&self, body: &Map<String, Value>) -> Result<Value, ProxyError> {
        let store = self.store()?;
        let Some(key) = body.get("key").and_then(Value::as_str) else {
            return Err(invalid("key", "a valid string"));
        };
        let mut fields = KeyFields::parse(body)?;
        fields.key = None;
        let hash = Self::hash_of(key);
        let Some(mut record) = store.key(hash.clone()).await.map_err(store_error)? else {
            return Err(ProxyError::new(
                404,
                ErrorKind::NotFound,
                format!("Key not found: {}", abbreviate(key)),
            )
            .with_type("not_found_error")
            .with_param("key"));
        };
        let now = now_ms();
        fields.apply(&mut record, now);
        record.updated_at = now;
        store
            .update_key(record.clone(), fields.spend.is_some())
            .await
            .map_err(store_error)?;
        if let Some(state) = self.cache().get(hash.as_str()).cloned() {
            let mut live = state.live();
            if fields.spend.is_some() || live.record.budget_reset_at != record.budget_reset_at {
                live.spend = record.spend;
            }
            live.record = Arc::new(record.clone());
            live.fetched = Instant::now();
        }
        let mut response = record.to_json();
        if let Value::Object(map) = &mut response {
            map.insert("key".into(), Value::String(key.to_string()));
        }
        Ok(response)
    }

    /// `POST /key/delete` with `keys` (keys or hashes) and/or `key_aliases`.
    pub async fn delete(&self, body: &Map<String, Value>) -> Result<Value, ProxyError> {
        let store = self.store()?;
        let list = |field: &str| -> Result<Vec<String>, ProxyError> {
            match body.get(field) {
                None | Some(Value::Null) => Ok(Vec::new()),
                Some(Value::Array(items)) => items
                    .iter()
                    .map(|v| v.as_str().map(str::to_string))
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| invalid(field, "a valid list of strings")),
                Some(_) => Err(invalid(field, "a valid list")),
            }
        };
        let keys = list("keys")?;
        let aliases = list("key_aliases")?;
        if keys.is_empty() && aliases.is_empty() {
            return Err(ProxyError::bad_request(
                "Either keys or key_aliases must be provided",
            ));
        }
        let hashes: Vec<String> = keys.iter().map(|k| Self::hash_of(k)).collect();
        let deleted = store
            .delete_keys(hashes, aliases)
            .await
            .map_err(store_error)?;
        if deleted.is_empty() {
            return Err(ProxyError::new(
                404,
                ErrorKind::NotFound,
                format!("Failed to delete all keys. Keys passed in: {keys:?}"),
            )
            .with_type("not_found_error")
            .with_param("keys"));
        }
        let cache = self.cache();
        for hash in &deleted {
            if let Some(state) = cache.get(hash.as_str()) {
                state.live().deleted = true;
            }
        }
        drop(cache);
        let shown: Vec<&String> = keys
            .iter()
            .filter(|k| deleted.contains(&Self::hash_of(k)))
            .collect();
        Ok(json!({"deleted_keys": if keys.is_empty() { json!(deleted) } else { json!(shown) }}))
    }

    /// `GET /key/list`: hashes (or whole objects with `return_full_object=true`), a page at a time.
    pub async fn list(&self, query: &HashMap<String, String>) -> Result<Value, ProxyError> {
        let store = self.store()?;
        let number = |name: &str, default: usize| -> Result<usize, ProxyError> {
            match query.get(name) {
                None => Ok(default),
                Some(text) => text
                    .trim()
                    .parse::<usize>()
                    .ok()
                    .filter(|n| *n >= 1)
                    .ok_or_else(|| invalid(name, "an integer greater than or equal to 1")),
            }
        };
        let page = number("page", 1)?;
        let size = number("size", 10)?;
        if size > MAX_PAGE {
            return Err(invalid("size", "less than or equal to 100"));
        }
        let full = query
            .get("return_full_object")
            .is_some_and(|v| v.eq_ignore_ascii_case("true"));
        let filter = KeyFilter {
            user_id: query.get("user_id").cloned(),
            team_id: query.get("team_id").cloned(),
            key_alias: query.get("key_alias").cloned(),
        };
        let (records, total) = store
            .list_keys(filter, (page - 1).saturating_mul(size), size)
            .await
            .map_err(store_error)?;
        let keys: Vec<Value> = records
            .into_iter()
            .map(|record| {
                if full {
                    self.shown(record)
                } else {
                    Value::String(record.token)
                }
            })
            .collect();
        Ok(json!({
            "keys": keys,
            "total_count": total,
            "current_page": page,
            "total_pages": total.div_ceil(size),
        }))
    }
}

/// `/key/list` filters.
#[derive(Debug, Clone, Default)]
pub struct KeyFilter {
    pub user_id: Option<String>,
    pub team_id: Option<String>,
    pub key_alias: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_access_follows_can_key_call_model() {
        let models = |list: &[&str]| list.iter().map(|m| m.to_string()).collect::<Vec<_>>();
        assert!(allows(&[], "any", None));
        assert!(allows(&models(&["all-proxy-models"]), "any", None));
        assert!(allows(&models(&["a", "b"]), "b", None));
        assert!(!allows(&models(&["a"]), "b", None));
        assert!(
            allows(&models(&["a"]), "fast", Some("a")),
            "an alias of an allowed group"
        );
        assert!(allows(&models(&["openai/*"]), "openai/gpt-4o", None));
        assert!(!allows(&models(&["openai/*"]), "anthropic/x", None));
        assert!(allows(&models(&["a*b*c"]), "aXbYc", None));
        assert!(!allows(&models(&["a*b*c"]), "aXbYcd", None));
    }

    #[test]
    fn durations_read_as_litellm_reads_them() {
        assert_eq!(duration_ms("30s", 0), Some(30_000));
        assert_eq!(duration_ms("2m", 0), Some(120_000));
        assert_eq!(duration_ms("1h", 0), Some(3_600_000));
        assert_eq!(duration_ms("1d", 5), Some(86_400_005));
        assert_eq!(duration_ms("1w", 0), Some(604_800_000));
        assert_eq!(duration_ms("30", 0), None, "a unit is needed");
        assert_eq!(duration_ms("x1d", 0), None);
        // 2024-01-31 + 1 month = 2024-02-29
        let jan31 = super::super::store::sqlite::days_from_civil(2024, 1, 31) * 86_400_000;
        let feb29 = super::super::store::sqlite::days_from_civil(2024, 2, 29) * 86_400_000;
        assert_eq!(duration_ms("1mo", jan31), Some(feb29));
    }

    #[test]
    fn new_keys_are_sk_and_22_url_safe_characters() {
        let key = new_key().unwrap_or_default();
        assert_eq!(key.len(), 25, "{key}");
        assert!(key[3..]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        assert_ne!(key, new_key().unwrap_or_default());
        assert_eq!(abbreviate("sk-abcdefgh"), "sk-...efgh");
    }

    #[test]
    fn fields_of_the_wrong_type_are_refused_and_null_clears() {
        let body = |v: Value| v.as_object().cloned().unwrap_or_default();
        assert!(KeyFields::parse(&body(json!({"models": "gpt-4o"}))).is_err());
        assert!(KeyFields::parse(&body(json!({"rpm_limit": "ten"}))).is_err());
        assert!(KeyFields::parse(&body(json!({"duration": "10x"}))).is_err());
        let fields = KeyFields::parse(&body(
            json!({"max_budget": null, "rpm_limit": 5, "extra": 1}),
        ))
        .unwrap_or_default();
        assert_eq!(fields.max_budget, Some(None));
        assert_eq!(fields.rpm_limit, Some(Some(5)));
    }
}
