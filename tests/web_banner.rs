//! Browser tests of the banner in the page: mounting, timers, dismissals, the cached feed.
//! Run with `wasm-pack test --headless --chrome` (see the Makefile).
#![cfg(target_arch = "wasm32")]

use js_sys::{Object, Reflect};
use lms_support_widget::web::{destroy, mount};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

mod web_support;
use web_support::*;

wasm_bindgen_test_configure!(run_in_browser);

fn iso(ms_from_now: f64) -> String {
    String::from(
        js_sys::Date::new(&JsValue::from_f64(js_sys::Date::now() + ms_from_now)).to_iso_string(),
    )
}

const HOUR: f64 = 3_600_000.0;
const DAY: f64 = 24.0 * HOUR;

fn window_json(id: &str, revision: u32, starts_in_ms: f64, ends_in_ms: f64, title: &str) -> String {
    format!(
        r#"{{"id":"{id}","revision":{revision},"starts_at":"{}","ends_at":"{}","notice_days":7,"severity":"major","title":{{"en":"{title}","es":"{title} (es)"}}}}"#,
        iso(starts_in_ms),
        iso(ends_in_ms)
    )
}

fn feed_with(windows: &[String]) -> String {
    format!(
        r#"{{"version":1,"client":{{"name":"Test"}},"maintenance":[{}]}}"#,
        windows.join(",")
    )
}

fn mount_with(feed_url: &str) -> bool {
    let config = Object::new();
    Reflect::set(&config, &"feed".into(), &feed_url.into()).unwrap();
    Reflect::set(&config, &"locale".into(), &"en".into()).unwrap();
    mount(config.into())
}

fn hosts() -> u32 {
    document()
        .query_selector_all("lms-support-widget")
        .unwrap()
        .length()
}

fn reset() {
    destroy();
    storage().clear().unwrap();
}

#[wasm_bindgen_test]
async fn mounts_once_in_an_open_shadow_root_and_destroy_removes_it() {
    reset();
    let url = data_url(&feed_with(&[window_json(
        "upgrade",
        1,
        3.0 * DAY,
        3.0 * DAY + 6.0 * HOUR,
        "Planned upgrade",
    )]));
    assert!(mount_with(&url));
    assert!(!mount_with(&url), "a second mount must be a no-op");
    assert_eq!(hosts(), 1);
    assert!(
        eventually(3000, || text_of(".lsw-title") == "Planned upgrade").await,
        "banner never showed the window"
    );
    let region = find(".lsw-banner").unwrap();
    assert_eq!(
        region.get_attribute("role").as_deref(),
        Some("status"),
        "an advance notice is polite"
    );
    assert_eq!(text_of(".lsw-heading"), "Scheduled maintenance");
    assert!(
        text_of(".lsw-time").contains("in 3 days"),
        "relative time missing: {}",
        text_of(".lsw-time")
    );
    // No inline styles anywhere: a strict style-src must not break us.
    assert!(shadow()
        .unwrap()
        .query_selector("[style], style")
        .unwrap()
        .is_none());
    destroy();
    assert_eq!(hosts(), 0, "destroy must remove the host element");
}

#[wasm_bindgen_test]
async fn timer_moves_the_banner_from_imminent_to_in_progress_at_the_start() {
    reset();
    let url = data_url(&feed_with(&[window_json(
        "soon",
        1,
        2500.0,
        HOUR,
        "Database failover",
    )]));
    mount_with(&url);
    assert!(
        eventually(2000, || find("[data-phase='imminent']").is_some()).await,
        "not imminent before start"
    );
    assert_eq!(
        find(".lsw-banner")
            .unwrap()
            .get_attribute("role")
            .as_deref(),
        Some("alert")
    );
    assert!(
        text_of(".lsw-countdown").starts_with("Starts in 0:0"),
        "countdown: {}",
        text_of(".lsw-countdown")
    );
    assert!(
        find("[data-phase='imminent'] .lsw-dismiss").is_some(),
        "imminent is dismissible"
    );
    // No fetch or user action happens after this point: only the phase timer can change it.
    assert!(
        eventually(4000, || find("[data-phase='in_progress']").is_some()).await,
        "the phase timer did not fire"
    );
    assert_eq!(text_of(".lsw-heading"), "Maintenance in progress");
    assert!(
        find(".lsw-dismiss").is_none(),
        "downtime in progress must not be dismissible"
    );
    reset();
}

#[wasm_bindgen_test]
async fn dismissal_survives_a_remount_until_a_new_revision() {
    reset();
    let rev1 = data_url(&feed_with(&[window_json(
        "upgrade",
        1,
        2.0 * DAY,
        2.0 * DAY + HOUR,
        "Planned upgrade",
    )]));
    mount_with(&rev1);
    assert!(eventually(3000, || find(".lsw-dismiss").is_some()).await);
    find(".lsw-dismiss")
        .unwrap()
        .dyn_into::<HtmlElement>()
        .unwrap()
        .click();
    assert!(find(".lsw-item").is_none(), "dismissed item still shown");
    destroy();

    mount_with(&rev1);
    sleep(500).await;
    assert!(
        find(".lsw-item").is_none(),
        "dismissal forgotten after remount"
    );
    destroy();

    let rev2 = data_url(&feed_with(&[window_json(
        "upgrade",
        2,
        2.0 * DAY,
        2.0 * DAY + HOUR,
        "Planned upgrade, new date",
    )]));
    mount_with(&rev2);
    assert!(
        eventually(3000, || text_of(".lsw-title")
            == "Planned upgrade, new date")
        .await,
        "a new revision must show again"
    );
    reset();
}

#[wasm_bindgen_test]
async fn several_items_show_the_most_severe_first_with_a_count() {
    reset();
    let minor = r#"{"id":"weekly-ish","starts_at":"__S__","ends_at":"__E__","severity":"minor","title":{"en":"Minor work"}}"#
        .replace("__S__", &iso(DAY))
        .replace("__E__", &iso(DAY + HOUR));
    let url = data_url(&feed_with(&[
        minor,
        window_json("big", 1, 2.0 * DAY, 2.0 * DAY + HOUR, "Major upgrade"),
    ]));
    mount_with(&url);
    assert!(eventually(3000, || text_of(".lsw-title") == "Major upgrade").await);
    let toggle = find(".lsw-more").expect("a +N more toggle");
    assert_eq!(toggle.text_content().unwrap(), "+1 more");
    assert_eq!(
        toggle.get_attribute("aria-expanded").as_deref(),
        Some("false")
    );
    toggle.dyn_into::<HtmlElement>().unwrap().click();
    let toggle = find(".lsw-more").unwrap();
    assert_eq!(
        toggle.get_attribute("aria-expanded").as_deref(),
        Some("true")
    );
    assert!(
        find(".lsw-more-items:not([hidden]) [data-id='weekly-ish']").is_some(),
        "second item not revealed"
    );
    reset();
}

#[wasm_bindgen_test]
async fn cached_feed_shows_when_the_network_fails_and_a_broken_feed_keeps_it() {
    reset();
    let good = feed_with(&[window_json(
        "cached",
        1,
        DAY * 2.0,
        DAY * 2.0 + HOUR,
        "From the cache",
    )]);
    // A version-1 feed whose every entry is invalid, and one over the parser's limits (a
    // 70 KB title), parse but must not replace the good copy.
    let every_entry_invalid =
        r#"{"version":1,"maintenance":[{"id":1},{"id":"a","starts_at":5}],"notices":[true]}"#;
    let huge_title = feed_with(&[window_json("huge", 1, DAY, DAY + HOUR, &"x".repeat(70_000))]);
    for url in [
        "http://127.0.0.1:9/unreachable-feed.json",
        &data_url("{this is not json"),
        &data_url(every_entry_invalid),
        &data_url(&huge_title),
    ] {
        let config = config(url, "en", &[]);
        with_feed_copy(&config, &good);
        mount(config);
        // The cached copy is drawn synchronously at mount, before any fetch.
        assert_eq!(
            text_of(".lsw-title"),
            "From the cache",
            "cache not shown first for {url}"
        );
        sleep(1500).await;
        assert_eq!(
            text_of(".lsw-title"),
            "From the cache",
            "a failed or broken fetch replaced the shown copy for {url}"
        );
        assert!(
            saved_feed().contains("From the cache"),
            "a failed or broken fetch overwrote the cached copy for {url}"
        );
        destroy();
    }
    reset();
}

#[wasm_bindgen_test]
async fn spanish_page_gets_spanish_chrome_and_feed_text() {
    reset();
    let url = data_url(&feed_with(&[window_json(
        "upgrade",
        1,
        3.0 * DAY,
        3.0 * DAY + HOUR,
        "Upgrade",
    )]));
    let config = Object::new();
    Reflect::set(&config, &"feed".into(), &url.as_str().into()).unwrap();
    Reflect::set(&config, &"locale".into(), &"es-MX".into()).unwrap();
    mount(config.into());
    assert!(eventually(3000, || text_of(".lsw-title") == "Upgrade (es)").await);
    assert_eq!(text_of(".lsw-heading"), "Mantenimiento programado");
    assert!(
        text_of(".lsw-time").contains("dentro de 3 días"),
        "time line: {}",
        text_of(".lsw-time")
    );
    reset();
}
