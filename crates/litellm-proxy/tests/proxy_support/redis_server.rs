//! A throw-away `redis-server` on a free loopback port, for the tests of replicas sharing state.
//!
//! When `redis-server` is not installed the test is skipped with a printed reason, unless `CI` or
//! `LITELLM_PROXY_REQUIRE_SERVICES=1` is set: then it fails (`.ci/run` installs the package).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct RedisServer {
    child: Option<Child>,
    pub port: u16,
    dir: PathBuf,
}

fn binary() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("redis-server"))
            .find(|path| path.is_file())
    });
    on_path.or_else(|| {
        let fixed = PathBuf::from("/usr/bin/redis-server");
        fixed.is_file().then_some(fixed)
    })
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("no free port: {e}"))
}

/// Whether a Redis answers `PING` on `port`.
pub fn answers(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(1)));
    if stream.write_all(b"PING\r\n").is_err() {
        return false;
    }
    let mut reply = [0u8; 7];
    stream.read_exact(&mut reply).is_ok() && &reply == b"+PONG\r\n"
}

impl RedisServer {
    /// Starts one; `None` (after printing why) when `redis-server` is missing and services are
    /// not required.
    pub fn start(name: &str) -> Option<Self> {
        let Some(binary) = binary() else {
            assert!(
                !super::required_in_ci(),
                "redis-server is not installed; CI installs it (apt-get install redis-server, see .ci/run)"
            );
            eprintln!("SKIPPED: redis-server is not installed (apt-get install redis-server)");
            return None;
        };
        let dir = super::scratch(&format!("redis-{name}"));
        let mut server = RedisServer {
            child: None,
            port: 0,
            dir,
        };
        // A port found free may be taken before the server binds it: try a few.
        for _ in 0..5 {
            server.port = free_port();
            if server.launch(&binary) {
                return Some(server);
            }
        }
        panic!("redis-server did not start (tried 5 ports)");
    }

    fn launch(&mut self, binary: &std::path::Path) -> bool {
        let child = Command::new(binary)
            .args(["--port", &self.port.to_string()])
            .args(["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .arg("--dir")
            .arg(&self.dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run redis-server: {e}"));
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if answers(self.port) {
                return true;
            }
            if let Some(child) = self.child.as_mut() {
                if child.try_wait().ok().flatten().is_some() {
                    self.child = None;
                    return false;
                }
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        self.kill();
        false
    }

    /// Kills the server (SIGKILL), as a crash would; [`RedisServer::restart`] brings it back on
    /// the same port.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// A fresh, empty server on the same port.
    pub fn restart(&mut self) {
        self.kill();
        let Some(binary) = binary() else {
            panic!("redis-server went missing");
        };
        assert!(self.launch(&binary), "redis-server did not restart");
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
