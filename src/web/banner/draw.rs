//! Draws a [`BannerView`] as DOM nodes inside the shadow root.
//!
//! Pure drawing: which items show, in what order and with which words was decided by
//! [`crate::banner`]; this only formats instants with `Intl` and builds nodes. Buttons carry a
//! `data-action` that the widget's single delegated click listener reads.

use crate::banner::{relative_span, BannerView, ItemView, LiveRole, TimeLine};
use crate::base::i18n::{fill, format_countdown, message, Lang, Msg};
use crate::base::time::Timestamp;
use crate::web::dom::{action_button, append, el, text_el};
use crate::web::intl::Formatter;
use wasm_bindgen::JsValue;
use web_sys::{Document, Element};

/// Replaces the contents of `region` with the banner, or empties it when there is none.
/// `countdowns` receives each ticking countdown drawn, with the instant it counts to, so the
/// caller can tick them without reading anything back from the DOM.
#[allow(clippy::too_many_arguments)]
pub fn draw(
    doc: &Document,
    region: &Element,
    view: Option<&BannerView>,
    expanded: bool,
    lang: Lang,
    formatter: &Formatter,
    now: Timestamp,
    countdowns: &mut Vec<(Element, Timestamp)>,
) -> Result<(), JsValue> {
    region.replace_children_with_node_0();
    let Some(view) = view else {
        region.set_attribute("data-empty", "")?;
        return Ok(());
    };
    region.remove_attribute("data-empty")?;
    region.set_attribute(
        "role",
        match view.role {
            LiveRole::Status => "status",
            LiveRole::Alert => "alert",
        },
    )?;
    let Some((first, rest)) = view.items.split_first() else {
        return Ok(());
    };
    append(region, item(doc, first, lang, formatter, now, countdowns))?;
    if let Some(label) = &view.more_label {
        let toggle = action_button(
            doc,
            "lsw-more",
            if expanded {
                message(lang, Msg::ShowFewer)
            } else {
                label
            },
            "toggle-more",
        )?;
        toggle.set_attribute("aria-expanded", if expanded { "true" } else { "false" })?;
        toggle.set_attribute("aria-controls", "lsw-more-items")?;
        let more = el(doc, "div", "lsw-more-items")?;
        more.set_id("lsw-more-items");
        if !expanded {
            more.set_attribute("hidden", "")?;
        }
        for other in rest {
            append(&more, item(doc, other, lang, formatter, now, countdowns))?;
        }
        region.append_child(&toggle)?;
        region.append_child(&more)?;
    }
    Ok(())
}

fn item(
    doc: &Document,
    view: &ItemView,
    lang: Lang,
    formatter: &Formatter,
    now: Timestamp,
    countdowns: &mut Vec<(Element, Timestamp)>,
) -> Result<Element, JsValue> {
    let root = el(doc, "div", "lsw-item")?;
    root.set_attribute("data-id", &view.id)?;
    root.set_attribute("data-phase", view.phase.as_str())?;
    root.set_attribute("data-severity", view.severity.as_str())?;
    let text = el(doc, "div", "lsw-text")?;
    append(&text, text_el(doc, "p", "lsw-heading", &view.heading))?;
    // Feed texts may be in another language than the widget (the feed's fallback): `dir=auto`
    // keeps English punctuation in place inside a right-to-left widget, and the other way round;
    // `lang` (set only then) makes a screen reader switch voice (WCAG 3.1.2).
    let title = text_el(doc, "p", "lsw-title", &view.title)?;
    title.set_attribute("dir", "auto")?;
    if let Some(tag) = &view.title_lang {
        title.set_attribute("lang", tag)?;
    }
    text.append_child(&title)?;
    if let Some(line) = time_line(doc, view.time, lang, formatter, now, countdowns)? {
        text.append_child(&line)?;
    }
    if let Some(status) = &view.status_line {
        append(&text, text_el(doc, "p", "lsw-status", status))?;
    }
    if !view.body.is_empty() {
        let body = text_el(doc, "p", "lsw-body", &view.body)?;
        body.set_attribute("dir", "auto")?;
        if let Some(tag) = &view.body_lang {
            body.set_attribute("lang", tag)?;
        }
        text.append_child(&body)?;
    }
    root.append_child(&text)?;
    if let Some(key) = &view.dismiss_key {
        let label = message(lang, Msg::Dismiss);
        let button = action_button(doc, "lsw-dismiss", "\u{00d7}", "dismiss")?;
        button.set_attribute("data-key", key)?;
        button.set_attribute("aria-label", &[label, ": ", &view.title].concat())?;
        button.set_attribute("title", label)?;
        root.append_child(&button)?;
    }
    Ok(root)
}

fn time_line(
    doc: &Document,
    time: TimeLine,
    lang: Lang,
    formatter: &Formatter,
    now: Timestamp,
    countdowns: &mut Vec<(Element, Timestamp)>,
) -> Result<Option<Element>, JsValue> {
    let line = el(doc, "p", "lsw-time")?;
    match time {
        TimeLine::None => return Ok(None),
        TimeLine::Range { starts_at, ends_at } => {
            let (n, unit) = relative_span(
                now,
                starts_at,
                formatter.offset_at(now),
                formatter.offset_at(starts_at),
            );
            let text = [
                &formatter.range(starts_at, ends_at),
                " \u{00b7} ",
                &formatter.relative(n, unit),
            ]
            .concat();
            line.append_child(&doc.create_text_node(&text))?;
        }
        TimeLine::Countdown { starts_at, ends_at } => {
            // The ticking countdown is hidden from screen readers (an alert region re-announcing
            // every second is unusable); the range beside it gives them the same information.
            let countdown = text_el(
                doc,
                "span",
                "lsw-countdown",
                &countdown_text(lang, starts_at, now),
            )?;
            countdown.set_attribute("aria-hidden", "true")?;
            line.append_child(&countdown)?;
            countdowns.push((countdown, starts_at));
            line.append_child(
                &doc.create_text_node(
                    &[" \u{00b7} ", &formatter.range(starts_at, ends_at)].concat(),
                ),
            )?;
        }
        TimeLine::Until { ends_at } => {
            let text = fill(
                message(lang, Msg::Until),
                &[("time", &formatter.time(ends_at))],
            );
            line.append_child(&doc.create_text_node(&text))?;
        }
    }
    Ok(Some(line))
}

/// "Starts in 12:34".
pub fn countdown_text(lang: Lang, starts_at: Timestamp, now: Timestamp) -> String {
    fill(
        message(lang, Msg::StartsIn),
        &[(
            "countdown",
            &format_countdown(starts_at.seconds() - now.seconds()),
        )],
    )
}
