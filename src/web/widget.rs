//! The mounted widget: the host element and its shadow root, the feed (cached, fetched,
//! refreshed) and the parts it composes: the [`Banner`] and the [`Parts`] of the stage this
//! build is (the first stage's launcher, or the full stage's help panel and tickets).
//!
//! Life cycle: [`Widget::mount`] asks for a fresh feed, then draws the cached one (if any; the
//! banner stage in the next task) while the answer is on its way; it fetches again every five minutes and when the tab
//! comes back after a minute. Each part owns its nodes, listeners, timers and storage; the
//! widget only hands them the feed and tells them when to look again. Dropping the [`Widget`] removes its node, and dropping its
//! parts their listeners and timers. Callbacks hold weak references, so a pending fetch or
//! timer after destruction does nothing.

use crate::base::feed::{self, Feed};
use crate::base::i18n::Lang;
use crate::web::banner::Banner;
use crate::web::base::Base;
use crate::web::config::Config;
use crate::web::dom::{self, describe, dispatch_all, report, warn, Events, Listener, Timer};
use crate::web::fetch::{FeedRequest, FeedResponse, SentByLoader};
#[cfg(not(feature = "panel"))]
use crate::web::first_stage::Parts;
#[cfg(feature = "panel")]
use crate::web::full_stage::Parts;
use js_sys::{Array, Object, Reflect};
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::JsValue;
use web_sys::{CssStyleSheet, Element, ShadowRootInit, ShadowRootMode};

/// This stage's stylesheet (the banner's snapshot carries it to the loader).
const STYLE: &str = Parts::STYLE;

/// Feed refresh period while the page stays open.
const REFRESH_MS: f64 = 5.0 * 60.0 * 1000.0;
/// On returning to a tab, refetch only if the last fetch is older than this.
const STALE_ON_VISIBLE_MS: f64 = 60.0 * 1000.0;

struct State {
    base: Rc<Base>,
    host: Element,
    banner: Banner,
    parts: Parts,
    feed: Option<Rc<Feed>>,
    etag: Option<String>,
    fetching: bool,
    last_fetch_ms: f64,
    refresh_timer: Option<Timer>,
    listeners: Vec<Listener>,
    /// Puts the host back when the page swaps its `<body>`.
    keep_in_body: Option<dom::KeepInBody>,
    /// The banner stage's task that draws from the cached copy (see `Widget::start`).
    #[cfg(not(feature = "panel"))]
    settling: Option<Timer>,
    /// The FAQ and flows of the feed in force, read in steps ([`feed::parse_in_steps`]).
    #[cfg(feature = "panel")]
    reading: Option<Timer>,
    /// How many problems and unknown fields of that feed were told before its FAQ was read.
    #[cfg(feature = "panel")]
    told: (usize, usize),
    /// The task that draws the cached feed when taking over from the banner stage.
    #[cfg(feature = "panel")]
    taking_over: Option<Timer>,
}

/// A mounted widget; dropping it removes everything it added to the page.
pub struct Widget {
    state: Rc<RefCell<State>>,
}

impl std::fmt::Debug for Widget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Widget")
    }
}

impl Drop for Widget {
    fn drop(&mut self) {
        if let Ok(mut state) = self.state.try_borrow_mut() {
            // Stop watching first, or removing the host would put it back.
            state.keep_in_body = None;
            state.host.remove();
            state.refresh_timer = None;
            state.listeners.clear();
            #[cfg(feature = "panel")]
            {
                state.reading = None;
            }
        }
    }
}

impl Widget {
    /// Mounts into `document.body` and starts the banner.
    ///
    /// # Errors
    /// A message when the page has no body or the browser lacks shadow DOM or constructable
    /// stylesheets; nothing is left on the page then.
    /// `sent` is the feed request the loader sent at script start, if it did.
    pub fn mount(config: Config, sent: Option<SentByLoader>) -> Result<Widget, String> {
        dom::mark("lms-support:mount-start");
        let doc = dom::document().ok_or("no document")?;
        let body = doc
            .body()
            .ok_or("the page has no <body> yet; load the script with defer")?;
        let js = |e: JsValue| describe(&e);

        // The fresh feed, asked for with the cached copy's ETag, is on its way (sent by the
        // loader at script start, or sent now) while the widget builds and draws the cached
        // copy (the loader drew the banner already, from its snapshot, and read the copy).
        // Taking over from the banner stage, the full stage reads the copy, and asks with its
        // ETag, in a task of its own (take_over_later).
        #[cfg(feature = "panel")]
        let taking_over = config.function("takenOver");
        #[cfg(feature = "panel")]
        let cached = taking_over.is_none().then(dom::feed_copy).flatten();
        #[cfg(not(feature = "panel"))]
        let cached = dom::feed_copy();
        let etag = cached.as_ref().and_then(|c| c.1.as_deref());
        #[cfg(feature = "panel")]
        let request = taking_over
            .is_none()
            .then(|| FeedRequest::take_or_send(&config.feed_url, etag, sent));
        #[cfg(not(feature = "panel"))]
        let request = Some(FeedRequest::take_or_send(&config.feed_url, etag, sent));
        dom::mark("lms-support:feed-requested");

        // A custom element name: host CSS written for div/section cannot select our host.
        let host = doc.create_element("lms-support-widget").map_err(js)?;
        host.set_attribute("data-position", config.position.as_str())
            .map_err(js)?;
        let shadow = host
            .attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))
            .map_err(js)?;
        let sheet = CssStyleSheet::new().map_err(js)?;
        sheet.replace_sync(STYLE).map_err(js)?;
        shadow.set_adopted_style_sheets(&Array::of1(&sheet));

        // English when the loader could not bring this language's strings.
        let lang = crate::base::i18n::speakable(Lang::negotiate(&config.locale));
        host.set_attribute("lang", lang.tag()).map_err(js)?;
        host.set_attribute("dir", if lang.is_rtl() { "rtl" } else { "ltr" })
            .map_err(js)?;
        let base = Rc::new(Base::new(config, lang, doc, shadow));
        dom::mark("lms-support:base-built");
        let banner = Banner::mount(base.clone(), STYLE).map_err(js)?;
        let parts = Parts::mount(base.clone()).map_err(js)?;
        body.prepend_with_node_1(&host).map_err(js)?;

        let state = Rc::new(RefCell::new(State {
            base,
            host,
            banner,
            parts,
            feed: None,
            etag: None,
            fetching: request.is_some(),
            last_fetch_ms: 0.0,
            refresh_timer: None,
            listeners: Vec::new(),
            keep_in_body: None,
            #[cfg(not(feature = "panel"))]
            settling: None,
            #[cfg(feature = "panel")]
            reading: None,
            #[cfg(feature = "panel")]
            told: (0, 0),
            #[cfg(feature = "panel")]
            taking_over: None,
        }));
        let widget = Widget { state };
        let events = widget.start(cached).map_err(js)?;
        dispatch_all(events);
        if let Some(request) = request {
            wasm_bindgen_futures::spawn_local(receive(Rc::downgrade(&widget.state), request));
        }
        #[cfg(feature = "panel")]
        if let Some(hook) = taking_over {
            widget.take_over_later(hook);
        }
        Ok(widget)
    }

    /// Taking over from the banner stage (the loader's `takenOver`) when help opens: the panel
    /// opens in the task after the mount, then, once it is painted, the cached feed is read in
    /// a task of its own and the banner drawn in the next (with 1,000 FAQ entries the whole
    /// takeover in one task was a long task of 57–76 ms). The banner stage's banner stays on
    /// the page until then: `takenOver` removes it in that task.
    #[cfg(feature = "panel")]
    fn take_over_later(&self, hook: js_sys::Function) {
        let weak = Rc::downgrade(&self.state);
        // The panel opens in the task the loader queued after the mount (after this one's first
        // tick), and is painted before the cached feed is read: the ticks wait for a frame.
        let mut steps = 0;
        let painted = Rc::new(std::cell::Cell::new(false));
        let step = move || {
            if steps == 1 {
                if !painted.get() {
                    return;
                }
                steps = 2;
            } else if steps == 0 {
                steps = 1;
                let flag = painted.clone();
                let frame = wasm_bindgen::closure::Closure::once_into_js(move || flag.set(true));
                match dom::window() {
                    Some(page) => {
                        report(
                            page.request_animation_frame(wasm_bindgen::JsCast::unchecked_ref(
                                &frame,
                            )),
                            "widget",
                        );
                    }
                    None => painted.set(true),
                }
                return;
            } else {
                steps += 1;
            }
            if steps == 2 {
                with_state(&weak, |s| {
                    if let Some((body, etag)) = dom::feed_copy() {
                        s.accept_feed(&body, etag, false, &weak);
                        dom::mark("lms-support:cache-parsed");
                    }
                });
                // Asked now, with the copy's ETag if it was taken.
                spawn_refresh(weak.clone());
                return;
            }
            let events = with_state(&weak, |s| s.banner.update(false));
            dispatch_all(events.unwrap_or_default());
            report(hook.call0(&JsValue::NULL), "widget");
            with_state(&weak, |s| s.taking_over = None);
        };
        // (Without timers there is no page to take over.)
        self.state.borrow_mut().taking_over = Timer::every(0.0, step).ok();
    }

    fn start(&self, cached: Option<(String, Option<String>)>) -> Result<Events, JsValue> {
        let weak = Rc::downgrade(&self.state);
        let mut state = self.state.borrow_mut();

        let on_visible = {
            let weak = weak.clone();
            move |_| {
                let (events, stale) = with_state(&weak, |s| {
                    let visible =
                        s.base.doc().visibility_state() == web_sys::VisibilityState::Visible;
                    let events = if visible {
                        s.banner.redraw_if_changed()
                    } else {
                        Events::new()
                    };
                    (
                        events,
                        visible && dom::now_ms() - s.last_fetch_ms > STALE_ON_VISIBLE_MS,
                    )
                })
                .unwrap_or_default();
                dispatch_all(events);
                if stale {
                    spawn_refresh(weak.clone());
                }
            }
        };
        let on_online = {
            let weak = weak.clone();
            move |_| spawn_refresh(weak.clone())
        };
        state.listeners = vec![
            Listener::new(state.base.doc().as_ref(), "visibilitychange", on_visible)?,
            Listener::new(
                dom::window().ok_or("no window")?.as_ref(),
                "online",
                on_online,
            )?,
        ];
        state.keep_in_body = Some(dom::KeepInBody::new(state.base.doc(), &state.host)?);
        state.refresh_timer = Some(Timer::every(REFRESH_MS, {
            let weak = weak.clone();
            move || spawn_refresh(weak.clone())
        })?);
        // The banner stage reads its cached copy (with 1,000 FAQ answers about 750 KB, 15-30 ms)
        // and draws from it in the task after the mount's, so that neither is a long task; the
        // loader's snapshot of the banner shows meanwhile, and the loader hands over the feed's
        // answer only after `ready`, so the copy is drawn first. The full stage reads it at
        // once: it replaces a drawn banner, which must not blink.
        #[cfg(not(feature = "panel"))]
        if cached.is_some() {
            let mut cached = cached;
            state.settling = Some(Timer::once(0.0, move || {
                // A timer's task starts with no borrow of the state: this one cannot fail.
                if let Some(rc) = weak.upgrade() {
                    let events = rc.borrow_mut().settle(cached.take(), &weak);
                    dispatch_all(events);
                }
            })?);
            return Ok(Events::new());
        }
        Ok(state.settle(cached, &weak))
    }

    /// Runs `f` on the stage's parts (for the JS API); nothing when the widget is busy.
    pub(super) fn with_parts<R>(&self, f: impl FnOnce(&Parts) -> R) -> Option<R> {
        let state = self.state.try_borrow().ok()?;
        Some(f(&state.parts))
    }

    /// The configuration it was mounted with.
    pub(super) fn config(&self) -> Option<Config> {
        let state = self.state.try_borrow().ok()?;
        Some(state.base.config().clone())
    }
}

/// Runs `f` on the state if the widget still exists and is not already borrowed.
fn with_state<R>(weak: &Weak<RefCell<State>>, f: impl FnOnce(&mut State) -> R) -> Option<R> {
    let rc = weak.upgrade()?;
    let mut state = rc.try_borrow_mut().ok()?;
    Some(f(&mut state))
}

fn spawn_refresh(weak: Weak<RefCell<State>>) {
    wasm_bindgen_futures::spawn_local(refresh(weak));
}

async fn refresh(weak: Weak<RefCell<State>>) {
    let request = with_state(&weak, |s| {
        if s.fetching {
            return None;
        }
        s.fetching = true;
        Some(FeedRequest::send(
            &s.base.config().feed_url,
            s.etag.as_deref(),
        ))
    });
    if let Some(request) = request.flatten() {
        receive(weak, request).await;
    }
}

/// Takes the answer to a feed request sent with `fetching` set.
async fn receive(weak: Weak<RefCell<State>>, request: FeedRequest) {
    let result = request.answer().await;
    dom::mark("lms-support:feed-answered");
    let mut again = false;
    let events = with_state(&weak, |s| {
        s.fetching = false;
        s.last_fetch_ms = dom::now_ms();
        let mut events = Events::new();
        let mut fresh = false;
        match result {
            Ok(FeedResponse::Fresh { body, etag }) => {
                if s.accept_feed(&body, etag.clone(), true, &weak) {
                    dom::save_feed(&body, etag.as_deref());
                    fresh = true;
                }
            }
            // The first request carried the cached copy's ETag before that copy was parsed: if
            // it was refused, ask again without one.
            Ok(FeedResponse::NotModified) => again = s.feed.is_none(),
            Err(message) => {
                let kept = if s.feed.is_some() {
                    "showing the last good copy"
                } else {
                    "no copy to show yet"
                };
                warn(&[&message, "; ", kept].concat());
                events.push(("error", error_detail("feed", &message)));
            }
        }
        // Taking over, the banner is drawn in its own step (the banner stage's still shows).
        // A fresh feed is read in this task and drawn in the next (the banner's own timer): on a
        // first visit with 1,000 FAQ answers, reading and keeping it (25-40 ms) and drawing it
        // (15-25 ms) were one long task. The banner drawn until then, if any, stays.
        if !s.banner_deferred() {
            events.extend(s.banner.update(fresh));
        }
        if s.feed.is_some() {
            s.parts.fetched();
        }
        events
    });
    dispatch_all(events.unwrap_or_default());
    if again {
        spawn_refresh(weak);
    }
}

fn error_detail(kind: &str, message: &str) -> JsValue {
    let detail = Object::new();
    report(
        Reflect::set(&detail, &"kind".into(), &kind.into()),
        "widget",
    );
    report(
        Reflect::set(&detail, &"message".into(), &message.into()),
        "widget",
    );
    detail.into()
}

impl State {
    /// The first draw, from the cached copy handed over at mount if any; then `ready` for the
    /// page (the loader then drops its snapshot of the banner).
    fn settle(
        &mut self,
        cached: Option<(String, Option<String>)>,
        weak: &Weak<RefCell<State>>,
    ) -> Events {
        if let Some((body, etag)) = cached {
            self.accept_feed(&body, etag, false, weak);
            dom::mark("lms-support:cache-parsed");
        }
        let mut events = self.banner.update(false);
        events.push(("ready", JsValue::NULL));
        events
    }

    /// The full stage is taking over, and draws the banner in a step of its own.
    fn banner_deferred(&self) -> bool {
        #[cfg(feature = "panel")]
        return self.taking_over.is_some();
        #[cfg(not(feature = "panel"))]
        false
    }

    /// Takes a feed if it parses and is good enough to replace the current one
    /// ([`feed::Parsed::refusal`]), and hands it to the parts; returns false, keeping the
    /// current one, when not. The full stage hands it over without its FAQ and flows, which
    /// are read in steps of their own after this task and handed over once read.
    fn accept_feed(
        &mut self,
        body: &str,
        etag: Option<String>,
        from_network: bool,
        weak: &Weak<RefCell<State>>,
    ) -> bool {
        let source = if from_network { "fetched" } else { "cached" };
        #[cfg(not(feature = "panel"))]
        let parsed = feed::parse_banner(body, self.base.zones());
        #[cfg(feature = "panel")]
        let parsed = feed::parse_in_steps(body, self.base.zones());
        let parsed = match parsed {
            Ok(parsed) => parsed,
            Err(e) => {
                warn(
                    &[
                        source,
                        " feed rejected: ",
                        &e.describe(),
                        "; keeping the last good copy",
                    ]
                    .concat(),
                );
                return false;
            }
        };
        #[cfg(feature = "panel")]
        let (mut parsed, rest) = parsed;
        #[cfg(not(feature = "panel"))]
        let mut parsed = parsed;
        if let Some(why) = parsed.refusal() {
            warn(
                &[
                    source,
                    " feed rejected: ",
                    &why,
                    "; keeping the last good copy",
                ]
                .concat(),
            );
            return false;
        }
        self.parts.check_feed(&mut parsed, source);
        warn_about(&parsed);
        #[cfg(feature = "panel")]
        {
            self.told = (parsed.problems.len(), parsed.unknown_fields.len());
        }
        let feed = Rc::new(parsed.feed);
        self.banner.set_feed(feed.clone());
        self.parts.set_feed(feed.clone());
        self.feed = Some(feed);
        self.etag = etag;
        #[cfg(feature = "panel")]
        self.read_in_steps(rest, weak.clone(), source);
        #[cfg(not(feature = "panel"))]
        let _ = weak;
        true
    }

    /// Reads the FAQ and flows of the feed just accepted in tasks of a few milliseconds each,
    /// then hands the whole feed to the parts (a newer feed drops this one's steps).
    #[cfg(feature = "panel")]
    fn read_in_steps(
        &mut self,
        rest: feed::Rest,
        weak: Weak<RefCell<State>>,
        source: &'static str,
    ) {
        /// One step's time: well under the 50 ms of a long task. (An interval's ticks come
        /// 4 ms apart at the least: with steps of 8 ms a third of the time went waiting.)
        const STEP_MS: f64 = 20.0;
        let mut rest = Some(rest);
        let timer = Timer::every(0.0, move || {
            let read = rest.as_mut().is_some_and(|r| {
                let until = dom::now_ms() + STEP_MS;
                r.step(|| dom::now_ms() < until)
            });
            if let Some(rest) = rest.take_if(|_| read) {
                with_state(&weak, |s| s.faq_read(rest, source));
            }
        });
        self.reading = timer
            .map_err(|e| warn(&["feed: ", &describe(&e)].concat()))
            .ok();
    }

    /// The FAQ and flows are read: the parts get the whole feed.
    #[cfg(feature = "panel")]
    fn faq_read(&mut self, rest: feed::Rest, source: &str) {
        self.reading = None;
        let mut parsed = rest.finish(self.base.zones());
        dom::mark("lms-support:faq-read");
        // The support block as accepted (perhaps the last good one; told then already).
        self.parts.check_feed(&mut parsed, source);
        // What was wrong in the rest of the feed was told when it was accepted.
        let (problems, unknown) = self.told;
        parsed.problems.drain(..problems.min(parsed.problems.len()));
        parsed
            .unknown_fields
            .drain(..unknown.min(parsed.unknown_fields.len()));
        warn_about(&parsed);
        let feed = Rc::new(parsed.feed);
        self.parts.set_whole_feed(feed.clone());
        self.feed = Some(feed);
    }
}

/// Warns about what was skipped or ignored in a feed.
fn warn_about(parsed: &feed::Parsed) {
    for problem in &parsed.problems {
        warn(&["feed: ", &problem.describe(), "; skipped"].concat());
    }
    if !parsed.unknown_fields.is_empty() {
        warn(
            &[
                "feed: unknown fields ignored: ",
                &crate::base::text::join(&parsed.unknown_fields, ", "),
            ]
            .concat(),
        );
    }
}
