//! KPI endpoints: each reads the chosen period and the previous one of the same length.

use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::{KpiPeriods, ReportErrors, csv_response, kpi_periods};
use crate::{
    auth::AuthService,
    http::ApiError,
    reporting::{
        kpi::{self, Figure, FigureCsvRow},
        params::{Format, ReportParams},
        period::Period,
    },
    storage::{KpiQuery, Store},
};

/// Figures of one KPI group for the chosen sites and period.
#[derive(Debug, Serialize, ToSchema)]
pub struct KpiReport {
    /// First and last day of the period (UTC, both included).
    pub from: String,
    pub to: String,
    /// The previous period of the same length.
    pub previous_from: String,
    pub previous_to: String,
    /// Slugs of the sites covered.
    pub sites: Vec<String>,
    pub figures: Vec<Figure>,
}

fn respond(k: &KpiPeriods, figures: Vec<Figure>, name: &str) -> Result<HttpResponse, ApiError> {
    let (from, to) = (k.period.from.to_string(), k.period.to.to_string());
    let (previous_from, previous_to) = (k.previous.from.to_string(), k.previous.to.to_string());
    match k.format {
        Format::Json => Ok(HttpResponse::Ok().json(KpiReport {
            from,
            to,
            previous_from,
            previous_to,
            sites: k.sites.clone(),
            figures,
        })),
        Format::Csv => {
            let rows: Vec<FigureCsvRow> = figures
                .iter()
                .map(|f| FigureCsvRow::new(f, [&from, &to], [&previous_from, &previous_to]))
                .collect();
            csv_response(&rows, name, None)
        }
    }
}

/// Every KPI below at once (the dashboard's first paint).
#[utoipa::path(get, path = "/api/reports/kpis", tag = "kpis",
    params(ReportParams),
    responses((status = 200, description = "Figures; CSV with format=csv",
        content((KpiReport = "application/json"), (String = "text/csv"))), ReportErrors))]
#[get("/api/reports/kpis")]
#[tracing::instrument(name = "GET /api/reports/kpis", skip_all, err(level = "warn"))]
pub async fn all(
    auth: web::Data<AuthService>,
    store: web::Data<dyn Store>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let k = kpi_periods(&auth, store.get_ref(), &req).await?;
    let store = store.get_ref();
    let mut figures = Vec::new();
    figures.extend(inventory_accuracy_figures(store, &k).await?);
    figures.extend(count_completion_figures(store, &k).await?);
    figures.extend(checklists_figures(store, &k).await?);
    figures.extend(corrective_actions_figures(store, &k).await?);
    figures.extend(shipments_figures(store, &k).await?);
    figures.extend(receiving_figures(store, &k).await?);
    respond(&k, figures, "kpis")
}

/// Inventory record accuracy (counted lines within their item class's tolerance ÷
/// lines counted, + and − never netted), variance value Σ|counted − expected| × unit
/// cost, and net adjustment value. A line belongs to the period of its latest entry.
#[utoipa::path(get, path = "/api/reports/kpis/inventory-accuracy", tag = "kpis",
    params(ReportParams),
    responses((status = 200, description = "Figures; CSV with format=csv",
        content((KpiReport = "application/json"), (String = "text/csv"))), ReportErrors))]
#[get("/api/reports/kpis/inventory-accuracy")]
#[tracing::instrument(
    name = "GET /api/reports/kpis/inventory-accuracy",
    skip_all,
    err(level = "warn")
)]
pub async fn inventory_accuracy(
    auth: web::Data<AuthService>,
    store: web::Data<dyn Store>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let k = kpi_periods(&auth, store.get_ref(), &req).await?;
    respond(
        &k,
        inventory_accuracy_figures(store.get_ref(), &k).await?,
        "inventory-accuracy",
    )
}

/// Count completion (sessions due in the period and closed by their due time ÷ sessions
/// due) and coverage (active items with a counted line in the period ÷ active items).
#[utoipa::path(get, path = "/api/reports/kpis/count-completion", tag = "kpis",
    params(ReportParams),
    responses((status = 200, description = "Figures; CSV with format=csv",
        content((KpiReport = "application/json"), (String = "text/csv"))), ReportErrors))]
#[get("/api/reports/kpis/count-completion")]
#[tracing::instrument(
    name = "GET /api/reports/kpis/count-completion",
    skip_all,
    err(level = "warn")
)]
pub async fn count_completion(
    auth: web::Data<AuthService>,
    store: web::Data<dyn Store>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let k = kpi_periods(&auth, store.get_ref(), &req).await?;
    respond(
        &k,
        count_completion_figures(store.get_ref(), &k).await?,
        "count-completion",
    )
}

/// Checklist completion and on-time rate of runs due in the period, overdue open runs
/// among them, and the failed-item rate of responses recorded in the period.
#[utoipa::path(get, path = "/api/reports/kpis/checklists", tag = "kpis",
    params(ReportParams),
    responses((status = 200, description = "Figures; CSV with format=csv",
        content((KpiReport = "application/json"), (String = "text/csv"))), ReportErrors))]
#[get("/api/reports/kpis/checklists")]
#[tracing::instrument(
    name = "GET /api/reports/kpis/checklists",
    skip_all,
    err(level = "warn")
)]
pub async fn checklists(
    auth: web::Data<AuthService>,
    store: web::Data<dyn Store>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let k = kpi_periods(&auth, store.get_ref(), &req).await?;
    respond(
        &k,
        checklists_figures(store.get_ref(), &k).await?,
        "checklists",
    )
}

/// Open and overdue corrective actions by site and priority, at the end of the period
/// (or now, if sooner) beside the end of the previous period.
#[utoipa::path(get, path = "/api/reports/kpis/corrective-actions", tag = "kpis",
    params(ReportParams),
    responses((status = 200, description = "Figures; CSV with format=csv",
        content((KpiReport = "application/json"), (String = "text/csv"))), ReportErrors))]
#[get("/api/reports/kpis/corrective-actions")]
#[tracing::instrument(
    name = "GET /api/reports/kpis/corrective-actions",
    skip_all,
    err(level = "warn")
)]
pub async fn corrective_actions(
    auth: web::Data<AuthService>,
    store: web::Data<dyn Store>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let k = kpi_periods(&auth, store.get_ref(), &req).await?;
    respond(
        &k,
        corrective_actions_figures(store.get_ref(), &k).await?,
        "corrective-actions",
    )
}

/// Per direction: shipments expected in the period, arrived (inbound) or dispatched
/// (outbound), late (past their expected time and not arrived), and expected today
/// beside yesterday.
#[utoipa::path(get, path = "/api/reports/kpis/shipments", tag = "kpis",
    params(ReportParams),
    responses((status = 200, description = "Figures; CSV with format=csv",
        content((KpiReport = "application/json"), (String = "text/csv"))), ReportErrors))]
#[get("/api/reports/kpis/shipments")]
#[tracing::instrument(
    name = "GET /api/reports/kpis/shipments",
    skip_all,
    err(level = "warn")
)]
pub async fn shipments(
    auth: web::Data<AuthService>,
    store: web::Data<dyn Store>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let k = kpi_periods(&auth, store.get_ref(), &req).await?;
    respond(
        &k,
        shipments_figures(store.get_ref(), &k).await?,
        "shipments",
    )
}

/// Receiving discrepancy rate (lines with over, short or damaged units ÷ lines of
/// inbound shipments that arrived in the period) and damage rate (damaged ÷ units
/// received).
#[utoipa::path(get, path = "/api/reports/kpis/receiving", tag = "kpis",
    params(ReportParams),
    responses((status = 200, description = "Figures; CSV with format=csv",
        content((KpiReport = "application/json"), (String = "text/csv"))), ReportErrors))]
#[get("/api/reports/kpis/receiving")]
#[tracing::instrument(
    name = "GET /api/reports/kpis/receiving",
    skip_all,
    err(level = "warn")
)]
pub async fn receiving(
    auth: web::Data<AuthService>,
    store: web::Data<dyn Store>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let k = kpi_periods(&auth, store.get_ref(), &req).await?;
    respond(
        &k,
        receiving_figures(store.get_ref(), &k).await?,
        "receiving",
    )
}

async fn inventory_accuracy_figures(
    store: &dyn Store,
    k: &KpiPeriods,
) -> Result<Vec<Figure>, ApiError> {
    let cur = store.count_accuracy(&k.current_query).await?;
    let prev = store.count_accuracy(&k.previous_query).await?;
    Ok(kpi::inventory_accuracy(&cur, &prev))
}

async fn count_completion_figures(
    store: &dyn Store,
    k: &KpiPeriods,
) -> Result<Vec<Figure>, ApiError> {
    let counts = store
        .count_completion(&[k.current_query.clone(), k.previous_query.clone()])
        .await?;
    Ok(kpi::count_completion(&counts[0], &counts[1]))
}

async fn checklists_figures(store: &dyn Store, k: &KpiPeriods) -> Result<Vec<Figure>, ApiError> {
    let cur = store.checklist_counts(&k.current_query).await?;
    let prev = store.checklist_counts(&k.previous_query).await?;
    Ok(kpi::checklists(&cur, &prev))
}

async fn corrective_actions_figures(
    store: &dyn Store,
    k: &KpiPeriods,
) -> Result<Vec<Figure>, ApiError> {
    let at = |q: &KpiQuery| q.window.as_of(&q.now);
    let sites = &k.current_query.sites;
    let cur = store
        .corrective_action_counts(sites, &at(&k.current_query))
        .await?;
    let prev = store
        .corrective_action_counts(sites, &at(&k.previous_query))
        .await?;
    Ok(kpi::corrective_actions(&cur, &prev))
}

async fn shipments_figures(store: &dyn Store, k: &KpiPeriods) -> Result<Vec<Figure>, ApiError> {
    let today = Period {
        from: k.today,
        to: k.today,
    };
    let day_query = |p: Period| KpiQuery {
        window: p.window(),
        ..k.current_query.clone()
    };
    let cur = store.shipment_counts(&k.current_query).await?;
    let prev = store.shipment_counts(&k.previous_query).await?;
    let now = store.shipment_counts(&day_query(today)).await?;
    let before = store.shipment_counts(&day_query(today.previous())).await?;
    Ok(kpi::shipments([&cur, &prev], [&now, &before]))
}

async fn receiving_figures(store: &dyn Store, k: &KpiPeriods) -> Result<Vec<Figure>, ApiError> {
    let cur = store.receiving_counts(&k.current_query).await?;
    let prev = store.receiving_counts(&k.previous_query).await?;
    Ok(kpi::receiving(&cur, &prev))
}
