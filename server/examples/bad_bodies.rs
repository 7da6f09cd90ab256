//! Invalid ticket bodies against a running `lms-support serve`: what each costs the server, how
//! many it agrees to read, and how long an unrelated `GET /v1/feed` takes meanwhile.
//!
//! Sends `--requests` `POST /v1/tickets` from `--parallel` threads, each body a JSON object of
//! about `--bytes` bytes made of many short keys (`{"k0":0,"k1":0,…}`, never a valid ticket),
//! with a fresh `Idempotency-Key` each. Meanwhile a probe sends `GET /v1/feed` every 100 ms
//! from 127.0.0.2. Prints the answers by status, the slowest answer, and the probe's median
//! and slowest times.
//!
//! ```text
//! cargo run -p lms-support-server --example bad_bodies -- --addr 127.0.0.1:8090 \
//!     [--requests 40] [--parallel 4] [--bytes 300000]
//! ```
//!
//! It prints figures and asserts nothing. Only the given (loopback) address is contacted.

use std::collections::BTreeMap;
use std::io::{ErrorKind, Read as _, Write as _};
use std::net::TcpStream;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

struct Options {
    addr: String,
    requests: usize,
    parallel: usize,
    bytes: usize,
}

fn options() -> Result<Options, String> {
    let mut o = Options {
        addr: "127.0.0.1:8090".into(),
        requests: 40,
        parallel: 4,
        bytes: 300_000,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        let number = |text: String| text.parse::<usize>().map_err(|e| format!("{flag}: {e}"));
        match flag.as_str() {
            "--addr" => o.addr = value()?,
            "--requests" => o.requests = number(value()?)?,
            "--parallel" => o.parallel = number(value()?)?.max(1),
            "--bytes" => o.bytes = number(value()?)?,
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(o)
}

fn main() -> ExitCode {
    let o = match options() {
        Ok(o) => o,
        Err(message) => {
            eprintln!("bad_bodies: {message}");
            return ExitCode::from(2);
        }
    };
    let body = Arc::new(many_keys(o.bytes));
    println!(
        "{} requests, {} at a time, bodies of {} bytes",
        o.requests,
        o.parallel,
        body.len()
    );

    let done = Arc::new(AtomicBool::new(false));
    let probe = {
        let (addr, done) = (o.addr.clone(), done.clone());
        std::thread::spawn(move || {
            let mut times = Vec::new();
            while !done.load(Ordering::Relaxed) {
                let started = Instant::now();
                let ok = request(&addr, Some("127.0.0.2"), "GET", "/v1/feed", &[], b"")
                    .is_ok_and(|status| status == 200);
                times.push((started.elapsed(), ok));
                std::thread::sleep(Duration::from_millis(100));
            }
            times
        })
    };

    let next = Arc::new(AtomicUsize::new(0));
    let results = Arc::new(Mutex::new(Vec::new()));
    let started = Instant::now();
    let workers: Vec<_> = (0..o.parallel)
        .map(|_| {
            let (addr, body, next, results) =
                (o.addr.clone(), body.clone(), next.clone(), results.clone());
            let total = o.requests;
            std::thread::spawn(move || loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= total {
                    break;
                }
                let key = format!("{n:08x}-0000-4000-8000-00000000beef");
                let sent = Instant::now();
                let status = request(
                    &addr,
                    None,
                    "POST",
                    "/v1/tickets",
                    &[
                        ("Content-Type", "application/json"),
                        ("Idempotency-Key", &key),
                    ],
                    &body,
                );
                let mut results = results.lock().unwrap_or_else(|e| e.into_inner());
                results.push((status.unwrap_or(0), sent.elapsed()));
            })
        })
        .collect();
    for worker in workers {
        let _ = worker.join();
    }
    let elapsed = started.elapsed();
    done.store(true, Ordering::Relaxed);
    let probes = probe.join().unwrap_or_default();

    let results = results.lock().unwrap_or_else(|e| e.into_inner());
    let mut by_status: BTreeMap<u16, (usize, Duration)> = BTreeMap::new();
    for (status, took) in results.iter() {
        let entry = by_status.entry(*status).or_default();
        entry.0 += 1;
        entry.1 = entry.1.max(*took);
    }
    println!("all answered in {:.1} s", elapsed.as_secs_f64());
    for (status, (count, slowest)) in &by_status {
        let label = if *status == 0 {
            "no answer".to_string()
        } else {
            status.to_string()
        };
        println!(
            "  {label}: {count} (slowest {:.0} ms)",
            slowest.as_secs_f64() * 1000.0
        );
    }
    let mut times: Vec<Duration> = probes.iter().map(|(t, _)| *t).collect();
    times.sort();
    let failed = probes.iter().filter(|(_, ok)| !ok).count();
    if let (Some(median), Some(slowest)) = (times.get(times.len() / 2), times.last()) {
        println!(
            "GET /v1/feed meanwhile: {} probes, median {:.0} ms, slowest {:.0} ms, {failed} failed",
            times.len(),
            median.as_secs_f64() * 1000.0,
            slowest.as_secs_f64() * 1000.0
        );
    }
    ExitCode::SUCCESS
}

/// `{"k0":0,"k1":0,…}` of about `bytes` bytes.
fn many_keys(bytes: usize) -> Vec<u8> {
    let mut body = String::from("{");
    let mut n = 0;
    while body.len() + 16 < bytes {
        if n > 0 {
            body.push(',');
        }
        body.push_str(&format!("\"k{n}\":0"));
        n += 1;
    }
    body.push('}');
    body.into_bytes()
}

/// One request on its own connection, optionally from the loopback address `source`; the
/// status, or an error (60 s at most).
fn request(
    addr: &str,
    source: Option<&str>,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> std::io::Result<u16> {
    let mut stream = match source {
        Some(source) => connect_from(source, addr)?,
        None => TcpStream::connect(addr)?,
    };
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    let mut raw = format!(
        "{method} {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        raw.push_str(&format!("{name}: {value}\r\n"));
    }
    raw.push_str("\r\n");
    let mut bytes = raw.into_bytes();
    bytes.extend_from_slice(body);
    // An early answer (413, 429) may close the connection before the body is all sent.
    let _ = stream.write_all(&bytes);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer)
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| std::io::Error::new(ErrorKind::InvalidData, "no status line"))
}

fn connect_from(source: &str, addr: &str) -> std::io::Result<TcpStream> {
    let invalid = |e: std::net::AddrParseError| std::io::Error::new(ErrorKind::InvalidInput, e);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()?;
    let stream = runtime.block_on(async {
        let socket = tokio::net::TcpSocket::new_v4()?;
        socket.bind(format!("{source}:0").parse().map_err(invalid)?)?;
        socket.connect(addr.parse().map_err(invalid)?).await
    })?;
    let stream = stream.into_std()?;
    stream.set_nonblocking(false)?;
    Ok(stream)
}
