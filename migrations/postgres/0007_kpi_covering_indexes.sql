-- Covering indexes for the KPI queries over many sites and months (the KPI benchmark,
-- server/benches/KPIS.md): the queries read only the index (index-only scans once the
-- visibility map is set by (auto)vacuum) instead of the wide rows.

-- Inventory record accuracy and variance value: counted lines of a site in a window.
CREATE INDEX count_lines_site_counted_cover ON count_lines (site_id, counted_at)
    INCLUDE (sku, counted_qty, expected_qty) WHERE counted_qty IS NOT NULL;
-- Coverage: does an item have a counted line in the window?
CREATE INDEX count_lines_site_sku_counted ON count_lines (site_id, sku, counted_at)
    WHERE counted_qty IS NOT NULL;
-- Failed-item rate: responses of a site in a window.
CREATE INDEX checklist_responses_site_at_cover ON checklist_responses (site_id, recorded_at)
    INCLUDE (kind, outcome, failed);
-- Checklist completion and on-time: runs of a site due in a window.
CREATE INDEX checklist_runs_site_due_cover ON checklist_runs (site_id, due_at) INCLUDE (completed_at);
