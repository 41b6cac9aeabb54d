//! The protocol rules of one loaded document, without sockets, channels or a
//! database. Commands go in one batch at a time; the batch's new changes come
//! out as one [`Persist`] for the actor to write; only when the actor reports
//! the commit ([`DocCore::committed`]) does anything that reflects them come
//! out as frames to send. A failed commit sends nothing, closes the peers that
//! delivered the changes (they still have them and resend) and reloads.
//!
//! Every peer's changes are held to the write policy as they arrive: what its
//! user may not write is put back by a server-made undo change in the same
//! batch, so the commit never holds a refused value that nothing undoes, and
//! the refusal is stored beside it (see `documents::guard`).

use std::{
    collections::HashMap,
    panic::{AssertUnwindSafe, catch_unwind},
    sync::Arc,
};

use automerge::{ActorId, Automerge, ChangeHash};
use floorwalk_shared::policy::{Author, Writer};

use super::{
    doc::{ConnId, Received, SyncError, SyncedDoc},
    hub::Committed,
    local::{ChangeFailed, new_changes},
    metrics::SyncMetrics,
    peer::{CloseKind, CloseReason, Control},
    wire::{ServerMessage, encode},
};
use crate::{
    doc_id::DocumentId,
    documents::{
        guard::{self, Breach},
        heads_json,
        summary::work_summary,
    },
    storage::{Appended, NewChange, NewViolation, WorkSummary, now_millis},
};

/// A connection that opened the document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subscriber {
    pub conn: ConnId,
    pub peer_id: Arc<str>,
    pub user_id: i64,
    /// The role its changes are held to; `None`: read-only access, its changes
    /// are held to [`Writer::Viewer`] (applied, then undone whole and listed).
    pub writer: Option<Writer>,
    /// Every device (peer id) of the user, which records may name.
    pub devices: Arc<[String]>,
}

impl Subscriber {
    fn writer(&self) -> Writer {
        self.writer.unwrap_or(Writer::Viewer)
    }
}

/// A change the server makes itself, identified by `token` in its answer.
pub struct LocalEdit {
    pub token: u64,
    pub user_id: i64,
    pub edit: Box<dyn FnOnce(&mut Automerge) + Send>,
}

pub enum Input {
    Open(Subscriber),
    Sync {
        conn: ConnId,
        data: Vec<u8>,
    },
    SetWriter {
        conn: ConnId,
        writer: Option<Writer>,
    },
    Close {
        conn: ConnId,
    },
    Local(LocalEdit),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Attached {
        site_id: i64,
    },
    /// Offered by a peer, not yet stored: attached to a site on its first changes.
    Pending,
}

/// What the actor must write before anything of this batch is sent.
#[derive(Debug, PartialEq)]
pub enum Persist {
    Nothing,
    Append {
        changes: Vec<NewChange>,
        heads: String,
        violations: Vec<NewViolation>,
        /// The work-list entry as of these heads, stored in the same transaction.
        work: Option<WorkSummary>,
    },
    /// The first changes of a document made offline: stored at the site named
    /// at its root (`slug`), if the user who delivered them (`creator`) may write there.
    Create {
        changes: Vec<NewChange>,
        heads: String,
        slug: Option<String>,
        creator: i64,
        violations: Vec<NewViolation>,
    },
}

#[derive(Debug)]
pub enum DocEffect {
    Send {
        conn: ConnId,
        frame: Vec<u8>,
    },
    /// Close this connection; the core has already forgotten it.
    Close {
        conn: ConnId,
        reason: CloseReason,
    },
    Tell {
        conn: ConnId,
        control: Control,
    },
    /// The connection no longer follows this document (a refused creation).
    Unsubscribe {
        conn: ConnId,
    },
    Announce(Committed),
    /// Enough changes since the last snapshot: save one covering `up_to_seq`.
    Compact {
        up_to_seq: i64,
    },
    LocalDone {
        token: u64,
        outcome: Result<Vec<ChangeHash>, ChangeFailed>,
    },
    /// The document in memory was dropped: load it again from storage.
    Reload,
}

type Effects = Vec<DocEffect>;

/// Changes applied in this batch, waiting for their commit.
#[derive(Default)]
struct Batch {
    changes: Vec<NewChange>,
    /// Connections whose changes are in `changes`, in the order they arrived.
    delivered_by: Vec<ConnId>,
    /// Server-made changes waiting to hear whether they were saved.
    locals: Vec<u64>,
    /// Parts peers wrote against the write policy, undone in this batch.
    violations: Vec<NewViolation>,
    /// For a new document: the site its first changes named, read before any
    /// undo, so a creation whose every part is refused is still stored there
    /// (empty, with its violations listed) and its maker's copy converges.
    claimed_site: Option<String>,
}

pub struct DocCore {
    id: DocumentId,
    server_peer_id: Arc<str>,
    mode: Mode,
    doc: SyncedDoc,
    peers: HashMap<ConnId, Subscriber>,
    batch: Batch,
    metrics: Arc<SyncMetrics>,
    last_seq: i64,
    /// Every change row up to this one is in memory. Below `last_seq` when another
    /// instance committed between two of ours and we have not read its rows yet;
    /// a snapshot covers only this far, so it never drops a row we lack.
    stored_seq: i64,
    changes_since_snapshot: u64,
    compact_after: u64,
    /// The actor of this core's undo changes (see `guard::undo_actor`).
    undo_actor: ActorId,
}

impl DocCore {
    pub fn new(
        id: DocumentId,
        mode: Mode,
        server_peer_id: Arc<str>,
        metrics: Arc<SyncMetrics>,
        compact_after: u64,
    ) -> Self {
        Self {
            id,
            server_peer_id,
            mode,
            doc: SyncedDoc::new(Automerge::new()),
            peers: HashMap::new(),
            batch: Batch::default(),
            metrics,
            last_seq: 0,
            stored_seq: 0,
            changes_since_snapshot: 0,
            compact_after: compact_after.max(1),
            undo_actor: guard::undo_actor(),
        }
    }

    pub fn id(&self) -> &DocumentId {
        &self.id
    }

    pub fn mode(&self) -> Mode {
        self.mode
    }

    pub fn doc(&self) -> &Automerge {
        self.doc.doc()
    }

    pub fn has_peer(&self, conn: ConnId) -> bool {
        self.peers.contains_key(&conn)
    }

    pub fn has_peers(&self) -> bool {
        !self.peers.is_empty()
    }

    /// The document as stored: `last_seq` is its newest change row.
    pub fn loaded(&mut self, doc: Automerge, last_seq: i64, changes_since_snapshot: u64) {
        self.doc = SyncedDoc::new(doc);
        let peers: Vec<Subscriber> = self.peers.values().cloned().collect();
        for peer in peers {
            self.doc.add_peer(peer.conn);
        }
        self.last_seq = last_seq;
        self.stored_seq = last_seq;
        self.changes_since_snapshot = changes_since_snapshot;
    }

    /// Changes of the current batch waiting to be stored.
    pub fn pending_changes(&self) -> usize {
        self.batch.changes.len()
    }

    /// The change row after which another instance's commits are to be read.
    pub fn stored_seq(&self) -> i64 {
        self.stored_seq
    }

    /// Change rows another instance stored, `through_seq` the newest: applied,
    /// then every peer hears of them (they are already on disk).
    pub fn stored_elsewhere(&mut self, changes: &[Vec<u8>], through_seq: i64) -> Effects {
        let doc = self.doc.doc_mut();
        for bytes in changes {
            if let Err(error) = doc.load_incremental(bytes) {
                tracing::error!(document = %self.id, %error, "a change another instance stored does not load; reloading the document");
                return self.abandon_batch();
            }
        }
        self.caught_up(through_seq)
    }

    /// The whole stored document, read because another instance compacted rows
    /// this one lacked: merged in, then every peer hears of what was new.
    pub fn merge_stored(&mut self, mut stored: Automerge, through_seq: i64) -> Effects {
        if let Err(error) = self.doc.doc_mut().merge(&mut stored) {
            tracing::error!(document = %self.id, %error, "the stored document does not merge; reloading it");
            return self.abandon_batch();
        }
        self.caught_up(through_seq)
    }

    fn caught_up(&mut self, through_seq: i64) -> Effects {
        self.stored_seq = self.stored_seq.max(through_seq);
        self.last_seq = self.last_seq.max(through_seq);
        self.outgoing()
    }

    /// Storage cannot give us the document: every peer is told to retry.
    pub fn fail_all(&mut self, reason: &CloseReason) -> Effects {
        self.peers
            .drain()
            .map(|(conn, _)| DocEffect::Close {
                conn,
                reason: reason.clone(),
            })
            .collect()
    }

    /// One command of the current batch. The effects returned may go out at
    /// once: they reveal nothing that is not yet stored.
    pub fn handle(&mut self, input: Input) -> Effects {
        match input {
            Input::Open(peer) => {
                if !self.doc.has_peer(peer.conn) {
                    self.doc.add_peer(peer.conn);
                }
                self.peers.insert(peer.conn, peer);
                Vec::new()
            }
            Input::Sync { conn, data } => self.receive(conn, &data),
            Input::SetWriter { conn, writer } => {
                if let Some(peer) = self.peers.get_mut(&conn) {
                    peer.writer = writer;
                }
                Vec::new()
            }
            Input::Close { conn } => {
                self.doc.remove_peer(conn);
                self.peers.remove(&conn);
                Vec::new()
            }
            Input::Local(edit) => self.apply_local(edit),
        }
    }

    fn receive(&mut self, conn: ConnId, data: &[u8]) -> Effects {
        let Some(peer) = self.peers.get(&conn).cloned() else {
            return Vec::new();
        };
        let before = self.doc.heads();
        let doc = &mut self.doc;
        match catch_unwind(AssertUnwindSafe(|| doc.receive(conn, data))) {
            Ok(Ok(received)) => {
                if received.new_changes.is_empty() {
                    return Vec::new();
                }
                if self.mode == Mode::Pending && self.batch.claimed_site.is_none() {
                    self.batch.claimed_site = self.doc.site_slug();
                }
                let delivered: Vec<ChangeHash> =
                    received.new_changes.iter().map(|c| c.hash()).collect();
                self.record(&peer, received);
                self.guard(&peer, &before, &delivered)
            }
            Ok(Err(error)) => self.reject(&peer, &error),
            Err(_) => {
                tracing::error!(document = %self.id, peer = %peer.peer_id, "automerge panicked on a sync message; reloading the document");
                let mut effects = self.reject(
                    &peer,
                    &SyncError::Rejected("the server could not apply it".into()),
                );
                effects.extend(self.abandon_batch());
                effects
            }
        }
    }

    fn record(&mut self, peer: &Subscriber, received: Received) {
        let now = now_millis();
        if !self.batch.delivered_by.contains(&peer.conn) {
            self.batch.delivered_by.push(peer.conn);
        }
        self.batch
            .changes
            .extend(received.new_changes.iter().map(|change| NewChange {
                hash: change.hash().to_string(),
                bytes: change.raw_bytes().to_vec(),
                user_id: Some(peer.user_id),
                peer_id: peer.peer_id.to_string(),
                received_at: now,
            }));
    }

    /// Holds what `peer` just delivered (`delivered`, on top of `before`) to the
    /// write policy; what it may not write is undone by a server-made change
    /// that joins the batch.
    fn guard(
        &mut self,
        peer: &Subscriber,
        before: &[ChangeHash],
        delivered: &[ChangeHash],
    ) -> Effects {
        let user = peer.user_id.to_string();
        let author = Author {
            writer: peer.writer(),
            user_id: &user,
            devices: &peer.devices,
        };
        let heads = self.doc.heads();
        let now = now_millis();
        let (doc, actor) = (self.doc.doc_mut(), &self.undo_actor);
        let enforced = catch_unwind(AssertUnwindSafe(|| {
            guard::enforce(doc, before, delivered, &author, actor, now)
        }));
        let breaches = match enforced {
            Ok(Ok(breaches)) => breaches,
            Ok(Err(error)) => {
                tracing::error!(document = %self.id, %error, "the undo change could not be made; dropping the batch");
                return self.abandon_batch();
            }
            Err(_) => {
                tracing::error!(document = %self.id, peer = %peer.peer_id, "the write-policy check panicked; dropping the batch");
                return self.abandon_batch();
            }
        };
        if breaches.is_empty() {
            return Vec::new();
        }
        SyncMetrics::add(&self.metrics.policy_violations, breaches.len() as u64);
        if author.writer == Writer::Viewer {
            SyncMetrics::add(&self.metrics.viewer_changes_refused, delivered.len() as u64);
        }
        let refused: Vec<String> = delivered.iter().map(ChangeHash::to_string).collect();
        for breach in &breaches {
            tracing::warn!(document = %self.id, user_id = peer.user_id, peer = %peer.peer_id, part = %breach.part, reason = %breach.message, "a change wrote against the write policy; undone");
        }
        self.batch
            .changes
            .extend(new_changes(self.doc.doc(), &heads, None));
        self.batch.violations.extend(
            breaches
                .iter()
                .map(|breach| violation(peer, breach, &refused, now)),
        );
        Vec::new()
    }

    /// A peer sent something unusable: it is told why and closed; nothing it
    /// sent in this message was applied.
    fn reject(&mut self, peer: &Subscriber, error: &SyncError) -> Effects {
        SyncMetrics::inc(&self.metrics.connections_closed_bad_input);
        tracing::warn!(document = %self.id, peer = %peer.peer_id, %error, "closing a peer that sent an unusable sync message");
        let message = format!("document {}: {error}", self.id);
        let frame = encode(&ServerMessage::Error {
            sender_id: &self.server_peer_id,
            target_id: &peer.peer_id,
            message: &message,
        });
        self.doc.remove_peer(peer.conn);
        self.peers.remove(&peer.conn);
        vec![
            DocEffect::Send {
                conn: peer.conn,
                frame,
            },
            DocEffect::Close {
                conn: peer.conn,
                reason: CloseReason::new(CloseKind::InvalidData, message),
            },
        ]
    }

    /// Runs a server-made edit; its changes join the batch's commit.
    fn apply_local(&mut self, local: LocalEdit) -> Effects {
        if self.mode == Mode::Pending {
            return vec![DocEffect::LocalDone {
                token: local.token,
                outcome: Err(ChangeFailed::NotAttached),
            }];
        }
        let before = self.doc.heads();
        let edit = local.edit;
        let doc = self.doc.doc_mut();
        if catch_unwind(AssertUnwindSafe(|| edit(doc))).is_err() {
            tracing::error!(document = %self.id, "a server-made edit panicked; reloading the document");
            let mut effects = vec![DocEffect::LocalDone {
                token: local.token,
                outcome: Err(ChangeFailed::Unavailable),
            }];
            effects.extend(self.abandon_batch());
            return effects;
        }
        self.batch
            .changes
            .extend(new_changes(self.doc.doc(), &before, Some(local.user_id)));
        self.batch.locals.push(local.token);
        Vec::new()
    }

    /// Ends the batch: what must be stored before anything else happens.
    pub fn finish_batch(&mut self) -> Persist {
        if self.batch.changes.is_empty() {
            return Persist::Nothing;
        }
        let changes = self.batch.changes.clone();
        let violations = self.batch.violations.clone();
        let heads = heads_json(&self.doc.heads());
        match self.mode {
            Mode::Attached { site_id } => Persist::Append {
                changes,
                heads,
                violations,
                work: work_summary(self.doc.doc(), self.id.as_str(), site_id),
            },
            Mode::Pending => {
                let creator = self
                    .batch
                    .delivered_by
                    .iter()
                    .find_map(|conn| self.peers.get(conn))
                    .map(|peer| peer.user_id);
                match creator {
                    Some(creator) => Persist::Create {
                        changes,
                        heads,
                        slug: self
                            .batch
                            .claimed_site
                            .clone()
                            .or_else(|| self.doc.site_slug()),
                        creator,
                        violations,
                    },
                    // Its deliverer left before the commit: the document is forgotten,
                    // and offered again when it reconnects.
                    None => {
                        self.batch = Batch::default();
                        self.doc = SyncedDoc::new(Automerge::new());
                        Persist::Nothing
                    }
                }
            }
        }
    }

    /// The batch is stored (`None` when there was nothing to store): now peers
    /// hear of it.
    pub fn committed(&mut self, appended: Option<Appended>) -> Effects {
        let batch = std::mem::take(&mut self.batch);
        let heads = self.doc.heads();
        let mut effects: Effects = batch
            .locals
            .into_iter()
            .map(|token| DocEffect::LocalDone {
                token,
                outcome: Ok(heads.clone()),
            })
            .collect();
        for conn in &batch.delivered_by {
            self.doc.owe_acknowledgement(*conn);
        }
        if let Some(Appended { seq, prior_seq }) = appended {
            let count = batch.changes.len() as u64;
            self.last_seq = seq;
            if prior_seq <= self.stored_seq {
                self.stored_seq = seq;
            }
            SyncMetrics::add(&self.metrics.changes_persisted, count);
            self.changes_since_snapshot += count;
            if let Mode::Attached { site_id } = self.mode {
                effects.push(DocEffect::Announce(Committed {
                    document_id: self.id.clone(),
                    site_id,
                    heads,
                }));
            }
            if self.changes_since_snapshot >= self.compact_after {
                self.changes_since_snapshot = 0;
                effects.push(DocEffect::Compact {
                    up_to_seq: self.stored_seq,
                });
            }
        }
        effects.extend(self.outgoing());
        effects
    }

    /// A new document's first changes are stored at `site_id`.
    pub fn created(&mut self, site_id: i64, seq: i64) -> Effects {
        self.mode = Mode::Attached { site_id };
        SyncMetrics::inc(&self.metrics.documents_created);
        let mut effects: Effects = self
            .peers
            .keys()
            .map(|conn| DocEffect::Tell {
                conn: *conn,
                control: Control::Attached(self.id.clone(), site_id),
            })
            .collect();
        effects.extend(self.committed(Some(Appended { seq, prior_seq: 0 })));
        effects
    }

    /// A new document may not be stored: every peer is told it is unavailable.
    pub fn refused(&mut self, reason: &str) -> Effects {
        SyncMetrics::inc(&self.metrics.documents_refused);
        tracing::warn!(document = %self.id, %reason, "new document refused");
        self.batch = Batch::default();
        self.doc = SyncedDoc::new(Automerge::new());
        let mut effects = Vec::new();
        for (conn, peer) in self.peers.drain() {
            effects.push(DocEffect::Send {
                conn,
                frame: encode(&ServerMessage::DocUnavailable {
                    sender_id: &self.server_peer_id,
                    target_id: &peer.peer_id,
                    document_id: &self.id,
                }),
            });
            effects.push(DocEffect::Tell {
                conn,
                control: Control::Forget(self.id.clone()),
            });
            effects.push(DocEffect::Unsubscribe { conn });
        }
        effects
    }

    /// Nothing from this batch was acknowledged. The document in memory is
    /// ahead of the database, so it is dropped and reloaded; the peers that
    /// delivered the changes are closed and will resend on reconnect.
    pub fn commit_failed(&mut self) -> Effects {
        SyncMetrics::inc(&self.metrics.persist_failures);
        self.abandon_batch()
    }

    fn abandon_batch(&mut self) -> Effects {
        let batch = std::mem::take(&mut self.batch);
        let mut effects = Vec::new();
        for conn in batch.delivered_by {
            if self.peers.remove(&conn).is_some() {
                effects.push(DocEffect::Close {
                    conn,
                    reason: storage_unavailable(),
                });
            }
        }
        for token in batch.locals {
            effects.push(DocEffect::LocalDone {
                token,
                outcome: Err(ChangeFailed::NotSaved),
            });
        }
        // Remaining peers restart sync from scratch, with the access they had.
        self.loaded(Automerge::new(), self.last_seq, self.changes_since_snapshot);
        if let Mode::Attached { .. } = self.mode {
            effects.push(DocEffect::Reload);
        }
        effects
    }

    fn outgoing(&mut self) -> Effects {
        let mut effects = Vec::new();
        for (conn, data) in self.doc.outgoing() {
            if let Some(peer) = self.peers.get(&conn) {
                effects.push(DocEffect::Send {
                    conn,
                    frame: encode(&ServerMessage::Sync {
                        sender_id: &self.server_peer_id,
                        target_id: &peer.peer_id,
                        document_id: &self.id,
                        data,
                    }),
                });
            }
        }
        effects
    }
}

fn violation(peer: &Subscriber, breach: &Breach, refused: &[String], now: i64) -> NewViolation {
    NewViolation {
        user_id: peer.user_id,
        peer_id: peer.peer_id.to_string(),
        part: breach.part.clone(),
        message: breach.message.clone(),
        attempted: breach.attempted.as_ref().map(ToString::to_string),
        changes: serde_json::to_string(refused).unwrap_or_else(|_| "[]".into()),
        detected_at: now,
    }
}

pub fn storage_unavailable() -> CloseReason {
    CloseReason::new(
        CloseKind::TryAgain,
        "the server could not reach its storage; nothing from this connection was lost that it acknowledged: reconnect to resend",
    )
}

#[cfg(test)]
#[path = "doc_core_tests.rs"]
mod tests;
