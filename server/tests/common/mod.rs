//! Scaffolding shared by the integration tests: the `lms-support` binary run as a real process,
//! scratch directories, `serve` on a free loopback port, and a tiny HTTP/1.1 client over
//! `std::net::TcpStream` (one request per connection), which can also connect from another
//! loopback address (`127.0.0.2`) to play a second client.
//!
//! Each test file declares `mod common;` and uses what it needs.

#![allow(dead_code)]

use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

// ---------------------------------------------------------------------------------------------
// the binary, run to completion

/// The `lms-support` binary under test, with no arguments yet.
pub fn lms_support() -> Command {
    Command::new(env!("CARGO_BIN_EXE_lms-support"))
}

/// A file in `server/tests/fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// What a finished run printed (both streams must be UTF-8) and its exit code.
pub struct Output {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

impl Output {
    /// Runs `command` to completion.
    pub fn of(command: &mut Command) -> Output {
        let out = command.output().expect("run lms-support");
        Output {
            stdout: String::from_utf8(out.stdout).expect("utf-8 stdout"),
            stderr: String::from_utf8(out.stderr).expect("utf-8 stderr"),
            code: out.status.code().expect("exit code"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// scratch directories

/// A scratch directory, `lms-support-{suite}-{pid}-{name}` under the system temp dir, emptied
/// when made and removed on drop.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(suite: &str, name: &str) -> Scratch {
        let dir =
            std::env::temp_dir().join(format!("lms-support-{suite}-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch dir");
        Scratch(dir)
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.0.join(relative)
    }

    /// Where `serve --data` keeps its files.
    pub fn data(&self) -> PathBuf {
        self.path("data")
    }

    /// Writes `relative`, making its parent directories.
    pub fn write(&self, relative: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(relative);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, contents).expect("write");
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

// ---------------------------------------------------------------------------------------------
// the server

/// The running server, killed on drop.
pub struct Server {
    pub child: Child,
    pub addr: String,
    log: PathBuf,
}

impl Server {
    /// `lms-support serve --addr 127.0.0.1:0 ARGS…` with stderr in `log`; returns once the
    /// start-up line `lms-support: serving http://ADDR/` has named the port.
    pub fn spawn<S: AsRef<OsStr>>(args: &[S], log: PathBuf) -> Server {
        let mut command = lms_support();
        command
            .arg("serve")
            .args(["--addr", "127.0.0.1:0"])
            .args(args);
        Server::launch(command, log)
    }

    /// Like [`Server::spawn`], with the process allowed at most `max_open_files` descriptors
    /// (`ulimit -n`), as on a host with a low limit.
    pub fn spawn_with_fd_limit<S: AsRef<OsStr>>(
        args: &[S],
        log: PathBuf,
        max_open_files: u32,
    ) -> Server {
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg(format!("ulimit -n {max_open_files} && exec \"$0\" \"$@\""))
            .arg(env!("CARGO_BIN_EXE_lms-support"))
            .arg("serve")
            .args(["--addr", "127.0.0.1:0"])
            .args(args);
        Server::launch(command, log)
    }

    fn launch(mut command: Command, log: PathBuf) -> Server {
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).expect("log file"))
            .spawn()
            .expect("start lms-support serve");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read start-up line");
        let addr = line
            .strip_prefix("lms-support: serving http://")
            .and_then(|rest| rest.strip_suffix("/\n"))
            .unwrap_or_else(|| {
                panic!(
                    "unexpected start-up line {line:?}; log: {}",
                    std::fs::read_to_string(&log).unwrap_or_default()
                )
            })
            .to_string();
        assert!(
            addr.starts_with("127.0.0.1:") && !addr.ends_with(":0"),
            "{addr}"
        );
        Server { child, addr, log }
    }

    /// `serve` on the scratch tree's `data`, `www` and `widget` dirs, plus `extra` flags; the
    /// log goes to `server.log` in the tree.
    pub fn start(s: &Scratch, extra: &[&str]) -> Server {
        let (data, www, widget) = (s.data(), s.path("www"), s.path("widget"));
        let mut args: Vec<&OsStr> = vec![
            "--data".as_ref(),
            data.as_os_str(),
            "--static".as_ref(),
            www.as_os_str(),
            "--widget".as_ref(),
            widget.as_os_str(),
        ];
        args.extend(extra.iter().map(OsStr::new));
        Server::spawn(&args, s.path("server.log"))
    }

    pub fn request(
        &self,
        method: &str,
        target: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Reply {
        request(&self.addr, method, target, headers, body)
    }

    pub fn get(&self, target: &str, headers: &[(&str, &str)]) -> Reply {
        self.request("GET", target, headers, b"")
    }

    /// The server's stderr so far.
    pub fn logs(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------------------------------------
// the HTTP/1.1 client

#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    /// Names in lower case, values trimmed.
    pub headers: Vec<(String, String)>,
    /// De-chunked; empty for HEAD, 204 and 304.
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{e}: not JSON: {}", String::from_utf8_lossy(&self.body)))
    }
}

/// One request on its own connection (`Connection: close`). A `Content-Length` is added for a
/// body, and for any POST, unless `headers` has one.
pub fn request(
    addr: &str,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Reply {
    let stream = TcpStream::connect(addr).expect("connect");
    request_on(stream, addr, method, target, headers, body)
}

/// A TCP connection to `addr` from the loopback address `source` (like `127.0.0.2`): another
/// client, as far as the server can tell. Blocking, like `TcpStream::connect`.
pub fn connect_from(source: &str, addr: &str) -> TcpStream {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .expect("runtime");
    let stream = runtime.block_on(async {
        let socket = tokio::net::TcpSocket::new_v4().expect("socket");
        socket
            .bind(format!("{source}:0").parse().expect("source address"))
            .expect("bind the source address");
        socket
            .connect(addr.parse().expect("server address"))
            .await
            .expect("connect")
    });
    let stream = stream.into_std().expect("a std stream");
    stream.set_nonblocking(false).expect("blocking");
    stream
}

/// [`request`], on a connection already open.
pub fn request_on(
    mut stream: TcpStream,
    addr: &str,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Reply {
    let mut raw_head =
        format!("{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    let has_length = headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("content-length"));
    if !has_length && (!body.is_empty() || method == "POST") {
        raw_head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    for (name, value) in headers {
        raw_head.push_str(&format!("{name}: {value}\r\n"));
    }
    raw_head.push_str("\r\n");
    let mut bytes = raw_head.into_bytes();
    bytes.extend_from_slice(body);
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    stream.write_all(&bytes).expect("send");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("receive");
    parse_reply(&raw, method == "HEAD")
}

pub fn parse_reply(raw: &[u8], head_only: bool) -> Reply {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no end of headers in {:?}", String::from_utf8_lossy(raw)));
    let head = std::str::from_utf8(&raw[..split]).expect("ascii head");
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("status code");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let rest = &raw[split + 4..];
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"));
    let body = if head_only || status == 304 || status == 204 {
        Vec::new()
    } else if chunked {
        dechunk(rest)
    } else {
        rest.to_vec()
    };
    Reply {
        status,
        headers,
        body,
    }
}

fn dechunk(mut rest: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    loop {
        let line_end = rest
            .windows(2)
            .position(|w| w == b"\r\n")
            .expect("chunk size line");
        let size_text = std::str::from_utf8(&rest[..line_end]).expect("chunk size");
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .expect("hex size");
        rest = &rest[line_end + 2..];
        if size == 0 {
            return body;
        }
        body.extend_from_slice(&rest[..size]);
        rest = &rest[size + 2..];
    }
}

// ---------------------------------------------------------------------------------------------
// a ticket with every stored field

/// Files `ticket` (JSON) with `POST path` and the idempotency key numbered `n`; asserts `201`
/// and returns the answer.
pub fn post_ticket(
    server: &Server,
    path: &str,
    n: u32,
    ticket: &serde_json::Value,
) -> serde_json::Value {
    let key = format!("{n:08x}-0000-4000-8000-00000000abcd");
    let reply = server.request(
        "POST",
        path,
        &[
            ("Content-Type", "application/json"),
            ("Idempotency-Key", &key),
        ],
        ticket.to_string().as_bytes(),
    );
    assert_eq!(reply.status, 201, "{}", reply.text());
    reply.json()
}

/// A valid ticket JSON body with a distinct value in each text field the server stores
/// (`ticket::field::STORED`), and those values by field name. A field added to that list gets
/// `"<name> round trip"` unless it is given a valid value here.
pub fn ticket_with_every_stored_field() -> (String, Vec<(&'static str, String)>) {
    use lms_support_widget::ticket::field;
    let values: Vec<(&'static str, String)> = field::STORED
        .into_iter()
        .map(|name| {
            let value = match name {
                field::PRIORITY => "critical".to_string(),
                field::CATEGORY => "access".to_string(),
                field::DESCRIPTION => "Round-trip description,\non two lines.".to_string(),
                field::EMAIL => "rosa.round@example.edu".to_string(),
                field::LOCALE => "pt-BR".to_string(),
                other => format!("{other} round trip"),
            };
            (name, value)
        })
        .collect();
    let mut body: serde_json::Map<String, serde_json::Value> = values
        .iter()
        .map(|(name, value)| (name.to_string(), value.clone().into()))
        .collect();
    body.insert(field::HONEYPOT.into(), "".into());
    (serde_json::Value::Object(body).to_string(), values)
}

/// Fails unless the agent's `tickets show` printed every value (each line of a multi-line one).
pub fn assert_shows_every_value(shown: &str, values: &[(&str, String)]) {
    for (name, value) in values {
        for line in value.lines() {
            assert!(
                shown.contains(line),
                "`tickets show` lacks the {name} {line:?}:\n{shown}"
            );
        }
    }
}
