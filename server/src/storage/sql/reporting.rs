//! Reporting reads over the flattened tables: the dashboard's lists, each one
//! [`ListSql`], paged; the KPI counts are in [`super::kpis`].

use async_trait::async_trait;

use super::{Arg, SqlBuilder, SqlStore, db::Decoded, kpis};
use crate::storage::{
    ActionCounts, ChecklistCounts, CountAccuracyCounts, CountCompletionCounts, KpiQuery, KpiSource,
    ListQuery, Page, ReceivingCounts, ReportingStore, ShipmentCounts, StoreResult,
    day_set::DaySet,
    rows::{
        ChecklistResponseRow, ChecklistRunRow, CorrectiveActionRow, CountConflictRow,
        CountEntryRow, CountLineRow, CountSessionRow, DocumentProblemRow, PolicyViolationRow,
        ReplenishmentRow, ShipmentLineRow, ShipmentRow, StockLevelRow, suggested_order,
    },
};
use crate::time::Day;

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

fn push_filters(qb: &mut SqlBuilder, q: &ListQuery, spec: &ListSql) {
    qb.push(format!(" FROM {} WHERE", spec.from))
        .push_in("t.site_id", &q.sites);
    if let Some((column, in_ms)) = spec.date {
        let (start, end): (Option<Arg>, Option<Arg>) = if in_ms {
            (q.start_ms().map(Arg::from), q.end_ms().map(Arg::from))
        } else {
            (
                q.start.as_deref().map(Arg::from),
                q.end.as_deref().map(Arg::from),
            )
        };
        if let Some(start) = start {
            qb.push(format!(" AND {column} >= ")).push_bind(start);
        }
        if let Some(end) = end {
            qb.push(format!(" AND {column} < ")).push_bind(end);
        }
    }
    if let (true, Some(document)) = (spec.by_document, &q.document) {
        qb.push(" AND t.document_id = ").push_bind(document);
    }
    if let (Some(column), false) = (spec.status, q.status.is_empty()) {
        qb.push(" AND").push_in(column, &q.status);
    }
    if let Some(extra) = spec.extra {
        qb.push(format!(" AND {extra}"));
    }
}

impl SqlStore {
    /// One page of rows and the count of all that match; `filter` pushes the `FROM`
    /// and `WHERE` both queries share.
    pub(super) async fn page<T: Decoded>(
        &self,
        select: &str,
        order: &str,
        q: &ListQuery,
        filter: impl Fn(&mut SqlBuilder),
    ) -> StoreResult<Page<T>> {
        let mut count = SqlBuilder::new("SELECT COUNT(*)");
        filter(&mut count);
        let total = self.db.scalar(&count.build()).await?;
        let mut rows = SqlBuilder::new(format!("SELECT {select}"));
        filter(&mut rows);
        rows.push(format!(" ORDER BY {order} LIMIT "))
            .push_bind(q.limit)
            .push(" OFFSET ")
            .push_bind(q.offset);
        Ok(Page {
            total,
            limit: q.limit,
            offset: q.offset,
            rows: self.db.fetch_all(&rows.build()).await?,
        })
    }

    async fn list<T: Decoded>(&self, q: &ListQuery, spec: &ListSql) -> StoreResult<Page<T>> {
        self.page(spec.select, spec.order, q, |qb| push_filters(qb, q, spec))
            .await
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
             (SELECT CAST(COALESCE(SUM(l.expected_qty), 0) AS BIGINT) FROM shipment_lines l \
              WHERE l.document_id = t.document_id) AS expected_units, \
             (SELECT CAST(COALESCE(SUM(l.handled_qty), 0) AS BIGINT) FROM shipment_lines l \
              WHERE l.document_id = t.document_id) AS handled_units, \
             (SELECT CAST(COALESCE(SUM(l.damaged_qty), 0) AS BIGINT) FROM shipment_lines l \
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

#[derive(sqlx::FromRow)]
struct ActionCountsAt {
    i: i64,
    site: String,
    priority: String,
    open: i64,
    overdue: i64,
}

const REPLENISHMENT: ListSql = ListSql {
    select: "s.slug AS site, t.sku, t.name, t.unit, t.supplier, \
             CAST(COALESCE(h.on_hand, 0) AS BIGINT) AS on_hand, \
             t.reorder_point, t.min_qty, t.max_qty, CAST(NULL AS BIGINT) AS suggested_qty, \
             t.unit_cost_minor",
    // On hand over all locations, summed once per item in one pass over the
    // movements (a subquery per item over `stock_levels` took half a second for
    // ten sites of 2,000 items).
    from: "items t JOIN sites s ON s.id = t.site_id LEFT JOIN \
           (SELECT site_id, sku, SUM(qty) AS on_hand FROM stock_movements WHERE NOT voided \
           GROUP BY site_id, sku) h ON h.site_id = t.site_id AND h.sku = t.sku",
    date: None,
    by_document: false,
    status: None,
    // Active items at or below their reorder point.
    extra: Some(
        "t.active AND t.reorder_point IS NOT NULL AND COALESCE(h.on_hand, 0) <= t.reorder_point",
    ),
    order: "s.slug, t.sku",
};

const DOCUMENT_PROBLEMS: ListSql = ListSql {
    select: "s.slug AS site, t.document_id, f.doc_type, t.path, t.message, t.detected_at, \
             t.part, c.user_id AS written_by, u.email AS written_by_email, \
             c.peer_id AS written_by_device",
    from: "document_problems t JOIN sites s ON s.id = t.site_id \
           LEFT JOIN flattened_heads f ON f.document_id = t.document_id \
           LEFT JOIN changes c ON c.document_id = t.document_id AND c.hash = t.written_in \
           LEFT JOIN users u ON u.id = c.user_id",
    date: Some(("t.detected_at", true)),
    by_document: true,
    status: None,
    extra: None,
    order: "t.detected_at DESC, t.document_id, t.path, t.message",
};

const POLICY_VIOLATIONS: ListSql = ListSql {
    select: "s.slug AS site, t.document_id, f.doc_type, t.part, t.message, t.attempted, \
             t.user_id, u.email AS user_email, t.peer_id AS device, t.detected_at",
    from: "policy_violations t JOIN sites s ON s.id = t.site_id \
           LEFT JOIN flattened_heads f ON f.document_id = t.document_id \
           LEFT JOIN users u ON u.id = t.user_id",
    date: Some(("t.detected_at", true)),
    by_document: true,
    status: None,
    extra: None,
    order: "t.detected_at DESC, t.id DESC",
};

#[async_trait]
impl ReportingStore for SqlStore {
    async fn count_accuracy(&self, q: &KpiQuery) -> StoreResult<CountAccuracyCounts> {
        match q.source {
            KpiSource::Rollups => self.db.fetch_one(&kpis::count_accuracy_rollup(q)).await,
            KpiSource::Rows => self.db.fetch_one(&kpis::count_accuracy(q)).await,
        }
    }

    async fn count_completion(
        &self,
        queries: &[KpiQuery],
    ) -> StoreResult<Vec<CountCompletionCounts>> {
        let Some(first) = queries.first() else {
            return Ok(Vec::new());
        };
        if first.source == KpiSource::Rows {
            let mut counts = Vec::with_capacity(queries.len());
            for q in queries {
                counts.push(self.db.fetch_one(&kpis::count_completion(q)).await?);
            }
            return Ok(counts);
        }
        let items: Vec<(i64, Vec<u8>)> = self
            .db
            .fetch_all(&kpis::active_item_counted_days(&first.sites))
            .await?;
        let items: Vec<DaySet> = items
            .into_iter()
            .map(|(first_day, days)| DaySet::from_stored(first_day, days))
            .collect();
        let mut counts = Vec::with_capacity(queries.len());
        for q in queries {
            let mut c: CountCompletionCounts =
                self.db.fetch_one(&kpis::session_completion(q)).await?;
            let (start, end) = q.window.days();
            c.items_counted = items.iter().filter(|d| d.any_in(start, end)).count() as i64;
            counts.push(c);
        }
        Ok(counts)
    }

    async fn checklist_counts(&self, q: &KpiQuery) -> StoreResult<ChecklistCounts> {
        if q.source == KpiSource::Rows {
            return self.db.fetch_one(&kpis::checklist_counts(q)).await;
        }
        // Days that are over from the rollups; today and later from the rows, since
        // which of their open runs are overdue depends on the hour.
        let today = q.now.get(..10).and_then(Day::parse);
        let (closed, open) = match today {
            Some(today) => q.window.split_at(today),
            None => (None, Some(q.window.clone())),
        };
        let mut total = ChecklistCounts::default();
        if let Some(window) = closed {
            let rolled = KpiQuery {
                window,
                ..q.clone()
            };
            total += self
                .db
                .fetch_one(&kpis::checklist_counts_rollup(&rolled))
                .await?;
        }
        if let Some(window) = open {
            let live = KpiQuery {
                window,
                ..q.clone()
            };
            total += self.db.fetch_one(&kpis::checklist_counts(&live)).await?;
        }
        Ok(total)
    }

    async fn corrective_action_counts_at(
        &self,
        sites: &[i64],
        ats: &[String],
    ) -> StoreResult<Vec<Vec<ActionCounts>>> {
        let mut counts = vec![Vec::new(); ats.len()];
        if ats.is_empty() {
            return Ok(counts);
        }
        let rows: Vec<ActionCountsAt> = self
            .db
            .fetch_all(&kpis::corrective_action_counts(sites, ats))
            .await?;
        for row in rows {
            if let Some(at) = usize::try_from(row.i).ok().and_then(|i| counts.get_mut(i)) {
                at.push(ActionCounts {
                    site: row.site,
                    priority: row.priority,
                    open: row.open,
                    overdue: row.overdue,
                });
            }
        }
        Ok(counts)
    }

    async fn shipment_counts(&self, q: &KpiQuery) -> StoreResult<Vec<ShipmentCounts>> {
        self.db.fetch_all(&kpis::shipment_counts(q)).await
    }

    async fn receiving_counts(&self, q: &KpiQuery) -> StoreResult<ReceivingCounts> {
        match q.source {
            KpiSource::Rollups => self.db.fetch_one(&kpis::receiving_counts_rollup(q)).await,
            KpiSource::Rows => self.db.fetch_one(&kpis::receiving_counts(q)).await,
        }
    }

    async fn replenishment(&self, q: &ListQuery) -> StoreResult<Page<ReplenishmentRow>> {
        let mut page: Page<ReplenishmentRow> = self.list(q, &REPLENISHMENT).await?;
        for row in &mut page.rows {
            row.suggested_qty = suggested_order(row.on_hand, row.max_qty);
        }
        Ok(page)
    }

    async fn stock_levels(&self, q: &ListQuery) -> StoreResult<Page<StockLevelRow>> {
        self.list(q, &STOCK_LEVELS).await
    }

    async fn count_sessions(&self, q: &ListQuery) -> StoreResult<Page<CountSessionRow>> {
        self.list(q, &COUNT_SESSIONS).await
    }

    async fn count_lines(&self, q: &ListQuery) -> StoreResult<Page<CountLineRow>> {
        self.list(q, &COUNT_LINES).await
    }

    async fn count_entries(&self, q: &ListQuery) -> StoreResult<Page<CountEntryRow>> {
        self.list(q, &COUNT_ENTRIES).await
    }

    async fn count_conflicts(&self, q: &ListQuery) -> StoreResult<Page<CountConflictRow>> {
        self.list(q, &COUNT_CONFLICTS).await
    }

    async fn checklist_runs(&self, q: &ListQuery) -> StoreResult<Page<ChecklistRunRow>> {
        self.list(q, &CHECKLIST_RUNS).await
    }

    async fn checklist_responses(&self, q: &ListQuery) -> StoreResult<Page<ChecklistResponseRow>> {
        self.list(q, &CHECKLIST_RESPONSES).await
    }

    async fn corrective_actions(&self, q: &ListQuery) -> StoreResult<Page<CorrectiveActionRow>> {
        self.list(q, &CORRECTIVE_ACTIONS).await
    }

    async fn shipments(&self, q: &ListQuery) -> StoreResult<Page<ShipmentRow>> {
        self.list(q, &SHIPMENTS).await
    }

    async fn shipment_lines(&self, q: &ListQuery) -> StoreResult<Page<ShipmentLineRow>> {
        self.list(q, &SHIPMENT_LINES).await
    }

    async fn policy_violations(&self, q: &ListQuery) -> StoreResult<Page<PolicyViolationRow>> {
        self.list(q, &POLICY_VIOLATIONS).await
    }

    async fn document_problems(&self, q: &ListQuery) -> StoreResult<Page<DocumentProblemRow>> {
        self.list(q, &DOCUMENT_PROBLEMS).await
    }
}
