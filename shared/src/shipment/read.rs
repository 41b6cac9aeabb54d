//! Reading a `shipment` document.

use std::collections::HashMap;

use serde_json::Value;

use super::{
    Direction, ExpectedLine, ProofOfDelivery, Shipment, ShipmentEntry, ShipmentEvent,
    ShipmentStatus,
};
use crate::common::{read_attachment, read_recorded, read_void};
use crate::document::Header;
use crate::validation::limits::{
    MAX_CODE, MAX_ENTRIES, MAX_EVENTS, MAX_LINES, MAX_NAME, MAX_NOTE, MAX_PHOTOS,
};
use crate::validation::scalars::{code, free_text, one_of, quantity, text, timestamp, uuid};
use crate::validation::{Checker, Object, Segment};

pub(crate) fn read_shipment(
    c: &mut Checker,
    o: &Object,
    header: Option<Header>,
) -> Option<Shipment> {
    let direction = c.required(o, "direction", one_of::<Direction>);
    let reference = c.required(o, "reference", text(MAX_NAME));
    let carrier = c.optional(o, "carrier", text(MAX_NAME));
    let tracking_number = c.optional(o, "tracking_number", text(MAX_NAME));
    let counterparty = c.optional(o, "counterparty", text(MAX_NAME));
    let expected_at = c.optional(o, "expected_at", timestamp);
    let expected_lines = c.appended(o, "expected_lines", MAX_LINES, read_expected_line);
    let entries = c.appended(o, "entries", MAX_ENTRIES, read_entry);
    let timeline = c.appended(o, "timeline", MAX_EVENTS, read_event);
    let proof_of_delivery = c.optional(o, "proof_of_delivery", read_proof);
    if let (Some(lines), Some(entries)) = (&expected_lines, &entries) {
        check_entries_match_lines(c, lines, entries);
    }
    if let (Some(direction), Some(timeline)) = (direction, &timeline) {
        check_statuses(c, direction, timeline);
    }
    let header = header?;
    Some(Shipment {
        schema_version: header.schema_version,
        site: header.site,
        direction: direction?,
        reference: reference?,
        carrier: carrier?,
        tracking_number: tracking_number?,
        counterparty: counterparty?,
        expected_at: expected_at?,
        expected_lines: expected_lines?,
        entries: entries?,
        timeline: timeline?,
        proof_of_delivery: proof_of_delivery?,
    })
}

/// An entry names an existing expected line, of the same SKU.
fn check_entries_match_lines(c: &mut Checker, lines: &[ExpectedLine], entries: &[ShipmentEntry]) {
    // Indexed, so 100 000 entries against 50 000 lines stay linear.
    let sku_of: HashMap<&str, &str> = lines.iter().map(|l| (&*l.id, &*l.sku)).collect();
    for (i, entry) in entries.iter().enumerate() {
        let Some(line_id) = &entry.expected_line else {
            continue;
        };
        let at = |field| {
            [
                Segment::Field("entries"),
                Segment::Index(i),
                Segment::Field(field),
            ]
        };
        match sku_of.get(line_id.as_str()) {
            None => c.report_at(
                &at("expected_line"),
                format!("no expected line has id {line_id:?}"),
            ),
            Some(sku) if *sku != entry.sku => c.report_at(
                &at("sku"),
                format!(
                    "is {:?} but expected line {line_id} is for {sku:?}",
                    entry.sku
                ),
            ),
            Some(_) => {}
        }
    }
}

fn check_statuses(c: &mut Checker, direction: Direction, timeline: &[ShipmentEvent]) {
    for (i, event) in timeline.iter().enumerate() {
        if !event.status.applies_to(direction) {
            let at = [
                Segment::Field("timeline"),
                Segment::Index(i),
                Segment::Field("status"),
            ];
            c.report_at(
                &at,
                format!(
                    "{:?} is not a status of an {direction} shipment",
                    event.status.to_string()
                ),
            );
        }
    }
}

fn read_expected_line(c: &mut Checker, v: &Value) -> Option<ExpectedLine> {
    let o = c.object(v)?;
    let id = c.required(o, "id", uuid);
    let sku = c.required(o, "sku", code(MAX_CODE));
    let qty = c.required(o, "qty", quantity);
    let location = c.optional(o, "location", code(MAX_CODE));
    Some(ExpectedLine {
        id: id?,
        sku: sku?,
        qty: qty?,
        location: location?,
    })
}

fn read_entry(c: &mut Checker, v: &Value) -> Option<ShipmentEntry> {
    let o = c.object(v)?;
    let id = c.required(o, "id", uuid);
    let expected_line = c.optional(o, "expected_line", uuid);
    let sku = c.required(o, "sku", code(MAX_CODE));
    let qty = c.required(o, "qty", quantity);
    let damaged_qty = c.optional(o, "damaged_qty", quantity);
    let location = c.optional(o, "location", code(MAX_CODE));
    let photos = c.list_field(o, "photos", MAX_PHOTOS, read_attachment);
    let note = c.optional(o, "note", free_text(MAX_NOTE));
    let recorded = read_recorded(c, o);
    let void = c.optional(o, "void", read_void);
    Some(ShipmentEntry {
        id: id?,
        expected_line: expected_line?,
        sku: sku?,
        qty: qty?,
        damaged_qty: damaged_qty?.unwrap_or(0),
        location: location?,
        photos: photos?,
        note: note?,
        recorded: recorded?,
        void: void?,
    })
}

fn read_event(c: &mut Checker, v: &Value) -> Option<ShipmentEvent> {
    let o = c.object(v)?;
    let id = c.required(o, "id", uuid);
    let status = c.required(o, "status", one_of::<ShipmentStatus>);
    let note = c.optional(o, "note", free_text(MAX_NOTE));
    let recorded = read_recorded(c, o);
    Some(ShipmentEvent {
        id: id?,
        status: status?,
        note: note?,
        recorded: recorded?,
    })
}

fn read_proof(c: &mut Checker, v: &Value) -> Option<ProofOfDelivery> {
    let o = c.object(v)?;
    let name = c.required(o, "name", text(MAX_NAME));
    let signature = c.required(o, "signature", read_attachment);
    let recorded = read_recorded(c, o);
    Some(ProofOfDelivery {
        name: name?,
        signature: signature?,
        recorded: recorded?,
    })
}
