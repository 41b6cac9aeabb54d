//! A fresh database for one run: a new Postgres database on 127.0.0.1:5432
//! (dropped at the end) or a SQLite file in a temporary directory.

use std::sync::Arc;

use floorwalk::storage::{self, Store};
use sqlx::{Connection, Executor, PgConnection};

const POSTGRES_ADMIN: &str = "postgres://postgres@127.0.0.1:5432/postgres";

pub struct BenchDb {
    pub url: String,
    pub store: Arc<dyn Store>,
    postgres_name: Option<String>,
}

impl BenchDb {
    pub async fn create(backend: &str) -> anyhow::Result<Self> {
        let name = format!("fw_bench_flatten_{:08x}", rand::random::<u32>());
        let (url, postgres_name) = match backend {
            "sqlite" => {
                let dir = std::env::temp_dir().join(&name);
                std::fs::create_dir_all(&dir)?;
                (format!("sqlite://{}/floorwalk.db", dir.display()), None)
            }
            _ => {
                let mut admin = PgConnection::connect(POSTGRES_ADMIN)
                    .await
                    .map_err(|e| anyhow::anyhow!("Postgres is needed on 127.0.0.1:5432: {e}"))?;
                admin
                    .execute(format!("CREATE DATABASE {name}").as_str())
                    .await?;
                (
                    format!("postgres://postgres@127.0.0.1:5432/{name}"),
                    Some(name),
                )
            }
        };
        let store = storage::open(&url, 4).await?;
        Ok(Self {
            url,
            store,
            postgres_name,
        })
    }

    pub async fn drop_database(self) -> anyhow::Result<()> {
        drop(self.store);
        if let Some(name) = self.postgres_name {
            let mut admin = PgConnection::connect(POSTGRES_ADMIN).await?;
            admin
                .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                .await?;
        } else if let Some(dir) = self
            .url
            .strip_prefix("sqlite://")
            .and_then(|path| std::path::Path::new(path).parent())
        {
            let _ = std::fs::remove_dir_all(dir);
        }
        Ok(())
    }
}
