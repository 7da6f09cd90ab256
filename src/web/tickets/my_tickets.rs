//! "My tickets": the list drawn from [`MyTicketsView`], each ticket's status and replies once
//! fetched, and the rating form of a resolved ticket.
//!
//! The rows and rating forms drawn are kept here by ticket number, so nothing is looked up in
//! the DOM by attribute; only what the learner chose (the stars, the comment) is read from it.

use crate::base::i18n::{fill, message, Lang, Msg};
use crate::ticket::request::Reply;
use crate::ticket::view::MyTicketsView;
use crate::web::dom::{action_button, append, el, text_el};
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
        let section = el(doc, "section", "lsw-my-tickets")?;
        section.set_attribute("hidden", "")?;
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
                Some(number) => {
                    li.set_attribute("data-number", number)?;
                    self.rows.push((number.clone(), li.clone()));
                }
                None => li.set_attribute("data-state", "queued")?,
            }
            append(&li, text_el(doc, "p", "lsw-title", &row.title))?;
            append(&li, text_el(doc, "p", "lsw-ticket-state", &row.state_line))?;
            list.append_child(&li)?;
        }
        section.append_child(&list)?;
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
        if !replies.is_empty() {
            let box_ = el(&doc, "div", "lsw-replies")?;
            for reply in replies {
                append(
                    &box_,
                    text_el(&doc, "p", "lsw-reply-lead", message(lang, Msg::AgentReply)),
                )?;
                let body = text_el(&doc, "p", "lsw-reply", &reply.body)?;
                body.set_attribute("dir", "auto")?;
                box_.append_child(&body)?;
            }
            li.append_child(&box_)?;
        }
        if can_rate {
            let form = el(&doc, "div", "lsw-rate")?;
            let group = el(&doc, "fieldset", "lsw-stars")?;
            append(
                &group,
                text_el(&doc, "legend", "", message(lang, Msg::RateQuestion)),
            )?;
            let mut stars = Vec::new();
            for n in 1..=5 {
                let label = el(&doc, "label", "lsw-star")?;
                let radio: HtmlInputElement = el(&doc, "input", "")?.unchecked_into();
                radio.set_type("radio");
                radio.set_name(&format!("lsw-rate-{number}"));
                radio.set_value(&n.to_string());
                label.append_child(&radio)?;
                append(
                    &label,
                    text_el(
                        &doc,
                        "span",
                        "",
                        &fill(message(lang, Msg::RateStars), &[("count", &n.to_string())]),
                    ),
                )?;
                group.append_child(&label)?;
                stars.push(radio);
            }
            form.append_child(&group)?;
            self.next_id += 1;
            let id = format!("lsw-m{}", self.next_id);
            let comment_label =
                text_el(&doc, "label", "lsw-label", message(lang, Msg::RateComment))?;
            comment_label.set_attribute("for", &id)?;
            let comment = el(&doc, "textarea", "lsw-input lsw-rate-comment")?;
            comment.set_id(&id);
            comment.set_attribute("maxlength", "2000")?;
            form.append_child(&comment_label)?;
            form.append_child(&comment)?;
            let send = action_button(&doc, "lsw-primary", message(lang, Msg::RateSend), "rate")?;
            send.set_attribute("data-number", number)?;
            form.append_child(&send)?;
            li.append_child(&form)?;
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
        let thanks = text_el(
            &self.doc,
            "p",
            "lsw-thanks",
            message(self.lang, Msg::RateThanks),
        )?;
        thanks.set_attribute("tabindex", "-1")?;
        rating.form.replace_with_with_node_1(&thanks)?;
        thanks.unchecked_ref::<HtmlElement>().focus()
    }
}
