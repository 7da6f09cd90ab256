//! `lms-support demo-feed`: a realistic feed for the demo LMS "Acme College" / "Acme Learn".
//!
//! Instants are relative to `now` so that the demo always has something to show: an upgrade in
//! its advance notice, a weekly window, a cancelled window and a known issue. The feed uses every
//! section of design §3 and passes `check --strict`; this module does not serve it (that is
//! `serve`, which calls [`demo_feed`] at start-up when no `--feed` is given).

use lms_support_widget::time::Timestamp;
use serde_json::{json, Value};

const HOUR: i64 = 3600;
const DAY: i64 = 86_400;

/// The demo feed for instant `now`, pretty-printed, without a trailing newline.
pub fn demo_feed(now: Timestamp) -> String {
    // Writing a `Value` to a string cannot fail: its keys are strings and it holds no floats
    // that are not finite.
    serde_json::to_string_pretty(&demo_json(now)).unwrap_or_default()
}

/// An object whose members keep this order (`serde_json`'s `preserve_order`), so the feed
/// reads like a hand-written one: `id` first, not alphabetical.
fn obj<const N: usize>(members: [(&str, Value); N]) -> Value {
    Value::Object(
        members
            .into_iter()
            .map(|(key, value)| (key.to_string(), value))
            .collect(),
    )
}

/// An array of strings.
fn strs<'a>(items: impl IntoIterator<Item = &'a str>) -> Value {
    Value::Array(items.into_iter().map(Value::from).collect())
}

fn en_es(en: &str, es: &str) -> Value {
    obj([("en", Value::from(en)), ("es", Value::from(es))])
}

fn date_of(t: Timestamp) -> String {
    let d = t.to_civil(0).date;
    format!("{:04}-{:02}-{:02}", d.year, d.month, d.day)
}

/// The demo feed as a value; see [`demo_feed`].
pub fn demo_json(now: Timestamp) -> Value {
    // The next whole hour, so the windows start at a time a vendor would choose.
    let next_hour = Timestamp(now.seconds().div_euclid(HOUR) * HOUR).plus(
        if now.seconds().rem_euclid(HOUR) == 0 {
            0
        } else {
            HOUR
        },
    );
    let upgrade_start = next_hour.plus(3 * DAY);
    let migration_start = next_hour.plus(5 * DAY);
    let issue_since = Timestamp((now.seconds() - 2 * HOUR).div_euclid(60) * 60);

    let upgrade = obj([
        ("id", Value::from(format!("upgrade-{}", date_of(upgrade_start)))),
        ("revision", Value::from(1)),
        ("starts_at", Value::from(upgrade_start.to_string())),
        ("ends_at", Value::from(upgrade_start.plus(6 * HOUR).to_string())),
        ("notice_days", Value::from(7)),
        ("severity", Value::from("major")),
        ("title", en_es("Planned upgrade of Acme Learn", "Actualización programada de Acme Learn")),
        (
            "body",
            en_es(
                "Acme Learn will be offline while we upgrade it to the new version. Save your work and hand in anything due during the upgrade before it starts.",
                "Acme Learn no estará disponible mientras lo actualizamos a la nueva versión. Guarda tu trabajo y entrega antes de que empiece lo que venza durante la actualización.",
            ),
        ),
        ("audience", obj([("roles", strs(["student", "teacher"])), ("courses", Value::Array(vec![]))])),
        (
            "after",
            obj([
                ("hours", Value::from(24)),
                (
                    "body",
                    en_es(
                        "The upgrade is complete. Some pages may load slowly for a few hours; we are working on it.",
                        "La actualización ha terminado. Algunas páginas pueden cargar despacio durante unas horas; estamos trabajando en ello.",
                    ),
                ),
            ]),
        ),
        ("status", Value::from("scheduled")),
    ]);

    let weekly = obj([
        ("id", Value::from("weekly-maintenance")),
        ("every", Value::from("week")),
        ("weekday", Value::from("sun")),
        ("start", Value::from("01:00")),
        ("duration_minutes", Value::from(240)),
        ("time_zone", Value::from("America/New_York")),
        ("notice_days", Value::from(2)),
        ("severity", Value::from("minor")),
        ("title", en_es("Weekly maintenance", "Mantenimiento semanal")),
        (
            "body",
            en_es(
                "Acme Learn may be unavailable for a few minutes at a time. Avoid starting a timed quiz during this window.",
                "Acme Learn puede dejar de estar disponible unos minutos. No empieces un cuestionario con tiempo durante este periodo.",
            ),
        ),
    ]);

    let migration = obj([
        ("id", Value::from(format!("storage-migration-{}", date_of(migration_start)))),
        ("revision", Value::from(2)),
        ("starts_at", Value::from(migration_start.to_string())),
        ("ends_at", Value::from(migration_start.plus(2 * HOUR).to_string())),
        ("notice_days", Value::from(7)),
        ("severity", Value::from("major")),
        ("title", en_es("File storage migration", "Migración del almacenamiento de archivos")),
        (
            "body",
            en_es(
                "Uploading and downloading files will be unavailable while we move course files to new storage.",
                "No se podrán subir ni descargar archivos mientras trasladamos los archivos de los cursos a un nuevo almacenamiento.",
            ),
        ),
        ("status", Value::from("cancelled")),
    ]);

    let known_issue = obj([
        ("id", Value::from("video-playback-slow")),
        ("revision", Value::from(1)),
        ("kind", Value::from("known_issue")),
        ("status", Value::from("investigating")),
        ("since", Value::from(issue_since.to_string())),
        ("severity", Value::from("minor")),
        ("title", en_es("Video playback is slow", "La reproducción de vídeo es lenta")),
        (
            "body",
            en_es(
                "Some lecture videos take a long time to start. Downloading the video from the lecture page works in the meantime.",
                "Algunos vídeos de clase tardan mucho en empezar. Mientras tanto, puedes descargar el vídeo desde la página de la clase.",
            ),
        ),
    ]);

    obj([
        ("version", Value::from(1)),
        (
            "client",
            obj([
                ("name", Value::from("Acme College")),
                ("site_name", Value::from("Acme Learn")),
                ("quiet_pages", strs(["body#page-mod-quiz-attempt"])),
            ]),
        ),
        (
            "maintenance",
            Value::Array(vec![upgrade, weekly, migration]),
        ),
        ("notices", Value::Array(vec![known_issue])),
        ("faq", Value::Array(faq())),
        ("flows", flows()),
        ("support", support()),
    ])
}

/// Two guided flows, in English and Spanish: signing in, and an upload that fails (three
/// questions to a prefilled ticket when the deadline is close).
fn flows() -> Value {
    json!([
        {
            "id": "sign-in",
            "title": {"en": "I can't sign in", "es": "No puedo iniciar sesión"},
            "steps": [
                {
                    "id": "page-opens",
                    "question": {"en": "Does the Acme Learn sign-in page open?",
                                 "es": "¿Se abre la página de inicio de sesión de Acme Learn?"},
                    "answers": [
                        {"label": {"en": "Yes", "es": "Sí"}, "next": "what-happens"},
                        {"label": {"en": "No, it does not load", "es": "No, no carga"},
                         "known_issues": true}
                    ]
                },
                {
                    "id": "what-happens",
                    "question": {"en": "What happens when you sign in?",
                                 "es": "¿Qué pasa al iniciar sesión?"},
                    "answers": [
                        {"label": {"en": "It says my password is wrong",
                                   "es": "Dice que la contraseña es incorrecta"},
                         "faq": "reset-password"},
                        {"label": {"en": "It says my account is locked",
                                   "es": "Dice que la cuenta está bloqueada"},
                         "faq": "account-locked"},
                        {"label": {"en": "Something else", "es": "Otra cosa"},
                         "ticket": {"category": "access", "priority": "high",
                                    "subject": {"en": "I can't sign in",
                                                "es": "No puedo iniciar sesión"}}}
                    ]
                }
            ]
        },
        {
            "id": "upload",
            "title": {"en": "My assignment won't upload", "es": "Mi tarea no se sube"},
            "steps": [
                {
                    "id": "where",
                    "question": {"en": "Where are you stuck?", "es": "¿Dónde te atascas?"},
                    "answers": [
                        {"label": {"en": "I can't find where to submit",
                                   "es": "No encuentro dónde entregar"},
                         "faq": "submit-assignment"},
                        {"label": {"en": "The upload fails", "es": "La subida falla"},
                         "next": "size"}
                    ]
                },
                {
                    "id": "size",
                    "question": {"en": "Is the file larger than 100 MB?",
                                 "es": "¿El archivo ocupa más de 100 MB?"},
                    "answers": [
                        {"label": {"en": "Yes", "es": "Sí"}, "faq": "upload-failed"},
                        {"label": {"en": "No, or I don't know", "es": "No, o no lo sé"},
                         "next": "deadline"}
                    ]
                },
                {
                    "id": "deadline",
                    "question": {"en": "Is the deadline in the next 24 hours?",
                                 "es": "¿La fecha límite es en las próximas 24 horas?"},
                    "answers": [
                        {"label": {"en": "Yes", "es": "Sí"},
                         "ticket": {"category": "content", "priority": "high",
                                    "subject": {"en": "My upload fails and the deadline is close",
                                                "es": "La subida falla y la fecha límite está cerca"}}},
                        {"label": {"en": "No", "es": "No"},
                         "ticket": {"category": "content", "priority": "routine",
                                    "subject": {"en": "My upload fails",
                                                "es": "La subida falla"}}}
                    ]
                }
            ]
        }
    ])
}

fn faq_entry(
    id: &str,
    category: &str,
    tags: &[&str],
    question: (&str, &str),
    answer: (&str, &str),
) -> Value {
    obj([
        ("id", Value::from(id)),
        ("category", Value::from(category)),
        ("tags", strs(tags.iter().copied())),
        ("question", en_es(question.0, question.1)),
        ("answer", en_es(answer.0, answer.1)),
    ])
}

fn faq() -> Vec<Value> {
    vec![
        faq_entry(
            "reset-password",
            "account",
            &["login", "password", "sign in"],
            ("How do I reset my password?", "¿Cómo restablezco mi contraseña?"),
            (
                "Use **Forgot password** on the Acme Learn login page and enter your college e-mail address. The link in the e-mail works for 30 minutes.\n\nIf no e-mail arrives, check your spam folder, then contact the help desk.",
                "Usa **¿Olvidaste tu contraseña?** en la página de inicio de sesión de Acme Learn e introduce tu correo de la universidad. El enlace del correo funciona durante 30 minutos.\n\nSi no llega ningún correo, revisa la carpeta de spam y después contacta con el servicio de ayuda.",
            ),
        ),
        faq_entry(
            "account-locked",
            "account",
            &["login", "locked", "sign in"],
            ("My account is locked. What do I do?", "Mi cuenta está bloqueada. ¿Qué hago?"),
            (
                "After 5 failed sign-in attempts your account is locked for 15 minutes. Wait, then sign in again or reset your password.",
                "Tras 5 intentos fallidos de inicio de sesión, tu cuenta se bloquea durante 15 minutos. Espera y vuelve a entrar o restablece tu contraseña.",
            ),
        ),
        faq_entry(
            "grade-missing",
            "grades",
            &["grades", "gradebook", "marks"],
            ("Why can't I see my grade yet?", "¿Por qué todavía no veo mi calificación?"),
            (
                "Teachers can hide grades until every submission is marked. If the due date was more than two weeks ago, ask your teacher through the course messages.",
                "El profesorado puede ocultar las calificaciones hasta que todas las entregas estén corregidas. Si la fecha de entrega fue hace más de dos semanas, pregunta a tu profesor por la mensajería del curso.",
            ),
        ),
        faq_entry(
            "grade-wrong",
            "grades",
            &["grades", "appeal", "review"],
            ("I think a grade is wrong. How do I ask for a review?", "Creo que una calificación es incorrecta. ¿Cómo pido una revisión?"),
            (
                "Open the assignment, read the feedback, then:\n\n- message your teacher within 10 days of the grade being released;\n- say which question or criterion you think was marked wrongly.\n\nThe help desk cannot change grades.",
                "Abre la tarea, lee los comentarios y después:\n\n- escribe a tu profesor en los 10 días siguientes a la publicación de la nota;\n- indica qué pregunta o criterio crees que está mal corregido.\n\nEl servicio de ayuda no puede cambiar calificaciones.",
            ),
        ),
        faq_entry(
            "video-wont-play",
            "video",
            &["video", "playback", "lecture"],
            ("A lecture video won't play.", "Un vídeo de clase no se reproduce."),
            (
                "Reload the page and try another browser. If your network blocks streaming, use **Download** under the video. Still stuck? Send a ticket with the course and video name.",
                "Recarga la página y prueba con otro navegador. Si tu red bloquea el streaming, usa **Descargar** debajo del vídeo. ¿Sigue sin funcionar? Envía una incidencia con el nombre del curso y del vídeo.",
            ),
        ),
        faq_entry(
            "video-captions",
            "video",
            &["video", "captions", "subtitles"],
            ("How do I turn on captions?", "¿Cómo activo los subtítulos?"),
            (
                "Press the **CC** button in the video player and choose a language. Captions for new videos can take up to 24 hours to appear.",
                "Pulsa el botón **CC** del reproductor y elige un idioma. Los subtítulos de los vídeos nuevos pueden tardar hasta 24 horas en aparecer.",
            ),
        ),
        faq_entry(
            "submit-assignment",
            "submissions",
            &["assignment", "upload", "submit"],
            ("How do I submit an assignment?", "¿Cómo entrego una tarea?"),
            (
                "Open the assignment, choose **Add submission**, upload your file and press **Submit**. You will get a confirmation e-mail; keep it until your grade is released.",
                "Abre la tarea, elige **Agregar entrega**, sube tu archivo y pulsa **Enviar**. Recibirás un correo de confirmación; guárdalo hasta que publiquen tu nota.",
            ),
        ),
        faq_entry(
            "upload-failed",
            "submissions",
            &["upload", "deadline", "file size"],
            ("My upload failed just before the deadline.", "Mi archivo no se subió justo antes de la fecha límite."),
            (
                "Files can be up to 100 MB. Take a screenshot of the error with the time visible, e-mail your file to your teacher right away, and send us a ticket so we can confirm the problem.",
                "Los archivos pueden ocupar hasta 100 MB. Haz una captura del error en la que se vea la hora, envía tu archivo al profesor por correo enseguida y mándanos una incidencia para que confirmemos el problema.",
            ),
        ),
        faq_entry(
            "screen-reader",
            "accessibility",
            &["accessibility", "screen reader", "keyboard"],
            ("Does Acme Learn work with a screen reader?", "¿Acme Learn funciona con un lector de pantalla?"),
            (
                "Yes. Acme Learn is tested with NVDA, JAWS and VoiceOver, and every page can be used with the keyboard alone. Read our [accessibility statement](https://www.acme-college.example/accessibility).",
                "Sí. Acme Learn se prueba con NVDA, JAWS y VoiceOver, y todas las páginas se pueden usar solo con el teclado. Consulta nuestra [declaración de accesibilidad](https://www.acme-college.example/accessibility).",
            ),
        ),
        faq_entry(
            "extra-time",
            "accessibility",
            &["accessibility", "quiz", "extra time"],
            ("How do I get extra time on quizzes?", "¿Cómo consigo tiempo adicional en los cuestionarios?"),
            (
                "Register with *Student Accessibility Services*. Once your adjustment is approved, your teachers add the extra time to every timed quiz; you do not need to ask each one.",
                "Inscríbete en el *Servicio de Accesibilidad para Estudiantes*. Cuando aprueben tu adaptación, el profesorado añadirá el tiempo adicional a cada cuestionario con tiempo; no hace falta que se lo pidas a cada uno.",
            ),
        ),
    ]
}

fn support() -> Value {
    let priority = |id: &str, minutes: i64, en: &str, es: &str| {
        obj([
            ("id", Value::from(id)),
            ("response_minutes", Value::from(minutes)),
            ("examples", en_es(en, es)),
        ])
    };
    obj([
        ("api", Value::from("/v1")),
        ("hours", Value::from("24/7")),
        (
            "priorities",
            Value::Array(vec![
                priority(
                    "critical",
                    60,
                    "Platform down, security breach",
                    "Plataforma caída, brecha de seguridad",
                ),
                priority(
                    "high",
                    120,
                    "Many users or a critical workflow",
                    "Muchos usuarios o un proceso crítico",
                ),
                priority(
                    "routine",
                    480,
                    "A question, one user's issue",
                    "Una pregunta, el problema de un usuario",
                ),
            ]),
        ),
        (
            "categories",
            strs([
                "access",
                "content",
                "grades",
                "outage",
                "data_loss",
                "security",
                "other",
            ]),
        ),
        (
            "fallback",
            obj([
                ("email", Value::from("help@vendor.example")),
                ("phone", Value::from("+1 555 0100")),
            ]),
        ),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use lms_support_widget::feed;
    use lms_support_widget::zone::TzDatabase;

    #[test]
    fn demo_feed_parses_without_problems_or_warnings() {
        let now = Timestamp::parse_rfc3339("2026-12-03T10:17:00Z").expect("instant");
        let parsed = feed::parse(&demo_feed(now), &TzDatabase).expect("valid feed");
        assert_eq!(parsed.problems, vec![]);
        assert_eq!(parsed.unknown_fields, Vec::<String>::new());
        assert_eq!(parsed.feed.maintenance.len(), 3);
        assert!(parsed.feed.faq.len() >= 8);
        assert_eq!(parsed.feed.flows.len(), 2);
    }
}
