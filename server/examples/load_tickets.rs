//! `make bench`: ticket-create throughput and latency of `lms-support serve` on loopback.
//!
//! Starts the server on `127.0.0.1:0` with rate limits off and a fresh data directory, opens
//! several keep-alive connections, and has each send `POST /v1/tickets` (a unique
//! `Idempotency-Key` every time) as fast as answers come back, for a bounded time and count.
//! Then it stops the server with SIGKILL (no graceful flush: a `201` must already be durable in
//! the database), counts the rows, and prints creates/s, p50/p99/max latency, errors, and
//! tickets lost (`201`s received minus rows; must be 0).
//!
//! ```text
//! cargo run --release -p lms-support-server --example load_tickets -- \
//!     --bin target/release/lms-support [--seconds 10] [--connections 8] [--max-requests 200000]
//! ```
//!
//! Exit status 1 when any request failed or any ticket was lost; the throughput and latency
//! goals (≥ 2,000 creates/s, p99 ≤ 25 ms) are printed as met or missed but do not fail the run,
//! since they depend on the machine. Only loopback is ever contacted.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const GOAL_RATE: f64 = 2_000.0;
const GOAL_P99_MS: f64 = 25.0;

struct Options {
    bin: PathBuf,
    seconds: u64,
    connections: usize,
    max_requests: u64,
}

fn options() -> Result<Options, String> {
    let mut o = Options {
        bin: PathBuf::from("target/release/lms-support"),
        seconds: 10,
        connections: 8,
        max_requests: 200_000,
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

fn start_server(bin: &Path, dir: &Path) -> Result<Server, String> {
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
        ])
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
    let outcome = run(&o, &dir);
    let _ = std::fs::remove_dir_all(&dir);
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(message) => {
            eprintln!("load_tickets: {message}");
            ExitCode::from(1)
        }
    }
}

fn run(o: &Options, dir: &Path) -> Result<bool, String> {
    let server = start_server(&o.bin, dir)?;
    let nonce = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let budget = Arc::new(AtomicU64::new(o.max_requests));
    let started = Instant::now();
    let deadline = started + Duration::from_secs(o.seconds);
    let workers: Vec<_> = (0..o.connections)
        .map(|i| {
            let addr = server.addr.clone();
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
    drop(server); // SIGKILL: whatever was acknowledged must already be in the database.

    let rows: i64 = {
        let conn = rusqlite::Connection::open(dir.join("data").join("support.db"))
            .map_err(|e| e.to_string())?;
        conn.query_row("SELECT COUNT(*) FROM tickets", [], |r| r.get(0))
            .map_err(|e| e.to_string())?
    };
    let created: u64 = tallies.iter().map(|t| t.created).sum();
    let errors: u64 = tallies.iter().map(|t| t.errors).sum();
    let first_error = tallies.iter().find_map(|t| t.first_error.clone());
    let mut latencies: Vec<u32> = tallies.into_iter().flat_map(|t| t.latencies_us).collect();
    latencies.sort_unstable();
    let rate = created as f64 / wall;
    let (p50, p99) = (percentile(&latencies, 50.0), percentile(&latencies, 99.0));
    let max = latencies.last().map_or(0.0, |&m| f64::from(m) / 1000.0);
    let lost = i128::from(created) - i128::from(rows);

    println!(
        "ticket creates: {created} in {wall:.1} s over {} keep-alive connections = {rate:.0} creates/s",
        o.connections
    );
    println!("latency: p50 {p50:.2} ms, p99 {p99:.2} ms, max {max:.2} ms");
    println!(
        "errors: {errors}{}; rows in database: {rows}; tickets lost: {lost}",
        first_error.map_or(String::new(), |e| format!(" (first: {e})"))
    );
    let met = |ok: bool| if ok { "met" } else { "MISSED" };
    println!(
        "goals: >= {GOAL_RATE:.0} creates/s {}, p99 <= {GOAL_P99_MS:.0} ms {}, no ticket lost {}",
        met(rate >= GOAL_RATE),
        met(p99 <= GOAL_P99_MS),
        met(lost == 0)
    );
    Ok(errors == 0 && lost == 0)
}
