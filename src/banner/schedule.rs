//! Occurrences of maintenance windows: which instants a window covers around `now`.
//!
//! A one-off window has one occurrence. A recurring one has an occurrence on every matching
//! local date in its zone, starting at its wall-clock `start` resolved with the DST rule of
//! [`crate::base::zone::resolve_local`] and lasting `duration_minutes` of elapsed time. This module
//! does not decide phases; that is [`crate::banner`].

use crate::base::feed::{Cadence, Recurrence, Schedule};
use crate::base::time::{days_in_month, CivilDate, CivilDateTime, Timestamp};
use crate::base::zone::{resolve_local, TimeZones, UnknownZone};

/// One occurrence of a window: start inclusive, end exclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Occurrence {
    /// First instant of the downtime.
    pub starts_at: Timestamp,
    /// First instant after the downtime.
    pub ends_at: Timestamp,
}

/// The occurrences that matter at `now`: the latest one that has started and the first one
/// that has not.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Around {
    /// Latest occurrence with `starts_at <= now`.
    pub previous: Option<Occurrence>,
    /// First occurrence with `starts_at > now`.
    pub next: Option<Occurrence>,
}

/// Monthly cadences recur at least every 31 days, so two months of dates always hold one.
const SEARCH_DAYS: i64 = 70;

/// The occurrences of `schedule` around `now`.
///
/// # Errors
/// [`UnknownZone`] when a recurring window's zone is unknown to `zones`.
pub fn around(
    schedule: &Schedule,
    now: Timestamp,
    zones: &dyn TimeZones,
) -> Result<Around, UnknownZone> {
    match schedule {
        Schedule::Once { starts_at, ends_at } => {
            let occurrence = Occurrence {
                starts_at: *starts_at,
                ends_at: *ends_at,
            };
            Ok(if *starts_at <= now {
                Around {
                    previous: Some(occurrence),
                    next: None,
                }
            } else {
                Around {
                    previous: None,
                    next: Some(occurrence),
                }
            })
        }
        Schedule::Recurring(rec) => {
            let today = now.to_civil(zones.offset_at(&rec.time_zone, now)?).date;
            let mut result = Around::default();
            // Local dates around today; a wall-clock start near midnight with a DST shift can
            // land on either side of `now`, so both searches include today and its neighbours.
            for delta in (-SEARCH_DAYS..=1).rev() {
                let date = today.add_days(delta);
                if matches(rec.every, date) {
                    let occurrence = occurrence_on(rec, date, zones)?;
                    if occurrence.starts_at <= now {
                        result.previous = Some(occurrence);
                        break;
                    }
                }
            }
            for delta in -1..=SEARCH_DAYS {
                let date = today.add_days(delta);
                if matches(rec.every, date) {
                    let occurrence = occurrence_on(rec, date, zones)?;
                    if occurrence.starts_at > now {
                        result.next = Some(occurrence);
                        break;
                    }
                }
            }
            Ok(result)
        }
    }
}

/// The occurrence of a recurring window on a local date.
fn occurrence_on(
    rec: &Recurrence,
    date: CivilDate,
    zones: &dyn TimeZones,
) -> Result<Occurrence, UnknownZone> {
    let local = CivilDateTime {
        date,
        hour: rec.start.0,
        minute: rec.start.1,
        second: 0,
    };
    let starts_at = resolve_local(zones, &rec.time_zone, local)?;
    Ok(Occurrence {
        starts_at,
        ends_at: starts_at.plus(i64::from(rec.duration_minutes) * 60),
    })
}

/// True when a recurring window happens on this local date.
pub fn matches(every: Cadence, date: CivilDate) -> bool {
    match every {
        Cadence::Day => true,
        Cadence::Week(weekday) => date.weekday() == weekday,
        Cadence::MonthDay(day) => date.day == day,
        Cadence::MonthNth(nth, weekday) => {
            date.weekday() == weekday
                && if nth > 0 {
                    (date.day - 1) / 7 + 1 == nth as u8
                } else {
                    date.day + 7 > days_in_month(date.year, date.month)
                }
        }
    }
}

// Native only: these use the IANA database, which the Wasm build does not have.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::base::time::Weekday;
    use crate::base::zone::TzDatabase;

    fn utc(s: &str) -> Timestamp {
        Timestamp::parse_rfc3339(s).expect("valid test input")
    }

    fn weekly_sunday_1am_new_york() -> Schedule {
        Schedule::Recurring(Recurrence {
            every: Cadence::Week(Weekday::Sun),
            start: (1, 0),
            duration_minutes: 240,
            time_zone: "America/New_York".into(),
        })
    }

    #[test]
    fn weekly_window_keeps_wall_clock_across_fall_back() {
        // New York falls back on Sunday 2026-11-01 at 02:00; 01:00 that day is ambiguous and
        // takes the earlier (EDT) instant; four elapsed hours end at 04:00 EST.
        let a = around(
            &weekly_sunday_1am_new_york(),
            utc("2026-10-30T12:00:00Z"),
            &TzDatabase,
        )
        .expect("valid test input");
        let next = a.next.expect("valid test input");
        assert_eq!(next.starts_at, utc("2026-11-01T05:00:00Z"));
        assert_eq!(next.ends_at, utc("2026-11-01T09:00:00Z"));
        assert_eq!(
            a.previous.expect("valid test input").starts_at,
            utc("2026-10-25T05:00:00Z")
        );
        // The week after, 01:00 EST is 06:00 UTC.
        let later = around(
            &weekly_sunday_1am_new_york(),
            utc("2026-11-02T00:00:00Z"),
            &TzDatabase,
        )
        .expect("valid test input");
        assert_eq!(
            later.next.expect("valid test input").starts_at,
            utc("2026-11-08T06:00:00Z")
        );
    }

    #[test]
    fn start_is_inclusive_in_the_search() {
        let start = utc("2026-11-08T06:00:00Z");
        let a =
            around(&weekly_sunday_1am_new_york(), start, &TzDatabase).expect("valid test input");
        assert_eq!(a.previous.expect("valid test input").starts_at, start);
        assert_eq!(
            a.next.expect("valid test input").starts_at,
            utc("2026-11-15T06:00:00Z")
        );
    }

    #[test]
    fn monthly_cadences_pick_the_right_dates() {
        let d = |y, m, day| CivilDate::new(y, m, day).expect("valid test input");
        // First Tuesday of December 2026 is the 1st; last Sunday of March 2026 is the 29th.
        assert!(matches(Cadence::MonthNth(1, Weekday::Tue), d(2026, 12, 1)));
        assert!(!matches(Cadence::MonthNth(1, Weekday::Tue), d(2026, 12, 8)));
        assert!(matches(Cadence::MonthNth(2, Weekday::Tue), d(2026, 12, 8)));
        assert!(matches(Cadence::MonthNth(-1, Weekday::Sun), d(2026, 3, 29)));
        assert!(!matches(
            Cadence::MonthNth(-1, Weekday::Sun),
            d(2026, 3, 22)
        ));
        assert!(matches(Cadence::MonthDay(15), d(2026, 2, 15)));
    }

    #[test]
    fn daily_window_in_a_gap_starts_after_the_gap() {
        // Madrid, daily at 02:30: on 2026-03-29 02:30 does not exist and becomes 03:30 CEST.
        let daily = Schedule::Recurring(Recurrence {
            every: Cadence::Day,
            start: (2, 30),
            duration_minutes: 30,
            time_zone: "Europe/Madrid".into(),
        });
        let a = around(&daily, utc("2026-03-28T23:00:00Z"), &TzDatabase).expect("valid test input");
        assert_eq!(
            a.next.expect("valid test input").starts_at,
            utc("2026-03-29T01:30:00Z")
        );
        assert_eq!(
            a.previous.expect("valid test input").starts_at,
            utc("2026-03-28T01:30:00Z")
        );
    }
}
