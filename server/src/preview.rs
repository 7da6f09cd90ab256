//! `lms-support preview`: what the banner would show at an instant, as one line of JSON.
//!
//! The phases, audience filter and ordering are `lms_support_widget::banner::active_items`, the
//! same code the widget runs; this module only chooses the viewer, formats instants and writes
//! design §6's JSON with its keys in order. Problems in the feed do not stop a preview: they go
//! to stderr as `warning: …` and the valid rest of the feed is previewed.

use crate::feedfile;
use crate::localtime::{local_range, local_since};
use crate::output;
use lms_support_widget::banner::{active_items, Viewer};
use lms_support_widget::feed::Feed;
use lms_support_widget::i18n::Lang;
use lms_support_widget::time::Timestamp;
use lms_support_widget::zone::{TimeZones, TzDatabase, UnknownZone};
use serde_json::{json, Value};
use std::path::Path;

/// What to preview, as given on the command line.
#[derive(Clone, Debug)]
pub struct Options<'a> {
    /// The instant, RFC 3339.
    pub at: &'a str,
    /// IANA zone the learner reads times in.
    pub tz: &'a str,
    /// The learner's language tag.
    pub locale: &'a str,
    /// The learner's LMS role.
    pub role: Option<&'a str>,
    /// The current course id.
    pub course: Option<&'a str>,
    /// The page is quiet (a quiz).
    pub quiet: bool,
}

/// Runs the command and returns its exit status: 0 on success, 1 for a feed that cannot be used
/// at all, 2 for a bad `--at`/`--tz` or an unreadable file.
pub fn run(path: &Path, options: &Options<'_>) -> u8 {
    let now = match Timestamp::parse_rfc3339(options.at) {
        Ok(now) => now,
        Err(message) => {
            output::stderr(&format!("invalid --at: {message}\n"));
            return 2;
        }
    };
    if TzDatabase.offset_at(options.tz, now).is_err() {
        output::stderr(&format!("unknown time zone {:?}\n", options.tz));
        return 2;
    }
    let parsed = match feedfile::load_or_warn(path) {
        Ok(parsed) => parsed,
        Err(code) => return code,
    };
    let viewer = Viewer {
        role: options.role,
        course: options.course,
        quiet: options.quiet,
    };
    match render(
        &parsed.feed,
        &viewer,
        now,
        options.tz,
        options.locale,
        &TzDatabase,
    ) {
        Ok(json) => {
            output::stdout(&format!("{json}\n"));
            0
        }
        Err(UnknownZone) => {
            // Checked above; only a zone database that answers differently by instant gets here.
            output::stderr(&format!("unknown time zone {:?}\n", options.tz));
            2
        }
    }
}

/// The preview JSON (one line, no trailing newline) for `viewer` at `now`.
///
/// # Errors
/// [`UnknownZone`] when `tz` is not a zone `zones` knows.
pub fn render(
    feed: &Feed,
    viewer: &Viewer<'_>,
    now: Timestamp,
    tz: &str,
    locale: &str,
    zones: &dyn TimeZones,
) -> Result<String, UnknownZone> {
    let lang = Lang::negotiate(locale);
    let mut items = Vec::new();
    for item in active_items(feed, viewer, now, zones) {
        let local = match (item.starts_at, item.ends_at) {
            (Some(start), Some(end)) => Some(local_range(start, end, tz, zones, lang)?),
            (Some(since), None) => Some(local_since(since, tz, zones, lang)?),
            (None, _) => None,
        };
        // `serde_json`'s `preserve_order` keeps the members in the order written here.
        items.push(json!({
            "id": item.id(),
            "kind": item.kind(),
            "phase": item.phase.as_str(),
            "severity": item.severity().as_str(),
            "starts_at": item.starts_at.map(|t| t.to_string()),
            "ends_at": item.ends_at.map(|t| t.to_string()),
            "title": item.title(locale),
            "body": item.body(locale),
            "local_range": local,
        }));
    }
    Ok(json!({ "items": Value::Array(items) }).to_string())
}
