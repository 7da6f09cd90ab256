//! Helpdesk e-mail through the durable delivery queue (issue 16), against a real SMTP server:
//! Python's aiosmtpd (Debian's python3-aiosmtpd, installed by scripts/setup.sh), which parses
//! each message with Python's own MIME parser (tests/support/smtp_sink.py). The relay is
//! stopped mid-run; every message must arrive exactly once after it comes back.
//!
//! Runs natively (`cargo test -p lms-support-server --test delivery`).

mod common;

#[path = "common/sinks.rs"]
mod sinks;

use common::{lms_support, Output, Reply, Scratch, Server};
use serde_json::{json, Value};
use sinks::{free_port, received, Sink};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn wait_until<T>(what: &str, timeout: Duration, mut check: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(value) = check() {
            return value;
        }
        assert!(start.elapsed() < timeout, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";

fn file_ticket(server: &Server, client: &str, n: u32, subject: &str) -> Reply {
    file_ticket_with(server, client, n, subject, None)
}

/// Files a ticket as JSON, or as multipart with one file `(name, bytes)`.
fn file_ticket_with(
    server: &Server,
    client: &str,
    n: u32,
    subject: &str,
    file: Option<(&str, &[u8])>,
) -> Reply {
    let ticket = json!({
        "subject": subject,
        "description": "La página dice «acceso denegado».\nSegunda línea.",
        "priority": "high",
        "category": "access",
        "name": "Ana Núñez",
        "email": "ana@example.edu",
        "locale": "es",
        "context": {"page": "https://learn.acme.example/mod/quiz/view.php?id=7", "browser": "Firefox 133"},
        "honeypot": ""
    })
    .to_string();
    let (content_type, body) = match file {
        None => ("application/json".to_string(), ticket.into_bytes()),
        Some((name, bytes)) => {
            let mut body = format!(
                "--b\r\nContent-Disposition: form-data; name=\"ticket\"\r\nContent-Type: application/json\r\n\r\n{ticket}\r\n\
                 --b\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\nContent-Type: image/png\r\n\r\n"
            )
            .into_bytes();
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n--b--\r\n");
            ("multipart/form-data; boundary=b".to_string(), body)
        }
    };
    let key = format!("{n:08x}-0000-4000-8000-00000000abcd");
    let reply = server.request(
        "POST",
        &format!("/v1/clients/{client}/tickets"),
        &[("Content-Type", &content_type), ("Idempotency-Key", &key)],
        &body,
    );
    assert_eq!(reply.status, 201, "{}", reply.text());
    reply
}

fn deliveries(data: &Path, failed: bool) -> Vec<Vec<String>> {
    let mut command = lms_support();
    command.args(["deliveries", "list"]).arg("--data").arg(data);
    if failed {
        command.arg("--failed");
    }
    let out = Output::of(&mut command);
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.stdout
        .lines()
        .skip(1)
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect()
}

#[test]
fn new_tickets_reach_the_helpdesk_once_even_across_a_relay_outage() {
    let s = Scratch::new("delivery", "outage");
    for dir in ["www", "widget", "mail"] {
        std::fs::create_dir_all(s.path(dir)).expect("scratch dir");
    }
    let out = Output::of(lms_support().arg("demo-config").arg(s.path("conf")));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let mail = s.path("mail");
    let port = free_port();
    let sink = Sink::start(port, &mail);
    let smtp = format!("smtp://127.0.0.1:{port}");
    let conf = s.path("conf");
    let server = Server::start(
        &s,
        &[
            "--config",
            conf.to_str().expect("utf-8 path"),
            "--smtp",
            &smtp,
            "--rate-limit-hour",
            "0",
        ],
    );

    // Acme has a helpdesk address; uni has none, so its ticket sends nothing.
    let first = file_ticket_with(
        &server,
        "acme",
        1,
        "No puedo abrir el cuestionario ñ 1",
        Some(("captura ñ.png", PNG)),
    );
    assert_eq!(first.json()["number"], "ACME-000001");
    file_ticket(&server, "uni", 2, "Sin correo");
    file_ticket(&server, "acme", 3, "No puedo abrir el cuestionario ñ 2");
    let messages = wait_until("two e-mails", Duration::from_secs(20), || {
        let m = received(&mail);
        (m.len() >= 2).then_some(m)
    });
    let m = &messages[0];
    assert_eq!(m["defects"], json!([]), "{m}");
    assert_eq!(m["rcpt_tos"], json!(["helpdesk@acme.example"]));
    assert_eq!(m["mail_from"], "support@acme.example");
    let headers = &m["headers"];
    assert_eq!(
        headers["subject"],
        "[ACME-000001] [high] No puedo abrir el cuestionario ñ 1"
    );
    assert_eq!(headers["from"], "support@acme.example");
    assert_eq!(headers["to"], "helpdesk@acme.example");
    assert_eq!(headers["reply-to"], "Ana Núñez <ana@example.edu>");
    assert!(
        headers["message-id"]
            .as_str()
            .is_some_and(|id| id.starts_with("<delivery-1.") && id.ends_with("@acme.example>")),
        "{headers}"
    );
    assert_eq!(m["content_type"], "multipart/mixed");
    assert_eq!(m["text_charset"], "utf-8");
    // SMTP carries lines as CRLF.
    let text = m["text"]
        .as_str()
        .expect("a text part")
        .replace("\r\n", "\n");
    for expected in [
        "New ticket ACME-000001 from Ana Núñez <ana@example.edu>",
        "Priority:      high",
        "La página dice «acceso denegado».\nSegunda línea.",
        "  page     https://learn.acme.example/mod/quiz/view.php?id=7",
        "  browser  Firefox 133",
    ] {
        assert!(text.contains(expected), "{expected:?} not in:\n{text}");
    }
    assert_eq!(
        m["attachments"],
        json!([{"name": "captura ñ.png", "type": "image/png", "size": PNG.len()}])
    );
    assert!(text.contains("Attachments: 1"), "{text}");
    assert_eq!(messages[1]["attachments"], json!([]));
    assert_eq!(
        messages[1]["headers"]["subject"],
        "[ACME-000002] [high] No puedo abrir el cuestionario ñ 2"
    );

    // The relay goes down (once it has acknowledged both: a kill before its "250" reached the
    // server would be a lost acknowledgement, which resends); tickets keep coming and their
    // e-mails wait in the queue.
    wait_until("two deliveries recorded", Duration::from_secs(20), || {
        let rows = deliveries(&s.data(), false);
        (rows
            .iter()
            .filter(|r| r[5].starts_with("delivered"))
            .count()
            == 2)
            .then_some(())
    });
    drop(sink);
    for n in 4..=7 {
        file_ticket(&server, "acme", n, &format!("Durante el corte {n}"));
    }
    let failed = wait_until("failed attempts", Duration::from_secs(20), || {
        let failed = deliveries(&s.data(), true);
        (failed.len() == 4).then_some(failed)
    });
    assert!(failed.iter().all(|row| row[6] != "-"), "{failed:?}");
    // Long enough for some messages to fail more than once.
    std::thread::sleep(Duration::from_secs(2));
    let _sink = Sink::start(port, &mail);
    let rows = wait_until("every delivery delivered", Duration::from_secs(60), || {
        let rows = deliveries(&s.data(), false);
        rows.iter()
            .all(|row| row[5].starts_with("delivered"))
            .then_some(rows)
    });
    assert_eq!(rows.len(), 6, "{rows:?}");
    let messages = received(&mail);
    let mut by_id: BTreeMap<String, usize> = BTreeMap::new();
    for m in &messages {
        *by_id
            .entry(
                m["headers"]["message-id"]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
            )
            .or_default() += 1;
    }
    let mut subjects: Vec<String> = messages
        .iter()
        .map(|m| m["headers"]["subject"].as_str().unwrap_or("").to_string())
        .collect();
    subjects.sort();
    let expected: Vec<String> = (1..=6)
        .map(|n| match n {
            1 | 2 => format!("[ACME-00000{n}] [high] No puedo abrir el cuestionario ñ {n}"),
            _ => format!("[ACME-00000{n}] [high] Durante el corte {}", n + 1),
        })
        .collect();
    let attempts: i64 = rows.iter().map(|r| r[4].parse::<i64>().unwrap_or(0)).sum();
    let duplicates = messages.len() - by_id.len();
    println!(
        "delivery figures: sent (attempts) {attempts}, retried {}, delivered {}, received {}, duplicates {duplicates}",
        attempts - rows.len() as i64,
        rows.len(),
        messages.len()
    );
    assert_eq!(subjects, expected, "each e-mail exactly once");
    // Each carries the Message-ID fixed when it was queued, whatever the attempt.
    let queued: Vec<&str> = rows.iter().map(|r| r[7].as_str()).collect();
    let sent: Vec<&str> = by_id.keys().map(String::as_str).collect();
    let mut queued_sorted = queued.clone();
    queued_sorted.sort_unstable();
    assert_eq!(sent, queued_sorted);

    let retry = |args: &[&str]| {
        Output::of(
            lms_support()
                .args(["deliveries", "retry"])
                .args(args)
                .arg("--data")
                .arg(s.data()),
        )
    };
    let out = retry(&["1"]);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (1, "delivery 1 was already delivered\n")
    );
    let out = retry(&["99"]);
    assert_eq!((out.code, out.stderr.as_str()), (1, "no delivery 99\n"));
    let out = retry(&["--all"]);
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (0, "0 deliveries due now\n")
    );
    assert!(
        server.logs().contains("delivery failed; will retry"),
        "{}",
        server.logs()
    );
}

#[test]
fn deliveries_retry_needs_an_id_or_all() {
    let s = Scratch::new("delivery", "cli");
    let out = Output::of(
        lms_support()
            .args(["deliveries", "retry", "--data"])
            .arg(s.data()),
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    std::fs::create_dir_all(s.data()).expect("data");
    let out = Output::of(
        lms_support()
            .args(["deliveries", "retry", "--all", "--data"])
            .arg(s.data()),
    );
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("no database"), "{}", out.stderr);
}

/// A queued e-mail outlives the server: killed while the relay is down, restarted once it is
/// back, it sends each message once.
#[test]
fn the_queue_survives_a_server_restart() {
    let s = Scratch::new("delivery", "restart");
    for dir in ["www", "widget", "mail"] {
        std::fs::create_dir_all(s.path(dir)).expect("scratch dir");
    }
    let out = Output::of(lms_support().arg("demo-config").arg(s.path("conf")));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let mail = s.path("mail");
    let port = free_port();
    let smtp = format!("smtp://127.0.0.1:{port}");
    let conf = s.path("conf");
    let args = [
        "--config",
        conf.to_str().expect("utf-8 path"),
        "--smtp",
        &smtp,
    ];
    let server = Server::start(&s, &args);
    for n in 1..=2 {
        file_ticket(&server, "acme", n, &format!("Antes del reinicio {n}"));
    }
    wait_until("failed attempts", Duration::from_secs(20), || {
        (deliveries(&s.data(), true).len() == 2).then_some(())
    });
    drop(server); // SIGKILL: no chance to tidy up
    let _sink = Sink::start(port, &mail);
    let _server = Server::start(&s, &args);
    wait_until("both delivered", Duration::from_secs(60), || {
        let rows = deliveries(&s.data(), false);
        rows.iter()
            .all(|row| row[5].starts_with("delivered"))
            .then_some(())
    });
    let mut subjects: Vec<String> = received(&mail)
        .iter()
        .map(|m| m["headers"]["subject"].as_str().unwrap_or("").to_string())
        .collect();
    subjects.sort();
    assert_eq!(
        subjects,
        [
            "[ACME-000001] [high] Antes del reinicio 1",
            "[ACME-000002] [high] Antes del reinicio 2"
        ]
    );
}

/// Files a JSON ticket for `ana@example.edu` in `locale` with `priority`, on the quiz page.
fn file_ticket_in(server: &Server, n: u32, subject: &str, locale: &str, priority: &str) {
    let ticket = json!({
        "subject": subject,
        "description": "No puedo entrar.",
        "priority": priority,
        "category": "access",
        "name": "Ana Núñez",
        "email": "ana@example.edu",
        "locale": locale,
        "context": {"page": "https://learn.acme.example/mod/quiz/view.php?id=7#top"},
        "honeypot": ""
    });
    let key = format!("{n:08x}-0000-4000-8000-00000000abcd");
    let reply = server.request(
        "POST",
        "/v1/clients/acme/tickets",
        &[
            ("Content-Type", "application/json"),
            ("Idempotency-Key", &key),
        ],
        ticket.to_string().as_bytes(),
    );
    assert_eq!(reply.status, 201, "{}", reply.text());
}

/// `lms-support tickets --data DATA ARGS…`, at `now` (RFC 3339) when given; must succeed.
fn agent(data: &Path, args: &[&str], now: Option<&str>) -> String {
    let mut command = lms_support();
    command.arg("tickets").arg("--data").arg(data).args(args);
    if let Some(now) = now {
        command.env("LMS_SUPPORT_NOW", now);
    }
    let out = Output::of(&mut command);
    assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
    out.stdout
}

/// A server for `demo-config`'s clients with the sink as its relay: (scratch, server, sink,
/// mail directory).
fn serve_demo_with_sink(name: &str) -> (Scratch, Server, Sink, PathBuf) {
    serve_demo_with_sink_and(name, json!({}))
}

/// [`serve_demo_with_sink`], with `acme_extra`'s fields added to `clients/acme.json`.
fn serve_demo_with_sink_and(name: &str, acme_extra: Value) -> (Scratch, Server, Sink, PathBuf) {
    let s = Scratch::new("delivery", name);
    for dir in ["www", "widget", "mail"] {
        std::fs::create_dir_all(s.path(dir)).expect("scratch dir");
    }
    let out = Output::of(lms_support().arg("demo-config").arg(s.path("conf")));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let acme_path = s.path("conf/clients/acme.json");
    let mut acme: Value =
        serde_json::from_slice(&std::fs::read(&acme_path).expect("read")).expect("json");
    for (key, value) in acme_extra.as_object().expect("an object") {
        acme[key] = value.clone();
    }
    std::fs::write(&acme_path, acme.to_string()).expect("write");
    let mail = s.path("mail");
    let port = free_port();
    let sink = Sink::start(port, &mail);
    let smtp = format!("smtp://127.0.0.1:{port}");
    let conf = s.path("conf");
    let server = Server::start(
        &s,
        &[
            "--config",
            conf.to_str().expect("utf-8 path"),
            "--smtp",
            &smtp,
            "--rate-limit-hour",
            "0",
        ],
    );
    (s, server, sink, mail)
}

/// The messages sent to `to`, once every queued delivery has been delivered.
fn delivered_to(data: &Path, mail: &Path, to: &str) -> Vec<Value> {
    wait_until("every delivery delivered", Duration::from_secs(30), || {
        let rows = deliveries(data, false);
        let done = rows.iter().all(|row| row[5].starts_with("delivered"));
        (done && received(mail).len() == rows.len()).then_some(())
    });
    received(mail)
        .into_iter()
        .filter(|m| m["rcpt_tos"] == json!([to]))
        .collect()
}

fn text_of(m: &Value) -> String {
    m["text"]
        .as_str()
        .expect("a text part")
        .replace("\r\n", "\n")
        .trim_end()
        .to_string()
}

#[test]
fn learners_hear_of_replies_and_resolutions_once_in_their_language() {
    let (s, server, _sink, mail) = serve_demo_with_sink("learner");
    file_ticket_in(&server, 1, "El cuestionario no abre", "es-MX", "high");
    file_ticket_in(&server, 2, "لا يفتح الاختبار", "ar", "high");
    let data = s.data();
    agent(
        &data,
        &[
            "reply",
            "ACME-000001",
            "Borre la caché, por favor.\nGracias.",
        ],
        None,
    );
    agent(&data, &["reply", "ACME-000002", "نحن نعمل على ذلك."], None);
    agent(&data, &["resolve", "ACME-000002"], None);
    // Resolving it again and closing it are no news: no e-mail.
    agent(&data, &["resolve", "ACME-000002"], None);
    agent(&data, &["close", "ACME-000002"], None);

    let to_learner = delivered_to(&data, &mail, "ana@example.edu");
    let subjects: Vec<&str> = to_learner
        .iter()
        .map(|m| m["headers"]["subject"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        subjects,
        [
            "Nueva respuesta a su solicitud de soporte ACME-000001",
            "رد جديد على طلب الدعم ACME-000002",
            "تم حل طلب الدعم ACME-000002",
        ]
    );
    let link = "https://learn.acme.example/mod/quiz/view.php?id=7#lms-support-tickets";
    let reply = &to_learner[0];
    assert_eq!(reply["defects"], json!([]), "{reply}");
    assert_eq!(reply["headers"]["from"], "support@acme.example");
    assert_eq!(reply["headers"]["to"], "Ana Núñez <ana@example.edu>");
    assert_eq!(reply["headers"]["content-language"], "es");
    assert_eq!(to_learner[2]["headers"]["content-language"], "ar");
    assert_eq!(reply["text_charset"], "utf-8");
    assert_eq!(
        text_of(reply),
        format!(
            "Nuestro equipo de soporte respondió a su solicitud ACME-000001:\n\n\
             Borre la caché, por favor.\nGracias.\n\n\
             Vea su solicitud en Mis solicitudes:\n{link}"
        )
    );
    let resolved = text_of(&to_learner[2]);
    assert!(
        resolved.starts_with("تم حل طلبك ACME-000002."),
        "{resolved}"
    );
    assert!(
        resolved.ends_with(&format!("يرجى تقييم إجابتنا في طلباتي:\n{link}")),
        "{resolved}"
    );
    // Each change sent one message with its own id.
    let ids: std::collections::BTreeSet<&str> = to_learner
        .iter()
        .map(|m| m["headers"]["message-id"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(ids.len(), 3);
}

#[test]
fn a_resolved_notice_e_mails_each_learner_once_and_only_where_configured() {
    let (s, server, _sink, mail) = serve_demo_with_sink("notice-learner");
    let data = s.data();
    let out = Output::of(
        lms_support()
            .args(["notice", "post", "--id", "inc-7", "--client", "acme"])
            .args(["--title", "Los vídeos van lentos", "--data"])
            .arg(&data),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    // Filed while the notice showed, in German; and one at uni, which has no `notify_from`.
    for (client, n, locale, email) in [
        ("acme", 1, "de", "jonas@example.edu"),
        ("uni", 2, "fr", "bo@example.edu"),
    ] {
        let ticket = json!({
            "subject": "Videos", "description": "x", "priority": "high", "category": "access",
            "email": email, "locale": locale, "honeypot": "",
            "context": {"page": "https://learn.acme.example/course/view.php?id=3",
                        "active_items": "inc-7"}
        });
        let key = format!("{n:08x}-0000-4000-8000-00000000abcd");
        let reply = server.request(
            "POST",
            &format!("/v1/clients/{client}/tickets"),
            &[
                ("Content-Type", "application/json"),
                ("Idempotency-Key", &key),
            ],
            ticket.to_string().as_bytes(),
        );
        assert_eq!(reply.status, 201, "{}", reply.text());
    }
    agent(&data, &["reply", "UNI-000001", "Bonjour"], None);
    let out = Output::of(
        lms_support()
            .args(["notice", "resolve", "inc-7", "--resolve-tickets"])
            .args(["--message", "Die Videos laufen wieder.", "--data"])
            .arg(&data),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let to_jonas = delivered_to(&data, &mail, "jonas@example.edu");
    assert_eq!(to_jonas.len(), 1, "{to_jonas:?}");
    assert_eq!(
        to_jonas[0]["headers"]["subject"],
        "Ihre Support-Anfrage ACME-000001 ist gelöst"
    );
    assert_eq!(
        text_of(&to_jonas[0]),
        "Ihre Anfrage ACME-000001 wurde gelöst.\n\nDie Videos laufen wieder.\n\n\
         Ist Ihr Problem gelöst? Bitte bewerten Sie unsere Antwort unter Meine Anfragen:\n\
         https://learn.acme.example/course/view.php?id=3#lms-support-tickets"
    );
    assert!(delivered_to(&data, &mail, "bo@example.edu").is_empty());
}

#[test]
fn a_late_critical_ticket_is_escalated_by_e_mail_once() {
    let (s, server, _sink, mail) = serve_demo_with_sink("escalation");
    let filed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    let at = |seconds: u64| {
        lms_support_widget::time::Timestamp(i64::try_from(filed + seconds).expect("time"))
            .to_string()
    };
    file_ticket_in(&server, 1, "Plataforma caída", "es", "critical");
    file_ticket_in(&server, 2, "Notas borradas", "es", "critical");
    file_ticket_in(&server, 3, "Pregunta", "es", "high");
    let data = s.data();
    agent(
        &data,
        &["reply", "ACME-000002", "Lo estamos mirando."],
        None,
    );
    // Past the 1 h response target: the unanswered critical ticket escalates; the answered
    // one waits for its 2 hours.
    agent(&data, &["list"], Some(&at(61 * 60)));
    agent(&data, &["list"], Some(&at(2 * 3600 + 120)));
    agent(&data, &["list"], Some(&at(5 * 3600)));
    // The CLI's clock ran hours ahead, so the e-mails it queued are due hours from the
    // server's real now; make them due now.
    let out = Output::of(
        lms_support()
            .args(["deliveries", "retry", "--all", "--data"])
            .arg(&data),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let escalations = delivered_to(&data, &mail, "escalations@acme.example");
    let subjects: Vec<&str> = escalations
        .iter()
        .map(|m| m["headers"]["subject"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        subjects,
        [
            "[ACME-000001] [escalated] Plataforma caída",
            "[ACME-000002] [escalated] Notas borradas"
        ]
    );
    let first = text_of(&escalations[0]);
    assert!(
        first.starts_with(
            "Critical ticket ACME-000001 escalated: not answered within its response target.\n"
        ),
        "{first}"
    );
    assert!(
        text_of(&escalations[1]).starts_with(
            "Critical ticket ACME-000002 escalated: not resolved 2 hours after it was filed.\n"
        ),
        "{}",
        text_of(&escalations[1])
    );
}

#[test]
fn a_helpdesk_hook_reply_and_resolution_e_mail_the_learner_once_each() {
    use hmac::{KeyInit as _, Mac as _};
    const SECRET: &str = "hook_fedcba9876543210fedcba9876543210";
    let (s, server, _sink, mail) =
        serve_demo_with_sink_and("hook-learner", json!({ "helpdesk_hook_secret": SECRET }));
    file_ticket_in(&server, 1, "Sin acceso", "pt-BR", "high");
    let hook = |body: &Value, delivery: &str| {
        let body = body.to_string();
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .as_secs();
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(SECRET.as_bytes()).expect("key");
        mac.update(format!("{t}.").as_bytes());
        mac.update(body.as_bytes());
        let hex: String = mac
            .finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        server
            .request(
                "POST",
                "/v1/hooks/helpdesk",
                &[
                    ("Content-Type", "application/json"),
                    ("LMS-Support-Signature", &format!("t={t},v1={hex}")),
                    ("LMS-Support-Delivery", delivery),
                ],
                body.as_bytes(),
            )
            .status
    };
    let reply = json!({"client": "acme", "ticket": "ACME-000001", "type": "reply",
                       "author": "Dana", "body": "Já pode entrar."});
    let resolve = json!({"client": "acme", "ticket": "ACME-000001", "type": "status",
                         "status": "resolved"});
    assert_eq!(hook(&reply, "zd-1"), 200);
    // The helpdesk retrying after a lost acknowledgement sends no second e-mail.
    assert_eq!(hook(&reply, "zd-1"), 401);
    assert_eq!(hook(&resolve, "zd-2"), 200);
    let to_learner = delivered_to(&s.data(), &mail, "ana@example.edu");
    let subjects: Vec<&str> = to_learner
        .iter()
        .map(|m| m["headers"]["subject"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        subjects,
        [
            "Nova resposta ao seu chamado de suporte ACME-000001",
            "Seu chamado de suporte ACME-000001 foi resolvido"
        ]
    );
    assert!(text_of(&to_learner[0]).contains("\n\nJá pode entrar.\n\n"));
}
