//! `POST /api/sites/{slug}/templates` and `PUT /api/sites/{slug}/templates/{id}`: the
//! checklist template editor. Templates live in the site document under a fresh UUID
//! key; a new version is appended to `versions` (never edited), so runs that copied an
//! older version keep it. Checked with the shared schema inside the hub change.

use actix_web::{HttpRequest, HttpResponse, http::StatusCode, post, put, web};
use automerge::{ObjType, ROOT, ReadDoc, transaction::Transactable};
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::ToSchema;

use super::site_doc::site_document;
use crate::{
    auth::{AuthService, request::bearer_principal},
    documents::read::object_to_json,
    documents::{
        json::{insert_json, put_json},
        stamp::{new_uuid, now_rfc3339},
    },
    http::{ApiError, access::manager_site},
    storage::Store,
    sync::{Author, ChangeError, Hub},
};

/// One question; `id` is kept across versions (runs key answers by it), so send the
/// ids you got back when editing, and none for new questions.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateItemRequest {
    pub id: Option<String>,
    pub label: String,
    /// check, number or text.
    pub kind: String,
    #[serde(default)]
    pub required: bool,
    pub unit: Option<String>,
    pub min: Option<f64>,
    pub max: Option<f64>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateRequest {
    /// Required for a new template; optional for a new version (renames it).
    pub name: Option<String>,
    pub items: Vec<TemplateItemRequest>,
}

enum Refused {
    Invalid(String),
    NotFound(String),
    Document(automerge::AutomergeError),
}

impl From<automerge::AutomergeError> for Refused {
    fn from(err: automerge::AutomergeError) -> Self {
        Refused::Document(err)
    }
}

fn version_json(version: u64, items: &[TemplateItemRequest]) -> Value {
    let items: Vec<Value> = items
        .iter()
        .map(|item| {
            let mut value = json!({
                "id": item.id.clone().unwrap_or_else(new_uuid),
                "label": item.label.trim(),
                "kind": item.kind,
                "required": item.required,
            });
            for (field, bound) in [("min", item.min), ("max", item.max)] {
                if let Some(bound) = bound {
                    value[field] = json!(bound);
                }
            }
            if let Some(unit) = &item.unit {
                value["unit"] = json!(unit);
            }
            value
        })
        .collect();
    json!({ "version": version, "published_at": now_rfc3339(), "items": items })
}

/// The schema's problems with this template, if any.
fn check<T: ReadDoc>(tx: &T, template_id: &str) -> Result<(), Refused> {
    let Err(problems) = floorwalk_shared::validate(&object_to_json(tx, &ROOT)) else {
        return Ok(());
    };
    let prefix = format!("checklist_templates[\"{template_id}\"]");
    let mine: Vec<String> = problems
        .iter()
        .filter(|p| p.path.starts_with(&prefix))
        .map(|p| format!("{}: {}", p.path.replacen(&prefix, "template", 1), p.message))
        .collect();
    if mine.is_empty() {
        Ok(())
    } else {
        Err(Refused::Invalid(mine.join("; ")))
    }
}

async fn edit(
    hub: &std::sync::Arc<Hub>,
    store: &dyn Store,
    req: &HttpRequest,
    auth: &AuthService,
    slug: &str,
    template_id: Option<String>,
    body: TemplateRequest,
) -> Result<HttpResponse, ApiError> {
    let principal = bearer_principal(auth, req).await?;
    let site = manager_site(store, &principal, slug).await?;
    if body.items.is_empty() {
        return Err(ApiError::BadRequest(
            "items must list at least one question".into(),
        ));
    }
    let is_new = template_id.is_none();
    if is_new && body.name.as_deref().is_none_or(|n| n.trim().is_empty()) {
        return Err(ApiError::BadRequest("name must not be empty".into()));
    }
    let document = site_document(hub, store, &site, principal.user.id).await?;
    let id = template_id.unwrap_or_else(new_uuid);
    let author = Author {
        user_id: principal.user.id,
        message: format!("publish checklist template {id}"),
    };
    let key = id.clone();
    let outcome = hub
        .change(&document, site.id, author, move |tx| {
            let templates = match tx.get(ROOT, "checklist_templates")? {
                Some((automerge::Value::Object(ObjType::Map), obj)) => obj,
                _ => tx.put_object(ROOT, "checklist_templates", ObjType::Map)?,
            };
            let version = match tx.get(&templates, key.as_str())? {
                None if is_new => {
                    let template = json!({
                        "name": body.name.as_deref().unwrap_or_default().trim(),
                        "versions": [version_json(1, &body.items)],
                    });
                    put_json(tx, &templates, &key, &template)?;
                    1
                }
                Some((automerge::Value::Object(ObjType::Map), template)) if !is_new => {
                    let current = object_to_json(tx, &template);
                    let latest = current["versions"]
                        .as_array()
                        .and_then(|v| v.iter().filter_map(|v| v["version"].as_u64()).max())
                        .unwrap_or(0);
                    let versions = match tx.get(&template, "versions")? {
                        Some((automerge::Value::Object(ObjType::List), list)) => list,
                        _ => tx.put_object(&template, "versions", ObjType::List)?,
                    };
                    let at = tx.length(&versions);
                    insert_json(tx, &versions, at, &version_json(latest + 1, &body.items))?;
                    if let Some(name) = body
                        .name
                        .as_deref()
                        .map(str::trim)
                        .filter(|n| !n.is_empty())
                    {
                        put_json(tx, &template, "name", &json!(name))?;
                    }
                    latest + 1
                }
                _ => {
                    return Err(Refused::NotFound(format!(
                        "no checklist template {key:?} at this site"
                    )));
                }
            };
            check(tx, &key)?;
            Ok(version)
        })
        .await;
    match outcome {
        Ok(changed) => {
            let status = if is_new {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            Ok(HttpResponse::build(status)
                .json(json!({ "template_id": id, "version": changed.value })))
        }
        Err(ChangeError::Refused(Refused::Invalid(message))) => Err(ApiError::BadRequest(message)),
        Err(ChangeError::Refused(Refused::NotFound(message))) => Err(ApiError::NotFound(message)),
        Err(ChangeError::Refused(Refused::Document(err))) => Err(ApiError::Conflict(format!(
            "the site document could not be changed: {err}"
        ))),
        Err(ChangeError::Failed(failed)) => Err(ApiError::Unavailable(failed.to_string())),
    }
}

/// A new checklist template (version 1); 201 `{"template_id", "version"}`.
#[utoipa::path(post, path = "/api/sites/{slug}/templates", tag = "master data",
    params(("slug" = String, Path, description = "Site slug")),
    request_body = TemplateRequest,
    responses((status = 201, description = "{\"template_id\", \"version\": 1}"),
        (status = 400, body = crate::http::ErrorBody),
        (status = 401, body = crate::http::ErrorBody),
        (status = 403, body = crate::http::ErrorBody),
        (status = 404, body = crate::http::ErrorBody)))]
#[post("/api/sites/{slug}/templates")]
#[tracing::instrument(
    name = "POST /api/sites/{slug}/templates",
    skip_all,
    err(level = "warn")
)]
pub async fn create_template(
    auth: web::Data<AuthService>,
    store: web::Data<dyn Store>,
    hub: web::Data<std::sync::Arc<Hub>>,
    req: HttpRequest,
    slug: web::Path<String>,
    body: web::Json<TemplateRequest>,
) -> Result<HttpResponse, ApiError> {
    edit(
        &hub,
        store.get_ref(),
        &req,
        &auth,
        &slug,
        None,
        body.into_inner(),
    )
    .await
}

/// Publish a new version of a template (the old ones stay); 200 `{"template_id", "version"}`.
#[utoipa::path(put, path = "/api/sites/{slug}/templates/{id}", tag = "master data",
    params(("slug" = String, Path, description = "Site slug"), ("id" = String, Path, description = "Template id")),
    request_body = TemplateRequest,
    responses((status = 200, description = "{\"template_id\", \"version\"}"),
        (status = 400, body = crate::http::ErrorBody),
        (status = 401, body = crate::http::ErrorBody),
        (status = 403, body = crate::http::ErrorBody),
        (status = 404, description = "Unknown site or template", body = crate::http::ErrorBody)))]
#[put("/api/sites/{slug}/templates/{id}")]
#[tracing::instrument(
    name = "PUT /api/sites/{slug}/templates/{id}",
    skip_all,
    err(level = "warn")
)]
pub async fn publish_version(
    auth: web::Data<AuthService>,
    store: web::Data<dyn Store>,
    hub: web::Data<std::sync::Arc<Hub>>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: web::Json<TemplateRequest>,
) -> Result<HttpResponse, ApiError> {
    let (slug, id) = path.into_inner();
    edit(
        &hub,
        store.get_ref(),
        &req,
        &auth,
        &slug,
        Some(id),
        body.into_inner(),
    )
    .await
}
