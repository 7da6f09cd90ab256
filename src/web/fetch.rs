//! Fetching the feed with `If-None-Match`.

use super::dom::{describe, window};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, Headers, Request, RequestCache, RequestInit, Response};

/// Give up on a feed request after this long; the next refresh tries again.
const TIMEOUT_MS: u32 = 15_000;

/// What a feed request gave.
#[derive(Debug)]
pub enum FeedResponse {
    /// A new body, with its ETag.
    Fresh {
        /// The JSON text.
        body: String,
        /// The ETag to send next time.
        etag: Option<String>,
    },
    /// `304`: the copy we have is current.
    NotModified,
}

/// Requests the feed; `etag` is the one of the copy we hold.
///
/// # Errors
/// A message for the console: network failure, timeout, or a non-2xx status.
pub async fn fetch_feed(url: &str, etag: Option<&str>) -> Result<FeedResponse, String> {
    let window = window().ok_or("no window")?;
    let init = RequestInit::new();
    init.set_method("GET");
    // We manage revalidation ourselves with the ETag we cached, so the HTTP cache stays out of it.
    init.set_cache(RequestCache::NoStore);
    init.set_signal(Some(&AbortSignal::timeout_with_u32(TIMEOUT_MS)));
    let headers = Headers::new().map_err(|e| describe(&e))?;
    headers
        .set("Accept", "application/json")
        .map_err(|e| describe(&e))?;
    if let Some(etag) = etag {
        headers
            .set("If-None-Match", etag)
            .map_err(|e| describe(&e))?;
    }
    init.set_headers(&headers);
    let request = Request::new_with_str_and_init(url, &init)
        .map_err(|e| format!("bad feed URL {url:?}: {}", describe(&e)))?;
    let response: Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(|e| format!("feed request to {url} failed: {}", describe(&e)))?
        .dyn_into()
        .map_err(|_| "fetch did not return a Response".to_string())?;
    if response.status() == 304 {
        return Ok(FeedResponse::NotModified);
    }
    if !response.ok() {
        return Err(format!(
            "feed request to {url} answered HTTP {}",
            response.status()
        ));
    }
    let etag = response.headers().get("ETag").ok().flatten();
    let text = response.text().map_err(|e| describe(&e))?;
    let body = JsFuture::from(text)
        .await
        .map_err(|e| format!("reading the feed from {url} failed: {}", describe(&e)))?
        .as_string()
        .ok_or("feed body is not text")?;
    Ok(FeedResponse::Fresh { body, etag })
}
