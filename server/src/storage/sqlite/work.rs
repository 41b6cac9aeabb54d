use async_trait::async_trait;
use sqlx::Row;

use super::SqliteStore;
use crate::storage::{
    Attachment, AttachmentStore, StoreError, StoreResult, WorkStore, WorkSummary, now_millis,
};

#[async_trait]
impl WorkStore for SqliteStore {
    async fn upsert_work_summary(&self, summary: &WorkSummary) -> StoreResult<()> {
        let assignees = serde_json::to_string(&summary.assignees)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        sqlx::query(
            "INSERT INTO work_index (document_id, site_id, doc_type, title, status, due_at, assignees, updated_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?) \
             ON CONFLICT (document_id) DO UPDATE SET doc_type = excluded.doc_type, title = excluded.title, \
             status = excluded.status, due_at = excluded.due_at, assignees = excluded.assignees, \
             updated_at = excluded.updated_at",
        )
        .bind(&summary.document_id)
        .bind(summary.site_id)
        .bind(&summary.doc_type)
        .bind(&summary.title)
        .bind(&summary.status)
        .bind(&summary.due_at)
        .bind(assignees)
        .bind(now_millis())
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    async fn work_for_site(&self, site_id: i64) -> StoreResult<Vec<WorkSummary>> {
        let rows = sqlx::query(
            "SELECT document_id, site_id, doc_type, title, status, due_at, assignees \
             FROM work_index WHERE site_id = ? ORDER BY due_at IS NULL, due_at, document_id",
        )
        .bind(site_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let assignees: String = row.try_get("assignees")?;
                Ok(WorkSummary {
                    document_id: row.try_get("document_id")?,
                    site_id: row.try_get("site_id")?,
                    doc_type: row.try_get("doc_type")?,
                    title: row.try_get("title")?,
                    status: row.try_get("status")?,
                    due_at: row.try_get("due_at")?,
                    assignees: serde_json::from_str(&assignees)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                })
            })
            .collect()
    }
}

#[async_trait]
impl AttachmentStore for SqliteStore {
    async fn put_attachment(&self, attachment: &Attachment) -> StoreResult<bool> {
        let done = sqlx::query(
            "INSERT INTO attachments (sha256, site_id, content_type, size, bytes, uploaded_by, uploaded_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING",
        )
        .bind(&attachment.sha256)
        .bind(attachment.site_id)
        .bind(&attachment.content_type)
        .bind(attachment.size)
        .bind(&attachment.bytes)
        .bind(attachment.uploaded_by)
        .bind(now_millis())
        .execute(&self.writer)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn get_attachment(&self, sha256: &str) -> StoreResult<Option<Attachment>> {
        let row = sqlx::query(
            "SELECT sha256, site_id, content_type, size, bytes, uploaded_by FROM attachments WHERE sha256 = ?",
        )
        .bind(sha256)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            Ok(Attachment {
                sha256: row.try_get("sha256")?,
                site_id: row.try_get("site_id")?,
                content_type: row.try_get("content_type")?,
                size: row.try_get("size")?,
                bytes: row.try_get("bytes")?,
                uploaded_by: row.try_get("uploaded_by")?,
            })
        })
        .transpose()
    }
}
