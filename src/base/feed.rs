//! The feed (design §3): parsing and validation of version 1.
//!
//! [`parse`] never fails because of one bad entry: an invalid maintenance window, notice or FAQ
//! entry is skipped and reported as a [`Problem`] naming its position and id, and the rest of the
//! feed still works. Unknown fields are ignored and listed once in [`Parsed::unknown_fields`].
//! Only a feed that is not JSON, not an object, or not version 1 is rejected whole
//! ([`FeedError`]); the caller then keeps its last good copy. This module does not decide what
//! is shown when; that is [`crate::banner`].

use crate::base::decimal::decimal;
use crate::base::json::{Limits, Map, Value};
use crate::base::text::{localized_field as localized, LocalizedText};
use crate::base::time::{parse_clock, Timestamp, Weekday};
use crate::base::zone::TimeZones;
use crate::help::flows::{self, Flow};
use std::fmt;

/// A validated feed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Feed {
    /// Who the feed is for.
    pub client: Client,
    /// Maintenance windows, one-off and recurring.
    pub maintenance: Vec<Window>,
    /// Known issues and other notices.
    pub notices: Vec<Notice>,
    /// Frequently asked questions.
    pub faq: Vec<FaqEntry>,
    /// Guided troubleshooting, each flow checked whole ([`crate::flows`]).
    pub flows: Vec<Flow>,
    /// Where and how tickets go; `None` when the feed has no valid `support` section.
    pub support: Option<Support>,
}

/// The client (the LMS site) the feed describes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Client {
    /// The institution, e.g. "Acme College".
    pub name: String,
    /// The site's name as learners know it, e.g. "Acme Learn".
    pub site_name: String,
    /// CSS selectors; a page matching any of them is quiet (a quiz, an exam).
    pub quiet_pages: Vec<String>,
}

/// How severe a window or notice is; ordered from least to most severe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// For information only.
    Info,
    /// Little impact.
    Minor,
    /// Much of the site affected.
    Major,
    /// The whole site or a security issue.
    Critical,
}

impl Severity {
    /// The name used in feeds and in `preview` output.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Minor => "minor",
            Severity::Major => "major",
            Severity::Critical => "critical",
        }
    }
}

/// Who an item is for; an empty list means everyone.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Audience {
    /// LMS roles such as `student`, `teacher`.
    pub roles: Vec<String>,
    /// Course ids as the LMS writes them.
    pub courses: Vec<String>,
}

/// A maintenance window.
#[derive(Clone, Debug, PartialEq)]
pub struct Window {
    /// Stable id, used for dismissals.
    pub id: String,
    /// Bumped by the vendor when the window changes; a new revision shows again after a dismissal.
    pub revision: u32,
    /// When it happens.
    pub schedule: Schedule,
    /// How many days ahead the advance notice starts.
    pub notice_days: u32,
    /// How severe the downtime is.
    pub severity: Severity,
    /// Short title.
    pub title: LocalizedText,
    /// Longer explanation, possibly empty.
    pub body: LocalizedText,
    /// Who sees it.
    pub audience: Audience,
    /// The known-issue period after the window, if any.
    pub after: Option<After>,
    /// True when `status` is `cancelled`.
    pub cancelled: bool,
}

/// When a window happens.
#[derive(Clone, Debug, PartialEq)]
pub enum Schedule {
    /// A single window between two instants (start inclusive, end exclusive).
    Once {
        /// First instant of the downtime.
        starts_at: Timestamp,
        /// First instant after the downtime.
        ends_at: Timestamp,
    },
    /// A window that repeats at a wall-clock time in a time zone.
    Recurring(Recurrence),
}

/// A repeating window (design §3).
#[derive(Clone, Debug, PartialEq)]
pub struct Recurrence {
    /// How often.
    pub every: Cadence,
    /// Wall-clock start, hour and minute.
    pub start: (u8, u8),
    /// Elapsed minutes from start to end.
    pub duration_minutes: u32,
    /// IANA zone of the wall-clock start.
    pub time_zone: String,
}

/// How often a recurring window repeats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cadence {
    /// Every day.
    Day,
    /// Every week on this day.
    Week(Weekday),
    /// Every month on this day of the month (1–28).
    MonthDay(u8),
    /// Every month on the nth weekday (1–4, or -1 for the last).
    MonthNth(i8, Weekday),
}

/// What follows a window: a known-issue period.
#[derive(Clone, Debug, PartialEq)]
pub struct After {
    /// How long after the end the notice shows.
    pub hours: u32,
    /// The known-issue text; a generic message when empty.
    pub body: LocalizedText,
}

/// Status of a known issue, as on status pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoticeStatus {
    /// Looking into it.
    Investigating,
    /// Cause found.
    Identified,
    /// Fix deployed, watching.
    Monitoring,
    /// Over; no longer shown.
    Resolved,
}

impl NoticeStatus {
    /// The name used in feeds.
    pub fn as_str(self) -> &'static str {
        match self {
            NoticeStatus::Investigating => "investigating",
            NoticeStatus::Identified => "identified",
            NoticeStatus::Monitoring => "monitoring",
            NoticeStatus::Resolved => "resolved",
        }
    }
}

/// A known issue.
#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    /// Stable id.
    pub id: String,
    /// Bumped when the notice changes.
    pub revision: u32,
    /// Where the issue stands.
    pub status: NoticeStatus,
    /// When it started, if known; not shown before then.
    pub since: Option<Timestamp>,
    /// How severe.
    pub severity: Severity,
    /// Short title.
    pub title: LocalizedText,
    /// Longer explanation.
    pub body: LocalizedText,
    /// Who sees it.
    pub audience: Audience,
}

/// A frequently asked question.
#[derive(Clone, Debug, PartialEq)]
pub struct FaqEntry {
    /// Stable id.
    pub id: String,
    /// Category for browsing.
    pub category: Option<String>,
    /// Search keywords.
    pub tags: Vec<String>,
    /// The question.
    pub question: LocalizedText,
    /// The answer, in the Markdown subset of design §3.
    pub answer: LocalizedText,
}

/// Ticket routing and service levels.
#[derive(Clone, Debug, PartialEq)]
pub struct Support {
    /// Base URL of the vendor API, possibly relative to the feed's URL.
    pub api: String,
    /// Support hours as free text, e.g. "24/7".
    pub hours: Option<String>,
    /// Priority levels with response targets.
    pub priorities: Vec<Priority>,
    /// Ticket categories.
    pub categories: Vec<String>,
    /// Contacts when the API cannot be reached.
    pub fallback: Fallback,
    /// The client lets the widget send anonymous help events (`"help_events": true`; off
    /// unless said), for the vendor's deflection figures ([`crate::help_events`]).
    pub help_events: bool,
}

/// A ticket priority level.
#[derive(Clone, Debug, PartialEq)]
pub struct Priority {
    /// `critical`, `high`, `routine`, …
    pub id: String,
    /// Response target in minutes.
    pub response_minutes: u32,
    /// Examples shown next to the choice.
    pub examples: LocalizedText,
}

/// Contacts shown when the ticket API cannot take a ticket.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Fallback {
    /// E-mail address.
    pub email: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
}

impl Fallback {
    /// True when there is no contact to show.
    pub fn is_empty(&self) -> bool {
        let blank = |c: &Option<String>| c.as_deref().is_none_or(|c| c.trim().is_empty());
        blank(&self.email) && blank(&self.phone)
    }
}

/// The feed as parsed, with what was wrong in it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Parsed {
    /// The usable part of the feed.
    pub feed: Feed,
    /// Entries skipped or sections ignored, one per problem.
    pub problems: Vec<Problem>,
    /// Paths of fields this version does not know (`maintenance[0].colour`), ignored.
    pub unknown_fields: Vec<String>,
    /// How many entries the banner's lists held before validation.
    pub listed: Listed,
    /// The `support` block as JSON text when it is valid, to keep as the last good one
    /// ([`Parsed::keep_last_good_support`]). Not in the banner stage, which never reads it.
    #[cfg(feature = "panel")]
    pub support_json: Option<String>,
}

/// How many entries the banner's lists of a feed held, valid or not.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Listed {
    /// Entries of `maintenance`.
    pub maintenance: usize,
    /// Entries of `notices`.
    pub notices: usize,
}

impl Parsed {
    /// Why this feed must not replace the copy in force, if it must not.
    ///
    /// [`parse`] keeps what is valid of a feed, which is right for one bad entry and wrong for a
    /// feed broken throughout (a bad export, a template with every field of the wrong type):
    /// it would empty the banner of a learner who had a good copy. So a feed that lists
    /// maintenance windows or notices, not one of them valid, is refused whole. Empty lists are
    /// fine: they are how a schedule is cleared. Both stages of the widget judge alike (they
    /// share the cached copy), so the rule looks only at what the banner stage parses too; the
    /// support block has its own rule, [`Parsed::keep_last_good_support`].
    pub fn refusal(&self) -> Option<String> {
        let listed = self.listed.maintenance + self.listed.notices;
        let kept = self.feed.maintenance.len() + self.feed.notices.len();
        if listed == 0 || kept > 0 {
            return None;
        }
        Some(if listed == 1 {
            "its only maintenance window or notice is invalid".into()
        } else {
            [
                "not one of its ",
                &decimal(listed as i64),
                " maintenance windows and notices is valid",
            ]
            .concat()
        })
    }

    /// Keeps the ticket form working when this feed's support block is not: where the block
    /// is missing or invalid, `last_good` (the last valid one, see [`Parsed::support_json`])
    /// takes its place, and where it has no fallback contact, the last good contacts do.
    /// Returns what was wrong, for a warning, when something was replaced.
    pub fn keep_last_good_support(&mut self, last_good: Option<Support>) -> Option<&'static str> {
        let last_good = last_good?;
        match &mut self.feed.support {
            None => {
                self.feed.support = Some(last_good);
                Some("its support block is missing or invalid; using the last good one")
            }
            Some(support) if support.fallback.is_empty() && !last_good.fallback.is_empty() => {
                support.fallback = last_good.fallback;
                Some("its support block has no fallback contact; using the last good ones")
            }
            Some(_) => None,
        }
    }
}

/// Reads a support block kept by [`Parsed::support_json`]; `None` when it is not one.
pub fn support_from_json(text: &str) -> Option<Support> {
    let value = crate::base::json::from_str(text).ok()?;
    let (mut unknown, mut problems) = (Vec::new(), Vec::new());
    let mut cx = Cx {
        unknown: &mut unknown,
        problems: &mut problems,
    };
    support_of(&value, &mut cx).ok()
}

/// One thing wrong in a feed, named by its place and id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Where: `maintenance[1]`, `support`, `client`.
    pub path: String,
    /// The entry's id, when it has a readable one.
    pub id: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl Problem {
    /// `maintenance[1] (w1): "title" must be …`, or without ` (id)` when it has none.
    /// Written without `core::fmt`, which the banner stage does without.
    pub fn describe(&self) -> String {
        match &self.id {
            Some(id) => [&self.path, " (", id, "): ", &self.message].concat(),
            None => [&self.path, ": ", &self.message].concat(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

/// A feed that cannot be used at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FeedError {
    /// Not JSON; holds the parser's message.
    NotJson(String),
    /// Over one of the parser's limits (size, string length, entries, keys, depth); holds the
    /// parser's message, which names the limit.
    TooLarge(String),
    /// JSON, but not an object.
    NotAnObject,
    /// No `version` field.
    MissingVersion,
    /// A version other than 1.
    UnsupportedVersion(String),
    /// `version` is not a number, e.g. the string `"1"`.
    VersionNotANumber(String),
}

impl FeedError {
    /// What is wrong, as [`Display`](fmt::Display) writes it, built without `core::fmt`
    /// (which the banner stage does without).
    pub fn describe(&self) -> String {
        match self {
            FeedError::NotJson(e) => ["feed is not valid JSON: ", e].concat(),
            FeedError::TooLarge(e) => ["feed is too large to read: ", e].concat(),
            FeedError::NotAnObject => "feed must be a JSON object".into(),
            FeedError::MissingVersion => "feed has no \"version\"; add \"version\": 1".into(),
            FeedError::UnsupportedVersion(v) => [
                "feed version ",
                v,
                " is not supported; this widget reads version 1",
            ]
            .concat(),
            FeedError::VersionNotANumber(v) => {
                ["feed \"version\" must be the number 1, not ", v].concat()
            }
        }
    }
}

impl fmt::Display for FeedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

impl std::error::Error for FeedError {}

/// Parses and validates a feed.
///
/// `zones` is asked whether each recurring window's `time_zone` exists.
///
/// # Errors
/// [`FeedError`] only when nothing of the feed is usable; see the module docs.
pub fn parse(json: &str, zones: &dyn TimeZones) -> Result<Parsed, FeedError> {
    parse_within(json, zones, &Limits::DEFAULT)
}

/// [`parse`] with other JSON limits than the widget's (a benchmark's corpus over them).
///
/// # Errors
/// [`FeedError`] only when nothing of the feed is usable; see the module docs.
pub fn parse_within(
    json: &str,
    zones: &dyn TimeZones,
    limits: &Limits,
) -> Result<Parsed, FeedError> {
    let (_, mut rest) = parse_steps_within(json, zones, limits)?;
    while !rest.step(|| true) {}
    Ok(rest.finish(zones))
}

/// What the banner reads of a feed (`client`, `maintenance`, `notices`), for the widget's
/// banner stage, which never shows the FAQ, the flows or the ticket form: their sections are
/// checked as JSON (the same grammar and limits, so a text is accepted or refused as by
/// [`parse`]) but neither built nor validated, and an invalid entry in them is no problem here.
///
/// # Errors
/// As [`parse`].
pub fn parse_banner(json: &str, zones: &dyn TimeZones) -> Result<Parsed, FeedError> {
    parse_start(
        json,
        zones,
        &Limits::DEFAULT,
        &["faq", "flows", "support"],
        false,
    )
    .map(|(parsed, _)| parsed)
}

fn parse_steps_within(
    json: &str,
    zones: &dyn TimeZones,
    limits: &Limits,
) -> Result<(Parsed, Rest), FeedError> {
    let (parsed, [faq, flows, _]) = parse_start(json, zones, limits, &["faq", "flows"], true)?;
    let rest = Rest {
        text: json.to_string(),
        faq,
        flows,
        limits: *limits,
        read: None,
        next: 0,
        entries: Entries::default(),
        problems: Vec::new(),
        unknown: Vec::new(),
    };
    Ok((parsed, rest))
}

/// [`parse`] in steps, for the help panel: everything but the FAQ and the flows now (the
/// banner's sections and the support block: what the ticket form needs), the rest by
/// [`Rest::step`] and [`Rest::finish`], so a FAQ of a thousand entries is not read in one
/// long task of the page's main thread. What [`Rest::finish`] returns is [`parse`]'s result.
///
/// # Errors
/// As [`parse`].
pub fn parse_in_steps(json: &str, zones: &dyn TimeZones) -> Result<(Parsed, Rest), FeedError> {
    parse_steps_within(json, zones, &Limits::DEFAULT)
}

fn parse_start(
    json: &str,
    zones: &dyn TimeZones,
    limits: &Limits,
    skip: &[&str],
    panel: bool,
) -> Result<(Parsed, crate::base::json::SkippedAt), FeedError> {
    let (value, skipped) =
        crate::base::json::from_str_skipping(json, limits, skip).map_err(|e| {
            if e.too_large {
                FeedError::TooLarge(e.describe())
            } else {
                FeedError::NotJson(e.describe())
            }
        })?;
    let root = value.as_object().ok_or(FeedError::NotAnObject)?;
    match root.get("version") {
        None => return Err(FeedError::MissingVersion),
        Some(v) if v.as_u64() == Some(1) => {}
        Some(v) if v.is_number() => return Err(FeedError::UnsupportedVersion(v.to_json())),
        Some(v) => return Err(FeedError::VersionNotANumber(v.to_json())),
    }
    let mut out = Parsed::default();
    let mut cx = Cx {
        unknown: &mut out.unknown_fields,
        problems: &mut out.problems,
    };
    cx.note_unknown(
        root,
        "",
        &[
            "version",
            "client",
            "maintenance",
            "notices",
            "faq",
            "flows",
            "support",
        ],
    );

    if let Some(client) = root.get("client") {
        match client_of(client, &mut cx) {
            Ok(c) => out.feed.client = c,
            Err(message) => cx.problem("client", None, message),
        }
    }
    out.feed.maintenance = cx.entries(root, "maintenance", |v, cx, path| {
        window_of(v, cx, path, zones)
    });
    out.feed.notices = cx.entries(root, "notices", notice_of);
    // The banner stage of the widget (built without the `panel` feature) never shows the FAQ
    // or the ticket form: it leaves them unread, and their parsers out of its Wasm. The full
    // stage, the server and the CLI read and check them.
    if cfg!(feature = "panel") && panel {
        if let Some(support) = root.get("support") {
            match support_of(support, &mut cx) {
                Ok(s) => {
                    out.feed.support = Some(s);
                    #[cfg(feature = "panel")]
                    {
                        out.support_json = Some(support.to_json());
                    }
                }
                Err(message) => cx.problem("support", None, message),
            }
        }
    }
    out.listed = Listed {
        maintenance: listed(root, "maintenance"),
        notices: listed(root, "notices"),
    };
    Ok((out, skipped))
}

/// The FAQ and the flows of a feed, still to read ([`parse_in_steps`]).
pub struct Rest {
    /// The feed's text, and where its `faq` and `flows` sections are, if it has them.
    text: String,
    faq: Option<std::ops::Range<usize>>,
    flows: Option<std::ops::Range<usize>>,
    limits: Limits,
    /// Where reading the FAQ stopped.
    read: Option<crate::base::json::Checkpoint>,
    /// The index of the next FAQ entry.
    next: usize,
    entries: Entries<FaqEntry>,
    problems: Vec<Problem>,
    unknown: Vec<String>,
}

impl fmt::Debug for Rest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Rest {{ next: {} }}", self.next)
    }
}

impl Rest {
    /// Reads FAQ entries while `more()` says so (at least one); true once all are read.
    pub fn step(&mut self, mut more: impl FnMut() -> bool) -> bool {
        use crate::base::json::Elements;
        let Some(text) = self.faq.clone().and_then(|at| self.text.get(at)) else {
            return true;
        };
        let mut cx = Cx {
            unknown: &mut self.unknown,
            problems: &mut self.problems,
        };
        // Feed depth: the root object, then the list.
        let mut elements = match self.read {
            Some(read) => Elements::resume(text, &self.limits, 1, read),
            None if !text.starts_with('[') => {
                cx.problem("faq", None, "must be an array".into());
                self.faq = None;
                return true;
            }
            None => Elements::new(text, &self.limits, 1),
        };
        loop {
            match elements.next() {
                None => {
                    self.read = Some(elements.checkpoint());
                    return true;
                }
                Some(Ok(item)) => {
                    self.entries.add(&mut cx, "faq", self.next, &item, &faq_of);
                    self.next += 1;
                }
                // Checked whole before: cannot happen; the rest of the list is not read.
                Some(Err(e)) => {
                    cx.problem("faq", None, e.describe());
                    self.faq = None;
                    return true;
                }
            }
            if !more() {
                self.read = Some(elements.checkpoint());
                return false;
            }
        }
    }

    /// The whole feed, as [`parse`] reads it: the rest of the feed read again (quick: the FAQ
    /// and flows are skipped, and a copy shared by the widget's parts cannot take them), the
    /// FAQ read in steps, then the flows (whose endings point at FAQ entries and at the
    /// support block's choices), with what was wrong in each, in that order.
    pub fn finish(self, zones: &dyn TimeZones) -> Parsed {
        let Ok((mut parsed, _)) =
            parse_start(&self.text, zones, &self.limits, &["faq", "flows"], true)
        else {
            // Read once before: cannot happen.
            return Parsed::default();
        };
        parsed.feed.faq = self.entries.kept;
        parsed.problems.extend(self.problems);
        parsed.unknown_fields.extend(self.unknown);
        let mut cx = Cx {
            unknown: &mut parsed.unknown_fields,
            problems: &mut parsed.problems,
        };
        let Some(text) = self.flows.and_then(|at| self.text.get(at)) else {
            return parsed;
        };
        let value = match crate::base::json::from_str_within(text, &self.limits) {
            Ok(value) => value,
            // Checked whole before: cannot happen.
            Err(e) => {
                cx.problem("flows", None, e.describe());
                return parsed;
            }
        };
        let mut root = Map::new();
        root.insert("flows".into(), value);
        let feed = &parsed.feed;
        let priorities: Option<Vec<String>> = feed
            .support
            .as_ref()
            .map(|s| s.priorities.iter().map(|p| p.id.clone()).collect());
        let targets = flows::Targets {
            faq: feed.faq.iter().map(|f| f.id.as_str()).collect(),
            categories: feed.support.as_ref().map(|s| s.categories.as_slice()),
            priorities: priorities.as_deref(),
        };
        let flows = cx.entries(&root, "flows", |v, cx, path| {
            flow_with_targets(v, cx, path, &targets)
        });
        parsed.feed.flows = flows;
        parsed
    }
}

/// A flow whose endings all exist in the feed: a learner must never reach an ending that
/// cannot be shown. Each dangling ending is one problem, in order; the flow is dropped.
fn flow_with_targets(
    value: &Value,
    cx: &mut Cx<'_>,
    path: &str,
    targets: &flows::Targets<'_>,
) -> Result<Flow, String> {
    let flow = flows::flow_of(value, path, cx.unknown)?;
    let mut missing = flows::missing_targets(&flow, targets);
    let Some(last) = missing.pop() else {
        return Ok(flow);
    };
    for message in missing {
        cx.problem(path, Some(&flow.id), message);
    }
    Err(last)
}

/// Parsing context: where problems and unknown fields are collected.
struct Cx<'a> {
    unknown: &'a mut Vec<String>,
    problems: &'a mut Vec<Problem>,
}

trait HasId {
    fn id(&self) -> &str;
}
impl HasId for Window {
    fn id(&self) -> &str {
        &self.id
    }
}
impl HasId for Notice {
    fn id(&self) -> &str {
        &self.id
    }
}
impl HasId for Flow {
    fn id(&self) -> &str {
        &self.id
    }
}
impl HasId for FaqEntry {
    fn id(&self) -> &str {
        &self.id
    }
}

impl Cx<'_> {
    fn problem(&mut self, path: &str, id: Option<&str>, message: String) {
        self.problems.push(Problem {
            path: path.to_string(),
            id: id.map(String::from),
            message,
        });
    }

    fn note_unknown(&mut self, obj: &Map, path: &str, known: &[&str]) {
        for key in obj.keys().filter(|k| !known.contains(&k.as_str())) {
            let dot = if path.is_empty() { "" } else { "." };
            self.unknown.push([path, dot, key].concat());
        }
    }

    /// Parses the array `root[section]`, keeping valid entries with distinct ids.
    fn entries<T: HasId>(
        &mut self,
        root: &Map,
        section: &str,
        parse_one: impl Fn(&Value, &mut Cx<'_>, &str) -> Result<T, String>,
    ) -> Vec<T> {
        let Some(value) = root.get(section) else {
            return Vec::new();
        };
        let Some(items) = value.as_array() else {
            self.problem(section, None, "must be an array".into());
            return Vec::new();
        };
        let mut entries = Entries::default();
        for (i, item) in items.iter().enumerate() {
            entries.add(self, section, i, item, &parse_one);
        }
        entries.kept
    }
}

/// The valid entries of a list so far, with distinct ids.
struct Entries<T> {
    kept: Vec<T>,
    /// Ids kept so far, sorted: a long list costs O(n log n) lookups, not O(n²).
    ids: Vec<String>,
}

impl<T> Default for Entries<T> {
    fn default() -> Entries<T> {
        Entries {
            kept: Vec::new(),
            ids: Vec::new(),
        }
    }
}

impl<T: HasId> Entries<T> {
    /// Keeps `section[i]` if it is valid and its id is new, else says why not.
    fn add(
        &mut self,
        cx: &mut Cx<'_>,
        section: &str,
        i: usize,
        item: &Value,
        parse_one: &impl Fn(&Value, &mut Cx<'_>, &str) -> Result<T, String>,
    ) {
        let path = [section, "[", &decimal(i as i64), "]"].concat();
        let parsed = parse_one(item, cx, &path);
        let id = parsed.as_ref().map(|entry| entry.id());
        if new_id(&mut self.ids, cx, &path, item, id) {
            if let Ok(entry) = parsed {
                self.kept.push(entry);
            }
        }
    }
}

/// True when `id` (an entry's, or why it is invalid) is valid and not in `ids` yet, which it
/// joins; else tells `cx` the problem. Not generic: one copy for every kind of entry.
fn new_id(
    ids: &mut Vec<String>,
    cx: &mut Cx<'_>,
    path: &str,
    item: &Value,
    id: Result<&str, &String>,
) -> bool {
    let written = item
        .get("id")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty());
    match id {
        Ok(id) => match ids.binary_search_by(|k| k.as_str().cmp(id)) {
            Ok(_) => {
                cx.problem(
                    path,
                    written,
                    ["duplicate id \"", id, "\"; the first entry with it is used"].concat(),
                );
                false
            }
            Err(at) => {
                ids.insert(at, id.to_string());
                true
            }
        },
        Err(message) => {
            cx.problem(path, written, message.clone());
            false
        }
    }
}

/// Entries in `root[section]` when it is a list, else 0.
fn listed(root: &Map, section: &str) -> usize {
    root.get(section)
        .and_then(Value::as_array)
        .map_or(0, Vec::len)
}

fn object(value: &Value) -> Result<&Map, String> {
    value
        .as_object()
        .ok_or_else(|| "must be an object".to_string())
}

fn required<'v>(obj: &'v Map, key: &str) -> Result<&'v Value, String> {
    obj.get(key)
        .ok_or_else(|| ["missing \"", key, "\""].concat())
}

fn string(obj: &Map, key: &str) -> Result<Option<String>, String> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(["\"", key, "\" must be a string"].concat()),
    }
}

fn id_of(obj: &Map) -> Result<String, String> {
    match required(obj, "id")? {
        Value::String(s) if !s.trim().is_empty() => Ok(s.clone()),
        _ => Err("\"id\" must be a non-empty string".into()),
    }
}

fn whole(
    obj: &Map,
    key: &str,
    range: std::ops::RangeInclusive<u64>,
    default: u64,
) -> Result<u32, String> {
    let value = match obj.get(key) {
        None => return Ok(default as u32),
        Some(v) => v.as_u64().filter(|n| range.contains(n)),
    };
    value.map(|n| n as u32).ok_or_else(|| {
        [
            "\"",
            key,
            "\" must be a whole number from ",
            &decimal(*range.start() as i64),
            " to ",
            &decimal(*range.end() as i64),
        ]
        .concat()
    })
}

fn strings(obj: &Map, key: &str) -> Result<Vec<String>, String> {
    let err = || ["\"", key, "\" must be an array of strings"].concat();
    match obj.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| match v {
                Value::String(s) => Ok(s.clone()),
                // Course ids are often numbers in LMS data; accept them as their decimal text.
                Value::Number(n) if key == "courses" => Ok(n.to_json()),
                _ => Err(err()),
            })
            .collect(),
        Some(_) => Err(err()),
    }
}

fn severity(obj: &Map, default: Severity) -> Result<Severity, String> {
    Ok(match string(obj, "severity")?.as_deref() {
        None => default,
        Some("info") => Severity::Info,
        Some("minor") => Severity::Minor,
        Some("major") => Severity::Major,
        Some("critical") => Severity::Critical,
        Some(other) => {
            return Err([
                "\"severity\" must be \"info\", \"minor\", \"major\" or \"critical\", not \"",
                other,
                "\"",
            ]
            .concat())
        }
    })
}

fn instant(obj: &Map, key: &str) -> Result<Option<Timestamp>, String> {
    // Worded like the other field errors ("… must be …, not …") rather than passing on
    // the time parser's sentence, so a vendor reads one shape of message per field.
    string(obj, key)?
        .map(|s| {
            Timestamp::parse_rfc3339(&s).map_err(|_| {
                [
                    "\"",
                    key,
                    "\" must be an RFC 3339 time like \"2026-12-06T05:00:00Z\", not \"",
                    &s,
                    "\"",
                ]
                .concat()
            })
        })
        .transpose()
}

fn audience(obj: &Map, cx: &mut Cx<'_>, path: &str) -> Result<Audience, String> {
    let Some(value) = obj.get("audience") else {
        return Ok(Audience::default());
    };
    let a = value.as_object().ok_or("\"audience\" must be an object")?;
    cx.note_unknown(a, &[path, ".audience"].concat(), &["roles", "courses"]);
    Ok(Audience {
        roles: strings(a, "roles")?,
        courses: strings(a, "courses")?,
    })
}

const WINDOW_FIELDS: &[&str] = &[
    "id",
    "revision",
    "starts_at",
    "ends_at",
    "every",
    "weekday",
    "monthday",
    "nth",
    "start",
    "duration_minutes",
    "time_zone",
    "notice_days",
    "severity",
    "title",
    "body",
    "audience",
    "after",
    "status",
];

fn window_of(
    value: &Value,
    cx: &mut Cx<'_>,
    path: &str,
    zones: &dyn TimeZones,
) -> Result<Window, String> {
    let obj = object(value)?;
    let id = id_of(obj)?;
    cx.note_unknown(obj, path, WINDOW_FIELDS);
    let schedule = match (obj.contains_key("every"), obj.contains_key("starts_at") || obj.contains_key("ends_at")) {
        (true, true) => return Err("has both \"every\" and \"starts_at\"/\"ends_at\"; a window is either recurring or one-off".into()),
        (false, false) => return Err("needs \"starts_at\" and \"ends_at\", or \"every\" for a recurring window".into()),
        (false, true) => {
            let starts_at = instant(obj, "starts_at")?.ok_or("missing \"starts_at\"")?;
            let ends_at = instant(obj, "ends_at")?.ok_or("missing \"ends_at\"")?;
            if ends_at <= starts_at {
                return Err("\"ends_at\" must be after \"starts_at\"".into());
            }
            Schedule::Once { starts_at, ends_at }
        }
        (true, false) => Schedule::Recurring(recurrence_of(obj, zones)?),
    };
    let cancelled = match string(obj, "status")?.as_deref() {
        None | Some("scheduled") => false,
        Some("cancelled") => true,
        Some(other) => {
            return Err([
                "\"status\" must be \"scheduled\" or \"cancelled\", not \"",
                other,
                "\"",
            ]
            .concat())
        }
    };
    let after = match obj.get("after") {
        None | Some(Value::Null) => None,
        Some(v) => {
            let a = v.as_object().ok_or("\"after\" must be an object")?;
            cx.note_unknown(a, &[path, ".after"].concat(), &["hours", "body"]);
            let hours = a
                .get("hours")
                .and_then(Value::as_u64)
                .filter(|h| (1..=720).contains(h))
                .ok_or("\"after.hours\" must be a whole number from 1 to 720")?;
            Some(After {
                hours: hours as u32,
                body: localized(a, "body", false).map_err(|e| ["after: ", &e].concat())?,
            })
        }
    };
    Ok(Window {
        revision: whole(obj, "revision", 0..=u64::from(u32::MAX), 1)?,
        notice_days: whole(obj, "notice_days", 0..=90, 7)?,
        severity: severity(obj, Severity::Minor)?,
        title: localized(obj, "title", true)?,
        body: localized(obj, "body", false)?,
        audience: audience(obj, cx, path)?,
        id,
        schedule,
        after,
        cancelled,
    })
}

fn recurrence_of(obj: &Map, zones: &dyn TimeZones) -> Result<Recurrence, String> {
    let weekday = || -> Result<Weekday, String> {
        let name = string(obj, "weekday")?.ok_or("missing \"weekday\"")?;
        Weekday::parse(&name)
            .ok_or_else(|| ["\"weekday\" must be \"mon\", \"tue\", \"wed\", \"thu\", \"fri\", \"sat\" or \"sun\", not \"", &name, "\""].concat())
    };
    let every = match string(obj, "every")?.as_deref() {
        Some("day") => Cadence::Day,
        Some("week") => Cadence::Week(weekday()?),
        Some("month") => match (obj.get("monthday"), obj.get("nth")) {
            (Some(day), None) => Cadence::MonthDay(
                day.as_u64()
                    .filter(|d| (1..=28).contains(d))
                    .ok_or("\"monthday\" must be a whole number from 1 to 28")?
                    as u8,
            ),
            (None, Some(nth)) => {
                let n = nth
                    .as_i64()
                    .filter(|n| matches!(n, 1..=4 | -1))
                    .ok_or("\"nth\" must be 1, 2, 3, 4 or -1 (the last)")?;
                Cadence::MonthNth(n as i8, weekday()?)
            }
            _ => {
                return Err(
                    "a monthly window needs either \"monthday\" or \"nth\" with \"weekday\"".into(),
                )
            }
        },
        Some(other) => {
            return Err([
                "\"every\" must be \"day\", \"week\" or \"month\", not \"",
                other,
                "\"",
            ]
            .concat())
        }
        None => return Err("\"every\" must be \"day\", \"week\" or \"month\"".into()),
    };
    let start_text = string(obj, "start")?.ok_or("missing \"start\"")?;
    let start = parse_clock(&start_text).ok_or_else(|| {
        [
            "\"start\" must be a 24-hour time like \"01:00\", not \"",
            &start_text,
            "\"",
        ]
        .concat()
    })?;
    let duration_minutes = match obj.get("duration_minutes") {
        None => return Err("missing \"duration_minutes\"".into()),
        Some(_) => whole(obj, "duration_minutes", 1..=10_080, 0)?,
    };
    let time_zone = string(obj, "time_zone")?.ok_or("missing \"time_zone\"")?;
    if zones.offset_at(&time_zone, Timestamp(0)).is_err() {
        return Err(["unknown time zone \"", &time_zone, "\""].concat());
    }
    Ok(Recurrence {
        every,
        start,
        duration_minutes,
        time_zone,
    })
}

fn notice_of(value: &Value, cx: &mut Cx<'_>, path: &str) -> Result<Notice, String> {
    let obj = object(value)?;
    let id = id_of(obj)?;
    cx.note_unknown(
        obj,
        path,
        &[
            "id", "revision", "kind", "status", "since", "severity", "title", "body", "audience",
        ],
    );
    match string(obj, "kind")?.as_deref() {
        None | Some("known_issue") => {}
        Some(other) => {
            return Err(["\"kind\" must be \"known_issue\", not \"", other, "\""].concat())
        }
    }
    let status = match string(obj, "status")?.as_deref() {
        None | Some("investigating") => NoticeStatus::Investigating,
        Some("identified") => NoticeStatus::Identified,
        Some("monitoring") => NoticeStatus::Monitoring,
        Some("resolved") => NoticeStatus::Resolved,
        Some(other) => {
            return Err([
                "\"status\" must be \"investigating\", \"identified\", \"monitoring\" or \"resolved\", not \"",
                other,
                "\"",
            ]
            .concat())

        }
    };
    Ok(Notice {
        revision: whole(obj, "revision", 0..=u64::from(u32::MAX), 1)?,
        since: instant(obj, "since")?,
        severity: severity(obj, Severity::Minor)?,
        title: localized(obj, "title", true)?,
        body: localized(obj, "body", false)?,
        audience: audience(obj, cx, path)?,
        id,
        status,
    })
}

fn faq_of(value: &Value, cx: &mut Cx<'_>, path: &str) -> Result<FaqEntry, String> {
    let obj = object(value)?;
    let id = id_of(obj)?;
    cx.note_unknown(obj, path, &["id", "category", "tags", "question", "answer"]);
    Ok(FaqEntry {
        category: string(obj, "category")?,
        tags: strings(obj, "tags")?,
        question: localized(obj, "question", true)?,
        answer: localized(obj, "answer", true)?,
        id,
    })
}

fn client_of(value: &Value, cx: &mut Cx<'_>) -> Result<Client, String> {
    let obj = object(value)?;
    cx.note_unknown(obj, "client", &["name", "site_name", "quiet_pages"]);
    Ok(Client {
        name: string(obj, "name")?.unwrap_or_default(),
        site_name: string(obj, "site_name")?.unwrap_or_default(),
        quiet_pages: strings(obj, "quiet_pages")?,
    })
}

fn support_of(value: &Value, cx: &mut Cx<'_>) -> Result<Support, String> {
    let obj = object(value)?;
    cx.note_unknown(
        obj,
        "support",
        &[
            "api",
            "hours",
            "priorities",
            "categories",
            "fallback",
            "help_events",
        ],
    );
    let api = string(obj, "api")?
        .filter(|s| !s.is_empty())
        .ok_or("missing \"api\"")?;
    let mut priorities = Vec::new();
    if let Some(list) = obj.get("priorities") {
        let list = list.as_array().ok_or("\"priorities\" must be an array")?;
        for (i, p) in list.iter().enumerate() {
            let p = p
                .as_object()
                .ok_or_else(|| format!("priorities[{i}] must be an object"))?;
            cx.note_unknown(
                p,
                &format!("support.priorities[{i}]"),
                &["id", "response_minutes", "examples"],
            );
            priorities.push(Priority {
                id: id_of(p).map_err(|e| format!("priorities[{i}]: {e}"))?,
                response_minutes: whole(p, "response_minutes", 1..=43_200, 480)
                    .map_err(|e| format!("priorities[{i}]: {e}"))?,
                examples: localized(p, "examples", false)
                    .map_err(|e| format!("priorities[{i}]: {e}"))?,
            });
        }
    }
    let fallback = match obj.get("fallback") {
        None => Fallback::default(),
        Some(v) => {
            let f = v.as_object().ok_or("\"fallback\" must be an object")?;
            cx.note_unknown(f, "support.fallback", &["email", "phone"]);
            Fallback {
                email: string(f, "email")?,
                phone: string(f, "phone")?,
            }
        }
    };
    Ok(Support {
        api,
        hours: string(obj, "hours")?,
        priorities,
        categories: strings(obj, "categories")?,
        fallback,
        help_events: match obj.get("help_events") {
            None | Some(Value::Null) => false,
            Some(v) => v.as_bool().ok_or("\"help_events\" must be true or false")?,
        },
    })
}
