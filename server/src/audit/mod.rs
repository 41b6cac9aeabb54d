//! The audit trail: per document, who changed what, from which device, when the
//! change was made and when it reached the server, with the values before and after.
//! Who and when come from the server's change log (what an authenticated connection
//! delivered), never from what a client wrote into the document; what changed comes
//! from Automerge's own diff between a change's dependencies and the change.

pub mod diff;
pub mod routes;

pub fn configure(cfg: &mut actix_web::web::ServiceConfig) {
    cfg.service(routes::document_history);
}
