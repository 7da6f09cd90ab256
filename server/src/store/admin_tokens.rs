//! Bearer tokens for the admin API (`/v1/admin/…`), created and revoked with the CLI.
//!
//! A token is `lms_` and 64 hex digits (32 random bytes); only its SHA-256 is stored, so the
//! plaintext is shown once, when it is made. Each token has a name, which the audit log records
//! as the actor of every change made with it, and scopes: `schedule` (windows and notices),
//! `tickets` (read tickets), `admin` (everything, and the audit log). Creating and revoking a
//! token are audit-logged too. Revoking keeps the row (its name stays in old audit entries);
//! a revoked token is refused at once.
//!
//! SQLite's SQL for tokens lives here, PostgreSQL's in [`super::pg::admin`]; the checks both
//! make before storing a token (`new_secret`) and the scope rules ([`AdminToken::allows`])
//! are written once, here.

use super::token;
use super::StoreError;
use rusqlite::{params, Connection, OptionalExtension as _, TransactionBehavior};
use std::fmt;

/// What a token may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    /// Author windows and notices.
    Schedule,
    /// Read tickets.
    Tickets,
    /// Everything, including the audit log.
    Admin,
}

impl Scope {
    /// Every scope, in the order they are written.
    pub const ALL: [Scope; 3] = [Scope::Schedule, Scope::Tickets, Scope::Admin];

    /// Its name: `schedule`, `tickets`, `admin`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Schedule => "schedule",
            Scope::Tickets => "tickets",
            Scope::Admin => "admin",
        }
    }

    /// The scope called `name`.
    pub fn parse(name: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

/// The prefix of every admin token, so a leaked one is easy to recognise (and to scan for).
pub const PREFIX: &str = "lms_";

/// A token as listed (never its secret).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdminToken {
    /// Row id, for `tokens revoke ID`.
    pub id: i64,
    /// Its name, the audit log's actor.
    pub name: String,
    /// What it may do.
    pub scopes: Vec<Scope>,
    /// When it was made.
    pub created_at: i64,
    /// When it was revoked, if it was.
    pub revoked_at: Option<i64>,
}

impl AdminToken {
    /// True when the token may act within `scope` (`admin` may do everything).
    pub fn allows(&self, scope: Scope) -> bool {
        self.scopes.contains(&scope) || self.scopes.contains(&Scope::Admin)
    }
}

/// Why a token operation was refused.
#[derive(Debug)]
pub enum TokenError {
    /// The name is empty, too long, or has characters other than letters, digits, `-_.@:`.
    BadName,
    /// No scope was given.
    NoScope,
    /// An active token already has this name.
    NameTaken(String),
    /// No active token with this id or name.
    NotFound(String),
    /// The random source or the store failed.
    Store(StoreError),
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenError::BadName => {
                f.write_str("a token name is 1 to 64 letters, digits, '-', '_', '.', '@' or ':'")
            }
            TokenError::NoScope => {
                f.write_str("give at least one --scope: schedule, tickets or admin")
            }
            TokenError::NameTaken(name) => {
                write!(f, "an active token is already named {name:?}; revoke it first or pick another name")
            }
            TokenError::NotFound(what) => write!(f, "no active token {what:?}"),
            TokenError::Store(e) => write!(f, "{e}"),
        }
    }
}

impl From<rusqlite::Error> for TokenError {
    fn from(e: rusqlite::Error) -> TokenError {
        TokenError::Store(StoreError::Sqlite(e))
    }
}

/// What every engine checks and makes before storing a new token: the name, the scopes
/// (sorted, once each, at least one) and the secret.
///
/// # Errors
/// [`TokenError::BadName`], [`TokenError::NoScope`]; no random bytes.
pub(crate) fn new_secret(name: &str, scopes: &[Scope]) -> Result<(Vec<Scope>, String), TokenError> {
    if !is_valid_name(name) {
        return Err(TokenError::BadName);
    }
    let mut scopes = scopes.to_vec();
    scopes.sort_unstable();
    scopes.dedup();
    if scopes.is_empty() {
        return Err(TokenError::NoScope);
    }
    let secret = token::new_token()
        .map(|hex| format!("{PREFIX}{hex}"))
        .map_err(|e| TokenError::Store(StoreError::Io(std::io::Error::other(e.to_string()))))?;
    Ok((scopes, secret))
}

fn is_valid_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'@' | b':'))
}

pub(crate) fn scopes_text(scopes: &[Scope]) -> String {
    scopes
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

pub(crate) fn scopes_of(text: &str) -> Vec<Scope> {
    text.split_whitespace().filter_map(Scope::parse).collect()
}

fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<AdminToken> {
    Ok(AdminToken {
        id: row.get(0)?,
        name: row.get(1)?,
        scopes: scopes_of(&row.get::<_, String>(2)?),
        created_at: row.get(3)?,
        revoked_at: row.get(4)?,
    })
}

const COLUMNS: &str = "id, name, scopes, created_at, revoked_at";

/// Makes a token; returns it and its plaintext, which is not stored anywhere.
///
/// # Errors
/// [`TokenError::BadName`], [`TokenError::NoScope`], [`TokenError::NameTaken`], store errors.
pub fn create(
    conn: &mut Connection,
    actor: &str,
    name: &str,
    scopes: &[Scope],
    now: i64,
) -> Result<(AdminToken, String), TokenError> {
    let (scopes, secret) = new_secret(name, scopes)?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let taken: bool = tx
        .prepare_cached("SELECT 1 FROM admin_tokens WHERE name = ?1 AND revoked_at IS NULL")?
        .exists([name])?;
    if taken {
        return Err(TokenError::NameTaken(name.to_string()));
    }
    tx.execute(
        "INSERT INTO admin_tokens (name, scopes, token_hash, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![
            name,
            scopes_text(&scopes),
            &token::hash_token(&secret)[..],
            now
        ],
    )?;
    let made = AdminToken {
        id: tx.last_insert_rowid(),
        name: name.to_string(),
        scopes,
        created_at: now,
        revoked_at: None,
    };
    audit(&tx, actor, "token.create", &made, None, now)?;
    tx.commit()?;
    Ok((made, secret))
}

/// Every token, active and revoked, oldest first.
///
/// # Errors
/// SQLite errors.
pub fn list(conn: &Connection) -> Result<Vec<AdminToken>, StoreError> {
    let mut stmt =
        conn.prepare_cached(&format!("SELECT {COLUMNS} FROM admin_tokens ORDER BY id"))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Revokes the active token with this id (digits) or name.
///
/// # Errors
/// [`TokenError::NotFound`], store errors.
pub fn revoke(
    conn: &mut Connection,
    actor: &str,
    id_or_name: &str,
    now: i64,
) -> Result<AdminToken, TokenError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let found = tx
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM admin_tokens
             WHERE revoked_at IS NULL AND (name = ?1 OR CAST(id AS TEXT) = ?1)
             ORDER BY name = ?1 DESC LIMIT 1"
        ))?
        .query_row([id_or_name], from_row)
        .optional()?;
    let Some(before) = found else {
        return Err(TokenError::NotFound(id_or_name.to_string()));
    };
    tx.execute(
        "UPDATE admin_tokens SET revoked_at = ?2 WHERE id = ?1",
        params![before.id, now],
    )?;
    let after = AdminToken {
        revoked_at: Some(now),
        ..before.clone()
    };
    audit(&tx, actor, "token.revoke", &after, Some(&before), now)?;
    tx.commit()?;
    Ok(after)
}

/// The active token whose plaintext is `presented`, if any.
///
/// # Errors
/// SQLite errors.
pub fn authenticate(conn: &Connection, presented: &str) -> Result<Option<AdminToken>, StoreError> {
    // The hash is the lookup key: a guess costs a SHA-256 and an index probe, and no
    // comparison of secrets happens in SQL's variable time.
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM admin_tokens WHERE token_hash = ?1 AND revoked_at IS NULL"
    ))?;
    Ok(stmt
        .query_row([&token::hash_token(presented)[..]], from_row)
        .optional()?)
}

pub(crate) fn to_json(t: &AdminToken) -> String {
    serde_json::json!({
        "id": t.id,
        "name": t.name,
        "scopes": t.scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
        "created_at": super::rfc3339(t.created_at),
        "revoked_at": t.revoked_at.map(super::rfc3339),
    })
    .to_string()
}

fn audit(
    conn: &Connection,
    actor: &str,
    action: &str,
    after: &AdminToken,
    before: Option<&AdminToken>,
    now: i64,
) -> Result<(), rusqlite::Error> {
    conn.execute(
        "INSERT INTO audit_log (at, actor, action, target_kind, target_id, before, after)
         VALUES (?1, ?2, ?3, 'token', ?4, ?5, ?6)",
        params![
            now,
            actor,
            action,
            after.id.to_string(),
            before.map(to_json),
            to_json(after)
        ],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> Connection {
        let conn = Connection::open_in_memory().expect("db");
        super::super::schema::migrate(&conn).expect("schema");
        conn
    }

    #[test]
    fn made_shown_once_stored_hashed_and_revoked() {
        let mut conn = db();
        let (made, secret) =
            create(&mut conn, "cli:ana", "deploy-bot", &[Scope::Schedule], 100).expect("create");
        assert!(secret.starts_with("lms_") && secret.len() == 68, "{secret}");
        let stored: Vec<u8> = conn
            .query_row("SELECT token_hash FROM admin_tokens", [], |r| r.get(0))
            .expect("hash");
        assert_eq!(stored, token::hash_token(&secret));
        let found = authenticate(&conn, &secret).expect("auth").expect("found");
        assert_eq!(found, made);
        assert!(found.allows(Scope::Schedule) && !found.allows(Scope::Tickets));
        assert!(authenticate(&conn, "lms_nope").expect("auth").is_none());
        assert!(matches!(
            create(&mut conn, "cli:ana", "deploy-bot", &[Scope::Admin], 101),
            Err(TokenError::NameTaken(_))
        ));
        assert!(matches!(
            create(&mut conn, "cli:ana", "x", &[], 101),
            Err(TokenError::NoScope)
        ));
        assert!(matches!(
            create(&mut conn, "cli:ana", "has space", &[Scope::Admin], 101),
            Err(TokenError::BadName)
        ));
        let revoked = revoke(&mut conn, "cli:ana", "deploy-bot", 200).expect("revoke");
        assert_eq!(revoked.revoked_at, Some(200));
        assert!(authenticate(&conn, &secret).expect("auth").is_none());
        assert!(matches!(
            revoke(&mut conn, "cli:ana", "deploy-bot", 201),
            Err(TokenError::NotFound(_))
        ));
        // The name is free again; by id works too.
        let (again, _) =
            create(&mut conn, "cli:ana", "deploy-bot", &[Scope::Admin], 300).expect("again");
        assert!(again.allows(Scope::Tickets), "admin may do everything");
        revoke(&mut conn, "cli:ana", &again.id.to_string(), 301).expect("by id");
        let actions: Vec<String> = conn
            .prepare("SELECT actor || ' ' || action FROM audit_log ORDER BY id")
            .expect("prepare")
            .query_map([], |r| r.get(0))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        assert_eq!(
            actions,
            [
                "cli:ana token.create",
                "cli:ana token.revoke",
                "cli:ana token.create",
                "cli:ana token.revoke"
            ]
        );
        assert_eq!(list(&conn).expect("list").len(), 2);
    }
}
