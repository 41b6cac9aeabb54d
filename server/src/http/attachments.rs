//! Photos, signatures and PDFs: content-addressed by SHA-256, uploaded when a
//! phone is online (idempotent, so retries are safe), checked by content.

use actix_web::{HttpRequest, HttpResponse, get, http::header, put, web};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use super::{
    error::{ApiError, ErrorBody},
    me::member_site,
};
use crate::{
    auth::{AuthService, request::bearer_principal},
    storage::{Attachment, AttachmentStored, Store},
};

#[derive(Clone, Copy, Debug)]
pub struct AttachmentLimits {
    pub max_bytes: usize,
    /// All of one site's attachments together.
    pub site_quota_bytes: i64,
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(upload).service(download);
}

#[derive(Deserialize)]
struct UploadQuery {
    site: String,
}

/// What an upload stored.
#[derive(Serialize, ToSchema)]
pub struct Uploaded {
    pub sha256: String,
    pub size: u64,
    /// image/jpeg, image/png, image/webp or application/pdf (judged by content).
    pub content_type: String,
}

/// Upload a photo, signature or PDF (idempotent; the hash is checked).
#[utoipa::path(put, path = "/api/attachments/{sha256}", tag = "attachments",
    params(("sha256" = String, Path, description = "SHA-256 of the body, 64 hex digits"),
        ("site" = String, Query, description = "Slug of the site it belongs to")),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, description = "Stored at this site", body = Uploaded),
        (status = 200, description = "This site has it already", body = Uploaded),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, description = "Viewers cannot upload", body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 415, body = ErrorBody),
        (status = 507, description = "The site's attachment quota is full (`quota_exceeded`)", body = ErrorBody)))]
#[put("/api/attachments/{sha256}")]
#[tracing::instrument(name = "PUT /api/attachments/{sha256}", skip_all, err(level = "warn"))]
pub async fn upload(
    auth: web::Data<AuthService>,
    store: web::Data<dyn Store>,
    limits: web::Data<AttachmentLimits>,
    req: HttpRequest,
    sha256: web::Path<String>,
    query: web::Query<UploadQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let principal = bearer_principal(&auth, &req).await?;
    let site = member_site(store.get_ref(), &principal, &query.site).await?;
    if !principal.user.role.can_write() {
        return Err(ApiError::Forbidden(
            "viewers cannot upload attachments".into(),
        ));
    }
    let expected = parse_hash(&sha256)?;
    let body = read_limited(payload, limits.max_bytes).await?;
    let actual = hex::encode(Sha256::digest(&body));
    if actual != expected {
        return Err(ApiError::BadRequest(format!(
            "the body's SHA-256 is {actual}, not {expected}: the upload was cut short or altered; send it again"
        )));
    }
    let content_type = sniff(&body).ok_or_else(|| {
        ApiError::UnsupportedMedia(
            "attachments must be JPEG, PNG, WebP or PDF (checked by content)".into(),
        )
    })?;
    let size = body.len();
    let attachment = Attachment {
        sha256: expected.clone(),
        site_id: site.id,
        content_type: content_type.into(),
        size: size as i64,
        bytes: body,
        uploaded_by: Some(principal.user.id),
    };
    let reply = Uploaded {
        sha256: expected,
        size: size as u64,
        content_type: content_type.into(),
    };
    match store
        .put_attachment(&attachment, limits.site_quota_bytes)
        .await?
    {
        AttachmentStored::Created => Ok(HttpResponse::Created().json(reply)),
        AttachmentStored::AlreadyStored => Ok(HttpResponse::Ok().json(reply)),
        AttachmentStored::OverQuota { used } => Err(ApiError::QuotaExceeded(format!(
            "site {} already keeps {used} of its {} bytes of attachments: this file ({size} bytes) \
             does not fit; ask an admin to raise FLOORWALK_ATTACHMENT_SITE_QUOTA_BYTES",
            site.slug, limits.site_quota_bytes
        ))),
    }
}

/// Download an attachment of one of the caller's sites.
#[utoipa::path(get, path = "/api/attachments/{sha256}", tag = "attachments",
    params(("sha256" = String, Path, description = "SHA-256, 64 hex digits")),
    responses((status = 200, description = "The bytes, with their content type; revalidated on every use (`Cache-Control: private, no-cache`, `ETag`)"),
        (status = 304, description = "The cached copy named by `If-None-Match` is current"),
        (status = 401, body = ErrorBody), (status = 404, description = "No site of yours uploaded it", body = ErrorBody)))]
#[get("/api/attachments/{sha256}")]
#[tracing::instrument(name = "GET /api/attachments/{sha256}", skip_all, err(level = "warn"))]
pub async fn download(
    auth: web::Data<AuthService>,
    store: web::Data<dyn Store>,
    req: HttpRequest,
    sha256: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let principal = bearer_principal(&auth, &req).await?;
    let hash = parse_hash(&sha256)?;
    // Only a site that uploaded the file has it; a member of several sites finds it
    // at whichever of theirs did.
    let mut found = None;
    for site_id in store.site_ids_of(principal.user.id).await? {
        found = store.get_attachment(site_id, &hash).await?;
        if found.is_some() {
            break;
        }
    }
    let attachment =
        found.ok_or_else(|| ApiError::NotFound(format!("no attachment {hash} at your sites")))?;
    let etag = format!("\"{hash}\"");
    // Kept by the browser but checked with the server on every use: a shared phone's
    // cache must not hand one user's photos to the next (the ETag makes it cheap).
    let revalidate = "private, no-cache";
    if req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|tag| tag.trim() == etag))
    {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, etag))
            .insert_header((header::CACHE_CONTROL, revalidate))
            .finish());
    }
    let extension = attachment.content_type.rsplit('/').next().unwrap_or("bin");
    Ok(HttpResponse::Ok()
        .content_type(attachment.content_type.clone())
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, revalidate))
        // Opened on its own (a PDF in a tab), a file runs nothing and reaches nothing.
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "sandbox; default-src 'none'",
        ))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("inline; filename=\"{hash}.{extension}\""),
        ))
        .body(attachment.bytes))
}

fn parse_hash(raw: &str) -> Result<String, ApiError> {
    let hash = raw.to_ascii_lowercase();
    if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(ApiError::BadRequest(format!(
            "{:?} is not a SHA-256: expected 64 hexadecimal characters",
            raw.chars().take(80).collect::<String>()
        )));
    }
    Ok(hash)
}

/// Reads the body, refusing it as soon as it passes `max` bytes.
async fn read_limited(mut payload: web::Payload, max: usize) -> Result<Vec<u8>, ApiError> {
    use futures_util::StreamExt;
    let mut body = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk =
            chunk.map_err(|e| ApiError::BadRequest(format!("the upload broke off: {e}")))?;
        if body.len() + chunk.len() > max {
            return Err(too_large(max));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

pub fn too_large(max: usize) -> ApiError {
    ApiError::TooLarge(format!("attachments are limited to {max} bytes"))
}

/// The content type, judged by the file's first bytes, never by its header.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_is_sniffed_not_trusted() {
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nrest"), Some("image/png"));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(sniff(b"%PDF-1.7"), Some("application/pdf"));
        assert_eq!(sniff(b"<html>"), None);
        assert!(parse_hash("zz").is_err());
        assert!(parse_hash(&"A".repeat(64)).is_ok());
    }
}
