//! Errors of the JSON API (outside authentication, which has its own).

use actix_web::{HttpResponse, ResponseError, http::StatusCode};

use super::error_body;
use crate::{auth::AuthError, storage::StoreError};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error(transparent)]
    Auth(#[from] AuthError),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    TooLarge(String),
    #[error("{0}")]
    UnsupportedMedia(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    QuotaExceeded(String),
    /// Try again shortly (e.g. the document could not be loaded).
    #[error("{0}")]
    Unavailable(String),
    #[error("storage error: {0}")]
    Storage(StoreError),
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Conflict(message) => ApiError::Conflict(message),
            StoreError::NotFound(message) => ApiError::NotFound(message),
            other => ApiError::Storage(other),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Auth(e) => e.status_code(),
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMedia(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::QuotaExceeded(_) => StatusCode::INSUFFICIENT_STORAGE,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Storage(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let code = match self {
            ApiError::Auth(e) => return e.error_response(),
            ApiError::NotFound(_) => "not_found",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::BadRequest(_) => "bad_request",
            ApiError::TooLarge(_) => "too_large",
            ApiError::UnsupportedMedia(_) => "unsupported_media_type",
            ApiError::Conflict(_) => "conflict",
            ApiError::QuotaExceeded(_) => "quota_exceeded",
            ApiError::Unavailable(_) => "unavailable",
            ApiError::Storage(cause) => {
                tracing::error!(%cause, "request failed on storage");
                return error_body(self.status_code(), "internal", "internal server error");
            }
        };
        error_body(self.status_code(), code, &self.to_string())
    }
}
