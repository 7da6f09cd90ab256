//! Prints the full stage's strings of every language but English as the shipped build reads
//! them (see `src/base/i18n/fetched.rs`): `{"es": [...], "fr": [...], ...}`.
//! scripts/bundle.mjs turns each list into a file the loader fetches beside the full stage.
use lms_support_widget::i18n::{catalogue_strings, Lang};

fn main() {
    let langs: serde_json::Map<String, serde_json::Value> = Lang::ALL
        .into_iter()
        .filter(|&lang| lang != Lang::En)
        .map(|lang| (lang.tag().to_string(), catalogue_strings(lang).into()))
        .collect();
    println!("{}", serde_json::Value::Object(langs));
}
