//! The documents every device starts from (as a manager would plan them),
//! with fixed ids so the random edits can refer to lines and items.

use automerge::{ActorId, AutoCommit, ROOT};
use floorwalk::documents::json::put_json;
use serde_json::{Value, json};

/// Planned count lines (they exist in `lines` of the base) and one found line.
pub const PLANNED_LINES: [(&str, &str); 2] = [("A-01-01", "SKU-1"), ("A-01-02", "SKU-2")];
pub const FOUND_LINE: (&str, &str) = ("A-01-03", "SKU-3");
pub const LOCATIONS: [&str; 3] = ["A-01-01", "A-01-02", "A-01-03"];
/// Checklist items: (id, kind).
pub const CHECK_ITEMS: [&str; 2] = [
    "00000000-0000-4000-8000-0000000000c1",
    "00000000-0000-4000-8000-0000000000c2",
];
pub const NUMBER_ITEM: &str = "00000000-0000-4000-8000-0000000000c3";
/// Expected shipment lines: (id, sku).
pub const SHIPMENT_LINES: [(&str, &str); 2] = [
    ("00000000-0000-4000-8000-0000000000d1", "SKU-1"),
    ("00000000-0000-4000-8000-0000000000d2", "SKU-2"),
];

/// The four document kinds a device edits offline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    CountSession,
    ChecklistRun,
    Shipment,
    StockLog,
}

impl Kind {
    pub const ALL: [Kind; 4] = [
        Kind::CountSession,
        Kind::ChecklistRun,
        Kind::Shipment,
        Kind::StockLog,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::CountSession => "count_session",
            Kind::ChecklistRun => "checklist_run",
            Kind::Shipment => "shipment",
            Kind::StockLog => "stock_log",
        }
    }

    fn json(self) -> Value {
        let manager =
            json!({"by": "user-mia", "at": "2026-11-25T07:00:00.000Z", "device": "device-mia"});
        let mut open = json!({"id": "00000000-0000-4000-8000-0000000000a1", "status": "open"});
        extend(&mut open, &manager);
        match self {
            Kind::CountSession => json!({
                "type": "count_session", "schema_version": 1, "site": "north",
                "title": "Cycle count A-01", "scope": {"locations": ["A-01"], "skus": []},
                "blind": false, "assignees": [], "due_at": "2026-11-26T17:00:00.000Z",
                "timeline": [open],
                "lines": {
                    "A-01-01|SKU-1": {"expected_qty": 5},
                    "A-01-02|SKU-2": {"expected_qty": 3},
                },
                "entries": [],
            }),
            Kind::ChecklistRun => json!({
                "type": "checklist_run", "schema_version": 1, "site": "north",
                "template": {"template_id": "00000000-0000-4000-8000-0000000000b1", "version": 1,
                    "name": "Dock walk", "items": [
                        {"id": CHECK_ITEMS[0], "label": "Doors close", "kind": "check", "required": true},
                        {"id": CHECK_ITEMS[1], "label": "Floor clear", "kind": "check", "required": false},
                        {"id": NUMBER_ITEM, "label": "Chiller", "kind": "number", "required": true,
                         "unit": "°C", "min": 0.0, "max": 5.0},
                    ]},
                "location": "A", "assignee": "user-0", "due_at": "2026-11-25T12:00:00.000Z",
                "responses": {}, "notes": [], "corrective_actions": [],
            }),
            Kind::Shipment => json!({
                "type": "shipment", "schema_version": 1, "site": "north", "direction": "inbound",
                "reference": "PO-1", "carrier": "Nordfrakt", "expected_at": "2026-11-25T07:30:00.000Z",
                "expected_lines": [
                    {"id": SHIPMENT_LINES[0].0, "sku": SHIPMENT_LINES[0].1, "qty": 10, "location": "A-01-01"},
                    {"id": SHIPMENT_LINES[1].0, "sku": SHIPMENT_LINES[1].1, "qty": 4},
                ],
                "entries": [], "timeline": [],
            }),
            Kind::StockLog => json!({
                "type": "stock_log", "schema_version": 1, "site": "north", "title": "2026-11",
                "movements": [],
            }),
        }
    }

    /// The base document, written by the manager's actor.
    pub fn base(self) -> AutoCommit {
        let mut doc = AutoCommit::new().with_actor(ActorId::from(vec![0xAA; 16]));
        let value = self.json();
        for (key, v) in value.as_object().expect("object") {
            put_json(&mut doc, &ROOT, key, v).expect("put");
        }
        doc.commit();
        doc
    }
}

/// Adds the fields of `extra` (an object) to `value` (an object).
pub fn extend(value: &mut Value, extra: &Value) {
    if let (Some(map), Some(extra)) = (value.as_object_mut(), extra.as_object()) {
        for (k, v) in extra {
            map.insert(k.clone(), v.clone());
        }
    }
}
