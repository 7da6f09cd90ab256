//! What the ticket form and "My tickets" show, as plain translated data: the choices offered,
//! the message for each validation error, the words for each status. The DOM layer
//! (`web::ticket_form`) only draws these. Validation itself is [`crate::ticket::validate`].

use crate::feed::Support;
use crate::help::category_label;
use crate::i18n::{message, Lang, Msg};
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

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(
            category_options(None, Lang::De),
            [("other".to_string(), "Sonstiges".to_string())]
        );
        for lang in crate::i18n::Lang::ALL {
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
            ] {
                assert!(!context_label(key, lang).is_empty(), "{key} {lang:?}");
            }
        }
    }
}
