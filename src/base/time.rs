//! Instants and civil (wall-clock) dates without a time-zone database.
//!
//! An [`Timestamp`] is a count of seconds since the Unix epoch, UTC. Civil dates use the
//! proleptic Gregorian calendar. Converting between the two in a named zone is the job of
//! [`crate::base::zone`]; this module does not know about zones, only about fixed offsets.

use crate::base::decimal::push_padded;
use std::fmt;

/// Seconds since 1970-01-01T00:00:00Z. Sub-second precision is not needed for banners.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// Seconds since the Unix epoch.
    pub fn seconds(self) -> i64 {
        self.0
    }

    /// This instant moved by `seconds` (negative moves back).
    pub fn plus(self, seconds: i64) -> Timestamp {
        Timestamp(self.0.saturating_add(seconds))
    }

    /// Parses an RFC 3339 instant such as `2026-12-06T05:00:00Z` or `2026-12-06T06:00:00+01:00`.
    ///
    /// Fractional seconds are accepted and truncated.
    ///
    /// # Errors
    /// Returns a message quoting the text, e.g. `"2026-12-06" is not an RFC 3339 time like
    /// "2026-12-06T05:00:00Z"`.
    pub fn parse_rfc3339(text: &str) -> Result<Timestamp, String> {
        parse_rfc3339(text).ok_or_else(|| {
            [
                "\"",
                text,
                "\" is not an RFC 3339 time like \"2026-12-06T05:00:00Z\"",
            ]
            .concat()
        })
    }

    /// The civil date and time of this instant at a fixed UTC offset (seconds east of UTC).
    pub fn to_civil(self, offset_seconds: i32) -> CivilDateTime {
        let local = self.0 + i64::from(offset_seconds);
        let days = local.div_euclid(86_400);
        let secs = local.rem_euclid(86_400);
        CivilDateTime {
            date: CivilDate::from_days(days),
            hour: (secs / 3600) as u8,
            minute: (secs % 3600 / 60) as u8,
            second: (secs % 60) as u8,
        }
    }
}

impl Timestamp {
    /// RFC 3339 in UTC with a `Z` suffix: `2026-12-06T05:00:00Z`, as
    /// [`Display`](fmt::Display) writes it, built without `core::fmt` (which the banner stage
    /// does without).
    pub fn to_rfc3339(self) -> String {
        let c = self.to_civil(0);
        let mut out = String::with_capacity(20);
        push_padded(&mut out, i64::from(c.date.year), 4);
        for (separator, n) in [
            ('-', c.date.month),
            ('-', c.date.day),
            ('T', c.hour),
            (':', c.minute),
            (':', c.second),
        ] {
            out.push(separator);
            push_padded(&mut out, i64::from(n), 2);
        }
        out.push('Z');
        out
    }
}

impl fmt::Display for Timestamp {
    /// RFC 3339 in UTC with a `Z` suffix: `2026-12-06T05:00:00Z`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

/// Day of the week.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Weekday {
    /// Monday
    Mon,
    /// Tuesday
    Tue,
    /// Wednesday
    Wed,
    /// Thursday
    Thu,
    /// Friday
    Fri,
    /// Saturday
    Sat,
    /// Sunday
    Sun,
}

impl Weekday {
    const ALL: [Weekday; 7] = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ];

    /// Parses the three-letter English abbreviation used in feeds (`mon` … `sun`).
    pub fn parse(text: &str) -> Option<Weekday> {
        let names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
        names
            .iter()
            .position(|n| *n == text)
            .map(|i| Weekday::ALL[i])
    }

    /// 0 for Monday … 6 for Sunday.
    pub fn index_from_monday(self) -> u8 {
        self as u8
    }
}

/// A date on the proleptic Gregorian calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct CivilDate {
    /// Year, e.g. 2026.
    pub year: i32,
    /// Month, 1–12.
    pub month: u8,
    /// Day of the month, 1–31.
    pub day: u8,
}

impl CivilDate {
    /// Builds a date, checking that it exists.
    pub fn new(year: i32, month: u8, day: u8) -> Option<CivilDate> {
        ((1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month))
            .then_some(CivilDate { year, month, day })
    }

    /// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
    pub fn to_days(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` after 1970-01-01 (Howard Hinnant's `civil_from_days`).
    pub fn from_days(days: i64) -> CivilDate {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        CivilDate { year, month, day }
    }

    /// The date `n` days later (earlier when negative).
    pub fn add_days(self, n: i64) -> CivilDate {
        CivilDate::from_days(self.to_days() + n)
    }

    /// The day of the week.
    pub fn weekday(self) -> Weekday {
        // 1970-01-01 was a Thursday (index 3 from Monday).
        Weekday::ALL[(self.to_days() + 3).rem_euclid(7) as usize]
    }
}

/// A wall-clock date and time, without a zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct CivilDateTime {
    /// The date.
    pub date: CivilDate,
    /// Hour, 0–23.
    pub hour: u8,
    /// Minute, 0–59.
    pub minute: u8,
    /// Second, 0–59.
    pub second: u8,
}

impl CivilDateTime {
    /// The instant this wall-clock time would be if it were UTC.
    pub fn as_if_utc(self) -> Timestamp {
        Timestamp(
            self.date.to_days() * 86_400
                + i64::from(self.hour) * 3600
                + i64::from(self.minute) * 60
                + i64::from(self.second),
        )
    }
}

/// Number of days in a month of a year.
pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// Parses `HH:MM` (24-hour clock) into hour and minute.
pub fn parse_clock(text: &str) -> Option<(u8, u8)> {
    let b = text.as_bytes();
    if b.len() != 5 || b[2] != b':' {
        return None;
    }
    let hour = two_digits(&b[0..2])?;
    let minute = two_digits(&b[3..5])?;
    (hour < 24 && minute < 60).then_some((hour, minute))
}

fn two_digits(b: &[u8]) -> Option<u8> {
    match b {
        [a @ b'0'..=b'9', c @ b'0'..=b'9'] => Some((a - b'0') * 10 + (c - b'0')),
        _ => None,
    }
}

fn digits(b: &[u8]) -> Option<u32> {
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
}

fn parse_rfc3339(text: &str) -> Option<Timestamp> {
    let b = text.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let year = digits(&b[0..4])? as i32;
    let date = CivilDate::new(year, two_digits(&b[5..7])?, two_digits(&b[8..10])?)?;
    let (hour, minute, second) = (
        two_digits(&b[11..13])?,
        two_digits(&b[14..16])?,
        two_digits(&b[17..19])?,
    );
    // A leap second (60) is read as the last second of the minute.
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut rest = &b[19..];
    if rest.first() == Some(&b'.') {
        let n = rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        rest = &rest[1 + n..];
    }
    let offset = match rest {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let h = i64::from(two_digits(&[*h1, *h2])?);
            let m = i64::from(two_digits(&[*m1, *m2])?);
            if h > 23 || m > 59 {
                return None;
            }
            let off = h * 3600 + m * 60;
            if *sign == b'-' {
                -off
            } else {
                off
            }
        }
        _ => return None,
    };
    let civil = CivilDateTime {
        date,
        hour,
        minute,
        second: second.min(59),
    };
    Some(civil.as_if_utc().plus(-offset))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_round_trips_utc_and_applies_offsets() {
        let t = Timestamp::parse_rfc3339("2026-12-06T05:00:00Z").expect("valid test input");
        assert_eq!(t.to_string(), "2026-12-06T05:00:00Z");
        let shifted =
            Timestamp::parse_rfc3339("2026-12-06T06:30:00+01:30").expect("valid test input");
        assert_eq!(shifted, t);
        let frac =
            Timestamp::parse_rfc3339("2026-12-06T05:00:00.250-00:00").expect("valid test input");
        assert_eq!(frac, t);
    }

    #[test]
    fn rfc3339_rejects_what_is_not_an_instant() {
        for bad in [
            "2026-12-06",
            "2026-12-06T05:00:00",
            "2026-02-30T05:00:00Z",
            "2026-12-06T24:00:00Z",
            "2026-12-06T05:00:00+5",
            "tomorrow",
        ] {
            assert!(Timestamp::parse_rfc3339(bad).is_err(), "{bad} accepted");
        }
        assert_eq!(
            Timestamp::parse_rfc3339("2026-12-06").unwrap_err(),
            "\"2026-12-06\" is not an RFC 3339 time like \"2026-12-06T05:00:00Z\""
        );
    }

    #[test]
    fn civil_days_agree_with_known_dates() {
        assert_eq!(
            CivilDate::new(1970, 1, 1)
                .expect("valid test input")
                .to_days(),
            0
        );
        assert_eq!(
            CivilDate::new(2000, 3, 1)
                .expect("valid test input")
                .to_days(),
            11_017
        );
        for days in [-800_000, -1, 0, 59, 60, 11_016, 20_000, 2_000_000] {
            assert_eq!(CivilDate::from_days(days).to_days(), days);
        }
        // 2026-11-22 is a Sunday.
        assert_eq!(
            CivilDate::new(2026, 11, 22)
                .expect("valid test input")
                .weekday(),
            Weekday::Sun
        );
        assert!(CivilDate::new(2028, 2, 29).is_some());
        assert!(CivilDate::new(2100, 2, 29).is_none());
    }

    #[test]
    fn clock_times_parse_strictly() {
        assert_eq!(parse_clock("01:00"), Some((1, 0)));
        assert_eq!(parse_clock("23:59"), Some((23, 59)));
        assert_eq!(parse_clock("24:00"), None);
        assert_eq!(parse_clock("1:00"), None);
    }
}
