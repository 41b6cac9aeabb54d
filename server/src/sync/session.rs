//! The protocol rules of one sync connection, without sockets, channels or a
//! database: a message (or the answer to a lookup) goes in, effects come out.
//! The connection task (`connection.rs`) only carries the effects out, so every
//! rule here is tested without a socket: `join` first and once, the sender id
//! issued with the ticket, access decided before a document is touched, viewers
//! read-only, limits on what one connection may offer or relay.

use std::{collections::HashMap, sync::Arc, time::Duration};

use automerge::sync;
use floorwalk_shared::policy::Writer;
use tokio::time::Instant;

use super::{
    access::{Access, Denied, SiteAccess},
    peer::{CloseKind, CloseReason},
    wire::{ClientMessage, PROTOCOL_V1, ServerMessage, SyncKind, encode},
};
use crate::doc_id::DocumentId;

/// What one connection may do beyond the protocol itself.
#[derive(Clone, Debug)]
pub struct SessionLimits {
    /// Documents offered by this connection and not yet stored.
    pub max_pending_creations: usize,
    /// Largest ephemeral payload relayed (presence, cursors: a few bytes in practice).
    pub max_ephemeral_bytes: usize,
    /// Ephemeral messages relayed per second, on average, with bursts of `ephemeral_burst`.
    pub ephemeral_per_second: f64,
    pub ephemeral_burst: f64,
}

impl Default for SessionLimits {
    fn default() -> Self {
        Self {
            max_pending_creations: 1024,
            max_ephemeral_bytes: 64 * 1024,
            ephemeral_per_second: 20.0,
            ephemeral_burst: 100.0,
        }
    }
}

/// Who this connection is and who the server is, as the wire names them.
#[derive(Clone, Debug)]
pub struct Identity {
    /// The peer id issued with the ticket or token; every message must carry it.
    pub peer_id: Arc<str>,
    pub server_peer_id: Arc<str>,
    pub storage_id: Arc<str>,
}

/// What the connection task must do.
#[derive(Debug, PartialEq)]
pub enum SessionEffect {
    /// A frame this connection answers itself (`peer`, `doc-unavailable`).
    Reply(Vec<u8>),
    /// Send `error` with this reason, then close.
    Close(CloseReason),
    /// Find the site of a stored document and answer with [`PeerSession::site_found`].
    LookupSite(DocumentId),
    /// Reload this user's access and the sites of `creating`, then answer with
    /// [`PeerSession::access_loaded`].
    LoadAccess { creating: Vec<DocumentId> },
    /// Start syncing a stored document; `writer` is `None` for read-only.
    Open {
        doc: DocumentId,
        site: i64,
        writer: Option<Writer>,
    },
    /// Offer a document the server has never seen (made offline).
    Offer { doc: DocumentId, writer: Writer },
    /// Pass a sync message to the document's actor.
    Sync { doc: DocumentId, data: Vec<u8> },
    /// Relay an ephemeral message to the document's other peers.
    Relay {
        doc: DocumentId,
        count: u64,
        session_id: String,
        data: Vec<u8>,
    },
    /// Stop syncing a document.
    Leave { doc: DocumentId },
    /// The user's role changed: their changes are held to `writer` (`None`: read-only).
    SetWriter {
        doc: DocumentId,
        writer: Option<Writer>,
    },
}

/// Where a document this connection opened stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Opened {
    Site(i64),
    /// Offered by this connection, not yet attached to a site.
    Creating,
}

/// A message held back until its document's site is known.
#[derive(Debug)]
enum Parked {
    Sync {
        kind: SyncKind,
        doc: DocumentId,
        data: Vec<u8>,
    },
    Ephemeral {
        doc: DocumentId,
        count: u64,
        session_id: String,
        data: Vec<u8>,
    },
}

/// A token bucket: ephemeral messages beyond the rate are dropped, not queued.
#[derive(Debug)]
struct Bucket {
    tokens: f64,
    last: Option<Instant>,
}

impl Bucket {
    fn take(&mut self, now: Instant, limits: &SessionLimits) -> bool {
        let elapsed = self
            .last
            .map_or(Duration::ZERO, |last| now.saturating_duration_since(last));
        self.last = Some(now);
        self.tokens = (self.tokens + elapsed.as_secs_f64() * limits.ephemeral_per_second)
            .min(limits.ephemeral_burst);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

pub struct PeerSession {
    me: Identity,
    limits: SessionLimits,
    access: Access,
    joined: bool,
    opened: HashMap<DocumentId, Opened>,
    parked: Option<Parked>,
    ephemeral: Bucket,
    /// Ephemeral messages dropped for size or rate, for the metrics.
    pub ephemeral_dropped: u64,
}

type Effects = Vec<SessionEffect>;

impl PeerSession {
    pub fn new(me: Identity, access: Access, limits: SessionLimits) -> Self {
        let burst = limits.ephemeral_burst;
        Self {
            me,
            limits,
            access,
            joined: false,
            opened: HashMap::new(),
            parked: None,
            ephemeral: Bucket {
                tokens: burst,
                last: None,
            },
            ephemeral_dropped: 0,
        }
    }

    /// One decoded message from the peer.
    pub fn on_message(&mut self, now: Instant, message: ClientMessage) -> Effects {
        // The JS client re-forwards ephemeral messages it received, keeping
        // their author as `senderId`: those are dropped, not treated as forgery.
        if let ClientMessage::Ephemeral { sender_id, .. } = &message
            && sender_id.as_str() != &*self.me.peer_id
        {
            return Vec::new();
        }
        if message.sender_id() != &*self.me.peer_id {
            return close(
                CloseKind::Policy,
                format!(
                    "senderId {:?} is not this connection's peer id {:?} (issued with the sync ticket)",
                    truncate(message.sender_id()),
                    &*self.me.peer_id
                ),
            );
        }
        match message {
            ClientMessage::Join {
                supported_versions, ..
            } => self.on_join(&supported_versions),
            _ if !self.joined => close(CloseKind::InvalidData, "the first message must be `join`"),
            ClientMessage::Sync {
                kind,
                document_id,
                data,
                ..
            } => match self.opened.get(&document_id) {
                Some(_) => vec![SessionEffect::Sync {
                    doc: document_id,
                    data,
                }],
                None => self.park(Parked::Sync {
                    kind,
                    doc: document_id,
                    data,
                }),
            },
            ClientMessage::Ephemeral {
                document_id,
                count,
                session_id,
                data,
                ..
            } => {
                if data.len() > self.limits.max_ephemeral_bytes
                    || !self.ephemeral.take(now, &self.limits)
                {
                    self.ephemeral_dropped += 1;
                    return Vec::new();
                }
                let parked = Parked::Ephemeral {
                    doc: document_id,
                    count,
                    session_id,
                    data,
                };
                match parked {
                    Parked::Ephemeral { ref doc, .. } if self.opened.contains_key(doc) => {
                        relay(parked)
                    }
                    parked => self.park(parked),
                }
            }
            ClientMessage::DocUnavailable { .. } | ClientMessage::RemoteHeads { .. } => Vec::new(),
        }
    }

    fn on_join(&mut self, versions: &[String]) -> Effects {
        if self.joined {
            return close(CloseKind::InvalidData, "`join` sent twice");
        }
        if !versions.iter().any(|v| v == PROTOCOL_V1) {
            return close(
                CloseKind::InvalidData,
                format!("unsupported protocol versions {versions:?}: this server speaks \"1\""),
            );
        }
        self.joined = true;
        vec![SessionEffect::Reply(encode(&ServerMessage::Peer {
            sender_id: &self.me.server_peer_id,
            target_id: &self.me.peer_id,
            storage_id: &self.me.storage_id,
        }))]
    }

    /// Access is decided before the document is touched: first find its site.
    fn park(&mut self, parked: Parked) -> Effects {
        let doc = match &parked {
            Parked::Sync { doc, .. } | Parked::Ephemeral { doc, .. } => doc.clone(),
        };
        self.parked = Some(parked);
        vec![SessionEffect::LookupSite(doc)]
    }

    /// The answer to [`SessionEffect::LookupSite`]: `None` for ids never stored.
    pub fn site_found(&mut self, site: Option<i64>) -> Effects {
        let Some(parked) = self.parked.take() else {
            return Vec::new();
        };
        match (parked, site) {
            (Parked::Sync { doc, data, .. }, Some(site)) => match self.access.for_site(site) {
                SiteAccess::None => vec![self.unavailable(&doc)],
                access => {
                    self.opened.insert(doc.clone(), Opened::Site(site));
                    vec![
                        SessionEffect::Open {
                            doc: doc.clone(),
                            site,
                            writer: self.writer_for(&access),
                        },
                        SessionEffect::Sync { doc, data },
                    ]
                }
            },
            (Parked::Sync { kind, doc, data }, None) => match self.access.writer() {
                Some(writer) if kind == SyncKind::Sync && self.may_offer(&data) => {
                    self.opened.insert(doc.clone(), Opened::Creating);
                    vec![
                        SessionEffect::Offer {
                            doc: doc.clone(),
                            writer,
                        },
                        SessionEffect::Sync { doc, data },
                    ]
                }
                _ => vec![self.unavailable(&doc)],
            },
            (parked @ Parked::Ephemeral { .. }, Some(site))
                if self.access.for_site(site) != SiteAccess::None =>
            {
                relay(parked)
            }
            (Parked::Ephemeral { .. }, _) => Vec::new(),
        }
    }

    /// A peer may offer a new document if it could create one somewhere, has
    /// something to offer, and is not already offering too many.
    fn may_offer(&self, data: &[u8]) -> bool {
        let creating = self
            .opened
            .values()
            .filter(|o| **o == Opened::Creating)
            .count();
        if creating >= self.limits.max_pending_creations {
            tracing::warn!(
                peer = %self.me.peer_id,
                creating,
                "too many new documents offered at once; answering unavailable"
            );
            return false;
        }
        let has_content = sync::Message::decode(data).is_ok_and(|m| !m.heads.is_empty());
        self.access.may_create() && has_content
    }

    /// A document this connection offered is now stored at `site`. Whoever
    /// offered it must still be allowed there (another peer's creation may have
    /// decided the site).
    pub fn attached(&mut self, doc: &DocumentId, site: i64) -> Effects {
        if !self.opened.contains_key(doc) {
            return Vec::new();
        }
        match self.access.for_site(site) {
            SiteAccess::None => {
                self.opened.remove(doc);
                vec![
                    SessionEffect::Leave { doc: doc.clone() },
                    self.unavailable(doc),
                ]
            }
            access => {
                self.opened.insert(doc.clone(), Opened::Site(site));
                match access {
                    SiteAccess::ReadOnly => vec![SessionEffect::SetWriter {
                        doc: doc.clone(),
                        writer: None,
                    }],
                    _ => Vec::new(),
                }
            }
        }
    }

    /// A document this connection offered was refused; the actor told the peer.
    pub fn forget(&mut self, doc: &DocumentId) {
        self.opened.remove(doc);
    }

    /// Access rules changed somewhere: reload them.
    pub fn refresh(&self) -> Effects {
        let creating = self
            .opened
            .iter()
            .filter(|(_, o)| **o == Opened::Creating)
            .map(|(doc, _)| doc.clone())
            .collect();
        vec![SessionEffect::LoadAccess { creating }]
    }

    /// The answer to [`SessionEffect::LoadAccess`]: documents now forbidden are
    /// closed (the peer is told they are unavailable), downgrades become read-only.
    pub fn access_loaded(
        &mut self,
        access: Result<Access, Denied>,
        creating_sites: &[(DocumentId, Option<i64>)],
    ) -> Effects {
        let access = match access {
            Ok(access) => access,
            Err(denied) => return vec![SessionEffect::Close(denied_reason(denied))],
        };
        self.access = access;
        for (doc, site) in creating_sites {
            if let (Some(site), Some(opened)) = (site, self.opened.get_mut(doc)) {
                *opened = Opened::Site(*site);
            }
        }
        let mut effects = Vec::new();
        let mut docs: Vec<(DocumentId, i64)> = self
            .opened
            .iter()
            .filter_map(|(doc, o)| match o {
                Opened::Site(site) => Some((doc.clone(), *site)),
                Opened::Creating => None,
            })
            .collect();
        docs.sort();
        for (doc, site) in docs {
            match self.access.for_site(site) {
                SiteAccess::None => {
                    self.opened.remove(&doc);
                    effects.push(SessionEffect::Leave { doc: doc.clone() });
                    effects.push(self.unavailable(&doc));
                }
                access => effects.push(SessionEffect::SetWriter {
                    doc,
                    writer: self.writer_for(&access),
                }),
            }
        }
        effects
    }

    /// The connection ends: every document it opened is left.
    pub fn leave(&mut self) -> Effects {
        self.opened
            .drain()
            .map(|(doc, _)| SessionEffect::Leave { doc })
            .collect()
    }

    /// The `error` frame sent before closing for `reason`.
    pub fn error_frame(&self, reason: &CloseReason) -> Vec<u8> {
        encode(&ServerMessage::Error {
            sender_id: &self.me.server_peer_id,
            target_id: &self.me.peer_id,
            message: &reason.message,
        })
    }

    fn writer_for(&self, access: &SiteAccess) -> Option<Writer> {
        match access {
            SiteAccess::ReadWrite => self.access.writer(),
            _ => None,
        }
    }

    fn unavailable(&self, doc: &DocumentId) -> SessionEffect {
        SessionEffect::Reply(encode(&ServerMessage::DocUnavailable {
            sender_id: &self.me.server_peer_id,
            target_id: &self.me.peer_id,
            document_id: doc,
        }))
    }
}

fn relay(parked: Parked) -> Effects {
    match parked {
        Parked::Ephemeral {
            doc,
            count,
            session_id,
            data,
        } => vec![SessionEffect::Relay {
            doc,
            count,
            session_id,
            data,
        }],
        Parked::Sync { .. } => Vec::new(),
    }
}

fn close(kind: CloseKind, message: impl Into<String>) -> Effects {
    vec![SessionEffect::Close(CloseReason::new(kind, message))]
}

/// Why a connection whose user lost access altogether is closed.
pub fn denied_reason(denied: Denied) -> CloseReason {
    match denied {
        Denied::Disabled => CloseReason::new(CloseKind::Policy, "this account is disabled"),
        Denied::UserGone => CloseReason::new(CloseKind::Policy, "this account no longer exists"),
        Denied::SessionRevoked => CloseReason::new(
            CloseKind::Policy,
            "this login was signed out or revoked: log in again",
        ),
    }
}

fn truncate(s: &str) -> String {
    s.chars().take(64).collect()
}

#[cfg(test)]
#[path = "session_tests.rs"]
mod tests;
