//! HTTP endpoints for login, refresh, logout and sync tickets.

use actix_web::{HttpRequest, HttpResponse, http::header, post, web};
use serde::Deserialize;

use super::{AuthError, AuthService, Principal};

#[derive(Deserialize)]
struct LoginRequest {
    email: String,
    password: String,
}

#[derive(Deserialize)]
struct RefreshRequest {
    refresh_token: String,
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(login)
        .service(refresh)
        .service(logout)
        .service(sync_ticket);
}

#[post("/api/auth/login")]
#[tracing::instrument(name = "POST /api/auth/login", skip_all, err(level = "warn"))]
async fn login(
    auth: web::Data<AuthService>,
    req: HttpRequest,
    body: web::Json<LoginRequest>,
) -> Result<HttpResponse, AuthError> {
    let address = client_address(&req, auth.trusts_forwarded_for());
    let pair = auth
        .login(&body.email, &body.password, address.as_deref())
        .await?;
    Ok(HttpResponse::Ok().json(pair))
}

#[post("/api/auth/refresh")]
#[tracing::instrument(name = "POST /api/auth/refresh", skip_all, err(level = "warn"))]
async fn refresh(
    auth: web::Data<AuthService>,
    body: web::Json<RefreshRequest>,
) -> Result<HttpResponse, AuthError> {
    Ok(HttpResponse::Ok().json(auth.refresh(&body.refresh_token).await?))
}

#[post("/api/auth/logout")]
#[tracing::instrument(name = "POST /api/auth/logout", skip_all, err(level = "warn"))]
async fn logout(
    auth: web::Data<AuthService>,
    body: web::Json<RefreshRequest>,
) -> Result<HttpResponse, AuthError> {
    auth.logout(&body.refresh_token).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[post("/api/sync/ticket")]
#[tracing::instrument(name = "POST /api/sync/ticket", skip_all, err(level = "warn"))]
async fn sync_ticket(
    auth: web::Data<AuthService>,
    req: HttpRequest,
) -> Result<HttpResponse, AuthError> {
    let principal = bearer_principal(&auth, &req).await?;
    Ok(HttpResponse::Ok().json(auth.issue_ticket(&principal).await?))
}

/// The principal behind `Authorization: Bearer …`.
pub async fn bearer_principal(
    auth: &AuthService,
    req: &HttpRequest,
) -> Result<Principal, AuthError> {
    let token = bearer_token(req).ok_or(AuthError::MissingCredentials)?;
    auth.authenticate(token).await
}

pub fn bearer_token(req: &HttpRequest) -> Option<&str> {
    req.headers()
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// The client's address: the socket's peer, or behind a trusted proxy the
/// address it appended last to `X-Forwarded-For` (earlier entries are the
/// client's own say, which anyone can forge).
pub fn client_address(req: &HttpRequest, trust_forwarded_for: bool) -> Option<String> {
    if trust_forwarded_for
        && let Some(forwarded) = req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
        && let Some(last) = forwarded.rsplit(',').map(str::trim).find(|a| !a.is_empty())
    {
        return Some(last.to_string());
    }
    req.peer_addr().map(|addr| addr.ip().to_string())
}
