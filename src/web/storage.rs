//! `localStorage`, wrapped because it can be missing, full, or throw (private modes, sandboxed
//! iframes, storage disabled by policy). When it fails we keep going in memory for this page.

use super::dom::{warn, window};
use crate::json::Value;

const DISMISSED_KEY: &str = "lms-support:dismissed";
const FEED_KEY_PREFIX: &str = "lms-support:feed:";
#[cfg(feature = "panel")]
const SUPPORT_KEY_PREFIX: &str = "lms-support:support:";
/// Dismissals kept; the oldest go first. Keys are short, so this stays a few kilobytes.
const MAX_DISMISSED: usize = 200;

fn local_storage() -> Option<web_sys::Storage> {
    window()?.local_storage().ok().flatten()
}

/// Reads a key; `None` when absent or storage is unavailable.
pub fn get(key: &str) -> Option<String> {
    local_storage()?.get_item(key).ok().flatten()
}

/// Writes a key; a failure (quota, disabled storage) is logged once per call and ignored.
pub fn set(key: &str, value: &str) {
    let stored = local_storage().map(|s| s.set_item(key, value));
    if !matches!(stored, Some(Ok(()))) {
        warn(&format!(
            "could not save {key} to localStorage; it lasts until this page is closed"
        ));
    }
}

/// Removes a key; failures are ignored (the value then lapses by itself).
pub fn remove(key: &str) {
    if let Some(storage) = local_storage() {
        let _ = storage.remove_item(key);
    }
}

/// The dismissed banner keys, persisted across page loads.
#[derive(Debug, Default)]
pub struct Dismissals {
    keys: Vec<String>,
}

impl Dismissals {
    /// Loads what earlier page loads dismissed.
    pub fn load() -> Dismissals {
        let keys = get(DISMISSED_KEY)
            .and_then(|text| crate::json::from_str(&text).ok())
            .and_then(|v| v.as_array().cloned())
            .map(|items| {
                items
                    .into_iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        Dismissals { keys }
    }

    /// True when `key` was dismissed.
    pub fn contains(&self, key: &str) -> bool {
        self.keys.iter().any(|k| k == key)
    }

    /// Remembers `key`, here and for later page loads (re-read first, so another tab's
    /// dismissals are kept).
    pub fn add(&mut self, key: &str) {
        let mut merged = Dismissals::load().keys;
        for k in self.keys.drain(..) {
            if !merged.contains(&k) {
                merged.push(k);
            }
        }
        merged.retain(|k| k != key);
        merged.push(key.to_string());
        let excess = merged.len().saturating_sub(MAX_DISMISSED);
        merged.drain(..excess);
        set(DISMISSED_KEY, &Value::from(merged.clone()).to_string());
        self.keys = merged;
    }
}

/// The last good copy of a feed, with its ETag.
#[derive(Debug, Clone, PartialEq)]
pub struct CachedFeed {
    /// The feed's JSON text.
    pub body: String,
    /// The server's ETag for it, for `If-None-Match`.
    pub etag: Option<String>,
}

impl CachedFeed {
    /// The copy cached for `feed_url`, if any.
    pub fn load(feed_url: &str) -> Option<CachedFeed> {
        let text = get(&format!("{FEED_KEY_PREFIX}{feed_url}"))?;
        let value: Value = crate::json::from_str(&text).ok()?;
        Some(CachedFeed {
            body: value.get("body")?.as_str()?.to_string(),
            etag: value.get("etag").and_then(Value::as_str).map(String::from),
        })
    }

    /// Saves this copy as the last good one for `feed_url`.
    pub fn save(&self, feed_url: &str) {
        let mut record = crate::json::Map::new();
        record.insert("body".into(), Value::from(self.body.as_str()));
        if let Some(etag) = &self.etag {
            record.insert("etag".into(), Value::from(etag.as_str()));
        }
        set(
            &format!("{FEED_KEY_PREFIX}{feed_url}"),
            &Value::Object(record).to_string(),
        );
    }
}

/// The last valid support block seen for `feed_url` (see `feed::Parsed::keep_last_good_support`).
#[cfg(feature = "panel")]
pub fn last_good_support(feed_url: &str) -> Option<crate::feed::Support> {
    crate::feed::support_from_json(&get(&format!("{SUPPORT_KEY_PREFIX}{feed_url}"))?)
}

/// Keeps `support_json` (a valid support block) as the last good one for `feed_url`.
#[cfg(feature = "panel")]
pub fn save_last_good_support(feed_url: &str, support_json: &str) {
    let key = format!("{SUPPORT_KEY_PREFIX}{feed_url}");
    if get(&key).as_deref() != Some(support_json) {
        set(&key, support_json);
    }
}
