//! Page context with consent (issue 4, item 2): what each LMS adapter reads from the page, the
//! browser and OS named from real user-agent strings, URLs stripped of secrets, and hostile pages
//! whose tokens, session keys and cookies must never reach a ticket.

// Also run on wasm32 (usize is 32 bits there), in the browser run.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use lms_support_widget::ticket::context::{
    browser_and_os, context_items, detect_lms, is_sensitive_key, prefill, strip_url,
    with_flow_path, ContextItem, PageFacts, MAX_ITEMS, MAX_VALUE_CHARS,
};

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn items(facts: &PageFacts) -> Vec<(String, String)> {
    context_items(facts)
        .into_iter()
        .map(|ContextItem { key, value }| (key, value))
        .collect()
}

fn get(facts: &PageFacts, key: &str) -> Option<String> {
    context_items(facts)
        .into_iter()
        .find(|i| i.key == key)
        .map(|i| i.value)
}

const CHROME_WINDOWS: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";

fn moodle_page() -> PageFacts {
    PageFacts {
        url: "https://learn.acme.edu/mod/quiz/attempt.php?attempt=9&cmid=77&sesskey=Zq81kLm2pP#q3"
            .into(),
        moodle_body_classes: [
            "path-mod-quiz",
            "safari",
            "dir-ltr",
            "lang-en",
            "course-42",
            "context-311",
            "cmid-77",
            "category-3",
            "pagelayout-incourse",
        ]
        .map(String::from)
        .to_vec(),
        moodle_cfg: pairs(&[
            ("wwwroot", "https://learn.acme.edu"),
            ("sesskey", "Zq81kLm2pP"),
            ("sessiontimeout", "7200"),
            ("courseId", "42"),
            ("contextid", "311"),
            ("themerev", "1700000000"),
        ]),
        user_agent: CHROME_WINDOWS.into(),
        viewport: (1280, 720),
        time_zone: "America/New_York".into(),
        active_ids: vec!["2026-12-upgrade".into(), "inc-42".into()],
        ..PageFacts::default()
    }
}

#[test]
fn moodle_course_activity_and_context() {
    let facts = moodle_page();
    assert_eq!(detect_lms(&facts), Some("moodle"));
    assert_eq!(
        items(&facts),
        pairs(&[
            ("page_url", "https://learn.acme.edu/mod/quiz/attempt.php"),
            ("lms", "moodle"),
            ("course_id", "42"),
            ("activity_id", "77"),
            ("context_id", "311"),
            ("browser", "Chrome 156"),
            ("os", "Windows 10/11"),
            ("viewport", "1280x720"),
            ("time_zone", "America/New_York"),
            ("active_items", "2026-12-upgrade, inc-42"),
        ])
    );
    // A setting under a "session" key is not a secret to scrub from other values.
    let room = PageFacts {
        data_attributes: pairs(&[("course-name", "Room 7200")]),
        ..moodle_page()
    };
    assert_eq!(get(&room, "course_name").as_deref(), Some("Room 7200"));
    // Without body classes, M.cfg's courseId is used.
    let cfg_only = PageFacts {
        moodle_body_classes: vec!["course-view".into(), "course-".into(), "course-4x".into()],
        ..moodle_page()
    };
    assert_eq!(get(&cfg_only, "course_id").as_deref(), Some("42"));
    assert_eq!(get(&cfg_only, "activity_id"), None);
    // Body classes alone are enough to detect Moodle.
    let classes_only = PageFacts {
        moodle_cfg: vec![],
        moodle_body_classes: vec!["course-7".into()],
        ..PageFacts::default()
    };
    assert_eq!(detect_lms(&classes_only), Some("moodle"));
    assert_eq!(get(&classes_only, "course_id").as_deref(), Some("7"));
}

fn canvas_page() -> PageFacts {
    PageFacts {
        url: "https://acme.instructure.com/courses/123/assignments/9?module_item_id=5".into(),
        canvas_env: pairs(&[
            ("current_user.id", "555"),
            ("current_user.display_name", "Ana Souza"),
            ("current_user.avatar_image_url", "https://acme.instructure.com/images/a.png"),
            ("current_user_roles.0", "user"),
            ("current_user_roles.1", "student"),
            ("current_user_is_student", "true"),
            ("context_asset_string", "course_123"),
            ("current_context.id", "123"),
            ("current_context.name", "Biology 101"),
            ("current_context.type", "Course"),
            ("TIMEZONE", "America/Sao_Paulo"),
            ("DOMAIN_ROOT_ACCOUNT_ID", "1"),
            ("AUTHENTICITY_TOKEN", "Kx9-csrf-value-123"),
            ("current_user.fake_student", "false"),
        ]),
        user_agent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15".into(),
        viewport: (1440, 900),
        ..PageFacts::default()
    }
}

#[test]
fn canvas_env_gives_course_user_role_and_zone() {
    let facts = canvas_page();
    assert_eq!(detect_lms(&facts), Some("canvas"));
    assert_eq!(
        items(&facts),
        pairs(&[
            (
                "page_url",
                "https://acme.instructure.com/courses/123/assignments/9"
            ),
            ("lms", "canvas"),
            ("course_id", "123"),
            ("course_name", "Biology 101"),
            ("role", "student"),
            ("user_name", "Ana Souza"),
            ("browser", "Safari 17"),
            ("os", "macOS"),
            ("viewport", "1440x900"),
            ("time_zone", "America/Sao_Paulo"),
        ])
    );
    assert_eq!(prefill(&facts), (Some("Ana Souza".into()), None));
    // The browser's own zone wins over the Canvas profile's.
    let with_zone = PageFacts {
        time_zone: "Europe/Lisbon".into(),
        ..canvas_page()
    };
    assert_eq!(
        get(&with_zone, "time_zone").as_deref(),
        Some("Europe/Lisbon")
    );
    // Roles as one string; `user` alone is kept.
    let one_string = PageFacts {
        canvas_env: pairs(&[
            ("current_user_roles", "user,teacher"),
            ("current_user.id", "1"),
        ]),
        ..PageFacts::default()
    };
    assert_eq!(get(&one_string, "role").as_deref(), Some("teacher"));
    let just_user = PageFacts {
        canvas_env: pairs(&[("current_user_roles.0", "user"), ("current_user.id", "1")]),
        ..PageFacts::default()
    };
    assert_eq!(get(&just_user, "role").as_deref(), Some("user"));
}

#[test]
fn a_canvas_group_or_account_page_has_no_course() {
    let facts = PageFacts {
        canvas_env: pairs(&[
            ("context_asset_string", "group_8"),
            ("current_context.id", "8"),
            ("current_context.name", "Lab group 3"),
            ("current_context.type", "Group"),
        ]),
        ..PageFacts::default()
    };
    assert_eq!(detect_lms(&facts), Some("canvas"));
    assert_eq!(get(&facts, "course_id"), None);
    assert_eq!(get(&facts, "course_name"), None);
}

#[test]
fn brightspace_from_data_attributes_and_url() {
    let facts = PageFacts {
        url: "https://acme.brightspace.com/d2l/le/content/6606/viewContent/31/View?ou=6606".into(),
        data_attributes: pairs(&[
            ("lms", "brightspace"),
            ("course-name", "Chemistry 201"),
            ("role", "Learner"),
            ("user-name", "Kwame Mensah"),
            ("user-email", "kwame@acme.edu"),
        ]),
        ..PageFacts::default()
    };
    assert_eq!(detect_lms(&facts), Some("brightspace"));
    assert_eq!(
        items(&facts),
        pairs(&[
            (
                "page_url",
                "https://acme.brightspace.com/d2l/le/content/6606/viewContent/31/View"
            ),
            ("lms", "brightspace"),
            ("course_id", "6606"),
            ("course_name", "Chemistry 201"),
            ("role", "Learner"),
            ("user_name", "Kwame Mensah"),
            ("user_email", "kwame@acme.edu"),
        ])
    );
    // Detected from the URL alone.
    let url_only = PageFacts {
        url: "https://acme.brightspace.com/d2l/home/6606".into(),
        ..PageFacts::default()
    };
    assert_eq!(detect_lms(&url_only), Some("brightspace"));
    assert_eq!(get(&url_only, "course_id").as_deref(), Some("6606"));
}

#[test]
fn open_edx_from_data_attributes_and_course_key_in_the_path() {
    let facts = PageFacts {
        url: "https://learning.acme.org/course/course-v1:AcmeX+BIO101+2026_T1/block-v1:AcmeX+BIO101+2026_T1+type@sequential+block@abc".into(),
        lms: Some("openedx".into()),
        data_attributes: pairs(&[("data-course-name", "Intro to Biology"), ("data-role", "student")]),
        ..PageFacts::default()
    };
    assert_eq!(detect_lms(&facts), Some("open_edx"));
    assert_eq!(
        get(&facts, "course_id").as_deref(),
        Some("course-v1:AcmeX+BIO101+2026_T1")
    );
    assert_eq!(
        get(&facts, "course_name").as_deref(),
        Some("Intro to Biology")
    );
    assert_eq!(get(&facts, "role").as_deref(), Some("student"));
    // The host's course id wins; dataset spelling (courseId) is read too.
    let explicit = PageFacts {
        data_attributes: pairs(&[("courseId", "course-v1:Other+X+1")]),
        ..facts
    };
    assert_eq!(
        get(&explicit, "course_id").as_deref(),
        Some("course-v1:Other+X+1")
    );
    let url_only = PageFacts {
        url: "https://courses.acme.org/courses/course-v1:AcmeX+BIO101+2026_T1/courseware".into(),
        ..PageFacts::default()
    };
    assert_eq!(detect_lms(&url_only), Some("open_edx"));
}

#[test]
fn sakai_from_portal_and_url() {
    let facts = PageFacts {
        url: "https://sakai.acme.edu/portal/site/BIO-101-F26/tool/abc-123".into(),
        sakai_portal: pairs(&[
            ("siteId", "BIO-101-F26"),
            ("siteTitle", "BIO 101 Fall 2026"),
            ("user.id", "u-1"),
            ("user.eid", "asouza"),
            ("locale", "en_US"),
        ]),
        ..PageFacts::default()
    };
    assert_eq!(detect_lms(&facts), Some("sakai"));
    assert_eq!(get(&facts, "course_id").as_deref(), Some("BIO-101-F26"));
    assert_eq!(
        get(&facts, "course_name").as_deref(),
        Some("BIO 101 Fall 2026")
    );
    let url_only = PageFacts {
        url: facts.url.clone(),
        ..PageFacts::default()
    };
    assert_eq!(detect_lms(&url_only), Some("sakai"));
    assert_eq!(get(&url_only, "course_id").as_deref(), Some("BIO-101-F26"));
}

#[test]
fn blackboard_course_ids_from_the_url() {
    let classic = PageFacts {
        url: "https://bb.acme.edu/webapps/blackboard/content/listContent.jsp;jsessionid=ABCDEF0123?course_id=_123_1&content_id=_9_1".into(),
        ..PageFacts::default()
    };
    assert_eq!(detect_lms(&classic), Some("blackboard"));
    assert_eq!(get(&classic, "course_id").as_deref(), Some("_123_1"));
    assert_eq!(
        get(&classic, "page_url").as_deref(),
        Some("https://bb.acme.edu/webapps/blackboard/content/listContent.jsp")
    );
    let ultra = PageFacts {
        url: "https://bb.acme.edu/ultra/courses/_456_1/outline".into(),
        ..PageFacts::default()
    };
    assert_eq!(detect_lms(&ultra), Some("blackboard"));
    assert_eq!(get(&ultra, "course_id").as_deref(), Some("_456_1"));
}

#[test]
fn explicit_lms_setting_wins_and_none_disables() {
    let mut facts = moodle_page();
    facts.lms = Some("none".into());
    assert_eq!(detect_lms(&facts), None);
    assert_eq!(get(&facts, "lms"), None);
    facts.lms = Some("AUTO".into());
    assert_eq!(detect_lms(&facts), Some("moodle"));
    facts.lms = Some("Canvas".into());
    assert_eq!(detect_lms(&facts), Some("canvas"));
    facts.lms = Some("schoology".into());
    assert_eq!(detect_lms(&facts), None);
    for (name, want) in [
        ("D2L", "brightspace"),
        ("open-edx", "open_edx"),
        ("edx", "open_edx"),
        ("bb", "blackboard"),
    ] {
        facts.lms = Some(name.into());
        assert_eq!(detect_lms(&facts), Some(want), "{name}");
    }
    assert_eq!(detect_lms(&PageFacts::default()), None);
    assert_eq!(
        detect_lms(&PageFacts {
            url: "https://example.com/page".into(),
            ..PageFacts::default()
        }),
        None
    );
}

#[test]
fn urls_lose_queries_fragments_credentials_and_path_secrets() {
    let cases = [
        (
            "https://x.edu/course/view.php?id=2&sesskey=abc#s",
            "https://x.edu/course/view.php",
        ),
        ("https://ana:hunter2@x.edu/a/b", "https://x.edu/a/b"),
        ("https://user@x.edu:8443/a", "https://x.edu:8443/a"),
        ("https://x.edu", "https://x.edu"),
        ("https://x.edu/", "https://x.edu/"),
        ("https://x.edu#only-fragment", "https://x.edu"),
        ("https://x.edu?only=query", "https://x.edu"),
        (
            "https://x.edu/a;jsessionid=SECRET/b;v=1",
            "https://x.edu/a/b",
        ),
        (
            "https://x.edu/tokenpluginfile.php/9f8e7d6c5b4a/123/mod_page/content/img.png",
            "https://x.edu/",
        ),
        (
            "https://x.edu/webservice/pluginfile.php/1/a.png?token=abc",
            "https://x.edu/webservice/pluginfile.php/1/a.png",
        ),
        (
            "https://x.edu/reset/token/ABCDEF/confirm",
            "https://x.edu/reset/",
        ),
        ("  https://x.edu/a  ", "https://x.edu/a"),
        ("about:blank", "about:blank"),
        ("", ""),
    ];
    for (url, want) in cases {
        assert_eq!(strip_url(url), want, "{url}");
    }
}

#[test]
fn browsers_and_systems_from_real_user_agents() {
    let cases = [
        (CHROME_WINDOWS, "Chrome 156", "Windows 10/11"),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.87", "Edge 126", "Windows 10/11"),
        ("Mozilla/5.0 (Windows NT 6.1; Win64; x64; rv:115.0) Gecko/20100101 Firefox/115.0", "Firefox 115", "Windows 7"),
        ("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0", "Firefox 128", "Linux"),
        ("Mozilla/5.0 (X11; Ubuntu; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 OPR/106.0.0.0", "Opera 106", "Linux"),
        ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15", "Safari 17", "macOS"),
        ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:127.0) Gecko/20100101 Firefox/127.0", "Firefox 127", "macOS"),
        ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1", "Safari 17", "iOS 17"),
        ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/126.0.6478.54 Mobile/15E148 Safari/604.1", "Chrome 126", "iOS 17"),
        ("Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/127.0 Mobile/15E148 Safari/605.1.15", "Firefox 127", "iPadOS 16"),
        ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.71 Mobile Safari/537.36", "Chrome 126", "Android 14"),
        ("Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36", "Samsung Internet 25", "Android 10"),
        ("Mozilla/5.0 (Linux; Android 13; SM-A515F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Mobile Safari/537.36 EdgA/125.0.2535.51", "Edge 125", "Android 13"),
        ("Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36", "Chrome 126", "ChromeOS"),
        ("Mozilla/5.0 (Linux; Android 12; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/99.0.4844.88 Mobile Safari/537.36", "Chrome 99", "Android 12"),
        ("curl/8.5.0", "", ""),
        ("", "", ""),
    ];
    for (ua, browser, os) in cases {
        assert_eq!(
            browser_and_os(ua),
            (browser.to_string(), os.to_string()),
            "{ua}"
        );
    }
}

#[test]
fn prefill_prefers_the_host_and_checks_the_email() {
    let facts = PageFacts {
        data_attributes: pairs(&[("user-name", "  Ana  "), ("user-email", "ana@acme.edu")]),
        canvas_env: pairs(&[("current_user.display_name", "Someone Else")]),
        ..PageFacts::default()
    };
    assert_eq!(
        prefill(&facts),
        (Some("Ana".into()), Some("ana@acme.edu".into()))
    );
    for bad in [
        "ana",
        "ana@",
        "@acme.edu",
        "ana@localhost",
        "a b@acme.edu",
        "a@b@c.edu",
        "ana@acme.edu.",
    ] {
        let facts = PageFacts {
            data_attributes: pairs(&[("user-email", bad)]),
            ..PageFacts::default()
        };
        assert_eq!(prefill(&facts), (None, None), "{bad}");
        assert_eq!(get(&facts, "user_email"), None, "{bad}");
    }
    assert_eq!(prefill(&PageFacts::default()), (None, None));
}

#[test]
fn sensitive_keys_by_name() {
    for key in [
        "sesskey",
        "SESSKEY",
        "token",
        "api_token",
        "authToken",
        "AUTHENTICITY_TOKEN",
        "data-auth",
        "client_secret",
        "password",
        "user.passwd",
        "sessionid",
        "JSESSIONID",
        "session_timeout",
        "cookie",
        "csrf-token",
        "X-CSRF",
        "xsrf",
        "oauth_nonce",
        "Authorization",
    ] {
        assert!(is_sensitive_key(key), "{key}");
    }
    for key in [
        "course-id",
        "courseId",
        "wwwroot",
        "current_user.display_name",
        "TIMEZONE",
        "role",
        "lms",
    ] {
        assert!(!is_sensitive_key(key), "{key}");
    }
}

#[test]
fn hostile_pages_never_leak_secrets() {
    const SECRETS: [&str; 9] = [
        "Zq81kLm2pP",
        "tok_live_5f1d",
        "s3cr3t-pa55",
        "JSESS-0xDEADBEEF",
        "csrf-9a8b7c",
        "cookie-val-77",
        "Bearer-abc-999",
        "hunter2pw",
        "sid-xyz-321",
    ];
    let facts = PageFacts {
        url: "https://hunter2pw:hunter2pw@learn.acme.edu/course/Zq81kLm2pP/view.php;jsessionid=JSESS-0xDEADBEEF?sesskey=Zq81kLm2pP&token=tok_live_5f1d#csrf=csrf-9a8b7c".into(),
        lms: None,
        moodle_body_classes: vec!["course-5".into(), "sesskey-Zq81kLm2pP".into()],
        moodle_cfg: pairs(&[
            ("sesskey", "Zq81kLm2pP"),
            ("SessKey", "Zq81kLm2pP"),
            ("wstoken", "tok_live_5f1d"),
            ("courseId", "5"),
        ]),
        canvas_env: pairs(&[
            ("AUTHENTICITY_TOKEN", "csrf-9a8b7c"),
            ("current_user.api_token", "tok_live_5f1d"),
            ("current_user.display_name", "Ana"),
            ("current_user.password", "s3cr3t-pa55"),
        ]),
        sakai_portal: pairs(&[("user.sessionId", "sid-xyz-321")]),
        data_attributes: pairs(&[
            ("data-auth-token", "Bearer-abc-999"),
            ("cookie", "cookie-val-77"),
            ("course-name", "Course Zq81kLm2pP edition"),
            ("user-name", "Ana sid-xyz-321"),
            ("role", "student"),
            // A host that names a secret like a context key still cannot smuggle it.
            ("session", "sid-xyz-321"),
            ("csrf", "csrf-9a8b7c"),
            ("password", "s3cr3t-pa55"),
        ]),
        user_agent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0 Safari/537.36 tok_live_5f1d".into(),
        viewport: (800, 600),
        time_zone: "Europe/Paris".into(),
        active_ids: vec!["cookie-val-77".into()],
    };
    let got = context_items(&facts);
    for item in &got {
        for secret in SECRETS {
            assert!(
                !item.value.contains(secret),
                "{} = {:?} leaks {secret}",
                item.key,
                item.value
            );
        }
        assert!(!is_sensitive_key(&item.key), "{}", item.key);
    }
    let (name, email) = prefill(&facts);
    assert!(SECRETS
        .iter()
        .all(|s| !name.as_deref().unwrap_or("").contains(s)));
    assert_eq!(email, None);
    // The useful parts are still there.
    assert_eq!(get(&facts, "course_id").as_deref(), Some("5"));
    assert_eq!(
        get(&facts, "course_name").as_deref(),
        Some("Course [removed] edition")
    );
    assert_eq!(get(&facts, "role").as_deref(), Some("student"));
    assert_eq!(
        get(&facts, "page_url").as_deref(),
        Some("https://learn.acme.edu/course/[removed]/view.php")
    );
    // Asking for a sensitive key by name gives nothing either.
    let asks = PageFacts {
        data_attributes: pairs(&[("user-name", "x"), ("user-name-token", "tok_live_5f1d")]),
        ..PageFacts::default()
    };
    assert_eq!(get(&asks, "user_name").as_deref(), Some("x"));
}

#[test]
fn values_are_truncated_and_items_bounded() {
    let long = "é".repeat(5000);
    let facts = PageFacts {
        url: format!("https://x.edu/{}", "a".repeat(3000)),
        data_attributes: pairs(&[("course-name", &long), ("course-id", "  ")]),
        active_ids: (0..500).map(|i| format!("notice-{i}")).collect(),
        ..moodle_page()
    };
    let got = context_items(&facts);
    assert!(got.len() <= MAX_ITEMS);
    assert!(got
        .iter()
        .all(|i| i.value.chars().count() <= MAX_VALUE_CHARS));
    assert_eq!(
        get(&facts, "course_name").map(|v| v.chars().count()),
        Some(1000)
    );
    assert_eq!(
        get(&facts, "page_url").map(|v| v.chars().count()),
        Some(1000)
    );
    // A blank host value falls back to the page's.
    assert_eq!(get(&facts, "course_id").as_deref(), Some("42"));
    // Keys are unique and stable.
    let mut keys: Vec<String> = got.iter().map(|i| i.key.clone()).collect();
    keys.dedup();
    assert_eq!(keys.len(), got.len());
    // Empty facts give no empty items.
    assert!(context_items(&PageFacts::default()).is_empty());
    assert!(context_items(&PageFacts {
        viewport: (0, 900),
        ..PageFacts::default()
    })
    .is_empty());
}

#[test]
fn a_flow_trail_goes_first_within_the_limits_the_server_checks() {
    let item = |key: &str| ContextItem {
        key: key.into(),
        value: "v".into(),
    };
    let full: Vec<ContextItem> = (0..MAX_ITEMS).map(|i| item(&format!("k{i}"))).collect();
    let items = with_flow_path(full, "Can you log in? → No");
    assert_eq!(items.len(), MAX_ITEMS);
    assert_eq!(items[0].key, "flow");
    assert_eq!(items[0].value, "Can you log in? → No");
    assert_eq!(items[MAX_ITEMS - 1].key, "k18");
    // A second trail replaces the first; a long one keeps its end.
    let long = format!("{} → Yes", "Step? → No › ".repeat(200));
    let items = with_flow_path(items, &long);
    assert_eq!(items.iter().filter(|i| i.key == "flow").count(), 1);
    assert_eq!(items[0].value.chars().count(), MAX_VALUE_CHARS);
    assert!(items[0].value.starts_with('\u{2026}') && items[0].value.ends_with("→ Yes"));
    assert!(with_flow_path(items, "").iter().all(|i| i.key != "flow"));
}
