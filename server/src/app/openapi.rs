//! The OpenAPI document at `GET /api/openapi.json`, generated with utoipa from the
//! reporting handlers and their row types. The endpoints outside reporting (auth,
//! tickets, me, work, attachments) are described by the stubs in [`other`], since their
//! handlers live in modules this one does not own; keep those stubs in step with them.

use actix_web::{HttpResponse, get};
use utoipa::{
    Modify, OpenApi,
    openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
};

use super::routes::{self as routes, ErrorBody};

#[derive(OpenApi)]
#[openapi(
    info(title = "Floorwalk API", description = "Sync tickets, work lists, attachments and the manager's reports. Every endpoint except login, refresh and logout needs `Authorization: Bearer <access token>`."),
    paths(
        other::login, other::refresh, other::logout, other::sync_ticket, other::me,
        other::site_work, other::upload_attachment, other::download_attachment,
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

/// Descriptions of the endpoints outside reporting. Never routed: the real handlers are
/// in `auth::routes`, `http::me` and `http::attachments`.
#[allow(dead_code)]
pub mod other {
    use serde::Serialize;
    use utoipa::ToSchema;

    use crate::reporting::routes::ErrorBody;

    #[derive(Serialize, ToSchema)]
    pub struct LoginRequest {
        pub email: String,
        pub password: String,
    }

    #[derive(Serialize, ToSchema)]
    pub struct RefreshRequest {
        pub refresh_token: String,
    }

    #[derive(Serialize, ToSchema)]
    pub struct TokenPair {
        pub access_token: String,
        /// Single use: each refresh returns a new one.
        pub refresh_token: String,
        /// Seconds the access token is valid.
        pub expires_in: u64,
        /// The sync peer id of this login on this device.
        pub peer_id: String,
    }

    #[derive(Serialize, ToSchema)]
    pub struct SyncTicket {
        /// Open `/sync?ticket=…` with it; single use, short-lived.
        pub ticket: String,
        pub peer_id: String,
        pub expires_in: u64,
    }

    #[derive(Serialize, ToSchema)]
    pub struct MeUser {
        pub id: i64,
        pub email: String,
        pub display_name: String,
        /// admin, manager, staff or viewer.
        pub role: String,
    }

    #[derive(Serialize, ToSchema)]
    pub struct MeSite {
        pub slug: String,
        pub name: String,
        pub writable: bool,
        /// `automerge:<id>` of the site's master-data document.
        pub site_document_url: Option<String>,
    }

    #[derive(Serialize, ToSchema)]
    pub struct Me {
        pub user: MeUser,
        pub peer_id: String,
        pub sites: Vec<MeSite>,
    }

    #[derive(Serialize, ToSchema)]
    pub struct WorkDocument {
        /// `automerge:<id>`.
        pub url: String,
        #[serde(rename = "type")]
        pub doc_type: String,
        pub title: Option<String>,
        pub status: Option<String>,
        pub due_at: Option<String>,
        pub assignees: Vec<String>,
    }

    #[derive(Serialize, ToSchema)]
    pub struct Work {
        pub documents: Vec<WorkDocument>,
    }

    #[derive(Serialize, ToSchema)]
    pub struct AttachmentStored {
        pub sha256: String,
        pub size: u64,
        /// image/jpeg, image/png, image/webp or application/pdf (judged by content).
        pub content_type: String,
    }

    /// Log in; returns an access token and a rotating refresh token.
    #[utoipa::path(post, path = "/api/auth/login", tag = "auth", security(()),
        request_body = LoginRequest,
        responses((status = 200, body = TokenPair), (status = 401, body = ErrorBody)))]
    pub fn login() {}

    /// Trade a refresh token for a new pair (the old one is spent).
    #[utoipa::path(post, path = "/api/auth/refresh", tag = "auth", security(()),
        request_body = RefreshRequest,
        responses((status = 200, body = TokenPair), (status = 401, body = ErrorBody)))]
    pub fn refresh() {}

    /// Revoke this login's refresh tokens.
    #[utoipa::path(post, path = "/api/auth/logout", tag = "auth", security(()),
        request_body = RefreshRequest,
        responses((status = 204, description = "Logged out"), (status = 401, body = ErrorBody)))]
    pub fn logout() {}

    /// A single-use ticket for opening the sync websocket.
    #[utoipa::path(post, path = "/api/sync/ticket", tag = "auth",
        responses((status = 200, body = SyncTicket), (status = 401, body = ErrorBody)))]
    pub fn sync_ticket() {}

    /// The caller, their peer id and their sites.
    #[utoipa::path(get, path = "/api/me", tag = "sites",
        responses((status = 200, body = Me), (status = 401, body = ErrorBody)))]
    pub fn me() {}

    /// The work documents of one of the caller's sites.
    #[utoipa::path(get, path = "/api/sites/{slug}/work", tag = "sites",
        params(("slug" = String, Path, description = "Site slug")),
        responses((status = 200, body = Work), (status = 401, body = ErrorBody),
            (status = 404, description = "Unknown site or not yours", body = ErrorBody)))]
    pub fn site_work() {}

    /// Upload a photo, signature or PDF (idempotent; the hash is checked).
    #[utoipa::path(put, path = "/api/attachments/{sha256}", tag = "attachments",
        params(("sha256" = String, Path, description = "SHA-256 of the body, 64 hex digits"),
            ("site" = String, Query, description = "Slug of the site it belongs to")),
        request_body(content = Vec<u8>, content_type = "application/octet-stream"),
        responses((status = 201, description = "Stored at this site", body = AttachmentStored),
            (status = 200, description = "This site has it already", body = AttachmentStored),
            (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
            (status = 403, description = "Viewers cannot upload", body = ErrorBody),
            (status = 404, body = ErrorBody), (status = 413, body = ErrorBody),
            (status = 415, body = ErrorBody),
            (status = 507, description = "The site's attachment quota is full (`quota_exceeded`)", body = ErrorBody)))]
    pub fn upload_attachment() {}

    /// Download an attachment of one of the caller's sites.
    #[utoipa::path(get, path = "/api/attachments/{sha256}", tag = "attachments",
        params(("sha256" = String, Path, description = "SHA-256, 64 hex digits")),
        responses((status = 200, description = "The bytes, with their content type; revalidated on every use (`Cache-Control: private, no-cache`, `ETag`)"),
            (status = 304, description = "The cached copy named by `If-None-Match` is current"),
            (status = 401, body = ErrorBody), (status = 404, description = "No site of yours uploaded it", body = ErrorBody)))]
    pub fn download_attachment() {}
}
