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
    /// `helpdesk_email` or `webhook`.
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
    let payload = helpdesk_payload(ticket_id, route);
    enqueue_mail(conn, client, HELPDESK_EMAIL, &payload, &route.from, now)
}

/// Queues one e-mail of `kind` (its payload has `from`), due at once, with a `Message-ID`
/// fixed now so that every attempt carries the same one.
fn enqueue_mail(
    conn: &Connection,
    client: &str,
    kind: &str,
    payload: &serde_json::Value,
    from: &str,
    now: i64,
) -> Result<i64, StoreError> {
    let (nonce, domain) = mail_id_parts(from)?;
    conn.prepare_cached(
        "INSERT INTO deliveries (client, kind, message_id, payload, next_attempt_at, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
    )?
    .execute(params![
        client,
        kind,
        format!("pending-{nonce}"),
        payload.to_string(),
        now
    ])?;
    let id = conn.last_insert_rowid();
    conn.prepare_cached("UPDATE deliveries SET message_id = ?2 WHERE id = ?1")?
        .execute(params![id, format!("<delivery-{id}.{nonce}@{domain}>")])?;
    Ok(id)
}

/// The parts of a queued e-mail's `Message-ID`, `<delivery-ID.NONCE@DOMAIN>`, other than the
/// row id (known only once inserted): a random nonce keeps ids from two databases (a restored
/// backup, a second installation) from colliding at the receiver, and the sender's domain.
///
/// # Errors
/// No random bytes.
pub fn mail_id_parts(from: &str) -> Result<(String, String), StoreError> {
    let nonce = random_hex(6)?;
    let domain = from
        .rsplit_once('@')
        .map_or("lms-support.invalid", |(_, d)| d);
    Ok((nonce, domain.to_string()))
}

/// The kind of the e-mail telling a learner of an agent's reply or of the resolution.
pub const LEARNER_EMAIL: &str = "learner_email";
/// The kind of the e-mail telling a client's escalation address of an escalated ticket.
pub const ESCALATION_EMAIL: &str = "escalation_email";

/// A client's mail addresses (`notify_from`, `escalation_email` in its configuration).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientMail {
    /// The client's id.
    pub client: String,
    /// The sender of learners' and escalation e-mails.
    pub notify_from: Option<String>,
    /// Who hears of escalated tickets.
    pub escalation_email: Option<String>,
}

/// Makes the `client_mail` table say what the configuration says (see [`sync_webhooks`]).
///
/// # Errors
/// SQLite errors.
pub fn sync_client_mail(conn: &mut Connection, clients: &[ClientMail]) -> Result<(), StoreError> {
    let tx = conn.transaction()?;
    tx.execute("DELETE FROM client_mail", [])?;
    for c in clients {
        tx.execute(
            "INSERT OR REPLACE INTO client_mail (client, notify_from, escalation_email)
             VALUES (?1, ?2, ?3)",
            params![c.client, c.notify_from, c.escalation_email],
        )?;
    }
    tx.commit()?;
    Ok(())
}

fn client_mail(
    conn: &Connection,
    client: &str,
) -> Result<(Option<String>, Option<String>), StoreError> {
    Ok(conn
        .prepare_cached("SELECT notify_from, escalation_email FROM client_mail WHERE client = ?1")?
        .query_row([client], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .unwrap_or((None, None)))
}

/// What a learner's e-mail is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LearnerNews<'a> {
    /// An agent replied with this text.
    Reply(&'a str),
    /// The ticket was resolved, with this last reply if the same change added one.
    Resolved(Option<&'a str>),
}

/// Queues the e-mail telling the learner of ticket `ticket_id` about `news`, inside the
/// caller's transaction, when its client has a `notify_from` and the ticket an address.
/// The reply text is stored with it, so every attempt sends the same words. Returns whether
/// one was queued.
///
/// # Errors
/// SQLite errors; or no random bytes.
pub fn enqueue_learner_email(
    conn: &Connection,
    ticket_id: i64,
    news: LearnerNews<'_>,
    now: i64,
) -> Result<bool, StoreError> {
    let Some(ticket) = super::ticket(conn, ticket_id)? else {
        return Ok(false);
    };
    let (Some(from), _) = client_mail(conn, &ticket.client)? else {
        return Ok(false);
    };
    let Some(payload) = learner_payload(&ticket, &from, news) else {
        return Ok(false);
    };
    enqueue_mail(conn, &ticket.client, LEARNER_EMAIL, &payload, &from, now)?;
    Ok(true)
}

/// The payload of a learner's e-mail about `news`, sent from `from`; `None` when the ticket
/// has no address.
pub fn learner_payload(
    ticket: &super::TicketRecord,
    from: &str,
    news: LearnerNews<'_>,
) -> Option<serde_json::Value> {
    if ticket.email().trim().is_empty() {
        return None;
    }
    let (event, reply) = match news {
        LearnerNews::Reply(text) => ("reply", Some(text)),
        LearnerNews::Resolved(text) => ("resolved", text),
    };
    Some(json!({
        "ticket_id": ticket.id, "to": ticket.email(), "from": from, "event": event, "reply": reply,
    }))
}

/// The payload of the e-mail telling `to` why ticket `ticket_id` escalated.
pub fn escalation_payload(ticket_id: i64, from: &str, to: &str, reason: &str) -> serde_json::Value {
    json!({ "ticket_id": ticket_id, "to": to, "from": from, "reason": reason })
}

/// The payload of a new ticket's e-mail to the client's helpdesk.
pub fn helpdesk_payload(ticket_id: i64, route: &HelpdeskRoute) -> serde_json::Value {
    json!({ "ticket_id": ticket_id, "to": route.to, "from": route.from })
}

/// Queues the e-mail telling ticket `ticket_id`'s client's `escalation_email` why it was
/// escalated, inside the caller's transaction (the one marking the escalation), when the
/// client has one. Returns whether one was queued.
///
/// # Errors
/// SQLite errors; or no random bytes.
pub fn enqueue_escalation_email(
    conn: &Connection,
    ticket_id: i64,
    reason: &str,
    now: i64,
) -> Result<bool, StoreError> {
    let Some(ticket) = super::ticket(conn, ticket_id)? else {
        return Ok(false);
    };
    let (Some(from), Some(to)) = client_mail(conn, &ticket.client)? else {
        return Ok(false);
    };
    let payload = escalation_payload(ticket_id, &from, &to, reason);
    enqueue_mail(conn, &ticket.client, ESCALATION_EMAIL, &payload, &from, now)?;
    Ok(true)
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

/// The kind of a signed webhook POST.
pub const WEBHOOK: &str = "webhook";

/// The events a webhook can ask for.
pub const EVENTS: [&str; 3] = ["ticket.created", "ticket.updated", "feedback.created"];

/// One of a client's webhook receivers (`webhooks` in its configuration).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Webhook {
    /// Where events are POSTed (http or https).
    pub url: String,
    /// The HMAC key both sides share.
    pub secret: String,
    /// Which of [`EVENTS`] it wants.
    pub events: Vec<String>,
}

/// Makes the `webhooks` table say what the configuration says: `(client, receiver)` pairs.
/// Events already queued keep the URL and secret they were queued with.
///
/// # Errors
/// SQLite errors.
pub fn sync_webhooks(conn: &mut Connection, hooks: &[(String, Webhook)]) -> Result<(), StoreError> {
    let tx = conn.transaction()?;
    tx.execute("DELETE FROM webhooks", [])?;
    for (client, hook) in hooks {
        tx.execute(
            "INSERT OR REPLACE INTO webhooks (client, url, secret, events) VALUES (?1, ?2, ?3, ?4)",
            params![client, hook.url, hook.secret, hook.events.join(",")],
        )?;
    }
    tx.commit()?;
    Ok(())
}

fn random_hex(bytes: usize) -> Result<String, StoreError> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf)
        .map_err(|e| StoreError::Io(std::io::Error::other(format!("no random bytes: {e}"))))?;
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}

/// Queues `event` with `data` for each of `client`'s receivers that asked for it, inside the
/// caller's transaction. The body is fixed now, so every attempt sends the same bytes with the
/// same delivery id (`dlv_…`, also the body's `id`); only the signature's timestamp changes.
/// Returns how many were queued.
///
/// # Errors
/// SQLite errors; or no random bytes.
pub fn enqueue_event(
    conn: &Connection,
    client: &str,
    event: &str,
    data: serde_json::Value,
    now: i64,
) -> Result<usize, StoreError> {
    let receivers: Vec<(String, String, String)> = conn
        .prepare_cached("SELECT url, secret, events FROM webhooks WHERE client = ?1 ORDER BY url")?
        .query_map([client], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    let mut queued = 0;
    for (url, secret, events) in receivers {
        if !wants(&events, event) {
            continue;
        }
        let (id, payload) = webhook_payload(client, event, &data, now, &url, &secret)?;
        conn.prepare_cached(
            "INSERT INTO deliveries (client, kind, message_id, payload, next_attempt_at, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
        )?
        .execute(params![client, WEBHOOK, id, payload, now])?;
        queued += 1;
    }
    Ok(queued)
}

/// True when a receiver's `events` (as stored: comma-separated) include `event`.
pub fn wants(events: &str, event: &str) -> bool {
    events.split(',').any(|e| e == event)
}

/// One webhook delivery of `event` to the receiver at `url`: its delivery id (`dlv_…`, also
/// the body's `id`) and the stored payload (URL, secret and the body, fixed now so that every
/// attempt sends the same bytes).
///
/// # Errors
/// No random bytes.
pub fn webhook_payload(
    client: &str,
    event: &str,
    data: &serde_json::Value,
    now: i64,
    url: &str,
    secret: &str,
) -> Result<(String, String), StoreError> {
    let id = format!("dlv_{}", random_hex(12)?);
    let body = json!({
        "id": id, "type": event, "created": now, "client": client, "data": data,
    });
    let payload = json!({ "url": url, "secret": secret, "body": body.to_string() });
    Ok((id, payload.to_string()))
}

/// What a webhook says about ticket `id`: number, status, priority, subject and the learner,
/// plus `change` (what happened) when given.
///
/// # Errors
/// SQLite errors.
pub fn ticket_event_data(
    conn: &Connection,
    id: i64,
    change: Option<serde_json::Value>,
) -> Result<Option<(String, serde_json::Value)>, StoreError> {
    let Some(t) = super::ticket(conn, id)? else {
        return Ok(None);
    };
    let data = event_data(&t, change);
    Ok(Some((t.client, data)))
}

/// What a webhook says about ticket `t` (see [`ticket_event_data`]).
pub fn event_data(t: &super::TicketRecord, change: Option<serde_json::Value>) -> serde_json::Value {
    let mut data = json!({
        "ticket": {
            "number": t.number(),
            "status": t.status,
            "priority": t.priority(),
            "category": t.category(),
            "subject": t.subject(),
            "description": t.description(),
            "locale": t.locale(),
            "learner": { "name": t.name(), "email": t.email() },
            "created_at": super::rfc3339(t.created_at),
            "response_due_at": super::rfc3339(t.response_due_at),
        }
    });
    if let Some(change) = change {
        data["change"] = change;
    }
    data
}

/// Records an inbound hook's delivery id; false if it was seen before (a replay).
///
/// # Errors
/// SQLite errors.
pub fn remember_hook_id(
    conn: &Connection,
    client: &str,
    delivery_id: &str,
    now: i64,
) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached(
            "INSERT OR IGNORE INTO hook_ids_seen (client, delivery_id, at) VALUES (?1, ?2, ?3)",
        )?
        .execute(params![client, delivery_id, now])?
        == 1)
}
