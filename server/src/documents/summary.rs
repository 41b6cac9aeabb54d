//! The few root fields of a work document that "my work today" needs, read
//! straight from Automerge (cheap: no conversion of the whole document).

use automerge::{Automerge, ObjType, ROOT, ReadDoc, Value};

use super::json::{read_string, read_string_at};
use crate::storage::WorkSummary;

const WORK_TYPES: [&str; 4] = ["count_session", "checklist_run", "shipment", "stock_log"];

pub fn work_summary(doc: &Automerge, document_id: &str, site_id: i64) -> Option<WorkSummary> {
    let doc_type = read_string(doc, &ROOT, "type")?;
    if !WORK_TYPES.contains(&doc_type.as_str()) {
        return None;
    }
    let title = match doc_type.as_str() {
        "checklist_run" => map_at(doc, "template").and_then(|t| read_string(doc, &t, "name")),
        "shipment" => read_string(doc, &ROOT, "reference"),
        _ => read_string(doc, &ROOT, "title"),
    };
    let due_at = match doc_type.as_str() {
        "shipment" => read_string(doc, &ROOT, "expected_at"),
        _ => read_string(doc, &ROOT, "due_at"),
    };
    let assignees = match doc_type.as_str() {
        "checklist_run" => read_string(doc, &ROOT, "assignee").into_iter().collect(),
        _ => strings_at(doc, "assignees"),
    };
    let status = if doc_type == "checklist_run" {
        Some(
            if read_string(doc, &ROOT, "completed_at").is_some() {
                "completed"
            } else {
                "open"
            }
            .into(),
        )
    } else {
        last_timeline_status(doc)
    };
    Some(WorkSummary {
        document_id: document_id.into(),
        site_id,
        doc_type,
        title,
        status,
        due_at,
        assignees,
    })
}

fn map_at(doc: &Automerge, key: &str) -> Option<automerge::ObjId> {
    match doc.get(ROOT, key).ok()?? {
        (Value::Object(ObjType::Map), id) => Some(id),
        _ => None,
    }
}

fn list_at(doc: &Automerge, key: &str) -> Option<automerge::ObjId> {
    match doc.get(ROOT, key).ok()?? {
        (Value::Object(ObjType::List), id) => Some(id),
        _ => None,
    }
}

fn strings_at(doc: &Automerge, key: &str) -> Vec<String> {
    let Some(list) = list_at(doc, key) else {
        return Vec::new();
    };
    (0..doc.length(&list).min(100))
        .filter_map(|i| read_string_at(doc, &list, i))
        .collect()
}

fn last_timeline_status(doc: &Automerge) -> Option<String> {
    let timeline = list_at(doc, "timeline")?;
    let len = doc.length(&timeline);
    let last = match doc.get(&timeline, len.checked_sub(1)?).ok()?? {
        (Value::Object(ObjType::Map), id) => id,
        _ => return None,
    };
    read_string(doc, &last, "status")
}

#[cfg(test)]
mod tests {
    use automerge::AutoCommit;

    use super::*;
    use crate::documents::json::put_json;

    fn doc_of(value: serde_json::Value) -> Automerge {
        let mut doc = AutoCommit::new();
        for (k, v) in value.as_object().expect("object") {
            put_json(&mut doc, &ROOT, k, v).expect("put");
        }
        doc.document().clone()
    }

    #[test]
    fn summaries_of_each_work_type() {
        let count = doc_of(serde_json::json!({
            "type": "count_session", "site": "north", "title": "Aisle A",
            "due_at": "2026-11-25T17:00:00Z", "assignees": ["u1", "u2"],
            "timeline": [{"status": "open"}, {"status": "counting"}]
        }));
        let summary = work_summary(&count, "d1", 7).expect("summary");
        assert_eq!(summary.title.as_deref(), Some("Aisle A"));
        assert_eq!(summary.status.as_deref(), Some("counting"));
        assert_eq!(summary.assignees, vec!["u1", "u2"]);

        let run = doc_of(serde_json::json!({
            "type": "checklist_run", "site": "north", "template": {"name": "Opening"},
            "assignee": "u1", "due_at": "2026-11-25T08:00:00Z"
        }));
        let summary = work_summary(&run, "d2", 7).expect("summary");
        assert_eq!(
            (summary.title.as_deref(), summary.status.as_deref()),
            (Some("Opening"), Some("open"))
        );

        let shipment = doc_of(serde_json::json!({
            "type": "shipment", "site": "north", "reference": "PO-1", "expected_at": "2026-11-26T09:00:00Z"
        }));
        assert_eq!(
            work_summary(&shipment, "d3", 7)
                .expect("summary")
                .due_at
                .as_deref(),
            Some("2026-11-26T09:00:00Z")
        );

        let site = doc_of(serde_json::json!({"type": "site", "site": "north"}));
        assert!(work_summary(&site, "d4", 7).is_none());
    }
}
