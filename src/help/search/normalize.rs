//! Text as search sees it: words, their byte spans, and their folded form.
//!
//! Folding is lowercase (for the alphabets of Europe, see [`lowercase`]), then accent folding for the Latin letters of en, es, fr, pt and de (`ñ` → `n`, `ß` → `ss`, `œ` → `oe`)
//! from a small table here, and combining marks dropped, so precomposed (`é`) and decomposed
//! (`e` + U+0301) text fold alike. This is deliberately not full Unicode normalization: the
//! `unicode-normalization` tables would ship to every learner for scripts no feed uses. Letters
//! outside the table (Greek, Cyrillic, CJK) are lowercased and otherwise kept as they are.
//!
//! A word is a run of letters and digits (`char::is_alphanumeric`), combining marks included.
//! Apostrophes inside a word are handled for the languages we serve: a French or Portuguese
//! elision is dropped (`l'école` → `ecole`, `d'água` → `agua`), English `n't` joins
//! (`don't` → `dont`), other English clitics are dropped (`student's` → `student`), and any
//! other apostrophe splits the word (`o'brien` → `o`, `brien`). This module does not decide
//! what matches what; that is [`super::fuzzy`] and [`super::query`].

use std::ops::Range;

/// Longest folded word, in chars; longer words are cut, the same way in the index and in
/// queries, so the edit-distance tables stay small whatever the input.
pub(crate) const MAX_WORD_CHARS: usize = 48;

/// Calls `f(folded, span)` for each word of `text`, in order. `span` is the byte range of the
/// word in `text` (on char boundaries); `folded` is never empty.
pub(crate) fn for_each_word(text: &str, mut f: impl FnMut(&str, Range<usize>)) {
    // One copy of the tokenizer in the Wasm, not one per caller.
    words_dyn(text, &mut f);
}

/// The sink [`for_each_word`] feeds.
type Sink<'a> = dyn FnMut(&str, Range<usize>) + 'a;

fn words_dyn(text: &str, f: &mut Sink<'_>) {
    let mut folded = String::new();
    let mut parts: Vec<Range<usize>> = Vec::new();
    let mut start: Option<usize> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let in_word = is_word_char(c)
            || (start.is_some()
                && is_apostrophe(c)
                && chars
                    .peek()
                    .is_some_and(|&(_, next)| next.is_alphanumeric()));
        match (in_word, start) {
            (true, None) => start = Some(at),
            (false, Some(from)) => {
                raw_word(text, from..at, &mut parts, &mut folded, f);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(from) = start {
        raw_word(text, from..text.len(), &mut parts, &mut folded, f);
    }
}

/// The folded words of `text`.
pub(crate) fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_word(text, |word, _| out.push(word.to_string()));
    out
}

/// Splits one run of word characters and apostrophes into words, applying the apostrophe rules
/// of the module docs.
fn raw_word(
    text: &str,
    span: Range<usize>,
    parts: &mut Vec<Range<usize>>,
    folded: &mut String,
    f: &mut Sink<'_>,
) {
    let Some(raw) = text.get(span.clone()) else {
        return;
    };
    if !raw.chars().any(is_apostrophe) {
        emit(raw, span, folded, f);
        return;
    }
    parts.clear();
    let mut from = span.start;
    for (at, c) in raw.char_indices() {
        if is_apostrophe(c) {
            parts.push(from..span.start + at);
            from = span.start + at + c.len_utf8();
        }
    }
    parts.push(from..span.end);
    let part_text = |r: &Range<usize>| text.get(r.clone()).unwrap_or("");
    let mut i = 0;
    while i < parts.len() {
        let part = parts[i].clone();
        let next = parts.get(i + 1).cloned();
        let this = fold(part_text(&part));
        if let Some(next) = next {
            let after = fold(part_text(&next));
            if has_word(ELISIONS, &this) {
                i += 1;
                continue;
            }
            if after == "t" && this.ends_with('n') {
                let joined = format!("{this}t");
                emit_folded(&joined, part.start..next.end, f);
                i += 2;
                continue;
            }
            emit_folded(&this, part, f);
            i += if has_word(CLITICS, &after) { 2 } else { 1 };
            continue;
        }
        emit_folded(&this, part, f);
        i += 1;
    }
}

fn emit(raw: &str, span: Range<usize>, folded: &mut String, f: &mut Sink<'_>) {
    folded.clear();
    fold_into(raw, folded);
    emit_folded(folded, span, f);
}

fn emit_folded(word: &str, span: Range<usize>, f: &mut Sink<'_>) {
    if !word.is_empty() {
        f(word, span);
    }
}

/// French, Portuguese and Catalan elided articles and particles, folded.
const ELISIONS: &str = "c d j jusqu l lorsqu m n puisqu qu quoiqu s t";

/// English clitics dropped after an apostrophe (`n't` is joined instead).
const CLITICS: &str = "d ll m re s ve";

/// `text` folded: lowercase, accents removed, cut to [`MAX_WORD_CHARS`].
pub(crate) fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    fold_into(text, &mut out);
    out
}

fn fold_into(text: &str, out: &mut String) {
    let mut count = 0;
    for c in text.chars() {
        if is_ignorable(c) {
            continue;
        }
        let lower = lowercase(c);
        match fold_latin(lower) {
            Some(folded) => {
                for f in folded.chars() {
                    if count < MAX_WORD_CHARS {
                        out.push(f);
                        count += 1;
                    }
                }
            }
            None => {
                out.push(lower);
                count += 1;
            }
        }
        if count >= MAX_WORD_CHARS {
            return;
        }
    }
}

/// The lowercase of `c` for the bicameral alphabets of Europe: Latin (ASCII, Latin-1,
/// Extended-A and -B, Extended Additional), Greek, Cyrillic and Armenian, plus fullwidth
/// Latin. Other characters are returned unchanged.
///
/// Written out instead of calling `char::to_lowercase`, whose table covers every script and
/// would add about 12 KB (6 KB gzipped) to the Wasm every learner downloads. Tests check it
/// against `to_lowercase` over every block it claims.
fn lowercase(c: char) -> char {
    let u = u32::from(c);
    let even_to_odd = u % 2 == 0;
    let lower = match u {
        0x41..=0x5A | 0xC0..=0xD6 | 0xD8..=0xDE => u + 0x20,
        0x130 => 0x69, // İ: Turkish capital I with dot; its dot is dropped by folding anyway
        0x178 => 0xFF,
        0x100..=0x12F | 0x132..=0x137 | 0x14A..=0x177 if even_to_odd => u + 1,
        0x139..=0x148 | 0x179..=0x17E if !even_to_odd => u + 1,
        0x1CD..=0x1DC if !even_to_odd => u + 1,
        0x1DE..=0x1EF | 0x1F8..=0x21F | 0x222..=0x233 | 0x246..=0x24F if even_to_odd => u + 1,
        0x370..=0x373 | 0x376 if even_to_odd => u + 1,
        0x386 => 0x3AC,
        0x388..=0x38A => u + 0x25,
        0x38C => 0x3CC,
        0x38E..=0x38F => u + 0x3F,
        0x391..=0x3A1 | 0x3A3..=0x3AB => u + 0x20,
        0x3D8..=0x3EF if even_to_odd => u + 1,
        0x400..=0x40F => u + 0x50,
        0x410..=0x42F => u + 0x20,
        0x460..=0x481 | 0x48A..=0x4BF | 0x4D0..=0x52F if even_to_odd => u + 1,
        0x4C1..=0x4CE if !even_to_odd => u + 1,
        0x531..=0x556 => u + 0x30,
        0x1E00..=0x1E95 | 0x1EA0..=0x1EFF if even_to_odd => u + 1,
        0x1E9E => 0xDF, // ẞ → ß
        0xFF21..=0xFF3A => u + 0x20,
        _ => u,
    };
    char::from_u32(lower).unwrap_or(c)
}

/// The uppercase of `c` for the same alphabets as [`lowercase`], as its inverse: the capital
/// whose lowercase is `c`; other characters (and `ß`, which has no one-letter capital in
/// common use) are returned unchanged.
///
/// Instead of `char::to_uppercase`, whose table would add about 12 KB to the full stage's
/// Wasm for one capital letter (an unknown FAQ category's label). Tests check it against
/// `to_uppercase` over every capital of [`lowercase`].
pub(crate) fn uppercase(c: char) -> char {
    let u = u32::from(c);
    // Where the capitals of each block sit relative to their small letters (see `lowercase`);
    // the first that lowercases back to `c` is its capital.
    let capitals = [
        u.wrapping_sub(0x20),
        u.wrapping_sub(1),
        u.wrapping_sub(0x25),
        u.wrapping_sub(0x30),
        u.wrapping_sub(0x3F),
        u.wrapping_sub(0x50),
        0x178,
        0x386,
        0x38C,
    ];
    capitals
        .into_iter()
        .filter_map(char::from_u32)
        .find(|&capital| capital != c && c != 'ß' && lowercase(capital) == c)
        .unwrap_or(c)
}

/// Letters, digits and the marks that decorate them.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_ignorable(c)
}

/// Apostrophes that may sit inside a word: ASCII, right single quotation mark, modifier letter.
fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{02BC}')
}

/// Combining marks (the Combining Diacritical Marks blocks) and the invisible characters that
/// may sit inside a word (soft hyphen, zero-width joiners): part of the word, dropped by folding.
fn is_ignorable(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}'
        | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}'
        | '\u{20D0}'..='\u{20FF}'
        | '\u{FE20}'..='\u{FE2F}'
        | '\u{00AD}'
        | '\u{200C}'
        | '\u{200D}'
    )
}

/// The base letters of a lowercase Latin letter with a diacritic, or of a ligature.
fn fold_latin(c: char) -> Option<&'static str> {
    Some(match c {
        'à'..='å' | 'ā' | 'ă' | 'ą' | 'ǎ' | 'ª' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'ð' | 'ď' | 'đ' => "d",
        'è'..='ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'ĥ' | 'ħ' => "h",
        'ì'..='ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' | 'ǐ' => "i",
        'ĳ' => "ij",
        'ĵ' => "j",
        'ķ' | 'ĸ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'ñ' | 'ń' | 'ņ' | 'ň' | 'ŉ' | 'ŋ' => "n",
        'ò'..='ö' | 'ø' | 'ō' | 'ŏ' | 'ő' | 'ǒ' | 'º' => "o",
        'œ' => "oe",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' | 'ſ' => "s",
        'ß' => "ss",
        'ţ' | 'ť' | 'ŧ' | 'ț' => "t",
        'þ' => "th",
        'ù'..='ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' | 'ǔ' => "u",
        'ŵ' => "w",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        'ς' => "σ",
        'ﬀ' => "ff",
        'ﬁ' => "fi",
        'ﬂ' => "fl",
        'ﬃ' => "ffi",
        'ﬄ' => "ffl",
        'ﬅ' | 'ﬆ' => "st",
        _ => return None,
    })
}

/// Words a query may skip when it has others: articles, prepositions, pronouns, auxiliaries and
/// question words, folded and sorted. English is always on, since untranslated FAQ text falls
/// back to English; the index's own language is added.
pub(crate) fn stopwords(language: &str) -> &'static str {
    match language {
        "es" => ES,
        "fr" => FR,
        "pt" => PT,
        "de" => DE,
        _ => "",
    }
}

/// True when `word` is one of `list`'s words. The word lists are one string each, words
/// between single spaces, rather than arrays of `&str`: a `&str` costs 8 bytes of pointer and
/// length beside its text, which was 1.6 KB of the full stage's data for these lists.
fn has_word(list: &str, word: &str) -> bool {
    list.split(' ').any(|w| w == word)
}

/// True when `word` (folded) is a stop word in English or in `language`'s list.
pub(crate) fn is_stopword(word: &str, language: &str) -> bool {
    has_word(EN, word) || has_word(language, word)
}

/// True when `word` (folded) negates in one of the languages we serve. Negations are not stop
/// words, since "not" can matter ("not getting emails"), but they say little about the topic,
/// so ranking does not count them towards an entry's coverage of the query (see
/// [`super::query::Term::weak`]).
pub(crate) fn is_negation(word: &str) -> bool {
    has_word(NEGATIONS, word)
}

/// en, es, fr, pt and de negations, folded and sorted. French `ne` is mostly elided (`n'est`),
/// which folding drops; `pas` carries the negation.
const NEGATIONS: &str = "kein keine nao ne nicht no not pas";

/// True when `word` is a stop word in any language we serve (for highlighting, which has no locale).
pub(crate) fn is_any_stopword(word: &str) -> bool {
    [EN, ES, FR, PT, DE].iter().any(|list| has_word(list, word))
}

const EN: &str =
    "a am an and are as at be by can could do does for from has have how i if in is it its me \
    my of on or our should so that the this to was we what when where which who why will \
    with would you your";
const ES: &str =
    "a al como con cual cuando de del donde el en es esta este hay la las lo los me mi mis o \
    para por puedo que se si su sus tu tus un una y yo";
const FR: &str =
    "a au aux ce cette comment dans de des du elle en est et il je la le les ma mes mon nous \
    on ou par pour que qui quoi se sur un une vos votre vous";
const PT: &str =
    "a as com como da das de do dos e em eu meu minha na nas no nos o onde os para por qual \
    quando que se um uma";
const DE: &str =
    "auf das dem den der des die ein eine einen es fur ich im in ist kann mein meine mich mit \
    oder sie und von was wie wir wo zu zum zur";

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(text: &str) -> Vec<(String, &str)> {
        let mut out = Vec::new();
        for_each_word(text, |w, r| out.push((w.to_string(), &text[r])));
        out
    }

    #[test]
    fn stopword_lists_are_sorted_and_folded() {
        for list in [EN, ES, FR, PT, DE, NEGATIONS, ELISIONS, CLITICS] {
            let list: Vec<&str> = list.split(' ').collect();
            assert!(list.iter().all(|w| !w.is_empty()), "{list:?}");
            assert!(list.windows(2).all(|w| w[0] < w[1]), "{list:?}");
            assert!(list.iter().all(|w| fold(w) == *w), "{list:?}");
        }
    }

    #[test]
    fn folds_every_mapped_letter_to_ascii_or_sigma() {
        for c in '\u{00C0}'..='\u{024F}' {
            let folded = fold(&c.to_string());
            if fold_latin(lowercase(c)).is_some() {
                assert!(folded.is_ascii(), "{c} → {folded}");
            }
        }
        assert_eq!(fold("ÀÉÎÕÜÇÑ"), "aeioucn");
        assert_eq!(fold("ßŒÆØÅ"), "ssoeaeoa");
        assert_eq!(fold("Contrasen\u{0303}a"), "contrasena");
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("ẞ"), "ss");
    }

    #[test]
    fn lowercase_agrees_with_the_standard_library_where_it_claims_to() {
        let blocks = [
            0x0000..=0x024F,
            0x0370..=0x03FF,
            0x0400..=0x052F,
            0x0530..=0x058F,
            0x1E00..=0x1EFF,
            0xFF00..=0xFFEF,
        ];
        // Uppercase letters these blocks hold that no language we serve writes: left as is.
        let not_covered = [
            0x181..=0x1CC,
            0x1F1..=0x1F7,
            0x220..=0x221,
            0x23A..=0x245,
            0x37F..=0x37F,
            0x3CF..=0x3CF,
            0x3F4..=0x3FF,
            0x4C0..=0x4C0,
        ];
        let mut wrong = Vec::new();
        for c in blocks.into_iter().flatten().filter_map(char::from_u32) {
            let mut std = c.to_lowercase();
            let (Some(want), None) = (std.next(), std.next()) else {
                assert_eq!(c, 'İ');
                continue;
            };
            if not_covered.iter().any(|r| r.contains(&u32::from(c))) {
                continue;
            }
            if lowercase(c) != want {
                wrong.push(format!("U+{:04X} {c}", u32::from(c)));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join(", "));
        assert_eq!(lowercase('İ'), 'i');
    }

    #[test]
    fn uppercase_agrees_with_the_standard_library_for_every_capital_of_lowercase() {
        let mut wrong = Vec::new();
        let mut checked = 0;
        for capital in (0..0x1_0000).filter_map(char::from_u32) {
            let small = lowercase(capital);
            let mut std = small.to_uppercase();
            let (Some(want), None) = (std.next(), std.next()) else {
                continue; // ß → "SS", ŉ → "ʼN": more than one letter
            };
            if small == capital || want != capital {
                continue; // not a pair, or one of two capitals (İ and I both lowercase to i)
            }
            checked += 1;
            if uppercase(small) != want {
                wrong.push(format!("U+{:04X} {small}", u32::from(small)));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join(", "));
        assert!(checked > 500, "{checked} pairs");
        assert_eq!(uppercase('ß'), 'ß');
        assert_eq!(uppercase('7'), '7');
        assert_eq!(uppercase('ع'), 'ع');
    }

    #[test]
    fn apostrophes() {
        assert_eq!(
            spans("l'école d’accord don't student's O'Brien"),
            vec![
                ("ecole".to_string(), "école"),
                ("accord".to_string(), "accord"),
                ("dont".to_string(), "don't"),
                ("student".to_string(), "student"),
                ("o".to_string(), "O"),
                ("brien".to_string(), "Brien"),
            ]
        );
        assert_eq!(
            words("'quoted' rock'n'roll '"),
            vec!["quoted", "rock", "roll"]
        );
    }

    #[test]
    fn words_are_cut_but_spans_cover_them() {
        let long = "x".repeat(200);
        let got = spans(&long);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0.chars().count(), MAX_WORD_CHARS);
        assert_eq!(got[0].1.len(), 200);
    }
}
