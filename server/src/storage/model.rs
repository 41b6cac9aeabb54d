//! Plain data that crosses the storage boundary. No SQL here; a type that is one
//! table row derives `sqlx::FromRow` (column names as renames) to be read as one.

use std::{fmt, str::FromStr};

/// What a user may do, set per user. Site membership decides *where*.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Manager,
    Staff,
    Viewer,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::Staff => "staff",
            Role::Viewer => "viewer",
        }
    }

    /// Viewers (auditors) read everything at their sites and change nothing.
    pub fn can_write(self) -> bool {
        !matches!(self, Role::Viewer)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, thiserror::Error)]
#[error("unknown role {0:?}: expected one of admin, manager, staff, viewer")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "admin" => Ok(Role::Admin),
            "manager" => Ok(Role::Manager),
            "staff" => Ok(Role::Staff),
            "viewer" => Ok(Role::Viewer),
            other => Err(UnknownRole(other.to_string())),
        }
    }
}

#[derive(Clone, Debug)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub password_hash: String,
    pub disabled: bool,
}

#[derive(Clone, Debug)]
pub struct NewUser {
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub password_hash: String,
}

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Site {
    pub id: i64,
    pub slug: String,
    pub name: String,
    /// The automerge document holding the site's master data.
    #[sqlx(rename = "site_document_id")]
    pub document_id: Option<String>,
}

/// One login on one device. Its id is the refresh-token family; its peer id is
/// what the device must use on the sync socket.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct DeviceSession {
    pub id: String,
    pub user_id: i64,
    pub peer_id: String,
    pub revoked: bool,
}

#[derive(Debug, PartialEq, Eq)]
pub enum RefreshOutcome {
    Rotated(DeviceSession),
    /// A token that was already rotated came back: the family is now revoked.
    Reused,
    Expired,
    /// The account is disabled; the token is left as it was.
    Disabled,
    Unknown,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TicketGrant {
    pub user_id: i64,
    pub session_id: String,
    pub peer_id: String,
}

#[derive(Debug, PartialEq, Eq)]
pub enum TicketOutcome {
    Valid(TicketGrant),
    Expired,
    /// Never issued, or already used.
    Unknown,
}

/// One change as received from a peer, with its provenance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewChange {
    pub hash: String,
    pub bytes: Vec<u8>,
    pub user_id: Option<i64>,
    pub peer_id: String,
    pub received_at: i64,
}

/// A part of a document that a delivered change wrote against the write
/// policy, and that the server's undo change (stored with it) put back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewViolation {
    /// The user and device (peer id) that delivered the change.
    pub user_id: i64,
    pub peer_id: String,
    /// The part as people read it, e.g. `lines["A-01|SKU-1"]`.
    pub part: String,
    /// Why it was refused, as the phone showed it.
    pub message: String,
    /// What the change tried to leave there (JSON); `None` for a removal.
    pub attempted: Option<String>,
    /// The refused changes' hashes (JSON array).
    pub changes: String,
    pub detected_at: i64,
}

/// Everything needed to rebuild a document: the latest snapshot and the
/// changes received since.
#[derive(Clone, Debug, Default)]
pub struct StoredDocument {
    pub site_id: i64,
    pub snapshot: Option<Vec<u8>>,
    pub changes: Vec<Vec<u8>>,
    /// Sequence number of the newest change row, for compaction bookkeeping.
    pub last_seq: i64,
    pub changes_since_snapshot: u64,
}

/// What a commit of a document's changes stored.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Appended {
    /// The newest change row, this commit's.
    pub seq: i64,
    /// The newest change row before this commit. If it is newer than the last row the
    /// committer knows of, another instance committed in between, and the committer
    /// still has to read that row (see `ClusterNote::Committed`).
    pub prior_seq: i64,
}

/// One commit of one document: its new changes, its heads after them (a JSON array of
/// hex hashes), the edits refused among them, and its work-list entry as of these
/// heads. Stored alone or in a commit shared with other documents'
/// ([`DocumentStore::append_group`](super::DocumentStore::append_group)); the work
/// entry goes into the same transaction, so a phone's work list is never behind
/// what was acknowledged, crash or not.
#[derive(Clone, Debug, PartialEq)]
pub struct AppendBatch {
    pub doc_id: String,
    pub changes: Vec<NewChange>,
    pub heads: String,
    pub violations: Vec<NewViolation>,
    /// `None` for documents no work list shows (site documents, unknown types).
    pub work: Option<WorkSummary>,
}

impl AppendBatch {
    /// A commit of nothing: the document's row alone, for rows written directly
    /// (the flattener's benchmarks and tests).
    pub fn empty(doc_id: &str) -> Self {
        Self {
            doc_id: doc_id.into(),
            changes: Vec::new(),
            heads: "[]".into(),
            violations: Vec::new(),
            work: None,
        }
    }
}

/// One stored change row; `bytes` is `None` once compacted into the snapshot.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredChange {
    pub seq: i64,
    pub bytes: Option<Vec<u8>>,
}

/// A provenance row: who delivered which change, from where, when.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct ChangeRecord {
    pub seq: i64,
    pub hash: String,
    pub user_id: Option<i64>,
    pub peer_id: String,
    pub received_at: i64,
    pub compacted: bool,
}

pub fn now_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

/// What a phone's "my work" list shows for one work document.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct WorkSummary {
    pub document_id: String,
    pub site_id: i64,
    pub doc_type: String,
    pub title: Option<String>,
    pub status: Option<String>,
    pub due_at: Option<String>,
    pub assignees: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Attachment {
    pub sha256: String,
    pub site_id: i64,
    pub content_type: String,
    pub size: i64,
    pub bytes: Vec<u8>,
    pub uploaded_by: Option<i64>,
}

/// What an upload came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttachmentStored {
    Created,
    /// The site had this file already (uploads are retried; content decides).
    AlreadyStored,
    /// Refused: the site's attachments already take `used` bytes of their quota.
    OverQuota {
        used: i64,
    },
}

/// A count line as planned and approved: what the flattener reads back before it
/// derives the line again.
#[derive(Debug, Clone, Default, PartialEq, sqlx::FromRow)]
pub struct PlannedLine {
    pub location: String,
    pub sku: String,
    pub expected_qty: Option<i64>,
    pub approved_qty: Option<i64>,
    pub approved_by: Option<String>,
    pub approved_at: Option<String>,
    pub recount_index: Option<i64>,
}

/// A count entry that is not voided.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct LiveEntry {
    pub id: String,
    pub qty: i64,
    pub count_index: i64,
    #[sqlx(rename = "recorded_by")]
    pub by: String,
    pub device: String,
    #[sqlx(rename = "recorded_at")]
    pub at: String,
}

/// The fields an admin may change on a user; `None` leaves a field as it is.
#[derive(Clone, Debug, Default)]
pub struct UserPatch {
    pub display_name: Option<String>,
    pub role: Option<Role>,
    pub disabled: Option<bool>,
}

/// Stock on hand of one SKU at one location (the sum of its movements).
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct StockOnHand {
    pub sku: String,
    pub location: String,
    pub on_hand: i64,
}

/// How often a checklist schedule makes a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Recurrence {
    Daily,
    Weekly,
    Monthly,
}

impl Recurrence {
    pub fn as_str(self) -> &'static str {
        match self {
            Recurrence::Daily => "daily",
            Recurrence::Weekly => "weekly",
            Recurrence::Monthly => "monthly",
        }
    }

    pub fn parse(text: &str) -> Option<Recurrence> {
        match text {
            "daily" => Some(Recurrence::Daily),
            "weekly" => Some(Recurrence::Weekly),
            "monthly" => Some(Recurrence::Monthly),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewSchedule {
    pub site_id: i64,
    pub template_id: String,
    pub location: Option<String>,
    pub recurrence: Recurrence,
    pub assignee: Option<String>,
    /// Unix ms of the next run to make.
    pub next_due_at: i64,
    pub created_by: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schedule {
    pub id: i64,
    pub site_id: i64,
    pub template_id: String,
    pub location: Option<String>,
    pub recurrence: Recurrence,
    pub assignee: Option<String>,
    pub next_due_at: i64,
    pub created_by: i64,
    pub created_at: i64,
    /// The run document made last.
    pub last_document_id: Option<String>,
    pub runs_made: i64,
}
