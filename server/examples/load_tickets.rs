//! `make bench`: ticket-create throughput and latency of `lms-support serve` on loopback, on
//! SQLite (one instance) and on PostgreSQL (one instance, then two on one database), in one run.
//!
//! For each setup it starts the servers on `127.0.0.1:0` with rate limits off (all requests come
//! from one address, which on PostgreSQL would make every request wait for one counter row,
//! unlike learners behind their own addresses) and fresh data
//! (a fresh directory; for PostgreSQL a fresh database in a throwaway cluster started for this
//! run with PostgreSQL's default durability, `fsync` and `synchronous_commit` on), opens several
//! keep-alive connections spread over the instances, and has each send `POST /v1/tickets` (a
//! unique `Idempotency-Key` every time) as fast as answers come back, for a bounded time and
//! count. Then it kills the servers with SIGKILL (no graceful flush: a `201` must already be
//! durable in the database), counts the rows, and prints creates/s, p50/p99/max latency,
//! errors, and tickets lost (`201`s without a row) or duplicated (rows without a `201`).
//!
//! ```text
//! cargo run --release -p lms-support-server --example load_tickets -- \
//!     --bin target/release/lms-support [--seconds 10] [--connections 8] [--max-requests 200000] \
//!     [--setups sqlite,pg1,pg2] [--pg-setting synchronous_commit=off]
//! ```
//!
//! Exit status 1 when any request failed or any ticket was lost or duplicated; the goals
//! (SQLite ≥ 2,000 creates/s, PostgreSQL with two instances ≥ 3,000, p99 ≤ 25 ms) are printed
//! as met or missed but do not fail the run, since they depend on the machine. Only loopback
//! is ever contacted.

#[path = "../tests/common/pg_cluster.rs"]
mod pg_cluster;

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const GOAL_RATE_SQLITE: f64 = 2_000.0;
const GOAL_RATE_PG2: f64 = 3_000.0;
const GOAL_P99_MS: f64 = 25.0;

struct Options {
    bin: PathBuf,
    seconds: u64,
    connections: usize,
    max_requests: u64,
    setups: Vec<Setup>,
    /// `postgres -c` settings for the cluster (`synchronous_commit=off`), default none.
    pg_settings: Vec<String>,
}

/// What is measured: the engine and how many instances.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Setup {
    Sqlite,
    Postgres(usize),
}

impl Setup {
    fn parse(text: &str) -> Result<Setup, String> {
        match text {
            "sqlite" => Ok(Setup::Sqlite),
            "pg1" => Ok(Setup::Postgres(1)),
            "pg2" => Ok(Setup::Postgres(2)),
            other => Err(format!("unknown setup {other:?}: sqlite, pg1 or pg2")),
        }
    }

    fn label(self) -> String {
        match self {
            Setup::Sqlite => "SQLite, 1 instance".to_string(),
            Setup::Postgres(1) => "PostgreSQL, 1 instance".to_string(),
            Setup::Postgres(n) => format!("PostgreSQL, {n} instances"),
        }
    }
}

fn options() -> Result<Options, String> {
    let mut o = Options {
        bin: PathBuf::from("target/release/lms-support"),
        seconds: 10,
        connections: 8,
        max_requests: 200_000,
        setups: vec![Setup::Sqlite, Setup::Postgres(1), Setup::Postgres(2)],
        pg_settings: Vec::new(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--bin" => o.bin = PathBuf::from(value()?),
            "--seconds" => o.seconds = value()?.parse().map_err(|e| format!("--seconds: {e}"))?,
            "--connections" => {
                o.connections = value()?
                    .parse()
                    .map_err(|e| format!("--connections: {e}"))?;
            }
            "--max-requests" => {
                o.max_requests = value()?
                    .parse()
                    .map_err(|e| format!("--max-requests: {e}"))?;
            }
            "--pg-setting" => o.pg_settings.push(value()?),
            "--setups" => {
                o.setups = value()?
                    .split(',')
                    .map(Setup::parse)
                    .collect::<Result<_, _>>()?;
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    // Bounded whatever is asked: at most a minute, at most 64 connections.
    o.seconds = o.seconds.clamp(1, 60);
    o.connections = o.connections.clamp(1, 64);
    Ok(o)
}

/// The server under test, killed on drop.
struct Server {
    child: Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_server(bin: &Path, dir: &Path, database: Option<&str>) -> Result<Server, String> {
    let empty = dir.join("empty");
    std::fs::create_dir_all(&empty).map_err(|e| e.to_string())?;
    let log = std::fs::File::create(dir.join("server.log")).map_err(|e| e.to_string())?;
    let mut child = Command::new(bin)
        .arg("serve")
        .args([
            "--addr",
            "127.0.0.1:0",
            "--rate-limit-hour",
            "0",
            "--rate-limit-day",
            "0",
            "--rate-limit-rejected",
            "0",
        ])
        .args(
            database
                .map(|url| ["--database", url])
                .into_iter()
                .flatten(),
        )
        .arg("--data")
        .arg(dir.join("data"))
        .arg("--static")
        .arg(&empty)
        .arg("--widget")
        .arg(&empty)
        .stdout(Stdio::piped())
        .stderr(log)
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
    let mut line = String::new();
    if let Some(out) = child.stdout.take() {
        let _ = BufReader::new(out).read_line(&mut line);
    }
    let addr = line
        .trim()
        .strip_prefix("lms-support: serving http://")
        .and_then(|rest| rest.strip_suffix('/'))
        .map(str::to_string);
    match addr {
        Some(addr) if addr.starts_with("127.0.0.1:") => Ok(Server { child, addr }),
        _ => {
            let _ = child.kill();
            let _ = child.wait();
            Err(format!("unexpected start-up line {line:?}"))
        }
    }
}

/// What one connection saw.
#[derive(Default)]
struct Tally {
    created: u64,
    errors: u64,
    first_error: Option<String>,
    latencies_us: Vec<u32>,
}

fn worker(addr: &str, worker: usize, nonce: u64, deadline: Instant, budget: &AtomicU64) -> Tally {
    let mut tally = Tally::default();
    let mut stream: Option<BufReader<TcpStream>> = None;
    let mut n: u64 = 0;
    while Instant::now() < deadline {
        if budget
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |b| b.checked_sub(1))
            .is_err()
        {
            break;
        }
        n += 1;
        let key = format!(
            "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
            (nonce >> 32) as u32,
            worker as u16,
            (nonce >> 20) & 0xfff,
            (nonce >> 8) & 0xfff,
            n & 0xffff_ffff_ffff
        );
        let body = format!(
            r#"{{"subject":"Cannot open quiz {n}","description":"The quiz page says access denied since this morning.","priority":"routine","category":"access","name":"Load Test","email":"load@example.edu","locale":"en","context":{{"page":"https://lms.example.edu/mod/quiz/view.php","browser":"Firefox 140"}},"honeypot":""}}"#
        );
        let request = format!(
            "POST /v1/tickets HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nIdempotency-Key: {key}\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        let started = Instant::now();
        let result = (|| -> Result<u16, String> {
            if stream.is_none() {
                let s = TcpStream::connect(addr).map_err(|e| e.to_string())?;
                s.set_nodelay(true).map_err(|e| e.to_string())?;
                s.set_read_timeout(Some(Duration::from_secs(10)))
                    .map_err(|e| e.to_string())?;
                stream = Some(BufReader::new(s));
            }
            let reader = stream.as_mut().ok_or("no connection")?;
            reader
                .get_mut()
                .write_all(request.as_bytes())
                .map_err(|e| e.to_string())?;
            read_response(reader)
        })();
        let elapsed = started.elapsed();
        match result {
            Ok(201) => {
                tally.created += 1;
                tally
                    .latencies_us
                    .push(u32::try_from(elapsed.as_micros()).unwrap_or(u32::MAX));
            }
            Ok(status) => {
                tally.errors += 1;
                tally.first_error.get_or_insert(format!("status {status}"));
            }
            Err(e) => {
                tally.errors += 1;
                tally.first_error.get_or_insert(e);
                stream = None;
            }
        }
    }
    tally
}

/// Reads one response with a `Content-Length` body; returns its status.
fn read_response(reader: &mut BufReader<TcpStream>) -> Result<u16, String> {
    let mut line = String::new();
    reader.read_line(&mut line).map_err(|e| e.to_string())?;
    let status: u16 = line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("bad status line {line:?}"))?;
    let mut length = 0usize;
    loop {
        line.clear();
        let n = reader.read_line(&mut line).map_err(|e| e.to_string())?;
        if n == 0 {
            return Err("connection closed".to_string());
        }
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().map_err(|_| "bad content-length")?;
            }
        }
    }
    let mut body = vec![0u8; length];
    reader.read_exact(&mut body).map_err(|e| e.to_string())?;
    Ok(status)
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    f64::from(sorted[rank.clamp(1, sorted.len()) - 1]) / 1000.0
}

fn main() -> ExitCode {
    let o = match options() {
        Ok(o) => o,
        Err(message) => {
            eprintln!("load_tickets: {message}");
            return ExitCode::from(2);
        }
    };
    let dir = std::env::temp_dir().join(format!("lms-support-load-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let cluster = o
        .setups
        .iter()
        .any(|s| matches!(s, Setup::Postgres(_)))
        .then(|| {
            let settings: Vec<&str> = o.pg_settings.iter().map(String::as_str).collect();
            pg_cluster::Cluster::start_with(&settings)
        });
    let mut rows = Vec::new();
    let mut clean = true;
    for (i, setup) in o.setups.iter().enumerate() {
        let setup_dir = dir.join(i.to_string());
        match run(&o, *setup, &setup_dir, cluster.as_ref()) {
            Ok(row) => {
                clean &= row.errors == 0 && row.lost == 0 && row.duplicated == 0;
                rows.push(row);
            }
            Err(message) => {
                eprintln!("load_tickets: {}: {message}", setup.label());
                clean = false;
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    print_table(&o, &rows);
    if clean {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// One setup's figures.
struct Figures {
    setup: Setup,
    created: u64,
    rate: f64,
    p50: f64,
    p99: f64,
    max: f64,
    errors: u64,
    first_error: Option<String>,
    rows: i64,
    lost: i64,
    duplicated: i64,
}

fn run(
    o: &Options,
    setup: Setup,
    dir: &Path,
    cluster: Option<&pg_cluster::Cluster>,
) -> Result<Figures, String> {
    let (instances, url) = match (setup, cluster) {
        (Setup::Sqlite, _) => (1, None),
        (Setup::Postgres(n), Some(cluster)) => (n, Some(cluster.fresh_database())),
        (Setup::Postgres(_), None) => return Err("no PostgreSQL cluster".to_string()),
    };
    let servers = (0..instances)
        .map(|i| start_server(&o.bin, &dir.join(i.to_string()), url.as_deref()))
        .collect::<Result<Vec<_>, _>>()?;
    let nonce = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let budget = Arc::new(AtomicU64::new(o.max_requests));
    let started = Instant::now();
    let deadline = started + Duration::from_secs(o.seconds);
    let workers: Vec<_> = (0..o.connections)
        .map(|i| {
            // Connections spread evenly over the instances, as a load balancer would.
            let addr = servers[i % servers.len()].addr.clone();
            let budget = budget.clone();
            std::thread::spawn(move || worker(&addr, i, nonce, deadline, &budget))
        })
        .collect();
    let mut tallies = Vec::new();
    for w in workers {
        tallies.push(
            w.join()
                .map_err(|_| "a client thread panicked".to_string())?,
        );
    }
    let wall = started.elapsed().as_secs_f64();
    drop(servers); // SIGKILL: whatever was acknowledged must already be in the database.

    let rows: i64 = match (&url, cluster) {
        (Some(url), Some(cluster)) => cluster
            .psql(
                pg_cluster::database_name(url),
                "SELECT count(*) FROM tickets",
            )
            .parse()
            .map_err(|e| format!("row count: {e}"))?,
        _ => {
            let conn = rusqlite::Connection::open(dir.join("0").join("data").join("support.db"))
                .map_err(|e| e.to_string())?;
            conn.query_row("SELECT COUNT(*) FROM tickets", [], |r| r.get(0))
                .map_err(|e| e.to_string())?
        }
    };
    let created: u64 = tallies.iter().map(|t| t.created).sum();
    let errors: u64 = tallies.iter().map(|t| t.errors).sum();
    let first_error = tallies.iter().find_map(|t| t.first_error.clone());
    let mut latencies: Vec<u32> = tallies.into_iter().flat_map(|t| t.latencies_us).collect();
    latencies.sort_unstable();
    let created_rows = i64::try_from(created).unwrap_or(i64::MAX);
    Ok(Figures {
        setup,
        created,
        rate: created as f64 / wall,
        p50: percentile(&latencies, 50.0),
        p99: percentile(&latencies, 99.0),
        max: latencies.last().map_or(0.0, |&m| f64::from(m) / 1000.0),
        errors,
        first_error,
        rows,
        lost: (created_rows - rows).max(0),
        // A request that errored may still have been stored (its answer was lost); only rows
        // beyond every request sent would be a duplicate.
        duplicated: (rows - created_rows - i64::try_from(errors).unwrap_or(0)).max(0),
    })
}

fn print_table(o: &Options, rows: &[Figures]) {
    println!(
        "ticket creates on loopback, {} s per setup, {} keep-alive connections; PostgreSQL settings: {}",
        o.seconds,
        o.connections,
        if o.pg_settings.is_empty() {
            "defaults".to_string()
        } else {
            o.pg_settings.join(", ")
        }
    );
    println!(
        "| setup | creates | creates/s | p50 ms | p99 ms | max ms | errors | rows | lost | duplicated |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for r in rows {
        println!(
            "| {} | {} | {:.0} | {:.2} | {:.2} | {:.2} | {} | {} | {} | {} |",
            r.setup.label(),
            r.created,
            r.rate,
            r.p50,
            r.p99,
            r.max,
            r.errors,
            r.rows,
            r.lost,
            r.duplicated
        );
        if let Some(e) = &r.first_error {
            println!("  first error: {e}");
        }
    }
    let met = |ok: bool| if ok { "met" } else { "MISSED" };
    for r in rows {
        let goal = match r.setup {
            Setup::Sqlite => GOAL_RATE_SQLITE,
            Setup::Postgres(2) => GOAL_RATE_PG2,
            Setup::Postgres(_) => continue,
        };
        println!(
            "goals, {}: >= {goal:.0} creates/s {}, p99 <= {GOAL_P99_MS:.0} ms {}, none lost or duplicated {}",
            r.setup.label(),
            met(r.rate >= goal),
            met(r.p99 <= GOAL_P99_MS),
            met(r.lost == 0 && r.duplicated == 0)
        );
    }
}
