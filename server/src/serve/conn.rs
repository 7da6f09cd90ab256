//! Accepting connections: HTTP/1.1 with timeouts and caps, so that connections which send
//! nothing, half a request or nothing more cannot pile up until the process runs out of file
//! descriptors and every other client waits.
//!
//! - **Header timeout** ([`Limits::header_timeout`]): a client gets this long to send a
//!   request's headers, counted from the moment the connection is accepted or the previous
//!   response was written. hyper's `header_read_timeout` starts its timer before the first byte
//!   arrives, so this is also the keep-alive idle timeout: a connection that sits idle, or
//!   trickles a header, is closed when it runs out.
//! - **Body timeout** ([`Limits::body_timeout`]): while a handler reads a body, no more than
//!   this may pass without a byte arriving; the read then fails with [`BodyTimedOut`] (the
//!   ticket API answers `408`, which the widget retries). A slow upload that keeps moving is
//!   never cut off.
//! - **Caps**: at most [`Limits::max_connections`] open at once; at the cap the server stops
//!   accepting (new clients wait in the kernel's queue until a connection closes, rather than
//!   failing). One client (an IPv4 address or IPv6 /64, as for rate limits) may hold at most
//!   [`Limits::max_per_client`]; beyond that a new connection gets a best-effort `503` with
//!   `Retry-After` and is closed at once, so the refusal itself holds no descriptor. `0` turns a
//!   cap off.
//!
//! Each request carries `ConnectInfo<SocketAddr>`, as `into_make_service_with_connect_info`
//! would give it, and the [`ClientAddr`] it is accounted to (see [`super::proxy`]); a trusted
//! proxy's connections are not held to the per-client cap. Graceful shutdown: once the shutdown future completes the listener is
//! closed, idle connections are closed, requests in flight finish, and [`serve`] returns when
//! the last connection is gone (the caller bounds the wait). Nothing here limits how slowly a
//! client reads a response; the per-client cap bounds what such clients can hold.

use super::log;
use super::proxy::{ClientAddr, ForwardedHttps, TrustedProxies};
use super::ratelimit;
use axum::extract::ConnectInfo;
use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::{pin, Pin};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Notify};

/// How long to pause accepting after an error such as running out of file descriptors.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// The answer to a connection over its client's cap, written without reading the request.
const OVER_CLIENT_CAP: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\n\
content-type: application/json\r\ncache-control: no-store\r\nretry-after: 5\r\n\
connection: close\r\ncontent-length: 61\r\n\r\n\
{\"errors\":[{\"field\":\"client\",\"code\":\"too_many_connections\"}]}";

/// Timeouts and caps on connections.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Time to send a request's headers, from connect or the previous response.
    pub header_timeout: Duration,
    /// Longest silence while a request body is being read.
    pub body_timeout: Duration,
    /// Connections open at once; 0 = no cap.
    pub max_connections: usize,
    /// Connections open at once from one client; 0 = no cap.
    pub max_per_client: usize,
}

/// Serves `router` on `listener` until `shutdown` completes and every connection has closed.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    trusted: Arc<TrustedProxies>,
    shutdown: impl Future<Output = ()>,
) {
    let open = Arc::new(Open::default());
    // Every connection watches this; `true` asks it to finish its request and close.
    let (stopping, stop) = watch::channel(false);
    let mut shutdown = pin!(shutdown);
    loop {
        // At the cap, wait for a connection to close before accepting another.
        let freed = open.changed.notified();
        if limits.max_connections > 0 && open.total() >= limits.max_connections {
            tokio::select! {
                () = freed => continue,
                () = &mut shutdown => break,
            }
        }
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    if !is_per_connection(&e) {
                        // Out of descriptors or memory: let in-flight work finish first.
                        log::event("warn", "cannot accept a connection", &[("error", &e.to_string())]);
                        tokio::time::sleep(ACCEPT_BACKOFF).await;
                    }
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // A trusted proxy carries many clients; it is not held to one client's cap.
        let cap = if trusted.trusts(remote.ip()) {
            0
        } else {
            limits.max_per_client
        };
        let Some(slot) = open.admit(remote.ip(), cap) else {
            // Best effort: says why and when to come back; the connection closes on drop.
            let _ = stream.try_write(OVER_CLIENT_CAP);
            continue;
        };
        let service = ConnectionService {
            router: router.clone(),
            remote,
            body_timeout: limits.body_timeout,
            trusted: trusted.clone(),
        };
        tokio::spawn(connection(
            stream,
            service,
            limits.header_timeout,
            stop.clone(),
            slot,
        ));
    }
    drop(listener);
    let _ = stopping.send(true);
    loop {
        let closed = open.changed.notified();
        if open.total() == 0 {
            break;
        }
        closed.await;
    }
}

/// Serves one connection until it closes, times out or shutdown finishes it.
async fn connection(
    stream: TcpStream,
    service: ConnectionService,
    header_timeout: Duration,
    mut stop: watch::Receiver<bool>,
    _slot: Slot,
) {
    let _ = stream.set_nodelay(true);
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout);
    let conn = builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
    let mut conn = pin!(conn);
    let mut stopping = false;
    loop {
        tokio::select! {
            // Timeouts and clients that go away end up here too; neither is worth a log line.
            _ = conn.as_mut() => break,
            changed = stop.wait_for(|stop| *stop), if !stopping => {
                stopping = true;
                if changed.is_ok() {
                    conn.as_mut().graceful_shutdown();
                }
            }
        }
    }
}

/// Accept errors that concern one connection only (it was reset before we took it): no
/// reason to slow down.
fn is_per_connection(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    matches!(
        e.kind(),
        ConnectionAborted | ConnectionRefused | ConnectionReset
    )
}

/// The open connections, in total and per client.
#[derive(Debug, Default)]
struct Open {
    counts: Mutex<Counts>,
    /// Woken whenever a connection closes.
    changed: Notify,
}

#[derive(Debug, Default)]
struct Counts {
    total: usize,
    per_client: HashMap<IpAddr, Client>,
}

/// One client's connections: open now, and refused since it last had none open.
#[derive(Debug, Default)]
struct Client {
    open: usize,
    refused: u64,
}

impl Open {
    fn lock(&self) -> std::sync::MutexGuard<'_, Counts> {
        self.counts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn total(&self) -> usize {
        self.lock().total
    }

    /// A slot for a new connection from `ip`, or `None` when that client is at `cap`. The
    /// first refusal is logged, and the count of them once the client has no connection left,
    /// so a flood makes two log lines, not one per connection.
    fn admit(self: &Arc<Self>, ip: IpAddr, cap: usize) -> Option<Slot> {
        let client = ratelimit::key(ip);
        let mut counts = self.lock();
        let mine = counts.per_client.entry(client).or_default();
        if cap > 0 && mine.open >= cap {
            mine.refused += 1;
            let first = mine.refused == 1;
            drop(counts);
            if first {
                log::event(
                    "warn",
                    "client at its connection cap; refusing more",
                    &[("client", &client.to_string()), ("cap", &cap.to_string())],
                );
            }
            return None;
        }
        mine.open += 1;
        counts.total += 1;
        Some(Slot {
            open: self.clone(),
            client,
        })
    }
}

/// One open connection's place in [`Open`], given back on drop.
#[derive(Debug)]
struct Slot {
    open: Arc<Open>,
    client: IpAddr,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut refused = 0;
        {
            let mut counts = self.open.lock();
            counts.total = counts.total.saturating_sub(1);
            if let Some(mine) = counts.per_client.get_mut(&self.client) {
                mine.open -= 1;
                if mine.open == 0 {
                    refused = mine.refused;
                    counts.per_client.remove(&self.client);
                }
            }
        }
        self.open.changed.notify_waiters();
        if refused > 0 {
            log::event(
                "warn",
                "connections refused over the client's cap",
                &[
                    ("client", &self.client.to_string()),
                    ("count", &refused.to_string()),
                ],
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// per-request glue

/// The router for one connection: adds `ConnectInfo`, the [`ClientAddr`] and the body timeout
/// to each request.
#[derive(Clone, Debug)]
struct ConnectionService {
    router: Router,
    remote: SocketAddr,
    body_timeout: Duration,
    trusted: Arc<TrustedProxies>,
}

impl tower_service::Service<hyper::Request<hyper::body::Incoming>> for ConnectionService {
    type Response = axum::response::Response;
    type Error = std::convert::Infallible;
    type Future = axum::routing::future::RouteFuture<std::convert::Infallible>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        // A Router is always ready.
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: hyper::Request<hyper::body::Incoming>) -> Self::Future {
        let mut request =
            request.map(|body| axum::body::Body::new(IdleTimeout::new(body, self.body_timeout)));
        let headers = request.headers();
        let client = self.trusted.client(
            self.remote.ip(),
            header_values(headers, "x-forwarded-for"),
            header_values(headers, "forwarded"),
        );
        let https = self.trusted.forwarded_https(
            self.remote.ip(),
            header_values(headers, "x-forwarded-proto"),
            header_values(headers, "forwarded"),
        );
        request.extensions_mut().insert(ClientAddr(client));
        request.extensions_mut().insert(ForwardedHttps(https));
        request.extensions_mut().insert(ConnectInfo(self.remote));
        self.router.call(request)
    }
}

/// The values of header `name` that are text.
fn header_values<'a>(
    headers: &'a axum::http::HeaderMap,
    name: &'static str,
) -> impl Iterator<Item = &'a str> {
    headers.get_all(name).iter().filter_map(|v| v.to_str().ok())
}

/// The error a body read gets when the client sent nothing for [`Limits::body_timeout`].
#[derive(Debug)]
pub struct BodyTimedOut;

impl std::fmt::Display for BodyTimedOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the client sent no part of the body in time")
    }
}

impl std::error::Error for BodyTimedOut {}

/// A body that fails with [`BodyTimedOut`] when no frame arrives for `idle` while it is read.
/// The timer runs only while a reader waits, so a handler that reads late is not penalised.
#[derive(Debug)]
struct IdleTimeout<B> {
    inner: B,
    idle: Duration,
    timer: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl<B> IdleTimeout<B> {
    fn new(inner: B, idle: Duration) -> IdleTimeout<B> {
        IdleTimeout {
            inner,
            idle,
            timer: None,
        }
    }
}

impl<B> http_body::Body for IdleTimeout<B>
where
    B: http_body::Body + Unpin,
    B::Error: Into<axum::BoxError>,
{
    type Data = B::Data;
    type Error = axum::BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        let this = &mut *self;
        if let Poll::Ready(frame) = Pin::new(&mut this.inner).poll_frame(cx) {
            this.timer = None;
            return Poll::Ready(frame.map(|result| result.map_err(Into::into)));
        }
        let idle = this.idle;
        let timer = this
            .timer
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(idle)));
        if timer.as_mut().poll(cx).is_ready() {
            this.timer = None;
            return Poll::Ready(Some(Err(Box::new(BodyTimedOut))));
        }
        Poll::Pending
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_per_client_and_slots_come_back() {
        let open = Arc::new(Open::default());
        let a: IpAddr = "192.0.2.1".parse().expect("ip");
        let b: IpAddr = "192.0.2.2".parse().expect("ip");
        let first = open.admit(a, 2).expect("first");
        let second = open.admit(a, 2).expect("second");
        assert!(open.admit(a, 2).is_none(), "a third from one client");
        let other = open.admit(b, 2).expect("another client");
        assert_eq!(open.total(), 3);
        drop(first);
        assert!(open.admit(a, 2).is_some(), "a slot came back");
        drop((second, other));
        assert_eq!(open.total(), 0);
        assert!(open.lock().per_client.is_empty(), "no client is remembered");
        // IPv6 clients are counted by their /64, as for rate limits.
        let one = open.admit("2001:db8::1".parse().expect("ip"), 1);
        assert!(one.is_some());
        assert!(open.admit("2001:db8::2".parse().expect("ip"), 1).is_none());
        // 0 is no cap.
        let many: Vec<_> = (0..100).filter_map(|_| open.admit(a, 0)).collect();
        assert_eq!(many.len(), 100);
    }

    #[test]
    fn the_refusal_is_a_whole_response() {
        let text = std::str::from_utf8(OVER_CLIENT_CAP).expect("ascii");
        let (head, body) = text.split_once("\r\n\r\n").expect("head and body");
        assert!(head.starts_with("HTTP/1.1 503 "));
        let length = format!("content-length: {}", body.len());
        assert!(head.lines().any(|line| line == length), "{head}");
        assert!(serde_json::from_str::<serde_json::Value>(body).is_ok());
    }
}
