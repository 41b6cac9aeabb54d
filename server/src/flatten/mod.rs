//! Flattening: the merged state of every document into SQL rows, driven by
//! commits, incremental, idempotent.

pub mod extract;
pub mod json;
pub mod validate;
