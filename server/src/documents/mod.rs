//! Documents the server itself reads and writes: JSON in and out of
//! Automerge, site master-data documents, and the work list summary.

pub mod json;
pub mod site;
pub mod summary;
