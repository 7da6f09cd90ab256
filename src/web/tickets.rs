//! Tickets in the page: submit, the persistent outbox, "My tickets" and the rating.
//!
//! A ticket goes into the outbox in `localStorage` (with an idempotency key made once, when the
//! learner presses Send) before any network call, and leaves it only on a 2xx or a final 4xx
//! (design §7). One tab sends, holding a short lease in storage that it renews while requests
//! are out; it sends up to four tickets at once, so one hanging request delays only its own
//! ticket, and a page that takes the lease afresh resends at once what a closed page cut off.
//! Retries follow the outbox's backoff, and also happen on the `online` event, when the tab
//! becomes visible and on the next page load. The decisions are in [`crate::ticket::sender`]
//! (over [`BrowserStorage`]), [`crate::ticket::outbox`] and [`crate::ticket::request`]; this
//! module only runs the requests and the timer and draws the result.
//!
//! Attachments live in memory only: a ticket queued with files and sent after a reload goes
//! without them, and its description says so.

use super::dom::{self, report, warn, Timer};
use super::fetch::{send_request, HttpResponse};
use super::storage::BrowserStorage;
use super::widget::{dispatch_all, now, with_state, Events, State};
use crate::i18n::{message, Msg};
use crate::ticket::outbox::{Entry, Finished};
use crate::ticket::request::{
    create_ticket, feedback, interpret_create, interpret_status, resolve_api_base, ticket_status,
    SendOutcome,
};
use crate::ticket::validate;
use crate::ticket_view::{announcement, queued_message, status_label, Progress, Update};
use js_sys::{Object, Reflect};
use std::cell::RefCell;
use std::rc::Weak;
use wasm_bindgen::JsCast;

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
                report(
                    self.panel
                        .ticket
                        .set_status(message(self.lang, Msg::FixErrors), "invalid"),
                    "ticket form",
                );
                report(self.panel.ticket.show_errors(&errors), "ticket form");
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
            report(
                self.panel
                    .ticket
                    .set_status(message(self.lang, Msg::Rejected), "rejected"),
                "ticket form",
            );
            self.panel.show_fallback_in_ticket(self.feed.as_ref());
            return Events::new();
        };
        let queued = self.sender.enqueue(
            &BrowserStorage,
            key.clone(),
            ticket.to_json(),
            draft.subject.trim().to_string(),
            now(),
        );
        if queued.is_err() {
            // Not in the outbox, nothing would ever send it: say so now and offer the
            // contacts, rather than showing "sending" for good.
            report(
                self.panel
                    .ticket
                    .set_status(message(self.lang, Msg::Rejected), "rejected"),
                "ticket form",
            );
            self.panel.show_fallback_in_ticket(self.feed.as_ref());
            return Events::new();
        }
        // Files stay in memory for this page; they go with the first attempt made from it.
        self.pending_files
            .push((key.clone(), self.panel.ticket.files.clone()));
        report(
            self.panel
                .ticket
                .set_status(message(self.lang, Msg::Sending), "sending"),
            "ticket form",
        );
        report(self.panel.ticket.show_errors(&[]), "ticket form");
        report(
            self.panel
                .ticket
                .hand_in(key, draft.subject.trim().to_string()),
            "ticket form",
        );
        spawn_pump(weak.clone());
        Events::new()
    }
}

/// Sends what is due in the outbox, up to [`MAX_IN_FLIGHT`] tickets at once, while this tab
/// holds the lease. Spawned rather than called, because callers hold the state borrowed.
pub(super) fn spawn_pump(weak: Weak<RefCell<State>>) {
    wasm_bindgen_futures::spawn_local(async move { pump(&weak) });
}

/// One ticket as claimed for sending.
struct Outgoing {
    api: String,
    entry: Entry,
    files: Vec<web_sys::File>,
}

/// One step of the sender: renews this tab's claims, starts whatever is due while fewer than
/// [`MAX_IN_FLIGHT`] sends are out, and sets the timer for the next step. Each send, once
/// answered, takes another step.
fn pump(weak: &Weak<RefCell<State>>) {
    let sends = with_state(weak, |s, weak| {
        let (sends, wake_at) = s.claim_sends();
        s.arm_outbox_timer(weak, wake_at);
        sends
    })
    .unwrap_or_default();
    for send in sends {
        wasm_bindgen_futures::spawn_local(send_one(weak.clone(), send));
    }
}

async fn send_one(weak: Weak<RefCell<State>>, send: Outgoing) {
    let Outgoing { api, entry, files } = send;
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
        let finished = s.sender.finish(
            &BrowserStorage,
            &entry.key,
            &entry.subject,
            &outcome,
            now(),
            &mut js_sys::Math::random,
        );
        s.after_send(&entry.subject, &entry.key, finished)
    })
    .unwrap_or_default();
    dispatch_all(events);
    pump(&weak);
}

impl State {
    /// One step of the sender ([`crate::ticket::sender::Sender::step`]): what to send now,
    /// with their files, and when to look again.
    fn claim_sends(&mut self) -> (Vec<Outgoing>, Option<crate::time::Timestamp>) {
        let api = self.api_base();
        let step = self.sender.step(&BrowserStorage, api.is_some(), now());
        if step.waiting_for_api {
            report(
                self.panel
                    .ticket
                    .set_status(queued_message(!online(), self.lang), "queued"),
                "ticket form",
            );
        }
        let Some(api) = api else {
            return (Vec::new(), step.wake_at);
        };
        let sends = step
            .claimed
            .into_iter()
            .map(|entry| {
                let files = self
                    .pending_files
                    .iter()
                    .find(|(k, _)| *k == entry.key)
                    .map(|(_, f)| f.clone())
                    .unwrap_or_default();
                Outgoing {
                    api: api.clone(),
                    entry,
                    files,
                }
            })
            .collect();
        (sends, step.wake_at)
    }
}

impl State {
    fn after_send(&mut self, subject: &str, key: &str, finished: Finished) -> Events {
        let mut events = Events::new();
        match finished {
            Finished::Sent(receipt) => {
                self.pending_files.retain(|(k, _)| k != key);
                let due = self.formatter.time(receipt.response_due_at);
                let progress = Progress::Sent {
                    number: receipt.number.clone(),
                };
                self.show_result(key, subject, progress, &due, &[]);
                let detail = Object::new();
                report(
                    Reflect::set(&detail, &"number".into(), &receipt.number.as_str().into()),
                    "ticket form",
                );
                events.push(("ticket-submitted", detail.into()));
            }
            Finished::WillRetry { .. } => {
                let offline = !online();
                self.show_result(key, subject, Progress::Queued { offline }, "", &[]);
                let detail = Object::new();
                report(
                    Reflect::set(
                        &detail,
                        &"reason".into(),
                        &(if offline { "offline" } else { "server" }).into(),
                    ),
                    "ticket form",
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
        report(self.panel.ticket.set_status(&text, kind), "ticket form");
        if progress == Progress::Rejected {
            if reopened {
                report(self.panel.ticket.show_errors(errors), "ticket form");
                if errors.is_empty() {
                    report(self.panel.ticket.focus_send(), "ticket form");
                }
            }
            self.panel.show_fallback_in_ticket(self.feed.as_ref());
        }
    }

    /// One timer for the sender's next step (see [`crate::ticket::sender::Step::wake_at`]).
    fn arm_outbox_timer(
        &mut self,
        weak: &Weak<RefCell<State>>,
        wake_at: Option<crate::time::Timestamp>,
    ) {
        self.outbox_timer = None;
        let Some(at) = wake_at else { return };
        let delay = at.seconds() as f64 * 1000.0 - dom::now_ms() + 50.0;
        let weak = weak.clone();
        self.outbox_timer = Timer::once(delay, move || spawn_pump(weak.clone())).ok();
    }

    /// `online`, tab visible, page load: whatever waits becomes due now.
    pub(super) fn retry_outbox_now(&mut self, weak: &Weak<RefCell<State>>) {
        if self.sender.retry_now(&BrowserStorage, now()) {
            spawn_pump(weak.clone());
        }
    }

    /// Draws "My tickets" from storage and the outbox, then fetches each ticket's status.
    pub(super) fn show_my_tickets(&mut self, weak: &Weak<RefCell<State>>) {
        let api = self.api_base();
        let queued = self.sender.waiting_subjects(&BrowserStorage);
        let tickets = self.sender.saved_tickets(&BrowserStorage);
        let formatter = &self.formatter;
        let view = crate::ticket_view::my_tickets_view(&queued, &tickets, self.lang, &|t| {
            formatter.time(t)
        });
        report(self.panel.draw_my_tickets(&view, self.lang), "my tickets");
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
                        report(
                            s.panel.draw_ticket_status(
                                &ticket.number,
                                &label,
                                &status.replies,
                                can_rate,
                                s.lang,
                            ),
                            "my tickets",
                        );
                    }
                    Err(e) => warn(&format!("status of {}: {e}", ticket.number)),
                });
            });
        }
    }

    /// Sends a 1–5 rating with an optional comment, once.
    pub(super) fn send_rating(&mut self, weak: &Weak<RefCell<State>>, number: String) {
        let Some(api) = self.api_base() else { return };
        let Some((rating, comment)) = self.panel.read_rating(&number) else {
            return;
        };
        let Some(ticket) = self
            .sender
            .saved_tickets(&BrowserStorage)
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
                    let _reported_by_storage = s.sender.mark_rated(&BrowserStorage, &number);
                    report(s.panel.rating_done(&number, s.lang), "ticket form");
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
        if !self.panel.shows(super::panel::View::Ticket) {
            report(self.panel.ticket.new_draft(), "ticket form");
        }
        if !self.panel.is_open() {
            self.open_panel(opener, "ticket");
        }
        let support = self.feed.as_ref().and_then(|f| f.support.as_ref());
        let formatter = &self.formatter;
        report(
            self.panel
                .ticket
                .set_choices(support, &self.config.locale, &|m| formatter.duration(m)),
            "ticket form",
        );
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
        report(self.panel.ticket.draw_context(), "ticket form");
        report(self.panel.show_attached(&causes, self.lang), "ticket form");
        report(
            self.panel.show_view(super::panel::View::Ticket),
            "ticket form",
        );
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
        let entries = match (&self.feed, &self.search_index) {
            (Some(feed), Some(index)) => {
                crate::help::suggestions(&feed.faq, index, &subject, &self.config.locale, self.lang)
            }
            _ => Vec::new(),
        };
        report(
            self.panel.show_deflection(&entries, &subject, self.lang),
            "ticket form",
        );
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
        report(result, "ticket form");
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
            report(target.focus(), "ticket form");
        }
    }
}
