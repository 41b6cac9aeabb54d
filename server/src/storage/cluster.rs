//! Several instances on one database: what they tell each other, and the jobs only
//! one of them may run at a time. On Postgres the notes are `NOTIFY`s and the jobs
//! are held by session advisory locks; SQLite is one process, which hears nothing
//! and leads everything.

use std::time::{Duration, Instant};

use async_trait::async_trait;
use tokio::sync::mpsc;

use super::StoreResult;

/// What another instance did, heard through the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClusterNote {
    /// It committed changes of a document; `seq` is the newest change row.
    Committed {
        document_id: String,
        site_id: i64,
        seq: i64,
    },
    /// Its flattener brought a document's rows up to date (live dashboards listen).
    Flattened {
        document_id: String,
        site_id: i64,
        document_type: String,
    },
    /// The listening connection dropped and is back: notes in between are lost,
    /// so whatever they would have said must be read from the database.
    Missed,
}

/// A job exactly one instance runs at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    Flattener,
    Scheduler,
}

impl Job {
    /// Its advisory-lock key: fixed, so every instance and version agrees.
    pub fn lock_key(self) -> i64 {
        match self {
            Job::Flattener => 0x466c_6f6f_7277_0001,
            Job::Scheduler => 0x466c_6f6f_7277_0002,
        }
    }
}

/// Held while this instance runs a job. Postgres: a connection holding the
/// job's advisory lock; when the instance dies the connection does, and the lock
/// with it, so another instance takes over.
#[async_trait]
pub trait Lease: Send {
    /// False once the lock is lost (its connection broke).
    async fn held(&mut self) -> bool;
}

#[async_trait]
pub trait ClusterStore: Send + Sync {
    /// Starts hearing other instances' notes (never this instance's own).
    /// `None` on SQLite, which has no other instances.
    async fn listen(&self) -> StoreResult<Option<mpsc::Receiver<ClusterNote>>>;
    /// Tells the other instances that a document was flattened.
    async fn announce_flattened(
        &self,
        document_id: &str,
        site_id: i64,
        document_type: &str,
    ) -> StoreResult<()>;
    /// Takes the job if no live instance holds it.
    async fn try_lead(&self, job: Job) -> StoreResult<Option<Box<dyn Lease>>>;
}

/// A lease that cannot be lost: SQLite's one process runs every job.
pub struct SoleInstance;

#[async_trait]
impl Lease for SoleInstance {
    async fn held(&mut self) -> bool {
        true
    }
}

/// How often a leader checks it still holds its job, and a follower tries to take it.
const RECHECK: Duration = Duration::from_secs(2);

/// Whether this instance runs a job right now, asked as often as its loop turns
/// but checked against the database at most every [`RECHECK`].
pub struct Leadership {
    job: Job,
    lease: Option<Box<dyn Lease>>,
    checked: Option<Instant>,
}

impl Leadership {
    pub fn new(job: Job) -> Self {
        Self {
            job,
            lease: None,
            checked: None,
        }
    }

    /// True while this instance holds the job; takes it when it is free.
    pub async fn leading(&mut self, store: &dyn ClusterStore) -> bool {
        if self.checked.is_some_and(|at| at.elapsed() < RECHECK) {
            return self.lease.is_some();
        }
        self.checked = Some(Instant::now());
        if let Some(lease) = self.lease.as_mut() {
            if lease.held().await {
                return true;
            }
            tracing::warn!(job = ?self.job, "lost the lead of a singleton job; another instance takes over");
            self.lease = None;
        }
        match store.try_lead(self.job).await {
            Ok(Some(lease)) => {
                tracing::info!(job = ?self.job, "this instance now runs the job");
                self.lease = Some(lease);
                true
            }
            Ok(None) => false,
            Err(e) => {
                tracing::warn!(job = ?self.job, error = %e, "cannot ask the database who runs the job");
                false
            }
        }
    }
}
