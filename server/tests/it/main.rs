//! Every integration test of the server in one binary (one link instead of one
//! per file): each module is one area, run on SQLite and Postgres alike. The
//! password-check queue has a binary of its own (`tests/login_queue.rs`): its
//! limit is process-wide and set by the first server a process builds.

#[macro_use]
mod common;
mod property;
mod reporting_fixture;

mod auth_edges;
mod demo_seed;
mod desk_admin;
mod desk_audit;
mod desk_import;
mod desk_planning;
mod desk_reads;
mod edges;
mod flatten_e2e;
mod flatten_property;
mod manager_actions;
mod policy_property;
mod reporting_api;
mod reporting_flattened;
mod reporting_kpis;
mod samod_interop;
mod storage_suite;
mod sync_hub;
mod web_app;
