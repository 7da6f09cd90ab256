//! Builds DOM nodes from a parsed answer ([`crate::help::markdown`]). Only these elements can come
//! out: `p`, `ul`, `ol`, `li`, `em`, `strong`, `code`, `br`, `a` (with a checked `href`), and
//! text nodes. No HTML string is ever parsed.

use crate::help::markdown::{Block, Inline};
use crate::web::build::{add, make};
use wasm_bindgen::JsValue;
use web_sys::{Document, Element};

/// Appends the blocks of an answer to `parent`.
pub fn append_blocks(doc: &Document, parent: &Element, blocks: &[Block]) -> Result<(), JsValue> {
    for block in blocks {
        let node = match block {
            Block::Paragraph(inlines) => {
                let p = make(doc, "p", "", &[], "")?;
                append_inlines(doc, &p, inlines, 0)?;
                p
            }
            Block::List { ordered, items } => {
                let list = make(doc, if *ordered { "ol" } else { "ul" }, "", &[], "")?;
                for item in items {
                    let li = add(doc, &list, "li", "", &[], "")?;
                    append_inlines(doc, &li, item, 0)?;
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
        let (tag, attrs, children, depth): (_, &[(&str, &str)], _, _) = match inline {
            Inline::Text(text) => {
                parent.append_child(&doc.create_text_node(text))?;
                continue;
            }
            Inline::Code(code) => {
                add(doc, parent, "code", "", &[], code)?;
                continue;
            }
            Inline::LineBreak => ("br", &[], &[][..], depth),
            Inline::Emphasis(children) | Inline::Strong(children) if depth >= MAX_DEPTH => {
                let text = crate::help::markdown::inline_plain_text(children);
                add(doc, parent, "span", "", &[], &text)?;
                continue;
            }
            Inline::Emphasis(children) => ("em", &[], &children[..], depth + 1),
            Inline::Strong(children) => ("strong", &[], &children[..], depth + 1),
            Inline::Link { href, children } => match crate::help::markdown::safe_href(href) {
                // The parser only makes links with safe targets; checking again here keeps the
                // DOM safe even if a caller builds the tree by hand.
                Some(href) if depth < MAX_DEPTH => {
                    let attrs = [
                        ("href", href.as_str()),
                        ("rel", "noopener noreferrer"),
                        ("target", "_blank"),
                    ];
                    let a = add(doc, parent, "a", "", &attrs, "")?;
                    append_inlines(doc, &a, children, depth + 1)?;
                    continue;
                }
                _ => ("span", &[], &children[..], MAX_DEPTH),
            },
        };
        let element = add(doc, parent, tag, "", attrs, "")?;
        append_inlines(doc, &element, children, depth)?;
    }
    Ok(())
}
