//! Browser tests of WCAG 3.1.2 (Language of Parts): feed text shown in a fallback language
//! carries its own `lang`, so a screen reader does not read English with a French voice.
#![cfg(target_arch = "wasm32")]

use lms_support_widget::web::{close, destroy, mount, open};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

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

/// A feed with one window from `starts_in_ms` to `ends_in_ms`; `title` is its JSON object.
fn feed(starts_in_ms: f64, ends_in_ms: f64, title: &str, faq: &str) -> String {
    format!(
        r#"{{"version":1,"client":{{"name":"Test"}},"maintenance":[{{"id":"upgrade","revision":1,
            "starts_at":"{}","ends_at":"{}","notice_days":7,"severity":"major","title":{title}}}],
            "faq":[{faq}]}}"#,
        iso(starts_in_ms),
        iso(ends_in_ms)
    )
}

fn mount_fr(json: &str) {
    destroy();
    storage().clear().unwrap();
    assert!(mount(config(&data_url(json), "fr", &[])));
}

fn lang_of(selector: &str) -> Option<String> {
    find(selector).and_then(|e| e.get_attribute("lang"))
}

#[wasm_bindgen_test]
async fn banner_title_in_a_fallback_language_gets_its_lang() {
    mount_fr(&feed(
        3.0 * DAY,
        3.0 * DAY + 6.0 * HOUR,
        r#"{"en":"Planned upgrade"}"#,
        "",
    ));
    assert!(
        eventually(3000, || text_of(".lsw-title") == "Planned upgrade").await,
        "banner never showed the window"
    );
    let host = document()
        .query_selector("lms-support-widget")
        .unwrap()
        .unwrap();
    assert_eq!(host.get_attribute("lang").as_deref(), Some("fr"));
    assert_eq!(lang_of(".lsw-title").as_deref(), Some("en"));

    mount_fr(&feed(
        3.0 * DAY,
        3.0 * DAY + 6.0 * HOUR,
        r#"{"en":"Planned upgrade","fr":"Mise à niveau prévue"}"#,
        "",
    ));
    assert!(
        eventually(3000, || text_of(".lsw-title") == "Mise à niveau prévue").await,
        "banner never showed the French title"
    );
    assert_eq!(
        lang_of(".lsw-title"),
        None,
        "French text in a French widget"
    );
    destroy();
}

#[wasm_bindgen_test]
async fn help_panel_marks_fallback_causes_questions_and_answers() {
    mount_fr(&feed(
        -HOUR,
        HOUR,
        r#"{"en":"Planned upgrade"}"#,
        r#"{"id":"en-only","category":"account","question":{"en":"How do I reset my password?"},
            "answer":{"en":"Use *Forgot password*."}},
           {"id":"both","category":"account","question":{"en":"Where are my grades?","fr":"Où sont mes notes ?"},
            "answer":{"en":"Open Grades.","fr":"Ouvrez Notes."}}"#,
    ));
    open(Some("help".into()));
    assert!(
        eventually(3000, || !all(".lsw-topic").is_empty()).await,
        "FAQ never arrived"
    );
    assert!(
        eventually(3000, || !all(".lsw-causes li").is_empty()).await,
        "the window in progress was not offered as a cause"
    );
    let cause = find(".lsw-causes li span[lang]").expect("cause title marked");
    assert_eq!(cause.text_content().as_deref(), Some("Planned upgrade"));
    assert_eq!(cause.get_attribute("lang").as_deref(), Some("en"));

    // The topic's questions are drawn when it opens.
    for topic in all(".lsw-topic") {
        topic.unchecked_ref::<HtmlElement>().click();
    }
    let questions = all(".lsw-browse .lsw-question");
    let question = |i: usize| questions[i].query_selector("span").unwrap().unwrap();
    assert_eq!(questions.len(), 2);
    assert_eq!(question(0).get_attribute("lang").as_deref(), Some("en"));
    assert_eq!(question(1).get_attribute("lang"), None);
    assert_eq!(
        question(1).text_content().as_deref(),
        Some("Où sont mes notes ?")
    );

    let answer = |i: usize| {
        let id = questions[i].get_attribute("aria-controls").unwrap();
        find(&format!("#{id}")).unwrap()
    };
    for i in 0..2 {
        questions[i].unchecked_ref::<HtmlElement>().click();
    }
    assert!(
        eventually(3000, || answer(0).has_child_nodes()
            && answer(1).has_child_nodes())
        .await,
        "answers were not built"
    );
    assert_eq!(answer(0).get_attribute("lang").as_deref(), Some("en"));
    assert_eq!(answer(1).get_attribute("lang"), None);
    close();
    destroy();
}
