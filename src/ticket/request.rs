//! The ticket API calls of design §5 as pure request descriptors, and what each answer means.
//!
//! Nothing here touches the network: [`create_ticket`], [`ticket_status`] and [`feedback`] build
//! an [`HttpRequest`] that the browser layer executes, and [`interpret_create`] and
//! [`interpret_status`] turn the status, headers and body it got back into data. This module does
//! not build ticket bodies (see the rest of [`crate::ticket`]) and does not decide *when* to
//! send; that is [`crate::ticket::outbox`].
//!
//! ```
//! use lms_support_widget::ticket::request::{self, SendOutcome};
//! use lms_support_widget::time::Timestamp;
//!
//! let api = request::resolve_api_base("../v1/", "https://support.example/feeds/feed.json?client=acme")
//!     .expect("a usable API base");
//! assert_eq!(api, "https://support.example/v1");
//! let req = request::create_ticket(&api, r#"{"subject":"Cannot log in"}"#, "5f0c…");
//! assert_eq!(req.url, "https://support.example/v1/tickets");
//!
//! let now = Timestamp(1_800_000_000);
//! assert_eq!(request::interpret_create(429, Some("120"), "", now), SendOutcome::RetryAfter(120));
//! ```

use crate::base::decimal::{parse_int, parse_unsigned};
use crate::base::json::{Map, Value};

use super::FieldError;
use crate::base::time::{CivilDate, CivilDateTime, Timestamp};

/// How long to wait after a `429` (or a `503` that says to wait) without a usable `Retry-After`.
pub const DEFAULT_RETRY_AFTER_SECONDS: i64 = 60;

/// The longest `Retry-After` honoured, one day: a misconfigured server must not park a ticket for
/// months. Longer values are read as this.
pub const MAX_RETRY_AFTER_SECONDS: i64 = 86_400;

/// Field errors kept from one answer; the rest are dropped so a hostile body cannot fill storage.
const MAX_ERRORS: usize = 50;

/// Characters kept of each string taken from an error body.
const MAX_ERROR_TEXT: usize = 200;

/// One HTTP request, as data. The browser layer passes it to `fetch` unchanged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpRequest {
    /// `GET` or `POST`.
    pub method: &'static str,
    /// The absolute URL.
    pub url: String,
    /// Header names and values, in the order to set them.
    pub headers: Vec<(String, String)>,
    /// The body, for `POST`.
    pub body: Option<String>,
}

/// `POST {api}/tickets` with the ticket JSON and the idempotency key made when Send was pressed.
///
/// `body_json` is sent byte for byte as given: the server compares bodies replayed under one key,
/// so a retry must not rebuild it.
pub fn create_ticket(api_base: &str, body_json: &str, idempotency_key: &str) -> HttpRequest {
    HttpRequest {
        method: "POST",
        url: format!("{}/tickets", trim_base(api_base)),
        headers: vec![
            header("Content-Type", "application/json"),
            header("Accept", "application/json"),
            header("Idempotency-Key", idempotency_key),
        ],
        body: Some(body_json.to_string()),
    }
}

/// `GET {api}/tickets/{number}` with the ticket's bearer token. `number` is percent-encoded.
pub fn ticket_status(api_base: &str, number: &str, token: &str) -> HttpRequest {
    HttpRequest {
        method: "GET",
        url: format!("{}/tickets/{}", trim_base(api_base), percent_encode(number)),
        headers: vec![
            header("Accept", "application/json"),
            header("Authorization", &format!("Bearer {token}")),
        ],
        body: None,
    }
}

/// `POST {api}/tickets/{number}/feedback` with `{"rating", "comment"}` and the bearer token.
///
/// The rating is sent as given; the server answers `422` outside 1–5 (the form offers only 1–5).
pub fn feedback(
    api_base: &str,
    number: &str,
    token: &str,
    rating: u8,
    comment: &str,
) -> HttpRequest {
    let mut body = Map::new();
    body.insert("rating".into(), Value::from(rating));
    body.insert("comment".into(), Value::from(comment));
    HttpRequest {
        method: "POST",
        url: format!(
            "{}/tickets/{}/feedback",
            trim_base(api_base),
            percent_encode(number)
        ),
        headers: vec![
            header("Content-Type", "application/json"),
            header("Accept", "application/json"),
            header("Authorization", &format!("Bearer {token}")),
        ],
        body: Some(Value::Object(body).to_json()),
    }
}

fn header(name: &str, value: &str) -> (String, String) {
    (name.to_string(), value.to_string())
}

fn trim_base(api_base: &str) -> &str {
    api_base.trim_end_matches('/')
}

/// Percent-encodes everything but RFC 3986 unreserved characters, so a path segment stays one.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            // `%{:02X}` written out: its one use of hexadecimal formatting in the Wasm.
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0x0f)]));
        }
    }
    out
}

/// Resolves the feed's `support.api` against the feed's URL (RFC 3986 §5.2), giving an absolute
/// `http`/`https` base without a trailing slash.
///
/// Handles absolute URLs, scheme-relative (`//api.example/v1`), absolute-path (`/v1`) and
/// relative-path (`v1`, `./v1`, `../v1`) references; dot segments are removed.
///
/// Returns `None` when the result is unusable as an API base: empty, another scheme
/// (`mailto:`, `javascript:`), no host, credentials in the URL (`fetch` refuses them), a query
/// string, spaces, control characters or backslashes, or a relative reference against a feed
/// URL that is not itself absolute `http(s)`. A fragment is dropped (it is never sent).
pub fn resolve_api_base(api: &str, feed_url: &str) -> Option<String> {
    if api.trim().is_empty() {
        return None;
    }
    let reference = split_url(api.trim());
    let (scheme, authority, path) = if let Some(scheme) = reference.scheme {
        (
            scheme.to_ascii_lowercase(),
            reference.authority?.to_string(),
            remove_dot_segments(reference.path),
        )
    } else {
        let base = split_url(feed_url.trim());
        let scheme = base.scheme?.to_ascii_lowercase();
        let base_authority = base.authority?;
        if let Some(authority) = reference.authority {
            (
                scheme,
                authority.to_string(),
                remove_dot_segments(reference.path),
            )
        } else if reference.path.is_empty() {
            // An empty path keeps the feed's path and, per the RFC, its query: unusable below
            // when the feed URL has one.
            if reference.query.is_none() && base.query.is_some() {
                return None;
            }
            (
                scheme,
                base_authority.to_string(),
                remove_dot_segments(base.path),
            )
        } else if reference.path.starts_with('/') {
            (
                scheme,
                base_authority.to_string(),
                remove_dot_segments(reference.path),
            )
        } else {
            let merged = if base.path.is_empty() {
                format!("/{}", reference.path)
            } else {
                let dir = base.path.rfind('/').map_or("", |i| &base.path[..=i]);
                format!("{dir}{}", reference.path)
            };
            (
                scheme,
                base_authority.to_string(),
                remove_dot_segments(&merged),
            )
        }
    };
    if scheme != "http" && scheme != "https" || reference.query.is_some() {
        return None;
    }
    if authority.is_empty() || authority.contains('@') || !valid_port(&authority) {
        return None;
    }
    let url = format!("{scheme}://{authority}{path}");
    if url
        .chars()
        .any(|c| c.is_control() || c.is_whitespace() || c == '\\')
    {
        return None;
    }
    Some(url.trim_end_matches('/').to_string())
}

/// The five parts of a URI reference (RFC 3986 appendix B); `path` may be empty.
struct UrlParts<'a> {
    scheme: Option<&'a str>,
    authority: Option<&'a str>,
    path: &'a str,
    query: Option<&'a str>,
}

fn split_url(text: &str) -> UrlParts<'_> {
    // The fragment never matters here: drop it first.
    let text = text.split('#').next().unwrap_or("");
    let (text, query) = match text.split_once('?') {
        Some((before, query)) => (before, Some(query)),
        None => (text, None),
    };
    let scheme_end = text.find(':').filter(|&i| {
        let s = &text[..i];
        !s.contains('/')
            && s.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
    });
    let (scheme, rest) = match scheme_end {
        Some(i) => (Some(&text[..i]), &text[i + 1..]),
        None => (None, text),
    };
    let (authority, path) = match rest.strip_prefix("//") {
        Some(after) => {
            let end = after.find('/').unwrap_or(after.len());
            (Some(&after[..end]), &after[end..])
        }
        None => (None, rest),
    };
    UrlParts {
        scheme,
        authority,
        path,
        query,
    }
}

/// A port, when present after the host, is digits only (an IPv6 literal keeps its colons).
fn valid_port(authority: &str) -> bool {
    let host_end = authority.rfind(']').map_or(0, |i| i + 1);
    match authority[host_end..].rsplit_once(':') {
        Some((host, port)) => {
            (host_end > 0 || !host.is_empty()) && port.bytes().all(|b| b.is_ascii_digit())
        }
        None => host_end > 0 || !authority.is_empty(),
    }
}

/// RFC 3986 §5.2.4.
fn remove_dot_segments(path: &str) -> String {
    let mut input = path;
    let mut output: Vec<&str> = Vec::new();
    while !input.is_empty() {
        if let Some(rest) = input
            .strip_prefix("../")
            .or_else(|| input.strip_prefix("./"))
        {
            input = rest;
        } else if input.starts_with("/./") {
            input = &input[2..];
        } else if input == "/." {
            input = "/";
        } else if input.starts_with("/../") || input == "/.." {
            input = if input == "/.." { "/" } else { &input[3..] };
            output.pop();
        } else if input == "." || input == ".." {
            input = "";
        } else {
            let start = usize::from(input.starts_with('/'));
            let end = input[start..].find('/').map_or(input.len(), |i| i + start);
            output.push(&input[..end]);
            input = &input[end..];
        }
    }
    output.concat()
}

/// What the API gave back for a created ticket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Receipt {
    /// The server's id (a number is kept as its decimal text).
    pub id: String,
    /// The human ticket number, `ACME-000123`.
    pub number: String,
    /// The bearer token that reads the ticket's status; the only copy is in this browser.
    pub token: String,
    /// `open` on creation.
    pub status: String,
    /// The priority the server assigned.
    pub priority: String,
    /// When the first response is due.
    pub response_due_at: Timestamp,
}

/// What to do after one attempt to create a ticket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SendOutcome {
    /// `201` created, or `200` for a replayed idempotency key: the ticket exists.
    Accepted(Receipt),
    /// A final `4xx` (`400`, `401`, `403`, `404`, `409`, `413`, `422`, …): sending the same body
    /// again cannot succeed. `errors` holds the body's `errors` when it had any.
    Rejected {
        /// The HTTP status.
        status: u16,
        /// Field errors from the body, possibly empty.
        errors: Vec<FieldError>,
    },
    /// The server asked to wait at least this many seconds (`429`, or `503` with `Retry-After`).
    RetryAfter(i64),
    /// A transient failure; the reason is shown to the learner next to "queued".
    Retry(String),
}

/// Reads the answer to [`create_ticket`].
///
/// `status` 0 stands for "no answer" (the browser layer's network error). `retry_after` is the
/// `Retry-After` header: delay-seconds or an HTTP-date, measured from `now`; missing or
/// unreadable means [`DEFAULT_RETRY_AFTER_SECONDS`], and values are clamped to
/// 0–[`MAX_RETRY_AFTER_SECONDS`].
///
/// A `2xx` whose body is not a receipt is [`SendOutcome::Retry`]: the ticket may well exist, and
/// sending again under the same key makes the server replay it.
pub fn interpret_create(
    status: u16,
    retry_after: Option<&str>,
    body: &str,
    now: Timestamp,
) -> SendOutcome {
    match status {
        200 | 201 => match receipt_of(body) {
            Ok(receipt) => SendOutcome::Accepted(receipt),
            Err(why) => SendOutcome::Retry(format!("malformed response: {why}")),
        },
        0 => SendOutcome::Retry("network error".into()),
        408 => SendOutcome::Retry("timeout".into()),
        429 => SendOutcome::RetryAfter(
            retry_after
                .and_then(|h| retry_after_seconds(h, now))
                .unwrap_or(DEFAULT_RETRY_AFTER_SECONDS),
        ),
        503 if retry_after.is_some() => SendOutcome::RetryAfter(
            retry_after
                .and_then(|h| retry_after_seconds(h, now))
                .unwrap_or(DEFAULT_RETRY_AFTER_SECONDS),
        ),
        400..=499 => SendOutcome::Rejected {
            status,
            errors: errors_of(body),
        },
        500..=599 => SendOutcome::Retry(format!("server error {status}")),
        _ => SendOutcome::Retry(format!("unexpected status {status}")),
    }
}

/// Seconds to wait for a `Retry-After` value, clamped to 0–[`MAX_RETRY_AFTER_SECONDS`].
pub fn retry_after_seconds(header: &str, now: Timestamp) -> Option<i64> {
    let header = header.trim();
    let seconds = if !header.is_empty() && header.bytes().all(|b| b.is_ascii_digit()) {
        // Digits beyond i64 are "a very long time".
        parse_int(header).unwrap_or(i64::MAX)
    } else {
        parse_http_date(header)?
            .seconds()
            .saturating_sub(now.seconds())
    };
    Some(seconds.clamp(0, MAX_RETRY_AFTER_SECONDS))
}

/// An HTTP-date (RFC 9110 §5.6.7) in any of its three forms: `Sun, 06 Nov 1994 08:49:37 GMT`,
/// `Sunday, 06-Nov-94 08:49:37 GMT` and `Sun Nov  6 08:49:37 1994`. The weekday is not checked.
pub fn parse_http_date(text: &str) -> Option<Timestamp> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let mut tokens = text
        .split(|c: char| c.is_whitespace() || c == ',' || c == '-')
        .filter(|t| !t.is_empty())
        .peekable();
    // A leading weekday name is skipped, not checked.
    if tokens
        .peek()
        .is_some_and(|t| t.bytes().all(|b| b.is_ascii_alphabetic()))
        && tokens
            .peek()
            .is_some_and(|t| !MONTHS.contains(&t.to_ascii_lowercase().as_str()))
    {
        tokens.next();
    }
    let (mut month, mut numbers, mut clock) = (None, Vec::new(), None);
    for token in tokens {
        let lower = token.to_ascii_lowercase();
        if let Some(m) = MONTHS.iter().position(|m| *m == lower) {
            month = Some(m as u8 + 1);
        } else if token.contains(':') {
            let parts: Vec<u8> = token.split(':').filter_map(parse_unsigned).collect();
            match parts[..] {
                [h, m, s] if h < 24 && m < 60 && s <= 60 => clock = Some((h, m, s.min(59))),
                _ => return None,
            }
        } else if token.bytes().all(|b| b.is_ascii_digit()) && token.len() <= 4 {
            numbers.push(token);
        } else if lower != "gmt" && lower != "utc" {
            return None;
        }
    }
    // In all three forms the day comes before the year.
    let [day, year] = numbers[..] else {
        return None;
    };
    let day: u8 = parse_unsigned(day).filter(|_| day.len() <= 2)?;
    let year = match (year.len(), i32::try_from(parse_int(year)?).ok()?) {
        // RFC 850 two-digit years; for a Retry-After it is always 19xx or 20xx.
        (2, y) if y < 70 => 2000 + y,
        (2, y) => 1900 + y,
        (4, y) => y,
        _ => return None,
    };
    let date = CivilDate::new(year, month?, day)?;
    let (hour, minute, second) = clock?;
    Some(
        CivilDateTime {
            date,
            hour,
            minute,
            second,
        }
        .as_if_utc(),
    )
}

fn receipt_of(body: &str) -> Result<Receipt, String> {
    let value: Value = crate::base::json::from_str(body).map_err(|_| "not JSON".to_string())?;
    let obj = value.as_object().ok_or("not an object")?;
    let number = required_text(obj, "number")?;
    Ok(Receipt {
        id: text_or_number(obj, "id").unwrap_or_else(|| number.clone()),
        token: required_text(obj, "token")?,
        status: text(obj, "status").unwrap_or_else(|| "open".into()),
        priority: text(obj, "priority").unwrap_or_default(),
        response_due_at: required_time(obj, "response_due_at")?,
        number,
    })
}

/// The `errors` array of a `4xx` body; anything else in the body is ignored.
fn errors_of(body: &str) -> Vec<FieldError> {
    let Ok(value) = crate::base::json::from_str(body) else {
        return Vec::new();
    };
    let Some(errors) = value.get("errors").and_then(Value::as_array) else {
        return Vec::new();
    };
    errors
        .iter()
        .filter_map(Value::as_object)
        .take(MAX_ERRORS)
        .map(|e| FieldError {
            field: clip(&text(e, "field").unwrap_or_default()),
            code: clip(&text(e, "code").unwrap_or_else(|| "invalid".into())),
        })
        .collect()
}

fn clip(text: &str) -> String {
    text.chars().take(MAX_ERROR_TEXT).collect()
}

/// A ticket as `GET {api}/tickets/{number}` shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TicketStatus {
    /// `ACME-000123`.
    pub number: String,
    /// `open`, `pending`, `resolved` or `closed`.
    pub status: String,
    /// The priority.
    pub priority: String,
    /// The subject the learner wrote.
    pub subject: String,
    /// When the ticket was created.
    pub created_at: Timestamp,
    /// When the first response is due.
    pub response_due_at: Timestamp,
    /// Last change, if the server says.
    pub updated_at: Option<Timestamp>,
    /// When it was resolved, if it is.
    pub resolved_at: Option<Timestamp>,
    /// Agent replies, oldest first as the server lists them.
    pub replies: Vec<Reply>,
    /// The learner's rating (1–5) and comment, once given.
    pub feedback: Option<(u8, String)>,
}

/// One agent reply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    /// When it was written.
    pub at: Timestamp,
    /// Who wrote it, as the server names them (may be empty).
    pub author: String,
    /// The text, plain (the UI renders it as text, never HTML).
    pub body: String,
}

/// Reads the answer to [`ticket_status`].
///
/// # Errors
/// A lowercase message: `the ticket token was refused` (401, 403), `ticket not found` (404),
/// `the server answered 500`, or `malformed response: …` naming the missing field.
pub fn interpret_status(status: u16, body: &str) -> Result<TicketStatus, String> {
    match status {
        200 => status_of(body).map_err(|why| format!("malformed response: {why}")),
        0 => Err("network error".into()),
        401 | 403 => Err("the ticket token was refused".into()),
        404 => Err("ticket not found".into()),
        _ => Err(format!("the server answered {status}")),
    }
}

fn status_of(body: &str) -> Result<TicketStatus, String> {
    let value: Value = crate::base::json::from_str(body).map_err(|_| "not JSON".to_string())?;
    let obj = value.as_object().ok_or("not an object")?;
    let replies = match obj.get("replies") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| {
                let r = item.as_object().ok_or("a reply is not an object")?;
                Ok(Reply {
                    at: required_time(r, "at")?,
                    author: text(r, "author").unwrap_or_default(),
                    body: text(r, "body").unwrap_or_default(),
                })
            })
            .collect::<Result<_, String>>()?,
        Some(_) => return Err("\"replies\" is not an array".into()),
    };
    let feedback = obj.get("feedback").and_then(Value::as_object).map(|f| {
        let rating = f.get("rating").and_then(Value::as_u64).unwrap_or(0).min(5) as u8;
        (rating, text(f, "comment").unwrap_or_default())
    });
    Ok(TicketStatus {
        number: required_text(obj, "number")?,
        status: required_text(obj, "status")?,
        priority: text(obj, "priority").unwrap_or_default(),
        subject: text(obj, "subject").unwrap_or_default(),
        created_at: required_time(obj, "created_at")?,
        response_due_at: required_time(obj, "response_due_at")?,
        updated_at: optional_time(obj, "updated_at")?,
        resolved_at: optional_time(obj, "resolved_at")?,
        replies,
        feedback,
    })
}

fn text(obj: &Map, key: &str) -> Option<String> {
    obj.get(key).and_then(Value::as_str).map(String::from)
}

fn text_or_number(obj: &Map, key: &str) -> Option<String> {
    match obj.get(key)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_json()),
        _ => None,
    }
}

fn required_text(obj: &Map, key: &str) -> Result<String, String> {
    text(obj, key)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| format!("missing \"{key}\""))
}

fn required_time(obj: &Map, key: &str) -> Result<Timestamp, String> {
    optional_time(obj, key)?.ok_or_else(|| format!("missing \"{key}\""))
}

fn optional_time(obj: &Map, key: &str) -> Result<Option<Timestamp>, String> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Timestamp::parse_rfc3339(s)
            .map(Some)
            .map_err(|_| format!("\"{key}\" is not an RFC 3339 time")),
        Some(_) => Err(format!("\"{key}\" is not an RFC 3339 time")),
    }
}
