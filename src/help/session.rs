//! One help session and the events it leaves, as plain state: [`HelpSession`] turns what the
//! learner does in the panel (opens an answer, sends a ticket, closes the panel) into
//! [`HelpEvent`]s, and [`EventQueue`] holds them until the browser layer sends a batch.
//!
//! A help session is the panel opened until it is closed or the page is left. Nothing here
//! knows the learner, the page or the clock; nothing here sends anything (the browser layer
//! does, with `sendBeacon` or a `keepalive` fetch, and a lost batch is acceptable).

use crate::help::events::{batch_json, HelpEvent, MAX_BATCH};

/// Events kept in memory while none can be sent; beyond this the oldest are dropped (the
/// figures are counts, and a tab left open for days must not grow without bound).
pub const MAX_QUEUED: usize = 500;

/// The answers opened in one help session and whether a ticket was sent during it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HelpSession {
    opened: Vec<String>,
    ticket: bool,
}

impl HelpSession {
    /// A session that starts now (the panel opened).
    pub fn new() -> HelpSession {
        HelpSession::default()
    }

    /// The learner opened the answer `faq`: counted each time, remembered once for
    /// [`HelpSession::ticket_sent`].
    pub fn answer_opened(&mut self, faq: &str) -> HelpEvent {
        if !self.opened.iter().any(|f| f == faq) {
            self.opened.push(faq.to_string());
        }
        HelpEvent::AnswerOpened {
            faq: faq.to_string(),
        }
    }

    /// A ticket was sent: one [`HelpEvent::TicketAfterAnswer`] for each answer opened before
    /// it in this session. Answers opened after a ticket count again before the next one.
    pub fn ticket_sent(&mut self) -> Vec<HelpEvent> {
        self.ticket = true;
        self.opened
            .drain(..)
            .map(|faq| HelpEvent::TicketAfterAnswer { faq })
            .collect()
    }

    /// The session ends (panel closed, page left).
    pub fn end(self) -> HelpEvent {
        HelpEvent::SessionEnded {
            ticket: self.ticket,
        }
    }
}

/// Events waiting to be sent, in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventQueue {
    events: Vec<HelpEvent>,
}

impl EventQueue {
    /// An empty queue.
    pub fn new() -> EventQueue {
        EventQueue::default()
    }

    /// Adds `event`, dropping the oldest beyond [`MAX_QUEUED`].
    pub fn push(&mut self, event: HelpEvent) {
        self.events.push(event);
        let excess = self.events.len().saturating_sub(MAX_QUEUED);
        self.events.drain(..excess);
    }

    /// How many events wait.
    pub fn len(&self) -> usize {
        self.events.len()
    }

    /// True when none wait.
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// Takes every waiting event as request bodies of at most [`MAX_BATCH`] events each
    /// ([`batch_json`]), oldest first; the queue is empty afterwards, whether or not the
    /// batches arrive.
    pub fn take_batches(&mut self) -> Vec<String> {
        let events = std::mem::take(&mut self.events);
        events.chunks(MAX_BATCH).map(batch_json).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::help::events::parse_batch;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn a_ticket_names_each_answer_opened_before_it_once() {
        let mut session = HelpSession::new();
        session.answer_opened("reset-password");
        session.answer_opened("upload-size");
        session.answer_opened("reset-password");
        assert_eq!(
            session.ticket_sent(),
            vec![
                HelpEvent::TicketAfterAnswer {
                    faq: "reset-password".into()
                },
                HelpEvent::TicketAfterAnswer {
                    faq: "upload-size".into()
                },
            ]
        );
        // A second ticket in the same session names nothing already counted.
        assert_eq!(session.ticket_sent(), vec![]);
        assert_eq!(session.end(), HelpEvent::SessionEnded { ticket: true });
    }

    #[test]
    fn a_session_without_a_ticket_ends_deflected() {
        let mut session = HelpSession::new();
        assert_eq!(
            session.answer_opened("reset-password"),
            HelpEvent::AnswerOpened {
                faq: "reset-password".into()
            }
        );
        assert_eq!(session.end(), HelpEvent::SessionEnded { ticket: false });
    }

    #[test]
    fn the_queue_sends_batches_of_at_most_fifty_that_the_server_accepts() {
        let mut queue = EventQueue::new();
        for i in 0..120 {
            queue.push(HelpEvent::AnswerOpened {
                faq: format!("faq-{i}"),
            });
        }
        let batches = queue.take_batches();
        assert!(queue.is_empty());
        let sizes: Vec<usize> = batches
            .iter()
            .map(|b| parse_batch(b).map(|events| events.len()).unwrap_or(0))
            .collect();
        assert_eq!(sizes, vec![50, 50, 20]);
        assert_eq!(
            parse_batch(&batches[2])
                .ok()
                .and_then(|e| e.last().cloned()),
            Some(HelpEvent::AnswerOpened {
                faq: "faq-119".into()
            })
        );
        assert!(queue.take_batches().is_empty());
    }

    #[test]
    fn a_queue_that_cannot_send_keeps_only_the_newest() {
        let mut queue = EventQueue::new();
        for i in 0..(MAX_QUEUED + 10) {
            queue.push(HelpEvent::NoResult {
                terms: format!("t{i}"),
            });
        }
        assert_eq!(queue.len(), MAX_QUEUED);
        let first = parse_batch(&queue.take_batches()[0]).unwrap_or_default();
        assert_eq!(
            first[0],
            HelpEvent::NoResult {
                terms: "t10".into()
            }
        );
    }
}
