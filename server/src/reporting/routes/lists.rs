//! Table endpoints: one page of rows (JSON with `total`, or CSV with `X-Total-Count`).

use actix_web::{HttpRequest, HttpResponse, get, web};

use super::{ReportErrors, Shape, list_query, page_response};
use crate::{
    auth::AuthService,
    http::ApiError,
    reporting::params::ReportParams,
    storage::{
        Page, Store,
        rows::{
            ChecklistResponseRow, ChecklistRunRow, CorrectiveActionRow, CountConflictRow,
            CountEntryRow, CountLineRow, CountSessionRow, DocumentProblemRow, PolicyViolationRow,
            ReplenishmentRow, ShipmentLineRow, ShipmentRow, StockLevelRow,
        },
    },
};

/// Below reorder point: active items whose stock on hand (all locations) is at or below their reorder point, with the suggested quantity (max − on hand). Not dated.
#[utoipa::path(get, path = "/api/reports/replenishment", tag = "reports",
    params(ReportParams),
    responses((status = 200, description = "One page of rows; CSV with format=csv",
        content((Page<ReplenishmentRow> = "application/json"), (String = "text/csv"))), ReportErrors))]
#[get("/api/reports/replenishment")]
#[tracing::instrument(name = "GET /api/reports/replenishment", skip_all, err(level = "warn"))]
pub async fn replenishment(
    auth: web::Data<AuthService>,
    store: web::Data<dyn Store>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (q, format) = list_query(&auth, store.get_ref(), &req, Shape::CURRENT).await?;
    page_response(store.replenishment(&q).await?, format, "replenishment")
}

/// Stock on hand per SKU and location: the sum of stock movements. Not dated.
#[utoipa::path(get, path = "/api/reports/stock-levels", tag = "reports",
    params(ReportParams),
    responses((status = 200, description = "One page of rows; CSV with format=csv",
        content((Page<StockLevelRow> = "application/json"), (String = "text/csv"))), ReportErrors))]
#[get("/api/reports/stock-levels")]
#[tracing::instrument(name = "GET /api/reports/stock-levels", skip_all, err(level = "warn"))]
pub async fn stock_levels(
    auth: web::Data<AuthService>,
    store: web::Data<dyn Store>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (q, format) = list_query(&auth, store.get_ref(), &req, Shape::CURRENT).await?;
    page_response(store.stock_levels(&q).await?, format, "stock-levels")
}

/// Count sessions, latest due first; dates filter `due_at`.
///
/// `status`: open, counting, review, closed.
#[utoipa::path(get, path = "/api/reports/count-sessions", tag = "reports",
    params(ReportParams),
    responses((status = 200, description = "One page of rows; CSV with format=csv",
        content((Page<CountSessionRow> = "application/json"), (String = "text/csv"))), ReportErrors))]
#[get("/api/reports/count-sessions")]
#[tracing::instrument(
    name = "GET /api/reports/count-sessions",
    skip_all,
    err(level = "warn")
)]
pub async fn count_sessions(
    auth: web::Data<AuthService>,
    store: web::Data<dyn Store>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (q, format) = list_query(
        &auth,
        store.get_ref(),
        &req,
        Shape::of_documents(&["open", "counting", "review", "closed"]),
    )
    .await?;
    page_response(store.count_sessions(&q).await?, format, "count-sessions")
}

/// Count lines with expected, counted and variance; dates filter the latest entry.
///
/// `status`: uncounted, counted, conflict, recount, approved.
#[utoipa::path(get, path = "/api/reports/count-lines", tag = "reports",
    params(ReportParams),
    responses((status = 200, description = "One page of rows; CSV with format=csv",
        content((Page<CountLineRow> = "application/json"), (String = "text/csv"))), ReportErrors))]
#[get("/api/reports/count-lines")]
#[tracing::instrument(name = "GET /api/reports/count-lines", skip_all, err(level = "warn"))]
pub async fn count_lines(
    auth: web::Data<AuthService>,
    store: web::Data<dyn Store>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (q, format) = list_query(
        &auth,
        store.get_ref(),
        &req,
        Shape::of_documents(&["uncounted", "counted", "conflict", "recount", "approved"]),
    )
    .await?;
    page_response(store.count_lines(&q).await?, format, "count-lines")
}

/// Every count entry, voided ones included; dates filter `recorded_at`.
///
/// `status`: live, voided.
#[utoipa::path(get, path = "/api/reports/count-entries", tag = "reports",
    params(ReportParams),
    responses((status = 200, description = "One page of rows; CSV with format=csv",
        content((Page<CountEntryRow> = "application/json"), (String = "text/csv"))), ReportErrors))]
#[get("/api/reports/count-entries")]
#[tracing::instrument(name = "GET /api/reports/count-entries", skip_all, err(level = "warn"))]
pub async fn count_entries(
    auth: web::Data<AuthService>,
    store: web::Data<dyn Store>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (q, format) = list_query(
        &auth,
        store.get_ref(),
        &req,
        Shape::of_documents(&["live", "voided"]),
    )
    .await?;
    page_response(store.count_entries(&q).await?, format, "count-entries")
}

/// Lines and passes whose entries disagree, unresolved first; dates filter the latest entry.
///
/// `status`: open, resolved.
#[utoipa::path(get, path = "/api/reports/count-conflicts", tag = "reports",
    params(ReportParams),
    responses((status = 200, description = "One page of rows; CSV with format=csv",
        content((Page<CountConflictRow> = "application/json"), (String = "text/csv"))), ReportErrors))]
#[get("/api/reports/count-conflicts")]
#[tracing::instrument(
    name = "GET /api/reports/count-conflicts",
    skip_all,
    err(level = "warn")
)]
pub async fn count_conflicts(
    auth: web::Data<AuthService>,
    store: web::Data<dyn Store>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (q, format) = list_query(
        &auth,
        store.get_ref(),
        &req,
        Shape::of_documents(&["open", "resolved"]),
    )
    .await?;
    page_response(store.count_conflicts(&q).await?, format, "count-conflicts")
}

/// Checklist runs, latest due first; dates filter `due_at`.
///
/// `status`: open, completed.
#[utoipa::path(get, path = "/api/reports/checklist-runs", tag = "reports",
    params(ReportParams),
    responses((status = 200, description = "One page of rows; CSV with format=csv",
        content((Page<ChecklistRunRow> = "application/json"), (String = "text/csv"))), ReportErrors))]
#[get("/api/reports/checklist-runs")]
#[tracing::instrument(
    name = "GET /api/reports/checklist-runs",
    skip_all,
    err(level = "warn")
)]
pub async fn checklist_runs(
    auth: web::Data<AuthService>,
    store: web::Data<dyn Store>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (q, format) = list_query(
        &auth,
        store.get_ref(),
        &req,
        Shape::of_documents(&["open", "completed"]),
    )
    .await?;
    page_response(store.checklist_runs(&q).await?, format, "checklist-runs")
}

/// Answered checklist items, newest first (with `status=failed`: the failed items to
/// review); dates filter `recorded_at`.
///
/// `status`: failed, ok.
#[utoipa::path(get, path = "/api/reports/checklist-responses", tag = "reports",
    params(ReportParams),
    responses((status = 200, description = "One page of rows; CSV with format=csv",
        content((Page<ChecklistResponseRow> = "application/json"), (String = "text/csv"))), ReportErrors))]
#[get("/api/reports/checklist-responses")]
#[tracing::instrument(
    name = "GET /api/reports/checklist-responses",
    skip_all,
    err(level = "warn")
)]
pub async fn checklist_responses(
    auth: web::Data<AuthService>,
    store: web::Data<dyn Store>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (q, format) = list_query(
        &auth,
        store.get_ref(),
        &req,
        Shape::of_documents(&["failed", "ok"]),
    )
    .await?;
    page_response(
        store.checklist_responses(&q).await?,
        format,
        "checklist-responses",
    )
}

/// Corrective actions, soonest due first; dates filter `raised_at`.
///
/// `status`: open, in_progress, done, cancelled.
#[utoipa::path(get, path = "/api/reports/corrective-actions", tag = "reports",
    params(ReportParams),
    responses((status = 200, description = "One page of rows; CSV with format=csv",
        content((Page<CorrectiveActionRow> = "application/json"), (String = "text/csv"))), ReportErrors))]
#[get("/api/reports/corrective-actions")]
#[tracing::instrument(
    name = "GET /api/reports/corrective-actions",
    skip_all,
    err(level = "warn")
)]
pub async fn corrective_actions(
    auth: web::Data<AuthService>,
    store: web::Data<dyn Store>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (q, format) = list_query(
        &auth,
        store.get_ref(),
        &req,
        Shape::of_documents(&["open", "in_progress", "done", "cancelled"]),
    )
    .await?;
    page_response(
        store.corrective_actions(&q).await?,
        format,
        "corrective-actions",
    )
}

/// Shipments with their line totals, latest expected first; dates filter `expected_at`.
///
/// `status`: expected, arrived, unloading, received, put_away, packed, dispatched, delivered.
#[utoipa::path(get, path = "/api/reports/shipments", tag = "reports",
    params(ReportParams),
    responses((status = 200, description = "One page of rows; CSV with format=csv",
        content((Page<ShipmentRow> = "application/json"), (String = "text/csv"))), ReportErrors))]
#[get("/api/reports/shipments")]
#[tracing::instrument(name = "GET /api/reports/shipments", skip_all, err(level = "warn"))]
pub async fn shipments(
    auth: web::Data<AuthService>,
    store: web::Data<dyn Store>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (q, format) = list_query(
        &auth,
        store.get_ref(),
        &req,
        Shape::of_documents(&[
            "expected",
            "arrived",
            "unloading",
            "received",
            "put_away",
            "packed",
            "dispatched",
            "delivered",
        ]),
    )
    .await?;
    page_response(store.shipments(&q).await?, format, "shipments")
}

/// Shipment lines, expected against handled, with over / short / damaged; dates filter the shipment's `expected_at`.
#[utoipa::path(get, path = "/api/reports/shipment-lines", tag = "reports",
    params(ReportParams),
    responses((status = 200, description = "One page of rows; CSV with format=csv",
        content((Page<ShipmentLineRow> = "application/json"), (String = "text/csv"))), ReportErrors))]
#[get("/api/reports/shipment-lines")]
#[tracing::instrument(
    name = "GET /api/reports/shipment-lines",
    skip_all,
    err(level = "warn")
)]
pub async fn shipment_lines(
    auth: web::Data<AuthService>,
    store: web::Data<dyn Store>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (q, format) = list_query(&auth, store.get_ref(), &req, Shape::of_documents(&[])).await?;
    page_response(store.shipment_lines(&q).await?, format, "shipment-lines")
}

/// Validation problems of documents' current state; dates filter `detected_at`.
#[utoipa::path(get, path = "/api/reports/document-problems", tag = "reports",
    params(ReportParams),
    responses((status = 200, description = "One page of rows; CSV with format=csv",
        content((Page<DocumentProblemRow> = "application/json"), (String = "text/csv"))), ReportErrors))]
#[get("/api/reports/document-problems")]
#[tracing::instrument(
    name = "GET /api/reports/document-problems",
    skip_all,
    err(level = "warn")
)]
pub async fn document_problems(
    auth: web::Data<AuthService>,
    store: web::Data<dyn Store>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (q, format) = list_query(&auth, store.get_ref(), &req, Shape::of_documents(&[])).await?;
    page_response(
        store.document_problems(&q).await?,
        format,
        "document-problems",
    )
}

/// Edits synced against the write policy (e.g. a staff approval), each undone by the
/// server: who, from which device, what they tried, when. Dates filter `detected_at`.
#[utoipa::path(get, path = "/api/reports/policy-violations", tag = "reports",
    params(ReportParams),
    responses((status = 200, description = "One page of rows; CSV with format=csv",
        content((Page<PolicyViolationRow> = "application/json"), (String = "text/csv"))), ReportErrors))]
#[get("/api/reports/policy-violations")]
#[tracing::instrument(
    name = "GET /api/reports/policy-violations",
    skip_all,
    err(level = "warn")
)]
pub async fn policy_violations(
    auth: web::Data<AuthService>,
    store: web::Data<dyn Store>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (q, format) = list_query(&auth, store.get_ref(), &req, Shape::of_documents(&[])).await?;
    page_response(
        store.policy_violations(&q).await?,
        format,
        "policy-violations",
    )
}
