//! Shipments are small: each flatten rewrites the shipment's rows whole,
//! using the shared crate's own tallies.

use std::collections::BTreeMap;

use floorwalk_shared::{
    DomainEnum, Shipment,
    shipment::{Direction, ShipmentStatus},
};

use super::{Rows, Target};
use crate::stmt;

pub fn rows(t: &Target<'_>, shipment: &Shipment) -> Rows {
    let mut rows = Rows::default();
    let out = &mut rows.statements;
    for sql in [
        "DELETE FROM shipment_lines WHERE document_id = $1",
        "DELETE FROM shipment_events WHERE document_id = $1",
        "DELETE FROM stock_movements WHERE document_id = $1 AND source_type = 'shipment'",
    ] {
        out.push(stmt!(sql, t.document_id));
    }
    let status = shipment.status();
    let status_at = shipment
        .timeline
        .iter()
        .map(|e| e.recorded.at.clone())
        .max();
    let arrived_at = shipment
        .timeline
        .iter()
        .filter(|e| e.status != ShipmentStatus::Expected)
        .map(|e| e.recorded.at.clone())
        .min();
    let pod = shipment.proof_of_delivery.as_ref();
    out.push(stmt!(
        "INSERT INTO shipments (document_id, site_id, direction, reference, carrier, tracking_number, counterparty, \
         expected_at, status, status_at, arrived_at, pod_name, pod_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
         ON CONFLICT (document_id) DO UPDATE SET direction = excluded.direction, reference = excluded.reference, \
         carrier = excluded.carrier, tracking_number = excluded.tracking_number, counterparty = excluded.counterparty, \
         expected_at = excluded.expected_at, status = excluded.status, status_at = excluded.status_at, \
         arrived_at = excluded.arrived_at, pod_name = excluded.pod_name, pod_at = excluded.pod_at, \
         updated_at = excluded.updated_at",
        t.document_id, t.site_id, shipment.direction.as_str(), &shipment.reference, shipment.carrier.clone(),
        shipment.tracking_number.clone(), shipment.counterparty.clone(), shipment.expected_at.clone(),
        status.as_str(), status_at, arrived_at, pod.map(|p| p.name.clone()), pod.map(|p| p.recorded.at.clone()),
        t.now,
    ));
    let locations: BTreeMap<&str, Option<&String>> = shipment
        .expected_lines
        .iter()
        .map(|l| (l.id.as_str(), l.location.as_ref()))
        .collect();
    for tally in shipment.line_tallies() {
        out.push(stmt!(
            "INSERT INTO shipment_lines (document_id, site_id, line_id, sku, location, expected_qty, handled_qty, \
             damaged_qty, over_qty, short_qty) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            t.document_id, t.site_id, &tally.expected_line, &tally.sku,
            locations.get(tally.expected_line.as_str()).copied().flatten(), tally.expected, tally.handled,
            tally.damaged, tally.over, tally.short,
        ));
    }
    // Entries for items nobody expected get a line each, per SKU.
    let mut unexpected: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    for entry in shipment
        .live_entries()
        .filter(|e| e.expected_line.is_none())
    {
        let sum = unexpected.entry(entry.sku.as_str()).or_default();
        sum.0 += entry.qty;
        sum.1 += entry.damaged_qty;
    }
    for (sku, (handled, damaged)) in unexpected {
        out.push(stmt!(
            "INSERT INTO shipment_lines (document_id, site_id, line_id, sku, location, expected_qty, handled_qty, \
             damaged_qty, over_qty, short_qty) VALUES ($1, $2, $3, $4, NULL, 0, $5, $6, $7, 0)",
            t.document_id, t.site_id, format!("unexpected|{sku}"), sku, handled, damaged, handled + damaged,
        ));
    }
    for event in &shipment.timeline {
        out.push(stmt!(
            "INSERT INTO shipment_events (document_id, site_id, id, status, note, recorded_by, recorded_at, device) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            t.document_id, t.site_id, &event.id, event.status.as_str(), event.note.clone(), &event.recorded.by,
            &event.recorded.at, &event.recorded.device,
        ));
    }
    // Good units received go into stock; dispatched units leave it.
    let (leg, cause, sign) = match shipment.direction {
        Direction::Inbound => ("in", "receipt", 1),
        Direction::Outbound => ("out", "dispatch", -1),
    };
    for entry in &shipment.entries {
        let location = entry
            .location
            .clone()
            .or_else(|| {
                entry
                    .expected_line
                    .as_deref()
                    .and_then(|l| locations.get(l).copied().flatten().cloned())
            })
            .unwrap_or_else(|| "unassigned".into());
        out.push(stmt!(
            "INSERT INTO stock_movements (document_id, site_id, entry_id, leg, source_type, cause, sku, location, qty, \
             recorded_by, recorded_at, device, voided) VALUES ($1, $2, $3, $4, 'shipment', $5, $6, $7, $8, $9, $10, $11, $12)",
            t.document_id, t.site_id, &entry.id, leg, cause, &entry.sku, location,
            sign * i64::try_from(entry.qty).unwrap_or(i64::MAX), &entry.recorded.by, &entry.recorded.at,
            &entry.recorded.device, entry.void.is_some(),
        ));
    }
    rows
}
