//! Reporting periods, in UTC, as plain arithmetic (no clock, no database), so
//! previous-period windows can be tested on their own.
//!
//! Document timestamps are RFC 3339 text in UTC (`2026-11-25T09:53:17.120Z`), so a
//! period becomes two text bounds: `[start, end)` where `start` is the first day
//! (`"2026-11-01"`) and `end` the day after the last (`"2026-12-01"`). Every timestamp of
//! a day sorts at or after that day's date and before the next one's.

use crate::time::{Day, Window};

/// A reporting period: whole days, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: Day,
    pub to: Day,
}

/// The longest period a report covers, so a typo cannot ask for centuries.
pub const MAX_PERIOD_DAYS: i64 = 3 * 366;

/// Length of the period reports use when no `from` is given.
pub const DEFAULT_PERIOD_DAYS: i64 = 30;

impl Period {
    pub fn days(&self) -> i64 {
        self.to.0 - self.from.0 + 1
    }

    /// The period of the same length just before this one.
    pub fn previous(&self) -> Period {
        Period {
            from: self.from.plus(-self.days()),
            to: self.from.plus(-1),
        }
    }

    /// The `[start, end)` bounds of this period.
    pub fn window(&self) -> Window {
        Window {
            start: self.from.to_string(),
            end: self.to.plus(1).to_string(),
            start_ms: self.from.start_millis(),
            end_ms: self.to.plus(1).start_millis(),
        }
    }

    /// Consecutive sub-periods for a trend, at most `max_points`, the last one ending
    /// on this period's last day and the first one cut to its first day. A one-day
    /// period plots the seven days up to it, day by day.
    pub fn trend_points(&self, max_points: i64) -> Vec<Period> {
        let range = if self.days() == 1 {
            Period {
                from: self.to.plus(-6),
                to: self.to,
            }
        } else {
            *self
        };
        let size = (range.days() + max_points.max(1) - 1) / max_points.max(1);
        let mut points = Vec::new();
        let mut end = range.to;
        while end >= range.from {
            let start = end.plus(1 - size).max(range.from);
            points.push(Period {
                from: start,
                to: end,
            });
            end = end.plus(-size);
        }
        points.reverse();
        points
    }

    /// The period from optional `from` / `to`: `to` defaults to `today`, `from` to
    /// [`DEFAULT_PERIOD_DAYS`] days ending at `to`.
    pub fn resolve(from: Option<Day>, to: Option<Day>, today: Day) -> Result<Period, String> {
        let to = to.unwrap_or(today);
        let from = from.unwrap_or(to.plus(1 - DEFAULT_PERIOD_DAYS));
        let period = Period { from, to };
        if from > to {
            return Err(format!("from ({from}) must not be after to ({to})"));
        }
        if period.days() > MAX_PERIOD_DAYS {
            return Err(format!(
                "the period from {from} to {to} is {} days; at most {MAX_PERIOD_DAYS} are allowed",
                period.days()
            ));
        }
        Ok(period)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::MS_PER_DAY;

    fn day(text: &str) -> Day {
        Day::parse(text).unwrap_or_else(|| panic!("{text} parses"))
    }

    #[test]
    fn previous_period_has_the_same_length_and_ends_the_day_before() {
        let november = Period {
            from: day("2026-11-01"),
            to: day("2026-11-30"),
        };
        let previous = november.previous();
        assert_eq!(previous.from, day("2026-10-02"));
        assert_eq!(previous.to, day("2026-10-31"));
        let one_day = Period {
            from: day("2026-03-01"),
            to: day("2026-03-01"),
        };
        assert_eq!(one_day.previous().from, day("2026-02-28"));
    }

    #[test]
    fn window_bounds_enclose_every_timestamp_of_the_period_as_text() {
        let w = Period {
            from: day("2026-11-01"),
            to: day("2026-11-30"),
        }
        .window();
        assert_eq!(
            (w.start.as_str(), w.end.as_str()),
            ("2026-11-01", "2026-12-01")
        );
        for inside in ["2026-11-01T00:00:00.000Z", "2026-11-30T23:59:59.999Z"] {
            assert!(
                w.start.as_str() <= inside && inside < w.end.as_str(),
                "{inside}"
            );
        }
        assert!("2026-12-01T00:00:00.000Z" >= w.end.as_str());
        assert_eq!(w.end_ms - w.start_ms, 30 * MS_PER_DAY);
    }

    #[test]
    fn resolve_defaults_and_refuses_reversed_or_huge_periods() {
        let today = day("2026-11-25");
        let p = Period::resolve(None, None, today).expect("default");
        assert_eq!((p.from, p.to, p.days()), (day("2026-10-27"), today, 30));
        let err = Period::resolve(Some(day("2026-11-26")), None, today).expect_err("refused");
        assert!(err.contains("must not be after"), "{err}");
        assert!(Period::resolve(Some(day("2020-01-01")), None, today).is_err());
    }

    #[test]
    fn trend_points_cover_the_period_from_its_end() {
        let period = |from: &str, to: &str| Period {
            from: day(from),
            to: day(to),
        };
        let quarter = period("2026-07-01", "2026-09-30").trend_points(12);
        assert_eq!(quarter.len(), 12, "92 days in 12 points of 8 days");
        assert_eq!(
            quarter[0],
            period("2026-07-01", "2026-07-04"),
            "the first is cut"
        );
        assert_eq!(quarter[11], period("2026-09-23", "2026-09-30"));
        assert!(quarter.windows(2).all(|w| w[0].to.plus(1) == w[1].from));
        assert_eq!(
            period("2026-11-25", "2026-11-25").trend_points(12),
            (19..=25)
                .map(|d| {
                    let d = format!("2026-11-{d}");
                    period(&d, &d)
                })
                .collect::<Vec<_>>(),
            "one day: the week up to it"
        );
        assert_eq!(
            period("2026-11-01", "2026-11-30").trend_points(12).len(),
            10
        );
    }

    #[test]
    fn as_of_is_the_earlier_of_end_and_now() {
        let w = Period {
            from: day("2026-11-01"),
            to: day("2026-11-30"),
        }
        .window();
        assert_eq!(
            w.as_of("2026-11-25T10:00:00.000Z"),
            "2026-11-25T10:00:00.000Z"
        );
        assert_eq!(w.as_of("2027-01-01T00:00:00.000Z"), "2026-12-01");
    }
}
