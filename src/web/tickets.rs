//! Tickets in the page: submit, the persistent outbox, "My tickets" and the rating.
//!
//! A ticket goes into the outbox in `localStorage` (with an idempotency key made once, when the
//! learner presses Send) before any network call, and leaves it only on a 2xx or a final 4xx
//! (design §7). One tab sends, holding a short lease in storage that it renews while requests
//! are out; it sends up to four tickets at once, so one hanging request delays only its own
//! ticket, and a page that takes the lease afresh resends at once what a closed page cut off.
//! Retries follow the outbox's backoff, and also happen on the `online` event, when the tab
//! becomes visible and on the next page load. The decisions are in [`crate::ticket::outbox`] and
//! [`crate::ticket::request`]; this module only does the I/O and draws the result.
//!
//! The outbox is stored under the feed's URL, known at mount, not under the API base, which
//! comes from the feed: a ticket sent before the feed has arrived is saved at once and goes
//! out when it does.
//!
//! Attachments live in memory only: a ticket queued with files and sent after a reload goes
//! without them, and its description says so.

use super::dom::{self, describe, warn, Timer};
use super::fetch::{send_request, HttpResponse};
use super::storage;
use super::widget::{dispatch_all, now, with_state, Events, State};
use crate::i18n::{message, Msg};
use crate::json::Value;
use crate::ticket::outbox::{Entry, EntryState, Finished, Lease, Outbox, MAX_IN_FLIGHT};
use crate::ticket::request::{
    create_ticket, feedback, interpret_create, interpret_status, resolve_api_base, ticket_status,
    SendOutcome,
};
use crate::ticket::validate;
use crate::ticket_view::{announcement, queued_message, status_label, Progress, Update};
use crate::time::Timestamp;
use js_sys::{Object, Reflect};
use std::cell::RefCell;
use std::rc::Weak;
use wasm_bindgen::JsCast;

/// How long a sender may hold the outbox before another tab may take over (a crashed tab).
const LEASE_SECONDS: i64 = 30;

/// How often a tab with sends in flight renews its lease and theirs: a request may take
/// longer than the lease (a slow upload, a timeout), and another tab must not take it for dead.
const RENEW_SECONDS: i64 = LEASE_SECONDS / 3;

fn outbox_key(feed_url: &str) -> String {
    format!("lms-support:outbox:{feed_url}")
}
fn lease_key(feed_url: &str) -> String {
    format!("lms-support:outbox-lease:{feed_url}")
}
fn receipts_key(feed_url: &str) -> String {
    format!("lms-support:tickets:{feed_url}")
}

/// A ticket this browser filed, as remembered for "My tickets".
#[derive(Clone, Debug, PartialEq)]
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

fn load_receipts(api: &str) -> Vec<SavedTicket> {
    let Some(Value::Array(items)) =
        storage::get(&receipts_key(api)).and_then(|t| crate::json::from_str(&t).ok())
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

fn save_receipts(api: &str, tickets: &[SavedTicket]) {
    let items: Vec<Value> = tickets
        .iter()
        .map(|t| {
            let mut receipt = crate::json::Map::new();
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
    storage::set(&receipts_key(api), &Value::Array(items).to_string());
}

/// A random version-4 UUID from `crypto.getRandomValues` (works outside secure contexts too).
fn uuid_v4() -> Option<String> {
    let crypto = dom::window()?.crypto().ok()?;
    let mut bytes = [0u8; 16];
    crypto.get_random_values_with_u8_array(&mut bytes).ok()?;
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    Some(format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    ))
}

fn online() -> bool {
    dom::window()
        .map(|w| w.navigator().on_line())
        .unwrap_or(true)
}

impl State {
    /// The ticket API base from the feed (`support.api`, resolved against the feed URL).
    pub(super) fn api_base(&self) -> Option<String> {
        let support = self.feed.as_ref()?.support.as_ref()?;
        resolve_api_base(&support.api, &self.config.feed_url)
    }

    /// Validates the form and, if it is fine, puts the ticket in the outbox, shows it in the
    /// form's place and starts sending.
    pub(super) fn submit_ticket(&mut self, weak: &Weak<RefCell<State>>) -> Events {
        // One learner action makes one ticket: once the form's ticket is in the outbox, a
        // second click or Enter (or a script's requestSubmit) finds nothing to send until the
        // learner asks for a new draft.
        if !self.panel.ticket.desk.accepts_send() {
            return Events::new();
        }
        let support = self.feed.as_ref().and_then(|f| f.support.as_ref());
        let draft = self.panel.ticket.draft(&self.config.locale);
        let ticket = match validate(&draft, support) {
            Ok(ticket) => ticket,
            Err(errors) => {
                let _ = self
                    .panel
                    .ticket
                    .set_status(message(self.lang, Msg::FixErrors), "invalid");
                if let Err(e) = self.panel.ticket.show_errors(&errors) {
                    warn(&format!("ticket form: {}", describe(&e)));
                }
                return Events::new();
            }
        };
        let no_api = self.feed.is_some() && self.api_base().is_none();
        let key = uuid_v4();
        let Some(key) = key.filter(|_| !no_api) else {
            warn(if no_api {
                "the feed has no usable support.api; tickets cannot be sent, showing the fallback contacts"
            } else {
                "crypto.getRandomValues is unavailable; cannot make an idempotency key"
            });
            let _ = self
                .panel
                .ticket
                .set_status(message(self.lang, Msg::Rejected), "rejected");
            self.panel.show_fallback_in_ticket(self.feed.as_ref());
            return Events::new();
        };
        let store = self.config.feed_url.clone();
        let mut outbox = Outbox::from_json(&storage::get(&outbox_key(&store)).unwrap_or_default());
        outbox.enqueue(
            key.clone(),
            ticket.to_json(),
            draft.subject.trim().to_string(),
            now(),
        );
        storage::set(&outbox_key(&store), &outbox.to_json());
        // Files stay in memory for this page; they go with the first attempt made from it.
        self.pending_files
            .push((key.clone(), self.panel.ticket.files.clone()));
        let _ = self
            .panel
            .ticket
            .set_status(message(self.lang, Msg::Sending), "sending");
        let _ = self.panel.ticket.show_errors(&[]);
        if let Err(e) = self
            .panel
            .ticket
            .hand_in(key, draft.subject.trim().to_string())
        {
            warn(&format!("ticket form: {}", describe(&e)));
        }
        spawn_pump(weak.clone());
        Events::new()
    }
}

/// Sends what is due in the outbox, up to [`MAX_IN_FLIGHT`] tickets at once, while this tab
/// holds the lease. Spawned rather than called, because callers hold the state borrowed.
pub(super) fn spawn_pump(weak: Weak<RefCell<State>>) {
    wasm_bindgen_futures::spawn_local(async move { pump(&weak) });
}

/// Gives up this tab's claim on the outbox so another tab (or the next page load) can send
/// at once instead of waiting for the lease to lapse.
pub(super) fn release_lease(feed_url: &str, me: &str) {
    let key = lease_key(feed_url);
    if Lease::release(storage::get(&key).as_deref(), me) {
        storage::remove(&key);
    }
}

/// One ticket as claimed for sending.
struct Outgoing {
    store: String,
    api: String,
    entry: Entry,
    files: Vec<web_sys::File>,
}

/// One step of the sender: renews this tab's claims, starts whatever is due while fewer than
/// [`MAX_IN_FLIGHT`] sends are out, and sets the timer for the next step. Each send, once
/// answered, takes another step.
fn pump(weak: &Weak<RefCell<State>>) {
    let sends = with_state(weak, |s, weak| {
        let sends = s.claim_sends();
        s.arm_outbox_timer(weak);
        sends
    })
    .unwrap_or_default();
    for send in sends {
        wasm_bindgen_futures::spawn_local(send_one(weak.clone(), send));
    }
}

async fn send_one(weak: Weak<RefCell<State>>, send: Outgoing) {
    let Outgoing {
        store,
        api,
        entry,
        files,
    } = send;
    let request = create_ticket(&api, &entry.body_json, &entry.key);
    let outcome = match send_request(&request, &files).await {
        Ok(HttpResponse {
            status,
            retry_after,
            body,
        }) => interpret_create(status, retry_after.as_deref(), &body, now()),
        Err(reason) => SendOutcome::Retry(reason),
    };
    let events = with_state(&weak, |s, _| {
        s.sending.retain(|k| *k != entry.key);
        let mut outbox = Outbox::from_json(&storage::get(&outbox_key(&store)).unwrap_or_default());
        let finished = outbox.finish(&entry.key, &outcome, now(), &mut || js_sys::Math::random());
        storage::set(&outbox_key(&store), &outbox.to_json());
        s.after_send(&store, &entry.subject, &entry.key, finished)
    })
    .unwrap_or_default();
    dispatch_all(events);
    pump(&weak);
}

impl State {
    /// Takes (or renews) the lease and claims what is due, saving the outbox before any request.
    fn claim_sends(&mut self) -> Vec<Outgoing> {
        let store = self.config.feed_url.clone();
        let mut outbox = Outbox::from_json(&storage::get(&outbox_key(&store)).unwrap_or_default());
        let Some(api) = self.api_base() else {
            // No feed yet: the ticket waits; the feed's arrival resumes the outbox.
            if !outbox.is_empty() {
                let _ = self
                    .panel
                    .ticket
                    .set_status(queued_message(!online(), self.lang), "queued");
            }
            return Vec::new();
        };
        let now = now();
        if self.sending.is_empty() && !outbox.wants_sender(now) {
            release_lease(&store, &self.tab_id);
            return Vec::new();
        }
        let me = self.tab_id.clone();
        let stored_lease = storage::get(&lease_key(&store));
        let renewing = Lease::holds(stored_lease.as_deref(), &me, now);
        let acquired =
            Lease::try_acquire(stored_lease.as_deref(), &me, now, LEASE_SECONDS).map(|lease| {
                storage::set(&lease_key(&store), &lease);
                // Storage has no compare-and-swap: if another tab wrote after us, it sends.
                // (Were both to send, the shared idempotency key still makes it one ticket.)
                Lease::holds(storage::get(&lease_key(&store)).as_deref(), &me, now)
            });
        if acquired != Some(true) {
            // Another tab is sending; look again when its claim lapses.
            self.wake_outbox_at = storage::get(&lease_key(&store))
                .as_deref()
                .and_then(Lease::parse)
                .map(|l| l.until);
            return Vec::new();
        }
        if !renewing {
            // Whoever held the lease before is gone (a closed tab): its sends were cut off.
            outbox.requeue_interrupted(now, &self.sending);
        }
        outbox.renew(&self.sending, now, LEASE_SECONDS);
        let room = MAX_IN_FLIGHT.saturating_sub(self.sending.len());
        let claimed = outbox.begin_due(now, LEASE_SECONDS, room);
        storage::set(&outbox_key(&store), &outbox.to_json());
        claimed
            .into_iter()
            .map(|entry| {
                self.sending.push(entry.key.clone());
                let files = self
                    .pending_files
                    .iter()
                    .find(|(k, _)| *k == entry.key)
                    .map(|(_, f)| f.clone())
                    .unwrap_or_default();
                Outgoing {
                    store: store.clone(),
                    api: api.clone(),
                    entry,
                    files,
                }
            })
            .collect()
    }
}

impl State {
    fn after_send(&mut self, store: &str, subject: &str, key: &str, finished: Finished) -> Events {
        let mut events = Events::new();
        match finished {
            Finished::Sent(receipt) => {
                self.pending_files.retain(|(k, _)| k != key);
                let mut tickets = load_receipts(store);
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
                    save_receipts(store, &tickets);
                }
                let due = self.formatter.time(receipt.response_due_at);
                let progress = Progress::Sent {
                    number: receipt.number.clone(),
                };
                self.show_result(key, subject, progress, &due, &[]);
                let detail = Object::new();
                let _ = Reflect::set(&detail, &"number".into(), &receipt.number.as_str().into());
                events.push(("ticket-submitted", detail.into()));
            }
            Finished::WillRetry { .. } => {
                let offline = !online();
                self.show_result(key, subject, Progress::Queued { offline }, "", &[]);
                let detail = Object::new();
                let _ = Reflect::set(
                    &detail,
                    &"reason".into(),
                    &(if offline { "offline" } else { "server" }).into(),
                );
                events.push(("ticket-queued", detail.into()));
            }
            Finished::Failed { errors, .. } => {
                self.show_result(key, subject, Progress::Rejected, "", &errors);
            }
            Finished::NotFound => {}
        }
        events
    }

    /// Puts a result on its own ticket's card and announces it. The draft in the form is never
    /// touched, except to give back the refused ticket it still holds, with the errors.
    fn show_result(
        &mut self,
        key: &str,
        subject: &str,
        progress: Progress,
        due: &str,
        errors: &[crate::ticket::FieldError],
    ) {
        let update = self.panel.ticket.track(key, subject, progress.clone());
        if update == Update::Unchanged {
            return;
        }
        let reopened = update == Update::Reopen;
        let (text, kind) = announcement(&progress, subject, due, reopened, self.lang);
        let _ = self.panel.ticket.set_status(&text, kind);
        if progress == Progress::Rejected {
            if reopened {
                let _ = self.panel.ticket.show_errors(errors);
                if errors.is_empty() {
                    let _ = self.panel.ticket.focus_send();
                }
            }
            self.panel.show_fallback_in_ticket(self.feed.as_ref());
        }
    }

    /// One timer for the outbox's next retry, or for when another tab's claim lapses.
    pub(super) fn arm_outbox_timer(&mut self, weak: &Weak<RefCell<State>>) {
        self.outbox_timer = None;
        let now = now();
        let outbox = Outbox::from_json(
            &storage::get(&outbox_key(&self.config.feed_url)).unwrap_or_default(),
        );
        let own = outbox.next_wake(now);
        // While sends are out, renew the claims well before they lapse.
        let renew = (!self.sending.is_empty()).then(|| now.plus(RENEW_SECONDS));
        let waiting = self.wake_outbox_at.take().filter(|t| *t > now).max(own);
        let Some(at) = waiting.into_iter().chain(renew).min() else {
            return;
        };
        // Never sooner than a second from now: a due entry that cannot be sent yet must not spin.
        let at = at.max(now.plus(1));
        let delay = at.seconds() as f64 * 1000.0 - dom::now_ms() + 50.0;
        let weak = weak.clone();
        self.outbox_timer = Timer::once(delay, move || spawn_pump(weak.clone())).ok();
    }

    /// `online`, tab visible, page load: whatever waits becomes due now.
    pub(super) fn retry_outbox_now(&mut self, weak: &Weak<RefCell<State>>) {
        let store = self.config.feed_url.clone();
        let mut outbox = Outbox::from_json(&storage::get(&outbox_key(&store)).unwrap_or_default());
        if outbox.entries().is_empty() {
            return;
        }
        outbox.retry_now(now());
        storage::set(&outbox_key(&store), &outbox.to_json());
        spawn_pump(weak.clone());
    }

    /// Draws "My tickets" from storage and the outbox, then fetches each ticket's status.
    pub(super) fn show_my_tickets(&mut self, weak: &Weak<RefCell<State>>) {
        let store = self.config.feed_url.clone();
        let api = self.api_base();
        let outbox = Outbox::from_json(&storage::get(&outbox_key(&store)).unwrap_or_default());
        let queued: Vec<String> = outbox
            .entries()
            .iter()
            .filter(|e| !matches!(e.state, EntryState::Failed { .. }))
            .map(|e| e.subject.clone())
            .collect();
        let tickets = load_receipts(&store);
        if let Err(e) = self
            .panel
            .draw_my_tickets(&queued, &tickets, self.lang, &self.formatter)
        {
            warn(&format!("my tickets: {}", describe(&e)));
        }
        let Some(api) = api else { return };
        for ticket in tickets {
            let weak = weak.clone();
            let api = api.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let request = ticket_status(&api, &ticket.number, &ticket.token);
                let result = send_request(&request, &[])
                    .await
                    .and_then(|r| interpret_status(r.status, &r.body));
                with_state(&weak, |s, _| match result {
                    Ok(status) => {
                        let label = status_label(&status.status, s.lang);
                        let can_rate = status.status == "resolved"
                            && status.feedback.is_none()
                            && !ticket.rated;
                        if let Err(e) = s.panel.draw_ticket_status(
                            &ticket.number,
                            &label,
                            &status.replies,
                            can_rate,
                            s.lang,
                        ) {
                            warn(&format!("my tickets: {}", describe(&e)));
                        }
                    }
                    Err(e) => warn(&format!("status of {}: {e}", ticket.number)),
                });
            });
        }
    }

    /// Sends a 1–5 rating with an optional comment, once.
    pub(super) fn send_rating(&mut self, weak: &Weak<RefCell<State>>, number: String) {
        let Some(api) = self.api_base() else { return };
        let store = self.config.feed_url.clone();
        let Some((rating, comment)) = self.panel.read_rating(&number) else {
            return;
        };
        let Some(ticket) = load_receipts(&store)
            .into_iter()
            .find(|t| t.number == number)
        else {
            return;
        };
        let weak = weak.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let request = feedback(&api, &ticket.number, &ticket.token, rating, &comment);
            let result = send_request(&request, &[]).await;
            with_state(&weak, |s, _| {
                // 409 means it was rated already (another tab): either way, ask no more.
                let done =
                    matches!(&result, Ok(r) if (200..300).contains(&r.status) || r.status == 409);
                if done {
                    let mut tickets = load_receipts(&store);
                    for t in tickets.iter_mut().filter(|t| t.number == number) {
                        t.rated = true;
                    }
                    save_receipts(&store, &tickets);
                    let _ = s.panel.rating_done(&number, s.lang);
                } else {
                    warn(&format!(
                        "rating {number} not sent: {:?}",
                        result.map(|r| r.status)
                    ));
                }
            });
        });
    }
}

impl State {
    /// Opens the panel on the ticket form: choices from the feed, captured context for
    /// consent, prefilled name and e-mail, and the active items that will be attached.
    pub(super) fn open_ticket(&mut self, opener: Option<web_sys::HtmlElement>) {
        // Coming to the form afresh starts a new draft; the tickets already handed in keep
        // their cards above it.
        if !self.panel.is_open() || self.panel.ticket.section.has_attribute("hidden") {
            if let Err(e) = self.panel.ticket.new_draft() {
                warn(&format!("ticket form: {}", describe(&e)));
            }
        }
        if !self.panel.is_open() {
            self.open_panel(opener, "ticket");
        }
        let support = self.feed.as_ref().and_then(|f| f.support.as_ref());
        let formatter = &self.formatter;
        if let Err(e) = self
            .panel
            .ticket
            .set_choices(support, &self.config.locale, &|m| formatter.duration(m))
        {
            warn(&format!("ticket form: {}", describe(&e)));
        }
        let viewer = crate::banner::Viewer {
            role: self.config.role.as_deref(),
            course: self.config.course.as_deref(),
            quiet: false,
        };
        let items = self
            .feed
            .as_ref()
            .map(|f| crate::banner::active_items(f, &viewer, now(), &self.zones))
            .unwrap_or_default();
        let causes = crate::help::causes(&items, &self.config.locale);
        let facts =
            super::page_context::read(&self.config, causes.iter().map(|c| c.id.clone()).collect());
        if self.panel.ticket.context.is_empty() {
            self.panel.ticket.context = crate::ticket::context::context_items(&facts);
        }
        let (name, email) = crate::ticket::context::prefill(&facts);
        self.panel
            .ticket
            .prefill(name.as_deref(), email.as_deref(), None, None);
        let _ = self.panel.ticket.draw_context();
        let _ = self.panel.show_attached(&causes, self.lang);
        if let Err(e) = self.panel.show_view(super::panel::View::Ticket) {
            warn(&format!("ticket form: {}", describe(&e)));
        }
        self.apply_host_prefill();
    }

    /// Suggests FAQ answers for the subject being typed.
    pub(super) fn deflect(&mut self) {
        let subject = self.panel.ticket.subject_text();
        if self.search_index.is_none() {
            self.search_index = self
                .feed
                .as_ref()
                .map(|f| crate::search::SearchIndex::build(&f.faq, &self.config.locale));
        }
        let entries: Vec<(usize, String, Option<String>)> = match (&self.feed, &self.search_index) {
            (Some(feed), Some(index)) if subject.trim().chars().count() >= 3 => index
                .search(&subject, 3)
                .into_iter()
                .filter_map(|hit| {
                    feed.faq.get(hit.index).map(|e| {
                        let (tag, question) = e.question.get_with_tag(&self.config.locale);
                        let question_lang = crate::text::lang_attribute(tag, self.lang.tag());
                        (
                            hit.index,
                            question.to_string(),
                            question_lang.map(String::from),
                        )
                    })
                })
                .collect(),
            _ => Vec::new(),
        };
        if let Err(e) = self.panel.show_deflection(&entries, &subject, self.lang) {
            warn(&format!("ticket form: {}", describe(&e)));
        }
    }

    /// `change` events: a priority chosen, files picked.
    pub(super) fn on_change(&mut self, event: &web_sys::Event) {
        let Some(target) = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        else {
            return;
        };
        let result = if target.get_attribute("data-action").as_deref() == Some("priority") {
            self.panel.ticket.on_priority_change()
        } else if self.panel.ticket.is_file_input(&target) {
            self.panel.ticket.add_picked_files()
        } else {
            Ok(())
        };
        if let Err(e) = result {
            warn(&format!("ticket form: {}", describe(&e)));
        }
    }

    /// After removing a consent item, keeps focus in the list (or on the form when empty).
    pub(super) fn focus_in_context(&self, removed: usize) {
        let buttons = self
            .shadow
            .query_selector_all(".lsw-context-list button")
            .ok();
        let count = buttons.as_ref().map_or(0, |b| b.length());
        let target = buttons
            .and_then(|b| b.item((removed as u32).min(count.saturating_sub(1))))
            .and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(target) = target {
            let _ = target.focus();
        }
    }
}
