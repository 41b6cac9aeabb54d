//! One task per loaded document: the IO around a [`DocCore`]. It takes
//! commands in batches, writes what the core says to persist, tells the core
//! how that went, and only then carries out the frames and announcements the
//! core returns.

use std::{collections::HashMap, sync::Arc};

use automerge::Automerge;
use floorwalk_shared::policy::Writer;
use tokio::{sync::mpsc, time::Instant};

use super::{
    doc::{ConnId, load_document},
    doc_core::{DocCore, DocEffect, Input, LocalEdit, Mode, Persist, Subscriber},
    hub::Hub,
    local::{ChangeFailed, LocalChange},
    metrics::SyncMetrics,
    peer::{CloseKind, CloseReason, PeerHandle},
};
use crate::{
    doc_id::DocumentId,
    documents::summary::work_summary,
    storage::{AppendBatch, StoreError},
    sync::{access::Access, doc_core::storage_unavailable},
};

/// Work run on the actor's document, e.g. by the flattener.
pub type Inspect = Box<dyn FnOnce(&Automerge) + Send>;

pub enum DocCommand {
    Open {
        peer: PeerHandle,
        writer: Option<Writer>,
    },
    Sync {
        conn: ConnId,
        data: Vec<u8>,
        /// When the hub handed it over, for the latency histograms.
        received: std::time::Instant,
    },
    SetWriter {
        conn: ConnId,
        writer: Option<Writer>,
    },
    Close {
        conn: ConnId,
    },
    Inspect(Inspect),
    /// A change the server makes itself (see `local.rs`).
    Change(LocalChange),
    /// Another instance committed changes: read them and sync them to our peers.
    Refresh,
    Evict,
}

impl std::fmt::Debug for DocCommand {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DocCommand::Open { peer, writer } => write!(f, "Open({}, {writer:?})", peer.conn),
            DocCommand::Sync { conn, data, .. } => {
                write!(f, "Sync({conn}, {} bytes)", data.len())
            }
            DocCommand::SetWriter { conn, writer } => {
                write!(f, "SetWriter({conn}, {writer:?})")
            }
            DocCommand::Close { conn } => write!(f, "Close({conn})"),
            DocCommand::Inspect(_) => f.write_str("Inspect"),
            DocCommand::Change(change) => write!(f, "Change(user {})", change.user_id),
            DocCommand::Refresh => f.write_str("Refresh"),
            DocCommand::Evict => f.write_str("Evict"),
        }
    }
}

pub type ActorMode = Mode;

/// Messages handled before one commit: larger batches mean fewer transactions under load.
const BATCH: usize = 64;
/// Sync payloads above this are applied with the async worker handed off, so a
/// big first sync does not stall other documents.
const HEAVY_PAYLOAD: usize = 256 * 1024;

type Done = tokio::sync::oneshot::Sender<Result<Vec<automerge::ChangeHash>, ChangeFailed>>;

pub struct DocActor {
    generation: u64,
    hub: Arc<Hub>,
    core: DocCore,
    handles: HashMap<ConnId, PeerHandle>,
    waiting: HashMap<u64, Done>,
    next_token: u64,
}

impl DocActor {
    pub fn new(id: DocumentId, mode: ActorMode, generation: u64, hub: Arc<Hub>) -> Self {
        let core = DocCore::new(
            id,
            mode,
            hub.settings.server_peer_id.clone(),
            hub.metrics.clone(),
            hub.settings.compact_after_changes,
        );
        Self {
            generation,
            hub,
            core,
            handles: HashMap::new(),
            waiting: HashMap::new(),
            next_token: 0,
        }
    }

    fn id(&self) -> &DocumentId {
        self.core.id()
    }

    pub async fn run(mut self, mut rx: mpsc::Receiver<DocCommand>) {
        if let Mode::Attached { .. } = self.core.mode() {
            if let Err(reason) = self.load().await {
                self.fail_all(&mut rx, reason);
                return;
            }
            for (peer, writer) in self.hub.subscribers(self.id()) {
                self.open(peer, writer);
            }
        }
        let idle = self.hub.settings.idle_unload;
        let mut idle_since = Instant::now();
        loop {
            let first = if self.core.has_peers() {
                rx.recv().await
            } else {
                // Pending documents whose creator left are dropped at once.
                let deadline = if self.core.mode() == Mode::Pending {
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
            if !self.core.has_peers() {
                idle_since = Instant::now();
                if (evict || self.core.mode() == Mode::Pending) && self.retire(&mut rx) {
                    return;
                }
            }
        }
    }

    fn retire(&mut self, rx: &mut mpsc::Receiver<DocCommand>) -> bool {
        if !self.hub.try_retire(self.id(), self.generation, rx) {
            return false;
        }
        let mut leftovers = Vec::new();
        while let Ok(command) = rx.try_recv() {
            leftovers.push(command);
        }
        self.hub.redeliver(self.id().clone(), leftovers);
        SyncMetrics::inc(&self.hub.metrics.documents_unloaded);
        tracing::debug!(document = %self.id(), "document unloaded");
        true
    }

    async fn load(&mut self) -> Result<(), CloseReason> {
        let id = self.id().clone();
        let stored = match self.hub.store.load_document(id.as_str()).await {
            Ok(Some(stored)) => stored,
            Ok(None) => {
                return Err(CloseReason::new(
                    CloseKind::TryAgain,
                    format!("document {id} vanished from storage"),
                ));
            }
            Err(e) => {
                tracing::error!(document = %id, error = %e, "loading a document failed");
                return Err(storage_unavailable());
            }
        };
        let loaded = tokio::task::spawn_blocking(move || {
            load_document(stored.snapshot.as_deref(), &stored.changes).map(|doc| (doc, stored))
        })
        .await;
        match loaded {
            Ok(Ok((doc, stored))) => {
                self.core
                    .loaded(doc, stored.last_seq, stored.changes_since_snapshot);
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
    fn fail_all(&mut self, rx: &mut mpsc::Receiver<DocCommand>, reason: CloseReason) {
        for (peer, _) in self.hub.subscribers(self.id()) {
            peer.close(reason.clone());
        }
        while let Ok(command) = rx.try_recv() {
            if let DocCommand::Open { peer, .. } = command {
                peer.close(reason.clone());
            }
        }
        self.hub.try_retire(self.id(), self.generation, rx);
    }

    fn open(&mut self, peer: PeerHandle, writer: Option<Writer>) {
        let subscriber = Subscriber {
            conn: peer.conn,
            peer_id: peer.peer_id.clone(),
            user_id: peer.user_id,
            writer,
            devices: peer.devices.clone(),
        };
        self.handles.insert(peer.conn, peer);
        self.core.handle(Input::Open(subscriber));
    }

    /// Returns true if the batch asked the actor to unload.
    async fn handle_batch(&mut self, batch: Vec<DocCommand>) -> bool {
        let mut evict = false;
        let mut refresh = false;
        let mut inspections = Vec::new();
        // The earliest arrival of a message whose changes this batch stores.
        let mut first_change: Option<std::time::Instant> = None;
        for command in batch {
            let mut arrived = None;
            let input = match command {
                DocCommand::Open { peer, writer } => {
                    self.open(peer, writer);
                    continue;
                }
                DocCommand::Sync {
                    conn,
                    data,
                    received,
                } => {
                    arrived = Some(received);
                    if !self.core.has_peer(conn) {
                        // The actor was reloaded: the connection is still subscribed, so re-add it.
                        match self.hub.subscriber(self.id(), conn) {
                            Some((peer, writer)) => self.open(peer, writer),
                            None => continue,
                        }
                    }
                    Input::Sync { conn, data }
                }
                DocCommand::SetWriter { conn, writer } => Input::SetWriter { conn, writer },
                DocCommand::Close { conn } => {
                    self.handles.remove(&conn);
                    Input::Close { conn }
                }
                DocCommand::Evict => {
                    evict = true;
                    continue;
                }
                DocCommand::Refresh => {
                    refresh = true;
                    continue;
                }
                DocCommand::Inspect(work) => {
                    inspections.push(work);
                    continue;
                }
                DocCommand::Change(change) => {
                    let token = self.next_token;
                    self.next_token += 1;
                    self.waiting.insert(token, change.done);
                    Input::Local(LocalEdit {
                        token,
                        user_id: change.user_id,
                        edit: change.edit,
                    })
                }
            };
            let heavy = matches!(&input, Input::Sync { data, .. } if data.len() > HEAVY_PAYLOAD);
            let pending = self.core.pending_changes();
            let effects = if heavy {
                tokio::task::block_in_place(|| self.core.handle(input))
            } else {
                self.core.handle(input)
            };
            if first_change.is_none() && self.core.pending_changes() > pending {
                first_change = arrived;
            }
            self.carry_out(effects).await;
        }
        let effects = match self.core.finish_batch() {
            Persist::Nothing => self.core.committed(None),
            Persist::Append {
                changes,
                heads,
                violations,
                work,
            } => {
                let count = changes.len();
                let batch = AppendBatch {
                    doc_id: self.id().to_string(),
                    changes,
                    heads,
                    violations,
                    work,
                };
                match self.hub.committer.append(batch).await {
                    Ok(appended) => self.core.committed(Some(appended)),
                    Err(error) => self.persist_failed(count, &error),
                }
            }
            Persist::Create {
                changes,
                heads,
                slug,
                creator,
                violations,
            } => {
                let first = AppendBatch {
                    doc_id: self.id().to_string(),
                    changes,
                    heads,
                    violations,
                    work: None,
                };
                self.create(first, slug, creator).await
            }
        };
        let saved = !effects.iter().any(|e| matches!(e, DocEffect::Reload));
        let metrics = self.hub.metrics.clone();
        if let Some(at) = first_change.filter(|_| saved) {
            metrics.commit_latency.observe(at.elapsed());
        }
        self.carry_out(effects).await;
        if let Some(at) = first_change.filter(|_| saved) {
            metrics.relay_latency.observe(at.elapsed());
        }
        if refresh && saved && matches!(self.core.mode(), Mode::Attached { .. }) {
            self.refresh().await;
        }
        if saved {
            // After the commit: inspections only ever see committed state.
            for work in inspections {
                tokio::task::block_in_place(|| work(self.core.doc()));
            }
        }
        evict
    }

    /// Reads what other instances committed since the last row we hold, applies it
    /// and syncs it to our peers. If the read fails, the next note (or the catch-up
    /// after a lost connection) reads from the same row again.
    async fn refresh(&mut self) {
        let id = self.id().clone();
        let rows = match self
            .hub
            .store
            .changes_after(id.as_str(), self.core.stored_seq())
            .await
        {
            Ok(rows) => rows,
            Err(error) => {
                tracing::warn!(document = %id, %error, "cannot read another instance's changes; will on the next note");
                return;
            }
        };
        let Some(through) = rows.last().map(|row| row.seq) else {
            return;
        };
        SyncMetrics::add(
            &self.hub.metrics.changes_from_other_instances,
            rows.len() as u64,
        );
        let effects = if rows.iter().all(|row| row.bytes.is_some()) {
            let changes: Vec<Vec<u8>> = rows.into_iter().filter_map(|row| row.bytes).collect();
            tokio::task::block_in_place(|| self.core.stored_elsewhere(&changes, through))
        } else {
            // Another instance compacted rows we lack into its snapshot: read it whole.
            match self.hub.store.load_document(id.as_str()).await {
                Ok(Some(stored)) => {
                    let last = stored.last_seq;
                    match tokio::task::block_in_place(|| {
                        load_document(stored.snapshot.as_deref(), &stored.changes)
                    }) {
                        Ok(doc) => {
                            tokio::task::block_in_place(|| self.core.merge_stored(doc, last))
                        }
                        Err(error) => {
                            tracing::error!(document = %id, %error, "stored document does not load");
                            return;
                        }
                    }
                }
                Ok(None) => return,
                Err(error) => {
                    tracing::warn!(document = %id, %error, "cannot read another instance's changes; will on the next note");
                    return;
                }
            }
        };
        self.carry_out(effects).await;
    }

    fn persist_failed(&mut self, changes: usize, error: &StoreError) -> Vec<DocEffect> {
        tracing::error!(document = %self.id(), %error, changes, "could not persist changes; nothing was acknowledged");
        self.core.commit_failed()
    }

    /// First changes of a new document: stored, attached to the site named at
    /// its root, if the user who delivered them may write there.
    /// Stores a document's first commit at the site it names, with its work-list
    /// entry, once its creator may write there.
    async fn create(
        &mut self,
        mut first: AppendBatch,
        slug: Option<String>,
        creator: i64,
    ) -> Vec<DocEffect> {
        let count = first.changes.len();
        let site = match self.creation_site(slug, creator).await {
            Ok(Ok(site)) => site,
            Ok(Err(reason)) => return self.core.refused(&reason),
            Err(error) => return self.persist_failed(count, &error),
        };
        let id = self.id().clone();
        first.work = work_summary(self.core.doc(), id.as_str(), site);
        match self
            .hub
            .store
            .create_document(site, Some(creator), &first)
            .await
        {
            Ok(seq) => {
                self.hub.remember_site(&id, site);
                tracing::info!(document = %id, site_id = site, user_id = creator, "document created");
                self.core.created(site, seq)
            }
            Err(error) => self.persist_failed(count, &error),
        }
    }

    /// The site a new document may be attached to, or why it may not: the
    /// same rule as for every other document, applied to its creator.
    async fn creation_site(
        &self,
        slug: Option<String>,
        creator: i64,
    ) -> Result<Result<i64, String>, StoreError> {
        let Some(slug) = slug else {
            return Ok(Err("it has no string at its root key `site`".into()));
        };
        let Some(site) = self.hub.store.find_site(&slug).await? else {
            return Ok(Err(format!("site {slug:?} does not exist")));
        };
        let Some(user) = self.hub.store.find_user(creator).await? else {
            return Ok(Err("its creator no longer exists".into()));
        };
        let access = Access::new(user.role, self.hub.store.site_ids_of(creator).await?);
        if user.disabled || access.for_site(site.id) != super::access::SiteAccess::ReadWrite {
            return Ok(Err(format!("the creator may not write at site {slug:?}")));
        }
        Ok(Ok(site.id))
    }

    async fn carry_out(&mut self, effects: Vec<DocEffect>) {
        for effect in effects {
            match effect {
                DocEffect::Send { conn, frame } => {
                    if let Some(peer) = self.handles.get(&conn) {
                        peer.send(frame);
                    }
                }
                DocEffect::Close { conn, reason } => {
                    if let Some(peer) = self.handles.remove(&conn) {
                        peer.close(reason);
                    }
                }
                DocEffect::Tell { conn, control } => {
                    if let Some(peer) = self.handles.get(&conn) {
                        peer.control(control);
                    }
                }
                DocEffect::Unsubscribe { conn } => {
                    self.handles.remove(&conn);
                    self.hub.unsubscribe(self.id(), conn);
                }
                DocEffect::Announce(committed) => self.hub.announce_commit(committed),
                DocEffect::Compact { up_to_seq } => self.compact(up_to_seq),
                DocEffect::LocalDone { token, outcome } => {
                    if let Some(done) = self.waiting.remove(&token) {
                        let _ = done.send(outcome);
                    }
                }
                DocEffect::Reload => {
                    if let Err(reason) = self.load().await {
                        for effect in self.core.fail_all(&reason) {
                            if let DocEffect::Close { conn, reason } = effect
                                && let Some(peer) = self.handles.remove(&conn)
                            {
                                peer.close(reason);
                            }
                        }
                    }
                }
            }
        }
    }

    /// Writes a snapshot in the background; the change rows keep their provenance.
    fn compact(&mut self, up_to_seq: i64) {
        let snapshot = tokio::task::block_in_place(|| self.core.doc().save());
        let (store, id, metrics) = (
            self.hub.store.clone(),
            self.id().clone(),
            self.hub.metrics.clone(),
        );
        tokio::spawn(async move {
            match store.compact(id.as_str(), &snapshot, up_to_seq).await {
                Ok(()) => SyncMetrics::inc(&metrics.compactions),
                Err(e) => {
                    tracing::warn!(document = %id, error = %e, "compaction failed; will retry later")
                }
            }
        });
    }
}
