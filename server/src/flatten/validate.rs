//! Checks what changed against the shared schema. Only the changed members
//! and the root fields are validated (with the document's real root), so the
//! cost follows the change; a first flatten validates everything.

use std::collections::BTreeMap;

use floorwalk_shared::{Document, Problem, validate};
use serde_json::{Map, Value as Json};

use super::extract::{Conflicts, Extract, Members};
use crate::documents::collections_of;

/// A document's changes, checked and typed: `document` holds the root and the
/// changed members only; `removed` names members that are gone.
#[derive(Debug, Clone)]
pub struct Validated {
    pub document: Document,
    pub removed: BTreeMap<String, Vec<String>>,
    /// Changed map members in conflict, per collection (see `Extract`).
    pub conflicts: BTreeMap<String, Conflicts>,
    pub full: bool,
}

/// The part of the document that changed, checked: typed, or every problem.
pub fn validate_changes(extract: &Extract) -> Result<Validated, Vec<Problem>> {
    let mut skeleton: Map<String, Json> = extract.root.clone();
    let mut removed = BTreeMap::new();
    let mut list_keys: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, members) in &extract.members {
        let gone: Vec<String> = members
            .iter()
            .filter(|(_, v)| v.is_none())
            .map(|(k, _)| k.clone())
            .collect();
        if !gone.is_empty() {
            removed.insert(name.clone(), gone);
        }
        let (value, keys) = as_collection(name, members);
        if let Some(keys) = keys {
            list_keys.insert(name.clone(), keys);
        }
        skeleton.insert(name.clone(), value);
    }
    // Untouched collections are not read, but the schema requires some of them (a
    // site's `locations` and `items`): stand them in as empty, as a full read of an
    // empty collection does, so an edit of one collection is not "missing" the others.
    let collections = extract
        .doc_type
        .as_deref()
        .map(collections_of)
        .unwrap_or(&[]);
    for name in collections {
        skeleton.entry(*name).or_insert_with(|| {
            if is_list(name) {
                Json::Array(Vec::new())
            } else {
                Json::Object(Map::new())
            }
        });
    }
    match validate(&Json::Object(skeleton)) {
        Ok(document) => Ok(Validated {
            document,
            removed,
            conflicts: extract.conflicts.clone(),
            full: extract.full,
        }),
        Err(problems) => Err(problems
            .into_iter()
            .map(|p| with_member_keys(p, &list_keys))
            .collect()),
    }
}

/// Map collections stay maps; list collections become lists of the changed
/// members, whose positions are not their positions in the document.
fn as_collection(name: &str, members: &Members) -> (Json, Option<Vec<String>>) {
    let present = members
        .iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| (k, v)));
    if is_list(name) {
        let (keys, values): (Vec<String>, Vec<Json>) =
            present.map(|(k, v)| (k.clone(), v.clone())).unzip();
        (Json::Array(values), Some(keys))
    } else {
        (
            Json::Object(present.map(|(k, v)| (k.clone(), v.clone())).collect()),
            None,
        )
    }
}

fn is_list(name: &str) -> bool {
    matches!(
        name,
        "entries" | "timeline" | "notes" | "corrective_actions" | "expected_lines" | "movements"
    )
}

/// Rewrites `entries[3].qty` (a position in the checked subset) as
/// `entries[id="…"].qty`, which names the member in the real document.
fn with_member_keys(mut problem: Problem, list_keys: &BTreeMap<String, Vec<String>>) -> Problem {
    for (name, keys) in list_keys {
        let prefix = format!("{name}[");
        if let Some(rest) = problem.path.strip_prefix(&prefix)
            && let Some((index, tail)) = rest.split_once(']')
            && let Ok(i) = index.parse::<usize>()
            && let Some(key) = keys.get(i)
        {
            problem.path = format!("{name}[id={key:?}]{tail}");
        }
    }
    problem
}

#[cfg(test)]
mod tests {
    use super::*;

    fn extract_with(entries: Vec<(&str, Json)>) -> Extract {
        let root = serde_json::json!({
            "type": "count_session", "schema_version": 1, "site": "north", "title": "A",
            "scope": {"locations": [], "skus": []}, "blind": false
        });
        Extract {
            heads: vec![],
            doc_type: Some("count_session".into()),
            root: root.as_object().cloned().expect("object"),
            members: [(
                "entries".to_string(),
                entries
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), Some(v)))
                    .collect(),
            )]
            .into(),
            conflicts: BTreeMap::new(),
            full: false,
        }
    }

    #[test]
    fn an_edit_of_one_site_collection_does_not_miss_the_others() {
        let root = serde_json::json!({
            "type": "site", "schema_version": 1, "site": "north", "name": "North", "currency": "EUR"
        });
        let item = serde_json::json!({"sku": "SKU-1", "name": "Film", "unit": "each", "unit_cost_minor": 5});
        let extract = Extract {
            heads: vec![],
            doc_type: Some("site".into()),
            root: root.as_object().cloned().expect("object"),
            members: [(
                "items".to_string(),
                [(
                    "0b7e2c1a-1111-4e5e-9d6f-000000000001".to_string(),
                    Some(item),
                )]
                .into(),
            )]
            .into(),
            conflicts: BTreeMap::new(),
            full: false,
        };
        let validated = validate_changes(&extract);
        assert!(validated.is_ok(), "{:?}", validated.err());
    }

    fn entry(id: &str, qty: Json) -> Json {
        serde_json::json!({"id": id, "location": "A-01", "sku": "SKU-1", "qty": qty, "count_index": 1,
            "by": "u1", "at": "2026-11-25T10:00:00Z", "device": "d1"})
    }

    #[test]
    fn valid_changes_are_typed() {
        let id = "0b7e2c1a-1111-4e5e-9d6f-000000000001";
        let validated =
            validate_changes(&extract_with(vec![(id, entry(id, 3.into()))])).expect("valid");
        let Document::CountSession(session) = validated.document else {
            panic!("type")
        };
        assert_eq!(session.entries.len(), 1);
        assert_eq!(session.entries[0].qty, 3);
    }

    #[test]
    fn problems_name_the_member_not_its_position_in_the_subset() {
        let good = "0b7e2c1a-1111-4e5e-9d6f-000000000001";
        let bad = "0b7e2c1a-1111-4e5e-9d6f-000000000002";
        let problems = validate_changes(&extract_with(vec![
            (good, entry(good, 3.into())),
            (bad, entry(bad, (-2).into())),
        ]))
        .expect_err("invalid");
        assert!(
            problems
                .iter()
                .any(|p| p.path == format!("entries[id={bad:?}].qty")),
            "{problems:?}"
        );
    }
}
