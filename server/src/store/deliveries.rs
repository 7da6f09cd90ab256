//! The delivery queue (issue 16): outgoing messages written in the same transaction as the
//! change that causes them, then sent by a worker (`crate::delivery`) until one attempt
//! succeeds. SQL only; what a message looks like and how it is sent are not this module's.

use super::StoreError;
use rusqlite::{params, Connection, OptionalExtension as _};
use serde_json::json;

/// The kind of a new ticket's e-mail to the client's helpdesk.
pub const HELPDESK_EMAIL: &str = "helpdesk_email";

/// Where a client's new tickets are e-mailed (its `helpdesk_email` and `notify_from`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HelpdeskRoute {
    /// The helpdesk's inbound address.
    pub to: String,
    /// The sender the helpdesk sees.
    pub from: String,
}

/// One queued message.
#[derive(Clone, Debug, PartialEq)]
pub struct Delivery {
    /// Row id.
    pub id: i64,
    /// The client whose change caused it.
    pub client: String,
    /// `helpdesk_email`.
    pub kind: String,
    /// The `Message-ID` (or idempotency key) every attempt carries, with angle brackets.
    pub message_id: String,
    /// JSON, shaped by `kind`.
    pub payload: serde_json::Value,
    /// Attempts made so far.
    pub attempts: i64,
    /// When the next attempt is due.
    pub next_attempt_at: i64,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// When an attempt succeeded.
    pub delivered_at: Option<i64>,
    /// When it was queued.
    pub created_at: i64,
}

/// Queues the helpdesk e-mail of the new ticket `ticket_id`, due at once. Runs inside the
/// caller's transaction (the writer's savepoint for the ticket), so the ticket and its e-mail
/// are stored together or not at all.
///
/// # Errors
/// SQLite errors; or no random bytes for the message id.
pub fn enqueue_helpdesk_email(
    conn: &Connection,
    client: &str,
    ticket_id: i64,
    route: &HelpdeskRoute,
    now: i64,
) -> Result<i64, StoreError> {
    let payload = json!({ "ticket_id": ticket_id, "to": route.to, "from": route.from });
    // The id is only known after the insert; a random nonce keeps ids from two databases (a
    // restored backup, a second installation) from colliding at the receiver.
    let mut nonce = [0u8; 6];
    getrandom::fill(&mut nonce)
        .map_err(|e| StoreError::Io(std::io::Error::other(format!("no random bytes: {e}"))))?;
    let nonce: String = nonce.iter().map(|b| format!("{b:02x}")).collect();
    let domain = route
        .from
        .rsplit_once('@')
        .map_or("lms-support.invalid", |(_, d)| d);
    conn.prepare_cached(
        "INSERT INTO deliveries (client, kind, message_id, payload, next_attempt_at, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
    )?
    .execute(params![
        client,
        HELPDESK_EMAIL,
        format!("pending-{nonce}"),
        payload.to_string(),
        now
    ])?;
    let id = conn.last_insert_rowid();
    conn.prepare_cached("UPDATE deliveries SET message_id = ?2 WHERE id = ?1")?
        .execute(params![id, format!("<delivery-{id}.{nonce}@{domain}>")])?;
    Ok(id)
}

const COLUMNS: &str = "id, client, kind, message_id, payload, attempts, next_attempt_at, \
    last_error, delivered_at, created_at";

fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Delivery> {
    let payload: String = row.get(4)?;
    Ok(Delivery {
        id: row.get(0)?,
        client: row.get(1)?,
        kind: row.get(2)?,
        message_id: row.get(3)?,
        payload: serde_json::from_str(&payload).unwrap_or(serde_json::Value::Null),
        attempts: row.get(5)?,
        next_attempt_at: row.get(6)?,
        last_error: row.get(7)?,
        delivered_at: row.get(8)?,
        created_at: row.get(9)?,
    })
}

/// Undelivered messages due at `now`, oldest first, at most `limit`.
///
/// # Errors
/// SQLite errors.
pub fn due(conn: &Connection, now: i64, limit: usize) -> Result<Vec<Delivery>, StoreError> {
    let mut statement = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM deliveries
         WHERE delivered_at IS NULL AND next_attempt_at <= ?1
         ORDER BY next_attempt_at, id LIMIT ?2"
    ))?;
    let rows = statement
        .query_map(
            params![now, i64::try_from(limit).unwrap_or(i64::MAX)],
            from_row,
        )?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// Every message, or only the undelivered ones that have failed at least once, oldest first.
///
/// # Errors
/// SQLite errors.
pub fn list(conn: &Connection, failed_only: bool) -> Result<Vec<Delivery>, StoreError> {
    let filter = if failed_only {
        "WHERE delivered_at IS NULL AND attempts > 0"
    } else {
        ""
    };
    let mut statement = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM deliveries {filter} ORDER BY id"
    ))?;
    let rows = statement
        .query_map([], from_row)?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// Records a successful attempt.
///
/// # Errors
/// SQLite errors.
pub fn mark_delivered(conn: &Connection, id: i64, now: i64) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE deliveries SET attempts = attempts + 1, delivered_at = ?2, last_error = NULL
         WHERE id = ?1 AND delivered_at IS NULL",
    )?
    .execute(params![id, now])?;
    Ok(())
}

/// Records a failed attempt and when to try again.
///
/// # Errors
/// SQLite errors.
pub fn mark_failed(
    conn: &Connection,
    id: i64,
    error: &str,
    next_attempt_at: i64,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE deliveries SET attempts = attempts + 1, last_error = ?2, next_attempt_at = ?3
         WHERE id = ?1 AND delivered_at IS NULL",
    )?
    .execute(params![id, error, next_attempt_at])?;
    Ok(())
}

/// Makes undelivered messages due at `now`: one (`Some(id)`) or all. Returns how many.
///
/// # Errors
/// SQLite errors.
pub fn retry(conn: &Connection, id: Option<i64>, now: i64) -> Result<usize, StoreError> {
    Ok(conn.execute(
        "UPDATE deliveries SET next_attempt_at = ?2
         WHERE delivered_at IS NULL AND (?1 IS NULL OR id = ?1)",
        params![id, now],
    )?)
}

/// One message by id.
///
/// # Errors
/// SQLite errors.
pub fn get(conn: &Connection, id: i64) -> Result<Option<Delivery>, StoreError> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM deliveries WHERE id = ?1"),
            [id],
            from_row,
        )
        .optional()?)
}
