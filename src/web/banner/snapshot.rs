//! The banner as drawn, saved for the loader: on the next page load it draws this copy at
//! once, before the Wasm is fetched and instantiated, and the widget takes over from it in one
//! task (`drawSnapshot` in `pkg-templates/loader.js`). The banner then shows in the first
//! frames, and in push mode before the host's first paint, so it shifts nothing (CLS).
//!
//! A snapshot is the region's nodes as data (tag, attributes, text; never HTML), the host
//! element's attributes, the stylesheet, and when it stops being true: the next phase change or
//! the next change of its words ([`crate::banner::text_stable_until`]). It is saved only for
//! the page context the loader named (`viewContext`: its `data-*` attributes and the page's
//! language), and removed when the banner shows nothing, a countdown, or is expanded. This
//! module does not decide what the banner shows.

use crate::base::json::{Map, Value};
use crate::base::storage::{keys, Storage};
use crate::base::time::Timestamp;
use crate::web::storage::BrowserStorage;
use wasm_bindgen::JsCast;
use web_sys::{Element, Node};

/// Saves the drawing of `region` for `context`, true until `until` (exclusive); with `until`
/// `None`, removes the saved one. Writes only when it changed (most page loads draw the same).
pub fn save(
    feed_url: &str,
    context: &str,
    region: &Element,
    style: &str,
    quiet_pages: &[String],
    until: Option<Timestamp>,
) {
    let key = keys::for_feed(keys::BANNER_VIEW_PREFIX, feed_url);
    let (Some(until), Some(host)) = (until, host_of(region)) else {
        let _reported_by_storage = BrowserStorage.remove(&key);
        return;
    };
    let mut record = Map::new();
    record.insert("context".into(), Value::from(context));
    record.insert("until".into(), Value::from(until.seconds()));
    record.insert(
        "quiet_pages".into(),
        Value::Array(quiet_pages.iter().map(Value::from).collect()),
    );
    record.insert("host".into(), attributes(&host));
    record.insert("style".into(), Value::from(style));
    record.insert("tree".into(), tree(region).unwrap_or_default());
    let text = Value::Object(record).to_string();
    if BrowserStorage.get(&key).as_deref() != Some(text.as_str()) {
        let _reported_by_storage = BrowserStorage.set(&key, &text);
    }
}

fn host_of(region: &Element) -> Option<Element> {
    region
        .get_root_node()
        .dyn_into::<web_sys::ShadowRoot>()
        .ok()
        .map(|shadow| shadow.host())
}

/// `[name, value, name, value, …]`.
fn attributes(element: &Element) -> Value {
    let mut flat = Vec::new();
    for name in element.get_attribute_names().iter() {
        if let Some(name) = name.as_string() {
            let value = element.get_attribute(&name).unwrap_or_default();
            flat.push(Value::from(name));
            flat.push(Value::from(value));
        }
    }
    Value::Array(flat)
}

/// A text node as its text; an element as `[tag, attributes, …children]`.
fn tree(node: &Node) -> Option<Value> {
    if let Some(element) = node.dyn_ref::<Element>() {
        let mut out = vec![Value::from(element.local_name()), attributes(element)];
        let children = node.child_nodes();
        for i in 0..children.length() {
            if let Some(child) = children.item(i).and_then(|c| tree(&c)) {
                out.push(child);
            }
        }
        Some(Value::Array(out))
    } else if node.node_type() == Node::TEXT_NODE {
        node.text_content().map(Value::from)
    } else {
        None
    }
}
