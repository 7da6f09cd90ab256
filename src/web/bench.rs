//! Exports for `make bench` only (cargo feature `bench`, built into `target/bench-pkg`, never
//! shipped): the FAQ search driven from JavaScript, so bench/search.mjs can time it side by side
//! with MiniSearch in one page.
//!
//! `BenchSearch::search` returns ids as JS strings, so timing it from JS includes crossing the
//! Wasm boundary both ways (what a JS caller would pay). `BenchSearch::search_batch` times each
//! query inside Wasm, which is what the widget itself pays, since it calls search from Rust.

use crate::base::feed::{self, FaqEntry};
use crate::base::json::Limits;
use crate::help::search::SearchIndex;
use crate::web::IntlZones;
use std::hint::black_box;
use wasm_bindgen::prelude::*;

/// The JSON limits of the bench's corpora: a real feed's (4 MiB, 10,000 entries per list) stay
/// in the widget; the bench measures search on more than a feed may hold.
const CORPUS_LIMITS: Limits = Limits {
    max_text_bytes: 64 << 20,
    max_array_items: 100_000,
    ..Limits::DEFAULT
};

/// A parsed feed's FAQ, ready to be indexed per locale.
#[wasm_bindgen]
#[derive(Debug)]
pub struct BenchFeed {
    faq: Vec<FaqEntry>,
}

#[wasm_bindgen]
impl BenchFeed {
    /// Parses a feed the way the widget does, but within [`CORPUS_LIMITS`] rather than a
    /// real feed's (a 10,000-entry corpus is over them); errors are thrown as strings.
    #[wasm_bindgen(constructor)]
    pub fn new(feed_json: &str) -> Result<BenchFeed, JsValue> {
        let parsed = feed::parse_within(feed_json, &IntlZones::default(), &CORPUS_LIMITS)
            .map_err(|e| JsValue::from_str(&e.to_string()))?;
        Ok(BenchFeed {
            faq: parsed.feed.faq,
        })
    }

    /// How many FAQ entries the feed holds.
    #[wasm_bindgen(getter)]
    pub fn entries(&self) -> usize {
        self.faq.len()
    }

    /// Builds the search index for `locale` (what the widget does once per feed version).
    pub fn index(&self, locale: &str) -> BenchSearch {
        BenchSearch {
            index: SearchIndex::build(&self.faq, locale),
        }
    }
}

/// One locale's search index.
#[wasm_bindgen]
#[derive(Debug)]
pub struct BenchSearch {
    index: SearchIndex,
}

#[wasm_bindgen]
impl BenchSearch {
    /// The ids of the best `limit` entries for `query`, best first, as JS strings.
    pub fn search(&self, query: &str, limit: usize) -> Vec<JsValue> {
        self.index
            .search(query, limit)
            .into_iter()
            .map(|hit| JsValue::from_str(&hit.id))
            .collect()
    }

    /// Runs every query once and returns each one's time in milliseconds, measured inside Wasm
    /// with `performance.now()` around the Rust call only (no boundary crossing, no JS strings).
    pub fn search_batch(&self, queries: Vec<String>, limit: usize) -> Vec<f64> {
        let Some(performance) = web_sys::window().and_then(|w| w.performance()) else {
            return Vec::new();
        };
        queries
            .iter()
            .map(|query| {
                let start = performance.now();
                let hits = self.index.search(black_box(query), limit);
                black_box(&hits);
                let elapsed = performance.now() - start;
                drop(hits);
                elapsed
            })
            .collect()
    }
}
