//! One websocket connection: authentication at the upgrade, frames in and out,
//! liveness pings, and a clear `error` plus close for anything malformed. A bad
//! frame ends only its own connection. What each message means is decided by
//! the sans-IO [`PeerSession`]; this task carries out its effects.

use std::{collections::VecDeque, sync::Arc, time::Duration};

use actix_web::{HttpRequest, HttpResponse, web};
use actix_ws::{AggregatedMessage, AggregatedMessageStream, CloseCode, Session};
use tokio::{sync::mpsc, time::Instant};

use super::{
    Hub,
    access::{Access, Denied},
    doc::ConnId,
    metrics::SyncMetrics,
    peer::{CloseKind, CloseReason, Control, Outbox, PeerHandle},
    session::{Identity, PeerSession, SessionEffect, SessionLimits, denied_reason},
    wire,
};
use crate::auth::{AuthError, AuthService, Principal, request::bearer_token};

#[derive(Clone, Debug)]
pub struct SocketSettings {
    pub max_frame_bytes: usize,
    pub max_connections_per_user: usize,
    pub outgoing_queue_frames: usize,
    pub outgoing_queue_bytes: usize,
    pub ping_interval: Duration,
    pub ping_timeout: Duration,
    pub limits: SessionLimits,
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

struct Receivers {
    outbox: mpsc::Receiver<web::Bytes>,
    control: mpsc::UnboundedReceiver<Control>,
}

/// The IO around one [`PeerSession`]: it reads frames, carries out the
/// session's effects (hub calls, store lookups, replies) and writes frames.
struct Connection {
    hub: Arc<Hub>,
    principal: Principal,
    settings: SocketSettings,
    peer: PeerHandle,
    session: PeerSession,
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
        let access = load_access(&hub, &principal)
            .await?
            .map_err(denied_reason)?;
        let (outbox_tx, outbox) = mpsc::channel(settings.outgoing_queue_frames.max(1));
        let (control_tx, control) = mpsc::unbounded_channel();
        let conn: ConnId = hub.next_conn_id();
        let devices = hub
            .store
            .peer_ids_of(principal.user.id)
            .await
            .map_err(|_| storage_unavailable())?;
        let peer = PeerHandle::new(
            conn,
            principal.peer_id.as_str().into(),
            principal.user.id,
            Outbox::new(outbox_tx, settings.outgoing_queue_bytes),
            control_tx,
        )
        .with_devices(devices);
        if let Err(held) = hub.register_connection(&peer, settings.max_connections_per_user) {
            SyncMetrics::inc(&hub.metrics().connections_refused_per_user);
            return Err(CloseReason::new(
                CloseKind::Policy,
                // Short: a close reason holds 123 bytes.
                format!(
                    "{held} sync connections already open for this user: close a tab or device"
                ),
            ));
        }
        SyncMetrics::inc(&hub.metrics().connections_opened);
        tracing::info!(conn, peer = %peer.peer_id, user_id = principal.user.id, "sync connection opened");
        let identity = Identity {
            peer_id: peer.peer_id.clone(),
            server_peer_id: hub.settings().server_peer_id.clone(),
            storage_id: hub.settings().storage_id.clone(),
        };
        let session = PeerSession::new(identity, access, settings.limits.clone());
        let connection = Self {
            hub,
            principal,
            settings,
            peer,
            session,
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
        let expired = tokio::time::sleep(until_expiry(self.principal.expires_at));
        tokio::pin!(expired);
        let ended: Option<CloseReason> = loop {
            tokio::select! {
                () = &mut expired => break Some(CloseReason::new(
                    CloseKind::TryAgain,
                    "the access token of this connection expired: reconnect with a fresh one",
                )),
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
                    let len = frame.len();
                    let written = session.binary(frame).await;
                    self.peer.sent(len);
                    if written.is_err() { break None }
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
                let frame = self.session.error_frame(&reason);
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
        let dropped = self.session.ephemeral_dropped;
        let effects = self.session.on_message(Instant::now(), message);
        if self.session.ephemeral_dropped > dropped {
            SyncMetrics::inc(&self.hub.metrics().ephemeral_dropped);
        }
        self.carry_out(effects).await
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
                self.session.forget(&doc);
                Ok(())
            }
            Control::Attached(doc, site) => {
                let effects = self.session.attached(&doc, site);
                self.carry_out(effects).await
            }
            Control::RefreshAccess => {
                let effects = self.session.refresh();
                self.carry_out(effects).await
            }
        }
    }

    /// Carries out the session's effects in order; lookups feed their answers
    /// back to the session before anything after them runs.
    async fn carry_out(&mut self, effects: Vec<SessionEffect>) -> Outcome {
        let mut pending = VecDeque::from(effects);
        while let Some(effect) = pending.pop_front() {
            let conn = self.peer.conn;
            let more = match effect {
                SessionEffect::Reply(frame) => {
                    self.replies.push(frame);
                    continue;
                }
                SessionEffect::Close(reason) => return Err(reason),
                SessionEffect::LookupSite(doc) => {
                    let site = self
                        .hub
                        .document_site(&doc)
                        .await
                        .map_err(|_| storage_unavailable())?;
                    self.session.site_found(site)
                }
                SessionEffect::LoadAccess { creating } => {
                    let access = load_access(&self.hub, &self.principal).await?;
                    let mut sites = Vec::with_capacity(creating.len());
                    for doc in creating {
                        let site = self
                            .hub
                            .document_site(&doc)
                            .await
                            .map_err(|_| storage_unavailable())?;
                        sites.push((doc, site));
                    }
                    self.session.access_loaded(access, &sites)
                }
                SessionEffect::Open { doc, site, writer } => {
                    self.hub.open(&doc, site, self.peer.clone(), writer).await;
                    continue;
                }
                SessionEffect::Offer { doc, writer } => {
                    self.hub
                        .begin_creation(&doc, self.peer.clone(), writer)
                        .await;
                    continue;
                }
                SessionEffect::Sync { doc, data } => {
                    self.hub.sync(&doc, conn, data).await;
                    continue;
                }
                SessionEffect::Relay {
                    doc,
                    count,
                    session_id,
                    data,
                } => {
                    self.hub
                        .relay_ephemeral(&doc, &self.peer, count, &session_id, &data);
                    continue;
                }
                SessionEffect::Leave { doc } => {
                    self.hub.close(&doc, conn).await;
                    continue;
                }
                SessionEffect::SetWriter { doc, writer } => {
                    self.hub.set_writer(&doc, conn, writer).await;
                    continue;
                }
            };
            for effect in more.into_iter().rev() {
                pending.push_front(effect);
            }
        }
        Ok(())
    }

    async fn leave(&mut self) {
        self.hub.unregister_connection(self.peer.conn);
        let effects = self.session.leave();
        // Leaving touches only the hub; it cannot fail.
        let _ = self.carry_out(effects).await;
    }
}

/// The user's access on this login, or why they have none; `Err` when storage is unreachable.
async fn load_access(
    hub: &Hub,
    principal: &Principal,
) -> Result<Result<Access, Denied>, CloseReason> {
    Access::load(hub.store.as_ref(), principal.user.id, &principal.session_id)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "cannot load access rules");
            storage_unavailable()
        })
}

fn storage_unavailable() -> CloseReason {
    CloseReason::new(
        CloseKind::TryAgain,
        "the server cannot reach its storage right now: reconnect shortly",
    )
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

/// How long until `expires_at` (Unix seconds); zero if it has passed.
fn until_expiry(expires_at: i64) -> std::time::Duration {
    let now_ms = crate::storage::now_millis();
    std::time::Duration::from_millis(u64::try_from(expires_at * 1000 - now_ms).unwrap_or(0))
}
