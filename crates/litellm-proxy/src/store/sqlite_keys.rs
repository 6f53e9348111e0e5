//! Virtual keys in the SQLite store: LiteLLM's `LiteLLM_VerificationToken` columns (from its
//! `schema.prisma`), lists and JSON kept as JSON text, times as ISO-8601 text like the spend rows.

use super::sqlite::{iso_time, parse_iso_time};
use super::StoreError;
use crate::keys::{KeyFilter, KeyRecord};
use rusqlite::{params, Connection, ErrorCode, OptionalExtension};
use serde_json::Value;
use std::time::{Duration, UNIX_EPOCH};

pub(super) const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS \"LiteLLM_VerificationToken\" (
    token TEXT PRIMARY KEY,
    key_name TEXT,
    key_alias TEXT,
    soft_budget_cooldown INTEGER NOT NULL DEFAULT 0,
    spend REAL NOT NULL DEFAULT 0,
    expires TEXT,
    models TEXT NOT NULL DEFAULT '[]',
    aliases TEXT NOT NULL DEFAULT '{}',
    config TEXT NOT NULL DEFAULT '{}',
    user_id TEXT,
    team_id TEXT,
    permissions TEXT NOT NULL DEFAULT '{}',
    max_parallel_requests INTEGER,
    metadata TEXT NOT NULL DEFAULT '{}',
    blocked INTEGER,
    tpm_limit INTEGER,
    rpm_limit INTEGER,
    max_budget REAL,
    budget_duration TEXT,
    budget_reset_at TEXT,
    allowed_cache_controls TEXT NOT NULL DEFAULT '[]',
    model_spend TEXT NOT NULL DEFAULT '{}',
    model_max_budget TEXT NOT NULL DEFAULT '{}',
    created_at TEXT,
    created_by TEXT,
    updated_at TEXT,
    updated_by TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS verification_token_alias ON \"LiteLLM_VerificationToken\" (key_alias);
";

const COLUMNS: &str = "token, key_name, key_alias, spend, expires, models, user_id, team_id,
    max_parallel_requests, metadata, blocked, tpm_limit, rpm_limit, max_budget, budget_duration,
    budget_reset_at, created_at, created_by, updated_at, updated_by";

fn failed(e: rusqlite::Error) -> StoreError {
    StoreError::Failed(e.to_string())
}

fn time(ms: i64) -> String {
    iso_time(UNIX_EPOCH + Duration::from_millis(ms.max(0) as u64))
}

fn row_record(row: &rusqlite::Row<'_>) -> rusqlite::Result<KeyRecord> {
    let when = |i: usize| -> rusqlite::Result<Option<i64>> {
        Ok(row
            .get::<_, Option<String>>(i)?
            .as_deref()
            .and_then(parse_iso_time))
    };
    let models: String = row.get(5)?;
    let metadata: String = row.get(9)?;
    Ok(KeyRecord {
        token: row.get(0)?,
        key_name: row.get::<_, Option<String>>(1)?.unwrap_or_default(),
        key_alias: row.get(2)?,
        spend: row.get(3)?,
        expires: when(4)?,
        models: serde_json::from_str(&models).unwrap_or_default(),
        user_id: row.get(6)?,
        team_id: row.get(7)?,
        max_parallel_requests: row.get(8)?,
        metadata: serde_json::from_str(&metadata)
            .unwrap_or_else(|_| Value::Object(serde_json::Map::new())),
        blocked: row.get(10)?,
        tpm_limit: row.get(11)?,
        rpm_limit: row.get(12)?,
        max_budget: row.get(13)?,
        budget_duration: row.get(14)?,
        budget_reset_at: when(15)?,
        created_at: when(16)?.unwrap_or(0),
        created_by: row.get(17)?,
        updated_at: when(18)?.unwrap_or(0),
        updated_by: row.get(19)?,
    })
}

pub(super) fn insert(connection: &Connection, r: &KeyRecord) -> Result<(), StoreError> {
    let models = serde_json::to_string(&r.models).unwrap_or_else(|_| "[]".into());
    let metadata = serde_json::to_string(&r.metadata).unwrap_or_else(|_| "{}".into());
    let inserted = connection.execute(
        &format!("INSERT INTO \"LiteLLM_VerificationToken\" ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)"),
        params![
            r.token,
            r.key_name,
            r.key_alias,
            r.spend,
            r.expires.map(time),
            models,
            r.user_id,
            r.team_id,
            r.max_parallel_requests,
            metadata,
            r.blocked,
            r.tpm_limit,
            r.rpm_limit,
            r.max_budget,
            r.budget_duration,
            r.budget_reset_at.map(time),
            time(r.created_at),
            r.created_by,
            time(r.updated_at),
            r.updated_by,
        ],
    );
    match inserted {
        Ok(_) => Ok(()),
        Err(e) if e.sqlite_error_code() == Some(ErrorCode::ConstraintViolation) => {
            let what = if e.to_string().contains("key_alias") {
                format!(
                    "Key with alias '{}' already exists.",
                    r.key_alias.as_deref().unwrap_or("")
                )
            } else {
                "A key with this value already exists (LiteLLM_VerificationToken.token is unique)."
                    .to_string()
            };
            Err(StoreError::Conflict(what))
        }
        Err(e) => Err(failed(e)),
    }
}

pub(super) fn get(connection: &Connection, hash: &str) -> Result<Option<KeyRecord>, StoreError> {
    connection
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM \"LiteLLM_VerificationToken\" WHERE token = ?1"
        ))
        .and_then(|mut statement| statement.query_row([hash], row_record).optional())
        .map_err(failed)
}

pub(super) fn update(
    connection: &Connection,
    r: &KeyRecord,
    set_spend: bool,
) -> Result<(), StoreError> {
    let models = serde_json::to_string(&r.models).unwrap_or_else(|_| "[]".into());
    let metadata = serde_json::to_string(&r.metadata).unwrap_or_else(|_| "{}".into());
    connection
        .execute(
            "UPDATE \"LiteLLM_VerificationToken\" SET key_alias = ?2, expires = ?3, models = ?4,
                 user_id = ?5, team_id = ?6, max_parallel_requests = ?7, metadata = ?8, blocked = ?9,
                 tpm_limit = ?10, rpm_limit = ?11, max_budget = ?12, budget_duration = ?13,
                 budget_reset_at = ?14, updated_at = ?15, updated_by = ?16,
                 spend = CASE WHEN ?18 THEN ?17 ELSE spend END WHERE token = ?1",
            params![
                r.token,
                r.key_alias,
                r.expires.map(time),
                models,
                r.user_id,
                r.team_id,
                r.max_parallel_requests,
                metadata,
                r.blocked,
                r.tpm_limit,
                r.rpm_limit,
                r.max_budget,
                r.budget_duration,
                r.budget_reset_at.map(time),
                time(r.updated_at),
                r.updated_by,
                r.spend,
                set_spend,
            ],
        )
        .map(|_| ())
        .map_err(|e| match e.sqlite_error_code() {
            Some(ErrorCode::ConstraintViolation) => StoreError::Conflict(format!(
                "Key with alias '{}' already exists.",
                r.key_alias.as_deref().unwrap_or("")
            )),
            _ => failed(e),
        })
}

pub(super) fn delete(
    connection: &mut Connection,
    hashes: &[String],
    aliases: &[String],
) -> Result<Vec<String>, StoreError> {
    let transaction = connection.transaction().map_err(failed)?;
    let mut deleted = Vec::new();
    {
        let mut by_hash = transaction
            .prepare("DELETE FROM \"LiteLLM_VerificationToken\" WHERE token = ?1 RETURNING token")
            .map_err(failed)?;
        let mut by_alias = transaction
            .prepare(
                "DELETE FROM \"LiteLLM_VerificationToken\" WHERE key_alias = ?1 RETURNING token",
            )
            .map_err(failed)?;
        for hash in hashes {
            let gone: Option<String> = by_hash
                .query_row([hash], |row| row.get(0))
                .optional()
                .map_err(failed)?;
            deleted.extend(gone);
        }
        for alias in aliases {
            let gone: Option<String> = by_alias
                .query_row([alias], |row| row.get(0))
                .optional()
                .map_err(failed)?;
            deleted.extend(gone);
        }
    }
    transaction.commit().map_err(failed)?;
    Ok(deleted)
}

pub(super) fn list(
    connection: &Connection,
    filter: &KeyFilter,
    offset: usize,
    limit: usize,
) -> Result<(Vec<KeyRecord>, usize), StoreError> {
    const WHERE: &str = "WHERE (?1 IS NULL OR user_id = ?1) AND (?2 IS NULL OR team_id = ?2)
             AND (?3 IS NULL OR key_alias = ?3)";
    let total: i64 = connection
        .query_row(
            &format!("SELECT count(*) FROM \"LiteLLM_VerificationToken\" {WHERE}"),
            params![filter.user_id, filter.team_id, filter.key_alias],
            |row| row.get(0),
        )
        .map_err(failed)?;
    let mut statement = connection
        .prepare(&format!(
            "SELECT {COLUMNS} FROM \"LiteLLM_VerificationToken\" {WHERE}
             ORDER BY created_at DESC NULLS LAST, token LIMIT ?4 OFFSET ?5"
        ))
        .map_err(failed)?;
    let rows = statement
        .query_map(
            params![
                filter.user_id,
                filter.team_id,
                filter.key_alias,
                i64::try_from(limit).unwrap_or(i64::MAX),
                i64::try_from(offset).unwrap_or(i64::MAX)
            ],
            row_record,
        )
        .map_err(failed)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(failed)?;
    Ok((rows, usize::try_from(total).unwrap_or(0)))
}

pub(super) fn reset_budget(
    connection: &Connection,
    hash: &str,
    was: i64,
    next: Option<i64>,
) -> Result<(), StoreError> {
    connection
        .execute(
            "UPDATE \"LiteLLM_VerificationToken\" SET spend = 0, budget_reset_at = ?3
             WHERE token = ?1 AND budget_reset_at = ?2",
            params![hash, time(was), next.map(time)],
        )
        .map(|_| ())
        .map_err(failed)
}

/// Adds each key's share of a batch's spend, inside the batch's transaction.
pub(super) fn add_spend(
    transaction: &rusqlite::Transaction<'_>,
    spends: &[(&str, f64)],
) -> rusqlite::Result<()> {
    if spends.is_empty() {
        return Ok(());
    }
    let mut update = transaction.prepare_cached(
        "UPDATE \"LiteLLM_VerificationToken\" SET spend = spend + ?2 WHERE token = ?1",
    )?;
    for (hash, spend) in spends {
        update.execute(params![hash, spend])?;
    }
    Ok(())
}
