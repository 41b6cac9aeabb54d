//! Postgres: the production backend and the reporting database.

use sqlx::{migrate::Migrator, postgres::PgPoolOptions};

use super::{StoreResult, sql::Db};

pub(super) static MIGRATOR: Migrator = sqlx::migrate!("../migrations/postgres");

pub(super) async fn open(url: &str, max_connections: u32) -> StoreResult<Db> {
    let pool = PgPoolOptions::new()
        .max_connections(max_connections.max(1))
        .connect(url)
        .await?;
    MIGRATOR.run(&pool).await?;
    Ok(Db::Postgres(pool))
}
