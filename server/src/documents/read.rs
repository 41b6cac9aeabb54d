//! Reads one Automerge object as JSON, now or as it was at some heads, with a
//! depth cap so hostile documents cannot exhaust the stack (here or when the
//! JSON is dropped).

use automerge::{ChangeHash, ObjId, ObjType, ReadDoc, ScalarValue, Value};
use serde_json::{Map, Number, Value as Json};

/// Deeper than any valid document; the validator reports what lies beyond.
pub const MAX_DEPTH: usize = 48;

pub fn object_to_json<D: ReadDoc>(doc: &D, obj: &ObjId) -> Json {
    read_object(doc, obj, 0)
}

fn read_object<D: ReadDoc>(doc: &D, obj: &ObjId, depth: usize) -> Json {
    if depth > MAX_DEPTH {
        return Json::Null;
    }
    match doc.object_type(obj) {
        Ok(ObjType::Map) | Ok(ObjType::Table) => {
            let mut map = Map::new();
            for key in doc.keys(obj) {
                if let Ok(Some((value, id))) = doc.get(obj, key.as_str()) {
                    map.insert(key, read_value(doc, value, &id, depth));
                }
            }
            Json::Object(map)
        }
        Ok(ObjType::List) => Json::Array(
            (0..doc.length(obj))
                .filter_map(|i| doc.get(obj, i).ok().flatten())
                .map(|(value, id)| read_value(doc, value, &id, depth))
                .collect(),
        ),
        Ok(ObjType::Text) => Json::String(doc.text(obj).unwrap_or_default()),
        Err(_) => Json::Null,
    }
}

pub fn read_value<D: ReadDoc>(doc: &D, value: Value<'_>, id: &ObjId, depth: usize) -> Json {
    match value {
        Value::Object(_) => read_object(doc, id, depth + 1),
        Value::Scalar(scalar) => scalar_to_json(&scalar),
    }
}

/// The object `obj` as it was at `heads`.
pub fn object_to_json_at<D: ReadDoc>(doc: &D, obj: &ObjId, heads: &[ChangeHash]) -> Json {
    read_object_at(doc, obj, heads, 0)
}

/// The value at `key` of the map `obj` as it was at `heads`; `None` if it had none.
pub fn map_value_at<D: ReadDoc>(
    doc: &D,
    obj: &ObjId,
    key: &str,
    heads: &[ChangeHash],
) -> Option<Json> {
    let (value, id) = doc.get_at(obj, key, heads).ok()??;
    Some(read_value_at(doc, value, &id, heads, 0))
}

fn read_object_at<D: ReadDoc>(doc: &D, obj: &ObjId, heads: &[ChangeHash], depth: usize) -> Json {
    if depth > MAX_DEPTH {
        return Json::Null;
    }
    match doc.object_type(obj) {
        Ok(ObjType::Map) | Ok(ObjType::Table) => {
            let mut map = Map::new();
            for key in doc.keys_at(obj, heads) {
                if let Ok(Some((value, id))) = doc.get_at(obj, key.as_str(), heads) {
                    map.insert(key, read_value_at(doc, value, &id, heads, depth));
                }
            }
            Json::Object(map)
        }
        Ok(ObjType::List) => Json::Array(
            (0..doc.length_at(obj, heads))
                .filter_map(|i| doc.get_at(obj, i, heads).ok().flatten())
                .map(|(value, id)| read_value_at(doc, value, &id, heads, depth))
                .collect(),
        ),
        Ok(ObjType::Text) => Json::String(doc.text_at(obj, heads).unwrap_or_default()),
        Err(_) => Json::Null,
    }
}

fn read_value_at<D: ReadDoc>(
    doc: &D,
    value: Value<'_>,
    id: &ObjId,
    heads: &[ChangeHash],
    depth: usize,
) -> Json {
    match value {
        Value::Object(_) => read_object_at(doc, id, heads, depth + 1),
        Value::Scalar(scalar) => scalar_to_json(&scalar),
    }
}

fn scalar_to_json(scalar: &ScalarValue) -> Json {
    match scalar {
        ScalarValue::Str(s) => Json::String(s.to_string()),
        ScalarValue::Int(i) => Json::Number((*i).into()),
        ScalarValue::Uint(u) => Json::Number((*u).into()),
        ScalarValue::F64(f) => Number::from_f64(*f).map_or(Json::Null, Json::Number),
        ScalarValue::Counter(c) => Json::Number(i64::from(c).into()),
        ScalarValue::Timestamp(t) => Json::Number((*t).into()),
        ScalarValue::Boolean(b) => Json::Bool(*b),
        ScalarValue::Null | ScalarValue::Bytes(_) | ScalarValue::Unknown { .. } => Json::Null,
    }
}

#[cfg(test)]
mod tests {
    use automerge::{AutoCommit, ROOT, transaction::Transactable};

    use super::*;
    use crate::documents::json::put_json;

    #[test]
    fn reads_like_autoserde_and_caps_depth() {
        let value = serde_json::json!({"a": [1, {"b": "text", "c": true}], "d": null});
        let mut doc = AutoCommit::new();
        for (k, v) in value.as_object().expect("object") {
            put_json(&mut doc, &ROOT, k, v).expect("put");
        }
        assert_eq!(object_to_json(&doc, &ROOT), value);

        let mut deep = AutoCommit::new();
        let mut obj = ROOT;
        for _ in 0..200 {
            obj = deep.put_object(&obj, "x", ObjType::Map).expect("put");
        }
        let mut json = object_to_json(&deep, &ROOT);
        let mut depth = 0;
        while let Some(next) = json.get("x").cloned() {
            json = next;
            depth += 1;
        }
        assert!(depth <= MAX_DEPTH + 1, "depth {depth}");
    }
}
