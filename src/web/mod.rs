//! The browser layer (wasm32 only): mounts the widget into the page and exposes it to JS.
//!
//! Everything that touches the DOM, storage, timers or the network is under this module;
//! the decisions it draws come from the pure core. No error or panic is let through to the
//! host page: failures are logged with the `[lms-support]` prefix and the widget degrades.

// The banner-only first stage leaves the panel's share of these helpers unused.
#![cfg_attr(not(feature = "panel"), allow(dead_code))]

// The parts: the banner on every page.
mod banner;

// The `panel` gate: the full stage is the help panel and tickets, composed with the banner by
// `full_stage` (which also holds the JS API that opens, fills and closes the panel); the
// banner-only first stage composes the banner with the launcher alone (`first_stage`). The
// widget mounts the `Parts` of whichever is built. Everything else here is in both stages.
#[cfg(not(feature = "panel"))]
mod first_stage;
#[cfg(feature = "panel")]
mod full_stage;
#[cfg(feature = "panel")]
pub use full_stage::{close, open, prefill};
#[cfg(feature = "panel")]
mod help;
#[cfg(feature = "panel")]
mod tickets;

// The shell: what every part shares.
mod base;
#[cfg(feature = "bench")]
pub mod bench;
#[cfg(feature = "panel")]
mod build;
mod config;
mod dom;
mod fetch;
mod intl;
mod launcher;
mod storage;
mod widget;

pub use config::{Config, Position};
pub use launcher::Launcher;

pub use intl::IntlZones;
pub use widget::Widget;

use std::cell::RefCell;
use wasm_bindgen::prelude::*;

thread_local! {
    static MOUNTED: RefCell<Option<Widget>> = const { RefCell::new(None) };
}

/// Mounts the widget with a configuration object (`{feed, locale, quiet, position, role,
/// course, …}`, as the loader reads them from `data-*` attributes). Mounting twice is a no-op.
///
/// The loader also passes functions: `emit(name, detail)` takes our events (it dispatches them
/// on `window` and to `LmsSupport.on` handlers; without it we dispatch on `window` ourselves),
/// and `requestPanel(part)` asks it to load the second stage (help panel and ticket form) when
/// the banner-only first stage is asked to open the panel.
///
/// Returns true when this call mounted it. Errors are logged, never thrown.
#[wasm_bindgen]
pub fn mount(config: JsValue) -> bool {
    install_panic_hook();
    if MOUNTED.with(|m| m.borrow().is_some()) {
        return false;
    }
    dom::set_hooks(&config);
    let sent = fetch::SentByLoader::from_config(&config);
    let widget = Config::from_js(&config).and_then(|c| Widget::mount(c, sent));
    match widget {
        Ok(widget) => {
            MOUNTED.with(|m| *m.borrow_mut() = Some(widget));
            true
        }
        Err(message) => {
            dom::error(&["not started: ", &message].concat());
            false
        }
    }
}

/// Keeps the strings of one language (`tag`: `"es"`), which the loader fetched beside the
/// module, joined by `crate::base::i18n::SEPARATOR`, for mounting in it; see
/// `crate::base::i18n::add_catalogue`. Returns false (and logs why) when the list is not this
/// build's.
#[cfg(feature = "fetched-catalogues")]
#[wasm_bindgen(js_name = addStrings)]
pub fn add_strings(tag: String, strings: String) -> bool {
    match crate::base::i18n::add_catalogue(&tag, strings) {
        Ok(()) => true,
        Err(message) => {
            dom::warn(&message);
            false
        }
    }
}

/// Removes the widget: its nodes, listeners and timers. Safe to call when not mounted.
#[wasm_bindgen]
pub fn destroy() {
    let widget = MOUNTED.with(|m| m.borrow_mut().take());
    drop(widget);
}

/// Switches the widget's language live (`LmsSupport.setLocale("es")`), without a page reload.
///
/// `tag` is a BCP 47 language tag; anything else is logged and changes nothing. When mounted,
/// the widget is rebuilt with the same configuration and the new locale: the old one is dropped
/// and a new one mounted. Dismissals and the ticket outbox are in localStorage, and the loader
/// holds the last good feed, so they carry over; an open help panel is reopened (the ticket form if it was showing, else
/// the help view). Unsent text typed into the open form is not kept. Not mounted: nothing to do.
#[wasm_bindgen(js_name = setLocale)]
pub fn set_locale(tag: String) {
    let tag = tag.trim().to_string();
    if !crate::base::text::is_language_tag(&tag) {
        dom::warn(
            &[
                "setLocale(\"",
                &tag,
                "\"): not a language tag such as \"es\" or \"pt-BR\"; language unchanged",
            ]
            .concat(),
        );
        return;
    }
    // Read what to carry over, then release MOUNTED before mounting again: mounting dispatches
    // events, and a host handler may call back into this API.
    let snapshot = MOUNTED.with(|m| {
        let m = m.borrow();
        let widget = m.as_ref()?;
        let open = widget.with_parts(|p| p.open_view()).flatten();
        Some((widget.config()?, open))
    });
    let Some((mut config, open)) = snapshot else {
        return;
    };
    if config.locale == tag {
        return;
    }
    config.locale = tag;
    // The page's data-* no longer say what the banner shows: no snapshot for the next load.
    config.view_context = None;
    let old = MOUNTED.with(|m| m.borrow_mut().take());
    drop(old);
    match Widget::mount(config, None) {
        Ok(widget) => {
            if let Some(view) = open {
                widget.with_parts(|p| p.reopen(view));
            }
            MOUNTED.with(|m| *m.borrow_mut() = Some(widget));
        }
        Err(message) => dom::error(&["setLocale: could not remount: ", &message].concat()),
    }
}

/// Logs a panic before it traps. The shipped stages are built with `-Cpanic=immediate-abort`
/// (Makefile `widget`), where a panic traps at once and no hook runs, so there it is left out
/// (with the formatting it pulls in); the loader reports the trap instead.
#[cfg(panic = "immediate-abort")]
fn install_panic_hook() {}

#[cfg(not(panic = "immediate-abort"))]
fn install_panic_hook() {
    use std::sync::Once;
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            dom::error(&format!("internal error, the widget stops here: {info}"));
        }));
    });
}
