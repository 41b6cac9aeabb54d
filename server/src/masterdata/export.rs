//! `GET /api/sites/{slug}/export/items.csv` and `/export/locations.csv`: the site's
//! master data in exactly the columns the import reads, so an export edited in a
//! spreadsheet imports back (round trip).

use actix_web::{HttpRequest, HttpResponse, get, http::header, web};

use super::import::{ITEM_COLUMNS, LOCATION_COLUMNS};
use crate::{
    auth::{AuthService, request::bearer_principal},
    csv::escape,
    http::{ApiError, access::readable_site},
    storage::{
        ListQuery, Store,
        rows::{ItemRow, LocationRow},
    },
};

/// Every row of a site (the schema caps a site at 100,000 items or locations).
fn whole_site(site_id: i64) -> ListQuery {
    ListQuery {
        sites: vec![site_id],
        start: None,
        end: None,
        document: None,
        status: Vec::new(),
        limit: floorwalk_shared::limits::MAX_ITEMS as i64,
        offset: 0,
    }
}

fn csv_line(cells: &[String]) -> String {
    let mut line = cells
        .iter()
        .map(|c| escape(c))
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

fn quantity(q: Option<i64>) -> String {
    q.map(|q| q.to_string()).unwrap_or_default()
}

/// An item as an import row.
pub fn item_cells(item: &ItemRow) -> Vec<String> {
    let barcodes: Vec<String> = serde_json::from_str(&item.barcodes).unwrap_or_default();
    vec![
        item.sku.clone(),
        item.name.clone(),
        barcodes.join("|"),
        item.unit.clone(),
        item.unit_cost_minor.to_string(),
        quantity(item.min_qty),
        quantity(item.reorder_point),
        quantity(item.max_qty),
        item.supplier.clone().unwrap_or_default(),
        item.item_class.clone().unwrap_or_default(),
    ]
}

pub fn location_cells(location: &LocationRow) -> Vec<String> {
    vec![
        location.code.clone(),
        location.name.clone().unwrap_or_default(),
        location.parent_code.clone().unwrap_or_default(),
        location.kind.clone(),
    ]
}

fn csv_file(
    name: String,
    header: &[&str],
    lines: impl Iterator<Item = Vec<String>>,
) -> HttpResponse {
    let header: Vec<String> = header.iter().map(|c| (*c).to_owned()).collect();
    let mut body = csv_line(&header);
    for cells in lines {
        body.push_str(&csv_line(&cells));
    }
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .body(body)
}

/// The site's items in the import's columns (archived items included, so a round
/// trip loses nothing). Barcodes are separated by `|`.
#[utoipa::path(get, path = "/api/sites/{slug}/export/items.csv", tag = "master data",
    params(("slug" = String, Path, description = "Site slug")),
    responses((status = 200, description = "CSV: sku,name,barcodes,unit,unit_cost_minor,min,reorder_point,max,supplier,item_class", content_type = "text/csv"),
        (status = 401, body = crate::http::ErrorBody),
        (status = 404, description = "Unknown site or not yours", body = crate::http::ErrorBody)))]
#[get("/api/sites/{slug}/export/items.csv")]
#[tracing::instrument(
    name = "GET /api/sites/{slug}/export/items.csv",
    skip_all,
    err(level = "warn")
)]
pub async fn export_items(
    auth: web::Data<AuthService>,
    store: web::Data<dyn Store>,
    req: HttpRequest,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let principal = bearer_principal(&auth, &req).await?;
    let site = readable_site(store.get_ref(), &principal, &slug).await?;
    let page = store.item_rows(&whole_site(site.id), None).await?;
    let name = format!("{}-items.csv", site.slug);
    Ok(csv_file(
        name,
        ITEM_COLUMNS,
        page.rows.iter().map(item_cells),
    ))
}

/// The site's locations in the import's columns; parents come before their children.
#[utoipa::path(get, path = "/api/sites/{slug}/export/locations.csv", tag = "master data",
    params(("slug" = String, Path, description = "Site slug")),
    responses((status = 200, description = "CSV: code,name,parent_code,kind", content_type = "text/csv"),
        (status = 401, body = crate::http::ErrorBody),
        (status = 404, description = "Unknown site or not yours", body = crate::http::ErrorBody)))]
#[get("/api/sites/{slug}/export/locations.csv")]
#[tracing::instrument(
    name = "GET /api/sites/{slug}/export/locations.csv",
    skip_all,
    err(level = "warn")
)]
pub async fn export_locations(
    auth: web::Data<AuthService>,
    store: web::Data<dyn Store>,
    req: HttpRequest,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let principal = bearer_principal(&auth, &req).await?;
    let site = readable_site(store.get_ref(), &principal, &slug).await?;
    let mut rows = store.location_rows(&whole_site(site.id), None).await?.rows;
    // Zones, then aisles, then bins: a reader going top to bottom meets parents first.
    rows.sort_by_key(|l| (depth(&l.kind), l.code.clone()));
    let name = format!("{}-locations.csv", site.slug);
    Ok(csv_file(
        name,
        LOCATION_COLUMNS,
        rows.iter().map(location_cells),
    ))
}

fn depth(kind: &str) -> u8 {
    match kind {
        "zone" => 0,
        "aisle" => 1,
        _ => 2,
    }
}
