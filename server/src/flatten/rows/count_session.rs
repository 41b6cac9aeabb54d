use floorwalk_shared::{
    CountSession, DomainEnum,
    count_session::{line_key, split_line_key},
};

use super::{Rows, Target, json};
use crate::{flatten::validate::Validated, stmt};

pub fn rows(t: &Target<'_>, session: &CountSession, validated: &Validated) -> Rows {
    let mut rows = Rows::default();
    let out = &mut rows.statements;
    if validated.full {
        for sql in [
            "DELETE FROM count_entries WHERE document_id = $1",
            "DELETE FROM count_conflicts WHERE document_id = $1",
            "DELETE FROM count_lines WHERE document_id = $1",
            "DELETE FROM stock_movements WHERE document_id = $1 AND source_type = 'count_session'",
        ] {
            out.push(stmt!(sql, t.document_id));
        }
    }
    out.push(stmt!(
        "INSERT INTO count_sessions (document_id, site_id, title, blind, scope, assignees, due_at, status, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8) \
         ON CONFLICT (document_id) DO UPDATE SET title = excluded.title, blind = excluded.blind, \
         scope = excluded.scope, assignees = excluded.assignees, due_at = excluded.due_at, updated_at = excluded.updated_at",
        t.document_id,
        t.site_id,
        &session.title,
        session.blind,
        json(&session.scope),
        json(&session.assignees),
        session.due_at.clone(),
        t.now,
    ));
    // Status is the latest timeline event; only newer events than the stored one move it.
    if let Some(latest) = session
        .timeline
        .iter()
        .max_by(|a, b| (&a.recorded.at, &a.id).cmp(&(&b.recorded.at, &b.id)))
    {
        out.push(stmt!(
            "UPDATE count_sessions SET status = $2, status_at = $3, \
             closed_at = CASE WHEN $2 = 'closed' THEN $3 ELSE NULL END \
             WHERE document_id = $1 AND (status_at IS NULL OR status_at <= $3)",
            t.document_id,
            latest.status.as_str(),
            &latest.recorded.at,
        ));
    }
    for entry in &session.entries {
        let key = line_key(&entry.location, &entry.sku);
        let void = entry.void.as_ref();
        out.push(stmt!(
            "INSERT INTO count_entries (document_id, site_id, id, line_key, location, sku, qty, count_index, \
             recorded_by, recorded_at, device, note, voided, voided_by, voided_at, void_reason) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) \
             ON CONFLICT (document_id, id) DO UPDATE SET line_key = excluded.line_key, location = excluded.location, \
             sku = excluded.sku, qty = excluded.qty, count_index = excluded.count_index, note = excluded.note, \
             voided = excluded.voided, voided_by = excluded.voided_by, voided_at = excluded.voided_at, \
             void_reason = excluded.void_reason",
            t.document_id,
            t.site_id,
            &entry.id,
            key.clone(),
            &entry.location,
            &entry.sku,
            entry.qty,
            entry.count_index,
            &entry.recorded.by,
            &entry.recorded.at,
            &entry.recorded.device,
            entry.note.clone(),
            void.is_some(),
            void.map(|v| v.recorded.by.clone()),
            void.map(|v| v.recorded.at.clone()),
            void.and_then(|v| v.reason.clone()),
        ));
        rows.lines_to_derive.insert(key);
    }
    for (key, line) in &session.lines {
        let (location, sku) = split_line_key(key).unwrap_or((key.as_str(), ""));
        let approval = line.approval.as_ref();
        let recount = line.recount.as_ref();
        rows.statements.push(stmt!(
            "INSERT INTO count_lines (document_id, site_id, line_key, location, sku, expected_qty, reason, reason_note, \
             approved_qty, approved_by, approved_at, recount_index, recount_requested_by, recount_requested_at, status) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 'uncounted') \
             ON CONFLICT (document_id, line_key) DO UPDATE SET expected_qty = excluded.expected_qty, \
             reason = excluded.reason, reason_note = excluded.reason_note, approved_qty = excluded.approved_qty, \
             approved_by = excluded.approved_by, approved_at = excluded.approved_at, recount_index = excluded.recount_index, \
             recount_requested_by = excluded.recount_requested_by, recount_requested_at = excluded.recount_requested_at",
            t.document_id,
            t.site_id,
            key,
            location,
            sku,
            line.expected_qty,
            line.reason.map(|r| r.as_str()),
            line.reason_note.clone(),
            approval.map(|a| a.qty),
            approval.map(|a| a.recorded.by.clone()),
            approval.map(|a| a.recorded.at.clone()),
            recount.map(|r| r.count_index),
            recount.map(|r| r.recorded.by.clone()),
            recount.map(|r| r.recorded.at.clone()),
        ));
        rows.lines_to_derive.insert(key.clone());
    }
    // A removed line keeps its entries; only the manager's plan for it goes.
    for key in validated.removed.get("lines").into_iter().flatten() {
        rows.statements.push(stmt!(
            "UPDATE count_lines SET expected_qty = NULL, reason = NULL, reason_note = NULL, approved_qty = NULL, \
             approved_by = NULL, approved_at = NULL, recount_index = NULL, recount_requested_by = NULL, \
             recount_requested_at = NULL WHERE document_id = $1 AND line_key = $2",
            t.document_id,
            key,
        ));
        rows.lines_to_derive.insert(key.clone());
    }
    rows
}
