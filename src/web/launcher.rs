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
