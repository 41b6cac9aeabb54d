//! Rules on records, whatever the document: who a record names, and that appended
//! records are never edited or deleted, only voided.

use serde_json::Value;

use super::{Author, Edit, Refusal, refuse};

/// Every record the edit writes (an object with `by`, new or with other `by`, `at` or
/// `device` than before) must name the user who delivered it and one of their devices.
pub fn authorship(author: &Author, edit: &Edit) -> Result<(), Refusal> {
    match edit.after {
        Some(after) => written_records(author, edit.before, after),
        None => Ok(()),
    }
}

fn written_records(author: &Author, before: Option<&Value>, after: &Value) -> Result<(), Refusal> {
    match after {
        Value::Object(fields) => {
            if let Some(by) = fields.get("by").and_then(Value::as_str)
                && stamp(Some(after)) != stamp(before)
            {
                own_record(author, by, fields.get("device").and_then(Value::as_str))?;
            }
            for (key, value) in fields {
                written_records(author, before.and_then(|b| b.get(key)), value)?;
            }
            Ok(())
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                written_records(author, counterpart(before, item, i), item)?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// The element of `before` (a list) that `item` is: the one with its `id`, else the same position.
fn counterpart<'a>(before: Option<&'a Value>, item: &Value, index: usize) -> Option<&'a Value> {
    let list = before?.as_array()?;
    match item.get("id").and_then(Value::as_str) {
        Some(id) => list
            .iter()
            .find(|b| b.get("id").and_then(Value::as_str) == Some(id)),
        None => list.get(index),
    }
}

fn stamp(record: Option<&Value>) -> Option<(Option<&Value>, Option<&Value>, Option<&Value>)> {
    let record = record?;
    Some((record.get("by"), record.get("at"), record.get("device")))
}

fn own_record(author: &Author, by: &str, device: Option<&str>) -> Result<(), Refusal> {
    if by != author.user_id {
        return refuse(format!(
            "a record must name who made it: it says `by` {by:?}, but you are user {:?}",
            author.user_id
        ));
    }
    match device {
        Some(device) if author.devices.iter().any(|d| d == device) => Ok(()),
        Some(device) => refuse(format!(
            "a record must name the device it was made on: {device:?} is not one of yours"
        )),
        None => Ok(()),
    }
}

/// Appended records stay as recorded: the only edit is setting their `void` once.
pub fn appended_only(collection: &str, edit: &Edit) -> Result<(), Refusal> {
    let (Some(before), after) = (edit.before, edit.after) else {
        return Ok(());
    };
    let Some(after) = after else {
        return refuse(format!(
            "recorded {collection} are kept for the audit trail: undo one instead of deleting it"
        ));
    };
    if without_void(before) != without_void(after) {
        return refuse(format!(
            "recorded {collection} cannot be changed: undo it and record it again"
        ));
    }
    match (before.get("void"), after.get("void")) {
        (None, None) | (None, Some(_)) => Ok(()),
        (Some(a), Some(b)) if a == b => Ok(()),
        _ => refuse("an undo is final: it cannot be changed or taken back"),
    }
}

fn without_void(record: &Value) -> Value {
    let mut record = record.clone();
    if let Value::Object(fields) = &mut record {
        fields.remove("void");
    }
    record
}

/// Whether the edit sets the `void` of a record that had none.
pub(super) fn voids(edit: &Edit) -> bool {
    match (edit.before, edit.after) {
        (Some(before), Some(after)) => before.get("void").is_none() && after.get("void").is_some(),
        _ => false,
    }
}
