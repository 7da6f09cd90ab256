//! `lms-support`: the vendor's command line and the reference server (design §6).
//!
//! This file only parses arguments and dispatches; each command lives in its own module.
//! Exit statuses: 0 success, 1 the feed (or server) failed, 2 bad usage or an unreadable file.

mod agent;
mod authoring;
mod backup;
mod check;
mod clock;
mod delivery;
mod demo;
mod feedfile;
mod flows;
mod localtime;
mod migrate_pg;
mod output;
mod preview;
mod report;
mod search;
mod serve;
mod store;
mod tokens;
mod vendor;

use clap::{Parser, Subcommand};
use lms_support_widget::time::Timestamp;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// Maintenance banner, help panel and ticket form for LMS course pages: vendor tools and server.
#[derive(Debug, Parser)]
#[command(name = "lms-support", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Validate a feed: one line per problem; exit 1 if there is any.
    Check {
        /// The feed file (JSON, version 1).
        #[arg(value_name = "FEED.json")]
        feed: PathBuf,
        /// Also fail on warnings (unknown fields).
        #[arg(long)]
        strict: bool,
    },
    /// Print, as JSON, what the banner would show at an instant, most severe first.
    Preview {
        /// The feed file (JSON, version 1).
        #[arg(value_name = "FEED.json")]
        feed: PathBuf,
        /// The instant, RFC 3339 (2026-12-06T05:00:00Z).
        #[arg(long, value_name = "RFC3339")]
        at: String,
        /// IANA time zone the learner reads times in.
        #[arg(long, value_name = "ZONE", default_value = "UTC")]
        tz: String,
        /// The learner's language tag (en, es, pt-BR, …).
        #[arg(long, value_name = "TAG", default_value = "en")]
        locale: String,
        /// The learner's LMS role (student, teacher, …).
        #[arg(long, value_name = "R")]
        role: Option<String>,
        /// The current course id.
        #[arg(long, value_name = "ID")]
        course: Option<String>,
        /// The page is quiet (a quiz): only imminent and in-progress windows show.
        #[arg(long)]
        quiet_page: bool,
    },
    /// Print, as JSON, the FAQ entries that best match a query, best first (the widget's search).
    Search {
        /// The feed file (JSON, version 1).
        #[arg(value_name = "FEED.json")]
        feed: PathBuf,
        /// What the learner typed.
        #[arg(value_name = "QUERY")]
        query: String,
        /// The learner's language tag (en, es, pt-BR, …); missing translations fall back to en.
        #[arg(long, value_name = "TAG", default_value = "en")]
        locale: String,
        /// How many hits to print at most.
        #[arg(long, value_name = "N", default_value_t = 10,
              value_parser = clap::value_parser!(u32).range(1..))]
        limit: u32,
    },
    /// Print the feed's guided flows as trees: each question, its answers and where they lead.
    Flows {
        /// The feed file (JSON, version 1).
        #[arg(value_name = "FEED.json")]
        feed: PathBuf,
        /// Print only the flow with this id.
        #[arg(long, value_name = "ID")]
        flow: Option<String>,
        /// The language to print in (en, es, pt-BR, …); missing translations fall back to en.
        #[arg(long, value_name = "TAG", default_value = "en")]
        locale: String,
    },
    /// Print a realistic demo feed for "Acme College", relative to now.
    DemoFeed {
        /// The instant to build the feed around, RFC 3339 (default: the system clock).
        #[arg(long, value_name = "RFC3339")]
        now: Option<String>,
    },
    /// Write an example vendor configuration: clients acme and uni, both in group eu-1.
    DemoConfig {
        /// The directory to write (vendor.json, clients/acme.json, clients/uni.json).
        #[arg(value_name = "DIR")]
        dir: PathBuf,
    },
    /// Serve the feed, the widget's assets and the demo site.
    Serve {
        /// Address to listen on; port 0 picks a free port.
        #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:8080")]
        addr: String,
        /// Directory for server data (created if missing).
        #[arg(long, value_name = "DIR", default_value = "data")]
        data: PathBuf,
        /// The feed file to serve (one client); without it or --config a demo feed is
        /// generated at start-up.
        #[arg(long, value_name = "FILE")]
        feed: Option<PathBuf>,
        /// The vendor configuration directory (vendor.json, clients/<id>.json): many clients,
        /// feeds at /v1/feed?client=ID. Reloaded on a file change and on SIGHUP.
        #[arg(long, value_name = "DIR")]
        config: Option<PathBuf>,
        /// Directory of the demo site.
        #[arg(long = "static", value_name = "DIR", default_value = "www")]
        static_dir: PathBuf,
        /// Directory of the built widget (`make widget`).
        #[arg(long, value_name = "DIR", default_value = "target/widget")]
        widget: PathBuf,
        /// Tickets one client (IP address) may create per hour; 0 = unlimited.
        #[arg(long, value_name = "N", default_value_t = 20)]
        rate_limit_hour: u32,
        /// Tickets one client (IP address) may create per day; 0 = unlimited.
        #[arg(long, value_name = "N", default_value_t = 240)]
        rate_limit_day: u32,
        /// Rejected ticket requests (400, 413, 415, 422) one client may send per hour before
        /// it gets 429; 0 = unlimited.
        #[arg(long, value_name = "N", default_value_t = 30)]
        rate_limit_rejected: u32,
        /// Seconds a client gets to send a request's headers, from connecting or from the end
        /// of the previous response (so also how long an idle connection is kept).
        #[arg(long, value_name = "SECS", default_value_t = 10,
              value_parser = clap::value_parser!(u64).range(1..))]
        header_timeout: u64,
        /// Seconds a request body may go without a byte arriving before the request fails.
        #[arg(long, value_name = "SECS", default_value_t = 30,
              value_parser = clap::value_parser!(u64).range(1..))]
        body_timeout: u64,
        /// Connections open at once; at the cap new ones wait to be accepted. 0 = no cap.
        #[arg(long, value_name = "N", default_value_t = 512)]
        max_connections: usize,
        /// Connections open at once from one client (IPv4 address or IPv6 /64); more are
        /// answered 503 and closed. 0 = no cap.
        #[arg(long, value_name = "N", default_value_t = 64)]
        max_connections_per_client: usize,
        /// An origin whose pages may call the ticket API (CORS); repeat for more.
        #[arg(long = "allow-origin", value_name = "ORIGIN")]
        allow_origin: Vec<String>,
        /// Prefix of ticket numbers (ACME → ACME-000123; default ACME); per client with --config.
        #[arg(long, value_name = "PREFIX")]
        ticket_prefix: Option<String>,
        /// SMTP relay for helpdesk e-mail: smtp://[USER:PASS@]HOST[:PORT][?tls=starttls|none]
        /// or smtps://…; without it nothing is e-mailed.
        #[arg(long, value_name = "URL")]
        smtp: Option<String>,
        /// A reverse proxy (address or network, IPv4 or IPv6) whose X-Forwarded-For or
        /// Forwarded header names the client; repeat for more. Other peers' headers are ignored.
        #[arg(long = "trusted-proxy", value_name = "CIDR")]
        trusted_proxy: Vec<String>,
        /// Keep tickets, keys, counters and the schedule in PostgreSQL (postgres://USER@HOST/DB)
        /// instead of SQLite in --data, so several instances share them; --data still holds
        /// attachments.
        #[arg(long, value_name = "URL", env = "LMS_SUPPORT_DATABASE")]
        database: Option<String>,
    },
    /// Copy a SQLite data directory's database into an empty PostgreSQL database (stop the
    /// server first); attachments stay in DIR, which the instances then use as --data.
    MigrateToPostgres {
        /// The data directory whose support.db is copied.
        #[arg(long, value_name = "DIR", default_value = "data")]
        data: PathBuf,
        /// The PostgreSQL database to fill: postgres://USER@HOST/DB.
        #[arg(long, value_name = "URL", env = "LMS_SUPPORT_DATABASE")]
        database: String,
    },
    /// Copy the data directory (database and attachments) consistently while the server runs.
    Backup {
        /// Where to write the backup: a new directory, laid out like a data directory.
        #[arg(value_name = "DEST")]
        dest: PathBuf,
        /// The server's data directory (the one given to `serve --data`).
        #[arg(long, value_name = "DIR", default_value = "data")]
        data: PathBuf,
        /// A PostgreSQL database (`serve --database`) is not copied by this command: it says
        /// how to back one up with PostgreSQL's own tools instead.
        #[arg(long, value_name = "URL", env = "LMS_SUPPORT_DATABASE")]
        database: Option<String>,
    },
    /// Work tickets as an agent: list, show, reply, resolve, close.
    Tickets {
        /// The server's data directory (the one given to `serve --data`).
        #[arg(long, value_name = "DIR", default_value = "data", global = true)]
        data: PathBuf,
        /// The server's PostgreSQL database (the one given to `serve --database`), instead of
        /// the SQLite file in --data.
        #[arg(long, value_name = "URL", env = "LMS_SUPPORT_DATABASE", global = true)]
        database: Option<String>,
        #[command(subcommand)]
        action: TicketsCommand,
    },
    /// Author the shared maintenance schedule: add, list, update, extend, cancel windows.
    Maintenance {
        /// The server's data directory (the one given to `serve --data`).
        #[arg(long, value_name = "DIR", default_value = "data", global = true)]
        data: PathBuf,
        /// The server's PostgreSQL database (`serve --database`), instead of --data's SQLite.
        #[arg(long, value_name = "URL", env = "LMS_SUPPORT_DATABASE", global = true)]
        database: Option<String>,
        #[command(subcommand)]
        action: authoring::MaintenanceCommand,
    },
    /// Outgoing messages (e-mail, webhooks): list them, retry failed ones.
    Deliveries {
        /// The server's data directory (the one given to `serve --data`).
        #[arg(long, value_name = "DIR", default_value = "data", global = true)]
        data: PathBuf,
        /// The server's PostgreSQL database (`serve --database`), instead of --data's SQLite.
        #[arg(long, value_name = "URL", env = "LMS_SUPPORT_DATABASE", global = true)]
        database: Option<String>,
        #[command(subcommand)]
        action: DeliveriesCommand,
    },
    /// What a client's learners did with help: searches with no result, answers voted
    /// unhelpful, flows and answers that end in tickets, and the deflection rate.
    Report {
        /// The client's id (omit with `serve --feed`, whose site has none).
        #[arg(long, value_name = "ID", default_value = "")]
        client: String,
        /// The first day counted, e.g. 2026-12-01 (default: the last 30 days).
        #[arg(long, value_name = "DATE")]
        since: Option<String>,
        /// Print one JSON object instead of a table.
        #[arg(long)]
        json: bool,
        /// The server's data directory (the one given to `serve --data`).
        #[arg(long, value_name = "DIR", default_value = "data")]
        data: PathBuf,
        /// The server's PostgreSQL database (`serve --database`), instead of --data's SQLite.
        #[arg(long, value_name = "URL", env = "LMS_SUPPORT_DATABASE")]
        database: Option<String>,
    },
    /// Post, list, update and resolve notices (known issues) of the shared schedule.
    Notice {
        /// The server's data directory (the one given to `serve --data`).
        #[arg(long, value_name = "DIR", default_value = "data", global = true)]
        data: PathBuf,
        /// The server's PostgreSQL database (`serve --database`), instead of --data's SQLite.
        #[arg(long, value_name = "URL", env = "LMS_SUPPORT_DATABASE", global = true)]
        database: Option<String>,
        #[command(subcommand)]
        action: authoring::NoticeCommand,
    },
    /// Bearer tokens for the admin API: create (printed once), list, revoke.
    Tokens {
        /// The server's data directory (the one given to `serve --data`).
        #[arg(long, value_name = "DIR", default_value = "data", global = true)]
        data: PathBuf,
        /// The server's PostgreSQL database (`serve --database`), instead of --data's SQLite.
        #[arg(long, value_name = "URL", env = "LMS_SUPPORT_DATABASE", global = true)]
        database: Option<String>,
        #[command(subcommand)]
        action: tokens::TokensCommand,
    },
}

#[derive(Debug, Subcommand)]
enum DeliveriesCommand {
    /// Every queued message, oldest first: id, client, kind, ticket, attempts, state, error.
    List {
        /// Only messages not delivered yet that failed at least once.
        #[arg(long)]
        failed: bool,
    },
    /// Make undelivered messages due now (a running `serve --smtp` sends them at once).
    Retry {
        /// The delivery id (from `deliveries list`).
        #[arg(required_unless_present = "all", conflicts_with = "all")]
        id: Option<i64>,
        /// Every undelivered message.
        #[arg(long)]
        all: bool,
    },
}

#[derive(Debug, Subcommand)]
enum TicketsCommand {
    /// A table of tickets, oldest first: number, status, priority, due, escalated, subject.
    List {
        /// Only tickets with this status (open, pending, resolved, closed).
        #[arg(long, value_name = "S")]
        status: Option<String>,
        /// Only open tickets past their response target.
        #[arg(long)]
        overdue: bool,
        /// Only tickets filed while this notice (or maintenance window) showed on the page.
        #[arg(long, value_name = "ID")]
        notice: Option<String>,
        /// Only tickets of this client (with `serve --config`).
        #[arg(long, value_name = "ID")]
        client: Option<String>,
    },
    /// Everything about one ticket: fields, context, attachments, replies.
    Show {
        /// The ticket number (ACME-000123).
        number: String,
    },
    /// Reply to the learner; the ticket becomes pending.
    Reply {
        /// The ticket number.
        number: String,
        /// The reply.
        text: String,
    },
    /// Mark a ticket resolved; the learner may then rate it.
    Resolve {
        /// The ticket number.
        number: String,
    },
    /// Close a ticket; nothing changes it afterwards.
    Close {
        /// The ticket number.
        number: String,
    },
}

fn main() -> ExitCode {
    // Usage errors exit with 2, --help and --version with 0 (clap's convention).
    let cli = Cli::parse();
    ExitCode::from(match cli.command {
        Command::Check { feed, strict } => check::run(&feed, strict),
        Command::Preview {
            feed,
            at,
            tz,
            locale,
            role,
            course,
            quiet_page,
        } => preview::run(
            &feed,
            &preview::Options {
                at: &at,
                tz: &tz,
                locale: &locale,
                role: role.as_deref(),
                course: course.as_deref(),
                quiet: quiet_page,
            },
        ),
        Command::Search {
            feed,
            query,
            locale,
            limit,
        } => search::run(&feed, &query, &locale, limit as usize),
        Command::Flows { feed, flow, locale } => flows::run(&feed, flow.as_deref(), &locale),
        Command::DemoFeed { now } => {
            let now = match now.as_deref().map(Timestamp::parse_rfc3339) {
                None => clock::now(),
                Some(Ok(now)) => now,
                Some(Err(message)) => {
                    output::stderr(&format!("invalid --now: {message}\n"));
                    return ExitCode::from(2);
                }
            };
            output::stdout(&format!("{}\n", demo::demo_feed(now)));
            0
        }
        Command::Serve {
            addr,
            data,
            feed,
            config,
            static_dir,
            widget,
            rate_limit_hour,
            rate_limit_day,
            rate_limit_rejected,
            header_timeout,
            body_timeout,
            max_connections,
            max_connections_per_client,
            allow_origin,
            ticket_prefix,
            trusted_proxy,
            smtp,
            database,
        } => serve::run(serve::Config {
            addr,
            data,
            feed,
            config,
            static_dir,
            widget_dir: widget,
            rate_limit_hour,
            rate_limit_day,
            rejected_limit_hour: rate_limit_rejected,
            connections: serve::ConnectionLimits {
                header_timeout: Duration::from_secs(header_timeout),
                body_timeout: Duration::from_secs(body_timeout),
                max_connections,
                max_per_client: max_connections_per_client,
            },
            allow_origins: allow_origin,
            ticket_prefix,
            trusted_proxies: trusted_proxy,
            smtp,
            database,
        }),
        Command::Backup {
            dest,
            data,
            database: Some(url),
        } => backup::on_postgres(&dest, &data, &url),
        Command::Backup {
            dest,
            data,
            database: None,
        } => backup::run(&dest, &data),
        Command::MigrateToPostgres { data, database } => migrate_pg::run(&data, &database),
        Command::Tickets {
            data,
            database,
            action,
        } => agent::run(
            &data,
            database.as_deref(),
            match action {
                TicketsCommand::List {
                    status,
                    overdue,
                    notice,
                    client,
                } => agent::Action::List {
                    status,
                    overdue,
                    notice,
                    client,
                },
                TicketsCommand::Show { number } => agent::Action::Show(number),
                TicketsCommand::Reply { number, text } => agent::Action::Reply(number, text),
                TicketsCommand::Resolve { number } => agent::Action::Resolve(number),
                TicketsCommand::Close { number } => agent::Action::Close(number),
            },
        ),
        Command::DemoConfig { dir } => vendor::run_demo_config(&dir),
        Command::Maintenance {
            data,
            database,
            action,
        } => authoring::maintenance(&data, database.as_deref(), action),
        Command::Notice {
            data,
            database,
            action,
        } => authoring::notice(&data, database.as_deref(), action),
        Command::Tokens {
            data,
            database,
            action,
        } => tokens::run(&data, database.as_deref(), action),
        Command::Report {
            client,
            since,
            json,
            data,
            database,
        } => report::run(&data, database.as_deref(), &client, since.as_deref(), json),
        Command::Deliveries {
            data,
            database,
            action,
        } => match action {
            DeliveriesCommand::List { failed } => {
                delivery::list(&data, database.as_deref(), failed)
            }
            DeliveriesCommand::Retry { id, .. } => delivery::retry(&data, database.as_deref(), id),
        },
    })
}
