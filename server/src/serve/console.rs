//! The admin console, `/admin`: a few static files (HTML, CSS, JavaScript modules and a JSON
//! catalogue of its strings, compiled into the binary from `server/console/`), sign-in and
//! sign-out, and the feed of the live preview. Everything else the console does goes through
//! the admin API (`/v1/admin/…`, [`super::admin`]), so its validation and messages are the
//! API's own.
//!
//! **Sessions.** `POST /admin/session {"token"}` checks an admin token and opens a session
//! ([`crate::store::sessions`]) held in the cookie [`COOKIE`]: `HttpOnly`, `SameSite=Strict`,
//! `Path=/`, `Max-Age` of the session's life, and `Secure` when the request came over https
//! through a `--trusted-proxy` (the server itself speaks plain HTTP). The cookie acts as the
//! token on the admin API. `DELETE /admin/session` ends it in the store, not only in the
//! browser. `GET /admin/session` says who is signed in.
//!
//! **CSRF.** A request that authenticates with the cookie (and sign-in itself) must pass
//! [`check_origin`]: its `Origin`, when present, is this server's own (`http(s)://Host`), and a
//! request that can change something has one; and it must carry the header
//! [`CONSOLE_HEADER`], which no other site can add without a CORS preflight that this server
//! never grants. With `SameSite=Strict` on top, a page on another site can neither send the
//! cookie nor forge the request. Bearer-token requests are not checked: no browser adds a
//! token by itself. Refusals are `403 {"errors": [{"field": "origin" | "console_header", …}]}`.
//!
//! **Preview.** `GET /admin/preview/feed?client=ID&draft=B64` (session or token with the
//! `schedule` scope) answers the feed that client gets now with one draft window or notice
//! applied as if it were published: `draft` is base64url of `{"kind": "maintenance" |
//! "notice", "target"?, "entry"}`; an entry whose `id` exists replaces that item. Nothing is
//! stored, so any instance can answer it. The draft is checked by the core as the API would
//! (`422` naming the field); `LMS-Support-Preview: shown` or `not-targeted` says whether the
//! draft reaches this client. `/admin/preview.html` draws that feed with the real widget.

use super::admin::{self, errors, internal, json_response};
use super::http::{respond, set};
use super::proxy::ForwardedHttps;
use super::App;
use crate::clock;
use crate::store::admin_tokens::Scope;
use crate::store::schedule::{self, Item, Kind};
use crate::store::sessions;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::{Method, Response, StatusCode, Uri};
use axum::middleware::Next;
use serde_json::{json, Map, Value};
use std::sync::Arc;

type Answer = Response<Body>;

/// Opens a session in the engine's store: SQLite's admin connection, or PostgreSQL.
async fn open_session(
    app: &App,
    token: crate::store::admin_tokens::AdminToken,
    now: i64,
) -> Result<(sessions::Session, String), crate::store::StoreError> {
    if let Some(pg) = app.tickets.store.postgres() {
        let mut db = pg.connection().await?;
        return crate::store::pg::admin::open_session(&mut db, &token, now).await;
    }
    on_sqlite(app, move |conn| sessions::open(conn, &token, now)).await
}

/// Ends a session in the engine's store; whether there was one.
async fn close_session(app: &App, id: String, now: i64) -> Result<bool, crate::store::StoreError> {
    if let Some(pg) = app.tickets.store.postgres() {
        let mut db = pg.connection().await?;
        return crate::store::pg::admin::close_session(&mut db, &id, now).await;
    }
    on_sqlite(app, move |conn| sessions::close(conn, &id, now)).await
}

/// Runs `work` on the SQLite admin connection, on a blocking thread.
async fn on_sqlite<T: Send + 'static>(
    app: &App,
    work: impl FnOnce(&mut rusqlite::Connection) -> Result<T, crate::store::StoreError> + Send + 'static,
) -> Result<T, crate::store::StoreError> {
    let conn = app
        .admin
        .as_ref()
        .map(admin::Admin::connection)
        .ok_or_else(|| crate::store::StoreError::Postgres("no admin connection".into()))?;
    tokio::task::spawn_blocking(move || {
        let mut conn = conn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        work(&mut conn)
    })
    .await
    .map_err(|e| crate::store::StoreError::Io(std::io::Error::other(e.to_string())))?
}

/// The session cookie's name.
pub const COOKIE: &str = "lms_admin_session";

/// The header every console request carries (value `1`): a cross-site page cannot send it
/// without a CORS preflight, which this server never answers with permission.
pub const CONSOLE_HEADER: &str = "lms-support-console";

/// The console's own pages: the demo's strict policy, and it may not be framed by anyone
/// (clickjacking); the preview page may be framed by the console only.
const CONSOLE_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
style-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
const PREVIEW_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
style-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'";

/// The console's files, compiled in so that `serve` needs nothing beside the binary.
const FILES: &[(&str, &[u8])] = &[
    ("index.html", include_bytes!("../../console/index.html")),
    ("console.css", include_bytes!("../../console/console.css")),
    ("console.js", include_bytes!("../../console/console.js")),
    ("forms.js", include_bytes!("../../console/forms.js")),
    ("i18n.json", include_bytes!("../../console/i18n.json")),
    ("preview.html", include_bytes!("../../console/preview.html")),
    ("preview.js", include_bytes!("../../console/preview.js")),
    ("favicon.svg", include_bytes!("../../console/favicon.svg")),
];

/// `GET /admin`: to `/admin/`, where relative links resolve.
pub async fn redirect() -> Answer {
    let mut response = super::http::text(StatusCode::MOVED_PERMANENTLY, "moved to /admin/\n");
    set(&mut response, header::LOCATION, "/admin/");
    response
}

/// `GET /admin/` and `GET /admin/{file}`.
pub async fn file(uri: Uri, headers: HeaderMap) -> Answer {
    let name = match uri.path().strip_prefix("/admin/") {
        Some("") | None => "index.html",
        Some(name) => name,
    };
    let Some((_, bytes)) = FILES.iter().find(|(n, _)| *n == name) else {
        return super::http::text(StatusCode::NOT_FOUND, "not found\n");
    };
    let tag = super::http::etag(bytes, "");
    let mut response = if super::http::not_modified(&headers, &tag) {
        let mut r = Response::new(Body::empty());
        *r.status_mut() = StatusCode::NOT_MODIFIED;
        r
    } else {
        respond(
            StatusCode::OK,
            super::http::content_type(name),
            Body::from(*bytes),
        )
    };
    set(&mut response, header::ETAG, &tag);
    let h = response.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if name.ends_with(".html") {
        let csp = if name == "preview.html" {
            PREVIEW_CSP
        } else {
            CONSOLE_CSP
        };
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(csp),
        );
    }
    response
}

// ---------------------------------------------------------------------------------------------
// CSRF

/// The session id in the request's cookie, if it has one.
pub fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.trim().to_string())
        .filter(|value| !value.is_empty())
}

/// Why a request that would act with the console's cookie is refused.
#[derive(Debug, PartialEq, Eq)]
pub enum Forgery {
    /// It came from a page of another origin.
    ForeignOrigin {
        /// What it said.
        origin: String,
        /// Ours.
        ours: String,
    },
    /// It could change something but said nothing of where it came from.
    NoOrigin,
    /// It lacks [`CONSOLE_HEADER`].
    NoConsoleHeader,
}

impl Forgery {
    fn answer(&self) -> Answer {
        let (field, code, message) = match self {
            Forgery::ForeignOrigin { origin, ours } => (
                "origin",
                "forbidden",
                format!("a request from {origin} cannot use the console's session; only pages of {ours} can"),
            ),
            Forgery::NoOrigin => (
                "origin",
                "required",
                "a request that changes something must say its Origin".to_string(),
            ),
            Forgery::NoConsoleHeader => (
                "console_header",
                "required",
                format!("requests with the console's session must carry the header {CONSOLE_HEADER}: 1"),
            ),
        };
        errors(StatusCode::FORBIDDEN, &[(field, code, &message)])
    }
}

/// This server's origin as the browser sees it: `http(s)://` and the `Host` header.
fn own_origin(headers: &HeaderMap, https: bool) -> Option<String> {
    let host = headers.get(header::HOST)?.to_str().ok()?.trim();
    (!host.is_empty()).then(|| {
        format!(
            "{}://{}",
            if https { "https" } else { "http" },
            host.to_ascii_lowercase()
        )
    })
}

/// The CSRF rules for a request that uses the console's cookie (see the module docs); pure,
/// so they are tested without a socket. `needs_header` is false only for the preview's feed,
/// which the widget fetches with a plain GET.
///
/// # Errors
/// Which rule the request broke.
pub fn check_origin(
    method: &Method,
    headers: &HeaderMap,
    https: bool,
    needs_header: bool,
) -> Result<(), Forgery> {
    let ours = own_origin(headers, https).unwrap_or_default();
    match headers
        .get(header::ORIGIN)
        .map(|v| v.to_str().unwrap_or(""))
    {
        Some(origin) if !origin.eq_ignore_ascii_case(&ours) => {
            return Err(Forgery::ForeignOrigin {
                origin: origin.to_string(),
                ours,
            })
        }
        None if !matches!(*method, Method::GET | Method::HEAD) => return Err(Forgery::NoOrigin),
        _ => {}
    }
    let marked = headers
        .get(CONSOLE_HEADER)
        .is_some_and(|v| v.as_bytes() == b"1");
    if needs_header && !marked {
        return Err(Forgery::NoConsoleHeader);
    }
    Ok(())
}

fn https_of(request: &Request) -> bool {
    request
        .extensions()
        .get::<ForwardedHttps>()
        .is_some_and(|h| h.0)
}

/// Middleware on the admin API and the session routes: a request that would act with the
/// console's cookie (it has one and no bearer token) must pass [`check_origin`]; sign-in
/// (`POST /admin/session`) always must.
pub async fn guard(request: Request, next: Next) -> Answer {
    let headers = request.headers();
    let by_cookie =
        headers.get(header::AUTHORIZATION).is_none() && session_cookie(headers).is_some();
    let signing_in = request.method() == Method::POST && request.uri().path() == "/admin/session";
    let needs_header = request.uri().path() != "/admin/preview/feed";
    if by_cookie || signing_in {
        if let Err(forgery) =
            check_origin(request.method(), headers, https_of(&request), needs_header)
        {
            return forgery.answer();
        }
    }
    next.run(request).await
}

/// The `401` for a cookie whose session is over (signed out, expired, token revoked).
pub fn session_ended() -> Answer {
    let mut response = errors(
        StatusCode::UNAUTHORIZED,
        &[(
            "session",
            "ended",
            "the console session has ended; sign in again",
        )],
    );
    response
        .headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    response
}

// ---------------------------------------------------------------------------------------------
// sessions

fn cookie(value: &str, max_age: i64, https: bool) -> String {
    let secure = if https { "; Secure" } else { "" };
    format!("{COOKIE}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Strict{secure}")
}

fn session_json(name: &str, scopes: &[Scope], expires_at: i64) -> Value {
    json!({
        "name": name,
        "scopes": scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
        "expires_at": crate::store::rfc3339(expires_at),
    })
}

/// `POST /admin/session` with `{"token": "lms_…"}`: `201` and the cookie; `401` for a token
/// that is unknown or revoked; `422` without one.
pub async fn sign_in(State(app): State<Arc<App>>, request: Request) -> Answer {
    let https = https_of(&request);
    let body = match axum::body::to_bytes(request.into_body(), 4096).await {
        Ok(body) => body,
        Err(_) => return errors(StatusCode::PAYLOAD_TOO_LARGE, &[("body", "too_large", "")]),
    };
    let presented = match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Object(map)) => match map.get("token").and_then(Value::as_str).map(str::trim) {
            Some(token) if !token.is_empty() => token.to_string(),
            _ => {
                return errors(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &[("token", "required", "paste an admin token (lms_…)")],
                )
            }
        },
        _ => {
            return errors(
                StatusCode::BAD_REQUEST,
                &[("body", "malformed", "a JSON object {\"token\": \"lms_…\"}")],
            )
        }
    };
    let found = app.tickets.store.authenticate(presented).await;
    let token = match found {
        Ok(Some(token)) => token,
        Ok(None) => {
            return errors(
                StatusCode::UNAUTHORIZED,
                &[(
                    "token",
                    "invalid",
                    "this token is unknown or revoked; make one with lms-support tokens create",
                )],
            )
        }
        Err(e) => return internal("cannot check a token", &e),
    };
    let now = clock::now().seconds();
    match open_session(&app, token, now).await {
        Ok((session, id)) => {
            let mut response = json_response(
                StatusCode::CREATED,
                &session_json(
                    &session.token.name,
                    &session.token.scopes,
                    session.expires_at,
                ),
            );
            set(
                &mut response,
                header::SET_COOKIE,
                &cookie(&id, sessions::LIFETIME_SECS, https),
            );
            response
        }
        Err(e) => internal("cannot open a console session", &e),
    }
}

/// `GET /admin/session`: `200 {"name", "scopes", "expires_at"}`, or `401`.
pub async fn whoami(State(app): State<Arc<App>>, headers: HeaderMap) -> Answer {
    let Some(id) = session_cookie(&headers) else {
        return session_ended();
    };
    let now = clock::now().seconds();
    match app.tickets.store.find_session(id, now).await {
        Ok(Some(s)) => json_response(
            StatusCode::OK,
            &session_json(&s.token.name, &s.token.scopes, s.expires_at),
        ),
        Ok(None) => session_ended(),
        Err(e) => internal("cannot read a console session", &e),
    }
}

/// `DELETE /admin/session`: ends the session in the store and clears the cookie; `204` even
/// when it had already ended, so signing out twice is harmless.
pub async fn sign_out(State(app): State<Arc<App>>, request: Request) -> Answer {
    let https = https_of(&request);
    if let Some(id) = session_cookie(request.headers()) {
        let now = clock::now().seconds();
        if let Err(e) = close_session(&app, id, now).await {
            return internal("cannot end a console session", &e);
        }
    }
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::NO_CONTENT;
    set(&mut response, header::SET_COOKIE, &cookie("", 0, https));
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

// ---------------------------------------------------------------------------------------------
// preview

/// `GET /admin/preview/feed?client=ID&draft=B64`: see the module docs.
pub async fn preview_feed(State(app): State<Arc<App>>, uri: Uri, headers: HeaderMap) -> Answer {
    if let Err(refusal) = admin::authorize(&app, &headers, Scope::Schedule).await {
        return refusal;
    }
    let Some(clients) = &app.clients else {
        return errors(
            StatusCode::NOT_FOUND,
            &[(
                "client",
                "not_found",
                "previews show a client's feed: serve with --config",
            )],
        );
    };
    let param = |name: &str| {
        uri.query()?
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value.to_string())
    };
    let Some(client) = param("client").and_then(|id| clients.client(&id)) else {
        return errors(
            StatusCode::UNPROCESSABLE_ENTITY,
            &[("client", "unknown", "pick a client of the configuration")],
        );
    };
    let draft = match param("draft").map(|d| decode_draft(&d)) {
        None => None,
        Some(Ok(draft)) => Some(draft),
        Some(Err(message)) => {
            return errors(StatusCode::BAD_REQUEST, &[("draft", "malformed", &message)])
        }
    };
    let mut items = match app.tickets.store.schedule_list().await {
        Ok(items) => items,
        Err(e) => return internal("cannot read the schedule", &e),
    };
    let mut shown = true;
    if let Some((kind, mut fields)) = draft {
        let target = match admin::take_target(&mut fields) {
            Ok(target) => target,
            Err(()) => return admin::bad_target(),
        };
        let Some(Value::Object(mut entry)) = fields.remove("entry") else {
            return errors(
                StatusCode::BAD_REQUEST,
                &[("draft", "malformed", "give the draft's \"entry\"")],
            );
        };
        let id = match entry.get("id").and_then(Value::as_str) {
            Some(id) if schedule::is_valid_id(id) => id.to_string(),
            _ => "draft".to_string(),
        };
        let existing = items.iter().position(|i| i.id == id);
        let revision = existing.map_or(1, |i| items[i].revision + 1);
        let target = target
            .or_else(|| existing.map(|i| items[i].target.clone()))
            .unwrap_or(schedule::Target::All);
        entry.insert("id".into(), Value::String(id.clone()));
        entry.insert("revision".into(), Value::from(revision));
        if !entry.contains_key("status") {
            let status = match kind {
                Kind::Maintenance => "scheduled",
                Kind::Notice => "investigating",
            };
            entry.insert("status".into(), Value::String(status.into()));
        }
        if let Err(e) = schedule::validate_entry(kind, &entry) {
            return admin::schedule_error(e);
        }
        shown = target.applies_to(&client.id, &client.groups);
        let item = Item {
            status: entry
                .get("status")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            id,
            kind,
            target,
            entry,
            revision,
            created_at: 0,
            updated_at: 0,
        };
        match existing {
            Some(i) => items[i] = item,
            None => items.push(item),
        }
    }
    let mut response = respond(
        StatusCode::OK,
        "application/json",
        super::clients::assemble(&client, &items),
    );
    let h = response.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        "lms-support-preview",
        HeaderValue::from_static(if shown { "shown" } else { "not-targeted" }),
    );
    response
}

/// `{"kind", "target"?, "entry"}` from base64url (padding optional).
fn decode_draft(text: &str) -> Result<(Kind, Map<String, Value>), String> {
    let bytes = base64url(text).ok_or("the draft is not base64url")?;
    let Ok(Value::Object(mut draft)) = serde_json::from_slice::<Value>(&bytes) else {
        return Err("the draft is not a JSON object".into());
    };
    let kind = match draft.remove("kind").as_ref().and_then(Value::as_str) {
        Some("maintenance") => Kind::Maintenance,
        Some("notice") => Kind::Notice,
        _ => return Err("the draft's \"kind\" is \"maintenance\" or \"notice\"".into()),
    };
    Ok((kind, draft))
}

/// Decodes base64url (RFC 4648 §5), with or without `=` padding.
fn base64url(text: &str) -> Option<Vec<u8>> {
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return None,
        } as u32)
    };
    let text = text.trim_end_matches('=').as_bytes();
    if text.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    for chunk in text.chunks(4) {
        let mut acc = 0u32;
        for (i, c) in chunk.iter().enumerate() {
            acc |= value(*c)? << (18 - 6 * i);
        }
        let bytes = acc.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                axum::http::HeaderName::from_bytes(name.as_bytes()).expect("name"),
                HeaderValue::from_str(value).expect("value"),
            );
        }
        map
    }

    #[test]
    fn the_csrf_rules() {
        let ok = headers(&[
            ("host", "support.example:8080"),
            ("origin", "http://support.example:8080"),
            (CONSOLE_HEADER, "1"),
        ]);
        assert_eq!(check_origin(&Method::POST, &ok, false, true), Ok(()));
        assert_eq!(
            check_origin(&Method::POST, &ok, true, true),
            Err(Forgery::ForeignOrigin {
                origin: "http://support.example:8080".into(),
                ours: "https://support.example:8080".into()
            }),
            "an http page cannot act on an https console"
        );
        let foreign = headers(&[
            ("host", "support.example"),
            ("origin", "https://evil.example"),
            (CONSOLE_HEADER, "1"),
        ]);
        assert!(matches!(
            check_origin(&Method::GET, &foreign, true, true),
            Err(Forgery::ForeignOrigin { .. })
        ));
        let no_origin = headers(&[("host", "support.example"), (CONSOLE_HEADER, "1")]);
        assert_eq!(check_origin(&Method::GET, &no_origin, true, true), Ok(()));
        assert_eq!(
            check_origin(&Method::PATCH, &no_origin, true, true),
            Err(Forgery::NoOrigin)
        );
        let unmarked = headers(&[
            ("host", "support.example"),
            ("origin", "https://support.example"),
        ]);
        assert_eq!(
            check_origin(&Method::POST, &unmarked, true, true),
            Err(Forgery::NoConsoleHeader)
        );
        assert_eq!(
            check_origin(&Method::GET, &unmarked, true, false),
            Ok(()),
            "the preview's feed is fetched by the widget, which adds no header"
        );
    }

    #[test]
    fn the_session_cookie_among_others() {
        let h = headers(&[("cookie", "theme=dark; lms_admin_session=abc123 ; x=1")]);
        assert_eq!(session_cookie(&h).as_deref(), Some("abc123"));
        assert_eq!(
            session_cookie(&headers(&[("cookie", "lms_admin_session=")])),
            None
        );
        assert_eq!(
            session_cookie(&headers(&[("cookie", "xlms_admin_session=a")])),
            None
        );
        assert_eq!(
            cookie("abc", 60, true),
            "lms_admin_session=abc; Path=/; Max-Age=60; HttpOnly; SameSite=Strict; Secure"
        );
        assert_eq!(
            cookie("abc", 60, false),
            "lms_admin_session=abc; Path=/; Max-Age=60; HttpOnly; SameSite=Strict"
        );
    }

    #[test]
    fn base64url_with_and_without_padding() {
        assert_eq!(base64url("eyJhIjoxfQ").as_deref(), Some(&b"{\"a\":1}"[..]));
        assert_eq!(
            base64url("eyJhIjoxfQ==").as_deref(),
            Some(&b"{\"a\":1}"[..])
        );
        assert_eq!(base64url("-_8").as_deref(), Some(&[0xfb, 0xff][..]));
        assert_eq!(base64url(""), Some(Vec::new()));
        assert_eq!(base64url("a"), None);
        assert_eq!(
            base64url("ab+c"),
            None,
            "standard base64's + is not base64url"
        );
    }
}
