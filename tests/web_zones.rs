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

/// The offset as the browser's `formatToParts` gives it (how `IntlZones` read it before it read
/// `format`'s one string): an independent reading of the same `Intl` data.
fn offset_from_parts(zone: &str, at: Timestamp) -> i32 {
    use js_sys::{Array, Date, Intl, Object, Reflect};
    use wasm_bindgen::JsValue;
    let options = Object::new();
    for (key, value) in [
        ("timeZone", zone),
        ("hourCycle", "h23"),
        ("year", "numeric"),
        ("month", "numeric"),
        ("day", "numeric"),
        ("hour", "numeric"),
        ("minute", "numeric"),
        ("second", "numeric"),
    ] {
        Reflect::set(&options, &key.into(), &value.into()).unwrap();
    }
    let format = Intl::DateTimeFormat::new(&Array::of1(&"en-US".into()), &options);
    let date = Date::new(&JsValue::from_f64(at.seconds() as f64 * 1000.0));
    let mut fields = [0i64; 6];
    for part in format.format_to_parts(&date).iter() {
        let kind = Reflect::get(&part, &"type".into())
            .unwrap()
            .as_string()
            .unwrap();
        let value = Reflect::get(&part, &"value".into())
            .unwrap()
            .as_string()
            .unwrap();
        let slot = ["year", "month", "day", "hour", "minute", "second"]
            .iter()
            .position(|k| *k == kind);
        if let Some(slot) = slot {
            fields[slot] = value.parse().unwrap();
        }
    }
    let local = CivilDateTime {
        date: CivilDate::new(fields[0] as i32, fields[1] as u8, fields[2] as u8).unwrap(),
        hour: (fields[3] % 24) as u8,
        minute: fields[4] as u8,
        second: fields[5] as u8,
    };
    (local.as_if_utc().seconds() - at.seconds()) as i32
}

#[wasm_bindgen_test]
fn offsets_agree_with_format_to_parts_across_two_years() {
    let zones = IntlZones::default();
    // Whole, half and quarter hours, both hemispheres, west and east of UTC, a 30-minute DST
    // (Lord Howe), Casablanca's Ramadan changes, the date line.
    let names = [
        "UTC",
        "America/New_York",
        "America/St_Johns",
        "America/Santiago",
        "Europe/Madrid",
        "Africa/Casablanca",
        "Asia/Kolkata",
        "Asia/Kathmandu",
        "Australia/Lord_Howe",
        "Pacific/Chatham",
        "Pacific/Kiritimati",
    ];
    let from = utc("2026-01-01T00:00:00Z").seconds();
    let mut checked = 0;
    for zone in names {
        // Every 7 h 13 min 7 s for two years: every hour of the day and minute of the hour
        // comes up, and every transition has instants a few hours either side.
        let mut at = from;
        while at < from + 2 * 366 * 86_400 {
            assert_eq!(
                zones.offset_at(zone, Timestamp(at)),
                Ok(offset_from_parts(zone, Timestamp(at))),
                "{zone} at {at}"
            );
            at += 7 * 3600 + 13 * 60 + 7;
            checked += 1;
        }
    }
    assert!(checked > 20_000);
}
