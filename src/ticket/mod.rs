//! Tickets (design §5): the learner's draft, its validation into a [`Ticket`], and the ticket
//! JSON the widget sends and the reference server reads.
//!
//! The same [`validate`] runs in the widget, before anything is queued, and on the server,
//! after [`Ticket::from_json`]; so a learner never meets a rule the server applies and the
//! form did not. Errors are data ([`FieldError`]: a field and a stable code), in form order;
//! the UI maps codes to translated messages.
//!
//! ```
//! use lms_support_widget::ticket::{self, TicketDraft};
//!
//! let draft = TicketDraft {
//!     category: "access".into(),
//!     priority: "routine".into(),
//!     subject: "  Cannot open the quiz ".into(),
//!     description: "It says \"access denied\".".into(),
//!     email: "ana@example.edu".into(),
//!     ..TicketDraft::default()
//! };
//! let ticket = ticket::validate(&draft, None).expect("a valid draft");
//! assert_eq!(ticket.subject(), "Cannot open the quiz");
//! assert_eq!(ticket::response_minutes(ticket.priority(), None), Some(480));
//!
//! // Every problem at once, in the order the form shows its fields.
//! let empty = ticket::validate(&TicketDraft::default(), None).unwrap_err();
//! let pairs: Vec<_> = empty.iter().map(|e| (e.field.as_str(), e.code.as_str())).collect();
//! assert_eq!(pairs, [("category", "required"), ("priority", "required"),
//!                    ("subject", "required"), ("description", "required"), ("email", "required")]);
//! ```
//!
//! This module does not send anything (see [`outbox`] and [`request`]), does not read the
//! page (see [`context`]) and holds no attachment bytes: only their names, types and sizes.

pub mod context;
pub mod news;
pub mod outbox;
pub mod request;
pub mod sender;
pub mod validate;
pub mod view;

pub use self::validate::{response_minutes, validate, validate_attachments};

use crate::base::feed::Support;
use crate::base::json::{Map, Value};
use std::fmt;

/// Longest subject, in characters (Unicode scalar values), after trimming.
pub const SUBJECT_MAX: usize = 200;

/// What a ticket's JSON may hold at most, checked while parsing, before any field is read: a
/// valid ticket has a dozen keys, a context of [`CONTEXT_MAX_ENTRIES`], and its longest string
/// is a description of [`DESCRIPTION_MAX`] characters, each at most 12 bytes when escaped
/// (`\ud83d\ude00`).
pub const JSON_LIMITS: crate::base::json::Limits = crate::base::json::Limits {
    max_text_bytes: 512 * 1024,
    max_string_bytes: DESCRIPTION_MAX * 12,
    max_array_items: 64,
    max_object_keys: 64,
    max_depth: 8,
};
/// Longest description, in characters, after trimming.
pub const DESCRIPTION_MAX: usize = 10_000;
/// Most context entries a ticket may carry.
pub const CONTEXT_MAX_ENTRIES: usize = 20;
/// Longest context value (and key), in characters.
pub const CONTEXT_VALUE_MAX: usize = 1_000;
/// Most files attached to one ticket.
pub const MAX_ATTACHMENTS: usize = 3;
/// Largest attached file, in bytes (5 MiB).
pub const ATTACHMENT_MAX_BYTES: u64 = 5 * 1024 * 1024;
/// Longest name, in characters.
pub const NAME_MAX: usize = 200;
/// Longest e-mail address, in characters (RFC 5321's path limit).
pub const EMAIL_MAX: usize = 254;
/// Longest category id, in characters.
pub const CATEGORY_MAX: usize = 100;
/// Longest locale tag, in characters.
pub const LOCALE_MAX: usize = 35;
/// Media types a ticket may attach: images and PDF.
pub const ATTACHMENT_TYPES: [&str; 5] = [
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "application/pdf",
];
/// Priorities and their response targets in minutes when the feed lists none.
pub const DEFAULT_PRIORITIES: [(&str, u32); 3] =
    [("critical", 60), ("high", 120), ("routine", 480)];

/// The stable codes a [`FieldError`] carries.
pub mod code {
    /// The field is empty and must not be.
    pub const REQUIRED: &str = "required";
    /// Longer than its limit.
    pub const TOO_LONG: &str = "too_long";
    /// Not an e-mail address.
    pub const INVALID_EMAIL: &str = "invalid_email";
    /// Not one of the feed's priorities.
    pub const UNKNOWN_PRIORITY: &str = "unknown_priority";
    /// Not one of the feed's categories.
    pub const UNKNOWN_CATEGORY: &str = "unknown_category";
    /// More entries (attachments, context items) than allowed.
    pub const TOO_MANY: &str = "too_many";
    /// A file larger than [`super::ATTACHMENT_MAX_BYTES`].
    pub const TOO_LARGE: &str = "too_large";
    /// A file that is not an image or a PDF.
    pub const UNSUPPORTED_TYPE: &str = "unsupported_type";
    /// The honeypot was filled in: a bot.
    pub const NOT_ALLOWED: &str = "not_allowed";
    /// Malformed: control characters, a duplicate key, a value of the wrong JSON type.
    pub const INVALID: &str = "invalid";
}

/// The ticket's fields by their wire names: the keys of the ticket JSON and the `field` of a
/// [`FieldError`]. [`field::FORM_ORDER`] is the order the form shows them and validation
/// reports them. A new field starts here.
pub mod field {
    /// The category id, one of the feed's `support.categories`.
    pub const CATEGORY: &str = "category";
    /// The priority id, one of the feed's `support.priorities`.
    pub const PRIORITY: &str = "priority";
    /// One line: what is wrong.
    pub const SUBJECT: &str = "subject";
    /// What happened, what was expected.
    pub const DESCRIPTION: &str = "description";
    /// The learner's name (optional).
    pub const NAME: &str = "name";
    /// Where to answer.
    pub const EMAIL: &str = "email";
    /// Screenshots and PDFs, sent as multipart parts beside the JSON.
    pub const ATTACHMENTS: &str = "attachments";
    /// The page's language tag.
    pub const LOCALE: &str = "locale";
    /// The captured page facts the learner agreed to send.
    pub const CONTEXT: &str = "context";
    /// Hidden from people; a bot fills it in.
    pub const HONEYPOT: &str = "honeypot";
    /// The fields the learner fills in, in the order the form shows them.
    pub const FORM_ORDER: [&str; 7] = [
        CATEGORY,
        PRIORITY,
        SUBJECT,
        DESCRIPTION,
        NAME,
        EMAIL,
        ATTACHMENTS,
    ];
    /// The ticket's one-line and free-text fields as the server stores them: one column each,
    /// named like the field, in this order ([`super::Ticket::stored_text`] gives their values
    /// in the same order, so adding a name here without its value does not compile). The
    /// store writes and reads exactly these columns and the agent CLI shows them all; a new
    /// one needs its column added by a migration (`server/src/store/schema.rs` and
    /// `store/pg/schema.rs`).
    pub const STORED: [&str; 7] = [
        PRIORITY,
        CATEGORY,
        SUBJECT,
        DESCRIPTION,
        NAME,
        EMAIL,
        LOCALE,
    ];
}

/// What the learner typed and chose, unchecked. Every field may be anything.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TicketDraft {
    /// One line: what is wrong.
    pub subject: String,
    /// What happened, what was expected.
    pub description: String,
    /// A priority id from the feed (`critical`, `high`, `routine`).
    pub priority: String,
    /// A category id from the feed (`access`, `grades`, …).
    pub category: String,
    /// The learner's name; optional.
    pub name: String,
    /// Where the reply goes; required.
    pub email: String,
    /// The learner's language tag (`es`, `pt-BR`); optional.
    pub locale: String,
    /// Page context the learner agreed to send, in display order.
    pub context: Vec<(String, String)>,
    /// A field hidden from people; anything in it means a bot filled the form.
    pub honeypot: String,
    /// Files to attach (their bytes travel separately, as multipart parts).
    pub attachments: Vec<AttachmentMeta>,
}

/// A file attached to a ticket, without its bytes.
#[derive(Clone, Debug, PartialEq)]
pub struct AttachmentMeta {
    /// The file's name as the learner chose it.
    pub name: String,
    /// Its media type (`image/png`).
    pub mime: String,
    /// Its size in bytes.
    pub bytes: u64,
}

/// A problem with one field of a ticket, as data; the UI maps `code` to a translated message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// The field's name in the ticket JSON (`subject`, `email`, `context[3]`, `attachments[0]`).
    pub field: String,
    /// A stable machine code (see [`code`]).
    pub code: String,
}

impl FieldError {
    /// An error for `field` with `code`.
    pub fn new(field: impl Into<String>, code: impl Into<String>) -> FieldError {
        FieldError {
            field: field.into(),
            code: code.into(),
        }
    }
}

impl fmt::Display for FieldError {
    /// `subject: too_long`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.code)
    }
}

/// A validated ticket: every field trimmed and within its limits. Only [`validate`] and
/// [`Ticket::from_json`] make one, so holding a `Ticket` means it passed.
#[derive(Clone, Debug, PartialEq)]
pub struct Ticket {
    subject: String,
    description: String,
    priority: String,
    category: String,
    name: String,
    email: String,
    locale: String,
    context: Vec<(String, String)>,
    attachments: Vec<AttachmentMeta>,
}

impl Ticket {
    /// The subject, trimmed, at most [`SUBJECT_MAX`] characters.
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// The description, trimmed, at most [`DESCRIPTION_MAX`] characters.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// A priority id known to the feed (or one of [`DEFAULT_PRIORITIES`]).
    pub fn priority(&self) -> &str {
        &self.priority
    }

    /// A category id: one of the feed's when it lists any.
    pub fn category(&self) -> &str {
        &self.category
    }

    /// The learner's name; empty when not given.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The learner's e-mail address.
    pub fn email(&self) -> &str {
        &self.email
    }

    /// The learner's language tag; empty when not given.
    pub fn locale(&self) -> &str {
        &self.locale
    }

    /// Context entries, keys unique, in the order given.
    pub fn context(&self) -> &[(String, String)] {
        &self.context
    }

    /// Attached files (names, types, sizes).
    pub fn attachments(&self) -> &[AttachmentMeta] {
        &self.attachments
    }

    /// The values of [`field::STORED`], in its order.
    pub fn stored_text(&self) -> [&str; field::STORED.len()] {
        [
            &self.priority,
            &self.category,
            &self.subject,
            &self.description,
            &self.name,
            &self.email,
            &self.locale,
        ]
    }

    /// The ticket JSON body of design §5, keys in a fixed order:
    /// `{"subject","description","priority","category","name","email","locale","context":{…},"honeypot":""}`.
    ///
    /// Attachments are not part of it: their bytes (and names and types) travel as multipart
    /// parts beside it. `honeypot` is always empty here, since a ticket passed validation.
    pub fn to_json(&self) -> String {
        let mut context = Map::new();
        for (key, value) in &self.context {
            context.insert(key.clone(), Value::String(value.clone()));
        }
        let mut body = Map::new();
        for (key, value) in [
            (field::SUBJECT, &self.subject),
            (field::DESCRIPTION, &self.description),
            (field::PRIORITY, &self.priority),
            (field::CATEGORY, &self.category),
            (field::NAME, &self.name),
            (field::EMAIL, &self.email),
            (field::LOCALE, &self.locale),
        ] {
            body.insert(key.to_string(), Value::String(value.clone()));
        }
        body.insert(field::CONTEXT.to_string(), Value::Object(context));
        body.insert(field::HONEYPOT.to_string(), Value::String(String::new()));
        Value::Object(body).to_json()
    }

    /// Parses a ticket JSON body and validates it: what the server does with what the widget
    /// sent. Unknown keys are ignored (a newer widget may send more); `attachments` in the JSON
    /// is ignored too, since files arrive as multipart parts.
    ///
    /// # Errors
    /// Everything [`draft_from_json`] and [`validate`] report.
    pub fn from_json(json: &str, support: Option<&Support>) -> Result<Ticket, Vec<FieldError>> {
        validate(&draft_from_json(json)?, support)
    }
}

/// Reads a ticket JSON body into a draft without judging its content.
///
/// Every field is optional here (a missing one is empty, and `null` counts as missing);
/// `context` is an object of strings.
///
/// # Errors
/// `body: invalid` when the text is not a JSON object, `body: too_large` when it is over
/// [`JSON_LIMITS`]; `FIELD: invalid` for each field of
/// the wrong type, and `context[i]: invalid` for a context value that is not a string.
pub fn draft_from_json(json: &str) -> Result<TicketDraft, Vec<FieldError>> {
    let root = match crate::base::json::from_str_within(json, &JSON_LIMITS) {
        Ok(Value::Object(root)) => root,
        Err(e) if e.too_large => return Err(vec![FieldError::new("body", code::TOO_LARGE)]),
        _ => return Err(vec![FieldError::new("body", code::INVALID)]),
    };
    let mut errors = Vec::new();
    let mut text = |key: &str| match root.get(key) {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(_) => {
            errors.push(FieldError::new(key, code::INVALID));
            String::new()
        }
    };
    // Read in form order, so type errors come out in the order validation errors would.
    let category = text(field::CATEGORY);
    let priority = text(field::PRIORITY);
    let subject = text(field::SUBJECT);
    let description = text(field::DESCRIPTION);
    let name = text(field::NAME);
    let email = text(field::EMAIL);
    let locale = text(field::LOCALE);
    let mut draft = TicketDraft {
        subject,
        description,
        priority,
        category,
        name,
        email,
        locale,
        ..TicketDraft::default()
    };
    match root.get(field::CONTEXT) {
        None | Some(Value::Null) => {}
        Some(Value::Object(map)) => {
            for (i, (key, value)) in map.iter().enumerate() {
                match value {
                    Value::String(s) => draft.context.push((key.clone(), s.clone())),
                    _ => errors.push(FieldError::new(format!("context[{i}]"), code::INVALID)),
                }
            }
        }
        Some(_) => errors.push(FieldError::new(field::CONTEXT, code::INVALID)),
    }
    match root.get(field::HONEYPOT) {
        None | Some(Value::Null) => {}
        Some(Value::String(s)) => draft.honeypot = s.clone(),
        // Anything else in the honeypot is a bot too.
        Some(other) => draft.honeypot = other.to_string(),
    }
    if errors.is_empty() {
        Ok(draft)
    } else {
        Err(errors)
    }
}
