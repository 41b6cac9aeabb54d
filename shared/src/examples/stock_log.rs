use serde_json::{Value, json};

use super::{BEN, BEN_PHONE, EXAMPLE_SITE, example_uuid as id, typed};
use crate::StockLog;

/// November's log: one transfer between bins and one correction.
pub fn example_stock_log_json() -> Value {
    json!({
        "type": "stock_log",
        "schema_version": 1,
        "site": EXAMPLE_SITE,
        "title": "2026-11",
        "movements": [
            { "id": id(301), "cause": "transfer", "sku": "SKU-9", "qty": 5, "from": "A-01-01", "to": "A-01-02",
              "by": BEN, "at": "2026-11-25T11:00:00.000Z", "device": BEN_PHONE },
            { "id": id(302), "cause": "correction", "sku": "SKU-12", "qty": 1, "from": "A-01-02",
              "note": "sample for QA", "by": BEN, "at": "2026-11-25T11:05:00.000Z", "device": BEN_PHONE },
        ],
    })
}

pub fn example_stock_log() -> StockLog {
    typed(&example_stock_log_json())
}
