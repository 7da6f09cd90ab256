//! Browser tests of the help panel: dialog focus handling and search as you type.
#![cfg(target_arch = "wasm32")]

use js_sys::{Object, Reflect};
use lms_support_widget::web::{close, destroy, mount, open};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, HtmlInputElement, KeyboardEvent, KeyboardEventInit};

mod web_support;
use web_support::*;

wasm_bindgen_test_configure!(run_in_browser);

const FEED: &str = r#"{"version": 1,
  "faq": [
    {"id": "reset-password", "category": "account", "tags": ["login"],
     "question": {"en": "How do I reset my password?", "es": "¿Cómo restablezco mi contraseña?"},
     "answer": {"en": "Use **Forgot password** on the [login page](https://learn.example/login).", "es": "Usa **¿Olvidaste tu contraseña?** en la página de acceso."}},
    {"id": "see-grades", "category": "grades",
     "question": {"en": "Where can I see my grades?", "es": "¿Dónde veo mis calificaciones?"},
     "answer": {"en": "Open the course and choose *Grades*. <script>alert(1)</script>", "es": "Abre el curso y elige *Calificaciones*."}},
    {"id": "upload-limit", "category": "assignments",
     "question": {"en": "What is the largest file I can upload?", "es": "¿Cuál es el tamaño máximo de archivo?"},
     "answer": {"en": "100 MB per file. [bad](javascript:alert(1))", "es": "100 MB por archivo."}}
  ],
  "support": {"api": "/v1", "hours": "24/7", "fallback": {"email": "help@vendor.example", "phone": "+1 555 0100"}}
}"#;

fn mount_help(locale: &str) {
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
    Reflect::set(&config, &"locale".into(), &locale.into()).unwrap();
    assert!(mount(config.into()));
}

fn press(key: &str, shift: bool) {
    let init = KeyboardEventInit::new();
    init.set_key(key);
    init.set_shift_key(shift);
    init.set_bubbles(true);
    init.set_composed(true);
    init.set_cancelable(true);
    let event = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    let target: web_sys::EventTarget = focused()
        .map(Into::into)
        .unwrap_or_else(|| shadow().expect("mounted").into());
    target.dispatch_event(&event).unwrap();
}

/// Opens the panel until the feed has filled it (an open panel is refilled when the feed
/// arrives), then closes it again.
async fn feed_loaded() -> bool {
    open(Some("help".into()));
    let loaded = eventually(3000, || !all(".lsw-topic").is_empty()).await;
    close();
    loaded
}

fn type_query(text: &str) {
    let input: HtmlInputElement = find("#lsw-q").unwrap().dyn_into().unwrap();
    input.set_value(text);
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    input
        .dispatch_event(&web_sys::Event::new_with_event_init_dict("input", &init).unwrap())
        .unwrap();
}

#[wasm_bindgen_test]
async fn launcher_opens_a_dialog_that_traps_focus_and_escape_returns_it() {
    mount_help("en");
    assert!(feed_loaded().await, "FAQ never arrived");
    let launcher: HtmlElement = find(".lsw-launcher").unwrap().dyn_into().unwrap();
    launcher.focus().unwrap();
    launcher.click();
    let dialog = find("[role='dialog']").unwrap();
    assert!(!dialog.has_attribute("hidden"), "dialog did not open");
    assert_eq!(dialog.get_attribute("aria-modal").as_deref(), Some("true"));
    assert_eq!(
        focused().and_then(|f| f.get_attribute("id")).as_deref(),
        Some("lsw-q"),
        "focus did not move to the search box"
    );

    // Shift+Tab from the first control (the close button) wraps to the last one.
    let close_button: HtmlElement = find(".lsw-close").unwrap().dyn_into().unwrap();
    close_button.focus().unwrap();
    press("Tab", true);
    let last = focused().expect("focus stays in the dialog");
    assert!(dialog.contains(Some(&last)), "Shift+Tab left the dialog");
    assert_eq!(
        last.get_attribute("data-action").as_deref(),
        Some("open-my-tickets"),
        "the last control of the help view is the My tickets button"
    );
    press("Tab", false);
    assert_eq!(
        focused().and_then(|f| f.get_attribute("class")).as_deref(),
        Some("lsw-close"),
        "Tab from the last control wraps to the first"
    );

    press("Escape", false);
    assert!(dialog.has_attribute("hidden"), "Escape did not close");
    assert_eq!(
        focused().and_then(|f| f.get_attribute("class")).as_deref(),
        Some("lsw-launcher"),
        "focus did not return to the launcher"
    );
    destroy();
}

#[wasm_bindgen_test]
async fn results_update_as_you_type_and_tolerate_typos_and_accents() {
    mount_help("es");
    assert!(feed_loaded().await);
    open(Some("help".into()));
    type_query("contrasena");
    let first = || {
        all(".lsw-results .lsw-faq")
            .first()
            .and_then(|e| e.get_attribute("data-faq"))
    };
    assert_eq!(
        first().as_deref(),
        Some("0"),
        "missing accent did not find the password answer"
    );
    let top_answer = find(".lsw-results .lsw-faq .lsw-answer").unwrap();
    assert!(
        !top_answer.has_attribute("hidden"),
        "the best answer opens at once"
    );
    assert!(top_answer.text_content().unwrap().contains("Olvidaste"));
    let marks: Vec<String> = all(".lsw-results mark")
        .iter()
        .filter_map(|m| m.text_content())
        .collect();
    assert!(
        marks.iter().any(|m| m == "contraseña"),
        "matched word not highlighted: {marks:?}"
    );

    type_query("calificasiones");
    assert_eq!(
        first().as_deref(),
        Some("1"),
        "typo did not find the grades answer"
    );
    assert!(
        eventually(2000, || find(".lsw-count")
            .and_then(|c| c.text_content())
            .is_some_and(|t| t.contains("encontrada")))
        .await,
        "result count never announced"
    );

    type_query("xylophone");
    assert!(all(".lsw-results .lsw-faq").is_empty());
    assert!(find(".lsw-empty").is_some(), "no 'no answers' message");
    destroy();
}

#[wasm_bindgen_test]
async fn answers_render_only_safe_elements() {
    mount_help("en");
    assert!(feed_loaded().await);
    open(Some("help".into()));
    for toggle in all(".lsw-topic") {
        toggle.dyn_into::<HtmlElement>().unwrap().click();
    }
    for question in all(".lsw-browse .lsw-question") {
        question.dyn_into::<HtmlElement>().unwrap().click();
    }
    let answers = all(".lsw-browse .lsw-answer");
    assert_eq!(answers.len(), 3);
    assert!(answers.iter().all(|a| a
        .query_selector("script, img, [onerror]")
        .unwrap()
        .is_none()));
    let links = all(".lsw-browse .lsw-answer a");
    assert_eq!(links.len(), 1, "only the https link is a link");
    assert_eq!(
        links[0].get_attribute("href").as_deref(),
        Some("https://learn.example/login")
    );
    assert_eq!(
        links[0].get_attribute("rel").as_deref(),
        Some("noopener noreferrer")
    );
    let grades = answers
        .iter()
        .find(|a| a.text_content().unwrap_or_default().contains("Grades"))
        .unwrap();
    assert!(
        grades
            .text_content()
            .unwrap()
            .contains("<script>alert(1)</script>"),
        "raw HTML must show as text"
    );
    destroy();
}

#[wasm_bindgen_test]
async fn a_feed_with_a_broken_support_block_keeps_the_last_good_contacts() {
    // The same FAQ, but a support block without its "api": invalid, so it is skipped.
    let broken = FEED.replace(r#""api": "/v1", "#, "");
    let url = data_url(&broken);
    let mount_broken = || {
        destroy();
        let config = Object::new();
        Reflect::set(&config, &"feed".into(), &url.as_str().into()).unwrap();
        Reflect::set(&config, &"locale".into(), &"en".into()).unwrap();
        assert!(mount(config.into()));
    };
    let mailto = || {
        all("a[href^='mailto:']")
            .iter()
            .filter_map(|a| a.get_attribute("href"))
            .collect::<Vec<_>>()
    };
    // Nothing good seen before: nothing to offer.
    storage().clear().unwrap();
    mount_broken();
    assert!(feed_loaded().await);
    open(Some("help".into()));
    assert_eq!(mailto(), Vec::<String>::new());
    // A good block seen on an earlier visit is kept for this feed.
    storage()
        .set_item(
            &format!("lms-support:support:{url}"),
            r#"{"api": "/v1", "fallback": {"email": "help@vendor.example"}}"#,
        )
        .unwrap();
    mount_broken();
    assert!(feed_loaded().await);
    open(Some("help".into()));
    assert_eq!(mailto(), ["mailto:help@vendor.example"]);
    destroy();
    storage().clear().unwrap();
}

/// Mounts with `FEED` cached, as on a learner's second page, so the widget has it at mount.
fn mount_with_cached_feed() {
    destroy();
    storage().clear().unwrap();
    let url = data_url(FEED);
    // The copy the loader read while the Wasm downloaded (pkg-templates/loader.js, feedCopy).
    let config = config(&url, "en", &[]);
    with_feed_copy(&config, FEED);
    assert!(mount(config));
}

#[wasm_bindgen_test]
async fn help_opened_as_the_widget_mounts_is_usable_before_the_faq_is_read_in_later_tasks() {
    mount_with_cached_feed();
    open(Some("help".into()));
    // In the mount's own task: the dialog, the search box focused, the support block's
    // contacts; the FAQ is not read yet (a thousand entries would make this one long task).
    assert!(find(".lsw-panel").is_some_and(|p| !p.has_attribute("hidden")));
    assert_eq!(focused().map(|e| e.id()).as_deref(), Some("lsw-q"));
    assert!(text_of(".lsw-contact").contains("help@vendor.example"));
    assert!(
        all(".lsw-topic").is_empty(),
        "the FAQ was read in the mount's task"
    );
    // A query typed meanwhile is answered once the FAQ is in, where the learner is.
    type_query("pasword");
    assert!(eventually(3000, || all(".lsw-topic").len() == 3).await);
    assert!(
        eventually(3000, || text_of(".lsw-results")
            .contains("reset my password"))
        .await
    );
    assert_eq!(focused().map(|e| e.id()).as_deref(), Some("lsw-q"));
    destroy();
}

#[wasm_bindgen_test]
async fn the_ticket_form_opened_as_the_widget_mounts_stays_in_front_when_the_faq_arrives() {
    mount_with_cached_feed();
    open(Some("ticket".into()));
    let form_showing = || find(".lsw-ticket").is_some_and(|s| !s.has_attribute("hidden"));
    let help_hidden = || find(".lsw-help").is_some_and(|s| s.has_attribute("hidden"));
    assert!(form_showing() && help_hidden());
    let focus = focused();
    assert!(focus.is_some());
    assert!(
        all(".lsw-topic").is_empty(),
        "the FAQ was read in the mount's task"
    );
    // The FAQ comes in (the help view behind the form is refilled with its topics)…
    assert!(eventually(3000, || all(".lsw-topic").len() == 3).await);
    // …and the learner is still on the form, where they were.
    assert!(form_showing() && help_hidden());
    assert_eq!(focused(), focus);
    destroy();
}
