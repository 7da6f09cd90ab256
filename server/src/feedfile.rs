//! Reading a feed file from disk for `check` and `preview`.
//!
//! The widget reads feeds with `Response.json()`, which decodes UTF-8 and drops a leading byte
//! order mark, so the CLI does the same: a feed saved by Notepad checks the way it will load.
//! This module does not validate anything itself; that is `lms_support_widget::feed::parse`.

use lms_support_widget::feed::{self, FeedError, Parsed};
use lms_support_widget::zone::TzDatabase;
use std::path::Path;

/// Why a feed could not be loaded.
#[derive(Debug)]
pub enum LoadError {
    /// The file could not be read; the message is `cannot read PATH: ERROR`.
    Unreadable(String),
    /// The file was read but nothing in it is usable.
    Fatal(FeedError),
}

/// Reads and parses the feed at `path` with the IANA time-zone database.
///
/// # Errors
/// [`LoadError::Unreadable`] for I/O errors, [`LoadError::Fatal`] for a feed the core rejects
/// whole (including text that is not UTF-8).
pub fn load(path: &Path) -> Result<Parsed, LoadError> {
    let bytes = std::fs::read(path)
        .map_err(|e| LoadError::Unreadable(format!("cannot read {}: {e}", path.display())))?;
    let text = decode(&bytes).map_err(LoadError::Fatal)?;
    feed::parse(text, &TzDatabase).map_err(LoadError::Fatal)
}

/// The text of a feed file: UTF-8 without a leading byte order mark.
///
/// # Errors
/// [`FeedError::NotJson`] when the bytes are not UTF-8 (JSON must be).
pub fn decode(bytes: &[u8]) -> Result<&str, FeedError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes)
        .map_err(|e| FeedError::NotJson(format!("invalid UTF-8 at byte {}", e.valid_up_to())))
}

/// The warning line for an unknown field: `warning: unknown field "maintenance[0].colour" ignored`.
pub fn unknown_field_warning(path: &str) -> String {
    format!("warning: unknown field {path:?} ignored")
}

/// Loads a feed for a command that works on what is usable (`preview`, `search`): problems
/// and unknown fields go to stderr as warnings; an unusable feed is reported there too.
///
/// # Errors
/// The exit code to return: 2 for an unreadable file, 1 for a feed that cannot be used.
pub fn load_or_warn(path: &Path) -> Result<Parsed, u8> {
    let parsed = match load(path) {
        Ok(parsed) => parsed,
        Err(LoadError::Unreadable(message)) => {
            crate::output::stderr(&format!("{message}\n"));
            return Err(2);
        }
        Err(LoadError::Fatal(error)) => {
            crate::output::stderr(&format!("{error}\n"));
            return Err(1);
        }
    };
    let mut warnings = String::new();
    for problem in &parsed.problems {
        warnings.push_str(&format!("warning: {problem}\n"));
    }
    for field in &parsed.unknown_fields {
        warnings.push_str(&unknown_field_warning(field));
        warnings.push('\n');
    }
    crate::output::stderr(&warnings);
    Ok(parsed)
}

/// Checks a `--locale` value, printing why it is refused; `Err` holds the exit status (2).
///
/// # Errors
/// 2 when `locale` is not a language tag.
pub fn check_locale(locale: &str) -> Result<(), u8> {
    if lms_support_widget::text::is_language_tag(locale) {
        return Ok(());
    }
    crate::output::stderr(&format!(
        "invalid --locale {locale:?}: expected a language tag such as en, es or pt-BR\n"
    ));
    Err(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_a_byte_order_mark_and_rejects_latin1() {
        assert_eq!(decode(b"\xEF\xBB\xBF{}"), Ok("{}"));
        assert_eq!(
            decode(b"{\"a\": \"\xE9\"}").map_err(|e| e.to_string()),
            Err("feed is not valid JSON: invalid UTF-8 at byte 7".to_string())
        );
    }
}
