//! The help launcher: the button that opens the help panel.
//!
//! Separate from the panel because the banner-only first stage draws it too: the panel's code
//! is loaded only when the learner (or the host's code) first opens it.

use crate::base::i18n::{message, Lang, Msg};
use crate::web::dom::action_button;
use wasm_bindgen::JsValue;
use web_sys::{Document, Element};

/// The launcher's class in the shadow root; the loader finds the launcher by it
/// (`scripts/bundle.mjs` copies it into `loader.js`).
pub const LAUNCHER_CLASS: &str = "lsw-launcher";

/// Where the launcher button sits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Launcher {
    /// Bottom right corner (default).
    BottomRight,
    /// Bottom left corner, for hosts whose own chat or controls sit bottom right.
    BottomLeft,
    /// No launcher: the host opens help with `LmsSupport.open("help")`.
    None,
}

impl Launcher {
    /// The attribute value.
    pub fn as_str(self) -> &'static str {
        match self {
            Launcher::BottomRight => "bottom-right",
            Launcher::BottomLeft => "bottom-left",
            Launcher::None => "none",
        }
    }
}

/// The launcher button (hidden for [`Launcher::None`]); its click carries `data-action="open-help"`.
pub fn button(
    doc: &Document,
    lang: Lang,
    launcher: Launcher,
    label: Option<&str>,
) -> Result<Element, JsValue> {
    let button = action_button(
        doc,
        LAUNCHER_CLASS,
        label.unwrap_or(message(lang, Msg::HelpLauncher)),
        "open-help",
    )?;
    button.set_attribute("aria-haspopup", "dialog")?;
    button.set_attribute("data-position", launcher.as_str())?;
    if launcher == Launcher::None {
        button.set_attribute("hidden", "")?;
    }
    Ok(button)
}

/// The badge's class inside the launcher.
#[cfg(feature = "panel")]
const BADGE_CLASS: &str = "lsw-badge";

/// Draws (or, with `None`, removes) the news badge inside `launcher`: a visible count hidden
/// from assistive technology, and the words ("1 new reply") in a visually hidden span, so the
/// launcher's accessible name becomes "Help 1 new reply" (the browser puts a space between the
/// two, as the hidden span is positioned). The launcher itself does not move.
#[cfg(feature = "panel")]
pub fn set_badge(
    doc: &Document,
    launcher: &Element,
    badge: Option<&crate::ticket::news::BadgeView>,
) -> Result<(), JsValue> {
    while let Some(old) = launcher.query_selector(&format!(".{BADGE_CLASS}"))? {
        old.remove();
    }
    let Some(badge) = badge else {
        return Ok(());
    };
    let holder = crate::web::dom::el(doc, "span", BADGE_CLASS)?;
    let count = crate::web::dom::text_el(doc, "span", "lsw-badge-count", &badge.count.to_string())?;
    count.set_attribute("aria-hidden", "true")?;
    let words = crate::web::dom::text_el(doc, "span", "lsw-visually-hidden", &badge.label)?;
    holder.append_child(&count)?;
    holder.append_child(&words)?;
    launcher.append_child(&holder)?;
    Ok(())
}
