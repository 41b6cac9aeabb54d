//! One websocket connection: authentication at the upgrade, the `join`/`peer`
//! handshake, routing of each message after an access check, liveness pings,
//! and a clear `error` plus close for anything malformed. A bad frame ends
//! only its own connection.

use std::{collections::HashMap, sync::Arc, time::Duration};

use actix_web::{HttpRequest, HttpResponse, web};
use actix_ws::{AggregatedMessage, AggregatedMessageStream, CloseCode, Session};
use automerge::sync;
use tokio::{sync::mpsc, time::Instant};

use super::{
    Hub,
    access::{Access, Denied, SiteAccess},
    doc::ConnId,
    doc_id::DocumentId,
    metrics::SyncMetrics,
    peer::{CloseKind, CloseReason, Control, PeerHandle},
    wire::{self, ClientMessage, PROTOCOL_V1, ServerMessage, SyncKind},
};
use crate::auth::{AuthError, AuthService, Principal, routes::bearer_token};

#[derive(Clone, Debug)]
pub struct SocketSettings {
    pub max_frame_bytes: usize,
    pub outgoing_queue_frames: usize,
    pub ping_interval: Duration,
    pub ping_timeout: Duration,
    pub max_pending_creations: usize,
}

/// `GET /sync?ticket=…` (browsers) or with `Authorization: Bearer …` (other clients).
#[tracing::instrument(name = "GET /sync", skip_all)]
pub async fn sync_socket(
    req: HttpRequest,
    body: web::Payload,
    auth: web::Data<AuthService>,
    hub: web::Data<Arc<Hub>>,
    settings: web::Data<SocketSettings>,
) -> Result<HttpResponse, actix_web::Error> {
    let principal = authenticate(&req, &auth).await?;
    let (response, session, stream) = actix_ws::handle(&req, body)?;
    let stream = stream
        .max_frame_size(settings.max_frame_bytes)
        .aggregate_continuations()
        .max_continuation_size(settings.max_frame_bytes);
    let hub = hub.get_ref().clone();
    let settings = settings.get_ref().clone();
    actix_web::rt::spawn(async move {
        match Connection::open(hub, principal, settings).await {
            Ok((connection, rx)) => connection.run(session, stream, rx).await,
            Err(reason) => close(session, &reason).await,
        }
    });
    Ok(response)
}

async fn authenticate(req: &HttpRequest, auth: &AuthService) -> Result<Principal, AuthError> {
    let ticket = req
        .query_string()
        .split('&')
        .find_map(|pair| pair.strip_prefix("ticket="));
    match (ticket, bearer_token(req)) {
        (Some(ticket), _) => auth.redeem_ticket(ticket).await,
        (None, Some(token)) => auth.authenticate(token).await,
        (None, None) => Err(AuthError::MissingCredentials),
    }
}

/// Where a document this connection opened stands.
#[derive(Debug, Clone, Copy)]
enum Opened {
    Site(i64),
    /// Offered by this connection, not yet attached to a site.
    Creating,
}

struct Receivers {
    outbox: mpsc::Receiver<web::Bytes>,
    control: mpsc::UnboundedReceiver<Control>,
}

struct Connection {
    hub: Arc<Hub>,
    principal: Principal,
    settings: SocketSettings,
    peer: PeerHandle,
    access: Access,
    joined: bool,
    opened: HashMap<DocumentId, Opened>,
    /// Answers this task makes itself (`peer`, `doc-unavailable`), written
    /// directly rather than through the bounded outbox.
    replies: Vec<Vec<u8>>,
}

type Outcome = Result<(), CloseReason>;

impl Connection {
    async fn open(
        hub: Arc<Hub>,
        principal: Principal,
        settings: SocketSettings,
    ) -> Result<(Self, Receivers), CloseReason> {
        if hub.is_shutting_down() {
            return Err(CloseReason::new(
                CloseKind::TryAgain,
                "the server is restarting: reconnect shortly",
            ));
        }
        let access = load_access(&hub, principal.user.id).await?;
        let (outbox_tx, outbox) = mpsc::channel(settings.outgoing_queue_frames.max(1));
        let (control_tx, control) = mpsc::unbounded_channel();
        let conn: ConnId = hub.next_conn_id();
        let peer = PeerHandle::new(
            conn,
            principal.peer_id.as_str().into(),
            principal.user.id,
            outbox_tx,
            control_tx,
        );
        hub.register_connection(&peer);
        SyncMetrics::inc(&hub.metrics().connections_opened);
        tracing::info!(conn, peer = %peer.peer_id, user_id = principal.user.id, "sync connection opened");
        let connection = Self {
            hub,
            principal,
            settings,
            peer,
            access,
            joined: false,
            opened: HashMap::new(),
            replies: Vec::new(),
        };
        Ok((connection, Receivers { outbox, control }))
    }

    async fn run(
        mut self,
        mut session: Session,
        mut stream: AggregatedMessageStream,
        mut rx: Receivers,
    ) {
        let mut ping = tokio::time::interval(self.settings.ping_interval);
        ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last_heard = Instant::now();
        let ended: Option<CloseReason> = loop {
            tokio::select! {
                incoming = stream.recv() => {
                    last_heard = Instant::now();
                    match incoming {
                        None | Some(Ok(AggregatedMessage::Close(_))) => break None,
                        Some(Ok(AggregatedMessage::Binary(frame))) => {
                            if let Err(reason) = self.on_frame(&frame).await { break Some(reason) }
                            // Our own answers are written before reading on: a peer that
                            // pipelines requests gets backpressure, not a "slow peer" close.
                            if self.flush_replies(&mut session).await.is_err() { break None }
                        }
                        Some(Ok(AggregatedMessage::Text(_))) => break Some(CloseReason::new(
                            CloseKind::InvalidData,
                            "text frames are not part of the protocol: send CBOR in binary frames",
                        )),
                        Some(Ok(AggregatedMessage::Ping(bytes))) => {
                            if session.pong(&bytes).await.is_err() { break None }
                        }
                        Some(Ok(AggregatedMessage::Pong(_))) => {}
                        Some(Err(e)) => break self.protocol_error(e),
                    }
                }
                Some(frame) = rx.outbox.recv() => {
                    if session.binary(frame).await.is_err() { break None }
                }
                Some(control) = rx.control.recv() => {
                    if let Err(reason) = self.on_control(control).await { break Some(reason) }
                    if self.flush_replies(&mut session).await.is_err() { break None }
                }
                _ = ping.tick() => {
                    if last_heard.elapsed() > self.settings.ping_timeout {
                        break Some(CloseReason::new(CloseKind::TryAgain, "no answer to pings: connection presumed dead"));
                    }
                    if session.ping(b"").await.is_err() { break None }
                }
            }
        };
        self.leave().await;
        match ended {
            Some(reason) => {
                tracing::info!(conn = self.peer.conn, peer = %self.peer.peer_id, reason = %reason.message, "closing sync connection");
                if reason.kind == CloseKind::InvalidData || reason.kind == CloseKind::TooBig {
                    SyncMetrics::inc(&self.hub.metrics().connections_closed_bad_input);
                }
                let frame = self.error_frame(&reason.message);
                let _ = session.binary(frame).await;
                close(session, &reason).await;
            }
            None => {
                tracing::info!(conn = self.peer.conn, peer = %self.peer.peer_id, "sync connection ended by peer");
                let _ = session.close(None).await;
            }
        }
    }

    /// Why to close after a websocket-level error; `None` when the peer simply went away.
    fn protocol_error(&self, error: actix_ws::ProtocolError) -> Option<CloseReason> {
        let limit = self.settings.max_frame_bytes;
        match error {
            actix_ws::ProtocolError::Overflow => Some(CloseReason::new(
                CloseKind::TooBig,
                format!("frame larger than the {limit}-byte limit"),
            )),
            actix_ws::ProtocolError::Io(e)
                if e.to_string().contains("maximum continuation size") =>
            {
                Some(CloseReason::new(
                    CloseKind::TooBig,
                    format!("message larger than the {limit}-byte limit"),
                ))
            }
            actix_ws::ProtocolError::Io(_) => None,
            other => Some(CloseReason::new(
                CloseKind::InvalidData,
                format!("websocket protocol error: {other}"),
            )),
        }
    }

    async fn flush_replies(&mut self, session: &mut Session) -> Result<(), actix_ws::Closed> {
        for frame in std::mem::take(&mut self.replies) {
            session.binary(frame).await?;
        }
        Ok(())
    }

    async fn on_frame(&mut self, frame: &[u8]) -> Outcome {
        let message = wire::decode(frame)
            .map_err(|e| CloseReason::new(CloseKind::InvalidData, e.to_string()))?;
        let own_id = self.principal.peer_id.as_str();
        // The JS client re-forwards ephemeral messages it received, keeping
        // their author as `senderId`: those are dropped, not treated as forgery.
        if let ClientMessage::Ephemeral { sender_id, .. } = &message
            && sender_id != own_id
        {
            tracing::debug!(
                conn = self.peer.conn,
                "dropping a re-forwarded ephemeral message"
            );
            return Ok(());
        }
        if message.sender_id() != own_id {
            return Err(CloseReason::new(
                CloseKind::Policy,
                format!(
                    "senderId {:?} is not this connection's peer id {own_id:?} (issued with the sync ticket)",
                    truncate(message.sender_id())
                ),
            ));
        }
        match message {
            ClientMessage::Join {
                supported_versions, ..
            } => self.on_join(&supported_versions),
            _ if !self.joined => Err(CloseReason::new(
                CloseKind::InvalidData,
                "the first message must be `join`",
            )),
            ClientMessage::Sync {
                kind,
                document_id,
                data,
                ..
            } => self.on_sync(kind, document_id, data).await,
            ClientMessage::Ephemeral {
                document_id,
                count,
                session_id,
                data,
                ..
            } => {
                self.on_ephemeral(document_id, count, &session_id, &data)
                    .await
            }
            ClientMessage::DocUnavailable { .. } | ClientMessage::RemoteHeads { .. } => Ok(()),
        }
    }

    fn on_join(&mut self, versions: &[String]) -> Outcome {
        if self.joined {
            return Err(CloseReason::new(
                CloseKind::InvalidData,
                "`join` sent twice",
            ));
        }
        if !versions.iter().any(|v| v == PROTOCOL_V1) {
            return Err(CloseReason::new(
                CloseKind::InvalidData,
                format!("unsupported protocol versions {versions:?}: this server speaks \"1\""),
            ));
        }
        self.joined = true;
        let settings = self.hub.settings();
        let frame = wire::encode(&ServerMessage::Peer {
            sender_id: &settings.server_peer_id,
            target_id: &self.peer.peer_id,
            storage_id: &settings.storage_id,
        });
        self.replies.push(frame);
        Ok(())
    }

    async fn on_sync(&mut self, kind: SyncKind, doc: DocumentId, data: Vec<u8>) -> Outcome {
        if self.opened.contains_key(&doc) {
            self.hub.sync(&doc, self.peer.conn, data).await;
            return Ok(());
        }
        match self
            .hub
            .document_site(&doc)
            .await
            .map_err(|_| storage_unavailable())?
        {
            Some(site) => match self.access.for_site(site) {
                SiteAccess::None => self.unavailable(&doc),
                access => {
                    self.opened.insert(doc.clone(), Opened::Site(site));
                    let writable = access == SiteAccess::ReadWrite;
                    self.hub.open(&doc, site, self.peer.clone(), writable).await;
                    self.hub.sync(&doc, self.peer.conn, data).await;
                }
            },
            None if kind == SyncKind::Sync && self.may_offer(&data) => {
                self.opened.insert(doc.clone(), Opened::Creating);
                self.hub.begin_creation(&doc, self.peer.clone()).await;
                self.hub.sync(&doc, self.peer.conn, data).await;
            }
            None => self.unavailable(&doc),
        }
        Ok(())
    }

    /// A peer may offer a new document if it could create one somewhere, has
    /// something to offer, and is not already offering too many.
    fn may_offer(&self, data: &[u8]) -> bool {
        let creating = self
            .opened
            .values()
            .filter(|o| matches!(o, Opened::Creating))
            .count();
        let has_content = sync::Message::decode(data).is_ok_and(|m| !m.heads.is_empty());
        if creating >= self.settings.max_pending_creations {
            tracing::warn!(
                conn = self.peer.conn,
                creating,
                "too many new documents offered at once; answering unavailable"
            );
            return false;
        }
        self.access.may_create() && has_content
    }

    async fn on_ephemeral(
        &mut self,
        doc: DocumentId,
        count: u64,
        session_id: &str,
        data: &[u8],
    ) -> Outcome {
        let allowed = match self.opened.get(&doc) {
            Some(_) => true,
            None => match self
                .hub
                .document_site(&doc)
                .await
                .map_err(|_| storage_unavailable())?
            {
                Some(site) => self.access.for_site(site) != SiteAccess::None,
                None => false,
            },
        };
        if allowed {
            self.hub
                .relay_ephemeral(&doc, &self.peer, count, session_id, data);
        }
        Ok(())
    }

    /// Answers go out on this connection's own task (see `replies`).
    fn unavailable(&mut self, doc: &DocumentId) {
        let frame = wire::encode(&ServerMessage::DocUnavailable {
            sender_id: &self.hub.settings().server_peer_id,
            target_id: &self.peer.peer_id,
            document_id: doc,
        });
        self.replies.push(frame);
    }

    async fn on_control(&mut self, control: Control) -> Outcome {
        match control {
            Control::Close(reason) => {
                if reason.message.starts_with("outgoing queue full") {
                    SyncMetrics::inc(&self.hub.metrics().connections_closed_slow);
                }
                Err(reason)
            }
            Control::Forget(doc) => {
                self.opened.remove(&doc);
                Ok(())
            }
            Control::Attached(doc, site) => {
                // No longer pending: it stops counting against the creation limit.
                if let Some(opened) = self.opened.get_mut(&doc) {
                    *opened = Opened::Site(site);
                }
                Ok(())
            }
            Control::RefreshAccess => self.refresh_access().await,
        }
    }

    /// Re-applies access after a change: documents now forbidden are closed
    /// (the peer is told they are unavailable), downgrades become read-only.
    async fn refresh_access(&mut self) -> Outcome {
        self.access = load_access(&self.hub, self.principal.user.id).await?;
        let opened: Vec<(DocumentId, Opened)> =
            self.opened.iter().map(|(d, o)| (d.clone(), *o)).collect();
        for (doc, state) in opened {
            let site = match state {
                Opened::Site(site) => site,
                Opened::Creating => match self
                    .hub
                    .document_site(&doc)
                    .await
                    .map_err(|_| storage_unavailable())?
                {
                    Some(site) => {
                        self.opened.insert(doc.clone(), Opened::Site(site));
                        site
                    }
                    None => continue,
                },
            };
            match self.access.for_site(site) {
                SiteAccess::None => {
                    self.opened.remove(&doc);
                    self.hub.close(&doc, self.peer.conn).await;
                    self.unavailable(&doc);
                }
                access => {
                    let writable = access == SiteAccess::ReadWrite;
                    self.hub.set_writable(&doc, self.peer.conn, writable).await;
                }
            }
        }
        Ok(())
    }

    async fn leave(&mut self) {
        self.hub.unregister_connection(self.peer.conn);
        for doc in std::mem::take(&mut self.opened).into_keys() {
            self.hub.close(&doc, self.peer.conn).await;
        }
    }

    fn error_frame(&self, message: &str) -> Vec<u8> {
        wire::encode(&ServerMessage::Error {
            sender_id: &self.hub.settings().server_peer_id,
            target_id: &self.peer.peer_id,
            message,
        })
    }
}

async fn load_access(hub: &Hub, user_id: i64) -> Result<Access, CloseReason> {
    match Access::load(hub.store.as_ref(), user_id).await {
        Ok(Ok(access)) => Ok(access),
        Ok(Err(Denied::Disabled)) => Err(CloseReason::new(
            CloseKind::Policy,
            "this account is disabled",
        )),
        Ok(Err(Denied::UserGone)) => Err(CloseReason::new(
            CloseKind::Policy,
            "this account no longer exists",
        )),
        Err(e) => {
            tracing::error!(error = %e, "cannot load access rules");
            Err(storage_unavailable())
        }
    }
}

fn storage_unavailable() -> CloseReason {
    CloseReason::new(
        CloseKind::TryAgain,
        "the server cannot reach its storage right now: reconnect shortly",
    )
}

fn truncate(s: &str) -> String {
    s.chars().take(64).collect()
}

async fn close(session: Session, reason: &CloseReason) {
    let code = match reason.kind {
        CloseKind::InvalidData => CloseCode::Invalid,
        CloseKind::Policy => CloseCode::Policy,
        CloseKind::TooBig => CloseCode::Size,
        CloseKind::TryAgain => CloseCode::Again,
    };
    // A close reason is limited to 123 bytes by the websocket protocol.
    let mut description: String = reason.message.clone();
    while description.len() > 123 {
        description.pop();
    }
    let _ = session
        .close(Some(actix_ws::CloseReason {
            code,
            description: Some(description),
        }))
        .await;
}
