//! `litellm-proxy`: a reference OpenAI-compatible proxy that runs LiteLLM configs.
//!
//! [`start`] serves a [`ProxyConfig`] on a bound listener and returns a handle whose
//! [`RunningProxy::stop`] drains connections and flushes the spend log. The binary in
//! `src/bin/litellm-proxy.rs` only parses flags, loads the config through the checker and calls it.

pub mod auth;
pub mod config;
pub mod dispatch;
pub mod error;
pub mod load;
pub mod metrics;
pub mod pricing;
pub mod providers;
pub mod router;
pub mod server;
pub mod spend;
pub mod sse;
pub mod tls;

pub use config::ProxyConfig;

use axum::serve::ListenerExt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// Provider prefixes stripped when matching fallback keys (section 8.2), beyond the served ones.
pub const KNOWN_PREFIXES: &[&str] = &[
    "anthropic",
    "azure",
    "gemini",
    "vertex_ai",
    "bedrock",
    "cohere",
    "ollama",
];

/// How long a stop waits for open requests before closing them.
const DRAIN_LIMIT: Duration = Duration::from_secs(10);

#[derive(Debug, Clone, Default)]
pub struct ProxyOptions {
    /// Where spend rows go; overrides `general_settings.database_url: sqlite:///...`.
    pub spend_db: Option<PathBuf>,
}

/// A serving proxy.
pub struct RunningProxy {
    addr: SocketAddr,
    state: Arc<server::AppState>,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl RunningProxy {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting, lets open requests finish (up to a limit), then writes every queued
    /// spend row.
    pub async fn stop(mut self) {
        self.state.shutting_down.store(true, Ordering::Relaxed);
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if tokio::time::timeout(DRAIN_LIMIT, &mut self.task)
            .await
            .is_err()
        {
            self.task.abort();
        }
        if let Some(spend) = self.state.spend.clone() {
            let _ = tokio::task::spawn_blocking(move || spend.close()).await;
        }
    }
}

/// Serves `config` on `listener`. Fails when the spend store cannot be opened or the HTTP client
/// cannot be built.
pub async fn start(
    config: ProxyConfig,
    listener: TcpListener,
    options: ProxyOptions,
) -> Result<RunningProxy, String> {
    // reqwest is built without a default crypto provider (no aws-lc-rs); ring serves HTTPS.
    let _ = rustls::crypto::ring::default_provider().install_default();
    pricing::warm_up();
    let client = reqwest::Client::builder()
        .tls_backend_preconfigured(tls::client_config()?)
        .tcp_nodelay(true)
        .no_proxy()
        .pool_max_idle_per_host(256)
        .pool_idle_timeout(Duration::from_secs(90))
        .build()
        .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
    let spend_path = options.spend_db.clone().or_else(|| config.spend_db.clone());
    let spend = match (config.disable_spend_logs, spend_path) {
        (false, Some(path)) => Some(Arc::new(spend::SpendStore::open(&path)?)),
        _ => None,
    };
    let metrics = Arc::new(metrics::Metrics::default());
    let state = Arc::new(server::AppState {
        dispatcher: dispatch::Dispatcher {
            router: router::Router::new(config.deployments, config.router),
            client,
            metrics: metrics.clone(),
        },
        metrics,
        spend,
        master_key: config.master_key,
        key_header: config.key_header_name,
        return_wildcard_routes: config.return_wildcard_routes,
        shutting_down: AtomicBool::new(false),
    });
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let app = server::routes(state.clone());
    let listener = listener.tap_io(|tcp| {
        // Without it, small writes wait on delayed ACKs: the 40 ms stall other gateways show.
        let _ = tcp.set_nodelay(true);
    });
    let (stop_tx, stop_rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let serve = axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            let _ = stop_rx.await;
        });
        if let Err(e) = serve.await {
            eprintln!("litellm-proxy: server error: {e}");
        }
    });
    Ok(RunningProxy {
        addr,
        state,
        stop: Some(stop_tx),
        task,
    })
}
