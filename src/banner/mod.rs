//! What the banner shows at an instant (design §4), as plain data.
//!
//! [`active_items`] picks the windows and notices in a phase for this viewer, most severe first;
//! [`next_change`] tells when that answer can next change, so the browser sets one timer at that
//! exact instant instead of polling; [`banner_view`] turns the items into the translated view
//! model the DOM layer draws. Nothing here reads a clock or touches the DOM: `now` is passed in.
//!
//! Phase bounds are start-inclusive and end-exclusive:
//!
//! | phase         | interval                                   |
//! |---------------|--------------------------------------------|
//! | `upcoming`    | `[start − notice_days, start − 1 h)`         |
//! | `imminent`    | `[start − 1 h, start)` (never before the notice starts) |
//! | `in_progress` | `[start, end)`                              |
//! | `completed`   | `[end, end + after.hours)` when `after` is given |
//! | `cancelled`   | `[start − notice_days, end)` when cancelled |

pub mod countdown;
pub mod schedule;

use crate::banner::schedule::{around, Occurrence};
use crate::base::decimal::decimal;
use crate::base::feed::{Audience, Feed, Notice, NoticeStatus, Severity, Window};
use crate::base::i18n::{message, message_count, CountMsg, Lang, Msg};
use crate::base::text::lang_attribute;
use crate::base::time::Timestamp;
use crate::base::zone::TimeZones;

const HOUR: i64 = 3600;
const DAY: i64 = 86_400;

/// Who is looking, and where.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Viewer<'a> {
    /// The learner's LMS role, when the page exposes it.
    pub role: Option<&'a str>,
    /// The current course id, when the page exposes it.
    pub course: Option<&'a str>,
    /// A quiet page (quiz, exam) shows only `imminent` and `in_progress`.
    pub quiet: bool,
}

/// Where a window or notice stands at an instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Phase {
    /// Downtime now.
    InProgress,
    /// Less than an hour to go.
    Imminent,
    /// Known-issue period after the window.
    Completed,
    /// Advance notice.
    Upcoming,
    /// The window was called off.
    Cancelled,
    /// A known issue not yet resolved.
    Active,
}

impl Phase {
    /// The name used in `preview` output.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Upcoming => "upcoming",
            Phase::Imminent => "imminent",
            Phase::InProgress => "in_progress",
            Phase::Completed => "completed",
            Phase::Cancelled => "cancelled",
            Phase::Active => "active",
        }
    }
}

/// The feed entry behind an active item.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Source<'f> {
    /// A maintenance window.
    Maintenance(&'f Window),
    /// A notice.
    Notice(&'f Notice),
}

/// A window or notice in a phase at the instant asked about.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ActiveItem<'f> {
    /// Where it comes from.
    pub source: Source<'f>,
    /// Its phase.
    pub phase: Phase,
    /// The occurrence in force for a window (for a notice: `since`, no end).
    pub starts_at: Option<Timestamp>,
    /// End of the occurrence in force, for a window.
    pub ends_at: Option<Timestamp>,
}

impl<'f> ActiveItem<'f> {
    /// The entry's id.
    pub fn id(&self) -> &'f str {
        match self.source {
            Source::Maintenance(w) => &w.id,
            Source::Notice(n) => &n.id,
        }
    }

    /// `maintenance` or `notice`.
    pub fn kind(&self) -> &'static str {
        match self.source {
            Source::Maintenance(_) => "maintenance",
            Source::Notice(_) => "notice",
        }
    }

    /// The declared severity.
    pub fn severity(&self) -> Severity {
        match self.source {
            Source::Maintenance(w) => w.severity,
            Source::Notice(n) => n.severity,
        }
    }

    /// The severity used for ordering: a cancelled window threatens nothing.
    fn rank_severity(&self) -> Severity {
        if self.phase == Phase::Cancelled {
            Severity::Info
        } else {
            self.severity()
        }
    }

    /// Title in the given locale.
    pub fn title(&self, locale: &str) -> &'f str {
        self.title_with_tag(locale).1
    }

    /// Title in the given locale, with the tag of the feed entry used (see
    /// [`LocalizedText::get_with_tag`](crate::base::text::LocalizedText::get_with_tag)).
    pub fn title_with_tag(&self, locale: &str) -> (&'f str, &'f str) {
        match self.source {
            Source::Maintenance(w) => w.title.get_with_tag(locale),
            Source::Notice(n) => n.title.get_with_tag(locale),
        }
    }

    /// The text the banner shows under the title in this phase.
    pub fn body(&self, locale: &str) -> String {
        self.body_with_tag(locale).1.to_string()
    }

    /// The body with the tag of the feed entry used; the tag is `""` for the widget's own
    /// messages (completed, cancelled), which are always in the widget's language.
    pub fn body_with_tag(&self, locale: &str) -> (&'f str, &'f str) {
        let lang = Lang::negotiate(locale);
        match (self.source, self.phase) {
            (Source::Maintenance(w), Phase::Completed) => match &w.after {
                Some(after) if !after.body.is_empty() => after.body.get_with_tag(locale),
                _ => ("", message(lang, Msg::CompletedDefaultBody)),
            },
            (Source::Maintenance(_), Phase::Cancelled) => ("", message(lang, Msg::CancelledBody)),
            (Source::Maintenance(w), _) => w.body.get_with_tag(locale),
            (Source::Notice(n), _) => n.body.get_with_tag(locale),
        }
    }

    /// The key a dismissal is stored under, or `None` when this item cannot be dismissed.
    ///
    /// It names the revision, so a new revision shows again; the phase, so dismissing the
    /// advance notice still lets the last-hour countdown through; and the occurrence, so
    /// dismissing this week's recurring window does not hide next week's.
    pub fn dismiss_key(&self) -> Option<String> {
        match self.source {
            Source::Maintenance(_) if self.phase == Phase::InProgress => None,
            Source::Maintenance(w) => Some(
                [
                    "m:",
                    &w.id,
                    "@",
                    &decimal(i64::from(w.revision)),
                    ":",
                    self.phase.as_str(),
                    ":",
                    &decimal(self.starts_at.map_or(0, Timestamp::seconds)),
                ]
                .concat(),
            ),
            Source::Notice(n) => Some(["n:", &n.id, "@", &decimal(i64::from(n.revision))].concat()),
        }
    }
}

fn audience_allows(audience: &Audience, viewer: &Viewer<'_>) -> bool {
    // Unknown role or course: show it. Missing a notice is worse than seeing one not meant for you.
    let allows = |list: &[String], value: Option<&str>| {
        list.is_empty() || value.is_none_or(|v| list.iter().any(|x| x.eq_ignore_ascii_case(v)))
    };
    allows(&audience.roles, viewer.role) && allows(&audience.courses, viewer.course)
}

/// The phase of one occurrence of a window at `now`, if any.
fn occurrence_phase(window: &Window, occ: Occurrence, now: Timestamp) -> Option<Phase> {
    let (start, end) = (occ.starts_at, occ.ends_at);
    let notice_from = start.plus(-i64::from(window.notice_days) * DAY);
    let imminent_from = start.plus(-HOUR).max(notice_from);
    if window.cancelled {
        return (notice_from <= now && now < end).then_some(Phase::Cancelled);
    }
    let after_until = window
        .after
        .as_ref()
        .map(|a| end.plus(i64::from(a.hours) * HOUR));
    if now < notice_from {
        None
    } else if now < imminent_from {
        Some(Phase::Upcoming)
    } else if now < start {
        Some(Phase::Imminent)
    } else if now < end {
        Some(Phase::InProgress)
    } else if after_until.is_some_and(|until| now < until) {
        Some(Phase::Completed)
    } else {
        None
    }
}

/// Every instant at which an occurrence's phase changes.
fn occurrence_bounds(window: &Window, occ: Occurrence) -> [Option<Timestamp>; 5] {
    let start = occ.starts_at;
    let notice_from = start.plus(-i64::from(window.notice_days) * DAY);
    [
        Some(notice_from),
        Some(start.plus(-HOUR).max(notice_from)),
        Some(start),
        Some(occ.ends_at),
        window
            .after
            .as_ref()
            .map(|a| occ.ends_at.plus(i64::from(a.hours) * HOUR)),
    ]
}

fn window_item<'f>(
    window: &'f Window,
    now: Timestamp,
    zones: &dyn TimeZones,
) -> Option<ActiveItem<'f>> {
    // A window whose zone is unknown was rejected by the feed parser; treat it as absent.
    let around = around(&window.schedule, now, zones).ok()?;
    [around.previous, around.next]
        .into_iter()
        .flatten()
        .filter_map(|occ| {
            occurrence_phase(window, occ, now).map(|phase| ActiveItem {
                source: Source::Maintenance(window),
                phase,
                starts_at: Some(occ.starts_at),
                ends_at: Some(occ.ends_at),
            })
        })
        // Both occurrences may be in a phase (last week's known issue, next week's notice):
        // the more urgent phase wins.
        .min_by_key(|item| item.phase)
}

fn notice_item(notice: &Notice, now: Timestamp) -> Option<ActiveItem<'_>> {
    let started = notice.since.is_none_or(|since| since <= now);
    (notice.status != NoticeStatus::Resolved && started).then_some(ActiveItem {
        source: Source::Notice(notice),
        phase: Phase::Active,
        starts_at: notice.since,
        ends_at: None,
    })
}

/// The windows and notices in a phase at `now` for this viewer, most severe first
/// (then the more urgent phase, then the earlier start).
pub fn active_items<'f>(
    feed: &'f Feed,
    viewer: &Viewer<'_>,
    now: Timestamp,
    zones: &dyn TimeZones,
) -> Vec<ActiveItem<'f>> {
    let windows = feed
        .maintenance
        .iter()
        .filter(|w| audience_allows(&w.audience, viewer))
        .filter_map(|w| window_item(w, now, zones));
    let notices = feed
        .notices
        .iter()
        .filter(|n| audience_allows(&n.audience, viewer))
        .filter_map(|n| notice_item(n, now));
    let mut items: Vec<ActiveItem<'f>> = windows
        .chain(notices)
        .filter(|item| !viewer.quiet || matches!(item.phase, Phase::InProgress | Phase::Imminent))
        .collect();
    crate::base::sort::sort_by(&mut items, |a, b| {
        b.rank_severity()
            .cmp(&a.rank_severity())
            .then(a.phase.cmp(&b.phase))
            .then(a.starts_at.cmp(&b.starts_at))
            .then(a.id().cmp(b.id()))
    });
    items
}

/// The first instant after `now` at which [`active_items`] can give a different answer.
///
/// `None` when nothing in the feed will ever change phase. The browser sets one timer for it.
pub fn next_change(feed: &Feed, now: Timestamp, zones: &dyn TimeZones) -> Option<Timestamp> {
    let window_bounds = feed.maintenance.iter().flat_map(|w| {
        let around = around(&w.schedule, now, zones).unwrap_or_default();
        [around.previous, around.next]
            .into_iter()
            .flatten()
            .flat_map(move |occ| occurrence_bounds(w, occ))
            .flatten()
    });
    let notice_bounds = feed.notices.iter().filter_map(|n| n.since);
    window_bounds
        .chain(notice_bounds)
        .filter(|t| *t > now)
        .min()
}

/// How the banner region announces itself to assistive technology.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LiveRole {
    /// `role="status"`: polite, for advance notices.
    Status,
    /// `role="alert"`: assertive, for the last hour and downtime.
    Alert,
}

/// The time line under an item's title; the browser formats the instants with `Intl`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeLine {
    /// The window's range, with how far off it is.
    Range {
        /// Start.
        starts_at: Timestamp,
        /// End.
        ends_at: Timestamp,
    },
    /// A live countdown to the start, and the range.
    Countdown {
        /// Start.
        starts_at: Timestamp,
        /// End.
        ends_at: Timestamp,
    },
    /// Downtime expected to end at this instant.
    Until {
        /// End.
        ends_at: Timestamp,
    },
    /// Nothing to show.
    None,
}

/// One item as the banner draws it, already translated.
#[derive(Clone, Debug, PartialEq)]
pub struct ItemView {
    /// Feed id.
    pub id: String,
    /// Where to store a dismissal; `None` when not dismissible.
    pub dismiss_key: Option<String>,
    /// Declared severity (drives colour).
    pub severity: Severity,
    /// Phase.
    pub phase: Phase,
    /// "Scheduled maintenance", "Known issue", …
    pub heading: String,
    /// The feed title.
    pub title: String,
    /// `lang` for the title when the feed fell back to another language than the widget's.
    pub title_lang: Option<String>,
    /// The text under the title; may be empty.
    pub body: String,
    /// `lang` for the body when it is feed text in another language than the widget's.
    pub body_lang: Option<String>,
    /// A notice's status sentence ("We are investigating.").
    pub status_line: Option<String>,
    /// Times to show.
    pub time: TimeLine,
}

/// The whole banner.
#[derive(Clone, Debug, PartialEq)]
pub struct BannerView {
    /// How the region announces changes.
    pub role: LiveRole,
    /// Items, most severe first; the first is shown, the rest behind "+N more".
    pub items: Vec<ItemView>,
    /// Translated "+N more" for the rest, `None` with one item.
    pub more_label: Option<String>,
}

/// The banner for these items, leaving out the dismissed ones; `None` when nothing is left.
pub fn banner_view(
    items: &[ActiveItem<'_>],
    locale: &str,
    is_dismissed: &dyn Fn(&str) -> bool,
) -> Option<BannerView> {
    let lang = Lang::negotiate(locale);
    let views: Vec<ItemView> = items
        .iter()
        .filter(|item| item.dismiss_key().is_none_or(|key| !is_dismissed(&key)))
        .map(|item| item_view(item, locale, lang))
        .collect();
    if views.is_empty() {
        return None;
    }
    let urgent = views
        .iter()
        .any(|v| matches!(v.phase, Phase::Imminent | Phase::InProgress));
    let more_label = (views.len() > 1)
        .then(|| message_count(lang, CountMsg::MoreItems, (views.len() - 1) as u64));
    Some(BannerView {
        role: if urgent {
            LiveRole::Alert
        } else {
            LiveRole::Status
        },
        items: views,
        more_label,
    })
}

/// The heading shown for an item in this phase ("Scheduled maintenance", "Known issue").
pub fn heading_msg(phase: Phase) -> Msg {
    match phase {
        Phase::Upcoming => Msg::HeadingUpcoming,
        Phase::Imminent => Msg::HeadingImminent,
        Phase::InProgress => Msg::HeadingInProgress,
        Phase::Completed => Msg::HeadingCompleted,
        Phase::Cancelled => Msg::HeadingCancelled,
        Phase::Active => Msg::HeadingKnownIssue,
    }
}

fn item_view(item: &ActiveItem<'_>, locale: &str, lang: Lang) -> ItemView {
    let heading = heading_msg(item.phase);
    let status_line = match item.source {
        Source::Notice(n) => match n.status {
            NoticeStatus::Investigating => Some(Msg::StatusInvestigating),
            NoticeStatus::Identified => Some(Msg::StatusIdentified),
            NoticeStatus::Monitoring => Some(Msg::StatusMonitoring),
            NoticeStatus::Resolved => None,
        },
        Source::Maintenance(_) => None,
    };
    let time = match (item.phase, item.starts_at, item.ends_at) {
        (Phase::Upcoming | Phase::Cancelled, Some(starts_at), Some(ends_at)) => {
            TimeLine::Range { starts_at, ends_at }
        }
        (Phase::Imminent, Some(starts_at), Some(ends_at)) => {
            TimeLine::Countdown { starts_at, ends_at }
        }
        (Phase::InProgress, _, Some(ends_at)) => TimeLine::Until { ends_at },
        _ => TimeLine::None,
    };
    let (title_tag, title) = item.title_with_tag(locale);
    let (body_tag, body) = item.body_with_tag(locale);
    let other = |tag: &str| lang_attribute(tag, lang.tag()).map(String::from);
    ItemView {
        id: item.id().to_string(),
        dismiss_key: item.dismiss_key(),
        severity: item.severity(),
        phase: item.phase,
        heading: message(lang, heading).to_string(),
        title: title.to_string(),
        title_lang: other(title_tag),
        body: body.to_string(),
        body_lang: other(body_tag),
        status_line: status_line.map(|m| message(lang, m).to_string()),
        time,
    }
}

/// Until when the words of `view`, drawn at `now`, stay the same while no phase changes (see
/// [`next_change`] for those): a range's "in 3 days" reads "in 2 days" from the learner's next
/// midnight, "in 5 hours" changes on the hour. The instant returned is the first at which
/// some text reads differently (exclusive end); `None` when the view shows a countdown, which
/// changes every second. `offset_at` is the learner's UTC offset (seconds) at an instant.
///
/// The loader draws the banner as last drawn before the Wasm arrives only until then.
pub fn text_stable_until(
    view: &BannerView,
    now: Timestamp,
    offset_at: &dyn Fn(Timestamp) -> i32,
) -> Option<Timestamp> {
    let mut until = Timestamp(i64::MAX);
    for item in &view.items {
        match item.time {
            TimeLine::Countdown { .. } => return None,
            TimeLine::Range { starts_at, .. } => {
                let offset_then = offset_at(starts_at);
                let span = |at: Timestamp| relative_span(at, starts_at, offset_at(at), offset_then);
                let shown = span(now);
                // The span only shrinks as time passes, so once it reads differently it stays
                // different: find the first such second by bisection, up to the start.
                let (mut same, mut other) =
                    (now.seconds(), starts_at.seconds().max(now.seconds() + 1));
                if span(Timestamp(other)) == shown {
                    continue;
                }
                while other - same > 1 {
                    let mid = same + (other - same) / 2;
                    if span(Timestamp(mid)) == shown {
                        same = mid;
                    } else {
                        other = mid;
                    }
                }
                until = until.min(Timestamp(other));
            }
            TimeLine::Until { .. } | TimeLine::None => {}
        }
    }
    Some(until)
}

/// A unit for "in 3 days" / "in 5 hours", formatted by the browser's `Intl.RelativeTimeFormat`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RelativeUnit {
    /// Calendar days in the learner's zone.
    Day,
    /// Hours.
    Hour,
    /// Minutes.
    Minute,
}

/// How far `then` is from `now`, as a learner reads it: calendar days in their zone when a day
/// or more away ("tomorrow" at 01:00 is 1 day even if only 3 hours away), else hours or minutes.
///
/// `offset_now` and `offset_then` are the learner's UTC offsets (seconds) at the two instants.
pub fn relative_span(
    now: Timestamp,
    then: Timestamp,
    offset_now: i32,
    offset_then: i32,
) -> (i64, RelativeUnit) {
    let days = then.to_civil(offset_then).date.to_days() - now.to_civil(offset_now).date.to_days();
    let secs = then.seconds() - now.seconds();
    if days != 0 {
        (days, RelativeUnit::Day)
    } else if secs.abs() >= HOUR {
        (secs / HOUR, RelativeUnit::Hour)
    } else {
        // Round up so "in 0 minutes" never shows while time remains.
        ((secs + 59).div_euclid(60), RelativeUnit::Minute)
    }
}
