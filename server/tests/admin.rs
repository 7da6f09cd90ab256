//! The admin API (`/v1/admin/…`) and its tokens (`lms-support tokens …`), against the real
//! binary on a free loopback port and the real SQLite file.
//!
//! Runs natively (`cargo test -p lms-support-server --test admin`).

mod common;

use common::{lms_support, Output, Reply, Scratch, Server};
use serde_json::{json, Value};
use std::path::Path;

fn scratch(name: &str) -> Scratch {
    let s = Scratch::new("admin", name);
    for dir in ["www", "widget"] {
        std::fs::create_dir_all(s.path(dir)).expect("scratch dir");
    }
    s
}

/// `lms-support tokens --data DATA ARGS…` as user `ana`.
fn tokens(data: &Path, args: &[&str]) -> Output {
    Output::of(
        lms_support()
            .arg("tokens")
            .arg("--data")
            .arg(data)
            .args(args)
            .env("USER", "ana"),
    )
}

/// A new token with these scopes; the secret is the whole of stdout.
fn token(data: &Path, name: &str, scopes: &[&str]) -> String {
    let mut args = vec!["create", "--name", name];
    for scope in scopes {
        args.extend(["--scope", scope]);
    }
    let out = tokens(data, &args);
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

#[test]
fn tokens_are_scoped_and_revocable() {
    let s = scratch("scopes");
    let data = s.data();
    let schedule = token(&data, "deploy-bot", &["schedule"]);
    let desk = token(&data, "helpdesk", &["tickets"]);
    let root = token(&data, "root", &["admin"]);
    // Only the hash is stored.
    let db = rusqlite::Connection::open(data.join("support.db")).expect("db");
    let leaked: i64 = db
        .query_row(
            "SELECT COUNT(*) FROM admin_tokens WHERE CAST(token_hash AS TEXT) LIKE '%' || ?1 || '%'",
            [&schedule[4..]],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(leaked, 0);
    drop(db);
    let server = Server::start(&s, &[]);

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
    let out = tokens(&data, &["revoke", "deploy-bot"]);
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
    let list = tokens(&data, &["list"]);
    assert_eq!(list.code, 0);
    let lines: Vec<&str> = list.stdout.lines().collect();
    assert_eq!(lines[0], "id\tname\tscopes\tcreated\trevoked");
    assert!(lines[1].starts_with("1\tdeploy-bot\tschedule\t") && !lines[1].ends_with("\t-"));
    assert!(lines[3].starts_with("3\troot\tadmin\t") && lines[3].ends_with("\t-"));
    assert!(!list.stdout.contains("lms_"), "no secret is ever listed");

    // Usage errors.
    assert_eq!(
        tokens(&data, &["create", "--name", "x", "--scope", "everything"]).code,
        2
    );
    let taken = tokens(&data, &["create", "--name", "root", "--scope", "admin"]);
    assert_eq!(taken.code, 1);
    assert!(taken.stderr.contains("already named"), "{}", taken.stderr);
    assert_eq!(tokens(&data, &["revoke", "nobody"]).code, 1);
}

#[test]
fn windows_and_notices_through_the_api_with_an_audit_trail() {
    let s = scratch("authoring");
    let data = s.data();
    let bot = token(&data, "deploy-bot", &["schedule"]);
    let root = token(&data, "root", &["admin"]);
    let server = Server::start(&s, &[]);
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
    let audit = call(
        &server,
        "GET",
        "/v1/admin/audit?target=upgrade-dec",
        Some(&root),
        None,
    );
    assert_eq!(audit.status, 200, "{}", audit.text());
    let entries = audit.json()["entries"]
        .as_array()
        .cloned()
        .expect("entries");
    let actions: Vec<(&str, &str)> = entries
        .iter()
        .map(|e| {
            (
                e["actor"].as_str().unwrap_or(""),
                e["action"].as_str().unwrap_or(""),
            )
        })
        .collect();
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

#[test]
fn a_new_revision_changes_the_clients_feed_etag() {
    let s = scratch("etag");
    let data = s.data();
    let config = s.path("conf");
    let out = Output::of(lms_support().arg("demo-config").arg(&config));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let bot = token(&data, "deploy-bot", &["schedule"]);
    let server = Server::start(&s, &["--config", config.to_str().expect("utf-8 path")]);
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
