//! The KPI queries: raw counts over one window, for `reporting::kpi` to turn into
//! figures, from the flattened rows or from the per-day rollups (`rollups.rs`), which
//! sum the same rows with the same filters. Postgres sums BIGINT into NUMERIC, so every
//! sum is cast back to BIGINT.

use super::{SqlBuilder, Statement};
use crate::storage::KpiQuery;

/// The sum of `columns` of a rollup table over the query's sites and days.
fn rollup_sum(table: &str, columns: &[&str], q: &KpiQuery) -> Statement {
    let sums: Vec<String> = columns
        .iter()
        .map(|c| format!("CAST(COALESCE(SUM(t.{c}), 0) AS BIGINT) AS {c}"))
        .collect();
    let mut qb = SqlBuilder::new(format!("SELECT {} FROM {table} t WHERE", sums.join(", ")));
    qb.push_in("t.site_id", &q.sites);
    within(&mut qb, "t.day", q);
    qb.build()
}

pub(super) fn count_accuracy_rollup(q: &KpiQuery) -> Statement {
    rollup_sum(
        "kpi_count_days",
        &[
            "lines_counted",
            "lines_within_tolerance",
            "variance_value_minor",
            "net_adjustment_value_minor",
        ],
        q,
    )
}

/// Runs and responses of the days before today. `runs_open` becomes
/// `runs_overdue_open`: every run due on a day that is over and still open is overdue.
pub(super) fn checklist_counts_rollup(q: &KpiQuery) -> Statement {
    let mut qb = SqlBuilder::new(
        "SELECT CAST(COALESCE(SUM(t.runs_scheduled), 0) AS BIGINT) AS runs_scheduled, \
         CAST(COALESCE(SUM(t.runs_completed), 0) AS BIGINT) AS runs_completed, \
         CAST(COALESCE(SUM(t.runs_on_time), 0) AS BIGINT) AS runs_on_time, \
         CAST(COALESCE(SUM(t.runs_open), 0) AS BIGINT) AS runs_overdue_open, \
         CAST(COALESCE(SUM(t.responses_answered), 0) AS BIGINT) AS responses_answered, \
         CAST(COALESCE(SUM(t.responses_failed), 0) AS BIGINT) AS responses_failed \
         FROM kpi_checklist_days t WHERE",
    );
    qb.push_in("t.site_id", &q.sites);
    within(&mut qb, "t.day", q);
    qb.build()
}

pub(super) fn receiving_counts_rollup(q: &KpiQuery) -> Statement {
    rollup_sum(
        "kpi_receiving_days",
        &[
            "lines_received",
            "lines_discrepant",
            "units_received",
            "units_damaged",
        ],
        q,
    )
}

/// Sessions due and closed by their due time, and the number of active items.
pub(super) fn session_completion(q: &KpiQuery) -> Statement {
    let mut qb = SqlBuilder::new("SELECT (SELECT COUNT(*) FROM count_sessions t WHERE");
    qb.push_in("t.site_id", &q.sites);
    within(&mut qb, "t.due_at", q);
    qb.push(") AS sessions_due, (SELECT COUNT(*) FROM count_sessions t WHERE")
        .push_in("t.site_id", &q.sites);
    within(&mut qb, "t.due_at", q);
    qb.push(
        " AND t.closed_at IS NOT NULL AND t.closed_at <= t.due_at) AS sessions_closed_by_due, \
         CAST(0 AS BIGINT) AS items_counted, (SELECT COUNT(*) FROM items t WHERE t.active AND",
    )
    .push_in("t.site_id", &q.sites)
    .push(") AS active_items");
    qb.build()
}

/// The counted days of every active item of the sites (one row per item row, as
/// coverage counts them).
pub(super) fn active_item_counted_days(sites: &[i64]) -> Statement {
    let mut qb = SqlBuilder::new(
        "SELECT d.first_day, d.days FROM items t JOIN kpi_item_counted_days d \
         ON d.site_id = t.site_id AND d.sku = t.sku WHERE t.active AND",
    );
    qb.push_in("t.site_id", sites);
    qb.build()
}

/// ` AND <column> >= start AND <column> < end` for a text-dated window.
fn within(qb: &mut SqlBuilder, column: &str, q: &KpiQuery) {
    qb.push(format!(" AND {column} >= "))
        .push_bind(q.window.start.as_str())
        .push(format!(" AND {column} < "))
        .push_bind(q.window.end.as_str());
}

pub(super) fn count_accuracy(q: &KpiQuery) -> Statement {
    let mut qb = SqlBuilder::new(
        "SELECT COUNT(*) AS lines_counted, \
         CAST(COALESCE(SUM(t.within_tolerance), 0) AS BIGINT) AS lines_within_tolerance, \
         CAST(COALESCE(SUM(ABS(t.variance_value_minor)), 0) AS BIGINT) AS variance_value_minor, \
         CAST(COALESCE(SUM(t.variance_value_minor), 0) AS BIGINT) AS net_adjustment_value_minor \
         FROM count_line_variances t WHERE t.counted_qty IS NOT NULL AND",
    );
    qb.push_in("t.site_id", &q.sites);
    within(&mut qb, "t.counted_at", q);
    qb.build()
}

pub(super) fn count_completion(q: &KpiQuery) -> Statement {
    let mut qb = SqlBuilder::new("SELECT (SELECT COUNT(*) FROM count_sessions t WHERE");
    qb.push_in("t.site_id", &q.sites);
    within(&mut qb, "t.due_at", q);
    qb.push(") AS sessions_due, (SELECT COUNT(*) FROM count_sessions t WHERE")
        .push_in("t.site_id", &q.sites);
    within(&mut qb, "t.due_at", q);
    qb.push(
        " AND t.closed_at IS NOT NULL AND t.closed_at <= t.due_at) AS sessions_closed_by_due, \
         (SELECT COUNT(*) FROM items t WHERE t.active AND",
    )
    .push_in("t.site_id", &q.sites)
    .push(
        " AND EXISTS (SELECT 1 FROM count_lines l WHERE l.site_id = t.site_id \
         AND l.sku = t.sku AND l.counted_qty IS NOT NULL",
    );
    within(&mut qb, "l.counted_at", q);
    qb.push(")) AS items_counted, (SELECT COUNT(*) FROM items t WHERE t.active AND")
        .push_in("t.site_id", &q.sites)
        .push(") AS active_items");
    qb.build()
}

pub(super) fn checklist_counts(q: &KpiQuery) -> Statement {
    let mut qb = SqlBuilder::new(
        "SELECT COUNT(*) AS runs_scheduled, \
         CAST(COALESCE(SUM(CASE WHEN t.completed_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT) \
         AS runs_completed, \
         CAST(COALESCE(SUM(CASE WHEN t.completed_at IS NOT NULL AND t.completed_at <= t.due_at \
         THEN 1 ELSE 0 END), 0) AS BIGINT) AS runs_on_time, \
         CAST(COALESCE(SUM(CASE WHEN t.completed_at IS NULL AND t.due_at < ",
    );
    qb.push_bind(q.now.as_str())
        .push(" THEN 1 ELSE 0 END), 0) AS BIGINT) AS runs_overdue_open");
    // Responses that can fail: numbers, and checks other than n.a.
    for (name, failed) in [
        ("responses_answered", ""),
        ("responses_failed", " AND r.failed"),
    ] {
        qb.push(", (SELECT COUNT(*) FROM checklist_responses r WHERE")
            .push_in("r.site_id", &q.sites);
        within(&mut qb, "r.recorded_at", q);
        qb.push(format!(
            " AND (r.kind = 'number' OR r.outcome IN ('pass', 'fail')){failed}) AS {name}"
        ));
    }
    qb.push(" FROM checklist_runs t WHERE")
        .push_in("t.site_id", &q.sites);
    within(&mut qb, "t.due_at", q);
    qb.build()
}

/// Open and overdue actions as of each of `ats`, in one pass (`i`: the index in `ats`).
pub(super) fn corrective_action_counts(sites: &[i64], ats: &[String]) -> Statement {
    let mut qb = SqlBuilder::new(
        "SELECT p.i, s.slug AS site, t.priority, COUNT(*) AS open, \
         CAST(COALESCE(SUM(CASE WHEN t.due_at IS NOT NULL AND t.due_at < p.at \
         THEN 1 ELSE 0 END), 0) AS BIGINT) AS overdue FROM (",
    );
    for (i, at) in ats.iter().enumerate() {
        if i > 0 {
            qb.push(" UNION ALL ");
        }
        qb.push(format!("SELECT CAST({i} AS BIGINT) AS i, CAST("))
            .push_bind(at.as_str())
            .push(" AS TEXT) AS at");
    }
    qb.push(
        ") p JOIN corrective_actions t ON t.raised_at < p.at \
         AND (t.status IN ('open', 'in_progress') OR t.closed_at >= p.at) \
         JOIN sites s ON s.id = t.site_id WHERE",
    )
    .push_in("t.site_id", sites)
    .push(" GROUP BY p.i, s.slug, t.priority ORDER BY p.i, s.slug, t.priority");
    qb.build()
}

pub(super) fn shipment_counts(q: &KpiQuery) -> Statement {
    let mut qb = SqlBuilder::new(
        "SELECT t.direction, COUNT(*) AS expected, \
         CAST(COALESCE(SUM(CASE WHEN t.arrived_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT) \
         AS arrived, \
         CAST(COALESCE(SUM(CASE WHEN t.arrived_at IS NULL AND t.expected_at < ",
    );
    qb.push_bind(q.now.as_str())
        .push(" THEN 1 ELSE 0 END), 0) AS BIGINT) AS late FROM shipments t WHERE")
        .push_in("t.site_id", &q.sites);
    within(&mut qb, "t.expected_at", q);
    qb.push(" GROUP BY t.direction ORDER BY t.direction");
    qb.build()
}

pub(super) fn receiving_counts(q: &KpiQuery) -> Statement {
    let mut qb = SqlBuilder::new(
        "SELECT COUNT(*) AS lines_received, \
         CAST(COALESCE(SUM(CASE WHEN l.over_qty > 0 OR l.short_qty > 0 OR l.damaged_qty > 0 \
         THEN 1 ELSE 0 END), 0) AS BIGINT) AS lines_discrepant, \
         CAST(COALESCE(SUM(l.handled_qty + l.damaged_qty), 0) AS BIGINT) AS units_received, \
         CAST(COALESCE(SUM(l.damaged_qty), 0) AS BIGINT) AS units_damaged \
         FROM shipment_lines l JOIN shipments t ON t.document_id = l.document_id \
         WHERE t.direction = 'inbound' AND",
    );
    qb.push_in("t.site_id", &q.sites);
    within(&mut qb, "t.arrived_at", q);
    qb.build()
}
