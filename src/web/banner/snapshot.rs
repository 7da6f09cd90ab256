//! The banner as drawn, saved for the loader: on the next page load it draws this copy at
//! once, before the Wasm is fetched and instantiated, and the widget takes over from it in one
//! task (`drawSnapshot` in `pkg-templates/loader.js`; its `saveView` writes it). The banner
//! then shows in the first frames, and in push mode before the host's first paint, so it
//! shifts nothing (CLS).
//!
//! A snapshot is the region's nodes as data (tag, attributes, text; never HTML), the host
//! element's attributes, the stylesheet, and when it stops being true: the next phase change or
//! the next change of its words ([`crate::banner::text_stable_until`]). It is saved only for
//! the page context the loader named (`viewContext`: its `data-*` attributes and the page's
//! language), and removed when the banner shows nothing or is expanded. A countdown's copy is
//! drawn hidden: it only reserves the banner's space. This module does not decide what the
//! banner shows.

use crate::base::json::Value;
use crate::base::time::Timestamp;
use web_sys::Element;

/// Saves the drawing of `region` for `context`, true until `until` (exclusive); with `until`
/// `None`, removes the saved one. The loader walks the nodes (in JS: smaller than the bindings
/// here) and writes the record, only when it changed (most page loads draw the same). The
/// record is `[context, until, quiet pages, stylesheet, reserve]`; `reserve`: drawn hidden.
pub fn save(
    context: &str,
    region: &Element,
    style: &str,
    quiet_pages: &[String],
    until: Option<Timestamp>,
    reserve: bool,
) {
    let record = until.map(|until| {
        Value::Array(vec![
            Value::from(context),
            Value::from(until.seconds()),
            Value::Array(quiet_pages.iter().map(Value::from).collect()),
            Value::from(style),
            Value::Bool(reserve),
        ])
        .to_json()
    });
    crate::web::dom::save_view(region, record.as_deref());
}
