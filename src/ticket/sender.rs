//! The outbox's driver: which tab sends, what it sends now, and what it remembers afterwards.
//!
//! [`Sender`] is one tab's side of design §7 over a [`Storage`]: it puts a ticket in the
//! outbox ([`Sender::enqueue`]), takes one [`step`](Sender::step) at a time (take or renew the
//! lease, resume what a closed tab cut off, claim up to [`MAX_IN_FLIGHT`] due tickets, say when
//! to look again), and [`finish`](Sender::finish)es each send with what the API answered,
//! keeping the receipt for "My tickets". Each call loads the outbox from storage once and saves
//! it once. The browser layer (`web::tickets`) only runs the requests, the timer and the drawing;
//! with [`crate::base::storage::MemoryStorage`] the whole loop, two tabs included, runs in `cargo test`.
//!
//! This module does not read the clock or draw random numbers: `now` and the draw are
//! arguments. Nor does it log: a write that fails is reported by the [`Storage`] that
//! failed (the browser's logs it once), and the sender goes on with what it has in memory.

use super::outbox::{Entry, EntryState, Finished, Lease, Outbox, MAX_IN_FLIGHT};
use super::request::SendOutcome;
use crate::base::json::{Map, Value};
use crate::base::storage::{keys, Storage, StorageError};
use crate::base::time::Timestamp;

/// How long a sender may hold the outbox before another tab may take over (a crashed tab).
pub const LEASE_SECONDS: i64 = 30;

/// How often a tab with sends in flight renews its lease and theirs: a request may take
/// longer than the lease (a slow upload, a timeout), and another tab must not take it for dead.
pub const RENEW_SECONDS: i64 = LEASE_SECONDS / 3;

/// One tab's sender. See the module docs.
#[derive(Debug)]
pub struct Sender {
    outbox_key: String,
    lease_key: String,
    tickets_key: String,
    tab_id: String,
    /// Idempotency keys this tab is sending (at most [`MAX_IN_FLIGHT`]).
    sending: Vec<String>,
}

/// What one [`Sender::step`] decided.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Step {
    /// Send these now, each with its own key and body exactly as stored.
    pub claimed: Vec<Entry>,
    /// Tickets wait but the API is not known yet (no feed): show them as queued.
    pub waiting_for_api: bool,
    /// Take the next step then (a retry falls due, another tab's claim lapses, or this tab's
    /// claims need renewing), if nothing else wakes the sender first. Never sooner than a
    /// second after `now`, so a due entry that cannot be sent yet does not spin.
    pub wake_at: Option<Timestamp>,
}

/// A ticket this browser filed, as remembered for "My tickets".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SavedTicket {
    /// Human number, e.g. ACME-000123.
    pub number: String,
    /// Bearer token for status and feedback.
    pub token: String,
    /// Subject as sent.
    pub subject: String,
    /// When the first answer is due.
    pub response_due_at: Timestamp,
    /// A rating was sent.
    pub rated: bool,
}

impl Sender {
    /// The sender of tab `tab_id` (random per page) for the outbox of `feed_url`.
    ///
    /// The outbox is kept under the feed's URL, known at mount, not under the API base, which
    /// comes from the feed: a ticket sent before the feed has arrived is saved at once and goes
    /// out when it does.
    pub fn new(feed_url: &str, tab_id: String) -> Sender {
        Sender {
            outbox_key: keys::for_feed(keys::OUTBOX_PREFIX, feed_url),
            lease_key: keys::for_feed(keys::OUTBOX_LEASE_PREFIX, feed_url),
            tickets_key: keys::for_feed(keys::TICKETS_PREFIX, feed_url),
            tab_id,
            sending: Vec::new(),
        }
    }

    /// The keys this tab is sending.
    pub fn sending(&self) -> &[String] {
        &self.sending
    }

    /// The outbox as stored.
    pub fn load(&self, storage: &impl Storage) -> Outbox {
        Outbox::from_json(&storage.get(&self.outbox_key).unwrap_or_default())
    }

    /// Saves the outbox; an empty one is removed, so the key's presence alone tells the loader
    /// that tickets wait.
    fn save(&self, storage: &impl Storage, outbox: &Outbox) -> Result<(), StorageError> {
        if outbox.is_empty() {
            storage.remove(&self.outbox_key)
        } else {
            storage.set(&self.outbox_key, &outbox.to_json())
        }
    }

    /// Puts a ticket in the outbox, due at once. Call it before any network call.
    ///
    /// # Errors
    /// When storage refused: the ticket is then not queued at all, and nothing will send it.
    pub fn enqueue(
        &self,
        storage: &impl Storage,
        key: String,
        body_json: String,
        subject: String,
        now: Timestamp,
    ) -> Result<(), StorageError> {
        let mut outbox = self.load(storage);
        outbox.enqueue(key, body_json, subject, now);
        self.save(storage, &outbox)
    }

    /// One step of the sender: takes (or renews) the lease and claims what is due while fewer
    /// than [`MAX_IN_FLIGHT`] sends are out, saving the outbox before any request.
    /// `api_known` is false while the feed (and so the API base) has not arrived.
    pub fn step(&mut self, storage: &impl Storage, api_known: bool, now: Timestamp) -> Step {
        let mut outbox = self.load(storage);
        let mut step = Step::default();
        let mut other_tab_until = None;
        if !api_known {
            // No feed yet: the ticket waits; the feed's arrival resumes the outbox.
            step.waiting_for_api = !outbox.is_empty();
        } else if self.sending.is_empty() && !outbox.wants_sender(now) {
            self.release(storage);
        } else {
            let stored = storage.get(&self.lease_key);
            let renewing = Lease::holds(stored.as_deref(), &self.tab_id, now);
            let acquired = Lease::try_acquire(stored.as_deref(), &self.tab_id, now, LEASE_SECONDS)
                .map(|lease| {
                    // A lease that cannot be stored is still ours on this page.
                    storage.set(&self.lease_key, &lease).is_err()
                        // Storage has no compare-and-swap: if another tab wrote after us, it
                        // sends. (Were both to send, the shared key still makes it one ticket.)
                        || Lease::holds(
                            storage.get(&self.lease_key).as_deref(),
                            &self.tab_id,
                            now,
                        )
                });
            if acquired == Some(true) {
                if !renewing {
                    // Whoever held the lease before is gone (a closed tab): its sends were cut off.
                    outbox.requeue_interrupted(now, &self.sending);
                }
                outbox.renew(&self.sending, now, LEASE_SECONDS);
                let room = MAX_IN_FLIGHT.saturating_sub(self.sending.len());
                step.claimed = outbox.begin_due(now, LEASE_SECONDS, room);
                // Sent without a saved claim, a ticket would still go out once (its key is
                // fixed); the failure is the caller's to report.
                let _reported_by_storage = self.save(storage, &outbox);
                self.sending
                    .extend(step.claimed.iter().map(|e| e.key.clone()));
            } else {
                // Another tab is sending; look again when its claim lapses.
                other_tab_until = storage
                    .get(&self.lease_key)
                    .as_deref()
                    .and_then(Lease::parse)
                    .map(|l| l.until);
            }
        }
        let own = outbox.next_wake(now);
        // While sends are out, renew the claims well before they lapse.
        let renew = (!self.sending.is_empty()).then(|| now.plus(RENEW_SECONDS));
        let waiting = other_tab_until.filter(|t| *t > now).max(own);
        step.wake_at = waiting
            .into_iter()
            .chain(renew)
            .min()
            .map(|at| at.max(now.plus(1)));
        step
    }

    /// Records the API's answer to the send of `key`: the outbox entry leaves, is queued again
    /// or fails for good (see [`Outbox::finish`]), and a new ticket's receipt joins
    /// [`Sender::saved_tickets`] under `subject`.
    pub fn finish(
        &mut self,
        storage: &impl Storage,
        key: &str,
        subject: &str,
        outcome: &SendOutcome,
        now: Timestamp,
        random: &mut dyn FnMut() -> f64,
    ) -> Finished {
        self.sending.retain(|k| k != key);
        let mut outbox = self.load(storage);
        let finished = outbox.finish(key, outcome, now, random);
        let _reported_by_storage = self.save(storage, &outbox);
        if let Finished::Sent(receipt) = &finished {
            let mut tickets = self.saved_tickets(storage);
            if !tickets.iter().any(|t| t.number == receipt.number) {
                tickets.insert(
                    0,
                    SavedTicket {
                        number: receipt.number.clone(),
                        token: receipt.token.clone(),
                        subject: subject.to_string(),
                        response_due_at: receipt.response_due_at,
                        rated: false,
                    },
                );
                let _reported_by_storage = self.save_tickets(storage, &tickets);
            }
        }
        finished
    }

    /// `online`, tab visible, page load: whatever waits becomes due now. False when the outbox
    /// is empty (nothing to wake the sender for).
    pub fn retry_now(&self, storage: &impl Storage, now: Timestamp) -> bool {
        let mut outbox = self.load(storage);
        if outbox.is_empty() {
            // An empty outbox written by an older version: remove it, so the loader stops
            // loading the full stage for it.
            if storage.get(&self.outbox_key).is_some() {
                let _reported_by_storage = storage.remove(&self.outbox_key);
            }
            return false;
        }
        outbox.retry_now(now);
        let _reported_by_storage = self.save(storage, &outbox);
        true
    }

    /// Gives up this tab's claim on the outbox so another tab (or the next page load) can send
    /// at once instead of waiting for the lease to lapse. Another tab's claim is left alone.
    pub fn release(&self, storage: &impl Storage) {
        if Lease::release(storage.get(&self.lease_key).as_deref(), &self.tab_id) {
            let _reported_by_storage = storage.remove(&self.lease_key);
        }
    }

    /// Subjects of the tickets still waiting to be sent (not those refused for good), oldest
    /// first, for "My tickets".
    pub fn waiting_subjects(&self, storage: &impl Storage) -> Vec<String> {
        self.load(storage)
            .entries()
            .iter()
            .filter(|e| !matches!(e.state, EntryState::Failed { .. }))
            .map(|e| e.subject.clone())
            .collect()
    }

    /// The tickets this browser filed, newest first.
    pub fn saved_tickets(&self, storage: &impl Storage) -> Vec<SavedTicket> {
        let Some(Value::Array(items)) = storage
            .get(&self.tickets_key)
            .and_then(|t| crate::base::json::from_str(&t).ok())
        else {
            return Vec::new();
        };
        items
            .iter()
            .filter_map(|v| {
                Some(SavedTicket {
                    number: v.get("number")?.as_str()?.to_string(),
                    token: v.get("token")?.as_str()?.to_string(),
                    subject: v
                        .get("subject")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string(),
                    response_due_at: Timestamp(
                        v.get("response_due_at")
                            .and_then(Value::as_i64)
                            .unwrap_or_default(),
                    ),
                    rated: v.get("rated").and_then(Value::as_bool).unwrap_or(false),
                })
            })
            .collect()
    }

    /// Marks ticket `number` as rated, so it is not asked for again.
    ///
    /// # Errors
    /// When storage refused (the next page may offer the rating again; the server answers 409).
    pub fn mark_rated(&self, storage: &impl Storage, number: &str) -> Result<(), StorageError> {
        let mut tickets = self.saved_tickets(storage);
        for t in tickets.iter_mut().filter(|t| t.number == number) {
            t.rated = true;
        }
        self.save_tickets(storage, &tickets)
    }

    fn save_tickets(
        &self,
        storage: &impl Storage,
        tickets: &[SavedTicket],
    ) -> Result<(), StorageError> {
        let items: Vec<Value> = tickets
            .iter()
            .map(|t| {
                let mut receipt = Map::new();
                receipt.insert("number".into(), Value::from(t.number.as_str()));
                receipt.insert("token".into(), Value::from(t.token.as_str()));
                receipt.insert("subject".into(), Value::from(t.subject.as_str()));
                receipt.insert(
                    "response_due_at".into(),
                    Value::from(t.response_due_at.seconds()),
                );
                receipt.insert("rated".into(), Value::from(t.rated));
                Value::Object(receipt)
            })
            .collect();
        storage.set(&self.tickets_key, &Value::Array(items).to_json())
    }
}

#[cfg(test)]
mod tests {
    // The same tests run on wasm32 (usize is 32 bits there) in the browser run.
    use super::*;
    use crate::base::storage::MemoryStorage;
    use crate::ticket::request::Receipt;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    const FEED: &str = "https://lms.example/feed.json";

    fn at(seconds: i64) -> Timestamp {
        Timestamp(1_800_000_000 + seconds)
    }

    fn queue(sender: &Sender, storage: &MemoryStorage, n: usize, now: Timestamp) {
        for i in 0..n {
            sender
                .enqueue(
                    storage,
                    format!("key-{i}"),
                    format!("{{\"subject\":\"s{i}\"}}"),
                    format!("s{i}"),
                    now,
                )
                .expect("saved");
        }
    }

    fn created(number: &str) -> SendOutcome {
        SendOutcome::Accepted(Receipt {
            id: "1".into(),
            status: "open".into(),
            priority: "routine".into(),
            number: number.into(),
            token: format!("token-{number}"),
            response_due_at: at(3600),
        })
    }

    fn keys_of(entries: &[Entry]) -> Vec<&str> {
        entries.iter().map(|e| e.key.as_str()).collect()
    }

    #[test]
    fn sends_four_at_once_and_the_fifth_when_one_is_answered() {
        let storage = MemoryStorage::new();
        let mut tab = Sender::new(FEED, "tab-a".into());
        queue(&tab, &storage, 5, at(0));
        let step = tab.step(&storage, true, at(0));
        assert_eq!(MAX_IN_FLIGHT, 4);
        assert_eq!(keys_of(&step.claimed), ["key-0", "key-1", "key-2", "key-3"]);
        // Sends are out: wake to renew the claims before they lapse.
        assert_eq!(step.wake_at, Some(at(RENEW_SECONDS)));
        assert!(tab.step(&storage, true, at(1)).claimed.is_empty());

        let finished = tab.finish(&storage, "key-1", "s1", &created("T-1"), at(2), &mut || 0.5);
        assert!(matches!(finished, Finished::Sent(_)));
        assert_eq!(keys_of(&tab.step(&storage, true, at(2)).claimed), ["key-4"]);
        assert_eq!(tab.saved_tickets(&storage)[0].subject, "s1");
    }

    #[test]
    fn a_second_tab_waits_for_the_lease_and_takes_over_when_the_first_is_gone() {
        let storage = MemoryStorage::new();
        let mut tab_a = Sender::new(FEED, "tab-a".into());
        let mut tab_b = Sender::new(FEED, "tab-b".into());
        queue(&tab_a, &storage, 1, at(0));
        assert_eq!(tab_a.step(&storage, true, at(0)).claimed.len(), 1);

        let blocked = tab_b.step(&storage, true, at(1));
        assert!(blocked.claimed.is_empty());
        assert_eq!(blocked.wake_at, Some(at(LEASE_SECONDS)));

        // Tab A closed mid-send without releasing: once its lease lapses, B resends at once
        // under the same key.
        let takeover = tab_b.step(&storage, true, at(LEASE_SECONDS));
        assert_eq!(keys_of(&takeover.claimed), ["key-0"]);
        let entry = tab_b.load(&storage).get("key-0").cloned().expect("kept");
        assert_eq!(entry.attempts, 1, "the cut-off send counts as an attempt");
    }

    #[test]
    fn a_released_lease_lets_the_next_tab_send_without_waiting() {
        let storage = MemoryStorage::new();
        let mut tab_a = Sender::new(FEED, "tab-a".into());
        let mut tab_b = Sender::new(FEED, "tab-b".into());
        queue(&tab_a, &storage, 1, at(0));
        tab_a.step(&storage, true, at(0));
        tab_a.release(&storage);
        assert_eq!(tab_b.step(&storage, true, at(1)).claimed.len(), 1);
    }

    #[test]
    fn a_failed_send_waits_for_its_backoff_then_goes_again() {
        let storage = MemoryStorage::new();
        let mut tab = Sender::new(FEED, "tab-a".into());
        queue(&tab, &storage, 1, at(0));
        tab.step(&storage, true, at(0));
        let retry = SendOutcome::Retry("server error 503".into());
        let Finished::WillRetry { at: due, .. } =
            tab.finish(&storage, "key-0", "s0", &retry, at(1), &mut || 0.5)
        else {
            panic!("a 503 is retried");
        };
        let step = tab.step(&storage, true, at(1));
        assert!(step.claimed.is_empty());
        assert_eq!(step.wake_at, Some(due));
        assert_eq!(tab.step(&storage, true, due).claimed.len(), 1);
    }

    #[test]
    fn retry_now_makes_a_waiting_ticket_due_at_once() {
        let storage = MemoryStorage::new();
        let mut tab = Sender::new(FEED, "tab-a".into());
        queue(&tab, &storage, 1, at(0));
        tab.step(&storage, true, at(0));
        let retry = SendOutcome::Retry("offline".into());
        tab.finish(&storage, "key-0", "s0", &retry, at(1), &mut || 0.9);
        assert!(tab.step(&storage, true, at(2)).claimed.is_empty());
        assert!(tab.retry_now(&storage, at(2)));
        assert_eq!(tab.step(&storage, true, at(2)).claimed.len(), 1);
    }

    #[test]
    fn without_the_api_tickets_wait_and_nothing_is_claimed() {
        let storage = MemoryStorage::new();
        let mut tab = Sender::new(FEED, "tab-a".into());
        queue(&tab, &storage, 1, at(0));
        let step = tab.step(&storage, false, at(0));
        assert!(step.waiting_for_api && step.claimed.is_empty());
        assert_eq!(tab.waiting_subjects(&storage), ["s0"]);
    }

    #[test]
    fn the_outbox_key_is_present_only_while_tickets_wait() {
        let storage = MemoryStorage::new();
        let mut tab = Sender::new(FEED, "tab-a".into());
        queue(&tab, &storage, 1, at(0));
        let outbox_key = format!("lms-support:outbox:{FEED}");
        assert!(storage.get(&outbox_key).is_some());
        tab.step(&storage, true, at(0));
        tab.finish(&storage, "key-0", "s0", &created("T-1"), at(1), &mut || 0.5);
        tab.step(&storage, true, at(1));
        assert_eq!(
            storage.keys(),
            [format!("lms-support:tickets:{FEED}")],
            "no outbox and no lease are left behind"
        );
        // An empty outbox saved by an earlier version is cleared on the next page load.
        storage
            .set(&outbox_key, "{\"version\":1,\"entries\":[]}")
            .expect("saved");
        assert!(!tab.retry_now(&storage, at(2)));
        assert!(storage.get(&outbox_key).is_none());
    }

    #[test]
    fn a_rating_is_remembered() {
        let storage = MemoryStorage::new();
        let mut tab = Sender::new(FEED, "tab-a".into());
        queue(&tab, &storage, 1, at(0));
        tab.step(&storage, true, at(0));
        tab.finish(&storage, "key-0", "s0", &created("T-1"), at(1), &mut || 0.5);
        tab.mark_rated(&storage, "T-1").expect("saved");
        assert!(tab.saved_tickets(&storage)[0].rated);
    }
}
