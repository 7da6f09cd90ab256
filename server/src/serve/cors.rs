//! CORS, from `tower-http`'s layer, for the two kinds of routes a page on another origin calls.
//!
//! **Public routes** ([`public`]): the feed and the widget's files. Any page may read them
//! (`Access-Control-Allow-Origin: *`, no credentials) and the feed's `ETag` and `Retry-After`;
//! a cross-origin feed request is preflighted because the widget revalidates with
//! `If-None-Match`. The answer is the same for every origin, so it does not vary by `Origin`.
//!
//! **The ticket API** ([`layer`]): only the origins given with `--allow-origin` (design §5), or
//! under `--config` the origins of the client whose API it is (`/v1/clients/{id}/…`).
//! A page on an allowed origin gets `Access-Control-Allow-Origin` naming that origin (never
//! `*`, and no credentials: the API uses bearer tokens, not cookies) and may read
//! `Retry-After` and `ETag`. Any other origin gets no `Access-Control-Allow-Origin`, so the
//! browser keeps the response from the page (the layer still lists the methods and headers
//! in a preflight and the exposed headers in a response: they grant nothing without it).
//! Same-origin requests (the demo, whose feed says `"api": "/v1"`) need none of this. Every
//! ticket response varies by `Origin`, so a cache cannot hand one origin's answer to another.
//!
//! This is not access control: a script outside a browser can call the API from anywhere.
//! Rate limits, validation and tokens protect it; CORS only decides which pages' scripts may
//! read the answers. The admin API has no CORS layer: it is for servers and the console on the
//! same origin.

use super::App;
use axum::http::header::{self, HeaderName, HeaderValue};
use axum::http::{Method, Uri};
use std::sync::Arc;
use std::time::Duration;
use tower_http::cors::{AllowOrigin, CorsLayer};

/// How long a browser may cache a preflight answer.
const MAX_AGE: Duration = Duration::from_secs(600);
/// How long for the public routes, whose answer never changes.
const PUBLIC_MAX_AGE: Duration = Duration::from_secs(86_400);

/// The CORS layer of the public routes (the feed, the widget's files): every origin may read
/// them. A preflight (any `OPTIONS`) is answered by the layer: `200`, `GET`/`HEAD` with
/// `If-None-Match`, cached for a day. An actual response carries
/// `Access-Control-Allow-Origin: *` and lets the page read `ETag` (the widget's
/// revalidation) and `Retry-After` (a feed that cannot be read now).
pub fn public() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(AllowOrigin::any())
        .allow_methods([Method::GET, Method::HEAD, Method::OPTIONS])
        .allow_headers([header::IF_NONE_MATCH])
        .expose_headers([header::ETAG, header::RETRY_AFTER])
        .max_age(PUBLIC_MAX_AGE)
        // The same answer for every origin: nothing to vary by.
        .vary(Vec::new())
}

/// The CORS layer of the ticket routes (`tower-http`'s): the request's `Origin` is allowed
/// when it is one of the origins of the client whose path it is ([`allowed`]). A preflight
/// (any `OPTIONS`) is answered by the layer itself: `200`, the methods and headers a page may
/// use, and `Access-Control-Allow-Origin` only for an allowed origin, which is what the
/// browser checks. Every response varies by `Origin`, and an actual response lets the page
/// read `Retry-After` (the outbox's backoff) and `ETag` (the status check's `If-None-Match`).
pub fn layer(app: Arc<App>) -> CorsLayer {
    CorsLayer::new()
        .allow_origin(AllowOrigin::predicate(move |origin, parts| {
            allowed(&app, &parts.uri, origin)
        }))
        .allow_methods([Method::GET, Method::POST, Method::OPTIONS])
        .allow_headers([
            header::CONTENT_TYPE,
            HeaderName::from_static("idempotency-key"),
            header::AUTHORIZATION,
            header::IF_NONE_MATCH,
        ])
        .expose_headers([header::RETRY_AFTER, header::ETAG])
        .max_age(MAX_AGE)
        .vary([header::ORIGIN])
}

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

/// Whether `origin` is one of the origins allowed for this path: under `--config` those of
/// the client named in `/v1/clients/{id}/…`, else those given with `--allow-origin`.
fn allowed(app: &App, uri: &Uri, origin: &HeaderValue) -> bool {
    let Ok(text) = origin.to_str().map(str::to_ascii_lowercase) else {
        return false;
    };
    match (
        &app.clients,
        uri.path()
            .strip_prefix("/v1/clients/")
            .and_then(|rest| rest.split('/').next()),
    ) {
        (Some(clients), Some(id)) => clients
            .client(id)
            .is_some_and(|client| client.origins.contains(&text)),
        (None, None) => app.tickets.allowed_origins.contains(&text),
        _ => false,
    }
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
