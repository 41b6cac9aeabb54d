-- Per site and UTC day (`YYYY-MM-DD`), the sums the KPI queries add up over a period,
-- so that ten sites over a year read a few thousand rows instead of a million
-- (issue 13, server/benches/KPIS.md). The flattener keeps them in the same
-- transaction as the rows they summarize (storage/sql/rollups.rs); a day's row is
-- always recomputed whole from those rows, never incremented, so it cannot drift.

-- Inventory record accuracy and variance value: counted lines by the day they were counted.
CREATE TABLE kpi_count_days (
    site_id INTEGER NOT NULL REFERENCES sites (id),
    day TEXT NOT NULL,
    lines_counted INTEGER NOT NULL,
    lines_within_tolerance INTEGER NOT NULL,
    -- Σ |variance value| and Σ variance value, in minor units.
    variance_value_minor INTEGER NOT NULL,
    net_adjustment_value_minor INTEGER NOT NULL,
    PRIMARY KEY (site_id, day)
);

-- Checklists: runs by the day they are due, responses by the day they were recorded.
CREATE TABLE kpi_checklist_days (
    site_id INTEGER NOT NULL REFERENCES sites (id),
    day TEXT NOT NULL,
    runs_scheduled INTEGER NOT NULL,
    runs_completed INTEGER NOT NULL,
    runs_on_time INTEGER NOT NULL,
    -- Not completed: overdue once the day is over.
    runs_open INTEGER NOT NULL,
    responses_answered INTEGER NOT NULL,
    responses_failed INTEGER NOT NULL,
    PRIMARY KEY (site_id, day)
);

-- Receiving: lines of inbound shipments by the day the shipment arrived.
CREATE TABLE kpi_receiving_days (
    site_id INTEGER NOT NULL REFERENCES sites (id),
    day TEXT NOT NULL,
    lines_received INTEGER NOT NULL,
    lines_discrepant INTEGER NOT NULL,
    units_received INTEGER NOT NULL,
    units_damaged INTEGER NOT NULL,
    PRIMARY KEY (site_id, day)
);

-- Count coverage is "distinct items counted in the period", which days cannot be
-- summed into: each item keeps the set of days it was counted on, as a bitmap
-- (bit i of `days` = day `first_day + i`, days since 1970-01-01).
CREATE TABLE kpi_item_counted_days (
    site_id INTEGER NOT NULL REFERENCES sites (id),
    sku TEXT NOT NULL,
    first_day INTEGER NOT NULL,
    days BLOB NOT NULL,
    PRIMARY KEY (site_id, sku)
);

-- Rebuilt by the server once, right after this migration, from the rows already
-- flattened (the bitmaps are built in Rust, so this cannot be plain SQL).
CREATE TABLE pending_rebuilds (
    what TEXT PRIMARY KEY
);
INSERT INTO pending_rebuilds (what) VALUES ('kpi_rollups');
