//! The hub's handle on one connection: an outbox bounded in frames and in
//! bytes, and an unbounded (but rare) control channel.

use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

use actix_web::web::Bytes;
use tokio::sync::mpsc::{self, error::TrySendError};

use super::doc::ConnId;
use crate::doc_id::DocumentId;

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

#[derive(Debug, Clone, PartialEq, Eq)]
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

/// Counts the bytes waiting in one connection's outbox. A frame is refused
/// when it would take the total past the limit, except into an empty outbox,
/// so one first sync larger than the limit still goes through.
#[derive(Debug)]
pub struct OutboxBudget {
    queued: AtomicUsize,
    limit: usize,
}

impl OutboxBudget {
    pub fn new(limit: usize) -> Self {
        Self {
            queued: AtomicUsize::new(0),
            limit,
        }
    }

    pub fn try_reserve(&self, bytes: usize) -> bool {
        self.queued
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |queued| {
                (queued == 0 || queued.saturating_add(bytes) <= self.limit)
                    .then_some(queued.saturating_add(bytes))
            })
            .is_ok()
    }

    pub fn release(&self, bytes: usize) {
        let _ = self
            .queued
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |queued| {
                Some(queued.saturating_sub(bytes))
            });
    }

    #[cfg(test)]
    pub fn queued(&self) -> usize {
        self.queued.load(Ordering::Acquire)
    }
}

/// Frames for one connection: at most the channel's capacity, and at most
/// the budget's bytes.
#[derive(Clone, Debug)]
pub struct Outbox {
    frames: mpsc::Sender<Bytes>,
    budget: Arc<OutboxBudget>,
}

impl Outbox {
    pub fn new(frames: mpsc::Sender<Bytes>, limit_bytes: usize) -> Self {
        Self {
            frames,
            budget: Arc::new(OutboxBudget::new(limit_bytes)),
        }
    }
}

#[derive(Clone, Debug)]
pub struct PeerHandle {
    pub conn: ConnId,
    pub peer_id: Arc<str>,
    pub user_id: i64,
    /// Every peer id issued to this user: records may name any of their devices
    /// (a phone that logged in again still delivers what it recorded before).
    pub devices: Arc<[String]>,
    outbox: Outbox,
    control: mpsc::UnboundedSender<Control>,
}

impl PeerHandle {
    pub fn new(
        conn: ConnId,
        peer_id: Arc<str>,
        user_id: i64,
        outbox: Outbox,
        control: mpsc::UnboundedSender<Control>,
    ) -> Self {
        Self {
            conn,
            devices: Arc::from(vec![peer_id.to_string()]),
            peer_id,
            user_id,
            outbox,
            control,
        }
    }

    /// Queues a frame. A peer whose queue is full is closed rather than
    /// buffered without limit; it resyncs when it reconnects.
    pub fn send(&self, frame: Vec<u8>) -> bool {
        let len = frame.len();
        if !self.outbox.budget.try_reserve(len) {
            self.too_slow();
            return false;
        }
        match self.outbox.frames.try_send(Bytes::from(frame)) {
            Ok(()) => true,
            Err(TrySendError::Full(_)) => {
                self.outbox.budget.release(len);
                self.too_slow();
                false
            }
            Err(TrySendError::Closed(_)) => {
                self.outbox.budget.release(len);
                false
            }
        }
    }

    /// The user's other devices, besides the one this connection is.
    pub fn with_devices(mut self, devices: Vec<String>) -> Self {
        let mut all = vec![self.peer_id.to_string()];
        all.extend(devices.into_iter().filter(|d| **d != *self.peer_id));
        self.devices = Arc::from(all);
        self
    }

    /// The connection wrote a frame of `len` bytes from the outbox.
    pub fn sent(&self, len: usize) {
        self.outbox.budget.release(len);
    }

    fn too_slow(&self) {
        self.close(CloseReason::new(
            CloseKind::TryAgain,
            "outgoing queue full: this connection is not reading fast enough; reconnect to resync",
        ));
    }

    pub fn close(&self, reason: CloseReason) {
        let _ = self.control.send(Control::Close(reason));
    }

    pub fn control(&self, message: Control) {
        let _ = self.control.send(message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_outbox_is_bounded_in_bytes_but_takes_one_large_frame_when_empty() {
        let budget = OutboxBudget::new(100);
        assert!(budget.try_reserve(60));
        assert!(budget.try_reserve(40));
        assert!(!budget.try_reserve(1), "full");
        budget.release(60);
        assert!(budget.try_reserve(50));
        assert!(!budget.try_reserve(20));
        budget.release(90);
        assert_eq!(budget.queued(), 0);
        assert!(
            budget.try_reserve(10_000),
            "a big first sync into an empty outbox"
        );
        assert!(!budget.try_reserve(1));
    }

    #[tokio::test]
    async fn a_peer_that_stops_reading_is_closed_not_buffered() {
        let (frames, mut written) = mpsc::channel(8);
        let (control, mut controls) = mpsc::unbounded_channel();
        let peer = PeerHandle::new(1, "p".into(), 1, Outbox::new(frames, 1000), control);
        assert!(peer.send(vec![0; 600]));
        assert!(!peer.send(vec![0; 600]), "over the byte budget");
        assert!(matches!(
            controls.try_recv(),
            Ok(Control::Close(CloseReason {
                kind: CloseKind::TryAgain,
                ..
            }))
        ));
        // Once the connection writes its frame, there is room again.
        let frame = written.recv().await.expect("frame");
        peer.sent(frame.len());
        assert!(peer.send(vec![0; 600]));
        // And the frame count bounds it too.
        let (frames, _keep) = mpsc::channel(1);
        let (control, mut controls) = mpsc::unbounded_channel();
        let peer = PeerHandle::new(2, "q".into(), 1, Outbox::new(frames, 1 << 20), control);
        assert!(peer.send(vec![1]));
        assert!(!peer.send(vec![1]));
        assert!(matches!(controls.try_recv(), Ok(Control::Close(_))));
    }
}
