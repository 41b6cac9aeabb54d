use serde_json::{Value, json};

use super::{ANA, ANA_PHONE, BEN, BEN_PHONE, EXAMPLE_SITE, example_uuid as id, typed};
use crate::Shipment;

/// An inbound delivery being unloaded by two people: one line complete with damage,
/// one line short so far.
pub fn example_shipment_json() -> Value {
    json!({
        "type": "shipment",
        "schema_version": 1,
        "site": EXAMPLE_SITE,
        "direction": "inbound",
        "reference": "PO-2026-0412",
        "carrier": "Nordfrakt",
        "tracking_number": "NF123456789",
        "counterparty": "WrapCo",
        "expected_at": "2026-11-25T07:30:00.000Z",
        "expected_lines": [
            { "id": id(201), "sku": "SKU-9", "qty": 24, "location": "A-01-01" },
            { "id": id(202), "sku": "SKU-12", "qty": 10 },
        ],
        "entries": [
            { "id": id(211), "expected_line": id(201), "sku": "SKU-9", "qty": 22, "damaged_qty": 2,
              "location": "A-01-01",
              "photos": [{ "sha256": "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae",
                           "content_type": "image/jpeg", "size": 301877 }],
              "note": "2 rolls torn", "by": ANA, "at": "2026-11-25T07:52:00.000Z", "device": ANA_PHONE },
            { "id": id(212), "expected_line": id(202), "sku": "SKU-12", "qty": 6, "location": "A-01-02",
              "photos": [], "by": BEN, "at": "2026-11-25T07:55:00.000Z", "device": BEN_PHONE },
        ],
        "timeline": [
            { "id": id(221), "status": "arrived", "by": ANA, "at": "2026-11-25T07:41:00.000Z", "device": ANA_PHONE },
            { "id": id(222), "status": "unloading", "by": BEN, "at": "2026-11-25T07:45:00.000Z", "device": BEN_PHONE },
        ],
    })
}

pub fn example_shipment() -> Shipment {
    typed(&example_shipment_json())
}
