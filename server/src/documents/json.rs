//! Writes JSON values into Automerge the way the JS client does: strings as
//! collaborative text objects, so JS code reads plain strings either way.

use automerge::{
    AutomergeError, ObjId, ObjType, ReadDoc, ScalarValue, Value, transaction::Transactable,
};
use serde_json::Value as Json;

/// Puts `value` at `key` of the map `obj`.
pub fn put_json<T: Transactable>(
    tx: &mut T,
    obj: &ObjId,
    key: &str,
    value: &Json,
) -> Result<(), AutomergeError> {
    match value {
        Json::Object(map) => {
            let child = tx.put_object(obj, key, ObjType::Map)?;
            for (k, v) in map {
                put_json(tx, &child, k, v)?;
            }
        }
        Json::Array(items) => {
            let child = tx.put_object(obj, key, ObjType::List)?;
            for (i, v) in items.iter().enumerate() {
                insert_json(tx, &child, i, v)?;
            }
        }
        Json::String(s) => {
            let text = tx.put_object(obj, key, ObjType::Text)?;
            tx.splice_text(&text, 0, 0, s)?;
        }
        scalar => tx.put(obj, key, scalar_of(scalar))?,
    }
    Ok(())
}

/// Inserts `value` at `index` of the list `obj`.
pub fn insert_json<T: Transactable>(
    tx: &mut T,
    obj: &ObjId,
    index: usize,
    value: &Json,
) -> Result<(), AutomergeError> {
    match value {
        Json::Object(map) => {
            let child = tx.insert_object(obj, index, ObjType::Map)?;
            for (k, v) in map {
                put_json(tx, &child, k, v)?;
            }
        }
        Json::Array(items) => {
            let child = tx.insert_object(obj, index, ObjType::List)?;
            for (i, v) in items.iter().enumerate() {
                insert_json(tx, &child, i, v)?;
            }
        }
        Json::String(s) => {
            let text = tx.insert_object(obj, index, ObjType::Text)?;
            tx.splice_text(&text, 0, 0, s)?;
        }
        scalar => tx.insert(obj, index, scalar_of(scalar))?,
    }
    Ok(())
}

fn scalar_of(value: &Json) -> ScalarValue {
    match value {
        Json::Bool(b) => ScalarValue::Boolean(*b),
        Json::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => ScalarValue::Int(i),
            (None, Some(u), _) => ScalarValue::Uint(u),
            (_, _, Some(f)) => ScalarValue::F64(f),
            _ => ScalarValue::Null,
        },
        _ => ScalarValue::Null,
    }
}

/// A string at `key` of `obj`, whether stored as text or as a scalar.
pub fn read_string<D: ReadDoc>(doc: &D, obj: &ObjId, key: &str) -> Option<String> {
    match doc.get(obj, key).ok()?? {
        (Value::Object(ObjType::Text), id) => doc.text(id).ok(),
        (value, _) => value.as_str().map(str::to_string),
    }
}

/// The string at `index` of a list, text or scalar.
pub fn read_string_at<D: ReadDoc>(doc: &D, list: &ObjId, index: usize) -> Option<String> {
    match doc.get(list, index).ok()?? {
        (Value::Object(ObjType::Text), id) => doc.text(id).ok(),
        (value, _) => value.as_str().map(str::to_string),
    }
}

#[cfg(test)]
mod tests {
    use automerge::{AutoCommit, ROOT};

    use super::*;

    #[test]
    fn json_round_trips_through_automerge() {
        let value = serde_json::json!({
            "site": "north",
            "n": 3,
            "big": u64::MAX,
            "ok": true,
            "items": [{"sku": "A"}, "x", 1.5],
            "none": null
        });
        let mut doc = AutoCommit::new();
        for (k, v) in value.as_object().expect("object") {
            put_json(&mut doc, &ROOT, k, v).expect("put");
        }
        let back = serde_json::to_value(automerge::AutoSerde::from(&doc)).expect("serde");
        assert_eq!(back, value);
        assert_eq!(read_string(&doc, &ROOT, "site").as_deref(), Some("north"));
        assert_eq!(read_string(&doc, &ROOT, "n"), None);
    }
}
