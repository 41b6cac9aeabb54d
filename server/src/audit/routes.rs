//! `GET /api/documents/{id}/history[?user=&limit=&offset=]`: the audit trail of one
//! document, oldest change first. Any member of the document's site may read it
//! (viewers are auditors); everybody else gets 404, as for an unknown document.

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::diff::{ChangeSummary, Op, summarize};
use crate::storage::ListQuery;
use crate::{
    auth::{AuthService, request::bearer_principal},
    http::ApiError,
    storage::{ChangeRecord, Store},
    sync::{DocumentId, Hub},
    time::rfc3339_millis,
};

const DEFAULT_LIMIT: usize = 100;
const MAX_LIMIT: usize = 500;

/// History pages summarized at once, server-wide; more wait their turn.
static HISTORY_WORK: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryParams {
    /// Only changes delivered by this user id.
    pub user: Option<String>,
    /// Changes per page, 1 to 500; default 100.
    pub limit: Option<usize>,
    /// Changes to skip; default 0.
    pub offset: Option<usize>,
}

/// One change: who delivered it (from the server's change log), when it was made and
/// received, and what it changed.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryChange {
    pub hash: String,
    /// Automerge actor id (hex).
    pub actor: Option<String>,
    /// The actor's change number.
    pub seq: Option<u64>,
    /// The change's own timestamp (the author's clock), RFC 3339; null if unset.
    pub made_at: Option<String>,
    /// When the server stored it, RFC 3339.
    pub received_at: String,
    /// The authenticated user who delivered it (a string, as in documents).
    pub user_id: Option<String>,
    pub user_email: Option<String>,
    /// The sync peer (one login on one device) that delivered it; `floorwalk-server`
    /// for changes the server made on the user's behalf.
    pub peer_id: String,
    pub device: String,
    /// The change message, if any (server-made changes name the action).
    pub message: Option<String>,
    pub ops: Vec<Op>,
    /// Operations left out of `ops` (at most 50 are listed).
    pub more_ops: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct History {
    pub document_id: String,
    /// Changes matching the filter, over all pages.
    pub total: usize,
    pub limit: usize,
    pub offset: usize,
    pub changes: Vec<HistoryChange>,
    /// Edits in this document that the server undid because they broke the write
    /// policy, newest first (at most 100).
    pub violations: Vec<crate::storage::rows::PolicyViolationRow>,
}

/// The audit trail of a document of one of your sites, oldest change first.
#[utoipa::path(get, path = "/api/documents/{id}/history", tag = "audit",
    params(("id" = String, Path, description = "Document id (without `automerge:`)"), HistoryParams),
    responses((status = 200, body = History),
        (status = 400, body = crate::http::ErrorBody),
        (status = 401, body = crate::http::ErrorBody),
        (status = 404, description = "Unknown document, or not of your sites", body = crate::http::ErrorBody)))]
#[get("/api/documents/{id}/history")]
#[tracing::instrument(
    name = "GET /api/documents/{id}/history",
    skip_all,
    err(level = "warn")
)]
pub async fn document_history(
    auth: web::Data<AuthService>,
    store: web::Data<dyn Store>,
    hub: web::Data<std::sync::Arc<Hub>>,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let principal = bearer_principal(&auth, &req).await?;
    let params = web::Query::<HistoryParams>::from_query(req.query_string())
        .map_err(|e| {
            ApiError::BadRequest(format!(
                "invalid query string: {e}; use user=<user id>&limit=1..500&offset=0.."
            ))
        })?
        .into_inner();
    let limit = params.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::BadRequest(format!(
            "limit must be from 1 to {MAX_LIMIT}, not {limit}"
        )));
    }
    let offset = params.offset.unwrap_or(0);
    let text = id.strip_prefix("automerge:").unwrap_or(&id);
    let not_found = || ApiError::NotFound(format!("no document {text:?} among your sites"));
    let doc = DocumentId::parse(text).map_err(|_| not_found())?;
    let site = hub.document_site(&doc).await?.ok_or_else(not_found)?;
    if !store.site_ids_of(principal.user.id).await?.contains(&site) {
        return Err(not_found());
    }
    let mut records = store.change_log(doc.as_str()).await?;
    if let Some(user) = params.user.as_deref() {
        records.retain(|r| r.user_id.map(|u| u.to_string()).as_deref() == Some(user));
    }
    let total = records.len();
    let page: Vec<ChangeRecord> = records.into_iter().skip(offset).take(limit).collect();
    let emails = emails(store.get_ref(), &page).await?;
    let hashes: Vec<String> = page.iter().map(|r| r.hash.clone()).collect();
    // The document's actor only copies its state; the diffs (the costly part) run on a
    // blocking thread, a few at a time, so reading history never stalls live sync.
    let copy = hub
        .inspect(&doc, site, |automerge| automerge.clone())
        .await
        .ok_or_else(|| {
            ApiError::Storage(crate::storage::StoreError::Corrupt(format!(
                "document {doc} could not be loaded for its history"
            )))
        })?;
    let _turn = HISTORY_WORK
        .acquire()
        .await
        .map_err(|_| ApiError::Unavailable("the server is shutting down".into()))?;
    let summaries = tokio::task::spawn_blocking(move || {
        hashes
            .iter()
            .map(|h| h.parse().ok().and_then(|hash| summarize(&copy, &hash)))
            .collect::<Vec<_>>()
    })
    .await
    .map_err(|e| ApiError::Storage(crate::storage::StoreError::Corrupt(e.to_string())))?;
    let changes = page
        .into_iter()
        .zip(summaries)
        .map(|(record, summary)| history_change(record, summary, &emails))
        .collect();
    let violations = store
        .policy_violations(&ListQuery {
            sites: vec![site],
            start: None,
            end: None,
            document: Some(doc.as_str().to_owned()),
            status: Vec::new(),
            limit: 100,
            offset: 0,
        })
        .await?
        .rows;
    Ok(HttpResponse::Ok().json(History {
        document_id: doc.as_str().to_owned(),
        total,
        limit,
        offset,
        changes,
        violations,
    }))
}

async fn emails(
    store: &dyn Store,
    records: &[ChangeRecord],
) -> Result<HashMap<i64, String>, ApiError> {
    let mut emails = HashMap::new();
    for id in records.iter().filter_map(|r| r.user_id) {
        if let std::collections::hash_map::Entry::Vacant(slot) = emails.entry(id)
            && let Some(user) = store.find_user(id).await?
        {
            slot.insert(user.email);
        }
    }
    Ok(emails)
}

fn history_change(
    record: ChangeRecord,
    summary: Option<ChangeSummary>,
    emails: &HashMap<i64, String>,
) -> HistoryChange {
    let (actor, seq, made_at, message, ops, more_ops) = match summary {
        Some(s) => (
            Some(s.actor),
            Some(s.seq),
            s.made_at_ms.map(rfc3339_millis),
            s.message,
            s.ops,
            s.more_ops,
        ),
        None => (None, None, None, None, Vec::new(), 0),
    };
    HistoryChange {
        hash: record.hash,
        actor,
        seq,
        made_at,
        received_at: rfc3339_millis(record.received_at),
        user_id: record.user_id.map(|u| u.to_string()),
        user_email: record.user_id.and_then(|u| emails.get(&u).cloned()),
        device: record.peer_id.clone(),
        peer_id: record.peer_id,
        message,
        ops,
        more_ops,
    }
}
