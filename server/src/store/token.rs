//! Secrets and keys: learner tokens, their hashes, and idempotency keys.
//!
//! A token is 32 bytes from the operating system's random source, written as 64 lowercase hex
//! digits. Only its SHA-256 is stored with the ticket: a copy of the database does not let
//! anyone read tickets. (Plain SHA-256 is enough here, unlike for passwords: 256 random bits
//! cannot be guessed from their hash.) Comparisons take the same time wherever the bytes
//! differ.

use sha2::{Digest as _, Sha256};
use std::fmt::Write as _;

/// A new random token, 64 hex digits.
///
/// # Errors
/// When the operating system's random source fails (it does not on any supported system).
pub fn new_token() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    Ok(hex(&bytes))
}

/// SHA-256 of `data`.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

/// The stored form of a token.
pub fn hash_token(token: &str) -> [u8; 32] {
    sha256(token.as_bytes())
}

/// True when `a` and `b` are equal, in time that depends only on their lengths.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(diff) == 0
}

/// True when `presented` is the token whose hash is `stored`.
pub fn token_matches(presented: &str, stored: &[u8]) -> bool {
    constant_time_eq(&hash_token(presented), stored)
}

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// An idempotency key in canonical (lowercase) form, or `None` when `text` is not a UUID
/// (`8-4-4-4-12` hex digits, any version, either case).
pub fn idempotency_key(text: &str) -> Option<String> {
    let text = text.trim();
    let groups: Vec<&str> = text.split('-').collect();
    let shape_ok = groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, len)| g.len() == len && g.bytes().all(|b| b.is_ascii_hexdigit()));
    shape_ok.then(|| text.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_hex_and_hash_to_32_bytes() {
        let a = new_token().expect("random");
        let b = new_token().expect("random");
        assert_eq!(a.len(), 64);
        assert!(a
            .bytes()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        assert_ne!(a, b);
        assert!(token_matches(&a, &hash_token(&a)));
        assert!(!token_matches(&b, &hash_token(&a)));
        assert!(!token_matches("", &hash_token(&a)));
        assert_eq!(
            hex(&sha256(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn constant_time_eq_compares_whole_slices() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
        assert!(constant_time_eq(b"", b""));
    }

    #[test]
    fn idempotency_keys_are_uuids() {
        assert_eq!(
            idempotency_key("3F2504E0-4F89-41D3-9A0C-0305E82C3301").as_deref(),
            Some("3f2504e0-4f89-41d3-9a0c-0305e82c3301")
        );
        for bad in [
            "",
            "not-a-uuid",
            "3f2504e04f8941d39a0c0305e82c3301",
            "3f2504e0-4f89-41d3-9a0c-0305e82c330",
            "3f2504e0-4f89-41d3-9a0c-0305e82c3301-1",
            "3g2504e0-4f89-41d3-9a0c-0305e82c3301",
        ] {
            assert_eq!(idempotency_key(bad), None, "{bad:?}");
        }
    }
}
