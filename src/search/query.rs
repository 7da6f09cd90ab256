//! A query as search runs it: its folded words, which one is still being typed, how many typos
//! each may carry, and which are stop words to skip.
//!
//! The same parsing serves ranking ([`super::index`]) and highlighting ([`super::highlight_ranges`]),
//! so a highlighted word is always one that could have matched.

use super::fuzzy::{distance, max_typos};
use super::normalize::for_each_word;

/// At most this many distinct words of a query are used; the rest is ignored so that a pasted
/// page of text cannot stall a keystroke.
pub(crate) const MAX_QUERY_WORDS: usize = 32;

/// Weight of a match that is one typo away; two typos weigh its square.
const TYPO: f32 = 0.5;
/// Weight of a stop word being typed, which only matches longer words (`for` → `forum`).
const OPTIONAL: f32 = 0.5;
/// Weight of a word that shares a query word's stem (see [`Term::stem`]).
pub(crate) const STEM: f32 = 0.4;

/// One word of a query.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Term {
    /// The folded word.
    pub(crate) chars: Vec<char>,
    /// The last word, still being typed: it also matches longer words that start like it.
    pub(crate) prefix: bool,
    /// Edits allowed.
    pub(crate) typos: u8,
    /// A stop word being typed while the query has other words: it matches only longer words,
    /// with a low weight, and a document need not match it.
    pub(crate) optional: bool,
}

/// The words of `query` that search uses. The last word is being typed when nothing follows it
/// (`"reset pass"`, not `"reset pass "` or `"reset pass?"`). Repeated words count once. Stop
/// words are dropped when the query has other words, except a stop word being typed, which
/// becomes optional.
pub(crate) fn parse(query: &str, is_stop: impl Fn(&str) -> bool) -> Vec<Term> {
    let mut words: Vec<(String, bool)> = Vec::new();
    for_each_word(query, |word, span| {
        if words.len() < MAX_QUERY_WORDS && !words.iter().any(|(w, _)| w == word) {
            words.push((word.to_string(), span.end == query.len()));
        } else if span.end == query.len() {
            // A repeated last word is still the word being typed.
            if let Some(last) = words.iter_mut().find(|(w, _)| w == word) {
                last.1 = true;
            }
        }
    });
    let has_content = words.iter().any(|(w, _)| !is_stop(w));
    words
        .into_iter()
        .filter_map(|(word, prefix)| {
            let stop = has_content && is_stop(&word);
            if stop && !prefix {
                return None;
            }
            let chars: Vec<char> = word.chars().collect();
            Some(Term {
                typos: if stop { 0 } else { max_typos(chars.len()) },
                chars,
                prefix,
                optional: stop,
            })
        })
        .collect()
}

impl Term {
    /// How well a word of `len` chars at `typos` edits matches: 1 for the word itself, less for
    /// a longer word when this one is being typed (less the more is left to type), and half
    /// for each typo. Exact matches therefore outrank completions, which outrank typos.
    pub(crate) fn quality(&self, len: usize, typos: u8) -> f32 {
        let mut q = super::index::knob("TYPO_W", TYPO).powi(i32::from(typos));
        if self.prefix && len > self.chars.len() {
            q *= 0.6 + 0.3 * self.chars.len() as f32 / len as f32;
        }
        if self.optional {
            q *= OPTIONAL;
        }
        q
    }

    /// The quality of `word` as a match for this term, or `None` when it does not match.
    pub(crate) fn matches(&self, word: &[char]) -> Option<f32> {
        if self.optional {
            return (word.len() > self.chars.len() && word.starts_with(&self.chars))
                .then(|| self.quality(word.len(), 0));
        }
        let edits = distance(&self.chars, word, self.typos, self.prefix);
        let stem = self
            .stem()
            .filter(|stem| word.len() > stem.len() && word.starts_with(stem))
            .map(|_| STEM);
        match (edits.map(|d| self.quality(word.len(), d)), stem) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        }
    }

    /// The word without its last two or three letters, for words of five letters or more: any
    /// longer word starting with it is a weak match, which catches inflections and derivations
    /// without a stemmer per language (`olvide` → "olvidaste", `submitted` → "submission",
    /// `restablecer` → "restablezco"). `None` for stop words and short words.
    pub(crate) fn stem(&self) -> Option<&[char]> {
        let len = self.chars.len();
        if self.optional || len < 5 {
            return None;
        }
        let cut = if len >= 9 { 3 } else { 2 };
        self.chars.get(..(len - cut).max(5))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::normalize::is_any_stopword;

    fn shown(query: &str) -> Vec<String> {
        parse(query, is_any_stopword)
            .iter()
            .map(|t| {
                let word: String = t.chars.iter().collect();
                let mut s = format!("{word}/{}", t.typos);
                if t.prefix {
                    s.push('*');
                }
                if t.optional {
                    s.push('?');
                }
                s
            })
            .collect()
    }

    #[test]
    fn last_word_is_typed_and_stop_words_go() {
        assert_eq!(shown("How do I reset my pass"), ["reset/1", "pass/1*"]);
        assert_eq!(shown("reset pass "), ["reset/1", "pass/1"]);
        assert_eq!(shown("reset password?"), ["reset/1", "password/2"]);
        assert_eq!(shown("password for"), ["password/2", "for/0*?"]);
        assert_eq!(shown("how do"), ["how/0", "do/0*"]);
        assert_eq!(
            shown("¿Cómo cambio mi contraseña"),
            ["cambio/1", "contrasena/2*"]
        );
        assert_eq!(shown("grade grade grade"), ["grade/1*"]);
        assert_eq!(shown(""), Vec::<String>::new());
        assert_eq!(shown("🙂 ‏"), Vec::<String>::new());
    }

    #[test]
    fn long_queries_are_cut() {
        let query: String = (0..100).map(|i| format!("word{i} ")).collect();
        assert_eq!(parse(&query, |_| false).len(), MAX_QUERY_WORDS);
    }

    #[test]
    fn quality_orders_exact_prefix_typo() {
        let t = &parse("pass", |_| false)[0];
        let exact = t.quality(4, 0);
        let completion = t.quality(8, 0);
        let typo = t.quality(4, 1);
        assert!(
            exact > completion && completion > typo,
            "{exact} {completion} {typo}"
        );
    }
}
