//! The generated database: a fresh Postgres database, migrated by the server's
//! own code, then filled by `generate.sql` in one connection.

use std::time::Instant;

use floorwalk::storage;
use sqlx::{Connection, Executor, PgConnection};

const ADMIN: &str = "postgres://postgres@127.0.0.1:5432/postgres";
pub const SITES: usize = 10;

pub struct Dataset {
    pub url: String,
    name: Option<String>,
}

impl Dataset {
    pub fn existing(url: &str) -> Self {
        Self {
            url: url.to_string(),
            name: None,
        }
    }

    pub async fn generate() -> anyhow::Result<Self> {
        let name = format!("fw_bench_kpis_{:08x}", rand::random::<u32>());
        let mut admin = PgConnection::connect(ADMIN)
            .await
            .map_err(|e| anyhow::anyhow!("Postgres is needed on 127.0.0.1:5432: {e}"))?;
        admin
            .execute(format!("CREATE DATABASE {name}").as_str())
            .await?;
        let url = format!("postgres://postgres@127.0.0.1:5432/{name}");
        let store = storage::open(&url, 2).await?;
        for s in 1..=SITES {
            store
                .create_site(&format!("site-{s:02}"), &format!("Site {s}"))
                .await?;
        }
        drop(store);
        let mut conn = PgConnection::connect(&url).await?;
        let start = Instant::now();
        for statement in include_str!("generate.sql").split("\n;;\n") {
            conn.execute(statement).await?;
        }
        // The rows were written here, not by the flattener: the rollups are built from
        // them as an upgrade builds them.
        let rollups = Instant::now();
        storage::open(&url, 2).await?.rebuild_kpi_rollups().await?;
        println!("rollups built in {:.1} s", rollups.elapsed().as_secs_f64());
        // Statistics and the visibility map, as autovacuum would leave them
        // (index-only scans need the latter). Simple protocol: VACUUM cannot be prepared.
        sqlx::raw_sql("VACUUM ANALYZE").execute(&mut conn).await?;
        println!("generated in {:.0} s:", start.elapsed().as_secs_f64());
        for table in [
            "count_entries",
            "count_lines",
            "count_sessions",
            "checklist_runs",
            "checklist_responses",
            "corrective_actions",
            "shipments",
            "shipment_lines",
            "stock_movements",
            "items",
            "kpi_count_days",
            "kpi_checklist_days",
            "kpi_receiving_days",
            "kpi_item_counted_days",
        ] {
            let rows: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
                .fetch_one(&mut conn)
                .await?;
            println!("  {table}: {rows}");
        }
        Ok(Self {
            url,
            name: Some(name),
        })
    }

    pub async fn drop_database(self) -> anyhow::Result<()> {
        if let Some(name) = self.name {
            let mut admin = PgConnection::connect(ADMIN).await?;
            admin
                .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                .await?;
        }
        Ok(())
    }
}
