//! The browser's `Intl` must resolve wall-clock times exactly as native code does with the IANA
//! database (design §3): the same DST gaps and folds, computed by the shared `zone` code.
#![cfg(target_arch = "wasm32")]

use lms_support_widget::time::{CivilDate, CivilDateTime, Timestamp};
use lms_support_widget::web::IntlZones;
use lms_support_widget::zone::{resolve_local, TimeZones, UnknownZone};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn local(y: i32, mo: u8, d: u8, h: u8, mi: u8) -> CivilDateTime {
    CivilDateTime {
        date: CivilDate::new(y, mo, d).unwrap(),
        hour: h,
        minute: mi,
        second: 0,
    }
}

fn utc(s: &str) -> Timestamp {
    Timestamp::parse_rfc3339(s).unwrap()
}

#[wasm_bindgen_test]
fn gaps_move_forward_and_folds_take_the_earlier_instant() {
    let zones = IntlZones::default();
    // (zone, wall-clock time, expected instant): 2026 transitions, worked out by hand.
    let cases = [
        (
            "America/New_York",
            local(2026, 3, 8, 2, 30),
            "2026-03-08T07:30:00Z",
        ), // gap → 03:30 EDT
        (
            "America/New_York",
            local(2026, 11, 1, 1, 30),
            "2026-11-01T05:30:00Z",
        ), // fold → EDT
        (
            "Europe/Madrid",
            local(2026, 3, 29, 2, 15),
            "2026-03-29T01:15:00Z",
        ), // gap → 03:15 CEST
        (
            "Europe/Madrid",
            local(2026, 10, 25, 2, 15),
            "2026-10-25T00:15:00Z",
        ), // fold → CEST
        (
            "Australia/Sydney",
            local(2026, 4, 5, 2, 30),
            "2026-04-04T15:30:00Z",
        ), // fold → AEDT
        (
            "Australia/Sydney",
            local(2026, 10, 4, 2, 30),
            "2026-10-03T16:30:00Z",
        ), // gap → 03:30 AEDT
        (
            "Asia/Kolkata",
            local(2026, 7, 1, 12, 0),
            "2026-07-01T06:30:00Z",
        ), // no DST, +05:30
    ];
    for (zone, wall, expected) in cases {
        assert_eq!(
            resolve_local(&zones, zone, wall).unwrap(),
            utc(expected),
            "{zone} {wall:?}"
        );
    }
}

#[wasm_bindgen_test]
fn unknown_zones_are_rejected_like_natively() {
    let zones = IntlZones::default();
    assert_eq!(
        zones.offset_at("America/NewYork", Timestamp(0)),
        Err(UnknownZone)
    );
    assert_eq!(
        zones.offset_at("Europe/Madrid", utc("2026-07-01T00:00:00Z")),
        Ok(7200)
    );
}
