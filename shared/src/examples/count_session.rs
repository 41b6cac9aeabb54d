use serde_json::{Value, json};

use super::{
    ANA, ANA_PHONE, BEN, BEN_PHONE, EXAMPLE_SITE, MANAGER, MANAGER_DESKTOP, example_uuid as id,
    typed,
};
use crate::CountSession;

/// A blind count in review: Ana and Ben both counted bin A-01-01 (and disagree, a
/// conflict), Ana found an unplanned item in A-01-02 and voided a mistaken entry.
pub fn example_count_session_json() -> Value {
    json!({
        "type": "count_session",
        "schema_version": 1,
        "site": EXAMPLE_SITE,
        "title": "Weekly cycle count, aisle A-01",
        "scope": { "locations": ["A-01"], "skus": [] },
        "blind": true,
        "assignees": [ANA, BEN],
        "due_at": "2026-11-27T17:00:00.000Z",
        "timeline": [
            { "id": id(101), "status": "open", "by": MANAGER, "at": "2026-11-24T09:00:00.000Z", "device": MANAGER_DESKTOP },
            { "id": id(102), "status": "counting", "by": ANA, "at": "2026-11-25T07:58:00.000Z", "device": ANA_PHONE },
            { "id": id(103), "status": "review", "by": ANA, "at": "2026-11-25T09:30:00.000Z", "device": ANA_PHONE },
        ],
        "lines": {
            "A-01-01|SKU-9": { "expected_qty": 40 },
            "A-01-02|SKU-12": { "expected_qty": 6, "reason": "damaged", "reason_note": "2 boxes crushed",
                "approval": { "qty": 4, "by": MANAGER, "at": "2026-11-25T10:00:00.000Z", "device": MANAGER_DESKTOP } },
        },
        "entries": [
            { "id": id(111), "location": "A-01-01", "sku": "SKU-9", "qty": 38, "count_index": 1,
              "by": ANA, "at": "2026-11-25T08:01:12.000Z", "device": ANA_PHONE },
            { "id": id(112), "location": "A-01-01", "sku": "SKU-9", "qty": 39, "count_index": 1,
              "by": BEN, "at": "2026-11-25T08:03:40.000Z", "device": BEN_PHONE },
            { "id": id(113), "location": "A-01-02", "sku": "SKU-12", "qty": 40, "count_index": 1,
              "by": ANA, "at": "2026-11-25T08:05:00.000Z", "device": ANA_PHONE,
              "void": { "by": ANA, "at": "2026-11-25T08:05:30.000Z", "device": ANA_PHONE, "reason": "typed 40 for 4" } },
            { "id": id(114), "location": "A-01-02", "sku": "SKU-12", "qty": 4, "count_index": 1,
              "by": ANA, "at": "2026-11-25T08:05:40.000Z", "device": ANA_PHONE },
            { "id": id(115), "location": "A-01-02", "sku": "SKU-30", "qty": 3, "count_index": 1,
              "by": ANA, "at": "2026-11-25T08:07:00.000Z", "device": ANA_PHONE, "note": "not on the list" },
        ],
    })
}

pub fn example_count_session() -> CountSession {
    typed(&example_count_session_json())
}
