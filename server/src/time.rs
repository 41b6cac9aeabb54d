//! Calendar days and server times in UTC (no clock), for every layer: days,
//! half-open windows of them, RFC 3339 text of Unix ms. The calendar is the
//! `time` crate's; this module only fixes the forms Floorwalk reads and writes.

use std::fmt;

use time::{
    Date, Month, OffsetDateTime, format_description::StaticFormatDescription,
    macros::format_description,
};

/// A calendar day: days since 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Day(pub i64);

pub const MS_PER_DAY: i64 = 86_400_000;

/// The Julian day number of 1970-01-01.
const UNIX_EPOCH_JULIAN_DAY: i64 = 2_440_588;

/// `YYYY-MM-DD`, exactly: four-digit year, no sign.
const DATE: StaticFormatDescription = format_description!("[year]-[month]-[day]");

/// As JS `toISOString()` writes: always milliseconds, always `Z`.
const UTC_MILLIS: StaticFormatDescription =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");

impl Day {
    /// Parses `YYYY-MM-DD`, refusing anything else (including impossible dates).
    pub fn parse(text: &str) -> Option<Day> {
        let well_formed = text.len() == 10 && text.as_bytes()[0].is_ascii_digit();
        well_formed
            .then(|| Date::parse(text, DATE).ok())
            .flatten()
            .map(Day::of_date)
    }

    /// The day of a Unix time in milliseconds.
    pub fn of_millis(ms: i64) -> Day {
        Day(ms.div_euclid(MS_PER_DAY))
    }

    pub fn plus(self, days: i64) -> Day {
        Day(self.0 + days)
    }

    /// Unix milliseconds at the start of the day.
    pub fn start_millis(self) -> i64 {
        self.0 * MS_PER_DAY
    }

    /// (year, month, day)
    pub fn civil(self) -> (i64, i64, i64) {
        let (year, month, day) = self.date().to_calendar_date();
        (i64::from(year), i64::from(u8::from(month)), i64::from(day))
    }

    /// The day `year-month-day`, if there is one.
    pub fn from_civil(year: i64, month: i64, day: i64) -> Option<Day> {
        let month = Month::try_from(u8::try_from(month).ok()?).ok()?;
        let date =
            Date::from_calendar_date(i32::try_from(year).ok()?, month, u8::try_from(day).ok()?);
        date.ok().map(Day::of_date)
    }

    fn of_date(date: Date) -> Day {
        Day(i64::from(date.to_julian_day()) - UNIX_EPOCH_JULIAN_DAY)
    }

    /// The day as a date; days beyond the years 9999 either way saturate (no
    /// document or report reaches them).
    fn date(self) -> Date {
        let julian = (self.0 + UNIX_EPOCH_JULIAN_DAY).clamp(
            i64::from(Date::MIN.to_julian_day()),
            i64::from(Date::MAX.to_julian_day()),
        );
        Date::from_julian_day(julian as i32).unwrap_or(Date::MIN)
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.civil();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

/// RFC 3339 in UTC with milliseconds, as JS `toISOString()` writes it.
pub fn rfc3339_millis(ms: i64) -> String {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|at| at.format(UTC_MILLIS).ok())
        .unwrap_or_else(|| format!("{}T00:00:00.000Z", Day::of_millis(ms)))
}

/// Unix milliseconds of an RFC 3339 time with any offset (the form checked
/// first by the shared schema's `timestamp::is_rfc3339`).
pub fn parse_rfc3339_millis(text: &str) -> Option<i64> {
    let at = OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()?;
    i64::try_from(at.unix_timestamp_nanos().div_euclid(1_000_000)).ok()
}

/// Days in `month` (1–12) of `year`.
pub fn days_in_month(year: i64, month: i64) -> Option<i64> {
    let month = Month::try_from(u8::try_from(month).ok()?).ok()?;
    Some(i64::from(time::util::days_in_month(
        month,
        i32::try_from(year).ok()?,
    )))
}

/// Half-open bounds of a period, as text for document timestamps and as Unix ms for
/// server times.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    pub start: String,
    pub end: String,
    pub start_ms: i64,
    pub end_ms: i64,
}

impl Window {
    /// The whole days from `start` to the day before `end`.
    pub fn of_days(start: Day, end: Day) -> Window {
        Window {
            start: start.to_string(),
            end: end.to_string(),
            start_ms: start.start_millis(),
            end_ms: end.start_millis(),
        }
    }

    /// The first day and the day after the last (reporting windows are whole days).
    pub fn days(&self) -> (Day, Day) {
        (Day::of_millis(self.start_ms), Day::of_millis(self.end_ms))
    }

    /// The days before `day`, and the days from it on; `None` for a part with no day.
    pub fn split_at(&self, day: Day) -> (Option<Window>, Option<Window>) {
        let (start, end) = self.days();
        let cut = day.clamp(start, end);
        let part = |from: Day, to: Day| (from < to).then(|| Window::of_days(from, to));
        (part(start, cut), part(cut, end))
    }

    /// The earlier of the window's end and `now`: where a point-in-time figure (open,
    /// overdue) is read for this period.
    pub fn as_of(&self, now: &str) -> String {
        if now < self.end.as_str() {
            now.to_owned()
        } else {
            self.end.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Day {
        Day::parse(text).unwrap_or_else(|| panic!("{text} parses"))
    }

    #[test]
    fn a_window_splits_into_the_days_before_and_from_a_day() {
        let november = Window::of_days(day("2026-11-01"), day("2026-12-01"));
        let (before, after) = november.split_at(day("2026-11-20"));
        assert_eq!(
            before.map(|w| (w.start, w.end)),
            Some(("2026-11-01".into(), "2026-11-20".into()))
        );
        assert_eq!(
            after.map(|w| (w.start, w.end)),
            Some(("2026-11-20".into(), "2026-12-01".into()))
        );
        assert_eq!(november.split_at(day("2027-01-05")).1, None);
        assert_eq!(november.split_at(day("2026-10-05")).0, None);
        assert_eq!(
            november.split_at(day("2026-10-05")).1,
            Some(november.clone())
        );
    }

    #[test]
    fn days_round_trip_across_leap_years_and_eras() {
        assert_eq!(day("1970-01-01"), Day(0));
        assert_eq!(day("2000-03-01").0 - day("2000-02-28").0, 2);
        assert_eq!(day("1900-03-01").0 - day("1900-02-28").0, 1);
        for n in [-719_162, -1, 0, 59, 10_957, 20_417, 2_932_896] {
            assert_eq!(day(&Day(n).to_string()), Day(n), "day {n}");
        }
    }

    #[test]
    fn parse_refuses_anything_but_a_real_date() {
        for bad in [
            "",
            "2026-1-05",
            "2026-13-01",
            "2026-02-29",
            "2026-04-31",
            "2026-00-10",
            "26-11-25",
            "2026/11/25",
            "2026-11-25T00:00:00Z",
            "+026-11-25",
            "2026-11-2x",
        ] {
            assert_eq!(Day::parse(bad), None, "{bad:?}");
        }
        assert_eq!(day("2024-02-29").to_string(), "2024-02-29");
    }

    #[test]
    fn rfc3339_of_millis() {
        assert_eq!(rfc3339_millis(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            rfc3339_millis(1_795_000_397_120),
            "2026-11-18T11:13:17.120Z"
        );
        assert_eq!(rfc3339_millis(-1), "1969-12-31T23:59:59.999Z");
    }
}
