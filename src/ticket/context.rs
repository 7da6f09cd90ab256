//! The page context attached to a ticket, shown to the learner before sending (issue 4, item 2).
//!
//! The browser layer gathers [`PageFacts`] (what the LMS page exposes, read without judgement);
//! [`context_items`] picks the few the support agent needs, in a fixed order with stable keys,
//! and the learner can remove any of them before sending. This module never returns anything
//! stored under a key that names a secret ([`is_sensitive_key`]: Moodle's `sesskey`, tokens,
//! passwords, session ids, cookies, CSRF values, anything `auth`) whatever the source, and it
//! removes any such secret's value if it turns up inside another item (a URL path, a name).
//! It does not read the DOM and does not decide what the ticket JSON looks like.
//!
//! ```
//! use lms_support_widget::ticket::context::{context_items, PageFacts};
//!
//! let facts = PageFacts {
//!     url: "https://learn.example/course/view.php?id=42&sesskey=abc#section-2".into(),
//!     moodle_body_classes: vec!["path-course-view".into(), "course-42".into()],
//!     moodle_cfg: vec![("wwwroot".into(), "https://learn.example".into()),
//!                      ("sesskey".into(), "abc".into())],
//!     ..PageFacts::default()
//! };
//! let items = context_items(&facts);
//! assert_eq!(items[0].value, "https://learn.example/course/view.php");
//! assert!(items.iter().any(|i| i.key == "course_id" && i.value == "42"));
//! assert!(items.iter().all(|i| !i.value.contains("abc")));
//! ```

use crate::base::substring::{contains, find, replace};

/// Longest value kept, in characters (design §5).
pub const MAX_VALUE_CHARS: usize = 1000;

/// Most items returned (design §5).
pub const MAX_ITEMS: usize = 20;

/// Words that mark a key as holding a secret, compared case-insensitively as substrings.
const SENSITIVE_WORDS: [&str; 10] = [
    "sesskey", "token", "secret", "password", "passwd", "session", "cookie", "csrf", "xsrf", "auth",
];

/// What the page exposes, as the browser layer read it. Every list is `(key, value)` text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PageFacts {
    /// `location.href`.
    pub url: String,
    /// The host's `data-lms` setting: `None` or `auto` to detect, `none` for no adapter, or a
    /// name (`moodle`, `canvas`, `open_edx`, `blackboard`, `brightspace`, `sakai`).
    pub lms: Option<String>,
    /// `document.body.classList` on Moodle.
    pub moodle_body_classes: Vec<String>,
    /// Moodle's `M.cfg`, flattened (`wwwroot`, `courseId`, `contextid`, …).
    pub moodle_cfg: Vec<(String, String)>,
    /// Canvas's `ENV`, flattened with dotted keys (`current_user.display_name`,
    /// `context_asset_string`, `current_context.name`, `current_user_roles.0`, `TIMEZONE`).
    pub canvas_env: Vec<(String, String)>,
    /// Sakai's `portal` object, flattened (`siteId`, `siteTitle`, `user.id`, …).
    pub sakai_portal: Vec<(String, String)>,
    /// `data-*` attributes from the loader's script tag or the host template (`course-id`,
    /// `course-name`, `role`, `user-name`, `user-email`); `courseId` and `data-course-id`
    /// spellings are read too.
    pub data_attributes: Vec<(String, String)>,
    /// `navigator.userAgent`.
    pub user_agent: String,
    /// Viewport width and height in CSS pixels.
    pub viewport: (u32, u32),
    /// The browser's IANA time zone.
    pub time_zone: String,
    /// Ids of the maintenance windows and notices active on the page.
    pub active_ids: Vec<String>,
}

/// One line of context, shown to the learner and sent with the ticket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContextItem {
    /// A stable key: `page_url`, `lms`, `course_id`, `course_name`, `activity_id`, `context_id`,
    /// `role`, `user_name`, `user_email`, `browser`, `os`, `viewport`, `time_zone`,
    /// `active_items`.
    pub key: String,
    /// The value, at most [`MAX_VALUE_CHARS`] characters.
    pub value: String,
}

/// True when a key names a secret (see the module docs). `data-`, `-` and `_` are ignored, so
/// `data-auth-token`, `authToken` and `AUTH_TOKEN` all are.
pub fn is_sensitive_key(key: &str) -> bool {
    let key = normalize_key(key);
    SENSITIVE_WORDS.iter().any(|w| contains(&key, w))
}

/// The LMS the page runs on: `moodle`, `canvas`, `open_edx`, `blackboard`, `brightspace` or
/// `sakai`.
///
/// The host's explicit `lms` (or a `data-lms` attribute) wins; `none` or an unknown name gives
/// `None`. Otherwise: Moodle when `M.cfg` or a `course-N` body class is there, Canvas when `ENV`
/// has Canvas's keys, Sakai when `portal` is there, then the URL (`/d2l/` Brightspace,
/// `course-v1:` Open edX, `/webapps/` or `/ultra/` Blackboard, `/portal/site/` Sakai).
pub fn detect_lms(facts: &PageFacts) -> Option<&'static str> {
    let explicit = facts
        .lms
        .as_deref()
        .or_else(|| data(facts, "lms"))
        .map(|s| s.trim().to_ascii_lowercase())
        .filter(|s| !s.is_empty() && s != "auto");
    if let Some(name) = explicit {
        return match normalize_key(&name).as_str() {
            "moodle" => Some("moodle"),
            "canvas" => Some("canvas"),
            "openedx" | "edx" => Some("open_edx"),
            "blackboard" | "bb" => Some("blackboard"),
            "brightspace" | "d2l" => Some("brightspace"),
            "sakai" => Some("sakai"),
            _ => None,
        };
    }
    let url = facts.url.to_ascii_lowercase();
    if !facts.moodle_cfg.is_empty() || moodle_class(facts, "course-").is_some() {
        Some("moodle")
    } else if facts.canvas_env.iter().any(|(k, _)| {
        k.starts_with("current_user")
            || k.starts_with("current_context")
            || k == "context_asset_string"
            || k == "DOMAIN_ROOT_ACCOUNT_ID"
    }) {
        Some("canvas")
    } else if !facts.sakai_portal.is_empty() || contains(&url, "/portal/site/") {
        Some("sakai")
    } else if contains(&url, "/d2l/") {
        Some("brightspace")
    } else if contains(&url, "course-v1:") {
        Some("open_edx")
    } else if contains(&url, "/webapps/") || contains(&url, "/ultra/") {
        Some("blackboard")
    } else {
        None
    }
}

/// The context to show and send, in the order of [`ContextItem::key`]'s list; items without a
/// value are left out. At most [`MAX_ITEMS`], each at most [`MAX_VALUE_CHARS`] characters.
///
/// Values the host passes as `data-*` attributes win over what an adapter reads from the page.
pub fn context_items(facts: &PageFacts) -> Vec<ContextItem> {
    let lms = detect_lms(facts);
    let (browser, os) = browser_and_os(&facts.user_agent);
    let (name, email) = prefill(facts);
    let viewport = match facts.viewport {
        (0, _) | (_, 0) => String::new(),
        (w, h) => format!("{w}x{h}"),
    };
    let time_zone = Some(facts.time_zone.trim())
        .filter(|z| !z.is_empty())
        .or_else(|| canvas(facts, "TIMEZONE"))
        .unwrap_or_default();
    let candidates: [(&str, Option<String>); 14] = [
        ("page_url", Some(strip_url(&facts.url))),
        ("lms", lms.map(String::from)),
        ("course_id", course_id(facts, lms)),
        ("course_name", course_name(facts)),
        (
            "activity_id",
            moodle_class(facts, "cmid-").map(String::from),
        ),
        (
            "context_id",
            moodle_cfg(facts, "contextid").map(String::from),
        ),
        ("role", role(facts)),
        ("user_name", name),
        ("user_email", email),
        ("browser", Some(browser)),
        ("os", Some(os)),
        ("viewport", Some(viewport)),
        ("time_zone", Some(time_zone.to_string())),
        (
            "active_items",
            Some(crate::base::text::join(&facts.active_ids, ", ")),
        ),
    ];
    let secrets = secret_values(facts);
    candidates
        .into_iter()
        .filter_map(|(key, value)| {
            let value = scrub(value?.trim(), &secrets);
            (!value.is_empty()).then(|| ContextItem {
                key: key.to_string(),
                value: value.chars().take(MAX_VALUE_CHARS).collect(),
            })
        })
        .take(MAX_ITEMS)
        .collect()
}

/// `items` with the trail of a guided flow (`flow`, [`crate::help::flows::Walk::path`]) put
/// first, where the agent reads it before anything else: cut to [`MAX_VALUE_CHARS`] (the
/// end of a long trail is kept, since the last answers say most), replacing an earlier trail,
/// and the list still at most [`MAX_ITEMS`] (the last item gives way). Listed and removable
/// like the others.
pub fn with_flow_path(mut items: Vec<ContextItem>, path: &str) -> Vec<ContextItem> {
    items.retain(|item| item.key != "flow");
    if path.is_empty() {
        return items;
    }
    let chars = path.chars().count();
    let value = if chars > MAX_VALUE_CHARS {
        let kept: String = path.chars().skip(chars - (MAX_VALUE_CHARS - 1)).collect();
        format!("\u{2026}{kept}")
    } else {
        path.to_string()
    };
    items.insert(
        0,
        ContextItem {
            key: "flow".into(),
            value,
        },
    );
    items.truncate(MAX_ITEMS);
    items
}

/// The learner's name and e-mail address as the page knows them, to prefill the form.
/// The e-mail is given only when it looks like one; neither ever carries a secret's value.
pub fn prefill(facts: &PageFacts) -> (Option<String>, Option<String>) {
    let secrets = secret_values(facts);
    let name = data(facts, "user-name")
        .or_else(|| canvas(facts, "current_user.display_name"))
        .or_else(|| canvas(facts, "current_user.name"))
        .map(|s| scrub(s.trim(), &secrets))
        .filter(|s| !s.is_empty());
    let email = data(facts, "user-email")
        .or_else(|| canvas(facts, "current_user.email"))
        .map(|s| s.trim().to_string())
        .filter(|s| looks_like_email(s) && scrub(s, &secrets) == *s);
    (name, email)
}

/// `value` with every secret's value replaced by `[removed]`.
fn scrub(value: &str, secrets: &[String]) -> String {
    let mut value = value.to_string();
    for secret in secrets {
        if contains(&value, secret) {
            value = replace(&value, secret, "[removed]");
        }
    }
    value
}

/// The URL without userinfo, query string, fragment or `;` path parameters (`;jsessionid=`),
/// and cut before any path segment that names a secret (Moodle's `tokenpluginfile.php/<token>`).
pub fn strip_url(url: &str) -> String {
    let url = url.trim();
    let end = url.find(['?', '#']).unwrap_or(url.len());
    let url = &url[..end];
    let (prefix, rest) = match find(url, "://") {
        Some(i) => {
            let after = &url[i + 3..];
            let authority_end = after.find('/').unwrap_or(after.len());
            let authority = &after[..authority_end];
            let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
            (format!("{}{host}", &url[..i + 3]), &after[authority_end..])
        }
        None => (String::new(), url),
    };
    let mut out = prefix;
    for (i, segment) in rest.split('/').enumerate() {
        let segment = segment.split(';').next().unwrap_or("");
        let lower = segment.to_ascii_lowercase();
        if contains(&lower, "token") || contains(&lower, "sesskey") {
            if i > 0 {
                out.push('/');
            }
            break;
        }
        if i > 0 {
            out.push('/');
        }
        out.push_str(segment);
    }
    out
}

/// The browser with its major version and the operating system, from a user-agent string:
/// `("Chrome 126", "Windows 10/11")`, `("Safari 17", "iOS 17")`, `("Firefox 128", "Linux")`.
/// Either is empty when not recognized.
pub fn browser_and_os(user_agent: &str) -> (String, String) {
    const BROWSERS: [(&str, &str); 11] = [
        ("Edg/", "Edge"),
        ("EdgA/", "Edge"),
        ("EdgiOS/", "Edge"),
        ("Edge/", "Edge"),
        ("OPR/", "Opera"),
        ("SamsungBrowser/", "Samsung Internet"),
        ("Firefox/", "Firefox"),
        ("FxiOS/", "Firefox"),
        ("CriOS/", "Chrome"),
        ("Chrome/", "Chrome"),
        ("Version/", "Safari"),
    ];
    let ua = user_agent;
    let browser = BROWSERS
        .iter()
        .find_map(|(marker, name)| {
            let version = major_after(ua, marker)?;
            // `Version/` names Safari only when Safari is there (Android's WebView says it too).
            if *marker == "Version/" && (!contains(ua, "Safari/") || contains(ua, "Android")) {
                return None;
            }
            Some(format!("{name} {version}"))
        })
        .unwrap_or_default();
    let os = if contains(ua, "Windows NT 10.0") {
        // Windows 11 still says 10.0; only client hints can tell them apart.
        "Windows 10/11".to_string()
    } else if let Some(v) = version_after(ua, "Windows NT ") {
        match v.as_str() {
            "6.3" => "Windows 8.1",
            "6.2" => "Windows 8",
            "6.1" => "Windows 7",
            _ => "Windows",
        }
        .to_string()
    } else if contains(ua, "Windows") {
        "Windows".to_string()
    } else if let Some(v) = major_after(ua, "Android ") {
        format!("Android {v}")
    } else if contains(ua, "Android") {
        "Android".to_string()
    } else if contains(ua, "iPhone") || contains(ua, "iPod") || contains(ua, "iPad") {
        let name = if contains(ua, "iPad") {
            "iPadOS"
        } else {
            "iOS"
        };
        match major_after(ua, " OS ") {
            Some(v) => format!("{name} {v}"),
            None => name.to_string(),
        }
    } else if contains(ua, "CrOS") {
        "ChromeOS".to_string()
    } else if contains(ua, "Mac OS X") || contains(ua, "Macintosh") {
        "macOS".to_string()
    } else if contains(ua, "Linux") || contains(ua, "X11") {
        "Linux".to_string()
    } else {
        String::new()
    };
    (browser, os)
}

/// The digits right after `marker`, up to the first non-digit (`126` in `Chrome/126.0.1`).
fn major_after(ua: &str, marker: &str) -> Option<String> {
    let rest = &ua[find(ua, marker)? + marker.len()..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    (!digits.is_empty()).then_some(digits)
}

/// The dotted version right after `marker` (`6.1` in `Windows NT 6.1;`).
fn version_after(ua: &str, marker: &str) -> Option<String> {
    let rest = &ua[find(ua, marker)? + marker.len()..];
    let version: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    (!version.is_empty()).then_some(version)
}

fn course_id(facts: &PageFacts, lms: Option<&str>) -> Option<String> {
    if let Some(id) = data(facts, "course-id") {
        return Some(id.to_string());
    }
    if let Some(id) = moodle_class(facts, "course-").or_else(|| moodle_cfg(facts, "courseId")) {
        return Some(id.to_string());
    }
    if let Some(id) = canvas(facts, "context_asset_string").and_then(|s| s.strip_prefix("course_"))
    {
        return Some(id.to_string());
    }
    if canvas_context_is_course(facts) {
        if let Some(id) = canvas(facts, "current_context.id") {
            return Some(id.to_string());
        }
    }
    if let Some(id) = sakai(facts, "siteId") {
        return Some(id.to_string());
    }
    course_id_from_url(&facts.url, lms)
}

/// Course ids some LMSs put in the URL path (never the query, except Blackboard's `course_id`).
fn course_id_from_url(url: &str, lms: Option<&str>) -> Option<String> {
    let path_and_query = find(url, "://").map_or(url, |i| &url[i + 3..]);
    let path_and_query = path_and_query.split('#').next().unwrap_or("");
    let (path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    let segments: Vec<&str> = path.split('/').collect();
    let after = |name: &str| {
        segments
            .iter()
            .position(|s| *s == name)
            .and_then(|i| segments.get(i + 1))
            .filter(|s| !s.is_empty())
            .map(|s| s.to_string())
    };
    match lms? {
        "open_edx" => segments
            .iter()
            .find(|s| s.starts_with("course-v1:"))
            .map(|s| s.to_string()),
        "brightspace" => {
            let id = after("home").or_else(|| after("content"))?;
            id.bytes().all(|b| b.is_ascii_digit()).then_some(id)
        }
        "sakai" => after("site"),
        "blackboard" => query
            .split('&')
            .find_map(|pair| pair.strip_prefix("course_id="))
            .map(String::from)
            .or_else(|| after("courses")),
        _ => None,
    }
    .filter(|id| !id.is_empty())
}

fn course_name(facts: &PageFacts) -> Option<String> {
    data(facts, "course-name")
        .or_else(|| {
            canvas_context_is_course(facts)
                .then(|| canvas(facts, "current_context.name"))
                .flatten()
        })
        .or_else(|| sakai(facts, "siteTitle"))
        .map(String::from)
}

fn canvas_context_is_course(facts: &PageFacts) -> bool {
    match canvas(facts, "current_context.type") {
        Some(kind) => kind.eq_ignore_ascii_case("course"),
        None => canvas(facts, "context_asset_string").is_some_and(|s| s.starts_with("course_")),
    }
}

fn role(facts: &PageFacts) -> Option<String> {
    if let Some(role) = data(facts, "role") {
        return Some(role.to_string());
    }
    // `current_user_roles` arrives as a list (`current_user_roles.0`, …) or as one string.
    let mut roles: Vec<&str> = facts
        .canvas_env
        .iter()
        .filter(|(k, _)| {
            k == "current_user_roles"
                || k.strip_prefix("current_user_roles.")
                    .is_some_and(|i| i.bytes().all(|b| b.is_ascii_digit()))
        })
        .flat_map(|(_, v)| v.split(','))
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .collect();
    // Every Canvas user is a `user`; it says nothing when there is a real role.
    if roles.len() > 1 {
        roles.retain(|r| *r != "user");
    }
    (!roles.is_empty()).then(|| roles.join(", "))
}

fn looks_like_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && !s.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    }
}

/// `Course-ID`, `data-course-id`, `courseId` and `course_id` all become `courseid`.
fn normalize_key(key: &str) -> String {
    let key = key.trim().to_ascii_lowercase();
    let key = key.strip_prefix("data-").unwrap_or(&key);
    key.chars().filter(|c| *c != '-' && *c != '_').collect()
}

/// Looks `key` up in a list, never answering for a sensitive key.
fn lookup<'a>(list: &'a [(String, String)], key: &str, normalized: bool) -> Option<&'a str> {
    if is_sensitive_key(key) {
        return None;
    }
    let wanted = normalize_key(key);
    list.iter()
        .find(|(k, _)| {
            !is_sensitive_key(k)
                && if normalized {
                    normalize_key(k) == wanted
                } else {
                    k == key
                }
        })
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

fn data<'a>(facts: &'a PageFacts, key: &str) -> Option<&'a str> {
    lookup(&facts.data_attributes, key, true)
}

fn canvas<'a>(facts: &'a PageFacts, key: &str) -> Option<&'a str> {
    lookup(&facts.canvas_env, key, false)
}

fn moodle_cfg<'a>(facts: &'a PageFacts, key: &str) -> Option<&'a str> {
    lookup(&facts.moodle_cfg, key, false)
}

fn sakai<'a>(facts: &'a PageFacts, key: &str) -> Option<&'a str> {
    lookup(&facts.sakai_portal, key, false)
}

/// The digits of a Moodle body class such as `course-42` or `cmid-7`.
fn moodle_class<'a>(facts: &'a PageFacts, prefix: &str) -> Option<&'a str> {
    facts.moodle_body_classes.iter().find_map(|class| {
        let n = class.strip_prefix(prefix)?;
        (!n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())).then_some(n)
    })
}

/// Values stored under sensitive keys anywhere in the facts, to scrub from every item. Short
/// or all-digit values are skipped: they are settings (`sessiontimeout: 7200`), not secrets, and
/// removing every "7200" from a page would help no one.
fn secret_values(facts: &PageFacts) -> Vec<String> {
    let mut secrets: Vec<String> = [
        &facts.moodle_cfg,
        &facts.canvas_env,
        &facts.sakai_portal,
        &facts.data_attributes,
    ]
    .into_iter()
    .flatten()
    .filter(|(k, v)| {
        let v = v.trim();
        is_sensitive_key(k) && v.chars().count() >= 6 && !v.bytes().all(|b| b.is_ascii_digit())
    })
    .map(|(_, v)| v.trim().to_string())
    .collect();
    // Longest first, so a secret that contains another is removed whole.
    crate::base::sort::sort_by(&mut secrets, |a, b| b.len().cmp(&a.len()));
    secrets
}
