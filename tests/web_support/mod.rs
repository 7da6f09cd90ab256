//! Helpers shared by the browser test files (`tests/web_*.rs`): the page, waiting, and
//! looking inside the widget's open shadow root.
#![allow(dead_code)]

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Element, ShadowRoot};

pub fn document() -> web_sys::Document {
    web_sys::window()
        .expect_throw("window")
        .document()
        .expect_throw("document")
}

pub fn storage() -> web_sys::Storage {
    web_sys::window().unwrap().local_storage().unwrap().unwrap()
}

pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    JsFuture::from(promise).await.unwrap();
}

/// Polls `check` every 50 ms for up to `ms`; true when it held.
pub async fn eventually(ms: i32, check: impl Fn() -> bool) -> bool {
    for _ in 0..(ms / 50) {
        if check() {
            return true;
        }
        sleep(50).await;
    }
    check()
}

/// A feed URL the page can fetch without a server.
pub fn data_url(json: &str) -> String {
    format!(
        "data:application/json,{}",
        String::from(js_sys::encode_uri_component(json))
    )
}

/// A mount configuration object: `{feed, locale, ...extra}`.
pub fn config(feed_url: &str, locale: &str, extra: &[(&str, &str)]) -> JsValue {
    let config = Object::new();
    Reflect::set(&config, &"feed".into(), &feed_url.into()).unwrap();
    Reflect::set(&config, &"locale".into(), &locale.into()).unwrap();
    for (key, value) in extra {
        Reflect::set(&config, &(*key).into(), &(*value).into()).unwrap();
    }
    config.into()
}

/// Adds the loader's hooks for the last good feed to a mount configuration, as
/// `pkg-templates/loader.js` does: `feedCopy` gives the copy in `window.__feedCopy`, which is set
/// to `[text, null]` (no ETag), and `saveFeed` replaces it with what the widget saves.
pub fn with_feed_copy(config: &JsValue, text: &str) {
    let copy = js_sys::Array::of2(&text.into(), &JsValue::NULL);
    Reflect::set(&web_sys::window().unwrap(), &"__feedCopy".into(), &copy).unwrap();
    let give = js_sys::Function::new_no_args("return window.__feedCopy");
    let save = js_sys::Function::new_with_args("text, etag", "window.__feedCopy = [text, etag]");
    Reflect::set(config, &"feedCopy".into(), &give).unwrap();
    Reflect::set(config, &"saveFeed".into(), &save).unwrap();
}

/// The last good feed's text as the widget last saved it (see [`with_feed_copy`]).
pub fn saved_feed() -> String {
    let copy = Reflect::get(&web_sys::window().unwrap(), &"__feedCopy".into()).unwrap();
    Reflect::get_u32(&copy, 0)
        .unwrap()
        .as_string()
        .unwrap_or_default()
}

/// The widget's shadow root, when mounted.
pub fn shadow() -> Option<ShadowRoot> {
    document()
        .query_selector("lms-support-widget")
        .ok()
        .flatten()?
        .shadow_root()
}

pub fn find(selector: &str) -> Option<Element> {
    shadow()?.query_selector(selector).ok().flatten()
}

pub fn all(selector: &str) -> Vec<Element> {
    let Some(list) = shadow().and_then(|s| s.query_selector_all(selector).ok()) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into().ok())
        .collect()
}

pub fn text_of(selector: &str) -> String {
    find(selector)
        .and_then(|e| e.text_content())
        .unwrap_or_default()
}

/// The focused element inside the widget.
pub fn focused() -> Option<Element> {
    shadow()?.active_element()
}
