use async_trait::async_trait;
use tokio::sync::mpsc;

use super::SqlStore;
use crate::storage::{
    StoreResult,
    cluster::{ClusterNote, ClusterStore, Job, Lease},
    postgres,
};

#[async_trait]
impl ClusterStore for SqlStore {
    async fn listen(&self) -> StoreResult<Option<mpsc::Receiver<ClusterNote>>> {
        self.db.listen(self.instance.clone()).await
    }

    async fn announce_flattened(
        &self,
        document_id: &str,
        site_id: i64,
        document_type: &str,
    ) -> StoreResult<()> {
        let note = postgres::flattened_note(&self.instance, site_id, document_id, document_type);
        self.db.notify(postgres::FLATTENED, &note).await
    }

    async fn try_lead(&self, job: Job) -> StoreResult<Option<Box<dyn Lease>>> {
        self.db.try_lead(job).await
    }
}
