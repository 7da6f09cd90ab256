//! Guided troubleshooting: the feed's `flows`, small decision trees of questions with button
//! answers, each path ending in an FAQ answer, a link, the known issues, or a prefilled ticket.
//!
//! [`flow_of`] reads and checks one flow on its own (steps, answers, no cycle, no dead end, no
//! step out of reach, a depth limit); [`missing_targets`] checks what it points at in the rest of
//! the feed. A flow that fails either is dropped whole: half a tree strands the learner. A
//! [`Walk`] is one learner's way through a flow, with Back; [`flow_view`] is what the panel draws
//! for it, and [`Walk::path`] the trail an agent reads in the ticket's context.

use crate::base::json::{quoted, Map, Value};
use crate::base::text::{localized_field, LocalizedText};

/// Most questions on any path from the start: a learner who has answered this many needs a
/// person, not another question.
pub const MAX_DEPTH: usize = 8;
/// Most steps in one flow.
pub const MAX_STEPS: usize = 64;
/// Most answers to one question (buttons on a phone's width).
pub const MAX_ANSWERS: usize = 8;

/// A decision tree from the feed.
#[derive(Clone, Debug, PartialEq)]
pub struct Flow {
    /// Stable id.
    pub id: String,
    /// What the learner picks it by ("I can't log in").
    pub title: LocalizedText,
    /// The questions; the walk starts at `steps[start]`.
    pub steps: Vec<Step>,
    /// Index of the first question.
    pub start: usize,
}

/// One question.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// Id, unique in its flow.
    pub id: String,
    /// The question ("Do you see an error message?").
    pub question: LocalizedText,
    /// Its buttons, in order.
    pub answers: Vec<Answer>,
}

/// One button and where it leads.
#[derive(Clone, Debug, PartialEq)]
pub struct Answer {
    /// The button's text.
    pub label: LocalizedText,
    /// Where it leads.
    pub leads_to: LeadsTo,
}

/// Where an answer leads: another question, or one of the endings.
#[derive(Clone, Debug, PartialEq)]
pub enum LeadsTo {
    /// The step at this index.
    Step(usize),
    /// The FAQ entry with this id.
    Faq(String),
    /// A page elsewhere (the password reset page).
    Link {
        /// An `https:` (or `http:`) URL.
        url: String,
        /// The link's text.
        text: LocalizedText,
    },
    /// The known issues in force now (the banner's notices).
    KnownIssues,
    /// The ticket form, prefilled.
    Ticket(TicketPrefill),
}

/// What a flow ending in a ticket fills in.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TicketPrefill {
    /// A category of `support.categories`.
    pub category: Option<String>,
    /// A priority id of `support.priorities`.
    pub priority: Option<String>,
    /// The subject.
    pub subject: LocalizedText,
}

const FLOW_FIELDS: &[&str] = &["id", "title", "start", "steps"];
const STEP_FIELDS: &[&str] = &["id", "question", "answers"];
const ENDINGS: [&str; 5] = ["next", "faq", "link", "known_issues", "ticket"];

/// Reads one entry of `flows` at `path` (`flows[0]`), noting fields it does not know in
/// `unknown`.
///
/// # Errors
/// The first thing wrong with it, word for word: what is wrong and where, e.g.
/// `step "error" answer 2 goes to "missing", which is not a step of this flow`.
pub fn flow_of(value: &Value, path: &str, unknown: &mut Vec<String>) -> Result<Flow, String> {
    let obj = value.as_object().ok_or("must be an object")?;
    note_unknown(obj, path, FLOW_FIELDS, unknown);
    let id = match obj.get("id") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
        Some(_) => return Err("\"id\" must be a non-empty string".into()),
        None => return Err("missing \"id\"".into()),
    };
    let title = localized_field(obj, "title", true)?;
    let raw_steps = match obj.get("steps") {
        Some(Value::Array(items)) if !items.is_empty() => items,
        Some(Value::Array(_)) => return Err("\"steps\" is empty: a flow needs a question".into()),
        Some(_) => return Err("\"steps\" must be an array of questions".into()),
        None => return Err("missing \"steps\"".into()),
    };
    if raw_steps.len() > MAX_STEPS {
        return Err(format!(
            "has {} steps; at most {MAX_STEPS}",
            raw_steps.len()
        ));
    }
    // Ids first, so an answer may point at a step written after it.
    let mut ids: Vec<&str> = Vec::with_capacity(raw_steps.len());
    for (i, step) in raw_steps.iter().enumerate() {
        let step_id = step
            .get("id")
            .and_then(Value::as_str)
            .filter(|s| !s.trim().is_empty())
            .ok_or_else(|| format!("steps[{i}] needs an \"id\", a non-empty string"))?;
        if ids.contains(&step_id) {
            return Err(format!("two steps have the id {}", quoted(step_id)));
        }
        ids.push(step_id);
    }
    let index_of = |target: &str| ids.iter().position(|id| *id == target);
    let start = match obj.get("start") {
        None => 0,
        Some(Value::String(s)) => index_of(s).ok_or_else(|| {
            format!(
                "\"start\" is {}, which is not a step of this flow",
                quoted(s)
            )
        })?,
        Some(_) => return Err("\"start\" must be the id of a step".into()),
    };
    let mut steps = Vec::with_capacity(raw_steps.len());
    for (i, raw) in raw_steps.iter().enumerate() {
        let step_path = format!("{path}.steps[{i}]");
        steps.push(step_of(raw, ids[i], &step_path, &index_of, unknown)?);
    }
    let flow = Flow {
        id,
        title,
        steps,
        start,
    };
    check_shape(&flow)?;
    Ok(flow)
}

fn step_of(
    value: &Value,
    id: &str,
    path: &str,
    index_of: &dyn Fn(&str) -> Option<usize>,
    unknown: &mut Vec<String>,
) -> Result<Step, String> {
    // The step as messages name it.
    let step = format!("step {}", quoted(id));
    let obj = value
        .as_object()
        .ok_or_else(|| format!("{step} must be an object"))?;
    note_unknown(obj, path, STEP_FIELDS, unknown);
    let question = localized_field(obj, "question", true).map_err(|e| format!("{step}: {e}"))?;
    let none = Vec::new();
    let raw = match obj.get("answers") {
        Some(Value::Array(items)) => items,
        Some(_) => return Err(format!("{step}: \"answers\" must be an array")),
        None => &none,
    };
    if raw.is_empty() {
        return Err(format!(
            "{step} has no answers: a learner would be stuck there"
        ));
    }
    if raw.len() > MAX_ANSWERS {
        return Err(format!(
            "{step} has {} answers; at most {MAX_ANSWERS}",
            raw.len()
        ));
    }
    let mut answers = Vec::with_capacity(raw.len());
    for (i, answer) in raw.iter().enumerate() {
        let n = i + 1;
        let fail = |message: String| format!("{step} answer {n} {message}");
        let obj = answer
            .as_object()
            .ok_or_else(|| fail("must be an object".into()))?;
        note_unknown(
            obj,
            &format!("{path}.answers[{i}]"),
            &["label", "next", "faq", "link", "known_issues", "ticket"],
            unknown,
        );
        let label = localized_field(obj, "label", true).map_err(&fail)?;
        let given: Vec<&str> = ENDINGS
            .iter()
            .copied()
            .filter(|key| obj.contains_key(key))
            .collect();
        if given.len() != 1 {
            return Err(fail(
                "must have exactly one of \"next\", \"faq\", \"link\", \"known_issues\", \"ticket\""
                    .into(),
            ));
        }
        let leads_to = match given[0] {
            "next" => {
                let target = obj.get("next").and_then(Value::as_str).unwrap_or_default();
                LeadsTo::Step(index_of(target).ok_or_else(|| {
                    fail(format!(
                        "goes to {}, which is not a step of this flow",
                        quoted(target)
                    ))
                })?)
            }
            "faq" => match obj.get("faq") {
                Some(Value::String(faq)) if !faq.is_empty() => LeadsTo::Faq(faq.clone()),
                _ => return Err(fail("\"faq\" must be the id of an FAQ entry".into())),
            },
            "link" => {
                let link = obj.get("link").and_then(Value::as_object).ok_or_else(|| {
                    fail("\"link\" must be an object with \"url\" and \"text\"".into())
                })?;
                let url = link.get("url").and_then(Value::as_str).unwrap_or_default();
                if !(url.starts_with("https://") || url.starts_with("http://")) {
                    return Err(fail(format!(
                        "\"link\".\"url\" must be an http(s) URL, not {}",
                        quoted(url)
                    )));
                }
                let text = localized_field(link, "text", true).map_err(&fail)?;
                LeadsTo::Link {
                    url: url.to_string(),
                    text,
                }
            }
            "known_issues" => match obj.get("known_issues") {
                Some(Value::Bool(true)) => LeadsTo::KnownIssues,
                _ => return Err(fail("\"known_issues\" must be true".into())),
            },
            _ => {
                let ticket = obj
                    .get("ticket")
                    .and_then(Value::as_object)
                    .ok_or_else(|| fail("\"ticket\" must be an object".into()))?;
                let text = |key: &str| match ticket.get(key) {
                    None | Some(Value::Null) => Ok(None),
                    Some(Value::String(s)) if !s.is_empty() => Ok(Some(s.clone())),
                    Some(_) => Err(fail(format!("\"ticket\".{} must be a string", quoted(key)))),
                };
                LeadsTo::Ticket(TicketPrefill {
                    category: text("category")?,
                    priority: text("priority")?,
                    subject: localized_field(ticket, "subject", false).map_err(&fail)?,
                })
            }
        };
        answers.push(Answer { label, leads_to });
    }
    Ok(Step {
        id: id.to_string(),
        question,
        answers,
    })
}

fn note_unknown(obj: &Map, path: &str, known: &[&str], unknown: &mut Vec<String>) {
    for key in obj.keys().filter(|k| !known.contains(&k.as_str())) {
        unknown.push(format!("{path}.{key}"));
    }
}

/// No cycle, every step reached from the start, no path deeper than [`MAX_DEPTH`]: a depth-first
/// walk from the start that keeps the path it is on.
fn check_shape(flow: &Flow) -> Result<(), String> {
    let n = flow.steps.len();
    // 0 unseen, 1 on the current path, 2 done; `depth[i]`: most questions from step i on.
    let mut state = vec![0u8; n];
    let mut depth = vec![0usize; n];
    let mut path: Vec<usize> = Vec::new();
    // Explicit stack of (step, next answer to look at), so a hostile feed cannot overflow ours.
    let mut stack: Vec<(usize, usize)> = vec![(flow.start, 0)];
    state[flow.start] = 1;
    path.push(flow.start);
    while let Some(top) = stack.last_mut() {
        let step = top.0;
        let answers = &flow.steps[step].answers;
        if top.1 < answers.len() {
            let answer = top.1;
            top.1 += 1;
            let LeadsTo::Step(to) = answers[answer].leads_to else {
                continue;
            };
            match state[to] {
                0 => {
                    state[to] = 1;
                    path.push(to);
                    stack.push((to, 0));
                }
                1 => {
                    let from = path.iter().position(|s| *s == to).unwrap_or(0);
                    let cycle: Vec<String> = path[from..]
                        .iter()
                        .chain(std::iter::once(&to))
                        .map(|s| quoted(&flow.steps[*s].id))
                        .collect();
                    return Err(format!(
                        "its steps go round in a circle: {}",
                        crate::base::text::join(&cycle, " → ")
                    ));
                }
                _ => {}
            }
        } else {
            let below = answers
                .iter()
                .filter_map(|a| match a.leads_to {
                    LeadsTo::Step(to) => Some(depth[to]),
                    _ => None,
                })
                .max()
                .unwrap_or(0);
            depth[step] = below + 1;
            state[step] = 2;
            path.pop();
            stack.pop();
        }
    }
    if let Some(unreached) = state.iter().position(|s| *s == 0) {
        return Err(format!(
            "step {} is never reached from the start",
            quoted(&flow.steps[unreached].id)
        ));
    }
    if depth[flow.start] > MAX_DEPTH {
        return Err(format!(
            "a path from the start asks {} questions; at most {MAX_DEPTH}",
            depth[flow.start]
        ));
    }
    Ok(())
}

/// What the rest of the feed offers a flow's endings.
#[derive(Clone, Debug, Default)]
pub struct Targets<'a> {
    /// The FAQ entries' ids.
    pub faq: Vec<&'a str>,
    /// The ticket categories, or `None` when the feed has no support block to check against.
    pub categories: Option<&'a [String]>,
    /// The priority ids, likewise.
    pub priorities: Option<&'a [String]>,
}

/// Endings of `flow` that point at nothing in the feed, word for word; empty when all exist.
pub fn missing_targets(flow: &Flow, targets: &Targets<'_>) -> Vec<String> {
    let mut missing = Vec::new();
    for step in &flow.steps {
        for (i, answer) in step.answers.iter().enumerate() {
            let at = format!("step {} answer {}", quoted(&step.id), i + 1);
            match &answer.leads_to {
                LeadsTo::Faq(faq) if !targets.faq.contains(&faq.as_str()) => missing.push(format!(
                    "{at} opens FAQ entry {}, which the feed does not have",
                    quoted(faq)
                )),
                LeadsTo::Ticket(prefill) => {
                    let known =
                        |list: Option<&[String]>, value: &Option<String>| match (list, value) {
                            (Some(list), Some(value)) => list.contains(value),
                            _ => true,
                        };
                    if !known(targets.categories, &prefill.category) {
                        missing.push(format!(
                            "{at} files a ticket in category {}, which is not one of support.categories",
                            quoted(prefill.category.as_deref().unwrap_or_default())
                        ));
                    }
                    if !known(targets.priorities, &prefill.priority) {
                        missing.push(format!(
                            "{at} files a ticket with priority {}, which is not one of support.priorities",
                            quoted(prefill.priority.as_deref().unwrap_or_default())
                        ));
                    }
                }
                _ => {}
            }
        }
    }
    missing
}

/// One learner's way through a flow: the answers chosen so far, as (step, answer) indices.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Walk {
    chosen: Vec<(usize, usize)>,
}

/// Where a walk stands.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Position<'f> {
    /// At a question.
    Asking(&'f Step),
    /// At an ending.
    Ended(&'f LeadsTo),
}

impl Walk {
    /// A walk at the flow's first question.
    pub fn new() -> Walk {
        Walk::default()
    }

    /// Where the walk stands in `flow`.
    pub fn position<'f>(&self, flow: &'f Flow) -> Position<'f> {
        let Some(&(step, answer)) = self.chosen.last() else {
            return Position::Asking(&flow.steps[flow.start]);
        };
        match &flow.steps[step].answers[answer].leads_to {
            LeadsTo::Step(next) => Position::Asking(&flow.steps[*next]),
            ending => Position::Ended(ending),
        }
    }

    fn current_step(&self, flow: &Flow) -> Option<usize> {
        match self.chosen.last() {
            None => Some(flow.start),
            Some(&(step, answer)) => match flow.steps[step].answers[answer].leads_to {
                LeadsTo::Step(next) => Some(next),
                _ => None,
            },
        }
    }

    /// Takes answer `answer` (0-based) of the current question. False, and no change, at an
    /// ending or for an answer that does not exist.
    pub fn choose(&mut self, flow: &Flow, answer: usize) -> bool {
        match self.current_step(flow) {
            Some(step) if answer < flow.steps[step].answers.len() => {
                self.chosen.push((step, answer));
                true
            }
            _ => false,
        }
    }

    /// Goes back one question; false at the first.
    pub fn back(&mut self) -> bool {
        self.chosen.pop().is_some()
    }

    /// How many answers were taken.
    pub fn answered(&self) -> usize {
        self.chosen.len()
    }

    /// The trail for the agent, in `locale`: `Question? → Answer › Question? → Answer`.
    pub fn path(&self, flow: &Flow, locale: &str) -> String {
        let mut out = String::new();
        for (i, &(step, answer)) in self.chosen.iter().enumerate() {
            if i > 0 {
                out.push_str(" › ");
            }
            let step = &flow.steps[step];
            out.push_str(step.question.get(locale));
            out.push_str(" → ");
            out.push_str(step.answers[answer].label.get(locale));
        }
        out
    }
}

/// A text with the language tag of the entry it came from (for `lang=` when it differs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tagged {
    /// The text.
    pub text: String,
    /// The feed's tag for it.
    pub tag: String,
}

impl Tagged {
    fn of(text: &LocalizedText, locale: &str) -> Tagged {
        let (tag, text) = text.get_with_tag(locale);
        Tagged {
            text: text.to_string(),
            tag: tag.to_string(),
        }
    }
}

/// What the panel draws for a walk.
#[derive(Clone, Debug, PartialEq)]
pub struct FlowView {
    /// The flow's title.
    pub title: Tagged,
    /// 1 for the first question; the count of answers taken plus one.
    pub step_number: usize,
    /// Back is offered (not at the first question).
    pub can_go_back: bool,
    /// The question and its buttons, or the ending.
    pub body: FlowBody,
}

/// The question being asked, or where the walk ended.
#[derive(Clone, Debug, PartialEq)]
pub enum FlowBody {
    /// A question with its buttons' labels.
    Question {
        /// The heading, which takes focus.
        question: Tagged,
        /// The buttons, in order.
        answers: Vec<Tagged>,
    },
    /// Open this FAQ entry.
    Faq(String),
    /// Offer this link.
    Link {
        /// Where.
        url: String,
        /// Its text.
        text: Tagged,
    },
    /// Show the known issues in force.
    KnownIssues,
    /// Offer the ticket form with these fields filled and the trail in its context.
    Ticket {
        /// Category to select.
        category: Option<String>,
        /// Priority to select.
        priority: Option<String>,
        /// Subject to fill, `None` when the flow gives none.
        subject: Option<String>,
        /// The trail, for the ticket's context.
        path: String,
    },
}

/// The view of `walk` through `flow` for a learner reading `locale`.
pub fn flow_view(flow: &Flow, walk: &Walk, locale: &str) -> FlowView {
    let body = match walk.position(flow) {
        Position::Asking(step) => FlowBody::Question {
            question: Tagged::of(&step.question, locale),
            answers: step
                .answers
                .iter()
                .map(|a| Tagged::of(&a.label, locale))
                .collect(),
        },
        Position::Ended(LeadsTo::Faq(id)) => FlowBody::Faq(id.clone()),
        Position::Ended(LeadsTo::Link { url, text }) => FlowBody::Link {
            url: url.clone(),
            text: Tagged::of(text, locale),
        },
        Position::Ended(LeadsTo::Ticket(prefill)) => FlowBody::Ticket {
            category: prefill.category.clone(),
            priority: prefill.priority.clone(),
            subject: (!prefill.subject.is_empty()).then(|| prefill.subject.get(locale).to_string()),
            path: walk.path(flow, locale),
        },
        Position::Ended(_) => FlowBody::KnownIssues,
    };
    FlowView {
        title: Tagged::of(&flow.title, locale),
        step_number: walk.answered() + 1,
        can_go_back: walk.answered() > 0,
        body,
    }
}

/// `flow` as an indented tree in `locale`, for `lms-support flows`: each question, each answer
/// and where it leads.
pub fn tree(flow: &Flow, locale: &str) -> String {
    let mut out = format!("{} ({})\n", flow.title.get(locale), flow.id);
    tree_step(flow, flow.start, locale, "", &mut out);
    out
}

fn tree_step(flow: &Flow, step: usize, locale: &str, indent: &str, out: &mut String) {
    let step = &flow.steps[step];
    out.push_str(&format!(
        "{indent}? {} [{}]\n",
        step.question.get(locale),
        step.id
    ));
    let last = step.answers.len().saturating_sub(1);
    for (i, answer) in step.answers.iter().enumerate() {
        let (branch, below) = if i == last {
            ("└─", "   ")
        } else {
            ("├─", "│  ")
        };
        let label = answer.label.get(locale);
        match &answer.leads_to {
            LeadsTo::Step(next) => {
                out.push_str(&format!("{indent}{branch} {label}\n"));
                tree_step(flow, *next, locale, &format!("{indent}{below}"), out);
            }
            ending => out.push_str(&format!(
                "{indent}{branch} {label} ⇒ {}\n",
                ending_text(ending, locale)
            )),
        }
    }
}

fn ending_text(ending: &LeadsTo, locale: &str) -> String {
    match ending {
        LeadsTo::Step(_) => String::new(),
        LeadsTo::Faq(id) => format!("FAQ {id}"),
        LeadsTo::Link { url, text } => format!("link {url} ({})", text.get(locale)),
        LeadsTo::KnownIssues => "known issues".into(),
        LeadsTo::Ticket(p) => {
            let mut parts = vec!["ticket".to_string()];
            if let Some(c) = &p.category {
                parts.push(format!("category {c}"));
            }
            if let Some(pr) = &p.priority {
                parts.push(format!("priority {pr}"));
            }
            if !p.subject.is_empty() {
                parts.push(format!("subject {}", quoted(p.subject.get(locale))));
            }
            parts.join(", ")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<Flow, String> {
        let value = crate::base::json::from_str(json).expect("test JSON");
        flow_of(&value, "flows[0]", &mut Vec::new())
    }

    /// "Can you log in?" → No → "Do you see an error?" → Yes → a ticket; other answers end in
    /// an FAQ entry, a link and the known issues.
    const LOGIN: &str = r#"{
        "id": "login", "title": {"en": "I can't log in", "es": "No puedo entrar"},
        "steps": [
          {"id": "can-log-in", "question": {"en": "Can you open the login page?", "es": "¿Se abre la página de acceso?"},
           "answers": [
             {"label": {"en": "Yes", "es": "Sí"}, "next": "error"},
             {"label": {"en": "No", "es": "No"}, "known_issues": true}]},
          {"id": "error", "question": {"en": "Do you see an error message?", "es": "¿Ve un mensaje de error?"},
           "answers": [
             {"label": {"en": "Yes", "es": "Sí"}, "ticket": {"category": "access", "priority": "high",
                "subject": {"en": "Login error", "es": "Error al entrar"}}},
             {"label": {"en": "I forgot my password"}, "faq": "reset-password"},
             {"label": {"en": "Single sign-on"}, "link": {"url": "https://sso.example.edu/help",
                "text": {"en": "Open the sign-on help"}}}]}
        ]}"#;

    #[test]
    fn a_walk_goes_forward_and_back_and_keeps_the_trail_for_the_agent() {
        let flow = parse(LOGIN).expect("valid flow");
        let mut walk = Walk::new();
        let first = flow_view(&flow, &walk, "es");
        assert_eq!(first.title.text, "No puedo entrar");
        assert!(!first.can_go_back);
        assert_eq!(first.step_number, 1);
        let FlowBody::Question { question, answers } = &first.body else {
            panic!("starts with a question: {first:?}");
        };
        assert_eq!(question.text, "¿Se abre la página de acceso?");
        assert_eq!(
            answers.iter().map(|a| a.text.as_str()).collect::<Vec<_>>(),
            ["Sí", "No"]
        );

        assert!(walk.choose(&flow, 0));
        assert!(!walk.choose(&flow, 7), "no 8th answer");
        assert!(walk.choose(&flow, 0));
        // At an ending, answers are not buttons any more.
        assert!(!walk.choose(&flow, 0));
        let end = flow_view(&flow, &walk, "es");
        assert!(end.can_go_back);
        assert_eq!(end.step_number, 3);
        assert_eq!(
            end.body,
            FlowBody::Ticket {
                category: Some("access".into()),
                priority: Some("high".into()),
                subject: Some("Error al entrar".into()),
                path: "¿Se abre la página de acceso? → Sí › ¿Ve un mensaje de error? → Sí".into(),
            }
        );

        assert!(walk.back());
        assert!(walk.choose(&flow, 1));
        assert_eq!(
            flow_view(&flow, &walk, "en").body,
            FlowBody::Faq("reset-password".into())
        );
        assert!(walk.back() && walk.back());
        assert!(!walk.back(), "nothing before the first question");
        assert!(walk.choose(&flow, 1));
        assert_eq!(flow_view(&flow, &walk, "en").body, FlowBody::KnownIssues);
    }

    #[test]
    fn a_label_missing_in_the_learners_language_says_which_language_it_is_in() {
        let flow = parse(LOGIN).expect("valid flow");
        let mut walk = Walk::new();
        walk.choose(&flow, 0);
        let FlowBody::Question { answers, .. } = flow_view(&flow, &walk, "es").body else {
            panic!("a question");
        };
        assert_eq!(answers[1].text, "I forgot my password");
        assert_eq!(answers[1].tag, "en");
        walk.choose(&flow, 2);
        let FlowBody::Link { url, text } = flow_view(&flow, &walk, "es").body else {
            panic!("a link");
        };
        assert_eq!(url, "https://sso.example.edu/help");
        assert_eq!(text.text, "Open the sign-on help");
    }

    fn step(id: &str, answers: &str) -> String {
        format!(r#"{{"id": "{id}", "question": {{"en": "{id}?"}}, "answers": [{answers}]}}"#)
    }

    fn flow_with(steps: &[String]) -> Result<Flow, String> {
        parse(&format!(
            r#"{{"id": "f", "title": {{"en": "F"}}, "steps": [{}]}}"#,
            steps.join(",")
        ))
    }

    const NEXT_B: &str = r#"{"label": {"en": "go"}, "next": "b"}"#;
    const TO_FAQ: &str = r#"{"label": {"en": "done"}, "faq": "x"}"#;

    #[test]
    fn broken_trees_are_refused_word_for_word() {
        let cases: [(Vec<String>, &str); 7] = [
            (
                vec![step("a", r#"{"label": {"en": "go"}, "next": "nowhere"}"#)],
                r#"step "a" answer 1 goes to "nowhere", which is not a step of this flow"#,
            ),
            (
                vec![
                    step("a", NEXT_B),
                    step("b", r#"{"label": {"en": "again"}, "next": "a"}"#),
                ],
                r#"its steps go round in a circle: "a" → "b" → "a""#,
            ),
            (
                vec![step("a", NEXT_B), step("b", "")],
                r#"step "b" has no answers: a learner would be stuck there"#,
            ),
            (
                vec![step("a", TO_FAQ), step("b", TO_FAQ)],
                r#"step "b" is never reached from the start"#,
            ),
            (
                vec![step("a", TO_FAQ), step("a", TO_FAQ)],
                r#"two steps have the id "a""#,
            ),
            (
                vec![step(
                    "a",
                    r#"{"label": {"en": "both"}, "faq": "x", "next": "a"}"#,
                )],
                r#"step "a" answer 1 must have exactly one of "next", "faq", "link", "known_issues", "ticket""#,
            ),
            (
                vec![step(
                    "a",
                    r#"{"label": {"en": "go"}, "link": {"url": "javascript:alert(1)", "text": {"en": "x"}}}"#,
                )],
                r#"step "a" answer 1 "link"."url" must be an http(s) URL, not "javascript:alert(1)""#,
            ),
        ];
        for (steps, expected) in cases {
            assert_eq!(flow_with(&steps), Err(expected.to_string()));
        }
        let bad_start = parse(
            r#"{"id": "f", "title": {"en": "F"}, "start": "zz",
            "steps": [{"id": "a", "question": {"en": "?"}, "answers": [{"label": {"en": "y"}, "faq": "x"}]}]}"#,
        );
        assert_eq!(
            bad_start,
            Err(r#""start" is "zz", which is not a step of this flow"#.to_string())
        );
    }

    #[test]
    fn a_path_deeper_than_the_limit_is_refused_and_one_at_it_is_kept() {
        let chain = |questions: usize| -> Vec<String> {
            (0..questions)
                .map(|i| {
                    if i + 1 == questions {
                        step(&format!("s{i}"), TO_FAQ)
                    } else {
                        step(
                            &format!("s{i}"),
                            &format!(r#"{{"label": {{"en": "go"}}, "next": "s{}"}}"#, i + 1),
                        )
                    }
                })
                .collect()
        };
        assert!(flow_with(&chain(MAX_DEPTH)).is_ok());
        assert_eq!(
            flow_with(&chain(MAX_DEPTH + 1)),
            Err(format!(
                "a path from the start asks {} questions; at most {MAX_DEPTH}",
                MAX_DEPTH + 1
            ))
        );
    }

    #[test]
    fn two_answers_may_lead_to_one_question_without_it_being_a_cycle() {
        let steps = [step("a", &format!("{NEXT_B}, {NEXT_B}")), step("b", TO_FAQ)];
        assert!(flow_with(&steps).is_ok());
    }

    #[test]
    fn the_tree_shows_every_answer_and_where_it_leads() {
        let flow = parse(LOGIN).expect("valid flow");
        assert_eq!(
            tree(&flow, "en"),
            "I can't log in (login)\n\
             ? Can you open the login page? [can-log-in]\n\
             ├─ Yes\n\
             │  ? Do you see an error message? [error]\n\
             │  ├─ Yes ⇒ ticket, category access, priority high, subject \"Login error\"\n\
             │  ├─ I forgot my password ⇒ FAQ reset-password\n\
             │  └─ Single sign-on ⇒ link https://sso.example.edu/help (Open the sign-on help)\n\
             └─ No ⇒ known issues\n"
        );
    }
}
