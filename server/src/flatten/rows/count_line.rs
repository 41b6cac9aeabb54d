//! A count line's derived state (the quantity that stands, conflicts, recount
//! state, the stock adjustment of an approval) from all its live entries.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::json;

use super::json;
use crate::{
    stmt,
    storage::{LiveEntry, PlannedLine, Statement},
};

pub struct LineFacts<'a> {
    pub document_id: &'a str,
    pub site_id: i64,
    pub line_key: &'a str,
    pub planned: PlannedLine,
    pub entries: Vec<LiveEntry>,
}

pub fn derive_line_statements(facts: &LineFacts<'_>) -> Vec<Statement> {
    let (doc, key, plan) = (facts.document_id, facts.line_key, &facts.planned);
    let mut passes: BTreeMap<i64, Vec<&LiveEntry>> = BTreeMap::new();
    for entry in &facts.entries {
        passes.entry(entry.count_index).or_default().push(entry);
    }
    let last_pass = passes.keys().next_back().copied();
    let counted_at = facts.entries.iter().map(|e| e.at.clone()).max();
    let agreed = last_pass.and_then(|pass| {
        let quantities: BTreeSet<i64> = passes[&pass].iter().map(|e| e.qty).collect();
        (quantities.len() == 1)
            .then(|| quantities.into_iter().next())
            .flatten()
    });
    let in_conflict = last_pass.is_some() && agreed.is_none();
    let recount_state = match plan.recount_index {
        None => "none",
        Some(index) if last_pass.is_some_and(|p| p >= index) => "counted",
        Some(_) => "requested",
    };
    let status = if plan.approved_qty.is_some() {
        "approved"
    } else if in_conflict {
        "conflict"
    } else if recount_state == "requested" {
        "recount"
    } else if last_pass.is_some() {
        "counted"
    } else {
        "uncounted"
    };
    let counted_qty = plan.approved_qty.or(agreed);
    let mut out = vec![stmt!(
        "INSERT INTO count_lines (document_id, site_id, line_key, location, sku, counted_qty, last_count_index, \
         counted_at, recount_state, status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         ON CONFLICT (document_id, line_key) DO UPDATE SET counted_qty = excluded.counted_qty, \
         last_count_index = excluded.last_count_index, counted_at = excluded.counted_at, \
         recount_state = excluded.recount_state, status = excluded.status",
        doc,
        facts.site_id,
        key,
        &plan.location,
        &plan.sku,
        counted_qty,
        last_pass,
        counted_at,
        recount_state,
        status,
    )];
    // Conflicts are a function of the line's live entries now, so any merge
    // order (and a full re-flatten) gives the same rows: every pass whose live
    // entries disagree. It stays listed, resolved, once the manager approved
    // the line or a later pass (the recount) superseded it; a disagreement
    // undone by voiding an entry is no conflict (the entries keep the trail).
    out.push(stmt!(
        "DELETE FROM count_conflicts WHERE document_id = $1 AND line_key = $2",
        doc,
        key,
    ));
    for (pass, entries) in &passes {
        let quantities: BTreeSet<i64> = entries.iter().map(|e| e.qty).collect();
        if quantities.len() > 1 {
            let detail: Vec<_> = entries
                .iter()
                .map(|e| json!({"entry_id": e.id, "qty": e.qty, "by": e.by, "device": e.device, "at": e.at}))
                .collect();
            let latest = entries.iter().map(|e| e.at.clone()).max();
            let approved = plan.approved_qty.is_some();
            let resolved = approved || last_pass.is_some_and(|last| last > *pass);
            out.push(stmt!(
                "INSERT INTO count_conflicts (document_id, site_id, line_key, count_index, quantities, entries, \
                 counted_at, resolved, resolved_by, resolved_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                doc,
                facts.site_id,
                key,
                *pass,
                json(&quantities),
                json(&detail),
                latest,
                resolved,
                plan.approved_by.clone().filter(|_| approved),
                plan.approved_at.clone().filter(|_| approved),
            ));
        }
    }
    // Approving a variance writes the stock adjustment (counted − expected).
    match (plan.approved_qty, &plan.approved_at) {
        (Some(approved), Some(at)) => out.push(stmt!(
            "INSERT INTO stock_movements (document_id, site_id, entry_id, leg, source_type, cause, sku, location, qty, \
             recorded_by, recorded_at, device, voided) VALUES ($1, $2, $3, 'adjust', 'count_session', \
             'count_adjustment', $4, $5, $6, $7, $8, NULL, $9) \
             ON CONFLICT (document_id, entry_id, leg) DO UPDATE SET qty = excluded.qty, \
             recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at, voided = excluded.voided",
            doc,
            facts.site_id,
            key,
            &plan.sku,
            &plan.location,
            approved - plan.expected_qty.unwrap_or(0),
            plan.approved_by.clone(),
            at,
            false,
        )),
        _ => out.push(stmt!(
            "DELETE FROM stock_movements WHERE document_id = $1 AND entry_id = $2 AND leg = 'adjust'",
            doc,
            key,
        )),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::Arg;

    fn entry(id: &str, qty: i64, pass: i64) -> LiveEntry {
        LiveEntry {
            id: id.into(),
            qty,
            count_index: pass,
            by: "u".into(),
            device: "d".into(),
            at: format!("2026-11-25T10:00:0{pass}Z"),
        }
    }

    fn line_row(statements: &[Statement]) -> &Statement {
        &statements[0]
    }

    fn facts(entries: Vec<LiveEntry>, planned: PlannedLine) -> LineFacts<'static> {
        LineFacts {
            document_id: "d",
            site_id: 1,
            line_key: "A|S",
            planned,
            entries,
        }
    }

    #[test]
    fn agreeing_entries_stand_and_disagreeing_ones_conflict() {
        let agreed = derive_line_statements(&facts(
            vec![entry("a", 5, 1), entry("b", 5, 1)],
            PlannedLine::default(),
        ));
        assert_eq!(line_row(&agreed).args[5], Arg::Int(Some(5)));
        assert_eq!(line_row(&agreed).args[9], Arg::Text(Some("counted".into())));

        let disagree = derive_line_statements(&facts(
            vec![entry("a", 5, 1), entry("b", 7, 1)],
            PlannedLine::default(),
        ));
        assert_eq!(line_row(&disagree).args[5], Arg::Int(None));
        assert_eq!(
            line_row(&disagree).args[9],
            Arg::Text(Some("conflict".into()))
        );
        assert!(
            disagree
                .iter()
                .any(|s| s.sql.starts_with("INSERT INTO count_conflicts"))
        );

        // A recount that agrees settles the line, and the old conflict is resolved.
        let recounted = derive_line_statements(&facts(
            vec![entry("a", 5, 1), entry("b", 7, 1), entry("c", 6, 2)],
            PlannedLine {
                recount_index: Some(2),
                ..PlannedLine::default()
            },
        ));
        assert_eq!(line_row(&recounted).args[5], Arg::Int(Some(6)));
        assert_eq!(
            line_row(&recounted).args[8],
            Arg::Text(Some("counted".into()))
        );
        let conflict = recounted
            .iter()
            .find(|s| s.sql.starts_with("INSERT INTO count_conflicts"))
            .expect("the first pass's conflict stays listed");
        assert_eq!(conflict.args[3], Arg::Int(Some(1)));
        assert_eq!(
            conflict.args[7],
            Arg::Bool(Some(true)),
            "resolved by the recount"
        );

        // Voiding one side of a disagreement leaves no conflict row at all.
        let voided = derive_line_statements(&facts(vec![entry("a", 5, 1)], PlannedLine::default()));
        assert!(voided[1].sql.starts_with("DELETE FROM count_conflicts"));
        assert!(
            !voided
                .iter()
                .any(|s| s.sql.starts_with("INSERT INTO count_conflicts"))
        );
    }

    #[test]
    fn an_approval_stands_and_writes_the_adjustment() {
        let statements = derive_line_statements(&facts(
            vec![entry("a", 5, 1), entry("b", 7, 1)],
            PlannedLine {
                expected_qty: Some(8),
                approved_qty: Some(6),
                approved_by: Some("m".into()),
                approved_at: Some("2026-11-25T12:00:00Z".into()),
                ..PlannedLine::default()
            },
        ));
        assert_eq!(
            line_row(&statements).args[9],
            Arg::Text(Some("approved".into()))
        );
        let adjustment = statements
            .iter()
            .find(|s| s.sql.starts_with("INSERT INTO stock_movements"))
            .expect("adjustment");
        assert_eq!(adjustment.args[5], Arg::Int(Some(-2)));
    }
}
