//! Compression of large dynamic answers (the feed, big JSON), with entity tags kept honest.
//!
//! tower-http's compression layer encodes a response in gzip or brotli when the client accepts
//! it and the body is at least [`MIN_SIZE`] bytes; small answers (ticket receipts, errors) are
//! not worth the CPU. Responses that already carry `Content-Encoding` — the precompressed
//! `.br`/`.gz` widget files — pass untouched, with their own strong tags (`…-br"`, `…-gz"`).
//!
//! A strong `ETag` names one exact byte sequence, and the compressed bytes are not the bytes the
//! tag was computed over, so [`weaken_etags`] turns the tag of a response the layer compressed
//! into a weak one (`W/"…"`), as nginx does. `If-None-Match` compares weakly, so the handler
//! still answers `304` when a client revalidates with the weak tag.

use axum::extract::Request;
use axum::http::header::{self, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use tower_http::compression::predicate::{NotForContentType, Predicate, SizeAbove};
use tower_http::compression::CompressionLayer;

/// Bodies smaller than this are sent as they are.
pub const MIN_SIZE: u16 = 1024;

/// The compression layer: gzip and brotli, for bodies of [`MIN_SIZE`] bytes or more that are
/// not images or event streams.
pub fn layer() -> CompressionLayer<impl Predicate> {
    let predicate = SizeAbove::new(MIN_SIZE)
        .and(NotForContentType::IMAGES)
        .and(NotForContentType::SSE);
    CompressionLayer::new()
        .no_deflate()
        .no_zstd()
        .compress_when(predicate)
}

/// Middleware around [`layer`]: a response it compressed gets a weak `ETag`.
pub async fn weaken_etags(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let Some(encoding) = headers
        .get(header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .map(str::to_ascii_lowercase)
    else {
        return response;
    };
    let Some(tag) = headers.get(header::ETAG).and_then(|v| v.to_str().ok()) else {
        return response;
    };
    // The precompressed files' tags name their encoding already and are theirs alone.
    let suffix = match encoding.as_str() {
        "br" => "-br\"",
        "gzip" => "-gz\"",
        _ => "",
    };
    if tag.starts_with("W/") || (!suffix.is_empty() && tag.ends_with(suffix)) {
        return response;
    }
    if let Ok(weak) = HeaderValue::from_str(&format!("W/{tag}")) {
        headers.insert(header::ETAG, weak);
    }
    response
}
