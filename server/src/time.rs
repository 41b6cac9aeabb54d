//! Calendar days and server times in UTC, as plain arithmetic (no clock), for
//! every layer: days, half-open windows of them, RFC 3339 text of Unix ms.

use std::fmt;

/// A calendar day: days since 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Day(pub i64);

pub const MS_PER_DAY: i64 = 86_400_000;

impl Day {
    /// Parses `YYYY-MM-DD`, refusing anything else (including impossible dates).
    pub fn parse(text: &str) -> Option<Day> {
        let bytes = text.as_bytes();
        let digits = |range: std::ops::Range<usize>| -> Option<i64> {
            let part = text.get(range)?;
            part.bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| part.parse().ok())?
        };
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return None;
        }
        let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
        if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
            return None;
        }
        let parsed = Day(days_from_civil(year, month, day));
        (parsed.civil() == (year, month, day)).then_some(parsed)
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
        civil_from_days(self.0)
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.civil();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// RFC 3339 in UTC with milliseconds, as JS `toISOString()` writes it.
pub fn rfc3339_millis(ms: i64) -> String {
    let day = Day::of_millis(ms);
    let in_day = ms - day.start_millis();
    let (h, rest) = (in_day / 3_600_000, in_day % 3_600_000);
    let (m, rest) = (rest / 60_000, rest % 60_000);
    let (s, milli) = (rest / 1000, rest % 1000);
    format!("{day}T{h:02}:{m:02}:{s:02}.{milli:03}Z")
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
