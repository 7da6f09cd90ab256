//! What every part of the mounted widget shares and nothing changes after mounting: the
//! configuration, the negotiated language, the document and shadow root, the date formatter
//! and the time zones. Parts hold it as an `Rc<Base>`; what does change (the feed) reaches them
//! as a message from the widget ([`crate::web::widget`]), never through another part's fields.

use crate::banner::Viewer;
use crate::base::i18n::Lang;
use crate::base::time::Timestamp;
use crate::web::config::Config;
use crate::web::dom;
use crate::web::intl::{Formatter, IntlZones};
use web_sys::{Document, ShadowRoot};

/// The shared, read-only context of one mounted widget.
pub struct Base {
    config: Config,
    lang: Lang,
    doc: Document,
    shadow: ShadowRoot,
    formatter: Formatter,
    zones: IntlZones,
}

impl std::fmt::Debug for Base {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Base")
    }
}

impl Base {
    /// The context for `config`, drawn in `shadow` in the language `lang`.
    pub fn new(config: Config, lang: Lang, doc: Document, shadow: ShadowRoot) -> Base {
        Base {
            formatter: Formatter::new(&config.locale, config.time_zone.as_deref()),
            zones: IntlZones::default(),
            config,
            lang,
            doc,
            shadow,
        }
    }

    /// The mount configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The language the widget speaks.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The host page's document.
    pub fn doc(&self) -> &Document {
        &self.doc
    }

    /// The widget's shadow root.
    pub fn shadow(&self) -> &ShadowRoot {
        &self.shadow
    }

    /// Dates and durations in the learner's language and zone.
    pub fn formatter(&self) -> &Formatter {
        &self.formatter
    }

    /// IANA zone offsets, from `Intl`.
    pub fn zones(&self) -> &IntlZones {
        &self.zones
    }

    /// Who is looking, for picking the feed's items; `quiet` is the page's quiet flag.
    pub fn viewer(&self, quiet: bool) -> Viewer<'_> {
        Viewer {
            role: self.config.role.as_deref(),
            course: self.config.course.as_deref(),
            quiet,
        }
    }
}

/// Now, from the browser's clock (moved by `data-now` in the console's preview), in whole
/// seconds.
pub fn now() -> Timestamp {
    Timestamp(((dom::now_ms() + super::config::clock_offset_ms()) / 1000.0).floor() as i64)
}
