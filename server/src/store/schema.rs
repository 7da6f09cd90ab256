//! Schema migrations: an ordered list of SQL scripts; `PRAGMA user_version` records how many
//! have run.
//!
//! A migration is only ever appended, never edited once released: a database made by an
//! older build has run the old text. Each runs in its own `BEGIN IMMEDIATE` transaction
//! together with the version bump, so a crash leaves either the old or the new schema, and
//! two processes starting at once (the server and the agent's CLI) cannot both apply it.

use super::StoreError;
use rusqlite::Connection;

/// Migration `i` brings the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    // 1: tickets, agent replies, attachments, idempotency records.
    "CREATE TABLE tickets (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        prefix TEXT NOT NULL,
        token_hash BLOB NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('open', 'pending', 'resolved', 'closed')),
        priority TEXT NOT NULL,
        category TEXT NOT NULL,
        subject TEXT NOT NULL,
        description TEXT NOT NULL,
        name TEXT NOT NULL,
        email TEXT NOT NULL,
        locale TEXT NOT NULL,
        context TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        response_due_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        resolved_at INTEGER,
        closed_at INTEGER,
        escalation_level INTEGER NOT NULL DEFAULT 0,
        escalated_at INTEGER,
        rating INTEGER CHECK (rating BETWEEN 1 AND 5),
        feedback_comment TEXT,
        feedback_at INTEGER
    );
    CREATE INDEX tickets_by_status ON tickets (status, response_due_at);
    CREATE INDEX tickets_to_escalate ON tickets (created_at)
        WHERE escalation_level = 0 AND priority = 'critical';
    CREATE TABLE replies (
        id INTEGER PRIMARY KEY,
        ticket_id INTEGER NOT NULL REFERENCES tickets (id),
        at INTEGER NOT NULL,
        author TEXT NOT NULL,
        body TEXT NOT NULL
    );
    CREATE INDEX replies_by_ticket ON replies (ticket_id, id);
    CREATE TABLE attachments (
        id INTEGER PRIMARY KEY,
        ticket_id INTEGER NOT NULL REFERENCES tickets (id),
        name TEXT NOT NULL,
        mime TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        sha256 BLOB NOT NULL,
        path TEXT NOT NULL
    );
    CREATE INDEX attachments_by_ticket ON attachments (ticket_id, id);
    -- One row per Idempotency-Key ever accepted. `token` is the new ticket's plaintext token,
    -- kept only until token_expires_at so a replay can return it; then it is set to NULL.
    CREATE TABLE idempotency (
        key TEXT PRIMARY KEY,
        body_hash BLOB NOT NULL,
        ticket_id INTEGER NOT NULL REFERENCES tickets (id),
        token TEXT,
        token_expires_at INTEGER NOT NULL,
        created_at INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX idempotency_tokens_to_purge ON idempotency (token_expires_at)
        WHERE token IS NOT NULL;",
];

/// The schema version this build writes.
pub fn current_version() -> i64 {
    MIGRATIONS.len() as i64
}

/// Runs every migration the database has not had yet.
///
/// # Errors
/// SQLite errors, or [`StoreError::NewerSchema`] for a file from a newer build.
pub fn migrate(conn: &Connection) -> Result<(), StoreError> {
    let known = current_version();
    loop {
        let version = version(conn)?;
        if version > known {
            return Err(StoreError::NewerSchema {
                found: version,
                known,
            });
        }
        if version == known {
            return Ok(());
        }
        conn.execute_batch("BEGIN IMMEDIATE")?;
        let step = (|| -> Result<(), StoreError> {
            // Another process may have migrated while this one waited for the lock.
            let version = self::version(conn)?;
            if version >= known {
                return Ok(());
            }
            let index = usize::try_from(version).unwrap_or(0);
            if let Some(sql) = MIGRATIONS.get(index) {
                conn.execute_batch(sql)?;
                conn.pragma_update(None, "user_version", version + 1)?;
            }
            Ok(())
        })();
        match step {
            Ok(()) => conn.execute_batch("COMMIT")?,
            Err(e) => {
                let _ = conn.execute_batch("ROLLBACK");
                return Err(e);
            }
        }
    }
}

fn version(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn.pragma_query_value(None, "user_version", |row| row.get(0))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrates_once_and_refuses_newer_files() {
        let conn = Connection::open_in_memory().expect("in-memory db");
        migrate(&conn).expect("first run");
        assert_eq!(version(&conn).expect("version"), current_version());
        migrate(&conn).expect("second run does nothing");
        conn.pragma_update(None, "user_version", 99).expect("bump");
        assert_eq!(
            migrate(&conn).map_err(|e| e.to_string()),
            Err("the database has schema version 99, newer than this lms-support knows (1); upgrade lms-support".to_string())
        );
    }
}
