//! Half-open connections against a running `lms-support serve`: how many the server closes,
//! how soon, and how long a normal request from another client takes meanwhile.
//!
//! Opens `--connections` connections from the loopback address `--from` (another client, as
//! far as the server can tell): every other one sends nothing, the rest half a request (a
//! request line and one header, never the blank line). Then it times `GET /v1/feed` from
//! 127.0.0.1, and watches the held connections for up to `--seconds`, printing how many the
//! server had closed (EOF or reset) after 1, 2, 5, 10, 15, 30, 60 s and at the end.
//!
//! ```text
//! sh -c 'ulimit -n 1024; exec target/debug/lms-support serve --addr 127.0.0.1:8090' &
//! cargo run -p lms-support-server --example half_open -- --addr 127.0.0.1:8090 \
//!     [--connections 300] [--seconds 75] [--from 127.0.0.2]
//! ```
//!
//! It prints figures and asserts nothing: they depend on the machine and the server's flags.
//! Only the given (loopback) address is contacted.

use std::io::{ErrorKind, Read as _, Write as _};
use std::net::TcpStream;
use std::process::ExitCode;
use std::time::{Duration, Instant};

struct Options {
    addr: String,
    connections: usize,
    seconds: u64,
    from: String,
}

fn options() -> Result<Options, String> {
    let mut o = Options {
        addr: "127.0.0.1:8090".into(),
        connections: 300,
        seconds: 75,
        from: "127.0.0.2".into(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--addr" => o.addr = value()?,
            "--from" => o.from = value()?,
            "--connections" => {
                o.connections = value()?
                    .parse()
                    .map_err(|e| format!("--connections: {e}"))?;
            }
            "--seconds" => o.seconds = value()?.parse().map_err(|e| format!("--seconds: {e}"))?,
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(o)
}

fn main() -> ExitCode {
    let o = match options() {
        Ok(o) => o,
        Err(message) => {
            eprintln!("half_open: {message}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("half_open: {e}");
            return ExitCode::FAILURE;
        }
    };
    let started = Instant::now();
    let mut held = Vec::with_capacity(o.connections);
    let mut failed = 0;
    for i in 0..o.connections {
        match runtime.block_on(connect_from(&o.from, &o.addr)) {
            Ok(mut stream) => {
                if i % 2 == 1 {
                    let _ = stream.write_all(b"GET /v1/feed HTTP/1.1\r\nHost: x\r\n");
                }
                let _ = stream.set_nonblocking(true);
                held.push((stream, None::<Duration>));
            }
            Err(_) => failed += 1,
        }
    }
    println!(
        "opened {} of {} connections from {} in {:.1} s",
        held.len(),
        o.connections,
        o.from,
        started.elapsed().as_secs_f64()
    );
    if failed > 0 {
        println!("  {failed} could not connect within 5 s");
    }

    let timed = Instant::now();
    match normal_request(&o.addr) {
        Ok(status) => println!(
            "GET /v1/feed from 127.0.0.1 meanwhile: {status} in {:.0} ms",
            timed.elapsed().as_secs_f64() * 1000.0
        ),
        Err(e) => println!(
            "GET /v1/feed from 127.0.0.1 meanwhile: no answer ({e}) after {:.1} s",
            timed.elapsed().as_secs_f64()
        ),
    }

    let marks = [1, 2, 5, 10, 15, 30, 60];
    let mut next_mark = 0;
    let limit = Duration::from_secs(o.seconds);
    loop {
        let now = started.elapsed();
        for (stream, closed_at) in &mut held {
            if closed_at.is_none() && is_closed(stream) {
                *closed_at = Some(now);
            }
        }
        let closed = held.iter().filter(|(_, at)| at.is_some()).count();
        while next_mark < marks.len() && now >= Duration::from_secs(marks[next_mark]) {
            println!(
                "  after {:>2} s: {closed} of {} closed by the server",
                marks[next_mark],
                held.len()
            );
            next_mark += 1;
        }
        if closed == held.len() || now >= limit {
            let last = held.iter().filter_map(|(_, at)| *at).max();
            println!(
                "closed by the server: {closed} of {} within {:.1} s{}",
                held.len(),
                now.as_secs_f64(),
                last.map_or(String::new(), |at| format!(
                    " (the last at {:.1} s)",
                    at.as_secs_f64()
                ))
            );
            return ExitCode::SUCCESS;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A blocking connection from the loopback address `source`, or an error after 5 s.
async fn connect_from(source: &str, addr: &str) -> std::io::Result<TcpStream> {
    let invalid = |e: std::net::AddrParseError| std::io::Error::new(ErrorKind::InvalidInput, e);
    let socket = tokio::net::TcpSocket::new_v4()?;
    socket.bind(format!("{source}:0").parse().map_err(invalid)?)?;
    let connect = socket.connect(addr.parse().map_err(invalid)?);
    let stream = tokio::time::timeout(Duration::from_secs(5), connect)
        .await
        .map_err(|_| std::io::Error::from(ErrorKind::TimedOut))??;
    let stream = stream.into_std()?;
    stream.set_nonblocking(false)?;
    Ok(stream)
}

/// `GET /v1/feed` on a fresh connection; the status line, or an error after 30 s.
fn normal_request(addr: &str) -> std::io::Result<String> {
    let parsed = addr
        .parse()
        .map_err(|e| std::io::Error::new(ErrorKind::InvalidInput, e))?;
    let mut stream = TcpStream::connect_timeout(&parsed, Duration::from_secs(30))?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    stream.write_all(b"GET /v1/feed HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer)?;
    let text = String::from_utf8_lossy(&answer);
    Ok(text.lines().next().unwrap_or("(nothing)").to_string())
}

/// Whether the server has closed a (non-blocking) stream: EOF, or a reset. Any answer it
/// sent first (a `503`) is read and dropped.
fn is_closed(stream: &mut TcpStream) -> bool {
    let mut buffer = [0u8; 1024];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => return true,
            Ok(_) => {}
            Err(e) if e.kind() == ErrorKind::WouldBlock => return false,
            Err(_) => return true,
        }
    }
}
