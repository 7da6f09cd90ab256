//! The store on PostgreSQL (`--database postgres://…`): several `serve` instances, one state.
//!
//! What one process kept to itself lives in the database, so every instance sees it:
//! idempotency keys, per-client ticket numbers (a sequence per client: unique and increasing,
//! never waited for; a failed write leaves a gap), rate-limit windows ([`Postgres::rate_acquire`]), and the schedule, whose
//! `schedule_version` row each instance reads per feed request (a revision check, as on SQLite).
//!
//! Writes keep SQLite's group commit ([`crate::store::writer`]): a writer task takes every job
//! waiting, up to [`MAX_BATCH`], and commits them in one transaction (four such tasks per
//! instance, so batches are written while others' commits are flushed). A batch of plain
//! creates (no files, nothing to queue: the common case) is one statement sent without
//! `BEGIN`/`COMMIT`, `lms_create_tickets` with a column array per field, so it is its own
//! transaction: one round trip and one flush. Other batches pipeline their calls in one
//! round trip inside `BEGIN` … `COMMIT` (each job is one call of a PL/pgSQL function, see
//! [`schema`]). Locks are taken in one global order by every instance, so batches never
//! deadlock: the batch's idempotency keys (advisory locks, by hash), then the tickets rated
//! (by id); two instances' batches wait for each other only when they share a key or a
//! rated ticket. A batch that fails is retried job by job, each in its own transaction, so one
//! bad job fails alone.
//!
//! The delivery queue is here too ([`deliveries`]): each change queues its e-mails and webhooks
//! in its own transaction, and every instance's worker claims messages so none is sent twice.
//!
//! The admin side is here too ([`admin`]): tokens, console sessions, the audit log, schedule
//! changes (SQLite's code on an in-memory copy, see [`admin::schedule_change`]) and resolving
//! a notice with its tickets. So are the helpdesk hook ([`apply_as`] remembers its delivery
//! ids), the agent CLI (`tickets`), `maintenance`, `notice`, `tokens` and `deliveries`.
//! Not here: `backup` (PostgreSQL's own `pg_dump` does it).

pub mod admin;
pub mod deliveries;
pub mod schema;

use super::writer::{
    CreateOutcome, FeedbackOutcome, Handle, NewTicket, Reply as Answer, TicketJob, TicketSummary,
};
use super::{
    schedule, token, Reply, StoreError, TicketRecord, ATTACHMENTS_DIR, REPLAY_TOKEN_SECONDS,
    TICKET_COLUMNS,
};
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use lms_support_widget::help_events::Counter;
use lms_support_widget::ticket::field;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::sync::mpsc;
use tokio_postgres::types::ToSql;
use tokio_postgres::{GenericClient, Row};

/// Most jobs committed in one transaction. Lower than SQLite's: each job holds an advisory
/// lock until the commit, and PostgreSQL's lock table is shared by all sessions.
pub const MAX_BATCH: usize = 256;
/// Most jobs waiting for the writer.
const QUEUE: usize = 8192;
/// Connections per instance for reads and rate limits (the writers have their own).
const POOL_SIZE: usize = 16;
/// Writer tasks per instance, each with its own connection: while some wait for their commit
/// to reach the disk, the next batches are already being written (PostgreSQL flushes
/// concurrent commits together). SQLite's single writer has no such wait: it does not sync per
/// commit. Four rather than two: in alternating `make bench` runs on a busy 2-core machine, two
/// instances went from 550–1,200 to 1,150–2,350 creates/s (eight did not do better).
const WRITERS: usize = 4;

/// A handle on the database: a pool for reads and counters, and the writer tasks.
#[derive(Debug)]
pub struct Postgres {
    pool: Pool,
    writer: Handle<mpsc::Sender<TicketJob>>,
    /// The webhook receivers of this instance's configuration, which the writer queues
    /// events for without a query per batch (the `webhooks` table holds the same, for the CLI).
    receivers: Receivers,
}

/// The receivers the writer tasks read, shared with [`Postgres::sync_deliveries`].
type Receivers = Arc<std::sync::RwLock<deliveries::Receivers>>;

/// The tables `migrate-to-postgres` copies, parents before children (foreign keys). Every
/// table of both schemas except PostgreSQL's own `rate_limits` (one process keeps those in
/// memory) belongs here.
pub const COPIED_TABLES: &[&str] = &[
    "tickets",
    "replies",
    "attachments",
    "idempotency",
    "ticket_counters",
    "schedule",
    "schedule_version",
    "ticket_notices",
    "audit_log",
    "admin_tokens",
    "admin_sessions",
    "deliveries",
    "webhooks",
    "hook_ids_seen",
    "client_mail",
    "help_counts",
];

/// The tables whose `id` is an identity, whose sequence must continue after a copy.
pub const IDENTITY_TABLES: &[&str] = &[
    "tickets",
    "replies",
    "attachments",
    "audit_log",
    "admin_tokens",
    "deliveries",
];

/// One connection to the database at `url`, its schema brought up to date: for commands
/// that work on the database directly (`migrate-to-postgres`).
///
/// # Errors
/// An unparsable URL, an unreachable server, or a schema from a newer build.
pub async fn connect_migrated(url: &str) -> Result<tokio_postgres::Client, StoreError> {
    let config: tokio_postgres::Config = url
        .parse()
        .map_err(|e| StoreError::Postgres(format!("bad --database URL: {e}")))?;
    let mut client = connect_one(&config).await?;
    schema::migrate(&mut client).await?;
    Ok(client)
}

/// True for a `--database` value that names PostgreSQL.
pub fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// The one-thread runtime a CLI command runs its PostgreSQL work on, once `url` is checked to
/// name PostgreSQL.
///
/// # Errors
/// The sentence to print: not a PostgreSQL URL, or no runtime.
pub fn cli_runtime(url: &str) -> Result<tokio::runtime::Runtime, String> {
    if !is_postgres_url(url) {
        return Err(format!(
            "--database {url:?} is not a PostgreSQL URL (postgres://USER@HOST/DB)"
        ));
    }
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))
}

impl Postgres {
    /// Connects, brings the schema up to date and starts the writer task (on the current
    /// tokio runtime). Attachments are moved under `data`.
    ///
    /// # Errors
    /// An unparsable URL, an unreachable server, or a schema from a newer build.
    pub async fn connect(url: &str, data: PathBuf) -> Result<Arc<Postgres>, StoreError> {
        let config: tokio_postgres::Config = url
            .parse()
            .map_err(|e| StoreError::Postgres(format!("bad --database URL: {e}")))?;
        let manager = Manager::from_config(
            config.clone(),
            tokio_postgres::NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .build()
            .map_err(|e| StoreError::Postgres(e.to_string()))?;
        let mut first = pool.get().await?;
        schema::migrate(&mut first).await?;
        drop(first);
        let (jobs, queue) = mpsc::channel(QUEUE);
        let queue = Arc::new(tokio::sync::Mutex::new(queue));
        let receivers = Receivers::default();
        for _ in 0..WRITERS {
            let writer = WriterConnection::open(&config).await?;
            tokio::spawn(run_writer(
                config.clone(),
                writer,
                Batches {
                    data: data.clone(),
                    receivers: receivers.clone(),
                },
                queue.clone(),
            ));
        }
        Ok(Arc::new(Postgres {
            pool,
            writer: Handle::new(jobs),
            receivers,
        }))
    }

    /// True while the writer tasks run.
    pub fn writer_running(&self) -> bool {
        !self.writer.queue().is_closed()
    }

    /// The writer tasks: creates and ratings, committed in batches (see the module docs).
    pub fn writer(&self) -> &Handle<mpsc::Sender<TicketJob>> {
        &self.writer
    }

    /// Answers `SELECT 1` on a pooled connection.
    ///
    /// # Errors
    /// Database errors.
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.pool.get().await?.execute("SELECT 1", &[]).await?;
        Ok(())
    }

    /// Escalates overdue critical tickets, forgets replay tokens a day old and rate-limit
    /// windows that have ended; how many tickets were escalated and tokens forgotten. Every
    /// instance runs it; each step is idempotent.
    ///
    /// # Errors
    /// Database errors.
    pub async fn maintain(&self, now: i64) -> Result<(usize, usize), StoreError> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let escalated = escalate(&*tx, now).await?;
        let purged = tx
            .execute(
                "UPDATE idempotency SET token = NULL
                 WHERE token IS NOT NULL AND token_expires_at <= $1",
                &[&now],
            )
            .await?;
        tx.execute(
            "DELETE FROM rate_limits WHERE hour_start + 3600 <= $1 AND day_start + 86400 <= $1",
            &[&now],
        )
        .await?;
        tx.commit().await?;
        Ok((escalated, count(purged)))
    }

    /// True when an idempotency key has been used.
    ///
    /// # Errors
    /// Database errors.
    pub async fn key_exists(&self, key: &str) -> Result<bool, StoreError> {
        let client = self.pool.get().await?;
        let stmt = client
            .prepare_cached("SELECT 1 FROM idempotency WHERE key = $1")
            .await?;
        Ok(client.query_opt(&stmt, &[&key]).await?.is_some())
    }

    /// Adds a batch of help events' counts to `client`'s `day`, in one transaction.
    ///
    /// # Errors
    /// Database errors.
    pub async fn help_counts(
        &self,
        client: &str,
        day: &str,
        counts: &[(Counter, u64)],
    ) -> Result<(), StoreError> {
        let mut db = self.pool.get().await?;
        let tx = db.transaction().await?;
        let upsert = tx
            .prepare_cached(
                "INSERT INTO help_counts (client, day, kind, key, count) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (client, day, kind, key)
                 DO UPDATE SET count = help_counts.count + excluded.count",
            )
            .await?;
        for ((kind, key), n) in counts {
            let n = i64::try_from(*n).unwrap_or(i64::MAX);
            tx.execute(&upsert, &[&client, &day, kind, key, &n]).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The ticket a number names (see [`super::ticket_by_number`]) with its replies.
    ///
    /// # Errors
    /// Database errors.
    pub async fn ticket_by_number(
        &self,
        text: &str,
        client: Option<&str>,
    ) -> Result<Option<(TicketRecord, Vec<Reply>)>, StoreError> {
        let db = self.pool.get().await?;
        let Some(ticket) = ticket_by_number(&**db, text, client).await? else {
            return Ok(None);
        };
        let replies = replies(&**db, ticket.id).await?;
        Ok(Some((ticket, replies)))
    }

    /// The schedule's version, bumped by every change.
    ///
    /// # Errors
    /// Database errors.
    pub async fn schedule_version(&self) -> Result<i64, StoreError> {
        let db = self.pool.get().await?;
        let stmt = db
            .prepare_cached("SELECT version FROM schedule_version WHERE id = 1")
            .await?;
        Ok(db.query_one(&stmt, &[]).await?.try_get(0)?)
    }

    /// Every maintenance window and notice, oldest first (ids in byte order, as SQLite sorts).
    ///
    /// # Errors
    /// Database errors.
    pub async fn schedule_list(&self) -> Result<Vec<schedule::Item>, StoreError> {
        let db = self.pool.get().await?;
        let rows = db
            .query(
                &format!(
                    "SELECT {} FROM schedule ORDER BY created_at, id COLLATE \"C\"",
                    schedule::ITEM_COLUMNS
                ),
                &[],
            )
            .await?;
        rows.iter()
            .map(|r| {
                let text = |i| r.try_get::<_, String>(i);
                Ok(schedule::Item::from_columns(
                    text(0)?,
                    [&text(1)?, &text(2)?, &text(3)?, &text(4)?],
                    r.try_get(5)?,
                    text(6)?,
                    [r.try_get(7)?, r.try_get(8)?],
                ))
            })
            .collect::<Result<_, tokio_postgres::Error>>()
            .map_err(StoreError::from)
    }

    /// Takes a slot in the shared windows of `bucket` for `client` (see
    /// [`crate::serve`]'s rate limiter): `Ok(())`, or the seconds to wait.
    ///
    /// # Errors
    /// Database errors.
    pub async fn rate_acquire(
        &self,
        bucket: &str,
        client: &str,
        now: i64,
        per_hour: u32,
        per_day: u32,
    ) -> Result<Result<(), i64>, StoreError> {
        let db = self.pool.get().await?;
        let stmt = db
            .prepare_cached("SELECT lms_rate_acquire($1, $2, $3, $4, $5)")
            .await?;
        let wait: i64 = db
            .query_one(
                &stmt,
                &[
                    &bucket,
                    &client,
                    &now,
                    &i64::from(per_hour),
                    &i64::from(per_day),
                ],
            )
            .await?
            .try_get(0)?;
        Ok(if wait == 0 { Ok(()) } else { Err(wait) })
    }

    /// Gives back a slot taken by [`Postgres::rate_acquire`].
    ///
    /// # Errors
    /// Database errors.
    pub async fn rate_release(&self, bucket: &str, client: &str) -> Result<(), StoreError> {
        let db = self.pool.get().await?;
        let stmt = db
            .prepare_cached(
                "UPDATE rate_limits SET hour_count = GREATEST(hour_count - 1, 0),
                        day_count = GREATEST(day_count - 1, 0)
                 WHERE bucket = $1 AND client = $2",
            )
            .await?;
        db.execute(&stmt, &[&bucket, &client]).await?;
        Ok(())
    }

    /// Claims the next message due at `now` for this instance's worker (see [`deliveries`]),
    /// with what its e-mail needs: the ticket and its attachments.
    ///
    /// # Errors
    /// Database errors.
    pub async fn claim_delivery(
        &self,
        now: i64,
    ) -> Result<Option<deliveries::Claimed>, StoreError> {
        let db = self.pool.get().await?;
        let Some(delivery) = deliveries::claim(&**db, now).await? else {
            return Ok(None);
        };
        let ticket_id = delivery
            .payload
            .get("ticket_id")
            .and_then(serde_json::Value::as_i64);
        let (ticket, files) = match ticket_id {
            Some(id) if delivery.kind != super::deliveries::WEBHOOK => {
                let ticket = deliveries::tickets(&**db, &[id]).await?.pop();
                (ticket, attachments(&**db, id).await?)
            }
            _ => (None, Vec::new()),
        };
        Ok(Some(deliveries::Claimed {
            delivery,
            ticket,
            files,
        }))
    }

    /// Records an attempt of a claimed message: `Ok(now)` delivered, `Err((error, next))`
    /// failed and due again at `next`.
    ///
    /// # Errors
    /// Database errors.
    pub async fn mark_delivery(
        &self,
        id: i64,
        outcome: Result<i64, (&str, i64)>,
    ) -> Result<(), StoreError> {
        let db = self.pool.get().await?;
        deliveries::mark(&**db, id, outcome).await
    }

    /// Makes the `webhooks` and `client_mail` tables follow the configuration.
    ///
    /// # Errors
    /// Database errors.
    pub async fn sync_deliveries(
        &self,
        hooks: &[(String, super::deliveries::Webhook)],
        mail: &[super::deliveries::ClientMail],
    ) -> Result<(), StoreError> {
        let mut db = self.pool.get().await?;
        deliveries::sync(&mut db, hooks, mail).await?;
        let mut receivers = deliveries::Receivers::new();
        for (client, hook) in hooks {
            receivers.entry(client.clone()).or_default().push((
                hook.url.clone(),
                hook.secret.clone(),
                hook.events.join(","),
            ));
        }
        *self
            .receivers
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = receivers;
        Ok(())
    }

    /// A pooled connection (the admin side's reads and writes, tests).
    ///
    /// # Errors
    /// Database errors.
    pub async fn connection(&self) -> Result<deadpool_postgres::Object, StoreError> {
        Ok(self.pool.get().await?)
    }
}

// ---------------------------------------------------------------------------------------------
// one connection's operations (the agent CLI, and the pool's)

/// Escalates each critical ticket still open or pending that missed its response target or
/// is unresolved [`super::ESCALATE_AFTER_SECONDS`] after creation (SQLite's rule), and queues
/// the e-mail to its client's `escalation_email` and the `ticket.updated` webhooks; how many.
/// Idempotent, and told once across instances: the marking and the queueing are one
/// statement, which queues only for the rows its `UPDATE` changed (a ticket another instance
/// escalated first is no longer at level 0 when this one's `UPDATE` reaches it).
///
/// # Errors
/// Database errors.
pub async fn escalate(db: &impl GenericClient, now: i64) -> Result<usize, StoreError> {
    const DUE: &str = "priority = $2 AND status IN ('open', 'pending') AND escalation_level = 0
               AND (created_at <= $3 OR (status = 'open' AND response_due_at <= $1))";
    let bounds: [&(dyn ToSql + Sync); 3] = [
        &now,
        &super::ESCALATING_PRIORITY,
        &(now - super::ESCALATE_AFTER_SECONDS),
    ];
    let due = db
        .query(
            &format!("SELECT {TICKET_COLUMNS} FROM tickets WHERE {DUE} ORDER BY id"),
            &bounds,
        )
        .await?
        .iter()
        .map(ticket_from_row)
        .collect::<Result<Vec<_>, _>>()?;
    if due.is_empty() {
        return Ok(0);
    }
    let mut queued = Vec::new();
    let clients: Vec<&str> = due.iter().map(|t| t.client.as_str()).collect();
    let hooks = deliveries::receivers(db, &clients).await?;
    for ticket in &due {
        let unanswered = ticket.status == "open" && ticket.response_due_at <= now;
        let reason = if unanswered {
            "not answered within its response target"
        } else {
            "not resolved 2 hours after it was filed"
        };
        if let (Some(from), Some(to)) = deliveries::client_mail(db, &ticket.client).await? {
            let payload = super::deliveries::escalation_payload(ticket.id, &from, &to, reason);
            queued.push(deliveries::mail(
                ticket.id,
                &ticket.client,
                super::deliveries::ESCALATION_EMAIL,
                &payload,
                &from,
                now,
            )?);
        }
        let change = serde_json::json!({ "type": "escalated", "level": 1, "reason": reason });
        queued.extend(deliveries::ticket_event(
            &hooks,
            ticket,
            "ticket.updated",
            Some(change),
            now,
        )?);
    }
    let ids: Vec<i64> = due.iter().map(|t| t.id).collect();
    let update = format!(
        "UPDATE tickets SET escalation_level = 1, escalated_at = $1 WHERE id = ANY($4) AND {DUE}"
    );
    let mut params: Vec<Box<dyn ToSql + Sync + Send>> = vec![
        Box::new(now),
        Box::new(super::ESCALATING_PRIORITY),
        Box::new(now - super::ESCALATE_AFTER_SECONDS),
        Box::new(ids),
    ];
    params.extend(deliveries::params(&queued));
    let refs: Vec<&(dyn ToSql + Sync)> = params
        .iter()
        .map(|p| -> &(dyn ToSql + Sync) { p.as_ref() })
        .collect();
    let sql = deliveries::escalate_sql(&update, 5);
    let n: i64 = db.query_one(&sql, &refs).await?.try_get(0)?;
    Ok(usize::try_from(n).unwrap_or(0))
}

/// The ticket a number names (see [`super::ticket_by_number`]).
///
/// # Errors
/// Database errors.
pub async fn ticket_by_number(
    db: &impl GenericClient,
    text: &str,
    client: Option<&str>,
) -> Result<Option<TicketRecord>, StoreError> {
    let Some((prefix, seq)) = super::parse_number(text) else {
        return Ok(None);
    };
    let row = db
        .query_opt(
            &format!(
                "SELECT {TICKET_COLUMNS} FROM tickets
                 WHERE seq = $1 AND lower(prefix) = lower($2) AND ($3::text IS NULL OR client = $3)
                 ORDER BY id LIMIT 1"
            ),
            &[&seq, &prefix, &client],
        )
        .await?;
    Ok(row.as_ref().map(ticket_from_row).transpose()?)
}

/// A ticket's replies, oldest first.
///
/// # Errors
/// Database errors.
pub async fn replies(db: &impl GenericClient, ticket_id: i64) -> Result<Vec<Reply>, StoreError> {
    let rows = db
        .query(
            "SELECT at, author, body FROM replies WHERE ticket_id = $1 ORDER BY id",
            &[&ticket_id],
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok(Reply {
                at: r.try_get(0)?,
                author: r.try_get(1)?,
                body: r.try_get(2)?,
            })
        })
        .collect::<Result<_, tokio_postgres::Error>>()
        .map_err(StoreError::from)
}

/// A ticket's attachments, in the order they were sent.
///
/// # Errors
/// Database errors.
pub async fn attachments(
    db: &impl GenericClient,
    ticket_id: i64,
) -> Result<Vec<super::Attachment>, StoreError> {
    let rows = db
        .query(
            "SELECT name, mime, bytes, path FROM attachments WHERE ticket_id = $1 ORDER BY id",
            &[&ticket_id],
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok(super::Attachment {
                name: r.try_get(0)?,
                mime: r.try_get(1)?,
                bytes: r.try_get(2)?,
                path: r.try_get(3)?,
            })
        })
        .collect::<Result<_, tokio_postgres::Error>>()
        .map_err(StoreError::from)
}

/// Tickets, oldest first (see [`super::list`]).
///
/// # Errors
/// Database errors.
pub async fn list(
    db: &impl GenericClient,
    filter: &super::ListFilter,
) -> Result<Vec<TicketRecord>, StoreError> {
    let rows = db
        .query(
            &format!(
                "SELECT {TICKET_COLUMNS} FROM tickets
                 WHERE ($1::text IS NULL OR status = $1)
                   AND ($2::bigint IS NULL OR (status = 'open' AND response_due_at <= $2))
                   AND ($3::text IS NULL OR id IN
                        (SELECT ticket_id FROM ticket_notices WHERE notice_id = $3))
                   AND ($4::text IS NULL OR client = $4)
                 ORDER BY id"
            ),
            &[
                &filter.status,
                &filter.overdue_at,
                &filter.notice,
                &filter.client,
            ],
        )
        .await?;
    rows.iter()
        .map(ticket_from_row)
        .collect::<Result<_, _>>()
        .map_err(StoreError::from)
}

/// Applies an agent's action to ticket `id` at `now` in one transaction, with the learner's
/// e-mail and the webhooks it queues (see [`super::apply`]).
///
/// # Errors
/// [`super::ActionError::Closed`] for a closed ticket; store errors.
pub async fn apply(
    db: &mut tokio_postgres::Client,
    id: i64,
    action: super::AgentAction<'_>,
    now: i64,
) -> Result<(), super::ActionError> {
    apply_as(db, id, action, "agent", None, now).await
}

/// [`apply`], with a reply signed by `author` and, for an inbound hook, its `(client,
/// delivery id)` remembered in the same transaction so that a replay changes nothing (see
/// [`super::apply_as`]).
///
/// # Errors
/// [`super::ActionError::Closed`], [`super::ActionError::Replay`]; store errors.
pub async fn apply_as(
    db: &mut tokio_postgres::Client,
    id: i64,
    action: super::AgentAction<'_>,
    author: &str,
    hook: Option<(&str, &str)>,
    now: i64,
) -> Result<(), super::ActionError> {
    use super::{ActionError, AgentAction};
    let store = |e: tokio_postgres::Error| ActionError::Store(StoreError::from(e));
    let tx = db.transaction().await.map_err(store)?;
    if let Some((client, delivery_id)) = hook {
        let fresh = tx
            .execute(
                "INSERT INTO hook_ids_seen (client, delivery_id, at) VALUES ($1, $2, $3)
                 ON CONFLICT DO NOTHING",
                &[&client, &delivery_id, &now],
            )
            .await
            .map_err(store)?;
        if fresh == 0 {
            return Err(ActionError::Replay);
        }
    }
    let status: Option<String> = tx
        .query_opt(
            "SELECT status FROM tickets WHERE id = $1 FOR UPDATE",
            &[&id],
        )
        .await
        .map_err(store)?
        .map(|r| r.get(0));
    if status.as_deref() == Some("closed") {
        return Err(ActionError::Closed);
    }
    match action {
        AgentAction::Reply(body) => {
            tx.execute(
                "INSERT INTO replies (ticket_id, at, author, body) VALUES ($1, $2, $3, $4)",
                &[&id, &now, &author, &body],
            )
            .await
            .map_err(store)?;
            tx.execute(
                "UPDATE tickets SET status = 'pending', updated_at = $2, resolved_at = NULL
                 WHERE id = $1",
                &[&id, &now],
            )
            .await
            .map_err(store)?;
        }
        AgentAction::Resolve => {
            tx.execute(
                "UPDATE tickets SET status = 'resolved', updated_at = $2,
                        resolved_at = COALESCE(resolved_at, $2) WHERE id = $1",
                &[&id, &now],
            )
            .await
            .map_err(store)?;
        }
        AgentAction::Close => {
            tx.execute(
                "UPDATE tickets SET status = 'closed', updated_at = $2, closed_at = $2
                 WHERE id = $1",
                &[&id, &now],
            )
            .await
            .map_err(store)?;
        }
    }
    // What SQLite's `apply` queues, in the same transaction.
    let (change, news) = super::agent_change(action, author, status.as_deref());
    if let Some(ticket) = deliveries::tickets(&tx, &[id])
        .await
        .map_err(ActionError::Store)?
        .pop()
    {
        deliveries::after_agent_change(&tx, &ticket, news, change, now)
            .await
            .map_err(ActionError::Store)?;
    }
    tx.commit().await.map_err(store)?;
    Ok(())
}

fn count(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

async fn connect_one(
    config: &tokio_postgres::Config,
) -> Result<tokio_postgres::Client, StoreError> {
    let (client, connection) = config.connect(tokio_postgres::NoTls).await?;
    tokio::spawn(async move {
        if let Err(e) = connection.await {
            crate::serve::log_event(
                "error",
                "database connection lost",
                &[("error", &e.to_string())],
            );
        }
    });
    Ok(client)
}

/// A ticket from a row of [`TICKET_COLUMNS`].
///
/// # Errors
/// A column of an unexpected type.
pub fn ticket_from_row(row: &Row) -> Result<TicketRecord, tokio_postgres::Error> {
    let context: String = row.try_get(field::CONTEXT)?;
    let mut text = Vec::with_capacity(field::STORED.len());
    for name in field::STORED {
        text.push(row.try_get(name)?);
    }
    Ok(TicketRecord {
        id: row.try_get("id")?,
        client: row.try_get("client")?,
        seq: row.try_get("seq")?,
        prefix: row.try_get("prefix")?,
        token_hash: row.try_get("token_hash")?,
        status: row.try_get("status")?,
        text,
        context: super::context_from_json(&context),
        created_at: row.try_get("created_at")?,
        response_due_at: row.try_get("response_due_at")?,
        updated_at: row.try_get("updated_at")?,
        resolved_at: row.try_get("resolved_at")?,
        closed_at: row.try_get("closed_at")?,
        escalation_level: row.try_get("escalation_level")?,
        escalated_at: row.try_get("escalated_at")?,
        rating: row.try_get("rating")?,
        feedback_comment: row.try_get("feedback_comment")?,
        feedback_at: row.try_get("feedback_at")?,
    })
}

// ---------------------------------------------------------------------------------------------
// the writer task

/// Reconnects after this long when the writer's connection broke.
const RECONNECT_AFTER: std::time::Duration = std::time::Duration::from_secs(1);

/// The writer's connection with its statements prepared once.
struct WriterConnection {
    client: tokio_postgres::Client,
    create: tokio_postgres::Statement,
    create_many: tokio_postgres::Statement,
    feedback: tokio_postgres::Statement,
}

impl WriterConnection {
    async fn open(config: &tokio_postgres::Config) -> Result<WriterConnection, StoreError> {
        let client = connect_one(config).await?;
        let create = client.prepare(CREATE_SQL).await?;
        let create_many = client.prepare(CREATE_MANY_SQL).await?;
        let feedback = client.prepare(FEEDBACK_SQL).await?;
        Ok(WriterConnection {
            client,
            create,
            create_many,
            feedback,
        })
    }
}

/// What every batch of a writer needs besides its connection.
struct Batches {
    /// Where attachments go.
    data: PathBuf,
    /// The instance's webhook receivers.
    receivers: Receivers,
}

async fn run_writer(
    config: tokio_postgres::Config,
    mut client: WriterConnection,
    batches: Batches,
    queue: Arc<tokio::sync::Mutex<mpsc::Receiver<TicketJob>>>,
) {
    loop {
        // One writer takes what waits while the other commits its batch.
        let batch = {
            let mut queue = queue.lock().await;
            let Some(first) = queue.recv().await else {
                return;
            };
            let mut batch = Vec::with_capacity(16);
            batch.push(first);
            while batch.len() < MAX_BATCH {
                match queue.try_recv() {
                    Ok(job) => batch.push(job),
                    Err(_) => break,
                }
            }
            batch
        };
        commit_batch(&mut client, &batches, batch).await;
        // The jobs of a batch on a lost connection were answered with the error (the widget
        // retries them); later ones need a connection again. Jobs wait meanwhile, and a full
        // queue answers `503`.
        while client.client.is_closed() {
            tokio::time::sleep(RECONNECT_AFTER).await;
            match WriterConnection::open(&config).await {
                Ok(fresh) => {
                    crate::serve::log_event("info", "database writer reconnected", &[]);
                    client = fresh;
                }
                Err(e) => crate::serve::log_event(
                    "error",
                    "database writer cannot reconnect",
                    &[("error", &e.to_string())],
                ),
            }
        }
    }
}

/// A job's inputs in the order they are run, and where its answer goes.
enum Prepared {
    /// The ticket, the answer, and a fresh token and its hash for a replay whose plaintext
    /// was forgotten.
    Create(Box<NewTicket>, Answer<CreateOutcome>, String, Vec<u8>),
    Feedback(i64, i64, String, i64, Answer<FeedbackOutcome>),
}

impl Prepared {
    fn order(&self) -> (u8, &str, i64) {
        match self {
            Prepared::Create(t, ..) => (0, t.client.as_str(), 0),
            Prepared::Feedback(id, ..) => (1, "", *id),
        }
    }
}

enum Outcome {
    Create(Result<CreateOutcome, StoreError>),
    Feedback(Result<FeedbackOutcome, StoreError>),
}

fn prepare(job: TicketJob) -> Option<Prepared> {
    match job {
        TicketJob::Create(ticket, reply) => {
            // A fresh token in case this is a replay whose plaintext was forgotten.
            match token::new_token() {
                Ok(fresh) => {
                    let hash = token::hash_token(&fresh).to_vec();
                    Some(Prepared::Create(ticket, reply, fresh, hash))
                }
                Err(e) => {
                    let _ = reply.send(Err(StoreError::Io(std::io::Error::other(format!(
                        "no random bytes: {e}"
                    )))));
                    None
                }
            }
        }
        TicketJob::Feedback(r, reply) => {
            Some(Prepared::Feedback(r.id, r.rating, r.comment, r.now, reply))
        }
    }
}

const CREATE_SQL: &str =
    "SELECT o_outcome, o_id, o_prefix, o_seq, o_token, o_status, o_priority, o_due
     FROM lms_create_ticket($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,
                            $14, $15, $16, $17, $18, $19, $20)";
const CREATE_MANY_SQL: &str = "SELECT * FROM lms_create_tickets($1, $2, $3, $4, $5, $6, $7, $8,
     $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)";
const FEEDBACK_SQL: &str = "SELECT lms_feedback($1, $2, $3, $4)";
/// The batch's idempotency keys, locked in one order by every instance (see the module docs).
const LOCK_KEYS_SQL: &str = "SELECT count(pg_advisory_xact_lock(h)) FROM
     (SELECT DISTINCT hashtextextended(k, 0) AS h FROM unnest($1::text[]) AS k ORDER BY 1) AS s";

async fn commit_batch(client: &mut WriterConnection, batches: &Batches, batch: Vec<TicketJob>) {
    let mut jobs: Vec<Prepared> = batch.into_iter().filter_map(prepare).collect();
    jobs.sort_by(|a, b| a.order().cmp(&b.order()));
    let receivers = batches
        .receivers
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone();
    let data = batches.data.as_path();
    let ran = if creates_only(&jobs, &receivers) {
        run_creates(client, &jobs).await
    } else {
        run_jobs(client, data, &receivers, &jobs).await
    };
    match ran {
        Ok(outcomes) => answer(jobs, outcomes),
        Err(batch_error) => {
            // One job may have failed the others: each alone, in its own transaction.
            if jobs.len() == 1 || client.client.is_closed() {
                let message = batch_error.to_string();
                let outcomes = jobs.iter().map(|j| failed(j, &message)).collect::<Vec<_>>();
                answer(jobs, outcomes);
                return;
            }
            let mut outcomes = Vec::with_capacity(jobs.len());
            for job in &jobs {
                let alone = std::slice::from_ref(job);
                outcomes.push(match run_jobs(client, data, &receivers, alone).await {
                    Ok(mut one) => one.pop().unwrap_or_else(|| failed(job, "no answer")),
                    Err(e) => failed(job, &e.to_string()),
                });
            }
            answer(jobs, outcomes);
        }
    }
}

fn failed(job: &Prepared, message: &str) -> Outcome {
    let error = || StoreError::Postgres(message.to_string());
    match job {
        Prepared::Create(..) => Outcome::Create(Err(error())),
        Prepared::Feedback(..) => Outcome::Feedback(Err(error())),
    }
}

/// Sends each job its answer; only called once the transaction is over.
fn answer(jobs: Vec<Prepared>, outcomes: Vec<Outcome>) {
    for (job, outcome) in jobs.into_iter().zip(outcomes) {
        // A receiver that went away (the client hung up) is not an error.
        match (job, outcome) {
            (Prepared::Create(_, reply, ..), Outcome::Create(result)) => {
                let _ = reply.send(result);
            }
            (Prepared::Feedback(.., reply), Outcome::Feedback(result)) => {
                let _ = reply.send(result);
            }
            (Prepared::Create(_, reply, ..), Outcome::Feedback(_)) => {
                let _ = reply.send(Err(StoreError::Closed));
            }
            (Prepared::Feedback(.., reply), Outcome::Create(_)) => {
                let _ = reply.send(Err(StoreError::Closed));
            }
        }
    }
}

/// True when every job is a create that moves no files and queues no message: then the
/// batch is one statement ([`run_creates`]).
fn creates_only(jobs: &[Prepared], receivers: &deliveries::Receivers) -> bool {
    jobs.iter().all(|job| match job {
        Prepared::Create(new, ..) => {
            new.staging.is_none() && new.helpdesk.is_none() && !receivers.contains_key(&new.client)
        }
        Prepared::Feedback(..) => false,
    })
}

/// Runs a batch of creates as one statement in its own transaction (`lms_create_tickets`): one
/// round trip, committed when the answer comes back.
async fn run_creates(
    client: &mut WriterConnection,
    jobs: &[Prepared],
) -> Result<Vec<Outcome>, StoreError> {
    let mut c = CreateColumns::default();
    for job in jobs {
        if let Prepared::Create(new, _, fresh, fresh_hash) = job {
            let t = &new.ticket;
            c.keys.push(new.key.as_str());
            c.body_hashes.push(&new.body_hash[..]);
            c.clients.push(new.client.as_str());
            c.prefixes.push(new.prefix.as_str());
            c.tokens.push(new.token.as_str());
            c.token_hashes.push(token::hash_token(&new.token).to_vec());
            c.fresh_tokens.push(fresh.as_str());
            c.fresh_hashes.push(fresh_hash.as_slice());
            c.priorities.push(t.priority());
            c.categories.push(t.category());
            c.subjects.push(t.subject());
            c.descriptions.push(t.description());
            c.names.push(t.name());
            c.emails.push(t.email());
            c.locales.push(t.locale());
            c.contexts.push(super::context_to_json(t.context()));
            c.notices.push(active_items(t.context()).join(","));
            c.nows.push(new.now);
            c.dues.push(new.due);
        }
    }
    let token_seconds = REPLAY_TOKEN_SECONDS;
    let token_hashes: Vec<&[u8]> = c.token_hashes.iter().map(Vec::as_slice).collect();
    let rows = client
        .client
        .query(
            &client.create_many,
            &[
                &c.keys,
                &c.body_hashes,
                &c.clients,
                &c.prefixes,
                &c.tokens,
                &token_hashes,
                &c.fresh_tokens,
                &c.fresh_hashes,
                &c.priorities,
                &c.categories,
                &c.subjects,
                &c.descriptions,
                &c.names,
                &c.emails,
                &c.locales,
                &c.contexts,
                &c.notices,
                &c.nows,
                &c.dues,
                &token_seconds,
            ],
        )
        .await?;
    if rows.len() != jobs.len() {
        return Err(StoreError::Postgres(format!(
            "{} answers for {} tickets",
            rows.len(),
            jobs.len()
        )));
    }
    rows.iter()
        .map(|row| Ok(Outcome::Create(Ok(create_outcome(row)?))))
        .collect()
}

/// The arrays `lms_create_tickets` takes, a column each.
#[derive(Default)]
struct CreateColumns<'a> {
    keys: Vec<&'a str>,
    body_hashes: Vec<&'a [u8]>,
    clients: Vec<&'a str>,
    prefixes: Vec<&'a str>,
    tokens: Vec<&'a str>,
    token_hashes: Vec<Vec<u8>>,
    fresh_tokens: Vec<&'a str>,
    fresh_hashes: Vec<&'a [u8]>,
    priorities: Vec<&'a str>,
    categories: Vec<&'a str>,
    subjects: Vec<&'a str>,
    descriptions: Vec<&'a str>,
    names: Vec<&'a str>,
    emails: Vec<&'a str>,
    locales: Vec<&'a str>,
    contexts: Vec<String>,
    notices: Vec<String>,
    nows: Vec<i64>,
    dues: Vec<i64>,
}

/// Runs `jobs` in one transaction and commits: every answer, or the error that failed them.
async fn run_jobs(
    client: &mut WriterConnection,
    data: &std::path::Path,
    receivers: &deliveries::Receivers,
    jobs: &[Prepared],
) -> Result<Vec<Outcome>, StoreError> {
    let create = client.create.clone();
    let rate = client.feedback.clone();
    let tx = client.client.transaction().await?;
    let keys: Vec<&str> = jobs
        .iter()
        .filter_map(|j| match j {
            Prepared::Create(t, ..) => Some(t.key.as_str()),
            Prepared::Feedback(..) => None,
        })
        .collect();
    if !keys.is_empty() {
        tx.query_one(LOCK_KEYS_SQL, &[&keys]).await?;
    }
    let token_seconds = REPLAY_TOKEN_SECONDS;
    // Every job's inputs, owned here so the pipelined calls can borrow them.
    let inputs: Vec<Vec<Box<dyn ToSql + Sync + Send>>> = jobs
        .iter()
        .map(|job| -> Vec<Box<dyn ToSql + Sync + Send>> {
            match job {
                Prepared::Create(new, _, fresh, fresh_hash) => {
                    let t = &new.ticket;
                    let notices: Vec<String> = active_items(t.context());
                    vec![
                        Box::new(new.key.clone()),
                        Box::new(new.body_hash.to_vec()),
                        Box::new(new.client.clone()),
                        Box::new(new.prefix.clone()),
                        Box::new(new.token.clone()),
                        Box::new(token::hash_token(&new.token).to_vec()),
                        Box::new(fresh.clone()),
                        Box::new(fresh_hash.clone()),
                        Box::new(t.priority().to_string()),
                        Box::new(t.category().to_string()),
                        Box::new(t.subject().to_string()),
                        Box::new(t.description().to_string()),
                        Box::new(t.name().to_string()),
                        Box::new(t.email().to_string()),
                        Box::new(t.locale().to_string()),
                        Box::new(super::context_to_json(t.context())),
                        Box::new(notices),
                        Box::new(new.now),
                        Box::new(new.due),
                        Box::new(token_seconds),
                    ]
                }
                Prepared::Feedback(id, rating, comment, now, _) => vec![
                    Box::new(*id),
                    Box::new(*rating),
                    Box::new(comment.clone()),
                    Box::new(*now),
                ],
            }
        })
        .collect();
    let calls = jobs.iter().zip(&inputs).map(|(job, params)| {
        let params: Vec<&(dyn ToSql + Sync)> = params
            .iter()
            .map(|p| -> &(dyn ToSql + Sync) { p.as_ref() })
            .collect();
        let stmt = match job {
            Prepared::Create(..) => &create,
            Prepared::Feedback(..) => &rate,
        };
        let tx = &tx;
        async move { tx.query_one(stmt, &params).await }
    });
    // Polled together, the calls go out back to back: one round trip for the batch.
    let rows = futures_util::future::try_join_all(calls).await?;
    let mut outcomes = Vec::with_capacity(jobs.len());
    let mut created = Vec::new();
    let mut rated = Vec::new();
    for (job, row) in jobs.iter().zip(&rows) {
        outcomes.push(match job {
            Prepared::Create(new, ..) => {
                let outcome = create_outcome(row)?;
                if let CreateOutcome::Created(summary) = &outcome {
                    store_attachments(&tx, data, new, summary.id).await?;
                    created.push((new_record(new, summary.id, row.try_get(3)?), &new.helpdesk));
                }
                Outcome::Create(Ok(outcome))
            }
            Prepared::Feedback(id, rating, comment, now, _) => {
                let code: String = row.try_get(0)?;
                Outcome::Feedback(Ok(match code.as_str() {
                    "saved" => {
                        rated.push((*id, *rating, comment.as_str(), *now));
                        FeedbackOutcome::Saved
                    }
                    "already_rated" => FeedbackOutcome::AlreadyRated,
                    "not_resolved" => FeedbackOutcome::NotResolved,
                    _ => FeedbackOutcome::NotFound,
                }))
            }
        });
    }
    queue_messages(&tx, receivers, &created, &rated).await?;
    tx.commit().await?;
    Ok(outcomes)
}

/// The row a create job stored (what `lms_create_ticket` inserts).
fn new_record(new: &NewTicket, id: i64, seq: i64) -> TicketRecord {
    let t = &new.ticket;
    TicketRecord {
        id,
        client: new.client.clone(),
        seq,
        prefix: new.prefix.clone(),
        token_hash: token::hash_token(&new.token).to_vec(),
        status: "open".to_string(),
        text: t
            .stored_text()
            .iter()
            .map(|value| value.to_string())
            .collect(),
        context: t.context().to_vec(),
        created_at: new.now,
        response_due_at: new.due,
        updated_at: new.now,
        resolved_at: None,
        closed_at: None,
        escalation_level: 0,
        escalated_at: None,
        rating: None,
        feedback_comment: None,
        feedback_at: None,
    }
}

/// Queues what SQLite's writer queues with a batch's changes, in its transaction: each new
/// ticket's helpdesk e-mail and `ticket.created` webhooks (for the instance's receivers,
/// `hooks`), each rating's `feedback.created`. One insert; nothing when nothing is queued.
async fn queue_messages(
    tx: &tokio_postgres::Transaction<'_>,
    hooks: &deliveries::Receivers,
    created: &[(TicketRecord, &Option<super::deliveries::HelpdeskRoute>)],
    rated: &[(i64, i64, &str, i64)],
) -> Result<(), StoreError> {
    if created.is_empty() && rated.is_empty() {
        return Ok(());
    }
    let rated_ids: Vec<i64> = rated.iter().map(|r| r.0).collect();
    let rated_tickets = if hooks.is_empty() {
        Vec::new()
    } else {
        deliveries::tickets(tx, &rated_ids).await?
    };
    let mut rows = Vec::new();
    for (ticket, route) in created {
        if let Some(route) = route {
            rows.push(deliveries::helpdesk(ticket, route, ticket.created_at)?);
        }
        rows.extend(deliveries::ticket_event(
            hooks,
            ticket,
            "ticket.created",
            None,
            ticket.created_at,
        )?);
    }
    for (id, rating, comment, now) in rated {
        if let Some(ticket) = rated_tickets.iter().find(|t| t.id == *id) {
            let change = serde_json::json!({ "rating": rating, "comment": comment });
            rows.extend(deliveries::ticket_event(
                hooks,
                ticket,
                "feedback.created",
                Some(change),
                *now,
            )?);
        }
    }
    deliveries::insert(tx, &rows).await
}

/// The ids of the windows and notices the learner's page showed (see
/// [`schedule::link_ticket`], whose rules these are).
fn active_items(context: &[(String, String)]) -> Vec<String> {
    let Some((_, ids)) = context
        .iter()
        .find(|(k, _)| k == schedule::ACTIVE_ITEMS_KEY)
    else {
        return Vec::new();
    };
    ids.split(',')
        .map(str::trim)
        .filter(|id| schedule::is_valid_id(id))
        .take(20)
        .map(str::to_string)
        .collect()
}

fn create_outcome(row: &Row) -> Result<CreateOutcome, StoreError> {
    let outcome: String = row.try_get(0)?;
    if outcome == "reused" {
        return Ok(CreateOutcome::KeyReused);
    }
    let prefix: String = row.try_get(2)?;
    let summary = TicketSummary {
        id: row.try_get(1)?,
        number: super::number(&prefix, row.try_get(3)?),
        token: row.try_get(4)?,
        status: row.try_get(5)?,
        priority: row.try_get(6)?,
        response_due_at: row.try_get(7)?,
    };
    Ok(if outcome == "created" {
        CreateOutcome::Created(summary)
    } else {
        CreateOutcome::Replayed(summary)
    })
}

/// Moves a new ticket's staged files under `attachments/<id>` and records them, in the
/// ticket's transaction. With several instances, `--data` must be one shared directory for
/// attachments to be found by every instance (the README says so).
async fn store_attachments(
    tx: &tokio_postgres::Transaction<'_>,
    data: &std::path::Path,
    new: &NewTicket,
    id: i64,
) -> Result<(), StoreError> {
    let Some(staging) = &new.staging else {
        return Ok(());
    };
    let relative = format!("{ATTACHMENTS_DIR}/{id}");
    let target = data.join(&relative);
    // Only a transaction that never committed can have left a directory under this id.
    if target.exists() {
        std::fs::remove_dir_all(&target)?;
    }
    std::fs::rename(staging, &target)?;
    for file in &new.files {
        tx.execute(
            "INSERT INTO attachments (ticket_id, name, mime, bytes, sha256, path)
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                &id,
                &file.name,
                &file.mime,
                &i64::try_from(file.bytes).unwrap_or(i64::MAX),
                &&file.sha256[..],
                &format!("{relative}/{}", file.file_name),
            ],
        )
        .await?;
    }
    Ok(())
}
