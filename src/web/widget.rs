//! The mounted widget: owns the shadow root, the feed, every listener and timer.
//!
//! Life cycle: [`Widget::mount`] draws the cached feed at once (if any), then fetches a fresh
//! one. The banner is redrawn only when its view model changes: at the exact instant of the next
//! phase change (one timer, re-armed after each change), when the feed changes, on a dismissal,
//! and when the tab becomes visible again. Dropping the [`Widget`] removes its node, listeners
//! and timers. Callbacks hold weak references, so a pending fetch or timer after destruction
//! does nothing.

use super::banner_dom::{countdown_text, draw};
use super::config::Config;
use super::dom::{self, describe, el, report, warn, Listener, Timer};
use super::fetch::{fetch_feed, FeedResponse};
use super::intl::{Formatter, IntlZones};
#[cfg(feature = "panel")]
use super::panel::HelpPanel;
use super::storage::BrowserStorage;
use crate::banner::{active_items, banner_view, next_change, BannerView, Phase, Viewer};
use crate::countdown::{countdown_period_ms, format_countdown_minutes};
use crate::feed::{self, Feed};
#[cfg(feature = "panel")]
use crate::help::causes;
use crate::i18n::{fill, message, Lang, Msg};
#[cfg(feature = "panel")]
use crate::search::SearchIndex;
use crate::storage::{CachedFeed, Dismissals};
use crate::time::Timestamp;
use js_sys::{Array, Object, Reflect};
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::{JsCast, JsValue};
#[cfg(feature = "panel")]
use web_sys::HtmlElement;
use web_sys::{CssStyleSheet, Document, Element, ShadowRoot, ShadowRootInit, ShadowRootMode};

/// Feed refresh period while the page stays open.
const REFRESH_MS: f64 = 5.0 * 60.0 * 1000.0;
/// On returning to a tab, refetch only if the last fetch is older than this.
const STALE_ON_VISIBLE_MS: f64 = 60.0 * 1000.0;

// Minified by build.rs from src/web/style.css and src/web/panel.css.
#[cfg(not(feature = "panel"))]
const STYLE: &str = include_str!(concat!(env!("OUT_DIR"), "/style.css"));
#[cfg(feature = "panel")]
const STYLE: &str = concat!(
    include_str!(concat!(env!("OUT_DIR"), "/style.css")),
    include_str!(concat!(env!("OUT_DIR"), "/panel.css"))
);

/// Events for the host page, dispatched after our state is released (a host handler may call
/// back into us).
pub(super) type Events = Vec<(&'static str, JsValue)>;

pub(super) struct State {
    pub(super) config: Config,
    pub(super) lang: Lang,
    pub(super) doc: Document,
    pub(super) host: Element,
    pub(super) shadow: ShadowRoot,
    pub(super) region: Element,
    #[cfg(feature = "panel")]
    pub(super) panel: HelpPanel,
    /// Built on first use and dropped when the feed changes: once per feed version.
    #[cfg(feature = "panel")]
    pub(super) search_index: Option<SearchIndex>,
    pub(super) zones: IntlZones,
    pub(super) formatter: Formatter,
    pub(super) feed: Option<Feed>,
    pub(super) etag: Option<String>,
    pub(super) quiet: bool,
    pub(super) dismissals: Dismissals,
    pub(super) expanded: bool,
    pub(super) view: Option<BannerView>,
    /// The countdowns the banner shows, with the instant each counts to.
    pub(super) countdowns: Vec<(Element, Timestamp)>,
    pub(super) painted_once: bool,
    pub(super) fetching: bool,
    pub(super) last_fetch_ms: f64,
    pub(super) phase_timer: Option<Timer>,
    pub(super) countdown_timer: Option<Timer>,
    pub(super) refresh_timer: Option<Timer>,
    pub(super) listeners: Vec<Listener>,
    /// Files picked for tickets in the outbox, by idempotency key (memory only).
    #[cfg(feature = "panel")]
    pub(super) pending_files: Vec<(String, Vec<web_sys::File>)>,
    /// This tab's side of the outbox: its lease and the tickets it is sending.
    #[cfg(feature = "panel")]
    pub(super) sender: crate::ticket::sender::Sender,
    /// Wakes the outbox for its next retry.
    #[cfg(feature = "panel")]
    pub(super) outbox_timer: Option<Timer>,
    /// The outbox was resumed once a feed (and so the API) was known.
    #[cfg(feature = "panel")]
    pub(super) outbox_resumed: bool,
    /// Fields from `LmsSupport.prefill`, applied when the ticket form next shows.
    #[cfg(feature = "panel")]
    pub(super) host_prefill: Option<super::ticket_form::HostPrefill>,
    /// Puts the host back when the page swaps its `<body>`.
    pub(super) keep_in_body: Option<dom::KeepInBody>,
    /// A weak handle to this state, for actions that start async work.
    pub(super) self_ref: Option<Weak<RefCell<State>>>,
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
            state.phase_timer = None;
            state.countdown_timer = None;
            state.refresh_timer = None;
            state.listeners.clear();
            #[cfg(feature = "panel")]
            {
                state.outbox_timer = None;
                state.sender.release(&BrowserStorage);
            }
        }
    }
}

pub(super) fn now() -> Timestamp {
    Timestamp(((dom::now_ms() + super::config::clock_offset_ms()) / 1000.0).floor() as i64)
}

impl Widget {
    /// Mounts into `document.body` and starts the banner.
    ///
    /// # Errors
    /// A message when the page has no body or the browser lacks shadow DOM or constructable
    /// stylesheets; nothing is left on the page then.
    pub fn mount(config: Config) -> Result<Widget, String> {
        let doc = dom::document().ok_or("no document")?;
        let body = doc
            .body()
            .ok_or("the page has no <body> yet; load the script with defer")?;
        let js = |e: JsValue| describe(&e);

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

        let lang = Lang::negotiate(&config.locale);
        host.set_attribute("lang", lang.tag()).map_err(js)?;
        host.set_attribute("dir", if lang.is_rtl() { "rtl" } else { "ltr" })
            .map_err(js)?;
        let region = el(&doc, "section", "lsw-banner").map_err(js)?;
        region
            .set_attribute("aria-label", message(lang, Msg::RegionLabel))
            .map_err(js)?;
        region.set_attribute("role", "status").map_err(js)?;
        region.set_attribute("data-empty", "").map_err(js)?;
        shadow.append_child(&region).map_err(js)?;
        #[cfg(feature = "panel")]
        let panel = HelpPanel::create(
            &doc,
            &shadow,
            lang,
            config.launcher,
            config.launcher_label.as_deref(),
        )
        .map_err(js)?;
        // The first stage draws only the launcher; a click asks the loader for the panel.
        #[cfg(not(feature = "panel"))]
        {
            let launcher = super::launcher::button(
                &doc,
                lang,
                config.launcher,
                config.launcher_label.as_deref(),
            )
            .map_err(js)?;
            shadow.append_child(&launcher).map_err(js)?;
        }
        body.prepend_with_node_1(&host).map_err(js)?;

        #[cfg(feature = "panel")]
        let sender = crate::ticket::sender::Sender::new(
            &config.feed_url,
            format!("tab-{}", (js_sys::Math::random() * 1e15) as u64),
        );
        let state = Rc::new(RefCell::new(State {
            formatter: Formatter::new(&config.locale, config.time_zone.as_deref()),
            quiet: config.quiet,
            lang,
            config,
            doc,
            host,
            shadow,
            region,
            #[cfg(feature = "panel")]
            panel,
            #[cfg(feature = "panel")]
            search_index: None,
            zones: IntlZones::default(),
            feed: None,
            etag: None,
            dismissals: Dismissals::load(&BrowserStorage),
            expanded: false,
            view: None,
            countdowns: Vec::new(),
            painted_once: false,
            fetching: false,
            last_fetch_ms: 0.0,
            phase_timer: None,
            countdown_timer: None,
            refresh_timer: None,
            listeners: Vec::new(),
            #[cfg(feature = "panel")]
            pending_files: Vec::new(),
            #[cfg(feature = "panel")]
            sender,
            #[cfg(feature = "panel")]
            outbox_timer: None,
            #[cfg(feature = "panel")]
            outbox_resumed: false,
            #[cfg(feature = "panel")]
            host_prefill: None,
            keep_in_body: None,
            self_ref: None,
        }));
        let widget = Widget { state };
        let events = widget.start().map_err(js)?;
        dispatch_all(events);
        spawn_refresh(Rc::downgrade(&widget.state));
        Ok(widget)
    }

    fn start(&self) -> Result<Events, JsValue> {
        let weak = Rc::downgrade(&self.state);
        let mut state = self.state.borrow_mut();
        state.self_ref = Some(weak.clone());
        let mut events = Events::new();
        let url = state.config.feed_url.clone();
        if let Some(cached) = CachedFeed::load(&BrowserStorage, &url) {
            state.accept_feed(&cached.body, cached.etag, false);
        }

        let on_click = {
            let weak = weak.clone();
            move |event: web_sys::Event| with_state(&weak, |s, _| s.on_click(&event))
        };
        let on_visible = {
            let weak = weak.clone();
            move |_| {
                let stale = with_state(&weak, |s, _weak| {
                    let visible = s.doc.visibility_state() == web_sys::VisibilityState::Visible;
                    if visible {
                        s.render(now());
                        #[cfg(feature = "panel")]
                        s.retry_outbox_now(_weak);
                    }
                    visible && dom::now_ms() - s.last_fetch_ms > STALE_ON_VISIBLE_MS
                });
                if stale == Some(true) {
                    spawn_refresh(weak.clone());
                }
            }
        };
        let on_online = {
            let weak = weak.clone();
            move |_| {
                spawn_refresh(weak.clone());
                #[cfg(feature = "panel")]
                with_state(&weak, |s, weak| s.retry_outbox_now(weak));
            }
        };
        #[cfg(feature = "panel")]
        let on_key = {
            let weak = weak.clone();
            move |event: web_sys::Event| {
                with_state(&weak, |s, _| {
                    if let Some(key) = event.dyn_ref::<web_sys::KeyboardEvent>() {
                        report(s.panel.on_key(key, &s.shadow), "help panel");
                    }
                });
            }
        };
        #[cfg(feature = "panel")]
        let on_input = {
            let weak = weak.clone();
            move |event: web_sys::Event| {
                with_state(&weak, |s, _| {
                    let is_search = event
                        .target()
                        .and_then(|t| t.dyn_into::<Element>().ok())
                        .is_some_and(|t| s.panel.is_search_box(&t));
                    if is_search {
                        s.search();
                    } else if event
                        .target()
                        .and_then(|t| t.dyn_into::<Element>().ok())
                        .is_some_and(|t| s.panel.ticket.is_subject(&t))
                    {
                        s.deflect();
                    }
                });
            }
        };
        let shadow_target: &web_sys::EventTarget = state.shadow.as_ref();
        #[allow(unused_mut)]
        let mut listeners = vec![
            Listener::new(shadow_target, "click", move |e| {
                if let Some(events) = on_click(e) {
                    dispatch_all(events);
                }
            })?,
            Listener::new(state.doc.as_ref(), "visibilitychange", on_visible)?,
            Listener::new(
                dom::window().ok_or("no window")?.as_ref(),
                "online",
                on_online,
            )?,
        ];
        #[cfg(feature = "panel")]
        listeners.extend([
            Listener::new(shadow_target, "keydown", on_key)?,
            Listener::new(shadow_target, "input", on_input)?,
            Listener::new(shadow_target, "submit", {
                let weak = weak.clone();
                move |event: web_sys::Event| {
                    event.prevent_default();
                    let events = with_state(&weak, |s, weak| s.submit_ticket(weak));
                    dispatch_all(events.unwrap_or_default());
                }
            })?,
            Listener::new(shadow_target, "change", {
                let weak = weak.clone();
                move |event: web_sys::Event| {
                    with_state(&weak, |s, _| s.on_change(&event));
                }
            })?,
            Listener::new(dom::window().ok_or("no window")?.as_ref(), "pagehide", {
                let weak = weak.clone();
                move |_| {
                    with_state(&weak, |s, _| s.sender.release(&BrowserStorage));
                }
            })?,
        ]);
        state.listeners = listeners;
        state.keep_in_body = Some(dom::KeepInBody::new(&state.doc, &state.host)?);
        state.refresh_timer = Some(Timer::every(REFRESH_MS, {
            let weak = weak.clone();
            move || spawn_refresh(weak.clone())
        })?);
        events.extend(state.render_and_schedule(&weak, now()));
        events.push(("ready", JsValue::NULL));
        Ok(events)
    }
}

/// Runs `f` on the state if the widget still exists and is not already borrowed.
pub(super) fn with_state<R>(
    weak: &Weak<RefCell<State>>,
    f: impl FnOnce(&mut State, &Weak<RefCell<State>>) -> R,
) -> Option<R> {
    let rc = weak.upgrade()?;
    let mut state = rc.try_borrow_mut().ok()?;
    Some(f(&mut state, weak))
}

pub(super) fn dispatch_all(events: Events) {
    for (name, detail) in events {
        dom::dispatch(name, &detail);
    }
}

/// How many clicks in a row made `event` (`UIEvent.detail`): 2 for a double click's second.
#[cfg(feature = "panel")]
fn click_count(event: &web_sys::Event) -> f64 {
    Reflect::get(event, &"detail".into())
        .ok()
        .and_then(|d| d.as_f64())
        .unwrap_or(0.0)
}

/// The learner asked for reduced motion (`prefers-reduced-motion: reduce`).
fn prefers_reduced_motion() -> bool {
    dom::window()
        .and_then(|w| {
            w.match_media("(prefers-reduced-motion: reduce)")
                .ok()
                .flatten()
        })
        .is_some_and(|query| query.matches())
}

fn spawn_refresh(weak: Weak<RefCell<State>>) {
    wasm_bindgen_futures::spawn_local(refresh(weak));
}

async fn refresh(weak: Weak<RefCell<State>>) {
    let Some(request) = with_state(&weak, |s, _| {
        if s.fetching {
            return None;
        }
        s.fetching = true;
        Some((s.config.feed_url.clone(), s.etag.clone()))
    }) else {
        return;
    };
    let Some((url, etag)) = request else { return };
    let result = fetch_feed(&url, etag.as_deref()).await;
    let events = with_state(&weak, |s, weak| {
        s.fetching = false;
        s.last_fetch_ms = dom::now_ms();
        let mut events = Events::new();
        match result {
            Ok(FeedResponse::Fresh { body, etag }) => {
                if s.accept_feed(&body, etag.clone(), true) {
                    // A copy that cannot be kept is fetched again on the next page load.
                    let _reported_by_storage =
                        CachedFeed { body, etag }.save(&BrowserStorage, &url);
                }
            }
            Ok(FeedResponse::NotModified) => {}
            Err(message) => {
                let kept = if s.feed.is_some() {
                    "showing the last good copy"
                } else {
                    "no copy to show yet"
                };
                warn(&format!("{message}; {kept}"));
                events.push(("error", error_detail("feed", &message)));
            }
        }
        events.extend(s.render_and_schedule(weak, now()));
        // Tickets left in the outbox by an earlier page load go out now that the API is known.
        #[cfg(feature = "panel")]
        if !s.outbox_resumed && s.feed.is_some() {
            s.outbox_resumed = true;
            s.retry_outbox_now(weak);
        }
        events
    });
    dispatch_all(events.unwrap_or_default());
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
    /// Takes a feed if it parses and is good enough to replace the current one
    /// ([`feed::Parsed::refusal`]); returns false, keeping the current one, when not.
    fn accept_feed(&mut self, body: &str, etag: Option<String>, from_network: bool) -> bool {
        let source = if from_network { "fetched" } else { "cached" };
        // Mutable for the full stage, which may put the last good support block in.
        #[cfg_attr(not(feature = "panel"), allow(unused_mut))]
        let mut parsed = match feed::parse(body, &self.zones) {
            Ok(parsed) => parsed,
            Err(e) => {
                warn(&format!(
                    "{source} feed rejected: {e}; keeping the last good copy"
                ));
                return false;
            }
        };
        if let Some(why) = parsed.refusal() {
            warn(&format!(
                "{source} feed rejected: {why}; keeping the last good copy"
            ));
            return false;
        }
        #[cfg(feature = "panel")]
        {
            let url = &self.config.feed_url;
            match parsed
                .keep_last_good_support(crate::storage::last_good_support(&BrowserStorage, url))
            {
                Some(why) => warn(&format!("{source} feed: {why}")),
                None => {
                    if let Some(json) = &parsed.support_json {
                        let _reported_by_storage =
                            crate::storage::save_last_good_support(&BrowserStorage, url, json);
                    }
                }
            }
        }
        for problem in &parsed.problems {
            warn(&format!("feed: {problem}; skipped"));
        }
        if !parsed.unknown_fields.is_empty() {
            warn(&format!(
                "feed: unknown fields ignored: {}",
                parsed.unknown_fields.join(", ")
            ));
        }
        self.quiet = self.config.quiet
            || parsed.feed.client.quiet_pages.iter().any(|selector| {
                match self.doc.query_selector(selector) {
                    Ok(found) => found.is_some(),
                    Err(_) => {
                        warn(&format!(
                            "feed: client.quiet_pages has an invalid CSS selector {selector:?}"
                        ));
                        false
                    }
                }
            });
        self.feed = Some(parsed.feed);
        self.etag = etag;
        #[cfg(feature = "panel")]
        {
            self.search_index = None;
            if self.panel.is_open() {
                self.fill_panel();
                self.search();
            }
        }
        true
    }

    fn compute_view(&self, now: Timestamp) -> Option<BannerView> {
        let feed = self.feed.as_ref()?;
        let viewer = Viewer {
            role: self.config.role.as_deref(),
            course: self.config.course.as_deref(),
            quiet: self.quiet,
        };
        let items = active_items(feed, &viewer, now, &self.zones);
        banner_view(&items, &self.config.locale, &|key| {
            self.dismissals.contains(key)
        })
    }

    /// Redraws if the view changed; returns the events to dispatch.
    fn render(&mut self, now: Timestamp) -> Events {
        self.redraw(now, false)
    }

    fn redraw(&mut self, now: Timestamp, force: bool) -> Events {
        let view = self.compute_view(now);
        if view == self.view && !force {
            return Events::new();
        }
        let ids = |v: &Option<BannerView>| {
            v.as_ref()
                .map(|v| v.items.iter().map(|i| i.id.clone()).collect::<Vec<_>>())
        };
        let newly_shown = ids(&view) != ids(&self.view);
        let mut events = Events::new();
        self.countdowns.clear();
        report(
            draw(
                &self.doc,
                &self.region,
                view.as_ref(),
                self.expanded,
                self.lang,
                &self.formatter,
                now,
                &mut self.countdowns,
            ),
            "could not draw the banner",
        );
        if prefers_reduced_motion() {
            // `draw` wrote the seconds; under reduced motion the countdown shows minutes only.
            self.tick_countdown(true);
        }
        if let Some(v) = view.as_ref().filter(|_| newly_shown) {
            let ids: Array = v
                .items
                .iter()
                .map(|item| JsValue::from_str(&item.id))
                .collect();
            let detail = Object::new();
            report(Reflect::set(&detail, &"ids".into(), &ids), "widget");
            events.push(("banner-shown", detail.into()));
            if !self.painted_once {
                self.painted_once = true;
                dom::mark_after_paint("lms-support:banner-painted");
            }
        }
        self.view = view;
        events
    }

    /// Redraws, then arms the timers the current view needs.
    fn render_and_schedule(&mut self, weak: &Weak<RefCell<State>>, now: Timestamp) -> Events {
        let events = self.render(now);
        let counting = self
            .view
            .as_ref()
            .is_some_and(|v| v.items.iter().any(|i| i.phase == Phase::Imminent));
        match (counting, self.countdown_timer.is_some()) {
            (true, false) => {
                let weak = weak.clone();
                // Read once per countdown: a preference changed mid-countdown takes effect on
                // the next tick's format, and on the period from the next countdown on.
                let period = countdown_period_ms(prefers_reduced_motion());
                self.countdown_timer = Timer::every(period, move || {
                    with_state(&weak, |s, _| s.tick_countdown(prefers_reduced_motion()));
                })
                .map_err(|e| warn(&format!("countdown timer: {}", describe(&e))))
                .ok();
            }
            (false, true) => self.countdown_timer = None,
            _ => {}
        }
        self.phase_timer = None;
        if let Some(at) = self
            .feed
            .as_ref()
            .and_then(|f| next_change(f, now, &self.zones))
        {
            // Fire just after the boundary second so `now` is already past it; if a timer fires
            // early (clamped long delays, a suspended laptop), rendering re-arms it.
            let delay = (at.seconds() as f64 * 1000.0) - dom::now_ms() + 20.0;
            let weak = weak.clone();
            self.phase_timer = Timer::once(delay, move || {
                let events = with_state(&weak, |s, weak| s.render_and_schedule(weak, self::now()));
                dispatch_all(events.unwrap_or_default());
            })
            .map_err(|e| warn(&format!("phase timer: {}", describe(&e))))
            .ok();
        }
        events
    }

    /// Rewrites every countdown in the banner; whole minutes only under `reduced_motion`.
    fn tick_countdown(&self, reduced_motion: bool) {
        let now = now();
        for (node, starts_at) in &self.countdowns {
            let starts_at = starts_at.seconds();
            let text = if reduced_motion {
                fill(
                    message(self.lang, Msg::StartsIn),
                    &[(
                        "countdown",
                        &format_countdown_minutes(starts_at - now.seconds()),
                    )],
                )
            } else {
                countdown_text(self.lang, Timestamp(starts_at), now)
            };
            node.set_text_content(Some(&text));
        }
    }

    fn on_click(&mut self, event: &web_sys::Event) -> Events {
        let Some(target) = event.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
            return Events::new();
        };
        let Ok(Some(button)) = target.closest("[data-action]") else {
            return Events::new();
        };
        match button.get_attribute("data-action").as_deref() {
            Some("dismiss") => {
                let Some(key) = button.get_attribute("data-key") else {
                    return Events::new();
                };
                let _reported_by_storage = self.dismissals.add(&BrowserStorage, &key);
                let events = self.render(now());
                // The focused button is gone; keep keyboard users in the banner if it has more.
                if let Ok(Some(next)) = self.region.query_selector("button") {
                    if let Ok(next) = next.dyn_into::<web_sys::HtmlElement>() {
                        report(next.focus(), "widget");
                    }
                }
                events
            }
            Some("toggle-more") => {
                self.expanded = !self.expanded;
                // The view model is unchanged but the expansion is not.
                let events = self.redraw(now(), true);
                if let Ok(Some(toggle)) = self.region.query_selector(".lsw-more") {
                    if let Ok(toggle) = toggle.dyn_into::<web_sys::HtmlElement>() {
                        report(toggle.focus(), "widget");
                    }
                }
                events
            }
            // The form gives way to the ticket's card at the first click on Send; the second
            // click of a double click must not land on "Write another ticket" and empty it.
            #[cfg(feature = "panel")]
            Some("new-ticket") if click_count(event) > 1.0 => Events::new(),
            Some(action) => {
                self.on_panel_action(action, button);
                Events::new()
            }
            None => Events::new(),
        }
    }

    /// The first stage has no panel: any panel action asks the loader for the second stage.
    #[cfg(not(feature = "panel"))]
    fn on_panel_action(&mut self, action: &str, button: Element) {
        if action == "open-help" {
            // The panel's code is on its way: show it (the full stage replaces this button).
            report(button.set_attribute("aria-busy", "true"), "widget");
            dom::request_panel("help");
        }
    }

    #[cfg(feature = "panel")]
    fn on_panel_action(&mut self, action: &str, button: Element) {
        match action {
            "open-help" => {
                self.open_help(button.dyn_into::<HtmlElement>().ok());
            }
            "close-help" => {
                report(self.panel.close(), "help panel");
            }
            "open-ticket" => {
                self.open_ticket(None);
            }
            "new-ticket" => {
                let started = self.panel.ticket.new_draft();
                if let Err(e) =
                    started.and_then(|_| self.panel.show_view(super::panel::View::Ticket))
                {
                    warn(&format!("ticket form: {}", describe(&e)));
                }
                self.apply_host_prefill();
            }
            "open-my-tickets" => {
                if let Some(weak) = self.self_ref.clone() {
                    self.show_my_tickets(&weak);
                }
                report(
                    self.panel.show_view(super::panel::View::MyTickets),
                    "widget",
                );
            }
            "back-to-help" => {
                report(self.panel.show_view(super::panel::View::Help), "widget");
            }
            answer @ ("critical-yes" | "critical-no") => {
                report(
                    self.panel
                        .ticket
                        .answer_critical_check(answer == "critical-yes"),
                    "widget",
                );
            }
            "remove-context" => {
                if let Some(i) = button
                    .get_attribute("data-index")
                    .and_then(|i| i.parse::<usize>().ok())
                {
                    if i < self.panel.ticket.context.len() {
                        self.panel.ticket.context.remove(i);
                    }
                    report(self.panel.ticket.draw_context(), "widget");
                    self.focus_in_context(i);
                }
            }
            "remove-file" => {
                if let Some(i) = button
                    .get_attribute("data-index")
                    .and_then(|i| i.parse::<usize>().ok())
                {
                    report(self.panel.ticket.remove_file(i), "widget");
                }
            }
            "rate" => {
                if let (Some(weak), Some(number)) =
                    (self.self_ref.clone(), button.get_attribute("data-number"))
                {
                    self.send_rating(&weak, number);
                }
            }
            "toggle" => {
                if let Some(feed) = &self.feed {
                    report(
                        self.panel.toggle(&button, feed, &self.config.locale, None),
                        "help panel",
                    );
                }
            }
            _ => {}
        }
    }
}

#[cfg(feature = "panel")]
impl State {
    /// Opens the help panel, filled from the current feed; `opener` gets focus back on close.
    pub(super) fn open_help(&mut self, opener: Option<HtmlElement>) {
        self.open_panel(opener, "help");
        // Help, not whatever view the panel was closed on.
        report(self.panel.show_view(super::panel::View::Help), "help panel");
    }

    /// Opens the panel if closed, and tells the host which part was asked for (`open`).
    pub(super) fn open_panel(&mut self, opener: Option<HtmlElement>, part: &str) {
        let was_open = self.panel.is_open();
        if !was_open {
            self.fill_panel();
        }
        report(self.panel.open(opener), "help panel");
        if !was_open && self.panel.is_open() {
            let detail = Object::new();
            report(
                Reflect::set(&detail, &"part".into(), &part.into()),
                "widget",
            );
            dom::dispatch("open", &detail);
        }
    }

    /// Fills the ticket form with what the host passed to `LmsSupport.prefill`: now if the
    /// form is showing, else when it is next opened.
    pub(super) fn prefill(&mut self, fields: super::ticket_form::HostPrefill) {
        self.host_prefill = Some(fields);
        if self.panel.shows(super::panel::View::Ticket) {
            self.apply_host_prefill();
        }
    }

    pub(super) fn apply_host_prefill(&mut self) {
        if let Some(fields) = self.host_prefill.take() {
            // The host's fields make a new ticket, not an edit of the one handed in.
            report(self.panel.ticket.new_draft(), "prefill");
            report(self.panel.ticket.apply_host_prefill(&fields), "prefill");
        }
    }

    fn fill_panel(&mut self) {
        let now = now();
        let viewer = Viewer {
            role: self.config.role.as_deref(),
            course: self.config.course.as_deref(),
            quiet: false,
        };
        let lines = self
            .feed
            .as_ref()
            .map(|feed| {
                causes(
                    &active_items(feed, &viewer, now, &self.zones),
                    &self.config.locale,
                )
            })
            .unwrap_or_default();
        report(
            self.panel
                .fill(self.feed.as_ref(), &lines, self.lang, &self.config.locale),
            "help panel",
        );
    }

    fn search(&mut self) {
        if self.search_index.is_none() {
            self.search_index = self
                .feed
                .as_ref()
                .map(|f| SearchIndex::build(&f.faq, &self.config.locale));
        }
        report(
            self.panel.show_results(
                self.feed.as_ref(),
                self.search_index.as_ref(),
                self.lang,
                &self.config.locale,
            ),
            "help panel",
        );
    }
}

/// Runs `f` on the mounted widget's state (for the JS API).
pub(super) fn with_widget(widget: &Widget, f: impl FnOnce(&mut State)) {
    if let Ok(mut state) = widget.state.try_borrow_mut() {
        f(&mut state);
    }
}

#[cfg(feature = "panel")]
impl State {
    /// Closes the help panel (JS API).
    pub(super) fn close_help(&mut self) {
        report(self.panel.close(), "help panel");
    }
}
