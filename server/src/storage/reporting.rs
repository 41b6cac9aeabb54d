//! What the dashboard reads from the flattened tables: list queries and their pages
//! (the row types are in [`super::rows`]), and the raw counts of the KPI queries for one
//! window. The routes ask for the period and the previous one, and `reporting::kpi`
//! does the arithmetic.

use async_trait::async_trait;
use serde::Serialize;
use utoipa::ToSchema;

use super::{
    StoreResult,
    rows::{
        ChecklistResponseRow, ChecklistRunRow, CorrectiveActionRow, CountConflictRow,
        CountEntryRow, CountLineRow, CountSessionRow, DocumentProblemRow, PolicyViolationRow,
        ReplenishmentRow, ShipmentLineRow, ShipmentRow, StockLevelRow,
    },
};
use crate::time::{Day, Window};

/// Which rows a list query returns. Dates bound the table's own date column (see each
/// row type); `None` leaves that side open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery {
    /// Site ids the caller may see and asked for; never empty.
    pub sites: Vec<i64>,
    /// Inclusive lower bound: a `YYYY-MM-DD` day.
    pub start: Option<String>,
    /// Exclusive upper bound: the `YYYY-MM-DD` day after the last one.
    pub end: Option<String>,
    /// Only rows of this document.
    pub document: Option<String>,
    /// Only rows in one of these statuses (see each table); empty means any.
    pub status: Vec<String>,
    pub limit: i64,
    pub offset: i64,
}

impl ListQuery {
    /// The bounds in Unix ms, for tables that keep server times.
    pub fn start_ms(&self) -> Option<i64> {
        self.start.as_deref().map(day_start_ms)
    }

    pub fn end_ms(&self) -> Option<i64> {
        self.end.as_deref().map(day_start_ms)
    }
}

fn day_start_ms(day: &str) -> i64 {
    Day::parse(day).map_or(0, |d| d.start_millis())
}

/// One page of rows and how many rows match in all.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export_to = "api/"))]
pub struct Page<T> {
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
    pub rows: Vec<T>,
}

/// Counted lines of count sessions whose latest entry falls in the window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct CountAccuracyCounts {
    pub lines_counted: i64,
    pub lines_within_tolerance: i64,
    /// Σ |counted − expected| × unit cost, in minor units.
    pub variance_value_minor: i64,
    /// Σ (counted − expected) × unit cost: what the adjustments add up to.
    pub net_adjustment_value_minor: i64,
}

/// Count sessions due in the window, and coverage of active items.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct CountCompletionCounts {
    pub sessions_due: i64,
    pub sessions_closed_by_due: i64,
    /// Active items with a counted line in the window.
    pub items_counted: i64,
    pub active_items: i64,
}

/// Checklist runs due in the window; responses recorded in it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct ChecklistCounts {
    pub runs_scheduled: i64,
    pub runs_completed: i64,
    pub runs_on_time: i64,
    /// Due (and past due as of now), not completed.
    pub runs_overdue_open: i64,
    /// Responses that can fail: checks other than n.a., and numbers.
    pub responses_answered: i64,
    pub responses_failed: i64,
}

impl std::ops::AddAssign for ChecklistCounts {
    fn add_assign(&mut self, other: ChecklistCounts) {
        self.runs_scheduled += other.runs_scheduled;
        self.runs_completed += other.runs_completed;
        self.runs_on_time += other.runs_on_time;
        self.runs_overdue_open += other.runs_overdue_open;
        self.responses_answered += other.responses_answered;
        self.responses_failed += other.responses_failed;
    }
}

/// Corrective actions open (and overdue) at one moment, per site and priority.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ActionCounts {
    pub site: String,
    pub priority: String,
    pub open: i64,
    pub overdue: i64,
}

/// Shipments of one direction expected in the window.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ShipmentCounts {
    pub direction: String,
    pub expected: i64,
    pub arrived: i64,
    /// Past their expected time (as of now) and not arrived.
    pub late: i64,
}

/// Lines of inbound shipments that arrived in the window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct ReceivingCounts {
    pub lines_received: i64,
    /// Lines with any over, short or damaged units.
    pub lines_discrepant: i64,
    /// Good and damaged units that arrived.
    pub units_received: i64,
    pub units_damaged: i64,
}

/// The window a KPI query reads, and "now" for what is overdue or late.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KpiQuery {
    pub sites: Vec<i64>,
    pub window: Window,
    /// RFC 3339 UTC.
    pub now: String,
    pub source: KpiSource,
}

/// What a KPI query adds up. Both give the same figures (a test compares them on
/// random data); the rollups read a row per site and day instead of every row.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum KpiSource {
    /// The per-site, per-day rollups the flattener keeps (migration 0012); what
    /// "overdue" means for today and later still comes from the rows.
    #[default]
    Rollups,
    /// The flattened rows themselves.
    Rows,
}

#[async_trait]
pub trait ReportingStore: Send + Sync {
    /// Counted lines whose latest entry is in the window: how many, how many within
    /// their item class's tolerance, and their variance value (absolute and net).
    async fn count_accuracy(&self, q: &KpiQuery) -> StoreResult<CountAccuracyCounts>;
    /// Per query: sessions due in the window and closed by their due time; active
    /// items with a counted line in the window, and all active items. Several windows
    /// at once (a period and the previous one, a trend), since coverage reads every
    /// active item whatever the window; all queries are of the first one's sites.
    async fn count_completion(
        &self,
        queries: &[KpiQuery],
    ) -> StoreResult<Vec<CountCompletionCounts>>;
    /// Runs due in the window (completed, on time, overdue and open as of `now`);
    /// responses recorded in the window that can fail, and those that failed.
    async fn checklist_counts(&self, q: &KpiQuery) -> StoreResult<ChecklistCounts>;
    /// Actions open at `at` (raised before it, not closed by it), and those of them
    /// due before it, per site and priority.
    async fn corrective_action_counts(
        &self,
        sites: &[i64],
        at: &str,
    ) -> StoreResult<Vec<ActionCounts>> {
        let mut counts = self
            .corrective_action_counts_at(sites, &[at.to_string()])
            .await?;
        Ok(counts.pop().unwrap_or_default())
    }
    /// The same as of each of `ats` (one list per instant, in order), in one query.
    async fn corrective_action_counts_at(
        &self,
        sites: &[i64],
        ats: &[String],
    ) -> StoreResult<Vec<Vec<ActionCounts>>>;
    /// Per direction: shipments expected in the window, arrived, and late as of `now`.
    async fn shipment_counts(&self, q: &KpiQuery) -> StoreResult<Vec<ShipmentCounts>>;
    /// Lines and units of inbound shipments that arrived in the window.
    async fn receiving_counts(&self, q: &KpiQuery) -> StoreResult<ReceivingCounts>;

    async fn replenishment(&self, q: &ListQuery) -> StoreResult<Page<ReplenishmentRow>>;
    async fn stock_levels(&self, q: &ListQuery) -> StoreResult<Page<StockLevelRow>>;
    async fn count_sessions(&self, q: &ListQuery) -> StoreResult<Page<CountSessionRow>>;
    async fn count_lines(&self, q: &ListQuery) -> StoreResult<Page<CountLineRow>>;
    async fn count_entries(&self, q: &ListQuery) -> StoreResult<Page<CountEntryRow>>;
    async fn count_conflicts(&self, q: &ListQuery) -> StoreResult<Page<CountConflictRow>>;
    async fn checklist_runs(&self, q: &ListQuery) -> StoreResult<Page<ChecklistRunRow>>;
    async fn checklist_responses(&self, q: &ListQuery) -> StoreResult<Page<ChecklistResponseRow>>;
    async fn corrective_actions(&self, q: &ListQuery) -> StoreResult<Page<CorrectiveActionRow>>;
    async fn shipments(&self, q: &ListQuery) -> StoreResult<Page<ShipmentRow>>;
    async fn shipment_lines(&self, q: &ListQuery) -> StoreResult<Page<ShipmentLineRow>>;
    async fn document_problems(&self, q: &ListQuery) -> StoreResult<Page<DocumentProblemRow>>;
    /// Parts of documents written against the write policy and undone, newest first.
    async fn policy_violations(&self, q: &ListQuery) -> StoreResult<Page<PolicyViolationRow>>;
}
