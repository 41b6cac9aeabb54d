//! Reporting reads over the flattened tables (Postgres). Keep in step with
//! `sqlite/reporting.rs`: the same queries, in each dialect. Sums of BIGINT are NUMERIC
//! here, so each is cast back to BIGINT.

use async_trait::async_trait;
use sqlx::{Postgres, QueryBuilder, postgres::PgRow};

use super::PostgresStore;
use crate::reporting::{
    model::{
        ActionCounts, ChecklistCounts, CountAccuracyCounts, CountCompletionCounts, KpiQuery,
        ListQuery, Page, ReceivingCounts, ShipmentCounts,
    },
    rows::{
        ChecklistResponseRow, ChecklistRunRow, CorrectiveActionRow, CountConflictRow,
        CountEntryRow, CountLineRow, CountSessionRow, DocumentProblemRow, ReplenishmentRow,
        ShipmentLineRow, ShipmentRow, StockLevelRow, suggested_order,
    },
    store::ReportingStore,
};
use crate::storage::StoreResult;

type Builder = QueryBuilder<'static, Postgres>;

/// `<column> IN (sites…)`; no sites match nothing.
fn sites_in(qb: &mut Builder, column: &str, sites: &[i64]) {
    if sites.is_empty() {
        qb.push(" 1 = 0");
        return;
    }
    qb.push(format!(" {column} IN ("));
    let mut list = qb.separated(", ");
    for site in sites {
        list.push_bind(*site);
    }
    qb.push(")");
}

/// `AND <column> >= start AND <column> < end` for a text-dated window.
fn within(qb: &mut Builder, column: &str, start: &str, end: &str) {
    qb.push(format!(" AND {column} >= "))
        .push_bind(start.to_owned())
        .push(format!(" AND {column} < "))
        .push_bind(end.to_owned());
}

/// How one table is listed: fixed SQL fragments (never user input).
struct ListSql {
    select: &'static str,
    /// The table aliased `t` (with `site_id`, and `document_id` unless undated), joined
    /// with `sites s`.
    from: &'static str,
    /// Dated column, and whether it holds Unix ms instead of RFC 3339 text.
    date: Option<(&'static str, bool)>,
    by_document: bool,
    /// What `status` filters: a column or a CASE naming the row's state.
    status: Option<&'static str>,
    extra: Option<&'static str>,
    order: &'static str,
}

fn push_filters(qb: &mut Builder, q: &ListQuery, spec: &ListSql) {
    qb.push(" WHERE");
    sites_in(qb, "t.site_id", &q.sites);
    match spec.date {
        Some((column, true)) => {
            if let Some(start) = q.start_ms() {
                qb.push(format!(" AND {column} >= ")).push_bind(start);
            }
            if let Some(end) = q.end_ms() {
                qb.push(format!(" AND {column} < ")).push_bind(end);
            }
        }
        Some((column, false)) => {
            if let Some(start) = &q.start {
                qb.push(format!(" AND {column} >= "))
                    .push_bind(start.clone());
            }
            if let Some(end) = &q.end {
                qb.push(format!(" AND {column} < ")).push_bind(end.clone());
            }
        }
        None => {}
    }
    if let (true, Some(document)) = (spec.by_document, &q.document) {
        qb.push(" AND t.document_id = ").push_bind(document.clone());
    }
    if let (Some(column), false) = (spec.status, q.status.is_empty()) {
        qb.push(format!(" AND {column} IN ("));
        let mut list = qb.separated(", ");
        for status in &q.status {
            list.push_bind(status.clone());
        }
        qb.push(")");
    }
    if let Some(extra) = spec.extra {
        qb.push(format!(" AND {extra}"));
    }
}

impl PostgresStore {
    async fn page<T>(&self, q: &ListQuery, spec: &ListSql) -> StoreResult<Page<T>>
    where
        T: for<'r> sqlx::FromRow<'r, PgRow> + Send + Unpin,
    {
        let mut count = Builder::new(format!("SELECT COUNT(*) FROM {}", spec.from));
        push_filters(&mut count, q, spec);
        let total: i64 = count.build_query_scalar().fetch_one(&self.pool).await?;
        let mut rows = Builder::new(format!("SELECT {} FROM {}", spec.select, spec.from));
        push_filters(&mut rows, q, spec);
        rows.push(format!(" ORDER BY {}", spec.order))
            .push(" LIMIT ")
            .push_bind(q.limit)
            .push(" OFFSET ")
            .push_bind(q.offset);
        let rows = rows.build_query_as().fetch_all(&self.pool).await?;
        Ok(Page {
            total,
            limit: q.limit,
            offset: q.offset,
            rows,
        })
    }
}

const COUNT_SESSIONS: ListSql = ListSql {
    select: "s.slug AS site, t.document_id, t.title, t.status, t.blind, t.due_at, t.status_at, \
             t.closed_at, t.assignees, \
             (SELECT COUNT(*) FROM count_lines l WHERE l.document_id = t.document_id) AS lines, \
             (SELECT COUNT(*) FROM count_lines l WHERE l.document_id = t.document_id \
              AND l.counted_qty IS NOT NULL) AS lines_counted, \
             (SELECT COUNT(*) FROM count_conflicts c WHERE c.document_id = t.document_id \
              AND NOT c.resolved) AS open_conflicts",
    from: "count_sessions t JOIN sites s ON s.id = t.site_id",
    date: Some(("t.due_at", false)),
    by_document: true,
    status: Some("t.status"),
    extra: None,
    order: "t.due_at IS NULL, t.due_at DESC, t.document_id",
};

const COUNT_LINES: ListSql = ListSql {
    select: "s.slug AS site, t.document_id, t.line_key, t.location, t.sku, t.expected_qty, \
             t.counted_qty, v.variance_units, v.variance_value_minor, v.tolerance_units, \
             CASE WHEN t.counted_qty IS NULL THEN NULL ELSE v.within_tolerance = 1 END \
             AS within_tolerance, t.last_count_index, t.counted_at, t.reason, t.reason_note, \
             t.approved_qty, t.approved_by, t.approved_at, t.recount_index, t.recount_state, \
             t.status",
    from: "count_lines t JOIN count_line_variances v ON v.document_id = t.document_id \
           AND v.line_key = t.line_key JOIN sites s ON s.id = t.site_id",
    date: Some(("t.counted_at", false)),
    by_document: true,
    status: Some("t.status"),
    extra: None,
    order: "t.document_id, t.line_key",
};

const COUNT_ENTRIES: ListSql = ListSql {
    select: "s.slug AS site, t.document_id, t.id, t.line_key, t.location, t.sku, t.qty, \
             t.count_index, t.recorded_by, t.recorded_at, t.device, t.note, t.voided, \
             t.voided_by, t.voided_at, t.void_reason",
    from: "count_entries t JOIN sites s ON s.id = t.site_id",
    date: Some(("t.recorded_at", false)),
    by_document: true,
    status: Some("CASE WHEN t.voided THEN 'voided' ELSE 'live' END"),
    extra: None,
    order: "t.recorded_at DESC, t.document_id, t.id",
};

const COUNT_CONFLICTS: ListSql = ListSql {
    select: "s.slug AS site, t.document_id, t.line_key, t.count_index, t.quantities, t.entries, \
             t.counted_at, t.resolved, t.resolved_by, t.resolved_at",
    from: "count_conflicts t JOIN sites s ON s.id = t.site_id",
    date: Some(("t.counted_at", false)),
    by_document: true,
    status: Some("CASE WHEN t.resolved THEN 'resolved' ELSE 'open' END"),
    extra: None,
    order: "t.resolved, t.counted_at IS NULL, t.counted_at DESC, t.document_id, t.line_key, \
            t.count_index",
};

const CHECKLIST_RUNS: ListSql = ListSql {
    select: "s.slug AS site, t.document_id, t.template_name, t.template_version, t.location, \
             t.assignee, t.due_at, t.completed_at, t.sign_off_name, t.signed_off_at, \
             t.items_total, t.responses_count, t.failed_count, t.missing_required",
    from: "checklist_runs t JOIN sites s ON s.id = t.site_id",
    date: Some(("t.due_at", false)),
    by_document: true,
    status: Some("CASE WHEN t.completed_at IS NOT NULL THEN 'completed' ELSE 'open' END"),
    extra: None,
    order: "t.due_at IS NULL, t.due_at DESC, t.document_id",
};

const CHECKLIST_RESPONSES: ListSql = ListSql {
    select: "s.slug AS site, t.document_id, (SELECT r.template_name FROM checklist_runs r \
             WHERE r.document_id = t.document_id) AS template_name, t.item_id, t.label, t.kind, \
             t.required, t.outcome, t.number_value, t.text_value, t.failed, t.note, t.photos, \
             t.recorded_by, t.recorded_at, t.device, t.conflict",
    from: "checklist_responses t JOIN sites s ON s.id = t.site_id",
    date: Some(("t.recorded_at", false)),
    by_document: true,
    status: Some("CASE WHEN t.failed THEN 'failed' ELSE 'ok' END"),
    extra: None,
    order: "t.recorded_at DESC, t.document_id, t.item_id",
};

const CORRECTIVE_ACTIONS: ListSql = ListSql {
    select: "s.slug AS site, t.document_id, t.id, t.item_id, t.description, t.assignee, \
             t.due_at, t.priority, t.status, t.raised_by, t.raised_at, t.closed_at",
    from: "corrective_actions t JOIN sites s ON s.id = t.site_id",
    date: Some(("t.raised_at", false)),
    by_document: true,
    status: Some("t.status"),
    extra: None,
    order: "t.due_at IS NULL, t.due_at, t.document_id, t.id",
};

const SHIPMENTS: ListSql = ListSql {
    select: "s.slug AS site, t.document_id, t.direction, t.reference, t.carrier, \
             t.tracking_number, t.counterparty, t.expected_at, t.status, t.status_at, \
             t.arrived_at, \
             (SELECT COUNT(*) FROM shipment_lines l WHERE l.document_id = t.document_id) AS lines, \
             (SELECT COALESCE(SUM(l.expected_qty), 0)::BIGINT FROM shipment_lines l \
              WHERE l.document_id = t.document_id) AS expected_units, \
             (SELECT COALESCE(SUM(l.handled_qty), 0)::BIGINT FROM shipment_lines l \
              WHERE l.document_id = t.document_id) AS handled_units, \
             (SELECT COALESCE(SUM(l.damaged_qty), 0)::BIGINT FROM shipment_lines l \
              WHERE l.document_id = t.document_id) AS damaged_units, \
             (SELECT COUNT(*) FROM shipment_lines l WHERE l.document_id = t.document_id \
              AND (l.over_qty > 0 OR l.short_qty > 0 OR l.damaged_qty > 0)) AS discrepant_lines",
    from: "shipments t JOIN sites s ON s.id = t.site_id",
    date: Some(("t.expected_at", false)),
    by_document: true,
    status: Some("t.status"),
    extra: None,
    order: "t.expected_at IS NULL, t.expected_at DESC, t.document_id",
};

const SHIPMENT_LINES: ListSql = ListSql {
    select: "s.slug AS site, t.document_id, h.reference, h.direction, t.line_id, t.sku, \
             t.location, t.expected_qty, t.handled_qty, t.damaged_qty, t.over_qty, t.short_qty",
    from: "shipment_lines t JOIN shipments h ON h.document_id = t.document_id \
           JOIN sites s ON s.id = t.site_id",
    date: Some(("h.expected_at", false)),
    by_document: true,
    status: None,
    extra: None,
    order: "h.expected_at IS NULL, h.expected_at DESC, t.document_id, t.line_id",
};

const STOCK_LEVELS: ListSql = ListSql {
    select: "s.slug AS site, t.sku, (SELECT i.name FROM items i WHERE i.site_id = t.site_id \
             AND i.sku = t.sku LIMIT 1) AS item_name, t.location, t.on_hand, t.last_movement_at",
    from: "stock_levels t JOIN sites s ON s.id = t.site_id",
    date: None,
    by_document: false,
    status: None,
    extra: None,
    order: "s.slug, t.sku, t.location",
};

const REPLENISHMENT: ListSql = ListSql {
    select: "s.slug AS site, t.sku, t.name, t.unit, t.supplier, \
             COALESCE((SELECT SUM(l.on_hand) FROM stock_levels l \
             WHERE l.site_id = t.site_id AND l.sku = t.sku), 0)::BIGINT AS on_hand, \
             t.reorder_point, t.min_qty, t.max_qty, NULL::BIGINT AS suggested_qty, t.unit_cost_minor",
    from: "items t JOIN sites s ON s.id = t.site_id",
    date: None,
    by_document: false,
    status: None,
    // Active items at or below their reorder point (on hand over all locations).
    extra: Some(
        "t.active AND t.reorder_point IS NOT NULL AND COALESCE((SELECT SUM(l.on_hand) \
         FROM stock_levels l WHERE l.site_id = t.site_id AND l.sku = t.sku), 0)::BIGINT \
         <= t.reorder_point",
    ),
    order: "s.slug, t.sku",
};

const DOCUMENT_PROBLEMS: ListSql = ListSql {
    select: "s.slug AS site, t.document_id, f.doc_type, t.path, t.message, t.detected_at",
    from: "document_problems t JOIN sites s ON s.id = t.site_id \
           LEFT JOIN flattened_heads f ON f.document_id = t.document_id",
    date: Some(("t.detected_at", true)),
    by_document: true,
    status: None,
    extra: None,
    order: "t.detected_at DESC, t.document_id, t.path, t.message",
};

#[async_trait]
impl ReportingStore for PostgresStore {
    async fn count_accuracy(&self, q: &KpiQuery) -> StoreResult<CountAccuracyCounts> {
        let mut qb = Builder::new(
            "SELECT COUNT(*) AS lines_counted, \
             COALESCE(SUM(t.within_tolerance), 0)::BIGINT AS lines_within_tolerance, \
             COALESCE(SUM(ABS(t.variance_value_minor)), 0)::BIGINT AS variance_value_minor, \
             COALESCE(SUM(t.variance_value_minor), 0)::BIGINT AS net_adjustment_value_minor \
             FROM count_line_variances t WHERE t.counted_qty IS NOT NULL AND",
        );
        sites_in(&mut qb, "t.site_id", &q.sites);
        within(&mut qb, "t.counted_at", &q.window.start, &q.window.end);
        Ok(qb.build_query_as().fetch_one(&self.pool).await?)
    }

    async fn count_completion(&self, q: &KpiQuery) -> StoreResult<CountCompletionCounts> {
        let (start, end) = (&q.window.start, &q.window.end);
        let mut qb = Builder::new("SELECT (SELECT COUNT(*) FROM count_sessions t WHERE");
        sites_in(&mut qb, "t.site_id", &q.sites);
        within(&mut qb, "t.due_at", start, end);
        qb.push(") AS sessions_due, (SELECT COUNT(*) FROM count_sessions t WHERE");
        sites_in(&mut qb, "t.site_id", &q.sites);
        within(&mut qb, "t.due_at", start, end);
        qb.push(
            " AND t.closed_at IS NOT NULL AND t.closed_at <= t.due_at) AS sessions_closed_by_due, \
             (SELECT COUNT(*) FROM items t WHERE t.active AND",
        );
        sites_in(&mut qb, "t.site_id", &q.sites);
        qb.push(
            " AND EXISTS (SELECT 1 FROM count_lines l WHERE l.site_id = t.site_id \
             AND l.sku = t.sku AND l.counted_qty IS NOT NULL",
        );
        within(&mut qb, "l.counted_at", start, end);
        qb.push(")) AS items_counted, (SELECT COUNT(*) FROM items t WHERE t.active AND");
        sites_in(&mut qb, "t.site_id", &q.sites);
        qb.push(") AS active_items");
        Ok(qb.build_query_as().fetch_one(&self.pool).await?)
    }

    async fn checklist_counts(&self, q: &KpiQuery) -> StoreResult<ChecklistCounts> {
        let (start, end) = (&q.window.start, &q.window.end);
        let mut qb = Builder::new(
            "SELECT COUNT(*) AS runs_scheduled, \
             COALESCE(SUM(CASE WHEN t.completed_at IS NOT NULL THEN 1 ELSE 0 END), 0)::BIGINT \
             AS runs_completed, \
             COALESCE(SUM(CASE WHEN t.completed_at IS NOT NULL AND t.completed_at <= t.due_at \
             THEN 1 ELSE 0 END), 0)::BIGINT AS runs_on_time, \
             COALESCE(SUM(CASE WHEN t.completed_at IS NULL AND t.due_at < ",
        );
        qb.push_bind(q.now.clone())
            .push(" THEN 1 ELSE 0 END), 0)::BIGINT AS runs_overdue_open");
        // Responses that can fail: numbers, and checks other than n.a.
        for (name, failed) in [
            ("responses_answered", ""),
            ("responses_failed", " AND r.failed"),
        ] {
            qb.push(", (SELECT COUNT(*) FROM checklist_responses r WHERE");
            sites_in(&mut qb, "r.site_id", &q.sites);
            within(&mut qb, "r.recorded_at", start, end);
            qb.push(format!(
                " AND (r.kind = 'number' OR r.outcome IN ('pass', 'fail')){failed}) AS {name}"
            ));
        }
        qb.push(" FROM checklist_runs t WHERE");
        sites_in(&mut qb, "t.site_id", &q.sites);
        within(&mut qb, "t.due_at", start, end);
        Ok(qb.build_query_as().fetch_one(&self.pool).await?)
    }

    async fn corrective_action_counts(
        &self,
        sites: &[i64],
        at: &str,
    ) -> StoreResult<Vec<ActionCounts>> {
        let mut qb = Builder::new(
            "SELECT s.slug AS site, t.priority, COUNT(*) AS open, \
             COALESCE(SUM(CASE WHEN t.due_at IS NOT NULL AND t.due_at < ",
        );
        qb.push_bind(at.to_owned()).push(
            " THEN 1 ELSE 0 END), 0)::BIGINT AS overdue \
             FROM corrective_actions t JOIN sites s ON s.id = t.site_id WHERE",
        );
        sites_in(&mut qb, "t.site_id", sites);
        qb.push(" AND t.raised_at < ")
            .push_bind(at.to_owned())
            .push(" AND (t.status IN ('open', 'in_progress') OR t.closed_at >= ")
            .push_bind(at.to_owned())
            .push(") GROUP BY s.slug, t.priority ORDER BY s.slug, t.priority");
        Ok(qb.build_query_as().fetch_all(&self.pool).await?)
    }

    async fn shipment_counts(&self, q: &KpiQuery) -> StoreResult<Vec<ShipmentCounts>> {
        let mut qb = Builder::new(
            "SELECT t.direction, COUNT(*) AS expected, \
             COALESCE(SUM(CASE WHEN t.arrived_at IS NOT NULL THEN 1 ELSE 0 END), 0)::BIGINT AS arrived, \
             COALESCE(SUM(CASE WHEN t.arrived_at IS NULL AND t.expected_at < ",
        );
        qb.push_bind(q.now.clone())
            .push(" THEN 1 ELSE 0 END), 0)::BIGINT AS late FROM shipments t WHERE");
        sites_in(&mut qb, "t.site_id", &q.sites);
        within(&mut qb, "t.expected_at", &q.window.start, &q.window.end);
        qb.push(" GROUP BY t.direction ORDER BY t.direction");
        Ok(qb.build_query_as().fetch_all(&self.pool).await?)
    }

    async fn receiving_counts(&self, q: &KpiQuery) -> StoreResult<ReceivingCounts> {
        let mut qb = Builder::new(
            "SELECT COUNT(*) AS lines_received, \
             COALESCE(SUM(CASE WHEN l.over_qty > 0 OR l.short_qty > 0 OR l.damaged_qty > 0 \
             THEN 1 ELSE 0 END), 0)::BIGINT AS lines_discrepant, \
             COALESCE(SUM(l.handled_qty + l.damaged_qty), 0)::BIGINT AS units_received, \
             COALESCE(SUM(l.damaged_qty), 0)::BIGINT AS units_damaged \
             FROM shipment_lines l JOIN shipments t ON t.document_id = l.document_id \
             WHERE t.direction = 'inbound' AND",
        );
        sites_in(&mut qb, "t.site_id", &q.sites);
        within(&mut qb, "t.arrived_at", &q.window.start, &q.window.end);
        Ok(qb.build_query_as().fetch_one(&self.pool).await?)
    }

    async fn replenishment(&self, q: &ListQuery) -> StoreResult<Page<ReplenishmentRow>> {
        let mut page: Page<ReplenishmentRow> = self.page(q, &REPLENISHMENT).await?;
        for row in &mut page.rows {
            row.suggested_qty = suggested_order(row.on_hand, row.max_qty);
        }
        Ok(page)
    }

    async fn stock_levels(&self, q: &ListQuery) -> StoreResult<Page<StockLevelRow>> {
        self.page(q, &STOCK_LEVELS).await
    }

    async fn count_sessions(&self, q: &ListQuery) -> StoreResult<Page<CountSessionRow>> {
        self.page(q, &COUNT_SESSIONS).await
    }

    async fn count_lines(&self, q: &ListQuery) -> StoreResult<Page<CountLineRow>> {
        self.page(q, &COUNT_LINES).await
    }

    async fn count_entries(&self, q: &ListQuery) -> StoreResult<Page<CountEntryRow>> {
        self.page(q, &COUNT_ENTRIES).await
    }

    async fn count_conflicts(&self, q: &ListQuery) -> StoreResult<Page<CountConflictRow>> {
        self.page(q, &COUNT_CONFLICTS).await
    }

    async fn checklist_runs(&self, q: &ListQuery) -> StoreResult<Page<ChecklistRunRow>> {
        self.page(q, &CHECKLIST_RUNS).await
    }

    async fn checklist_responses(&self, q: &ListQuery) -> StoreResult<Page<ChecklistResponseRow>> {
        self.page(q, &CHECKLIST_RESPONSES).await
    }

    async fn corrective_actions(&self, q: &ListQuery) -> StoreResult<Page<CorrectiveActionRow>> {
        self.page(q, &CORRECTIVE_ACTIONS).await
    }

    async fn shipments(&self, q: &ListQuery) -> StoreResult<Page<ShipmentRow>> {
        self.page(q, &SHIPMENTS).await
    }

    async fn shipment_lines(&self, q: &ListQuery) -> StoreResult<Page<ShipmentLineRow>> {
        self.page(q, &SHIPMENT_LINES).await
    }

    async fn document_problems(&self, q: &ListQuery) -> StoreResult<Page<DocumentProblemRow>> {
        self.page(q, &DOCUMENT_PROBLEMS).await
    }
}
