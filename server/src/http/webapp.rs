//! Serves the built web app (the PWA), with `index.html` for client-side routes.

use std::path::PathBuf;

use actix_files::{Files, NamedFile};
use actix_web::{
    HttpRequest, HttpResponse,
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse, fn_service},
    http::{
        StatusCode,
        header::{CACHE_CONTROL, HeaderValue},
    },
    middleware::Next,
};

use super::error_body;

/// The app under `/`, or `None` when no built app is configured.
pub fn app_files(dir: Option<PathBuf>) -> Option<Files> {
    let dir = dir?;
    let index = dir.join("index.html");
    Some(
        Files::new("/", dir)
            .index_file("index.html")
            .default_handler(fn_service(move |req: ServiceRequest| {
                let index = index.clone();
                async move {
                    let (req, _) = req.into_parts();
                    let response = spa_fallback(&req, &index).await;
                    Ok(ServiceResponse::new(req, response))
                }
            })),
    )
}

async fn spa_fallback(req: &HttpRequest, index: &std::path::Path) -> HttpResponse {
    let path = req.path();
    if path.starts_with("/api/") || path == "/sync" {
        return error_body(StatusCode::NOT_FOUND, "not_found", "no such endpoint");
    }
    // A missing build file is an old release's asset, not a client route:
    // answering index.html would hand a script tag HTML (and cache it for a year).
    if path.starts_with("/assets/") {
        return error_body(
            StatusCode::NOT_FOUND,
            "not_found",
            "no such file in this release of the app: reload the page",
        );
    }
    match NamedFile::open_async(index).await {
        Ok(file) => file.into_response(req),
        Err(_) => error_body(
            StatusCode::NOT_FOUND,
            "not_found",
            "the web app is not built",
        ),
    }
}

/// How long browsers may keep what the app serves. Built assets have a content
/// hash in their name, so they never change: cache them for a year. The rest
/// of the app (index.html, the service worker, the manifest) must be
/// revalidated, or a phone would keep running an old release. API answers are
/// never cached: they are live figures or someone's data.
pub async fn cache_policy(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let path = req.path().to_owned();
    let mut response = next.call(req).await?;
    let policy = if path.starts_with("/api/") || path == "/sync" {
        "no-store"
    } else if path.starts_with("/assets/") && response.status().is_success() {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let headers = response.headers_mut();
    if !headers.contains_key(CACHE_CONTROL) {
        headers.insert(CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    Ok(response)
}
