//! Flattening: the merged state of every document into SQL rows, driven by
//! commits, incremental, idempotent.

pub mod apply;
pub mod extract;
pub mod plan;
pub mod problem_log;
mod queue;
pub mod rows;
pub mod runner;
pub mod validate;
