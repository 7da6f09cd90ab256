//! Native: `lms_support_widget::json` against `serde_json` (with `preserve_order`) on generated
//! and mutated texts. Both must accept the same texts and read them as the same values: the
//! widget reads every feed with our parser and the server every ticket, so a text one parser
//! takes and the other refuses would be a feed that `check` and the page see differently.

use lms_support_widget::json::{self, Number, Value};

/// xorshift64*: deterministic, so a failure names a seed that reproduces it.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const KEYS: &[&str] = &[
    "id", "title", "en", "es", "a", "b", "ü", "\\u00e9", "k\\\"q", "",
];
const STRINGS: &[&str] = &[
    "",
    "plain",
    "café",
    "tab\\tnew\\nline",
    "\\u00e9\\u0041",
    "\\ud83d\\ude00",
    "quote \\\" slash \\\\ \\/",
    "emoji 😀",
    "العربية",
];
const NUMBERS: &[&str] = &[
    "0",
    "-0",
    "7",
    "-42",
    "9223372036854775807",
    "-9223372036854775808",
    "12345678901234567890",
    "1.5",
    "-0.25",
    "1e3",
    "2.5E-3",
    "1E+2",
    "0.0",
];
const SPACES: &[&str] = &["", "", "", " ", "\n", "\t", "\r\n  "];

/// A random JSON text, with repeated keys on purpose.
fn generate(rng: &mut Rng, depth: usize, out: &mut String) {
    let space = |rng: &mut Rng, out: &mut String| out.push_str(rng.pick(SPACES));
    let kind = if depth >= 5 {
        rng.below(4)
    } else {
        rng.below(6)
    };
    match kind {
        0 => out.push_str(rng.pick(&["null", "true", "false"])),
        1 => out.push_str(rng.pick(NUMBERS)),
        2 | 3 => {
            out.push('"');
            out.push_str(rng.pick(STRINGS));
            out.push('"');
        }
        4 => {
            out.push('[');
            let n = rng.below(5);
            for i in 0..n {
                if i > 0 {
                    out.push(',');
                }
                space(rng, out);
                generate(rng, depth + 1, out);
                space(rng, out);
            }
            out.push(']');
        }
        _ => {
            out.push('{');
            let n = rng.below(6);
            for i in 0..n {
                if i > 0 {
                    out.push(',');
                }
                space(rng, out);
                out.push('"');
                out.push_str(rng.pick(KEYS));
                out.push('"');
                space(rng, out);
                out.push(':');
                space(rng, out);
                generate(rng, depth + 1, out);
            }
            out.push('}');
        }
    }
}

/// Changes a few characters: delete, duplicate, or replace by one that matters to JSON.
fn mutate(rng: &mut Rng, text: &str) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    const SIGNIFICANT: &[char] = &[
        '{', '}', '[', ']', ',', ':', '"', '\\', '-', '+', '.', 'e', '0', '1', '9', 'u', 'n', 't',
        ' ', '\n', '\u{1}', 'x', 'é',
    ];
    for _ in 0..1 + rng.below(3) {
        if chars.is_empty() {
            break;
        }
        let at = rng.below(chars.len());
        match rng.below(3) {
            0 => {
                chars.remove(at);
            }
            1 => chars.insert(at, chars[at]),
            _ => chars[at] = SIGNIFICANT[rng.below(SIGNIFICANT.len())],
        }
    }
    chars.into_iter().collect()
}

/// Our value as serde_json's, numbers read by serde_json from the text we kept.
fn to_serde(value: &Value) -> serde_json::Value {
    match value {
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Number(Number::Int(n)) => serde_json::Value::from(*n),
        Value::Number(Number::Other(text)) => {
            serde_json::from_str(text).expect("a number we accepted reads as a number")
        }
        Value::String(s) => serde_json::Value::String(s.clone()),
        Value::Array(items) => serde_json::Value::Array(items.iter().map(to_serde).collect()),
        Value::Object(map) => {
            serde_json::Value::Object(map.iter().map(|(k, v)| (k.clone(), to_serde(v))).collect())
        }
    }
}

/// `-0` is the integer 0 to us and the float -0.0 to serde_json; a feed cannot tell.
fn without_negative_zero(value: serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Number(n) if n.as_f64() == Some(0.0) && n.is_f64() => {
            serde_json::Value::from(0)
        }
        serde_json::Value::Array(items) => items.into_iter().map(without_negative_zero).collect(),
        serde_json::Value::Object(map) => serde_json::Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, without_negative_zero(v)))
                .collect(),
        ),
        other => other,
    }
}

/// Both parsers agree on `text`; returns whether it was accepted.
fn agree(text: &str, seed: u64) -> bool {
    let ours = json::from_str(text);
    let theirs = serde_json::from_str::<serde_json::Value>(text).map(without_negative_zero);
    match (&ours, &theirs) {
        (Ok(ours), Ok(theirs)) => {
            let ours_as_serde = without_negative_zero(to_serde(ours));
            assert_eq!(&ours_as_serde, theirs, "seed {seed}: {text:?}");
            // Key order too (serde_json's Value equality ignores it).
            assert_eq!(
                ours_as_serde.to_string(),
                theirs.to_string(),
                "seed {seed}: {text:?}"
            );
            // What we print reads back as the same value.
            assert_eq!(
                json::from_str(&ours.to_string()).as_ref(),
                Ok(ours),
                "seed {seed}"
            );
            true
        }
        (Err(_), Err(_)) => false,
        // serde_json refuses numbers beyond f64; we keep their text. Not a feed's concern.
        (Ok(_), Err(e)) if e.to_string().starts_with("number out of range") => false,
        _ => panic!(
            "seed {seed}: parsers disagree on {text:?}: ours {ours:?}, serde_json {theirs:?}"
        ),
    }
}

#[test]
fn generated_texts_read_the_same_as_serde_json() {
    let mut accepted = 0;
    for seed in 1..=3_000u64 {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let mut text = String::new();
        generate(&mut rng, 0, &mut text);
        if agree(&text, seed) {
            accepted += 1;
        }
    }
    // Generated texts are valid JSON: all of them must have been accepted by both.
    assert_eq!(accepted, 3_000);
}

#[test]
fn mutated_texts_are_accepted_or_refused_alike() {
    let (mut accepted, mut refused) = (0, 0);
    for seed in 1..=20_000u64 {
        let mut rng = Rng(seed.wrapping_mul(0xD1B5_4A32_D192_ED03) | 1);
        let mut text = String::new();
        generate(&mut rng, 0, &mut text);
        let text = mutate(&mut rng, &text);
        if agree(&text, seed) {
            accepted += 1;
        } else {
            refused += 1;
        }
    }
    // The mutations must exercise both outcomes, or this test would prove little.
    assert!(
        accepted > 2_000 && refused > 2_000,
        "{accepted} accepted, {refused} refused"
    );
}

#[test]
fn large_objects_with_repeated_keys_read_the_same_as_serde_json() {
    let mut rng = Rng(77);
    for size in [2, 9, 100, 999] {
        let mut text = String::from("{");
        for i in 0..size {
            if i > 0 {
                text.push(',');
            }
            text.push_str(&format!("\"k{}\":{i}", rng.below(size / 2 + 1)));
        }
        text.push('}');
        assert!(agree(&text, size as u64));
    }
}
