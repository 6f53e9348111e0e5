//! Spend rows and virtual keys in PostgreSQL, in LiteLLM's own tables (`LiteLLM_SpendLogs`,
//! `LiteLLM_VerificationToken`, with the column names and types of LiteLLM's `schema.prisma`),
//! so LiteLLM's queries and dashboards read what this proxy writes, and several replicas share
//! one set of keys and one budget per key.
//!
//! The spend rows keep the SQLite store's contract (see [`super::sqlite`]): a request never waits
//! on the database; one writer thread takes the queued rows every gather interval and writes
//! them in one transaction per batch (one `INSERT ... SELECT FROM UNNEST(...)` statement for the
//! rows, one `UPDATE` for the keys' spend, `spend = spend + ...`, so replicas add up instead of
//! overwriting each other); a batch that fails is retried, then dropped and counted; while
//! writes fail the store reports itself failing (readiness 503, `/metrics`); a clean stop drains
//! the queue.
//!
//! The schema is created or migrated at start-up, in one transaction under a transaction-level
//! advisory lock, so replicas starting together do not race; the migrations applied are recorded
//! in a table of this proxy's own, `litellm_proxy_schema_migrations`. Tables LiteLLM made
//! already are kept as they are; only columns this proxy writes and an older LiteLLM lacks are
//! added.
//!
//! All database work runs on a small runtime of the store's own, so its connections do not
//! depend on which serving thread asked first, nor on that thread's runtime staying alive.

use super::postgres_keys;
use super::sqlite::{
    self, Counts, Reports, Shared, SpendQuery, SpendRow, SpendStats, RETRY_DELAYS,
};
use super::{Store, StoreError, StoreFuture};
use crate::keys::{KeyFilter, KeyRecord};
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use serde_json::{json, Map, Value};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio_postgres::NoTls;

/// Connections at most: the writer's, and key reads and writes beside it.
const POOL_SIZE: usize = 8;
/// How long a connection attempt (or a wait for a free connection) may take before it fails.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long one batch may take to write (and unacknowledged data may sit on a connection) before
/// the attempt counts as failed and its connection is dropped.
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);
/// How long start-up waits for the database and the migration.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(30);
/// The key of the advisory lock held while migrating ("litellmp" in ASCII).
const MIGRATION_LOCK: i64 = 0x6c69_7465_6c6c_6d70;
/// The table recording which of [`MIGRATIONS`] ran.
const VERSION_TABLE: &str = "litellm_proxy_schema_migrations";

/// LiteLLM's `LiteLLM_SpendLogs` as Prisma creates it from `schema.prisma` (String: TEXT, Float:
/// DOUBLE PRECISION, Int: INTEGER, DateTime: TIMESTAMP(3), Json: JSONB), with its indexes on
/// `startTime` (the ones on `end_user` and `session_id`, which the proxy does not fill, are left
/// to LiteLLM). A table an older LiteLLM made gets the columns the proxy writes.
const SPEND_LOGS: &str = r#"
CREATE TABLE IF NOT EXISTS "LiteLLM_SpendLogs" (
    "request_id" TEXT NOT NULL,
    "call_type" TEXT NOT NULL,
    "api_key" TEXT NOT NULL DEFAULT '',
    "spend" DOUBLE PRECISION NOT NULL DEFAULT 0.0,
    "total_tokens" INTEGER NOT NULL DEFAULT 0,
    "prompt_tokens" INTEGER NOT NULL DEFAULT 0,
    "completion_tokens" INTEGER NOT NULL DEFAULT 0,
    "startTime" TIMESTAMP(3) NOT NULL,
    "endTime" TIMESTAMP(3) NOT NULL,
    "request_duration_ms" INTEGER,
    "completionStartTime" TIMESTAMP(3),
    "model" TEXT NOT NULL DEFAULT '',
    "model_id" TEXT DEFAULT '',
    "model_group" TEXT DEFAULT '',
    "custom_llm_provider" TEXT DEFAULT '',
    "api_base" TEXT DEFAULT '',
    "user" TEXT DEFAULT '',
    "metadata" JSONB DEFAULT '{}',
    "cache_hit" TEXT DEFAULT '',
    "cache_key" TEXT DEFAULT '',
    "request_tags" JSONB DEFAULT '[]',
    "team_id" TEXT,
    "organization_id" TEXT,
    "end_user" TEXT,
    "requester_ip_address" TEXT,
    "messages" JSONB DEFAULT '{}',
    "response" JSONB DEFAULT '{}',
    "session_id" TEXT,
    "status" TEXT,
    "mcp_namespaced_tool_name" TEXT,
    "agent_id" TEXT,
    "proxy_server_request" JSONB DEFAULT '{}',
    CONSTRAINT "LiteLLM_SpendLogs_pkey" PRIMARY KEY ("request_id")
);
ALTER TABLE "LiteLLM_SpendLogs"
    ADD COLUMN IF NOT EXISTS "completionStartTime" TIMESTAMP(3),
    ADD COLUMN IF NOT EXISTS "model_id" TEXT DEFAULT '',
    ADD COLUMN IF NOT EXISTS "model_group" TEXT DEFAULT '',
    ADD COLUMN IF NOT EXISTS "custom_llm_provider" TEXT DEFAULT '',
    ADD COLUMN IF NOT EXISTS "api_base" TEXT DEFAULT '',
    ADD COLUMN IF NOT EXISTS "requester_ip_address" TEXT,
    ADD COLUMN IF NOT EXISTS "status" TEXT;
CREATE INDEX IF NOT EXISTS "LiteLLM_SpendLogs_startTime_idx" ON "LiteLLM_SpendLogs"("startTime");
CREATE INDEX IF NOT EXISTS "LiteLLM_SpendLogs_startTime_request_id_idx" ON "LiteLLM_SpendLogs"("startTime", "request_id");
"#;

/// LiteLLM's `LiteLLM_VerificationToken` as Prisma creates it, without the foreign keys to
/// LiteLLM's budget, organization and project tables (this proxy does not create those).
const VERIFICATION_TOKEN: &str = r#"
CREATE TABLE IF NOT EXISTS "LiteLLM_VerificationToken" (
    "token" TEXT NOT NULL,
    "key_name" TEXT,
    "key_alias" TEXT,
    "soft_budget_cooldown" BOOLEAN NOT NULL DEFAULT false,
    "spend" DOUBLE PRECISION NOT NULL DEFAULT 0.0,
    "expires" TIMESTAMP(3),
    "models" TEXT[],
    "aliases" JSONB NOT NULL DEFAULT '{}',
    "config" JSONB NOT NULL DEFAULT '{}',
    "router_settings" JSONB DEFAULT '{}',
    "user_id" TEXT,
    "team_id" TEXT,
    "agent_id" TEXT,
    "project_id" TEXT,
    "permissions" JSONB NOT NULL DEFAULT '{}',
    "max_parallel_requests" INTEGER,
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "blocked" BOOLEAN,
    "tpm_limit" BIGINT,
    "rpm_limit" BIGINT,
    "max_budget" DOUBLE PRECISION,
    "budget_duration" TEXT,
    "budget_reset_at" TIMESTAMP(3),
    "allowed_cache_controls" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "allowed_routes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "policies" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "access_group_ids" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "model_spend" JSONB NOT NULL DEFAULT '{}',
    "model_max_budget" JSONB NOT NULL DEFAULT '{}',
    "budget_id" TEXT,
    "organization_id" TEXT,
    "object_permission_id" TEXT,
    "created_at" TIMESTAMP(3) DEFAULT CURRENT_TIMESTAMP,
    "created_by" TEXT,
    "updated_at" TIMESTAMP(3) DEFAULT CURRENT_TIMESTAMP,
    "updated_by" TEXT,
    "last_active" TIMESTAMP(3),
    "rotation_count" INTEGER DEFAULT 0,
    "auto_rotate" BOOLEAN DEFAULT false,
    "rotation_interval" TEXT,
    "last_rotation_at" TIMESTAMP(3),
    "key_rotation_at" TIMESTAMP(3),
    "budget_limits" JSONB,
    CONSTRAINT "LiteLLM_VerificationToken_pkey" PRIMARY KEY ("token")
);
ALTER TABLE "LiteLLM_VerificationToken"
    ADD COLUMN IF NOT EXISTS "created_at" TIMESTAMP(3) DEFAULT CURRENT_TIMESTAMP,
    ADD COLUMN IF NOT EXISTS "created_by" TEXT,
    ADD COLUMN IF NOT EXISTS "updated_at" TIMESTAMP(3) DEFAULT CURRENT_TIMESTAMP,
    ADD COLUMN IF NOT EXISTS "updated_by" TEXT,
    ADD COLUMN IF NOT EXISTS "budget_duration" TEXT,
    ADD COLUMN IF NOT EXISTS "budget_reset_at" TIMESTAMP(3),
    ADD COLUMN IF NOT EXISTS "blocked" BOOLEAN,
    ADD COLUMN IF NOT EXISTS "key_alias" TEXT;
CREATE INDEX IF NOT EXISTS "LiteLLM_VerificationToken_user_id_team_id_idx" ON "LiteLLM_VerificationToken"("user_id", "team_id");
CREATE INDEX IF NOT EXISTS "LiteLLM_VerificationToken_team_id_idx" ON "LiteLLM_VerificationToken"("team_id");
CREATE INDEX IF NOT EXISTS "LiteLLM_VerificationToken_budget_reset_at_expires_idx" ON "LiteLLM_VerificationToken"("budget_reset_at", "expires");
"#;

/// The schema's versions in order: `(version, what it does, SQL)`. A database records the
/// versions applied in [`VERSION_TABLE`]; start-up applies the ones missing. Append, never edit.
const MIGRATIONS: &[(i32, &str, &str)] = &[
    (1, "LiteLLM_SpendLogs", SPEND_LOGS),
    (2, "LiteLLM_VerificationToken", VERIFICATION_TOKEN),
];

/// Where the database is, for the start-up line and log lines: never the password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub config: tokio_postgres::Config,
    pub shown: String,
}

/// Whether `url` is a Postgres URL (`postgresql://` or `postgres://`).
pub fn is_postgres_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    lower.starts_with("postgresql://") || lower.starts_with("postgres://")
}

/// Prisma's URL parameters that libpq (and tokio-postgres) do not know; LiteLLM's URLs may carry
/// them. `schema` becomes the connection's `search_path`; the others only tune Prisma.
const PRISMA_PARAMETERS: &[&str] = &[
    "connection_limit",
    "pool_timeout",
    "socket_timeout",
    "statement_cache_size",
    "pgbouncer",
    "sslaccept",
    "sslcert",
    "sslidentity",
    "sslpassword",
];

/// Reads a `postgresql://user:password@host:port/db?sslmode=disable` URL. Errors never quote
/// the URL (it holds the password).
pub fn parse_url(url: &str) -> Result<Target, String> {
    let url = url.trim();
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let mut kept = Vec::new();
    let mut schema = None;
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let name = pair.split('=').next().unwrap_or("");
        if name == "schema" {
            schema = pair.split_once('=').map(|(_, v)| v.to_string());
        } else if !PRISMA_PARAMETERS.contains(&name) {
            kept.push(pair);
        }
    }
    let cleaned = if kept.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    let mut config: tokio_postgres::Config = cleaned.parse().map_err(|e| {
        format!("the database URL (general_settings.database_url or DATABASE_URL) is not a valid Postgres URL: {e}")
    })?;
    if let Some(schema) = schema.filter(|s| !s.is_empty()) {
        let options = config.get_options().map(str::to_string).unwrap_or_default();
        config.options(format!("{options} -c search_path={schema}").trim());
    }
    if config.get_hosts().is_empty() {
        config.host("localhost");
    }
    if config.get_dbname().is_none() {
        if let Some(user) = config.get_user().map(str::to_string) {
            config.dbname(user);
        }
    }
    config.connect_timeout(CONNECT_TIMEOUT);
    if config.get_tcp_user_timeout().is_none() {
        // A write to a peer that went quiet fails after this instead of TCP's many minutes.
        config.tcp_user_timeout(WRITE_TIMEOUT);
    }
    if config.get_application_name().is_none() {
        config.application_name("litellm-proxy");
    }
    let host = match config.get_hosts().first() {
        Some(tokio_postgres::config::Host::Tcp(host)) => host.clone(),
        #[cfg(unix)]
        Some(tokio_postgres::config::Host::Unix(path)) => path.display().to_string(),
        None => "localhost".to_string(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let shown = format!(
        "Postgres database `{}` at {host}:{port}",
        config.get_dbname().unwrap_or("postgres")
    );
    Ok(Target { config, shown })
}

/// The Postgres store.
pub struct PgStore {
    shown: String,
    pool: Pool,
    handle: tokio::runtime::Handle,
    writer: Mutex<Option<JoinHandle<()>>>,
    shared: Arc<Shared>,
    /// The store's own runtime: every connection lives on it. Declared last: dropped after the
    /// writer has stopped.
    _runtime: OwnRuntime,
}

/// A runtime that may be dropped anywhere: on an async runtime (where a store may be dropped, or
/// a failed start returns) blocking on its worker would panic, so it shuts down in the
/// background.
struct OwnRuntime(Option<tokio::runtime::Runtime>);

impl Drop for OwnRuntime {
    fn drop(&mut self) {
        if let Some(runtime) = self.0.take() {
            runtime.shutdown_background();
        }
    }
}

fn runtime() -> Result<OwnRuntime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("postgres-store")
        .enable_all()
        .build()
        .map(|runtime| OwnRuntime(Some(runtime)))
        .map_err(|e| format!("cannot start the Postgres store's runtime: {e}"))
}

/// A database error with its detail (tokio-postgres' `Display` says only "db error").
pub(super) fn describe_error(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{}: {}", db.severity(), db.message()),
        None => {
            let mut text = e.to_string();
            let mut source = std::error::Error::source(e);
            while let Some(inner) = source {
                text = format!("{text}: {inner}");
                source = inner.source();
            }
            text
        }
    }
}

fn pool_error(e: deadpool_postgres::PoolError) -> String {
    match e {
        deadpool_postgres::PoolError::Backend(e) => describe_error(&e),
        deadpool_postgres::PoolError::Timeout(_) => {
            "timed out waiting for a database connection".to_string()
        }
        other => other.to_string(),
    }
}

impl PgStore {
    /// Connects, creates or migrates the schema (failing start-up when the database cannot be
    /// reached, as LiteLLM does), then starts the writer.
    pub async fn open(url: &str) -> Result<Self, String> {
        let target = parse_url(url)?;
        let shown = target.shown.clone();
        let runtime = runtime()?;
        let handle = match &runtime.0 {
            Some(runtime) => runtime.handle().clone(),
            None => return Err("the Postgres store's runtime is gone".to_string()),
        };
        let manager = Manager::from_config(
            target.config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = {
            let _entered = handle.enter();
            Pool::builder(manager)
                .max_size(POOL_SIZE)
                .runtime(deadpool_postgres::Runtime::Tokio1)
                .wait_timeout(Some(CONNECT_TIMEOUT))
                .create_timeout(Some(CONNECT_TIMEOUT))
                .recycle_timeout(Some(CONNECT_TIMEOUT))
                .build()
                .map_err(|e| format!("cannot build the Postgres pool: {e}"))?
        };
        let migrating = pool.clone();
        let migrated = handle
            .spawn(async move {
                tokio::time::timeout(STARTUP_TIMEOUT, async move {
                    let mut client = migrating.get().await.map_err(pool_error)?;
                    migrate(&mut client).await
                })
                .await
                .unwrap_or_else(|_| Err("timed out".to_string()))
            })
            .await
            .map_err(|e| e.to_string())
            .and_then(|result| result);
        if let Err(reason) = migrated {
            return Err(format!("{shown}: {reason}"));
        }
        let shared = Arc::new(Shared::default());
        let writer = Writer {
            shown: shown.clone(),
            pool: pool.clone(),
            handle: handle.clone(),
            shared: shared.clone(),
            reports: Reports::default(),
        };
        let writer = std::thread::Builder::new()
            .name("spend-writer-pg".into())
            .spawn(move || writer.run())
            .map_err(|e| format!("cannot start the spend log writer: {e}"))?;
        Ok(PgStore {
            shown,
            pool,
            handle,
            writer: Mutex::new(Some(writer)),
            shared,
            _runtime: runtime,
        })
    }

    /// Runs `work` with a pooled connection on the store's runtime.
    fn with_client<T, F, Fut>(&self, work: F) -> StoreFuture<'_, Result<T, StoreError>>
    where
        T: Send + 'static,
        F: FnOnce(deadpool_postgres::Object) -> Fut + Send + 'static,
        Fut: std::future::Future<Output = Result<T, StoreError>> + Send + 'static,
    {
        let pool = self.pool.clone();
        let task = self.handle.spawn(async move {
            let client = pool
                .get()
                .await
                .map_err(|e| StoreError::Failed(pool_error(e)))?;
            work(client).await
        });
        Box::pin(async move { task.await.map_err(|e| StoreError::Failed(e.to_string()))? })
    }
}

/// Creates or migrates the schema in one transaction, under an advisory lock: a second replica
/// starting at the same time waits, then finds every migration applied.
pub(super) async fn migrate(client: &mut tokio_postgres::Client) -> Result<(), String> {
    let error = |e: tokio_postgres::Error| describe_error(&e);
    let transaction = client.transaction().await.map_err(error)?;
    transaction
        .execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .await
        .map_err(error)?;
    transaction
        .batch_execute(&format!(
            "CREATE TABLE IF NOT EXISTS {VERSION_TABLE} (
                version INTEGER PRIMARY KEY,
                description TEXT NOT NULL,
                applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
            )"
        ))
        .await
        .map_err(error)?;
    let applied: Vec<i32> = transaction
        .query(&format!("SELECT version FROM {VERSION_TABLE}"), &[])
        .await
        .map_err(error)?
        .iter()
        .map(|row| row.get(0))
        .collect();
    for (version, description, sql) in MIGRATIONS {
        if applied.contains(version) {
            continue;
        }
        transaction
            .batch_execute(sql)
            .await
            .map_err(|e| format!("migration {version} ({description}): {}", error(e)))?;
        transaction
            .execute(
                &format!("INSERT INTO {VERSION_TABLE} (version, description) VALUES ($1, $2)"),
                &[version, description],
            )
            .await
            .map_err(error)?;
    }
    transaction.commit().await.map_err(error)
}

impl Store for PgStore {
    fn describe(&self) -> String {
        self.shown.clone()
    }

    fn record(&self, row: SpendRow) {
        self.shared.push(row);
    }

    fn stats(&self) -> SpendStats {
        self.shared.stats()
    }

    fn close(&self) {
        self.shared.close_queue();
        if let Some(writer) = self
            .writer
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
        {
            let _ = writer.join();
        }
    }

    fn spend_logs(&self, q: SpendQuery) -> StoreFuture<'_, Result<Value, String>> {
        let future = self.with_client(move |client| async move {
            query(&client, &q).await.map_err(StoreError::Failed)
        });
        Box::pin(async move {
            future.await.map_err(|e| match e {
                StoreError::Failed(reason) | StoreError::Conflict(reason) => reason,
            })
        })
    }

    fn insert_key(&self, record: KeyRecord) -> StoreFuture<'_, Result<(), StoreError>> {
        self.with_client(move |mut client| async move {
            postgres_keys::insert(&mut client, &record).await
        })
    }

    fn key(&self, hash: String) -> StoreFuture<'_, Result<Option<KeyRecord>, StoreError>> {
        self.with_client(move |client| async move { postgres_keys::get(&client, &hash).await })
    }

    fn update_key(
        &self,
        record: KeyRecord,
        set_spend: bool,
    ) -> StoreFuture<'_, Result<(), StoreError>> {
        self.with_client(move |mut client| async move {
            postgres_keys::update(&mut client, &record, set_spend).await
        })
    }

    fn delete_keys(
        &self,
        hashes: Vec<String>,
        aliases: Vec<String>,
    ) -> StoreFuture<'_, Result<Vec<String>, StoreError>> {
        self.with_client(move |mut client| async move {
            postgres_keys::delete(&mut client, &hashes, &aliases).await
        })
    }

    fn list_keys(
        &self,
        filter: KeyFilter,
        offset: usize,
        limit: usize,
    ) -> StoreFuture<'_, Result<(Vec<KeyRecord>, usize), StoreError>> {
        self.with_client(move |client| async move {
            postgres_keys::list(&client, &filter, offset, limit).await
        })
    }

    fn reset_key_budget(
        &self,
        hash: Arc<str>,
        was: i64,
        next: Option<i64>,
    ) -> StoreFuture<'_, Result<(), StoreError>> {
        self.with_client(move |client| async move {
            postgres_keys::reset_budget(&client, &hash, was, next).await
        })
    }
}

impl Drop for PgStore {
    fn drop(&mut self) {
        // The runtime (a field) is dropped after this: the writer still uses it to drain.
        self.close();
    }
}

/// The writer thread: takes the queued rows every gather interval and writes them a batch at a
/// time, blocking on the store's runtime.
struct Writer {
    shown: String,
    pool: Pool,
    handle: tokio::runtime::Handle,
    shared: Arc<Shared>,
    reports: Reports,
}

impl Writer {
    fn run(mut self) {
        let shared = self.shared.clone();
        shared.queue.drain(|batch| self.write(batch));
        if let Some(line) = self.reports.closing(&self.shared.counts(), Instant::now()) {
            self.log(&line);
        }
    }

    fn log(&self, line: &str) {
        eprintln!("litellm-proxy: spend log in the {}: {line}", self.shown);
    }

    /// Writes the batch, retrying as [`RETRY_DELAYS`] says while the store was healthy; counts
    /// its rows as written or dropped either way.
    fn write(&mut self, batch: &mut [SpendRow]) {
        if batch.is_empty() {
            return;
        }
        let rows = batch.len() as u64;
        let attempts = if self.shared.failure().is_some() {
            1
        } else {
            1 + RETRY_DELAYS.len()
        };
        for row in batch.iter_mut() {
            prepare_row(row);
        }
        let mut written = false;
        for attempt in 0..attempts {
            if let Some(delay) = attempt.checked_sub(1).and_then(|i| RETRY_DELAYS.get(i)) {
                std::thread::sleep(*delay);
            }
            let pool = &self.pool;
            let result = self.handle.block_on(async {
                let mut client = pool.get().await.map_err(pool_error)?;
                match tokio::time::timeout(WRITE_TIMEOUT, insert_batch(&mut client, batch)).await {
                    Ok(result) => result,
                    Err(_) => {
                        // The connection may hang (a network gone quiet): not back to the pool.
                        drop(deadpool_postgres::Object::take(client));
                        Err(format!(
                            "a batch took over {} s to write",
                            WRITE_TIMEOUT.as_secs()
                        ))
                    }
                }
            });
            match result {
                Ok(()) => {
                    written = true;
                    break;
                }
                Err(reason) => {
                    let first = self.shared.failure().is_none();
                    if let Some(line) = self.reports.failed(&reason, first, Instant::now()) {
                        self.log(&line);
                    }
                    self.shared.set_failure(Some(reason));
                }
            }
        }
        let counter = if written {
            &self.shared.written
        } else {
            &self.shared.dropped
        };
        counter.fetch_add(rows, Ordering::Relaxed);
        self.shared.pending.fetch_sub(rows, Ordering::Relaxed);
        let counts: Counts = self.shared.counts();
        let now = Instant::now();
        let line = if written && self.shared.failure().is_some() {
            self.shared.set_failure(None);
            self.reports.recovered(&counts, now)
        } else {
            self.reports.tick(&counts, now)
        };
        if let Some(line) = line {
            self.log(&line);
        }
    }
}

/// Readies a row for Postgres: LiteLLM's `usage_object` added to its `metadata` (once: a
/// retried batch keeps it), and the NUL characters a client may send (`\u0000` is valid JSON)
/// removed from what it sent, since Postgres' TEXT and JSONB refuse them and one such row would
/// fail its whole batch.
fn prepare_row(row: &mut SpendRow) {
    if let Value::Object(map) = &mut row.metadata {
        if !map.contains_key("usage_object") {
            map.insert("usage_object".into(), sqlite::usage_object(&row.usage));
        }
    }
    for text in [&mut row.user, &mut row.model, &mut row.model_group] {
        strip_nul(text);
    }
    strip_nul_json(&mut row.metadata);
}

fn strip_nul(text: &mut String) {
    if text.contains('\0') {
        text.retain(|c| c != '\0');
    }
}

fn strip_nul_json(value: &mut Value) {
    match value {
        Value::String(text) => strip_nul(text),
        Value::Array(items) => items.iter_mut().for_each(strip_nul_json),
        Value::Object(map) => {
            if map.keys().any(|k| k.contains('\0')) {
                let entries = std::mem::take(map);
                for (mut key, value) in entries {
                    strip_nul(&mut key);
                    map.insert(key, value);
                }
            }
            map.values_mut().for_each(strip_nul_json);
        }
        _ => {}
    }
}

/// Token counts in LiteLLM's `Int` (INTEGER) columns.
fn int(n: u64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// `api_key`, `spend`, token counts, times, model columns, `user`, `metadata`, the client's
/// address, the status and the route's `call_type`, one array per column: the whole batch in one statement whatever its
/// size. A row already there (a batch retried after a commit whose answer was lost) is kept.
const INSERT_ROWS: &str = r#"
INSERT INTO "LiteLLM_SpendLogs" ("request_id", "call_type", "api_key", "spend", "total_tokens",
    "prompt_tokens", "completion_tokens", "startTime", "endTime", "completionStartTime", "model",
    "model_id", "model_group", "custom_llm_provider", "api_base", "user", "metadata", "cache_hit",
    "cache_key", "request_tags", "requester_ip_address", "status")
SELECT r.id, r.call_type, r.key, r.spend, r.prompt + r.completion, r.prompt, r.completion,
    r.start_time, r.end_time, r.first_token, r.model, r.model_id, r.model_group, r.provider,
    r.api_base, r.end_user, r.metadata, 'False', 'Cache OFF', '[]'::jsonb, r.ip, r.status
FROM UNNEST($1::text[], $2::text[], $3::float8[], $4::int4[], $5::int4[], $6::timestamp[],
    $7::timestamp[], $8::timestamp[], $9::text[], $10::text[], $11::text[], $12::text[],
    $13::text[], $14::text[], $15::jsonb[], $16::text[], $17::text[], $18::text[])
    AS r(id, key, spend, prompt, completion, start_time, end_time, first_token, model, model_id,
         model_group, provider, api_base, end_user, metadata, ip, status, call_type)
ON CONFLICT ("request_id") DO NOTHING
"#;

/// Each key's share of the batch, added to its row.
const ADD_KEY_SPEND: &str = r#"
UPDATE "LiteLLM_VerificationToken" AS t SET "spend" = t."spend" + v.spend
FROM UNNEST($1::text[], $2::float8[]) AS v(token, spend)
WHERE t."token" = v.token
"#;

/// One text column of the logged rows.
fn text<'a>(rows: &[&'a SpendRow], column: impl Fn(&'a SpendRow) -> &'a str) -> Vec<&'a str> {
    rows.iter().map(|row| column(row)).collect()
}

/// Writes `rows` in one transaction: their keys' spend, then the rows themselves.
async fn insert_batch(
    client: &mut deadpool_postgres::Object,
    rows: &[SpendRow],
) -> Result<(), String> {
    let error = |e: tokio_postgres::Error| describe_error(&e);
    let mut spends: std::collections::HashMap<&str, f64> = std::collections::HashMap::new();
    for row in rows {
        if row.spend > 0.0 && !row.api_key_hash.is_empty() {
            *spends.entry(&*row.api_key_hash).or_default() += row.spend;
        }
    }
    let (tokens, amounts): (Vec<&str>, Vec<f64>) = spends.into_iter().unzip();
    let logged: Vec<&SpendRow> = rows.iter().filter(|r| r.logged).collect();
    let ids = text(&logged, |r| r.request_id.as_str());
    let keys = text(&logged, |r| &r.api_key_hash);
    let spend: Vec<f64> = logged.iter().map(|r| r.spend).collect();
    let prompt: Vec<i32> = logged.iter().map(|r| int(r.usage.prompt_tokens)).collect();
    let completion: Vec<i32> = logged
        .iter()
        .map(|r| int(r.usage.completion_tokens))
        .collect();
    let start: Vec<SystemTime> = logged.iter().map(|r| r.start_time).collect();
    let end: Vec<SystemTime> = logged.iter().map(|r| r.end_time).collect();
    let first: Vec<Option<SystemTime>> = logged.iter().map(|r| r.completion_start_time).collect();
    let model = text(&logged, |r| r.model.as_str());
    let model_id = text(&logged, |r| {
        r.deployment.as_ref().map_or("", |d| d.config.id.as_str())
    });
    let group = text(&logged, |r| r.model_group.as_str());
    let provider = text(&logged, |r| {
        r.deployment
            .as_ref()
            .map_or("", |d| d.config.provider.as_str())
    });
    let api_base = text(&logged, |r| {
        r.deployment
            .as_ref()
            .map_or("", |d| d.shown_api_base.as_str())
    });
    let user = text(&logged, |r| r.user.as_str());
    let metadata: Vec<&Value> = logged.iter().map(|r| &r.metadata).collect();
    let ip: Vec<String> = logged
        .iter()
        .map(|r| r.requester_ip_address.to_string())
        .collect();
    let status = text(&logged, |r| r.status);
    let call_type = text(&logged, |r| r.call_type);
    let transaction = client.transaction().await.map_err(error)?;
    if !tokens.is_empty() {
        let update = transaction
            .prepare_cached(ADD_KEY_SPEND)
            .await
            .map_err(error)?;
        transaction
            .execute(&update, &[&tokens, &amounts])
            .await
            .map_err(error)?;
    }
    if !logged.is_empty() {
        let insert = transaction
            .prepare_cached(INSERT_ROWS)
            .await
            .map_err(error)?;
        transaction
            .execute(
                &insert,
                &[
                    &ids,
                    &keys,
                    &spend,
                    &prompt,
                    &completion,
                    &start,
                    &end,
                    &first,
                    &model,
                    &model_id,
                    &group,
                    &provider,
                    &api_base,
                    &user,
                    &metadata,
                    &ip,
                    &status,
                    &call_type,
                ],
            )
            .await
            .map_err(error)?;
    }
    transaction.commit().await.map_err(error)
}

fn day_start(day: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(day.max(0) as u64 * 86_400)
}

/// Answers `/spend/logs` from Postgres as the SQLite store does: rows newest first (at most
/// 10 000), or with both dates and `summarize`, one object per day.
async fn query(client: &tokio_postgres::Client, q: &SpendQuery) -> Result<Value, String> {
    let mut sql = String::from(
        r#"SELECT request_id, call_type, api_key, spend, total_tokens, prompt_tokens,
        completion_tokens, "startTime", "endTime", "completionStartTime", model, model_id,
        model_group, custom_llm_provider, api_base, "user", metadata, cache_hit, cache_key,
        request_tags, requester_ip_address, status FROM "LiteLLM_SpendLogs" WHERE true"#,
    );
    let mut texts: Vec<String> = Vec::new();
    let mut times: Vec<SystemTime> = Vec::new();
    let mut order: Vec<bool> = Vec::new();
    let mut filter = |sql: &mut String, column: &str, value: String| {
        texts.push(value);
        order.push(true);
        sql.push_str(&format!(" AND {column} = ${}", order.len()));
    };
    if let Some(key) = &q.api_key {
        let hashed = if key.starts_with("sk-") {
            crate::auth::hash_key(key)
        } else {
            key.clone()
        };
        filter(&mut sql, "api_key", hashed);
    }
    if let Some(user) = &q.user_id {
        filter(&mut sql, "\"user\"", user.clone());
    }
    if let Some(id) = &q.request_id {
        filter(&mut sql, "request_id", id.clone());
    }
    let dated = q.start_date.is_some() && q.end_date.is_some();
    if let (Some(start), Some(end)) = (&q.start_date, &q.end_date) {
        let (start, end) = (sqlite::parse_date(start)?, sqlite::parse_date(end)?);
        times.push(day_start(start));
        order.push(false);
        sql.push_str(&format!(" AND \"startTime\" >= ${}", order.len()));
        times.push(day_start(end + 1));
        order.push(false);
        sql.push_str(&format!(" AND \"startTime\" < ${}", order.len()));
    }
    sql.push_str(" ORDER BY \"startTime\" DESC LIMIT 10000");
    let mut params: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> = Vec::new();
    let (mut t, mut s) = (texts.iter(), times.iter());
    for is_text in &order {
        if *is_text {
            if let Some(value) = t.next() {
                params.push(value);
            }
        } else if let Some(value) = s.next() {
            params.push(value);
        }
    }
    let rows = client
        .query(&sql, &params)
        .await
        .map_err(|e| describe_error(&e))?;
    let rows: Vec<Value> = rows.iter().map(row_json).collect();
    if !(dated && q.summarize) {
        return Ok(Value::Array(rows));
    }
    sqlite::summarize_by_day(&rows, q)
}

fn row_json(row: &tokio_postgres::Row) -> Value {
    let text = |i: usize| -> Value {
        row.try_get::<_, Option<String>>(i)
            .ok()
            .flatten()
            .map_or(Value::Null, Value::String)
    };
    let time = |i: usize| -> Value {
        row.try_get::<_, Option<SystemTime>>(i)
            .ok()
            .flatten()
            .map_or(Value::Null, |t| Value::String(sqlite::iso_time(t)))
    };
    let number = |i: usize| -> i64 {
        row.try_get::<_, Option<i32>>(i)
            .ok()
            .flatten()
            .map_or(0, i64::from)
    };
    let json_or = |i: usize, default: Value| -> Value {
        row.try_get::<_, Option<Value>>(i)
            .ok()
            .flatten()
            .unwrap_or(default)
    };
    json!({
        "request_id": text(0),
        "call_type": text(1),
        "api_key": text(2),
        "spend": row.try_get::<_, Option<f64>>(3).ok().flatten().unwrap_or(0.0),
        "total_tokens": number(4),
        "prompt_tokens": number(5),
        "completion_tokens": number(6),
        "startTime": time(7),
        "endTime": time(8),
        "completionStartTime": time(9),
        "model": text(10),
        "model_id": text(11),
        "model_group": text(12),
        "custom_llm_provider": text(13),
        "api_base": text(14),
        "user": text(15),
        "metadata": json_or(16, Value::Object(Map::new())),
        "cache_hit": text(17),
        "cache_key": text(18),
        "request_tags": json_or(19, Value::Array(Vec::new())),
        "requester_ip_address": text(20),
        "status": text(21),
        "messages": {},
        "response": {},
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_read_without_showing_the_password() {
        assert!(is_postgres_url("postgresql://u:p@h/db"));
        assert!(is_postgres_url("Postgres://h/db"));
        assert!(!is_postgres_url("sqlite:///tmp/x.sqlite"));
        let target = parse_url(
            "postgresql://llm:s3cret@127.0.0.1:5433/litellm?sslmode=disable&connection_limit=5&schema=proxy",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            target.shown,
            "Postgres database `litellm` at 127.0.0.1:5433"
        );
        assert!(!target.shown.contains("s3cret"));
        assert_eq!(target.config.get_user(), Some("llm"));
        assert_eq!(target.config.get_options(), Some("-c search_path=proxy"));
        let bad = parse_url("postgresql://llm:s3cret@h:notaport/db")
            .err()
            .unwrap_or_default();
        assert!(!bad.is_empty() && !bad.contains("s3cret"), "{bad}");
        let defaults = parse_url("postgres://llm@db.internal").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            defaults.shown,
            "Postgres database `llm` at db.internal:5432"
        );
    }
}
