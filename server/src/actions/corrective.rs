//! Chasing a corrective action to closure: assign it, set its due date and
//! priority, comment on it, close it with evidence. Status changes and
//! comments are appended to its `timeline` (never overwritten), so two
//! managers acting at once both leave their mark.

use automerge::{ObjId, ObjType, ROOT, ReadDoc, transaction::Transaction};
use floorwalk_shared::{
    Document, DomainEnum, checklist_run::ActionStatus, checklist_run::Priority,
    timestamp::is_rfc3339,
};
use serde_json::{Value, json};

use super::{
    Action,
    edit::{ActionRefused, append, list_at, parse_word, put},
};
use crate::documents::{
    json::read_string,
    stamp::{new_uuid, recorded},
};

pub fn apply(
    tx: &mut Transaction<'_>,
    document: &Document,
    action: Action,
    user_id: i64,
) -> Result<Value, ActionRefused> {
    let Document::ChecklistRun(run) = document else {
        return Err(ActionRefused::State(format!(
            "corrective actions belong to checklist runs; this document is a {}",
            document.document_type()
        )));
    };
    let Action::UpdateCorrectiveAction {
        id,
        assignee,
        due_at,
        priority,
        status,
        note,
        evidence,
    } = action
    else {
        return Err(ActionRefused::State(
            "this action applies to count sessions, not checklist runs".into(),
        ));
    };
    let Some(current) = run.corrective_actions.iter().find(|a| a.id == id) else {
        return Err(ActionRefused::NotFound(format!(
            "the run has no corrective action {id:?}"
        )));
    };
    let priority = priority
        .map(|p| parse_word::<Priority>(&p, "priority"))
        .transpose()?;
    let status = status
        .map(|s| parse_word::<ActionStatus>(&s, "status"))
        .transpose()?;
    if let Some(Some(due)) = &due_at
        && !is_rfc3339(due)
    {
        return Err(ActionRefused::Invalid(format!(
            "due_at: {due:?} is not an RFC 3339 timestamp such as 2026-11-25T17:00:00Z"
        )));
    }
    let evidence = evidence_refs(evidence)?;

    let target = action_object(tx, &id)?;
    if let Some(assignee) = assignee {
        put(tx, &target, "assignee", &json!(assignee))?;
    }
    if let Some(due_at) = due_at {
        put(tx, &target, "due_at", &json!(due_at))?;
    }
    if let Some(priority) = priority {
        put(tx, &target, "priority", &json!(priority.to_string()))?;
    }
    // A comment or evidence without a status change keeps the current status.
    let new_status = status.unwrap_or_else(|| current.status());
    if status.is_some() || note.is_some() || !evidence.is_empty() {
        let timeline = list_at(tx, &target, "timeline")?;
        let mut event = recorded(user_id);
        event["id"] = json!(new_uuid());
        event["status"] = json!(new_status.to_string());
        event["photos"] = Value::Array(evidence);
        if let Some(note) = note {
            event["note"] = json!(note);
        }
        append(tx, &timeline, &event)?;
    }
    Ok(json!({ "id": id, "status": new_status.to_string() }))
}

/// The corrective action's map in the document, found by its id.
fn action_object(tx: &Transaction<'_>, id: &str) -> Result<ObjId, ActionRefused> {
    let missing = || ActionRefused::NotFound(format!("the run has no corrective action {id:?}"));
    let Some((automerge::Value::Object(ObjType::List), list)) =
        tx.get(&ROOT, "corrective_actions")?
    else {
        return Err(missing());
    };
    (0..tx.length(&list))
        .filter_map(|i| match tx.get(&list, i) {
            Ok(Some((automerge::Value::Object(ObjType::Map), obj))) => Some(obj),
            _ => None,
        })
        .find(|obj| read_string(tx, obj, "id").as_deref() == Some(id))
        .ok_or_else(missing)
}

/// Evidence references, checked the way the schema checks photos.
fn evidence_refs(evidence: Vec<Value>) -> Result<Vec<Value>, ActionRefused> {
    evidence
        .into_iter()
        .enumerate()
        .map(|(i, reference)| {
            let sha_ok = reference["sha256"]
                .as_str()
                .is_some_and(|s| s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
            let type_ok = reference["content_type"]
                .as_str()
                .is_some_and(|t| <floorwalk_shared::ContentType as DomainEnum>::parse(t).is_some());
            let size_ok = reference["size"].as_u64().is_some();
            if sha_ok && type_ok && size_ok {
                Ok(json!({
                    "sha256": reference["sha256"],
                    "content_type": reference["content_type"],
                    "size": reference["size"],
                }))
            } else {
                Err(ActionRefused::Invalid(format!(
                    "evidence[{i}]: expected {{\"sha256\": 64 lowercase hex digits, \"content_type\": e.g. \"image/jpeg\", \"size\": bytes}} of an uploaded attachment"
                )))
            }
        })
        .collect()
}
