//! The help panel: a launcher button and an accessible dialog (WAI-ARIA dialog pattern).
//!
//! Opening moves focus to the search box, Tab and Shift+Tab wrap inside the dialog, Escape
//! closes it and focus returns to whatever opened it. Results update on every keystroke; the
//! count is announced politely once typing pauses. FAQ entries are disclosures (a button with
//! `aria-expanded` controlling the answer), and answers are built from the Markdown AST only
//! when first expanded. What to show comes from [`crate::help`] and [`crate::search`].

use super::dom::{action_button, append, el, report, text_el, Timer};
use super::launcher::Launcher;
use super::markdown_dom::append_blocks;
use super::ticket_form::TicketForm;
use crate::feed::Feed;
use crate::help::{categories, contacts, results_view, CauseLine};
use crate::i18n::{fill, message, Lang, Msg};
use crate::search::{highlight_ranges, SearchIndex};
use crate::text::lang_attribute;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, HtmlElement, HtmlInputElement, KeyboardEvent, ShadowRoot};

/// Results shown for a query.
const RESULT_LIMIT: usize = 8;
/// Announce the result count once typing pauses this long (a count per keystroke is noise).
const ANNOUNCE_DELAY_MS: f64 = 600.0;
const FOCUSABLE: &str = "button, [href], input, select, textarea, [tabindex]:not([tabindex='-1'])";

/// The panel's nodes and state.
pub struct HelpPanel {
    doc: Document,
    launcher: Element,
    backdrop: Element,
    dialog: Element,
    causes: Element,
    input: HtmlInputElement,
    count: Element,
    results: Element,
    browse: Element,
    contact: Element,
    help_section: Element,
    /// The ticket form view.
    pub ticket: TicketForm,
    my_tickets: Element,
    opener: Option<HtmlElement>,
    announce_timer: Option<Timer>,
    /// The dialog is showing. Kept here, not read back from the DOM: the DOM only draws it.
    open: bool,
    /// The section the dialog shows (or will show when opened).
    view: View,
    next_id: u32,
}

impl std::fmt::Debug for HelpPanel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HelpPanel")
    }
}

impl HelpPanel {
    /// Builds the launcher and the (hidden) dialog in `shadow`.
    pub fn create(
        doc: &Document,
        shadow: &ShadowRoot,
        lang: Lang,
        launcher: Launcher,
        label: Option<&str>,
    ) -> Result<HelpPanel, JsValue> {
        let launcher_button = super::launcher::button(doc, lang, launcher, label)?;
        let backdrop = el(doc, "div", "lsw-backdrop")?;
        backdrop.set_attribute("data-action", "close-help")?;
        backdrop.set_attribute("hidden", "")?;

        let dialog = el(doc, "div", "lsw-panel")?;
        dialog.set_attribute("role", "dialog")?;
        dialog.set_attribute("aria-modal", "true")?;
        dialog.set_attribute("aria-labelledby", "lsw-panel-title")?;
        dialog.set_attribute("hidden", "")?;
        let header = el(doc, "div", "lsw-panel-header")?;
        let title = text_el(doc, "h2", "lsw-panel-title", message(lang, Msg::HelpTitle))?;
        title.set_id("lsw-panel-title");
        let close = action_button(doc, "lsw-close", "\u{00d7}", "close-help")?;
        close.set_attribute("aria-label", message(lang, Msg::Close))?;
        header.append_child(&title)?;
        header.append_child(&close)?;

        let body = el(doc, "div", "lsw-panel-body")?;
        let causes = el(doc, "section", "lsw-causes")?;
        causes.set_attribute("hidden", "")?;
        let search = el(doc, "div", "lsw-search")?;
        let search_label = text_el(
            doc,
            "label",
            "lsw-search-label",
            message(lang, Msg::SearchLabel),
        )?;
        search_label.set_attribute("for", "lsw-q")?;
        let input: HtmlInputElement = el(doc, "input", "lsw-q")?.unchecked_into();
        input.set_id("lsw-q");
        input.set_type("search");
        input.set_attribute("autocomplete", "off")?;
        input.set_attribute("spellcheck", "false")?;
        input.set_attribute("placeholder", message(lang, Msg::SearchPlaceholder))?;
        input.set_attribute("aria-describedby", "lsw-count")?;
        search.append_child(&search_label)?;
        search.append_child(&input)?;
        let count = el(doc, "p", "lsw-count")?;
        count.set_id("lsw-count");
        count.set_attribute("aria-live", "polite")?;
        count.set_attribute("role", "status")?;
        let results = el(doc, "div", "lsw-results")?;
        let browse = el(doc, "section", "lsw-browse")?;
        let contact = el(doc, "section", "lsw-contact")?;
        let help_section = el(doc, "div", "lsw-help")?;
        for part in [&causes, &search, &count, &results, &browse, &contact] {
            help_section.append_child(part)?;
        }
        let ticket = TicketForm::create(doc, lang)?;
        let my_tickets = el(doc, "section", "lsw-my-tickets")?;
        my_tickets.set_attribute("hidden", "")?;
        body.append_child(&help_section)?;
        body.append_child(&ticket.section)?;
        body.append_child(&my_tickets)?;
        dialog.append_child(&header)?;
        dialog.append_child(&body)?;
        for part in [&launcher_button, &backdrop, &dialog] {
            shadow.append_child(part)?;
        }
        Ok(HelpPanel {
            doc: doc.clone(),
            launcher: launcher_button,
            backdrop,
            dialog,
            causes,
            input,
            count,
            results,
            browse,
            contact,
            help_section,
            ticket,
            my_tickets,
            opener: None,
            announce_timer: None,
            open: false,
            view: View::Help,
            next_id: 0,
        })
    }

    /// True while the dialog is showing.
    pub fn is_open(&self) -> bool {
        self.open
    }

    /// True while the dialog is showing `view`.
    pub fn shows(&self, view: View) -> bool {
        self.open && self.view == view
    }

    /// The current search text.
    pub fn query(&self) -> String {
        self.input.value()
    }

    /// True when `element` is the search box.
    pub fn is_search_box(&self, element: &Element) -> bool {
        element == self.input.unchecked_ref::<Element>()
    }

    /// Shows the dialog and moves focus into it; `opener` gets focus back on close.
    pub fn open(&mut self, opener: Option<HtmlElement>) -> Result<(), JsValue> {
        if !self.is_open() {
            self.opener = opener;
            self.dialog.remove_attribute("hidden")?;
            self.backdrop.remove_attribute("hidden")?;
            self.launcher.set_attribute("aria-expanded", "true")?;
            self.open = true;
        }
        self.input.focus()
    }

    /// Hides the dialog and returns focus to the opener if it is still on the page.
    pub fn close(&mut self) -> Result<(), JsValue> {
        if !self.is_open() {
            return Ok(());
        }
        self.open = false;
        self.dialog.set_attribute("hidden", "")?;
        self.backdrop.set_attribute("hidden", "")?;
        self.launcher.set_attribute("aria-expanded", "false")?;
        self.announce_timer = None;
        super::dom::dispatch("close", &JsValue::NULL);
        match self.opener.take().filter(|o| o.is_connected()) {
            Some(opener) => opener.focus(),
            None if !self.launcher.has_attribute("hidden") => {
                self.launcher.unchecked_ref::<HtmlElement>().focus()
            }
            None => Ok(()),
        }
    }

    /// Redraws the parts that come from the feed: causes, topics, contacts.
    pub fn fill(
        &mut self,
        feed: Option<&Feed>,
        causes: &[CauseLine],
        lang: Lang,
        locale: &str,
    ) -> Result<(), JsValue> {
        let doc = self.doc.clone();
        self.causes.replace_children_with_node_0();
        if causes.is_empty() {
            self.causes.set_attribute("hidden", "")?;
        } else {
            self.causes.remove_attribute("hidden")?;
            append(
                &self.causes,
                text_el(
                    &doc,
                    "p",
                    "lsw-causes-lead",
                    message(lang, Msg::MayBeCaused),
                ),
            )?;
            let list = el(&doc, "ul", "")?;
            for cause in causes {
                let li = el(&doc, "li", "")?;
                li.set_attribute("data-id", &cause.id)?;
                append(
                    &li,
                    text_el(&doc, "strong", "", &format!("{}: ", cause.heading)),
                )?;
                li.append_child(&cause_title(&doc, cause)?)?;
                list.append_child(&li)?;
            }
            self.causes.append_child(&list)?;
        }

        self.browse.replace_children_with_node_0();
        let faq = feed.map(|f| f.faq.as_slice()).unwrap_or_default();
        if !faq.is_empty() {
            append(
                &self.browse,
                text_el(&doc, "h3", "", message(lang, Msg::BrowseTopics)),
            )?;
            for group in categories(faq, lang) {
                let id = self.fresh_id();
                let toggle = disclosure_button(&doc, &group.label, &id, "lsw-topic")?;
                let list = el(&doc, "div", "lsw-topic-entries")?;
                list.set_id(&id);
                list.set_attribute("hidden", "")?;
                for index in group.entries {
                    if let Some(entry) = faq.get(index) {
                        let (tag, question) = entry.question.get_with_tag(locale);
                        let question_lang = lang_attribute(tag, lang.tag());
                        let item = self.faq_item(index, question, question_lang, None, "h4")?;
                        list.append_child(&item)?;
                    }
                }
                self.browse.append_child(&toggle)?;
                self.browse.append_child(&list)?;
            }
        }

        self.contact.replace_children_with_node_0();
        append(
            &self.contact,
            text_el(&doc, "h3", "", message(lang, Msg::StillNeedHelp)),
        )?;
        let support = feed.and_then(|f| f.support.as_ref());
        let list = el(&doc, "ul", "")?;
        for contact in contacts(support, lang) {
            let li = el(&doc, "li", "")?;
            let a = text_el(&doc, "a", "", &contact.label)?;
            a.set_attribute("href", &contact.href)?;
            li.append_child(&a)?;
            list.append_child(&li)?;
        }
        self.contact.append_child(&list)?;
        if support.is_some() {
            for (msg, action) in [
                (Msg::ContactSupport, "open-ticket"),
                (Msg::MyTickets, "open-my-tickets"),
            ] {
                let button = action_button(&doc, "lsw-secondary", message(lang, msg), action)?;
                self.contact.append_child(&button)?;
            }
        }
        if let Some(hours) = support.and_then(|s| s.hours.as_deref()) {
            append(
                &self.contact,
                text_el(
                    &doc,
                    "p",
                    "",
                    &fill(message(lang, Msg::SupportHours), &[("hours", hours)]),
                ),
            )?;
        }
        Ok(())
    }

    /// Shows the results for the current query; the best one opens at once.
    pub fn show_results(
        &mut self,
        feed: Option<&Feed>,
        index: Option<&SearchIndex>,
        lang: Lang,
        locale: &str,
    ) -> Result<(), JsValue> {
        let query = self.query();
        self.results.replace_children_with_node_0();
        self.announce_timer = None;
        let (Some(feed), Some(index)) = (feed, index) else {
            return Ok(());
        };
        if query.trim().is_empty() {
            self.count.set_text_content(None);
            return Ok(());
        }
        let entries: Vec<usize> = index
            .search(&query, RESULT_LIMIT)
            .into_iter()
            .map(|hit| hit.index)
            .collect();
        let view = results_view(entries, &query, lang);
        if let Some(empty) = &view.empty_message {
            append(&self.results, text_el(&self.doc, "p", "lsw-empty", empty))?;
        }
        for (rank, &i) in view.entries.iter().enumerate() {
            let Some(entry) = feed.faq.get(i) else {
                continue;
            };
            // Results follow the dialog's h2 directly: h3 keeps the heading outline in order.
            let (tag, question) = entry.question.get_with_tag(locale);
            let question_lang = lang_attribute(tag, lang.tag());
            let item = self.faq_item(i, question, question_lang, Some(&query), "h3")?;
            self.results.append_child(&item)?;
            if rank == 0 {
                self.expand(&item, feed, locale)?;
            }
        }
        let count = self.count.clone();
        let announcement = view.announcement;
        self.announce_timer = Timer::once(ANNOUNCE_DELAY_MS, move || {
            count.set_text_content(Some(&announcement))
        })
        .ok();
        Ok(())
    }

    pub(super) fn fresh_id(&mut self) -> String {
        self.next_id += 1;
        format!("lsw-d{}", self.next_id)
    }

    /// One FAQ entry: a heading (`level`, "h3" or "h4") holding a disclosure button, and its
    /// (lazily built) answer. The question and answer are feed texts, perhaps in the feed's
    /// fallback language: `dir=auto` lets each take its own direction, and `question_lang` (set
    /// only when it differs from the widget's language) its own voice.
    fn faq_item(
        &mut self,
        index: usize,
        question: &str,
        question_lang: Option<&str>,
        query: Option<&str>,
        level: &str,
    ) -> Result<Element, JsValue> {
        let doc = self.doc.clone();
        let id = self.fresh_id();
        let item = el(&doc, "div", "lsw-faq")?;
        item.set_attribute("data-faq", &index.to_string())?;
        let heading = el(&doc, level, "")?;
        let button = disclosure_button(&doc, "", &id, "lsw-question")?;
        let label = el(&doc, "span", "")?;
        label.set_attribute("dir", "auto")?;
        if let Some(tag) = question_lang {
            label.set_attribute("lang", tag)?;
        }
        append_highlighted(&doc, &label, question, query)?;
        button.append_child(&label)?;
        heading.append_child(&button)?;
        let answer = el(&doc, "div", "lsw-answer")?;
        answer.set_attribute("dir", "auto")?;
        answer.set_id(&id);
        answer.set_attribute("hidden", "")?;
        item.append_child(&heading)?;
        item.append_child(&answer)?;
        Ok(item)
    }

    fn expand(&self, item: &Element, feed: &Feed, locale: &str) -> Result<(), JsValue> {
        if let Ok(Some(button)) = item.query_selector("[aria-expanded]") {
            self.toggle(&button, feed, locale, Some(true))?;
        }
        Ok(())
    }

    /// Opens or closes a disclosure; an answer is built the first time it opens.
    pub fn toggle(
        &self,
        button: &Element,
        feed: &Feed,
        locale: &str,
        force: Option<bool>,
    ) -> Result<(), JsValue> {
        let open =
            force.unwrap_or(button.get_attribute("aria-expanded").as_deref() != Some("true"));
        button.set_attribute("aria-expanded", if open { "true" } else { "false" })?;
        let Some(target) = button
            .get_attribute("aria-controls")
            .and_then(|id| self.dialog.query_selector(&format!("#{id}")).ok().flatten())
        else {
            return Ok(());
        };
        if open {
            target.remove_attribute("hidden")?;
        } else {
            target.set_attribute("hidden", "")?;
        }
        let faq_index = target
            .closest(".lsw-faq")
            .ok()
            .flatten()
            .and_then(|item| item.get_attribute("data-faq"))
            .and_then(|i| i.parse::<usize>().ok());
        if let (true, Some(entry)) = (
            open && !target.has_child_nodes(),
            faq_index.and_then(|i| feed.faq.get(i)),
        ) {
            let (tag, answer) = entry.answer.get_with_tag(locale);
            if let Some(tag) = lang_attribute(tag, Lang::negotiate(locale).tag()) {
                target.set_attribute("lang", tag)?;
            }
            append_blocks(&self.doc, &target, &crate::markdown::parse(answer))?;
        }
        Ok(())
    }

    /// Escape closes; Tab and Shift+Tab wrap inside the dialog. Returns true when handled.
    pub fn on_key(&mut self, event: &KeyboardEvent, shadow: &ShadowRoot) -> Result<bool, JsValue> {
        if !self.is_open() {
            return Ok(false);
        }
        match event.key().as_str() {
            "Escape" => {
                event.prevent_default();
                self.close()?;
                Ok(true)
            }
            "Tab" => {
                let focusable = self.dialog.query_selector_all(FOCUSABLE)?;
                let visible: Vec<HtmlElement> = (0..focusable.length())
                    .filter_map(|i| focusable.item(i))
                    .filter_map(|n| n.dyn_into::<HtmlElement>().ok())
                    .filter(|e| e.closest("[hidden]").ok().flatten().is_none())
                    .collect();
                let (Some(first), Some(last)) = (visible.first(), visible.last()) else {
                    return Ok(false);
                };
                let active = shadow.active_element();
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
                if let Some(target) = target {
                    event.prevent_default();
                    target.focus()?;
                }
                Ok(target.is_some())
            }
            _ => Ok(false),
        }
    }
}

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

impl HelpPanel {
    /// Shows one view and moves focus to its first control.
    pub fn show_view(&mut self, view: View) -> Result<(), JsValue> {
        self.view = view;
        let sections = [
            (View::Help, &self.help_section),
            (View::Ticket, &self.ticket.section),
            (View::MyTickets, &self.my_tickets),
        ];
        for (v, section) in sections {
            if v == view {
                section.remove_attribute("hidden")?;
            } else {
                section.set_attribute("hidden", "")?;
            }
        }
        let first = match view {
            View::Help => Some(self.input.clone().unchecked_into::<HtmlElement>()),
            View::Ticket => self.ticket.first_control(),
            View::MyTickets => self
                .my_tickets
                .query_selector("button, h3")
                .ok()
                .flatten()
                .and_then(|e| e.dyn_into().ok()),
        };
        if let Some(first) = first {
            first.focus()?;
        }
        Ok(())
    }

    /// Shows suggested answers above the form while the subject is typed.
    pub fn show_deflection(
        &mut self,
        entries: &[crate::help::Suggestion],
        subject: &str,
        lang: Lang,
    ) -> Result<(), JsValue> {
        let deflect = self.ticket.deflect.clone();
        deflect.replace_children_with_node_0();
        if entries.is_empty() {
            return deflect.set_attribute("hidden", "");
        }
        deflect.remove_attribute("hidden")?;
        append(
            &deflect,
            text_el(
                &self.doc,
                "p",
                "lsw-causes-lead",
                message(lang, Msg::MayAnswer),
            ),
        )?;
        for entry in entries {
            let item = self.faq_item(
                entry.index,
                &entry.question,
                entry.lang.as_deref(),
                Some(subject),
                "h4",
            )?;
            deflect.append_child(&item)?;
        }
        Ok(())
    }

    /// Lists the active items that will be attached to the ticket.
    pub fn show_attached(&self, causes: &[CauseLine], lang: Lang) -> Result<(), JsValue> {
        let box_ = &self.ticket.attached;
        box_.replace_children_with_node_0();
        if causes.is_empty() {
            return box_.set_attribute("hidden", "");
        }
        box_.remove_attribute("hidden")?;
        append(
            box_,
            text_el(
                &self.doc,
                "p",
                "lsw-causes-lead",
                message(lang, Msg::AttachedNotice),
            ),
        )?;
        let list = el(&self.doc, "ul", "")?;
        for cause in causes {
            let li = text_el(&self.doc, "li", "", &format!("{}: ", cause.heading))?;
            li.append_child(&cause_title(&self.doc, cause)?)?;
            list.append_child(&li)?;
        }
        box_.append_child(&list)?;
        Ok(())
    }

    /// After a final rejection: the fallback contacts under the status line.
    pub fn show_fallback_in_ticket(&self, feed: Option<&Feed>) {
        let lang = self.ticket.lang;
        let support = feed.and_then(|f| f.support.as_ref());
        let Ok(list) = el(&self.doc, "ul", "lsw-fallback") else {
            return;
        };
        for contact in contacts(support, lang) {
            if let (Ok(li), Ok(a)) = (
                el(&self.doc, "li", ""),
                text_el(&self.doc, "a", "", &contact.label),
            ) {
                report(a.set_attribute("href", &contact.href), "help panel");
                report(li.append_child(&a), "help panel");
                report(list.append_child(&li), "help panel");
            }
        }
        report(self.ticket.status.append_child(&list), "help panel");
    }

    /// Draws "My tickets": queued ones first, then the ones sent, statuses filled in later.
    pub fn draw_my_tickets(
        &self,
        view: &crate::ticket_view::MyTicketsView,
        lang: Lang,
    ) -> Result<(), JsValue> {
        let doc = &self.doc;
        let section = &self.my_tickets;
        section.replace_children_with_node_0();
        let back = action_button(
            doc,
            "lsw-link-button",
            message(lang, Msg::BackToHelp),
            "back-to-help",
        )?;
        section.append_child(&back)?;
        append(
            section,
            text_el(doc, "h3", "", message(lang, Msg::MyTickets)),
        )?;
        if let Some(empty) = view.empty {
            return append(section, text_el(doc, "p", "lsw-empty", empty));
        }
        let list = el(doc, "ul", "lsw-ticket-list")?;
        for row in &view.rows {
            let li = el(doc, "li", "lsw-my-ticket")?;
            match &row.number {
                Some(number) => li.set_attribute("data-number", number)?,
                None => li.set_attribute("data-state", "queued")?,
            }
            append(&li, text_el(doc, "p", "lsw-title", &row.title))?;
            append(&li, text_el(doc, "p", "lsw-ticket-state", &row.state_line))?;
            list.append_child(&li)?;
        }
        section.append_child(&list)?;
        Ok(())
    }

    /// Fills in a ticket's status, the agent's replies and, once resolved, the rating form.
    pub fn draw_ticket_status(
        &mut self,
        number: &str,
        status: &str,
        replies: &[crate::ticket::request::Reply],
        can_rate: bool,
        lang: Lang,
    ) -> Result<(), JsValue> {
        let Some(li) = self
            .my_tickets
            .query_selector(&format!("li[data-number=\"{}\"]", css_escape(number)))?
        else {
            return Ok(());
        };
        if let Some(state) = li.query_selector(".lsw-ticket-state")? {
            state.set_text_content(Some(&fill(
                message(lang, Msg::TicketStatus),
                &[("status", status)],
            )));
        }
        for old in [".lsw-replies", ".lsw-rate"] {
            if let Some(node) = li.query_selector(old)? {
                node.remove();
            }
        }
        if !replies.is_empty() {
            let box_ = el(&self.doc, "div", "lsw-replies")?;
            for reply in replies {
                append(
                    &box_,
                    text_el(
                        &self.doc,
                        "p",
                        "lsw-reply-lead",
                        message(lang, Msg::AgentReply),
                    ),
                )?;
                let body = text_el(&self.doc, "p", "lsw-reply", &reply.body)?;
                body.set_attribute("dir", "auto")?;
                box_.append_child(&body)?;
            }
            li.append_child(&box_)?;
        }
        if can_rate {
            let form = el(&self.doc, "div", "lsw-rate")?;
            let group = el(&self.doc, "fieldset", "lsw-stars")?;
            append(
                &group,
                text_el(&self.doc, "legend", "", message(lang, Msg::RateQuestion)),
            )?;
            for n in 1..=5 {
                let label = el(&self.doc, "label", "lsw-star")?;
                let radio: HtmlInputElement = el(&self.doc, "input", "")?.unchecked_into();
                radio.set_type("radio");
                radio.set_name(&format!("lsw-rate-{number}"));
                radio.set_value(&n.to_string());
                label.append_child(&radio)?;
                append(
                    &label,
                    text_el(
                        &self.doc,
                        "span",
                        "",
                        &fill(message(lang, Msg::RateStars), &[("count", &n.to_string())]),
                    ),
                )?;
                group.append_child(&label)?;
            }
            form.append_child(&group)?;
            let id = self.fresh_id();
            let comment_label = text_el(
                &self.doc,
                "label",
                "lsw-label",
                message(lang, Msg::RateComment),
            )?;
            comment_label.set_attribute("for", &id)?;
            let comment = el(&self.doc, "textarea", "lsw-input lsw-rate-comment")?;
            comment.set_id(&id);
            comment.set_attribute("maxlength", "2000")?;
            form.append_child(&comment_label)?;
            form.append_child(&comment)?;
            let send = action_button(
                &self.doc,
                "lsw-primary",
                message(lang, Msg::RateSend),
                "rate",
            )?;
            send.set_attribute("data-number", number)?;
            form.append_child(&send)?;
            li.append_child(&form)?;
        }
        Ok(())
    }

    /// The chosen rating and comment for a ticket, if a rating is chosen.
    pub fn read_rating(&self, number: &str) -> Option<(u8, String)> {
        let li = self
            .my_tickets
            .query_selector(&format!("li[data-number=\"{}\"]", css_escape(number)))
            .ok()??;
        let rating = li
            .query_selector("input:checked")
            .ok()??
            .unchecked_into::<HtmlInputElement>()
            .value()
            .parse()
            .ok()?;
        let comment = li
            .query_selector(".lsw-rate-comment")
            .ok()
            .flatten()
            .map(|c| c.unchecked_into::<web_sys::HtmlTextAreaElement>().value())
            .unwrap_or_default();
        Some((rating, comment))
    }

    /// Replaces the rating form with a thank-you.
    pub fn rating_done(&self, number: &str, lang: Lang) -> Result<(), JsValue> {
        let Some(li) = self
            .my_tickets
            .query_selector(&format!("li[data-number=\"{}\"]", css_escape(number)))?
        else {
            return Ok(());
        };
        if let Some(form) = li.query_selector(".lsw-rate")? {
            let thanks = text_el(&self.doc, "p", "lsw-thanks", message(lang, Msg::RateThanks))?;
            thanks.set_attribute("tabindex", "-1")?;
            form.replace_with_with_node_1(&thanks)?;
            thanks.unchecked_ref::<HtmlElement>().focus()?;
        }
        Ok(())
    }
}

/// A cause's title: a plain text node, or a `span lang=…` when the feed fell back to another
/// language than the widget's.
fn cause_title(doc: &Document, cause: &CauseLine) -> Result<web_sys::Node, JsValue> {
    Ok(match &cause.title_lang {
        Some(tag) => {
            let span = text_el(doc, "span", "", &cause.title)?;
            span.set_attribute("lang", tag)?;
            span.set_attribute("dir", "auto")?;
            span.into()
        }
        None => doc.create_text_node(&cause.title).into(),
    })
}

/// Ticket numbers are ours (`ACME-000123`), but quote them safely in selectors anyway.
fn css_escape(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

fn disclosure_button(
    doc: &Document,
    label: &str,
    controls: &str,
    class: &str,
) -> Result<Element, JsValue> {
    let button = action_button(doc, class, label, "toggle")?;
    button.set_attribute("aria-expanded", "false")?;
    button.set_attribute("aria-controls", controls)?;
    Ok(button)
}

/// Appends `text` with the parts matching `query` wrapped in `<mark>` elements.
fn append_highlighted(
    doc: &Document,
    parent: &Element,
    text: &str,
    query: Option<&str>,
) -> Result<(), JsValue> {
    let ranges = query.map(|q| highlight_ranges(text, q)).unwrap_or_default();
    let mut at = 0;
    for range in ranges {
        let (Some(before), Some(marked)) = (text.get(at..range.start), text.get(range.clone()))
        else {
            continue;
        };
        if !before.is_empty() {
            parent.append_child(&doc.create_text_node(before))?;
        }
        append(parent, text_el(doc, "mark", "", marked))?;
        at = range.end;
    }
    if let Some(rest) = text.get(at..).filter(|r| !r.is_empty()) {
        parent.append_child(&doc.create_text_node(rest))?;
    }
    Ok(())
}
