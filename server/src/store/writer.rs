//! The one connection that writes while `serve` runs, on a thread of its own, with group
//! commit.
//!
//! Handlers send jobs over a bounded channel and await a one-shot reply. The thread takes the
//! first job waiting, then every other job already queued (up to [`MAX_BATCH`]), and runs
//! them all in one transaction, each inside its own savepoint so one failing job does not undo
//! the others. Replies go out only after `COMMIT` returns: a `201` always means the row is in
//! the database. Under load this turns thousands of small transactions into a few large ones;
//! with no load a batch is one job and nothing waits for company.
//!
//! When the queue is full, [`Writer`] says so at once ([`WriteError::Busy`]) and the handler
//! answers `503` with `Retry-After`, which the widget's outbox retries, instead of letting
//! requests pile up without bound.
//!
//! The handle ([`Handle`]) serves PostgreSQL's writer tasks too ([`super::pg`]): handlers queue
//! the same [`TicketJob`]s and await the same answers whichever engine commits them.

use super::token;
use super::{StoreError, ATTACHMENTS_DIR, REPLAY_TOKEN_SECONDS};
use lms_support_widget::help_events::Counter;
use lms_support_widget::ticket::{field, Ticket};
use rusqlite::{params, Connection, OptionalExtension as _};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::sync::LazyLock;
use tokio::sync::oneshot;

/// Most jobs committed in one transaction.
pub const MAX_BATCH: usize = 512;
/// Most jobs waiting for the writer.
const QUEUE: usize = 8192;

/// A ticket to create, already validated, with its files staged on disk.
#[derive(Debug)]
pub struct NewTicket {
    /// The validated ticket.
    pub ticket: Ticket,
    /// The client it is filed for (`""` in `--feed` mode).
    pub client: String,
    /// The number prefix (`ACME`).
    pub prefix: String,
    /// The canonical idempotency key.
    pub key: String,
    /// SHA-256 of the ticket JSON and the files, to tell a replay from a reuse.
    pub body_hash: [u8; 32],
    /// The token to give the learner if this creates a ticket.
    pub token: String,
    /// Creation time.
    pub now: i64,
    /// When a response is due.
    pub due: i64,
    /// The directory the files were staged in, if any; moved to `attachments/<id>`.
    pub staging: Option<PathBuf>,
    /// The staged files, in the order sent.
    pub files: Vec<StagedFile>,
    /// Where to e-mail the new ticket (the client's helpdesk), if anywhere.
    pub helpdesk: Option<super::deliveries::HelpdeskRoute>,
}

/// A file written to the staging directory.
#[derive(Clone, Debug)]
pub struct StagedFile {
    /// The learner's file name.
    pub name: String,
    /// The sniffed media type.
    pub mime: String,
    /// Size in bytes.
    pub bytes: u64,
    /// SHA-256 of the content.
    pub sha256: [u8; 32],
    /// The file's name inside the staging directory (and later the ticket's directory).
    pub file_name: String,
}

/// What `POST /tickets` returns about a ticket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TicketSummary {
    /// Row id.
    pub id: i64,
    /// `ACME-000123`.
    pub number: String,
    /// The learner's token.
    pub token: String,
    /// Current status.
    pub status: String,
    /// Priority id.
    pub priority: String,
    /// When a response is due.
    pub response_due_at: i64,
}

/// What became of a create job.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CreateOutcome {
    /// A new ticket.
    Created(TicketSummary),
    /// The key was used before with the same body: that ticket.
    Replayed(TicketSummary),
    /// The key was used before with a different body.
    KeyReused,
}

/// What became of a feedback job.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FeedbackOutcome {
    /// Stored.
    Saved,
    /// The ticket is not resolved.
    NotResolved,
    /// The ticket already has a rating.
    AlreadyRated,
    /// No such ticket.
    NotFound,
}

/// Why a job was not done.
#[derive(Debug)]
pub enum WriteError {
    /// The queue is full: try again shortly.
    Busy,
    /// The store failed, or the writer stopped.
    Store(StoreError),
}

impl From<StoreError> for WriteError {
    fn from(e: StoreError) -> WriteError {
        WriteError::Store(e)
    }
}

/// Where a job's answer goes.
pub type Reply<T> = oneshot::Sender<Result<T, StoreError>>;

/// The jobs both engines' writers take from the ticket handlers.
pub enum TicketJob {
    /// Create a ticket, or find the one its idempotency key made.
    Create(Box<NewTicket>, Reply<CreateOutcome>),
    /// Rate a resolved ticket.
    Feedback(Rating, Reply<FeedbackOutcome>),
}

/// A learner's rating of a resolved ticket.
#[derive(Debug)]
pub struct Rating {
    /// The ticket.
    pub id: i64,
    /// 1 to 5.
    pub rating: i64,
    /// The learner's words.
    pub comment: String,
    /// When.
    pub now: i64,
}

impl std::fmt::Debug for TicketJob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TicketJob::Create(..) => "TicketJob::Create",
            TicketJob::Feedback(..) => "TicketJob::Feedback",
        })
    }
}

/// A job for SQLite's writer thread: a ticket handler's, or the server's own.
#[derive(Debug)]
pub enum Job {
    /// A create or a rating.
    Ticket(TicketJob),
    /// Escalate overdue tickets and forget expired replay tokens.
    Maintain {
        /// When.
        now: i64,
        /// Tickets escalated, tokens forgotten.
        reply: Reply<(usize, usize)>,
    },
    /// Add help events' counts.
    HelpCounts {
        /// The client.
        client: String,
        /// `YYYY-MM-DD`.
        day: String,
        /// What to add.
        counts: Vec<(Counter, u64)>,
        /// Done.
        reply: Reply<()>,
    },
}

impl From<TicketJob> for Job {
    fn from(job: TicketJob) -> Job {
        Job::Ticket(job)
    }
}

/// The sending end of a writer's bounded queue: SQLite's thread's channel, PostgreSQL's
/// tasks' channel.
pub trait Queue {
    /// What the writer takes: at least the ticket handlers' jobs.
    type Job: From<TicketJob>;

    /// Queues `job` without waiting: [`WriteError::Busy`] when the queue is full.
    ///
    /// # Errors
    /// Full, or the writer stopped.
    fn offer(&self, job: Self::Job) -> Result<(), WriteError>;
}

impl<J: From<TicketJob>> Queue for SyncSender<J> {
    type Job = J;

    fn offer(&self, job: J) -> Result<(), WriteError> {
        self.try_send(job).map_err(|e| match e {
            TrySendError::Full(_) => WriteError::Busy,
            TrySendError::Disconnected(_) => WriteError::Store(StoreError::Closed),
        })
    }
}

impl<J: From<TicketJob>> Queue for tokio::sync::mpsc::Sender<J> {
    type Job = J;

    fn offer(&self, job: J) -> Result<(), WriteError> {
        use tokio::sync::mpsc::error::TrySendError;
        self.try_send(job).map_err(|e| match e {
            TrySendError::Full(_) => WriteError::Busy,
            TrySendError::Closed(_) => WriteError::Store(StoreError::Closed),
        })
    }
}

/// The handle handlers use to reach a writer, whichever the engine: each call queues a job
/// and awaits its answer, which comes once the job's transaction has committed.
#[derive(Clone, Debug)]
pub struct Handle<Q> {
    jobs: Q,
}

impl<Q: Queue> Handle<Q> {
    /// The handle on the writer that reads `jobs`.
    pub fn new(jobs: Q) -> Handle<Q> {
        Handle { jobs }
    }

    /// Creates a ticket, or finds the one its idempotency key made (on any instance sharing
    /// the database).
    ///
    /// # Errors
    /// [`WriteError::Busy`] when the queue is full; store errors.
    pub async fn create(&self, ticket: NewTicket) -> Result<CreateOutcome, WriteError> {
        self.ask(|reply| TicketJob::Create(Box::new(ticket), reply).into())
            .await
    }

    /// Stores a rating for a resolved ticket that has none.
    ///
    /// # Errors
    /// [`WriteError::Busy`] when the queue is full; store errors.
    pub async fn feedback(
        &self,
        id: i64,
        rating: i64,
        comment: String,
        now: i64,
    ) -> Result<FeedbackOutcome, WriteError> {
        let rating = Rating {
            id,
            rating,
            comment,
            now,
        };
        self.ask(|reply| TicketJob::Feedback(rating, reply).into())
            .await
    }

    /// The queue's sending end (to ask whether the writer still runs).
    pub fn queue(&self) -> &Q {
        &self.jobs
    }

    /// Queues the job `make` builds around its reply, and awaits the answer.
    async fn ask<T>(&self, make: impl FnOnce(Reply<T>) -> Q::Job) -> Result<T, WriteError> {
        let (reply, answer) = oneshot::channel();
        self.jobs.offer(make(reply))?;
        Ok(answer.await.unwrap_or(Err(StoreError::Closed))?)
    }
}

/// The handle on SQLite's writer thread. Dropping every handle stops the thread once it has
/// finished the jobs already sent.
pub type Writer = Handle<SyncSender<Job>>;

impl Writer {
    /// Starts the writer thread on `conn` (opened with [`super::open_writer`]); files are
    /// moved under `data`.
    ///
    /// # Errors
    /// When the thread cannot be spawned.
    pub fn start(
        conn: Connection,
        data: PathBuf,
    ) -> std::io::Result<(Writer, std::thread::JoinHandle<()>)> {
        let (jobs, queue) = mpsc::sync_channel(QUEUE);
        let handle = std::thread::Builder::new()
            .name("db-writer".to_string())
            .spawn(move || run(conn, &data, &queue))?;
        Ok((Handle::new(jobs), handle))
    }

    /// Escalates overdue critical tickets and forgets expired replay tokens; returns how many
    /// tickets were escalated and how many tokens forgotten.
    ///
    /// # Errors
    /// [`WriteError::Busy`] when the queue is full; store errors.
    pub async fn maintain(&self, now: i64) -> Result<(usize, usize), WriteError> {
        self.ask(|reply| Job::Maintain { now, reply }).await
    }

    /// Adds a batch of help events' counts to `client`'s `day`.
    ///
    /// # Errors
    /// [`WriteError::Busy`] when the queue is full; store errors.
    pub async fn help_counts(
        &self,
        client: String,
        day: String,
        counts: Vec<(Counter, u64)>,
    ) -> Result<(), WriteError> {
        self.ask(|reply| Job::HelpCounts {
            client,
            day,
            counts,
            reply,
        })
        .await
    }
}

fn run(mut conn: Connection, data: &Path, queue: &Receiver<Job>) {
    while let Ok(first) = queue.recv() {
        let mut batch = Vec::with_capacity(16);
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        commit_batch(&mut conn, data, batch);
    }
}

/// A job's answer, held until the batch commits.
enum Done {
    Create(Reply<CreateOutcome>, Result<CreateOutcome, StoreError>),
    Feedback(Reply<FeedbackOutcome>, Result<FeedbackOutcome, StoreError>),
    Maintain(Reply<(usize, usize)>, Result<(usize, usize), StoreError>),
    Unit(Reply<()>, Result<(), StoreError>),
}

impl Done {
    fn is_ok(&self) -> bool {
        match self {
            Done::Create(_, r) => r.is_ok(),
            Done::Feedback(_, r) => r.is_ok(),
            Done::Maintain(_, r) => r.is_ok(),
            Done::Unit(_, r) => r.is_ok(),
        }
    }

    /// Sends the answer; `failed` replaces a success when the commit itself failed.
    fn send(self, failed: Option<&str>) {
        let fail = |message: &str| StoreError::Io(std::io::Error::other(message.to_string()));
        // A receiver that went away (the client hung up) is not an error.
        match self {
            Done::Create(reply, result) => {
                let _ = reply.send(match failed {
                    Some(m) => Err(fail(m)),
                    None => result,
                });
            }
            Done::Feedback(reply, result) => {
                let _ = reply.send(match failed {
                    Some(m) => Err(fail(m)),
                    None => result,
                });
            }
            Done::Maintain(reply, result) => {
                let _ = reply.send(match failed {
                    Some(m) => Err(fail(m)),
                    None => result,
                });
            }
            Done::Unit(reply, result) => {
                let _ = reply.send(match failed {
                    Some(m) => Err(fail(m)),
                    None => result,
                });
            }
        }
    }
}

fn commit_batch(conn: &mut Connection, data: &Path, batch: Vec<Job>) {
    if let Err(e) = conn.execute_batch("BEGIN IMMEDIATE") {
        let message = format!("cannot begin a transaction: {e}");
        for job in batch {
            answer_without_running(job, &message);
        }
        return;
    }
    let mut done = Vec::with_capacity(batch.len());
    for job in batch {
        let savepoint = conn.execute_batch("SAVEPOINT job");
        let result = match job {
            Job::Ticket(TicketJob::Create(ticket, reply)) => {
                let result = savepoint
                    .map_err(StoreError::from)
                    .and_then(|()| create(conn, data, &ticket));
                Done::Create(reply, result)
            }
            Job::Ticket(TicketJob::Feedback(r, reply)) => {
                let result = savepoint
                    .map_err(StoreError::from)
                    .and_then(|()| feedback(conn, r.id, r.rating, &r.comment, r.now));
                Done::Feedback(reply, result)
            }
            Job::Maintain { now, reply } => {
                let result = savepoint.map_err(StoreError::from).and_then(|()| {
                    Ok((
                        super::escalate(conn, now)?,
                        super::purge_replay_tokens(conn, now)?,
                    ))
                });
                Done::Maintain(reply, result)
            }
            Job::HelpCounts {
                client,
                day,
                counts,
                reply,
            } => {
                let result = savepoint
                    .map_err(StoreError::from)
                    .and_then(|()| super::help_counts::add(conn, &client, &day, &counts));
                Done::Unit(reply, result)
            }
        };
        let end = if result.is_ok() {
            "RELEASE job"
        } else {
            "ROLLBACK TO job; RELEASE job"
        };
        let _ = conn.execute_batch(end);
        done.push(result);
    }
    match conn.execute_batch("COMMIT") {
        Ok(()) => done.into_iter().for_each(|d| d.send(None)),
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            let message = format!("commit failed: {e}");
            done.into_iter().for_each(|d| d.send(Some(&message)));
        }
    }
}

fn answer_without_running(job: Job, message: &str) {
    let done = match job {
        Job::Ticket(TicketJob::Create(_, reply)) => {
            Done::Create(reply, Ok(CreateOutcome::KeyReused))
        }
        Job::Ticket(TicketJob::Feedback(_, reply)) => {
            Done::Feedback(reply, Ok(FeedbackOutcome::NotFound))
        }
        Job::Maintain { reply, .. } => Done::Maintain(reply, Ok((0, 0))),
        Job::HelpCounts { reply, .. } => Done::Unit(reply, Ok(())),
    };
    done.send(Some(message));
}

fn create(conn: &Connection, data: &Path, new: &NewTicket) -> Result<CreateOutcome, StoreError> {
    let existing: Option<(Vec<u8>, i64, Option<String>)> = conn
        .prepare_cached("SELECT body_hash, ticket_id, token FROM idempotency WHERE key = ?1")?
        .query_row([&new.key], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    if let Some((body_hash, ticket_id, token)) = existing {
        if !token::constant_time_eq(&body_hash, &new.body_hash) {
            return Ok(CreateOutcome::KeyReused);
        }
        let token = match token {
            Some(token) => token,
            // The plaintext was forgotten after a day: the only party that can replay is the
            // one holding the key and the exact body, so it gets a fresh token, which
            // replaces the old one.
            None => {
                let fresh = token::new_token().map_err(|e| {
                    StoreError::Io(std::io::Error::other(format!("no random bytes: {e}")))
                })?;
                conn.prepare_cached("UPDATE tickets SET token_hash = ?2 WHERE id = ?1")?
                    .execute(params![ticket_id, &token::hash_token(&fresh)[..]])?;
                conn.prepare_cached(
                    "UPDATE idempotency SET token = ?2, token_expires_at = ?3 WHERE key = ?1",
                )?
                .execute(params![
                    &new.key,
                    &fresh,
                    new.now + REPLAY_TOKEN_SECONDS
                ])?;
                fresh
            }
        };
        let summary = conn
            .prepare_cached(
                "SELECT prefix, seq, status, priority, response_due_at FROM tickets WHERE id = ?1",
            )?
            .query_row([ticket_id], |r| {
                let prefix: String = r.get(0)?;
                Ok(TicketSummary {
                    id: ticket_id,
                    number: super::number(&prefix, r.get(1)?),
                    token: token.clone(),
                    status: r.get(2)?,
                    priority: r.get(3)?,
                    response_due_at: r.get(4)?,
                })
            })?;
        return Ok(CreateOutcome::Replayed(summary));
    }

    let t = &new.ticket;
    let seq: i64 = conn
        .prepare_cached(
            "INSERT INTO ticket_counters (client, next) VALUES (?1, 2)
             ON CONFLICT (client) DO UPDATE SET next = next + 1
             RETURNING next - 1",
        )?
        .query_row([&new.client], |r| r.get(0))?;
    let token_hash = token::hash_token(&new.token);
    let context = super::context_to_json(t.context());
    // In the column order of INSERT_TICKET.
    let mut values: Vec<&dyn rusqlite::ToSql> = vec![&new.prefix, &token_hash, &seq, &new.client];
    let text = t.stored_text();
    values.extend(text.iter().map(|v| v as &dyn rusqlite::ToSql));
    values.extend([
        &context as &dyn rusqlite::ToSql,
        &new.now,
        &new.due,
        &new.now,
    ]);
    conn.prepare_cached(&INSERT_TICKET)?
        .execute(rusqlite::params_from_iter(values))?;
    let id = conn.last_insert_rowid();
    super::schedule::link_ticket(conn, id, t.context())?;
    conn.prepare_cached(
        "INSERT INTO idempotency (key, body_hash, ticket_id, token, token_expires_at, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        &new.key,
        &new.body_hash[..],
        id,
        &new.token,
        new.now + REPLAY_TOKEN_SECONDS,
        new.now
    ])?;
    if let Some(staging) = &new.staging {
        let relative = format!("{ATTACHMENTS_DIR}/{id}");
        let target = data.join(&relative);
        // Only a transaction that never committed can have left a directory under this id.
        if target.exists() {
            std::fs::remove_dir_all(&target)?;
        }
        std::fs::rename(staging, &target)?;
        let mut insert = conn.prepare_cached(
            "INSERT INTO attachments (ticket_id, name, mime, bytes, sha256, path)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for file in &new.files {
            insert.execute(params![
                id,
                &file.name,
                &file.mime,
                i64::try_from(file.bytes).unwrap_or(i64::MAX),
                &file.sha256[..],
                format!("{relative}/{}", file.file_name),
            ])?;
        }
    }
    // In the ticket's own savepoint: the ticket and its e-mail are stored together or not at all.
    if let Some(route) = &new.helpdesk {
        super::deliveries::enqueue_helpdesk_email(conn, &new.client, id, route, new.now)?;
    }
    // Its webhooks too (none unless the client configured receivers).
    if let Some((client, data)) = super::deliveries::ticket_event_data(conn, id, None)? {
        super::deliveries::enqueue_event(conn, &client, "ticket.created", data, new.now)?;
    }
    Ok(CreateOutcome::Created(TicketSummary {
        id,
        number: super::number(&new.prefix, seq),
        token: new.token.clone(),
        status: "open".to_string(),
        priority: t.priority().to_string(),
        response_due_at: new.due,
    }))
}

/// The ticket's `INSERT`, its text columns named by [`field::STORED`] (the values of
/// [`Ticket::stored_text`] in their order) between the record's own columns and its times.
static INSERT_TICKET: LazyLock<String> = LazyLock::new(|| {
    let columns = [
        &["prefix", "token_hash", "seq", "client"][..],
        &field::STORED[..],
        &[
            field::CONTEXT,
            "created_at",
            "response_due_at",
            "updated_at",
        ][..],
    ]
    .concat();
    let placeholders: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
    format!(
        "INSERT INTO tickets (status, {}) VALUES ('open', {})",
        columns.join(", "),
        placeholders.join(", ")
    )
});

fn feedback(
    conn: &Connection,
    id: i64,
    rating: i64,
    comment: &str,
    now: i64,
) -> Result<FeedbackOutcome, StoreError> {
    let row: Option<(String, Option<i64>)> = conn
        .prepare_cached("SELECT status, rating FROM tickets WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    Ok(match row {
        None => FeedbackOutcome::NotFound,
        Some((_, Some(_))) => FeedbackOutcome::AlreadyRated,
        Some((status, None)) if status != "resolved" => FeedbackOutcome::NotResolved,
        Some(_) => {
            conn.prepare_cached(
                "UPDATE tickets SET rating = ?2, feedback_comment = ?3, feedback_at = ?4,
                        updated_at = ?4 WHERE id = ?1",
            )?
            .execute(params![id, rating, comment, now])?;
            let change = serde_json::json!({ "rating": rating, "comment": comment });
            if let Some((client, data)) =
                super::deliveries::ticket_event_data(conn, id, Some(change))?
            {
                super::deliveries::enqueue_event(conn, &client, "feedback.created", data, now)?;
            }
            FeedbackOutcome::Saved
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{self, AgentAction};
    use lms_support_widget::ticket::{self, TicketDraft};

    struct Db {
        dir: PathBuf,
    }

    impl Db {
        fn new(name: &str) -> Db {
            let dir = std::env::temp_dir()
                .join(format!("lms-support-writer-{}-{name}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).expect("dir");
            Db { dir }
        }

        fn start(&self) -> (Writer, std::thread::JoinHandle<()>) {
            let conn = store::open_writer(&store::db_path(&self.dir)).expect("open");
            Writer::start(conn, self.dir.clone()).expect("writer")
        }

        fn conn(&self) -> Connection {
            store::open_existing(&store::db_path(&self.dir))
                .expect("open")
                .expect("exists")
        }
    }

    impl Drop for Db {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }

    fn new_ticket(key: &str, priority: &str, body: u8, now: i64) -> NewTicket {
        let draft = TicketDraft {
            subject: "Cannot log in".into(),
            description: "It fails.".into(),
            priority: priority.into(),
            category: "access".into(),
            email: "ana@example.edu".into(),
            ..TicketDraft::default()
        };
        NewTicket {
            ticket: ticket::validate(&draft, None).expect("valid"),
            client: String::new(),
            prefix: "ACME".into(),
            key: key.into(),
            body_hash: [body; 32],
            token: token::new_token().expect("token"),
            now,
            due: now + 3600,
            staging: None,
            files: Vec::new(),
            helpdesk: None,
        }
    }

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime")
    }

    #[test]
    fn create_replay_reuse() {
        let db = Db::new("replay");
        let (writer, thread) = db.start();
        runtime().block_on(async {
            let CreateOutcome::Created(first) = writer
                .create(new_ticket("k1", "routine", 1, 1000))
                .await
                .expect("create")
            else {
                panic!("not created");
            };
            assert_eq!((first.id, first.number.as_str()), (1, "ACME-000001"));
            let replay = writer
                .create(new_ticket("k1", "routine", 1, 2000))
                .await
                .expect("replay");
            assert_eq!(replay, CreateOutcome::Replayed(first.clone()));
            let reused = writer
                .create(new_ticket("k1", "routine", 2, 2000))
                .await
                .expect("reuse");
            assert_eq!(reused, CreateOutcome::KeyReused);
        });
        drop(writer);
        thread.join().expect("writer thread");
    }

    /// The helpdesk e-mail is queued with the ticket, once: a replay queues nothing more.
    #[test]
    fn a_new_ticket_queues_its_helpdesk_email_once() {
        let db = Db::new("helpdesk");
        let (writer, thread) = db.start();
        let with_route = |key: &str| NewTicket {
            client: "acme".into(),
            helpdesk: Some(crate::store::deliveries::HelpdeskRoute {
                to: "helpdesk@acme.example".into(),
                from: "support@acme.example".into(),
            }),
            ..new_ticket(key, "high", 1, 1000)
        };
        runtime().block_on(async {
            for key in ["k1", "k1", "k2"] {
                writer.create(with_route(key)).await.expect("create");
            }
            writer
                .create(new_ticket("k3", "high", 1, 1000))
                .await
                .expect("create without a route");
        });
        let queued = crate::store::deliveries::list(&db.conn(), false).expect("list");
        let summary: Vec<(i64, &str, i64, i64)> = queued
            .iter()
            .map(|d| {
                (
                    d.id,
                    d.client.as_str(),
                    d.payload["ticket_id"].as_i64().unwrap_or(0),
                    d.next_attempt_at,
                )
            })
            .collect();
        assert_eq!(summary, [(1, "acme", 1, 1000), (2, "acme", 2, 1000)]);
        assert!(queued[0].message_id.starts_with("<delivery-1."));
        assert!(queued[0].message_id.ends_with("@acme.example>"));
        assert_ne!(queued[0].message_id, queued[1].message_id);
        drop(writer);
        thread.join().expect("writer thread");
    }

    #[test]
    fn concurrent_creates_are_group_committed_without_loss() {
        let db = Db::new("group");
        let (writer, thread) = db.start();
        let rt = runtime();
        let outcomes = rt.block_on(async {
            let handles: Vec<_> = (0..300)
                .map(|i| {
                    let writer = writer.clone();
                    // Every tenth request repeats an earlier key: a replay inside a batch.
                    let key = format!("k{}", if i % 10 == 9 { i - 1 } else { i });
                    tokio::spawn(
                        async move { writer.create(new_ticket(&key, "high", 7, 1000)).await },
                    )
                })
                .collect();
            let mut outcomes = Vec::new();
            for handle in handles {
                outcomes.push(handle.await.expect("task").expect("create"));
            }
            outcomes
        });
        let created = outcomes
            .iter()
            .filter(|o| matches!(o, CreateOutcome::Created(_)))
            .count();
        let replayed = outcomes
            .iter()
            .filter(|o| matches!(o, CreateOutcome::Replayed(_)))
            .count();
        assert_eq!((created, replayed), (270, 30));
        let rows: i64 = db
            .conn()
            .query_row("SELECT COUNT(*) FROM tickets", [], |r| r.get(0))
            .expect("count");
        assert_eq!(rows, 270);
        drop(writer);
        thread.join().expect("writer thread");
    }

    #[test]
    fn feedback_only_once_and_only_when_resolved() {
        let db = Db::new("feedback");
        let (writer, thread) = db.start();
        let rt = runtime();
        rt.block_on(async {
            writer
                .create(new_ticket("k1", "routine", 1, 1000))
                .await
                .expect("create");
            let rate = |id| writer.feedback(id, 4, "ok".into(), 3000);
            assert_eq!(rate(1).await.expect("rate"), FeedbackOutcome::NotResolved);
            assert_eq!(rate(9).await.expect("rate"), FeedbackOutcome::NotFound);
            store::apply(&mut db.conn(), 1, AgentAction::Resolve, 2000).expect("resolve");
            assert_eq!(rate(1).await.expect("rate"), FeedbackOutcome::Saved);
            assert_eq!(rate(1).await.expect("rate"), FeedbackOutcome::AlreadyRated);
        });
        let t = store::ticket(&db.conn(), 1).expect("read").expect("ticket");
        assert_eq!(
            (t.rating, t.feedback_comment.as_deref(), t.feedback_at),
            (Some(4), Some("ok"), Some(3000))
        );
        drop(writer);
        thread.join().expect("writer thread");
    }

    #[test]
    fn maintenance_escalates_critical_tickets_late_or_unresolved() {
        let db = Db::new("maintain");
        let (writer, thread) = db.start();
        let rt = runtime();
        rt.block_on(async {
            for (key, priority) in [("k1", "critical"), ("k2", "routine"), ("k3", "critical")] {
                writer
                    .create(new_ticket(key, priority, 1, 1000))
                    .await
                    .expect("create");
            }
            // Ticket 3 is answered in time; ticket 1 is not.
            store::apply(&mut db.conn(), 3, AgentAction::Reply("On it."), 1100).expect("reply");
            assert_eq!(
                writer.maintain(1000 + 3599).await.expect("maintain"),
                (0, 0)
            );
            // Its response target passed: the unanswered one escalates.
            assert_eq!(
                writer.maintain(1000 + 3600).await.expect("maintain"),
                (1, 0)
            );
            assert_eq!(
                writer.maintain(1000 + 7199).await.expect("maintain"),
                (0, 0)
            );
            // Two hours and still not resolved: the answered one escalates too.
            assert_eq!(
                writer.maintain(1000 + 7200).await.expect("maintain"),
                (1, 0)
            );
            assert_eq!(
                writer.maintain(1000 + 9000).await.expect("maintain"),
                (0, 0)
            );
            // A day after creation the replay tokens are forgotten.
            assert_eq!(
                writer
                    .maintain(1000 + REPLAY_TOKEN_SECONDS)
                    .await
                    .expect("maintain"),
                (0, 3)
            );
        });
        let escalated = |id| {
            let t = store::ticket(&db.conn(), id)
                .expect("read")
                .expect("ticket");
            (t.escalation_level, t.escalated_at)
        };
        assert_eq!(escalated(1), (1, Some(4600)));
        assert_eq!(escalated(2), (0, None));
        assert_eq!(escalated(3), (1, Some(8200)));
        drop(writer);
        thread.join().expect("writer thread");
    }
}
