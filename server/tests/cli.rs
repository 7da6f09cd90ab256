//! The vendor CLI, run as a real process: `check`, `preview` and `demo-feed`.
//!
//! Runs natively (`cargo test -p lms-support-server`). Expected values are worked out by hand
//! from the fixtures in `tests/fixtures/` and the rules of design §3–§4; the comments show the
//! arithmetic. 2026-12-06 is a Sunday; New York is UTC−05:00 in December and switches from
//! UTC−04:00 at 06:00Z on Sunday 2026-11-01.

mod common;

use common::{fixture, lms_support, Output};
use std::path::PathBuf;

const MINUS: char = '\u{2212}';

/// `lms-support ARGS…`.
fn run(args: &[&str]) -> Output {
    Output::of(lms_support().args(args))
}

fn check(name: &str, extra: &[&str]) -> Output {
    let path = fixture(name);
    let mut args = vec!["check", path.to_str().expect("utf-8 path")];
    args.extend_from_slice(extra);
    run(&args)
}

// ---------------------------------------------------------------------------------------------
// check

#[test]
fn check_valid_feed() {
    for extra in [&[][..], &["--strict"][..]] {
        let out = check("banner.json", extra);
        assert_eq!(
            out.stdout,
            "ok: 2 maintenance windows, 1 notice, 2 FAQ entries\n"
        );
        assert_eq!(out.stderr, "");
        assert_eq!(out.code, 0);
    }
}

#[test]
fn check_two_bad_entries() {
    let out = check("two-bad.json", &[]);
    assert_eq!(
        out.stdout,
        concat!(
            "maintenance[1] (weekly): unknown time zone \"America/NewYork\"\n",
            "notices[0] (inc-1): \"status\" must be \"investigating\", \"identified\", \"monitoring\" or \"resolved\", not \"fixed\"\n",
        )
    );
    assert_eq!(out.code, 1);
}

#[test]
fn check_says_when_the_widget_will_not_use_a_feed() {
    let out = check("all-bad.json", &[]);
    let last = out.stdout.lines().last().unwrap_or_default();
    assert_eq!(
        last,
        "the widget will not use this feed: not one of its 2 maintenance windows and notices \
         is valid; learners keep their last good copy"
    );
    assert_eq!(out.stdout.lines().count(), 3, "{}", out.stdout);
    assert_eq!(out.code, 1);
}

#[test]
fn check_unknown_field_is_a_warning_unless_strict() {
    let out = check("unknown-field.json", &[]);
    assert_eq!(
        out.stdout,
        "warning: unknown field \"maintenance[0].colour\" ignored\nok: 1 maintenance window, 0 notices, 0 FAQ entries\n"
    );
    assert_eq!(out.code, 0);

    let out = check("unknown-field.json", &["--strict"]);
    assert_eq!(
        out.stdout,
        "warning: unknown field \"maintenance[0].colour\" ignored\n"
    );
    assert_eq!(out.code, 1);
}

#[test]
fn check_names_each_broken_flow_and_every_dangling_ending() {
    let out = check("flows.json", &[]);
    assert_eq!(
        out.stdout,
        concat!(
            "flows[1] (grades): step \"when\" answer 1 opens FAQ entry \"grade-missing\", which the feed does not have\n",
            "flows[1] (grades): step \"when\" answer 2 files a ticket in category \"marks\", which is not one of support.categories\n",
            "flows[2] (loop): its steps go round in a circle: \"a\" → \"b\" → \"a\"\n",
        )
    );
    assert_eq!(out.code, 1);
}

#[test]
fn flows_prints_a_flow_as_a_tree_in_the_learners_language() {
    let path = fixture("flows.json");
    let out = run(&["flows", path.to_str().expect("utf-8"), "--locale", "es"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // Only the valid flow; the broken ones are warned about, as the widget leaves them out.
    assert_eq!(
        out.stdout,
        concat!(
            "No puedo entrar (sign-in)\n",
            "? ¿Se abre la página? [page]\n",
            "├─ Sí\n",
            "│  ? ¿Qué dice? [message]\n",
            "│  ├─ Contraseña incorrecta ⇒ FAQ reset-password\n",
            "│  └─ Otra cosa ⇒ ticket, category access, priority high, subject \"I can't sign in\"\n",
            "└─ No ⇒ known issues\n",
        )
    );
    assert_eq!(out.stderr.lines().count(), 3, "{}", out.stderr);
    assert!(
        out.stderr.starts_with("warning: flows[1] (grades): "),
        "{}",
        out.stderr
    );

    let missing = run(&["flows", path.to_str().expect("utf-8"), "--flow", "loop"]);
    assert_eq!(missing.code, 1);
    assert!(
        missing
            .stderr
            .ends_with("the feed has no valid flow \"loop\"; it has: sign-in\n"),
        "{}",
        missing.stderr
    );
}

#[test]
fn check_fatal_feeds() {
    // `<` cannot start any JSON value; serde_json reports where it stopped.
    let out = check("not-json.json", &[]);
    assert_eq!(
        out.stdout,
        "feed is not valid JSON: expected a value at line 1 column 1\n"
    );
    assert_eq!(out.code, 1);

    let out = check("version-2.json", &[]);
    assert_eq!(
        out.stdout,
        "feed version 2 is not supported; this widget reads version 1\n"
    );
    assert_eq!(out.code, 1);
}

#[test]
fn check_unreadable_file_and_bad_usage() {
    let missing = fixture("does-not-exist.json");
    let out = run(&["check", missing.to_str().expect("utf-8 path")]);
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr,
        format!(
            "cannot read {}: No such file or directory (os error 2)\n",
            missing.display()
        )
    );
    assert_eq!(out.code, 2);

    for args in [
        &["check"][..],
        &["check", "a.json", "--bogus"][..],
        &[][..],
        &["frobnicate"][..],
    ] {
        let out = run(args);
        assert_eq!(out.code, 2, "{args:?}");
        assert!(
            out.stderr.contains("Usage: lms-support"),
            "{args:?}: {}",
            out.stderr
        );
    }
}

// ---------------------------------------------------------------------------------------------
// preview

fn preview(name: &str, at: &str, extra: &[&str]) -> Output {
    let path = fixture(name);
    let mut args = vec!["preview", path.to_str().expect("utf-8 path"), "--at", at];
    args.extend_from_slice(extra);
    run(&args)
}

/// One item of design §6's JSON, keys in the documented order.
#[allow(clippy::too_many_arguments)]
fn item(
    id: &str,
    kind: &str,
    phase: &str,
    severity: &str,
    starts_at: Option<&str>,
    ends_at: Option<&str>,
    title: &str,
    body: &str,
    local_range: Option<&str>,
) -> String {
    let opt = |v: Option<&str>| v.map_or("null".to_string(), |s| format!("\"{s}\""));
    format!(
        "{{\"id\":\"{id}\",\"kind\":\"{kind}\",\"phase\":\"{phase}\",\"severity\":\"{severity}\",\"starts_at\":{},\"ends_at\":{},\"title\":\"{title}\",\"body\":\"{body}\",\"local_range\":{}}}",
        opt(starts_at),
        opt(ends_at),
        opt(local_range)
    )
}

fn items(list: &[String]) -> String {
    format!("{{\"items\":[{}]}}\n", list.join(","))
}

fn upgrade(phase: &str, body: &str, range: &str) -> String {
    upgrade_titled("Planned upgrade", phase, body, range)
}

/// `upgrade` with the title of another language.
fn upgrade_titled(title: &str, phase: &str, body: &str, range: &str) -> String {
    item(
        "upgrade",
        "maintenance",
        phase,
        "major",
        Some("2026-12-06T05:00:00Z"),
        Some("2026-12-06T11:00:00Z"),
        title,
        body,
        Some(range),
    )
}

fn weekly(phase: &str, start: &str, end: &str, range: &str) -> String {
    item(
        "weekly",
        "maintenance",
        phase,
        "minor",
        Some(start),
        Some(end),
        "Weekly maintenance",
        "",
        Some(range),
    )
}

/// Weekly maintenance on Sunday 11-29, 01:00–05:00 New York time.
fn weekly_nov29(phase: &str, range: &str) -> String {
    weekly(phase, "2026-11-29T06:00:00Z", "2026-11-29T10:00:00Z", range)
}

/// Weekly maintenance on Sunday 12-06, 01:00–05:00 New York time.
fn weekly_dec6(phase: &str, range: &str) -> String {
    weekly(phase, "2026-12-06T06:00:00Z", "2026-12-06T10:00:00Z", range)
}

fn inc42(range: &str) -> String {
    inc42_titled("Video playback is slow", range)
}

/// `inc42` with the title of another language (its body is English only).
fn inc42_titled(title: &str, range: &str) -> String {
    item(
        "inc-42",
        "notice",
        "active",
        "minor",
        Some("2026-11-20T14:00:00Z"),
        None,
        title,
        "Download the video instead.",
        Some(range),
    )
}

/// dst.json's notice without `since`: always active, no times, no range.
fn no_since() -> String {
    item(
        "no-since",
        "notice",
        "active",
        "info",
        None,
        None,
        "Slow e-mail delivery",
        "",
        None,
    )
}

const UPGRADE_UTC: &str = "Sunday, December 6, 2026, 05:00\u{2013}11:00 (UTC+00:00)";
const INC42_UTC: &str = "since Friday, November 20, 2026, 14:00 (UTC+00:00)";
const WEEKLY_NOV29_UTC: &str = "Sunday, November 29, 2026, 06:00\u{2013}10:00 (UTC+00:00)";
const WEEKLY_DEC6_UTC: &str = "Sunday, December 6, 2026, 06:00\u{2013}10:00 (UTC+00:00)";

#[test]
fn preview_exact_json_one_second_before_notices_start() {
    // upgrade: notice from 12-06T05:00Z − 7 days = 11-29T05:00Z, so not yet.
    // weekly: Sunday 11-29 01:00 EST = 06:00Z; notice from 11-27T06:00Z, last hour from 05:00Z.
    let out = preview("banner.json", "2026-11-29T04:59:59Z", &[]);
    assert_eq!(
        out.stdout,
        concat!(
            "{\"items\":[",
            "{\"id\":\"weekly\",\"kind\":\"maintenance\",\"phase\":\"upcoming\",\"severity\":\"minor\",",
            "\"starts_at\":\"2026-11-29T06:00:00Z\",\"ends_at\":\"2026-11-29T10:00:00Z\",",
            "\"title\":\"Weekly maintenance\",\"body\":\"\",",
            "\"local_range\":\"Sunday, November 29, 2026, 06:00\u{2013}10:00 (UTC+00:00)\"},",
            "{\"id\":\"inc-42\",\"kind\":\"notice\",\"phase\":\"active\",\"severity\":\"minor\",",
            "\"starts_at\":\"2026-11-20T14:00:00Z\",\"ends_at\":null,",
            "\"title\":\"Video playback is slow\",\"body\":\"Download the video instead.\",",
            "\"local_range\":\"since Friday, November 20, 2026, 14:00 (UTC+00:00)\"}",
            "]}\n",
        )
    );
    assert_eq!(out.stderr, "");
    assert_eq!(out.code, 0);
}

#[test]
fn preview_phase_starts_are_inclusive() {
    // 11-29T05:00Z: the upgrade's notice starts, and weekly's last hour starts.
    let out = preview("banner.json", "2026-11-29T05:00:00Z", &[]);
    assert_eq!(
        out.stdout,
        items(&[
            upgrade("upcoming", "Test Learn will be offline.", UPGRADE_UTC),
            weekly_nov29("imminent", WEEKLY_NOV29_UTC),
            inc42(INC42_UTC)
        ])
    );

    // The upgrade's last hour: [04:00Z, 05:00Z).
    let out = preview("banner.json", "2026-12-06T03:59:59Z", &[]);
    assert_eq!(
        out.stdout,
        items(&[
            upgrade("upcoming", "Test Learn will be offline.", UPGRADE_UTC),
            weekly_dec6("upcoming", WEEKLY_DEC6_UTC),
            inc42(INC42_UTC)
        ])
    );
    let out = preview("banner.json", "2026-12-06T04:00:00Z", &[]);
    assert_eq!(
        out.stdout,
        items(&[
            upgrade("imminent", "Test Learn will be offline.", UPGRADE_UTC),
            weekly_dec6("upcoming", WEEKLY_DEC6_UTC),
            inc42(INC42_UTC)
        ])
    );
    // Downtime from 05:00Z; weekly's own last hour starts at the same instant.
    let out = preview("banner.json", "2026-12-06T05:00:00Z", &[]);
    assert_eq!(
        out.stdout,
        items(&[
            upgrade("in_progress", "Test Learn will be offline.", UPGRADE_UTC),
            weekly_dec6("imminent", WEEKLY_DEC6_UTC),
            inc42(INC42_UTC)
        ])
    );
}

#[test]
fn preview_phase_ends_are_exclusive() {
    // 10:59:59Z: still in progress; weekly ended at 10:00Z and the next Sunday's notice starts 12-11.
    let out = preview("banner.json", "2026-12-06T10:59:59Z", &[]);
    assert_eq!(
        out.stdout,
        items(&[
            upgrade("in_progress", "Test Learn will be offline.", UPGRADE_UTC),
            inc42(INC42_UTC)
        ])
    );
    // 11:00Z: over; `after` shows its own body for 24 hours, until 12-07T11:00Z exclusive.
    let out = preview("banner.json", "2026-12-06T11:00:00Z", &[]);
    assert_eq!(
        out.stdout,
        items(&[
            upgrade("completed", "Some pages may load slowly.", UPGRADE_UTC),
            inc42(INC42_UTC)
        ])
    );
    let out = preview("banner.json", "2026-12-07T10:59:59Z", &[]);
    assert_eq!(
        out.stdout,
        items(&[
            upgrade("completed", "Some pages may load slowly.", UPGRADE_UTC),
            inc42(INC42_UTC)
        ])
    );
    let out = preview("banner.json", "2026-12-07T11:00:00Z", &[]);
    assert_eq!(out.stdout, items(&[inc42(INC42_UTC)]));
}

#[test]
fn preview_in_spanish() {
    // Titles and bodies from the feed's "es" entries; inc-42 has no Spanish body, so English.
    let out = preview("banner.json", "2026-12-06T11:00:00Z", &["--locale", "es"]);
    let upgrade_es = upgrade_titled(
        "Actualización programada",
        "completed",
        "Algunas páginas pueden cargar despacio.",
        "domingo, 6 de diciembre de 2026, 05:00\u{2013}11:00 (UTC+00:00)",
    );
    let inc42_es = inc42_titled(
        "La reproducción de vídeo es lenta",
        "desde viernes, 20 de noviembre de 2026, 14:00 (UTC+00:00)",
    );
    assert_eq!(out.stdout, items(&[upgrade_es, inc42_es]));
    // A regional tag negotiates to Spanish too.
    assert_eq!(
        preview(
            "banner.json",
            "2026-12-06T11:00:00Z",
            &["--locale", "es-MX"]
        )
        .stdout,
        out.stdout
    );
}

#[test]
fn preview_local_range_in_new_york() {
    // 05:00Z–11:00Z is 00:00–06:00 EST; weekly is 01:00–05:00 EST; inc-42 began at 09:00 EST.
    let out = preview(
        "banner.json",
        "2026-12-06T04:00:00Z",
        &["--tz", "America/New_York"],
    );
    let est = format!("(UTC{MINUS}05:00)");
    assert_eq!(
        out.stdout,
        items(&[
            upgrade(
                "imminent",
                "Test Learn will be offline.",
                &format!("Sunday, December 6, 2026, 00:00\u{2013}06:00 {est}")
            ),
            weekly_dec6(
                "upcoming",
                &format!("Sunday, December 6, 2026, 01:00\u{2013}05:00 {est}")
            ),
            inc42(&format!("since Friday, November 20, 2026, 09:00 {est}")),
        ])
    );
}

#[test]
fn preview_local_range_across_local_midnight() {
    // Los Angeles is UTC−08:00: the upgrade runs 21:00 Saturday to 03:00 Sunday.
    let out = preview(
        "banner.json",
        "2026-11-29T05:00:00Z",
        &["--tz", "America/Los_Angeles"],
    );
    let pst = format!("(UTC{MINUS}08:00)");
    assert_eq!(
        out.stdout,
        items(&[
            upgrade(
                "upcoming",
                "Test Learn will be offline.",
                &format!("Saturday, December 5, 2026, 21:00 \u{2013} Sunday, December 6, 2026, 03:00 {pst}")
            ),
            weekly_nov29(
                "imminent",
                &format!("Saturday, November 28, 2026, 22:00 \u{2013} Sunday, November 29, 2026, 02:00 {pst}")
            ),
            inc42(&format!("since Friday, November 20, 2026, 06:00 {pst}")),
        ])
    );
}

#[test]
fn preview_local_range_across_a_dst_change_and_a_notice_without_since() {
    // fall-back: 04:00Z is 00:00 EDT (UTC−04:00), 08:00Z is 03:00 EST (UTC−05:00), both on
    // Sunday 11-01. Its notice starts one day before, at 10-31T04:00Z (inclusive).
    let dst_range_en = format!(
        "Sunday, November 1, 2026, 00:00 (UTC{MINUS}04:00) \u{2013} 03:00 (UTC{MINUS}05:00)"
    );
    let no_since = no_since();
    let fall_back = |title: &str, range: &str| {
        item(
            "fall-back",
            "maintenance",
            "upcoming",
            "critical",
            Some("2026-11-01T04:00:00Z"),
            Some("2026-11-01T08:00:00Z"),
            title,
            "",
            Some(range),
        )
    };
    let out = preview(
        "dst.json",
        "2026-10-31T04:00:00Z",
        &["--tz", "America/New_York"],
    );
    let fall_back_en = fall_back("Database upgrade", &dst_range_en);
    assert_eq!(out.stdout, items(&[fall_back_en, no_since.clone()]));

    let out = preview(
        "dst.json",
        "2026-10-31T04:00:00Z",
        &["--tz", "America/New_York", "--locale", "es"],
    );
    let fall_back_es = fall_back(
        "Actualización de la base de datos",
        &format!("domingo, 1 de noviembre de 2026, 00:00 (UTC{MINUS}04:00) \u{2013} 03:00 (UTC{MINUS}05:00)"),
    );
    assert_eq!(out.stdout, items(&[fall_back_es, no_since.clone()]));

    let out = preview(
        "dst.json",
        "2026-10-31T03:59:59Z",
        &["--tz", "America/New_York"],
    );
    assert_eq!(out.stdout, items(&[no_since]));
}

#[test]
fn preview_cancelled_window() {
    // called-off: notice from 11-05T10:00Z − 3 days = 11-02T10:00Z, shown until its end 12:00Z.
    // Cancelled ranks as info, and the cancelled phase sorts before a notice's active phase.
    let no_since = no_since();
    let called_off = item(
        "called-off",
        "maintenance",
        "cancelled",
        "major",
        Some("2026-11-05T10:00:00Z"),
        Some("2026-11-05T12:00:00Z"),
        "Storage migration",
        "This maintenance will not take place. Everything stays available.",
        Some("Thursday, November 5, 2026, 10:00\u{2013}12:00 (UTC+00:00)"),
    );
    assert_eq!(
        preview("dst.json", "2026-11-02T09:59:59Z", &[]).stdout,
        items(std::slice::from_ref(&no_since))
    );
    assert_eq!(
        preview("dst.json", "2026-11-02T10:00:00Z", &[]).stdout,
        items(&[called_off.clone(), no_since.clone()])
    );
    assert_eq!(
        preview("dst.json", "2026-11-05T11:59:59Z", &[]).stdout,
        items(&[called_off, no_since.clone()])
    );
    assert_eq!(
        preview("dst.json", "2026-11-05T12:00:00Z", &[]).stdout,
        items(&[no_since])
    );
}

#[test]
fn preview_role_course_and_quiet_page() {
    let at = "2026-11-29T05:00:00Z";
    let up = upgrade("upcoming", "Test Learn will be offline.", UPGRADE_UTC);
    let wk = weekly_nov29("imminent", WEEKLY_NOV29_UTC);
    let inc = inc42(INC42_UTC);
    // The upgrade is for students and teachers (roles compare case-insensitively).
    assert_eq!(
        preview("banner.json", at, &["--role", "guest"]).stdout,
        items(&[wk.clone(), inc.clone()])
    );
    assert_eq!(
        preview("banner.json", at, &["--role", "Teacher"]).stdout,
        items(&[up.clone(), wk.clone(), inc.clone()])
    );
    // inc-42 is for course BIO-101 only.
    assert_eq!(
        preview("banner.json", at, &["--course", "CHEM-200"]).stdout,
        items(&[up.clone(), wk.clone()])
    );
    assert_eq!(
        preview(
            "banner.json",
            at,
            &["--course", "BIO-101", "--role", "student"]
        )
        .stdout,
        items(&[up, wk.clone(), inc])
    );
    // A quiz page shows only the last hour and downtime.
    assert_eq!(
        preview("banner.json", at, &["--quiet-page"]).stdout,
        items(&[wk])
    );
    let out = preview("banner.json", "2026-12-06T05:00:00Z", &["--quiet-page"]);
    let wk_dec6 = weekly_dec6("imminent", WEEKLY_DEC6_UTC);
    assert_eq!(
        out.stdout,
        items(&[
            upgrade("in_progress", "Test Learn will be offline.", UPGRADE_UTC),
            wk_dec6
        ])
    );
}

#[test]
fn preview_with_problems_warns_and_still_previews() {
    let out = preview("two-bad.json", "2026-12-06T05:00:00Z", &[]);
    assert_eq!(
        out.stderr,
        concat!(
            "warning: maintenance[1] (weekly): unknown time zone \"America/NewYork\"\n",
            "warning: notices[0] (inc-1): \"status\" must be \"investigating\", \"identified\", \"monitoring\" or \"resolved\", not \"fixed\"\n",
        )
    );
    // Defaults: severity minor, no body.
    let upgrade_min = item(
        "upgrade",
        "maintenance",
        "in_progress",
        "minor",
        Some("2026-12-06T05:00:00Z"),
        Some("2026-12-06T11:00:00Z"),
        "Planned upgrade",
        "",
        Some(UPGRADE_UTC),
    );
    assert_eq!(out.stdout, items(&[upgrade_min]));
    assert_eq!(out.code, 0);

    let out = preview("unknown-field.json", "2026-12-06T05:00:00Z", &[]);
    assert_eq!(
        out.stderr,
        "warning: unknown field \"maintenance[0].colour\" ignored\n"
    );
    assert_eq!(out.code, 0);
}

#[test]
fn preview_errors() {
    let out = preview(
        "banner.json",
        "2026-12-06T05:00:00Z",
        &["--tz", "America/NewYork"],
    );
    assert_eq!(
        (out.stdout.as_str(), out.stderr.as_str(), out.code),
        ("", "unknown time zone \"America/NewYork\"\n", 2)
    );

    let out = preview("banner.json", "next tuesday", &[]);
    assert_eq!(
        (out.stdout.as_str(), out.stderr.as_str(), out.code),
        ("", "invalid --at: \"next tuesday\" is not an RFC 3339 time like \"2026-12-06T05:00:00Z\"\n", 2)
    );

    let out = preview("not-json.json", "2026-12-06T05:00:00Z", &[]);
    assert_eq!(
        (out.stdout.as_str(), out.stderr.as_str(), out.code),
        (
            "",
            "feed is not valid JSON: expected a value at line 1 column 1\n",
            1
        )
    );

    let out = preview("does-not-exist.json", "2026-12-06T05:00:00Z", &[]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.starts_with("cannot read "), "{}", out.stderr);

    let path = fixture("banner.json");
    let out = run(&["preview", path.to_str().expect("utf-8 path")]);
    assert_eq!(out.code, 2, "--at is required");
    assert!(out.stderr.contains("--at"), "{}", out.stderr);
}

// ---------------------------------------------------------------------------------------------
// demo-feed

/// A file in a per-process temp dir, removed (with the dir, once empty) on drop.
struct TempFile(PathBuf);

impl TempFile {
    fn to_str(&self) -> &str {
        self.0.to_str().expect("utf-8 path")
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
        if let Some(dir) = self.0.parent() {
            let _ = std::fs::remove_dir(dir);
        }
    }
}

fn temp_file(name: &str, contents: &str) -> TempFile {
    let dir = std::env::temp_dir().join(format!("lms-support-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, contents).expect("write temp file");
    TempFile(path)
}

#[test]
fn demo_feed_passes_strict_check() {
    for (name, args) in [
        (
            "demo-fixed.json",
            &["demo-feed", "--now", "2026-12-03T10:17:00Z"][..],
        ),
        ("demo-now.json", &["demo-feed"][..]),
    ] {
        let out = run(args);
        assert_eq!(out.code, 0);
        assert_eq!(out.stderr, "");
        let path = temp_file(name, &out.stdout);
        let checked = run(&["check", path.to_str(), "--strict"]);
        assert_eq!(
            checked.stdout,
            "ok: 3 maintenance windows, 1 notice, 10 FAQ entries, 2 flows\n"
        );
        assert_eq!(checked.code, 0);
    }
}

#[test]
fn demo_feed_is_relative_to_now_and_complete() {
    let out = run(&["demo-feed", "--now", "2026-12-03T10:17:00Z"]);
    let feed: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    assert_eq!(feed["version"], 1);
    assert_eq!(feed["client"]["name"], "Acme College");
    assert_eq!(feed["client"]["site_name"], "Acme Learn");
    assert_eq!(
        feed["client"]["quiet_pages"],
        serde_json::json!(["body#page-mod-quiz-attempt"])
    );

    // Next round hour after 10:17Z is 11:00Z; the upgrade starts 3 days later, for 6 hours.
    let m = &feed["maintenance"];
    assert_eq!(m[0]["starts_at"], "2026-12-06T11:00:00Z");
    assert_eq!(m[0]["ends_at"], "2026-12-06T17:00:00Z");
    assert_eq!(
        (m[0]["severity"].as_str(), m[0]["notice_days"].as_u64()),
        (Some("major"), Some(7))
    );
    assert_eq!(m[0]["after"]["hours"], 24);
    assert_eq!(
        m[0]["audience"]["roles"],
        serde_json::json!(["student", "teacher"])
    );
    assert_eq!(
        (
            &m[1]["every"],
            &m[1]["weekday"],
            &m[1]["start"],
            &m[1]["duration_minutes"],
            &m[1]["time_zone"]
        ),
        (
            &serde_json::json!("week"),
            &serde_json::json!("sun"),
            &serde_json::json!("01:00"),
            &serde_json::json!(240),
            &serde_json::json!("America/New_York")
        )
    );
    assert_eq!(
        (m[1]["notice_days"].as_u64(), m[1]["severity"].as_str()),
        (Some(2), Some("minor"))
    );
    assert_eq!(m[2]["status"], "cancelled");
    assert_eq!(m[2]["starts_at"], "2026-12-08T11:00:00Z");
    let n = &feed["notices"][0];
    assert_eq!(
        (
            n["kind"].as_str(),
            n["status"].as_str(),
            n["severity"].as_str()
        ),
        (Some("known_issue"), Some("investigating"), Some("minor"))
    );
    assert_eq!(n["since"], "2026-12-03T08:17:00Z");

    // Every title and body, question and answer, in English and Spanish.
    let localized = |v: &serde_json::Value, what: &str| {
        for lang in ["en", "es"] {
            assert!(
                v[lang].as_str().is_some_and(|s| !s.is_empty()),
                "{what} has no {lang}: {v}"
            );
        }
    };
    for entry in m
        .as_array()
        .expect("array")
        .iter()
        .chain(feed["notices"].as_array().expect("array"))
    {
        localized(&entry["title"], "title");
        localized(&entry["body"], "body");
    }
    localized(&m[0]["after"]["body"], "after.body");
    let faq = feed["faq"].as_array().expect("faq");
    assert!(faq.len() >= 8);
    for entry in faq {
        localized(&entry["question"], "question");
        localized(&entry["answer"], "answer");
    }
    for category in ["account", "grades", "video", "submissions", "accessibility"] {
        assert!(faq.iter().any(|e| e["category"] == category), "{category}");
    }
    let support = &feed["support"];
    assert_eq!(support["api"], "/v1");
    assert_eq!(support["hours"], "24/7");
    let ids: Vec<_> = support["priorities"]
        .as_array()
        .expect("priorities")
        .iter()
        .map(|p| p["id"].clone())
        .collect();
    assert_eq!(
        ids,
        [
            serde_json::json!("critical"),
            serde_json::json!("high"),
            serde_json::json!("routine")
        ]
    );
    assert_eq!(
        support["categories"],
        serde_json::json!([
            "access",
            "content",
            "grades",
            "outage",
            "data_loss",
            "security",
            "other"
        ])
    );
    assert!(support["fallback"]["email"].is_string() && support["fallback"]["phone"].is_string());
}

#[test]
fn demo_feed_previews_what_the_demo_shows() {
    let out = run(&["demo-feed", "--now", "2026-12-03T10:17:00Z"]);
    let path = temp_file("demo-preview.json", &out.stdout);
    let shown = run(&["preview", path.to_str(), "--at", "2026-12-03T10:17:00Z"]);
    let json: serde_json::Value = serde_json::from_str(&shown.stdout).expect("JSON");
    let summary: Vec<(String, String)> = json["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| {
            (
                i["id"].as_str().unwrap_or("").to_string(),
                i["phase"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    // The upgrade (major) first; the known issue (minor) before the cancelled window (ranked
    // as info); the weekly window's notice only starts on Friday 12-04 at 06:00Z.
    let expected = [
        ("upgrade-2026-12-06", "upcoming"),
        ("video-playback-slow", "active"),
        ("storage-migration-2026-12-08", "cancelled"),
    ];
    assert_eq!(
        summary,
        expected.map(|(a, b)| (a.to_string(), b.to_string()))
    );
}

#[test]
fn demo_feed_rejects_a_bad_now() {
    let out = run(&["demo-feed", "--now", "yesterday"]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "invalid --now: \"yesterday\" is not an RFC 3339 time like \"2026-12-06T05:00:00Z\"\n"
    );
}
