//! Planning on the manager's desk: count sessions, expected shipments and checklist
//! schedules. Each plan becomes a new document the server makes through the sync hub
//! (stored, announced, flattened, and listed in the assignees' "my work today"), built
//! as the shared schema defines it and validated with it before it is created.
//! Managers and admins only.

pub mod count_sessions;
pub mod materialize;
pub mod schedules;
pub mod shipments;
pub mod time;

use std::sync::Arc;

use automerge::ROOT;
use serde_json::Value;

use crate::{
    documents::json::put_json,
    documents::read::object_to_json,
    http::ApiError,
    masterdata::site_doc::site_document,
    storage::{Site, Store},
    sync::{Author, ChangeError, DocumentId, Hub},
};

pub fn configure(cfg: &mut actix_web::web::ServiceConfig) {
    cfg.service(count_sessions::create_count_session)
        .service(shipments::create_shipment)
        .service(schedules::create_schedule)
        .service(schedules::list_schedules);
}

/// The site's master data (locations, items, templates) as JSON.
pub async fn site_master(
    hub: &Arc<Hub>,
    store: &dyn Store,
    site: &Site,
    user_id: i64,
) -> Result<Value, ApiError> {
    let id = site_document(hub, store, site, user_id).await?;
    hub.inspect(&id, site.id, |doc| object_to_json(doc, &ROOT))
        .await
        .ok_or_else(|| {
            ApiError::Unavailable("the site's master data could not be loaded; try again".into())
        })
}

/// Creates `document` (a document root as JSON) through the hub, after checking it
/// with the shared schema: the server never makes a document a phone would reject.
pub async fn create_document(
    hub: &Arc<Hub>,
    site: &Site,
    user_id: i64,
    message: String,
    document: Value,
) -> Result<DocumentId, ApiError> {
    if let Err(problems) = floorwalk_shared::validate(&document) {
        let listed: Vec<String> = problems.iter().take(5).map(ToString::to_string).collect();
        return Err(ApiError::BadRequest(format!(
            "the planned document would be invalid: {}",
            listed.join("; ")
        )));
    }
    let author = Author { user_id, message };
    hub.create_document(site.id, author, move |tx| {
        for (key, value) in document.as_object().into_iter().flatten() {
            put_json(tx, &ROOT, key, value)?;
        }
        Ok::<_, automerge::AutomergeError>(())
    })
    .await
    .map_err(|e| match e {
        ChangeError::Refused(err) => {
            ApiError::BadRequest(format!("the document could not be built: {err}"))
        }
        ChangeError::Failed(failed) => ApiError::Unavailable(failed.to_string()),
    })
}

/// Refuses user ids that are not members of the site (work nobody can see).
pub async fn check_members(
    store: &dyn Store,
    site: &Site,
    field: &str,
    ids: &[String],
) -> Result<(), ApiError> {
    if ids.is_empty() {
        return Ok(());
    }
    let members: Vec<String> = store
        .site_members(site.id)
        .await?
        .into_iter()
        .filter(|u| !u.disabled)
        .map(|u| u.id.to_string())
        .collect();
    match ids.iter().find(|id| !members.contains(id)) {
        Some(id) => Err(ApiError::BadRequest(format!(
            "{field}: user {id:?} is not an active member of site {:?}; pick someone from GET /api/sites/{}/members",
            site.slug, site.slug
        ))),
        None => Ok(()),
    }
}

/// An RFC 3339 timestamp such as `2026-11-27T17:00:00.000Z`, checked.
pub fn check_timestamp(field: &str, text: &str) -> Result<(), ApiError> {
    if floorwalk_shared::timestamp::is_rfc3339(text) {
        Ok(())
    } else {
        Err(ApiError::BadRequest(format!(
            "{field} must be an RFC 3339 time like 2026-11-27T17:00:00.000Z, not {text:?}"
        )))
    }
}

/// The `{"document_id", "url"}` answer of a created document.
pub fn created(id: &DocumentId, extra: Value) -> actix_web::HttpResponse {
    let mut body =
        serde_json::json!({ "document_id": id.as_str(), "url": format!("automerge:{id}") });
    if let (Some(body), Value::Object(extra)) = (body.as_object_mut(), extra) {
        body.extend(extra);
    }
    actix_web::HttpResponse::Created().json(body)
}
