//! One-line structured logs on stderr, in logfmt (`key=value`, quoted when needed).
//!
//! Every request gets one line with method, path (without the query string, which may carry
//! secrets), client address (behind a trusted proxy, the forwarded one), status and duration.
//! `/healthz` and `/readyz` are not logged: load balancers ask every few seconds. stdout is kept for the single start-up line that scripts
//! parse; nothing else is printed there.

use crate::clock;
use crate::output;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use std::fmt::Write as _;
use std::time::Instant;

/// Writes one log line: `ts=… level=… msg=… key=value…`.
pub fn event(level: &str, msg: &str, fields: &[(&str, &str)]) {
    let mut line = format!("ts={} level={level} msg={}", clock::now(), value(msg));
    for (key, v) in fields {
        let _ = write!(line, " {key}={}", value(v));
    }
    line.push('\n');
    output::stderr(&line);
}

/// Middleware: logs each request once its response is ready.
pub async fn requests(request: Request, next: Next) -> Response {
    if matches!(request.uri().path(), "/healthz" | "/readyz") {
        return next.run(request).await;
    }
    let started = Instant::now();
    let method = request.method().to_string();
    let path = request.uri().path().to_string();
    let client = super::client_addr(&request).to_string();
    let response = next.run(request).await;
    let micros = started.elapsed().as_micros();
    event(
        "info",
        "request",
        &[
            ("method", &method),
            ("path", &path),
            ("status", response.status().as_str()),
            (
                "duration_ms",
                &format!("{}.{:03}", micros / 1000, micros % 1000),
            ),
            ("client", &client),
        ],
    );
    response
}

/// A logfmt value: bare when it is a plain token, else quoted with escapes.
fn value(v: &str) -> String {
    let plain = !v.is_empty()
        && v.chars()
            .all(|c| c.is_ascii_graphic() && c != '"' && c != '=' && c != '\\');
    if plain {
        v.to_string()
    } else {
        format!("{v:?}")
    }
}

#[cfg(test)]
mod tests {
    use super::value;

    #[test]
    fn values_are_quoted_only_when_needed() {
        assert_eq!(value("/v1/feed"), "/v1/feed");
        assert_eq!(value("cannot read feed"), "\"cannot read feed\"");
        assert_eq!(value("a=b"), "\"a=b\"");
        assert_eq!(value(""), "\"\"");
        assert_eq!(value("x\ny"), "\"x\\ny\"");
    }
}
