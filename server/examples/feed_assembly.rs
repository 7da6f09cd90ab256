//! `make bench`: the time `serve --config` takes to answer `GET /v1/feed?client=ID` for many
//! clients, per request, on loopback.
//!
//! Writes the example configuration (`demo-config`), copies acme's file into `--clients N`
//! clients (default 500) spread over three groups, schedules 10 windows and 5 notices with the
//! CLI (for all, one group, or a few clients), starts the server, and asks for every client's
//! feed on one keep-alive connection, in four rounds:
//!
//! 1. first request per client: the feed is assembled (schedule read once, then per client);
//! 2. again: the cached bytes, `200`;
//! 3. again with `If-None-Match`: `304`;
//! 4. after `maintenance extend` from the CLI (another process): every feed assembled again.
//!
//! Each request also reads the schedule's version row (that is how a change by another process
//! is seen). Prints p50, p90 and max per round, and the feed's size. Only loopback is contacted.
//!
//! ```text
//! cargo run --release -p lms-support-server --example feed_assembly -- \
//!     --bin target/release/lms-support [--clients 500]
//! ```

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::Instant;

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn main() -> ExitCode {
    let mut bin = PathBuf::from("target/release/lms-support");
    let mut clients = 500usize;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().unwrap_or_default();
        match flag.as_str() {
            "--bin" => bin = PathBuf::from(value),
            "--clients" => clients = value.parse().unwrap_or(500).clamp(1, 5000),
            other => {
                eprintln!("feed_assembly: unknown argument {other:?}");
                return ExitCode::from(2);
            }
        }
    }
    let dir = std::env::temp_dir().join(format!("lms-support-feeds-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let outcome = run(&bin, clients, &dir);
    let _ = std::fs::remove_dir_all(&dir);
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("feed_assembly: {message}");
            ExitCode::from(1)
        }
    }
}

fn cli(bin: &Path, data: &Path, args: &[&str]) -> Result<(), String> {
    let out = Command::new(bin)
        .args(args)
        .arg("--data")
        .arg(data)
        .output()
        .map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

fn run(bin: &Path, clients: usize, dir: &Path) -> Result<(), String> {
    let conf = dir.join("conf");
    let data = dir.join("data");
    let out = Command::new(bin)
        .arg("demo-config")
        .arg(&conf)
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    let acme: serde_json::Value = serde_json::from_slice(
        &std::fs::read(conf.join("clients/acme.json")).map_err(|e| e.to_string())?,
    )
    .map_err(|e| e.to_string())?;
    for f in ["acme.json", "uni.json"] {
        std::fs::remove_file(conf.join("clients").join(f)).map_err(|e| e.to_string())?;
    }
    let groups = ["eu-1", "eu-2", "us-1"];
    let ids: Vec<String> = (1..=clients).map(|i| format!("c{i:04}")).collect();
    for (i, id) in ids.iter().enumerate() {
        let mut client = acme.clone();
        client["name"] = format!("College {i}").into();
        client["ticket_prefix"] = format!("C{i}").into();
        client["groups"] = serde_json::json!([groups[i % 3]]);
        std::fs::write(
            conf.join("clients").join(format!("{id}.json")),
            client.to_string(),
        )
        .map_err(|e| e.to_string())?;
    }
    for n in 0..10 {
        let start = format!("2027-01-{:02} 01:00", n + 1);
        let id = format!("w{n}");
        let mut args = vec![
            "maintenance",
            "add",
            "--id",
            &id,
            "--start",
            &start,
            "--tz",
            "Europe/Madrid",
            "--duration",
            "4h",
            "--title",
            "Upgrade",
            "--title-in",
            "es=Actualización",
        ];
        match n % 4 {
            0 => {}
            1 => args.extend(["--group", groups[n % 3]]),
            2 => args.extend(["--client", "c0001", "--client", "c0002"]),
            _ => args.extend(["--group", "eu-1", "--group", "us-1"]),
        }
        cli(bin, &data, &args)?;
    }
    for n in 0..5 {
        let id = format!("n{n}");
        let mut args = vec!["notice", "post", "--id", &id, "--title", "Known issue"];
        if n % 2 == 1 {
            args.extend(["--group", "eu-2"]);
        }
        cli(bin, &data, &args)?;
    }

    let empty = dir.join("empty");
    std::fs::create_dir_all(&empty).map_err(|e| e.to_string())?;
    let log = std::fs::File::create(dir.join("server.log")).map_err(|e| e.to_string())?;
    let mut child = Command::new(bin)
        .args(["serve", "--addr", "127.0.0.1:0", "--config"])
        .arg(&conf)
        .arg("--data")
        .arg(&data)
        .arg("--static")
        .arg(&empty)
        .arg("--widget")
        .arg(&empty)
        .stdout(Stdio::piped())
        .stderr(log)
        .spawn()
        .map_err(|e| e.to_string())?;
    let mut line = String::new();
    if let Some(out) = child.stdout.take() {
        let _ = BufReader::new(out).read_line(&mut line);
    }
    let _server = Server(child);
    let addr = line
        .trim()
        .strip_prefix("lms-support: serving http://")
        .and_then(|rest| rest.strip_suffix('/'))
        .ok_or_else(|| format!("unexpected start-up line {line:?}"))?
        .to_string();
    let stream = TcpStream::connect(&addr).map_err(|e| e.to_string())?;
    stream.set_nodelay(true).map_err(|e| e.to_string())?;
    let mut writer = stream.try_clone().map_err(|e| e.to_string())?;
    let mut reader = BufReader::new(stream);
    let mut etags = vec![String::new(); ids.len()];
    let mut size = 0usize;

    println!(
        "feed per client, {clients} clients, 10 windows + 5 notices in the schedule, one keep-alive connection:"
    );
    for round in [
        "assembled",
        "cached (200)",
        "cached (304)",
        "after a CLI change",
    ] {
        if round == "after a CLI change" {
            cli(bin, &data, &["maintenance", "extend", "w0", "--by", "1h"])?;
        }
        let mut micros = Vec::with_capacity(ids.len());
        for (id, etag) in ids.iter().zip(etags.iter_mut()) {
            let conditional = if round == "cached (304)" {
                format!("If-None-Match: {etag}\r\n")
            } else {
                String::new()
            };
            let started = Instant::now();
            write!(
                writer,
                "GET /v1/feed?client={id} HTTP/1.1\r\nHost: {addr}\r\n{conditional}\r\n"
            )
            .map_err(|e| e.to_string())?;
            let (status, tag, length) = read_response(&mut reader)?;
            micros.push(started.elapsed().as_micros() as u64);
            let expected = if round == "cached (304)" { 304 } else { 200 };
            if status != expected {
                return Err(format!("{round}: {id} answered {status}"));
            }
            if round == "after a CLI change" && tag == *etag {
                return Err(format!(
                    "{id}: the ETag did not change after the schedule did"
                ));
            }
            *etag = tag;
            size = size.max(length);
        }
        micros.sort_unstable();
        let at = |p: f64| {
            let rank = ((p / 100.0) * micros.len() as f64).ceil() as usize;
            micros[rank.clamp(1, micros.len()) - 1] as f64 / 1000.0
        };
        println!(
            "  {round:<20} p50 {:.3} ms  p90 {:.3} ms  max {:.3} ms  ({} requests)",
            at(50.0),
            at(90.0),
            at(100.0),
            micros.len()
        );
    }
    println!("  feed size: {size} bytes");
    Ok(())
}

/// Status, `ETag` and body length of one response.
fn read_response(reader: &mut BufReader<TcpStream>) -> Result<(u16, String, usize), String> {
    let mut line = String::new();
    reader.read_line(&mut line).map_err(|e| e.to_string())?;
    let status: u16 = line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("bad status line {line:?}"))?;
    let (mut length, mut etag) = (0usize, String::new());
    loop {
        line.clear();
        if reader.read_line(&mut line).map_err(|e| e.to_string())? == 0 {
            return Err("connection closed".into());
        }
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().map_err(|_| "bad content-length")?;
            } else if name.eq_ignore_ascii_case("etag") {
                etag = value.trim().to_string();
            }
        }
    }
    let mut body = vec![0u8; length];
    reader.read_exact(&mut body).map_err(|e| e.to_string())?;
    Ok((status, etag, length))
}
