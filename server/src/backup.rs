//! `lms-support backup DEST --data DIR`: a consistent copy of a data directory, taken while the
//! server keeps writing.
//!
//! The database is copied with SQLite's online backup API in a single step: one read
//! transaction, so the copy is the database as of one instant, and in WAL mode the server's
//! writer is not held up meanwhile. Then the attachments that copy refers to are copied and
//! checked against the SHA-256 the database holds for them. The server moves a ticket's files
//! into place before its row commits, so every file the snapshot names is already complete;
//! files of tickets committed after the snapshot are left out. The result is built beside
//! `DEST` and renamed into place at the end, so `DEST` is either a whole backup or absent.
//!
//! `DEST` is laid out like a data directory (`support.db`, `attachments/`): restoring is
//! stopping the server and serving `DEST` (or copying it to where `--data` points).

use crate::output;
use crate::store::{self, ATTACHMENTS_DIR};
use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};
use sha2::{Digest as _, Sha256};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long to keep retrying while the source is locked (a checkpoint, a migration).
const LOCKED_PATIENCE: Duration = Duration::from_secs(30);

/// What a finished backup holds.
#[derive(Debug)]
pub struct Summary {
    /// Tickets in the copy.
    pub tickets: i64,
    /// Attachment files copied.
    pub files: usize,
    /// Bytes of attachments copied.
    pub bytes: u64,
}

/// `backup --database postgres://…`: the state is PostgreSQL's, which its own tools back up
/// consistently while the instances run; this says how (exit status 2, nothing copied).
pub fn on_postgres(dest: &Path, data: &Path, url: &str) -> u8 {
    let name = url.rsplit('/').next().unwrap_or("lms_support");
    let name = name.split('?').next().unwrap_or(name);
    crate::output::stderr(&format!(
        "backup copies a SQLite data directory; the database {name} is PostgreSQL's to back up, while the servers run:\n  \
         pg_dump -Fc '{url}' > {}/lms-support.dump   (restore with pg_restore -d {name})\n  \
         cp -a {}/attachments {}/   (the ticket attachments, which stay files under --data)\n",
        dest.display(),
        data.display(),
        dest.display()
    ));
    2
}

/// Runs the command; returns the exit status (0 done, 1 failed, 2 bad usage).
pub fn run(dest: &Path, data: &Path) -> u8 {
    let source = store::db_path(data);
    if !source.is_file() {
        output::stderr(&format!(
            "no database at {}: pass the server's --data directory\n",
            source.display()
        ));
        return 2;
    }
    if dest.exists() {
        output::stderr(&format!(
            "{} already exists: pick a new destination, a backup never overwrites\n",
            dest.display()
        ));
        return 2;
    }
    let started = Instant::now();
    match backup(&source, data, dest) {
        Ok(summary) => {
            output::stdout(&format!(
                "backed up {} tickets and {} attachments ({} bytes) to {} in {:.1} s\n",
                summary.tickets,
                summary.files,
                summary.bytes,
                dest.display(),
                started.elapsed().as_secs_f64()
            ));
            0
        }
        Err(message) => {
            output::stderr(&format!("backup failed: {message}\n"));
            1
        }
    }
}

/// Copies the database at `source` and the attachments it names under `data` to `dest`.
///
/// # Errors
/// A message naming what failed; nothing is left at `dest` then.
pub fn backup(source: &Path, data: &Path, dest: &Path) -> Result<Summary, String> {
    let name = dest
        .file_name()
        .ok_or_else(|| format!("{} is not a directory name", dest.display()))?
        .to_string_lossy()
        .into_owned();
    let partial = dest.with_file_name(format!(".{name}.partial-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&partial);
    let result = build(source, data, &partial).and_then(|summary| {
        std::fs::rename(&partial, dest)
            .map_err(|e| format!("cannot move the backup to {}: {e}", dest.display()))?;
        Ok(summary)
    });
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&partial);
    }
    result
}

fn build(source: &Path, data: &Path, into: &Path) -> Result<Summary, String> {
    std::fs::create_dir_all(into.join(ATTACHMENTS_DIR))
        .map_err(|e| format!("cannot create {}: {e}", into.display()))?;
    let copy_path = store::db_path(into);
    let src = Connection::open_with_flags(
        source,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| format!("cannot open {}: {e}", source.display()))?;
    let mut copy = Connection::open(&copy_path)
        .map_err(|e| format!("cannot create {}: {e}", copy_path.display()))?;
    snapshot(&src, &mut copy)?;
    drop(src);
    let quick: String = copy
        .query_row("PRAGMA quick_check", [], |row| row.get(0))
        .map_err(|e| format!("cannot check the copy: {e}"))?;
    if quick != "ok" {
        return Err(format!("the copy fails SQLite's check: {quick}"));
    }
    let tickets: i64 = copy
        .query_row("SELECT COUNT(*) FROM tickets", [], |row| row.get(0))
        .map_err(|e| format!("cannot count tickets in the copy: {e}"))?;
    let files = attachments(&copy)?;
    // Closing checkpoints the copy's WAL into the file, so the backup is one file.
    copy.close()
        .map_err(|(_, e)| format!("cannot close the copy: {e}"))?;
    let mut bytes = 0;
    for (path, sha256) in &files {
        bytes += copy_checked(&data.join(path), &into.join(path), sha256)?;
    }
    Ok(Summary {
        tickets,
        files: files.len(),
        bytes,
    })
}

/// The whole database in one step, retrying while the source is locked.
fn snapshot(src: &Connection, copy: &mut Connection) -> Result<(), String> {
    let backup = Backup::new(src, copy).map_err(|e| format!("cannot start the backup: {e}"))?;
    let deadline = Instant::now() + LOCKED_PATIENCE;
    loop {
        match backup.step(-1) {
            Ok(StepResult::Done) => return Ok(()),
            Ok(StepResult::Busy | StepResult::Locked | StepResult::More) => {
                if Instant::now() > deadline {
                    return Err("the database stayed locked for 30 s".to_string());
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            Ok(_) => return Err("unexpected backup step result".to_string()),
            Err(e) => return Err(format!("cannot copy the database: {e}")),
        }
    }
}

/// Every attachment the copy names: its path under the data directory and its SHA-256.
fn attachments(copy: &Connection) -> Result<Vec<(PathBuf, Vec<u8>)>, String> {
    let read = || -> rusqlite::Result<Vec<(PathBuf, Vec<u8>)>> {
        let mut stmt = copy.prepare("SELECT path, sha256 FROM attachments ORDER BY id")?;
        let rows = stmt.query_map([], |row| {
            Ok((PathBuf::from(row.get::<_, String>(0)?), row.get(1)?))
        })?;
        rows.collect()
    };
    read().map_err(|e| format!("cannot list attachments in the copy: {e}"))
}

/// Copies `from` to `to`, checking the bytes against `sha256`; returns the length.
fn copy_checked(from: &Path, to: &Path, sha256: &[u8]) -> Result<u64, String> {
    let bytes = std::fs::read(from).map_err(|e| format!("cannot read {}: {e}", from.display()))?;
    if Sha256::digest(&bytes)[..] != *sha256 {
        return Err(format!(
            "{} does not match the checksum the database holds for it",
            from.display()
        ));
    }
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    std::fs::write(to, &bytes).map_err(|e| format!("cannot write {}: {e}", to.display()))?;
    Ok(bytes.len() as u64)
}
