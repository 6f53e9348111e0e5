//! Virtual keys in Postgres: LiteLLM's `LiteLLM_VerificationToken` columns with their Prisma
//! types (`models` a `TEXT[]`, `metadata` JSONB, times `TIMESTAMP(3)` in UTC), so a key made
//! here is a key LiteLLM reads, and the other way round.
//!
//! A key's `spend` is only ever added to in the database (`spend = spend + ...`, by the spend
//! writer, in the transaction of its rows), so replicas on one database share one budget.

use super::postgres::describe_error;
use super::StoreError;
use crate::keys::{KeyFilter, KeyRecord};
use deadpool_postgres::Object;
use serde_json::Value;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio_postgres::error::SqlState;

const COLUMNS: &str = r#""token", "key_name", "key_alias", "spend", "expires", "models", "user_id",
    "team_id", "max_parallel_requests", "metadata", "blocked", "tpm_limit", "rpm_limit",
    "max_budget", "budget_duration", "budget_reset_at", "created_at", "created_by", "updated_at",
    "updated_by""#;

/// The class of the advisory locks that make "no other key has this alias" and the insert one
/// step (LiteLLM checks aliases in code too; its table has no unique index on them).
const ALIAS_LOCK_CLASS: i32 = 0x6c6b_6579;

fn failed(e: tokio_postgres::Error) -> StoreError {
    StoreError::Failed(describe_error(&e))
}

fn time(ms: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(ms.max(0) as u64)
}

fn millis(time: SystemTime) -> i64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

fn alias_taken(alias: &str) -> StoreError {
    StoreError::Conflict(format!("Key with alias '{alias}' already exists."))
}

fn record(row: &tokio_postgres::Row) -> Result<KeyRecord, StoreError> {
    let get = |e: tokio_postgres::Error| failed(e);
    let when = |i: usize| -> Result<Option<i64>, StoreError> {
        Ok(row
            .try_get::<_, Option<SystemTime>>(i)
            .map_err(get)?
            .map(millis))
    };
    Ok(KeyRecord {
        token: row.try_get(0).map_err(get)?,
        key_name: row
            .try_get::<_, Option<String>>(1)
            .map_err(get)?
            .unwrap_or_default(),
        key_alias: row.try_get(2).map_err(get)?,
        spend: row.try_get(3).map_err(get)?,
        expires: when(4)?,
        models: row
            .try_get::<_, Option<Vec<String>>>(5)
            .map_err(get)?
            .unwrap_or_default(),
        user_id: row.try_get(6).map_err(get)?,
        team_id: row.try_get(7).map_err(get)?,
        max_parallel_requests: row
            .try_get::<_, Option<i32>>(8)
            .map_err(get)?
            .map(i64::from),
        metadata: row
            .try_get::<_, Option<Value>>(9)
            .map_err(get)?
            .unwrap_or_else(|| Value::Object(serde_json::Map::new())),
        blocked: row.try_get(10).map_err(get)?,
        tpm_limit: row.try_get(11).map_err(get)?,
        rpm_limit: row.try_get(12).map_err(get)?,
        max_budget: row.try_get(13).map_err(get)?,
        budget_duration: row.try_get(14).map_err(get)?,
        budget_reset_at: when(15)?,
        created_at: when(16)?.unwrap_or(0),
        created_by: row.try_get(17).map_err(get)?,
        updated_at: when(18)?.unwrap_or(0),
        updated_by: row.try_get(19).map_err(get)?,
    })
}

fn parallel(r: &KeyRecord) -> Option<i32> {
    r.max_parallel_requests
        .map(|n| i32::try_from(n).unwrap_or(i32::MAX))
}

/// Takes the alias's lock in `transaction` and fails if another key (not `token`) has it.
async fn claim_alias(
    transaction: &deadpool_postgres::Transaction<'_>,
    alias: &str,
    token: &str,
) -> Result<(), StoreError> {
    transaction
        .execute(
            "SELECT pg_advisory_xact_lock($1, hashtext($2))",
            &[&ALIAS_LOCK_CLASS, &alias],
        )
        .await
        .map_err(failed)?;
    let other = transaction
        .query_opt(
            r#"SELECT 1 FROM "LiteLLM_VerificationToken" WHERE "key_alias" = $1 AND "token" <> $2 LIMIT 1"#,
            &[&alias, &token],
        )
        .await
        .map_err(failed)?;
    match other {
        Some(_) => Err(alias_taken(alias)),
        None => Ok(()),
    }
}

pub(super) async fn insert(client: &mut Object, r: &KeyRecord) -> Result<(), StoreError> {
    let transaction = client.transaction().await.map_err(failed)?;
    if let Some(alias) = &r.key_alias {
        claim_alias(&transaction, alias, &r.token).await?;
    }
    let inserted = transaction
        .execute(
            &format!(
                r#"INSERT INTO "LiteLLM_VerificationToken" ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7,
                $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)"#
            ),
            &[
                &r.token,
                &r.key_name,
                &r.key_alias,
                &r.spend,
                &r.expires.map(time),
                &r.models,
                &r.user_id,
                &r.team_id,
                &parallel(r),
                &r.metadata,
                &r.blocked,
                &r.tpm_limit,
                &r.rpm_limit,
                &r.max_budget,
                &r.budget_duration,
                &r.budget_reset_at.map(time),
                &time(r.created_at),
                &r.created_by,
                &time(r.updated_at),
                &r.updated_by,
            ],
        )
        .await;
    match inserted {
        Ok(_) => transaction.commit().await.map_err(failed),
        Err(e) if e.code() == Some(&SqlState::UNIQUE_VIOLATION) => Err(StoreError::Conflict(
            "A key with this value already exists (LiteLLM_VerificationToken.token is unique)."
                .to_string(),
        )),
        Err(e) => Err(failed(e)),
    }
}

pub(super) async fn get(client: &Object, hash: &str) -> Result<Option<KeyRecord>, StoreError> {
    let statement = client
        .prepare_cached(&format!(
            r#"SELECT {COLUMNS} FROM "LiteLLM_VerificationToken" WHERE "token" = $1"#
        ))
        .await
        .map_err(failed)?;
    let row = client
        .query_opt(&statement, &[&hash])
        .await
        .map_err(failed)?;
    row.as_ref().map(record).transpose()
}

pub(super) async fn update(
    client: &mut Object,
    r: &KeyRecord,
    set_spend: bool,
) -> Result<(), StoreError> {
    let transaction = client.transaction().await.map_err(failed)?;
    if let Some(alias) = &r.key_alias {
        claim_alias(&transaction, alias, &r.token).await?;
    }
    transaction
        .execute(
            r#"UPDATE "LiteLLM_VerificationToken" SET "key_alias" = $2, "expires" = $3, "models" = $4,
                 "user_id" = $5, "team_id" = $6, "max_parallel_requests" = $7, "metadata" = $8,
                 "blocked" = $9, "tpm_limit" = $10, "rpm_limit" = $11, "max_budget" = $12,
                 "budget_duration" = $13, "budget_reset_at" = $14, "updated_at" = $15,
                 "updated_by" = $16, "spend" = CASE WHEN $18 THEN $17 ELSE "spend" END
               WHERE "token" = $1"#,
            &[
                &r.token,
                &r.key_alias,
                &r.expires.map(time),
                &r.models,
                &r.user_id,
                &r.team_id,
                &parallel(r),
                &r.metadata,
                &r.blocked,
                &r.tpm_limit,
                &r.rpm_limit,
                &r.max_budget,
                &r.budget_duration,
                &r.budget_reset_at.map(time),
                &time(r.updated_at),
                &r.updated_by,
                &r.spend,
                &set_spend,
            ],
        )
        .await
        .map_err(failed)?;
    transaction.commit().await.map_err(failed)
}

pub(super) async fn delete(
    client: &mut Object,
    hashes: &[String],
    aliases: &[String],
) -> Result<Vec<String>, StoreError> {
    let transaction = client.transaction().await.map_err(failed)?;
    let mut deleted = Vec::new();
    for hash in hashes {
        if let Some(row) = transaction
            .query_opt(
                r#"DELETE FROM "LiteLLM_VerificationToken" WHERE "token" = $1 RETURNING "token""#,
                &[hash],
            )
            .await
            .map_err(failed)?
        {
            deleted.push(row.try_get(0).map_err(failed)?);
        }
    }
    for alias in aliases {
        for row in transaction
            .query(
                r#"DELETE FROM "LiteLLM_VerificationToken" WHERE "key_alias" = $1 RETURNING "token""#,
                &[alias],
            )
            .await
            .map_err(failed)?
        {
            deleted.push(row.try_get(0).map_err(failed)?);
        }
    }
    transaction.commit().await.map_err(failed)?;
    Ok(deleted)
}

pub(super) async fn list(
    client: &Object,
    filter: &KeyFilter,
    offset: usize,
    limit: usize,
) -> Result<(Vec<KeyRecord>, usize), StoreError> {
    const WHERE: &str = r#"WHERE ($1::text IS NULL OR "user_id" = $1)
                 AND ($2::text IS NULL OR "team_id" = $2) AND ($3::text IS NULL OR "key_alias" = $3)"#;
    let total: i64 = client
        .query_one(
            &format!(r#"SELECT count(*) FROM "LiteLLM_VerificationToken" {WHERE}"#),
            &[&filter.user_id, &filter.team_id, &filter.key_alias],
        )
        .await
        .map_err(failed)?
        .try_get(0)
        .map_err(failed)?;
    let rows = client
        .query(
            &format!(
                r#"SELECT {COLUMNS} FROM "LiteLLM_VerificationToken" {WHERE}
                 ORDER BY "created_at" DESC NULLS LAST, "token" LIMIT $4 OFFSET $5"#
            ),
            &[
                &filter.user_id,
                &filter.team_id,
                &filter.key_alias,
                &i64::try_from(limit).unwrap_or(i64::MAX),
                &i64::try_from(offset).unwrap_or(i64::MAX),
            ],
        )
        .await
        .map_err(failed)?;
    let records = rows.iter().map(record).collect::<Result<Vec<_>, _>>()?;
    Ok((records, usize::try_from(total).unwrap_or(0)))
}

pub(super) async fn reset_budget(
    client: &Object,
    hash: &str,
    was: i64,
    next: Option<i64>,
) -> Result<(), StoreError> {
    client
        .execute(
            r#"UPDATE "LiteLLM_VerificationToken" SET "spend" = 0, "budget_reset_at" = $3
               WHERE "token" = $1 AND "budget_reset_at" = $2"#,
            &[&hash, &time(was), &next.map(time)],
        )
        .await
        .map(|_| ())
        .map_err(failed)
}
