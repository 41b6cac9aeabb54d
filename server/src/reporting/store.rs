//! What the reporting API reads from the flattened tables. One implementation per
//! database (`storage/sqlite/reporting.rs`, `storage/postgres/reporting.rs`); the SQL
//! lives there. KPI queries return raw counts for one window; the routes ask for the
//! period and the previous one and [`super::kpi`] does the arithmetic.

use async_trait::async_trait;

use super::model::{
    ActionCounts, ChecklistCounts, CountAccuracyCounts, CountCompletionCounts, KpiQuery, ListQuery,
    Page, ReceivingCounts, ShipmentCounts,
};
use super::rows::{
    ChecklistResponseRow, ChecklistRunRow, CorrectiveActionRow, CountConflictRow, CountEntryRow,
    CountLineRow, CountSessionRow, DocumentProblemRow, ReplenishmentRow, ShipmentLineRow,
    ShipmentRow, StockLevelRow,
};
use crate::storage::StoreResult;

#[async_trait]
pub trait ReportingStore: Send + Sync {
    /// Counted lines whose latest entry is in the window: how many, how many within
    /// their item class's tolerance, and their variance value (absolute and net).
    async fn count_accuracy(&self, q: &KpiQuery) -> StoreResult<CountAccuracyCounts>;
    /// Sessions due in the window and closed by their due time; active items with a
    /// counted line in the window, and all active items.
    async fn count_completion(&self, q: &KpiQuery) -> StoreResult<CountCompletionCounts>;
    /// Runs due in the window (completed, on time, overdue and open as of `now`);
    /// responses recorded in the window that can fail, and those that failed.
    async fn checklist_counts(&self, q: &KpiQuery) -> StoreResult<ChecklistCounts>;
    /// Actions open at `at` (raised before it, not closed by it), and those of them
    /// due before it, per site and priority.
    async fn corrective_action_counts(
        &self,
        sites: &[i64],
        at: &str,
    ) -> StoreResult<Vec<ActionCounts>>;
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
}
