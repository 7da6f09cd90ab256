//! Builds DOM nodes from a parsed answer ([`crate::help::markdown`]). Only these elements can come
//! out: `p`, `ul`, `ol`, `li`, `em`, `strong`, `code`, `br`, `a` (with a checked `href`), and
//! text nodes. No HTML string is ever parsed.

use crate::help::markdown::{Block, Inline};
use crate::web::dom::{el, text_el};
use wasm_bindgen::JsValue;
use web_sys::{Document, Element, Node};

/// Appends the blocks of an answer to `parent`.
pub fn append_blocks(doc: &Document, parent: &Element, blocks: &[Block]) -> Result<(), JsValue> {
    for block in blocks {
        let node = match block {
            Block::Paragraph(inlines) => {
                let p = el(doc, "p", "")?;
                append_inlines(doc, &p, inlines, 0)?;
                p
            }
            Block::List { ordered, items } => {
                let list = el(doc, if *ordered { "ol" } else { "ul" }, "")?;
                for item in items {
                    let li = el(doc, "li", "")?;
                    append_inlines(doc, &li, item, 0)?;
                    list.append_child(&li)?;
                }
                list
            }
        };
        parent.append_child(&node)?;
    }
    Ok(())
}

/// The parser bounds nesting already; this bound only keeps a hand-built tree from recursing
/// without end.
const MAX_DEPTH: usize = 16;

fn append_inlines(
    doc: &Document,
    parent: &Element,
    inlines: &[Inline],
    depth: usize,
) -> Result<(), JsValue> {
    for inline in inlines {
        let node: Node = match inline {
            Inline::Text(text) => doc.create_text_node(text).into(),
            Inline::Code(code) => text_el(doc, "code", "", code)?.into(),
            Inline::LineBreak => el(doc, "br", "")?.into(),
            Inline::Emphasis(children) | Inline::Strong(children) if depth >= MAX_DEPTH => {
                let span = el(doc, "span", "")?;
                span.set_text_content(Some(&crate::help::markdown::plain_text(&[
                    Block::Paragraph(children.clone()),
                ])));
                span.into()
            }
            Inline::Emphasis(children) => {
                let em = el(doc, "em", "")?;
                append_inlines(doc, &em, children, depth + 1)?;
                em.into()
            }
            Inline::Strong(children) => {
                let strong = el(doc, "strong", "")?;
                append_inlines(doc, &strong, children, depth + 1)?;
                strong.into()
            }
            Inline::Link { href, children } => match crate::help::markdown::safe_href(href) {
                // The parser only makes links with safe targets; checking again here keeps the
                // DOM safe even if a caller builds the tree by hand.
                Some(href) if depth < MAX_DEPTH => {
                    let a = el(doc, "a", "")?;
                    a.set_attribute("href", &href)?;
                    a.set_attribute("rel", "noopener noreferrer")?;
                    a.set_attribute("target", "_blank")?;
                    append_inlines(doc, &a, children, depth + 1)?;
                    a.into()
                }
                _ => {
                    let span = el(doc, "span", "")?;
                    append_inlines(doc, &span, children, MAX_DEPTH)?;
                    span.into()
                }
            },
        };
        parent.append_child(&node)?;
    }
    Ok(())
}
