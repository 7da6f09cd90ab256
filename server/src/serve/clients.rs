//! `serve --config DIR`: many clients, one schedule.
//!
//! The configuration ([`crate::vendor`]) is read at start-up and again when a file in it
//! changes (a poll of modification times and sizes every [`POLL`]: cheap, and it works on every
//! file system, unlike change notifications on network mounts) or on `SIGHUP`. A configuration
//! with any problem is refused, its lines logged, and the last good one stays in force.
//!
//! `GET /v1/feed?client=ID` assembles that client's feed (design §3): its own parts, plus the
//! windows and notices of the shared schedule that target it (all clients, one of its groups,
//! or it by id; resolved notices left out). Each assembled feed is cached with its strong
//! `ETag` and reused while both the configuration and the schedule are unchanged; the
//! schedule's version is one row in the store, read per request, so a change made by the CLI
//! in another process (or by another instance) shows on the next request.

use super::http::{etag, not_modified, respond};
use super::log;
use super::App;
use crate::store::engine::Engine;
use crate::store::schedule::{Item, Kind};
use crate::vendor::{self, Client, Config};
use axum::body::Body;
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::{Response, StatusCode};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, SystemTime};

/// How often the configuration's files are checked for changes.
pub const POLL: Duration = Duration::from_secs(2);

type Fingerprint = Vec<(PathBuf, Option<SystemTime>, u64)>;

/// The clients being served, and their assembled feeds.
#[derive(Debug)]
pub struct Clients {
    dir: PathBuf,
    current: RwLock<Arc<Config>>,
    /// Grows with every configuration taken into force.
    generation: AtomicU64,
    fingerprint: Mutex<Fingerprint>,
    /// The shared schedule at a version, read once for all clients.
    schedule: Mutex<Option<(i64, Arc<Vec<Item>>)>>,
    /// Assembled feeds by client id.
    feeds: Mutex<HashMap<String, Arc<Assembled>>>,
    /// The store whose `webhooks` and `client_mail` tables follow the configuration, and
    /// whether e-mail is sent (`--smtp`).
    data: std::sync::OnceLock<(DeliveryTables, bool)>,
}

/// Where the `webhooks` and `client_mail` tables are.
#[derive(Debug)]
pub enum DeliveryTables {
    /// In the SQLite database of this data directory.
    Sqlite(PathBuf),
    /// In the PostgreSQL database, written through the server's runtime (reloads run on a
    /// blocking thread).
    Postgres(Arc<crate::store::pg::Postgres>, tokio::runtime::Handle),
}

/// One client's feed as served.
#[derive(Debug)]
struct Assembled {
    generation: u64,
    schedule_version: i64,
    bytes: axum::body::Bytes,
    etag: String,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Clients {
    /// Reads the configuration in `dir`.
    ///
    /// # Errors
    /// Its problems, one line each.
    pub fn load(dir: PathBuf) -> Result<Clients, Vec<String>> {
        let fingerprint = vendor::fingerprint(&dir);
        let config = vendor::load(&dir)?;
        log_warnings(&config, &dir);
        Ok(Clients {
            dir,
            current: RwLock::new(Arc::new(config)),
            generation: AtomicU64::new(1),
            fingerprint: Mutex::new(fingerprint),
            schedule: Mutex::new(None),
            feeds: Mutex::new(HashMap::new()),
            data: std::sync::OnceLock::new(),
        })
    }

    /// The configuration in force.
    pub fn config(&self) -> Arc<Config> {
        self.current
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// The client with this id in the configuration in force.
    pub fn client(&self, id: &str) -> Option<Arc<Client>> {
        self.config().clients.get(id).cloned()
    }

    /// Copies the clients' webhook receivers and mail addresses into the store in `data` now and after every
    /// reload, so that the writer and the agent CLI queue events for them.
    ///
    /// # Errors
    /// The store's error.
    pub fn follow_webhooks(&self, tables: DeliveryTables, mail: bool) -> Result<(), String> {
        let _ = self.data.set((tables, mail));
        self.sync_webhooks()
    }

    fn sync_webhooks(&self) -> Result<(), String> {
        let Some((tables, mail)) = self.data.get() else {
            return Ok(());
        };
        let config = self.config();
        let hooks: Vec<_> = config
            .clients
            .values()
            .flat_map(|c| c.webhooks.iter().map(|h| (c.id.clone(), h.clone())))
            .collect();
        // Without a relay, no e-mail to learners or escalation addresses is queued: it could
        // never be sent.
        let mail: Vec<_> = config
            .clients
            .values()
            .filter(|_| *mail)
            .map(|c| crate::store::deliveries::ClientMail {
                client: c.id.clone(),
                notify_from: c.notify_from.clone(),
                escalation_email: c.escalation_email.clone(),
            })
            .collect();
        match tables {
            DeliveryTables::Sqlite(data) => {
                let mut conn = crate::store::open_writer(&crate::store::db_path(data))
                    .map_err(|e| e.to_string())?;
                crate::store::deliveries::sync_webhooks(&mut conn, &hooks)
                    .map_err(|e| e.to_string())?;
                crate::store::deliveries::sync_client_mail(&mut conn, &mail)
                    .map_err(|e| e.to_string())
            }
            DeliveryTables::Postgres(pg, runtime) => runtime
                .block_on(pg.sync_deliveries(&hooks, &mail))
                .map_err(|e| e.to_string()),
        }
    }

    /// Reads the configuration again; a bad one is logged and refused.
    pub fn reload(&self, why: &str) {
        *lock(&self.fingerprint) = vendor::fingerprint(&self.dir);
        let dir = self.dir.display().to_string();
        match vendor::load(&self.dir) {
            Ok(config) => {
                log_warnings(&config, &self.dir);
                let count = config.clients.len().to_string();
                *self
                    .current
                    .write()
                    .unwrap_or_else(std::sync::PoisonError::into_inner) = Arc::new(config);
                self.generation.fetch_add(1, Ordering::SeqCst);
                if let Err(e) = self.sync_webhooks() {
                    log::event(
                        "error",
                        "cannot store the webhook receivers",
                        &[("error", &e)],
                    );
                }
                log::event(
                    "info",
                    "configuration loaded",
                    &[("config", &dir), ("clients", &count), ("why", why)],
                );
            }
            Err(problems) => {
                for problem in &problems {
                    log::event("error", problem, &[("config", &dir)]);
                }
                log::event(
                    "error",
                    "configuration refused; the last good one stays in force",
                    &[("config", &dir), ("problems", &problems.len().to_string())],
                );
            }
        }
    }

    /// Reloads on `SIGHUP` and when a file changes; runs until the server stops.
    pub async fn watch(self: Arc<Self>) {
        #[cfg(unix)]
        let mut hangup =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()).ok();
        loop {
            #[cfg(unix)]
            let signalled = async {
                match hangup.as_mut() {
                    Some(signal) => {
                        signal.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            #[cfg(not(unix))]
            let signalled = std::future::pending::<()>();
            let why = tokio::select! {
                () = signalled => Some("SIGHUP"),
                () = tokio::time::sleep(POLL) => {
                    let this = self.clone();
                    let changed = tokio::task::spawn_blocking(move || {
                        vendor::fingerprint(&this.dir) != *lock(&this.fingerprint)
                    })
                    .await
                    .unwrap_or(false);
                    changed.then_some("file change")
                }
            };
            if let Some(why) = why {
                let this = self.clone();
                let _ = tokio::task::spawn_blocking(move || this.reload(why)).await;
            }
        }
    }

    /// The feed of `client` as bytes and `ETag`, assembled again only when the configuration
    /// or the schedule changed. `Ok(None)`: no such client.
    async fn feed(
        &self,
        store: &Engine,
        client_id: &str,
    ) -> Result<Option<Arc<Assembled>>, crate::store::StoreError> {
        let generation = self.generation.load(Ordering::SeqCst);
        let Some(client) = self.client(client_id) else {
            return Ok(None);
        };
        // The version first: a schedule read after it is at least as new, so a cached feed
        // is never labelled newer than its content.
        let version = store.schedule_version().await?;
        if let Some(cached) = lock(&self.feeds).get(client_id) {
            if cached.generation == generation && cached.schedule_version == version {
                return Ok(Some(cached.clone()));
            }
        }
        let items = self.schedule_at(store, version).await?;
        let bytes = axum::body::Bytes::from(assemble(&client, &items));
        let assembled = Arc::new(Assembled {
            generation,
            schedule_version: version,
            etag: etag(&bytes, ""),
            bytes,
        });
        lock(&self.feeds).insert(client_id.to_string(), assembled.clone());
        Ok(Some(assembled))
    }

    async fn schedule_at(
        &self,
        store: &Engine,
        version: i64,
    ) -> Result<Arc<Vec<Item>>, crate::store::StoreError> {
        if let Some((at, items)) = lock(&self.schedule).as_ref() {
            if *at >= version {
                return Ok(items.clone());
            }
        }
        let items = Arc::new(store.schedule_list().await?);
        let mut cache = lock(&self.schedule);
        if cache.as_ref().is_none_or(|(at, _)| *at < version) {
            *cache = Some((version, items.clone()));
        }
        Ok(items)
    }
}

fn log_warnings(config: &Config, dir: &std::path::Path) {
    for warning in &config.warnings {
        log::event("warn", warning, &[("config", &dir.display().to_string())]);
    }
}

/// One client's feed: its own parts with the schedule's windows and notices that target it
/// first, then its extras. Resolved notices are left out.
pub fn assemble(client: &Client, items: &[Item]) -> Vec<u8> {
    let mut feed = Map::new();
    feed.insert("version".into(), Value::from(1));
    if let Some(block) = client.own.get("client") {
        feed.insert("client".into(), block.clone());
    }
    for (kind, section) in [
        (Kind::Maintenance, "maintenance"),
        (Kind::Notice, "notices"),
    ] {
        let mut list: Vec<Value> = items
            .iter()
            .filter(|item| {
                item.kind == kind
                    && item.target.applies_to(&client.id, &client.groups)
                    && !(kind == Kind::Notice && item.status == "resolved")
            })
            .map(|item| Value::Object(item.entry.clone()))
            .collect();
        if let Some(Value::Array(extras)) = client.own.get(section) {
            list.extend(extras.iter().cloned());
        }
        feed.insert(section.into(), Value::Array(list));
    }
    for key in ["faq", "flows", "support"] {
        if let Some(value) = client.own.get(key) {
            feed.insert(key.into(), value.clone());
        }
    }
    serde_json::to_vec(&Value::Object(feed)).unwrap_or_default()
}

/// The `client` parameter of a query string, if any.
pub fn client_param(query: Option<&str>) -> Option<&str> {
    query?
        .split('&')
        .find_map(|pair| pair.strip_prefix("client="))
}

fn json_error(status: StatusCode, code: &str, message: &str) -> Response<Body> {
    let body = serde_json::json!({ "error": code, "message": message }).to_string();
    respond(status, "application/json", body)
}

/// `GET /v1/feed?client=ID` in `--config` mode.
pub async fn feed_response(
    app: &App,
    clients: &Clients,
    query: Option<&str>,
    headers: &HeaderMap,
) -> Response<Body> {
    let Some(id) = client_param(query).filter(|id| !id.is_empty()) else {
        return json_error(
            StatusCode::BAD_REQUEST,
            "client_required",
            "this service serves several clients: add ?client=ID to the feed URL",
        );
    };
    match clients.feed(&app.tickets.store, id).await {
        Ok(Some(feed)) => {
            let mut response = if not_modified(headers, &feed.etag) {
                let mut r = Response::new(Body::empty());
                *r.status_mut() = StatusCode::NOT_MODIFIED;
                r
            } else {
                respond(StatusCode::OK, "application/json", feed.bytes.clone())
            };
            super::http::set(&mut response, header::ETAG, &feed.etag);
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            response
        }
        Ok(None) => json_error(
            StatusCode::NOT_FOUND,
            "unknown_client",
            &format!("no client {id:?} in this service's configuration"),
        ),
        Err(e) => {
            log::event(
                "error",
                "cannot read the schedule",
                &[("error", &e.to_string())],
            );
            let mut response = json_error(
                StatusCode::SERVICE_UNAVAILABLE,
                "feed_unavailable",
                "the feed cannot be assembled right now; try again later",
            );
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
            response
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_parameter() {
        assert_eq!(client_param(Some("client=acme")), Some("acme"));
        assert_eq!(client_param(Some("x=1&client=uni")), Some("uni"));
        assert_eq!(client_param(Some("x=1")), None);
        assert_eq!(client_param(None), None);
    }
}
