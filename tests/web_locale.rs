//! Browser tests of `LmsSupport.setLocale`: the language switches live, without a reload.
#![cfg(target_arch = "wasm32")]

use lms_support_widget::web::{destroy, mount, open, set_locale};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

mod web_support;
use web_support::*;

wasm_bindgen_test_configure!(run_in_browser);

const HOUR: f64 = 3_600_000.0;
const DAY: f64 = 24.0 * HOUR;

fn iso(ms_from_now: f64) -> String {
    String::from(
        js_sys::Date::new(&JsValue::from_f64(js_sys::Date::now() + ms_from_now)).to_iso_string(),
    )
}

/// A feed with one window three days ahead (the "upcoming" phase).
fn upcoming_feed() -> String {
    format!(
        r#"{{"version":1,"client":{{"name":"Test"}},"maintenance":[{{"id":"upgrade","revision":1,"starts_at":"{}","ends_at":"{}","notice_days":7,"severity":"major","title":{{"en":"Planned upgrade","es":"Actualización planificada"}}}}],"support":{{"api":"/v1","fallback":{{"email":"help@vendor.example"}}}}}}"#,
        iso(3.0 * DAY),
        iso(3.0 * DAY + 6.0 * HOUR)
    )
}

fn host_attr(name: &str) -> Option<String> {
    document()
        .query_selector("lms-support-widget")
        .unwrap()?
        .get_attribute(name)
}

fn hosts() -> u32 {
    document()
        .query_selector_all("lms-support-widget")
        .unwrap()
        .length()
}

fn mount_en() {
    destroy();
    storage().clear().unwrap();
    assert!(mount(config(&data_url(&upcoming_feed()), "en", &[])));
}

#[wasm_bindgen_test]
async fn set_locale_switches_language_and_direction_live() {
    mount_en();
    assert!(
        eventually(3000, || text_of(".lsw-heading") == "Scheduled maintenance").await,
        "banner never showed in English: {:?}",
        text_of(".lsw-heading")
    );
    assert_eq!(host_attr("lang").as_deref(), Some("en"));
    assert_eq!(host_attr("dir").as_deref(), Some("ltr"));

    set_locale("es".to_string());
    assert_eq!(hosts(), 1, "the widget must be replaced, not duplicated");
    assert!(
        eventually(3000, || text_of(".lsw-heading")
            == "Mantenimiento programado")
        .await,
        "heading not in Spanish: {:?}",
        text_of(".lsw-heading")
    );
    assert_eq!(text_of(".lsw-title"), "Actualización planificada");
    assert_eq!(host_attr("lang").as_deref(), Some("es"));
    assert_eq!(host_attr("dir").as_deref(), Some("ltr"));

    set_locale("ar".to_string());
    assert_eq!(hosts(), 1);
    assert_eq!(host_attr("lang").as_deref(), Some("ar"));
    assert_eq!(host_attr("dir").as_deref(), Some("rtl"));
    assert!(
        eventually(3000, || find(".lsw-heading").is_some()).await,
        "banner gone after switching to Arabic"
    );
    let arabic_heading = text_of(".lsw-heading");
    assert_ne!(arabic_heading, "Scheduled maintenance");
    assert_ne!(arabic_heading, "Mantenimiento programado");

    set_locale("not a tag!".to_string());
    assert_eq!(hosts(), 1);
    assert_eq!(
        host_attr("lang").as_deref(),
        Some("ar"),
        "an invalid tag changed the language"
    );
    assert_eq!(host_attr("dir").as_deref(), Some("rtl"));
    assert_eq!(text_of(".lsw-heading"), arabic_heading);
    destroy();
}

#[wasm_bindgen_test]
async fn set_locale_keeps_an_open_panel_open() {
    mount_en();
    assert!(eventually(3000, || find(".lsw-heading").is_some()).await);
    open(None);
    let dialog_open = || find("[role='dialog']").is_some_and(|d| !d.has_attribute("hidden"));
    assert!(dialog_open(), "help panel did not open");
    set_locale("es".to_string());
    assert_eq!(host_attr("lang").as_deref(), Some("es"));
    assert!(dialog_open(), "help panel closed by the language switch");
    destroy();
}

#[wasm_bindgen_test]
fn set_locale_when_not_mounted_does_nothing() {
    destroy();
    set_locale("es".to_string());
    assert_eq!(hosts(), 0);
}
