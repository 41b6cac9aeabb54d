//! Changes the server makes itself: manager actions, imports, planned work.
//! They go through the same path as a phone's changes (the document's actor
//! applies them, storage commits them, and only then do peers and the
//! flattener hear of them), so phones receive them like any other edit.

use std::sync::Arc;

use automerge::{
    Automerge, ChangeHash,
    transaction::{CommitOptions, Transaction},
};
use tokio::sync::oneshot;

use super::{
    actor::DocCommand,
    hub::{Committed, Hub},
};
use crate::{
    doc_id::DocumentId,
    documents::{heads_json, site::SERVER_AUTHOR, summary::work_summary},
    storage::{AppendBatch, NewChange, StoreError, now_millis},
};

/// Who asked for a server-made change, and what it is, for the change log and
/// the Automerge history (the change message).
#[derive(Clone, Debug)]
pub struct Author {
    pub user_id: i64,
    pub message: String,
}

/// A change for the actor to apply: `edit` mutates the document and reports
/// its own result through a channel of its own; the actor commits whatever
/// it changed and answers on `done`.
pub struct LocalChange {
    pub user_id: i64,
    pub edit: Box<dyn FnOnce(&mut Automerge) + Send>,
    pub done: oneshot::Sender<Result<Vec<ChangeHash>, ChangeFailed>>,
}

/// Why a server-made change did not land.
#[derive(Debug, thiserror::Error)]
pub enum ChangeFailed {
    #[error("the document could not be loaded; try again in a moment")]
    Unavailable,
    #[error("the change could not be saved; nothing was changed, try again")]
    NotSaved,
    #[error("the document is not stored yet; try again once its creator has synced it")]
    NotAttached,
    #[error("storage error: {0}")]
    Storage(#[from] StoreError),
}

/// The outcome of [`Hub::change`].
#[derive(Debug, thiserror::Error)]
pub enum ChangeError<E> {
    /// The edit itself refused (e.g. the line is in conflict).
    #[error("{0}")]
    Refused(E),
    #[error(transparent)]
    Failed(#[from] ChangeFailed),
}

/// A change that landed: the edit's result and the document's heads after it.
#[derive(Debug)]
pub struct Changed<R> {
    pub value: R,
    pub heads: Vec<ChangeHash>,
}

fn commit_options(author: &Author) -> CommitOptions {
    CommitOptions::default()
        .with_message(author.message.clone())
        .with_time(now_millis() / 1000)
}

/// The rows a server-made change is stored as.
pub(super) fn new_changes(
    doc: &Automerge,
    since: &[ChangeHash],
    user_id: Option<i64>,
) -> Vec<NewChange> {
    let now = now_millis();
    doc.get_changes(since)
        .into_iter()
        .map(|change| NewChange {
            hash: change.hash().to_string(),
            bytes: change.raw_bytes().to_vec(),
            user_id,
            peer_id: SERVER_AUTHOR.into(),
            received_at: now,
        })
        .collect()
}

impl Hub {
    /// Applies `edit` to a stored document as one Automerge change by the
    /// server on `author`'s behalf. Returns once the change is committed to
    /// storage; connected peers receive it right after. An edit that returns
    /// `Err` changes nothing.
    pub async fn change<R, E>(
        self: &Arc<Self>,
        doc: &DocumentId,
        site_id: i64,
        author: Author,
        edit: impl FnOnce(&mut Transaction<'_>) -> Result<R, E> + Send + 'static,
    ) -> Result<Changed<R>, ChangeError<E>>
    where
        R: Send + 'static,
        E: Send + 'static,
    {
        let (result_tx, result_rx) = oneshot::channel();
        let (done_tx, done_rx) = oneshot::channel();
        let options = commit_options(&author);
        let run = move |automerge: &mut Automerge| {
            let outcome = automerge
                .transact_with(|_| options, edit)
                .map(|success| success.result)
                .map_err(|failure| failure.error);
            let _ = result_tx.send(outcome);
        };
        let command = DocCommand::Change(LocalChange {
            user_id: author.user_id,
            edit: Box::new(run),
            done: done_tx,
        });
        self.deliver(doc, Some(site_id), command).await;
        // The edit's own answer comes first; if the actor never ran it (the
        // document failed to load) both channels close.
        let value = match result_rx.await {
            Ok(Ok(value)) => value,
            Ok(Err(refused)) => return Err(ChangeError::Refused(refused)),
            Err(_) => return Err(ChangeFailed::Unavailable.into()),
        };
        let heads = done_rx.await.map_err(|_| ChangeFailed::Unavailable)??;
        Ok(Changed { value, heads })
    }

    /// Creates a new document made by the server in `site_id`, stores it, and
    /// announces it (it is flattened and appears in work lists like any other).
    pub async fn create_document<E>(
        self: &Arc<Self>,
        site_id: i64,
        author: Author,
        build: impl FnOnce(&mut Transaction<'_>) -> Result<(), E>,
    ) -> Result<DocumentId, ChangeError<E>> {
        let mut automerge = Automerge::new();
        automerge
            .transact_with(|_| commit_options(&author), build)
            .map_err(|failure| ChangeError::Refused(failure.error))?;
        let id = DocumentId::random();
        let heads = automerge.get_heads();
        let first = AppendBatch {
            doc_id: id.to_string(),
            changes: new_changes(&automerge, &[], Some(author.user_id)),
            heads: heads_json(&heads),
            violations: Vec::new(),
            work: work_summary(&automerge, id.as_str(), site_id),
        };
        self.store
            .create_document(site_id, Some(author.user_id), &first)
            .await
            .map_err(ChangeFailed::Storage)?;
        self.remember_site(&id, site_id);
        self.announce_commit(Committed {
            document_id: id.clone(),
            site_id,
            heads,
        });
        Ok(id)
    }
}
