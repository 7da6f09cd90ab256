//! `lms-support report --client ID [--since DATE] [--json]`: what a client's learners did with
//! help, from the daily counts of anonymous help events (issue 18): searches with no result,
//! answers voted unhelpful, the flows and answers that most often still end in a ticket, and
//! the deflection rate (help sessions that ended without a ticket).
//!
//! [`Report::from_totals`] is pure over the summed counts; printing is a table or, with
//! `--json`, one JSON object with the same figures.

use crate::output;
use crate::store::{self, help_counts, pg};
use lms_support_widget::help_events::kind;
use lms_support_widget::time::Timestamp;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::Path;

/// Most rows printed per list.
const TOP: usize = 10;
/// Days counted when `--since` is not given.
const DEFAULT_DAYS: i64 = 30;

/// The figures of one client.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Report {
    /// Searches with no result: (terms, count), most frequent first.
    pub no_result: Vec<(String, u64)>,
    /// Answers and flows voted unhelpful, most "no" votes first.
    pub unhelpful: Vec<Votes>,
    /// Flows by how often they end in a ticket.
    pub flows: Vec<Ratio>,
    /// Answers by how often a ticket follows opening them.
    pub answers: Vec<Ratio>,
    /// Help sessions counted.
    pub sessions: u64,
    /// Of which a ticket was sent.
    pub sessions_with_ticket: u64,
}

/// The "Did this help?" votes on one answer or flow.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Votes {
    /// `faq:ID` or `flow:ID`.
    pub subject: String,
    /// Yes votes.
    pub yes: u64,
    /// No votes.
    pub no: u64,
    /// The reason given most often with "no", if any.
    pub top_reason: Option<String>,
}

/// How often an answer or flow ended in a ticket.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Ratio {
    /// The FAQ or flow id.
    pub id: String,
    /// Tickets.
    pub tickets: u64,
    /// Out of (opened answers, or flow endings).
    pub of: u64,
}

impl Ratio {
    fn share(&self) -> f64 {
        if self.of == 0 {
            0.0
        } else {
            self.tickets as f64 / self.of as f64
        }
    }
}

impl Report {
    /// The report of `totals`, the (kind, key, count) rows summed over the period.
    pub fn from_totals(totals: &[(String, String, u64)]) -> Report {
        let mut report = Report::default();
        let mut votes: BTreeMap<String, Votes> = BTreeMap::new();
        let mut reasons: BTreeMap<String, Vec<(String, u64)>> = BTreeMap::new();
        let mut flows: BTreeMap<String, Ratio> = BTreeMap::new();
        let mut answers: BTreeMap<String, Ratio> = BTreeMap::new();
        for (k, key, n) in totals {
            let n = *n;
            match k.as_str() {
                kind::NO_RESULT => report.no_result.push((key.clone(), n)),
                kind::HELPFUL => votes.entry(key.clone()).or_default().yes += n,
                kind::NOT_HELPFUL => votes.entry(key.clone()).or_default().no += n,
                kind::REASON => {
                    if let Some((subject, reason)) = key.rsplit_once(' ') {
                        reasons
                            .entry(subject.to_string())
                            .or_default()
                            .push((reason.to_string(), n));
                    }
                }
                kind::FLOW_ENDED => {
                    if let Some((flow, ending)) = key.rsplit_once(' ') {
                        let ratio = flows.entry(flow.to_string()).or_default();
                        ratio.of += n;
                        if ending == "ticket" {
                            ratio.tickets += n;
                        }
                    }
                }
                kind::OPENED => answers.entry(key.clone()).or_default().of += n,
                kind::TICKET_AFTER => answers.entry(key.clone()).or_default().tickets += n,
                kind::SESSION => {
                    report.sessions += n;
                    if key == "ticket" {
                        report.sessions_with_ticket += n;
                    }
                }
                _ => {}
            }
        }
        report
            .no_result
            .sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        report.no_result.truncate(TOP);
        report.unhelpful = votes
            .into_iter()
            .filter(|(_, v)| v.no > 0)
            .map(|(subject, v)| {
                let top_reason = reasons.get(&subject).and_then(|list| {
                    list.iter()
                        .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
                        .map(|(r, _)| r.clone())
                });
                Votes {
                    subject,
                    top_reason,
                    ..v
                }
            })
            .collect();
        report
            .unhelpful
            .sort_by(|a, b| b.no.cmp(&a.no).then_with(|| a.subject.cmp(&b.subject)));
        report.unhelpful.truncate(TOP);
        report.flows = ranked(flows);
        report.answers = ranked(answers);
        report
    }

    /// Help sessions that ended without a ticket, as a share of all; `None` with no sessions.
    pub fn deflection_rate(&self) -> Option<f64> {
        (self.sessions > 0).then(|| {
            (self.sessions - self.sessions_with_ticket.min(self.sessions)) as f64
                / self.sessions as f64
        })
    }

    /// The report as a table.
    pub fn table(&self, client: &str, since: &str) -> String {
        let mut out = format!("Help report for {client} since {since}\n\n");
        out.push_str(&match self.deflection_rate() {
            Some(rate) => format!(
                "Deflection rate: {} ({} of {} help sessions ended without a ticket)\n",
                percent(rate),
                self.sessions - self.sessions_with_ticket.min(self.sessions),
                self.sessions
            ),
            None => "Deflection rate: no help sessions yet\n".to_string(),
        });
        out.push_str("\nSearches with no result\n");
        list(&mut out, &self.no_result, |(terms, n)| {
            format!("{n:>6}  {terms}")
        });
        out.push_str("\nVoted unhelpful (no / yes, most given reason)\n");
        list(&mut out, &self.unhelpful, |v| {
            format!(
                "{:>6} / {:<4} {}{}",
                v.no,
                v.yes,
                v.subject,
                v.top_reason
                    .as_ref()
                    .map(|r| format!("  ({r})"))
                    .unwrap_or_default()
            )
        });
        out.push_str("\nFlows ending in a ticket (tickets / endings)\n");
        list(&mut out, &self.flows, ratio_line);
        out.push_str("\nAnswers followed by a ticket (tickets / opened)\n");
        list(&mut out, &self.answers, ratio_line);
        out
    }

    /// The report as JSON.
    pub fn json(&self, client: &str, since: &str) -> Value {
        let ratios = |list: &[Ratio]| -> Vec<Value> {
            list.iter()
                .map(|r| json!({ "id": r.id, "tickets": r.tickets, "of": r.of }))
                .collect()
        };
        json!({
            "client": client,
            "since": since,
            "sessions": self.sessions,
            "sessions_with_ticket": self.sessions_with_ticket,
            "deflection_rate": self.deflection_rate(),
            "no_result": self.no_result.iter()
                .map(|(terms, n)| json!({ "terms": terms, "count": n }))
                .collect::<Vec<_>>(),
            "unhelpful": self.unhelpful.iter()
                .map(|v| json!({ "subject": v.subject, "no": v.no, "yes": v.yes,
                                 "top_reason": v.top_reason }))
                .collect::<Vec<_>>(),
            "flows_to_tickets": ratios(&self.flows),
            "answers_to_tickets": ratios(&self.answers),
        })
    }
}

/// Those with at least one ticket, highest share first, then most tickets.
fn ranked(map: BTreeMap<String, Ratio>) -> Vec<Ratio> {
    let mut list: Vec<Ratio> = map
        .into_iter()
        .filter(|(_, r)| r.tickets > 0)
        .map(|(id, r)| Ratio { id, ..r })
        .collect();
    list.sort_by(|a, b| {
        b.share()
            .total_cmp(&a.share())
            .then_with(|| b.tickets.cmp(&a.tickets))
            .then_with(|| a.id.cmp(&b.id))
    });
    list.truncate(TOP);
    list
}

fn percent(share: f64) -> String {
    format!("{:.0} %", share * 100.0)
}

fn ratio_line(r: &Ratio) -> String {
    format!(
        "{:>6} / {:<6} {:>5}  {}",
        r.tickets,
        r.of,
        percent(r.share()),
        r.id
    )
}

fn list<T>(out: &mut String, items: &[T], line: impl Fn(&T) -> String) {
    if items.is_empty() {
        out.push_str("  (none)\n");
    }
    for item in items {
        out.push_str(&line(item));
        out.push('\n');
    }
}

/// Runs the command on the SQLite file in `data`, or on PostgreSQL at `database`: 0 on
/// success, 1 when the database cannot be read, 2 for a bad `--since`.
pub fn run(
    data: &Path,
    database: Option<&str>,
    client: &str,
    since: Option<&str>,
    as_json: bool,
) -> u8 {
    let since = match since {
        Some(day) if is_day(day) => day.to_string(),
        Some(other) => {
            output::stderr(&format!(
                "invalid --since {other:?}: expected a day like 2026-12-01\n"
            ));
            return 2;
        }
        None => {
            let start = crate::clock::now().seconds() - DEFAULT_DAYS * 24 * 60 * 60;
            Timestamp(start).to_string()[..10].to_string()
        }
    };
    let totals = match database {
        Some(url) => totals_on_postgres(url, client, &since),
        None => store::open_data(data).and_then(|conn| {
            help_counts::totals(&conn, client, &since)
                .map_err(|e| format!("cannot read the help counts: {e}"))
        }),
    };
    let totals = match totals {
        Ok(totals) => totals,
        Err(message) => {
            output::stderr(&format!("{message}\n"));
            return 1;
        }
    };
    let report = Report::from_totals(&totals);
    let shown = if client.is_empty() {
        "this site"
    } else {
        client
    };
    if as_json {
        output::stdout(&format!("{}\n", report.json(client, &since)));
    } else {
        output::stdout(&report.table(shown, &since));
    }
    0
}

/// [`help_counts::totals`]'s query on PostgreSQL.
fn totals_on_postgres(
    url: &str,
    client: &str,
    since: &str,
) -> Result<Vec<(String, String, u64)>, String> {
    let runtime = pg::cli_runtime(url)?;
    runtime.block_on(async {
        let db = pg::connect_migrated(url)
            .await
            .map_err(|e| format!("cannot open the PostgreSQL database: {e}"))?;
        let rows = db
            .query(
                "SELECT kind, key, SUM(count)::BIGINT FROM help_counts
                 WHERE client = $1 AND day >= $2 GROUP BY kind, key ORDER BY kind, key",
                &[&client, &since],
            )
            .await
            .map_err(|e| format!("cannot read the help counts: {e}"))?;
        Ok(rows
            .iter()
            .map(|r| {
                let n: i64 = r.get(2);
                (r.get(0), r.get(1), u64::try_from(n).unwrap_or(0))
            })
            .collect())
    })
}

/// `YYYY-MM-DD` with a real month and day.
fn is_day(text: &str) -> bool {
    Timestamp::parse_rfc3339(&format!("{text}T00:00:00Z")).is_ok() && text.len() == 10
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(kind: &str, key: &str, n: u64) -> (String, String, u64) {
        (kind.to_string(), key.to_string(), n)
    }

    #[test]
    fn figures_come_from_the_counts() {
        let totals = vec![
            row("session", "no_ticket", 7),
            row("session", "ticket", 3),
            row("no_result", "moodle app", 4),
            row("no_result", "eduroam", 9),
            row("not_helpful", "faq:reset-password", 3),
            row("helpful", "faq:reset-password", 5),
            row("not_helpful_reason", "faq:reset-password unclear", 1),
            row("not_helpful_reason", "faq:reset-password did_not_work", 2),
            row("helpful", "faq:extra-time", 4),
            row("flow_ended", "upload ticket", 2),
            row("flow_ended", "upload answer", 2),
            row("flow_ended", "sign-in answer", 5),
            row("opened", "upload-failed", 4),
            row("ticket_after_answer", "upload-failed", 1),
        ];
        let report = Report::from_totals(&totals);
        assert_eq!(report.deflection_rate(), Some(0.7));
        assert_eq!(
            report.no_result,
            [("eduroam".to_string(), 9), ("moodle app".to_string(), 4)]
        );
        assert_eq!(
            report.unhelpful,
            [Votes {
                subject: "faq:reset-password".into(),
                yes: 5,
                no: 3,
                top_reason: Some("did_not_work".into())
            }]
        );
        assert_eq!(
            report.flows,
            [Ratio {
                id: "upload".into(),
                tickets: 2,
                of: 4
            }]
        );
        assert_eq!(
            report.answers,
            [Ratio {
                id: "upload-failed".into(),
                tickets: 1,
                of: 4
            }]
        );
        let table = report.table("acme", "2026-12-01");
        assert!(
            table
                .contains("Deflection rate: 70 % (7 of 10 help sessions ended without a ticket)\n"),
            "{table}"
        );
        assert!(table.contains("     2 / 4       50 %  upload\n"), "{table}");
    }

    #[test]
    fn no_sessions_is_said_not_divided_by() {
        let report = Report::from_totals(&[]);
        assert_eq!(report.deflection_rate(), None);
        assert!(report
            .table("acme", "2026-12-01")
            .contains("Deflection rate: no help sessions yet\n"));
        assert_eq!(
            report.json("acme", "2026-12-01")["deflection_rate"],
            Value::Null
        );
    }
}
