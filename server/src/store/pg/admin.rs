//! The admin side on PostgreSQL: admin tokens, the console's sessions, the audit log and
//! schedule changes, with the same rules as SQLite's [`crate::store::admin_tokens`],
//! [`crate::store::sessions`] and [`crate::store::schedule`] (names, scopes, hashes only,
//! audit rows in the change's transaction).
//!
//! A schedule change runs the very code that runs on SQLite ([`schedule_change`]): in one
//! transaction holding the `schedule_version` row (so authors on several instances and the CLI
//! take turns), the schedule is loaded into an in-memory SQLite store, the change runs there
//! (validation, revisions, ids, audit rows), and what it changed is written back.

use super::super::admin_tokens::{self, AdminToken, Scope, TokenError};
use super::super::deliveries::LearnerNews;
use super::super::schedule::{self, AuditEntry};
use super::super::sessions::{self, Session};
use super::super::{token, StoreError};
use tokio_postgres::GenericClient;

const COLUMNS: &str = "id, name, scopes, created_at, revoked_at";

fn token_from_row(row: &tokio_postgres::Row) -> Result<AdminToken, tokio_postgres::Error> {
    Ok(AdminToken {
        id: row.try_get(0)?,
        name: row.try_get(1)?,
        scopes: admin_tokens::scopes_of(&row.try_get::<_, String>(2)?),
        created_at: row.try_get(3)?,
        revoked_at: row.try_get(4)?,
    })
}

async fn audit(
    db: &impl GenericClient,
    actor: &str,
    action: &str,
    token_id: i64,
    after: Option<String>,
    before: Option<String>,
    now: i64,
) -> Result<(), tokio_postgres::Error> {
    db.execute(
        "INSERT INTO audit_log (at, actor, action, target_kind, target_id, before, after)
         VALUES ($1, $2, $3, 'token', $4, $5, $6)",
        &[
            &now,
            &actor,
            &action,
            &token_id.to_string(),
            &before,
            &after,
        ],
    )
    .await?;
    Ok(())
}

/// Makes a token (see [`admin_tokens::create`]); returns it and its plaintext.
///
/// # Errors
/// As SQLite's.
pub async fn create_token(
    db: &mut tokio_postgres::Client,
    actor: &str,
    name: &str,
    scopes: &[Scope],
    now: i64,
) -> Result<(AdminToken, String), TokenError> {
    let store = |e: tokio_postgres::Error| TokenError::Store(StoreError::from(e));
    let (scopes, secret) = admin_tokens::new_secret(name, scopes)?;
    let tx = db.transaction().await.map_err(store)?;
    // Two CLIs making the same name at once take turns here.
    tx.execute(
        "SELECT pg_advisory_xact_lock(hashtextextended('lms_admin_token:' || $1, 0))",
        &[&name],
    )
    .await
    .map_err(store)?;
    let taken = tx
        .query_opt(
            "SELECT 1 FROM admin_tokens WHERE name = $1 AND revoked_at IS NULL",
            &[&name],
        )
        .await
        .map_err(store)?
        .is_some();
    if taken {
        return Err(TokenError::NameTaken(name.to_string()));
    }
    let id: i64 = tx
        .query_one(
            "INSERT INTO admin_tokens (name, scopes, token_hash, created_at)
             VALUES ($1, $2, $3, $4) RETURNING id",
            &[
                &name,
                &admin_tokens::scopes_text(&scopes),
                &&token::hash_token(&secret)[..],
                &now,
            ],
        )
        .await
        .map_err(store)?
        .try_get(0)
        .map_err(store)?;
    let made = AdminToken {
        id,
        name: name.to_string(),
        scopes,
        created_at: now,
        revoked_at: None,
    };
    let after = Some(admin_tokens::to_json(&made));
    audit(&tx, actor, "token.create", id, after, None, now)
        .await
        .map_err(store)?;
    tx.commit().await.map_err(store)?;
    Ok((made, secret))
}

/// Every token, oldest first.
///
/// # Errors
/// Database errors.
pub async fn list_tokens(db: &impl GenericClient) -> Result<Vec<AdminToken>, StoreError> {
    db.query(
        &format!("SELECT {COLUMNS} FROM admin_tokens ORDER BY id"),
        &[],
    )
    .await?
    .iter()
    .map(token_from_row)
    .collect::<Result<_, _>>()
    .map_err(StoreError::from)
}

/// Revokes the active token with this id or name (see [`admin_tokens::revoke`]).
///
/// # Errors
/// [`TokenError::NotFound`], store errors.
pub async fn revoke_token(
    db: &mut tokio_postgres::Client,
    actor: &str,
    id_or_name: &str,
    now: i64,
) -> Result<AdminToken, TokenError> {
    let store = |e: tokio_postgres::Error| TokenError::Store(StoreError::from(e));
    let tx = db.transaction().await.map_err(store)?;
    let found = tx
        .query_opt(
            &format!(
                "SELECT {COLUMNS} FROM admin_tokens
                 WHERE revoked_at IS NULL AND (name = $1 OR id::text = $1)
                 ORDER BY name = $1 DESC LIMIT 1 FOR UPDATE"
            ),
            &[&id_or_name],
        )
        .await
        .map_err(store)?;
    let Some(before) = found
        .as_ref()
        .map(token_from_row)
        .transpose()
        .map_err(store)?
    else {
        return Err(TokenError::NotFound(id_or_name.to_string()));
    };
    tx.execute(
        "UPDATE admin_tokens SET revoked_at = $2 WHERE id = $1",
        &[&before.id, &now],
    )
    .await
    .map_err(store)?;
    let after = AdminToken {
        revoked_at: Some(now),
        ..before.clone()
    };
    audit(
        &tx,
        actor,
        "token.revoke",
        after.id,
        Some(admin_tokens::to_json(&after)),
        Some(admin_tokens::to_json(&before)),
        now,
    )
    .await
    .map_err(store)?;
    tx.commit().await.map_err(store)?;
    Ok(after)
}

/// The active token whose plaintext is `presented`.
///
/// # Errors
/// Database errors.
pub async fn authenticate(
    db: &impl GenericClient,
    presented: &str,
) -> Result<Option<AdminToken>, StoreError> {
    let row = db
        .query_opt(
            &format!(
                "SELECT {COLUMNS} FROM admin_tokens WHERE token_hash = $1 AND revoked_at IS NULL"
            ),
            &[&&token::hash_token(presented)[..]],
        )
        .await?;
    Ok(row.as_ref().map(token_from_row).transpose()?)
}

/// Opens a console session for `token` (see [`crate::store::sessions::open`]).
///
/// # Errors
/// The random source or the database failed.
pub async fn open_session(
    db: &mut tokio_postgres::Client,
    token: &AdminToken,
    now: i64,
) -> Result<(Session, String), StoreError> {
    let (session, id) = sessions::new_session(token, now)?;
    let tx = db.transaction().await?;
    tx.execute("DELETE FROM admin_sessions WHERE expires_at <= $1", &[&now])
        .await?;
    tx.execute(
        "INSERT INTO admin_sessions (id_hash, token_id, created_at, expires_at)
         VALUES ($1, $2, $3, $4)",
        &[
            &&token::hash_token(&id)[..],
            &token.id,
            &now,
            &session.expires_at,
        ],
    )
    .await?;
    audit(
        &tx,
        &token.name,
        "console.sign_in",
        token.id,
        None,
        None,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok((session, id))
}

/// The live session whose id is `presented` (see [`crate::store::sessions::find`]).
///
/// # Errors
/// Database errors.
pub async fn find_session(
    db: &impl GenericClient,
    presented: &str,
    now: i64,
) -> Result<Option<Session>, StoreError> {
    let row = db
        .query_opt(
            "SELECT t.id, t.name, t.scopes, t.created_at, t.revoked_at, s.expires_at
             FROM admin_sessions s JOIN admin_tokens t ON t.id = s.token_id
             WHERE s.id_hash = $1 AND s.expires_at > $2 AND t.revoked_at IS NULL",
            &[&&token::hash_token(presented)[..], &now],
        )
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    Ok(Some(Session {
        token: token_from_row(&row)?,
        expires_at: row.try_get(5)?,
    }))
}

/// Ends the session whose id is `presented`; false when there was none.
///
/// # Errors
/// Database errors.
pub async fn close_session(
    db: &mut tokio_postgres::Client,
    presented: &str,
    now: i64,
) -> Result<bool, StoreError> {
    let tx = db.transaction().await?;
    let found = find_session(&tx, presented, now).await?;
    tx.execute(
        "DELETE FROM admin_sessions WHERE id_hash = $1",
        &[&&token::hash_token(presented)[..]],
    )
    .await?;
    if let Some(session) = &found {
        let t = &session.token;
        audit(&tx, &t.name, "console.sign_out", t.id, None, None, now).await?;
    }
    tx.commit().await?;
    Ok(found.is_some())
}

/// The audit log, oldest first, for one item or all.
///
/// # Errors
/// Database errors.
pub async fn audit_log(
    db: &impl GenericClient,
    target_id: Option<&str>,
) -> Result<Vec<AuditEntry>, StoreError> {
    db.query(
        "SELECT at, actor, action, target_kind, target_id, before, after FROM audit_log
         WHERE ($1::text IS NULL OR target_id = $1) ORDER BY id",
        &[&target_id],
    )
    .await?
    .iter()
    .map(|r| {
        Ok(AuditEntry {
            at: r.try_get(0)?,
            actor: r.try_get(1)?,
            action: r.try_get(2)?,
            target_kind: r.try_get(3)?,
            target_id: r.try_get(4)?,
            before: r.try_get(5)?,
            after: r.try_get(6)?,
        })
    })
    .collect::<Result<_, tokio_postgres::Error>>()
    .map_err(StoreError::from)
}

/// Runs a schedule change written for SQLite on PostgreSQL (see the module docs): `Ok` with
/// the change's own result, which is committed only when it is `Ok` too.
///
/// # Errors
/// Database errors.
pub async fn schedule_change<T, E>(
    client: &mut tokio_postgres::Client,
    change: impl FnOnce(&mut rusqlite::Connection) -> Result<T, E>,
) -> Result<Result<T, E>, StoreError> {
    let tx = client.transaction().await?;
    let done = change_in(&tx, change).await?;
    if done.is_ok() {
        tx.commit().await?;
    }
    Ok(done)
}

/// Resolves notice `id` as [`schedule::resolve_notice`] does on SQLite: with
/// `resolve_tickets`, every open or pending ticket linked to it gets `message` as the agent's
/// reply and is resolved, its learner's e-mail and `ticket.updated` webhooks are queued and
/// one `tickets.resolve` audit row names them; all in the notice's transaction, so a notice
/// that cannot be resolved (unknown, already resolved) leaves its tickets as they were.
///
/// # Errors
/// Database errors; the change's own refusal inside `Ok`.
pub async fn resolve_notice(
    client: &mut tokio_postgres::Client,
    actor: &str,
    id: &str,
    message: Option<&str>,
    resolve_tickets: bool,
    now: i64,
) -> Result<Result<schedule::Resolved, schedule::ScheduleError>, StoreError> {
    let message = match schedule::resolution_message(message, resolve_tickets) {
        Ok(message) => message,
        Err(e) => return Ok(Err(e)),
    };
    let tx = client.transaction().await?;
    // The version row first, as every schedule change takes it: two resolutions take turns.
    lock_schedule(&tx).await?;
    let tickets = match (resolve_tickets, message) {
        (true, Some(message)) => resolve_linked_tickets(&tx, actor, id, message, now).await?,
        _ => Vec::new(),
    };
    let done = change_in(&tx, |memory| {
        schedule::resolve_notice(memory, actor, id, message, false, now)
    })
    .await?;
    let mut resolved = match done {
        Ok(resolved) => resolved,
        Err(e) => return Ok(Err(e)),
    };
    resolved.tickets = tickets;
    tx.commit().await?;
    Ok(Ok(resolved))
}

/// The tickets part of [`resolve_notice`], on the tickets in PostgreSQL (the schedule change
/// itself runs on the in-memory copy, which has none); their numbers, oldest first.
async fn resolve_linked_tickets(
    tx: &tokio_postgres::Transaction<'_>,
    actor: &str,
    notice: &str,
    message: &str,
    now: i64,
) -> Result<Vec<String>, StoreError> {
    let open = tx
        .query(
            "SELECT t.id, t.prefix, t.seq FROM tickets t
             JOIN ticket_notices n ON n.ticket_id = t.id
             WHERE n.notice_id = $1 AND t.status IN ('open', 'pending')
             ORDER BY t.id FOR UPDATE OF t",
            &[&notice],
        )
        .await?;
    let mut ids = Vec::with_capacity(open.len());
    let mut numbers = Vec::with_capacity(open.len());
    for row in &open {
        ids.push(row.try_get::<_, i64>(0)?);
        numbers.push(super::super::number(
            &row.try_get::<_, String>(1)?,
            row.try_get(2)?,
        ));
    }
    if !ids.is_empty() {
        tx.execute(
            "INSERT INTO replies (ticket_id, at, author, body)
             SELECT id, $2, 'agent', $3 FROM unnest($1::bigint[]) AS id ORDER BY id",
            &[&ids, &now, &message],
        )
        .await?;
        tx.execute(
            "UPDATE tickets SET status = 'resolved', updated_at = $2,
                    resolved_at = COALESCE(resolved_at, $2) WHERE id = ANY($1)",
            &[&ids, &now],
        )
        .await?;
        let change = schedule::resolved_with_notice(notice, message);
        for ticket in super::deliveries::tickets(tx, &ids).await? {
            let news = Some(LearnerNews::Resolved(Some(message)));
            super::deliveries::after_agent_change(tx, &ticket, news, change.clone(), now).await?;
        }
    }
    tx.execute(
        "INSERT INTO audit_log (at, actor, action, target_kind, target_id, before, after)
         VALUES ($1, $2, 'tickets.resolve', 'notice', $3, NULL, $4)",
        &[
            &now,
            &actor,
            &notice,
            &schedule::tickets_resolved_audit(message, &numbers),
        ],
    )
    .await?;
    Ok(numbers)
}

/// Takes the `schedule_version` row for the transaction; its version.
async fn lock_schedule(tx: &tokio_postgres::Transaction<'_>) -> Result<i64, StoreError> {
    Ok(tx
        .query_one(
            "SELECT version FROM schedule_version WHERE id = 1 FOR UPDATE",
            &[],
        )
        .await?
        .try_get(0)?)
}

/// The body of [`schedule_change`], in the caller's transaction, which commits it.
async fn change_in<T, E>(
    tx: &tokio_postgres::Transaction<'_>,
    change: impl FnOnce(&mut rusqlite::Connection) -> Result<T, E>,
) -> Result<Result<T, E>, StoreError> {
    let version = lock_schedule(tx).await?;
    let rows = tx
        .query(
            &format!("SELECT {} FROM schedule", schedule::ITEM_COLUMNS),
            &[],
        )
        .await?;
    let mut memory = rusqlite::Connection::open_in_memory()?;
    crate::store::schema::migrate(&memory)?;
    {
        memory.execute("UPDATE schedule_version SET version = ?1", [version])?;
        let mut insert = memory.prepare(&format!(
            "INSERT INTO schedule ({}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            schedule::ITEM_COLUMNS
        ))?;
        for r in &rows {
            insert.execute(rusqlite::params![
                r.try_get::<_, String>(0)?,
                r.try_get::<_, String>(1)?,
                r.try_get::<_, String>(2)?,
                r.try_get::<_, String>(3)?,
                r.try_get::<_, String>(4)?,
                r.try_get::<_, i64>(5)?,
                r.try_get::<_, String>(6)?,
                r.try_get::<_, i64>(7)?,
                r.try_get::<_, i64>(8)?,
            ])?;
        }
    }
    let before = schedule::list(&memory, None)?;
    let done = match change(&mut memory) {
        Ok(done) => done,
        Err(e) => return Ok(Err(e)),
    };
    let after = schedule::list(&memory, None)?;
    for item in after.iter().filter(|item| !before.contains(item)) {
        let entry = serde_json::Value::Object(item.entry.clone()).to_string();
        let targets = serde_json::Value::from(item.target.names().to_vec()).to_string();
        tx.execute(
            "INSERT INTO schedule (id, kind, target_kind, targets, entry, revision, status,
                                   created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             ON CONFLICT (id) DO UPDATE SET kind = $2, target_kind = $3, targets = $4,
                 entry = $5, revision = $6, status = $7, created_at = $8, updated_at = $9",
            &[
                &item.id,
                &item.kind.as_str(),
                &item.target.kind_str(),
                &targets,
                &entry,
                &item.revision,
                &item.status,
                &item.created_at,
                &item.updated_at,
            ],
        )
        .await?;
    }
    for entry in schedule::audit_log(&memory, None)? {
        tx.execute(
            "INSERT INTO audit_log (at, actor, action, target_kind, target_id, before, after)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[
                &entry.at,
                &entry.actor,
                &entry.action,
                &entry.target_kind,
                &entry.target_id,
                &entry.before,
                &entry.after,
            ],
        )
        .await?;
    }
    let new_version = schedule::version(&memory)?;
    tx.execute(
        "UPDATE schedule_version SET version = $1 WHERE id = 1",
        &[&new_version],
    )
    .await?;
    Ok(Ok(done))
}
