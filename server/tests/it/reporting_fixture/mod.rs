//! A hand-computed reporting fixture: rows inserted with plain SQL (the same text on
//! SQLite and Postgres), and the figures they must give. November 2026 is the period
//! (previous: 2026-10-02 to 2026-10-31); "now" is 2026-11-20T12:00:00.000Z.
//!
//! Site `north` (all figures below), site `south` (one line, one item: must not leak
//! into north's figures).
#![allow(dead_code)]

use floorwalk::storage::Store;

pub const NOW: &str = "2026-11-20T12:00:00.000Z";

pub struct Sites {
    pub north: i64,
    pub south: i64,
}

/// Creates both sites and inserts the fixture rows.
pub async fn load(store: &dyn Store, url: &str) -> Sites {
    let north = site(store, "north").await;
    let south = site(store, "south").await;
    execute(url, &fixture_sql(north, south)).await;
    // The rows are written here, not by the flattener, so the rollups are built as an
    // upgrade builds them.
    store.rebuild_kpi_rollups().await.expect("rollups");
    Sites { north, south }
}

async fn site(store: &dyn Store, slug: &str) -> i64 {
    match store.find_site(slug).await.expect("find site") {
        Some(site) => site.id,
        None => store.create_site(slug, slug).await.expect("create site").id,
    }
}

/// Runs SQL (several statements) on the test database, whichever backend it is.
pub async fn execute(url: &str, sql: &str) {
    if url.starts_with("sqlite:") {
        let pool = sqlx::SqlitePool::connect(url)
            .await
            .expect("connect sqlite");
        sqlx::raw_sql(sql)
            .execute(&pool)
            .await
            .expect("fixture sql (sqlite)");
        pool.close().await;
    } else {
        let pool = sqlx::PgPool::connect(url).await.expect("connect postgres");
        sqlx::raw_sql(sql)
            .execute(&pool)
            .await
            .expect("fixture sql (postgres)");
        pool.close().await;
    }
}

const NORTH_DOCS: &[&str] = &[
    "site-n", "cs-1", "cs-2", "cs-3", "cs-old", "r1", "r2", "r3", "r4", "r-old", "sh1", "sh2",
    "sh3", "sh4", "sh-old", "log-1",
];
const SOUTH_DOCS: &[&str] = &["site-s", "cs-s"];

fn fixture_sql(n: i64, s: i64) -> String {
    let mut sql = String::new();
    for (site, docs) in [(n, NORTH_DOCS), (s, SOUTH_DOCS)] {
        for doc in docs {
            sql.push_str(&format!(
                "INSERT INTO documents (id, site_id, created_at) VALUES ('{doc}', {site}, 0);\n"
            ));
        }
    }
    sql.push_str(
        &MASTER
            .replace("{n}", &n.to_string())
            .replace("{s}", &s.to_string()),
    );
    sql.push_str(
        &COUNTS
            .replace("{n}", &n.to_string())
            .replace("{s}", &s.to_string()),
    );
    sql.push_str(&CHECKLISTS.replace("{n}", &n.to_string()));
    sql.push_str(&SHIPMENTS.replace("{n}", &n.to_string()));
    sql.push_str(&STOCK.replace("{n}", &n.to_string()));
    sql
}

const MASTER: &str = "
INSERT INTO item_classes (document_id, site_id, code, name, tolerance_units) VALUES
 ('site-n', {n}, 'A', 'High value', 0), ('site-n', {n}, 'B', NULL, 2);
INSERT INTO items (document_id, site_id, id, sku, name, unit, unit_cost_minor, min_qty, reorder_point, max_qty, item_class, supplier, active) VALUES
 ('site-n', {n}, 'i9', 'SKU-9', 'Pallet wrap', 'each', 1299, 10, 20, 80, 'B', 'WrapCo', TRUE),
 ('site-n', {n}, 'i12', 'SKU-12', 'Cable ties', 'box', 450, NULL, 5, NULL, NULL, NULL, TRUE),
 ('site-n', {n}, 'i30', 'SKU-30', 'Gloves', 'each', 350, NULL, NULL, NULL, NULL, NULL, FALSE),
 ('site-n', {n}, 'i40', 'SKU-40', 'Scanner', 'each', 100, NULL, 10, 50, 'A', NULL, TRUE),
 ('site-s', {s}, 'i9s', 'SKU-9', 'Pallet wrap', 'each', 1000, NULL, 100, 200, NULL, NULL, TRUE);
INSERT INTO locations (document_id, site_id, id, code, kind, parent_id) VALUES
 ('site-n', {n}, 'l1', 'A-01-01', 'bin', NULL), ('site-n', {n}, 'l2', 'A-01-02', 'bin', NULL);
";

const COUNTS: &str = "
INSERT INTO count_sessions (document_id, site_id, title, due_at, status, closed_at, updated_at) VALUES
 ('cs-1', {n}, 'Aisle A', '2026-11-10T17:00:00.000Z', 'closed', '2026-11-10T16:00:00.000Z', 0),
 ('cs-2', {n}, 'Aisle B', '2026-11-15T17:00:00.000Z', 'closed', '2026-11-16T09:00:00.000Z', 0),
 ('cs-3', {n}, 'Aisle C', '2026-11-25T17:00:00.000Z', 'counting', NULL, 0),
 ('cs-old', {n}, 'October', '2026-10-20T17:00:00.000Z', 'closed', '2026-10-20T10:00:00.000Z', 0),
 ('cs-s', {s}, 'South', '2026-11-12T17:00:00.000Z', 'closed', '2026-11-12T10:00:00.000Z', 0);
INSERT INTO count_lines (document_id, site_id, line_key, location, sku, expected_qty, counted_qty, last_count_index, counted_at, status) VALUES
 ('cs-1', {n}, 'A-01-01|SKU-9', 'A-01-01', 'SKU-9', 10, 11, 1, '2026-11-10T10:00:00.000Z', 'counted'),
 ('cs-1', {n}, 'A-01-02|SKU-9', 'A-01-02', 'SKU-9', 10, 7, 1, '2026-11-10T10:05:00.000Z', 'counted'),
 ('cs-1', {n}, 'A-01-01|SKU-12', 'A-01-01', 'SKU-12', 4, 4, 1, '2026-11-10T10:10:00.000Z', 'counted'),
 ('cs-1', {n}, 'A-01-02|SKU-40', 'A-01-02', 'SKU-40', 5, 6, 1, '2026-11-10T10:15:00.000Z', 'counted'),
 ('cs-1', {n}, 'A-01-02|SKU-12', 'A-01-02', 'SKU-12', 3, NULL, 1, '2026-11-10T11:00:00.000Z', 'conflict'),
 ('cs-1', {n}, 'A-01-01|SKU-30', 'A-01-01', 'SKU-30', 2, 2, 1, '2026-11-10T10:20:00.000Z', 'counted'),
 ('cs-3', {n}, 'A-01-01|SKU-40', 'A-01-01', 'SKU-40', 1, NULL, NULL, NULL, 'uncounted'),
 ('cs-old', {n}, 'A-01-01|SKU-9', 'A-01-01', 'SKU-9', 10, 10, 1, '2026-10-20T09:00:00.000Z', 'counted'),
 ('cs-old', {n}, 'A-01-01|SKU-40', 'A-01-01', 'SKU-40', 5, 3, 1, '2026-10-20T09:30:00.000Z', 'counted'),
 ('cs-s', {s}, 'B-1|SKU-9', 'B-1', 'SKU-9', 5, 9, 1, '2026-11-12T09:00:00.000Z', 'counted');
INSERT INTO count_entries (document_id, site_id, id, line_key, location, sku, qty, count_index, recorded_by, recorded_at, device, voided) VALUES
 ('cs-1', {n}, 'e1', 'A-01-02|SKU-12', 'A-01-02', 'SKU-12', 2, 1, 'u1', '2026-11-10T10:59:00.000Z', 'phone-1', FALSE),
 ('cs-1', {n}, 'e2', 'A-01-02|SKU-12', 'A-01-02', 'SKU-12', 3, 1, 'u2', '2026-11-10T11:00:00.000Z', 'phone-2', FALSE),
 ('cs-1', {n}, 'e3', 'A-01-01|SKU-9', 'A-01-01', 'SKU-9', 99, 1, 'u1', '2026-11-10T09:00:00.000Z', 'phone-1', TRUE);
INSERT INTO count_conflicts (document_id, site_id, line_key, count_index, quantities, entries, counted_at, resolved) VALUES
 ('cs-1', {n}, 'A-01-02|SKU-12', 1, '[2,3]', '[{\"entry_id\":\"e1\",\"qty\":2,\"by\":\"u1\"},{\"entry_id\":\"e2\",\"qty\":3,\"by\":\"u2\"}]', '2026-11-10T11:00:00.000Z', FALSE);
INSERT INTO document_problems (document_id, site_id, path, message, detected_at) VALUES
 ('cs-3', {n}, 'entries[2].qty', 'must be a whole number ≥ 0, found -1', 1794571200000),
 ('cs-3', {n}, 'title', 'must be text, found 3', 1788000000000);
";

const CHECKLISTS: &str = "
INSERT INTO checklist_runs (document_id, site_id, template_id, template_version, template_name, due_at, completed_at, updated_at) VALUES
 ('r1', {n}, 't1', 1, 'Dock walk', '2026-11-05T12:00:00.000Z', '2026-11-05T11:00:00.000Z', 0),
 ('r2', {n}, 't1', 1, 'Dock walk', '2026-11-06T12:00:00.000Z', '2026-11-07T08:00:00.000Z', 0),
 ('r3', {n}, 't1', 1, 'Dock walk', '2026-11-18T12:00:00.000Z', NULL, 0),
 ('r4', {n}, 't1', 1, 'Dock walk', '2026-11-28T12:00:00.000Z', NULL, 0),
 ('r-old', {n}, 't1', 1, 'Dock walk', '2026-10-15T12:00:00.000Z', '2026-10-15T10:00:00.000Z', 0);
INSERT INTO checklist_responses (document_id, site_id, item_id, label, kind, outcome, number_value, text_value, failed, recorded_by, recorded_at, device) VALUES
 ('r1', {n}, 'a', 'Doors', 'check', 'pass', NULL, NULL, FALSE, 'u1', '2026-11-05T10:00:00.000Z', 'p'),
 ('r1', {n}, 'b', 'Chiller', 'number', NULL, 3.0, NULL, FALSE, 'u1', '2026-11-05T10:01:00.000Z', 'p'),
 ('r1', {n}, 'c', 'Notes', 'text', NULL, NULL, 'fine', FALSE, 'u1', '2026-11-05T10:02:00.000Z', 'p'),
 ('r2', {n}, 'a', 'Doors', 'check', 'fail', NULL, NULL, TRUE, 'u1', '2026-11-07T07:00:00.000Z', 'p'),
 ('r2', {n}, 'b', 'Chiller', 'number', NULL, 9.0, NULL, TRUE, 'u1', '2026-11-07T07:01:00.000Z', 'p'),
 ('r2', {n}, 'd', 'Ramp', 'check', 'na', NULL, NULL, FALSE, 'u1', '2026-11-07T07:02:00.000Z', 'p'),
 ('r-old', {n}, 'a', 'Doors', 'check', 'pass', NULL, NULL, FALSE, 'u1', '2026-10-15T09:00:00.000Z', 'p');
INSERT INTO corrective_actions (document_id, site_id, id, item_id, description, due_at, priority, status, raised_by, raised_at, device, closed_at) VALUES
 ('r2', {n}, 'ca1', 'a', 'Fix door', '2026-11-10T00:00:00.000Z', 'high', 'open', 'u1', '2026-11-06T09:00:00.000Z', 'p', NULL),
 ('r2', {n}, 'ca2', 'b', 'Service chiller', '2026-11-30T00:00:00.000Z', 'high', 'in_progress', 'u1', '2026-11-07T09:00:00.000Z', 'p', NULL),
 ('r-old', {n}, 'ca3', 'a', 'Oil hinge', '2026-10-20T00:00:00.000Z', 'low', 'done', 'u1', '2026-10-10T09:00:00.000Z', 'p', '2026-11-02T10:00:00.000Z'),
 ('r2', {n}, 'ca4', 'a', 'Duplicate', NULL, 'medium', 'cancelled', 'u1', '2026-11-08T09:00:00.000Z', 'p', '2026-11-09T09:00:00.000Z');
";

const SHIPMENTS: &str = "
INSERT INTO shipments (document_id, site_id, direction, reference, expected_at, status, arrived_at, updated_at) VALUES
 ('sh1', {n}, 'inbound', 'PO-1', '2026-11-03T08:00:00.000Z', 'received', '2026-11-03T09:00:00.000Z', 0),
 ('sh2', {n}, 'inbound', 'PO-2', '2026-11-19T08:00:00.000Z', 'expected', NULL, 0),
 ('sh3', {n}, 'inbound', 'PO-3', '2026-11-25T08:00:00.000Z', 'expected', NULL, 0),
 ('sh4', {n}, 'outbound', 'SO-1', '2026-11-04T15:00:00.000Z', 'dispatched', '2026-11-04T14:00:00.000Z', 0),
 ('sh-old', {n}, 'inbound', 'PO-0', '2026-10-10T08:00:00.000Z', 'put_away', '2026-10-10T10:00:00.000Z', 0);
INSERT INTO shipment_lines (document_id, site_id, line_id, sku, expected_qty, handled_qty, damaged_qty, over_qty, short_qty) VALUES
 ('sh1', {n}, 'l1', 'SKU-9', 20, 18, 2, 0, 0),
 ('sh1', {n}, 'l2', 'SKU-12', 10, 10, 0, 0, 0),
 ('sh1', {n}, 'l3', 'SKU-40', 5, 3, 0, 0, 2),
 ('sh1', {n}, 'unexpected|SKU-30', 'SKU-30', 0, 1, 0, 1, 0),
 ('sh4', {n}, 'l1', 'SKU-9', 5, 5, 0, 0, 0),
 ('sh-old', {n}, 'l1', 'SKU-9', 10, 10, 0, 0, 0);
";

const STOCK: &str = "
INSERT INTO stock_movements (document_id, site_id, entry_id, leg, source_type, cause, sku, location, qty, recorded_at, voided) VALUES
 ('sh1', {n}, 'se1', 'in', 'shipment', 'receipt', 'SKU-9', 'A-01-01', 18, '2026-11-03T09:30:00.000Z', FALSE),
 ('cs-1', {n}, 'A-01-02|SKU-9', 'adjust', 'count_session', 'count_adjustment', 'SKU-9', 'A-01-02', -3, '2026-11-11T09:00:00.000Z', FALSE),
 ('log-1', {n}, 'm1', 'out', 'stock_log', 'transfer', 'SKU-9', 'A-01-01', -5, '2026-11-12T09:00:00.000Z', FALSE),
 ('log-1', {n}, 'm1', 'in', 'stock_log', 'transfer', 'SKU-9', 'A-01-02', 5, '2026-11-12T09:00:00.000Z', FALSE),
 ('sh1', {n}, 'se2', 'in', 'shipment', 'receipt', 'SKU-12', 'A-01-01', 10, '2026-11-03T09:40:00.000Z', FALSE),
 ('sh4', {n}, 'se3', 'out', 'shipment', 'dispatch', 'SKU-12', 'A-01-01', -7, '2026-11-04T14:00:00.000Z', FALSE),
 ('log-1', {n}, 'm2', 'in', 'stock_log', 'correction', 'SKU-12', 'A-01-02', 100, '2026-11-13T09:00:00.000Z', TRUE),
 ('sh1', {n}, 'se4', 'in', 'shipment', 'receipt', 'SKU-40', 'A-01-02', 3, '2026-11-03T09:50:00.000Z', FALSE);
";
