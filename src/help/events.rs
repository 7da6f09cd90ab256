//! Anonymous help events and the deflection figures a vendor reads from them.
//!
//! What the widget may tell the vendor about how help is used, and nothing about who: no
//! learner, page, course, query string or time finer than the day the server files it under. A
//! search that found nothing travels only as its normalized words ([`no_result_terms`]), and not
//! at all when it looks like it holds an e-mail address or an id. The server keeps per-client
//! daily counts ([`tally`]), never the events; [`Report`] is what `lms-support report` prints
//! from those counts. The wire format is [`batch_json`] / [`parse_batch`], both here so the
//! widget and the server cannot disagree.

use crate::base::json::{self, quoted, Value};
use std::collections::BTreeMap;

/// Most events in one batch.
pub const MAX_BATCH: usize = 50;
/// Longest FAQ or flow id accepted.
pub const MAX_ID_CHARS: usize = 100;
/// Longest no-result terms kept, in characters.
pub const MAX_TERMS_CHARS: usize = 64;
/// Most words of a no-result search kept.
const MAX_TERMS_WORDS: usize = 6;

/// One thing a learner did in the help panel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HelpEvent {
    /// An FAQ answer was opened.
    AnswerOpened {
        /// Its id.
        faq: String,
    },
    /// "Did this help?" was answered.
    Voted {
        /// On what.
        subject: Subject,
        /// Yes or no.
        helpful: bool,
        /// Why not, when the learner said.
        reason: Option<Reason>,
    },
    /// A search found nothing; its words, normalized.
    NoResult {
        /// The words, folded and lowercased, space-separated.
        terms: String,
    },
    /// A guided flow reached an ending.
    FlowEnded {
        /// The flow's id.
        flow: String,
        /// Which kind of ending.
        ending: Ending,
    },
    /// A ticket was sent after this answer was opened in the same help session.
    TicketAfterAnswer {
        /// The answer's id.
        faq: String,
    },
    /// A help session (the panel opened, then closed or left) ended.
    SessionEnded {
        /// A ticket was sent during it.
        ticket: bool,
    },
}

/// What a "Did this help?" vote is about.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Subject {
    /// An FAQ answer, by id.
    Faq(String),
    /// A flow's ending, by the flow's id.
    Flow(String),
}

/// Why an answer did not help: a short fixed choice, so no free text (and no personal data)
/// ever reaches the counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reason {
    /// Hard to understand.
    Unclear,
    /// Followed it; it did not work.
    DidNotWork,
    /// It answers another question.
    NotMyQuestion,
}

/// The kinds of flow endings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Ending {
    /// An FAQ answer.
    Answer,
    /// A link.
    Link,
    /// The known issues.
    KnownIssues,
    /// The ticket form.
    Ticket,
}

impl Reason {
    /// All, in the order the panel offers them.
    pub const ALL: [Reason; 3] = [Reason::Unclear, Reason::DidNotWork, Reason::NotMyQuestion];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Unclear => "unclear",
            Reason::DidNotWork => "did_not_work",
            Reason::NotMyQuestion => "not_my_question",
        }
    }

    fn parse(s: &str) -> Option<Reason> {
        Reason::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

impl Ending {
    const ALL: [Ending; 4] = [
        Ending::Answer,
        Ending::Link,
        Ending::KnownIssues,
        Ending::Ticket,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Ending::Answer => "answer",
            Ending::Link => "link",
            Ending::KnownIssues => "known_issues",
            Ending::Ticket => "ticket",
        }
    }

    fn parse(s: &str) -> Option<Ending> {
        Ending::ALL.into_iter().find(|e| e.as_str() == s)
    }
}

/// The words of a search that found nothing, as they may leave the browser: folded and
/// lowercased, at most six words and 64 characters; `None` when nothing is left or the search
/// looks like it holds an e-mail address, a phone number or an id (a word with `@`, or four
/// digits or more), which are dropped whole rather than trimmed.
pub fn no_result_terms(query: &str) -> Option<String> {
    let personal = query
        .split_whitespace()
        .any(|word| word.contains('@') || word.chars().filter(char::is_ascii_digit).count() >= 4);
    if personal {
        return None;
    }
    let mut terms = String::new();
    for word in crate::help::search::tokenize(query)
        .into_iter()
        .take(MAX_TERMS_WORDS)
    {
        if terms.chars().count() + 1 + word.chars().count() > MAX_TERMS_CHARS {
            break;
        }
        if !terms.is_empty() {
            terms.push(' ');
        }
        terms.push_str(&word);
    }
    (!terms.is_empty()).then_some(terms)
}

/// A batch as the widget sends it: `{"events": [...]}`.
pub fn batch_json(events: &[HelpEvent]) -> String {
    let items: Vec<String> = events.iter().map(event_json).collect();
    format!("{{\"events\":[{}]}}", crate::base::text::join(&items, ","))
}

fn event_json(event: &HelpEvent) -> String {
    match event {
        HelpEvent::AnswerOpened { faq } => {
            format!("{{\"type\":\"answer_opened\",\"faq\":{}}}", quoted(faq))
        }
        HelpEvent::Voted {
            subject,
            helpful,
            reason,
        } => {
            let (key, id) = match subject {
                Subject::Faq(id) => ("faq", id),
                Subject::Flow(id) => ("flow", id),
            };
            let reason = reason
                .map(|r| format!(",\"reason\":\"{}\"", r.as_str()))
                .unwrap_or_default();
            format!(
                "{{\"type\":\"vote\",\"{key}\":{},\"helpful\":{helpful}{reason}}}",
                quoted(id)
            )
        }
        HelpEvent::NoResult { terms } => {
            format!("{{\"type\":\"no_result\",\"terms\":{}}}", quoted(terms))
        }
        HelpEvent::FlowEnded { flow, ending } => format!(
            "{{\"type\":\"flow_ended\",\"flow\":{},\"ending\":\"{}\"}}",
            quoted(flow),
            ending.as_str()
        ),
        HelpEvent::TicketAfterAnswer { faq } => {
            format!(
                "{{\"type\":\"ticket_after_answer\",\"faq\":{}}}",
                quoted(faq)
            )
        }
        HelpEvent::SessionEnded { ticket } => {
            format!("{{\"type\":\"session_ended\",\"ticket\":{ticket}}}")
        }
    }
}

/// Why a batch was refused: the field (`events[2].faq`) and what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BatchError {
    /// Where, e.g. `events[2].faq`; `body` for the whole body.
    pub field: String,
    /// What is wrong, word for word.
    pub message: String,
}

/// Reads a batch sent by the widget. Unknown fields are refused too: a field this version does
/// not know might be one it must not store.
///
/// # Errors
/// The first problem, with its field.
pub fn parse_batch(body: &str) -> Result<Vec<HelpEvent>, BatchError> {
    let fail = |field: &str, message: &str| BatchError {
        field: field.to_string(),
        message: message.to_string(),
    };
    let limits = json::Limits {
        max_text_bytes: 32 << 10,
        max_string_bytes: 1 << 10,
        max_array_items: MAX_BATCH,
        max_object_keys: 8,
        max_depth: 4,
    };
    let value = json::from_str_within(body, &limits).map_err(|e| {
        let message = if e.too_large {
            format!("too large: {e}")
        } else {
            format!("malformed: {e}")
        };
        fail("body", &message)
    })?;
    let root = value
        .as_object()
        .ok_or_else(|| fail("body", "must be an object"))?;
    if let Some(key) = root.keys().find(|k| k.as_str() != "events") {
        return Err(fail(key, "unknown field"));
    }
    let events = root
        .get("events")
        .and_then(Value::as_array)
        .ok_or_else(|| fail("events", "must be an array of events"))?;
    events
        .iter()
        .enumerate()
        .map(|(i, e)| {
            parse_event(e).map_err(|(key, message)| fail(&format!("events[{i}]{key}"), &message))
        })
        .collect()
}

/// One event, or (`.field` or "", message).
fn parse_event(value: &Value) -> Result<HelpEvent, (String, String)> {
    let obj = value
        .as_object()
        .ok_or_else(|| (String::new(), "must be an object".to_string()))?;
    let kind = obj.get("type").and_then(Value::as_str).unwrap_or_default();
    let allowed: &[&str] = match kind {
        "answer_opened" | "ticket_after_answer" => &["type", "faq"],
        "vote" => &["type", "faq", "flow", "helpful", "reason"],
        "no_result" => &["type", "terms"],
        "flow_ended" => &["type", "flow", "ending"],
        "session_ended" => &["type", "ticket"],
        _ => {
            return Err((
                ".type".into(),
                "must be \"answer_opened\", \"vote\", \"no_result\", \"flow_ended\", \"ticket_after_answer\" or \"session_ended\"".into(),
            ))
        }
    };
    if let Some(key) = obj.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err((
            format!(".{key}"),
            format!("unknown field for {}", quoted(kind)),
        ));
    }
    let id = |key: &str| -> Result<String, (String, String)> {
        match obj.get(key).and_then(Value::as_str) {
            Some(s) if !s.is_empty() && s.chars().count() <= MAX_ID_CHARS => Ok(s.to_string()),
            _ => Err((
                format!(".{key}"),
                format!("must be an id of 1 to {MAX_ID_CHARS} characters"),
            )),
        }
    };
    let flag = |key: &str| -> Result<bool, (String, String)> {
        obj.get(key)
            .and_then(Value::as_bool)
            .ok_or_else(|| (format!(".{key}"), "must be true or false".to_string()))
    };
    Ok(match kind {
        "answer_opened" => HelpEvent::AnswerOpened { faq: id("faq")? },
        "ticket_after_answer" => HelpEvent::TicketAfterAnswer { faq: id("faq")? },
        "vote" => {
            let subject = match (obj.contains_key("faq"), obj.contains_key("flow")) {
                (true, false) => Subject::Faq(id("faq")?),
                (false, true) => Subject::Flow(id("flow")?),
                _ => {
                    return Err((
                        String::new(),
                        "must name one \"faq\" or one \"flow\"".into(),
                    ))
                }
            };
            let helpful = flag("helpful")?;
            let reason = match obj.get("reason") {
                None | Some(Value::Null) => None,
                Some(r) => Some(r.as_str().and_then(Reason::parse).filter(|_| !helpful).ok_or_else(
                    || {
                        (
                            ".reason".to_string(),
                            "must be \"unclear\", \"did_not_work\" or \"not_my_question\", and only with \"helpful\": false".to_string(),
                        )
                    },
                )?),
            };
            HelpEvent::Voted {
                subject,
                helpful,
                reason,
            }
        }
        "no_result" => {
            let raw = obj.get("terms").and_then(Value::as_str).unwrap_or_default();
            // The server applies the widget's filter again: it keeps only what the rule lets
            // through, whatever a client sends.
            let terms = no_result_terms(raw).filter(|t| t == raw).ok_or_else(|| {
                (
                    ".terms".to_string(),
                    format!("must be normalized search words, at most {MAX_TERMS_CHARS} characters, without e-mail addresses or numbers"),
                )
            })?;
            HelpEvent::NoResult { terms }
        }
        "flow_ended" => HelpEvent::FlowEnded {
            flow: id("flow")?,
            ending: obj
                .get("ending")
                .and_then(Value::as_str)
                .and_then(Ending::parse)
                .ok_or_else(|| {
                    (
                        ".ending".to_string(),
                        "must be \"answer\", \"link\", \"known_issues\" or \"ticket\"".to_string(),
                    )
                })?,
        },
        _ => HelpEvent::SessionEnded {
            ticket: flag("ticket")?,
        },
    })
}

/// A count the server keeps per client and day: a fixed kind and a key (an id, terms, or "").
pub type Counter = (&'static str, String);

/// Kinds of [`Counter`], as stored.
pub mod kind {
    /// An answer opened (key: FAQ id).
    pub const OPENED: &str = "opened";
    /// A yes vote (key: `faq:ID` or `flow:ID`).
    pub const HELPFUL: &str = "helpful";
    /// A no vote (key: `faq:ID` or `flow:ID`).
    pub const NOT_HELPFUL: &str = "not_helpful";
    /// A no vote's reason (key: `faq:ID reason` or `flow:ID reason`).
    pub const REASON: &str = "not_helpful_reason";
    /// A search with no result (key: its terms).
    pub const NO_RESULT: &str = "no_result";
    /// A flow's ending (key: `ID ending`).
    pub const FLOW_ENDED: &str = "flow_ended";
    /// A ticket after an answer (key: FAQ id).
    pub const TICKET_AFTER: &str = "ticket_after_answer";
    /// A help session ended (key: `ticket` or `no_ticket`).
    pub const SESSION: &str = "session";
}

fn subject_key(subject: &Subject) -> String {
    match subject {
        Subject::Faq(id) => format!("faq:{id}"),
        Subject::Flow(id) => format!("flow:{id}"),
    }
}

/// The counts a batch adds, merged: what the server adds to the day's rows.
pub fn tally(events: &[HelpEvent]) -> Vec<(Counter, u64)> {
    let mut counts: BTreeMap<Counter, u64> = BTreeMap::new();
    let mut add = |kind: &'static str, key: String| *counts.entry((kind, key)).or_default() += 1;
    for event in events {
        match event {
            HelpEvent::AnswerOpened { faq } => add(kind::OPENED, faq.clone()),
            HelpEvent::Voted {
                subject,
                helpful: true,
                ..
            } => add(kind::HELPFUL, subject_key(subject)),
            HelpEvent::Voted {
                subject,
                helpful: false,
                reason,
            } => {
                add(kind::NOT_HELPFUL, subject_key(subject));
                if let Some(reason) = reason {
                    add(
                        kind::REASON,
                        format!("{} {}", subject_key(subject), reason.as_str()),
                    );
                }
            }
            HelpEvent::NoResult { terms } => add(kind::NO_RESULT, terms.clone()),
            HelpEvent::FlowEnded { flow, ending } => {
                add(kind::FLOW_ENDED, format!("{flow} {}", ending.as_str()));
            }
            HelpEvent::TicketAfterAnswer { faq } => add(kind::TICKET_AFTER, faq.clone()),
            HelpEvent::SessionEnded { ticket } => add(
                kind::SESSION,
                if *ticket { "ticket" } else { "no_ticket" }.to_string(),
            ),
        }
    }
    counts.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_kind() -> Vec<HelpEvent> {
        vec![
            HelpEvent::AnswerOpened {
                faq: "reset-password".into(),
            },
            HelpEvent::Voted {
                subject: Subject::Faq("reset-password".into()),
                helpful: false,
                reason: Some(Reason::DidNotWork),
            },
            HelpEvent::Voted {
                subject: Subject::Flow("sign-in".into()),
                helpful: true,
                reason: None,
            },
            HelpEvent::NoResult {
                terms: "como subo un video".into(),
            },
            HelpEvent::FlowEnded {
                flow: "upload".into(),
                ending: Ending::Ticket,
            },
            HelpEvent::TicketAfterAnswer {
                faq: "upload-failed".into(),
            },
            HelpEvent::SessionEnded { ticket: true },
        ]
    }

    #[test]
    fn what_the_widget_sends_the_server_reads_back() {
        let events = every_kind();
        let body = batch_json(&events);
        assert!(body.starts_with(r#"{"events":[{"type":"answer_opened","faq":"reset-password"},"#));
        assert_eq!(parse_batch(&body), Ok(events));
    }

    #[test]
    fn a_search_leaves_only_as_folded_words_and_never_with_an_address_or_an_id() {
        assert_eq!(
            no_result_terms("¿Cómo SUBO un vídeo?").as_deref(),
            Some("como subo un video")
        );
        assert_eq!(no_result_terms("password ana@example.edu"), None);
        assert_eq!(no_result_terms("grade for student 20231234"), None);
        assert_eq!(no_result_terms("call 555-0100"), None);
        assert_eq!(no_result_terms("  ¿? "), None);
        assert_eq!(
            no_result_terms("one two three four five six seven eight").as_deref(),
            Some("one two three four five six")
        );
        let long = "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstu ".repeat(3);
        assert!(no_result_terms(&long).is_some_and(|t| t.chars().count() <= MAX_TERMS_CHARS));
    }

    fn refused(body: &str) -> (String, String) {
        let e = parse_batch(body).expect_err("refused");
        (e.field, e.message)
    }

    #[test]
    fn anything_that_could_carry_who_or_where_is_refused_with_its_field() {
        assert_eq!(
            refused(r#"{"events":[{"type":"answer_opened","faq":"x","user":"ana"}]}"#),
            (
                "events[0].user".into(),
                "unknown field for \"answer_opened\"".into()
            )
        );
        assert_eq!(
            refused(r#"{"events":[],"page":"https://lms.example/course?id=4"}"#).0,
            "page"
        );
        assert_eq!(
            refused(r#"{"events":[{"type":"no_result","terms":"ana@example.edu"}]}"#).0,
            "events[0].terms"
        );
        // Terms must already be what the widget's filter lets through.
        assert_eq!(
            refused(r#"{"events":[{"type":"no_result","terms":"Vídeo"}]}"#).0,
            "events[0].terms"
        );
        assert_eq!(
            refused(r#"{"events":[{"type":"vote","faq":"x","helpful":true,"reason":"unclear"}]}"#)
                .0,
            "events[0].reason"
        );
        assert_eq!(
            refused(r#"{"events":[{"type":"vote","faq":"x","flow":"y","helpful":true}]}"#),
            (
                "events[0]".into(),
                "must name one \"faq\" or one \"flow\"".into()
            )
        );
        assert_eq!(
            refused(r#"{"events":[{"type":"click"}]}"#).0,
            "events[0].type"
        );
        let many = vec![r#"{"type":"session_ended","ticket":false}"#; MAX_BATCH + 1].join(",");
        let (field, message) = refused(&format!(r#"{{"events":[{many}]}}"#));
        assert_eq!(field, "body");
        assert!(message.starts_with("too large"), "{message}");
    }

    #[test]
    fn a_batch_adds_merged_counts() {
        let mut events = every_kind();
        events.push(HelpEvent::AnswerOpened {
            faq: "reset-password".into(),
        });
        events.push(HelpEvent::SessionEnded { ticket: false });
        let counts = tally(&events);
        let get = |k: &str, key: &str| {
            counts
                .iter()
                .find(|((kind, k2), _)| *kind == k && k2 == key)
                .map(|(_, n)| *n)
        };
        assert_eq!(get(kind::OPENED, "reset-password"), Some(2));
        assert_eq!(get(kind::NOT_HELPFUL, "faq:reset-password"), Some(1));
        assert_eq!(
            get(kind::REASON, "faq:reset-password did_not_work"),
            Some(1)
        );
        assert_eq!(get(kind::HELPFUL, "flow:sign-in"), Some(1));
        assert_eq!(get(kind::FLOW_ENDED, "upload ticket"), Some(1));
        assert_eq!(get(kind::SESSION, "ticket"), Some(1));
        assert_eq!(get(kind::SESSION, "no_ticket"), Some(1));
        assert_eq!(counts.iter().map(|(_, n)| n).sum::<u64>(), 10);
    }
}
