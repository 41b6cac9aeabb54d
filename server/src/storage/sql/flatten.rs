use async_trait::async_trait;
use floorwalk_shared::Problem;

use super::{
    SqlStore, Statement,
    db::Conn,
    rollups::{self, RollupSnapshot},
};
use crate::{
    stmt,
    storage::{FlattenStore, LiveEntry, PlannedLine, StoreResult, now_millis},
};

/// The transaction one flatten writes in: the flattener's statements, and the two
/// reads it needs to derive a count line from everything written before.
pub struct FlattenTx(Conn);

impl FlattenTx {
    pub async fn exec(&mut self, statement: &Statement) -> StoreResult<()> {
        self.0.execute(statement).await?;
        Ok(())
    }

    pub async fn planned_line(
        &mut self,
        document_id: &str,
        line_key: &str,
    ) -> StoreResult<Option<PlannedLine>> {
        let select = stmt!(
            "SELECT location, sku, expected_qty, approved_qty, approved_by, approved_at, \
             recount_index FROM count_lines WHERE document_id = $1 AND line_key = $2",
            document_id,
            line_key
        );
        self.0.fetch_optional(&select).await
    }

    pub async fn live_entries(
        &mut self,
        document_id: &str,
        line_key: &str,
    ) -> StoreResult<Vec<LiveEntry>> {
        let select = stmt!(
            "SELECT id, qty, count_index, recorded_by, device, recorded_at FROM count_entries \
             WHERE document_id = $1 AND line_key = $2 AND voided = $3 \
             ORDER BY count_index, recorded_at, id",
            document_id,
            line_key,
            false
        );
        self.0.fetch_all(&select).await
    }

    /// What the document feeds the KPI rollups now: taken before the flatten writes,
    /// handed back to [`FlattenTx::refresh_rollups`] after.
    pub async fn rollup_snapshot(
        &mut self,
        site_id: i64,
        document_id: &str,
        doc_type: &str,
    ) -> StoreResult<RollupSnapshot> {
        RollupSnapshot::take(&mut self.0, site_id, document_id, doc_type).await
    }

    /// Recomputes every rollup day and item the document fed before or feeds now.
    pub async fn refresh_rollups(
        &mut self,
        before: RollupSnapshot,
        doc_type: &str,
    ) -> StoreResult<()> {
        before.refresh(&mut self.0, doc_type).await
    }

    pub async fn commit(self) -> StoreResult<()> {
        self.0.commit().await
    }
}

#[async_trait]
impl FlattenStore for SqlStore {
    async fn flattened_heads(&self, document_id: &str) -> StoreResult<Option<String>> {
        let select = stmt!(
            "SELECT heads FROM flattened_heads WHERE document_id = $1",
            document_id
        );
        let heads: Option<(String,)> = self.db.fetch_optional(&select).await?;
        Ok(heads.map(|(h,)| h))
    }

    async fn documents_behind(&self) -> StoreResult<Vec<(String, i64)>> {
        let select = stmt!(
            "SELECT d.id, d.site_id FROM documents d LEFT JOIN flattened_heads f ON f.document_id = d.id \
             WHERE f.heads IS NULL OR f.heads <> d.heads ORDER BY d.created_at"
        );
        self.db.fetch_all(&select).await
    }

    async fn rebuild_kpi_rollups(&self) -> StoreResult<()> {
        let sites: Vec<(i64,)> = self
            .db
            .fetch_all(&stmt!("SELECT id FROM sites ORDER BY id"))
            .await?;
        for (site_id,) in sites {
            let mut tx = self.db.begin().await?;
            rollups::rebuild_site(&mut tx, site_id).await?;
            tx.commit().await?;
        }
        let mut tx = self.db.begin().await?;
        tx.execute(&stmt!(
            "DELETE FROM pending_rebuilds WHERE what = 'kpi_rollups'"
        ))
        .await?;
        tx.commit().await
    }

    async fn begin_flatten(&self) -> StoreResult<FlattenTx> {
        Ok(FlattenTx(self.db.begin().await?))
    }

    async fn record_problems(
        &self,
        document_id: &str,
        site_id: i64,
        problems: &[Problem],
    ) -> StoreResult<()> {
        let now = now_millis();
        let mut tx = self.db.begin().await?;
        tx.execute(&stmt!(
            "DELETE FROM document_problems WHERE document_id = $1",
            document_id
        ))
        .await?;
        for problem in problems {
            tx.execute(&stmt!(
                "INSERT INTO document_problems (document_id, site_id, path, message, detected_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (document_id, path, message) DO NOTHING",
                document_id,
                site_id,
                problem.path.as_str(),
                problem.message.as_str(),
                now
            ))
            .await?;
        }
        tx.commit().await
    }
}
