//! Substring search by a plain scan, for the full stage's short texts (a user agent, a URL, an
//! FAQ answer's links): `str::find`, `contains` and `replace` with a `&str` pattern bring the
//! standard library's two-way searcher, 1.7 KB of code for these few calls. UTF-8 cannot match
//! a valid needle except at a character boundary, so comparing bytes gives `str`'s answers.
//! Searches for a `char` or a set of chars stay with `str`, which does them without it.

/// Where `needle` first occurs in `haystack` (a byte offset), as `haystack.find(needle)`.
pub fn find(haystack: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|window| window == needle.as_bytes())
}

/// True when `needle` occurs in `haystack`, as `haystack.contains(needle)`.
pub fn contains(haystack: &str, needle: &str) -> bool {
    find(haystack, needle).is_some()
}

/// `haystack` with every occurrence of `from` (left to right, not overlapping) replaced by
/// `to`, as `haystack.replace(from, to)` for a non-empty `from`.
pub fn replace(haystack: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(haystack.len());
    let mut rest = haystack;
    while let Some(at) = find(rest, from).filter(|_| !from.is_empty()) {
        out.push_str(rest.get(..at).unwrap_or_default());
        out.push_str(to);
        rest = rest.get(at + from.len()..).unwrap_or_default();
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    const HAYSTACKS: &[&str] = &[
        "",
        "a",
        "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) Version/17.5 Mobile/15E148 Safari/604.1",
        "https://lms.example/portal/site/x?token=abc#top",
        "aaaa",
        "café über ünïcödé مرحبا ]( ](x)",
    ];
    const NEEDLES: &[&str] = &[
        "", "a", "aa", "Safari/", "://", "token", "é", "ü", "مر", "](", "zz",
    ];

    #[test]
    fn finds_contains_and_replaces_as_str_does() {
        for haystack in HAYSTACKS {
            for needle in NEEDLES {
                assert_eq!(
                    find(haystack, needle),
                    haystack.find(needle),
                    "{haystack} {needle}"
                );
                assert_eq!(contains(haystack, needle), haystack.contains(needle));
                if !needle.is_empty() {
                    assert_eq!(
                        replace(haystack, needle, "[removed]"),
                        haystack.replace(needle, "[removed]")
                    );
                }
            }
        }
    }
}
