//! `lms-support search`, run as a real process (design §6): the JSON it prints, that its
//! ranking is the widget's, and its exit statuses.
//!
//! Runs natively (`cargo test -p lms-support-server`). The FAQ fixture is the widget's own
//! `tests/fixtures/faq.json` (43 entries, en + es), shared with `tests/search_ranking.rs`.

mod common;

use common::{fixture, lms_support, Output};
use lms_support_widget::feed;
use lms_support_widget::search::SearchIndex;
use lms_support_widget::zone::TzDatabase;
use std::path::{Path, PathBuf};

fn widget_faq() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/faq.json")
}

/// `lms-support search FEED ARGS…`.
fn search(feed: &Path, args: &[&str]) -> Output {
    Output::of(lms_support().arg("search").arg(feed).args(args))
}

/// The `(id, score)` pairs of the printed JSON, checking its shape on the way.
fn hits(stdout: &str) -> Vec<(String, f64)> {
    assert!(
        stdout.ends_with('\n') && stdout.lines().count() == 1,
        "{stdout:?}"
    );
    assert!(!stdout.trim_end().contains(' '), "compact: {stdout:?}");
    let json: serde_json::Value = serde_json::from_str(stdout).expect("valid JSON");
    let object = json.as_object().expect("an object");
    assert_eq!(object.keys().collect::<Vec<_>>(), ["hits"]);
    json["hits"]
        .as_array()
        .expect("hits is an array")
        .iter()
        .map(|hit| {
            let keys: Vec<&String> = hit.as_object().expect("hit object").keys().collect();
            assert_eq!(keys, ["id", "score"]);
            (
                hit["id"].as_str().expect("id").to_string(),
                hit["score"].as_f64().expect("score"),
            )
        })
        .collect()
}

#[test]
fn finds_a_misspelled_spanish_query() {
    let out = search(&widget_faq(), &["olvidé mi contrasñea", "--locale", "es"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stderr, "");
    let hits = hits(&out.stdout);
    assert_eq!(hits[0].0, "reset-password");
    for (_, score) in &hits {
        // Three decimals at most: 1.234, not 1.2339999.
        assert!(
            (score * 1000.0 - (score * 1000.0).round()).abs() < 1e-6,
            "{score}"
        );
        assert!(*score > 0.0);
    }
}

#[test]
fn ranks_exactly_like_the_widget() {
    let text = std::fs::read_to_string(widget_faq()).expect("read faq.json");
    let faq = feed::parse(&text, &TzDatabase)
        .expect("valid feed")
        .feed
        .faq;
    for (locale, query) in [
        ("en", "reset pass"),
        ("en", "video wont play"),
        ("en", "course"),
        ("es", "calificasiones"),
        ("es-MX", "subir arch"),
        ("pt-BR", "certificate"),
    ] {
        let want: Vec<(String, f64)> = SearchIndex::build(&faq, locale)
            .search(query, 10)
            .into_iter()
            .map(|h| (h.id, (f64::from(h.score) * 1000.0).round() / 1000.0))
            .collect();
        assert!(!want.is_empty(), "{query:?}");
        let out = search(&widget_faq(), &[query, "--locale", locale]);
        assert_eq!(out.code, 0);
        assert_eq!(hits(&out.stdout), want, "[{locale}] {query:?}");
    }
}

#[test]
fn limit_and_defaults() {
    // "page" is in 13 entries.
    let out = search(&widget_faq(), &["page", "--limit", "3"]);
    assert_eq!(hits(&out.stdout).len(), 3);
    // Default: --locale en, --limit 10.
    let out = search(&widget_faq(), &["page"]);
    assert_eq!(hits(&out.stdout).len(), 10);
    assert_eq!(
        hits(&search(&widget_faq(), &["reset password"]).stdout)[0].0,
        "reset-password"
    );
}

#[test]
fn no_hits_is_an_empty_list_and_success() {
    for query in ["", "   ", "¿?", "zzzzqqqq"] {
        let out = search(&widget_faq(), &[query]);
        assert_eq!(out.stdout, "{\"hits\":[]}\n", "{query:?}");
        assert_eq!(out.code, 0);
    }
}

#[test]
fn feed_problems_are_warnings_and_the_rest_is_searched() {
    let out = search(
        &fixture("faq-one-bad.json"),
        &["contrasena", "--locale", "es"],
    );
    assert_eq!(
        out.stderr,
        concat!(
            "warning: faq[0] (no-question): missing \"question\"\n",
            "warning: unknown field \"faq[1].colour\" ignored\n",
        )
    );
    assert_eq!(
        out.stdout,
        "{\"hits\":[{\"id\":\"reset-password\",\"score\":2.079}]}\n"
    );
    assert_eq!(out.code, 0);
    // Link destinations in answers are not searchable text.
    let out = search(&fixture("faq-one-bad.json"), &["https"]);
    assert_eq!(out.stdout, "{\"hits\":[]}\n");
}

#[test]
fn a_feed_without_faq_has_no_hits() {
    let out = search(&fixture("dst.json"), &["password"]);
    assert_eq!(out.code, 0);
    assert_eq!(hits(&out.stdout).len(), 0);
}

#[test]
fn unusable_feed_exits_1() {
    let out = search(&fixture("not-json.json"), &["password"]);
    assert_eq!(out.code, 1);
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr,
        "feed is not valid JSON: expected a value at line 1 column 1\n"
    );
    let out = search(&fixture("version-2.json"), &["password"]);
    assert_eq!(out.code, 1);
    assert_eq!(out.stdout, "");
}

#[test]
fn unreadable_file_exits_2() {
    let missing = fixture("does-not-exist.json");
    let out = search(&missing, &["password"]);
    assert_eq!(out.code, 2);
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr
            .starts_with(&format!("cannot read {}: ", missing.display())),
        "{}",
        out.stderr
    );
}

#[test]
fn bad_usage_exits_2() {
    let feed = widget_faq();
    for args in [
        &[][..],
        &["password", "--limit", "0"][..],
        &["password", "--limit", "ten"][..],
        &["password", "--locale"][..],
        &["password", "--colour", "red"][..],
    ] {
        let out = search(&feed, args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert_eq!(out.stdout, "", "{args:?}");
    }
    let out = search(&feed, &["password", "--locale", "en_US"]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "invalid --locale \"en_US\": expected a language tag such as en, es or pt-BR\n"
    );
}
