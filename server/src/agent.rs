//! `lms-support tickets …`: an agent works tickets from the command line, on the same
//! database the server writes (`--data DIR`, default `./data`, or `--database postgres://…`),
//! while the server runs.
//!
//! `list` and `show` first escalate overdue critical tickets, as the server does every 30 s,
//! so an agent never sees a stale escalation level. Exit statuses: 0 done, 1 no such ticket,
//! a closed ticket, or a database problem, 2 bad usage.
//!
//! The clock is the system's; tests set `LMS_SUPPORT_NOW` (RFC 3339) to move it. Nothing else
//! reads that variable.

use crate::output;
use crate::store::{self, pg, ActionError, AgentAction, ListFilter, TicketRecord};
use lms_support_widget::ticket;
use lms_support_widget::time::Timestamp;
use rusqlite::Connection;
use std::fmt::Write as _;
use std::path::Path;

/// The statuses a ticket can have, for `--status`.
pub const STATUSES: [&str; 4] = ["open", "pending", "resolved", "closed"];

/// What the agent asked for.
#[derive(Clone, Debug)]
pub enum Action {
    /// `list [--status S] [--overdue]`.
    List {
        /// Only this status.
        status: Option<String>,
        /// Only open tickets past their response target.
        overdue: bool,
        /// Only tickets filed while this notice showed.
        notice: Option<String>,
        /// Only tickets of this client.
        client: Option<String>,
    },
    /// `show N`.
    Show(String),
    /// `reply N TEXT`.
    Reply(String, String),
    /// `resolve N`.
    Resolve(String),
    /// `close N`.
    Close(String),
}

/// Runs an action on the database in `data`, or on PostgreSQL at `database`; returns the exit
/// status.
pub fn run(data: &Path, database: Option<&str>, action: Action) -> u8 {
    let now = match now() {
        Ok(now) => now,
        Err(message) => {
            output::stderr(&format!("{message}\n"));
            return 2;
        }
    };
    if let Action::List {
        status: Some(status),
        ..
    } = &action
    {
        if !STATUSES.contains(&status.as_str()) {
            output::stderr(&format!(
                "unknown status {status:?}: use one of {}\n",
                STATUSES.join(", ")
            ));
            return 2;
        }
    }
    if let Action::Reply(_, text) = &action {
        if text.trim().is_empty() {
            output::stderr("the reply is empty\n");
            return 2;
        }
    }
    if let Some(url) = database {
        return finish(on_postgres(url, &action, now));
    }
    let path = store::db_path(data);
    let mut conn = match store::open_existing(&path) {
        Ok(Some(conn)) => conn,
        Ok(None) => {
            output::stderr(&format!(
                "no ticket database at {}; start `lms-support serve --data {}` first, or pass --data DIR\n",
                path.display(),
                data.display()
            ));
            return 1;
        }
        Err(e) => {
            output::stderr(&format!("cannot open {}: {e}\n", path.display()));
            return 1;
        }
    };
    finish(execute(&mut conn, &action, now))
}

fn finish(result: Result<String, String>) -> u8 {
    match result {
        Ok(text) => {
            output::stdout(&text);
            0
        }
        Err(message) => {
            output::stderr(&format!("{message}\n"));
            1
        }
    }
}

/// [`execute`] on PostgreSQL: the same actions and output, with the store's PostgreSQL
/// queries (no e-mail is queued there yet).
fn on_postgres(url: &str, action: &Action, now: i64) -> Result<String, String> {
    let runtime = pg::cli_runtime(url)?;
    runtime.block_on(async {
        let db_error = |e: store::StoreError| format!("database error: {e}");
        let mut db = pg::connect_migrated(url)
            .await
            .map_err(|e| format!("cannot open the PostgreSQL database: {e}"))?;
        let find = |number: String| {
            let db = &db;
            async move {
                pg::ticket_by_number(db, &number, None)
                    .await
                    .map_err(db_error)?
                    .ok_or_else(|| {
                        format!("no ticket {number:?}; `lms-support tickets list` shows them all")
                    })
            }
        };
        let change = match action {
            Action::List {
                status,
                overdue,
                notice,
                client,
            } => {
                pg::escalate(&db, now).await.map_err(db_error)?;
                let filter = ListFilter {
                    status: status.clone(),
                    overdue_at: overdue.then_some(now),
                    notice: notice.clone(),
                    client: client.clone(),
                };
                return Ok(table(&pg::list(&db, &filter).await.map_err(db_error)?));
            }
            Action::Show(number) => {
                pg::escalate(&db, now).await.map_err(db_error)?;
                let ticket = find(number.clone()).await?;
                let replies = pg::replies(&db, ticket.id).await.map_err(db_error)?;
                let files = pg::attachments(&db, ticket.id).await.map_err(db_error)?;
                return Ok(details(&ticket, &replies, &files, now));
            }
            Action::Reply(number, text) => (number, AgentAction::Reply(text.trim())),
            Action::Resolve(number) => (number, AgentAction::Resolve),
            Action::Close(number) => (number, AgentAction::Close),
        };
        let (number, agent_action) = change;
        let ticket = find(number.clone()).await?;
        pg::apply(&mut db, ticket.id, agent_action, now)
            .await
            .map_err(|e| action_error(&ticket, e))?;
        Ok(done(&ticket, agent_action))
    })
}

/// What the CLI says after an agent's action.
fn done(ticket: &TicketRecord, action: AgentAction<'_>) -> String {
    match action {
        AgentAction::Reply(_) => format!("{}: reply added; status pending\n", ticket.number()),
        AgentAction::Resolve => format!("{}: resolved\n", ticket.number()),
        AgentAction::Close => format!("{}: closed\n", ticket.number()),
    }
}

fn action_error(ticket: &TicketRecord, e: ActionError) -> String {
    match e {
        ActionError::Closed => format!("{} is closed; it cannot change", ticket.number()),
        ActionError::Store(e) => format!("database error: {e}"),
        // Only inbound hooks carry a delivery id.
        ActionError::Replay => "already applied".to_string(),
    }
}

/// The clock of the CLI: `LMS_SUPPORT_NOW` when set (tests), else the system's.
///
/// # Errors
/// The message for an unreadable `LMS_SUPPORT_NOW`.
pub fn now() -> Result<i64, String> {
    match std::env::var("LMS_SUPPORT_NOW") {
        Ok(text) => Timestamp::parse_rfc3339(&text)
            .map(Timestamp::seconds)
            .map_err(|e| format!("invalid LMS_SUPPORT_NOW: {e}")),
        Err(_) => Ok(crate::clock::now().seconds()),
    }
}

fn execute(conn: &mut Connection, action: &Action, now: i64) -> Result<String, String> {
    let db_error = |e: store::StoreError| format!("database error: {e}");
    match action {
        Action::List {
            status,
            overdue,
            notice,
            client,
        } => {
            store::escalate(conn, now).map_err(db_error)?;
            let filter = ListFilter {
                status: status.clone(),
                overdue_at: overdue.then_some(now),
                notice: notice.clone(),
                client: client.clone(),
            };
            let tickets = store::list(conn, &filter).map_err(db_error)?;
            Ok(table(&tickets))
        }
        Action::Show(number) => {
            store::escalate(conn, now).map_err(db_error)?;
            let ticket = find(conn, number)?;
            let replies = store::replies(conn, ticket.id).map_err(db_error)?;
            let files = store::attachments(conn, ticket.id).map_err(db_error)?;
            Ok(details(&ticket, &replies, &files, now))
        }
        Action::Reply(number, text) => {
            let ticket = find(conn, number)?;
            let action = AgentAction::Reply(text.trim());
            act(conn, &ticket, action, now)?;
            Ok(done(&ticket, action))
        }
        Action::Resolve(number) => {
            let ticket = find(conn, number)?;
            act(conn, &ticket, AgentAction::Resolve, now)?;
            Ok(done(&ticket, AgentAction::Resolve))
        }
        Action::Close(number) => {
            let ticket = find(conn, number)?;
            act(conn, &ticket, AgentAction::Close, now)?;
            Ok(done(&ticket, AgentAction::Close))
        }
    }
}

fn find(conn: &Connection, number: &str) -> Result<TicketRecord, String> {
    store::ticket_by_number(conn, number, None)
        .map_err(|e| format!("database error: {e}"))?
        .ok_or_else(|| format!("no ticket {number:?}; `lms-support tickets list` shows them all"))
}

fn act(
    conn: &mut Connection,
    ticket: &TicketRecord,
    action: AgentAction<'_>,
    now: i64,
) -> Result<(), String> {
    store::apply(conn, ticket.id, action, now).map_err(|e| action_error(ticket, e))
}

/// Most characters of a subject the table shows.
const SUBJECT_COLUMN: usize = 60;

fn table(tickets: &[TicketRecord]) -> String {
    if tickets.is_empty() {
        return "no tickets\n".to_string();
    }
    let mut rows = vec![[
        "NUMBER".to_string(),
        "STATUS".to_string(),
        "PRIORITY".to_string(),
        "DUE".to_string(),
        "ESCALATED".to_string(),
        "SUBJECT".to_string(),
    ]];
    for t in tickets {
        let subject = if t.subject().chars().nth(SUBJECT_COLUMN).is_some() {
            let cut: String = t.subject().chars().take(SUBJECT_COLUMN - 1).collect();
            format!("{cut}…")
        } else {
            t.subject().to_string()
        };
        rows.push([
            t.number(),
            t.status.clone(),
            t.priority().to_string(),
            store::rfc3339(t.response_due_at),
            escalation(t),
            subject,
        ]);
    }
    let mut widths = [0usize; 6];
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in &rows {
        let mut line = String::new();
        for (i, (cell, width)) in row.iter().zip(widths).enumerate() {
            if i + 1 == row.len() {
                line.push_str(cell);
            } else {
                let _ = write!(line, "{cell:<width$}  ");
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn escalation(t: &TicketRecord) -> String {
    match (t.escalation_level, t.escalated_at) {
        (0, _) => "-".to_string(),
        (level, Some(at)) => format!("L{level} {}", store::rfc3339(at)),
        (level, None) => format!("L{level}"),
    }
}

/// The stored text fields [`details`] gives a place of their own.
const LAID_OUT: [&str; 7] = [
    ticket::field::PRIORITY,
    ticket::field::SUBJECT,
    ticket::field::CATEGORY,
    ticket::field::NAME,
    ticket::field::EMAIL,
    ticket::field::LOCALE,
    ticket::field::DESCRIPTION,
];

fn details(
    t: &TicketRecord,
    replies: &[store::Reply],
    files: &[store::Attachment],
    now: i64,
) -> String {
    let optional = |at: Option<i64>| at.map_or_else(|| "-".to_string(), store::rfc3339);
    let overdue = if t.status == "open" && t.response_due_at <= now {
        " (overdue)"
    } else {
        ""
    };
    let from = if t.name().is_empty() {
        t.email().to_string()
    } else {
        format!("{} <{}>", t.name(), t.email())
    };
    let mut out = String::new();
    let _ = writeln!(out, "{}  {}  {}", t.number(), t.status, t.priority());
    let mut field = |label: &str, value: &str| {
        let value = if value.is_empty() { "-" } else { value };
        let _ = writeln!(out, "{:<14}{value}", format!("{label}:"));
    };
    field(ticket::field::SUBJECT, t.subject());
    field(ticket::field::CATEGORY, t.category());
    field("from", &from);
    field(ticket::field::LOCALE, t.locale());
    // A field that has no place above is listed under its name, so a new one shows.
    for (name, value) in t.text_fields() {
        if !LAID_OUT.contains(&name) {
            field(name, value);
        }
    }
    field("created", &store::rfc3339(t.created_at));
    field(
        "response due",
        &format!("{}{overdue}", store::rfc3339(t.response_due_at)),
    );
    field("updated", &store::rfc3339(t.updated_at));
    field("resolved", &optional(t.resolved_at));
    field("closed", &optional(t.closed_at));
    field(
        "escalation",
        &match (t.escalation_level, t.escalated_at) {
            (0, _) => "none".to_string(),
            (level, at) => format!("level {level} since {}", optional(at)),
        },
    );
    field(
        "feedback",
        &match t.rating {
            None => "none".to_string(),
            Some(rating) => match t.feedback_comment.as_deref() {
                Some(c) if !c.is_empty() => format!("{rating}/5 {c:?}"),
                _ => format!("{rating}/5"),
            },
        },
    );
    out.push_str("context:\n");
    if t.context.is_empty() {
        out.push_str("  -\n");
    }
    for (key, value) in &t.context {
        let _ = writeln!(out, "  {key}: {value}");
    }
    out.push_str("attachments:\n");
    if files.is_empty() {
        out.push_str("  -\n");
    }
    for f in files {
        let _ = writeln!(
            out,
            "  {} ({}, {} bytes) {}",
            f.name, f.mime, f.bytes, f.path
        );
    }
    out.push_str("description:\n");
    for line in t.description().lines() {
        let _ = writeln!(out, "  {line}");
    }
    out.push_str("replies:\n");
    if replies.is_empty() {
        out.push_str("  -\n");
    }
    for r in replies {
        let _ = writeln!(out, "  {} {}:", store::rfc3339(r.at), r.author);
        for line in r.body.lines() {
            let _ = writeln!(out, "    {line}");
        }
    }
    out
}
