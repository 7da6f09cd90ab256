//! The browser's `Intl`: time-zone offsets for the core, and dates in the learner's language.
//!
//! No time-zone database ships in the Wasm: `Intl.DateTimeFormat` knows every IANA zone. The
//! offset of a zone at an instant is read by formatting the instant in that zone (one string,
//! read by [`wall_clock_from_en_us`]) and comparing the wall-clock time with UTC; the DST rules
//! themselves live in [`crate::base::zone`], shared with native code.

use crate::banner::RelativeUnit;
use crate::base::decimal::decimal;
use crate::base::time::{CivilDateTime, Timestamp};
use crate::base::zone::{wall_clock_from_en_us, TimeZones, UnknownZone};
use crate::web::dom::report;
use js_sys::{Object, Reflect};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = Intl, js_name = DateTimeFormat)]
    type DateFormat;
    #[wasm_bindgen(constructor, js_namespace = Intl, js_class = "DateTimeFormat", catch)]
    fn new(locale: &str, options: &Object) -> Result<DateFormat, JsValue>;
    #[wasm_bindgen(method, js_class = "DateTimeFormat")]
    fn format(this: &DateFormat, epoch_ms: f64) -> String;
    #[wasm_bindgen(method, js_class = "DateTimeFormat", js_name = formatRange, catch)]
    fn format_range(this: &DateFormat, start_ms: f64, end_ms: f64) -> Result<String, JsValue>;
    #[wasm_bindgen(method, js_class = "DateTimeFormat", js_name = resolvedOptions)]
    fn resolved_options(this: &DateFormat) -> Object;

    #[wasm_bindgen(js_namespace = Intl, js_name = NumberFormat)]
    type NumberFormat;
    #[wasm_bindgen(constructor, js_namespace = Intl, js_class = "NumberFormat", catch)]
    fn new(locale: &str, options: &Object) -> Result<NumberFormat, JsValue>;
    #[wasm_bindgen(method, js_class = "NumberFormat")]
    fn format(this: &NumberFormat, value: f64) -> String;

    #[wasm_bindgen(js_namespace = Intl, js_name = RelativeTimeFormat)]
    type RelativeFormat;
    #[wasm_bindgen(constructor, js_namespace = Intl, js_class = "RelativeTimeFormat", catch)]
    fn new(locale: &str, options: &Object) -> Result<RelativeFormat, JsValue>;
    #[wasm_bindgen(method, js_class = "RelativeTimeFormat")]
    fn format(this: &RelativeFormat, value: f64, unit: &str) -> String;
}

fn options(pairs: &[(&str, &str)]) -> Object {
    let object = Object::new();
    for (key, value) in pairs {
        report(
            Reflect::set(&object, &JsValue::from_str(key), &JsValue::from_str(value)),
            "intl",
        );
    }
    object
}

/// UTC offsets of IANA zones, answered by `Intl` and cached per zone.
#[derive(Default)]
pub struct IntlZones {
    formats: RefCell<Vec<(String, DateFormat)>>,
}

impl std::fmt::Debug for IntlZones {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IntlZones")
    }
}

impl IntlZones {
    fn civil_in(&self, zone: &str, at: Timestamp) -> Result<CivilDateTime, UnknownZone> {
        let mut formats = self.formats.borrow_mut();
        let index = match formats.iter().position(|(z, _)| z == zone) {
            Some(i) => i,
            None => {
                let opts = options(&[
                    ("timeZone", zone),
                    ("hourCycle", "h23"),
                    ("year", "numeric"),
                    ("month", "numeric"),
                    ("day", "numeric"),
                    ("hour", "numeric"),
                    ("minute", "numeric"),
                    ("second", "numeric"),
                ]);
                // An unknown zone makes the constructor throw a RangeError.
                let format = DateFormat::new("en-US", &opts).map_err(|_| UnknownZone)?;
                formats.push((zone.to_string(), format));
                formats.len() - 1
            }
        };
        let text = formats[index].1.format(at.seconds() as f64 * 1000.0);
        wall_clock_from_en_us(&text).ok_or(UnknownZone)
    }
}

impl TimeZones for IntlZones {
    fn offset_at(&self, zone: &str, at: Timestamp) -> Result<i32, UnknownZone> {
        let local = self.civil_in(zone, at)?;
        Ok((local.as_if_utc().seconds() - at.seconds()) as i32)
    }
}

/// The learner's IANA time zone as the browser knows it (`Europe/Madrid`), or "".
pub fn learner_time_zone() -> String {
    DateFormat::new("en", &Object::new())
        .ok()
        .and_then(|f| Reflect::get(&f.resolved_options(), &"timeZone".into()).ok())
        .and_then(|z| z.as_string())
        .unwrap_or_default()
}

/// The learner's own UTC offset (seconds east) at an instant, from the browser's zone.
fn learner_offset(at: Timestamp) -> i32 {
    let date = js_sys::Date::new(&JsValue::from_f64(at.seconds() as f64 * 1000.0));
    (-date.get_timezone_offset() * 60.0) as i32
}

/// Formats dates and relative spans in one locale, in the learner's zone.
pub struct Formatter {
    locale: String,
    /// `data-time-zone` when given; else the browser's zone is used.
    zone: Option<(String, IntlZones)>,
    range: Option<DateFormat>,
    time: Option<DateFormat>,
    relative: Option<RelativeFormat>,
}

impl std::fmt::Debug for Formatter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Formatter")
    }
}

impl Formatter {
    /// Formatters for `locale` in `zone` (an IANA name Intl knows), or the browser's zone;
    /// an invalid tag falls back to English.
    pub fn new(locale: &str, zone: Option<&str>) -> Formatter {
        let in_zone = |pairs: &[(&str, &str)]| {
            let object = options(pairs);
            if let Some(zone) = zone {
                report(
                    Reflect::set(&object, &"timeZone".into(), &JsValue::from_str(zone)),
                    "intl",
                );
            }
            object
        };
        let date_time = in_zone(&[
            ("weekday", "long"),
            ("month", "long"),
            ("day", "numeric"),
            ("hour", "numeric"),
            ("minute", "2-digit"),
            ("timeZoneName", "short"),
        ]);
        let time_only = in_zone(&[
            ("weekday", "short"),
            ("hour", "numeric"),
            ("minute", "2-digit"),
            ("timeZoneName", "short"),
        ]);
        let relative = options(&[("numeric", "auto")]);
        Formatter {
            locale: locale.to_string(),
            zone: zone.map(|z| (z.to_string(), IntlZones::default())),
            range: DateFormat::new(locale, &date_time)
                .or_else(|_| DateFormat::new("en", &date_time))
                .ok(),
            time: DateFormat::new(locale, &time_only)
                .or_else(|_| DateFormat::new("en", &time_only))
                .ok(),
            relative: RelativeFormat::new(locale, &relative)
                .or_else(|_| RelativeFormat::new("en", &relative))
                .ok(),
        }
    }

    /// The learner's UTC offset (seconds east) at an instant, in the zone this formats in.
    pub fn offset_at(&self, at: Timestamp) -> i32 {
        match &self.zone {
            Some((zone, zones)) => zones
                .offset_at(zone, at)
                .unwrap_or_else(|_| learner_offset(at)),
            None => learner_offset(at),
        }
    }

    /// "Sunday, December 6, 12:00 – 6:00 AM EST" in the learner's language.
    pub fn range(&self, start: Timestamp, end: Timestamp) -> String {
        let (a, b) = (
            start.seconds() as f64 * 1000.0,
            end.seconds() as f64 * 1000.0,
        );
        match &self.range {
            Some(f) => f
                .format_range(a, b)
                .unwrap_or_else(|_| [&f.format(a), " – ", &f.format(b)].concat()),
            None => [&start.to_rfc3339(), " – ", &end.to_rfc3339()].concat(),
        }
    }

    /// "Sun 6:00 AM EST".
    pub fn time(&self, at: Timestamp) -> String {
        match &self.time {
            Some(f) => f.format(at.seconds() as f64 * 1000.0),
            None => at.to_rfc3339(),
        }
    }

    /// A response target as words: "1 hour", "8 hours", "30 minutes", in the learner's language.
    pub fn duration(&self, minutes: u32) -> String {
        let (value, unit) = if minutes % 60 == 0 {
            (minutes / 60, "hour")
        } else {
            (minutes, "minute")
        };
        let opts = options(&[("style", "unit"), ("unit", unit), ("unitDisplay", "long")]);
        NumberFormat::new(&self.locale, &opts)
            .or_else(|_| NumberFormat::new("en", &opts))
            .map(|f| f.format(f64::from(value)))
            .unwrap_or_else(|_| [&decimal(i64::from(value)), " ", unit].concat())
    }

    /// "in 3 days", "tomorrow", "in 5 hours".
    pub fn relative(&self, value: i64, unit: RelativeUnit) -> String {
        let unit = match unit {
            RelativeUnit::Day => "day",
            RelativeUnit::Hour => "hour",
            RelativeUnit::Minute => "minute",
        };
        match &self.relative {
            Some(f) => f.format(value as f64, unit),
            None => [&decimal(value), " ", unit].concat(),
        }
    }
}
