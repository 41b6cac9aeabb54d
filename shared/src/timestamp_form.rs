//! The RFC 3339 form check; see [`crate::timestamp`] for why timestamps are strings.

/// Whether `text` is `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`.
pub fn is_rfc3339(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.len() < 20 || bytes.len() > 40 || !text.is_ascii() {
        return false;
    }
    let (date, rest) = text.split_at(10);
    let Some(rest) = rest.strip_prefix('T') else {
        return false;
    };
    let (time, mut offset) = rest.split_at(8.min(rest.len()));
    if let Some(fraction) = offset.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || digits > 9 {
            return false;
        }
        offset = &fraction[digits..];
    }
    valid_date(date) && valid_time(time) && valid_offset(offset)
}

fn number(text: &str, at: usize, len: usize) -> Option<u32> {
    let part = text.get(at..at + len)?;
    if !part.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    part.parse().ok()
}

fn valid_date(date: &str) -> bool {
    let b = date.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let (Some(year), Some(month), Some(day)) =
        (number(date, 0, 4), number(date, 5, 2), number(date, 8, 2))
    else {
        return false;
    };
    (1..=12).contains(&month) && (1..=days_in_month(year, month)).contains(&day)
}

fn days_in_month(year: u32, month: u32) -> u32 {
    let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn valid_time(time: &str) -> bool {
    let b = time.as_bytes();
    if b.len() != 8 || b[2] != b':' || b[5] != b':' {
        return false;
    }
    // Second 60 is a leap second, which RFC 3339 allows.
    matches!(
        (number(time, 0, 2), number(time, 3, 2), number(time, 6, 2)),
        (Some(0..=23), Some(0..=59), Some(0..=60))
    )
}

fn valid_offset(offset: &str) -> bool {
    if offset == "Z" {
        return true;
    }
    let b = offset.as_bytes();
    b.len() == 6
        && (b[0] == b'+' || b[0] == b'-')
        && b[3] == b':'
        && matches!(
            (number(offset, 1, 2), number(offset, 4, 2)),
            (Some(0..=23), Some(0..=59))
        )
}

#[cfg(test)]
mod tests {
    use super::is_rfc3339;

    #[test]
    fn accepts_what_js_writes_and_offsets() {
        for ok in [
            "2026-11-25T09:53:17.120Z",
            "2026-11-25T09:53:17Z",
            "2024-02-29T23:59:60+01:00",
            "2026-01-01T00:00:00.123456789-05:30",
        ] {
            assert!(is_rfc3339(ok), "{ok}");
        }
    }

    #[test]
    fn refuses_near_misses() {
        for bad in [
            "",
            "2026-11-25",
            "2026-11-25 09:53:17Z",
            "2026-11-25T09:53:17",
            "2025-02-29T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-11-25T24:00:00Z",
            "2026-11-25T09:53:17.Z",
            "2026-11-25T09:53:17+0100",
            "1764064397120",
            "2026-11-25T09:53:17.120Zjunk",
            "２026-11-25T09:53:17Z",
        ] {
            assert!(!is_rfc3339(bad), "{bad}");
        }
    }
}
