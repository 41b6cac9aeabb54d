use serde_json::{Value, json};

use super::{EXAMPLE_SITE, example_uuid as id, typed};
use crate::SiteMaster;

/// A small site: one zone, one aisle, two bins, three items, one checklist template.
pub fn example_site_json() -> Value {
    json!({
        "type": "site",
        "schema_version": 1,
        "site": EXAMPLE_SITE,
        "name": "DC North",
        "currency": "EUR",
        "locations": {
            id(1): { "code": "A", "kind": "zone", "name": "Ambient" },
            id(2): { "code": "A-01", "kind": "aisle", "parent": id(1) },
            id(3): { "code": "A-01-01", "kind": "bin", "parent": id(2) },
            id(4): { "code": "A-01-02", "kind": "bin", "parent": id(2) },
        },
        "items": {
            id(11): {
                "sku": "SKU-9", "name": "Pallet wrap 500 mm", "barcodes": ["4006381333931"],
                "unit": "each", "unit_cost_minor": 1299, "min_qty": 10, "reorder_point": 20,
                "max_qty": 80, "item_class": "B", "supplier": "WrapCo"
            },
            id(12): {
                "sku": "SKU-12", "name": "Cable ties 200 pack", "barcodes": [],
                "unit": "box", "unit_cost_minor": 450, "reorder_point": 5
            },
            id(13): {
                "sku": "SKU-30", "name": "Safety gloves L", "barcodes": ["QR:SKU-30"],
                "unit": "each", "unit_cost_minor": 350, "archived": true
            },
        },
        "item_classes": {
            "A": { "name": "High value", "tolerance_units": 0 },
            "B": { "tolerance_units": 2 },
        },
        "checklist_templates": {
            id(21): {
                "name": "Dock safety walk",
                "versions": [{
                    "version": 1,
                    "published_at": "2026-11-01T08:00:00.000Z",
                    "items": [
                        { "id": id(31), "label": "Dock doors close fully", "kind": "check", "required": true },
                        { "id": id(32), "label": "Chiller temperature", "kind": "number", "required": true,
                          "unit": "°C", "min": 0.0, "max": 5.0 },
                        { "id": id(33), "label": "Anything else?", "kind": "text", "required": false },
                    ],
                }],
            },
        },
    })
}

pub fn example_site() -> SiteMaster {
    typed(&example_site_json())
}
