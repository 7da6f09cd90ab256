//! A throwaway PostgreSQL cluster for tests: Debian's `postgresql` package (installed by
//! `scripts/setup.sh`), `initdb` in a temporary directory, one server on a free loopback port.
//!
//! One cluster per test binary ([`Cluster::shared`]), a fresh database per test
//! ([`Cluster::fresh_database`]): starting a cluster takes about 3 s, creating a database a
//! few milliseconds. PostgreSQL refuses to run as root, so as root it runs as the `postgres`
//! user (`runuser`); as anyone else, as that user.
//!
//! The server is not a daemon of ours to forget: it runs under a small shell that waits for
//! its stdin to close, then stops it (fast shutdown) and removes the directory. The test
//! process holds the other end of that pipe, so however the binary ends (success, panic,
//! abort), the cluster stops with it. This file is shared by `src/` unit tests (through a
//! `#[path]` module) and the integration tests.

#![allow(dead_code)]

use std::io::{BufRead as _, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// Where Debian's package puts the server's programs.
const BIN: &str = "/usr/lib/postgresql/15/bin";

/// A running cluster, stopped when the test binary ends (or when dropped).
#[derive(Debug)]
pub struct Cluster {
    /// The loopback port it listens on.
    pub port: u16,
    /// Its data directory.
    pub dir: PathBuf,
    guard: Mutex<Option<(Child, ChildStdin)>>,
    databases: AtomicUsize,
}

impl Cluster {
    /// The cluster of this test binary, started on first use.
    ///
    /// # Panics
    /// When PostgreSQL is not installed or does not start: run `scripts/setup.sh`.
    pub fn shared() -> &'static Cluster {
        static CLUSTER: OnceLock<Cluster> = OnceLock::new();
        CLUSTER.get_or_init(Cluster::start)
    }

    /// Starts a new cluster (about 3 s).
    ///
    /// # Panics
    /// When PostgreSQL is not installed or does not start.
    pub fn start() -> Cluster {
        // For tests: no fsync (a crash of the machine loses a scratch database, nothing else).
        Cluster::start_with(&[
            "fsync=off",
            "synchronous_commit=off",
            "full_page_writes=off",
        ])
    }

    /// Starts a new cluster with `settings` (`name=value`, as `postgres -c` takes them).
    ///
    /// # Panics
    /// When PostgreSQL is not installed or does not start.
    pub fn start_with(settings: &[&str]) -> Cluster {
        assert!(
            Path::new(BIN).join("initdb").exists(),
            "PostgreSQL 15 is not installed ({BIN}/initdb is missing): run scripts/setup.sh"
        );
        let root = is_root();
        let dir = make_dir(root);
        let port = free_port();
        let initdb = as_server_user(root, &format!("{BIN}/initdb"))
            .args(["-D"])
            .arg(&dir)
            .args(["-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .expect("run initdb");
        assert!(
            initdb.status.success(),
            "initdb failed: {}",
            String::from_utf8_lossy(&initdb.stderr)
        );
        // A socket in its own directory, loopback only.
        let dir_text = dir.display().to_string();
        let settings: String = settings.iter().map(|s| format!(" -c {s}")).collect();
        let script = format!(
            "{BIN}/postgres -D '{dir_text}' -p {port} -k '{dir_text}' \
             -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=64MB{settings} \
             >'{dir_text}.log' 2>&1 & pid=$!; \
             echo started; cat >/dev/null; kill -INT $pid; wait $pid; rm -rf '{dir_text}' '{dir_text}.log'"
        );
        let mut child = as_server_user(root, "sh")
            .args(["-c", &script])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start postgres");
        let stdin = child.stdin.take().expect("stdin");
        let mut line = String::new();
        let _ = BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line);
        let cluster = Cluster {
            port,
            dir,
            guard: Mutex::new(Some((child, stdin))),
            databases: AtomicUsize::new(0),
        };
        cluster.wait_until_ready();
        cluster
    }

    fn wait_until_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let ready = Command::new(format!("{BIN}/pg_isready"))
                .args(["-h", "127.0.0.1", "-p", &self.port.to_string(), "-q"])
                .status()
                .is_ok_and(|s| s.success());
            if ready {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "PostgreSQL did not start within 30 s; its log: {}",
                std::fs::read_to_string(format!("{}.log", self.dir.display())).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The URL of database `name` on this cluster.
    pub fn url(&self, name: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{name}", self.port)
    }

    /// Creates an empty database with a name of its own and returns its URL.
    pub fn fresh_database(&self) -> String {
        let n = self.databases.fetch_add(1, Ordering::SeqCst);
        let name = format!("t{}_{n}", std::process::id());
        self.psql("postgres", &format!("CREATE DATABASE {name}"));
        self.url(&name)
    }

    /// Runs SQL with `psql` on database `db`; returns what it printed (unaligned, no headers).
    ///
    /// # Panics
    /// When the SQL fails.
    pub fn psql(&self, db: &str, sql: &str) -> String {
        let out = Command::new("psql")
            .args(["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"])
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-U",
                "postgres",
            ])
            .args(["-d", db, "-c", sql])
            .output()
            .expect("run psql");
        assert!(
            out.status.success(),
            "psql failed on {sql:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// Stops the server and removes its directory (also done when the binary ends).
    pub fn stop(&self) {
        let taken = self
            .guard
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        if let Some((mut child, stdin)) = taken {
            drop(stdin);
            let _ = child.wait();
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The database name in a URL made by [`Cluster::url`].
pub fn database_name(url: &str) -> &str {
    url.rsplit('/').next().unwrap_or(url)
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

fn as_server_user(root: bool, program: &str) -> Command {
    if root {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--", program]);
        command
    } else {
        Command::new(program)
    }
}

/// A directory the server's user owns: made by that user, so no `chown` is needed.
fn make_dir(root: bool) -> PathBuf {
    let template = std::env::temp_dir().join("lms-support-pg-XXXXXX");
    let out = as_server_user(root, "mktemp")
        .arg("-d")
        .arg(&template)
        .output()
        .expect("run mktemp");
    assert!(out.status.success(), "mktemp failed");
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}
