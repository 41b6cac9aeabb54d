//! `GET /api/sites/{slug}/members`: who belongs to a site (for assignee pickers and the
//! audit trail's names). Any member may read it.

use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::{ApiError, access::readable_site};
use crate::{
    auth::{AuthService, request::bearer_principal},
    storage::{Store, User},
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(site_members);
}

/// A member of a site. `user_id` is a string, as documents carry user ids.
#[derive(Debug, Serialize, ToSchema)]
pub struct Member {
    pub user_id: String,
    pub email: String,
    pub display_name: String,
    /// admin, manager, staff or viewer.
    pub role: String,
    pub disabled: bool,
}

impl From<&User> for Member {
    fn from(user: &User) -> Self {
        Member {
            user_id: user.id.to_string(),
            email: user.email.clone(),
            display_name: user.display_name.clone(),
            role: user.role.as_str().to_owned(),
            disabled: user.disabled,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Members {
    pub members: Vec<Member>,
}

/// The members of one of the caller's sites, by email.
#[utoipa::path(get, path = "/api/sites/{slug}/members", tag = "sites",
    params(("slug" = String, Path, description = "Site slug")),
    responses((status = 200, body = Members),
        (status = 401, body = crate::http::ErrorBody),
        (status = 404, description = "Unknown site or not yours", body = crate::http::ErrorBody)))]
#[get("/api/sites/{slug}/members")]
#[tracing::instrument(name = "GET /api/sites/{slug}/members", skip_all, err(level = "warn"))]
pub async fn site_members(
    auth: web::Data<AuthService>,
    store: web::Data<dyn Store>,
    req: HttpRequest,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let principal = bearer_principal(&auth, &req).await?;
    let site = readable_site(store.get_ref(), &principal, &slug).await?;
    let members = store.site_members(site.id).await?;
    Ok(HttpResponse::Ok().json(Members {
        members: members.iter().map(Member::from).collect(),
    }))
}
