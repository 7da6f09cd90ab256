//! News on the tickets this browser filed: which to ask the API about and when, what counts
//! as news since the learner last looked at "My tickets", and the launcher's badge.
//!
//! A [`TicketNews`] is kept in storage under [`keys::TICKET_NEWS_PREFIX`] and the feed's URL,
//! and only while some ticket is watched: a ticket joins when it is sent
//! ([`TicketNews::watch`]) and leaves once it is resolved or closed and the learner has seen
//! that, or when the API no longer knows its token. The loader reads the record's `check_at`
//! and `badge` to decide whether to load the full stage on a page load (`pkg-templates/loader.js`).
//!
//! The check is cheap by design: at most once per period for all tabs together (the next
//! check time is saved before any request, so a failed or offline check waits a whole period
//! and nothing retries), only for tickets that are not resolved or closed, each with the ETag
//! of the last answer so an unchanged ticket costs a `304`. News is a new agent reply, or the
//! ticket becoming resolved or closed.
//!
//! This module reads no clock (`now` is an argument) and sends nothing: the browser layer
//! (`web::tickets`) runs the requests [`TicketNews::due`] names and reports each answer to
//! [`TicketNews::observe`] or [`TicketNews::forget`].

use crate::base::i18n::{message_count, CountMsg, Lang};
use crate::base::json::{Map, Value};
use crate::base::storage::{keys, Storage, StorageError};
use crate::base::time::Timestamp;

/// The default time between two status checks, in seconds (`data-ticket-check-seconds`).
pub const CHECK_SECONDS: i64 = 300;

/// Tickets watched at most; the oldest go first (a learner files a handful, not hundreds).
const MAX_WATCHED: usize = 20;

/// The stored record's field the loader reads to know a check is due: when, in seconds since
/// the epoch (`scripts/bundle.mjs` copies the name into `loader.js`).
pub const CHECK_AT_FIELD: &str = "check_at";
/// The stored record's field the loader reads to know a badge waits: its count.
pub const BADGE_FIELD: &str = "badge";

/// One watched ticket: what the API last said and what the learner last saw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Watched {
    /// Human number, e.g. ACME-000123.
    pub number: String,
    /// The ETag of the last full answer, for `If-None-Match`.
    pub etag: Option<String>,
    /// Agent replies the API last listed.
    pub replies: u32,
    /// The status the API last gave (`open`, `pending`, `resolved`, `closed`).
    pub status: String,
    /// Replies the learner has seen in "My tickets".
    pub seen_replies: u32,
    /// The status the learner has seen in "My tickets".
    pub seen_status: String,
}

impl Watched {
    fn finished(status: &str) -> bool {
        matches!(status, "resolved" | "closed")
    }

    /// Replies the learner has not seen yet.
    pub fn new_replies(&self) -> u32 {
        self.replies.saturating_sub(self.seen_replies)
    }

    /// The ticket was resolved (or closed) since the learner last looked.
    pub fn newly_finished(&self) -> bool {
        Watched::finished(&self.status) && !Watched::finished(&self.seen_status)
    }
}

/// A ticket to ask about now: `GET {api}/tickets/{number}` with `If-None-Match: etag`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    /// The ticket.
    pub number: String,
    /// The ETag to send, if an answer was seen before.
    pub etag: Option<String>,
}

/// What the launcher's badge says: nothing, or a count and its words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadgeView {
    /// The number drawn on the badge: new replies plus tickets newly resolved.
    pub count: u32,
    /// The words that go into the launcher's accessible name: "1 new reply".
    pub label: String,
}

/// The watched tickets of one feed and when to check them next. See the module docs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TicketNews {
    /// Ask the API no sooner than this.
    pub check_at: Timestamp,
    /// Newest first.
    pub tickets: Vec<Watched>,
}

impl Default for TicketNews {
    fn default() -> TicketNews {
        TicketNews {
            check_at: Timestamp(0),
            tickets: Vec::new(),
        }
    }
}

impl TicketNews {
    /// The record for `feed_url`, empty when none is stored or it cannot be read.
    pub fn load(storage: &impl Storage, feed_url: &str) -> TicketNews {
        let Some(Value::Object(record)) = storage
            .get(&keys::for_feed(keys::TICKET_NEWS_PREFIX, feed_url))
            .and_then(|t| crate::base::json::from_str(&t).ok())
        else {
            return TicketNews::default();
        };
        let count = |v: &Value, key: &str| {
            v.get(key)
                .and_then(Value::as_u64)
                .map_or(0, |n| u32::try_from(n).unwrap_or(u32::MAX))
        };
        let text = |v: &Value, key: &str| {
            v.get(key)
                .and_then(Value::as_str)
                .unwrap_or("open")
                .to_string()
        };
        let tickets = match record.get("tickets") {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|v| {
                    Some(Watched {
                        number: v.get("number")?.as_str()?.to_string(),
                        etag: v.get("etag").and_then(Value::as_str).map(String::from),
                        replies: count(v, "replies"),
                        status: text(v, "status"),
                        seen_replies: count(v, "seen_replies"),
                        seen_status: text(v, "seen_status"),
                    })
                })
                .collect(),
            _ => Vec::new(),
        };
        TicketNews {
            check_at: Timestamp(
                record
                    .get(CHECK_AT_FIELD)
                    .and_then(Value::as_i64)
                    .unwrap_or_default(),
            ),
            tickets,
        }
    }

    /// Saves the record for `feed_url`; with no ticket watched the key is removed, so its
    /// presence alone tells the loader there is something to check or show.
    ///
    /// # Errors
    /// When storage refused (the next page load checks again).
    pub fn save(&self, storage: &impl Storage, feed_url: &str) -> Result<(), StorageError> {
        let key = keys::for_feed(keys::TICKET_NEWS_PREFIX, feed_url);
        if self.tickets.is_empty() {
            return storage.remove(&key);
        }
        let items: Vec<Value> = self
            .tickets
            .iter()
            .map(|t| {
                let mut item = Map::new();
                item.insert("number".into(), Value::from(t.number.as_str()));
                if let Some(etag) = &t.etag {
                    item.insert("etag".into(), Value::from(etag.as_str()));
                }
                item.insert("replies".into(), Value::from(t.replies));
                item.insert("status".into(), Value::from(t.status.as_str()));
                item.insert("seen_replies".into(), Value::from(t.seen_replies));
                item.insert("seen_status".into(), Value::from(t.seen_status.as_str()));
                Value::Object(item)
            })
            .collect();
        let mut record = Map::new();
        record.insert(CHECK_AT_FIELD.into(), Value::from(self.check_at.seconds()));
        // For the loader, which loads the full stage to show it.
        record.insert(BADGE_FIELD.into(), Value::from(self.badge_count()));
        record.insert("tickets".into(), Value::Array(items));
        storage.set(&key, &Value::Object(record).to_json())
    }

    /// Starts watching a ticket just sent (open, no replies, nothing new); the first check
    /// comes a period after the last one, not at once: an agent has not answered yet.
    pub fn watch(&mut self, number: &str, now: Timestamp, period: i64) {
        if self.tickets.iter().any(|t| t.number == number) {
            return;
        }
        if self.tickets.is_empty() {
            self.check_at = now.plus(period);
        }
        self.tickets.insert(
            0,
            Watched {
                number: number.to_string(),
                etag: None,
                replies: 0,
                status: "open".into(),
                seen_replies: 0,
                seen_status: "open".into(),
            },
        );
        self.tickets.truncate(MAX_WATCHED);
    }

    /// The tickets to ask about now, if a check is due at `now`: those not yet resolved or
    /// closed. A due check moves [`TicketNews::check_at`] a period on at once, whatever the
    /// answers, so a failed check is not retried before then. Save the record before sending.
    pub fn due(&mut self, now: Timestamp, period: i64) -> Vec<Check> {
        if now < self.check_at {
            return Vec::new();
        }
        self.check_at = now.plus(period.max(1));
        self.tickets
            .iter()
            .filter(|t| !Watched::finished(&t.status))
            .map(|t| Check {
                number: t.number.clone(),
                etag: t.etag.clone(),
            })
            .collect()
    }

    /// Records a full answer (`200`) about `number`: its ETag, replies and status.
    pub fn observe(&mut self, number: &str, etag: Option<String>, replies: u32, status: &str) {
        if let Some(t) = self.tickets.iter_mut().find(|t| t.number == number) {
            t.etag = etag;
            t.replies = replies;
            t.status = status.to_string();
        }
    }

    /// Stops watching `number` (the API refused its token or no longer has it).
    pub fn forget(&mut self, number: &str) {
        self.tickets.retain(|t| t.number != number);
    }

    /// The learner is looking at "My tickets": everything known is seen, and tickets resolved
    /// or closed (and now seen so) are no longer watched.
    pub fn mark_seen(&mut self) {
        for t in &mut self.tickets {
            t.seen_replies = t.replies;
            t.seen_status = t.status.clone();
        }
        self.tickets.retain(|t| !Watched::finished(&t.status));
    }

    /// New replies plus tickets newly resolved, over every watched ticket.
    pub fn badge_count(&self) -> u32 {
        self.tickets
            .iter()
            .map(|t| t.new_replies() + u32::from(t.newly_finished()))
            .fold(0, u32::saturating_add)
    }

    /// The launcher's badge in `lang`, or none when there is nothing new: "2 new replies",
    /// "1 ticket resolved", or both joined ("1 new reply, 1 ticket resolved").
    pub fn badge(&self, lang: Lang) -> Option<BadgeView> {
        let replies: u32 = self.tickets.iter().map(Watched::new_replies).sum();
        let resolved = self.tickets.iter().filter(|t| t.newly_finished()).count() as u64;
        let mut parts = Vec::new();
        if replies > 0 {
            parts.push(message_count(
                lang,
                CountMsg::NewReplies,
                u64::from(replies),
            ));
        }
        if resolved > 0 {
            parts.push(message_count(lang, CountMsg::TicketsResolved, resolved));
        }
        let separator = if lang == Lang::Ar { "، " } else { ", " };
        (!parts.is_empty()).then(|| BadgeView {
            count: self.badge_count(),
            label: crate::base::text::join(&parts, separator),
        })
    }
}

#[cfg(test)]
mod tests {
    // The same tests run on wasm32 in the browser run.
    use super::*;
    use crate::base::storage::MemoryStorage;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    const FEED: &str = "https://lms.example/feed.json";

    fn at(seconds: i64) -> Timestamp {
        Timestamp(1_800_000_000 + seconds)
    }

    fn numbers(checks: &[Check]) -> Vec<&str> {
        checks.iter().map(|c| c.number.as_str()).collect()
    }

    #[test]
    fn a_sent_ticket_is_first_checked_one_period_later_then_once_per_period() {
        let mut news = TicketNews::default();
        news.watch("T-1", at(0), CHECK_SECONDS);
        assert!(news.due(at(0), CHECK_SECONDS).is_empty());
        assert!(news.due(at(CHECK_SECONDS - 1), CHECK_SECONDS).is_empty());
        assert_eq!(
            numbers(&news.due(at(CHECK_SECONDS), CHECK_SECONDS)),
            ["T-1"]
        );
        // The check was taken: a failed one is not retried before the next period.
        assert!(news.due(at(CHECK_SECONDS + 1), CHECK_SECONDS).is_empty());
        let next = news.due(at(2 * CHECK_SECONDS), CHECK_SECONDS);
        assert_eq!(
            next,
            [Check {
                number: "T-1".into(),
                etag: None
            }]
        );
    }

    #[test]
    fn a_check_sends_the_last_etag_so_an_unchanged_ticket_costs_a_304() {
        let mut news = TicketNews::default();
        news.watch("T-1", at(0), 60);
        news.observe("T-1", Some("\"r0\"".into()), 0, "open");
        let checks = news.due(at(60), 60);
        assert_eq!(checks[0].etag.as_deref(), Some("\"r0\""));
    }

    #[test]
    fn an_agent_reply_is_news_until_the_learner_looks() {
        let mut news = TicketNews::default();
        news.watch("T-1", at(0), 60);
        assert_eq!(news.badge(Lang::En), None);
        news.observe("T-1", Some("\"r1\"".into()), 1, "pending");
        assert_eq!(
            news.badge(Lang::En),
            Some(BadgeView {
                count: 1,
                label: "1 new reply".into()
            })
        );
        news.observe("T-1", Some("\"r2\"".into()), 2, "pending");
        assert_eq!(
            news.badge(Lang::En).map(|b| b.label),
            Some("2 new replies".into())
        );
        news.mark_seen();
        assert_eq!(news.badge(Lang::En), None);
        // Still open: still watched, and a later reply is news again.
        news.observe("T-1", Some("\"r3\"".into()), 3, "pending");
        assert_eq!(news.badge(Lang::En).map(|b| b.count), Some(1));
    }

    #[test]
    fn resolution_is_news_and_once_seen_the_ticket_is_no_longer_checked() {
        let mut news = TicketNews::default();
        news.watch("T-1", at(0), 60);
        news.watch("T-2", at(0), 60);
        news.observe("T-1", Some("\"a\"".into()), 1, "resolved");
        assert_eq!(
            news.badge(Lang::En).map(|b| (b.count, b.label)),
            Some((2, "1 new reply, 1 ticket resolved".into()))
        );
        // Resolved: no more requests for it, even before the learner looks.
        assert_eq!(numbers(&news.due(at(60), 60)), ["T-2"]);
        news.mark_seen();
        assert_eq!(news.tickets.len(), 1, "the resolved ticket, seen, leaves");
        assert_eq!(news.badge(Lang::En), None);
    }

    #[test]
    fn the_record_is_stored_only_while_tickets_are_watched_and_survives_a_reload() {
        let storage = MemoryStorage::new();
        let mut news = TicketNews::load(&storage, FEED);
        news.watch("T-1", at(0), 60);
        news.observe("T-1", Some("\"a\"".into()), 2, "pending");
        news.save(&storage, FEED).expect("saved");
        let key = format!("lms-support:ticket-news:{FEED}");
        let stored: serde_json::Value =
            serde_json::from_str(&storage.get(&key).expect("stored")).expect("JSON");
        // What the loader reads.
        assert_eq!(stored["badge"], 2);
        assert_eq!(stored["check_at"], at(60).seconds());
        assert_eq!(TicketNews::load(&storage, FEED), news);

        news.forget("T-1");
        news.save(&storage, FEED).expect("saved");
        assert!(storage.keys().is_empty(), "nothing watched, nothing stored");
    }

    #[test]
    fn a_refused_token_stops_the_checks_for_that_ticket() {
        let mut news = TicketNews::default();
        news.watch("T-1", at(0), 60);
        news.watch("T-2", at(0), 60);
        news.forget("T-1");
        assert_eq!(numbers(&news.due(at(60), 60)), ["T-2"]);
    }

    #[test]
    fn watching_the_same_ticket_twice_keeps_one_and_old_ones_make_room() {
        let mut news = TicketNews::default();
        for i in 0..=MAX_WATCHED {
            news.watch(&format!("T-{i}"), at(0), 60);
        }
        news.watch(&format!("T-{MAX_WATCHED}"), at(1), 60);
        assert_eq!(news.tickets.len(), MAX_WATCHED);
        assert_eq!(news.tickets[0].number, format!("T-{MAX_WATCHED}"));
        assert!(!news.tickets.iter().any(|t| t.number == "T-0"));
    }

    #[test]
    fn the_badge_speaks_every_language_with_its_plurals() {
        let mut news = TicketNews::default();
        news.watch("T-1", at(0), 60);
        let label = |news: &TicketNews, lang| news.badge(lang).map(|b| b.label).unwrap_or_default();
        news.observe("T-1", None, 1, "open");
        let one: Vec<String> = Lang::ALL.iter().map(|&l| label(&news, l)).collect();
        assert_eq!(
            one,
            [
                "1 new reply",
                "1 respuesta nueva",
                "1\u{a0}nouvelle réponse",
                "1 nova resposta",
                "1 neue Antwort",
                "رد جديد واحد",
            ]
        );
        news.observe("T-1", None, 2, "open");
        assert_eq!(label(&news, Lang::En), "2 new replies");
        assert_eq!(label(&news, Lang::De), "2 neue Antworten");
        assert_eq!(label(&news, Lang::Ar), "ردان جديدان");
        news.observe("T-1", None, 5, "resolved");
        assert_eq!(label(&news, Lang::Ar), "5 ردود جديدة، تم حل طلب واحد");
        assert_eq!(
            label(&news, Lang::Fr),
            "5\u{a0}nouvelles réponses, 1\u{a0}demande résolue"
        );
    }
}
