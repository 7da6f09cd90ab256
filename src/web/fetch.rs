//! Fetching the feed with `If-None-Match`.

use crate::base::decimal::decimal;
use crate::web::dom::{describe, window};
use js_sys::{Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
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

/// The feed request the loader sent at script start, beside the Wasm's download
/// (`feedAnswer`, a promise of the `Response`, in the mount configuration;
/// `pkg-templates/loader.js`), so that its answer is in by the mount. The loader hands it over
/// only when it was asked with the ETag of the copy it hands the same mount (`feedCopy`), so a
/// `304` answers for that copy.
#[derive(Debug)]
pub struct SentByLoader {
    answer: Promise,
}

impl SentByLoader {
    /// The loader's request, if it sent one for this mount.
    pub fn from_config(config: &JsValue) -> Option<SentByLoader> {
        // The loader's own fetch promise (not checked with instanceof: bytes on every page).
        let answer = Reflect::get(config, &JsValue::from_str("feedAnswer")).ok()?;
        Some(SentByLoader {
            answer: answer.is_object().then(|| answer.into())?,
        })
    }
}

/// A feed request on its way: sent when made, read with [`FeedRequest::answer`].
#[derive(Debug)]
pub struct FeedRequest {
    url: String,
    sent: Result<JsFuture, String>,
}

impl FeedRequest {
    /// Sends the request now (not on the first poll, as an `async fn` would); `etag` is the one
    /// of the copy we hold.
    pub fn send(url: &str, etag: Option<&str>) -> FeedRequest {
        FeedRequest {
            url: url.to_string(),
            sent: send_feed_request(url, etag),
        }
    }

    /// The request the loader sent at script start, else a new one asked with `etag`, the
    /// ETag of the copy we hold.
    pub fn take_or_send(url: &str, etag: Option<&str>, sent: Option<SentByLoader>) -> FeedRequest {
        match sent {
            Some(sent) => FeedRequest {
                url: url.to_string(),
                sent: Ok(JsFuture::from(sent.answer)),
            },
            None => FeedRequest::send(url, etag),
        }
    }

    /// The answer.
    ///
    /// # Errors
    /// A message for the console: network failure, timeout, or a non-2xx status.
    pub async fn answer(self) -> Result<FeedResponse, String> {
        read_feed_response(&self.url, self.sent?).await
    }
}

fn send_feed_request(url: &str, etag: Option<&str>) -> Result<JsFuture, String> {
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
        .map_err(|e| ["bad feed URL \"", url, "\": ", &describe(&e)].concat())?;
    Ok(JsFuture::from(window.fetch_with_request(&request)))
}

async fn read_feed_response(url: &str, sent: JsFuture) -> Result<FeedResponse, String> {
    let response: Response = sent
        .await
        .map_err(|e| ["feed request to ", url, " failed: ", &describe(&e)].concat())?
        .dyn_into()
        .map_err(|_| "fetch did not return a Response".to_string())?;
    if response.status() == 304 {
        return Ok(FeedResponse::NotModified);
    }
    if !response.ok() {
        return Err([
            "feed request to ",
            url,
            " answered HTTP ",
            &decimal(i64::from(response.status())),
        ]
        .concat());
    }
    let etag = response.headers().get("ETag").ok().flatten();
    let text = response.text().map_err(|e| describe(&e))?;
    let body = JsFuture::from(text)
        .await
        .map_err(|e| ["reading the feed from ", url, " failed: ", &describe(&e)].concat())?
        .as_string()
        .ok_or("feed body is not text")?;
    Ok(FeedResponse::Fresh { body, etag })
}

/// What a ticket API call answered.
#[derive(Debug)]
pub struct HttpResponse {
    /// HTTP status.
    pub status: u16,
    /// The `Retry-After` header, for `429` and `503`.
    pub retry_after: Option<String>,
    /// The `ETag` header, for the next `If-None-Match`.
    pub etag: Option<String>,
    /// The body as text.
    pub body: String,
}

/// Executes a request built by [`crate::ticket::request`]. With `files`, a JSON body goes as
/// the `ticket` part of a `multipart/form-data` body with the files beside it (design §5).
///
/// # Errors
/// A reason for the outbox when no HTTP answer arrived: offline, DNS, CORS, timeout.
pub async fn send_request(
    request: &crate::ticket::request::HttpRequest,
    files: &[web_sys::File],
) -> Result<HttpResponse, String> {
    let window = window().ok_or("no window")?;
    let init = RequestInit::new();
    init.set_method(request.method);
    init.set_cache(RequestCache::NoStore);
    init.set_signal(Some(&AbortSignal::timeout_with_u32(TIMEOUT_MS * 2)));
    let headers = Headers::new().map_err(|e| describe(&e))?;
    let multipart = !files.is_empty() && request.body.is_some();
    for (name, value) in &request.headers {
        // The browser writes the multipart boundary itself.
        if multipart && name.eq_ignore_ascii_case("content-type") {
            continue;
        }
        headers.set(name, value).map_err(|e| describe(&e))?;
    }
    init.set_headers(&headers);
    if let Some(body) = &request.body {
        if multipart {
            let form = web_sys::FormData::new().map_err(|e| describe(&e))?;
            let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(body));
            let bag = web_sys::BlobPropertyBag::new();
            bag.set_type("application/json");
            let json = web_sys::Blob::new_with_str_sequence_and_options(&parts, &bag)
                .map_err(|e| describe(&e))?;
            form.append_with_blob("ticket", &json)
                .map_err(|e| describe(&e))?;
            for file in files {
                form.append_with_blob_and_filename("files", file, &file.name())
                    .map_err(|e| describe(&e))?;
            }
            init.set_body(&form);
        } else {
            init.set_body(&wasm_bindgen::JsValue::from_str(body));
        }
    }
    let req = Request::new_with_str_and_init(&request.url, &init).map_err(|e| describe(&e))?;
    let response: Response = JsFuture::from(window.fetch_with_request(&req))
        .await
        .map_err(|e| format!("no answer from {}: {}", request.url, describe(&e)))?
        .dyn_into()
        .map_err(|_| "fetch did not return a Response".to_string())?;
    let retry_after = response.headers().get("Retry-After").ok().flatten();
    let etag = response.headers().get("ETag").ok().flatten();
    let text = response.text().map_err(|e| describe(&e))?;
    let body = JsFuture::from(text)
        .await
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default();
    Ok(HttpResponse {
        status: response.status(),
        retry_after,
        etag,
        body,
    })
}
