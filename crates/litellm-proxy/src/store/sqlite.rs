//! Spend logs in an embedded SQLite file, in LiteLLM's `LiteLLM_SpendLogs` row shape.
//!
//! Requests never wait on the disk: rows go through a bounded queue to one writer thread that
//! commits them in batches. No row is lost without being counted:
//! - at start-up a file that cannot hold the rows (not a regular file, not SQLite, read-only, or a
//!   `LiteLLM_SpendLogs` table of another shape) is refused, so nothing is written into it;
//! - a batch that cannot be written (disk full, I/O error, the table changed under the proxy) is
//!   retried a bounded number of times on a fresh connection, then its rows are dropped and
//!   counted; a full queue drops the row and counts it too;
//! - while writes fail the store reports itself failing (readiness, `/metrics`) with the reason,
//!   and the log says why once, then at most once a minute with the count since;
//! - a clean shutdown closes the channel and waits for the writer, so no queued row is lost; a
//!   crash loses the rows not yet committed: the batch being gathered or written, and the queue
//!   behind it when the writer has fallen behind (`pending` in `/metrics`). A thread of its own
//!   checkpoints the WAL, so a checkpoint's fsync never holds the writer.
//!
//! LiteLLM keeps these rows in Postgres through Prisma (`schema.prisma`, `LiteLLM_SpendLogs`) and
//! its readiness answers 503 with `"db": "disconnected"` when that database fails
//! (`proxy/health_endpoints/_health_endpoints.py`); the proxy does the same for its file.

use super::sqlite_keys;
use super::{Store, StoreError, StoreFuture};
use crate::keys::{KeyFilter, KeyRecord};
use crate::router::Deployment;
use crate::usage::Usage;
use rusqlite::{Connection, ErrorCode, OpenFlags};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Rows that may wait for the writer; beyond it rows are dropped (and counted), never unbounded.
pub(super) const QUEUE_CAPACITY: usize = 65_536;
/// Rows per multi-row `INSERT` statement. SQLite copies every text value bound into memory of
/// its own; for up to about 8 rows' values that memory comes from the connection's lookaside
/// slots, beyond them from `malloc` under SQLite's global memory mutex. Measured with callgrind
/// (docs/performance.md): 8 rows a statement cost 9 % fewer instructions a row than 64, 5 % fewer
/// than 4 or 16.
const ROWS_PER_INSERT: usize = 8;
/// A queue vector that grew past this many rows in a backlog is given back after it is written.
pub(super) const KEEP_CAPACITY: usize = 2 * BATCH;
/// Rows per transaction at most.
pub(super) const BATCH: usize = 4096;
/// How long the writer lets rows gather before a commit: one transaction per interval instead of
/// one per row keeps the writer's CPU small under load (a row is on disk well under a second
/// after its request).
const GATHER: Duration = Duration::from_millis(100);
/// The waits before the second and third attempt at a batch that failed while the store was
/// healthy. Once a batch has been dropped, later batches get one attempt each until one is
/// written: a store that stays broken must not hold every batch for the whole back-off.
pub(super) const RETRY_DELAYS: [Duration; 2] = [Duration::from_millis(250), Duration::from_secs(1)];
/// At most one log line about lost rows per interval (the first reason is logged at once).
const REPORT_INTERVAL: Duration = Duration::from_secs(60);
/// How often a thread of its own moves the WAL into the database file. The writer's connection
/// does not checkpoint (`wal_autocheckpoint=0`): a checkpoint fsyncs, and on a busy disk that held
/// the writer for 400 ms at a time while rows piled up in the queue, which is what a crash loses.
const CHECKPOINT_EVERY: Duration = Duration::from_secs(1);
/// How long a write waits for another connection's lock before it counts as failed.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// The table the rows go to.
const TABLE: &str = "LiteLLM_SpendLogs";

/// One request's row. Built on a serving thread and written on the writer's, so it holds what is
/// cheap to build there; the writer formats times, the metadata and the deployment's columns.
pub struct SpendRow {
    pub request_id: String,
    /// LiteLLM's `call_type` of the route (`acompletion`, `aembedding`, ...).
    pub call_type: &'static str,
    /// SHA-256 of the key used; never the key itself.
    pub api_key_hash: Arc<str>,
    pub spend: f64,
    pub usage: Usage,
    pub start_time: SystemTime,
    pub end_time: SystemTime,
    pub completion_start_time: Option<SystemTime>,
    pub model: String,
    /// The deployment that answered: its id, `api_base` and provider fill their columns.
    pub deployment: Option<Arc<Deployment>>,
    pub model_group: String,
    pub user: String,
    /// The client's `metadata`; the writer adds `usage_object` to it, as LiteLLM does.
    pub metadata: Value,
    pub requester_ip_address: IpAddr,
    /// `success`, `failure` or `cancelled`.
    pub status: &'static str,
    /// `false` under `disable_spend_logs`: the row is not kept, only its cost added to its key.
    pub logged: bool,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS \"LiteLLM_SpendLogs\" (
    request_id TEXT PRIMARY KEY,
    call_type TEXT NOT NULL,
    api_key TEXT NOT NULL DEFAULT '',
    spend REAL NOT NULL DEFAULT 0,
    total_tokens INTEGER NOT NULL DEFAULT 0,
    prompt_tokens INTEGER NOT NULL DEFAULT 0,
    completion_tokens INTEGER NOT NULL DEFAULT 0,
    \"startTime\" TEXT NOT NULL,
    \"endTime\" TEXT NOT NULL,
    \"completionStartTime\" TEXT,
    model TEXT NOT NULL DEFAULT '',
    model_id TEXT DEFAULT '',
    model_group TEXT DEFAULT '',
    custom_llm_provider TEXT DEFAULT '',
    api_base TEXT DEFAULT '',
    \"user\" TEXT DEFAULT '',
    metadata TEXT DEFAULT '{}',
    cache_hit TEXT DEFAULT 'False',
    cache_key TEXT DEFAULT 'Cache OFF',
    request_tags TEXT DEFAULT '[]',
    requester_ip_address TEXT DEFAULT '',
    status TEXT DEFAULT 'success'
);
CREATE INDEX IF NOT EXISTS spend_logs_start ON \"LiteLLM_SpendLogs\" (\"startTime\");
";

/// The page size of a new file (ignored by a file that has pages already). Every page a
/// transaction changes goes to the WAL in one `pwrite` for its header and one for its body, and
/// the checkpoint copies it with a `pread` and a `pwrite`: 16 KiB pages instead of SQLite's
/// 4 KiB took the store's system time a row from about 2 us to about 1 us. Larger pages gain
/// nothing more: every commit rewrites the last, partly filled page of each B-tree.
const NEW_FILE_PRAGMAS: &str = "PRAGMA page_size=16384;";

/// Opens a connection for key reads and writes and `/spend/logs`, creating the keys table.
fn open_for_keys(path: &Path) -> Result<Connection, StoreError> {
    let connection = open_checked(path).map_err(StoreError::Failed)?;
    connection
        .execute_batch(NEW_FILE_PRAGMAS)
        .and_then(|()| connection.query_row("PRAGMA journal_mode=WAL", [], |_| Ok(())))
        .and_then(|()| connection.execute_batch(sqlite_keys::SCHEMA))
        .map_err(|e| StoreError::Failed(e.to_string()))?;
    Ok(connection)
}

pub struct SpendStore {
    path: PathBuf,
    /// The connection key operations use (opened on first use; dropped after a failure).
    keys: Arc<Mutex<Option<Connection>>>,
    writer: Mutex<Option<JoinHandle<()>>>,
    shared: Arc<Shared>,
}

/// The rows waiting for the writer. A request moves its row into a vector under a short lock;
/// the writer swaps the whole vector for its empty spare one every gather interval. Once both
/// vectors have grown to the traffic, queueing a row allocates nothing and wakes nobody (the
/// writer is only woken for the first row after it went idle).
#[derive(Default)]
pub(super) struct Queue {
    state: Mutex<QueueState>,
    ready: Condvar,
}

#[derive(Default)]
struct QueueState {
    rows: Vec<SpendRow>,
    /// Set by [`SpendStore::close`]: rows are refused (and counted) from then on.
    closed: bool,
    /// The writer waits on [`Queue::ready`] for a first row.
    writer_idle: bool,
}

impl Queue {
    fn lock(&self) -> MutexGuard<'_, QueueState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits for rows (or the close), lets more gather unless closing, and swaps them into
    /// `into` (which must be empty). `false` once closed and drained.
    pub(super) fn take(&self, into: &mut Vec<SpendRow>) -> bool {
        let mut state = self.lock();
        while state.rows.is_empty() && !state.closed {
            state.writer_idle = true;
            state = self
                .ready
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        if state.rows.is_empty() {
            return false;
        }
        if !state.closed {
            drop(state);
            // Sleep rather than wait on the queue: a sleeping writer is not woken per row, so a
            // request's push costs no futex wake-up and the writer no context switch per row.
            std::thread::sleep(GATHER);
            state = self.lock();
        }
        std::mem::swap(&mut state.rows, into);
        true
    }

    /// The writer's loop: every gathered run of rows goes to `write` in batches of at most
    /// [`BATCH`], until the queue is closed and drained.
    pub(super) fn drain(&self, mut write: impl FnMut(&mut [SpendRow])) {
        let mut rows = Vec::new();
        while self.take(&mut rows) {
            for batch in rows.chunks_mut(BATCH) {
                write(batch);
            }
            rows.clear();
            if rows.capacity() > KEEP_CAPACITY {
                rows = Vec::new();
            }
        }
    }
}

/// What the serving threads and the writer both see.
#[derive(Default)]
pub(super) struct Shared {
    pub(super) queue: Queue,
    pub(super) written: AtomicU64,
    pub(super) dropped: AtomicU64,
    /// Dropped because the queue was full (part of `dropped`).
    pub(super) overflowed: AtomicU64,
    /// Queued or being written.
    pub(super) pending: AtomicU64,
    /// Why the last attempt failed, until a batch is written again.
    pub(super) failure: Mutex<Option<String>>,
}

impl Shared {
    /// Queues a row; never waits on the disk. A row that finds the queue full (or the store
    /// closed) is dropped and counted.
    pub(super) fn push(&self, row: SpendRow) {
        let queue = &self.queue;
        let mut state = queue.lock();
        if state.closed || state.rows.len() >= QUEUE_CAPACITY {
            drop(state);
            self.overflowed.fetch_add(1, Ordering::Relaxed);
            self.dropped.fetch_add(1, Ordering::Relaxed);
            return;
        }
        // Counted under the lock, so the writer never takes a row off `pending` before it is on.
        self.pending.fetch_add(1, Ordering::Relaxed);
        state.rows.push(row);
        let wake = std::mem::take(&mut state.writer_idle);
        drop(state);
        if wake {
            queue.ready.notify_one();
        }
    }

    /// Refuses rows from now on and wakes the writer to drain the queue.
    pub(super) fn close_queue(&self) {
        self.queue.lock().closed = true;
        self.queue.ready.notify_one();
    }

    /// Why rows cannot be written now; `None` while the store is healthy.
    pub(super) fn failure(&self) -> Option<String> {
        self.failure
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    pub(super) fn set_failure(&self, reason: Option<String>) {
        *self.failure.lock().unwrap_or_else(PoisonError::into_inner) = reason;
    }

    pub(super) fn counts(&self) -> Counts {
        Counts {
            dropped: self.dropped.load(Ordering::Relaxed),
            overflowed: self.overflowed.load(Ordering::Relaxed),
        }
    }

    pub(super) fn stats(&self) -> SpendStats {
        SpendStats {
            written: self.written.load(Ordering::Relaxed),
            dropped: self.dropped.load(Ordering::Relaxed),
            pending: self.pending.load(Ordering::Relaxed),
            failure: self.failure(),
        }
    }
}

/// The spend store's counters, for `/metrics` and readiness.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SpendStats {
    pub written: u64,
    /// Every row lost: the queue was full, or its batch could not be written.
    pub dropped: u64,
    pub pending: u64,
    /// Why rows cannot be written now (no path in it: readiness is public).
    pub failure: Option<String>,
}

impl SpendStore {
    /// Opens the file now and refuses one the rows cannot go to (see the module docs), then
    /// starts the writer, which sets up the table off the start-up path: a new SQLite file costs
    /// several fsyncs. `max_bytes` caps the file (SQLite's `max_page_count`); rows past it are
    /// dropped and counted, as on a full disk.
    pub fn open(path: &Path, max_bytes: Option<u64>) -> Result<Self, String> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        let connection = open_checked(path)
            .map_err(|reason| format!("spend log database {}: {reason}", path.display()))?;
        let shared = Arc::new(Shared::default());
        let writer = Writer {
            path: path.to_path_buf(),
            max_bytes,
            connection: Some(connection),
            prepared: false,
            checkpoints_elsewhere: false,
            shared: shared.clone(),
            reports: Reports::default(),
        };
        let writer = std::thread::Builder::new()
            .name("spend-writer".into())
            .spawn(move || writer.run())
            .map_err(|e| format!("cannot start the spend log writer: {e}"))?;
        Ok(SpendStore {
            path: path.to_path_buf(),
            keys: Arc::new(Mutex::new(None)),
            writer: Mutex::new(Some(writer)),
            shared,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Queues a row; never waits on the disk. A row that finds the queue full (or the store
    /// closed) is dropped and counted.
    pub fn record(&self, row: SpendRow) {
        self.shared.push(row);
    }

    pub fn stats(&self) -> SpendStats {
        self.shared.stats()
    }

    /// Writes every queued row and stops the writer (blocking; call off the async runtime).
    pub fn close(&self) {
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
}

impl SpendStore {
    /// Runs `work` on the key connection off the async runtime.
    fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> StoreFuture<'_, Result<T, StoreError>> {
        let keys = self.keys.clone();
        let path = self.path.clone();
        Box::pin(async move {
            tokio::task::spawn_blocking(move || {
                let mut slot = keys.lock().unwrap_or_else(PoisonError::into_inner);
                let connection = match &mut *slot {
                    Some(connection) => connection,
                    None => slot.insert(open_for_keys(&path)?),
                };
                let result = work(connection);
                if let Err(StoreError::Failed(_)) = &result {
                    *slot = None;
                }
                result
            })
            .await
            .map_err(|e| StoreError::Failed(e.to_string()))?
        })
    }
}

impl Store for SpendStore {
    fn describe(&self) -> String {
        format!("SQLite file {}", self.path.display())
    }

    fn record(&self, row: SpendRow) {
        SpendStore::record(self, row);
    }

    fn stats(&self) -> SpendStats {
        SpendStore::stats(self)
    }

    fn close(&self) {
        SpendStore::close(self);
    }

    fn spend_logs(&self, q: SpendQuery) -> StoreFuture<'_, Result<Value, String>> {
        let path = self.path.clone();
        Box::pin(async move {
            tokio::task::spawn_blocking(move || query(&path, &q))
                .await
                .map_err(|e| e.to_string())?
        })
    }

    fn insert_key(&self, record: KeyRecord) -> StoreFuture<'_, Result<(), StoreError>> {
        self.blocking(move |c| sqlite_keys::insert(c, &record))
    }

    fn key(&self, hash: String) -> StoreFuture<'_, Result<Option<KeyRecord>, StoreError>> {
        self.blocking(move |c| sqlite_keys::get(c, &hash))
    }

    fn update_key(
        &self,
        record: KeyRecord,
        set_spend: bool,
    ) -> StoreFuture<'_, Result<(), StoreError>> {
        self.blocking(move |c| sqlite_keys::update(c, &record, set_spend))
    }

    fn delete_keys(
        &self,
        hashes: Vec<String>,
        aliases: Vec<String>,
    ) -> StoreFuture<'_, Result<Vec<String>, StoreError>> {
        self.blocking(move |c| sqlite_keys::delete(c, &hashes, &aliases))
    }

    fn list_keys(
        &self,
        filter: KeyFilter,
        offset: usize,
        limit: usize,
    ) -> StoreFuture<'_, Result<(Vec<KeyRecord>, usize), StoreError>> {
        self.blocking(move |c| sqlite_keys::list(c, &filter, offset, limit))
    }

    fn reset_key_budget(
        &self,
        hash: Arc<str>,
        was: i64,
        next: Option<i64>,
    ) -> StoreFuture<'_, Result<(), StoreError>> {
        self.blocking(move |c| sqlite_keys::reset_budget(c, &hash, was, next))
    }
}

impl Drop for SpendStore {
    fn drop(&mut self) {
        self.close();
    }
}

/// Opens `path` for writing and refuses what cannot hold the rows; does not write. The reason
/// has no path in it.
fn open_checked(path: &Path) -> Result<Connection, String> {
    // A FIFO or a device would block the open or swallow the rows.
    if let Ok(metadata) = std::fs::metadata(path) {
        if !metadata.is_file() {
            return Err("not a regular file".into());
        }
    }
    let connection = Connection::open(path).map_err(|e| format!("cannot open: {e}"))?;
    let is_sqlite = |e: rusqlite::Error| {
        match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => format!(
            "is not an SQLite database ({e}). It is left as it is: move it away or choose another file"
        ),
        _ => format!("cannot read: {e}"),
    }
    };
    let kind: Option<String> = connection
        .query_row(
            "SELECT type FROM sqlite_master WHERE name = ?1 COLLATE NOCASE",
            [TABLE],
            |row| row.get(0),
        )
        .map(Some)
        .or_else(|e| match e {
            rusqlite::Error::QueryReturnedNoRows => Ok(None),
            e => Err(is_sqlite(e)),
        })?;
    if connection
        .is_readonly(rusqlite::MAIN_DB)
        .map_err(is_sqlite)?
    {
        return Err("is read-only".into());
    }
    match kind.as_deref() {
        None => {}
        Some("table") => check_columns(&connection)?,
        Some(other) => return Err(format!("`{TABLE}` is a {other}, not a table")),
    }
    connection
        .busy_timeout(BUSY_TIMEOUT)
        .map_err(|e| format!("cannot set a busy timeout: {e}"))?;
    Ok(connection)
}

/// One column as `PRAGMA table_info` describes it.
struct Column {
    name: String,
    declared: String,
    not_null: bool,
    has_default: bool,
}

fn columns(connection: &Connection) -> rusqlite::Result<Vec<Column>> {
    let mut info = connection.prepare(&format!("PRAGMA table_info(\"{TABLE}\")"))?;
    let columns = info
        .query_map([], |row| {
            Ok(Column {
                name: row.get(1)?,
                declared: row.get(2)?,
                not_null: row.get(3)?,
                has_default: row.get::<_, Option<String>>(4)?.is_some(),
            })
        })?
        .collect();
    columns
}

/// Compares an existing table with the one [`SCHEMA`] makes (built in memory, so the schema is
/// written once): every column the proxy writes or reads must be there with the same type
/// affinity, and no other column may need a value the proxy does not give.
fn check_columns(connection: &Connection) -> Result<(), String> {
    let expected = Connection::open_in_memory()
        .and_then(|memory| {
            memory.execute_batch(SCHEMA)?;
            columns(&memory)
        })
        .map_err(|e| format!("cannot build the expected table: {e}"))?;
    let found = columns(connection).map_err(|e| format!("cannot read `{TABLE}`: {e}"))?;
    let mut missing = Vec::new();
    let mut problems = Vec::new();
    for want in &expected {
        match found
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(&want.name))
        {
            None => missing.push(format!("`{}`", want.name)),
            Some(have) => {
                let (have_affinity, want_affinity) =
                    (affinity(&have.declared), affinity(&want.declared));
                if have_affinity != want_affinity {
                    problems.push(format!(
                        "column `{}` is {} ({have_affinity} affinity) where the proxy writes {want_affinity}",
                        want.name,
                        if have.declared.is_empty() { "untyped" } else { &have.declared },
                    ));
                }
                if have.not_null && !want.not_null && !have.has_default {
                    problems.push(format!(
                        "column `{}` is NOT NULL without a default and the proxy may leave it empty",
                        want.name
                    ));
                }
            }
        }
    }
    if !missing.is_empty() {
        problems.insert(0, format!("missing columns {}", missing.join(", ")));
    }
    for extra in &found {
        let known = expected
            .iter()
            .any(|c| c.name.eq_ignore_ascii_case(&extra.name));
        if !known && extra.not_null && !extra.has_default {
            problems.push(format!(
                "column `{}` is NOT NULL without a default and the proxy does not write it",
                extra.name
            ));
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    Err(format!(
        "the table `{TABLE}` is not the proxy's: {}. Rename or drop the table, or choose another file",
        problems.join("; ")
    ))
}

/// SQLite's type affinity of a declared column type (section 3.1 of its datatype page).
fn affinity(declared: &str) -> &'static str {
    let declared = declared.to_ascii_uppercase();
    if declared.contains("INT") {
        "INTEGER"
    } else if ["CHAR", "CLOB", "TEXT"]
        .iter()
        .any(|t| declared.contains(t))
    {
        "TEXT"
    } else if declared.is_empty() || declared.contains("BLOB") {
        "BLOB"
    } else if ["REAL", "FLOA", "DOUB"]
        .iter()
        .any(|t| declared.contains(t))
    {
        "REAL"
    } else {
        "NUMERIC"
    }
}

/// The journal mode, the size cap and the table, on a connection from [`open_checked`]; without
/// automatic checkpoints when [`checkpoint_loop`] runs.
fn prepare(
    connection: &Connection,
    max_bytes: Option<u64>,
    checkpoints_elsewhere: bool,
) -> rusqlite::Result<()> {
    // The page size first: switching to WAL writes the file's first page.
    connection.execute_batch(NEW_FILE_PRAGMAS)?;
    connection.execute_batch("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")?;
    if checkpoints_elsewhere {
        connection.query_row("PRAGMA wal_autocheckpoint=0", [], |_| Ok(()))?;
    }
    if let Some(max_bytes) = max_bytes {
        let page_size: i64 = connection.query_row("PRAGMA page_size", [], |row| row.get(0))?;
        let pages = (max_bytes / page_size.max(1) as u64).max(1);
        connection.query_row(&format!("PRAGMA max_page_count = {pages}"), [], |_| Ok(()))?;
    }
    connection.execute_batch(SCHEMA)?;
    connection.execute_batch(sqlite_keys::SCHEMA)
}

/// Checkpoints the WAL every [`CHECKPOINT_EVERY`] until `stop` closes. A passive checkpoint
/// does not block the writer; one that fails is tried again next time (a failing disk shows in
/// the writer's own errors).
fn checkpoint_loop(path: &Path, stop: &Receiver<()>) {
    let mut connection = None;
    while let Err(RecvTimeoutError::Timeout) = stop.recv_timeout(CHECKPOINT_EVERY) {
        if connection.is_none() {
            // Never creates the file: a removed one is the writer's to handle.
            connection = Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )
            .ok();
        }
        let checkpointed = connection.as_ref().map(checkpoint_once);
        if let Some(Err(_)) = checkpointed {
            connection = None;
        }
    }
}

/// One passive checkpoint: moves what the WAL holds into the database file, as far as readers
/// allow, without waiting for them.
fn checkpoint_once(connection: &Connection) -> rusqlite::Result<()> {
    connection.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
}

/// The writer thread's state.
struct Writer {
    path: PathBuf,
    max_bytes: Option<u64>,
    /// `None` after a failure: the next attempt opens the file afresh (it may have been replaced).
    connection: Option<Connection>,
    /// Whether [`prepare`] ran on `connection`.
    prepared: bool,
    /// Whether [`checkpoint_loop`] runs beside the writer.
    checkpoints_elsewhere: bool,
    shared: Arc<Shared>,
    reports: Reports,
}

impl Writer {
    fn run(mut self) {
        let (stop_checkpoints, stopped) = channel::<()>();
        std::thread::scope(|scope| {
            let path = self.path.clone();
            self.checkpoints_elsewhere = std::thread::Builder::new()
                .name("spend-checkpoint".into())
                .spawn_scoped(scope, move || checkpoint_loop(&path, &stopped))
                .is_ok();
            self.write_until_closed();
            drop(stop_checkpoints);
        });
        // Dropping the writer's connection, the last one, checkpoints and removes the WAL.
    }

    fn write_until_closed(&mut self) {
        let shared = self.shared.clone();
        shared.queue.drain(|batch| self.write(batch));
        if let Some(line) = self.reports.closing(&self.counts(), Instant::now()) {
            self.log(&line);
        }
    }

    fn reason(&self) -> Option<String> {
        self.shared
            .failure
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn failing(&self) -> bool {
        self.reason().is_some()
    }

    fn set_failure(&self, reason: Option<String>) {
        *self
            .shared
            .failure
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = reason;
    }

    fn counts(&self) -> Counts {
        Counts {
            dropped: self.shared.dropped.load(Ordering::Relaxed),
            overflowed: self.shared.overflowed.load(Ordering::Relaxed),
        }
    }

    fn log(&self, line: &str) {
        eprintln!("litellm-proxy: spend log {}: {line}", self.path.display());
    }

    /// Writes the batch, retrying as [`RETRY_DELAYS`] says; counts its rows as written or
    /// dropped either way.
    fn write(&mut self, batch: &mut [SpendRow]) {
        if batch.is_empty() {
            return;
        }
        let rows = batch.len() as u64;
        let attempts = if self.failing() {
            1
        } else {
            1 + RETRY_DELAYS.len()
        };
        let mut written = false;
        for attempt in 0..attempts {
            if let Some(delay) = attempt.checked_sub(1).and_then(|i| RETRY_DELAYS.get(i)) {
                std::thread::sleep(*delay);
            }
            match self.attempt(batch) {
                Ok(()) => {
                    written = true;
                    break;
                }
                Err(reason) => {
                    // A fresh connection for the next attempt: the file may have been replaced
                    // or the connection left in a bad state.
                    self.connection = None;
                    let first = !self.failing();
                    if let Some(line) = self.reports.failed(&reason, first, Instant::now()) {
                        self.log(&line);
                    }
                    self.set_failure(Some(reason));
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
        let counts = self.counts();
        let now = Instant::now();
        let line = if written && self.failing() {
            self.set_failure(None);
            self.reports.recovered(&counts, now)
        } else {
            self.reports.tick(&counts, now)
        };
        if let Some(line) = line {
            self.log(&line);
        }
    }

    fn attempt(&mut self, batch: &mut [SpendRow]) -> Result<(), String> {
        let connection = match &mut self.connection {
            Some(connection) => connection,
            None => {
                self.prepared = false;
                self.connection.insert(open_checked(&self.path)?)
            }
        };
        if !self.prepared {
            prepare(connection, self.max_bytes, self.checkpoints_elsewhere)
                .map_err(|e| e.to_string())?;
            self.prepared = true;
        }
        insert_batch(connection, batch).map_err(|e| e.to_string())
    }
}

/// Counters the log lines quote.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Counts {
    pub(super) dropped: u64,
    pub(super) overflowed: u64,
}

/// Decides the log lines about lost rows: the reason once when writes start failing, then at
/// most one line per [`REPORT_INTERVAL`] with the rows dropped since the last line; never one
/// per row or per batch.
#[derive(Default)]
pub(super) struct Reports {
    last_line: Option<Instant>,
    /// Counts as of the last line.
    reported: Counts,
    /// Why the last failed attempt failed.
    reason: Option<String>,
}

impl Reports {
    fn may_speak(&self, now: Instant) -> bool {
        self.last_line
            .is_none_or(|last| now.duration_since(last) >= REPORT_INTERVAL)
    }

    /// An attempt failed; `first` when the store was healthy until now.
    pub(super) fn failed(&mut self, reason: &str, first: bool, now: Instant) -> Option<String> {
        self.reason = Some(reason.to_string());
        if !first || !self.may_speak(now) {
            return None;
        }
        self.last_line = Some(now);
        Some(format!(
            "cannot write spend rows: {reason}; a batch is tried {} times, then its rows are dropped and counted in litellm_proxy_spend_rows_dropped_total (reported here at most once a minute)",
            1 + RETRY_DELAYS.len()
        ))
    }

    /// After a batch: rows dropped since the last line, if it is time.
    pub(super) fn tick(&mut self, counts: &Counts, now: Instant) -> Option<String> {
        if counts.dropped == self.reported.dropped || !self.may_speak(now) {
            return None;
        }
        Some(self.dropped_line(counts, now))
    }

    /// A batch was written after failures.
    pub(super) fn recovered(&mut self, counts: &Counts, now: Instant) -> Option<String> {
        if !self.may_speak(now) {
            return None;
        }
        let dropped = counts.dropped - self.reported.dropped;
        self.last_line = Some(now);
        self.reported = *counts;
        Some(format!(
            "writing spend rows again; {dropped} rows dropped since the last report ({} in all)",
            counts.dropped
        ))
    }

    /// The writer is stopping: drops not yet reported are reported now, whatever the interval.
    pub(super) fn closing(&mut self, counts: &Counts, now: Instant) -> Option<String> {
        if counts.dropped == self.reported.dropped {
            return None;
        }
        Some(self.dropped_line(counts, now))
    }

    /// Rows dropped since the last line and why: failed writes, a full queue, or both.
    fn dropped_line(&mut self, counts: &Counts, now: Instant) -> String {
        let dropped = counts.dropped - self.reported.dropped;
        let overflowed = counts.overflowed - self.reported.overflowed;
        let failed = dropped - overflowed;
        let mut why = Vec::new();
        if failed > 0 {
            let reason = self.reason.as_deref().unwrap_or("unknown");
            why.push(format!("{failed} could not be written ({reason})"));
        }
        if overflowed > 0 {
            why.push(format!(
                "{overflowed} found the queue of {QUEUE_CAPACITY} rows full"
            ));
        }
        let since = self.last_line.map_or(String::new(), |last| {
            format!(" in the last {} s", now.duration_since(last).as_secs())
        });
        self.last_line = Some(now);
        self.reported = *counts;
        format!(
            "{dropped} spend rows dropped{since} ({} in all): {}",
            counts.dropped,
            why.join(", ")
        )
    }
}

/// Parameters per row of the `INSERT`.
const PARAMS_PER_ROW: usize = 19;

/// `INSERT OR IGNORE ... VALUES (...), (...)` for `rows` rows. `OR IGNORE` rather than the
/// default `OR ABORT` or `OR REPLACE`: a statement that may abort half-way (a NOT NULL column
/// without a default, under either) makes SQLite keep a statement journal, a copy of every page
/// the statement changes, which spilled to a temporary file and cost more `pwrite`s than the
/// WAL. A request id is a fresh version 7 UUID, so no row is ignored in practice; the proxy never
/// binds NULL to a NOT NULL column.
fn insert_sql(rows: usize) -> String {
    let mut sql = String::from(
        "INSERT OR IGNORE INTO \"LiteLLM_SpendLogs\" (request_id, call_type, api_key, spend, total_tokens,
         prompt_tokens, completion_tokens, \"startTime\", \"endTime\", \"completionStartTime\", model, model_id,
         model_group, custom_llm_provider, api_base, \"user\", metadata, requester_ip_address, status) VALUES ",
    );
    for row in 0..rows {
        if row > 0 {
            sql.push(',');
        }
        sql.push_str("(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    }
    sql
}

/// The statements' text, built once: `prepare_cached` finds a statement by it.
fn insert_statements() -> &'static (String, String) {
    static SQL: std::sync::OnceLock<(String, String)> = std::sync::OnceLock::new();
    SQL.get_or_init(|| (insert_sql(ROWS_PER_INSERT), insert_sql(1)))
}

/// Buffers a row's text columns are formatted into; SQLite copies a value when it is bound, so
/// one set serves every row.
#[derive(Default)]
struct RowText {
    metadata: Vec<u8>,
    start: TimeText,
    end: TimeText,
    completion_start: TimeText,
    ip: String,
    /// The address `ip` holds: rows mostly come from a few clients.
    ip_of: Option<IpAddr>,
}

/// An [`iso_time`] text kept between rows: the rows of a batch mostly start and end within the
/// same second, where only the milliseconds change.
#[derive(Default)]
struct TimeText {
    /// The text in its 24-byte form, for the second `second`.
    digits: Option<(u64, [u8; 24])>,
    /// The text of a time past the year 9999.
    other: String,
}

impl TimeText {
    fn set(&mut self, time: SystemTime) {
        let since = time.duration_since(UNIX_EPOCH).unwrap_or_default();
        let second = since.as_secs();
        match &mut self.digits {
            Some((kept, digits)) if *kept == second => {
                let ms = since.subsec_millis();
                digits[20] = b'0' + (ms / 100) as u8;
                digits[21] = b'0' + (ms / 10 % 10) as u8;
                digits[22] = b'0' + (ms % 10) as u8;
            }
            _ => {
                write_iso_time(&mut self.other, time);
                self.digits = <[u8; 24]>::try_from(self.other.as_bytes())
                    .ok()
                    .map(|digits| (second, digits));
            }
        }
    }

    fn as_str(&self) -> &str {
        match &self.digits {
            Some((_, digits)) => std::str::from_utf8(digits).unwrap_or_default(),
            None => &self.other,
        }
    }
}

/// Binds `row` at parameters `first..first + PARAMS_PER_ROW` (1-based) of `insert`.
fn bind_row(
    insert: &mut rusqlite::CachedStatement<'_>,
    first: usize,
    row: &mut SpendRow,
    text: &mut RowText,
) -> rusqlite::Result<()> {
    use std::fmt::Write as _;
    let conversion =
        |e: Box<dyn std::error::Error + Send + Sync>| rusqlite::Error::ToSqlConversionFailure(e);
    text.metadata.clear();
    write_metadata(&mut text.metadata, &mut row.metadata, &row.usage)
        .map_err(|e| conversion(Box::new(e)))?;
    let metadata = std::str::from_utf8(&text.metadata).map_err(|e| conversion(Box::new(e)))?;
    text.start.set(row.start_time);
    text.end.set(row.end_time);
    if let Some(time) = row.completion_start_time {
        text.completion_start.set(time);
    }
    if text.ip_of != Some(row.requester_ip_address) {
        text.ip.clear();
        let _ = write!(text.ip, "{}", row.requester_ip_address);
        text.ip_of = Some(row.requester_ip_address);
    }
    let config = row.deployment.as_ref().map(|d| &d.config);
    let usage = &row.usage;
    let mut at = first;
    let mut bind = |value: &dyn rusqlite::ToSql| {
        let result = insert.raw_bind_parameter(at, value);
        at += 1;
        result
    };
    bind(&row.request_id)?;
    bind(&row.call_type)?;
    bind(&&*row.api_key_hash)?;
    bind(&row.spend)?;
    bind(&((usage.prompt_tokens + usage.completion_tokens) as i64))?;
    bind(&(usage.prompt_tokens as i64))?;
    bind(&(usage.completion_tokens as i64))?;
    bind(&text.start.as_str())?;
    bind(&text.end.as_str())?;
    bind(
        &row.completion_start_time
            .map(|_| text.completion_start.as_str()),
    )?;
    bind(&row.model)?;
    bind(&config.map_or("", |c| c.id.as_str()))?;
    bind(&row.model_group)?;
    bind(&config.map_or("", |c| c.provider.as_str()))?;
    bind(
        &row.deployment
            .as_ref()
            .map_or("", |d| d.shown_api_base.as_str()),
    )?;
    bind(&row.user)?;
    bind(&metadata)?;
    bind(&text.ip)?;
    bind(&row.status)
}

/// Writes `rows` in one transaction: 64 rows a statement through one prepared multi-row
/// `INSERT`, the rest one by one through another.
fn insert_batch(connection: &mut Connection, rows: &mut [SpendRow]) -> rusqlite::Result<()> {
    let (many, one) = insert_statements();
    let transaction = connection.transaction()?;
    {
        // Each key's share of the batch, added to its row in the same transaction.
        // Consecutive rows of one key share its hash (`Arc::ptr_eq`), so a run of them is
        // summed before the map is touched.
        let mut spends: HashMap<&str, f64> = HashMap::new();
        let mut run: Option<(&Arc<str>, f64)> = None;
        for row in rows.iter() {
            if row.spend > 0.0 && !row.api_key_hash.is_empty() {
                match &mut run {
                    Some((key, sum)) if Arc::ptr_eq(key, &row.api_key_hash) => *sum += row.spend,
                    _ => {
                        if let Some((key, sum)) = run.replace((&row.api_key_hash, row.spend)) {
                            *spends.entry(&**key).or_default() += sum;
                        }
                    }
                }
            }
        }
        if let Some((key, sum)) = run {
            *spends.entry(&**key).or_default() += sum;
        }
        let spends: Vec<(&str, f64)> = spends.into_iter().collect();
        sqlite_keys::add_spend(&transaction, &spends)?;
    }
    {
        let mut logged: Vec<&mut SpendRow> = Vec::with_capacity(rows.len());
        logged.extend(rows.iter_mut().filter(|r| r.logged));
        let mut text = RowText::default();
        let mut chunks = logged.chunks_exact_mut(ROWS_PER_INSERT);
        if chunks.len() > 0 {
            let mut insert = transaction.prepare_cached(many)?;
            for chunk in &mut chunks {
                for (i, row) in chunk.iter_mut().enumerate() {
                    bind_row(&mut insert, 1 + i * PARAMS_PER_ROW, row, &mut text)?;
                }
                insert.raw_execute()?;
            }
        }
        let rest = chunks.into_remainder();
        if !rest.is_empty() {
            let mut insert = transaction.prepare_cached(one)?;
            for row in rest.iter_mut() {
                bind_row(&mut insert, 1, row, &mut text)?;
                insert.raw_execute()?;
            }
        }
    }
    transaction.commit()
}

/// The row's `metadata` column: the client's metadata with `usage_object` added last, as
/// compact JSON. The usage object is written straight into the buffer (it is the same text
/// `serde_json` gives [`usage_object`]) instead of being built as a map per row; a client
/// metadata that already has the key, or is not an object, takes the general path.
fn write_metadata(
    out: &mut Vec<u8>,
    metadata: &mut Value,
    usage: &Usage,
) -> serde_json::Result<()> {
    match metadata {
        Value::Object(map) if !map.contains_key("usage_object") => {
            if map.is_empty() {
                out.push(b'{');
            } else {
                serde_json::to_writer(&mut *out, &*map)?;
                // `{...}` -> `{...,"usage_object":{...}}`
                out.pop();
            }
            if map.is_empty() {
                out.extend_from_slice(b"\"usage_object\":");
            } else {
                out.extend_from_slice(b",\"usage_object\":");
            }
            let fields = [
                (&b"{\"prompt_tokens\":"[..], usage.prompt_tokens),
                (b",\"completion_tokens\":", usage.completion_tokens),
                (
                    b",\"total_tokens\":",
                    usage.prompt_tokens + usage.completion_tokens,
                ),
                (
                    b",\"prompt_tokens_details\":{\"cached_tokens\":",
                    usage.cached_tokens,
                ),
                (
                    b"},\"completion_tokens_details\":{\"reasoning_tokens\":",
                    usage.reasoning_tokens,
                ),
            ];
            for (key, value) in fields {
                out.extend_from_slice(key);
                push_u64(out, value);
            }
            out.push(b'}');
            if usage.cached_tokens > 0 || usage.cache_creation_tokens > 0 {
                out.extend_from_slice(b",\"cache_read_input_tokens\":");
                push_u64(out, usage.cached_tokens);
                out.extend_from_slice(b",\"cache_creation_input_tokens\":");
                push_u64(out, usage.cache_creation_tokens);
            }
            out.push(b'}');
            out.push(b'}');
            Ok(())
        }
        other => {
            if let Value::Object(map) = other {
                map.insert("usage_object".into(), usage_object(usage));
            }
            serde_json::to_writer(&mut *out, &*other)
        }
    }
}

/// `value` in decimal, without `core::fmt`.
fn push_u64(out: &mut Vec<u8>, mut value: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

/// The usage LiteLLM keeps in a spend row's `metadata.usage_object`, cache counts included.
pub(super) fn usage_object(usage: &Usage) -> Value {
    let mut object = json!({
        "prompt_tokens": usage.prompt_tokens,
        "completion_tokens": usage.completion_tokens,
        "total_tokens": usage.prompt_tokens + usage.completion_tokens,
        "prompt_tokens_details": {"cached_tokens": usage.cached_tokens},
        "completion_tokens_details": {"reasoning_tokens": usage.reasoning_tokens},
    });
    if usage.cached_tokens > 0 || usage.cache_creation_tokens > 0 {
        object["cache_read_input_tokens"] = json!(usage.cached_tokens);
        object["cache_creation_input_tokens"] = json!(usage.cache_creation_tokens);
    }
    object
}

/// `/spend/logs` query parameters.
#[derive(Debug, Clone, Default)]
pub struct SpendQuery {
    pub api_key: Option<String>,
    pub user_id: Option<String>,
    pub request_id: Option<String>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub summarize: bool,
}

/// Answers `/spend/logs` as LiteLLM does: rows newest first (at most 10 000), or with both dates
/// and `summarize`, one object per day padded with zero days up to `end_date`.
pub fn query(path: &Path, q: &SpendQuery) -> Result<Value, String> {
    let connection = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| format!("cannot open spend logs: {e}"))?;
    let mut sql = String::from(
        "SELECT request_id, call_type, api_key, spend, total_tokens, prompt_tokens, completion_tokens, \"startTime\",
         \"endTime\", \"completionStartTime\", model, model_id, model_group, custom_llm_provider, api_base, \"user\",
         metadata, cache_hit, cache_key, request_tags, requester_ip_address, status FROM \"LiteLLM_SpendLogs\" WHERE 1=1",
    );
    let mut args: Vec<String> = Vec::new();
    if let Some(key) = &q.api_key {
        let hashed = if key.starts_with("sk-") {
            crate::auth::hash_key(key)
        } else {
            key.clone()
        };
        args.push(hashed);
        sql.push_str(&format!(" AND api_key = ?{}", args.len()));
    }
    if let Some(user) = &q.user_id {
        args.push(user.clone());
        sql.push_str(&format!(" AND \"user\" = ?{}", args.len()));
    }
    if let Some(id) = &q.request_id {
        args.push(id.clone());
        sql.push_str(&format!(" AND request_id = ?{}", args.len()));
    }
    let dated = q.start_date.is_some() && q.end_date.is_some();
    if let (Some(start), Some(end)) = (&q.start_date, &q.end_date) {
        let (start, end) = (parse_date(start)?, parse_date(end)?);
        args.push(format_date(start));
        sql.push_str(&format!(" AND \"startTime\" >= ?{}", args.len()));
        args.push(format_date(end + 1));
        sql.push_str(&format!(" AND \"startTime\" < ?{}", args.len()));
    }
    sql.push_str(" ORDER BY \"startTime\" DESC LIMIT 10000");
    let mut statement = match connection.prepare(&sql) {
        Ok(statement) => statement,
        // The writer creates the table just after start; until then there is nothing to show.
        Err(e) if e.to_string().contains("no such table") => return Ok(Value::Array(Vec::new())),
        Err(e) => return Err(e.to_string()),
    };
    let rows = statement
        .query_map(rusqlite::params_from_iter(args.iter()), row_json)
        .map_err(|e| e.to_string())?
        .collect::<Result<Vec<Value>, _>>()
        .map_err(|e| e.to_string())?;
    if !(dated && q.summarize) {
        return Ok(Value::Array(rows));
    }
    summarize_by_day(&rows, q)
}

fn row_json(row: &rusqlite::Row<'_>) -> rusqlite::Result<Value> {
    let text = |i: usize| -> rusqlite::Result<Value> {
        Ok(row
            .get::<_, Option<String>>(i)?
            .map_or(Value::Null, Value::String))
    };
    let metadata: String = row.get(16)?;
    let tags: String = row.get(19)?;
    Ok(json!({
        "request_id": text(0)?,
        "call_type": text(1)?,
        "api_key": text(2)?,
        "spend": row.get::<_, f64>(3)?,
        "total_tokens": row.get::<_, i64>(4)?,
        "prompt_tokens": row.get::<_, i64>(5)?,
        "completion_tokens": row.get::<_, i64>(6)?,
        "startTime": text(7)?,
        "endTime": text(8)?,
        "completionStartTime": text(9)?,
        "model": text(10)?,
        "model_id": text(11)?,
        "model_group": text(12)?,
        "custom_llm_provider": text(13)?,
        "api_base": text(14)?,
        "user": text(15)?,
        "metadata": serde_json::from_str::<Value>(&metadata).unwrap_or(Value::Object(Map::new())),
        "cache_hit": text(17)?,
        "cache_key": text(18)?,
        "request_tags": serde_json::from_str::<Value>(&tags).unwrap_or(Value::Array(Vec::new())),
        "requester_ip_address": text(20)?,
        "status": text(21)?,
        "messages": {},
        "response": {},
    }))
}

/// Total, per user, per model.
type DaySpend = (f64, BTreeMap<String, f64>, BTreeMap<String, f64>);

pub(super) fn summarize_by_day(rows: &[Value], q: &SpendQuery) -> Result<Value, String> {
    let (Some(start), Some(end)) = (&q.start_date, &q.end_date) else {
        return Ok(Value::Array(Vec::new()));
    };
    let (start, end) = (parse_date(start)?, parse_date(end)?);
    let mut days: BTreeMap<i64, DaySpend> = BTreeMap::new();
    for day in start..=end {
        days.insert(day, (0.0, BTreeMap::new(), BTreeMap::new()));
    }
    for row in rows {
        let Some(day) = row["startTime"]
            .as_str()
            .and_then(|t| parse_date(t.get(..10)?).ok())
        else {
            continue;
        };
        let spend = row["spend"].as_f64().unwrap_or(0.0);
        if let Some((total, users, models)) = days.get_mut(&day) {
            *total += spend;
            *users
                .entry(row["user"].as_str().unwrap_or("").to_string())
                .or_default() += spend;
            *models
                .entry(row["model"].as_str().unwrap_or("").to_string())
                .or_default() += spend;
        }
    }
    Ok(Value::Array(
        days.into_iter()
            .map(|(day, (spend, users, models))| json!({"startTime": format_date(day), "spend": spend, "users": users, "models": models}))
            .collect(),
    ))
}

/// `YYYY-MM-DD` to days since 1970-01-01.
pub(super) fn parse_date(text: &str) -> Result<i64, String> {
    let bad = || format!("invalid date `{text}`: expected YYYY-MM-DD");
    let mut parts = text.splitn(3, '-');
    let mut next = || {
        parts
            .next()
            .and_then(|p| p.parse::<i64>().ok())
            .ok_or_else(bad)
    };
    let (y, m, d) = (next()?, next()?, next()?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return Err(bad());
    }
    Ok(days_from_civil(y, m, d))
}

pub(super) fn format_date(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// `2026-11-24T07:50:00.123Z`.
pub fn iso_time(time: SystemTime) -> String {
    let mut text = String::with_capacity(24);
    write_iso_time(&mut text, time);
    text
}

/// [`iso_time`] into a reused buffer. The digits are put in place by hand: through
/// `core::fmt` the two times of a spend row cost more than the rest of its formatting.
fn write_iso_time(out: &mut String, time: SystemTime) {
    let since = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = since.as_secs() as i64;
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let rem = secs.rem_euclid(86_400);
    out.clear();
    if !(0..=9999).contains(&y) {
        use std::fmt::Write;
        let _ = write!(
            out,
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
            rem / 3600,
            rem % 3600 / 60,
            rem % 60,
            since.subsec_millis()
        );
        return;
    }
    let mut text = *b"0000-00-00T00:00:00.000Z";
    let mut put = |end: usize, mut value: i64| {
        // Right to left, from the last digit's position down to the field's separator.
        let mut at = end;
        loop {
            text[at] = b'0' + (value % 10) as u8;
            value /= 10;
            if at == 0 || !text[at - 1].is_ascii_digit() {
                break;
            }
            at -= 1;
        }
    };
    put(3, y);
    put(6, m);
    put(9, d);
    put(12, rem / 3600);
    put(15, rem % 3600 / 60);
    put(18, rem % 60);
    put(22, i64::from(since.subsec_millis()));
    out.push_str(std::str::from_utf8(&text).unwrap_or_default());
}

/// Days in month `m` of year `y`.
pub(crate) fn days_in_month(y: i64, m: i64) -> i64 {
    let next = if m == 12 {
        days_from_civil(y + 1, 1, 1)
    } else {
        days_from_civil(y, m + 1, 1)
    };
    next - days_from_civil(y, m, 1)
}

/// [`iso_time`]'s text (`2026-11-24T07:50:00.123Z`, the fraction optional) back to milliseconds
/// since the epoch.
pub fn parse_iso_time(text: &str) -> Option<i64> {
    let text = text.trim().trim_end_matches('Z');
    let (date, time) = text.split_once(['T', ' '])?;
    let days = parse_date(date).ok()?;
    let (clock, fraction) = time.split_once('.').unwrap_or((time, "0"));
    let mut parts = clock.splitn(3, ':').map(|p| p.parse::<i64>().ok());
    let (h, m, s) = (parts.next()??, parts.next()??, parts.next()??);
    let digits: String = fraction
        .chars()
        .take_while(char::is_ascii_digit)
        .chain(std::iter::repeat('0'))
        .take(3)
        .collect();
    let millis: i64 = digits.parse().ok()?;
    Some(((days * 86_400 + h * 3600 + m * 60 + s) * 1000) + millis)
}

// Howard Hinnant's days-from-civil algorithms.
pub(crate) fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

pub(crate) fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_is_the_text_serde_json_gives() {
        let usages = [
            Usage::default(),
            Usage {
                prompt_tokens: 12,
                completion_tokens: 7,
                cached_tokens: 3,
                cache_creation_tokens: 0,
                reasoning_tokens: 2,
            },
            Usage {
                prompt_tokens: 1,
                completion_tokens: 0,
                cached_tokens: 0,
                cache_creation_tokens: 9,
                reasoning_tokens: 0,
            },
        ];
        let metadatas = [
            json!({}),
            json!({"tags": ["a", "b"], "note": "q\"uote"}),
            json!({"usage_object": "theirs", "x": 1}),
            json!(null),
            json!([1, 2]),
        ];
        for usage in &usages {
            for metadata in &metadatas {
                let mut expected_value = metadata.clone();
                if let Value::Object(map) = &mut expected_value {
                    map.insert("usage_object".into(), usage_object(usage));
                }
                let expected = serde_json::to_string(&expected_value).unwrap();
                let mut out = Vec::new();
                write_metadata(&mut out, &mut metadata.clone(), usage).unwrap();
                assert_eq!(String::from_utf8(out).unwrap(), expected);
            }
        }
    }

    #[test]
    fn iso_times_parse_back() {
        for ms in [0, 86_400_123, 1_764_672_000_999] {
            let time = UNIX_EPOCH + Duration::from_millis(ms as u64);
            assert_eq!(parse_iso_time(&iso_time(time)), Some(ms));
        }
        assert_eq!(parse_iso_time("1970-01-01T00:00:01Z"), Some(1000));
        assert_eq!(parse_iso_time("garbage"), None);
    }

    #[test]
    fn iso_times_are_the_text_core_fmt_gives_and_the_kept_text_follows_each_row() {
        let reference = |time: SystemTime| {
            let since = time.duration_since(UNIX_EPOCH).unwrap_or_default();
            let secs = since.as_secs() as i64;
            let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
            let rem = secs.rem_euclid(86_400);
            format!(
                "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
                rem / 3600,
                rem % 3600 / 60,
                rem % 60,
                since.subsec_millis()
            )
        };
        let mut kept = TimeText::default();
        let mut ms: u64 = 0;
        // Every field's digits move; the same second twice in a row, then a new one.
        for step in [
            0,
            1,
            999,
            1,
            59_000,
            3_600_000,
            86_400_000,
            1_764_672_000_999,
            7,
            400_000_000_000_000,
            3,
        ] {
            ms += step;
            let time = UNIX_EPOCH + Duration::from_millis(ms);
            assert_eq!(iso_time(time), reference(time), "{ms}");
            kept.set(time);
            assert_eq!(kept.as_str(), reference(time), "{ms}, kept");
        }
        let far = iso_time(UNIX_EPOCH + Duration::from_millis(ms));
        assert_eq!(
            far.find('-'),
            Some(5),
            "{far}: a year past 9999 takes core::fmt's path"
        );
    }

    #[test]
    fn dates_round_trip() {
        assert_eq!(
            format_date(parse_date("2024-02-29").unwrap_or(0)),
            "2024-02-29"
        );
        assert_eq!(
            iso_time(UNIX_EPOCH + Duration::from_millis(86_400_123)),
            "1970-01-02T00:00:00.123Z"
        );
        assert!(parse_date("2024-13-01").is_err());
    }

    fn row(i: usize) -> SpendRow {
        SpendRow {
            request_id: format!("req-{i}"),
            call_type: "acompletion",
            user: if i == 0 { "alice".into() } else { "bob".into() },
            spend: 0.5,
            start_time: SystemTime::now(),
            end_time: SystemTime::now(),
            api_key_hash: Arc::from(""),
            usage: Usage {
                prompt_tokens: 1,
                completion_tokens: 2,
                ..Usage::default()
            },
            completion_start_time: None,
            model: "m".into(),
            deployment: None,
            model_group: "g".into(),
            metadata: json!({}),
            requester_ip_address: IpAddr::from([127, 0, 0, 1]),
            status: "success",
            logged: true,
        }
    }

    /// The thread's CPU time so far (user, system), in seconds.
    fn thread_cpu() -> (f64, f64) {
        let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap_or_default();
        // After the command name, which may hold spaces: fields 3 on; utime and stime are 14, 15.
        let fields: Vec<&str> = stat
            .rsplit_once(')')
            .map_or("", |(_, rest)| rest)
            .split_whitespace()
            .collect();
        let ticks = |i: usize| fields.get(i - 3).and_then(|f| f.parse::<f64>().ok());
        // CLK_TCK is 100 on Linux for every architecture this runs on.
        (
            ticks(14).unwrap_or(0.0) / 100.0,
            ticks(15).unwrap_or(0.0) / 100.0,
        )
    }

    /// What the writer does with one gathered batch, and the checkpoint thread's turn when it
    /// is due: the code `writer_workload` measures (`--toggle-collect=*measured_step*`).
    #[inline(never)]
    fn measured_step(
        writer: &mut Writer,
        mut rows: Vec<SpendRow>,
        checkpoint: Option<&Connection>,
    ) {
        writer.write(&mut rows);
        drop(rows);
        if let Some(connection) = checkpoint {
            checkpoint_once(connection).unwrap_or_else(|e| panic!("checkpoint: {e}"));
        }
    }

    /// Not a test: a fixed workload of the store's writer for `valgrind --tool=callgrind`,
    /// whose instruction counts do not move with other load (docs/performance.md). Writes
    /// `SPEND_BENCH_ROWS` rows (default 104,000) through the writer's own path in batches of
    /// `SPEND_BENCH_BATCH` (default 2,600: what gathers in 100 ms at 26,000 requests a second),
    /// with a passive checkpoint every 10 batches (the checkpoint thread's once a second). The
    /// rows are built before, as requests build them, like the proxy's under `proxy_load.sh`.
    /// Prints the thread's CPU time per row, to turn instructions into microseconds.
    ///
    /// `cargo test --release -p litellm-proxy --lib writer_workload -- --ignored --nocapture`
    #[test]
    #[ignore = "a benchmark driver, run by hand"]
    fn writer_workload() {
        let setting = |name: &str, default: usize| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(default)
        };
        let (total, per_batch) = (
            setting("SPEND_BENCH_ROWS", 104_000),
            setting("SPEND_BENCH_BATCH", 2_600),
        );
        let path = scratch("workload");
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("{e}"));
        }
        let config = crate::config::ProxyConfig::from_text(
            &json!({"model_list": [{"model_name": "gpt-4o", "litellm_params": {
                "model": "openai/gpt-4o", "api_base": "http://127.0.0.1:40000/v1",
                "api_key": "sk-upstream"}}]})
            .to_string(),
            &litellm_check::env::Environment::empty(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let router = crate::router::Router::new(config.deployments, config.aliases, config.router);
        let deployment = router.deployments.first().cloned();
        let key_hash: Arc<str> = crate::auth::hash_key("sk-bench-master-key").into();
        let request = |_| {
            let now = SystemTime::now();
            SpendRow {
                request_id: crate::accounting::call_id(),
                call_type: "acompletion",
                api_key_hash: key_hash.clone(),
                spend: 0.000_115,
                usage: Usage {
                    prompt_tokens: 11,
                    completion_tokens: 9,
                    ..Usage::default()
                },
                start_time: now,
                end_time: now,
                completion_start_time: None,
                model: "gpt-4o".to_string(),
                deployment: deployment.clone(),
                model_group: "gpt-4o".to_string(),
                user: String::new(),
                metadata: Value::Object(Map::new()),
                requester_ip_address: IpAddr::from([127, 0, 0, 1]),
                status: "success",
                logged: true,
            }
        };
        let shared = Arc::new(Shared::default());
        let mut writer = Writer {
            path: path.clone(),
            max_bytes: None,
            connection: Some(open_checked(&path).unwrap_or_else(|e| panic!("{e}"))),
            prepared: false,
            checkpoints_elsewhere: true,
            shared: shared.clone(),
            reports: Reports::default(),
        };
        // The table exists from the first batch on, outside the measured batches.
        shared.pending.fetch_add(1, Ordering::Relaxed);
        writer.write(&mut [request(0)]);
        let checkpointer = Connection::open(&path).unwrap_or_else(|e| panic!("{e}"));
        let batches: Vec<Vec<SpendRow>> = (0..total.div_ceil(per_batch))
            .map(|b| {
                (b * per_batch..total.min((b + 1) * per_batch))
                    .map(request)
                    .collect()
            })
            .collect();
        shared.pending.fetch_add(total as u64, Ordering::Relaxed);
        let (user, system) = thread_cpu();
        let started = Instant::now();
        for (i, batch) in batches.into_iter().enumerate() {
            measured_step(&mut writer, batch, (i % 10 == 9).then_some(&checkpointer));
        }
        let wall = started.elapsed().as_secs_f64();
        let (user_after, system_after) = thread_cpu();
        let per_row = |seconds: f64| seconds * 1e6 / total as f64;
        println!(
            "writer_workload: {total} rows in batches of {per_batch}: {:.2} us CPU a row (user {:.2}, system {:.2}), {:.2} us wall a row",
            per_row(user_after - user + system_after - system),
            per_row(user_after - user),
            per_row(system_after - system),
            per_row(wall),
        );
        assert_eq!(shared.written.load(Ordering::Relaxed), total as u64 + 1);
        let size = |p: &Path| std::fs::metadata(p).map_or(0, |m| m.len());
        println!(
            "writer_workload: database {} bytes, WAL {} bytes",
            size(&path),
            size(&path.with_extension("sqlite-wal"))
        );
    }

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("litellm-spend-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir.join("spend.sqlite")
    }

    fn open(path: &Path, max_bytes: Option<u64>) -> SpendStore {
        SpendStore::open(path, max_bytes).unwrap_or_else(|e| panic!("open: {e}"))
    }

    #[test]
    fn rows_survive_close_and_are_queried_back() {
        let path = scratch("close");
        let store = open(&path, None);
        for i in 0..3 {
            store.record(row(i));
        }
        store.close();
        assert_eq!(
            store.stats(),
            SpendStats {
                written: 3,
                ..SpendStats::default()
            }
        );
        let all = query(&path, &SpendQuery::default()).unwrap_or_default();
        assert_eq!(all.as_array().map(Vec::len), Some(3));
        let alice = query(
            &path,
            &SpendQuery {
                user_id: Some("alice".into()),
                ..SpendQuery::default()
            },
        )
        .unwrap_or_default();
        assert_eq!(alice[0]["request_id"], "req-0");
    }

    #[test]
    fn rows_that_do_not_fit_are_counted_exactly_and_the_store_says_why() {
        let path = scratch("full");
        // Ten 16 KiB pages: the empty tables and indexes take seven.
        let store = open(&path, Some(10 * 16 * 1024));
        // In several batches: a batch is one transaction, written whole or dropped whole.
        for batch in 0..30 {
            for i in 0..10 {
                store.record(row(batch * 10 + i));
            }
            while store.stats().pending > 0 {
                std::thread::sleep(Duration::from_millis(10));
            }
        }
        store.close();
        let stats = store.stats();
        let on_disk = query(&path, &SpendQuery::default())
            .ok()
            .and_then(|rows| rows.as_array().map(Vec::len))
            .unwrap_or(0) as u64;
        assert!(on_disk > 0 && stats.dropped > 0, "{stats:?}");
        assert_eq!(
            (stats.written, stats.written + stats.dropped, stats.pending),
            (on_disk, 300, 0)
        );
        assert!(
            stats.failure.as_deref().is_some_and(|f| f.contains("full")),
            "{stats:?}"
        );
        store.record(row(0));
        assert_eq!(
            store.stats().dropped,
            stats.dropped + 1,
            "a row after the stop is counted too"
        );
    }

    #[test]
    fn the_wal_is_checkpointed_beside_the_writer_while_the_store_runs() {
        let path = scratch("checkpoint");
        let store = open(&path, None);
        for i in 0..300 {
            store.record(row(i));
        }
        while store.stats().written < 300 {
            std::thread::sleep(Duration::from_millis(10));
        }
        // SQLite's own checkpoint waits for 1,000 WAL pages; these rows fill a few dozen.
        let in_file = || std::fs::metadata(&path).map_or(0, |m| m.len()) > 16 * 4096;
        let mut waited = Duration::ZERO;
        while !in_file() && waited < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(50));
            waited += Duration::from_millis(50);
        }
        assert!(
            in_file(),
            "the rows are in the database file, not only in the WAL"
        );
        store.close();
    }

    fn shape_error(create: &str) -> String {
        let connection = Connection::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
        connection
            .execute_batch(create)
            .unwrap_or_else(|e| panic!("{e}"));
        check_columns(&connection).err().unwrap_or_default()
    }

    #[test]
    fn the_table_shape_is_compared_with_the_schema_by_affinity_and_nullability() {
        assert_eq!(shape_error(SCHEMA), "", "the proxy's own table passes");
        let widened = SCHEMA
            .replace("spend REAL", "spend DOUBLE PRECISION")
            .replace(
                "status TEXT DEFAULT 'success'",
                "status VARCHAR(16), team TEXT, region TEXT NOT NULL DEFAULT 'eu'",
            );
        assert_eq!(
            shape_error(&widened),
            "",
            "same affinities, optional extras"
        );
        let wrong = SCHEMA
            .replace("spend REAL NOT NULL DEFAULT 0", "spend TEXT")
            .replace(
                "\"completionStartTime\" TEXT,",
                "\"completionStartTime\" TEXT NOT NULL,",
            )
            .replace(
                "    status TEXT DEFAULT 'success'\n",
                "    team TEXT NOT NULL\n",
            );
        let error = shape_error(&wrong);
        for part in [
            "the table `LiteLLM_SpendLogs` is not the proxy's: missing columns `status`; ",
            "column `spend` is TEXT (TEXT affinity) where the proxy writes REAL",
            "column `completionStartTime` is NOT NULL without a default and the proxy may leave it empty",
            "column `team` is NOT NULL without a default and the proxy does not write it",
        ] {
            assert!(error.contains(part), "`{part}` in {error}");
        }
        assert_eq!(
            [
                affinity("BIGINT"),
                affinity("varchar(5)"),
                affinity(""),
                affinity("FLOAT"),
                affinity("DECIMAL(10,5)")
            ],
            ["INTEGER", "TEXT", "BLOB", "REAL", "NUMERIC"]
        );
    }

    #[test]
    fn a_view_in_the_tables_place_is_refused() {
        let path = scratch("view");
        let _ = std::fs::create_dir_all(path.parent().unwrap_or(Path::new(".")));
        let other = Connection::open(&path).unwrap_or_else(|e| panic!("{e}"));
        other
            .execute_batch("CREATE VIEW \"LiteLLM_SpendLogs\" AS SELECT 1 AS request_id")
            .unwrap_or_else(|e| panic!("{e}"));
        let refused = SpendStore::open(&path, None).err().unwrap_or_default();
        assert!(refused.contains("is a view, not a table"), "{refused}");
    }

    #[test]
    fn the_log_says_why_once_then_at_most_once_an_interval_with_the_count_since() {
        let mut reports = Reports::default();
        let start = Instant::now();
        let at = |seconds: u64| start + Duration::from_secs(seconds);
        let counts = |dropped, overflowed| Counts {
            dropped,
            overflowed,
        };
        let first = reports.failed("database or disk is full", true, at(0));
        assert!(first.is_some_and(
            |line| line.starts_with("cannot write spend rows: database or disk is full;")
        ));
        assert_eq!(
            reports.failed("database or disk is full", false, at(1)),
            None,
            "not per attempt"
        );
        assert_eq!(reports.tick(&counts(4096, 0), at(2)), None, "not per batch");
        assert_eq!(reports.tick(&counts(9000, 0), at(59)), None);
        assert_eq!(
            reports.tick(&counts(9000, 10), at(60)).as_deref(),
            Some("9000 spend rows dropped in the last 60 s (9000 in all): 8990 could not be written (database or disk is full), 10 found the queue of 65536 rows full")
        );
        assert_eq!(
            reports.tick(&counts(9000, 10), at(200)),
            None,
            "nothing new, nothing said"
        );
        assert_eq!(
            reports.recovered(&counts(9100, 10), at(230)).as_deref(),
            Some("writing spend rows again; 100 rows dropped since the last report (9100 in all)")
        );
        assert_eq!(
            reports.failed("disk I/O error", true, at(240)),
            None,
            "a flapping store is not a line per flap"
        );
        assert_eq!(reports.closing(&counts(9100, 10), at(241)), None);
        assert_eq!(
            reports.closing(&counts(9150, 10), at(250)).as_deref(),
            Some("50 spend rows dropped in the last 20 s (9150 in all): 50 could not be written (disk I/O error)"),
            "the stop reports what is left, whatever the interval"
        );
        let mut quiet = Reports::default();
        assert!(
            quiet
                .tick(&counts(3, 3), at(0))
                .is_some_and(|line| line.ends_with("3 found the queue of 65536 rows full")),
            "a full queue on a healthy store is said at once"
        );
    }
}
