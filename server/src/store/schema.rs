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
    // 2: the vendor service (many clients, one schedule). Tickets carry their client ('' is
    // the single-client `--feed` mode) and a number per client drawn from a counter row, not
    // from the rowid, so another engine can keep numbers unique per client across instances.
    // Existing tickets keep their numbers: their per-client number is their old id.
    "ALTER TABLE tickets ADD COLUMN client TEXT NOT NULL DEFAULT '';
    ALTER TABLE tickets ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
    UPDATE tickets SET seq = id;
    CREATE UNIQUE INDEX tickets_by_client_seq ON tickets (client, seq);
    CREATE INDEX tickets_by_seq ON tickets (seq);
    CREATE TABLE ticket_counters (
        client TEXT PRIMARY KEY,
        next INTEGER NOT NULL
    ) WITHOUT ROWID;
    INSERT INTO ticket_counters (client, next) SELECT '', COALESCE(MAX(seq), 0) + 1 FROM tickets;
    -- Maintenance windows and notices of the shared schedule. `entry` is the feed JSON of the
    -- item (design §3) with its id, revision and status; `targets` is a JSON array of group
    -- or client ids (empty for 'all').
    CREATE TABLE schedule (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('maintenance', 'notice')),
        target_kind TEXT NOT NULL CHECK (target_kind IN ('all', 'groups', 'clients')),
        targets TEXT NOT NULL,
        entry TEXT NOT NULL,
        revision INTEGER NOT NULL,
        status TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
    ) WITHOUT ROWID;
    -- One row, bumped by every schedule change: a server (or another instance) compares it
    -- per request to know when its assembled feeds are stale.
    CREATE TABLE schedule_version (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        version INTEGER NOT NULL
    );
    INSERT INTO schedule_version (id, version) VALUES (1, 0);
    -- The maintenance or notice ids active on the learner's page when a ticket was filed.
    CREATE TABLE ticket_notices (
        ticket_id INTEGER NOT NULL REFERENCES tickets (id),
        notice_id TEXT NOT NULL,
        PRIMARY KEY (notice_id, ticket_id)
    ) WITHOUT ROWID;
    CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        target_kind TEXT NOT NULL,
        target_id TEXT NOT NULL,
        before TEXT,
        after TEXT
    );
    CREATE INDEX audit_by_target ON audit_log (target_kind, target_id, id);
    CREATE TABLE admin_tokens (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        scopes TEXT NOT NULL,
        token_hash BLOB NOT NULL UNIQUE,
        created_at INTEGER NOT NULL,
        revoked_at INTEGER
    );",
    // 3: the delivery queue (issue 16). A row is written in the same transaction as the change
    // that causes it and is never deleted: `delivered_at` marks it done. `message_id` is fixed
    // when the row is written, so every attempt carries the same one and a receiver can drop a
    // repeat after a lost acknowledgement. `payload` is JSON whose shape depends on `kind`.
    "CREATE TABLE deliveries (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        client TEXT NOT NULL,
        kind TEXT NOT NULL,
        message_id TEXT NOT NULL UNIQUE,
        payload TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        last_error TEXT,
        delivered_at INTEGER,
        created_at INTEGER NOT NULL
    );
    CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE delivered_at IS NULL;",
    // 4: webhooks (issue 16). `webhooks` mirrors the clients' configured receivers, so that any
    // transaction (the writer's, the agent CLI's) can queue their events without the
    // configuration; `serve` rewrites it on every load. `hook_ids_seen` keeps the delivery ids
    // of accepted inbound hooks, so a replay is refused.
    "CREATE TABLE webhooks (
        client TEXT NOT NULL,
        url TEXT NOT NULL,
        secret TEXT NOT NULL,
        events TEXT NOT NULL,
        PRIMARY KEY (client, url)
    );
    CREATE TABLE hook_ids_seen (
        client TEXT NOT NULL,
        delivery_id TEXT NOT NULL,
        at INTEGER NOT NULL,
        PRIMARY KEY (client, delivery_id)
    );",
    // 5: learner and escalation e-mail (issue 16). `client_mail` mirrors each client's
    // `notify_from` and `escalation_email` like `webhooks` mirrors its receivers, so the agent
    // CLI's transactions can queue a learner's e-mail without the configuration.
    "CREATE TABLE client_mail (
        client TEXT PRIMARY KEY,
        notify_from TEXT,
        escalation_email TEXT
    );",
    // 6: help events (issue 18): per client and UTC day, how often each kind of event happened
    // with each key (an FAQ or flow id, or a no-result search's folded words). Counts only:
    // the events themselves, and anything about who sent them, are never stored.
    "CREATE TABLE help_counts (
        client TEXT NOT NULL,
        day TEXT NOT NULL,
        kind TEXT NOT NULL,
        key TEXT NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (client, day, kind, key)
    ) WITHOUT ROWID;",
    // 7: admin console sessions (issue 17). A signed-in console holds a random id in an
    // HttpOnly cookie; only its SHA-256 is kept here, with the token it was opened with (a
    // revoked token ends its sessions at once) and an absolute expiry. Sign-out deletes the row.
    "CREATE TABLE admin_sessions (
        id_hash BLOB PRIMARY KEY,
        token_id INTEGER NOT NULL REFERENCES admin_tokens (id),
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
    ) WITHOUT ROWID;",
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
            Err("the database has schema version 99, newer than this lms-support knows (7); upgrade lms-support".to_string())
        );
    }

    /// A database from before the vendor service keeps its tickets and their numbers, and the
    /// next ticket continues the sequence.
    #[test]
    fn version_2_keeps_old_ticket_numbers() {
        let conn = Connection::open_in_memory().expect("in-memory db");
        conn.execute_batch(MIGRATIONS[0]).expect("version 1");
        conn.pragma_update(None, "user_version", 1)
            .expect("version");
        for prefix in ["ACME", "ACME", "OLD"] {
            conn.execute(
                "INSERT INTO tickets (prefix, token_hash, status, priority, category, subject,
                     description, name, email, locale, context, created_at, response_due_at,
                     updated_at)
                 VALUES (?1, x'00', 'open', 'high', 'access', 's', 'd', '', 'a@b.c', '', '{}',
                     0, 0, 0)",
                [prefix],
            )
            .expect("ticket");
        }
        migrate(&conn).expect("to version 2");
        let rows: Vec<(String, String, i64)> = conn
            .prepare("SELECT client, prefix, seq FROM tickets ORDER BY id")
            .expect("prepare")
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        assert_eq!(
            rows,
            [
                (String::new(), "ACME".to_string(), 1),
                (String::new(), "ACME".to_string(), 2),
                (String::new(), "OLD".to_string(), 3)
            ]
        );
        let next: i64 = conn
            .query_row(
                "SELECT next FROM ticket_counters WHERE client = ''",
                [],
                |r| r.get(0),
            )
            .expect("counter");
        assert_eq!(next, 4);
        let version: i64 = conn
            .query_row("SELECT version FROM schedule_version", [], |r| r.get(0))
            .expect("schedule version");
        assert_eq!(version, 0);
    }
}
