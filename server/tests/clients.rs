//! `serve --config DIR`: many clients, one schedule. Feeds assembled per client and per group
//! from the schedule the CLI writes (in another process), ETags, tickets per client (numbers,
//! prefixes, CORS, linking to notices), and the configuration's reloads: a bad one refused
//! with one line per problem while the last good one serves on, a good one taken on a file
//! change or `SIGHUP`.
//!
//! Runs natively (`cargo test -p lms-support-server --test clients`).

mod common;

use common::{lms_support, Output, Reply, Scratch, Server};
use serde_json::{json, Value};
use std::path::Path;
use std::time::{Duration, Instant};

/// A scratch tree with the demo configuration in `conf` and the empty `www` and `widget`
/// dirs that `Server::start` serves.
fn configured(name: &str) -> Scratch {
    let s = Scratch::new("clients", name);
    for dir in ["www", "widget"] {
        std::fs::create_dir_all(s.path(dir)).expect("scratch dir");
    }
    let out = Output::of(lms_support().arg("demo-config").arg(s.path("conf")));
    assert_eq!(out.code, 0, "{}", out.stderr);
    s
}

fn start(s: &Scratch) -> Server {
    let conf = s.path("conf");
    Server::start(s, &["--config", conf.to_str().expect("utf-8 path")])
}

fn cli(data: &Path, args: &[&str]) -> Output {
    Output::of(lms_support().args(args).arg("--data").arg(data))
}

fn feed(server: &Server, client: &str) -> Reply {
    server.get(&format!("/v1/feed?client={client}"), &[])
}

fn ids(feed: &Value, section: &str) -> Vec<String> {
    feed[section]
        .as_array()
        .expect("a list")
        .iter()
        .map(|e| e["id"].as_str().expect("id").to_string())
        .collect()
}

#[test]
fn each_client_gets_its_own_parts_and_the_schedule_that_targets_it() {
    let s = configured("feeds");
    let server = start(&s);
    let data = s.data();
    let acme = feed(&server, "acme");
    assert_eq!(acme.status, 200);
    let acme_tag = acme.header("etag").expect("etag").to_string();
    let (a, u) = (acme.json(), feed(&server, "uni").json());
    assert_eq!(
        (a["client"]["name"].clone(), u["client"]["name"].clone()),
        (json!("Acme College"), json!("Northfield University"))
    );
    assert_eq!(a["support"]["api"], "/v1/clients/acme");
    assert_eq!(
        u["support"]["fallback"]["email"],
        "helpdesk@northfield.example"
    );
    assert_eq!(ids(&u, "faq"), ["uni-login", "uni-exams"]);
    assert!(ids(&a, "faq").contains(&"reset-password".to_string()));
    // The client's guided flows reach its feed (the widget shows them in the panel).
    assert_eq!(ids(&a, "flows"), ["sign-in", "upload"]);
    // Nothing changed: 304 on the same tag.
    let again = server.get("/v1/feed?client=acme", &[("If-None-Match", &acme_tag)]);
    assert_eq!(again.status, 304);

    // One window for the fleet, from the CLI in another process.
    let out = cli(
        &data,
        &[
            "maintenance",
            "add",
            "--group",
            "eu-1",
            "--start",
            "2026-12-20 01:00",
            "--tz",
            "Europe/Madrid",
            "--duration",
            "4h",
            "--title",
            "Fleet upgrade",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = cli(
        &data,
        &[
            "notice",
            "post",
            "--client",
            "acme",
            "--title",
            "Video is slow",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = cli(
        &data,
        &[
            "maintenance",
            "add",
            "--group",
            "us-1",
            "--start",
            "2026-12-20 01:00",
            "--duration",
            "4h",
            "--title",
            "Not ours",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);

    let changed = server.get("/v1/feed?client=acme", &[("If-None-Match", &acme_tag)]);
    assert_eq!(changed.status, 200, "the schedule changed, so the tag did");
    let (a, u) = (changed.json(), feed(&server, "uni").json());
    // The shared schedule's entries first, then the client's own extras (acme's weekly window).
    assert_eq!(ids(&a, "maintenance"), ["mw-1", "weekly-maintenance"]);
    assert_eq!(ids(&u, "maintenance"), ["mw-1"]);
    assert_eq!(ids(&a, "notices"), ["notice-1"]);
    assert_eq!(ids(&u, "notices"), Vec::<String>::new());
    assert_eq!(a["maintenance"][0]["starts_at"], "2026-12-20T00:00:00Z");
    let uni_tag = feed(&server, "uni")
        .header("etag")
        .expect("etag")
        .to_string();
    assert_ne!(uni_tag, changed.header("etag").expect("etag"));

    // Extending re-targets nothing but changes both feeds: a new revision and end.
    assert_eq!(
        cli(&data, &["maintenance", "extend", "mw-1", "--by", "2h"]).code,
        0
    );
    let u = server.get("/v1/feed?client=uni", &[("If-None-Match", &uni_tag)]);
    assert_eq!(u.status, 200);
    assert_eq!(
        (
            u.json()["maintenance"][0]["ends_at"].clone(),
            u.json()["maintenance"][0]["revision"].clone()
        ),
        (json!("2026-12-20T06:00:00Z"), json!(2))
    );
    // A resolved notice leaves the feed.
    assert_eq!(cli(&data, &["notice", "resolve", "notice-1"]).code, 0);
    assert_eq!(
        ids(&feed(&server, "acme").json(), "notices"),
        Vec::<String>::new()
    );

    let unknown = feed(&server, "nope");
    assert_eq!(
        (unknown.status, unknown.json()),
        (
            404,
            json!({"error": "unknown_client", "message": "no client \"nope\" in this service's configuration"})
        )
    );
    let missing = server.get("/v1/feed", &[]);
    assert_eq!(
        (missing.status, missing.json()),
        (
            400,
            json!({"error": "client_required", "message": "this service serves several clients: add ?client=ID to the feed URL"})
        )
    );
}

fn file_ticket(server: &Server, path: &str, n: u32, origin: &str, context: Value) -> Reply {
    let body = json!({
        "subject": format!("Cannot open the quiz {n}"),
        "description": "It says access denied.",
        "priority": "high",
        "category": "access",
        "email": "ana@example.edu",
        "context": context,
        "honeypot": ""
    })
    .to_string();
    let key = format!("{n:08x}-0000-4000-8000-00000000abcd");
    server.request(
        "POST",
        path,
        &[
            ("Content-Type", "application/json"),
            ("Idempotency-Key", &key),
            ("Origin", origin),
        ],
        body.as_bytes(),
    )
}

#[test]
fn tickets_belong_to_a_client_with_its_numbers_and_origins() {
    let s = configured("tickets");
    let server = start(&s);
    let acme_origin = "https://learn.acme.example";
    let uni_origin = "https://online.northfield.example";
    let created = |path: &str, n: u32, origin: &str| {
        let reply = file_ticket(&server, path, n, origin, json!({"active_items": "inc-1"}));
        assert_eq!(reply.status, 201, "{}", reply.text());
        reply
    };
    let first = created("/v1/clients/acme/tickets", 1, acme_origin);
    assert_eq!(first.json()["number"], "ACME-000001");
    assert_eq!(
        first.header("access-control-allow-origin"),
        Some(acme_origin)
    );
    assert_eq!(
        first.header("location"),
        Some("/v1/clients/acme/tickets/ACME-000001")
    );
    // Uni's page may not read acme's answers, and numbers count per client.
    let uni = created("/v1/clients/uni/tickets", 2, acme_origin);
    assert_eq!(uni.json()["number"], "UNI-000001");
    assert_eq!(uni.header("access-control-allow-origin"), None);
    assert_eq!(
        created("/v1/clients/acme/tickets", 3, uni_origin).json()["number"],
        "ACME-000002"
    );
    // A ticket is found only under its own client.
    let auth = format!("Bearer {}", first.json()["token"].as_str().expect("token"));
    let own = server.get(
        "/v1/clients/acme/tickets/ACME-000001",
        &[("Authorization", &auth)],
    );
    assert_eq!(own.status, 200);
    assert_eq!(
        server
            .get(
                "/v1/clients/uni/tickets/ACME-000001",
                &[("Authorization", &auth)]
            )
            .status,
        404
    );
    // Under --config every ticket belongs to a client.
    let unscoped = file_ticket(&server, "/v1/tickets", 4, acme_origin, json!({}));
    assert_eq!(
        (unscoped.status, unscoped.json()),
        (
            404,
            json!({"errors": [{"field": "client", "code": "not_found"}]})
        )
    );
    assert_eq!(
        file_ticket(
            &server,
            "/v1/clients/nope/tickets",
            5,
            acme_origin,
            json!({})
        )
        .status,
        404
    );
    // Preflight per client.
    let preflight = |path: &str, origin: &str| {
        server
            .request(
                "OPTIONS",
                path,
                &[
                    ("Origin", origin),
                    ("Access-Control-Request-Method", "POST"),
                ],
                b"",
            )
            .header("access-control-allow-origin")
            .map(str::to_string)
    };
    assert_eq!(
        preflight("/v1/clients/uni/tickets", uni_origin).as_deref(),
        Some(uni_origin)
    );
    assert_eq!(preflight("/v1/clients/uni/tickets", acme_origin), None);
    // Linked to the notice ids the page sent.
    let listed = Output::of(
        lms_support()
            .args(["tickets", "list", "--notice", "inc-1", "--data"])
            .arg(s.data()),
    );
    let numbers: Vec<&str> = listed
        .stdout
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(numbers, ["ACME-000001", "UNI-000001", "ACME-000002"]);
    let only_uni = Output::of(
        lms_support()
            .args(["tickets", "list", "--client", "uni", "--data"])
            .arg(s.data()),
    );
    let numbers: Vec<&str> = only_uni
        .stdout
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(numbers, ["UNI-000001"]);
}

/// Waits until the server's log contains `needle`, for at most 10 s.
fn wait_for_log(server: &Server, needle: &str) {
    let start = Instant::now();
    while !server.logs().contains(needle) {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "no {needle:?} in the log:\n{}",
            server.logs()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_bad_configuration_is_refused_and_the_last_good_one_stays() {
    let s = configured("reload");
    let server = start(&s);
    let acme_file = s.path("conf/clients/acme.json");
    let good: Value =
        serde_json::from_str(&std::fs::read_to_string(&acme_file).expect("read")).expect("json");
    let mut bad = good.clone();
    bad["ticket_prefix"] = json!("A-1");
    bad["colour"] = json!("red");
    bad["faq"][0]
        .as_object_mut()
        .expect("entry")
        .remove("answer");
    std::fs::write(&acme_file, bad.to_string()).expect("write");
    wait_for_log(&server, "configuration refused");
    let logs = server.logs();
    for line in [
        r#"msg="clients/acme.json: unknown field \"colour\"""#,
        r#"msg="clients/acme.json: \"ticket_prefix\" must be 1 to 16 letters and digits, like ACME, not \"A-1\"""#,
        r#"msg="clients/acme.json: faq[0] (reset-password): missing \"answer\"""#,
    ] {
        assert!(logs.contains(line), "no {line} in:\n{logs}");
    }
    assert_eq!(
        feed(&server, "acme").json()["client"]["name"],
        "Acme College"
    );

    let mut renamed = good.clone();
    renamed["name"] = json!("Acme University");
    std::fs::write(&acme_file, renamed.to_string()).expect("write");
    wait_for_log(&server, "why=\"file change\"");
    assert_eq!(
        feed(&server, "acme").json()["client"]["name"],
        "Acme University"
    );

    // SIGHUP reads it again at once.
    let hup = std::process::Command::new("kill")
        .args(["-HUP", &server.child.id().to_string()])
        .status()
        .expect("kill");
    assert!(hup.success());
    wait_for_log(&server, "why=SIGHUP");
}

#[test]
fn a_bad_configuration_at_start_up_is_refused_line_by_line() {
    let s = configured("startup");
    s.write(
        "conf/clients/uni.json",
        r#"{"name": "Northfield", "ticket_prefix": "acme", "origins": ["online.northfield.example"],
            "maintenance": [{"id": "w", "every": "week", "weekday": "sun", "start": "01:00",
                             "duration_minutes": 60, "time_zone": "Europe/Madird",
                             "title": {"en": "Weekly"}}]}"#,
    );
    let out = Output::of(
        lms_support()
            .args(["serve", "--addr", "127.0.0.1:0", "--config"])
            .arg(s.path("conf"))
            .arg("--data")
            .arg(s.data()),
    );
    assert_eq!((out.code, out.stdout.as_str()), (1, ""), "{}", out.stderr);
    assert_eq!(
        out.stderr,
        format!(
            "clients/uni.json: origins[0] \"online.northfield.example\" is not an origin like https://lms.example.edu (scheme, host and optional port, no path)\n\
             clients/uni.json: maintenance[0] (w): unknown time zone \"Europe/Madird\"\n\
             clients/uni.json: the widget will not use this feed: its only maintenance window or notice is invalid\n\
             the configuration in {} has problems; fix them and start again\n",
            s.path("conf").display()
        )
    );
    // Two clients with one prefix cannot tell their tickets apart.
    s.write(
        "conf/clients/uni.json",
        r#"{"name": "Northfield", "ticket_prefix": "acme"}"#,
    );
    let out = Output::of(
        lms_support()
            .args(["serve", "--addr", "127.0.0.1:0", "--config"])
            .arg(s.path("conf"))
            .arg("--data")
            .arg(s.data()),
    );
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.starts_with(
            "clients/uni.json: \"ticket_prefix\" \"acme\" is also acme's; ticket numbers must tell clients apart\n"
        ),
        "{}",
        out.stderr
    );
}
