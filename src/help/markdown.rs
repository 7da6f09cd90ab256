//! The Markdown subset of FAQ answers (design §3), parsed to a small tree that the browser layer
//! turns into DOM nodes, never into an HTML string.
//!
//! Parsing never fails: whatever is outside the subset comes back as literal [`Inline::Text`].
//! The tree holds only paragraphs, one-level lists, text, emphasis, strong, inline code, hard line
//! breaks and links whose `href` is `http://…`, `https://…` or `mailto:…` (see [`safe_href`]).
//!
//! # Blocks
//!
//! - Paragraphs are separated by blank lines (lines of spaces and tabs only). Leading spaces and
//!   tabs of every line are dropped, so indented code blocks are ordinary paragraphs.
//! - A line starting (after any indentation) with `-`, `*` or `+`, or with 1–9 digits and `.` or
//!   `)`, followed by a space, a tab or the end of the line, is a list item. Consecutive items with
//!   the same marker character (`-`, `*`, `+`, `.` or `)`) form one list, also across blank lines;
//!   another marker starts a new list. Lists are one level: an indented item is simply the next
//!   item of the list (nested lists come out flattened). A non-blank line that is not an item
//!   continues the previous item, unless a blank line came first, which ends the list. Ordered
//!   lists do not keep their start number. As in CommonMark, an item interrupts a paragraph only
//!   when it has content and is a bullet or starts at 1, so `The year\n2024. was…` stays text.
//! - A line of three or more `-`, `*` or `_` (spaces allowed between) is literal text, not a rule
//!   and not a list item.
//! - Headings (`# x`, `x\n===`), block quotes (`> x`), fenced code (```` ``` ````), tables, HTML
//!   blocks and reference definitions are literal text. (A fence's backticks may still pair up as
//!   inline code within one paragraph, which is harmless.)
//!
//! # Inlines
//!
//! Emphasis follows CommonMark's delimiter-run rules (`*em*`, `_em_`, `**strong**`,
//! `__strong__`, intraword `_` is literal, the rule of three), using its linear-time algorithm.
//!
//! - Inline code: a backtick run up to the next run of the same length. The content is literal
//!   (no escapes, no formatting); line endings become spaces and one space is stripped from each
//!   end when both ends have one. An unmatched backtick run is literal.
//! - Links: `[text](destination "optional title")`. The destination is `<…>` or a run without
//!   spaces or control characters whose parentheses balance (at most 32 deep); backslash escapes
//!   apply in it; the title is parsed and dropped. Links do not nest: once a link is formed, the
//!   `[` before it are literal. Nested brackets such as `[a [b] c](url)` make one link whose text
//!   is `a [b] c`. A link whose text is empty or only whitespace is literal. A link whose
//!   destination is not accepted by [`safe_href`] (relative, `javascript:` …) comes back as its
//!   text alone. Reference links (`[a][b]`, `[a]`) are literal.
//! - Autolinks: `<scheme:…>` without spaces, and `<user@example.org>` (becomes `mailto:`). An
//!   autolink that [`safe_href`] refuses is literal text, angle brackets included. Bare URLs are
//!   plain text.
//! - Images: `![alt](url)` is not an image. The `!` is literal and the rest is an ordinary link,
//!   so it becomes `!` followed by a link to `url` (if that URL is allowed) with text `alt`.
//! - A line ending after two or more spaces, or after a backslash, is a hard line break; any other
//!   line ending inside a paragraph becomes a space. Spaces at the end of a line are dropped.
//! - A backslash before ASCII punctuation makes it literal; any other backslash is literal.
//! - Raw HTML, comments and entities are literal text: `&lt;` stays the four characters `&lt;`,
//!   and `<b>` the three characters `<b>`.
//! - Nesting of emphasis, strong and links is at most [`MAX_DEPTH`] deep; deeper constructs come
//!   back as their literal source text. A link inside a link (an autolink within link text) comes
//!   back as its text.
//!
//! Everything runs in time linear in the input (with small constants), without recursion on the
//! input's nesting, so hostile input such as ten thousand `[` or `*` parses quickly.

/// Deepest nesting of emphasis, strong and links; anything deeper comes back as literal text.
pub const MAX_DEPTH: usize = 8;

/// Deepest nesting of parentheses inside a link destination.
const MAX_PAREN_DEPTH: usize = 32;

/// A block of an answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    /// A paragraph of inline content.
    Paragraph(Vec<Inline>),
    /// A list, one level deep, whose items are inline content.
    List {
        /// Numbered (`1.`, `2)`) rather than bulleted (`-`, `*`, `+`).
        ordered: bool,
        /// The items, in order.
        items: Vec<Vec<Inline>>,
    },
}

/// Inline content of a paragraph or list item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Inline {
    /// Literal text, to be inserted as a DOM text node.
    Text(String),
    /// `*emphasis*` or `_emphasis_`.
    Emphasis(Vec<Inline>),
    /// `**strong**` or `__strong__`.
    Strong(Vec<Inline>),
    /// `` `inline code` ``: literal text.
    Code(String),
    /// A link; `href` always passed [`safe_href`] (it starts with `http://`, `https://` or
    /// `mailto:`), and `children` never contain another link.
    Link {
        /// The destination.
        href: String,
        /// The link text.
        children: Vec<Inline>,
    },
    /// A hard line break.
    LineBreak,
}

/// Parses the subset; never fails: anything outside it comes back as literal Text.
pub fn parse(source: &str) -> Vec<Block> {
    let text = normalize(source);
    let mut blocks = Vec::new();
    let mut paragraph: Vec<&str> = Vec::new();
    let mut list: Option<ListBuilder> = None;
    for line in text.split('\n') {
        if is_blank(line) {
            flush_paragraph(&mut paragraph, &mut blocks);
            if let Some(open) = list.as_mut() {
                open.after_blank = true;
            }
            continue;
        }
        let rule = is_thematic_break(line);
        let item = if rule { None } else { list_item(line) };
        match item {
            Some(item) => {
                if let Some(open) = list.as_mut() {
                    if open.marker == item.marker {
                        open.items.push(item.content.to_owned());
                        open.after_blank = false;
                        continue;
                    }
                    flush_list(&mut list, &mut blocks);
                } else if !paragraph.is_empty() && !item.can_interrupt_paragraph() {
                    paragraph.push(line);
                    continue;
                }
                flush_paragraph(&mut paragraph, &mut blocks);
                list = Some(ListBuilder {
                    marker: item.marker,
                    items: vec![item.content.to_owned()],
                    after_blank: false,
                });
            }
            None => {
                if let Some(open) = list.as_mut() {
                    if !open.after_blank && !rule {
                        if let Some(last) = open.items.last_mut() {
                            last.push('\n');
                            last.push_str(trim_indent(line));
                            continue;
                        }
                    }
                    flush_list(&mut list, &mut blocks);
                }
                paragraph.push(line);
            }
        }
    }
    flush_paragraph(&mut paragraph, &mut blocks);
    flush_list(&mut list, &mut blocks);
    blocks
}

/// The plain text of blocks (for search snippets and aria labels).
///
/// Text and code come out as written, links as their text (never their URL), hard line breaks
/// and the boundaries between list items as `\n`, and blocks are separated by a blank line
/// (`\n\n`). No list markers or emphasis characters are added.
pub fn plain_text(blocks: &[Block]) -> String {
    let mut out = String::new();
    for (i, block) in blocks.iter().enumerate() {
        if i > 0 {
            out.push_str("\n\n");
        }
        match block {
            Block::Paragraph(inlines) => inline_text(inlines, &mut out),
            Block::List { items, .. } => {
                for (j, item) in items.iter().enumerate() {
                    if j > 0 {
                        out.push('\n');
                    }
                    inline_text(item, &mut out);
                }
            }
        }
    }
    out
}

/// The text of inline content, as [`plain_text`] gives it for a paragraph of it.
pub fn inline_plain_text(inlines: &[Inline]) -> String {
    let mut out = String::new();
    inline_text(inlines, &mut out);
    out
}

/// Is `href` a link we allow (http:, https:, mailto:)? Public for tests.
///
/// ASCII whitespace and control characters are removed anywhere in the URL first (browsers
/// ignore tabs and line breaks inside `java\tscript:`), then the result must start with
/// `http://`, `https://` or `mailto:` in any letter case, followed by at least one character.
/// Returns that cleaned URL with its scheme in lower case: the exact string that was checked,
/// to be used as the `href`. Relative and protocol-relative URLs, other schemes, and anything
/// odd before the scheme (entities such as `&#106;`, non-ASCII look-alikes) are refused.
pub fn safe_href(href: &str) -> Option<String> {
    let cleaned: String = href
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .collect();
    for scheme in ["http://", "https://", "mailto:"] {
        let Some(head) = cleaned.get(..scheme.len()) else {
            continue;
        };
        let Some(rest) = cleaned.get(scheme.len()..) else {
            continue;
        };
        if head.eq_ignore_ascii_case(scheme) && !rest.is_empty() {
            return Some(format!("{scheme}{rest}"));
        }
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Blocks

/// The character that identifies a list's kind: `-`, `*`, `+` (bullets) or `.`, `)` (ordered).
type Marker = u8;

struct ListBuilder {
    marker: Marker,
    items: Vec<String>,
    after_blank: bool,
}

struct ListItem<'a> {
    marker: Marker,
    starts_at_one: bool,
    content: &'a str,
}

impl ListItem<'_> {
    fn can_interrupt_paragraph(&self) -> bool {
        let ordered = matches!(self.marker, b'.' | b')');
        !self.content.is_empty() && (!ordered || self.starts_at_one)
    }
}

/// Line endings become `\n`, NUL becomes U+FFFD, a leading byte-order mark goes.
fn normalize(source: &str) -> String {
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    let mut out = String::with_capacity(source.len());
    let mut chars = source.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push('\n');
            }
            '\0' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

fn trim_indent(line: &str) -> &str {
    line.trim_start_matches([' ', '\t'])
}

fn is_blank(line: &str) -> bool {
    line.trim_matches([' ', '\t']).is_empty()
}

/// `***`, `- - -`, `___`: literal text for us, but never a list item.
fn is_thematic_break(line: &str) -> bool {
    let t = trim_indent(line);
    let Some(first) = t.bytes().next() else {
        return false;
    };
    if !matches!(first, b'-' | b'*' | b'_') {
        return false;
    }
    let mut count = 0;
    for b in t.bytes() {
        if b == first {
            count += 1;
        } else if b != b' ' && b != b'\t' {
            return false;
        }
    }
    count >= 3
}

fn list_item(line: &str) -> Option<ListItem<'_>> {
    let t = trim_indent(line);
    let bytes = t.as_bytes();
    let (marker, len, starts_at_one) = match *bytes.first()? {
        b @ (b'-' | b'*' | b'+') => (b, 1, false),
        b'0'..=b'9' => {
            let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
            if digits > 9 {
                return None;
            }
            let delimiter = *bytes.get(digits)?;
            if delimiter != b'.' && delimiter != b')' {
                return None;
            }
            let number: u32 = crate::base::decimal::parse_unsigned(t.get(..digits)?)?;
            (delimiter, digits + 1, number == 1)
        }
        _ => return None,
    };
    let rest = t.get(len..)?;
    if !rest.is_empty() && !rest.starts_with([' ', '\t']) {
        return None;
    }
    Some(ListItem {
        marker,
        starts_at_one,
        content: trim_indent(rest),
    })
}

fn flush_paragraph(lines: &mut Vec<&str>, blocks: &mut Vec<Block>) {
    if lines.is_empty() {
        return;
    }
    let joined = lines
        .iter()
        .map(|line| trim_indent(line))
        .collect::<Vec<_>>()
        .join("\n");
    lines.clear();
    let inlines = parse_inlines(joined.trim_end());
    if !inlines.is_empty() {
        blocks.push(Block::Paragraph(inlines));
    }
}

fn flush_list(list: &mut Option<ListBuilder>, blocks: &mut Vec<Block>) {
    if let Some(open) = list.take() {
        blocks.push(Block::List {
            ordered: matches!(open.marker, b'.' | b')'),
            items: open
                .items
                .iter()
                .map(|item| parse_inlines(item.trim_end()))
                .collect(),
        });
    }
}

/// Appends the plain text of `inlines`, walking the tree with an explicit stack.
fn inline_text(inlines: &[Inline], out: &mut String) {
    let mut stack = vec![inlines.iter()];
    while let Some(top) = stack.last_mut() {
        match top.next() {
            None => {
                stack.pop();
            }
            Some(Inline::Text(s) | Inline::Code(s)) => out.push_str(s),
            Some(Inline::LineBreak) => out.push('\n'),
            Some(
                Inline::Emphasis(children)
                | Inline::Strong(children)
                | Inline::Link { children, .. },
            ) => stack.push(children.iter()),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Inlines: CommonMark's delimiter algorithm over a doubly linked list of nodes kept in an arena.

const NIL: usize = usize::MAX;

enum Kind {
    Text(String),
    Code(String),
    LineBreak,
    Emph {
        strong: bool,
        ch: u8,
    },
    /// `href` is `None` for a well-formed link whose destination is not allowed. `open` and
    /// `close` are the literal source around the text, for links nested too deep.
    Link {
        href: Option<String>,
        open: String,
        close: String,
    },
}

struct Node {
    kind: Kind,
    prev: usize,
    next: usize,
    first: usize,
    last: usize,
}

/// A run of `*` or `_` that may open or close emphasis. Delimiters are numbered in source
/// order, so "above a bracket" is "index at least the count when the bracket was pushed".
struct Delim {
    node: usize,
    ch: u8,
    orig: usize,
    count: usize,
    can_open: bool,
    can_close: bool,
    prev: usize,
    next: usize,
}

struct Bracket {
    node: usize,
    delim_bottom: usize,
}

struct InlineParser<'a> {
    src: &'a str,
    bytes: &'a [u8],
    nodes: Vec<Node>,
    head: usize,
    tail: usize,
    delims: Vec<Delim>,
    delim_top: usize,
    brackets: Vec<Bracket>,
    /// Every maximal backtick run as (length, start), sorted.
    backtick_runs: Vec<(usize, usize)>,
}

fn parse_inlines(src: &str) -> Vec<Inline> {
    let mut parser = InlineParser::new(src);
    parser.run();
    parser.into_inlines()
}

impl<'a> InlineParser<'a> {
    fn new(src: &'a str) -> InlineParser<'a> {
        let bytes = src.as_bytes();
        let mut backtick_runs = Vec::new();
        let mut k = 0;
        while k < bytes.len() {
            if bytes.get(k) == Some(&b'`') {
                let start = k;
                k = run_end(bytes, k, b'`');
                backtick_runs.push((k - start, start));
            } else {
                k += 1;
            }
        }
        crate::base::sort::sort_by(&mut backtick_runs, Ord::cmp);
        InlineParser {
            src,
            bytes,
            nodes: Vec::new(),
            head: NIL,
            tail: NIL,
            delims: Vec::new(),
            delim_top: NIL,
            brackets: Vec::new(),
            backtick_runs,
        }
    }

    fn slice(&self, start: usize, end: usize) -> &'a str {
        let src: &'a str = self.src;
        src.get(start..end).unwrap_or("")
    }

    fn run(&mut self) {
        let len = self.bytes.len();
        let mut i = 0;
        let mut text_start = 0;
        while let Some(&b) = self.bytes.get(i) {
            match b {
                b'\\' => match self.bytes.get(i + 1) {
                    Some(next) if next.is_ascii_punctuation() => {
                        self.flush_text(text_start, i);
                        self.append_text(self.slice(i + 1, i + 2));
                        i += 2;
                        text_start = i;
                    }
                    Some(b'\n') => {
                        let run = self.slice(text_start, i).trim_end_matches(' ');
                        self.append_text(run);
                        self.append(Kind::LineBreak);
                        i += 2;
                        text_start = i;
                    }
                    _ => i += 1,
                },
                b'\n' => {
                    let run = self.slice(text_start, i);
                    let trimmed = run.trim_end_matches(' ');
                    let hard = run.len() - trimmed.len() >= 2;
                    self.append_text(trimmed);
                    if hard {
                        self.append(Kind::LineBreak);
                    } else {
                        self.append_text(" ");
                    }
                    i += 1;
                    text_start = i;
                }
                b'`' => {
                    let open_end = run_end(self.bytes, i, b'`');
                    match self.find_backtick_close(open_end, open_end - i) {
                        Some(close) => {
                            self.flush_text(text_start, i);
                            let code = code_content(self.slice(open_end, close));
                            self.append(Kind::Code(code));
                            i = close + (open_end - i);
                            text_start = i;
                        }
                        None => i = open_end,
                    }
                }
                b'*' | b'_' => {
                    let end = run_end(self.bytes, i, b);
                    let src: &'a str = self.src;
                    let before = src.get(..i).and_then(|s| s.chars().next_back());
                    let after = src.get(end..).and_then(|s| s.chars().next());
                    let (can_open, can_close) = flanking(b, before, after);
                    if can_open || can_close {
                        self.flush_text(text_start, i);
                        let node = self.append(Kind::Text(self.slice(i, end).to_owned()));
                        self.push_delim(Delim {
                            node,
                            ch: b,
                            orig: end - i,
                            count: end - i,
                            can_open,
                            can_close,
                            prev: NIL,
                            next: NIL,
                        });
                        text_start = end;
                    }
                    i = end;
                }
                b'[' => {
                    self.flush_text(text_start, i);
                    let node = self.append(Kind::Text("[".to_owned()));
                    self.brackets.push(Bracket {
                        node,
                        delim_bottom: self.delims.len(),
                    });
                    i += 1;
                    text_start = i;
                }
                b']' => {
                    let link = match self.brackets.pop() {
                        Some(bracket) => {
                            parse_inline_link(self.src, i + 1).map(|found| (bracket, found))
                        }
                        None => None,
                    };
                    match link {
                        Some((bracket, (destination, end))) => {
                            self.flush_text(text_start, i);
                            text_start = i;
                            if self.has_visible_content(bracket.node) {
                                self.process_emphasis(bracket.delim_bottom);
                                let close = self.slice(i, end).to_owned();
                                self.wrap_link(bracket.node, safe_href(&destination), close);
                                self.brackets.clear();
                                text_start = end;
                                i = end;
                            } else {
                                i += 1;
                            }
                        }
                        None => i += 1,
                    }
                }
                b'<' => match autolink(self.src, i) {
                    Some((href, end)) => {
                        self.flush_text(text_start, i);
                        let url = self.slice(i + 1, end - 1).to_owned();
                        self.append_autolink(href, url);
                        i = end;
                        text_start = i;
                    }
                    None => i += 1,
                },
                _ => i += 1,
            }
        }
        self.flush_text(text_start, len);
        self.process_emphasis(0);
    }

    // --- the node list ---

    fn append(&mut self, kind: Kind) -> usize {
        let idx = self.nodes.len();
        self.nodes.push(Node {
            kind,
            prev: self.tail,
            next: NIL,
            first: NIL,
            last: NIL,
        });
        self.set_next(self.tail, idx);
        if self.head == NIL {
            self.head = idx;
        }
        self.tail = idx;
        idx
    }

    fn append_text(&mut self, text: &str) {
        if !text.is_empty() {
            self.append(Kind::Text(text.to_owned()));
        }
    }

    fn flush_text(&mut self, start: usize, end: usize) {
        if start < end {
            self.append_text(self.slice(start, end));
        }
    }

    fn append_autolink(&mut self, href: String, url: String) {
        let link = self.append(Kind::Link {
            href: Some(href),
            open: "<".to_owned(),
            close: ">".to_owned(),
        });
        let text = self.nodes.len();
        self.nodes.push(Node {
            kind: Kind::Text(url),
            prev: NIL,
            next: NIL,
            first: NIL,
            last: NIL,
        });
        if let Some(node) = self.nodes.get_mut(link) {
            node.first = text;
            node.last = text;
        }
    }

    fn next_of(&self, idx: usize) -> usize {
        self.nodes.get(idx).map_or(NIL, |n| n.next)
    }

    fn prev_of(&self, idx: usize) -> usize {
        self.nodes.get(idx).map_or(NIL, |n| n.prev)
    }

    fn set_next(&mut self, idx: usize, next: usize) {
        if let Some(node) = self.nodes.get_mut(idx) {
            node.next = next;
        }
    }

    fn set_prev(&mut self, idx: usize, prev: usize) {
        if let Some(node) = self.nodes.get_mut(idx) {
            node.prev = prev;
        }
    }

    /// Takes a node out of the top-level list.
    fn unlink(&mut self, idx: usize) {
        let (prev, next) = (self.prev_of(idx), self.next_of(idx));
        if prev == NIL {
            self.head = next;
        } else {
            self.set_next(prev, next);
        }
        if next == NIL {
            self.tail = prev;
        } else {
            self.set_prev(next, prev);
        }
        self.set_prev(idx, NIL);
        self.set_next(idx, NIL);
    }

    /// Moves the nodes strictly between `a` and `b` into a new container placed between them.
    fn wrap_between(&mut self, a: usize, b: usize, kind: Kind) {
        let first = self.next_of(a);
        let last = self.prev_of(b);
        let container = self.nodes.len();
        let (first, last) = if first == b || first == NIL {
            (NIL, NIL)
        } else {
            (first, last)
        };
        self.nodes.push(Node {
            kind,
            prev: a,
            next: b,
            first,
            last,
        });
        self.set_prev(first, NIL);
        self.set_next(last, NIL);
        self.set_next(a, container);
        self.set_prev(b, container);
    }

    /// Replaces the bracket node and everything after it with a link holding what followed it.
    fn wrap_link(&mut self, bracket: usize, href: Option<String>, close: String) {
        let first = self.next_of(bracket);
        let prev = self.prev_of(bracket);
        let (first, last) = if first == NIL {
            (NIL, NIL)
        } else {
            (first, self.tail)
        };
        let link = self.nodes.len();
        self.nodes.push(Node {
            kind: Kind::Link {
                href,
                open: "[".to_owned(),
                close,
            },
            prev,
            next: NIL,
            first,
            last,
        });
        self.set_prev(first, NIL);
        self.set_next(last, NIL);
        if prev == NIL {
            self.head = link;
        } else {
            self.set_next(prev, link);
        }
        self.tail = link;
    }

    /// Is there anything but whitespace after the bracket node?
    fn has_visible_content(&self, bracket: usize) -> bool {
        let mut n = self.next_of(bracket);
        while let Some(node) = self.nodes.get(n) {
            match &node.kind {
                Kind::Text(s) if s.trim().is_empty() => {}
                Kind::LineBreak => {}
                _ => return true,
            }
            n = node.next;
        }
        false
    }

    fn find_backtick_close(&self, from: usize, len: usize) -> Option<usize> {
        let at = self
            .backtick_runs
            .partition_point(|&(l, start)| (l, start) < (len, from));
        match self.backtick_runs.get(at) {
            Some(&(l, start)) if l == len => Some(start),
            _ => None,
        }
    }

    // --- the delimiter stack ---

    fn push_delim(&mut self, mut delim: Delim) {
        let idx = self.delims.len();
        delim.prev = self.delim_top;
        if let Some(top) = self.delims.get_mut(self.delim_top) {
            top.next = idx;
        }
        self.delims.push(delim);
        self.delim_top = idx;
    }

    fn remove_delim(&mut self, idx: usize) {
        let Some(d) = self.delims.get(idx) else {
            return;
        };
        let (prev, next) = (d.prev, d.next);
        if let Some(p) = self.delims.get_mut(prev) {
            p.next = next;
        }
        if let Some(n) = self.delims.get_mut(next) {
            n.prev = prev;
        }
        if self.delim_top == idx {
            self.delim_top = prev;
        }
    }

    /// CommonMark's "process emphasis" over the delimiters numbered `bottom` and above, then
    /// removes them from the stack.
    fn process_emphasis(&mut self, bottom: usize) {
        let mut closer = NIL;
        let mut d = self.delim_top;
        while d != NIL && d >= bottom {
            closer = d;
            d = self.delims.get(d).map_or(NIL, |x| x.prev);
        }
        // Lowest opener index worth looking at, per closer character, `can_open` and length % 3.
        let mut openers_bottom = [[bottom; 6]; 2];
        while let Some(c) = self.delims.get(closer) {
            if !c.can_close {
                closer = c.next;
                continue;
            }
            let by_char = usize::from(c.ch == b'_');
            let by_shape = usize::from(c.can_open) * 3 + c.orig % 3;
            let floor = openers_bottom[by_char][by_shape];
            let mut opener = c.prev;
            let mut found = false;
            while opener != NIL && opener >= floor {
                let Some(o) = self.delims.get(opener) else {
                    break;
                };
                if o.can_open && o.ch == c.ch {
                    let odd_match = (c.can_open || o.can_close)
                        && (o.orig + c.orig) % 3 == 0
                        && !(o.orig % 3 == 0 && c.orig % 3 == 0);
                    if !odd_match {
                        found = true;
                        break;
                    }
                }
                opener = o.prev;
            }
            if found {
                closer = self.insert_emphasis(opener, closer);
            } else {
                let (next, can_open) = (c.next, c.can_open);
                openers_bottom[by_char][by_shape] = closer;
                if !can_open {
                    self.remove_delim(closer);
                }
                closer = next;
            }
        }
        while self.delim_top != NIL && self.delim_top >= bottom {
            self.remove_delim(self.delim_top);
        }
    }

    /// Wraps what lies between an opener and a closer; returns the next closer to look at.
    fn insert_emphasis(&mut self, opener: usize, closer: usize) -> usize {
        let (Some(o), Some(c)) = (self.delims.get(opener), self.delims.get(closer)) else {
            return NIL;
        };
        let used = if o.count >= 2 && c.count >= 2 { 2 } else { 1 };
        let (ch, opener_node, closer_node) = (c.ch, o.node, c.node);
        let opener_left = o.count - used;
        let closer_left = c.count - used;
        if let Some(o) = self.delims.get_mut(opener) {
            o.count = opener_left;
        }
        if let Some(c) = self.delims.get_mut(closer) {
            c.count = closer_left;
        }
        for (node, left) in [(opener_node, opener_left), (closer_node, closer_left)] {
            if let Some(Node {
                kind: Kind::Text(s),
                ..
            }) = self.nodes.get_mut(node)
            {
                s.truncate(left);
            }
        }
        // Delimiters between the two can no longer match anything.
        let mut d = self.delims.get(closer).map_or(NIL, |x| x.prev);
        while d != opener && d != NIL {
            let prev = self.delims.get(d).map_or(NIL, |x| x.prev);
            self.remove_delim(d);
            d = prev;
        }
        self.wrap_between(
            opener_node,
            closer_node,
            Kind::Emph {
                strong: used == 2,
                ch,
            },
        );
        if opener_left == 0 {
            self.unlink(opener_node);
            self.remove_delim(opener);
        }
        if closer_left == 0 {
            let next = self.delims.get(closer).map_or(NIL, |x| x.next);
            self.unlink(closer_node);
            self.remove_delim(closer);
            next
        } else {
            closer
        }
    }

    // --- into the public tree ---

    fn into_inlines(self) -> Vec<Inline> {
        let mut out = Vec::new();
        self.convert(self.head, 0, false, &mut out);
        out
    }

    /// Converts a node list. Recursion is bounded: it goes one level deeper per container up to
    /// `MAX_DEPTH` (deeper ones are flattened without recursion), plus one level for a link's
    /// text (links hold no links but autolinks, which hold only text).
    fn convert(&self, first: usize, depth: usize, in_link: bool, out: &mut Vec<Inline>) {
        let mut n = first;
        while let Some(node) = self.nodes.get(n) {
            match &node.kind {
                Kind::Text(s) => push_text(out, s),
                Kind::Code(s) => out.push(Inline::Code(s.clone())),
                Kind::LineBreak => out.push(Inline::LineBreak),
                Kind::Emph { strong, ch } => {
                    if depth >= MAX_DEPTH {
                        self.flatten(n, out);
                    } else {
                        let mut children = Vec::new();
                        self.convert(node.first, depth + 1, in_link, &mut children);
                        if children.is_empty() {
                            let d = delimiter_text(*ch, *strong);
                            push_text(out, d);
                            push_text(out, d);
                        } else if *strong {
                            out.push(Inline::Strong(children));
                        } else {
                            out.push(Inline::Emphasis(children));
                        }
                    }
                }
                Kind::Link {
                    href: Some(href), ..
                } if !in_link => {
                    if depth >= MAX_DEPTH {
                        self.flatten(n, out);
                    } else {
                        let mut children = Vec::new();
                        self.convert(node.first, depth + 1, true, &mut children);
                        out.push(Inline::Link {
                            href: href.clone(),
                            children,
                        });
                    }
                }
                // A refused destination, or an autolink inside link text: the text alone.
                Kind::Link { .. } => self.convert(node.first, depth, in_link, out),
            }
            n = node.next;
        }
    }

    /// Literal source text of a subtree (Code and LineBreak stay), without recursion.
    fn flatten(&self, idx: usize, out: &mut Vec<Inline>) {
        enum Work<'n> {
            Node(usize),
            Literal(&'n str),
        }
        let mut stack = vec![Work::Node(idx)];
        while let Some(work) = stack.pop() {
            let n = match work {
                Work::Literal(s) => {
                    push_text(out, s);
                    continue;
                }
                Work::Node(n) => n,
            };
            let Some(node) = self.nodes.get(n) else {
                continue;
            };
            let (open, close) = match &node.kind {
                Kind::Text(s) => {
                    push_text(out, s);
                    continue;
                }
                Kind::Code(s) => {
                    out.push(Inline::Code(s.clone()));
                    continue;
                }
                Kind::LineBreak => {
                    out.push(Inline::LineBreak);
                    continue;
                }
                Kind::Emph { strong, ch } => {
                    let d = delimiter_text(*ch, *strong);
                    (d, d)
                }
                Kind::Link {
                    href: Some(_),
                    open,
                    close,
                } => (open.as_str(), close.as_str()),
                Kind::Link { href: None, .. } => ("", ""),
            };
            stack.push(Work::Literal(close));
            let mut child = node.last;
            while let Some(c) = self.nodes.get(child) {
                stack.push(Work::Node(child));
                child = c.prev;
            }
            stack.push(Work::Literal(open));
        }
    }
}

fn delimiter_text(ch: u8, strong: bool) -> &'static str {
    match (ch, strong) {
        (b'*', true) => "**",
        (b'*', false) => "*",
        (_, true) => "__",
        (_, false) => "_",
    }
}

fn push_text(out: &mut Vec<Inline>, s: &str) {
    if s.is_empty() {
        return;
    }
    if let Some(Inline::Text(t)) = out.last_mut() {
        t.push_str(s);
    } else {
        out.push(Inline::Text(s.to_owned()));
    }
}

/// End of the run of `b` starting at `i`.
fn run_end(bytes: &[u8], mut i: usize, b: u8) -> usize {
    while bytes.get(i) == Some(&b) {
        i += 1;
    }
    i
}

fn code_content(raw: &str) -> String {
    let s = raw.replace('\n', " ");
    if s.len() >= 2 && s.starts_with(' ') && s.ends_with(' ') && s.bytes().any(|b| b != b' ') {
        s.get(1..s.len() - 1).unwrap_or(&s).to_owned()
    } else {
        s
    }
}

/// Unicode punctuation and symbols, approximately: ASCII punctuation, and any other non-ASCII
/// character that is not alphanumeric, whitespace or a control character.
fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation()
        || (!c.is_ascii() && !c.is_alphanumeric() && !c.is_whitespace() && !c.is_control())
}

/// (can open, can close) for a run of `*` or `_` between `before` and `after` (CommonMark's
/// left- and right-flanking rules; the start and end of the text count as whitespace).
fn flanking(ch: u8, before: Option<char>, after: Option<char>) -> (bool, bool) {
    let space = |c: Option<char>| c.is_none_or(char::is_whitespace);
    let punct = |c: Option<char>| c.is_some_and(is_punctuation);
    let left = !space(after) && (!punct(after) || space(before) || punct(before));
    let right = !space(before) && (!punct(before) || space(after) || punct(after));
    if ch == b'*' {
        (left, right)
    } else {
        (
            left && (!right || punct(before)),
            right && (!left || punct(after)),
        )
    }
}

fn skip_space(bytes: &[u8], mut i: usize) -> usize {
    while matches!(bytes.get(i), Some(b' ' | b'\t' | b'\n')) {
        i += 1;
    }
    i
}

fn is_escapable(b: Option<&u8>) -> bool {
    b.is_some_and(u8::is_ascii_punctuation)
}

/// Backslash escapes of ASCII punctuation, as in a link destination.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(&next) = chars.peek() {
                if next.is_ascii_punctuation() {
                    out.push(next);
                    chars.next();
                    continue;
                }
            }
        }
        out.push(c);
    }
    out
}

/// `(destination "title")` starting at byte `p`: the unescaped destination and the index just
/// past the closing parenthesis. Every scan stops at the first byte that cannot continue it.
fn parse_inline_link(src: &str, p: usize) -> Option<(String, usize)> {
    let b = src.as_bytes();
    if b.get(p) != Some(&b'(') {
        return None;
    }
    let mut k = skip_space(b, p + 1);
    let destination;
    if b.get(k) == Some(&b'<') {
        let start = k + 1;
        let mut j = start;
        loop {
            match *b.get(j)? {
                b'>' => break,
                b'\n' | b'<' => return None,
                b'\\' if is_escapable(b.get(j + 1)) => j += 2,
                _ => j += 1,
            }
        }
        destination = unescape(src.get(start..j)?);
        k = j + 1;
    } else {
        let start = k;
        let mut j = k;
        let mut depth = 0usize;
        while let Some(&c) = b.get(j) {
            match c {
                b'\\' if is_escapable(b.get(j + 1)) => j += 2,
                b'(' => {
                    depth += 1;
                    if depth > MAX_PAREN_DEPTH {
                        return None;
                    }
                    j += 1;
                }
                b')' => {
                    if depth == 0 {
                        break;
                    }
                    depth -= 1;
                    j += 1;
                }
                c if c <= b' ' || c == 0x7f => break,
                _ => j += 1,
            }
        }
        if depth != 0 {
            return None;
        }
        destination = unescape(src.get(start..j)?);
        k = j;
    }
    let after_destination = k;
    k = skip_space(b, k);
    if k > after_destination {
        if let Some(&quote) = b.get(k) {
            if matches!(quote, b'"' | b'\'' | b'(') {
                let close = if quote == b'(' { b')' } else { quote };
                let mut j = k + 1;
                loop {
                    match *b.get(j)? {
                        c if c == close => break,
                        b'(' if quote == b'(' => return None,
                        b'\\' if is_escapable(b.get(j + 1)) => j += 2,
                        _ => j += 1,
                    }
                }
                k = skip_space(b, j + 1);
            }
        }
    }
    if b.get(k) == Some(&b')') {
        Some((destination, k + 1))
    } else {
        None
    }
}

/// `<…>` at byte `i`: the allowed href and the index just past `>`, or `None` when it is not an
/// autolink we accept (it is then literal text).
fn autolink(src: &str, i: usize) -> Option<(String, usize)> {
    let b = src.as_bytes();
    let start = i + 1;
    let mut j = start;
    loop {
        match *b.get(j)? {
            b'>' => break,
            b'<' => return None,
            c if c <= b' ' || c == 0x7f => return None,
            _ => j += 1,
        }
    }
    let content = src.get(start..j)?;
    let href = if has_scheme(content) {
        safe_href(content)?
    } else if is_email(content) {
        format!("mailto:{content}")
    } else {
        return None;
    };
    Some((href, j + 1))
}

/// Starts with a URI scheme (2–32 characters: a letter, then letters, digits, `+`, `.`, `-`)
/// and a colon.
fn has_scheme(s: &str) -> bool {
    let b = s.as_bytes();
    let Some(colon) = b.iter().position(|&c| c == b':') else {
        return false;
    };
    (2..=32).contains(&colon)
        && b.first().is_some_and(u8::is_ascii_alphabetic)
        && b.get(1..colon).is_some_and(|rest| {
            rest.iter()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'.' | b'-'))
        })
}

/// CommonMark's e-mail autolink: `local@label.label`.
fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || b".!#$%&'*+/=?^_`{|}~-".contains(&c));
    let domain_ok = domain.split('.').all(|label| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-')
    });
    local_ok && domain_ok
}
