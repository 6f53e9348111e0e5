//! Where spend rows and virtual keys are kept, behind one trait: an embedded SQLite file by
//! default ([`sqlite`]), or LiteLLM's own tables in Postgres ([`postgres`]) when
//! `general_settings.database_url` (or `DATABASE_URL`) is a `postgresql://` URL.
//!
//! Every store keeps the same contract for spend rows (see [`sqlite`]): a request never waits on
//! the database, and every row is written or counted as dropped. Key reads and writes are
//! asynchronous; a store that does blocking I/O runs it off the serving threads.

pub mod postgres;
mod postgres_keys;
pub mod sqlite;
mod sqlite_keys;

pub use sqlite::{SpendQuery, SpendRow, SpendStats};

use super::config::Secret;
use super::keys::{KeyFilter, KeyRecord};
use serde_json::Value;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;

pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Why a store operation failed.
#[derive(Debug, Clone, PartialEq)]
pub enum StoreError {
    /// The request conflicts with what is stored (a key that exists already); the client's fault.
    Conflict(String),
    /// The store cannot be read or written.
    Failed(String),
}

pub trait Store: Send + Sync {
    /// Where the data goes, for the start-up line (never a password).
    fn describe(&self) -> String;
    /// Queues a spend row (and its cost on the key's spend); never waits on the database.
    fn record(&self, row: SpendRow);
    fn stats(&self) -> SpendStats;
    /// Writes every queued row and stops (blocking; call off the async runtime).
    fn close(&self);
    /// `/spend/logs`.
    fn spend_logs(&self, query: SpendQuery) -> StoreFuture<'_, Result<Value, String>>;
    fn insert_key(&self, record: KeyRecord) -> StoreFuture<'_, Result<(), StoreError>>;
    /// The key whose hash is `hash`.
    fn key(&self, hash: String) -> StoreFuture<'_, Result<Option<KeyRecord>, StoreError>>;
    /// Writes every field of `record` but its spend, unless `set_spend` (spend is accrued by the
    /// spend writer meanwhile).
    fn update_key(
        &self,
        record: KeyRecord,
        set_spend: bool,
    ) -> StoreFuture<'_, Result<(), StoreError>>;
    /// Deletes the keys with these hashes or aliases; returns the hashes deleted.
    fn delete_keys(
        &self,
        hashes: Vec<String>,
        aliases: Vec<String>,
    ) -> StoreFuture<'_, Result<Vec<String>, StoreError>>;
    /// One page of the keys `filter` selects, newest first (then by hash), and how many it
    /// selects in all: the page is cut by the database, so a large table is never read whole.
    fn list_keys(
        &self,
        filter: KeyFilter,
        offset: usize,
        limit: usize,
    ) -> StoreFuture<'_, Result<(Vec<KeyRecord>, usize), StoreError>>;
    /// Sets the key's spend to 0 and its next reset to `next`, if its reset time is still `was`
    /// (another replica may have reset it first).
    fn reset_key_budget(
        &self,
        hash: Arc<str>,
        was: i64,
        next: Option<i64>,
    ) -> StoreFuture<'_, Result<(), StoreError>>;
}

/// Which store to open, as flags, config and environment chose it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreChoice {
    /// No store: no spend rows, no virtual keys.
    Off,
    Sqlite(PathBuf),
    /// A `postgresql://` URL (it may hold a password: never shown).
    Postgres(Secret),
}

impl StoreChoice {
    /// The store the flags, the config and the environment choose, first match wins:
    /// `--no-spend-db`; `--spend-db PATH`; `general_settings.database_url` (a Postgres URL or
    /// `sqlite:///path`); a Postgres URL in `DATABASE_URL`; the default SQLite file.
    pub fn choose(
        no_spend_db: bool,
        spend_db: Option<PathBuf>,
        database_url: Option<&Secret>,
        config_sqlite: Option<PathBuf>,
        default_sqlite: Option<PathBuf>,
    ) -> StoreChoice {
        if no_spend_db {
            return StoreChoice::Off;
        }
        if let Some(path) = spend_db {
            return StoreChoice::Sqlite(path);
        }
        if let Some(path) = config_sqlite {
            return StoreChoice::Sqlite(path);
        }
        if let Some(url) = database_url {
            return StoreChoice::Postgres(url.clone());
        }
        default_sqlite.map_or(StoreChoice::Off, StoreChoice::Sqlite)
    }
}

/// The default SQLite file: `$LITELLM_PROXY_STATE_DIR/litellm-proxy.sqlite`, else under
/// `$XDG_STATE_HOME/litellm-proxy/`, else `$HOME/.local/state/litellm-proxy/`, else
/// `./.litellm-proxy/` (the XDG base directory specification's state directory).
pub fn default_path(env: impl Fn(&str) -> Option<String>) -> PathBuf {
    const FILE: &str = "litellm-proxy.sqlite";
    let set = |name: &str| env(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(dir) = set("LITELLM_PROXY_STATE_DIR") {
        return dir.join(FILE);
    }
    if let Some(dir) = set("XDG_STATE_HOME").filter(|d| d.is_absolute()) {
        return dir.join("litellm-proxy").join(FILE);
    }
    if let Some(home) = set("HOME") {
        return home
            .join(".local")
            .join("state")
            .join("litellm-proxy")
            .join(FILE);
    }
    Path::new(".litellm-proxy").join(FILE)
}

/// Opens the chosen store; `None` for [`StoreChoice::Off`]. `max_bytes` caps an SQLite file.
pub async fn open(
    choice: &StoreChoice,
    max_bytes: Option<u64>,
) -> Result<Option<Arc<dyn Store>>, String> {
    match choice {
        StoreChoice::Off => Ok(None),
        StoreChoice::Sqlite(path) => Ok(Some(Arc::new(sqlite::SpendStore::open(path, max_bytes)?))),
        StoreChoice::Postgres(url) => {
            Ok(Some(Arc::new(postgres::PgStore::open(url.expose()).await?)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_win_then_the_config_then_database_url_then_the_default_file() {
        let url = Secret::new("postgresql://u:pw@h/db");
        let file = || Some(PathBuf::from("/d/default.sqlite"));
        let flag = || Some(PathBuf::from("/f/flag.sqlite"));
        assert_eq!(
            StoreChoice::choose(true, flag(), Some(&url), None, file()),
            StoreChoice::Off
        );
        assert_eq!(
            StoreChoice::choose(false, flag(), Some(&url), None, file()),
            StoreChoice::Sqlite(PathBuf::from("/f/flag.sqlite"))
        );
        assert_eq!(
            StoreChoice::choose(false, None, Some(&url), None, file()),
            StoreChoice::Postgres(url.clone())
        );
        assert_eq!(
            StoreChoice::choose(false, None, None, Some(PathBuf::from("/c.sqlite")), file()),
            StoreChoice::Sqlite(PathBuf::from("/c.sqlite"))
        );
        assert_eq!(
            StoreChoice::choose(false, None, None, None, file()),
            StoreChoice::Sqlite(PathBuf::from("/d/default.sqlite"))
        );
        assert_eq!(
            StoreChoice::choose(false, None, None, None, None),
            StoreChoice::Off
        );
        assert!(!format!("{:?}", StoreChoice::Postgres(url)).contains("pw"));
    }

    #[test]
    fn the_default_path_follows_the_state_directory_variables() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(
            default_path(env(&[("LITELLM_PROXY_STATE_DIR", "/s"), ("HOME", "/h")])),
            PathBuf::from("/s/litellm-proxy.sqlite")
        );
        assert_eq!(
            default_path(env(&[("XDG_STATE_HOME", "/x"), ("HOME", "/h")])),
            PathBuf::from("/x/litellm-proxy/litellm-proxy.sqlite")
        );
        assert_eq!(
            default_path(env(&[("XDG_STATE_HOME", "rel"), ("HOME", "/h")])),
            PathBuf::from("/h/.local/state/litellm-proxy/litellm-proxy.sqlite"),
            "a relative XDG_STATE_HOME is ignored, as the specification says"
        );
        assert_eq!(
            default_path(env(&[])),
            PathBuf::from(".litellm-proxy/litellm-proxy.sqlite")
        );
    }
}
