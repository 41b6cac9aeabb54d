//! The sync hub: which documents are loaded (one actor each), which
//! connections have opened which documents, and where each document belongs.
//! Memory follows what is in use: idle documents are unloaded, the least
//! recently used first when the cap is reached, and unknown ids leave no trace.

use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex, MutexGuard,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use automerge::ChangeHash;
use floorwalk_shared::policy::Writer;
use tokio::{
    runtime::Handle,
    sync::{broadcast, mpsc},
};

use super::{
    actor::{ActorMode, DocActor, DocCommand},
    doc::ConnId,
    metrics::SyncMetrics,
    peer::{Control, PeerHandle},
};
use crate::{
    config::Config,
    doc_id::DocumentId,
    storage::{Store, StoreResult},
};

use super::commit::Committer;

/// Sent after every commit, for the flattener and live dashboards.
#[derive(Clone, Debug)]
pub struct Committed {
    pub document_id: DocumentId,
    pub site_id: i64,
    /// Empty when another instance committed it (see [`Hub::stored_elsewhere`]).
    pub heads: Vec<ChangeHash>,
}

/// The connections that opened a document, each with the role its changes are
/// held to (`None`: read-only).
type Subscribers = HashMap<ConnId, (PeerHandle, Option<Writer>)>;

struct ActorSlot {
    tx: mpsc::Sender<DocCommand>,
    generation: u64,
    last_used: u64,
}

#[derive(Clone)]
pub struct HubSettings {
    pub server_peer_id: Arc<str>,
    pub storage_id: Arc<str>,
    pub idle_unload: Duration,
    pub max_loaded_docs: usize,
    pub compact_after_changes: u64,
}

impl HubSettings {
    pub fn from_config(config: &Config, storage_id: &str) -> Self {
        Self {
            server_peer_id: format!("floorwalk-{}", &storage_id[..storage_id.len().min(12)]).into(),
            storage_id: storage_id.into(),
            idle_unload: Duration::from_secs(config.idle_unload_secs),
            max_loaded_docs: config.max_loaded_docs.max(1),
            compact_after_changes: config.compact_after_changes.max(1),
        }
    }
}

pub struct Hub {
    pub(super) store: Arc<dyn Store>,
    pub(super) settings: HubSettings,
    pub(super) metrics: Arc<SyncMetrics>,
    runtime: Handle,
    actors: Mutex<HashMap<DocumentId, ActorSlot>>,
    subscriptions: Mutex<HashMap<DocumentId, Subscribers>>,
    sites: Mutex<HashMap<DocumentId, i64>>,
    connections: Mutex<HashMap<ConnId, PeerHandle>>,
    clock: AtomicU64,
    next_conn: AtomicU64,
    commits: broadcast::Sender<Committed>,
    pub(super) committer: Committer,
    shutting_down: std::sync::atomic::AtomicBool,
}

/// Documents whose site is remembered; past this the cache starts over.
const SITE_CACHE_LIMIT: usize = 100_000;
const ACTOR_QUEUE: usize = 256;

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding one of these locks leaves plain maps behind, still usable.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Hub {
    pub fn new(store: Arc<dyn Store>, settings: HubSettings, runtime: Handle) -> Arc<Self> {
        let (commits, _) = broadcast::channel(1024);
        let _entered = runtime.enter();
        // SQLite has one writer; Postgres commits several groups at once.
        let committers = if store.backend() == "sqlite" { 1 } else { 4 };
        let metrics = Arc::new(SyncMetrics::default());
        let committer = Committer::start(store.clone(), committers, metrics.clone());
        Arc::new(Self {
            store,
            settings,
            metrics,
            runtime,
            actors: Mutex::new(HashMap::new()),
            subscriptions: Mutex::new(HashMap::new()),
            sites: Mutex::new(HashMap::new()),
            connections: Mutex::new(HashMap::new()),
            clock: AtomicU64::new(0),
            next_conn: AtomicU64::new(1),
            commits,
            committer,
            shutting_down: std::sync::atomic::AtomicBool::new(false),
        })
    }

    pub fn metrics(&self) -> &SyncMetrics {
        &self.metrics
    }

    pub fn settings(&self) -> &HubSettings {
        &self.settings
    }

    pub fn subscribe_commits(&self) -> broadcast::Receiver<Committed> {
        self.commits.subscribe()
    }

    pub(super) fn announce_commit(&self, committed: Committed) {
        let _ = self.commits.send(committed);
    }

    pub fn loaded_documents(&self) -> usize {
        lock(&self.actors).len()
    }

    pub fn connection_count(&self) -> usize {
        lock(&self.connections).len()
    }

    pub fn next_conn_id(&self) -> ConnId {
        self.next_conn.fetch_add(1, Ordering::Relaxed)
    }

    /// Registers a live connection unless its user already holds `per_user` of them
    /// (then the number they hold is the error): a leaked token or a runaway script
    /// cannot open sockets without end.
    pub fn register_connection(&self, peer: &PeerHandle, per_user: usize) -> Result<(), usize> {
        let mut connections = lock(&self.connections);
        let held = connections
            .values()
            .filter(|other| other.user_id == peer.user_id)
            .count();
        if held >= per_user {
            return Err(held);
        }
        connections.insert(peer.conn, peer.clone());
        Ok(())
    }

    pub fn unregister_connection(&self, conn: ConnId) {
        lock(&self.connections).remove(&conn);
    }

    /// From now on, new sync connections are refused.
    pub fn begin_shutdown(&self) {
        self.shutting_down.store(true, Ordering::SeqCst);
    }

    pub fn is_shutting_down(&self) -> bool {
        self.shutting_down.load(Ordering::SeqCst)
    }

    /// Closes every sync connection (shutdown), telling peers to come back.
    pub fn close_all_connections(&self, reason: &str) {
        for peer in lock(&self.connections).values() {
            peer.close(super::peer::CloseReason::new(
                super::peer::CloseKind::TryAgain,
                reason,
            ));
        }
    }

    /// Another instance committed changes of `doc`: if it is loaded here it reads
    /// them and syncs them to its peers; then this instance's watchers (the
    /// flattener) hear of the commit, after the read was queued, so that what
    /// they inspect includes it.
    pub async fn stored_elsewhere(&self, doc: &DocumentId, site_id: i64) {
        self.remember_site(doc, site_id);
        if let Some(tx) = self.loaded_sender(doc) {
            let _ = tx.send(DocCommand::Refresh).await;
        }
        self.announce_commit(Committed {
            document_id: doc.clone(),
            site_id,
            heads: Vec::new(),
        });
    }

    /// Notes from other instances were lost: every loaded document reads what it missed.
    pub async fn refresh_loaded(&self) {
        let loaded: Vec<_> = lock(&self.actors)
            .values()
            .map(|slot| slot.tx.clone())
            .collect();
        for tx in loaded {
            let _ = tx.send(DocCommand::Refresh).await;
        }
    }

    /// Tells every live connection to re-check its access.
    pub fn refresh_all_access(&self) {
        for peer in lock(&self.connections).values() {
            peer.control(Control::RefreshAccess);
        }
    }

    /// The site a stored document belongs to; `None` for ids never stored.
    pub async fn document_site(&self, doc: &DocumentId) -> StoreResult<Option<i64>> {
        if let Some(site) = lock(&self.sites).get(doc) {
            return Ok(Some(*site));
        }
        let site = self.store.document_site(doc.as_str()).await?;
        if let Some(site) = site {
            self.remember_site(doc, site);
        }
        Ok(site)
    }

    pub(super) fn remember_site(&self, doc: &DocumentId, site: i64) {
        let mut sites = lock(&self.sites);
        if sites.len() >= SITE_CACHE_LIMIT {
            sites.clear();
        }
        sites.insert(doc.clone(), site);
    }

    /// `peer` starts syncing a stored document.
    pub async fn open(
        self: &Arc<Self>,
        doc: &DocumentId,
        site: i64,
        peer: PeerHandle,
        writer: Option<Writer>,
    ) {
        lock(&self.subscriptions)
            .entry(doc.clone())
            .or_default()
            .insert(peer.conn, (peer.clone(), writer));
        self.deliver(doc, Some(site), DocCommand::Open { peer, writer })
            .await;
    }

    /// `peer` offers a document the server has never seen (created offline).
    pub async fn begin_creation(
        self: &Arc<Self>,
        doc: &DocumentId,
        peer: PeerHandle,
        writer: Writer,
    ) {
        let writer = Some(writer);
        lock(&self.subscriptions)
            .entry(doc.clone())
            .or_default()
            .insert(peer.conn, (peer.clone(), writer));
        self.deliver(doc, None, DocCommand::Open { peer, writer })
            .await;
    }

    pub async fn sync(self: &Arc<Self>, doc: &DocumentId, conn: ConnId, data: Vec<u8>) {
        let site = lock(&self.sites).get(doc).copied();
        let received = std::time::Instant::now();
        self.deliver(
            doc,
            site,
            DocCommand::Sync {
                conn,
                data,
                received,
            },
        )
        .await;
    }

    /// Runs `work` on the committed state of a stored document (loading it if
    /// needed) and returns its result; `None` if the document cannot be loaded.
    pub async fn inspect<R: Send + 'static>(
        self: &Arc<Self>,
        doc: &DocumentId,
        site: i64,
        work: impl FnOnce(&automerge::Automerge) -> R + Send + 'static,
    ) -> Option<R> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let command = DocCommand::Inspect(Box::new(move |automerge| {
            let _ = tx.send(work(automerge));
        }));
        self.deliver(doc, Some(site), command).await;
        rx.await.ok()
    }

    pub async fn set_writer(&self, doc: &DocumentId, conn: ConnId, writer: Option<Writer>) {
        if let Some(entry) = lock(&self.subscriptions)
            .get_mut(doc)
            .and_then(|peers| peers.get_mut(&conn))
        {
            entry.1 = writer;
        }
        if let Some(tx) = self.loaded_sender(doc) {
            let _ = tx.send(DocCommand::SetWriter { conn, writer }).await;
        }
    }

    /// `conn` stops syncing `doc` (it left, or lost access).
    pub async fn close(&self, doc: &DocumentId, conn: ConnId) {
        self.unsubscribe(doc, conn);
        if let Some(tx) = self.loaded_sender(doc) {
            let _ = tx.send(DocCommand::Close { conn }).await;
        }
    }

    pub(super) fn unsubscribe(&self, doc: &DocumentId, conn: ConnId) {
        let mut subscriptions = lock(&self.subscriptions);
        if let Some(peers) = subscriptions.get_mut(doc) {
            peers.remove(&conn);
            if peers.is_empty() {
                subscriptions.remove(doc);
            }
        }
    }

    pub(super) fn subscribers(&self, doc: &DocumentId) -> Vec<(PeerHandle, Option<Writer>)> {
        lock(&self.subscriptions)
            .get(doc)
            .map(|peers| peers.values().cloned().collect())
            .unwrap_or_default()
    }

    pub(super) fn subscriber(
        &self,
        doc: &DocumentId,
        conn: ConnId,
    ) -> Option<(PeerHandle, Option<Writer>)> {
        lock(&self.subscriptions).get(doc)?.get(&conn).cloned()
    }

    fn loaded_sender(&self, doc: &DocumentId) -> Option<mpsc::Sender<DocCommand>> {
        lock(&self.actors).get(doc).map(|slot| slot.tx.clone())
    }

    /// Sends `command` to the document's actor, starting one if none is loaded
    /// (or if the loaded one retired between lookup and send).
    pub(super) async fn deliver(
        self: &Arc<Self>,
        doc: &DocumentId,
        site: Option<i64>,
        mut command: DocCommand,
    ) {
        loop {
            let (tx, generation) = self.actor_for(doc, site);
            match tx.send(command).await {
                Ok(()) => return,
                Err(returned) => {
                    command = returned.0;
                    let mut actors = lock(&self.actors);
                    if actors.get(doc).is_some_and(|s| s.generation == generation) {
                        actors.remove(doc);
                    }
                }
            }
        }
    }

    fn actor_for(
        self: &Arc<Self>,
        doc: &DocumentId,
        site: Option<i64>,
    ) -> (mpsc::Sender<DocCommand>, u64) {
        let stamp = self.clock.fetch_add(1, Ordering::Relaxed);
        let mut actors = lock(&self.actors);
        if let Some(slot) = actors.get_mut(doc) {
            slot.last_used = stamp;
            return (slot.tx.clone(), slot.generation);
        }
        if actors.len() >= self.settings.max_loaded_docs {
            self.evict_one(&actors);
        }
        let (tx, rx) = mpsc::channel(ACTOR_QUEUE);
        let mode = match site {
            Some(site_id) => ActorMode::Attached { site_id },
            None => ActorMode::Pending,
        };
        actors.insert(
            doc.clone(),
            ActorSlot {
                tx: tx.clone(),
                generation: stamp,
                last_used: stamp,
            },
        );
        let actor = DocActor::new(doc.clone(), mode, stamp, self.clone());
        self.runtime.spawn(actor.run(rx));
        (tx, stamp)
    }

    /// Asks the least recently used document with no subscriber to unload.
    /// Documents in use stay loaded: evicting them would break live syncs.
    fn evict_one(&self, actors: &HashMap<DocumentId, ActorSlot>) {
        let subscriptions = lock(&self.subscriptions);
        let victim = actors
            .iter()
            .filter(|(doc, _)| !subscriptions.contains_key(*doc))
            .min_by_key(|(_, slot)| slot.last_used);
        if let Some((doc, slot)) = victim {
            tracing::debug!(document = %doc, "evicting least recently used document");
            let _ = slot.tx.try_send(DocCommand::Evict);
        }
    }

    /// Called by an actor that wants to stop. It may only if nothing is queued
    /// for it; the slot is removed under the lock so no new sender finds it.
    pub(super) fn try_retire(
        &self,
        doc: &DocumentId,
        generation: u64,
        rx: &mut mpsc::Receiver<DocCommand>,
    ) -> bool {
        let mut actors = lock(&self.actors);
        if !rx.is_empty() {
            return false;
        }
        if actors.get(doc).is_some_and(|s| s.generation == generation) {
            actors.remove(doc);
        }
        rx.close();
        true
    }

    /// Commands that slipped in while an actor retired go to its successor.
    pub(super) fn redeliver(self: &Arc<Self>, doc: DocumentId, commands: Vec<DocCommand>) {
        if commands.is_empty() {
            return;
        }
        let hub = self.clone();
        self.runtime.spawn(async move {
            for command in commands {
                let site = lock(&hub.sites).get(&doc).copied();
                hub.deliver(&doc, site, command).await;
            }
        });
    }
}

impl Hub {
    /// Passes an ephemeral message (presence, cursors) to the document's other
    /// peers. It is never stored; the original sender id is kept so clients
    /// can drop duplicates.
    pub fn relay_ephemeral(
        &self,
        doc: &DocumentId,
        from: &PeerHandle,
        count: u64,
        session_id: &str,
        data: &[u8],
    ) {
        for (peer, _) in self.subscribers(doc) {
            if peer.conn == from.conn {
                continue;
            }
            peer.send(super::wire::encode(
                &super::wire::ServerMessage::Ephemeral {
                    sender_id: &from.peer_id,
                    target_id: &peer.peer_id,
                    document_id: doc,
                    count,
                    session_id,
                    data,
                },
            ));
        }
    }
}

impl Hub {
    /// On shutdown: asks every idle document to unload and waits (up to
    /// `timeout`) until their in-flight commits are done.
    pub async fn drain(&self, timeout: Duration) {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let senders: Vec<_> = lock(&self.actors).values().map(|s| s.tx.clone()).collect();
            if senders.is_empty() || tokio::time::Instant::now() >= deadline {
                return;
            }
            for tx in senders {
                let _ = tx.try_send(DocCommand::Evict);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}
