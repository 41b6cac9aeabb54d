//! Floorwalk's server: automerge-repo sync with accounts, site access and
//! SQL storage.

pub mod actions;
pub mod admin;
pub mod app;
pub mod audit;
pub mod auth;
pub mod cli;
pub mod cluster;
pub mod config;
pub mod csv;
pub mod demo;
pub mod doc_id;
pub mod documents;
pub mod flatten;
pub mod http;
pub mod masterdata;
pub mod planning;
pub mod reporting;
pub mod storage;
pub mod sync;
pub mod telemetry;
pub mod time;

#[cfg(test)]
mod layering;
