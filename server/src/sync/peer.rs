//! The hub's handle on one connection: a bounded outbox of frames and an
//! unbounded (but rare) control channel.

use std::sync::Arc;

use actix_web::web::Bytes;
use tokio::sync::mpsc::{self, error::TrySendError};

use super::{doc::ConnId, doc_id::DocumentId};

#[derive(Debug)]
pub enum Control {
    /// Close the connection, telling the peer why.
    Close(CloseReason),
    /// Access rules changed somewhere: re-check this connection's user and documents.
    RefreshAccess,
    /// A document this connection offered was refused (e.g. created for a site
    /// its user does not belong to).
    Forget(DocumentId),
    /// A document this connection offered is now stored, at this site.
    Attached(DocumentId, i64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloseKind {
    /// The peer broke the protocol or sent data we cannot use.
    InvalidData,
    /// Not allowed: wrong peer id, account disabled, and the like.
    Policy,
    TooBig,
    /// Our fault or a passing condition: the peer should reconnect and resend.
    TryAgain,
}

#[derive(Debug, Clone)]
pub struct CloseReason {
    pub kind: CloseKind,
    pub message: String,
}

impl CloseReason {
    pub fn new(kind: CloseKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct PeerHandle {
    pub conn: ConnId,
    pub peer_id: Arc<str>,
    pub user_id: i64,
    outbox: mpsc::Sender<Bytes>,
    control: mpsc::UnboundedSender<Control>,
}

impl PeerHandle {
    pub fn new(
        conn: ConnId,
        peer_id: Arc<str>,
        user_id: i64,
        outbox: mpsc::Sender<Bytes>,
        control: mpsc::UnboundedSender<Control>,
    ) -> Self {
        Self {
            conn,
            peer_id,
            user_id,
            outbox,
            control,
        }
    }

    /// Queues a frame. A peer whose queue is full is closed rather than
    /// buffered without limit; it resyncs when it reconnects.
    pub fn send(&self, frame: Vec<u8>) -> bool {
        match self.outbox.try_send(Bytes::from(frame)) {
            Ok(()) => true,
            Err(TrySendError::Full(_)) => {
                self.close(CloseReason::new(
                    CloseKind::TryAgain,
                    "outgoing queue full: this connection is not reading fast enough; reconnect to resync",
                ));
                false
            }
            Err(TrySendError::Closed(_)) => false,
        }
    }

    pub fn close(&self, reason: CloseReason) {
        let _ = self.control.send(Control::Close(reason));
    }

    pub fn control(&self, message: Control) {
        let _ = self.control.send(message);
    }
}
