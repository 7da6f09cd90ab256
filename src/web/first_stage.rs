//! The first stage's parts beside the banner: only the launcher. The help panel's code is not
//! in this build; a click on the launcher asks the loader for the full stage
//! (`pkg-templates/loader.js`), which replaces this widget and opens the panel.

use crate::base::feed::{Feed, Parsed};
use crate::web::base::Base;
use crate::web::dom::{self, describe, report, Listener};
use std::rc::Rc;
use wasm_bindgen::JsValue;

/// The launcher and its click listener.
pub struct Parts {
    _click: Listener,
}

impl std::fmt::Debug for Parts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Parts")
    }
}

impl Parts {
    /// The banner's styles (minified by build.rs from src/web/style.css).
    pub const STYLE: &'static str = include_str!(concat!(env!("OUT_DIR"), "/style.css"));

    /// Draws the launcher.
    pub fn mount(base: Rc<Base>) -> Result<Parts, JsValue> {
        let config = base.config();
        let launcher = crate::web::launcher::button(
            base.doc(),
            base.lang(),
            config.launcher,
            config.launcher_label.as_deref(),
        )?;
        base.shadow().append_child(&launcher)?;
        let button = launcher.clone();
        let request_panel = config.function("requestPanel");
        let click = Listener::new(launcher.as_ref(), "click", move |_| {
            // The panel's code is on its way: show it (the full stage replaces this button).
            report(button.set_attribute("aria-busy", "true"), "widget");
            request(request_panel.as_ref(), "help");
        })?;
        Ok(Parts { _click: click })
    }

    /// Nothing to check: the support block is the full stage's.
    pub fn check_feed(&self, _: &mut Parsed, _: &str) {}

    /// Nothing here uses the feed.
    pub fn set_feed(&self, _: Rc<Feed>) {}

    /// Nothing waits for the first fetch.
    pub fn fetched(&self) {}

    /// No panel in this stage, so none open to carry over a remount.
    pub fn open_view(&self) -> Option<std::convert::Infallible> {
        None
    }

    /// Nothing to reopen (see [`Parts::open_view`]).
    pub fn reopen(&self, view: std::convert::Infallible) {
        match view {}
    }
}

/// Asks the loader (its `requestPanel`) for the full stage and to open `part`.
fn request(request_panel: Option<&js_sys::Function>, part: &str) {
    match request_panel {
        Some(f) => {
            if let Err(e) = f.call1(&JsValue::NULL, &JsValue::from_str(part)) {
                dom::warn(&["could not load the help panel: ", &describe(&e)].concat());
            }
        }
        None => dom::warn("this build has no help panel and no loader to fetch it"),
    }
}
