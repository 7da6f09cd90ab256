//! The rules a ticket must meet, checked in form order so the first error is the first field
//! the learner sees wrong.
//!
//! | field | rules (after trimming) | codes |
//! |---|---|---|
//! | `category` | required; one of `support.categories` when the feed lists any; ≤ [`CATEGORY_MAX`] | `required`, `unknown_category`, `too_long` |
//! | `priority` | required; one of the feed's priorities, else of [`DEFAULT_PRIORITIES`] | `required`, `unknown_priority` |
//! | `subject` | required; ≤ [`SUBJECT_MAX`]; one line | `required`, `too_long`, `invalid` |
//! | `description` | required; ≤ [`DESCRIPTION_MAX`]; no control characters but tab and newlines | `required`, `too_long`, `invalid` |
//! | `name` | optional; ≤ [`NAME_MAX`]; one line | `too_long`, `invalid` |
//! | `email` | required; ≤ [`EMAIL_MAX`]; one `@`, a dot in the domain, no spaces | `required`, `too_long`, `invalid_email` |
//! | `attachments` | ≤ [`MAX_ATTACHMENTS`] files | `too_many` |
//! | `attachments[i]` | a type of [`ATTACHMENT_TYPES`]; ≤ [`ATTACHMENT_MAX_BYTES`] | `unsupported_type`, `too_large` |
//! | `context` | ≤ [`CONTEXT_MAX_ENTRIES`] entries | `too_many` |
//! | `context[i]` | key non-empty and unique; key and value ≤ [`CONTEXT_VALUE_MAX`] | `required`, `invalid`, `too_long` |
//! | `locale` | optional; a language tag like `pt-BR` | `invalid` |
//! | `honeypot` | empty | `not_allowed` |
//!
//! Lengths count characters (Unicode scalar values), as a `maxlength` attribute roughly does,
//! not bytes. A field reports at most one error: the first rule it breaks, in the order above.

use super::{
    code, field, AttachmentMeta, FieldError, Ticket, TicketDraft, ATTACHMENT_MAX_BYTES,
    ATTACHMENT_TYPES, CATEGORY_MAX, CONTEXT_MAX_ENTRIES, CONTEXT_VALUE_MAX, DEFAULT_PRIORITIES,
    DESCRIPTION_MAX, EMAIL_MAX, LOCALE_MAX, MAX_ATTACHMENTS, NAME_MAX, SUBJECT_MAX,
};
use crate::base::feed::Support;

/// Checks a draft and returns the ticket to send, or every problem in form order.
///
/// `support` is the feed's support section: its categories and priorities are the only ones
/// accepted. Without it (or when it lists none), any category is accepted and the priorities
/// are [`DEFAULT_PRIORITIES`].
///
/// # Errors
/// One [`FieldError`] per field that breaks a rule (see the module docs for the table).
pub fn validate(draft: &TicketDraft, support: Option<&Support>) -> Result<Ticket, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut check = |field: &str, result: Option<&'static str>| {
        if let Some(code) = result {
            errors.push(FieldError::new(field, code));
        }
    };

    let category = draft.category.trim();
    check(field::CATEGORY, category_error(category, support));
    let priority = draft.priority.trim();
    check(field::PRIORITY, priority_error(priority, support));
    let subject = draft.subject.trim();
    check(
        field::SUBJECT,
        required_text_error(subject, SUBJECT_MAX, one_line),
    );
    let description = draft.description.trim();
    check(
        field::DESCRIPTION,
        required_text_error(description, DESCRIPTION_MAX, multi_line),
    );
    let name = draft.name.trim();
    check(
        field::NAME,
        if !too_long(name, NAME_MAX) && one_line(name) {
            None
        } else if too_long(name, NAME_MAX) {
            Some(code::TOO_LONG)
        } else {
            Some(code::INVALID)
        },
    );
    let email = draft.email.trim();
    check(field::EMAIL, email_error(email));
    errors.extend(validate_attachments(&draft.attachments));
    errors.extend(context_errors(&draft.context));
    let locale = draft.locale.trim();
    if !locale.is_empty() && !is_language_tag(locale) {
        errors.push(FieldError::new(field::LOCALE, code::INVALID));
    }
    if !draft.honeypot.trim().is_empty() {
        errors.push(FieldError::new(field::HONEYPOT, code::NOT_ALLOWED));
    }

    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Ticket {
        subject: subject.to_string(),
        description: description.to_string(),
        priority: priority.to_string(),
        category: category.to_string(),
        name: name.to_string(),
        email: email.to_string(),
        locale: locale.to_string(),
        context: draft
            .context
            .iter()
            .map(|(k, v)| (k.trim().to_string(), v.clone()))
            .collect(),
        attachments: draft.attachments.clone(),
    })
}

/// The attachment rules alone: at most [`MAX_ATTACHMENTS`] files (`attachments: too_many`),
/// each of an allowed type (`attachments[i]: unsupported_type`) and at most
/// [`ATTACHMENT_MAX_BYTES`] (`attachments[i]: too_large`).
///
/// The widget calls it as files are picked; the server through [`validate`], with the types
/// it sniffed from the bytes rather than the ones the browser claimed.
pub fn validate_attachments(attachments: &[AttachmentMeta]) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if attachments.len() > MAX_ATTACHMENTS {
        errors.push(FieldError::new(field::ATTACHMENTS, code::TOO_MANY));
    }
    for (i, file) in attachments.iter().enumerate() {
        let mime = file.mime.trim().to_ascii_lowercase();
        if !ATTACHMENT_TYPES.contains(&mime.as_str()) {
            errors.push(FieldError::new(
                format!("attachments[{i}]"),
                code::UNSUPPORTED_TYPE,
            ));
        } else if file.bytes > ATTACHMENT_MAX_BYTES {
            errors.push(FieldError::new(
                format!("attachments[{i}]"),
                code::TOO_LARGE,
            ));
        }
    }
    errors
}

/// The response target in minutes for a priority id: the feed's when it lists priorities,
/// else [`DEFAULT_PRIORITIES`]. `None` for an id neither knows.
pub fn response_minutes(priority: &str, support: Option<&Support>) -> Option<u32> {
    match support {
        Some(s) if !s.priorities.is_empty() => s
            .priorities
            .iter()
            .find(|p| p.id == priority)
            .map(|p| p.response_minutes),
        _ => DEFAULT_PRIORITIES
            .iter()
            .find(|(id, _)| *id == priority)
            .map(|(_, minutes)| *minutes),
    }
}

fn category_error(category: &str, support: Option<&Support>) -> Option<&'static str> {
    if category.is_empty() {
        return Some(code::REQUIRED);
    }
    match support {
        Some(s) if !s.categories.is_empty() => {
            (!s.categories.iter().any(|c| c == category)).then_some(code::UNKNOWN_CATEGORY)
        }
        _ if too_long(category, CATEGORY_MAX) => Some(code::TOO_LONG),
        _ if !one_line(category) => Some(code::INVALID),
        _ => None,
    }
}

fn priority_error(priority: &str, support: Option<&Support>) -> Option<&'static str> {
    if priority.is_empty() {
        Some(code::REQUIRED)
    } else if response_minutes(priority, support).is_none() {
        Some(code::UNKNOWN_PRIORITY)
    } else {
        None
    }
}

fn required_text_error(text: &str, max: usize, allowed: fn(&str) -> bool) -> Option<&'static str> {
    if text.is_empty() {
        Some(code::REQUIRED)
    } else if too_long(text, max) {
        Some(code::TOO_LONG)
    } else if !allowed(text) {
        Some(code::INVALID)
    } else {
        None
    }
}

fn email_error(email: &str) -> Option<&'static str> {
    if email.is_empty() {
        Some(code::REQUIRED)
    } else if too_long(email, EMAIL_MAX) {
        Some(code::TOO_LONG)
    } else if !is_email(email) {
        Some(code::INVALID_EMAIL)
    } else {
        None
    }
}

fn context_errors(context: &[(String, String)]) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if context.len() > CONTEXT_MAX_ENTRIES {
        errors.push(FieldError::new(field::CONTEXT, code::TOO_MANY));
    }
    for (i, (key, value)) in context.iter().enumerate() {
        let key = key.trim();
        let code = if key.is_empty() {
            Some(code::REQUIRED)
        } else if too_long(key, CONTEXT_VALUE_MAX) || too_long(value, CONTEXT_VALUE_MAX) {
            Some(code::TOO_LONG)
        } else if !one_line(key)
            || !multi_line(value)
            || context[..i].iter().any(|(k, _)| k.trim() == key)
        {
            Some(code::INVALID)
        } else {
            None
        };
        if let Some(code) = code {
            errors.push(FieldError::new(format!("context[{i}]"), code));
        }
    }
    errors
}

/// More than `max` characters. Counting stops at `max + 1`, so a huge string costs little.
fn too_long(text: &str, max: usize) -> bool {
    text.chars().nth(max).is_some()
}

/// No control characters at all (a subject, a name, a key).
fn one_line(text: &str) -> bool {
    !text.chars().any(char::is_control)
}

/// No control characters but tab, line feed and carriage return (a description).
fn multi_line(text: &str) -> bool {
    !text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
}

/// A pragmatic e-mail check: exactly one `@`, a non-empty local part, a domain with a dot
/// between non-empty labels, and no whitespace or control characters anywhere. Whether the
/// mailbox exists is for the reply to find out.
fn is_email(email: &str) -> bool {
    if email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && domain.split('.').all(|label| !label.is_empty())
}

/// A BCP 47-shaped tag: a 2–8 letter language, then subtags of 1–8 letters or digits
/// (`es`, `pt-BR`, `zh-Hant-TW`). Underscores (`pt_BR`) are accepted as separators.
fn is_language_tag(tag: &str) -> bool {
    if too_long(tag, LOCALE_MAX) {
        return false;
    }
    let mut parts = tag.split(['-', '_']);
    let language_ok = parts
        .next()
        .is_some_and(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphabetic()));
    language_ok
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

// Native only: the fixtures are parsed with the IANA database.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::super::{draft_from_json, Ticket};
    use super::*;
    use crate::base::feed::{self, Support};
    use crate::base::zone::TzDatabase;

    fn good() -> TicketDraft {
        TicketDraft {
            subject: "Cannot open the quiz".into(),
            description: "It says access denied.\nSince this morning.".into(),
            priority: "routine".into(),
            category: "access".into(),
            name: "Ana Pérez".into(),
            email: "ana@example.edu".into(),
            locale: "es".into(),
            context: vec![
                ("course_id".into(), "42".into()),
                (
                    "page".into(),
                    "https://lms.example.edu/mod/quiz/view.php".into(),
                ),
            ],
            honeypot: String::new(),
            attachments: vec![AttachmentMeta {
                name: "screen.png".into(),
                mime: "image/png".into(),
                bytes: 1234,
            }],
        }
    }

    fn support() -> Support {
        let json = r#"{"version": 1, "support": {"api": "/v1",
            "priorities": [{"id": "urgent", "response_minutes": 30}, {"id": "normal", "response_minutes": 1440}],
            "categories": ["access", "grades"]}}"#;
        feed::parse(json, &TzDatabase)
            .expect("feed")
            .feed
            .support
            .expect("support section")
    }

    /// The `(field, code)` pairs of a failed validation, or `[]` when it passed.
    fn errors(draft: &TicketDraft, support: Option<&Support>) -> Vec<(String, String)> {
        match validate(draft, support) {
            Ok(_) => Vec::new(),
            Err(errors) => errors.into_iter().map(|e| (e.field, e.code)).collect(),
        }
    }

    fn one(field: &str, code: &str) -> Vec<(String, String)> {
        vec![(field.to_string(), code.to_string())]
    }

    #[test]
    fn a_good_draft_becomes_a_trimmed_ticket() {
        let mut draft = good();
        draft.subject = "  Cannot open the quiz \n".into();
        draft.email = " ana@example.edu ".into();
        draft.context[0].0 = " course_id ".into();
        let ticket = validate(&draft, None).expect("valid");
        assert_eq!(ticket.subject(), "Cannot open the quiz");
        assert_eq!(ticket.email(), "ana@example.edu");
        assert_eq!(ticket.name(), "Ana Pérez");
        assert_eq!(ticket.locale(), "es");
        assert_eq!(ticket.context()[0], ("course_id".into(), "42".into()));
        assert_eq!(ticket.attachments().len(), 1);
    }

    #[test]
    fn name_and_locale_are_optional() {
        let mut draft = good();
        draft.name = String::new();
        draft.locale = String::new();
        draft.context.clear();
        draft.attachments.clear();
        assert_eq!(errors(&draft, None), Vec::<(String, String)>::new());
    }

    #[test]
    fn everything_missing_reports_in_form_order() {
        let draft = TicketDraft {
            honeypot: "http://spam.example".into(),
            ..TicketDraft::default()
        };
        assert_eq!(
            errors(&draft, None),
            [
                ("category", "required"),
                ("priority", "required"),
                ("subject", "required"),
                ("description", "required"),
                ("email", "required"),
                ("honeypot", "not_allowed"),
            ]
            .map(|(f, c)| (f.to_string(), c.to_string()))
        );
        // Whitespace only is empty.
        let mut blank = good();
        blank.subject = " \t ".into();
        assert_eq!(errors(&blank, None), one("subject", "required"));
    }

    #[test]
    fn lengths_count_characters_after_trimming() {
        let mut draft = good();
        draft.subject = "é".repeat(SUBJECT_MAX);
        assert_eq!(errors(&draft, None), []);
        draft.subject = format!("  {}  ", "é".repeat(SUBJECT_MAX));
        assert_eq!(errors(&draft, None), []);
        draft.subject = "é".repeat(SUBJECT_MAX + 1);
        assert_eq!(errors(&draft, None), one("subject", "too_long"));

        let mut draft = good();
        draft.description = "x".repeat(DESCRIPTION_MAX + 1);
        assert_eq!(errors(&draft, None), one("description", "too_long"));
        draft.description = "x".repeat(DESCRIPTION_MAX);
        assert_eq!(errors(&draft, None), []);

        let mut draft = good();
        draft.name = "n".repeat(NAME_MAX + 1);
        assert_eq!(errors(&draft, None), one("name", "too_long"));

        let mut draft = good();
        draft.email = format!("{}@example.edu", "a".repeat(EMAIL_MAX));
        assert_eq!(errors(&draft, None), one("email", "too_long"));

        let mut draft = good();
        draft.category = "c".repeat(CATEGORY_MAX + 1);
        assert_eq!(errors(&draft, None), one("category", "too_long"));
    }

    #[test]
    fn control_characters_are_invalid_where_one_line_is_expected() {
        let mut draft = good();
        draft.subject = "two\nlines".into();
        assert_eq!(errors(&draft, None), one("subject", "invalid"));
        let mut draft = good();
        draft.name = "Ana\u{0}".into();
        assert_eq!(errors(&draft, None), one("name", "invalid"));
        let mut draft = good();
        draft.description = "tabs\tand\r\nnewlines are fine".into();
        assert_eq!(errors(&draft, None), []);
        draft.description = "but not a bell \u{7}".into();
        assert_eq!(errors(&draft, None), one("description", "invalid"));
    }

    #[test]
    fn emails_are_checked_pragmatically() {
        for ok in [
            "a@b.co",
            "ana.perez+lms@mail.example.edu",
            "ñandú@ejemplo.es",
        ] {
            let mut draft = good();
            draft.email = ok.into();
            assert_eq!(errors(&draft, None), [], "{ok}");
        }
        for bad in [
            "ana",
            "@example.edu",
            "ana@",
            "ana@localhost",
            "ana@@example.edu",
            "ana@b@example.edu",
            "ana perez@example.edu",
            "ana@example..edu",
            "ana@.example.edu",
            "ana@example.edu.",
        ] {
            let mut draft = good();
            draft.email = bad.into();
            assert_eq!(errors(&draft, None), one("email", "invalid_email"), "{bad}");
        }
    }

    #[test]
    fn priorities_come_from_the_feed_else_the_defaults() {
        let mut draft = good();
        draft.priority = "urgent".into();
        assert_eq!(errors(&draft, None), one("priority", "unknown_priority"));
        draft.category = "grades".into();
        assert_eq!(errors(&draft, Some(&support())), []);
        draft.priority = "routine".into();
        assert_eq!(
            errors(&draft, Some(&support())),
            one("priority", "unknown_priority")
        );

        assert_eq!(response_minutes("critical", None), Some(60));
        assert_eq!(response_minutes("high", None), Some(120));
        assert_eq!(response_minutes("routine", None), Some(480));
        assert_eq!(response_minutes("urgent", None), None);
        assert_eq!(response_minutes("urgent", Some(&support())), Some(30));
        assert_eq!(response_minutes("normal", Some(&support())), Some(1440));
        assert_eq!(response_minutes("critical", Some(&support())), None);

        // A support section without priorities falls back to the defaults.
        let mut bare = support();
        bare.priorities.clear();
        assert_eq!(response_minutes("high", Some(&bare)), Some(120));
    }

    #[test]
    fn categories_come_from_the_feed_else_anything() {
        let mut draft = good();
        draft.priority = "urgent".into();
        draft.category = "outage".into();
        assert_eq!(
            errors(&draft, Some(&support())),
            one("category", "unknown_category")
        );
        draft.priority = "routine".into();
        assert_eq!(errors(&draft, None), []);
        let mut open = support();
        open.categories.clear();
        open.priorities.clear();
        assert_eq!(errors(&draft, Some(&open)), []);
    }

    #[test]
    fn attachments_by_count_type_and_size() {
        let file = |mime: &str, bytes: u64| AttachmentMeta {
            name: "f".into(),
            mime: mime.into(),
            bytes,
        };
        let mut draft = good();
        draft.attachments = vec![
            file("image/png", 1),
            file("image/jpeg", 1),
            file("image/gif", 1),
        ];
        assert_eq!(errors(&draft, None), []);
        draft.attachments = vec![
            file("image/webp", 1),
            file("application/pdf", ATTACHMENT_MAX_BYTES),
        ];
        assert_eq!(errors(&draft, None), []);

        draft.attachments = vec![file("image/png", 1); 4];
        assert_eq!(errors(&draft, None), one("attachments", "too_many"));

        draft.attachments = vec![
            file("image/png", 1),
            file("image/svg+xml", 1),
            file("application/pdf", ATTACHMENT_MAX_BYTES + 1),
        ];
        assert_eq!(
            errors(&draft, None),
            [
                ("attachments[1]", "unsupported_type"),
                ("attachments[2]", "too_large"),
            ]
            .map(|(f, c)| (f.to_string(), c.to_string()))
        );
        assert_eq!(
            validate_attachments(&[file("text/html", 1)]),
            [FieldError::new("attachments[0]", "unsupported_type")]
        );
    }

    #[test]
    fn context_entries_are_limited() {
        let mut draft = good();
        draft.context = (0..CONTEXT_MAX_ENTRIES)
            .map(|i| (format!("k{i}"), "v".into()))
            .collect();
        assert_eq!(errors(&draft, None), []);
        draft.context.push(("one_more".into(), "v".into()));
        assert_eq!(errors(&draft, None), one("context", "too_many"));

        let mut draft = good();
        draft.context = vec![
            ("page".into(), "x".repeat(CONTEXT_VALUE_MAX)),
            (" ".into(), "no key".into()),
            ("role".into(), "x".repeat(CONTEXT_VALUE_MAX + 1)),
            ("page".into(), "a duplicate".into()),
            ("bad\nkey".into(), "v".into()),
        ];
        assert_eq!(
            errors(&draft, None),
            [
                ("context[1]", "required"),
                ("context[2]", "too_long"),
                ("context[3]", "invalid"),
                ("context[4]", "invalid"),
            ]
            .map(|(f, c)| (f.to_string(), c.to_string()))
        );
    }

    #[test]
    fn locales_look_like_language_tags() {
        for ok in ["en", "pt-BR", "zh-Hant-TW", "es_MX", "es-419"] {
            let mut draft = good();
            draft.locale = ok.into();
            assert_eq!(errors(&draft, None), [], "{ok}");
        }
        for bad in ["e", "pt-", "english language", "<script>", "toolongtag-x"] {
            let mut draft = good();
            draft.locale = bad.into();
            assert_eq!(errors(&draft, None), one("locale", "invalid"), "{bad}");
        }
    }

    #[test]
    fn the_honeypot_must_stay_empty() {
        let mut draft = good();
        draft.honeypot = "x".into();
        assert_eq!(errors(&draft, None), one("honeypot", "not_allowed"));
        draft.honeypot = "  ".into();
        assert_eq!(errors(&draft, None), []);
    }

    #[test]
    fn to_json_is_the_design_body_and_round_trips() {
        let ticket = validate(&good(), None).expect("valid");
        assert_eq!(
            ticket.to_json(),
            r#"{"subject":"Cannot open the quiz","description":"It says access denied.\nSince this morning.","priority":"routine","category":"access","name":"Ana Pérez","email":"ana@example.edu","locale":"es","context":{"course_id":"42","page":"https://lms.example.edu/mod/quiz/view.php"},"honeypot":""}"#
        );
        let back = Ticket::from_json(&ticket.to_json(), None).expect("valid");
        // Files travel beside the JSON, so they do not come back from it.
        let mut without_files = ticket.clone();
        without_files.attachments.clear();
        assert_eq!(back, without_files);
    }

    /// The server stores `stored_text()` under the names of `field::STORED`: each value must be
    /// the one the ticket JSON carries under that name, or a field would land in another's
    /// column.
    #[test]
    fn stored_text_is_in_the_order_of_the_stored_names() {
        let ticket = validate(&good(), None).expect("valid");
        let json = match crate::base::json::from_str(&ticket.to_json()) {
            Ok(crate::base::json::Value::Object(map)) => map,
            other => panic!("not an object: {other:?}"),
        };
        for (name, value) in super::super::field::STORED.iter().zip(ticket.stored_text()) {
            assert_eq!(
                json.get(name).and_then(|v| v.as_str()),
                Some(value),
                "{name}"
            );
        }
    }

    #[test]
    fn from_json_reports_types_then_rules() {
        let to_pairs = |r: Result<Ticket, Vec<FieldError>>| -> Vec<(String, String)> {
            r.err()
                .unwrap_or_default()
                .into_iter()
                .map(|e| (e.field, e.code))
                .collect()
        };
        for not_an_object in [
            "",
            "[]",
            "\"ticket\"",
            "{",
            "null",
            "{\"subject\": \"a\"} x",
        ] {
            assert_eq!(
                to_pairs(Ticket::from_json(not_an_object, None)),
                one("body", "invalid"),
                "{not_an_object:?}"
            );
        }
        assert_eq!(
            to_pairs(Ticket::from_json(
                r#"{"subject": 5, "category": ["a"], "context": {"a": "b", "n": 1}}"#,
                None
            )),
            [
                ("category", "invalid"),
                ("subject", "invalid"),
                ("context[1]", "invalid")
            ]
            .map(|(f, c)| (f.to_string(), c.to_string()))
        );
        assert_eq!(
            to_pairs(Ticket::from_json(r#"{"context": "page=x"}"#, None)),
            one("context", "invalid")
        );
        // Nulls are missing fields; unknown keys and attachments are ignored.
        assert_eq!(
            to_pairs(Ticket::from_json(
                r#"{"category": "access", "priority": "high", "subject": "s", "description": "d",
                    "email": "a@b.co", "name": null, "widget_version": "9", "attachments": [1]}"#,
                None
            )),
            []
        );
        assert_eq!(
            to_pairs(Ticket::from_json(r#"{"honeypot": true}"#, None)).last(),
            Some(&("honeypot".to_string(), "not_allowed".to_string()))
        );
        assert_eq!(
            draft_from_json(r#"{"subject": "s", "context": {"a": "1", "b": "2"}}"#)
                .expect("a draft")
                .context,
            vec![
                ("a".to_string(), "1".to_string()),
                ("b".to_string(), "2".to_string())
            ]
        );
    }

    #[test]
    fn field_errors_display_as_field_and_code() {
        assert_eq!(
            FieldError::new(field::SUBJECT, "too_long").to_string(),
            "subject: too_long"
        );
    }
}
