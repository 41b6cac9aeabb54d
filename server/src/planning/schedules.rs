//! `POST/GET /api/sites/{slug}/checklist-schedules`: a checklist template to run at a
//! location on a recurrence, for an assignee. The first run is made at once; the
//! background task ([`super::materialize`]) makes the following ones.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::{check_members, site_master, time::parse_rfc3339_ms};
use crate::{
    auth::{AuthService, request::bearer_principal},
    http::{
        ApiError,
        access::{manager_site, readable_site},
    },
    storage::{NewSchedule, Recurrence, Schedule, Store},
    sync::Hub,
    time::rfc3339_millis,
};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewChecklistSchedule {
    /// A template of the site document.
    pub template_id: String,
    /// Location code the runs are about.
    pub location: Option<String>,
    /// daily, weekly or monthly.
    pub recurrence: String,
    /// User id (string) of a member of the site.
    pub assignee: Option<String>,
    /// RFC 3339: when the first run is due.
    pub first_due_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChecklistSchedule {
    pub schedule_id: i64,
    pub template_id: String,
    pub location: Option<String>,
    pub recurrence: String,
    pub assignee: Option<String>,
    /// When the next run not yet made is due.
    pub next_due_at: String,
    pub runs_made: i64,
    pub last_document_id: Option<String>,
    pub created_by: String,
    pub created_at: String,
}

impl From<&Schedule> for ChecklistSchedule {
    fn from(s: &Schedule) -> Self {
        ChecklistSchedule {
            schedule_id: s.id,
            template_id: s.template_id.clone(),
            location: s.location.clone(),
            recurrence: s.recurrence.as_str().into(),
            assignee: s.assignee.clone(),
            next_due_at: rfc3339_millis(s.next_due_at),
            runs_made: s.runs_made,
            last_document_id: s.last_document_id.clone().filter(|d| !d.is_empty()),
            created_by: s.created_by.to_string(),
            created_at: rfc3339_millis(s.created_at),
        }
    }
}

/// Schedule a checklist; 201 with the schedule and the first run's document id.
#[utoipa::path(post, path = "/api/sites/{slug}/checklist-schedules", tag = "planning",
    params(("slug" = String, Path, description = "Site slug")),
    request_body = NewChecklistSchedule,
    responses((status = 201, description = "{\"schedule_id\", \"document_ids\": [first run], \"schedule\"}"),
        (status = 400, description = "Unknown template, location or assignee; bad recurrence or time", body = crate::http::ErrorBody),
        (status = 401, body = crate::http::ErrorBody),
        (status = 403, body = crate::http::ErrorBody),
        (status = 404, body = crate::http::ErrorBody)))]
#[post("/api/sites/{slug}/checklist-schedules")]
#[tracing::instrument(
    name = "POST /api/sites/{slug}/checklist-schedules",
    skip_all,
    err(level = "warn")
)]
pub async fn create_schedule(
    auth: web::Data<AuthService>,
    store: web::Data<dyn Store>,
    hub: web::Data<std::sync::Arc<Hub>>,
    req: HttpRequest,
    slug: web::Path<String>,
    body: web::Json<NewChecklistSchedule>,
) -> Result<HttpResponse, ApiError> {
    let principal = bearer_principal(&auth, &req).await?;
    let site = manager_site(store.get_ref(), &principal, &slug).await?;
    let plan = body.into_inner();
    let recurrence = Recurrence::parse(&plan.recurrence).ok_or_else(|| {
        ApiError::BadRequest(format!(
            "recurrence must be daily, weekly or monthly, not {:?}",
            plan.recurrence
        ))
    })?;
    let first_due = parse_rfc3339_ms(&plan.first_due_at).ok_or_else(|| {
        ApiError::BadRequest(format!(
            "first_due_at must be an RFC 3339 time like 2026-11-27T08:00:00.000Z, not {:?}",
            plan.first_due_at
        ))
    })?;
    if let Some(assignee) = &plan.assignee {
        check_members(
            store.get_ref(),
            &site,
            "assignee",
            std::slice::from_ref(assignee),
        )
        .await?;
    }
    let master = site_master(&hub, store.get_ref(), &site, principal.user.id).await?;
    if super::materialize::snapshot(&master, &plan.template_id).is_none() {
        return Err(ApiError::BadRequest(format!(
            "template_id: the site has no checklist template {:?} with a published version",
            plan.template_id
        )));
    }
    if let Some(code) = &plan.location {
        let known = master["locations"]
            .as_object()
            .is_some_and(|m| m.values().any(|l| l["code"] == code.as_str()));
        if !known {
            return Err(ApiError::BadRequest(format!(
                "location: no location has code {code:?} at this site"
            )));
        }
    }
    // The schedule starts at its second occurrence, so the background task never sees
    // the first: this request makes it, now, whenever it is due, so the planner sees it
    // on the phones.
    let schedule = store
        .create_schedule(&NewSchedule {
            site_id: site.id,
            template_id: plan.template_id,
            location: plan.location,
            recurrence,
            assignee: plan.assignee,
            next_due_at: super::time::next_occurrence(first_due, recurrence),
            created_by: principal.user.id,
        })
        .await?;
    let first_occurrence = Schedule {
        next_due_at: first_due,
        ..schedule.clone()
    };
    let first = match super::materialize::make_run(&hub, store.get_ref(), &first_occurrence).await {
        Ok(first) => first,
        Err(e) => {
            // Handed to the background task, which tries again.
            store
                .release_occurrence(schedule.id, first_due, schedule.next_due_at)
                .await?;
            return Err(e);
        }
    };
    store.record_run_made(schedule.id, first.as_str()).await?;
    let schedules = store.schedules_of_site(site.id).await?;
    let saved = schedules
        .iter()
        .find(|s| s.id == schedule.id)
        .unwrap_or(&schedule);
    Ok(HttpResponse::Created().json(json!({
        "schedule_id": schedule.id,
        "document_ids": [first.as_str()],
        "schedule": ChecklistSchedule::from(saved),
    })))
}

/// The checklist schedules of a site (any member may read them).
#[utoipa::path(get, path = "/api/sites/{slug}/checklist-schedules", tag = "planning",
    params(("slug" = String, Path, description = "Site slug")),
    responses((status = 200, description = "{\"schedules\": [...]}", body = Vec<ChecklistSchedule>),
        (status = 401, body = crate::http::ErrorBody),
        (status = 404, body = crate::http::ErrorBody)))]
#[get("/api/sites/{slug}/checklist-schedules")]
#[tracing::instrument(
    name = "GET /api/sites/{slug}/checklist-schedules",
    skip_all,
    err(level = "warn")
)]
pub async fn list_schedules(
    auth: web::Data<AuthService>,
    store: web::Data<dyn Store>,
    req: HttpRequest,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let principal = bearer_principal(&auth, &req).await?;
    let site = readable_site(store.get_ref(), &principal, &slug).await?;
    let schedules: Vec<ChecklistSchedule> = store
        .schedules_of_site(site.id)
        .await?
        .iter()
        .map(ChecklistSchedule::from)
        .collect();
    Ok(HttpResponse::Ok().json(json!({ "schedules": schedules })))
}
