//! Checklist runs are small: each flatten rewrites the run's rows whole.

use std::collections::BTreeSet;

use floorwalk_shared::{
    ChecklistRun, DomainEnum,
    checklist_run::{Answer, SignOffMethod},
};

use super::{Rows, Target, json};
use crate::{flatten::validate::Validated, stmt};

/// Two people answered the item concurrently, differently: the manager must
/// see it. (Concurrent identical answers are no conflict.)
fn answers_disagree(validated: &Validated, item_id: &str) -> bool {
    validated
        .conflicts
        .get("responses")
        .and_then(|c| c.get(item_id))
        .is_some_and(|values| {
            let answers: BTreeSet<String> = values
                .iter()
                .map(|v| v.get("answer").map(ToString::to_string).unwrap_or_default())
                .collect();
            answers.len() > 1
        })
}

pub fn rows(t: &Target<'_>, run: &ChecklistRun, validated: &Validated) -> Rows {
    let mut rows = Rows::default();
    let out = &mut rows.statements;
    for sql in [
        "DELETE FROM checklist_responses WHERE document_id = $1",
        "DELETE FROM corrective_actions WHERE document_id = $1",
    ] {
        out.push(stmt!(sql, t.document_id));
    }
    let items = &run.template.items;
    let failed_count = run.failed_items().len();
    let missing_required = run.missing_required().len();
    let sign_off = run.sign_off.as_ref();
    let method = sign_off.map(|s| match s.method {
        SignOffMethod::Signature { .. } => "signature",
        SignOffMethod::Pin => "pin",
    });
    out.push(stmt!(
        "INSERT INTO checklist_runs (document_id, site_id, template_id, template_version, template_name, location, \
         assignee, due_at, completed_at, sign_off_name, sign_off_method, signed_off_by, signed_off_at, items_total, \
         responses_count, failed_count, missing_required, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) \
         ON CONFLICT (document_id) DO UPDATE SET template_id = excluded.template_id, \
         template_version = excluded.template_version, template_name = excluded.template_name, \
         location = excluded.location, assignee = excluded.assignee, due_at = excluded.due_at, \
         completed_at = excluded.completed_at, sign_off_name = excluded.sign_off_name, \
         sign_off_method = excluded.sign_off_method, signed_off_by = excluded.signed_off_by, \
         signed_off_at = excluded.signed_off_at, items_total = excluded.items_total, \
         responses_count = excluded.responses_count, failed_count = excluded.failed_count, \
         missing_required = excluded.missing_required, updated_at = excluded.updated_at",
        t.document_id, t.site_id, &run.template.template_id, run.template.version, &run.template.name,
        run.location.clone(), run.assignee.clone(), run.due_at.clone(), run.completed_at.clone(),
        sign_off.map(|s| s.name.clone()), method, sign_off.map(|s| s.recorded.by.clone()),
        sign_off.map(|s| s.recorded.at.clone()), items.len() as u64, run.responses.len() as u64,
        failed_count as u64, missing_required as u64, t.now,
    ));
    let failed_items = run.failed_items();
    let failed: Vec<&str> = failed_items.iter().map(|i| i.id.as_str()).collect();
    for (item_id, response) in &run.responses {
        let item = items.iter().find(|i| &i.id == item_id);
        let (kind, outcome, number, text) = match &response.answer {
            Answer::Check { outcome } => ("check", Some(outcome.as_str()), None, None),
            Answer::Number { value } => ("number", None, Some(*value), None),
            Answer::Text { text } => ("text", None, None, Some(text.clone())),
        };
        out.push(stmt!(
            "INSERT INTO checklist_responses (document_id, site_id, item_id, label, kind, required, outcome, \
             number_value, text_value, failed, note, photos, recorded_by, recorded_at, device, conflict) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
            t.document_id, t.site_id, item_id, item.map_or(item_id.clone(), |i| i.label.clone()), kind,
            item.is_some_and(|i| i.required), outcome, number, text, failed.contains(&item_id.as_str()),
            response.note.clone(), json(&response.photos), &response.recorded.by, &response.recorded.at,
            &response.recorded.device, answers_disagree(validated, item_id),
        ));
    }
    for action in &run.corrective_actions {
        let status = action.status();
        let status_at = action.timeline.iter().map(|e| e.recorded.at.clone()).max();
        let closed_at = (!action.is_open()).then(|| status_at.clone()).flatten();
        out.push(stmt!(
            "INSERT INTO corrective_actions (document_id, site_id, id, item_id, description, assignee, due_at, priority, \
             status, raised_by, raised_at, device, status_at, closed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
            t.document_id, t.site_id, &action.id, &action.item_id, &action.description, action.assignee.clone(),
            action.due_at.clone(), action.priority.as_str(), status.as_str(), &action.recorded.by,
            &action.recorded.at, &action.recorded.device, status_at, closed_at,
        ));
    }
    rows
}
