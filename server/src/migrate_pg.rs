//! `lms-support migrate-to-postgres --data DIR --database postgres://…`: copies a SQLite data
//! directory's database into an empty PostgreSQL database, in one transaction.
//!
//! Every table of [`crate::store::pg::COPIED_TABLES`] is copied row for row with its ids, so
//! ticket numbers, tokens (their hashes), idempotency keys, the schedule with its version, the
//! audit log and the delivery queue carry over; the identity sequences then continue after
//! the highest id. Rate-limit windows are not copied (one process kept them in memory).
//! Attachments stay files under `DIR/attachments`: give every instance that directory as
//! `--data`. The target must be empty (it refuses to copy twice), and the server must be
//! stopped while it runs, or tickets created meanwhile stay behind in SQLite.

use crate::output;
use crate::store::{self, pg, StoreError};
use rusqlite::types::ValueRef;
use std::path::Path;
use tokio_postgres::types::{ToSql, Type};

/// Rows inserted per pipelined round trip.
const CHUNK: usize = 256;

/// Runs the command; the exit status.
pub fn run(data: &Path, url: &str) -> u8 {
    if !pg::is_postgres_url(url) {
        output::stderr(&format!(
            "--database {url:?} is not a PostgreSQL URL (postgres://USER@HOST/DB)\n"
        ));
        return 2;
    }
    let path = store::db_path(data);
    let sqlite = match store::open_existing(&path) {
        Ok(Some(conn)) => conn,
        Ok(None) => {
            output::stderr(&format!("no database at {}\n", path.display()));
            return 2;
        }
        Err(e) => {
            output::stderr(&format!("cannot open {}: {e}\n", path.display()));
            return 1;
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            output::stderr(&format!("cannot start the async runtime: {e}\n"));
            return 1;
        }
    };
    match runtime.block_on(copy(&sqlite, url)) {
        Ok(counts) => {
            for (table, rows) in counts {
                output::stdout(&format!("{table}: {rows} rows\n"));
            }
            output::stdout(&format!(
                "copied {} into PostgreSQL; start the servers with --database and --data {}\n",
                path.display(),
                data.display()
            ));
            0
        }
        Err(message) => {
            output::stderr(&format!("{message}\n"));
            1
        }
    }
}

async fn copy(
    sqlite: &rusqlite::Connection,
    url: &str,
) -> Result<Vec<(&'static str, usize)>, String> {
    let mut client = pg::connect_migrated(url)
        .await
        .map_err(|e| format!("cannot open the PostgreSQL database: {e}"))?;
    let tx = client
        .transaction()
        .await
        .map_err(|e| StoreError::from(e).to_string())?;
    for table in pg::COPIED_TABLES {
        if *table == "schedule_version" {
            continue;
        }
        let rows = tx
            .query_one(&format!("SELECT EXISTS (SELECT 1 FROM {table})"), &[])
            .await
            .map_err(|e| StoreError::from(e).to_string())?;
        if rows.get::<_, bool>(0) {
            return Err(format!(
                "the PostgreSQL database already has {table}: migrate into an empty database (nothing was copied)"
            ));
        }
    }
    // Migration 1 made the version row; the copy brings SQLite's.
    tx.execute("DELETE FROM schedule_version", &[])
        .await
        .map_err(|e| StoreError::from(e).to_string())?;
    let mut counts = Vec::new();
    for table in pg::COPIED_TABLES {
        let n = copy_table(sqlite, &tx, table).await?;
        counts.push((*table, n));
    }
    for table in pg::IDENTITY_TABLES {
        tx.execute(
            &format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'),
                               COALESCE((SELECT max(id) FROM {table}), 1),
                               (SELECT max(id) FROM {table}) IS NOT NULL)"
            ),
            &[],
        )
        .await
        .map_err(|e| StoreError::from(e).to_string())?;
    }
    tx.commit()
        .await
        .map_err(|e| StoreError::from(e).to_string())?;
    Ok(counts)
}

/// One SQLite value, typed for the PostgreSQL column it goes to.
#[derive(Debug)]
enum Value {
    Int(Option<i64>),
    Text(Option<String>),
    Bytes(Option<Vec<u8>>),
}

impl Value {
    fn as_sql(&self) -> &(dyn ToSql + Sync) {
        match self {
            Value::Int(v) => v,
            Value::Text(v) => v,
            Value::Bytes(v) => v,
        }
    }
}

fn convert(value: ValueRef<'_>, target: &Type, column: &str) -> Result<Value, String> {
    let mismatch = || format!("column {column}: {value:?} does not fit {target}");
    Ok(match (value, target) {
        (ValueRef::Null, &Type::INT8) => Value::Int(None),
        (ValueRef::Null, &Type::BYTEA) => Value::Bytes(None),
        (ValueRef::Null, _) => Value::Text(None),
        (ValueRef::Integer(i), &Type::INT8) => Value::Int(Some(i)),
        (ValueRef::Text(t), &Type::TEXT) => {
            Value::Text(Some(String::from_utf8(t.to_vec()).map_err(|_| mismatch())?))
        }
        (ValueRef::Blob(b), &Type::BYTEA) => Value::Bytes(Some(b.to_vec())),
        _ => return Err(mismatch()),
    })
}

async fn copy_table(
    sqlite: &rusqlite::Connection,
    tx: &tokio_postgres::Transaction<'_>,
    table: &str,
) -> Result<usize, String> {
    let sqlite_error = |e: rusqlite::Error| format!("reading {table}: {e}");
    let pg_error = |e: tokio_postgres::Error| format!("writing {table}: {}", StoreError::from(e));
    let columns: Vec<String> = sqlite
        .prepare(&format!(
            "SELECT name FROM pragma_table_info('{table}') ORDER BY cid"
        ))
        .and_then(|mut s| {
            s.query_map([], |r| r.get(0))?
                .collect::<Result<Vec<String>, _>>()
        })
        .map_err(sqlite_error)?;
    let list = columns.join(", ");
    let placeholders: Vec<String> = (1..=columns.len()).map(|i| format!("${i}")).collect();
    let insert = tx
        .prepare(&format!(
            "INSERT INTO {table} ({list}) VALUES ({})",
            placeholders.join(", ")
        ))
        .await
        .map_err(pg_error)?;
    let types = insert.params().to_vec();
    let mut stmt = sqlite
        .prepare(&format!("SELECT {list} FROM {table} ORDER BY rowid"))
        .or_else(|_| sqlite.prepare(&format!("SELECT {list} FROM {table}")))
        .map_err(sqlite_error)?;
    let mut rows = stmt.query([]).map_err(sqlite_error)?;
    let mut chunk: Vec<Vec<Value>> = Vec::with_capacity(CHUNK);
    let mut copied = 0;
    loop {
        let row = rows.next().map_err(sqlite_error)?;
        if let Some(row) = row {
            let mut values = Vec::with_capacity(columns.len());
            for (i, (column, target)) in columns.iter().zip(&types).enumerate() {
                values.push(convert(
                    row.get_ref(i).map_err(sqlite_error)?,
                    target,
                    column,
                )?);
            }
            chunk.push(values);
        }
        if chunk.len() == CHUNK || (row.is_none() && !chunk.is_empty()) {
            // Sent back to back: one round trip per chunk.
            let inserts = chunk.iter().map(|values| {
                let params: Vec<&(dyn ToSql + Sync)> = values.iter().map(Value::as_sql).collect();
                let insert = &insert;
                async move { tx.execute(insert, &params).await }
            });
            futures_util::future::try_join_all(inserts)
                .await
                .map_err(pg_error)?;
            copied += chunk.len();
            chunk.clear();
        }
        if row.is_none() {
            return Ok(copied);
        }
    }
}
