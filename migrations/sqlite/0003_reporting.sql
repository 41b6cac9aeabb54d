-- Reporting tables: the merged state of every document, flattened into rows for the
-- dashboard and its KPIs (SQLite). Derived data: all of it can be rebuilt from the
-- documents. Keep equivalent to migrations/postgres/0003_reporting.sql.
--
-- Conventions:
-- - Every row that comes from a document carries `document_id` and `site_id`, and has a
--   natural primary key the flattener can upsert by. Appended things (entries, actions,
--   events, movements) are keyed by (document_id, their device-made UUID): a forged id
--   copied into another document can then never overwrite that document's rows.
-- - Document timestamps are RFC 3339 TEXT exactly as the documents carry them; with the
--   `Z` offset they sort and compare correctly as text. Server times are Unix ms.
-- - Quantities are whole units; money is in minor units of the site currency.
-- - Booleans are INTEGER 0/1 here, BOOLEAN in Postgres.
-- - User ids (`*_by`) and device ids are the opaque strings the documents carry.

-- Per document: the heads the flattener last flattened (JSON array of hex hashes).
CREATE TABLE flattened_heads (
    document_id TEXT PRIMARY KEY REFERENCES documents (id),
    site_id INTEGER NOT NULL REFERENCES sites (id),
    doc_type TEXT NOT NULL,
    heads TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX flattened_heads_site ON flattened_heads (site_id);

-- Validation problems of a document's current state (replaced at each flatten).
CREATE TABLE document_problems (
    document_id TEXT NOT NULL REFERENCES documents (id),
    site_id INTEGER NOT NULL REFERENCES sites (id),
    path TEXT NOT NULL,
    message TEXT NOT NULL,
    detected_at INTEGER NOT NULL,
    PRIMARY KEY (document_id, path, message)
);
CREATE INDEX document_problems_site ON document_problems (site_id, detected_at);

-- Site master data (from the `site` document).

CREATE TABLE locations (
    document_id TEXT NOT NULL REFERENCES documents (id),
    site_id INTEGER NOT NULL REFERENCES sites (id),
    id TEXT NOT NULL,
    code TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('zone', 'aisle', 'bin')),
    parent_id TEXT,
    name TEXT,
    archived INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (document_id, id)
);
CREATE INDEX locations_site_code ON locations (site_id, code);

CREATE TABLE item_classes (
    document_id TEXT NOT NULL REFERENCES documents (id),
    site_id INTEGER NOT NULL REFERENCES sites (id),
    code TEXT NOT NULL,
    name TEXT,
    tolerance_units INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (document_id, code)
);
CREATE INDEX item_classes_site_code ON item_classes (site_id, code);

CREATE TABLE items (
    document_id TEXT NOT NULL REFERENCES documents (id),
    site_id INTEGER NOT NULL REFERENCES sites (id),
    id TEXT NOT NULL,
    sku TEXT NOT NULL,
    name TEXT NOT NULL,
    unit TEXT NOT NULL,
    barcodes TEXT NOT NULL DEFAULT '[]',
    unit_cost_minor INTEGER NOT NULL DEFAULT 0,
    min_qty INTEGER,
    reorder_point INTEGER,
    max_qty INTEGER,
    item_class TEXT,
    supplier TEXT,
    -- Not archived: counts in coverage and the replenishment list.
    active INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (document_id, id)
);
CREATE INDEX items_site_sku ON items (site_id, sku);

CREATE TABLE checklist_templates (
    document_id TEXT NOT NULL REFERENCES documents (id),
    site_id INTEGER NOT NULL REFERENCES sites (id),
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    latest_version INTEGER,
    PRIMARY KEY (document_id, id)
);
CREATE INDEX checklist_templates_site ON checklist_templates (site_id);

CREATE TABLE checklist_template_versions (
    document_id TEXT NOT NULL REFERENCES documents (id),
    site_id INTEGER NOT NULL REFERENCES sites (id),
    template_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    published_at TEXT NOT NULL,
    -- The version's items as JSON (the shared crate's TemplateItem list).
    items TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (document_id, template_id, version)
);

-- Count sessions (from `count_session` documents).

CREATE TABLE count_sessions (
    document_id TEXT PRIMARY KEY REFERENCES documents (id),
    site_id INTEGER NOT NULL REFERENCES sites (id),
    title TEXT NOT NULL,
    blind INTEGER NOT NULL DEFAULT 0,
    -- JSON: {"locations": [...], "skus": [...]} and ["user id", ...]
    scope TEXT NOT NULL DEFAULT '{}',
    assignees TEXT NOT NULL DEFAULT '[]',
    due_at TEXT,
    status TEXT NOT NULL CHECK (status IN ('open', 'counting', 'review', 'closed')),
    -- Time of the latest timeline event, and of the closing one while closed.
    status_at TEXT,
    closed_at TEXT,
    updated_at INTEGER NOT NULL
);
CREATE INDEX count_sessions_site_due ON count_sessions (site_id, due_at);

-- One row per line: planned in `lines` or found by entries. The variance is derived in
-- the view count_line_variances below (it needs the item's cost and class).
CREATE TABLE count_lines (
    document_id TEXT NOT NULL REFERENCES documents (id),
    site_id INTEGER NOT NULL REFERENCES sites (id),
    line_key TEXT NOT NULL,
    location TEXT NOT NULL,
    sku TEXT NOT NULL,
    expected_qty INTEGER,
    -- The quantity that stands: the approved one, else the agreed count of the latest
    -- pass; NULL while uncounted or in conflict.
    counted_qty INTEGER,
    -- Highest count_index with a live entry, and the time of the latest live entry.
    last_count_index INTEGER,
    counted_at TEXT,
    reason TEXT CHECK (reason IN ('damaged', 'lost', 'found', 'mis_picked', 'unit_error', 'other')),
    reason_note TEXT,
    approved_qty INTEGER,
    approved_by TEXT,
    approved_at TEXT,
    -- A requested recount: its pass, and whether an entry of that pass exists yet.
    recount_index INTEGER,
    recount_requested_by TEXT,
    recount_requested_at TEXT,
    recount_state TEXT NOT NULL DEFAULT 'none' CHECK (recount_state IN ('none', 'requested', 'counted')),
    status TEXT NOT NULL CHECK (status IN ('uncounted', 'counted', 'conflict', 'recount', 'approved')),
    PRIMARY KEY (document_id, line_key)
);
CREATE INDEX count_lines_site_counted ON count_lines (site_id, counted_at);
CREATE INDEX count_lines_site_sku ON count_lines (site_id, sku);

-- Every entry, voided ones included (the audit trail keeps them).
CREATE TABLE count_entries (
    document_id TEXT NOT NULL REFERENCES documents (id),
    site_id INTEGER NOT NULL REFERENCES sites (id),
    id TEXT NOT NULL,
    line_key TEXT NOT NULL,
    location TEXT NOT NULL,
    sku TEXT NOT NULL,
    qty INTEGER NOT NULL,
    count_index INTEGER NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    device TEXT NOT NULL,
    note TEXT,
    voided INTEGER NOT NULL DEFAULT 0,
    voided_by TEXT,
    voided_at TEXT,
    void_reason TEXT,
    PRIMARY KEY (document_id, id)
);
CREATE INDEX count_entries_line ON count_entries (document_id, line_key);
CREATE INDEX count_entries_site_at ON count_entries (site_id, recorded_at);

-- A line and pass whose live entries disagree. The row stays once resolved (by an
-- approval, or by voiding entries) so the review history is kept.
CREATE TABLE count_conflicts (
    document_id TEXT NOT NULL REFERENCES documents (id),
    site_id INTEGER NOT NULL REFERENCES sites (id),
    line_key TEXT NOT NULL,
    count_index INTEGER NOT NULL,
    -- JSON: the distinct quantities ascending, e.g. [4, 5]; and the entries behind them,
    -- [{"entry_id", "qty", "by", "device", "at"}, ...].
    quantities TEXT NOT NULL,
    entries TEXT NOT NULL,
    -- Time of the latest entry involved.
    counted_at TEXT,
    resolved INTEGER NOT NULL DEFAULT 0,
    resolved_by TEXT,
    resolved_at TEXT,
    PRIMARY KEY (document_id, line_key, count_index)
);
CREATE INDEX count_conflicts_site ON count_conflicts (site_id, resolved, counted_at);

-- Stock movements from every source. Stock on hand is their sum (stock_levels).
-- `qty` is signed: + into `location`, − out of it. `entry_id` is the source's id: the
-- shipment entry, the stock log movement, or the count line's key for an adjustment.
-- `leg` tells the rows of one entry apart: a transfer is an 'out' row at its `from` and
-- an 'in' row at its `to`; an approved count line is one signed 'adjust' row.
CREATE TABLE stock_movements (
    document_id TEXT NOT NULL REFERENCES documents (id),
    site_id INTEGER NOT NULL REFERENCES sites (id),
    entry_id TEXT NOT NULL,
    leg TEXT NOT NULL CHECK (leg IN ('in', 'out', 'adjust')),
    source_type TEXT NOT NULL CHECK (source_type IN ('shipment', 'count_session', 'stock_log')),
    cause TEXT NOT NULL CHECK (cause IN ('receipt', 'dispatch', 'count_adjustment', 'transfer', 'correction')),
    sku TEXT NOT NULL,
    location TEXT NOT NULL,
    qty INTEGER NOT NULL,
    recorded_by TEXT,
    recorded_at TEXT NOT NULL,
    device TEXT,
    voided INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (document_id, entry_id, leg)
);
CREATE INDEX stock_movements_site_sku ON stock_movements (site_id, sku, location);
CREATE INDEX stock_movements_site_at ON stock_movements (site_id, recorded_at);

-- Stock on hand per site, SKU and location: derived, never typed in.
CREATE VIEW stock_levels AS
SELECT site_id, sku, location, SUM(qty) AS on_hand, MAX(recorded_at) AS last_movement_at
FROM stock_movements
WHERE voided = 0
GROUP BY site_id, sku, location;

-- Count lines with their variance: units (counted − expected, signed), value at the
-- item's unit cost, and whether the line is within its item class's tolerance
-- (default ±0). An uncounted line has NULL variance; a line found outside the plan
-- (no expected_qty) is a variance against 0.
CREATE VIEW count_line_variances AS
SELECT l.document_id, l.site_id, l.line_key, l.location, l.sku, l.expected_qty,
       l.counted_qty, l.counted_at, l.status,
       l.counted_qty - COALESCE(l.expected_qty, 0) AS variance_units,
       (l.counted_qty - COALESCE(l.expected_qty, 0)) * COALESCE(i.unit_cost_minor, 0)
           AS variance_value_minor,
       COALESCE(c.tolerance_units, 0) AS tolerance_units,
       CASE WHEN ABS(l.counted_qty - COALESCE(l.expected_qty, 0)) <= COALESCE(c.tolerance_units, 0)
            THEN 1 ELSE 0 END AS within_tolerance
FROM count_lines l
LEFT JOIN items i ON i.site_id = l.site_id AND i.sku = l.sku
LEFT JOIN item_classes c ON c.site_id = i.site_id AND c.code = i.item_class;

-- Checklist runs (from `checklist_run` documents).

CREATE TABLE checklist_runs (
    document_id TEXT PRIMARY KEY REFERENCES documents (id),
    site_id INTEGER NOT NULL REFERENCES sites (id),
    template_id TEXT NOT NULL,
    template_version INTEGER NOT NULL,
    template_name TEXT NOT NULL,
    location TEXT,
    assignee TEXT,
    due_at TEXT,
    completed_at TEXT,
    sign_off_name TEXT,
    sign_off_method TEXT CHECK (sign_off_method IN ('signature', 'pin')),
    signed_off_by TEXT,
    signed_off_at TEXT,
    items_total INTEGER NOT NULL DEFAULT 0,
    responses_count INTEGER NOT NULL DEFAULT 0,
    failed_count INTEGER NOT NULL DEFAULT 0,
    missing_required INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL
);
CREATE INDEX checklist_runs_site_due ON checklist_runs (site_id, due_at);
CREATE INDEX checklist_runs_site_completed ON checklist_runs (site_id, completed_at);

-- One row per answered template item.
CREATE TABLE checklist_responses (
    document_id TEXT NOT NULL REFERENCES documents (id),
    site_id INTEGER NOT NULL REFERENCES sites (id),
    item_id TEXT NOT NULL,
    label TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('check', 'number', 'text')),
    required INTEGER NOT NULL DEFAULT 0,
    outcome TEXT CHECK (outcome IN ('pass', 'fail', 'na')),
    number_value REAL,
    text_value TEXT,
    -- A `fail`, or a number outside the item's range.
    failed INTEGER NOT NULL DEFAULT 0,
    note TEXT,
    -- JSON list of attachment references.
    photos TEXT NOT NULL DEFAULT '[]',
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    device TEXT NOT NULL,
    -- Two people answered this item concurrently (an Automerge conflict).
    conflict INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (document_id, item_id)
);
CREATE INDEX checklist_responses_site_at ON checklist_responses (site_id, recorded_at);

CREATE TABLE corrective_actions (
    document_id TEXT NOT NULL REFERENCES documents (id),
    site_id INTEGER NOT NULL REFERENCES sites (id),
    id TEXT NOT NULL,
    item_id TEXT NOT NULL,
    description TEXT NOT NULL,
    assignee TEXT,
    due_at TEXT,
    priority TEXT NOT NULL CHECK (priority IN ('low', 'medium', 'high', 'urgent')),
    status TEXT NOT NULL CHECK (status IN ('open', 'in_progress', 'done', 'cancelled')),
    raised_by TEXT NOT NULL,
    raised_at TEXT NOT NULL,
    device TEXT NOT NULL,
    -- Time of the latest timeline event, and of the closing one while done/cancelled.
    status_at TEXT,
    closed_at TEXT,
    PRIMARY KEY (document_id, id)
);
CREATE INDEX corrective_actions_site ON corrective_actions (site_id, status, due_at);
CREATE INDEX corrective_actions_site_raised ON corrective_actions (site_id, raised_at);

-- Shipments (from `shipment` documents).

CREATE TABLE shipments (
    document_id TEXT PRIMARY KEY REFERENCES documents (id),
    site_id INTEGER NOT NULL REFERENCES sites (id),
    direction TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    reference TEXT NOT NULL,
    carrier TEXT,
    tracking_number TEXT,
    counterparty TEXT,
    expected_at TEXT,
    status TEXT NOT NULL CHECK (status IN ('expected', 'arrived', 'unloading', 'received', 'put_away', 'packed', 'dispatched', 'delivered')),
    status_at TEXT,
    -- First event past `expected`: inbound arrived (or later), outbound dispatched (or
    -- later). NULL while the shipment has not arrived / left.
    arrived_at TEXT,
    pod_name TEXT,
    pod_at TEXT,
    updated_at INTEGER NOT NULL
);
CREATE INDEX shipments_site_expected ON shipments (site_id, expected_at);
CREATE INDEX shipments_site_arrived ON shipments (site_id, arrived_at);

-- Expected lines with their derived tallies (sums of live entries). Entries for items
-- that were not expected get a line of their own with expected_qty 0, keyed
-- 'unexpected|<sku>'.
CREATE TABLE shipment_lines (
    document_id TEXT NOT NULL REFERENCES documents (id),
    site_id INTEGER NOT NULL REFERENCES sites (id),
    line_id TEXT NOT NULL,
    sku TEXT NOT NULL,
    location TEXT,
    expected_qty INTEGER NOT NULL DEFAULT 0,
    -- Good units received (inbound) or shipped (outbound).
    handled_qty INTEGER NOT NULL DEFAULT 0,
    damaged_qty INTEGER NOT NULL DEFAULT 0,
    over_qty INTEGER NOT NULL DEFAULT 0,
    short_qty INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (document_id, line_id)
);
CREATE INDEX shipment_lines_site ON shipment_lines (site_id, sku);

CREATE TABLE shipment_events (
    document_id TEXT NOT NULL REFERENCES documents (id),
    site_id INTEGER NOT NULL REFERENCES sites (id),
    id TEXT NOT NULL,
    status TEXT NOT NULL,
    note TEXT,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    device TEXT NOT NULL,
    PRIMARY KEY (document_id, id)
);
CREATE INDEX shipment_events_document ON shipment_events (document_id, recorded_at);
