//! Turns checklist schedules into `checklist_run` documents, made through the hub so
//! they reach the assignee's phone like any other work. Runs are made up to a day
//! ahead, so a phone that syncs before the shift has them offline.

use std::{sync::Arc, time::Duration};

use serde_json::{Value, json};

use super::{create_document, site_master, time::next_occurrence};
use crate::{
    http::ApiError,
    storage::{
        Schedule, Store,
        cluster::{Job, Leadership},
        now_millis,
    },
    sync::{DocumentId, Hub},
    time::rfc3339_millis,
};

/// How far ahead runs are made.
pub const LEAD_MS: i64 = 24 * 3_600_000;
/// Occurrences missed by more than this (the server was down) are skipped, not made late.
const STALE_MS: i64 = 24 * 3_600_000;
const TICK: Duration = Duration::from_secs(2);

/// The run of `schedule` due at its `next_due_at`, as a new document.
pub async fn make_run(
    hub: &Arc<Hub>,
    store: &dyn Store,
    schedule: &Schedule,
) -> Result<DocumentId, ApiError> {
    let site = store
        .site_by_id(schedule.site_id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("site {} is gone", schedule.site_id)))?;
    let master = site_master(hub, store, &site, schedule.created_by).await?;
    let template = snapshot(&master, &schedule.template_id).ok_or_else(|| {
        ApiError::BadRequest(format!(
            "template_id: the site has no checklist template {:?} with a published version",
            schedule.template_id
        ))
    })?;
    let mut document = json!({
        "type": "checklist_run",
        "schema_version": 1,
        "site": site.slug,
        "template": template,
        "due_at": rfc3339_millis(schedule.next_due_at),
        "responses": {},
        "notes": [],
        "corrective_actions": [],
    });
    if let Some(location) = &schedule.location {
        document["location"] = json!(location);
    }
    if let Some(assignee) = &schedule.assignee {
        document["assignee"] = json!(assignee);
    }
    let message = format!("scheduled checklist run (schedule {})", schedule.id);
    create_document(hub, &site, schedule.created_by, message, document).await
}

/// The latest published version of a template, as a run's snapshot.
pub fn snapshot(master: &Value, template_id: &str) -> Option<Value> {
    let template = master["checklist_templates"].get(template_id)?;
    let latest = template["versions"]
        .as_array()?
        .iter()
        .max_by_key(|v| v["version"].as_u64().unwrap_or(0))?;
    Some(json!({
        "template_id": template_id,
        "version": latest["version"],
        "name": template["name"],
        "items": latest["items"],
    }))
}

/// Makes the run of the schedule's next occurrence, once: the occurrence is claimed
/// (the schedule moved on, compare-and-set) before the run is made, so the route that
/// created the schedule, the background task and other instances never both make it.
/// If the run cannot be made the claim is given back and a later tick tries again; if
/// the server dies in between, that one occurrence is skipped rather than made twice.
/// `None` when someone else claimed it, or it was missed by more than a day (skipped).
pub async fn make_due_run(
    hub: &Arc<Hub>,
    store: &dyn Store,
    schedule: &Schedule,
) -> Result<Option<DocumentId>, ApiError> {
    let (due, next) = (
        schedule.next_due_at,
        next_occurrence(schedule.next_due_at, schedule.recurrence),
    );
    if !store.claim_occurrence(schedule.id, due, next).await? || due < now_millis() - STALE_MS {
        return Ok(None);
    }
    match make_run(hub, store, schedule).await {
        Ok(id) => {
            store.record_run_made(schedule.id, id.as_str()).await?;
            Ok(Some(id))
        }
        Err(ApiError::BadRequest(reason)) => Err(ApiError::BadRequest(reason)),
        Err(e) => {
            store.release_occurrence(schedule.id, due, next).await?;
            Err(e)
        }
    }
}

/// The background task: every couple of seconds, makes the runs that fall due.
/// One instance runs it at a time (the claim above would keep two from making the
/// same run, but not from both reading every schedule every tick).
pub async fn run(hub: Arc<Hub>, store: Arc<dyn Store>) {
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut leadership = Leadership::new(Job::Scheduler);
    loop {
        tick.tick().await;
        if hub.is_shutting_down() {
            // Dropping the lease hands the job to another instance.
            hub.metrics().set_leading(Job::Scheduler, false);
            return;
        }
        let leading = leadership.leading(store.as_ref()).await;
        hub.metrics().set_leading(Job::Scheduler, leading);
        if !leading {
            continue;
        }
        let due = match store.schedules_due(now_millis() + LEAD_MS).await {
            Ok(due) => due,
            Err(e) => {
                tracing::warn!(error = %e, "cannot read checklist schedules");
                continue;
            }
        };
        for schedule in due {
            match make_due_run(&hub, store.as_ref(), &schedule).await {
                Ok(_) => {}
                // The template is gone or no longer valid: this occurrence stays
                // claimed (skipped) rather than retried every tick; the next one tries again.
                Err(ApiError::BadRequest(reason)) => {
                    tracing::warn!(schedule = schedule.id, %reason, "scheduled checklist run skipped");
                }
                Err(e) => {
                    tracing::warn!(schedule = schedule.id, error = %e, "scheduled checklist run not made; retrying");
                }
            }
        }
    }
}
