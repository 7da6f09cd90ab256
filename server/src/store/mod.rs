//! The ticket database: one SQLite file, `DATA/support.db`, in WAL mode.
//!
//! `serve` writes through one connection on a dedicated thread ([`writer`]) and reads through
//! a small pool ([`Readers`]); the agent's CLI (`lms-support tickets …`) opens its own
//! connection to the same file. WAL lets readers run beside the writer, and `busy_timeout`
//! makes the CLI wait out the server's short write transactions instead of failing.
//!
//! Durability: `synchronous=NORMAL` in WAL mode syncs at checkpoints, not at every commit. A
//! committed ticket survives the server process crashing; a power cut may lose the last
//! moments of commits. The widget's outbox covers that case: it resends with the same
//! idempotency key until it has a response.
//!
//! Times are whole seconds since the Unix epoch. A ticket keeps the client and prefix it was
//! created under and its number within that client (`seq`, drawn from `ticket_counters`), and
//! [`number`] formats them (`ACME-000123`). Client `""` is the single-client `--feed` mode.
//!
//! This module knows nothing of HTTP; handlers live in `serve::tickets`.

pub mod admin_tokens;
pub mod deliveries;
pub mod engine;
pub mod help_counts;
pub mod pg;
pub mod schedule;
pub mod schema;
pub mod sessions;
pub mod token;
pub mod writer;

use lms_support_widget::ticket::field;
use lms_support_widget::time::Timestamp;
use rusqlite::{params, Connection, OpenFlags, OptionalExtension as _};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The database file's name inside the data directory.
pub const DB_FILE: &str = "support.db";
/// Where attachments go inside the data directory: `attachments/<ticket id>/<n>`.
pub const ATTACHMENTS_DIR: &str = "attachments";
/// A critical ticket still unresolved this long after creation is escalated (level 1).
pub const ESCALATE_AFTER_SECONDS: i64 = 2 * 60 * 60;
/// The priority id whose tickets escalate.
pub const ESCALATING_PRIORITY: &str = "critical";
/// How long the plaintext token of a new ticket is kept for idempotent replays.
pub const REPLAY_TOKEN_SECONDS: i64 = 24 * 60 * 60;
/// How long a connection waits for another one's write lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Why the store failed.
#[derive(Debug)]
pub enum StoreError {
    /// SQLite said no.
    Sqlite(rusqlite::Error),
    /// A file or directory could not be written.
    Io(std::io::Error),
    /// The file was made by a newer `lms-support`.
    NewerSchema {
        /// The file's schema version.
        found: i64,
        /// The newest this build knows.
        known: i64,
    },
    /// The writer thread is gone (the server is stopping).
    Closed,
    /// PostgreSQL said no, or could not be reached.
    Postgres(String),
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Sqlite(e) => write!(f, "database error: {e}"),
            StoreError::Io(e) => write!(f, "file error: {e}"),
            StoreError::NewerSchema { found, known } => write!(
                f,
                "the database has schema version {found}, newer than this lms-support knows ({known}); upgrade lms-support"
            ),
            StoreError::Closed => write!(f, "the database writer has stopped"),
            StoreError::Postgres(e) => write!(f, "database error: {e}"),
        }
    }
}

impl std::error::Error for StoreError {}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> StoreError {
        StoreError::Sqlite(e)
    }
}

impl From<tokio_postgres::Error> for StoreError {
    fn from(e: tokio_postgres::Error) -> StoreError {
        // The server's own message (with its SQLSTATE) when there is one: `Display` of the
        // error alone says only "db error".
        StoreError::Postgres(match e.as_db_error() {
            Some(db) => format!("{} ({})", db.message(), db.code().code()),
            None => e.to_string(),
        })
    }
}

impl From<deadpool_postgres::PoolError> for StoreError {
    fn from(e: deadpool_postgres::PoolError) -> StoreError {
        match e {
            deadpool_postgres::PoolError::Backend(e) => StoreError::from(e),
            other => StoreError::Postgres(other.to_string()),
        }
    }
}

impl From<std::io::Error> for StoreError {
    fn from(e: std::io::Error) -> StoreError {
        StoreError::Io(e)
    }
}

/// The database path for a data directory.
pub fn db_path(data: &Path) -> PathBuf {
    data.join(DB_FILE)
}

/// Opens (creating if needed) the database for writing, with the connection settings every
/// writer uses, and brings its schema up to date.
///
/// # Errors
/// SQLite errors, or [`StoreError::NewerSchema`].
pub fn open_writer(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open(path)?;
    configure(&conn)?;
    let mode: String =
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        // A file system without shared memory support (some network mounts) refuses WAL;
        // rollback journaling still works, only slower.
        crate::output::stderr(&format!(
            "warning: {} is in {mode} journal mode, not WAL\n",
            path.display()
        ));
    }
    schema::migrate(&conn)?;
    Ok(conn)
}

/// [`open_writer`] on the database of the data directory `data`, creating the directory: for
/// the CLI commands that may run before the server ever did (the schedule, tokens).
///
/// # Errors
/// A line to print: which file could not be opened, and why.
pub fn open_or_create_in(data: &Path) -> Result<Connection, String> {
    let path = db_path(data);
    std::fs::create_dir_all(data)
        .map_err(StoreError::from)
        .and_then(|()| open_writer(&path))
        .map_err(|e| format!("cannot open {}: {e}", path.display()))
}

/// The database of the data directory `data` for a CLI command, or the sentence to print:
/// missing (`is --data right?`) or unreadable.
///
/// # Errors
/// That sentence.
pub fn open_data(data: &Path) -> Result<Connection, String> {
    let path = db_path(data);
    match open_existing(&path) {
        Ok(Some(conn)) => Ok(conn),
        Ok(None) => Err(format!(
            "no database at {}; is --data right?",
            path.display()
        )),
        Err(e) => Err(format!("cannot open {}: {e}", path.display())),
    }
}

/// Opens an existing database for the agent's CLI: read-write, never created, migrated.
///
/// # Errors
/// `Ok(None)` when the file does not exist; SQLite errors otherwise.
pub fn open_existing(path: &Path) -> Result<Option<Connection>, StoreError> {
    if !path.is_file() {
        return Ok(None);
    }
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    configure(&conn)?;
    schema::migrate(&conn)?;
    Ok(Some(conn))
}

fn configure(conn: &Connection) -> Result<(), StoreError> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

/// Read-only connections for request handlers, reused across requests.
#[derive(Debug)]
pub struct Readers {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

/// How many idle reader connections are kept.
const IDLE_READERS: usize = 8;

impl Readers {
    /// A pool for the database at `path` (which [`open_writer`] has created).
    pub fn new(path: PathBuf) -> Readers {
        Readers {
            path,
            idle: Mutex::new(Vec::new()),
        }
    }

    /// Runs `f` on a reader connection on tokio's blocking pool.
    ///
    /// # Errors
    /// Whatever `f` returns, SQLite errors opening a connection, or [`StoreError::Closed`]
    /// when the blocking task could not run.
    pub async fn run<T, F>(self: &Arc<Self>, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let pool = self.clone();
        tokio::task::spawn_blocking(move || {
            let conn = match pool.take() {
                Some(conn) => conn,
                None => pool.open()?,
            };
            let result = f(&conn);
            pool.give_back(conn);
            result
        })
        .await
        .unwrap_or(Err(StoreError::Closed))
    }

    /// The database file.
    #[cfg(test)]
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn open(&self) -> Result<Connection, StoreError> {
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        Ok(conn)
    }

    fn take(&self) -> Option<Connection> {
        self.idle
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .pop()
    }

    fn give_back(&self, conn: Connection) {
        let mut idle = self
            .idle
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if idle.len() < IDLE_READERS {
            idle.push(conn);
        }
    }
}

/// A ticket's human number: `ACME-000123`.
pub fn number(prefix: &str, id: i64) -> String {
    format!("{prefix}-{id:06}")
}

/// Splits a ticket number into its prefix and id: `ACME-000123` → `("ACME", 123)`.
/// Any number of digits is accepted (`ACME-123`); `None` for anything else.
pub fn parse_number(text: &str) -> Option<(&str, i64)> {
    let (prefix, digits) = text.trim().rsplit_once('-')?;
    if prefix.is_empty()
        || digits.is_empty()
        || digits.len() > 18
        || !digits.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let id: i64 = digits.parse().ok()?;
    (id > 0).then_some((prefix, id))
}

/// A valid ticket number prefix: 1 to 16 ASCII letters and digits (`ACME`, `UNI2`).
pub fn is_valid_prefix(prefix: &str) -> bool {
    (1..=16).contains(&prefix.len()) && prefix.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// A ticket as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct TicketRecord {
    /// Row id.
    pub id: i64,
    /// The client it was filed for; empty in single-client `--feed` mode.
    pub client: String,
    /// Its number within the client (`ACME-000123` → 123).
    pub seq: i64,
    /// The number's prefix when it was created.
    pub prefix: String,
    /// SHA-256 of the learner's token.
    pub token_hash: Vec<u8>,
    /// `open`, `pending`, `resolved` or `closed`.
    pub status: String,
    /// The values of the ticket's text fields, in the order of [`field::STORED`] (read them with
    /// [`TicketRecord::text`] or the named accessors).
    pub text: Vec<String>,
    /// Context entries the learner agreed to send.
    pub context: Vec<(String, String)>,
    /// When it was created.
    pub created_at: i64,
    /// When a first response is due.
    pub response_due_at: i64,
    /// Last change by anyone.
    pub updated_at: i64,
    /// When an agent resolved it, if they did.
    pub resolved_at: Option<i64>,
    /// When an agent closed it, if they did.
    pub closed_at: Option<i64>,
    /// 0, or 1 once escalated.
    pub escalation_level: i64,
    /// When it was escalated.
    pub escalated_at: Option<i64>,
    /// The learner's rating, 1–5.
    pub rating: Option<i64>,
    /// The learner's comment with the rating.
    pub feedback_comment: Option<String>,
    /// When the learner rated it.
    pub feedback_at: Option<i64>,
}

impl TicketRecord {
    /// `ACME-000123`.
    pub fn number(&self) -> String {
        number(&self.prefix, self.seq)
    }

    /// The stored value of the text field `name` (one of [`field::STORED`]); empty for a name
    /// that is not one.
    pub fn text(&self, name: &str) -> &str {
        field::STORED
            .iter()
            .position(|stored| *stored == name)
            .and_then(|i| self.text.get(i))
            .map_or("", String::as_str)
    }

    /// Every stored text field with its name, in the order of [`field::STORED`].
    pub fn text_fields(&self) -> impl Iterator<Item = (&'static str, &str)> {
        field::STORED
            .into_iter()
            .zip(self.text.iter().map(String::as_str))
    }

    /// Priority id.
    pub fn priority(&self) -> &str {
        self.text(field::PRIORITY)
    }

    /// Category id.
    pub fn category(&self) -> &str {
        self.text(field::CATEGORY)
    }

    /// Subject line.
    pub fn subject(&self) -> &str {
        self.text(field::SUBJECT)
    }

    /// Description.
    pub fn description(&self) -> &str {
        self.text(field::DESCRIPTION)
    }

    /// Learner's name, possibly empty.
    pub fn name(&self) -> &str {
        self.text(field::NAME)
    }

    /// Learner's e-mail.
    pub fn email(&self) -> &str {
        self.text(field::EMAIL)
    }

    /// Learner's language tag, possibly empty.
    pub fn locale(&self) -> &str {
        self.text(field::LOCALE)
    }
}

/// An agent's reply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    /// When it was written.
    pub at: i64,
    /// Who wrote it: `agent`.
    pub author: String,
    /// The text.
    pub body: String,
}

/// A file attached to a ticket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attachment {
    /// The learner's file name.
    pub name: String,
    /// The sniffed media type.
    pub mime: String,
    /// Size in bytes.
    pub bytes: i64,
    /// Path relative to the data directory.
    pub path: String,
}

/// The `tickets` columns the record is read from: all of them, since [`ticket_from_row`] (and
/// PostgreSQL's) reads each by name, so a column a migration adds for a new field of
/// [`field::STORED`] is read without being listed anywhere else.
pub const TICKET_COLUMNS: &str = "*";

fn ticket_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<TicketRecord> {
    let context_json: String = row.get(field::CONTEXT)?;
    let mut text = Vec::with_capacity(field::STORED.len());
    for name in field::STORED {
        text.push(row.get(name)?);
    }
    Ok(TicketRecord {
        id: row.get("id")?,
        client: row.get("client")?,
        seq: row.get("seq")?,
        prefix: row.get("prefix")?,
        token_hash: row.get("token_hash")?,
        status: row.get("status")?,
        text,
        context: context_from_json(&context_json),
        created_at: row.get("created_at")?,
        response_due_at: row.get("response_due_at")?,
        updated_at: row.get("updated_at")?,
        resolved_at: row.get("resolved_at")?,
        closed_at: row.get("closed_at")?,
        escalation_level: row.get("escalation_level")?,
        escalated_at: row.get("escalated_at")?,
        rating: row.get("rating")?,
        feedback_comment: row.get("feedback_comment")?,
        feedback_at: row.get("feedback_at")?,
    })
}

/// Context entries as a JSON object, in order.
pub fn context_to_json(context: &[(String, String)]) -> String {
    let map: serde_json::Map<String, serde_json::Value> = context
        .iter()
        .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
        .collect();
    serde_json::Value::Object(map).to_string()
}

pub(crate) fn context_from_json(json: &str) -> Vec<(String, String)> {
    match serde_json::from_str::<serde_json::Value>(json) {
        Ok(serde_json::Value::Object(map)) => map
            .into_iter()
            .map(|(k, v)| match v {
                serde_json::Value::String(s) => (k, s),
                other => (k, other.to_string()),
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The ticket with this id.
///
/// # Errors
/// SQLite errors.
pub fn ticket(conn: &Connection, id: i64) -> Result<Option<TicketRecord>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {TICKET_COLUMNS} FROM tickets WHERE id = ?1"
    ))?;
    Ok(stmt.query_row([id], ticket_from_row).optional()?)
}

/// The ticket a number names: the number within a client and the prefix (case-insensitively)
/// must match, and the client too when `client` is given (the ticket API of one client never
/// sees another's tickets). Without `client` (the agent's CLI) the oldest match wins; client
/// prefixes are unique in a configuration, so there is at most one.
///
/// # Errors
/// SQLite errors.
pub fn ticket_by_number(
    conn: &Connection,
    text: &str,
    client: Option<&str>,
) -> Result<Option<TicketRecord>, StoreError> {
    let Some((prefix, seq)) = parse_number(text) else {
        return Ok(None);
    };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {TICKET_COLUMNS} FROM tickets
         WHERE seq = ?1 AND prefix = ?2 COLLATE NOCASE AND (?3 IS NULL OR client = ?3)
         ORDER BY id LIMIT 1"
    ))?;
    Ok(stmt
        .query_row(params![seq, prefix, client], ticket_from_row)
        .optional()?)
}

/// A ticket's replies, oldest first.
///
/// # Errors
/// SQLite errors.
pub fn replies(conn: &Connection, ticket_id: i64) -> Result<Vec<Reply>, StoreError> {
    let mut stmt = conn
        .prepare_cached("SELECT at, author, body FROM replies WHERE ticket_id = ?1 ORDER BY id")?;
    let rows = stmt.query_map([ticket_id], |row| {
        Ok(Reply {
            at: row.get(0)?,
            author: row.get(1)?,
            body: row.get(2)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A ticket's attachments, in the order they were sent.
///
/// # Errors
/// SQLite errors.
pub fn attachments(conn: &Connection, ticket_id: i64) -> Result<Vec<Attachment>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT name, mime, bytes, path FROM attachments WHERE ticket_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([ticket_id], |row| {
        Ok(Attachment {
            name: row.get(0)?,
            mime: row.get(1)?,
            bytes: row.get(2)?,
            path: row.get(3)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// True when an idempotency key has been used.
///
/// # Errors
/// SQLite errors.
pub fn key_exists(conn: &Connection, key: &str) -> Result<bool, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT 1 FROM idempotency WHERE key = ?1")?;
    Ok(stmt.exists([key])?)
}

/// Which tickets `list` shows.
#[derive(Clone, Debug, Default)]
pub struct ListFilter {
    /// Only this status.
    pub status: Option<String>,
    /// Only tickets still waiting for a first response past their due time.
    pub overdue_at: Option<i64>,
    /// Only tickets filed while this maintenance window or notice was active on the page.
    pub notice: Option<String>,
    /// Only tickets of this client (`""`: those of `--feed` mode).
    pub client: Option<String>,
}

/// Tickets, oldest first.
///
/// # Errors
/// SQLite errors.
pub fn list(conn: &Connection, filter: &ListFilter) -> Result<Vec<TicketRecord>, StoreError> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {TICKET_COLUMNS} FROM tickets
         WHERE (?1 IS NULL OR status = ?1)
           AND (?2 IS NULL OR (status = 'open' AND response_due_at <= ?2))
           AND (?3 IS NULL OR id IN (SELECT ticket_id FROM ticket_notices WHERE notice_id = ?3))
           AND (?4 IS NULL OR client = ?4)
         ORDER BY id"
    ))?;
    let rows = stmt.query_map(
        params![
            filter.status,
            filter.overdue_at,
            filter.notice,
            filter.client
        ],
        ticket_from_row,
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Escalates (level 1, with the time) each critical ticket still open or pending that was
/// not answered by its response target or is unresolved [`ESCALATE_AFTER_SECONDS`] after
/// creation, and queues the e-mail to its client's `escalation_email` and a `ticket.updated`
/// webhook event in the same transaction, so that each escalation is told once. Returns how many changed. Idempotent.
///
/// # Errors
/// SQLite errors.
pub fn escalate(conn: &Connection, now: i64) -> Result<usize, StoreError> {
    // A savepoint, so it is one transaction in the agent's CLI and nests in the writer's.
    conn.execute_batch("SAVEPOINT escalate")?;
    let result = escalate_in(conn, now);
    let end = if result.is_ok() {
        "RELEASE escalate"
    } else {
        "ROLLBACK TO escalate; RELEASE escalate"
    };
    conn.execute_batch(end)?;
    result
}

fn escalate_in(conn: &Connection, now: i64) -> Result<usize, StoreError> {
    // `unanswered`: still `open` (a reply makes it `pending`) past its response target.
    let due: Vec<(i64, bool)> = conn
        .prepare_cached(
            "SELECT id, status = 'open' AND response_due_at <= ?1 FROM tickets
             WHERE priority = ?2 AND status IN ('open', 'pending') AND escalation_level = 0
               AND (created_at <= ?3 OR (status = 'open' AND response_due_at <= ?1))
             ORDER BY id",
        )?
        .query_map(
            params![now, ESCALATING_PRIORITY, now - ESCALATE_AFTER_SECONDS],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?
        .collect::<Result<_, _>>()?;
    for (id, unanswered) in &due {
        conn.prepare_cached(
            "UPDATE tickets SET escalation_level = 1, escalated_at = ?2 WHERE id = ?1",
        )?
        .execute(params![id, now])?;
        let reason = if *unanswered {
            "not answered within its response target"
        } else {
            "not resolved 2 hours after it was filed"
        };
        deliveries::enqueue_escalation_email(conn, *id, reason, now)?;
        // Webhook receivers hear of it too, once, in the same transaction: a helpdesk
        // automation can raise the ticket's priority or page the senior team.
        let change = serde_json::json!({ "type": "escalated", "level": 1, "reason": reason });
        if let Some((client, data)) = deliveries::ticket_event_data(conn, *id, Some(change))? {
            deliveries::enqueue_event(conn, &client, "ticket.updated", data, now)?;
        }
    }
    Ok(due.len())
}

/// Forgets the plaintext tokens kept for replays once they are [`REPLAY_TOKEN_SECONDS`] old.
///
/// # Errors
/// SQLite errors.
pub fn purge_replay_tokens(conn: &Connection, now: i64) -> Result<usize, StoreError> {
    let mut stmt = conn.prepare_cached(
        "UPDATE idempotency SET token = NULL WHERE token IS NOT NULL AND token_expires_at <= ?1",
    )?;
    Ok(stmt.execute([now])?)
}

/// What an agent does to a ticket from the CLI.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AgentAction<'a> {
    /// Adds a reply; the ticket becomes `pending` (waiting on the learner).
    Reply(&'a str),
    /// The problem is solved: `resolved`, and the learner may rate it.
    Resolve,
    /// Nothing more to do: `closed`.
    Close,
}

/// Why an agent's action was refused.
#[derive(Debug)]
pub enum ActionError {
    /// The ticket is closed; nothing can change it.
    Closed,
    /// An inbound hook's delivery id was seen before.
    Replay,
    /// The store failed.
    Store(StoreError),
}

impl From<rusqlite::Error> for ActionError {
    fn from(e: rusqlite::Error) -> ActionError {
        ActionError::Store(StoreError::Sqlite(e))
    }
}

/// Applies an agent's action to ticket `id` at `now`, in one transaction.
///
/// # Errors
/// [`ActionError::Closed`] for a closed ticket; store errors.
pub fn apply(
    conn: &mut Connection,
    id: i64,
    action: AgentAction<'_>,
    now: i64,
) -> Result<(), ActionError> {
    apply_as(conn, id, action, "agent", None, now)
}

/// [`apply`], with a reply signed by `author` (a helpdesk hook names its agent), and for an
/// inbound hook its `(client, delivery id)`, remembered in the same transaction so that a
/// replay changes nothing. Queues the `ticket.updated` webhooks in that transaction too.
///
/// # Errors
/// [`ActionError::Closed`] for a closed ticket, [`ActionError::Replay`] for a delivery id seen
/// before; store errors.
pub fn apply_as(
    conn: &mut Connection,
    id: i64,
    action: AgentAction<'_>,
    author: &str,
    hook: Option<(&str, &str)>,
    now: i64,
) -> Result<(), ActionError> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    if let Some((client, delivery_id)) = hook {
        if !deliveries::remember_hook_id(&tx, client, delivery_id, now)
            .map_err(ActionError::Store)?
        {
            return Err(ActionError::Replay);
        }
    }
    let status: Option<String> = tx
        .query_row("SELECT status FROM tickets WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()?;
    if status.as_deref() == Some("closed") {
        return Err(ActionError::Closed);
    }
    match action {
        AgentAction::Reply(body) => {
            tx.execute(
                "INSERT INTO replies (ticket_id, at, author, body) VALUES (?1, ?2, ?3, ?4)",
                params![id, now, author, body],
            )?;
            tx.execute(
                "UPDATE tickets SET status = 'pending', updated_at = ?2, resolved_at = NULL WHERE id = ?1",
                params![id, now],
            )?;
        }
        AgentAction::Resolve => {
            tx.execute(
                "UPDATE tickets SET status = 'resolved', updated_at = ?2,
                        resolved_at = COALESCE(resolved_at, ?2) WHERE id = ?1",
                params![id, now],
            )?;
        }
        AgentAction::Close => {
            tx.execute(
                "UPDATE tickets SET status = 'closed', updated_at = ?2, closed_at = ?2 WHERE id = ?1",
                params![id, now],
            )?;
        }
    }
    let (change, news) = agent_change(action, author, status.as_deref());
    if let Some(news) = news {
        deliveries::enqueue_learner_email(&tx, id, news, now).map_err(ActionError::Store)?;
    }
    if let Some((client, data)) =
        deliveries::ticket_event_data(&tx, id, Some(change)).map_err(ActionError::Store)?
    {
        deliveries::enqueue_event(&tx, &client, "ticket.updated", data, now)
            .map_err(ActionError::Store)?;
    }
    tx.commit()?;
    Ok(())
}

/// What an agent's `action` on a ticket that was `status` tells webhooks (the `change`) and
/// the learner by e-mail (a reply or the resolution; closing tells them nothing new).
pub fn agent_change<'a>(
    action: AgentAction<'a>,
    author: &str,
    status: Option<&str>,
) -> (serde_json::Value, Option<deliveries::LearnerNews<'a>>) {
    let change = match action {
        AgentAction::Reply(body) => {
            serde_json::json!({ "type": "reply", "author": author, "body": body })
        }
        AgentAction::Resolve => serde_json::json!({ "type": "status", "status": "resolved" }),
        AgentAction::Close => serde_json::json!({ "type": "status", "status": "closed" }),
    };
    let news = match action {
        AgentAction::Reply(body) => Some(deliveries::LearnerNews::Reply(body)),
        AgentAction::Resolve if status != Some("resolved") => {
            Some(deliveries::LearnerNews::Resolved(None))
        }
        AgentAction::Resolve | AgentAction::Close => None,
    };
    (change, news)
}

/// An instant as RFC 3339 UTC text, `2026-12-06T05:00:00Z`.
pub fn rfc3339(seconds: i64) -> String {
    Timestamp(seconds).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_format_and_parse() {
        assert_eq!(number("ACME", 123), "ACME-000123");
        assert_eq!(number("ACME", 1_234_567), "ACME-1234567");
        assert_eq!(parse_number("ACME-000123"), Some(("ACME", 123)));
        assert_eq!(parse_number(" acme-7 "), Some(("acme", 7)));
        assert_eq!(parse_number("MY-UNI-000001"), Some(("MY-UNI", 1)));
        for bad in [
            "",
            "ACME",
            "ACME-",
            "-12",
            "ACME-0",
            "ACME-12a",
            "ACME-+12",
            "ACME-99999999999999999999",
        ] {
            assert_eq!(parse_number(bad), None, "{bad:?}");
        }
        assert!(is_valid_prefix("ACME"));
        assert!(!is_valid_prefix(""));
        assert!(!is_valid_prefix("AC-ME"));
        assert!(!is_valid_prefix("ÁCME"));
    }

    #[test]
    fn context_round_trips_in_order() {
        let context = vec![
            ("page".to_string(), "https://lms.example/x".to_string()),
            ("course".to_string(), "Biología \"101\"".to_string()),
        ];
        assert_eq!(context_from_json(&context_to_json(&context)), context);
        assert_eq!(context_from_json("not json"), Vec::new());
    }
}
