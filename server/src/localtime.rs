//! Dates and times as a learner reads them, for `preview`'s `local_range`.
//!
//! The widget formats with the browser's `Intl`; the CLI has no `Intl`, so dates are written
//! out by the widget's catalogue ([`lms_support_widget::i18n::long_date`]) in all six of its
//! languages. It formats fixed instants at the offsets it is given and does not look
//! up zones itself beyond [`local_range`] and [`local_since`] asking a `TimeZones` for them.
//!
//! Times use the 24-hour clock and the offset is always shown (`UTC−05:00`), so a vendor reading
//! `preview` output never has to guess which zone a time is in.

use lms_support_widget::i18n::{long_date, since_word, Lang};
use lms_support_widget::time::{CivilDateTime, Timestamp};
use lms_support_widget::zone::{offset_label, TimeZones, UnknownZone};

/// An instant as read in a zone: its wall-clock time and the offset in force.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Local {
    /// Wall-clock date and time.
    pub civil: CivilDateTime,
    /// Seconds east of UTC at that instant.
    pub offset: i32,
}

impl Local {
    /// `at` read in `zone`.
    ///
    /// # Errors
    /// [`UnknownZone`] when `zones` does not know `zone`.
    pub fn at(at: Timestamp, zone: &str, zones: &dyn TimeZones) -> Result<Local, UnknownZone> {
        let offset = zones.offset_at(zone, at)?;
        Ok(Local {
            civil: at.to_civil(offset),
            offset,
        })
    }
}

/// The range `[start, end)` as read in `zone`, e.g.
/// `Sunday, December 6, 2026, 00:00–06:00 (UTC−05:00)`.
///
/// Both dates are written when the range crosses local midnight, both offsets when it crosses
/// a DST change.
///
/// # Errors
/// [`UnknownZone`] when `zones` does not know `zone`.
pub fn local_range(
    start: Timestamp,
    end: Timestamp,
    zone: &str,
    zones: &dyn TimeZones,
    lang: Lang,
) -> Result<String, UnknownZone> {
    Ok(format_range(
        Local::at(start, zone, zones)?,
        Local::at(end, zone, zones)?,
        lang,
    ))
}

/// `since …` (`desde …` in Spanish, and so on in each language) for a notice that started at `since`, read in `zone`.
///
/// # Errors
/// [`UnknownZone`] when `zones` does not know `zone`.
pub fn local_since(
    since: Timestamp,
    zone: &str,
    zones: &dyn TimeZones,
    lang: Lang,
) -> Result<String, UnknownZone> {
    Ok(format_since(Local::at(since, zone, zones)?, lang))
}

/// Formats a range of two local instants; see [`local_range`].
pub fn format_range(start: Local, end: Local, lang: Lang) -> String {
    let same_date = start.civil.date == end.civil.date;
    let same_offset = start.offset == end.offset;
    let (d1, t1, o1) = (date(start, lang), time(start), offset_label(start.offset));
    let (d2, t2, o2) = (date(end, lang), time(end), offset_label(end.offset));
    match (same_date, same_offset) {
        (true, true) => format!("{d1}, {t1}\u{2013}{t2} ({o1})"),
        (true, false) => format!("{d1}, {t1} ({o1}) \u{2013} {t2} ({o2})"),
        (false, true) => format!("{d1}, {t1} \u{2013} {d2}, {t2} ({o1})"),
        (false, false) => format!("{d1}, {t1} ({o1}) \u{2013} {d2}, {t2} ({o2})"),
    }
}

/// Formats the start of a notice; see [`local_since`].
pub fn format_since(since: Local, lang: Lang) -> String {
    format!(
        "{} {}, {} ({})",
        since_word(lang),
        date(since, lang),
        time(since),
        offset_label(since.offset)
    )
}

/// `Sunday, December 6, 2026` / `domingo, 6 de diciembre de 2026` / …
fn date(local: Local, lang: Lang) -> String {
    long_date(lang, local.civil.date)
}

/// `00:00`, 24-hour clock; seconds are not shown.
fn time(local: Local) -> String {
    format!("{:02}:{:02}", local.civil.hour, local.civil.minute)
}

#[cfg(test)]
mod tests {
    use super::*;
    use lms_support_widget::zone::TzDatabase;

    fn t(s: &str) -> Timestamp {
        Timestamp::parse_rfc3339(s).expect("test instant")
    }

    #[test]
    fn same_day_in_new_york() {
        let r = local_range(
            t("2026-12-06T05:00:00Z"),
            t("2026-12-06T11:00:00Z"),
            "America/New_York",
            &TzDatabase,
            Lang::En,
        );
        assert_eq!(
            r,
            Ok("Sunday, December 6, 2026, 00:00\u{2013}06:00 (UTC\u{2212}05:00)".to_string())
        );
        let r = local_range(
            t("2026-12-06T05:00:00Z"),
            t("2026-12-06T11:00:00Z"),
            "America/New_York",
            &TzDatabase,
            Lang::Es,
        );
        assert_eq!(
            r,
            Ok(
                "domingo, 6 de diciembre de 2026, 00:00\u{2013}06:00 (UTC\u{2212}05:00)"
                    .to_string()
            )
        );
    }

    #[test]
    fn every_month_and_weekday_name() {
        // 2027-01-04 is a Monday; 31 days on is three weekdays later and always the next month,
        // so twelve steps visit every month and every weekday.
        let mut seen = Vec::new();
        for i in 0..12 {
            let at = t("2027-01-04T12:00:00Z").plus(i * 31 * 86_400);
            seen.push(format_since(
                Local {
                    civil: at.to_civil(0),
                    offset: 0,
                },
                Lang::Es,
            ));
        }
        assert_eq!(
            seen[0],
            "desde lunes, 4 de enero de 2027, 12:00 (UTC+00:00)"
        );
        assert_eq!(
            seen[1],
            "desde jueves, 4 de febrero de 2027, 12:00 (UTC+00:00)"
        );
        assert_eq!(
            seen[11],
            "desde sábado, 11 de diciembre de 2027, 12:00 (UTC+00:00)"
        );
        let months = [
            "enero",
            "febrero",
            "marzo",
            "abril",
            "mayo",
            "junio",
            "julio",
            "agosto",
            "septiembre",
            "octubre",
            "noviembre",
            "diciembre",
        ];
        for (i, month) in months.iter().enumerate() {
            assert!(seen[i].contains(&format!(" de {month} de ")), "{}", seen[i]);
        }
        let weekdays = [
            "lunes",
            "martes",
            "miércoles",
            "jueves",
            "viernes",
            "sábado",
            "domingo",
        ];
        for weekday in weekdays {
            assert!(
                seen.iter()
                    .any(|s| s.starts_with(&format!("desde {weekday},"))),
                "{weekday}"
            );
        }
    }

    #[test]
    fn both_dates_and_offsets_when_they_differ() {
        // New York springs forward on 2026-03-08 at 02:00 EST (07:00Z).
        let r = local_range(
            t("2026-03-08T04:00:00Z"),
            t("2026-03-08T08:00:00Z"),
            "America/New_York",
            &TzDatabase,
            Lang::En,
        );
        assert_eq!(
            r,
            Ok("Saturday, March 7, 2026, 23:00 (UTC\u{2212}05:00) \u{2013} Sunday, March 8, 2026, 04:00 (UTC\u{2212}04:00)".to_string())
        );
        // Tokyo is UTC+09:00 all year: a range across its midnight shows both dates, one offset.
        let r = local_range(
            t("2026-12-06T14:00:00Z"),
            t("2026-12-06T16:00:00Z"),
            "Asia/Tokyo",
            &TzDatabase,
            Lang::Es,
        );
        assert_eq!(
            r,
            Ok("domingo, 6 de diciembre de 2026, 23:00 \u{2013} lunes, 7 de diciembre de 2026, 01:00 (UTC+09:00)".to_string())
        );
    }

    #[test]
    fn dates_read_in_each_of_the_widgets_languages() {
        let since =
            |lang| local_since(t("2026-12-06T05:00:00Z"), "Europe/Paris", &TzDatabase, lang);
        assert_eq!(
            since(Lang::Fr),
            Ok("depuis dimanche 6 décembre 2026, 06:00 (UTC+01:00)".to_string())
        );
        assert_eq!(
            since(Lang::De),
            Ok("seit Sonntag, 6. Dezember 2026, 06:00 (UTC+01:00)".to_string())
        );
        assert_eq!(
            since(Lang::Pt),
            Ok("desde domingo, 6 de dezembro de 2026, 06:00 (UTC+01:00)".to_string())
        );
        assert_eq!(
            since(Lang::Ar),
            Ok("منذ الأحد، 6 ديسمبر 2026, 06:00 (UTC+01:00)".to_string())
        );
    }

    #[test]
    fn unknown_zone() {
        assert_eq!(
            local_since(
                t("2026-12-06T05:00:00Z"),
                "Mars/Olympus",
                &TzDatabase,
                Lang::En
            ),
            Err(UnknownZone)
        );
    }
}
