-- 10 sites × 1 year of flattened rows, generated inside Postgres (generate_series):
-- what the flattener would have written for that much field work. Statements are
-- separated by lines holding only `;;`. Sites exist already. Dates: 2025-11-25 to 2026-11-24.
CREATE FUNCTION pg_temp.iso(t timestamptz) RETURNS text LANGUAGE sql IMMUTABLE AS
$$ SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') $$
;;
-- Master data: 2,000 items per site, costs 1.00–9.99.
INSERT INTO documents (id, site_id, created_at) SELECT 'site-' || s.id, s.id, 0 FROM sites s
;;
INSERT INTO items (document_id, site_id, id, sku, name, unit, unit_cost_minor, reorder_point, max_qty)
SELECT 'site-' || s.id, s.id, 'item-' || n, 'SKU-' || n, 'Item ' || n, 'each', 100 + n * 7 % 900, 10, 60
FROM sites s, generate_series(1, 2000) n
;;
-- Count sessions: 500 per site (one every 17.5 h), 200 lines each, 1 entry per line
-- (10 × 500 × 200 = 1,000,000 entries) and a second, disagreeing one on 1 line in 97.
INSERT INTO documents (id, site_id, created_at)
SELECT 'cs-' || s.id || '-' || n, s.id, 0 FROM sites s, generate_series(1, 500) n
;;
INSERT INTO count_sessions (document_id, site_id, title, status, due_at, status_at, closed_at, updated_at)
SELECT 'cs-' || s.id || '-' || n, s.id, 'Cycle count ' || n,
       CASE WHEN n % 10 = 0 THEN 'review' ELSE 'closed' END,
       pg_temp.iso(d + interval '9 hours'), pg_temp.iso(d + interval '8 hours'),
       CASE WHEN n % 10 = 0 THEN NULL
            WHEN n % 7 = 0 THEN pg_temp.iso(d + interval '10 hours')
            ELSE pg_temp.iso(d + interval '8 hours') END, 0
FROM sites s, generate_series(1, 500) n,
     LATERAL (SELECT timestamptz '2025-11-25 07:00Z' + n * interval '17 hours 30 minutes' AS d) t
;;
INSERT INTO count_lines (document_id, site_id, line_key, location, sku, expected_qty, counted_qty,
                         last_count_index, counted_at, recount_state, status)
SELECT c.document_id, c.site_id, loc || '|' || sku, loc, sku, e,
       CASE WHEN (n + l) % 97 = 0 THEN NULL
            WHEN (n + l) % 10 = 0 THEN e - 2 WHEN (n + l) % 17 = 0 THEN e + 3 ELSE e END,
       1, pg_temp.iso(c.due_at::timestamptz - interval '2 hours' + l * interval '10 seconds'), 'none',
       CASE WHEN (n + l) % 97 = 0 THEN 'conflict' ELSE 'counted' END
FROM count_sessions c,
     LATERAL (SELECT split_part(c.document_id, '-', 3)::int AS n) k,
     generate_series(0, 199) l,
     LATERAL (SELECT 'A-' || l / 20 || '-' || l % 20 AS loc,
                     'SKU-' || 1 + (k.n * 37 + l * 11) % 2000 AS sku, 20 + l % 13 AS e) v
;;
INSERT INTO count_entries (document_id, site_id, id, line_key, location, sku, qty, count_index,
                           recorded_by, recorded_at, device)
SELECT document_id, site_id, 'e1|' || line_key, line_key, location, sku,
       COALESCE(counted_qty, expected_qty), 1, 'user-ana', counted_at, 'device-ana'
FROM count_lines
;;
INSERT INTO count_entries (document_id, site_id, id, line_key, location, sku, qty, count_index,
                           recorded_by, recorded_at, device)
SELECT document_id, site_id, 'e2|' || line_key, line_key, location, sku, expected_qty + 1, 1,
       'user-ben', counted_at, 'device-ben'
FROM count_lines WHERE counted_qty IS NULL
;;
INSERT INTO count_conflicts (document_id, site_id, line_key, count_index, quantities, entries, counted_at, resolved)
SELECT document_id, site_id, line_key, 1, '[' || expected_qty || ',' || expected_qty + 1 || ']', '[]', counted_at, FALSE
FROM count_lines WHERE counted_qty IS NULL
;;
-- Checklist runs: 5,000 per site (one every 1 h 45), 5 responses each, 1 in 20 failed;
-- 1 run in 10 left open, 1 in 8 completed late; a corrective action per failure.
INSERT INTO documents (id, site_id, created_at)
SELECT 'cr-' || s.id || '-' || n, s.id, 0 FROM sites s, generate_series(1, 5000) n
;;
INSERT INTO checklist_runs (document_id, site_id, template_id, template_version, template_name, location,
                            assignee, due_at, completed_at, items_total, responses_count, failed_count, updated_at)
SELECT 'cr-' || s.id || '-' || n, s.id, 'tpl-' || n % 4, 1, 'Template ' || n % 4, 'A', 'user-ana',
       pg_temp.iso(d), CASE WHEN n % 10 = 0 THEN NULL
                            WHEN n % 8 = 0 THEN pg_temp.iso(d + interval '30 minutes')
                            ELSE pg_temp.iso(d - interval '30 minutes') END, 5, 5, 0, 0
FROM sites s, generate_series(1, 5000) n,
     LATERAL (SELECT timestamptz '2025-11-25 06:00Z' + n * interval '1 hour 45 minutes' AS d) t
;;
INSERT INTO checklist_responses (document_id, site_id, item_id, label, kind, required, outcome, failed,
                                 recorded_by, recorded_at, device)
SELECT r.document_id, r.site_id, 'item-' || i, 'Item ' || i, 'check', TRUE,
       CASE WHEN (k.n + i) % 20 = 0 THEN 'fail' ELSE 'pass' END, (k.n + i) % 20 = 0,
       'user-ana', pg_temp.iso(r.due_at::timestamptz - interval '40 minutes' + i * interval '1 minute'), 'device-ana'
FROM checklist_runs r, LATERAL (SELECT split_part(r.document_id, '-', 3)::int AS n) k, generate_series(1, 5) i
;;
UPDATE checklist_runs r SET failed_count = f.failed
FROM (SELECT document_id, COUNT(*) AS failed FROM checklist_responses WHERE failed GROUP BY document_id) f
WHERE f.document_id = r.document_id
;;
INSERT INTO corrective_actions (document_id, site_id, id, item_id, description, assignee, due_at, priority,
                                status, raised_by, raised_at, device, status_at, closed_at)
SELECT p.document_id, p.site_id, 'ca-' || p.item_id, p.item_id, 'Fix ' || p.label, 'user-mia',
       pg_temp.iso(p.recorded_at::timestamptz + interval '3 days'),
       (ARRAY['low', 'medium', 'high', 'urgent'])[1 + length(p.document_id) % 4],
       CASE WHEN length(p.recorded_at) % 3 = 0 OR p.recorded_at > '2026-11' THEN 'open' ELSE 'done' END,
       'user-ana', p.recorded_at, 'device-ana', p.recorded_at, NULL
FROM checklist_responses p WHERE p.failed
;;
UPDATE corrective_actions SET closed_at = pg_temp.iso(raised_at::timestamptz + interval '2 days')
WHERE status = 'done'
;;
-- Shipments: 2,000 per site (one every 4 h 23), 7 in 10 inbound, 3 lines each,
-- 1 line in 15 with 2 damaged, 1 in 23 short by 5; 1 in 20 never arrived.
INSERT INTO documents (id, site_id, created_at)
SELECT 'sh-' || s.id || '-' || n, s.id, 0 FROM sites s, generate_series(1, 2000) n
;;
INSERT INTO shipments (document_id, site_id, direction, reference, carrier, counterparty, expected_at,
                       status, status_at, arrived_at, updated_at)
SELECT 'sh-' || s.id || '-' || n, s.id, CASE WHEN n % 10 < 7 THEN 'inbound' ELSE 'outbound' END,
       'PO-' || n, 'Carrier ' || n % 5, 'Supplier ' || n % 40, pg_temp.iso(d),
       CASE WHEN n % 20 = 0 THEN 'expected' WHEN n % 10 < 7 THEN 'received' ELSE 'dispatched' END,
       CASE WHEN n % 20 = 0 THEN NULL ELSE pg_temp.iso(d + interval '20 minutes') END,
       CASE WHEN n % 20 = 0 THEN NULL ELSE pg_temp.iso(d + interval '20 minutes') END, 0
FROM sites s, generate_series(1, 2000) n,
     LATERAL (SELECT timestamptz '2025-11-25 05:00Z' + n * interval '4 hours 23 minutes' AS d) t
;;
INSERT INTO shipment_lines (document_id, site_id, line_id, sku, location, expected_qty, handled_qty,
                            damaged_qty, over_qty, short_qty)
SELECT h.document_id, h.site_id, 'line-' || j, 'SKU-' || 1 + (k.n * 13 + j * 7) % 2000, 'A-0-' || j, 20,
       CASE WHEN h.arrived_at IS NULL THEN 0 WHEN (k.n + j) % 15 = 0 THEN 18
            WHEN (k.n + j) % 23 = 0 THEN 15 ELSE 20 END,
       CASE WHEN h.arrived_at IS NOT NULL AND (k.n + j) % 15 = 0 THEN 2 ELSE 0 END, 0,
       CASE WHEN h.arrived_at IS NULL THEN 20 WHEN (k.n + j) % 15 <> 0 AND (k.n + j) % 23 = 0 THEN 5 ELSE 0 END
FROM shipments h, LATERAL (SELECT split_part(h.document_id, '-', 3)::int AS n) k, generate_series(1, 3) j
;;
INSERT INTO shipment_events (document_id, site_id, id, status, recorded_by, recorded_at, device)
SELECT document_id, site_id, 'ev-' || document_id, status, 'user-ben', arrived_at, 'device-ben'
FROM shipments WHERE arrived_at IS NOT NULL
;;
INSERT INTO stock_movements (document_id, site_id, entry_id, leg, source_type, cause, sku, location, qty,
                             recorded_by, recorded_at, device)
SELECT l.document_id, l.site_id, l.line_id, CASE WHEN h.direction = 'inbound' THEN 'in' ELSE 'out' END,
       'shipment', CASE WHEN h.direction = 'inbound' THEN 'receipt' ELSE 'dispatch' END, l.sku, l.location,
       CASE WHEN h.direction = 'inbound' THEN l.handled_qty ELSE -l.handled_qty END, 'user-ben', h.arrived_at, 'device-ben'
FROM shipment_lines l JOIN shipments h ON h.document_id = l.document_id WHERE h.arrived_at IS NOT NULL
;;
-- Every document counts as flattened, so the server's flattener has nothing to catch up.
INSERT INTO flattened_heads (document_id, site_id, doc_type, heads, updated_at)
SELECT id, site_id, 'generated', heads, 0 FROM documents
