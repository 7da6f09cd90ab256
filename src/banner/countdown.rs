//! How the banner's countdown ticks, with and without `prefers-reduced-motion`.
//!
//! Normally the countdown ("Starts in 12:34") updates every second. When the learner asks the
//! system for reduced motion, a number changing every second is exactly the kind of motion to
//! avoid, so the countdown updates once a minute and shows whole minutes. The remaining time is
//! rounded **up** to the minute, so it never shows less time than is left ("Starts in 13:00"
//! from 13:00 down to 12:01 left), and is written in the usual `m:ss` / `h:mm:ss` shape with
//! zero seconds (`13:00`, `1:05:00`). Keeping the shape means the existing translated
//! "Starts in {countdown}" message fits unchanged in every locale, with no new words.
//! Screen readers never hear the countdown either way (it is `aria-hidden`; the time range
//! beside it carries the information).

use crate::base::i18n::format_countdown;

/// Milliseconds between countdown updates: 1 s normally, 60 s under reduced motion.
pub fn countdown_period_ms(reduced_motion: bool) -> f64 {
    if reduced_motion {
        60_000.0
    } else {
        1_000.0
    }
}

/// The countdown under reduced motion: `seconds` left, rounded up to whole minutes, as
/// `m:00` under an hour and `h:mm:00` from an hour on (`0:00` once the start has passed).
pub fn format_countdown_minutes(seconds: i64) -> String {
    let seconds = seconds.max(0);
    let minutes = seconds / 60 + i64::from(seconds % 60 != 0);
    format_countdown(minutes * 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_every_second_or_once_a_minute_under_reduced_motion() {
        assert_eq!(countdown_period_ms(false), 1_000.0);
        assert_eq!(countdown_period_ms(true), 60_000.0);
    }

    #[test]
    fn rounds_up_to_whole_minutes_with_zero_seconds() {
        assert_eq!(format_countdown_minutes(-5), "0:00");
        assert_eq!(format_countdown_minutes(0), "0:00");
        assert_eq!(format_countdown_minutes(1), "1:00");
        assert_eq!(format_countdown_minutes(59), "1:00");
        assert_eq!(format_countdown_minutes(60), "1:00");
        assert_eq!(format_countdown_minutes(61), "2:00");
        assert_eq!(format_countdown_minutes(12 * 60 - 1), "12:00");
        assert_eq!(format_countdown_minutes(12 * 60 + 1), "13:00");
        assert_eq!(format_countdown_minutes(59 * 60 + 1), "1:00:00");
        assert_eq!(format_countdown_minutes(3600), "1:00:00");
        assert_eq!(format_countdown_minutes(3600 + 4 * 60 + 30), "1:05:00");
    }

    #[test]
    fn never_shows_nonzero_seconds() {
        for s in 0..3 * 3600 {
            assert!(format_countdown_minutes(s).ends_with(":00"), "{s}");
        }
    }
}
