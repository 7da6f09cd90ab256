//! The inverted index: a sorted vocabulary of folded words, each with the entries that hold it
//! and a precomputed BM25 weight per entry.
//!
//! Ranking is BM25 per field (k1 = 1.2, b = 0.75, each field normalised by its own average
//! length), the fields summed with weights question 3 > tags 2 > category 1.5 > answer 1. A
//! query word contributes, per entry, its best-matching vocabulary word times the match quality
//! of [`super::query::Term::quality`]; the sum over query words is then scaled by the share of
//! query words the entry matched, squared, so entries matching more of the query come first.
//!
//! Lookups never scan the vocabulary: exact words and completions are binary searches, and
//! typo-tolerant words walk the sorted vocabulary as a trie, sharing edit-distance rows between
//! neighbours and skipping every word under a prefix that is already too far from the query.

use super::fuzzy::Rows;
use super::normalize::{for_each_word, is_stopword, stopwords};
use super::query::{self, Term};
use super::Hit;
use crate::feed::FaqEntry;
use crate::text::primary_language;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt;

const K1: f32 = 1.2;
const B: f32 = 0.75;
const FIELDS: usize = 4;
/// Question, tags, category, answer.
const FIELD_WEIGHTS: [f32; FIELDS] = [3.0, 2.0, 1.5, 1.0];
const QUESTION: usize = 0;
const TAGS: usize = 1;
const CATEGORY: usize = 2;
const ANSWER: usize = 3;

/// One entry holding one word, with the word's BM25 weight in that entry (idf included).
#[derive(Clone, Copy, Debug)]
struct Posting {
    entry: u32,
    weight: f32,
    /// Bit `f` set when the word is in field `f`.
    fields: u8,
}

// TEMP knobs for tuning.
pub(crate) fn knob(name: &str, default: f32) -> f32 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The FAQ in one language, ready for search as you type.
pub struct SearchIndex {
    ids: Vec<String>,
    stop: &'static [&'static str],
    language: String,
    /// Every vocabulary word's letters, concatenated in sorted order.
    letters: Vec<char>,
    /// Word `i` is `letters[word_starts[i]..word_starts[i + 1]]`.
    word_starts: Vec<u32>,
    /// Word `i`'s postings are `postings[posting_starts[i]..posting_starts[i + 1]]`.
    posting_starts: Vec<u32>,
    postings: Vec<Posting>,
}

impl fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SearchIndex")
            .field("language", &self.language)
            .field("entries", &self.ids.len())
            .field("words", &self.word_count())
            .field("postings", &self.postings.len())
            .finish()
    }
}

/// Per-word postings while building: the entry and the word's count in each field.
type Counts = Vec<(u32, [u16; FIELDS])>;

impl SearchIndex {
    /// Indexes each entry's question, tags, category and answer as shown in `locale` (the
    /// question and answer through `LocalizedText::get`, so a missing translation falls back to
    /// English). Build once per feed version and locale; the index does not borrow `faq`.
    pub fn build(faq: &[FaqEntry], locale: &str) -> SearchIndex {
        let language = primary_language(locale).to_ascii_lowercase();
        let mut vocabulary: HashMap<String, u32> = HashMap::new();
        let mut counts: Vec<Counts> = Vec::new();
        let mut lengths: Vec<[u32; FIELDS]> = Vec::with_capacity(faq.len());
        let mut ids = Vec::with_capacity(faq.len());
        for (entry, faq_entry) in faq.iter().enumerate() {
            // More than 4 billion entries cannot be built in memory anyway.
            let entry = u32::try_from(entry).unwrap_or(u32::MAX);
            let mut length = [0u32; FIELDS];
            let mut add = |field: usize, text: &str| {
                for_each_word(text, |word, _| {
                    length[field] = length[field].saturating_add(1);
                    let id = match vocabulary.get(word) {
                        Some(&id) => id,
                        None => {
                            let id = u32::try_from(counts.len()).unwrap_or(u32::MAX);
                            vocabulary.insert(word.to_string(), id);
                            counts.push(Vec::new());
                            id
                        }
                    };
                    let Some(list) = counts.get_mut(id as usize) else {
                        return;
                    };
                    match list.last_mut() {
                        Some((e, tf)) if *e == entry => tf[field] = tf[field].saturating_add(1),
                        _ => {
                            let mut tf = [0u16; FIELDS];
                            tf[field] = 1;
                            list.push((entry, tf));
                        }
                    }
                });
            };
            add(QUESTION, faq_entry.question.get(locale));
            for tag in &faq_entry.tags {
                add(TAGS, tag);
            }
            if let Some(category) = &faq_entry.category {
                add(CATEGORY, category);
            }
            add(ANSWER, &without_link_targets(faq_entry.answer.get(locale)));
            lengths.push(length);
            ids.push(faq_entry.id.clone());
        }

        let n = lengths.len().max(1) as f32;
        let mut average = [0f32; FIELDS];
        for length in &lengths {
            for (avg, &len) in average.iter_mut().zip(length) {
                *avg += len as f32;
            }
        }
        for avg in &mut average {
            *avg = (*avg / n).max(1.0);
        }

        let mut sorted: Vec<(String, u32)> = vocabulary.into_iter().collect();
        sorted.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut index = SearchIndex {
            ids,
            stop: stopwords(&language),
            language,
            letters: Vec::new(),
            word_starts: Vec::with_capacity(sorted.len() + 1),
            posting_starts: Vec::with_capacity(sorted.len() + 1),
            postings: Vec::new(),
        };
        index.word_starts.push(0);
        index.posting_starts.push(0);
        for (word, id) in sorted {
            let list = counts.get(id as usize).map(Vec::as_slice).unwrap_or(&[]);
            let df = list.len() as f32;
            let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
            let mut field_df = [0f32; FIELDS];
            for (_, tf) in list {
                for field in 0..FIELDS {
                    if tf[field] > 0 {
                        field_df[field] += 1.0;
                    }
                }
            }
            let per_field = knob("PER_FIELD_IDF", 0.0);
            let field_idf = field_df.map(|df| {
                let f = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
                f.powf(per_field) * idf.powf(1.0 - per_field)
            });
            let fw = [
                knob("FW_Q", 3.0),
                knob("FW_T", 2.0),
                knob("FW_C", 1.5),
                knob("FW_A", 1.0),
            ];
            for (entry, tf) in list {
                let length = lengths.get(*entry as usize).copied().unwrap_or_default();
                let mut weight = 0.0;
                let mut fields = 0u8;
                for field in 0..FIELDS {
                    let tf = f32::from(tf[field]);
                    if tf > 0.0 {
                        let norm = 1.0 - B + B * length[field] as f32 / average[field];
                        weight += field_idf[field] * fw[field] * tf * (K1 + 1.0) / (tf + K1 * norm);
                        fields |= 1 << field;
                    }
                }
                index.postings.push(Posting {
                    entry: *entry,
                    weight,
                    fields,
                });
            }
            index.letters.extend(word.chars());
            index.word_starts.push(offset(index.letters.len()));
            index.posting_starts.push(offset(index.postings.len()));
        }
        index
    }

    /// The best `limit` entries for `query`, best first; ties keep feed order. An empty query
    /// (or one with no letters or digits) finds nothing.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Hit> {
        if limit == 0 || self.ids.is_empty() {
            return Vec::new();
        }
        let neg_mode = knob("NEG_MODE", 0.0);
        let is_neg = |w: &str| matches!(w, "not" | "no");
        let terms = query::parse(query, |w| {
            is_stopword(w, self.stop) || (neg_mode == 1.0 && is_neg(w))
        });
        let weak = |t: &Term| neg_mode == 2.0 && is_neg(&t.chars.iter().collect::<String>());
        if terms.is_empty() {
            return Vec::new();
        }
        let n = self.ids.len();
        let extra_w = knob("EXTRA_W", 0.0);
        let extra_cap = knob("EXTRA_CAP", 1.0);
        let ev_w = [
            knob("EV_Q", 1.0),
            knob("EV_T", 1.0),
            knob("EV_C", 1.0),
            knob("EV_A", 1.0),
        ];
        let ev_q = knob("EV_QUAL", 0.0);
        let cov_pow = knob("COV_POW", 2.0);
        let cov_floor = knob("COV_FLOOR", 0.0);
        let mut best = vec![0f32; n];
        let mut rest = vec![0f32; n];
        let mut evid = vec![0f32; n];
        let mut total = vec![0f32; n];
        let mut coverage = vec![0f32; n];
        let mut matched = vec![0u8; n];
        let mut touched: Vec<u32> = Vec::new();
        let mut touched_by_term: Vec<u32> = Vec::new();
        let mut words: Vec<(u32, f32)> = Vec::new();
        let required = terms.iter().filter(|t| !t.optional && !weak(t)).count();
        for term in &terms {
            words.clear();
            self.expand(term, &mut words);
            touched_by_term.clear();
            let ev_stem = knob("EV_STEM", knob("STEM_W", query::STEM));
            let stem_w = knob("STEM_W", query::STEM);
            let evq = |q: f32| if q == stem_w { ev_stem } else { q };
            let qmax = words.iter().fold(0f32, |m, w| m.max(evq(w.1)));
            let ev_gamma = knob("EV_GAMMA", 0.0);
            for &(word, quality) in &words {
                for posting in self.postings_of(word) {
                    let e = posting.entry as usize;
                    let Some(slot) = best.get_mut(e) else {
                        continue;
                    };
                    if *slot == 0.0 {
                        touched_by_term.push(posting.entry);
                    }
                    let c = quality * posting.weight;
                    if c > *slot {
                        rest[e] += *slot;
                        *slot = c;
                    } else {
                        rest[e] += c;
                    }
                    let mut fe = 0f32;
                    for f in 0..FIELDS {
                        if posting.fields & (1 << f) != 0 {
                            fe = fe.max(ev_w[f]);
                        }
                    }
                    let ev = fe
                        * (1.0 - ev_q + ev_q * evq(quality))
                        * (evq(quality) / qmax).min(1.0).powf(ev_gamma);
                    evid[e] = evid[e].max(ev);
                }
            }
            let dbg = std::env::var("DEBUG_IDS").ok();
            for &entry in &touched_by_term {
                let e = entry as usize;
                if let Some(d) = &dbg {
                    if d.split(',').any(|x| x == self.ids[e]) {
                        let w: String = term.chars.iter().collect();
                        eprintln!(
                            "  {} {w}: best {:.2} rest {:.2} ev {:.2}",
                            self.ids[e], best[e], rest[e], evid[e]
                        );
                    }
                }
                if total[e] == 0.0 {
                    touched.push(entry);
                }
                total[e] += best[e] + extra_w * rest[e].min(extra_cap * best[e]);
                best[e] = 0.0;
                rest[e] = 0.0;
                if !term.optional && !weak(term) {
                    matched[e] = matched[e].saturating_add(1);
                    coverage[e] += evid[e];
                }
                evid[e] = 0.0;
            }
        }
        // An entry that matched only optional words (a stop word being typed) is not a hit.
        let scored = touched
            .iter()
            .filter(|&&entry| required == 0 || matched[entry as usize] > 0)
            .map(|&entry| {
                let e = entry as usize;
                let share = if required == 0 {
                    1.0
                } else {
                    coverage[e] / required as f32
                };
                (
                    total[e] * (cov_floor + (1.0 - cov_floor) * share.powf(cov_pow)),
                    entry,
                )
            });
        let res = top(scored, limit);
        if std::env::var("DEBUG_IDS").is_ok() {
            for (sc, e) in res.iter().take(3) {
                eprintln!(
                    "  top {} {:.2} total {:.2} cov {:.2} matched {}",
                    self.ids[*e as usize],
                    sc,
                    total[*e as usize],
                    coverage[*e as usize],
                    matched[*e as usize]
                );
            }
        }
        res.into_iter()
            .map(|(score, entry)| Hit {
                index: entry as usize,
                id: self.ids.get(entry as usize).cloned().unwrap_or_default(),
                score,
            })
            .collect()
    }

    /// How many FAQ entries the index holds.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// True when the index holds no entries.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    fn word_count(&self) -> usize {
        self.word_starts.len().saturating_sub(1)
    }

    fn word(&self, i: usize) -> &[char] {
        let (Some(&from), Some(&to)) = (self.word_starts.get(i), self.word_starts.get(i + 1))
        else {
            return &[];
        };
        self.letters.get(from as usize..to as usize).unwrap_or(&[])
    }

    fn postings_of(&self, word: u32) -> &[Posting] {
        let i = word as usize;
        let (Some(&from), Some(&to)) = (self.posting_starts.get(i), self.posting_starts.get(i + 1))
        else {
            return &[];
        };
        self.postings.get(from as usize..to as usize).unwrap_or(&[])
    }

    /// The first index in `lo..hi` where `pred` turns false (`pred` must be true, then false).
    fn partition(&self, mut lo: usize, mut hi: usize, pred: impl Fn(&[char]) -> bool) -> usize {
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if pred(self.word(mid)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// The vocabulary words starting with `prefix`, as an index range.
    fn completions(&self, prefix: &[char]) -> std::ops::Range<usize> {
        let n = self.word_count();
        let lo = self.partition(0, n, |w| w < prefix);
        let hi = self.partition(lo, n, |w| w.starts_with(prefix));
        lo..hi
    }

    /// Pushes the vocabulary words matching `term`, each with its match quality.
    fn expand(&self, term: &Term, out: &mut Vec<(u32, f32)>) {
        let q = term.chars.as_slice();
        let mut push = |i: usize, typos: u8| {
            let len = self.word(i).len();
            if let Ok(i) = u32::try_from(i) {
                out.push((i, term.quality(len, typos)));
            }
        };
        if term.optional {
            for i in self.completions(q) {
                if self.word(i).len() > q.len() {
                    push(i, 0);
                }
            }
        } else if term.typos == 0 {
            let range = self.completions(q);
            if term.prefix {
                range.for_each(|i| push(i, 0));
            } else if range.start < range.end && self.word(range.start) == q {
                push(range.start, 0);
            }
        } else {
            self.walk(q, term.typos, term.prefix, &mut push);
        }
        if let Some(stem) = term.stem() {
            // Words already found above are in vocabulary order: a word matched both ways
            // keeps its better quality instead of counting twice.
            let found = out.len();
            for i in self.completions(stem) {
                if self.word(i).len() > stem.len() {
                    let Ok(i) = u32::try_from(i) else { continue };
                    match out[..found].binary_search_by(|&(w, _)| w.cmp(&i)) {
                        Ok(at) => out[at].1 = out[at].1.max(knob("STEM_W", query::STEM)),
                        Err(_) => out.push((i, knob("STEM_W", query::STEM))),
                    }
                }
            }
        }
    }

    /// Calls `found(word, typos)` for every vocabulary word within `k` edits of `q` (of a prefix
    /// of the word, with `prefix`), walking the sorted vocabulary as a trie.
    fn walk(&self, q: &[char], k: u8, prefix: bool, mut found: impl FnMut(usize, u8)) {
        let n = self.word_count();
        let mut rows = Rows::new(q);
        let mut previous: &[char] = &[];
        let mut i = 0;
        'words: while i < n {
            let word = self.word(i);
            let shared = common_prefix(previous, word).min(rows.depth());
            rows.truncate(shared);
            previous = word;
            while rows.depth() < word.len() {
                let depth = rows.depth();
                let row_min = rows.push(word[depth]);
                let stem = &word[..=depth];
                if prefix && rows.best_prefix() <= row_min && rows.best_prefix() <= k {
                    // Every word under this stem matches, and none can do better.
                    let end = self.partition(i + 1, n, |w| w.starts_with(stem));
                    for j in i..end {
                        found(j, rows.best_prefix());
                    }
                    i = end;
                    continue 'words;
                }
                if row_min > k {
                    // Nothing under this stem can come within k edits.
                    i = self.partition(i + 1, n, |w| w.starts_with(stem));
                    continue 'words;
                }
            }
            let d = if prefix {
                rows.best_prefix()
            } else {
                rows.last()
            };
            if d <= k {
                found(i, d);
            }
            i += 1;
        }
    }
}

/// Best first: higher score, then earlier in the feed.
fn order(a: &(f32, u32), b: &(f32, u32)) -> Ordering {
    b.0.total_cmp(&a.0).then(a.1.cmp(&b.1))
}

/// The `limit` best of `scored`, in [`order`]. A keystroke early in a word can touch every
/// entry, so this keeps a short sorted list instead of sorting them all.
fn top(scored: impl Iterator<Item = (f32, u32)>, limit: usize) -> Vec<(f32, u32)> {
    let mut best: Vec<(f32, u32)> = Vec::with_capacity(limit.min(64) + 1);
    for item in scored {
        if best.len() == limit && best.last().is_some_and(|last| order(&item, last).is_ge()) {
            continue;
        }
        let at = best.partition_point(|b| order(b, &item).is_lt());
        best.insert(at, item);
        best.truncate(limit);
    }
    best
}

fn common_prefix(a: &[char], b: &[char]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

fn offset(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Answer Markdown without link destinations: `[the guide](https://x.example/a)` indexes
/// "the guide", not "https", "x", "example".
fn without_link_targets(markdown: &str) -> std::borrow::Cow<'_, str> {
    if !markdown.contains("](") {
        return std::borrow::Cow::Borrowed(markdown);
    }
    let mut out = String::with_capacity(markdown.len());
    let mut rest = markdown;
    while let Some(at) = rest.find("](") {
        out.push_str(&rest[..=at]);
        let after = &rest[at + 2..];
        match after.find(')') {
            Some(close) if !after[..close].contains(char::is_whitespace) => {
                out.push(' ');
                rest = &after[close + 1..];
            }
            _ => {
                out.push('(');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_targets_are_not_indexed() {
        assert_eq!(
            without_link_targets("See [the guide](https://x.example/a). Or (this) [a](b c)."),
            "See [the guide] . Or (this) [a](b c)."
        );
        assert_eq!(without_link_targets("[é](ü)](("), "[é] ]((");
    }

    #[test]
    fn top_keeps_the_best_in_order_ties_by_feed_order() {
        let v = vec![(1.0, 3), (2.0, 5), (1.0, 1), (0.5, 0), (3.0, 9), (1.0, 2)];
        assert_eq!(
            top(v.clone().into_iter(), 3),
            vec![(3.0, 9), (2.0, 5), (1.0, 1)]
        );
        assert_eq!(top(v.clone().into_iter(), 0), vec![]);
        let mut all = v.clone();
        all.sort_by(order);
        assert_eq!(top(v.into_iter(), 100), all);
        // Against a full sort on a pseudo-random list with many ties.
        let mut x = 7u32;
        let list: Vec<(f32, u32)> = (0..500)
            .map(|i| {
                x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                (((x >> 16) % 17) as f32, i)
            })
            .collect();
        let mut sorted = list.clone();
        sorted.sort_by(order);
        for limit in [1, 10, 499, 500, 600] {
            let want: Vec<_> = sorted.iter().copied().take(limit).collect();
            assert_eq!(top(list.clone().into_iter(), limit), want, "{limit}");
        }
    }
}

#[cfg(test)]
mod walk_tests {
    use super::*;
    use crate::search::fuzzy::distance;
    use crate::text::LocalizedText;

    fn index_of(words: &[&str]) -> SearchIndex {
        let faq = vec![FaqEntry {
            id: "all".to_string(),
            category: None,
            tags: Vec::new(),
            question: LocalizedText::new(vec![("en".to_string(), words.join(" "))]),
            answer: LocalizedText::default(),
        }];
        SearchIndex::build(&faq, "en")
    }

    /// The trie walk finds exactly what comparing against every word finds.
    #[test]
    fn walk_agrees_with_brute_force() {
        let words = [
            "pass",
            "passage",
            "passed",
            "password",
            "passwords",
            "passport",
            "past",
            "paste",
            "pasta",
            "path",
            "pat",
            "patch",
            "post",
            "posted",
            "contrasena",
            "contrasenas",
            "contrato",
            "control",
            "contenido",
            "grade",
            "grades",
            "gradebook",
            "graded",
            "grant",
            "great",
            "a",
            "ab",
            "abc",
            "acb",
            "bac",
            "cab",
            "x",
            "xx",
            "xxx",
            "xxxx",
            "ñu",
            "σχολείο",
            "数学",
            "quiz",
            "quizzes",
            "quit",
            "quiet",
            "qiuz",
        ];
        let index = index_of(&words);
        assert_eq!(index.word_count(), words.len());
        let queries = [
            "pass",
            "pasword",
            "passwrod",
            "psas",
            "contrasnea",
            "contras",
            "grade",
            "garde",
            "qiuz",
            "quiz",
            "ab",
            "ba",
            "xxxxx",
            "σχολειο",
            "zzzz",
            "p",
            "cont",
            "past",
            "pa",
        ];
        for q in queries {
            let qc: Vec<char> = q.chars().collect();
            for k in 0..=2u8 {
                for prefix in [false, true] {
                    let mut got = Vec::new();
                    index.walk(&qc, k, prefix, |i, d| got.push((i, d)));
                    let want: Vec<(usize, u8)> = (0..index.word_count())
                        .filter_map(|i| distance(&qc, index.word(i), k, prefix).map(|d| (i, d)))
                        .collect();
                    assert_eq!(got, want, "{q} k={k} prefix={prefix}");
                }
            }
        }
    }
}
