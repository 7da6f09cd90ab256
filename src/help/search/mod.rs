//! FAQ search as you type: accent- and case-insensitive, typo-tolerant, ranked by BM25.
//!
//! [`SearchIndex::build`] indexes the FAQ once per feed version in the learner's language;
//! [`SearchIndex::search`] runs on every keystroke. The same ranking backs the widget's help
//! panel and `lms-support search`.
//!
//! ```
//! use lms_support_widget::{feed, search::{highlight_ranges, SearchIndex}, zone::TzDatabase};
//!
//! let json = r#"{"version": 1, "faq": [
//!     {"id": "grades", "question": {"en": "Where are my grades?", "es": "¿Dónde están mis calificaciones?"},
//!      "answer": {"en": "Open **Grades** in the course menu."}},
//!     {"id": "reset-password", "tags": ["login"],
//!      "question": {"en": "How do I reset my password?", "es": "¿Cómo restablezco mi contraseña?"},
//!      "answer": {"en": "Use **Forgot password** on the login page."}}]}"#;
//! let faq = feed::parse(json, &TzDatabase).expect("a valid feed").feed.faq;
//! let index = SearchIndex::build(&faq, "es");
//!
//! // Missing accent, a typo, and the last word still being typed.
//! let hits = index.search("olvide mi contrasñea", 5);
//! assert_eq!(hits[0].id, "reset-password");
//! assert_eq!(index.search("calificac", 5)[0].id, "grades");
//! // Nothing to search for finds nothing.
//! assert!(index.search("  ¿? ", 5).is_empty());
//!
//! let question = "¿Cómo restablezco mi contraseña?";
//! let ranges = highlight_ranges(question, "contrasena");
//! assert_eq!(ranges.iter().map(|r| &question[r.clone()]).collect::<Vec<_>>(), ["contraseña"]);
//! ```
//!
//! What a query means:
//!
//! - Text is folded the same way on both sides: lowercase, accents removed for the Latin
//!   letters of en, es, fr, pt and de (`contraseña` = `contrasena`, `Straße` = `strasse`), and
//!   combining marks dropped. See [`tokenize`].
//! - The last word, when nothing follows it, is still being typed and also matches longer
//!   words (`reset pass` finds "password").
//! - Each word may carry typos: none up to 3 letters, one up to 7, two from 8; swapping two
//!   neighbouring letters is one typo.
//! - Stop words (`how`, `my`, `de`, `mi`, …) are skipped when the query has other words.
//! - Every word counts: an entry matching more of the query's words ranks higher, and an exact
//!   word outranks a completion, which outranks a typo. Negations (`not`, `no`, …) add to the
//!   score but not to how much of the query an entry covers.
//!
//! This module does not render anything, and it does not know about synonyms or stemming:
//! `grade` finds "grades" only through typo tolerance or as a completion.

mod fuzzy;
mod index;
pub(crate) mod normalize;
mod query;

pub use index::{IndexBuilder, SearchIndex};

use std::ops::Range;

/// One search result.
#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    /// Position of the entry in the FAQ slice the index was built from.
    pub index: usize,
    /// The entry's id.
    pub id: String,
    /// Relevance; only the order is meaningful, not the scale.
    pub score: f32,
}

/// Byte ranges of `text` holding words that match `query` the way search does (accent- and
/// case-insensitive, completing the last query word, with typos), for highlighting with DOM
/// nodes. Ranges are sorted, non-overlapping and on char boundaries. Stop words are not
/// highlighted unless the query has nothing else.
///
/// ```
/// use lms_support_widget::search::highlight_ranges;
///
/// let text = "Use Forgot password on the login page.";
/// let words: Vec<&str> = highlight_ranges(text, "how to reset my pasword")
///     .into_iter()
///     .map(|r| &text[r])
///     .collect();
/// assert_eq!(words, ["password"]);
/// ```
pub fn highlight_ranges(text: &str, query: &str) -> Vec<Range<usize>> {
    let terms = query::parse(query, normalize::is_any_stopword);
    let mut out = Vec::new();
    if terms.is_empty() {
        return out;
    }
    let mut chars: Vec<char> = Vec::new();
    normalize::for_each_word(text, |word, span| {
        chars.clear();
        chars.extend(word.chars());
        if terms.iter().any(|t| t.matches(&chars).is_some()) {
            out.push(span);
        }
    });
    out
}

/// Folded, lowercased words as search sees them, stop words included.
///
/// ```
/// use lms_support_widget::search::tokenize;
///
/// assert_eq!(tokenize("¿Olvidé mi CONTRASEÑA?"), ["olvide", "mi", "contrasena"]);
/// assert_eq!(tokenize("l'école, 2FA & Straße"), ["ecole", "2fa", "strasse"]);
/// ```
pub fn tokenize(text: &str) -> Vec<String> {
    normalize::words(text)
}
