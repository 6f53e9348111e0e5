//! `litellm-proxy`: a reference OpenAI-compatible proxy that runs LiteLLM configs.
//!
//! [`start`] serves a [`ProxyConfig`] on a bound listener and returns a handle whose
//! [`RunningProxy::stop`] drains connections and flushes the spend log. The binary in
//! `src/main.rs` only parses flags, loads the config through the checker and calls it.

pub mod accounting;
pub mod auth;
pub mod config;
pub mod connection;
pub mod dispatch;
pub mod endpoints;
pub mod error;
pub mod keys;
pub mod load;
pub mod messages;
pub mod metrics;
pub mod model_info;
pub mod pipeline;
pub mod pricing;
pub mod providers;
pub mod redact;
pub mod responses;
pub mod router;
pub mod server;
pub mod shared;
pub mod sse;
pub mod store;
pub mod tls;
pub mod usage;
pub mod validate;

/// The SQLite store under its former name.
pub use store::sqlite as spend;

pub use config::ProxyConfig;
pub use connection::ConnectionLimits;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{oneshot, watch};

/// How long a stop waits for open requests before closing them.
const DRAIN_LIMIT: Duration = Duration::from_secs(10);

#[derive(Debug, Clone, Default)]
pub struct ProxyOptions {
    /// Where spend rows and keys go (an SQLite file); overrides `general_settings.database_url`
    /// and `DATABASE_URL`.
    pub spend_db: Option<PathBuf>,
    /// The file used when neither `spend_db` nor the config names one (the binary passes
    /// [`store::default_path`]); `None`: no store then.
    pub default_spend_db: Option<PathBuf>,
    /// No store at all (`--no-spend-db`): no spend rows, no virtual keys.
    pub no_spend_db: bool,
    /// A cap on the spend file's size; rows past it are dropped and counted, as on a full disk.
    pub spend_db_max_bytes: Option<u64>,
    /// Serve on this many threads of their own, each a single-threaded runtime with its own
    /// upstream connections (thread per core: a request and its upstream call stay on one
    /// thread, with no work stealing or cross-thread wake-ups). `None`: serve on the caller's
    /// runtime.
    pub serving_threads: Option<usize>,
    /// Slow and idle clients' timeouts and the connection cap.
    pub limits: ConnectionLimits,
}

/// A serving proxy.
pub struct RunningProxy {
    addr: SocketAddr,
    state: Arc<server::AppState>,
    stop: watch::Sender<bool>,
    /// One per serving loop: sent when it has ended.
    finished: Vec<oneshot::Receiver<()>>,
}

impl RunningProxy {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Where spend rows and keys are kept, for the start-up line.
    pub fn store_description(&self) -> Option<String> {
        self.state.spend.as_ref().map(|store| store.describe())
    }

    /// Where cooldowns, usage and key limits are shared (Redis), for the start-up line; never
    /// a password.
    pub fn shared_description(&self) -> Option<String> {
        self.state.shared.describe()
    }

    /// Stops accepting, lets open requests finish (up to a limit), then writes every queued
    /// spend row.
    pub async fn stop(self) {
        self.state.shutting_down.store(true, Ordering::Relaxed);
        let _ = self.stop.send(true);
        for finished in self.finished {
            let _ = finished.await;
        }
        self.state.shared.close();
        if let Some(spend) = self.state.spend.clone() {
            let _ = tokio::task::spawn_blocking(move || spend.close()).await;
        }
    }
}

fn http_client() -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls::client_config()?)
        .tcp_nodelay(true)
        .no_proxy()
        .pool_max_idle_per_host(256)
        .pool_idle_timeout(Duration::from_secs(90))
        .build()
        .map_err(|e| format!("cannot build the HTTP client: {e}"))
}

/// Serves `config` on `listener`. Fails when the spend store cannot be opened, the HTTP client
/// cannot be built or a serving thread cannot be started.
pub async fn start(
    config: ProxyConfig,
    listener: TcpListener,
    options: ProxyOptions,
) -> Result<RunningProxy, String> {
    // reqwest is built without a default crypto provider (no aws-lc-rs); ring serves HTTPS.
    let _ = rustls::crypto::ring::default_provider().install_default();
    pricing::warm_up();
    let threads = options.serving_threads.filter(|&n| n > 0);
    let thread_clients = (0..threads.unwrap_or(0))
        .map(|_| http_client())
        .collect::<Result<Vec<_>, _>>()?;
    let choice = store::StoreChoice::choose(
        options.no_spend_db,
        options.spend_db.clone(),
        config.database_url.as_ref(),
        config.spend_db.clone(),
        options.default_spend_db.clone(),
    );
    let spend = store::open(&choice, options.spend_db_max_bytes).await?;
    let shared = shared::open(config.redis.as_ref()).await?;
    let metrics = Arc::new(metrics::Metrics::default());
    let state = Arc::new(server::AppState {
        dispatcher: dispatch::Dispatcher {
            router: router::Router::new(config.deployments, config.aliases, config.router)
                .with_shared(shared.clone()),
            default_client: http_client()?,
            thread_clients,
            metrics: metrics.clone(),
        },
        metrics,
        keys: keys::Keys::new(spend.clone(), config.key_cache_ttl).with_shared(shared.clone()),
        shared,
        log_spend: !config.disable_spend_logs,
        spend,
        master_key_hash: config
            .master_key
            .as_ref()
            .map(|key| Arc::from(auth::hash_key(key.expose()))),
        master_key: config.master_key,
        key_header: config.key_header_name,
        return_wildcard_routes: config.return_wildcard_routes,
        shutting_down: AtomicBool::new(false),
    });
    state.shared.start_sync(Arc::downgrade(&state));
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let app = server::routes(state.clone());
    let admission = connection::Admission::new(options.limits);
    let (stop, stopped) = watch::channel(false);
    let mut finished = Vec::new();
    match threads {
        None => {
            let (done, finished_rx) = oneshot::channel();
            tokio::spawn(async move {
                connection::serve(app, listener, admission, stopped, DRAIN_LIMIT).await;
                let _ = done.send(());
            });
            finished.push(finished_rx);
        }
        Some(threads) => {
            // Every thread accepts on the same socket: whichever is free takes the next
            // connection.
            let listener = listener.into_std().map_err(|e| e.to_string())?;
            for index in 0..threads {
                let listener = listener.try_clone().map_err(|e| e.to_string())?;
                let (app, stopped) = (app.clone(), stopped.clone());
                let admission = admission.clone();
                let (done, finished_rx) = oneshot::channel();
                std::thread::Builder::new()
                    .name(format!("proxy-serve-{index}"))
                    .spawn(move || {
                        serving_thread(index, app, listener, admission, stopped);
                        let _ = done.send(());
                    })
                    .map_err(|e| format!("cannot start serving thread {index}: {e}"))?;
                finished.push(finished_rx);
            }
        }
    }
    Ok(RunningProxy {
        addr,
        state,
        stop,
        finished,
    })
}

fn serving_thread(
    index: usize,
    app: axum::Router,
    listener: std::net::TcpListener,
    admission: Arc<connection::Admission>,
    stopped: watch::Receiver<bool>,
) {
    dispatch::enter_serving_thread(index);
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("litellm-proxy: serving thread {index} not started: {e}");
            return;
        }
    };
    runtime.block_on(async move {
        match TcpListener::from_std(listener) {
            Ok(listener) => connection::serve(app, listener, admission, stopped, DRAIN_LIMIT).await,
            Err(e) => eprintln!("litellm-proxy: serving thread {index} not started: {e}"),
        }
    });
    // A blocking task (a `/spend/logs` query) gets a moment to end; the thread does not hang on it.
    runtime.shutdown_timeout(Duration::from_secs(1));
}
