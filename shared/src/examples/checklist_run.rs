use serde_json::{Value, json};

use super::{ANA, ANA_PHONE, EXAMPLE_SITE, MANAGER, MANAGER_DESKTOP, example_uuid as id, typed};
use crate::ChecklistRun;

/// A completed dock safety walk: the doors failed (with a photo and a corrective
/// action in progress), the chiller was in range, signed off with a drawn signature.
pub fn example_checklist_run_json() -> Value {
    let photo = json!({ "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                        "content_type": "image/jpeg", "size": 284113 });
    json!({
        "type": "checklist_run",
        "schema_version": 1,
        "site": EXAMPLE_SITE,
        "template": {
            "template_id": id(21),
            "version": 1,
            "name": "Dock safety walk",
            "items": [
                { "id": id(31), "label": "Dock doors close fully", "kind": "check", "required": true },
                { "id": id(32), "label": "Chiller temperature", "kind": "number", "required": true,
                  "unit": "°C", "min": 0.0, "max": 5.0 },
                { "id": id(33), "label": "Anything else?", "kind": "text", "required": false },
            ],
        },
        "location": "A",
        "assignee": ANA,
        "due_at": "2026-11-25T12:00:00.000Z",
        "responses": {
            id(31): { "answer": { "kind": "check", "outcome": "fail" }, "note": "door 3 sticks",
                      "photos": [photo], "by": ANA, "at": "2026-11-25T08:10:00.000Z", "device": ANA_PHONE },
            id(32): { "answer": { "kind": "number", "value": 3.5 }, "photos": [],
                      "by": ANA, "at": "2026-11-25T08:12:00.000Z", "device": ANA_PHONE },
        },
        "notes": [
            { "id": id(41), "text": "Forklift charger area blocked", "photos": [],
              "by": ANA, "at": "2026-11-25T08:14:00.000Z", "device": ANA_PHONE },
        ],
        "corrective_actions": [{
            "id": id(51), "item_id": id(31), "description": "Service door 3 rollers",
            "assignee": MANAGER, "due_at": "2026-11-28T17:00:00.000Z", "priority": "high",
            "timeline": [
                { "id": id(52), "status": "in_progress", "note": "technician booked",
                  "by": MANAGER, "at": "2026-11-25T10:00:00.000Z", "device": MANAGER_DESKTOP },
            ],
            "by": ANA, "at": "2026-11-25T08:11:00.000Z", "device": ANA_PHONE,
        }],
        "sign_off": {
            "name": "Ana Lima",
            "method": { "kind": "signature", "image": { "sha256": "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752",
                        "content_type": "image/png", "size": 5120 } },
            "by": ANA, "at": "2026-11-25T08:15:00.000Z", "device": ANA_PHONE,
        },
        "completed_at": "2026-11-25T08:15:00.000Z",
    })
}

pub fn example_checklist_run() -> ChecklistRun {
    typed(&example_checklist_run_json())
}
