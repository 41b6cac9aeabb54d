//! Serves the built web app (the PWA), with `index.html` for client-side routes.

use std::path::PathBuf;

use actix_files::{Files, NamedFile};
use actix_web::{
    HttpRequest, HttpResponse,
    dev::{ServiceRequest, ServiceResponse, fn_service},
    http::StatusCode,
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
    match NamedFile::open_async(index).await {
        Ok(file) => file.into_response(req),
        Err(_) => error_body(
            StatusCode::NOT_FOUND,
            "not_found",
            "the web app is not built",
        ),
    }
}
