//! Anonymous help events (issue 18) through the real server and the real CLI: a scripted
//! sequence of batches from the widget's wire format, then `lms-support report`'s figures,
//! worked out by hand from the script.

mod common;

use common::{lms_support, Output, Scratch, Server};
use lms_support_widget::help_events::{batch_json, Ending, HelpEvent, Reason, Subject};
use serde_json::{json, Value};

/// A server for `demo-config`'s clients with acme's help events on (uni's stay off).
fn serve(s: &Scratch) -> Server {
    for dir in ["www", "widget"] {
        std::fs::create_dir_all(s.path(dir)).expect("scratch dir");
    }
    let out = Output::of(lms_support().arg("demo-config").arg(s.path("conf")));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let path = s.path("conf/clients/acme.json");
    let mut acme: Value =
        serde_json::from_slice(&std::fs::read(&path).expect("read")).expect("json");
    acme["support"]["help_events"] = json!(true);
    std::fs::write(&path, acme.to_string()).expect("write");
    let conf = s.path("conf");
    Server::start(s, &["--config", conf.to_str().expect("utf-8")])
}

fn post(server: &Server, client: &str, body: &str, content_type: &str) -> common::Reply {
    server.request(
        "POST",
        &format!("/v1/clients/{client}/events"),
        &[
            ("Content-Type", content_type),
            ("Origin", "https://learn.acme.example"),
        ],
        body.as_bytes(),
    )
}

fn opened(faq: &str) -> HelpEvent {
    HelpEvent::AnswerOpened { faq: faq.into() }
}

fn session(ticket: bool) -> HelpEvent {
    HelpEvent::SessionEnded { ticket }
}

#[test]
fn a_scripted_week_of_help_gives_the_report_its_figures() {
    let s = Scratch::new("help-events", "report");
    let server = serve(&s);

    // Learner 1 searches twice in vain, opens the password answer, says it did not work,
    // walks the sign-in flow to a ticket and sends it.
    let one = [
        HelpEvent::NoResult {
            terms: "eduroam".into(),
        },
        HelpEvent::NoResult {
            terms: "wifi eduroam".into(),
        },
        opened("reset-password"),
        HelpEvent::Voted {
            subject: Subject::Faq("reset-password".into()),
            helpful: false,
            reason: Some(Reason::DidNotWork),
        },
        HelpEvent::FlowEnded {
            flow: "sign-in".into(),
            ending: Ending::Ticket,
        },
        HelpEvent::TicketAfterAnswer {
            faq: "reset-password".into(),
        },
        session(true),
    ];
    // Learners 2 to 4 open the password answer, two say it helped; nobody files a ticket.
    let others = [
        opened("reset-password"),
        HelpEvent::Voted {
            subject: Subject::Faq("reset-password".into()),
            helpful: true,
            reason: None,
        },
        session(false),
        opened("reset-password"),
        HelpEvent::FlowEnded {
            flow: "upload".into(),
            ending: Ending::Answer,
        },
        HelpEvent::Voted {
            subject: Subject::Faq("reset-password".into()),
            helpful: true,
            reason: None,
        },
        session(false),
        HelpEvent::NoResult {
            terms: "eduroam".into(),
        },
        session(false),
    ];
    let sent = post(&server, "acme", &batch_json(&one), "application/json");
    assert_eq!(sent.status, 204, "{}", sent.text());
    // As `navigator.sendBeacon` sends it when a page is left.
    let beacon = post(
        &server,
        "acme",
        &batch_json(&others),
        "text/plain;charset=UTF-8",
    );
    assert_eq!(beacon.status, 204, "{}", beacon.text());

    // Refusals change nothing.
    let bad = post(
        &server,
        "acme",
        r#"{"events":[{"type":"answer_opened","faq":"x","email":"ana@example.edu"}]}"#,
        "application/json",
    );
    assert_eq!(bad.status, 422);
    assert_eq!(bad.json()["errors"][0]["field"], "events[0].email");
    assert_eq!(
        post(&server, "acme", "{\"events\": [", "application/json").status,
        400
    );
    let huge = batch_json(&vec![session(false); 51]);
    assert_eq!(post(&server, "acme", &huge, "application/json").status, 413);
    let off = post(&server, "uni", &batch_json(&one), "application/json");
    assert_eq!(off.status, 403);
    assert_eq!(off.json()["errors"][0]["code"], "help_events_off");
    assert_eq!(
        post(&server, "nobody", &batch_json(&one), "application/json").status,
        404
    );

    let out = Output::of(
        lms_support()
            .args(["report", "--client", "acme", "--json", "--data"])
            .arg(s.data()),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let report: Value = serde_json::from_str(&out.stdout).expect("JSON report");
    // 4 sessions, 1 with a ticket: 3 of 4 ended without one.
    assert_eq!(report["sessions"], 4);
    assert_eq!(report["sessions_with_ticket"], 1);
    assert_eq!(report["deflection_rate"], 0.75);
    assert_eq!(
        report["no_result"],
        json!([{"terms": "eduroam", "count": 2}, {"terms": "wifi eduroam", "count": 1}])
    );
    assert_eq!(
        report["unhelpful"],
        json!([{"subject": "faq:reset-password", "no": 1, "yes": 2, "top_reason": "did_not_work"}])
    );
    // sign-in: 1 ending, a ticket; upload: 1 ending, an answer (not listed: no ticket).
    assert_eq!(
        report["flows_to_tickets"],
        json!([{"id": "sign-in", "tickets": 1, "of": 1}])
    );
    assert_eq!(
        report["answers_to_tickets"],
        json!([{"id": "reset-password", "tickets": 1, "of": 3}])
    );

    let table = Output::of(
        lms_support()
            .args([
                "report",
                "--client",
                "acme",
                "--since",
                "2000-01-01",
                "--data",
            ])
            .arg(s.data()),
    );
    assert!(
        table
            .stdout
            .contains("Deflection rate: 75 % (3 of 4 help sessions ended without a ticket)\n"),
        "{}",
        table.stdout
    );
    let bad_since = Output::of(
        lms_support()
            .args([
                "report",
                "--client",
                "acme",
                "--since",
                "last week",
                "--data",
            ])
            .arg(s.data()),
    );
    assert_eq!(bad_since.code, 2);
}
