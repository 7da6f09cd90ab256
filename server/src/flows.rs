//! `lms-support flows FEED.json [--flow ID] [--locale TAG]`: the feed's guided flows as trees,
//! each question with its answers and where each leads, so an author reviews a flow the way a
//! learner walks it. The trees are `lms_support_widget::flows::tree`; problems in the feed go to
//! stderr as `warning: …` (a flow with one is left out, as the widget leaves it out).

use crate::feedfile;
use crate::output;
use lms_support_widget::flows::tree;
use std::path::Path;

/// Runs the command and returns its exit status: 0 on success, 1 for a feed that cannot be used
/// or a `--flow` it does not have, 2 for a bad `--locale` or an unreadable file.
pub fn run(path: &Path, flow: Option<&str>, locale: &str) -> u8 {
    if let Err(code) = feedfile::check_locale(locale) {
        return code;
    }
    let parsed = match feedfile::load_or_warn(path) {
        Ok(parsed) => parsed,
        Err(code) => return code,
    };
    let flows: Vec<_> = parsed
        .feed
        .flows
        .iter()
        .filter(|f| flow.is_none_or(|id| f.id == id))
        .collect();
    if let (Some(id), true) = (flow, flows.is_empty()) {
        let known: Vec<&str> = parsed.feed.flows.iter().map(|f| f.id.as_str()).collect();
        output::stderr(&format!(
            "the feed has no valid flow {id:?}; it has: {}\n",
            if known.is_empty() {
                "none".to_string()
            } else {
                known.join(", ")
            }
        ));
        return 1;
    }
    let trees: Vec<String> = flows.iter().map(|f| tree(f, locale)).collect();
    output::stdout(&trees.join("\n"));
    0
}
