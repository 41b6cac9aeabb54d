//! The set of days an item was counted on, as a bitmap from its first day: what count
//! coverage ("active items counted in the period") is computed from, since distinct
//! items cannot be summed day by day. A year of daily counts takes 46 bytes.

use crate::time::Day;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DaySet {
    /// The day of bit 0 (days since 1970-01-01).
    first: i64,
    /// Bit `i % 8` of byte `i / 8` is day `first + i`.
    bits: Vec<u8>,
}

impl DaySet {
    pub fn from_days(days: impl IntoIterator<Item = Day>) -> DaySet {
        let days: Vec<i64> = days.into_iter().map(|d| d.0).collect();
        let (Some(&first), Some(&last)) = (days.iter().min(), days.iter().max()) else {
            return DaySet::default();
        };
        let mut bits = vec![0u8; ((last - first) / 8 + 1) as usize];
        for day in days {
            let i = (day - first) as usize;
            bits[i / 8] |= 1 << (i % 8);
        }
        DaySet { first, bits }
    }

    /// As stored: `first_day` and `days` of `kpi_item_counted_days`.
    pub fn from_stored(first: i64, bits: Vec<u8>) -> DaySet {
        DaySet { first, bits }
    }

    pub fn first_day(&self) -> i64 {
        self.first
    }

    pub fn bits(&self) -> &[u8] {
        &self.bits
    }

    pub fn is_empty(&self) -> bool {
        self.bits.iter().all(|b| *b == 0)
    }

    /// Holds a day in `[start, end)`?
    pub fn any_in(&self, start: Day, end: Day) -> bool {
        let len = self.bits.len() as i64 * 8;
        let (lo, hi) = ((start.0 - self.first).max(0), (end.0 - self.first).min(len));
        let mut i = lo;
        while i < hi {
            let byte = self.bits[(i / 8) as usize];
            if i % 8 == 0 && hi - i >= 8 {
                if byte != 0 {
                    return true;
                }
                i += 8;
            } else {
                if byte & (1 << (i % 8)) != 0 {
                    return true;
                }
                i += 1;
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_like_the_list_of_days_for_every_window() {
        let days = [3, 4, 11, 30, 31, 64].map(|d| Day(20_000 + d));
        let set = DaySet::from_days(days);
        for start in 19_990..20_080 {
            for end in start..20_080 {
                let expected = days.iter().any(|d| d.0 >= start && d.0 < end);
                assert_eq!(set.any_in(Day(start), Day(end)), expected, "{start}..{end}");
            }
        }
    }

    #[test]
    fn round_trips_as_stored_and_knows_when_empty() {
        let set = DaySet::from_days([Day(5), Day(13)]);
        assert_eq!((set.first_day(), set.bits()), (5, &[1u8, 1][..]));
        assert_eq!(DaySet::from_stored(5, set.bits().to_vec()), set);
        assert!(DaySet::from_days([]).is_empty());
        assert!(!DaySet::default().any_in(Day(0), Day(100)));
    }
}
