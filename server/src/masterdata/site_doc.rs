//! The site's master-data document, made through the hub when a site has none yet
//! (sites created while the server runs), so it is stored, announced and flattened
//! like any other document and phones can fetch it at once.

use std::sync::Arc;

use automerge::ROOT;

use crate::{
    documents::{json::put_json, site::empty_site_json},
    http::ApiError,
    storage::{Site, Store},
    sync::{Author, ChangeError, DocumentId, Hub},
};

pub async fn site_document(
    hub: &Arc<Hub>,
    store: &dyn Store,
    site: &Site,
    user_id: i64,
) -> Result<DocumentId, ApiError> {
    if let Some(id) = site
        .document_id
        .as_deref()
        .and_then(|id| DocumentId::parse(id).ok())
    {
        return Ok(id);
    }
    let value = empty_site_json(site);
    let author = Author {
        user_id,
        message: format!("create the master data of site {}", site.slug),
    };
    let id = hub
        .create_document(site.id, author, move |tx| {
            for (key, v) in value.as_object().into_iter().flatten() {
                put_json(tx, &ROOT, key, v)?;
            }
            Ok::<_, automerge::AutomergeError>(())
        })
        .await
        .map_err(|e| match e {
            ChangeError::Refused(err) => {
                ApiError::Conflict(format!("the site document could not be made: {err}"))
            }
            ChangeError::Failed(failed) => ApiError::Unavailable(failed.to_string()),
        })?;
    store.set_site_document(site.id, id.as_str()).await?;
    Ok(id)
}
