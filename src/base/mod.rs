//! The shared base the three parts stand on: JSON, instants and time zones, feed text in
//! several languages, the catalogue of every string the widget shows, storage keys and shapes,
//! the feed itself, one shared sort and a plain substring search. Nothing here knows the banner, the help panel or tickets.

pub mod decimal;
pub mod feed;
pub mod i18n;
pub mod json;
pub mod sort;
pub mod storage;
pub mod substring;
pub mod text;
pub mod time;
pub mod zone;
