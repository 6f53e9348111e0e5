//! `litellm-proxy --config litellm_config.yaml [--host 127.0.0.1] [--port 4000]`: serves a LiteLLM
//! config as an OpenAI-compatible API. All the work is in `litellm_proxy`.

use clap::Parser;
use litellm_check::env::Environment;
use litellm_proxy::{self as proxy, ProxyOptions};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

#[derive(Debug, Parser)]
#[command(
    name = "litellm-proxy",
    version,
    about = "A fast reference proxy for LiteLLM configs"
)]
struct Args {
    /// The LiteLLM proxy config.
    #[arg(long, short = 'c')]
    config: PathBuf,
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    #[arg(long, default_value_t = 4000)]
    port: u16,
    /// SQLite file for spend logs and virtual keys (created on start); overrides
    /// `general_settings.database_url` (`sqlite://...` or a Postgres URL) and `DATABASE_URL`
    /// [default: a Postgres URL in those, else litellm-proxy.sqlite in $LITELLM_PROXY_STATE_DIR,
    /// else $XDG_STATE_HOME/litellm-proxy/, else ~/.local/state/litellm-proxy/].
    #[arg(long, env = "LITELLM_PROXY_SPEND_DB", conflicts_with = "no_spend_db")]
    spend_db: Option<PathBuf>,
    /// Keep no spend logs and no virtual keys (no database file at all).
    #[arg(long)]
    no_spend_db: bool,
    /// Cap the spend file at this many bytes (SQLite's `max_page_count`); rows past it are
    /// dropped and counted, as on a full disk.
    #[arg(long, value_name = "BYTES")]
    spend_db_max_bytes: Option<u64>,
    /// A dotenv file whose variables `os.environ/` references may name; the environment wins.
    #[arg(long)]
    env_file: Option<PathBuf>,
    /// Threads serving requests, each with its own event loop and upstream connections
    /// [default: the number of CPUs].
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=1024))]
    threads: Option<u16>,
    /// Seconds a client has, from a request's first byte, to send its headers and body; a
    /// slower one is disconnected [default: 30].
    #[arg(long, value_name = "SECONDS", value_parser = seconds)]
    header_timeout: Option<Duration>,
    /// Seconds an idle connection (no request in progress) stays open [default: 5, uvicorn's];
    /// LiteLLM's `--keepalive_timeout` spelling is accepted too.
    #[arg(long, alias = "keepalive_timeout", value_name = "SECONDS", value_parser = seconds)]
    keepalive_timeout: Option<Duration>,
    /// Open client connections at most; past it a new one replaces the longest idle or slowest
    /// reading one, or gets a 503 within a second when all are busy
    /// [default: 400; keep it well under `ulimit -n` / 2].
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    max_connections: Option<u32>,
}

/// A positive number of seconds, up to a day.
fn seconds(text: &str) -> Result<Duration, String> {
    match text.trim().parse::<f64>() {
        Ok(s) if s.is_finite() && s > 0.0 && s <= 86_400.0 => Ok(Duration::from_secs_f64(s)),
        _ => Err(format!(
            "`{text}` is not a number of seconds between 0 and 86400"
        )),
    }
}

fn main() -> ExitCode {
    let started = Instant::now();
    let args = Args::parse();
    let env = match Environment::with_env_files(args.env_file.as_slice()) {
        Ok(env) => env,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let color = litellm_check::diagnostic::format::color_for_env(std::io::stderr().is_terminal());
    let config = match proxy::load::load(&args.config, &env, color) {
        Ok(loaded) => {
            eprint!("{}", loaded.warnings);
            loaded.config
        }
        Err(findings) => {
            eprint!("{findings}");
            if !findings.ends_with('\n') {
                eprintln!();
            }
            eprintln!("litellm-proxy: not started: the config has errors (the same `litellm-check check` reports)");
            return ExitCode::FAILURE;
        }
    };
    for note in &config.notes {
        eprintln!("warning: {note}");
    }
    if let Some(reason) = config.weak_master_key() {
        if !config.permit_weak_master_key {
            eprintln!(
                "error: {reason}; LiteLLM 1.109 refuses to start like this (set LITELLM_DANGEROUSLY_PERMIT_WEAK_OR_UNSET_MASTER_KEY=true to override)"
            );
            return ExitCode::FAILURE;
        }
        eprintln!("warning: {reason}; every request is accepted");
    }
    // This thread only starts, waits for a signal and stops; the serving threads do the work.
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(serve(args, config, started))
}

async fn serve(args: Args, config: proxy::ProxyConfig, started: Instant) -> ExitCode {
    let address = format!("{}:{}", args.host, args.port);
    let listener = match tokio::net::TcpListener::bind(&address).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("error: cannot listen on {address}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let threads = args.threads.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        usize::from,
    );
    let defaults = proxy::ConnectionLimits::default();
    let options = ProxyOptions {
        spend_db: args.spend_db.clone(),
        default_spend_db: Some(proxy::store::default_path(|name| std::env::var(name).ok())),
        no_spend_db: args.no_spend_db,
        spend_db_max_bytes: args.spend_db_max_bytes,
        serving_threads: Some(threads),
        limits: proxy::ConnectionLimits {
            header_timeout: args.header_timeout.unwrap_or(defaults.header_timeout),
            keepalive_timeout: args.keepalive_timeout.unwrap_or(defaults.keepalive_timeout),
            max_connections: args
                .max_connections
                .map_or(defaults.max_connections, |n| n as usize),
        },
    };
    let running = match proxy::start(config, listener, options).await {
        Ok(running) => running,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let store = running.store_description().map_or(
        "no spend logs or virtual keys (--no-spend-db)".to_string(),
        |store| format!("spend logs and keys in the {store}"),
    );
    let shared = running.shared_description().map_or(String::new(), |redis| {
        format!("; cooldowns, usage and key limits shared through Redis at {redis}")
    });
    eprintln!(
        "litellm-proxy: listening on {} (ready in {:.1} ms); {store}{shared}",
        running.url(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    shutdown_signal().await;
    eprintln!("litellm-proxy: shutting down");
    running.stop().await;
    ExitCode::SUCCESS
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let mut terminate =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(signal) => signal,
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                    return;
                }
            };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
