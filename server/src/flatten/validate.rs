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
    /// Changed members that fail the schema: left out of `document`, so their
    /// last valid rows stay and everything else flattens.
    pub quarantined: Vec<Quarantined>,
}

/// One member that fails the schema, with every problem found in it.
#[derive(Debug, Clone, PartialEq)]
pub struct Quarantined {
    pub collection: String,
    pub key: String,
    /// The member as people read it: `lines["A-01|SKU-1"]`, `entries[id="…"]`.
    pub part: String,
    pub problems: Vec<Problem>,
}

/// Removing a member can break another (an entry pointing at a removed line):
/// a few rounds always settle, but bound them anyway.
const MAX_QUARANTINE_ROUNDS: usize = 8;

/// The part of the document that changed, checked: typed (with the members
/// that fail the schema quarantined), or every problem when the root itself
/// fails, since nothing can be flattened without it.
pub fn validate_changes(extract: &Extract) -> Result<Validated, Vec<Problem>> {
    let mut quarantined: Vec<Quarantined> = Vec::new();
    for _ in 0..MAX_QUARANTINE_ROUNDS {
        let (skeleton, list_keys, removed) = skeleton(extract, &quarantined);
        let problems = match validate(&Json::Object(skeleton)) {
            Ok(document) => {
                return Ok(Validated {
                    document,
                    removed,
                    conflicts: extract.conflicts.clone(),
                    full: extract.full,
                    quarantined,
                });
            }
            Err(problems) => problems,
        };
        let mut found: Vec<Quarantined> = Vec::new();
        for problem in &problems {
            let Some((collection, key)) = member_of(&problem.path, &list_keys, extract) else {
                // The root (or the document as a whole) is wrong.
                return Err(problems
                    .into_iter()
                    .map(|p| with_member_keys(p, &list_keys))
                    .collect());
            };
            let problem = with_member_keys(problem.clone(), &list_keys);
            match found
                .iter_mut()
                .find(|q| q.collection == collection && q.key == key)
            {
                Some(member) => member.problems.push(problem),
                None => found.push(Quarantined {
                    part: part_name(&collection, &key),
                    collection,
                    key,
                    problems: vec![problem],
                }),
            }
        }
        quarantined.extend(found);
    }
    let all = quarantined.into_iter().flat_map(|q| q.problems).collect();
    Err(all)
}

/// `lines["A-01|SKU-1"]` for a map member, `entries[id="…"]` for a list member.
pub fn part_name(collection: &str, key: &str) -> String {
    if is_list(collection) {
        format!("{collection}[id={}]", Json::from(key))
    } else {
        format!("{collection}[{}]", Json::from(key))
    }
}

type Skeleton = (
    Map<String, Json>,
    BTreeMap<String, Vec<String>>,
    BTreeMap<String, Vec<String>>,
);

/// The root and the changed members, minus the quarantined ones.
fn skeleton(extract: &Extract, quarantined: &[Quarantined]) -> Skeleton {
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
        let kept: Members = members
            .iter()
            .filter(|(k, _)| {
                !quarantined
                    .iter()
                    .any(|q| &q.collection == name && &q.key == *k)
            })
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let (value, keys) = as_collection(name, &kept);
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
    (skeleton, list_keys, removed)
}

/// The member a problem's path points into: `entries[3]…` (a position in the
/// checked subset) or `lines["key"]…` (map keys longer than paths show are
/// matched by the part shown).
fn member_of(
    path: &str,
    list_keys: &BTreeMap<String, Vec<String>>,
    extract: &Extract,
) -> Option<(String, String)> {
    let (collection, rest) = path.split_once('[')?;
    let members = extract.members.get(collection)?;
    if let Some(keys) = list_keys.get(collection) {
        let index: usize = rest.split_once(']')?.0.parse().ok()?;
        return Some((collection.to_string(), keys.get(index)?.clone()));
    }
    let quoted = rest.strip_prefix('"')?;
    let shown = quoted.split_once("\"]").map_or(quoted, |(key, _)| key);
    let shown: String =
        serde_json::from_str(&format!("\"{}\"", shown.trim_end_matches('…'))).ok()?;
    let cut = quoted.contains("…\"]");
    members
        .keys()
        .find(|k| {
            if cut {
                k.starts_with(&shown)
            } else {
                **k == shown
            }
        })
        .map(|k| (collection.to_string(), k.clone()))
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
    fn a_bad_member_is_quarantined_and_the_rest_is_typed() {
        let good = "0b7e2c1a-1111-4e5e-9d6f-000000000001";
        let bad = "0b7e2c1a-1111-4e5e-9d6f-000000000002";
        let validated = validate_changes(&extract_with(vec![
            (good, entry(good, 3.into())),
            (bad, entry(bad, (-2).into())),
        ]))
        .expect("the good entry still flattens");
        let Document::CountSession(session) = &validated.document else {
            panic!("type")
        };
        assert_eq!(session.entries.len(), 1);
        assert_eq!(session.entries[0].id, good);
        let [quarantined] = &validated.quarantined[..] else {
            panic!("one member quarantined: {:?}", validated.quarantined)
        };
        assert_eq!(quarantined.part, format!("entries[id={bad:?}]"));
        assert!(
            quarantined
                .problems
                .iter()
                .any(|p| p.path == format!("entries[id={bad:?}].qty")),
            "problems name the member, not its position in the subset: {:?}",
            quarantined.problems
        );
    }

    #[test]
    fn a_bad_line_is_found_by_its_key_and_a_bad_root_still_fails_whole() {
        let mut extract = extract_with(vec![]);
        let long = format!("A-01|{}", "S".repeat(100));
        extract.members.insert(
            "lines".into(),
            [
                (
                    "A-01|SKU-1".to_string(),
                    Some(serde_json::json!({"reason": {"x": 1}})),
                ),
                (long.clone(), Some(serde_json::json!({"expected_qty": -1}))),
                (
                    "A-01|SKU-2".to_string(),
                    Some(serde_json::json!({"expected_qty": 4})),
                ),
            ]
            .into(),
        );
        let validated = validate_changes(&extract).expect("other lines flatten");
        let keys: Vec<&str> = validated
            .quarantined
            .iter()
            .map(|q| q.key.as_str())
            .collect();
        assert_eq!(keys.len(), 2, "{keys:?}");
        assert!(keys.contains(&"A-01|SKU-1") && keys.contains(&long.as_str()));
        let Document::CountSession(session) = &validated.document else {
            panic!("type")
        };
        assert_eq!(session.lines.keys().collect::<Vec<_>>(), ["A-01|SKU-2"]);

        extract
            .root
            .insert("title".into(), serde_json::json!({"not": "text"}));
        assert!(
            validate_changes(&extract).is_err(),
            "the root cannot be quarantined"
        );
    }
}
