//! `POST /api/sites/{slug}/import/items|locations?mode=all_or_nothing|valid_only`: a
//! CSV file into the site document, as one change the server makes through the sync
//! hub (committed, then synced to phones, then flattened). Managers and admins only.
//!
//! The plan is made inside the change, on the document as it is at that moment, so
//! two imports or an import and a manager's edit cannot interleave.

use actix_web::{HttpRequest, HttpResponse, http::StatusCode, post, web};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{
    apply::apply_writes,
    csv_read::{CsvTable, read_csv},
    import::{ImportPlan, Kind, RowError, plan_import},
    site_doc::site_document,
};
use crate::{
    auth::{AuthService, request::bearer_principal},
    documents::read::object_to_json,
    documents::stamp::new_uuid,
    http::{ApiError, access::manager_site},
    storage::Store,
    sync::{Author, ChangeError, Hub},
};

/// Largest CSV file accepted (about 50,000 item rows).
pub const MAX_IMPORT_BYTES: usize = 8 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Nothing is imported when any row is invalid (422).
    AllOrNothing,
    /// Valid rows are imported; invalid ones are reported and skipped.
    ValidOnly,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// `all_or_nothing` (default) or `valid_only`.
    #[param(value_type = Option<String>)]
    pub mode: Option<Mode>,
}

/// The row-by-row report.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportReport {
    /// Rows now in the site document as the file has them (written or already so).
    pub imported: usize,
    /// Of `imported`, rows that changed nothing.
    pub unchanged: usize,
    /// Rows not imported.
    pub skipped: usize,
    pub errors: Vec<RowError>,
    /// On 422 only: `unprocessable`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

enum Refused {
    Header(String),
    Rows(ImportPlan),
    Document(automerge::AutomergeError),
}

impl From<automerge::AutomergeError> for Refused {
    fn from(err: automerge::AutomergeError) -> Self {
        Refused::Document(err)
    }
}

/// Items from CSV: `sku,name,barcodes,unit,unit_cost_minor,min,reorder_point,max,supplier,item_class`
/// (`sku, name, unit, unit_cost_minor` required; barcodes separated by `|`). A row with an
/// existing SKU updates that item; an empty cell clears an optional field.
#[utoipa::path(post, path = "/api/sites/{slug}/import/items", tag = "master data",
    params(("slug" = String, Path, description = "Site slug"), ImportParams),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, description = "Imported (valid_only: the valid rows)", body = ImportReport),
        (status = 422, description = "all_or_nothing and some rows are invalid: nothing imported", body = ImportReport),
        (status = 400, description = "Not a readable CSV file, or its header is wrong", body = crate::http::ErrorBody),
        (status = 401, body = crate::http::ErrorBody),
        (status = 403, description = "Staff and viewers cannot import", body = crate::http::ErrorBody),
        (status = 404, body = crate::http::ErrorBody),
        (status = 413, description = "Larger than 8 MiB", body = crate::http::ErrorBody)))]
#[post("/api/sites/{slug}/import/items")]
#[tracing::instrument(
    name = "POST /api/sites/{slug}/import/items",
    skip_all,
    err(level = "warn")
)]
pub async fn import_items(
    auth: web::Data<AuthService>,
    store: web::Data<dyn Store>,
    hub: web::Data<std::sync::Arc<Hub>>,
    req: HttpRequest,
    slug: web::Path<String>,
    body: web::Payload,
) -> Result<HttpResponse, ApiError> {
    import(Kind::Items, &auth, store.get_ref(), &hub, &req, &slug, body).await
}

/// Locations from CSV: `code,name,parent_code,kind` (`code, kind` required; kind is
/// zone, aisle or bin; a parent is named by its code, in the site or earlier or later
/// in the file). A row with an existing code updates that location.
#[utoipa::path(post, path = "/api/sites/{slug}/import/locations", tag = "master data",
    params(("slug" = String, Path, description = "Site slug"), ImportParams),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, description = "Imported (valid_only: the valid rows)", body = ImportReport),
        (status = 422, description = "all_or_nothing and some rows are invalid: nothing imported", body = ImportReport),
        (status = 400, body = crate::http::ErrorBody),
        (status = 401, body = crate::http::ErrorBody),
        (status = 403, body = crate::http::ErrorBody),
        (status = 404, body = crate::http::ErrorBody),
        (status = 413, body = crate::http::ErrorBody)))]
#[post("/api/sites/{slug}/import/locations")]
#[tracing::instrument(
    name = "POST /api/sites/{slug}/import/locations",
    skip_all,
    err(level = "warn")
)]
pub async fn import_locations(
    auth: web::Data<AuthService>,
    store: web::Data<dyn Store>,
    hub: web::Data<std::sync::Arc<Hub>>,
    req: HttpRequest,
    slug: web::Path<String>,
    body: web::Payload,
) -> Result<HttpResponse, ApiError> {
    import(
        Kind::Locations,
        &auth,
        store.get_ref(),
        &hub,
        &req,
        &slug,
        body,
    )
    .await
}

async fn import(
    kind: Kind,
    auth: &AuthService,
    store: &dyn Store,
    hub: &std::sync::Arc<Hub>,
    req: &HttpRequest,
    slug: &str,
    body: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let principal = bearer_principal(auth, req).await?;
    let site = manager_site(store, &principal, slug).await?;
    let mode = web::Query::<ImportParams>::from_query(req.query_string())
        .map_err(|_| ApiError::BadRequest("mode must be all_or_nothing or valid_only".into()))?
        .into_inner()
        .mode
        .unwrap_or(Mode::AllOrNothing);
    check_content_type(req)?;
    let table = read_body(body).await?;
    let document = site_document(hub, store, &site, principal.user.id).await?;
    let author = Author {
        user_id: principal.user.id,
        message: format!("import {} ({} rows)", kind.collection(), table.rows.len()),
    };
    let outcome = hub
        .change(&document, site.id, author, move |tx| {
            let current = object_to_json(tx, &automerge::ROOT);
            let plan = plan_import(kind, &table, &current, new_uuid).map_err(Refused::Header)?;
            if mode == Mode::AllOrNothing && !plan.errors.is_empty() {
                return Err(Refused::Rows(plan));
            }
            apply_writes(tx, kind.collection(), &plan.writes)?;
            Ok(plan)
        })
        .await;
    match outcome {
        Ok(changed) => Ok(report(StatusCode::OK, &changed.value, true)),
        Err(ChangeError::Refused(Refused::Rows(plan))) => {
            Ok(report(StatusCode::UNPROCESSABLE_ENTITY, &plan, false))
        }
        Err(ChangeError::Refused(Refused::Header(message))) => Err(ApiError::BadRequest(message)),
        Err(ChangeError::Refused(Refused::Document(err))) => Err(ApiError::Conflict(format!(
            "the site document could not be changed ({err}); nothing was imported"
        ))),
        Err(ChangeError::Failed(failed)) => Err(ApiError::Unavailable(failed.to_string())),
    }
}

fn report(status: StatusCode, plan: &ImportPlan, written: bool) -> HttpResponse {
    let skipped = plan.rows_with_errors();
    let refused = status == StatusCode::UNPROCESSABLE_ENTITY;
    HttpResponse::build(status).json(ImportReport {
        imported: if written { plan.writes.len() + plan.unchanged } else { 0 },
        unchanged: if written { plan.unchanged } else { 0 },
        skipped: if written { skipped } else { plan.rows },
        errors: plan.errors.clone(),
        error: refused.then_some("unprocessable"),
        message: refused.then(|| {
            format!(
                "{skipped} of {} rows are invalid, so nothing was imported: fix the rows listed in errors, or import with mode=valid_only",
                plan.rows
            )
        }),
    })
}

fn check_content_type(req: &HttpRequest) -> Result<(), ApiError> {
    let kind = req
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("text/csv");
    let accepted = [
        "text/csv",
        "text/plain",
        "application/csv",
        "application/octet-stream",
        "application/vnd.ms-excel",
    ];
    if accepted.iter().any(|a| kind.starts_with(a)) {
        Ok(())
    } else {
        Err(ApiError::UnsupportedMedia(format!(
            "send the file as text/csv, not {kind}"
        )))
    }
}

/// The body as a CSV table, refusing more than [`MAX_IMPORT_BYTES`] as soon as it
/// is exceeded (not after reading it all).
async fn read_body(mut body: web::Payload) -> Result<CsvTable, ApiError> {
    let too_large = || {
        ApiError::TooLarge(format!(
            "the file is larger than {} MiB: split it into several imports",
            MAX_IMPORT_BYTES / (1024 * 1024)
        ))
    };
    let mut bytes = web::BytesMut::new();
    while let Some(chunk) = body.next().await {
        let chunk =
            chunk.map_err(|e| ApiError::BadRequest(format!("reading the file failed: {e}")))?;
        if bytes.len() + chunk.len() > MAX_IMPORT_BYTES {
            return Err(too_large());
        }
        bytes.extend_from_slice(&chunk);
    }
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        ApiError::BadRequest(format!(
            "the file is not UTF-8 text (byte {}): save it as \"CSV UTF-8\"",
            e.valid_up_to()
        ))
    })?;
    read_csv(text).map_err(|e| ApiError::BadRequest(format!("the file is not valid CSV: {e}")))
}
