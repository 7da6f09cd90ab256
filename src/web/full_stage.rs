//! The full stage's parts beside the banner: the [`HelpPanel`] and [`Tickets`], and the few
//! actions that cross between them (open the form or "My tickets" from the help view, go back
//! to help), routed by one click listener on the shadow root. Each part handles its own other
//! buttons, keys and inputs.

use crate::base::feed::{Feed, Parsed};
use crate::web::base::Base;
use crate::web::dom::{self, Listener};
use crate::web::help::faq::FaqIndex;
use crate::web::help::{HelpPanel, View};
use crate::web::tickets::form::HostPrefill;
use crate::web::tickets::{keep_last_good_support, Tickets};
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

/// The help panel and tickets, and the listener that routes between them.
pub struct Parts {
    parts: Rc<Composed>,
    _click: Listener,
}

impl std::fmt::Debug for Parts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Parts")
    }
}

struct Composed {
    base: Rc<Base>,
    help: HelpPanel,
    tickets: Tickets,
}

impl Parts {
    /// The banner's and the panel's styles (minified by build.rs from src/web/style.css and
    /// src/web/panel.css).
    pub const STYLE: &'static str = concat!(
        include_str!(concat!(env!("OUT_DIR"), "/style.css")),
        include_str!(concat!(env!("OUT_DIR"), "/panel.css"))
    );

    /// Builds the launcher, the (hidden) dialog and the tickets' views inside it.
    pub fn mount(base: Rc<Base>) -> Result<Parts, JsValue> {
        let tickets = Tickets::create(base.clone())?;
        let (form, list) = tickets.sections();
        let help = HelpPanel::create(base.clone(), &form, &list)?;
        if let Some(launcher) = help.launcher() {
            tickets.attach_launcher(launcher);
        }
        let shadow = base.shadow().clone();
        let parts = Rc::new(Composed {
            base,
            help,
            tickets,
        });
        let weak: Weak<Composed> = Rc::downgrade(&parts);
        parts.tickets.set_help_events(parts.help.events());
        let tickets = weak.clone();
        parts.help.set_hidden_elsewhere(Rc::new(move || {
            tickets
                .upgrade()
                .map(|parts| parts.tickets.hidden_regions())
                .unwrap_or_default()
        }));
        let handed_in = weak.clone();
        parts.tickets.on_handed_in(Rc::new(move || {
            if let Some(parts) = handed_in.upgrade() {
                parts.help.ticket_sent();
            }
        }));
        let click = Listener::new(shadow.as_ref(), "click", move |event| {
            if let Some(parts) = weak.upgrade() {
                parts.on_click(&event);
            }
        })?;
        Ok(Parts {
            parts,
            _click: click,
        })
    }

    /// Keeps the last good support block when this feed's is unusable.
    pub fn check_feed(&self, parsed: &mut Parsed, source: &str) {
        keep_last_good_support(parsed, &self.parts.base.config().feed_url, source);
    }

    /// Hands a new feed, its FAQ still being read, to the help panel and tickets.
    pub fn set_feed(&self, feed: Rc<Feed>) {
        self.hand_over(feed, false);
    }

    /// Hands the feed with its FAQ read, as [`Parts::set_feed`].
    pub fn set_whole_feed(&self, feed: Rc<Feed>) {
        self.hand_over(feed, true);
    }

    /// Hands a feed, with one FAQ index for both parts to share, to the help panel and
    /// tickets; `whole` once its FAQ is read.
    fn hand_over(&self, feed: Rc<Feed>, whole: bool) {
        let index = FaqIndex::new(feed.clone(), &self.parts.base.config().locale);
        self.parts.help.set_feed(feed.clone(), index.clone(), whole);
        self.parts.tickets.set_feed(feed, index);
    }

    /// A fetch finished with a feed known: the outbox may resume.
    pub fn fetched(&self) {
        self.parts.tickets.resume_outbox();
    }

    /// The panel's view, or none while it is closed.
    pub fn showing(&self) -> Option<View> {
        self.parts.help.showing()
    }

    /// The panel's view while it is open, to carry over a remount (`setLocale`).
    pub fn open_view(&self) -> Option<View> {
        self.showing()
    }

    /// Opens the panel again on `view` after a remount, as [`Parts::open_view`] said.
    pub fn reopen(&self, view: View) {
        match view {
            View::Ticket => self.open_ticket(None),
            _ => self.open_help(None),
        }
    }

    /// Opens the help view; `opener` gets focus back on close.
    pub fn open_help(&self, opener: Option<HtmlElement>) {
        self.parts.open_help(opener);
    }

    /// Opens the ticket form.
    pub fn open_ticket(&self, opener: Option<HtmlElement>) {
        self.parts.tickets.set_flow_path(None);
        self.parts.open_ticket(opener);
    }

    /// Opens the panel on "My tickets" (the link in a learner's e-mail).
    pub fn open_my_tickets(&self, opener: Option<HtmlElement>) {
        self.parts.help.open(opener, "my-tickets");
        self.parts.show_my_tickets();
    }

    /// Closes the panel if it is open.
    pub fn close(&self) {
        self.parts.help.close();
    }

    /// Fills ticket fields now if the form is showing, else when it next shows.
    pub fn prefill(&self, fields: HostPrefill) {
        let showing = self.parts.help.showing() == Some(View::Ticket);
        self.parts.tickets.prefill(fields, showing);
    }
}

impl Composed {
    fn open_help(&self, opener: Option<HtmlElement>) {
        self.help.open(opener, "help");
        // Help, not whatever view the panel was closed on.
        self.help.show_view(View::Help, None);
    }

    /// Opens the panel on the ticket form, readied by the tickets part.
    fn open_ticket(&self, opener: Option<HtmlElement>) {
        let showing = self.help.showing();
        self.tickets.prepare_form(showing != Some(View::Ticket));
        if showing.is_none() {
            self.help.open(opener, "ticket");
        }
        self.help
            .show_view(View::Ticket, self.tickets.first_control(View::Ticket));
        self.tickets.apply_host_prefill();
    }

    fn show_my_tickets(&self) {
        self.tickets.show_my_tickets();
        self.help
            .show_view(View::MyTickets, self.tickets.first_control(View::MyTickets));
    }

    /// Opens the form prefilled from the flow's ending, with the trail in its context.
    fn open_flow_ticket(&self) {
        let Some(ticket) = self.help.flow_ticket() else {
            return;
        };
        self.tickets.set_flow_path(Some(ticket.path));
        self.tickets.prefill(
            HostPrefill {
                subject: ticket.subject,
                category: ticket.category,
                priority: ticket.priority,
                ..HostPrefill::default()
            },
            false,
        );
        self.open_ticket(None);
    }

    fn on_click(&self, event: &web_sys::Event) {
        let Some(button) = event
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .and_then(|t| t.closest("[data-action]").ok().flatten())
        else {
            return;
        };
        match button.get_attribute("data-action").as_deref() {
            Some("open-help") => self.open_help(button.dyn_into().ok()),
            Some("close-help") => self.help.close(),
            Some("open-ticket") => {
                self.tickets.set_flow_path(None);
                self.open_ticket(None);
            }
            Some("flow-ticket") => self.open_flow_ticket(),
            Some("open-my-tickets") => self.show_my_tickets(),
            Some("back-to-help") => self.help.show_view(View::Help, None),
            _ => {}
        }
    }
}

// The full stage's JS API beside `web::mount`, `destroy` and `setLocale`: what opens, fills
// and closes the panel.

enum Part {
    Help,
    Ticket,
    MyTickets,
}

/// Opens a part of the widget: `"help"` (the default), `"ticket"` (the ticket form), or
/// `"my-tickets"` (the loader's, for the link in learners' e-mails; not in the host's API).
#[wasm_bindgen]
pub fn open(part: Option<String>) {
    // "my-tickets" is the loader's, for the link in learners' e-mails (`#lms-support-tickets`).
    let part = match part.as_deref() {
        None | Some("help") => Part::Help,
        Some("ticket") => Part::Ticket,
        Some("my-tickets") => Part::MyTickets,
        Some(other) => {
            dom::warn(&format!(
                "open(\"{other}\"): unknown part; use \"help\" or \"ticket\""
            ));
            return;
        }
    };
    super::MOUNTED.with(|m| {
        if let Some(widget) = m.borrow().as_ref() {
            // Focus goes back to the host's control that called us; to our launcher when
            // focus was nowhere (the body) or in our own shadow root (the host element).
            let opener = dom::document()
                .and_then(|d| d.active_element())
                .filter(|e| {
                    !matches!(
                        e.tag_name().as_str(),
                        "BODY" | "HTML" | "LMS-SUPPORT-WIDGET"
                    )
                })
                .and_then(|e| e.dyn_into().ok());
            widget.with_parts(|p| match part {
                Part::Help => p.open_help(opener),
                Part::Ticket => p.open_ticket(opener),
                Part::MyTickets => p.open_my_tickets(opener),
            });
        }
    });
}

/// Fills ticket fields (`{subject, description, priority, category, name, email}`, strings):
/// at once if the ticket form is showing, else when it is next opened. Errors are logged.
#[wasm_bindgen]
pub fn prefill(fields: JsValue) {
    let fields = match HostPrefill::from_js(&fields) {
        Ok(fields) => fields,
        Err(message) => return dom::warn(&message),
    };
    super::MOUNTED.with(|m| {
        if let Some(widget) = m.borrow().as_ref() {
            widget.with_parts(|p| p.prefill(fields));
        }
    });
}

/// Closes the help panel if it is open.
#[wasm_bindgen]
pub fn close() {
    super::MOUNTED.with(|m| {
        if let Some(widget) = m.borrow().as_ref() {
            widget.with_parts(|p| p.close());
        }
    });
}
