//! Probes for load balancers and orchestrators.
//!
//! - `GET /healthz`: the process answers HTTP (`200 {"status":"ok"}`). A liveness probe: if
//!   this fails, restart the process.
//! - `GET /readyz`: the database answers a query (SQLite: the file, on a new connection;
//!   PostgreSQL: a pooled connection) and the writer (thread or task) is running
//!   (`200 {"status":"ready"}`); otherwise `503` with the checks that failed, so a balancer
//!   sends learners elsewhere until it recovers.
//!
//! Neither is logged per request (see [`super::log`]); a change of readiness is, once.

use super::{log, App};
use crate::store;
use axum::body::Body;
use axum::extract::State;
use axum::http::header::{self, HeaderValue};
use axum::http::{Response, StatusCode};
use serde_json::json;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// What the last `/readyz` answered, so only changes are logged.
static WAS_READY: AtomicBool = AtomicBool::new(true);

/// How long the database gets to answer before the server is reported not ready.
const DATABASE_TIMEOUT: Duration = Duration::from_secs(2);

/// `GET /healthz`.
pub async fn healthz() -> Response<Body> {
    respond(StatusCode::OK, &json!({"status": "ok"}))
}

/// `GET /readyz`.
pub async fn readyz(State(app): State<Arc<App>>) -> Response<Body> {
    if let Some(pg) = app.tickets.store.postgres() {
        let database = match tokio::time::timeout(DATABASE_TIMEOUT, pg.ping()).await {
            Ok(Ok(())) => None,
            Ok(Err(e)) => Some(e.to_string()),
            Err(_) => Some("no answer within 2 s".to_string()),
        };
        return ready_or_not(database, pg.writer_running());
    }
    // A fresh connection, not a pooled one: a pooled connection keeps answering from a file
    // that was deleted or replaced under the server, where new writes would be lost.
    let path = store::db_path(&app.tickets.data);
    let query = tokio::task::spawn_blocking(move || {
        let conn = rusqlite::Connection::open_with_flags(
            &path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.query_row("SELECT COUNT(*) FROM tickets", [], |row| {
            row.get::<_, i64>(0)
        })
    });
    let database = match tokio::time::timeout(DATABASE_TIMEOUT, query).await {
        Ok(Ok(Ok(_))) => None,
        Ok(Ok(Err(e))) => Some(e.to_string()),
        Ok(Err(e)) => Some(e.to_string()),
        Err(_) => Some("no answer within 2 s".to_string()),
    };
    let writer = app
        .writer_thread
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .as_ref()
        .is_some_and(|thread| !thread.is_finished());
    ready_or_not(database, writer)
}

/// The answer for the database's error (if any) and whether the writer runs.
fn ready_or_not(database: Option<String>, writer: bool) -> Response<Body> {
    let mut failed = Vec::new();
    let mut reasons = Vec::new();
    if let Some(error) = &database {
        failed.push(json!({"check": "database", "code": "unavailable"}));
        reasons.push(format!("the database does not answer: {error}"));
    }
    if !writer {
        failed.push(json!({"check": "writer", "code": "stopped"}));
        reasons.push("the database writer has stopped".to_string());
    }
    // Probes come every few seconds: log when readiness changes, not at every probe.
    let was_ready = WAS_READY.swap(failed.is_empty(), Ordering::Relaxed);
    if was_ready && !failed.is_empty() {
        log::event("error", "not ready", &[("reason", &reasons.join("; "))]);
    } else if !was_ready && failed.is_empty() {
        log::event("info", "ready again", &[]);
    }
    if failed.is_empty() {
        respond(StatusCode::OK, &json!({"status": "ready"}))
    } else {
        respond(
            StatusCode::SERVICE_UNAVAILABLE,
            &json!({"status": "not_ready", "failed": failed}),
        )
    }
}

fn respond(status: StatusCode, body: &serde_json::Value) -> Response<Body> {
    let mut response = super::http::respond(status, "application/json", body.to_string());
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
