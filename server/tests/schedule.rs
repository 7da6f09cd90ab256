//! The shared schedule from the CLI (`lms-support maintenance …`, `notice …`), against the real
//! binary and the real SQLite file: times in a zone with the feed's DST rule, revisions, the
//! audit log, messages word for word, and resolving a notice together with its tickets (that
//! one on SQLite and on a real PostgreSQL too, `--database`).
//!
//! Runs natively (`cargo test -p lms-support-server --test schedule`).

mod common;

#[path = "common/pg_cluster.rs"]
mod pg_cluster;

#[path = "common/engines.rs"]
#[macro_use]
mod engines;

use common::{lms_support, Output, Scratch, Server};
use engines::Engine;
use serde_json::{json, Value};
use std::path::Path;

on_both_engines!(resolving_a_notice_answers_and_resolves_its_open_tickets);

/// `lms-support KIND --data DATA ARGS…` as user `ana`, at a fixed clock.
fn cli(data: &Path, kind: &str, args: &[&str]) -> Output {
    cli_on(&Engine::Sqlite, data, kind, args)
}

/// [`cli`] on `engine`'s store.
fn cli_on(engine: &Engine, data: &Path, kind: &str, args: &[&str]) -> Output {
    Output::of(
        lms_support()
            .arg(kind)
            .arg("--data")
            .arg(data)
            .args(engine.args())
            .args(args)
            .env("USER", "ana")
            .env("LMS_SUPPORT_NOW", "2026-12-01T09:00:00Z"),
    )
}

fn maintenance(data: &Path, args: &[&str]) -> Output {
    cli(data, "maintenance", args)
}

fn notice(data: &Path, args: &[&str]) -> Output {
    cli(data, "notice", args)
}

/// Asserts a successful run printed exactly `stdout`.
fn ok(out: &Output, stdout: &str) {
    assert_eq!(
        (out.code, out.stdout.as_str(), out.stderr.as_str()),
        (0, stdout, "")
    );
}

/// Asserts a failed run with this exit status printed exactly `stderr` and nothing else.
fn refused(out: &Output, code: i32, stderr: &str) {
    assert_eq!(
        (out.code, out.stdout.as_str(), out.stderr.as_str()),
        (code, "", stderr)
    );
}

#[test]
fn wall_clock_starts_follow_the_feeds_dst_rule() {
    let s = Scratch::new("schedule", "dst");
    let data = s.data();
    let add = |start: &str| {
        maintenance(
            &data,
            &[
                "add",
                "--group",
                "eu-1",
                "--start",
                start,
                "--tz",
                "America/New_York",
                "--duration",
                "1h30m",
                "--title",
                "Upgrade",
            ],
        )
    };
    // Standard time: 01:00 EST is 06:00Z.
    ok(
        &add("2026-12-13 01:00"),
        "mw-1 added for group eu-1: 2026-12-13T06:00:00Z to 2026-12-13T07:30:00Z, revision 1\n",
    );
    // 02:30 does not exist on 8 March (clocks jump 02:00 → 03:00): moved forward by the gap,
    // to 03:30 EDT.
    ok(
        &add("2026-03-08 02:30"),
        "mw-2 added for group eu-1: 2026-03-08T07:30:00Z to 2026-03-08T09:00:00Z, revision 1\n",
    );
    // 01:30 happens twice on 1 November: the earlier, 01:30 EDT.
    ok(
        &add("2026-11-01 01:30"),
        "mw-3 added for group eu-1: 2026-11-01T05:30:00Z to 2026-11-01T07:00:00Z, revision 1\n",
    );
}

#[test]
fn update_extend_and_cancel_make_new_revisions() {
    let s = Scratch::new("schedule", "revisions");
    let data = s.data();
    ok(
        &maintenance(
            &data,
            &[
                "add",
                "--id",
                "dec-upgrade",
                "--client",
                "acme",
                "--client",
                "uni",
                "--start",
                "2026-12-13 06:00",
                "--duration",
                "6h",
                "--title",
                "Planned upgrade",
                "--title-in",
                "es=Actualización programada",
                "--notice-days",
                "10",
            ],
        ),
        "dec-upgrade added for client acme, uni: 2026-12-13T06:00:00Z to 2026-12-13T12:00:00Z, revision 1\n",
    );
    // The same title again changes nothing a learner sees: no new revision.
    ok(
        &maintenance(
            &data,
            &["update", "dec-upgrade", "--title", "Planned upgrade"],
        ),
        "dec-upgrade updated: revision 1\n",
    );
    // A new start keeps the length.
    ok(
        &maintenance(
            &data,
            &["update", "dec-upgrade", "--start", "2026-12-13 07:00"],
        ),
        "dec-upgrade updated: revision 2\n",
    );
    ok(
        &maintenance(&data, &["extend", "dec-upgrade", "--by", "2h"]),
        "dec-upgrade extended: ends 2026-12-13T15:00:00Z, revision 3\n",
    );
    refused(
        &maintenance(
            &data,
            &["extend", "dec-upgrade", "--until", "2026-12-13 14:00"],
        ),
        1,
        "the new end 2026-12-13T14:00:00Z must be later than the current end 2026-12-13T15:00:00Z\n",
    );
    ok(
        &maintenance(&data, &["list"]),
        "ID           REV  STATUS     TARGET            STARTS                ENDS                  TITLE\n\
         dec-upgrade  3    scheduled  client acme, uni  2026-12-13T07:00:00Z  2026-12-13T15:00:00Z  Planned upgrade\n",
    );
    ok(
        &maintenance(&data, &["cancel", "dec-upgrade"]),
        "dec-upgrade cancelled: revision 4\n",
    );
    refused(
        &maintenance(&data, &["extend", "dec-upgrade", "--by", "1h"]),
        1,
        "maintenance window \"dec-upgrade\" is cancelled; it cannot change\n",
    );
    // The stored entry is a feed entry the widget reads: the core parses it back.
    let conn = rusqlite::Connection::open(data.join("support.db")).expect("db");
    let entry: String = conn
        .query_row(
            "SELECT entry FROM schedule WHERE id = 'dec-upgrade'",
            [],
            |r| r.get(0),
        )
        .expect("row");
    let entry: Value = serde_json::from_str(&entry).expect("json");
    assert_eq!(
        entry,
        json!({
            "id": "dec-upgrade", "revision": 4, "status": "cancelled",
            "starts_at": "2026-12-13T07:00:00Z", "ends_at": "2026-12-13T15:00:00Z",
            "notice_days": 10, "severity": "major",
            "title": {"en": "Planned upgrade", "es": "Actualización programada"}
        })
    );
}

#[test]
fn mistakes_are_refused_word_for_word() {
    let s = Scratch::new("schedule", "mistakes");
    let data = s.data();
    let add = |extra: &[&str]| {
        let mut args = vec!["add", "--start", "2026-12-13 01:00", "--duration", "6h"];
        args.extend_from_slice(extra);
        maintenance(&data, &args)
    };
    refused(
        &add(&["--tz", "America/NewYork", "--title", "X"]),
        2,
        "unknown time zone \"America/NewYork\"\n",
    );
    refused(
        &add(&["--client", "acme", "--group", "eu-1", "--title", "X"]),
        2,
        "give --client or --group, not both\n",
    );
    refused(&add(&[]), 2, "--title is required\n");
    refused(
        &add(&["--title", "X", "--severity", "huge"]),
        1,
        "\"severity\" must be \"info\", \"minor\", \"major\" or \"critical\", not \"huge\"\n",
    );
    refused(
        &add(&["--title", "X", "--group", "eu 1"]),
        1,
        "\"eu 1\" is not a valid id: use 1 to 64 letters, digits, '-', '_' or '.'\n",
    );
    refused(
        &add(&["--title", "X", "--title-in", "Mantenimiento"]),
        2,
        "--title-in must be LANG=TEXT, like es=\"Mantenimiento\", not \"Mantenimiento\"\n",
    );
    refused(
        &maintenance(
            &data,
            &[
                "add",
                "--start",
                "13/12/2026 01:00",
                "--duration",
                "6h",
                "--title",
                "X",
            ],
        ),
        2,
        "--start must be a local time like \"2026-12-13 01:00\", not \"13/12/2026 01:00\"\n",
    );
    refused(
        &maintenance(
            &data,
            &[
                "add",
                "--start",
                "2026-12-13 01:00",
                "--duration",
                "6 hours",
                "--title",
                "X",
            ],
        ),
        2,
        "--duration must be a length like 6h, 90m or 1h30m, not \"6 hours\"\n",
    );
    refused(
        &maintenance(&data, &["cancel", "nope"]),
        1,
        "no maintenance window \"nope\"\n",
    );
    ok(
        &add(&["--id", "x1", "--title", "X"]),
        "x1 added for all clients: 2026-12-13T01:00:00Z to 2026-12-13T07:00:00Z, revision 1\n",
    );
    refused(
        &add(&["--id", "x1", "--title", "Y"]),
        1,
        "a maintenance window or notice \"x1\" already exists\n",
    );
    // A notice is not a window.
    refused(&notice(&data, &["resolve", "x1"]), 1, "no notice \"x1\"\n");
    ok(&maintenance(&data, &["list"]), "ID  REV  STATUS     TARGET       STARTS                ENDS                  TITLE\nx1  1    scheduled  all clients  2026-12-13T01:00:00Z  2026-12-13T07:00:00Z  X\n");
}

/// at, actor, action, target_kind, target_id, before, after.
type AuditRow = (i64, String, String, String, String, Option<String>, String);

#[test]
fn every_change_is_audited_with_who_before_and_after() {
    let s = Scratch::new("schedule", "audit");
    let data = s.data();
    ok(
        &maintenance(
            &data,
            &[
                "add",
                "--group",
                "eu-1",
                "--start",
                "2026-12-13 06:00",
                "--duration",
                "6h",
                "--title",
                "Upgrade",
            ],
        ),
        "mw-1 added for group eu-1: 2026-12-13T06:00:00Z to 2026-12-13T12:00:00Z, revision 1\n",
    );
    ok(
        &maintenance(&data, &["extend", "mw-1", "--by", "1h"]),
        "mw-1 extended: ends 2026-12-13T13:00:00Z, revision 2\n",
    );
    // A refused change leaves no trace.
    assert_eq!(
        maintenance(&data, &["extend", "mw-1", "--by", "0h"]).code,
        2
    );
    ok(
        &notice(
            &data,
            &["post", "--client", "acme", "--title", "Video is slow"],
        ),
        "notice-1 posted for client acme, revision 1\n",
    );
    ok(
        &notice(&data, &["resolve", "notice-1"]),
        "notice-1 resolved\n",
    );

    let conn = rusqlite::Connection::open(data.join("support.db")).expect("db");
    let rows: Vec<AuditRow> = conn
        .prepare("SELECT at, actor, action, target_kind, target_id, before, after FROM audit_log ORDER BY id")
        .expect("prepare")
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?))
        })
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    let summary: Vec<(&str, &str, &str, &str)> = rows
        .iter()
        .map(|r| (r.1.as_str(), r.2.as_str(), r.3.as_str(), r.4.as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            ("cli:ana", "maintenance.add", "maintenance", "mw-1"),
            ("cli:ana", "maintenance.extend", "maintenance", "mw-1"),
            ("cli:ana", "notice.post", "notice", "notice-1"),
            ("cli:ana", "notice.resolve", "notice", "notice-1"),
        ]
    );
    // 2026-12-01T09:00:00Z, the clock the CLI ran at.
    assert!(rows.iter().all(|r| r.0 == 1_796_115_600));
    assert_eq!(rows[0].5, None);
    let json = |text: &str| serde_json::from_str::<Value>(text).expect("json");
    let before = json(rows[1].5.as_deref().expect("before"));
    let after = json(&rows[1].6);
    assert_eq!(
        (
            &before["entry"]["ends_at"],
            &before["revision"],
            &after["entry"]["ends_at"],
            &after["revision"]
        ),
        (
            &json!("2026-12-13T12:00:00Z"),
            &json!(1),
            &json!("2026-12-13T13:00:00Z"),
            &json!(2)
        )
    );
    assert_eq!(after["target"], json!({"groups": ["eu-1"]}));
    assert_eq!(
        json(&rows[3].6)["status"],
        json!("resolved"),
        "the resolution is recorded"
    );
}

/// A scratch tree with the (empty) `www` and `widget` dirs that `Server::start` serves.
fn served(name: &str) -> Scratch {
    let s = Scratch::new("schedule", name);
    for dir in ["www", "widget"] {
        std::fs::create_dir_all(s.path(dir)).expect("scratch dir");
    }
    s
}

fn file_ticket(server: &Server, n: u32, active_items: Option<&str>) -> (String, String) {
    let mut context = json!({"page": "https://lms.example.edu/course/view.php"});
    if let Some(ids) = active_items {
        context["active_items"] = json!(ids);
    }
    let body = json!({
        "subject": format!("Videos do not play {n}"),
        "description": "The lecture video spins forever.",
        "priority": "high",
        "category": "content",
        "email": "ana@example.edu",
        "context": context,
        "honeypot": ""
    })
    .to_string();
    let key = format!("{n:08x}-0000-4000-8000-00000000abcd");
    let reply = server.request(
        "POST",
        "/v1/tickets",
        &[
            ("Content-Type", "application/json"),
            ("Idempotency-Key", &key),
        ],
        body.as_bytes(),
    );
    assert_eq!(reply.status, 201, "{}", reply.text());
    let v = reply.json();
    (
        v["number"].as_str().expect("number").to_string(),
        v["token"].as_str().expect("token").to_string(),
    )
}

fn resolving_a_notice_answers_and_resolves_its_open_tickets(engine: &Engine) {
    let s = served(&format!("resolve-{}", engine.name()));
    let data = s.data();
    let mut args = engine.args();
    args.extend(["--ticket-prefix", "ACME"]);
    let server = Server::start(&s, &args);
    let notice = |data: &Path, args: &[&str]| cli_on(engine, data, "notice", args);
    ok(
        &notice(
            &data,
            &[
                "post",
                "--id",
                "inc-7",
                "--client",
                "acme",
                "--title",
                "Video is slow",
            ],
        ),
        "inc-7 posted for client acme, revision 1\n",
    );
    let (first, token) = file_ticket(&server, 1, Some("mw-2, inc-7"));
    let (second, _) = file_ticket(&server, 2, Some("inc-7"));
    let (unrelated, _) = file_ticket(&server, 3, None);
    assert_eq!(
        [first.as_str(), second.as_str(), unrelated.as_str()],
        ["ACME-000001", "ACME-000002", "ACME-000003"]
    );
    // An agent closed the second one already: it stays closed.
    let agent = |args: &[&str]| cli_on(engine, &data, "tickets", args);
    assert_eq!(agent(&["close", "ACME-000002"]).code, 0);
    let listed = agent(&["list", "--notice", "inc-7"]);
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    let numbers: Vec<&str> = listed
        .stdout
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(numbers, ["ACME-000001", "ACME-000002"]);

    refused(
        &notice(&data, &["resolve", "inc-7", "--resolve-tickets"]),
        1,
        "resolving the notice's tickets needs a message for the learners\n",
    );
    ok(
        &notice(
            &data,
            &[
                "resolve",
                "inc-7",
                "--message",
                "Video playback is fast again. Sorry for the trouble.",
                "--resolve-tickets",
            ],
        ),
        "inc-7 resolved; 1 ticket resolved: ACME-000001\n",
    );
    // The learner sees the answer in My tickets, resolved, and can rate it.
    let auth = format!("Bearer {token}");
    let shown = server
        .get("/v1/tickets/ACME-000001", &[("Authorization", &auth)])
        .json();
    assert_eq!(shown["status"], "resolved");
    assert_eq!(
        shown["replies"][0]["body"],
        "Video playback is fast again. Sorry for the trouble."
    );
    let rated = server.request(
        "POST",
        "/v1/tickets/ACME-000001/feedback",
        &[
            ("Authorization", &auth),
            ("Content-Type", "application/json"),
        ],
        br#"{"rating": 5, "comment": ""}"#,
    );
    assert_eq!(rated.status, 201, "{}", rated.text());
    let status = |number: &str| {
        let out = agent(&["show", number]);
        out.stdout.lines().next().unwrap_or_default().to_string()
    };
    assert_eq!(status("ACME-000002"), "ACME-000002  closed  high");
    assert_eq!(status("ACME-000003"), "ACME-000003  open  high");
    // The audit log names the tickets resolved and the message they got.
    let sql = "SELECT actor || ' ' || after FROM audit_log WHERE action = 'tickets.resolve'";
    let row = engine.query_text(&data, sql, sql);
    let (actor, after) = row.split_once(' ').expect("actor and after");
    assert_eq!(actor, "cli:ana");
    assert_eq!(
        serde_json::from_str::<Value>(after).expect("json"),
        json!({"message": "Video playback is fast again. Sorry for the trouble.", "tickets": ["ACME-000001"]})
    );
    refused(
        &notice(&data, &["resolve", "inc-7"]),
        1,
        "notice \"inc-7\" is resolved; it cannot change\n",
    );
}
