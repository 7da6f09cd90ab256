//! `lms-support search FEED.json "query" [--locale TAG] [--limit N]`: the widget's FAQ search,
//! from the command line.
//!
//! Prints design §6's `{"hits":[{"id":"…","score":1.234}]}` on one line, best first, with
//! scores rounded to three decimals. The index and ranking are
//! `lms_support_widget::search::SearchIndex`, the code the help panel runs; this module only
//! loads the feed and writes JSON. Problems in the feed do not stop a search: they go to stderr
//! as `warning: …` and the valid entries are searched.

use crate::feedfile;
use crate::output;
use lms_support_widget::search::{Hit, SearchIndex};
use std::path::Path;

/// Runs the command and returns its exit status: 0 on success (even with no hits), 1 for a
/// feed that cannot be used at all, 2 for a bad `--locale` or an unreadable file.
pub fn run(path: &Path, query: &str, locale: &str, limit: usize) -> u8 {
    if let Err(code) = feedfile::check_locale(locale) {
        return code;
    }
    let parsed = match feedfile::load_or_warn(path) {
        Ok(parsed) => parsed,
        Err(code) => return code,
    };
    let index = SearchIndex::build(&parsed.feed.faq, locale);
    output::stdout(&format!("{}\n", render(&index.search(query, limit))));
    0
}

/// The hits as one line of JSON.
pub fn render(hits: &[Hit]) -> String {
    // A score is written as a plain decimal here (serde_json would print the float's shortest
    // round-trip form); only the id goes through serde_json, for escaping.
    let items: Vec<String> = hits
        .iter()
        .map(|hit| {
            format!(
                "{{\"id\":{},\"score\":{}}}",
                serde_json::Value::from(hit.id.as_str()),
                score(hit.score)
            )
        })
        .collect();
    format!("{{\"hits\":[{}]}}", items.join(","))
}

/// `score` rounded to three decimals, written without trailing zeros (`1.5`, `2`, `0.333`).
fn score(score: f32) -> String {
    let rounded = (f64::from(score) * 1000.0).round() / 1000.0;
    if rounded.is_finite() {
        format!("{rounded}")
    } else {
        "0".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_compact_json_with_rounded_scores() {
        let hit = |id: &str, score: f32| Hit {
            index: 0,
            id: id.to_string(),
            score,
        };
        assert_eq!(render(&[]), r#"{"hits":[]}"#);
        assert_eq!(
            render(&[
                hit("a\"b", 12.34567),
                hit("c", 1.5),
                hit("d", 2.0),
                hit("e", 0.0004)
            ]),
            r#"{"hits":[{"id":"a\"b","score":12.346},{"id":"c","score":1.5},{"id":"d","score":2},{"id":"e","score":0}]}"#
        );
    }
}
