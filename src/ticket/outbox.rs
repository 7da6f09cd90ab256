//! The outbox of design §7: no ticket lost, none sent twice.
//!
//! Pressing Send [`enqueue`](Outbox::enqueue)s the ticket body with its idempotency key, and the
//! browser layer saves [`to_json`](Outbox::to_json) to `localStorage` *before* any network call.
//! Then the tab holding the [`Lease`] [`begin_due`](Outbox::begin_due)s up to [`MAX_IN_FLIGHT`]
//! entries at once (save), executes [`create_ticket`](super::request::create_ticket) for each with
//! the entry's key and body exactly as stored, and [`finish`](Outbox::finish)es each with what
//! [`interpret_create`](super::request::interpret_create) made of its answer (save). Tickets are
//! independent, so a request hanging until its timeout holds up only its own ticket, and one
//! entry's backoff never delays another that is due. While sends are in flight the sender
//! [`renew`](Outbox::renew)s their leases with its own; a tab that takes the lease afresh
//! [`requeue_interrupted`](Outbox::requeue_interrupted)s what a closed page left half-sent.
//! One timer at [`next_wake`](Outbox::next_wake) and a call to [`retry_now`](Outbox::retry_now)
//! on the `online` event, when the tab becomes visible and on page load drive the loop.
//!
//! Exactly once comes from the pair: the key never changes once made, so a send whose answer
//! was lost (a timeout, a tab closed between send and acknowledge) is repeated under the same key
//! and the server replays the ticket it already created instead of making a second one.
//!
//! This module does not read the clock, draw random numbers, touch storage or decide which tab
//! sends; time and randomness are arguments, and [`Lease`] is the storage-lease fallback for
//! browsers without Web Locks.
//!
//! ```
//! use lms_support_widget::ticket::outbox::{Finished, Outbox, MAX_IN_FLIGHT};
//! use lms_support_widget::ticket::request::SendOutcome;
//! use lms_support_widget::time::Timestamp;
//!
//! let now = Timestamp(1_800_000_000);
//! let mut outbox = Outbox::default();
//! outbox.enqueue("key-1".into(), r#"{"subject":"Quiz"}"#.into(), "Quiz".into(), now);
//! let claimed = outbox.begin_due(now, 30, MAX_IN_FLIGHT);
//! let key = claimed.first().expect("due at once").key.clone();
//! let finished = outbox.finish(&key, &SendOutcome::Retry("timeout".into()), now, &mut || 0.5);
//! assert!(matches!(finished, Finished::WillRetry { .. }));
//! assert_eq!(Outbox::from_json(&outbox.to_json()).entries(), outbox.entries());
//! ```

use crate::base::json::{Map, Value};

use super::request::{Receipt, SendOutcome, MAX_RETRY_AFTER_SECONDS};
use super::FieldError;
use crate::base::time::Timestamp;

/// First backoff ceiling: the first retry comes within 5 s.
pub const BACKOFF_BASE_SECONDS: i64 = 5;

/// The backoff ceiling stops doubling at 15 minutes.
pub const BACKOFF_CAP_SECONDS: i64 = 15 * 60;

/// The shortest wait after a failure, so a random draw of 0 cannot make a tight loop.
pub const BACKOFF_MIN_SECONDS: i64 = 1;

/// The longest sending lease [`Outbox::begin_send`] grants. A stored lease ending further
/// ahead than this can only come from a clock that went back, and counts as lapsed.
pub const MAX_LEASE_SECONDS: i64 = 10 * 60;

/// How many tickets one tab sends at once. More than one, so a request that hangs until its
/// timeout delays only its own ticket (`make bench`: with a fifth of the creates hanging,
/// three were often all hung at once, four seldom); few, so a queue emptied after an outage
/// does not flood the API, and two of the six connections a browser opens to a host stay
/// free for the feed and ticket statuses.
pub const MAX_IN_FLIGHT: usize = 4;

/// The version written by [`Outbox::to_json`].
const FORMAT_VERSION: u64 = 1;

/// Tickets waiting to be sent, oldest first. See the module docs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outbox {
    entries: Vec<Entry>,
}

/// One ticket in the outbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The idempotency key, made once when Send was pressed and never changed.
    pub key: String,
    /// The ticket JSON, sent byte for byte as stored on every attempt.
    pub body_json: String,
    /// The subject, to show the entry in a list without parsing the body.
    pub subject: String,
    /// When Send was pressed.
    pub created_at: Timestamp,
    /// Attempts that ended without a ticket: failures, rejections, and sends interrupted before
    /// their answer (counted when the lease is taken over).
    pub attempts: u32,
    /// Not sent again before this instant (while [`EntryState::Queued`]).
    pub next_attempt_at: Timestamp,
    /// The instant the server's `Retry-After` asked to wait until; [`Outbox::retry_now`] never
    /// moves `next_attempt_at` before it.
    pub not_before: Option<Timestamp>,
    /// Where the entry is in its life.
    pub state: EntryState,
    /// Why the last attempt did not make a ticket, for "queued (why)".
    pub last_error: Option<String>,
}

/// Where an [`Entry`] is in its life.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EntryState {
    /// Waiting for `next_attempt_at`.
    Queued,
    /// A tab is sending it. If the lease runs out first, that tab died between send and answer,
    /// and the entry is due again (under the same key).
    Sending {
        /// When the sending tab's claim lapses.
        lease_until: Timestamp,
    },
    /// The API refused it for good (a final `4xx`). Kept so the learner can fix it, copy it or
    /// use the fallback contacts; only [`Outbox::remove`] deletes it.
    Failed {
        /// The HTTP status.
        status: u16,
        /// The field errors the server gave, possibly none.
        errors: Vec<FieldError>,
    },
}

/// What [`Outbox::finish`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Finished {
    /// The ticket exists; the entry left the outbox. Keep the receipt in "My tickets".
    Sent(Receipt),
    /// The API refused the ticket for good; the entry stays as [`EntryState::Failed`].
    Failed {
        /// The HTTP status.
        status: u16,
        /// The field errors the server gave, possibly none.
        errors: Vec<FieldError>,
    },
    /// Queued again, due at `at`.
    WillRetry {
        /// The next attempt.
        at: Timestamp,
        /// Why, for the learner ("timeout", "server error 502", …).
        reason: String,
    },
    /// No entry has that key (another tab finished it or the learner removed it); nothing changed.
    NotFound,
}

impl Outbox {
    /// Reads what [`Outbox::to_json`] wrote.
    ///
    /// Never fails: text that is not an outbox gives an empty one, and an entry without a
    /// usable key or body is skipped while the others load. Missing fields take safe defaults
    /// (due now, queued, no attempts), and a second entry with a key already seen is dropped.
    pub fn from_json(text: &str) -> Outbox {
        let Ok(value) = crate::base::json::from_str(text) else {
            return Outbox::default();
        };
        let Some(items) = value.get("entries").and_then(Value::as_array) else {
            return Outbox::default();
        };
        let mut outbox = Outbox::default();
        for entry in items
            .iter()
            .filter_map(Value::as_object)
            .filter_map(entry_of)
        {
            if outbox.get(&entry.key).is_none() {
                outbox.entries.push(entry);
            }
        }
        outbox
    }

    /// The outbox as one JSON string for `localStorage`; times are seconds since the epoch.
    pub fn to_json(&self) -> String {
        let entries: Vec<Value> = self.entries.iter().map(entry_json).collect();
        let mut root = Map::new();
        root.insert("version".into(), Value::from(FORMAT_VERSION));
        root.insert("entries".into(), Value::Array(entries));
        Value::Object(root).to_json()
    }

    /// Adds a ticket, due at once. Call it, and save, before any network call.
    ///
    /// A key already in the outbox is left as it is (a double click on Send is one ticket).
    pub fn enqueue(&mut self, key: String, body_json: String, subject: String, now: Timestamp) {
        if self.get(&key).is_some() {
            return;
        }
        self.entries.push(Entry {
            key,
            body_json,
            subject,
            created_at: now,
            attempts: 0,
            next_attempt_at: now,
            not_before: None,
            state: EntryState::Queued,
            last_error: None,
        });
    }

    /// The entry to send next: the oldest (by `created_at`, then by arrival) that is queued and
    /// due (`next_attempt_at <= now`) or whose sending lease has run out (`lease_until <= now`).
    pub fn next_due(&self, now: Timestamp) -> Option<&Entry> {
        self.entries
            .iter()
            .enumerate()
            .filter(|(_, e)| is_due(e, now))
            .min_by_key(|(i, e)| (e.created_at, *i))
            .map(|(_, e)| e)
    }

    /// Claims a due entry for sending until `now + lease_seconds` (clamped to 1 s–
    /// [`MAX_LEASE_SECONDS`]). Pick a lease longer than the request's timeout.
    ///
    /// Returns false, changing nothing, when there is no such entry or it is not due (queued for
    /// later, failed, or held by a live lease). Taking over a lapsed lease counts the interrupted
    /// attempt.
    pub fn begin_send(&mut self, key: &str, now: Timestamp, lease_seconds: i64) -> bool {
        let Some(entry) = self.entries.iter_mut().find(|e| e.key == key) else {
            return false;
        };
        if !is_due(entry, now) {
            return false;
        }
        if matches!(entry.state, EntryState::Sending { .. }) {
            entry.attempts = entry.attempts.saturating_add(1);
            entry.last_error = Some("interrupted before the answer arrived".into());
        }
        entry.state = EntryState::Sending {
            lease_until: now.plus(lease_seconds.clamp(1, MAX_LEASE_SECONDS)),
        };
        true
    }

    /// Claims for sending the due entries, oldest first, at most `limit` of them (the sender
    /// passes [`MAX_IN_FLIGHT`] less what it has in flight), as [`Outbox::begin_send`] does for
    /// one; returns them as claimed. Each entry goes on its own: one that waits for its backoff
    /// does not hold back a younger one that is due.
    pub fn begin_due(&mut self, now: Timestamp, lease_seconds: i64, limit: usize) -> Vec<Entry> {
        let mut claimed = Vec::new();
        while claimed.len() < limit {
            let Some(key) = self.next_due(now).map(|e| e.key.clone()) else {
                break;
            };
            // A claimed entry holds a lease of at least a second, so it is not due again.
            if !self.begin_send(&key, now, lease_seconds) {
                break;
            }
            claimed.extend(self.get(&key).cloned());
        }
        claimed
    }

    /// Extends to `now + lease_seconds` (clamped as in [`Outbox::begin_send`]) the leases of the
    /// entries with these keys that are being sent: the sender's requests still in flight, so
    /// one slower than the lease is not taken for a send whose tab died. Other keys are ignored.
    pub fn renew(&mut self, keys: &[String], now: Timestamp, lease_seconds: i64) {
        let until = now.plus(lease_seconds.clamp(1, MAX_LEASE_SECONDS));
        for entry in &mut self.entries {
            if let EntryState::Sending { lease_until } = &mut entry.state {
                if keys.contains(&entry.key) {
                    *lease_until = until;
                }
            }
        }
    }

    /// Makes due at once every entry marked as being sent except `sending_here` (the sends the
    /// caller has in flight), counting the interrupted attempt.
    ///
    /// Call it when this tab has just taken the [`Lease`] afresh (it did not hold it a moment
    /// ago): whoever marked those entries gave the lease up or let it lapse, so its page was
    /// closed, crashed or froze before it could note the answers. Waiting for their leases to
    /// run out would only delay them. Should the old sender still be alive, both send under the
    /// same key and the server makes one ticket.
    pub fn requeue_interrupted(&mut self, now: Timestamp, sending_here: &[String]) {
        for entry in &mut self.entries {
            if matches!(entry.state, EntryState::Sending { .. })
                && !sending_here.contains(&entry.key)
            {
                entry.attempts = entry.attempts.saturating_add(1);
                entry.last_error = Some("interrupted before the answer arrived".into());
                entry.next_attempt_at = now;
                entry.state = EntryState::Queued;
            }
        }
    }

    /// True when a tab should hold the [`Lease`]: an entry is due, or marked as being sent (by
    /// this tab, or by one that may be gone and whose entries the next holder requeues).
    pub fn wants_sender(&self, now: Timestamp) -> bool {
        self.entries
            .iter()
            .any(|e| is_due(e, now) || matches!(e.state, EntryState::Sending { .. }))
    }

    /// Records the outcome of one attempt; see [`Finished`].
    ///
    /// On a retry the wait is full-jitter exponential backoff: `random() * min(cap, base *
    /// 2^attempts)` seconds with [`BACKOFF_BASE_SECONDS`], [`BACKOFF_CAP_SECONDS`], at least
    /// [`BACKOFF_MIN_SECONDS`], and for [`SendOutcome::RetryAfter`] at least what the server
    /// asked (up to [`MAX_RETRY_AFTER_SECONDS`]). `random` returns a number in [0, 1); anything
    /// else is clamped into that range.
    pub fn finish(
        &mut self,
        key: &str,
        outcome: &SendOutcome,
        now: Timestamp,
        random: &mut dyn FnMut() -> f64,
    ) -> Finished {
        let Some(index) = self.entries.iter().position(|e| e.key == key) else {
            // The ticket exists even if this copy of the outbox lost track of the entry.
            return match outcome {
                SendOutcome::Accepted(receipt) => Finished::Sent(receipt.clone()),
                _ => Finished::NotFound,
            };
        };
        match outcome {
            SendOutcome::Accepted(receipt) => {
                self.entries.remove(index);
                Finished::Sent(receipt.clone())
            }
            SendOutcome::Rejected { status, errors } => {
                let entry = &mut self.entries[index];
                entry.attempts = entry.attempts.saturating_add(1);
                entry.state = EntryState::Failed {
                    status: *status,
                    errors: errors.clone(),
                };
                entry.last_error = Some(format!("rejected with status {status}"));
                Finished::Failed {
                    status: *status,
                    errors: errors.clone(),
                }
            }
            SendOutcome::Retry(reason) => self.requeue(index, None, reason.clone(), now, random),
            SendOutcome::RetryAfter(seconds) => {
                let seconds = (*seconds).clamp(0, MAX_RETRY_AFTER_SECONDS);
                let reason = format!("the server asked to wait {seconds} s");
                self.requeue(index, Some(seconds), reason, now, random)
            }
        }
    }

    fn requeue(
        &mut self,
        index: usize,
        retry_after: Option<i64>,
        reason: String,
        now: Timestamp,
        random: &mut dyn FnMut() -> f64,
    ) -> Finished {
        let entry = &mut self.entries[index];
        let delay = backoff_seconds(entry.attempts, random()).max(retry_after.unwrap_or(0));
        let at = now.plus(delay);
        entry.attempts = entry.attempts.saturating_add(1);
        entry.next_attempt_at = at;
        entry.not_before = retry_after.map(|s| now.plus(s));
        entry.state = EntryState::Queued;
        entry.last_error = Some(reason.clone());
        Finished::WillRetry { at, reason }
    }

    /// Makes every queued entry due now: the network is back, the tab became visible or the page
    /// loaded. An entry keeps a later time the server asked for with `Retry-After`; entries being
    /// sent (live lease) and failed entries are left alone.
    pub fn retry_now(&mut self, now: Timestamp) {
        for entry in &mut self.entries {
            if entry.state == EntryState::Queued {
                // A wait longer than any server may ask means the clock went back: cap it.
                let longest = now.plus(MAX_RETRY_AFTER_SECONDS);
                let earliest = entry.not_before.map_or(now, |t| t.clamp(now, longest));
                entry.next_attempt_at = entry.next_attempt_at.min(earliest);
            }
        }
    }

    /// Takes an entry out (the learner discards a failed draft), returning it.
    pub fn remove(&mut self, key: &str) -> Option<Entry> {
        let index = self.entries.iter().position(|e| e.key == key)?;
        Some(self.entries.remove(index))
    }

    /// The entry with this key.
    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.key == key)
    }

    /// All entries, in the order they were enqueued.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// True when nothing waits.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The earliest instant after `now` at which an entry becomes due (a queued entry's
    /// `next_attempt_at` or a lease's end), for a single timer. `None` when nothing will become
    /// due by itself; entries already due are [`Outbox::next_due`]'s business.
    pub fn next_wake(&self, now: Timestamp) -> Option<Timestamp> {
        self.entries
            .iter()
            .filter(|e| !is_due(e, now))
            .filter_map(|e| match e.state {
                EntryState::Queued => Some(e.next_attempt_at),
                EntryState::Sending { lease_until } => Some(lease_until),
                EntryState::Failed { .. } => None,
            })
            .filter(|&t| t > now)
            .min()
    }
}

/// A ticket's idempotency key: a version-4 UUID (`xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx`, lower
/// case) made from 16 random bytes, whose version and variant bits it sets. Written out by hand:
/// `{:02x}` would bring hexadecimal formatting into the full stage for this one use.
pub fn idempotency_key(mut bytes: [u8; 16]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let mut key = String::with_capacity(36);
    for (i, byte) in bytes.into_iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            key.push('-');
        }
        key.push(char::from(HEX[usize::from(byte >> 4)]));
        key.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    key
}

/// The full-jitter backoff wait after `attempts` earlier failures, for a draw `r` in [0, 1).
pub fn backoff_seconds(attempts: u32, r: f64) -> i64 {
    let ceiling = BACKOFF_BASE_SECONDS
        .checked_shl(attempts.min(32))
        .unwrap_or(BACKOFF_CAP_SECONDS)
        .min(BACKOFF_CAP_SECONDS);
    let r = if r.is_finite() {
        r.clamp(0.0, 1.0)
    } else {
        0.0
    };
    // `as` saturates; r < 1 keeps the result below the ceiling except for r == 1.0 itself.
    ((r * ceiling as f64) as i64).clamp(BACKOFF_MIN_SECONDS, ceiling)
}

fn is_due(entry: &Entry, now: Timestamp) -> bool {
    match entry.state {
        EntryState::Queued => entry.next_attempt_at <= now,
        EntryState::Sending { lease_until } => {
            lease_until <= now || lease_until > now.plus(MAX_LEASE_SECONDS)
        }
        EntryState::Failed { .. } => false,
    }
}

fn entry_json(entry: &Entry) -> Value {
    let mut obj = Map::new();
    obj.insert("key".into(), Value::from(entry.key.as_str()));
    obj.insert("body".into(), Value::from(entry.body_json.as_str()));
    obj.insert("subject".into(), Value::from(entry.subject.as_str()));
    obj.insert("created_at".into(), Value::from(entry.created_at.seconds()));
    obj.insert("attempts".into(), Value::from(entry.attempts));
    obj.insert(
        "next_attempt_at".into(),
        Value::from(entry.next_attempt_at.seconds()),
    );
    if let Some(t) = entry.not_before {
        obj.insert("not_before".into(), Value::from(t.seconds()));
    }
    let mut state = Map::new();
    match &entry.state {
        EntryState::Queued => {
            state.insert("kind".into(), Value::from("queued"));
        }
        EntryState::Sending { lease_until } => {
            state.insert("kind".into(), Value::from("sending"));
            state.insert("lease_until".into(), Value::from(lease_until.seconds()));
        }
        EntryState::Failed { status, errors } => {
            state.insert("kind".into(), Value::from("failed"));
            state.insert("status".into(), Value::from(*status));
            let errors = errors
                .iter()
                .map(|e| {
                    let mut o = Map::new();
                    o.insert("field".into(), Value::from(e.field.as_str()));
                    o.insert("code".into(), Value::from(e.code.as_str()));
                    Value::Object(o)
                })
                .collect();
            state.insert("errors".into(), Value::Array(errors));
        }
    }
    obj.insert("state".into(), Value::Object(state));
    if let Some(error) = &entry.last_error {
        obj.insert("last_error".into(), Value::from(error.as_str()));
    }
    Value::Object(obj)
}

fn entry_of(obj: &Map) -> Option<Entry> {
    let key = obj
        .get("key")?
        .as_str()
        .filter(|k| !k.is_empty())?
        .to_string();
    let body_json = obj.get("body")?.as_str()?.to_string();
    let time = |name: &str| obj.get(name).and_then(Value::as_i64).map(Timestamp);
    let created_at = time("created_at").unwrap_or(Timestamp(0));
    let state_obj = obj.get("state").and_then(Value::as_object);
    let state_time = |name: &str| {
        state_obj
            .and_then(|s| s.get(name))
            .and_then(Value::as_i64)
            .map(Timestamp)
    };
    let state = match state_obj
        .and_then(|s| s.get("kind"))
        .and_then(Value::as_str)
    {
        // A lease without an end is read as lapsed: the entry is due, under the same key.
        Some("sending") => EntryState::Sending {
            lease_until: state_time("lease_until").unwrap_or(Timestamp(i64::MIN)),
        },
        Some("failed") => EntryState::Failed {
            status: state_obj
                .and_then(|s| s.get("status"))
                .and_then(Value::as_u64)
                .and_then(|s| u16::try_from(s).ok())
                .unwrap_or(0),
            errors: state_obj
                .and_then(|s| s.get("errors"))
                .and_then(Value::as_array)
                .map(|items| {
                    items
                        .iter()
                        .filter_map(|e| {
                            Some(FieldError {
                                field: e.get("field")?.as_str()?.to_string(),
                                code: e.get("code")?.as_str()?.to_string(),
                            })
                        })
                        .collect()
                })
                .unwrap_or_default(),
        },
        _ => EntryState::Queued,
    };
    Some(Entry {
        key,
        body_json,
        subject: obj
            .get("subject")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        created_at,
        attempts: obj
            .get("attempts")
            .and_then(Value::as_u64)
            .map_or(0, |n| u32::try_from(n).unwrap_or(u32::MAX)),
        next_attempt_at: time("next_attempt_at").unwrap_or(created_at),
        not_before: time("not_before"),
        state,
        last_error: obj
            .get("last_error")
            .and_then(Value::as_str)
            .map(String::from),
    })
}

/// A claim on "the tab that sends", kept in `localStorage` when Web Locks are missing.
///
/// `localStorage` has no compare-and-swap, so after writing the value [`Lease::try_acquire`]
/// returned, read it back a moment later and send only if [`Lease::holds`] still says so; a tab
/// that wrote at the same instant and lost sees the other's value. Renew before `until` while
/// sending; [`Lease::release`] when done.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lease {
    /// The holding tab's id (random per tab).
    pub holder: String,
    /// When the claim lapses if not renewed.
    pub until: Timestamp,
}

impl Lease {
    /// Reads a stored lease; `None` when absent or unreadable (which means "free").
    pub fn parse(stored: &str) -> Option<Lease> {
        let value: Value = crate::base::json::from_str(stored).ok()?;
        Some(Lease {
            holder: value.get("holder")?.as_str()?.to_string(),
            until: Timestamp(value.get("until")?.as_i64()?),
        })
    }

    /// The value to store.
    pub fn to_json(&self) -> String {
        let mut obj = Map::new();
        obj.insert("holder".into(), Value::from(self.holder.as_str()));
        obj.insert("until".into(), Value::from(self.until.seconds()));
        Value::Object(obj).to_json()
    }

    /// Claims (or renews) the lease for tab `me` for `seconds`: the new value to store, or `None`
    /// when another tab holds a lease that has not run out. Corrupt values count as free.
    pub fn try_acquire(
        stored: Option<&str>,
        me: &str,
        now: Timestamp,
        seconds: i64,
    ) -> Option<String> {
        match stored.and_then(Lease::parse) {
            Some(lease) if lease.holder != me && lease.until > now => None,
            _ => Some(
                Lease {
                    holder: me.to_string(),
                    until: now.plus(seconds.max(1)),
                }
                .to_json(),
            ),
        }
    }

    /// True when the stored value is a live lease held by `me`.
    pub fn holds(stored: Option<&str>, me: &str, now: Timestamp) -> bool {
        stored
            .and_then(Lease::parse)
            .is_some_and(|l| l.holder == me && l.until > now)
    }

    /// True when the caller should delete the stored value: it is `me`'s lease (or unreadable).
    /// Another tab's lease is never released.
    pub fn release(stored: Option<&str>, me: &str) -> bool {
        match stored {
            None => false,
            Some(text) => Lease::parse(text).is_none_or(|l| l.holder == me),
        }
    }
}
