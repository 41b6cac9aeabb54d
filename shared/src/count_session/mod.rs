//! The `count_session` document: a cycle count of some locations and items.
//!
//! Merge rules, and why:
//! - Counts are **appended** to `entries`, each with a device-made UUID. Two phones that
//!   counted the same bin offline both keep their numbers; a line is never a shared
//!   object that counters write into, because two offline phones creating the same map
//!   key would leave only one of the two objects visible after the merge.
//! - An entry is the full count of its line in one pass (`count_index`). A recount
//!   appends entries with a higher `count_index`. Non-void entries of one line and one
//!   pass that disagree are a [`CountConflict`] for the manager, never averaged or picked.
//! - `lines` (keyed `"<location code>|<sku>"`) holds only what the manager plans or
//!   decides per line: the expected snapshot, reason code, recount request, approval.
//!   Only managers write there, so a shared deterministic key is safe. An item found
//!   outside the scope is just an entry with its location and SKU; its line is derived.
//! - Status changes are appended to `timeline`; the current status is the latest event.
//! - A mistaken entry is undone by setting its `void`, so the audit trail keeps it.
//!
//! `expected_qty` travels to the phone with the rest of the document; "blind" means the
//! app does not show it, not that the device cannot read it.

mod derived;
mod read;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::common::{Recorded, Void};
use crate::domain_enum::domain_enum;
pub use derived::{CountConflict, LINE_KEY_SEPARATOR, line_key, split_line_key};
pub(crate) use read::read_count_session;

/// Root of a `count_session` document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "typescript"), derive(ts_rs::TS))]
pub struct CountSession {
    pub schema_version: u32,
    pub site: String,
    pub title: String,
    pub scope: CountScope,
    /// Whether the phone hides expected quantities while counting.
    pub blind: bool,
    /// User ids of the people asked to count.
    #[serde(default)]
    pub assignees: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_at: Option<String>,
    /// Appended status changes; see [`CountSession::status`].
    #[serde(default)]
    pub timeline: Vec<CountStatusEvent>,
    /// Manager-planned data per line, keyed `"<location code>|<sku>"`.
    #[serde(default)]
    pub lines: BTreeMap<String, CountLine>,
    /// Appended counts from every device.
    #[serde(default)]
    pub entries: Vec<CountEntry>,
}

/// What to count: locations (a zone or aisle code covers everything under it) and/or
/// SKUs. Both empty means the whole site.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "typescript"), derive(ts_rs::TS))]
pub struct CountScope {
    #[serde(default)]
    pub locations: Vec<String>,
    #[serde(default)]
    pub skus: Vec<String>,
}

domain_enum! {
    /// open → counting → review → closed
    pub enum CountStatus ("count status") {
        Open = "open",
        Counting = "counting",
        Review = "review",
        Closed = "closed",
    }
}

domain_enum! {
    /// Why a line's count differs from what was expected.
    pub enum ReasonCode ("reason code") {
        Damaged = "damaged",
        Lost = "lost",
        Found = "found",
        MisPicked = "mis_picked",
        UnitError = "unit_error",
        Other = "other",
    }
}

/// One status change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "typescript"), derive(ts_rs::TS))]
pub struct CountStatusEvent {
    pub id: String,
    pub status: CountStatus,
    #[serde(flatten)]
    pub recorded: Recorded,
}

/// What the manager plans or decides for one (location, item) line.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "typescript"), derive(ts_rs::TS))]
pub struct CountLine {
    /// Stock on hand when the session was planned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_qty: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<ReasonCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason_note: Option<String>,
    /// The manager asked for another pass.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recount: Option<RecountRequest>,
    /// The manager accepted a quantity; the variance becomes a stock adjustment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval: Option<LineApproval>,
}

/// A request to count a line again, in pass `count_index`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "typescript"), derive(ts_rs::TS))]
pub struct RecountRequest {
    pub count_index: u32,
    #[serde(flatten)]
    pub recorded: Recorded,
}

/// The quantity a manager accepted for a line (resolving any conflict explicitly).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "typescript"), derive(ts_rs::TS))]
pub struct LineApproval {
    pub qty: u64,
    #[serde(flatten)]
    pub recorded: Recorded,
}

/// One count of one line, appended by the device that counted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "typescript"), derive(ts_rs::TS))]
pub struct CountEntry {
    /// UUID made on the device.
    pub id: String,
    /// Location code.
    pub location: String,
    pub sku: String,
    /// The full quantity counted at this location in this pass.
    pub qty: u64,
    /// 1 for the first pass; recounts use higher numbers.
    pub count_index: u32,
    #[serde(flatten)]
    pub recorded: Recorded,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub void: Option<Void>,
}
