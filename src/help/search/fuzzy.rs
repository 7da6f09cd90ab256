//! Typo tolerance: a bounded Damerau–Levenshtein distance (the "optimal string alignment" form,
//! where swapping two adjacent letters counts as one edit), computed one row per letter of the
//! candidate word.
//!
//! Rows are kept per depth so that [`super::index`] can walk its sorted vocabulary like a trie:
//! words sharing a prefix share the rows of that prefix, and a prefix whose row is already over
//! the bound rules out every word that starts with it. This module knows nothing of the index.

/// How many edits a query word of `len` chars may carry: none up to 3 chars, one up to 7, two
/// from 8. Short words get none because one edit turns them into too many other words.
pub(crate) fn max_typos(len: usize) -> u8 {
    match len {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

/// The dynamic-programming rows of one query against the prefixes of a candidate word.
#[derive(Debug)]
pub(crate) struct Rows<'q> {
    query: &'q [char],
    /// Row-major: row `d` holds the distances of `word[..d]` to each `query[..j]`.
    cells: Vec<u8>,
    /// Per row `d`: the smallest distance of the whole query to any `word[..e]`, `e ≤ d`.
    best_prefix: Vec<u8>,
    /// The word letters the rows were built from (for transpositions).
    letters: Vec<char>,
}

impl<'q> Rows<'q> {
    /// Rows for `query` (at most 255 chars, which folding guarantees) against the empty word.
    pub(crate) fn new(query: &'q [char]) -> Rows<'q> {
        let width = query.len() + 1;
        let mut cells = Vec::with_capacity(width * 16);
        cells.extend((0..width).map(saturate));
        Rows {
            query,
            cells,
            best_prefix: vec![saturate(query.len())],
            letters: Vec::with_capacity(16),
        }
    }

    /// How many word letters the rows cover.
    pub(crate) fn depth(&self) -> usize {
        self.letters.len()
    }

    /// Forgets the rows beyond `depth` letters.
    pub(crate) fn truncate(&mut self, depth: usize) {
        let depth = depth.min(self.depth());
        self.letters.truncate(depth);
        self.best_prefix.truncate(depth + 1);
        self.cells.truncate((depth + 1) * (self.query.len() + 1));
    }

    /// Adds the row for one more word letter and returns that row's smallest cell: no word
    /// that continues these letters can end closer to the query than that.
    pub(crate) fn push(&mut self, letter: char) -> u8 {
        let width = self.query.len() + 1;
        let depth = self.letters.len() + 1;
        let prev = (depth - 1) * width;
        let before = self.letters.last().copied();
        self.cells.push(saturate(depth));
        let mut row_min = saturate(depth);
        for j in 1..width {
            let q = self.query[j - 1];
            let cost = u8::from(q != letter);
            let mut v = (self.cells[prev + j].saturating_add(1))
                .min(self.cells[prev + width + j - 1].saturating_add(1))
                .min(self.cells[prev + j - 1].saturating_add(cost));
            if depth > 1 && j > 1 && before == Some(q) && self.query[j - 2] == letter {
                v = v.min(self.cells[prev - width + j - 2].saturating_add(1));
            }
            self.cells.push(v);
            row_min = row_min.min(v);
        }
        let last = self.last();
        let best = self
            .best_prefix
            .last()
            .copied()
            .unwrap_or(u8::MAX)
            .min(last);
        self.best_prefix.push(best);
        self.letters.push(letter);
        row_min
    }

    /// The distance between the query and the word so far.
    pub(crate) fn last(&self) -> u8 {
        self.cells.last().copied().unwrap_or(u8::MAX)
    }

    /// The distance between the query and the closest prefix of the word so far.
    pub(crate) fn best_prefix(&self) -> u8 {
        self.best_prefix.last().copied().unwrap_or(u8::MAX)
    }
}

fn saturate(n: usize) -> u8 {
    u8::try_from(n).unwrap_or(u8::MAX)
}

/// The distance between `query` and `word` when it is at most `k`; with `prefix`, between
/// `query` and the closest prefix of `word` (the query is a word still being typed).
pub(crate) fn distance(query: &[char], word: &[char], k: u8, prefix: bool) -> Option<u8> {
    let k_len = usize::from(k);
    if word.len() + k_len < query.len() || (!prefix && query.len() + k_len < word.len()) {
        return None;
    }
    if prefix && query.is_empty() {
        return Some(0);
    }
    let mut rows = Rows::new(query);
    for &letter in word {
        let row_min = rows.push(letter);
        if prefix && rows.best_prefix() <= row_min {
            // Going deeper cannot get closer than this row's minimum.
            break;
        }
        if row_min > k {
            return None;
        }
    }
    let d = if prefix {
        rows.best_prefix()
    } else {
        rows.last()
    };
    (d <= k).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(a: &str, b: &str, k: u8, prefix: bool) -> Option<u8> {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        distance(&a, &b, k, prefix)
    }

    /// Plain optimal-string-alignment distance, for comparison.
    fn osa(a: &[char], b: &[char]) -> usize {
        let (n, m) = (a.len(), b.len());
        let mut t = vec![vec![0usize; m + 1]; n + 1];
        for (i, row) in t.iter_mut().enumerate() {
            row[0] = i;
        }
        for (j, cell) in t[0].iter_mut().enumerate() {
            *cell = j;
        }
        for i in 1..=n {
            for j in 1..=m {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                t[i][j] = (t[i - 1][j] + 1)
                    .min(t[i][j - 1] + 1)
                    .min(t[i - 1][j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    t[i][j] = t[i][j].min(t[i - 2][j - 2] + 1);
                }
            }
        }
        t[n][m]
    }

    #[test]
    fn bounds_grow_with_length() {
        assert_eq!([1, 3, 4, 7, 8, 20].map(max_typos), [0, 0, 1, 1, 2, 2]);
    }

    #[test]
    fn whole_words() {
        assert_eq!(d("pasword", "password", 1, false), Some(1));
        assert_eq!(d("pasword", "password", 0, false), None);
        assert_eq!(
            d("contrasnea", "contrasena", 1, false),
            Some(1),
            "transposition"
        );
        assert_eq!(d("calificasiones", "calificaciones", 2, false), Some(1));
        assert_eq!(d("grade", "grades", 1, false), Some(1));
        assert_eq!(d("grade", "gradebook", 2, false), None);
        assert_eq!(d("", "", 0, false), Some(0));
    }

    #[test]
    fn prefixes() {
        assert_eq!(d("pass", "password", 0, true), Some(0));
        assert_eq!(d("pasw", "password", 1, true), Some(1));
        assert_eq!(d("contrasñ", "contrasena", 1, true), Some(1));
        assert_eq!(d("xyzw", "password", 1, true), None);
        assert_eq!(d("passwordx", "pass", 2, true), None);
    }

    #[test]
    fn agrees_with_the_plain_table() {
        let words = [
            "",
            "a",
            "ab",
            "ba",
            "abc",
            "acb",
            "password",
            "pasword",
            "passwrod",
            "contrasena",
            "contrasnea",
            "kitten",
            "sitting",
            "ca",
            "abc",
            "cab",
            "ñandú",
        ];
        for a in words {
            for b in words {
                let (ac, bc): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
                let want = osa(&ac, &bc);
                for k in 0..=3u8 {
                    let got = distance(&ac, &bc, k, false);
                    let expected = (want <= usize::from(k)).then_some(want as u8);
                    assert_eq!(got, expected, "{a:?} {b:?} k={k}");
                    // The prefix form is the best over all prefixes of the word.
                    let best = (0..=bc.len())
                        .map(|e| osa(&ac, &bc[..e]))
                        .min()
                        .unwrap_or(0);
                    let got = distance(&ac, &bc, k, true);
                    let expected = (best <= usize::from(k)).then_some(best as u8);
                    assert_eq!(got, expected, "prefix {a:?} {b:?} k={k}");
                }
            }
        }
    }
}
