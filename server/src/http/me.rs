//! Who am I, which sites may I see, and what work is there.

use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::error::{ApiError, ErrorBody};
use crate::{
    auth::{AuthService, Principal, request::bearer_principal},
    storage::{Site, Store},
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(me).service(site_work);
}

#[derive(Serialize, ToSchema)]
pub struct MeUser {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    /// admin, manager, staff or viewer.
    pub role: String,
}

#[derive(Serialize, ToSchema)]
pub struct MeSite {
    pub slug: String,
    pub name: String,
    pub writable: bool,
    /// `automerge:<id>` of the site's master-data document.
    pub site_document_url: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct Me {
    pub user: MeUser,
    pub peer_id: String,
    pub sites: Vec<MeSite>,
}

#[derive(Serialize, ToSchema)]
pub struct WorkDocument {
    /// `automerge:<id>`.
    pub url: String,
    #[serde(rename = "type")]
    pub doc_type: String,
    pub title: Option<String>,
    pub status: Option<String>,
    pub due_at: Option<String>,
    pub assignees: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct Work {
    pub documents: Vec<WorkDocument>,
}

/// The caller, their peer id and their sites.
#[utoipa::path(get, path = "/api/me", tag = "sites",
    responses((status = 200, body = Me), (status = 401, body = ErrorBody)))]
#[get("/api/me")]
#[tracing::instrument(name = "GET /api/me", skip_all, err(level = "warn"))]
pub async fn me(
    auth: web::Data<AuthService>,
    store: web::Data<dyn Store>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let principal = bearer_principal(&auth, &req).await?;
    let mut sites = Vec::new();
    for site_id in store.site_ids_of(principal.user.id).await? {
        if let Some(site) = store.site_by_id(site_id).await? {
            sites.push(MeSite {
                slug: site.slug,
                name: site.name,
                writable: principal.user.role.can_write(),
                site_document_url: site.document_id.map(|id| format!("automerge:{id}")),
            });
        }
    }
    let user = &principal.user;
    Ok(HttpResponse::Ok().json(Me {
        user: MeUser {
            id: user.id,
            email: user.email.clone(),
            display_name: user.display_name.clone(),
            role: user.role.as_str().to_string(),
        },
        peer_id: principal.peer_id.clone(),
        sites,
    }))
}

/// The work documents of one of the caller's sites.
#[utoipa::path(get, path = "/api/sites/{slug}/work", tag = "sites",
    params(("slug" = String, Path, description = "Site slug")),
    responses((status = 200, body = Work), (status = 401, body = ErrorBody),
        (status = 404, description = "Unknown site or not yours", body = ErrorBody)))]
#[get("/api/sites/{slug}/work")]
#[tracing::instrument(name = "GET /api/sites/{slug}/work", skip_all, err(level = "warn"))]
pub async fn site_work(
    auth: web::Data<AuthService>,
    store: web::Data<dyn Store>,
    req: HttpRequest,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let principal = bearer_principal(&auth, &req).await?;
    let site = member_site(store.get_ref(), &principal, &slug).await?;
    let documents = store
        .work_for_site(site.id)
        .await?
        .into_iter()
        .map(|w| WorkDocument {
            url: format!("automerge:{}", w.document_id),
            doc_type: w.doc_type,
            title: w.title,
            status: w.status,
            due_at: w.due_at,
            assignees: w.assignees,
        })
        .collect();
    Ok(HttpResponse::Ok().json(Work { documents }))
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
