use async_trait::async_trait;

use super::{Arg, SqlBuilder, SqlStore, db::Conn, work::upsert_work};
use crate::{
    stmt,
    storage::{
        AppendBatch, Appended, ChangeRecord, DocumentStore, NewChange, NewViolation, StoreError,
        StoreResult, StoredChange, StoredDocument, now_millis, postgres,
    },
};

/// Stores the changes; returns the sequence number of the last one stored
/// (`None` when every one was stored already).
async fn insert_changes(
    tx: &mut Conn,
    doc_id: &str,
    changes: &[NewChange],
) -> StoreResult<Option<i64>> {
    let mut newest = None;
    // One statement per chunk of rows, not per change: on Postgres each statement is a
    // round trip inside the commit. Chunks keep the binds far below either database's
    // limit when a phone brings days of offline edits at once.
    for chunk in changes.chunks(INSERT_CHUNK) {
        let mut insert = SqlBuilder::new(
            "INSERT INTO changes (document_id, hash, bytes, user_id, peer_id, received_at) VALUES ",
        );
        for (i, change) in chunk.iter().enumerate() {
            insert
                .push(if i == 0 { "(" } else { ", (" })
                .push_binds([
                    Arg::from(doc_id),
                    Arg::from(&change.hash),
                    Arg::from(change.bytes.as_slice()),
                    Arg::from(change.user_id),
                    Arg::from(&change.peer_id),
                    Arg::from(change.received_at),
                ])
                .push(")");
        }
        // A change delivered twice (two peers racing) is stored once.
        insert.push(" ON CONFLICT (document_id, hash) DO NOTHING RETURNING seq");
        let stored: Vec<(i64,)> = tx.fetch_all(&insert.build()).await?;
        newest = stored.into_iter().map(|(seq,)| seq).chain(newest).max();
    }
    Ok(newest)
}

/// Change rows per `INSERT`: six binds each.
const INSERT_CHUNK: usize = 500;

async fn last_seq(tx: &mut Conn, doc_id: &str) -> StoreResult<i64> {
    tx.scalar(&stmt!(
        "SELECT COALESCE(MAX(seq), 0) FROM changes WHERE document_id = $1",
        doc_id
    ))
    .await
}

/// Policy violations are stored with the changes (and the undo) they came with.
async fn insert_violations(
    tx: &mut Conn,
    doc_id: &str,
    violations: &[NewViolation],
) -> StoreResult<()> {
    for v in violations {
        tx.execute(&stmt!(
            "INSERT INTO policy_violations (document_id, site_id, user_id, peer_id, part, message, \
             attempted, changes, detected_at) SELECT $1, d.site_id, $2, $3, $4, $5, $6, $7, $8 \
             FROM documents d WHERE d.id = $1",
            doc_id,
            v.user_id,
            &v.peer_id,
            &v.part,
            &v.message,
            v.attempted.as_deref(),
            &v.changes,
            v.detected_at
        ))
        .await?;
    }
    Ok(())
}

impl SqlStore {
    /// Stores one document's commit in `tx`, and tells the other instances (they
    /// hear it only if `tx` commits).
    async fn append_in(&self, tx: &mut Conn, batch: &AppendBatch) -> StoreResult<Appended> {
        let doc_id = &batch.doc_id;
        // The document's row first: it locks, so that one document's commits (from
        // any instance) take their sequence numbers in the order they commit.
        let site_id: Option<(i64,)> = tx
            .fetch_optional(&stmt!(
                "UPDATE documents SET heads = $1 WHERE id = $2 RETURNING site_id",
                &batch.heads,
                doc_id
            ))
            .await?;
        let Some((site_id,)) = site_id else {
            return Err(StoreError::NotFound(format!(
                "document {doc_id} is not stored"
            )));
        };
        // Read after the lock is ours, in a statement of its own: on Postgres a
        // subquery of the UPDATE would read the snapshot taken before it waited
        // for another instance's commit, and miss that commit's rows.
        let prior_seq = last_seq(tx, doc_id).await?;
        self.store_rows(tx, batch, site_id, prior_seq).await
    }

    /// The rows of a commit whose document row is written (and locked) in `tx`:
    /// changes, refused edits, the work-list entry, and the note to the others.
    async fn store_rows(
        &self,
        tx: &mut Conn,
        batch: &AppendBatch,
        site_id: i64,
        prior_seq: i64,
    ) -> StoreResult<Appended> {
        let doc_id = &batch.doc_id;
        // The newest row is the last one inserted (sequence numbers only grow,
        // and the lock keeps other commits of this document out until ours ends).
        let seq = insert_changes(tx, doc_id, &batch.changes)
            .await?
            .unwrap_or(prior_seq);
        insert_violations(tx, doc_id, &batch.violations).await?;
        if let Some(work) = &batch.work {
            upsert_work(tx, work).await?;
        }
        self.notify_commit(tx, doc_id, site_id, seq).await?;
        Ok(Appended { seq, prior_seq })
    }

    /// Tells the other instances that `tx` stored the document's rows up to `seq`;
    /// they hear it only if `tx` commits.
    async fn notify_commit(
        &self,
        tx: &mut Conn,
        doc_id: &str,
        site_id: i64,
        seq: i64,
    ) -> StoreResult<()> {
        let note = postgres::commit_note(&self.instance, site_id, seq, doc_id);
        tx.notify(postgres::COMMITS, &note).await
    }
}

#[derive(sqlx::FromRow)]
struct DocumentRow {
    site_id: i64,
    snapshot: Option<Vec<u8>>,
    snapshot_seq: i64,
}

#[async_trait]
impl DocumentStore for SqlStore {
    async fn document_site(&self, doc_id: &str) -> StoreResult<Option<i64>> {
        let select = stmt!("SELECT site_id FROM documents WHERE id = $1", doc_id);
        let site: Option<(i64,)> = self.db.fetch_optional(&select).await?;
        Ok(site.map(|(id,)| id))
    }

    async fn load_document(&self, doc_id: &str) -> StoreResult<Option<StoredDocument>> {
        let mut tx = self.db.begin_read().await?;
        let select = stmt!(
            "SELECT site_id, snapshot, snapshot_seq FROM documents WHERE id = $1",
            doc_id
        );
        let Some(row) = tx.fetch_optional::<DocumentRow>(&select).await? else {
            return Ok(None);
        };
        let changes: Vec<(i64, Option<Vec<u8>>)> = tx
            .fetch_all(&stmt!(
                "SELECT seq, bytes FROM changes WHERE document_id = $1 AND seq > $2 ORDER BY seq",
                doc_id,
                row.snapshot_seq
            ))
            .await?;
        let mut doc = StoredDocument {
            site_id: row.site_id,
            snapshot: row.snapshot,
            last_seq: row.snapshot_seq,
            ..StoredDocument::default()
        };
        for (seq, bytes) in changes {
            doc.last_seq = seq;
            doc.changes.extend(bytes);
        }
        doc.changes_since_snapshot = doc.changes.len() as u64;
        Ok(Some(doc))
    }

    async fn create_document(
        &self,
        site_id: i64,
        created_by: Option<i64>,
        first: &AppendBatch,
    ) -> StoreResult<i64> {
        let mut tx = self.db.begin().await?;
        tx.execute(&stmt!(
            "INSERT INTO documents (id, site_id, created_by, created_at, heads) VALUES ($1, $2, $3, $4, $5)",
            &first.doc_id,
            site_id,
            created_by,
            now_millis(),
            &first.heads
        ))
        .await?;
        // A new document has no rows before these.
        let stored = self.store_rows(&mut tx, first, site_id, 0).await?;
        tx.commit().await?;
        Ok(stored.seq)
    }

    async fn append_changes(&self, batch: &AppendBatch) -> StoreResult<Appended> {
        let mut tx = self.db.begin().await?;
        let appended = self.append_in(&mut tx, batch).await?;
        tx.commit().await?;
        Ok(appended)
    }

    async fn append_group(&self, batches: &[AppendBatch]) -> StoreResult<Vec<Appended>> {
        // Documents' rows lock in one order on every instance, so two groups that
        // share documents wait for each other instead of deadlocking.
        let mut order: Vec<usize> = (0..batches.len()).collect();
        order.sort_by(|a, b| batches[*a].doc_id.cmp(&batches[*b].doc_id));
        let mut tx = self.db.begin().await?;
        let mut appended = vec![Appended::default(); batches.len()];
        for i in order {
            appended[i] = self.append_in(&mut tx, &batches[i]).await?;
        }
        tx.commit().await?;
        Ok(appended)
    }

    async fn changes_after(&self, doc_id: &str, seq: i64) -> StoreResult<Vec<StoredChange>> {
        self.db
            .fetch_all(&stmt!(
                "SELECT seq, bytes FROM changes WHERE document_id = $1 AND seq > $2 ORDER BY seq",
                doc_id,
                seq
            ))
            .await
    }

    async fn compact(&self, doc_id: &str, snapshot: &[u8], up_to_seq: i64) -> StoreResult<()> {
        let mut tx = self.db.begin().await?;
        tx.execute(&stmt!(
            "UPDATE documents SET snapshot = $1, snapshot_seq = $2 WHERE id = $3 AND snapshot_seq < $2",
            snapshot,
            up_to_seq,
            doc_id
        ))
        .await?;
        tx.execute(&stmt!(
            "UPDATE changes SET bytes = NULL WHERE document_id = $1 AND seq <= $2",
            doc_id,
            up_to_seq
        ))
        .await?;
        tx.commit().await
    }

    async fn change_log(&self, doc_id: &str) -> StoreResult<Vec<ChangeRecord>> {
        let select = stmt!(
            "SELECT seq, hash, user_id, peer_id, received_at, bytes IS NULL AS compacted \
             FROM changes WHERE document_id = $1 ORDER BY seq",
            doc_id
        );
        self.db.fetch_all(&select).await
    }

    async fn document_count(&self) -> StoreResult<i64> {
        self.db
            .scalar(&stmt!("SELECT COUNT(*) FROM documents"))
            .await
    }
}
