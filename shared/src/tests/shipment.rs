use serde_json::json;

use super::{assert_problem, assert_valid, with};
use crate::examples::{example_shipment, example_shipment_json as example, example_uuid as id};
use crate::shipment::{LineTally, ShipmentStatus};

#[test]
fn statuses_must_fit_the_direction() {
    let event = json!({ "id": id(223), "status": "dispatched", "by": "u", "at": "2026-11-25T08:00:00Z", "device": "d" });
    let json = with(example(), "/timeline/2", event);
    assert_problem(
        &json,
        "timeline[2].status: \"dispatched\" is not a status of an inbound shipment",
    );
    let json = with(example(), "/direction", json!("sideways"));
    assert_problem(
        &json,
        "direction: unknown direction \"sideways\" (expected one of inbound, outbound)",
    );
}

#[test]
fn entries_point_at_real_expected_lines_of_their_sku() {
    let json = with(example(), "/entries/1/expected_line", json!(id(299)));
    assert_problem(
        &json,
        &format!(
            "entries[1].expected_line: no expected line has id \"{}\"",
            id(299)
        ),
    );
    let json = with(example(), "/entries/1/sku", json!("SKU-9"));
    assert_problem(
        &json,
        &format!(
            "entries[1].sku: is \"SKU-9\" but expected line {} is for \"SKU-12\"",
            id(202)
        ),
    );
}

#[test]
fn attachments_are_checked() {
    let json = with(
        example(),
        "/entries/0/photos/0/content_type",
        json!("image/svg+xml"),
    );
    assert_problem(
        &json,
        "entries[0].photos[0].content_type: unknown content type \"image/svg+xml\" (expected one of \
         image/jpeg, image/png, image/webp, image/heic, image/avif, application/pdf)",
    );
    let json = with(example(), "/entries/0/photos/0/sha256", json!("ABC"));
    assert_problem(
        &json,
        "entries[0].photos[0].sha256: must be a SHA-256 digest (64 lowercase hex digits), found \"ABC\"",
    );
    let json = with(example(), "/entries/0/photos/0/size", json!(0));
    assert_problem(
        &json,
        "entries[0].photos[0].size: must be a whole number of bytes ≥ 1",
    );
}

#[test]
fn unexpected_items_have_no_expected_line() {
    let entry = json!({ "id": id(213), "sku": "SKU-30", "qty": 2,
                        "by": "u", "at": "2026-11-25T08:00:00Z", "device": "d" });
    assert_valid(&with(example(), "/entries/2", entry));
}

#[test]
fn over_short_and_damaged_are_derived_from_all_entries() {
    let mut shipment = example_shipment();
    assert_eq!(shipment.status(), ShipmentStatus::Unloading);
    // A second phone received 4 more of SKU-12 offline: both entries count.
    let mut more = shipment.entries[1].clone();
    more.id = id(214);
    more.qty = 4;
    shipment.entries.push(more);
    assert_eq!(
        shipment.line_tallies(),
        [
            LineTally {
                expected_line: id(201),
                sku: "SKU-9".into(),
                expected: 24,
                handled: 22,
                damaged: 2,
                over: 0,
                short: 0
            },
            LineTally {
                expected_line: id(202),
                sku: "SKU-12".into(),
                expected: 10,
                handled: 10,
                damaged: 0,
                over: 0,
                short: 0
            },
        ]
    );
    let void = crate::Void {
        recorded: shipment.entries[2].recorded.clone(),
        reason: None,
    };
    shipment.entries[2].void = Some(void);
    assert_eq!(shipment.line_tallies()[1].short, 4);
}

#[test]
fn the_largest_allowed_shipment_validates_quickly() {
    let lines: Vec<_> = (0..crate::limits::MAX_LINES as u64)
        .map(|n| json!({ "id": id(1_000_000 + n), "sku": format!("SKU-{n}"), "qty": 5 }))
        .collect();
    let entries: Vec<_> = (0..crate::limits::MAX_ENTRIES as u64)
        .map(|n| {
            let line = n % crate::limits::MAX_LINES as u64;
            json!({ "id": id(2_000_000 + n), "expected_line": id(1_000_000 + line),
                    "sku": format!("SKU-{line}"), "qty": 1,
                    "by": "u", "at": "2026-11-25T08:00:00Z", "device": "d" })
        })
        .collect();
    let json = with(
        with(example(), "/expected_lines", json!(lines)),
        "/entries",
        json!(entries),
    );
    let started = std::time::Instant::now();
    assert_valid(&json);
    // Linear work: well under this even in a debug build on a slow machine.
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
}
