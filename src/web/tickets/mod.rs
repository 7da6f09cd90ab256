//! The tickets part: the ticket form, the persistent outbox, "My tickets" and the rating.
//! It owns their nodes (two sections the help panel shows as views), their listeners (submit,
//! change, the subject's input, the form's buttons, `online`, `visibilitychange`, `pagehide`),
//! the outbox timer and the outbox in storage. The widget talks to it through the methods of
//! [`Tickets`]: a new feed, open the form, prefill, which control takes focus.
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

pub(super) mod form;
mod my_tickets;
mod news;
mod page_context;

use crate::base::decimal::parse_unsigned;
use crate::base::feed::Feed;
use crate::base::i18n::{message, Msg};
use crate::ticket::outbox::{Entry, Finished};
use crate::ticket::request::{
    create_ticket, feedback, interpret_create, interpret_status, resolve_api_base, ticket_status,
    SendOutcome,
};
use crate::ticket::sender::Sender;
use crate::ticket::validate;
use crate::ticket::view::{
    announcement, form_view, queued_message, status_label, Progress, Update,
};
use crate::web::base::{now, Base};
use crate::web::dom::{self, dispatch_all, report, warn, Events, Listener, Timer};
use crate::web::fetch::{send_request, HttpResponse};
use crate::web::help::faq::FaqIndex;
use crate::web::help::View;
use crate::web::storage::BrowserStorage;
use crate::web::tickets::form::{HostPrefill, TicketForm};
use crate::web::tickets::my_tickets::MyTickets;
use js_sys::{Object, Reflect};
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::{JsCast, JsValue};

/// A random version-4 UUID from `crypto.getRandomValues` (works outside secure contexts too).
fn uuid_v4() -> Option<String> {
    let crypto = dom::window()?.crypto().ok()?;
    let mut bytes = [0u8; 16];
    crypto.get_random_values_with_u8_array(&mut bytes).ok()?;
    Some(crate::ticket::outbox::idempotency_key(bytes))
}

fn online() -> bool {
    dom::window()
        .map(|w| w.navigator().on_line())
        .unwrap_or(true)
}

/// The mounted tickets part; dropping it releases this tab's outbox lease and removes its
/// listeners and timer.
pub struct Tickets {
    inner: Rc<RefCell<Inner>>,
    _listeners: Vec<Listener>,
}

/// What a listener of the part runs.
type Handler = fn(&mut Inner, &web_sys::Event) -> Events;

impl std::fmt::Debug for Tickets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Tickets")
    }
}

impl Drop for Tickets {
    fn drop(&mut self) {
        if let Ok(mut s) = self.inner.try_borrow_mut() {
            s.outbox_timer = None;
            s.news_timer = None;
            s.sender.release(&BrowserStorage);
        }
    }
}

struct Inner {
    base: Rc<Base>,
    feed: Option<Rc<Feed>>,
    index: Option<Rc<FaqIndex>>,
    form: TicketForm,
    my_tickets: MyTickets,
    /// Files picked for tickets in the outbox, by idempotency key (memory only).
    pending_files: Vec<(String, Vec<web_sys::File>)>,
    /// This tab's side of the outbox: its lease and the tickets it is sending.
    sender: Sender,
    /// Wakes the outbox for its next retry.
    outbox_timer: Option<Timer>,
    /// The outbox was resumed once a feed (and so the API) was known.
    outbox_resumed: bool,
    /// Fields from `LmsSupport.prefill`, applied when the ticket form next shows.
    host_prefill: Option<HostPrefill>,
    /// The launcher, which carries the news badge (set by the full stage once drawn).
    launcher: Option<web_sys::Element>,
    /// Checks the watched tickets for news every period ([`crate::ticket::news`]).
    news_timer: Option<Timer>,
    /// That period in seconds (`data-ticket-check-seconds`).
    news_period: i64,
    /// The trail of the guided flow the form was opened from, for the ticket's context.
    flow_path: Option<String>,
    /// Told when a ticket is handed in (the help session counts it).
    on_handed_in: Option<Rc<dyn Fn()>>,
    /// The help session's events: a suggested answer opened or voted on counts too.
    help_events: Option<Rc<crate::web::help::events::HelpEvents>>,
    /// "Did this help?" under the suggested answers.
    votes: crate::web::help::vote::VoteBoxes,
    weak: Weak<RefCell<Inner>>,
}

/// Runs `f` on the part if it still exists and is not already borrowed.
fn with_inner<R>(weak: &Weak<RefCell<Inner>>, f: impl FnOnce(&mut Inner) -> R) -> Option<R> {
    let rc = weak.upgrade()?;
    let mut inner = rc.try_borrow_mut().ok()?;
    Some(f(&mut inner))
}

impl Tickets {
    /// Builds the (hidden) ticket form and "My tickets" and starts listening.
    pub fn create(base: Rc<Base>) -> Result<Tickets, JsValue> {
        let form = TicketForm::create(base.doc(), base.lang())?;
        let my_tickets = MyTickets::create(base.doc(), base.lang())?;
        let sender = Sender::new(
            &base.config().feed_url,
            format!("tab-{}", (js_sys::Math::random() * 1e15) as u64),
        );
        let section = form.section().clone();
        let list = my_tickets.section().clone();
        let base_feed_url = base.config().feed_url.clone();
        let news_period =
            news::check_period(base.config().setting("ticketCheckSeconds").as_deref());
        let inner = Rc::new_cyclic(|weak| {
            RefCell::new(Inner {
                base,
                feed: None,
                index: None,
                form,
                my_tickets,
                pending_files: Vec::new(),
                sender,
                outbox_timer: None,
                outbox_resumed: false,
                host_prefill: None,
                launcher: None,
                news_timer: None,
                news_period,
                flow_path: None,
                on_handed_in: None,
                help_events: None,
                votes: crate::web::help::vote::VoteBoxes::new(&base_feed_url),
                weak: weak.clone(),
            })
        });
        let weak = Rc::downgrade(&inner);
        let on = |f: Handler| {
            let weak = weak.clone();
            move |event: web_sys::Event| {
                let events = with_inner(&weak, |s| f(s, &event));
                dispatch_all(events.unwrap_or_default());
            }
        };
        let window: web_sys::EventTarget = dom::window().ok_or("no window")?.into();
        let doc: web_sys::EventTarget = base_doc(&inner).into();
        let (section, list) = (section.as_ref(), list.as_ref());
        let table: [(&web_sys::EventTarget, &'static str, Handler); 8] = [
            (section, "click", Inner::on_click),
            (list, "click", Inner::on_click),
            (section, "submit", Inner::on_submit),
            (section, "change", Inner::on_change),
            (section, "input", Inner::on_input),
            (&window, "online", Inner::on_online),
            (&window, "pagehide", Inner::on_pagehide),
            (&doc, "visibilitychange", Inner::on_visibility),
        ];
        let mut listeners = Vec::with_capacity(table.len());
        for (target, kind, handler) in table {
            listeners.push(Listener::new(target, kind, on(handler))?);
        }
        Ok(Tickets {
            inner,
            _listeners: listeners,
        })
    }

    /// Runs `f` on the part unless it is busy (a host handler calling back into us).
    fn with<R: Default>(&self, f: impl FnOnce(&mut Inner) -> R) -> R {
        match self.inner.try_borrow_mut() {
            Ok(mut inner) => f(&mut inner),
            Err(_) => R::default(),
        }
    }

    /// The ticket form's section and "My tickets", for the help panel's views.
    pub fn sections(&self) -> (web_sys::Element, web_sys::Element) {
        let s = self.inner.borrow();
        (s.form.section().clone(), s.my_tickets.section().clone())
    }

    /// Takes a new feed (its support block, API and FAQ).
    pub fn set_feed(&self, feed: Rc<Feed>, index: Rc<FaqIndex>) {
        self.with(|s| {
            s.feed = Some(feed);
            s.index = Some(index);
        })
    }

    /// A fetch finished and a feed is known: tickets left in the outbox by an earlier page
    /// load go out now that the API is known (once).
    pub fn resume_outbox(&self) {
        self.with(|s| {
            if !s.outbox_resumed && s.feed.is_some() {
                s.outbox_resumed = true;
                s.retry_outbox_now();
                // The API is known now: check for news if due, and every period from here on.
                s.start_news_checks();
            }
        })
    }

    /// Hands over the launcher, which shows the news badge; draws it from storage at once.
    pub fn attach_launcher(&self, launcher: web_sys::Element) {
        self.with(|s| {
            s.launcher = Some(launcher);
            s.draw_badge();
        })
    }

    /// Readies the form for showing: a new draft when `fresh` (coming to the form afresh;
    /// the tickets already handed in keep their cards above it), choices from the feed,
    /// captured context for consent, prefilled name and e-mail, and the active items that
    /// will be attached.
    pub fn prepare_form(&self, fresh: bool) {
        self.with(|s| s.prepare_form(fresh))
    }

    /// Draws "My tickets" from storage and the outbox, then fetches each ticket's status.
    pub fn show_my_tickets(&self) {
        self.with(|s| s.show_my_tickets())
    }

    /// The regions of its views hidden now, from its state (for the dialog's Tab wrap).
    pub fn hidden_regions(&self) -> Vec<web_sys::Element> {
        self.with(|s| s.form.hidden_regions())
    }

    /// The control a keyboard user starts from in `view`.
    pub fn first_control(&self, view: View) -> Option<web_sys::HtmlElement> {
        self.with(|s| match view {
            View::Ticket => s.form.first_control(),
            View::MyTickets => s.my_tickets.first_control(),
            View::Help => None,
        })
    }

    /// Keeps what the host passed to `LmsSupport.prefill`: written now if the form is
    /// `showing`, else when it next shows.
    pub fn prefill(&self, fields: HostPrefill, showing: bool) {
        self.with(|s| {
            s.host_prefill = Some(fields);
            if showing {
                s.apply_host_prefill();
            }
        })
    }

    /// The form next opens from a guided flow with this trail (none: not from a flow).
    pub fn set_flow_path(&self, path: Option<String>) {
        self.with(|s| s.flow_path = path)
    }

    /// Where suggested answers opened and voted on are counted.
    pub fn set_help_events(&self, events: Rc<crate::web::help::events::HelpEvents>) {
        self.with(|s| s.help_events = Some(events))
    }

    /// Calls `f` each time a ticket is handed in (put in the outbox to be sent).
    pub fn on_handed_in(&self, f: Rc<dyn Fn()>) {
        self.with(|s| s.on_handed_in = Some(f))
    }

    /// Writes the host's prefill, if any is waiting, into a new draft.
    pub fn apply_host_prefill(&self) {
        self.with(|s| s.apply_host_prefill())
    }
}

/// The document, for the part's page-level listener.
fn base_doc(inner: &Rc<RefCell<Inner>>) -> web_sys::Document {
    inner.borrow().base.doc().clone()
}

impl Inner {
    /// The ticket API base from the feed (`support.api`, resolved against the feed URL).
    fn api_base(&self) -> Option<String> {
        let support = self.feed.as_ref()?.support.as_ref()?;
        resolve_api_base(&support.api, &self.base.config().feed_url)
    }

    fn on_submit(&mut self, event: &web_sys::Event) -> Events {
        event.prevent_default();
        self.submit_ticket()
    }

    /// Validates the form and, if it is fine, puts the ticket in the outbox, shows it in the
    /// form's place and starts sending.
    fn submit_ticket(&mut self) -> Events {
        // One learner action makes one ticket: once the form's ticket is in the outbox, a
        // second click or Enter (or a script's requestSubmit) finds nothing to send until the
        // learner asks for a new draft.
        if !self.form.accepts_send() {
            return Events::new();
        }
        let lang = self.base.lang();
        let support = self.feed.as_ref().and_then(|f| f.support.as_ref());
        let draft = self.form.draft(&self.base.config().locale);
        let ticket = match validate(&draft, support) {
            Ok(ticket) => ticket,
            Err(errors) => {
                report(
                    self.form
                        .set_status(message(lang, Msg::FixErrors), "invalid"),
                    "ticket form",
                );
                report(self.form.show_errors(&errors), "ticket form");
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
            self.show_rejected();
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
            self.show_rejected();
            return Events::new();
        }
        // Files stay in memory for this page; they go with the first attempt made from it.
        self.pending_files
            .push((key.clone(), self.form.files().to_vec()));
        report(
            self.form.set_status(message(lang, Msg::Sending), "sending"),
            "ticket form",
        );
        report(self.form.show_errors(&[]), "ticket form");
        report(
            self.form.hand_in(key, draft.subject.trim().to_string()),
            "ticket form",
        );
        spawn_pump(self.weak.clone());
        // The trail went with this ticket; another one starts without it.
        self.flow_path = None;
        if let Some(handed_in) = &self.on_handed_in {
            handed_in();
        }
        Events::new()
    }

    /// The ticket cannot be sent at all: say so and offer the fallback contacts.
    fn show_rejected(&self) {
        report(
            self.form
                .set_status(message(self.base.lang(), Msg::Rejected), "rejected"),
            "ticket form",
        );
        self.form.show_fallback(self.feed.as_deref());
    }
}

/// Sends what is due in the outbox, up to four tickets at once, while this tab holds the
/// lease. Spawned rather than called, because callers hold the part borrowed.
fn spawn_pump(weak: Weak<RefCell<Inner>>) {
    wasm_bindgen_futures::spawn_local(async move { pump(&weak) });
}

/// One ticket as claimed for sending.
struct Outgoing {
    api: String,
    entry: Entry,
    files: Vec<web_sys::File>,
}

/// One step of the sender: renews this tab's claims, starts whatever is due while fewer than
/// four sends are out, and sets the timer for the next step. Each send, once answered, takes
/// another step.
fn pump(weak: &Weak<RefCell<Inner>>) {
    let sends = with_inner(weak, |s| {
        let (sends, wake_at) = s.claim_sends();
        s.arm_outbox_timer(wake_at);
        sends
    })
    .unwrap_or_default();
    for send in sends {
        wasm_bindgen_futures::spawn_local(send_one(weak.clone(), send));
    }
}

async fn send_one(weak: Weak<RefCell<Inner>>, send: Outgoing) {
    let Outgoing { api, entry, files } = send;
    let request = create_ticket(&api, &entry.body_json, &entry.key);
    let outcome = match send_request(&request, &files).await {
        Ok(HttpResponse {
            status,
            retry_after,
            body,
            ..
        }) => interpret_create(status, retry_after.as_deref(), &body, now()),
        Err(reason) => SendOutcome::Retry(reason),
    };
    let events = with_inner(&weak, |s| {
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

impl Inner {
    /// One step of the sender ([`crate::ticket::sender::Sender::step`]): what to send now,
    /// with their files, and when to look again.
    fn claim_sends(&mut self) -> (Vec<Outgoing>, Option<crate::base::time::Timestamp>) {
        let api = self.api_base();
        let step = self.sender.step(&BrowserStorage, api.is_some(), now());
        if step.waiting_for_api {
            report(
                self.form
                    .set_status(queued_message(!online(), self.base.lang()), "queued"),
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

    fn after_send(&mut self, subject: &str, key: &str, finished: Finished) -> Events {
        let mut events = Events::new();
        match finished {
            Finished::Sent(receipt) => {
                self.pending_files.retain(|(k, _)| k != key);
                self.watch_ticket(&receipt.number);
                let due = self.base.formatter().time(receipt.response_due_at);
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
        let update = self.form.track(key, subject, progress.clone());
        if update == Update::Unchanged {
            return;
        }
        let reopened = update == Update::Reopen;
        let (text, kind) = announcement(&progress, subject, due, reopened, self.base.lang());
        report(self.form.set_status(&text, kind), "ticket form");
        if progress == Progress::Rejected {
            if reopened {
                report(self.form.show_errors(errors), "ticket form");
                if errors.is_empty() {
                    report(self.form.focus_send(), "ticket form");
                }
            }
            self.form.show_fallback(self.feed.as_deref());
        }
    }

    /// One timer for the sender's next step (see [`crate::ticket::sender::Step::wake_at`]).
    fn arm_outbox_timer(&mut self, wake_at: Option<crate::base::time::Timestamp>) {
        self.outbox_timer = None;
        let Some(at) = wake_at else { return };
        let delay = at.seconds() as f64 * 1000.0 - dom::now_ms() + 50.0;
        let weak = self.weak.clone();
        self.outbox_timer = Timer::once(delay, move || spawn_pump(weak.clone())).ok();
    }

    /// `online`, tab visible, page load: whatever waits becomes due now.
    fn retry_outbox_now(&mut self) {
        if self.sender.retry_now(&BrowserStorage, now()) {
            spawn_pump(self.weak.clone());
        }
    }

    fn on_online(&mut self, _: &web_sys::Event) -> Events {
        self.retry_outbox_now();
        Events::new()
    }

    fn on_visibility(&mut self, _: &web_sys::Event) -> Events {
        if self.base.doc().visibility_state() == web_sys::VisibilityState::Visible {
            self.retry_outbox_now();
        }
        Events::new()
    }

    fn on_pagehide(&mut self, _: &web_sys::Event) -> Events {
        self.sender.release(&BrowserStorage);
        Events::new()
    }

    /// Draws "My tickets" from storage and the outbox, then fetches each ticket's status.
    fn show_my_tickets(&mut self) {
        let api = self.api_base();
        let lang = self.base.lang();
        let queued = self.sender.waiting_subjects(&BrowserStorage);
        let tickets = self.sender.saved_tickets(&BrowserStorage);
        let formatter = self.base.formatter();
        let view =
            crate::ticket::view::my_tickets_view(&queued, &tickets, lang, &|t| formatter.time(t));
        report(self.my_tickets.draw(&view), "my tickets");
        self.mark_news_seen();
        let Some(api) = api else { return };
        for ticket in tickets {
            let weak = self.weak.clone();
            let api = api.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let request = ticket_status(&api, &ticket.number, &ticket.token);
                let result = send_request(&request, &[]).await.and_then(|r| {
                    interpret_status(r.status, &r.body).map(|status| (status, r.etag))
                });
                with_inner(&weak, |s| match result {
                    Ok((status, etag)) => {
                        s.seen_in_my_tickets(
                            &ticket.number,
                            etag,
                            status.replies.len(),
                            &status.status,
                        );
                        let label = status_label(&status.status, s.base.lang());
                        let can_rate = status.status == "resolved"
                            && status.feedback.is_none()
                            && !ticket.rated;
                        report(
                            s.my_tickets.draw_status(
                                &ticket.number,
                                &label,
                                &status.replies,
                                can_rate,
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
    fn send_rating(&mut self, number: String) {
        let Some(api) = self.api_base() else { return };
        let Some((rating, comment)) = self.my_tickets.read_rating(&number) else {
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
        let weak = self.weak.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let request = feedback(&api, &ticket.number, &ticket.token, rating, &comment);
            let result = send_request(&request, &[]).await;
            with_inner(&weak, |s| {
                // 409 means it was rated already (another tab): either way, ask no more.
                let done =
                    matches!(&result, Ok(r) if (200..300).contains(&r.status) || r.status == 409);
                if done {
                    let _reported_by_storage = s.sender.mark_rated(&BrowserStorage, &number);
                    report(s.my_tickets.rating_done(&number), "ticket form");
                } else {
                    // As `{:?}` of the result would say it, without Debug's machinery.
                    let why = match &result {
                        Ok(r) => format!("Ok({})", r.status),
                        Err(e) => format!("Err({})", crate::base::json::quoted(e)),
                    };
                    warn(&format!("rating {number} not sent: {why}"));
                }
            });
        });
    }

    fn prepare_form(&mut self, fresh: bool) {
        if fresh {
            report(self.form.new_draft(), "ticket form");
        }
        let base = self.base.clone();
        let config = base.config();
        let feed = self.feed.as_deref();
        let items = feed
            .map(|f| crate::banner::active_items(f, &base.viewer(false), now(), base.zones()))
            .unwrap_or_default();
        let causes = crate::help::causes(&items, &config.locale);
        let facts = crate::web::tickets::page_context::read(
            config,
            causes.iter().map(|c| c.id.clone()).collect(),
        );
        let formatter = base.formatter();
        let view = form_view(
            feed.and_then(|f| f.support.as_ref()),
            causes,
            &facts,
            &config.locale,
            &|m| formatter.duration(m),
        );
        report(self.form.show(view), "ticket form");
        let trail = self.flow_path.as_deref().unwrap_or_default();
        report(self.form.set_flow_trail(trail), "ticket form");
    }

    fn apply_host_prefill(&mut self) {
        if let Some(fields) = self.host_prefill.take() {
            // The host's fields make a new ticket, not an edit of the one handed in.
            report(self.form.new_draft(), "prefill");
            report(self.form.apply_host_prefill(&fields), "prefill");
        }
    }

    /// Suggests FAQ answers for the subject being typed.
    fn on_input(&mut self, event: &web_sys::Event) -> Events {
        let is_subject = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|t| self.form.is_subject(&t));
        if !is_subject {
            return Events::new();
        }
        let subject = self.form.subject_text();
        let base = self.base.clone();
        let entries = match (&self.feed, &self.index) {
            (Some(feed), Some(index)) => crate::help::suggestions(
                &feed.faq,
                index.get(),
                &subject,
                &base.config().locale,
                base.lang(),
            ),
            _ => Vec::new(),
        };
        report(
            self.form.show_suggestions(&entries, &subject),
            "ticket form",
        );
        Events::new()
    }

    /// `change` events: a priority chosen, files picked.
    fn on_change(&mut self, event: &web_sys::Event) -> Events {
        let Some(target) = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        else {
            return Events::new();
        };
        let result = if target.get_attribute("data-action").as_deref() == Some("priority") {
            self.form.on_priority_change()
        } else if self.form.is_file_input(&target) {
            self.form.add_picked_files()
        } else {
            Ok(())
        };
        report(result, "ticket form");
        Events::new()
    }

    /// The buttons inside the form and "My tickets".
    /// Opens or closes a suggested answer: opening counts for the help session, and the first
    /// time puts "Did this help?" under it.
    fn toggle_suggestion(&mut self, button: &web_sys::Element, feed: &Feed) -> Result<(), JsValue> {
        let toggled = self
            .form
            .toggle_suggestion(button, feed, &self.base.config().locale)?;
        let crate::web::help::faq::Toggled::Opened { faq, answer, first } = toggled else {
            return Ok(());
        };
        let Some(entry) = feed.faq.get(faq) else {
            return Ok(());
        };
        if let Some(events) = &self.help_events {
            events.answer_opened(&entry.id);
        }
        if first {
            self.votes.prune();
            let base = self.base.clone();
            let subject = crate::help::events::Subject::Faq(entry.id.clone());
            if let Some(vote) = self.votes.draw(base.doc(), base.lang(), subject)? {
                answer.append_child(&vote)?;
            }
        }
        Ok(())
    }

    fn on_click(&mut self, event: &web_sys::Event) -> Events {
        let Some(button) = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|t| t.closest("[data-action]").ok().flatten())
        else {
            return Events::new();
        };
        match button.get_attribute("data-action").as_deref() {
            // The form gives way to the ticket's card at the first click on Send; the second
            // click of a double click must not land on "Write another ticket" and empty it.
            Some("new-ticket") if click_count(event) <= 1.0 => {
                report(self.form.new_draft(), "ticket form");
                if let Some(first) = self.form.first_control() {
                    report(first.focus(), "ticket form");
                }
                self.apply_host_prefill();
            }
            Some(answer @ ("critical-yes" | "critical-no")) => {
                report(
                    self.form.answer_critical_check(answer == "critical-yes"),
                    "ticket form",
                );
            }
            Some("remove-context") => {
                if let Some(i) = button
                    .get_attribute("data-index")
                    .and_then(|i| parse_unsigned::<usize>(&i))
                {
                    report(self.form.remove_context(i), "ticket form");
                    self.focus_in_context(i);
                }
            }
            Some("remove-file") => {
                if let Some(i) = button
                    .get_attribute("data-index")
                    .and_then(|i| parse_unsigned::<usize>(&i))
                {
                    report(self.form.remove_file(i), "ticket form");
                }
            }
            Some("rate") => {
                if let Some(number) = self.my_tickets.rating_of(&button) {
                    self.send_rating(number);
                }
            }
            Some("toggle") => {
                if let Some(feed) = self.feed.clone() {
                    report(self.toggle_suggestion(&button, &feed), "ticket form");
                }
            }
            Some("vote") => {
                let base = self.base.clone();
                let vote = self.votes.press(&button, base.doc(), base.lang());
                if let (Some(Some(event)), Some(events)) =
                    (report(vote, "ticket form"), &self.help_events)
                {
                    events.push(event);
                }
            }
            _ => {}
        }
        Events::new()
    }

    /// After removing a consent item, keeps focus in the list (or on the form when empty).
    fn focus_in_context(&self, removed: usize) {
        let buttons = self
            .form
            .section()
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

/// How many clicks in a row made `event` (`UIEvent.detail`): 2 for a double click's second.
fn click_count(event: &web_sys::Event) -> f64 {
    Reflect::get(event, &"detail".into())
        .ok()
        .and_then(|d| d.as_f64())
        .unwrap_or(0.0)
}

/// Keeps the last good support block (the ticket API, categories, contacts) when `parsed`'s
/// is unusable, and remembers a good one; `source` says which copy of the feed it is.
pub fn keep_last_good_support(parsed: &mut crate::base::feed::Parsed, url: &str, source: &str) {
    match parsed.keep_last_good_support(crate::base::storage::last_good_support(
        &BrowserStorage,
        url,
    )) {
        Some(why) => warn(&format!("{source} feed: {why}")),
        None => {
            if let Some(json) = &parsed.support_json {
                let _reported_by_storage =
                    crate::base::storage::save_last_good_support(&BrowserStorage, url, json);
            }
        }
    }
}
