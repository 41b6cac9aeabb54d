//! Manager actions: decisions a manager takes at the desk (approve a variance,
//! ask for a recount, resolve a conflict, chase a corrective action). Each is
//! an Automerge change the server makes through the sync hub, so it is
//! committed, synced to the phones that have the document open, and
//! flattened, exactly like an edit made on a phone.

mod corrective;
mod count;
mod edit;

use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::Deserialize;
use serde_json::{Value, json};

use self::edit::{ActionRefused, read_document};
use crate::{
    auth::{AuthService, Principal, request::bearer_principal},
    http::ApiError,
    storage::{Role, Store},
    sync::{Author, ChangeError, DocumentId, Hub},
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(apply_action);
}

/// One manager action; `action` names it.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum Action {
    /// Accept a count line's quantity; the variance becomes a stock adjustment.
    /// `qty` defaults to the agreed count of the latest pass.
    ApproveLine {
        line: String,
        qty: Option<u64>,
        reason: Option<String>,
        note: Option<String>,
    },
    /// Approve every counted, agreed, unapproved line whose variance is within
    /// `tolerance` units (default 0), or only those in `lines`.
    ApproveSession {
        tolerance: Option<u64>,
        lines: Option<Vec<String>>,
    },
    /// Ask for another pass on a line.
    RequestRecount { line: String },
    /// Settle a line whose counts disagree, with the quantity that stands and why.
    ResolveConflict {
        line: String,
        qty: u64,
        reason: String,
        note: Option<String>,
    },
    /// Move a count session along: open, counting, review, closed.
    SetCountStatus { status: String },
    /// Assign, schedule, prioritise, comment on or close a corrective action.
    UpdateCorrectiveAction {
        id: String,
        #[serde(default, with = "edit::patch")]
        #[schema(value_type = Option<String>)]
        assignee: Option<Option<String>>,
        #[serde(default, with = "edit::patch")]
        #[schema(value_type = Option<String>)]
        due_at: Option<Option<String>>,
        priority: Option<String>,
        status: Option<String>,
        note: Option<String>,
        #[serde(default)]
        #[schema(value_type = Vec<Object>)]
        evidence: Vec<Value>,
    },
}

impl Action {
    fn name(&self) -> &'static str {
        match self {
            Action::ApproveLine { .. } => "approve_line",
            Action::ApproveSession { .. } => "approve_session",
            Action::RequestRecount { .. } => "request_recount",
            Action::ResolveConflict { .. } => "resolve_conflict",
            Action::SetCountStatus { .. } => "set_count_status",
            Action::UpdateCorrectiveAction { .. } => "update_corrective_action",
        }
    }
}

/// Apply a manager action to a document.
#[utoipa::path(
    post,
    path = "/api/documents/{document_id}/actions",
    tag = "actions",
    params(("document_id" = String, Path, description = "The automerge-repo document id")),
    request_body = Action,
    responses(
        (status = 200, description = "Committed and sent to connected phones: {document_id, heads, result}"),
        (status = 400, description = "The action is malformed: the message says which field"),
        (status = 401, description = "No valid access token"),
        (status = 403, description = "Only managers and admins act on documents"),
        (status = 404, description = "Unknown document, or not at one of your sites"),
        (status = 409, description = "The action does not fit the document's state (e.g. the line is in conflict)"),
    ),
    security(("bearer" = [])),
)]
#[post("/api/documents/{document_id}/actions")]
#[tracing::instrument(
    name = "POST /api/documents/{document_id}/actions",
    skip_all,
    err(level = "warn")
)]
pub async fn apply_action(
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
    auth: web::Data<AuthService>,
    store: web::Data<dyn Store>,
    hub: web::Data<std::sync::Arc<Hub>>,
) -> Result<HttpResponse, ApiError> {
    let principal = bearer_principal(&auth, &req).await?;
    let not_found = || ApiError::NotFound(format!("no document {:?} at your sites", path.as_str()));
    let doc = DocumentId::parse(&path).map_err(|_| not_found())?;
    let site_id = hub.document_site(&doc).await?.ok_or_else(not_found)?;
    if !store
        .site_ids_of(principal.user.id)
        .await?
        .contains(&site_id)
    {
        return Err(not_found());
    }
    require_manager(&principal)?;
    let action = parse_action(&body)?;
    let author = Author {
        user_id: principal.user.id,
        message: format!("{} by user {}", action.name(), principal.user.id),
    };
    let user_id = principal.user.id;
    let hub = hub.get_ref().clone();
    let changed = hub
        .change(&doc, site_id, author, move |tx| {
            let document = read_document(tx)?;
            match action {
                Action::UpdateCorrectiveAction { .. } => {
                    corrective::apply(tx, &document, action, user_id)
                }
                _ => count::apply(tx, &document, action, user_id),
            }
        })
        .await
        .map_err(|e| match e {
            ChangeError::Refused(refused) => refused.into(),
            ChangeError::Failed(failed) => {
                tracing::warn!(document = %doc, error = %failed, "manager action not applied");
                ApiError::Unavailable(failed.to_string())
            }
        })?;
    Ok(HttpResponse::Ok().json(json!({
        "document_id": doc.as_str(),
        "heads": changed.heads.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "result": changed.value,
    })))
}

/// The action in `body`, or what is wrong with it. Quantities are checked
/// first: serde's own message would not name the field.
fn parse_action(body: &[u8]) -> Result<Action, ApiError> {
    let invalid =
        |e: serde_json::Error| ApiError::BadRequest(format!("the action is not valid: {e}"));
    let value: Value = serde_json::from_slice(body).map_err(invalid)?;
    for field in ["qty", "tolerance"] {
        if let Some(v) = value.get(field)
            && !v.is_null()
            && v.as_u64().is_none()
        {
            return Err(ApiError::BadRequest(format!(
                "{field}: must be a whole number ≥ 0, not {v}"
            )));
        }
    }
    serde_json::from_value(value).map_err(invalid)
}

fn require_manager(principal: &Principal) -> Result<(), ApiError> {
    match principal.user.role {
        Role::Manager | Role::Admin => Ok(()),
        role => Err(ApiError::Forbidden(format!(
            "your role ({}) may not act on documents; ask a manager",
            role.as_str()
        ))),
    }
}

impl From<ActionRefused> for ApiError {
    fn from(refused: ActionRefused) -> Self {
        match refused {
            ActionRefused::Invalid(message) => ApiError::BadRequest(message),
            ActionRefused::State(message) => ApiError::Conflict(message),
            ActionRefused::NotFound(message) => ApiError::NotFound(message),
        }
    }
}
