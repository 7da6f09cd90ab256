//! Sessions of the admin console (`/admin`): signing in with an admin token opens one, the
//! browser holds its random id in an `HttpOnly` cookie, and sign-out ends it.
//!
//! Only the SHA-256 of the id is stored, as for tokens, so a copy of the database opens no
//! console. A session acts as the token it was opened with: the same name in the audit log, the
//! same scopes; revoking the token ends its sessions at once (the lookup joins the token and
//! checks it is active). Expiry is absolute, counted from sign-in. Signing in and out are
//! audit-logged under the token's name. Nothing here knows about cookies or CSRF: that is
//! the HTTP layer's concern (`serve::console`).
//!
//! SQLite's SQL for sessions lives here, PostgreSQL's in [`super::pg::admin`]; a new session
//! (its random id and expiry, `new_session`) is made here for both.

use super::admin_tokens::{self, AdminToken};
use super::{token, StoreError};
use rusqlite::{params, Connection, OptionalExtension as _, TransactionBehavior};

/// How long a console session lasts after sign-in: a working day.
pub const LIFETIME_SECS: i64 = 8 * 3600;

/// An open session: the token it acts as, and when it ends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    /// The token it was opened with.
    pub token: AdminToken,
    /// Unix seconds after which it is refused.
    pub expires_at: i64,
}

/// Opens a session for `token` (already authenticated by the caller); returns the session and
/// its id in plaintext, which only the browser keeps. Expired sessions are swept on the way.
///
/// # Errors
/// The random source or the store failed.
pub fn open(
    conn: &mut Connection,
    token: &AdminToken,
    now: i64,
) -> Result<(Session, String), StoreError> {
    let (session, id) = new_session(token, now)?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.execute("DELETE FROM admin_sessions WHERE expires_at <= ?1", [now])?;
    tx.execute(
        "INSERT INTO admin_sessions (id_hash, token_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
        params![&token::hash_token(&id)[..], token.id, now, session.expires_at],
    )?;
    audit(&tx, &token.name, "console.sign_in", token.id, now)?;
    tx.commit()?;
    Ok((session, id))
}

/// A session for `token` signed in at `now`, and its random id (what every engine makes
/// before storing the id's hash).
///
/// # Errors
/// No random bytes.
pub(crate) fn new_session(token: &AdminToken, now: i64) -> Result<(Session, String), StoreError> {
    let id =
        token::new_token().map_err(|e| StoreError::Io(std::io::Error::other(e.to_string())))?;
    let session = Session {
        token: token.clone(),
        expires_at: now + LIFETIME_SECS,
    };
    Ok((session, id))
}

/// The live session whose id is `presented`: not expired, not signed out, its token active.
///
/// # Errors
/// SQLite errors.
pub fn find(conn: &Connection, presented: &str, now: i64) -> Result<Option<Session>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT t.id, t.name, t.scopes, t.created_at, t.revoked_at, s.expires_at
         FROM admin_sessions s JOIN admin_tokens t ON t.id = s.token_id
         WHERE s.id_hash = ?1 AND s.expires_at > ?2 AND t.revoked_at IS NULL",
    )?;
    Ok(stmt
        .query_row(params![&token::hash_token(presented)[..], now], |row| {
            let scopes: String = row.get(2)?;
            Ok(Session {
                token: AdminToken {
                    id: row.get(0)?,
                    name: row.get(1)?,
                    scopes: admin_tokens::scopes_of(&scopes),
                    created_at: row.get(3)?,
                    revoked_at: row.get(4)?,
                },
                expires_at: row.get(5)?,
            })
        })
        .optional()?)
}

/// Ends the session whose id is `presented`; false when there was none (already signed out,
/// expired and swept, or never opened).
///
/// # Errors
/// SQLite errors.
pub fn close(conn: &mut Connection, presented: &str, now: i64) -> Result<bool, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let found = find(&tx, presented, now)?;
    tx.execute(
        "DELETE FROM admin_sessions WHERE id_hash = ?1",
        [&token::hash_token(presented)[..]],
    )?;
    if let Some(session) = &found {
        audit(
            &tx,
            &session.token.name,
            "console.sign_out",
            session.token.id,
            now,
        )?;
    }
    tx.commit()?;
    Ok(found.is_some())
}

fn audit(
    conn: &Connection,
    actor: &str,
    action: &str,
    token_id: i64,
    now: i64,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO audit_log (at, actor, action, target_kind, target_id, before, after)
         VALUES (?1, ?2, ?3, 'token', ?4, NULL, NULL)",
        params![now, actor, action, token_id.to_string()],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::admin_tokens::{self, Scope};

    #[test]
    fn a_session_acts_as_its_token_until_it_expires_is_closed_or_the_token_is_revoked() {
        let mut conn = Connection::open_in_memory().expect("db");
        super::super::schema::migrate(&conn).expect("schema");
        let (token, _) = admin_tokens::create(&mut conn, "cli:ana", "ops", &[Scope::Schedule], 100)
            .expect("token");
        let (session, id) = open(&mut conn, &token, 1_000).expect("open");
        assert_eq!(session.expires_at, 1_000 + LIFETIME_SECS);
        let stored: Vec<u8> = conn
            .query_row("SELECT id_hash FROM admin_sessions", [], |r| r.get(0))
            .expect("row");
        assert_eq!(stored, token::hash_token(&id), "only the hash is stored");
        assert_eq!(
            find(&conn, &id, 1_001).expect("find"),
            Some(session.clone())
        );
        assert_eq!(find(&conn, "nope", 1_001).expect("find"), None);
        assert_eq!(
            find(&conn, &id, 1_000 + LIFETIME_SECS).expect("find"),
            None,
            "expired at its end"
        );
        assert!(close(&mut conn, &id, 1_002).expect("close"));
        assert_eq!(find(&conn, &id, 1_003).expect("find"), None, "signed out");
        assert!(!close(&mut conn, &id, 1_004).expect("close again"));

        let (_, again) = open(&mut conn, &token, 2_000).expect("open");
        admin_tokens::revoke(&mut conn, "cli:ana", "ops", 2_001).expect("revoke");
        assert_eq!(
            find(&conn, &again, 2_002).expect("find"),
            None,
            "token revoked"
        );
        let actions: Vec<String> = conn
            .prepare("SELECT actor || ' ' || action FROM audit_log WHERE action LIKE 'console.%' ORDER BY id")
            .expect("prepare")
            .query_map([], |r| r.get(0))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        assert_eq!(
            actions,
            [
                "ops console.sign_in",
                "ops console.sign_out",
                "ops console.sign_in"
            ]
        );
    }
}
