//! The ticket API of design §5: create, follow, rate.
//!
//! | call | answers |
//! |---|---|
//! | `POST /v1/tickets` | `201` new ticket · `200` replay of the same key and body · `422` field errors, `idempotency_key: required/invalid/idempotency_key_reused`, `body: invalid` (JSON, but not an object), `ticket: required` (multipart without it) · `400` `body: malformed`, a body that is not JSON (or not UTF-8), or multipart that does not parse · `408` `body: timeout` (the client stopped sending) · `413` too large · `415` neither JSON nor multipart · `429` + `Retry-After` · `503` + `Retry-After` when the writer's queue is full · `500` |
//! | `GET /v1/tickets/{number}` | `200` · `401` no bearer token · `404` unknown number or wrong token (the same answer, so a stranger cannot tell which) |
//! | `POST /v1/tickets/{number}/feedback` | `201` · `401` · `404` · `400` `body: malformed` · `422` `rating`/`comment` · `409` `not_resolved`/`already_rated` · `413` |
//!
//! Every error body is `{"errors": [{"field", "code"}]}`, the shape of validation errors, so
//! the widget reads one format; a `5xx` names no internals (`server: internal`), the details
//! go to the log. Validation is the widget's own ([`lms_support_widget::ticket::validate`])
//! against the served feed's categories and priorities.
//!
//! Two budgets per client guard `POST /v1/tickets` (see [`super::ratelimit`] for the windows):
//! tickets created (`--rate-limit-hour`/`--rate-limit-day`), and rejected attempts
//! (`--rate-limit-rejected` per hour), so that bodies which are refused after being read and
//! parsed are not free. Every attempt takes a slot of the rejection budget before anything is
//! read, so parallel attempts count too; the slot is given back unless the answer is `400`,
//! `413`, `415` or `422`. A `201`, a replay's `200`, a `408` (the learner's network), a `429`
//! and the server's own `5xx` never use it up. A client over it gets `429` with `Retry-After`
//! for every attempt, replays included, until its hour ends: the widget keeps the ticket in its
//! outbox and sends it then. The widget checks a ticket before sending it, so a learner meets
//! a rejection only when the server's rules differ from the page's (a category removed from
//! the feed meanwhile), and resubmits by hand, a few times an hour at most.
//!
//! Parsing and validating a ticket runs on the blocking thread pool, at most one per CPU at a
//! time, so a burst of large bodies cannot occupy the threads that answer other requests.
//!
//! Replays: the plaintext token of a new ticket is kept beside its idempotency key for a day,
//! so a learner whose first response was lost gets the same ticket and the same token. The
//! ticket itself only ever stores the token's hash. After that day a replay still finds the
//! ticket, with a fresh token that replaces the old one (only the holder of the key and the
//! exact body can ask for it).

use super::log;
use super::upload::{self, BodyError, Upload};
use super::App;
use crate::clock;
use crate::feedfile;
use crate::serve::feed::FeedSource;
use crate::store::engine::Engine;
use crate::store::writer::{CreateOutcome, FeedbackOutcome, NewTicket, TicketSummary, WriteError};
use crate::store::{self, token};
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::{Response, StatusCode};
use lms_support_widget::feed::Support;
use lms_support_widget::ticket::{self, FieldError, DEFAULT_PRIORITIES};
use lms_support_widget::zone::TzDatabase;
use serde_json::{json, Value};
use sha2::{Digest as _, Sha256};
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

/// The code of a body that is not JSON (or multipart) at all: `400`, where a body that parses
/// but says the wrong thing gets `422` naming the field.
const MALFORMED: &str = "malformed";
/// Longest feedback comment, in characters.
pub const COMMENT_MAX: usize = 2_000;
/// Largest feedback body.
const FEEDBACK_BODY_MAX: usize = 32 * 1024;
/// How long the feed's support section is reused before the file is read again.
const SUPPORT_TTL: Duration = Duration::from_secs(5);

/// The ticket side of the server's state.
#[derive(Debug)]
pub struct Tickets {
    /// The database (SQLite or PostgreSQL).
    pub store: Engine,
    /// Per-client limits on creation.
    pub limiter: super::ratelimit::Limiter,
    /// Per-client limits on rejected creation attempts.
    pub rejections: super::ratelimit::Limiter,
    /// Origins allowed by CORS, canonical.
    pub allowed_origins: Vec<String>,
    /// Ticket number prefix for new tickets.
    pub prefix: String,
    /// The data directory.
    pub data: PathBuf,
    /// Whether new tickets of a client with a helpdesk address queue an e-mail (`--smtp` is
    /// given). Without a relay nothing is queued, so turning one on later does not send a
    /// backlog of old tickets.
    pub helpdesk_mail: bool,
    support: Mutex<Option<(Instant, Option<Arc<Support>>)>>,
    /// Permits to parse and validate a ticket, one per CPU.
    judging: Semaphore,
    /// Per-client limits on help event batches.
    pub help_events: super::ratelimit::RateLimiter,
}

impl Tickets {
    /// The ticket state.
    pub fn new(
        store: Engine,
        limiter: super::ratelimit::Limiter,
        rejections: super::ratelimit::Limiter,
        allowed_origins: Vec<String>,
        prefix: String,
        data: PathBuf,
    ) -> Tickets {
        let cpus = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        Tickets {
            store,
            limiter,
            rejections,
            allowed_origins,
            prefix,
            data,
            helpdesk_mail: false,
            support: Mutex::new(None),
            judging: Semaphore::new(cpus),
            help_events: super::ratelimit::RateLimiter::new(
                super::help_events::BATCHES_PER_HOUR,
                0,
            ),
        }
    }
}

/// The served feed's support section (categories, priorities), re-read at most every
/// [`SUPPORT_TTL`]. `None` when the feed has none or cannot be read: the defaults apply.
pub(super) async fn support(app: &App) -> Option<Arc<Support>> {
    {
        let cache = app
            .tickets
            .support
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((at, value)) = cache.as_ref() {
            if at.elapsed() < SUPPORT_TTL || matches!(app.feed, FeedSource::Fixed(_)) {
                return value.clone();
            }
        }
    }
    let bytes = match &app.feed {
        FeedSource::Fixed(bytes) => Some(bytes.to_vec()),
        FeedSource::File(path) => tokio::fs::read(path).await.ok(),
    };
    // A feed can be large; parsing it must not hold up the threads that answer requests.
    let value = tokio::task::spawn_blocking(move || {
        let bytes = bytes?;
        let text = feedfile::decode(&bytes).ok()?;
        let parsed = lms_support_widget::feed::parse(text, &TzDatabase).ok()?;
        parsed.feed.support.map(Arc::new)
    })
    .await
    .ok()
    .flatten();
    *app.tickets
        .support
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = Some((Instant::now(), value.clone()));
    value
}

// ---------------------------------------------------------------------------------------------
// whose tickets

/// Whose tickets a route works on: the single client of `--feed` mode (`/v1/tickets`, client
/// `""`, `--ticket-prefix`, the feed file's support block) or one client of `--config`
/// (`/v1/clients/{id}/tickets`, its prefix and support block).
#[derive(Clone, Debug)]
pub struct Scope {
    pub(super) client: String,
    prefix: String,
    /// `None`: the served feed file's support block, read when needed.
    pub(super) support: Option<Option<Arc<Support>>>,
    /// Where new tickets are e-mailed, if anywhere.
    helpdesk: Option<crate::store::deliveries::HelpdeskRoute>,
}

/// The scope of a route: `client` is the `{client}` of a client route. `None` (answered 404)
/// for a client route without `--config` or an unknown client, and for `/v1/tickets` under
/// `--config`, whose tickets always belong to a client.
pub(super) fn scope(app: &App, client: Option<&str>) -> Option<Scope> {
    match (&app.clients, client) {
        (None, None) => Some(Scope {
            client: String::new(),
            prefix: app.tickets.prefix.clone(),
            support: None,
            helpdesk: None,
        }),
        (Some(clients), Some(id)) => clients.client(id).map(|c| Scope {
            client: c.id.clone(),
            prefix: c.ticket_prefix.clone(),
            support: Some(c.support.clone()),
            helpdesk: c.helpdesk.clone().filter(|_| app.tickets.helpdesk_mail),
        }),
        _ => None,
    }
}

fn unknown_client() -> Response<Body> {
    errors(StatusCode::NOT_FOUND, &[("client", "not_found")])
}

// ---------------------------------------------------------------------------------------------
// POST /v1/tickets

/// `POST /v1/tickets`.
pub async fn create(State(app): State<Arc<App>>, request: Request) -> Response<Body> {
    match scope(&app, None) {
        Some(scope) => create_in(&app, scope, request).await,
        None => unknown_client(),
    }
}

/// `POST /v1/clients/{client}/tickets`.
pub async fn create_for_client(
    State(app): State<Arc<App>>,
    Path(client): Path<String>,
    request: Request,
) -> Response<Body> {
    match scope(&app, Some(&client)) {
        Some(scope) => create_in(&app, scope, request).await,
        None => unknown_client(),
    }
}

async fn create_in(app: &App, scope: Scope, request: Request) -> Response<Body> {
    let client = super::client_addr(&request);
    let now = clock::now().seconds();
    // Taken before anything is read, so attempts in parallel are counted (module docs).
    // The request log line (status 429) is the record; no extra line per refusal.
    if let Err(wait) = app.tickets.rejections.acquire(client, now).await {
        return rate_limited(wait);
    }
    let response = create_within_budget(app, &scope, client, now, request).await;
    if !is_rejection(response.status()) {
        app.tickets.rejections.release(client).await;
    }
    response
}

/// The answers that use up the client's budget of rejected attempts: requests the server had
/// to read (or could tell at once) were wrong, which a retry will not fix.
fn is_rejection(status: StatusCode) -> bool {
    matches!(
        status,
        StatusCode::BAD_REQUEST
            | StatusCode::PAYLOAD_TOO_LARGE
            | StatusCode::UNSUPPORTED_MEDIA_TYPE
            | StatusCode::UNPROCESSABLE_ENTITY
    )
}

pub(super) fn rate_limited(wait: i64) -> Response<Body> {
    let mut response = errors(StatusCode::TOO_MANY_REQUESTS, &[("client", "rate_limited")]);
    super::http::set(&mut response, header::RETRY_AFTER, &wait.to_string());
    response
}

async fn create_within_budget(
    app: &App,
    scope: &Scope,
    client: IpAddr,
    now: i64,
    request: Request,
) -> Response<Body> {
    let headers = request.headers();
    let Some(raw_key) = headers.get("idempotency-key") else {
        return errors(
            StatusCode::UNPROCESSABLE_ENTITY,
            &[("idempotency_key", "required")],
        );
    };
    let Some(key) = raw_key.to_str().ok().and_then(token::idempotency_key) else {
        return errors(
            StatusCode::UNPROCESSABLE_ENTITY,
            &[("idempotency_key", "invalid")],
        );
    };
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let multipart = content_type.starts_with("multipart/form-data");
    // Plain text is read as JSON too: `fetch` labels a string body `text/plain` unless told.
    if !multipart
        && !content_type.is_empty()
        && !is_json(&content_type)
        && !content_type.starts_with("text/plain")
    {
        return errors(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            &[("body", "unsupported_type")],
        );
    }
    let limit = if multipart {
        upload::MULTIPART_MAX
    } else {
        upload::JSON_MAX
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return errors(StatusCode::PAYLOAD_TOO_LARGE, &[("body", "too_large")]);
    }

    let counted = match app.tickets.limiter.acquire(client, now).await {
        Ok(()) => true,
        Err(wait) => {
            // A replay is not a new ticket: the learner whose response was lost still gets it.
            match app.tickets.store.key_exists(key.clone()).await {
                Ok(true) => false,
                Ok(false) => return rate_limited(wait),
                Err(e) => return internal("cannot look up an idempotency key", &e.to_string()),
            }
        }
    };
    let (response, created) = create_ticket(app, scope, request, key, now, multipart).await;
    if counted && !created {
        app.tickets.limiter.release(client).await;
    }
    response
}

pub(super) fn is_json(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or("").trim();
    essence == "application/json" || essence.ends_with("+json")
}

/// Reads, validates and stores; the response, and whether a ticket was created.
async fn create_ticket(
    app: &App,
    scope: &Scope,
    request: Request,
    key: String,
    now: i64,
    multipart: bool,
) -> (Response<Body>, bool) {
    let attachments_dir = app.tickets.data.join(store::ATTACHMENTS_DIR);
    let read = if multipart {
        upload::read_multipart(request, &attachments_dir).await
    } else {
        upload::read_json(request.into_body()).await
    };
    let mut upload = match read {
        Ok(upload) => upload,
        Err(e) => return (body_error(e), false),
    };
    if upload.staged.is_empty() {
        upload::discard(upload.staging.take().as_deref()).await;
    }
    let staging = upload.staging.clone();
    let (response, created) = store_ticket(app, scope, upload, key, now).await;
    if !created {
        upload::discard(staging.as_deref()).await;
    }
    (response, created)
}

/// Parses and validates a ticket's JSON against the feed's support section; the ticket and
/// the start of its body hash. CPU work proportional to the body: run it off the async threads.
fn judge(
    json: &str,
    files: Vec<ticket::AttachmentMeta>,
    support: Option<&Support>,
) -> Result<(ticket::Ticket, Sha256), Vec<FieldError>> {
    let mut draft = ticket::draft_from_json(json).map_err(|list| {
        // The core says only "not a ticket object"; text that is not JSON at all is told apart
        // here, on the error path only, so it can get `400` rather than a field error.
        let whole_body = list.len() == 1 && list[0].field == "body" && list[0].code == "invalid";
        if whole_body && serde_json::from_str::<Value>(json).is_err() {
            vec![FieldError::new("body", MALFORMED)]
        } else {
            list
        }
    })?;
    draft.attachments = files;
    let ticket = ticket::validate(&draft, support)?;
    let mut hash = Sha256::new();
    hash.update(ticket.to_json().as_bytes());
    Ok((ticket, hash))
}

async fn store_ticket(
    app: &App,
    scope: &Scope,
    upload: Upload,
    key: String,
    now: i64,
) -> (Response<Body>, bool) {
    let Upload {
        json,
        files,
        staged,
        staging,
    } = upload;
    let support = match &scope.support {
        Some(support) => support.clone(),
        None => support(app).await,
    };
    let judged = {
        // The semaphore is never closed, so a permit always comes.
        let _permit = app.tickets.judging.acquire().await;
        let support = support.clone();
        tokio::task::spawn_blocking(move || judge(&json, files, support.as_deref())).await
    };
    let (ticket, mut hash) = match judged {
        Ok(Ok(judged)) => judged,
        Ok(Err(list)) => return (field_errors(rejection_status(&list), list), false),
        Err(e) => return (internal("cannot judge a ticket", &e.to_string()), false),
    };
    // Validation accepted the priority, so it has a target; the fallback is unreachable.
    let minutes = ticket::response_minutes(ticket.priority(), support.as_deref())
        .unwrap_or(DEFAULT_PRIORITIES[2].1);
    for file in &staged {
        hash.update([0]);
        hash.update(file.name.as_bytes());
        hash.update([0]);
        hash.update(file.mime.as_bytes());
        hash.update(file.sha256);
    }
    let token = match token::new_token() {
        Ok(token) => token,
        Err(e) => return (internal("cannot make a token", &e.to_string()), false),
    };
    let new = NewTicket {
        ticket,
        client: scope.client.clone(),
        prefix: scope.prefix.clone(),
        key,
        body_hash: hash.finalize().into(),
        token,
        now,
        due: now + i64::from(minutes) * 60,
        staging,
        files: staged,
        helpdesk: scope.helpdesk.clone(),
    };
    match app.tickets.store.create(new).await {
        Ok(CreateOutcome::Created(summary)) => {
            let mut response = summary_response(StatusCode::CREATED, &summary);
            let base = if scope.client.is_empty() {
                "/v1".to_string()
            } else {
                crate::vendor::api_base(&scope.client)
            };
            super::http::set(
                &mut response,
                header::LOCATION,
                &format!("{base}/tickets/{}", summary.number),
            );
            (response, true)
        }
        Ok(CreateOutcome::Replayed(summary)) => (summary_response(StatusCode::OK, &summary), false),
        Ok(CreateOutcome::KeyReused) => (
            errors(
                StatusCode::UNPROCESSABLE_ENTITY,
                &[("idempotency_key", "idempotency_key_reused")],
            ),
            false,
        ),
        Err(e) => (write_error(e, "cannot store a ticket"), false),
    }
}

fn summary_response(status: StatusCode, s: &TicketSummary) -> Response<Body> {
    json_response(
        status,
        &json!({
            "id": s.id,
            "number": s.number,
            "token": s.token,
            "status": s.status,
            "priority": s.priority,
            "response_due_at": store::rfc3339(s.response_due_at),
        }),
    )
}

fn body_error(e: BodyError) -> Response<Body> {
    match e {
        BodyError::TooLarge(None) => {
            errors(StatusCode::PAYLOAD_TOO_LARGE, &[("body", "too_large")])
        }
        BodyError::TooLarge(Some(i)) => {
            let field = format!("attachments[{i}]");
            errors(StatusCode::PAYLOAD_TOO_LARGE, &[(&field, "too_large")])
        }
        BodyError::Malformed | BodyError::NotUtf8 => {
            errors(StatusCode::BAD_REQUEST, &[("body", MALFORMED)])
        }
        BodyError::NoTicket => errors(StatusCode::UNPROCESSABLE_ENTITY, &[("ticket", "required")]),
        BodyError::TimedOut => errors(StatusCode::REQUEST_TIMEOUT, &[("body", "timeout")]),
        BodyError::Io(message) => internal("cannot stage an attachment", &message),
    }
}

// ---------------------------------------------------------------------------------------------
// GET /v1/tickets/{number}

/// `GET /v1/tickets/{number}` with `Authorization: Bearer <token>`.
pub async fn show(
    State(app): State<Arc<App>>,
    Path(number): Path<String>,
    headers: HeaderMap,
) -> Response<Body> {
    match scope(&app, None) {
        Some(scope) => show_in(&app, scope, number, &headers).await,
        None => unknown_client(),
    }
}

/// `GET /v1/clients/{client}/tickets/{number}`.
pub async fn show_for_client(
    State(app): State<Arc<App>>,
    Path((client, number)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response<Body> {
    match scope(&app, Some(&client)) {
        Some(scope) => show_in(&app, scope, number, &headers).await,
        None => unknown_client(),
    }
}

async fn show_in(app: &App, scope: Scope, number: String, headers: &HeaderMap) -> Response<Body> {
    let Some(token) = bearer(headers) else {
        return unauthorized();
    };
    let found = authorized(app, scope.client, number, &token).await;
    match found {
        Ok(Some((t, replies))) => conditional(
            headers,
            &json!({
                "number": t.number(),
                "status": t.status,
                "priority": t.priority(),
                "subject": t.subject(),
                "created_at": store::rfc3339(t.created_at),
                "response_due_at": store::rfc3339(t.response_due_at),
                "updated_at": store::rfc3339(t.updated_at),
                "resolved_at": t.resolved_at.map(store::rfc3339),
                "replies": replies.iter().map(|r| json!({
                    "at": store::rfc3339(r.at),
                    "author": r.author,
                    "body": r.body,
                })).collect::<Vec<_>>(),
                "feedback": t.rating.map(|rating| json!({
                    "rating": rating,
                    "comment": t.feedback_comment.clone().unwrap_or_default(),
                })),
            }),
        ),
        Ok(None) => not_found(),
        Err(e) => internal("cannot read a ticket", &e.to_string()),
    }
}

/// `200` with `value` and its `ETag`, or `304` with no body when `If-None-Match` names that
/// tag: the widget asks every few minutes whether a learner's tickets have news, and most
/// answers are "no" in a few bytes. The tag is of the exact bytes, so any reply, status change
/// or rating makes a new one.
fn conditional(headers: &HeaderMap, value: &Value) -> Response<Body> {
    let body = value.to_string();
    let tag = super::http::etag(body.as_bytes(), "");
    let mut response = if super::http::not_modified(headers, &tag) {
        let mut response = Response::new(Body::empty());
        *response.status_mut() = StatusCode::NOT_MODIFIED;
        response
    } else {
        super::http::respond(StatusCode::OK, "application/json", body)
    };
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    super::http::set(&mut response, header::ETAG, &tag);
    response
}

/// The ticket `number` names within `client`, with its replies, if `token` is its token.
async fn authorized(
    app: &App,
    client: String,
    number: String,
    token: &str,
) -> Result<Option<(store::TicketRecord, Vec<store::Reply>)>, store::StoreError> {
    Ok(app
        .tickets
        .store
        .ticket_by_number(number, Some(client))
        .await?
        .filter(|(t, _)| token::token_matches(token, &t.token_hash)))
}

/// The token of `Authorization: Bearer <token>`.
fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then(|| token.to_string())
}

// ---------------------------------------------------------------------------------------------
// POST /v1/tickets/{number}/feedback

/// `POST /v1/tickets/{number}/feedback` with the bearer token: `{"rating": 1-5, "comment"}`.
pub async fn feedback(
    State(app): State<Arc<App>>,
    Path(number): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response<Body> {
    match scope(&app, None) {
        Some(scope) => feedback_in(&app, scope, number, &headers, body).await,
        None => unknown_client(),
    }
}

/// `POST /v1/clients/{client}/tickets/{number}/feedback`.
pub async fn feedback_for_client(
    State(app): State<Arc<App>>,
    Path((client, number)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Response<Body> {
    match scope(&app, Some(&client)) {
        Some(scope) => feedback_in(&app, scope, number, &headers, body).await,
        None => unknown_client(),
    }
}

async fn feedback_in(
    app: &App,
    scope: Scope,
    number: String,
    headers: &HeaderMap,
    body: Body,
) -> Response<Body> {
    let Some(token) = bearer(headers) else {
        return unauthorized();
    };
    let found = authorized(app, scope.client, number, &token).await;
    let ticket = match found {
        Ok(Some((ticket, _))) => ticket,
        Ok(None) => return not_found(),
        Err(e) => return internal("cannot read a ticket", &e.to_string()),
    };
    let bytes = match axum::body::to_bytes(body, FEEDBACK_BODY_MAX).await {
        Ok(bytes) => bytes,
        Err(_) => return errors(StatusCode::PAYLOAD_TOO_LARGE, &[("body", "too_large")]),
    };
    let (rating, comment) = match parse_feedback(&bytes) {
        Ok(parsed) => parsed,
        Err(list) => return field_errors(rejection_status(&list), list),
    };
    let now = clock::now().seconds();
    match app
        .tickets
        .store
        .feedback(ticket.id, rating, comment.clone(), now)
        .await
    {
        Ok(FeedbackOutcome::Saved) => json_response(
            StatusCode::CREATED,
            &json!({ "rating": rating, "comment": comment }),
        ),
        Ok(FeedbackOutcome::NotResolved) => {
            errors(StatusCode::CONFLICT, &[("ticket", "not_resolved")])
        }
        Ok(FeedbackOutcome::AlreadyRated) => {
            errors(StatusCode::CONFLICT, &[("ticket", "already_rated")])
        }
        Ok(FeedbackOutcome::NotFound) => not_found(),
        Err(e) => write_error(e, "cannot store feedback"),
    }
}

/// `{"rating": 1-5, "comment": "…"}`; the comment is optional, trimmed, at most
/// [`COMMENT_MAX`] characters.
fn parse_feedback(bytes: &[u8]) -> Result<(i64, String), Vec<FieldError>> {
    let body = match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(body)) => body,
        Ok(_) => return Err(vec![FieldError::new("body", "invalid")]),
        Err(_) => return Err(vec![FieldError::new("body", MALFORMED)]),
    };
    let mut list = Vec::new();
    let rating = match body.get("rating") {
        None | Some(Value::Null) => {
            list.push(FieldError::new("rating", "required"));
            0
        }
        Some(v) => match v.as_i64() {
            Some(n) if (1..=5).contains(&n) => n,
            _ => {
                list.push(FieldError::new("rating", "invalid"));
                0
            }
        },
    };
    let comment = match body.get("comment") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => {
            let s = s.trim();
            if s.chars().nth(COMMENT_MAX).is_some() {
                list.push(FieldError::new("comment", "too_long"));
            } else if s
                .chars()
                .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
            {
                list.push(FieldError::new("comment", "invalid"));
            }
            s.to_string()
        }
        Some(_) => {
            list.push(FieldError::new("comment", "invalid"));
            String::new()
        }
    };
    if list.is_empty() {
        Ok((rating, comment))
    } else {
        Err(list)
    }
}

// ---------------------------------------------------------------------------------------------
// responses

fn json_response(status: StatusCode, value: &Value) -> Response<Body> {
    let mut response = super::http::respond(status, "application/json", value.to_string());
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `{"errors": [{"field", "code"}, …]}`.
pub(super) fn errors(status: StatusCode, list: &[(&str, &str)]) -> Response<Body> {
    let list: Vec<Value> = list
        .iter()
        .map(|(field, code)| json!({ "field": field, "code": code }))
        .collect();
    json_response(status, &json!({ "errors": list }))
}

/// `400` for a body that is not JSON, `422` for field errors.
fn rejection_status(list: &[FieldError]) -> StatusCode {
    if list
        .iter()
        .any(|e| e.field == "body" && e.code == MALFORMED)
    {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

fn field_errors(status: StatusCode, list: Vec<FieldError>) -> Response<Body> {
    let pairs: Vec<(&str, &str)> = list
        .iter()
        .map(|e| (e.field.as_str(), e.code.as_str()))
        .collect();
    errors(status, &pairs)
}

fn unauthorized() -> Response<Body> {
    let mut response = errors(StatusCode::UNAUTHORIZED, &[("authorization", "required")]);
    response
        .headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    response
}

fn not_found() -> Response<Body> {
    errors(StatusCode::NOT_FOUND, &[("ticket", "not_found")])
}

/// A `500` that says nothing about why; the log gets the reason.
pub(super) fn internal(what: &str, error: &str) -> Response<Body> {
    log::event("error", what, &[("error", error)]);
    errors(StatusCode::INTERNAL_SERVER_ERROR, &[("server", "internal")])
}

pub(super) fn write_error(e: WriteError, what: &str) -> Response<Body> {
    match e {
        WriteError::Busy => {
            log::event("warn", "database writer queue full", &[]);
            let mut response = errors(StatusCode::SERVICE_UNAVAILABLE, &[("server", "busy")]);
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            response
        }
        WriteError::Store(e) => internal(what, &e.to_string()),
    }
}

// ---------------------------------------------------------------------------------------------
// background work

/// Every 30 s: escalate overdue critical tickets, forget replay tokens older than a day, and
/// forget rate-limit counters that have run out. Runs until the server stops.
pub async fn maintain(app: Arc<App>) {
    let mut every = tokio::time::interval(Duration::from_secs(30));
    loop {
        every.tick().await;
        let now = clock::now().seconds();
        app.tickets.limiter.sweep(now);
        app.tickets.rejections.sweep(now);
        match app.tickets.store.maintain(now).await {
            Ok((0, _)) => {}
            Ok((escalated, _)) => log::event(
                "warn",
                "critical tickets escalated",
                &[("count", &escalated.to_string())],
            ),
            Err(WriteError::Busy) => {}
            Err(WriteError::Store(e)) => {
                log::event(
                    "error",
                    "ticket maintenance failed",
                    &[("error", &e.to_string())],
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(r: Result<(i64, String), Vec<FieldError>>) -> Vec<(String, String)> {
        r.err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect()
    }

    #[test]
    fn feedback_bodies() {
        assert_eq!(
            parse_feedback(br#"{"rating": 5, "comment": " Thanks! "}"#).ok(),
            Some((5, "Thanks!".to_string()))
        );
        assert_eq!(
            parse_feedback(br#"{"rating": 1}"#).ok(),
            Some((1, String::new()))
        );
        assert_eq!(
            pairs(parse_feedback(b"[]")),
            [("body".into(), "invalid".into())]
        );
        assert_eq!(
            pairs(parse_feedback(b"{}")),
            [("rating".into(), "required".into())]
        );
        for bad in ["0", "6", "4.5", "\"5\""] {
            assert_eq!(
                pairs(parse_feedback(format!("{{\"rating\": {bad}}}").as_bytes())),
                [("rating".into(), "invalid".into())],
                "{bad}"
            );
        }
        let long = format!(
            r#"{{"rating": 3, "comment": "{}"}}"#,
            "x".repeat(COMMENT_MAX + 1)
        );
        assert_eq!(
            pairs(parse_feedback(long.as_bytes())),
            [("comment".into(), "too_long".into())]
        );
        assert_eq!(
            pairs(parse_feedback(br#"{"rating": 3, "comment": 7}"#)),
            [("comment".into(), "invalid".into())]
        );
    }

    #[test]
    fn bearer_tokens() {
        let with = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert(
                header::AUTHORIZATION,
                HeaderValue::from_str(v).expect("header"),
            );
            bearer(&h)
        };
        assert_eq!(with("Bearer abc").as_deref(), Some("abc"));
        assert_eq!(with("bearer  abc ").as_deref(), Some("abc"));
        assert_eq!(with("Basic abc"), None);
        assert_eq!(with("Bearer "), None);
        assert_eq!(bearer(&HeaderMap::new()), None);
    }

    #[test]
    fn json_content_types() {
        assert!(is_json("application/json"));
        assert!(is_json("application/json; charset=utf-8"));
        assert!(is_json("application/vnd.ticket+json"));
        assert!(!is_json("text/plain"));
    }
}
