#![cfg(not(target_arch = "wasm32"))]
//! Feed parsing and validation (design §3), as a vendor running `lms-support check` and a learner
//! reading the banner would notice it: what survives a bad entry, and the exact words of each
//! problem. Runs natively only: it resolves time zones with the IANA database (`TzDatabase`).

use lms_support_widget::feed::{
    self, Audience, Cadence, FeedError, NoticeStatus, Parsed, Schedule, Severity,
};
use lms_support_widget::time::{Timestamp, Weekday};
use lms_support_widget::zone::TzDatabase;

const DESIGN_EXAMPLE: &str = include_str!("fixtures/feed.json");
const INVALID_ENTRIES: &str = include_str!("fixtures/feed-invalid-entries.json");
const INVALID_ENTRIES_EXPECTED: &str = include_str!("fixtures/feed-invalid-entries.expected.txt");
const UNKNOWN_FIELDS: &str = include_str!("fixtures/feed-unknown-fields.json");

fn parse(json: &str) -> Parsed {
    feed::parse(json, &TzDatabase).unwrap_or_else(|e| panic!("feed rejected whole: {e}"))
}

fn utc(text: &str) -> Timestamp {
    Timestamp::parse_rfc3339(text).unwrap()
}

/// The problems as `lms-support check` prints them, one line each.
fn lines(parsed: &Parsed) -> Vec<String> {
    parsed.problems.iter().map(ToString::to_string).collect()
}

fn window_ids(parsed: &Parsed) -> Vec<&str> {
    parsed
        .feed
        .maintenance
        .iter()
        .map(|w| w.id.as_str())
        .collect()
}

fn notice_ids(parsed: &Parsed) -> Vec<&str> {
    parsed.feed.notices.iter().map(|n| n.id.as_str()).collect()
}

fn faq_ids(parsed: &Parsed) -> Vec<&str> {
    parsed.feed.faq.iter().map(|f| f.id.as_str()).collect()
}

// ---------------------------------------------------------------------------------------------
// The example of design §3
// ---------------------------------------------------------------------------------------------

#[test]
fn design_example_parses_with_no_problems_and_no_unknown_fields() {
    let parsed = parse(DESIGN_EXAMPLE);
    assert_eq!(lines(&parsed), Vec::<String>::new());
    assert_eq!(parsed.unknown_fields, Vec::<String>::new());

    let feed = &parsed.feed;
    assert_eq!(feed.client.name, "Acme College");
    assert_eq!(feed.client.site_name, "Acme Learn");
    assert_eq!(window_ids(&parsed), ["2026-12-upgrade", "weekly"]);
    assert_eq!(notice_ids(&parsed), ["inc-42"]);
    assert_eq!(faq_ids(&parsed), ["reset-password"]);
}

#[test]
fn design_example_one_off_window_reads_as_written() {
    let parsed = parse(DESIGN_EXAMPLE);
    let upgrade = &parsed.feed.maintenance[0];
    assert_eq!(upgrade.revision, 2);
    assert_eq!(
        upgrade.schedule,
        Schedule::Once {
            starts_at: utc("2026-12-06T05:00:00Z"),
            ends_at: utc("2026-12-06T11:00:00Z")
        }
    );
    assert_eq!(upgrade.notice_days, 7);
    assert_eq!(upgrade.severity, Severity::Major);
    assert_eq!(upgrade.title.get("en"), "Planned upgrade");
    assert_eq!(upgrade.title.get("es"), "Actualización programada");
    assert_eq!(upgrade.body.get("es"), "Acme Learn no estará disponible.");
    assert_eq!(
        upgrade.audience,
        Audience {
            roles: vec!["student".into(), "teacher".into()],
            courses: vec![]
        }
    );
    let after = upgrade.after.as_ref().expect("after");
    assert_eq!(after.hours, 24);
    assert_eq!(
        after.body.get("en"),
        "Some pages may load slowly; we are working on it."
    );
    assert!(!upgrade.cancelled, "status \"scheduled\" is not cancelled");
}

#[test]
fn design_example_recurring_window_notice_faq_and_support_read_as_written() {
    let parsed = parse(DESIGN_EXAMPLE);
    let weekly = &parsed.feed.maintenance[1];
    let Schedule::Recurring(rec) = &weekly.schedule else {
        panic!("weekly is not recurring")
    };
    assert_eq!(rec.every, Cadence::Week(Weekday::Sun));
    assert_eq!(rec.start, (1, 0));
    assert_eq!(rec.duration_minutes, 240);
    assert_eq!(rec.time_zone, "America/New_York");
    assert_eq!(weekly.notice_days, 2);
    assert_eq!(weekly.severity, Severity::Minor);
    assert_eq!(weekly.after, None);

    let notice = &parsed.feed.notices[0];
    assert_eq!(notice.status, NoticeStatus::Investigating);
    assert_eq!(notice.since, Some(utc("2026-11-20T14:00:00Z")));
    assert_eq!(notice.title.get("es"), "Video playback is slow");

    let faq = &parsed.feed.faq[0];
    assert_eq!(faq.category.as_deref(), Some("account"));
    assert_eq!(faq.tags, ["login"]);
    assert_eq!(
        faq.question.get("es-ES"),
        "¿Cómo restablezco mi contraseña?"
    );
    assert_eq!(
        faq.answer.get("es"),
        "Use **Forgot password** on the login page…"
    );

    let support = parsed.feed.support.as_ref().expect("support");
    assert_eq!(support.api, "https://support.vendor.example/v1");
    assert_eq!(support.hours.as_deref(), Some("24/7"));
    let priorities: Vec<(&str, u32)> = support
        .priorities
        .iter()
        .map(|p| (p.id.as_str(), p.response_minutes))
        .collect();
    assert_eq!(
        priorities,
        [("critical", 60), ("high", 120), ("routine", 480)]
    );
    assert_eq!(
        support.priorities[1].examples.get("fr"),
        "Many users or a critical workflow"
    );
    assert_eq!(
        support.categories,
        [
            "access",
            "content",
            "grades",
            "outage",
            "data_loss",
            "security",
            "other"
        ]
    );
    assert_eq!(
        support.fallback.email.as_deref(),
        Some("help@vendor.example")
    );
    assert_eq!(support.fallback.phone.as_deref(), Some("+1 555 0100"));
}

// ---------------------------------------------------------------------------------------------
// Localized text
// ---------------------------------------------------------------------------------------------

#[test]
fn localized_text_falls_back_region_then_language_then_english_then_first_in_feed_order() {
    let parsed = parse(
        r#"{"version": 1, "notices": [
            {"id": "both", "title": {"en": "Video playback is slow", "es": "El vídeo va lento"}},
            {"id": "no-english", "title": {"fr": "La vidéo est lente", "de": "Videos laden langsam"}},
            {"id": "regional", "title": {"pt-BR": "O vídeo está lento", "en": "Video playback is slow"}}
        ]}"#,
    );
    assert!(parsed.problems.is_empty(), "{:?}", lines(&parsed));
    let [both, no_english, regional] = &parsed.feed.notices[..] else {
        panic!("three notices")
    };

    assert_eq!(
        both.title.get("es-MX"),
        "El vídeo va lento",
        "es-MX falls back to es"
    );
    assert_eq!(
        both.title.get("ES"),
        "El vídeo va lento",
        "tags compare case-insensitively"
    );
    assert_eq!(
        both.title.get("de"),
        "Video playback is slow",
        "de falls back to en"
    );
    // "fr" comes first in the feed although "de" sorts first: the feed's order decides.
    assert_eq!(no_english.title.get("ja"), "La vidéo est lente");
    assert_eq!(no_english.title.get("de-AT"), "Videos laden langsam");
    assert_eq!(
        regional.title.get("pt"),
        "O vídeo está lento",
        "any tag of the language"
    );
    assert_eq!(regional.title.get("pt-PT"), "O vídeo está lento");
}

#[test]
fn blank_translations_are_skipped_and_an_all_blank_title_is_missing_text() {
    let parsed = parse(
        r#"{"version": 1, "notices": [
            {"id": "half", "title": {"es": "  ", "en": "Video playback is slow"}},
            {"id": "blank", "title": {"en": ""}}
        ]}"#,
    );
    assert_eq!(
        parsed.feed.notices[0].title.get("es"),
        "Video playback is slow"
    );
    assert_eq!(
        lines(&parsed),
        [r#"notices[1] (blank): "title" has no text in any language"#]
    );
}

// ---------------------------------------------------------------------------------------------
// Invalid entries: one problem line each, the rest of the feed survives
// ---------------------------------------------------------------------------------------------

#[test]
fn every_invalid_entry_of_the_fixture_is_reported_once_and_the_rest_survives() {
    let parsed = parse(INVALID_ENTRIES);
    let expected: Vec<&str> = INVALID_ENTRIES_EXPECTED.lines().collect();
    assert_eq!(lines(&parsed), expected);
    assert_eq!(window_ids(&parsed), ["upgrade", "nightly"]);
    assert_eq!(notice_ids(&parsed), ["inc-42"]);
    assert_eq!(faq_ids(&parsed), ["reset-password"]);
    // Of two entries with one id, the first is kept.
    assert_eq!(
        parsed.feed.maintenance[0].schedule,
        Schedule::Once {
            starts_at: utc("2026-12-06T05:00:00Z"),
            ends_at: utc("2026-12-06T11:00:00Z")
        }
    );
    assert_eq!(parsed.unknown_fields, Vec::<String>::new());
}

const GOOD_WINDOW: &str = r#"{ "id": "upgrade", "starts_at": "2026-12-06T05:00:00Z",
    "ends_at": "2026-12-06T11:00:00Z", "title": { "en": "Planned upgrade" } }"#;
const GOOD_NOTICE: &str =
    r#"{ "id": "inc-42", "status": "investigating", "title": { "en": "Video playback is slow" } }"#;
const GOOD_FAQ: &str = r#"{ "id": "reset-password", "question": { "en": "How do I reset my password?" },
    "answer": { "en": "Use **Forgot password**." } }"#;

/// A feed with one good entry in each section and `bad` appended to `section`.
fn feed_with(section: &str, bad: &str) -> String {
    let extra = |s: &str| {
        if s == section {
            format!(", {bad}")
        } else {
            String::new()
        }
    };
    format!(
        r#"{{"version": 1, "maintenance": [{GOOD_WINDOW}{}], "notices": [{GOOD_NOTICE}{}], "faq": [{GOOD_FAQ}{}]}}"#,
        extra("maintenance"),
        extra("notices"),
        extra("faq"),
    )
}

fn assert_single_problem(section: &str, bad: &str, expected: &str) {
    let parsed = parse(&feed_with(section, bad));
    assert_eq!(lines(&parsed), [expected], "for {bad}");
    assert_eq!(window_ids(&parsed), ["upgrade"], "for {bad}");
    assert_eq!(notice_ids(&parsed), ["inc-42"], "for {bad}");
    assert_eq!(faq_ids(&parsed), ["reset-password"], "for {bad}");
}

const RECURRING: &str = r#""every": "week", "weekday": "sun", "start": "01:00", "duration_minutes": 240,
    "time_zone": "America/New_York", "title": { "en": "Weekly maintenance" }"#;

#[test]
fn misspelt_time_zone_names_the_zone() {
    let bad = r#"{ "id": "weekly", "every": "week", "weekday": "sun", "start": "01:00",
        "duration_minutes": 240, "time_zone": "America/NewYork", "title": { "en": "Weekly" } }"#;
    // The very line design §6 shows for `lms-support check`.
    assert_single_problem(
        "maintenance",
        bad,
        r#"maintenance[1] (weekly): unknown time zone "America/NewYork""#,
    );
}

#[test]
fn window_ending_before_or_when_it_starts() {
    for (starts, ends) in [
        ("2026-12-06T11:00:00Z", "2026-12-06T05:00:00Z"),
        ("2026-12-06T05:00:00Z", "2026-12-06T05:00:00Z"),
    ] {
        let bad = format!(
            r#"{{ "id": "backwards", "starts_at": "{starts}", "ends_at": "{ends}", "title": {{ "en": "x" }} }}"#
        );
        assert_single_problem(
            "maintenance",
            &bad,
            r#"maintenance[1] (backwards): "ends_at" must be after "starts_at""#,
        );
    }
}

#[test]
fn times_that_are_not_rfc_3339() {
    let cases = [
        ("starts_at", "2026-12-06 05:00"),
        ("starts_at", "2026-12-06"),
        ("ends_at", "2026-12-06T11:00:00"),
        ("ends_at", "6 Dec 2026 11:00 GMT"),
    ];
    for (field, value) in cases {
        let (starts, ends) = if field == "starts_at" {
            (value, "2026-12-06T11:00:00Z")
        } else {
            ("2026-12-06T05:00:00Z", value)
        };
        let bad = format!(
            r#"{{ "id": "bad-time", "starts_at": "{starts}", "ends_at": "{ends}", "title": {{ "en": "x" }} }}"#
        );
        let expected = format!(
            r#"maintenance[1] (bad-time): "{field}" must be an RFC 3339 time like "2026-12-06T05:00:00Z", not "{value}""#
        );
        assert_single_problem("maintenance", &bad, &expected);
    }
    let bad = r#"{ "id": "inc-7", "since": "yesterday", "title": { "en": "x" } }"#;
    assert_single_problem(
        "notices",
        bad,
        r#"notices[1] (inc-7): "since" must be an RFC 3339 time like "2026-12-06T05:00:00Z", not "yesterday""#,
    );
}

#[test]
fn unknown_severity_names_the_choices() {
    let bad = r#"{ "id": "sev", "starts_at": "2026-12-06T05:00:00Z", "ends_at": "2026-12-06T11:00:00Z",
        "severity": "high", "title": { "en": "x" } }"#;
    assert_single_problem(
        "maintenance",
        bad,
        r#"maintenance[1] (sev): "severity" must be "info", "minor", "major" or "critical", not "high""#,
    );
    let bad = r#"{ "id": "inc-7", "severity": "Major", "title": { "en": "x" } }"#;
    assert_single_problem(
        "notices",
        bad,
        r#"notices[1] (inc-7): "severity" must be "info", "minor", "major" or "critical", not "Major""#,
    );
}

#[test]
fn unknown_cadence() {
    let bad = RECURRING.replace(r#""every": "week""#, r#""every": "fortnight""#);
    assert_single_problem(
        "maintenance",
        &format!(r#"{{ "id": "w", {bad} }}"#),
        r#"maintenance[1] (w): "every" must be "day", "week" or "month", not "fortnight""#,
    );
}

#[test]
fn weekday_spelt_out_or_missing() {
    let bad = RECURRING.replace(r#""weekday": "sun""#, r#""weekday": "sunday""#);
    assert_single_problem(
        "maintenance",
        &format!(r#"{{ "id": "w", {bad} }}"#),
        r#"maintenance[1] (w): "weekday" must be "mon", "tue", "wed", "thu", "fri", "sat" or "sun", not "sunday""#,
    );
    let bad = RECURRING.replace(r#""weekday": "sun", "#, "");
    assert_single_problem(
        "maintenance",
        &format!(r#"{{ "id": "w", {bad} }}"#),
        r#"maintenance[1] (w): missing "weekday""#,
    );
}

#[test]
fn start_on_a_twelve_hour_clock() {
    for start in ["1am", "1:00", "24:00", "01:60"] {
        let bad = RECURRING.replace(r#""start": "01:00""#, &format!(r#""start": "{start}""#));
        let expected = format!(
            r#"maintenance[1] (w): "start" must be a 24-hour time like "01:00", not "{start}""#
        );
        assert_single_problem(
            "maintenance",
            &format!(r#"{{ "id": "w", {bad} }}"#),
            &expected,
        );
    }
}

#[test]
fn missing_title() {
    let bad = r#"{ "id": "untitled", "starts_at": "2026-12-06T05:00:00Z", "ends_at": "2026-12-06T11:00:00Z" }"#;
    assert_single_problem(
        "maintenance",
        bad,
        r#"maintenance[1] (untitled): missing "title""#,
    );
    let bad = r#"{ "id": "inc-7", "status": "identified" }"#;
    assert_single_problem("notices", bad, r#"notices[1] (inc-7): missing "title""#);
}

#[test]
fn duplicate_ids_keep_the_first_entry() {
    assert_single_problem(
        "maintenance",
        r#"{ "id": "upgrade", "starts_at": "2027-01-01T05:00:00Z", "ends_at": "2027-01-01T06:00:00Z", "title": { "en": "Again" } }"#,
        r#"maintenance[1] (upgrade): duplicate id "upgrade"; the first entry with it is used"#,
    );
    assert_single_problem(
        "notices",
        r#"{ "id": "inc-42", "title": { "en": "Again" } }"#,
        r#"notices[1] (inc-42): duplicate id "inc-42"; the first entry with it is used"#,
    );
    assert_single_problem(
        "faq",
        r#"{ "id": "reset-password", "question": { "en": "Again?" }, "answer": { "en": "Yes." } }"#,
        r#"faq[1] (reset-password): duplicate id "reset-password"; the first entry with it is used"#,
    );
}

#[test]
fn monthly_windows_out_of_range() {
    let monthly = |extra: &str| {
        format!(
            r#"{{ "id": "m", "every": "month", {extra}, "start": "01:00", "duration_minutes": 60,
                "time_zone": "Europe/Madrid", "title": {{ "en": "Monthly" }} }}"#
        )
    };
    assert_single_problem(
        "maintenance",
        &monthly(r#""monthday": 31"#),
        r#"maintenance[1] (m): "monthday" must be a whole number from 1 to 28"#,
    );
    assert_single_problem(
        "maintenance",
        &monthly(r#""monthday": 0"#),
        r#"maintenance[1] (m): "monthday" must be a whole number from 1 to 28"#,
    );
    assert_single_problem(
        "maintenance",
        &monthly(r#""nth": 5, "weekday": "fri""#),
        r#"maintenance[1] (m): "nth" must be 1, 2, 3, 4 or -1 (the last)"#,
    );
    assert_single_problem(
        "maintenance",
        &monthly(r#""nth": 0, "weekday": "fri""#),
        r#"maintenance[1] (m): "nth" must be 1, 2, 3, 4 or -1 (the last)"#,
    );
    assert_single_problem(
        "maintenance",
        &monthly(r#""nth": -1"#),
        r#"maintenance[1] (m): missing "weekday""#,
    );
    let neither = r#"{ "id": "m", "every": "month", "start": "01:00", "duration_minutes": 60,
        "time_zone": "Europe/Madrid", "title": { "en": "Monthly" } }"#;
    assert_single_problem(
        "maintenance",
        neither,
        r#"maintenance[1] (m): a monthly window needs either "monthday" or "nth" with "weekday""#,
    );
}

#[test]
fn notice_with_unknown_status() {
    assert_single_problem(
        "notices",
        r#"{ "id": "inc-43", "kind": "known_issue", "status": "fixed", "title": { "en": "Grades page times out" } }"#,
        r#"notices[1] (inc-43): "status" must be "investigating", "identified", "monitoring" or "resolved", not "fixed""#,
    );
}

#[test]
fn faq_entry_without_answer() {
    assert_single_problem(
        "faq",
        r#"{ "id": "quiz-locked", "question": { "en": "Why is my quiz locked?" } }"#,
        r#"faq[1] (quiz-locked): missing "answer""#,
    );
}

#[test]
fn entry_that_is_not_an_object_is_named_by_position() {
    assert_single_problem(
        "maintenance",
        r#""maintenance on sunday""#,
        "maintenance[1]: must be an object",
    );
    assert_single_problem("notices", "42", "notices[1]: must be an object");
    assert_single_problem("faq", r#"["reset-password"]"#, "faq[1]: must be an object");
}

#[test]
fn entry_without_an_id_is_named_by_position() {
    assert_single_problem(
        "maintenance",
        r#"{ "starts_at": "2026-12-06T05:00:00Z", "ends_at": "2026-12-06T11:00:00Z", "title": { "en": "x" } }"#,
        r#"maintenance[1]: missing "id""#,
    );
    assert_single_problem(
        "notices",
        r#"{ "id": "", "title": { "en": "x" } }"#,
        r#"notices[1]: "id" must be a non-empty string"#,
    );
    assert_single_problem(
        "faq",
        r#"{ "id": 7, "question": { "en": "?" }, "answer": { "en": "!" } }"#,
        r#"faq[1]: "id" must be a non-empty string"#,
    );
}

#[test]
fn window_both_recurring_and_one_off_or_neither() {
    assert_single_problem(
        "maintenance",
        &format!(r#"{{ "id": "w", "starts_at": "2026-12-06T05:00:00Z", {RECURRING} }}"#),
        r#"maintenance[1] (w): has both "every" and "starts_at"/"ends_at"; a window is either recurring or one-off"#,
    );
    assert_single_problem(
        "maintenance",
        r#"{ "id": "w", "title": { "en": "When?" } }"#,
        r#"maintenance[1] (w): needs "starts_at" and "ends_at", or "every" for a recurring window"#,
    );
}

#[test]
fn maintenance_that_is_not_an_array_is_one_problem_and_other_sections_still_work() {
    let parsed = parse(&format!(
        r#"{{"version": 1, "maintenance": {GOOD_WINDOW}, "notices": [{GOOD_NOTICE}], "faq": [{GOOD_FAQ}]}}"#
    ));
    assert_eq!(lines(&parsed), ["maintenance: must be an array"]);
    assert_eq!(window_ids(&parsed), Vec::<&str>::new());
    assert_eq!(notice_ids(&parsed), ["inc-42"]);
    assert_eq!(faq_ids(&parsed), ["reset-password"]);
}

// ---------------------------------------------------------------------------------------------
// Unknown fields
// ---------------------------------------------------------------------------------------------

#[test]
fn unknown_fields_at_every_depth_are_listed_and_do_not_invalidate_entries() {
    let parsed = parse(UNKNOWN_FIELDS);
    assert_eq!(lines(&parsed), Vec::<String>::new());
    let mut unknown = parsed.unknown_fields.clone();
    unknown.sort();
    assert_eq!(
        unknown,
        [
            "client.logo",
            "faq[0].votes",
            "generator",
            "maintenance[0].after.link",
            "maintenance[0].audience.groups",
            "maintenance[0].colour",
            "notices[0].audience.cohorts",
            "notices[0].url",
            "support.fallback.chat",
            "support.priorities[1].colour",
            "support.sla",
        ]
    );
    // Every entry is still in force, with its known fields read.
    assert_eq!(parsed.feed.client.site_name, "Acme Learn");
    assert_eq!(window_ids(&parsed), ["2026-12-upgrade"]);
    assert_eq!(parsed.feed.maintenance[0].audience.roles, ["student"]);
    assert_eq!(
        parsed.feed.maintenance[0].after.as_ref().map(|a| a.hours),
        Some(24)
    );
    assert_eq!(notice_ids(&parsed), ["inc-42"]);
    assert_eq!(parsed.feed.notices[0].audience.courses, ["BIO-101"]);
    assert_eq!(faq_ids(&parsed), ["reset-password"]);
    let support = parsed.feed.support.as_ref().expect("support");
    assert_eq!(support.api, "/v1");
    assert_eq!(support.priorities.len(), 2);
    assert_eq!(
        support.fallback.email.as_deref(),
        Some("help@vendor.example")
    );
}

// ---------------------------------------------------------------------------------------------
// Feeds that cannot be used at all
// ---------------------------------------------------------------------------------------------

fn fatal(json: &str) -> FeedError {
    match feed::parse(json, &TzDatabase) {
        Ok(parsed) => panic!("accepted {json}: {parsed:?}"),
        Err(e) => e,
    }
}

#[test]
fn an_html_error_page_is_not_json() {
    let e = fatal("<html><body>502 Bad Gateway</body></html>");
    assert!(matches!(e, FeedError::NotJson(_)), "{e:?}");
    assert_eq!(
        e.to_string(),
        "feed is not valid JSON: expected a value at line 1 column 1"
    );
}

#[test]
fn a_json_array_is_not_a_feed() {
    let e = fatal(&format!("[{GOOD_WINDOW}]"));
    assert_eq!(e, FeedError::NotAnObject);
    assert_eq!(e.to_string(), "feed must be a JSON object");
}

#[test]
fn a_feed_without_version_says_what_to_add() {
    let e = fatal(&format!(r#"{{"maintenance": [{GOOD_WINDOW}]}}"#));
    assert_eq!(e, FeedError::MissingVersion);
    assert_eq!(e.to_string(), r#"feed has no "version"; add "version": 1"#);
}

#[test]
fn a_feed_of_version_2_is_refused() {
    let e = fatal(r#"{"version": 2, "maintenance": []}"#);
    assert_eq!(
        e.to_string(),
        "feed version 2 is not supported; this widget reads version 1"
    );
}

#[test]
fn a_version_written_as_a_string_says_it_must_be_a_number() {
    let e = fatal(r#"{"version": "1", "maintenance": []}"#);
    assert_eq!(
        e.to_string(),
        r#"feed "version" must be the number 1, not "1""#
    );
}

#[test]
fn a_feed_over_a_size_limit_is_refused_naming_the_limit() {
    // A 1 MB title drew for seconds in the page; a 50,000-key object blocked it for 4 s.
    let e = fatal(&format!(
        r#"{{"version": 1, "notices": [{{"id": "x", "title": {{"en": "{}"}}}}]}}"#,
        "a".repeat(1 << 20)
    ));
    assert!(matches!(e, FeedError::TooLarge(_)), "{e:?}");
    assert_eq!(
        e.to_string(),
        "feed is too large to read: string longer than 65536 bytes at line 1 column 56"
    );
    let keys: Vec<String> = (0..1_001).map(|i| format!(r#""k{i}": 1"#)).collect();
    let e = fatal(&format!(
        r#"{{"version": 1, "client": {{{}}}}}"#,
        keys.join(", ")
    ));
    assert!(
        e.to_string()
            .starts_with("feed is too large to read: object with more than 1000 keys at line 1"),
        "{e}"
    );
    let e = fatal(&format!(
        r#"{{"version": 1, "faq": [{}]}}"#,
        "1,".repeat(10_000) + "1"
    ));
    assert!(
        e.to_string()
            .starts_with("feed is too large to read: array with more than 10000 entries"),
        "{e}"
    );
}

// ---------------------------------------------------------------------------------------------
// When a feed that parsed must still not replace the last good copy
// ---------------------------------------------------------------------------------------------

const GOOD_SUPPORT: &str = r#"{"api": "/v1", "fallback": {"email": "help@vendor.example"}}"#;

#[test]
fn a_feed_whose_every_window_and_notice_is_invalid_does_not_replace_the_last_good_copy() {
    assert_eq!(
        parse(DESIGN_EXAMPLE).refusal(),
        None,
        "the design's example is good"
    );
    // What a tester sent: version 1, every field of the wrong type.
    let broken = parse(
        r#"{"version": 1, "client": 7, "maintenance": [{"id": 1}, {"id": "a", "starts_at": 5}],
            "notices": [true], "faq": [{"id": "f"}], "support": "help"}"#,
    );
    assert_eq!(
        broken.refusal().as_deref(),
        Some("not one of its 3 maintenance windows and notices is valid")
    );
    let one_bad_notice = parse(r#"{"version": 1, "notices": [{"id": "x", "status": "fixed"}]}"#);
    assert_eq!(
        one_bad_notice.refusal().as_deref(),
        Some("its only maintenance window or notice is invalid")
    );
}

#[test]
fn a_feed_with_some_valid_entries_or_empty_lists_replaces_the_last_good_copy() {
    // Bad entries among good ones are skipped, as before, even a whole list of them.
    let partly = parse(&format!(
        r#"{{"version": 1, "maintenance": [{GOOD_WINDOW}, {{"id": 1}}], "notices": [true],
            "support": {GOOD_SUPPORT}}}"#
    ));
    assert_eq!(partly.problems.len(), 2);
    assert_eq!(partly.refusal(), None);
    // Empty lists are how a vendor clears the schedule; a feed of FAQ only has no banner part.
    let cleared = parse(&format!(
        r#"{{"version": 1, "maintenance": [], "notices": [], "support": {GOOD_SUPPORT}}}"#
    ));
    assert_eq!(cleared.refusal(), None);
    assert_eq!(
        parse(&format!(r#"{{"version": 1, "faq": [{GOOD_FAQ}]}}"#)).refusal(),
        None
    );
}

#[test]
fn the_ticket_form_keeps_the_last_good_support_block_and_contacts() {
    let last_good = parse(DESIGN_EXAMPLE);
    let kept = last_good
        .support_json
        .as_deref()
        .expect("a valid block is kept as JSON");
    let restored = feed::support_from_json(kept).expect("reads back");
    assert_eq!(Some(&restored), last_good.feed.support.as_ref());

    // An invalid block (no "api") gives way to the last good one, with a reason to warn.
    let mut broken = parse(&format!(
        r#"{{"version": 1, "maintenance": [{GOOD_WINDOW}], "support": {{"fallback": {{}}}}}}"#
    ));
    assert_eq!(broken.support_json, None, "an invalid block is never kept");
    assert_eq!(
        broken.keep_last_good_support(Some(restored.clone())),
        Some("its support block is missing or invalid; using the last good one")
    );
    assert_eq!(broken.feed.support.as_ref(), Some(&restored));

    // A valid block without contacts keeps its own API and gets the last good contacts.
    let mut no_contacts =
        parse(r#"{"version": 1, "support": {"api": "/v2", "fallback": {"email": " "}}}"#);
    assert_eq!(
        no_contacts.keep_last_good_support(Some(restored.clone())),
        Some("its support block has no fallback contact; using the last good ones")
    );
    let support = no_contacts.feed.support.expect("kept");
    assert_eq!(support.api, "/v2");
    assert_eq!(
        support.fallback.email.as_deref(),
        Some("help@vendor.example")
    );

    // A good block is used as it is; with nothing kept yet, whatever came is used.
    let mut good = parse(&format!(r#"{{"version": 1, "support": {GOOD_SUPPORT}}}"#));
    assert_eq!(good.keep_last_good_support(Some(restored)), None);
    assert_eq!(good.feed.support.map(|s| s.api).as_deref(), Some("/v1"));
    let mut first = parse(r#"{"version": 1}"#);
    assert_eq!(first.keep_last_good_support(None), None);
    assert_eq!(first.feed.support, None);
}

// ---------------------------------------------------------------------------------------------
// The widget's two ways of reading a feed: the banner stage's, and the help panel's in steps
// ---------------------------------------------------------------------------------------------

/// A feed with a flow pointing at its FAQ and support block, problems in every section, an
/// unknown field in the FAQ, and `faq_entries` generated FAQ entries (one id repeated).
fn feed_for_the_panel(faq_entries: usize) -> String {
    let mut faq: Vec<String> = (0..faq_entries)
        .map(|i| {
            format!(
                r#"{{"id": "q{}", "category": "c{}", "question": {{"en": "Question {i}?"}}, "answer": {{"en": "Answer \"{i}\"."}}}}"#,
                i % (faq_entries - 3).max(1),
                i % 7
            )
        })
        .collect();
    faq.insert(
        2,
        r#"{"id": "no-answer", "question": {"en": "?"}, "colour": "red"}"#.into(),
    );
    faq.push(GOOD_FAQ.into());
    format!(
        r#"{{"version": 1, "client": {{"name": "Acme"}},
  "maintenance": [{GOOD_WINDOW}, {{"id": "bad"}}], "notices": [{GOOD_NOTICE}],
  "faq": [{}],
  "flows": [
    {{"id": "sign-in", "title": {{"en": "I can't sign in"}}, "steps": [
      {{"id": "what", "question": {{"en": "What happens?"}}, "answers": [
        {{"label": {{"en": "Wrong password"}}, "faq": "reset-password"}},
        {{"label": {{"en": "Else"}}, "ticket": {{"category": "access", "priority": "high"}}}}]}}]}},
    {{"id": "dangling", "title": {{"en": "D"}}, "steps": [
      {{"id": "a", "question": {{"en": "A?"}}, "answers": [{{"label": {{"en": "go"}}, "faq": "nowhere"}}]}}]}}],
  "support": {{"api": "/v1", "categories": ["access"], "priorities": [{{"id": "high"}}], "shoe": 1}}
}}"#,
        faq.join(",\n")
    )
}

#[test]
fn the_banner_stage_reads_the_banner_and_nothing_of_the_panel() {
    let text = feed_for_the_panel(20);
    let whole = parse(&text);
    let banner = feed::parse_banner(&text, &TzDatabase).expect("a valid feed");
    // What the banner shows, and what is wrong with it, as the whole feed says.
    assert_eq!(banner.feed.client, whole.feed.client);
    assert_eq!(banner.feed.maintenance, whole.feed.maintenance);
    assert_eq!(banner.feed.notices, whole.feed.notices);
    assert_eq!(banner.listed, whole.listed);
    assert_eq!(lines(&banner), ["maintenance[1] (bad): needs \"starts_at\" and \"ends_at\", or \"every\" for a recurring window"]);
    assert_eq!(banner.unknown_fields, Vec::<String>::new());
    // The FAQ, the flows and the support block are not read: their invalid entries, the
    // duplicate FAQ ids and the unknown fields in them are none of its business.
    assert!(
        lines(&whole)
            .iter()
            .any(|l| l.starts_with("faq[2] (no-answer)")),
        "{:?}",
        lines(&whole)
    );
    assert!(whole.unknown_fields.contains(&"support.shoe".to_string()));
    assert_eq!(banner.feed.faq, []);
    assert_eq!(banner.feed.flows, []);
    assert_eq!(banner.feed.support, None);

    // Still JSON throughout: a text that the whole parse refuses, the banner's refuses alike.
    for (broken, too_large) in [
        (
            text.replace(
                r#""answer": {"en": "Answer \"3\".""#,
                r#""answer": {"en": "Answer \x"#,
            ),
            false,
        ),
        (
            text.replace("\"Question 4?\"", &format!("\"{}\"", "x".repeat(70_000))),
            true,
        ),
        (
            text.replace(
                "{\"label\": {\"en\": \"go\"}",
                "{\"label\" {\"en\": \"go\"}",
            ),
            false,
        ),
    ] {
        let whole = feed::parse(&broken, &TzDatabase).expect_err("refused whole");
        let banner = feed::parse_banner(&broken, &TzDatabase).expect_err("refused by the banner");
        assert_eq!(banner, whole);
        assert_eq!(
            matches!(banner, FeedError::TooLarge(_)),
            too_large,
            "{banner}"
        );
    }
}

#[test]
fn the_panel_reads_the_faq_and_flows_in_steps_to_what_a_whole_parse_reads() {
    for text in [
        feed_for_the_panel(40),
        DESIGN_EXAMPLE.to_string(),
        INVALID_ENTRIES.to_string(),
        UNKNOWN_FIELDS.to_string(),
        r#"{"version": 1, "faq": {"id": "not-a-list"}, "flows": null}"#.to_string(),
        r#"{"version": 1, "faq": []}"#.to_string(),
    ] {
        let whole = parse(&text);
        let (first, mut rest) = feed::parse_in_steps(&text, &TzDatabase).expect("a valid feed");
        // At first: everything but the FAQ and flows (the ticket form needs the support block).
        assert_eq!(first.feed.maintenance, whole.feed.maintenance);
        assert_eq!(first.feed.support, whole.feed.support);
        assert_eq!(first.support_json, whole.support_json);
        assert_eq!(first.feed.faq, []);
        assert_eq!(first.feed.flows, []);
        // Then one FAQ entry per step.
        let mut steps = 1;
        while !rest.step(|| false) {
            steps += 1;
        }
        assert!(steps >= whole.feed.faq.len(), "{steps} steps");
        assert_eq!(rest.finish(&TzDatabase), whole);
    }
    // The flow whose ending names no FAQ entry is dropped; the other one is kept.
    let whole = parse(&feed_for_the_panel(40));
    assert_eq!(
        whole
            .feed
            .flows
            .iter()
            .map(|f| f.id.as_str())
            .collect::<Vec<_>>(),
        ["sign-in"]
    );
    assert_eq!(whole.feed.faq.len(), 40 - 3 + 1);
}
