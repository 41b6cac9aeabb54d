//! Who may do what on a site, for the desk endpoints: members read (viewers too);
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
