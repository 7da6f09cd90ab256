//! Signed webhooks both ways (issue 16), with real parts: a real server, and a webhook
//! receiver in this test (std's TcpListener on loopback) that checks every signature with its
//! own HMAC. The receiver is stopped mid-run; every event must arrive exactly once (by
//! delivery id) after it restarts. Inbound: a good `POST /v1/hooks/helpdesk` adds the reply
//! the learner sees; a bad signature, an old timestamp and a replay are 401 and change nothing.
//!
//! Runs natively (`cargo test -p lms-support-server --test webhooks`).

mod common;

#[path = "common/sinks.rs"]
mod sinks;

use common::{lms_support, Output, Scratch, Server};
use serde_json::{json, Value};
use sinks::{hmac_hex, Received, Receiver};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const SECRET: &str = "whsec_0123456789abcdef0123456789abcdef";
const HOOK_SECRET: &str = "hook_fedcba9876543210fedcba9876543210";

fn wait_until<T>(what: &str, timeout: Duration, mut check: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(value) = check() {
            return value;
        }
        assert!(start.elapsed() < timeout, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn file_ticket(server: &Server, n: u32, subject: &str) -> Value {
    file_ticket_at(server, n, subject, "high")
}

fn file_ticket_at(server: &Server, n: u32, subject: &str, priority: &str) -> Value {
    let ticket = json!({
        "subject": subject, "description": "The quiz says access denied.",
        "priority": priority, "category": "access", "name": "Ana", "email": "ana@example.edu",
        "locale": "en", "honeypot": ""
    });
    common::post_ticket(server, "/v1/clients/acme/tickets", n, &ticket)
}

fn agent(data: &Path, args: &[&str]) -> Output {
    Output::of(
        lms_support()
            .arg("tickets")
            .arg("--data")
            .arg(data)
            .args(args),
    )
}

fn deliveries(data: &Path) -> Vec<Vec<String>> {
    let out = Output::of(
        lms_support()
            .args(["deliveries", "list", "--data"])
            .arg(data),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.stdout
        .lines()
        .skip(1)
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect()
}

fn unix_now() -> i64 {
    i64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("clock")
            .as_secs(),
    )
    .expect("time")
}

/// Acme's configuration with one receiver for every event and a helpdesk hook secret.
fn configure(s: &Scratch, port: u16) {
    let out = Output::of(lms_support().arg("demo-config").arg(s.path("conf")));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let path = s.path("conf/clients/acme.json");
    let mut acme: Value =
        serde_json::from_slice(&std::fs::read(&path).expect("read")).expect("json");
    acme["webhooks"] = json!([{
        "url": format!("http://127.0.0.1:{port}/lms-hook"),
        "secret": SECRET,
        "events": ["ticket.created", "ticket.updated", "feedback.created"],
    }]);
    acme["helpdesk_hook_secret"] = json!(HOOK_SECRET);
    std::fs::write(&path, acme.to_string()).expect("write");
}

#[test]
fn every_event_arrives_once_signed_even_across_a_receiver_outage() {
    let s = Scratch::new("webhooks", "outage");
    for dir in ["www", "widget"] {
        std::fs::create_dir_all(s.path(dir)).expect("scratch dir");
    }
    let log = Arc::new(Mutex::new(Vec::new()));
    let receiver = Receiver::start(0, SECRET, Duration::ZERO, log.clone());
    let port = receiver.port;
    configure(&s, port);
    let conf = s.path("conf");
    let server = Server::start(
        &s,
        &[
            "--config",
            conf.to_str().expect("utf-8"),
            "--rate-limit-hour",
            "0",
        ],
    );

    let first = file_ticket(&server, 1, "Quiz locked");
    let number = first["number"].as_str().expect("number").to_string();
    wait_until("ticket.created", Duration::from_secs(20), || {
        (!log.lock().expect("log").is_empty()).then_some(())
    });
    let created = log.lock().expect("log")[0].clone();
    assert!(created.signature_ok, "{created:?}");
    assert_eq!(created.body["type"], "ticket.created");
    assert_eq!(created.body["id"], created.delivery.as_str());
    assert_eq!(created.body["client"], "acme");
    assert_eq!(created.body["data"]["ticket"]["number"], number.as_str());
    assert_eq!(
        created.body["data"]["ticket"]["learner"]["email"],
        "ana@example.edu"
    );

    // The receiver goes down; tickets and an agent's reply and resolution keep coming.
    drop(receiver);
    for n in 2..=4 {
        file_ticket(&server, n, &format!("During the outage {n}"));
    }
    let data = s.data();
    assert_eq!(
        agent(&data, &["reply", &number, "Try again now, please."]).code,
        0
    );
    assert_eq!(agent(&data, &["resolve", &number]).code, 0);
    let token = first["token"].as_str().expect("token");
    let rated = server.request(
        "POST",
        &format!("/v1/clients/acme/tickets/{number}/feedback"),
        &[
            ("Authorization", &format!("Bearer {token}")),
            ("Content-Type", "application/json"),
        ],
        br#"{"rating": 5, "comment": "Fixed, thanks"}"#,
    );
    assert!(rated.status < 300, "{}", rated.text());
    wait_until("failed attempts", Duration::from_secs(20), || {
        let rows = deliveries(&data);
        let failed = rows.iter().filter(|r| r[6] != "-").count();
        (failed == 6).then_some(())
    });
    // Long enough for some to fail twice.
    std::thread::sleep(Duration::from_secs(2));
    let _receiver = Receiver::start(port, SECRET, Duration::ZERO, log.clone());
    let rows = wait_until("every delivery delivered", Duration::from_secs(60), || {
        let rows = deliveries(&data);
        rows.iter()
            .all(|r| r[5].starts_with("delivered"))
            .then_some(rows)
    });
    let got = log.lock().expect("log").clone();
    assert!(got.iter().all(|r| r.signature_ok), "{got:?}");
    let mut by_id: BTreeMap<String, usize> = BTreeMap::new();
    for r in &got {
        *by_id.entry(r.delivery.clone()).or_default() += 1;
    }
    assert_eq!(by_id.len(), 7, "{got:?}");
    assert!(by_id.values().all(|n| *n == 1), "{by_id:?}");
    let events: Vec<(String, Value)> = got
        .iter()
        .map(|r| {
            (
                r.body["type"].as_str().unwrap_or("").to_string(),
                r.body["data"]["change"].clone(),
            )
        })
        .collect();
    assert_eq!(
        events.iter().filter(|(t, _)| t == "ticket.created").count(),
        4
    );
    assert!(events.contains(&(
        "ticket.updated".to_string(),
        json!({"type": "reply", "author": "agent", "body": "Try again now, please."})
    )));
    assert!(events.contains(&(
        "ticket.updated".to_string(),
        json!({"type": "status", "status": "resolved"})
    )));
    // `deliveries list` names each event's ticket.
    assert_eq!(
        rows.iter()
            .filter(|r| r[3] == number && r[2] == "webhook")
            .count(),
        4,
        "{rows:?}"
    );
    assert!(events.contains(&(
        "feedback.created".to_string(),
        json!({"rating": 5, "comment": "Fixed, thanks"})
    )));
    let attempts: i64 = rows.iter().map(|r| r[4].parse::<i64>().unwrap_or(0)).sum();
    println!(
        "webhook deliveries: sent {}, attempts {attempts}, retried {}, delivered {}, duplicates {}",
        rows.len(),
        attempts - i64::try_from(rows.len()).unwrap_or(0),
        by_id.len(),
        got.len() - by_id.len()
    );
}

fn hook(server: &Server, body: &Value, t: i64, secret: &str, delivery: &str) -> common::Reply {
    let body = body.to_string();
    let signature = format!("t={t},v1={}", hmac_hex(secret, t, body.as_bytes()));
    server.request(
        "POST",
        "/v1/hooks/helpdesk",
        &[
            ("Content-Type", "application/json"),
            ("LMS-Support-Signature", &signature),
            ("LMS-Support-Delivery", delivery),
        ],
        body.as_bytes(),
    )
}

#[test]
fn a_signed_helpdesk_hook_reaches_the_learner_and_forgeries_change_nothing() {
    let s = Scratch::new("webhooks", "inbound");
    for dir in ["www", "widget"] {
        std::fs::create_dir_all(s.path(dir)).expect("scratch dir");
    }
    let log = Arc::new(Mutex::new(Vec::new()));
    let _receiver = Receiver::start(0, SECRET, Duration::ZERO, log.clone());
    configure(&s, _receiver.port);
    let conf = s.path("conf");
    let server = Server::start(
        &s,
        &[
            "--config",
            conf.to_str().expect("utf-8"),
            "--rate-limit-hour",
            "0",
        ],
    );
    let created = file_ticket(&server, 1, "Quiz locked");
    let number = created["number"].as_str().expect("number").to_string();
    let token = created["token"].as_str().expect("token").to_string();
    let replies = || {
        let reply = server.get(
            &format!("/v1/clients/acme/tickets/{number}"),
            &[("Authorization", &format!("Bearer {token}"))],
        );
        assert_eq!(reply.status, 200, "{}", reply.text());
        reply.json()
    };
    let before = replies();
    let reply = json!({"client": "acme", "ticket": number, "type": "reply",
                       "author": "Dana (helpdesk)", "body": "Your quiz is unlocked."});
    let now = unix_now();

    // Forgeries: wrong key, six minutes old, no signature, unknown client.
    for (t, secret) in [
        (now, "not-the-secret-not-the-secret-xx"),
        (now - 360, HOOK_SECRET),
    ] {
        let refused = hook(&server, &reply, t, secret, "zd-1");
        assert_eq!(refused.status, 401, "{}", refused.text());
    }
    let mut other = reply.clone();
    other["client"] = json!("uni");
    assert_eq!(hook(&server, &other, now, HOOK_SECRET, "zd-1").status, 401);
    assert_eq!(replies(), before);

    let accepted = hook(&server, &reply, now, HOOK_SECRET, "zd-1");
    assert_eq!(accepted.status, 200, "{}", accepted.text());
    let after = replies();
    assert_eq!(after["status"], "pending", "{after}");
    let texts: Vec<&str> = after["replies"]
        .as_array()
        .expect("replies")
        .iter()
        .filter_map(|r| r["body"].as_str())
        .collect();
    assert_eq!(texts, ["Your quiz is unlocked."]);

    // A replay, even freshly signed, changes nothing.
    let replayed = hook(&server, &reply, unix_now(), HOOK_SECRET, "zd-1");
    assert_eq!(replayed.status, 401, "{}", replayed.text());
    assert_eq!(replies(), after);

    // Field errors; an unknown ticket.
    let status = json!({"client": "acme", "ticket": number, "type": "status", "status": "maybe"});
    assert_eq!(hook(&server, &status, now, HOOK_SECRET, "zd-2").status, 422);
    let missing =
        json!({"client": "acme", "ticket": "ACME-999999", "type": "status", "status": "resolved"});
    assert_eq!(
        hook(&server, &missing, now, HOOK_SECRET, "zd-3").status,
        404
    );
    let malformed = server.request("POST", "/v1/hooks/helpdesk", &[], b"{not json");
    assert_eq!(malformed.status, 400);

    // A status change resolves it, naming the ticket by the subject our e-mail gave it in the
    // helpdesk; the other receivers hear of the hook's reply.
    let subject = format!("[{number}] [high] Quiz locked");
    let resolve =
        json!({"client": "acme", "ticket": subject, "type": "status", "status": "resolved"});
    assert_eq!(
        hook(&server, &resolve, unix_now(), HOOK_SECRET, "zd-4").status,
        200
    );
    assert_eq!(replies()["status"], "resolved");
    wait_until(
        "ticket.updated for the hook's reply",
        Duration::from_secs(20),
        || {
            log.lock()
                .expect("log")
                .iter()
                .any(|r| r.body["data"]["change"]["author"] == "Dana (helpdesk)")
                .then_some(())
        },
    );
}

#[test]
fn an_escalated_ticket_is_told_to_webhooks_once() {
    let s = Scratch::new("webhooks", "escalation");
    for dir in ["www", "widget"] {
        std::fs::create_dir_all(s.path(dir)).expect("scratch dir");
    }
    let log = Arc::new(Mutex::new(Vec::new()));
    let receiver = Receiver::start(0, SECRET, Duration::ZERO, log.clone());
    configure(&s, receiver.port);
    let conf = s.path("conf");
    let server = Server::start(
        &s,
        &[
            "--config",
            conf.to_str().expect("utf-8"),
            "--rate-limit-hour",
            "0",
        ],
    );
    let filed = unix_now();
    let critical = file_ticket_at(&server, 1, "Platform down", "critical");
    let number = critical["number"].as_str().expect("number").to_string();
    file_ticket_at(&server, 2, "A question", "high");
    wait_until("ticket.created twice", Duration::from_secs(20), || {
        (log.lock().expect("log").len() == 2).then_some(())
    });
    // The agent's CLI escalates as of its clock: past the 1 h response target, then later
    // again, which must not tell the receiver a second time.
    let data = s.data();
    for minutes in [61, 180] {
        let at = lms_support_widget::time::Timestamp(filed + minutes * 60).to_string();
        let out = Output::of(
            lms_support()
                .args(["tickets", "--data"])
                .arg(&data)
                .arg("list")
                .env("LMS_SUPPORT_NOW", at),
        );
        assert_eq!(out.code, 0, "{}", out.stderr);
    }
    // Queued at the CLI's clock, hours ahead: make it due now.
    let out = Output::of(
        lms_support()
            .args(["deliveries", "retry", "--all", "--data"])
            .arg(&data),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    wait_until("the escalation event", Duration::from_secs(20), || {
        (log.lock().expect("log").len() >= 3).then_some(())
    });
    std::thread::sleep(Duration::from_secs(1));
    let got = log.lock().expect("log").clone();
    let escalations: Vec<&Received> = got
        .iter()
        .filter(|r| r.body["data"]["change"]["type"] == "escalated")
        .collect();
    assert_eq!(escalations.len(), 1, "{got:?}");
    let event = escalations[0];
    assert!(event.signature_ok, "{event:?}");
    assert_eq!(event.body["type"], "ticket.updated");
    assert_eq!(event.body["data"]["ticket"]["number"], number.as_str());
    assert_eq!(
        event.body["data"]["change"],
        json!({"type": "escalated", "level": 1,
               "reason": "not answered within its response target"})
    );
}
