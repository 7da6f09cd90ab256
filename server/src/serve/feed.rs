//! `GET /v1/feed`: the feed, public and cacheable by revalidation.
//!
//! The file is read on every request, so a vendor's edit shows on the next fetch with a new
//! `ETag`; a feed is a few kilobytes, cheaper to read than to watch. The widget sends
//! `If-None-Match` and gets `304` while nothing changed. The bytes are served as written:
//! validation is `lms-support check`'s job, and the widget skips bad entries itself.

use super::http::{etag, not_modified, respond, set};
use super::log;
use super::App;
use axum::body::{Body, Bytes};
use axum::extract::{RawQuery, State};
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::{Response, StatusCode};
use std::path::PathBuf;
use std::sync::Arc;

/// Where the feed comes from.
#[derive(Clone, Debug)]
pub enum FeedSource {
    /// A file, read on each request.
    File(PathBuf),
    /// Fixed bytes (the demo feed generated at start-up).
    Fixed(Bytes),
}

/// `GET` and `HEAD /v1/feed`. Under `--config`, `?client=ID` picks the client whose feed is
/// assembled ([`super::clients`]); with `--feed` any query string is ignored (`?client=acme`
/// is then for the vendor's own routing).
pub async fn get(
    State(app): State<Arc<App>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response<Body> {
    if let Some(clients) = &app.clients {
        return super::clients::feed_response(&app, clients, query.as_deref(), &headers).await;
    }
    let bytes = match &app.feed {
        FeedSource::Fixed(bytes) => bytes.clone(),
        FeedSource::File(path) => match tokio::fs::read(path).await {
            Ok(bytes) => Bytes::from(bytes),
            Err(e) => {
                log::event(
                    "error",
                    "cannot read feed",
                    &[
                        ("file", &path.display().to_string()),
                        ("error", &e.to_string()),
                    ],
                );
                let mut response = respond(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "application/json",
                    r#"{"error":"feed_unavailable","message":"the feed cannot be read right now; try again later"}"#,
                );
                response
                    .headers_mut()
                    .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
                return response;
            }
        },
    };
    let tag = etag(&bytes, "");
    let mut response = if not_modified(&headers, &tag) {
        let mut r = Response::new(Body::empty());
        *r.status_mut() = StatusCode::NOT_MODIFIED;
        r
    } else {
        respond(StatusCode::OK, "application/json", bytes)
    };
    set(&mut response, header::ETAG, &tag);
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}
