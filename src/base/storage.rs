//! What the widget keeps in the browser between page loads, behind a small [`Storage`] trait.
//!
//! Every key and every stored shape is defined here, once: [`keys`] names them (the loader's
//! copy of the outbox key is filled in from [`keys::OUTBOX_PREFIX`] by `scripts/bundle.mjs`),
//! and the records below read and write them. The browser implements [`Storage`] over
//! `localStorage` (`web::storage`); [`MemoryStorage`] is the same contract in memory, so the
//! records and the outbox's sender ([`crate::ticket::sender`]) are tested natively.
//!
//! This module does not log: a write that fails returns a [`StorageError`], and the browser
//! layer reports it once, in one place.

use crate::base::json::Value;
use std::cell::RefCell;
use std::collections::BTreeMap;

/// Every `localStorage` key the widget uses. All start with `lms-support:`; those ending in
/// `:` are followed by the feed's absolute URL, so two widgets on one origin keep apart.
pub mod keys {
    /// The dismissed banner keys ([`super::Dismissals`]).
    pub const DISMISSED: &str = "lms-support:dismissed";
    /// The last good feed where the Cache API is missing, and where older widgets kept it: the
    /// record `<etag>\n<feed text>`, or before it `{"body": …, "etag": …}`. The loader reads,
    /// writes and migrates it (pkg-templates/loader.js, feedCopy; its copy of this key is
    /// filled in by `scripts/bundle.mjs`); the widget gets the copy from the loader.
    pub const FEED_PREFIX: &str = "lms-support:feed:";
    /// The ETag of the kept feed (above), written once the copy is kept: the loader's feed
    /// request at script start reads it rather than wait for the Cache API.
    pub const FEED_ETAG_PREFIX: &str = "lms-support:feed-etag:";
    /// The banner as the widget last drew it, for the loader to draw on the next page load
    /// before the Wasm is in (`web::banner::snapshot`; the loader's copy of this key is filled
    /// in by `scripts/bundle.mjs`). Present only while that drawing is still true.
    pub const BANNER_VIEW_PREFIX: &str = "lms-support:banner-view:";
    /// The last valid support block ([`super::last_good_support`]).
    pub const SUPPORT_PREFIX: &str = "lms-support:support:";
    /// The outbox ([`crate::ticket::outbox::Outbox::to_json`]). Present only while it holds
    /// tickets: the loader loads the full stage at once when it finds this key.
    pub const OUTBOX_PREFIX: &str = "lms-support:outbox:";
    /// The sending tab's lease ([`crate::ticket::outbox::Lease`]).
    pub const OUTBOX_LEASE_PREFIX: &str = "lms-support:outbox-lease:";
    /// The tickets this browser filed, for "My tickets" ([`crate::ticket::sender::SavedTicket`]).
    pub const TICKETS_PREFIX: &str = "lms-support:tickets:";
    /// The watched tickets' last known and last seen states, and when to check them next
    /// ([`crate::ticket::news::TicketNews`]). Present only while tickets are watched: the loader
    /// loads the full stage when a check is due or news waits.
    pub const TICKET_NEWS_PREFIX: &str = "lms-support:ticket-news:";
    /// The answers this browser voted on with "Did this help?" ([`super::Votes`]).
    pub const VOTES_PREFIX: &str = "lms-support:votes:";

    /// `prefix` followed by the feed's URL.
    pub fn for_feed(prefix: &str, feed_url: &str) -> String {
        [prefix, feed_url].concat()
    }
}

/// A string key-value store that outlives the page: `localStorage` in the browser.
///
/// Reads never fail (absent, unreadable and unavailable are all `None`); writes say when they
/// did not happen, so the caller can tell the learner's data lasts only for this page.
pub trait Storage {
    /// The value under `key`, if any.
    fn get(&self, key: &str) -> Option<String>;
    /// Stores `value` under `key`.
    ///
    /// # Errors
    /// When the value was not kept (quota exceeded, storage disabled).
    fn set(&self, key: &str, value: &str) -> Result<(), StorageError>;
    /// Deletes `key`; deleting an absent key is fine.
    ///
    /// # Errors
    /// When storage refused (the value then lapses by itself or is overwritten later).
    fn remove(&self, key: &str) -> Result<(), StorageError>;
}

/// A write to [`Storage`] that did not happen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StorageError {
    key: String,
}

impl StorageError {
    /// A failed write to `key`.
    pub fn new(key: &str) -> StorageError {
        StorageError {
            key: key.to_string(),
        }
    }
}

impl StorageError {
    /// What failed, as [`Display`](std::fmt::Display) writes it, built without `core::fmt`
    /// (which the banner stage does without).
    pub fn describe(&self) -> String {
        [
            "could not save ",
            &self.key,
            " to localStorage; it lasts until this page is closed",
        ]
        .concat()
    }
}

impl std::fmt::Display for StorageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

impl std::error::Error for StorageError {}

/// [`Storage`] in memory: for tests, and shared between "tabs" by reference to model two tabs
/// on one origin. [`MemoryStorage::refuse_writes`] models a full or disabled store.
#[derive(Debug, Default)]
pub struct MemoryStorage {
    items: RefCell<BTreeMap<String, String>>,
    refuse_writes: std::cell::Cell<bool>,
}

impl MemoryStorage {
    /// An empty store.
    pub fn new() -> MemoryStorage {
        MemoryStorage::default()
    }

    /// From now on, writes fail as `localStorage` does when full (reads still work).
    pub fn refuse_writes(&self, refuse: bool) {
        self.refuse_writes.set(refuse);
    }

    /// The keys present, sorted.
    pub fn keys(&self) -> Vec<String> {
        self.items.borrow().keys().cloned().collect()
    }
}

impl Storage for MemoryStorage {
    fn get(&self, key: &str) -> Option<String> {
        self.items.borrow().get(key).cloned()
    }

    fn set(&self, key: &str, value: &str) -> Result<(), StorageError> {
        if self.refuse_writes.get() {
            return Err(StorageError::new(key));
        }
        self.items
            .borrow_mut()
            .insert(key.to_string(), value.to_string());
        Ok(())
    }

    fn remove(&self, key: &str) -> Result<(), StorageError> {
        if self.refuse_writes.get() {
            return Err(StorageError::new(key));
        }
        self.items.borrow_mut().remove(key);
        Ok(())
    }
}

/// Dismissals kept; the oldest go first. Keys are short, so this stays a few kilobytes.
const MAX_DISMISSED: usize = 200;

/// The dismissed banner keys, persisted across page loads.
#[derive(Debug, Default)]
pub struct Dismissals {
    keys: Vec<String>,
}

impl Dismissals {
    /// Loads what earlier page loads dismissed.
    pub fn load(storage: &impl Storage) -> Dismissals {
        let keys = storage
            .get(keys::DISMISSED)
            .and_then(|text| crate::base::json::from_str(&text).ok())
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
    ///
    /// # Errors
    /// When it could not be saved; it is still remembered for this page.
    pub fn add(&mut self, storage: &impl Storage, key: &str) -> Result<(), StorageError> {
        let mut merged = Dismissals::load(storage).keys;
        for k in self.keys.drain(..) {
            if !merged.contains(&k) {
                merged.push(k);
            }
        }
        merged.retain(|k| k != key);
        merged.push(key.to_string());
        let excess = merged.len().saturating_sub(MAX_DISMISSED);
        merged.drain(..excess);
        let saved = storage.set(keys::DISMISSED, &Value::from(merged.clone()).to_json());
        self.keys = merged;
        saved
    }
}

/// Votes kept; the oldest go first (a learner who voted on 500 answers may vote again).
const MAX_VOTES: usize = 500;

/// The answers this browser already answered "Did this help?" for, by subject key
/// (`faq:reset-password`, `flow:upload`): each is asked once per browser.
#[derive(Debug, Default)]
pub struct Votes {
    subjects: Vec<String>,
}

impl Votes {
    /// Loads the votes cast from this browser for the feed at `feed_url`.
    pub fn load(storage: &impl Storage, feed_url: &str) -> Votes {
        let subjects = storage
            .get(&keys::for_feed(keys::VOTES_PREFIX, feed_url))
            .and_then(|text| crate::base::json::from_str(&text).ok())
            .and_then(|v| v.as_array().cloned())
            .map(|items| {
                items
                    .into_iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        Votes { subjects }
    }

    /// True when `subject` was voted on.
    pub fn contains(&self, subject: &str) -> bool {
        self.subjects.iter().any(|s| s == subject)
    }

    /// Remembers a vote on `subject`. False, and nothing changed, when it was voted on
    /// already (here or, re-read first, in another tab): the caller then sends no vote.
    ///
    /// # Errors
    /// When it could not be saved; it is still remembered for this page.
    pub fn add(
        &mut self,
        storage: &impl Storage,
        feed_url: &str,
        subject: &str,
    ) -> Result<bool, StorageError> {
        let mut merged = Votes::load(storage, feed_url).subjects;
        for s in self.subjects.drain(..) {
            if !merged.contains(&s) {
                merged.push(s);
            }
        }
        if merged.iter().any(|s| s == subject) {
            self.subjects = merged;
            return Ok(false);
        }
        merged.push(subject.to_string());
        let excess = merged.len().saturating_sub(MAX_VOTES);
        merged.drain(..excess);
        let key = keys::for_feed(keys::VOTES_PREFIX, feed_url);
        let saved = storage.set(&key, &Value::from(merged.clone()).to_json());
        self.subjects = merged;
        saved.map(|()| true)
    }
}

/// The last valid support block seen for `feed_url` (see `feed::Parsed::keep_last_good_support`).
pub fn last_good_support(
    storage: &impl Storage,
    feed_url: &str,
) -> Option<crate::base::feed::Support> {
    crate::base::feed::support_from_json(
        &storage.get(&keys::for_feed(keys::SUPPORT_PREFIX, feed_url))?,
    )
}

/// Keeps `support_json` (a valid support block) as the last good one for `feed_url`; writes
/// only when it changed.
///
/// # Errors
/// When it could not be saved.
pub fn save_last_good_support(
    storage: &impl Storage,
    feed_url: &str,
    support_json: &str,
) -> Result<(), StorageError> {
    let key = keys::for_feed(keys::SUPPORT_PREFIX, feed_url);
    if storage.get(&key).as_deref() == Some(support_json) {
        return Ok(());
    }
    storage.set(&key, support_json)
}

#[cfg(test)]
mod tests {
    // The same tests run on wasm32 (usize is 32 bits there) in the browser run.
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn a_vote_counts_once_per_browser_across_reloads_and_tabs() {
        let storage = MemoryStorage::new();
        let url = "https://support.example/v1/feed?client=acme";
        let mut tab_a = Votes::load(&storage, url);
        let mut tab_b = Votes::load(&storage, url);
        assert_eq!(tab_a.add(&storage, url, "faq:reset-password"), Ok(true));
        // The other tab, loaded before, still sees the vote and refuses a second.
        assert_eq!(tab_b.add(&storage, url, "faq:reset-password"), Ok(false));
        assert_eq!(tab_b.add(&storage, url, "flow:upload"), Ok(true));
        let reloaded = Votes::load(&storage, url);
        assert!(reloaded.contains("faq:reset-password"));
        assert!(reloaded.contains("flow:upload"));
        // Another feed (another client on this origin) keeps its own votes.
        assert!(!Votes::load(&storage, "https://other.example/feed").contains("flow:upload"));
        // Storage refusing writes: new vote still remembered for this page.
        storage.refuse_writes(true);
        assert!(tab_a.add(&storage, url, "faq:other").is_err());
        assert!(tab_a.contains("faq:other"));
    }

    #[test]
    fn dismissals_survive_a_reload_and_keep_another_tabs() {
        let storage = MemoryStorage::new();
        let mut tab_a = Dismissals::load(&storage);
        let mut tab_b = Dismissals::load(&storage);
        tab_a.add(&storage, "upgrade").expect("saved");
        tab_b.add(&storage, "outage").expect("saved");
        let reloaded = Dismissals::load(&storage);
        assert!(reloaded.contains("upgrade") && reloaded.contains("outage"));
    }

    #[test]
    fn a_full_store_keeps_a_dismissal_for_this_page_and_says_so() {
        let storage = MemoryStorage::new();
        storage.refuse_writes(true);
        let mut dismissals = Dismissals::load(&storage);
        let error = dismissals.add(&storage, "upgrade").unwrap_err();
        assert_eq!(
            error.to_string(),
            "could not save lms-support:dismissed to localStorage; it lasts until this page is closed"
        );
        assert!(dismissals.contains("upgrade"));
        assert!(!Dismissals::load(&storage).contains("upgrade"));
    }

    #[test]
    fn only_the_newest_dismissals_are_kept() {
        let storage = MemoryStorage::new();
        let mut dismissals = Dismissals::load(&storage);
        for i in 0..=MAX_DISMISSED {
            dismissals
                .add(&storage, &format!("item-{i}"))
                .expect("saved");
        }
        let reloaded = Dismissals::load(&storage);
        assert!(!reloaded.contains("item-0"));
        assert!(reloaded.contains(&format!("item-{MAX_DISMISSED}")));
    }
}
