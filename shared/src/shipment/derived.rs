//! What is derived from a shipment: status and per-line over / short / damaged.

use super::{Shipment, ShipmentEntry, ShipmentStatus};

/// Expected versus handled units of one expected line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineTally {
    pub expected_line: String,
    pub sku: String,
    pub expected: u64,
    /// Good units handled.
    pub handled: u64,
    pub damaged: u64,
    /// Units (good or damaged) beyond what was expected.
    pub over: u64,
    /// Expected units that did not turn up at all.
    pub short: u64,
}

impl Shipment {
    /// The status of the latest timeline event (by time, then id), or `expected`.
    pub fn status(&self) -> ShipmentStatus {
        self.timeline
            .iter()
            .max_by(|a, b| (&a.recorded.at, &a.id).cmp(&(&b.recorded.at, &b.id)))
            .map_or(ShipmentStatus::Expected, |event| event.status)
    }

    /// Entries that still count (not voided).
    pub fn live_entries(&self) -> impl Iterator<Item = &ShipmentEntry> {
        self.entries.iter().filter(|e| e.void.is_none())
    }

    /// Per expected line: how many units were handled, damaged, over and short.
    pub fn line_tallies(&self) -> Vec<LineTally> {
        self.expected_lines
            .iter()
            .map(|line| {
                let of_line = || {
                    self.live_entries()
                        .filter(|e| e.expected_line.as_ref() == Some(&line.id))
                };
                let handled: u64 = of_line().map(|e| e.qty).sum();
                let damaged: u64 = of_line().map(|e| e.damaged_qty).sum();
                let arrived = handled + damaged;
                LineTally {
                    expected_line: line.id.clone(),
                    sku: line.sku.clone(),
                    expected: line.qty,
                    handled,
                    damaged,
                    over: arrived.saturating_sub(line.qty),
                    short: line.qty.saturating_sub(arrived),
                }
            })
            .collect()
    }
}
