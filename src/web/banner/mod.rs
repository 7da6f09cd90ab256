//! The banner part: owns the banner's region in the shadow root, its click listener, the
//! phase and countdown timers and the learner's dismissals.
//!
//! The widget tells it when the feed changes ([`Banner::set_feed`]) and when to look again
//! ([`Banner::update`], [`Banner::redraw_if_changed`]); it draws the [`BannerView`] the core
//! computes and is redrawn only when that view changes: at the exact instant of the next phase
//! change (one timer, re-armed after each change), when the feed changes, on a dismissal and
//! when the tab becomes visible again. It knows nothing of the help panel or tickets.

mod draw;
mod snapshot;

use crate::banner::countdown::{countdown_period_ms, format_countdown_minutes};
use crate::banner::{active_items, banner_view, next_change, text_stable_until, BannerView, Phase};
use crate::base::feed::Feed;
use crate::base::i18n::{fill, message, Msg};
use crate::base::storage::Dismissals;
use crate::base::time::Timestamp;
use crate::web::banner::draw::{countdown_text, draw};
use crate::web::base::{now, Base};
use crate::web::dom::{self, describe, dispatch_all, el, report, warn, Events, Listener, Timer};
use crate::web::storage::BrowserStorage;
use js_sys::{Array, Object, Reflect};
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::Element;

/// The mounted banner; dropping it stops its timers and its listener.
pub struct Banner {
    inner: Rc<RefCell<Inner>>,
    _click: Listener,
}

impl std::fmt::Debug for Banner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Banner")
    }
}

struct Inner {
    base: Rc<Base>,
    region: Element,
    feed: Option<Rc<Feed>>,
    /// The page matched `quiet` or one of the feed's `client.quiet_pages`.
    quiet: bool,
    dismissals: Dismissals,
    expanded: bool,
    view: Option<BannerView>,
    /// The countdowns the banner shows, with the instant each counts to.
    countdowns: Vec<(Element, Timestamp)>,
    painted_once: bool,
    /// The stage's stylesheet, saved with the snapshot (given by the widget, which owns it).
    style: &'static str,
    phase_timer: Option<Timer>,
    countdown_timer: Option<Timer>,
    weak: Weak<RefCell<Inner>>,
}

/// Runs `f` on the banner if it still exists and is not already borrowed.
fn with_inner<R>(weak: &Weak<RefCell<Inner>>, f: impl FnOnce(&mut Inner) -> R) -> Option<R> {
    let rc = weak.upgrade()?;
    let mut inner = rc.try_borrow_mut().ok()?;
    Some(f(&mut inner))
}

impl Banner {
    /// Adds the (empty) banner region to the shadow root; `style` is the widget's stylesheet,
    /// saved with each snapshot so the loader can draw it before the Wasm arrives.
    pub fn mount(base: Rc<Base>, style: &'static str) -> Result<Banner, JsValue> {
        let region = el(base.doc(), "section", "lsw-banner")?;
        region.set_attribute("aria-label", message(base.lang(), Msg::RegionLabel))?;
        region.set_attribute("role", "status")?;
        region.set_attribute("data-empty", "")?;
        base.shadow().append_child(&region)?;
        let inner = Rc::new_cyclic(|weak| {
            RefCell::new(Inner {
                base,
                region: region.clone(),
                feed: None,
                quiet: false,
                dismissals: Dismissals::load(&BrowserStorage),
                expanded: false,
                view: None,
                countdowns: Vec::new(),
                painted_once: false,
                style,
                phase_timer: None,
                countdown_timer: None,
                weak: weak.clone(),
            })
        });
        let weak = Rc::downgrade(&inner);
        let click = Listener::new(region.as_ref(), "click", move |event| {
            let events = with_inner(&weak, |s| s.on_click(&event));
            dispatch_all(events.unwrap_or_default());
        })?;
        Ok(Banner {
            inner,
            _click: click,
        })
    }

    /// Takes a new feed (not drawn until [`Banner::update`]): works out whether this page is
    /// quiet from its `client.quiet_pages`.
    pub fn set_feed(&self, feed: Rc<Feed>) {
        if let Ok(mut s) = self.inner.try_borrow_mut() {
            let doc = s.base.doc().clone();
            s.quiet = s.base.config().quiet
                || feed.client.quiet_pages.iter().any(|selector| {
                    match doc.query_selector(selector) {
                        Ok(found) => found.is_some(),
                        Err(_) => {
                            warn(
                                &[
                                    "feed: client.quiet_pages has an invalid CSS selector \"",
                                    selector,
                                    "\"",
                                ]
                                .concat(),
                            );
                            false
                        }
                    }
                });
            s.feed = Some(feed);
        }
    }

    /// Redraws if the view changed and arms the timers it needs; returns the events to
    /// dispatch. With `soon`, the same in a task of its own (its phase timer, set at 0 ms),
    /// and no events now.
    pub fn update(&self, soon: bool) -> Events {
        with_inner(&Rc::downgrade(&self.inner), |s| {
            s.render_and_schedule(now(), soon)
        })
        .unwrap_or_default()
    }

    /// Redraws if the view changed (the tab became visible again).
    pub fn redraw_if_changed(&self) -> Events {
        match self.inner.try_borrow_mut() {
            Ok(mut s) => s.render(now()),
            Err(_) => Events::new(),
        }
    }
}

impl Inner {
    fn compute_view(&self, now: Timestamp) -> Option<BannerView> {
        let feed = self.feed.as_ref()?;
        let items = active_items(feed, &self.base.viewer(self.quiet), now, self.base.zones());
        banner_view(&items, &self.base.config().locale, &|key| {
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
                self.base.doc(),
                &self.region,
                view.as_ref(),
                self.expanded,
                self.base.lang(),
                self.base.formatter(),
                now,
                &mut self.countdowns,
            ),
            "could not draw the banner",
        );
        if prefers_reduced_motion() {
            // `draw` wrote the seconds; under reduced motion the countdown shows minutes only.
            self.tick_countdown(true);
        }
        self.save_snapshot(view.as_ref(), now);
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
                dom::mark("lms-support:banner-drawn");
                dom::mark_after_paint("lms-support:banner-painted");
            }
        }
        self.view = view;
        events
    }

    /// Saves the banner as drawn for the loader's next page load (see [`snapshot`]), true until
    /// its next phase change or change of words. Not on a quiet page (its banner is not the
    /// other pages'), and not while expanded (the next page starts collapsed). A countdown's
    /// words change every second: its copy only reserves the banner's space (the loader draws
    /// it hidden), until the phase changes.
    fn save_snapshot(&self, view: Option<&BannerView>, now: Timestamp) {
        let config = self.base.config();
        let (Some(context), false) = (&config.view_context, self.quiet) else {
            return;
        };
        let mut reserve = false;
        let until = view.filter(|_| !self.expanded).and_then(|view| {
            let formatter = self.base.formatter();
            let words = text_stable_until(view, now, &|at| formatter.offset_at(at));
            reserve = words.is_none();
            let phase = self
                .feed
                .as_ref()
                .and_then(|f| next_change(f, now, self.base.zones()));
            match (words, phase) {
                (Some(words), Some(phase)) => Some(words.min(phase)),
                (words, phase) => words.or(phase),
            }
        });
        let quiet_pages = self
            .feed
            .as_ref()
            .map_or(&[][..], |f| &f.client.quiet_pages[..]);
        snapshot::save(
            context,
            &self.region,
            self.style,
            quiet_pages,
            until,
            reserve,
        );
    }

    /// Redraws, then arms the timers the current view needs; with `soon`, draws nothing and
    /// arms the phase timer at 0 ms (the drawing is then that timer's task).
    fn render_and_schedule(&mut self, now: Timestamp, soon: bool) -> Events {
        let events = if soon {
            Events::new()
        } else {
            self.render(now)
        };
        let counting = self
            .view
            .as_ref()
            .is_some_and(|v| v.items.iter().any(|i| i.phase == Phase::Imminent));
        match (counting, self.countdown_timer.is_some()) {
            (true, false) => {
                let weak = self.weak.clone();
                // Read once per countdown: a preference changed mid-countdown takes effect on
                // the next tick's format, and on the period from the next countdown on.
                let period = countdown_period_ms(prefers_reduced_motion());
                self.countdown_timer = Timer::every(period, move || {
                    with_inner(&weak, |s| s.tick_countdown(prefers_reduced_motion()));
                })
                .map_err(|e| warn(&["countdown timer: ", &describe(&e)].concat()))
                .ok();
            }
            (false, true) => self.countdown_timer = None,
            _ => {}
        }
        self.phase_timer = None;
        // Fire just after the boundary second so `now` is already past it; if a timer fires
        // early (clamped long delays, a suspended laptop), rendering re-arms it.
        let at = if soon {
            Some(0.0)
        } else {
            self.feed
                .as_ref()
                .and_then(|f| next_change(f, now, self.base.zones()))
                .map(|at| (at.seconds() as f64 * 1000.0) - dom::now_ms() + 20.0)
        };
        if let Some(delay) = at {
            let weak = self.weak.clone();
            self.phase_timer = Timer::once(delay, move || {
                let events = with_inner(&weak, |s| {
                    s.render_and_schedule(crate::web::base::now(), false)
                });
                dispatch_all(events.unwrap_or_default());
            })
            .map_err(|e| warn(&["phase timer: ", &describe(&e)].concat()))
            .ok();
        }
        events
    }

    /// Rewrites every countdown in the banner; whole minutes only under `reduced_motion`.
    fn tick_countdown(&self, reduced_motion: bool) {
        let now = now();
        let lang = self.base.lang();
        for (node, starts_at) in &self.countdowns {
            let starts_at = starts_at.seconds();
            let text = if reduced_motion {
                fill(
                    message(lang, Msg::StartsIn),
                    &[(
                        "countdown",
                        &format_countdown_minutes(starts_at - now.seconds()),
                    )],
                )
            } else {
                countdown_text(lang, Timestamp(starts_at), now)
            };
            node.set_text_content(Some(&text));
        }
    }

    /// Dismiss and "show more" buttons.
    fn on_click(&mut self, event: &web_sys::Event) -> Events {
        let Some(target) = event.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
            return Events::new();
        };
        let Ok(Some(button)) = target.closest("[data-action]") else {
            return Events::new();
        };
        let (events, focus) = match button.get_attribute("data-action").as_deref() {
            Some("dismiss") => {
                let Some(key) = button.get_attribute("data-key") else {
                    return Events::new();
                };
                let _reported_by_storage = self.dismissals.add(&BrowserStorage, &key);
                // The focused button is gone; keep keyboard users in the banner if it has more.
                (self.render(now()), "button")
            }
            Some("toggle-more") => {
                self.expanded = !self.expanded;
                // The view model is unchanged but the expansion is not.
                (self.redraw(now(), true), ".lsw-more")
            }
            _ => return Events::new(),
        };
        if let Ok(Some(next)) = self.region.query_selector(focus) {
            if let Ok(next) = next.dyn_into::<web_sys::HtmlElement>() {
                report(next.focus(), "widget");
            }
        }
        events
    }
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
