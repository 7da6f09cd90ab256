//! `lms-support tokens create|list|revoke`: bearer tokens for the admin API, on the data
//! directory the server uses (`--data DIR`) or its PostgreSQL database (`--database URL`),
//! while it runs. The rules and SQL live in
//! [`crate::store::admin_tokens`]. Exit statuses: 0 done, 1 refused or a database problem,
//! 2 bad usage.

use crate::output;
use crate::store;
use crate::store::admin_tokens::{self, Scope, TokenError};
use clap::Subcommand;
use std::fmt::Write as _;
use std::path::Path;

/// `lms-support tokens …`.
#[derive(Debug, Subcommand)]
pub enum TokensCommand {
    /// Make a token and print it once (only its SHA-256 is kept).
    Create {
        /// Its name: the audit log's actor for every change made with it.
        #[arg(long, value_name = "NAME")]
        name: String,
        /// schedule (windows and notices), tickets (read tickets) or admin (everything, and
        /// the audit log); repeatable.
        #[arg(long = "scope", value_name = "SCOPE", required = true)]
        scopes: Vec<String>,
    },
    /// The tokens: id, name, scopes, created, revoked.
    List,
    /// Refuse a token from now on.
    Revoke {
        /// Its id (from `tokens list`) or name.
        #[arg(value_name = "ID|NAME")]
        token: String,
    },
}

/// Runs a tokens command on the database in `data`, or on the PostgreSQL `database`; returns
/// the exit status.
pub fn run(data: &Path, database: Option<&str>, command: TokensCommand) -> u8 {
    let now = match crate::agent::now() {
        Ok(now) => now,
        Err(message) => {
            output::stderr(&format!("{message}\n"));
            return 2;
        }
    };
    let mut scopes = Vec::new();
    if let TokensCommand::Create { scopes: names, .. } = &command {
        for name in names {
            match Scope::parse(name) {
                Some(scope) => scopes.push(scope),
                None => {
                    output::stderr(&format!(
                        "unknown scope {name:?}: use schedule, tickets or admin\n"
                    ));
                    return 2;
                }
            }
        }
    }
    let actor = crate::authoring::actor();
    if let Some(url) = database {
        return report(on_postgres(url, command, &actor, &scopes, now));
    }
    // Tokens may be made before the server ever ran, so the database is created here.
    let mut conn = match store::open_or_create_in(data) {
        Ok(conn) => conn,
        Err(message) => {
            output::stderr(&format!("{message}\n"));
            return 1;
        }
    };
    // Printed: stdout (the secret alone, for `$(…)`, or the answer) and a note for stderr.
    let result = match command {
        TokensCommand::Create { name, .. } => {
            admin_tokens::create(&mut conn, &actor, &name, &scopes, now).map(created)
        }
        TokensCommand::List => admin_tokens::list(&conn)
            .map(|list| (table(&list), String::new()))
            .map_err(TokenError::Store),
        TokensCommand::Revoke { token } => {
            admin_tokens::revoke(&mut conn, &actor, &token, now).map(revoked)
        }
    };
    report(result)
}

/// The same commands on PostgreSQL ([`crate::store::pg::admin`]).
fn on_postgres(
    url: &str,
    command: TokensCommand,
    actor: &str,
    scopes: &[Scope],
    now: i64,
) -> Result<(String, String), TokenError> {
    use crate::store::pg;
    let runtime =
        pg::cli_runtime(url).map_err(|e| TokenError::Store(store::StoreError::Postgres(e)))?;
    runtime.block_on(async {
        let mut db = pg::connect_migrated(url).await.map_err(TokenError::Store)?;
        match command {
            TokensCommand::Create { name, .. } => {
                pg::admin::create_token(&mut db, actor, &name, scopes, now)
                    .await
                    .map(created)
            }
            TokensCommand::List => pg::admin::list_tokens(&db)
                .await
                .map(|list| (table(&list), String::new()))
                .map_err(TokenError::Store),
            TokensCommand::Revoke { token } => pg::admin::revoke_token(&mut db, actor, &token, now)
                .await
                .map(revoked),
        }
    })
}

/// What `create` prints: the secret alone on stdout, a note on stderr.
fn created((made, secret): (admin_tokens::AdminToken, String)) -> (String, String) {
    (
        format!("{secret}\n"),
        format!(
            "token {} ({}) created with scope {}; it is shown only this once\n",
            made.id,
            made.name,
            scope_list(&made.scopes)
        ),
    )
}

fn revoked(t: admin_tokens::AdminToken) -> (String, String) {
    (
        format!("token {} ({}) revoked\n", t.id, t.name),
        String::new(),
    )
}

fn report(result: Result<(String, String), TokenError>) -> u8 {
    match result {
        Ok((out, note)) => {
            output::stdout(&out);
            if !note.is_empty() {
                output::stderr(&note);
            }
            0
        }
        Err(e) => {
            output::stderr(&format!("{e}\n"));
            1
        }
    }
}

fn scope_list(scopes: &[Scope]) -> String {
    scopes
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

fn table(list: &[admin_tokens::AdminToken]) -> String {
    let mut out = String::from("id\tname\tscopes\tcreated\trevoked\n");
    for t in list {
        let _ = writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}",
            t.id,
            t.name,
            scope_list(&t.scopes),
            store::rfc3339(t.created_at),
            t.revoked_at.map_or_else(|| "-".to_string(), store::rfc3339)
        );
    }
    out
}
