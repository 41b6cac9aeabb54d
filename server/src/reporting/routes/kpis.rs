//! KPI endpoints: each reads the chosen period and the previous one of the same length.

use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{KpiPeriods, ReportErrors, csv_response, kpi_periods};
use crate::{
    auth::AuthService,
    http::ApiError,
    reporting::{
        kpi::{self, Figure, FigureCsvRow, FigureValue},
        params::{Format, ReportParams},
        period::Period,
    },
    storage::{ActionCounts, CountCompletionCounts, KpiQuery, ShipmentCounts, Store},
};

/// Figures of one KPI group for the chosen sites and period.
#[derive(Debug, Serialize, ToSchema)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export_to = "api/"))]
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

/// How many points a trend has at most, by default and at the most.
const TREND_POINTS: i64 = 12;
const MAX_TREND_POINTS: i64 = 90;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TrendParams {
    /// Most points in the series, 1 to 90; default 12.
    #[param(value_type = Option<i64>)]
    pub points: Option<String>,
}

/// A KPI's value over one sub-period of a trend.
#[derive(Debug, Serialize, ToSchema)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export_to = "api/"))]
pub struct TrendFigure {
    pub kpi: String,
    pub site: Option<String>,
    pub group: Option<String>,
    pub value: FigureValue,
}

#[derive(Debug, Serialize, ToSchema)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export_to = "api/"))]
pub struct TrendPoint {
    pub from: String,
    pub to: String,
    pub figures: Vec<TrendFigure>,
}

/// Every KPI of `/api/reports/kpis`, per consecutive sub-period of the period.
#[derive(Debug, Serialize, ToSchema)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export_to = "api/"))]
pub struct KpiTrend {
    pub from: String,
    pub to: String,
    pub sites: Vec<String>,
    pub points: Vec<TrendPoint>,
}

/// Every KPI per sub-period (at most `points`, the last ending on `to`; a one-day period
/// gives the week up to it, day by day): the dashboard's trend lines in one call. Each
/// point's figures are those `/api/reports/kpis` gives for that sub-period (groups with
/// rows in it; corrective actions 0 when none are open); `shipments_expected_today` is
/// today's in every point. JSON only.
#[utoipa::path(get, path = "/api/reports/kpis/trend", tag = "kpis",
    params(ReportParams, TrendParams),
    responses((status = 200, description = "The series", body = KpiTrend), ReportErrors))]
#[get("/api/reports/kpis/trend")]
#[tracing::instrument(name = "GET /api/reports/kpis/trend", skip_all, err(level = "warn"))]
pub async fn trend(
    auth: web::Data<AuthService>,
    store: web::Data<dyn Store>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let k = kpi_periods(&auth, store.get_ref(), &req).await?;
    let params = web::Query::<TrendParams>::from_query(req.query_string())
        .map_err(|e| ApiError::BadRequest(format!("invalid query string: {e}")))?;
    let points = match params.points.as_deref() {
        None => TREND_POINTS,
        Some(text) => text
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=MAX_TREND_POINTS).contains(n))
            .ok_or_else(|| {
                ApiError::BadRequest(format!(
                    "points must be a whole number from 1 to {MAX_TREND_POINTS}, not {text:?}"
                ))
            })?,
    };
    let store = store.get_ref();
    let periods = k.period.trend_points(points);
    let queries: Vec<KpiQuery> = periods
        .iter()
        .map(|p| KpiQuery {
            window: p.window(),
            ..k.current_query.clone()
        })
        .collect();
    let completion = store.count_completion(&queries).await?;
    let ats: Vec<String> = queries.iter().map(|q| q.window.as_of(&q.now)).collect();
    let actions = store
        .corrective_action_counts_at(&k.current_query.sites, &ats)
        .await?;
    let today = today_shipments(store, &k).await?;
    // The points are independent: asked at once, they share the database's cores.
    let points = periods
        .iter()
        .zip(&queries)
        .zip(completion.iter().zip(&actions))
        .map(|((period, q), (completion, actions))| {
            trend_point(store, period, q, (completion, actions), &today)
        });
    let series = futures_util::future::try_join_all(points).await?;
    Ok(HttpResponse::Ok().json(KpiTrend {
        from: k.period.from.to_string(),
        to: k.period.to.to_string(),
        sites: k.sites.clone(),
        points: series,
    }))
}

/// One point of the trend: every KPI over `q`'s window.
async fn trend_point(
    store: &dyn Store,
    period: &Period,
    q: &KpiQuery,
    (completion, actions): (&CountCompletionCounts, &[ActionCounts]),
    today: &[ShipmentCounts],
) -> Result<TrendPoint, ApiError> {
    let mut figures = Vec::new();
    figures.extend(kpi::inventory_accuracy(
        &store.count_accuracy(q).await?,
        &Default::default(),
    ));
    figures.extend(kpi::count_completion(completion, &Default::default()));
    figures.extend(kpi::checklists(
        &store.checklist_counts(q).await?,
        &Default::default(),
    ));
    let actions = kpi::corrective_actions(actions, &[]);
    if actions.is_empty() {
        // None open: a 0 on the line rather than a gap.
        for name in ["open_corrective_actions", "overdue_corrective_actions"] {
            figures.push(Figure::new(name, kpi::amount(0), kpi::amount(0)));
        }
    }
    figures.extend(actions);
    figures.extend(kpi::shipments(
        [&store.shipment_counts(q).await?, &[]],
        [today, &[]],
    ));
    figures.extend(kpi::receiving(
        &store.receiving_counts(q).await?,
        &Default::default(),
    ));
    Ok(TrendPoint {
        from: period.from.to_string(),
        to: period.to.to_string(),
        figures: figures
            .into_iter()
            .map(|f| TrendFigure {
                kpi: f.kpi,
                site: f.site,
                group: f.group,
                value: f.current,
            })
            .collect(),
    })
}

/// Shipments expected today.
async fn today_shipments(
    store: &dyn Store,
    k: &KpiPeriods,
) -> Result<Vec<ShipmentCounts>, ApiError> {
    let today = Period {
        from: k.today,
        to: k.today,
    };
    let q = KpiQuery {
        window: today.window(),
        ..k.current_query.clone()
    };
    Ok(store.shipment_counts(&q).await?)
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
    let ats = [at(&k.current_query), at(&k.previous_query)];
    let counts = store
        .corrective_action_counts_at(&k.current_query.sites, &ats)
        .await?;
    Ok(kpi::corrective_actions(&counts[0], &counts[1]))
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
