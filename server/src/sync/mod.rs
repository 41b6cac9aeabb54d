//! The sync hub: automerge-repo's wire protocol over websockets, one actor per
//! loaded document, access checked before any document is touched.
//!
//! The protocol rules are plain state machines, tested without sockets:
//! [`session`] for one connection (handshake, sender id, access, limits) and
//! [`doc_core`] for one document (batches, persist before acknowledge,
//! read-only peers, creation). `connection.rs` and `actor.rs` carry out their
//! effects; `hub.rs` keeps the registry of loaded documents and subscribers.

mod access;
mod actor;
pub mod commit;
pub mod connection;
pub mod doc;
mod doc_core;
mod hub;
mod latency;
mod local;
mod metrics;
mod peer;
mod session;
pub mod watcher;
pub mod wire;

pub use crate::doc_id::DocumentId;
pub use hub::{Committed, Hub, HubSettings};
pub use local::{Author, ChangeError, ChangeFailed, Changed};
pub use metrics::SyncMetrics;
pub use session::SessionLimits;
