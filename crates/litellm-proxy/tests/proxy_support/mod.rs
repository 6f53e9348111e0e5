//! Shared by the `proxy_*` tests: the in-repo mock upstream and the proxy, both in-process on
//! 127.0.0.1 port 0, and a small HTTP client.
#![allow(dead_code)]

pub mod postgres;
pub mod redis_server;

use litellm_check::env::Environment;
use litellm_proxy::{self as proxy, ConnectionLimits, ProxyOptions, RunningProxy};
use mock_upstream::MockUpstream;
use serde_json::Value;
use std::path::PathBuf;
use std::time::Duration;

pub const KEY: &str = "sk-test-master-key";

pub struct Harness {
    pub mock: MockUpstream,
    pub proxy: RunningProxy,
    pub client: reqwest::Client,
    pub dir: PathBuf,
}

pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// A fresh scratch directory for one test.
pub fn scratch(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("litellm-proxy-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)
        .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    dir
}

/// Starts a mock and a proxy serving `yaml`, in which `API_BASE` stands for the mock's base URL.
/// The config goes through the same loader as the binary.
pub async fn start(name: &str, yaml: &str) -> Harness {
    start_with_env(name, yaml, Environment::empty()).await
}

pub async fn start_with_env(name: &str, yaml: &str, env: Environment) -> Harness {
    launch(name, yaml, env, ConnectionLimits::default()).await
}

/// [`start`] with these connection limits (timeouts short enough for a test).
pub async fn start_with_limits(name: &str, yaml: &str, limits: ConnectionLimits) -> Harness {
    launch(name, yaml, Environment::empty(), limits).await
}

async fn launch(name: &str, yaml: &str, env: Environment, limits: ConnectionLimits) -> Harness {
    launch_in(scratch(name), yaml, env, limits).await
}

/// [`start`] in an existing scratch directory: a fresh mock, and a proxy on the spend file (and
/// keys) an earlier harness left there.
pub async fn start_on(dir: &std::path::Path, yaml: &str) -> Harness {
    launch_in(
        dir.to_path_buf(),
        yaml,
        Environment::empty(),
        ConnectionLimits::default(),
    )
    .await
}

async fn launch_in(
    dir: PathBuf,
    yaml: &str,
    env: Environment,
    limits: ConnectionLimits,
) -> Harness {
    let spend_db = Some(dir.join("spend.sqlite"));
    launch_with_store(dir, yaml, env, limits, spend_db).await
}

/// [`start_with_env`] without `--spend-db`: the store is the one the config (or `env`:
/// `DATABASE_URL`) chooses, a Postgres database or the SQLite file it names.
pub async fn start_with_store(name: &str, yaml: &str, env: Environment) -> Harness {
    launch_with_store(scratch(name), yaml, env, ConnectionLimits::default(), None).await
}

/// Another proxy on the config file a harness wrote in `dir` (same mock, same store), as a
/// second replica behind a load balancer would run; `Err` when it does not start.
pub async fn replica(dir: &std::path::Path, env: Environment) -> Result<RunningProxy, String> {
    let config = proxy::load::load(&dir.join("config.yaml"), &env, false)
        .unwrap_or_else(|e| panic!("load: {e}"))
        .config;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("bind: {e}"));
    let options = ProxyOptions {
        serving_threads: Some(2),
        ..ProxyOptions::default()
    };
    proxy::start(config, listener, options).await
}

async fn launch_with_store(
    dir: PathBuf,
    yaml: &str,
    env: Environment,
    limits: ConnectionLimits,
    spend_db: Option<PathBuf>,
) -> Harness {
    let mock = MockUpstream::start()
        .await
        .unwrap_or_else(|e| panic!("mock: {e}"));
    let path = dir.join("config.yaml");
    // `API_BASE` is the mock's base URL; `MOCK_ADDR` its host:port, for URLs built around it.
    let yaml = yaml
        .replace("API_BASE", &mock.api_base())
        .replace("MOCK_ADDR", &mock.addr().to_string());
    std::fs::write(&path, yaml).unwrap_or_else(|e| panic!("write config: {e}"));
    let config = proxy::load::load(&path, &env, false)
        .unwrap_or_else(|e| panic!("load: {e}"))
        .config;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("bind: {e}"));
    // Two serving threads of their own, as the binary runs on this machine.
    let options = ProxyOptions {
        spend_db,
        serving_threads: Some(2),
        limits,
        ..ProxyOptions::default()
    };
    let proxy = proxy::start(config, listener, options)
        .await
        .unwrap_or_else(|e| panic!("start: {e}"));
    let client = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap_or_else(|e| panic!("client: {e}"));
    Harness {
        mock,
        proxy,
        client,
        dir,
    }
}

impl Harness {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.proxy.url())
    }

    pub async fn post(&self, path: &str, body: Value) -> Reply {
        self.post_with(path, body, &[("authorization", &format!("Bearer {KEY}"))])
            .await
    }

    pub async fn post_with(&self, path: &str, body: Value, headers: &[(&str, &str)]) -> Reply {
        let mut request = self
            .client
            .post(self.url(path))
            .header("content-type", "application/json")
            .body(body.to_string());
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("POST {path}: {e}"));
        reply(response).await
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.get_with(path, &[("authorization", &format!("Bearer {KEY}"))])
            .await
    }

    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Reply {
        let mut request = self.client.get(self.url(path));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"));
        reply(response).await
    }

    /// `DELETE path` with the master key.
    pub async fn delete(&self, path: &str) -> Reply {
        let response = self
            .client
            .delete(self.url(path))
            .header("authorization", format!("Bearer {KEY}"))
            .send()
            .await
            .unwrap_or_else(|e| panic!("DELETE {path}: {e}"));
        reply(response).await
    }

    /// A chat completion for `model` with one user message.
    pub async fn chat(&self, model: &str) -> Reply {
        self.post("/v1/chat/completions", chat_body(model)).await
    }

    /// Polls `/spend/logs` until it holds `count` rows (the writer is off the request path).
    pub async fn spend_rows(&self, query: &str, count: usize) -> Vec<Value> {
        for _ in 0..200 {
            let rows = self.get(&format!("/spend/logs{query}")).await.json();
            let rows = rows.as_array().cloned().unwrap_or_default();
            if rows.len() >= count {
                return rows;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("spend logs never reached {count} rows for `{query}`");
    }
}

async fn reply(response: reqwest::Response) -> Reply {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap_or_default();
    Reply {
        status,
        headers,
        text,
    }
}

/// `POST path` with `key` as the bearer token to a proxy known by its URL (a replica, a process).
pub async fn post_to(
    client: &reqwest::Client,
    url: &str,
    path: &str,
    key: &str,
    body: Value,
) -> Reply {
    let response = client
        .post(format!("{url}{path}"))
        .header("authorization", format!("Bearer {key}"))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap_or_else(|e| panic!("POST {path}: {e}"));
    reply(response).await
}

/// A chat completion for `model` with `key` at the proxy at `url`.
pub async fn chat_to(client: &reqwest::Client, url: &str, key: &str, model: &str) -> Reply {
    post_to(client, url, "/v1/chat/completions", key, chat_body(model)).await
}

pub fn chat_body(model: &str) -> Value {
    serde_json::json!({"model": model, "messages": [{"role": "user", "content": "Say hello to the test suite"}]})
}

/// The `data:` payloads of an SSE body.
pub fn sse_data(text: &str) -> Vec<String> {
    text.split("\n\n")
        .filter_map(|event| event.strip_prefix("data: "))
        .map(str::to_string)
        .collect()
}

/// An error body in OpenAI's shape, checked field by field.
pub fn assert_openai_error(reply: &Reply, status: u16) -> Value {
    assert_eq!(reply.status, status, "status; body: {}", reply.text);
    let body = reply.json();
    let error = body
        .get("error")
        .unwrap_or_else(|| panic!("no `error` object: {}", reply.text))
        .clone();
    for field in ["message", "type", "param", "code"] {
        assert!(
            error.get(field).is_some(),
            "error lacks `{field}`: {}",
            reply.text
        );
    }
    assert_eq!(error["code"], status.to_string());
    error
}

/// Whether something a test needs from the machine (a Python package, PostgreSQL, Redis) must be
/// there: under CI (`CI` set, or `LITELLM_PROXY_REQUIRE_SERVICES=1`, which `.ci/run` sets) a
/// missing one fails the test; elsewhere the test says why and skips.
pub fn required_in_ci() -> bool {
    std::env::var_os("CI").is_some()
        || std::env::var("LITELLM_PROXY_REQUIRE_SERVICES").is_ok_and(|v| v == "1")
}

/// Whether the Python package `name` can be imported (`.ci/run` installs
/// tests/python/requirements.txt; see [`required_in_ci`]).
pub fn python_package_installed(name: &str) -> bool {
    let import = std::process::Command::new("python3")
        .args(["-c", &format!("import {name}")])
        .output();
    if import.is_ok_and(|o| o.status.success()) {
        return true;
    }
    assert!(
        !required_in_ci(),
        "CI must install the Python package `{name}` (crates/litellm-proxy/tests/python/requirements.txt)"
    );
    eprintln!(
        "SKIPPED: the `{name}` Python package is not installed (python3 -m pip install {name})"
    );
    false
}

/// Whether the official OpenAI Python SDK can be imported (see [`python_package_installed`]).
pub fn openai_sdk_installed() -> bool {
    python_package_installed("openai")
}

/// Runs `tests/python/{script}` against the harness's proxy (`PROXY_URL`, `PROXY_KEY`, and the
/// given variables) and asserts that every check in it passed.
pub async fn run_sdk_script(h: &Harness, script: &str, env: &[(&str, String)]) {
    let path = format!("{}/tests/python/{script}", env!("CARGO_MANIFEST_DIR"));
    let mut command = std::process::Command::new("python3");
    command
        .arg(&path)
        .env("PROXY_URL", h.proxy.url())
        .env("PROXY_KEY", KEY)
        .env("NO_PROXY", "*");
    for (name, value) in env {
        command.env(name, value);
    }
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .unwrap_or_else(|e| panic!("join: {e}"))
        .unwrap_or_else(|e| panic!("cannot run python3: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains("passed, 0 failed"),
        "{script}: SDK checks failed:\n{stdout}\n{stderr}"
    );
}

/// One provider's recorded request/response pairs, `tests/data/providers/<provider>/`: files named
/// `<case>.<kind>` (e.g. `tools.openai-request.json`).
pub struct RecordedPairs(pub &'static str);

impl RecordedPairs {
    fn dir(&self) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/providers")
            .join(self.0)
    }

    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    pub fn json(&self, name: &str) -> Value {
        serde_json::from_str(&self.read(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    /// The case names having a file ending in `suffix`, sorted.
    pub fn cases(&self, suffix: &str) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.dir())
            .unwrap_or_else(|e| panic!("{e}"))
            .filter_map(|entry| entry.ok())
            .filter_map(|entry| entry.file_name().to_str().map(str::to_string))
            .filter_map(|name| name.strip_suffix(suffix).map(str::to_string))
            .collect();
        names.sort();
        names
    }
}

/// A fresh directory for the default store of each binary a test starts.
pub fn state_dir() -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    scratch(&format!("state-{}", NEXT.fetch_add(1, Ordering::Relaxed)))
}

/// The `litellm-proxy` binary, started on port 0; killed when dropped, so a failing test leaves
/// no process behind.
pub struct ProxyProcess {
    pub child: std::process::Child,
    /// `http://127.0.0.1:PORT` from the listening line.
    pub url: String,
    /// The listening line.
    pub line: String,
    /// Standard error after the listening line.
    stderr: std::io::Lines<std::io::BufReader<std::process::ChildStderr>>,
}

impl ProxyProcess {
    /// Starts the binary on `config` with `args` and waits for its listening line. `Err` holds
    /// its standard error when it exited instead (a refused start).
    pub fn spawn(config: &std::path::Path, args: &[&std::ffi::OsStr]) -> Result<Self, String> {
        Self::spawn_with_env(config, args, &[])
    }

    /// [`ProxyProcess::spawn`] with these environment variables set (after the defaults).
    pub fn spawn_with_env(
        config: &std::path::Path,
        args: &[&std::ffi::OsStr],
        env: &[(&str, &std::ffi::OsStr)],
    ) -> Result<Self, String> {
        use std::io::BufRead;
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_litellm-proxy"))
            .arg("--config")
            .arg(config)
            .args(["--port", "0"])
            .args(args)
            .env_remove("LITELLM_MASTER_KEY")
            .env_remove("LITELLM_PROXY_SPEND_DB")
            // A Postgres URL in the caller's environment would choose the store.
            .env_remove("DATABASE_URL")
            // The default store goes to a directory of the test's own, never the user's state.
            .env("LITELLM_PROXY_STATE_DIR", state_dir())
            .env("NO_COLOR", "1")
            .envs(env.iter().copied())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("spawn: {e}"));
        let stderr = child.stderr.take().unwrap_or_else(|| panic!("no stderr"));
        let mut lines = std::io::BufReader::new(stderr).lines();
        let mut before = Vec::new();
        for line in lines.by_ref().map_while(Result::ok) {
            if let Some(rest) = line.strip_prefix("litellm-proxy: listening on ") {
                let url = rest.split_whitespace().next().unwrap_or("").to_string();
                return Ok(ProxyProcess {
                    child,
                    url,
                    line: line.clone(),
                    stderr: lines,
                });
            }
            before.push(line);
        }
        let status = child.wait().unwrap_or_else(|e| panic!("wait: {e}"));
        before.push(format!("(exit: {status})"));
        Err(before.join("\n"))
    }

    /// Sends `kill -SIGNAL` (`TERM`, `KILL`).
    pub fn signal(&self, signal: &str) {
        let sent = std::process::Command::new("kill")
            .args([&format!("-{signal}"), &self.child.id().to_string()])
            .status();
        assert!(sent.is_ok_and(|s| s.success()), "kill -{signal} failed");
    }

    /// Waits for the exit; returns it with the rest of standard error.
    pub fn wait(&mut self) -> (std::process::ExitStatus, Vec<String>) {
        let rest = self.stderr.by_ref().map_while(Result::ok).collect();
        let status = self.child.wait().unwrap_or_else(|e| panic!("wait: {e}"));
        (status, rest)
    }
}

impl Drop for ProxyProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A config for the binary: one `gpt-4o` deployment at `api_base`, the master key [`KEY`].
pub fn binary_config(dir: &std::path::Path, api_base: &str) -> PathBuf {
    let path = dir.join("config.yaml");
    let config = format!(
        "model_list:\n  - model_name: gpt-4o\n    litellm_params: {{model: openai/gpt-4o, api_base: '{api_base}', api_key: sk-upstream}}\ngeneral_settings: {{master_key: {KEY}}}\n"
    );
    std::fs::write(&path, config).unwrap_or_else(|e| panic!("write: {e}"));
    path
}

/// The binary in front of a fresh mock, as it runs on this machine (two serving threads), with
/// its spend file in a scratch directory.
pub struct Binary {
    pub mock: MockUpstream,
    pub proxy: ProxyProcess,
    pub spend_db: PathBuf,
}

/// Starts [`Binary`] with `args` added to `--threads 2 --spend-db <scratch>/spend.sqlite`.
pub async fn start_binary(name: &str, args: &[&str]) -> Binary {
    let mock = MockUpstream::start()
        .await
        .unwrap_or_else(|e| panic!("mock: {e}"));
    let dir = scratch(name);
    let config = binary_config(&dir, &mock.api_base());
    let spend_db = dir.join("spend.sqlite");
    let mut all: Vec<&std::ffi::OsStr> = ["--threads", "2", "--spend-db"]
        .iter()
        .map(std::ffi::OsStr::new)
        .collect();
    all.push(spend_db.as_os_str());
    all.extend(args.iter().map(std::ffi::OsStr::new));
    let proxy = ProxyProcess::spawn(&config, &all).unwrap_or_else(|e| panic!("{e}"));
    Binary {
        mock,
        proxy,
        spend_db,
    }
}

/// A client for a proxy in another process (the in-process harness installs the TLS provider
/// itself).
pub fn plain_client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap_or_else(|e| panic!("client: {e}"))
}

/// One value of a Prometheus text exposition (`name` with its labels, as written).
pub fn metric(text: &str, name: &str) -> Option<f64> {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .find_map(|line| {
            line.strip_prefix(name)?
                .strip_prefix(' ')?
                .trim()
                .parse()
                .ok()
        })
}

/// Several proxies (replicas) on one config and one store, in front of one mock: what runs
/// behind a load balancer. `API_BASE` in the config stands for the mock's base URL. The store is
/// one SQLite file, or the Postgres database of the environment's `DATABASE_URL`.
pub struct Replicas {
    pub mock: MockUpstream,
    pub proxies: Vec<RunningProxy>,
    pub client: reqwest::Client,
    pub dir: PathBuf,
    config: PathBuf,
    env: Environment,
}

impl Replicas {
    pub async fn start(name: &str, yaml: &str, count: usize) -> Replicas {
        Replicas::start_with_env(name, yaml, count, Environment::empty()).await
    }

    /// Replicas reading `env` (`DATABASE_URL`: a Postgres store instead of the SQLite file).
    pub async fn start_with_env(
        name: &str,
        yaml: &str,
        count: usize,
        env: Environment,
    ) -> Replicas {
        let mock = MockUpstream::start()
            .await
            .unwrap_or_else(|e| panic!("mock: {e}"));
        let dir = scratch(name);
        let config = dir.join("config.yaml");
        let yaml = yaml.replace("API_BASE", &mock.api_base());
        std::fs::write(&config, yaml).unwrap_or_else(|e| panic!("write config: {e}"));
        let client = plain_client();
        let mut replicas = Replicas {
            mock,
            proxies: Vec::new(),
            client,
            dir,
            config,
            env,
        };
        for _ in 0..count {
            replicas.add().await;
        }
        replicas
    }

    /// One more replica on the same config and spend file.
    pub async fn add(&mut self) {
        let config = proxy::load::load(&self.config, &self.env, false)
            .unwrap_or_else(|e| panic!("load: {e}"))
            .config;
        let sqlite = self.env.get("DATABASE_URL").is_none();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap_or_else(|e| panic!("bind: {e}"));
        let options = ProxyOptions {
            spend_db: sqlite.then(|| self.dir.join("spend.sqlite")),
            serving_threads: Some(2),
            ..ProxyOptions::default()
        };
        let proxy = proxy::start(config, listener, options)
            .await
            .unwrap_or_else(|e| panic!("start: {e}"));
        self.proxies.push(proxy);
    }

    pub fn url(&self, replica: usize, path: &str) -> String {
        format!("{}{path}", self.proxies[replica].url())
    }

    /// `POST path` on one replica with `key` as the bearer token.
    pub async fn post(&self, replica: usize, path: &str, body: Value, key: &str) -> Reply {
        post_to(&self.client, &self.url(replica, ""), path, key, body).await
    }

    /// `GET path` on one replica with the master key.
    pub async fn get(&self, replica: usize, path: &str) -> Reply {
        let response = self
            .client
            .get(self.url(replica, path))
            .header("authorization", format!("Bearer {KEY}"))
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"));
        reply(response).await
    }

    /// A chat completion for `model` on one replica with `key`.
    pub async fn chat(&self, replica: usize, model: &str, key: &str) -> Reply {
        self.post(replica, "/v1/chat/completions", chat_body(model), key)
            .await
    }

    /// Polls one replica's `/metrics` until `name` (with its labels) has `value`; false when it
    /// never does within ten seconds.
    pub async fn wait_for_metric(&self, replica: usize, name: &str, value: f64) -> bool {
        for _ in 0..500 {
            let text = self.get(replica, "/metrics").await.text;
            if metric(&text, name) == Some(value) {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        false
    }

    /// Fails deployment `model_id` (mock model `model_id`) of `group` with 401s until `replica`
    /// cools it down, then lets it answer again; the replies on the way (some may be answered by
    /// the group's other deployments).
    pub async fn cool_down(&self, replica: usize, group: &str, model_id: &str) -> Vec<Reply> {
        let cooling = format!(
            "litellm_proxy_deployment_cooling{{model_group=\"{group}\",model_id=\"{model_id}\"}}"
        );
        // A 401 cools a deployment at once (it is not worth retrying); the shuffle gets to it
        // within a few requests.
        self.mock
            .set_behaviour(model_id, mock_upstream::Behaviour::status(401));
        let mut replies = Vec::new();
        for _ in 0..60 {
            replies.push(self.chat(replica, group, KEY).await);
            if metric(&self.get(replica, "/metrics").await.text, &cooling) == Some(1.0) {
                self.mock.clear_behaviour(model_id);
                self.mock.reset_counts();
                return replies;
            }
        }
        panic!("replica {replica} never cooled `{model_id}` down");
    }

    pub async fn stop(self) {
        for proxy in self.proxies {
            proxy.stop().await;
        }
    }
}
