//! What the help panel shows, as plain data: [`PanelView`] (the active items it leads with,
//! the FAQ grouped by topic, the contacts), [`search_results`] for a query and
//! [`suggestions`] while a ticket's subject is typed. Which language each question is shown
//! in, and which fallback `lang` it carries, is decided here, not in the browser layer.
//!
//! The browser layer draws these; search itself is [`crate::help::search`], answers are parsed by
//! [`crate::help::markdown`]. Nothing here touches the DOM.

pub mod events;
pub mod flows;
pub mod markdown;
pub mod search;
pub mod session;

use crate::banner::{ActiveItem, Phase};
use crate::base::feed::{FaqEntry, Feed, Support};
use crate::base::i18n::{fill, message, message_count, CountMsg, Lang, Msg};

/// An active maintenance window or known issue the panel leads with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CauseLine {
    /// Feed id.
    pub id: String,
    /// "Maintenance in progress", "Known issue", …
    pub heading: String,
    /// The item's title.
    pub title: String,
    /// `lang` for the title when the feed fell back to another language than the widget's.
    pub title_lang: Option<String>,
}

/// The panel's lead: "This may be caused by:" and the active items that can be behind a
/// problem right now, most severe first. An advance notice or a cancelled window cannot, so
/// they are left out.
pub fn causes(items: &[ActiveItem<'_>], locale: &str) -> Vec<CauseLine> {
    let lang = Lang::negotiate(locale);
    items
        .iter()
        .filter(|item| !matches!(item.phase, Phase::Upcoming | Phase::Cancelled))
        .map(|item| {
            let (tag, title) = item.title_with_tag(locale);
            CauseLine {
                id: item.id().to_string(),
                heading: message(lang, crate::banner::heading_msg(item.phase)).to_string(),
                title: title.to_string(),
                title_lang: crate::base::text::lang_attribute(tag, lang.tag()).map(String::from),
            }
        })
        .collect()
}

/// The answer to a query, ready to draw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResultsView {
    /// The questions found, best first; the first one opens at once.
    pub entries: Vec<FaqLine>,
    /// What a screen reader hears politely: "3 answers found".
    pub announcement: String,
    /// Shown instead of results when there are none.
    pub empty_message: Option<String>,
}

/// At most this many results for a query.
pub const RESULT_LIMIT: usize = 8;

/// What the search box shows for `query`: none for a blank query (no list, nothing
/// announced), else at most [`RESULT_LIMIT`] questions, best first. `index` is built over
/// `faq` for the page's `locale`.
pub fn search_results(
    faq: &[FaqEntry],
    index: &crate::help::search::SearchIndex,
    query: &str,
    locale: &str,
) -> Option<ResultsView> {
    if query.trim().is_empty() {
        return None;
    }
    let lang = Lang::negotiate(locale);
    let lines = index
        .search(query, RESULT_LIMIT)
        .into_iter()
        .filter_map(|hit| faq_line(faq, hit.index, locale, lang))
        .collect();
    Some(results_view(lines, query, lang))
}

/// The results for `query` given the questions found.
pub fn results_view(entries: Vec<FaqLine>, query: &str, lang: Lang) -> ResultsView {
    let announcement = match entries.len() {
        0 => fill(message(lang, Msg::NoResults), &[("query", query.trim())]),
        n => message_count(lang, CountMsg::Results, n as u64),
    };
    let empty_message = entries.is_empty().then(|| announcement.clone());
    ResultsView {
        entries,
        announcement,
        empty_message,
    }
}

/// A category of the FAQ, for browsing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CategoryView {
    /// The feed's category id ("" for entries without one).
    pub id: String,
    /// Its label in the learner's language.
    pub label: String,
    /// Indexes into the feed's FAQ, in feed order.
    pub entries: Vec<usize>,
}

/// The FAQ grouped by category, in the order categories first appear; entries without a
/// category come last under "Other questions".
pub fn categories(faq: &[FaqEntry], lang: Lang) -> Vec<CategoryView> {
    let mut groups: Vec<CategoryView> = Vec::new();
    for (index, entry) in faq.iter().enumerate() {
        let id = entry.category.clone().unwrap_or_default();
        match groups.iter_mut().find(|g| g.id == id) {
            Some(group) => group.entries.push(index),
            None => groups.push(CategoryView {
                label: category_label(&id, lang),
                id,
                entries: vec![index],
            }),
        }
    }
    // Uncategorised entries go last.
    crate::base::sort::sort_by(&mut groups, |a, b| a.id.is_empty().cmp(&b.id.is_empty()));
    groups
}

/// One FAQ question as listed: a search result, a topic's entry, or an answer offered while
/// the learner types a ticket's subject (deflection).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FaqLine {
    /// The entry's index in the feed's FAQ.
    pub index: usize,
    /// The question, in the best language the feed has for the page.
    pub question: String,
    /// `lang` for the question when the feed fell back to another language than the widget's.
    pub lang: Option<String>,
}

/// Subjects shorter than this (in characters, trimmed) suggest nothing: too little to go on.
pub const SUGGEST_FROM_CHARS: usize = 3;

/// At most this many suggestions, so the form stays in view.
pub const MAX_SUGGESTIONS: usize = 3;

/// The FAQ entries that may answer a ticket about `subject`, best first: none for a subject
/// shorter than [`SUGGEST_FROM_CHARS`], at most [`MAX_SUGGESTIONS`]. `index` is built over
/// `faq` for the page's `locale`; `lang` is the widget's language.
pub fn suggestions(
    faq: &[FaqEntry],
    index: &crate::help::search::SearchIndex,
    subject: &str,
    locale: &str,
    lang: Lang,
) -> Vec<FaqLine> {
    if subject.trim().chars().count() < SUGGEST_FROM_CHARS {
        return Vec::new();
    }
    index
        .search(subject, MAX_SUGGESTIONS)
        .into_iter()
        .filter_map(|hit| faq_line(faq, hit.index, locale, lang))
        .collect()
}

/// Entry `index` of `faq`, its question in the best language for `locale`.
fn faq_line(faq: &[FaqEntry], index: usize, locale: &str, lang: Lang) -> Option<FaqLine> {
    let (tag, question) = faq.get(index)?.question.get_with_tag(locale);
    Some(FaqLine {
        index,
        question: question.to_string(),
        lang: crate::base::text::lang_attribute(tag, lang.tag()).map(String::from),
    })
}

/// A topic of the FAQ as the panel lists it: its label and its questions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TopicView {
    /// "Accounts and sign-in", in the learner's language.
    pub label: String,
    /// Its questions, in feed order.
    pub entries: Vec<FaqLine>,
}

/// The help view of the panel, as the browser layer draws it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PanelView {
    /// "This may be caused by:" and these; nothing is shown when empty.
    pub causes: Vec<CauseLine>,
    /// The FAQ by topic ([`categories`]), for browsing; nothing is shown when empty.
    pub topics: Vec<TopicView>,
    /// Under "Still need help?".
    pub contacts: Vec<Contact>,
    /// The feed has a support block: offer "Contact support" and "My tickets".
    pub offers_tickets: bool,
    /// "Support hours: …", when the feed gives them.
    pub hours: Option<String>,
}

/// The help view for `feed` (none yet: contacts only) and the `items` active for this viewer
/// now (see [`crate::banner::active_items`], with the page's quiet flag off: a quiet page
/// still explains its problems in the panel).
pub fn panel_view(feed: Option<&Feed>, items: &[ActiveItem<'_>], locale: &str) -> PanelView {
    let lang = Lang::negotiate(locale);
    let faq = feed.map(|f| f.faq.as_slice()).unwrap_or_default();
    let support = feed.and_then(|f| f.support.as_ref());
    PanelView {
        causes: causes(items, locale),
        topics: categories(faq, lang)
            .into_iter()
            .map(|group| TopicView {
                entries: group
                    .entries
                    .iter()
                    .filter_map(|&i| faq_line(faq, i, locale, lang))
                    .collect(),
                label: group.label,
            })
            .collect(),
        contacts: contacts(support, lang),
        offers_tickets: support.is_some(),
        hours: support
            .and_then(|s| s.hours.as_deref())
            .map(|hours| fill(message(lang, Msg::SupportHours), &[("hours", hours)])),
    }
}

/// A readable label for a category id: known ids are translated, others are shown as written
/// with underscores and dashes as spaces and the first letter capitalised.
pub fn category_label(id: &str, lang: Lang) -> String {
    if id.is_empty() {
        return message(lang, Msg::CategoryOther).to_string();
    }
    let known = crate::base::i18n::category_name(id, lang);
    known.map(String::from).unwrap_or_else(|| {
        let spaced = id.replace(['_', '-'], " ");
        let mut chars = spaced.chars();
        chars
            .next()
            .map(|c| {
                std::iter::once(search::normalize::uppercase(c))
                    .chain(chars)
                    .collect()
            })
            .unwrap_or_default()
    })
}

/// A way to reach a person when the FAQ does not help.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contact {
    /// Visible text: "Email help@vendor.example".
    pub label: String,
    /// `mailto:` or `tel:` link.
    pub href: String,
}

/// The fallback contacts of the feed's `support` section.
pub fn contacts(support: Option<&Support>, lang: Lang) -> Vec<Contact> {
    let Some(fallback) = support.map(|s| &s.fallback) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Some(email) = fallback
        .email
        .as_deref()
        .filter(|e| e.contains('@') && !e.contains(['?', '&', ' ']))
    {
        out.push(Contact {
            label: fill(message(lang, Msg::ContactEmail), &[("email", email)]),
            href: format!("mailto:{email}"),
        });
    }
    if let Some(phone) = fallback.phone.as_deref().filter(|p| !p.trim().is_empty()) {
        let dial: String = phone
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == '+')
            .collect();
        if !dial.is_empty() {
            out.push(Contact {
                label: fill(message(lang, Msg::ContactPhone), &[("phone", phone)]),
                href: format!("tel:{dial}"),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(not(target_arch = "wasm32"))]
    fn a_subject_suggests_the_answers_that_fit_it_in_the_best_language() {
        use crate::base::zone::TzDatabase;
        let json = r#"{"version": 1, "faq": [
            {"id": "grades", "question": {"en": "Where are my grades?", "es": "¿Dónde están mis calificaciones?"},
             "answer": {"en": "Open Grades."}},
            {"id": "reset-password", "question": {"en": "How do I reset my password?"},
             "answer": {"en": "Use Forgot password."}}]}"#;
        let faq = crate::base::feed::parse(json, &TzDatabase)
            .expect("valid")
            .feed
            .faq;
        let index = crate::help::search::SearchIndex::build(&faq, "es");
        assert_eq!(
            suggestions(&faq, &index, "olvidé mi password", "es", Lang::Es),
            [FaqLine {
                index: 1,
                question: "How do I reset my password?".into(),
                lang: Some("en".into()),
            }]
        );
        let grades = suggestions(&faq, &index, "calificaciones", "es", Lang::Es);
        assert_eq!(grades[0].question, "¿Dónde están mis calificaciones?");
        assert_eq!(
            grades[0].lang, None,
            "in the widget's language: no lang attribute"
        );
        assert!(suggestions(&faq, &index, " pa ", "es", Lang::Es).is_empty());
    }
    use crate::base::feed::Fallback;
    use crate::base::text::LocalizedText;

    fn entry(id: &str, category: Option<&str>) -> FaqEntry {
        let text = LocalizedText::new(vec![("en".into(), id.into())]);
        FaqEntry {
            id: id.into(),
            category: category.map(String::from),
            tags: vec![],
            question: text.clone(),
            answer: text,
        }
    }

    #[test]
    fn categories_keep_feed_order_and_put_uncategorised_last() {
        let faq = [
            entry("a", None),
            entry("b", Some("grades")),
            entry("c", Some("account")),
            entry("d", Some("grades")),
        ];
        let groups = categories(&faq, Lang::Es);
        let summary: Vec<(&str, &str, Vec<usize>)> = groups
            .iter()
            .map(|g| (g.id.as_str(), g.label.as_str(), g.entries.clone()))
            .collect();
        assert_eq!(
            summary,
            [
                ("grades", "Calificaciones", vec![1, 3]),
                ("account", "Cuenta e inicio de sesión", vec![2]),
                ("", "Otras preguntas", vec![0]),
            ]
        );
        assert_eq!(category_label("data_loss", Lang::En), "Data loss");
        assert_eq!(category_label("data_loss", Lang::Ar), "Data loss");
    }

    #[test]
    fn known_categories_are_labelled_in_every_language() {
        let known = [
            "",
            "other",
            "account",
            "grades",
            "assignments",
            "submissions",
            "quizzes",
            "video",
            "media",
            "accessibility",
            "technical",
            "courses",
            "enrolment",
        ];
        for id in known {
            let english = category_label(id, Lang::En);
            for lang in Lang::ALL.into_iter().skip(1) {
                let label = category_label(id, lang);
                assert!(!label.is_empty(), "{id:?} {lang:?}");
                assert_ne!(label, english, "{id:?} is not translated into {lang:?}");
            }
        }
        assert_eq!(category_label("grades", Lang::De), "Noten");
        assert_eq!(category_label("account", Lang::Fr), "Compte et connexion");
        assert_eq!(category_label("", Lang::Pt), "Outras perguntas");
        assert_eq!(category_label("media", Lang::Ar), "الفيديو والوسائط");
        // Unknown ids as written, spaced, first letter capitalised (in any European alphabet).
        assert_eq!(category_label("lti_tools", Lang::Es), "Lti tools");
        assert_eq!(
            category_label("émargement-en-ligne", Lang::Fr),
            "Émargement en ligne"
        );
        assert_eq!(category_label("экзамены", Lang::En), "Экзамены");
        assert_eq!(category_label("42-labs", Lang::En), "42 labs");
    }

    #[test]
    fn result_announcements_count_in_the_learners_language() {
        let line = |index| FaqLine {
            index,
            question: String::new(),
            lang: None,
        };
        let results_view = |ids: Vec<usize>, query, lang| {
            results_view(ids.into_iter().map(line).collect(), query, lang)
        };
        assert_eq!(
            results_view(vec![4], "x", Lang::En).announcement,
            "1 answer found"
        );
        assert_eq!(
            results_view(vec![1, 2, 3], "x", Lang::Es).announcement,
            "3 respuestas encontradas"
        );
        assert_eq!(
            results_view(vec![7], "x", Lang::Fr).announcement,
            "1\u{a0}réponse trouvée"
        );
        assert_eq!(
            results_view(vec![1, 2], "x", Lang::Pt).announcement,
            "2 respostas encontradas"
        );
        assert_eq!(
            results_view(vec![1, 2], "x", Lang::De).announcement,
            "2 Antworten gefunden"
        );
        let arabic = |n: usize| results_view((0..n).collect(), "x", Lang::Ar).announcement;
        assert_eq!(arabic(1), "تم العثور على إجابة واحدة");
        assert_eq!(arabic(2), "تم العثور على إجابتين");
        assert_eq!(arabic(5), "تم العثور على 5 إجابات");
        assert_eq!(arabic(12), "تم العثور على 12 إجابةً");
        let none = results_view(vec![], "  contraseña ", Lang::Es);
        assert_eq!(
            none.empty_message.as_deref(),
            Some(none.announcement.as_str())
        );
        assert!(
            none.announcement.contains("«contraseña»"),
            "{}",
            none.announcement
        );
    }

    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn only_what_can_cause_a_problem_now_is_offered_as_a_cause() {
        use crate::banner::{active_items, Viewer};
        use crate::base::time::Timestamp;
        use crate::base::zone::TzDatabase;
        let json = r#"{"version": 1,
          "maintenance": [
            {"id": "later", "starts_at": "2026-12-01T00:00:00Z", "ends_at": "2026-12-01T02:00:00Z", "title": {"en": "Later"}},
            {"id": "off", "status": "cancelled", "starts_at": "2026-11-30T00:00:00Z", "ends_at": "2026-11-30T02:00:00Z", "title": {"en": "Off"}},
            {"id": "now", "severity": "major", "starts_at": "2026-11-27T00:00:00Z", "ends_at": "2026-11-28T00:00:00Z", "title": {"en": "Now"}}],
          "notices": [{"id": "slow", "kind": "known_issue", "title": {"en": "Slow video"}}]}"#;
        let feed = crate::base::feed::parse(json, &TzDatabase)
            .expect("valid")
            .feed;
        let at = Timestamp::parse_rfc3339("2026-11-27T12:00:00Z").expect("valid");
        let items = active_items(&feed, &Viewer::default(), at, &TzDatabase);
        assert_eq!(items.len(), 4, "all four are in a phase");
        let lines = causes(&items, "en");
        let shown: Vec<(&str, &str)> = lines
            .iter()
            .map(|c| (c.id.as_str(), c.heading.as_str()))
            .collect();
        assert_eq!(
            shown,
            [("now", "Maintenance in progress"), ("slow", "Known issue")]
        );
        assert_eq!(
            lines[0].title_lang, None,
            "English text in an English widget"
        );
        let in_french = causes(&items, "fr");
        assert_eq!(in_french[0].title, "Now");
        assert_eq!(in_french[0].title_lang.as_deref(), Some("en"));
    }

    #[test]
    fn contacts_become_safe_links() {
        let support = Support {
            api: "/v1".into(),
            hours: None,
            priorities: vec![],
            categories: vec![],
            fallback: Fallback {
                email: Some("help@vendor.example".into()),
                phone: Some("+1 555 0100".into()),
            },
            help_events: false,
        };
        let links = contacts(Some(&support), Lang::En);
        assert_eq!(
            links[0],
            Contact {
                label: "Email help@vendor.example".into(),
                href: "mailto:help@vendor.example".into()
            }
        );
        assert_eq!(
            links[1],
            Contact {
                label: "Call +1 555 0100".into(),
                href: "tel:+15550100".into()
            }
        );
        let hostile = Support {
            fallback: Fallback {
                email: Some("a@b.example?subject=x&body=y".into()),
                phone: None,
            },
            ..support
        };
        assert!(
            contacts(Some(&hostile), Lang::En).is_empty(),
            "an address with a query string is not a plain address"
        );
    }

    #[test]
    #[cfg(not(target_arch = "wasm32"))]
    fn the_panel_view_lists_causes_topics_in_the_best_language_and_the_ways_to_get_help() {
        use crate::banner::{active_items, Viewer};
        use crate::base::time::Timestamp;
        use crate::base::zone::TzDatabase;
        let json = r#"{"version": 1,
          "notices": [{"id": "slow", "kind": "known_issue", "title": {"en": "Slow video"}}],
          "faq": [
            {"id": "grades", "category": "grades", "question": {"en": "Where are my grades?", "es": "¿Dónde están mis notas?"}, "answer": {"en": "Open Grades."}},
            {"id": "reset", "question": {"en": "How do I reset my password?"}, "answer": {"en": "Use Forgot password."}}],
          "support": {"api": "/v1", "hours": "Mon–Fri 8–18", "fallback": {"email": "help@vendor.example"}}}"#;
        let feed = crate::base::feed::parse(json, &TzDatabase)
            .expect("valid")
            .feed;
        let at = Timestamp::parse_rfc3339("2026-11-27T12:00:00Z").expect("valid");
        let items = active_items(&feed, &Viewer::default(), at, &TzDatabase);
        let view = panel_view(Some(&feed), &items, "es");
        assert_eq!(view.causes.len(), 1);
        assert_eq!(view.causes[0].heading, "Problema conocido");
        type Topic<'a> = (&'a str, Vec<(&'a str, Option<&'a str>)>);
        let topics: Vec<Topic<'_>> = view
            .topics
            .iter()
            .map(|t| {
                let entries = t
                    .entries
                    .iter()
                    .map(|e| (e.question.as_str(), e.lang.as_deref()))
                    .collect();
                (t.label.as_str(), entries)
            })
            .collect();
        assert_eq!(
            topics,
            [
                ("Calificaciones", vec![("¿Dónde están mis notas?", None)]),
                (
                    "Otras preguntas",
                    vec![("How do I reset my password?", Some("en"))]
                ),
            ],
            "the English fallback carries lang=en"
        );
        assert!(view.offers_tickets);
        assert_eq!(view.contacts[0].href, "mailto:help@vendor.example");
        assert_eq!(
            view.hours.as_deref(),
            Some("Horario de soporte: Mon–Fri 8–18")
        );

        let before_any_feed = panel_view(None, &[], "en");
        assert!(before_any_feed.causes.is_empty() && before_any_feed.topics.is_empty());
        assert!(!before_any_feed.offers_tickets, "no API to send tickets to");
        assert_eq!(before_any_feed.hours, None);
    }

    #[test]
    #[cfg(not(target_arch = "wasm32"))]
    fn a_blank_query_shows_no_results_and_a_query_its_best_questions_first() {
        use crate::base::zone::TzDatabase;
        let json = r#"{"version": 1, "faq": [
            {"id": "grades", "question": {"en": "Where are my grades?"}, "answer": {"en": "Open Grades."}},
            {"id": "reset", "question": {"en": "How do I reset my password?"}, "answer": {"en": "Use Forgot password."}}]}"#;
        let faq = crate::base::feed::parse(json, &TzDatabase)
            .expect("valid")
            .feed
            .faq;
        let index = crate::help::search::SearchIndex::build(&faq, "en");
        assert_eq!(search_results(&faq, &index, "   ", "en"), None);
        let found = search_results(&faq, &index, "password", "en").expect("a query");
        assert_eq!(found.entries[0].index, 1);
        assert_eq!(found.entries[0].question, "How do I reset my password?");
        assert_eq!(found.announcement, "1 answer found");
        assert_eq!(found.empty_message, None);
        let none = search_results(&faq, &index, "qqxxzzvv", "en").expect("a query");
        assert!(none.entries.is_empty());
        assert_eq!(
            none.empty_message.as_deref(),
            Some(none.announcement.as_str())
        );
    }
}
