//! Guided flows in the help view: "Something isn't working?" with a button per flow, then one
//! question at a time ([`flow_view`]), answers as buttons, Back and Start over, and the
//! ending: the FAQ answer, a link, the known issues in force, or a button to the ticket form
//! prefilled with the trail. Each step's heading takes focus, so a screen reader reads the
//! question as it comes and a keyboard user goes on from there.
//!
//! Which flow is walked and how far is a [`Walk`] kept here; the buttons drawn are kept with
//! what they do, never read back from the DOM. The ticket form itself is another part: the
//! panel hands it [`FlowTicket`].

use crate::base::feed::Feed;
use crate::base::i18n::{message, Lang, Msg};
use crate::base::text::lang_attribute;
use crate::help::events::{Ending, HelpEvent, Subject};
use crate::help::flows::{flow_view, FlowBody, Tagged, Walk};
use crate::help::CauseLine;
use crate::web::build::add;
use crate::web::help::events::HelpEvents;
use crate::web::help::markdown::append_blocks;
use crate::web::help::vote::VoteBoxes;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, HtmlElement};

/// What a flow that ended in a ticket fills in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlowTicket {
    /// Category to select.
    pub category: Option<String>,
    /// Priority to select.
    pub priority: Option<String>,
    /// Subject to fill.
    pub subject: Option<String>,
    /// The trail, for the ticket's context.
    pub path: String,
}

/// A press in the flows section, as the drawn buttons say.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Press {
    Start(usize),
    Answer(usize),
    Back,
    StartOver,
}

/// The flows section of the help view.
pub struct Flows {
    section: Element,
    /// The flow being walked (index in the feed's `flows`) and the walk.
    walking: Option<(usize, Walk)>,
    buttons: Vec<(Element, Press)>,
}

impl std::fmt::Debug for Flows {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Flows")
    }
}

/// Everything a redraw reads.
pub struct Context<'a> {
    /// The page.
    pub doc: &'a Document,
    /// The widget's language.
    pub lang: Lang,
    /// The learner's locale, for feed texts.
    pub locale: &'a str,
    /// The feed.
    pub feed: &'a Feed,
    /// The known issues and maintenance in force.
    pub causes: &'a [CauseLine],
}

impl Flows {
    /// Draws into `section` (built empty and hidden).
    pub fn new(section: Element) -> Flows {
        Flows {
            section,
            walking: None,
            buttons: Vec::new(),
        }
    }

    /// Back to the list of flows (a new feed, the panel opened again).
    pub fn reset(&mut self) {
        self.walking = None;
    }

    /// The ticket a flow ended in, when it did.
    pub fn ticket(&self, feed: &Feed, locale: &str) -> Option<FlowTicket> {
        let (index, walk) = self.walking.as_ref()?;
        let flow = feed.flows.get(*index)?;
        match flow_view(flow, walk, locale).body {
            FlowBody::Ticket {
                category,
                priority,
                subject,
                path,
            } => Some(FlowTicket {
                category,
                priority,
                subject,
                path,
            }),
            _ => None,
        }
    }

    /// Handles a press on `button` if it is one of this section's: true when it was.
    pub fn press(
        &mut self,
        button: &Element,
        cx: &Context<'_>,
        votes: &mut VoteBoxes,
        events: &HelpEvents,
    ) -> Result<bool, JsValue> {
        let Some(press) = self
            .buttons
            .iter()
            .find(|(b, _)| b == button)
            .map(|(_, p)| *p)
        else {
            return Ok(false);
        };
        match press {
            Press::Start(index) => self.walking = Some((index, Walk::new())),
            Press::StartOver => self.walking = None,
            Press::Back => {
                if let Some((_, walk)) = &mut self.walking {
                    walk.back();
                }
            }
            Press::Answer(answer) => {
                if let Some((index, walk)) = &mut self.walking {
                    if let Some(flow) = cx.feed.flows.get(*index) {
                        walk.choose(flow, answer);
                        if let Some(event) = ended(flow, walk, cx.locale) {
                            if let FlowBody::Faq(faq) = flow_view(flow, walk, cx.locale).body {
                                events.answer_opened(&faq);
                            }
                            events.push(event);
                        }
                    }
                }
            }
        }
        self.draw(cx, votes, true)?;
        Ok(true)
    }

    /// Draws the list of flows or the walk's current step; `focus` moves focus to its heading
    /// (after a press, not when the panel is refilled).
    pub fn draw(
        &mut self,
        cx: &Context<'_>,
        votes: &mut VoteBoxes,
        focus: bool,
    ) -> Result<(), JsValue> {
        let (doc, lang) = (cx.doc, cx.lang);
        let section = &self.section.clone();
        section.replace_children_with_node_0();
        self.buttons.clear();
        if cx.feed.flows.is_empty() {
            self.walking = None;
            return section.set_attribute("hidden", "");
        }
        section.remove_attribute("hidden")?;
        let walking = self
            .walking
            .as_ref()
            .and_then(|(i, walk)| Some((cx.feed.flows.get(*i)?, walk)));
        let Some((flow, walk)) = walking else {
            self.walking = None;
            let heading = add(
                doc,
                section,
                "h3",
                "",
                &[("tabindex", "-1")],
                message(lang, Msg::FlowsHeading),
            )?;
            let list = add(doc, section, "ul", "lsw-flow-list", &[], "")?;
            for (i, flow) in cx.feed.flows.iter().enumerate() {
                let (tag, title) = flow.title.get_with_tag(cx.locale);
                let li = add(doc, &list, "li", "", &[], "")?;
                let button = self.button(doc, &li, title, Press::Start(i))?;
                set_lang(&button, tag, lang)?;
            }
            return focus_on(focus, &heading);
        };
        let view = flow_view(flow, walk, cx.locale);
        tagged_el(doc, section, "h3", "lsw-flow-title", &view.title, lang)?;
        let step = add(doc, section, "div", "lsw-flow-step", &[], "")?;
        let lead = |msg| add(doc, &step, "h4", "", &[], message(lang, msg));
        let heading = match &view.body {
            FlowBody::Question { question, answers } => {
                let heading = tagged_el(doc, &step, "h4", "", question, lang)?;
                let group = add(doc, &step, "div", "lsw-flow-answers", &[], "")?;
                for (i, answer) in answers.iter().enumerate() {
                    let button = self.button(doc, &group, &answer.text, Press::Answer(i))?;
                    set_lang(&button, &answer.tag, lang)?;
                }
                heading
            }
            FlowBody::Faq(id) => {
                let heading = match cx.feed.faq.iter().find(|e| &e.id == id) {
                    Some(entry) => {
                        let (tag, question) = entry.question.get_with_tag(cx.locale);
                        let heading = add(doc, &step, "h4", "", &[], question)?;
                        set_lang(&heading, tag, lang)?;
                        let (tag, answer) = entry.answer.get_with_tag(cx.locale);
                        let body = add(doc, &step, "div", "lsw-answer", &[("dir", "auto")], "")?;
                        set_lang(&body, tag, lang)?;
                        append_blocks(doc, &body, &crate::help::markdown::parse(answer))?;
                        heading
                    }
                    // Checked when the feed was read; kept safe all the same.
                    None => lead(Msg::FlowAnswerLead)?,
                };
                self.vote(&step, cx, votes, &flow.id)?;
                heading
            }
            FlowBody::Link { url, text } => {
                let heading = lead(Msg::FlowAnswerLead)?;
                let p = add(doc, &step, "p", "", &[], "")?;
                let link = tagged_el(doc, &p, "a", "", text, lang)?;
                link.set_attribute("href", url)?;
                link.set_attribute("target", "_blank")?;
                link.set_attribute("rel", "noopener")?;
                self.vote(&step, cx, votes, &flow.id)?;
                heading
            }
            FlowBody::KnownIssues => {
                let heading = lead(if cx.causes.is_empty() {
                    Msg::FlowNoKnownIssues
                } else {
                    Msg::FlowKnownIssuesLead
                })?;
                if !cx.causes.is_empty() {
                    let list = add(doc, &step, "ul", "", &[], "")?;
                    crate::web::help::cause_items(doc, &list, cx.causes, false)?;
                }
                self.vote(&step, cx, votes, &flow.id)?;
                heading
            }
            FlowBody::Ticket { .. } => {
                let heading = lead(Msg::ContactSupport)?;
                add(doc, &step, "p", "", &[], message(lang, Msg::FlowTicketLead))?;
                add(
                    doc,
                    &step,
                    "button",
                    "lsw-primary",
                    &[("type", "button"), ("data-action", "flow-ticket")],
                    message(lang, Msg::TicketTitle),
                )?;
                heading
            }
        };
        heading.set_attribute("tabindex", "-1")?;
        let nav = add(doc, section, "div", "lsw-flow-nav", &[], "")?;
        if view.can_go_back {
            self.button(doc, &nav, message(lang, Msg::FlowBack), Press::Back)?;
        }
        self.button(
            doc,
            &nav,
            message(lang, Msg::FlowStartOver),
            Press::StartOver,
        )?;
        focus_on(focus, &heading)
    }

    /// A flow button in `parent`, kept with what it does.
    fn button(
        &mut self,
        doc: &Document,
        parent: &Element,
        label: &str,
        press: Press,
    ) -> Result<Element, JsValue> {
        let button = add(
            doc,
            parent,
            "button",
            "lsw-secondary",
            &[("type", "button"), ("data-action", "flow")],
            label,
        )?;
        self.buttons.push((button.clone(), press));
        Ok(button)
    }

    fn vote(
        &self,
        step: &Element,
        cx: &Context<'_>,
        votes: &mut VoteBoxes,
        flow: &str,
    ) -> Result<(), JsValue> {
        if let Some(vote) = votes.draw(cx.doc, cx.lang, Subject::Flow(flow.to_string()))? {
            step.append_child(&vote)?;
        }
        Ok(())
    }
}

/// The event for a walk that just reached an ending.
fn ended(flow: &crate::help::flows::Flow, walk: &Walk, locale: &str) -> Option<HelpEvent> {
    let ending = match flow_view(flow, walk, locale).body {
        FlowBody::Question { .. } => return None,
        FlowBody::Faq(_) => Ending::Answer,
        FlowBody::Link { .. } => Ending::Link,
        FlowBody::KnownIssues => Ending::KnownIssues,
        FlowBody::Ticket { .. } => Ending::Ticket,
    };
    Some(HelpEvent::FlowEnded {
        flow: flow.id.clone(),
        ending,
    })
}

fn set_lang(element: &Element, tag: &str, lang: Lang) -> Result<(), JsValue> {
    match lang_attribute(tag, lang.tag()) {
        Some(tag) => element.set_attribute("lang", tag),
        None => Ok(()),
    }
}

/// `<tag>` holding a feed text, appended to `parent`, with its `lang` when it differs from the
/// widget's and `dir=auto` so a fallback text takes its own direction.
fn tagged_el(
    doc: &Document,
    parent: &Element,
    tag: &str,
    class: &str,
    text: &Tagged,
    lang: Lang,
) -> Result<Element, JsValue> {
    let element = add(doc, parent, tag, class, &[("dir", "auto")], &text.text)?;
    set_lang(&element, &text.tag, lang)?;
    Ok(element)
}

/// Moves focus to `heading` when asked (after a press).
fn focus_on(focus: bool, heading: &Element) -> Result<(), JsValue> {
    if focus {
        heading.unchecked_ref::<HtmlElement>().focus()?;
    }
    Ok(())
}
