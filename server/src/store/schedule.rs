//! The shared schedule: maintenance windows and notices that target all clients, groups of
//! clients (a fleet such as `eu-1`) or listed clients, as the CLI and the admin API author them.
//!
//! Every operation validates the resulting entry with the widget's own core
//! (`lms_support_widget::feed`), so nothing is stored that `check` would refuse; writes the
//! change, an `audit_log` row (who, when, what, before and after) and a bump of the schedule
//! version in one transaction; and takes the `actor` to record. Learners see a change again
//! after a dismissal only when its revision grows, so every change to the entry itself adds 1.
//!
//! This module owns the SQL of the schedule; handlers and commands call it and never write SQL
//! themselves (another engine will implement the same operations). It knows nothing of the
//! vendor configuration: whether a client exists is the caller's concern.

use super::StoreError;
use lms_support_widget::feed::{self, FeedError};
use lms_support_widget::time::Timestamp;
use lms_support_widget::zone::TzDatabase;
use rusqlite::{params, Connection, OptionalExtension as _, Transaction, TransactionBehavior};
use serde_json::{Map, Value};
use std::fmt;

/// A maintenance window or a notice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A maintenance window (feed section `maintenance`).
    Maintenance,
    /// A notice such as a known issue (feed section `notices`).
    Notice,
}

impl Kind {
    /// The name stored and written in the audit log: `maintenance`, `notice`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Maintenance => "maintenance",
            Kind::Notice => "notice",
        }
    }

    /// The feed section its entries go in.
    pub fn section(self) -> &'static str {
        match self {
            Kind::Maintenance => "maintenance",
            Kind::Notice => "notices",
        }
    }

    /// How messages name it: `maintenance window`, `notice`.
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Maintenance => "maintenance window",
            Kind::Notice => "notice",
        }
    }

    fn parse(text: &str) -> Kind {
        if text == "notice" {
            Kind::Notice
        } else {
            Kind::Maintenance
        }
    }
}

/// Which clients an item is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// Every client.
    All,
    /// Clients in any of these groups.
    Groups(Vec<String>),
    /// These clients.
    Clients(Vec<String>),
}

impl Target {
    /// True when a client with this id and these groups gets the item.
    pub fn applies_to(&self, client: &str, groups: &[String]) -> bool {
        match self {
            Target::All => true,
            Target::Groups(names) => names.iter().any(|g| groups.contains(g)),
            Target::Clients(ids) => ids.iter().any(|c| c == client),
        }
    }

    /// `all`, `groups` or `clients`.
    pub fn kind_str(&self) -> &'static str {
        match self {
            Target::All => "all",
            Target::Groups(_) => "groups",
            Target::Clients(_) => "clients",
        }
    }

    /// The group or client ids (empty for all).
    pub fn names(&self) -> &[String] {
        match self {
            Target::All => &[],
            Target::Groups(names) | Target::Clients(names) => names,
        }
    }

    /// As JSON: `{"all": true}`, `{"groups": [...]}`, `{"clients": [...]}`.
    pub fn to_json(&self) -> Value {
        match self {
            Target::All => serde_json::json!({ "all": true }),
            Target::Groups(g) => serde_json::json!({ "groups": g }),
            Target::Clients(c) => serde_json::json!({ "clients": c }),
        }
    }

    fn from_row(kind: &str, names: &str) -> Target {
        let names: Vec<String> = serde_json::from_str(names).unwrap_or_default();
        match kind {
            "groups" => Target::Groups(names),
            "clients" => Target::Clients(names),
            _ => Target::All,
        }
    }

    fn validate(&self) -> Result<(), ScheduleError> {
        let field = self.kind_str();
        if matches!(self, Target::Groups(n) | Target::Clients(n) if n.is_empty()) {
            return Err(ScheduleError::invalid(
                field,
                format!("\"{field}\" must list at least one id"),
            ));
        }
        match self.names().iter().find(|n| !is_valid_id(n)) {
            Some(bad) => Err(ScheduleError::invalid(
                field,
                format!("{bad:?} is not a valid id: use 1 to 64 letters, digits, '-', '_' or '.'"),
            )),
            None => Ok(()),
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::All => f.write_str("all clients"),
            Target::Groups(g) => write!(f, "group {}", g.join(", ")),
            Target::Clients(c) => write!(f, "client {}", c.join(", ")),
        }
    }
}

/// An id of a client, group or schedule item: 1 to 64 ASCII letters, digits, `-`, `_`, `.`.
pub fn is_valid_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// A maintenance window or notice as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    /// Its id, the feed entry's `id`.
    pub id: String,
    /// Window or notice.
    pub kind: Kind,
    /// Who gets it.
    pub target: Target,
    /// The feed entry (design §3), with `id`, `revision` and `status`.
    pub entry: Map<String, Value>,
    /// The entry's revision.
    pub revision: i64,
    /// The entry's status (`scheduled`, `cancelled`, `investigating`, …, `resolved`).
    pub status: String,
    /// When it was created.
    pub created_at: i64,
    /// When it last changed.
    pub updated_at: i64,
}

impl Item {
    /// The whole record as JSON, as the audit log and the admin API show it.
    pub fn to_json(&self) -> Value {
        serde_json::json!({
            "id": self.id,
            "kind": self.kind.as_str(),
            "target": self.target.to_json(),
            "revision": self.revision,
            "status": self.status,
            "entry": Value::Object(self.entry.clone()),
            "created_at": super::rfc3339(self.created_at),
            "updated_at": super::rfc3339(self.updated_at),
        })
    }

    /// `starts_at` and `ends_at` of a one-off window, when it is one.
    pub fn once_range(&self) -> Option<(Timestamp, Timestamp)> {
        let at = |key| {
            self.entry
                .get(key)
                .and_then(Value::as_str)
                .and_then(|s| Timestamp::parse_rfc3339(s).ok())
        };
        Some((at("starts_at")?, at("ends_at")?))
    }
}

/// Why a schedule operation was refused.
#[derive(Debug)]
pub enum ScheduleError {
    /// The entry (or the target) is not valid; `field` names the field, `message` is the
    /// core's sentence, which names it too.
    Invalid {
        /// The field: `ends_at`, `title`, `groups`, … (the admin API's `422` names it).
        #[allow(dead_code)]
        field: String,
        /// What is wrong.
        message: String,
    },
    /// No item of that kind with that id.
    NotFound {
        /// What was looked for.
        kind: Kind,
        /// Its id.
        id: String,
    },
    /// An item with that id exists already.
    Exists(String),
    /// The item cannot change this way (a cancelled window, a resolved notice).
    Conflict(String),
    /// The store failed.
    Store(StoreError),
}

impl ScheduleError {
    fn invalid(field: &str, message: String) -> ScheduleError {
        ScheduleError::Invalid {
            field: field.to_string(),
            message,
        }
    }
}

impl fmt::Display for ScheduleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScheduleError::Invalid { message, .. } => f.write_str(message),
            ScheduleError::NotFound { kind, id } => write!(f, "no {} {id:?}", kind.noun()),
            ScheduleError::Exists(id) => {
                write!(f, "a maintenance window or notice {id:?} already exists")
            }
            ScheduleError::Conflict(message) => f.write_str(message),
            ScheduleError::Store(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for ScheduleError {}

impl From<rusqlite::Error> for ScheduleError {
    fn from(e: rusqlite::Error) -> ScheduleError {
        ScheduleError::Store(StoreError::Sqlite(e))
    }
}

impl From<StoreError> for ScheduleError {
    fn from(e: StoreError) -> ScheduleError {
        ScheduleError::Store(e)
    }
}

/// Checks one entry the way the widget reads it: the core parses a feed holding only this
/// entry; its first problem (or an unknown field, which authoring does not let through)
/// becomes the error.
///
/// # Errors
/// [`ScheduleError::Invalid`] naming the field.
pub fn validate_entry(kind: Kind, entry: &Map<String, Value>) -> Result<(), ScheduleError> {
    let section = kind.section();
    let feed = serde_json::json!({ "version": 1, section: [Value::Object(entry.clone())] });
    let parsed = feed::parse(&feed.to_string(), &TzDatabase).map_err(|e| match e {
        FeedError::TooLarge(m) => ScheduleError::invalid("entry", format!("too large: {m}")),
        other => ScheduleError::invalid("entry", other.to_string()),
    })?;
    if let Some(problem) = parsed.problems.first() {
        let field = quoted_field(&problem.message).unwrap_or("entry");
        return Err(ScheduleError::invalid(field, problem.message.clone()));
    }
    let prefix = format!("{section}[0].");
    if let Some(path) = parsed.unknown_fields.first() {
        let field = path.strip_prefix(&prefix).unwrap_or(path);
        return Err(ScheduleError::invalid(
            field,
            format!("unknown field {field:?}"),
        ));
    }
    Ok(())
}

/// The first `"quoted"` word of a core message, which is the field it is about
/// (`"ends_at" must be after "starts_at"`, `missing "title"`).
fn quoted_field(message: &str) -> Option<&str> {
    let start = message.find('"')? + 1;
    let len = message[start..].find('"')?;
    Some(&message[start..start + len]).filter(|f| is_valid_id(f))
}

/// The `schedule` columns in the order [`Item::from_columns`] takes them.
pub const ITEM_COLUMNS: &str =
    "id, kind, target_kind, targets, entry, revision, status, created_at, updated_at";

fn item_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Item> {
    let kind: String = row.get(1)?;
    let target_kind: String = row.get(2)?;
    let targets: String = row.get(3)?;
    let entry: String = row.get(4)?;
    Ok(Item::from_columns(
        row.get(0)?,
        [&kind, &target_kind, &targets, &entry],
        row.get(5)?,
        row.get(6)?,
        [row.get(7)?, row.get(8)?],
    ))
}

impl Item {
    /// An item from the `schedule` table's columns as text (`kind`, `target_kind`, `targets`,
    /// `entry`) and numbers, whichever engine read them.
    pub fn from_columns(
        id: String,
        [kind, target_kind, targets, entry]: [&str; 4],
        revision: i64,
        status: String,
        [created_at, updated_at]: [i64; 2],
    ) -> Item {
        Item {
            id,
            kind: Kind::parse(kind),
            target: Target::from_row(target_kind, targets),
            entry: match serde_json::from_str(entry) {
                Ok(Value::Object(map)) => map,
                _ => Map::new(),
            },
            revision,
            status,
            created_at,
            updated_at,
        }
    }
}

/// The item with this id, of any kind.
///
/// # Errors
/// SQLite errors.
pub fn get(conn: &Connection, id: &str) -> Result<Option<Item>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ITEM_COLUMNS} FROM schedule WHERE id = ?1"
    ))?;
    Ok(stmt.query_row([id], item_from_row).optional()?)
}

/// Every item (of one kind, or all), oldest first.
///
/// # Errors
/// SQLite errors.
pub fn list(conn: &Connection, kind: Option<Kind>) -> Result<Vec<Item>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ITEM_COLUMNS} FROM schedule WHERE (?1 IS NULL OR kind = ?1)
         ORDER BY created_at, id"
    ))?;
    let rows = stmt.query_map([kind.map(Kind::as_str)], item_from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A number that grows with every schedule change, for caches to compare.
///
/// # Errors
/// SQLite errors.
pub fn version(conn: &Connection) -> Result<i64, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT version FROM schedule_version WHERE id = 1")?;
    Ok(stmt.query_row([], |r| r.get(0))?)
}

/// Adds a window or posts a notice: revision 1, status `scheduled` (window) or
/// `investigating` (notice) unless the entry gives one, and an id made up when it has none
/// (`mw-3`, `notice-7`).
///
/// # Errors
/// [`ScheduleError::Invalid`], [`ScheduleError::Exists`], store errors.
pub fn add(
    conn: &mut Connection,
    actor: &str,
    kind: Kind,
    target: Target,
    mut entry: Map<String, Value>,
    now: i64,
) -> Result<Item, ScheduleError> {
    target.validate()?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let id = match entry.get("id") {
        None => fresh_id(&tx, kind)?,
        Some(Value::String(id)) if is_valid_id(id) => id.clone(),
        Some(_) => {
            return Err(ScheduleError::invalid(
                "id",
                "\"id\" must be 1 to 64 letters, digits, '-', '_' or '.'".into(),
            ))
        }
    };
    if get(&tx, &id)?.is_some() {
        return Err(ScheduleError::Exists(id));
    }
    entry.insert("id".into(), Value::String(id.clone()));
    entry.insert("revision".into(), Value::from(1));
    if !entry.contains_key("status") {
        let status = match kind {
            Kind::Maintenance => "scheduled",
            Kind::Notice => "investigating",
        };
        entry.insert("status".into(), Value::String(status.into()));
    }
    validate_entry(kind, &entry)?;
    let item = Item {
        status: status_of(&entry),
        id,
        kind,
        target,
        entry,
        revision: 1,
        created_at: now,
        updated_at: now,
    };
    tx.execute(
        &format!(
            "INSERT INTO schedule ({ITEM_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
        ),
        params![
            item.id,
            kind.as_str(),
            item.target.kind_str(),
            Value::from(item.target.names()).to_string(),
            Value::Object(item.entry.clone()).to_string(),
            item.revision,
            item.status,
            now,
            now
        ],
    )?;
    let action = match kind {
        Kind::Maintenance => "maintenance.add",
        Kind::Notice => "notice.post",
    };
    finish(tx, actor, action, None, &item, now)?;
    Ok(item)
}

/// What an update changes: fields of the entry to set (a `null` removes one) and, when given,
/// a new target.
#[derive(Clone, Debug, Default)]
pub struct Change {
    /// Fields to set in the entry; `id` and `revision` cannot be set.
    pub fields: Map<String, Value>,
    /// The new target, if it changes.
    pub target: Option<Target>,
}

/// Updates a window or notice. A change to the entry adds 1 to its revision, so learners who
/// dismissed it see it again; a change of target alone does not.
///
/// # Errors
/// [`ScheduleError::NotFound`], [`ScheduleError::Invalid`], [`ScheduleError::Conflict`] for a
/// cancelled window or a resolved notice; store errors.
pub fn update(
    conn: &mut Connection,
    actor: &str,
    kind: Kind,
    id: &str,
    change: Change,
    now: i64,
) -> Result<Item, ScheduleError> {
    let action = match kind {
        Kind::Maintenance => "maintenance.update",
        Kind::Notice => "notice.update",
    };
    modify(conn, actor, kind, id, action, now, |_, _| Ok(change))
}

/// Moves the end of a one-off window to `ends_at`, which must be later than its current end.
///
/// # Errors
/// As [`update`]; [`ScheduleError::Invalid`] (`ends_at`) for a recurring window or an end that
/// is not later.
pub fn extend(
    conn: &mut Connection,
    actor: &str,
    id: &str,
    ends_at: Timestamp,
    now: i64,
) -> Result<Item, ScheduleError> {
    modify(
        conn,
        actor,
        Kind::Maintenance,
        id,
        "maintenance.extend",
        now,
        |item, _| {
            let Some((_, current)) = item.once_range() else {
                return Err(ScheduleError::invalid(
                    "ends_at",
                    format!("{id:?} is a recurring window; change it with update"),
                ));
            };
            if ends_at <= current {
                return Err(ScheduleError::invalid(
                    "ends_at",
                    format!("the new end {ends_at} must be later than the current end {current}"),
                ));
            }
            let mut change = Change::default();
            change
                .fields
                .insert("ends_at".into(), Value::String(ends_at.to_string()));
            Ok(change)
        },
    )
}

/// Cancels a window: status `cancelled`, a new revision (learners see "cancelled").
///
/// # Errors
/// As [`update`].
pub fn cancel(
    conn: &mut Connection,
    actor: &str,
    id: &str,
    now: i64,
) -> Result<Item, ScheduleError> {
    modify(
        conn,
        actor,
        Kind::Maintenance,
        id,
        "maintenance.cancel",
        now,
        |_, _| {
            let mut change = Change::default();
            change
                .fields
                .insert("status".into(), Value::String("cancelled".into()));
            Ok(change)
        },
    )
}

/// What resolving a notice did.
#[derive(Clone, Debug, PartialEq)]
pub struct Resolved {
    /// The notice, now `resolved`.
    pub item: Item,
    /// Numbers of the tickets resolved with it (`ACME-000012`), oldest first.
    pub tickets: Vec<String>,
}

/// Resolves a notice. With `resolve_tickets`, `message` is added as an agent's reply to every
/// open or pending ticket filed while the notice was on the learner's page, and those tickets
/// are resolved (so each learner sees it in My tickets and can rate it); all in one
/// transaction.
///
/// # Errors
/// As [`update`]; [`ScheduleError::Invalid`] (`message`) when tickets are to be resolved
/// without a message.
pub fn resolve_notice(
    conn: &mut Connection,
    actor: &str,
    id: &str,
    message: Option<&str>,
    resolve_tickets: bool,
    now: i64,
) -> Result<Resolved, ScheduleError> {
    let message = resolution_message(message, resolve_tickets)?;
    let mut resolved = Vec::new();
    let item = modify(
        conn,
        actor,
        Kind::Notice,
        id,
        "notice.resolve",
        now,
        |_, tx| {
            if let (true, Some(message)) = (resolve_tickets, message) {
                resolved = resolve_linked_tickets(tx, actor, id, message, now)?;
            }
            let mut change = Change::default();
            change
                .fields
                .insert("status".into(), Value::String("resolved".into()));
            Ok(change)
        },
    )?;
    Ok(Resolved {
        item,
        tickets: resolved,
    })
}

/// The message of a notice's resolution, trimmed (`None` when empty); refused when the
/// notice's tickets are to be resolved without one (both engines check it first).
///
/// # Errors
/// [`ScheduleError::Invalid`] (`message`).
pub(crate) fn resolution_message(
    message: Option<&str>,
    resolve_tickets: bool,
) -> Result<Option<&str>, ScheduleError> {
    let message = message.map(str::trim).filter(|m| !m.is_empty());
    if resolve_tickets && message.is_none() {
        return Err(ScheduleError::invalid(
            "message",
            "resolving the notice's tickets needs a message for the learners".into(),
        ));
    }
    Ok(message)
}

/// The `ticket.updated` change of a ticket resolved with `notice`.
pub(crate) fn resolved_with_notice(notice: &str, message: &str) -> Value {
    serde_json::json!({
        "type": "status", "status": "resolved", "notice": notice,
        "reply": { "author": "agent", "body": message },
    })
}

/// The `after` of the `tickets.resolve` audit row: the message and the tickets' numbers.
pub(crate) fn tickets_resolved_audit(message: &str, numbers: &[String]) -> String {
    serde_json::json!({ "message": message, "tickets": numbers }).to_string()
}

/// Replies to and resolves the open tickets linked to `notice`, with one audit row
/// (`tickets.resolve`) naming them and the message.
fn resolve_linked_tickets(
    tx: &Transaction<'_>,
    actor: &str,
    notice: &str,
    message: &str,
    now: i64,
) -> Result<Vec<String>, ScheduleError> {
    let open: Vec<(i64, String, i64)> = tx
        .prepare(
            "SELECT t.id, t.prefix, t.seq FROM tickets t
             JOIN ticket_notices n ON n.ticket_id = t.id
             WHERE n.notice_id = ?1 AND t.status IN ('open', 'pending')
             ORDER BY t.id",
        )?
        .query_map([notice], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    for (id, _, _) in &open {
        tx.execute(
            "INSERT INTO replies (ticket_id, at, author, body) VALUES (?1, ?2, 'agent', ?3)",
            params![id, now, message],
        )?;
        tx.execute(
            "UPDATE tickets SET status = 'resolved', updated_at = ?2,
                    resolved_at = COALESCE(resolved_at, ?2) WHERE id = ?1",
            params![id, now],
        )?;
        // One `ticket.updated` per ticket, in this transaction like the change itself.
        let change = resolved_with_notice(notice, message);
        // One e-mail to the learner: resolved, with the message.
        super::deliveries::enqueue_learner_email(
            tx,
            *id,
            super::deliveries::LearnerNews::Resolved(Some(message)),
            now,
        )?;
        if let Some((client, data)) = super::deliveries::ticket_event_data(tx, *id, Some(change))? {
            super::deliveries::enqueue_event(tx, &client, "ticket.updated", data, now)?;
        }
    }
    let numbers: Vec<String> = open
        .into_iter()
        .map(|(_, prefix, seq)| super::number(&prefix, seq))
        .collect();
    tx.execute(
        "INSERT INTO audit_log (at, actor, action, target_kind, target_id, before, after)
         VALUES (?1, ?2, 'tickets.resolve', 'notice', ?3, NULL, ?4)",
        params![
            now,
            actor,
            notice,
            tickets_resolved_audit(message, &numbers)
        ],
    )?;
    Ok(numbers)
}

/// Loads an item, asks `plan` for the change, applies it, validates the result, stores it with
/// its audit row and the version bump; all in one transaction.
fn modify(
    conn: &mut Connection,
    actor: &str,
    kind: Kind,
    id: &str,
    action: &str,
    now: i64,
    plan: impl FnOnce(&Item, &Transaction<'_>) -> Result<Change, ScheduleError>,
) -> Result<Item, ScheduleError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let before = match get(&tx, id)? {
        Some(item) if item.kind == kind => item,
        _ => {
            return Err(ScheduleError::NotFound {
                kind,
                id: id.to_string(),
            })
        }
    };
    let closed = match kind {
        Kind::Maintenance => "cancelled",
        Kind::Notice => "resolved",
    };
    if before.status == closed {
        return Err(ScheduleError::Conflict(format!(
            "{} {id:?} is {closed}; it cannot change",
            kind.noun()
        )));
    }
    let change = plan(&before, &tx)?;
    if let Some(target) = &change.target {
        target.validate()?;
    }
    let mut entry = before.entry.clone();
    for (key, value) in change.fields {
        if key == "id" || key == "revision" {
            return Err(ScheduleError::invalid(
                &key,
                format!("{key:?} cannot be changed"),
            ));
        }
        if value.is_null() {
            entry.remove(&key);
        } else {
            entry.insert(key, value);
        }
    }
    let revision = if entry == before.entry {
        before.revision
    } else {
        before.revision + 1
    };
    entry.insert("revision".into(), Value::from(revision));
    validate_entry(kind, &entry)?;
    let after = Item {
        status: status_of(&entry),
        target: change.target.unwrap_or_else(|| before.target.clone()),
        entry,
        revision,
        updated_at: now,
        ..before.clone()
    };
    tx.execute(
        "UPDATE schedule SET target_kind = ?2, targets = ?3, entry = ?4, revision = ?5,
                status = ?6, updated_at = ?7 WHERE id = ?1",
        params![
            id,
            after.target.kind_str(),
            Value::from(after.target.names()).to_string(),
            Value::Object(after.entry.clone()).to_string(),
            after.revision,
            after.status,
            now
        ],
    )?;
    finish(tx, actor, action, Some(&before), &after, now)?;
    Ok(after)
}

/// Writes the audit row, bumps the schedule version and commits.
fn finish(
    tx: Transaction<'_>,
    actor: &str,
    action: &str,
    before: Option<&Item>,
    after: &Item,
    now: i64,
) -> Result<(), ScheduleError> {
    tx.execute(
        "INSERT INTO audit_log (at, actor, action, target_kind, target_id, before, after)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            now,
            actor,
            action,
            after.kind.as_str(),
            after.id,
            before.map(|b| b.to_json().to_string()),
            after.to_json().to_string()
        ],
    )?;
    tx.execute(
        "UPDATE schedule_version SET version = version + 1 WHERE id = 1",
        [],
    )?;
    tx.commit()?;
    Ok(())
}

fn status_of(entry: &Map<String, Value>) -> String {
    entry
        .get("status")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string()
}

fn fresh_id(tx: &Transaction<'_>, kind: Kind) -> Result<String, ScheduleError> {
    let prefix = match kind {
        Kind::Maintenance => "mw",
        Kind::Notice => "notice",
    };
    let count: i64 = tx.query_row(
        "SELECT COUNT(*) FROM schedule WHERE kind = ?1",
        [kind.as_str()],
        |r| r.get(0),
    )?;
    let mut n = count + 1;
    loop {
        let id = format!("{prefix}-{n}");
        if get(tx, &id)?.is_none() {
            return Ok(id);
        }
        n += 1;
    }
}

/// One row of the audit log.
// Read by the admin API (`/v1/admin/audit`, issue 12's other half) and the store's tests.
#[allow(dead_code)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEntry {
    /// When.
    pub at: i64,
    /// Who (`cli:ana`, a token's name).
    pub actor: String,
    /// What: `maintenance.add`, `notice.resolve`, …
    pub action: String,
    /// `maintenance`, `notice`, …
    pub target_kind: String,
    /// The item's id.
    pub target_id: String,
    /// The record before, as JSON; `None` for a creation.
    pub before: Option<String>,
    /// The record after, as JSON.
    pub after: Option<String>,
}

/// The audit log, oldest first, for one item or all.
#[allow(dead_code)]
///
/// # Errors
/// SQLite errors.
pub fn audit_log(
    conn: &Connection,
    target_id: Option<&str>,
) -> Result<Vec<AuditEntry>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT at, actor, action, target_kind, target_id, before, after FROM audit_log
         WHERE (?1 IS NULL OR target_id = ?1) ORDER BY id",
    )?;
    let rows = stmt.query_map([target_id], |r| {
        Ok(AuditEntry {
            at: r.get(0)?,
            actor: r.get(1)?,
            action: r.get(2)?,
            target_kind: r.get(3)?,
            target_id: r.get(4)?,
            before: r.get(5)?,
            after: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The context key under which the widget sends the ids of the windows and notices active on
/// the page (`lms_support_widget::ticket::context`), comma-separated.
pub const ACTIVE_ITEMS_KEY: &str = "active_items";

/// Links a new ticket to the windows and notices that were active on the learner's page, so
/// `tickets list --notice ID` finds it and resolving the notice can resolve it. Ids are kept
/// as sent (also in `--feed` mode, whose items are not in the store); at most 20.
///
/// # Errors
/// SQLite errors.
pub fn link_ticket(
    conn: &Connection,
    ticket_id: i64,
    context: &[(String, String)],
) -> Result<(), StoreError> {
    let Some((_, ids)) = context.iter().find(|(k, _)| k == ACTIVE_ITEMS_KEY) else {
        return Ok(());
    };
    let mut insert = conn.prepare_cached(
        "INSERT OR IGNORE INTO ticket_notices (notice_id, ticket_id) VALUES (?1, ?2)",
    )?;
    for id in ids
        .split(',')
        .map(str::trim)
        .filter(|id| is_valid_id(id))
        .take(20)
    {
        insert.execute(params![id, ticket_id])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_apply_to_their_clients_only() {
        let eu = vec!["eu-1".to_string()];
        assert!(Target::All.applies_to("acme", &[]));
        assert!(Target::Groups(eu.clone()).applies_to("acme", &eu));
        assert!(!Target::Groups(eu.clone()).applies_to("acme", &["us-1".into()]));
        assert!(Target::Clients(vec!["uni".into()]).applies_to("uni", &eu));
        assert!(!Target::Clients(vec!["uni".into()]).applies_to("acme", &eu));
    }

    #[test]
    fn the_field_is_the_first_quoted_word() {
        assert_eq!(
            quoted_field("\"ends_at\" must be after \"starts_at\""),
            Some("ends_at")
        );
        assert_eq!(quoted_field("missing \"title\""), Some("title"));
        assert_eq!(quoted_field("no quotes"), None);
    }
}
