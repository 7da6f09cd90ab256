//! "Did this help?" under an FAQ answer or a flow's ending: Yes / No, on No an optional reason
//! from the fixed list ([`Reason::ALL`]), then thanks. Asked once per answer per browser
//! ([`Votes`]); which box is at which stage is kept here, never read back from the DOM.

use crate::base::i18n::{message, Lang, Msg};
use crate::base::storage::Votes;
use crate::help::events::{HelpEvent, Reason, Subject};
use crate::web::build::{add, make};
use crate::web::storage::BrowserStorage;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, HtmlElement};

struct VoteBox {
    subject: Subject,
    root: Element,
    /// The id of the question that labels the box (`lsw-vote3`).
    id: String,
    yes: Element,
    no: Element,
    /// The reason buttons once No was pressed; `None` is "Send" without a reason.
    reasons: Vec<(Element, Option<Reason>)>,
}

/// The vote boxes drawn in one view, and the votes this browser cast.
pub struct VoteBoxes {
    feed_url: String,
    votes: Votes,
    boxes: Vec<VoteBox>,
    next_id: u32,
}

impl std::fmt::Debug for VoteBoxes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("VoteBoxes")
    }
}

/// The stored key of a vote's subject.
fn subject_key(subject: &Subject) -> String {
    match subject {
        Subject::Faq(id) => format!("faq:{id}"),
        Subject::Flow(id) => format!("flow:{id}"),
    }
}

fn reason_message(reason: Reason) -> Msg {
    match reason {
        Reason::Unclear => Msg::ReasonUnclear,
        Reason::DidNotWork => Msg::ReasonDidNotWork,
        Reason::NotMyQuestion => Msg::ReasonNotMyQuestion,
    }
}

impl VoteBoxes {
    /// No boxes yet; the votes cast from this browser for the feed at `feed_url`.
    pub fn new(feed_url: &str) -> VoteBoxes {
        VoteBoxes {
            feed_url: feed_url.to_string(),
            votes: Votes::load(&BrowserStorage, feed_url),
            boxes: Vec::new(),
            next_id: 0,
        }
    }

    /// Forgets the boxes no longer on the page (their list was redrawn).
    pub fn prune(&mut self) {
        self.boxes.retain(|b| b.root.is_connected());
    }

    /// A "Did this help?" box for `subject`, or none when this browser voted on it already.
    pub fn draw(
        &mut self,
        doc: &Document,
        lang: Lang,
        subject: Subject,
    ) -> Result<Option<Element>, JsValue> {
        if self.votes.contains(&subject_key(&subject)) {
            return Ok(None);
        }
        self.next_id += 1;
        let id = format!("lsw-vote{}", self.next_id);
        let root = make(
            doc,
            "div",
            "lsw-vote",
            &[("role", "group"), ("aria-labelledby", &id)],
            "",
        )?;
        let question = message(lang, Msg::DidHelp);
        add(
            doc,
            &root,
            "p",
            "lsw-vote-question",
            &[("id", &id)],
            question,
        )?;
        let yes = vote_button(doc, &root, message(lang, Msg::VoteYes))?;
        let no = vote_button(doc, &root, message(lang, Msg::VoteNo))?;
        self.boxes.push(VoteBox {
            subject,
            root: root.clone(),
            id,
            yes,
            no,
            reasons: Vec::new(),
        });
        Ok(Some(root))
    }

    /// Handles a press on one of the boxes' buttons: the vote to send when one was cast (and
    /// not cast before from this browser), else none.
    pub fn press(
        &mut self,
        button: &Element,
        doc: &Document,
        lang: Lang,
    ) -> Result<Option<HelpEvent>, JsValue> {
        let Some(at) = self.boxes.iter().position(|b| {
            b.yes == *button || b.no == *button || b.reasons.iter().any(|(r, _)| r == button)
        }) else {
            return Ok(None);
        };
        let vote = &mut self.boxes[at];
        let (helpful, reason) = if vote.yes == *button {
            (true, None)
        } else if vote.no == *button {
            ask_reason(vote, doc, lang)?;
            return Ok(None);
        } else {
            let reason = vote
                .reasons
                .iter()
                .find(|(r, _)| r == button)
                .and_then(|(_, reason)| *reason);
            (false, reason)
        };
        let vote = self.boxes.remove(at);
        let key = subject_key(&vote.subject);
        // A failed save is reported by the storage; the vote still counts for this page.
        let first = self
            .votes
            .add(&BrowserStorage, &self.feed_url, &key)
            .unwrap_or(true);
        let thanks = make(
            doc,
            "p",
            "lsw-vote-thanks",
            &[("tabindex", "-1")],
            message(lang, Msg::VoteThanks),
        )?;
        vote.root.replace_children_with_node_1(&thanks);
        thanks.unchecked_ref::<HtmlElement>().focus()?;
        Ok(first.then_some(HelpEvent::Voted {
            subject: vote.subject,
            helpful,
            reason,
        }))
    }
}

/// On No: the reasons to pick from (each sends), and Send without one.
fn ask_reason(vote: &mut VoteBox, doc: &Document, lang: Lang) -> Result<(), JsValue> {
    let lead_id = format!("{}-why", vote.id);
    let lead = make(
        doc,
        "p",
        "lsw-vote-question",
        &[("id", &lead_id)],
        message(lang, Msg::VoteReasonLead),
    )?;
    vote.root.replace_children_with_node_1(&lead);
    vote.root.set_attribute("aria-labelledby", &lead_id)?;
    vote.reasons.clear();
    for reason in Reason::ALL.map(Some).into_iter().chain([None]) {
        let label = match reason {
            Some(reason) => reason_message(reason),
            None => Msg::VoteSendReason,
        };
        let button = vote_button(doc, &vote.root, message(lang, label))?;
        vote.reasons.push((button, reason));
    }
    match vote.reasons.first() {
        Some((first, _)) => first.unchecked_ref::<HtmlElement>().focus(),
        None => Ok(()),
    }
}

/// A button of a vote box, in `parent`.
fn vote_button(doc: &Document, parent: &Element, label: &str) -> Result<Element, JsValue> {
    add(
        doc,
        parent,
        "button",
        "lsw-secondary",
        &[("type", "button"), ("data-action", "vote")],
        label,
    )
}
