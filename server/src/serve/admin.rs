//! The admin API, `/v1/admin/…`: author the shared schedule, read tickets and the audit log
//! with a bearer token made by `lms-support tokens create` (see
//! [`crate::store::admin_tokens`]).
//!
//! | call | scope | answer |
//! |---|---|---|
//! | `GET /v1/admin/maintenance`, `GET /v1/admin/notices` | schedule | `200 {"items": [item…]}` |
//! | `POST /v1/admin/maintenance`, `POST /v1/admin/notices` `{target?, …entry}` | schedule | `201` item; `409 id: exists` |
//! | `GET /v1/admin/{maintenance,notices}/{id}` | schedule | `200` item |
//! | `PATCH /v1/admin/{maintenance,notices}/{id}` `{target?, …fields}` (`null` removes a field) | schedule | `200` item, a new revision when the entry changed |
//! | `POST /v1/admin/maintenance/{id}/extend` `{"ends_at"}` | schedule | `200` item |
//! | `POST /v1/admin/maintenance/{id}/cancel` | schedule | `200` item |
//! | `POST /v1/admin/notices/{id}/resolve` `{"message"?, "resolve_tickets"?}` | schedule | `200 {"item", "resolved_tickets"}` |
//! | `GET /v1/admin/tickets?status=S&notice=ID&client=ID` | tickets | `200 {"tickets": […]}` |
//! | `GET /v1/admin/audit?target=ID` | admin | `200 {"entries": […]}` |
//!
//! `target` is `{"all": true}` (the default), `{"groups": ["eu-1"]}` or `{"clients": ["acme"]}`;
//! the entry is a feed entry (design §3) without `revision`. An `admin` token may do
//! everything. Errors use the ticket API's shape, `{"errors": [{"field", "code", "message"?}]}`:
//! `401` without a token or with an unknown or revoked one (`WWW-Authenticate: Bearer`), `403`
//! for a token without the scope, `400 body: malformed` for a body that is not JSON, `413`,
//! `422` naming the field (the same core as `check` and the CLI decides; under `--config`, a
//! target naming a client or group the configuration lacks is `422 target: unknown`), `404`
//! unknown id,
//! `409` for a change that makes no sense (extending a cancelled window, resolving a resolved
//! notice). Every change goes through [`crate::store::schedule`], which writes the audit row
//! (actor: the token's name) and bumps the schedule version, so every client's feed picks it
//! up on its next request. The API sends no CORS headers: it is for servers and for a console
//! on the same origin.

use super::{log, App};
use crate::clock;
use crate::store::admin_tokens::{AdminToken, Scope};
use crate::store::schedule::{self, Change, Item, Kind, ScheduleError, Target};
use crate::store::{self, ListFilter, StoreError};
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::{Response, StatusCode, Uri};
use lms_support_widget::time::Timestamp;
use rusqlite::Connection;
use serde_json::{json, Map, Value};
use std::sync::{Arc, Mutex};

/// Largest admin request body.
pub const BODY_MAX: usize = 256 * 1024;

/// The admin side of the server's state: a connection of its own for schedule changes, which
/// run their own short transactions beside the ticket writer's (WAL, `busy_timeout`), as the
/// CLI's do.
#[derive(Debug)]
pub struct Admin {
    conn: Arc<Mutex<Connection>>,
}

impl Admin {
    /// The admin state on an open write connection.
    pub fn new(conn: Connection) -> Admin {
        Admin {
            conn: Arc::new(Mutex::new(conn)),
        }
    }

    /// The write connection, for the console's sessions (which are written beside schedule
    /// changes, one at a time).
    pub fn connection(&self) -> Arc<Mutex<Connection>> {
        self.conn.clone()
    }
}

type Answer = Response<Body>;

/// The engine's error for a request that needs SQLite's admin connection on a server without
/// one (it cannot happen: `serve` gives SQLite servers that connection).
fn no_admin_connection() -> StoreError {
    StoreError::Postgres("no admin connection".to_string())
}

// ---------------------------------------------------------------------------------------------
// schedule

/// `GET /v1/admin/maintenance`.
pub async fn list_maintenance(State(app): State<Arc<App>>, headers: HeaderMap) -> Answer {
    list_items(&app, &headers, Kind::Maintenance).await
}

/// `GET /v1/admin/notices`.
pub async fn list_notices(State(app): State<Arc<App>>, headers: HeaderMap) -> Answer {
    list_items(&app, &headers, Kind::Notice).await
}

async fn list_items(app: &App, headers: &HeaderMap, kind: Kind) -> Answer {
    if let Err(refusal) = authorize(app, headers, Scope::Schedule).await {
        return refusal;
    }
    match app.tickets.store.schedule_of(kind).await {
        Ok(items) => json_response(
            StatusCode::OK,
            &json!({ "items": items.iter().map(Item::to_json).collect::<Vec<_>>() }),
        ),
        Err(e) => internal("cannot list the schedule", &e),
    }
}

/// `GET /v1/admin/maintenance/{id}`.
pub async fn get_maintenance(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Answer {
    get_item(&app, &headers, Kind::Maintenance, id).await
}

/// `GET /v1/admin/notices/{id}`.
pub async fn get_notice(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Answer {
    get_item(&app, &headers, Kind::Notice, id).await
}

async fn get_item(app: &App, headers: &HeaderMap, kind: Kind, id: String) -> Answer {
    if let Err(refusal) = authorize(app, headers, Scope::Schedule).await {
        return refusal;
    }
    match app.tickets.store.schedule_item(&id).await {
        Ok(Some(item)) if item.kind == kind => json_response(StatusCode::OK, &item.to_json()),
        Ok(_) => schedule_error(ScheduleError::NotFound { kind, id }),
        Err(e) => internal("cannot read the schedule", &e),
    }
}

/// `POST /v1/admin/maintenance`.
pub async fn add_maintenance(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Body,
) -> Answer {
    add_item(&app, &headers, body, Kind::Maintenance).await
}

/// `POST /v1/admin/notices`.
pub async fn add_notice(State(app): State<Arc<App>>, headers: HeaderMap, body: Body) -> Answer {
    add_item(&app, &headers, body, Kind::Notice).await
}

async fn add_item(app: &App, headers: &HeaderMap, body: Body, kind: Kind) -> Answer {
    let token = match authorize(app, headers, Scope::Schedule).await {
        Ok(token) => token,
        Err(refusal) => return refusal,
    };
    let mut entry = match read_object(body).await {
        Ok(entry) => entry,
        Err(refusal) => return refusal,
    };
    let target = match take_target(&mut entry) {
        Ok(target) => target.unwrap_or(Target::All),
        Err(()) => return bad_target(),
    };
    if let Some(refusal) = unknown_target(app, &target) {
        return refusal;
    }
    let now = clock::now().seconds();
    change(app, move |conn| {
        schedule::add(conn, &token.name, kind, target, entry, now)
            .map(|item| (StatusCode::CREATED, item.to_json()))
    })
    .await
}

/// `PATCH /v1/admin/maintenance/{id}`.
pub async fn update_maintenance(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Answer {
    update_item(&app, &headers, body, Kind::Maintenance, id).await
}

/// `PATCH /v1/admin/notices/{id}`.
pub async fn update_notice(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Answer {
    update_item(&app, &headers, body, Kind::Notice, id).await
}

async fn update_item(app: &App, headers: &HeaderMap, body: Body, kind: Kind, id: String) -> Answer {
    let token = match authorize(app, headers, Scope::Schedule).await {
        Ok(token) => token,
        Err(refusal) => return refusal,
    };
    let mut fields = match read_object(body).await {
        Ok(fields) => fields,
        Err(refusal) => return refusal,
    };
    let Ok(target) = take_target(&mut fields) else {
        return bad_target();
    };
    if let Some(refusal) = target.as_ref().and_then(|t| unknown_target(app, t)) {
        return refusal;
    }
    if fields.is_empty() && target.is_none() {
        return errors(
            StatusCode::UNPROCESSABLE_ENTITY,
            &[(
                "body",
                "empty",
                "give the fields to change, or a new target",
            )],
        );
    }
    let now = clock::now().seconds();
    change(app, move |conn| {
        schedule::update(conn, &token.name, kind, &id, Change { fields, target }, now)
            .map(|item| (StatusCode::OK, item.to_json()))
    })
    .await
}

/// `POST /v1/admin/maintenance/{id}/extend` with `{"ends_at": RFC 3339}`.
pub async fn extend_maintenance(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Answer {
    let token = match authorize(&app, &headers, Scope::Schedule).await {
        Ok(token) => token,
        Err(refusal) => return refusal,
    };
    let fields = match read_object(body).await {
        Ok(fields) => fields,
        Err(refusal) => return refusal,
    };
    let ends_at = match fields.get("ends_at") {
        None | Some(Value::Null) => {
            return errors(
                StatusCode::UNPROCESSABLE_ENTITY,
                &[("ends_at", "required", "")],
            )
        }
        Some(value) => match value.as_str().map(Timestamp::parse_rfc3339) {
            Some(Ok(at)) => at,
            _ => {
                return errors(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &[(
                        "ends_at",
                        "invalid",
                        "an RFC 3339 time such as 2026-12-13T12:00:00Z",
                    )],
                )
            }
        },
    };
    let now = clock::now().seconds();
    change(&app, move |conn| {
        schedule::extend(conn, &token.name, &id, ends_at, now)
            .map(|item| (StatusCode::OK, item.to_json()))
    })
    .await
}

/// `POST /v1/admin/maintenance/{id}/cancel`.
pub async fn cancel_maintenance(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Answer {
    let token = match authorize(&app, &headers, Scope::Schedule).await {
        Ok(token) => token,
        Err(refusal) => return refusal,
    };
    let now = clock::now().seconds();
    change(&app, move |conn| {
        schedule::cancel(conn, &token.name, &id, now).map(|item| (StatusCode::OK, item.to_json()))
    })
    .await
}

/// `POST /v1/admin/notices/{id}/resolve` with `{"message", "resolve_tickets"}`.
pub async fn resolve_notice(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Answer {
    let token = match authorize(&app, &headers, Scope::Schedule).await {
        Ok(token) => token,
        Err(refusal) => return refusal,
    };
    let fields = match read_object(body).await {
        Ok(fields) => fields,
        Err(refusal) => return refusal,
    };
    let message = match fields.get("message") {
        None | Some(Value::Null) => None,
        Some(Value::String(text)) => Some(text.clone()),
        Some(_) => {
            return errors(
                StatusCode::UNPROCESSABLE_ENTITY,
                &[("message", "invalid", "")],
            )
        }
    };
    let resolve_tickets = match fields.get("resolve_tickets") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            return errors(
                StatusCode::UNPROCESSABLE_ENTITY,
                &[("resolve_tickets", "invalid", "true or false")],
            )
        }
    };
    let now = clock::now().seconds();
    let answer = |done: schedule::Resolved| {
        (
            StatusCode::OK,
            json!({ "item": done.item.to_json(), "resolved_tickets": done.tickets }),
        )
    };
    if let Some(pg) = app.tickets.store.postgres() {
        // The tickets are in PostgreSQL, not in the in-memory copy a schedule change runs on.
        let done = match pg.connection().await {
            Ok(mut db) => {
                let message = message.as_deref();
                crate::store::pg::admin::resolve_notice(
                    &mut db,
                    &token.name,
                    &id,
                    message,
                    resolve_tickets,
                    now,
                )
                .await
            }
            Err(e) => Err(e),
        };
        return changed(done.map(|resolved| resolved.map(answer)));
    }
    change(&app, move |conn| {
        schedule::resolve_notice(
            conn,
            &token.name,
            &id,
            message.as_deref(),
            resolve_tickets,
            now,
        )
        .map(answer)
    })
    .await
}

/// Runs a schedule change on the admin connection, off the async threads.
async fn change<F>(app: &App, f: F) -> Answer
where
    F: FnOnce(&mut Connection) -> Result<(StatusCode, Value), ScheduleError> + Send + 'static,
{
    if let Some(pg) = app.tickets.store.postgres() {
        let done = match pg.connection().await {
            Ok(mut db) => crate::store::pg::admin::schedule_change(&mut db, f).await,
            Err(e) => Err(e),
        };
        return changed(done);
    }
    let Some(admin) = &app.admin else {
        return internal("a schedule change failed", &no_admin_connection());
    };
    let conn = admin.conn.clone();
    let done = tokio::task::spawn_blocking(move || {
        let mut conn = conn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut conn)
    })
    .await;
    changed(done.map_err(|e| StoreError::Io(std::io::Error::other(e.to_string()))))
}

/// The answer to a schedule change that ran: its own, its refusal, or a `500`.
fn changed(done: Result<Result<(StatusCode, Value), ScheduleError>, StoreError>) -> Answer {
    match done {
        Ok(Ok((status, value))) => json_response(status, &value),
        Ok(Err(e)) => schedule_error(e),
        Err(e) => internal("a schedule change failed", &e),
    }
}

/// The `target` member of a body, removed from it: `{"all": true}`, `{"groups": [...]}` or
/// `{"clients": [...]}`; `Ok(None)` when absent, `Err(())` when it is none of those.
pub(super) fn take_target(body: &mut Map<String, Value>) -> Result<Option<Target>, ()> {
    let Some(value) = body.remove("target") else {
        return Ok(None);
    };
    let Value::Object(map) = value else {
        return Err(());
    };
    let names = |v: &Value| -> Option<Vec<String>> {
        v.as_array()?
            .iter()
            .map(|n| n.as_str().map(str::to_string))
            .collect()
    };
    let mut members = map.iter();
    let target = match (members.next(), members.next()) {
        (Some((key, Value::Bool(true))), None) if key == "all" => Some(Target::All),
        (Some((key, v)), None) if key == "groups" => names(v).map(Target::Groups),
        (Some((key, v)), None) if key == "clients" => names(v).map(Target::Clients),
        _ => None,
    };
    target.map(Some).ok_or(())
}

/// The `422` for a target naming a client or group the configuration (under `--config`) lacks:
/// an item for a misspelt group would reach nobody, silently. (The CLI, which has no
/// configuration at hand, cannot check this.)
fn unknown_target(app: &App, target: &Target) -> Option<Answer> {
    let clients = app.clients.as_ref()?;
    let config = clients.config();
    let unknown = match target {
        Target::All => None,
        Target::Clients(ids) => ids
            .iter()
            .find(|id| !config.clients.contains_key(id.as_str()))
            .map(|id| format!("no client {id:?} in the configuration")),
        Target::Groups(groups) => groups
            .iter()
            .find(|g| !config.clients.values().any(|c| c.groups.contains(g)))
            .map(|g| format!("no client of the configuration is in group {g:?}")),
    };
    unknown.map(|message| {
        errors(
            StatusCode::UNPROCESSABLE_ENTITY,
            &[("target", "unknown", &message)],
        )
    })
}

pub(super) fn bad_target() -> Answer {
    errors(
        StatusCode::UNPROCESSABLE_ENTITY,
        &[(
            "target",
            "invalid",
            r#"{"all": true}, {"groups": ["eu-1"]} or {"clients": ["acme"]}"#,
        )],
    )
}

pub(super) fn schedule_error(e: ScheduleError) -> Answer {
    let message = e.to_string();
    match e {
        ScheduleError::Invalid { field, .. } => errors(
            StatusCode::UNPROCESSABLE_ENTITY,
            &[(&field, "invalid", &message)],
        ),
        ScheduleError::NotFound { .. } => {
            errors(StatusCode::NOT_FOUND, &[("id", "not_found", &message)])
        }
        ScheduleError::Exists(_) => errors(StatusCode::CONFLICT, &[("id", "exists", &message)]),
        ScheduleError::Conflict(_) => {
            errors(StatusCode::CONFLICT, &[("status", "conflict", &message)])
        }
        ScheduleError::Store(e) => internal("a schedule change failed", &e),
    }
}

/// `GET /v1/admin/clients`: the clients of `--config` and their groups, for a console to
/// target and preview; `{"clients": [], "groups": []}` with `--feed`.
pub async fn list_clients(State(app): State<Arc<App>>, headers: HeaderMap) -> Answer {
    if let Err(refusal) = authorize(&app, &headers, Scope::Schedule).await {
        return refusal;
    }
    let (clients, groups) = match &app.clients {
        None => (Vec::new(), Vec::new()),
        Some(clients) => {
            let config = clients.config();
            let mut groups: Vec<&String> = config
                .clients
                .values()
                .flat_map(|c| c.groups.iter())
                .collect();
            groups.sort();
            groups.dedup();
            let mut list: Vec<Value> = config
                .clients
                .values()
                .map(|c| {
                    let block = c.own.get("client");
                    let name = |key: &str| block.and_then(|b| b.get(key)).cloned();
                    json!({ "id": c.id, "name": name("name"), "site_name": name("site_name"), "groups": c.groups })
                })
                .collect();
            list.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
            (list, groups.into_iter().map(|g| json!(g)).collect())
        }
    };
    json_response(
        StatusCode::OK,
        &json!({ "clients": clients, "groups": groups }),
    )
}

// ---------------------------------------------------------------------------------------------
// tickets and audit

/// `GET /v1/admin/tickets?status=S&notice=ID`.
pub async fn list_tickets(State(app): State<Arc<App>>, uri: Uri, headers: HeaderMap) -> Answer {
    if let Err(refusal) = authorize(&app, &headers, Scope::Tickets).await {
        return refusal;
    }
    let status = query_param(&uri, "status");
    if let Some(s) = &status {
        if !crate::agent::STATUSES.contains(&s.as_str()) {
            return errors(
                StatusCode::UNPROCESSABLE_ENTITY,
                &[("status", "invalid", "open, pending, resolved or closed")],
            );
        }
    }
    let filter = ListFilter {
        status,
        notice: query_param(&uri, "notice"),
        client: query_param(&uri, "client"),
        ..ListFilter::default()
    };
    match app.tickets.store.list_tickets(filter).await {
        Ok(list) => json_response(
            StatusCode::OK,
            &json!({ "tickets": list.iter().map(|t| json!({
                "number": t.number(),
                "client": t.client,
                "status": t.status,
                "priority": t.priority(),
                "category": t.category(),
                "subject": t.subject(),
                "created_at": store::rfc3339(t.created_at),
                "response_due_at": store::rfc3339(t.response_due_at),
                "updated_at": store::rfc3339(t.updated_at),
                "resolved_at": t.resolved_at.map(store::rfc3339),
            })).collect::<Vec<_>>() }),
        ),
        Err(e) => internal("cannot list tickets", &e),
    }
}

/// `GET /v1/admin/audit?target=ID`, oldest first.
pub async fn audit(State(app): State<Arc<App>>, uri: Uri, headers: HeaderMap) -> Answer {
    if let Err(refusal) = authorize(&app, &headers, Scope::Admin).await {
        return refusal;
    }
    let target = query_param(&uri, "target");
    match app.tickets.store.audit_log(target).await {
        Ok(entries) => {
            let parse = |text: &Option<String>| {
                text.as_deref()
                    .and_then(|t| serde_json::from_str::<Value>(t).ok())
                    .unwrap_or(Value::Null)
            };
            json_response(
                StatusCode::OK,
                &json!({ "entries": entries.iter().map(|e| json!({
                    "at": store::rfc3339(e.at),
                    "actor": e.actor,
                    "action": e.action,
                    "target_kind": e.target_kind,
                    "target_id": e.target_id,
                    "before": parse(&e.before),
                    "after": parse(&e.after),
                })).collect::<Vec<_>>() }),
            )
        }
        Err(e) => internal("cannot read the audit log", &e),
    }
}

// ---------------------------------------------------------------------------------------------
// tokens, bodies, answers

/// The token of the request if it is active and has `scope`; else the `401` or `403`.
///
/// A bearer token, or else the admin console's session cookie, which acts as the token it was
/// opened with. The cookie is only believed on routes behind [`super::console::guard`], which
/// refuses cross-site requests before they get here.
pub(super) async fn authorize(
    app: &App,
    headers: &HeaderMap,
    scope: Scope,
) -> Result<AdminToken, Answer> {
    let found = match (bearer(headers), super::console::session_cookie(headers)) {
        (Some(presented), _) => app.tickets.store.authenticate(presented).await,
        (None, Some(session)) => {
            let now = clock::now().seconds();
            let found = app.tickets.store.find_session(session, now).await;
            match found {
                Ok(None) => return Err(super::console::session_ended()),
                other => other.map(|s| s.map(|s| s.token)),
            }
        }
        (None, None) => return Err(unauthorized("required", "Bearer")),
    };
    match found {
        Ok(Some(token)) if token.allows(scope) => Ok(token),
        Ok(Some(_)) => {
            let mut refusal = errors(
                StatusCode::FORBIDDEN,
                &[("authorization", "insufficient_scope", scope.as_str())],
            );
            super::http::set(
                &mut refusal,
                header::WWW_AUTHENTICATE,
                &format!(
                    "Bearer error=\"insufficient_scope\", scope=\"{}\"",
                    scope.as_str()
                ),
            );
            Err(refusal)
        }
        Ok(None) => Err(unauthorized("invalid", "Bearer error=\"invalid_token\"")),
        Err(e) => Err(internal("cannot check a token", &e)),
    }
}

/// A query parameter's value. The values asked for here (ids, statuses) are plain ASCII, so
/// nothing is percent-decoded: an encoded value simply matches nothing.
fn query_param(uri: &Uri, name: &str) -> Option<String> {
    uri.query()?
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_string())
        .filter(|value| !value.is_empty())
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then(|| token.to_string())
}

fn unauthorized(code: &str, challenge: &'static str) -> Answer {
    let message = if code == "required" {
        "send Authorization: Bearer <token> (lms-support tokens create), or sign in to the console at /admin"
    } else {
        "this token is unknown or revoked"
    };
    let mut response = errors(
        StatusCode::UNAUTHORIZED,
        &[("authorization", code, message)],
    );
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static(challenge),
    );
    response
}

/// A JSON object body: `413` over [`BODY_MAX`], `400` when it is not JSON, `422` when it is
/// JSON but not an object. An empty body is an empty object.
async fn read_object(body: Body) -> Result<Map<String, Value>, Answer> {
    let bytes: Bytes = axum::body::to_bytes(body, BODY_MAX)
        .await
        .map_err(|_| errors(StatusCode::PAYLOAD_TOO_LARGE, &[("body", "too_large", "")]))?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(errors(
            StatusCode::UNPROCESSABLE_ENTITY,
            &[("body", "invalid", "a JSON object")],
        )),
        Err(e) => Err(errors(
            StatusCode::BAD_REQUEST,
            &[("body", "malformed", &e.to_string())],
        )),
    }
}

pub(super) fn json_response(status: StatusCode, value: &Value) -> Answer {
    let mut response = super::http::respond(status, "application/json", value.to_string());
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `{"errors": [{"field", "code", "message"}]}`; an empty message is left out.
pub(super) fn errors(status: StatusCode, list: &[(&str, &str, &str)]) -> Answer {
    let list: Vec<Value> = list
        .iter()
        .map(|(field, code, message)| {
            let mut e = json!({ "field": field, "code": code });
            if !message.is_empty() {
                e["message"] = Value::String((*message).to_string());
            }
            e
        })
        .collect();
    json_response(status, &json!({ "errors": list }))
}

pub(super) fn internal(what: &str, error: &StoreError) -> Answer {
    log::event("error", what, &[("error", &error.to_string())]);
    errors(
        StatusCode::INTERNAL_SERVER_ERROR,
        &[("server", "internal", "")],
    )
}
