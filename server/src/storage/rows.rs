//! The rows of every table the dashboard lists: reports and master data. Each is one
//! SQL row, one JSON object and one CSV line; `COLUMNS` (the CSV header) is generated
//! from the fields, and the PWA's types from the struct (ts-rs, `rows_typescript`):
//! a field stored as text but sent as JSON says which TypeScript type it is.

use serde::Serialize;
use utoipa::ToSchema;

use crate::csv::{CsvColumns, millis_as_rfc3339, raw_json, raw_json_opt};

/// Declares a row struct and its CSV columns from one field list.
macro_rules! report_row {
    ($(#[$meta:meta])* pub struct $name:ident { $($(#[$fmeta:meta])* pub $field:ident : $ty:ty,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, ToSchema)]
        #[cfg_attr(test, derive(ts_rs::TS), ts(export_to = "api/"))]
        pub struct $name { $($(#[$fmeta])* pub $field: $ty,)* }

        impl CsvColumns for $name {
            const COLUMNS: &'static [&'static str] = &[$(stringify!($field)),*];
        }
    };
}

report_row! {
    /// A count session. Dates filter `due_at`.
    pub struct CountSessionRow {
        /// Site slug.
        pub site: String,
        pub document_id: String,
        pub title: String,
        /// open, counting, review or closed.
        #[cfg_attr(test, ts(as = "floorwalk_shared::count_session::CountStatus"))]
        pub status: String,
        pub blind: bool,
        pub due_at: Option<String>,
        pub status_at: Option<String>,
        pub closed_at: Option<String>,
        /// User ids.
        #[serde(serialize_with = "raw_json")]
        #[schema(value_type = Vec<String>)]
        #[cfg_attr(test, ts(as = "Vec<String>"))]
        pub assignees: String,
        pub lines: i64,
        pub lines_counted: i64,
        pub open_conflicts: i64,
    }
}

report_row! {
    /// A count line with its variance. Dates filter `counted_at` (the latest entry).
    pub struct CountLineRow {
        pub site: String,
        pub document_id: String,
        /// `"<location code>|<sku>"`.
        pub line_key: String,
        pub location: String,
        pub sku: String,
        pub expected_qty: Option<i64>,
        /// The quantity that stands: approved, else the agreed count of the latest pass.
        pub counted_qty: Option<i64>,
        /// counted − expected (an unplanned line counts against 0).
        pub variance_units: Option<i64>,
        /// variance_units × unit cost, in minor units.
        pub variance_value_minor: Option<i64>,
        pub tolerance_units: i64,
        pub within_tolerance: Option<bool>,
        pub last_count_index: Option<i64>,
        pub counted_at: Option<String>,
        pub reason: Option<String>,
        pub reason_note: Option<String>,
        pub approved_qty: Option<i64>,
        pub approved_by: Option<String>,
        pub approved_at: Option<String>,
        pub recount_index: Option<i64>,
        /// none, requested or counted.
        pub recount_state: String,
        /// uncounted, counted, conflict, recount or approved.
        #[cfg_attr(
            test,
            ts(type = "'uncounted' | 'counted' | 'conflict' | 'recount' | 'approved'")
        )]
        pub status: String,
    }
}

report_row! {
    /// One count entry, voided ones included. Dates filter `recorded_at`.
    pub struct CountEntryRow {
        pub site: String,
        pub document_id: String,
        pub id: String,
        pub line_key: String,
        pub location: String,
        pub sku: String,
        pub qty: i64,
        pub count_index: i64,
        pub recorded_by: String,
        pub recorded_at: String,
        pub device: String,
        pub note: Option<String>,
        pub voided: bool,
        pub voided_by: Option<String>,
        pub voided_at: Option<String>,
        pub void_reason: Option<String>,
    }
}

report_row! {
    /// Entries of one line and pass that disagree. Dates filter `counted_at`.
    pub struct CountConflictRow {
        pub site: String,
        pub document_id: String,
        pub line_key: String,
        pub count_index: i64,
        /// The distinct quantities counted, ascending.
        #[serde(serialize_with = "raw_json")]
        #[schema(value_type = Vec<i64>)]
        #[cfg_attr(test, ts(as = "Vec<i64>"))]
        pub quantities: String,
        /// `{entry_id, qty, by, device, at}` per entry involved.
        #[serde(serialize_with = "raw_json")]
        #[schema(value_type = Vec<Object>)]
        #[cfg_attr(
            test,
            ts(type = "Array<{ entry_id: string, qty: number, by: string, device: string, at: string }>")
        )]
        pub entries: String,
        pub counted_at: Option<String>,
        pub resolved: bool,
        pub resolved_by: Option<String>,
        pub resolved_at: Option<String>,
    }
}

report_row! {
    /// A checklist run. Dates filter `due_at`.
    pub struct ChecklistRunRow {
        pub site: String,
        pub document_id: String,
        pub template_name: String,
        pub template_version: i64,
        pub location: Option<String>,
        pub assignee: Option<String>,
        pub due_at: Option<String>,
        pub completed_at: Option<String>,
        pub sign_off_name: Option<String>,
        pub signed_off_at: Option<String>,
        pub items_total: i64,
        pub responses_count: i64,
        pub failed_count: i64,
        pub missing_required: i64,
    }
}

report_row! {
    /// One answered checklist item. Dates filter `recorded_at`.
    pub struct ChecklistResponseRow {
        pub site: String,
        pub document_id: String,
        pub template_name: Option<String>,
        /// The template item's id.
        pub item_id: String,
        pub label: String,
        /// check, number or text.
        pub kind: String,
        pub required: bool,
        /// pass, fail or na (checks).
        pub outcome: Option<String>,
        pub number_value: Option<f64>,
        pub text_value: Option<String>,
        /// A `fail`, or a number outside the item's range.
        pub failed: bool,
        pub note: Option<String>,
        /// Attachment references `{sha256, content_type, size}`.
        #[serde(serialize_with = "raw_json")]
        #[schema(value_type = Vec<Object>)]
        #[cfg_attr(test, ts(as = "Vec<floorwalk_shared::AttachmentRef>"))]
        pub photos: String,
        pub recorded_by: String,
        pub recorded_at: String,
        pub device: String,
        /// Two people answered this item concurrently.
        pub conflict: bool,
    }
}

report_row! {
    /// A corrective action. Dates filter `raised_at`.
    pub struct CorrectiveActionRow {
        pub site: String,
        pub document_id: String,
        pub id: String,
        /// The template item that failed.
        pub item_id: String,
        pub description: String,
        pub assignee: Option<String>,
        pub due_at: Option<String>,
        /// low, medium, high or urgent.
        #[cfg_attr(test, ts(as = "floorwalk_shared::checklist_run::Priority"))]
        pub priority: String,
        /// open, in_progress, done or cancelled.
        #[cfg_attr(test, ts(as = "floorwalk_shared::checklist_run::ActionStatus"))]
        pub status: String,
        pub raised_by: String,
        pub raised_at: String,
        pub closed_at: Option<String>,
    }
}

report_row! {
    /// A shipment with its line totals. Dates filter `expected_at`.
    pub struct ShipmentRow {
        pub site: String,
        pub document_id: String,
        /// inbound or outbound.
        #[cfg_attr(test, ts(as = "floorwalk_shared::shipment::Direction"))]
        pub direction: String,
        pub reference: String,
        pub carrier: Option<String>,
        pub tracking_number: Option<String>,
        pub counterparty: Option<String>,
        pub expected_at: Option<String>,
        pub status: String,
        pub status_at: Option<String>,
        /// Arrived (inbound) or dispatched (outbound).
        pub arrived_at: Option<String>,
        pub lines: i64,
        pub expected_units: i64,
        pub handled_units: i64,
        pub damaged_units: i64,
        /// Lines with over, short or damaged units.
        pub discrepant_lines: i64,
    }
}

report_row! {
    /// A shipment line: expected against handled. Dates filter the shipment's `expected_at`.
    pub struct ShipmentLineRow {
        pub site: String,
        pub document_id: String,
        pub reference: String,
        #[cfg_attr(test, ts(as = "floorwalk_shared::shipment::Direction"))]
        pub direction: String,
        pub line_id: String,
        pub sku: String,
        pub location: Option<String>,
        pub expected_qty: i64,
        /// Good units received or shipped.
        pub handled_qty: i64,
        pub damaged_qty: i64,
        pub over_qty: i64,
        pub short_qty: i64,
    }
}

report_row! {
    /// Stock on hand of one SKU at one location: the sum of its movements. Not dated.
    pub struct StockLevelRow {
        pub site: String,
        pub sku: String,
        pub item_name: Option<String>,
        pub location: String,
        pub on_hand: i64,
        pub last_movement_at: Option<String>,
    }
}

report_row! {
    /// An active item at or below its reorder point. Not dated.
    pub struct ReplenishmentRow {
        pub site: String,
        pub sku: String,
        pub name: String,
        pub unit: String,
        pub supplier: Option<String>,
        /// Stock on hand over all locations.
        pub on_hand: i64,
        pub reorder_point: i64,
        pub min_qty: Option<i64>,
        pub max_qty: Option<i64>,
        /// max − on hand; absent when the item has no max.
        pub suggested_qty: Option<i64>,
        pub unit_cost_minor: i64,
    }
}

report_row! {
    /// A validation problem of a document's current state. Dates filter `detected_at`.
    pub struct DocumentProblemRow {
        pub site: String,
        pub document_id: String,
        pub doc_type: Option<String>,
        pub path: String,
        pub message: String,
        /// When the flattener found it (RFC 3339 UTC).
        #[serde(serialize_with = "millis_as_rfc3339")]
        #[schema(value_type = String)]
        #[cfg_attr(test, ts(as = "String"))]
        pub detected_at: i64,
        /// The member it is in (`lines["A-01|SKU-1"]`, `entries[id="…"]`); empty when the
        /// document's root is wrong, which keeps the whole document from flattening.
        pub part: String,
        /// Who delivered the change that wrote the bad value (user id, email, device),
        /// when it is known.
        pub written_by: Option<i64>,
        pub written_by_email: Option<String>,
        pub written_by_device: Option<String>,
    }
}

report_row! {
    /// A part of a document that a synced change wrote against the write policy, and that
    /// the server undid. Dates filter `detected_at`.
    pub struct PolicyViolationRow {
        pub site: String,
        pub document_id: String,
        pub doc_type: Option<String>,
        /// The part, e.g. `lines["A-01|SKU-1"]`.
        pub part: String,
        /// Why it was refused, as the phone was told.
        pub message: String,
        /// What the change tried to leave there (JSON); absent for a removal.
        #[serde(serialize_with = "raw_json_opt")]
        #[schema(value_type = Option<Object>)]
        #[cfg_attr(test, ts(type = "unknown"))]
        pub attempted: Option<String>,
        /// Who delivered it: user id, email, and device (peer id).
        pub user_id: Option<i64>,
        pub user_email: Option<String>,
        pub device: String,
        /// When the server received and undid it (RFC 3339 UTC).
        #[serde(serialize_with = "millis_as_rfc3339")]
        #[schema(value_type = String)]
        #[cfg_attr(test, ts(as = "String"))]
        pub detected_at: i64,
    }
}

report_row! {
    /// An item of a site, with its stock on hand over all locations.
    pub struct ItemRow {
        /// Site slug.
        pub site: String,
        /// The item's key in the site document (UUID).
        pub id: String,
        pub sku: String,
        pub name: String,
        pub unit: String,
        #[serde(serialize_with = "raw_json")]
        #[schema(value_type = Vec<String>)]
        #[cfg_attr(test, ts(as = "Vec<String>"))]
        pub barcodes: String,
        pub unit_cost_minor: i64,
        pub min_qty: Option<i64>,
        pub reorder_point: Option<i64>,
        pub max_qty: Option<i64>,
        pub item_class: Option<String>,
        pub supplier: Option<String>,
        /// Not archived.
        pub active: bool,
        /// Sum of stock movements at every location.
        pub on_hand: i64,
        /// At or below its reorder point.
        pub below_reorder_point: bool,
    }
}

report_row! {
    /// A location of a site, with its parent's code.
    pub struct LocationRow {
        pub site: String,
        pub id: String,
        pub code: String,
        /// zone, aisle or bin.
        pub kind: String,
        pub name: Option<String>,
        pub parent_code: Option<String>,
        pub archived: bool,
    }
}

/// What to order so stock reaches `max`: never negative; none without a max.
pub fn suggested_order(on_hand: i64, max_qty: Option<i64>) -> Option<i64> {
    max_qty.map(|max| (max - on_hand).max(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::csv::{assert_columns_match, to_csv};

    #[test]
    fn suggested_order_fills_up_to_max() {
        assert_eq!(suggested_order(3, Some(80)), Some(77));
        assert_eq!(suggested_order(-2, Some(10)), Some(12));
        assert_eq!(suggested_order(90, Some(80)), Some(0));
        assert_eq!(suggested_order(3, None), None);
    }

    #[test]
    fn problem_times_read_as_iso_in_json_and_csv() {
        let row = DocumentProblemRow {
            site: "north".into(),
            document_id: "doc".into(),
            doc_type: None,
            path: "lines[\"A|B\"].qty".into(),
            message: "must be a whole number, found -1".into(),
            detected_at: 0,
            part: String::new(),
            written_by: None,
            written_by_email: None,
            written_by_device: None,
        };
        assert_columns_match(&row);
        let json = serde_json::to_value(&row).expect("json");
        assert_eq!(json["detected_at"], "1970-01-01T00:00:00.000Z");
        let csv = to_csv(&[row]).expect("csv");
        assert!(csv.ends_with(",\"lines[\"\"A|B\"\"].qty\",\"must be a whole number, found -1\",1970-01-01T00:00:00.000Z,,,,\r\n"), "{csv}");
    }

    #[test]
    fn json_columns_are_emitted_as_json() {
        let row = CountConflictRow {
            site: "north".into(),
            document_id: "doc".into(),
            line_key: "A|B".into(),
            count_index: 1,
            quantities: "[4,5]".into(),
            entries: "[]".into(),
            counted_at: None,
            resolved: false,
            resolved_by: None,
            resolved_at: None,
        };
        assert_columns_match(&row);
        assert_eq!(
            serde_json::to_value(&row).expect("json")["quantities"],
            serde_json::json!([4, 5])
        );
    }

    #[test]
    fn csv_columns_match_the_fields() {
        assert_columns_match(&ItemRow {
            site: "s".into(),
            id: "i".into(),
            sku: "k".into(),
            name: "n".into(),
            unit: "each".into(),
            barcodes: "[]".into(),
            unit_cost_minor: 1,
            min_qty: None,
            reorder_point: None,
            max_qty: None,
            item_class: None,
            supplier: None,
            active: true,
            on_hand: 0,
            below_reorder_point: false,
        });
        assert_columns_match(&LocationRow {
            site: "s".into(),
            id: "i".into(),
            code: "A".into(),
            kind: "zone".into(),
            name: None,
            parent_code: None,
            archived: false,
        });
    }
}
