//! Builds the panel's DOM from compact descriptions: a static tree ([`Spec`]) for what every
//! mount draws the same way, and [`make`] / [`add`] for one element of a redraw.
//!
//! Why not `el` and `set_attribute` call by call: every `web_sys` call that can throw carries its
//! own error check, and every `?` with nodes in hand its own clean-up; the help panel and the
//! ticket form made some hundreds of them (3.4 KB gzip of the full stage, see README "Size").
//! A tree as data is a few bytes per node in the data section and one loop of calls. Text goes
//! in as text nodes, never as HTML.

use crate::base::i18n::{message, Lang, Msg};
use wasm_bindgen::JsValue;
use web_sys::{Document, Element};

/// The text of a [`Spec`]'s element.
#[derive(Clone, Copy, Debug)]
pub enum Text {
    /// None.
    None,
    /// A message in the widget's language.
    Msg(Msg),
    /// Fixed text (a symbol such as "×").
    Str(&'static str),
}

/// An element of a static tree: tag, class, attributes, text, children, and whether the caller
/// keeps it (to draw into it later).
#[derive(Debug)]
pub struct Spec {
    tag: &'static str,
    class: &'static str,
    attrs: &'static [(&'static str, &'static str)],
    text: Text,
    keep: bool,
    children: &'static [Spec],
}

impl Spec {
    /// `<tag class="…">`, empty.
    pub const fn el(tag: &'static str, class: &'static str) -> Spec {
        Spec {
            tag,
            class,
            attrs: &[],
            text: Text::None,
            keep: false,
            children: &[],
        }
    }

    /// With these attributes.
    pub const fn attrs(self, attrs: &'static [(&'static str, &'static str)]) -> Spec {
        Spec { attrs, ..self }
    }

    /// With this text.
    pub const fn text(self, text: Text) -> Spec {
        Spec { text, ..self }
    }

    /// With a message as its text.
    pub const fn msg(self, msg: Msg) -> Spec {
        self.text(Text::Msg(msg))
    }

    /// Handed back to the caller (see [`build`]).
    pub const fn keep(self) -> Spec {
        Spec { keep: true, ..self }
    }

    /// With these children.
    pub const fn children(self, children: &'static [Spec]) -> Spec {
        Spec { children, ..self }
    }
}

/// A [`Spec`] of a `<button type="button">` with a message, dispatched on its `data-action`
/// (as [`crate::web::dom::action_button`]).
macro_rules! button_spec {
    ($class:literal, $msg:expr, $action:literal) => {
        $crate::web::build::Spec::el("button", $class)
            .msg($msg)
            .attrs(&[("type", "button"), ("data-action", $action)])
    };
}
pub(crate) use button_spec;

/// Builds `spec` in `doc` and hands back its root and the `N` elements marked [`Spec::keep`],
/// in document order.
pub fn build<const N: usize>(
    doc: &Document,
    lang: Lang,
    spec: &Spec,
) -> Result<(Element, [Element; N]), JsValue> {
    let mut kept = Vec::with_capacity(N);
    let root = build_into(doc, lang, spec, &mut kept)?;
    let kept = kept
        .try_into()
        .map_err(|_| JsValue::from_str("the panel's description and its code disagree"))?;
    Ok((root, kept))
}

fn build_into(
    doc: &Document,
    lang: Lang,
    spec: &Spec,
    kept: &mut Vec<Element>,
) -> Result<Element, JsValue> {
    let text = match spec.text {
        Text::None => "",
        Text::Msg(msg) => message(lang, msg),
        Text::Str(text) => text,
    };
    let element = make(doc, spec.tag, spec.class, spec.attrs, text)?;
    if spec.keep {
        kept.push(element.clone());
    }
    for child in spec.children {
        let child = build_into(doc, lang, child, kept)?;
        element.append_child(&child)?;
    }
    Ok(element)
}

/// `<tag class="…">` with `attrs` and, unless empty, `text` as a text node.
#[inline(never)]
pub fn make(
    doc: &Document,
    tag: &str,
    class: &str,
    attrs: &[(&str, &str)],
    text: &str,
) -> Result<Element, JsValue> {
    let element = doc.create_element(tag)?;
    if !class.is_empty() {
        element.set_class_name(class);
    }
    for (name, value) in attrs {
        element.set_attribute(name, value)?;
    }
    if !text.is_empty() {
        element.set_text_content(Some(text));
    }
    Ok(element)
}

/// [`make`], appended to `parent`.
#[inline(never)]
pub fn add(
    doc: &Document,
    parent: &Element,
    tag: &str,
    class: &str,
    attrs: &[(&str, &str)],
    text: &str,
) -> Result<Element, JsValue> {
    let element = make(doc, tag, class, attrs, text)?;
    parent.append_child(&element)?;
    Ok(element)
}
