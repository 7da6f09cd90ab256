//! Sending the delivery queue (issue 16): `serve` runs [`worker`], which e-mails due messages
//! through the `--smtp` relay and POSTs signed webhooks, and `lms-support deliveries
//! list|retry` shows and retries them.
//!
//! At least once, harmlessly: a message is marked delivered only after the relay accepted it,
//! so a crash or a lost acknowledgement between the two sends it again, with the same
//! `Message-ID` (fixed when it was queued); helpdesks thread or drop a repeated id. A failed
//! attempt waits a full-jitter exponential backoff ([`backoff_seconds`]) and is retried until
//! it succeeds: nothing is dropped, however long the relay is down.
//!
//! The relay URL:
//! - `smtp://HOST[:PORT]` (port 25): STARTTLS when the relay offers it, plain otherwise
//!   (a relay on the same host or network);
//! - `smtp://HOST:587?tls=starttls`: STARTTLS required, certificate checked;
//! - `smtp://HOST?tls=none`: never TLS;
//! - `smtps://HOST[:PORT]` (port 465): TLS from the first byte;
//! - `USER:PASSWORD@` before the host for authentication (percent-encode `@`, `:`, `/`).

use crate::output;
use crate::store::{self, deliveries, StoreError};
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport as _, Message, Tokio1Executor};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The first retry waits up to this long; each further failure doubles it.
const BACKOFF_BASE_SECONDS: i64 = 1;
/// No retry waits longer than this.
pub const BACKOFF_CAP_SECONDS: i64 = 15 * 60;
/// How often the worker looks for due messages when it has nothing to do.
const POLL: Duration = Duration::from_millis(500);
/// Messages taken per look.
const BATCH: usize = 32;
/// One SMTP conversation may take this long.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// How long to wait before the next attempt after `attempts` failures (1 or more), given a
/// random number: uniform in [1, min(cap, base · 2^(attempts-1))] ("full jitter"), so that
/// many messages failing together do not retry together.
pub fn backoff_seconds(attempts: i64, random: u64) -> i64 {
    let doublings = u32::try_from((attempts - 1).clamp(0, 20)).unwrap_or(20);
    let ceiling = (BACKOFF_BASE_SECONDS << doublings).min(BACKOFF_CAP_SECONDS);
    let span = u64::try_from(ceiling).unwrap_or(1).max(1);
    1 + i64::try_from(random % span).unwrap_or(0)
}

/// A parsed `--smtp` URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Relay {
    host: String,
    port: u16,
    tls: TlsMode,
    credentials: Option<(String, String)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TlsMode {
    None,
    Opportunistic,
    StartTls,
    Wrapper,
}

impl Relay {
    /// Parses `smtp://…` or `smtps://…` (see the module documentation).
    ///
    /// # Errors
    /// A sentence saying what is wrong.
    pub fn parse(url: &str) -> Result<Relay, String> {
        let bad = |why: &str| format!("invalid --smtp {url:?}: {why}");
        let (scheme, rest) = url
            .split_once("://")
            .ok_or_else(|| bad("use smtp://HOST:PORT or smtps://HOST:PORT"))?;
        let (mut tls, default_port) = match scheme {
            "smtp" => (TlsMode::Opportunistic, 25),
            "smtps" => (TlsMode::Wrapper, 465),
            _ => return Err(bad("the scheme must be smtp or smtps")),
        };
        let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
        let rest = rest.trim_end_matches('/');
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            match pair {
                "tls=starttls" if scheme == "smtp" => tls = TlsMode::StartTls,
                "tls=none" if scheme == "smtp" => tls = TlsMode::None,
                "tls=opportunistic" if scheme == "smtp" => tls = TlsMode::Opportunistic,
                _ => return Err(bad(
                    "the only option is tls=starttls, tls=opportunistic or tls=none (smtp:// only)",
                )),
            }
        }
        let (credentials, hostport) = match rest.rsplit_once('@') {
            Some((userinfo, hostport)) => {
                let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
                let decode = |s: &str| percent_decode(s).ok_or_else(|| bad("bad %-escape"));
                (Some((decode(user)?, decode(password)?)), hostport)
            }
            None => (None, rest),
        };
        let (host, port) = match hostport.rsplit_once(':') {
            Some((host, port)) if !host.ends_with(']') || hostport.starts_with('[') => (
                host,
                port.parse::<u16>()
                    .ok()
                    .filter(|p| *p > 0)
                    .ok_or_else(|| bad("the port must be 1 to 65535"))?,
            ),
            _ => (hostport, default_port),
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        if host.is_empty() || host.contains('/') {
            return Err(bad("missing host"));
        }
        Ok(Relay {
            host: host.to_string(),
            port,
            tls,
            credentials,
        })
    }

    /// `smtp://host:port` without credentials, for logs.
    pub fn display(&self) -> String {
        let scheme = if self.tls == TlsMode::Wrapper {
            "smtps"
        } else {
            "smtp"
        };
        format!("{scheme}://{}:{}", self.host, self.port)
    }

    fn transport(&self) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
        let params = || TlsParameters::new(self.host.clone()).map_err(|e| e.to_string());
        let tls = match self.tls {
            TlsMode::None => Tls::None,
            TlsMode::Opportunistic => Tls::Opportunistic(params()?),
            TlsMode::StartTls => Tls::Required(params()?),
            TlsMode::Wrapper => Tls::Wrapper(params()?),
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&self.host)
            .port(self.port)
            .tls(tls)
            .timeout(Some(SMTP_TIMEOUT));
        if let Some((user, password)) = &self.credentials {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(builder.build())
    }
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The e-mail a helpdesk gets for a new ticket: subject `[ACME-000001] [high] …`, `Reply-To`
/// the learner, the description, the context as a table, the attachments attached.
///
/// # Errors
/// A sentence: the ticket is gone, an address does not parse, or the store failed.
pub fn helpdesk_email(
    ticket: &store::TicketRecord,
    files: &[store::Attachment],
    data: &Path,
    delivery: &deliveries::Delivery,
) -> Result<Message, String> {
    let field = |key: &str| {
        delivery
            .payload
            .get(key)
            .ok_or_else(|| format!("payload without {key:?}"))
    };
    let address = |key: &str| -> Result<lettre::Address, String> {
        field(key)?
            .as_str()
            .unwrap_or_default()
            .parse()
            .map_err(|e| format!("{key}: {e}"))
    };
    let learner_address: lettre::Address = ticket
        .email()
        .parse()
        .map_err(|e| format!("learner's address: {e}"))?;
    let learner = Mailbox::new(
        (!ticket.name().is_empty()).then(|| ticket.name().to_string()),
        learner_address,
    );
    let number = ticket.number();
    let mut text = format!(
        "New ticket {number} from {learner}\n\n\
         Priority:      {}\nCategory:      {}\nLanguage:      {}\nFiled:         {}\nResponse due:  {}\n\n\
         Subject: {}\n\n{}\n",
        ticket.priority(),
        ticket.category(),
        if ticket.locale().is_empty() { "-" } else { ticket.locale() },
        store::rfc3339(ticket.created_at),
        store::rfc3339(ticket.response_due_at),
        ticket.subject(),
        ticket.description(),
    );
    if !ticket.context.is_empty() {
        let width = ticket
            .context
            .iter()
            .map(|(k, _)| k.chars().count())
            .max()
            .unwrap_or(0);
        text.push_str("\nContext (what the learner agreed to send)\n");
        for (key, value) in &ticket.context {
            let pad = width - key.chars().count();
            text.push_str(&format!("  {key}{}  {value}\n", " ".repeat(pad)));
        }
    }
    if !files.is_empty() {
        text.push_str(&format!("\nAttachments: {}\n", files.len()));
    }
    text.push_str(&format!(
        "\nReply to this e-mail to answer the learner directly; keep {number} in the subject.\n"
    ));
    let mut body = MultiPart::mixed().singlepart(SinglePart::plain(text));
    for file in files {
        let content_type = ContentType::parse(&file.mime)
            .unwrap_or(ContentType::parse("application/octet-stream").map_err(|e| e.to_string())?);
        match std::fs::read(data.join(&file.path)) {
            Ok(bytes) => {
                body =
                    body.singlepart(Attachment::new(file.name.clone()).body(bytes, content_type));
            }
            Err(e) => return Err(format!("attachment {}: {e}", file.path)),
        }
    }
    Message::builder()
        .from(Mailbox::new(None, address("from")?))
        .to(Mailbox::new(None, address("to")?))
        .reply_to(learner)
        .subject(format!(
            "[{number}] [{}] {}",
            ticket.priority(),
            ticket.subject()
        ))
        .message_id(Some(delivery.message_id.clone()))
        .date(
            std::time::UNIX_EPOCH
                + Duration::from_secs(u64::try_from(ticket.created_at).unwrap_or(0)),
        )
        .multipart(body)
        .map_err(|e| e.to_string())
}

/// `Content-Language` (RFC 3282): the language a learner's e-mail is written in, for mail
/// clients that offer translation or pick a reading direction.
#[derive(Clone, Debug)]
struct ContentLanguage(&'static str);

impl lettre::message::header::Header for ContentLanguage {
    fn name() -> lettre::message::header::HeaderName {
        lettre::message::header::HeaderName::new_from_ascii_str("Content-Language")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Err("Content-Language is only written".into())
    }

    fn display(&self) -> lettre::message::header::HeaderValue {
        lettre::message::header::HeaderValue::new(Self::name(), self.0.to_string())
    }
}

/// The fragment the link in a learner's e-mail carries, so that the page can open My tickets.
pub const MY_TICKETS_FRAGMENT: &str = "lms-support-tickets";

/// The link back to the page a ticket was filed on (its context's `page`), with
/// [`MY_TICKETS_FRAGMENT`] in place of any fragment; `None` without an http(s) page.
pub fn my_tickets_link(context: &[(String, String)]) -> Option<String> {
    let page = context.iter().find(|(k, _)| k == "page").map(|(_, v)| v)?;
    let page = page.split_once('#').map_or(page.as_str(), |(p, _)| p);
    (page.starts_with("https://") || page.starts_with("http://"))
        .then(|| format!("{page}#{MY_TICKETS_FRAGMENT}"))
}

fn payload_text<'a>(delivery: &'a deliveries::Delivery, key: &str) -> Result<&'a str, String> {
    delivery
        .payload
        .get(key)
        .and_then(serde_json::Value::as_str)
        .ok_or_else(|| format!("payload without {key:?}"))
}

fn payload_address(delivery: &deliveries::Delivery, key: &str) -> Result<lettre::Address, String> {
    payload_text(delivery, key)?
        .parse()
        .map_err(|e| format!("{key}: {e}"))
}

fn date_of(seconds: i64) -> std::time::SystemTime {
    std::time::UNIX_EPOCH + Duration::from_secs(u64::try_from(seconds).unwrap_or(0))
}

/// The e-mail a learner gets when an agent replies or resolves their ticket, in the ticket's
/// language: the number, the reply, and the link back to My tickets on the page where they
/// filed it; a resolution asks for the rating.
///
/// # Errors
/// A sentence: the ticket is gone, an address does not parse, or the store failed.
pub fn learner_email(
    ticket: &store::TicketRecord,
    delivery: &deliveries::Delivery,
) -> Result<Message, String> {
    use lms_support_widget::i18n::{fill, learner_mail, Lang};
    let lang = Lang::negotiate(ticket.locale());
    let words = learner_mail(lang);
    let number = ticket.number();
    let resolved = payload_text(delivery, "event")? == "resolved";
    let (subject, intro) = if resolved {
        (words.resolved_subject, words.resolved_intro)
    } else {
        (words.reply_subject, words.reply_intro)
    };
    let with_number = |t: &str| fill(t, &[("number", &number)]);
    let mut text = format!("{}\n\n", with_number(intro));
    if let Some(reply) = delivery.payload.get("reply").and_then(|r| r.as_str()) {
        text.push_str(reply.trim_end());
        text.push_str("\n\n");
    }
    if let Some(link) = my_tickets_link(&ticket.context) {
        let lead = if resolved {
            words.rate
        } else {
            words.open_tickets
        };
        text.push_str(&format!("{lead}\n{link}\n"));
    }
    let learner = Mailbox::new(
        (!ticket.name().is_empty()).then(|| ticket.name().to_string()),
        payload_address(delivery, "to")?,
    );
    Message::builder()
        .from(Mailbox::new(None, payload_address(delivery, "from")?))
        .to(learner)
        .header(ContentLanguage(lang.tag()))
        .subject(with_number(subject))
        .message_id(Some(delivery.message_id.clone()))
        .date(date_of(delivery.created_at))
        .singlepart(SinglePart::plain(text))
        .map_err(|e| e.to_string())
}

/// The e-mail a client's `escalation_email` gets when a critical ticket escalates: why, the
/// number, the learner and the description (in English, for the vendor's staff).
///
/// # Errors
/// A sentence: the ticket is gone, an address does not parse, or the store failed.
pub fn escalation_email(
    ticket: &store::TicketRecord,
    delivery: &deliveries::Delivery,
) -> Result<Message, String> {
    let number = ticket.number();
    let reason = payload_text(delivery, "reason")?;
    let mut text = format!(
        "Critical ticket {number} escalated: {reason}.\n\n\
         Status:        {}\nFiled:         {}\nResponse due:  {}\nLearner:       {} <{}>\n\n\
         Subject: {}\n\n{}\n",
        ticket.status,
        store::rfc3339(ticket.created_at),
        store::rfc3339(ticket.response_due_at),
        ticket.name(),
        ticket.email(),
        ticket.subject(),
        ticket.description(),
    );
    if let Some((_, page)) = ticket.context.iter().find(|(k, _)| k == "page") {
        text.push_str(&format!("\nPage: {page}\n"));
    }
    text.push_str(&format!("\nlms-support tickets show {number}\n"));
    Message::builder()
        .from(Mailbox::new(None, payload_address(delivery, "from")?))
        .to(Mailbox::new(None, payload_address(delivery, "to")?))
        .subject(format!("[{number}] [escalated] {}", ticket.subject()))
        .message_id(Some(delivery.message_id.clone()))
        .date(date_of(delivery.created_at))
        .singlepart(SinglePart::plain(text))
        .map_err(|e| e.to_string())
}

fn now() -> i64 {
    crate::clock::now().seconds()
}

fn random() -> u64 {
    let mut bytes = [0u8; 8];
    let _ = getrandom::fill(&mut bytes);
    u64::from_le_bytes(bytes)
}

/// One webhook POST may take this long.
const WEBHOOK_TIMEOUT: Duration = Duration::from_secs(10);

/// The header carrying `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
pub const SIGNATURE_HEADER: &str = "LMS-Support-Signature";
/// The header carrying the delivery id, the same on every attempt.
pub const DELIVERY_HEADER: &str = "LMS-Support-Delivery";

/// The signature header's value for `body` sent at `t` (Stripe's scheme: the timestamp is
/// signed with the body, so a captured request cannot be replayed later with a new time).
pub fn sign(secret: &str, t: i64, body: &[u8]) -> String {
    format!("t={t},v1={}", hex(&mac(secret, t, body)))
}

fn mac(secret: &str, t: i64, body: &[u8]) -> Vec<u8> {
    use hmac::{KeyInit as _, Mac as _};
    // HMAC takes keys of any length.
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
    mac.update(format!("{t}.").as_bytes());
    mac.update(body);
    mac.finalize().into_bytes().to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Why a signature header was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum BadSignature {
    /// Missing or not `t=…,v1=…`.
    Malformed,
    /// No `v1` matches.
    Mismatch,
    /// `t` is more than `tolerance` seconds from `now`.
    Stale,
}

/// Checks a signature header against `body`: some `v1` must be the HMAC (compared in constant
/// time) and `t` within `tolerance` seconds of `now`.
///
/// # Errors
/// Why it is refused.
pub fn verify(
    secret: &str,
    header: &str,
    body: &[u8],
    now: i64,
    tolerance: i64,
) -> Result<(), BadSignature> {
    use hmac::{KeyInit as _, Mac as _};
    let mut t = None;
    let mut candidates = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", v)) => t = v.parse::<i64>().ok(),
            Some(("v1", v)) => candidates.push(v.to_string()),
            _ => {}
        }
    }
    let t = t.ok_or(BadSignature::Malformed)?;
    if candidates.is_empty() {
        return Err(BadSignature::Malformed);
    }
    let matches = candidates.iter().any(|candidate| {
        let Some(bytes) = unhex(candidate) else {
            return false;
        };
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes())
            .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
        mac.update(format!("{t}.").as_bytes());
        mac.update(body);
        mac.verify_slice(&bytes).is_ok()
    });
    if !matches {
        return Err(BadSignature::Mismatch);
    }
    if (now - t).abs() > tolerance {
        return Err(BadSignature::Stale);
    }
    Ok(())
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if text.len() % 2 != 0 {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// A queued message, ready to go.
enum Outgoing {
    Mail(Box<Message>),
    Webhook {
        url: String,
        secret: String,
        body: String,
    },
}

/// The id of the ticket a queued e-mail is about.
fn ticket_id(d: &deliveries::Delivery) -> i64 {
    d.payload
        .get("ticket_id")
        .and_then(serde_json::Value::as_i64)
        .unwrap_or(0)
}

/// [`compose`] with the ticket and attachments read from SQLite.
fn prepare(conn: &Connection, data: &Path, d: &deliveries::Delivery) -> Result<Outgoing, String> {
    if d.kind == deliveries::WEBHOOK {
        return compose(d, None, &[], data);
    }
    let id = ticket_id(d);
    let ticket = store::ticket(conn, id).map_err(|e| e.to_string())?;
    let files = store::attachments(conn, id).map_err(|e| e.to_string())?;
    compose(d, ticket.as_ref(), &files, data)
}

/// The message to send for `d`; an e-mail is written from its `ticket` (and `files`).
fn compose(
    d: &deliveries::Delivery,
    ticket: Option<&store::TicketRecord>,
    files: &[store::Attachment],
    data: &Path,
) -> Result<Outgoing, String> {
    if d.kind == deliveries::WEBHOOK {
        let text = |key: &str| {
            d.payload
                .get(key)
                .and_then(serde_json::Value::as_str)
                .map(str::to_string)
                .ok_or_else(|| format!("payload without {key:?}"))
        };
        return Ok(Outgoing::Webhook {
            url: text("url")?,
            secret: text("secret")?,
            body: text("body")?,
        });
    }
    let ticket = ticket.ok_or_else(|| format!("ticket {} not found", ticket_id(d)))?;
    let message = match d.kind.as_str() {
        deliveries::LEARNER_EMAIL => learner_email(ticket, d),
        deliveries::ESCALATION_EMAIL => escalation_email(ticket, d),
        _ => helpdesk_email(ticket, files, data, d),
    };
    message.map(|m| Outgoing::Mail(Box::new(m)))
}

async fn post_webhook(
    http: &reqwest::Client,
    delivery_id: &str,
    url: &str,
    secret: &str,
    body: String,
) -> Result<(), String> {
    let signature = sign(secret, now(), body.as_bytes());
    let response = http
        .post(url)
        .header("content-type", "application/json")
        .header(SIGNATURE_HEADER, signature)
        .header(DELIVERY_HEADER, delivery_id)
        .body(body)
        .send()
        .await
        .map_err(|e| format!("POST {url}: {e}"))?;
    let status = response.status();
    if status.is_success() {
        Ok(())
    } else {
        Err(format!("POST {url}: HTTP {}", status.as_u16()))
    }
}

/// Where the worker finds the queue.
#[derive(Clone, Debug)]
pub enum Queue {
    /// `DATA/support.db`, on a connection of the worker's own.
    Sqlite,
    /// The PostgreSQL database several instances share: messages are claimed one at a time
    /// (see [`store::pg::deliveries`]), so no two instances send the same one.
    Postgres(Arc<store::pg::Postgres>),
}

/// How the worker sends: the relay's transport (if any) and the webhook client.
struct Senders {
    transport: Option<AsyncSmtpTransport<Tokio1Executor>>,
    http: reqwest::Client,
}

impl Senders {
    fn new(relay: Option<&Relay>) -> Option<Senders> {
        let transport = match relay.map(Relay::transport).transpose() {
            Ok(t) => t,
            Err(e) => {
                crate::serve::log_event("error", "cannot set up the SMTP relay", &[("error", &e)]);
                return None;
            }
        };
        // Redirects are not followed: a signed body is for the URL configured, nowhere else.
        match reqwest::Client::builder()
            .timeout(WEBHOOK_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("lms-support/", env!("CARGO_PKG_VERSION")))
            .build()
        {
            Ok(http) => Some(Senders { transport, http }),
            Err(e) => {
                crate::serve::log_event(
                    "error",
                    "cannot set up the webhook client",
                    &[("error", &e.to_string())],
                );
                None
            }
        }
    }

    /// One attempt.
    async fn send(
        &self,
        delivery: &deliveries::Delivery,
        message: Result<Outgoing, String>,
    ) -> Result<(), String> {
        match (message, &self.transport) {
            (Ok(Outgoing::Mail(message)), Some(transport)) => transport
                .send(*message)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string()),
            (Ok(Outgoing::Mail(_)), None) => {
                Err("no SMTP relay: start serve with --smtp".to_string())
            }
            (Ok(Outgoing::Webhook { url, secret, body }), _) => {
                post_webhook(&self.http, &delivery.message_id, &url, &secret, body).await
            }
            (Err(e), _) => Err(e),
        }
    }
}

/// Logs an attempt and, if it could not be recorded, why.
fn log_attempt(
    delivery: &deliveries::Delivery,
    outcome: &Result<(), String>,
    marked: Result<(), StoreError>,
) {
    let (level, what, error) = match outcome {
        Ok(()) => ("info", "delivered", ""),
        Err(e) => ("warn", "delivery failed; will retry", e.as_str()),
    };
    let (id_text, attempts_text) = (delivery.id.to_string(), (delivery.attempts + 1).to_string());
    let mut fields = vec![
        ("delivery", id_text.as_str()),
        ("kind", delivery.kind.as_str()),
        ("message_id", delivery.message_id.as_str()),
        ("attempt", attempts_text.as_str()),
    ];
    if !error.is_empty() {
        fields.push(("error", error));
    }
    crate::serve::log_event(level, what, &fields);
    if let Err(e) = marked {
        crate::serve::log_event(
            "error",
            "cannot record a delivery attempt",
            &[("error", &e.to_string())],
        );
    }
}

/// Sends due messages (e-mail through `relay`, webhooks over HTTP) from `queue` until the
/// task is dropped.
pub async fn worker(queue: Queue, data: PathBuf, relay: Option<Relay>) {
    let Some(senders) = Senders::new(relay.as_ref()) else {
        return;
    };
    match queue {
        Queue::Sqlite => sqlite_worker(&senders, data).await,
        Queue::Postgres(pg) => postgres_worker(&senders, &pg, &data).await,
    }
}

/// Both workers' answer to a queue they cannot read (database down, disk full): log it and
/// try again after [`POLL`]; the messages stay queued.
async fn wait_after_unreadable_queue(error: String) {
    crate::serve::log_event("error", "delivery queue unreadable", &[("error", &error)]);
    tokio::time::sleep(POLL).await;
}

/// The worker on PostgreSQL: claim one due message, send it, record the attempt; when none is
/// due, wait [`POLL`]. Each instance runs one; claims keep them off each other's messages.
async fn postgres_worker(senders: &Senders, pg: &store::pg::Postgres, data: &Path) {
    loop {
        let claimed = match pg.claim_delivery(now()).await {
            Ok(Some(claimed)) => claimed,
            Ok(None) => {
                tokio::time::sleep(POLL).await;
                continue;
            }
            Err(e) => {
                wait_after_unreadable_queue(e.to_string()).await;
                continue;
            }
        };
        let delivery = &claimed.delivery;
        let message = compose(delivery, claimed.ticket.as_ref(), &claimed.files, data);
        let outcome = senders.send(delivery, message).await;
        let next = now() + backoff_seconds(delivery.attempts + 1, random());
        let marked = match &outcome {
            Ok(()) => pg.mark_delivery(delivery.id, Ok(now())).await,
            Err(e) => pg.mark_delivery(delivery.id, Err((e, next))).await,
        };
        log_attempt(delivery, &outcome, marked);
    }
}

/// The worker on SQLite. Uses its own connection to the database, like the agent's CLI (WAL
/// and `busy_timeout` let it write beside the writer thread); only this task marks
/// deliveries, one at a time, so one process never sends a message twice except after a
/// failed or unacknowledged attempt.
async fn sqlite_worker(senders: &Senders, data: PathBuf) {
    let conn = match store::open_existing(&store::db_path(&data)) {
        Ok(Some(conn)) => Arc::new(Mutex::new(conn)),
        Ok(None) => return,
        Err(e) => {
            crate::serve::log_event(
                "error",
                "delivery worker cannot open the database",
                &[("error", &e.to_string())],
            );
            return;
        }
    };
    loop {
        let db = conn.clone();
        let dir = data.clone();
        let batch = tokio::task::spawn_blocking(move || -> Result<_, StoreError> {
            let conn = db.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            let due = deliveries::due(&conn, now(), BATCH)?;
            Ok(due
                .into_iter()
                .map(|d| {
                    let message = prepare(&conn, &dir, &d);
                    (d, message)
                })
                .collect::<Vec<_>>())
        })
        .await
        .unwrap_or(Err(StoreError::Closed));
        let batch = match batch {
            Ok(batch) => batch,
            Err(e) => {
                wait_after_unreadable_queue(e.to_string()).await;
                continue;
            }
        };
        if batch.is_empty() {
            tokio::time::sleep(POLL).await;
            continue;
        }
        for (delivery, message) in batch {
            let outcome = senders.send(&delivery, message).await;
            let db = conn.clone();
            let id = delivery.id;
            let next = now() + backoff_seconds(delivery.attempts + 1, random());
            let result = outcome.clone();
            let marked = tokio::task::spawn_blocking(move || {
                let conn = db.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                match result {
                    Ok(()) => deliveries::mark_delivered(&conn, id, now()),
                    Err(e) => deliveries::mark_failed(&conn, id, &e, next),
                }
            })
            .await
            .unwrap_or(Err(StoreError::Closed));
            log_attempt(&delivery, &outcome, marked);
        }
    }
}

/// `lms-support deliveries list [--failed]`: one tab-separated line per message, from SQLite
/// in `data` or the PostgreSQL `database`.
pub fn list(data: &Path, database: Option<&str>, failed_only: bool) -> u8 {
    let listed = match database {
        Some(url) => on_postgres(url, |db| async move {
            let rows = store::pg::deliveries::list(&db, failed_only).await?;
            let ids: Vec<i64> = rows.iter().filter_map(queued_ticket_id).collect();
            let numbers: std::collections::HashMap<i64, String> =
                store::pg::deliveries::tickets(&db, &ids)
                    .await?
                    .into_iter()
                    .map(|t| (t.id, t.number()))
                    .collect();
            Ok(table(&rows, |id| numbers.get(&id).cloned()))
        }),
        None => {
            let Some(conn) = open(data) else { return 1 };
            deliveries::list(&conn, failed_only)
                .map(|rows| {
                    table(&rows, |id| {
                        store::ticket(&conn, id).ok().flatten().map(|t| t.number())
                    })
                })
                .map_err(|e| e.to_string())
        }
    };
    match listed {
        Ok(out) => {
            output::stdout(&out);
            0
        }
        Err(e) => {
            output::stderr(&format!("{e}\n"));
            1
        }
    }
}

fn queued_ticket_id(d: &deliveries::Delivery) -> Option<i64> {
    d.payload
        .get("ticket_id")
        .and_then(serde_json::Value::as_i64)
}

/// Runs `work` on a connection to the PostgreSQL database at `url`; a store error becomes
/// its sentence.
fn on_postgres<T, F, Fut>(url: &str, work: F) -> Result<T, String>
where
    F: FnOnce(tokio_postgres::Client) -> Fut,
    Fut: std::future::Future<Output = Result<T, StoreError>>,
{
    let runtime = store::pg::cli_runtime(url)?;
    runtime.block_on(async {
        let db = store::pg::connect_migrated(url)
            .await
            .map_err(|e| format!("cannot open the PostgreSQL database: {e}"))?;
        work(db).await.map_err(|e| format!("database error: {e}"))
    })
}

/// The listing: a header, then one line per message; `number_of` names a ticket by id.
fn table(rows: &[deliveries::Delivery], number_of: impl Fn(i64) -> Option<String>) -> String {
    let mut out =
        String::from("ID\tCLIENT\tKIND\tTICKET\tATTEMPTS\tSTATE\tLAST ERROR\tMESSAGE-ID\n");
    for d in rows {
        // A webhook names its ticket inside the body it will send.
        let webhook_ticket = || {
            let body = d.payload.get("body")?.as_str()?;
            let body: serde_json::Value = serde_json::from_str(body).ok()?;
            Some(body["data"]["ticket"]["number"].as_str()?.to_string())
        };
        let ticket = queued_ticket_id(d)
            .and_then(&number_of)
            .or_else(webhook_ticket)
            .unwrap_or_else(|| "-".to_string());
        let state = match d.delivered_at {
            Some(at) => format!("delivered {}", store::rfc3339(at)),
            None => format!("next attempt {}", store::rfc3339(d.next_attempt_at)),
        };
        out.push_str(&format!(
            "{}\t{}\t{}\t{ticket}\t{}\t{state}\t{}\t{}\n",
            d.id,
            if d.client.is_empty() { "-" } else { &d.client },
            d.kind,
            d.attempts,
            d.last_error
                .as_deref()
                .unwrap_or("-")
                .replace(['\n', '\t'], " "),
            d.message_id
        ));
    }
    out
}

/// `lms-support deliveries retry ID|--all`: makes undelivered messages due now; a running
/// `serve` sends them within a second.
pub fn retry(data: &Path, database: Option<&str>, id: Option<i64>) -> u8 {
    let retried = match database {
        Some(url) => on_postgres(url, |db| async move {
            let found = match id {
                Some(id) => Some(store::pg::deliveries::get(&db, id).await?),
                None => None,
            };
            let n = match found {
                Some(None)
                | Some(Some(deliveries::Delivery {
                    delivered_at: Some(_),
                    ..
                })) => None,
                _ => Some(store::pg::deliveries::retry(&db, id, now()).await?),
            };
            Ok((found, n))
        })
        .and_then(|(found, n)| retry_outcome(id, found, n.map(|n| n as usize))),
        None => {
            let Some(conn) = open(data) else { return 1 };
            let found = match id.map(|id| deliveries::get(&conn, id)).transpose() {
                Ok(found) => found,
                Err(e) => {
                    output::stderr(&format!("{e}\n"));
                    return 1;
                }
            };
            let n = match found {
                Some(None)
                | Some(Some(deliveries::Delivery {
                    delivered_at: Some(_),
                    ..
                })) => Ok(None),
                _ => deliveries::retry(&conn, id, now()).map(Some),
            };
            n.map_err(|e| e.to_string())
                .and_then(|n| retry_outcome(id, found, n))
        }
    };
    match retried {
        Ok(text) => {
            output::stdout(&text);
            0
        }
        Err(e) => {
            output::stderr(&format!("{e}\n"));
            1
        }
    }
}

/// What `retry` says: how many are due now, or why the one named was not retried.
fn retry_outcome(
    id: Option<i64>,
    found: Option<Option<deliveries::Delivery>>,
    retried: Option<usize>,
) -> Result<String, String> {
    match (id, found, retried) {
        (Some(id), Some(None), _) => Err(format!("no delivery {id}")),
        (Some(id), Some(Some(d)), _) if d.delivered_at.is_some() => {
            Err(format!("delivery {id} was already delivered"))
        }
        (_, _, n) => Ok(format!("{} deliveries due now\n", n.unwrap_or(0))),
    }
}

fn open(data: &Path) -> Option<Connection> {
    store::open_data(data)
        .map_err(|message| output::stderr(&format!("{message}\n")))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_with_full_jitter_and_is_capped() {
        assert_eq!(backoff_seconds(1, 0), 1);
        assert_eq!(backoff_seconds(1, u64::MAX), 1);
        assert_eq!(backoff_seconds(4, 7), 8);
        assert_eq!(backoff_seconds(4, 8), 1);
        for attempts in [12, 30, 1000] {
            assert_eq!(backoff_seconds(attempts, 899), BACKOFF_CAP_SECONDS);
            assert!(backoff_seconds(attempts, random()) <= BACKOFF_CAP_SECONDS);
        }
    }

    #[test]
    fn signatures_verify_only_with_the_key_the_body_and_a_fresh_time() {
        let body = br#"{"type":"reply"}"#;
        let header = sign("key", 1000, body);
        assert!(header.starts_with("t=1000,v1=") && header.len() == "t=1000,v1=".len() + 64);
        assert_eq!(verify("key", &header, body, 1100, 300), Ok(()));
        // A second v1 (a receiver rotating keys) may sit beside the right one.
        assert_eq!(
            verify(
                "key",
                &format!("t=1000,v1=00,{}", &header[7..]),
                body,
                1000,
                300
            ),
            Ok(())
        );
        assert_eq!(
            verify("other", &header, body, 1000, 300),
            Err(BadSignature::Mismatch)
        );
        assert_eq!(
            verify("key", &header, br#"{"type":"status"}"#, 1000, 300),
            Err(BadSignature::Mismatch)
        );
        assert_eq!(
            verify("key", &header, body, 1301, 300),
            Err(BadSignature::Stale)
        );
        // The time is signed: moving it forward breaks the signature.
        let moved = header.replacen("t=1000", "t=1300", 1);
        assert_eq!(
            verify("key", &moved, body, 1300, 300),
            Err(BadSignature::Mismatch)
        );
        for bad in ["", "v1=ab", "t=1000", "t=x,v1=ab"] {
            assert_eq!(
                verify("key", bad, body, 1000, 300),
                Err(BadSignature::Malformed),
                "{bad}"
            );
        }
    }

    #[test]
    fn relay_urls() {
        let parse = |url: &str| Relay::parse(url);
        let relay = parse("smtp://127.0.0.1:2525").expect("plain");
        assert_eq!(
            (
                relay.host.as_str(),
                relay.port,
                relay.tls,
                relay.credentials
            ),
            ("127.0.0.1", 2525, TlsMode::Opportunistic, None)
        );
        let relay = parse("smtp://me%40acme.example:p%3Ass@mail.acme.example:587?tls=starttls")
            .expect("starttls");
        assert_eq!(
            (relay.host.as_str(), relay.port, relay.tls),
            ("mail.acme.example", 587, TlsMode::StartTls)
        );
        assert_eq!(
            relay.credentials,
            Some(("me@acme.example".to_string(), "p:ss".to_string()))
        );
        assert_eq!(
            parse("smtps://mail.example").map(|r| (r.port, r.tls)),
            Ok((465, TlsMode::Wrapper))
        );
        assert_eq!(
            parse("smtp://h?tls=none").map(|r| (r.port, r.tls)),
            Ok((25, TlsMode::None))
        );
        for bad in [
            "http://h",
            "smtp://",
            "smtp://h:0",
            "smtp://h:x",
            "smtps://h?tls=none",
            "h:25",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
