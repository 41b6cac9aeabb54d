use async_trait::async_trait;

use super::{
    SqlStore,
    db::{Conn, Decoded, Row},
};
use crate::{
    stmt,
    storage::{
        Attachment, AttachmentStore, AttachmentStored, StoreError, StoreResult, WorkStore,
        WorkSummary, now_millis,
    },
};

/// Assignees are kept as a JSON list in one text column.
impl Decoded for WorkSummary {
    fn decode(row: Row<'_>) -> StoreResult<Self> {
        let assignees: String = row.get("assignees")?;
        Ok(WorkSummary {
            document_id: row.get("document_id")?,
            site_id: row.get("site_id")?,
            doc_type: row.get("doc_type")?,
            title: row.get("title")?,
            status: row.get("status")?,
            due_at: row.get("due_at")?,
            assignees: serde_json::from_str(&assignees)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
        })
    }
}

/// Writes a document's work-list entry in `tx`, the transaction that stores the
/// commit it describes.
pub(super) async fn upsert_work(tx: &mut Conn, summary: &WorkSummary) -> StoreResult<()> {
    let assignees = serde_json::to_string(&summary.assignees)
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    tx.execute(&stmt!(
            "INSERT INTO work_index (document_id, site_id, doc_type, title, status, due_at, assignees, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (document_id) DO UPDATE SET doc_type = excluded.doc_type, title = excluded.title, \
             status = excluded.status, due_at = excluded.due_at, assignees = excluded.assignees, \
             updated_at = excluded.updated_at",
            &summary.document_id,
            summary.site_id,
            &summary.doc_type,
            summary.title.as_ref(),
            summary.status.as_ref(),
            summary.due_at.as_ref(),
        assignees,
        now_millis()
    ))
    .await?;
    Ok(())
}

#[async_trait]
impl WorkStore for SqlStore {
    async fn work_for_site(&self, site_id: i64) -> StoreResult<Vec<WorkSummary>> {
        let select = stmt!(
            "SELECT document_id, site_id, doc_type, title, status, due_at, assignees \
             FROM work_index WHERE site_id = $1 ORDER BY due_at IS NULL, due_at, document_id",
            site_id
        );
        self.db.fetch_all(&select).await
    }
}

#[async_trait]
impl AttachmentStore for SqlStore {
    async fn put_attachment(
        &self,
        attachment: &Attachment,
        site_quota: i64,
    ) -> StoreResult<AttachmentStored> {
        let site = attachment.site_id;
        let sha256 = attachment.sha256.as_str();
        let stored = stmt!(
            "SELECT sha256 FROM attachments WHERE site_id = $1 AND sha256 = $2",
            site,
            sha256
        );
        let already_stored = || async {
            let found: Option<(String,)> = self.db.fetch_optional(&stored).await?;
            StoreResult::Ok(found.is_some())
        };
        if already_stored().await? {
            return Ok(AttachmentStored::AlreadyStored);
        }
        // The quota check and the insert are one statement, so two uploads at once
        // cannot both slip under the limit on SQLite's single writer; on Postgres the
        // overshoot is bounded by the uploads in flight.
        let insert = stmt!(
            "INSERT INTO attachments (site_id, sha256, content_type, size, bytes, uploaded_by, uploaded_at) \
             SELECT $1, $2, $3, $4, $5, $6, $7 \
             WHERE (SELECT COALESCE(SUM(size), 0) FROM attachments WHERE site_id = $1) + $4 <= $8 \
             ON CONFLICT (site_id, sha256) DO NOTHING",
            site,
            sha256,
            &attachment.content_type,
            attachment.size,
            attachment.bytes.as_slice(),
            attachment.uploaded_by,
            now_millis(),
            site_quota
        );
        if self.db.execute(&insert).await? > 0 {
            return Ok(AttachmentStored::Created);
        }
        if already_stored().await? {
            return Ok(AttachmentStored::AlreadyStored);
        }
        let used = stmt!(
            "SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) FROM attachments WHERE site_id = $1",
            site
        );
        Ok(AttachmentStored::OverQuota {
            used: self.db.scalar(&used).await?,
        })
    }

    async fn get_attachment(&self, site_id: i64, sha256: &str) -> StoreResult<Option<Attachment>> {
        let select = stmt!(
            "SELECT sha256, site_id, content_type, size, bytes, uploaded_by FROM attachments \
             WHERE site_id = $1 AND sha256 = $2",
            site_id,
            sha256
        );
        self.db.fetch_optional(&select).await
    }
}
