//! The flattened rows of one document, as comparable text: every column that
//! comes from the document (not the document id, not server clocks).

use std::collections::BTreeMap;

use sqlx::{PgPool, SqlitePool};

/// (table, columns, order) for every table a document flattens into.
const TABLES: &[(&str, &str, &str)] = &[
    (
        "count_sessions",
        "title, blind, scope, assignees, due_at, status, status_at, closed_at",
        "title",
    ),
    (
        "count_lines",
        "line_key, location, sku, expected_qty, counted_qty, last_count_index, counted_at, reason, \
      reason_note, approved_qty, approved_by, approved_at, recount_index, recount_requested_by, \
      recount_requested_at, recount_state, status",
        "line_key",
    ),
    (
        "count_entries",
        "id, line_key, location, sku, qty, count_index, recorded_by, recorded_at, device, note, \
      voided, voided_by, voided_at, void_reason",
        "id",
    ),
    (
        "count_conflicts",
        "line_key, count_index, quantities, entries, counted_at, resolved, resolved_by, \
      resolved_at",
        "line_key, count_index",
    ),
    (
        "stock_movements",
        "entry_id, leg, source_type, cause, sku, location, qty, recorded_by, recorded_at, \
      device, voided",
        "entry_id, leg",
    ),
    (
        "checklist_runs",
        "template_id, template_version, template_name, location, assignee, due_at, completed_at, \
      sign_off_name, items_total, responses_count, failed_count, missing_required",
        "template_id",
    ),
    (
        "checklist_responses",
        "item_id, label, kind, required, outcome, number_value, text_value, failed, note, \
      photos, recorded_by, recorded_at, device, conflict",
        "item_id",
    ),
    (
        "shipments",
        "direction, reference, carrier, tracking_number, counterparty, expected_at, status, status_at, \
      arrived_at, pod_name, pod_at",
        "reference",
    ),
    (
        "shipment_lines",
        "line_id, sku, location, expected_qty, handled_qty, damaged_qty, over_qty, short_qty",
        "line_id",
    ),
    (
        "shipment_events",
        "id, status, note, recorded_by, recorded_at, device",
        "id",
    ),
    ("document_problems", "path, message", "path, message"),
];

pub enum Reader {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Table name → its rows for the document, each row one line of text.
pub type Snapshot = BTreeMap<&'static str, Vec<String>>;

impl Reader {
    pub async fn connect(url: &str) -> Self {
        if url.starts_with("sqlite:") {
            Reader::Sqlite(SqlitePool::connect(url).await.expect("sqlite"))
        } else {
            Reader::Postgres(PgPool::connect(url).await.expect("postgres"))
        }
    }

    pub async fn strings(&self, sql: &str) -> Vec<String> {
        let result = match self {
            Reader::Sqlite(pool) => sqlx::query_scalar(sql).fetch_all(pool).await,
            Reader::Postgres(pool) => sqlx::query_scalar(sql).fetch_all(pool).await,
        };
        result.unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    pub async fn snapshot(&self, document_id: &str) -> Snapshot {
        let mut snapshot = Snapshot::new();
        for (table, columns, order) in TABLES {
            let text = columns
                .split(',')
                .map(|c| format!("COALESCE(CAST({} AS TEXT), '∅')", c.trim()))
                .collect::<Vec<_>>()
                .join(" || ' | ' || ");
            // Ids are the test's own, never user input.
            let sql = format!(
                "SELECT {text} FROM {table} WHERE document_id = '{document_id}' ORDER BY {order}"
            );
            snapshot.insert(table, self.strings(&sql).await);
        }
        snapshot
    }
}

/// The first column of the rows of `table` (ids, keys).
pub fn first_column<'a>(snapshot: &'a Snapshot, table: &str) -> Vec<&'a str> {
    snapshot[table]
        .iter()
        .map(|row| row.split(" | ").next().unwrap_or_default())
        .collect()
}
