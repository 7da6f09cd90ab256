//! `POST /v1/clients/{client}/events` (`POST /v1/events` with `--feed`): the widget's anonymous
//! help events, added to the client's daily counts (issue 18).
//!
//! Only for a client whose support block says `"help_events": true`. The batch is checked
//! field by field by the core (`lms_support_widget::help_events::parse_batch`, which refuses any
//! field it does not know) and only its counts are written, durably, before `204`; nothing
//! about the sender (address, page, time of day) is stored, and the request log line carries
//! no body. A learner's page never waits on this call, so its answers are short and it has its
//! own budget per address ([`BATCHES_PER_HOUR`]).

use super::tickets::{errors, is_json, rate_limited, scope, support, write_error, Scope};
use super::App;
use crate::clock;
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::header;
use axum::http::{Response, StatusCode};
use lms_support_widget::help_events::{parse_batch, tally};
use lms_support_widget::time::Timestamp;
use serde_json::json;
use std::sync::Arc;

/// Batches one address may send per hour: a school behind one address has many learners, and
/// a refused batch is only a lost count.
pub const BATCHES_PER_HOUR: u32 = 600;
/// Largest body read: 50 events of a few dozen bytes each, with room.
pub const BODY_MAX: usize = 32 * 1024;

/// `POST /v1/events`.
pub async fn record(State(app): State<Arc<App>>, request: Request) -> Response<Body> {
    match scope(&app, None) {
        Some(scope) => record_in(&app, scope, request).await,
        None => errors(StatusCode::NOT_FOUND, &[("client", "not_found")]),
    }
}

/// `POST /v1/clients/{client}/events`.
pub async fn record_for_client(
    State(app): State<Arc<App>>,
    Path(client): Path<String>,
    request: Request,
) -> Response<Body> {
    match scope(&app, Some(&client)) {
        Some(scope) => record_in(&app, scope, request).await,
        None => errors(StatusCode::NOT_FOUND, &[("client", "not_found")]),
    }
}

async fn record_in(app: &App, scope: Scope, request: Request) -> Response<Body> {
    let allowed = match &scope.support {
        Some(own) => own.as_ref().is_some_and(|s| s.help_events),
        None => support(app).await.is_some_and(|s| s.help_events),
    };
    if !allowed {
        return errors(StatusCode::FORBIDDEN, &[("client", "help_events_off")]);
    }
    let now = clock::now().seconds();
    if let Err(wait) = app
        .tickets
        .help_events
        .acquire(super::client_addr(&request), now)
    {
        return rate_limited(wait);
    }
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    // `navigator.sendBeacon` labels a string body `text/plain`; it is read as JSON too.
    if !content_type.is_empty()
        && !is_json(&content_type)
        && !content_type.starts_with("text/plain")
    {
        return errors(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            &[("body", "unsupported_type")],
        );
    }
    let Ok(bytes) = axum::body::to_bytes(request.into_body(), BODY_MAX).await else {
        return errors(StatusCode::PAYLOAD_TOO_LARGE, &[("body", "too_large")]);
    };
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return errors(StatusCode::BAD_REQUEST, &[("body", "malformed")]);
    };
    let events = match parse_batch(text) {
        Ok(events) => events,
        Err(e) if e.field == "body" && e.message.starts_with("too large") => {
            return errors(StatusCode::PAYLOAD_TOO_LARGE, &[("body", "too_large")]);
        }
        Err(e) if e.field == "body" && e.message.starts_with("malformed") => {
            return errors(StatusCode::BAD_REQUEST, &[("body", "malformed")]);
        }
        Err(e) => {
            let body = json!({ "errors": [
                { "field": e.field, "code": "invalid", "message": e.message }
            ]});
            return super::http::respond(
                StatusCode::UNPROCESSABLE_ENTITY,
                "application/json",
                body.to_string(),
            );
        }
    };
    if events.is_empty() {
        return no_content();
    }
    let day = Timestamp(now).to_string()[..10].to_string();
    match app
        .tickets
        .store
        .help_counts(scope.client, day, tally(&events))
        .await
    {
        Ok(()) => no_content(),
        Err(e) => write_error(e, "cannot store help event counts"),
    }
}

fn no_content() -> Response<Body> {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::NO_CONTENT;
    response
}
