//! Reading CSV (RFC 4180) as spreadsheets write it, with the `csv` crate: quoted fields
//! may hold commas, quotes (doubled) and line breaks; lines end with LF, CRLF or CR; a
//! UTF-8 byte-order mark is ignored. Rows are numbered as a spreadsheet numbers them
//! (the header is row 1, a blank line is a row, a quoted line break is not).
//!
//! The crate reads a stray quote as text and an unclosed quote as running to the end of
//! the file. A spreadsheet user's file with either is broken (a master-data import would
//! silently swallow every row after an open quote), so a record whose raw text holds an
//! odd number of quotes is refused, with its row number.

/// The header and the data rows of a CSV text, blank lines left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvTable {
    pub header: Vec<String>,
    /// (row number, cells); the first data row is row 2.
    pub rows: Vec<(usize, Vec<String>)>,
}

/// Why a text is not CSV at all (as opposed to a row with a bad value).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("row {row}: {message}")]
pub struct CsvError {
    pub row: usize,
    pub message: String,
}

const UNBALANCED_QUOTE: &str = "a quote is out of place: a quoted field is never closed, or a \
    quote sits inside an unquoted field; put the whole field in quotes, double every quote \
    inside it (\"\") and close it";

pub fn read_csv(text: &str) -> Result<CsvTable, CsvError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records = records(text)?.into_iter();
    let header = loop {
        match records.next() {
            None => {
                return Err(CsvError {
                    row: 1,
                    message: "the file is empty: the first row must name the columns".into(),
                });
            }
            Some((_, cells)) if is_blank(&cells) => continue,
            Some((_, cells)) => break cells.into_iter().map(|c| c.trim().to_owned()).collect(),
        }
    };
    let rows = records.filter(|(_, cells)| !is_blank(cells)).collect();
    Ok(CsvTable { header, rows })
}

fn is_blank(cells: &[String]) -> bool {
    cells.iter().all(|c| c.trim().is_empty())
}

/// Every record with its spreadsheet row number.
fn records(text: &str) -> Result<Vec<(usize, Vec<String>)>, CsvError> {
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = Vec::new();
    let mut record = ::csv::StringRecord::new();
    let mut row = 1;
    let mut start = 0;
    loop {
        let more = reader.read_record(&mut record).map_err(|err| CsvError {
            row,
            message: format!("the file cannot be read as CSV: {err}"),
        })?;
        if !more {
            return Ok(records);
        }
        let end = usize::try_from(reader.position().byte())
            .unwrap_or(text.len())
            .min(text.len());
        // The crate skips empty lines without a record; a spreadsheet shows them as rows.
        let after_cr = start > 0 && text.as_bytes()[start - 1] == b'\r';
        let (skipped, raw) = skip_empty_lines(text.get(start..end).unwrap_or(""), after_cr);
        row += skipped;
        if raw.matches('"').count() % 2 == 1 {
            return Err(CsvError {
                row,
                message: UNBALANCED_QUOTE.into(),
            });
        }
        records.push((row, record.iter().map(str::to_owned).collect()));
        row += 1;
        start = end;
    }
}

/// The empty lines at the start of a record's raw text, and the rest. When the previous
/// record ended on a CR, an LF here is the rest of its CRLF, no line of its own.
fn skip_empty_lines(raw: &str, after_cr: bool) -> (usize, &str) {
    let mut rest = match raw.strip_prefix('\n') {
        Some(rest) if after_cr => rest,
        _ => raw,
    };
    let mut lines = 0;
    while let Some(after) = ["\r\n", "\n", "\r"]
        .iter()
        .find_map(|end| rest.strip_prefix(end))
    {
        lines += 1;
        rest = after;
    }
    (lines, rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(row: &[&str]) -> Vec<String> {
        row.iter().map(|c| (*c).to_owned()).collect()
    }

    #[test]
    fn quoted_fields_hold_commas_quotes_and_line_breaks() {
        let table =
            read_csv("\u{feff}sku,name\r\nA,\"Wrap, 500 \"\"mm\"\"\"\r\n\r\nB,\"two\nlines\"\nC,")
                .expect("csv");
        assert_eq!(table.header, cells(&["sku", "name"]));
        assert_eq!(
            table.rows,
            vec![
                (2, cells(&["A", "Wrap, 500 \"mm\""])),
                (4, cells(&["B", "two\nlines"])),
                (5, cells(&["C", ""])),
            ]
        );
    }

    #[test]
    fn rows_are_numbered_alike_for_every_line_ending() {
        for end in ["\n", "\r\n", "\r"] {
            let text = format!("sku{end}A{end}{end}{end}B{end}\"C{end}c\"{end}D");
            let table = read_csv(&text).expect("csv");
            let numbers: Vec<usize> = table.rows.iter().map(|(row, _)| *row).collect();
            assert_eq!(numbers, [2, 5, 6, 7], "line ending {end:?}");
        }
    }

    #[test]
    fn malformed_text_names_the_row() {
        let err = read_csv("sku\nA\"B\n").expect_err("stray quote");
        assert_eq!(err.row, 2);
        let err = read_csv("sku\nA\n\n\"open\nB\nC").expect_err("unclosed");
        assert_eq!(err.row, 4, "the row where the quote opens");
        assert!(err.message.contains("never closed"), "{err}");
        assert!(read_csv("").is_err());
        assert!(read_csv("\n\n").is_err());
    }
}
