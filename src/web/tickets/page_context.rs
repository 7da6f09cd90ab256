//! Reads what the host page exposes about the learner and the course into plain
//! [`PageFacts`]. Which facts become ticket context (and which are secrets never sent, such as
//! Moodle's `sesskey`) is decided by the pure [`crate::ticket::context`]; this module only
//! reads the page, and reads nothing it is not asked for.

use crate::ticket::context::PageFacts;
use crate::web::config::Config;
use crate::web::dom;
use js_sys::{Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

fn get(value: &JsValue, key: &str) -> Option<JsValue> {
    Reflect::get(value, &JsValue::from_str(key))
        .ok()
        .filter(|v| !v.is_undefined() && !v.is_null())
}

fn scalar(value: &JsValue) -> Option<String> {
    value
        .as_string()
        // Ids are integers; printing them as such keeps float formatting out of the Wasm.
        .or_else(|| {
            value
                .as_f64()
                .filter(|n| n.fract() == 0.0 && n.abs() < 9.0e15)
                .map(|n| (n as i64).to_string())
        })
        .or_else(|| value.as_bool().map(|b| b.to_string()))
}

/// Flattens the scalar properties of `object` into `prefix.key = value`, one level deep into
/// nested objects, arrays as comma-separated scalars.
fn flatten(object: &JsValue, prefix: &str, out: &mut Vec<(String, String)>, depth: u8) {
    let Some(obj) = object.dyn_ref::<Object>() else {
        return;
    };
    for key in Object::keys(obj)
        .iter()
        .filter_map(|k| k.as_string())
        .take(200)
    {
        let Some(value) = get(object, &key) else {
            continue;
        };
        let name = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        if let Some(text) = scalar(&value) {
            out.push((name, text));
        } else if let Some(array) = value.dyn_ref::<js_sys::Array>() {
            let items: Vec<String> = array.iter().filter_map(|v| scalar(&v)).take(20).collect();
            out.push((name, crate::base::text::join(&items, ",")));
        } else if depth > 0 && value.is_object() && !value.is_function() {
            flatten(&value, &name, out, depth - 1);
        }
    }
}

/// Reads the facts for ticket context from the page, the widget's config and the active items.
pub fn read(config: &Config, active_ids: Vec<String>) -> PageFacts {
    let window = dom::window();
    let doc = dom::document();
    let url = window
        .as_ref()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    let body_classes = doc
        .as_ref()
        .and_then(|d| d.body())
        .map(|b| {
            b.class_name()
                .split_whitespace()
                .map(String::from)
                .collect()
        })
        .unwrap_or_default();
    let global: JsValue = js_sys::global().into();
    let mut moodle_cfg = Vec::new();
    if let Some(cfg) = get(&global, "M").and_then(|m| get(&m, "cfg")) {
        flatten(&cfg, "", &mut moodle_cfg, 0);
    }
    let mut canvas_env = Vec::new();
    if let Some(env) = get(&global, "ENV") {
        flatten(&env, "", &mut canvas_env, 1);
    }
    let mut sakai_portal = Vec::new();
    if let Some(portal) = get(&global, "portal") {
        flatten(&portal, "", &mut sakai_portal, 1);
    }
    let mut data_attributes = Vec::new();
    for (key, value) in [("role", &config.role), ("course-id", &config.course)] {
        if let Some(value) = value {
            data_attributes.push((key.to_string(), value.clone()));
        }
    }
    data_attributes.extend(config.context.iter().cloned());
    let (user_agent, viewport) = match &window {
        Some(w) => (
            w.navigator().user_agent().unwrap_or_default(),
            (
                w.inner_width()
                    .ok()
                    .and_then(|v| v.as_f64())
                    .unwrap_or_default() as u32,
                w.inner_height()
                    .ok()
                    .and_then(|v| v.as_f64())
                    .unwrap_or_default() as u32,
            ),
        ),
        None => (String::new(), (0, 0)),
    };
    let time_zone = config
        .time_zone
        .clone()
        .unwrap_or_else(crate::web::intl::learner_time_zone);
    PageFacts {
        url,
        lms: config.lms.clone(),
        moodle_body_classes: body_classes,
        moodle_cfg,
        canvas_env,
        sakai_portal,
        data_attributes,
        user_agent,
        viewport,
        time_zone,
        active_ids,
    }
}
