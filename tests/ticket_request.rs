//! Request descriptors and answers of the ticket API (design §5), without a network: the URL,
//! headers and body the widget would send, and what it makes of every status the API can give.

// Also run on wasm32 (usize is 32 bits there), in the browser run.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use lms_support_widget::ticket::request::{
    self, create_ticket, feedback, interpret_create, interpret_status, parse_http_date,
    resolve_api_base, retry_after_seconds, Receipt, Reply, SendOutcome,
};
use lms_support_widget::ticket::FieldError;
use lms_support_widget::time::Timestamp;

fn utc(text: &str) -> Timestamp {
    Timestamp::parse_rfc3339(text).unwrap()
}

fn header<'a>(req: &'a request::HttpRequest, name: &str) -> Option<&'a str> {
    req.headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

const FEED: &str = "https://support.example/v1/feeds/acme.json?client=acme#top";

#[test]
fn create_posts_the_body_verbatim_with_the_key() {
    let body = r#"{"subject":"Quiz will not open","context":{"b":"1","a":"2"}}"#;
    let req = create_ticket("https://api.example/v1/", body, "9b2f-key");
    assert_eq!(req.method, "POST");
    assert_eq!(req.url, "https://api.example/v1/tickets");
    assert_eq!(header(&req, "Content-Type"), Some("application/json"));
    assert_eq!(header(&req, "Idempotency-Key"), Some("9b2f-key"));
    assert_eq!(header(&req, "Authorization"), None);
    assert_eq!(req.body.as_deref(), Some(body));
}

#[test]
fn status_encodes_the_number_and_sends_the_token() {
    let req = request::ticket_status("https://api.example/v1", "ACME-000123", "s3cr3t");
    assert_eq!(req.method, "GET");
    assert_eq!(req.url, "https://api.example/v1/tickets/ACME-000123");
    assert_eq!(header(&req, "Authorization"), Some("Bearer s3cr3t"));
    assert_eq!(req.body, None);

    let odd = request::ticket_status("https://api.example/v1", "a/b?c#d é", "t");
    assert_eq!(
        odd.url,
        "https://api.example/v1/tickets/a%2Fb%3Fc%23d%20%C3%A9"
    );
}

#[test]
fn feedback_posts_rating_and_comment_as_json() {
    let req = feedback(
        "https://api.example/v1",
        "ACME-7",
        "tok",
        5,
        "Thanks \"a lot\"",
    );
    assert_eq!(req.method, "POST");
    assert_eq!(req.url, "https://api.example/v1/tickets/ACME-7/feedback");
    assert_eq!(header(&req, "Authorization"), Some("Bearer tok"));
    assert_eq!(header(&req, "Content-Type"), Some("application/json"));
    let body: serde_json::Value = serde_json::from_str(req.body.as_deref().unwrap()).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"rating": 5, "comment": "Thanks \"a lot\""})
    );
}

#[test]
fn api_base_resolves_like_a_browser() {
    let cases = [
        ("https://api.example/v1", "https://api.example/v1"),
        ("https://api.example/v1/", "https://api.example/v1"),
        ("HTTPS://api.example:8443/v1", "https://api.example:8443/v1"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("//api.example/v2", "https://api.example/v2"),
        ("/v1", "https://support.example/v1"),
        ("/", "https://support.example"),
        ("api", "https://support.example/v1/feeds/api"),
        ("./api/", "https://support.example/v1/feeds/api"),
        ("..", "https://support.example/v1"),
        ("../", "https://support.example/v1"),
        ("../../v2", "https://support.example/v2"),
        ("../../../../v2", "https://support.example/v2"),
        ("/a/./b/../c", "https://support.example/a/c"),
        ("https://api.example/v1#frag", "https://api.example/v1"),
        ("  /v1  ", "https://support.example/v1"),
        ("http://[::1]:8080/v1", "http://[::1]:8080/v1"),
    ];
    for (api, want) in cases {
        assert_eq!(resolve_api_base(api, FEED).as_deref(), Some(want), "{api}");
    }
    // A feed URL without a path.
    assert_eq!(
        resolve_api_base("v1", "http://localhost:8080").as_deref(),
        Some("http://localhost:8080/v1")
    );
    // An absolute API needs no usable feed URL.
    assert_eq!(
        resolve_api_base("https://api.example/v1", "feed.json").as_deref(),
        Some("https://api.example/v1")
    );
}

#[test]
fn unusable_api_bases_are_none() {
    for api in [
        "",
        "   ",
        "mailto:help@example.edu",
        "javascript:alert(1)",
        "ftp://files.example/v1",
        "https://user:pass@api.example/v1",
        "https:///v1",
        "https://api.example/v1?client=acme",
        "?client=x",
        "https://api.example:80a/v1",
        "https://api example/v1",
        "https://api.example/v 1",
        "https://api.example\\v1",
        "localhost:8080/v1",
    ] {
        assert_eq!(resolve_api_base(api, FEED), None, "{api:?}");
    }
    // Relative references need an absolute http(s) feed URL.
    assert_eq!(resolve_api_base("/v1", "feed.json"), None);
    assert_eq!(resolve_api_base("/v1", "file:///feed.json"), None);
    assert_eq!(resolve_api_base("v1", ""), None);
    // An empty reference would be the feed URL itself, query and all.
    assert_eq!(resolve_api_base("#x", FEED), None);
}

fn receipt_json() -> &'static str {
    r#"{"id": 17, "number": "ACME-000017", "token": "tok-17", "status": "open",
        "priority": "high", "response_due_at": "2026-12-06T07:00:00Z"}"#
}

#[test]
fn created_and_replayed_tickets_are_accepted() {
    let now = utc("2026-12-06T05:00:00Z");
    let want = Receipt {
        id: "17".into(),
        number: "ACME-000017".into(),
        token: "tok-17".into(),
        status: "open".into(),
        priority: "high".into(),
        response_due_at: utc("2026-12-06T07:00:00Z"),
    };
    assert_eq!(
        interpret_create(201, None, receipt_json(), now),
        SendOutcome::Accepted(want.clone())
    );
    assert_eq!(
        interpret_create(200, None, receipt_json(), now),
        SendOutcome::Accepted(want)
    );
}

#[test]
fn a_2xx_without_a_receipt_is_retried_under_the_same_key() {
    let now = Timestamp(0);
    let cases = [
        ("", "malformed response: not JSON"),
        ("[]", "malformed response: not an object"),
        (
            r#"{"token":"t","response_due_at":"2026-12-06T07:00:00Z"}"#,
            "malformed response: missing \"number\"",
        ),
        (
            r#"{"number":"A-1","response_due_at":"2026-12-06T07:00:00Z"}"#,
            "malformed response: missing \"token\"",
        ),
        (
            r#"{"number":"A-1","token":"t","response_due_at":"soon"}"#,
            "malformed response: \"response_due_at\" is not an RFC 3339 time",
        ),
    ];
    for (body, why) in cases {
        assert_eq!(
            interpret_create(201, None, body, now),
            SendOutcome::Retry(why.into()),
            "{body}"
        );
    }
    assert!(matches!(
        interpret_create(204, None, "", now),
        SendOutcome::Retry(_)
    ));
}

#[test]
fn final_4xx_are_rejected_with_their_field_errors() {
    let now = Timestamp(0);
    let body = r#"{"errors": [{"field": "email", "code": "invalid_email"},
                              {"field": "subject", "code": "too_long"}, "junk", {"code": "x"}]}"#;
    assert_eq!(
        interpret_create(422, None, body, now),
        SendOutcome::Rejected {
            status: 422,
            errors: vec![
                FieldError {
                    field: "email".into(),
                    code: "invalid_email".into()
                },
                FieldError {
                    field: "subject".into(),
                    code: "too_long".into()
                },
                FieldError {
                    field: "".into(),
                    code: "x".into()
                },
            ],
        }
    );
    for status in [400, 401, 403, 404, 409, 413, 415, 451] {
        assert_eq!(
            interpret_create(status, None, "<html>nope</html>", now),
            SendOutcome::Rejected {
                status,
                errors: vec![]
            },
            "{status}"
        );
    }
    // A hostile body cannot make the stored draft huge.
    let many = format!(
        r#"{{"errors": [{}]}}"#,
        vec![format!(r#"{{"field":"{}","code":"c"}}"#, "f".repeat(5000)); 500].join(",")
    );
    match interpret_create(422, None, &many, now) {
        SendOutcome::Rejected { errors, .. } => {
            assert_eq!(errors.len(), 50);
            assert!(errors.iter().all(|e| e.field.chars().count() == 200));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn transient_failures_are_retried() {
    let now = Timestamp(0);
    let cases = [
        (0, "network error"),
        (408, "timeout"),
        (500, "server error 500"),
        (502, "server error 502"),
        (503, "server error 503"),
        (504, "server error 504"),
        (302, "unexpected status 302"),
        (101, "unexpected status 101"),
        (799, "unexpected status 799"),
    ];
    for (status, why) in cases {
        assert_eq!(
            interpret_create(status, None, "", now),
            SendOutcome::Retry(why.into()),
            "{status}"
        );
    }
}

#[test]
fn rate_limits_honour_retry_after() {
    let now = utc("2026-12-06T05:00:00Z");
    assert_eq!(
        interpret_create(429, Some("120"), "", now),
        SendOutcome::RetryAfter(120)
    );
    assert_eq!(
        interpret_create(429, Some(" 0 "), "", now),
        SendOutcome::RetryAfter(0)
    );
    assert_eq!(
        interpret_create(429, None, "", now),
        SendOutcome::RetryAfter(60)
    );
    assert_eq!(
        interpret_create(429, Some("soon"), "", now),
        SendOutcome::RetryAfter(60)
    );
    assert_eq!(
        interpret_create(429, Some("-5"), "", now),
        SendOutcome::RetryAfter(60)
    );
    assert_eq!(
        interpret_create(429, Some("Sun, 06 Dec 2026 05:02:30 GMT"), "", now),
        SendOutcome::RetryAfter(150)
    );
    // A date in the past means "now".
    assert_eq!(
        interpret_create(429, Some("Sun, 06 Dec 2026 04:00:00 GMT"), "", now),
        SendOutcome::RetryAfter(0)
    );
    // Absurd waits are capped at a day.
    assert_eq!(
        interpret_create(429, Some("99999999999999999999999"), "", now),
        SendOutcome::RetryAfter(86_400)
    );
    assert_eq!(
        interpret_create(503, Some("30"), "", now),
        SendOutcome::RetryAfter(30)
    );
    assert_eq!(
        interpret_create(503, Some("garbage"), "", now),
        SendOutcome::RetryAfter(60)
    );
}

#[test]
fn http_dates_in_all_three_forms() {
    let want = Some(utc("1994-11-06T08:49:37Z"));
    assert_eq!(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), want);
    assert_eq!(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), want);
    assert_eq!(parse_http_date("Sun Nov  6 08:49:37 1994"), want);
    assert_eq!(
        parse_http_date("Thu, 01-Jan-30 00:00:00 GMT"),
        Some(utc("2030-01-01T00:00:00Z"))
    );
    for bad in [
        "",
        "Sun, 31 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 25:49:37 GMT",
        "Sun, 06 Nov 1994 GMT",
        "Sun, 06 Foo 1994 08:49:37 GMT",
        "06 Nov 1994 08:49:37 PST",
        "tomorrow",
        "Sun, 06 Nov 19945 08:49:37 GMT",
    ] {
        assert_eq!(parse_http_date(bad), None, "{bad}");
    }
    assert_eq!(retry_after_seconds("", Timestamp(0)), None);
}

fn status_json() -> &'static str {
    r#"{"number": "ACME-000017", "status": "resolved", "priority": "high",
        "subject": "Quiz will not open", "created_at": "2026-12-06T05:00:00Z",
        "response_due_at": "2026-12-06T07:00:00Z", "updated_at": "2026-12-06T06:10:00Z",
        "resolved_at": "2026-12-06T06:10:00+00:00",
        "replies": [{"at": "2026-12-06T06:00:00Z", "author": "Sam (support)", "body": "Try now."}],
        "feedback": {"rating": 4, "comment": "quick"}}"#
}

#[test]
fn ticket_status_reads_replies_and_feedback() {
    let status = interpret_status(200, status_json()).unwrap();
    assert_eq!(status.number, "ACME-000017");
    assert_eq!(status.status, "resolved");
    assert_eq!(status.priority, "high");
    assert_eq!(status.subject, "Quiz will not open");
    assert_eq!(status.created_at, utc("2026-12-06T05:00:00Z"));
    assert_eq!(status.response_due_at, utc("2026-12-06T07:00:00Z"));
    assert_eq!(status.updated_at, Some(utc("2026-12-06T06:10:00Z")));
    assert_eq!(status.resolved_at, Some(utc("2026-12-06T06:10:00Z")));
    assert_eq!(
        status.replies,
        vec![Reply {
            at: utc("2026-12-06T06:00:00Z"),
            author: "Sam (support)".into(),
            body: "Try now.".into()
        }]
    );
    assert_eq!(status.feedback, Some((4, "quick".into())));

    let open = r#"{"number": "A-1", "status": "open", "created_at": "2026-12-06T05:00:00Z",
        "response_due_at": "2026-12-06T07:00:00Z", "updated_at": null, "resolved_at": null,
        "replies": [], "feedback": null}"#;
    let open = interpret_status(200, open).unwrap();
    assert_eq!(
        (open.resolved_at, open.feedback, open.replies.len()),
        (None, None, 0)
    );
}

#[test]
fn ticket_status_errors_say_what_happened() {
    assert_eq!(
        interpret_status(401, "").unwrap_err(),
        "the ticket token was refused"
    );
    assert_eq!(
        interpret_status(403, "").unwrap_err(),
        "the ticket token was refused"
    );
    assert_eq!(interpret_status(404, "").unwrap_err(), "ticket not found");
    assert_eq!(
        interpret_status(500, "").unwrap_err(),
        "the server answered 500"
    );
    assert_eq!(interpret_status(0, "").unwrap_err(), "network error");
    assert_eq!(
        interpret_status(200, "{}").unwrap_err(),
        "malformed response: missing \"number\""
    );
    assert_eq!(
        interpret_status(200, r#"{"number":"A","status":"open","created_at":"x"}"#).unwrap_err(),
        "malformed response: \"created_at\" is not an RFC 3339 time"
    );
    assert_eq!(
        interpret_status(
            200,
            r#"{"number":"A","status":"open","created_at":"2026-12-06T05:00:00Z",
                "response_due_at":"2026-12-06T07:00:00Z","replies":{}}"#
        )
        .unwrap_err(),
        "malformed response: \"replies\" is not an array"
    );
}

#[test]
fn no_input_panics() {
    // Bodies and headers come from the network: any bytes at all.
    let mut seed = 0x9E37_79B9_7F4A_7C15_u64;
    let alphabet: Vec<char> = "{}[]\":,0123456789abc -+.TZ:\\é\u{0}".chars().collect();
    for _ in 0..3000 {
        let mut text = String::new();
        for _ in 0..(seed % 40) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            text.push(alphabet[(seed % alphabet.len() as u64) as usize]);
        }
        let status = (seed % 700) as u16;
        let _ = interpret_create(status, Some(&text), &text, Timestamp(seed as i64));
        let _ = interpret_status(200, &text);
        let _ = parse_http_date(&text);
        let _ = resolve_api_base(&text, &text);
        let _ = resolve_api_base(&text, FEED);
    }
}
