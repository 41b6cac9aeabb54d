//! Who may do what on a site, for the desk endpoints: members read (viewers too),
//! a report covers the caller's sites or the one asked for;
//! planning and master data need role manager or admin; administration needs admin.
//! Unknown and foreign sites answer 404 alike, before any role check, so the API
//! does not reveal which sites exist.

use super::{ApiError, me::member_site};
use crate::{
    auth::Principal,
    storage::{Role, Site, Store},
};

pub use super::me::member_site as readable_site;

/// The site, if the principal belongs to it and may plan work there.
pub async fn manager_site(
    store: &dyn Store,
    principal: &Principal,
    slug: &str,
) -> Result<Site, ApiError> {
    let site = member_site(store, principal, slug).await?;
    require_manager(principal)?;
    Ok(site)
}

/// Managers and admins plan work and edit master data; staff and viewers do not.
pub fn require_manager(principal: &Principal) -> Result<(), ApiError> {
    match principal.user.role {
        Role::Admin | Role::Manager => Ok(()),
        role => Err(ApiError::Forbidden(format!(
            "only a manager or an admin can do this; your role is {role}. Ask a manager."
        ))),
    }
}

/// Only admins manage users and sites.
pub fn require_admin(principal: &Principal) -> Result<(), ApiError> {
    match principal.user.role {
        Role::Admin => Ok(()),
        role => Err(ApiError::Forbidden(format!(
            "only an admin can manage users and sites; your role is {role}"
        ))),
    }
}

/// The sites a report covers: the one asked for, or every site of the caller.
pub async fn visible_sites(
    store: &dyn Store,
    principal: &Principal,
    slug: Option<&str>,
) -> Result<Vec<i64>, ApiError> {
    match slug {
        Some(slug) => Ok(vec![member_site(store, principal, slug).await?.id]),
        None => Ok(store.site_ids_of(principal.user.id).await?),
    }
}

/// Slugs of site ids, for the report's heading.
pub async fn slugs(store: &dyn Store, sites: &[i64]) -> Result<Vec<String>, ApiError> {
    let mut slugs = Vec::with_capacity(sites.len());
    for id in sites {
        if let Some(site) = store.site_by_id(*id).await? {
            slugs.push(site.slug);
        }
    }
    slugs.sort();
    Ok(slugs)
}
