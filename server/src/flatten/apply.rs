//! Writes one flatten in one transaction: the rows, the derived count lines,
//! the new heads. The SQL is shared; each backend supplies a `FlattenTx`.

use async_trait::async_trait;
use floorwalk_shared::Problem;

use super::{
    rows::{LineFacts, LiveEntry, PlannedLine, Rows, derive_line_statements},
    statement::Statement,
};
use crate::{stmt, storage::StoreResult};

/// What one backend's transaction must offer the flattener.
#[async_trait]
pub trait FlattenTx: Send {
    async fn exec(&mut self, statement: &Statement) -> StoreResult<()>;
    async fn planned_line(
        &mut self,
        document_id: &str,
        line_key: &str,
    ) -> StoreResult<Option<PlannedLine>>;
    async fn live_entries(
        &mut self,
        document_id: &str,
        line_key: &str,
    ) -> StoreResult<Vec<LiveEntry>>;
}

/// The reads `FlattenTx` implementations run (with `$n` placeholders).
pub const PLANNED_LINE_SQL: &str = "SELECT location, sku, expected_qty, approved_qty, approved_by, approved_at, \
     recount_index FROM count_lines WHERE document_id = $1 AND line_key = $2";
pub const LIVE_ENTRIES_SQL: &str = "SELECT id, qty, count_index, recorded_by, device, recorded_at FROM count_entries \
     WHERE document_id = $1 AND line_key = $2 AND voided = $3 ORDER BY count_index, recorded_at, id";

pub struct FlattenBatch {
    pub document_id: String,
    pub site_id: i64,
    pub doc_type: String,
    pub heads: String,
    pub rows: Rows,
    pub now: i64,
}

pub async fn apply_batch(tx: &mut dyn FlattenTx, batch: &FlattenBatch) -> StoreResult<()> {
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
    tx.exec(&stmt!(
        "DELETE FROM document_problems WHERE document_id = $1",
        batch.document_id.as_str()
    ))
    .await?;
    tx.exec(&heads_statement(
        &batch.document_id,
        batch.site_id,
        &batch.doc_type,
        &batch.heads,
        batch.now,
    ))
    .await
}

/// Replaces a document's problems; its rows and heads stay as last valid.
pub async fn record_problems(
    tx: &mut dyn FlattenTx,
    document_id: &str,
    site_id: i64,
    problems: &[Problem],
    now: i64,
) -> StoreResult<()> {
    tx.exec(&stmt!(
        "DELETE FROM document_problems WHERE document_id = $1",
        document_id
    ))
    .await?;
    for problem in problems {
        tx.exec(&stmt!(
            "INSERT INTO document_problems (document_id, site_id, path, message, detected_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (document_id, path, message) DO NOTHING",
            document_id,
            site_id,
            problem.path.as_str(),
            problem.message.as_str(),
            now,
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
