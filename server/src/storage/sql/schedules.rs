//! Checklist schedules.

use async_trait::async_trait;

use super::{
    SqlStore,
    db::{Decoded, Row},
};
use crate::{
    stmt,
    storage::{
        NewSchedule, Recurrence, Schedule, ScheduleStore, StoreError, StoreResult, now_millis,
    },
};

const COLUMNS: &str = "id, site_id, template_id, location, recurrence, assignee, next_due_at, \
                       created_by, created_at, last_document_id, runs_made";

impl Decoded for Schedule {
    fn decode(row: Row<'_>) -> StoreResult<Self> {
        let recurrence: String = row.get("recurrence")?;
        Ok(Schedule {
            id: row.get("id")?,
            site_id: row.get("site_id")?,
            template_id: row.get("template_id")?,
            location: row.get("location")?,
            recurrence: Recurrence::parse(&recurrence)
                .ok_or_else(|| StoreError::Corrupt(format!("recurrence {recurrence:?}")))?,
            assignee: row.get("assignee")?,
            next_due_at: row.get("next_due_at")?,
            created_by: row.get("created_by")?,
            created_at: row.get("created_at")?,
            last_document_id: row.get("last_document_id")?,
            runs_made: row.get("runs_made")?,
        })
    }
}

#[async_trait]
impl ScheduleStore for SqlStore {
    async fn create_schedule(&self, s: &NewSchedule) -> StoreResult<Schedule> {
        let insert = stmt!(
            format!(
                "INSERT INTO checklist_schedules (site_id, template_id, location, recurrence, \
                 assignee, next_due_at, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                 RETURNING {COLUMNS}"
            ),
            s.site_id,
            &s.template_id,
            s.location.as_deref(),
            s.recurrence.as_str(),
            s.assignee.as_deref(),
            s.next_due_at,
            s.created_by,
            now_millis()
        );
        self.db.write_one(&insert).await
    }

    async fn schedules_of_site(&self, site_id: i64) -> StoreResult<Vec<Schedule>> {
        let sql =
            format!("SELECT {COLUMNS} FROM checklist_schedules WHERE site_id = $1 ORDER BY id");
        self.db.fetch_all(&stmt!(sql, site_id)).await
    }

    async fn schedules_due(&self, horizon: i64) -> StoreResult<Vec<Schedule>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM checklist_schedules WHERE next_due_at <= $1 \
             ORDER BY next_due_at LIMIT 100"
        );
        self.db.fetch_all(&stmt!(sql, horizon)).await
    }

    async fn claim_occurrence(&self, id: i64, due: i64, next: i64) -> StoreResult<bool> {
        let update = stmt!(
            "UPDATE checklist_schedules SET next_due_at = $1 WHERE id = $2 AND next_due_at = $3",
            next,
            id,
            due
        );
        Ok(self.db.execute(&update).await? == 1)
    }

    async fn release_occurrence(&self, id: i64, due: i64, next: i64) -> StoreResult<bool> {
        self.claim_occurrence(id, next, due).await
    }

    async fn record_run_made(&self, id: i64, document_id: &str) -> StoreResult<()> {
        let update = stmt!(
            "UPDATE checklist_schedules SET last_document_id = $1, runs_made = runs_made + 1 \
             WHERE id = $2",
            document_id,
            id
        );
        self.db.execute(&update).await?;
        Ok(())
    }
}
