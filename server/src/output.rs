//! Writing to stdout and stderr without panicking.
//!
//! `println!` panics when stdout is a closed pipe (`lms-support check feed.json | head -0`);
//! a command line tool should just stop writing instead.

use std::io::Write as _;

/// Writes `text` to stdout and flushes; errors (a closed pipe) are ignored.
pub fn stdout(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

/// Writes `text` to stderr; errors are ignored.
pub fn stderr(text: &str) {
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}
