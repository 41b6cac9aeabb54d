//! `POST /api/auth/login`, `/refresh`, `/logout` and `/api/sync/ticket`: signing in,
//! keeping a session alive, ending it, and a single-use ticket for the sync socket.

use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

use super::ErrorBody;
use crate::auth::{
    AuthError, AuthService, SyncTicket, TokenPair,
    request::{bearer_principal, client_address},
};

#[derive(Deserialize, ToSchema)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

#[derive(Deserialize, ToSchema)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(login)
        .service(refresh)
        .service(logout)
        .service(sync_ticket);
}

/// Log in; returns an access token and a rotating refresh token.
#[utoipa::path(post, path = "/api/auth/login", tag = "auth", security(()),
    request_body = LoginRequest,
    responses((status = 200, body = TokenPair), (status = 401, body = ErrorBody),
        (status = 429, description = "Too many attempts: wait `Retry-After` seconds", body = ErrorBody),
        (status = 503, description = "Sign-ins are queued full: retry after `Retry-After` seconds", body = ErrorBody)))]
#[post("/api/auth/login")]
#[tracing::instrument(name = "POST /api/auth/login", skip_all, err(level = "warn"))]
pub async fn login(
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

/// Trade a refresh token for a new pair (the old one is spent).
#[utoipa::path(post, path = "/api/auth/refresh", tag = "auth", security(()),
    request_body = RefreshRequest,
    responses((status = 200, body = TokenPair), (status = 401, body = ErrorBody)))]
#[post("/api/auth/refresh")]
#[tracing::instrument(name = "POST /api/auth/refresh", skip_all, err(level = "warn"))]
pub async fn refresh(
    auth: web::Data<AuthService>,
    body: web::Json<RefreshRequest>,
) -> Result<HttpResponse, AuthError> {
    Ok(HttpResponse::Ok().json(auth.refresh(&body.refresh_token).await?))
}

/// Revoke this login's refresh tokens.
#[utoipa::path(post, path = "/api/auth/logout", tag = "auth", security(()),
    request_body = RefreshRequest,
    responses((status = 204, description = "Logged out"), (status = 401, body = ErrorBody)))]
#[post("/api/auth/logout")]
#[tracing::instrument(name = "POST /api/auth/logout", skip_all, err(level = "warn"))]
pub async fn logout(
    auth: web::Data<AuthService>,
    body: web::Json<RefreshRequest>,
) -> Result<HttpResponse, AuthError> {
    auth.logout(&body.refresh_token).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A single-use ticket for opening the sync websocket.
#[utoipa::path(post, path = "/api/sync/ticket", tag = "auth",
    responses((status = 200, body = SyncTicket), (status = 401, body = ErrorBody)))]
#[post("/api/sync/ticket")]
#[tracing::instrument(name = "POST /api/sync/ticket", skip_all, err(level = "warn"))]
pub async fn sync_ticket(
    auth: web::Data<AuthService>,
    req: HttpRequest,
) -> Result<HttpResponse, AuthError> {
    let principal = bearer_principal(&auth, &req).await?;
    Ok(HttpResponse::Ok().json(auth.issue_ticket(&principal).await?))
}
