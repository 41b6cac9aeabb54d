//! Floorwalk document schemas, shared by the server and the PWA: the single source of
//! truth for every document type, its validation, and the TypeScript types the PWA uses.
//! No I/O here: plain types and plain functions over `serde_json::Value`.
//!
//! # Documents
//! Every document root has `type` (see [`DocumentType`]), `schema_version` (see
//! [`SCHEMA_VERSION`]) and `site` (the site slug; the server decides access by it, so it
//! is required everywhere). [`Document`] is the tagged union; [`validate`] turns JSON
//! (e.g. the merged Automerge state) into a `Document` or every [`Problem`] found.
//!
//! | `type` | Rust type | module |
//! | --- | --- | --- |
//! | `site` | [`SiteMaster`] | [`site`] |
//! | `count_session` | [`CountSession`] | [`count_session`] |
//! | `checklist_run` | [`ChecklistRun`] | [`checklist_run`] |
//! | `shipment` | [`Shipment`] | [`shipment`] |
//! | `stock_log` | [`StockLog`] | [`stock_log`] |
//!
//! [`policy`] says who may write which part of each document type; the server enforces
//! it on every incoming change.
//!
//! [`unknown_references`] checks a work document's SKUs and location codes against its
//! site's master data; misses are warnings, not invalid documents (see [`references`]).
//!
//! # Merge-safe shapes (why the documents look the way they do)
//! Automerge merges maps key by key and lists by insertion. If two offline phones each
//! create an object at the **same map key**, one object wins and the other's contents
//! vanish from the visible document. So:
//! - Anything several devices may add concurrently is **appended to a list** with a
//!   device-made UUID `id` (count entries, shipment entries, stock movements, notes,
//!   corrective actions, status events), or stored in a map under a fresh UUID key
//!   (locations, items and checklist templates of the site).
//! - Deterministic keys are used only where one writer decides (a count session's
//!   `lines`, written by the manager) or where two writers really mean the same thing and
//!   a clash is a conflict worth showing (checklist `responses` keyed by template item id).
//! - Status is never a field that two people overwrite: status changes are appended to a
//!   `timeline` and the current status is the latest event (by time, then id).
//! - Nothing is deleted to undo: an appended entry gets a `void` marker.
//! - Totals (stock on hand, over/short, counted quantity) are derived, never stored, so
//!   two devices' contributions add up instead of overwriting each other.
//!
//! # Values
//! - Ids of things devices create are lowercase UUID strings (`crypto.randomUUID()`).
//!   User and device ids are issued by the server and are opaque strings here.
//! - Timestamps are RFC 3339 strings; see [`timestamp`] for why.
//! - Quantities are whole numbers ≥ 0 (at most [`limits::MAX_QUANTITY`]) in the item's
//!   unit. Decimals are refused on purpose: sums of stock movements stay exact, the
//!   ±0-unit tolerance means what it says, and goods sold by weight or length simply use
//!   a small unit (g, cm). Money is in minor units of the site currency (`unit_cost_minor`).
//! - Optional fields may be absent or `null`. Unknown extra fields are tolerated (a newer
//!   client may write some) and dropped from the typed result.
//! - Every string, list and map has a size limit ([`limits`]) and nesting is capped, so
//!   hostile input gets a clear problem, never a panic or unbounded work.

mod checklist_template;
mod common;
mod document;
mod domain_enum;
mod timestamp_form;
mod validation;

pub mod checklist_run;
pub mod count_session;
pub mod examples;
pub mod policy;
pub mod references;
pub mod shipment;
pub mod site;
pub mod stock_log;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod typescript;
#[cfg(any(test, feature = "typescript"))]
pub mod typescript_files;

pub use checklist_run::ChecklistRun;
pub use checklist_template::{
    ChecklistTemplate, ResponseKind, TemplateItem, TemplateSnapshot, TemplateVersion,
};
pub use common::{AttachmentRef, ContentType, Recorded, Void};
pub use count_session::CountSession;
pub use document::{Document, DocumentType, SCHEMA_VERSION, validate};
pub use domain_enum::DomainEnum;
pub use references::unknown_references;
pub use shipment::Shipment;
pub use site::SiteMaster;
pub use stock_log::StockLog;
pub use validation::{Problem, check_site_slug, limits};

pub mod timestamp {
    //! Timestamps are RFC 3339 strings with an explicit offset, e.g.
    //! `2026-11-25T09:53:17.120Z`.
    //!
    //! Why strings and not integer milliseconds: JS clients write
    //! `new Date().toISOString()`, which is exactly this form; they read unambiguously in
    //! the CRDT, in SQL rows and in CSV exports; with the `Z` offset that JS always uses
    //! they sort as text. Milliseconds would be smaller but unreadable, and invite mixing
    //! up seconds and milliseconds. Only the form is checked (with real calendar limits).
    pub use crate::timestamp_form::is_rfc3339;
}
