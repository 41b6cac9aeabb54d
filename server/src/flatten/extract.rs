//! What changed in a document between the heads last flattened and now,
//! found with Automerge's diff, so the work follows the size of the change,
//! not the size of the document. Runs on the document actor; plain data out.

use std::collections::{BTreeMap, BTreeSet};

use automerge::{Automerge, ChangeHash, ObjId, ObjType, ROOT, ReadDoc, Value};
use serde_json::{Map, Value as Json};

use crate::documents::{
    collections_of,
    json::read_string,
    read::{object_to_json, read_value},
    touched::{Touch, touched_members},
};

/// One changed collection member: its key (map key, or the `id` of a list
/// element) and its value now, `None` when it is gone.
pub type Members = BTreeMap<String, Option<Json>>;

/// Map members set concurrently by several devices (an Automerge conflict):
/// key → every value, the one Automerge shows first.
pub type Conflicts = BTreeMap<String, Vec<Json>>;

#[derive(Debug, Clone, PartialEq)]
pub struct Extract {
    pub heads: Vec<ChangeHash>,
    pub doc_type: Option<String>,
    /// Every root field that is not a collection (small, always read).
    pub root: Map<String, Json>,
    /// Changed members per collection.
    pub members: BTreeMap<String, Members>,
    /// Changed map members that are in conflict, per collection.
    pub conflicts: BTreeMap<String, Conflicts>,
    /// Everything was read: first flatten, unknown heads, or a structural change.
    pub full: bool,
}

/// Extracts the changes since `since` (everything when `None` or unusable).
pub fn extract(doc: &Automerge, since: Option<&[ChangeHash]>) -> Extract {
    let heads = doc.get_heads();
    let doc_type = read_string(doc, &ROOT, "type");
    let collections = doc_type.as_deref().map(collections_of).unwrap_or(&[]);
    let root = if collections.is_empty() {
        header_fields(doc)
    } else {
        root_fields(doc, collections)
    };
    // Small documents are read whole each time; unknown heads force a full read.
    let since = since
        .filter(|_| !matches!(doc_type.as_deref(), Some("shipment" | "checklist_run")))
        .filter(|h| doc.get_missing_deps(h).is_empty());
    let mut extract = Extract {
        heads: heads.clone(),
        doc_type,
        root,
        members: BTreeMap::new(),
        conflicts: BTreeMap::new(),
        full: false,
    };
    let Some(since) = since else {
        return extract_all(extract, doc, collections);
    };
    let Some(touched) = touched_members(doc, since, collections) else {
        return extract_all(extract, doc, collections);
    };
    for (name, touch) in touched {
        let members = match touch {
            Touch::Whole => all_members(doc, &name),
            Touch::Some { keys, objects } => read_members(doc, &name, keys, objects),
        };
        if !members.is_empty() {
            extract.members.insert(name, members);
        }
    }
    extract.conflicts = conflicts_among(doc, &extract.members);
    extract
}

/// The conflicts among the members read. Only map members can conflict:
/// list elements are appended, each its own object.
fn conflicts_among(
    doc: &Automerge,
    members: &BTreeMap<String, Members>,
) -> BTreeMap<String, Conflicts> {
    let mut out = BTreeMap::new();
    for (name, members) in members {
        let Some((ObjType::Map, obj)) = collection(doc, name) else {
            continue;
        };
        let conflicts: Conflicts = members
            .keys()
            .filter_map(|key| {
                let values = doc.get_all(&obj, key.as_str()).ok()?;
                (values.len() > 1).then(|| {
                    let values = values
                        .into_iter()
                        .map(|(value, id)| read_value(doc, value, &id, 1))
                        .collect();
                    (key.clone(), values)
                })
            })
            .collect();
        if !conflicts.is_empty() {
            out.insert(name.clone(), conflicts);
        }
    }
    out
}

fn extract_all(mut extract: Extract, doc: &Automerge, collections: &[&str]) -> Extract {
    extract.full = true;
    for name in collections {
        extract
            .members
            .insert((*name).to_string(), all_members(doc, name));
    }
    extract.conflicts = conflicts_among(doc, &extract.members);
    extract
}

/// A document of no known type is reported by its header alone. Reading the
/// rest would cost the size of the whole document on every change (it is
/// never flattened, so there are no heads to diff from), and hold up its
/// actor, for problems that all follow from the missing type anyway.
fn header_fields(doc: &Automerge) -> Map<String, Json> {
    let mut root = Map::new();
    for key in ["type", "schema_version", "site"] {
        if let Ok(Some((value, id))) = doc.get(ROOT, key) {
            root.insert(key.to_string(), read_value(doc, value, &id, 0));
        }
    }
    root
}

fn root_fields(doc: &Automerge, collections: &[&str]) -> Map<String, Json> {
    let mut root = Map::new();
    for key in doc.keys(ROOT) {
        if collections.contains(&key.as_str()) {
            continue;
        }
        if let Ok(Some((value, id))) = doc.get(ROOT, key.as_str()) {
            root.insert(key, read_value(doc, value, &id, 0));
        }
    }
    root
}

fn collection(doc: &Automerge, name: &str) -> Option<(ObjType, ObjId)> {
    match doc.get(ROOT, name).ok()?? {
        (Value::Object(kind @ (ObjType::Map | ObjType::List)), id) => Some((kind, id)),
        _ => None,
    }
}

fn all_members(doc: &Automerge, name: &str) -> Members {
    let Some((kind, obj)) = collection(doc, name) else {
        return Members::new();
    };
    match kind {
        ObjType::Map => doc
            .keys(&obj)
            .map(|k| (k.clone(), member_at_key(doc, &obj, &k)))
            .collect(),
        _ => (0..doc.length(&obj))
            .filter_map(|i| doc.get(&obj, i).ok().flatten())
            .map(|(_, id)| list_member(doc, &id))
            .collect(),
    }
}

fn read_members(
    doc: &Automerge,
    name: &str,
    keys: BTreeSet<String>,
    objects: Vec<ObjId>,
) -> Members {
    let Some((_, obj)) = collection(doc, name) else {
        return Members::new();
    };
    let mut members: Members = keys
        .into_iter()
        .map(|k| {
            let value = member_at_key(doc, &obj, &k);
            (k, value)
        })
        .collect();
    members.extend(objects.iter().map(|id| list_member(doc, id)));
    members
}

fn member_at_key(doc: &Automerge, obj: &ObjId, key: &str) -> Option<Json> {
    doc.get(obj, key)
        .ok()
        .flatten()
        .map(|(value, id)| read_value(doc, value, &id, 1))
}

/// A list element keyed by its `id` field (device-made UUID), or by its object id.
fn list_member(doc: &Automerge, id: &ObjId) -> (String, Option<Json>) {
    let json = object_to_json(doc, id);
    let key = json
        .get("id")
        .and_then(Json::as_str)
        .map_or_else(|| format!("@{id}"), str::to_string);
    (key, Some(json))
}

#[cfg(test)]
mod tests {
    use automerge::{AutoCommit, transaction::Transactable};

    use super::*;
    use crate::documents::json::{insert_json, put_json};

    fn count_session(lines: usize) -> AutoCommit {
        let mut doc = AutoCommit::new();
        let root = serde_json::json!({
            "type": "count_session", "schema_version": 1, "site": "north", "title": "A",
            "scope": {"locations": [], "skus": []}, "blind": false, "lines": {}, "timeline": []
        });
        for (k, v) in root.as_object().expect("object") {
            put_json(&mut doc, &ROOT, k, v).expect("put");
        }
        let entries = doc
            .put_object(ROOT, "entries", ObjType::List)
            .expect("entries");
        for i in 0..lines {
            insert_json(&mut doc, &entries, i, &entry(i)).expect("entry");
        }
        doc.commit();
        doc
    }

    fn entry(i: usize) -> Json {
        serde_json::json!({"id": format!("e{i}"), "location": "A-01", "sku": format!("SKU-{i}"), "qty": i,
            "count_index": 1, "by": "u1", "at": "2026-11-25T10:00:00Z", "device": "d1"})
    }

    #[test]
    fn a_first_flatten_reads_everything() {
        let mut doc = count_session(3);
        let extract = extract(doc.document(), None);
        assert!(extract.full);
        assert_eq!(extract.doc_type.as_deref(), Some("count_session"));
        assert_eq!(extract.members["entries"].len(), 3);
        assert_eq!(extract.root["title"], "A");
        assert!(!extract.root.contains_key("entries"));
    }

    #[test]
    fn an_appended_entry_is_the_only_member_read() {
        let mut doc = count_session(50);
        let before = doc.get_heads();
        let (_, entries) = doc.get(ROOT, "entries").expect("get").expect("entries");
        insert_json(&mut doc, &entries, 50, &entry(50)).expect("insert");
        let extract = extract(doc.document(), Some(&before));
        assert!(!extract.full);
        let members = &extract.members["entries"];
        assert_eq!(members.keys().collect::<Vec<_>>(), vec!["e50"]);
        assert_eq!(members["e50"].as_ref().expect("value")["qty"], 50);
    }

    #[test]
    fn an_edit_inside_a_member_and_a_map_member_are_found() {
        let mut doc = count_session(5);
        let before = doc.get_heads();
        let (_, entries) = doc.get(ROOT, "entries").expect("get").expect("entries");
        let (_, second) = doc.get(&entries, 1).expect("get").expect("entry");
        put_json(
            &mut doc,
            &second,
            "void",
            &serde_json::json!({"by": "u2", "at": "2026-11-25T11:00:00Z", "device": "d2"}),
        )
        .expect("void");
        let (_, lines) = doc.get(ROOT, "lines").expect("get").expect("lines");
        put_json(
            &mut doc,
            &lines,
            "A-01|SKU-1",
            &serde_json::json!({"expected_qty": 4}),
        )
        .expect("line");
        put_json(&mut doc, &ROOT, "title", &serde_json::json!("B")).expect("title");
        let extract = extract(doc.document(), Some(&before));
        assert_eq!(
            extract.members["entries"].keys().collect::<Vec<_>>(),
            vec!["e1"]
        );
        assert!(
            extract.members["entries"]["e1"]
                .as_ref()
                .expect("entry")
                .get("void")
                .is_some()
        );
        assert_eq!(
            extract.members["lines"]["A-01|SKU-1"],
            Some(serde_json::json!({"expected_qty": 4}))
        );
        assert_eq!(extract.root["title"], "B");
    }

    #[test]
    fn unknown_heads_fall_back_to_a_full_read() {
        let mut doc = count_session(2);
        let other = count_session(1).get_heads();
        assert!(extract(doc.document(), Some(&other)).full);
    }

    #[test]
    fn a_document_of_no_known_type_is_read_by_its_header_only() {
        let mut doc = AutoCommit::new();
        doc.put(ROOT, "site", "north").expect("site");
        doc.put(ROOT, "type", "teleporter").expect("type");
        let entries = doc
            .put_object(ROOT, "entries", ObjType::List)
            .expect("entries");
        for i in 0..1000 {
            insert_json(&mut doc, &entries, i, &entry(i)).expect("entry");
        }
        doc.commit();
        let extract = extract(doc.document(), None);
        assert_eq!(extract.doc_type.as_deref(), Some("teleporter"));
        let keys: Vec<&String> = extract.root.keys().collect();
        assert_eq!(keys, ["site", "type"], "the 1,000 entries are not read");
        assert!(extract.members.is_empty());
    }
}
