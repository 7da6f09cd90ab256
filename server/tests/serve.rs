//! `lms-support serve`, run as a real process on a free loopback port and spoken to with a tiny
//! HTTP/1.1 client over `std::net::TcpStream` (one request per connection).
//!
//! Runs natively (`cargo test -p lms-support-server`); needs only loopback networking. Each test
//! builds its own directory tree under the system temp dir.

mod common;

use common::{connect_from, lms_support, Scratch, Server};
use std::io::{ErrorKind, Read as _, Write as _};
use std::net::TcpStream;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const FEED_V1: &str = r#"{"version": 1, "maintenance": []}"#;
const FEED_V2: &str =
    r#"{"version": 1, "notices": [{"id": "inc-1", "title": {"en": "Slow video"}}]}"#;

/// A site with a feed, a demo page tree and a built widget.
fn site(name: &str) -> Scratch {
    let s = Scratch::new("serve", name);
    s.write("feed.json", FEED_V1.as_bytes());
    s.write(
        "www/index.html",
        b"<!doctype html><title>Acme Learn</title>",
    );
    s.write(
        "www/course/index.html",
        b"<!doctype html><title>Biology 101</title>",
    );
    s.write("www/style.css", b"body { margin: 0 }");
    s.write("secret.txt", b"outside the static dir");
    s.write(
        "widget/lms_support_widget.3f9a1c2b.wasm",
        b"\0asm plain bytes",
    );
    s.write(
        "widget/lms_support_widget.3f9a1c2b.wasm.br",
        b"brotli bytes",
    );
    s.write("widget/lms_support_widget.3f9a1c2b.wasm.gz", b"gzip bytes");
    s.write("widget/loader.js", b"window.LmsSupport = {};");
    s.write("widget/loader.js.gz", b"gzipped loader");
    s.write("widget/lms_support_widget.d.ts", b"export {};");
    s
}

/// `serve` on the site's feed, pages and widget.
fn start(s: &Scratch, extra: &[&str]) -> Server {
    let feed = s.path("feed.json");
    let mut args = vec!["--feed", feed.to_str().expect("utf-8")];
    args.extend_from_slice(extra);
    Server::start(s, &args)
}

// ---------------------------------------------------------------------------------------------
// the feed

#[test]
fn feed_revalidates_with_etag_and_changes_with_the_file() {
    let s = site("feed");
    let server = start(&s, &[]);
    assert!(s.path("data").is_dir(), "--data is created");

    let first = server.get(
        "/v1/feed?client=acme",
        &[("Origin", "https://lms.acme.example")],
    );
    assert_eq!(first.status, 200);
    assert_eq!(first.text(), FEED_V1);
    assert_eq!(first.header("content-type"), Some("application/json"));
    assert_eq!(first.header("cache-control"), Some("no-cache"));
    assert_eq!(first.header("access-control-allow-origin"), Some("*"));
    // The page may read the tag it revalidates with, and how long to wait after a 503.
    let exposed = first
        .header("access-control-expose-headers")
        .unwrap_or("")
        .to_ascii_lowercase();
    assert!(
        exposed.contains("etag") && exposed.contains("retry-after"),
        "{exposed}"
    );
    let etag = first.header("etag").expect("etag").to_string();
    assert!(
        etag.starts_with('"') && etag.ends_with('"') && etag.len() > 2,
        "strong tag: {etag}"
    );

    let same = server.get("/v1/feed", &[("If-None-Match", &etag)]);
    assert_eq!(same.status, 304);
    assert!(same.body.is_empty());
    assert_eq!(same.header("etag"), Some(etag.as_str()));
    assert_eq!(same.header("access-control-allow-origin"), Some("*"));
    assert_eq!(
        server
            .get(
                "/v1/feed",
                &[("If-None-Match", &format!("\"nope\", W/{etag}"))]
            )
            .status,
        304
    );

    // The vendor edits the feed: the next request sees it, under a new tag.
    s.write("feed.json", FEED_V2.as_bytes());
    let changed = server.get("/v1/feed", &[("If-None-Match", &etag)]);
    assert_eq!(changed.status, 200);
    assert_eq!(changed.text(), FEED_V2);
    let new_etag = changed.header("etag").expect("etag");
    assert_ne!(new_etag, etag);

    // HEAD: headers without the body.
    let head = server.request("HEAD", "/v1/feed", &[], b"");
    assert_eq!(head.status, 200);
    assert_eq!(head.header("etag"), Some(new_etag));
    assert_eq!(
        head.header("content-length"),
        Some(FEED_V2.len().to_string().as_str())
    );

    // The browser's preflight for a cross-origin GET with If-None-Match.
    let preflight = server.request(
        "OPTIONS",
        "/v1/feed?client=acme",
        &[
            ("Origin", "https://lms.acme.example"),
            ("Access-Control-Request-Method", "GET"),
            ("Access-Control-Request-Headers", "if-none-match"),
        ],
        b"",
    );
    assert!(
        preflight.status == 204 || preflight.status == 200,
        "{}",
        preflight.status
    );
    assert_eq!(preflight.header("access-control-allow-origin"), Some("*"));
    let allowed = preflight
        .header("access-control-allow-headers")
        .unwrap_or("")
        .to_ascii_lowercase();
    assert!(allowed.contains("if-none-match"), "{allowed}");
    assert!(preflight
        .header("access-control-allow-methods")
        .unwrap_or("")
        .contains("GET"));
    assert_eq!(preflight.header("access-control-max-age"), Some("86400"));

    // The file disappears: 503 with a JSON error, logged.
    std::fs::remove_file(s.path("feed.json")).expect("remove feed");
    let gone = server.get("/v1/feed", &[]);
    assert_eq!(gone.status, 503);
    assert_eq!(gone.header("content-type"), Some("application/json"));
    assert_eq!(gone.header("access-control-allow-origin"), Some("*"));
    assert_eq!(gone.header("retry-after"), Some("30"));
    let error: serde_json::Value = serde_json::from_slice(&gone.body).expect("JSON error body");
    assert!(error["error"].is_string());
    let logs = server.logs();
    assert!(
        logs.contains("level=error msg=\"cannot read feed\""),
        "{logs}"
    );
    assert!(
        logs.contains("method=GET path=/v1/feed status=200 duration_ms="),
        "{logs}"
    );
    assert!(
        logs.contains("method=GET path=/v1/feed status=503"),
        "{logs}"
    );
}

#[test]
fn demo_feed_is_served_without_feed_and_sigterm_stops_cleanly() {
    let s = site("demo");
    let www = s.path("www");
    let data = s.path("data");
    let mut server = Server::spawn(
        &[
            "--static",
            www.to_str().expect("utf-8"),
            "--data",
            data.to_str().expect("utf-8"),
        ],
        s.path("server.log"),
    );
    let reply = server.get("/v1/feed", &[]);
    assert_eq!(reply.status, 200);
    let feed: serde_json::Value = serde_json::from_slice(&reply.body).expect("JSON feed");
    assert_eq!(feed["version"], 1);
    assert_eq!(feed["client"]["name"], "Acme College");
    let etag = reply.header("etag").expect("etag").to_string();
    assert_eq!(
        server.get("/v1/feed", &[("If-None-Match", &etag)]).status,
        304
    );

    // An idle connection does not hold up the shutdown.
    let _idle = TcpStream::connect(&server.addr).expect("connect");
    let status = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(15);
    let exit = loop {
        if let Some(exit) = server.child.try_wait().expect("wait") {
            break exit;
        }
        assert!(Instant::now() < deadline, "server did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(exit.success(), "{exit:?}");
    assert!(server.logs().contains("msg=stopped"), "{}", server.logs());
    assert!(
        !server.logs().contains("still in flight"),
        "{}",
        server.logs()
    );
}

// ---------------------------------------------------------------------------------------------
// the widget's assets

const WASM: &str = "/widget/lms_support_widget.3f9a1c2b.wasm";

#[test]
fn widget_chooses_precompressed_files_by_accept_encoding() {
    let s = site("widget");
    let server = start(&s, &[]);

    let br = server.get(WASM, &[("Accept-Encoding", "gzip, deflate, br, zstd")]);
    assert_eq!(br.status, 200);
    assert_eq!(br.body, b"brotli bytes");
    assert_eq!(br.header("content-encoding"), Some("br"));
    assert_eq!(br.header("content-type"), Some("application/wasm"));
    assert_eq!(br.header("vary"), Some("Accept-Encoding"));
    assert_eq!(
        br.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );

    let gz = server.get(WASM, &[("Accept-Encoding", "gzip")]);
    assert_eq!(
        (gz.body.as_slice(), gz.header("content-encoding")),
        (&b"gzip bytes"[..], Some("gzip"))
    );
    assert_eq!(gz.header("content-type"), Some("application/wasm"));
    assert_eq!(gz.header("vary"), Some("Accept-Encoding"));

    let refused = server.get(WASM, &[("Accept-Encoding", "br;q=0, gzip;q=0.8")]);
    assert_eq!(refused.header("content-encoding"), Some("gzip"));

    let plain = server.get(WASM, &[]);
    assert_eq!(plain.body, b"\0asm plain bytes");
    assert_eq!(plain.header("content-encoding"), None);
    assert_eq!(plain.header("vary"), Some("Accept-Encoding"));

    // One strong tag per representation.
    let tags = [br.header("etag"), gz.header("etag"), plain.header("etag")]
        .map(|t| t.expect("etag").to_string());
    assert!(
        tags[0] != tags[1] && tags[1] != tags[2] && tags[0] != tags[2],
        "{tags:?}"
    );
    assert!(tags.iter().all(|t| t.starts_with('"')), "{tags:?}");

    let revalidated = server.get(
        WASM,
        &[("Accept-Encoding", "br"), ("If-None-Match", &tags[0])],
    );
    assert_eq!(revalidated.status, 304);
    assert!(revalidated.body.is_empty());
    assert_eq!(revalidated.header("vary"), Some("Accept-Encoding"));
    // The plain file's tag does not validate the Brotli representation.
    assert_eq!(
        server
            .get(
                WASM,
                &[("Accept-Encoding", "br"), ("If-None-Match", &tags[2])]
            )
            .status,
        200
    );
}

#[test]
fn widget_content_types_and_cache_lifetimes() {
    let s = site("widget-types");
    let server = start(&s, &[]);

    // Unhashed: revalidate every time. Only a .gz sibling exists, so br falls through to gzip.
    let loader = server.get("/widget/loader.js", &[("Accept-Encoding", "br, gzip")]);
    assert_eq!(loader.status, 200);
    assert_eq!(
        loader.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
    assert_eq!(loader.header("cache-control"), Some("no-cache"));
    assert_eq!(
        (loader.body.as_slice(), loader.header("content-encoding")),
        (&b"gzipped loader"[..], Some("gzip"))
    );
    assert_eq!(loader.header("access-control-allow-origin"), Some("*"));

    let types = server.get("/widget/lms_support_widget.d.ts", &[]);
    assert_eq!(
        types.header("content-type"),
        Some("text/plain; charset=utf-8")
    );
    assert_eq!(types.header("cache-control"), Some("no-cache"));

    assert_eq!(server.get("/widget/missing.js", &[]).status, 404);
    assert_eq!(server.get("/widget/", &[]).status, 404);
}

#[test]
fn missing_widget_dir_says_to_build_it() {
    let s = site("no-widget");
    std::fs::remove_dir_all(s.path("widget")).expect("remove widget dir");
    let server = start(&s, &[]);
    let reply = server.get("/widget/loader.js", &[]);
    assert_eq!(reply.status, 404);
    assert!(reply.text().contains("make widget"), "{}", reply.text());
    assert_eq!(
        server.get("/", &[]).status,
        200,
        "the rest of the site still works"
    );
}

// ---------------------------------------------------------------------------------------------
// the demo site

#[test]
fn static_site_with_index_pages_and_revalidation() {
    let s = site("static");
    let server = start(&s, &[]);

    let index = server.get("/", &[]);
    assert_eq!(index.status, 200);
    assert_eq!(index.text(), "<!doctype html><title>Acme Learn</title>");
    assert_eq!(
        index.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(index.header("cache-control"), Some("no-cache"));
    let etag = index.header("etag").expect("etag").to_string();
    assert_eq!(server.get("/", &[("If-None-Match", &etag)]).status, 304);
    assert_eq!(
        server
            .get("/index.html", &[("If-None-Match", &etag)])
            .status,
        304
    );

    assert_eq!(
        server.get("/course/", &[]).text(),
        "<!doctype html><title>Biology 101</title>"
    );
    let redirect = server.get("/course?tab=2", &[]);
    assert_eq!(redirect.status, 301);
    assert_eq!(redirect.header("location"), Some("/course/?tab=2"));

    let css = server.get("/style.css", &[]);
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
    assert_eq!(css.header("cache-control"), Some("no-cache"));

    let missing = server.get("/nope.html", &[]);
    assert_eq!(missing.status, 404);
    assert_eq!(
        missing.header("content-type"),
        Some("text/plain; charset=utf-8")
    );
    assert_eq!(missing.text(), "not found\n");

    let head = server.request("HEAD", "/", &[], b"");
    assert_eq!(head.status, 200);
    assert_eq!(head.header("content-length"), Some("40"));
    assert_eq!(
        server
            .request("POST", "/", &[("Content-Length", "0")], b"")
            .status,
        405
    );
}

/// The policy the demo pages carry: the strict one the widget promises to work under.
const DEMO_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
style-src 'self'; connect-src 'self'";

#[test]
fn html_pages_carry_a_strict_csp_and_other_files_do_not_need_one() {
    let s = site("csp");
    s.write("www/app.js", b"console.log('hi');");
    s.write("www/Upper.HTM", b"<!doctype html><title>old style</title>");
    s.write(
        "www/precompressed.html",
        b"<!doctype html><title>plain</title>",
    );
    s.write("www/precompressed.html.gz", b"gzip bytes");
    let server = start(&s, &[]);

    for target in ["/", "/index.html", "/course/", "/Upper.HTM"] {
        let page = server.get(target, &[]);
        assert_eq!(page.status, 200, "{target}");
        assert_eq!(
            page.header("content-security-policy"),
            Some(DEMO_CSP),
            "{target}"
        );
    }
    let gz = server.get("/precompressed.html", &[("Accept-Encoding", "gzip")]);
    assert_eq!(gz.header("content-encoding"), Some("gzip"));
    assert_eq!(gz.header("content-security-policy"), Some(DEMO_CSP));
    let head = server.request("HEAD", "/index.html", &[], b"");
    assert_eq!(head.header("content-security-policy"), Some(DEMO_CSP));
    let etag = server
        .get("/", &[])
        .header("etag")
        .expect("etag")
        .to_string();
    let revalidated = server.get("/", &[("If-None-Match", &etag)]);
    assert_eq!(revalidated.status, 304);
    assert_eq!(
        revalidated.header("content-security-policy"),
        Some(DEMO_CSP)
    );

    // Scripts, styles and the widget's files are not documents: a CSP on them does nothing.
    for target in [
        "/app.js",
        "/style.css",
        "/widget/loader.js",
        "/widget/lms_support_widget.3f9a1c2b.wasm",
    ] {
        let reply = server.get(target, &[]);
        assert_eq!(reply.status, 200, "{target}");
        assert_eq!(reply.header("content-security-policy"), None, "{target}");
    }
    // Nor do error pages, which are plain text.
    let missing = server.get("/nope.html", &[]);
    assert_eq!(missing.status, 404);
    assert_eq!(missing.header("content-security-policy"), None);
}

#[test]
fn path_traversal_is_refused() {
    let s = site("traversal");
    let server = start(&s, &[]);
    assert!(Path::new(&s.path("secret.txt")).is_file());
    for target in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/course/..%2f..%2fsecret.txt",
        "/course/%2e%2e/%2e%2e/secret.txt",
        "/..%5csecret.txt",
        "/course%5c..%5c..%5csecret.txt",
        "//etc/passwd",
        "/%2fetc%2fpasswd",
        "/widget/../secret.txt",
        "/widget/%2e%2e/%2e%2e/secret.txt",
        "/.%2e/secret.txt",
    ] {
        let reply = server.get(target, &[]);
        assert_eq!(reply.status, 404, "{target}");
        assert!(!reply.text().contains("outside the static dir"), "{target}");
    }
    // A raw backslash (how Windows separates paths) is refused too.
    let raw = server.get("/course\\..\\..\\secret.txt", &[]);
    assert_eq!(raw.status, 404);
    assert!(!raw.text().contains("outside the static dir"));
}

#[cfg(unix)]
#[test]
fn symlinks_never_lead_out_of_the_served_dirs() {
    use std::os::unix::fs::symlink;
    let s = site("symlinks");
    s.write("elsewhere/page.html", b"outside the static dir too");
    let link = |target: &str, name: &str| symlink(s.path(target), s.path(name)).expect("symlink");
    link("secret.txt", "www/leak.txt");
    link("elsewhere", "www/shared");
    link(".", "www/up");
    link("secret.txt", "widget/leak.js");
    link("secret.txt", "widget/loader.js.br");
    link("www/style.css", "www/alias.css");
    link("www/course", "www/lessons");
    // The served directories themselves may be links (`current -> releases/42`).
    link("widget", "widget-current");
    link("www", "www-current");
    let (www, widget, data) = (
        s.path("www-current"),
        s.path("widget-current"),
        s.path("data"),
    );
    let server = Server::spawn(
        &[
            "--static".as_ref(),
            www.as_os_str(),
            "--widget".as_ref(),
            widget.as_os_str(),
            "--data".as_ref(),
            data.as_os_str(),
        ],
        s.path("server.log"),
    );

    for target in [
        "/leak.txt",
        "/shared/page.html",
        "/shared/",
        "/up/secret.txt",
        "/up/elsewhere/page.html",
        "/widget/leak.js",
    ] {
        let reply = server.get(target, &[]);
        assert_eq!(reply.status, 404, "{target}");
        assert!(!reply.text().contains("outside the static dir"), "{target}");
    }
    // A precompressed sibling that leads outside is skipped, not served.
    let loader = server.get("/widget/loader.js", &[("Accept-Encoding", "br, gzip")]);
    assert_eq!(loader.status, 200);
    assert_eq!(loader.header("content-encoding"), Some("gzip"));
    assert_eq!(loader.text(), "gzipped loader");

    // Links within the tree, and the plain files, are served.
    assert_eq!(server.get("/style.css", &[]).text(), "body { margin: 0 }");
    assert_eq!(server.get("/alias.css", &[]).text(), "body { margin: 0 }");
    assert!(server.get("/lessons/", &[]).text().contains("Biology 101"));
    assert!(server.get("/", &[]).text().contains("Acme Learn"));
    assert_eq!(server.get(WASM, &[]).status, 200);
}

// ---------------------------------------------------------------------------------------------
// connections

/// Whether the server has closed `stream`: EOF (after any answer it sent) or a reset, within
/// the stream's read timeout.
fn closed_by_server(stream: &mut TcpStream) -> bool {
    let mut sink = Vec::new();
    match stream.read_to_end(&mut sink) {
        Ok(_) => true,
        Err(e) => matches!(
            e.kind(),
            ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted
        ),
    }
}

#[test]
fn connections_without_a_timely_request_are_closed() {
    let s = site("header-timeout");
    let server = start(
        &s,
        &["--header-timeout", "1", "--max-connections-per-client", "0"],
    );
    let mut held: Vec<TcpStream> = (0..300)
        .map(|i| {
            let mut stream = TcpStream::connect(&server.addr).expect("connect");
            if i % 2 == 1 {
                // Half a request: the request line and a header, never the blank line.
                stream
                    .write_all(b"GET /v1/feed HTTP/1.1\r\nHost: x\r\n")
                    .expect("send");
            }
            stream
        })
        .collect();
    // A connection kept alive after a full exchange, then left idle.
    let mut idle = TcpStream::connect(&server.addr).expect("connect");
    idle.write_all(b"GET /v1/feed HTTP/1.1\r\nHost: x\r\n\r\n")
        .expect("send");
    let mut answer = [0u8; 12];
    idle.read_exact(&mut answer).expect("an answer");
    assert_eq!(&answer, b"HTTP/1.1 200");
    held.push(idle);
    // One that trickles a header, a byte at a time, and would never finish.
    let mut trickle = TcpStream::connect(&server.addr).expect("connect");
    trickle
        .write_all(b"GET / HTTP/1.1\r\nX-Slow: ")
        .expect("send");
    let trickle_start = Instant::now();
    trickle.set_nonblocking(true).expect("nonblocking");
    let mut trickle_closed = false;
    while trickle_start.elapsed() < Duration::from_secs(10) {
        if trickle.write_all(b"a").is_err() {
            trickle_closed = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        trickle_closed,
        "a header trickled for 10 s was still being read"
    );

    // Meanwhile another request is answered at once (the bound only says "not stuck").
    let started = Instant::now();
    assert_eq!(server.get("/v1/feed", &[]).status, 200);
    assert!(started.elapsed() < Duration::from_secs(5));

    // Every held connection was closed by the server, a second after it went quiet.
    let closed = held
        .iter_mut()
        .map(|stream| {
            stream
                .set_read_timeout(Some(Duration::from_secs(10)))
                .expect("timeout");
            closed_by_server(stream)
        })
        .filter(|closed| *closed)
        .count();
    assert_eq!(closed, held.len(), "connections closed by the server");
}

#[test]
fn one_client_cannot_take_every_connection() {
    let s = site("per-client");
    // A host with few descriptors: without a cap, 400 connections would exhaust them and
    // nobody else could connect.
    let feed = s.path("feed.json");
    let (www, widget, data) = (s.path("www"), s.path("widget"), s.path("data"));
    let server = Server::spawn_with_fd_limit(
        &[
            "--feed".as_ref(),
            feed.as_os_str(),
            "--static".as_ref(),
            www.as_os_str(),
            "--widget".as_ref(),
            widget.as_os_str(),
            "--data".as_ref(),
            data.as_os_str(),
        ],
        s.path("server.log"),
        256,
    );
    let mut flood: Vec<TcpStream> = (0..400)
        .map(|_| connect_from("127.0.0.2", &server.addr))
        .collect();

    // Another client is served (the bound only says "not stuck").
    let started = Instant::now();
    assert_eq!(server.get("/v1/feed", &[]).status, 200);
    assert!(started.elapsed() < Duration::from_secs(5));

    // The flooding client kept its 64 (the default cap); the rest were told to come back.
    let mut kept = 0;
    let mut refused = 0;
    for stream in &mut flood {
        stream
            .set_read_timeout(Some(Duration::from_millis(50)))
            .expect("timeout");
        let mut answer = Vec::new();
        match stream.read_to_end(&mut answer) {
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                kept += 1;
            }
            _ => {
                let text = String::from_utf8_lossy(&answer);
                assert!(
                    text.is_empty() || text.starts_with("HTTP/1.1 503 "),
                    "{text}"
                );
                if !text.is_empty() {
                    let reply = common::parse_reply(&answer, false);
                    assert_eq!(reply.header("retry-after"), Some("5"));
                }
                refused += 1;
            }
        }
    }
    assert_eq!((kept, refused), (64, 336));
    let logs = server.logs();
    assert_eq!(logs.matches("at its connection cap").count(), 1, "{logs}");
    drop(flood);
    assert_eq!(server.get("/v1/feed", &[]).status, 200);
}

#[test]
fn at_the_connection_cap_new_clients_wait_rather_than_fail() {
    let s = site("total-cap");
    let server = start(&s, &["--max-connections", "10", "--header-timeout", "1"]);
    let _silent: Vec<TcpStream> = (0..10)
        .map(|_| TcpStream::connect(&server.addr).expect("connect"))
        .collect();
    std::thread::sleep(Duration::from_millis(200));
    // Accepted once a silent connection times out.
    let started = Instant::now();
    assert_eq!(server.get("/v1/feed", &[]).status, 200);
    assert!(
        started.elapsed() >= Duration::from_millis(500),
        "it waited for a free slot"
    );
}

#[test]
fn start_up_failures_exit_with_a_message() {
    let s = Scratch::new("serve", "bad-addr");
    let out = lms_support()
        .args(["serve", "--addr", "256.0.0.1:80", "--data"])
        .arg(s.path("data"))
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot listen on 256.0.0.1:80"));
    assert!(out.stdout.is_empty());
}
