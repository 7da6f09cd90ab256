//! The outbox state machine of design §7 over fault sequences: timeouts, `5xx`, `429`, offline
//! then online, a tab dying between send and acknowledge, final `4xx`, corrupt storage. The
//! clock and the random draws are the test's, so every run is the same. The last tests drive a
//! fake server through thousands of random fault sequences and count the tickets it made.

// Also run on wasm32 (usize is 32 bits there), in the browser run.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use std::collections::{BTreeMap, HashSet};

use lms_support_widget::ticket::outbox::{
    backoff_seconds, idempotency_key, Entry, EntryState, Finished, Lease, Outbox,
    BACKOFF_BASE_SECONDS, BACKOFF_CAP_SECONDS, BACKOFF_MIN_SECONDS, MAX_IN_FLIGHT,
    MAX_LEASE_SECONDS,
};
use lms_support_widget::ticket::request::{interpret_create, Receipt, SendOutcome};
use lms_support_widget::ticket::FieldError;
use lms_support_widget::time::Timestamp;

const T0: Timestamp = Timestamp(1_800_000_000);
const LEASE: i64 = 30;

/// splitmix64: a small seeded PRNG so property loops are reproducible.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

fn receipt(n: u32) -> Receipt {
    Receipt {
        id: n.to_string(),
        number: format!("ACME-{n:06}"),
        token: format!("tok-{n}"),
        status: "open".into(),
        priority: "routine".into(),
        response_due_at: T0.plus(8 * 3600),
    }
}

fn one(key: &str) -> Outbox {
    let mut outbox = Outbox::default();
    outbox.enqueue(
        key.into(),
        format!(r#"{{"subject":"{key}"}}"#),
        key.into(),
        T0,
    );
    outbox
}

fn entry<'a>(outbox: &'a Outbox, key: &str) -> &'a Entry {
    outbox.get(key).expect("entry present")
}

fn retry(reason: &str) -> SendOutcome {
    SendOutcome::Retry(reason.into())
}

#[test]
fn enqueued_entries_are_due_at_once_and_saved_before_sending() {
    let outbox = one("k1");
    let e = entry(&outbox, "k1");
    assert_eq!(e.state, EntryState::Queued);
    assert_eq!((e.attempts, e.next_attempt_at, e.created_at), (0, T0, T0));
    assert_eq!(outbox.next_due(T0).map(|e| e.key.as_str()), Some("k1"));
    // What the browser layer stores before the network call holds the key and the body.
    let stored = Outbox::from_json(&outbox.to_json());
    assert_eq!(stored, outbox);
}

#[test]
fn the_same_key_twice_is_one_entry() {
    let mut outbox = one("k1");
    outbox.enqueue(
        "k1".into(),
        "{\"other\":1}".into(),
        "other".into(),
        T0.plus(5),
    );
    assert_eq!(outbox.entries().len(), 1);
    assert_eq!(entry(&outbox, "k1").body_json, r#"{"subject":"k1"}"#);
}

#[test]
fn accepted_leaves_the_outbox_with_the_receipt() {
    let mut outbox = one("k1");
    assert!(outbox.begin_send("k1", T0, LEASE));
    let finished = outbox.finish(
        "k1",
        &SendOutcome::Accepted(receipt(1)),
        T0.plus(1),
        &mut || 0.5,
    );
    assert_eq!(finished, Finished::Sent(receipt(1)));
    assert!(outbox.is_empty());
    assert_eq!(outbox.next_wake(T0), None);
}

#[test]
fn begin_send_claims_only_due_entries() {
    let mut outbox = one("k1");
    assert!(!outbox.begin_send("nope", T0, LEASE));
    assert!(outbox.begin_send("k1", T0, LEASE));
    assert_eq!(
        entry(&outbox, "k1").state,
        EntryState::Sending {
            lease_until: T0.plus(LEASE)
        }
    );
    // A second tab (or a second timer) cannot claim it while the lease lives.
    assert!(!outbox.begin_send("k1", T0.plus(LEASE - 1), LEASE));
    assert_eq!(outbox.next_due(T0.plus(LEASE - 1)), None);
    assert_eq!(outbox.next_wake(T0), Some(T0.plus(LEASE)));
}

#[test]
fn timeouts_and_5xx_back_off_and_keep_the_key() {
    let mut outbox = one("k1");
    let mut now = T0;
    let mut last_at = T0;
    for (i, outcome) in [
        retry("timeout"),
        interpret_create(500, None, "", now),
        interpret_create(502, None, "", now),
        interpret_create(0, None, "", now),
        interpret_create(504, None, "", now),
    ]
    .iter()
    .enumerate()
    {
        assert!(outbox.begin_send("k1", now, LEASE), "attempt {i}");
        // Draw the top of the range: the wait is the ceiling itself.
        let finished = outbox.finish("k1", outcome, now, &mut || 0.999_999_999);
        let ceiling = (BACKOFF_BASE_SECONDS << i).min(BACKOFF_CAP_SECONDS);
        let Finished::WillRetry { at, reason } = finished else {
            panic!("{finished:?}");
        };
        assert_eq!(at, now.plus(ceiling - 1), "attempt {i}");
        let e = entry(&outbox, "k1");
        assert_eq!((e.attempts, e.next_attempt_at), (i as u32 + 1, at));
        assert_eq!(e.last_error.as_deref(), Some(reason.as_str()));
        assert_eq!(e.key, "k1");
        // Not due a second early.
        assert_eq!(outbox.next_due(at.plus(-1)), None);
        assert_eq!(outbox.next_wake(now), Some(at));
        last_at = at;
        now = at;
    }
    assert_eq!(
        entry(&outbox, "k1").last_error.as_deref(),
        Some("server error 504")
    );
    assert!(last_at > T0);
}

#[test]
fn backoff_stays_within_its_bounds() {
    let mut rng = Rng(7);
    for attempts in 0..200u32 {
        let ceiling = BACKOFF_BASE_SECONDS
            .saturating_mul(1i64 << attempts.min(40))
            .min(BACKOFF_CAP_SECONDS);
        for _ in 0..50 {
            let d = backoff_seconds(attempts, rng.unit());
            assert!(d >= BACKOFF_MIN_SECONDS && d <= ceiling, "{attempts}: {d}");
            assert!(d <= BACKOFF_CAP_SECONDS);
        }
    }
    // Out-of-range draws are clamped, never a panic or a negative wait.
    for r in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -3.0, 1.0, 7.5] {
        let d = backoff_seconds(3, r);
        assert!((BACKOFF_MIN_SECONDS..=40).contains(&d), "{r}: {d}");
    }
    assert_eq!(backoff_seconds(u32::MAX, 0.5), BACKOFF_CAP_SECONDS / 2);
    // Full jitter: the draw spreads tabs over the whole range.
    assert_eq!(backoff_seconds(10, 0.0), BACKOFF_MIN_SECONDS);
    assert_eq!(backoff_seconds(10, 0.5), 450);
}

#[test]
fn rate_limits_wait_at_least_retry_after_even_when_online_again() {
    let mut rng = Rng(11);
    for retry_after in [0, 1, 3, 60, 120, 3600, 86_400] {
        let mut outbox = one("k1");
        for _ in 0..4 {
            // Several failures first, so the jitter ceiling is above some Retry-After values.
            let t = entry(&outbox, "k1").next_attempt_at;
            assert!(outbox.begin_send("k1", t, LEASE));
            outbox.finish("k1", &retry("timeout"), t, &mut || rng.unit());
        }
        let t = entry(&outbox, "k1").next_attempt_at;
        assert!(outbox.begin_send("k1", t, LEASE));
        let outcome = interpret_create(429, Some(&retry_after.to_string()), "", t);
        let Finished::WillRetry { at, reason } =
            outbox.finish("k1", &outcome, t, &mut || rng.unit())
        else {
            panic!("not a retry");
        };
        assert!(at >= t.plus(retry_after), "{retry_after}: {at:?}");
        assert_eq!(reason, format!("the server asked to wait {retry_after} s"));
        // The `online` event or a reload does not override what the server asked.
        outbox.retry_now(t.plus(1));
        let next = entry(&outbox, "k1").next_attempt_at;
        assert_eq!(next, at.min(t.plus(retry_after.max(1))), "{retry_after}");
        if retry_after > 0 {
            assert_eq!(outbox.next_due(t.plus(retry_after - 1)), None);
        }
        assert!(outbox.next_due(next).is_some());
    }
    // A 503 with Retry-After, and a RetryAfter far beyond the one-day cap.
    let mut outbox = one("k2");
    outbox.begin_send("k2", T0, LEASE);
    let f = outbox.finish(
        "k2",
        &interpret_create(503, Some("45"), "", T0),
        T0,
        &mut || 0.0,
    );
    assert!(matches!(f, Finished::WillRetry { at, .. } if at == T0.plus(45)));
    outbox.begin_send("k2", T0.plus(45), LEASE);
    let f = outbox.finish(
        "k2",
        &SendOutcome::RetryAfter(i64::MAX),
        T0.plus(45),
        &mut || 0.0,
    );
    assert!(matches!(f, Finished::WillRetry { at, .. } if at == T0.plus(45 + 86_400)));
}

#[test]
fn offline_then_online_sends_at_once() {
    let mut outbox = one("k1");
    let mut now = T0;
    // Offline for a while: the waits grow towards the cap.
    for _ in 0..12 {
        now = entry(&outbox, "k1").next_attempt_at;
        assert!(outbox.begin_send("k1", now, LEASE));
        outbox.finish("k1", &retry("network error"), now, &mut || 0.9);
    }
    let e = entry(&outbox, "k1");
    assert!(e.next_attempt_at > now.plus(600), "{:?}", e.next_attempt_at);
    assert_eq!(e.last_error.as_deref(), Some("network error"));
    // The `online` event.
    let online = now.plus(5);
    outbox.retry_now(online);
    assert_eq!(entry(&outbox, "k1").next_attempt_at, online);
    assert_eq!(outbox.next_due(online).map(|e| e.key.as_str()), Some("k1"));
    assert!(outbox.begin_send("k1", online, LEASE));
    assert_eq!(
        outbox.finish(
            "k1",
            &SendOutcome::Accepted(receipt(3)),
            online,
            &mut || 0.9
        ),
        Finished::Sent(receipt(3))
    );
    assert!(outbox.is_empty());
}

#[test]
fn retry_now_leaves_live_leases_and_failed_entries_alone() {
    let mut outbox = one("sending");
    outbox.enqueue("failed".into(), "{}".into(), "f".into(), T0);
    outbox.enqueue("later".into(), "{}".into(), "l".into(), T0);
    assert!(outbox.begin_send("sending", T0, LEASE));
    assert!(outbox.begin_send("failed", T0, LEASE));
    outbox.finish(
        "failed",
        &SendOutcome::Rejected {
            status: 400,
            errors: vec![],
        },
        T0,
        &mut || 0.5,
    );
    assert!(outbox.begin_send("later", T0, LEASE));
    outbox.finish("later", &retry("timeout"), T0, &mut || 0.5);
    let before = outbox.clone();
    outbox.retry_now(T0.plus(1));
    assert_eq!(
        entry(&outbox, "sending").state,
        before.get("sending").unwrap().state
    );
    assert_eq!(entry(&outbox, "failed"), before.get("failed").unwrap());
    assert_eq!(entry(&outbox, "later").next_attempt_at, T0.plus(1));
    // The only due entry is the queued one; the lease holder keeps its claim.
    assert_eq!(
        outbox.next_due(T0.plus(1)).map(|e| e.key.as_str()),
        Some("later")
    );
    assert!(!outbox.begin_send("sending", T0.plus(1), LEASE));
    // retry_now never delays an entry that was already due earlier.
    let mut early = one("k");
    early.retry_now(T0.plus(100));
    assert_eq!(entry(&early, "k").next_attempt_at, T0);
}

#[test]
fn a_crash_between_send_and_acknowledge_resends_with_the_same_key() {
    let mut tab = one("the-key");
    assert!(tab.begin_send("the-key", T0, LEASE));
    // Saved with the lease, then the tab dies before the answer arrives.
    let stored = tab.to_json();
    drop(tab);

    // Reload before the lease ends: nothing is due (the first tab might still be alive).
    let mut reloaded = Outbox::from_json(&stored);
    reloaded.retry_now(T0.plus(5));
    assert_eq!(reloaded.next_due(T0.plus(5)), None);
    assert_eq!(reloaded.next_wake(T0.plus(5)), Some(T0.plus(LEASE)));

    // After the lease: due again, same key, same body, the lost attempt counted.
    let after = T0.plus(LEASE);
    let due = reloaded.next_due(after).expect("due after the lease");
    assert_eq!(due.key, "the-key");
    assert_eq!(due.body_json, r#"{"subject":"the-key"}"#);
    assert!(reloaded.begin_send("the-key", after, LEASE));
    let e = entry(&reloaded, "the-key");
    assert_eq!(e.attempts, 1);
    assert_eq!(
        e.last_error.as_deref(),
        Some("interrupted before the answer arrived")
    );
    // The server already had it under this key: it replays the ticket with 200.
    let replay = r#"{"id":"9","number":"ACME-000009","token":"t9","status":"open",
                     "priority":"routine","response_due_at":"2027-01-15T16:00:00Z"}"#;
    let outcome = interpret_create(200, None, replay, after);
    assert!(matches!(
        reloaded.finish("the-key", &outcome, after, &mut || 0.5),
        Finished::Sent(r) if r.number == "ACME-000009"
    ));
    assert!(reloaded.is_empty());
}

#[test]
fn a_clock_that_went_back_cannot_strand_an_entry() {
    // Saved with a lease and a Retry-After wait, then the learner's clock moved back a week.
    let mut outbox = one("leased");
    outbox.enqueue("waiting".into(), "{}".into(), "w".into(), T0);
    assert!(outbox.begin_send("leased", T0, 1_000_000));
    assert_eq!(
        entry(&outbox, "leased").state,
        EntryState::Sending {
            lease_until: T0.plus(MAX_LEASE_SECONDS)
        }
    );
    assert!(outbox.begin_send("waiting", T0, LEASE));
    outbox.finish("waiting", &SendOutcome::RetryAfter(3600), T0, &mut || 0.0);
    let back = T0.plus(-7 * 86_400);
    let mut reloaded = Outbox::from_json(&outbox.to_json());
    reloaded.retry_now(back);
    // The lease ends further ahead than any lease could: lapsed.
    assert_eq!(
        reloaded.next_due(back).map(|e| e.key.as_str()),
        Some("leased")
    );
    // The server's wait is capped at a day from the (new) now.
    assert_eq!(
        entry(&reloaded, "waiting").next_attempt_at,
        back.plus(86_400)
    );
    assert_eq!(reloaded.next_wake(back), Some(back.plus(86_400)));
}

#[test]
fn final_4xx_keeps_the_draft_as_failed() {
    let mut outbox = one("k1");
    assert!(outbox.begin_send("k1", T0, LEASE));
    let errors = vec![FieldError {
        field: "email".into(),
        code: "invalid_email".into(),
    }];
    let outcome = interpret_create(
        422,
        None,
        r#"{"errors":[{"field":"email","code":"invalid_email"}]}"#,
        T0,
    );
    assert_eq!(
        outbox.finish("k1", &outcome, T0, &mut || 0.5),
        Finished::Failed {
            status: 422,
            errors: errors.clone()
        }
    );
    let e = entry(&outbox, "k1");
    assert_eq!(
        e.state,
        EntryState::Failed {
            status: 422,
            errors
        }
    );
    assert_eq!(e.body_json, r#"{"subject":"k1"}"#);
    assert_eq!(e.last_error.as_deref(), Some("rejected with status 422"));
    // Never sent again by itself, not even when the network comes back.
    outbox.retry_now(T0.plus(10));
    assert_eq!(outbox.next_due(T0.plus(1_000_000)), None);
    assert_eq!(outbox.next_wake(T0), None);
    assert!(!outbox.begin_send("k1", T0.plus(1_000_000), LEASE));
    // It survives a reload, and the learner discards it.
    let mut reloaded = Outbox::from_json(&outbox.to_json());
    assert_eq!(reloaded, outbox);
    let removed = reloaded.remove("k1").expect("removed");
    assert_eq!(removed.key, "k1");
    assert!(reloaded.is_empty());
    assert_eq!(reloaded.remove("k1"), None);
}

#[test]
fn finishing_an_unknown_key_changes_nothing_but_keeps_a_receipt() {
    let mut outbox = one("k1");
    let before = outbox.clone();
    assert_eq!(
        outbox.finish("gone", &retry("timeout"), T0, &mut || 0.5),
        Finished::NotFound
    );
    assert_eq!(
        outbox.finish(
            "gone",
            &SendOutcome::Rejected {
                status: 400,
                errors: vec![]
            },
            T0,
            &mut || 0.5
        ),
        Finished::NotFound
    );
    assert_eq!(
        outbox.finish("gone", &SendOutcome::Accepted(receipt(5)), T0, &mut || 0.5),
        Finished::Sent(receipt(5))
    );
    assert_eq!(outbox, before);
}

#[test]
fn two_entries_go_oldest_first() {
    let mut outbox = Outbox::default();
    outbox.enqueue("newer".into(), "{}".into(), "b".into(), T0.plus(10));
    outbox.enqueue("older".into(), "{}".into(), "a".into(), T0);
    outbox.enqueue("same-time".into(), "{}".into(), "c".into(), T0.plus(10));
    let now = T0.plus(10);
    let order: Vec<String> = std::iter::from_fn(|| {
        let key = outbox.next_due(now)?.key.clone();
        assert!(outbox.begin_send(&key, now, LEASE));
        outbox.finish(&key, &SendOutcome::Accepted(receipt(1)), now, &mut || 0.5);
        Some(key)
    })
    .collect();
    assert_eq!(order, ["older", "newer", "same-time"]);

    // The older entry waits for its backoff; the newer one is due meanwhile.
    let mut outbox = Outbox::default();
    outbox.enqueue("a".into(), "{}".into(), "a".into(), T0);
    outbox.enqueue("b".into(), "{}".into(), "b".into(), T0.plus(1));
    outbox.begin_send("a", T0, LEASE);
    outbox.finish("a", &retry("timeout"), T0.plus(1), &mut || 0.99);
    assert_eq!(
        outbox.next_due(T0.plus(1)).map(|e| e.key.as_str()),
        Some("b")
    );
    assert_eq!(
        outbox.next_due(T0.plus(100)).map(|e| e.key.as_str()),
        Some("a")
    );
}

#[test]
fn round_trip_preserves_everything() {
    let mut outbox = Outbox::default();
    let body =
        "{\"subject\":\"Ünïcode \\\"quoted\\\" \\n line\",\"context\":{\"z\":\"1\",\"a\":\"2\"}}";
    outbox.enqueue("queued".into(), body.into(), "Ünïcode ✓".into(), T0);
    outbox.enqueue("sending".into(), "{}".into(), "s".into(), T0.plus(1));
    outbox.enqueue(
        "failed".into(),
        "not even json".into(),
        String::new(),
        T0.plus(2),
    );
    outbox.enqueue("waiting".into(), "{}".into(), "w".into(), Timestamp(-5));
    outbox.begin_send("failed", T0.plus(2), LEASE);
    outbox.finish(
        "failed",
        &SendOutcome::Rejected {
            status: 413,
            errors: vec![FieldError {
                field: "attachments[0]".into(),
                code: "too_large".into(),
            }],
        },
        T0.plus(3),
        &mut || 0.5,
    );
    outbox.begin_send("waiting", T0, LEASE);
    outbox.finish("waiting", &SendOutcome::RetryAfter(90), T0, &mut || 0.25);
    outbox.begin_send("sending", T0.plus(4), LEASE);
    let json = outbox.to_json();
    let back = Outbox::from_json(&json);
    assert_eq!(back, outbox);
    assert_eq!(back.to_json(), json);
    assert_eq!(back.get("queued").unwrap().body_json, body);
    assert_eq!(back.get("waiting").unwrap().not_before, Some(T0.plus(90)));
}

#[test]
fn corrupt_storage_loads_empty_or_partial() {
    for text in [
        "",
        "null",
        "42",
        "[]",
        "{",
        "{\"entries\": 5}",
        "{\"entries\": {}}",
        "\u{0}\u{ffff}",
        "{\"version\": 1}",
    ] {
        assert!(Outbox::from_json(text).is_empty(), "{text:?}");
    }
    let partial = r#"{"version": 1, "entries": [
        {"key": "good", "body": "{}", "subject": "ok", "created_at": 5, "attempts": 2,
         "next_attempt_at": 50, "state": {"kind": "queued"}},
        {"key": "", "body": "{}"},
        {"body": "{}"},
        {"key": "no-body"},
        {"key": 7, "body": "{}"},
        "junk", null, 12,
        {"key": "good", "body": "duplicate"},
        {"key": "minimal", "body": "{\"b\":1}"},
        {"key": "odd", "body": "{}", "created_at": "yesterday", "attempts": -1,
         "next_attempt_at": 1.5, "state": {"kind": "sending"}, "last_error": 3},
        {"key": "bad-failed", "body": "{}", "created_at": 9,
         "state": {"kind": "failed", "status": 99999, "errors": [{"field": 1}, "x", {"field": "f", "code": "c"}]}},
        {"key": "alien", "body": "{}", "state": {"kind": "teleporting"}, "attempts": 99999999999}
    ]}"#;
    let outbox = Outbox::from_json(partial);
    let keys: Vec<&str> = outbox.entries().iter().map(|e| e.key.as_str()).collect();
    assert_eq!(keys, ["good", "minimal", "odd", "bad-failed", "alien"]);
    let good = entry(&outbox, "good");
    assert_eq!(
        (good.attempts, good.next_attempt_at, good.body_json.as_str()),
        (2, Timestamp(50), "{}")
    );
    let minimal = entry(&outbox, "minimal");
    assert_eq!(minimal.state, EntryState::Queued);
    assert_eq!(
        (minimal.attempts, minimal.next_attempt_at),
        (0, Timestamp(0))
    );
    // A lease without an end counts as lapsed: due now, never stuck.
    let odd = entry(&outbox, "odd");
    assert_eq!(odd.attempts, 0);
    assert_eq!(odd.last_error, None);
    assert!(matches!(odd.state, EntryState::Sending { lease_until } if lease_until <= T0));
    assert_eq!(
        entry(&outbox, "bad-failed").state,
        EntryState::Failed {
            status: 0,
            errors: vec![FieldError {
                field: "f".into(),
                code: "c".into()
            }]
        }
    );
    let alien = entry(&outbox, "alien");
    assert_eq!(
        (alien.state.clone(), alien.attempts),
        (EntryState::Queued, u32::MAX)
    );
    // Everything loaded can still be sent, and backoff after u32::MAX attempts is capped.
    let mut outbox = outbox;
    assert!(outbox.begin_send("alien", T0, LEASE));
    let f = outbox.finish("alien", &retry("timeout"), T0, &mut || 0.999);
    assert!(matches!(f, Finished::WillRetry { at, .. } if at <= T0.plus(BACKOFF_CAP_SECONDS)));
    assert_eq!(entry(&outbox, "alien").attempts, u32::MAX);
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = Rng(99);
    let pieces = [
        "{",
        "}",
        "[",
        "]",
        "\"entries\"",
        ":",
        ",",
        "\"key\"",
        "\"k\"",
        "\"body\"",
        "\"state\"",
        "{\"kind\":\"sending\"}",
        "\"failed\"",
        "1e400",
        "-9223372036854775808",
        "null",
        "\"",
    ];
    for _ in 0..5000 {
        let text: String = (0..rng.below(30))
            .map(|_| pieces[rng.below(pieces.len() as u64) as usize])
            .collect();
        let outbox = Outbox::from_json(&text);
        let _ = outbox.next_due(Timestamp(i64::MAX));
        let _ = outbox.next_wake(Timestamp(i64::MIN));
    }
    // Extreme clocks.
    let mut outbox = Outbox::default();
    outbox.enqueue("k".into(), "{}".into(), "s".into(), Timestamp(i64::MAX));
    assert!(outbox.begin_send("k", Timestamp(i64::MAX), i64::MAX));
    outbox.finish(
        "k",
        &SendOutcome::RetryAfter(i64::MAX),
        Timestamp(i64::MAX),
        &mut || 2.0,
    );
    assert_eq!(Outbox::from_json(&outbox.to_json()), outbox);
}

#[test]
fn lease_lets_one_tab_send_at_a_time() {
    let a = Lease::try_acquire(None, "tab-a", T0, 10).expect("free");
    assert!(Lease::holds(Some(&a), "tab-a", T0.plus(9)));
    assert!(!Lease::holds(Some(&a), "tab-a", T0.plus(10)));
    assert!(!Lease::holds(Some(&a), "tab-b", T0));
    assert_eq!(Lease::try_acquire(Some(&a), "tab-b", T0.plus(9), 10), None);
    // The holder renews.
    let renewed = Lease::try_acquire(Some(&a), "tab-a", T0.plus(9), 10).expect("renewed");
    assert_eq!(
        Lease::parse(&renewed),
        Some(Lease {
            holder: "tab-a".into(),
            until: T0.plus(19)
        })
    );
    // A lapsed lease (the tab closed) is taken over.
    let b = Lease::try_acquire(Some(&renewed), "tab-b", T0.plus(19), 10).expect("lapsed");
    assert!(Lease::holds(Some(&b), "tab-b", T0.plus(19)));
    // Only the holder releases; garbage counts as free and may be cleared by anyone.
    assert!(!Lease::release(Some(&b), "tab-a"));
    assert!(Lease::release(Some(&b), "tab-b"));
    assert!(!Lease::release(None, "tab-a"));
    for junk in [
        "",
        "{",
        "[]",
        "{\"holder\":1,\"until\":2}",
        "{\"holder\":\"x\"}",
    ] {
        assert!(
            Lease::try_acquire(Some(junk), "tab-a", T0, 10).is_some(),
            "{junk}"
        );
        assert!(Lease::release(Some(junk), "tab-a"), "{junk}");
        assert!(!Lease::holds(Some(junk), "tab-a", T0), "{junk}");
    }
}

/// A vendor API with idempotency: one ticket per key, replays answered with 200.
#[derive(Default)]
struct FakeServer {
    tickets: BTreeMap<String, (u32, String)>,
    keys_received: HashSet<String>,
    requests: u32,
    replays: u32,
}

impl FakeServer {
    /// Handles one create; `Some((status, body))` is what the server answered.
    fn create(&mut self, key: &str, body: &str) -> (u16, String) {
        self.requests += 1;
        self.keys_received.insert(key.to_string());
        let next = self.tickets.len() as u32 + 1;
        let (status, (n, stored_body)) = match self.tickets.get(key) {
            Some(t) => {
                self.replays += 1;
                (200, t.clone())
            }
            None => {
                self.tickets
                    .insert(key.to_string(), (next, body.to_string()));
                (201, (next, body.to_string()))
            }
        };
        assert_eq!(stored_body, body, "the same key came with a different body");
        let json = format!(
            r#"{{"id":"{n}","number":"ACME-{n:06}","token":"t{n}","status":"open","priority":"routine","response_due_at":"2027-01-15T16:00:00Z"}}"#
        );
        (status, json)
    }
}

/// What happened to one request in a simulated run.
#[derive(Clone, Copy, Debug)]
enum Fault {
    /// The server answers.
    Ok,
    /// The request never arrives (offline, DNS, CORS preflight failed).
    Offline,
    /// The server made the ticket but the answer was lost (timeout, connection reset).
    LostAnswer,
    /// The server made the ticket, then the tab died before saving the answer.
    CrashAfterSend,
    /// The tab died before the request left.
    CrashBeforeSend,
    /// 500/502/503 without Retry-After.
    ServerError(u16),
    /// 429 with Retry-After.
    RateLimited(i64),
    /// 200/201 with a body that is not a receipt (a proxy's page).
    Garbled,
}

fn pick_fault(rng: &mut Rng) -> Fault {
    match rng.below(16) {
        0..=4 => Fault::Ok,
        5 | 6 => Fault::Offline,
        7 | 8 => Fault::LostAnswer,
        9 => Fault::CrashAfterSend,
        10 => Fault::CrashBeforeSend,
        11 => Fault::ServerError([500, 502, 503, 504][rng.below(4) as usize]),
        12 | 13 => Fault::RateLimited(rng.below(400) as i64),
        _ => Fault::Garbled,
    }
}

/// Runs one browser session-by-session simulation; returns the receipts the learner saw.
fn simulate(seed: u64, tickets: usize) -> (FakeServer, Vec<Receipt>, Outbox) {
    let mut rng = Rng(seed);
    let mut server = FakeServer::default();
    let mut stored = Outbox::default().to_json();
    let mut now = T0;
    let mut seen = Vec::new();
    let mut keys_made = Vec::new();
    let mut bodies: BTreeMap<String, String> = BTreeMap::new();
    let mut steps = 0;
    // Each loop iteration is one "page load" of the tab; crashes end it.
    'session: loop {
        let mut outbox = Outbox::from_json(&stored);
        outbox.retry_now(now);
        loop {
            steps += 1;
            assert!(steps < 100_000, "seed {seed}: no progress");
            // The learner files tickets now and then.
            if keys_made.len() < tickets && rng.below(3) == 0 {
                let key = format!("key-{seed}-{}", keys_made.len());
                let body = format!(r#"{{"subject":"ticket {}"}}"#, keys_made.len());
                outbox.enqueue(key.clone(), body.clone(), "s".into(), now);
                stored = outbox.to_json();
                bodies.insert(key.clone(), body);
                keys_made.push(key);
            }
            let Some(due) = outbox.next_due(now) else {
                match outbox.next_wake(now) {
                    Some(t) => now = t,
                    None if keys_made.len() < tickets => now = now.plus(1 + rng.below(30) as i64),
                    None => break 'session,
                }
                continue;
            };
            let (key, body) = (due.key.clone(), due.body_json.clone());
            assert_eq!(bodies.get(&key), Some(&body), "stored body changed");
            assert!(outbox.begin_send(&key, now, LEASE));
            stored = outbox.to_json();
            let fault = pick_fault(&mut rng);
            now = now.plus(rng.below(5) as i64);
            let (status, retry_after, answer) = match fault {
                Fault::Ok | Fault::LostAnswer | Fault::CrashAfterSend => {
                    let (status, answer) = server.create(&key, &body);
                    match fault {
                        Fault::LostAnswer => (0, None, String::new()),
                        Fault::CrashAfterSend => continue 'session,
                        _ => (status, None, answer),
                    }
                }
                Fault::CrashBeforeSend => continue 'session,
                Fault::Offline => (0, None, String::new()),
                Fault::ServerError(s) => (s, None, "<h1>oops</h1>".into()),
                Fault::RateLimited(s) => (429, Some(s.to_string()), String::new()),
                Fault::Garbled => {
                    let _ = server.create(&key, &body);
                    (200, None, "<html>captive portal</html>".into())
                }
            };
            let outcome = interpret_create(status, retry_after.as_deref(), &answer, now);
            let before = now;
            match outbox.finish(&key, &outcome, now, &mut || rng.unit()) {
                Finished::Sent(r) => seen.push(r),
                Finished::WillRetry { at, .. } => {
                    assert!(at > before && at <= before.plus(BACKOFF_CAP_SECONDS.max(400)));
                    if let SendOutcome::RetryAfter(s) = outcome {
                        assert!(at >= before.plus(s));
                    }
                }
                other => panic!("seed {seed}: {other:?}"),
            }
            stored = outbox.to_json();
            // Sometimes the network comes back or the tab becomes visible.
            if rng.below(8) == 0 {
                outbox.retry_now(now);
                stored = outbox.to_json();
            }
        }
    }
    let outbox = Outbox::from_json(&stored);
    (server, seen, outbox)
}

#[test]
fn every_ticket_reaches_the_server_exactly_once_under_random_faults() {
    let (mut requests, mut replays) = (0, 0);
    for seed in 0..2000 {
        let tickets = 1 + (seed % 4) as usize;
        let (server, seen, outbox) = simulate(seed, tickets);
        assert!(
            outbox.is_empty(),
            "seed {seed}: left {:?}",
            outbox.entries()
        );
        // Exactly once: one ticket per key, every key made was received, and no other keys.
        assert_eq!(server.tickets.len(), tickets, "seed {seed}");
        assert_eq!(server.keys_received.len(), tickets, "seed {seed}");
        // The learner saw each ticket once, with the number the server gave its key.
        let mut numbers: Vec<&str> = seen.iter().map(|r| r.number.as_str()).collect();
        numbers.sort_unstable();
        numbers.dedup();
        assert_eq!(numbers.len(), tickets, "seed {seed}");
        assert_eq!(seen.len(), tickets, "seed {seed}");
        assert!(server.requests >= tickets as u32);
        requests += server.requests;
        replays += server.replays;
    }
    // The faults did happen: many sends were repeats the server answered from its key store.
    assert!(replays > 1000, "{replays} replays in {requests} requests");
}

fn several(keys: &[&str]) -> Outbox {
    let mut outbox = Outbox::default();
    for key in keys {
        outbox.enqueue(
            (*key).into(),
            format!(r#"{{"subject":"{key}"}}"#),
            (*key).into(),
            T0,
        );
    }
    outbox
}

fn keys(entries: &[Entry]) -> Vec<&str> {
    entries.iter().map(|e| e.key.as_str()).collect()
}

#[test]
fn a_hanging_send_does_not_hold_up_the_tickets_filed_after_it() {
    // The learner files "first"; its request hangs until the fetch times out 30 s later.
    let mut outbox = several(&["first"]);
    let claimed = outbox.begin_due(T0, LEASE, MAX_IN_FLIGHT);
    assert_eq!(keys(&claimed), ["first"]);
    let mut in_flight = vec!["first".to_string()];

    // Two seconds later they file "second": it goes at once, beside the hanging one.
    let now = T0.plus(2);
    outbox.enqueue("second".into(), "{}".into(), "s".into(), now);
    let claimed = outbox.begin_due(now, LEASE, MAX_IN_FLIGHT - in_flight.len());
    assert_eq!(keys(&claimed), ["second"]);
    in_flight.push("second".into());
    assert!(matches!(
        outbox.finish(
            "second",
            &SendOutcome::Accepted(receipt(2)),
            now.plus(1),
            &mut || 0.5
        ),
        Finished::Sent(_)
    ));
    in_flight.retain(|k| k != "second");
    assert_eq!(
        keys(outbox.entries()),
        ["first"],
        "second is stored while first hangs"
    );

    // The hanging request times out; "first" backs off alone and then goes under its key.
    let timeout = T0.plus(30);
    let Finished::WillRetry { at, .. } =
        outbox.finish("first", &retry("timeout"), timeout, &mut || 0.5)
    else {
        panic!("a timeout is retried");
    };
    assert!(outbox
        .begin_due(at.plus(-1), LEASE, MAX_IN_FLIGHT)
        .is_empty());
    assert_eq!(keys(&outbox.begin_due(at, LEASE, MAX_IN_FLIGHT)), ["first"]);
}

#[test]
fn begin_due_claims_the_oldest_due_entries_up_to_the_limit() {
    let mut outbox = several(&["a", "b", "c", "d", "e"]);
    let now = T0.plus(10);
    // "a" waits for its backoff, "b" was refused for good: neither holds back "c" and "d".
    assert!(outbox.begin_send("a", now, LEASE));
    outbox.finish("a", &retry("server error 503"), now, &mut || 0.99);
    let a_due = entry(&outbox, "a").next_attempt_at;
    assert!(outbox.begin_send("b", now, LEASE));
    outbox.finish(
        "b",
        &SendOutcome::Rejected {
            status: 422,
            errors: vec![],
        },
        now,
        &mut || 0.5,
    );
    assert!(outbox.begin_due(now, LEASE, 0).is_empty());
    let claimed = outbox.begin_due(now, LEASE, 2);
    assert_eq!(keys(&claimed), ["c", "d"]);
    for e in &claimed {
        assert_eq!(
            e.state,
            EntryState::Sending {
                lease_until: now.plus(LEASE)
            }
        );
    }
    // Claimed entries are not claimed twice; the rest goes as slots free up.
    assert_eq!(keys(&outbox.begin_due(now, LEASE, MAX_IN_FLIGHT)), ["e"]);
    assert!(outbox.begin_due(now, LEASE, MAX_IN_FLIGHT).is_empty());
    // Other entries' sends never moved "a"'s retry.
    assert_eq!(entry(&outbox, "a").next_attempt_at, a_due);
    assert_eq!(keys(&outbox.begin_due(a_due, LEASE, 1)), ["a"]);
}

#[test]
fn renewed_leases_keep_a_slow_send_from_being_taken_for_a_dead_one() {
    let mut outbox = several(&["slow", "queued"]);
    outbox.begin_due(T0, LEASE, 1);
    // The sender renews every 10 s while the request is out; the entry never falls due.
    let mut now = T0;
    for _ in 0..6 {
        now = now.plus(10);
        outbox.renew(&["slow".to_string(), "unknown".to_string()], now, LEASE);
        assert!(!outbox.begin_send("slow", now, LEASE), "at {now:?}");
        assert_eq!(
            entry(&outbox, "slow").state,
            EntryState::Sending {
                lease_until: now.plus(LEASE)
            }
        );
    }
    // Renewing leaves queued entries queued, and a lease never exceeds the maximum.
    assert_eq!(entry(&outbox, "queued").state, EntryState::Queued);
    outbox.renew(&["slow".to_string()], now, i64::MAX);
    assert_eq!(
        entry(&outbox, "slow").state,
        EntryState::Sending {
            lease_until: now.plus(MAX_LEASE_SECONDS)
        }
    );
    // Without renewal the lease lapses and the entry is due again (a dead sender).
    let mut unrenewed = several(&["slow"]);
    unrenewed.begin_due(T0, LEASE, 1);
    assert_eq!(
        keys(&unrenewed.begin_due(T0.plus(LEASE), LEASE, 1)),
        ["slow"]
    );
}

#[test]
fn a_page_closed_mid_send_leaves_its_tickets_to_the_next_page_at_once_under_the_same_keys() {
    let mut tab = several(&["a", "b", "c", "d"]);
    assert_eq!(keys(&tab.begin_due(T0, LEASE, 3)), ["a", "b", "c"]);
    let stored = tab.to_json();

    // The tab is closed 2 s later, before it could note any answer. The next page takes the
    // lease afresh and sends at once, instead of waiting 28 s for leases nobody will renew.
    let now = T0.plus(2);
    let mut reloaded = Outbox::from_json(&stored);
    reloaded.retry_now(now);
    assert_eq!(keys(&reloaded.begin_due(now, LEASE, 3)), ["d"]);
    reloaded.requeue_interrupted(now, &["d".to_string()]);
    for key in ["a", "b", "c"] {
        let e = entry(&reloaded, key);
        assert_eq!(
            (e.state.clone(), e.attempts),
            (EntryState::Queued, 1),
            "{key}"
        );
        assert_eq!(e.next_attempt_at, now);
        assert_eq!(
            e.last_error.as_deref(),
            Some("interrupted before the answer arrived")
        );
    }
    // What the new page has in flight itself stays as it is.
    assert_eq!(
        entry(&reloaded, "d").state,
        EntryState::Sending {
            lease_until: now.plus(LEASE)
        }
    );
    let again = reloaded.begin_due(now, LEASE, 2);
    assert_eq!(keys(&again), ["a", "b"]);
    assert_eq!(
        again[0].body_json, r#"{"subject":"a"}"#,
        "same body, same key"
    );
    // Queued, failed and unknown entries are not touched.
    let mut quiet = several(&["q"]);
    quiet.requeue_interrupted(now, &[]);
    assert_eq!(quiet, several(&["q"]));
}

#[test]
fn a_sender_is_wanted_while_something_is_due_or_marked_as_sending() {
    let mut outbox = Outbox::default();
    assert!(!outbox.wants_sender(T0));
    outbox.enqueue("k".into(), "{}".into(), "k".into(), T0);
    assert!(outbox.wants_sender(T0));
    outbox.begin_due(T0, LEASE, 1);
    // A live lease: this tab's own send, or one a reload cut off that the next holder requeues.
    assert!(outbox.wants_sender(T0.plus(1)));
    outbox.finish("k", &retry("timeout"), T0.plus(1), &mut || 0.99);
    let at = entry(&outbox, "k").next_attempt_at;
    assert!(!outbox.wants_sender(at.plus(-1)), "waiting for backoff");
    assert!(outbox.wants_sender(at));
    outbox.begin_send("k", at, LEASE);
    outbox.finish(
        "k",
        &SendOutcome::Rejected {
            status: 422,
            errors: vec![],
        },
        at,
        &mut || 0.5,
    );
    assert!(!outbox.wants_sender(at.plus(1_000_000)), "failed for good");
}

/// One tab sending up to [`MAX_IN_FLIGHT`] tickets at once: requests finish in any order, some
/// after longer than their lease (so the sender must renew), and the page reloads mid-send,
/// cutting off whatever was in flight (which may or may not have reached the server); the new
/// page takes the lease afresh. Returns the server and what the learner saw.
fn simulate_concurrent(seed: u64, tickets: usize) -> (FakeServer, Vec<Receipt>, Outbox) {
    let mut rng = Rng(seed);
    let mut server = FakeServer::default();
    let mut stored = Outbox::default().to_json();
    let mut now = T0;
    let mut seen = Vec::new();
    let mut made = 0;
    let mut steps = 0;
    'page: loop {
        let mut outbox = Outbox::from_json(&stored);
        outbox.retry_now(now);
        // A fresh page holds no sends: whatever is marked as sending was cut off.
        outbox.requeue_interrupted(now, &[]);
        let mut in_flight: Vec<(String, String)> = Vec::new();
        loop {
            steps += 1;
            assert!(steps < 100_000, "seed {seed}: no progress");
            if made < tickets && rng.below(3) == 0 {
                let key = format!("key-{seed}-{made}");
                let body = format!(r#"{{"subject":"ticket {made}"}}"#);
                outbox.enqueue(key, body, "s".into(), now);
                made += 1;
            }
            let here: Vec<String> = in_flight.iter().map(|(k, _)| k.clone()).collect();
            outbox.renew(&here, now, LEASE);
            for e in outbox.begin_due(now, LEASE, MAX_IN_FLIGHT - in_flight.len()) {
                assert!(
                    !here.contains(&e.key),
                    "seed {seed}: {} sent twice at once",
                    e.key
                );
                in_flight.push((e.key, e.body_json));
            }
            assert!(in_flight.len() <= MAX_IN_FLIGHT);
            stored = outbox.to_json();
            if in_flight.is_empty() {
                match outbox.next_wake(now) {
                    Some(t) => now = t,
                    None if made < tickets => now = now.plus(1 + rng.below(30) as i64),
                    None => break 'page,
                }
                continue;
            }
            // Some answers are slow: a request may stay out longer than its lease.
            now = now.plus([0, 1, 2, 25][rng.below(4) as usize]);
            // The page reloads now and then; requests in flight may have reached the server.
            if rng.below(12) == 0 {
                for (key, body) in &in_flight {
                    if rng.below(2) == 0 {
                        server.create(key, body);
                    }
                }
                continue 'page;
            }
            // Any one of the requests in flight answers.
            let (key, body) = in_flight.swap_remove(rng.below(in_flight.len() as u64) as usize);
            let (status, answer) = match rng.below(6) {
                0 => (0, String::new()),
                1 => {
                    server.create(&key, &body);
                    (0, String::new())
                }
                2 => (503, String::new()),
                _ => server.create(&key, &body),
            };
            let outcome = interpret_create(status, None, &answer, now);
            // Saved with the next step's claims, before anything else can happen.
            if let Finished::Sent(r) = outbox.finish(&key, &outcome, now, &mut || rng.unit()) {
                seen.push(r);
            }
        }
    }
    (server, seen, Outbox::from_json(&stored))
}

#[test]
fn concurrent_sends_with_reloads_mid_send_make_every_ticket_exactly_once() {
    for seed in 0..1000 {
        let tickets = 1 + (seed % 7) as usize;
        let (server, seen, outbox) = simulate_concurrent(seed, tickets);
        assert!(
            outbox.is_empty(),
            "seed {seed}: left {:?}",
            outbox.entries()
        );
        assert_eq!(server.tickets.len(), tickets, "seed {seed}");
        let mut numbers: Vec<&str> = seen.iter().map(|r| r.number.as_str()).collect();
        numbers.sort_unstable();
        numbers.dedup();
        assert_eq!(numbers.len(), tickets, "seed {seed}");
        assert_eq!(seen.len(), tickets, "seed {seed}");
    }
}

#[test]
fn idempotency_keys_are_version_4_uuids_written_from_the_bytes() {
    assert_eq!(
        idempotency_key([0; 16]),
        "00000000-0000-4000-8000-000000000000"
    );
    let bytes = [
        0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32,
        0x10,
    ];
    // Version 4 in the 7th byte, the RFC 4122 variant in the 9th; the rest as given.
    assert_eq!(
        idempotency_key(bytes),
        "01234567-89ab-4def-bedc-ba9876543210"
    );
    assert_eq!(
        idempotency_key([0xff; 16]),
        "ffffffff-ffff-4fff-bfff-ffffffffffff"
    );
}
