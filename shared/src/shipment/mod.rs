//! The `shipment` document: one inbound or outbound shipment, from expected to
//! put away (inbound) or delivered (outbound).
//!
//! Merge rules, and why:
//! - What the devices handle is **appended** to `entries` (one per pallet, box or scan
//!   session), so two people receiving the same truck offline both keep their tallies.
//!   Over / short are *derived* per expected line from the sum of entries, never stored:
//!   a stored "short 5" from each of two phones that each received half would be wrong.
//! - Status changes are appended to `timeline`; the current status is the latest event.
//! - `expected_lines` is planned (by a manager or an import) before the work starts.
//! - A mistaken entry is undone by setting its `void`.

mod derived;
mod read;

use serde::{Deserialize, Serialize};

use crate::common::{AttachmentRef, Recorded, Void};
use crate::domain_enum::domain_enum;
pub use derived::LineTally;
pub(crate) use read::read_shipment;

/// Root of a `shipment` document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "typescript"), derive(ts_rs::TS))]
pub struct Shipment {
    pub schema_version: u32,
    pub site: String,
    pub direction: Direction,
    /// PO number (inbound) or order number (outbound).
    pub reference: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carrier: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_number: Option<String>,
    /// Supplier (inbound) or customer (outbound).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counterparty: Option<String>,
    /// When the shipment should arrive (inbound) or leave (outbound).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_at: Option<String>,
    #[serde(default)]
    pub expected_lines: Vec<ExpectedLine>,
    /// Appended tallies of what was received or shipped.
    #[serde(default)]
    pub entries: Vec<ShipmentEntry>,
    /// Appended status changes; see [`Shipment::status`].
    #[serde(default)]
    pub timeline: Vec<ShipmentEvent>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proof_of_delivery: Option<ProofOfDelivery>,
}

domain_enum! {
    pub enum Direction ("direction") {
        Inbound = "inbound",
        Outbound = "outbound",
    }
}

domain_enum! {
    /// Inbound: expected → arrived → unloading → received → put_away.
    /// Outbound: expected → packed → dispatched → delivered.
    pub enum ShipmentStatus ("shipment status") {
        Expected = "expected",
        Arrived = "arrived",
        Unloading = "unloading",
        Received = "received",
        PutAway = "put_away",
        Packed = "packed",
        Dispatched = "dispatched",
        Delivered = "delivered",
    }
}

impl ShipmentStatus {
    /// Whether a shipment going `direction` can be in this status.
    pub fn applies_to(self, direction: Direction) -> bool {
        use ShipmentStatus::*;
        match direction {
            Direction::Inbound => {
                matches!(self, Expected | Arrived | Unloading | Received | PutAway)
            }
            Direction::Outbound => matches!(self, Expected | Packed | Dispatched | Delivered),
        }
    }
}

/// A line of the advance notice or order: what should arrive or leave.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "typescript"), derive(ts_rs::TS))]
pub struct ExpectedLine {
    pub id: String,
    pub sku: String,
    pub qty: u64,
    /// Planned put-away (inbound) or pick (outbound) location code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

/// A tally of units handled by one person at one time. Inbound, the good units received
/// and put at `location`; outbound, the units shipped from `location`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "typescript"), derive(ts_rs::TS))]
pub struct ShipmentEntry {
    pub id: String,
    /// The expected line this tallies against; absent for an unexpected item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_line: Option<String>,
    pub sku: String,
    /// Good units.
    pub qty: u64,
    /// Damaged units, beside the good ones.
    #[serde(default)]
    pub damaged_qty: u64,
    /// Location code the units went to (inbound) or came from (outbound); stock moves
    /// once it is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[serde(default)]
    pub photos: Vec<AttachmentRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(flatten)]
    pub recorded: Recorded,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub void: Option<Void>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "typescript"), derive(ts_rs::TS))]
pub struct ShipmentEvent {
    pub id: String,
    pub status: ShipmentStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(flatten)]
    pub recorded: Recorded,
}

/// The receiver's signature on delivery.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "typescript"), derive(ts_rs::TS))]
pub struct ProofOfDelivery {
    /// Name of the person who signed.
    pub name: String,
    pub signature: AttachmentRef,
    #[serde(flatten)]
    pub recorded: Recorded,
}
