//! What the ticket form and "My tickets" show, as plain translated data: the choices offered,
//! the message for each validation error, the words for each status, and [`TicketDesk`], which
//! decides whether the form shows a draft or the ticket just handed to the outbox. The DOM layer
//! (`web::ticket_form`) only draws these. Validation itself is [`crate::ticket::validate`].

use crate::base::feed::Support;
use crate::base::i18n::{fill, message, Lang, Msg};
use crate::base::time::Timestamp;
use crate::help::category_label;
use crate::ticket::sender::SavedTicket;
use crate::ticket::DEFAULT_PRIORITIES;

/// A priority the learner can choose.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PriorityOption {
    /// Feed id (`critical`, `high`, `routine`, …).
    pub id: String,
    /// "Critical".
    pub label: String,
    /// Response target in minutes, formatted by the browser ("1 hour").
    pub response_minutes: u32,
    /// Examples from the feed, in the learner's language; may be empty.
    pub examples: String,
}

/// The priorities of the feed, or the defaults (critical 1 h, high 2 h, routine 8 h).
pub fn priority_options(support: Option<&Support>, locale: &str) -> Vec<PriorityOption> {
    let lang = Lang::negotiate(locale);
    match support.filter(|s| !s.priorities.is_empty()) {
        Some(support) => support
            .priorities
            .iter()
            .map(|p| PriorityOption {
                label: priority_label(&p.id, lang),
                id: p.id.clone(),
                response_minutes: p.response_minutes,
                examples: p.examples.get(locale).to_string(),
            })
            .collect(),
        None => DEFAULT_PRIORITIES
            .iter()
            .map(|(id, minutes)| PriorityOption {
                id: (*id).to_string(),
                label: priority_label(id, lang),
                response_minutes: *minutes,
                examples: String::new(),
            })
            .collect(),
    }
}

/// "Critical", "High", "Routine", or the id as written for priorities we do not know.
pub fn priority_label(id: &str, lang: Lang) -> String {
    match id {
        "critical" => message(lang, Msg::PriorityCritical).to_string(),
        "high" => message(lang, Msg::PriorityHigh).to_string(),
        "routine" => message(lang, Msg::PriorityRoutine).to_string(),
        other => category_label(other, lang),
    }
}

/// The categories to choose from: the feed's, or "Other questions" alone.
pub fn category_options(support: Option<&Support>, lang: Lang) -> Vec<(String, String)> {
    let ids: Vec<String> = support
        .map(|s| s.categories.clone())
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| vec!["other".into()]);
    ids.into_iter()
        .map(|id| (category_label(&id, lang), id))
        .map(|(label, id)| (id, label))
        .collect()
}

/// A priority as the form offers it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PriorityChoice {
    /// Feed id, the radio's value.
    pub id: String,
    /// "Critical".
    pub label: String,
    /// "Response within 1 hour", the duration written by the browser's `Intl`.
    pub target: String,
    /// Examples from the feed, in the learner's language; may be empty.
    pub examples: String,
}

/// The ticket form as it opens, as the browser layer draws it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormView {
    /// `(id, label)` of each category, in feed order.
    pub categories: Vec<(String, String)>,
    /// The priorities, in feed order.
    pub priorities: Vec<PriorityChoice>,
    /// The priority checked until the learner chooses one: routine when offered.
    pub default_priority: Option<String>,
    /// The active items that will be attached to the ticket ("This ticket will mention: …").
    pub attached: Vec<crate::help::CauseLine>,
    /// The page's context offered for consent.
    pub context: Vec<crate::ticket::context::ContextItem>,
    /// Name and e-mail the page knows, for empty fields.
    pub name: Option<String>,
    /// See `name`.
    pub email: Option<String>,
}

/// The form for the feed's `support` block (none: the default choices), the `causes` active
/// now, and the page's `facts`; `duration` writes a response target ("1 hour") in the
/// learner's language.
pub fn form_view(
    support: Option<&Support>,
    causes: Vec<crate::help::CauseLine>,
    facts: &crate::ticket::context::PageFacts,
    locale: &str,
    duration: &dyn Fn(u32) -> String,
) -> FormView {
    let lang = Lang::negotiate(locale);
    let priorities: Vec<PriorityChoice> = priority_options(support, locale)
        .into_iter()
        .map(|option| PriorityChoice {
            target: fill(
                message(lang, Msg::ResponseWithin),
                &[("duration", &duration(option.response_minutes))],
            ),
            id: option.id,
            label: option.label,
            examples: option.examples,
        })
        .collect();
    let default_priority = priorities
        .iter()
        .find(|p| p.id == "routine")
        .map(|p| p.id.clone());
    let (name, email) = crate::ticket::context::prefill(facts);
    FormView {
        categories: category_options(support, lang),
        priorities,
        default_priority,
        attached: causes,
        context: crate::ticket::context::context_items(facts),
        name,
        email,
    }
}

/// The sentence shown under a field for a validation error code.
pub fn field_error_message(code: &str, lang: Lang) -> &'static str {
    let msg = match code {
        "required" => Msg::ErrRequired,
        "too_long" => Msg::ErrTooLong,
        "invalid_email" => Msg::ErrEmail,
        "unknown_priority" | "unknown_category" => Msg::ErrChoice,
        "too_many" => Msg::ErrTooMany,
        "too_large" => Msg::ErrTooLarge,
        "unsupported_type" => Msg::ErrFileType,
        _ => Msg::ErrInvalid,
    };
    message(lang, msg)
}

/// A ticket status as the learner reads it.
pub fn status_label(status: &str, lang: Lang) -> String {
    let msg = match status {
        "open" => Msg::StatusOpen,
        "pending" => Msg::StatusPending,
        "resolved" => Msg::StatusResolved,
        "closed" => Msg::StatusClosed,
        "queued" => Msg::StatusQueued,
        "sending" => Msg::StatusSending,
        "sent" => Msg::StatusSent,
        "rejected" => Msg::StatusRejected,
        other => return other.to_string(),
    };
    message(lang, msg).to_string()
}

/// The label of a captured context item, by its stable key (`crate::ticket::context`).
pub fn context_label(key: &str, lang: Lang) -> String {
    let msg = match key {
        "page_url" => Msg::CtxPage,
        "lms" => Msg::CtxLms,
        "course_id" => Msg::CtxCourseId,
        "course_name" => Msg::CtxCourse,
        "activity_id" => Msg::CtxActivity,
        "context_id" => Msg::CtxContextId,
        "role" => Msg::CtxRole,
        "user_name" => Msg::CtxName,
        "user_email" => Msg::CtxEmail,
        "browser" => Msg::CtxBrowser,
        "os" => Msg::CtxOs,
        "viewport" => Msg::CtxViewport,
        "time_zone" => Msg::CtxTimeZone,
        "active_items" => Msg::CtxActive,
        "flow" => Msg::CtxFlow,
        other => return category_label(other, lang),
    };
    message(lang, msg).to_string()
}

/// Why a ticket is waiting in the outbox, in words for the learner.
pub fn queued_message(offline: bool, lang: Lang) -> &'static str {
    message(
        lang,
        if offline {
            Msg::QueuedOffline
        } else {
            Msg::QueuedServer
        },
    )
}

/// What became of a ticket this page handed to the outbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Progress {
    /// Its first attempt is under way.
    Sending,
    /// Waiting in the outbox for a retry; `offline` when the browser had no network.
    Queued {
        /// The browser was offline (rather than the API failing).
        offline: bool,
    },
    /// The API made it.
    Sent {
        /// Its human number, e.g. ACME-000123.
        number: String,
    },
    /// The API refused it for good.
    Rejected,
}

impl Progress {
    /// The state's name, as in "My tickets" and the cards' `data-state`.
    pub fn kind(&self) -> &'static str {
        match self {
            Progress::Sending => "sending",
            Progress::Queued { .. } => "queued",
            Progress::Sent { .. } => "sent",
            Progress::Rejected => "rejected",
        }
    }
}

/// A ticket handed to the outbox from this page, with what became of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HandedTicket {
    /// Its idempotency key: results are matched to tickets by key, never by what the form holds.
    pub key: String,
    /// The subject as sent.
    pub subject: String,
    /// Where it is now.
    pub progress: Progress,
}

/// The ticket view beside the form's fields: the tickets this page handed to the outbox, and
/// whether the form holds a draft being written or has given way to the ticket just handed in.
///
/// One learner action makes one ticket: once Send has put the form's ticket in the outbox, the
/// form no longer [accepts a send](TicketDesk::accepts_send) until the learner asks for a
/// [new draft](TicketDesk::new_draft). A result is shown on its own ticket's card; the fields are
/// given back only to fix the very ticket that was refused, and only while the learner has not
/// started another ([`Update::Reopen`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TicketDesk {
    /// Newest first.
    handed: Vec<HandedTicket>,
    /// The key of the ticket shown in place of the form; `None` while a draft is written.
    showing: Option<String>,
}

/// What a send result asks of the ticket view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Update {
    /// Nothing new for the learner (another failed retry): no redraw, no announcement.
    Unchanged,
    /// The ticket's card changed: redraw the cards and announce it; the form is not touched.
    Card,
    /// The ticket the form still holds was refused: show the form again, fields as sent, with
    /// the errors, so the learner can fix it. Its card goes: the form is that ticket now.
    Reopen,
}

impl TicketDesk {
    /// True while the form holds a draft that Send may hand in.
    pub fn accepts_send(&self) -> bool {
        self.showing.is_none()
    }

    /// The ticket shown in place of the form, if any.
    pub fn showing(&self) -> Option<&HandedTicket> {
        let key = self.showing.as_deref()?;
        self.handed.iter().find(|t| t.key == key)
    }

    /// The tickets handed in from this page, newest first.
    pub fn tickets(&self) -> &[HandedTicket] {
        &self.handed
    }

    /// The form's ticket went into the outbox under `key` (a fresh one): it is shown, sending,
    /// in the form's place.
    pub fn hand_in(&mut self, key: String, subject: String) {
        self.showing = Some(key.clone());
        self.handed.insert(
            0,
            HandedTicket {
                key,
                subject,
                progress: Progress::Sending,
            },
        );
    }

    /// Records a result for the ticket with `key`. A key this page did not hand in (a ticket
    /// queued by an earlier page load) gets a card of its own.
    pub fn update(&mut self, key: &str, subject: &str, progress: Progress) -> Update {
        let Some(at) = self.handed.iter().position(|t| t.key == key) else {
            self.handed.insert(
                0,
                HandedTicket {
                    key: key.to_string(),
                    subject: subject.to_string(),
                    progress,
                },
            );
            return Update::Card;
        };
        if progress == Progress::Rejected && self.showing.as_deref() == Some(key) {
            self.handed.remove(at);
            self.showing = None;
            return Update::Reopen;
        }
        if self.handed[at].progress == progress {
            return Update::Unchanged;
        }
        self.handed[at].progress = progress;
        Update::Card
    }

    /// The learner starts another ticket. True when the form held a handed-in ticket, which
    /// must now be emptied (it is safe in the outbox); false when a draft was already showing.
    pub fn new_draft(&mut self) -> bool {
        self.showing.take().is_some()
    }
}

/// A ticket's card as drawn: a title and a status line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CardView {
    /// The subject, after the number once there is one: "ACME-000123 · Quiz 1 will not open".
    pub title: String,
    /// "Status: sending".
    pub status: String,
}

/// The card of a handed-in ticket, worded as "My tickets" words its entries.
pub fn card_view(ticket: &HandedTicket, lang: Lang) -> CardView {
    let title = match &ticket.progress {
        Progress::Sent { number } => format!("{number} \u{00b7} {}", ticket.subject),
        _ => ticket.subject.clone(),
    };
    let label = status_label(ticket.progress.kind(), lang);
    CardView {
        title,
        status: fill(message(lang, Msg::TicketStatus), &[("status", &label)]),
    }
}

/// What the status region announces when the ticket `subject` reaches `progress`: the sentence
/// and its `data-state`. `due` is the response target as the browser formats it; `reopened` when
/// the form is given back to fix the refused ticket (its fields are "above"), false when an
/// earlier ticket was refused.
pub fn announcement(
    progress: &Progress,
    subject: &str,
    due: &str,
    reopened: bool,
    lang: Lang,
) -> (String, &'static str) {
    let text = match progress {
        Progress::Sending => message(lang, Msg::Sending).to_string(),
        Progress::Queued { offline } => queued_message(*offline, lang).to_string(),
        Progress::Sent { number } => fill(
            message(lang, Msg::Sent),
            &[("number", number), ("due", due)],
        ),
        Progress::Rejected if reopened => message(lang, Msg::Rejected).to_string(),
        Progress::Rejected => fill(message(lang, Msg::NotAccepted), &[("subject", subject)]),
    };
    (text, progress.kind())
}

/// "My tickets" as the panel draws it: the tickets still waiting to be sent, oldest first, then
/// those this browser filed, newest first. Statuses, replies and the rating come later, one
/// ticket at a time, from the API.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MyTicketsView {
    /// Shown instead of a list when there is no ticket at all ("No tickets yet").
    pub empty: Option<&'static str>,
    /// One row per ticket.
    pub rows: Vec<MyTicketRow>,
}

/// One row of [`MyTicketsView`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MyTicketRow {
    /// The ticket's number once the server made it; `None` while it waits in the outbox.
    pub number: Option<String>,
    /// `ACME-000123 · Quiz will not open`, or the subject alone while it waits.
    pub title: String,
    /// "Status: queued", or when the first answer is due.
    pub state_line: String,
}

/// The view of "My tickets" from the subjects waiting in the outbox and the tickets filed;
/// `time` writes an instant as the learner reads it (the browser's `Intl`).
pub fn my_tickets_view(
    waiting: &[String],
    filed: &[SavedTicket],
    lang: Lang,
    time: &dyn Fn(Timestamp) -> String,
) -> MyTicketsView {
    let queued = fill(
        message(lang, Msg::TicketStatus),
        &[("status", &status_label("queued", lang))],
    );
    let waiting = waiting.iter().map(|subject| MyTicketRow {
        number: None,
        title: subject.clone(),
        state_line: queued.clone(),
    });
    let filed = filed.iter().map(|ticket| MyTicketRow {
        number: Some(ticket.number.clone()),
        title: format!("{} \u{00b7} {}", ticket.number, ticket.subject),
        state_line: fill(
            message(lang, Msg::Sent),
            &[
                ("number", &ticket.number),
                ("due", &time(ticket.response_due_at)),
            ],
        ),
    });
    let rows: Vec<MyTicketRow> = waiting.chain(filed).collect();
    MyTicketsView {
        empty: rows.is_empty().then(|| message(lang, Msg::NoTickets)),
        rows,
    }
}

#[cfg(test)]
mod tests {
    // The same tests run on wasm32 (usize is 32 bits there) in the browser run.
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn my_tickets_lists_the_waiting_tickets_first_then_the_filed_ones() {
        let filed = [SavedTicket {
            number: "ACME-000123".into(),
            token: "secret".into(),
            subject: "Quiz will not open".into(),
            response_due_at: Timestamp(1_800_000_000),
            rated: false,
        }];
        let waiting = ["Grades page is blank".to_string()];
        let view = my_tickets_view(&waiting, &filed, Lang::En, &|_| "Monday 09:00".into());
        assert_eq!(view.empty, None);
        assert_eq!(
            view.rows,
            [
                MyTicketRow {
                    number: None,
                    title: "Grades page is blank".into(),
                    state_line: fill(
                        message(Lang::En, Msg::TicketStatus),
                        &[("status", message(Lang::En, Msg::StatusQueued))]
                    ),
                },
                MyTicketRow {
                    number: Some("ACME-000123".into()),
                    title: "ACME-000123 \u{00b7} Quiz will not open".into(),
                    state_line: "Ticket ACME-000123 sent. We will reply by Monday 09:00.".into(),
                },
            ]
        );
        let none = my_tickets_view(&[], &[], Lang::Es, &|_| String::new());
        assert_eq!(none.empty, Some(message(Lang::Es, Msg::NoTickets)));
        assert!(none.rows.is_empty());
    }

    #[test]
    fn default_priorities_carry_the_response_targets() {
        let options = priority_options(None, "es");
        let summary: Vec<(&str, &str, u32)> = options
            .iter()
            .map(|o| (o.id.as_str(), o.label.as_str(), o.response_minutes))
            .collect();
        assert_eq!(
            summary,
            [
                ("critical", "Crítica", 60),
                ("high", "Alta", 120),
                ("routine", "Normal", 480)
            ]
        );
    }

    #[test]
    fn every_validation_code_has_its_own_words() {
        assert_eq!(
            field_error_message("invalid_email", Lang::En),
            "Enter an e-mail address like name@example.com."
        );
        assert_eq!(
            field_error_message("required", Lang::Es),
            "Este campo es obligatorio."
        );
        assert_eq!(
            field_error_message("something_new", Lang::En),
            "This value is not valid."
        );
        assert_ne!(
            field_error_message("too_large", Lang::En),
            field_error_message("too_many", Lang::En)
        );
    }

    #[test]
    fn statuses_read_naturally() {
        assert_eq!(status_label("pending", Lang::En), "waiting for you");
        assert_eq!(status_label("resolved", Lang::Es), "resuelta");
        assert_eq!(
            category_options(None, Lang::En),
            [("other".to_string(), "Other".to_string())]
        );
    }

    #[test]
    fn labels_follow_every_supported_language() {
        let labels = |locale: &str| -> Vec<String> {
            priority_options(None, locale)
                .into_iter()
                .map(|o| o.label)
                .collect()
        };
        assert_eq!(labels("fr-CA"), ["Critique", "Haute", "Normale"]);
        assert_eq!(labels("pt-BR"), ["Crítica", "Alta", "Normal"]);
        assert_eq!(labels("de-AT"), ["Kritisch", "Hoch", "Normal"]);
        assert_eq!(labels("ar-EG"), ["حرجة", "عالية", "عادية"]);
        assert_eq!(labels("zh"), ["Critical", "High", "Routine"]);
        assert_eq!(status_label("pending", Lang::De), "wartet auf Ihre Antwort");
        assert_eq!(status_label("closed", Lang::Ar), "مغلق");
        assert_eq!(status_label("escalated", Lang::Fr), "escalated");
        assert_eq!(context_label("os", Lang::Pt), "Sistema operacional");
        assert_eq!(context_label("time_zone", Lang::Fr), "Fuseau horaire");
        assert_eq!(context_label("flow", Lang::Es), "Pasos seguidos");
        assert_eq!(
            category_options(None, Lang::De),
            [("other".to_string(), "Sonstiges".to_string())]
        );
        for lang in crate::base::i18n::Lang::ALL {
            for key in [
                "page_url",
                "lms",
                "course_id",
                "course_name",
                "activity_id",
                "context_id",
                "role",
                "user_name",
                "user_email",
                "browser",
                "os",
                "viewport",
                "time_zone",
                "active_items",
                "flow",
            ] {
                assert!(!context_label(key, lang).is_empty(), "{key} {lang:?}");
            }
        }
    }

    fn queued(offline: bool) -> Progress {
        Progress::Queued { offline }
    }

    fn sent(number: &str) -> Progress {
        Progress::Sent {
            number: number.into(),
        }
    }

    #[test]
    fn a_handed_in_ticket_takes_the_forms_place_until_the_learner_starts_another() {
        let mut desk = TicketDesk::default();
        assert!(desk.accepts_send(), "a fresh form takes a send");
        desk.hand_in("k1".into(), "Quiz will not open".into());
        assert!(
            !desk.accepts_send(),
            "a second click or Enter on the same form makes no second ticket"
        );
        assert_eq!(
            desk.showing().map(|t| t.subject.as_str()),
            Some("Quiz will not open")
        );
        assert_eq!(
            desk.update("k1", "Quiz will not open", queued(true)),
            Update::Card
        );
        assert!(
            !desk.accepts_send(),
            "after \"saved on this device\" the queued ticket shows, not a form to send again"
        );
        assert!(desk.new_draft(), "the form held the ticket: empty it");
        assert!(desk.accepts_send());
        assert!(
            !desk.new_draft(),
            "a draft already showing is left as typed"
        );
        assert_eq!(desk.tickets().len(), 1, "the queued ticket keeps its card");
    }

    #[test]
    fn an_older_tickets_result_changes_its_card_and_never_the_draft() {
        let mut desk = TicketDesk::default();
        desk.hand_in("k1".into(), "First".into());
        desk.new_draft();
        // The learner is typing a second ticket when the first one's answers arrive.
        assert_eq!(
            desk.update("k1", "First", sent("ACME-000001")),
            Update::Card
        );
        assert!(desk.accepts_send(), "the draft stays a draft");
        assert_eq!(desk.tickets()[0].progress, sent("ACME-000001"));
        desk.hand_in("k2".into(), "Second".into());
        desk.new_draft();
        assert_eq!(
            desk.update("k2", "Second", Progress::Rejected),
            Update::Card,
            "a refused earlier ticket does not take over the form being typed"
        );
        assert!(desk.accepts_send());
        let kinds: Vec<&str> = desk.tickets().iter().map(|t| t.progress.kind()).collect();
        assert_eq!(kinds, ["rejected", "sent"], "newest first");
    }

    #[test]
    fn the_refused_ticket_still_in_the_form_comes_back_to_be_fixed() {
        let mut desk = TicketDesk::default();
        desk.hand_in("k1".into(), "First".into());
        assert_eq!(
            desk.update("k1", "First", Progress::Rejected),
            Update::Reopen
        );
        assert!(desk.accepts_send(), "fixed, it can be sent again");
        assert!(desk.tickets().is_empty(), "the form is that ticket now");
        assert!(
            !desk.new_draft(),
            "nothing to empty: the fields are the learner's"
        );
    }

    #[test]
    fn retries_that_fail_again_are_not_announced_again() {
        let mut desk = TicketDesk::default();
        desk.hand_in("k1".into(), "First".into());
        assert_eq!(desk.update("k1", "First", queued(false)), Update::Card);
        assert_eq!(desk.update("k1", "First", queued(false)), Update::Unchanged);
        assert_eq!(desk.update("k1", "First", queued(true)), Update::Card);
        assert_eq!(
            desk.update("k1", "First", sent("ACME-000001")),
            Update::Card
        );
        // A ticket queued by an earlier page load, sent now: it gets a card too.
        assert_eq!(
            desk.update("k0", "Older", sent("ACME-000002")),
            Update::Card
        );
        assert!(
            !desk.accepts_send(),
            "the form still shows the first ticket"
        );
        assert_eq!(desk.showing().map(|t| t.key.as_str()), Some("k1"));
    }

    #[test]
    fn cards_and_announcements_say_which_ticket_and_what_became_of_it() {
        let ticket = |progress| HandedTicket {
            key: "k".into(),
            subject: "Quiz will not open".into(),
            progress,
        };
        let view = card_view(&ticket(Progress::Sending), Lang::En);
        assert_eq!(view.title, "Quiz will not open");
        assert_eq!(view.status, "Status: sending");
        assert_eq!(
            card_view(&ticket(queued(true)), Lang::En).status,
            "Status: not sent yet"
        );
        let view = card_view(&ticket(sent("ACME-000123")), Lang::Es);
        assert_eq!(view.title, "ACME-000123 \u{00b7} Quiz will not open");
        assert_eq!(view.status, "Estado: enviada");
        assert_eq!(
            card_view(&ticket(Progress::Rejected), Lang::De).status,
            "Status: nicht angenommen"
        );
        assert_eq!(
            announcement(
                &sent("ACME-000123"),
                "Quiz will not open",
                "3:00 PM",
                false,
                Lang::En
            ),
            (
                "Ticket ACME-000123 sent. We will reply by 3:00 PM.".to_string(),
                "sent"
            )
        );
        assert_eq!(
            announcement(&queued(true), "Quiz will not open", "", false, Lang::En).1,
            "queued"
        );
        assert!(
            announcement(&queued(true), "Quiz will not open", "", false, Lang::En)
                .0
                .contains("saved on this device")
        );
        assert_eq!(
            announcement(&Progress::Rejected, "Quiz will not open", "", false, Lang::En).0,
            "We could not accept your ticket \u{201c}Quiz will not open\u{201d}. Please contact us directly:"
        );
        assert!(
            announcement(
                &Progress::Rejected,
                "Quiz will not open",
                "",
                true,
                Lang::En
            )
            .0
            .contains("Check the fields above"),
            "only the ticket given back to fix points at the fields"
        );
    }

    #[test]
    fn the_form_offers_the_feeds_choices_with_targets_and_what_the_page_knows() {
        use crate::ticket::context::PageFacts;
        let facts = PageFacts {
            url: "https://lms.example/course/view.php?id=7".into(),
            data_attributes: vec![
                ("user-name".into(), "María Rossi".into()),
                ("user-email".into(), "maria@uni.example".into()),
            ],
            ..PageFacts::default()
        };
        let hours = |minutes: u32| format!("{} h", minutes / 60);
        let view = form_view(None, vec![], &facts, "es", &hours);
        let priorities: Vec<(&str, &str)> = view
            .priorities
            .iter()
            .map(|p| (p.id.as_str(), p.target.as_str()))
            .collect();
        assert_eq!(
            priorities,
            [
                ("critical", "Respuesta en menos de 1 h"),
                ("high", "Respuesta en menos de 2 h"),
                ("routine", "Respuesta en menos de 8 h")
            ]
        );
        assert_eq!(view.default_priority.as_deref(), Some("routine"));
        assert_eq!(view.categories, [("other".to_string(), "Otro".to_string())]);
        assert_eq!(view.name.as_deref(), Some("María Rossi"));
        assert_eq!(view.email.as_deref(), Some("maria@uni.example"));
        assert!(
            view.context.iter().any(|c| c.value.contains("lms.example")),
            "{:?}",
            view.context
        );
    }
}
