//! Postgres: the production backend and the reporting database.

mod accounts;
mod desk_accounts;
mod desk_masterdata;
mod desk_schedules;
mod documents;
mod flatten;
mod reporting;
mod sessions;
mod work;

use async_trait::async_trait;
use sqlx::{PgPool, postgres::PgPoolOptions};

use super::{Store, StoreResult};

pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    pub async fn open(url: &str, max_connections: u32) -> StoreResult<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(max_connections.max(1))
            .connect(url)
            .await?;
        sqlx::migrate!("../migrations/postgres").run(&pool).await?;
        Ok(Self { pool })
    }
}

#[async_trait]
impl Store for PostgresStore {
    fn backend(&self) -> &'static str {
        "postgres"
    }

    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn migrations_applied(&self) -> StoreResult<bool> {
        let expected = sqlx::migrate!("../migrations/postgres").iter().count() as i64;
        let applied: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE success")
                .fetch_one(&self.pool)
                .await?;
        Ok(applied >= expected)
    }
}
