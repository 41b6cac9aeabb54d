//! The one implementation of every storage trait, in portable SQL: `$n` placeholders,
//! `CAST(… AS BIGINT)` (Postgres sums BIGINT into NUMERIC), `TRUE`/`FALSE`. Each query
//! is a [`Statement`] run through `db::Db`, the seam over the two databases.

mod accounts;
mod admin;
mod cluster;
mod db;
mod documents;
mod flatten;
mod kpis;
mod masterdata;
mod reporting;
mod rollups;
mod schedules;
mod sessions;
mod statement;
mod work;

use async_trait::async_trait;

pub(crate) use db::Db;
pub use flatten::FlattenTx;
use statement::like_pattern;
pub use statement::{Arg, SqlBuilder, Statement};

use super::{Store, StoreResult};
use crate::stmt;

pub(crate) struct SqlStore {
    pub(super) db: Db,
    /// This process's name in the notes it sends other instances, so that it can
    /// tell its own apart.
    instance: std::sync::Arc<str>,
}

impl SqlStore {
    pub(super) fn new(db: Db) -> Self {
        Self {
            db,
            instance: hex::encode(rand::random::<[u8; 8]>()).into(),
        }
    }

    /// Runs the rebuilds a migration asked for (`pending_rebuilds`), before serving.
    pub(super) async fn rebuild_if_pending(&self) -> StoreResult<()> {
        let pending: i64 = self
            .db
            .scalar(&stmt!(
                "SELECT COUNT(*) FROM pending_rebuilds WHERE what = 'kpi_rollups'"
            ))
            .await?;
        if pending > 0 {
            tracing::info!(
                "building the KPI rollups from the flattened rows (once, after an upgrade)"
            );
            super::FlattenStore::rebuild_kpi_rollups(self).await?;
        }
        Ok(())
    }
}

#[async_trait]
impl Store for SqlStore {
    fn backend(&self) -> &'static str {
        self.db.backend()
    }

    async fn ping(&self) -> StoreResult<()> {
        self.db.read().await?.execute(&stmt!("SELECT 1")).await?;
        Ok(())
    }

    async fn migrations_applied(&self) -> StoreResult<bool> {
        let expected = self.db.migrator().iter().count() as i64;
        let count = stmt!("SELECT COUNT(*) FROM _sqlx_migrations WHERE success");
        let applied: i64 = self.db.scalar(&count).await?;
        Ok(applied >= expected)
    }
}
