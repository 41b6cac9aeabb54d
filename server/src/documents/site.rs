//! The site master-data document: created with the site, so phones can fetch
//! locations, items and checklist templates and keep them offline.

use automerge::{AutoCommit, ROOT};
use serde_json::json;

use super::json::put_json;
use crate::{
    doc_id::DocumentId,
    storage::{AppendBatch, NewChange, Site, Store, StoreResult, now_millis},
};

/// The peer id recorded for changes the server writes on its own behalf.
pub const SERVER_AUTHOR: &str = "floorwalk-server";

/// An empty master-data document for `site`, as the shared schema defines it.
pub fn new_site_document(site: &Site) -> AutoCommit {
    let value = empty_site_json(site);
    let mut doc = AutoCommit::new();
    for (key, v) in value.as_object().into_iter().flatten() {
        // Writing into a fresh in-memory document cannot fail.
        if let Err(e) = put_json(&mut doc, &ROOT, key, v) {
            tracing::error!(error = %e, "building a site document failed");
        }
    }
    doc
}

/// The JSON of an empty master-data document for `site`.
pub fn empty_site_json(site: &Site) -> serde_json::Value {
    json!({
        "type": "site",
        "schema_version": 1,
        "site": site.slug,
        "name": site.name,
        "currency": "EUR",
        "locations": {},
        "items": {},
        "item_classes": {},
        "checklist_templates": {},
    })
}

/// A document built on the server, as its first commit at `site_id`: every change,
/// its heads, and its work-list entry.
pub fn first_commit(id: &DocumentId, doc: &mut AutoCommit, site_id: i64) -> AppendBatch {
    let now = now_millis();
    let changes = doc
        .get_changes(&[])
        .into_iter()
        .map(|change| NewChange {
            hash: change.hash().to_string(),
            bytes: change.raw_bytes().to_vec(),
            user_id: None,
            peer_id: SERVER_AUTHOR.into(),
            received_at: now,
        })
        .collect();
    AppendBatch {
        doc_id: id.to_string(),
        changes,
        heads: super::heads_json(&doc.get_heads()),
        violations: Vec::new(),
        work: super::summary::work_summary(doc.document(), id.as_str(), site_id),
    }
}

/// Creates the site's master-data document unless it has one.
pub async fn ensure_site_document(store: &dyn Store, site: &Site) -> StoreResult<String> {
    if let Some(id) = &site.document_id {
        return Ok(id.clone());
    }
    let id = DocumentId::random();
    let mut doc = new_site_document(site);
    store
        .create_document(site.id, None, &first_commit(&id, &mut doc, site.id))
        .await?;
    store.set_site_document(site.id, id.as_str()).await?;
    Ok(id.as_str().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_site_document_passes_shared_validation() {
        let site = Site {
            id: 1,
            slug: "north".into(),
            name: "North DC".into(),
            document_id: None,
        };
        let doc = new_site_document(&site);
        let value = serde_json::to_value(automerge::AutoSerde::from(&doc)).expect("json");
        let validated = floorwalk_shared::validate(&value);
        assert!(validated.is_ok(), "{:?}", validated.err());
    }
}
