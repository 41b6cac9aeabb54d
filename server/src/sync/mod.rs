//! The sync hub: automerge-repo's wire protocol over websockets, one actor per
//! loaded document, access checked before any document is touched.

mod access;
mod actor;
pub mod connection;
pub mod doc;
pub mod doc_id;
mod hub;
mod local;
mod metrics;
mod peer;
pub mod watcher;
pub mod wire;

pub use doc_id::DocumentId;
pub use hub::{Committed, Hub, HubSettings};
pub use local::{Author, ChangeError, ChangeFailed, Changed};
pub use metrics::SyncMetrics;
