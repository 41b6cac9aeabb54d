//! Example documents, valid and realistic, for tests here and in the server (and as the
//! reference for what each document looks like as JSON).
//!
//! Each `example_*_json()` is the JSON a PWA would write; `example_*()` is the same
//! document typed. Ids are fixed so tests can refer to them.

mod checklist_run;
mod count_session;
mod shipment;
mod site;
mod stock_log;

use serde::de::DeserializeOwned;
use serde_json::Value;

pub use checklist_run::{example_checklist_run, example_checklist_run_json};
pub use count_session::{example_count_session, example_count_session_json};
pub use shipment::{example_shipment, example_shipment_json};
pub use site::{example_site, example_site_json};
pub use stock_log::{example_stock_log, example_stock_log_json};

use crate::Document;

/// The site every example belongs to.
pub const EXAMPLE_SITE: &str = "dc-north";
/// A field user and their phone, and a manager and their desktop.
pub const ANA: &str = "user-ana";
pub const ANA_PHONE: &str = "device-ana-phone";
pub const BEN: &str = "user-ben";
pub const BEN_PHONE: &str = "device-ben-phone";
pub const MANAGER: &str = "user-mia";
pub const MANAGER_DESKTOP: &str = "device-mia-desktop";

/// Every example, as JSON, one per document type.
pub fn all_example_json() -> Vec<Value> {
    vec![
        example_site_json(),
        example_count_session_json(),
        example_checklist_run_json(),
        example_shipment_json(),
        example_stock_log_json(),
    ]
}

/// Every example, typed.
pub fn all_examples() -> Vec<Document> {
    all_example_json().iter().map(typed).collect()
}

/// `id` for fixtures: a valid UUID ending in `n`.
pub fn example_uuid(n: u64) -> String {
    format!("00000000-0000-4000-8000-{n:012x}")
}

/// The typed form of a fixture. Fixtures are written to be valid; a failure here is a
/// bug in this file, which every test run would show at once.
fn typed<T: DeserializeOwned>(json: &Value) -> T {
    match serde_json::from_value(json.clone()) {
        Ok(typed) => typed,
        Err(e) => panic!("example fixture does not deserialize: {e}"),
    }
}
