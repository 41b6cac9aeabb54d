//! `GET/POST /api/admin/sites`. A new site gets its master-data document at once,
//! made through the hub, so phones can fetch it.

use std::sync::Arc;

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use floorwalk_shared::check_site_slug;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    auth::{AuthService, request::bearer_principal},
    http::{ApiError, access::require_admin},
    masterdata::site_doc::site_document,
    storage::Store,
    sync::Hub,
};

#[derive(Debug, Serialize, ToSchema)]
pub struct AdminSite {
    pub slug: String,
    pub name: String,
    pub members: usize,
    /// `automerge:<id>` of the master-data document.
    pub site_document_url: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSiteRequest {
    /// 1–64 of a–z, 0–9 and `-`, starting with a letter or digit.
    pub slug: String,
    pub name: String,
}

/// Every site, with its number of members.
#[utoipa::path(get, path = "/api/admin/sites", tag = "admin",
    responses((status = 200, description = "{\"sites\": [...]}", body = Vec<AdminSite>),
        (status = 401, body = crate::http::ErrorBody),
        (status = 403, body = crate::http::ErrorBody)))]
#[get("/api/admin/sites")]
#[tracing::instrument(name = "GET /api/admin/sites", skip_all, err(level = "warn"))]
pub async fn list_sites(
    auth: web::Data<AuthService>,
    store: web::Data<dyn Store>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    require_admin(&bearer_principal(&auth, &req).await?)?;
    let mut sites = Vec::new();
    for site in store.list_sites().await? {
        sites.push(AdminSite {
            members: store.site_members(site.id).await?.len(),
            site_document_url: site.document_id.map(|id| format!("automerge:{id}")),
            slug: site.slug,
            name: site.name,
        });
    }
    Ok(HttpResponse::Ok().json(serde_json::json!({ "sites": sites })))
}

/// Create a site (and its master-data document); 201 with the site.
#[utoipa::path(post, path = "/api/admin/sites", tag = "admin",
    request_body = NewSiteRequest,
    responses((status = 201, body = AdminSite),
        (status = 400, body = crate::http::ErrorBody),
        (status = 401, body = crate::http::ErrorBody),
        (status = 403, body = crate::http::ErrorBody),
        (status = 409, description = "The slug is taken", body = crate::http::ErrorBody)))]
#[post("/api/admin/sites")]
#[tracing::instrument(name = "POST /api/admin/sites", skip_all, err(level = "warn"))]
pub async fn create_site(
    auth: web::Data<AuthService>,
    store: web::Data<dyn Store>,
    hub: web::Data<Arc<Hub>>,
    req: HttpRequest,
    body: web::Json<NewSiteRequest>,
) -> Result<HttpResponse, ApiError> {
    let principal = bearer_principal(&auth, &req).await?;
    require_admin(&principal)?;
    let request = body.into_inner();
    check_site_slug(&request.slug).map_err(ApiError::BadRequest)?;
    let name = request.name.trim();
    if name.is_empty() {
        return Err(ApiError::BadRequest("name must not be empty".into()));
    }
    let site = store.create_site(&request.slug, name).await?;
    let document = site_document(&hub, store.get_ref(), &site, principal.user.id).await?;
    Ok(HttpResponse::Created().json(AdminSite {
        slug: site.slug,
        name: site.name,
        members: 0,
        site_document_url: Some(format!("automerge:{document}")),
    }))
}
