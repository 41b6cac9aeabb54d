use async_trait::async_trait;
use floorwalk_shared::Problem;
use sqlx::{Postgres, Row, Transaction, postgres::PgArguments};

use super::PostgresStore;
use crate::{
    flatten::{
        apply::{
            FlattenBatch, FlattenTx, LIVE_ENTRIES_SQL, PLANNED_LINE_SQL, apply_batch,
            record_problems,
        },
        rows::{LiveEntry, PlannedLine},
        statement::{Arg, Statement},
    },
    storage::{FlattenStore, StoreResult, now_millis},
};

fn bound<'q>(
    query: sqlx::query::Query<'q, Postgres, PgArguments>,
    args: &[Arg],
) -> sqlx::query::Query<'q, Postgres, PgArguments> {
    args.iter().fold(query, |q, arg| match arg {
        Arg::Int(v) => q.bind(*v),
        Arg::Real(v) => q.bind(*v),
        Arg::Text(v) => q.bind(v.clone()),
        Arg::Bool(v) => q.bind(*v),
    })
}

struct PgFlattenTx<'a> {
    tx: Transaction<'a, Postgres>,
}

#[async_trait]
impl FlattenTx for PgFlattenTx<'_> {
    async fn exec(&mut self, statement: &Statement) -> StoreResult<()> {
        bound(sqlx::query(statement.sql), &statement.args)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    async fn planned_line(
        &mut self,
        document_id: &str,
        line_key: &str,
    ) -> StoreResult<Option<PlannedLine>> {
        let row = sqlx::query(PLANNED_LINE_SQL)
            .bind(document_id)
            .bind(line_key)
            .fetch_optional(&mut *self.tx)
            .await?;
        row.map(|row| {
            Ok(PlannedLine {
                location: row.try_get("location")?,
                sku: row.try_get("sku")?,
                expected_qty: row.try_get("expected_qty")?,
                approved_qty: row.try_get("approved_qty")?,
                approved_by: row.try_get("approved_by")?,
                approved_at: row.try_get("approved_at")?,
                recount_index: row.try_get("recount_index")?,
            })
        })
        .transpose()
    }

    async fn live_entries(
        &mut self,
        document_id: &str,
        line_key: &str,
    ) -> StoreResult<Vec<LiveEntry>> {
        let rows = sqlx::query(LIVE_ENTRIES_SQL)
            .bind(document_id)
            .bind(line_key)
            .bind(false)
            .fetch_all(&mut *self.tx)
            .await?;
        rows.iter()
            .map(|row| {
                Ok(LiveEntry {
                    id: row.try_get("id")?,
                    qty: row.try_get("qty")?,
                    count_index: row.try_get("count_index")?,
                    by: row.try_get("recorded_by")?,
                    device: row.try_get("device")?,
                    at: row.try_get("recorded_at")?,
                })
            })
            .collect()
    }
}

#[async_trait]
impl FlattenStore for PostgresStore {
    async fn flattened_heads(&self, document_id: &str) -> StoreResult<Option<String>> {
        Ok(
            sqlx::query_scalar("SELECT heads FROM flattened_heads WHERE document_id = $1")
                .bind(document_id)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    async fn documents_behind(&self) -> StoreResult<Vec<(String, i64)>> {
        let rows = sqlx::query(
            "SELECT d.id, d.site_id FROM documents d LEFT JOIN flattened_heads f ON f.document_id = d.id \
             WHERE f.heads IS NULL OR f.heads <> d.heads ORDER BY d.created_at",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("site_id")?)))
            .collect()
    }

    async fn apply_flatten(&self, batch: &FlattenBatch) -> StoreResult<()> {
        let mut tx = PgFlattenTx {
            tx: self.pool.begin().await?,
        };
        apply_batch(&mut tx, batch).await?;
        tx.tx.commit().await?;
        Ok(())
    }

    async fn record_problems(
        &self,
        document_id: &str,
        site_id: i64,
        problems: &[Problem],
    ) -> StoreResult<()> {
        let mut tx = PgFlattenTx {
            tx: self.pool.begin().await?,
        };
        record_problems(&mut tx, document_id, site_id, problems, now_millis()).await?;
        tx.tx.commit().await?;
        Ok(())
    }
}
