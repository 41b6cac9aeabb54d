//! Reporting: KPIs and tables for the manager's dashboard, read from the SQL rows the
//! flattener writes. Access is by site membership, as for sync.
//!
//! - [`store`]: the read trait, implemented per database in `storage/*/reporting.rs`.
//! - [`period`], [`kpi`], [`csv`]: plain arithmetic, tested without a database.
//! - [`routes`]: the HTTP API (JSON, or CSV with `?format=csv`); [`openapi`] documents it.

pub mod csv;
pub mod kpi;
pub mod model;
pub mod openapi;
pub mod params;
pub mod period;
pub mod routes;
pub mod rows;
pub mod store;

pub(crate) mod access;

pub use store::ReportingStore;
