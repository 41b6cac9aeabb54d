//! `POST /api/sites/{slug}/count-sessions`: plan a cycle count. The scope (location
//! subtrees by code, SKUs, an item class) picks the lines among the site's current
//! stock levels, each with its `expected_qty` snapshot, so the session is ready to
//! count on the assignees' phones.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::ToSchema;

use super::{check_members, check_timestamp, create_document, created, site_master};
use crate::{
    auth::{AuthService, request::bearer_principal},
    documents::stamp::{new_uuid, recorded},
    http::{ApiError, access::manager_site},
    storage::{StockOnHand, Store},
    sync::Hub,
};

/// What to count; all empty means the whole site.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScopeRequest {
    /// Location codes; a zone or aisle covers everything under it.
    #[serde(default)]
    pub locations: Vec<String>,
    #[serde(default)]
    pub skus: Vec<String>,
    /// An item class code (e.g. "A"): its items join `skus`.
    pub item_class: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCountSession {
    pub title: String,
    #[serde(default)]
    pub scope: ScopeRequest,
    /// Whether phones hide the expected quantities.
    #[serde(default)]
    pub blind: bool,
    /// User ids (strings), members of the site.
    #[serde(default)]
    pub assignees: Vec<String>,
    /// RFC 3339.
    pub due_at: Option<String>,
}

/// The planned lines: `"<location>|<sku>"` → expected quantity, and the SKUs in scope.
#[derive(Debug, PartialEq)]
pub struct PlannedLines {
    pub lines: BTreeMap<String, u64>,
    pub skus: Vec<String>,
}

/// Picks the lines of `scope` from the stock levels, checked against the site's
/// master data (`site`, its JSON). An unknown code, SKU or class is an `Err`.
pub fn plan_lines(
    site: &Value,
    stock: &[StockOnHand],
    scope: &ScopeRequest,
) -> Result<PlannedLines, String> {
    let empty = serde_json::Map::new();
    let locations = site["locations"].as_object().unwrap_or(&empty);
    let items = site["items"].as_object().unwrap_or(&empty);
    let code_of = |id: &str| locations.get(id).and_then(|l| l["code"].as_str());
    let known_codes: BTreeSet<&str> = locations
        .values()
        .filter_map(|l| l["code"].as_str())
        .collect();
    if let Some(code) = scope
        .locations
        .iter()
        .find(|c| !known_codes.contains(c.as_str()))
    {
        return Err(format!(
            "scope.locations: no location has code {code:?} at this site"
        ));
    }
    let classes: HashMap<&str, Option<&str>> = items
        .values()
        .filter_map(|i| Some((i["sku"].as_str()?, i["item_class"].as_str())))
        .collect();
    if let Some(sku) = scope
        .skus
        .iter()
        .find(|s| !classes.contains_key(s.as_str()))
    {
        return Err(format!("scope.skus: no item has SKU {sku:?} at this site"));
    }
    let mut skus: BTreeSet<String> = scope.skus.iter().cloned().collect();
    if let Some(class) = &scope.item_class {
        let before = skus.len();
        skus.extend(
            classes
                .iter()
                .filter(|(_, c)| **c == Some(class.as_str()))
                .map(|(s, _)| (*s).to_owned()),
        );
        if skus.len() == before && !classes.values().any(|c| *c == Some(class.as_str())) {
            return Err(format!("scope.item_class: no item is in class {class:?}"));
        }
    }
    // Every code under a scoped code (itself included), by climbing each location's parents.
    let scoped: BTreeSet<&str> = scope.locations.iter().map(String::as_str).collect();
    let covered: BTreeSet<&str> = locations
        .iter()
        .filter(|(id, _)| {
            let mut at = Some(id.as_str());
            // The tree is at most zone → aisle → bin; the cap guards against cycles.
            for _ in 0..8 {
                let Some(current) = at else { break };
                if code_of(current).is_some_and(|c| scoped.contains(c)) {
                    return true;
                }
                at = locations.get(current).and_then(|l| l["parent"].as_str());
            }
            false
        })
        .filter_map(|(id, _)| code_of(id))
        .collect();
    let lines = stock
        .iter()
        .filter(|s| skus.is_empty() || skus.contains(&s.sku))
        .filter(|s| scoped.is_empty() || covered.contains(s.location.as_str()))
        .map(|s| {
            (
                format!("{}|{}", s.location, s.sku),
                u64::try_from(s.on_hand).unwrap_or(0),
            )
        })
        .collect();
    Ok(PlannedLines {
        lines,
        skus: skus.into_iter().collect(),
    })
}

/// Plan a count session; 201 with its document id and the number of lines planned.
#[utoipa::path(post, path = "/api/sites/{slug}/count-sessions", tag = "planning",
    params(("slug" = String, Path, description = "Site slug")),
    request_body = NewCountSession,
    responses((status = 201, description = "{\"document_id\", \"url\", \"lines\"}"),
        (status = 400, description = "Unknown code, SKU, class or assignee; bad due_at", body = crate::http::ErrorBody),
        (status = 401, body = crate::http::ErrorBody),
        (status = 403, description = "Staff and viewers cannot plan", body = crate::http::ErrorBody),
        (status = 404, body = crate::http::ErrorBody)))]
#[post("/api/sites/{slug}/count-sessions")]
#[tracing::instrument(
    name = "POST /api/sites/{slug}/count-sessions",
    skip_all,
    err(level = "warn")
)]
pub async fn create_count_session(
    auth: web::Data<AuthService>,
    store: web::Data<dyn Store>,
    hub: web::Data<std::sync::Arc<Hub>>,
    req: HttpRequest,
    slug: web::Path<String>,
    body: web::Json<NewCountSession>,
) -> Result<HttpResponse, ApiError> {
    let principal = bearer_principal(&auth, &req).await?;
    let site = manager_site(store.get_ref(), &principal, &slug).await?;
    let plan = body.into_inner();
    if plan.title.trim().is_empty() {
        return Err(ApiError::BadRequest("title must not be empty".into()));
    }
    if let Some(due) = &plan.due_at {
        check_timestamp("due_at", due)?;
    }
    check_members(store.get_ref(), &site, "assignees", &plan.assignees).await?;
    let master = site_master(&hub, store.get_ref(), &site, principal.user.id).await?;
    let stock = store.stock_on_hand(site.id).await?;
    let planned = plan_lines(&master, &stock, &plan.scope).map_err(ApiError::BadRequest)?;
    let lines: serde_json::Map<String, Value> = planned
        .lines
        .iter()
        .map(|(key, qty)| (key.clone(), json!({ "expected_qty": qty })))
        .collect();
    let mut timeline_event = recorded(principal.user.id);
    timeline_event["id"] = json!(new_uuid());
    timeline_event["status"] = json!("open");
    let mut document = json!({
        "type": "count_session",
        "schema_version": 1,
        "site": site.slug,
        "title": plan.title.trim(),
        "scope": { "locations": plan.scope.locations, "skus": planned.skus },
        "blind": plan.blind,
        "assignees": plan.assignees,
        "timeline": [timeline_event],
        "lines": lines,
        "entries": [],
    });
    if let Some(due) = plan.due_at {
        document["due_at"] = json!(due);
    }
    let message = format!("plan count session {:?}", plan.title.trim());
    let id = create_document(&hub, &site, principal.user.id, message, document).await?;
    Ok(created(&id, json!({ "lines": planned.lines.len() })))
}

#[cfg(test)]
mod tests {
    use floorwalk_shared::examples::example_site_json;

    use super::*;

    fn stock() -> Vec<StockOnHand> {
        [
            ("A-01-01", "SKU-9", 40),
            ("A-01-02", "SKU-12", 6),
            ("A-01-02", "SKU-9", -2),
            ("B-9", "SKU-12", 1),
        ]
        .into_iter()
        .map(|(location, sku, on_hand)| StockOnHand {
            location: location.into(),
            sku: sku.into(),
            on_hand,
        })
        .collect()
    }

    fn scope(locations: &[&str], skus: &[&str], class: Option<&str>) -> ScopeRequest {
        ScopeRequest {
            locations: locations.iter().map(|s| (*s).to_owned()).collect(),
            skus: skus.iter().map(|s| (*s).to_owned()).collect(),
            item_class: class.map(str::to_owned),
        }
    }

    #[test]
    fn an_aisle_covers_its_bins_and_skus_narrow_it() {
        let site = example_site_json();
        let plan = plan_lines(&site, &stock(), &scope(&["A-01"], &[], None)).expect("plan");
        let keys: Vec<&str> = plan.lines.keys().map(String::as_str).collect();
        assert_eq!(keys, ["A-01-01|SKU-9", "A-01-02|SKU-12", "A-01-02|SKU-9"]);
        assert_eq!(plan.lines["A-01-02|SKU-9"], 0, "negative stock expects 0");
        let plan = plan_lines(&site, &stock(), &scope(&["A"], &["SKU-12"], None)).expect("plan");
        assert_eq!(plan.lines.keys().collect::<Vec<_>>(), ["A-01-02|SKU-12"]);
        // Class B is SKU-9; no location scope: every location with stock.
        let plan = plan_lines(&site, &stock(), &scope(&[], &[], Some("B"))).expect("plan");
        assert_eq!(plan.skus, ["SKU-9"]);
        assert_eq!(plan.lines.len(), 2);
        assert_eq!(
            plan_lines(&site, &stock(), &ScopeRequest::default())
                .expect("all")
                .lines
                .len(),
            4
        );
    }

    #[test]
    fn unknown_names_are_refused() {
        let site = example_site_json();
        assert!(
            plan_lines(&site, &stock(), &scope(&["Z"], &[], None))
                .expect_err("code")
                .contains("\"Z\"")
        );
        assert!(
            plan_lines(&site, &stock(), &scope(&[], &["NOPE"], None))
                .expect_err("sku")
                .contains("NOPE")
        );
        assert!(
            plan_lines(&site, &stock(), &scope(&[], &[], Some("Q")))
                .expect_err("class")
                .contains("\"Q\"")
        );
    }
}
