//! One flatten, planned: from a document and the heads last flattened to the
//! batch to write (or the problems to record). Pure, so the runner, the
//! property tests and the benchmark all run exactly this code.

use automerge::{Automerge, ChangeHash, ObjType, ROOT, ReadDoc, Value};
use floorwalk_shared::Problem;

use super::{
    apply::{FlattenBatch, MemberProblem},
    extract::extract,
    rows::{Target, rows_for},
    validate::{Quarantined, part_name, validate_changes},
};
use crate::documents::{heads_json, read::read_value};

/// What a flatten must do.
pub enum Plan {
    /// The document is at the heads last flattened.
    UpToDate,
    Write(FlattenBatch),
    /// The root fails validation; the last valid rows stay.
    Invalid(Vec<Problem>),
}

/// Which `site` document may feed a site's master data.
#[derive(Clone, Copy, Debug)]
pub enum MasterData<'a> {
    /// Only this one: the site's own document (`sites.site_document_id`).
    Only(&'a str),
    /// Any (tests and benchmarks that flatten a site document on its own).
    Any,
}

/// Plans the flatten of `doc` since `since` (everything when `None`).
pub fn plan(
    doc: &Automerge,
    since: Option<&[ChangeHash]>,
    document_id: &str,
    site_id: i64,
    now: i64,
    master_data: MasterData<'_>,
) -> Plan {
    let heads = doc.get_heads();
    if since == Some(&heads[..]) {
        return Plan::UpToDate;
    }
    let extracted = extract(doc, since);
    let doc_type = extracted.doc_type.clone().unwrap_or_default();
    if let (true, MasterData::Only(own)) = (doc_type == "site", master_data)
        && own != document_id
    {
        return Plan::Invalid(vec![Problem {
            path: "type".into(),
            message: "this is not the site's own master-data document: only that one feeds \
                      items, locations and checklist templates"
                .into(),
        }]);
    }
    let target = Target {
        document_id,
        site_id,
        now,
    };
    match validate_changes(&extracted) {
        Ok(validated) => {
            let checked = if validated.full {
                None
            } else {
                Some(
                    extracted
                        .members
                        .iter()
                        .flat_map(|(name, members)| members.keys().map(|k| part_name(name, k)))
                        .collect(),
                )
            };
            let problems = validated
                .quarantined
                .iter()
                .flat_map(|q| member_problems(doc, q))
                .collect();
            Plan::Write(FlattenBatch {
                document_id: document_id.to_string(),
                site_id,
                doc_type,
                heads: heads_json(&heads),
                rows: rows_for(&target, &validated),
                now,
                problems,
                checked,
            })
        }
        Err(problems) => Plan::Invalid(problems),
    }
}

/// The quarantined member's problems, each with the change that last wrote
/// what it points at (the audit trail knows who delivered that change).
fn member_problems(doc: &Automerge, quarantined: &Quarantined) -> Vec<MemberProblem> {
    quarantined
        .problems
        .iter()
        .map(|problem| MemberProblem {
            part: quarantined.part.clone(),
            path: problem.path.clone(),
            message: problem.message.clone(),
            written_in: written_in(doc, quarantined, &problem.path).map(|h| h.to_string()),
        })
        .collect()
}

/// The change that wrote the deepest field of `path` that exists.
fn written_in(doc: &Automerge, q: &Quarantined, path: &str) -> Option<ChangeHash> {
    let (kind, collection) = match doc.get(ROOT, q.collection.as_str()).ok()?? {
        (Value::Object(kind), id) => (kind, id),
        _ => return None,
    };
    let (mut value, mut id) = match kind {
        ObjType::List => (0..doc.length(&collection))
            .filter_map(|i| doc.get(&collection, i).ok().flatten())
            .find(|(v, id)| {
                read_value(doc, v.clone(), id, 0).get("id") == Some(&q.key.as_str().into())
            })?,
        _ => doc.get(&collection, q.key.as_str()).ok()??,
    };
    // After the member: `.field.field…` (list positions inside it are not followed).
    let rest = path.get(path.find(']')? + 1..).unwrap_or_default();
    for field in rest
        .split('.')
        .filter(|f| !f.is_empty() && !f.contains('['))
    {
        let Value::Object(ObjType::Map) = value else {
            break;
        };
        match doc.get(&id, field).ok().flatten() {
            Some((v, child)) => (value, id) = (v, child),
            None => break,
        }
    }
    doc.hash_for_opid(&id)
}

/// Reads heads stored as a JSON array of hex hashes; unreadable ones are
/// dropped, which makes the next flatten a full one.
pub fn parse_heads(json: &str) -> Vec<ChangeHash> {
    serde_json::from_str::<Vec<String>>(json)
        .unwrap_or_default()
        .iter()
        .filter_map(|h| h.parse().ok())
        .collect()
}
