//! Spend logs in an embedded SQLite file, in LiteLLM's `LiteLLM_SpendLogs` row shape.
//!
//! Requests never wait on the disk: rows go through a bounded channel to one writer thread that
//! commits them in batches. A clean shutdown closes the channel and waits for the writer, so no
//! queued row is lost; a full queue drops the row and counts it.

use super::router::Deployment;
use super::sse::Usage;
use rusqlite::{params, Connection, OpenFlags};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Rows that may wait for the writer; beyond it rows are dropped (and counted), never unbounded.
/// The channel preallocates its slots, so rows travel boxed: 16 bytes a slot, not a whole row.
const QUEUE_CAPACITY: usize = 65_536;
/// Rows per transaction at most.
const BATCH: usize = 4096;
/// How long the writer lets rows gather before a commit: one transaction per interval instead of
/// one per row keeps the writer's CPU small under load (a row is on disk well under a second
/// after its request).
const GATHER: Duration = Duration::from_millis(100);

/// One request's row. Built on a serving thread and written on the writer's, so it holds what is
/// cheap to build there; the writer formats times, the metadata and the deployment's columns.
pub struct SpendRow {
    pub request_id: String,
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

pub struct SpendStore {
    path: PathBuf,
    sender: Mutex<Option<SyncSender<Box<SpendRow>>>>,
    writer: Mutex<Option<JoinHandle<()>>>,
    dropped: Arc<AtomicU64>,
    written: Arc<AtomicU64>,
}

impl SpendStore {
    /// Creates the file now (so a bad path stops the start) and starts the writer, which sets up
    /// the table off the start-up path: a new SQLite file costs several fsyncs.
    pub fn open(path: &Path) -> Result<Self, String> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| format!("cannot open spend log database {}: {e}", path.display()))?;
        let (sender, receiver) = sync_channel(QUEUE_CAPACITY);
        let written = Arc::new(AtomicU64::new(0));
        let dropped = Arc::new(AtomicU64::new(0));
        let (counter, lost) = (written.clone(), dropped.clone());
        let db_path = path.to_path_buf();
        let writer = std::thread::Builder::new()
            .name("spend-writer".into())
            .spawn(move || match open_writer(&db_path) {
                Ok(connection) => write_loop(connection, receiver, &counter),
                Err(e) => {
                    eprintln!("litellm-proxy: spend logs disabled: {e}");
                    while receiver.recv().is_ok() {
                        lost.fetch_add(1, Ordering::Relaxed);
                    }
                }
            })
            .map_err(|e| format!("cannot start the spend log writer: {e}"))?;
        Ok(SpendStore {
            path: path.to_path_buf(),
            sender: Mutex::new(Some(sender)),
            writer: Mutex::new(Some(writer)),
            dropped,
            written,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Queues a row; never blocks.
    pub fn record(&self, row: SpendRow) {
        let sender = self.sender.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(sender) = sender.as_ref() else {
            self.dropped.fetch_add(1, Ordering::Relaxed);
            return;
        };
        if let Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) =
            sender.try_send(Box::new(row))
        {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    pub fn dropped_rows(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    pub fn written_rows(&self) -> u64 {
        self.written.load(Ordering::Relaxed)
    }

    /// Writes every queued row and stops the writer (blocking; call off the async runtime).
    pub fn close(&self) {
        self.sender
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
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

impl Drop for SpendStore {
    fn drop(&mut self) {
        self.close();
    }
}

fn open_writer(path: &Path) -> Result<Connection, String> {
    let connection = Connection::open(path)
        .map_err(|e| format!("cannot open spend log database {}: {e}", path.display()))?;
    connection
        .execute_batch("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")
        .and_then(|()| connection.execute_batch(SCHEMA))
        .map_err(|e| {
            format!(
                "cannot create the spend log table in {}: {e}",
                path.display()
            )
        })?;
    Ok(connection)
}

fn write_loop(mut connection: Connection, receiver: Receiver<Box<SpendRow>>, written: &AtomicU64) {
    while let Ok(first) = receiver.recv() {
        // Sleep rather than wait on the channel: a sleeping writer is not woken per row, so a
        // request's send costs no futex wake-up and the writer no context switch per row.
        std::thread::sleep(GATHER);
        let mut batch = vec![first];
        loop {
            match receiver.try_recv() {
                Ok(row) => batch.push(row),
                Err(_) => break,
            }
            if batch.len() == BATCH {
                commit(&mut connection, &mut batch, written);
                batch.clear();
            }
        }
        commit(&mut connection, &mut batch, written);
    }
}

fn commit(connection: &mut Connection, batch: &mut [Box<SpendRow>], written: &AtomicU64) {
    if batch.is_empty() {
        return;
    }
    match insert_batch(connection, batch) {
        Ok(()) => {
            written.fetch_add(batch.len() as u64, Ordering::Relaxed);
        }
        Err(e) => eprintln!(
            "litellm-proxy: could not write {} spend log rows: {e}",
            batch.len()
        ),
    }
}

fn insert_batch(connection: &mut Connection, rows: &mut [Box<SpendRow>]) -> rusqlite::Result<()> {
    let transaction = connection.transaction()?;
    {
        let mut insert = transaction.prepare_cached(
            "INSERT OR REPLACE INTO \"LiteLLM_SpendLogs\" (request_id, call_type, api_key, spend, total_tokens,
             prompt_tokens, completion_tokens, \"startTime\", \"endTime\", \"completionStartTime\", model, model_id,
             model_group, custom_llm_provider, api_base, \"user\", metadata, requester_ip_address, status)
             VALUES (?1, 'acompletion', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
        )?;
        let mut metadata = Vec::with_capacity(512);
        let (mut start, mut end, mut completion_start) =
            (String::new(), String::new(), String::new());
        for row in rows.iter_mut() {
            if let Value::Object(map) = &mut row.metadata {
                map.insert("usage_object".into(), usage_object(&row.usage));
            }
            metadata.clear();
            serde_json::to_writer(&mut metadata, &row.metadata)
                .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
            let metadata = std::str::from_utf8(&metadata)
                .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
            write_iso_time(&mut start, row.start_time);
            write_iso_time(&mut end, row.end_time);
            if let Some(time) = row.completion_start_time {
                write_iso_time(&mut completion_start, time);
            }
            let config = row.deployment.as_ref().map(|d| &d.config);
            let usage = &row.usage;
            insert.execute(params![
                row.request_id,
                &*row.api_key_hash,
                row.spend,
                (usage.prompt_tokens + usage.completion_tokens) as i64,
                usage.prompt_tokens as i64,
                usage.completion_tokens as i64,
                start,
                end,
                row.completion_start_time.map(|_| completion_start.as_str()),
                row.model,
                config.map_or("", |c| c.id.as_str()),
                row.model_group,
                config.map_or("", |c| c.provider.as_str()),
                row.deployment
                    .as_ref()
                    .map_or("", |d| d.shown_api_base.as_str()),
                row.user,
                metadata,
                row.requester_ip_address.to_string(),
                row.status,
            ])?;
        }
    }
    transaction.commit()
}

/// The usage LiteLLM keeps in a spend row's `metadata.usage_object`, cache counts included.
fn usage_object(usage: &Usage) -> Value {
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
            super::auth::hash_key(key)
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

fn summarize_by_day(rows: &[Value], q: &SpendQuery) -> Result<Value, String> {
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
fn parse_date(text: &str) -> Result<i64, String> {
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

fn format_date(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// `2026-11-24T07:50:00.123Z`.
pub fn iso_time(time: SystemTime) -> String {
    let mut text = String::with_capacity(24);
    write_iso_time(&mut text, time);
    text
}

/// [`iso_time`] into a reused buffer.
fn write_iso_time(out: &mut String, time: SystemTime) {
    use std::fmt::Write;
    let since = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = since.as_secs() as i64;
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let rem = secs.rem_euclid(86_400);
    out.clear();
    let _ = write!(
        out,
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        since.subsec_millis()
    );
}

// Howard Hinnant's days-from-civil algorithms.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
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

    #[test]
    fn rows_survive_close_and_are_queried_back() {
        let dir = std::env::temp_dir().join(format!("litellm-spend-test-{}", std::process::id()));
        let path = dir.join("spend.sqlite");
        let _ = std::fs::remove_file(&path);
        let store = SpendStore::open(&path).map_err(|e| e.to_string());
        let Ok(store) = store else {
            panic!("open failed: {store:?}", store = store.err())
        };
        for i in 0..3 {
            store.record(SpendRow {
                request_id: format!("req-{i}"),
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
            });
        }
        store.close();
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
        let _ = std::fs::remove_dir_all(&dir);
    }
}
