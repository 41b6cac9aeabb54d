use async_trait::async_trait;
use sqlx::{Row, Sqlite, Transaction};

use super::SqliteStore;
use crate::storage::{
    ChangeRecord, DocumentStore, NewChange, StoreResult, StoredDocument, now_millis,
};

async fn insert_changes(
    tx: &mut Transaction<'_, Sqlite>,
    doc_id: &str,
    changes: &[NewChange],
) -> StoreResult<()> {
    for change in changes {
        // A change delivered twice (two peers racing) is stored once.
        sqlx::query(
            "INSERT INTO changes (document_id, hash, bytes, user_id, peer_id, received_at) \
             VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (document_id, hash) DO NOTHING",
        )
        .bind(doc_id)
        .bind(&change.hash)
        .bind(&change.bytes)
        .bind(change.user_id)
        .bind(&change.peer_id)
        .bind(change.received_at)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

async fn last_seq(tx: &mut Transaction<'_, Sqlite>, doc_id: &str) -> StoreResult<i64> {
    Ok(
        sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM changes WHERE document_id = ?")
            .bind(doc_id)
            .fetch_one(&mut **tx)
            .await?,
    )
}

#[async_trait]
impl DocumentStore for SqliteStore {
    async fn document_site(&self, doc_id: &str) -> StoreResult<Option<i64>> {
        Ok(
            sqlx::query_scalar("SELECT site_id FROM documents WHERE id = ?")
                .bind(doc_id)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    async fn load_document(&self, doc_id: &str) -> StoreResult<Option<StoredDocument>> {
        let mut tx = self.pool.begin().await?;
        let Some(row) =
            sqlx::query("SELECT site_id, snapshot, snapshot_seq FROM documents WHERE id = ?")
                .bind(doc_id)
                .fetch_optional(&mut *tx)
                .await?
        else {
            return Ok(None);
        };
        let snapshot_seq: i64 = row.try_get("snapshot_seq")?;
        let rows = sqlx::query(
            "SELECT seq, bytes FROM changes WHERE document_id = ? AND seq > ? ORDER BY seq",
        )
        .bind(doc_id)
        .bind(snapshot_seq)
        .fetch_all(&mut *tx)
        .await?;
        let mut doc = StoredDocument {
            site_id: row.try_get("site_id")?,
            snapshot: row.try_get("snapshot")?,
            last_seq: snapshot_seq,
            ..StoredDocument::default()
        };
        for row in rows {
            let bytes: Option<Vec<u8>> = row.try_get("bytes")?;
            doc.last_seq = row.try_get("seq")?;
            doc.changes.extend(bytes);
        }
        doc.changes_since_snapshot = doc.changes.len() as u64;
        Ok(Some(doc))
    }

    async fn create_document(
        &self,
        doc_id: &str,
        site_id: i64,
        created_by: Option<i64>,
        changes: &[NewChange],
        heads: &str,
    ) -> StoreResult<i64> {
        let mut tx = self.writer.begin().await?;
        sqlx::query(
            "INSERT INTO documents (id, site_id, created_by, created_at, heads) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(doc_id)
        .bind(site_id)
        .bind(created_by)
        .bind(now_millis())
        .bind(heads)
        .execute(&mut *tx)
        .await?;
        insert_changes(&mut tx, doc_id, changes).await?;
        let seq = last_seq(&mut tx, doc_id).await?;
        tx.commit().await?;
        Ok(seq)
    }

    async fn append_changes(
        &self,
        doc_id: &str,
        changes: &[NewChange],
        heads: &str,
    ) -> StoreResult<i64> {
        let mut tx = self.writer.begin().await?;
        insert_changes(&mut tx, doc_id, changes).await?;
        sqlx::query("UPDATE documents SET heads = ? WHERE id = ?")
            .bind(heads)
            .bind(doc_id)
            .execute(&mut *tx)
            .await?;
        let seq = last_seq(&mut tx, doc_id).await?;
        tx.commit().await?;
        Ok(seq)
    }

    async fn compact(&self, doc_id: &str, snapshot: &[u8], up_to_seq: i64) -> StoreResult<()> {
        let mut tx = self.writer.begin().await?;
        sqlx::query(
            "UPDATE documents SET snapshot = ?, snapshot_seq = ? WHERE id = ? AND snapshot_seq < ?",
        )
        .bind(snapshot)
        .bind(up_to_seq)
        .bind(doc_id)
        .bind(up_to_seq)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE changes SET bytes = NULL WHERE document_id = ? AND seq <= ?")
            .bind(doc_id)
            .bind(up_to_seq)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn change_log(&self, doc_id: &str) -> StoreResult<Vec<ChangeRecord>> {
        let rows = sqlx::query(
            "SELECT seq, hash, user_id, peer_id, received_at, bytes IS NULL AS compacted \
             FROM changes WHERE document_id = ? ORDER BY seq",
        )
        .bind(doc_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(ChangeRecord {
                    seq: row.try_get("seq")?,
                    hash: row.try_get("hash")?,
                    user_id: row.try_get("user_id")?,
                    peer_id: row.try_get("peer_id")?,
                    received_at: row.try_get("received_at")?,
                    compacted: row.try_get("compacted")?,
                })
            })
            .collect()
    }

    async fn document_count(&self) -> StoreResult<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM documents")
            .fetch_one(&self.pool)
            .await?)
    }
}
