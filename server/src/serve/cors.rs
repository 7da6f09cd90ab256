//! CORS for the ticket API: only the origins given with `--allow-origin` (design §5), or
//! under `--config` the origins of the client whose API it is (`/v1/clients/{id}/…`).
//!
//! A page on an allowed origin gets `Access-Control-Allow-Origin` naming that origin (never
//! `*`, and no credentials: the API uses bearer tokens, not cookies) and may read
//! `Retry-After`. Any other origin gets no CORS headers at all, so the browser keeps the
//! response from the page. Same-origin requests (the demo, whose feed says `"api": "/v1"`)
//! need none of this. Every ticket response varies by `Origin`, so a cache cannot hand one
//! origin's answer to another.
//!
//! This is not access control: a script outside a browser can call the API from anywhere.
//! Rate limits, validation and tokens protect it; CORS only decides which pages' scripts may
//! read the answers.

use super::App;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::Uri;
use axum::http::{Response, StatusCode};
use axum::middleware::Next;
use std::sync::Arc;

/// Methods the ticket API answers.
const METHODS: &str = "GET, POST, OPTIONS";
/// Request headers a page may send.
const HEADERS: &str = "Content-Type, Idempotency-Key, Authorization, If-None-Match";
/// How long a browser may cache a preflight answer (seconds).
const MAX_AGE: &str = "600";

/// Checks an `--allow-origin` value and returns it in canonical form: `scheme://host[:port]`,
/// lowercase, no trailing slash.
///
/// # Errors
/// A message naming the value when it is not an http(s) origin.
pub fn parse_origin(text: &str) -> Result<String, String> {
    let origin = text.trim().trim_end_matches('/').to_ascii_lowercase();
    let rest = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"));
    let valid = rest.is_some_and(|host| {
        !host.is_empty()
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b))
    });
    if valid {
        Ok(origin)
    } else {
        Err(format!(
            "invalid --allow-origin {text:?}: give an origin like https://lms.example.edu (scheme, host and optional port, no path)"
        ))
    }
}

/// The request's `Origin` when it is one of the origins allowed for this path.
fn allowed_origin<'a>(app: &App, uri: &Uri, headers: &'a HeaderMap) -> Option<&'a HeaderValue> {
    let origin = headers.get(header::ORIGIN)?;
    let text = origin.to_str().ok()?.to_ascii_lowercase();
    let allowed = match (
        &app.clients,
        uri.path()
            .strip_prefix("/v1/clients/")
            .and_then(|rest| rest.split('/').next()),
    ) {
        (Some(clients), Some(id)) => clients.client(id)?.origins.contains(&text),
        (None, None) => app.tickets.allowed_origins.contains(&text),
        _ => false,
    };
    allowed.then_some(origin)
}

/// Middleware for the ticket routes: adds the CORS headers for an allowed origin.
pub async fn headers(State(app): State<Arc<App>>, request: Request, next: Next) -> Response<Body> {
    let origin = allowed_origin(&app, request.uri(), request.headers()).cloned();
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.append(header::VARY, HeaderValue::from_static("Origin"));
    if let Some(origin) = origin {
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        h.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static("Retry-After, ETag"),
        );
    }
    response
}

/// `OPTIONS` on a ticket route: the preflight. An allowed origin learns the methods and
/// headers it may use; any other gets `204` with no CORS headers, which the browser reads as
/// a refusal.
pub async fn preflight(
    State(app): State<Arc<App>>,
    uri: Uri,
    headers: HeaderMap,
) -> Response<Body> {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::NO_CONTENT;
    if allowed_origin(&app, &uri, &headers).is_some() {
        let h = response.headers_mut();
        h.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static(METHODS),
        );
        h.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static(HEADERS),
        );
        h.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from_static(MAX_AGE),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::parse_origin;

    #[test]
    fn origins_are_canonical() {
        assert_eq!(
            parse_origin("https://LMS.Example.edu/"),
            Ok("https://lms.example.edu".to_string())
        );
        assert_eq!(
            parse_origin("http://127.0.0.1:8080"),
            Ok("http://127.0.0.1:8080".to_string())
        );
        for bad in [
            "*",
            "lms.example.edu",
            "https://",
            "https://lms.example.edu/path",
            "ftp://x",
        ] {
            assert!(parse_origin(bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse_origin("lms.example.edu").unwrap_err(),
            "invalid --allow-origin \"lms.example.edu\": give an origin like https://lms.example.edu (scheme, host and optional port, no path)"
        );
    }
}
