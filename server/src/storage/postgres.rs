//! Postgres: the production backend and the reporting database, shared by every
//! instance. What only Postgres does lives here: hearing other instances'
//! notes (`LISTEN`) and holding singleton jobs (session advisory locks).

use std::{sync::Arc, time::Duration};

use async_trait::async_trait;
use sqlx::{
    Connection, PgConnection, PgPool,
    migrate::Migrator,
    postgres::{PgListener, PgPoolOptions},
};
use tokio::sync::mpsc;

use super::{
    StoreResult,
    cluster::{ClusterNote, Job, Lease},
    sql::Db,
};

pub(super) static MIGRATOR: Migrator = sqlx::migrate!("../migrations/postgres");

/// `NOTIFY` channels: a commit (`instance site seq document`), a flatten
/// (`instance site document type`), fields separated by tabs.
pub(crate) const COMMITS: &str = "floorwalk_commits";
pub(crate) const FLATTENED: &str = "floorwalk_flattened";

pub(super) async fn open(url: &str, max_connections: u32) -> StoreResult<Db> {
    let pool = PgPoolOptions::new()
        .max_connections(max_connections.max(1))
        .connect(url)
        .await?;
    MIGRATOR.run(&pool).await?;
    Ok(Db::Postgres(pool))
}

pub(crate) fn commit_note(instance: &str, site_id: i64, seq: i64, document_id: &str) -> String {
    format!("{instance}\t{site_id}\t{seq}\t{document_id}")
}

pub(crate) fn flattened_note(
    instance: &str,
    site_id: i64,
    document_id: &str,
    document_type: &str,
) -> String {
    format!("{instance}\t{site_id}\t{document_id}\t{document_type}")
}

/// Another instance's note; `None` for this instance's own, or a payload this
/// version does not understand (a newer instance's, during a rolling upgrade).
fn parse_note(channel: &str, payload: &str, instance: &str) -> Option<ClusterNote> {
    let fields: Vec<&str> = payload.split('\t').collect();
    let [from, site, third, fourth] = fields[..] else {
        return None;
    };
    if from == instance {
        return None;
    }
    let site_id = site.parse().ok()?;
    match channel {
        COMMITS => Some(ClusterNote::Committed {
            document_id: fourth.to_string(),
            site_id,
            seq: third.parse().ok()?,
        }),
        FLATTENED => Some(ClusterNote::Flattened {
            document_id: third.to_string(),
            site_id,
            document_type: fourth.to_string(),
        }),
        _ => None,
    }
}

async fn listener(pool: &PgPool) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen_all([COMMITS, FLATTENED]).await?;
    Ok(listener)
}

/// Hears other instances' notes on a connection of its own. When that connection
/// drops, a new one starts listening and then [`ClusterNote::Missed`] goes out,
/// so that whatever is read to catch up covers the gap.
pub(super) async fn listen(
    pool: &PgPool,
    instance: Arc<str>,
) -> StoreResult<mpsc::Receiver<ClusterNote>> {
    let mut current = listener(pool).await?;
    let (tx, rx) = mpsc::channel(4096);
    let pool = pool.clone();
    tokio::spawn(async move {
        loop {
            match current.try_recv().await {
                Ok(Some(n)) => {
                    if let Some(note) = parse_note(n.channel(), n.payload(), &instance)
                        && tx.send(note).await.is_err()
                    {
                        return;
                    }
                    continue;
                }
                Ok(None) => tracing::warn!("lost the connection that hears other instances"),
                Err(e) => tracing::warn!(error = %e, "hearing other instances failed"),
            }
            current = loop {
                match listener(&pool).await {
                    Ok(listener) => break listener,
                    Err(e) => {
                        tracing::warn!(error = %e, "cannot listen to other instances; retrying");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                }
            };
            tracing::info!("hearing other instances again; catching up from the database");
            if tx.send(ClusterNote::Missed).await.is_err() {
                return;
            }
        }
    });
    Ok(rx)
}

/// A connection of its own that holds the job's advisory lock.
struct AdvisoryLease {
    conn: PgConnection,
}

#[async_trait]
impl Lease for AdvisoryLease {
    async fn held(&mut self) -> bool {
        self.conn.ping().await.is_ok()
    }
}

pub(super) async fn try_lead(pool: &PgPool, job: Job) -> StoreResult<Option<Box<dyn Lease>>> {
    // Not a pooled connection: a session lock must end with its session, not
    // linger in the pool after the lease is dropped.
    let mut conn = PgConnection::connect_with(&pool.connect_options()).await?;
    let (taken,): (bool,) = sqlx::query_as("SELECT pg_try_advisory_lock($1)")
        .bind(job.lock_key())
        .fetch_one(&mut conn)
        .await?;
    if taken {
        Ok(Some(Box::new(AdvisoryLease { conn })))
    } else {
        let _ = conn.close().await;
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_name_their_instance_and_own_notes_are_not_heard() {
        let commit = commit_note("a1", 7, 42, "docX");
        assert_eq!(
            parse_note(COMMITS, &commit, "b2"),
            Some(ClusterNote::Committed {
                document_id: "docX".into(),
                site_id: 7,
                seq: 42
            })
        );
        assert_eq!(parse_note(COMMITS, &commit, "a1"), None);
        let flat = flattened_note("a1", 7, "docX", "shipment");
        assert_eq!(
            parse_note(FLATTENED, &flat, "b2"),
            Some(ClusterNote::Flattened {
                document_id: "docX".into(),
                site_id: 7,
                document_type: "shipment".into()
            })
        );
        assert_eq!(parse_note(COMMITS, "a1\tseven\t1\tdocX", "b2"), None);
        assert_eq!(parse_note(COMMITS, "a1\t7\t1", "b2"), None);
    }
}
