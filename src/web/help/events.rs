//! Sends the anonymous help events ([`crate::help::events`]) when the feed allows it
//! (`support.help_events`): the session and queue are the core's [`HelpSession`] and
//! [`EventQueue`]; this module only decides when to send and sends.
//!
//! Nothing waits on it: batches leave with `navigator.sendBeacon` (a `text/plain` body, so no
//! preflight, and the browser delivers it even as the page goes away) when the panel closes,
//! when the page is hidden or left, and whenever a full batch is waiting. A batch the browser
//! refuses or loses is gone: the figures are counts, and nothing the learner did depends on them.

use crate::base::feed::Feed;
use crate::help::events::{HelpEvent, MAX_BATCH};
use crate::help::session::{EventQueue, HelpSession};
use crate::ticket::request::resolve_api_base;
use crate::web::dom::{self, Listener};
use std::cell::RefCell;
use std::rc::Rc;
use web_sys::VisibilityState;

#[derive(Default)]
struct State {
    /// `{support.api}/events`, when the feed allows events; none otherwise.
    endpoint: Option<String>,
    session: Option<HelpSession>,
    queue: EventQueue,
}

/// The help session of this page and its unsent events; dropping it removes its listeners
/// (what is still queued then is not sent).
pub struct HelpEvents {
    state: Rc<RefCell<State>>,
    _listeners: Vec<Listener>,
}

impl std::fmt::Debug for HelpEvents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HelpEvents")
    }
}

impl HelpEvents {
    /// Listens for the page being hidden or left, to end the session and send what waits.
    pub fn new() -> HelpEvents {
        let state = Rc::new(RefCell::new(State::default()));
        let mut listeners = Vec::new();
        if let (Some(window), Some(doc)) = (dom::window(), dom::document()) {
            let leave = {
                let state = Rc::downgrade(&state);
                move |_| {
                    if let Some(state) = state.upgrade() {
                        if let Ok(mut s) = state.try_borrow_mut() {
                            s.end_session();
                            s.flush();
                        }
                    }
                }
            };
            let hidden = {
                let state = Rc::downgrade(&state);
                let doc = doc.clone();
                move |_| {
                    if doc.visibility_state() != VisibilityState::Hidden {
                        return;
                    }
                    // The tab may never come back: send now, but the session goes on.
                    if let Some(state) = state.upgrade() {
                        if let Ok(mut s) = state.try_borrow_mut() {
                            s.flush();
                        }
                    }
                }
            };
            listeners.extend(dom::report(
                Listener::new(window.as_ref(), "pagehide", leave),
                "help events",
            ));
            listeners.extend(dom::report(
                Listener::new(doc.as_ref(), "visibilitychange", hidden),
                "help events",
            ));
        }
        HelpEvents {
            state,
            _listeners: listeners,
        }
    }

    fn with(&self, f: impl FnOnce(&mut State)) {
        if let Ok(mut s) = self.state.try_borrow_mut() {
            f(&mut s);
        }
    }

    /// Takes the feed's setting: events go to `{support.api}/events` only when it says
    /// `help_events: true`; otherwise nothing is kept or sent.
    pub fn set_feed(&self, feed: &Feed, feed_url: &str) {
        self.with(|s| {
            s.endpoint = feed
                .support
                .as_ref()
                .filter(|support| support.help_events)
                .and_then(|support| resolve_api_base(&support.api, feed_url))
                .map(|api| format!("{}/events", api.trim_end_matches('/')));
            if s.endpoint.is_none() {
                s.queue = EventQueue::new();
            }
        })
    }

    /// The panel opened: a session starts (unless one is going on).
    pub fn session_started(&self) {
        self.with(|s| {
            s.session.get_or_insert_with(HelpSession::new);
        })
    }

    /// The panel closed: the session ends and its events leave.
    pub fn session_ended(&self) {
        self.with(|s| {
            s.end_session();
            s.flush();
        })
    }

    /// The learner opened the answer `faq`.
    pub fn answer_opened(&self, faq: &str) {
        self.with(|s| {
            let event = s
                .session
                .get_or_insert_with(HelpSession::new)
                .answer_opened(faq);
            s.push(event);
        })
    }

    /// A ticket was handed in during this session.
    pub fn ticket_sent(&self) {
        self.with(|s| {
            let events = s.session.get_or_insert_with(HelpSession::new).ticket_sent();
            for event in events {
                s.push(event);
            }
        })
    }

    /// Any other event (a vote, a flow's ending, a search that found nothing).
    pub fn push(&self, event: HelpEvent) {
        self.with(|s| s.push(event))
    }
}

impl Default for HelpEvents {
    fn default() -> HelpEvents {
        HelpEvents::new()
    }
}

impl State {
    fn push(&mut self, event: HelpEvent) {
        if self.endpoint.is_none() {
            return;
        }
        self.queue.push(event);
        if self.queue.len() >= MAX_BATCH {
            self.flush();
        }
    }

    fn end_session(&mut self) {
        if let Some(session) = self.session.take() {
            self.push(session.end());
        }
    }

    /// Sends every waiting event; what the browser does not take is dropped.
    fn flush(&mut self) {
        let Some(endpoint) = self.endpoint.clone() else {
            return;
        };
        if self.queue.is_empty() {
            return;
        }
        let Some(window) = dom::window() else {
            return;
        };
        let navigator = window.navigator();
        for body in self.queue.take_batches() {
            // `false` (over the browser's beacon quota) or an exception: this batch is lost.
            if !matches!(
                navigator.send_beacon_with_opt_str(&endpoint, Some(&body)),
                Ok(true)
            ) {
                dom::warn("a batch of help events could not be sent; it is dropped");
            }
        }
    }
}
