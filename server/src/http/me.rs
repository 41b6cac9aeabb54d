//! Who am I, which sites may I see, and what work is there.

use actix_web::{HttpRequest, HttpResponse, get, web};
use serde_json::json;

use super::error::ApiError;
use crate::{
    auth::{AuthService, Principal, routes::bearer_principal},
    storage::{Site, Store},
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(me).service(site_work);
}

#[get("/api/me")]
#[tracing::instrument(name = "GET /api/me", skip_all, err(level = "warn"))]
async fn me(
    auth: web::Data<AuthService>,
    store: web::Data<dyn Store>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let principal = bearer_principal(&auth, &req).await?;
    let mut sites = Vec::new();
    for site_id in store.site_ids_of(principal.user.id).await? {
        if let Some(site) = store.site_by_id(site_id).await? {
            sites.push(json!({
                "slug": site.slug,
                "name": site.name,
                "writable": principal.user.role.can_write(),
                "site_document_url": site.document_id.map(|id| format!("automerge:{id}")),
            }));
        }
    }
    let user = &principal.user;
    Ok(HttpResponse::Ok().json(json!({
        "user": { "id": user.id, "email": user.email, "display_name": user.display_name, "role": user.role },
        "peer_id": principal.peer_id,
        "sites": sites,
    })))
}

#[get("/api/sites/{slug}/work")]
#[tracing::instrument(name = "GET /api/sites/{slug}/work", skip_all, err(level = "warn"))]
async fn site_work(
    auth: web::Data<AuthService>,
    store: web::Data<dyn Store>,
    req: HttpRequest,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let principal = bearer_principal(&auth, &req).await?;
    let site = member_site(store.get_ref(), &principal, &slug).await?;
    let documents: Vec<_> = store
        .work_for_site(site.id)
        .await?
        .into_iter()
        .map(|w| {
            json!({
                "url": format!("automerge:{}", w.document_id),
                "type": w.doc_type,
                "title": w.title,
                "status": w.status,
                "due_at": w.due_at,
                "assignees": w.assignees,
            })
        })
        .collect();
    Ok(HttpResponse::Ok().json(json!({ "documents": documents })))
}

/// The site, if the principal belongs to it. Unknown sites and foreign sites
/// answer alike, so the API does not reveal which sites exist.
pub async fn member_site(
    store: &dyn Store,
    principal: &Principal,
    slug: &str,
) -> Result<Site, ApiError> {
    let not_found = || ApiError::NotFound(format!("no site {slug:?} among your sites"));
    let site = store.find_site(slug).await?.ok_or_else(not_found)?;
    if !store
        .site_ids_of(principal.user.id)
        .await?
        .contains(&site.id)
    {
        return Err(not_found());
    }
    Ok(site)
}
