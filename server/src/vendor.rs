//! The vendor configuration: which client institutions the service serves, and each one's own
//! parts of the feed.
//!
//! A directory, so that hundreds of clients stay readable and one client's change is a change
//! to one file (reviewable, and writable by a provisioning script without touching the rest):
//!
//! ```text
//! DIR/vendor.json          {"version": 1, "support": {…}, "faq": […]}   defaults for every client
//! DIR/clients/acme.json    {"name", "site_name", "groups", "origins", "ticket_prefix",
//!                           "default_locale", "quiet_pages", "faq", "support",
//!                           "maintenance", "notices", "helpdesk_email", "notify_from"}
//! ```
//!
//! A client's id is its file name (`acme`). Its `support` block is the vendor's with the
//! client's fields on top; its FAQ is its own entries, then the vendor's (a client entry with
//! the same id wins). `maintenance` and `notices` are the client's extras, beside what the
//! shared schedule targets at it. Each client's feed without the schedule is checked by the
//! widget's core exactly as `check` would (one line per problem, prefixed by the file), and the
//! whole configuration is refused when any line is a problem: the caller keeps the last good
//! one. Unknown fields inside the feed parts are warnings, as in `check`; unknown fields of
//! the client file itself are problems, since they are this format's own.
//!
//! This module reads and checks files; serving, reloading and assembling feeds are
//! `serve`'s (see [`crate::serve`]).

use crate::feedfile;
use crate::store;
use crate::store::schedule::is_valid_id;
use lms_support_widget::feed::{self, Support};
use lms_support_widget::zone::TzDatabase;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

/// The vendor-wide file inside the configuration directory.
pub const VENDOR_FILE: &str = "vendor.json";
/// The directory of client files inside the configuration directory.
pub const CLIENTS_DIR: &str = "clients";

const VENDOR_FIELDS: &[&str] = &["version", "support", "faq", "flows"];
const CLIENT_FIELDS: &[&str] = &[
    "id",
    "name",
    "site_name",
    "groups",
    "origins",
    "ticket_prefix",
    "default_locale",
    "quiet_pages",
    "faq",
    "flows",
    "support",
    "maintenance",
    "notices",
    "helpdesk_email",
    "notify_from",
    "escalation_email",
    "webhooks",
    "helpdesk_hook_secret",
];

/// Shortest shared secret accepted for a webhook or the helpdesk hook: 32 characters (a
/// random hex string of 16 bytes or more).
const MIN_SECRET: usize = 32;

/// One client institution.
#[derive(Debug)]
pub struct Client {
    /// Its id, the file name: `acme`.
    pub id: String,
    /// Its groups: fleets, release channels, free tags.
    pub groups: Vec<String>,
    /// Origins whose pages may call its ticket API, canonical (`https://learn.acme.edu`).
    pub origins: Vec<String>,
    /// Its ticket number prefix: `ACME`.
    pub ticket_prefix: String,
    /// Its default language tag, if given (kept for the admin side; the feed has no field
    /// for it: the widget follows the page and the learner).
    #[allow(dead_code)]
    pub default_locale: Option<String>,
    /// Its own part of the feed: `client`, `faq`, `support` (with `api`), and the extra
    /// `maintenance` and `notices`.
    pub own: Map<String, Value>,
    /// Its support block as the core read it, for validating its tickets.
    pub support: Option<Arc<Support>>,
    /// Where its new tickets are e-mailed (`helpdesk_email`, sent from `notify_from`).
    pub helpdesk: Option<store::deliveries::HelpdeskRoute>,
    /// The sender of its e-mails to learners and to its escalation address (`notify_from`);
    /// learners hear of replies and resolutions by e-mail only when it is set.
    pub notify_from: Option<String>,
    /// Who hears of its escalated critical tickets (`escalation_email`; needs `notify_from`).
    pub escalation_email: Option<String>,
    /// Its signed webhook receivers (`webhooks`).
    pub webhooks: Vec<store::deliveries::Webhook>,
    /// The key its helpdesk signs `POST /v1/hooks/helpdesk` with (`helpdesk_hook_secret`).
    pub helpdesk_hook_secret: Option<String>,
}

/// A checked configuration.
#[derive(Debug, Default)]
pub struct Config {
    /// The clients by id.
    pub clients: BTreeMap<String, Arc<Client>>,
    /// Warnings (unknown fields in feed parts), one line each, file first.
    pub warnings: Vec<String>,
}

/// The base of a client's ticket API, relative to the feed's URL: `/v1/clients/acme`.
pub fn api_base(client: &str) -> String {
    format!("/v1/clients/{client}")
}

/// The configuration directory `path` names: the directory itself, or the one holding the
/// `vendor.json` it names.
pub fn config_dir(path: &Path) -> PathBuf {
    if path.file_name().is_some_and(|n| n == VENDOR_FILE) {
        path.parent().map_or_else(PathBuf::new, Path::to_path_buf)
    } else {
        path.to_path_buf()
    }
}

/// What the files looked like: every file's path, modification time and size, sorted. A
/// change of any (a file added, removed, edited) means the configuration should be read again.
pub fn fingerprint(dir: &Path) -> Vec<(PathBuf, Option<SystemTime>, u64)> {
    let mut out = Vec::new();
    let mut note = |path: PathBuf| {
        let meta = std::fs::metadata(&path).ok();
        out.push((
            path,
            meta.as_ref().and_then(|m| m.modified().ok()),
            meta.map_or(0, |m| m.len()),
        ));
    };
    note(dir.join(VENDOR_FILE));
    if let Ok(entries) = std::fs::read_dir(dir.join(CLIENTS_DIR)) {
        for entry in entries.flatten() {
            note(entry.path());
        }
    }
    out.sort();
    out
}

/// Reads and checks the configuration in `dir`.
///
/// # Errors
/// Every problem, one line each, naming the file (`clients/acme.json: faq[1] (x): …`).
pub fn load(dir: &Path) -> Result<Config, Vec<String>> {
    let mut problems = Vec::new();
    let mut config = Config::default();
    let vendor = read_object(dir, VENDOR_FILE, &mut problems).unwrap_or_default();
    if !vendor.is_empty() {
        match vendor.get("version") {
            Some(v) if v.as_u64() == Some(1) => {}
            Some(v) => problems.push(format!("{VENDOR_FILE}: \"version\" must be 1, not {v}")),
            None => problems.push(format!(
                "{VENDOR_FILE}: missing \"version\"; add \"version\": 1"
            )),
        }
        for key in vendor
            .keys()
            .filter(|k| !VENDOR_FIELDS.contains(&k.as_str()))
        {
            problems.push(format!("{VENDOR_FILE}: unknown field {key:?}"));
        }
    }
    let mut names: Vec<String> = match std::fs::read_dir(dir.join(CLIENTS_DIR)) {
        Ok(entries) => entries
            .flatten()
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| n.ends_with(".json"))
            .collect(),
        Err(e) => {
            problems.push(format!("{CLIENTS_DIR}/: cannot read: {e}"));
            Vec::new()
        }
    };
    names.sort();
    if names.is_empty() && problems.is_empty() {
        problems.push(format!(
            "{CLIENTS_DIR}/: no client files; add {CLIENTS_DIR}/<id>.json"
        ));
    }
    let mut prefixes: BTreeMap<String, String> = BTreeMap::new();
    for name in names {
        let file = format!("{CLIENTS_DIR}/{name}");
        let Some(object) = read_object(dir, &file, &mut problems) else {
            continue;
        };
        let id = name.trim_end_matches(".json").to_string();
        if let Some(client) = client(&file, &id, &object, &vendor, &mut problems, &mut config) {
            let key = client.ticket_prefix.to_ascii_uppercase();
            if let Some(other) = prefixes.get(&key) {
                problems.push(format!(
                    "{file}: \"ticket_prefix\" {:?} is also {other}'s; ticket numbers must tell clients apart",
                    client.ticket_prefix
                ));
            }
            prefixes.insert(key, id.clone());
            config.clients.insert(id, Arc::new(client));
        }
    }
    if problems.is_empty() {
        Ok(config)
    } else {
        Err(problems)
    }
}

fn read_object(dir: &Path, file: &str, problems: &mut Vec<String>) -> Option<Map<String, Value>> {
    let bytes = match std::fs::read(dir.join(file)) {
        Ok(bytes) => bytes,
        Err(e) => {
            problems.push(format!("{file}: cannot read: {e}"));
            return None;
        }
    };
    let text = match feedfile::decode(&bytes) {
        Ok(text) => text,
        Err(e) => {
            problems.push(format!("{file}: {e}"));
            return None;
        }
    };
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => Some(map),
        Ok(_) => {
            problems.push(format!("{file}: must be a JSON object"));
            None
        }
        Err(e) => {
            problems.push(format!("{file}: not valid JSON: {e}"));
            None
        }
    }
}

fn string_list(
    file: &str,
    object: &Map<String, Value>,
    key: &str,
    problems: &mut Vec<String>,
) -> Vec<String> {
    match object.get(key) {
        None => Vec::new(),
        Some(Value::Array(items)) if items.iter().all(Value::is_string) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        Some(_) => {
            problems.push(format!("{file}: {key:?} must be an array of strings"));
            Vec::new()
        }
    }
}

/// Checks one client file; `None` (with problems noted) when it cannot be used.
/// `own[key]`'s entries, then `vendor[key]`'s whose id the client does not use: a client
/// overrides a shared FAQ entry or flow by giving its own the same id.
fn own_then_shared(own: &Map<String, Value>, vendor: &Map<String, Value>, key: &str) -> Vec<Value> {
    let mut entries: Vec<Value> = match own.get(key) {
        Some(Value::Array(items)) => items.clone(),
        _ => Vec::new(),
    };
    if let Some(Value::Array(shared)) = vendor.get(key) {
        let own_ids: Vec<Value> = entries
            .iter()
            .filter_map(|e| e.get("id").cloned())
            .collect();
        entries.extend(
            shared
                .iter()
                .filter(|e| e.get("id").is_none_or(|i| !own_ids.contains(i)))
                .cloned(),
        );
    }
    entries
}

fn client(
    file: &str,
    id: &str,
    object: &Map<String, Value>,
    vendor: &Map<String, Value>,
    problems: &mut Vec<String>,
    config: &mut Config,
) -> Option<Client> {
    let before = problems.len();
    if !is_valid_id(id) {
        problems.push(format!(
            "{file}: the file name must be the client id: 1 to 64 letters, digits, '-', '_' or '.'"
        ));
    }
    for key in object
        .keys()
        .filter(|k| !CLIENT_FIELDS.contains(&k.as_str()))
    {
        problems.push(format!("{file}: unknown field {key:?}"));
    }
    if let Some(given) = object.get("id") {
        if given.as_str() != Some(id) {
            problems.push(format!(
                "{file}: \"id\" is {given} but the file is named {id}.json; they must agree"
            ));
        }
    }
    let text = |key: &str, problems: &mut Vec<String>| match object.get(key) {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.clone()),
        None => None,
        Some(_) => {
            problems.push(format!("{file}: {key:?} must be a non-empty string"));
            None
        }
    };
    let name = text("name", problems);
    if name.is_none() && !object.contains_key("name") {
        problems.push(format!("{file}: missing \"name\""));
    }
    let site_name = text("site_name", problems).or_else(|| name.clone());
    let ticket_prefix = text("ticket_prefix", problems);
    match &ticket_prefix {
        None if !object.contains_key("ticket_prefix") => {
            problems.push(format!("{file}: missing \"ticket_prefix\""));
        }
        Some(prefix) if !store::is_valid_prefix(prefix) => problems.push(format!(
            "{file}: \"ticket_prefix\" must be 1 to 16 letters and digits, like ACME, not {prefix:?}"
        )),
        _ => {}
    }
    let default_locale = text("default_locale", problems);
    let address = |key: &str, problems: &mut Vec<String>| {
        let value = text(key, problems)?;
        if value.parse::<lettre::Address>().is_ok() {
            Some(value)
        } else {
            problems.push(format!(
                "{file}: {key:?} must be a bare e-mail address like helpdesk@acme.example, not {value:?}"
            ));
            None
        }
    };
    let helpdesk_email = address("helpdesk_email", problems);
    let notify_from = address("notify_from", problems);
    let escalation_email = address("escalation_email", problems);
    if escalation_email.is_some() && !object.contains_key("notify_from") {
        problems.push(format!(
            "{file}: \"escalation_email\" needs \"notify_from\", the address the e-mails come from"
        ));
    }
    let helpdesk = match (helpdesk_email, notify_from.clone()) {
        (Some(to), Some(from)) => Some(store::deliveries::HelpdeskRoute { to, from }),
        (Some(_), None) if !object.contains_key("notify_from") => {
            problems.push(format!(
                "{file}: \"helpdesk_email\" needs \"notify_from\", the address the e-mails come from"
            ));
            None
        }
        _ => None,
    };
    let webhooks = webhooks(file, object.get("webhooks"), problems);
    let helpdesk_hook_secret = text("helpdesk_hook_secret", problems);
    if helpdesk_hook_secret
        .as_ref()
        .is_some_and(|s| s.chars().count() < MIN_SECRET)
    {
        problems.push(format!(
            "{file}: \"helpdesk_hook_secret\" must be at least {MIN_SECRET} characters"
        ));
    }
    let groups = string_list(file, object, "groups", problems);
    for group in groups.iter().filter(|g| !is_valid_id(g)) {
        problems.push(format!(
            "{file}: group {group:?} is not a valid id: use 1 to 64 letters, digits, '-', '_' or '.'"
        ));
    }
    let mut origins = Vec::new();
    for (i, origin) in string_list(file, object, "origins", problems)
        .iter()
        .enumerate()
    {
        match crate::serve::parse_origin(origin) {
            Ok(o) => origins.push(o),
            Err(_) => problems.push(format!(
                "{file}: origins[{i}] {origin:?} is not an origin like https://lms.example.edu (scheme, host and optional port, no path)"
            )),
        }
    }

    // The client's own feed, checked by the core as `check` would.
    let mut support = match vendor.get("support") {
        Some(Value::Object(map)) => map.clone(),
        _ => Map::new(),
    };
    match object.get("support") {
        Some(Value::Object(own)) => support.extend(own.clone()),
        Some(_) => problems.push(format!("{file}: \"support\" must be an object")),
        None => {}
    }
    if support.is_empty() {
        problems.push(format!(
            "{file}: no \"support\" block here or in {VENDOR_FILE}; the ticket form needs one"
        ));
    }
    support.insert("api".into(), Value::String(api_base(id)));
    let faq = own_then_shared(object, vendor, "faq");
    let flows = own_then_shared(object, vendor, "flows");
    let mut client_block = Map::new();
    client_block.insert("name".into(), name.clone().unwrap_or_default().into());
    client_block.insert("site_name".into(), site_name.unwrap_or_default().into());
    if let Some(quiet) = object.get("quiet_pages") {
        client_block.insert("quiet_pages".into(), quiet.clone());
    }
    let mut own = Map::new();
    own.insert("client".into(), Value::Object(client_block));
    own.insert("faq".into(), Value::Array(faq));
    if !flows.is_empty() {
        own.insert("flows".into(), Value::Array(flows));
    }
    own.insert("support".into(), Value::Object(support));
    for key in ["maintenance", "notices"] {
        own.insert(
            key.into(),
            object.get(key).cloned().unwrap_or(Value::Array(Vec::new())),
        );
    }
    let mut whole = own.clone();
    whole.insert("version".into(), json!(1));
    let parsed = match feed::parse(&Value::Object(whole).to_string(), &TzDatabase) {
        Ok(parsed) => parsed,
        Err(e) => {
            problems.push(format!("{file}: {e}"));
            return None;
        }
    };
    for problem in &parsed.problems {
        problems.push(format!("{file}: {problem}"));
    }
    if let Some(why) = parsed.refusal() {
        problems.push(format!("{file}: the widget will not use this feed: {why}"));
    }
    for field in &parsed.unknown_fields {
        config.warnings.push(format!(
            "{file}: {}",
            feedfile::unknown_field_warning(field)
        ));
    }
    if problems.len() > before {
        return None;
    }
    Some(Client {
        id: id.to_string(),
        groups,
        origins,
        ticket_prefix: ticket_prefix.unwrap_or_default(),
        default_locale,
        own,
        support: parsed.feed.support.map(Arc::new),
        helpdesk,
        notify_from,
        escalation_email,
        webhooks,
        helpdesk_hook_secret,
    })
}

/// Checks `webhooks`: an array of `{url, secret, events}`, http(s) URLs, long secrets, known
/// events.
fn webhooks(
    file: &str,
    value: Option<&Value>,
    problems: &mut Vec<String>,
) -> Vec<store::deliveries::Webhook> {
    let Some(value) = value else {
        return Vec::new();
    };
    let Some(items) = value.as_array() else {
        problems.push(format!(
            "{file}: \"webhooks\" must be an array of {{url, secret, events}}"
        ));
        return Vec::new();
    };
    let mut hooks = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let at = format!("{file}: webhooks[{i}]");
        let Some(object) = item.as_object() else {
            problems.push(format!("{at} must be an object {{url, secret, events}}"));
            continue;
        };
        if let Some(key) = object
            .keys()
            .find(|k| !["url", "secret", "events"].contains(&k.as_str()))
        {
            problems.push(format!("{at}: unknown field {key:?}"));
        }
        let url = object.get("url").and_then(Value::as_str).unwrap_or("");
        let host_ok = url
            .split_once("://")
            .filter(|(scheme, _)| *scheme == "http" || *scheme == "https")
            .is_some_and(|(_, rest)| {
                !rest.is_empty() && !rest.starts_with('/') && !rest.contains(char::is_whitespace)
            });
        if !host_ok {
            problems.push(format!(
                "{at}: \"url\" must be an http:// or https:// URL, not {url:?}"
            ));
        }
        let secret = object.get("secret").and_then(Value::as_str).unwrap_or("");
        if secret.chars().count() < MIN_SECRET {
            problems.push(format!(
                "{at}: \"secret\" must be at least {MIN_SECRET} characters"
            ));
        }
        let events: Vec<String> = match object.get("events") {
            Some(Value::Array(e)) if !e.is_empty() => e
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            _ => Vec::new(),
        };
        if events.is_empty()
            || events
                .iter()
                .any(|e| !store::deliveries::EVENTS.contains(&e.as_str()))
        {
            problems.push(format!(
                "{at}: \"events\" must list some of {}",
                store::deliveries::EVENTS.join(", ")
            ));
        }
        hooks.push(store::deliveries::Webhook {
            url: url.to_string(),
            secret: secret.to_string(),
            events,
        });
    }
    hooks
}

/// Writes the example configuration of `demo-config`: two clients, `acme` and `uni`, both in
/// group `eu-1`, each with its own name, FAQ, contacts, prefix and origins; the support block
/// is the vendor's.
///
/// # Errors
/// When a file cannot be written.
pub fn write_demo(dir: &Path) -> std::io::Result<()> {
    let demo: Value = serde_json::from_str(&crate::demo::demo_feed(crate::clock::now()))
        .map_err(std::io::Error::other)?;
    let mut support = demo.get("support").cloned().unwrap_or_else(|| json!({}));
    if let Some(map) = support.as_object_mut() {
        map.remove("api");
        map.remove("fallback");
    }
    let faq = demo.get("faq").cloned().unwrap_or_else(|| json!([]));
    let flows = demo.get("flows").cloned().unwrap_or_else(|| json!([]));
    // Acme's own recurring window: a client-specific extra beside the shared schedule.
    let weekly: Vec<Value> = demo
        .get("maintenance")
        .and_then(Value::as_array)
        .map(|all| {
            all.iter()
                .filter(|w| w.get("every").is_some())
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    let vendor = json!({ "version": 1, "support": support });
    let acme = json!({
        "name": "Acme College",
        "site_name": "Acme Learn",
        "groups": ["eu-1"],
        "origins": ["https://learn.acme.example", "http://127.0.0.1:8080", "http://localhost:8080"],
        "ticket_prefix": "ACME",
        "default_locale": "en",
        "quiet_pages": ["body#page-mod-quiz-attempt"],
        "faq": faq,
        "flows": flows,
        "maintenance": weekly,
        // `help_events`: the widget may send anonymous help events for `lms-support report`.
        "support": { "fallback": { "email": "help@acme.example", "phone": "+1 555 0100" },
                     "help_events": true },
        // New tickets are e-mailed to the helpdesk's inbound address (with `serve --smtp`).
        "helpdesk_email": "helpdesk@acme.example",
        // Learners hear of replies and resolutions from this address; a critical ticket late
        // for its response or unresolved after 2 hours is e-mailed to `escalation_email`.
        "notify_from": "support@acme.example",
        "escalation_email": "escalations@acme.example"
    });
    let uni = json!({
        "name": "Northfield University",
        "site_name": "Northfield Online",
        "groups": ["eu-1"],
        "origins": ["https://online.northfield.example", "http://127.0.0.1:8080", "http://localhost:8080"],
        "ticket_prefix": "UNI",
        "default_locale": "es",
        "quiet_pages": ["body#page-mod-quiz-attempt"],
        "faq": [
            {
                "id": "uni-login",
                "category": "account",
                "tags": ["login", "password", "sso"],
                "question": {
                    "en": "How do I sign in to Northfield Online?",
                    "es": "¿Cómo inicio sesión en Northfield Online?"
                },
                "answer": {
                    "en": "Use **Sign in with Northfield ID** and your university e-mail. Forgot the password? Reset it at the [ID portal](https://id.northfield.example).",
                    "es": "Usa **Entrar con Northfield ID** y tu correo de la universidad. ¿Olvidaste la contraseña? Cámbiala en el [portal de ID](https://id.northfield.example)."
                }
            },
            {
                "id": "uni-exams",
                "category": "exams",
                "tags": ["exam", "proctoring"],
                "question": {
                    "en": "Which browser do I need for online exams?",
                    "es": "¿Qué navegador necesito para los exámenes en línea?"
                },
                "answer": {
                    "en": "A current Chrome, Edge or Firefox. Start the exam from the course page, not from a bookmark.",
                    "es": "Un Chrome, Edge o Firefox actual. Empieza el examen desde la página del curso, no desde un marcador."
                }
            }
        ],
        "support": {
            "hours": "Mon–Fri 8:00–20:00 CET",
            "fallback": { "email": "helpdesk@northfield.example", "phone": "+34 900 000 000" }
        }
    });
    std::fs::create_dir_all(dir.join(CLIENTS_DIR))?;
    let pretty = |v: &Value| serde_json::to_string_pretty(v).map_err(std::io::Error::other);
    std::fs::write(dir.join(VENDOR_FILE), pretty(&vendor)? + "\n")?;
    std::fs::write(
        dir.join(CLIENTS_DIR).join("acme.json"),
        pretty(&acme)? + "\n",
    )?;
    std::fs::write(dir.join(CLIENTS_DIR).join("uni.json"), pretty(&uni)? + "\n")?;
    Ok(())
}

/// `lms-support demo-config DIR`: writes the example and checks it; returns the exit status.
pub fn run_demo_config(dir: &Path) -> u8 {
    if let Err(e) = write_demo(dir) {
        crate::output::stderr(&format!("cannot write {}: {e}\n", dir.display()));
        return 1;
    }
    match load(dir) {
        Ok(config) => {
            crate::output::stdout(&format!(
                "wrote {} with clients {}; serve it with `lms-support serve --config {}`\n",
                dir.display(),
                config
                    .clients
                    .keys()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", "),
                dir.display()
            ));
            0
        }
        Err(problems) => {
            crate::output::stderr(&(problems.join("\n") + "\n"));
            1
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Dir(PathBuf);

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn dir(name: &str, vendor: &Value, clients: &[(&str, Value)]) -> Dir {
        let dir =
            std::env::temp_dir().join(format!("lms-support-vendor-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join(CLIENTS_DIR)).expect("dir");
        std::fs::write(dir.join(VENDOR_FILE), vendor.to_string()).expect("write");
        for (id, client) in clients {
            std::fs::write(
                dir.join(CLIENTS_DIR).join(format!("{id}.json")),
                client.to_string(),
            )
            .expect("write");
        }
        Dir(dir)
    }

    fn faq(id: &str) -> Value {
        json!({"id": id, "question": {"en": "Q?"}, "answer": {"en": format!("from {id}")}})
    }

    #[test]
    fn a_client_inherits_the_vendors_support_and_faq_and_overrides_them() {
        let vendor = json!({"version": 1,
            "support": {"hours": "24/7", "categories": ["access"],
                        "fallback": {"email": "help@vendor.example"}},
            "faq": [faq("shared"), faq("password")]});
        let acme = json!({"name": "Acme", "ticket_prefix": "ACME", "groups": ["eu-1"],
            "faq": [faq("password")], "support": {"fallback": {"email": "help@acme.example"}}});
        let d = dir("inherit", &vendor, &[("acme", acme)]);
        let config = load(&d.0).expect("valid");
        let acme = &config.clients["acme"];
        let ids: Vec<&str> = acme.own["faq"]
            .as_array()
            .expect("faq")
            .iter()
            .filter_map(|e| e["id"].as_str())
            .collect();
        assert_eq!(ids, ["password", "shared"]);
        assert_eq!(acme.own["faq"][0]["answer"]["en"], "from password");
        assert_eq!(
            acme.own["support"],
            json!({"hours": "24/7", "categories": ["access"],
                   "fallback": {"email": "help@acme.example"}, "api": "/v1/clients/acme"})
        );
        assert_eq!(
            acme.own["client"],
            json!({"name": "Acme", "site_name": "Acme"})
        );
        assert_eq!(acme.groups, ["eu-1"]);
    }

    #[test]
    fn helpdesk_addresses_are_checked_and_need_a_sender() {
        let vendor = json!({"version": 1, "support": {"fallback": {"email": "h@v.example"}}});
        let base = |extra: Value| {
            let mut client = json!({"name": "Acme", "ticket_prefix": "ACME"});
            if let (Some(c), Some(e)) = (client.as_object_mut(), extra.as_object()) {
                c.extend(e.clone());
            }
            client
        };
        let d = dir(
            "helpdesk-ok",
            &vendor,
            &[(
                "acme",
                base(json!({"helpdesk_email": "helpdesk@acme.example",
                            "notify_from": "support@acme.example"})),
            )],
        );
        assert_eq!(
            load(&d.0).expect("valid").clients["acme"].helpdesk,
            Some(store::deliveries::HelpdeskRoute {
                to: "helpdesk@acme.example".into(),
                from: "support@acme.example".into()
            })
        );
        let d = dir(
            "helpdesk-bad",
            &vendor,
            &[
                (
                    "acme",
                    base(json!({"helpdesk_email": "Helpdesk <helpdesk@acme.example>"})),
                ),
                (
                    "uni",
                    base(json!({"ticket_prefix": "UNI", "helpdesk_email": "h@uni.example"})),
                ),
            ],
        );
        assert_eq!(
            load(&d.0).map(|_| ()),
            Err(vec![
                "clients/acme.json: \"helpdesk_email\" must be a bare e-mail address like helpdesk@acme.example, not \"Helpdesk <helpdesk@acme.example>\"".to_string(),
                "clients/uni.json: \"helpdesk_email\" needs \"notify_from\", the address the e-mails come from".to_string(),
            ])
        );
    }

    #[test]
    fn webhooks_need_http_urls_long_secrets_and_known_events() {
        let vendor = json!({"version": 1, "support": {"fallback": {"email": "h@v.example"}}});
        let secret = "s".repeat(32);
        let client = |hooks: Value| {
            json!({"name": "Acme", "ticket_prefix": "ACME", "webhooks": hooks,
                   "helpdesk_hook_secret": "x".repeat(32)})
        };
        let d = dir(
            "webhooks-ok",
            &vendor,
            &[(
                "acme",
                client(
                    json!([{"url": "https://hooks.acme.example/lms", "secret": secret,
                               "events": ["ticket.created", "feedback.created"]}]),
                ),
            )],
        );
        let config = load(&d.0).expect("valid");
        assert_eq!(
            config.clients["acme"].webhooks,
            [store::deliveries::Webhook {
                url: "https://hooks.acme.example/lms".into(),
                secret: secret.clone(),
                events: vec!["ticket.created".into(), "feedback.created".into()],
            }]
        );
        assert_eq!(
            config.clients["acme"].helpdesk_hook_secret.as_deref(),
            Some("x".repeat(32).as_str())
        );
        let d = dir(
            "webhooks-bad",
            &vendor,
            &[(
                "acme",
                client(json!([
                    {"url": "ftp://hooks.acme.example", "secret": secret, "events": ["ticket.created"]},
                    {"url": "http://hooks.acme.example", "secret": "short", "events": ["ticket.deleted"]},
                ])),
            )],
        );
        assert_eq!(
            load(&d.0).map(|_| ()),
            Err(vec![
                "clients/acme.json: webhooks[0]: \"url\" must be an http:// or https:// URL, not \"ftp://hooks.acme.example\"".to_string(),
                "clients/acme.json: webhooks[1]: \"secret\" must be at least 32 characters".to_string(),
                "clients/acme.json: webhooks[1]: \"events\" must list some of ticket.created, ticket.updated, feedback.created".to_string(),
            ])
        );
    }

    #[test]
    fn problems_name_their_file() {
        let d = dir(
            "problems",
            &json!({"version": 2, "colour": 1}),
            &[("acme", json!({"ticket_prefix": "ACME", "id": "other"}))],
        );
        assert_eq!(
            load(&d.0).map(|_| ()),
            Err(vec![
                "vendor.json: \"version\" must be 1, not 2".to_string(),
                "vendor.json: unknown field \"colour\"".to_string(),
                "clients/acme.json: \"id\" is \"other\" but the file is named acme.json; they must agree".to_string(),
                "clients/acme.json: missing \"name\"".to_string(),
                "clients/acme.json: no \"support\" block here or in vendor.json; the ticket form needs one".to_string(),
            ])
        );
    }
}
