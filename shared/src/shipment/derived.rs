//! What is derived from a shipment: status and per-line over / short / damaged.

use std::collections::HashMap;

use super::{ExpectedLine, Shipment, ShipmentEntry, ShipmentStatus};

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
        // (good, damaged) per expected line id, in one pass over the entries.
        let mut sums: HashMap<&str, (u64, u64)> = HashMap::new();
        for entry in self.live_entries() {
            if let Some(line) = &entry.expected_line {
                let sum = sums.entry(line).or_default();
                sum.0 += entry.qty;
                sum.1 += entry.damaged_qty;
            }
        }
        let tally = |line: &ExpectedLine| {
            let (handled, damaged) = sums.get(line.id.as_str()).copied().unwrap_or_default();
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
        };
        self.expected_lines.iter().map(tally).collect()
    }
}
