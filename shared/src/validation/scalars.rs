//! Readers for single values: text, codes, ids, timestamps, quantities, words.
//!
//! Each `fn(...) -> impl Fn(&mut Checker, &Value) -> Option<T>` builds a reader for
//! [`Checker::required`] and friends. Messages echo at most a short, quoted piece of
//! what was found, never a whole (possibly huge) value.

use serde_json::Value;

use super::limits::{MAX_CODE, MAX_OPAQUE_ID, MAX_QUANTITY};
use super::{Checker, describe, problem::quote};
use crate::domain_enum::DomainEnum;

/// Longest piece of a bad value quoted back in a message.
const ECHO: usize = 40;

fn string<'v>(c: &mut Checker, value: &'v Value) -> Option<&'v str> {
    match value {
        Value::String(s) => Some(s),
        other => c.wrong_type("a string", other),
    }
}

fn within(c: &mut Checker, text: &str, max: usize) -> bool {
    // Bytes first: cheap, and chars ≤ bytes, so short byte strings need no count.
    if text.len() > max && text.chars().count() > max {
        let count = text.chars().count();
        c.report(format!(
            "is too long: {count} characters, at most {max} allowed"
        ));
        return false;
    }
    true
}

/// Free text (notes, responses): may be empty.
pub fn free_text(max: usize) -> impl Fn(&mut Checker, &Value) -> Option<String> {
    move |c, v| {
        let text = string(c, v)?;
        within(c, text, max).then(|| text.to_owned())
    }
}

/// A name or label: not blank.
pub fn text(max: usize) -> impl Fn(&mut Checker, &Value) -> Option<String> {
    move |c, v| {
        let text = string(c, v)?;
        if text.trim().is_empty() {
            c.report("must not be empty");
            return None;
        }
        within(c, text, max).then(|| text.to_owned())
    }
}

/// A scannable or typed code (location code, SKU, item class, unit, barcode).
/// `|` is refused because count lines are keyed `"<location code>|<sku>"`.
pub fn code(max: usize) -> impl Fn(&mut Checker, &Value) -> Option<String> {
    move |c, v| {
        let text = string(c, v)?;
        match code_problem(text, max) {
            Some(why) => {
                c.report(why);
                None
            }
            None => Some(text.to_owned()),
        }
    }
}

/// Why `text` is not a valid code, if it is not.
pub fn code_problem(text: &str, max: usize) -> Option<String> {
    if text.is_empty() {
        Some("must not be empty".into())
    } else if text.len() > max && text.chars().count() > max {
        Some(format!(
            "is too long: {} characters, at most {max} allowed",
            text.chars().count()
        ))
    } else if text.trim() != text {
        Some(format!(
            "{} has spaces at its start or end",
            quote(text, ECHO)
        ))
    } else if text.contains('|') {
        Some(format!("{} must not contain \"|\"", quote(text, ECHO)))
    } else if text.chars().any(char::is_control) {
        Some(format!("{} contains control characters", quote(text, ECHO)))
    } else {
        None
    }
}

/// A site slug: lowercase letters, digits and `-`, starting with a letter or digit.
pub fn slug(c: &mut Checker, v: &Value) -> Option<String> {
    let text = string(c, v)?;
    if !is_site_slug(text) {
        c.report(format!(
            "must be a site slug (1–{MAX_CODE} of a–z, 0–9 and \"-\"), found {}",
            quote(text, ECHO)
        ));
        return None;
    }
    Some(text.to_owned())
}

/// A UUID made on a device (`crypto.randomUUID()`): canonical lowercase form.
pub fn uuid(c: &mut Checker, v: &Value) -> Option<String> {
    let text = string(c, v)?;
    if !is_uuid(text) {
        c.report(format!(
            "must be a lowercase UUID like \"3f2b8c1e-9a4d-4e57-8b1a-0c6d2e4f9a10\", found {}",
            quote(text, ECHO)
        ));
        return None;
    }
    Some(text.to_owned())
}

/// The one rule for site slugs, for documents and for the server's sites alike.
pub fn is_site_slug(text: &str) -> bool {
    (1..=MAX_CODE).contains(&text.len())
        && text.starts_with(|ch: char| ch.is_ascii_lowercase() || ch.is_ascii_digit())
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// [`is_site_slug`], with the message a person making a site needs.
pub fn check_site_slug(slug: &str) -> Result<(), String> {
    if is_site_slug(slug) {
        Ok(())
    } else {
        Err(format!(
            "site slug {slug:?} must be 1–{MAX_CODE} characters of a–z, 0–9 and '-', starting with a letter or digit"
        ))
    }
}

pub fn is_uuid(text: &str) -> bool {
    text.len() == 36
        && text.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_digit() || (b'a'..=b'f').contains(&b),
        })
}

/// A map key that must be a device-made UUID.
pub fn uuid_key(key: &str) -> Result<(), String> {
    if is_uuid(key) {
        Ok(())
    } else {
        Err("must be a lowercase UUID made on the device".into())
    }
}

/// A user or device id: issued by the server, opaque here.
pub fn opaque_id(c: &mut Checker, v: &Value) -> Option<String> {
    let text = string(c, v)?;
    if text.is_empty() || text.len() > MAX_OPAQUE_ID || text.chars().any(char::is_whitespace) {
        c.report(format!(
            "must be an id of 1–{MAX_OPAQUE_ID} characters without spaces, found {}",
            quote(text, ECHO)
        ));
        return None;
    }
    Some(text.to_owned())
}

/// An RFC 3339 timestamp with an explicit offset, as `Date.prototype.toISOString()` writes.
pub fn timestamp(c: &mut Checker, v: &Value) -> Option<String> {
    let text = string(c, v)?;
    if !crate::timestamp_form::is_rfc3339(text) {
        c.report(format!(
            "must be an RFC 3339 timestamp like \"2026-11-25T09:53:17.000Z\", found {}",
            quote(text, ECHO)
        ));
        return None;
    }
    Some(text.to_owned())
}

/// A whole number in `min..=max`; JS may hand over `3.0` for 3, which is accepted.
fn whole(c: &mut Checker, v: &Value, min: u64, max: u64, what: &str) -> Option<u64> {
    let Value::Number(number) = v else {
        return c.wrong_type(what, v);
    };
    let whole = number.as_u64().or_else(|| {
        let f = number.as_f64()?;
        // `as` saturates, so a huge float still reads as "too big", not as garbage.
        (f.fract() == 0.0 && f >= 0.0).then_some(f as u64)
    });
    match whole {
        Some(n) if n >= min && n <= max => Some(n),
        Some(n) if n > max => {
            c.report(format!("must be at most {max}, found {n}"));
            None
        }
        _ => {
            c.report(format!("must be {what}"));
            None
        }
    }
}

/// A quantity in the item's unit: a whole number ≥ 0 (see the crate docs for why).
pub fn quantity(c: &mut Checker, v: &Value) -> Option<u64> {
    whole(c, v, 0, MAX_QUANTITY, "a whole number ≥ 0")
}

/// A counter such as a template version or a count index: a whole number ≥ 1.
pub fn counter(c: &mut Checker, v: &Value) -> Option<u32> {
    let n = whole(c, v, 1, u64::from(u32::MAX), "a whole number ≥ 1")?;
    u32::try_from(n).ok()
}

/// A size in bytes, `1..=max`.
pub fn byte_size(max: u64) -> impl Fn(&mut Checker, &Value) -> Option<u64> {
    move |c, v| whole(c, v, 1, max, "a whole number of bytes ≥ 1")
}

/// Any finite number (a measured temperature, a reading).
pub fn finite_number(c: &mut Checker, v: &Value) -> Option<f64> {
    match v.as_f64() {
        Some(f) if f.is_finite() => Some(f),
        _ => c.wrong_type("a number", v),
    }
}

pub fn boolean(c: &mut Checker, v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        other => c.wrong_type("true or false", other),
    }
}

/// One of the words of a [`DomainEnum`].
pub fn one_of<E: DomainEnum>(c: &mut Checker, v: &Value) -> Option<E> {
    let Value::String(text) = v else {
        c.report(format!(
            "must be a {} (a string), found {}",
            E::WHAT,
            describe(v)
        ));
        return None;
    };
    let parsed = E::parse(text);
    if parsed.is_none() {
        let expected: Vec<&str> = E::ALL.iter().map(|e| e.as_str()).collect();
        c.report(format!(
            "unknown {} {} (expected one of {})",
            E::WHAT,
            quote(text, ECHO),
            expected.join(", ")
        ));
    }
    parsed
}

/// A SHA-256 digest as 64 lowercase hex digits.
pub fn sha256(c: &mut Checker, v: &Value) -> Option<String> {
    let text = string(c, v)?;
    let ok = text.len() == 64
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if !ok {
        c.report(format!(
            "must be a SHA-256 digest (64 lowercase hex digits), found {}",
            quote(text, ECHO)
        ));
        return None;
    }
    Some(text.to_owned())
}
