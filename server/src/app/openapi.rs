//! The OpenAPI document at `GET /api/openapi.json`, generated with utoipa from the
//! handlers themselves and the types they answer with: each endpoint is described
//! where it is written, and this list names them all.

use actix_web::{HttpResponse, get};
use utoipa::{
    Modify, OpenApi,
    openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
};

use crate::{http::ErrorBody, reporting::routes};

#[derive(OpenApi)]
#[openapi(
    info(title = "Floorwalk API", description = "Sync tickets, work lists, attachments and the manager's reports. Every endpoint except login, refresh and logout needs `Authorization: Bearer <access token>`."),
    paths(
        crate::http::auth_routes::login, crate::http::auth_routes::refresh,
        crate::http::auth_routes::logout, crate::http::auth_routes::sync_ticket,
        crate::http::me::me, crate::http::me::site_work,
        crate::http::attachments::upload, crate::http::attachments::download,
        openapi_json,
        routes::kpis::all, routes::kpis::trend, routes::kpis::inventory_accuracy, routes::kpis::count_completion,
        routes::kpis::checklists, routes::kpis::corrective_actions,
        routes::kpis::shipments, routes::kpis::receiving,
        routes::lists::replenishment, routes::lists::stock_levels,
        routes::lists::count_sessions, routes::lists::count_lines,
        routes::lists::count_entries, routes::lists::count_conflicts,
        routes::lists::checklist_runs, routes::lists::checklist_responses, routes::lists::corrective_actions,
        routes::lists::shipments, routes::lists::shipment_lines,
        routes::lists::document_problems,
        routes::lists::policy_violations,
        crate::actions::apply_action, crate::http::events::events,
        crate::http::members::site_members,
        crate::masterdata::lists::items, crate::masterdata::lists::locations,
        crate::masterdata::export::export_items, crate::masterdata::export::export_locations,
        crate::masterdata::routes::import_items, crate::masterdata::routes::import_locations,
        crate::audit::routes::document_history,
        crate::masterdata::templates::create_template, crate::masterdata::templates::publish_version,
        crate::planning::count_sessions::create_count_session, crate::planning::shipments::create_shipment,
        crate::planning::schedules::create_schedule, crate::planning::schedules::list_schedules,
        crate::admin::users::list_users, crate::admin::users::create_user, crate::admin::users::update_user, crate::admin::users::revoke_sessions,
        crate::admin::users::add_membership, crate::admin::users::remove_membership,
        crate::admin::sites::list_sites, crate::admin::sites::create_site,
    ),
    components(schemas(ErrorBody, crate::actions::Action)),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    tags(
        (name = "auth", description = "Log in, refresh, log out, sync tickets"),
        (name = "sites", description = "Who am I, my sites and their work"),
        (name = "attachments", description = "Photos, signatures and PDFs by SHA-256"),
        (name = "kpis", description = "Dashboard figures, with the previous period beside them"),
        (name = "reports", description = "Dashboard tables, paginated, JSON or CSV"),
        (name = "actions", description = "Manager decisions, applied as document changes that phones receive"),
        (name = "live", description = "Server-sent events: which site's figures changed"),
        (name = "admin", description = "Users, roles, memberships and sites (admins only)"),
        (name = "planning", description = "Count sessions, expected shipments and checklist schedules, made as documents"),
        (name = "audit", description = "Who changed what, from which device, when"),
        (name = "master data", description = "Items and locations: CSV import and export, checklist templates"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// This document.
#[utoipa::path(get, path = "/api/openapi.json", tag = "reports", security(()),
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json")))]
#[get("/api/openapi.json")]
pub async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}
