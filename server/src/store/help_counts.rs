//! Per-client daily counts of anonymous help events (issue 18): what `POST …/events` adds to
//! and `lms-support report` reads. Each kind and key is one row per day; see
//! `lms_support_widget::help_events` for the kinds.

use super::StoreError;
use lms_support_widget::help_events::Counter;
use rusqlite::{params, Connection};

/// Adds `counts` to `client`'s rows for `day` (`YYYY-MM-DD`, UTC), inside the caller's
/// transaction.
///
/// # Errors
/// SQLite errors.
pub fn add(
    conn: &Connection,
    client: &str,
    day: &str,
    counts: &[(Counter, u64)],
) -> Result<(), StoreError> {
    let mut upsert = conn.prepare_cached(
        "INSERT INTO help_counts (client, day, kind, key, count) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (client, day, kind, key) DO UPDATE SET count = count + excluded.count",
    )?;
    for ((kind, key), n) in counts {
        upsert.execute(params![
            client,
            day,
            kind,
            key,
            i64::try_from(*n).unwrap_or(i64::MAX)
        ])?;
    }
    Ok(())
}

/// `client`'s counts from `since` (a day, inclusive) on, summed over the days: (kind, key,
/// count), by kind then key.
///
/// # Errors
/// SQLite errors.
pub fn totals(
    conn: &Connection,
    client: &str,
    since: &str,
) -> Result<Vec<(String, String, u64)>, StoreError> {
    let mut rows = conn.prepare_cached(
        "SELECT kind, key, SUM(count) FROM help_counts WHERE client = ?1 AND day >= ?2
         GROUP BY kind, key ORDER BY kind, key",
    )?;
    let totals = rows
        .query_map(params![client, since], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                u64::try_from(r.get::<_, i64>(2)?).unwrap_or(0),
            ))
        })?
        .collect::<Result<_, _>>()?;
    Ok(totals)
}
