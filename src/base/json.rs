//! A small JSON value: parse, read, build and print.
//!
//! The widget used `crate::base::json::Value`; this replaces it because every byte of the Wasm is
//! downloaded on every course page, and the banner-only first stage needs nothing more than
//! this (serde_json, its ordered map and its float printing were about a fifth of that stage).
//! Objects keep their keys in document order, as the feed's authors wrote them. Numbers keep
//! their text: whole numbers read as integers without float parsing, so no float parser or
//! printer is linked into the Wasm.
//!
//! Parsing is bounded by [`Limits`] (text size, string length, entries per array, keys per
//! object, nesting) so a hostile or broken text costs at most a bounded, linear amount of work:
//! a feed is parsed on every page load, and a ticket body by the server before any account.

use crate::base::decimal::{decimal, parse_int, push_decimal};
use std::fmt;
use std::ops::Range;

/// What [`from_str`] accepts at most. Each limit is far above what a feed or a ticket needs and
/// far below what would block a page's main thread.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of the whole text.
    pub max_text_bytes: usize,
    /// Bytes of one string, as written (escapes count as written).
    pub max_string_bytes: usize,
    /// Elements of one array.
    pub max_array_items: usize,
    /// Keys of one object, repeated keys included.
    pub max_object_keys: usize,
    /// Arrays and objects inside each other (the parser recurses).
    pub max_depth: usize,
}

impl Limits {
    /// The limits of [`from_str`]: a 4 MiB text (a feed with a thousand FAQ answers in three
    /// languages is about 3 MB), 64 KiB per string (a long FAQ answer is 10 KB; a ticket's
    /// description at most 40 KB), 10,000 entries per array, 1,000 keys per object (a feed's
    /// objects have about fifteen), 128 levels (as serde_json).
    pub const DEFAULT: Limits = Limits {
        max_text_bytes: 4 << 20,
        max_string_bytes: 64 << 10,
        max_array_items: 10_000,
        max_object_keys: 1_000,
        max_depth: 128,
    };
}

impl Default for Limits {
    fn default() -> Limits {
        Limits::DEFAULT
    }
}

/// A JSON value.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum Value {
    /// `null`.
    #[default]
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as written.
    Number(Number),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object, keys in document order.
    Object(Map),
}

/// A JSON number: an integer when it is one that fits `i64`, else its text.
#[derive(Clone, Debug, PartialEq)]
pub enum Number {
    /// A whole number without fraction or exponent that fits `i64`.
    Int(i64),
    /// Any other valid number (`1.5`, `1e3`, a huge integer), as written.
    Other(String),
}

impl Number {
    fn write_json(&self, out: &mut String) {
        match self {
            Number::Int(n) => push_decimal(out, *n),
            Number::Other(text) => out.push_str(text),
        }
    }

    /// The number as JSON text (`42`, `1.5`), written without `core::fmt`.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_json())
    }
}

/// An object: keys in insertion order; inserting an existing key replaces its value in place.
///
/// [`Map::insert`] scans the keys, which suits the small objects code builds; parsing and
/// [`FromIterator`] take all entries at once and resolve repeated keys through a hash index,
/// so a large object costs `O(n)`, not `O(n²)`.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Map(Vec<(String, Value)>);

impl Map {
    /// An empty object.
    pub fn new() -> Map {
        Map(Vec::new())
    }

    /// An object from entries in order; a repeated key keeps its first place and takes its
    /// last value, as [`Map::insert`] would do one by one.
    ///
    /// Linear in the number of keys: a hash index (FNV-1a, open addressing) beside the ordered
    /// entries finds each key's first place. It is not keyed with a secret, so keys chosen to
    /// collide could make it quadratic; the parser's [`Limits::max_object_keys`] bounds that.
    /// Hand-written because the generic sort it replaced cost the banner stage 2 KB gzip.
    fn from_entries(mut entries: Vec<(String, Value)>) -> Map {
        let n = entries.len();
        if n < 2 {
            return Map(entries);
        }
        let mask = (2 * n).next_power_of_two() - 1;
        // Each slot holds 1 + the index of the first entry with a key, or 0 when empty.
        let mut slots = vec![0usize; mask + 1];
        let mut repeated = vec![false; n];
        for i in 0..n {
            let hash = entries[i].0.bytes().fold(0x811c_9dc5_u32, |h, b| {
                (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
            });
            let mut slot = hash as usize & mask;
            loop {
                match slots[slot] {
                    0 => {
                        slots[slot] = i + 1;
                        break;
                    }
                    first if entries[first - 1].0 == entries[i].0 => {
                        entries[first - 1].1 = std::mem::take(&mut entries[i].1);
                        repeated[i] = true;
                        break;
                    }
                    _ => slot = (slot + 1) & mask,
                }
            }
        }
        if repeated.contains(&true) {
            let mut repeated = repeated.into_iter();
            entries.retain(|_| !repeated.next().unwrap_or(false));
        }
        Map(entries)
    }

    /// The value under `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// True when `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Sets `key`; returns the value it replaced.
    pub fn insert(&mut self, key: String, value: Value) -> Option<Value> {
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some((_, old)) => Some(std::mem::replace(old, value)),
            None => {
                self.0.push((key, value));
                None
            }
        }
    }

    /// Removes `key`, keeping the order of the others.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let i = self.0.iter().position(|(k, _)| k == key)?;
        Some(self.0.remove(i).1)
    }

    /// The entries in order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    /// The keys in order.
    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|(k, _)| k)
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when there are no entries.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'a> IntoIterator for &'a Map {
    type Item = (&'a String, &'a Value);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (String, Value)>,
        fn(&'a (String, Value)) -> (&'a String, &'a Value),
    >;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

impl FromIterator<(String, Value)> for Map {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Map {
        Map::from_entries(iter.into_iter().collect())
    }
}

impl Value {
    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The integer, if this is a whole number that fits `i64`.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Number(Number::Int(n)) => Some(*n),
            _ => None,
        }
    }

    /// The integer, if this is a whole number from 0 that fits `i64`.
    pub fn as_u64(&self) -> Option<u64> {
        self.as_i64().and_then(|n| u64::try_from(n).ok())
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The elements, if this is an array.
    pub fn as_array(&self) -> Option<&Vec<Value>> {
        match self {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The entries, if this is an object.
    pub fn as_object(&self) -> Option<&Map> {
        match self {
            Value::Object(map) => Some(map),
            _ => None,
        }
    }

    /// The value under `key`, if this is an object that has it.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_object()?.get(key)
    }

    /// True for `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// True for a number.
    pub fn is_number(&self) -> bool {
        matches!(self, Value::Number(_))
    }

    /// True for an object.
    pub fn is_object(&self) -> bool {
        matches!(self, Value::Object(_))
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::String(s.to_string())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(s)
    }
}
impl From<&String> for Value {
    fn from(s: &String) -> Value {
        Value::String(s.clone())
    }
}
impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}
impl From<i64> for Value {
    fn from(n: i64) -> Value {
        Value::Number(Number::Int(n))
    }
}
impl From<u32> for Value {
    fn from(n: u32) -> Value {
        Value::from(i64::from(n))
    }
}
impl From<u16> for Value {
    fn from(n: u16) -> Value {
        Value::from(i64::from(n))
    }
}
impl From<u8> for Value {
    fn from(n: u8) -> Value {
        Value::from(i64::from(n))
    }
}
impl From<u64> for Value {
    fn from(n: u64) -> Value {
        match i64::try_from(n) {
            Ok(n) => Value::from(n),
            // Over i64::MAX, so `n / 10` is neither 0 nor over i64::MAX.
            Err(_) => {
                let mut text = decimal((n / 10) as i64);
                push_decimal(&mut text, (n % 10) as i64);
                Value::Number(Number::Other(text))
            }
        }
    }
}
impl From<usize> for Value {
    fn from(n: usize) -> Value {
        Value::from(n as u64)
    }
}
impl From<Map> for Value {
    fn from(map: Map) -> Value {
        Value::Object(map)
    }
}
impl<T: Into<Value>> From<Vec<T>> for Value {
    fn from(items: Vec<T>) -> Value {
        Value::Array(items.into_iter().map(Into::into).collect())
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(value: Option<T>) -> Value {
        value.map_or(Value::Null, Into::into)
    }
}

impl Value {
    /// Compact JSON text (`{"a":1}`), as [`Display`](fmt::Display) writes it, built without
    /// `core::fmt` (which the banner stage does without).
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }

    fn write_json(&self, out: &mut String) {
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Number(n) => n.write_json(out),
            Value::String(s) => write_string(out, s),
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write_json(out);
                }
                out.push(']');
            }
            Value::Object(map) => {
                out.push('{');
                for (i, (k, v)) in map.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_string(out, k);
                    out.push(':');
                    v.write_json(out);
                }
                out.push('}');
            }
        }
    }
}

/// Compact JSON text (`{"a":1}`); non-ASCII text stays UTF-8.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_json())
    }
}

/// `s` as a JSON string literal, for messages that quote a value: the same text as `{:?}`
/// (`"a \"b\""`) except for control characters other than `\n`, `\r` and `\t` (`\u0001`, not
/// `\u{1}`) and Unicode that Rust's `Debug` escapes (it needs Unicode's printable and grapheme
/// tables, some 4 KB of the full stage's Wasm, for these messages alone).
pub fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    write_string(&mut out, s);
    out
}

fn write_string(out: &mut String, s: &str) {
    out.push('"');
    let mut start = 0;
    for (i, c) in s.char_indices() {
        let escape = match c {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            c if (c as u32) < 0x20 => "",
            _ => continue,
        };
        out.push_str(s.get(start..i).unwrap_or_default());
        if escape.is_empty() {
            // A control character: `\u00XX`, lowercase hex like `{:04x}`.
            const HEX: &[u8; 16] = b"0123456789abcdef";
            let n = c as usize;
            out.push_str("\\u00");
            out.push(char::from(HEX[n >> 4]));
            out.push(char::from(HEX[n & 0xf]));
        } else {
            out.push_str(escape);
        }
        start = i + c.len_utf8();
    }
    out.push_str(s.get(start..).unwrap_or_default());
    out.push('"');
}

/// Why a text was refused, and where (1-based line and column, in characters).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// What was wrong.
    pub message: String,
    /// The line of the problem (0 when the text as a whole was refused).
    pub line: usize,
    /// The column of the problem.
    pub column: usize,
    /// True when the text may be JSON but is over one of the [`Limits`].
    pub too_large: bool,
}

impl Error {
    /// The message with its place (`… at line 2 column 5`), as [`Display`](fmt::Display)
    /// writes it, built without `core::fmt` (which the banner stage does without).
    pub fn describe(&self) -> String {
        let mut out = self.message.clone();
        if self.line > 0 {
            out.push_str(" at line ");
            push_decimal(&mut out, self.line as i64);
            out.push_str(" column ");
            push_decimal(&mut out, self.column as i64);
        }
        out
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

impl std::error::Error for Error {}

/// Parses one JSON value (RFC 8259), surrounded by optional whitespace, within
/// [`Limits::DEFAULT`].
///
/// # Errors
/// The first problem with its position; a text over a limit names the limit.
pub fn from_str(text: &str) -> Result<Value, Error> {
    from_str_within(text, &Limits::DEFAULT)
}

/// [`from_str`] with other limits.
///
/// # Errors
/// The first problem with its position; a text over a limit names the limit.
pub fn from_str_within(text: &str, limits: &Limits) -> Result<Value, Error> {
    from_str_skipping(text, limits, &[]).map(|(value, _)| value)
}

/// Top-level keys [`from_str_skipping`] can skip: a fixed number, so finding them costs no
/// allocation (every page parses a feed).
pub const MAX_SKIPPED: usize = 3;

/// Where each value [`from_str_skipping`] skipped is, in the order of its keys.
pub type SkippedAt = [Option<Range<usize>>; MAX_SKIPPED];

/// [`from_str_within`] that checks the values of the top-level object's keys in `skip` (the
/// first [`MAX_SKIPPED`]) without building them (they are absent from the object) and returns,
/// for each of those keys, where its value's text is (`&text[range]` is valid JSON; the last value of a repeated key, as when
/// building), so a caller that needs them later, or never, does not pay to build them now. A
/// skipped value is held to the same grammar and [`Limits`] as the rest: the text is accepted or
/// refused alike.
///
/// # Errors
/// The first problem with its position; a text over a limit names the limit.
pub fn from_str_skipping(
    text: &str,
    limits: &Limits,
    skip: &[&str],
) -> Result<(Value, SkippedAt), Error> {
    if text.len() > limits.max_text_bytes {
        return Err(Error {
            message: [
                "text of ",
                &decimal(text.len() as i64),
                " bytes is over the limit of ",
                &decimal(limits.max_text_bytes as i64),
                " bytes",
            ]
            .concat(),
            line: 0,
            column: 0,
            too_large: true,
        });
    }
    let mut parser = Parser {
        text,
        bytes: text.as_bytes(),
        at: 0,
        limits,
        skip,
        skipping: false,
        skipped: [None, None, None],
    };
    parser.skip_space();
    let value = parser.value(0)?;
    parser.skip_space();
    if parser.at < parser.bytes.len() {
        return Err(parser.error("trailing characters"));
    }
    Ok((value, parser.skipped))
}

/// The elements of a JSON array text, parsed one at a time, so a long list can be read in
/// steps (each element within `limits`, as one nested `depth` levels deep).
pub struct Elements<'a> {
    parser: Parser<'a>,
    depth: usize,
    done: bool,
    not_array: bool,
    count: usize,
}

impl std::fmt::Debug for Elements<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Elements")
    }
}

/// Where [`Elements`] stopped, to go on later over the same text ([`Elements::resume`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    at: usize,
    count: usize,
    done: bool,
    not_array: bool,
}

impl<'a> Elements<'a> {
    /// Where the next element is, for [`Elements::resume`].
    pub fn checkpoint(&self) -> Checkpoint {
        Checkpoint {
            at: self.parser.at,
            count: self.count,
            done: self.done,
            not_array: self.not_array,
        }
    }

    /// Goes on where [`Elements::checkpoint`] was taken, over the same `text`.
    pub fn resume(
        text: &'a str,
        limits: &'a Limits,
        depth: usize,
        checkpoint: Checkpoint,
    ) -> Elements<'a> {
        let mut elements = Elements::new(text, limits, depth);
        elements.parser.at = checkpoint.at;
        elements.count = checkpoint.count;
        elements.done = checkpoint.done;
        elements.not_array = checkpoint.not_array;
        elements
    }

    /// The elements of `text`, which should be an array (anything else yields one error).
    pub fn new(text: &'a str, limits: &'a Limits, depth: usize) -> Elements<'a> {
        let mut parser = Parser {
            text,
            bytes: text.as_bytes(),
            at: 0,
            limits,
            skip: &[],
            skipping: false,
            skipped: [None, None, None],
        };
        parser.skip_space();
        let not_array = parser.peek() != Some(b'[');
        let mut done = false;
        if !not_array {
            parser.at += 1;
            parser.skip_space();
            done = parser.peek() == Some(b']');
        }
        Elements {
            parser,
            depth,
            done,
            not_array,
            count: 0,
        }
    }
}

impl Iterator for Elements<'_> {
    type Item = Result<Value, Error>;

    fn next(&mut self) -> Option<Result<Value, Error>> {
        if self.done {
            return None;
        }
        let p = &mut self.parser;
        if self.not_array {
            self.done = true;
            return Some(Err(p.error("expected an array")));
        }
        if self.count == p.limits.max_array_items {
            self.done = true;
            let max = p.limits.max_array_items;
            return Some(Err(p.over(
                &["array with more than ", &decimal(max as i64), " entries"].concat(),
            )));
        }
        self.count += 1;
        let value = p.value(self.depth + 1);
        p.skip_space();
        match (&value, p.peek()) {
            (Err(_), _) | (_, Some(b']')) => self.done = true,
            (_, Some(b',')) => p.at += 1,
            _ => {
                self.done = true;
                return Some(Err(p.error("expected `,` or `]`")));
            }
        }
        Some(value)
    }
}

// The cursor only ever stops on ASCII bytes, so its slices of the text are on char boundaries;
// they are taken with `get` rather than indexing, which would link core's formatting of a bad
// slice's panic message (about 1.5 KB gzip) into the banner stage.
struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
    limits: &'a Limits,
    /// Top-level keys whose values are checked, not built.
    skip: &'a [&'a str],
    /// Checking a value without building it: strings, arrays and objects stay empty.
    skipping: bool,
    /// Where each skipped key's value is, in the order of `skip`.
    skipped: SkippedAt,
}

impl Parser<'_> {
    fn error(&self, message: &str) -> Error {
        // Byte loops rather than `str` searches and `chars().count()`, whose code the banner
        // stage would carry for this alone.
        let before = self.bytes.get(..self.at).unwrap_or(self.bytes);
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        // Characters, not bytes: the bytes that start one.
        let column = before
            .get(line_start..)
            .unwrap_or_default()
            .iter()
            .filter(|&&b| b & 0xc0 != 0x80)
            .count()
            + 1;
        Error {
            message: message.to_string(),
            line,
            column,
            too_large: false,
        }
    }

    /// A limit was reached at the current position; `message` names it.
    fn over(&self, message: &str) -> Error {
        Error {
            too_large: true,
            ..self.error(message)
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn skip_space(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.at += 1;
        }
    }

    fn expect(&mut self, byte: u8, message: &str) -> Result<(), Error> {
        self.skip_space();
        if self.peek() == Some(byte) {
            self.at += 1;
            Ok(())
        } else {
            Err(self.error(message))
        }
    }

    fn literal(&mut self, word: &str, value: Value) -> Result<Value, Error> {
        if self.bytes[self.at..].starts_with(word.as_bytes()) {
            self.at += word.len();
            Ok(value)
        } else {
            Err(self.error("expected a value"))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, Error> {
        if depth >= self.limits.max_depth {
            return Err(self.error("nested too deeply"));
        }
        self.skip_space();
        match self.peek() {
            None => Err(self.error("unexpected end of text")),
            Some(b'n') => self.literal("null", Value::Null),
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'"') => self.string().map(Value::String),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b'[') => {
                self.at += 1;
                let mut items = Vec::new();
                self.skip_space();
                if self.peek() == Some(b']') {
                    self.at += 1;
                    return Ok(Value::Array(items));
                }
                let mut count = 0;
                loop {
                    if count == self.limits.max_array_items {
                        let max = self.limits.max_array_items;
                        return Err(self.over(
                            &["array with more than ", &decimal(max as i64), " entries"].concat(),
                        ));
                    }
                    count += 1;
                    let item = self.value(depth + 1)?;
                    if !self.skipping {
                        items.push(item);
                    }
                    self.skip_space();
                    match self.peek() {
                        Some(b',') => self.at += 1,
                        Some(b']') => {
                            self.at += 1;
                            return Ok(Value::Array(items));
                        }
                        _ => return Err(self.error("expected `,` or `]`")),
                    }
                }
            }
            Some(b'{') => {
                self.at += 1;
                let mut entries = Vec::new();
                self.skip_space();
                if self.peek() == Some(b'}') {
                    self.at += 1;
                    return Ok(Value::Object(Map::new()));
                }
                let mut count = 0;
                loop {
                    self.skip_space();
                    if count == self.limits.max_object_keys {
                        let max = self.limits.max_object_keys;
                        return Err(self.over(
                            &["object with more than ", &decimal(max as i64), " keys"].concat(),
                        ));
                    }
                    count += 1;
                    if self.peek() != Some(b'"') {
                        return Err(self.error("expected a key in double quotes"));
                    }
                    let key = self.string()?;
                    self.expect(b':', "expected `:`")?;
                    let skip = match depth {
                        0 => self.skip.iter().take(MAX_SKIPPED).position(|k| *k == key),
                        _ => None,
                    };
                    if let Some(i) = skip {
                        self.skip_space();
                        let start = self.at;
                        self.skipping = true;
                        let checked = self.value(depth + 1);
                        self.skipping = false;
                        checked?;
                        if let Some(slot) = self.skipped.get_mut(i) {
                            *slot = Some(start..self.at);
                        }
                    } else {
                        let value = self.value(depth + 1)?;
                        if !self.skipping {
                            entries.push((key, value));
                        }
                    }
                    self.skip_space();
                    match self.peek() {
                        Some(b',') => self.at += 1,
                        Some(b'}') => {
                            self.at += 1;
                            return Ok(Value::Object(Map::from_entries(entries)));
                        }
                        _ => return Err(self.error("expected `,` or `}`")),
                    }
                }
            }
            Some(_) => Err(self.error("expected a value")),
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.at;
        while let Some(b'0'..=b'9') = self.peek() {
            self.at += 1;
        }
        self.at - start
    }

    fn number(&mut self) -> Result<Value, Error> {
        let start = self.at;
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        let int_start = self.at;
        match self.digits() {
            0 => return Err(self.error("invalid number")),
            n if n > 1 && self.bytes[int_start] == b'0' => {
                self.at = int_start;
                return Err(self.error("invalid number: leading zero"));
            }
            _ => {}
        }
        let mut whole = true;
        if self.peek() == Some(b'.') {
            self.at += 1;
            whole = false;
            if self.digits() == 0 {
                return Err(self.error("invalid number"));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.at += 1;
            whole = false;
            if let Some(b'+' | b'-') = self.peek() {
                self.at += 1;
            }
            if self.digits() == 0 {
                return Err(self.error("invalid number"));
            }
        }
        let text = self.text.get(start..self.at).unwrap_or_default();
        Ok(Value::Number(
            match whole.then(|| parse_int(text)).flatten() {
                Some(n) => Number::Int(n),
                None => Number::Other(text.to_string()),
            },
        ))
    }

    fn hex4(&mut self) -> Result<u32, Error> {
        let digits = self
            .text
            .get(self.at..self.at + 4)
            .filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| self.error("invalid \\u escape"))?;
        self.at += 4;
        u32::from_str_radix(digits, 16).map_err(|_| self.error("invalid \\u escape"))
    }

    /// A string literal; the cursor is on its opening quote.
    fn string(&mut self) -> Result<String, Error> {
        let opening = self.at;
        self.at += 1;
        let mut out = String::new();
        let mut start = self.at;
        loop {
            if self.at - opening - 1 > self.limits.max_string_bytes {
                self.at = opening;
                let max = self.limits.max_string_bytes;
                return Err(
                    self.over(&["string longer than ", &decimal(max as i64), " bytes"].concat())
                );
            }
            match self.peek() {
                None => return Err(self.error("unterminated string")),
                Some(b'"') => {
                    if !self.skipping {
                        out.push_str(self.text.get(start..self.at).unwrap_or_default());
                    }
                    self.at += 1;
                    return Ok(out);
                }
                Some(0..=0x1f) => return Err(self.error("control character in a string")),
                Some(b'\\') => {
                    if !self.skipping {
                        out.push_str(self.text.get(start..self.at).unwrap_or_default());
                    }
                    self.at += 1;
                    let escaped = match self.peek() {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.at += 1;
                            let first = self.hex4()?;
                            let code = match first {
                                0xD800..=0xDBFF => {
                                    if !self.bytes[self.at..].starts_with(b"\\u") {
                                        return Err(self.error("lone surrogate in \\u escape"));
                                    }
                                    self.at += 2;
                                    let second = self.hex4()?;
                                    if !(0xDC00..=0xDFFF).contains(&second) {
                                        return Err(self.error("lone surrogate in \\u escape"));
                                    }
                                    0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
                                }
                                0xDC00..=0xDFFF => {
                                    return Err(self.error("lone surrogate in \\u escape"))
                                }
                                code => code,
                            };
                            out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                            start = self.at;
                            continue;
                        }
                        _ => return Err(self.error("invalid escape")),
                    };
                    out.push(escaped);
                    self.at += 1;
                    start = self.at;
                }
                // Plain text up to the next quote, backslash or control character, in one go.
                Some(_) => {
                    let rest = self.bytes.get(self.at..).unwrap_or_default();
                    self.at += rest
                        .iter()
                        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
                        .unwrap_or(rest.len());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    // The same tests run on wasm32 (usize is 32 bits there) in the browser run.
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn parses_what_a_feed_contains_keeping_key_order() {
        let v = from_str(
            r#" { "z": 1, "a": [true, false, null], "m": {"x": -42, "y": "caf\u00e9 \ud83d\ude00"}, "f": 1.5e3 } "#,
        )
        .expect("valid test JSON");
        let keys: Vec<&String> = v.as_object().expect("an object").keys().collect();
        assert_eq!(keys, ["z", "a", "m", "f"]);
        assert_eq!(v.get("z").and_then(Value::as_i64), Some(1));
        assert_eq!(
            v.get("m").and_then(|m| m.get("x")).and_then(Value::as_i64),
            Some(-42)
        );
        assert_eq!(
            v.get("m").and_then(|m| m.get("x")).and_then(Value::as_u64),
            None
        );
        assert_eq!(
            v.get("m").and_then(|m| m.get("y")).and_then(Value::as_str),
            Some("café 😀")
        );
        // A fraction or exponent is a number but not an integer.
        assert!(v.get("f").is_some_and(Value::is_number));
        assert_eq!(v.get("f").and_then(Value::as_i64), None);
        assert_eq!(v.get("a").and_then(Value::as_array).map(Vec::len), Some(3));
    }

    #[test]
    fn a_repeated_key_keeps_its_place_and_the_last_value() {
        let v = from_str(r#"{"a":1,"b":2,"a":3}"#).expect("valid test JSON");
        assert_eq!(v.to_string(), r#"{"a":3,"b":2}"#);
    }

    #[test]
    fn prints_compact_json_that_parses_back_to_the_same_value() {
        let text = r#"{"s":"quote \" slash \\ nl \n tab \t bell \u0007 ñ","n":[0,-7,12345678901234567890,2.50],"o":{}}"#;
        let v = from_str(text).expect("valid test JSON");
        let printed = v.to_string();
        assert_eq!(from_str(&printed).expect("valid test JSON"), v);
        assert!(printed.contains(r#"\u0007"#), "{printed}");
        assert!(printed.contains('ñ'), "non-ASCII stays UTF-8: {printed}");
        // A number is printed as written, even one too big for i64.
        assert!(printed.contains("12345678901234567890,2.50"), "{printed}");
    }

    #[test]
    fn quoted_is_what_debug_writes_for_the_text_messages_quote() {
        // Messages quote ids and values with it where they used `{:?}`; the same text for
        // quotes, backslashes, line breaks, tabs and non-ASCII letters.
        for s in [
            "",
            "step-1",
            "say \"hi\"",
            "C:\\path",
            "two\nlines\r\tand tab",
            "café ünïcödé مرحبا",
        ] {
            assert_eq!(quoted(s), format!("{s:?}"));
        }
        assert_eq!(quoted("bell\u{7}"), "\"bell\\u0007\"");
    }

    #[test]
    fn rejects_what_is_not_json_with_a_position() {
        for (text, line, column) in [
            ("", 1, 1),
            ("{", 1, 2),
            ("{\"a\" 1}", 1, 6),
            ("[1,]", 1, 4),
            ("{\n  \"a\": tru\n}", 2, 8),
            ("01", 1, 1),
            ("1.", 1, 3),
            ("\"\\x\"", 1, 3),
            ("\"\\ud800\"", 1, 8),
            ("\"a\nb\"", 1, 3),
            ("{'a': 1}", 1, 2),
            ("[1] x", 1, 5),
        ] {
            let error = from_str(text).expect_err(text);
            assert_eq!(
                (error.line, error.column),
                (line, column),
                "{text:?}: {error}"
            );
        }
        let deep = "[".repeat(200) + &"]".repeat(200);
        assert_eq!(from_str(&deep).unwrap_err().message, "nested too deeply");
    }

    #[test]
    fn builds_values_from_rust_types() {
        let mut map = Map::new();
        map.insert("n".into(), Value::from(3u32));
        map.insert("s".into(), Value::from("x"));
        map.insert("l".into(), Value::from(vec!["a", "b"]));
        map.insert("none".into(), Value::from(None::<String>));
        assert_eq!(
            Value::from(map).to_string(),
            r#"{"n":3,"s":"x","l":["a","b"],"none":null}"#
        );
    }

    #[test]
    fn refuses_text_over_each_limit_naming_the_limit() {
        let small = Limits {
            max_text_bytes: 64,
            max_string_bytes: 5,
            max_array_items: 3,
            max_object_keys: 2,
            max_depth: 4,
        };
        for (text, message) in [
            (
                &*format!("[{}]", "1,".repeat(40) + "1"),
                "text of 83 bytes is over the limit of 64 bytes",
            ),
            (
                r#"{"a":"123456"}"#,
                "string longer than 5 bytes at line 1 column 6",
            ),
            (
                r#"["123456"]"#,
                "string longer than 5 bytes at line 1 column 2",
            ),
            (
                "[1,2,3,4]",
                "array with more than 3 entries at line 1 column 8",
            ),
            (
                r#"{"a":1,"b":2,"c":3}"#,
                "object with more than 2 keys at line 1 column 14",
            ),
            // Repeated keys count: the limit bounds the work, not the result.
            (
                r#"{"a":1,"a":2,"a":3}"#,
                "object with more than 2 keys at line 1 column 14",
            ),
            ("[[[[1]]]]", "nested too deeply at line 1 column 5"),
        ] {
            let error = from_str_within(text, &small).expect_err(text);
            assert_eq!(error.to_string(), message, "{text}");
        }
        // Exactly at each limit is fine.
        for text in [r#"{"a":"12345"}"#, "[1,2,3]", r#"{"a":1,"b":2}"#, "[[[1]]]"] {
            assert!(from_str_within(text, &small).is_ok(), "{text}");
        }
        // Malformed text is not "too large".
        assert!(!from_str_within("[1,", &small).unwrap_err().too_large);
        assert!(from_str_within("[1,2,3,4]", &small).unwrap_err().too_large);
    }

    #[test]
    fn default_limits_refuse_what_froze_the_page() {
        // 50,000 keys in one object (each insertion used to scan the keys before it).
        let keys: Vec<String> = (0..50_000).map(|i| format!("\"k{i}\":0")).collect();
        let error = from_str(&format!("{{{}}}", keys.join(","))).unwrap_err();
        assert!(error.too_large, "{error}");
        assert!(
            error.message.starts_with("object with more than 1000 keys"),
            "{error}"
        );
        // A 1 MB title.
        let error = from_str(&format!(r#"{{"title":"{}"}}"#, "x".repeat(1 << 20))).unwrap_err();
        assert_eq!(
            error.to_string(),
            "string longer than 65536 bytes at line 1 column 10"
        );
    }

    #[test]
    fn skipped_values_are_checked_not_built_and_their_text_is_found() {
        let text = r#"{"a": 1, "faq": [{"q": "x\u00e9"}, 2] , "b": {"c": true}, "faq": [3]}"#;
        let (value, skipped) =
            from_str_skipping(text, &Limits::DEFAULT, &["faq", "none"]).expect("valid test JSON");
        assert_eq!(value.to_string(), r#"{"a":1,"b":{"c":true}}"#);
        // The last of a repeated key, as when building; none for a key not there.
        assert_eq!(skipped[0].clone().and_then(|at| text.get(at)), Some("[3]"));
        assert_eq!(skipped[1..], [None, None]);
        // Only top-level keys are skipped.
        let (value, skipped) =
            from_str_skipping(r#"{"b": {"faq": 1}}"#, &Limits::DEFAULT, &["faq"]).expect("valid");
        assert_eq!(value.to_string(), r#"{"b":{"faq":1}}"#);
        assert_eq!(skipped, [None, None, None]);
        // A skipped value answers to the same grammar and limits, at the same place.
        let small = Limits {
            max_array_items: 2,
            ..Limits::DEFAULT
        };
        for text in [
            r#"{"faq": [1, 2, 3]}"#,
            r#"{"faq": {"a": [1,]}}"#,
            r#"{"faq": "\x"}"#,
            r#"{"faq": [[[[[[[[[[1]]]]]]]]]]}"#,
        ] {
            let limits = Limits {
                max_depth: 6,
                ..small
            };
            let built = from_str_within(text, &limits).expect_err(text);
            let skipped = from_str_skipping(text, &limits, &["faq"]).expect_err(text);
            assert_eq!(skipped, built, "{text}");
        }
    }

    #[test]
    fn elements_read_one_at_a_time_and_go_on_from_a_checkpoint() {
        let text = r#" [ {"a": 1}, "two", [3] ] "#;
        let mut elements = Elements::new(text, &Limits::DEFAULT, 0);
        let first = elements.next().expect("one").expect("valid");
        assert_eq!(first.to_string(), r#"{"a":1}"#);
        let checkpoint = elements.checkpoint();
        let rest: Vec<String> = Elements::resume(text, &Limits::DEFAULT, 0, checkpoint)
            .map(|v| v.expect("valid").to_string())
            .collect();
        assert_eq!(rest, [r#""two""#, "[3]"]);
        assert_eq!(Elements::new("[]", &Limits::DEFAULT, 0).count(), 0);
        let errors: Vec<bool> = Elements::new("{}", &Limits::DEFAULT, 0)
            .map(|v| v.is_err())
            .collect();
        assert_eq!(errors, [true]);
        let small = Limits {
            max_array_items: 2,
            ..Limits::DEFAULT
        };
        let read: Vec<bool> = Elements::new("[1, 2, 3]", &small, 0)
            .map(|v| v.is_ok())
            .collect();
        assert_eq!(read, [true, true, false]);
        // An element counts once what follows it is `,` or `]`.
        let read: Vec<bool> = Elements::new("[1 2]", &small, 0)
            .map(|v| v.is_ok())
            .collect();
        assert_eq!(read, [false]);
    }

    #[test]
    fn many_repeated_keys_resolve_like_inserting_one_by_one() {
        let mut text = String::from("{");
        let mut expected = Map::new();
        for i in 0..900 {
            let key = format!("k{}", (i * 7) % 300);
            text.push_str(&format!("\"{key}\":{i},"));
            expected.insert(key, Value::from(i as i64));
        }
        text.push_str("\"end\":true}");
        expected.insert("end".into(), Value::Bool(true));
        assert_eq!(
            from_str(&text).expect("valid test JSON"),
            Value::Object(expected.clone())
        );
        let collected: Map = expected
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        assert_eq!(collected, expected);
    }
}
