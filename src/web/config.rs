//! The widget's configuration, read from the object the loader builds from `data-*` attributes.

use crate::web::dom;
use js_sys::Reflect;
use wasm_bindgen::{JsCast, JsValue};

/// Where the banner goes relative to the host page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Position {
    /// In the page flow at the top of `<body>`, pushing the page down (nothing is covered).
    Push,
    /// Fixed over the top of the page (the host layout does not move).
    Overlay,
}

impl Position {
    /// The attribute value.
    pub fn as_str(self) -> &'static str {
        match self {
            Position::Push => "push",
            Position::Overlay => "overlay",
        }
    }
}

/// Validated configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// Absolute feed URL.
    pub feed_url: String,
    /// The learner's locale as a BCP 47 tag, resolved from `auto`.
    pub locale: String,
    /// The host marked this page quiet (`data-quiet="true"`).
    pub quiet: bool,
    /// Push or overlay.
    pub position: Position,
    /// The learner's role when the page passes it (`data-role`).
    pub role: Option<String>,
    /// The course id when the page passes it (`data-course`).
    pub course: Option<String>,
    /// Where the help launcher sits (`data-launcher`).
    pub launcher: crate::web::launcher::Launcher,
    /// The launcher's text instead of "Help" (`data-launcher-label`).
    pub launcher_label: Option<String>,
    /// `data-lms`: `auto` (detect) or the LMS the template was made for.
    pub lms: Option<String>,
    /// Course and user facts an LMS template passes as `data-course-name`, `data-user-name`,
    /// `data-user-email` (and `data-course` / `data-role` above).
    pub context: Vec<(String, String)>,
    /// The learner's IANA zone when the page knows it (`data-time-zone`, say from the LMS
    /// profile); `None`: the browser's.
    pub time_zone: Option<String>,
    /// The object the loader mounted with, for the settings one stage's part reads itself
    /// ([`Config::setting`], [`Config::function`]): the other stage has no code for them.
    pub given: JsValue,
    /// The loader's name for this page's context (its `data-*` attributes and the page's
    /// language): the banner's snapshot is saved for it (`web::banner::snapshot`); `None`
    /// saves none.
    pub view_context: Option<String>,
}

thread_local! {
    /// Milliseconds added to the browser's clock. Zero except under `data-now`, which the
    /// admin console's preview sets to show the banner at a chosen instant; the clock then runs
    /// on from there, so countdowns and phase changes behave as they will on the day.
    static CLOCK_OFFSET_MS: std::cell::Cell<f64> = const { std::cell::Cell::new(0.0) };
}

/// The offset `data-now` set, in milliseconds (see [`CLOCK_OFFSET_MS`]).
pub fn clock_offset_ms() -> f64 {
    CLOCK_OFFSET_MS.with(std::cell::Cell::get)
}

fn prop(value: &JsValue, key: &str) -> Option<String> {
    Reflect::get(value, &JsValue::from_str(key))
        .ok()
        .and_then(|v| {
            v.as_string().or_else(|| {
                v.as_bool()
                    .map(|b| String::from(if b { "true" } else { "false" }))
            })
        })
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

impl Config {
    /// A setting given as text (`"ticketCheckSeconds"`), trimmed; `None` when absent or empty.
    pub fn setting(&self, key: &str) -> Option<String> {
        prop(&self.given, key)
    }

    /// One of the loader's functions (`"requestPanel"`).
    pub fn function(&self, key: &str) -> Option<js_sys::Function> {
        Reflect::get(&self.given, &JsValue::from_str(key))
            .ok()
            .and_then(|f| f.dyn_into().ok())
    }

    /// Reads `{feed, locale, quiet, position, role, course, timeZone, now, …}`.
    ///
    /// # Errors
    /// A message saying which setting is wrong and how to fix it.
    pub fn from_js(value: &JsValue) -> Result<Config, String> {
        let feed = prop(value, "feed").ok_or(
            "data-feed is missing: add data-feed=\"https://support.example/v1/feed?client=…\" to the script tag",
        )?;
        let base = dom::document()
            .and_then(|d| d.base_uri().ok().flatten())
            .unwrap_or_default();
        let feed_url = web_sys::Url::new_with_base(&feed, &base)
            .map_err(|_| ["data-feed \"", &feed, "\" is not a URL"].concat())?
            .href();
        let position = match prop(value, "position").as_deref() {
            None | Some("push") => Position::Push,
            Some("overlay") => Position::Overlay,
            Some(other) => {
                return Err([
                    "data-position must be \"push\" or \"overlay\", not \"",
                    other,
                    "\"",
                ]
                .concat())
            }
        };
        let quiet = match prop(value, "quiet").as_deref() {
            None | Some("false") => false,
            Some("true") => true,
            Some(other) => {
                return Err([
                    "data-quiet must be \"true\" or \"false\", not \"",
                    other,
                    "\"",
                ]
                .concat())
            }
        };
        let locale = match prop(value, "locale") {
            Some(tag) if tag != "auto" && crate::base::text::is_language_tag(&tag) => tag,
            Some(tag) if tag != "auto" => {
                dom::warn(
                    &[
                        "data-locale \"",
                        &tag,
                        "\" is not a language tag; using the page's language",
                    ]
                    .concat(),
                );
                page_locale()
            }
            _ => page_locale(),
        };
        use crate::web::launcher::Launcher;
        let launcher =
            match prop(value, "launcher").as_deref() {
                None | Some("bottom-right") => Launcher::BottomRight,
                Some("bottom-left") => Launcher::BottomLeft,
                Some("none") => Launcher::None,
                Some(other) => return Err([
                    "data-launcher must be \"bottom-right\", \"bottom-left\" or \"none\", not \"",
                    other,
                    "\"",
                ]
                .concat()),
            };
        // Each mount sets the clock: a widget mounted again without data-now runs on real time.
        let offset = match prop(value, "now") {
            None => 0.0,
            Some(at) => {
                let at = crate::time::Timestamp::parse_rfc3339(&at).map_err(|_| {
                    [
                        "data-now must be an instant such as 2026-12-13T05:30:00Z, not \"",
                        &at,
                        "\"",
                    ]
                    .concat()
                })?;
                at.seconds() as f64 * 1000.0 - dom::now_ms()
            }
        };
        CLOCK_OFFSET_MS.with(|c| c.set(offset));
        // An unknown zone makes Intl throw; the browser's zone is then the honest fallback.
        let time_zone = prop(value, "timeZone").filter(|zone| {
            let known = crate::zone::TimeZones::offset_at(
                &super::intl::IntlZones::default(),
                zone,
                crate::time::Timestamp(0),
            )
            .is_ok();
            if !known {
                dom::warn(
                    &[
                        "data-time-zone \"",
                        zone,
                        "\" is not an IANA time zone; using the browser's",
                    ]
                    .concat(),
                );
            }
            known
        });
        Ok(Config {
            time_zone,
            feed_url,
            locale,
            quiet,
            position,
            role: prop(value, "role"),
            course: prop(value, "course"),
            launcher,
            launcher_label: prop(value, "launcherLabel"),
            lms: prop(value, "lms").filter(|l| l != "auto"),
            context: [
                ("courseName", "course-name"),
                ("userName", "user-name"),
                ("userEmail", "user-email"),
            ]
            .iter()
            .filter_map(|(js, key)| prop(value, js).map(|v| (key.to_string(), v)))
            .collect(),
            given: value.clone(),
            view_context: prop(value, "viewContext"),
        })
    }
}

/// `<html lang>`, then the browser's preferred languages, then English.
fn page_locale() -> String {
    let from_html = dom::document()
        .and_then(|d| d.document_element())
        .and_then(|e| e.get_attribute("lang"))
        .filter(|tag| crate::base::text::is_language_tag(tag));
    let from_browser = || {
        dom::window()
            .map(|w| w.navigator().languages())
            .and_then(|list| {
                list.iter()
                    .filter_map(|v| v.as_string())
                    .find(|t| crate::base::text::is_language_tag(t))
            })
    };
    from_html
        .or_else(from_browser)
        .unwrap_or_else(|| "en".to_string())
}
