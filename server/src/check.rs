//! `lms-support check FEED.json [--strict]`: validates a feed the way the widget will read it.
//!
//! Output goes to stdout, one line per problem (exactly the core's `Problem` text), then one
//! `warning: …` line per unknown field, then `ok: …` when the feed passes. This module only
//! reports; the rules live in `lms_support_widget::feed`.

use crate::feedfile::{self, unknown_field_warning, LoadError};
use crate::output;
use lms_support_widget::feed::Parsed;
use std::path::Path;

/// Exit status: the feed passed.
pub const OK: u8 = 0;
/// Exit status: the feed has problems (or warnings under `--strict`), or cannot be used at all.
pub const FAILED: u8 = 1;
/// Exit status: the file could not be read, or the command line was wrong.
pub const USAGE: u8 = 2;

/// Runs the command and returns its exit status.
pub fn run(path: &Path, strict: bool) -> u8 {
    match feedfile::load(path) {
        Err(LoadError::Unreadable(message)) => {
            output::stderr(&format!("{message}\n"));
            USAGE
        }
        Err(LoadError::Fatal(error)) => {
            output::stdout(&format!("{error}\n"));
            FAILED
        }
        Ok(parsed) => {
            let (text, status) = report(&parsed, strict);
            output::stdout(&text);
            status
        }
    }
}

/// The report for a parsed feed and its exit status.
pub fn report(parsed: &Parsed, strict: bool) -> (String, u8) {
    let mut text = String::new();
    for problem in &parsed.problems {
        text.push_str(&format!("{problem}\n"));
    }
    if let Some(why) = parsed.refusal() {
        text.push_str(&format!(
            "the widget will not use this feed: {why}; learners keep their last good copy\n"
        ));
    }
    for field in &parsed.unknown_fields {
        text.push_str(&unknown_field_warning(field));
        text.push('\n');
    }
    let failed = !parsed.problems.is_empty() || (strict && !parsed.unknown_fields.is_empty());
    if failed {
        return (text, FAILED);
    }
    let feed = &parsed.feed;
    text.push_str(&format!(
        "ok: {}, {}, {}\n",
        count(
            feed.maintenance.len(),
            "maintenance window",
            "maintenance windows"
        ),
        count(feed.notices.len(), "notice", "notices"),
        count(feed.faq.len(), "FAQ entry", "FAQ entries"),
    ));
    if !feed.flows.is_empty() {
        // Before the newline: one line either way, flows named only where there are some.
        text.pop();
        text.push_str(&format!(", {}\n", count(feed.flows.len(), "flow", "flows")));
    }
    (text, OK)
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;
    use lms_support_widget::feed;
    use lms_support_widget::zone::TzDatabase;

    #[test]
    fn counts_are_pluralized() {
        let parsed = feed::parse(r#"{"version": 1}"#, &TzDatabase).expect("valid");
        assert_eq!(
            report(&parsed, true),
            (
                "ok: 0 maintenance windows, 0 notices, 0 FAQ entries\n".into(),
                OK
            )
        );
        let parsed = feed::parse(
            r#"{"version": 1, "notices": [{"id": "a", "title": {"en": "A"}}],
                "faq": [{"id": "f", "question": {"en": "Q"}, "answer": {"en": "A"}}]}"#,
            &TzDatabase,
        )
        .expect("valid");
        assert_eq!(
            report(&parsed, false).0,
            "ok: 0 maintenance windows, 1 notice, 1 FAQ entry\n"
        );
    }
}
