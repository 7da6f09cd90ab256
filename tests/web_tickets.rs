//! Browser tests of the ticket form: validation, consent list, the critical check, the
//! outbox keeping a ticket when the API cannot be reached, and one Send making one ticket.
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

/// The entries of the stored outbox.
fn outbox_entries() -> Vec<serde_json::Value> {
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    (0..storage.length().unwrap())
        .filter_map(|i| storage.key(i).unwrap())
        .filter(|k| k.starts_with("lms-support:outbox:"))
        .filter_map(|k| storage.get_item(&k).unwrap())
        .filter_map(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .flat_map(|v| v["entries"].as_array().cloned().unwrap_or_default())
        .collect()
}

/// `form.requestSubmit()`: what a second click on Send or a second Enter in a field does.
fn submit_again() {
    let form = find(".lsw-form").unwrap();
    let request = Reflect::get(&form, &"requestSubmit".into()).unwrap();
    request
        .dyn_into::<js_sys::Function>()
        .unwrap()
        .call0(&form)
        .unwrap();
}

fn value(selector: &str) -> String {
    let el = find(selector).unwrap();
    el.dyn_ref::<HtmlInputElement>()
        .map(|i| i.value())
        .or_else(|| {
            el.dyn_ref::<web_sys::HtmlTextAreaElement>()
                .map(|t| t.value())
        })
        .unwrap()
}

/// Shift+Tab from the dialog's first control (the close button): where the wrap puts focus,
/// the last control the view shows.
fn shift_tab_from_close() -> Option<web_sys::Element> {
    let close: HtmlElement = find(".lsw-close").unwrap().dyn_into().unwrap();
    close.focus().unwrap();
    let init = web_sys::KeyboardEventInit::new();
    init.set_key("Tab");
    init.set_shift_key(true);
    init.set_bubbles(true);
    init.set_composed(true);
    init.set_cancelable(true);
    let event =
        web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    close.dispatch_event(&event).unwrap();
    focused()
}

#[wasm_bindgen_test]
async fn a_ticket_handed_in_takes_the_forms_place_and_is_not_sent_twice() {
    open_ticket_form().await;
    set("#lsw-t-subject", "Quiz will not open");
    set("#lsw-t-description", "Access denied on quiz 1.");
    click(".lsw-form button[type='submit']");
    submit_again();
    submit_again();
    assert_eq!(
        outbox_entries().len(),
        1,
        "one Send, one ticket in the outbox"
    );

    let card = find(".lsw-handed-ticket").expect("the ticket's card");
    assert_eq!(
        card.query_selector(".lsw-title")
            .unwrap()
            .and_then(|t| t.text_content())
            .as_deref(),
        Some("Quiz will not open")
    );
    assert!(
        find(".lsw-form").unwrap().has_attribute("hidden"),
        "the form gives way to the ticket"
    );
    assert!(find(".lsw-form button[type='submit']")
        .unwrap()
        .has_attribute("disabled"));
    assert_eq!(
        focused().map(|e| e.class_name()).as_deref(),
        Some("lsw-handed"),
        "focus moves to the ticket handed in"
    );
    assert!(
        eventually(5000, || find(".lsw-handed-ticket[data-state='queued']")
            .is_some())
        .await,
        "the card follows the ticket to queued"
    );
    assert_eq!(
        card_text(),
        ["Quiz will not open Status: not sent yet"],
        "the card says it is not sent yet"
    );

    // The Tab wrap skips the hidden form: the last control is "Write another ticket".
    assert_eq!(
        shift_tab_from_close().and_then(|e| e.get_attribute("data-action")),
        Some("new-ticket".to_string()),
        "Shift+Tab from the first control wraps to the last one shown"
    );

    click("[data-action='new-ticket']");
    assert!(!find(".lsw-form").unwrap().has_attribute("hidden"));
    assert_eq!(value("#lsw-t-subject"), "", "a new, empty draft");
    assert_eq!(value("#lsw-t-description"), "");
    assert_eq!(
        value("#lsw-t-email"),
        "maria@acme.example",
        "the e-mail is kept"
    );
    assert!(find("[data-action='new-ticket']")
        .unwrap()
        .has_attribute("hidden"));
    assert_eq!(
        focused().and_then(|e| e.get_attribute("id")).as_deref(),
        Some("lsw-t-category"),
        "the new draft starts at its first field"
    );
    assert_eq!(
        shift_tab_from_close().and_then(|e| e.get_attribute("type")),
        Some("submit".to_string()),
        "with the form back, the last control is Send"
    );

    set("#lsw-t-subject", "Grades page is blank");
    set("#lsw-t-description", "Nothing under Grades.");
    click(".lsw-form button[type='submit']");
    assert_eq!(
        outbox_entries().len(),
        2,
        "a second draft is a second ticket"
    );
    let titles: Vec<String> = all(".lsw-handed .lsw-title")
        .iter()
        .filter_map(|t| t.text_content())
        .collect();
    assert_eq!(
        titles,
        ["Grades page is blank", "Quiz will not open"],
        "newest first"
    );
    destroy();
}

fn card_text() -> Vec<String> {
    all(".lsw-handed-ticket")
        .iter()
        .map(|li| {
            all_in(li, "p")
                .iter()
                .filter_map(|p| p.text_content())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

fn all_in(parent: &web_sys::Element, selector: &str) -> Vec<web_sys::Element> {
    let list = parent.query_selector_all(selector).unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into().ok())
        .collect()
}
