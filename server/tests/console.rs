//! The admin console's server side (`/admin`): sign-in, the session cookie, the CSRF rules on
//! the admin API, sign-out, and the preview feed; against the real binary on a free loopback
//! port, with the sessions in each store: the real SQLite file and a real PostgreSQL
//! (`on_sqlite::…`, `on_postgres::…`). The console's pages themselves run in Chromium
//! (`tests/e2e/console.test.mjs`).
//!
//! Runs natively (`cargo test -p lms-support-server --test console`).

mod common;

#[path = "common/pg_cluster.rs"]
mod pg_cluster;

#[path = "common/engines.rs"]
#[macro_use]
mod engines;

use common::{lms_support, Output, Reply, Scratch, Server};
use engines::Engine;
use serde_json::{json, Value};

on_both_engines!(
    the_session_cookie_acts_as_the_token_only_from_the_consoles_own_pages,
    a_revoked_token_ends_its_sessions_and_scopes_still_apply,
    behind_an_https_proxy_the_cookie_is_secure_and_only_https_pages_may_use_it,
    the_preview_feed_applies_a_draft_without_storing_it,
);

const MARK: (&str, &str) = ("lms-support-console", "1");

/// A server on the demo configuration (clients acme and uni in group eu-1) and `engine`'s
/// store with an admin token `ops` and a schedule-only token `bot`; `extra` flags go to `serve`.
fn start(engine: &Engine, name: &str, extra: &[&str]) -> (Scratch, Server, String, String) {
    let s = Scratch::new("console", &format!("{name}-{}", engine.name()));
    for dir in ["www", "widget"] {
        std::fs::create_dir_all(s.path(dir)).expect("scratch dir");
    }
    let config = s.path("conf");
    let out = Output::of(lms_support().arg("demo-config").arg(&config));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let token = |name: &str, scope: &str| {
        let out = Output::of(
            lms_support()
                .args([
                    "tokens", "create", "--name", name, "--scope", scope, "--data",
                ])
                .arg(s.data())
                .args(engine.args()),
        );
        assert_eq!(out.code, 0, "{}", out.stderr);
        out.stdout.trim().to_string()
    };
    let (ops, bot) = (token("ops", "admin"), token("bot", "schedule"));
    let mut args = engine.args();
    args.extend(["--config", config.to_str().expect("utf-8 path")]);
    args.extend(extra);
    let server = Server::start(&s, &args);
    (s, server, ops, bot)
}

fn origin(server: &Server) -> String {
    format!("http://{}", server.addr)
}

fn sign_in(server: &Server, token: &str) -> Reply {
    let origin = origin(server);
    server.request(
        "POST",
        "/admin/session",
        &[
            ("Origin", &origin),
            MARK,
            ("Content-Type", "application/json"),
        ],
        json!({ "token": token }).to_string().as_bytes(),
    )
}

/// The session id from a sign-in's `Set-Cookie`.
fn session_of(reply: &Reply) -> String {
    let cookie = reply.header("set-cookie").expect("set-cookie");
    cookie
        .strip_prefix("lms_admin_session=")
        .and_then(|rest| rest.split(';').next())
        .expect("session cookie")
        .to_string()
}

fn first_error(reply: &Reply) -> (String, String) {
    let e = &reply.json()["errors"][0];
    (
        e["field"].as_str().unwrap_or("").to_string(),
        e["code"].as_str().unwrap_or("").to_string(),
    )
}

fn pair(field: &str, code: &str) -> (String, String) {
    (field.to_string(), code.to_string())
}

fn window(id: &str) -> Value {
    json!({
        "id": id, "target": {"groups": ["eu-1"]}, "title": {"en": "Upgrade"},
        "starts_at": "2030-01-10T00:00:00Z", "ends_at": "2030-01-10T04:00:00Z",
    })
}

fn the_session_cookie_acts_as_the_token_only_from_the_consoles_own_pages(engine: &Engine) {
    let (_s, server, ops, _) = start(engine, "csrf", &[]);
    let own = origin(&server);

    let wrong = sign_in(&server, "lms_0000");
    assert_eq!(wrong.status, 401, "{}", wrong.text());
    assert_eq!(first_error(&wrong), pair("token", "invalid"));
    assert!(wrong.header("set-cookie").is_none());

    let signed = sign_in(&server, &ops);
    assert_eq!(signed.status, 201, "{}", signed.text());
    assert_eq!(signed.json()["name"], "ops");
    let cookie = signed.header("set-cookie").expect("cookie").to_string();
    for part in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=28800"] {
        assert!(cookie.contains(part), "{part} in {cookie}");
    }
    assert!(
        !cookie.contains("Secure"),
        "plain http without a proxy: {cookie}"
    );
    let session = format!("lms_admin_session={}", session_of(&signed));

    // With the header and our own Origin (or none, for a read), the cookie is the token.
    let body = window("by-console").to_string();
    let made = server.request(
        "POST",
        "/v1/admin/maintenance",
        &[("Cookie", &session), ("Origin", &own), MARK],
        body.as_bytes(),
    );
    assert_eq!(made.status, 201, "{}", made.text());
    let listed = server.get("/v1/admin/maintenance", &[("Cookie", &session), MARK]);
    assert_eq!(listed.status, 200, "{}", listed.text());
    let audit = server.get("/v1/admin/audit", &[("Cookie", &session), MARK]);
    let actions: Vec<(String, String)> = audit.json()["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| {
            (
                e["actor"].as_str().unwrap_or("").to_string(),
                e["action"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert!(
        actions.contains(&pair("ops", "console.sign_in")),
        "{actions:?}"
    );
    assert!(
        actions.contains(&pair("ops", "maintenance.add")),
        "{actions:?}"
    );

    // A page of another site, a form post (no header), a write that hides its Origin.
    let foreign = server.request(
        "POST",
        "/v1/admin/maintenance/by-console/cancel",
        &[
            ("Cookie", &session),
            ("Origin", "https://evil.example"),
            MARK,
        ],
        b"",
    );
    assert_eq!(foreign.status, 403, "{}", foreign.text());
    assert_eq!(first_error(&foreign), pair("origin", "forbidden"));
    let unmarked = server.request(
        "POST",
        "/v1/admin/maintenance/by-console/cancel",
        &[("Cookie", &session), ("Origin", &own)],
        b"",
    );
    assert_eq!(unmarked.status, 403);
    assert_eq!(first_error(&unmarked), pair("console_header", "required"));
    let hidden = server.request(
        "POST",
        "/v1/admin/maintenance/by-console/cancel",
        &[("Cookie", &session), MARK],
        b"",
    );
    assert_eq!(hidden.status, 403);
    assert_eq!(first_error(&hidden), pair("origin", "required"));
    let still = server.get(
        "/v1/admin/maintenance/by-console",
        &[("Authorization", &format!("Bearer {ops}"))],
    );
    assert_eq!(
        still.json()["status"],
        "scheduled",
        "nothing refused changed anything"
    );

    // Sign-in itself is held to the same rules (no login CSRF).
    let forged_login = server.request(
        "POST",
        "/admin/session",
        &[("Origin", "https://evil.example"), MARK],
        json!({ "token": ops }).to_string().as_bytes(),
    );
    assert_eq!(forged_login.status, 403);

    // A bearer token is not ambient: no header or Origin rules for scripts.
    let scripted = server.get(
        "/v1/admin/maintenance",
        &[
            ("Authorization", &format!("Bearer {ops}")),
            ("Origin", "https://ci.example"),
        ],
    );
    assert_eq!(scripted.status, 200, "{}", scripted.text());

    // Without any session: 401 saying how to get one.
    let anonymous = server.get("/v1/admin/maintenance", &[MARK]);
    assert_eq!(anonymous.status, 401);
    assert!(anonymous.json()["errors"][0]["message"]
        .as_str()
        .unwrap_or("")
        .contains("/admin"));

    // Sign-out ends the session in the store: the same cookie is refused afterwards.
    let who = server.get("/admin/session", &[("Cookie", &session), MARK]);
    assert_eq!(who.json()["scopes"], json!(["admin"]));
    let out = server.request(
        "DELETE",
        "/admin/session",
        &[("Cookie", &session), ("Origin", &own), MARK],
        b"",
    );
    assert_eq!(out.status, 204);
    assert!(out
        .header("set-cookie")
        .expect("cleared")
        .contains("Max-Age=0"));
    let after = server.get("/v1/admin/maintenance", &[("Cookie", &session), MARK]);
    assert_eq!(after.status, 401);
    assert_eq!(first_error(&after), pair("session", "ended"));
    assert_eq!(
        server
            .get("/admin/session", &[("Cookie", &session), MARK])
            .status,
        401
    );
}

fn a_revoked_token_ends_its_sessions_and_scopes_still_apply(engine: &Engine) {
    let (s, server, _, bot) = start(engine, "revoke", &[]);
    let session = format!("lms_admin_session={}", session_of(&sign_in(&server, &bot)));
    assert_eq!(
        server
            .get("/v1/admin/maintenance", &[("Cookie", &session), MARK])
            .status,
        200
    );
    let audit = server.get("/v1/admin/audit", &[("Cookie", &session), MARK]);
    assert_eq!(
        audit.status, 403,
        "a schedule token's session cannot read the audit log"
    );
    let out = Output::of(
        lms_support()
            .args(["tokens", "revoke", "bot", "--data"])
            .arg(s.data())
            .args(engine.args()),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let refused = server.get("/v1/admin/maintenance", &[("Cookie", &session), MARK]);
    assert_eq!(refused.status, 401);
    assert_eq!(first_error(&refused), pair("session", "ended"));
}

fn behind_an_https_proxy_the_cookie_is_secure_and_only_https_pages_may_use_it(engine: &Engine) {
    let (_s, server, ops, _) = start(engine, "proxy", &["--trusted-proxy", "127.0.0.1"]);
    let host = server.addr.clone();
    let https = format!("https://{host}");
    let signed = server.request(
        "POST",
        "/admin/session",
        &[("Origin", &https), MARK, ("X-Forwarded-Proto", "https")],
        json!({ "token": ops }).to_string().as_bytes(),
    );
    assert_eq!(signed.status, 201, "{}", signed.text());
    assert!(signed
        .header("set-cookie")
        .expect("cookie")
        .contains("; Secure"));
    let session = format!("lms_admin_session={}", session_of(&signed));
    let from_http = server.request(
        "POST",
        "/v1/admin/maintenance",
        &[
            ("Cookie", &session),
            ("Origin", &format!("http://{host}")),
            MARK,
            ("X-Forwarded-Proto", "https"),
        ],
        window("w").to_string().as_bytes(),
    );
    assert_eq!(
        from_http.status, 403,
        "an http page may not act on the https console"
    );
}

fn the_preview_feed_applies_a_draft_without_storing_it(engine: &Engine) {
    let (_s, server, ops, _) = start(engine, "preview", &[]);
    let session = format!("lms_admin_session={}", session_of(&sign_in(&server, &ops)));
    let encode = |draft: &Value| {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let bytes = draft.to_string().into_bytes();
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |acc, (i, b)| acc | u32::from(*b) << (16 - 8 * i));
            for i in 0..=chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            }
        }
        out
    };
    let preview = |client: &str, draft: &Value, cookie: Option<&str>| {
        let mut headers = Vec::new();
        if let Some(cookie) = cookie {
            headers.push(("Cookie", cookie));
        }
        server.get(
            &format!(
                "/admin/preview/feed?client={client}&draft={}",
                encode(draft)
            ),
            &headers,
        )
    };
    let mut entry = window("draft-1");
    let target = entry
        .as_object_mut()
        .expect("object")
        .remove("target")
        .expect("target");
    let draft = json!({ "kind": "maintenance", "target": target, "entry": entry });

    assert_eq!(
        preview("uni", &draft, None).status,
        401,
        "a session is required"
    );
    // The widget fetches it with a plain GET: no console header needed, but no foreign page.
    let shown = preview("uni", &draft, Some(&session));
    assert_eq!(shown.status, 200, "{}", shown.text());
    assert_eq!(shown.header("lms-support-preview"), Some("shown"));
    assert_eq!(shown.header("cache-control"), Some("no-store"));
    let ids: Vec<Value> = shown.json()["maintenance"]
        .as_array()
        .expect("maintenance")
        .iter()
        .map(|m| m["id"].clone())
        .collect();
    assert!(ids.contains(&json!("draft-1")), "{ids:?}");

    let mut for_acme = draft.clone();
    for_acme["target"] = json!({"clients": ["acme"]});
    let elsewhere = preview("uni", &for_acme, Some(&session));
    assert_eq!(
        elsewhere.header("lms-support-preview"),
        Some("not-targeted")
    );
    assert!(!elsewhere.text().contains("draft-1"));

    let mut bad = draft.clone();
    bad["entry"]["ends_at"] = json!("2030-01-09T00:00:00Z");
    let refused = preview("uni", &bad, Some(&session));
    assert_eq!(refused.status, 422, "{}", refused.text());
    assert_eq!(first_error(&refused), pair("ends_at", "invalid"));
    let garbled = server.get(
        "/admin/preview/feed?client=uni&draft=%%%",
        &[("Cookie", &session)],
    );
    assert_eq!(garbled.status, 400);
    assert_eq!(first_error(&garbled), pair("draft", "malformed"));

    let foreign = server.get(
        &format!("/admin/preview/feed?client=uni&draft={}", encode(&draft)),
        &[("Cookie", &session), ("Origin", "https://evil.example")],
    );
    assert_eq!(foreign.status, 403);

    // Nothing was published.
    let feed = server.get("/v1/feed?client=uni", &[]);
    assert!(!feed.text().contains("draft-1"), "{}", feed.text());
}

#[test]
fn the_console_pages_carry_a_strict_policy_and_cannot_be_framed_elsewhere() {
    let (_s, server, _, _) = start(&Engine::Sqlite, "pages", &[]);
    let redirect = server.get("/admin", &[]);
    assert_eq!(redirect.status, 301);
    assert_eq!(redirect.header("location"), Some("/admin/"));
    let index = server.get("/admin/", &[]);
    assert_eq!(index.status, 200);
    let csp = index.header("content-security-policy").expect("csp");
    assert!(
        csp.contains("script-src 'self' 'wasm-unsafe-eval'")
            && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    let preview = server.get("/admin/preview.html", &[]);
    assert!(preview
        .header("content-security-policy")
        .expect("csp")
        .contains("frame-ancestors 'self'"));
    assert_eq!(
        server.get("/admin/console.js", &[]).header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
    assert_eq!(server.get("/admin/nothing.js", &[]).status, 404);
    let catalogue = server.get("/admin/i18n.json", &[]).json();
    let english = catalogue["en"].as_object().expect("en").len();
    for lang in ["es", "fr", "pt", "de", "ar"] {
        assert_eq!(
            catalogue[lang].as_object().map(|m| m.len()),
            Some(english),
            "{lang} has every string"
        );
    }
}
