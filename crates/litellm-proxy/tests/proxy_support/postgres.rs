//! A throw-away PostgreSQL for one test: `initdb` into a scratch directory and `pg_ctl start` on
//! a free loopback port (`listen_addresses=127.0.0.1`, the socket in the scratch directory), the
//! distribution's binaries (`pg_config --bindir`, else `/usr/lib/postgresql/*/bin`, else `PATH`).
//! PostgreSQL refuses to run as root: as root the server runs as the `postgres` system user
//! (`runuser -u postgres --`), which then owns the scratch directory. Stopped on drop.
//!
//! Without the binaries a test is skipped with a printed reason, unless `CI` is set or
//! `LITELLM_PROXY_REQUIRE_SERVICES=1`: then it fails (`.ci/run` installs PostgreSQL).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The password in the URLs the tests give the proxy; the server trusts loopback, so it is
/// never checked, only carried (a test asserts it is never printed).
pub const PASSWORD: &str = "pg-test-secret-5f2c";

pub struct Postgres {
    pub dir: PathBuf,
    pub port: u16,
    bin: PathBuf,
    as_postgres_user: bool,
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// The directory holding `initdb`, `pg_ctl` and `postgres`.
fn bindir() -> Option<PathBuf> {
    let has = |dir: &Path| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file();
    if let Ok(output) = Command::new("pg_config").arg("--bindir").output() {
        let dir = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
        if output.status.success() && has(&dir) {
            return Some(dir);
        }
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.path().join("bin"))
        .filter(|dir| has(dir))
        .collect();
    versions.sort();
    if let Some(dir) = versions.pop() {
        return Some(dir);
    }
    std::env::var_os("PATH").and_then(|path| std::env::split_paths(&path).find(|dir| has(dir)))
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("no free port: {e}"))
}

impl Postgres {
    /// A fresh server, or `None` (with the reason printed) when PostgreSQL is not installed and
    /// the services are not required.
    pub fn start(name: &str) -> Option<Postgres> {
        let Some(bin) = bindir() else {
            assert!(
                !super::required_in_ci(),
                "PostgreSQL's initdb/pg_ctl are not installed (apt-get install postgresql); CI and LITELLM_PROXY_REQUIRE_SERVICES=1 need them"
            );
            eprintln!("SKIPPED: PostgreSQL's initdb/pg_ctl are not installed (apt-get install postgresql)");
            return None;
        };
        let dir = std::env::temp_dir().join(format!("litellm-pg-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("mkdir: {e}"));
        let as_postgres_user = is_root();
        let server = Postgres {
            dir,
            port: free_port(),
            bin,
            as_postgres_user,
        };
        if as_postgres_user {
            let chown = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(&server.dir)
                .status();
            assert!(chown.is_ok_and(|s| s.success()), "chown to postgres failed");
        }
        let data = server.data();
        let init = server.run(
            "initdb",
            &[
                "-D",
                &data,
                "-U",
                "postgres",
                "--auth=trust",
                "--no-sync",
                "-E",
                "UTF8",
                "--locale=C",
            ],
        );
        assert!(init.status.success(), "initdb failed: {}", text(&init));
        server.start_again();
        Some(server)
    }

    fn data(&self) -> String {
        self.dir.join("data").display().to_string()
    }

    fn run(&self, tool: &str, args: &[&str]) -> Output {
        let program = self.bin.join(tool);
        let mut command = if self.as_postgres_user {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(program);
            command
        } else {
            Command::new(program)
        };
        command
            .args(args)
            .current_dir(&self.dir)
            .output()
            .unwrap_or_else(|e| panic!("cannot run {tool}: {e}"))
    }

    /// Starts the server (again) on its port and waits until it accepts connections.
    pub fn start_again(&self) {
        let options = format!(
            "-c listen_addresses=127.0.0.1 -p {} -k {} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=16MB",
            self.port,
            self.dir.display()
        );
        let log = self.dir.join("server.log").display().to_string();
        let started = self.run(
            "pg_ctl",
            &[
                "start",
                "-w",
                "-t",
                "60",
                "-D",
                &self.data(),
                "-l",
                &log,
                "-o",
                &options,
            ],
        );
        assert!(
            started.status.success(),
            "pg_ctl start failed: {}\n{}",
            text(&started),
            std::fs::read_to_string(&log).unwrap_or_default()
        );
    }

    /// Stops the server at once (open connections are cut).
    pub fn stop(&self) {
        let _ = self.run("pg_ctl", &["stop", "-w", "-D", &self.data(), "-m", "fast"]);
    }

    /// `postgresql://postgres:PASSWORD@127.0.0.1:PORT/postgres?sslmode=disable`.
    pub fn url(&self) -> String {
        format!(
            "postgresql://postgres:{PASSWORD}@127.0.0.1:{}/postgres?sslmode=disable",
            self.port
        )
    }

    /// A plain client, as LiteLLM's own queries would connect; its connection runs on the
    /// caller's runtime.
    pub async fn client(&self) -> tokio_postgres::Client {
        let (client, connection) = tokio_postgres::connect(&self.url(), tokio_postgres::NoTls)
            .await
            .unwrap_or_else(|e| panic!("connect: {e}"));
        tokio::spawn(connection);
        client
    }
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = self.run(
            "pg_ctl",
            &["stop", "-w", "-D", &self.data(), "-m", "immediate"],
        );
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Polls `sql` (a count) until it reaches `want`; the writers are off the request path.
pub async fn count_reaches(client: &tokio_postgres::Client, sql: &str, want: i64) -> i64 {
    let mut last = -1;
    for _ in 0..500 {
        last = client.query_one(sql, &[]).await.unwrap().get(0);
        if last >= want {
            return last;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("`{sql}` stayed at {last}, never {want}");
}

/// Polls the spend of the key whose hash is `hash` until the writers have accrued `want`.
pub async fn key_spend_reaches(client: &tokio_postgres::Client, hash: &str, want: f64) {
    let mut spend = 0.0;
    for _ in 0..500 {
        spend = client
            .query_one(
                r#"SELECT spend FROM "LiteLLM_VerificationToken" WHERE token = $1"#,
                &[&hash],
            )
            .await
            .unwrap()
            .get(0);
        if spend >= want {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("the key's spend stayed at {spend}, never {want}");
}
