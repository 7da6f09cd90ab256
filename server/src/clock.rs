//! The system clock, read only at the edges (`demo-feed` without `--now`, `serve`, log lines).
//!
//! The core never reads a clock (style §1); commands that need "now" read it here once.

use lms_support_widget::time::Timestamp;
use std::time::{SystemTime, UNIX_EPOCH};

/// The current instant, to the second.
pub fn now() -> Timestamp {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(d) => Timestamp(i64::try_from(d.as_secs()).unwrap_or(i64::MAX)),
        // A clock set before 1970: count back.
        Err(e) => Timestamp(-i64::try_from(e.duration().as_secs()).unwrap_or(i64::MAX)),
    }
}
