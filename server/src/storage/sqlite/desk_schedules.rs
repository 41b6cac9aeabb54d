//! Checklist schedules (SQLite). Keep in step with `postgres/desk_schedules.rs`.

use async_trait::async_trait;
use sqlx::{Row, sqlite::SqliteRow};

use super::SqliteStore;
use crate::storage::{
    NewSchedule, Recurrence, Schedule, ScheduleStore, StoreError, StoreResult, now_millis,
};

const COLUMNS: &str = "id, site_id, template_id, location, recurrence, assignee, next_due_at, \
                       created_by, created_at, last_document_id, runs_made";

fn schedule_from_row(row: &SqliteRow) -> StoreResult<Schedule> {
    let recurrence: String = row.try_get("recurrence")?;
    Ok(Schedule {
        id: row.try_get("id")?,
        site_id: row.try_get("site_id")?,
        template_id: row.try_get("template_id")?,
        location: row.try_get("location")?,
        recurrence: Recurrence::parse(&recurrence)
            .ok_or_else(|| StoreError::Corrupt(format!("recurrence {recurrence:?}")))?,
        assignee: row.try_get("assignee")?,
        next_due_at: row.try_get("next_due_at")?,
        created_by: row.try_get("created_by")?,
        created_at: row.try_get("created_at")?,
        last_document_id: row.try_get("last_document_id")?,
        runs_made: row.try_get("runs_made")?,
    })
}

#[async_trait]
impl ScheduleStore for SqliteStore {
    async fn create_schedule(&self, s: &NewSchedule) -> StoreResult<Schedule> {
        let row = sqlx::query(&format!(
            "INSERT INTO checklist_schedules (site_id, template_id, location, recurrence, \
             assignee, next_due_at, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) \
             RETURNING {COLUMNS}"
        ))
        .bind(s.site_id)
        .bind(&s.template_id)
        .bind(s.location.as_deref())
        .bind(s.recurrence.as_str())
        .bind(s.assignee.as_deref())
        .bind(s.next_due_at)
        .bind(s.created_by)
        .bind(now_millis())
        .fetch_one(&self.writer)
        .await?;
        schedule_from_row(&row)
    }

    async fn schedules_of_site(&self, site_id: i64) -> StoreResult<Vec<Schedule>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM checklist_schedules WHERE site_id = ? ORDER BY id"
        ))
        .bind(site_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(schedule_from_row).collect()
    }

    async fn schedules_due(&self, horizon: i64) -> StoreResult<Vec<Schedule>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM checklist_schedules WHERE next_due_at <= ? \
             ORDER BY next_due_at LIMIT 100"
        ))
        .bind(horizon)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(schedule_from_row).collect()
    }

    async fn advance_schedule(
        &self,
        id: i64,
        due: i64,
        next: i64,
        document_id: &str,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE checklist_schedules SET next_due_at = ?, last_document_id = ?, \
             runs_made = runs_made + 1 WHERE id = ? AND next_due_at = ?",
        )
        .bind(next)
        .bind(document_id)
        .bind(id)
        .bind(due)
        .execute(&self.writer)
        .await?;
        Ok(done.rows_affected() == 1)
    }
}
