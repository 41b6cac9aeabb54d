//! The document root: `type`, `schema_version`, `site`, and the one entry point,
//! [`validate`].

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::checklist_run::{ChecklistRun, read_checklist_run};
use crate::count_session::{CountSession, read_count_session};
use crate::domain_enum::domain_enum;
use crate::shipment::{Shipment, read_shipment};
use crate::site::{SiteMaster, read_site};
use crate::stock_log::{StockLog, read_stock_log};
use crate::validation::depth::check_depth;
use crate::validation::scalars::{counter, one_of, slug};
use crate::validation::{Checker, Problem};

/// The schema version this build writes and understands. A document with a higher
/// version comes from a newer client: it is reported, not guessed at.
pub const SCHEMA_VERSION: u32 = 1;

domain_enum! {
    /// The root `type` of every document.
    pub enum DocumentType ("document type") {
        Site = "site",
        CountSession = "count_session",
        ChecklistRun = "checklist_run",
        Shipment = "shipment",
        StockLog = "stock_log",
    }
}

/// Any Floorwalk document, tagged by its root `type`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "typescript"), derive(ts_rs::TS))]
#[serde(tag = "type")]
pub enum Document {
    #[serde(rename = "site")]
    Site(SiteMaster),
    #[serde(rename = "count_session")]
    CountSession(CountSession),
    #[serde(rename = "checklist_run")]
    ChecklistRun(ChecklistRun),
    #[serde(rename = "shipment")]
    Shipment(Shipment),
    #[serde(rename = "stock_log")]
    StockLog(StockLog),
}

impl Document {
    pub fn document_type(&self) -> DocumentType {
        match self {
            Document::Site(_) => DocumentType::Site,
            Document::CountSession(_) => DocumentType::CountSession,
            Document::ChecklistRun(_) => DocumentType::ChecklistRun,
            Document::Shipment(_) => DocumentType::Shipment,
            Document::StockLog(_) => DocumentType::StockLog,
        }
    }

    /// The site slug at the root, which decides who may read and write the document.
    pub fn site(&self) -> &str {
        match self {
            Document::Site(d) => &d.site,
            Document::CountSession(d) => &d.site,
            Document::ChecklistRun(d) => &d.site,
            Document::Shipment(d) => &d.site,
            Document::StockLog(d) => &d.site,
        }
    }

    /// The JSON form, as the PWA writes it.
    pub fn to_json(&self) -> Value {
        // Serialising these plain structs cannot fail (string keys, finite numbers).
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// The root fields every document shares, read before its own fields.
pub(crate) struct Header {
    pub schema_version: u32,
    pub site: String,
}

/// Checks a document (as JSON, e.g. the merged Automerge state) and returns it typed, or
/// every problem found, each with its path. Never panics, whatever the input; unknown
/// extra fields are ignored (a newer client may add some) and are not in the result.
pub fn validate(value: &Value) -> Result<Document, Vec<Problem>> {
    let mut checker = Checker::default();
    check_depth(&mut checker, value);
    let document = read_document(&mut checker, value);
    checker.finish(document)
}

fn read_document(c: &mut Checker, value: &Value) -> Option<Document> {
    let o = c.object(value)?;
    let kind = c.required(o, "type", one_of::<DocumentType>);
    let schema_version = c.required(o, "schema_version", schema_version);
    let site = c.required(o, "site", slug);
    // Judging a newer version by this version's rules would only produce noise.
    let kind = kind?;
    schema_version?;
    let header = site.map(|site| Header {
        schema_version: SCHEMA_VERSION,
        site,
    });
    Some(match kind {
        DocumentType::Site => Document::Site(read_site(c, o, header)?),
        DocumentType::CountSession => Document::CountSession(read_count_session(c, o, header)?),
        DocumentType::ChecklistRun => Document::ChecklistRun(read_checklist_run(c, o, header)?),
        DocumentType::Shipment => Document::Shipment(read_shipment(c, o, header)?),
        DocumentType::StockLog => Document::StockLog(read_stock_log(c, o, header)?),
    })
}

fn schema_version(c: &mut Checker, v: &Value) -> Option<u32> {
    let version = counter(c, v)?;
    if version != SCHEMA_VERSION {
        c.report(format!(
            "unsupported schema_version {version} (this build understands {SCHEMA_VERSION}); \
             update the server"
        ));
        return None;
    }
    Some(version)
}
