//! FAQ entries as disclosures: a button with `aria-expanded` controlling its answer, which is
//! built from the Markdown AST the first time it opens.
//!
//! Whether each disclosure is open, and which FAQ entry it shows, is kept here in Rust; the DOM
//! only draws it (nothing is read back from `aria-expanded`, `hidden` or `data-faq`). A part
//! keeps one [`Disclosures`] per list it redraws, and clears it with the list.

use crate::base::feed::Feed;
use crate::base::i18n::Lang;
use crate::base::text::lang_attribute;
use crate::help::search::{highlight_ranges, IndexBuilder, SearchIndex};
use crate::help::FaqLine;
use crate::web::build::{add, make};
use crate::web::dom::{self, Timer};
use crate::web::help::markdown::append_blocks;
use std::cell::{OnceCell, RefCell};
use std::rc::Rc;
use wasm_bindgen::JsValue;
use web_sys::{Document, Element};

/// One drawn disclosure.
struct Disclosure {
    button: Element,
    target: Element,
    /// The FAQ entry whose answer it builds when first opened: none for a topic group, or
    /// once the answer is built.
    faq: Option<usize>,
    /// The FAQ entry it shows, for good (none for a topic group).
    entry: Option<usize>,
    /// A topic group's entries, drawn in its list the first time it opens (a FAQ of a
    /// thousand entries would otherwise be twenty thousand DOM calls on opening the panel).
    entries: Vec<FaqLine>,
    open: bool,
}

/// What a toggle did.
#[derive(Clone, Debug, PartialEq)]
pub enum Toggled {
    /// The button is not one of this list's.
    NotOurs,
    /// A topic group opened or closed, or an answer closed.
    Done,
    /// The answer to FAQ entry `faq` (an index in the feed) opened in `answer`; `first` when
    /// it was built just now.
    Opened {
        /// Index in the feed's FAQ.
        faq: usize,
        /// The answer's node.
        answer: Element,
        /// Built now: the first time it opened.
        first: bool,
    },
}

/// The disclosures of one list, with the ids that tie each button to its target.
pub struct Disclosures {
    prefix: &'static str,
    next_id: u32,
    items: Vec<Disclosure>,
}

impl std::fmt::Debug for Disclosures {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Disclosures")
    }
}

impl Disclosures {
    /// An empty list whose ids start with `prefix` (unique per list in the shadow root).
    pub fn new(prefix: &'static str) -> Disclosures {
        Disclosures {
            prefix,
            next_id: 0,
            items: Vec::new(),
        }
    }

    /// Forgets every disclosure (their nodes were removed with the list).
    pub fn clear(&mut self) {
        self.items.clear();
    }

    /// The targets of the closed disclosures (their lists and answers are hidden).
    pub fn closed_targets(&self) -> impl Iterator<Item = &Element> {
        self.items.iter().filter(|d| !d.open).map(|d| &d.target)
    }

    fn fresh_id(&mut self) -> String {
        self.next_id += 1;
        format!("{}{}", self.prefix, self.next_id)
    }

    /// A topic group: its toggle button and the (hidden) list it controls, which gets the
    /// topic's `entries` when it first opens.
    pub fn topic(
        &mut self,
        doc: &Document,
        label: &str,
        entries: Vec<FaqLine>,
    ) -> Result<(Element, Element), JsValue> {
        let id = self.fresh_id();
        let button = disclosure_button(doc, label, &id, "lsw-topic")?;
        let list = make(
            doc,
            "div",
            "lsw-topic-entries",
            &[("id", &id), ("hidden", "")],
            "",
        )?;
        self.items.push(Disclosure {
            button: button.clone(),
            target: list.clone(),
            faq: None,
            entry: None,
            entries,
            open: false,
        });
        Ok((button, list))
    }

    /// One FAQ entry: a heading (`level`, "h3" or "h4") holding a disclosure button, and its
    /// (lazily built) answer, with the parts matching `query` marked. The question and answer
    /// are feed texts, perhaps in the feed's fallback language: `dir=auto` lets each take its
    /// own direction, and the line's `lang` (set only when it differs from the widget's
    /// language) its own voice.
    pub fn faq_item(
        &mut self,
        doc: &Document,
        line: &FaqLine,
        query: Option<&str>,
        level: &str,
    ) -> Result<Element, JsValue> {
        let id = self.fresh_id();
        // Drawn for tests and host styling; never read back.
        let index = line.index.to_string();
        let item = make(doc, "div", "lsw-faq", &[("data-faq", &index)], "")?;
        let heading = add(doc, &item, level, "", &[], "")?;
        let button = disclosure_button(doc, "", &id, "lsw-question")?;
        heading.append_child(&button)?;
        let lang: &[(&str, &str)] = match &line.lang {
            Some(tag) => &[("dir", "auto"), ("lang", tag)],
            None => &[("dir", "auto")],
        };
        let label = add(doc, &button, "span", "", lang, "")?;
        append_highlighted(doc, &label, &line.question, query)?;
        let answer = add(
            doc,
            &item,
            "div",
            "lsw-answer",
            &[("dir", "auto"), ("id", &id), ("hidden", "")],
            "",
        )?;
        self.items.push(Disclosure {
            button,
            target: answer,
            faq: Some(line.index),
            entry: Some(line.index),
            entries: Vec::new(),
            open: false,
        });
        Ok(item)
    }

    /// Opens the disclosure drawn last (the best result opens at once).
    pub fn open_last(
        &mut self,
        doc: &Document,
        feed: &Feed,
        locale: &str,
    ) -> Result<Toggled, JsValue> {
        match self.items.len().checked_sub(1) {
            Some(last) => self.set_open(last, true, doc, feed, locale),
            None => Ok(Toggled::NotOurs),
        }
    }

    /// Opens or closes the disclosure `button` belongs to; false when it is not one of ours.
    pub fn toggle(
        &mut self,
        button: &Element,
        doc: &Document,
        feed: &Feed,
        locale: &str,
    ) -> Result<Toggled, JsValue> {
        let Some(at) = self.items.iter().position(|d| d.button == *button) else {
            return Ok(Toggled::NotOurs);
        };
        let open = !self.items[at].open;
        self.set_open(at, open, doc, feed, locale)
    }

    fn set_open(
        &mut self,
        at: usize,
        open: bool,
        doc: &Document,
        feed: &Feed,
        locale: &str,
    ) -> Result<Toggled, JsValue> {
        let entries = match self.items.get_mut(at) {
            Some(topic) if open => std::mem::take(&mut topic.entries),
            Some(_) => Vec::new(),
            None => return Ok(Toggled::NotOurs),
        };
        if let Some(list) = self.items.get(at).map(|topic| topic.target.clone()) {
            for line in &entries {
                let item = self.faq_item(doc, line, None, "h4")?;
                list.append_child(&item)?;
            }
        }
        let Some(item) = self.items.get_mut(at) else {
            return Ok(Toggled::NotOurs);
        };
        item.open = open;
        item.button
            .set_attribute("aria-expanded", if open { "true" } else { "false" })?;
        if open {
            item.target.remove_attribute("hidden")?;
        } else {
            item.target.set_attribute("hidden", "")?;
        }
        let first = item.faq.is_some();
        if let Some(entry) = item.faq.filter(|_| open).and_then(|i| feed.faq.get(i)) {
            let (tag, answer) = entry.answer.get_with_tag(locale);
            if let Some(tag) = lang_attribute(tag, Lang::negotiate(locale).tag()) {
                item.target.set_attribute("lang", tag)?;
            }
            append_blocks(doc, &item.target, &crate::help::markdown::parse(answer))?;
            // Built once: the answer stays when closed and opened again.
            item.faq = None;
        }
        Ok(match item.entry.filter(|_| open) {
            Some(faq) => Toggled::Opened {
                faq,
                answer: item.target.clone(),
                first,
            },
            None => Toggled::Done,
        })
    }
}

fn disclosure_button(
    doc: &Document,
    label: &str,
    controls: &str,
    class: &str,
) -> Result<Element, JsValue> {
    make(
        doc,
        "button",
        class,
        &[
            ("type", "button"),
            ("data-action", "toggle"),
            ("aria-expanded", "false"),
            ("aria-controls", controls),
        ],
        label,
    )
}

/// Appends `text` with the parts matching `query` wrapped in `<mark>` elements.
fn append_highlighted(
    doc: &Document,
    parent: &Element,
    text: &str,
    query: Option<&str>,
) -> Result<(), JsValue> {
    let ranges = query.map(|q| highlight_ranges(text, q)).unwrap_or_default();
    let mut at = 0;
    for range in ranges {
        let (Some(before), Some(marked)) = (text.get(at..range.start), text.get(range.clone()))
        else {
            continue;
        };
        if !before.is_empty() {
            parent.append_child(&doc.create_text_node(before))?;
        }
        add(doc, parent, "mark", "", &[], marked)?;
        at = range.end;
    }
    if let Some(rest) = text.get(at..).filter(|r| !r.is_empty()) {
        parent.append_child(&doc.create_text_node(rest))?;
    }
    Ok(())
}

/// The FAQ search index of one feed version, shared by the parts that search it (the help
/// panel's search box, the ticket form's suggestions). It is built in steps of a few
/// milliseconds each in tasks of their own, from the moment the feed is known, so that a
/// large FAQ (1,000 entries take 100 ms and more) is not indexed in one long task on the first
/// keystroke; a search before the steps are done finishes it at once, with the same results.
pub struct FaqIndex {
    feed: Rc<Feed>,
    locale: String,
    index: OnceCell<SearchIndex>,
    building: RefCell<Option<IndexBuilder>>,
    steps: RefCell<Option<Timer>>,
    /// Called once its steps have built it (a search typed meanwhile waits for it).
    on_built: RefCell<Option<Box<dyn FnOnce()>>>,
}

impl std::fmt::Debug for FaqIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FaqIndex")
    }
}

/// The time one step of the build may take: well under the 50 ms of a long task, so a
/// keystroke waits little for it, and long beside the 4 ms at the least between an interval's
/// ticks (with 8 ms a third of the time went waiting, while a query typed early waits for it).
const STEP_MS: f64 = 20.0;

impl FaqIndex {
    /// The index of `feed`'s FAQ in `locale`, its build started.
    pub fn new(feed: Rc<Feed>, locale: &str) -> Rc<FaqIndex> {
        let index = Rc::new(FaqIndex {
            feed,
            locale: locale.to_string(),
            index: OnceCell::new(),
            building: RefCell::new(Some(IndexBuilder::new(locale))),
            steps: RefCell::new(None),
            on_built: RefCell::new(None),
        });
        let weak = Rc::downgrade(&index);
        // Dropped with the index (a new feed), which stops the steps.
        let steps = Timer::every(0.0, move || {
            if let Some(index) = weak.upgrade() {
                if index.step() {
                    index.steps.borrow_mut().take();
                    let built = index.on_built.borrow_mut().take();
                    if let Some(built) = built {
                        built();
                    }
                }
            }
        });
        *index.steps.borrow_mut() = steps
            .map_err(|e| dom::warn(&format!("search index: {}", dom::describe(&e))))
            .ok();
        index
    }

    /// One step of the build: entries for up to [`STEP_MS`], then, once every entry is in,
    /// their weighing: in the same task when half the step is left (a small FAQ is indexed in
    /// one tick, and a query typed at once waits one tick less), else in a task of its own.
    /// True once the index is built.
    fn step(&self) -> bool {
        let Ok(mut building) = self.building.try_borrow_mut() else {
            return false;
        };
        if let Some(builder) = building.as_mut() {
            if builder.len() < self.feed.faq.len() {
                let until = dom::now_ms() + STEP_MS;
                builder.add_from(&self.feed.faq, || dom::now_ms() < until);
                if builder.len() < self.feed.faq.len() || dom::now_ms() > until - STEP_MS / 2.0 {
                    return false;
                }
            }
        }
        drop(building);
        self.get();
        true
    }

    /// The index if its steps have built it.
    pub fn built(&self) -> Option<&SearchIndex> {
        self.index.get()
    }

    /// Calls `f` once the steps have built the index (not if it is dropped first).
    pub fn when_built(&self, f: impl FnOnce() + 'static) {
        *self.on_built.borrow_mut() = Some(Box::new(f));
    }

    /// The index, finished now if its steps are not done.
    pub fn get(&self) -> &SearchIndex {
        self.index.get_or_init(|| {
            let builder = self.building.borrow_mut().take();
            let mut builder = builder.unwrap_or_else(|| IndexBuilder::new(&self.locale));
            builder.add_from(&self.feed.faq, || true);
            let index = builder.finish();
            dom::mark("lms-support:search-index-built");
            index
        })
    }
}
