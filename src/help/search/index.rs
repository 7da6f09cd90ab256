//! The inverted index: a sorted vocabulary of folded words, each with the fields of the entries
//! that hold it and a precomputed BM25 weight per entry and field.
//!
//! Ranking is BM25 per field (k1 = 1.2, b = 0.75, each field normalised by its own average
//! length), with field weights question 3 > tags 2 > category 1.5 > answer 1. A word's idf in a
//! field is the geometric mean of its idf over whole entries and over that field alone, so a
//! word that is boilerplate in 1,000 answers but in one question weighs more in that question
//! than in the answers (the field's own idf alone would swing wildly in a small FAQ).
//!
//! A query word contributes, per entry and field, its best-matching vocabulary word times the
//! match quality of [`super::query::Term::quality`], and the fields add up: `subtitulos` scores
//! for "subtítulos" in a question plus the tag "subtitles", but "account" and "accounts" in one
//! answer count once. The sum over query words is then scaled by the entry's coverage of the
//! query, squared, so entries matching more of the query come first. Coverage credits each query
//! word by how well the entry matches it compared with the best match the whole vocabulary has
//! for it: an exact word counts fully, and so does a typo when no word matches better (the
//! learner's typo costs every entry alike), while an entry holding only a stem or a typo
//! neighbour of a word that other entries hold exactly counts partly. Negations (`not`, `no`)
//! score but do not count towards coverage (see [`super::query::Term::weak`]).
//!
//! Lookups never scan the vocabulary: exact words and completions are binary searches, and
//! typo-tolerant words walk the sorted vocabulary as a trie, sharing edit-distance rows between
//! neighbours and skipping every word under a prefix that is already too far from the query.

use super::fuzzy::Rows;
use super::normalize::{for_each_word, is_stopword, stopwords};
use super::query::{self, Term};
use super::Hit;
use crate::base::feed::FaqEntry;
use crate::base::substring::{contains, find};
use crate::base::text::primary_language;
use std::cell::RefCell;
use std::cmp::Ordering;
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

/// One field of one entry holding one word, with the word's weighted BM25 score there (idf and
/// field weight included).
#[derive(Clone, Copy, Debug)]
struct Posting {
    /// `entry * FIELDS + field`: both in one `u32`, which keeps a posting at 8 bytes.
    slot: u32,
    weight: f32,
}

/// The FAQ in one language, ready for search as you type.
pub struct SearchIndex {
    ids: Vec<String>,
    stop: &'static str,
    language: String,
    /// Every vocabulary word's letters, concatenated in sorted order.
    letters: Vec<char>,
    /// Word `i` is `letters[word_starts[i]..word_starts[i + 1]]`.
    word_starts: Vec<u32>,
    /// Word `i`'s postings are `postings[posting_starts[i]..posting_starts[i + 1]]`, in entry
    /// order, one per field that holds the word.
    posting_starts: Vec<u32>,
    postings: Vec<Posting>,
    /// Per-entry arrays a search fills, kept between searches so that a keystroke does not
    /// allocate and zero them again (a search puts back zeros where it wrote).
    scratch: RefCell<Scratch>,
}

/// Working memory of [`SearchIndex::search`]; all zeros and empty between searches.
#[derive(Debug, Default)]
struct Scratch {
    /// One per entry.
    entries: Vec<EntryScratch>,
    /// The entries with a score, in the order they got one.
    touched: Vec<u32>,
    /// The entries the current query word matched.
    touched_by_term: Vec<u32>,
    /// The current query word's vocabulary words, with their match quality.
    words: Vec<(u32, f32)>,
    /// A search started and has not put the zeros back (it panicked half-way).
    dirty: bool,
}

/// What a search keeps about one entry, together so that a posting touches one cache line.
#[derive(Clone, Copy, Debug, Default)]
#[repr(C, align(32))]
struct EntryScratch {
    /// Per query word: the best score in each field.
    field_best: [f32; FIELDS],
    /// Per query word: how well the entry covers it (0 when it does not match it).
    cover: f32,
    /// Over the whole query: the score.
    total: f32,
    /// Over the whole query: the coverage, summed over the words that count.
    coverage: f32,
}

impl Scratch {
    /// Ready for a search over `n` entries: sized, and zeroed if a search did not finish.
    fn prepare(&mut self, n: usize) {
        if self.dirty {
            self.entries.fill(EntryScratch::default());
        }
        self.entries.resize(n, EntryScratch::default());
        self.touched.clear();
        self.dirty = true;
    }

    /// Puts back the zeros a search wrote: the per-word ones are zeroed word by word, the
    /// per-query ones here, for the entries touched only.
    fn clean_up(&mut self) {
        for &entry in &self.touched {
            if let Some(e) = self.entries.get_mut(entry as usize) {
                e.total = 0.0;
                e.coverage = 0.0;
            }
        }
        self.touched.clear();
        self.dirty = false;
    }
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
    /// [`IndexBuilder`] builds the same index a few entries at a time.
    pub fn build(faq: &[FaqEntry], locale: &str) -> SearchIndex {
        let mut builder = IndexBuilder::new(locale);
        for entry in faq {
            builder.add(entry);
        }
        builder.finish()
    }
}

/// The words read so far, each with its id (its place in `words`, given in reading order): a
/// hash table of our own rather than std's `HashMap`, whose hashbrown, SipHash and random keys
/// were about 5 KB of the full stage's Wasm for this one map. FNV-1a is no weaker here: on
/// wasm32-unknown-unknown std's `RandomState` has no randomness to draw its keys from.
#[derive(Default)]
struct Vocabulary {
    words: Vec<String>,
    /// Open addressing with linear probing: a word's id + 1, or 0 where free; a power of two
    /// long and at most half full.
    slots: Vec<u32>,
}

impl Vocabulary {
    /// The id of `word`, the next one (`words.len()` before) when it is new.
    fn id_of(&mut self, word: &str) -> u32 {
        if self.words.len() * 2 >= self.slots.len() {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut at = fnv1a(word) as usize & mask;
        loop {
            match self.slots[at] {
                0 => {
                    // More than 4 billion words cannot be read in memory anyway.
                    let id = u32::try_from(self.words.len()).unwrap_or(u32::MAX - 1);
                    self.words.push(word.to_string());
                    self.slots[at] = id + 1;
                    return id;
                }
                slot if self.words[slot as usize - 1] == word => return slot - 1,
                _ => at = (at + 1) & mask,
            }
        }
    }

    fn grow(&mut self) {
        let len = (self.slots.len() * 2).max(64);
        let mut slots = vec![0u32; len];
        for (word, slot) in self.words.iter().zip(1..) {
            let mut at = fnv1a(word) as usize & (len - 1);
            while slots[at] != 0 {
                at = (at + 1) & (len - 1);
            }
            slots[at] = slot;
        }
        self.slots = slots;
    }
}

fn fnv1a(word: &str) -> u32 {
    word.bytes().fold(0x811c_9dc5, |hash, byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    })
}

/// Builds a [`SearchIndex`] in steps, so that a large FAQ need not be indexed in one long task:
/// [`IndexBuilder::add`] reads one entry's words (most of the work), [`IndexBuilder::finish`]
/// weighs them once every entry is in. Adding the entries in feed order gives the index
/// [`SearchIndex::build`] gives.
pub struct IndexBuilder {
    locale: String,
    vocabulary: Vocabulary,
    counts: Vec<Counts>,
    lengths: Vec<[u32; FIELDS]>,
    ids: Vec<String>,
}

impl fmt::Debug for IndexBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IndexBuilder")
            .field("entries", &self.ids.len())
            .finish()
    }
}

impl IndexBuilder {
    /// An empty index of the FAQ as shown in `locale`.
    pub fn new(locale: &str) -> IndexBuilder {
        IndexBuilder {
            locale: locale.to_string(),
            vocabulary: Vocabulary::default(),
            counts: Vec::new(),
            lengths: Vec::new(),
            ids: Vec::new(),
        }
    }

    /// How many entries are in.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// True before the first entry.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Reads the entries of `faq` after the ones already in, one by one while `more()` says
    /// so (a time budget); returns true once every entry of `faq` is in. The same `faq` at
    /// every call.
    pub fn add_from(&mut self, faq: &[FaqEntry], mut more: impl FnMut() -> bool) -> bool {
        for entry in faq.get(self.len()..).unwrap_or_default() {
            if !more() {
                return false;
            }
            self.add(entry);
        }
        true
    }

    /// Reads the next entry's words.
    pub fn add(&mut self, faq_entry: &FaqEntry) {
        let IndexBuilder {
            locale,
            vocabulary,
            counts,
            lengths,
            ids,
        } = self;
        let locale = locale.as_str();
        // More than 4 billion entries cannot be built in memory anyway.
        let entry = u32::try_from(ids.len()).unwrap_or(u32::MAX);
        let mut length = [0u32; FIELDS];
        let mut add = |field: usize, text: &str| {
            for_each_word(text, |word, _| {
                length[field] = length[field].saturating_add(1);
                let id = vocabulary.id_of(word);
                if id as usize == counts.len() {
                    counts.push(Vec::new());
                }
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

    /// The index of the entries added: every word weighed, the vocabulary sorted.
    pub fn finish(self) -> SearchIndex {
        let IndexBuilder {
            locale,
            vocabulary,
            counts,
            lengths,
            ids,
        } = self;
        let language = primary_language(&locale).to_ascii_lowercase();
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

        let mut sorted: Vec<(String, u32)> = vocabulary.words.into_iter().zip(0..).collect();
        crate::base::sort::sort_by(&mut sorted, |a, b| a.0.cmp(&b.0));
        let mut index = SearchIndex {
            ids,
            stop: stopwords(&language),
            language,
            letters: Vec::new(),
            word_starts: Vec::with_capacity(sorted.len() + 1),
            posting_starts: Vec::with_capacity(sorted.len() + 1),
            postings: Vec::new(),
            scratch: RefCell::default(),
        };
        index.word_starts.push(0);
        index.posting_starts.push(0);
        for (word, id) in sorted {
            let list = counts.get(id as usize).map(Vec::as_slice).unwrap_or(&[]);
            let mut field_df = [0f32; FIELDS];
            for (_, tf) in list {
                for (df, &tf) in field_df.iter_mut().zip(tf) {
                    if tf > 0 {
                        *df += 1.0;
                    }
                }
            }
            let idf = idf(n, list.len() as f32);
            let field_idf = field_df.map(|df| (idf * self::idf(n, df)).sqrt());
            for (entry, tf) in list {
                let length = lengths.get(*entry as usize).copied().unwrap_or_default();
                for field in 0..FIELDS {
                    let tf = f32::from(tf[field]);
                    // More than a billion entries cannot be built in memory anyway.
                    let slot = entry
                        .checked_mul(FIELDS as u32)
                        .and_then(|s| s.checked_add(field as u32));
                    let (true, Some(slot)) = (tf > 0.0, slot) else {
                        continue;
                    };
                    let norm = 1.0 - B + B * length[field] as f32 / average[field];
                    let saturated = tf * (K1 + 1.0) / (tf + K1 * norm);
                    index.postings.push(Posting {
                        slot,
                        weight: field_idf[field] * FIELD_WEIGHTS[field] * saturated,
                    });
                }
            }
            index.letters.extend(word.chars());
            index.word_starts.push(offset(index.letters.len()));
            index.posting_starts.push(offset(index.postings.len()));
        }
        index
    }
}

impl SearchIndex {
    /// The best `limit` entries for `query`, best first; ties keep feed order. An empty query
    /// (or one with no letters or digits) finds nothing.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Hit> {
        if limit == 0 || self.ids.is_empty() {
            return Vec::new();
        }
        let terms = query::parse(query, |w| is_stopword(w, self.stop));
        if terms.is_empty() {
            return Vec::new();
        }
        // A search cannot call itself, so the scratch is always free; if it somehow were not,
        // fresh memory does the same work.
        let mut fresh = Scratch::default();
        let mut kept = self.scratch.try_borrow_mut();
        let scratch = match kept.as_deref_mut() {
            Ok(kept) => kept,
            Err(_) => &mut fresh,
        };
        scratch.prepare(self.ids.len());
        let hits = self.rank(&terms, limit, scratch);
        scratch.clean_up();
        hits
    }

    /// [`SearchIndex::search`] with its working memory.
    fn rank(&self, terms: &[Term], limit: usize, scratch: &mut Scratch) -> Vec<Hit> {
        let Scratch {
            entries,
            touched,
            touched_by_term,
            words,
            dirty: _,
        } = scratch;
        let counted = |t: &Term| !t.optional && !t.weak;
        let required = terms.iter().filter(|t| counted(t)).count();
        for term in terms {
            words.clear();
            self.expand(term, words);
            // Comparisons rather than `f32::max`, which compiles to a call to `fmaxf` in Wasm
            // (its NaN rules are not Wasm's); no score here is NaN.
            let mut best_quality = 0f32;
            for &(_, quality) in words.iter() {
                if quality > best_quality {
                    best_quality = quality;
                }
            }
            touched_by_term.clear();
            for &(word, quality) in words.iter() {
                let credit = quality / best_quality;
                for posting in self.postings_of(word) {
                    let slot = posting.slot as usize;
                    let (entry, field) = (slot / FIELDS, slot % FIELDS);
                    let Some(e) = entries.get_mut(entry) else {
                        continue;
                    };
                    let score = quality * posting.weight;
                    if score > e.field_best[field] {
                        e.field_best[field] = score;
                    }
                    if e.cover == 0.0 {
                        touched_by_term.push(entry as u32);
                    }
                    if credit > e.cover {
                        e.cover = credit;
                    }
                }
            }
            for &entry in touched_by_term.iter() {
                let Some(e) = entries.get_mut(entry as usize) else {
                    continue;
                };
                let [question, tags, category, answer] = e.field_best;
                let score = question + tags + category + answer;
                e.field_best = [0.0; FIELDS];
                if e.total == 0.0 {
                    touched.push(entry);
                }
                e.total += score;
                if counted(term) {
                    e.coverage += e.cover;
                }
                e.cover = 0.0;
            }
        }
        // An entry that matched only words that do not count (a stop word being typed, a
        // negation) is not a hit.
        let scored = touched.iter().filter_map(|&entry| {
            let e = entries.get(entry as usize)?;
            if required == 0 {
                return Some((e.total, entry));
            }
            let share = e.coverage / required as f32;
            (share > 0.0).then_some((e.total * share * share, entry))
        });
        top(scored, limit)
            .into_iter()
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
            // A word found above may come again here, at a lower quality: scoring keeps the
            // best per field, so it does not count twice.
            for i in self.completions(stem) {
                if self.word(i).len() > stem.len() {
                    if let Ok(i) = u32::try_from(i) {
                        out.push((i, query::STEM));
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

/// BM25's idf of a word held by `df` of `n` entries (or fields).
fn idf(n: f32, df: f32) -> f32 {
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
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
    if !contains(markdown, "](") {
        return std::borrow::Cow::Borrowed(markdown);
    }
    let mut out = String::with_capacity(markdown.len());
    let mut rest = markdown;
    while let Some(at) = find(rest, "](") {
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
    fn the_vocabulary_gives_each_word_one_id_in_reading_order() {
        let mut vocabulary = Vocabulary::default();
        let words: Vec<String> = (0..1000).map(|n| format!("w{n}")).collect();
        for (n, word) in words.iter().enumerate() {
            assert_eq!(vocabulary.id_of(word), n as u32);
        }
        // Read again after many growths: the same ids, nothing added.
        for (n, word) in words.iter().enumerate().rev() {
            assert_eq!(vocabulary.id_of(word), n as u32);
        }
        assert_eq!(vocabulary.words, words);
        assert_eq!(vocabulary.id_of(""), 1000);
    }
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
    use crate::base::text::LocalizedText;
    use crate::help::search::fuzzy::distance;

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
