//! From a validated change to SQL statements, one module per document type.
//! Plain functions over plain data: no database here.

mod checklist_run;
mod count_line;
mod count_session;
mod shipment;
mod site;
mod stock_log;

use std::collections::BTreeSet;

use floorwalk_shared::Document;

pub use count_line::{LineFacts, derive_line_statements};

use super::validate::Validated;
use crate::storage::Statement;

/// What to write for one document, and which count lines to derive again
/// once the entries are written (their derivation reads all their entries).
#[derive(Debug, Default)]
pub struct Rows {
    pub statements: Vec<Statement>,
    pub lines_to_derive: BTreeSet<String>,
}

pub struct Target<'a> {
    pub document_id: &'a str,
    pub site_id: i64,
    /// Server time, Unix ms.
    pub now: i64,
}

pub fn rows_for(target: &Target<'_>, validated: &Validated) -> Rows {
    match &validated.document {
        Document::CountSession(session) => count_session::rows(target, session, validated),
        Document::Site(site) => site::rows(target, site, validated),
        Document::Shipment(shipment) => shipment::rows(target, shipment),
        Document::ChecklistRun(run) => checklist_run::rows(target, run, validated),
        Document::StockLog(log) => stock_log::rows(target, log, validated),
    }
}

/// Serializes for a JSON column.
fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".into())
}
