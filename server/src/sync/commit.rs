//! Group commit: documents' batches that wait at the same moment share one
//! transaction, so under load the database flushes its log once for many
//! documents instead of once each. Each document's actor still waits for its own
//! answer, and acknowledges nothing before it: persist-before-acknowledge holds
//! exactly as with a transaction per batch. When a shared transaction fails, its
//! batches are tried one by one, so one document's problem is not the others'.

use std::sync::Arc;

use tokio::sync::{Mutex, mpsc, oneshot};

use super::metrics::SyncMetrics;
use crate::storage::{AppendBatch, Appended, Store, StoreError, StoreResult};

/// Batches in one shared transaction, at most.
const MAX_GROUP: usize = 64;

struct Waiting {
    batch: AppendBatch,
    done: oneshot::Sender<StoreResult<Appended>>,
}

#[derive(Clone)]
pub struct Committer {
    queue: mpsc::Sender<Waiting>,
}

impl Committer {
    /// `workers` transactions may run at once (SQLite has one writer: 1).
    pub fn start(store: Arc<dyn Store>, workers: usize, metrics: Arc<SyncMetrics>) -> Self {
        let (queue, rx) = mpsc::channel(4096);
        let rx = Arc::new(Mutex::new(rx));
        for _ in 0..workers.max(1) {
            tokio::spawn(work(store.clone(), rx.clone(), metrics.clone()));
        }
        Self { queue }
    }

    /// Stores the batch, alone or with others; returns once it is committed.
    pub async fn append(&self, batch: AppendBatch) -> StoreResult<Appended> {
        let (done, answer) = oneshot::channel();
        if self.queue.send(Waiting { batch, done }).await.is_err() {
            return Err(stopped());
        }
        answer.await.unwrap_or_else(|_| Err(stopped()))
    }
}

fn stopped() -> StoreError {
    StoreError::Database(sqlx::Error::PoolClosed)
}

/// Takes what is waiting (at least one batch), up to [`MAX_GROUP`].
async fn next_group(queue: &Mutex<mpsc::Receiver<Waiting>>) -> Option<Vec<Waiting>> {
    let mut queue = queue.lock().await;
    let mut group = vec![queue.recv().await?];
    while group.len() < MAX_GROUP {
        match queue.try_recv() {
            Ok(next) => group.push(next),
            Err(_) => break,
        }
    }
    Some(group)
}

async fn work(
    store: Arc<dyn Store>,
    queue: Arc<Mutex<mpsc::Receiver<Waiting>>>,
    metrics: Arc<SyncMetrics>,
) {
    while let Some(group) = next_group(&queue).await {
        let (batches, dones): (Vec<AppendBatch>, Vec<_>) =
            group.into_iter().map(|w| (w.batch, w.done)).unzip();
        if batches.len() > 1 {
            match store.append_group(&batches).await {
                Ok(appended) => {
                    SyncMetrics::inc(&metrics.commit_groups);
                    SyncMetrics::add(&metrics.batches_in_groups, batches.len() as u64);
                    for (done, appended) in dones.into_iter().zip(appended) {
                        let _ = done.send(Ok(appended));
                    }
                    continue;
                }
                Err(error) => {
                    tracing::warn!(%error, batches = batches.len(), "a shared commit failed; committing its documents one by one");
                }
            }
        }
        for (batch, done) in batches.iter().zip(dones) {
            let _ = done.send(store.append_changes(batch).await);
        }
    }
}
