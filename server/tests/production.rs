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
    assert_eq!(server.get("/healthz", &[]).status, 200);
}
