//! The `checklist_run` document: one person (or a few) working through a checklist.
//!
//! Merge rules, and why:
//! - `responses` is keyed by the template item's id. Two people answering the *same*
//!   item offline is a genuine conflict: Automerge keeps both and the server surfaces it.
//!   Two people answering *different* items merge cleanly.
//! - Run-level `notes` and `corrective_actions` are appended with device-made UUIDs, so
//!   concurrent additions all survive; photos are appended to their response's list.
//! - A corrective action's status changes are appended to its `timeline`.
//! - The template is a snapshot: later template versions never change a finished run.

mod derived;
mod read;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use crate::checklist_template::TemplateSnapshot;
use crate::common::{AttachmentRef, Recorded};
use crate::domain_enum::domain_enum;
pub(crate) use read::read_checklist_run;

/// Root of a `checklist_run` document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "typescript"), derive(ts_rs::TS))]
pub struct ChecklistRun {
    pub schema_version: u32,
    pub site: String,
    pub template: TemplateSnapshot,
    /// Location code the run is about, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// User id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_at: Option<String>,
    /// Keyed by template item id.
    #[serde(default)]
    pub responses: BTreeMap<String, ItemResponse>,
    #[serde(default)]
    pub notes: Vec<RunNote>,
    #[serde(default)]
    pub corrective_actions: Vec<CorrectiveAction>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sign_off: Option<SignOff>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_at: Option<String>,
}

/// The answer to one checklist item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "typescript"), derive(ts_rs::TS))]
pub struct ItemResponse {
    pub answer: Answer,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default)]
    pub photos: Vec<AttachmentRef>,
    #[serde(flatten)]
    pub recorded: Recorded,
}

/// An answer; its `kind` must match the template item's kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "typescript"), derive(ts_rs::TS))]
#[serde(tag = "kind")]
pub enum Answer {
    #[serde(rename = "check")]
    Check { outcome: CheckOutcome },
    #[serde(rename = "number")]
    Number { value: f64 },
    #[serde(rename = "text")]
    Text { text: String },
}

domain_enum! {
    pub enum CheckOutcome ("check outcome") {
        Pass = "pass",
        Fail = "fail",
        NotApplicable = "na",
    }
}

/// A note about the run as a whole.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "typescript"), derive(ts_rs::TS))]
pub struct RunNote {
    pub id: String,
    pub text: String,
    #[serde(default)]
    pub photos: Vec<AttachmentRef>,
    #[serde(flatten)]
    pub recorded: Recorded,
}

domain_enum! {
    pub enum Priority ("priority") {
        Low = "low",
        Medium = "medium",
        High = "high",
        Urgent = "urgent",
    }
}

domain_enum! {
    pub enum ActionStatus ("corrective action status") {
        Open = "open",
        InProgress = "in_progress",
        Done = "done",
        Cancelled = "cancelled",
    }
}

/// Work to fix a failed item, tracked to closure. `recorded` says who raised it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "typescript"), derive(ts_rs::TS))]
pub struct CorrectiveAction {
    pub id: String,
    /// The template item that failed.
    pub item_id: String,
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_at: Option<String>,
    pub priority: Priority,
    /// Appended status changes; no event yet means `open`.
    #[serde(default)]
    pub timeline: Vec<ActionEvent>,
    #[serde(flatten)]
    pub recorded: Recorded,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "typescript"), derive(ts_rs::TS))]
pub struct ActionEvent {
    pub id: String,
    pub status: ActionStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Evidence, e.g. a photo of the fixed shelf when the action is closed.
    #[serde(default)]
    pub photos: Vec<AttachmentRef>,
    #[serde(flatten)]
    pub recorded: Recorded,
}

/// Who signed the run off, and how.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "typescript"), derive(ts_rs::TS))]
pub struct SignOff {
    pub name: String,
    pub method: SignOffMethod,
    #[serde(flatten)]
    pub recorded: Recorded,
}

/// A drawn signature (an image attachment) or a PIN the app checked. The PIN itself is
/// never stored in the document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "typescript"), derive(ts_rs::TS))]
#[serde(tag = "kind")]
pub enum SignOffMethod {
    #[serde(rename = "signature")]
    Signature { image: AttachmentRef },
    #[serde(rename = "pin")]
    Pin,
}
