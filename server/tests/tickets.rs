//! The ticket API (design §5) and the agent's CLI, against the real `lms-support` binary on a
//! free loopback port, spoken to with a tiny HTTP/1.1 client over `std::net::TcpStream`.
//!
//! Runs natively (`cargo test -p lms-support-server`); needs only loopback networking. Each test
//! has its own directory tree under the system temp dir, and inspects the SQLite file with
//! rusqlite where the HTTP answer alone cannot prove a point (tokens only hashed, rows counted).

mod common;

use common::{connect_from, lms_support, Reply, Scratch, Server};
use lms_support_widget::time::Timestamp;
use serde_json::{json, Value};
use sha2::{Digest as _, Sha256};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::Output;
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------------------------
// harness

/// A scratch tree with the (empty) `www` and `widget` dirs that `Server::start` serves.
fn scratch(name: &str) -> Scratch {
    let s = Scratch::new("tickets", name);
    for dir in ["www", "widget"] {
        std::fs::create_dir_all(s.path(dir)).expect("scratch dir");
    }
    s
}

/// The ticket API's requests, on the shared harness's server.
impl Server {
    /// `POST /v1/tickets` with a JSON body and, when given, an idempotency key.
    fn create(&self, key: Option<&str>, body: &str) -> Reply {
        let mut headers = vec![("Content-Type", "application/json")];
        if let Some(key) = key {
            headers.push(("Idempotency-Key", key));
        }
        self.request("POST", "/v1/tickets", &headers, body.as_bytes())
    }

    fn show(&self, number: &str, token: Option<&str>) -> Reply {
        let auth = token.map(|t| format!("Bearer {t}"));
        let headers: Vec<(&str, &str)> =
            auth.iter().map(|a| ("Authorization", a.as_str())).collect();
        self.request("GET", &format!("/v1/tickets/{number}"), &headers, b"")
    }

    fn rate(&self, number: &str, token: &str, body: &str) -> Reply {
        let auth = format!("Bearer {token}");
        self.request(
            "POST",
            &format!("/v1/tickets/{number}/feedback"),
            &[
                ("Authorization", &auth),
                ("Content-Type", "application/json"),
            ],
            body.as_bytes(),
        )
    }

    /// Fails the test if the process has exited (a panic would have ended it).
    fn assert_alive(&mut self) {
        assert!(
            self.child.try_wait().expect("wait").is_none(),
            "the server died; log:\n{}",
            self.logs()
        );
        assert_eq!(self.request("GET", "/v1/feed", &[], b"").status, 200);
    }
}

impl Reply {
    /// The `(field, code)` pairs of an error body.
    fn errors(&self) -> Vec<(String, String)> {
        self.json()["errors"]
            .as_array()
            .unwrap_or_else(|| panic!("no errors in {}", self.json()))
            .iter()
            .map(|e| {
                (
                    e["field"].as_str().expect("field").to_string(),
                    e["code"].as_str().expect("code").to_string(),
                )
            })
            .collect()
    }
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(f, c)| (f.to_string(), c.to_string()))
        .collect()
}

/// `lms-support tickets --data DATA ARGS…`, with the clock at `now` when given.
fn agent(data: &Path, args: &[&str], now: Option<&str>) -> Output {
    let mut command = lms_support();
    command.arg("tickets").arg("--data").arg(data).args(args);
    if let Some(now) = now {
        command.env("LMS_SUPPORT_NOW", now);
    }
    command.output().expect("run lms-support tickets")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A distinct, valid idempotency key for each `n`.
fn key(n: u32) -> String {
    format!("{n:08x}-0000-4000-8000-00000000abcd")
}

/// A valid ticket body.
fn ticket(subject: &str, priority: &str) -> String {
    json!({
        "subject": subject,
        "description": "The quiz page says access denied.\nSince this morning.",
        "priority": priority,
        "category": "access",
        "name": "Ana Pérez",
        "email": "ana@example.edu",
        "locale": "es",
        "context": {"page": "https://lms.example.edu/mod/quiz/view.php", "course_id": "42"},
        "honeypot": ""
    })
    .to_string()
}

fn time(value: &Value) -> i64 {
    Timestamp::parse_rfc3339(value.as_str().expect("a time string"))
        .expect("RFC 3339")
        .seconds()
}

fn db(s: &Scratch) -> rusqlite::Connection {
    rusqlite::Connection::open(s.data().join("support.db")).expect("open support.db")
}

fn count(s: &Scratch, table: &str) -> i64 {
    db(s)
        .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
        .expect("count")
}

// ---------------------------------------------------------------------------------------------
// creating

#[test]
fn create_replay_and_reuse() {
    let s = scratch("create");
    let server = Server::start(&s, &[]);
    let body = ticket("Cannot open the quiz", "routine");

    let created = server.create(Some(&key(1)), &body);
    assert_eq!(created.status, 201, "{:?}", created.json());
    let first = created.json();
    assert_eq!(first["id"], 1);
    assert_eq!(first["number"], "ACME-000001");
    assert_eq!(first["status"], "open");
    assert_eq!(first["priority"], "routine");
    let token = first["token"].as_str().expect("token").to_string();
    assert_eq!(token.len(), 64);
    assert!(token.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(created.header("location"), Some("/v1/tickets/ACME-000001"));
    assert_eq!(created.header("content-type"), Some("application/json"));
    assert_eq!(created.header("cache-control"), Some("no-store"));

    // The same key and body: the same ticket and token, 200.
    let replay = server.create(Some(&key(1)), &body);
    assert_eq!(replay.status, 200);
    assert_eq!(replay.json(), first);
    // Same content written differently (key order, spacing) is the same body.
    let reordered: Value = serde_json::from_str(&body).expect("json");
    let pretty = serde_json::to_string_pretty(&reordered).expect("json");
    assert_eq!(server.create(Some(&key(1)), &pretty).status, 200);

    // The same key with another body.
    let reused = server.create(Some(&key(1)), &ticket("Something else", "routine"));
    assert_eq!(reused.status, 422);
    assert_eq!(
        reused.errors(),
        pairs(&[("idempotency_key", "idempotency_key_reused")])
    );

    // A new key: the next number; one row per ticket.
    let second = server.create(Some(&key(2)), &body);
    assert_eq!(second.status, 201);
    assert_eq!(second.json()["number"], "ACME-000002");
    assert_ne!(second.json()["token"], first["token"]);
    assert_eq!(count(&s, "tickets"), 2);

    // The learner reads it back with the token.
    let shown = server.show("ACME-000001", Some(&token));
    assert_eq!(shown.status, 200);
    let t = shown.json();
    assert_eq!(t["number"], "ACME-000001");
    assert_eq!(t["status"], "open");
    assert_eq!(t["priority"], "routine");
    assert_eq!(t["subject"], "Cannot open the quiz");
    assert_eq!(t["resolved_at"], Value::Null);
    assert_eq!(t["replies"], json!([]));
    assert_eq!(t["feedback"], Value::Null);
    assert_eq!(t["response_due_at"], first["response_due_at"]);
    // Routine: 8 hours by default.
    assert_eq!(
        time(&t["response_due_at"]) - time(&t["created_at"]),
        480 * 60
    );
    assert_eq!(t["updated_at"], t["created_at"]);
    assert!(server
        .logs()
        .contains("method=POST path=/v1/tickets status=201"));
}

/// Every text field of the core's one list (`ticket::field::STORED`) is stored in its own
/// column and comes back: in the agent's `tickets show` and, for the learner, the subject and
/// priority. A field added to the list that the store does not write or read, or the agent
/// does not show, fails here.
#[test]
fn every_stored_field_round_trips() {
    let s = scratch("every-field");
    let server = Server::start(&s, &[]);
    let (body, values) = common::ticket_with_every_stored_field();
    let made = server.create(Some(&key(1)), &body);
    assert_eq!(made.status, 201, "{}", made.text());
    let conn = db(&s);
    for (name, value) in &values {
        let stored: String = conn
            .query_row(&format!("SELECT {name} FROM tickets"), [], |r| r.get(0))
            .unwrap_or_else(|e| panic!("column {name}: {e}"));
        assert_eq!(&stored, value, "column {name}");
    }
    let shown = agent(&s.data(), &["show", "ACME-000001"], None);
    assert_eq!(shown.status.code(), Some(0), "{}", stderr(&shown));
    common::assert_shows_every_value(&stdout(&shown), &values);
    let number = made.json()["number"].as_str().unwrap_or("").to_string();
    let token = made.json()["token"].as_str().unwrap_or("").to_string();
    let seen = server.show(&number, Some(&token)).json();
    assert_eq!(seen["subject"], "subject round trip");
    assert_eq!(seen["priority"], "critical");
}

#[test]
fn tokens_are_stored_hashed_and_replay_copies_expire() {
    let s = scratch("tokens");
    let server = Server::start(&s, &[]);
    let body = ticket("Grades missing", "high");
    let first = server.create(Some(&key(7)), &body).json();
    let token = first["token"].as_str().expect("token").to_string();
    drop(server);

    let conn = db(&s);
    let (hash, context): (Vec<u8>, String) = conn
        .query_row(
            "SELECT token_hash, context FROM tickets WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("row");
    assert_eq!(hash, Sha256::digest(token.as_bytes()).to_vec());
    assert_eq!(
        context,
        r#"{"page":"https://lms.example.edu/mod/quiz/view.php","course_id":"42"}"#
    );
    // No column of the tickets table holds the token itself.
    let found: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM tickets WHERE instr(CAST(token_hash AS TEXT), ?1) > 0
                OR instr(subject || description || name || email || context, ?1) > 0",
            [&token],
            |r| r.get(0),
        )
        .expect("search");
    assert_eq!(found, 0);
    // The idempotency record keeps the plaintext for replays, for a day.
    let (kept, expires, created): (Option<String>, i64, i64) = conn
        .query_row(
            "SELECT token, token_expires_at, created_at FROM idempotency",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("idempotency row");
    assert_eq!(kept.as_deref(), Some(token.as_str()));
    assert_eq!(expires - created, 24 * 60 * 60);

    // A day later (moved back in the file), the server's maintenance forgets it at start-up…
    conn.execute(
        "UPDATE idempotency SET token_expires_at = created_at - 1",
        [],
    )
    .expect("age the record");
    drop(conn);
    let server = Server::start(&s, &[]);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let kept: Option<String> = db(&s)
            .query_row("SELECT token FROM idempotency", [], |r| r.get(0))
            .expect("row");
        if kept.is_none() {
            break;
        }
        assert!(Instant::now() < deadline, "the replay token was not purged");
        std::thread::sleep(Duration::from_millis(100));
    }
    // …and a replay then gets the same ticket with a fresh token that replaces the old one.
    let replay = server.create(Some(&key(7)), &body);
    assert_eq!(replay.status, 200);
    let fresh = replay.json()["token"].as_str().expect("token").to_string();
    assert_eq!(replay.json()["number"], "ACME-000001");
    assert_ne!(fresh, token);
    assert_eq!(server.show("ACME-000001", Some(&token)).status, 404);
    assert_eq!(server.show("ACME-000001", Some(&fresh)).status, 200);
}

#[test]
fn validation_errors_use_the_widgets_codes() {
    let s = scratch("validation");
    let server = Server::start(&s, &["--rate-limit-hour", "0"]);

    let everything = server.create(Some(&key(1)), "{}");
    assert_eq!(everything.status, 422);
    assert_eq!(
        everything.errors(),
        pairs(&[
            ("category", "required"),
            ("priority", "required"),
            ("subject", "required"),
            ("description", "required"),
            ("email", "required"),
        ])
    );

    let mut bad: Value = serde_json::from_str(&ticket("x", "routine")).expect("json");
    bad["subject"] = json!("s".repeat(201));
    bad["priority"] = json!("whenever");
    bad["email"] = json!("ana at example");
    bad["context"] = json!({"page": "p".repeat(1001)});
    bad["honeypot"] = json!("https://spam.example");
    assert_eq!(
        server.create(Some(&key(2)), &bad.to_string()).errors(),
        pairs(&[
            ("priority", "unknown_priority"),
            ("subject", "too_long"),
            ("email", "invalid_email"),
            ("context[0]", "too_long"),
            ("honeypot", "not_allowed"),
        ])
    );

    let honeypot = ticket("x", "routine").replace(r#""honeypot":"""#, r#""honeypot":"me""#);
    let reply = server.create(Some(&key(3)), &honeypot);
    assert_eq!(reply.status, 422);
    assert_eq!(reply.errors(), pairs(&[("honeypot", "not_allowed")]));

    let many: serde_json::Map<String, Value> =
        (0..21).map(|i| (format!("k{i}"), json!("v"))).collect();
    let mut too_many: Value = serde_json::from_str(&ticket("x", "routine")).expect("json");
    too_many["context"] = Value::Object(many);
    assert_eq!(
        server.create(Some(&key(4)), &too_many.to_string()).errors(),
        pairs(&[("context", "too_many")])
    );

    // Text that is not JSON is malformed (400); JSON of the wrong shape names the field (422).
    for (body, expected) in [
        ("not json", (400, pairs(&[("body", "malformed")]))),
        (r#"{"subject": "x""#, (400, pairs(&[("body", "malformed")]))),
        ("[1, 2]", (422, pairs(&[("body", "invalid")]))),
        (r#"{"subject": 7}"#, (422, pairs(&[("subject", "invalid")]))),
    ] {
        let reply = server.create(Some(&key(5)), body);
        assert_eq!((reply.status, reply.errors()), expected, "{body}");
    }
    // 20,000 keys in 180 KB (under the body limit): refused while parsing, before the keys are
    // compared with one another (48,000 took 8 s of a server core before).
    let keys: Vec<String> = (0..20_000).map(|i| format!(r#""{i:x}":0"#)).collect();
    let reply = server.create(Some(&key(5)), &format!("{{{}}}", keys.join(",")));
    assert_eq!(
        (reply.status, reply.errors()),
        (422, pairs(&[("body", "too_large")]))
    );
    // Bytes that are not UTF-8.
    let reply = server.request(
        "POST",
        "/v1/tickets",
        &[
            ("Content-Type", "application/json"),
            ("Idempotency-Key", &key(6)),
        ],
        b"{\"subject\": \"\xff\xfe\"}",
    );
    assert_eq!(
        (reply.status, reply.errors()),
        (400, pairs(&[("body", "malformed")]))
    );

    // The idempotency key is required and must be a UUID.
    let missing = server.create(None, &ticket("x", "routine"));
    assert_eq!(missing.status, 422);
    assert_eq!(missing.errors(), pairs(&[("idempotency_key", "required")]));
    let invalid = server.create(Some("12345"), &ticket("x", "routine"));
    assert_eq!(invalid.status, 422);
    assert_eq!(invalid.errors(), pairs(&[("idempotency_key", "invalid")]));

    // A form post is neither JSON nor multipart.
    let form = server.request(
        "POST",
        "/v1/tickets",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Idempotency-Key", &key(8)),
        ],
        b"subject=x",
    );
    assert_eq!(form.status, 415);
    assert_eq!(form.errors(), pairs(&[("body", "unsupported_type")]));

    assert_eq!(count(&s, "tickets"), 0);
}

#[test]
fn the_feed_decides_categories_priorities_and_response_targets() {
    let s = scratch("feed");
    let feed = s.write(
        "feed.json",
        r#"{"version": 1, "support": {"api": "/v1",
            "priorities": [{"id": "urgent", "response_minutes": 30}, {"id": "normal", "response_minutes": 1440}],
            "categories": ["access", "grades"]}}"#,
    );
    let server = Server::start(
        &s,
        &[
            "--feed",
            feed.to_str().expect("utf-8"),
            "--ticket-prefix",
            "UNI",
        ],
    );

    let routine = server.create(Some(&key(1)), &ticket("x", "routine"));
    assert_eq!(routine.errors(), pairs(&[("priority", "unknown_priority")]));
    let other = ticket("x", "urgent").replace(r#""category":"access""#, r#""category":"outage""#);
    assert_eq!(
        server.create(Some(&key(2)), &other).errors(),
        pairs(&[("category", "unknown_category")])
    );

    let urgent = server.create(Some(&key(3)), &ticket("x", "urgent"));
    assert_eq!(urgent.status, 201);
    let u = urgent.json();
    assert_eq!(u["number"], "UNI-000001");
    let shown = server.show("UNI-000001", u["token"].as_str()).json();
    assert_eq!(
        time(&shown["response_due_at"]) - time(&shown["created_at"]),
        30 * 60
    );
    // Numbers are case-insensitive and need not be padded.
    assert_eq!(server.show("uni-1", u["token"].as_str()).status, 200);
    assert_eq!(server.show("ACME-000001", u["token"].as_str()).status, 404);
    let normal = server.create(Some(&key(4)), &ticket("y", "normal")).json();
    assert_eq!(normal["number"], "UNI-000002");
}

#[test]
fn the_demo_feed_takes_tickets_same_origin() {
    // `make demo` serves the generated demo feed, whose support.api is "/v1".
    let s = scratch("demo");
    let server = Server::start(&s, &[]);
    let feed = server.request("GET", "/v1/feed", &[], b"").json();
    assert_eq!(feed["support"]["api"], "/v1");
    let reply = server.request(
        "POST",
        "/v1/tickets",
        &[
            ("Content-Type", "application/json"),
            ("Idempotency-Key", &key(1)),
            ("Origin", &format!("http://{}", server.addr)),
        ],
        ticket("Video will not play", "critical").as_bytes(),
    );
    assert_eq!(reply.status, 201);
    // Same origin: no CORS headers needed or given.
    assert_eq!(reply.header("access-control-allow-origin"), None);
    let due = time(&reply.json()["response_due_at"]);
    let t = server
        .show("ACME-000001", reply.json()["token"].as_str())
        .json();
    assert_eq!(due - time(&t["created_at"]), 60 * 60);
    let nonsense =
        ticket("x", "high").replace(r#""category":"access""#, r#""category":"nonsense""#);
    assert_eq!(
        server.create(Some(&key(2)), &nonsense).errors(),
        pairs(&[("category", "unknown_category")])
    );
}

// ---------------------------------------------------------------------------------------------
// multipart and limits

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";
const PDF: &[u8] = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";

/// A multipart body: the `ticket` part, then each `(file name, type, bytes)` as `files`.
fn multipart(boundary: &str, ticket: &str, files: &[(&str, &str, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"ticket\"\r\nContent-Type: application/json\r\n\r\n{ticket}\r\n"
        )
        .as_bytes(),
    );
    for (name, mime, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\nContent-Type: {mime}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    body
}

fn post_multipart(server: &Server, key: &str, boundary: &str, body: &[u8]) -> Reply {
    let content_type = format!("multipart/form-data; boundary={boundary}");
    server.request(
        "POST",
        "/v1/tickets",
        &[("Content-Type", &content_type), ("Idempotency-Key", key)],
        body,
    )
}

#[test]
fn multipart_with_files() {
    let s = scratch("multipart");
    let server = Server::start(&s, &[]);
    let json = ticket("Broken upload page", "high");
    let files: &[(&str, &str, &[u8])] = &[
        ("screen shot.png", "image/png", PNG),
        ("../../report.pdf", "application/octet-stream", PDF),
    ];
    let reply = post_multipart(
        &server,
        &key(1),
        "XyZ123",
        &multipart("XyZ123", &json, files),
    );
    assert_eq!(
        reply.status,
        201,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    assert_eq!(reply.json()["number"], "ACME-000001");

    // Stored under attachments/<ticket id>/, types sniffed, names kept without directories.
    let dir = s.data().join("attachments").join("1");
    assert_eq!(std::fs::read(dir.join("0.png")).expect("png"), PNG);
    assert_eq!(std::fs::read(dir.join("1.pdf")).expect("pdf"), PDF);
    let rows: Vec<(String, String, i64, String)> = {
        let conn = db(&s);
        let mut stmt = conn
            .prepare("SELECT name, mime, bytes, path FROM attachments ORDER BY id")
            .expect("query");
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .expect("rows");
        rows.collect::<Result<_, _>>().expect("rows")
    };
    assert_eq!(
        rows,
        vec![
            (
                "screen shot.png".into(),
                "image/png".into(),
                PNG.len() as i64,
                "attachments/1/0.png".into()
            ),
            (
                "report.pdf".into(),
                "application/pdf".into(),
                PDF.len() as i64,
                "attachments/1/1.pdf".into()
            ),
        ]
    );
    let shown = agent(&s.data(), &["show", "ACME-000001"], None);
    assert!(
        stdout(&shown).contains(&format!(
            "  screen shot.png (image/png, {} bytes) attachments/1/0.png\n",
            PNG.len()
        )),
        "{}",
        stdout(&shown)
    );

    // A browser retrying makes a new boundary: still the same body, so a replay.
    let again = post_multipart(
        &server,
        &key(1),
        "other-boundary",
        &multipart("other-boundary", &json, files),
    );
    assert_eq!(again.status, 200);
    assert_eq!(again.json()["token"], reply.json()["token"]);
    // The same key with different file bytes is another body.
    let changed: &[(&str, &str, &[u8])] = &[
        ("screen shot.png", "image/png", PNG),
        ("../../report.pdf", "application/pdf", PNG),
    ];
    assert_eq!(
        post_multipart(&server, &key(1), "b", &multipart("b", &json, changed)).errors(),
        pairs(&[("idempotency_key", "idempotency_key_reused")])
    );

    // A file that is not an image or PDF, whatever it claims.
    let svg: &[(&str, &str, &[u8])] = &[(
        "logo.png",
        "image/png",
        b"<svg xmlns='http://www.w3.org/2000/svg'/>",
    )];
    let reply = post_multipart(&server, &key(2), "b", &multipart("b", &json, svg));
    assert_eq!(reply.status, 422);
    assert_eq!(
        reply.errors(),
        pairs(&[("attachments[0]", "unsupported_type")])
    );

    // Four files.
    let four: Vec<(&str, &str, &[u8])> = (0..4).map(|_| ("a.png", "image/png", PNG)).collect();
    let reply = post_multipart(&server, &key(3), "b", &multipart("b", &json, &four));
    assert_eq!(reply.status, 422);
    assert_eq!(reply.errors(), pairs(&[("attachments", "too_many")]));

    // No ticket part.
    let reply = post_multipart(
        &server,
        &key(4),
        "b",
        b"--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\ny\r\n--b--\r\n",
    );
    assert_eq!(
        (reply.status, reply.errors()),
        (422, pairs(&[("ticket", "required")]))
    );

    // Garbage that does not parse as multipart.
    for garbage in [
        &b"no boundary here"[..],
        b"--b\r\nbroken",
        b"--b\r\n\r\n\r\n--b--",
    ] {
        let reply = post_multipart(&server, &key(5), "b", garbage);
        assert_eq!(reply.status, 400, "{}", String::from_utf8_lossy(garbage));
        assert_eq!(reply.errors(), pairs(&[("body", "malformed")]));
    }
    let reply = server.request(
        "POST",
        "/v1/tickets",
        &[
            ("Content-Type", "multipart/form-data"),
            ("Idempotency-Key", &key(6)),
        ],
        b"x",
    );
    assert_eq!(reply.status, 400);

    // Failed uploads leave nothing behind.
    assert_eq!(count(&s, "tickets"), 1);
    let staging = s.data().join("attachments").join(".staging");
    let leftovers = std::fs::read_dir(&staging).map(|d| d.count()).unwrap_or(0);
    assert_eq!(leftovers, 0);
}

#[test]
fn bodies_over_the_limits_are_413() {
    let s = scratch("limits");
    let server = Server::start(&s, &["--rate-limit-hour", "0"]);

    // A JSON body declared larger than 512 KiB is refused before it is read.
    let reply = server.request(
        "POST",
        "/v1/tickets",
        &[
            ("Content-Type", "application/json"),
            ("Idempotency-Key", &key(1)),
            ("Content-Length", "600000"),
        ],
        b"",
    );
    assert_eq!(reply.status, 413);
    assert_eq!(reply.errors(), pairs(&[("body", "too_large")]));

    // A file over 5 MiB.
    let mut big = PNG.to_vec();
    big.resize(5 * 1024 * 1024 + 1, 0);
    let json = ticket("Huge screenshot", "routine");
    let body = multipart(
        "b",
        &json,
        &[("ok.png", "image/png", PNG), ("big.png", "image/png", &big)],
    );
    let reply = post_multipart(&server, &key(2), "b", &body);
    assert_eq!(reply.status, 413);
    assert_eq!(reply.errors(), pairs(&[("attachments[1]", "too_large")]));

    // Exactly 5 MiB is fine.
    big.truncate(5 * 1024 * 1024);
    let body = multipart("b", &json, &[("big.png", "image/png", &big)]);
    assert_eq!(post_multipart(&server, &key(3), "b", &body).status, 201);

    // A multipart body declared beyond three full files.
    let reply = server.request(
        "POST",
        "/v1/tickets",
        &[
            ("Content-Type", "multipart/form-data; boundary=b"),
            ("Idempotency-Key", &key(4)),
            ("Content-Length", "40000000"),
        ],
        b"",
    );
    assert_eq!(reply.status, 413);

    // Feedback bodies are small.
    let reply = server.request(
        "POST",
        "/v1/tickets/ACME-000001/feedback",
        &[("Authorization", "Bearer x"), ("Content-Length", "100000")],
        b"",
    );
    assert_eq!(reply.status, 404, "the token is checked first");
    assert_eq!(count(&s, "tickets"), 1);
}

/// Every character as a `\uXXXX` escape (all are in the BMP here), as PHP's `json_encode`
/// writes non-ASCII text: the most bytes a valid ticket's characters can take.
fn escaped(text: &str) -> String {
    text.chars()
        .map(|c| format!("\\u{:04x}", c as u32))
        .collect()
}

/// The widest valid ticket: every field at its limit, every character escaped; `padding`
/// more bytes of spaces in an unknown field. About 305 KB with no padding.
fn widest_ticket(padding: usize) -> String {
    let text = |n: usize| escaped(&"é".repeat(n));
    let mut json = format!(
        r#"{{"category":"{}","priority":"routine","subject":"{}","description":"{}","name":"{}","email":"{}","locale":"pt-BR","honeypot":"","context":{{"#,
        text(100),
        text(200),
        text(10_000),
        text(200),
        escaped(&format!("{}@example.edu", "a".repeat(242))),
    );
    for i in 0..20 {
        let comma = if i == 0 { "" } else { "," };
        json.push_str(&format!(
            r#"{comma}"{}{}":"{}""#,
            escaped(&format!("k{i:02}")),
            text(997),
            text(1_000)
        ));
    }
    json.push('}');
    if padding > 0 {
        json.push_str(&format!(r#","padding":"{}""#, " ".repeat(padding)));
    }
    json.push('}');
    json
}

/// `POST /v1/tickets` with a chunked body (no `Content-Length`), in chunks of 16 KiB.
fn post_chunked(server: &Server, key: &str, body: &[u8]) -> Reply {
    let mut raw = format!(
        "POST /v1/tickets HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nIdempotency-Key: {key}\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    .into_bytes();
    for chunk in body.chunks(16 * 1024) {
        raw.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        raw.extend_from_slice(chunk);
        raw.extend_from_slice(b"\r\n");
    }
    raw.extend_from_slice(b"0\r\n\r\n");
    let mut stream = TcpStream::connect(&server.addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    // The server may answer 413 and close before it has read everything.
    let _ = stream.write_all(&raw);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    common::parse_reply(&answer, false)
}

#[test]
fn json_bodies_larger_than_any_valid_ticket_are_413() {
    let s = scratch("json-limit");
    let feed = s.write("feed.json", br#"{"version": 1}"#);
    let server = Server::start(
        &s,
        &[
            "--feed",
            feed.to_str().expect("utf-8"),
            "--rate-limit-hour",
            "0",
        ],
    );

    let widest = widest_ticket(0);
    assert!(widest.len() > 300_000, "{}", widest.len());
    let reply = server.create(Some(&key(1)), &widest);
    assert_eq!(reply.status, 201, "{}", reply.text());

    // 330 KB cannot be a valid ticket (whatever the padding, which is ignored): refused by its
    // declared length, or while it is read. It is well under the old limit of 512 KiB.
    let too_big = widest_ticket(25_000);
    assert!(
        (320_000..340_000).contains(&too_big.len()),
        "{}",
        too_big.len()
    );
    let reply = server.create(Some(&key(2)), &too_big);
    assert_eq!(reply.status, 413);
    assert_eq!(reply.errors(), pairs(&[("body", "too_large")]));
    let reply = post_chunked(&server, &key(3), too_big.as_bytes());
    assert_eq!(reply.status, 413);
    // The same as the `ticket` part of a multipart body.
    let reply = post_multipart(&server, &key(4), "b", &multipart("b", &too_big, &[]));
    assert_eq!(reply.status, 413);
    assert_eq!(count(&s, "tickets"), 1);
}

// ---------------------------------------------------------------------------------------------
// rate limits and CORS

#[test]
fn rejected_attempts_have_a_budget_of_30_an_hour() {
    let s = scratch("rejected");
    let server = Server::start(&s, &[]);
    for n in 0..30 {
        let reply = server.create(Some(&key(n)), "{}");
        assert_eq!(reply.status, 422, "attempt {n}");
    }
    let limited = server.create(Some(&key(30)), "{}");
    assert_eq!(limited.status, 429);
    assert_eq!(limited.errors(), pairs(&[("client", "rate_limited")]));
    let wait: i64 = limited
        .header("retry-after")
        .expect("Retry-After")
        .parse()
        .expect("seconds");
    assert!((3500..=3600).contains(&wait), "{wait}");
    // Until the hour ends the client is refused before its body is even read.
    assert_eq!(
        server
            .create(Some(&key(31)), &ticket("fine", "routine"))
            .status,
        429
    );
    // Another client is not.
    let other = common::request_on(
        connect_from("127.0.0.2", &server.addr),
        &server.addr,
        "POST",
        "/v1/tickets",
        &[
            ("Content-Type", "application/json"),
            ("Idempotency-Key", &key(32)),
        ],
        ticket("fine", "routine").as_bytes(),
    );
    assert_eq!(other.status, 201);
}

#[test]
fn only_rejections_use_up_the_rejection_budget_and_stalled_bodies_are_408() {
    let s = scratch("rejected-budget");
    let server = Server::start(&s, &["--rate-limit-rejected", "2", "--body-timeout", "1"]);
    // Created tickets and replays never count.
    for n in 0..4 {
        let created = server.create(Some(&key(n)), &ticket("t", "routine"));
        assert_eq!(created.status, 201);
        assert_eq!(
            server.create(Some(&key(n)), &ticket("t", "routine")).status,
            200
        );
    }

    // Bodies that stop arriving: 408 (which the widget retries), and the attempts count while
    // they are in flight.
    let stalled: Vec<TcpStream> = (0..2)
        .map(|n| {
            let mut stream = TcpStream::connect(&server.addr).expect("connect");
            let head = format!(
                "POST /v1/tickets HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nIdempotency-Key: {}\r\nContent-Length: 100\r\n\r\n{{\"subject\"",
                key(10 + n)
            );
            stream.write_all(head.as_bytes()).expect("send");
            stream
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        server
            .create(Some(&key(12)), &ticket("t", "routine"))
            .status,
        429,
        "two attempts in flight fill a budget of two"
    );
    for mut stream in stalled {
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        let reply = common::parse_reply(&answer, false);
        assert_eq!(reply.status, 408);
        assert_eq!(reply.errors(), pairs(&[("body", "timeout")]));
    }
    // A multipart upload that stops halfway: 408 too, and its staged file is removed.
    let mut stream = TcpStream::connect(&server.addr).expect("connect");
    let mut head = format!(
        "POST /v1/tickets HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\nIdempotency-Key: {}\r\nContent-Length: 100000\r\n\r\n",
        key(13)
    )
    .into_bytes();
    head.extend_from_slice(&multipart(
        "b",
        &ticket("t", "routine"),
        &[("a.png", "image/png", PNG)],
    ));
    head.truncate(head.len() - 10);
    stream.write_all(&head).expect("send");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    assert_eq!(common::parse_reply(&answer, false).status, 408);
    let staging = s.data().join("attachments").join(".staging");
    let leftovers = std::fs::read_dir(&staging).map(|d| d.count()).unwrap_or(0);
    assert_eq!(leftovers, 0);

    // None of that used the budget; two rejections do.
    assert_eq!(server.create(Some(&key(14)), "{}").status, 422);
    let reply = server.request(
        "POST",
        "/v1/tickets",
        &[("Content-Type", "text/csv"), ("Idempotency-Key", &key(15))],
        b"a,b",
    );
    assert_eq!(reply.status, 415);
    assert_eq!(
        server
            .create(Some(&key(16)), &ticket("t", "routine"))
            .status,
        429
    );
    assert_eq!(count(&s, "tickets"), 4);
}

#[test]
fn rate_limits_per_client_with_retry_after() {
    let s = scratch("ratelimit");
    let server = Server::start(&s, &["--rate-limit-hour", "2", "--rate-limit-day", "240"]);

    // A rejected attempt does not use up the allowance.
    assert_eq!(server.create(Some(&key(9)), "{}").status, 422);
    let first = server.create(Some(&key(1)), &ticket("one", "routine"));
    assert_eq!(first.status, 201);
    assert_eq!(
        server
            .create(Some(&key(2)), &ticket("two", "routine"))
            .status,
        201
    );

    let limited = server.create(Some(&key(3)), &ticket("three", "routine"));
    assert_eq!(limited.status, 429);
    assert_eq!(limited.errors(), pairs(&[("client", "rate_limited")]));
    let wait: i64 = limited
        .header("retry-after")
        .expect("Retry-After")
        .parse()
        .expect("seconds");
    assert!((3500..=3600).contains(&wait), "{wait}");

    // A replay is not a new ticket: the learner still gets theirs.
    let replay = server.create(Some(&key(1)), &ticket("one", "routine"));
    assert_eq!(replay.status, 200);
    assert_eq!(replay.json()["token"], first.json()["token"]);
    assert_eq!(count(&s, "tickets"), 2);
}

#[test]
fn rate_limit_zero_is_unlimited_and_defaults_are_20_per_hour() {
    let s = scratch("unlimited");
    let server = Server::start(&s, &["--rate-limit-hour", "0", "--rate-limit-day", "0"]);
    for n in 0..25 {
        assert_eq!(
            server.create(Some(&key(n)), &ticket("t", "routine")).status,
            201
        );
    }
    drop(server);
    let server = Server::start(&s, &[]);
    for n in 100..120 {
        assert_eq!(
            server.create(Some(&key(n)), &ticket("t", "routine")).status,
            201
        );
    }
    assert_eq!(
        server
            .create(Some(&key(120)), &ticket("t", "routine"))
            .status,
        429
    );
}

#[test]
fn cors_only_for_allowed_origins() {
    let s = scratch("cors");
    let allowed = "https://lms.example.edu";
    let server = Server::start(
        &s,
        &[
            "--allow-origin",
            "https://LMS.example.edu/",
            "--allow-origin",
            "http://localhost:3000",
        ],
    );
    let preflight = |origin: &str, path: &str| {
        server.request(
            "OPTIONS",
            path,
            &[
                ("Origin", origin),
                ("Access-Control-Request-Method", "POST"),
                (
                    "Access-Control-Request-Headers",
                    "content-type,idempotency-key",
                ),
            ],
            b"",
        )
    };
    for path in [
        "/v1/tickets",
        "/v1/tickets/ACME-000001",
        "/v1/tickets/ACME-000001/feedback",
    ] {
        let ok = preflight(allowed, path);
        assert_eq!(ok.status, 200, "{path}");
        assert_eq!(ok.header("access-control-allow-origin"), Some(allowed));
        let methods = ok.header("access-control-allow-methods").unwrap_or("");
        assert!(
            methods.contains("POST") && methods.contains("GET"),
            "{methods}"
        );
        let headers = ok
            .header("access-control-allow-headers")
            .unwrap_or("")
            .to_ascii_lowercase();
        for h in [
            "content-type",
            "idempotency-key",
            "authorization",
            "if-none-match",
        ] {
            assert!(headers.contains(h), "{headers}");
        }
        assert_eq!(ok.header("vary"), Some("origin"));

        // What the browser checks: no Access-Control-Allow-Origin, so the page may not send.
        let denied = preflight("https://evil.example", path);
        assert_eq!(denied.status, 200);
        assert_eq!(denied.header("access-control-allow-origin"), None);
    }
    assert_eq!(
        preflight("http://localhost:3000", "/v1/tickets").header("access-control-allow-origin"),
        Some("http://localhost:3000")
    );

    // The real request from an allowed page can read the answer, and Retry-After.
    let post = |origin: &str, n: u32| {
        server.request(
            "POST",
            "/v1/tickets",
            &[
                ("Origin", origin),
                ("Content-Type", "application/json"),
                ("Idempotency-Key", &key(n)),
            ],
            ticket("x", "routine").as_bytes(),
        )
    };
    let ok = post(allowed, 1);
    assert_eq!(ok.status, 201);
    assert_eq!(ok.header("access-control-allow-origin"), Some(allowed));
    // Retry-After for the outbox's backoff; ETag for the status check's If-None-Match.
    assert_eq!(
        ok.header("access-control-expose-headers")
            .map(str::to_ascii_lowercase),
        Some("retry-after,etag".to_string())
    );
    assert_eq!(ok.header("vary"), Some("origin"));
    let denied = post("https://evil.example", 2);
    assert_eq!(denied.header("access-control-allow-origin"), None);

    // A bad origin flag is a usage error.
    let out = lms_support()
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--allow-origin",
            "lms.example.edu",
        ])
        .arg("--data")
        .arg(s.path("other-data"))
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "invalid --allow-origin \"lms.example.edu\": give an origin like https://lms.example.edu (scheme, host and optional port, no path)\n"
    );
    let out = lms_support()
        .args(["serve", "--addr", "127.0.0.1:0", "--ticket-prefix", "AC-ME"])
        .arg("--data")
        .arg(s.path("other-data"))
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "invalid --ticket-prefix \"AC-ME\": use 1 to 16 letters and digits, like ACME\n"
    );
}

// ---------------------------------------------------------------------------------------------
// following a ticket, the agent, feedback

#[test]
fn unknown_tickets_and_wrong_tokens_look_the_same() {
    let s = scratch("auth");
    let server = Server::start(&s, &[]);
    let created = server.create(Some(&key(1)), &ticket("x", "routine")).json();
    let token = created["token"].as_str().expect("token");

    let missing = server.show("ACME-000001", None);
    assert_eq!(missing.status, 401);
    assert_eq!(missing.header("www-authenticate"), Some("Bearer"));
    assert_eq!(missing.errors(), pairs(&[("authorization", "required")]));
    let basic = server.request(
        "GET",
        "/v1/tickets/ACME-000001",
        &[("Authorization", "Basic eDp5")],
        b"",
    );
    assert_eq!(basic.status, 401);

    let wrong = server.show("ACME-000001", Some(&"0".repeat(64)));
    let unknown = server.show("ACME-000999", Some(token));
    let nonsense = server.show("not-a-number", Some(token));
    for reply in [&wrong, &unknown, &nonsense] {
        assert_eq!(reply.status, 404);
        assert_eq!(
            reply.body,
            br#"{"errors":[{"field":"ticket","code":"not_found"}]}"#
        );
    }
    // Another ticket's token does not open this one.
    let other = server.create(Some(&key(2)), &ticket("y", "routine")).json();
    assert_eq!(
        server.show("ACME-000001", other["token"].as_str()).status,
        404
    );
    assert_eq!(
        server
            .rate(
                "ACME-000001",
                other["token"].as_str().expect("t"),
                r#"{"rating": 5}"#
            )
            .status,
        404
    );
    assert_eq!(
        server
            .request(
                "POST",
                "/v1/tickets/ACME-000001/feedback",
                &[],
                br#"{"rating": 5}"#
            )
            .status,
        401
    );
}

#[test]
fn agent_replies_resolves_and_the_learner_rates_once() {
    let s = scratch("agent");
    let server = Server::start(&s, &[]);
    let created = server
        .create(Some(&key(1)), &ticket("Cannot open the quiz", "high"))
        .json();
    let token = created["token"].as_str().expect("token").to_string();

    // Not resolved yet: no rating.
    let early = server.rate("ACME-000001", &token, r#"{"rating": 4}"#);
    assert_eq!(early.status, 409);
    assert_eq!(early.errors(), pairs(&[("ticket", "not_resolved")]));

    let out = agent(
        &s.data(),
        &[
            "reply",
            "ACME-000001",
            "Please clear your cache and try again.",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "ACME-000001: reply added; status pending\n");
    let t = server.show("ACME-000001", Some(&token)).json();
    assert_eq!(t["status"], "pending");
    let replies = t["replies"].as_array().expect("replies");
    assert_eq!(replies.len(), 1);
    assert_eq!(replies[0]["author"], "agent");
    assert_eq!(replies[0]["body"], "Please clear your cache and try again.");
    time(&replies[0]["at"]);

    let out = agent(&s.data(), &["resolve", "acme-1"], None);
    assert_eq!(
        (out.status.code(), stdout(&out)),
        (Some(0), "ACME-000001: resolved\n".to_string())
    );
    let t = server.show("ACME-000001", Some(&token)).json();
    assert_eq!(t["status"], "resolved");
    assert!(time(&t["resolved_at"]) >= time(&t["created_at"]));

    for (body, expected) in [
        (r#"{"rating": 6}"#, pairs(&[("rating", "invalid")])),
        (
            r#"{"comment": "no rating"}"#,
            pairs(&[("rating", "required")]),
        ),
        (
            &*format!(r#"{{"rating": 5, "comment": "{}"}}"#, "x".repeat(2001)),
            pairs(&[("comment", "too_long")]),
        ),
        ("[5]", pairs(&[("body", "invalid")])),
    ] {
        let reply = server.rate("ACME-000001", &token, body);
        assert_eq!((reply.status, reply.errors()), (422, expected), "{body}");
    }
    let malformed = server.rate("ACME-000001", &token, "oops");
    assert_eq!(
        (malformed.status, malformed.errors()),
        (400, pairs(&[("body", "malformed")]))
    );
    let rated = server.rate(
        "ACME-000001",
        &token,
        r#"{"rating": 5, "comment": " Quick and clear, thanks! "}"#,
    );
    assert_eq!(rated.status, 201);
    assert_eq!(
        rated.json(),
        json!({"rating": 5, "comment": "Quick and clear, thanks!"})
    );
    let again = server.rate("ACME-000001", &token, r#"{"rating": 1}"#);
    assert_eq!(again.status, 409);
    assert_eq!(again.errors(), pairs(&[("ticket", "already_rated")]));
    let t = server.show("ACME-000001", Some(&token)).json();
    assert_eq!(
        t["feedback"],
        json!({"rating": 5, "comment": "Quick and clear, thanks!"})
    );

    let shown = stdout(&agent(&s.data(), &["show", "ACME-000001"], None));
    for line in [
        "ACME-000001  resolved  high\n",
        "subject:      Cannot open the quiz\n",
        "from:         Ana Pérez <ana@example.edu>\n",
        "feedback:     5/5 \"Quick and clear, thanks!\"\n",
        "context:\n  page: https://lms.example.edu/mod/quiz/view.php\n  course_id: 42\n",
        "description:\n  The quiz page says access denied.\n  Since this morning.\n",
        "    Please clear your cache and try again.\n",
    ] {
        assert!(shown.contains(line), "{line:?} not in\n{shown}");
    }

    let out = agent(&s.data(), &["close", "ACME-000001"], None);
    assert_eq!(stdout(&out), "ACME-000001: closed\n");
    assert_eq!(
        server.show("ACME-000001", Some(&token)).json()["status"],
        "closed"
    );
    let out = agent(&s.data(), &["reply", "ACME-000001", "one more thing"], None);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr(&out), "ACME-000001 is closed; it cannot change\n");
}

/// The widget's check for news (issue 16's badge): with the last `ETag` it gets `304` and no
/// body until something about the ticket changes; a browser on another origin may send the
/// tag and read the new one.
#[test]
fn a_status_check_is_304_until_an_agent_replies() {
    let s = scratch("etag");
    let server = Server::start(&s, &["--allow-origin", "https://lms.example.edu"]);
    let created = server
        .create(Some(&key(1)), &ticket("Cannot open the quiz", "high"))
        .json();
    let token = created["token"].as_str().expect("token").to_string();
    let auth = format!("Bearer {token}");
    let check = |tag: Option<&str>| {
        let mut headers = vec![
            ("Authorization", auth.as_str()),
            ("Origin", "https://lms.example.edu"),
        ];
        if let Some(tag) = tag {
            headers.push(("If-None-Match", tag));
        }
        server.request("GET", "/v1/tickets/ACME-000001", &headers, b"")
    };
    let first = check(None);
    assert_eq!(first.status, 200);
    let tag = first.header("etag").expect("an ETag").to_string();
    assert!(
        first
            .header("access-control-expose-headers")
            .is_some_and(|h| h.to_ascii_lowercase().contains("etag")),
        "{:?}",
        first.headers
    );
    let unchanged = check(Some(&tag));
    assert_eq!(unchanged.status, 304);
    assert!(unchanged.body.is_empty());

    let out = agent(&s.data(), &["reply", "ACME-000001", "Try again now."], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let news = check(Some(&tag));
    assert_eq!(news.status, 200);
    assert_ne!(news.header("etag"), Some(tag.as_str()));
    assert_eq!(news.json()["replies"][0]["body"], "Try again now.");

    let preflight = server.request(
        "OPTIONS",
        "/v1/tickets/ACME-000001",
        &[
            ("Origin", "https://lms.example.edu"),
            ("Access-Control-Request-Method", "GET"),
            (
                "Access-Control-Request-Headers",
                "authorization, if-none-match",
            ),
        ],
        b"",
    );
    assert!(
        preflight
            .header("access-control-allow-headers")
            .is_some_and(|h| h.to_ascii_lowercase().contains("if-none-match")),
        "{:?}",
        preflight.headers
    );
}

#[test]
fn agent_cli_errors() {
    let s = scratch("agent-errors");
    let out = agent(&s.data(), &["list"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).starts_with("no ticket database at "),
        "{}",
        stderr(&out)
    );

    let server = Server::start(&s, &[]);
    assert_eq!(stdout(&agent(&s.data(), &["list"], None)), "no tickets\n");
    server.create(Some(&key(1)), &ticket("x", "routine"));
    for args in [
        &["show", "ACME-000002"][..],
        &["resolve", "ACME-000002"],
        &["close", "nope"],
        &["reply", "ACME-9", "hi"],
    ] {
        let out = agent(&s.data(), args, None);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(stderr(&out).starts_with("no ticket \""), "{}", stderr(&out));
        assert!(stderr(&out).ends_with("; `lms-support tickets list` shows them all\n"));
    }
    let out = agent(&s.data(), &["list", "--status", "done"], None);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "unknown status \"done\": use one of open, pending, resolved, closed\n"
    );
    assert_eq!(
        agent(&s.data(), &["reply", "ACME-000001", "  "], None)
            .status
            .code(),
        Some(2)
    );
    assert_eq!(agent(&s.data(), &["show"], None).status.code(), Some(2));
    let out = agent(&s.data(), &["list"], Some("yesterday"));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).starts_with("invalid LMS_SUPPORT_NOW: "));
}

#[test]
fn list_filters_overdue_and_escalation() {
    let s = scratch("escalation");
    let server = Server::start(&s, &[]);
    let critical = server
        .create(Some(&key(1)), &ticket("Platform down", "critical"))
        .json();
    server.create(Some(&key(2)), &ticket("A question", "routine"));
    server.create(Some(&key(3)), &ticket("Grades wrong", "high"));
    let created = time(
        &server
            .show("ACME-000001", critical["token"].as_str())
            .json()["created_at"],
    );
    let at = |seconds: i64| Timestamp(created + seconds).to_string();
    agent(
        &s.data(),
        &["reply", "ACME-000003", "Looking into it."],
        None,
    );

    let list = stdout(&agent(&s.data(), &["list"], None));
    let lines: Vec<&str> = list.lines().collect();
    assert_eq!(lines.len(), 4, "{list}");
    assert!(
        lines[0].starts_with(
            "NUMBER       STATUS   PRIORITY  DUE                   ESCALATED  SUBJECT"
        ),
        "{list}"
    );
    assert!(
        lines[1].starts_with("ACME-000001  open     critical  "),
        "{list}"
    );
    assert!(lines[1].ends_with("  -          Platform down"), "{list}");
    assert!(lines[3].starts_with("ACME-000003  pending  high"), "{list}");

    let pending = stdout(&agent(&s.data(), &["list", "--status", "pending"], None));
    assert_eq!(pending.lines().count(), 2, "{pending}");
    assert!(pending.contains("ACME-000003"));

    // Nothing is overdue at creation; after 61 minutes the critical one is (1 h target).
    assert_eq!(
        stdout(&agent(&s.data(), &["list", "--overdue"], Some(&at(0)))),
        "no tickets\n"
    );
    // (`list` and `show` escalate as of the clock they run at, so the clock only moves forward
    // from here.)
    // Not escalated while its response target has not passed…
    let early = stdout(&agent(
        &s.data(),
        &["show", "ACME-000001"],
        Some(&at(3600 - 1)),
    ));
    assert!(early.contains("escalation:   none\n"), "{early}");
    // …escalated once it has, unanswered, with the time, shown in the list and in show.
    let when = at(61 * 60);
    let overdue = stdout(&agent(&s.data(), &["list", "--overdue"], Some(&when)));
    assert_eq!(overdue.lines().count(), 2, "{overdue}");
    assert!(overdue.contains("ACME-000001"));
    let list = stdout(&agent(&s.data(), &["list"], Some(&at(2 * 3600))));
    assert!(
        list.contains(&format!("  L1 {when}  Platform down")),
        "{list}"
    );
    let shown = stdout(&agent(
        &s.data(),
        &["show", "ACME-000001"],
        Some(&at(3 * 3600)),
    ));
    assert!(
        shown.contains(&format!("escalation:   level 1 since {when}\n")),
        "{shown}"
    );
    assert!(shown.contains(" (overdue)\n"), "{shown}");
    // Nine hours on: routine is overdue too; the high one has a reply, so it is not.
    let overdue = stdout(&agent(
        &s.data(),
        &["list", "--overdue"],
        Some(&at(9 * 3600)),
    ));
    assert_eq!(overdue.lines().count(), 3, "{overdue}");
    assert!(!overdue.contains("ACME-000003"));
    // Only critical tickets escalate.
    let (level, at_db): (i64, Option<i64>) = db(&s)
        .query_row(
            "SELECT escalation_level, escalated_at FROM tickets WHERE id = 2",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("row");
    assert_eq!((level, at_db), (0, None));
    // A resolved critical ticket does not escalate.
    let another = server
        .create(Some(&key(4)), &ticket("Security issue", "critical"))
        .json();
    assert_eq!(another["number"], "ACME-000004");
    agent(&s.data(), &["resolve", "ACME-000004"], None);
    let later = stdout(&agent(
        &s.data(),
        &["show", "ACME-000004"],
        Some(&at(5 * 3600)),
    ));
    assert!(later.contains("escalation:   none\n"), "{later}");
}

// ---------------------------------------------------------------------------------------------
// hostile input

#[test]
fn no_input_brings_the_server_down() {
    let s = scratch("hostile");
    let mut server = Server::start(&s, &["--rate-limit-hour", "0"]);
    let raw: Vec<Vec<u8>> = vec![
        b"\x00\x01\x02 garbage\r\n\r\n".to_vec(),
        b"POST /v1/tickets HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n".to_vec(),
        b"POST /v1/tickets HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nIdempotency-Key: 00000001-0000-4000-8000-00000000abcd\r\n\r\nzz\r\n".to_vec(),
        format!("GET /v1/tickets/ACME-1 HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n", "a".repeat(200_000)).into_bytes(),
        b"GET /v1/tickets/%FF%FE HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \xff\xfe\r\nConnection: close\r\n\r\n".to_vec(),
        b"POST /v1/tickets HTTP/1.1\r\nHost: x\r\nIdempotency-Key: \xff\xfe\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}".to_vec(),
        b"POST /v1/tickets/ACME-1/feedback HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer abc\r\nConnection: close\r\nContent-Length: 3\r\n\r\n\xff\xfe\xfd".to_vec(),
    ];
    for bytes in &raw {
        let mut stream = TcpStream::connect(&server.addr).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .expect("timeout");
        let _ = stream.write_all(bytes);
        let _ = stream.shutdown(std::net::Shutdown::Write);
        let mut sink = Vec::new();
        let _ = stream.read_to_end(&mut sink);
        if let Ok(head) = std::str::from_utf8(&sink[..sink.len().min(12)]) {
            assert!(
                !head.starts_with("HTTP/1.1 5"),
                "{}",
                String::from_utf8_lossy(&sink)
            );
        }
    }
    // Multipart with hostile headers and names.
    let body = b"--b\r\nContent-Disposition: form-data; name=\"ticket\"; filename=\"\xff\"\r\n\r\n{}\r\n--b\r\nContent-Disposition: form-data; name=\"files\"; filename=\"\r\n\r\n\r\n--b--\r\n";
    let reply = post_multipart(&server, &key(1), "b", body);
    assert!(reply.status < 500, "{reply:?}");
    // Deeply nested JSON: deeper than the parser goes, so it is refused as malformed.
    let nested = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let reply = server.create(Some(&key(2)), &nested);
    assert_eq!(reply.status, 400);
    server.assert_alive();
    assert!(!server.logs().contains(" status=5"), "{}", server.logs());
    assert_eq!(count(&s, "tickets"), 0);
}

#[test]
fn the_database_survives_a_restart_and_numbers_continue() {
    let s = scratch("restart");
    let server = Server::start(&s, &[]);
    let first = server.create(Some(&key(1)), &ticket("x", "routine")).json();
    drop(server); // SIGKILL: nothing graceful
    let server = Server::start(&s, &[]);
    assert_eq!(
        server.show("ACME-000001", first["token"].as_str()).status,
        200
    );
    assert_eq!(
        server.create(Some(&key(2)), &ticket("y", "routine")).json()["number"],
        "ACME-000002"
    );
    let (version, mode): (i64, String) = {
        let conn = db(&s);
        (
            conn.query_row("PRAGMA user_version", [], |r| r.get(0))
                .expect("version"),
            conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))
                .expect("mode"),
        )
    };
    // 2: the vendor service's tables (schedule, per-client numbers, audit log, tokens);
    // 3: the delivery queue; 4: webhook receivers and inbound hook ids; 5: clients' mail
    // addresses; 6: help event counts; 7: admin console sessions.
    assert_eq!((version, mode.as_str()), (7, "wal"));
}
