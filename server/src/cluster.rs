//! Following the other instances on the same Postgres database: their commits
//! reach the phones connected here, their flattens reach the dashboards
//! connected here, and a lost connection is made good from the database.

use std::sync::Arc;

use tokio::sync::mpsc;

use crate::{
    flatten::runner::{Flattener, SiteChanged},
    storage::cluster::ClusterNote,
    sync::{DocumentId, Hub},
};

pub async fn follow(
    mut notes: mpsc::Receiver<ClusterNote>,
    hub: Arc<Hub>,
    flattener: Arc<Flattener>,
) {
    while let Some(note) = notes.recv().await {
        match note {
            ClusterNote::Committed {
                document_id,
                site_id,
                ..
            } => {
                if let Ok(id) = DocumentId::parse(&document_id) {
                    hub.stored_elsewhere(&id, site_id).await;
                }
            }
            ClusterNote::Flattened {
                document_id,
                site_id,
                document_type,
            } => {
                if let Ok(document_id) = DocumentId::parse(&document_id) {
                    flattener.relay(SiteChanged {
                        site_id,
                        document_id,
                        document_type,
                    });
                }
            }
            // The flattener's leader sweeps for documents behind on its own.
            ClusterNote::Missed => hub.refresh_loaded().await,
        }
    }
}
