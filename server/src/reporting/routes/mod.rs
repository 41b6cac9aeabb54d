//! The reporting API: `/api/reports/kpis/*` (figures with the previous period beside
//! them) and `/api/reports/*` (paginated tables). Every endpoint answers JSON, or CSV
//! with `?format=csv`, and reads only the sites the caller belongs to.

pub(crate) mod kpis;
pub(crate) mod lists;

use actix_web::{HttpRequest, HttpResponse, http::header, web};
use serde::Serialize;
use utoipa::IntoResponses;

use super::{
    params::{Format, ReportParams},
    period::Period,
};
use crate::{
    auth::{AuthService, request::bearer_principal},
    csv::{CsvColumns, to_csv},
    http::{
        ApiError, ErrorBody,
        access::{slugs, visible_sites},
    },
    storage::{KpiQuery, KpiSource, ListQuery, Page, Store, StoreError, now_millis},
    time::{Day, rfc3339_millis},
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(kpis::trend)
        .service(kpis::all)
        .service(kpis::inventory_accuracy)
        .service(kpis::count_completion)
        .service(kpis::checklists)
        .service(kpis::corrective_actions)
        .service(kpis::shipments)
        .service(kpis::receiving)
        .service(lists::replenishment)
        .service(lists::stock_levels)
        .service(lists::count_sessions)
        .service(lists::count_lines)
        .service(lists::count_entries)
        .service(lists::count_conflicts)
        .service(lists::checklist_runs)
        .service(lists::checklist_responses)
        .service(lists::corrective_actions)
        .service(lists::shipments)
        .service(lists::shipment_lines)
        .service(lists::document_problems)
        .service(lists::policy_violations);
}

/// The errors every report can answer.
#[allow(dead_code)]
#[derive(IntoResponses)]
pub enum ReportErrors {
    /// A filter is malformed: the message names it and what it expects.
    #[response(status = 400)]
    BadRequest(ErrorBody),
    /// No valid bearer token.
    #[response(status = 401)]
    Unauthorized(ErrorBody),
    /// The site is unknown, or not one of yours (the two answer alike).
    #[response(status = 404)]
    NotFound(ErrorBody),
}

/// A checked request: the sites it covers and its filters.
struct Report {
    sites: Vec<i64>,
    params: ReportParams,
    format: Format,
}

async fn report(
    auth: &AuthService,
    store: &dyn Store,
    req: &HttpRequest,
) -> Result<Report, ApiError> {
    let principal = bearer_principal(auth, req).await?;
    let params = ReportParams::from_query(req.query_string()).map_err(ApiError::BadRequest)?;
    let format = params.format().map_err(ApiError::BadRequest)?;
    let sites = visible_sites(store, &principal, params.site.as_deref()).await?;
    Ok(Report {
        sites,
        params,
        format,
    })
}

/// Which filters a list takes beyond `site`, `format`, `limit` and `offset`.
pub(crate) struct Shape {
    /// The states `status` may name; none means the list has no status.
    statuses: &'static [&'static str],
    /// Whether `from` / `to` and `document` apply (rows of documents, with a date).
    of_documents: bool,
}

impl Shape {
    const fn of_documents(statuses: &'static [&'static str]) -> Shape {
        Shape {
            statuses,
            of_documents: true,
        }
    }

    /// Current state (stock), neither dated nor from one document.
    pub(crate) const CURRENT: Shape = Shape {
        statuses: &[],
        of_documents: false,
    };
}

pub(crate) async fn list_query(
    auth: &AuthService,
    store: &dyn Store,
    req: &HttpRequest,
    shape: Shape,
) -> Result<(ListQuery, Format), ApiError> {
    let Report {
        sites,
        params,
        format,
    } = report(auth, store, req).await?;
    if !shape.of_documents {
        for (name, value) in [
            ("from", &params.from),
            ("to", &params.to),
            ("document", &params.document),
        ] {
            if value.is_some() {
                return Err(ApiError::BadRequest(format!(
                    "{name} does not apply to this list: it shows the current state"
                )));
            }
        }
    }
    let statuses = shape.statuses;
    let (start, end) = params.list_bounds().map_err(ApiError::BadRequest)?;
    let query = ListQuery {
        sites,
        start,
        end,
        limit: params.limit().map_err(ApiError::BadRequest)?,
        offset: params.offset().map_err(ApiError::BadRequest)?,
        status: params.statuses(statuses).map_err(ApiError::BadRequest)?,
        document: params.document,
    };
    Ok((query, format))
}

pub(crate) fn page_response<T: Serialize + CsvColumns>(
    page: Page<T>,
    format: Format,
    name: &str,
) -> Result<HttpResponse, ApiError> {
    match format {
        Format::Json => Ok(HttpResponse::Ok().json(page)),
        Format::Csv => csv_response(&page.rows, name, Some(page.total)),
    }
}

pub(crate) fn csv_response<T: Serialize + CsvColumns>(
    rows: &[T],
    name: &str,
    total: Option<i64>,
) -> Result<HttpResponse, ApiError> {
    let body = to_csv(rows).map_err(|e| ApiError::Storage(StoreError::Corrupt(e.to_string())))?;
    let mut response = HttpResponse::Ok();
    response
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}.csv\""),
        ));
    if let Some(total) = total {
        response.insert_header(("X-Total-Count", total.to_string()));
    }
    Ok(response.body(body))
}

/// A KPI request: the chosen period and the previous one, as queries.
struct KpiPeriods {
    period: Period,
    previous: Period,
    current_query: KpiQuery,
    previous_query: KpiQuery,
    today: Day,
    sites: Vec<String>,
    format: Format,
}

async fn kpi_periods(
    auth: &AuthService,
    store: &dyn Store,
    req: &HttpRequest,
) -> Result<KpiPeriods, ApiError> {
    let report = report(auth, store, req).await?;
    let now_ms = now_millis();
    let today = Day::of_millis(now_ms);
    let period = report.params.period(today).map_err(ApiError::BadRequest)?;
    let previous = period.previous();
    let query = |p: &Period| KpiQuery {
        sites: report.sites.clone(),
        window: p.window(),
        now: rfc3339_millis(now_ms),
        source: KpiSource::Rollups,
    };
    Ok(KpiPeriods {
        current_query: query(&period),
        previous_query: query(&previous),
        period,
        previous,
        today,
        sites: slugs(store, &report.sites).await?,
        format: report.format,
    })
}
