//! Storage behind traits, with the plain types they take and return; everything above
//! talks to `dyn Store`. One implementation in portable SQL (`sql/`) serves SQLite and
//! Postgres; `sqlite.rs` and `postgres.rs` hold what really differs: connecting and
//! migrating. The flattener also builds [`Statement`]s, which run here unchanged.

pub mod cluster;
pub mod day_set;
pub mod model;
mod postgres;
pub mod reporting;
pub mod rows;
pub mod sql;
mod sqlite;

use std::sync::Arc;

use async_trait::async_trait;
use floorwalk_shared::Problem;

pub use model::*;
pub use reporting::*;
use rows::{ItemRow, LocationRow};
pub use sql::{Arg, FlattenTx, Statement};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    NotFound(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error(
        "unsupported database URL {0:?}: use sqlite://path/to/file.db or postgres://user@host/db"
    )]
    UnsupportedUrl(String),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

#[async_trait]
pub trait AccountStore: Send + Sync {
    async fn create_site(&self, slug: &str, name: &str) -> StoreResult<Site>;
    async fn find_site(&self, slug: &str) -> StoreResult<Option<Site>>;
    async fn site_by_id(&self, id: i64) -> StoreResult<Option<Site>>;
    async fn list_sites(&self) -> StoreResult<Vec<Site>>;
    async fn create_user(&self, user: &NewUser) -> StoreResult<User>;
    async fn find_user_by_email(&self, email: &str) -> StoreResult<Option<User>>;
    async fn find_user(&self, id: i64) -> StoreResult<Option<User>>;
    async fn list_users(&self) -> StoreResult<Vec<User>>;
    async fn count_users(&self) -> StoreResult<i64>;
    /// Returns false when no user has that email.
    async fn set_user_disabled(&self, email: &str, disabled: bool) -> StoreResult<bool>;
    async fn add_membership(&self, user_id: i64, site_id: i64) -> StoreResult<()>;
    /// Returns false when there was no such membership.
    async fn remove_membership(&self, user_id: i64, site_id: i64) -> StoreResult<bool>;
    async fn site_ids_of(&self, user_id: i64) -> StoreResult<Vec<i64>>;
    async fn set_site_document(&self, site_id: i64, document_id: &str) -> StoreResult<()>;
    /// Bumped by every change that can alter what a live connection may see.
    async fn access_version(&self) -> StoreResult<i64>;
}

#[async_trait]
pub trait SessionStore: Send + Sync {
    async fn create_session(
        &self,
        session: &DeviceSession,
        refresh_hash: &str,
        refresh_expires_at: i64,
    ) -> StoreResult<()>;
    async fn find_session(&self, id: &str) -> StoreResult<Option<DeviceSession>>;
    /// Every peer id issued to the user, one per login on a device.
    async fn peer_ids_of(&self, user_id: i64) -> StoreResult<Vec<String>>;
    async fn rotate_refresh(
        &self,
        old_hash: &str,
        new_hash: &str,
        new_expires_at: i64,
        now: i64,
        // Sessions that logged in before this (ms) are past their absolute lifetime.
        born_after: i64,
    ) -> StoreResult<RefreshOutcome>;
    /// Revokes the family of this refresh token; false if the token is unknown.
    async fn revoke_by_refresh(&self, refresh_hash: &str) -> StoreResult<bool>;
    /// Ends every live session of a user (an administrator's "sign out everywhere").
    async fn revoke_sessions_of(&self, user_id: i64) -> StoreResult<u64>;
    async fn create_ticket(
        &self,
        ticket_hash: &str,
        grant: &TicketGrant,
        expires_at: i64,
    ) -> StoreResult<()>;
    /// Single use: the ticket is gone after this call, whatever the outcome.
    async fn redeem_ticket(&self, ticket_hash: &str, now: i64) -> StoreResult<TicketOutcome>;
    async fn setting(&self, key: &str) -> StoreResult<Option<String>>;
    async fn delete_setting(&self, key: &str) -> StoreResult<()>;
    /// Stores `value` unless the key exists; returns the value that is stored.
    async fn setting_or_insert(&self, key: &str, value: &str) -> StoreResult<String>;
    /// Adds one sign-in attempt to `key`'s throttle: its arrival time moves one
    /// `interval_ms` past the later of itself and `now`, but never past `cap_ms`.
    /// Returns the new arrival time.
    async fn charge_attempt(
        &self,
        key: &str,
        now: i64,
        interval_ms: i64,
        cap_ms: i64,
    ) -> StoreResult<i64>;
    /// Gives back one attempt's charge.
    async fn refund_attempt(&self, key: &str, interval_ms: i64) -> StoreResult<()>;
    /// `key`'s arrival time as stored, without charging anything.
    async fn attempt_tat(&self, key: &str) -> StoreResult<Option<i64>>;
}

#[async_trait]
pub trait DocumentStore: Send + Sync {
    async fn document_site(&self, doc_id: &str) -> StoreResult<Option<i64>>;
    async fn load_document(&self, doc_id: &str) -> StoreResult<Option<StoredDocument>>;
    /// Records a new document, attached to `site_id`, with its first commit,
    /// atomically; the sequence number of its newest change row.
    async fn create_document(
        &self,
        site_id: i64,
        created_by: Option<i64>,
        first: &AppendBatch,
    ) -> StoreResult<i64>;
    /// Stores one commit in one transaction, and tells the other instances (see
    /// [`cluster`]).
    async fn append_changes(&self, batch: &AppendBatch) -> StoreResult<Appended>;
    /// Several documents' batches in one transaction (group commit): all are stored,
    /// or none. Results are in the order given.
    async fn append_group(&self, batches: &[AppendBatch]) -> StoreResult<Vec<Appended>>;
    /// The document's change rows after `seq`, oldest first; `bytes` is `None` for
    /// a row compacted into the snapshot.
    async fn changes_after(&self, doc_id: &str, seq: i64) -> StoreResult<Vec<StoredChange>>;
    /// Replaces the snapshot and drops the bytes (not the provenance) of
    /// changes up to `up_to_seq`, which the snapshot contains.
    async fn compact(&self, doc_id: &str, snapshot: &[u8], up_to_seq: i64) -> StoreResult<()>;
    async fn change_log(&self, doc_id: &str) -> StoreResult<Vec<ChangeRecord>>;
    async fn document_count(&self) -> StoreResult<i64>;
}

#[async_trait]
pub trait WorkStore: Send + Sync {
    async fn work_for_site(&self, site_id: i64) -> StoreResult<Vec<WorkSummary>>;
}

#[async_trait]
pub trait AttachmentStore: Send + Sync {
    /// Stores the attachment at its site unless the site has it already, or unless it
    /// would take the site's attachments past `site_quota` bytes.
    async fn put_attachment(
        &self,
        attachment: &Attachment,
        site_quota: i64,
    ) -> StoreResult<AttachmentStored>;
    /// The attachment `sha256` as uploaded at `site_id`.
    async fn get_attachment(&self, site_id: i64, sha256: &str) -> StoreResult<Option<Attachment>>;
}

/// What the flattener reads and writes.
#[async_trait]
pub trait FlattenStore: Send + Sync {
    /// The heads last flattened (JSON array of hex hashes), if any.
    async fn flattened_heads(&self, document_id: &str) -> StoreResult<Option<String>>;
    /// Documents whose stored heads differ from the flattened ones, with their site.
    async fn documents_behind(&self) -> StoreResult<Vec<(String, i64)>>;
    /// The one transaction a flatten writes its rows and new heads in.
    async fn begin_flatten(&self) -> StoreResult<FlattenTx>;
    /// Recomputes every KPI rollup from the flattened rows (done once after the
    /// migration that adds them; the flattener keeps them up to date after that).
    async fn rebuild_kpi_rollups(&self) -> StoreResult<()>;
    /// Replaces a document's problems; its rows and heads stay as last valid.
    async fn record_problems(
        &self,
        document_id: &str,
        site_id: i64,
        problems: &[Problem],
    ) -> StoreResult<()>;
}

#[async_trait]
pub trait AdminStore: Send + Sync {
    /// Users who belong to the site, by email.
    async fn site_members(&self, site_id: i64) -> StoreResult<Vec<User>>;
    /// Applies the patch and bumps the access epoch (a role or a disabled flag changes
    /// what live connections may do). `None` when no user has that id.
    async fn update_user(&self, id: i64, patch: &UserPatch) -> StoreResult<Option<User>>;
}

#[async_trait]
pub trait MasterDataStore: Send + Sync {
    /// Items of the sites, by site and SKU, with stock on hand over all locations.
    /// `search` matches SKU, name or barcode (case-insensitive substring).
    async fn item_rows(&self, q: &ListQuery, search: Option<&str>) -> StoreResult<Page<ItemRow>>;
    /// Locations of the sites, by site and code; `search` matches code or name.
    async fn location_rows(
        &self,
        q: &ListQuery,
        search: Option<&str>,
    ) -> StoreResult<Page<LocationRow>>;
    /// Every non-zero stock level of a site.
    async fn stock_on_hand(&self, site_id: i64) -> StoreResult<Vec<StockOnHand>>;
}

#[async_trait]
pub trait ScheduleStore: Send + Sync {
    async fn create_schedule(&self, schedule: &NewSchedule) -> StoreResult<Schedule>;
    async fn schedules_of_site(&self, site_id: i64) -> StoreResult<Vec<Schedule>>;
    /// Schedules whose next run is due to be made by `horizon` (Unix ms).
    async fn schedules_due(&self, horizon: i64) -> StoreResult<Vec<Schedule>>;
    /// Claims the occurrence due at `due`: moves the schedule on to `next`, only if it
    /// still stands at `due`. False if someone else (the route that created it, another
    /// tick, another instance) claimed it first: only the claimer makes that run.
    async fn claim_occurrence(&self, id: i64, due: i64, next: i64) -> StoreResult<bool>;
    /// Gives a claimed occurrence back (its run could not be made), so it is tried again;
    /// only if the schedule still stands at `next`.
    async fn release_occurrence(&self, id: i64, due: i64, next: i64) -> StoreResult<bool>;
    /// Counts a run made for the schedule, as its latest.
    async fn record_run_made(&self, id: i64, document_id: &str) -> StoreResult<()>;
}

#[async_trait]
pub trait Store:
    FlattenStore
    + AccountStore
    + SessionStore
    + DocumentStore
    + WorkStore
    + AttachmentStore
    + ReportingStore
    + AdminStore
    + MasterDataStore
    + ScheduleStore
    + cluster::ClusterStore
{
    fn backend(&self) -> &'static str;
    async fn ping(&self) -> StoreResult<()>;
    async fn migrations_applied(&self) -> StoreResult<bool>;
}

/// Opens the database named by `url`, creating a SQLite file if needed, and
/// runs the migrations.
pub async fn open(url: &str, max_connections: u32) -> StoreResult<Arc<dyn Store>> {
    let db = if url.starts_with("sqlite:") {
        sqlite::open(url, max_connections).await?
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        postgres::open(url, max_connections).await?
    } else {
        return Err(StoreError::UnsupportedUrl(url.to_string()));
    };
    let store = sql::SqlStore::new(db);
    store.rebuild_if_pending().await?;
    Ok(Arc::new(store))
}

/// Turns a unique-constraint violation into a `Conflict` with a message for the user.
fn conflict_on_unique(err: StoreError, message: impl FnOnce() -> String) -> StoreError {
    match &err {
        StoreError::Database(sqlx::Error::Database(db)) if db.is_unique_violation() => {
            StoreError::Conflict(message())
        }
        _ => err,
    }
}
