#![cfg(not(target_arch = "wasm32"))]
//! Banner phases of design §4 at their exact boundaries (start inclusive, end exclusive), who
//! sees what, ordering, dismissals, the banner view model, `next_change` and `relative_span`.
//! Every expected instant below is worked out by hand from the feed; none is copied from output.
//! Runs natively only: it resolves time zones with the IANA database (`TzDatabase`).

use lms_support_widget::banner::{
    active_items, banner_view, next_change, relative_span, text_stable_until, ActiveItem, LiveRole,
    Phase, RelativeUnit, TimeLine, Viewer,
};
use lms_support_widget::feed::{self, Feed};
use lms_support_widget::time::Timestamp;
use lms_support_widget::zone::TzDatabase;
use std::collections::HashSet;

const DESIGN_EXAMPLE: &str = include_str!("fixtures/feed.json");

fn parse(json: &str) -> Feed {
    let parsed = feed::parse(json, &TzDatabase).unwrap_or_else(|e| panic!("{e}"));
    assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
    parsed.feed
}

fn utc(text: &str) -> Timestamp {
    Timestamp::parse_rfc3339(text).unwrap()
}

fn items<'f>(feed: &'f Feed, viewer: &Viewer<'_>, at: &str) -> Vec<ActiveItem<'f>> {
    active_items(feed, viewer, utc(at), &TzDatabase)
}

/// The phase of item `id` at `at` for an anonymous viewer on an ordinary page.
fn phase(feed: &Feed, id: &str, at: &str) -> Option<Phase> {
    phase_for(feed, id, &Viewer::default(), at)
}

fn phase_for(feed: &Feed, id: &str, viewer: &Viewer<'_>, at: &str) -> Option<Phase> {
    items(feed, viewer, at)
        .iter()
        .find(|i| i.id() == id)
        .map(|i| i.phase)
}

fn ids(items: &[ActiveItem<'_>]) -> Vec<String> {
    items.iter().map(|i| i.id().to_string()).collect()
}

/// A feed with one one-off window; `extra` adds or overrides fields.
fn one_off(extra: &str) -> String {
    format!(
        r#"{{"version": 1, "maintenance": [{{ "id": "upgrade", "revision": 2,
            "starts_at": "2026-12-06T05:00:00Z", "ends_at": "2026-12-06T11:00:00Z",
            "severity": "major", "title": {{ "en": "Planned upgrade", "es": "Actualización programada" }},
            "body": {{ "en": "Acme Learn will be offline.", "es": "Acme Learn no estará disponible." }}
            {extra} }}]}}"#
    )
}

// ---------------------------------------------------------------------------------------------
// One-off window: every boundary of §4 at the instant and one second before
// ---------------------------------------------------------------------------------------------

// The design example's upgrade: starts 2026-12-06T05:00Z, ends 11:00Z, 7 days of notice, 24 h
// after. Boundaries: notice 2026-11-29T05:00Z, last hour 2026-12-06T04:00Z, start 05:00Z, end
// 11:00Z, after until 2026-12-07T11:00Z.
const UPGRADE_BOUNDARIES: [(&str, Option<Phase>); 10] = [
    ("2026-11-29T04:59:59Z", None),
    ("2026-11-29T05:00:00Z", Some(Phase::Upcoming)),
    ("2026-12-06T03:59:59Z", Some(Phase::Upcoming)),
    ("2026-12-06T04:00:00Z", Some(Phase::Imminent)),
    ("2026-12-06T04:59:59Z", Some(Phase::Imminent)),
    ("2026-12-06T05:00:00Z", Some(Phase::InProgress)),
    ("2026-12-06T10:59:59Z", Some(Phase::InProgress)),
    ("2026-12-06T11:00:00Z", Some(Phase::Completed)),
    ("2026-12-07T10:59:59Z", Some(Phase::Completed)),
    ("2026-12-07T11:00:00Z", None),
];

#[test]
fn design_example_upgrade_changes_phase_exactly_at_each_boundary() {
    let feed = parse(DESIGN_EXAMPLE);
    for (at, expected) in UPGRADE_BOUNDARIES {
        assert_eq!(phase(&feed, "2026-12-upgrade", at), expected, "at {at}");
    }
}

#[test]
fn the_occurrence_and_text_shown_follow_the_phase() {
    let feed = parse(DESIGN_EXAMPLE);
    let find = |at: &str| {
        let all = items(&feed, &Viewer::default(), at);
        *all.iter()
            .find(|i| i.id() == "2026-12-upgrade")
            .expect("upgrade shown")
    };
    let upcoming = find("2026-12-01T00:00:00Z");
    assert_eq!(upcoming.starts_at, Some(utc("2026-12-06T05:00:00Z")));
    assert_eq!(upcoming.ends_at, Some(utc("2026-12-06T11:00:00Z")));
    assert_eq!(upcoming.kind(), "maintenance");
    assert_eq!(upcoming.title("es-MX"), "Actualización programada");
    assert_eq!(upcoming.body("es"), "Acme Learn no estará disponible.");
    assert_eq!(upcoming.body("de"), "Acme Learn will be offline.");
    // After the window, the known-issue text of `after.body` replaces the body.
    let completed = find("2026-12-06T11:00:00Z");
    assert_eq!(
        completed.body("en"),
        "Some pages may load slowly; we are working on it."
    );
    assert_eq!(
        completed.body("es"),
        "Some pages may load slowly; we are working on it."
    );
}

#[test]
fn feed_text_in_a_fallback_language_carries_its_own_lang() {
    // Title and body exist in en and es only: a French widget shows the English text, marked
    // `lang="en"` (WCAG 3.1.2); a Spanish widget shows Spanish and needs no mark.
    let feed = parse(&one_off(
        r#", "notice_days": 7, "after": { "hours": 24, "body": { "en": "Slow pages" } }"#,
    ));
    let upcoming = items(&feed, &Viewer::default(), "2026-12-01T00:00:00Z");
    let french = banner_view(&upcoming, "fr", &|_| false).expect("banner");
    assert_eq!(french.items[0].title, "Planned upgrade");
    assert_eq!(french.items[0].title_lang.as_deref(), Some("en"));
    assert_eq!(french.items[0].body_lang.as_deref(), Some("en"));
    let spanish = banner_view(&upcoming, "es", &|_| false).expect("banner");
    assert_eq!(spanish.items[0].title, "Actualización programada");
    assert_eq!(spanish.items[0].title_lang, None);
    assert_eq!(spanish.items[0].body_lang, None);
    let mexican = banner_view(&upcoming, "es-MX", &|_| false).expect("banner");
    assert_eq!(
        mexican.items[0].title_lang, None,
        "es entry in an es widget"
    );
    // After the window the body is `after.body` (English only here).
    let completed = items(&feed, &Viewer::default(), "2026-12-06T12:00:00Z");
    let spanish = banner_view(&completed, "es", &|_| false).expect("banner");
    assert_eq!(spanish.items[0].title_lang, None);
    assert_eq!(spanish.items[0].body, "Slow pages");
    assert_eq!(spanish.items[0].body_lang.as_deref(), Some("en"));
    // The widget's own messages are always in the widget's language.
    let cancelled = parse(&one_off(r#", "notice_days": 7, "status": "cancelled""#));
    let all = items(&cancelled, &Viewer::default(), "2026-12-01T00:00:00Z");
    let french = banner_view(&all, "fr", &|_| false).expect("banner");
    assert_eq!(french.items[0].phase, Phase::Cancelled);
    assert_eq!(french.items[0].title_lang.as_deref(), Some("en"));
    assert_eq!(
        french.items[0].body_lang, None,
        "a UI message needs no lang"
    );
}

#[test]
fn without_after_the_banner_ends_with_the_window() {
    let feed = parse(&one_off(r#", "notice_days": 7"#));
    assert_eq!(
        phase(&feed, "upgrade", "2026-12-06T10:59:59Z"),
        Some(Phase::InProgress)
    );
    assert_eq!(phase(&feed, "upgrade", "2026-12-06T11:00:00Z"), None);
}

#[test]
fn notice_days_zero_shows_nothing_before_the_start() {
    let feed = parse(&one_off(r#", "notice_days": 0"#));
    assert_eq!(phase(&feed, "upgrade", "2026-12-05T05:00:00Z"), None);
    assert_eq!(
        phase(&feed, "upgrade", "2026-12-06T04:30:00Z"),
        None,
        "no countdown without notice"
    );
    assert_eq!(phase(&feed, "upgrade", "2026-12-06T04:59:59Z"), None);
    assert_eq!(
        phase(&feed, "upgrade", "2026-12-06T05:00:00Z"),
        Some(Phase::InProgress)
    );
    assert_eq!(phase(&feed, "upgrade", "2026-12-06T11:00:00Z"), None);
}

#[test]
fn notice_days_one_starts_the_notice_24_hours_ahead() {
    let feed = parse(&one_off(r#", "notice_days": 1"#));
    assert_eq!(phase(&feed, "upgrade", "2026-12-05T04:59:59Z"), None);
    assert_eq!(
        phase(&feed, "upgrade", "2026-12-05T05:00:00Z"),
        Some(Phase::Upcoming)
    );
    assert_eq!(
        phase(&feed, "upgrade", "2026-12-06T04:00:00Z"),
        Some(Phase::Imminent)
    );
}

#[test]
fn cancelled_window_shows_cancelled_from_notice_until_end_and_never_in_progress() {
    let feed = parse(&one_off(
        r#", "notice_days": 7, "status": "cancelled", "after": { "hours": 24, "body": { "en": "Slow pages" } }"#,
    ));
    let expected = [
        ("2026-11-29T04:59:59Z", None),
        ("2026-11-29T05:00:00Z", Some(Phase::Cancelled)),
        ("2026-12-06T04:00:00Z", Some(Phase::Cancelled)),
        ("2026-12-06T05:00:00Z", Some(Phase::Cancelled)),
        ("2026-12-06T10:59:59Z", Some(Phase::Cancelled)),
        ("2026-12-06T11:00:00Z", None),
        ("2026-12-07T10:00:00Z", None),
    ];
    for (at, phase_expected) in expected {
        assert_eq!(phase(&feed, "upgrade", at), phase_expected, "at {at}");
    }
    let all = items(&feed, &Viewer::default(), "2026-12-06T05:00:00Z");
    assert_eq!(
        all[0].body("en"),
        "This maintenance will not take place. Everything stays available."
    );
    let view = banner_view(&all, "es", &|_| false).expect("banner");
    assert_eq!(view.items[0].heading, "Mantenimiento cancelado");
    assert_eq!(
        view.items[0].body,
        "Este mantenimiento no se realizará. Todo sigue disponible."
    );
    assert_eq!(
        view.role,
        LiveRole::Status,
        "a cancellation is not an alert"
    );
    assert!(
        view.items[0].dismiss_key.is_some(),
        "a cancellation can be dismissed"
    );
}

#[test]
fn known_issue_shows_from_since_until_resolved() {
    let feed = parse(DESIGN_EXAMPLE);
    assert_eq!(phase(&feed, "inc-42", "2026-11-20T13:59:59Z"), None);
    assert_eq!(
        phase(&feed, "inc-42", "2026-11-20T14:00:00Z"),
        Some(Phase::Active)
    );
    assert_eq!(
        phase(&feed, "inc-42", "2027-06-01T00:00:00Z"),
        Some(Phase::Active),
        "no end until resolved"
    );

    for status in ["identified", "monitoring"] {
        let f = parse(&DESIGN_EXAMPLE.replace(
            r#""status": "investigating""#,
            &format!(r#""status": "{status}""#),
        ));
        assert_eq!(
            phase(&f, "inc-42", "2026-11-21T00:00:00Z"),
            Some(Phase::Active),
            "{status}"
        );
    }
    let resolved =
        parse(&DESIGN_EXAMPLE.replace(r#""status": "investigating""#, r#""status": "resolved""#));
    assert_eq!(phase(&resolved, "inc-42", "2026-11-21T00:00:00Z"), None);

    let no_since =
        parse(r#"{"version": 1, "notices": [{"id": "inc-1", "title": {"en": "Slow"}}]}"#);
    assert_eq!(
        phase(&no_since, "inc-1", "2000-01-01T00:00:00Z"),
        Some(Phase::Active)
    );
}

#[test]
fn known_issue_view_has_a_status_sentence_and_no_times() {
    let feed = parse(DESIGN_EXAMPLE);
    // Monday 2026-11-23: the weekly window's notice (from Friday) is not open, the upgrade's
    // neither; only the known issue shows.
    let all = items(&feed, &Viewer::default(), "2026-11-23T12:00:00Z");
    assert_eq!(ids(&all), ["inc-42"]);
    let view = banner_view(&all, "en", &|_| false).expect("banner");
    let item = &view.items[0];
    assert_eq!(item.heading, "Known issue");
    assert_eq!(item.title, "Video playback is slow");
    assert_eq!(item.status_line.as_deref(), Some("We are investigating."));
    assert_eq!(item.time, TimeLine::None);
    assert_eq!(view.role, LiveRole::Status);
    assert_eq!(view.more_label, None);
}

// ---------------------------------------------------------------------------------------------
// Audience and quiet pages
// ---------------------------------------------------------------------------------------------

#[test]
fn audience_by_role_shows_to_listed_and_unknown_roles_only() {
    let feed = parse(DESIGN_EXAMPLE); // upgrade is for students and teachers
    let at = "2026-12-06T05:00:00Z";
    let role = |r: Option<&'static str>| {
        phase_for(
            &feed,
            "2026-12-upgrade",
            &Viewer {
                role: r,
                ..Viewer::default()
            },
            at,
        )
    };
    assert_eq!(role(Some("student")), Some(Phase::InProgress));
    assert_eq!(role(Some("teacher")), Some(Phase::InProgress));
    assert_eq!(role(Some("manager")), None);
    assert_eq!(
        role(None),
        Some(Phase::InProgress),
        "the page did not say: show it"
    );
    // The weekly window has no audience: everyone sees it.
    let weekly = phase_for(
        &feed,
        "weekly",
        &Viewer {
            role: Some("manager"),
            ..Viewer::default()
        },
        "2026-12-06T06:00:00Z",
    );
    assert_eq!(weekly, Some(Phase::InProgress));
}

#[test]
fn audience_by_course_and_role_together() {
    let feed = parse(&one_off(
        r#", "audience": { "roles": ["student"], "courses": ["BIO-101", 2042] }"#,
    ));
    let at = "2026-12-06T05:00:00Z";
    let shown = |role: Option<&str>, course: Option<&str>| {
        phase_for(
            &feed,
            "upgrade",
            &Viewer {
                role,
                course,
                quiet: false,
            },
            at,
        )
        .is_some()
    };
    assert!(shown(Some("student"), Some("BIO-101")));
    assert!(
        shown(Some("student"), Some("2042")),
        "numeric course ids in the feed match their text"
    );
    assert!(!shown(Some("student"), Some("CHEM-200")));
    assert!(!shown(Some("teacher"), Some("BIO-101")));
    assert!(shown(None, Some("BIO-101")));
    assert!(shown(Some("student"), None));
    assert!(shown(None, None));
}

#[test]
fn quiet_page_shows_only_imminent_and_in_progress() {
    let feed = parse(DESIGN_EXAMPLE);
    let quiet = Viewer {
        quiet: true,
        ..Viewer::default()
    };
    let upgrade = |at| phase_for(&feed, "2026-12-upgrade", &quiet, at);
    assert_eq!(
        upgrade("2026-11-29T05:00:00Z"),
        None,
        "upcoming is hidden during a quiz"
    );
    assert_eq!(upgrade("2026-12-06T04:00:00Z"), Some(Phase::Imminent));
    assert_eq!(upgrade("2026-12-06T05:00:00Z"), Some(Phase::InProgress));
    assert_eq!(
        upgrade("2026-12-06T11:00:00Z"),
        None,
        "completed is hidden during a quiz"
    );
    assert_eq!(
        phase_for(&feed, "inc-42", &quiet, "2026-11-21T00:00:00Z"),
        None,
        "known issues are hidden"
    );

    let cancelled = parse(&one_off(r#", "status": "cancelled""#));
    assert_eq!(
        phase_for(&cancelled, "upgrade", &quiet, "2026-12-06T05:00:00Z"),
        None
    );
}

// ---------------------------------------------------------------------------------------------
// Several items: ordering and the banner view
// ---------------------------------------------------------------------------------------------

/// At 2026-12-01T12:00Z: a minor window in progress, a major one in its last hour, a minor one
/// upcoming, a critical one cancelled, and a critical known issue.
const BUSY: &str = r#"{"version": 1,
  "maintenance": [
    { "id": "cancelled-critical", "severity": "critical", "status": "cancelled",
      "starts_at": "2026-12-05T00:00:00Z", "ends_at": "2026-12-05T04:00:00Z", "title": { "en": "Database move" } },
    { "id": "minor-upcoming", "severity": "minor",
      "starts_at": "2026-12-03T12:00:00Z", "ends_at": "2026-12-03T13:00:00Z", "title": { "en": "Search reindex" } },
    { "id": "major-imminent", "severity": "major",
      "starts_at": "2026-12-01T12:30:00Z", "ends_at": "2026-12-01T13:30:00Z", "title": { "en": "Gradebook upgrade" } },
    { "id": "minor-in-progress", "severity": "minor",
      "starts_at": "2026-12-01T11:00:00Z", "ends_at": "2026-12-01T14:00:00Z", "title": { "en": "Video transcoding" } }
  ],
  "notices": [
    { "id": "critical-notice", "severity": "critical", "status": "identified",
      "since": "2026-11-30T00:00:00Z", "title": { "en": "Log-in fails for some learners" } }
  ]}"#;

const BUSY_AT: &str = "2026-12-01T12:00:00Z";

#[test]
fn most_severe_first_and_a_cancelled_window_ranks_as_info() {
    let feed = parse(BUSY);
    let all = items(&feed, &Viewer::default(), BUSY_AT);
    assert_eq!(
        ids(&all),
        [
            "critical-notice",
            "major-imminent",
            "minor-in-progress",
            "minor-upcoming",
            "cancelled-critical"
        ]
    );
    let phases: Vec<Phase> = all.iter().map(|i| i.phase).collect();
    assert_eq!(
        phases,
        [
            Phase::Active,
            Phase::Imminent,
            Phase::InProgress,
            Phase::Upcoming,
            Phase::Cancelled
        ]
    );
}

#[test]
fn banner_is_an_alert_when_anything_is_imminent_or_in_progress() {
    let feed = parse(BUSY);
    let view =
        banner_view(&items(&feed, &Viewer::default(), BUSY_AT), "en", &|_| false).expect("banner");
    assert_eq!(view.role, LiveRole::Alert);

    // Only the upcoming and cancelled windows and the notice: polite.
    let view = banner_view(
        &items(&feed, &Viewer::default(), "2026-12-02T00:00:00Z"),
        "en",
        &|_| false,
    )
    .expect("banner");
    assert_eq!(view.items.len(), 3);
    assert_eq!(view.role, LiveRole::Status);

    // The design example's upgrade: polite while upcoming or completed, alert in the last hour.
    let example = parse(DESIGN_EXAMPLE);
    let role_at = |at| {
        banner_view(&items(&example, &Viewer::default(), at), "en", &|_| false).map(|v| v.role)
    };
    assert_eq!(role_at("2026-12-06T03:59:59Z"), Some(LiveRole::Status));
    assert_eq!(role_at("2026-12-06T04:00:00Z"), Some(LiveRole::Alert));
    assert_eq!(role_at("2026-12-06T05:00:00Z"), Some(LiveRole::Alert));
    assert_eq!(role_at("2026-12-06T11:00:00Z"), Some(LiveRole::Status));
}

#[test]
fn more_label_counts_the_rest_in_the_learners_language() {
    let feed = parse(BUSY);
    let all = items(&feed, &Viewer::default(), BUSY_AT);
    let label = |locale| banner_view(&all, locale, &|_| false).and_then(|v| v.more_label);
    assert_eq!(label("en").as_deref(), Some("+4 more"));
    assert_eq!(label("es").as_deref(), Some("+4 más"));
    assert_eq!(label("es-MX").as_deref(), Some("+4 más"));
    assert_eq!(label("fr").as_deref(), Some("+4\u{a0}autres"));
    assert_eq!(label("de-AT").as_deref(), Some("+4 weitere"));
    assert_eq!(label("pt-BR").as_deref(), Some("+4 outros"));
    assert_eq!(label("ar-EG").as_deref(), Some("+4 إشعارات أخرى"));
    assert_eq!(label("zh").as_deref(), Some("+4 more"));
    let two = banner_view(&all[..2], "ar", &|_| false).and_then(|v| v.more_label);
    assert_eq!(two.as_deref(), Some("+إشعار آخر"));
    let two = banner_view(&all[..2], "pt-PT", &|_| false).and_then(|v| v.more_label);
    assert_eq!(two.as_deref(), Some("+1 outro"));

    let single = banner_view(&all[..1], "en", &|_| false).expect("banner");
    assert_eq!(single.more_label, None);
    assert_eq!(
        banner_view(&[], "en", &|_| false),
        None,
        "nothing to show: no banner"
    );
}

#[test]
fn each_phase_has_its_heading_and_time_line() {
    let feed = parse(BUSY);
    let view =
        banner_view(&items(&feed, &Viewer::default(), BUSY_AT), "en", &|_| false).expect("banner");
    let by_id = |id: &str| view.items.iter().find(|v| v.id == id).expect(id);
    assert_eq!(by_id("major-imminent").heading, "Maintenance starts soon");
    assert_eq!(
        by_id("major-imminent").time,
        TimeLine::Countdown {
            starts_at: utc("2026-12-01T12:30:00Z"),
            ends_at: utc("2026-12-01T13:30:00Z")
        }
    );
    assert_eq!(
        by_id("minor-in-progress").heading,
        "Maintenance in progress"
    );
    assert_eq!(
        by_id("minor-in-progress").time,
        TimeLine::Until {
            ends_at: utc("2026-12-01T14:00:00Z")
        }
    );
    assert_eq!(by_id("minor-upcoming").heading, "Scheduled maintenance");
    assert_eq!(
        by_id("minor-upcoming").time,
        TimeLine::Range {
            starts_at: utc("2026-12-03T12:00:00Z"),
            ends_at: utc("2026-12-03T13:00:00Z")
        }
    );
    assert_eq!(by_id("cancelled-critical").heading, "Maintenance cancelled");
    assert_eq!(
        by_id("critical-notice").status_line.as_deref(),
        Some("We found the cause and are working on a fix.")
    );

    let es =
        banner_view(&items(&feed, &Viewer::default(), BUSY_AT), "es", &|_| false).expect("banner");
    let headings: Vec<&str> = es.items.iter().map(|v| v.heading.as_str()).collect();
    assert_eq!(
        headings,
        [
            "Problema conocido",
            "El mantenimiento empieza pronto",
            "Mantenimiento en curso",
            "Mantenimiento programado",
            "Mantenimiento cancelado"
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Dismissals
// ---------------------------------------------------------------------------------------------

fn dismissed(keys: &HashSet<String>) -> impl Fn(&str) -> bool + '_ {
    move |key| keys.contains(key)
}

#[test]
fn dismissed_items_are_left_out_and_the_count_follows() {
    let feed = parse(BUSY);
    let all = items(&feed, &Viewer::default(), BUSY_AT);
    let upcoming = all.iter().find(|i| i.id() == "minor-upcoming").unwrap();
    let keys: HashSet<String> = [upcoming.dismiss_key().expect("upcoming is dismissible")].into();
    let view = banner_view(&all, "en", &dismissed(&keys)).expect("banner");
    let shown: Vec<&str> = view.items.iter().map(|v| v.id.as_str()).collect();
    assert_eq!(
        shown,
        [
            "critical-notice",
            "major-imminent",
            "minor-in-progress",
            "cancelled-critical"
        ]
    );
    assert_eq!(view.more_label.as_deref(), Some("+3 more"));
}

#[test]
fn in_progress_cannot_be_dismissed() {
    let feed = parse(BUSY);
    let all = items(&feed, &Viewer::default(), BUSY_AT);
    let in_progress = all.iter().find(|i| i.id() == "minor-in-progress").unwrap();
    assert_eq!(in_progress.dismiss_key(), None);
    // Even a learner who dismissed everything else still sees the downtime.
    let view = banner_view(&all, "en", &|_| true).expect("in-progress stays");
    let shown: Vec<&str> = view.items.iter().map(|v| v.id.as_str()).collect();
    assert_eq!(shown, ["minor-in-progress"]);
    assert_eq!(view.items[0].dismiss_key, None);
    assert_eq!(view.role, LiveRole::Alert);
    assert_eq!(view.more_label, None);
}

#[test]
fn dismissing_the_only_urgent_item_makes_the_banner_polite() {
    let feed = parse(BUSY);
    let all = items(&feed, &Viewer::default(), "2026-12-01T10:59:59Z"); // imminent but not yet in progress
    let imminent: Vec<String> = all
        .iter()
        .filter(|i| i.phase == Phase::Imminent)
        .map(|i| i.dismiss_key().expect("imminent is dismissible"))
        .collect();
    assert_eq!(imminent.len(), 1, "minor-in-progress is in its last hour");
    let keys: HashSet<String> = imminent.into_iter().collect();
    let view = banner_view(&all, "en", &dismissed(&keys)).expect("banner");
    assert_eq!(view.role, LiveRole::Status);
    assert!(view.items.iter().all(|v| v.id != "minor-in-progress"));
}

#[test]
fn a_new_revision_shows_again_after_a_dismissal() {
    let rev2 = parse(&one_off(""));
    let at = "2026-12-01T00:00:00Z";
    let old = items(&rev2, &Viewer::default(), at);
    let keys: HashSet<String> = [old[0].dismiss_key().unwrap()].into();
    assert_eq!(
        banner_view(&old, "en", &dismissed(&keys)),
        None,
        "dismissed"
    );

    let rev3 = parse(&one_off("").replace(r#""revision": 2"#, r#""revision": 3"#));
    let new = items(&rev3, &Viewer::default(), at);
    assert_ne!(new[0].dismiss_key(), old[0].dismiss_key());
    let view = banner_view(&new, "en", &dismissed(&keys)).expect("revision 3 shows again");
    assert_eq!(view.items[0].id, "upgrade");

    // The same holds for a known issue.
    let notice = |rev: u32| {
        parse(&format!(
            r#"{{"version": 1, "notices": [{{"id": "inc-42", "revision": {rev}, "title": {{"en": "Slow"}}}}]}}"#
        ))
    };
    let (n1, n2) = (notice(1), notice(2));
    let k1 = items(&n1, &Viewer::default(), at)[0].dismiss_key().unwrap();
    let keys: HashSet<String> = [k1].into();
    assert_eq!(
        banner_view(&items(&n1, &Viewer::default(), at), "en", &dismissed(&keys)),
        None
    );
    assert!(banner_view(&items(&n2, &Viewer::default(), at), "en", &dismissed(&keys)).is_some());
}

#[test]
fn a_dismissal_lasts_for_the_occurrence_and_next_weeks_shows_again() {
    let feed = parse(DESIGN_EXAMPLE);
    let weekly = |at: &str| {
        let all = items(&feed, &Viewer::default(), at);
        let item = *all
            .iter()
            .find(|i| i.id() == "weekly")
            .expect("weekly shown");
        item
    };
    // Friday 2026-11-27 12:00Z: advance notice of Sunday 2026-11-29 01:00 EST (06:00Z).
    let this_week = weekly("2026-11-27T12:00:00Z");
    assert_eq!(this_week.phase, Phase::Upcoming);
    assert_eq!(this_week.starts_at, Some(utc("2026-11-29T06:00:00Z")));
    let keys: HashSet<String> = [this_week.dismiss_key().unwrap()].into();

    // Later the same occurrence's notice stays dismissed.
    let saturday = weekly("2026-11-28T12:00:00Z");
    assert_eq!(saturday.dismiss_key(), this_week.dismiss_key());
    assert_eq!(banner_view(&[saturday], "en", &dismissed(&keys)), None);

    // Friday 2026-12-04: next week's occurrence (2026-12-06T06:00Z) shows again.
    let next_week = weekly("2026-12-04T12:00:00Z");
    assert_eq!(next_week.starts_at, Some(utc("2026-12-06T06:00:00Z")));
    assert_ne!(next_week.dismiss_key(), this_week.dismiss_key());
    assert!(banner_view(&[next_week], "en", &dismissed(&keys)).is_some());
}

#[test]
fn dismissing_the_advance_notice_still_lets_the_last_hour_countdown_through() {
    let feed = parse(&one_off(""));
    let upcoming = items(&feed, &Viewer::default(), "2026-12-06T03:59:59Z");
    let keys: HashSet<String> = [upcoming[0].dismiss_key().unwrap()].into();
    let imminent = items(&feed, &Viewer::default(), "2026-12-06T04:00:00Z");
    let view = banner_view(&imminent, "en", &dismissed(&keys)).expect("countdown shows");
    assert_eq!(view.items[0].phase, Phase::Imminent);
}

// ---------------------------------------------------------------------------------------------
// next_change: the one timer the browser sets
// ---------------------------------------------------------------------------------------------

fn change(feed: &Feed, at: &str) -> Option<Timestamp> {
    next_change(feed, utc(at), &TzDatabase)
}

#[test]
fn next_change_of_a_one_off_window_is_exactly_the_next_boundary() {
    let feed = parse(&one_off(r#", "notice_days": 7, "after": { "hours": 24 }"#));
    let expected = [
        ("2026-01-01T00:00:00Z", Some("2026-11-29T05:00:00Z")),
        ("2026-11-29T04:59:59Z", Some("2026-11-29T05:00:00Z")),
        ("2026-11-29T05:00:00Z", Some("2026-12-06T04:00:00Z")), // upcoming → start − 1 h
        ("2026-12-06T03:59:59Z", Some("2026-12-06T04:00:00Z")),
        ("2026-12-06T04:00:00Z", Some("2026-12-06T05:00:00Z")), // imminent → start
        ("2026-12-06T05:00:00Z", Some("2026-12-06T11:00:00Z")), // in progress → end
        ("2026-12-06T10:59:59Z", Some("2026-12-06T11:00:00Z")),
        ("2026-12-06T11:00:00Z", Some("2026-12-07T11:00:00Z")), // completed → end + after.hours
        ("2026-12-07T11:00:00Z", None),                         // nothing will change again
        ("2027-06-01T00:00:00Z", None),
    ];
    for (at, next) in expected {
        assert_eq!(change(&feed, at), next.map(utc), "at {at}");
    }
}

#[test]
fn next_change_without_after_ends_at_the_window_end() {
    let feed = parse(&one_off(r#", "notice_days": 7"#));
    assert_eq!(
        change(&feed, "2026-12-06T05:00:00Z"),
        Some(utc("2026-12-06T11:00:00Z"))
    );
    assert_eq!(change(&feed, "2026-12-06T11:00:00Z"), None);
}

#[test]
fn next_change_of_a_known_issue_is_its_since() {
    let feed = parse(
        r#"{"version": 1, "notices": [{"id": "inc-42", "since": "2026-11-20T14:00:00Z", "title": {"en": "Slow"}}]}"#,
    );
    assert_eq!(
        change(&feed, "2026-11-20T13:59:59Z"),
        Some(utc("2026-11-20T14:00:00Z"))
    );
    assert_eq!(change(&feed, "2026-11-20T14:00:00Z"), None);
}

#[test]
fn next_change_of_a_weekly_window_goes_to_next_weeks_notice_after_the_window() {
    let feed = parse(DESIGN_EXAMPLE);
    let weekly_only = Feed {
        maintenance: vec![feed.maintenance[1].clone()],
        ..Feed::default()
    };
    // Sunday 2026-11-22 01:00 EST = 06:00Z, four hours to 10:00Z; two days' notice of the
    // next one (2026-11-29T06:00Z) begins Friday 2026-11-27T06:00Z.
    let expected = [
        ("2026-11-22T05:00:00Z", "2026-11-22T06:00:00Z"),
        ("2026-11-22T09:59:59Z", "2026-11-22T10:00:00Z"),
        ("2026-11-22T10:00:00Z", "2026-11-27T06:00:00Z"),
        ("2026-11-27T06:00:00Z", "2026-11-29T05:00:00Z"),
        ("2026-11-29T05:00:00Z", "2026-11-29T06:00:00Z"),
    ];
    for (at, next) in expected {
        assert_eq!(change(&weekly_only, at), Some(utc(next)), "at {at}");
    }
    // The whole example on Sunday 2026-11-22 at noon: the weekly notice comes before the
    // upgrade's (2026-11-29T05:00Z); the known issue started long ago.
    assert_eq!(
        change(&feed, "2026-11-22T12:00:00Z"),
        Some(utc("2026-11-27T06:00:00Z"))
    );
}

#[test]
fn next_change_of_a_recurring_window_with_an_after_period() {
    let feed = parse(
        r#"{"version": 1, "maintenance": [{ "id": "nightly", "every": "day", "start": "02:00",
            "duration_minutes": 30, "time_zone": "Europe/Madrid", "notice_days": 0,
            "after": { "hours": 2 }, "title": { "en": "Nightly backup" } }]}"#,
    );
    // 2026-12-01 02:00 CET = 01:00Z to 01:30Z, after period until 03:30Z; the next night's
    // start (notice_days 0) is 2026-12-02T01:00Z.
    assert_eq!(
        phase(&feed, "nightly", "2026-12-01T03:29:59Z"),
        Some(Phase::Completed)
    );
    assert_eq!(
        change(&feed, "2026-12-01T01:30:00Z"),
        Some(utc("2026-12-01T03:30:00Z"))
    );
    assert_eq!(
        change(&feed, "2026-12-01T03:30:00Z"),
        Some(utc("2026-12-02T01:00:00Z"))
    );
    assert_eq!(phase(&feed, "nightly", "2026-12-01T03:30:00Z"), None);
}

// ---------------------------------------------------------------------------------------------
// relative_span: "in 3 days", "in 5 hours", "in 12 minutes"
// ---------------------------------------------------------------------------------------------

const EST: i32 = -5 * 3600;
const EDT: i32 = -4 * 3600;
const JST: i32 = 9 * 3600;

#[test]
fn days_count_the_learners_calendar_days() {
    // New York, 22:00 EST Sunday to 01:00 EST Monday: three hours, but "tomorrow".
    let now = utc("2026-11-30T03:00:00Z");
    assert_eq!(
        relative_span(now, utc("2026-11-30T06:00:00Z"), EST, EST),
        (1, RelativeUnit::Day)
    );
    // Tokyo: the upgrade starts 2026-12-06 14:00 JST. Until midnight on the 3rd it is 3 days away.
    let start = utc("2026-12-06T05:00:00Z");
    assert_eq!(
        relative_span(utc("2026-12-03T14:59:59Z"), start, JST, JST),
        (3, RelativeUnit::Day)
    );
    assert_eq!(
        relative_span(utc("2026-12-03T15:00:00Z"), start, JST, JST),
        (2, RelativeUnit::Day)
    );
    // Across fall back in New York: noon EDT Saturday 10-31 to noon EST Monday 11-02 is 2 days
    // (49 elapsed hours).
    assert_eq!(
        relative_span(
            utc("2026-10-31T16:00:00Z"),
            utc("2026-11-02T17:00:00Z"),
            EDT,
            EST
        ),
        (2, RelativeUnit::Day)
    );
}

#[test]
fn hours_on_the_same_day_then_minutes_rounded_up() {
    let now = utc("2026-12-06T12:00:00Z"); // 07:00 EST
    assert_eq!(
        relative_span(now, utc("2026-12-06T17:00:00Z"), EST, EST),
        (5, RelativeUnit::Hour)
    );
    assert_eq!(
        relative_span(now, utc("2026-12-06T13:00:00Z"), EST, EST),
        (1, RelativeUnit::Hour)
    );
    assert_eq!(
        relative_span(now, utc("2026-12-06T12:30:00Z"), EST, EST),
        (30, RelativeUnit::Minute)
    );
    assert_eq!(
        relative_span(now, utc("2026-12-06T12:30:01Z"), EST, EST),
        (31, RelativeUnit::Minute)
    );
    assert_eq!(
        relative_span(now, utc("2026-12-06T12:00:01Z"), EST, EST),
        (1, RelativeUnit::Minute),
        "never \"in 0 minutes\" while time remains"
    );
    assert_eq!(relative_span(now, now, EST, EST), (0, RelativeUnit::Minute));
}

// ---------------------------------------------------------------------------------------------
// text_stable_until: how long the banner as drawn may be shown again before the Wasm redraws it
// ---------------------------------------------------------------------------------------------

fn view_at(at: &str) -> lms_support_widget::banner::BannerView {
    let feed = parse(DESIGN_EXAMPLE);
    banner_view(&items(&feed, &Viewer::default(), at), "en", &|_| false).unwrap()
}

#[test]
fn in_3_days_stays_until_the_learners_next_midnight() {
    // The upgrade starts 2026-12-06 05:00 UTC; at 10:00 UTC on the 3rd it is "in 3 days".
    let view = view_at("2026-12-03T10:00:00Z");
    assert!(matches!(view.items[0].time, TimeLine::Range { .. }));
    let now = utc("2026-12-03T10:00:00Z");
    // In Tokyo the 4th begins at 15:00 UTC ("in 2 days" from then on); in London at midnight.
    assert_eq!(
        text_stable_until(&view, now, &|_| JST),
        Some(utc("2026-12-03T15:00:00Z"))
    );
    assert_eq!(
        text_stable_until(&view, now, &|_| 0),
        Some(utc("2026-12-04T00:00:00Z"))
    );
}

#[test]
fn in_5_hours_changes_on_the_hour_before_the_start() {
    // 23:30 UTC on the 5th, in London: the start (05:00 on the 6th) is tomorrow, so "in 1 day"
    // until midnight. At 00:30 it is 4 h 30 min away, "in 4 hours", until 01:00:00 included
    // (4 h exactly); a second later it reads "in 3 hours".
    let view = view_at("2026-12-05T23:30:00Z");
    assert_eq!(
        text_stable_until(&view, utc("2026-12-05T23:30:00Z"), &|_| 0),
        Some(utc("2026-12-06T00:00:00Z"))
    );
    let view = view_at("2026-12-06T00:30:00Z");
    assert_eq!(
        text_stable_until(&view, utc("2026-12-06T00:30:00Z"), &|_| 0),
        Some(utc("2026-12-06T01:00:01Z"))
    );
}

#[test]
fn a_countdown_is_never_stable_and_downtime_text_always_is() {
    // The last hour: a countdown ticking every second.
    assert_eq!(
        text_stable_until(
            &view_at("2026-12-06T04:30:00Z"),
            utc("2026-12-06T04:30:00Z"),
            &|_| 0
        ),
        None
    );
    // During the window the banner reads "until 11:00": nothing in it moves with the clock.
    let view = view_at("2026-12-06T06:00:00Z");
    assert!(
        view.items
            .iter()
            .all(|i| !matches!(i.time, TimeLine::Range { .. } | TimeLine::Countdown { .. })),
        "{view:?}"
    );
    assert_eq!(
        text_stable_until(&view, utc("2026-12-06T06:00:00Z"), &|_| 0),
        Some(Timestamp(i64::MAX))
    );
}
