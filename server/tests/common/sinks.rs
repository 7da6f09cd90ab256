//! The real receivers of outgoing messages, for delivery tests: an SMTP server (Python's
//! aiosmtpd, Debian's python3-aiosmtpd, installed by scripts/setup.sh, which parses each
//! message with Python's own MIME parser: tests/support/smtp_sink.py) and a webhook receiver
//! (std's TcpListener on loopback) that checks every signature with its own HMAC.

#![allow(dead_code)]

use hmac::{KeyInit as _, Mac as _};
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The SMTP server, killed on drop.
pub struct Sink {
    child: Child,
}

impl Sink {
    /// Listens on `port`, storing each message in `dir` (see [`received`]).
    ///
    /// # Panics
    /// When aiosmtpd is not installed.
    pub fn start(port: u16, dir: &Path) -> Sink {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/smtp_sink.py");
        let mut child = Command::new("/usr/bin/python3")
            .arg(script)
            .arg(port.to_string())
            .arg(dir)
            .stdout(Stdio::piped())
            .spawn()
            .expect("start /usr/bin/python3 (scripts/setup.sh installs python3-aiosmtpd)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("read ready line");
        assert_eq!(
            line, "ready\n",
            "the SMTP sink did not start (is aiosmtpd installed?)"
        );
        Sink { child }
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A free loopback port.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port()
}

/// Every message the [`Sink`] in `dir` received so far, as its MIME parser read it.
pub fn received(dir: &Path) -> Vec<Value> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("mail dir")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| serde_json::from_slice(&std::fs::read(p).expect("read")).expect("json"))
        .collect()
}

/// HMAC-SHA256 of `"<t>.<body>"` under `secret`, in hex (the receiver's own computation).
pub fn hmac_hex(secret: &str, t: i64, body: &[u8]) -> String {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("key");
    mac.update(format!("{t}.").as_bytes());
    mac.update(body);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// One POST as the receiver saw it.
#[derive(Clone, Debug)]
pub struct Received {
    /// The `LMS-Support-Delivery` header.
    pub delivery: String,
    /// Whether the signature matched the body under the receiver's secret.
    pub signature_ok: bool,
    /// The body as JSON.
    pub body: Value,
}

/// The webhook receiver: answers 200 to each POST (after `delay`, like a receiver doing its
/// work) and records it; stops on drop.
pub struct Receiver {
    stop: Arc<AtomicBool>,
    /// The port it listens on.
    pub port: u16,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Receiver {
    /// Listens on `port` (0: any), checking signatures with `secret`.
    pub fn start(
        port: u16,
        secret: &'static str,
        delay: Duration,
        log: Arc<Mutex<Vec<Received>>>,
    ) -> Receiver {
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind receiver");
        let port = listener.local_addr().expect("addr").port();
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = stop.clone();
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                let mut headers = BTreeMap::new();
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    continue;
                }
                loop {
                    line.clear();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    if let Some((k, v)) = line.trim_end().split_once(':') {
                        headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
                    }
                }
                let length: usize = headers
                    .get("content-length")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0);
                let mut body = vec![0; length];
                if reader.read_exact(&mut body).is_err() {
                    continue;
                }
                let signature = headers
                    .get("lms-support-signature")
                    .cloned()
                    .unwrap_or_default();
                let t: i64 = signature
                    .split(',')
                    .find_map(|p| p.strip_prefix("t="))
                    .and_then(|t| t.parse().ok())
                    .unwrap_or(0);
                let v1 = signature
                    .split(',')
                    .find_map(|p| p.strip_prefix("v1="))
                    .unwrap_or("");
                std::thread::sleep(delay);
                log.lock().expect("log").push(Received {
                    delivery: headers
                        .get("lms-support-delivery")
                        .cloned()
                        .unwrap_or_default(),
                    signature_ok: hmac_hex(secret, t, &body) == v1,
                    body: serde_json::from_slice(&body).unwrap_or(Value::Null),
                });
                let _ = stream.write_all(
                    b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
                );
            }
        });
        Receiver {
            stop,
            port,
            thread: Some(thread),
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop, which then ends and closes the port.
        let _ = std::net::TcpStream::connect(("127.0.0.1", self.port));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
