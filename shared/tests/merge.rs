//! The merge rules of the crate docs, checked with real Automerge merges: two devices
//! edit offline, the changes merge, the merged state is validated and read.
//!
//! Documents are built here from the examples' JSON with scalar strings; the JS client
//! may store strings as text objects, which read back as the same JSON.

use automerge::transaction::Transactable;
use automerge::{ActorId, AutoCommit, AutoSerde, ObjId, ObjType, ROOT, ReadDoc, ScalarValue};
use serde_json::{Value, json};

use floorwalk_shared::examples::{
    example_count_session_json, example_shipment_json, example_site_json, example_uuid,
};
use floorwalk_shared::{Document, validate};

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

fn scalar(value: &Value) -> ScalarValue {
    match value {
        Value::Bool(b) => (*b).into(),
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => u.into(),
            (None, Some(i)) => i.into(),
            _ => n.as_f64().unwrap_or_default().into(),
        },
        Value::String(s) => s.as_str().into(),
        _ => ScalarValue::Null,
    }
}

/// Writes `value` as the content of the (empty) map or list `obj`.
fn fill(doc: &mut AutoCommit, obj: &ObjId, value: &Value) -> Result {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let kind = match child {
                    Value::Object(_) => ObjType::Map,
                    Value::Array(_) => ObjType::List,
                    _ => {
                        doc.put(obj, key, scalar(child))?;
                        continue;
                    }
                };
                let inner = doc.put_object(obj, key, kind)?;
                fill(doc, &inner, child)?;
            }
        }
        Value::Array(list) => {
            for (i, child) in list.iter().enumerate() {
                append(doc, obj, i, child)?;
            }
        }
        _ => return Err("only objects and lists can be filled".into()),
    }
    Ok(())
}

/// Inserts `value` at `index` of the list `list`.
fn append(doc: &mut AutoCommit, list: &ObjId, index: usize, value: &Value) -> Result {
    let kind = match value {
        Value::Object(_) => ObjType::Map,
        Value::Array(_) => ObjType::List,
        _ => return Ok(doc.insert(list, index, scalar(value))?),
    };
    let inner = doc.insert_object(list, index, kind)?;
    fill(doc, &inner, value)
}

fn automerge_doc(json: &Value) -> Result<AutoCommit> {
    let mut doc = AutoCommit::new().with_actor(ActorId::random());
    fill(&mut doc, &ROOT, json)?;
    Ok(doc)
}

/// A second device with its own copy.
fn fork(doc: &mut AutoCommit) -> AutoCommit {
    doc.fork().with_actor(ActorId::random())
}

fn list(doc: &AutoCommit, key: &str) -> Result<ObjId> {
    match doc.get(ROOT, key)? {
        Some((_, id)) => Ok(id),
        None => Err(format!("no {key}").into()),
    }
}

fn push(doc: &mut AutoCommit, key: &str, value: &Value) -> Result {
    let list = list(doc, key)?;
    let end = doc.length(&list);
    append(doc, &list, end, value)
}

fn merged_json(doc: &AutoCommit) -> Result<Value> {
    Ok(serde_json::to_value(AutoSerde::from(doc))?)
}

fn entry(n: u64, qty: u64, by: &str) -> Value {
    json!({ "id": example_uuid(n), "location": "A-01-01", "sku": "SKU-9", "qty": qty,
            "count_index": 1, "by": by, "at": "2026-11-25T08:00:00.000Z", "device": format!("{by}-phone") })
}

#[test]
fn two_phones_counting_the_same_bin_offline_both_keep_their_counts() -> Result {
    let mut planned = example_count_session_json();
    planned["entries"] = json!([]);
    let mut ana = automerge_doc(&planned)?;
    let mut ben = fork(&mut ana);
    push(&mut ana, "entries", &entry(901, 38, "ana"))?;
    push(&mut ben, "entries", &entry(902, 39, "ben"))?;
    ana.merge(&mut ben)?;

    let Ok(Document::CountSession(session)) = validate(&merged_json(&ana)?) else {
        return Err("merged count session is not valid".into());
    };
    let mut counted: Vec<u64> = session.entries.iter().map(|e| e.qty).collect();
    counted.sort();
    assert_eq!(counted, [38, 39]);
    // Disagreement is surfaced for the manager, not resolved by the merge.
    assert_eq!(session.conflicts().len(), 1);
    Ok(())
}

/// Why counts are not written into a shared line object: this is what would happen.
#[test]
fn objects_created_at_the_same_key_offline_lose_one_side() -> Result {
    let mut ana = automerge_doc(&json!({ "lines": {} }))?;
    let mut ben = fork(&mut ana);
    for (doc, qty) in [(&mut ana, 38_u64), (&mut ben, 39_u64)] {
        let lines = list(doc, "lines")?;
        let line = doc.put_object(&lines, "A-01-01|SKU-9", ObjType::Map)?;
        doc.put(&line, "qty", qty)?;
    }
    ana.merge(&mut ben)?;
    let merged = merged_json(&ana)?;
    let visible = &merged["lines"]["A-01-01|SKU-9"]["qty"];
    assert!(visible == &json!(38) || visible == &json!(39), "{merged}");
    // The other count is gone from the visible document, kept only as a hidden conflict.
    let lines = list(&ana, "lines")?;
    assert_eq!(ana.get_all(&lines, "A-01-01|SKU-9")?.len(), 2);
    Ok(())
}

#[test]
fn two_people_receiving_one_truck_offline_add_up() -> Result {
    let mut planned = example_shipment_json();
    planned["entries"] = json!([]);
    let mut ana = automerge_doc(&planned)?;
    let mut ben = fork(&mut ana);
    let tally = |n: u64, qty: u64, by: &str| {
        json!({ "id": example_uuid(n), "expected_line": example_uuid(202), "sku": "SKU-12",
                "qty": qty, "by": by, "at": "2026-11-25T08:00:00.000Z", "device": "phone" })
    };
    push(&mut ana, "entries", &tally(911, 6, "ana"))?;
    push(&mut ben, "entries", &tally(912, 4, "ben"))?;
    ana.merge(&mut ben)?;

    let Ok(Document::Shipment(shipment)) = validate(&merged_json(&ana)?) else {
        return Err("merged shipment is not valid".into());
    };
    let line = &shipment.line_tallies()[1];
    assert_eq!((line.handled, line.short), (10, 0));
    Ok(())
}

#[test]
fn two_managers_adding_the_same_sku_offline_are_flagged_not_lost() -> Result {
    let mut ana = automerge_doc(&example_site_json())?;
    let mut ben = fork(&mut ana);
    for (doc, n, name) in [(&mut ana, 951, "Wrap (Ana)"), (&mut ben, 952, "Wrap (Ben)")] {
        let items = list(doc, "items")?;
        let item = doc.put_object(&items, example_uuid(n), ObjType::Map)?;
        let fields =
            json!({ "sku": "SKU-77", "name": name, "unit": "each", "unit_cost_minor": 100 });
        fill(doc, &item, &fields)?;
    }
    ana.merge(&mut ben)?;

    let merged = merged_json(&ana)?;
    assert_eq!(merged["items"][example_uuid(951)]["name"], "Wrap (Ana)");
    assert_eq!(merged["items"][example_uuid(952)]["name"], "Wrap (Ben)");
    let Err(problems) = validate(&merged) else {
        return Err("a duplicated SKU must be reported".into());
    };
    assert!(
        problems
            .iter()
            .any(|p| p.message.contains("SKU \"SKU-77\" is also used"))
    );
    Ok(())
}

#[test]
fn answering_the_same_checklist_item_twice_is_a_visible_conflict() -> Result {
    let mut ana = automerge_doc(&json!({ "responses": {} }))?;
    let mut ben = fork(&mut ana);
    for (doc, outcome) in [(&mut ana, "pass"), (&mut ben, "fail")] {
        let responses = list(doc, "responses")?;
        let response = doc.put_object(&responses, example_uuid(31), ObjType::Map)?;
        fill(
            doc,
            &response,
            &json!({ "answer": { "kind": "check", "outcome": outcome } }),
        )?;
    }
    ana.merge(&mut ben)?;
    let responses = list(&ana, "responses")?;
    // Both answers are kept as a conflict for the server to surface.
    assert_eq!(ana.get_all(&responses, example_uuid(31))?.len(), 2);
    Ok(())
}
