#![cfg(not(target_arch = "wasm32"))]
//! Recurring maintenance windows across daylight-saving transitions (design §3): a wall-clock
//! start in a gap moves forward by the gap, an ambiguous one takes the earlier instant,
//! `duration_minutes` is elapsed time, and monthly cadences land on the right dates.
//!
//! 2026 transitions used below, worked out by hand from the zones' rules:
//! New York 03-08 07:00Z (02:00 EST → 03:00 EDT) and 11-01 06:00Z (02:00 EDT → 01:00 EST);
//! Madrid 03-29 01:00Z (02:00 CET → 03:00 CEST) and 10-25 01:00Z (03:00 CEST → 02:00 CET);
//! Sydney 04-04 16:00Z (03:00 AEDT → 02:00 AEST) and 10-03 16:00Z (02:00 AEST → 03:00 AEDT).
//!
//! Runs natively only: it resolves time zones with the IANA database (`TzDatabase`).

use lms_support_widget::banner::{active_items, next_change, Phase, Viewer};
use lms_support_widget::feed::{self, Feed, Window};
use lms_support_widget::schedule::{around, Occurrence};
use lms_support_widget::time::{CivilDate, Timestamp};
use lms_support_widget::zone::{TimeZones, TzDatabase};
use serde_json::Value;

const DST_FEED: &str = include_str!("fixtures/feed-dst.json");
const DST_EXPECTED: &str = include_str!("fixtures/feed-dst.expected.json");
const DESIGN_EXAMPLE: &str = include_str!("fixtures/feed.json");

fn parse(json: &str) -> Feed {
    let parsed = feed::parse(json, &TzDatabase).unwrap_or_else(|e| panic!("{e}"));
    assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
    assert!(
        parsed.unknown_fields.is_empty(),
        "{:?}",
        parsed.unknown_fields
    );
    parsed.feed
}

fn utc(text: &str) -> Timestamp {
    Timestamp::parse_rfc3339(text).unwrap()
}

fn window<'f>(feed: &'f Feed, id: &str) -> &'f Window {
    feed.maintenance
        .iter()
        .find(|w| w.id == id)
        .unwrap_or_else(|| panic!("no window {id}"))
}

fn phase_name(phase: Phase) -> &'static str {
    phase.as_str()
}

#[test]
fn every_hand_computed_case_of_the_shared_fixture_holds() {
    let feed = parse(DST_FEED);
    let expected: Value = serde_json::from_str(DST_EXPECTED).unwrap();
    let cases = expected["cases"].as_array().unwrap();
    assert!(cases.len() > 80);
    let mut failures = Vec::new();
    for case in cases {
        let field = |k: &str| case[k].as_str().map(String::from);
        let (id, at, why) = (
            field("id").unwrap(),
            field("at").unwrap(),
            field("why").unwrap(),
        );
        let want = (field("phase"), field("starts_at"), field("ends_at"));
        let items = active_items(&feed, &Viewer::default(), utc(&at), &TzDatabase);
        let got = items
            .iter()
            .find(|i| i.id() == id)
            .map_or((None, None, None), |i| {
                (
                    Some(phase_name(i.phase).to_string()),
                    i.starts_at.map(|t| t.to_string()),
                    i.ends_at.map(|t| t.to_string()),
                )
            });
        if got != want {
            failures.push(format!("{id} at {at} ({why}): want {want:?}, got {got:?}"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// Every occurrence of a window whose local start date falls in 2026.
fn occurrences_in_2026(feed: &Feed, id: &str) -> Vec<Occurrence> {
    let w = window(feed, id);
    let zone = time_zone(w);
    let mut now = utc("2025-12-31T00:00:00Z");
    let mut out = Vec::new();
    loop {
        let next = around(&w.schedule, now, &TzDatabase)
            .unwrap()
            .next
            .expect("recurs forever");
        match local_date(&zone, next.starts_at).year {
            2025 => {}
            2026 => out.push(next),
            _ => return out,
        }
        now = next.starts_at;
    }
}

fn time_zone(w: &Window) -> String {
    match &w.schedule {
        feed::Schedule::Recurring(r) => r.time_zone.clone(),
        feed::Schedule::Once { .. } => panic!("{} is not recurring", w.id),
    }
}

fn offset(zone: &str, at: Timestamp) -> i32 {
    TzDatabase.offset_at(zone, at).unwrap()
}

fn local_date(zone: &str, at: Timestamp) -> CivilDate {
    at.to_civil(offset(zone, at)).date
}

fn local_clock(zone: &str, at: Timestamp) -> (u8, u8) {
    let c = at.to_civil(offset(zone, at));
    (c.hour, c.minute)
}

fn date(y: i32, m: u8, d: u8) -> CivilDate {
    CivilDate::new(y, m, d).unwrap()
}

#[test]
fn weekly_windows_keep_their_wall_clock_all_year_except_in_the_gap() {
    // (window, zone's gap date, fold date, wall-clock start)
    let windows = [
        ("ny-sun-0230", date(2026, 3, 8), date(2026, 11, 1), (2, 30)),
        ("ny-sun-0130", date(2026, 3, 8), date(2026, 11, 1), (1, 30)),
        (
            "madrid-sun-0230",
            date(2026, 3, 29),
            date(2026, 10, 25),
            (2, 30),
        ),
        (
            "sydney-sun-0230",
            date(2026, 10, 4),
            date(2026, 4, 5),
            (2, 30),
        ),
    ];
    let feed = parse(DST_FEED);
    for (id, gap, fold, (h, m)) in windows {
        let zone = time_zone(window(&feed, id));
        let all = occurrences_in_2026(&feed, id);
        let mut folds = 0;
        // 2026 starts on a Thursday: its Sundays run from 01-04 to 12-27, 52 of them, each once.
        assert_eq!(all.len(), 52, "{id}");
        assert_eq!(
            local_date(&zone, all[0].starts_at),
            date(2026, 1, 4),
            "{id}"
        );
        for occ in &all {
            let day = local_date(&zone, occ.starts_at);
            let starts_in_gap = day == gap && (h, m) >= (2, 0) && (h, m) < (3, 0);
            let clock = if starts_in_gap { (h + 1, m) } else { (h, m) };
            assert_eq!(local_clock(&zone, occ.starts_at), clock, "{id} on {day:?}");
            assert_eq!(
                occ.ends_at.seconds() - occ.starts_at.seconds(),
                3600,
                "{id} on {day:?}: 60 elapsed minutes"
            );
            // On a fold day the wall clock repeats an hour later: the earlier instant is used,
            // so the hour before never reads the same wall-clock time.
            assert_ne!(
                local_clock(&zone, occ.starts_at.plus(-3600)),
                clock,
                "{id} on {day:?}: earlier instant"
            );
            if day == fold {
                folds += 1;
            }
        }
        assert_eq!(folds, 1, "{id}: the fold day has one occurrence, not two");
    }
}

#[test]
fn weekly_window_in_new_york_week_before_and_after_each_transition() {
    let feed = parse(DST_FEED);
    let starts = |id: &str| -> Vec<String> {
        occurrences_in_2026(&feed, id)
            .iter()
            .map(|o| o.starts_at.to_string())
            .collect()
    };
    let gap_weeks = starts("ny-sun-0230");
    let gap_weeks: Vec<&str> = gap_weeks
        .iter()
        .map(String::as_str)
        .filter(|s| s.starts_with("2026-03-"))
        .collect();
    assert_eq!(
        gap_weeks,
        [
            "2026-03-01T07:30:00Z", // 02:30 EST
            "2026-03-08T07:30:00Z", // 02:30 does not exist: 03:30 EDT
            "2026-03-15T06:30:00Z", // 02:30 EDT
            "2026-03-22T06:30:00Z",
            "2026-03-29T06:30:00Z",
        ]
    );
    let fold_weeks = starts("ny-sun-0130");
    let fold_weeks: Vec<&str> = fold_weeks
        .iter()
        .map(String::as_str)
        .filter(|s| ("2026-10-24".."2026-11-09").contains(s))
        .collect();
    assert_eq!(
        fold_weeks,
        [
            "2026-10-25T05:30:00Z", // 01:30 EDT
            "2026-11-01T05:30:00Z", // 01:30 happens twice: the first, EDT
            "2026-11-08T06:30:00Z", // 01:30 EST
        ]
    );
}

#[test]
fn daily_windows_across_gaps_and_folds() {
    let feed = parse(DST_FEED);
    let starts_between = |id: &str, from: &str, to: &str| -> Vec<String> {
        occurrences_in_2026(&feed, id)
            .iter()
            .map(|o| o.starts_at.to_string())
            .filter(|s| (from..to).contains(&s.as_str()))
            .collect()
    };
    assert_eq!(
        starts_between("madrid-daily-0230", "2026-03-27T12", "2026-03-30T12"),
        [
            "2026-03-28T01:30:00Z",
            "2026-03-29T01:30:00Z",
            "2026-03-30T00:30:00Z"
        ]
    );
    assert_eq!(
        starts_between("madrid-daily-0230", "2026-10-23T12", "2026-10-26T12"),
        [
            "2026-10-24T00:30:00Z",
            "2026-10-25T00:30:00Z",
            "2026-10-26T01:30:00Z"
        ]
    );
    assert_eq!(
        starts_between("sydney-daily-0215", "2026-04-03T00", "2026-04-06T00"),
        [
            "2026-04-03T15:15:00Z",
            "2026-04-04T15:15:00Z",
            "2026-04-05T16:15:00Z"
        ]
    );
    assert_eq!(
        starts_between("sydney-daily-0215", "2026-10-02T00", "2026-10-05T00"),
        [
            "2026-10-02T16:15:00Z",
            "2026-10-03T16:15:00Z",
            "2026-10-04T15:15:00Z"
        ]
    );
    assert_eq!(
        starts_between("ny-daily-0230", "2026-03-07T00", "2026-03-10T00"),
        [
            "2026-03-07T07:30:00Z",
            "2026-03-08T07:30:00Z",
            "2026-03-09T06:30:00Z"
        ]
    );
    assert_eq!(
        starts_between("ny-daily-0130", "2026-10-31T00", "2026-11-03T00"),
        [
            "2026-10-31T05:30:00Z",
            "2026-11-01T05:30:00Z",
            "2026-11-02T06:30:00Z"
        ]
    );
    // 365 days, one occurrence each: none lost in a gap, none doubled in a fold.
    for id in [
        "ny-daily-0230",
        "ny-daily-0130",
        "madrid-daily-0230",
        "sydney-daily-0215",
    ] {
        assert_eq!(occurrences_in_2026(&feed, id).len(), 365, "{id}");
    }
}

#[test]
fn duration_is_elapsed_time_across_a_transition() {
    let feed = parse(DST_FEED);
    let on = |id: &str, prefix: &str| -> (String, String) {
        let occ = occurrences_in_2026(&feed, id)
            .into_iter()
            .find(|o| o.starts_at.to_string().starts_with(prefix))
            .unwrap_or_else(|| panic!("{id} has no occurrence starting {prefix}"));
        (occ.starts_at.to_string(), occ.ends_at.to_string())
    };
    // Madrid 01:30 CET + 2 h = 04:30 CEST; 01:30 CEST + 2 h = the second 02:30, CET.
    assert_eq!(
        on("madrid-daily-0130-2h", "2026-03-29"),
        ("2026-03-29T00:30:00Z".into(), "2026-03-29T02:30:00Z".into())
    );
    assert_eq!(
        on("madrid-daily-0130-2h", "2026-10-24T23"),
        ("2026-10-24T23:30:00Z".into(), "2026-10-25T01:30:00Z".into())
    );
    // Sydney 01:00 AEST + 3 h = 05:00 AEDT; 01:00 AEDT + 3 h = 03:00 AEST.
    assert_eq!(
        on("sydney-daily-0100-3h", "2026-10-03T15"),
        ("2026-10-03T15:00:00Z".into(), "2026-10-03T18:00:00Z".into())
    );
    assert_eq!(
        on("sydney-daily-0100-3h", "2026-04-04T14"),
        ("2026-04-04T14:00:00Z".into(), "2026-04-04T17:00:00Z".into())
    );
    // The design example: Sunday 01:00 New York for 240 minutes.
    let example = parse(DESIGN_EXAMPLE);
    let weekly = &window(&example, "weekly").schedule;
    let spring = around(weekly, utc("2026-03-07T00:00:00Z"), &TzDatabase)
        .unwrap()
        .next
        .unwrap();
    assert_eq!(
        (spring.starts_at, spring.ends_at),
        (utc("2026-03-08T06:00:00Z"), utc("2026-03-08T10:00:00Z")),
        "01:00 EST to 06:00 EDT"
    );
    let fall = around(weekly, utc("2026-10-31T00:00:00Z"), &TzDatabase)
        .unwrap()
        .next
        .unwrap();
    assert_eq!(
        (fall.starts_at, fall.ends_at),
        (utc("2026-11-01T05:00:00Z"), utc("2026-11-01T09:00:00Z")),
        "01:00 EDT to 04:00 EST"
    );
}

#[test]
fn monthly_windows_land_on_the_right_dates_all_year() {
    let feed = parse(DST_FEED);
    let dates = |id: &str| -> Vec<(u8, u8)> {
        let zone = time_zone(window(&feed, id));
        occurrences_in_2026(&feed, id)
            .iter()
            .map(|o| {
                let d = local_date(&zone, o.starts_at);
                (d.month, d.day)
            })
            .collect()
    };
    let months = |days: [u8; 12]| -> Vec<(u8, u8)> { (1..=12).zip(days).collect() };
    assert_eq!(
        dates("madrid-last-sun"),
        months([25, 22, 29, 26, 31, 28, 26, 30, 27, 25, 29, 27])
    );
    assert_eq!(
        dates("ny-second-sun"),
        months([11, 8, 8, 12, 10, 14, 12, 9, 13, 11, 8, 13])
    );
    assert_eq!(
        dates("sydney-first-sun"),
        months([4, 1, 1, 5, 3, 7, 5, 2, 6, 4, 1, 6])
    );
    assert_eq!(
        dates("ny-first-tue"),
        months([6, 3, 3, 7, 5, 2, 7, 4, 1, 6, 3, 1])
    );
    assert_eq!(
        dates("ny-fourth-fri"),
        months([23, 27, 27, 24, 22, 26, 24, 28, 25, 23, 27, 25])
    );
    assert_eq!(
        dates("ny-last-fri"),
        months([30, 27, 27, 24, 29, 26, 31, 28, 25, 30, 27, 25])
    );
    assert_eq!(dates("madrid-15th"), months([15; 12]));

    // And at the wall-clock time, shifted only in a gap.
    let madrid = "Europe/Madrid";
    for occ in occurrences_in_2026(&feed, "madrid-15th") {
        assert_eq!(local_clock(madrid, occ.starts_at), (3, 0));
    }
    let last_sun: Vec<(u8, u8)> = occurrences_in_2026(&feed, "madrid-last-sun")
        .iter()
        .map(|o| local_clock(madrid, o.starts_at))
        .collect();
    let mut want = vec![(2, 30); 12];
    want[2] = (3, 30); // 2026-03-29 is the gap day
    assert_eq!(last_sun, want);
}

#[test]
fn next_change_across_the_fall_back_weekend() {
    // The design example's weekly window on its own: Sunday 01:00 New York, 240 minutes,
    // two days' notice.
    let example = parse(DESIGN_EXAMPLE);
    let weekly = Feed {
        maintenance: vec![window(&example, "weekly").clone()],
        ..Feed::default()
    };
    let change = |at: &str| next_change(&weekly, utc(at), &TzDatabase);
    // 2026-10-25 01:00 EDT = 05:00Z ends 09:00Z; the fold-day occurrence is 01:00 EDT
    // (05:00Z) on 11-01, so its notice opens 2026-10-30T05:00Z.
    assert_eq!(
        change("2026-10-25T08:59:59Z"),
        Some(utc("2026-10-25T09:00:00Z"))
    );
    assert_eq!(
        change("2026-10-25T09:00:00Z"),
        Some(utc("2026-10-30T05:00:00Z"))
    );
    assert_eq!(
        change("2026-10-30T05:00:00Z"),
        Some(utc("2026-11-01T04:00:00Z"))
    );
    assert_eq!(
        change("2026-11-01T04:00:00Z"),
        Some(utc("2026-11-01T05:00:00Z"))
    );
    assert_eq!(
        change("2026-11-01T05:00:00Z"),
        Some(utc("2026-11-01T09:00:00Z"))
    );
    // The week after is 01:00 EST = 06:00Z on 11-08: notice from 11-06T06:00Z.
    assert_eq!(
        change("2026-11-01T09:00:00Z"),
        Some(utc("2026-11-06T06:00:00Z"))
    );
    assert_eq!(
        change("2026-11-06T06:00:00Z"),
        Some(utc("2026-11-08T05:00:00Z"))
    );
}

#[test]
fn next_change_across_the_spring_gap() {
    let feed = parse(DST_FEED);
    let gap_only = Feed {
        maintenance: vec![window(&feed, "ny-sun-0230").clone()],
        ..Feed::default()
    };
    let change = |at: &str| next_change(&gap_only, utc(at), &TzDatabase);
    // 03-01 02:30 EST = 07:30Z to 08:30Z; 03-08 02:30 → 03:30 EDT = 07:30Z, one day's notice.
    assert_eq!(
        change("2026-03-01T08:30:00Z"),
        Some(utc("2026-03-07T07:30:00Z"))
    );
    assert_eq!(
        change("2026-03-07T07:30:00Z"),
        Some(utc("2026-03-08T06:30:00Z"))
    );
    assert_eq!(
        change("2026-03-08T06:30:00Z"),
        Some(utc("2026-03-08T07:30:00Z"))
    );
    assert_eq!(
        change("2026-03-08T07:30:00Z"),
        Some(utc("2026-03-08T08:30:00Z"))
    );
    // Then 03-15 02:30 EDT = 06:30Z: notice from 03-14T06:30Z.
    assert_eq!(
        change("2026-03-08T08:30:00Z"),
        Some(utc("2026-03-14T06:30:00Z"))
    );
}

#[test]
fn the_phase_follows_the_occurrence_in_force_through_a_week() {
    // The design example's weekly window over the fall-back weekend, phase by phase.
    let example = parse(DESIGN_EXAMPLE);
    let phase = |at: &str| {
        active_items(&example, &Viewer::default(), utc(at), &TzDatabase)
            .iter()
            .find(|i| i.id() == "weekly")
            .map(|i| (i.phase, i.starts_at.unwrap()))
    };
    let fold = utc("2026-11-01T05:00:00Z");
    assert_eq!(phase("2026-10-30T04:59:59Z"), None);
    assert_eq!(phase("2026-10-30T05:00:00Z"), Some((Phase::Upcoming, fold)));
    assert_eq!(phase("2026-11-01T03:59:59Z"), Some((Phase::Upcoming, fold)));
    assert_eq!(phase("2026-11-01T04:00:00Z"), Some((Phase::Imminent, fold)));
    assert_eq!(
        phase("2026-11-01T05:00:00Z"),
        Some((Phase::InProgress, fold))
    );
    // 06:00Z is the second 01:00 (EST): still the same downtime, not a new one.
    assert_eq!(
        phase("2026-11-01T06:00:00Z"),
        Some((Phase::InProgress, fold))
    );
    assert_eq!(
        phase("2026-11-01T08:59:59Z"),
        Some((Phase::InProgress, fold))
    );
    assert_eq!(phase("2026-11-01T09:00:00Z"), None);
    assert_eq!(
        phase("2026-11-06T06:00:00Z"),
        Some((Phase::Upcoming, utc("2026-11-08T06:00:00Z")))
    );
}
