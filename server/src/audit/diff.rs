//! What one change did, as paths with their values before and after, read from the
//! document with Automerge's diff. Plain code over an `Automerge`, tested without I/O.
//! Sizes are capped: a change that pasted a 1 MB note shows its start.

use automerge::{
    Automerge, ChangeHash, ObjId, ObjType, Patch, PatchAction, Prop, ROOT, ReadDoc, ScalarValue,
    Value,
};
use serde::Serialize;
use serde_json::Value as Json;
use utoipa::ToSchema;

/// Operations listed per change; the rest are counted in `more_ops`.
pub const MAX_OPS: usize = 50;
/// Nodes (map entries, list items) shown per value before it is cut short.
const MAX_NODES: usize = 40;
/// Characters of a string shown.
const MAX_CHARS: usize = 300;

/// One thing a change did.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Op {
    /// e.g. `lines["A-01|SKU-9"].approval` or `entries[3]`.
    pub path: String,
    /// set, insert, delete, edit_text, increment.
    pub action: &'static str,
    #[schema(value_type = Object)]
    pub before: Json,
    #[schema(value_type = Object)]
    pub after: Json,
}

/// A change as Automerge records it.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeSummary {
    pub actor: String,
    pub seq: u64,
    /// The change's own timestamp in Unix ms, if its author set one.
    pub made_at_ms: Option<i64>,
    pub message: Option<String>,
    pub ops: Vec<Op>,
    pub more_ops: usize,
}

/// The change `hash` of `doc`, with what it changed; `None` if the document lacks it.
pub fn summarize(doc: &Automerge, hash: &ChangeHash) -> Option<ChangeSummary> {
    let change = doc.get_change_by_hash(hash)?;
    let before = change.deps().to_vec();
    let after = [*hash];
    let mut ops: Vec<(Vec<Prop>, Op)> = Vec::new();
    let mut more_ops = 0;
    for patch in doc.diff(&before, &after) {
        let Some((props, action)) = target(&patch) else {
            continue;
        };
        // A new object's own fields are shown inside it, not one by one.
        if ops
            .iter()
            .any(|(shown, _)| shown.len() <= props.len() && props.starts_with(shown))
        {
            continue;
        }
        if ops.len() == MAX_OPS {
            more_ops += 1;
            continue;
        }
        let op = Op {
            path: render(&props),
            action,
            before: value_at(doc, &props, &before),
            after: value_at(doc, &props, &after),
        };
        ops.push((props, op));
    }
    Some(ChangeSummary {
        actor: change.actor_id().to_hex_string(),
        seq: change.seq(),
        made_at_ms: made_at_ms(change.timestamp()),
        message: change.message().map(str::to_owned),
        ops: ops.into_iter().map(|(_, op)| op).collect(),
        more_ops,
    })
}

/// Clients stamp changes in seconds (Automerge's convention) or milliseconds; 0 means
/// no time was given.
fn made_at_ms(timestamp: i64) -> Option<i64> {
    match timestamp {
        t if t <= 0 => None,
        t if t > 100_000_000_000 => Some(t),
        t => Some(t * 1000),
    }
}

/// The property a patch changes, and how.
fn target(patch: &Patch) -> Option<(Vec<Prop>, &'static str)> {
    let mut props: Vec<Prop> = patch.path.iter().map(|(_, p)| p.clone()).collect();
    let (prop, action) = match &patch.action {
        PatchAction::PutMap { key, .. } => (Some(Prop::Map(key.clone())), "set"),
        PatchAction::PutSeq { index, .. } => (Some(Prop::Seq(*index)), "set"),
        PatchAction::Insert { index, .. } => (Some(Prop::Seq(*index)), "insert"),
        PatchAction::DeleteMap { key } => (Some(Prop::Map(key.clone())), "delete"),
        PatchAction::DeleteSeq { index, .. } => (Some(Prop::Seq(*index)), "delete"),
        PatchAction::Increment { prop, .. } => (Some(prop.clone()), "increment"),
        PatchAction::SpliceText { .. } | PatchAction::Mark { .. } => (None, "edit_text"),
        PatchAction::Conflict { .. } => return None,
    };
    props.extend(prop);
    (!props.is_empty()).then_some((props, action))
}

/// `lines["A-01|SKU-9"].entries[2].qty`, as the shared crate writes paths.
pub fn render(props: &[Prop]) -> String {
    let mut out = String::new();
    for prop in props {
        match prop {
            Prop::Map(key) if is_identifier(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Prop::Map(key) => out.push_str(&format!("[{}]", Json::from(key.as_str()))),
            Prop::Seq(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

fn is_identifier(key: &str) -> bool {
    let mut chars = key.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The value at `props` as of `heads`, as JSON; null where there was none.
fn value_at(doc: &Automerge, props: &[Prop], heads: &[ChangeHash]) -> Json {
    let mut obj = ROOT;
    let mut value = Value::Object(ObjType::Map);
    for prop in props {
        if !matches!(value, Value::Object(_)) {
            return Json::Null;
        }
        match doc.get_at(&obj, prop.clone(), heads) {
            Ok(Some((v, id))) => {
                value = v.to_owned();
                obj = id;
            }
            _ => return Json::Null,
        }
    }
    let mut budget = MAX_NODES;
    to_json(doc, &value, &obj, heads, &mut budget)
}

fn to_json(
    doc: &Automerge,
    value: &Value<'_>,
    obj: &ObjId,
    heads: &[ChangeHash],
    budget: &mut usize,
) -> Json {
    if *budget == 0 {
        return Json::from("…");
    }
    *budget -= 1;
    match value {
        Value::Scalar(s) => scalar(s),
        Value::Object(ObjType::Text) => text(doc.text_at(obj, heads).unwrap_or_default()),
        Value::Object(ObjType::List) => {
            let items = (0..doc.length_at(obj, heads))
                .map_while(|i| {
                    let (v, id) = doc.get_at(obj, i, heads).ok()??;
                    (*budget > 0).then(|| to_json(doc, &v, &id, heads, budget))
                })
                .collect();
            Json::Array(items)
        }
        Value::Object(ObjType::Map | ObjType::Table) => {
            let mut map = serde_json::Map::new();
            for key in doc.keys_at(obj, heads) {
                if *budget == 0 {
                    map.insert("…".into(), Json::from("cut short"));
                    break;
                }
                if let Ok(Some((v, id))) = doc.get_at(obj, key.as_str(), heads) {
                    map.insert(key, to_json(doc, &v, &id, heads, budget));
                }
            }
            Json::Object(map)
        }
    }
}

fn text(s: String) -> Json {
    match s.char_indices().nth(MAX_CHARS) {
        Some((cut, _)) => Json::from(format!("{}…", &s[..cut])),
        None => Json::from(s),
    }
}

fn scalar(s: &ScalarValue) -> Json {
    match s {
        ScalarValue::Str(t) => text(t.to_string()),
        ScalarValue::Int(i) => Json::from(*i),
        ScalarValue::Uint(u) => Json::from(*u),
        ScalarValue::F64(f) => serde_json::Number::from_f64(*f).map_or(Json::Null, Json::Number),
        ScalarValue::Counter(c) => Json::from(i64::from(c)),
        ScalarValue::Timestamp(t) => Json::from(*t),
        ScalarValue::Boolean(b) => Json::from(*b),
        ScalarValue::Null => Json::Null,
        ScalarValue::Bytes(b) => Json::from(format!("<{} bytes>", b.len())),
        other => Json::from(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use automerge::{AutoCommit, transaction::Transactable};

    use super::*;
    use crate::documents::json::{insert_json, put_json};

    #[test]
    fn a_change_shows_each_path_with_before_and_after() {
        let mut doc = AutoCommit::new();
        put_json(&mut doc, &ROOT, "title", &Json::from("Aisle A")).expect("put");
        let lines = doc.put_object(ROOT, "lines", ObjType::Map).expect("map");
        put_json(
            &mut doc,
            &lines,
            "A-01|SKU-9",
            &serde_json::json!({ "expected_qty": 4 }),
        )
        .expect("put");
        let entries = doc
            .put_object(ROOT, "entries", ObjType::List)
            .expect("list");
        doc.commit();
        // The second change: a new entry, a changed title and a changed quantity.
        insert_json(
            &mut doc,
            &entries,
            0,
            &serde_json::json!({ "qty": 3, "sku": "SKU-9" }),
        )
        .expect("insert");
        put_json(&mut doc, &ROOT, "title", &Json::from("Aisle A, again")).expect("put");
        let line = match doc.get(&lines, "A-01|SKU-9").expect("get") {
            Some((_, id)) => id,
            None => panic!("line"),
        };
        doc.put(&line, "expected_qty", 5_i64).expect("put");
        let hash = doc.commit().expect("a change");
        let summary = summarize(doc.document(), &hash).expect("summary");
        let ops: Vec<(&str, &str, Json, Json)> = summary
            .ops
            .iter()
            .map(|o| (o.path.as_str(), o.action, o.before.clone(), o.after.clone()))
            .collect();
        assert!(
            ops.contains(&(
                "entries[0]",
                "insert",
                Json::Null,
                serde_json::json!({ "qty": 3, "sku": "SKU-9" })
            )),
            "{ops:?}"
        );
        assert!(
            ops.contains(&(
                "title",
                "set",
                Json::from("Aisle A"),
                Json::from("Aisle A, again")
            )),
            "{ops:?}"
        );
        assert!(
            ops.contains(&(
                "lines[\"A-01|SKU-9\"].expected_qty",
                "set",
                Json::from(4),
                Json::from(5)
            )),
            "{ops:?}"
        );
        assert_eq!(
            ops.len(),
            3,
            "the entry's own fields are shown inside it: {ops:?}"
        );
        assert_eq!(summary.seq, 2);
    }

    #[test]
    fn timestamps_in_seconds_or_milliseconds() {
        assert_eq!(made_at_ms(0), None);
        assert_eq!(made_at_ms(1_764_000_000), Some(1_764_000_000_000));
        assert_eq!(made_at_ms(1_764_000_000_123), Some(1_764_000_000_123));
    }

    #[test]
    fn long_values_are_cut_short() {
        assert_eq!(
            text("x".repeat(1000)).as_str().map(|s| s.chars().count()),
            Some(MAX_CHARS + 1)
        );
        assert_eq!(
            render(&[
                Prop::Map("a b".into()),
                Prop::Seq(2),
                Prop::Map("qty".into())
            ]),
            "[\"a b\"][2].qty"
        );
    }
}
