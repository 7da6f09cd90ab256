//! The help panel: the launcher button and an accessible dialog (WAI-ARIA dialog pattern)
//! whose help view (causes, search, topics, contacts) this part draws. The other parts' views
//! (the ticket form, "My tickets") are sections handed to [`HelpPanel::create`]: the dialog
//! shows one view at a time and never looks inside the others.
//!
//! Opening moves focus to the search box, Tab and Shift+Tab wrap inside the dialog, Escape
//! closes it and focus returns to whatever opened it. Results update on every keystroke; the
//! count is announced politely once typing pauses. FAQ entries are disclosures
//! ([`crate::web::help::faq`]). What to show comes from [`crate::help`] and [`crate::help::search`].

pub(super) mod events;
pub(super) mod faq;
pub(super) mod flows;
mod markdown;
pub(super) mod vote;

use crate::banner::active_items;
use crate::base::feed::Feed;
use crate::base::i18n::{message, Msg};
use crate::help::events::{no_result_terms, HelpEvent, Subject};
use crate::help::{panel_view, search_results, CauseLine, PanelView};
use crate::web::base::{now, Base};
use crate::web::build::{add, build, make, Spec, Text};
use crate::web::dom::{self, report, Listener, Timer};
use crate::web::help::events::HelpEvents;
use crate::web::help::faq::{Disclosures, FaqIndex, Toggled};
use crate::web::help::flows::{FlowTicket, Flows};
use crate::web::help::vote::VoteBoxes;
use js_sys::{Object, Reflect};
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, HtmlElement, HtmlInputElement, KeyboardEvent};

/// Announce the result count once typing pauses this long (a count per keystroke is noise).
const ANNOUNCE_DELAY_MS: f64 = 600.0;
const FOCUSABLE: &str = "button, [href], input, select, textarea, [tabindex]:not([tabindex='-1'])";

/// The dialog (hidden) around the views: its header and body.
const DIALOG: Spec = Spec::el("div", "lsw-panel")
    .attrs(&[
        ("role", "dialog"),
        ("aria-modal", "true"),
        ("aria-labelledby", "lsw-panel-title"),
        ("hidden", ""),
    ])
    .children(&[
        Spec::el("div", "lsw-panel-header").children(&[
            Spec::el("h2", "lsw-panel-title")
                .msg(Msg::HelpTitle)
                .attrs(&[("id", "lsw-panel-title")]),
            Spec::el("button", "lsw-close")
                .text(Text::Str("\u{00d7}"))
                .attrs(&[("type", "button"), ("data-action", "close-help")])
                .keep(),
        ]),
        // The help view, then the tickets part's views.
        Spec::el("div", "lsw-panel-body")
            .keep()
            .children(&[HELP_VIEW.keep()]),
    ]);

/// The help view as first drawn: what comes from the feed is drawn on opening.
const HELP_VIEW: Spec = Spec::el("div", "lsw-help").children(&[
    Spec::el("section", "lsw-causes")
        .attrs(&[("hidden", "")])
        .keep(),
    Spec::el("div", "lsw-search").children(&[
        Spec::el("label", "lsw-search-label")
            .msg(Msg::SearchLabel)
            .attrs(&[("for", "lsw-q")]),
        Spec::el("input", "lsw-q")
            .attrs(&[
                ("id", "lsw-q"),
                ("type", "search"),
                ("autocomplete", "off"),
                ("spellcheck", "false"),
                ("aria-describedby", "lsw-count"),
            ])
            .keep(),
    ]),
    Spec::el("p", "lsw-count")
        .attrs(&[
            ("id", "lsw-count"),
            ("aria-live", "polite"),
            ("role", "status"),
        ])
        .keep(),
    Spec::el("div", "lsw-results").keep(),
    Spec::el("section", "lsw-flows")
        .attrs(&[("hidden", "")])
        .keep(),
    Spec::el("section", "lsw-browse").keep(),
    Spec::el("section", "lsw-contact").keep(),
]);

/// The three views of the panel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// Search and FAQ.
    Help,
    /// The ticket form.
    Ticket,
    /// Tickets filed from this browser.
    MyTickets,
}

/// The mounted help panel; dropping it removes its listeners and timer.
pub struct HelpPanel {
    inner: Rc<RefCell<Inner>>,
    events: Rc<HelpEvents>,
    _listeners: Vec<Listener>,
}

/// What a listener of the panel runs.
type Handler = fn(&mut Inner, &web_sys::Event) -> Result<(), JsValue>;

impl std::fmt::Debug for HelpPanel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HelpPanel")
    }
}

struct Inner {
    base: Rc<Base>,
    feed: Option<Rc<Feed>>,
    index: Option<Rc<FaqIndex>>,
    /// The feed's FAQ is read (until then it is handed over without it).
    whole: bool,
    /// A query waits for the FAQ to be read and indexed; searched then.
    waiting: bool,
    launcher: Element,
    backdrop: Element,
    dialog: Element,
    causes: Element,
    input: HtmlInputElement,
    count: Element,
    results: Element,
    browse: Element,
    contact: Element,
    /// Each view's section in the dialog body.
    views: [(View, Element); 3],
    browse_items: Disclosures,
    results_items: Disclosures,
    flows: Flows,
    votes: VoteBoxes,
    events: Rc<HelpEvents>,
    opener: Option<HtmlElement>,
    announce_timer: Option<Timer>,
    /// The dialog is showing. Kept here, not read back from the DOM: the DOM only draws it.
    open: bool,
    /// The section the dialog shows (or will show when opened).
    view: View,
    /// What the other parts hide inside their views, for the Tab wrap.
    hidden_elsewhere: Option<HiddenRegions>,
}

/// Asks a part which regions of its views are hidden now (from its own state).
pub type HiddenRegions = Rc<dyn Fn() -> Vec<Element>>;

fn with_inner<R>(weak: &Weak<RefCell<Inner>>, f: impl FnOnce(&mut Inner) -> R) -> Option<R> {
    let rc = weak.upgrade()?;
    let mut inner = rc.try_borrow_mut().ok()?;
    Some(f(&mut inner))
}

impl HelpPanel {
    /// Builds the launcher and the (hidden) dialog in the shadow root, with the help view and
    /// the other parts' sections `ticket` and `my_tickets` in its body.
    pub fn create(
        base: Rc<Base>,
        ticket: &Element,
        my_tickets: &Element,
    ) -> Result<HelpPanel, JsValue> {
        let doc = base.doc();
        let lang = base.lang();
        let config = base.config();
        let launcher_button = crate::web::launcher::button(
            doc,
            lang,
            config.launcher,
            config.launcher_label.as_deref(),
        )?;
        let (
            dialog,
            [close, body, help_section, causes, input, count, results, flows, browse, contact],
        ) = build(doc, lang, &DIALOG)?;
        let backdrop = make(
            doc,
            "div",
            "lsw-backdrop",
            &[("data-action", "close-help"), ("hidden", "")],
            "",
        )?;
        // One fallible step for the rest: a failure has one place to let go of the nodes.
        (|| {
            close.set_attribute("aria-label", message(lang, Msg::Close))?;
            input.set_attribute("placeholder", message(lang, Msg::SearchPlaceholder))?;
            body.append_child(ticket)?;
            body.append_child(my_tickets)?;
            for part in [&launcher_button, &backdrop, &dialog] {
                base.shadow().append_child(part)?;
            }
            Ok::<_, JsValue>(())
        })()?;
        let input: HtmlInputElement = input.unchecked_into();
        let flows = Flows::new(flows);
        let shadow = base.shadow().clone();
        let events = Rc::new(HelpEvents::new());
        let votes = VoteBoxes::new(&base.config().feed_url);
        let inner = Rc::new(RefCell::new(Inner {
            base,
            feed: None,
            index: None,
            whole: false,
            waiting: false,
            launcher: launcher_button,
            backdrop,
            dialog,
            causes,
            input: input.clone(),
            count,
            results,
            browse,
            contact,
            views: [
                (View::Help, help_section.clone()),
                (View::Ticket, ticket.clone()),
                (View::MyTickets, my_tickets.clone()),
            ],
            browse_items: Disclosures::new("lsw-d"),
            results_items: Disclosures::new("lsw-r"),
            flows,
            votes,
            events: events.clone(),
            opener: None,
            announce_timer: None,
            open: false,
            view: View::Help,
            hidden_elsewhere: None,
        }));
        let weak = Rc::downgrade(&inner);
        let on = |f: Handler| {
            let weak = weak.clone();
            move |event: web_sys::Event| {
                with_inner(&weak, |s| report(f(s, &event), "help panel"));
            }
        };
        let table: [(&web_sys::EventTarget, &'static str, Handler); 3] = [
            (shadow.as_ref(), "keydown", Inner::on_key),
            (input.as_ref(), "input", |s, _| s.show_results()),
            (help_section.as_ref(), "click", Inner::on_click),
        ];
        let mut listeners = Vec::with_capacity(table.len());
        for (target, kind, handler) in table {
            listeners.push(Listener::new(target, kind, on(handler))?);
        }
        Ok(HelpPanel {
            inner,
            events,
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

    /// Where the Tab wrap learns which regions of the other parts' views are hidden.
    pub fn set_hidden_elsewhere(&self, regions: HiddenRegions) {
        self.with(|s| s.hidden_elsewhere = Some(regions));
    }

    /// Takes a new feed and its FAQ index (`whole`: its FAQ read); an open panel is redrawn
    /// from it at once, and a query typed before the FAQ was indexed is searched once it is.
    pub fn set_feed(&self, feed: Rc<Feed>, index: Rc<FaqIndex>, whole: bool) {
        let weak = Rc::downgrade(&self.inner);
        index.when_built(move || {
            with_inner(&weak, |s| {
                if s.waiting && s.whole {
                    report(s.show_results(), "help panel");
                }
            });
        });
        self.with(|s| {
            s.events.set_feed(&feed, &s.base.config().feed_url);
            s.feed = Some(feed);
            s.index = Some(index);
            s.whole = whole;
            if s.open {
                report(s.fill(), "help panel");
                report(s.show_results(), "help panel");
            }
        })
    }

    /// The view showing, or none while the dialog is closed.
    pub fn showing(&self) -> Option<View> {
        self.with(|s| s.open.then_some(s.view))
    }

    /// Opens the dialog if closed, filled from the current feed (`opener` gets focus back on
    /// close), and tells the host which `part` was asked for (the `open` event).
    pub fn open(&self, opener: Option<HtmlElement>, part: &str) {
        self.with(|s| {
            if s.open {
                return;
            }
            s.events.session_started();
            s.flows.reset();
            report(s.fill(), "help panel");
            dom::mark("lms-support:help-filled");
            s.opener = opener;
            let shown = s.show_dialog();
            report(shown, "help panel");
            if s.open {
                let detail = Object::new();
                report(
                    Reflect::set(&detail, &"part".into(), &part.into()),
                    "widget",
                );
                dom::dispatch("open", &detail);
            }
        })
    }

    /// The launcher button, for the tickets part's news badge.
    pub fn launcher(&self) -> Option<Element> {
        self.with(|s| Some(s.launcher.clone()))
    }

    /// Hides the dialog and returns focus to the opener if it is still on the page.
    pub fn close(&self) {
        self.with(|s| report(s.close(), "help panel"));
    }

    /// The ticket the flow being walked ended in, if it did.
    pub fn flow_ticket(&self) -> Option<FlowTicket> {
        self.with(|s| {
            let feed = s.feed.clone()?;
            s.flows.ticket(&feed, &s.base.config().locale)
        })
    }

    /// The help events of this panel's session, for the ticket form's suggested answers.
    pub fn events(&self) -> Rc<HelpEvents> {
        self.events.clone()
    }

    /// A ticket was handed in: the session's answers count as ending in a ticket.
    pub fn ticket_sent(&self) {
        self.events.ticket_sent();
    }

    /// Shows one view and moves focus to `focus`, or for the help view to the search box.
    pub fn show_view(&self, view: View, focus: Option<HtmlElement>) {
        self.with(|s| report(s.show_view(view, focus), "help panel"));
    }
}

impl Inner {
    fn show_dialog(&mut self) -> Result<(), JsValue> {
        self.dialog.remove_attribute("hidden")?;
        self.backdrop.remove_attribute("hidden")?;
        self.launcher.set_attribute("aria-expanded", "true")?;
        self.open = true;
        self.input.focus()
    }

    fn close(&mut self) -> Result<(), JsValue> {
        if !self.open {
            return Ok(());
        }
        self.open = false;
        self.dialog.set_attribute("hidden", "")?;
        self.backdrop.set_attribute("hidden", "")?;
        self.launcher.set_attribute("aria-expanded", "false")?;
        self.announce_timer = None;
        self.events.session_ended();
        dom::dispatch("close", &JsValue::NULL);
        match self.opener.take().filter(|o| o.is_connected()) {
            Some(opener) => opener.focus(),
            None if self.base.config().launcher != crate::web::launcher::Launcher::None => {
                self.launcher.unchecked_ref::<HtmlElement>().focus()
            }
            None => Ok(()),
        }
    }

    fn show_view(&mut self, view: View, focus: Option<HtmlElement>) -> Result<(), JsValue> {
        self.view = view;
        for (v, section) in &self.views {
            if *v == view {
                section.remove_attribute("hidden")?;
            } else {
                section.set_attribute("hidden", "")?;
            }
        }
        let first = match view {
            View::Help => Some(self.input.clone().unchecked_into::<HtmlElement>()),
            _ => focus,
        };
        if let Some(first) = first {
            first.focus()?;
        }
        Ok(())
    }

    /// The help view for the current feed ([`panel_view`]): what this viewer would see active
    /// now, quiet page or not.
    fn view(&self) -> PanelView {
        let base = &self.base;
        let feed = self.feed.as_deref();
        let items = feed
            .map(|feed| active_items(feed, &base.viewer(false), now(), base.zones()))
            .unwrap_or_default();
        panel_view(feed, &items, &base.config().locale)
    }

    /// Draws the parts that come from the feed: causes, topics, contacts.
    fn fill(&mut self) -> Result<(), JsValue> {
        let base = self.base.clone();
        let (doc, lang) = (base.doc(), base.lang());
        let view = self.view();
        self.causes.replace_children_with_node_0();
        if view.causes.is_empty() {
            self.causes.set_attribute("hidden", "")?;
        } else {
            self.causes.remove_attribute("hidden")?;
            let lead = message(lang, Msg::MayBeCaused);
            add(doc, &self.causes, "p", "lsw-causes-lead", &[], lead)?;
            let list = add(doc, &self.causes, "ul", "", &[], "")?;
            cause_items(doc, &list, &view.causes, true)?;
        }

        self.votes.prune();
        if let Some(feed) = self.feed.clone() {
            let cx = flows::Context {
                doc,
                lang,
                locale: &base.config().locale,
                feed: &feed,
                causes: &view.causes,
            };
            self.flows.draw(&cx, &mut self.votes, false)?;
        }

        self.browse.replace_children_with_node_0();
        self.browse_items.clear();
        // Its topics come with the FAQ, read in steps after the rest of the feed.
        if self.whole {
            self.browse.remove_attribute("aria-busy")?;
        } else {
            self.browse.set_attribute("aria-busy", "true")?;
        }
        if !view.topics.is_empty() {
            add(
                doc,
                &self.browse,
                "h3",
                "",
                &[],
                message(lang, Msg::BrowseTopics),
            )?;
        }
        for topic in &view.topics {
            let (toggle, list) =
                self.browse_items
                    .topic(doc, &topic.label, topic.entries.clone())?;
            self.browse.append_child(&toggle)?;
            self.browse.append_child(&list)?;
        }

        let contact = &self.contact;
        contact.replace_children_with_node_0();
        add(
            doc,
            contact,
            "h3",
            "",
            &[],
            message(lang, Msg::StillNeedHelp),
        )?;
        let list = add(doc, contact, "ul", "", &[], "")?;
        for line in &view.contacts {
            let li = add(doc, &list, "li", "", &[], "")?;
            add(doc, &li, "a", "", &[("href", &line.href)], &line.label)?;
        }
        if view.offers_tickets {
            for (msg, action) in [
                (Msg::ContactSupport, "open-ticket"),
                (Msg::MyTickets, "open-my-tickets"),
            ] {
                let attrs = [("type", "button"), ("data-action", action)];
                add(
                    doc,
                    contact,
                    "button",
                    "lsw-secondary",
                    &attrs,
                    message(lang, msg),
                )?;
            }
        }
        if let Some(hours) = &view.hours {
            add(doc, contact, "p", "", &[], hours)?;
        }
        Ok(())
    }

    /// Shows the results for the current query ([`search_results`]); the best one opens at
    /// once.
    fn show_results(&mut self) -> Result<(), JsValue> {
        let base = self.base.clone();
        let (doc, locale) = (base.doc(), &base.config().locale);
        let query = self.input.value();
        self.results.replace_children_with_node_0();
        self.results_items.clear();
        self.votes.prune();
        self.announce_timer = None;
        // A blank query needs no index. Until the FAQ is read and indexed in steps (a large
        // one takes a few hundred ms after opening), a query shows the results as busy and is
        // searched then: finishing the index here would be one long task.
        self.waiting = !query.trim().is_empty();
        let feed = self.feed.clone().filter(|_| self.whole);
        let index = self.index.clone();
        let ready = feed
            .as_deref()
            .zip(index.as_deref().and_then(FaqIndex::built));
        if self.waiting && ready.is_none() {
            self.results.set_attribute("aria-busy", "true")?;
        } else {
            self.results.remove_attribute("aria-busy")?;
        }
        let view = ready
            .filter(|_| self.waiting)
            .and_then(|(feed, index)| search_results(&feed.faq, index, &query, locale));
        let (Some(feed), Some(view)) = (feed.clone(), view) else {
            self.count.set_text_content(None);
            return Ok(());
        };
        self.waiting = false;
        if let Some(empty) = &view.empty_message {
            add(doc, &self.results, "p", "lsw-empty", &[], empty)?;
        }
        for (rank, entry) in view.entries.iter().enumerate() {
            // Results follow the dialog's h2 directly: h3 keeps the heading outline in order.
            let item = self
                .results_items
                .faq_item(doc, entry, Some(&query), "h3")?;
            self.results.append_child(&item)?;
            if rank == 0 {
                // Shown, not chosen: not counted as opened (it changes with every keystroke).
                let opened = self.results_items.open_last(doc, &feed, locale)?;
                self.vote_under(&feed, opened)?;
            }
        }
        let count = self.count.clone();
        let announcement = view.announcement;
        // Only the search the learner paused on counts as finding nothing.
        let mut no_result = view
            .entries
            .is_empty()
            .then(|| no_result_terms(&query))
            .flatten();
        let events = self.events.clone();
        self.announce_timer = Timer::once(ANNOUNCE_DELAY_MS, move || {
            count.set_text_content(Some(&announcement));
            if let Some(terms) = no_result.take() {
                events.push(HelpEvent::NoResult { terms });
            }
        })
        .ok();
        Ok(())
    }

    /// Opens or closes one of this view's disclosures.
    fn toggle(&mut self, button: &Element) -> Result<(), JsValue> {
        let Some(feed) = self.feed.clone() else {
            return Ok(());
        };
        let base = self.base.clone();
        let (doc, locale) = (base.doc(), &base.config().locale);
        let mut toggled = self.browse_items.toggle(button, doc, &feed, locale)?;
        if toggled == Toggled::NotOurs {
            toggled = self.results_items.toggle(button, doc, &feed, locale)?;
        }
        if let Toggled::Opened { faq, .. } = &toggled {
            if let Some(entry) = feed.faq.get(*faq) {
                self.events.answer_opened(&entry.id);
            }
        }
        self.vote_under(&feed, toggled)
    }

    /// Puts "Did this help?" under an answer the first time it opens.
    fn vote_under(&mut self, feed: &Feed, toggled: Toggled) -> Result<(), JsValue> {
        let Toggled::Opened {
            faq,
            answer,
            first: true,
        } = toggled
        else {
            return Ok(());
        };
        let Some(entry) = feed.faq.get(faq) else {
            return Ok(());
        };
        let base = self.base.clone();
        let subject = Subject::Faq(entry.id.clone());
        if let Some(vote) = self.votes.draw(base.doc(), base.lang(), subject)? {
            answer.append_child(&vote)?;
        }
        Ok(())
    }

    /// A press in the flows section.
    fn press_flow(&mut self, button: &Element) -> Result<(), JsValue> {
        let Some(feed) = self.feed.clone() else {
            return Ok(());
        };
        let base = self.base.clone();
        let view = self.view();
        let cx = flows::Context {
            doc: base.doc(),
            lang: base.lang(),
            locale: &base.config().locale,
            feed: &feed,
            causes: &view.causes,
        };
        self.votes.prune();
        self.flows
            .press(button, &cx, &mut self.votes, &self.events)
            .map(|_| ())
    }

    /// A press on a "Did this help?" button.
    fn vote(&mut self, button: &Element) -> Result<(), JsValue> {
        let base = self.base.clone();
        if let Some(event) = self.votes.press(button, base.doc(), base.lang())? {
            self.events.push(event);
        }
        Ok(())
    }

    /// A click in the help view: a disclosure, a flow button or a "Did this help?" button.
    fn on_click(&mut self, event: &web_sys::Event) -> Result<(), JsValue> {
        let button = event
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .and_then(|t| t.closest("[data-action]").ok().flatten());
        let Some(button) = button else {
            return Ok(());
        };
        match button.get_attribute("data-action").as_deref() {
            Some("toggle") => self.toggle(&button),
            Some("flow") => self.press_flow(&button),
            Some("vote") => self.vote(&button),
            _ => Ok(()),
        }
    }

    /// The regions of the dialog hidden now, as the parts' state says (not as the DOM's
    /// `hidden` attributes do): the views not showing, the closed topics and answers, and what
    /// the tickets part hides in its views. The causes and flows sections are emptied when
    /// they hide, so they hold no control then.
    fn hidden_regions(&self) -> Vec<Element> {
        let mut hidden: Vec<Element> = self
            .views
            .iter()
            .filter(|(view, _)| *view != self.view)
            .map(|(_, section)| section.clone())
            .collect();
        hidden.extend(self.browse_items.closed_targets().cloned());
        hidden.extend(self.results_items.closed_targets().cloned());
        if let Some(elsewhere) = &self.hidden_elsewhere {
            hidden.extend(elsewhere());
        }
        hidden
    }

    /// Escape closes; Tab and Shift+Tab wrap inside the dialog.
    fn on_key(&mut self, event: &web_sys::Event) -> Result<(), JsValue> {
        let Some(event) = event.dyn_ref::<KeyboardEvent>().filter(|_| self.open) else {
            return Ok(());
        };
        match event.key().as_str() {
            "Escape" => {
                event.prevent_default();
                self.close()
            }
            "Tab" => {
                let focusable = self.dialog.query_selector_all(FOCUSABLE)?;
                let hidden = self.hidden_regions();
                let visible: Vec<HtmlElement> = (0..focusable.length())
                    .filter_map(|i| focusable.item(i))
                    .filter_map(|n| n.dyn_into::<HtmlElement>().ok())
                    .filter(|e| {
                        !hidden
                            .iter()
                            .any(|region| region.contains(Some(e.as_ref())))
                    })
                    .collect();
                let (Some(first), Some(last)) = (visible.first(), visible.last()) else {
                    return Ok(());
                };
                let active = self.base.shadow().active_element();
                let inside = active
                    .as_ref()
                    .is_some_and(|a| self.dialog.contains(Some(a)));
                let at = |e: &HtmlElement| active.as_ref() == Some(e.unchecked_ref::<Element>());
                let target = if !inside {
                    Some(first)
                } else if event.shift_key() && at(first) {
                    Some(last)
                } else if !event.shift_key() && at(last) {
                    Some(first)
                } else {
                    None
                };
                match target {
                    Some(target) => {
                        event.prevent_default();
                        target.focus()
                    }
                    None => Ok(()),
                }
            }
            _ => Ok(()),
        }
    }
}

/// The causes in `list`, one `li` each: the heading in bold, then the title; with its `data-id`
/// when `ids`.
pub fn cause_items(
    doc: &Document,
    list: &Element,
    causes: &[CauseLine],
    ids: bool,
) -> Result<(), JsValue> {
    for cause in causes {
        let id: &[(&str, &str)] = if ids { &[("data-id", &cause.id)] } else { &[] };
        let li = add(doc, list, "li", "", id, "")?;
        add(doc, &li, "strong", "", &[], &format!("{}: ", cause.heading))?;
        li.append_child(&cause_title(doc, cause)?)?;
    }
    Ok(())
}

/// A cause's title: a plain text node, or a `span lang=…` when the feed fell back to another
/// language than the widget's.
pub fn cause_title(doc: &Document, cause: &CauseLine) -> Result<web_sys::Node, JsValue> {
    Ok(match &cause.title_lang {
        Some(tag) => {
            let attrs = [("lang", tag.as_str()), ("dir", "auto")];
            make(doc, "span", "", &attrs, &cause.title)?.into()
        }
        None => doc.create_text_node(&cause.title).into(),
    })
}
