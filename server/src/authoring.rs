//! `lms-support maintenance …` and `lms-support notice …`: the vendor authors the shared
//! schedule from the command line, on the data directory the server uses (`--data DIR`), while
//! it runs. A running server picks a change up on the next feed request (the schedule version
//! in the store changes).
//!
//! This module turns flags into feed entries (times given as a wall clock in a zone, with the
//! feed's DST rule) and prints results; the rules, the audit log and the SQL live in
//! [`crate::store::schedule`]. Exit statuses: 0 done, 1 refused (invalid entry, unknown id,
//! cancelled or resolved item, database problem), 2 bad usage.

use crate::output;
use crate::store::schedule::{self, Change, Item, Kind, ScheduleError, Target};
use crate::store::{self, StoreError};
use clap::{Args, Subcommand};
use lms_support_widget::time::{CivilDate, CivilDateTime, Timestamp};
use lms_support_widget::zone::{self, TimeZones as _, TzDatabase};
use rusqlite::Connection;
use serde_json::{Map, Value};
use std::fmt::Write as _;
use std::path::Path;

/// Which clients get an item; neither flag means all clients.
#[derive(Clone, Debug, Default, Args)]
pub struct Targeting {
    /// A client that gets it (repeatable).
    #[arg(long = "client", value_name = "ID")]
    clients: Vec<String>,
    /// A group whose clients get it (repeatable).
    #[arg(long = "group", value_name = "G")]
    groups: Vec<String>,
}

/// The text of an item.
#[derive(Clone, Debug, Default, Args)]
pub struct Texts {
    /// Title in English.
    #[arg(long, value_name = "TEXT")]
    title: Option<String>,
    /// Title in another language, LANG=TEXT (repeatable): --title-in es="Mantenimiento".
    #[arg(long = "title-in", value_name = "LANG=TEXT")]
    title_in: Vec<String>,
    /// Body in English.
    #[arg(long, value_name = "TEXT")]
    body: Option<String>,
    /// Body in another language, LANG=TEXT (repeatable).
    #[arg(long = "body-in", value_name = "LANG=TEXT")]
    body_in: Vec<String>,
    /// info, minor, major or critical.
    #[arg(long, value_name = "LEVEL")]
    severity: Option<String>,
}

/// `lms-support maintenance …`.
#[derive(Debug, Subcommand)]
pub enum MaintenanceCommand {
    /// Schedule a one-off window: --start "YYYY-MM-DD HH:MM" --tz ZONE --duration 6h --title TEXT.
    Add {
        /// Its id (default: mw-N).
        #[arg(long)]
        id: Option<String>,
        #[command(flatten)]
        targeting: Targeting,
        #[command(flatten)]
        texts: Texts,
        /// Wall-clock start in --tz: "YYYY-MM-DD HH:MM".
        #[arg(long, value_name = "YYYY-MM-DD HH:MM")]
        start: String,
        /// IANA time zone of --start; a time in a DST gap moves forward, an ambiguous one is
        /// the earlier.
        #[arg(long, value_name = "ZONE", default_value = "UTC")]
        tz: String,
        /// Elapsed length: 6h, 90m, 1h30m, 1d.
        #[arg(long, value_name = "LENGTH")]
        duration: String,
        /// Days ahead the advance notice starts (the feed's default is 7).
        #[arg(long, value_name = "N")]
        notice_days: Option<u32>,
    },
    /// The windows: id, revision, status, target, start, end, title.
    List,
    /// Change a window; learners who dismissed it see it again (a new revision).
    Update {
        /// The window's id.
        id: String,
        #[command(flatten)]
        targeting: Targeting,
        #[command(flatten)]
        texts: Texts,
        /// New wall-clock start in --tz (the length stays unless --duration is given).
        #[arg(long, value_name = "YYYY-MM-DD HH:MM")]
        start: Option<String>,
        /// IANA time zone of --start.
        #[arg(long, value_name = "ZONE", default_value = "UTC")]
        tz: String,
        /// New elapsed length from the start.
        #[arg(long, value_name = "LENGTH")]
        duration: Option<String>,
        /// Days ahead the advance notice starts.
        #[arg(long, value_name = "N")]
        notice_days: Option<u32>,
    },
    /// Move a window's end later: --by 2h, or --until "YYYY-MM-DD HH:MM" --tz ZONE.
    Extend {
        /// The window's id.
        id: String,
        /// How much later it ends.
        #[arg(long, value_name = "LENGTH", conflicts_with = "until")]
        by: Option<String>,
        /// The new wall-clock end in --tz.
        #[arg(long, value_name = "YYYY-MM-DD HH:MM")]
        until: Option<String>,
        /// IANA time zone of --until.
        #[arg(long, value_name = "ZONE", default_value = "UTC")]
        tz: String,
    },
    /// Cancel a window; learners see "cancelled" during its notice period.
    Cancel {
        /// The window's id.
        id: String,
    },
}

/// `lms-support notice …`.
#[derive(Debug, Subcommand)]
pub enum NoticeCommand {
    /// Post a known issue: --title TEXT, to all clients unless --client/--group.
    Post {
        /// Its id (default: notice-N).
        #[arg(long)]
        id: Option<String>,
        #[command(flatten)]
        targeting: Targeting,
        #[command(flatten)]
        texts: Texts,
        /// investigating, identified or monitoring (default investigating).
        #[arg(long, value_name = "S")]
        status: Option<String>,
        /// When the issue began, "YYYY-MM-DD HH:MM" in --tz (default now).
        #[arg(long, value_name = "YYYY-MM-DD HH:MM")]
        since: Option<String>,
        /// IANA time zone of --since.
        #[arg(long, value_name = "ZONE", default_value = "UTC")]
        tz: String,
    },
    /// The notices: id, revision, status, target, since, title.
    List,
    /// Change a notice (text, status, severity, target); a new revision.
    Update {
        /// The notice's id.
        id: String,
        #[command(flatten)]
        targeting: Targeting,
        #[command(flatten)]
        texts: Texts,
        /// investigating, identified or monitoring.
        #[arg(long, value_name = "S")]
        status: Option<String>,
    },
    /// Resolve a notice; with --resolve-tickets, --message goes as a reply to every open
    /// ticket filed while it showed, and those tickets are resolved.
    Resolve {
        /// The notice's id.
        id: String,
        /// The resolution, for the learners.
        #[arg(long, value_name = "TEXT")]
        message: Option<String>,
        /// Reply with --message to the linked open tickets and resolve them.
        #[arg(long)]
        resolve_tickets: bool,
    },
}

/// Runs a `maintenance` command on the data directory; returns the exit status.
pub fn maintenance(data: &Path, database: Option<&str>, command: MaintenanceCommand) -> u8 {
    run(data, database, |conn, actor, now| match command {
        MaintenanceCommand::Add {
            id,
            targeting,
            texts,
            start,
            tz,
            duration,
            notice_days,
        } => {
            let target = target(&targeting)?;
            let starts_at = local_instant("--start", &start, &tz)?;
            let ends_at = starts_at.plus(length("--duration", &duration)?);
            let mut entry = Map::new();
            if let Some(id) = id {
                entry.insert("id".into(), Value::String(id));
            }
            entry.insert("starts_at".into(), starts_at.to_string().into());
            entry.insert("ends_at".into(), ends_at.to_string().into());
            if let Some(days) = notice_days {
                entry.insert("notice_days".into(), days.into());
            }
            texts.apply(&mut entry, &Map::new(), "major")?;
            if !entry.contains_key("title") {
                return Err(usage("--title is required"));
            }
            let item = schedule::add(conn, actor, Kind::Maintenance, target, entry, now)
                .map_err(refused)?;
            Ok(format!(
                "{} added for {}: {} to {}, revision 1\n",
                item.id, item.target, starts_at, ends_at
            ))
        }
        MaintenanceCommand::List => {
            let items = schedule::list(conn, Some(Kind::Maintenance)).map_err(db)?;
            Ok(table(&items, Kind::Maintenance))
        }
        MaintenanceCommand::Update {
            id,
            targeting,
            texts,
            start,
            tz,
            duration,
            notice_days,
        } => {
            let current = existing(conn, Kind::Maintenance, &id)?;
            let mut change = Change {
                target: retarget(&targeting)?,
                ..Change::default()
            };
            texts.apply(&mut change.fields, &current.entry, "")?;
            if start.is_some() || duration.is_some() {
                let Some((old_start, old_end)) = current.once_range() else {
                    return Err(usage(&format!(
                        "{id:?} is a recurring window; --start and --duration change one-off windows"
                    )));
                };
                let new_start = match &start {
                    Some(text) => local_instant("--start", text, &tz)?,
                    None => old_start,
                };
                let new_end = match &duration {
                    Some(text) => new_start.plus(length("--duration", text)?),
                    None => new_start.plus(old_end.seconds() - old_start.seconds()),
                };
                change
                    .fields
                    .insert("starts_at".into(), new_start.to_string().into());
                change
                    .fields
                    .insert("ends_at".into(), new_end.to_string().into());
            }
            if let Some(days) = notice_days {
                change.fields.insert("notice_days".into(), days.into());
            }
            let item = schedule::update(conn, actor, Kind::Maintenance, &id, change, now)
                .map_err(refused)?;
            Ok(format!("{} updated: revision {}\n", item.id, item.revision))
        }
        MaintenanceCommand::Extend { id, by, until, tz } => {
            let current = existing(conn, Kind::Maintenance, &id)?;
            let ends_at = match (by, until) {
                (Some(by), None) => {
                    let Some((_, end)) = current.once_range() else {
                        return Err(refused(ScheduleError::Invalid {
                            field: "ends_at".into(),
                            message: format!("{id:?} is a recurring window; change it with update"),
                        }));
                    };
                    end.plus(length("--by", &by)?)
                }
                (None, Some(until)) => local_instant("--until", &until, &tz)?,
                _ => return Err(usage("give --by LENGTH or --until \"YYYY-MM-DD HH:MM\"")),
            };
            let item = schedule::extend(conn, actor, &id, ends_at, now).map_err(refused)?;
            Ok(format!(
                "{} extended: ends {ends_at}, revision {}\n",
                item.id, item.revision
            ))
        }
        MaintenanceCommand::Cancel { id } => {
            let item = schedule::cancel(conn, actor, &id, now).map_err(refused)?;
            Ok(format!(
                "{} cancelled: revision {}\n",
                item.id, item.revision
            ))
        }
    })
}

/// Runs a `notice` command on the data directory; returns the exit status.
pub fn notice(data: &Path, database: Option<&str>, command: NoticeCommand) -> u8 {
    if let (
        Some(url),
        NoticeCommand::Resolve {
            id,
            message,
            resolve_tickets,
        },
    ) = (database, &command)
    {
        // The tickets are in PostgreSQL, not in the in-memory copy a schedule change runs on.
        return on_postgres(url, async |client, actor, now| {
            crate::store::pg::admin::resolve_notice(
                client,
                &actor,
                id,
                message.as_deref(),
                *resolve_tickets,
                now,
            )
            .await
            .map_err(db)?
            .map(|done| resolved_text(&done, *resolve_tickets))
            .map_err(refused)
        });
    }
    run(data, database, |conn, actor, now| match command {
        NoticeCommand::Post {
            id,
            targeting,
            texts,
            status,
            since,
            tz,
        } => {
            let target = target(&targeting)?;
            let since = match since {
                Some(text) => local_instant("--since", &text, &tz)?,
                None => Timestamp(now),
            };
            let mut entry = Map::new();
            if let Some(id) = id {
                entry.insert("id".into(), Value::String(id));
            }
            entry.insert("kind".into(), "known_issue".into());
            entry.insert("since".into(), since.to_string().into());
            if let Some(status) = status {
                entry.insert("status".into(), status.into());
            }
            texts.apply(&mut entry, &Map::new(), "minor")?;
            if !entry.contains_key("title") {
                return Err(usage("--title is required"));
            }
            let item =
                schedule::add(conn, actor, Kind::Notice, target, entry, now).map_err(refused)?;
            Ok(format!(
                "{} posted for {}, revision 1\n",
                item.id, item.target
            ))
        }
        NoticeCommand::List => {
            let items = schedule::list(conn, Some(Kind::Notice)).map_err(db)?;
            Ok(table(&items, Kind::Notice))
        }
        NoticeCommand::Update {
            id,
            targeting,
            texts,
            status,
        } => {
            let current = existing(conn, Kind::Notice, &id)?;
            let mut change = Change {
                target: retarget(&targeting)?,
                ..Change::default()
            };
            texts.apply(&mut change.fields, &current.entry, "")?;
            if let Some(status) = status {
                change.fields.insert("status".into(), status.into());
            }
            let item =
                schedule::update(conn, actor, Kind::Notice, &id, change, now).map_err(refused)?;
            Ok(format!("{} updated: revision {}\n", item.id, item.revision))
        }
        NoticeCommand::Resolve {
            id,
            message,
            resolve_tickets,
        } => {
            let done = schedule::resolve_notice(
                conn,
                actor,
                &id,
                message.as_deref(),
                resolve_tickets,
                now,
            )
            .map_err(refused)?;
            Ok(resolved_text(&done, resolve_tickets))
        }
    })
}

/// What `notice resolve` prints.
fn resolved_text(done: &schedule::Resolved, resolve_tickets: bool) -> String {
    if !resolve_tickets {
        return format!("{} resolved\n", done.item.id);
    }
    let n = done.tickets.len();
    let list = if n == 0 {
        String::new()
    } else {
        format!(": {}", done.tickets.join(", "))
    };
    format!(
        "{} resolved; {n} ticket{} resolved{list}\n",
        done.item.id,
        if n == 1 { "" } else { "s" }
    )
}

/// A failure: the message and the exit status.
type Failure = (String, u8);

fn usage(message: &str) -> Failure {
    (message.to_string(), 2)
}

fn refused(e: ScheduleError) -> Failure {
    (e.to_string(), 1)
}

fn db(e: StoreError) -> Failure {
    (format!("database error: {e}"), 1)
}

fn run(
    data: &Path,
    database: Option<&str>,
    command: impl FnOnce(&mut Connection, &str, i64) -> Result<String, Failure>,
) -> u8 {
    if let Some(url) = database {
        // The very code that runs on SQLite (see [`crate::store::pg::admin::schedule_change`]);
        // every instance serves the change on its next feed request.
        return on_postgres(url, async |client, actor, now| {
            crate::store::pg::admin::schedule_change(client, |conn| command(conn, &actor, now))
                .await
                .map_err(db)?
        });
    }
    let now = match crate::agent::now() {
        Ok(now) => now,
        Err(message) => return report(Err((message, 2))),
    };
    // The schedule may be written before the server ever ran, so the database is created here.
    let mut conn = match store::open_or_create_in(data) {
        Ok(conn) => conn,
        Err(message) => return report(Err((message, 1))),
    };
    report(command(&mut conn, &actor(), now))
}

/// Prints what a command did, or why it failed; its exit status.
fn report(done: Result<String, Failure>) -> u8 {
    match done {
        Ok(text) => {
            output::stdout(&text);
            0
        }
        Err((message, status)) => {
            output::stderr(&format!("{message}\n"));
            status
        }
    }
}

/// Runs `work` (given the connection, the actor and the time) on the PostgreSQL database at
/// `url`, its schema brought up to date; prints the outcome and returns the exit status.
fn on_postgres(
    url: &str,
    work: impl AsyncFnOnce(&mut tokio_postgres::Client, String, i64) -> Result<String, Failure>,
) -> u8 {
    let now = match crate::agent::now() {
        Ok(now) => now,
        Err(message) => return report(Err((message, 2))),
    };
    let runtime = match crate::store::pg::cli_runtime(url) {
        Ok(runtime) => runtime,
        Err(message) => return report(Err((message, 2))),
    };
    report(runtime.block_on(async {
        let mut client = crate::store::pg::connect_migrated(url)
            .await
            .map_err(|e| (format!("cannot open the PostgreSQL database: {e}"), 1))?;
        work(&mut client, actor(), now).await
    }))
}

/// Who the audit log names for a change from the CLI: `cli:<login>`.
pub fn actor() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_default();
    if user.is_empty() {
        "cli".to_string()
    } else {
        format!("cli:{user}")
    }
}

fn existing(conn: &Connection, kind: Kind, id: &str) -> Result<Item, Failure> {
    match schedule::get(conn, id).map_err(db)? {
        Some(item) if item.kind == kind => Ok(item),
        _ => Err(refused(ScheduleError::NotFound {
            kind,
            id: id.to_string(),
        })),
    }
}

fn target(targeting: &Targeting) -> Result<Target, Failure> {
    Ok(retarget(targeting)?.unwrap_or(Target::All))
}

/// The target the flags give, `None` when neither flag is given.
fn retarget(targeting: &Targeting) -> Result<Option<Target>, Failure> {
    match (&targeting.clients[..], &targeting.groups[..]) {
        ([], []) => Ok(None),
        (clients, []) => Ok(Some(Target::Clients(clients.to_vec()))),
        ([], groups) => Ok(Some(Target::Groups(groups.to_vec()))),
        _ => Err(usage("give --client or --group, not both")),
    }
}

impl Texts {
    /// Writes title, body and severity into `entry`, on top of the texts in `current` (an
    /// update changes only the languages given). `severity` is the default for a new item
    /// (empty: none).
    fn apply(
        &self,
        entry: &mut Map<String, Value>,
        current: &Map<String, Value>,
        severity: &str,
    ) -> Result<(), Failure> {
        for (key, english, others, flag) in [
            ("title", &self.title, &self.title_in, "--title-in"),
            ("body", &self.body, &self.body_in, "--body-in"),
        ] {
            if english.is_none() && others.is_empty() {
                continue;
            }
            let mut texts = match current.get(key) {
                Some(Value::Object(map)) => map.clone(),
                _ => Map::new(),
            };
            if let Some(text) = english {
                texts.insert("en".into(), text.clone().into());
            }
            for pair in others {
                let Some((lang, text)) = pair.split_once('=').filter(|(l, _)| !l.is_empty()) else {
                    return Err(usage(&format!(
                        "{flag} must be LANG=TEXT, like es=\"Mantenimiento\", not {pair:?}"
                    )));
                };
                texts.insert(lang.trim().to_string(), text.to_string().into());
            }
            entry.insert(key.into(), Value::Object(texts));
        }
        match (&self.severity, severity) {
            (Some(level), _) => {
                entry.insert("severity".into(), level.clone().into());
            }
            (None, "") => {}
            (None, default) => {
                entry.insert("severity".into(), default.into());
            }
        }
        Ok(())
    }
}

/// The instant of a wall-clock time `"YYYY-MM-DD HH:MM"` in `zone`, by the feed's DST rule: a
/// time in a gap moves forward by the gap, an ambiguous one takes the earlier instant.
fn local_instant(flag: &str, text: &str, zone_name: &str) -> Result<Timestamp, Failure> {
    let local = parse_local(text).ok_or_else(|| {
        usage(&format!(
            "{flag} must be a local time like \"2026-12-13 01:00\", not {text:?}"
        ))
    })?;
    if TzDatabase.offset_at(zone_name, Timestamp(0)).is_err() {
        return Err(usage(&format!("unknown time zone {zone_name:?}")));
    }
    zone::resolve_local(&TzDatabase, zone_name, local)
        .map_err(|_| usage(&format!("unknown time zone {zone_name:?}")))
}

/// `YYYY-MM-DD HH:MM` (or with a `T`) as a wall-clock time.
fn parse_local(text: &str) -> Option<CivilDateTime> {
    let text = text.trim();
    let (date, clock) = text.split_once([' ', 'T'])?;
    let mut parts = date.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let date = CivilDate::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)?;
    let (hour, minute) = lms_support_widget::time::parse_clock(clock.trim())?;
    Some(CivilDateTime {
        date,
        hour,
        minute,
        second: 0,
    })
}

/// Seconds in a length like `6h`, `90m`, `1h30m`, `2d`.
fn length(flag: &str, text: &str) -> Result<i64, Failure> {
    let bad = || {
        usage(&format!(
            "{flag} must be a length like 6h, 90m or 1h30m, not {text:?}"
        ))
    };
    let mut total: i64 = 0;
    let mut digits = String::new();
    for c in text.trim().chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let unit = match c {
            'd' => 86_400,
            'h' => 3_600,
            'm' => 60,
            _ => return Err(bad()),
        };
        let n: i64 = digits.parse().map_err(|_| bad())?;
        total = n
            .checked_mul(unit)
            .and_then(|s| total.checked_add(s))
            .ok_or_else(bad)?;
        digits.clear();
    }
    if !digits.is_empty() || total <= 0 || total > 366 * 86_400 {
        return Err(bad());
    }
    Ok(total)
}

fn title(item: &Item) -> String {
    match item.entry.get("title") {
        Some(Value::Object(map)) => map
            .get("en")
            .or_else(|| map.values().next())
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string(),
        _ => String::new(),
    }
}

fn table(items: &[Item], kind: Kind) -> String {
    if items.is_empty() {
        return format!("no {}s\n", kind.noun());
    }
    let when = |key: &str, item: &Item| {
        item.entry
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or("-")
            .to_string()
    };
    let mut rows: Vec<Vec<String>> = vec![match kind {
        Kind::Maintenance => ["ID", "REV", "STATUS", "TARGET", "STARTS", "ENDS", "TITLE"]
            .map(String::from)
            .to_vec(),
        Kind::Notice => ["ID", "REV", "STATUS", "TARGET", "SINCE", "TITLE"]
            .map(String::from)
            .to_vec(),
    }];
    for item in items {
        let mut row = vec![
            item.id.clone(),
            item.revision.to_string(),
            item.status.clone(),
            item.target.to_string(),
        ];
        match kind {
            Kind::Maintenance => {
                row.push(when("starts_at", item));
                row.push(when("ends_at", item));
            }
            Kind::Notice => row.push(when("since", item)),
        }
        row.push(title(item));
        rows.push(row);
    }
    let mut widths = vec![0usize; rows[0].len()];
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in &rows {
        let mut line = String::new();
        for (i, (cell, width)) in row.iter().zip(&widths).enumerate() {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths() {
        assert_eq!(length("--duration", "6h"), Ok(21_600));
        assert_eq!(length("--duration", "1h30m"), Ok(5_400));
        assert_eq!(length("--duration", "2d"), Ok(172_800));
        assert_eq!(
            length("--duration", "6x"),
            Err((
                "--duration must be a length like 6h, 90m or 1h30m, not \"6x\"".into(),
                2
            ))
        );
        assert!(length("--duration", "6").is_err());
        assert!(length("--duration", "0h").is_err());
    }

    #[test]
    fn local_times() {
        assert_eq!(
            parse_local("2026-12-13 01:00").map(|l| l.as_if_utc().to_string()),
            Some("2026-12-13T01:00:00Z".into())
        );
        assert_eq!(parse_local("2026-02-30 01:00"), None);
        assert_eq!(parse_local("13/12/2026 01:00"), None);
    }
}
