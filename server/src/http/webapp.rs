//! Serves the built web app (the PWA), with `index.html` for client-side routes:
//! from the copy embedded in the binary at build time (see `server/build.rs`), or
//! from a directory (`FLOORWALK_WEB_DIR`, for development).

use std::{collections::HashMap, path::PathBuf, sync::OnceLock};

use actix_files::{Files, NamedFile};
use actix_web::{
    HttpRequest, HttpResponse,
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse, fn_service},
    http::{
        Method, StatusCode,
        header::{self, CACHE_CONTROL, HeaderValue},
    },
    middleware::Next,
};

use super::error_body;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/web_files.rs"));
}

/// One embedded file, with its type and a validator for revalidation.
struct EmbeddedFile {
    bytes: &'static [u8],
    content_type: String,
    etag: String,
}

/// The embedded app by path (`index.html`, `assets/…`); empty when the binary was
/// built before the web app.
fn embedded_files() -> &'static HashMap<&'static str, EmbeddedFile> {
    static FILES: OnceLock<HashMap<&'static str, EmbeddedFile>> = OnceLock::new();
    FILES.get_or_init(|| {
        use sha2::{Digest, Sha256};
        embedded::FILES
            .iter()
            .map(|(name, bytes)| {
                let digest = Sha256::digest(bytes);
                let file = EmbeddedFile {
                    bytes,
                    content_type: mime_guess::from_path(name)
                        .first_or_octet_stream()
                        .to_string(),
                    etag: format!("\"{}\"", hex::encode(&digest[..12])),
                };
                (*name, file)
            })
            .collect()
    })
}

/// Whether this binary carries the web app.
pub fn has_embedded_app() -> bool {
    !embedded_files().is_empty()
}

/// Serves the embedded app; the default service when no directory is configured.
pub async fn embedded_app(req: HttpRequest) -> HttpResponse {
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        return error_body(StatusCode::NOT_FOUND, "not_found", "no such endpoint");
    }
    let files = embedded_files();
    let path = req.path().trim_start_matches('/');
    let name = if path.is_empty() { "index.html" } else { path };
    match files.get(name) {
        Some(file) => serve(&req, file),
        None => match not_a_route(req.path()) {
            Some(response) => response,
            None => match files.get("index.html") {
                Some(index) => serve(&req, index),
                None => not_built(),
            },
        },
    }
}

fn serve(req: &HttpRequest, file: &EmbeddedFile) -> HttpResponse {
    let cached = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|tag| tag.trim() == file.etag));
    if cached {
        return HttpResponse::NotModified()
            .insert_header((header::ETAG, file.etag.clone()))
            .finish();
    }
    HttpResponse::Ok()
        .content_type(file.content_type.as_str())
        .insert_header((header::ETAG, file.etag.clone()))
        .body(file.bytes)
}

fn not_built() -> HttpResponse {
    error_body(
        StatusCode::NOT_FOUND,
        "not_found",
        "the web app is not built into this binary: run `make web` and build again, or set FLOORWALK_WEB_DIR to a built app",
    )
}

/// For a path that is no file of the app: a 404 for the API, the socket and
/// missing build assets; `None` when it is a client route (answer `index.html`).
fn not_a_route(path: &str) -> Option<HttpResponse> {
    if path.starts_with("/api/") || path == "/sync" {
        return Some(error_body(
            StatusCode::NOT_FOUND,
            "not_found",
            "no such endpoint",
        ));
    }
    // A missing build file is an old release's asset, not a client route:
    // answering index.html would hand a script tag HTML (and cache it for a year).
    if path.starts_with("/assets/") {
        return Some(error_body(
            StatusCode::NOT_FOUND,
            "not_found",
            "no such file in this release of the app: reload the page",
        ));
    }
    None
}

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
    if let Some(response) = not_a_route(req.path()) {
        return response;
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
