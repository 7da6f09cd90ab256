//! Localized text from the feed: a map of language tags with fallback.
//!
//! Lookup order for a requested tag such as `es-MX`: the exact tag, its primary language
//! (`es`), any entry of that language (`es-ES`), `en`, then the first entry as written in the feed.
//! Tags compare case-insensitively. This module does not hold the widget's own UI strings; those
//! are in [`crate::base::i18n`]. Also [`join`], for lists of `String`s.

use crate::base::json::{Map, Value};

/// Text in several languages, in the order the feed wrote them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LocalizedText {
    entries: Vec<(String, String)>,
}

impl LocalizedText {
    /// Builds from `(tag, text)` pairs; the first pair is the last-resort fallback.
    pub fn new(entries: Vec<(String, String)>) -> LocalizedText {
        LocalizedText { entries }
    }

    /// True when there is no text in any language.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The `(tag, text)` pairs in feed order.
    pub fn entries(&self) -> &[(String, String)] {
        &self.entries
    }

    /// The best text for `locale`, following the fallback order of the module docs.
    pub fn get(&self, locale: &str) -> &str {
        self.get_with_tag(locale).1
    }

    /// Like [`LocalizedText::get`], with the tag of the entry used (as the feed wrote it), or
    /// `""` when there is no text. The browser marks fallback text with that tag (`lang=`), so a
    /// screen reader does not read English with a French voice (WCAG 3.1.2).
    pub fn get_with_tag(&self, locale: &str) -> (&str, &str) {
        let primary = primary_language(locale);
        let find = |pred: &dyn Fn(&str) -> bool| {
            self.entries
                .iter()
                .find(|(tag, _)| pred(tag))
                .map(|(tag, text)| (tag.as_str(), text.as_str()))
        };
        find(&|tag| tag.eq_ignore_ascii_case(locale))
            .or_else(|| find(&|tag| tag.eq_ignore_ascii_case(primary)))
            .or_else(|| find(&|tag| primary_language(tag).eq_ignore_ascii_case(primary)))
            .or_else(|| find(&|tag| tag.eq_ignore_ascii_case("en")))
            .or_else(|| {
                self.entries
                    .first()
                    .map(|(tag, text)| (tag.as_str(), text.as_str()))
            })
            .unwrap_or(("", ""))
    }
}

/// The `lang` attribute a feed text needs inside a widget whose language is `widget_tag`:
/// `Some(entry_tag)` when its primary language differs, `None` when it matches or is unknown.
pub fn lang_attribute<'a>(entry_tag: &'a str, widget_tag: &str) -> Option<&'a str> {
    (!entry_tag.is_empty()
        && !primary_language(entry_tag).eq_ignore_ascii_case(primary_language(widget_tag)))
    .then_some(entry_tag)
}

/// The primary language subtag: `es` for `es-MX`, `pt` for `pt_BR`.
pub fn primary_language(tag: &str) -> &str {
    tag.split(['-', '_']).next().unwrap_or(tag)
}

/// True for a plausible BCP 47 language tag (`en`, `es-419`, `pt-BR`, `zh-Hant-TW`).
pub fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let first_ok = parts
        .next()
        .is_some_and(|p| (2..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphabetic()));
    first_ok
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Reads `obj[key]`, a feed object of language tag to text (`{"en": "…", "es": "…"}`), with the
/// feed's word-for-word messages. Blank texts are dropped; a required field needs one text.
///
/// # Errors
/// The message naming `key` when it is missing (if required), not such an object, or has a key
/// that is not a language tag.
pub fn localized_field(
    obj: &Map,
    key: &str,
    required_field: bool,
) -> Result<LocalizedText, String> {
    let shape = || {
        [
            "\"",
            key,
            "\" must be an object of language tag to text, like {\"en\": \"…\"}",
        ]
        .concat()
    };
    let value = match obj.get(key) {
        None | Some(Value::Null) if required_field => {
            return Err(["missing \"", key, "\""].concat())
        }
        None | Some(Value::Null) => return Ok(LocalizedText::default()),
        Some(v) => v,
    };
    let map = value.as_object().ok_or_else(shape)?;
    let mut entries = Vec::with_capacity(map.len());
    for (tag, text) in map {
        if !is_language_tag(tag) {
            return Err([
                "\"",
                key,
                "\" has \"",
                tag,
                "\", which is not a language tag like \"en\" or \"pt-BR\"",
            ]
            .concat());
        }
        let text = text.as_str().ok_or_else(shape)?;
        if !text.trim().is_empty() {
            entries.push((tag.clone(), text.to_string()));
        }
    }
    if required_field && entries.is_empty() {
        return Err(["\"", key, "\" has no text in any language"].concat());
    }
    Ok(LocalizedText::new(entries))
}

/// `parts` with `separator` between them, as `parts.join(separator)`: a loop of our own, since
/// std's join of `String`s is a second copy (0.8 KB) of its join of `&str`s.
pub fn join(parts: &[String], separator: &str) -> String {
    let mut out = String::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push_str(separator);
        }
        out.push_str(part);
    }
    out
}

#[cfg(test)]
mod tests {
    // The same tests run on wasm32 (usize is 32 bits there) in the browser run.
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn text(pairs: &[(&str, &str)]) -> LocalizedText {
        LocalizedText::new(
            pairs
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
        )
    }

    #[test]
    fn joins_like_std() {
        for parts in [vec![], vec!["a"], vec!["a", "", "b c"]] {
            let parts: Vec<String> = parts.into_iter().map(String::from).collect();
            assert_eq!(join(&parts, ", "), parts.join(", "));
        }
    }
    #[test]
    fn falls_back_from_region_to_language_to_english_to_first() {
        let t = text(&[
            ("fr", "Bonjour"),
            ("es", "Hola"),
            ("en", "Hello"),
            ("pt-BR", "Olá"),
        ]);
        assert_eq!(t.get("es-MX"), "Hola");
        assert_eq!(t.get("ES"), "Hola");
        assert_eq!(t.get("pt"), "Olá");
        assert_eq!(t.get("pt-PT"), "Olá");
        assert_eq!(t.get("de"), "Hello");
        let no_english = text(&[("fr", "Bonjour"), ("es", "Hola")]);
        assert_eq!(no_english.get("de"), "Bonjour");
        assert_eq!(LocalizedText::default().get("en"), "");
    }

    #[test]
    fn the_tag_of_the_entry_used_comes_with_the_text() {
        let t = text(&[
            ("fr", "Bonjour"),
            ("es", "Hola"),
            ("en", "Hello"),
            ("pt-BR", "Olá"),
        ]);
        assert_eq!(t.get_with_tag("es-MX"), ("es", "Hola"));
        assert_eq!(t.get_with_tag("ES"), ("es", "Hola"));
        assert_eq!(t.get_with_tag("pt-PT"), ("pt-BR", "Olá"));
        assert_eq!(t.get_with_tag("de"), ("en", "Hello"));
        let no_english = text(&[("fr", "Bonjour"), ("es", "Hola")]);
        assert_eq!(no_english.get_with_tag("de"), ("fr", "Bonjour"));
        assert_eq!(LocalizedText::default().get_with_tag("en"), ("", ""));
        for locale in ["es-MX", "ES", "pt", "pt-PT", "de", "fr", "ar", ""] {
            assert_eq!(t.get_with_tag(locale).1, t.get(locale), "{locale}");
        }
    }

    #[test]
    fn lang_is_marked_only_when_the_primary_language_differs() {
        assert_eq!(lang_attribute("en", "fr"), Some("en"));
        assert_eq!(lang_attribute("pt-BR", "en"), Some("pt-BR"));
        assert_eq!(lang_attribute("fr-CA", "fr"), None);
        assert_eq!(lang_attribute("EN", "en"), None);
        assert_eq!(lang_attribute("", "fr"), None);
    }

    #[test]
    fn language_tags_are_checked_loosely_but_reject_garbage() {
        for ok in ["en", "es-419", "pt-BR", "zh-Hant-TW"] {
            assert!(is_language_tag(ok), "{ok}");
        }
        for bad in ["", "e", "english", "en_US", "en-", "1a"] {
            assert!(!is_language_tag(bad), "{bad}");
        }
    }
}
