//! Browser security headers on every response: the app, the API, errors alike.
//!
//! Tokens live in the browser's `localStorage`, so the policy is the second line of
//! defence against script injection: only the app's own files run (Automerge and the
//! barcode reader need `wasm-unsafe-eval`), nothing inline, no framing (clickjacking of
//! the desk's admin buttons). `pwa/e2e/csp.test.mjs` runs the phone and the desk under
//! exactly this policy and fails on any violation.

use actix_web::{
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    http::header::{self, HeaderName, HeaderValue},
    middleware::Next,
};

pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; \
     script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob:; \
     connect-src 'self'; worker-src 'self'; object-src 'none'; frame-ancestors 'none'; \
     base-uri 'none'";

/// Browsers keep HSTS for a year; it is sent only over HTTPS (they ignore it otherwise).
const STRICT_TRANSPORT_SECURITY: &str = "max-age=31536000";

/// Adds the headers a response does not set itself (an attachment sets a stricter CSP).
pub async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    // TLS at this server, or at a proxy that says so (`X-Forwarded-Proto`, `Forwarded`).
    let https = req.connection_info().scheme() == "https";
    let mut response = next.call(req).await?;
    let headers = response.headers_mut();
    let mut set = |name: HeaderName, value: &'static str| {
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    };
    set(header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY);
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    // For browsers that predate `frame-ancestors`.
    set(header::X_FRAME_OPTIONS, "DENY");
    set(header::REFERRER_POLICY, "no-referrer");
    set(
        HeaderName::from_static("permissions-policy"),
        "camera=(self), microphone=(), geolocation=(), payment=()",
    );
    if https {
        set(header::STRICT_TRANSPORT_SECURITY, STRICT_TRANSPORT_SECURITY);
    }
    Ok(response)
}
