//! `POST /api/sites/{slug}/shipments`: an expected inbound or outbound shipment with
//! its expected lines (e.g. from a draft purchase order), so receiving on the phone
//! checks against it.

use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::ToSchema;

use super::{check_timestamp, create_document, created, site_master};
use crate::{
    auth::{AuthService, request::bearer_principal},
    documents::stamp::{new_uuid, recorded},
    http::{ApiError, access::manager_site},
    storage::Store,
    sync::Hub,
};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpectedLineRequest {
    pub sku: String,
    /// Whole units, ≥ 1.
    pub qty: u64,
    /// Planned put-away (inbound) or pick (outbound) location code.
    pub location: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewShipment {
    /// inbound or outbound.
    pub direction: String,
    /// PO number (inbound) or order number (outbound).
    pub reference: String,
    pub carrier: Option<String>,
    pub tracking_number: Option<String>,
    /// Supplier (inbound) or customer (outbound).
    pub supplier: Option<String>,
    /// RFC 3339: when it should arrive or leave.
    pub expected_at: String,
    pub lines: Vec<ExpectedLineRequest>,
}

/// Checks the lines against the site's items and locations; the first problem wins.
fn check_lines(master: &Value, lines: &[ExpectedLineRequest]) -> Result<(), String> {
    let has = |collection: &str, field: &str, value: &str| {
        master[collection]
            .as_object()
            .is_some_and(|m| m.values().any(|v| v[field] == value))
    };
    if lines.is_empty() {
        return Err("lines must list at least one {\"sku\", \"qty\"}".into());
    }
    for (i, line) in lines.iter().enumerate() {
        if !has("items", "sku", &line.sku) {
            return Err(format!(
                "lines[{i}].sku: no item has SKU {:?} at this site",
                line.sku
            ));
        }
        if line.qty == 0 {
            return Err(format!("lines[{i}].qty must be at least 1"));
        }
        if let Some(code) = &line.location
            && !has("locations", "code", code)
        {
            return Err(format!(
                "lines[{i}].location: no location has code {code:?} at this site"
            ));
        }
    }
    Ok(())
}

/// Create an expected shipment; 201 with its document id.
#[utoipa::path(post, path = "/api/sites/{slug}/shipments", tag = "planning",
    params(("slug" = String, Path, description = "Site slug")),
    request_body = NewShipment,
    responses((status = 201, description = "{\"document_id\", \"url\", \"lines\"}"),
        (status = 400, description = "Unknown SKU or location, bad direction or time", body = crate::http::ErrorBody),
        (status = 401, body = crate::http::ErrorBody),
        (status = 403, body = crate::http::ErrorBody),
        (status = 404, body = crate::http::ErrorBody)))]
#[post("/api/sites/{slug}/shipments")]
#[tracing::instrument(
    name = "POST /api/sites/{slug}/shipments",
    skip_all,
    err(level = "warn")
)]
pub async fn create_shipment(
    auth: web::Data<AuthService>,
    store: web::Data<dyn Store>,
    hub: web::Data<std::sync::Arc<Hub>>,
    req: HttpRequest,
    slug: web::Path<String>,
    body: web::Json<NewShipment>,
) -> Result<HttpResponse, ApiError> {
    let principal = bearer_principal(&auth, &req).await?;
    let site = manager_site(store.get_ref(), &principal, &slug).await?;
    let plan = body.into_inner();
    if !matches!(plan.direction.as_str(), "inbound" | "outbound") {
        return Err(ApiError::BadRequest(format!(
            "direction must be inbound or outbound, not {:?}",
            plan.direction
        )));
    }
    if plan.reference.trim().is_empty() {
        return Err(ApiError::BadRequest(
            "reference (PO or order number) must not be empty".into(),
        ));
    }
    check_timestamp("expected_at", &plan.expected_at)?;
    let master = site_master(&hub, store.get_ref(), &site, principal.user.id).await?;
    check_lines(&master, &plan.lines).map_err(ApiError::BadRequest)?;
    let expected_lines: Vec<Value> = plan
        .lines
        .iter()
        .map(|line| {
            let mut value = json!({ "id": new_uuid(), "sku": line.sku, "qty": line.qty });
            if let Some(location) = &line.location {
                value["location"] = json!(location);
            }
            value
        })
        .collect();
    let mut event = recorded(principal.user.id);
    event["id"] = json!(new_uuid());
    event["status"] = json!("expected");
    let mut document = json!({
        "type": "shipment",
        "schema_version": 1,
        "site": site.slug,
        "direction": plan.direction,
        "reference": plan.reference.trim(),
        "expected_at": plan.expected_at,
        "expected_lines": expected_lines,
        "entries": [],
        "timeline": [event],
    });
    for (field, value) in [
        ("carrier", &plan.carrier),
        ("tracking_number", &plan.tracking_number),
        ("counterparty", &plan.supplier),
    ] {
        if let Some(value) = value.as_deref().filter(|v| !v.trim().is_empty()) {
            document[field] = json!(value.trim());
        }
    }
    let message = format!(
        "plan {} shipment {:?}",
        plan.direction,
        plan.reference.trim()
    );
    let id = create_document(&hub, &site, principal.user.id, message, document).await?;
    Ok(created(&id, json!({ "lines": plan.lines.len() })))
}
