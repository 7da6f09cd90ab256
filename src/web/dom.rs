//! The browser edge: elements, listeners, timers and the console.
//!
//! Every listener and timer is owned by a Rust value and released when it is dropped, so
//! dropping the widget removes everything it added to the page. Text always goes in through
//! text nodes, never through HTML strings.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, EventTarget, Window};

/// Prefix of every console message, so vendors can filter ours.
pub const PREFIX: &str = "[lms-support]";

/// The page's window; `None` outside a window context (a worker), where we do nothing.
pub fn window() -> Option<Window> {
    web_sys::window()
}

/// The page's document.
pub fn document() -> Option<Document> {
    window()?.document()
}

/// Logs a warning with our prefix.
pub fn warn(message: &str) {
    web_sys::console::warn_1(&JsValue::from_str(&[PREFIX, " ", message].concat()));
}

/// Reports a browser call that failed, once, as `[lms-support] <what>: <why>`, and goes on:
/// the one place such failures are logged. The value, when there was one.
pub fn report<T>(result: Result<T, JsValue>, what: &str) -> Option<T> {
    result.map_err(|e| report_error(&e, what)).ok()
}

#[cold]
#[inline(never)]
fn report_error(error: &JsValue, what: &str) {
    warn(&[what, ": ", &describe(error)].concat());
}

/// Logs an error with our prefix.
pub fn error(message: &str) {
    web_sys::console::error_1(&JsValue::from_str(&[PREFIX, " ", message].concat()));
}

/// A JS exception's message, for our console lines.
pub fn describe(err: &JsValue) -> String {
    err.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| err.as_string())
        // JSON in JS, not `{:?}`: JsValue's Debug prints numbers as f64, which pulls float
        // formatting (~12 KB) into the Wasm.
        .or_else(|| {
            js_sys::JSON::stringify(err)
                .ok()
                .and_then(|s| s.as_string())
        })
        .unwrap_or_else(|| "unknown error".to_string())
}

/// Creates `<tag class="…">` in `doc`.
pub fn el(doc: &Document, tag: &str, class: &str) -> Result<Element, JsValue> {
    let element = doc.create_element(tag)?;
    if !class.is_empty() {
        element.set_class_name(class);
    }
    Ok(element)
}

/// Creates an element holding `text` as a text node.
pub fn text_el(doc: &Document, tag: &str, class: &str, text: &str) -> Result<Element, JsValue> {
    let element = el(doc, tag, class)?;
    element.append_child(&doc.create_text_node(text))?;
    Ok(element)
}

/// A `<button type="button">` with visible text whose `data-action` the widget's one delegated
/// click listener dispatches on.
pub fn action_button(
    doc: &Document,
    class: &str,
    label: &str,
    action: &str,
) -> Result<Element, JsValue> {
    let button = text_el(doc, "button", class, label)?;
    button.set_attribute("type", "button")?;
    button.set_attribute("data-action", action)?;
    Ok(button)
}

/// Appends a freshly built child: `append(&list, text_el(..))?` reads better than binding it
/// first, and `?` inside `append_child(&..)` cannot infer the conversion to `Node`.
pub fn append(parent: &Element, child: Result<Element, JsValue>) -> Result<(), JsValue> {
    let child = child?;
    parent.append_child(&child)?;
    Ok(())
}

/// Milliseconds since the epoch, from the browser's clock.
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// An element the widget shows and hides. Whether it shows is kept here, in Rust, and written
/// to the element's `hidden` attribute; nothing reads the attribute back (the dialog's Tab wrap
/// asks the parts which of their regions are hidden).
#[derive(Debug)]
pub struct Shown {
    element: Element,
    shown: std::cell::Cell<bool>,
}

impl Shown {
    /// `element`, built already shown or hidden (with its `hidden` attribute) as `shown` says.
    pub fn built(element: Element, shown: bool) -> Shown {
        Shown {
            element,
            shown: std::cell::Cell::new(shown),
        }
    }

    /// Shows or hides the element.
    pub fn set(&self, shown: bool) -> Result<(), JsValue> {
        self.shown.set(shown);
        if shown {
            self.element.remove_attribute("hidden")
        } else {
            self.element.set_attribute("hidden", "")
        }
    }

    /// Whether it was last shown.
    pub fn is_shown(&self) -> bool {
        self.shown.get()
    }

    /// The element.
    pub fn element(&self) -> &Element {
        &self.element
    }
}

/// An event listener, removed from its target when dropped.
pub struct Listener {
    target: EventTarget,
    kind: &'static str,
    callback: Closure<dyn FnMut(web_sys::Event)>,
}

impl Listener {
    /// Adds `callback` for `kind` events on `target`.
    pub fn new(
        target: &EventTarget,
        kind: &'static str,
        callback: impl FnMut(web_sys::Event) + 'static,
    ) -> Result<Listener, JsValue> {
        let callback = Closure::<dyn FnMut(web_sys::Event)>::new(callback);
        target.add_event_listener_with_callback(kind, callback.as_ref().unchecked_ref())?;
        Ok(Listener {
            target: target.clone(),
            kind,
            callback,
        })
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        // Removal only fails for a detached target, which no longer fires anyway.
        report(
            self.target.remove_event_listener_with_callback(
                self.kind,
                self.callback.as_ref().unchecked_ref(),
            ),
            "page",
        );
    }
}

impl std::fmt::Debug for Listener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Listener({})", self.kind)
    }
}

/// Keeps `host` in the page when the page replaces its `<body>` (Turbo Drive, an LMS's
/// single-page navigation) or empties it: the same node, with its shadow root, state and
/// listeners, goes back at the top of the new body. Disconnects when dropped.
pub struct KeepInBody {
    observer: web_sys::MutationObserver,
    _callback: Closure<dyn FnMut()>,
}

impl KeepInBody {
    /// Watches `<html>`'s children (a new body) and the body's children (an emptied body).
    pub fn new(doc: &Document, host: &Element) -> Result<KeepInBody, JsValue> {
        let observe = |observer: &web_sys::MutationObserver, doc: &Document| {
            let init = web_sys::MutationObserverInit::new();
            init.set_child_list(true);
            if let Some(root) = doc.document_element() {
                report(observer.observe_with_options(&root, &init), "page");
            }
            if let Some(body) = doc.body() {
                report(observer.observe_with_options(&body, &init), "page");
            }
        };
        let slot: std::rc::Rc<std::cell::RefCell<Option<web_sys::MutationObserver>>> =
            std::rc::Rc::default();
        let callback = Closure::<dyn FnMut()>::new({
            let (doc, host, slot) = (doc.clone(), host.clone(), slot.clone());
            move || {
                if host.is_connected() {
                    return;
                }
                let Some(body) = doc.body() else { return };
                if body.prepend_with_node_1(&host).is_err() {
                    return;
                }
                // Observing the new body as well; the old one is gone with its records.
                if let Some(observer) = slot.borrow().as_ref() {
                    observe(observer, &doc);
                }
            }
        });
        let observer = web_sys::MutationObserver::new(callback.as_ref().unchecked_ref())?;
        observe(&observer, doc);
        *slot.borrow_mut() = Some(observer.clone());
        Ok(KeepInBody {
            observer,
            _callback: callback,
        })
    }
}

impl Drop for KeepInBody {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}

/// Longest delay `setTimeout` honours (2^31 − 1 ms, about 24.8 days); longer ones fire at once.
const MAX_DELAY_MS: f64 = 2_147_483_647.0;

/// A `setTimeout` or `setInterval`, cleared when dropped.
pub struct Timer {
    id: i32,
    repeating: bool,
    _callback: Closure<dyn FnMut()>,
}

impl Timer {
    /// Calls `callback` once after `delay_ms` (clamped to what browsers honour; a caller that
    /// needs a later instant re-arms when it fires early).
    pub fn once(delay_ms: f64, callback: impl FnMut() + 'static) -> Result<Timer, JsValue> {
        Timer::start(delay_ms, false, callback)
    }

    /// Calls `callback` every `period_ms`.
    pub fn every(period_ms: f64, callback: impl FnMut() + 'static) -> Result<Timer, JsValue> {
        Timer::start(period_ms, true, callback)
    }

    fn start(
        delay_ms: f64,
        repeating: bool,
        callback: impl FnMut() + 'static,
    ) -> Result<Timer, JsValue> {
        let window = window().ok_or_else(|| JsValue::from_str("no window"))?;
        let callback = Closure::<dyn FnMut()>::new(callback);
        let delay = delay_ms.clamp(0.0, MAX_DELAY_MS) as i32;
        let function = callback.as_ref().unchecked_ref();
        let id = if repeating {
            window.set_interval_with_callback_and_timeout_and_arguments_0(function, delay)?
        } else {
            window.set_timeout_with_callback_and_timeout_and_arguments_0(function, delay)?
        };
        Ok(Timer {
            id,
            repeating,
            _callback: callback,
        })
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        if let Some(window) = window() {
            if self.repeating {
                window.clear_interval_with_handle(self.id);
            } else {
                window.clear_timeout_with_handle(self.id);
            }
        }
    }
}

impl std::fmt::Debug for Timer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Timer({})", self.id)
    }
}

/// The loader's functions, read from the mount configuration (see `web::mount`).
#[derive(Default)]
struct Hooks {
    emit: Option<js_sys::Function>,
    save_view: Option<js_sys::Function>,
    feed_copy: Option<js_sys::Function>,
    save_feed: Option<js_sys::Function>,
}

thread_local! {
    static HOOKS: std::cell::RefCell<Hooks> = std::cell::RefCell::default();
}

/// Keeps the loader's `emit`, `saveView`, `feedCopy` and `saveFeed` functions from the mount
/// configuration (`requestPanel` is the first stage's: [`crate::web::config::Config::function`]).
pub fn set_hooks(config: &JsValue) {
    let function = |key: &str| {
        js_sys::Reflect::get(config, &JsValue::from_str(key))
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
    };
    let hooks = Hooks {
        emit: function("emit"),
        save_view: function("saveView"),
        feed_copy: function("feedCopy"),
        save_feed: function("saveFeed"),
    };
    HOOKS.with(|h| *h.borrow_mut() = hooks);
}

/// Hands the loader the banner's region and `record` (JSON text), or null to forget the saved
/// banner (`saveView` in `pkg-templates/loader.js`). Without a loader there is no one to draw it.
pub fn save_view(region: &web_sys::Element, record: Option<&str>) {
    let save = HOOKS.with(|h| h.borrow().save_view.clone());
    let record = record.map_or(JsValue::NULL, JsValue::from_str);
    if let Some(Err(e)) = save.map(|f| f.call2(&JsValue::NULL, region, &record)) {
        warn(&["could not save the banner: ", &describe(&e)].concat());
    }
}

/// The last good copy of the feed, its text and ETag, as the loader holds it (`feedCopy` in
/// `pkg-templates/loader.js`: read from the Cache API, or from localStorage where that is
/// missing, while the Wasm downloaded, so no mount reads the big text synchronously). Without a
/// loader there is none.
pub fn feed_copy() -> Option<(String, Option<String>)> {
    // call1 and Reflect.get by a JsValue key: imports every stage has already (bytes).
    let copy = HOOKS
        .with(|h| h.borrow().feed_copy.clone())?
        .call1(&JsValue::NULL, &JsValue::UNDEFINED)
        .ok()?;
    let at = |i: u8| js_sys::Reflect::get(&copy, &i.into()).ok();
    Some((at(0)?.as_string()?, at(1)?.as_string()))
}

/// Hands the loader a fresh feed to keep as the last good copy (`saveFeed`), for this page's
/// next mount and the next page. Without a loader it is not kept.
pub fn save_feed(text: &str, etag: Option<&str>) {
    let save = HOOKS.with(|h| h.borrow().save_feed.clone());
    let etag = etag.map_or(JsValue::NULL, JsValue::from_str);
    if let Some(Err(e)) = save.map(|f| f.call2(&JsValue::NULL, &JsValue::from_str(text), &etag)) {
        warn(&["could not save the feed: ", &describe(&e)].concat());
    }
}

/// Sends an event to the host page: through the loader's `emit` (which dispatches it on
/// `window` and to `LmsSupport.on` handlers), else as `lms-support:<name>` on `window`.
pub fn dispatch(name: &str, detail: &JsValue) {
    let emit = HOOKS.with(|h| h.borrow().emit.clone());
    if let Some(emit) = emit {
        if let Err(e) = emit.call2(&JsValue::NULL, &JsValue::from_str(name), detail) {
            warn(&["an lms-support:", name, " handler failed: ", &describe(&e)].concat());
        }
        return;
    }
    let Some(window) = window() else { return };
    let init = web_sys::CustomEventInit::new();
    init.set_detail(detail);
    match web_sys::CustomEvent::new_with_event_init_dict(&["lms-support:", name].concat(), &init) {
        Ok(event) => {
            report(window.dispatch_event(&event), "page");
        }
        Err(e) => warn(&["could not dispatch ", name, ": ", &describe(&e)].concat()),
    }
}

/// Sets a performance mark now: the steps to the first banner (`lms-support:*`), which
/// `tests/e2e/bench-first-banner.mjs` prints as a breakdown.
pub fn mark(name: &str) {
    if let Some(perf) = window().and_then(|w| w.performance()) {
        report(perf.mark(name), "page");
    }
}

/// Sets a performance mark after the next paint: in the first task after the next animation
/// frame, whose rendering (paint included) runs in the same task as its callbacks. The frame
/// itself is marked `lms-support:banner-frame` (as the loader's `markAfterPaint`).
pub fn mark_after_paint(name: &'static str) {
    let Some(page) = window() else { return };
    let after = Closure::once_into_js(move || mark(name));
    let frame = Closure::once_into_js(move || {
        // The frame the banner is first in starts here (its paint follows this callback).
        mark("lms-support:banner-frame");
        if let Some(w) = window() {
            report(
                w.set_timeout_with_callback_and_timeout_and_arguments_0(after.unchecked_ref(), 0),
                "page",
            );
        }
    });
    report(page.request_animation_frame(frame.unchecked_ref()), "page");
}

/// Events for the host page, dispatched once our state is released (a host handler may call
/// back into us).
pub type Events = Vec<(&'static str, JsValue)>;

/// Dispatches `events` in order (see [`dispatch`]).
pub fn dispatch_all(events: Events) {
    for (name, detail) in events {
        dispatch(name, &detail);
    }
}
