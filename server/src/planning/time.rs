//! Times people and phones write, to Unix milliseconds, and calendar steps for
//! recurrences, over `crate::time`'s calendar.

use crate::{
    storage::Recurrence,
    time::{Day, MS_PER_DAY, days_in_month, parse_rfc3339_millis},
};

/// Parses `YYYY-MM-DDTHH:MM:SS[.fff…](Z|±HH:MM)`, the form the documents use.
pub fn parse_rfc3339_ms(text: &str) -> Option<i64> {
    floorwalk_shared::timestamp::is_rfc3339(text)
        .then(|| parse_rfc3339_millis(text))
        .flatten()
}

/// The occurrence after `at`: a day, a week, or a calendar month later (the 31st of a
/// month steps to the last day of a shorter month).
pub fn next_occurrence(at: i64, recurrence: Recurrence) -> i64 {
    match recurrence {
        Recurrence::Daily => at + MS_PER_DAY,
        Recurrence::Weekly => at + 7 * MS_PER_DAY,
        Recurrence::Monthly => {
            let day = Day::of_millis(at);
            let in_day = at - day.start_millis();
            let (y, m, d) = day.civil();
            let (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
            let next = days_in_month(y, m)
                .and_then(|last| Day::from_civil(y, m, d.min(last)))
                .unwrap_or(day.plus(30));
            next.start_millis() + in_day
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::rfc3339_millis;

    #[test]
    fn parses_what_phones_and_people_write() {
        let z = parse_rfc3339_ms("2026-11-25T09:53:17.120Z").expect("z");
        assert_eq!(rfc3339_millis(z), "2026-11-25T09:53:17.120Z");
        assert_eq!(parse_rfc3339_ms("2026-11-25T10:53:17.12+01:00"), Some(z));
        assert_eq!(parse_rfc3339_ms("2026-11-25T09:53:17Z"), Some(z - 120));
        assert_eq!(parse_rfc3339_ms("2026-02-30T09:53:17Z"), None);
        assert_eq!(parse_rfc3339_ms("tomorrow"), None);
    }

    #[test]
    fn recurrences_step_by_the_calendar() {
        let at = |t: &str| parse_rfc3339_ms(t).expect("time");
        let jan31 = at("2026-01-31T08:00:00.000Z");
        assert_eq!(
            rfc3339_millis(next_occurrence(jan31, Recurrence::Monthly)),
            "2026-02-28T08:00:00.000Z"
        );
        assert_eq!(
            rfc3339_millis(next_occurrence(
                at("2026-12-15T08:00:00.000Z"),
                Recurrence::Monthly
            )),
            "2027-01-15T08:00:00.000Z"
        );
        assert_eq!(
            rfc3339_millis(next_occurrence(jan31, Recurrence::Weekly)),
            "2026-02-07T08:00:00.000Z"
        );
        assert_eq!(
            rfc3339_millis(next_occurrence(jan31, Recurrence::Daily)),
            "2026-02-01T08:00:00.000Z"
        );
    }
}
