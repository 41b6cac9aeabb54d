//! `GET /api/reports/items` and `/api/reports/locations`: master-data tables, paginated
//! like every other report, JSON or CSV, with an optional `q` search.

use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::{
    auth::AuthService,
    http::ApiError,
    reporting::{
        params::ReportParams,
        routes::{ReportErrors, Shape, list_query, page_response},
    },
    storage::{
        Page, Store,
        rows::{ItemRow, LocationRow},
    },
};

/// The search beside the usual report filters.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Search {
    /// Case-insensitive text to find in the SKU, name or barcodes (items) or the code
    /// or name (locations).
    pub q: Option<String>,
}

fn search(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    let search = web::Query::<Search>::from_query(req.query_string())
        .map_err(|e| ApiError::BadRequest(format!("invalid query string: {e}")))?;
    Ok(search
        .into_inner()
        .q
        .filter(|q| !q.trim().is_empty())
        .map(|q| q.chars().take(200).collect()))
}

/// Items of your sites (or of `site`), by SKU, with stock on hand over all locations
/// and whether they are at or below their reorder point. Not dated.
#[utoipa::path(get, path = "/api/reports/items", tag = "reports",
    params(ReportParams, Search),
    responses((status = 200, description = "One page of rows; CSV with format=csv",
        content((Page<ItemRow> = "application/json"), (String = "text/csv"))), ReportErrors))]
#[get("/api/reports/items")]
#[tracing::instrument(name = "GET /api/reports/items", skip_all, err(level = "warn"))]
pub async fn items(
    auth: web::Data<AuthService>,
    store: web::Data<dyn Store>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (q, format) = list_query(&auth, store.get_ref(), &req, Shape::CURRENT).await?;
    let search = search(&req)?;
    page_response(
        store.item_rows(&q, search.as_deref()).await?,
        format,
        "items",
    )
}

/// Locations of your sites (or of `site`), by code, with their parent's code. Not dated.
#[utoipa::path(get, path = "/api/reports/locations", tag = "reports",
    params(ReportParams, Search),
    responses((status = 200, description = "One page of rows; CSV with format=csv",
        content((Page<LocationRow> = "application/json"), (String = "text/csv"))), ReportErrors))]
#[get("/api/reports/locations")]
#[tracing::instrument(name = "GET /api/reports/locations", skip_all, err(level = "warn"))]
pub async fn locations(
    auth: web::Data<AuthService>,
    store: web::Data<dyn Store>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (q, format) = list_query(&auth, store.get_ref(), &req, Shape::CURRENT).await?;
    let search = search(&req)?;
    page_response(
        store.location_rows(&q, search.as_deref()).await?,
        format,
        "locations",
    )
}
