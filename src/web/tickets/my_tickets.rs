//! "My tickets": the list drawn from [`MyTicketsView`], each ticket's status and replies once
//! fetched, and the rating form of a resolved ticket.
//!
//! The rows and rating forms drawn are kept here by ticket number, so nothing is looked up in
//! the DOM by attribute; only what the learner chose (the stars, the comment) is read from it.

use crate::base::i18n::{fill, message, Lang, Msg};
use crate::ticket::request::Reply;
use crate::ticket::view::MyTicketsView;
use crate::web::build::{add, make};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, HtmlElement, HtmlInputElement, HtmlTextAreaElement};

/// A rating form drawn for a resolved ticket.
struct RatingForm {
    form: Element,
    stars: Vec<HtmlInputElement>,
    comment: HtmlTextAreaElement,
}

/// The "My tickets" section.
pub struct MyTickets {
    doc: Document,
    lang: Lang,
    /// The section in the help panel.
    section: Element,
    /// Each sent ticket's row, by number.
    rows: Vec<(String, Element)>,
    ratings: Vec<(String, RatingForm)>,
    next_id: u32,
}

impl std::fmt::Debug for MyTickets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MyTickets")
    }
}

impl MyTickets {
    /// The (hidden, empty) section.
    pub fn create(doc: &Document, lang: Lang) -> Result<MyTickets, JsValue> {
        let section = make(doc, "section", "lsw-my-tickets", &[("hidden", "")], "")?;
        Ok(MyTickets {
            doc: doc.clone(),
            lang,
            section,
            rows: Vec::new(),
            ratings: Vec::new(),
            next_id: 0,
        })
    }

    /// The section, for the help panel to show as its "My tickets" view.
    pub fn section(&self) -> &Element {
        &self.section
    }

    /// The control a keyboard user starts from: "Back to help".
    pub fn first_control(&self) -> Option<HtmlElement> {
        self.section
            .first_element_child()
            .and_then(|e| e.dyn_into().ok())
    }

    /// Draws the list: queued tickets first, then the ones sent, statuses filled in later.
    pub fn draw(&mut self, view: &MyTicketsView) -> Result<(), JsValue> {
        let (doc, lang, section) = (&self.doc, self.lang, &self.section);
        section.replace_children_with_node_0();
        self.rows.clear();
        self.ratings.clear();
        add(
            doc,
            section,
            "button",
            "lsw-link-button",
            &[("type", "button"), ("data-action", "back-to-help")],
            message(lang, Msg::BackToHelp),
        )?;
        add(doc, section, "h3", "", &[], message(lang, Msg::MyTickets))?;
        if let Some(empty) = view.empty {
            add(doc, section, "p", "lsw-empty", &[], empty)?;
            return Ok(());
        }
        let list = add(doc, section, "ul", "lsw-ticket-list", &[], "")?;
        for row in &view.rows {
            let attrs = match &row.number {
                Some(number) => ("data-number", number.as_str()),
                None => ("data-state", "queued"),
            };
            let li = add(doc, &list, "li", "lsw-my-ticket", &[attrs], "")?;
            if let Some(number) = &row.number {
                self.rows.push((number.clone(), li.clone()));
            }
            add(doc, &li, "p", "lsw-title", &[], &row.title)?;
            add(doc, &li, "p", "lsw-ticket-state", &[], &row.state_line)?;
        }
        Ok(())
    }

    fn row(&self, number: &str) -> Option<&Element> {
        self.rows
            .iter()
            .find(|(n, _)| n == number)
            .map(|(_, li)| li)
    }

    /// Fills in a ticket's status, the agent's replies and, once resolved, the rating form.
    pub fn draw_status(
        &mut self,
        number: &str,
        status: &str,
        replies: &[Reply],
        can_rate: bool,
    ) -> Result<(), JsValue> {
        let Some(li) = self.row(number).cloned() else {
            return Ok(());
        };
        let (doc, lang) = (self.doc.clone(), self.lang);
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
        self.ratings.retain(|(n, _)| n != number);
        let doc = &doc;
        if !replies.is_empty() {
            let box_ = add(doc, &li, "div", "lsw-replies", &[], "")?;
            for reply in replies {
                let lead = message(lang, Msg::AgentReply);
                add(doc, &box_, "p", "lsw-reply-lead", &[], lead)?;
                add(
                    doc,
                    &box_,
                    "p",
                    "lsw-reply",
                    &[("dir", "auto")],
                    &reply.body,
                )?;
            }
        }
        if can_rate {
            let form = add(doc, &li, "div", "lsw-rate", &[], "")?;
            let group = add(doc, &form, "fieldset", "lsw-stars", &[], "")?;
            add(
                doc,
                &group,
                "legend",
                "",
                &[],
                message(lang, Msg::RateQuestion),
            )?;
            let name = format!("lsw-rate-{number}");
            let mut stars = Vec::new();
            for n in 1..=5 {
                let label = add(doc, &group, "label", "lsw-star", &[], "")?;
                let count = n.to_string();
                let radio = add(
                    doc,
                    &label,
                    "input",
                    "",
                    &[("type", "radio"), ("name", &name), ("value", &count)],
                    "",
                )?;
                let text = fill(message(lang, Msg::RateStars), &[("count", &count)]);
                add(doc, &label, "span", "", &[], &text)?;
                stars.push(radio.unchecked_into());
            }
            self.next_id += 1;
            let id = format!("lsw-m{}", self.next_id);
            add(
                doc,
                &form,
                "label",
                "lsw-label",
                &[("for", &id)],
                message(lang, Msg::RateComment),
            )?;
            let comment = add(
                doc,
                &form,
                "textarea",
                "lsw-input lsw-rate-comment",
                &[("id", &id), ("maxlength", "2000")],
                "",
            )?;
            add(
                doc,
                &form,
                "button",
                "lsw-primary",
                &[
                    ("type", "button"),
                    ("data-action", "rate"),
                    ("data-number", number),
                ],
                message(lang, Msg::RateSend),
            )?;
            self.ratings.push((
                number.to_string(),
                RatingForm {
                    form,
                    stars,
                    comment: comment.unchecked_into(),
                },
            ));
        }
        Ok(())
    }

    /// The ticket whose rating form holds `button` (its Send).
    pub fn rating_of(&self, button: &Element) -> Option<String> {
        self.ratings
            .iter()
            .find(|(_, r)| r.form.contains(Some(button)))
            .map(|(n, _)| n.clone())
    }

    /// The stars and comment the learner chose for a ticket, if stars are chosen.
    pub fn read_rating(&self, number: &str) -> Option<(u8, String)> {
        let (_, form) = self.ratings.iter().find(|(n, _)| n == number)?;
        let rating = form
            .stars
            .iter()
            .position(|star| star.checked())
            .and_then(|i| u8::try_from(i + 1).ok())?;
        Some((rating, form.comment.value()))
    }

    /// Replaces the rating form with a thank-you.
    pub fn rating_done(&mut self, number: &str) -> Result<(), JsValue> {
        let Some(at) = self.ratings.iter().position(|(n, _)| n == number) else {
            return Ok(());
        };
        let (_, rating) = self.ratings.remove(at);
        let thanks = make(
            &self.doc,
            "p",
            "lsw-thanks",
            &[("tabindex", "-1")],
            message(self.lang, Msg::RateThanks),
        )?;
        rating.form.replace_with_with_node_1(&thanks)?;
        thanks.unchecked_ref::<HtmlElement>().focus()
    }
}
