//! Planning a CSV import into the site document, with no I/O: each row becomes an
//! entry of `items` or `locations` (an existing SKU or code updates its entry, a new
//! one gets a fresh UUID key, the schema's merge-safe shape), and the whole candidate
//! document is checked with the shared crate's `validate`, so an import obeys exactly
//! the rules a phone's edit does. Problems are reported per row and column.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

pub use super::columns::{ITEM_COLUMNS, Kind, LOCATION_COLUMNS};
use super::{columns::Cell, csv_read::CsvTable};

/// One problem of one row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct RowError {
    /// As a spreadsheet numbers rows: the header is row 1.
    pub row: usize,
    pub column: String,
    pub message: String,
}

/// One entry to write: the fields to set and those to remove.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryWrite {
    pub row: usize,
    /// Map key in the collection (UUID).
    pub key: String,
    /// Whether the key is new (the whole entry is written) or exists (only `set` and
    /// `unset` change).
    pub is_new: bool,
    pub set: Map<String, Value>,
    pub unset: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ImportPlan {
    pub rows: usize,
    pub writes: Vec<EntryWrite>,
    /// Valid rows equal to what the document already holds.
    pub unchanged: usize,
    pub errors: Vec<RowError>,
}

impl ImportPlan {
    /// Rows refused (each row counted once, whatever its number of problems).
    pub fn rows_with_errors(&self) -> usize {
        self.errors
            .iter()
            .map(|e| e.row)
            .collect::<HashSet<_>>()
            .len()
    }
}

/// A row read into an entry, before the document-wide checks.
struct Candidate {
    row: usize,
    key: String,
    is_new: bool,
    value: Map<String, Value>,
    parent_code: Option<String>,
}

/// Plans the import of `table` into the site document `site` (its JSON). A header that
/// cannot be read as this kind of file is an `Err` with the reason (400).
pub fn plan_import(
    kind: Kind,
    table: &CsvTable,
    site: &Value,
    mut new_key: impl FnMut() -> String,
) -> Result<ImportPlan, String> {
    let positions = header_positions(kind, &table.header)?;
    let existing = site
        .get(kind.collection())
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let by_natural_key: HashMap<String, String> = existing
        .iter()
        .filter_map(|(key, entry)| {
            let natural = entry.get(kind.natural_key())?.as_str()?;
            Some((natural.to_owned(), key.clone()))
        })
        .collect();
    let mut plan = ImportPlan {
        rows: table.rows.len(),
        ..ImportPlan::default()
    };
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut candidates = Vec::new();
    for (row, cells) in &table.rows {
        let row = *row;
        if cells.len() != table.header.len() {
            plan.errors.push(RowError {
                row,
                column: String::new(),
                message: format!(
                    "has {} cells but the header has {} columns: check for a missing or extra comma",
                    cells.len(),
                    table.header.len()
                ),
            });
            continue;
        }
        // Read a cell as its author meant it (an export's `'` before a formula comes off).
        let cell = |name: &str| {
            positions
                .get(name)
                .map(|&i| crate::csv::restore(cells[i].trim()))
        };
        let natural = cell(kind.natural_key()).unwrap_or_default().to_owned();
        if !natural.is_empty()
            && let Some(first) = seen.insert(natural.clone(), row)
        {
            plan.errors.push(RowError {
                row,
                column: kind.natural_key().into(),
                message: format!(
                    "{} {natural:?} is also on row {first}: each {} may appear once per file",
                    kind.noun(),
                    kind.noun()
                ),
            });
            continue;
        }
        let (key, is_new) = match by_natural_key.get(&natural) {
            Some(key) => (key.clone(), false),
            None => (new_key(), true),
        };
        let mut value = existing
            .get(&key)
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let mut parent_code = None;
        for column in kind.columns() {
            let Some(text) = cell(column.name) else {
                continue;
            };
            if column.cell == Cell::Parent {
                value.remove(column.field);
                parent_code = (!text.is_empty()).then(|| text.to_owned());
                continue;
            }
            match typed(column.cell, text) {
                Some(v) => value.insert(column.field.into(), v),
                None => value.remove(column.field),
            };
        }
        candidates.push(Candidate {
            row,
            key,
            is_new,
            value,
            parent_code,
        });
    }
    resolve_parents(kind, &existing, &mut candidates, &mut plan.errors);
    check_with_schema(kind, site, &existing, &mut candidates, &mut plan.errors);
    for candidate in candidates {
        let before = existing.get(&candidate.key).and_then(Value::as_object);
        match entry_write(candidate, before) {
            Some(write) => plan.writes.push(write),
            None => plan.unchanged += 1,
        }
    }
    plan.errors.sort_by_key(|e| e.row);
    Ok(plan)
}

/// Column positions by name; unknown, repeated or missing required columns refuse the
/// whole file, since no row could then be read reliably.
fn header_positions(kind: Kind, header: &[String]) -> Result<HashMap<String, usize>, String> {
    let known: Vec<&str> = kind.columns().iter().map(|c| c.name).collect();
    let mut positions = HashMap::new();
    for (i, name) in header.iter().enumerate() {
        let name = name.to_lowercase();
        if !known.contains(&name.as_str()) {
            return Err(format!(
                "unknown column {name:?} in the header: the columns are {}",
                known.join(", ")
            ));
        }
        if positions.insert(name.clone(), i).is_some() {
            return Err(format!("column {name:?} appears twice in the header"));
        }
    }
    let missing: Vec<&str> = kind
        .required()
        .iter()
        .copied()
        .filter(|c| !positions.contains_key(*c))
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "the header lacks the required column(s) {}: the first row must name the columns ({})",
            missing.join(", "),
            known.join(", ")
        ));
    }
    Ok(positions)
}

/// A cell as JSON; `None` for an empty cell (the field is left out).
fn typed(cell: Cell, text: &str) -> Option<Value> {
    if text.is_empty() {
        return match cell {
            Cell::List => Some(Value::Array(Vec::new())),
            _ => None,
        };
    }
    Some(match cell {
        Cell::Quantity => match text.parse::<u64>() {
            Ok(n) => Value::from(n),
            // Negative or decimal numbers stay numbers; words stay words: the
            // schema's message then says what is wrong with the value.
            Err(_) => text
                .parse::<f64>()
                .ok()
                .filter(|f| f.is_finite())
                .and_then(serde_json::Number::from_f64)
                .map_or_else(|| Value::from(text), Value::Number),
        },
        Cell::List => Value::Array(
            text.split('|')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(Value::from)
                .collect(),
        ),
        Cell::Text | Cell::Parent => Value::from(text),
    })
}

/// Turns `parent_code` into the parent's id: a location of this file, else of the site.
fn resolve_parents(
    kind: Kind,
    existing: &Map<String, Value>,
    candidates: &mut Vec<Candidate>,
    errors: &mut Vec<RowError>,
) {
    if kind != Kind::Locations {
        return;
    }
    let mut by_code: HashMap<String, String> = existing
        .iter()
        .filter_map(|(key, l)| Some((l.get("code")?.as_str()?.to_owned(), key.clone())))
        .collect();
    for c in candidates.iter() {
        if let Some(code) = c.value.get("code").and_then(Value::as_str) {
            by_code.insert(code.to_owned(), c.key.clone());
        }
    }
    let mut refused = HashSet::new();
    for c in candidates.iter_mut() {
        let Some(code) = c.parent_code.take() else {
            continue;
        };
        match by_code.get(&code) {
            Some(parent) => {
                c.value.insert("parent".into(), Value::from(parent.clone()));
            }
            None => {
                errors.push(RowError {
                    row: c.row,
                    column: "parent_code".into(),
                    message: format!(
                        "no location has code {code:?}, in the site or in this file: import the parent first or fix the code"
                    ),
                });
                refused.insert(c.row);
            }
        }
    }
    retain_rows(candidates, &refused);
}

fn retain_rows(candidates: &mut Vec<Candidate>, refused: &HashSet<usize>) {
    if !refused.is_empty() {
        candidates.retain(|c| !refused.contains(&c.row));
    }
}

/// Validates the site document as it would be after the import and moves the rows
/// with problems to `errors`. Refusing a row can break another (a bin whose aisle was
/// refused), so this repeats until no new row fails.
fn check_with_schema(
    kind: Kind,
    site: &Value,
    existing: &Map<String, Value>,
    candidates: &mut Vec<Candidate>,
    errors: &mut Vec<RowError>,
) {
    loop {
        let mut collection = existing.clone();
        for c in candidates.iter() {
            collection.insert(c.key.clone(), Value::Object(c.value.clone()));
        }
        let mut document = site.clone();
        if let Some(root) = document.as_object_mut() {
            root.insert(kind.collection().into(), Value::Object(collection));
        }
        let Err(problems) = floorwalk_shared::validate(&document) else {
            return;
        };
        let rows: HashMap<&str, usize> =
            candidates.iter().map(|c| (c.key.as_str(), c.row)).collect();
        let names = describe_keys(kind, existing, candidates);
        let mut refused = HashSet::new();
        for problem in problems {
            let Some((key, field)) = split_path(kind.collection(), &problem.path) else {
                continue;
            };
            let Some(&row) = rows.get(key) else {
                continue; // a problem the document already had
            };
            refused.insert(row);
            errors.push(RowError {
                row,
                column: column_of(kind, field),
                message: readable(&problem.message, &names),
            });
        }
        if refused.is_empty() {
            return;
        }
        retain_rows(candidates, &refused);
    }
}

/// `items["<key>"].barcodes[1]` → (`<key>`, `barcodes`).
fn split_path<'a>(collection: &str, path: &'a str) -> Option<(&'a str, &'a str)> {
    let rest = path.strip_prefix(collection)?.strip_prefix("[\"")?;
    let (key, rest) = rest.split_once("\"]")?;
    let field = rest.strip_prefix('.').unwrap_or(rest);
    let end = field.find(['.', '[']).unwrap_or(field.len());
    Some((key, &field[..end]))
}

fn column_of(kind: Kind, field: &str) -> String {
    kind.columns()
        .iter()
        .find(|c| c.field == field)
        .map_or(field, |c| c.name)
        .to_owned()
}

/// How to name each entry key in a message: `item "SKU-9"`, `location "A-01"`.
fn describe_keys(
    kind: Kind,
    existing: &Map<String, Value>,
    candidates: &[Candidate],
) -> BTreeMap<String, String> {
    let natural = |v: &Map<String, Value>| {
        v.get(kind.natural_key())
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_owned()
    };
    let mut names: BTreeMap<String, String> = existing
        .iter()
        .filter_map(|(k, v)| Some((k.clone(), natural(v.as_object()?))))
        .collect();
    for c in candidates {
        names.insert(
            c.key.clone(),
            format!("{} (row {})", natural(&c.value), c.row),
        );
    }
    names
}

/// The schema names entries by their UUID key; a manager knows them by SKU or code.
fn readable(message: &str, names: &BTreeMap<String, String>) -> String {
    let mut out = message.to_owned();
    for (key, name) in names {
        if out.contains(key.as_str()) {
            out = out.replace(key.as_str(), name);
        }
    }
    out
}

/// What to write for a valid row; `None` when the entry already reads the same.
fn entry_write(candidate: Candidate, before: Option<&Map<String, Value>>) -> Option<EntryWrite> {
    let Some(before) = before else {
        return Some(EntryWrite {
            row: candidate.row,
            key: candidate.key,
            is_new: true,
            set: candidate.value,
            unset: Vec::new(),
        });
    };
    let set: Map<String, Value> = candidate
        .value
        .iter()
        .filter(|(k, v)| differs(before.get(*k), v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let unset: Vec<String> = before
        .keys()
        .filter(|k| !candidate.value.contains_key(*k))
        .cloned()
        .collect();
    if set.is_empty() && unset.is_empty() {
        return None;
    }
    Some(EntryWrite {
        row: candidate.row,
        key: candidate.key,
        is_new: candidate.is_new,
        set,
        unset,
    })
}

/// Whether writing `new` changes the field; an empty list where the field is absent
/// reads the same (the schema defaults `barcodes` to `[]`).
fn differs(old: Option<&Value>, new: &Value) -> bool {
    match old {
        Some(old) => old != new,
        None => new.as_array().is_none_or(|list| !list.is_empty()),
    }
}

#[cfg(test)]
#[path = "import_tests.rs"]
mod tests;
