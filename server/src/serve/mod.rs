//! `lms-support serve`: the feed, the widget's assets and the demo site over HTTP/1.1.
//!
//! On start-up it prints exactly one line to stdout, `lms-support: serving http://ADDR/`, with
//! the address actually bound (so `--addr 127.0.0.1:0` reveals its port), and then logs only to
//! stderr. Ctrl-C or SIGTERM stops accepting connections and lets requests in flight finish
//! (at most [`GRACE`]). Connections have timeouts and caps ([`conn`]). The ticket API
//! (design §5) lives in [`tickets`], on the SQLite database in `--data` (see [`crate::store`]).

mod clients;
mod conn;
mod cors;
mod feed;
mod files;
mod http;
mod log;
mod ratelimit;
mod tickets;
mod upload;

use crate::feedfile::{self, LoadError};
use crate::store::{self, writer::Writer, Readers};
use crate::{clock, demo, output};
use axum::body::Bytes;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use feed::FeedSource;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

pub use conn::Limits as ConnectionLimits;
pub use cors::parse_origin;
pub use log::event as log_event;

/// How long requests in flight may take to finish after a shutdown signal.
const GRACE: Duration = Duration::from_secs(10);

/// What `serve` was asked to do.
#[derive(Clone, Debug)]
pub struct Config {
    /// Address to listen on, `host:port`; port 0 picks a free one.
    pub addr: String,
    /// Directory for server data; created if missing.
    pub data: PathBuf,
    /// The feed file; `None` serves a demo feed generated at start-up.
    pub feed: Option<PathBuf>,
    /// The vendor configuration (many clients); excludes `feed`.
    pub config: Option<PathBuf>,
    /// The demo site.
    pub static_dir: PathBuf,
    /// The built widget (`make widget`).
    pub widget_dir: PathBuf,
    /// Ticket creations allowed per client per hour; 0 = unlimited.
    pub rate_limit_hour: u32,
    /// Ticket creations allowed per client per day; 0 = unlimited.
    pub rate_limit_day: u32,
    /// Rejected ticket creations (`400`, `413`, `415`, `422`) allowed per client per hour;
    /// 0 = unlimited.
    pub rejected_limit_hour: u32,
    /// Connection timeouts and caps.
    pub connections: conn::Limits,
    /// Origins whose pages may call the ticket API (CORS), as given.
    pub allow_origins: Vec<String>,
    /// Ticket number prefix (`ACME` → `ACME-000123`) without `--config`.
    pub ticket_prefix: Option<String>,
    /// The SMTP relay for the delivery queue (`--smtp URL`).
    pub smtp: Option<String>,
}

/// The ticket prefix of `--feed` mode when none is given.
const DEFAULT_PREFIX: &str = "ACME";

/// Shared state of the running server.
#[derive(Debug)]
pub struct App {
    feed: FeedSource,
    /// The clients of `--config`; `None` in single-client (`--feed`) mode.
    clients: Option<Arc<clients::Clients>>,
    static_dir: PathBuf,
    widget_dir: PathBuf,
    tickets: tickets::Tickets,
}

/// The routes, for a given state.
pub fn router(app: Arc<App>) -> Router {
    let ticket_routes = Router::new()
        .route(
            "/v1/tickets",
            post(tickets::create)
                .options(cors::preflight)
                .layer(DefaultBodyLimit::max(upload::MULTIPART_MAX)),
        )
        .route(
            "/v1/tickets/{number}",
            get(tickets::show).options(cors::preflight),
        )
        .route(
            "/v1/tickets/{number}/feedback",
            post(tickets::feedback).options(cors::preflight),
        )
        .route(
            "/v1/clients/{client}/tickets",
            post(tickets::create_for_client)
                .options(cors::preflight)
                .layer(DefaultBodyLimit::max(upload::MULTIPART_MAX)),
        )
        .route(
            "/v1/clients/{client}/tickets/{number}",
            get(tickets::show_for_client).options(cors::preflight),
        )
        .route(
            "/v1/clients/{client}/tickets/{number}/feedback",
            post(tickets::feedback_for_client).options(cors::preflight),
        )
        .route_layer(axum::middleware::from_fn_with_state(
            app.clone(),
            cors::headers,
        ));
    Router::new()
        .route("/v1/feed", get(feed::get).options(feed::preflight))
        .merge(ticket_routes)
        .fallback(files::handle)
        .layer(axum::middleware::from_fn(log::requests))
        .with_state(app)
}

/// Runs the server until a shutdown signal; returns the exit status.
pub fn run(config: Config) -> u8 {
    let mut origins = Vec::new();
    for origin in &config.allow_origins {
        match cors::parse_origin(origin) {
            Ok(origin) => origins.push(origin),
            Err(message) => {
                output::stderr(&format!("{message}\n"));
                return 2;
            }
        }
    }
    let prefix = config.ticket_prefix.as_deref().unwrap_or(DEFAULT_PREFIX);
    if !store::is_valid_prefix(prefix) {
        output::stderr(&format!(
            "invalid --ticket-prefix {prefix:?}: use 1 to 16 letters and digits, like ACME\n"
        ));
        return 2;
    }
    let relay = match config.smtp.as_deref().map(crate::delivery::Relay::parse) {
        None => None,
        Some(Ok(relay)) => Some(relay),
        Some(Err(message)) => {
            output::stderr(&format!("{message}\n"));
            return 2;
        }
    };
    let clients = match &config.config {
        None => None,
        Some(_) if config.feed.is_some() => {
            output::stderr("give --feed FILE (one client) or --config DIR (many), not both\n");
            return 2;
        }
        Some(_) if config.ticket_prefix.is_some() || !config.allow_origins.is_empty() => {
            output::stderr(
                "with --config, ticket prefixes and allowed origins are set per client (ticket_prefix, origins in clients/<id>.json), not with --ticket-prefix or --allow-origin\n",
            );
            return 2;
        }
        Some(path) => {
            let dir = crate::vendor::config_dir(path);
            match clients::Clients::load(dir.clone()) {
                Ok(clients) => Some(Arc::new(clients)),
                Err(problems) => {
                    output::stderr(&format!(
                        "{}\nthe configuration in {} has problems; fix them and start again\n",
                        problems.join("\n"),
                        dir.display()
                    ));
                    return 1;
                }
            }
        }
    };
    if let Err(e) = std::fs::create_dir_all(config.data.join(store::ATTACHMENTS_DIR)) {
        output::stderr(&format!(
            "cannot create data directory {}: {e}\n",
            config.data.display()
        ));
        return 1;
    }
    // Staged uploads of requests that never finished (a crash) are garbage.
    let _ = std::fs::remove_dir_all(config.data.join(store::ATTACHMENTS_DIR).join(".staging"));
    let db = store::db_path(&config.data);
    let conn = match store::open_writer(&db) {
        Ok(conn) => conn,
        Err(e) => {
            output::stderr(&format!("cannot open {}: {e}\n", db.display()));
            return 1;
        }
    };
    let (writer, writer_thread) = match Writer::start(conn, config.data.clone()) {
        Ok(started) => started,
        Err(e) => {
            output::stderr(&format!("cannot start the database writer: {e}\n"));
            return 1;
        }
    };
    let mut tickets = tickets::Tickets::new(
        writer,
        Arc::new(Readers::new(db)),
        ratelimit::RateLimiter::new(config.rate_limit_hour, config.rate_limit_day),
        ratelimit::RateLimiter::new(config.rejected_limit_hour, 0),
        origins,
        prefix.to_string(),
        config.data.clone(),
    );
    tickets.helpdesk_mail = relay.is_some();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            output::stderr(&format!("cannot start the async runtime: {e}\n"));
            return 1;
        }
    };
    let status = runtime.block_on(serve(config, tickets, clients, relay));
    // Every handle to the writer is gone with the runtime; the thread ends after its last batch.
    drop(runtime);
    let _ = writer_thread.join();
    status
}

async fn serve(
    config: Config,
    tickets: tickets::Tickets,
    clients: Option<Arc<clients::Clients>>,
    relay: Option<crate::delivery::Relay>,
) -> u8 {
    let feed = match &config.feed {
        Some(path) => {
            warn_about_feed(path);
            FeedSource::File(path.clone())
        }
        None => FeedSource::Fixed(Bytes::from(demo::demo_feed(clock::now()))),
    };
    for (dir, what, hint) in [
        (&config.static_dir, "static directory", "pass --static DIR"),
        (
            &config.widget_dir,
            "widget directory",
            "run `make widget` or pass --widget DIR",
        ),
    ] {
        if !dir.is_dir() {
            log::event(
                "warn",
                &format!("{what} not found; {hint}"),
                &[("dir", &dir.display().to_string())],
            );
        }
    }
    let listener = match tokio::net::TcpListener::bind(&config.addr).await {
        Ok(listener) => listener,
        Err(e) => {
            output::stderr(&format!("cannot listen on {}: {e}\n", config.addr));
            return 1;
        }
    };
    let addr = match listener.local_addr() {
        Ok(addr) => addr,
        Err(e) => {
            output::stderr(&format!("cannot read the bound address: {e}\n"));
            return 1;
        }
    };
    output::stdout(&format!("lms-support: serving http://{addr}/\n"));
    let watcher = clients.clone().map(|c| tokio::spawn(c.watch()));
    let app = Arc::new(App {
        feed,
        clients,
        static_dir: config.static_dir,
        widget_dir: config.widget_dir,
        tickets,
    });
    let maintenance = tokio::spawn(tickets::maintain(app.clone()));
    let deliveries = relay.map(|relay| {
        log::event("info", "delivering through", &[("smtp", &relay.display())]);
        tokio::spawn(crate::delivery::worker(config.data.clone(), relay))
    });

    let stopping = Arc::new(tokio::sync::Notify::new());
    let notify = stopping.clone();
    let server = conn::serve(listener, router(app), config.connections, async move {
        shutdown_signal().await;
        log::event("info", "shutting down", &[]);
        notify.notify_one();
    });
    let grace = async {
        stopping.notified().await;
        tokio::time::sleep(GRACE).await;
    };
    tokio::select! {
        () = server => log::event("info", "stopped", &[]),
        () = grace => log::event("warn", "stopped with requests still in flight", &[]),
    }
    maintenance.abort();
    if let Some(deliveries) = deliveries {
        deliveries.abort();
    }
    if let Some(watcher) = watcher {
        watcher.abort();
    }
    0
}

/// Logs a feed's problems at start-up so a vendor sees them without running `check`.
fn warn_about_feed(path: &Path) {
    let file = path.display().to_string();
    match feedfile::load(path) {
        Ok(parsed) => {
            for problem in &parsed.problems {
                log::event("warn", &problem.to_string(), &[("file", &file)]);
            }
            for field in &parsed.unknown_fields {
                log::event(
                    "warn",
                    &format!("unknown field {field:?} ignored"),
                    &[("file", &file)],
                );
            }
        }
        Err(LoadError::Unreadable(message)) => log::event("warn", &message, &[]),
        Err(LoadError::Fatal(error)) => log::event("warn", &error.to_string(), &[("file", &file)]),
    }
}

/// Completes on Ctrl-C or SIGTERM. If a signal cannot be watched, it is simply never received.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}
