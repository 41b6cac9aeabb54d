//! Master data on the manager's desk: items and locations listed from SQL, exported as
//! CSV, and imported from CSV into the site document (through the sync hub, so phones
//! receive them like any other edit).
//!
//! - [`csv_read`]: RFC 4180 reading (the `csv` crate) with spreadsheet row numbers.
//! - [`import`]: rows to site-document entries, checked with the shared crate's rules,
//!   with a row-by-row report; [`apply`] writes them as one Automerge change.
//! - [`lists`], [`export`], [`routes`]: the HTTP endpoints.

pub mod apply;
pub mod columns;
pub mod csv_read;
pub mod export;
pub mod import;
pub mod lists;
pub mod routes;
pub mod site_doc;
pub mod templates;

pub fn configure(cfg: &mut actix_web::web::ServiceConfig) {
    cfg.service(lists::items)
        .service(lists::locations)
        .service(export::export_items)
        .service(export::export_locations)
        .service(routes::import_items)
        .service(routes::import_locations)
        .service(templates::create_template)
        .service(templates::publish_version);
}
