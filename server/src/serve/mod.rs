//! `lms-support serve`: the feed, the widget's assets and the demo site over HTTP/1.1.
//!
//! On start-up it prints exactly one line to stdout, `lms-support: serving http://ADDR/`, with
//! the address actually bound (so `--addr 127.0.0.1:0` reveals its port), and then logs only to
//! stderr. Ctrl-C or SIGTERM stops accepting connections and lets requests in flight finish
//! (at most [`GRACE`]). Connections have timeouts and caps ([`conn`]). The ticket API
//! (design §5) lives in [`tickets`], on the SQLite database in `--data` (see [`crate::store`]).

mod admin;
mod clients;
mod compress;
mod conn;
mod console;
mod cors;
mod feed;
mod files;
mod health;
mod help_events;
mod hooks;
mod http;
mod log;
mod proxy;
mod ratelimit;
mod tickets;
mod upload;

use crate::feedfile::{self, LoadError};
use crate::store::engine::Engine;
use crate::store::pg::{self, Postgres};
use crate::store::{self, writer::Writer, Readers};
use crate::{clock, demo, output};
use axum::body::Bytes;
use axum::extract::DefaultBodyLimit;
use axum::routing::{any, get, post};
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
    /// Networks of reverse proxies whose `X-Forwarded-For`/`Forwarded` are believed, as given.
    pub trusted_proxies: Vec<String>,
    /// The SMTP relay for the delivery queue (`--smtp URL`).
    pub smtp: Option<String>,
    /// `postgres://…` to keep the state in PostgreSQL, shared by several instances; `None`
    /// for SQLite in `data`.
    pub database: Option<String>,
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
    /// The database writer's thread, for `/readyz`; taken when the server stops.
    writer_thread: WriterThread,
    /// SQLite's admin connection; `None` on PostgreSQL, whose pool the admin API uses.
    admin: Option<admin::Admin>,
}

/// The writer thread's handle, shared between `run` (which joins it) and `/readyz`.
type WriterThread = Arc<std::sync::Mutex<Option<std::thread::JoinHandle<()>>>>;

/// The address `request` is accounted to (see [`proxy`]); unspecified if the connection
/// layer did not say, which only happens in tests that call the router directly.
pub fn client_addr<B>(request: &axum::http::Request<B>) -> std::net::IpAddr {
    request
        .extensions()
        .get::<proxy::ClientAddr>()
        .map_or(std::net::Ipv4Addr::UNSPECIFIED.into(), |c| c.0)
}

/// The routes, for a given state.
pub fn router(app: Arc<App>) -> Router {
    let ticket_routes = Router::new()
        .route(
            "/v1/tickets",
            post(tickets::create).layer(DefaultBodyLimit::max(upload::MULTIPART_MAX)),
        )
        .route("/v1/tickets/{number}", get(tickets::show))
        .route("/v1/tickets/{number}/feedback", post(tickets::feedback))
        .route(
            "/v1/clients/{client}/tickets",
            post(tickets::create_for_client).layer(DefaultBodyLimit::max(upload::MULTIPART_MAX)),
        )
        .route(
            "/v1/clients/{client}/tickets/{number}",
            get(tickets::show_for_client),
        )
        .route(
            "/v1/clients/{client}/tickets/{number}/feedback",
            post(tickets::feedback_for_client),
        )
        .route("/v1/events", post(help_events::record))
        .route(
            "/v1/clients/{client}/events",
            post(help_events::record_for_client),
        )
        .route_layer(cors::layer(app.clone()));
    // No CORS layer: the admin API is for servers and the console (`/admin`) on the same
    // origin.
    let admin_routes = Router::new()
        .route(
            "/v1/admin/maintenance",
            get(admin::list_maintenance).post(admin::add_maintenance),
        )
        .route(
            "/v1/admin/maintenance/{id}",
            get(admin::get_maintenance).patch(admin::update_maintenance),
        )
        .route(
            "/v1/admin/maintenance/{id}/extend",
            post(admin::extend_maintenance),
        )
        .route(
            "/v1/admin/maintenance/{id}/cancel",
            post(admin::cancel_maintenance),
        )
        .route(
            "/v1/admin/notices",
            get(admin::list_notices).post(admin::add_notice),
        )
        .route(
            "/v1/admin/notices/{id}",
            get(admin::get_notice).patch(admin::update_notice),
        )
        .route(
            "/v1/admin/notices/{id}/resolve",
            post(admin::resolve_notice),
        )
        .route("/v1/admin/tickets", get(admin::list_tickets))
        .route("/v1/admin/audit", get(admin::audit))
        .route("/v1/admin/clients", get(admin::list_clients))
        .route(
            "/admin/session",
            get(console::whoami)
                .post(console::sign_in)
                .delete(console::sign_out),
        )
        .route("/admin/preview/feed", get(console::preview_feed))
        .layer(DefaultBodyLimit::max(admin::BODY_MAX))
        // The console's cookie is believed only past this check (CSRF; see `console`).
        .layer(axum::middleware::from_fn(console::guard));
    let hook = post(hooks::helpdesk).layer(DefaultBodyLimit::max(hooks::BODY_MAX));
    // Any page may read these: the feed, and the widget's files, which host pages on other
    // origins load with fetch().
    let public_routes = Router::new()
        .route("/v1/feed", get(feed::get))
        .route("/widget", any(files::handle))
        .route("/widget/{*file}", any(files::handle))
        .route_layer(cors::public());
    Router::new()
        .merge(public_routes)
        .merge(admin_routes)
        .route("/v1/hooks/helpdesk", hook)
        .route("/admin", get(console::redirect))
        .route("/admin/", get(console::file))
        .route("/admin/{file}", get(console::file))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .merge(ticket_routes)
        .fallback(files::handle)
        .layer(compress::layer())
        .layer(axum::middleware::from_fn(compress::weaken_etags))
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
    let mut trusted = Vec::new();
    for network in &config.trusted_proxies {
        match proxy::Cidr::parse(network) {
            Ok(network) => trusted.push(network),
            Err(message) => {
                output::stderr(&format!("{message}\n"));
                return 2;
            }
        }
    }
    let trusted = Arc::new(proxy::TrustedProxies::new(trusted));
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
    if let Some(url) = config.database.clone() {
        if !pg::is_postgres_url(&url) {
            output::stderr(&format!(
                "--database {url:?} is not a PostgreSQL URL (postgres://USER@HOST/DB); leave it out for SQLite in --data\n"
            ));
            return 2;
        }
        let pg = match runtime.block_on(Postgres::connect(&url, config.data.clone())) {
            Ok(pg) => pg,
            Err(e) => {
                output::stderr(&format!("cannot open the PostgreSQL database: {e}\n"));
                return 1;
            }
        };
        if let Some(clients) = &clients {
            let tables = clients::DeliveryTables::Postgres(pg.clone(), runtime.handle().clone());
            if let Err(e) = clients.follow_webhooks(tables, config.smtp.is_some()) {
                output::stderr(&format!("cannot store the webhook receivers: {e}\n"));
                return 1;
            }
        }
        let limiter = |bucket, per_hour, per_day| ratelimit::Limiter::Shared {
            pg: pg.clone(),
            bucket,
            per_hour,
            per_day,
        };
        let mut tickets = tickets::Tickets::new(
            Engine::Postgres(pg.clone()),
            limiter("created", config.rate_limit_hour, config.rate_limit_day),
            limiter("rejected", config.rejected_limit_hour, 0),
            origins,
            prefix.to_string(),
            config.data.clone(),
        );
        tickets.helpdesk_mail = relay.is_some();
        let writer_thread = Arc::new(std::sync::Mutex::new(None));
        return runtime.block_on(serve(
            config,
            tickets,
            clients,
            None,
            trusted,
            writer_thread,
            relay,
        ));
    }
    let db = store::db_path(&config.data);
    let conn = match store::open_writer(&db) {
        Ok(conn) => conn,
        Err(e) => {
            output::stderr(&format!("cannot open {}: {e}\n", db.display()));
            return 1;
        }
    };
    // Schedule changes from the admin API run on a connection of their own (see `admin`).
    let admin = match store::open_writer(&db) {
        Ok(conn) => Some(admin::Admin::new(conn)),
        Err(e) => {
            output::stderr(&format!("cannot open {}: {e}\n", db.display()));
            return 1;
        }
    };
    if let Some(clients) = &clients {
        let tables = clients::DeliveryTables::Sqlite(config.data.clone());
        if let Err(e) = clients.follow_webhooks(tables, config.smtp.is_some()) {
            output::stderr(&format!("cannot store the webhook receivers: {e}\n"));
            return 1;
        }
    }
    let (writer, writer_thread) = match Writer::start(conn, config.data.clone()) {
        Ok(started) => started,
        Err(e) => {
            output::stderr(&format!("cannot start the database writer: {e}\n"));
            return 1;
        }
    };
    let mut tickets = tickets::Tickets::new(
        Engine::Sqlite {
            writer,
            readers: Arc::new(Readers::new(db)),
        },
        ratelimit::Limiter::Memory(ratelimit::RateLimiter::new(
            config.rate_limit_hour,
            config.rate_limit_day,
        )),
        ratelimit::Limiter::Memory(ratelimit::RateLimiter::new(config.rejected_limit_hour, 0)),
        origins,
        prefix.to_string(),
        config.data.clone(),
    );
    tickets.helpdesk_mail = relay.is_some();
    let writer_thread = Arc::new(std::sync::Mutex::new(Some(writer_thread)));
    let status = runtime.block_on(serve(
        config,
        tickets,
        clients,
        admin,
        trusted,
        writer_thread.clone(),
        relay,
    ));
    // Every handle to the writer is gone with the runtime; the thread ends after its last batch.
    drop(runtime);
    let thread = writer_thread
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .take();
    if let Some(thread) = thread {
        let _ = thread.join();
    }
    status
}

async fn serve(
    config: Config,
    tickets: tickets::Tickets,
    clients: Option<Arc<clients::Clients>>,
    admin: Option<admin::Admin>,
    trusted: Arc<proxy::TrustedProxies>,
    writer_thread: WriterThread,
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
    // Watch the signals before saying we serve: a SIGTERM right after that line must stop the
    // server gracefully, not kill it with the signal's default action.
    let shutdown = shutdown_signal();
    output::stdout(&format!("lms-support: serving http://{addr}/\n"));
    let watcher = clients.clone().map(|c| tokio::spawn(c.watch()));
    let app = Arc::new(App {
        feed,
        clients,
        static_dir: config.static_dir,
        widget_dir: config.widget_dir,
        tickets,
        writer_thread,
        admin,
    });
    let maintenance = tokio::spawn(tickets::maintain(app.clone()));
    // Always running: webhooks need no relay, and messages queued by an earlier run (or by
    // the agent CLI) must leave.
    if let Some(relay) = &relay {
        log::event("info", "delivering through", &[("smtp", &relay.display())]);
    }
    let queue = match app.tickets.store.postgres() {
        Some(pg) => crate::delivery::Queue::Postgres(pg.clone()),
        None => crate::delivery::Queue::Sqlite,
    };
    let deliveries = tokio::spawn(crate::delivery::worker(queue, config.data.clone(), relay));
    log::event("info", "store", &[("engine", app.tickets.store.name())]);

    let stopping = Arc::new(tokio::sync::Notify::new());
    let notify = stopping.clone();
    let server = conn::serve(
        listener,
        router(app),
        config.connections,
        trusted,
        async move {
            shutdown.await;
            log::event("info", "shutting down", &[]);
            notify.notify_one();
        },
    );
    let grace = async {
        stopping.notified().await;
        tokio::time::sleep(GRACE).await;
    };
    tokio::select! {
        () = server => log::event("info", "stopped", &[]),
        () = grace => log::event("warn", "stopped with requests still in flight", &[]),
    }
    maintenance.abort();
    deliveries.abort();
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

/// Completes on Ctrl-C or SIGTERM, watched from the moment this is called (not from the first
/// poll). If a signal cannot be watched, it is simply never received.
#[cfg(unix)]
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    use tokio::signal::unix::{signal, SignalKind};
    let interrupt = signal(SignalKind::interrupt()).ok();
    let terminate = signal(SignalKind::terminate()).ok();
    async move {
        let wait = |watch: Option<tokio::signal::unix::Signal>| async move {
            match watch {
                Some(mut watch) => {
                    watch.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            () = wait(interrupt) => {}
            () = wait(terminate) => {}
        }
    }
}

/// Completes on Ctrl-C. If it cannot be watched, it is simply never received.
#[cfg(not(unix))]
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}
