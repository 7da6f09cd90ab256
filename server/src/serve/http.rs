//! Small HTTP rules shared by the feed and the file handlers: entity tags, conditional
//! requests, content negotiation of precompressed files, media types and cache lifetimes.
//!
//! Everything here is a pure function of headers and bytes, tested without a socket. Nothing
//! here reads files or builds routes.

use axum::body::Body;
use axum::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use axum::http::{Response, StatusCode};

/// A strong entity tag for `bytes`, with `suffix` naming the encoding (`""`, `"br"`, `"gz"`).
///
/// FNV-1a (64 bits) over the content plus its length: not cryptographic, but an accidental
/// collision between two versions of one file is vanishingly unlikely, and the tag is the
/// same after a restart, unlike `std`'s randomly keyed hasher.
pub fn etag(bytes: &[u8], suffix: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    let dash = if suffix.is_empty() { "" } else { "-" };
    format!("\"{:x}-{hash:016x}{dash}{suffix}\"", bytes.len())
}

/// True when `If-None-Match` lists `etag` (or `*`): the client's copy is current.
///
/// `If-None-Match` uses weak comparison (RFC 9110 §13.1.2), so `W/"x"` matches `"x"`.
pub fn not_modified(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag)
}

/// True when `Accept-Encoding` accepts `coding` (`br`, `gzip`) with a q-value above zero,
/// by name or through `*`. No header means only the identity encoding is wanted.
pub fn accepts_encoding(headers: &HeaderMap, coding: &str) -> bool {
    let mut named = None;
    let mut star = None;
    for part in headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
    {
        let mut params = part.split(';');
        let name = params.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = params
            .filter_map(|p| {
                let (key, value) = p.split_once('=')?;
                key.trim()
                    .eq_ignore_ascii_case("q")
                    .then(|| value.trim().parse::<f32>().unwrap_or(0.0))
            })
            .next_back()
            .unwrap_or(1.0);
        let acceptable = q > 0.0;
        if name == coding || (coding == "gzip" && name == "x-gzip") {
            named = Some(acceptable);
        } else if name == "*" {
            star = Some(acceptable);
        }
    }
    named.or(star).unwrap_or(false)
}

/// The media type for a file name, by its extension.
pub fn content_type(name: &str) -> &'static str {
    let ext = name
        .rsplit_once('.')
        .map_or("", |(_, ext)| ext)
        .to_ascii_lowercase();
    match ext.as_str() {
        "wasm" => "application/wasm",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "css" => "text/css; charset=utf-8",
        "html" | "htm" => "text/html; charset=utf-8",
        "png" => "image/png",
        "svg" => "image/svg+xml",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "pdf" => "application/pdf",
        "xml" => "application/xml",
        "webmanifest" => "application/manifest+json",
        // `.d.ts` type declarations and other text are shown as text, never run.
        "ts" | "txt" | "md" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// True for a content-hashed name: a dot-separated segment of 8 or more lowercase hex digits
/// between the stem and the extension, like `lms_support_widget.3f9a1c2b.wasm`. Such a file
/// never changes under its name, so it may be cached for a year.
pub fn is_content_hashed(name: &str) -> bool {
    let parts: Vec<&str> = name.split('.').collect();
    parts.len() >= 3
        && parts[1..parts.len() - 1].iter().any(|p| {
            p.len() >= 8
                && p.bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        })
}

/// Sets a header from text, skipping (never panicking on) a value HTTP cannot carry.
pub fn set(response: &mut Response<Body>, name: HeaderName, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        response.headers_mut().insert(name, value);
    }
}

/// A response with a status, a media type and a body.
pub fn respond(
    status: StatusCode,
    content_type: &'static str,
    body: impl Into<Body>,
) -> Response<Body> {
    let mut response = Response::new(body.into());
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// A plain-text response; `message` should end with a newline.
pub fn text(status: StatusCode, message: impl Into<String>) -> Response<Body> {
    respond(status, "text/plain; charset=utf-8", message.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(HeaderName, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                name.clone(),
                HeaderValue::from_str(value).expect("test header"),
            );
        }
        map
    }

    #[test]
    fn etags_differ_by_content_and_encoding() {
        assert_eq!(etag(b"", ""), "\"0-cbf29ce484222325\"");
        assert_ne!(etag(b"a", ""), etag(b"b", ""));
        assert_ne!(etag(b"a", ""), etag(b"a", "br"));
        assert!(etag(b"a", "br").ends_with("-br\""));
    }

    #[test]
    fn if_none_match_lists_and_weak_tags() {
        let tag = "\"1-abc\"";
        assert!(not_modified(
            &headers(&[(header::IF_NONE_MATCH, "\"x\", W/\"1-abc\"")]),
            tag
        ));
        assert!(not_modified(&headers(&[(header::IF_NONE_MATCH, "*")]), tag));
        assert!(!not_modified(
            &headers(&[(header::IF_NONE_MATCH, "\"1-abd\"")]),
            tag
        ));
        assert!(!not_modified(&HeaderMap::new(), tag));
    }

    #[test]
    fn accept_encoding_with_q_values() {
        let h = |v: &str| headers(&[(header::ACCEPT_ENCODING, v)]);
        assert!(accepts_encoding(&h("gzip, deflate, br, zstd"), "br"));
        assert!(accepts_encoding(&h("gzip, deflate, br, zstd"), "gzip"));
        assert!(!accepts_encoding(&h("gzip, br;q=0"), "br"));
        assert!(accepts_encoding(&h("BR;Q=0.5"), "br"));
        assert!(accepts_encoding(&h("*"), "br"));
        assert!(!accepts_encoding(&h("*, br;q=0"), "br"));
        assert!(accepts_encoding(&h("x-gzip"), "gzip"));
        assert!(!accepts_encoding(&h("identity"), "gzip"));
        assert!(!accepts_encoding(&HeaderMap::new(), "br"));
    }

    #[test]
    fn hashed_names() {
        assert!(is_content_hashed("lms_support_widget.3f9a1c2b.wasm"));
        assert!(is_content_hashed("loader.0123456789abcdef.js"));
        assert!(is_content_hashed("types.3f9a1c2b.d.ts"));
        assert!(!is_content_hashed("lms_support_widget.wasm"));
        assert!(
            !is_content_hashed("loader.3F9A1C2B.js"),
            "uppercase is not a hash we make"
        );
        assert!(
            !is_content_hashed("loader.3f9a1c2.js"),
            "seven digits are too few"
        );
        assert!(
            !is_content_hashed("3f9a1c2b.js"),
            "the stem itself is not a hash segment"
        );
        assert!(!is_content_hashed("loader-3f9a1c2b.js"));
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("a.3f9a1c2b.wasm"), "application/wasm");
        assert_eq!(content_type("loader.mjs"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("index.d.ts"), "text/plain; charset=utf-8");
        assert_eq!(content_type("INDEX.HTML"), "text/html; charset=utf-8");
        assert_eq!(content_type("README"), "application/octet-stream");
    }
}
