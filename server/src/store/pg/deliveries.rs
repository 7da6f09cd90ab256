//! The delivery queue on PostgreSQL: the same rows as SQLite's ([`crate::store::deliveries`],
//! whose payload builders these share), queued in the transaction of the change that causes
//! them, and taken by the workers of several instances without sending one twice.
//!
//! A worker **claims** a due message before sending it ([`claim`]): one statement moves its
//! `next_attempt_at` [`CLAIM_SECONDS`] ahead, taking the row with `FOR UPDATE SKIP LOCKED`,
//! so two instances never take the same row, and an instance that dies mid-send leaves a row
//! that falls due again when the claim runs out (the next attempt carries the same
//! `Message-ID` or delivery id, as after any unacknowledged attempt). Marking the attempt
//! ([`mark`]) sets the real next attempt, or the delivery time.

use super::super::deliveries::{self as queue, Delivery, HelpdeskRoute, LearnerNews};
use super::super::{StoreError, TicketRecord, TICKET_COLUMNS};
use std::collections::HashMap;
use tokio_postgres::GenericClient;

/// A claimed message, with the ticket and attachments an e-mail is written from.
#[derive(Debug)]
pub struct Claimed {
    /// The message.
    pub delivery: Delivery,
    /// Its ticket, for an e-mail (`None` for a webhook, or when the ticket is gone).
    pub ticket: Option<TicketRecord>,
    /// The ticket's attachments.
    pub files: Vec<super::super::Attachment>,
}

/// How long a claim lasts: longer than one attempt can take (an SMTP conversation times out
/// after 30 s, a webhook POST after 10 s), so a live sender always marks its message first.
pub const CLAIM_SECONDS: i64 = 120;

/// A message to queue.
#[derive(Clone, Debug)]
pub struct Queued {
    /// The ticket it is about (a change that did not happen queues nothing, see
    /// [`escalate`](super::escalate)).
    pub ticket_id: i64,
    /// The ticket's client.
    pub client: String,
    /// `helpdesk_email`, `webhook`, …
    pub kind: &'static str,
    /// How its message id is made.
    pub id: MessageId,
    /// The stored payload (JSON).
    pub payload: String,
    /// When it was queued, and due.
    pub at: i64,
}

/// A queued message's id.
#[derive(Clone, Debug)]
pub enum MessageId {
    /// A webhook's delivery id.
    Fixed(String),
    /// An e-mail's `<delivery-ROWID.NONCE@DOMAIN>`, the row id known only in the insert.
    Mail {
        /// Random hex.
        nonce: String,
        /// The sender's domain.
        domain: String,
    },
}

/// Inserts rows given as arrays (see [`columns`]) from parameter `$first` on, in one
/// statement; the e-mails' `Message-ID`s name their row ids, as on SQLite.
fn insert_sql(first: usize) -> String {
    let p: Vec<String> = (first..first + 8).map(|i| format!("${i}")).collect();
    format!(
        "INSERT INTO deliveries (id, client, kind, message_id, payload, next_attempt_at, created_at)
         SELECT q.id, q.client, q.kind,
                COALESCE(q.message_id,
                         '<delivery-' || q.id || '.' || q.nonce || '@' || q.domain || '>'),
                q.payload, q.at, q.at
         FROM (SELECT nextval(pg_get_serial_sequence('deliveries', 'id')) AS id, r.*
               FROM unnest({}::bigint[], {}::text[], {}::text[], {}::text[], {}::text[],
                           {}::text[], {}::text[], {}::bigint[])
                    AS r(ticket_id, client, kind, message_id, nonce, domain, payload, at)) AS q",
        p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7]
    )
}

/// The arrays [`insert_sql`] takes, from `rows`.
#[allow(clippy::type_complexity)]
fn columns(
    rows: &[Queued],
) -> (
    Vec<i64>,
    Vec<String>,
    Vec<String>,
    Vec<Option<String>>,
    Vec<Option<String>>,
    Vec<Option<String>>,
    Vec<String>,
    Vec<i64>,
) {
    let mut c = (
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
    );
    for r in rows {
        c.0.push(r.ticket_id);
        c.1.push(r.client.clone());
        c.2.push(r.kind.to_string());
        match &r.id {
            MessageId::Fixed(id) => {
                c.3.push(Some(id.clone()));
                c.4.push(None);
                c.5.push(None);
            }
            MessageId::Mail { nonce, domain } => {
                c.3.push(None);
                c.4.push(Some(nonce.clone()));
                c.5.push(Some(domain.clone()));
            }
        }
        c.6.push(r.payload.clone());
        c.7.push(r.at);
    }
    c
}

/// Queues `rows` (in the caller's transaction).
///
/// # Errors
/// Database errors.
pub async fn insert(db: &impl GenericClient, rows: &[Queued]) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    let c = columns(rows);
    db.execute(
        &insert_sql(1),
        &[&c.0, &c.1, &c.2, &c.3, &c.4, &c.5, &c.6, &c.7],
    )
    .await?;
    Ok(())
}

/// The same insert as one part of a statement that first marks the escalations: only rows
/// whose ticket the `UPDATE` changed are queued (see [`super::escalate`]).
pub(super) fn escalate_sql(update: &str, first: usize) -> String {
    let insert = insert_sql(first).replace(
        ") AS q",
        ") AS q WHERE q.ticket_id IN (SELECT id FROM escalated)",
    );
    format!("WITH escalated AS ({update} RETURNING id), queued AS ({insert}) SELECT count(*) FROM escalated")
}

/// The arrays of `rows`, boxed as statement parameters.
pub(super) fn params(rows: &[Queued]) -> Vec<Box<dyn tokio_postgres::types::ToSql + Sync + Send>> {
    let c = columns(rows);
    vec![
        Box::new(c.0),
        Box::new(c.1),
        Box::new(c.2),
        Box::new(c.3),
        Box::new(c.4),
        Box::new(c.5),
        Box::new(c.6),
        Box::new(c.7),
    ]
}

/// A client's webhook receivers: `(url, secret, events)`.
pub type Receivers = HashMap<String, Vec<(String, String, String)>>;

/// The receivers of `clients`.
///
/// # Errors
/// Database errors.
pub async fn receivers(db: &impl GenericClient, clients: &[&str]) -> Result<Receivers, StoreError> {
    let mut out = Receivers::new();
    if clients.is_empty() {
        return Ok(out);
    }
    let rows = db
        .query(
            "SELECT client, url, secret, events FROM webhooks WHERE client = ANY($1)
             ORDER BY client, url COLLATE \"C\"",
            &[&clients],
        )
        .await?;
    for r in rows {
        out.entry(r.try_get(0)?)
            .or_default()
            .push((r.try_get(1)?, r.try_get(2)?, r.try_get(3)?));
    }
    Ok(out)
}

/// A client's `notify_from` and `escalation_email`, as synced from the configuration.
///
/// # Errors
/// Database errors.
pub async fn client_mail(
    db: &impl GenericClient,
    client: &str,
) -> Result<(Option<String>, Option<String>), StoreError> {
    Ok(db
        .query_opt(
            "SELECT notify_from, escalation_email FROM client_mail WHERE client = $1",
            &[&client],
        )
        .await?
        .map(|r| (r.get(0), r.get(1)))
        .unwrap_or((None, None)))
}

/// The webhook deliveries of `event` about `ticket` for its client's receivers that want it.
///
/// # Errors
/// No random bytes.
pub fn ticket_event(
    receivers: &Receivers,
    ticket: &TicketRecord,
    event: &str,
    change: Option<serde_json::Value>,
    now: i64,
) -> Result<Vec<Queued>, StoreError> {
    let Some(hooks) = receivers.get(&ticket.client) else {
        return Ok(Vec::new());
    };
    let data = queue::event_data(ticket, change);
    let mut out = Vec::new();
    for (url, secret, events) in hooks {
        if !queue::wants(events, event) {
            continue;
        }
        let (id, payload) = queue::webhook_payload(&ticket.client, event, &data, now, url, secret)?;
        out.push(Queued {
            ticket_id: ticket.id,
            client: ticket.client.clone(),
            kind: queue::WEBHOOK,
            id: MessageId::Fixed(id),
            payload,
            at: now,
        });
    }
    Ok(out)
}

/// An e-mail of `kind` about `ticket_id`, sent from `from`.
///
/// # Errors
/// No random bytes.
pub fn mail(
    ticket_id: i64,
    client: &str,
    kind: &'static str,
    payload: &serde_json::Value,
    from: &str,
    now: i64,
) -> Result<Queued, StoreError> {
    let (nonce, domain) = queue::mail_id_parts(from)?;
    Ok(Queued {
        ticket_id,
        client: client.to_string(),
        kind,
        id: MessageId::Mail { nonce, domain },
        payload: payload.to_string(),
        at: now,
    })
}

/// A new ticket's helpdesk e-mail.
///
/// # Errors
/// No random bytes.
pub fn helpdesk(
    ticket: &TicketRecord,
    route: &HelpdeskRoute,
    now: i64,
) -> Result<Queued, StoreError> {
    mail(
        ticket.id,
        &ticket.client,
        queue::HELPDESK_EMAIL,
        &queue::helpdesk_payload(ticket.id, route),
        &route.from,
        now,
    )
}

/// What an agent's change queues: the learner's e-mail about `news` (when the client sends
/// them and the ticket has an address) and the `ticket.updated` webhooks, in the caller's
/// transaction.
///
/// # Errors
/// Database errors; no random bytes.
pub async fn after_agent_change(
    db: &impl GenericClient,
    ticket: &TicketRecord,
    news: Option<LearnerNews<'_>>,
    change: serde_json::Value,
    now: i64,
) -> Result<(), StoreError> {
    let mut rows = Vec::new();
    if let Some(news) = news {
        if let (Some(from), _) = client_mail(db, &ticket.client).await? {
            if let Some(payload) = queue::learner_payload(ticket, &from, news) {
                rows.push(mail(
                    ticket.id,
                    &ticket.client,
                    queue::LEARNER_EMAIL,
                    &payload,
                    &from,
                    now,
                )?);
            }
        }
    }
    let hooks = receivers(db, &[ticket.client.as_str()]).await?;
    rows.extend(ticket_event(
        &hooks,
        ticket,
        "ticket.updated",
        Some(change),
        now,
    )?);
    insert(db, &rows).await
}

/// Makes the `webhooks` and `client_mail` tables say what the configuration says, in one
/// transaction (each instance does it at start-up and at every reload; they agree).
///
/// # Errors
/// Database errors.
pub async fn sync(
    db: &mut tokio_postgres::Client,
    hooks: &[(String, queue::Webhook)],
    mail: &[queue::ClientMail],
) -> Result<(), StoreError> {
    let tx = db.transaction().await?;
    // One instance at a time, so two reloads do not interleave their deletes and inserts.
    tx.execute(
        "SELECT pg_advisory_xact_lock(hashtextextended('lms_sync_deliveries', 0))",
        &[],
    )
    .await?;
    tx.execute("DELETE FROM webhooks", &[]).await?;
    for (client, hook) in hooks {
        tx.execute(
            "INSERT INTO webhooks (client, url, secret, events) VALUES ($1, $2, $3, $4)
             ON CONFLICT (client, url) DO UPDATE SET secret = excluded.secret,
                 events = excluded.events",
            &[client, &hook.url, &hook.secret, &hook.events.join(",")],
        )
        .await?;
    }
    tx.execute("DELETE FROM client_mail", &[]).await?;
    for c in mail {
        tx.execute(
            "INSERT INTO client_mail (client, notify_from, escalation_email) VALUES ($1, $2, $3)
             ON CONFLICT (client) DO UPDATE SET notify_from = excluded.notify_from,
                 escalation_email = excluded.escalation_email",
            &[&c.client, &c.notify_from, &c.escalation_email],
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

const COLUMNS: &str = "id, client, kind, message_id, payload, attempts, next_attempt_at, \
    last_error, delivered_at, created_at";

fn from_row(row: &tokio_postgres::Row) -> Result<Delivery, tokio_postgres::Error> {
    let payload: String = row.try_get(4)?;
    Ok(Delivery {
        id: row.try_get(0)?,
        client: row.try_get(1)?,
        kind: row.try_get(2)?,
        message_id: row.try_get(3)?,
        payload: serde_json::from_str(&payload).unwrap_or(serde_json::Value::Null),
        attempts: row.try_get(5)?,
        next_attempt_at: row.try_get(6)?,
        last_error: row.try_get(7)?,
        delivered_at: row.try_get(8)?,
        created_at: row.try_get(9)?,
    })
}

/// Claims the oldest message due at `now` for this worker until `now + CLAIM_SECONDS` (see
/// the module docs); `None` when nothing is due.
///
/// # Errors
/// Database errors.
pub async fn claim(db: &impl GenericClient, now: i64) -> Result<Option<Delivery>, StoreError> {
    let row = db
        .query_opt(
            "UPDATE deliveries d SET next_attempt_at = $1 + $2
             FROM (SELECT id FROM deliveries
                   WHERE delivered_at IS NULL AND next_attempt_at <= $1
                   ORDER BY next_attempt_at, id LIMIT 1
                   FOR UPDATE SKIP LOCKED) AS due
             WHERE d.id = due.id
             RETURNING d.id, d.client, d.kind, d.message_id, d.payload, d.attempts,
                       d.next_attempt_at, d.last_error, d.delivered_at, d.created_at",
            &[&now, &CLAIM_SECONDS],
        )
        .await?;
    Ok(row.as_ref().map(from_row).transpose()?)
}

/// Makes undelivered messages due at `now`: one (`Some(id)`) or all; how many. A message
/// being sent at that moment may then be sent twice (with the same id, which receivers drop).
///
/// # Errors
/// Database errors.
pub async fn retry(db: &impl GenericClient, id: Option<i64>, now: i64) -> Result<u64, StoreError> {
    Ok(db
        .execute(
            "UPDATE deliveries SET next_attempt_at = $2
             WHERE delivered_at IS NULL AND ($1::bigint IS NULL OR id = $1)",
            &[&id, &now],
        )
        .await?)
}

/// One message by id.
///
/// # Errors
/// Database errors.
pub async fn get(db: &impl GenericClient, id: i64) -> Result<Option<Delivery>, StoreError> {
    let row = db
        .query_opt(
            &format!("SELECT {COLUMNS} FROM deliveries WHERE id = $1"),
            &[&id],
        )
        .await?;
    Ok(row.as_ref().map(from_row).transpose()?)
}

/// Records an attempt: delivered at `now`, or failed with `error` and due again at `next`.
///
/// # Errors
/// Database errors.
pub async fn mark(
    db: &impl GenericClient,
    id: i64,
    outcome: Result<i64, (&str, i64)>,
) -> Result<(), StoreError> {
    match outcome {
        Ok(now) => {
            db.execute(
                "UPDATE deliveries SET attempts = attempts + 1, delivered_at = $2, last_error = NULL
                 WHERE id = $1 AND delivered_at IS NULL",
                &[&id, &now],
            )
            .await?
        }
        Err((error, next)) => {
            db.execute(
                "UPDATE deliveries SET attempts = attempts + 1, last_error = $2,
                        next_attempt_at = $3
                 WHERE id = $1 AND delivered_at IS NULL",
                &[&id, &error, &next],
            )
            .await?
        }
    };
    Ok(())
}

/// Every message, or only the undelivered ones that failed at least once, oldest first.
///
/// # Errors
/// Database errors.
pub async fn list(db: &impl GenericClient, failed_only: bool) -> Result<Vec<Delivery>, StoreError> {
    let filter = if failed_only {
        "WHERE delivered_at IS NULL AND attempts > 0"
    } else {
        ""
    };
    let rows = db
        .query(
            &format!("SELECT {COLUMNS} FROM deliveries {filter} ORDER BY id"),
            &[],
        )
        .await?;
    rows.iter()
        .map(from_row)
        .collect::<Result<_, _>>()
        .map_err(StoreError::from)
}

/// The tickets with these ids.
///
/// # Errors
/// Database errors.
pub async fn tickets(
    db: &impl GenericClient,
    ids: &[i64],
) -> Result<Vec<TicketRecord>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = db
        .query(
            &format!("SELECT {TICKET_COLUMNS} FROM tickets WHERE id = ANY($1) ORDER BY id"),
            &[&ids],
        )
        .await?;
    rows.iter()
        .map(super::ticket_from_row)
        .collect::<Result<_, _>>()
        .map_err(StoreError::from)
}
