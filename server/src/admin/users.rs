//! `GET/POST /api/admin/users`, `PATCH /api/admin/users/{id}`,
//! `PUT/DELETE /api/admin/users/{id}/sites/{slug}`.

use std::sync::Arc;

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, put, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    auth::{
        AuthService, Principal, hash_password, request::bearer_principal, service::normalize_email,
    },
    http::{ApiError, access::require_admin},
    storage::{NewUser, Role, Site, Store, User, UserPatch},
    sync::Hub,
};

const MIN_PASSWORD: usize = 8;

/// A site of a user, with the role the user has there. Roles are per user, so it is
/// the same at every site; it is listed per site for tables that show both.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserSite {
    pub slug: String,
    pub role: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AdminUser {
    /// A string, as documents carry user ids.
    pub user_id: String,
    /// The same as `user_id`, for clients that say `id`.
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub disabled: bool,
    /// The user's sites, by slug.
    pub sites: Vec<UserSite>,
}

/// Optional body of `PUT /api/admin/users/{id}/sites/{slug}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MembershipRequest {
    /// Sets the user's role (per user: it applies at every site of theirs).
    pub role: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUserRequest {
    pub email: String,
    pub display_name: Option<String>,
    /// At least 8 characters.
    pub password: String,
    /// admin, manager, staff or viewer.
    pub role: String,
    /// Site slugs.
    #[serde(default)]
    pub sites: Vec<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserPatchRequest {
    pub display_name: Option<String>,
    pub role: Option<String>,
    /// true cuts the user's live sync connections at once and refuses new logins.
    pub disabled: Option<bool>,
}

async fn admin(auth: &AuthService, req: &HttpRequest) -> Result<Principal, ApiError> {
    let principal = bearer_principal(auth, req).await?;
    require_admin(&principal)?;
    Ok(principal)
}

fn parse_role(text: &str) -> Result<Role, ApiError> {
    text.parse()
        .map_err(|e| ApiError::BadRequest(format!("role: {e}")))
}

async fn site_of(store: &dyn Store, slug: &str) -> Result<Site, ApiError> {
    store.find_site(slug).await?.ok_or_else(|| {
        ApiError::NotFound(format!(
            "no site {slug:?}: create it first with POST /api/admin/sites"
        ))
    })
}

async fn describe(store: &dyn Store, user: &User) -> Result<AdminUser, ApiError> {
    let mut sites = Vec::new();
    for id in store.site_ids_of(user.id).await? {
        if let Some(site) = store.site_by_id(id).await? {
            sites.push(site.slug);
        }
    }
    sites.sort();
    let role = user.role.as_str();
    Ok(AdminUser {
        user_id: user.id.to_string(),
        id: user.id.to_string(),
        email: user.email.clone(),
        display_name: user.display_name.clone(),
        role: user.role.as_str().into(),
        disabled: user.disabled,
        sites: sites
            .into_iter()
            .map(|slug| UserSite {
                slug,
                role: role.into(),
            })
            .collect(),
    })
}

async fn user_by_path(store: &dyn Store, id: &str) -> Result<User, ApiError> {
    let not_found = || ApiError::NotFound(format!("no user with id {id:?}"));
    let id: i64 = id.parse().map_err(|_| not_found())?;
    store.find_user(id).await?.ok_or_else(not_found)
}

/// Every user, by email, with their sites.
#[utoipa::path(get, path = "/api/admin/users", tag = "admin",
    responses((status = 200, description = "{\"users\": [...]}", body = Vec<AdminUser>),
        (status = 401, body = crate::http::ErrorBody),
        (status = 403, description = "Not an admin", body = crate::http::ErrorBody)))]
#[get("/api/admin/users")]
#[tracing::instrument(name = "GET /api/admin/users", skip_all, err(level = "warn"))]
pub async fn list_users(
    auth: web::Data<AuthService>,
    store: web::Data<dyn Store>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    admin(&auth, &req).await?;
    let mut users = Vec::new();
    for user in store.list_users().await? {
        users.push(describe(store.get_ref(), &user).await?);
    }
    Ok(HttpResponse::Ok().json(serde_json::json!({ "users": users })))
}

/// Create a user with a password, a role and sites; 201 with the user.
#[utoipa::path(post, path = "/api/admin/users", tag = "admin",
    request_body = NewUserRequest,
    responses((status = 201, body = AdminUser),
        (status = 400, body = crate::http::ErrorBody),
        (status = 401, body = crate::http::ErrorBody),
        (status = 403, body = crate::http::ErrorBody),
        (status = 404, description = "A site does not exist", body = crate::http::ErrorBody),
        (status = 409, description = "The email is taken", body = crate::http::ErrorBody)))]
#[post("/api/admin/users")]
#[tracing::instrument(name = "POST /api/admin/users", skip_all, err(level = "warn"))]
pub async fn create_user(
    auth: web::Data<AuthService>,
    store: web::Data<dyn Store>,
    req: HttpRequest,
    body: web::Json<NewUserRequest>,
) -> Result<HttpResponse, ApiError> {
    admin(&auth, &req).await?;
    let request = body.into_inner();
    let email = normalize_email(&request.email);
    if !email.contains('@') || email.len() > 254 {
        return Err(ApiError::BadRequest(format!(
            "email {:?} is not an email address",
            request.email
        )));
    }
    if request.password.chars().count() < MIN_PASSWORD {
        return Err(ApiError::BadRequest(format!(
            "password must have at least {MIN_PASSWORD} characters"
        )));
    }
    let role = parse_role(&request.role)?;
    let mut sites = Vec::new();
    for slug in &request.sites {
        sites.push(site_of(store.get_ref(), slug).await?);
    }
    let display_name = request
        .display_name
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| email.split('@').next().unwrap_or(&email).to_owned());
    let user = store
        .create_user(&NewUser {
            email,
            display_name,
            role,
            password_hash: hash_password(request.password).await?,
        })
        .await?;
    for site in &sites {
        store.add_membership(user.id, site.id).await?;
    }
    Ok(HttpResponse::Created().json(describe(store.get_ref(), &user).await?))
}

/// Change a user's display name, role or disabled flag. Disabling closes their live
/// sync connections at once; an admin cannot disable or demote themselves.
#[utoipa::path(patch, path = "/api/admin/users/{id}", tag = "admin",
    params(("id" = String, Path, description = "User id")),
    request_body = UserPatchRequest,
    responses((status = 200, body = AdminUser),
        (status = 400, body = crate::http::ErrorBody),
        (status = 401, body = crate::http::ErrorBody),
        (status = 403, body = crate::http::ErrorBody),
        (status = 404, body = crate::http::ErrorBody),
        (status = 409, description = "An admin changing their own role or access", body = crate::http::ErrorBody)))]
#[patch("/api/admin/users/{id}")]
#[tracing::instrument(name = "PATCH /api/admin/users/{id}", skip_all, err(level = "warn"))]
pub async fn update_user(
    auth: web::Data<AuthService>,
    store: web::Data<dyn Store>,
    hub: web::Data<Arc<Hub>>,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Json<UserPatchRequest>,
) -> Result<HttpResponse, ApiError> {
    let principal = admin(&auth, &req).await?;
    let user = user_by_path(store.get_ref(), &id).await?;
    let request = body.into_inner();
    let patch = UserPatch {
        display_name: match request.display_name.as_deref().map(str::trim) {
            Some("") => {
                return Err(ApiError::BadRequest(
                    "display_name must not be empty".into(),
                ));
            }
            other => other.map(str::to_owned),
        },
        role: request.role.as_deref().map(parse_role).transpose()?,
        disabled: request.disabled,
    };
    let demotes_self = patch.role.is_some_and(|r| r != Role::Admin) || patch.disabled == Some(true);
    if user.id == principal.user.id && demotes_self {
        return Err(ApiError::Conflict(
            "you cannot disable yourself or give up your admin role: ask another admin".into(),
        ));
    }
    let updated = store
        .update_user(user.id, &patch)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no user with id {id:?}")))?;
    // The watcher would notice the new access epoch within its poll; do not wait for it.
    hub.refresh_all_access();
    Ok(HttpResponse::Ok().json(describe(store.get_ref(), &updated).await?))
}

/// Sign a user out everywhere: every session ends, their refresh tokens stop
/// working, and their live sync connections and event streams close within
/// seconds. 200 with `{"revoked": n}`.
#[utoipa::path(post, path = "/api/admin/users/{id}/revoke-sessions", tag = "admin",
    params(("id" = String, Path, description = "User id")),
    responses((status = 200, description = "`{\"revoked\": n}`: how many sessions ended"),
        (status = 401, body = crate::http::ErrorBody),
        (status = 403, body = crate::http::ErrorBody),
        (status = 404, body = crate::http::ErrorBody)))]
#[post("/api/admin/users/{id}/revoke-sessions")]
#[tracing::instrument(
    name = "POST /api/admin/users/{id}/revoke-sessions",
    skip_all,
    err(level = "warn")
)]
pub async fn revoke_sessions(
    auth: web::Data<AuthService>,
    store: web::Data<dyn Store>,
    hub: web::Data<Arc<Hub>>,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    admin(&auth, &req).await?;
    let user = user_by_path(store.get_ref(), &id).await?;
    let revoked = store.revoke_sessions_of(user.id).await?;
    tracing::info!(user_id = user.id, revoked, "all sessions of a user revoked");
    hub.refresh_all_access();
    Ok(HttpResponse::Ok().json(serde_json::json!({ "revoked": revoked })))
}

/// Make a user a member of a site (idempotent); 200 with the user. An optional
/// `{"role"}` body also sets the user's role, which applies at all their sites.
#[utoipa::path(put, path = "/api/admin/users/{id}/sites/{slug}", tag = "admin",
    params(("id" = String, Path, description = "User id"), ("slug" = String, Path, description = "Site slug")),
    request_body(content = Option<MembershipRequest>, content_type = "application/json"),
    responses((status = 200, body = AdminUser),
        (status = 401, body = crate::http::ErrorBody),
        (status = 403, body = crate::http::ErrorBody),
        (status = 404, body = crate::http::ErrorBody)))]
#[put("/api/admin/users/{id}/sites/{slug}")]
#[tracing::instrument(
    name = "PUT /api/admin/users/{id}/sites/{slug}",
    skip_all,
    err(level = "warn")
)]
pub async fn add_membership(
    auth: web::Data<AuthService>,
    store: web::Data<dyn Store>,
    hub: web::Data<Arc<Hub>>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: Option<web::Json<MembershipRequest>>,
) -> Result<HttpResponse, ApiError> {
    let principal = admin(&auth, &req).await?;
    let (id, slug) = path.into_inner();
    let mut user = user_by_path(store.get_ref(), &id).await?;
    let site = site_of(store.get_ref(), &slug).await?;
    let role = body
        .and_then(|b| b.into_inner().role)
        .map(|r| parse_role(&r))
        .transpose()?
        .filter(|r| *r != user.role);
    if let Some(role) = role {
        if user.id == principal.user.id {
            return Err(ApiError::Conflict(
                "you cannot give up your admin role: ask another admin".into(),
            ));
        }
        let patch = UserPatch {
            role: Some(role),
            ..UserPatch::default()
        };
        user = store.update_user(user.id, &patch).await?.unwrap_or(user);
    }
    store.add_membership(user.id, site.id).await?;
    hub.refresh_all_access();
    Ok(HttpResponse::Ok().json(describe(store.get_ref(), &user).await?))
}

/// Remove a user from a site: their live sync loses that site's documents at once.
#[utoipa::path(delete, path = "/api/admin/users/{id}/sites/{slug}", tag = "admin",
    params(("id" = String, Path, description = "User id"), ("slug" = String, Path, description = "Site slug")),
    responses((status = 200, body = AdminUser),
        (status = 401, body = crate::http::ErrorBody),
        (status = 403, body = crate::http::ErrorBody),
        (status = 404, description = "Unknown user or site, or not a member", body = crate::http::ErrorBody)))]
#[delete("/api/admin/users/{id}/sites/{slug}")]
#[tracing::instrument(
    name = "DELETE /api/admin/users/{id}/sites/{slug}",
    skip_all,
    err(level = "warn")
)]
pub async fn remove_membership(
    auth: web::Data<AuthService>,
    store: web::Data<dyn Store>,
    hub: web::Data<Arc<Hub>>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    admin(&auth, &req).await?;
    let (id, slug) = path.into_inner();
    let user = user_by_path(store.get_ref(), &id).await?;
    let site = site_of(store.get_ref(), &slug).await?;
    if !store.remove_membership(user.id, site.id).await? {
        return Err(ApiError::NotFound(format!(
            "{} is not a member of site {slug:?}",
            user.email
        )));
    }
    hub.refresh_all_access();
    Ok(HttpResponse::Ok().json(describe(store.get_ref(), &user).await?))
}
