//! The browser layer (wasm32 only): mounts the widget into the page and exposes it to JS.
//!
//! Everything that touches the DOM, storage, timers or the network is under this module;
//! the decisions it draws come from the pure core. No error or panic is let through to the
//! host page: failures are logged with the `[lms-support]` prefix and the widget degrades.

mod banner_dom;
#[cfg(feature = "bench")]
pub mod bench;
mod config;
mod dom;
mod fetch;
mod intl;
mod markdown_dom;
mod page_context;
mod panel;
mod storage;
mod ticket_form;
mod tickets;
mod widget;

pub use config::{Config, Position};
pub use panel::Launcher;

pub use intl::IntlZones;
pub use widget::Widget;

use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

thread_local! {
    static MOUNTED: RefCell<Option<Widget>> = const { RefCell::new(None) };
}

/// Mounts the widget with a configuration object (`{feed, locale, quiet, position, role,
/// course}`, as the loader reads them from `data-*` attributes). Mounting twice is a no-op.
///
/// Returns true when this call mounted it. Errors are logged, never thrown.
#[wasm_bindgen]
pub fn mount(config: JsValue) -> bool {
    install_panic_hook();
    if MOUNTED.with(|m| m.borrow().is_some()) {
        return false;
    }
    let widget = Config::from_js(&config).and_then(Widget::mount);
    match widget {
        Ok(widget) => {
            MOUNTED.with(|m| *m.borrow_mut() = Some(widget));
            true
        }
        Err(message) => {
            dom::error(&format!("not started: {message}"));
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

/// Opens a part of the widget: `"help"` (the default) or `"ticket"` (the ticket form).
#[wasm_bindgen]
pub fn open(part: Option<String>) {
    let ticket = match part.as_deref() {
        None | Some("help") => false,
        Some("ticket") => true,
        Some(other) => {
            dom::warn(&format!(
                "open({other:?}): unknown part; use \"help\" or \"ticket\""
            ));
            return;
        }
    };
    MOUNTED.with(|m| {
        if let Some(widget) = m.borrow().as_ref() {
            let opener = dom::document()
                .and_then(|d| d.active_element())
                .and_then(|e| e.dyn_into().ok());
            widget::with_widget(widget, |s| {
                if ticket {
                    s.open_ticket(opener)
                } else {
                    s.open_help(opener)
                }
            });
        }
    });
}

/// Closes the help panel if it is open.
#[wasm_bindgen]
pub fn close() {
    MOUNTED.with(|m| {
        if let Some(widget) = m.borrow().as_ref() {
            widget::with_widget(widget, |s| s.close_help());
        }
    });
}

fn install_panic_hook() {
    use std::sync::Once;
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            dom::error(&format!("internal error, the widget stops here: {info}"));
        }));
    });
}
