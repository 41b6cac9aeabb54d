//! One flatten, planned: from a document and the heads last flattened to the
//! batch to write (or the problems to record). Pure, so the runner, the
//! property tests and the benchmark all run exactly this code.

use automerge::{Automerge, ChangeHash};
use floorwalk_shared::Problem;

use super::{
    apply::FlattenBatch,
    extract::extract,
    rows::{Target, rows_for},
    validate::validate_changes,
};
use crate::documents::heads_json;

/// What a flatten must do.
pub enum Plan {
    /// The document is at the heads last flattened.
    UpToDate,
    Write(FlattenBatch),
    /// The changes fail validation; the last valid rows stay.
    Invalid(Vec<Problem>),
}

/// Plans the flatten of `doc` since `since` (everything when `None`).
pub fn plan(
    doc: &Automerge,
    since: Option<&[ChangeHash]>,
    document_id: &str,
    site_id: i64,
    now: i64,
) -> Plan {
    let heads = doc.get_heads();
    if since == Some(&heads[..]) {
        return Plan::UpToDate;
    }
    let extracted = extract(doc, since);
    let doc_type = extracted.doc_type.clone().unwrap_or_default();
    let target = Target {
        document_id,
        site_id,
        now,
    };
    match validate_changes(&extracted) {
        Ok(validated) => Plan::Write(FlattenBatch {
            document_id: document_id.to_string(),
            site_id,
            doc_type,
            heads: heads_json(&heads),
            rows: rows_for(&target, &validated),
            now,
        }),
        Err(problems) => Plan::Invalid(problems),
    }
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
