//! The widget's own user-visible strings, in every supported language.
//!
//! Feed content (titles, bodies) is localized by the feed itself through [`crate::base::text`]; this
//! module only translates the widget's chrome, in English, Spanish, French, Portuguese
//! (Brazilian), German and Arabic. Templates use `{name}` placeholders filled by [`fill`].
//! Dates, times and relative spans ("in 3 days") are not here: the browser formats them with
//! `Intl`, which knows every locale.
//!
//! # Plurals
//!
//! Strings that depend on a count ("3 answers found", "+2 more") are [`CountMsg`]s with one
//! form per CLDR plural category the language uses ([`plural_forms`]); [`message_count`]
//! picks the form with [`plural_category`]. The CLDR cardinal rules for our six languages are
//! implemented here rather than asked of the browser's `Intl.PluralRules`: for whole numbers
//! they are a handful of integer comparisons with no tables; they give the same answer
//! natively and in the browser, so the native tests cover exactly what ships; and no JS call
//! or `Intl` object is needed per string. They follow CLDR 48: `Intl.PluralRules` (Node 20,
//! ICU 78) gives the same category for every count from 0 to 20 000 and for samples up to
//! 10⁹. Only whole counts are ever shown, so the decimal and compact-exponent operands of the
//! rules do not arise. `pt-PT` uses the Brazilian forms (it would say "0 respostas").
//!
//! # Right-to-left
//!
//! [`Lang::is_rtl`] tells the DOM layer to set `dir="rtl"` on the host. Arabic templates wrap
//! placeholders that carry Latin text or digits (addresses, numbers, queries) in Unicode
//! first-strong isolates (U+2068 … U+2069) so that e.g. `+1 555 0100` keeps its order inside
//! an Arabic sentence.

use crate::base::decimal::{decimal, push_decimal, push_padded};

mod fetched;
mod panel;

#[cfg(not(feature = "fetched-catalogues"))]
pub use fetched::catalogue_strings;
pub use fetched::{add_catalogue, speakable, Catalogue, CATEGORY_IDS, SEPARATOR};

/// A language the widget's UI is translated into.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    /// English (the fallback).
    En,
    /// Spanish.
    Es,
    /// French.
    Fr,
    /// Portuguese, Brazilian usage (also chosen for `pt-PT`).
    Pt,
    /// German.
    De,
    /// Arabic (Modern Standard), written right to left.
    Ar,
}

impl Lang {
    /// Every supported language, English first.
    pub const ALL: [Lang; 6] = [Lang::En, Lang::Es, Lang::Fr, Lang::Pt, Lang::De, Lang::Ar];

    /// The best supported language for a BCP 47 tag, by its primary subtag (`pt-BR` and
    /// `pt-PT` are both [`Lang::Pt`]), falling back to English.
    pub fn negotiate(tag: &str) -> Lang {
        match crate::base::text::primary_language(tag)
            .to_ascii_lowercase()
            .as_str()
        {
            "es" => Lang::Es,
            "fr" => Lang::Fr,
            "pt" => Lang::Pt,
            "de" => Lang::De,
            "ar" => Lang::Ar,
            _ => Lang::En,
        }
    }

    /// The first supported language among the tags, in preference order; English if none.
    pub fn negotiate_list<'a>(tags: impl IntoIterator<Item = &'a str>) -> Lang {
        tags.into_iter()
            .map(|t| (t, Lang::negotiate(t)))
            .find(|(t, lang)| {
                *lang != Lang::En
                    || crate::base::text::primary_language(t).eq_ignore_ascii_case("en")
            })
            .map_or(Lang::En, |(_, lang)| lang)
    }

    /// The language's tag, as set on the host's `lang` attribute.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
            Lang::Fr => "fr",
            Lang::Pt => "pt",
            Lang::De => "de",
            Lang::Ar => "ar",
        }
    }

    /// True for a language written right to left (Arabic): the host gets `dir="rtl"`.
    pub fn is_rtl(self) -> bool {
        matches!(self, Lang::Ar)
    }

    /// The plural categories the language distinguishes for whole numbers, in CLDR order;
    /// every [`CountMsg`] has exactly one form for each.
    pub fn plural_categories(self) -> &'static [Plural] {
        use Plural::*;
        match self {
            Lang::En | Lang::De => &[One, Other],
            Lang::Es | Lang::Fr | Lang::Pt => &[One, Many, Other],
            Lang::Ar => &[Zero, One, Two, Few, Many, Other],
        }
    }
}

/// A CLDR plural category.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Plural {
    Zero,
    One,
    Two,
    Few,
    Many,
    Other,
}

/// The CLDR cardinal plural category of the whole number `n` in `lang`.
///
/// | lang       | one      | others                                                      |
/// |------------|----------|-------------------------------------------------------------|
/// | en, de     | 1        | —                                                           |
/// | es         | 1        | many: a non-zero multiple of 1 000 000                      |
/// | fr, pt     | 0, 1     | many: a non-zero multiple of 1 000 000                      |
/// | ar         | 1        | zero: 0; two: 2; few: n % 100 in 3‥10; many: n % 100 in 11‥99 |
///
/// Everything else is `other`.
pub fn plural_category(lang: Lang, n: u64) -> Plural {
    let millions = n != 0 && n % 1_000_000 == 0;
    match lang {
        Lang::En | Lang::De if n == 1 => Plural::One,
        Lang::En | Lang::De => Plural::Other,
        Lang::Es if n == 1 => Plural::One,
        Lang::Fr | Lang::Pt if n <= 1 => Plural::One,
        Lang::Es | Lang::Fr | Lang::Pt if millions => Plural::Many,
        Lang::Es | Lang::Fr | Lang::Pt => Plural::Other,
        Lang::Ar => match (n, n % 100) {
            (0, _) => Plural::Zero,
            (1, _) => Plural::One,
            (2, _) => Plural::Two,
            (_, 3..=10) => Plural::Few,
            (_, 11..=99) => Plural::Many,
            _ => Plural::Other,
        },
    }
}

macro_rules! messages {
    ($($name:ident),* $(,)?) => {
        /// A translatable UI string that does not depend on a count.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[allow(missing_docs)]
        pub enum Msg {
            $($name),*
        }

        impl Msg {
            /// Every message, for the catalogue test.
            pub const ALL: &'static [Msg] = &[$(Msg::$name),*];
        }
    };
}

// The banner's messages come first, up to `HelpLauncher`: the banner-only first stage ships
// only their strings (see `en`); the others are in `panel`, behind the one `panel` gate here.
messages! {
    HeadingUpcoming,
    HeadingImminent,
    HeadingInProgress,
    HeadingCompleted,
    HeadingCancelled,
    HeadingKnownIssue,
    StartsIn,
    Until,
    CompletedDefaultBody,
    CancelledBody,
    StatusInvestigating,
    StatusIdentified,
    StatusMonitoring,
    Dismiss,
    ShowFewer,
    RegionLabel,
    HelpLauncher,
    HelpTitle,
    Close,
    SearchLabel,
    SearchPlaceholder,
    NoResults,
    MayBeCaused,
    BrowseTopics,
    StillNeedHelp,
    ContactEmail,
    ContactPhone,
    SupportHours,
    CategoryOther,
    ContactSupport,
    BackToHelp,
    TicketTitle,
    MayAnswer,
    AttachedNotice,
    FieldCategory,
    FieldPriority,
    FieldSubject,
    FieldDescription,
    FieldName,
    FieldEmail,
    FieldFiles,
    RemoveFile,
    ResponseWithin,
    CriticalCheck,
    CriticalYes,
    CriticalNo,
    ContextLead,
    RemoveItem,
    Send,
    Sending,
    QueuedOffline,
    QueuedServer,
    Sent,
    Rejected,
    FixErrors,
    ErrRequired,
    ErrTooLong,
    ErrEmail,
    ErrChoice,
    ErrTooMany,
    ErrTooLarge,
    ErrFileType,
    ErrInvalid,
    MyTickets,
    NoTickets,
    TicketStatus,
    StatusOpen,
    StatusPending,
    StatusResolved,
    StatusClosed,
    StatusQueued,
    StatusSending,
    StatusSent,
    StatusRejected,
    WriteAnother,
    NotAccepted,
    AgentReply,
    RateQuestion,
    RateStars,
    RateComment,
    RateSend,
    RateThanks,
    Refresh,
    CtxPage,
    CtxLms,
    CtxCourseId,
    CtxCourse,
    CtxRole,
    CtxName,
    CtxEmail,
    CtxBrowser,
    CtxOs,
    CtxViewport,
    CtxTimeZone,
    CtxActive,
    HoneypotLabel,
    CtxActivity,
    CtxContextId,
    PriorityCritical,
    PriorityHigh,
    PriorityRoutine,
    FlowsHeading,
    FlowBack,
    FlowStartOver,
    FlowTicketLead,
    FlowKnownIssuesLead,
    FlowNoKnownIssues,
    FlowAnswerLead,
    DidHelp,
    VoteYes,
    VoteNo,
    VoteReasonLead,
    ReasonUnclear,
    ReasonDidNotWork,
    ReasonNotMyQuestion,
    VoteSendReason,
    VoteThanks,
    CtxFlow,
}

/// A translatable UI string whose words depend on a count, filled as `{count}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CountMsg {
    /// "3 answers found", announced after a search with results.
    Results,
    /// "+2 more" on the banner's toggle for the items behind the first.
    MoreItems,
    /// "2 new replies" on the launcher's badge: agent replies not yet seen in "My tickets".
    NewReplies,
    /// "1 ticket resolved" on the launcher's badge, not yet seen in "My tickets".
    TicketsResolved,
}

impl CountMsg {
    /// Every count message, for the catalogue test.
    pub const ALL: &'static [CountMsg] = &[
        CountMsg::Results,
        CountMsg::MoreItems,
        CountMsg::NewReplies,
        CountMsg::TicketsResolved,
    ];
}

/// The text of `msg` in `lang`.
pub fn message(lang: Lang, msg: Msg) -> &'static str {
    match lang {
        Lang::En => en(msg),
        #[cfg(not(feature = "fetched-catalogues"))]
        Lang::Es => es(msg),
        #[cfg(not(feature = "fetched-catalogues"))]
        Lang::Fr => fr(msg),
        #[cfg(not(feature = "fetched-catalogues"))]
        Lang::Pt => pt(msg),
        #[cfg(not(feature = "fetched-catalogues"))]
        Lang::De => de(msg),
        #[cfg(not(feature = "fetched-catalogues"))]
        Lang::Ar => ar(msg),
        #[cfg(feature = "fetched-catalogues")]
        _ => fetched::installed(lang).map_or_else(|| en(msg), |c| c.message(msg)),
    }
}

/// The text of `msg` for the count `n` in `lang`, with `{count}` filled in.
pub fn message_count(lang: Lang, msg: CountMsg, n: u64) -> String {
    let category = plural_category(lang, n);
    let forms = plural_forms(lang, msg);
    let template = forms
        .iter()
        .find(|(c, _)| *c == category)
        .or_else(|| forms.iter().find(|(c, _)| *c == Plural::Other))
        .map_or("", |(_, t)| t);
    fill(
        template,
        &[("count", &decimal(i64::try_from(n).unwrap_or(i64::MAX)))],
    )
}

/// The help panel's and the ticket form's strings (see `panel`); none in the banner-only
/// first stage (without the `panel` feature), which never asks for them: this constant test
/// keeps their tables out of its Wasm.
fn panel_message(lang: Lang, msg: Msg) -> &'static str {
    if !cfg!(feature = "panel") {
        return "";
    }
    match lang {
        Lang::En => panel::en(msg),
        #[cfg(not(feature = "fetched-catalogues"))]
        Lang::Es => panel::es(msg),
        #[cfg(not(feature = "fetched-catalogues"))]
        Lang::Fr => panel::fr(msg),
        #[cfg(not(feature = "fetched-catalogues"))]
        Lang::Pt => panel::pt(msg),
        #[cfg(not(feature = "fetched-catalogues"))]
        Lang::De => panel::de(msg),
        #[cfg(not(feature = "fetched-catalogues"))]
        Lang::Ar => panel::ar(msg),
        // Only English is built in: `message` asks the installed catalogue for the others.
        #[cfg(feature = "fetched-catalogues")]
        _ => "",
    }
}

/// The panel's counted messages, none in the banner-only first stage (see [`panel_message`]).
fn panel_plural_forms(lang: Lang, msg: CountMsg) -> &'static [(Plural, &'static str)] {
    if !cfg!(feature = "panel") {
        return &[];
    }
    panel::plural_forms(lang, msg)
}

/// The forms of `msg` in `lang`, one per category of [`Lang::plural_categories`]. A `zero`,
/// `one` or `two` form may spell the number out instead of using `{count}`.
pub fn plural_forms(lang: Lang, msg: CountMsg) -> &'static [(Plural, &'static str)] {
    use CountMsg::*;
    use Plural::*;
    #[cfg(feature = "fetched-catalogues")]
    if lang != Lang::En {
        return fetched::installed(lang)
            .map_or_else(|| plural_forms(Lang::En, msg), |c| c.forms(msg));
    }
    match (lang, msg) {
        (Lang::En, Results) => &[
            (One, "{count} answer found"),
            (Other, "{count} answers found"),
        ],
        (Lang::En, MoreItems) => &[(One, "+{count} more"), (Other, "+{count} more")],
        #[cfg(not(feature = "fetched-catalogues"))]
        (Lang::Es, Results) => &[
            (One, "{count} respuesta encontrada"),
            (Many, "{count} de respuestas encontradas"),
            (Other, "{count} respuestas encontradas"),
        ],
        #[cfg(not(feature = "fetched-catalogues"))]
        (Lang::Es, MoreItems) => &[
            (One, "+{count} más"),
            (Many, "+{count} más"),
            (Other, "+{count} más"),
        ],
        #[cfg(not(feature = "fetched-catalogues"))]
        (Lang::Fr, Results) => &[
            (One, "{count}\u{a0}réponse trouvée"),
            (Many, "{count}\u{a0}de réponses trouvées"),
            (Other, "{count}\u{a0}réponses trouvées"),
        ],
        #[cfg(not(feature = "fetched-catalogues"))]
        (Lang::Fr, MoreItems) => &[
            (One, "+{count}\u{a0}autre"),
            (Many, "+{count}\u{a0}autres"),
            (Other, "+{count}\u{a0}autres"),
        ],
        #[cfg(not(feature = "fetched-catalogues"))]
        (Lang::Pt, Results) => &[
            (One, "{count} resposta encontrada"),
            (Many, "{count} de respostas encontradas"),
            (Other, "{count} respostas encontradas"),
        ],
        #[cfg(not(feature = "fetched-catalogues"))]
        (Lang::Pt, MoreItems) => &[
            (One, "+{count} outro"),
            (Many, "+{count} outros"),
            (Other, "+{count} outros"),
        ],
        #[cfg(not(feature = "fetched-catalogues"))]
        (Lang::De, Results) => &[
            (One, "{count} Antwort gefunden"),
            (Other, "{count} Antworten gefunden"),
        ],
        // "weitere" agrees with the implied "Meldung(en)" in both numbers.
        #[cfg(not(feature = "fetched-catalogues"))]
        (Lang::De, MoreItems) => &[(One, "+{count} weitere"), (Other, "+{count} weitere")],
        // 3–10 take the plural noun, 11–99 the accusative singular, 100+ the genitive singular.
        #[cfg(not(feature = "fetched-catalogues"))]
        (Lang::Ar, Results) => &[
            (Zero, "لم يُعثر على أي إجابة"),
            (One, "تم العثور على إجابة واحدة"),
            (Two, "تم العثور على إجابتين"),
            (Few, "تم العثور على {count} إجابات"),
            (Many, "تم العثور على {count} إجابةً"),
            (Other, "تم العثور على {count} إجابة"),
        ],
        #[cfg(not(feature = "fetched-catalogues"))]
        (Lang::Ar, MoreItems) => &[
            (Zero, "لا إشعارات أخرى"),
            (One, "+إشعار آخر"),
            (Two, "+إشعاران آخران"),
            (Few, "+{count} إشعارات أخرى"),
            (Many, "+{count} إشعارًا آخر"),
            (Other, "+{count} إشعار آخر"),
        ],
        // The launcher's badge is drawn by the full stage only.
        (_, NewReplies | TicketsResolved) => panel_plural_forms(lang, msg),
        #[cfg(feature = "fetched-catalogues")]
        _ => &[],
    }
}

fn en(msg: Msg) -> &'static str {
    use Msg::*;
    match msg {
        HeadingUpcoming => "Scheduled maintenance",
        HeadingImminent => "Maintenance starts soon",
        HeadingInProgress => "Maintenance in progress",
        HeadingCompleted => "After maintenance",
        HeadingCancelled => "Maintenance cancelled",
        HeadingKnownIssue => "Known issue",
        StartsIn => "Starts in {countdown}",
        Until => "Expected back {time}",
        CompletedDefaultBody => {
            "Maintenance is complete. If something still looks wrong, let us know."
        }
        CancelledBody => "This maintenance will not take place. Everything stays available.",
        StatusInvestigating => "We are investigating.",
        StatusIdentified => "We found the cause and are working on a fix.",
        StatusMonitoring => "A fix is in place and we are watching it.",
        Dismiss => "Dismiss",
        ShowFewer => "Show fewer",
        RegionLabel => "Service announcements",
        HelpLauncher => "Help",
        panel => panel_message(Lang::En, panel),
    }
}

#[cfg(not(feature = "fetched-catalogues"))]
fn es(msg: Msg) -> &'static str {
    use Msg::*;
    match msg {
        HeadingUpcoming => "Mantenimiento programado",
        HeadingImminent => "El mantenimiento empieza pronto",
        HeadingInProgress => "Mantenimiento en curso",
        HeadingCompleted => "Después del mantenimiento",
        HeadingCancelled => "Mantenimiento cancelado",
        HeadingKnownIssue => "Problema conocido",
        StartsIn => "Empieza en {countdown}",
        Until => "Vuelve a estar disponible {time}",
        CompletedDefaultBody => "El mantenimiento ha terminado. Si algo sigue fallando, avísanos.",
        CancelledBody => "Este mantenimiento no se realizará. Todo sigue disponible.",
        StatusInvestigating => "Lo estamos investigando.",
        StatusIdentified => "Hemos encontrado la causa y estamos trabajando en una solución.",
        StatusMonitoring => "Hemos aplicado una solución y la estamos supervisando.",
        Dismiss => "Cerrar aviso",
        ShowFewer => "Mostrar menos",
        RegionLabel => "Avisos del servicio",
        HelpLauncher => "Ayuda",
        panel => panel_message(Lang::Es, panel),
    }
}

#[cfg(not(feature = "fetched-catalogues"))]
fn fr(msg: Msg) -> &'static str {
    use Msg::*;
    match msg {
        HeadingUpcoming => "Maintenance planifiée",
        HeadingImminent => "La maintenance commence bientôt",
        HeadingInProgress => "Maintenance en cours",
        HeadingCompleted => "Après la maintenance",
        HeadingCancelled => "Maintenance annulée",
        HeadingKnownIssue => "Problème connu",
        StartsIn => "Commence dans {countdown}",
        Until => "Retour prévu\u{a0}: {time}",
        CompletedDefaultBody => {
            "La maintenance est terminée. Si quelque chose ne fonctionne toujours pas, signalez-le-nous."
        }
        CancelledBody => "Cette maintenance n’aura pas lieu. Tout reste disponible.",
        StatusInvestigating => "Nous examinons le problème.",
        StatusIdentified => "Nous avons trouvé la cause et travaillons à une correction.",
        StatusMonitoring => "Une correction est en place et nous la surveillons.",
        Dismiss => "Masquer",
        ShowFewer => "Afficher moins",
        RegionLabel => "Annonces du service",
        HelpLauncher => "Aide",
        panel => panel_message(Lang::Fr, panel),
    }
}

#[cfg(not(feature = "fetched-catalogues"))]
fn pt(msg: Msg) -> &'static str {
    use Msg::*;
    match msg {
        HeadingUpcoming => "Manutenção programada",
        HeadingImminent => "A manutenção começa em breve",
        HeadingInProgress => "Manutenção em andamento",
        HeadingCompleted => "Após a manutenção",
        HeadingCancelled => "Manutenção cancelada",
        HeadingKnownIssue => "Problema conhecido",
        StartsIn => "Começa em {countdown}",
        Until => "Previsão de retorno: {time}",
        CompletedDefaultBody => {
            "A manutenção foi concluída. Se algo ainda parecer errado, avise-nos."
        }
        CancelledBody => "Esta manutenção não será realizada. Tudo continua disponível.",
        StatusInvestigating => "Estamos investigando.",
        StatusIdentified => "Encontramos a causa e estamos trabalhando em uma correção.",
        StatusMonitoring => "Uma correção foi aplicada e estamos acompanhando.",
        Dismiss => "Dispensar",
        ShowFewer => "Mostrar menos",
        RegionLabel => "Avisos do serviço",
        HelpLauncher => "Ajuda",
        panel => panel_message(Lang::Pt, panel),
    }
}

#[cfg(not(feature = "fetched-catalogues"))]
fn de(msg: Msg) -> &'static str {
    use Msg::*;
    match msg {
        HeadingUpcoming => "Geplante Wartung",
        HeadingImminent => "Wartung beginnt in Kürze",
        HeadingInProgress => "Wartung läuft",
        HeadingCompleted => "Nach der Wartung",
        HeadingCancelled => "Wartung abgesagt",
        HeadingKnownIssue => "Bekanntes Problem",
        StartsIn => "Beginnt in {countdown}",
        Until => "Voraussichtlich wieder verfügbar: {time}",
        CompletedDefaultBody => {
            "Die Wartung ist abgeschlossen. Wenn noch etwas nicht stimmt, geben Sie uns Bescheid."
        }
        CancelledBody => "Diese Wartung findet nicht statt. Alles bleibt verfügbar.",
        StatusInvestigating => "Wir untersuchen das Problem.",
        StatusIdentified => "Wir haben die Ursache gefunden und arbeiten an einer Lösung.",
        StatusMonitoring => "Eine Lösung ist eingespielt und wir beobachten die Lage.",
        Dismiss => "Ausblenden",
        ShowFewer => "Weniger anzeigen",
        RegionLabel => "Servicemeldungen",
        HelpLauncher => "Hilfe",
        panel => panel_message(Lang::De, panel),
    }
}

#[cfg(not(feature = "fetched-catalogues"))]
fn ar(msg: Msg) -> &'static str {
    use Msg::*;
    match msg {
        HeadingUpcoming => "صيانة مجدولة",
        HeadingImminent => "تبدأ الصيانة قريبًا",
        HeadingInProgress => "الصيانة جارية",
        HeadingCompleted => "بعد الصيانة",
        HeadingCancelled => "أُلغيت الصيانة",
        HeadingKnownIssue => "مشكلة معروفة",
        StartsIn => "تبدأ خلال \u{2068}{countdown}\u{2069}",
        Until => "العودة المتوقعة: {time}",
        CompletedDefaultBody => "اكتملت الصيانة. إذا استمرت أي مشكلة، فأخبرنا بذلك.",
        CancelledBody => "لن تُجرى هذه الصيانة. ستبقى جميع الخدمات متاحة.",
        StatusInvestigating => "نحن نتحقق من المشكلة.",
        StatusIdentified => "حددنا السبب ونعمل على إصلاحه.",
        StatusMonitoring => "طُبِّق إصلاح ونحن نتابعه.",
        Dismiss => "إخفاء",
        ShowFewer => "عرض أقل",
        RegionLabel => "إعلانات الخدمة",
        HelpLauncher => "مساعدة",
        panel => panel_message(Lang::Ar, panel),
    }
}

/// The label of a FAQ category id the catalogue knows (`account`, `grades`, …) in `lang`;
/// `None` for any other id, which the help panel then shows as written.
pub fn category_name(id: &str, lang: Lang) -> Option<&'static str> {
    let [en, es, fr, pt, de, ar] = match id {
        "other" => ["Other", "Otro", "Autre", "Outro", "Sonstiges", "أخرى"],
        "account" => [
            "Account and login",
            "Cuenta e inicio de sesión",
            "Compte et connexion",
            "Conta e acesso",
            "Konto und Anmeldung",
            "الحساب وتسجيل الدخول",
        ],
        "grades" => [
            "Grades",
            "Calificaciones",
            "Notes",
            "Notas",
            "Noten",
            "الدرجات",
        ],
        "assignments" | "submissions" => [
            "Assignments and submissions",
            "Tareas y entregas",
            "Devoirs et remises",
            "Tarefas e envios",
            "Aufgaben und Abgaben",
            "الواجبات والتسليمات",
        ],
        "quizzes" => [
            "Quizzes and exams",
            "Cuestionarios y exámenes",
            "Tests et examens",
            "Questionários e provas",
            "Tests und Prüfungen",
            "الاختبارات والامتحانات",
        ],
        "video" | "media" => [
            "Video and media",
            "Vídeo y multimedia",
            "Vidéo et médias",
            "Vídeo e mídia",
            "Video und Medien",
            "الفيديو والوسائط",
        ],
        "accessibility" => [
            "Accessibility",
            "Accesibilidad",
            "Accessibilité",
            "Acessibilidade",
            "Barrierefreiheit",
            "إمكانية الوصول",
        ],
        "technical" => [
            "Technical problems",
            "Problemas técnicos",
            "Problèmes techniques",
            "Problemas técnicos",
            "Technische Probleme",
            "مشكلات تقنية",
        ],
        "courses" | "enrolment" => [
            "Courses and enrolment",
            "Cursos y matrícula",
            "Cours et inscription",
            "Cursos e matrícula",
            "Kurse und Einschreibung",
            "المقررات والتسجيل",
        ],
        _ => return None,
    };
    #[cfg(feature = "fetched-catalogues")]
    let _ = (es, fr, pt, de, ar);
    Some(match lang {
        Lang::En => en,
        #[cfg(not(feature = "fetched-catalogues"))]
        Lang::Es => es,
        #[cfg(not(feature = "fetched-catalogues"))]
        Lang::Fr => fr,
        #[cfg(not(feature = "fetched-catalogues"))]
        Lang::Pt => pt,
        #[cfg(not(feature = "fetched-catalogues"))]
        Lang::De => de,
        #[cfg(not(feature = "fetched-catalogues"))]
        Lang::Ar => ar,
        #[cfg(feature = "fetched-catalogues")]
        _ => return fetched::installed(lang).map_or(Some(en), |c| c.category(id)),
    })
}

/// A date written out in `lang`, weekday first: `Sunday, December 6, 2026`,
/// `domingo, 6 de diciembre de 2026`, `dimanche 6 décembre 2026`, `domingo, 6 de dezembro de
/// 2026`, `Sonntag, 6. Dezember 2026`, `الأحد، 6 ديسمبر 2026`.
///
/// For text without `Intl` (the vendor CLI's `preview`); the widget formats with the browser's.
pub fn long_date(lang: Lang, date: crate::base::time::CivilDate) -> String {
    let weekday = usize::from(date.weekday().index_from_monday());
    let month = usize::from(date.month.saturating_sub(1));
    let (weekdays, months) = date_names(lang);
    let (w, m) = (
        weekdays.get(weekday).copied().unwrap_or_default(),
        months.get(month).copied().unwrap_or_default(),
    );
    let (d, y) = (date.day, date.year);
    match lang {
        Lang::En => format!("{w}, {m} {d}, {y}"),
        Lang::Es | Lang::Pt => format!("{w}, {d} de {m} de {y}"),
        Lang::Fr => format!("{w} {d} {m} {y}"),
        Lang::De => format!("{w}, {d}. {m} {y}"),
        Lang::Ar => format!("{w}\u{60c} {d} {m} {y}"),
    }
}

/// The word before a start time: "since", "desde", "depuis", "desde", "seit", "منذ".
pub fn since_word(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "since",
        Lang::Es | Lang::Pt => "desde",
        Lang::Fr => "depuis",
        Lang::De => "seit",
        Lang::Ar => "منذ",
    }
}

/// The words of the e-mail a learner gets when an agent replies to a ticket or resolves it
/// (sent by the server; `{number}` is the ticket number).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LearnerMail {
    /// Subject of a reply's e-mail.
    pub reply_subject: &'static str,
    /// First line of a reply's e-mail, before the reply.
    pub reply_intro: &'static str,
    /// Subject of a resolution's e-mail.
    pub resolved_subject: &'static str,
    /// First line of a resolution's e-mail.
    pub resolved_intro: &'static str,
    /// Asks for the rating, before the link.
    pub rate: &'static str,
    /// Before the link back to the page where the ticket was filed.
    pub open_tickets: &'static str,
}

/// [`LearnerMail`] in `lang`.
pub fn learner_mail(lang: Lang) -> LearnerMail {
    match lang {
        Lang::En => LearnerMail {
            reply_subject: "New reply to your support ticket {number}",
            reply_intro: "Our support team replied to your ticket {number}:",
            resolved_subject: "Your support ticket {number} is resolved",
            resolved_intro: "Your ticket {number} has been resolved.",
            rate: "Did this solve your problem? Please rate our answer in My tickets:",
            open_tickets: "See your ticket in My tickets:",
        },
        Lang::Es => LearnerMail {
            reply_subject: "Nueva respuesta a su solicitud de soporte {number}",
            reply_intro: "Nuestro equipo de soporte respondió a su solicitud {number}:",
            resolved_subject: "Su solicitud de soporte {number} está resuelta",
            resolved_intro: "Su solicitud {number} ha sido resuelta.",
            rate: "¿Se resolvió su problema? Valore nuestra respuesta en Mis solicitudes:",
            open_tickets: "Vea su solicitud en Mis solicitudes:",
        },
        Lang::Fr => LearnerMail {
            reply_subject: "Nouvelle réponse à votre demande d’assistance {number}",
            reply_intro: "Notre équipe d’assistance a répondu à votre demande {number} :",
            resolved_subject: "Votre demande d’assistance {number} est résolue",
            resolved_intro: "Votre demande {number} a été résolue.",
            rate: "Votre problème est-il réglé ? Évaluez notre réponse dans Mes demandes :",
            open_tickets: "Voir votre demande dans Mes demandes :",
        },
        Lang::Pt => LearnerMail {
            reply_subject: "Nova resposta ao seu chamado de suporte {number}",
            reply_intro: "Nossa equipe de suporte respondeu ao seu chamado {number}:",
            resolved_subject: "Seu chamado de suporte {number} foi resolvido",
            resolved_intro: "Seu chamado {number} foi resolvido.",
            rate: "Seu problema foi resolvido? Avalie nossa resposta em Meus chamados:",
            open_tickets: "Veja seu chamado em Meus chamados:",
        },
        Lang::De => LearnerMail {
            reply_subject: "Neue Antwort auf Ihre Support-Anfrage {number}",
            reply_intro: "Unser Support-Team hat auf Ihre Anfrage {number} geantwortet:",
            resolved_subject: "Ihre Support-Anfrage {number} ist gelöst",
            resolved_intro: "Ihre Anfrage {number} wurde gelöst.",
            rate: "Ist Ihr Problem gelöst? Bitte bewerten Sie unsere Antwort unter Meine Anfragen:",
            open_tickets: "Ihre Anfrage unter Meine Anfragen ansehen:",
        },
        Lang::Ar => LearnerMail {
            reply_subject: "رد جديد على طلب الدعم {number}",
            reply_intro: "ردّ فريق الدعم على طلبك {number}:",
            resolved_subject: "تم حل طلب الدعم {number}",
            resolved_intro: "تم حل طلبك {number}.",
            rate: "هل حُلّت مشكلتك؟ يرجى تقييم إجابتنا في طلباتي:",
            open_tickets: "اطّلع على طلبك في طلباتي:",
        },
    }
}

/// Weekdays from Monday and months from January, as [`long_date`] writes them.
fn date_names(lang: Lang) -> (&'static [&'static str; 7], &'static [&'static str; 12]) {
    match lang {
        Lang::En => (
            &[
                "Monday",
                "Tuesday",
                "Wednesday",
                "Thursday",
                "Friday",
                "Saturday",
                "Sunday",
            ],
            &[
                "January",
                "February",
                "March",
                "April",
                "May",
                "June",
                "July",
                "August",
                "September",
                "October",
                "November",
                "December",
            ],
        ),
        Lang::Es => (
            &[
                "lunes",
                "martes",
                "miércoles",
                "jueves",
                "viernes",
                "sábado",
                "domingo",
            ],
            &[
                "enero",
                "febrero",
                "marzo",
                "abril",
                "mayo",
                "junio",
                "julio",
                "agosto",
                "septiembre",
                "octubre",
                "noviembre",
                "diciembre",
            ],
        ),
        Lang::Fr => (
            &[
                "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
            ],
            &[
                "janvier",
                "février",
                "mars",
                "avril",
                "mai",
                "juin",
                "juillet",
                "août",
                "septembre",
                "octobre",
                "novembre",
                "décembre",
            ],
        ),
        Lang::Pt => (
            &[
                "segunda-feira",
                "terça-feira",
                "quarta-feira",
                "quinta-feira",
                "sexta-feira",
                "sábado",
                "domingo",
            ],
            &[
                "janeiro",
                "fevereiro",
                "março",
                "abril",
                "maio",
                "junho",
                "julho",
                "agosto",
                "setembro",
                "outubro",
                "novembro",
                "dezembro",
            ],
        ),
        Lang::De => (
            &[
                "Montag",
                "Dienstag",
                "Mittwoch",
                "Donnerstag",
                "Freitag",
                "Samstag",
                "Sonntag",
            ],
            &[
                "Januar",
                "Februar",
                "März",
                "April",
                "Mai",
                "Juni",
                "Juli",
                "August",
                "September",
                "Oktober",
                "November",
                "Dezember",
            ],
        ),
        Lang::Ar => (
            &[
                "الاثنين",
                "الثلاثاء",
                "الأربعاء",
                "الخميس",
                "الجمعة",
                "السبت",
                "الأحد",
            ],
            &[
                "يناير",
                "فبراير",
                "مارس",
                "أبريل",
                "مايو",
                "يونيو",
                "يوليو",
                "أغسطس",
                "سبتمبر",
                "أكتوبر",
                "نوفمبر",
                "ديسمبر",
            ],
        ),
    }
}

/// Replaces each `{name}` in `template` with its value, in one pass: a value is never read
/// as a template (a feed title holding "{count}" stays as it is). Written without `format!`
/// and `str::replace`, whose string slicing brought the banner stage core's panic formatting
/// for bad slices.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some((before, after)) = rest.split_once('{') {
        out.push_str(before);
        let known = after.split_once('}').and_then(|(name, tail)| {
            values
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, value)| (*value, tail))
        });
        match known {
            Some((value, tail)) => {
                out.push_str(value);
                rest = tail;
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A countdown as the banner shows it: `m:ss` under an hour, `h:mm:ss` above.
pub fn format_countdown(seconds: i64) -> String {
    let s = seconds.max(0);
    let (h, m, s) = (s / 3600, s % 3600 / 60, s % 60);
    let mut out = String::new();
    if h > 0 {
        push_decimal(&mut out, h);
        out.push(':');
        push_padded(&mut out, m, 2);
    } else {
        push_decimal(&mut out, m);
    }
    out.push(':');
    push_padded(&mut out, s, 2);
    out
}

#[cfg(test)]
mod tests {
    // The same tests run on wasm32 (usize is 32 bits there) in the browser run.
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn a_date_is_written_out_in_each_language() {
        let date = crate::base::time::CivilDate {
            year: 2026,
            month: 12,
            day: 6,
        };
        let written: Vec<String> = Lang::ALL.iter().map(|&l| long_date(l, date)).collect();
        assert_eq!(
            written,
            [
                "Sunday, December 6, 2026",
                "domingo, 6 de diciembre de 2026",
                "dimanche 6 décembre 2026",
                "domingo, 6 de dezembro de 2026",
                "Sonntag, 6. Dezember 2026",
                "الأحد، 6 ديسمبر 2026",
            ]
        );
    }

    #[test]
    fn negotiates_language_from_tags() {
        assert_eq!(Lang::negotiate("es-MX"), Lang::Es);
        assert_eq!(Lang::negotiate("ES"), Lang::Es);
        assert_eq!(Lang::negotiate("fr"), Lang::Fr);
        assert_eq!(Lang::negotiate("fr-CA"), Lang::Fr);
        assert_eq!(Lang::negotiate("pt-BR"), Lang::Pt);
        assert_eq!(Lang::negotiate("pt-PT"), Lang::Pt);
        assert_eq!(Lang::negotiate("pt_br"), Lang::Pt);
        assert_eq!(Lang::negotiate("de-AT"), Lang::De);
        assert_eq!(Lang::negotiate("de-CH"), Lang::De);
        assert_eq!(Lang::negotiate("ar-EG"), Lang::Ar);
        assert_eq!(Lang::negotiate("AR"), Lang::Ar);
        assert_eq!(Lang::negotiate("zh"), Lang::En);
        assert_eq!(Lang::negotiate("zh-Hant-TW"), Lang::En);
        assert_eq!(Lang::negotiate(""), Lang::En);
        assert_eq!(Lang::negotiate_list(["fr-FR", "es", "en"]), Lang::Fr);
        assert_eq!(
            Lang::negotiate_list(["zh-CN", "ja", "pt-BR", "en"]),
            Lang::Pt
        );
        assert_eq!(Lang::negotiate_list(["zh", "ar-EG"]), Lang::Ar);
        assert_eq!(Lang::negotiate_list(["en-GB", "es"]), Lang::En);
        assert_eq!(Lang::negotiate_list(["zh", "ja"]), Lang::En);
        assert_eq!(Lang::negotiate_list([]), Lang::En);
    }

    #[test]
    fn tags_round_trip_and_only_arabic_is_right_to_left() {
        for lang in Lang::ALL {
            assert_eq!(Lang::negotiate(lang.tag()), lang);
            assert_eq!(lang.is_rtl(), lang == Lang::Ar, "{lang:?}");
        }
    }

    /// The integer examples of CLDR's `plurals.xml` (v48) for each category.
    #[test]
    fn plural_rules_match_the_cldr_examples() {
        use Plural::*;
        let cases: &[(Lang, Plural, &[u64])] = &[
            (Lang::En, One, &[1]),
            (
                Lang::En,
                Other,
                &[0, 2, 3, 16, 100, 1000, 10_000, 100_000, 1_000_000],
            ),
            (Lang::De, One, &[1]),
            (
                Lang::De,
                Other,
                &[0, 2, 3, 16, 100, 1000, 10_000, 100_000, 1_000_000],
            ),
            (Lang::Es, One, &[1]),
            (
                Lang::Es,
                Many,
                &[1_000_000, 2_000_000, 10_000_000, 1_000_000_000],
            ),
            (
                Lang::Es,
                Other,
                &[0, 2, 16, 100, 1000, 10_000, 100_000, 1_000_001, 999_999],
            ),
            (Lang::Fr, One, &[0, 1]),
            (Lang::Fr, Many, &[1_000_000, 2_000_000, 1_000_000_000]),
            (
                Lang::Fr,
                Other,
                &[2, 17, 100, 1000, 10_000, 100_000, 1_000_001],
            ),
            (Lang::Pt, One, &[0, 1]),
            (Lang::Pt, Many, &[1_000_000, 3_000_000]),
            (Lang::Pt, Other, &[2, 17, 100, 1000, 10_000, 100_000]),
            (Lang::Ar, Zero, &[0]),
            (Lang::Ar, One, &[1]),
            (Lang::Ar, Two, &[2]),
            (Lang::Ar, Few, &[3, 4, 10, 103, 110, 1003]),
            (Lang::Ar, Many, &[11, 26, 99, 111, 1011, 1099]),
            (
                Lang::Ar,
                Other,
                &[
                    100, 101, 102, 200, 202, 300, 502, 600, 1000, 10_000, 100_000, 1_000_000,
                ],
            ),
        ];
        for &(lang, want, examples) in cases {
            for &n in examples {
                assert_eq!(plural_category(lang, n), want, "{lang:?} {n}");
            }
        }
    }

    #[test]
    fn each_language_reaches_exactly_its_declared_plural_categories() {
        for lang in Lang::ALL {
            let mut seen = Vec::new();
            for n in (0..=2_000u64).chain((1..=5).map(|m| m * 1_000_000)) {
                let category = plural_category(lang, n);
                assert!(
                    lang.plural_categories().contains(&category),
                    "{lang:?} {n} is {category:?}, not declared"
                );
                if !seen.contains(&category) {
                    seen.push(category);
                }
            }
            assert_eq!(seen.len(), lang.plural_categories().len(), "{lang:?}");
            assert_eq!(lang.plural_categories().last(), Some(&Plural::Other));
        }
    }

    /// `{name}` placeholders of a template, sorted; panics on a stray brace.
    fn placeholders(s: &str) -> Vec<String> {
        let mut names = Vec::new();
        let mut rest = s;
        while let Some(open) = rest.find('{') {
            let close = rest[open..].find('}').map(|c| open + c);
            let close = close.unwrap_or_else(|| panic!("unclosed brace in {s:?}"));
            let name = &rest[open + 1..close];
            assert!(
                !name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                "odd placeholder {name:?} in {s:?}"
            );
            names.push(name.to_string());
            rest = &rest[close + 1..];
        }
        assert!(!rest.contains('}'), "stray brace in {s:?}");
        names.sort();
        names
    }

    /// Words that are genuinely the same as the English ones in that language.
    const SAME_AS_ENGLISH: &[(Lang, Msg)] = &[
        (Lang::Fr, Msg::CtxPage),      // "Page"
        (Lang::Fr, Msg::CtxEmail),     // "E-mail"
        (Lang::Pt, Msg::CtxEmail),     // "E-mail"
        (Lang::De, Msg::CtxName),      // "Name"
        (Lang::De, Msg::CtxBrowser),   // "Browser"
        (Lang::De, Msg::TicketStatus), // "Status: {status}"
        (Lang::Es, Msg::VoteNo),       // "No"
    ];

    /// Text checks shared by plain and plural templates.
    fn check_text(lang: Lang, what: &str, text: &str) {
        assert!(!text.trim().is_empty(), "{lang:?} {what} is empty");
        assert_eq!(text.trim(), text, "{lang:?} {what} has outer spaces");
        assert!(!text.contains("  "), "{lang:?} {what} has a double space");
        if lang == Lang::Ar {
            assert!(
                text.chars().any(|c| ('\u{600}'..='\u{6ff}').contains(&c)),
                "{lang:?} {what} has no Arabic letters: {text:?}"
            );
            let opens = text.matches('\u{2068}').count();
            assert_eq!(opens, text.matches('\u{2069}').count(), "{what}: isolates");
        } else {
            assert!(!text.contains(['\u{2068}', '\u{2069}']), "{lang:?} {what}");
        }
    }

    #[test]
    fn learner_mail_names_the_ticket_and_my_tickets_in_every_language() {
        for lang in Lang::ALL {
            let m = learner_mail(lang);
            for text in [
                m.reply_subject,
                m.reply_intro,
                m.resolved_subject,
                m.resolved_intro,
            ] {
                assert!(text.contains("{number}"), "{lang:?}: {text}");
            }
            // The e-mail sends the learner to the panel's own name for their tickets.
            let my_tickets = message(lang, Msg::MyTickets);
            assert!(m.rate.contains(my_tickets), "{lang:?}: {}", m.rate);
            assert!(m.open_tickets.contains(my_tickets), "{lang:?}");
            if lang != Lang::En {
                assert_ne!(m, learner_mail(Lang::En), "{lang:?}");
            }
        }
    }

    #[test]
    fn every_message_is_translated_in_every_language_with_the_same_placeholders() {
        assert!(Msg::ALL.len() > 90, "the macro lists every message");
        for &msg in Msg::ALL {
            let english = message(Lang::En, msg);
            check_text(Lang::En, &format!("{msg:?}"), english);
            for lang in Lang::ALL.into_iter().skip(1) {
                let text = message(lang, msg);
                check_text(lang, &format!("{msg:?}"), text);
                assert_eq!(
                    placeholders(text),
                    placeholders(english),
                    "{lang:?} {msg:?} placeholders differ: {text:?}"
                );
                let same = text == english;
                let allowed = SAME_AS_ENGLISH.contains(&(lang, msg));
                assert_eq!(
                    same, allowed,
                    "{lang:?} {msg:?}: {text:?} (same as English: {same}, allowed: {allowed})"
                );
            }
        }
    }

    #[test]
    fn every_count_message_has_exactly_the_forms_its_language_needs() {
        for &msg in CountMsg::ALL {
            let english_other = plural_forms(Lang::En, msg)
                .iter()
                .find(|(c, _)| *c == Plural::Other)
                .map(|(_, t)| *t)
                .expect("English has an other form");
            let want = placeholders(english_other);
            assert!(want.contains(&"count".to_string()), "{msg:?}");
            for lang in Lang::ALL {
                let forms = plural_forms(lang, msg);
                let categories: Vec<Plural> = forms.iter().map(|(c, _)| *c).collect();
                assert_eq!(categories, lang.plural_categories(), "{lang:?} {msg:?}");
                for &(category, text) in forms {
                    let what = format!("{msg:?}/{category:?}");
                    check_text(lang, &what, text);
                    let got = placeholders(text);
                    // Zero, one and two may spell the number out; the rest must show it.
                    if matches!(category, Plural::Zero | Plural::One | Plural::Two) {
                        assert!(got.iter().all(|p| want.contains(p)), "{lang:?} {what}");
                    } else {
                        assert_eq!(got, want, "{lang:?} {what} placeholders: {text:?}");
                    }
                    if lang != Lang::En {
                        assert_ne!(text, english_other, "{lang:?} {what} is not translated");
                    }
                }
            }
        }
    }

    #[test]
    fn counts_pick_the_right_form() {
        use CountMsg::*;
        let m = message_count;
        assert_eq!(m(Lang::En, Results, 1), "1 answer found");
        assert_eq!(m(Lang::En, Results, 2), "2 answers found");
        assert_eq!(m(Lang::Es, Results, 1), "1 respuesta encontrada");
        assert_eq!(m(Lang::Es, Results, 21), "21 respuestas encontradas");
        assert_eq!(m(Lang::Fr, Results, 1), "1\u{a0}réponse trouvée");
        assert_eq!(m(Lang::Fr, Results, 2), "2\u{a0}réponses trouvées");
        assert_eq!(m(Lang::Fr, MoreItems, 1), "+1\u{a0}autre");
        assert_eq!(m(Lang::Pt, Results, 0), "0 resposta encontrada");
        assert_eq!(
            m(Lang::Pt, Results, 1_000_000),
            "1000000 de respostas encontradas"
        );
        assert_eq!(m(Lang::De, Results, 1), "1 Antwort gefunden");
        assert_eq!(m(Lang::De, Results, 5), "5 Antworten gefunden");
        assert_eq!(m(Lang::Ar, Results, 2), "تم العثور على إجابتين");
        assert_eq!(m(Lang::Ar, Results, 3), "تم العثور على 3 إجابات");
        assert_eq!(m(Lang::Ar, Results, 11), "تم العثور على 11 إجابةً");
        assert_eq!(m(Lang::Ar, Results, 100), "تم العثور على 100 إجابة");
        assert_eq!(m(Lang::Ar, MoreItems, 1), "+إشعار آخر");
        assert_eq!(m(Lang::Ar, MoreItems, 4), "+4 إشعارات أخرى");
    }

    #[test]
    fn countdown_shows_hours_only_when_needed() {
        assert_eq!(format_countdown(59 * 60 + 5), "59:05");
        assert_eq!(format_countdown(3600), "1:00:00");
        assert_eq!(format_countdown(-3), "0:00");
        assert_eq!(fill("+{count} more", &[("count", "2")]), "+2 more");
    }

    #[test]
    fn a_filled_in_value_is_shown_as_it_is() {
        // A query or title holding braces is not read as a placeholder of a later value.
        let filled = fill(
            "No answers for {query} in {place} {",
            &[("query", "{place}"), ("place", "Help")],
        );
        assert_eq!(filled, "No answers for {place} in Help {");
        assert_eq!(fill("{unknown} {count}", &[("count", "3")]), "{unknown} 3");
    }
}
