//! Who may write what: the write policy of every document type, per role. The server
//! checks every incoming change against it before anything is acknowledged (a change
//! that breaks it is undone for everyone by a server-made change and listed for the
//! manager), so these rules hold over `/sync` exactly as on the REST routes.
//!
//! The unit of a rule is a [`Part`]: one root field, or one member of a collection
//! (a line, an entry, a response, an item…), as it was before the change and after it.
//! That is also the unit that is undone, so one bad edit never costs more than its part.
//!
//! | document | staff | manager, admin |
//! | --- | --- | --- |
//! | `site` | nothing | everything |
//! | `count_session` | create their own ad-hoc session; append their own entries; void their own entries; `counting`/`review` steps of work assigned to them | plan (root fields, `lines`: expected quantities, reasons, recount requests, approvals), any status, void any entry |
//! | `checklist_run` | on their own run (no assignee, or them): answer items, notes, raise corrective actions and set the priority of one they raised while untouched, sign off, complete | everything about the run and its corrective actions (assign, due, priority, status) |
//! | `shipment` | create one; carrier, tracking number, reference; append and void their own entries; status steps up to received (inbound) or dispatched (outbound); proof of delivery | everything |
//! | `stock_log` | nothing | transfers and adjustments |
//!
//! For everyone: every record a change writes (anything with `by`, `at`, `device`) must
//! name the user who delivered the change and one of that user's devices; appended
//! records (entries, events, notes, movements) are never edited or deleted, only voided;
//! `type`, `schema_version` and `site` are set once, when the document is created.
//! Viewers write nothing: every part a viewer's change touches is refused (and undone,
//! like any refused part, so the viewer's copy converges back); the server's own
//! changes are not checked.

mod checklist_run;
mod count_session;
mod records;
mod shipment;

#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::{DocumentType, DomainEnum};
pub use records::authorship;

/// The root key of the list where the server tells people which of their edits it
/// undid. Only the server writes it; phones show the notices addressed to their user.
pub const NOTICES_KEY: &str = "policy_notices";
/// Notices kept per document: the oldest go first.
pub const MAX_NOTICES: usize = 20;

/// One undone edit, as the phone shows it: "only a manager can approve counts".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "typescript"), derive(ts_rs::TS))]
pub struct PolicyNotice {
    pub id: String,
    /// The user and device whose edit was undone.
    pub user: String,
    pub device: String,
    /// The part, e.g. `lines["A-01|SKU-1"]`.
    pub part: String,
    pub message: String,
    /// When the server undid it (RFC 3339).
    pub at: String,
}

/// The role a change is checked as. The server's own changes are not checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Writer {
    /// Reads only: whatever a viewer's change writes is refused.
    Viewer,
    Staff,
    Manager,
    Admin,
}

impl Writer {
    fn plans(self) -> bool {
        matches!(self, Writer::Manager | Writer::Admin)
    }
}

/// Who delivered a change: their role, user id and the devices (peer ids) issued to them.
#[derive(Debug, Clone)]
pub struct Author<'a> {
    pub writer: Writer,
    pub user_id: &'a str,
    pub devices: &'a [String],
}

/// One unit of a document that a change touched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part<'a> {
    /// A root field that is not a collection, e.g. `title`.
    Root(&'a str),
    /// A member of a collection: a map key (`lines`, `items`, `responses`), or the `id`
    /// of a list element (`entries`, `timeline`, …).
    Member { collection: &'a str, key: &'a str },
}

/// A part before and after the change; `None` where it did not exist.
#[derive(Debug, Clone, Copy)]
pub struct Edit<'a> {
    pub part: Part<'a>,
    pub before: Option<&'a Value>,
    pub after: Option<&'a Value>,
}

/// The document's root fields (collections left out) before and after the change.
#[derive(Debug, Clone, Copy)]
pub struct Roots<'a> {
    pub before: &'a Map<String, Value>,
    pub after: &'a Map<String, Value>,
}

impl Roots<'_> {
    /// A document is being created while it has no `type` yet: its first changes set up
    /// its root, whoever made it.
    pub fn creating(&self) -> bool {
        !self.before.contains_key("type")
    }

    /// The document type the rules are those of: the one it has, or is being created as.
    pub fn doc_type(&self) -> Option<DocumentType> {
        let root = if self.creating() {
            self.after
        } else {
            self.before
        };
        root.get("type")
            .and_then(Value::as_str)
            .and_then(DocumentType::parse)
    }
}

/// Why an edit is refused, in words for the person who made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal(pub String);

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

pub(crate) fn refuse(message: impl Into<String>) -> Result<(), Refusal> {
    Err(Refusal(message.into()))
}

/// Checks one edited part against the policy of its document type.
pub fn check(roots: &Roots, author: &Author, edit: &Edit) -> Result<(), Refusal> {
    if author.writer == Writer::Viewer {
        return refuse("a viewer can only read; ask a manager if you need to make changes");
    }
    if let Part::Root(field @ ("type" | "schema_version" | "site")) = edit.part
        && !roots.creating()
    {
        return refuse(format!(
            "a document's `{field}` is set when it is created and never changes"
        ));
    }
    let Some(doc_type) = roots.doc_type() else {
        // Not a Floorwalk document: it is never flattened, so nothing to protect.
        return Ok(());
    };
    // The role's rules first: "only a manager can approve counts" says more than
    // "the approval names someone else".
    by_role(doc_type, roots, author, edit)?;
    if let Some(collection) = appended_collection(doc_type, edit.part) {
        records::appended_only(collection, edit)?;
    }
    records::authorship(author, edit)
}

fn by_role(
    doc_type: DocumentType,
    roots: &Roots,
    author: &Author,
    edit: &Edit,
) -> Result<(), Refusal> {
    match doc_type {
        DocumentType::Site => master_data(author),
        DocumentType::StockLog => match author.writer {
            Writer::Staff => refuse(
                "only a manager records stock transfers and adjustments; stock moves through counts and shipments",
            ),
            _ => Ok(()),
        },
        DocumentType::CountSession => count_session::check(roots, author, edit),
        DocumentType::ChecklistRun => checklist_run::check(roots, author, edit),
        DocumentType::Shipment => shipment::check(roots, author, edit),
    }
}

fn master_data(author: &Author) -> Result<(), Refusal> {
    match author.writer {
        Writer::Staff => {
            refuse("only a manager can change master data (items, locations, checklist templates)")
        }
        _ => Ok(()),
    }
}

/// The collection of `part`, if it is a list of appended records (never edited, only voided).
fn appended_collection<'a>(doc_type: DocumentType, part: Part<'a>) -> Option<&'a str> {
    let Part::Member { collection, .. } = part else {
        return None;
    };
    let appended: &[&str] = match doc_type {
        DocumentType::CountSession => &["entries", "timeline"],
        DocumentType::ChecklistRun => &["notes"],
        DocumentType::Shipment => &["entries", "timeline"],
        DocumentType::StockLog => &["movements"],
        DocumentType::Site => &[],
    };
    appended.contains(&collection).then_some(collection)
}

/// The string at `key` of a JSON object.
pub(crate) fn text<'a>(value: Option<&'a Value>, key: &str) -> Option<&'a str> {
    value?.get(key)?.as_str()
}
