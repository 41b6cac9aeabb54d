//! The `stock_log` document: stock movements that are not part of a shipment or a count,
//! above all transfers between locations.
//!
//! Stock on hand is never typed in: it is the sum of movements (shipment entries, approved
//! count lines, and these). Movements are **appended** with device-made UUIDs, so two
//! phones that moved stock offline both count. A site keeps one log per period (say a
//! month) so no document grows without bound; the server sums them all.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::common::{Recorded, Void, read_recorded, read_void};
use crate::document::Header;
use crate::domain_enum::domain_enum;
use crate::validation::limits::{MAX_CODE, MAX_ENTRIES, MAX_NAME, MAX_NOTE};
use crate::validation::scalars::{code, free_text, one_of, quantity, text, uuid};
use crate::validation::{Checker, Object, Segment};

/// Root of a `stock_log` document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "typescript"), derive(ts_rs::TS))]
pub struct StockLog {
    pub schema_version: u32,
    pub site: String,
    /// What period or purpose this log covers, e.g. `"2026-11"`.
    pub title: String,
    #[serde(default)]
    pub movements: Vec<StockMovement>,
}

domain_enum! {
    pub enum MovementCause ("movement cause") {
        /// From one location to another.
        Transfer = "transfer",
        /// A correction outside a count (breakage found, sample taken…).
        Correction = "correction",
    }
}

/// `qty` units of `sku` leave `from` (if set) and arrive at `to` (if set).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "typescript"), derive(ts_rs::TS))]
pub struct StockMovement {
    pub id: String,
    pub cause: MovementCause,
    pub sku: String,
    pub qty: u64,
    /// Location code stock leaves.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Location code stock arrives at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(flatten)]
    pub recorded: Recorded,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub void: Option<Void>,
}

pub(crate) fn read_stock_log(
    c: &mut Checker,
    o: &Object,
    header: Option<Header>,
) -> Option<StockLog> {
    let title = c.required(o, "title", text(MAX_NAME));
    let movements = c.appended(o, "movements", MAX_ENTRIES, read_movement);
    let header = header?;
    Some(StockLog {
        schema_version: header.schema_version,
        site: header.site,
        title: title?,
        movements: movements?,
    })
}

fn read_movement(c: &mut Checker, v: &Value) -> Option<StockMovement> {
    let o = c.object(v)?;
    let id = c.required(o, "id", uuid);
    let cause = c.required(o, "cause", one_of::<MovementCause>);
    let sku = c.required(o, "sku", code(MAX_CODE));
    let qty = c.required(o, "qty", quantity);
    let from = c.optional(o, "from", code(MAX_CODE));
    let to = c.optional(o, "to", code(MAX_CODE));
    let note = c.optional(o, "note", free_text(MAX_NOTE));
    let recorded = read_recorded(c, o);
    let void = c.optional(o, "void", read_void);
    let movement = StockMovement {
        id: id?,
        cause: cause?,
        sku: sku?,
        qty: qty?,
        from: from?,
        to: to?,
        note: note?,
        recorded: recorded?,
        void: void?,
    };
    check_direction(c, &movement);
    Some(movement)
}

/// A transfer needs both ends and two different ones; a correction exactly one end.
fn check_direction(c: &mut Checker, m: &StockMovement) {
    let message = match (m.cause, &m.from, &m.to) {
        (MovementCause::Transfer, Some(from), Some(to)) if from == to => {
            format!("a transfer must go to another location than {from:?}")
        }
        (MovementCause::Transfer, Some(_), Some(_)) => return,
        (MovementCause::Transfer, _, _) => "a transfer needs both from and to".to_owned(),
        (MovementCause::Correction, Some(_), None) | (MovementCause::Correction, None, Some(_)) => {
            return;
        }
        (MovementCause::Correction, _, _) => {
            "a correction needs exactly one of from (stock out) or to (stock in)".to_owned()
        }
    };
    c.report_at(&[Segment::Field("to")], message);
}
