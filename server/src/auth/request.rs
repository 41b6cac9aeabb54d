//! Credentials and the caller's address, read from an HTTP request: the one
//! place every endpoint and the sync socket learn who is asking.

use actix_web::{HttpRequest, http::header};

use super::{AuthError, AuthService, Principal};

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
