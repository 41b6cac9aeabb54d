//! Shipments: staff receive and dispatch; managers plan and confirm.

use super::{Author, Edit, Part, Refusal, Roots, records::voids, refuse, text};
use crate::DomainEnum;
use crate::shipment::{Direction, ShipmentStatus};

pub fn check(roots: &Roots, author: &Author, edit: &Edit) -> Result<(), Refusal> {
    if author.writer.plans() {
        return Ok(());
    }
    match edit.part {
        Part::Root(_) if roots.creating() => Ok(()),
        Part::Root("carrier" | "tracking_number" | "reference") => Ok(()),
        Part::Root("proof_of_delivery") if edit.before.is_none_or(|v| v.is_null()) => Ok(()),
        Part::Root(field) => refuse(format!(
            "only a manager can change a shipment's {}",
            field.replace('_', " ")
        )),
        Part::Member {
            collection: "entries",
            ..
        } => {
            if voids(edit) && text(edit.before, "by") != Some(author.user_id) {
                return refuse("you can only undo your own shipment entries");
            }
            Ok(())
        }
        Part::Member {
            collection: "timeline",
            ..
        } => status_step(roots, edit),
        Part::Member { .. } => refuse("only a manager can plan a shipment's expected lines"),
    }
}

/// The statuses staff set: inbound up to received, outbound up to dispatched.
pub fn staff_may_set(direction: Direction, status: ShipmentStatus) -> bool {
    use ShipmentStatus::*;
    match direction {
        Direction::Inbound => matches!(status, Arrived | Unloading | Received),
        Direction::Outbound => matches!(status, Packed | Dispatched),
    }
}

fn status_step(roots: &Roots, edit: &Edit) -> Result<(), Refusal> {
    let Some(status) = text(edit.after, "status").and_then(ShipmentStatus::parse) else {
        return Ok(());
    };
    let root = if roots.creating() {
        roots.after
    } else {
        roots.before
    };
    let direction = root
        .get("direction")
        .and_then(|v| v.as_str())
        .and_then(Direction::parse)
        .unwrap_or(Direction::Inbound);
    if staff_may_set(direction, status) {
        Ok(())
    } else {
        refuse(format!(
            "only a manager can mark a shipment {}",
            status.as_str().replace('_', " ")
        ))
    }
}
