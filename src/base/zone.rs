//! Named IANA time zones: UTC offsets at an instant, and wall-clock times back to instants.
//!
//! The core asks a [`TimeZones`] implementation for one thing only, the UTC offset of a zone at
//! an instant. Everything else (recurring windows, DST gaps and folds) is derived here, so the
//! browser (which answers from `Intl`) and native code (which answers from the IANA database
//! through `chrono-tz`) agree by construction.

use crate::base::time::{CivilDate, CivilDateTime, Timestamp};

/// The zone name is not a known IANA time zone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownZone;

/// A source of UTC offsets for IANA zones.
pub trait TimeZones {
    /// Seconds east of UTC in `zone` at instant `at`.
    ///
    /// # Errors
    /// [`UnknownZone`] when `zone` is not a zone this source knows.
    fn offset_at(&self, zone: &str, at: Timestamp) -> Result<i32, UnknownZone>;
}

/// The instant a wall-clock time in `zone` denotes.
///
/// DST follows the "compatible" rule of RFC 5545 and JavaScript Temporal: a time that falls in a
/// gap (clocks going forward) moves forward by the length of the gap; an ambiguous time (clocks
/// going back) takes the earlier of its two instants.
///
/// # Errors
/// [`UnknownZone`] when the zone is unknown.
pub fn resolve_local(
    zones: &dyn TimeZones,
    zone: &str,
    local: CivilDateTime,
) -> Result<Timestamp, UnknownZone> {
    let naive = local.as_if_utc();
    // Offsets a day either side bracket any single transition near this wall-clock time.
    let before = zones.offset_at(zone, naive.plus(-86_400))?;
    let after = zones.offset_at(zone, naive.plus(86_400))?;
    let mut earliest: Option<Timestamp> = None;
    for offset in [before, after] {
        let candidate = naive.plus(-i64::from(offset));
        if zones.offset_at(zone, candidate)? == offset {
            earliest = Some(earliest.map_or(candidate, |e| e.min(candidate)));
        }
    }
    // No candidate: the time is in a gap. Reading it with the offset in force before the gap
    // lands after the transition, shifted forward by exactly the gap.
    Ok(earliest.unwrap_or_else(|| naive.plus(-i64::from(before))))
}

/// The IANA time-zone database compiled into native builds (server, CLI, tests).
#[cfg(not(target_arch = "wasm32"))]
#[derive(Clone, Copy, Debug, Default)]
pub struct TzDatabase;

#[cfg(not(target_arch = "wasm32"))]
impl TimeZones for TzDatabase {
    fn offset_at(&self, zone: &str, at: Timestamp) -> Result<i32, UnknownZone> {
        use chrono::{Offset, TimeZone};
        let tz: chrono_tz::Tz = zone.parse().map_err(|_| UnknownZone)?;
        let utc = chrono::DateTime::from_timestamp(at.seconds(), 0).ok_or(UnknownZone)?;
        Ok(tz
            .offset_from_utc_datetime(&utc.naive_utc())
            .fix()
            .local_minus_utc())
    }
}

/// The wall-clock time in `Intl.DateTimeFormat("en-US")`'s text for numeric year, month, day,
/// hour, minute and second with `hourCycle: "h23"`: `12/11/2026, 15:40:00`, six runs of digits
/// in the order month, day, year, hour, minute, second, whatever separates them. `None` for
/// anything else. (One string from the browser, where `formatToParts` was an array of eleven
/// objects read field by field across the Wasm boundary: the schedule asks for four offsets
/// per date it tries for a recurring window, several times per draw.) An hour of 24 is
/// midnight, as some engines print it.
pub fn wall_clock_from_en_us(text: &str) -> Option<CivilDateTime> {
    let mut fields = [0u32; 6];
    let mut count = 0;
    let mut in_digits = false;
    for byte in text.bytes() {
        let digit = byte.wrapping_sub(b'0');
        if digit > 9 {
            in_digits = false;
            continue;
        }
        if !in_digits {
            count += 1;
            in_digits = true;
        }
        let field = fields.get_mut(count - 1)?;
        *field = field.checked_mul(10)?.checked_add(u32::from(digit))?;
    }
    if count != fields.len() {
        return None;
    }
    let [month, day, year, hour, minute, second] = fields;
    let small = |n: u32, below: u32| u8::try_from(n).ok().filter(|_| n < below);
    Some(CivilDateTime {
        date: CivilDate::new(
            i32::try_from(year).ok()?,
            u8::try_from(month).ok()?,
            u8::try_from(day).ok()?,
        )?,
        hour: small(hour, 25)? % 24,
        minute: small(minute, 60)?,
        second: small(second, 61)?.min(59),
    })
}

/// Formats an offset as `UTC+01:00` / `UTC−05:00` (with a true minus sign).
pub fn offset_label(offset_seconds: i32) -> String {
    let sign = if offset_seconds < 0 { '\u{2212}' } else { '+' };
    let abs = offset_seconds.unsigned_abs();
    format!("UTC{sign}{:02}:{:02}", abs / 3600, abs % 3600 / 60)
}

// Native only: these use the IANA database, which the Wasm build does not have.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn at(y: i32, mo: u8, d: u8, h: u8, mi: u8) -> CivilDateTime {
        CivilDateTime {
            date: CivilDate::new(y, mo, d).expect("valid test input"),
            hour: h,
            minute: mi,
            second: 0,
        }
    }

    fn utc(s: &str) -> Timestamp {
        Timestamp::parse_rfc3339(s).expect("valid test input")
    }

    #[test]
    fn new_york_gap_moves_forward_and_fold_takes_earlier() {
        let z = TzDatabase;
        // 2026-03-08 02:30 does not exist in New York: it becomes 03:30 EDT.
        let gap =
            resolve_local(&z, "America/New_York", at(2026, 3, 8, 2, 30)).expect("valid test input");
        assert_eq!(gap, utc("2026-03-08T07:30:00Z"));
        // 2026-11-01 01:30 happens twice: EDT first.
        let fold = resolve_local(&z, "America/New_York", at(2026, 11, 1, 1, 30))
            .expect("valid test input");
        assert_eq!(fold, utc("2026-11-01T05:30:00Z"));
    }

    #[test]
    fn madrid_and_sydney_transitions() {
        let z = TzDatabase;
        // Madrid springs forward 2026-03-29 02:00 → 03:00.
        let gap =
            resolve_local(&z, "Europe/Madrid", at(2026, 3, 29, 2, 15)).expect("valid test input");
        assert_eq!(gap, utc("2026-03-29T01:15:00Z"));
        // Madrid falls back 2026-10-25 03:00 → 02:00; 02:15 is ambiguous, CEST first.
        let fold =
            resolve_local(&z, "Europe/Madrid", at(2026, 10, 25, 2, 15)).expect("valid test input");
        assert_eq!(fold, utc("2026-10-25T00:15:00Z"));
        // Sydney falls back 2026-04-05 03:00 → 02:00 (AEDT → AEST).
        let fold =
            resolve_local(&z, "Australia/Sydney", at(2026, 4, 5, 2, 30)).expect("valid test input");
        assert_eq!(fold, utc("2026-04-04T15:30:00Z"));
        // Sydney springs forward 2026-10-04 02:00 → 03:00.
        let gap = resolve_local(&z, "Australia/Sydney", at(2026, 10, 4, 2, 30))
            .expect("valid test input");
        assert_eq!(gap, utc("2026-10-03T16:30:00Z"));
    }

    #[test]
    fn unknown_zone_is_an_error() {
        assert_eq!(
            resolve_local(&TzDatabase, "America/NewYork", at(2026, 1, 1, 0, 0)),
            Err(UnknownZone)
        );
    }

    #[test]
    fn offset_labels_use_a_true_minus() {
        assert_eq!(offset_label(-5 * 3600), "UTC\u{2212}05:00");
        assert_eq!(offset_label(5 * 3600 + 1800), "UTC+05:30");
    }
}

#[cfg(test)]
mod wall_clock_tests {
    use super::*;

    fn wall(y: i32, mo: u8, d: u8, h: u8, mi: u8, se: u8) -> Option<CivilDateTime> {
        Some(CivilDateTime {
            date: CivilDate::new(y, mo, d)?,
            hour: h,
            minute: mi,
            second: se,
        })
    }

    #[test]
    fn reads_what_intl_prints_for_en_us() {
        // As printed by Chromium, Firefox and Node for en-US, numeric fields, hourCycle h23.
        assert_eq!(
            wall_clock_from_en_us("12/11/2026, 15:40:09"),
            wall(2026, 12, 11, 15, 40, 9)
        );
        assert_eq!(
            wall_clock_from_en_us("3/29/2026, 03:30:00"),
            wall(2026, 3, 29, 3, 30, 0)
        );
        // Whatever separates the numbers (a narrow no-break space, no comma).
        assert_eq!(
            wall_clock_from_en_us("1/2/2027\u{202f}7:05:59"),
            wall(2027, 1, 2, 7, 5, 59)
        );
        // Midnight printed as 24 by some engines with a 24-hour clock.
        assert_eq!(
            wall_clock_from_en_us("1/1/2027, 24:00:00"),
            wall(2027, 1, 1, 0, 0, 0)
        );
    }

    #[test]
    fn anything_else_is_refused() {
        for text in [
            "",
            "12/11/2026, 15:40",
            "12/11/2026, 15:40:00:00",
            "13/11/2026, 15:40:00",
            "2/30/2026, 15:40:00",
            "12/11/2026, 25:00:00",
            "12/11/2026, 15:60:00",
            "12/11/99999999999, 15:40:00",
            "December 11, 2026 at 3:40:00 PM",
        ] {
            assert_eq!(wall_clock_from_en_us(text), None, "{text:?}");
        }
    }
}
