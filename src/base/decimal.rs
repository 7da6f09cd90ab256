//! Integers written in decimal without `core::fmt`, for messages built in the banner stage.
//!
//! `format!` and `to_string()` on a number link the formatting machinery (`fmt::write`,
//! `Formatter::pad_integral`, the two-digit table), about 2 KB gzip on every page; messages
//! there are built with `push_str` and these instead. The full stage may keep `format!`.

/// `n` in decimal: `-42` → `"-42"`.
pub fn decimal(n: i64) -> String {
    let mut out = String::new();
    push_decimal(&mut out, n);
    out
}

/// Appends `n` in decimal to `out`.
pub fn push_decimal(out: &mut String, n: i64) {
    push_padded(out, n, 1);
}

/// Appends `n` in decimal with zeros after the sign up to `width` characters, like
/// `{:0width$}`: `(5, 2)` → `"05"`, `(-5, 4)` → `"-005"`.
pub fn push_padded(out: &mut String, n: i64, width: usize) {
    let mut len = 1;
    if n < 0 {
        out.push('-');
        len += 1;
    }
    let n = n.unsigned_abs();
    let mut rest = n;
    while rest >= 10 {
        rest /= 10;
        len += 1;
    }
    for _ in len..width {
        out.push('0');
    }
    push_digits(out, n);
}

/// The digits of `n`, the first one first: at most 20 calls deep.
fn push_digits(out: &mut String, n: u64) {
    if n >= 10 {
        push_digits(out, n / 10);
    }
    out.push(char::from(b'0' + (n % 10) as u8));
}

/// `text` as an `i64`, as `text.parse::<i64>().ok()` reads it (an optional sign, then ASCII
/// digits only, `None` past the range). Written out because core's generic parser, which all
/// integer types share, was 0.6 KB of code on every page where this loop is a tenth of it.
pub fn parse_int(text: &str) -> Option<i64> {
    let (negative, digits) = match text.as_bytes() {
        [b'-', rest @ ..] => (true, rest),
        [b'+', rest @ ..] => (false, rest),
        all => (false, all),
    };
    if digits.is_empty() {
        return None;
    }
    let mut n: i64 = 0;
    for &b in digits {
        let digit = i64::from(b.wrapping_sub(b'0'));
        if digit > 9 {
            return None;
        }
        // Built negative: i64::MIN has no positive counterpart.
        n = n.checked_mul(10)?.checked_sub(digit)?;
    }
    if negative {
        Some(n)
    } else {
        n.checked_neg()
    }
}

/// `text` as an unsigned whole number, as `text.parse::<T>()` gives it for a `T` of at most 32
/// bits, read with [`parse_int`]: one parser instead of one per integer type (`u8`'s and
/// `usize`'s were 0.6 KB of code).
pub fn parse_unsigned<T: TryFrom<i64>>(text: &str) -> Option<T> {
    if text.starts_with('-') {
        // `-0` is no unsigned number.
        return None;
    }
    parse_int(text).and_then(|n| T::try_from(n).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_like_str_parse() {
        for text in [
            "0",
            "-0",
            "+0",
            "7",
            "+7",
            "-7",
            "42",
            "-",
            "+",
            "",
            "--1",
            "+-1",
            "1-",
            " 1",
            "1 ",
            "1.0",
            "1e3",
            "0x10",
            "٣",
            "007",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775808",
            "-9223372036854775809",
            "99999999999999999999",
            "+9223372036854775807",
            "12a",
            "a12",
            "１",
        ] {
            assert_eq!(parse_int(text), text.parse::<i64>().ok(), "{text:?}");
        }
    }

    #[test]
    fn parses_unsigned_like_str_parse() {
        for text in [
            "0",
            "7",
            "+7",
            "-0",
            "-7",
            "255",
            "256",
            "4294967295",
            "4294967296",
            "",
            "+",
            " 1",
            "1 ",
            "0x1",
            "1.0",
            "99999999999999999999",
        ] {
            assert_eq!(
                parse_unsigned::<u8>(text),
                text.parse::<u8>().ok(),
                "{text}"
            );
            assert_eq!(
                parse_unsigned::<u32>(text),
                text.parse::<u32>().ok(),
                "{text}"
            );
        }
    }

    #[test]
    fn writes_like_display() {
        for n in [
            0,
            7,
            10,
            42,
            99,
            100,
            720,
            1_000_000,
            -1,
            -10,
            -905,
            i64::MAX,
            i64::MIN,
        ] {
            assert_eq!(decimal(n), n.to_string());
        }
    }

    #[test]
    fn appends() {
        let mut s = String::from("after ");
        push_decimal(&mut s, 30);
        s.push_str(" days");
        assert_eq!(s, "after 30 days");
    }

    #[test]
    fn pads_like_display() {
        for (n, width) in [
            (5, 2),
            (12, 2),
            (123, 2),
            (0, 4),
            (2026, 4),
            (-5, 4),
            (-12345, 4),
        ] {
            let mut s = String::new();
            push_padded(&mut s, n, width);
            assert_eq!(s, format!("{n:0width$}"));
        }
    }
}
