//! Browser tests of guided flows and "Did this help?" in the help panel: each step's heading
//! takes focus, Back returns to the question before, the ticket ending opens the form
//! prefilled with the trail as a removable context item, the Arabic panel reads right to left,
//! and a vote is asked once per answer per browser.
#![cfg(target_arch = "wasm32")]

use lms_support_widget::web::{close, destroy, mount, open};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, HtmlInputElement};

mod web_support;
use web_support::*;

wasm_bindgen_test_configure!(run_in_browser);

const FEED: &str = r#"{"version": 1,
  "faq": [
    {"id": "reset-password", "category": "account",
     "question": {"en": "How do I reset my password?", "es": "¿Cómo restablezco mi contraseña?"},
     "answer": {"en": "Use **Forgot password** on the login page.", "es": "Usa **¿Olvidaste tu contraseña?**."}}
  ],
  "flows": [
    {"id": "sign-in", "title": {"en": "I can't sign in", "es": "No puedo iniciar sesión"},
     "steps": [
       {"id": "opens", "question": {"en": "Does the sign-in page open?", "es": "¿Se abre la página?"},
        "answers": [
          {"label": {"en": "Yes", "es": "Sí"}, "next": "what"},
          {"label": {"en": "No", "es": "No"}, "known_issues": true}]},
       {"id": "what", "question": {"en": "What happens?", "es": "¿Qué pasa?"},
        "answers": [
          {"label": {"en": "Wrong password", "es": "Contraseña incorrecta"}, "faq": "reset-password"},
          {"label": {"en": "Something else", "es": "Otra cosa"},
           "ticket": {"category": "access", "priority": "high",
                      "subject": {"en": "I can't sign in", "es": "No puedo iniciar sesión"}}}]}]}
  ],
  "support": {"api": "/v1", "categories": ["access", "other"],
              "priorities": [{"id": "high", "response_minutes": 120}, {"id": "routine", "response_minutes": 480}]}
}"#;

async fn mount_flows(locale: &str) {
    destroy();
    storage().clear().unwrap();
    assert!(mount(config(&data_url(FEED), locale, &[])));
    open(Some("help".into()));
    assert!(eventually(3000, || find(".lsw-flow-list button").is_some()).await);
}

fn press(label: &str) {
    let button = all(".lsw-flows button, .lsw-vote button")
        .into_iter()
        .find(|b| b.text_content().as_deref() == Some(label))
        .unwrap_or_else(|| panic!("no button {label:?}"));
    button.unchecked_into::<HtmlElement>().click();
}

fn focused_text() -> String {
    focused().and_then(|e| e.text_content()).unwrap_or_default()
}

#[wasm_bindgen_test]
async fn each_step_takes_focus_and_back_returns_to_the_question_before() {
    mount_flows("en").await;
    assert_eq!(text_of(".lsw-flows h3"), "Something isn't working?");
    press("I can't sign in");
    assert_eq!(focused_text(), "Does the sign-in page open?");
    assert_eq!(focused().unwrap().tag_name(), "H4");
    assert!(find(".lsw-flow-nav").is_some());
    // No Back on the first question.
    assert!(all(".lsw-flow-nav button")
        .iter()
        .all(|b| b.text_content().as_deref() != Some("Back")));
    press("Yes");
    assert_eq!(focused_text(), "What happens?");
    press("Back");
    assert_eq!(focused_text(), "Does the sign-in page open?");
    press("No");
    assert_eq!(focused_text(), "There are no known issues right now.");
    press("Start over");
    assert_eq!(focused_text(), "Something isn't working?");
    destroy();
}

#[wasm_bindgen_test]
async fn a_ticket_ending_opens_the_form_prefilled_with_the_trail_as_removable_context() {
    mount_flows("en").await;
    press("I can't sign in");
    press("Yes");
    press("Something else");
    assert_eq!(focused_text(), "Contact support");
    find(".lsw-flows [data-action=flow-ticket]")
        .unwrap()
        .unchecked_into::<HtmlElement>()
        .click();
    let subject: HtmlInputElement = find("#lsw-t-subject").unwrap().unchecked_into();
    assert_eq!(subject.value(), "I can't sign in");
    let category: web_sys::HtmlSelectElement = find("#lsw-t-category").unwrap().unchecked_into();
    assert_eq!(category.value(), "access");
    let items = all(".lsw-context-list li");
    let first = items[0].text_content().unwrap_or_default();
    assert!(
        first.contains("Steps taken")
            && first.contains("Does the sign-in page open? → Yes › What happens? → Something else"),
        "{first}"
    );
    // Removable like the other items.
    items[0]
        .query_selector("button")
        .unwrap()
        .unwrap()
        .unchecked_into::<HtmlElement>()
        .click();
    assert!(all(".lsw-context-list li").iter().all(|li| !li
        .text_content()
        .unwrap_or_default()
        .contains("Steps taken")));
    // Opened again from "Contact support", the form carries no trail.
    close();
    open(Some("ticket".into()));
    assert!(all(".lsw-context-list li").iter().all(|li| !li
        .text_content()
        .unwrap_or_default()
        .contains("Steps taken")));
    destroy();
}

#[wasm_bindgen_test]
async fn the_arabic_panel_walks_right_to_left_with_the_feeds_fallback_marked() {
    mount_flows("ar").await;
    let host = document()
        .query_selector("lms-support-widget")
        .unwrap()
        .unwrap();
    assert_eq!(host.get_attribute("dir").as_deref(), Some("rtl"));
    assert_eq!(text_of(".lsw-flows h3"), "هل هناك شيء لا يعمل؟");
    let start = find(".lsw-flow-list button").unwrap();
    // The feed has no Arabic: the English title says so for screen readers.
    assert_eq!(start.get_attribute("lang").as_deref(), Some("en"));
    start.unchecked_into::<HtmlElement>().click();
    assert_eq!(focused_text(), "Does the sign-in page open?");
    assert_eq!(
        focused().unwrap().get_attribute("dir").as_deref(),
        Some("auto")
    );
    assert!(all(".lsw-flow-nav button")
        .iter()
        .any(|b| b.text_content().as_deref() == Some("البدء من جديد")));
    destroy();
}

#[wasm_bindgen_test]
async fn did_this_help_is_asked_once_per_answer_per_browser() {
    mount_flows("en").await;
    press("I can't sign in");
    press("Yes");
    press("Wrong password");
    assert_eq!(focused_text(), "How do I reset my password?");
    assert!(text_of(".lsw-flows .lsw-answer").contains("Forgot password"));
    press("No");
    // The reasons, the first focused; one sends.
    assert_eq!(focused_text(), "It was hard to understand");
    press("I tried it and it did not work");
    assert_eq!(focused_text(), "Thank you for telling us.");
    // Walked again after a reload (same browser): not asked again.
    destroy();
    assert!(mount(config(&data_url(FEED), "en", &[])));
    open(Some("help".into()));
    assert!(eventually(3000, || find(".lsw-flow-list button").is_some()).await);
    press("I can't sign in");
    press("Yes");
    press("Wrong password");
    assert!(find(".lsw-flows .lsw-answer").is_some());
    assert!(find(".lsw-flows .lsw-vote").is_none());
    // Another answer (the FAQ entry itself, in the topics) is still asked.
    let topic = find(".lsw-topic").unwrap();
    topic.unchecked_into::<HtmlElement>().click();
    find(".lsw-browse .lsw-question")
        .unwrap()
        .unchecked_into::<HtmlElement>()
        .click();
    assert!(find(".lsw-browse .lsw-vote").is_some());
    destroy();
}

#[wasm_bindgen_test]
async fn a_suggested_answer_in_the_ticket_form_asks_did_this_help_too() {
    mount_flows("en").await;
    close();
    open(Some("ticket".into()));
    let subject: HtmlInputElement = find("#lsw-t-subject").unwrap().unchecked_into();
    subject.set_value("reset password");
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    subject
        .dispatch_event(&web_sys::Event::new_with_event_init_dict("input", &init).unwrap())
        .unwrap();
    assert!(eventually(2000, || find(".lsw-deflect .lsw-question").is_some()).await);
    find(".lsw-deflect .lsw-question")
        .unwrap()
        .unchecked_into::<HtmlElement>()
        .click();
    assert!(find(".lsw-deflect .lsw-vote").is_some());
    press("Yes");
    assert_eq!(focused_text(), "Thank you for telling us.");
    destroy();
}
