//! Several instances, one PostgreSQL (issue 15): two real `lms-support serve` processes on one
//! database of a throwaway cluster (Debian's PostgreSQL 15, one cluster for this file, a
//! database per test). Whatever one instance knows, the other must: idempotency keys, ticket
//! numbers, rate-limit windows, the schedule.

mod common;

#[path = "common/pg_cluster.rs"]
mod pg_cluster;

#[path = "common/sinks.rs"]
mod sinks;

use common::{Reply, Scratch, Server};
use pg_cluster::{database_name, Cluster};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

fn scratch(name: &str) -> Scratch {
    let s = Scratch::new("postgres", name);
    for dir in ["www", "widget"] {
        std::fs::create_dir_all(s.path(dir)).expect("scratch dir");
    }
    s
}

fn key(n: u32) -> String {
    format!("{n:08x}-0000-4000-8000-0000000000aa")
}

fn ticket(subject: &str) -> Vec<u8> {
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
    .into_bytes()
}

fn create(server: &Server, n: u32) -> Reply {
    let key = key(n);
    server.request(
        "POST",
        "/v1/tickets",
        &[
            ("Content-Type", "application/json"),
            ("Idempotency-Key", key.as_str()),
        ],
        &ticket(&format!("ticket {n}")),
    )
}

/// Two instances on one fresh database, with `extra` flags; each has its own `--data` (which
/// holds only attachments on PostgreSQL).
fn two_instances(s: &Scratch, url: &str, extra: &[&str]) -> (Server, Server) {
    let start = |name: &str| {
        let data = s.path(name);
        let mut args: Vec<&str> = vec![
            "--database",
            url,
            "--data",
            data.to_str().expect("utf-8 path"),
        ];
        let (www, widget) = (s.path("www"), s.path("widget"));
        args.extend([
            "--static",
            www.to_str().expect("utf-8 path"),
            "--widget",
            widget.to_str().expect("utf-8 path"),
        ]);
        args.extend_from_slice(extra);
        Server::spawn(&args, s.path(&format!("{name}.log")))
    };
    (start("a"), start("b"))
}

/// Tickets sent to both instances in turn, each response "dropped" once and the key replayed
/// on the other instance: every ticket stored once, one number each, and the one client
/// address meets its limit (20 an hour) across both instances at the 21st new ticket.
#[test]
fn two_instances_share_keys_numbers_and_the_rate_limit() {
    let cluster = Cluster::shared();
    let url = cluster.fresh_database();
    let s = scratch("share");
    let (a, b) = two_instances(&s, &url, &[]);
    let mut numbers = BTreeMap::new();
    for n in 0..20u32 {
        let (first, other) = if n % 2 == 0 { (&a, &b) } else { (&b, &a) };
        let made = create(first, n);
        assert_eq!(made.status, 201, "ticket {n}: {}", made.text());
        // The learner never saw that answer (a dropped response): the outbox sends the same
        // key again, and the load balancer picks the other instance.
        let replay = create(other, n);
        assert_eq!(replay.status, 200, "replay {n}: {}", replay.text());
        assert_eq!(replay.json()["number"], made.json()["number"]);
        assert_eq!(replay.json()["token"], made.json()["token"]);
        numbers.insert(n, made.json()["number"].as_str().unwrap_or("").to_string());
    }
    // The 21st new ticket from the same address is refused, whichever instance takes it…
    for server in [&a, &b] {
        let refused = create(server, 20);
        assert_eq!(refused.status, 429, "{}", refused.text());
        let wait: u64 = refused
            .header("retry-after")
            .and_then(|v| v.parse().ok())
            .expect("Retry-After");
        assert!((3000..=3600).contains(&wait), "Retry-After {wait}");
    }
    // …while a replay of a stored ticket still gets through on both.
    assert_eq!(create(&a, 3).status, 200);
    assert_eq!(create(&b, 4).status, 200);

    let distinct: BTreeSet<&String> = numbers.values().collect();
    assert_eq!(distinct.len(), 20, "numbers given twice: {numbers:?}");
    let expected: BTreeSet<String> = (1..=20).map(|n| format!("ACME-{n:06}")).collect();
    assert_eq!(
        distinct.into_iter().cloned().collect::<BTreeSet<_>>(),
        expected
    );
    let db = database_name(&url);
    assert_eq!(
        cluster.psql(db, "SELECT count(*), count(DISTINCT seq) FROM tickets"),
        "20|20"
    );
    assert_eq!(cluster.psql(db, "SELECT count(*) FROM idempotency"), "20");
    // A learner follows the ticket on either instance.
    let made = create(&a, 0).json();
    let token = format!("Bearer {}", made["token"].as_str().unwrap_or(""));
    let number = made["number"].as_str().unwrap_or("");
    for server in [&a, &b] {
        let shown = server.get(
            &format!("/v1/tickets/{number}"),
            &[("Authorization", token.as_str())],
        );
        assert_eq!(shown.status, 200, "{}", shown.text());
        assert_eq!(shown.json()["subject"], "ticket 0");
    }
}

/// The same keys sent to both instances at the same moment, from many connections: each
/// stored once, both answers name it, and numbers stay unique and without gaps.
#[test]
fn the_same_key_on_both_instances_at_once_makes_one_ticket() {
    let cluster = Cluster::shared();
    let url = cluster.fresh_database();
    let s = scratch("race");
    let (a, b) = two_instances(
        &s,
        &url,
        &["--rate-limit-hour", "0", "--rate-limit-day", "0"],
    );
    let answers: Vec<(u32, u16, String)> = std::thread::scope(|scope| {
        let threads: Vec<_> = (0..8u32)
            .flat_map(|t| {
                let (a, b) = (&a, &b);
                [a, b].into_iter().map(move |server| {
                    scope.spawn(move || {
                        (0..15u32)
                            .map(|i| {
                                let n = 1000 + t * 15 + i;
                                let reply = create(server, n);
                                let number =
                                    reply.json()["number"].as_str().unwrap_or("").to_string();
                                (n, reply.status, number)
                            })
                            .collect::<Vec<_>>()
                    })
                })
            })
            .collect();
        threads
            .into_iter()
            .flat_map(|t| t.join().expect("client thread"))
            .collect()
    });
    let mut by_key: BTreeMap<u32, Vec<(u16, String)>> = BTreeMap::new();
    for (n, status, number) in answers {
        by_key.entry(n).or_default().push((status, number));
    }
    assert_eq!(by_key.len(), 120);
    for (n, pair) in &by_key {
        let mut statuses: Vec<u16> = pair.iter().map(|(s, _)| *s).collect();
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 201], "key {n}: {pair:?}");
        assert_eq!(pair[0].1, pair[1].1, "key {n}: two numbers");
    }
    let db = database_name(&url);
    assert_eq!(
        cluster.psql(
            db,
            "SELECT count(*), count(DISTINCT seq), min(seq), max(seq) FROM tickets"
        ),
        "120|120|1|120"
    );
}

/// A schedule change made with the CLI on the database (`maintenance add --database`) is
/// served by both instances on their next feed request, and so is the next one (a cancel).
#[test]
fn both_instances_serve_a_schedule_change_at_once() {
    let cluster = Cluster::shared();
    let url = cluster.fresh_database();
    let s = scratch("schedule");
    let conf = s.path("conf");
    let out = common::Output::of(common::lms_support().arg("demo-config").arg(&conf));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let conf_arg = conf.to_str().expect("utf-8 path");
    let (a, b) = two_instances(&s, &url, &["--config", conf_arg]);
    let before: Vec<String> = [&a, &b]
        .iter()
        .map(|server| {
            let feed = server.get("/v1/feed?client=uni", &[]);
            assert_eq!(feed.status, 200, "{}", feed.text());
            feed.header("etag").unwrap_or("").to_string()
        })
        .collect();
    assert_eq!(before[0], before[1], "both instances serve the same feed");
    let author = |args: &[&str]| {
        let out = common::Output::of(common::lms_support().args(args).args(["--database", &url]));
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
        out.stdout
    };
    author(&[
        "maintenance",
        "add",
        "--id",
        "mw-9",
        "--group",
        "eu-1",
        "--start",
        "2030-01-05 01:00",
        "--tz",
        "UTC",
        "--duration",
        "4h",
        "--title",
        "Database upgrade",
        "--severity",
        "major",
    ]);
    let served_by_both = |needle: &str| {
        let deadline = Instant::now() + Duration::from_secs(5);
        for server in [&a, &b] {
            loop {
                let feed = server.get("/v1/feed?client=uni", &[]);
                if feed.text().contains(needle) {
                    break;
                }
                assert!(
                    Instant::now() < deadline,
                    "{needle:?} not served within 5 s"
                );
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    };
    served_by_both("Database upgrade");
    author(&["maintenance", "cancel", "mw-9"]);
    served_by_both(r#""status":"cancelled""#);
    assert!(author(&["maintenance", "list"]).contains("mw-9"));
    let db = database_name(&url);
    assert_eq!(
        cluster.psql(
            db,
            "SELECT string_agg(action, ',' ORDER BY id) FROM audit_log"
        ),
        "maintenance.add,maintenance.cancel"
    );
    assert_eq!(
        cluster.psql(db, "SELECT version FROM schedule_version"),
        "2"
    );
}

/// The admin side on PostgreSQL, across two instances: a token made with `tokens create
/// --database` works on both; a window added through the admin API on one is listed, served
/// and audited by the other; a console session opened on one is good on the other until the
/// token is revoked; a signed helpdesk hook sent to one replies to the learner once, its
/// replay to the other refused. A `--database` that is not PostgreSQL is refused at start-up.
/// (Resolving a notice with its tickets runs on both engines in `tests/admin.rs`.)
#[test]
fn the_admin_api_console_and_hook_work_across_instances() {
    const HOOK_SECRET: &str = "hook_pg_fedcba9876543210fedcba98765432";
    let cluster = Cluster::shared();
    let url = cluster.fresh_database();
    let s = scratch("admin");
    let conf = s.path("conf");
    let out = common::Output::of(common::lms_support().arg("demo-config").arg(&conf));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let acme_path = conf.join("clients/acme.json");
    let mut acme: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&acme_path).expect("acme.json")).expect("json");
    acme["helpdesk_hook_secret"] = json!(HOOK_SECRET);
    std::fs::write(&acme_path, acme.to_string()).expect("write acme.json");
    let cli = |args: &[&str]| {
        common::Output::of(common::lms_support().args(args).args(["--database", &url]))
    };
    let made = cli(&["tokens", "create", "--name", "ops", "--scope", "admin"]);
    assert_eq!(made.code, 0, "{}", made.stderr);
    let secret = made.stdout.trim().to_string();
    let (a, b) = two_instances(&s, &url, &["--config", conf.to_str().expect("utf-8 path")]);
    let bearer = format!("Bearer {secret}");
    let auth = [
        ("Authorization", bearer.as_str()),
        ("Content-Type", "application/json"),
    ];

    let added = a.request(
        "POST",
        "/v1/admin/maintenance",
        &auth,
        json!({
            "id": "mw-api",
            "target": {"groups": ["eu-1"]},
            "title": {"en": "Exam platform upgrade"},
            "starts_at": "2030-01-05T01:00:00Z",
            "ends_at": "2030-01-05T03:00:00Z",
            "severity": "major"
        })
        .to_string()
        .as_bytes(),
    );
    assert_eq!(added.status, 201, "{}", added.text());
    let listed = b.get("/v1/admin/maintenance", &auth);
    assert_eq!(listed.status, 200, "{}", listed.text());
    assert_eq!(listed.json()["items"][0]["id"], "mw-api");
    assert!(b
        .get("/v1/feed?client=uni", &[])
        .text()
        .contains("Exam platform upgrade"));
    let refused = b.request(
        "POST",
        "/v1/admin/maintenance",
        &auth,
        br#"{"id": "mw-bad", "target": {"all": true}, "title": {"en": "No times"}}"#,
    );
    assert_eq!(refused.status, 422, "{}", refused.text());
    let audit = b.get("/v1/admin/audit", &auth);
    assert_eq!(audit.status, 200, "{}", audit.text());
    let actions: Vec<String> = audit.json()["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| {
            format!(
                "{} {}",
                e["actor"].as_str().unwrap_or(""),
                e["action"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert_eq!(actions[1..], ["ops maintenance.add"], "{actions:?}");
    assert!(actions[0].ends_with(" token.create"), "{actions:?}");

    // The console: signed in on one instance, recognised by the other.
    let origin_a = format!("http://{}", a.addr);
    let signed = a.request(
        "POST",
        "/admin/session",
        &[
            ("Origin", origin_a.as_str()),
            ("lms-support-console", "1"),
            ("Content-Type", "application/json"),
        ],
        json!({ "token": secret }).to_string().as_bytes(),
    );
    assert_eq!(signed.status, 201, "{}", signed.text());
    let cookie = signed
        .header("set-cookie")
        .and_then(|c| c.split(';').next())
        .expect("cookie")
        .to_string();
    let origin_b = format!("http://{}", b.addr);
    let as_console = [
        ("Cookie", cookie.as_str()),
        ("Origin", origin_b.as_str()),
        ("lms-support-console", "1"),
    ];
    let who = b.get("/admin/session", &as_console);
    assert_eq!(who.status, 200, "{}", who.text());
    assert_eq!(who.json()["name"], "ops");
    assert_eq!(b.get("/v1/admin/tickets", &as_console).status, 200);

    // The helpdesk hook: applied once, whichever instance gets it.
    let ticket = a.request(
        "POST",
        "/v1/clients/acme/tickets",
        &[
            ("Content-Type", "application/json"),
            ("Idempotency-Key", key(77).as_str()),
        ],
        &ticket("Quiz locked"),
    );
    assert_eq!(ticket.status, 201, "{}", ticket.text());
    let number = ticket.json()["number"].as_str().unwrap_or("").to_string();
    let body = json!({"client": "acme", "ticket": number, "type": "reply",
                      "author": "Dana (helpdesk)", "body": "Your quiz is unlocked."})
    .to_string();
    let t = i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .as_secs(),
    )
    .expect("time");
    let signature = format!(
        "t={t},v1={}",
        sinks::hmac_hex(HOOK_SECRET, t, body.as_bytes())
    );
    let send = |server: &Server| {
        server.request(
            "POST",
            "/v1/hooks/helpdesk",
            &[
                ("Content-Type", "application/json"),
                ("LMS-Support-Signature", signature.as_str()),
                ("LMS-Support-Delivery", "zd-77"),
            ],
            body.as_bytes(),
        )
    };
    let applied = send(&b);
    assert_eq!(applied.status, 200, "{}", applied.text());
    assert_eq!(send(&a).status, 401, "a replay on the other instance");
    let token = format!("Bearer {}", ticket.json()["token"].as_str().unwrap_or(""));
    let shown = a.get(
        &format!("/v1/clients/acme/tickets/{number}"),
        &[("Authorization", token.as_str())],
    );
    assert_eq!(shown.json()["replies"].as_array().map(Vec::len), Some(1));
    assert_eq!(shown.json()["replies"][0]["body"], "Your quiz is unlocked.");
    assert_eq!(shown.json()["status"], "pending");

    // Revoked on the database: refused by both, the console's session with it.
    let listed = cli(&["tokens", "list"]);
    assert!(
        listed.stdout.contains("\tops\tadmin\t"),
        "{}",
        listed.stdout
    );
    assert_eq!(cli(&["tokens", "revoke", "ops"]).code, 0);
    assert_eq!(a.get("/v1/admin/maintenance", &auth).status, 401);
    assert_eq!(b.get("/admin/session", &as_console).status, 401);

    let backup = cli(&["backup", "/tmp/unused-backup"]);
    assert_eq!(backup.code, 2, "{}", backup.stderr);
    assert!(
        backup.stderr.contains("pg_dump -Fc") && backup.stderr.contains("attachments"),
        "{}",
        backup.stderr
    );
    let bad = common::Output::of(
        common::lms_support()
            .args(["serve", "--addr", "127.0.0.1:0", "--database", "mysql://x"])
            .arg("--data")
            .arg(s.path("other")),
    );
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("not a PostgreSQL URL"),
        "{}",
        bad.stderr
    );
}

/// `migrate-to-postgres` copies a SQLite data directory: tickets keep their numbers, tokens,
/// replies and keys, the schedule comes along, the next ticket continues the sequence, and a
/// second run refuses to copy into a database that is no longer empty.
#[test]
fn a_sqlite_data_directory_moves_to_postgres() {
    let cluster = Cluster::shared();
    let url = cluster.fresh_database();
    let s = scratch("migrate");
    let data = s.data();
    let sqlite = Server::start(&s, &[]);
    let made: Vec<serde_json::Value> = (0..3).map(|n| create(&sqlite, n).json()).collect();
    drop(sqlite);
    let number = made[1]["number"].as_str().unwrap_or("").to_string();
    let cli = |args: &[&str]| {
        let out = common::Output::of(common::lms_support().args(args).arg("--data").arg(&data));
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
        out
    };
    cli(&["tickets", "reply", &number, "Fixed, please try again."]);
    cli(&[
        "maintenance",
        "add",
        "--id",
        "mw-move",
        "--start",
        "2030-01-05 01:00",
        "--tz",
        "UTC",
        "--duration",
        "2h",
        "--title",
        "Moving day",
    ]);

    let copied = cli(&["migrate-to-postgres", "--database", &url]);
    assert!(
        copied.stdout.contains("tickets: 3 rows"),
        "{}",
        copied.stdout
    );
    assert!(
        copied.stdout.contains("schedule: 1 rows"),
        "{}",
        copied.stdout
    );
    let again = common::Output::of(
        common::lms_support()
            .args(["migrate-to-postgres", "--database", &url])
            .arg("--data")
            .arg(&data),
    );
    assert_eq!(again.code, 1);
    assert!(
        again.stderr.contains("already has tickets"),
        "{}",
        again.stderr
    );

    // Served from PostgreSQL now, from the same --data (attachments).
    let server = Server::start(&s, &["--database", &url]);
    let token = format!("Bearer {}", made[1]["token"].as_str().unwrap_or(""));
    let shown = server.get(
        &format!("/v1/tickets/{number}"),
        &[("Authorization", token.as_str())],
    );
    assert_eq!(shown.status, 200, "{}", shown.text());
    assert_eq!(
        shown.json()["replies"][0]["body"],
        "Fixed, please try again."
    );
    assert_eq!(shown.json()["status"], "pending");
    // A replay of a key used before the move is still the same ticket…
    let replay = create(&server, 2);
    assert_eq!(replay.status, 200);
    assert_eq!(replay.json()["number"], made[2]["number"]);
    // …and the next new ticket continues the numbers.
    let next = create(&server, 3);
    assert_eq!(next.status, 201, "{}", next.text());
    assert_eq!(next.json()["number"], "ACME-000004");
    let db = database_name(&url);
    assert_eq!(
        cluster.psql(
            db,
            "SELECT entry::json->'title'->>'en', version FROM schedule, schedule_version"
        ),
        "Moving day|1"
    );
}

/// Every text field of `ticket::field::STORED` is stored on PostgreSQL and read back by the
/// other instance and by the agent's CLI (`tickets show --database`).
#[test]
fn every_stored_field_round_trips_on_postgres() {
    let cluster = Cluster::shared();
    let url = cluster.fresh_database();
    let s = scratch("every-field");
    let (a, b) = two_instances(&s, &url, &[]);
    let (body, values) = common::ticket_with_every_stored_field();
    let key = key(1);
    let made = a.request(
        "POST",
        "/v1/tickets",
        &[
            ("Content-Type", "application/json"),
            ("Idempotency-Key", key.as_str()),
        ],
        body.as_bytes(),
    );
    assert_eq!(made.status, 201, "{}", made.text());
    let number = made.json()["number"].as_str().unwrap_or("").to_string();
    let token = format!("Bearer {}", made.json()["token"].as_str().unwrap_or(""));
    let seen = b.get(
        &format!("/v1/tickets/{number}"),
        &[("Authorization", token.as_str())],
    );
    assert_eq!(seen.json()["subject"], "subject round trip");
    let shown = common::Output::of(
        common::lms_support()
            .args(["tickets", "show", &number])
            .args(["--database", &url]),
    );
    assert_eq!(shown.code, 0, "{}", shown.stderr);
    common::assert_shows_every_value(&shown.stdout, &values);
}

/// An agent works tickets on PostgreSQL with the same CLI (`tickets --database`): the learner
/// sees the reply through either instance and rates the resolved ticket once.
#[test]
fn an_agent_works_tickets_on_postgres() {
    let cluster = Cluster::shared();
    let url = cluster.fresh_database();
    let s = scratch("agent");
    let (a, b) = two_instances(&s, &url, &[]);
    let made = create(&a, 7).json();
    let number = made["number"].as_str().unwrap_or("").to_string();
    let cli = |args: &[&str]| {
        common::Output::of(
            common::lms_support()
                .arg("tickets")
                .args(args)
                .args(["--database", &url]),
        )
    };
    let listed = cli(&["list"]);
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    assert!(listed.stdout.contains(&number), "{}", listed.stdout);
    assert!(listed.stdout.contains("ticket 7"), "{}", listed.stdout);
    let replied = cli(&["reply", &number, "Fixed, please try again."]);
    assert_eq!(
        replied.stdout,
        format!("{number}: reply added; status pending\n")
    );
    assert_eq!(cli(&["resolve", &number]).code, 0);
    let shown = cli(&["show", &number]);
    assert!(
        shown.stdout.contains("Fixed, please try again."),
        "{}",
        shown.stdout
    );
    assert!(shown.stdout.contains("resolved"), "{}", shown.stdout);
    assert_eq!(cli(&["show", "ACME-000099"]).code, 1);

    let token = format!("Bearer {}", made["token"].as_str().unwrap_or(""));
    let seen = b.get(
        &format!("/v1/tickets/{number}"),
        &[("Authorization", token.as_str())],
    );
    assert_eq!(seen.json()["status"], "resolved");
    assert_eq!(
        seen.json()["replies"][0]["body"],
        "Fixed, please try again."
    );
    let rate = |server: &Server| {
        server.request(
            "POST",
            &format!("/v1/tickets/{number}/feedback"),
            &[
                ("Authorization", token.as_str()),
                ("Content-Type", "application/json"),
            ],
            br#"{"rating": 5, "comment": "Thanks"}"#,
        )
    };
    assert_eq!(rate(&b).status, 201);
    let again = rate(&a);
    assert_eq!(again.status, 409, "{}", again.text());
    assert_eq!(again.json()["errors"][0]["code"], "already_rated");
    assert_eq!(cli(&["close", &number]).code, 0);
    let closed = cli(&["reply", &number, "More?"]);
    assert_eq!(closed.code, 1);
    assert!(closed.stderr.contains("is closed"), "{}", closed.stderr);
}

/// Help events sent to both instances add up in the one database, and `report --database`
/// reads them there (issue 18 on PostgreSQL).
#[test]
fn help_event_counts_from_both_instances_add_up() {
    let cluster = Cluster::shared();
    let url = cluster.fresh_database();
    let s = scratch("help-events");
    let demo = common::Output::of(common::lms_support().arg("demo-feed"));
    let mut feed: serde_json::Value = serde_json::from_str(&demo.stdout).expect("demo feed");
    feed["support"]["help_events"] = json!(true);
    let path = s.path("feed.json");
    std::fs::write(&path, feed.to_string()).expect("write feed");
    let (a, b) = two_instances(&s, &url, &["--feed", path.to_str().expect("utf-8")]);
    let batch = |ticket: bool| {
        json!({"events": [
            {"type": "answer_opened", "faq": "reset-password"},
            {"type": "session_ended", "ticket": ticket}
        ]})
        .to_string()
    };
    for (server, ticket) in [(&a, true), (&b, false), (&a, false)] {
        let sent = server.request(
            "POST",
            "/v1/events",
            &[("Content-Type", "text/plain;charset=UTF-8")],
            batch(ticket).as_bytes(),
        );
        assert_eq!(sent.status, 204, "{}", sent.text());
    }
    let out = common::Output::of(common::lms_support().args([
        "report",
        "--since",
        "2000-01-01",
        "--json",
        "--database",
        &url,
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let report: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON report");
    assert_eq!(report["sessions"], 3);
    assert_eq!(report["sessions_with_ticket"], 1);
}

/// The receivers' secret in [`two_instances_deliver_each_message_once`].
const WEBHOOK_SECRET: &str = "whsec_pg_0123456789abcdef0123456789ab";

/// Two instances on one database both run the delivery worker: the helpdesk e-mail and the
/// `ticket.created` webhook of tickets filed on either, and the learner's e-mail and the
/// `ticket.updated` webhook of an agent's reply (`tickets reply --database`), each reach the
/// real SMTP server or the webhook receiver exactly once, and `deliveries list --database`
/// shows every one delivered. The receiver takes a moment per POST, as a real one does, so
/// both workers find the same messages due at the same time: only the claim keeps them from
/// both sending them.
#[test]
fn two_instances_deliver_each_message_once() {
    let cluster = Cluster::shared();
    let url = cluster.fresh_database();
    let s = scratch("deliveries");
    let mail = s.path("mail");
    std::fs::create_dir_all(&mail).expect("mail dir");
    let port = sinks::free_port();
    let _sink = sinks::Sink::start(port, &mail);
    let posts = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let _receiver =
        sinks::Receiver::start(0, WEBHOOK_SECRET, Duration::from_millis(20), posts.clone());
    let conf = s.path("conf");
    let out = common::Output::of(common::lms_support().arg("demo-config").arg(&conf));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let acme_path = conf.join("clients/acme.json");
    let mut acme: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&acme_path).expect("acme.json")).expect("json");
    acme["webhooks"] = json!([{
        "url": format!("http://127.0.0.1:{}/hook", _receiver.port),
        "secret": WEBHOOK_SECRET,
        "events": ["ticket.created", "ticket.updated"],
    }]);
    std::fs::write(&acme_path, acme.to_string()).expect("write acme.json");
    let smtp = format!("smtp://127.0.0.1:{port}");
    let (a, b) = two_instances(
        &s,
        &url,
        &[
            "--config",
            conf.to_str().expect("utf-8 path"),
            "--smtp",
            &smtp,
            "--rate-limit-hour",
            "0",
        ],
    );
    const TICKETS: u32 = 20;
    let mut numbers = Vec::new();
    for n in 0..TICKETS {
        let server = if n % 2 == 0 { &a } else { &b };
        let key = key(n);
        let made = server.request(
            "POST",
            "/v1/clients/acme/tickets",
            &[
                ("Content-Type", "application/json"),
                ("Idempotency-Key", key.as_str()),
            ],
            &ticket(&format!("ticket {n}")),
        );
        assert_eq!(made.status, 201, "{}", made.text());
        numbers.push(made.json()["number"].as_str().unwrap_or("").to_string());
    }
    let replied = common::Output::of(common::lms_support().args([
        "tickets",
        "reply",
        &numbers[0],
        "Fixed, please try again.",
        "--database",
        &url,
    ]));
    assert_eq!(replied.code, 0, "{}", replied.stderr);

    // Per ticket an e-mail and a webhook; the reply adds one of each.
    let expected = 2 * TICKETS as usize + 2;
    let list = || {
        let out = common::Output::of(common::lms_support().args([
            "deliveries",
            "list",
            "--database",
            &url,
        ]));
        assert_eq!(out.code, 0, "{}", out.stderr);
        out.stdout
            .lines()
            .skip(1)
            .map(|l| l.split('\t').map(str::to_string).collect::<Vec<_>>())
            .collect::<Vec<_>>()
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    let rows = loop {
        let rows = list();
        if rows.len() == expected && rows.iter().all(|r| r[5].starts_with("delivered")) {
            break rows;
        }
        assert!(Instant::now() < deadline, "not all delivered: {rows:?}");
        std::thread::sleep(Duration::from_millis(200));
    };
    // A moment for a second sender, if there were one, to finish its sends too.
    std::thread::sleep(Duration::from_secs(1));

    let messages = sinks::received(&mail);
    let mut ids: Vec<&str> = messages
        .iter()
        .map(|m| m["headers"]["message-id"].as_str().unwrap_or(""))
        .collect();
    ids.sort_unstable();
    let total = ids.len();
    ids.dedup();
    let posted = posts.lock().expect("posts").clone();
    let mut deliveries: Vec<&str> = posted.iter().map(|p| p.delivery.as_str()).collect();
    deliveries.sort_unstable();
    let posted_total = deliveries.len();
    deliveries.dedup();
    let sent_by = |server: &Server| server.logs().matches("msg=delivered ").count();
    println!(
        "two instances' deliveries: {expected} queued, e-mails received {total} ({} distinct), webhooks received {posted_total} ({} distinct); sent by a {}, by b {}",
        ids.len(),
        deliveries.len(),
        sent_by(&a),
        sent_by(&b)
    );
    assert_eq!(total, TICKETS as usize + 1, "each e-mail exactly once");
    assert_eq!(ids.len(), total, "an e-mail was sent twice");
    assert_eq!(
        posted_total,
        TICKETS as usize + 1,
        "each webhook exactly once"
    );
    assert_eq!(deliveries.len(), posted_total, "a webhook was sent twice");
    assert!(posted.iter().all(|p| p.signature_ok), "{posted:?}");

    let mut subjects: Vec<String> = messages
        .iter()
        .map(|m| m["headers"]["subject"].as_str().unwrap_or("").to_string())
        .collect();
    subjects.sort();
    let mut wanted: Vec<String> = (0..TICKETS)
        .map(|n| format!("[{}] [routine] ticket {n}", numbers[n as usize]))
        .collect();
    let learner = messages
        .iter()
        .find(|m| m["rcpt_tos"] == json!(["ana@example.edu"]))
        .expect("the learner's e-mail");
    wanted.push(
        learner["headers"]["subject"]
            .as_str()
            .unwrap_or("")
            .to_string(),
    );
    wanted.sort();
    assert_eq!(subjects, wanted);
    assert!(
        learner["text"]
            .as_str()
            .is_some_and(|t| t.contains("Fixed, please try again.")),
        "{learner}"
    );
    let updated: Vec<&sinks::Received> = posted
        .iter()
        .filter(|p| p.body["type"] == "ticket.updated")
        .collect();
    assert_eq!(updated.len(), 1, "{posted:?}");
    assert_eq!(
        updated[0].body["data"]["ticket"]["number"],
        numbers[0].as_str()
    );
    // The list names each message's ticket and the id it was sent with.
    let listed_ids: BTreeSet<&str> = rows.iter().map(|r| r[7].as_str()).collect();
    assert!(ids.iter().all(|id| listed_ids.contains(id)), "{rows:?}");
    assert!(
        deliveries.iter().all(|id| listed_ids.contains(id)),
        "{rows:?}"
    );
}
