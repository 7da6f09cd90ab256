//! Files: the widget's assets under `/widget/` and the demo site for every other path.
//!
//! Both are served by one handler: precompressed `.br`/`.gz` siblings chosen by
//! `Accept-Encoding`, strong `ETag`s (different per encoding), `304` on `If-None-Match`, and
//! `Vary: Accept-Encoding` always. Widget files with a content hash in their name are cached
//! for a year; everything else must be revalidated (`no-cache`). Request paths are checked
//! segment by segment, so no request can name a file outside its directory; and every file is
//! served only if its real path, with every symbolic link resolved, is inside the directory's
//! real path too. A link from one file of the tree to another (`latest.js -> v2.js`) works; a
//! link to anything outside (`passwd -> /etc/passwd`, `shared -> ../other`) is `404`, as if it
//! were not there. This module does not compress anything on the fly and does not list
//! directories. HTML pages of the demo site carry a strict `Content-Security-Policy`
//! ([`DEMO_CSP`]), the one the design promises the widget works under, so the demo proves it.

use super::http::{
    accepts_encoding, content_type, etag, is_content_hashed, not_modified, set, text,
};
use super::log;
use super::App;
use axum::body::Body;
use axum::extract::State;
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::{Method, Response, StatusCode, Uri};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The policy on every `.html` page served from `--static`: no inline scripts or styles, Wasm
/// compiled only from same-origin responses, fetches only to this server (design §2).
pub const DEMO_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
style-src 'self'; connect-src 'self'";

/// Which directory a request is served from and how.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tree {
    /// `--widget DIR` under `/widget/`: hashed names are immutable, readable cross-origin.
    Widget,
    /// `--static DIR` everywhere else: directories serve `index.html`.
    Static,
}

/// Every request not routed elsewhere.
pub async fn handle(
    State(app): State<Arc<App>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response<Body> {
    if method != Method::GET && method != Method::HEAD {
        let mut response = text(StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n");
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    let raw = uri.path();
    let (tree, root, rest) = match raw.strip_prefix("/widget/") {
        Some(rest) => (Tree::Widget, app.widget_dir.as_path(), rest),
        None if raw == "/widget" => (Tree::Widget, app.widget_dir.as_path(), ""),
        None => (
            Tree::Static,
            app.static_dir.as_path(),
            raw.strip_prefix('/').unwrap_or(raw),
        ),
    };
    if tree == Tree::Widget && !is_dir(root).await {
        return text(
            StatusCode::NOT_FOUND,
            format!(
                "the widget is not built: {} does not exist; run `make widget` first\n",
                root.display()
            ),
        );
    }
    let Some(relative) = safe_relative_path(rest) else {
        return not_found();
    };
    let Ok(root) = tokio::fs::canonicalize(root).await else {
        return not_found();
    };
    let mut path = root.join(&relative);
    let real_dir = match within(&root, &path).await {
        Some(real) => is_dir(&real).await,
        None => false,
    };
    if real_dir {
        if tree == Tree::Widget {
            return not_found();
        }
        if !(rest.is_empty() || rest.ends_with('/')) {
            // Relative links in index.html resolve against the directory only with the slash.
            let location = match uri.query() {
                Some(q) => format!("{raw}/?{q}"),
                None => format!("{raw}/"),
            };
            let mut response = text(
                StatusCode::MOVED_PERMANENTLY,
                format!("moved to {location}\n"),
            );
            set(&mut response, header::LOCATION, &location);
            return response;
        }
        path.push("index.html");
    }
    serve_file(&root, &path, tree, &headers).await
}

/// `path` with every symbolic link resolved, when it exists and is inside `root` (itself
/// resolved); `None` otherwise.
async fn within(root: &Path, path: &Path) -> Option<PathBuf> {
    let real = tokio::fs::canonicalize(path).await.ok()?;
    real.starts_with(root).then_some(real)
}

/// Serves `path` (or a precompressed sibling) from the tree whose real path is `root`.
async fn serve_file(root: &Path, path: &Path, tree: Tree, headers: &HeaderMap) -> Response<Body> {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let mut candidates: Vec<(PathBuf, Option<&'static str>)> = Vec::with_capacity(3);
    if accepts_encoding(headers, "br") {
        candidates.push((with_suffix(path, ".br"), Some("br")));
    }
    if accepts_encoding(headers, "gzip") {
        candidates.push((with_suffix(path, ".gz"), Some("gzip")));
    }
    candidates.push((path.to_path_buf(), None));
    for (candidate, encoding) in candidates {
        // What is read is the resolved path that was checked, not the name again.
        let Some(candidate) = within(root, &candidate).await else {
            continue;
        };
        if !is_file(&candidate).await {
            continue;
        }
        let bytes = match tokio::fs::read(&candidate).await {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => {
                log::event(
                    "error",
                    "cannot read file",
                    &[
                        ("file", &candidate.display().to_string()),
                        ("error", &e.to_string()),
                    ],
                );
                return text(StatusCode::INTERNAL_SERVER_ERROR, "cannot read this file\n");
            }
        };
        let tag = etag(
            &bytes,
            encoding.map_or("", |e| if e == "br" { "br" } else { "gz" }),
        );
        let mut response = if not_modified(headers, &tag) {
            let mut r = Response::new(Body::empty());
            *r.status_mut() = StatusCode::NOT_MODIFIED;
            r
        } else {
            let mut r = Response::new(Body::from(bytes));
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(content_type(name)),
            );
            if let Some(encoding) = encoding {
                r.headers_mut()
                    .insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
            }
            r
        };
        set(&mut response, header::ETAG, &tag);
        let h = response.headers_mut();
        h.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
        h.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        let cache = if tree == Tree::Widget && is_content_hashed(name) {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
        if tree == Tree::Static && is_html(name) {
            h.insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(DEMO_CSP),
            );
        }
        return response;
    }
    not_found()
}

fn is_html(name: &str) -> bool {
    let ext = name.rsplit_once('.').map_or("", |(_, ext)| ext);
    ext.eq_ignore_ascii_case("html") || ext.eq_ignore_ascii_case("htm")
}

fn not_found() -> Response<Body> {
    text(StatusCode::NOT_FOUND, "not found\n")
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut os = path.as_os_str().to_os_string();
    os.push(suffix);
    PathBuf::from(os)
}

async fn is_dir(path: &Path) -> bool {
    tokio::fs::metadata(path).await.is_ok_and(|m| m.is_dir())
}

async fn is_file(path: &Path) -> bool {
    tokio::fs::metadata(path).await.is_ok_and(|m| m.is_file())
}

/// The file a URL path (after its leading `/` or `/widget/`) names, relative to the served
/// directory, or `None` when it could name anything outside it.
///
/// Percent-escapes are decoded first, so `%2e%2e` is `..`. Rejected: `.` and `..` segments,
/// empty segments (`//etc/passwd`), backslashes and drive colons (Windows paths), NUL, text
/// that is not UTF-8, and dot-files (`.git`, `.env`). A trailing `/` is allowed.
pub fn safe_relative_path(raw: &str) -> Option<PathBuf> {
    let decoded = percent_decode(raw)?;
    let trimmed = decoded.strip_suffix('/').unwrap_or(&decoded);
    let mut path = PathBuf::new();
    if trimmed.is_empty() {
        // "" is the directory itself; "/" would be an absolute path (`//` in the URL).
        return decoded.is_empty().then_some(path);
    }
    for segment in trimmed.split('/') {
        let bad =
            segment.is_empty() || segment.starts_with('.') || segment.contains(['\\', ':', '\0']);
        if bad {
            return None;
        }
        path.push(segment);
    }
    // Belt and braces: what was pushed must be plain names only.
    path.components()
        .all(|c| matches!(c, std::path::Component::Normal(_)))
        .then_some(path)
}

fn percent_decode(raw: &str) -> Option<String> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_paths_are_kept() {
        assert_eq!(safe_relative_path(""), Some(PathBuf::new()));
        assert_eq!(
            safe_relative_path("index.html"),
            Some(PathBuf::from("index.html"))
        );
        assert_eq!(
            safe_relative_path("course/quiz.html"),
            Some(PathBuf::from("course/quiz.html"))
        );
        assert_eq!(safe_relative_path("course/"), Some(PathBuf::from("course")));
        assert_eq!(
            safe_relative_path("my%20notes.html"),
            Some(PathBuf::from("my notes.html"))
        );
    }

    #[test]
    fn traversal_and_tricks_are_rejected() {
        for raw in [
            "..",
            "../etc/passwd",
            "a/../../etc/passwd",
            "%2e%2e/etc/passwd",
            "%2E%2E%2Fetc%2Fpasswd",
            "a/%2e%2e/%2e%2e/x",
            "/etc/passwd",
            "%2fetc/passwd",
            "a//b",
            "..%5c..%5cwindows",
            "a\\b",
            "C:/windows",
            "c%3a/x",
            ".git/config",
            ".env",
            "a/./b",
            "x%00.html",
            "%zz",
            "%e9",
            "%",
            "/",
        ] {
            assert_eq!(safe_relative_path(raw), None, "{raw}");
        }
    }
}
