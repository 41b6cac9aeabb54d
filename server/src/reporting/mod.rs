//! Reporting: KPIs and tables for the manager's dashboard, read from the SQL rows the
//! flattener writes. Access is by site membership, as for sync.
//!
//! - `storage::ReportingStore`: the reads, with the rows they return (`storage::rows`).
//! - [`period`], [`kpi`]: plain arithmetic, tested without a database.
//! - [`routes`]: the HTTP API (JSON, or CSV with `?format=csv`); `app::openapi` documents it.

pub mod kpi;
pub mod params;
pub mod period;
pub mod routes;
