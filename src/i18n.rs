//! The widget's own user-visible strings, in every supported language.
//!
//! Feed content (titles, bodies) is localized by the feed itself through [`crate::text`]; this
//! module only translates the widget's chrome. Templates use `{name}` placeholders filled by
//! [`fill`]. Dates, times and relative spans ("in 3 days") are not here: the browser formats
//! them with `Intl`, which knows every locale.

/// A language the widget's UI is translated into.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    /// English (the fallback).
    En,
    /// Spanish.
    Es,
}

impl Lang {
    /// The best supported language for a BCP 47 tag, falling back to English.
    pub fn negotiate(tag: &str) -> Lang {
        match crate::text::primary_language(tag)
            .to_ascii_lowercase()
            .as_str()
        {
            "es" => Lang::Es,
            _ => Lang::En,
        }
    }

    /// The first supported language among the tags, in preference order; English if none.
    pub fn negotiate_list<'a>(tags: impl IntoIterator<Item = &'a str>) -> Lang {
        tags.into_iter()
            .map(|t| (t, Lang::negotiate(t)))
            .find(|(t, lang)| {
                *lang != Lang::En || crate::text::primary_language(t).eq_ignore_ascii_case("en")
            })
            .map_or(Lang::En, |(_, lang)| lang)
    }

    /// The language's tag.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
        }
    }
}

/// A translatable UI string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Msg {
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
    MoreItems,
    ShowFewer,
    RegionLabel,
    HelpLauncher,
    HelpTitle,
    Close,
    SearchLabel,
    SearchPlaceholder,
    ResultsOne,
    ResultsMany,
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
}

/// The text of `msg` in `lang`.
pub fn message(lang: Lang, msg: Msg) -> &'static str {
    use Msg::*;
    match lang {
        Lang::En => match msg {
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
            MoreItems => "+{count} more",
            ShowFewer => "Show fewer",
            RegionLabel => "Service announcements",
            HelpLauncher => "Help",
            HelpTitle => "Help and support",
            Close => "Close",
            SearchLabel => "Search the help articles",
            SearchPlaceholder => "Type your question",
            ResultsOne => "1 answer found",
            ResultsMany => "{count} answers found",
            NoResults => "No answers match \u{201c}{query}\u{201d}. Try other words, or contact us below.",
            MayBeCaused => "This may be caused by:",
            BrowseTopics => "Browse by topic",
            StillNeedHelp => "Still need help?",
            ContactEmail => "Email {email}",
            ContactPhone => "Call {phone}",
            SupportHours => "Support hours: {hours}",
            CategoryOther => "Other questions",
            ContactSupport => "Contact support",
            BackToHelp => "Back to help",
            TicketTitle => "Report a problem",
            MayAnswer => "These may answer your question:",
            AttachedNotice => "We will attach this to your ticket:",
            FieldCategory => "What is it about?",
            FieldPriority => "How urgent is it?",
            FieldSubject => "Subject",
            FieldDescription => "What happened? What did you expect?",
            FieldName => "Your name",
            FieldEmail => "Your e-mail",
            FieldFiles => "Screenshots or PDF (up to 3, 5 MB each)",
            RemoveFile => "Remove {name}",
            ResponseWithin => "Response within {duration}",
            CriticalCheck => "Critical is for the whole platform being down or a security problem. Is it one of those?",
            CriticalYes => "Yes, keep critical",
            CriticalNo => "No, use routine",
            ContextLead => "Sent with your ticket to help us (remove anything you prefer not to share):",
            RemoveItem => "Remove {item}",
            Send => "Send",
            Sending => "Sending your ticket…",
            QueuedOffline => "You are offline. Your ticket is saved on this device and will be sent when you are back online.",
            QueuedServer => "Our support service is not answering right now. Your ticket is saved on this device and will be sent automatically.",
            Sent => "Ticket {number} sent. We will reply by {due}.",
            Rejected => "We could not accept this ticket. Check the fields above, or contact us directly:",
            FixErrors => "Please correct the highlighted fields.",
            ErrRequired => "This field is required.",
            ErrTooLong => "This is too long.",
            ErrEmail => "Enter an e-mail address like name@example.com.",
            ErrChoice => "Choose one of the options.",
            ErrTooMany => "Attach at most 3 files.",
            ErrTooLarge => "Each file must be 5 MB or less.",
            ErrFileType => "Only images and PDF files can be attached.",
            ErrInvalid => "This value is not valid.",
            MyTickets => "My tickets",
            NoTickets => "You have not sent any tickets from this browser.",
            TicketStatus => "Status: {status}",
            StatusOpen => "open",
            StatusPending => "waiting for you",
            StatusResolved => "resolved",
            StatusClosed => "closed",
            StatusQueued => "not sent yet",
            AgentReply => "Support replied:",
            RateQuestion => "How satisfied are you with the help you got?",
            RateStars => "{count} of 5",
            RateComment => "Comment (optional)",
            RateSend => "Send rating",
            RateThanks => "Thank you for your feedback.",
            Refresh => "Refresh",
            CtxPage => "Page",
            CtxLms => "LMS",
            CtxCourseId => "Course id",
            CtxCourse => "Course",
            CtxRole => "Role",
            CtxName => "Name",
            CtxEmail => "E-mail",
            CtxBrowser => "Browser",
            CtxOs => "Operating system",
            CtxViewport => "Window size",
            CtxTimeZone => "Time zone",
            CtxActive => "Active notices",
            HoneypotLabel => "Leave this field empty",
            CtxActivity => "Activity id",
            CtxContextId => "Context id",
            PriorityCritical => "Critical",
            PriorityHigh => "High",
            PriorityRoutine => "Routine",
        },
        Lang::Es => match msg {
            HeadingUpcoming => "Mantenimiento programado",
            HeadingImminent => "El mantenimiento empieza pronto",
            HeadingInProgress => "Mantenimiento en curso",
            HeadingCompleted => "Después del mantenimiento",
            HeadingCancelled => "Mantenimiento cancelado",
            HeadingKnownIssue => "Problema conocido",
            StartsIn => "Empieza en {countdown}",
            Until => "Vuelve a estar disponible {time}",
            CompletedDefaultBody => {
                "El mantenimiento ha terminado. Si algo sigue fallando, avísanos."
            }
            CancelledBody => "Este mantenimiento no se realizará. Todo sigue disponible.",
            StatusInvestigating => "Lo estamos investigando.",
            StatusIdentified => "Hemos encontrado la causa y estamos trabajando en una solución.",
            StatusMonitoring => "Hemos aplicado una solución y la estamos supervisando.",
            Dismiss => "Cerrar aviso",
            MoreItems => "+{count} más",
            ShowFewer => "Mostrar menos",
            RegionLabel => "Avisos del servicio",
            HelpLauncher => "Ayuda",
            HelpTitle => "Ayuda y soporte",
            Close => "Cerrar",
            SearchLabel => "Buscar en los artículos de ayuda",
            SearchPlaceholder => "Escribe tu pregunta",
            ResultsOne => "1 respuesta encontrada",
            ResultsMany => "{count} respuestas encontradas",
            NoResults => "Ninguna respuesta coincide con \u{ab}{query}\u{bb}. Prueba con otras palabras o contáctanos abajo.",
            MayBeCaused => "Puede deberse a:",
            BrowseTopics => "Explorar por tema",
            StillNeedHelp => "¿Sigues necesitando ayuda?",
            ContactEmail => "Escribe a {email}",
            ContactPhone => "Llama al {phone}",
            SupportHours => "Horario de soporte: {hours}",
            CategoryOther => "Otras preguntas",
            ContactSupport => "Contactar con soporte",
            BackToHelp => "Volver a la ayuda",
            TicketTitle => "Informar de un problema",
            MayAnswer => "Estas respuestas pueden ayudarte:",
            AttachedNotice => "Lo adjuntaremos a tu solicitud:",
            FieldCategory => "¿De qué se trata?",
            FieldPriority => "¿Qué urgencia tiene?",
            FieldSubject => "Asunto",
            FieldDescription => "¿Qué ha pasado? ¿Qué esperabas?",
            FieldName => "Tu nombre",
            FieldEmail => "Tu correo electrónico",
            FieldFiles => "Capturas o PDF (hasta 3, 5 MB cada uno)",
            RemoveFile => "Quitar {name}",
            ResponseWithin => "Respuesta en menos de {duration}",
            CriticalCheck => "«Crítica» es para cuando toda la plataforma está caída o hay un problema de seguridad. ¿Es uno de esos casos?",
            CriticalYes => "Sí, mantener crítica",
            CriticalNo => "No, usar normal",
            ContextLead => "Se envía con tu solicitud para ayudarnos (quita lo que prefieras no compartir):",
            RemoveItem => "Quitar {item}",
            Send => "Enviar",
            Sending => "Enviando tu solicitud…",
            QueuedOffline => "No tienes conexión. Tu solicitud está guardada en este dispositivo y se enviará cuando vuelvas a estar en línea.",
            QueuedServer => "Nuestro servicio de soporte no responde ahora mismo. Tu solicitud está guardada en este dispositivo y se enviará automáticamente.",
            Sent => "Solicitud {number} enviada. Te responderemos antes de {due}.",
            Rejected => "No hemos podido aceptar esta solicitud. Revisa los campos o contáctanos directamente:",
            FixErrors => "Corrige los campos marcados.",
            ErrRequired => "Este campo es obligatorio.",
            ErrTooLong => "Es demasiado largo.",
            ErrEmail => "Escribe un correo como nombre@ejemplo.com.",
            ErrChoice => "Elige una de las opciones.",
            ErrTooMany => "Adjunta como máximo 3 archivos.",
            ErrTooLarge => "Cada archivo debe ocupar 5 MB o menos.",
            ErrFileType => "Solo se pueden adjuntar imágenes y archivos PDF.",
            ErrInvalid => "Este valor no es válido.",
            MyTickets => "Mis solicitudes",
            NoTickets => "No has enviado ninguna solicitud desde este navegador.",
            TicketStatus => "Estado: {status}",
            StatusOpen => "abierta",
            StatusPending => "pendiente de tu respuesta",
            StatusResolved => "resuelta",
            StatusClosed => "cerrada",
            StatusQueued => "aún no enviada",
            AgentReply => "Respuesta de soporte:",
            RateQuestion => "¿Qué tan satisfecho estás con la ayuda recibida?",
            RateStars => "{count} de 5",
            RateComment => "Comentario (opcional)",
            RateSend => "Enviar valoración",
            RateThanks => "Gracias por tu valoración.",
            Refresh => "Actualizar",
            CtxPage => "Página",
            CtxLms => "Plataforma",
            CtxCourseId => "Id. del curso",
            CtxCourse => "Curso",
            CtxRole => "Rol",
            CtxName => "Nombre",
            CtxEmail => "Correo",
            CtxBrowser => "Navegador",
            CtxOs => "Sistema operativo",
            CtxViewport => "Tamaño de la ventana",
            CtxTimeZone => "Zona horaria",
            CtxActive => "Avisos activos",
            HoneypotLabel => "Deja este campo vacío",
            CtxActivity => "Id. de la actividad",
            CtxContextId => "Id. del contexto",
            PriorityCritical => "Crítica",
            PriorityHigh => "Alta",
            PriorityRoutine => "Normal",
        },
    }
}

/// Replaces each `{name}` in `template` with its value.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (name, value) in values {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// A countdown as the banner shows it: `m:ss` under an hour, `h:mm:ss` above.
pub fn format_countdown(seconds: i64) -> String {
    let s = seconds.max(0);
    let (h, m, s) = (s / 3600, s % 3600 / 60, s % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiates_language_from_tags() {
        assert_eq!(Lang::negotiate("es-MX"), Lang::Es);
        assert_eq!(Lang::negotiate("ES"), Lang::Es);
        assert_eq!(Lang::negotiate("fr"), Lang::En);
        assert_eq!(Lang::negotiate_list(["fr-FR", "es", "en"]), Lang::Es);
        assert_eq!(Lang::negotiate_list(["en-GB", "es"]), Lang::En);
        assert_eq!(Lang::negotiate_list([]), Lang::En);
    }

    #[test]
    fn every_message_is_translated_and_placeholders_match() {
        use Msg::*;
        let all = [
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
            MoreItems,
            ShowFewer,
            RegionLabel,
            HelpLauncher,
            HelpTitle,
            Close,
            SearchLabel,
            SearchPlaceholder,
            ResultsOne,
            ResultsMany,
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
        ];
        let placeholders = |s: &str| -> Vec<String> {
            s.split('{')
                .skip(1)
                .filter_map(|p| p.split('}').next())
                .map(String::from)
                .collect()
        };
        for msg in all {
            let (en, es) = (message(Lang::En, msg), message(Lang::Es, msg));
            assert!(!es.is_empty() && en != es, "{msg:?} is not translated");
            assert_eq!(
                placeholders(en),
                placeholders(es),
                "{msg:?} placeholders differ"
            );
        }
    }

    #[test]
    fn countdown_shows_hours_only_when_needed() {
        assert_eq!(format_countdown(59 * 60 + 5), "59:05");
        assert_eq!(format_countdown(3600), "1:00:00");
        assert_eq!(format_countdown(-3), "0:00");
        assert_eq!(fill("+{count} more", &[("count", "2")]), "+2 more");
    }
}
