//! The browser's side of [`crate::ticket::news`]: the period timer, the conditional status
//! requests, and the badge on the launcher. Which tickets to ask about, what counts as news
//! and the badge's words are decided by the core; this module only runs the requests and
//! draws the answer. The record is re-read from storage around every change, so tabs share it.

use super::{online, with_inner, Inner};
use crate::ticket::news::{Check, TicketNews};
use crate::ticket::request::{interpret_status, ticket_status};
use crate::web::base::now;
use crate::web::build::{add, make};
use crate::web::dom::{report, warn, Timer};
use crate::web::fetch::send_request;
use crate::web::storage::BrowserStorage;
use std::cell::RefCell;
use std::rc::Weak;
use wasm_bindgen::JsValue;
use web_sys::{Document, Element};

/// `data-ticket-check-seconds`: a whole number of seconds, at least 1; anything else is
/// logged and the default is used.
pub(super) fn check_period(written: Option<&str>) -> i64 {
    use crate::ticket::news::CHECK_SECONDS;
    match written {
        None => CHECK_SECONDS,
        Some(text) => match crate::base::decimal::parse_int(text) {
            Some(seconds) if seconds >= 1 => seconds,
            _ => {
                warn(&format!(
                    "data-ticket-check-seconds must be a whole number of seconds such as \"300\", not \"{text}\"; using {CHECK_SECONDS}"
                ));
                CHECK_SECONDS
            }
        },
    }
}

impl Inner {
    fn period(&self) -> i64 {
        self.news_period
    }

    fn load_news(&self) -> TicketNews {
        TicketNews::load(&BrowserStorage, &self.base.config().feed_url)
    }

    /// Saves the record and redraws the badge from it.
    fn save_news(&self, news: &TicketNews) {
        let _reported_by_storage = news.save(&BrowserStorage, &self.base.config().feed_url);
        self.draw_badge_from(news);
    }

    /// Starts watching a ticket just sent.
    pub(super) fn watch_ticket(&self, number: &str) {
        let mut news = self.load_news();
        news.watch(number, now(), self.period());
        self.save_news(&news);
    }

    /// Checks now if due, then every period while the page stays open.
    pub(super) fn start_news_checks(&mut self) {
        let weak = self.weak.clone();
        let period_ms = self.period() as f64 * 1000.0;
        self.news_timer = Timer::every(period_ms, move || check_news(&weak)).ok();
        // Called with the part borrowed, so plan here rather than through the weak reference.
        let plan = self.plan_checks();
        spawn_checks(&self.weak, plan);
    }

    /// The status requests due now, the record saved first; none offline or not due.
    fn plan_checks(&self) -> Vec<(String, Check, Option<String>)> {
        let Some(api) = self.api_base() else {
            return Vec::new();
        };
        if !online() {
            return Vec::new();
        }
        let mut news = self.load_news();
        let checks = news.due(now(), self.period());
        if checks.is_empty() {
            return Vec::new();
        }
        // Saved before any request: other tabs and the next page load wait a whole period.
        let _reported_by_storage = news.save(&BrowserStorage, &self.base.config().feed_url);
        let tokens = self.sender.saved_tickets(&BrowserStorage);
        checks
            .into_iter()
            .map(|check| {
                let token = tokens
                    .iter()
                    .find(|t| t.number == check.number)
                    .map(|t| t.token.clone());
                (api.clone(), check, token)
            })
            .collect()
    }

    pub(super) fn draw_badge(&self) {
        self.draw_badge_from(&self.load_news());
    }

    fn draw_badge_from(&self, news: &TicketNews) {
        if let Some(launcher) = &self.launcher {
            let badge = news.badge(self.base.lang());
            report(
                set_badge(self.base.doc(), launcher, badge.as_ref()),
                "launcher",
            );
        }
    }

    /// The learner opened "My tickets": what is known is seen.
    pub(super) fn mark_news_seen(&self) {
        let mut news = self.load_news();
        news.mark_seen();
        self.save_news(&news);
    }

    /// "My tickets" drew a ticket's full status: record it, and it is seen.
    pub(super) fn seen_in_my_tickets(
        &self,
        number: &str,
        etag: Option<String>,
        replies: usize,
        status: &str,
    ) {
        let mut news = self.load_news();
        news.observe(number, etag, count(replies), status);
        news.mark_seen();
        self.save_news(&news);
    }
}

fn count(replies: usize) -> u32 {
    u32::try_from(replies).unwrap_or(u32::MAX)
}

/// Asks the API about the tickets due, if any and if online. Offline, nothing is sent and
/// nothing is scheduled: the next period tries again.
fn check_news(weak: &Weak<RefCell<Inner>>) {
    let plan = with_inner(weak, |s| s.plan_checks()).unwrap_or_default();
    spawn_checks(weak, plan);
}

fn spawn_checks(weak: &Weak<RefCell<Inner>>, plan: Vec<(String, Check, Option<String>)>) {
    for (api, check, token) in plan {
        wasm_bindgen_futures::spawn_local(check_one(weak.clone(), api, check, token));
    }
}

async fn check_one(weak: Weak<RefCell<Inner>>, api: String, check: Check, token: Option<String>) {
    let Check { number, etag } = check;
    let Some(token) = token else {
        // Its receipt is gone from this browser: there is no way to ask.
        with_inner(&weak, |s| {
            let mut news = s.load_news();
            news.forget(&number);
            s.save_news(&news);
        });
        return;
    };
    let mut request = ticket_status(&api, &number, &token);
    if let Some(etag) = &etag {
        request
            .headers
            .push(("If-None-Match".to_string(), etag.clone()));
    }
    let answer = send_request(&request, &[]).await;
    with_inner(&weak, |s| {
        let mut news = s.load_news();
        match answer {
            Ok(r) if r.status == 304 => return,
            Ok(r) if matches!(r.status, 401 | 403 | 404) => news.forget(&number),
            Ok(r) => match interpret_status(r.status, &r.body) {
                Ok(status) => {
                    news.observe(&number, r.etag, count(status.replies.len()), &status.status)
                }
                Err(e) => return warn(&format!("news of {number}: {e}")),
            },
            // Offline or unreachable: the next period asks again, no sooner.
            Err(_) => return,
        }
        s.save_news(&news);
    });
}

/// The badge's class inside the launcher.
const BADGE_CLASS: &str = "lsw-badge";
/// The badge's selector (as written, not formatted at run time).
const BADGE_SELECTOR: &str = ".lsw-badge";

/// Draws (or, with `None`, removes) the news badge inside `launcher`: a visible count hidden
/// from assistive technology, and the words ("1 new reply") in a visually hidden span, so the
/// launcher's accessible name becomes "Help 1 new reply" (the browser puts a space between the
/// two, as the hidden span is positioned). The launcher itself does not move.
fn set_badge(
    doc: &Document,
    launcher: &Element,
    badge: Option<&crate::ticket::news::BadgeView>,
) -> Result<(), JsValue> {
    while let Some(old) = launcher.query_selector(BADGE_SELECTOR)? {
        old.remove();
    }
    let Some(badge) = badge else {
        return Ok(());
    };
    let holder = make(doc, "span", BADGE_CLASS, &[], "")?;
    let count = badge.count.to_string();
    add(
        doc,
        &holder,
        "span",
        "lsw-badge-count",
        &[("aria-hidden", "true")],
        &count,
    )?;
    add(
        doc,
        &holder,
        "span",
        "lsw-visually-hidden",
        &[],
        &badge.label,
    )?;
    launcher.append_child(&holder)?;
    Ok(())
}
