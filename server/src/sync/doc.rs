//! The sync logic of one document, without sockets or databases: sync
//! messages in, new changes (to persist) and sync messages (to send) out.
//! The actor around it decides *when* to send: only after the changes are committed.

use std::collections::HashMap;

use automerge::{
    Automerge, Change, ChangeHash, ObjType, ROOT, ReadDoc, Value,
    sync::{self, SyncDoc},
};

/// Identifies one websocket connection; a peer id may reconnect on a new one.
pub type ConnId = u64;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("sync payload is not an automerge sync message: {0}")]
    Malformed(String),
    #[error("sync message could not be applied: {0}")]
    Rejected(String),
    #[error("connection {0} has not opened this document")]
    UnknownPeer(ConnId),
}

struct DocPeer {
    state: sync::State,
    /// The document's heads when this peer's next message was last asked for,
    /// if its sync state has not changed since: asking again would only give
    /// the same answer (nothing, or a message already in flight), so it is
    /// skipped. Most batches touch one peer of many; this keeps their cost at
    /// one `generate_sync_message` instead of one per peer of the document.
    settled_at: Option<Vec<ChangeHash>>,
}

/// What a received message did.
#[derive(Debug, Default)]
pub struct Received {
    /// Changes the document did not have before, in causal order.
    pub new_changes: Vec<Change>,
}

pub struct SyncedDoc {
    doc: Automerge,
    peers: HashMap<ConnId, DocPeer>,
}

impl SyncedDoc {
    pub fn new(doc: Automerge) -> Self {
        Self {
            doc,
            peers: HashMap::new(),
        }
    }

    pub fn doc(&self) -> &Automerge {
        &self.doc
    }

    /// For changes the server makes itself; peers' sync states catch up on
    /// the next `outgoing`.
    pub fn doc_mut(&mut self) -> &mut Automerge {
        &mut self.doc
    }

    pub fn heads(&self) -> Vec<ChangeHash> {
        self.doc.get_heads()
    }

    /// Adds (or resets) a peer. A reset peer gets a fresh sync state, which the
    /// protocol recovers from with one extra round trip.
    /// Every peer's changes are applied, a viewer's too: what a peer may not
    /// write is undone afterwards by the write policy (`DocCore::guard`), so its
    /// copy converges instead of offering the same changes for ever.
    pub fn add_peer(&mut self, conn: ConnId) {
        let peer = DocPeer {
            state: sync::State::new(),
            settled_at: None,
        };
        self.peers.insert(conn, peer);
    }

    pub fn remove_peer(&mut self, conn: ConnId) -> bool {
        self.peers.remove(&conn).is_some()
    }

    pub fn has_peer(&self, conn: ConnId) -> bool {
        self.peers.contains_key(&conn)
    }

    pub fn peer_count(&self) -> usize {
        self.peers.len()
    }

    /// Applies one sync message from `conn`.
    pub fn receive(&mut self, conn: ConnId, data: &[u8]) -> Result<Received, SyncError> {
        let message =
            sync::Message::decode(data).map_err(|e| SyncError::Malformed(e.to_string()))?;
        let peer = self
            .peers
            .get_mut(&conn)
            .ok_or(SyncError::UnknownPeer(conn))?;
        let heads_before = self.doc.get_heads();
        peer.settled_at = None;
        self.doc
            .receive_sync_message(&mut peer.state, message)
            .map_err(|e| SyncError::Rejected(e.to_string()))?;
        let new_changes = if self.doc.get_heads() == heads_before {
            Vec::new()
        } else {
            self.doc.get_changes(&heads_before)
        };
        Ok(Received { new_changes })
    }

    /// `conn` delivered changes that are now stored: its next message must carry
    /// our heads, even when automerge believes it already sent them (it skips a
    /// message whose heads it sent before, and a phone would then show its
    /// change as pending until the next exchange).
    pub fn owe_acknowledgement(&mut self, conn: ConnId) {
        if let Some(peer) = self.peers.get_mut(&conn) {
            peer.state.last_sent_heads.clear();
            peer.settled_at = None;
        }
    }

    /// The sync message each peer should get now, if any.
    pub fn outgoing(&mut self) -> Vec<(ConnId, Vec<u8>)> {
        let doc = &self.doc;
        let heads = doc.get_heads();
        self.peers
            .iter_mut()
            .filter_map(|(conn, peer)| {
                if peer.settled_at.as_ref() == Some(&heads) {
                    return None;
                }
                peer.settled_at = Some(heads.clone());
                doc.generate_sync_message(&mut peer.state)
                    .map(|m| (*conn, m.encode()))
            })
            .collect()
    }

    /// The slug at the root key `site`, which decides who may see the document.
    /// JS clients write strings as collaborative text objects by default, so
    /// both text objects and plain string scalars count.
    pub fn site_slug(&self) -> Option<String> {
        match self.doc.get(ROOT, "site") {
            Ok(Some((Value::Object(ObjType::Text), id))) => self.doc.text(id).ok(),
            Ok(Some((value, _))) => value.as_str().map(str::to_string),
            _ => None,
        }
    }
}

/// Rebuilds a document from its snapshot and the changes since.
pub fn load_document(
    snapshot: Option<&[u8]>,
    changes: &[Vec<u8>],
) -> Result<Automerge, automerge::AutomergeError> {
    let mut doc = match snapshot {
        Some(bytes) => Automerge::load(bytes)?,
        None => Automerge::new(),
    };
    for change in changes {
        doc.load_incremental(change)?;
    }
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use automerge::{AutoCommit, transaction::Transactable};

    use super::*;

    /// Runs the sync protocol between a client document and the server until quiet.
    fn sync_client(
        server: &mut SyncedDoc,
        conn: ConnId,
        client: &mut AutoCommit,
        state: &mut sync::State,
    ) -> Vec<Change> {
        let mut persisted = Vec::new();
        for _ in 0..20 {
            let mut quiet = true;
            if let Some(msg) = client.sync().generate_sync_message(state) {
                quiet = false;
                let received = server.receive(conn, &msg.encode()).expect("receive");
                persisted.extend(received.new_changes);
            }
            for (to, bytes) in server.outgoing() {
                if to == conn {
                    quiet = false;
                    let msg = sync::Message::decode(&bytes).expect("decode");
                    client
                        .sync()
                        .receive_sync_message(state, msg)
                        .expect("apply");
                }
            }
            if quiet {
                break;
            }
        }
        persisted
    }

    fn client_doc(site: &str, key: &str) -> AutoCommit {
        let mut doc = AutoCommit::new();
        // As the JS client writes strings: a text object.
        let text = doc.put_object(ROOT, "site", ObjType::Text).expect("put");
        doc.splice_text(&text, 0, 0, site).expect("splice");
        doc.put(ROOT, key, 1).expect("put");
        doc
    }

    #[test]
    fn new_changes_are_reported_once_and_the_site_is_read() {
        let mut server = SyncedDoc::new(Automerge::new());
        server.add_peer(1);
        let mut client = client_doc("north", "a");
        let mut state = sync::State::new();
        let persisted = sync_client(&mut server, 1, &mut client, &mut state);
        assert_eq!(persisted.len(), 1);
        assert_eq!(server.site_slug().as_deref(), Some("north"));
        assert_eq!(server.heads(), client.get_heads());
        let mut scalar = AutoCommit::new();
        scalar.put(ROOT, "site", "south").expect("put");
        let mut scalar_server = SyncedDoc::new(Automerge::new());
        scalar_server.add_peer(1);
        sync_client(&mut scalar_server, 1, &mut scalar, &mut sync::State::new());
        assert_eq!(scalar_server.site_slug().as_deref(), Some("south"));
        // Syncing again reports nothing new.
        assert!(sync_client(&mut server, 1, &mut client, &mut state).is_empty());
    }

    #[test]
    fn garbage_payloads_are_errors_not_panics() {
        let mut server = SyncedDoc::new(Automerge::new());
        server.add_peer(1);
        for junk in [&b"\x42"[..], b"\x42\xff\xff\xff\xff", b"hello", &[0x43; 64]] {
            assert!(server.receive(1, junk).is_err());
        }
        assert!(server.receive(9, b"\x42").is_err());
    }

    #[test]
    fn documents_reload_from_snapshot_plus_changes() {
        let mut a = client_doc("north", "a");
        let snapshot = a.save();
        let heads = a.get_heads();
        a.put(ROOT, "b", 2).expect("put");
        let later: Vec<Vec<u8>> = a
            .get_changes(&heads)
            .into_iter()
            .map(|c| c.raw_bytes().to_vec())
            .collect();
        let loaded = load_document(Some(&snapshot), &later).expect("load");
        assert_eq!(loaded.get_heads(), a.get_heads());
    }
}
