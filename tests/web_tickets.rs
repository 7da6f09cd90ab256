//! Browser tests of the ticket form: validation, consent list, the critical check, and the
//! outbox keeping a ticket when the API cannot be reached.
#![cfg(target_arch = "wasm32")]

use js_sys::{Object, Reflect};
use lms_support_widget::web::{destroy, mount, open};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, HtmlInputElement};

mod web_support;
use web_support::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The API is a port nothing listens on: every send fails at the network level.
const FEED: &str = r#"{"version": 1,
  "faq": [{"id": "reset-password", "question": {"en": "How do I reset my password?"}, "answer": {"en": "Use **Forgot password**."}}],
  "support": {"api": "http://127.0.0.1:9/v1", "priorities": [
      {"id": "critical", "response_minutes": 60, "examples": {"en": "Platform down"}},
      {"id": "high", "response_minutes": 120},
      {"id": "routine", "response_minutes": 480}],
    "categories": ["access", "grades", "other"],
    "fallback": {"email": "help@vendor.example"}}
}"#;

fn set(selector: &str, value: &str) {
    let el = find(selector).unwrap_or_else(|| panic!("no {selector}"));
    if let Some(input) = el.dyn_ref::<HtmlInputElement>() {
        input.set_value(value);
    } else if let Some(area) = el.dyn_ref::<web_sys::HtmlTextAreaElement>() {
        area.set_value(value);
    }
}

fn click(selector: &str) {
    find(selector)
        .unwrap_or_else(|| panic!("no {selector}"))
        .dyn_into::<HtmlElement>()
        .unwrap()
        .click();
}

async fn open_ticket_form() {
    destroy();
    web_sys::window()
        .unwrap()
        .local_storage()
        .unwrap()
        .unwrap()
        .clear()
        .unwrap();
    let config = Object::new();
    let url = format!(
        "data:application/json,{}",
        String::from(js_sys::encode_uri_component(FEED))
    );
    Reflect::set(&config, &"feed".into(), &url.into()).unwrap();
    Reflect::set(&config, &"locale".into(), &"en".into()).unwrap();
    Reflect::set(&config, &"course".into(), &"101".into()).unwrap();
    Reflect::set(&config, &"userEmail".into(), &"maria@acme.example".into()).unwrap();
    assert!(mount(config.into()));
    // The feed arrives asynchronously; the form's choices come from it.
    assert!(
        eventually(3000, || {
            open(Some("ticket".into()));
            // "Platform down" is the feed's example for critical: the defaults have none.
            all(".lsw-examples").len() == 1
        })
        .await,
        "ticket form never got the feed's priorities"
    );
}

#[wasm_bindgen_test]
async fn empty_form_shows_field_errors_and_focuses_the_first() {
    open_ticket_form().await;
    set("#lsw-t-email", "");
    click(".lsw-form button[type='submit']");
    let subject = find("#lsw-t-subject").unwrap();
    assert_eq!(
        subject.get_attribute("aria-invalid").as_deref(),
        Some("true")
    );
    let message = find("#lsw-t-subject-error").unwrap();
    assert!(!message.has_attribute("hidden"));
    assert_eq!(message.text_content().unwrap(), "This field is required.");
    assert_eq!(
        subject.get_attribute("aria-describedby").as_deref(),
        Some("lsw-t-subject-error")
    );
    assert_eq!(
        focused().and_then(|e| e.get_attribute("id")).as_deref(),
        Some("lsw-t-subject"),
        "focus goes to the first field in error"
    );
    assert_eq!(
        find("#lsw-t-email")
            .unwrap()
            .get_attribute("aria-invalid")
            .as_deref(),
        Some("true")
    );

    set("#lsw-t-subject", "Cannot open the quiz");
    set("#lsw-t-description", "It says access denied.");
    set("#lsw-t-email", "not-an-address");
    click(".lsw-form button[type='submit']");
    assert!(
        find("#lsw-t-subject")
            .unwrap()
            .get_attribute("aria-invalid")
            .is_none(),
        "a fixed field is no longer marked"
    );
    assert_eq!(
        find("#lsw-t-email-error").unwrap().text_content().unwrap(),
        "Enter an e-mail address like name@example.com."
    );
    destroy();
}

#[wasm_bindgen_test]
async fn consent_list_shows_captured_context_and_items_can_be_removed() {
    open_ticket_form().await;
    let keys = || {
        all(".lsw-context-list .lsw-ctx-key")
            .iter()
            .filter_map(|k| k.text_content())
            .collect::<Vec<_>>()
    };
    let before = keys();
    assert!(
        before.iter().any(|k| k.starts_with("Page")),
        "page URL captured: {before:?}"
    );
    assert!(
        before.iter().any(|k| k.starts_with("Course id")),
        "course id from the config captured: {before:?}"
    );
    let page_value = all(".lsw-context-list li")
        .into_iter()
        .find(|li| li.text_content().unwrap_or_default().starts_with("Page"))
        .and_then(|li| li.query_selector(".lsw-ctx-value").unwrap())
        .and_then(|v| v.text_content())
        .unwrap();
    assert!(
        !page_value.contains('?') && !page_value.contains('#'),
        "the page URL goes without query or fragment: {page_value}"
    );
    assert_eq!(
        find("#lsw-t-email")
            .unwrap()
            .dyn_into::<HtmlInputElement>()
            .unwrap()
            .value(),
        "maria@acme.example",
        "e-mail prefilled from the page"
    );

    let course_button = all(".lsw-context-list li")
        .into_iter()
        .find(|li| {
            li.text_content()
                .unwrap_or_default()
                .starts_with("Course id")
        })
        .and_then(|li| li.query_selector("button").unwrap())
        .unwrap();
    assert_eq!(
        course_button.get_attribute("aria-label").as_deref(),
        Some("Remove Course id")
    );
    course_button.dyn_into::<HtmlElement>().unwrap().click();
    let after = keys();
    assert_eq!(after.len(), before.len() - 1);
    assert!(
        !after.iter().any(|k| k.starts_with("Course id")),
        "removed item still listed"
    );
    destroy();
}

#[wasm_bindgen_test]
async fn choosing_critical_asks_and_no_switches_to_routine() {
    open_ticket_form().await;
    let critical: HtmlInputElement = find(".lsw-priority input[value='critical']")
        .unwrap()
        .dyn_into()
        .unwrap();
    assert!(find(".lsw-priority")
        .unwrap()
        .text_content()
        .unwrap()
        .contains("Response within 1 hour"));
    critical.click();
    assert!(
        !find(".lsw-critical-check").unwrap().has_attribute("hidden"),
        "critical must ask whether it really is"
    );
    click("[data-action='critical-no']");
    let routine: HtmlInputElement = find(".lsw-priority input[value='routine']")
        .unwrap()
        .dyn_into()
        .unwrap();
    assert!(routine.checked(), "answering no switches to routine");
    assert!(find(".lsw-critical-check").unwrap().has_attribute("hidden"));
    destroy();
}

#[wasm_bindgen_test]
async fn a_ticket_that_cannot_be_sent_waits_in_the_outbox() {
    open_ticket_form().await;
    set("#lsw-t-subject", "Quiz will not open");
    set("#lsw-t-description", "Access denied on quiz 1.");
    click(".lsw-form button[type='submit']");
    assert!(
        eventually(5000, || find(".lsw-ticket-status[data-state='queued']")
            .is_some())
        .await,
        "the learner is not told the ticket is queued: {:?}",
        find(".lsw-ticket-status").and_then(|s| s.text_content())
    );
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    let key = (0..storage.length().unwrap())
        .filter_map(|i| storage.key(i).unwrap())
        .find(|k| k.starts_with("lms-support:outbox:data:"))
        .expect("an outbox stored under the feed URL");
    let stored = storage.get_item(&key).unwrap().expect("outbox persisted");
    assert!(
        stored.contains("Quiz will not open"),
        "the ticket is in the stored outbox: {stored}"
    );
    destroy();
}
