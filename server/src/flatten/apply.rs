//! Writes one flatten in one transaction: the rows, the derived count lines,
//! the KPI rollups of the days they fall on, the new heads.

use super::rows::{LineFacts, Rows, derive_line_statements};
use crate::{
    stmt,
    storage::{FlattenStore, FlattenTx, PlannedLine, Statement, StoreResult},
};

pub struct FlattenBatch {
    pub document_id: String,
    pub site_id: i64,
    pub doc_type: String,
    pub heads: String,
    pub rows: Rows,
    pub now: i64,
    /// Problems of the members left out (quarantined) in this flatten.
    pub problems: Vec<MemberProblem>,
    /// The members this flatten checked (their old problems are replaced);
    /// `None`: it checked everything.
    pub checked: Option<Vec<String>>,
}

/// A problem of one member of a document, kept out of the reports.
#[derive(Clone, Debug, PartialEq)]
pub struct MemberProblem {
    /// The member: `lines["A-01|SKU-1"]`, `entries[id="…"]`.
    pub part: String,
    pub path: String,
    pub message: String,
    /// The change that wrote it (hex hash), for who delivered it.
    pub written_in: Option<String>,
}

/// Writes the batch and commits.
pub async fn apply_flatten<S: FlattenStore + ?Sized>(
    store: &S,
    batch: &FlattenBatch,
) -> StoreResult<()> {
    let mut tx = store.begin_flatten().await?;
    apply_batch(&mut tx, batch).await?;
    tx.commit().await
}

async fn apply_batch(tx: &mut FlattenTx, batch: &FlattenBatch) -> StoreResult<()> {
    let before = tx
        .rollup_snapshot(batch.site_id, &batch.document_id, &batch.doc_type)
        .await?;
    for statement in &batch.rows.statements {
        tx.exec(statement).await?;
    }
    for key in &batch.rows.lines_to_derive {
        let entries = tx.live_entries(&batch.document_id, key).await?;
        let planned = match tx.planned_line(&batch.document_id, key).await? {
            Some(planned) => planned,
            None => {
                let (location, sku) = floorwalk_shared::count_session::split_line_key(key)
                    .unwrap_or((key.as_str(), ""));
                PlannedLine {
                    location: location.into(),
                    sku: sku.into(),
                    ..PlannedLine::default()
                }
            }
        };
        let facts = LineFacts {
            document_id: &batch.document_id,
            site_id: batch.site_id,
            line_key: key,
            planned,
            entries,
        };
        for statement in derive_line_statements(&facts) {
            tx.exec(&statement).await?;
        }
    }
    tx.refresh_rollups(before, &batch.doc_type).await?;
    replace_problems(tx, batch).await?;
    tx.exec(&heads_statement(
        &batch.document_id,
        batch.site_id,
        &batch.doc_type,
        &batch.heads,
        batch.now,
    ))
    .await
}

/// Problems of the members this flatten checked are replaced; those of members
/// it did not touch stay (they are as wrong as they were).
async fn replace_problems(tx: &mut FlattenTx, batch: &FlattenBatch) -> StoreResult<()> {
    let document = batch.document_id.as_str();
    match &batch.checked {
        None => {
            tx.exec(&stmt!(
                "DELETE FROM document_problems WHERE document_id = $1",
                document
            ))
            .await?
        }
        Some(parts) => {
            tx.exec(&stmt!(
                "DELETE FROM document_problems WHERE document_id = $1 AND part = ''",
                document
            ))
            .await?;
            for part in parts {
                tx.exec(&stmt!(
                    "DELETE FROM document_problems WHERE document_id = $1 AND part = $2",
                    document,
                    part.as_str()
                ))
                .await?;
            }
        }
    }
    for problem in &batch.problems {
        tx.exec(&stmt!(
            "INSERT INTO document_problems (document_id, site_id, path, message, detected_at, part, written_in) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (document_id, path, message) DO NOTHING",
            document,
            batch.site_id,
            problem.path.as_str(),
            problem.message.as_str(),
            batch.now,
            problem.part.as_str(),
            problem.written_in.as_deref()
        ))
        .await?;
    }
    Ok(())
}

fn heads_statement(
    document_id: &str,
    site_id: i64,
    doc_type: &str,
    heads: &str,
    now: i64,
) -> Statement {
    stmt!(
        "INSERT INTO flattened_heads (document_id, site_id, doc_type, heads, updated_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (document_id) DO UPDATE SET doc_type = excluded.doc_type, heads = excluded.heads, \
         updated_at = excluded.updated_at",
        document_id,
        site_id,
        doc_type,
        heads,
        now,
    )
}
