//! `POST /v1/hooks/helpdesk` (issue 16): a helpdesk automation reports an agent's reply or a
//! status change. Signed like our outgoing webhooks (`LMS-Support-Signature: t=…,v1=…` with
//! the client's `helpdesk_hook_secret`, `LMS-Support-Delivery: <id>`); a bad signature, a
//! timestamp more than five minutes off or a delivery id seen before is `401` and changes
//! nothing. The change goes through the agent CLI's store code, so the learner sees the reply
//! and other receivers get `ticket.updated`.
//!
//! Body: `{"client": "acme", "ticket": "ACME-000001", "type": "reply", "author": "Dana",
//! "body": "…"}` or `{"client", "ticket", "type": "status", "status": "resolved"|"closed"}`.

use super::{log, App};
use crate::delivery::{self, BadSignature, DELIVERY_HEADER, SIGNATURE_HEADER};
use crate::store::{self, ActionError, AgentAction};
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Response, StatusCode};
use serde_json::{json, Value};
use std::sync::Arc;

/// Largest body accepted.
pub const BODY_MAX: usize = 64 * 1024;
/// How far a signature's timestamp may be from now.
const TOLERANCE_SECONDS: i64 = 5 * 60;
/// Longest reply accepted (the learner's form has the same bound on a description).
const REPLY_MAX: usize = 20_000;
/// Longest author name and delivery id.
const SHORT_MAX: usize = 200;

fn answer(status: StatusCode, value: &Value) -> Response<Body> {
    let mut response = Response::new(Body::from(value.to_string()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("application/json"),
    );
    response
}

fn error(status: StatusCode, field: &str, code: &str) -> Response<Body> {
    answer(
        status,
        &json!({ "errors": [{ "field": field, "code": code }] }),
    )
}

fn refused(why: &str, client: &str) -> Response<Body> {
    log::event(
        "warn",
        "helpdesk hook refused",
        &[("why", why), ("client", client)],
    );
    error(StatusCode::UNAUTHORIZED, "signature", why)
}

/// The ticket number in `text`: the number itself, or the first `[ACME-000123]` in it, so a
/// helpdesk can send the subject of the ticket our e-mail opened (`[ACME-000123] [high] …`).
fn ticket_number(text: &str) -> Option<String> {
    let text = text.trim();
    if store::parse_number(text).is_some() {
        return Some(text.to_string());
    }
    text.split('[')
        .filter_map(|part| part.split_once(']').map(|(inside, _)| inside.trim()))
        .find(|inside| store::parse_number(inside).is_some())
        .map(str::to_string)
}

/// The handler.
pub async fn helpdesk(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response<Body> {
    let Ok(Value::Object(fields)) = serde_json::from_slice::<Value>(&body) else {
        return error(StatusCode::BAD_REQUEST, "body", "malformed");
    };
    let text = |key: &str| fields.get(key).and_then(Value::as_str).unwrap_or("");
    let client_id = text("client").to_string();
    // Unknown client and client without a secret look the same from outside: unauthenticated.
    let secret = app
        .clients
        .as_ref()
        .and_then(|c| c.client(&client_id))
        .and_then(|c| c.helpdesk_hook_secret.clone());
    let Some(secret) = secret else {
        return refused("unknown_client", &client_id);
    };
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    let now = crate::clock::now().seconds();
    match delivery::verify(
        &secret,
        &header(SIGNATURE_HEADER),
        &body,
        now,
        TOLERANCE_SECONDS,
    ) {
        Ok(()) => {}
        Err(BadSignature::Malformed) => return refused("malformed", &client_id),
        Err(BadSignature::Mismatch) => return refused("mismatch", &client_id),
        Err(BadSignature::Stale) => return refused("stale", &client_id),
    }
    let delivery_id = header(DELIVERY_HEADER);
    if delivery_id.is_empty() || delivery_id.len() > SHORT_MAX {
        return refused("delivery_id", &client_id);
    }
    let Some(number) = ticket_number(text("ticket")) else {
        return error(StatusCode::UNPROCESSABLE_ENTITY, "ticket", "invalid");
    };
    let change = match text("type") {
        "reply" => {
            let author = text("author").trim().to_string();
            let reply = text("body").trim().to_string();
            if author.is_empty() || author.chars().count() > SHORT_MAX {
                return error(StatusCode::UNPROCESSABLE_ENTITY, "author", "invalid");
            }
            if reply.is_empty() || reply.chars().count() > REPLY_MAX {
                return error(StatusCode::UNPROCESSABLE_ENTITY, "body", "invalid");
            }
            Change::Reply {
                author,
                body: reply,
            }
        }
        "status" => match text("status") {
            "resolved" => Change::Resolve,
            "closed" => Change::Close,
            _ => return error(StatusCode::UNPROCESSABLE_ENTITY, "status", "invalid"),
        },
        _ => return error(StatusCode::UNPROCESSABLE_ENTITY, "type", "invalid"),
    };
    let now = crate::clock::now().seconds();
    let outcome = if let Some(pg) = app.tickets.store.postgres() {
        let hook = Some((client_id.as_str(), delivery_id.as_str()));
        apply_on_postgres(pg, &client_id, &number, &change, hook, now).await
    } else {
        apply_on_sqlite(&app, client_id.clone(), number, change, delivery_id, now).await
    };
    match outcome {
        Ok(Some(())) => answer(StatusCode::OK, &json!({ "applied": true })),
        Ok(None) => error(StatusCode::NOT_FOUND, "ticket", "not_found"),
        Err(ActionError::Replay) => refused("replay", &client_id),
        Err(ActionError::Closed) => error(StatusCode::CONFLICT, "ticket", "closed"),
        Err(ActionError::Store(e)) => {
            log::event(
                "error",
                "helpdesk hook failed",
                &[("error", &e.to_string())],
            );
            error(StatusCode::SERVICE_UNAVAILABLE, "store", "unavailable")
        }
    }
}

/// What a hook asks for.
enum Change {
    Reply { author: String, body: String },
    Resolve,
    Close,
}

impl Change {
    fn action(&self) -> (AgentAction<'_>, &str) {
        match self {
            Change::Reply { author, body } => (AgentAction::Reply(body), author.as_str()),
            Change::Resolve => (AgentAction::Resolve, "agent"),
            Change::Close => (AgentAction::Close, "agent"),
        }
    }
}

/// Applies the change to the client's ticket `number` on PostgreSQL; `Ok(None)`: no such ticket.
async fn apply_on_postgres(
    pg: &crate::store::pg::Postgres,
    client: &str,
    number: &str,
    change: &Change,
    hook: Option<(&str, &str)>,
    now: i64,
) -> Result<Option<()>, ActionError> {
    let mut db = pg.connection().await.map_err(ActionError::Store)?;
    let Some(ticket) = crate::store::pg::ticket_by_number(&**db, number, Some(client))
        .await
        .map_err(ActionError::Store)?
    else {
        return Ok(None);
    };
    let (action, author) = change.action();
    crate::store::pg::apply_as(&mut db, ticket.id, action, author, hook, now)
        .await
        .map(Some)
}

/// Applies the change on SQLite, off the async threads.
async fn apply_on_sqlite(
    app: &App,
    client: String,
    number: String,
    change: Change,
    delivery_id: String,
    now: i64,
) -> Result<Option<()>, ActionError> {
    let db = store::db_path(&app.tickets.data);
    tokio::task::spawn_blocking(move || -> Result<Option<()>, ActionError> {
        let mut conn = store::open_writer(&db).map_err(ActionError::Store)?;
        let Some(ticket) =
            store::ticket_by_number(&conn, &number, Some(&client)).map_err(ActionError::Store)?
        else {
            return Ok(None);
        };
        let (action, author) = change.action();
        let hook = Some((client.as_str(), delivery_id.as_str()));
        store::apply_as(&mut conn, ticket.id, action, author, hook, now).map(Some)
    })
    .await
    .unwrap_or(Err(ActionError::Store(store::StoreError::Closed)))
}
