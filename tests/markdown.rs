#![cfg(not(target_arch = "wasm32"))]
//! The Markdown subset of FAQ answers (design §3, issue 3 item 3): every construct, the literal
//! fallbacks, link safety against hostile input, pathological input, and `plain_text`.
//!
//! The hostile-input tests run every input through `assert_safe`, which walks the whole tree
//! and checks that it holds only the allowed node kinds, that every link's `href` starts with
//! `http://`, `https://` or `mailto:` (and is exactly what `safe_href` accepts), that links never
//! nest and that nesting stays within `MAX_DEPTH`.

use lms_support_widget::markdown::{
    inline_plain_text, parse, plain_text, safe_href, Block, Inline, MAX_DEPTH,
};

// ---------------------------------------------------------------------------------------------
// Helpers

fn text(s: &str) -> Inline {
    Inline::Text(s.to_owned())
}

fn em(children: Vec<Inline>) -> Inline {
    Inline::Emphasis(children)
}

fn strong(children: Vec<Inline>) -> Inline {
    Inline::Strong(children)
}

fn code(s: &str) -> Inline {
    Inline::Code(s.to_owned())
}

fn link(href: &str, children: Vec<Inline>) -> Inline {
    Inline::Link {
        href: href.to_owned(),
        children,
    }
}

fn para(children: Vec<Inline>) -> Block {
    Block::Paragraph(children)
}

/// The inlines of a source that must parse to exactly one paragraph.
fn inlines(source: &str) -> Vec<Inline> {
    match parse(source).as_slice() {
        [Block::Paragraph(inlines)] => inlines.clone(),
        other => panic!("expected one paragraph for {source:?}, got {other:?}"),
    }
}

fn literal(source: &str) {
    assert_eq!(
        inlines(source),
        vec![text(source)],
        "{source:?} should stay literal"
    );
}

/// Walks the whole tree and checks the safety invariants; returns the number of links.
fn assert_safe(source: &str) -> usize {
    let blocks = parse(source);
    let mut links = 0;
    for block in &blocks {
        match block {
            Block::Paragraph(inlines) => {
                assert!(!inlines.is_empty(), "empty paragraph for {source:?}");
                walk(inlines, 0, false, source, &mut links);
            }
            Block::List { items, .. } => {
                assert!(!items.is_empty(), "empty list for {source:?}");
                for item in items {
                    walk(item, 0, false, source, &mut links);
                }
            }
        }
    }
    // plain_text never panics and never shows a URL that was not link text.
    let _ = plain_text(&blocks);
    links
}

fn walk(inlines: &[Inline], depth: usize, in_link: bool, source: &str, links: &mut usize) {
    assert!(
        depth <= MAX_DEPTH,
        "nesting deeper than {MAX_DEPTH} for {source:?}"
    );
    let mut previous_was_text = false;
    for inline in inlines {
        let is_text = matches!(inline, Inline::Text(_));
        assert!(
            !(is_text && previous_was_text),
            "adjacent text nodes for {source:?}: {inlines:?}"
        );
        previous_was_text = is_text;
        match inline {
            Inline::Text(s) => assert!(!s.is_empty(), "empty text node for {source:?}"),
            Inline::Code(_) | Inline::LineBreak => {}
            Inline::Emphasis(children) | Inline::Strong(children) => {
                assert!(!children.is_empty(), "empty emphasis for {source:?}");
                walk(children, depth + 1, in_link, source, links);
            }
            Inline::Link { href, children } => {
                *links += 1;
                assert!(!in_link, "a link inside a link for {source:?}");
                assert!(
                    href.starts_with("http://")
                        || href.starts_with("https://")
                        || href.starts_with("mailto:"),
                    "unsafe href {href:?} from {source:?}"
                );
                assert!(
                    !href
                        .chars()
                        .any(|c| c.is_ascii_whitespace() || c.is_control()),
                    "whitespace or control character in href {href:?} from {source:?}"
                );
                assert_eq!(
                    safe_href(href).as_deref(),
                    Some(href.as_str()),
                    "href {href:?} from {source:?} is not a fixed point of safe_href"
                );
                assert!(
                    !href.to_ascii_lowercase().starts_with("javascript"),
                    "{source:?}"
                );
                assert!(!children.is_empty(), "link without text for {source:?}");
                walk(children, depth + 1, true, source, links);
            }
        }
    }
}

fn max_depth(inlines: &[Inline]) -> usize {
    inlines
        .iter()
        .map(|inline| match inline {
            Inline::Emphasis(c) | Inline::Strong(c) | Inline::Link { children: c, .. } => {
                1 + max_depth(c)
            }
            _ => 0,
        })
        .max()
        .unwrap_or(0)
}

// ---------------------------------------------------------------------------------------------
// Blocks

#[test]
fn empty_and_blank_input_has_no_blocks() {
    assert_eq!(parse(""), vec![]);
    assert_eq!(parse("   \n\t\n\n  "), vec![]);
}

#[test]
fn paragraphs_are_separated_by_blank_lines() {
    assert_eq!(
        parse("One.\n\nTwo.\n \t\nThree."),
        vec![
            para(vec![text("One.")]),
            para(vec![text("Two.")]),
            para(vec![text("Three.")]),
        ]
    );
}

#[test]
fn a_single_newline_becomes_a_space_and_indentation_goes() {
    assert_eq!(inlines("one\n   two\nthree"), vec![text("one two three")]);
    assert_eq!(
        inlines("    indented code is text"),
        vec![text("indented code is text")]
    );
}

#[test]
fn crlf_and_cr_line_endings() {
    assert_eq!(
        parse("a\r\nb\r\n\r\nc\rd"),
        vec![para(vec![text("a b")]), para(vec![text("c d")])]
    );
}

#[test]
fn hard_line_breaks_from_two_spaces_or_a_backslash() {
    assert_eq!(
        inlines("one  \ntwo\\\nthree \nfour"),
        vec![
            text("one"),
            Inline::LineBreak,
            text("two"),
            Inline::LineBreak,
            text("three four"),
        ]
    );
    // At the end of a paragraph neither is a break: spaces go, a backslash stays.
    assert_eq!(inlines("end  "), vec![text("end")]);
    assert_eq!(inlines("end\\"), vec![text("end\\")]);
}

#[test]
fn unordered_lists_with_each_marker() {
    for marker in ["-", "*", "+"] {
        let source = format!("{marker} one\n{marker} *two*\n{marker} three");
        assert_eq!(
            parse(&source),
            vec![Block::List {
                ordered: false,
                items: vec![
                    vec![text("one")],
                    vec![em(vec![text("two")])],
                    vec![text("three")],
                ],
            }],
            "{source:?}"
        );
    }
}

#[test]
fn ordered_lists_with_dot_or_paren() {
    for source in ["1. one\n2. two", "1) one\n2) two", "7. one\n8. two"] {
        assert_eq!(
            parse(source),
            vec![Block::List {
                ordered: true,
                items: vec![vec![text("one")], vec![text("two")]],
            }],
            "{source:?}"
        );
    }
}

#[test]
fn a_list_after_a_paragraph_line() {
    assert_eq!(
        parse("Steps:\n1. Open **Settings**\n2. Click `Reset`"),
        vec![
            para(vec![text("Steps:")]),
            Block::List {
                ordered: true,
                items: vec![
                    vec![text("Open "), strong(vec![text("Settings")])],
                    vec![text("Click "), code("Reset")],
                ],
            },
        ]
    );
    assert_eq!(
        parse("Note:\n- a"),
        vec![
            para(vec![text("Note:")]),
            Block::List {
                ordered: false,
                items: vec![vec![text("a")]],
            },
        ]
    );
}

#[test]
fn a_number_not_starting_at_one_does_not_interrupt_a_paragraph() {
    assert_eq!(
        inlines("The year\n2024. was long"),
        vec![text("The year 2024. was long")]
    );
}

#[test]
fn item_continuation_and_blank_lines_between_items() {
    assert_eq!(
        parse("- one\ncontinued\n\n- two\n\nafter"),
        vec![
            Block::List {
                ordered: false,
                items: vec![vec![text("one continued")], vec![text("two")]],
            },
            para(vec![text("after")]),
        ]
    );
}

#[test]
fn a_different_marker_starts_a_new_list_and_nesting_is_flattened() {
    assert_eq!(
        parse("- a\n+ b\n1. c"),
        vec![
            Block::List {
                ordered: false,
                items: vec![vec![text("a")]],
            },
            Block::List {
                ordered: false,
                items: vec![vec![text("b")]],
            },
            Block::List {
                ordered: true,
                items: vec![vec![text("c")]],
            },
        ]
    );
    assert_eq!(
        parse("- a\n    - nested\n- b"),
        vec![Block::List {
            ordered: false,
            items: vec![vec![text("a")], vec![text("nested")], vec![text("b")]],
        }]
    );
}

#[test]
fn empty_list_items() {
    assert_eq!(
        parse("-\n- x"),
        vec![Block::List {
            ordered: false,
            items: vec![vec![], vec![text("x")]],
        }]
    );
    // An empty item does not interrupt a paragraph.
    assert_eq!(inlines("text\n-"), vec![text("text -")]);
}

#[test]
fn not_list_items() {
    literal("-no space");
    literal("1.no space");
    literal("1234567890. ten digits");
    assert_eq!(inlines("\\- escaped"), vec![text("- escaped")]);
    assert_eq!(inlines("1\\. escaped"), vec![text("1. escaped")]);
}

#[test]
fn thematic_breaks_are_literal_not_lists() {
    literal("***");
    literal("- - -");
    literal("___");
    assert_eq!(
        parse("- a\n* * *"),
        vec![
            Block::List {
                ordered: false,
                items: vec![vec![text("a")]],
            },
            para(vec![text("* * *")]),
        ]
    );
}

#[test]
fn headings_quotes_fences_and_tables_are_literal() {
    literal("# Not a heading");
    literal("###### Nor this");
    literal("> not a quote");
    literal("| a | b |");
    assert_eq!(inlines("Title\n====="), vec![text("Title =====")]);
    // A fence is text; its backticks pair up as inline code, which is still safe.
    assert_eq!(inlines("```\n<b>x</b>\n```"), vec![code("<b>x</b>")]);
}

// ---------------------------------------------------------------------------------------------
// Emphasis, strong, code

#[test]
fn emphasis_and_strong_with_both_characters() {
    assert_eq!(
        inlines("*a* _b_ **c** __d__"),
        vec![
            em(vec![text("a")]),
            text(" "),
            em(vec![text("b")]),
            text(" "),
            strong(vec![text("c")]),
            text(" "),
            strong(vec![text("d")]),
        ]
    );
    assert_eq!(
        inlines("***both***"),
        vec![em(vec![strong(vec![text("both")])])]
    );
    assert_eq!(
        inlines("**strong *and em* inside**"),
        vec![strong(vec![
            text("strong "),
            em(vec![text("and em")]),
            text(" inside"),
        ])]
    );
}

#[test]
fn emphasis_flanking_rules() {
    literal("snake_case_name");
    literal("a * b * c");
    literal("2 * 3 = 6 and 4*");
    assert_eq!(
        inlines("in*tra*word"),
        vec![text("in"), em(vec![text("tra")]), text("word")]
    );
    literal("*not closed");
    literal("**not closed");
    assert_eq!(inlines("**a*"), vec![text("*"), em(vec![text("a")])]);
    assert_eq!(
        inlines("*a _b* c_"),
        vec![em(vec![text("a _b")]), text(" c_")]
    );
    // Rule of three: `*foo**bar*` is one emphasis.
    assert_eq!(inlines("*foo**bar*"), vec![em(vec![text("foo**bar")])]);
}

#[test]
fn inline_code_is_literal() {
    assert_eq!(
        inlines("Run `rm -rf *` now"),
        vec![text("Run "), code("rm -rf *"), text(" now")]
    );
    assert_eq!(
        inlines("`**no** _format_ [x](https://a.example)`"),
        vec![code("**no** _format_ [x](https://a.example)")]
    );
    assert_eq!(inlines("`` a ` b ``"), vec![code("a ` b")]);
    assert_eq!(inlines("`<script>`"), vec![code("<script>")]);
    assert_eq!(inlines("`a\\`b"), vec![code("a\\"), text("b")]);
    assert_eq!(inlines("`line\nbreak`"), vec![code("line break")]);
    literal("``unmatched`");
    assert_eq!(inlines("\\`not code`"), vec![text("`not code`")]);
}

#[test]
fn backslash_escapes() {
    assert_eq!(
        inlines("\\*not em\\* \\_no\\_ \\[no](link) \\\\ \\a"),
        vec![text("*not em* _no_ [no](link) \\ \\a")]
    );
    assert_eq!(
        inlines("\\<https://a.example>"),
        vec![text("<https://a.example>")]
    );
}

// ---------------------------------------------------------------------------------------------
// Links

#[test]
fn links_with_each_allowed_scheme() {
    assert_eq!(
        inlines("See [the guide](https://help.example/guide), [old](http://old.example) or [mail us](mailto:help@vendor.example)."),
        vec![
            text("See "),
            link("https://help.example/guide", vec![text("the guide")]),
            text(", "),
            link("http://old.example", vec![text("old")]),
            text(" or "),
            link("mailto:help@vendor.example", vec![text("mail us")]),
            text("."),
        ]
    );
}

#[test]
fn link_text_holds_formatting_and_titles_are_dropped() {
    assert_eq!(
        inlines("[**Forgot password** `page`](https://a.example \"Title\")"),
        vec![link(
            "https://a.example",
            vec![
                strong(vec![text("Forgot password")]),
                text(" "),
                code("page")
            ]
        )]
    );
    assert_eq!(
        inlines("[a](https://a.example 'single') [b](https://b.example (paren))"),
        vec![
            link("https://a.example", vec![text("a")]),
            text(" "),
            link("https://b.example", vec![text("b")]),
        ]
    );
    assert_eq!(
        inlines("*[emphasised link](https://a.example)*"),
        vec![em(vec![link(
            "https://a.example",
            vec![text("emphasised link")]
        )])]
    );
}

#[test]
fn link_destinations() {
    assert_eq!(
        inlines("[x](https://a.example/p(1))"),
        vec![link("https://a.example/p(1)", vec![text("x")])]
    );
    assert_eq!(
        inlines("[x](https://a.example/p((a)(b)))"),
        vec![link("https://a.example/p((a)(b))", vec![text("x")])]
    );
    assert_eq!(
        inlines("[x](<https://a.example/with space>)"),
        vec![link("https://a.example/withspace", vec![text("x")])]
    );
    assert_eq!(
        inlines("[x](https://a.example/\\(escaped)"),
        vec![link("https://a.example/(escaped", vec![text("x")])]
    );
    assert_eq!(
        inlines("[x]( https://a.example )"),
        vec![link("https://a.example", vec![text("x")])]
    );
    assert_eq!(
        inlines("[x](HTTPS://A.example/Path)"),
        vec![link("https://A.example/Path", vec![text("x")])]
    );
    // Entities are not decoded, in URLs or anywhere else.
    assert_eq!(
        inlines("[x](https://a.example/?a=1&amp;b=2)"),
        vec![link("https://a.example/?a=1&amp;b=2", vec![text("x")])]
    );
    // Unbalanced or too deep parentheses, a space, or no `)`: literal.
    literal("[x](https://a.example/p(1)");
    literal("[x](https://a.example/a b)");
    literal("[x](https://a.example");
    let deep = format!(
        "[x](https://a.example/{}{})",
        "(".repeat(40),
        ")".repeat(40)
    );
    literal(&deep);
}

#[test]
fn nested_brackets() {
    assert_eq!(
        inlines("[a [b] c](https://x.example)"),
        vec![link("https://x.example", vec![text("a [b] c")])]
    );
    assert_eq!(
        inlines("[[[x]]](https://x.example)"),
        vec![link("https://x.example", vec![text("[[x]]")])]
    );
    // Links do not nest: the inner one wins, the outer brackets are text.
    assert_eq!(
        inlines("[[in](https://in.example) out](https://out.example)"),
        vec![
            text("["),
            link("https://in.example", vec![text("in")]),
            text(" out](https://out.example)"),
        ]
    );
    assert_eq!(
        inlines("[a](https://x.example)](https://y.example)"),
        vec![
            link("https://x.example", vec![text("a")]),
            text("](https://y.example)")
        ]
    );
    literal("[a [b c](https:");
    literal("]]] [[[");
    literal("[not a link] (https://x.example)");
}

#[test]
fn empty_link_text_is_literal() {
    literal("[](https://x.example)");
    literal("[   ](https://x.example)");
}

#[test]
fn reference_links_are_literal() {
    literal("[a][b]");
    literal("[a][]");
    assert_eq!(
        parse("[a]\n\n[a]: https://x.example"),
        vec![
            para(vec![text("[a]")]),
            para(vec![text("[a]: https://x.example")])
        ]
    );
}

#[test]
fn images_are_a_literal_bang_and_a_link() {
    assert_eq!(
        inlines("![screenshot](https://x.example/s.png)"),
        vec![
            text("!"),
            link("https://x.example/s.png", vec![text("screenshot")])
        ]
    );
    assert_eq!(inlines("![x](javascript:alert(1))"), vec![text("!x")]);
    literal("![](https://x.example/s.png)");
}

#[test]
fn autolinks() {
    assert_eq!(
        inlines("Go to <https://status.example/> or <help@vendor.example>."),
        vec![
            text("Go to "),
            link(
                "https://status.example/",
                vec![text("https://status.example/")]
            ),
            text(" or "),
            link(
                "mailto:help@vendor.example",
                vec![text("help@vendor.example")]
            ),
            text("."),
        ]
    );
    assert_eq!(
        inlines("<MAILTO:Help@Vendor.example>"),
        vec![link(
            "mailto:Help@Vendor.example",
            vec![text("MAILTO:Help@Vendor.example")]
        )]
    );
    literal("<javascript:alert(1)>");
    literal("<ftp://files.example>");
    literal("<https://a.example/with space>");
    literal("<not an autolink>");
    literal("<@no-local.example>");
    // Bare URLs are plain text.
    literal("https://status.example");
}

#[test]
fn an_autolink_inside_link_text_is_text() {
    assert_eq!(
        inlines("[see <https://a.example>](https://b.example)"),
        vec![link(
            "https://b.example",
            vec![text("see https://a.example")]
        )]
    );
}

#[test]
fn unsafe_and_relative_links_are_their_text() {
    for source in [
        "[click *me*](javascript:alert(1))",
        "[click *me*](/relative)",
        "[click *me*](#top)",
        "[click *me*](//evil.example)",
        "[click *me*]()",
    ] {
        assert_eq!(
            inlines(source),
            vec![text("click "), em(vec![text("me")])],
            "{source:?}"
        );
    }
}

#[test]
fn nesting_deeper_than_the_limit_is_literal() {
    let source = format!("{}b{}", "_a ".repeat(20), "_".repeat(20));
    let blocks = parse(&source);
    let Block::Paragraph(inlines) = &blocks[0] else {
        panic!("{blocks:?}")
    };
    assert_eq!(max_depth(inlines), MAX_DEPTH);
    assert_eq!(
        plain_text(&blocks),
        format!("{}{}b{}", "a ".repeat(8), "_a ".repeat(12), "_".repeat(12))
    );
    // What the DOM layer writes for content nested past the limit.
    assert_eq!(inline_plain_text(inlines), plain_text(&blocks));

    let stars = format!("{}a{}", "*".repeat(5000), "*".repeat(5000));
    let blocks = parse(&stars);
    let Block::Paragraph(inlines) = &blocks[0] else {
        panic!("{blocks:?}")
    };
    assert_eq!(max_depth(inlines), MAX_DEPTH);
    let inner = "*".repeat(5000 - 2 * MAX_DEPTH);
    assert_eq!(plain_text(&blocks), format!("{inner}a{inner}"));

    // A link below the limit stays literal source.
    let deep_link = format!(
        "{}[x](https://a.example){}",
        "*a ".repeat(10),
        "*".repeat(10)
    );
    assert_safe(&deep_link);
    let text = plain_text(&parse(&deep_link));
    assert!(text.contains("[x](https://a.example)"), "{text:?}");
}

// ---------------------------------------------------------------------------------------------
// Literal text: HTML, entities

#[test]
fn raw_html_comments_and_entities_are_literal() {
    for source in [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<a href='https://x.example'>x</a>",
        "<!-- comment -->",
        "<iframe src=javascript:alert(1)></iframe>",
        "<svg/onload=alert(1)>",
        "<style>body{display:none}</style>",
        "<![CDATA[x]]>",
        "<?php echo 1; ?>",
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "&#106;&#97;&#118;&#97; &amp; &nbsp; &copy;",
        "<details open ontoggle=alert(1)>",
        "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
        "<object data=\"javascript:alert(1)\">",
        "<base href=\"//evil.example/\">",
        "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
        "<form action=javascript:alert(1)><input type=submit>",
        "<body onload=alert(1)>",
        "<x onclick=alert(1)>click</x>",
    ] {
        literal(source);
        assert_eq!(assert_safe(source), 0, "{source:?}");
    }
    // An HTML block over several lines is a paragraph of text (emphasis inside still applies).
    assert_eq!(
        parse("<div>\n*md*\n</div>"),
        vec![para(vec![
            text("<div> "),
            em(vec![text("md")]),
            text(" </div>")
        ])]
    );
}

// ---------------------------------------------------------------------------------------------
// Link safety

/// Dangerous or disallowed destinations, in many spellings.
fn hostile_urls() -> Vec<String> {
    let mut urls: Vec<String> = [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "jAvAsCrIpT:alert(1)",
        " javascript:alert(1)",
        "\tjavascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "java\rscript:alert(1)",
        "java\u{0c}script:alert(1)",
        "j\na\nv\na\ns\nc\nr\ni\np\nt:alert(1)",
        "javascript\t:alert(1)",
        "javascript :alert(1)",
        "\u{1}javascript:alert(1)",
        "\u{1f}javascript:alert(1)",
        "\u{7f}javascript:alert(1)",
        "\u{85}javascript:alert(1)",
        "java\u{0}script:alert(1)",
        "java\u{b}script:alert(1)",
        "&#106;avascript:alert(1)",
        "&#x6A;avascript:alert(1)",
        "&#0000106;avascript:alert(1)",
        "&#x6a&#x61&#x76&#x61script:alert(1)",
        "javascript&colon;alert(1)",
        "javascript&#58;alert(1)",
        "java&#x09;script:alert(1)",
        "java&Tab;script:alert(1)",
        "%6Aavascript:alert(1)",
        "javascript%3Aalert(1)",
        "\u{200B}javascript:alert(1)",
        "\u{FEFF}javascript:alert(1)",
        "\u{00A0}javascript:alert(1)",
        "\u{2028}javascript:alert(1)",
        "ｊａｖａｓｃｒｉｐｔ:alert(1)",
        "javascript://%0Aalert(1)",
        "javascript://https://x.example/%0aalert(1)",
        "javascript:alert`1`",
        "javascript\\:alert(1)",
        "java\\script:alert(1)",
        "javascript:/*https://x.example*/alert(1)",
        "vbscript:msgbox(1)",
        "VBScript:msgbox(1)",
        "livescript:alert(1)",
        "mocha:alert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "DATA:text/html,<script>alert(1)</script>",
        "data:image/svg+xml,<svg onload=alert(1)>",
        "file:///etc/passwd",
        "blob:https://x.example/0000",
        "filesystem:https://x.example/temporary/x",
        "jar:https://x.example!/",
        "about:blank",
        "ftp://files.example",
        "tel:+15550100",
        "//evil.example",
        "///evil.example",
        "\\\\evil.example",
        "/\\evil.example",
        "/relative/path",
        "relative.html",
        "#anchor",
        "?q=1",
        "http:evil.example",
        "https:/evil.example",
        "https:\\\\evil.example",
        "http//evil.example",
        "httpx://evil.example",
        "https",
        "http:",
        "https://",
        "mailto:",
        "mailto",
        "",
        "\u{202E}https://x.example",
        "ｈｔｔｐｓ://x.example",
        "https\u{200B}://x.example",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    // The same spellings behind leading whitespace of every kind.
    for prefix in ["  ", "\t", "\u{1}\u{2}", "\u{0c}"] {
        urls.push(format!("{prefix}javascript:alert(1)"));
    }
    urls
}

#[test]
fn safe_href_refuses_every_hostile_spelling() {
    let urls = hostile_urls();
    assert!(urls.len() >= 40);
    for url in &urls {
        assert_eq!(safe_href(url), None, "{url:?}");
    }
}

#[test]
fn safe_href_accepts_and_cleans_the_allowed_schemes() {
    for (input, expected) in [
        ("https://a.example/x?y#z", "https://a.example/x?y#z"),
        ("http://a.example", "http://a.example"),
        ("mailto:help@vendor.example", "mailto:help@vendor.example"),
        ("HTTPS://A.example", "https://A.example"),
        ("HtTp://a.example", "http://a.example"),
        ("MailTo:a@b.example", "mailto:a@b.example"),
        ("  https://a.example  ", "https://a.example"),
        ("ht\ttps://a.example", "https://a.example"),
        ("https://a.example/\n\rpath", "https://a.example/path"),
        ("\u{1}https://a.example", "https://a.example"),
        ("https://a.example/ü", "https://a.example/ü"),
        (
            "https://a.example/javascript:alert(1)",
            "https://a.example/javascript:alert(1)",
        ),
        ("mailto:javascript:alert(1)", "mailto:javascript:alert(1)"),
    ] {
        assert_eq!(safe_href(input).as_deref(), Some(expected), "{input:?}");
    }
}

#[test]
fn hostile_urls_never_become_links_in_any_syntax() {
    for url in hostile_urls() {
        let escaped_parens = url.replace('(', "\\(").replace(')', "\\)");
        for source in [
            format!("[x]({url})"),
            format!("[x](<{url}>)"),
            format!("[x]({escaped_parens})"),
            format!("[x]({url} \"title\")"),
            format!("<{url}>"),
            format!("![x]({url})"),
            format!("**[x]({url})**"),
            format!("- [x]({url})"),
            format!("[a [b] c]({url})"),
            format!("[<{url}>](https://ok.example)"),
        ] {
            let links = assert_safe(&source);
            // The only link allowed is the known-good outer one of the last form.
            let allowed = usize::from(source.ends_with("(https://ok.example)"));
            assert!(
                links <= allowed,
                "{source:?} produced {links} links: {:?}",
                parse(&source)
            );
        }
    }
}

#[test]
fn hostile_markup_of_every_kind_stays_safe() {
    let mut inputs: Vec<String> = [
        // Raw HTML and attribute injection.
        "<script>alert(1)</script>",
        "<scr<script>ipt>alert(1)</script>",
        "<img src=x onerror=alert(1)//",
        "[x](https://x.example/\" onmouseover=\"alert(1))",
        "[x](https://x.example/\"onmouseover=\"alert(1))",
        "<https://x.example/\"onmouseover=\"alert(1)>",
        "[x](https://x.example \"title\" onclick=alert(1))",
        "[<img src=x onerror=alert(1)>](https://x.example)",
        "[x](<javascript:alert(1)>\"https://x.example\")",
        "[x](https://x.example)<script>",
        // Brackets, balanced and not.
        "[a [b] c](https://x.example)",
        "[[a](https://x.example)](javascript:alert(1))",
        "[a](javascript:alert(1))](https://x.example)",
        "[a]](https://x.example)",
        "[[a]](https://x.example)",
        "[a](https://x.example))",
        "[a]((https://x.example)",
        "[a](https://x.example(()",
        "[a](<https://x.example>",
        "[a](<https://x.example",
        "[a](<https://x.example\n>)",
        "[a](\nhttps://x.example\n)",
        "[a](https://x.example \"unterminated)",
        "[a](https://x.example 'x' 'y')",
        "[a](https://x.example (x(y)))",
        "[`]`](https://x.example)",
        "[a`](https://x.example)`",
        "[a<https://x.example>](https://y.example)",
        "[a](https://x.example`)`",
        "[![a](https://x.example)](https://y.example)",
        "![[a](https://x.example)](https://y.example)",
        "[a]\n(https://x.example)",
        "[\na\n](https://x.example)",
        "[*a](https://x.example)*",
        "*[a*](https://x.example)",
        "**[a**](https://x.example)",
        "[_a](https://x.example)_",
        // Emphasis, unbalanced.
        "*a **b* c**",
        "__a *b__ c*",
        "***a** b*",
        "*a ***b*** c*",
        "_a *b_ c*",
        "**a*b***c*d**",
        "*_*_*_*_a_*_*_*_*",
        "*\n*\n*",
        "`*`*`*`",
        // Autolink corner cases.
        "<>",
        "<a>",
        "<http:>",
        "<https:/>",
        "<a@b>",
        "<a@-b.example>",
        "<a@b.example-com>",
        "<<https://x.example>>",
        "<https://x.example<>",
        "<mailto:a@b.example?subject=<x>",
        // Odd Unicode.
        "*é*_ü_ **日本語** [日本](https://x.example/日本)",
        "\u{202E}[gnp.exe](https://x.example)\u{202C}",
        "[x](https://x.example/\u{202E})",
        "\u{0}\u{1}\u{7f}\u{85}\u{200B}\u{FEFF}*x*",
        "a\u{2028}b\u{2029}c",
        "👩‍👩‍👧‍👦*👍*_🎉_",
        "e\u{301}*e\u{301}*_e\u{301}_",
        "\u{FEFF}# BOM",
        "* \u{3000}",
        "\u{3000}\n\u{3000}",
        "[\u{200B}](https://x.example)",
        "ᅟ*ᅟ*",
        "\u{10FFFF}[\u{10FFFF}](https://\u{10FFFF})",
        "\r\r\n\n\r",
        "\\\u{301}\\é\\\n",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for url in hostile_urls() {
        inputs.push(format!("Please [reset]({url}) now."));
    }
    for input in &inputs {
        assert_safe(input);
        // Every hostile URL above is refused; the good links point only where intended.
        for block in parse(input) {
            let text = format!("{block:?}");
            assert!(
                !text.to_ascii_lowercase().contains("href: \"javascript"),
                "{input:?}"
            );
        }
    }
}

/// Ten-thousand-long runs of every special character and common pathological pattern. There is
/// no timing assertion: the parser is linear (each scan stops at the first byte that cannot
/// continue it, the bracket and delimiter stacks are CommonMark's linear algorithm, and nesting
/// is converted without recursion); the run time is printed for the curious.
#[test]
fn pathological_input_finishes() {
    let patterns = [
        "[",
        "]",
        "*",
        "_",
        "`",
        "<",
        ">",
        "(",
        ")",
        "\\",
        "!",
        "&",
        "[a](",
        "*a",
        "_a",
        "a*",
        "a_",
        "**a",
        "a**",
        "*a_",
        "[]",
        "](",
        "<a",
        "`a",
        "``a",
        "[x](<",
        "*_",
        "\n",
        "  \n",
        "- ",
        "- a\n",
        "1. ",
        "&#",
        "[x](a (",
        "[x](a \"",
        "[x](a '",
        "<a@",
        "[(",
        "[x](a(",
        "![",
        "[x]",
        "[x](",
        "a*b",
        "_*",
        "*[",
        "]*",
        "\\*",
        "<https://",
        "[*](",
        "\n\n",
    ];
    let started = std::time::Instant::now();
    let mut slowest = (std::time::Duration::ZERO, "");
    for pattern in patterns {
        let input = pattern.repeat(10_000);
        let one = std::time::Instant::now();
        assert_safe(&input);
        let took = one.elapsed();
        if took > slowest.0 {
            slowest = (took, pattern);
        }
    }
    for input in [
        format!(
            "{}a{}",
            "[".repeat(5000),
            "](https://x.example)".repeat(5000)
        ),
        format!("{}a{}", "[".repeat(5000), "]".repeat(5000)),
        format!("{}a{}", "*".repeat(5000), "*".repeat(5000)),
        format!("{}a{}", "_".repeat(5000), "_".repeat(5000)),
        format!("{}b{}", "*a ".repeat(5000), "*".repeat(5000)),
        format!("{}b{}", "**a ".repeat(3000), "**".repeat(3000)),
        format!("[x](https://x.example/{})", "(".repeat(10_000)),
        format!("[x](https://x.example/{}", "()".repeat(10_000)),
        format!("[x]({}", "[x](a".repeat(5000)),
        format!("{}{}", "`".repeat(5000), "a`".repeat(5000)),
        (1..=3000)
            .map(|n| "`".repeat(n % 97 + 1) + "a")
            .collect::<String>(),
        "*a **b ".repeat(5000),
        "[a *b](c) ".repeat(5000),
        "x".repeat(100_000),
    ] {
        let one = std::time::Instant::now();
        assert_safe(&input);
        let took = one.elapsed();
        if took > slowest.0 {
            slowest = (took, "(constructed)");
        }
    }
    eprintln!(
        "pathological inputs: {:?} in all, slowest {:?} for {:?}",
        started.elapsed(),
        slowest.0,
        slowest.1
    );
}

/// A deterministic fuzz: random mixes of the syntax's tokens never panic and stay safe.
#[test]
fn random_token_soup_stays_safe() {
    const TOKENS: &[&str] = &[
        "*",
        "_",
        "**",
        "__",
        "[",
        "]",
        "(",
        ")",
        "<",
        ">",
        "`",
        "``",
        "\\",
        "\n",
        "\n\n",
        " ",
        "  \n",
        "a",
        "é",
        "日本",
        "https://x.example",
        "javascript:",
        "java\tscript:",
        "mailto:a@b.example",
        "!",
        "- ",
        "1. ",
        "2) ",
        "\"",
        "'",
        "&#106;",
        "\t",
        "\u{0}",
        "\r",
        "ｊ",
        "<https://y.example>",
        "<a@b.co>",
        "](",
        "](https://z.example)",
        "](javascript:x)",
        "#",
        "> ",
        "***",
        "\u{301}",
        "\u{202E}",
    ];
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as usize
    };
    for _ in 0..5000 {
        let len = next() % 60 + 1;
        let input: String = (0..len).map(|_| TOKENS[next() % TOKENS.len()]).collect();
        assert_safe(&input);
    }
}

// ---------------------------------------------------------------------------------------------
// plain_text

#[test]
fn plain_text_of_paragraphs_lists_and_links() {
    let blocks = parse(
        "Use **Forgot password** on the [login page](https://a.example/login).\n\n\
         1. Open `Settings`\n2. Click *Reset*  \nthen wait\n\nDone <help@vendor.example>",
    );
    assert_eq!(
        plain_text(&blocks),
        "Use Forgot password on the login page.\n\nOpen Settings\nClick Reset\nthen wait\n\nDone help@vendor.example"
    );
    // Refused links give their text only; literal markup stays.
    assert_eq!(
        plain_text(&parse("[x](javascript:alert(1)) <b>&lt;</b>")),
        "x <b>&lt;</b>"
    );
    assert_eq!(plain_text(&[]), "");
}

#[test]
fn plain_text_of_a_deep_hand_built_tree_does_not_recurse() {
    let mut inline = text("core");
    for _ in 0..100_000 {
        inline = em(vec![inline]);
    }
    let blocks = vec![para(vec![inline])];
    assert_eq!(plain_text(&blocks), "core");
    // Dropping such a tree recurses inside std; keep the test about plain_text only.
    std::mem::forget(blocks);
}
