//! A query as search runs it: its folded words, which one is still being typed, how many typos
//! each may carry, and which are stop words to skip.
//!
//! The same parsing serves ranking ([`super::index`]) and highlighting ([`super::highlight_ranges`]),
//! so a highlighted word is always one that could have matched.

use super::fuzzy::{distance, max_typos};
use super::normalize::{for_each_word, is_negation};

/// At most this many distinct words of a query are used; the rest is ignored so that a pasted
/// page of text cannot stall a keystroke.
pub(crate) const MAX_QUERY_WORDS: usize = 32;

/// Weight of a match with as many typos as the word allows (see [`Term::quality`]).
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
    /// A negation (`not`, `no`, `pas`, …; see [`is_negation`]): it matches and scores like any
    /// word, but an entry's coverage of the query does not count it, because it says little
    /// about the topic. "course not on dashboard" asks about a missing course; without this,
    /// every "X not loading" question would count as covering the query better than the
    /// entry "A course is missing from my dashboard".
    pub(crate) weak: bool,
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
                weak: !stop && is_negation(&word),
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
    /// for as many typos as this word allows: a word of 4 to 7 letters with its one typo
    /// weighs ½, a word of 8 or more with two typos ½ and with one √½ (a typo in a long word
    /// leaves less doubt about the word meant). Exact matches therefore outrank completions,
    /// which outrank typos.
    pub(crate) fn quality(&self, len: usize, typos: u8) -> f32 {
        let mut q = if typos == 0 {
            1.0
        } else if typos < self.typos {
            std::f32::consts::FRAC_1_SQRT_2
        } else {
            TYPO
        };
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

    /// The word without its last two or three letters, keeping at least four, for words of
    /// five letters or more: any longer word starting with it is a weak match, which catches
    /// inflections and derivations without a stemmer per language (`olvide` → "olvidaste",
    /// `borrar` → "borro", `submitted` → "submission", `restablecer` → "restablezco"). `None`
    /// for stop words and short words.
    pub(crate) fn stem(&self) -> Option<&[char]> {
        let len = self.chars.len();
        if self.optional || len < 5 {
            return None;
        }
        let cut = if len >= 9 { 3 } else { 2 };
        self.chars.get(..(len - cut).max(4))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::help::search::normalize::{is_any_stopword, is_stopword, stopwords};

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
                if t.weak {
                    s.push('~');
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
    fn negations_are_weak_unless_they_are_stop_words() {
        assert_eq!(
            shown("course not on dashboard"),
            ["course/1", "not/0~", "dashboard/2*"]
        );
        let es = |w: &str| is_stopword(w, stopwords("es"));
        let terms = parse("no recibo correos", es);
        assert_eq!(
            terms.iter().map(|t| t.weak).collect::<Vec<_>>(),
            [true, false, false]
        );
        // Portuguese "no" ("in the") is a stop word: dropped, not weak.
        let pt = |w: &str| is_stopword(w, stopwords("pt"));
        let terms = parse("arquivo no curso", pt);
        assert!(terms.iter().all(|t| !t.weak), "{terms:?}");
        assert_eq!(terms.len(), 2);
    }

    #[test]
    fn stems_keep_at_least_four_letters() {
        let stem = |w: &str| {
            parse(w, |_| false)[0]
                .stem()
                .map(|s| s.iter().collect::<String>())
        };
        assert_eq!(stem("grade"), Some("grad".to_string()));
        assert_eq!(stem("borrar"), Some("borr".to_string()));
        assert_eq!(stem("olvide"), Some("olvi".to_string()));
        assert_eq!(stem("descargar"), Some("descar".to_string()));
        assert_eq!(stem("quiz"), None);
    }

    #[test]
    fn a_typo_costs_less_in_a_long_word() {
        let short = &parse("pasword ", |_| false)[0];
        let long = &parse("contrasnea ", |_| false)[0];
        assert_eq!(short.quality(8, 1), 0.5);
        assert_eq!(long.quality(10, 2), 0.5);
        assert!((long.quality(10, 1) - 0.5f32.sqrt()).abs() < 1e-6);
        assert_eq!(long.quality(10, 0), 1.0);
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
