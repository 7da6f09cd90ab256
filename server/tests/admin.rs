//! The admin API (`/v1/admin/…`) and its tokens (`lms-support tokens …`), against the real
//! binary on a free loopback port, on each store: the real SQLite file, and a real PostgreSQL
//! (`on_sqlite::…`, `on_postgres::…`).
//!
//! Runs natively (`cargo test -p lms-support-server --test admin`).

mod common;

#[path = "common/pg_cluster.rs"]
mod pg_cluster;

#[path = "common/engines.rs"]
#[macro_use]
mod engines;

use common::{lms_support, Output, Reply, Scratch, Server};
use engines::Engine;
use serde_json::{json, Value};
use std::path::Path;

fn scratch(engine: &Engine, name: &str) -> Scratch {
    let s = Scratch::new("admin", &format!("{name}-{}", engine.name()));
    for dir in ["www", "widget"] {
        std::fs::create_dir_all(s.path(dir)).expect("scratch dir");
    }
    s
}

on_both_engines!(
    tokens_are_scoped_and_revocable,
    windows_and_notices_through_the_api_with_an_audit_trail,
    a_new_revision_changes_the_clients_feed_etag,
    resolving_a_notice_resolves_its_open_tickets_and_tells_each_learner,
);

/// `lms-support tokens --data DATA ARGS…` on `engine`'s store, as user `ana`.
fn tokens(engine: &Engine, data: &Path, args: &[&str]) -> Output {
    Output::of(
        lms_support()
            .arg("tokens")
            .arg("--data")
            .arg(data)
            .args(engine.args())
            .args(args)
            .env("USER", "ana"),
    )
}

/// A new token with these scopes; the secret is the whole of stdout.
fn token(engine: &Engine, data: &Path, name: &str, scopes: &[&str]) -> String {
    let mut args = vec!["create", "--name", name];
    for scope in scopes {
        args.extend(["--scope", scope]);
    }
    let out = tokens(engine, data, &args);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("shown only this once"),
        "{}",
        out.stderr
    );
    let secret = out.stdout.trim_end().to_string();
    assert!(secret.starts_with("lms_") && secret.len() == 68, "{secret}");
    secret
}

/// An admin request with a bearer token and, for a body, JSON.
fn call(
    server: &Server,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> Reply {
    let auth = token.map(|t| format!("Bearer {t}"));
    let mut headers: Vec<(&str, &str)> = Vec::new();
    if let Some(auth) = &auth {
        headers.push(("Authorization", auth));
    }
    if body.is_some() {
        headers.push(("Content-Type", "application/json"));
    }
    server.request(method, path, &headers, body.unwrap_or("").as_bytes())
}

fn codes(reply: &Reply) -> Vec<(String, String)> {
    reply.json()["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("no errors in {}", reply.text()))
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap_or("").to_string(),
                e["code"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn pair(field: &str, code: &str) -> Vec<(String, String)> {
    vec![(field.to_string(), code.to_string())]
}

/// The audit log's entries about `target`, oldest first.
fn audit_of(server: &Server, token: &str, target: &str) -> Vec<Value> {
    let path = format!("/v1/admin/audit?target={target}");
    let audit = call(server, "GET", &path, Some(token), None);
    assert_eq!(audit.status, 200, "{}", audit.text());
    audit.json()["entries"]
        .as_array()
        .cloned()
        .expect("entries")
}

/// Who did what, per entry.
fn actions_of(entries: &[Value]) -> Vec<(&str, &str)> {
    entries
        .iter()
        .map(|e| {
            (
                e["actor"].as_str().unwrap_or(""),
                e["action"].as_str().unwrap_or(""),
            )
        })
        .collect()
}

fn window() -> Value {
    json!({
        "id": "upgrade-dec",
        "target": {"groups": ["eu-1"]},
        "title": {"en": "Platform upgrade"},
        "starts_at": "2026-12-13T01:00:00Z",
        "ends_at": "2026-12-13T07:00:00Z",
        "severity": "major"
    })
}

/// `serve` on the scratch tree and `engine`'s store, plus `extra` flags.
fn start(s: &Scratch, engine: &Engine, extra: &[&str]) -> Server {
    let mut args = engine.args();
    args.extend_from_slice(extra);
    Server::start(s, &args)
}

fn tokens_are_scoped_and_revocable(engine: &Engine) {
    let s = scratch(engine, "scopes");
    let data = s.data();
    let schedule = token(engine, &data, "deploy-bot", &["schedule"]);
    let desk = token(engine, &data, "helpdesk", &["tickets"]);
    let root = token(engine, &data, "root", &["admin"]);
    // Only the hash is stored: neither the secret nor its hex digits are in the table.
    let hex = &schedule[4..];
    let leaked = engine.query_text(
        &data,
        &format!("SELECT COUNT(*) FROM admin_tokens WHERE CAST(token_hash AS TEXT) LIKE '%{hex}%' OR hex(token_hash) LIKE '%{hex}%'"),
        &format!("SELECT COUNT(*) FROM admin_tokens WHERE encode(token_hash, 'escape') LIKE '%{hex}%' OR encode(token_hash, 'hex') LIKE '%{hex}%'"),
    );
    assert_eq!(leaked, "0");
    assert_eq!(
        engine.query_text(
            &data,
            "SELECT COUNT(*) FROM admin_tokens",
            "SELECT COUNT(*) FROM admin_tokens"
        ),
        "3",
        "the tokens are in this engine's store"
    );
    let server = start(&s, engine, &[]);

    // No token, a made-up one: 401 with a Bearer challenge.
    for token in [None, Some("lms_0000")] {
        let reply = call(&server, "GET", "/v1/admin/maintenance", token, None);
        assert_eq!(reply.status, 401, "{token:?}");
        assert!(reply
            .header("www-authenticate")
            .unwrap_or("")
            .starts_with("Bearer"));
        assert_eq!(reply.header("access-control-allow-origin"), None);
    }
    // A schedule token cannot read tickets or the audit log; a tickets token cannot author.
    assert_eq!(
        call(
            &server,
            "GET",
            "/v1/admin/maintenance",
            Some(&schedule),
            None
        )
        .status,
        200
    );
    let forbidden = call(&server, "GET", "/v1/admin/tickets", Some(&schedule), None);
    assert_eq!(forbidden.status, 403);
    assert_eq!(
        codes(&forbidden),
        pair("authorization", "insufficient_scope")
    );
    assert_eq!(
        call(&server, "GET", "/v1/admin/audit", Some(&schedule), None).status,
        403
    );
    assert_eq!(
        call(&server, "GET", "/v1/admin/tickets", Some(&desk), None).status,
        200
    );
    let body = window().to_string();
    assert_eq!(
        call(
            &server,
            "POST",
            "/v1/admin/maintenance",
            Some(&desk),
            Some(&body)
        )
        .status,
        403
    );
    // admin may do everything.
    assert_eq!(
        call(&server, "GET", "/v1/admin/tickets", Some(&root), None).status,
        200
    );
    assert_eq!(
        call(&server, "GET", "/v1/admin/audit", Some(&root), None).status,
        200
    );
    assert_eq!(
        call(
            &server,
            "POST",
            "/v1/admin/maintenance",
            Some(&root),
            Some(&body)
        )
        .status,
        201
    );

    // Revoked while the server runs: refused at once.
    let out = tokens(engine, &data, &["revoke", "deploy-bot"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let revoked = call(
        &server,
        "GET",
        "/v1/admin/maintenance",
        Some(&schedule),
        None,
    );
    assert_eq!(revoked.status, 401);
    assert_eq!(codes(&revoked), pair("authorization", "invalid"));
    let list = tokens(engine, &data, &["list"]);
    assert_eq!(list.code, 0);
    let lines: Vec<&str> = list.stdout.lines().collect();
    assert_eq!(lines[0], "id\tname\tscopes\tcreated\trevoked");
    assert!(lines[1].starts_with("1\tdeploy-bot\tschedule\t") && !lines[1].ends_with("\t-"));
    assert!(lines[3].starts_with("3\troot\tadmin\t") && lines[3].ends_with("\t-"));
    assert!(!list.stdout.contains("lms_"), "no secret is ever listed");

    // Usage errors.
    assert_eq!(
        tokens(
            engine,
            &data,
            &["create", "--name", "x", "--scope", "everything"]
        )
        .code,
        2
    );
    let taken = tokens(
        engine,
        &data,
        &["create", "--name", "root", "--scope", "admin"],
    );
    assert_eq!(taken.code, 1);
    assert!(taken.stderr.contains("already named"), "{}", taken.stderr);
    assert_eq!(tokens(engine, &data, &["revoke", "nobody"]).code, 1);
}

fn windows_and_notices_through_the_api_with_an_audit_trail(engine: &Engine) {
    let s = scratch(engine, "authoring");
    let data = s.data();
    let bot = token(engine, &data, "deploy-bot", &["schedule"]);
    let root = token(engine, &data, "root", &["admin"]);
    let server = start(&s, engine, &[]);
    let post = |path: &str, body: &str| call(&server, "POST", path, Some(&bot), Some(body));
    let patch = |path: &str, body: &str| call(&server, "PATCH", path, Some(&bot), Some(body));

    // Create.
    let created = post("/v1/admin/maintenance", &window().to_string());
    assert_eq!(created.status, 201, "{}", created.text());
    let item = created.json();
    assert_eq!(item["id"], "upgrade-dec");
    assert_eq!(item["revision"], 1);
    assert_eq!(item["target"], json!({"groups": ["eu-1"]}));
    assert_eq!(item["entry"]["ends_at"], "2026-12-13T07:00:00Z");
    let again = post("/v1/admin/maintenance", &window().to_string());
    assert_eq!((again.status, codes(&again)), (409, pair("id", "exists")));

    // Malformed JSON is 400; a field the core refuses is 422 naming it.
    let malformed = post("/v1/admin/maintenance", "{\"title\": ");
    assert_eq!(
        (malformed.status, codes(&malformed)),
        (400, pair("body", "malformed"))
    );
    let mut backwards = window();
    backwards["id"] = json!("backwards");
    backwards["ends_at"] = json!("2026-12-12T07:00:00Z");
    let invalid = post("/v1/admin/maintenance", &backwards.to_string());
    assert_eq!(invalid.status, 422, "{}", invalid.text());
    assert_eq!(codes(&invalid), pair("ends_at", "invalid"));
    let mut aimless = window();
    aimless["id"] = json!("aimless");
    aimless["target"] = json!({"everyone": true});
    let bad_target = post("/v1/admin/maintenance", &aimless.to_string());
    assert_eq!(
        (bad_target.status, codes(&bad_target)),
        (422, pair("target", "invalid"))
    );
    assert_eq!(
        call(
            &server,
            "GET",
            "/v1/admin/maintenance/nope",
            Some(&bot),
            None
        )
        .status,
        404
    );
    assert_eq!(
        post(
            "/v1/admin/maintenance/nope/extend",
            r#"{"ends_at": "2026-12-13T09:00:00Z"}"#
        )
        .status,
        404
    );

    // Update: a new revision. Extend; cancel; extending a cancelled window makes no sense.
    let updated = patch(
        "/v1/admin/maintenance/upgrade-dec",
        r#"{"title": {"en": "Platform upgrade (database)"}}"#,
    );
    assert_eq!(updated.status, 200, "{}", updated.text());
    assert_eq!(updated.json()["revision"], 2);
    let extended = post(
        "/v1/admin/maintenance/upgrade-dec/extend",
        r#"{"ends_at": "2026-12-13T09:00:00Z"}"#,
    );
    assert_eq!(extended.status, 200, "{}", extended.text());
    assert_eq!(extended.json()["entry"]["ends_at"], "2026-12-13T09:00:00Z");
    assert_eq!(extended.json()["revision"], 3);
    let earlier = post(
        "/v1/admin/maintenance/upgrade-dec/extend",
        r#"{"ends_at": "2026-12-13T08:00:00Z"}"#,
    );
    assert_eq!(
        (earlier.status, codes(&earlier)),
        (422, pair("ends_at", "invalid"))
    );
    let cancelled = post("/v1/admin/maintenance/upgrade-dec/cancel", "");
    assert_eq!(cancelled.status, 200, "{}", cancelled.text());
    assert_eq!(cancelled.json()["status"], "cancelled");
    let late = post(
        "/v1/admin/maintenance/upgrade-dec/extend",
        r#"{"ends_at": "2026-12-13T10:00:00Z"}"#,
    );
    assert_eq!(late.status, 409, "{}", late.text());

    // A notice: post, update, resolve.
    let posted = post(
        "/v1/admin/notices",
        &json!({
            "id": "video-slow",
            "target": {"clients": ["acme"]},
            "kind": "known_issue",
            "title": {"en": "Videos load slowly"},
            "severity": "minor"
        })
        .to_string(),
    );
    assert_eq!(posted.status, 201, "{}", posted.text());
    let resolved = post(
        "/v1/admin/notices/video-slow/resolve",
        r#"{"message": "Fixed: videos load normally again.", "resolve_tickets": true}"#,
    );
    assert_eq!(resolved.status, 200, "{}", resolved.text());
    assert_eq!(resolved.json()["item"]["status"], "resolved");
    assert_eq!(resolved.json()["resolved_tickets"], json!([]));
    let twice = post("/v1/admin/notices/video-slow/resolve", "{}");
    assert_eq!(twice.status, 409, "{}", twice.text());
    let listed = call(&server, "GET", "/v1/admin/notices", Some(&bot), None);
    assert_eq!(listed.json()["items"].as_array().map(Vec::len), Some(1));

    // The audit log: who, when, what, before and after, oldest first.
    let entries = audit_of(&server, &root, "upgrade-dec");
    let actions = actions_of(&entries);
    assert_eq!(
        actions,
        [
            ("deploy-bot", "maintenance.add"),
            ("deploy-bot", "maintenance.update"),
            ("deploy-bot", "maintenance.extend"),
            ("deploy-bot", "maintenance.cancel"),
        ]
    );
    let extend = &entries[2];
    assert_eq!(extend["before"]["entry"]["ends_at"], "2026-12-13T07:00:00Z");
    assert_eq!(extend["after"]["entry"]["ends_at"], "2026-12-13T09:00:00Z");
    assert_eq!(entries[0]["before"], Value::Null);
    assert!(extend["at"].as_str().is_some_and(|t| t.ends_with('Z')));
    // Token changes are in the log too, with the CLI user as actor.
    let all = call(&server, "GET", "/v1/admin/audit", Some(&root), None).json();
    assert!(all["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .any(|e| e["actor"] == "cli:ana" && e["action"] == "token.create"));
}

fn a_new_revision_changes_the_clients_feed_etag(engine: &Engine) {
    let s = scratch(engine, "etag");
    let data = s.data();
    let config = s.path("conf");
    let out = Output::of(lms_support().arg("demo-config").arg(&config));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let bot = token(engine, &data, "deploy-bot", &["schedule"]);
    let server = start(
        &s,
        engine,
        &["--config", config.to_str().expect("utf-8 path")],
    );
    let feed = |client: &str| server.get(&format!("/v1/feed?client={client}"), &[]);
    let etag = |reply: &Reply| reply.header("etag").expect("etag").to_string();

    // A misspelt group or client would reach nobody: refused.
    for target in [
        json!({"groups": ["eu1"]}),
        json!({"clients": ["acme", "unii"]}),
    ] {
        let mut typo = window();
        typo["target"] = target;
        let refused = call(
            &server,
            "POST",
            "/v1/admin/maintenance",
            Some(&bot),
            Some(&typo.to_string()),
        );
        assert_eq!(
            (refused.status, codes(&refused)),
            (422, pair("target", "unknown")),
            "{}",
            refused.text()
        );
    }
    let created = call(
        &server,
        "POST",
        "/v1/admin/maintenance",
        Some(&bot),
        Some(&window().to_string()),
    );
    assert_eq!(created.status, 201, "{}", created.text());
    let first = feed("uni");
    assert_eq!(first.status, 200, "{}", first.text());
    assert!(
        first.text().contains("Platform upgrade"),
        "{}",
        first.text()
    );
    let before = etag(&first);
    assert_eq!(
        server
            .get("/v1/feed?client=uni", &[("If-None-Match", &before)])
            .status,
        304
    );

    let updated = call(
        &server,
        "PATCH",
        "/v1/admin/maintenance/upgrade-dec",
        Some(&bot),
        Some(r#"{"title": {"en": "Platform upgrade, now with a database migration"}}"#),
    );
    assert_eq!(updated.status, 200, "{}", updated.text());
    // The learner's next revalidation gets the new revision, not a 304.
    let after = server.get("/v1/feed?client=uni", &[("If-None-Match", &before)]);
    assert_eq!(after.status, 200);
    assert_ne!(etag(&after), before);
    let window = after.json()["maintenance"]
        .as_array()
        .expect("maintenance")
        .iter()
        .find(|m| m["id"] == "upgrade-dec")
        .cloned()
        .expect("the window");
    assert_eq!(window["revision"], 2);
    assert_eq!(
        window["title"]["en"],
        "Platform upgrade, now with a database migration"
    );
}

/// `POST …/notices/{id}/resolve` with `resolve_tickets`: each open ticket filed while the notice
/// showed gets the message as the agent's reply and is resolved (the learner sees both in My
/// tickets), its learner's e-mail and `ticket.updated` webhook are queued, and the audit log
/// names the tickets; a ticket not linked to the notice is left alone. On PostgreSQL this
/// answered `501` before.
fn resolving_a_notice_resolves_its_open_tickets_and_tells_each_learner(engine: &Engine) {
    let s = scratch(engine, "resolve-tickets");
    let data = s.data();
    let conf = s.path("conf");
    let out = Output::of(lms_support().arg("demo-config").arg(&conf));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let acme_path = conf.join("clients/acme.json");
    let mut acme: Value =
        serde_json::from_slice(&std::fs::read(&acme_path).expect("acme.json")).expect("json");
    // Nothing listens on these: the messages stay queued, which is what this test reads.
    acme["webhooks"] = json!([{
        "url": "http://127.0.0.1:9/lms-hook",
        "secret": "whsec_0123456789abcdef0123456789abcdef",
        "events": ["ticket.updated"]
    }]);
    std::fs::write(&acme_path, acme.to_string()).expect("write acme.json");
    let bot = token(engine, &data, "deploy-bot", &["schedule"]);
    let root = token(engine, &data, "root", &["admin"]);
    let server = start(
        &s,
        engine,
        &[
            "--config",
            conf.to_str().expect("utf-8 path"),
            "--smtp",
            "smtp://127.0.0.1:9",
        ],
    );
    let posted = call(
        &server,
        "POST",
        "/v1/admin/notices",
        Some(&bot),
        Some(
            &json!({
                "id": "inc-7", "target": {"clients": ["acme"]}, "kind": "known_issue",
                "title": {"en": "Videos load slowly"}, "severity": "minor"
            })
            .to_string(),
        ),
    );
    assert_eq!(posted.status, 201, "{}", posted.text());
    // Two tickets filed while the notice showed, one without it.
    let file = |n: u32, active: &str| {
        let mut context = json!({"page": "https://learn.acme.example/course/view.php?id=3"});
        if !active.is_empty() {
            context["active_items"] = json!(active);
        }
        let ticket = json!({
            "subject": format!("Videos {n}"), "description": "They stall.", "priority": "high",
            "category": "access", "email": format!("learner{n}@example.edu"), "locale": "en",
            "honeypot": "", "context": context
        });
        let made = common::post_ticket(&server, "/v1/clients/acme/tickets", n, &ticket);
        made["token"].as_str().expect("token").to_string()
    };
    let tokens = [file(1, "inc-7"), file(2, "inc-7"), file(3, "")];

    let resolved = call(
        &server,
        "POST",
        "/v1/admin/notices/inc-7/resolve",
        Some(&bot),
        Some(r#"{"message": "Fixed: videos load normally again.", "resolve_tickets": true}"#),
    );
    assert_eq!(resolved.status, 200, "{}", resolved.text());
    assert_eq!(resolved.json()["item"]["status"], "resolved");
    assert_eq!(
        resolved.json()["resolved_tickets"],
        json!(["ACME-000001", "ACME-000002"])
    );

    // What each learner sees in My tickets.
    for (n, token) in tokens.iter().enumerate() {
        let number = format!("ACME-{:06}", n + 1);
        let shown = server.get(
            &format!("/v1/clients/acme/tickets/{number}"),
            &[("Authorization", &format!("Bearer {token}"))],
        );
        assert_eq!(shown.status, 200, "{}", shown.text());
        let ticket = shown.json();
        if n < 2 {
            assert_eq!(ticket["status"], "resolved", "{number}");
            assert_eq!(ticket["replies"][0]["author"], "agent");
            assert_eq!(
                ticket["replies"][0]["body"],
                "Fixed: videos load normally again."
            );
        } else {
            assert_eq!(ticket["status"], "open", "{number} was not linked");
            assert_eq!(ticket["replies"], json!([]));
        }
    }

    // One learner e-mail and one webhook per resolved ticket, queued with the change.
    let listed = Output::of(
        lms_support()
            .args(["deliveries", "list", "--data"])
            .arg(&data)
            .args(engine.args()),
    );
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    let mut queued: Vec<(String, String)> = listed
        .stdout
        .lines()
        .skip(1)
        .map(|line| {
            let columns: Vec<&str> = line.split('\t').collect();
            (columns[2].to_string(), columns[3].to_string())
        })
        .filter(|(kind, _)| kind != "helpdesk_email")
        .collect();
    queued.sort();
    let pair = |kind: &str, number: &str| (kind.to_string(), number.to_string());
    assert_eq!(
        queued,
        [
            pair("learner_email", "ACME-000001"),
            pair("learner_email", "ACME-000002"),
            pair("webhook", "ACME-000001"),
            pair("webhook", "ACME-000002"),
        ],
        "{}",
        listed.stdout
    );

    let entries = audit_of(&server, &root, "inc-7");
    let actions = actions_of(&entries);
    assert_eq!(
        actions,
        [
            ("deploy-bot", "notice.post"),
            ("deploy-bot", "tickets.resolve"),
            ("deploy-bot", "notice.resolve"),
        ]
    );
    assert_eq!(
        entries[1]["after"]["tickets"],
        json!(["ACME-000001", "ACME-000002"])
    );

    // Resolved once: a second resolution changes nothing and says so.
    let twice = call(
        &server,
        "POST",
        "/v1/admin/notices/inc-7/resolve",
        Some(&bot),
        Some(r#"{"message": "Again.", "resolve_tickets": true}"#),
    );
    assert_eq!(twice.status, 409, "{}", twice.text());
}
