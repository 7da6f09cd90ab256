//! The measurement build's JS API (scripts/size-split.sh copies it into a scratch copy of the
//! crate as `src/web/split.rs`; it is not part of the shipped crate). One module, split in two
//! by wasm-split: what the banner stage does today stays in the main part (`mount`, `destroy`,
//! `setLocale` with the banner widget of `first_stage`), and everything the full stage adds is
//! behind split points (`#[wasm_split(full)]`), in a chunk fetched on `takeOver`.
//!
//! Not done here: running it in a page (the loader, SRI and the renaming of the chunk's
//! imports). It is built to weigh the parts.

use super::banner_widget::Widget as BannerWidget;
use std::cell::{Cell, RefCell};
use wasm_bindgen::prelude::*;
use wasm_split_helpers::wasm_split;

thread_local! {
    static BANNER: RefCell<Option<BannerWidget>> = const { RefCell::new(None) };
    static FULL: Cell<bool> = const { Cell::new(false) };
}

/// The banner stage's `mount`: the banner and the launcher.
#[wasm_bindgen]
pub fn mount(config: JsValue) -> bool {
    if FULL.get() || BANNER.with(|b| b.borrow().is_some()) {
        return false;
    }
    super::dom::set_hooks(&config);
    let sent = super::fetch::SentByLoader::from_config(&config);
    match super::Config::from_js(&config).and_then(|c| BannerWidget::mount(c, sent)) {
        Ok(widget) => {
            BANNER.with(|b| *b.borrow_mut() = Some(widget));
            true
        }
        Err(message) => {
            super::dom::error(&["not started: ", &message].concat());
            false
        }
    }
}

/// Fetches the full stage's chunk and mounts the full widget (as the full stage's `mount` with
/// the loader's `takenOver`); the banner widget is dropped once it is mounted.
#[wasm_bindgen(js_name = takeOver)]
pub fn take_over(config: JsValue) {
    FULL.set(true);
    wasm_bindgen_futures::spawn_local(async move {
        full_mount(config).await;
        let banner = BANNER.with(|b| b.borrow_mut().take());
        drop(banner);
    });
}

#[wasm_split(full)]
fn full_mount(config: JsValue) {
    super::mount(config);
}

/// The full stage's `addStrings`.
#[wasm_bindgen(js_name = addStrings)]
pub fn add_strings(tag: String, strings: String) {
    wasm_bindgen_futures::spawn_local(full_add_strings(tag, strings));
}

#[wasm_split(full)]
fn full_add_strings(tag: String, strings: String) {
    super::add_strings(tag, strings);
}

/// The full stage's `open` (after `takeOver`).
#[wasm_bindgen]
pub fn open(part: Option<String>) {
    if FULL.get() {
        wasm_bindgen_futures::spawn_local(full_open(part));
    }
}

#[wasm_split(full)]
fn full_open(part: Option<String>) {
    super::open(part);
}

/// The full stage's `prefill` (after `takeOver`).
#[wasm_bindgen]
pub fn prefill(fields: JsValue) {
    if FULL.get() {
        wasm_bindgen_futures::spawn_local(full_prefill(fields));
    }
}

#[wasm_split(full)]
fn full_prefill(fields: JsValue) {
    super::prefill(fields);
}

/// The full stage's `close` (after `takeOver`).
#[wasm_bindgen]
pub fn close() {
    if FULL.get() {
        wasm_bindgen_futures::spawn_local(full_close());
    }
}

#[wasm_split(full)]
fn full_close() {
    super::close();
}

/// Either stage's `destroy`.
#[wasm_bindgen]
pub fn destroy() {
    let banner = BANNER.with(|b| b.borrow_mut().take());
    drop(banner);
    if FULL.get() {
        wasm_bindgen_futures::spawn_local(full_destroy());
    }
}

#[wasm_split(full)]
fn full_destroy() {
    super::destroy();
}

/// Either stage's `setLocale`: the banner widget is remounted here, as the banner stage does.
#[wasm_bindgen(js_name = setLocale)]
pub fn set_locale(tag: String) {
    if FULL.get() {
        wasm_bindgen_futures::spawn_local(full_set_locale(tag));
        return;
    }
    let tag = tag.trim().to_string();
    if !crate::base::text::is_language_tag(&tag) {
        super::dom::warn(&["setLocale(\"", &tag, "\"): not a language tag; language unchanged"].concat());
        return;
    }
    let config = BANNER.with(|b| b.borrow().as_ref().and_then(|w| w.config()));
    let Some(mut config) = config else { return };
    if config.locale == tag {
        return;
    }
    config.locale = tag;
    config.view_context = None;
    let old = BANNER.with(|b| b.borrow_mut().take());
    drop(old);
    match BannerWidget::mount(config, None) {
        Ok(widget) => BANNER.with(|b| *b.borrow_mut() = Some(widget)),
        Err(message) => super::dom::error(&["setLocale: could not remount: ", &message].concat()),
    }
}

#[wasm_split(full)]
fn full_set_locale(tag: String) {
    super::set_locale(tag);
}
