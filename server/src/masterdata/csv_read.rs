//! Reading CSV (RFC 4180) as spreadsheets write it: quoted fields may hold commas,
//! quotes (doubled) and line breaks; lines end with LF or CRLF; a UTF-8 byte-order mark
//! is ignored. Rows are numbered as a spreadsheet numbers them (the header is row 1).

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

/// Every record with its row number.
fn records(text: &str) -> Result<Vec<(usize, Vec<String>)>, CsvError> {
    let mut records = Vec::new();
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut chars = text.chars().peekable();
    let mut row = 1;
    let mut quoted = false;
    // Whether anything (even an empty quoted field) started on this record.
    let mut started = false;
    while let Some(ch) = chars.next() {
        started = true;
        if quoted {
            match ch {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    cell.push('"');
                }
                '"' => quoted = false,
                other => cell.push(other),
            }
            continue;
        }
        match ch {
            '"' if cell.is_empty() => quoted = true,
            '"' => {
                return Err(CsvError {
                    row,
                    message: "a quote inside an unquoted field: put the whole field in quotes and double the quote (\"\")".into(),
                });
            }
            ',' => cells.push(std::mem::take(&mut cell)),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                cells.push(std::mem::take(&mut cell));
                records.push((row, std::mem::take(&mut cells)));
                row += 1;
                started = false;
            }
            other => cell.push(other),
        }
    }
    if quoted {
        return Err(CsvError {
            row,
            message: "a quoted field is never closed: add the closing quote".into(),
        });
    }
    if started {
        cells.push(cell);
        records.push((row, cells));
    }
    Ok(records)
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
    fn malformed_text_names_the_row() {
        let err = read_csv("sku\nA\"B\n").expect_err("stray quote");
        assert_eq!(err.row, 2);
        let err = read_csv("sku\n\"open").expect_err("unclosed");
        assert!(err.message.contains("never closed"), "{err}");
        assert!(read_csv("").is_err());
        assert!(read_csv("\n\n").is_err());
    }
}
