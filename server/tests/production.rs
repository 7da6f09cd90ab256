//! Running behind a load balancer: trusted proxies, health probes, backups. Against the real
//! `lms-support` binary on a free loopback port and a real SQLite file.

mod common;

use common::{Reply, Scratch, Server};
use serde_json::json;

fn scratch(name: &str) -> Scratch {
    let s = Scratch::new("production", name);
    for dir in ["www", "widget"] {
        std::fs::create_dir_all(s.path(dir)).expect("scratch dir");
    }
    s
}

fn key(n: u32) -> String {
    format!("{n:08x}-0000-4000-8000-00000000beef")
}

fn ticket(subject: &str) -> String {
    json!({
        "subject": subject,
        "description": "The quiz page says access denied.",
        "priority": "routine",
        "category": "access",
        "name": "Ana",
        "email": "ana@example.edu",
        "locale": "en",
        "honeypot": ""
    })
    .to_string()
}

/// `POST /v1/tickets` with extra headers.
fn create(server: &Server, n: u32, headers: &[(&str, &str)]) -> Reply {
    let key = key(n);
    let mut all = vec![
        ("Content-Type", "application/json"),
        ("Idempotency-Key", key.as_str()),
    ];
    all.extend_from_slice(headers);
    server.request("POST", "/v1/tickets", &all, ticket("t").as_bytes())
}

// ---------------------------------------------------------------------------------------------
// trusted proxies

#[test]
fn a_spoofed_forwarded_for_from_an_untrusted_peer_is_ignored() {
    let s = scratch("untrusted");
    // Default limit: 20 tickets per hour per client.
    let server = Server::start(&s, &[]);
    let statuses: Vec<u16> = (0..21)
        .map(|n| {
            let spoofed = format!("198.51.100.{}", n + 1);
            let forwarded = format!("for={spoofed}");
            create(
                &server,
                n,
                &[("X-Forwarded-For", &spoofed), ("Forwarded", &forwarded)],
            )
            .status
        })
        .collect();
    assert!(statuses[..20].iter().all(|s| *s == 201), "{statuses:?}");
    assert_eq!(statuses[20], 429, "the 21st from one peer is refused");
    // The log names the peer, not what it claimed.
    let logs = server.logs();
    assert!(logs.contains("client=127.0.0.1"), "{logs}");
    assert!(!logs.contains("198.51.100."), "{logs}");
}

#[test]
fn a_trusted_proxy_gives_each_forwarded_client_its_own_bucket() {
    let s = scratch("trusted");
    let server = Server::start(
        &s,
        &[
            "--trusted-proxy",
            "127.0.0.0/8",
            "--trusted-proxy",
            "fd00::/8",
            "--rate-limit-hour",
            "1",
        ],
    );
    // Each learner behind the proxy has a budget of its own…
    for (n, learner) in ["198.51.100.1", "198.51.100.2", "2001:db8:1::7"]
        .iter()
        .enumerate()
    {
        let reply = create(&server, n as u32, &[("X-Forwarded-For", learner)]);
        assert_eq!(reply.status, 201, "{learner}: {}", reply.text());
    }
    // …which is theirs: a second ticket from the first one is over it, whatever the learner
    // wrote into the header themselves (the proxy appends the address it saw).
    let again = create(
        &server,
        10,
        &[("X-Forwarded-For", "203.0.113.99, 198.51.100.1")],
    );
    assert_eq!(again.status, 429);
    // `Forwarded` (RFC 7239) works too, when there is no X-Forwarded-For.
    let rfc = create(
        &server,
        11,
        &[("Forwarded", "for=\"[2001:db8:2::1]:4711\";proto=https")],
    );
    assert_eq!(rfc.status, 201, "{}", rfc.text());
    let rfc_again = create(&server, 12, &[("Forwarded", "for=\"[2001:db8:2::1]\"")]);
    assert_eq!(rfc_again.status, 429);
    // Without any header the proxy itself is the client.
    assert_eq!(create(&server, 13, &[]).status, 201);
    assert_eq!(create(&server, 14, &[]).status, 429);
    let logs = server.logs();
    assert!(logs.contains("client=198.51.100.2"), "{logs}");
    assert!(!logs.contains("203.0.113.99"), "{logs}");
}

#[test]
fn a_trusted_proxy_is_not_held_to_one_clients_connection_cap() {
    use std::io::{Read as _, Write as _};
    use std::net::TcpStream;
    /// A keep-alive connection that has had one answer, so the server has surely admitted it.
    fn hold(addr: &str) -> TcpStream {
        let mut stream = TcpStream::connect(addr).expect("connect");
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            .expect("send");
        let mut buf = [0u8; 512];
        let n = stream.read(&mut buf).expect("answer");
        assert!(
            buf[..n].starts_with(b"HTTP/1.1 200"),
            "{:?}",
            String::from_utf8_lossy(&buf[..n])
        );
        stream
    }
    let s = scratch("cap");
    let cap = ["--max-connections-per-client", "1"];
    // A direct client at its cap: another connection is refused at once.
    let direct = Server::start(&s, &cap);
    let _held = hold(&direct.addr);
    // Refused before any request is read: only read, or the close could reset the write.
    let mut refused = Vec::new();
    let _ = TcpStream::connect(&direct.addr)
        .expect("connect")
        .read_to_end(&mut refused);
    assert!(
        refused.starts_with(b"HTTP/1.1 503"),
        "{:?}",
        String::from_utf8_lossy(&refused)
    );
    drop(direct);
    // The same from a trusted proxy, which carries many learners: served.
    let mut args = cap.to_vec();
    args.extend(["--trusted-proxy", "127.0.0.1"]);
    let proxied = Server::start(&s, &args);
    let _held = hold(&proxied.addr);
    assert_eq!(proxied.get("/healthz", &[]).status, 200);
}

#[test]
fn a_bad_trusted_proxy_is_refused_at_start() {
    let out = common::Output::of(common::lms_support().args([
        "serve",
        "--addr",
        "127.0.0.1:0",
        "--trusted-proxy",
        "10.0.0.0/40",
    ]));
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("--trusted-proxy"), "{}", out.stderr);
}

// ---------------------------------------------------------------------------------------------
// health

#[test]
fn health_and_readiness_probes() {
    let s = scratch("health");
    let server = Server::start(&s, &[]);
    let health = server.get("/healthz", &[]);
    assert_eq!(health.status, 200);
    assert_eq!(health.json(), json!({"status": "ok"}));
    let ready = server.get("/readyz", &[]);
    assert_eq!(ready.status, 200, "{}", ready.text());
    assert_eq!(ready.json(), json!({"status": "ready"}));
    assert_eq!(ready.header("cache-control"), Some("no-store"));
    // Probes come every few seconds; they do not fill the log.
    assert!(!server.logs().contains("/healthz"), "{}", server.logs());
    assert!(!server.logs().contains("/readyz"), "{}", server.logs());

    // The database gone from under the server: not ready, still alive.
    std::fs::remove_dir_all(s.data()).expect("remove data");
    std::fs::create_dir_all(s.data().join("support.db")).expect("a directory in its place");
    let not_ready = server.get("/readyz", &[]);
    assert_eq!(not_ready.status, 503, "{}", not_ready.text());
    assert_eq!(not_ready.json()["failed"][0]["check"], "database");
    assert_eq!(server.get("/readyz", &[]).status, 503);
    assert_eq!(server.get("/healthz", &[]).status, 200);
    // Logged once, not at every probe.
    assert_eq!(
        server.logs().matches("msg=\"not ready\"").count(),
        1,
        "{}",
        server.logs()
    );
}

// ---------------------------------------------------------------------------------------------
// backup and restore

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";

/// Ticket `n` as multipart with one PDF whose bytes are unique to it.
fn create_with_file(addr: &str, n: u32) -> Reply {
    let mut pdf = PDF.to_vec();
    pdf.extend_from_slice(format!("% ticket {n}\n").as_bytes());
    let boundary = "b0undary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"ticket\"\r\nContent-Type: application/json\r\n\r\n{}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"n{n}.pdf\"\r\nContent-Type: application/pdf\r\n\r\n",
        ticket(&format!("ticket {n}"))
    )
    .into_bytes();
    body.extend_from_slice(&pdf);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let content_type = format!("multipart/form-data; boundary={boundary}");
    common::request(
        addr,
        "POST",
        "/v1/tickets",
        &[
            ("Content-Type", &content_type),
            ("Idempotency-Key", &key(n)),
        ],
        &body,
    )
}

#[test]
fn a_backup_taken_under_write_load_restores_every_acknowledged_ticket() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Mutex};

    let s = scratch("backup");
    let server = Server::start(
        &s,
        &[
            "--rate-limit-hour",
            "0",
            "--rate-limit-day",
            "0",
            "--rate-limit-rejected",
            "0",
        ],
    );
    // Two learners file tickets without pause, half of them with an attachment.
    let acknowledged: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..2u32)
        .map(|w| {
            let (addr, acknowledged, stop) =
                (server.addr.clone(), acknowledged.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut n = w * 100_000;
                while !stop.load(Ordering::Relaxed) {
                    n += 1;
                    let reply = if n % 2 == 0 {
                        create_with_file(&addr, n)
                    } else {
                        let key = key(n);
                        common::request(
                            &addr,
                            "POST",
                            "/v1/tickets",
                            &[
                                ("Content-Type", "application/json"),
                                ("Idempotency-Key", &key),
                            ],
                            ticket(&format!("ticket {n}")).as_bytes(),
                        )
                    };
                    assert_eq!(reply.status, 201, "{}", reply.text());
                    let body = reply.json();
                    acknowledged.lock().expect("lock").push((
                        body["number"].as_str().expect("number").to_string(),
                        body["token"].as_str().expect("token").to_string(),
                    ));
                }
            })
        })
        .collect();
    let wait_for = |count: usize| {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while acknowledged.lock().expect("lock").len() < count {
            assert!(
                std::time::Instant::now() < deadline,
                "tickets are not being created"
            );
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    };
    wait_for(40);
    let before: Vec<(String, String)> = acknowledged.lock().expect("lock").clone();
    let dest = s.path("backup-1");
    let out = common::Output::of(
        common::lms_support()
            .arg("backup")
            .arg(&dest)
            .arg("--data")
            .arg(s.data()),
    );
    let during = acknowledged.lock().expect("lock").len();
    wait_for(during + 10);
    stop.store(true, Ordering::Relaxed);
    for writer in writers {
        writer.join().expect("writer");
    }
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.starts_with("backed up "), "{}", out.stdout);
    let total = acknowledged.lock().expect("lock").len();
    assert!(
        total > before.len(),
        "writes went on during and after the backup"
    );

    // The copy is whole: SQLite's check passes, every ticket has its idempotency key, and
    // every attachment it names is there with the bytes the database expects.
    let copy = rusqlite::Connection::open(dest.join("support.db")).expect("open the copy");
    let check: String = copy
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity_check");
    assert_eq!(check, "ok");
    let tickets: i64 = copy
        .query_row("SELECT COUNT(*) FROM tickets", [], |r| r.get(0))
        .expect("count");
    assert!(
        tickets as usize >= before.len() && (tickets as usize) < total,
        "{tickets}"
    );
    let without_key: i64 = copy
        .query_row(
            "SELECT COUNT(*) FROM tickets t WHERE NOT EXISTS (SELECT 1 FROM idempotency i WHERE i.ticket_id = t.id)",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(without_key, 0);
    let files: Vec<(String, Vec<u8>)> = copy
        .prepare("SELECT path, sha256 FROM attachments")
        .expect("prepare")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert!(!files.is_empty());
    for (path, sha) in &files {
        use sha2::Digest as _;
        let bytes = std::fs::read(dest.join(path)).expect("attachment in the backup");
        assert_eq!(sha2::Sha256::digest(&bytes)[..], sha[..], "{path}");
    }
    drop(copy);

    // Restore: serve the backup; every ticket acknowledged before it began is there, and its
    // learner still reads it with their token.
    let restored = Server::spawn(
        &[
            "--data".as_ref(),
            dest.as_os_str(),
            "--static".as_ref(),
            s.path("www").as_os_str(),
            "--widget".as_ref(),
            s.path("widget").as_os_str(),
        ],
        s.path("restored.log"),
    );
    for (number, token) in &before {
        let auth = format!("Bearer {token}");
        let reply = restored.get(
            &format!("/v1/tickets/{number}"),
            &[("Authorization", &auth)],
        );
        assert_eq!(reply.status, 200, "{number}: {}", reply.text());
    }
    // Numbers continue after the restored ones.
    let next = create(&restored, 999_999, &[]);
    assert_eq!(next.status, 201, "{}", next.text());

    // A backup never overwrites.
    let again = common::Output::of(
        common::lms_support()
            .arg("backup")
            .arg(&dest)
            .arg("--data")
            .arg(s.data()),
    );
    assert_eq!(again.code, 2);
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
}

// ---------------------------------------------------------------------------------------------
// compression

#[test]
fn the_feed_is_compressed_with_a_weak_etag_that_still_revalidates() {
    use std::io::Read as _;
    let s = scratch("compress");
    let server = Server::start(&s, &[]);
    let plain = server.get("/v1/feed", &[]);
    assert_eq!(plain.status, 200);
    assert_eq!(plain.header("content-encoding"), None);
    assert!(plain.body.len() > 1024, "the demo feed is large enough");
    let strong = plain.header("etag").expect("etag").to_string();
    assert!(strong.starts_with('"'), "{strong}");

    let gzip = server.get("/v1/feed", &[("Accept-Encoding", "gzip")]);
    assert_eq!(gzip.status, 200);
    assert_eq!(gzip.header("content-encoding"), Some("gzip"));
    assert!(gzip
        .header("vary")
        .unwrap_or("")
        .to_ascii_lowercase()
        .contains("accept-encoding"));
    let mut unzipped = Vec::new();
    flate2::read::GzDecoder::new(&gzip.body[..])
        .read_to_end(&mut unzipped)
        .expect("gzip");
    assert_eq!(unzipped, plain.body, "the same feed, byte for byte");
    assert!(
        gzip.body.len() < plain.body.len() / 2,
        "{} bytes",
        gzip.body.len()
    );
    // Other bytes, so not the strong tag; weakly the same, so revalidation still works.
    let weak = gzip.header("etag").expect("etag");
    assert_eq!(weak, format!("W/{strong}"));
    let again = server.get(
        "/v1/feed",
        &[("Accept-Encoding", "gzip"), ("If-None-Match", weak)],
    );
    assert_eq!(again.status, 304);

    let br = server.get("/v1/feed", &[("Accept-Encoding", "br")]);
    assert_eq!(br.header("content-encoding"), Some("br"));
    assert_eq!(br.header("etag"), Some(format!("W/{strong}").as_str()));

    // Small answers go as they are.
    let small = server.get("/healthz", &[("Accept-Encoding", "gzip, br")]);
    assert_eq!(small.header("content-encoding"), None);
}
