//! Browser tests of the two attributes the admin console's preview sets: `data-now` (the
//! widget's clock starts at that instant) and `data-time-zone` (dates in the learner's profile
//! zone instead of the browser's). A file of its own: `data-now` moves the clock of the page.
//! Run with `wasm-pack test --headless --chrome` (see the Makefile).
#![cfg(target_arch = "wasm32")]

use lms_support_widget::web::{destroy, mount};
use wasm_bindgen_test::*;

mod web_support;
use web_support::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A four-hour window far from the real clock: 2030-01-10 00:00 to 04:00 UTC.
const FEED: &str = r#"{"version":1,"client":{"name":"Test"},"maintenance":[{"id":"w","revision":1,
"starts_at":"2030-01-10T00:00:00Z","ends_at":"2030-01-10T04:00:00Z","severity":"major",
"title":{"en":"Upgrade"}}]}"#;

fn reset() {
    destroy();
    storage().clear().unwrap();
}

fn phase() -> String {
    find(".lsw-item")
        .and_then(|e| e.get_attribute("data-phase"))
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn the_banner_at_a_chosen_instant_in_a_chosen_zone() {
    reset();
    let url = data_url(FEED);
    let half_an_hour_before = [("now", "2030-01-09T23:30:00Z"), ("timeZone", "Asia/Tokyo")];
    assert!(mount(config(&url, "en", &half_an_hour_before)));
    assert!(
        eventually(3000, || phase() == "imminent").await,
        "phase {:?}",
        phase()
    );
    let line = text_of(".lsw-time");
    assert!(
        line.contains("Starts in 30:00") || line.contains("Starts in 29:"),
        "a live countdown from that instant: {line}"
    );
    assert!(
        line.contains("9:00") && line.contains("GMT+9"),
        "in Tokyo's time: {line}"
    );
    reset();

    assert!(mount(config(
        &url,
        "en",
        &[("now", "2030-01-10T02:00:00Z")]
    )));
    assert!(
        eventually(3000, || phase() == "in_progress").await,
        "phase {:?}",
        phase()
    );
    reset();

    // Mounted again without data-now, the widget is back on the real clock: 2030 is far off.
    assert!(mount(config(&url, "en", &[])));
    sleep(300).await;
    assert!(find(".lsw-item").is_none(), "nothing to show years ahead");
    reset();
}

#[wasm_bindgen_test]
async fn a_bad_instant_refuses_to_start_and_an_unknown_zone_falls_back() {
    reset();
    let url = data_url(FEED);
    assert!(!mount(config(&url, "en", &[("now", "tomorrow")])));
    assert!(shadow().is_none(), "nothing left on the page");
    assert!(mount(config(
        &url,
        "en",
        &[
            ("now", "2030-01-10T02:00:00Z"),
            ("timeZone", "Mars/Olympus")
        ]
    )));
    assert!(eventually(3000, || phase() == "in_progress").await);
    reset();
}
