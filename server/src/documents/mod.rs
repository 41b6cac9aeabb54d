//! Documents the server itself reads and writes: JSON in and out of
//! Automerge, which collection members a change touched, site master-data
//! documents, and the work list summary.

pub mod guard;
pub mod json;
pub mod notices;
pub mod read;
pub mod site;
pub mod stamp;
pub mod summary;
pub mod touched;

/// Heads as stored beside a document: a JSON array of hex hashes.
pub fn heads_json(heads: &[automerge::ChangeHash]) -> String {
    let hex: Vec<String> = heads.iter().map(ToString::to_string).collect();
    serde_json::to_string(&hex).unwrap_or_else(|_| "[]".into())
}

/// The collections of each document type: their members are flattened, and
/// checked against the write policy, one by one.
pub fn collections_of(doc_type: &str) -> &'static [&'static str] {
    match doc_type {
        "site" => &["locations", "items", "item_classes", "checklist_templates"],
        "count_session" => &["lines", "entries", "timeline"],
        "checklist_run" => &["responses", "notes", "corrective_actions"],
        "shipment" => &["expected_lines", "entries", "timeline"],
        "stock_log" => &["movements"],
        _ => &[],
    }
}
