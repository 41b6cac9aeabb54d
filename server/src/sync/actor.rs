//! One task per loaded document. It owns the `Automerge` document and every
//! peer's sync state, applies incoming messages in batches, commits their new
//! changes in one transaction, and only then sends anything that reflects them.

use std::{
    collections::{HashMap, HashSet},
    panic::{AssertUnwindSafe, catch_unwind},
    sync::Arc,
};

use automerge::Automerge;
use tokio::{sync::mpsc, time::Instant};

use super::{
    doc::{ConnId, Received, SyncError, SyncedDoc, load_document},
    doc_id::DocumentId,
    hub::{Committed, Hub},
    local::{ChangeFailed, LocalChange, new_changes},
    metrics::SyncMetrics,
    peer::{CloseKind, CloseReason, Control, PeerHandle},
    wire::{self, ServerMessage},
};
use crate::{
    documents::{heads_json, summary::work_summary},
    storage::{NewChange, StoreError, now_millis},
};

/// Work run on the actor's document, e.g. by the flattener.
pub type Inspect = Box<dyn FnOnce(&Automerge) + Send>;

pub enum DocCommand {
    Open {
        peer: PeerHandle,
        writable: bool,
    },
    Sync {
        conn: ConnId,
        data: Vec<u8>,
    },
    SetWritable {
        conn: ConnId,
        writable: bool,
    },
    Close {
        conn: ConnId,
    },
    Inspect(Inspect),
    /// A change the server makes itself (see `local.rs`).
    Change(LocalChange),
    Evict,
}

impl std::fmt::Debug for DocCommand {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DocCommand::Open { peer, writable } => write!(f, "Open({}, {writable})", peer.conn),
            DocCommand::Sync { conn, data } => write!(f, "Sync({conn}, {} bytes)", data.len()),
            DocCommand::SetWritable { conn, writable } => {
                write!(f, "SetWritable({conn}, {writable})")
            }
            DocCommand::Close { conn } => write!(f, "Close({conn})"),
            DocCommand::Inspect(_) => f.write_str("Inspect"),
            DocCommand::Change(change) => write!(f, "Change(user {})", change.user_id),
            DocCommand::Evict => f.write_str("Evict"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActorMode {
    Attached {
        site_id: i64,
    },
    /// Offered by a peer, not yet stored: attached to a site on its first changes.
    Pending,
}

/// Messages handled before one commit: larger batches mean fewer transactions under load.
const BATCH: usize = 64;
/// Sync payloads above this are applied with the async worker handed off, so a
/// big first sync does not stall other documents.
const HEAVY_PAYLOAD: usize = 256 * 1024;

pub struct DocActor {
    id: DocumentId,
    mode: ActorMode,
    generation: u64,
    hub: Arc<Hub>,
    doc: SyncedDoc,
    peers: HashMap<ConnId, PeerHandle>,
    last_seq: i64,
    changes_since_snapshot: u64,
}

/// Changes applied in this batch, waiting for their commit.
#[derive(Default)]
struct Uncommitted {
    changes: Vec<NewChange>,
    delivered_by: HashSet<ConnId>,
    /// Server-made changes waiting to hear whether they were saved.
    local: Vec<tokio::sync::oneshot::Sender<Result<Vec<automerge::ChangeHash>, ChangeFailed>>>,
}

impl DocActor {
    pub fn new(id: DocumentId, mode: ActorMode, generation: u64, hub: Arc<Hub>) -> Self {
        Self {
            id,
            mode,
            generation,
            hub,
            doc: SyncedDoc::new(Automerge::new()),
            peers: HashMap::new(),
            last_seq: 0,
            changes_since_snapshot: 0,
        }
    }

    pub async fn run(mut self, mut rx: mpsc::Receiver<DocCommand>) {
        if let ActorMode::Attached { .. } = self.mode {
            if let Err(reason) = self.load().await {
                self.fail_all(&mut rx, reason).await;
                return;
            }
            for (peer, writable) in self.hub.subscribers(&self.id) {
                self.add_peer(peer, writable);
            }
        }
        let idle = self.hub.settings.idle_unload;
        let mut idle_since = Instant::now();
        loop {
            let first = if self.peers.is_empty() {
                // Pending documents whose creator left are dropped at once.
                let deadline = if self.mode == ActorMode::Pending {
                    idle_since
                } else {
                    idle_since + idle
                };
                tokio::select! {
                    command = rx.recv() => command,
                    _ = tokio::time::sleep_until(deadline) => {
                        if self.retire(&mut rx) { return; }
                        idle_since = Instant::now();
                        continue;
                    }
                }
            } else {
                rx.recv().await
            };
            let Some(first) = first else { return };
            let mut batch = vec![first];
            while batch.len() < BATCH {
                match rx.try_recv() {
                    Ok(command) => batch.push(command),
                    Err(_) => break,
                }
            }
            let evict = self.handle_batch(batch).await;
            if self.peers.is_empty() {
                idle_since = Instant::now();
                if (evict || self.mode == ActorMode::Pending) && self.retire(&mut rx) {
                    return;
                }
            }
        }
    }

    fn retire(&mut self, rx: &mut mpsc::Receiver<DocCommand>) -> bool {
        if !self.hub.try_retire(&self.id, self.generation, rx) {
            return false;
        }
        let mut leftovers = Vec::new();
        while let Ok(command) = rx.try_recv() {
            leftovers.push(command);
        }
        self.hub.redeliver(self.id.clone(), leftovers);
        SyncMetrics::inc(&self.hub.metrics.documents_unloaded);
        tracing::debug!(document = %self.id, "document unloaded");
        true
    }

    async fn load(&mut self) -> Result<(), CloseReason> {
        let stored = match self.hub.store.load_document(self.id.as_str()).await {
            Ok(Some(stored)) => stored,
            Ok(None) => {
                return Err(CloseReason::new(
                    CloseKind::TryAgain,
                    format!("document {} vanished from storage", self.id),
                ));
            }
            Err(e) => {
                tracing::error!(document = %self.id, error = %e, "loading a document failed");
                return Err(storage_unavailable());
            }
        };
        let id = self.id.clone();
        let loaded = tokio::task::spawn_blocking(move || {
            load_document(stored.snapshot.as_deref(), &stored.changes).map(|doc| (doc, stored))
        })
        .await;
        match loaded {
            Ok(Ok((doc, stored))) => {
                self.doc = SyncedDoc::new(doc);
                self.last_seq = stored.last_seq;
                self.changes_since_snapshot = stored.changes_since_snapshot;
                SyncMetrics::inc(&self.hub.metrics.documents_loaded);
                Ok(())
            }
            Ok(Err(e)) => {
                tracing::error!(document = %id, error = %e, "stored document does not load");
                Err(storage_unavailable())
            }
            Err(e) => {
                tracing::error!(document = %id, error = %e, "document load task failed");
                Err(storage_unavailable())
            }
        }
    }

    /// Storage could not give us the document: everyone waiting is told to retry.
    async fn fail_all(&mut self, rx: &mut mpsc::Receiver<DocCommand>, reason: CloseReason) {
        for (peer, _) in self.hub.subscribers(&self.id) {
            peer.close(reason.clone());
        }
        while let Ok(command) = rx.try_recv() {
            if let DocCommand::Open { peer, .. } = command {
                peer.close(reason.clone());
            }
        }
        self.hub.try_retire(&self.id, self.generation, rx);
    }

    fn add_peer(&mut self, peer: PeerHandle, writable: bool) {
        if !self.doc.has_peer(peer.conn) {
            self.doc.add_peer(peer.conn, writable);
        }
        self.peers.insert(peer.conn, peer);
    }

    /// Returns true if the batch asked the actor to unload.
    async fn handle_batch(&mut self, batch: Vec<DocCommand>) -> bool {
        let mut uncommitted = Uncommitted::default();
        let mut evict = false;
        let mut inspections = Vec::new();
        for command in batch {
            match command {
                DocCommand::Open { peer, writable } => self.add_peer(peer, writable),
                DocCommand::Sync { conn, data } => self.receive(conn, &data, &mut uncommitted),
                DocCommand::SetWritable { conn, writable } => self.doc.set_writable(conn, writable),
                DocCommand::Close { conn } => {
                    self.doc.remove_peer(conn);
                    self.peers.remove(&conn);
                }
                DocCommand::Evict => evict = true,
                DocCommand::Inspect(work) => inspections.push(work),
                DocCommand::Change(change) => self.apply_local(change, &mut uncommitted).await,
            }
        }
        let waiting = std::mem::take(&mut uncommitted.local);
        let saved = uncommitted.changes.is_empty() || self.commit(uncommitted).await;
        let outcome = if saved {
            Ok(self.doc.heads())
        } else {
            Err(ChangeFailed::NotSaved)
        };
        for done in waiting {
            let _ = done.send(match &outcome {
                Ok(heads) => Ok(heads.clone()),
                Err(_) => Err(ChangeFailed::NotSaved),
            });
        }
        if !saved {
            return evict;
        }
        self.send_outgoing();
        // After the commit: inspections only ever see committed state.
        for work in inspections {
            tokio::task::block_in_place(|| work(self.doc.doc()));
        }
        evict
    }

    /// Runs a server-made edit; its changes join the batch's commit.
    async fn apply_local(&mut self, change: LocalChange, uncommitted: &mut Uncommitted) {
        if self.mode == ActorMode::Pending {
            let _ = change.done.send(Err(ChangeFailed::NotAttached));
            return;
        }
        let before = self.doc.heads();
        let edit = change.edit;
        let doc = self.doc.doc_mut();
        if catch_unwind(AssertUnwindSafe(|| edit(doc))).is_err() {
            tracing::error!(document = %self.id, "a server-made edit panicked; reloading the document");
            // Anything applied earlier in this batch is dropped with it; the
            // peers that sent it were not acknowledged and will resend.
            for conn in std::mem::take(&mut uncommitted.delivered_by) {
                if let Some(peer) = self.peers.remove(&conn) {
                    peer.close(storage_unavailable());
                }
            }
            uncommitted.changes.clear();
            for done in std::mem::take(&mut uncommitted.local) {
                let _ = done.send(Err(ChangeFailed::NotSaved));
            }
            self.discard_in_memory();
            if let Err(reason) = self.load().await {
                for peer in std::mem::take(&mut self.peers).into_values() {
                    peer.close(reason.clone());
                }
            }
            // Dropping `done` tells the caller the document was unavailable.
            return;
        }
        uncommitted
            .changes
            .extend(new_changes(self.doc.doc(), &before, Some(change.user_id)));
        uncommitted.local.push(change.done);
    }

    fn receive(&mut self, conn: ConnId, data: &[u8], uncommitted: &mut Uncommitted) {
        if !self.doc.has_peer(conn) {
            // The actor was reloaded: the connection is still subscribed, so re-add it.
            match self.hub.subscriber(&self.id, conn) {
                Some((peer, writable)) => self.add_peer(peer, writable),
                None => return,
            }
        }
        let doc = &mut self.doc;
        let mut apply = || catch_unwind(AssertUnwindSafe(|| doc.receive(conn, data)));
        let outcome = if data.len() > HEAVY_PAYLOAD {
            tokio::task::block_in_place(apply)
        } else {
            apply()
        };
        let Some(peer) = self.peers.get(&conn).cloned() else {
            return;
        };
        match outcome {
            Ok(Ok(received)) => self.record(&peer, received, uncommitted),
            Ok(Err(error)) => self.reject_peer(&peer, &error),
            Err(_) => {
                tracing::error!(document = %self.id, peer = %peer.peer_id, "automerge panicked on a sync message; reloading the document");
                self.reject_peer(
                    &peer,
                    &SyncError::Rejected("the server could not apply it".into()),
                );
                self.discard_in_memory();
            }
        }
    }

    fn record(&self, peer: &PeerHandle, received: Received, uncommitted: &mut Uncommitted) {
        if received.refused_chunks > 0 {
            SyncMetrics::add(
                &self.hub.metrics.viewer_changes_refused,
                received.refused_chunks as u64,
            );
            tracing::warn!(document = %self.id, peer = %peer.peer_id, user_id = peer.user_id, chunks = received.refused_chunks, "read-only peer sent changes; they were not applied");
        }
        if received.new_changes.is_empty() {
            return;
        }
        let now = now_millis();
        uncommitted.delivered_by.insert(peer.conn);
        uncommitted
            .changes
            .extend(received.new_changes.iter().map(|change| NewChange {
                hash: change.hash().to_string(),
                bytes: change.raw_bytes().to_vec(),
                user_id: Some(peer.user_id),
                peer_id: peer.peer_id.to_string(),
                received_at: now,
            }));
    }

    fn reject_peer(&mut self, peer: &PeerHandle, error: &SyncError) {
        SyncMetrics::inc(&self.hub.metrics.connections_closed_bad_input);
        tracing::warn!(document = %self.id, peer = %peer.peer_id, %error, "closing a peer that sent an unusable sync message");
        peer.send(wire::encode(&ServerMessage::Error {
            sender_id: &self.hub.settings.server_peer_id,
            target_id: &peer.peer_id,
            message: &format!("document {}: {error}", self.id),
        }));
        peer.close(CloseReason::new(
            CloseKind::InvalidData,
            format!("document {}: {error}", self.id),
        ));
        self.doc.remove_peer(peer.conn);
        self.peers.remove(&peer.conn);
    }

    /// Commits the batch's changes. Returns false if nothing may be sent.
    async fn commit(&mut self, uncommitted: Uncommitted) -> bool {
        let count = uncommitted.changes.len() as u64;
        let result = match self.mode {
            ActorMode::Attached { .. } => {
                self.hub
                    .store
                    .append_changes(
                        self.id.as_str(),
                        &uncommitted.changes,
                        &heads_json(&self.doc.heads()),
                    )
                    .await
            }
            ActorMode::Pending => match self.attach(&uncommitted).await {
                Ok(Some(seq)) => Ok(seq),
                Ok(None) => return false,
                Err(e) => Err(e),
            },
        };
        match result {
            Ok(seq) => {
                self.last_seq = seq;
                SyncMetrics::add(&self.hub.metrics.changes_persisted, count);
                self.changes_since_snapshot += count;
                if let ActorMode::Attached { site_id } = self.mode {
                    if let Some(summary) = work_summary(self.doc.doc(), self.id.as_str(), site_id) {
                        self.hub.index_work(summary);
                    }
                    self.hub.announce_commit(Committed {
                        document_id: self.id.clone(),
                        site_id,
                        heads: self.doc.heads(),
                    });
                }
                self.maybe_compact();
                true
            }
            Err(error) => {
                self.persist_failed(&uncommitted, &error).await;
                false
            }
        }
    }

    /// First changes of a new document: it is stored, attached to the site named
    /// at its root, if the peer that delivered them may write there.
    async fn attach(&mut self, uncommitted: &Uncommitted) -> Result<Option<i64>, StoreError> {
        let creator = uncommitted
            .delivered_by
            .iter()
            .next()
            .and_then(|conn| self.peers.get(conn).cloned());
        let Some(creator) = creator else {
            return Ok(None);
        };
        match self.creation_site(&creator).await? {
            Ok(site_id) => {
                let seq = self
                    .hub
                    .store
                    .create_document(
                        self.id.as_str(),
                        site_id,
                        Some(creator.user_id),
                        &uncommitted.changes,
                        &heads_json(&self.doc.heads()),
                    )
                    .await?;
                self.mode = ActorMode::Attached { site_id };
                self.hub.remember_site(&self.id, site_id);
                for peer in self.peers.values() {
                    peer.control(Control::Attached(self.id.clone(), site_id));
                }
                SyncMetrics::inc(&self.hub.metrics.documents_created);
                tracing::info!(document = %self.id, site_id, user_id = creator.user_id, "document created");
                Ok(Some(seq))
            }
            Err(reason) => {
                SyncMetrics::inc(&self.hub.metrics.documents_refused);
                tracing::warn!(document = %self.id, user_id = creator.user_id, peer = %creator.peer_id, %reason, "new document refused");
                for peer in std::mem::take(&mut self.peers).into_values() {
                    peer.send(wire::encode(&ServerMessage::DocUnavailable {
                        sender_id: &self.hub.settings.server_peer_id,
                        target_id: &peer.peer_id,
                        document_id: &self.id,
                    }));
                    peer.control(Control::Forget(self.id.clone()));
                    self.hub.unsubscribe(&self.id, peer.conn);
                }
                self.doc = SyncedDoc::new(Automerge::new());
                Ok(None)
            }
        }
    }

    /// The site a new document may be attached to, or why it may not.
    async fn creation_site(&self, creator: &PeerHandle) -> Result<Result<i64, String>, StoreError> {
        let Some(slug) = self.doc.site_slug() else {
            return Ok(Err("it has no string at its root key `site`".into()));
        };
        let Some(site) = self.hub.store.find_site(&slug).await? else {
            return Ok(Err(format!("site {slug:?} does not exist")));
        };
        let user = self.hub.store.find_user(creator.user_id).await?;
        let may_write = user.is_some_and(|u| !u.disabled && u.role.can_write());
        let member = self
            .hub
            .store
            .site_ids_of(creator.user_id)
            .await?
            .contains(&site.id);
        if !(member && may_write) {
            return Ok(Err(format!("the creator may not write at site {slug:?}")));
        }
        Ok(Ok(site.id))
    }

    /// Nothing from this batch was acknowledged. The document in memory is
    /// ahead of the database, so it is dropped and reloaded; the peers that
    /// delivered the changes are closed and will resend on reconnect.
    async fn persist_failed(&mut self, uncommitted: &Uncommitted, error: &StoreError) {
        SyncMetrics::inc(&self.hub.metrics.persist_failures);
        tracing::error!(document = %self.id, %error, changes = uncommitted.changes.len(), "could not persist changes; nothing was acknowledged");
        for conn in &uncommitted.delivered_by {
            if let Some(peer) = self.peers.remove(conn) {
                peer.close(storage_unavailable());
            }
        }
        self.discard_in_memory();
        if let ActorMode::Attached { .. } = self.mode
            && let Err(reason) = self.load().await
        {
            for peer in std::mem::take(&mut self.peers).into_values() {
                peer.close(reason.clone());
            }
        }
    }

    /// Forgets in-memory state; remaining peers restart sync from scratch.
    fn discard_in_memory(&mut self) {
        self.doc = SyncedDoc::new(Automerge::new());
        for (conn, peer) in &self.peers {
            let writable = self.hub.subscriber(&self.id, *conn).is_none_or(|(_, w)| w);
            self.doc.add_peer(peer.conn, writable);
        }
    }

    fn send_outgoing(&mut self) {
        let sender = self.hub.settings.server_peer_id.clone();
        for (conn, data) in self.doc.outgoing() {
            if let Some(peer) = self.peers.get(&conn) {
                peer.send(wire::encode(&ServerMessage::Sync {
                    sender_id: &sender,
                    target_id: &peer.peer_id,
                    document_id: &self.id,
                    data,
                }));
            }
        }
    }

    /// Writes a snapshot once enough changes piled up, in the background; the
    /// change rows keep their provenance.
    fn maybe_compact(&mut self) {
        if self.changes_since_snapshot < self.hub.settings.compact_after_changes {
            return;
        }
        self.changes_since_snapshot = 0;
        let snapshot = tokio::task::block_in_place(|| self.doc.doc().save());
        let (store, id, seq, metrics) = (
            self.hub.store.clone(),
            self.id.clone(),
            self.last_seq,
            self.hub.metrics.clone(),
        );
        tokio::spawn(async move {
            match store.compact(id.as_str(), &snapshot, seq).await {
                Ok(()) => SyncMetrics::inc(&metrics.compactions),
                Err(e) => {
                    tracing::warn!(document = %id, error = %e, "compaction failed; will retry later")
                }
            }
        });
    }
}

fn storage_unavailable() -> CloseReason {
    CloseReason::new(
        CloseKind::TryAgain,
        "the server could not reach its storage; nothing from this connection was lost that it acknowledged: reconnect to resend",
    )
}
