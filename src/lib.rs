//! # lms-support-widget
//!
//! A maintenance banner, help panel and ticket form that an LMS vendor embeds in course pages
//! with one `<script>` tag. This crate is both the pure core (compiled natively for the server,
//! the vendor CLI and `cargo test`) and, on `wasm32`, the browser layer that draws it.
//!
//! ```
//! use lms_support_widget::{banner, feed, time::Timestamp, zone::TzDatabase};
//!
//! let json = r#"{"version": 1, "maintenance": [{
//!     "id": "upgrade", "starts_at": "2026-12-06T05:00:00Z", "ends_at": "2026-12-06T11:00:00Z",
//!     "notice_days": 7, "severity": "major", "title": {"en": "Planned upgrade"}}]}"#;
//! let parsed = feed::parse(json, &TzDatabase).expect("a valid feed");
//! let now = Timestamp::parse_rfc3339("2026-12-06T05:30:00Z").expect("an RFC 3339 instant");
//! let items = banner::active_items(&parsed.feed, &banner::Viewer::default(), now, &TzDatabase);
//! assert_eq!(items[0].phase, banner::Phase::InProgress);
//! ```
#![deny(missing_docs, missing_debug_implementations)]

// The three parts of the product, each a pure core tested natively, over a shared base.
pub mod banner;
pub mod base;
pub mod help;
pub mod ticket;

// The shared base and the parts' modules where the server, the tests and the examples name
// them (`lms_support_widget::time::Timestamp`).
pub use banner::{countdown, schedule};
pub use base::{feed, i18n, json, storage, text, time, zone};
pub use help::{events as help_events, flows, markdown, search};
pub use ticket::view as ticket_view;

// Smaller than std's dlmalloc in the Wasm (both stages), and single-threaded like the widget.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

// The browser layer: the widget's shell and each part's nodes, listeners and timers.
#[cfg(target_arch = "wasm32")]
pub mod web;

// The core's unit tests marked for it also run in the browser run (`--lib`), on wasm32.
#[cfg(all(test, target_arch = "wasm32"))]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
