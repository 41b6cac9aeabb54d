//! What one connection's user may do, per site. Loaded when the connection
//! opens and again whenever access rules change anywhere.

use std::collections::HashSet;

use floorwalk_shared::policy::Writer;

use crate::storage::{Role, Store, StoreResult};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SiteAccess {
    ReadWrite,
    ReadOnly,
    None,
}

#[derive(Debug, Clone)]
pub struct Access {
    role: Role,
    sites: HashSet<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denied {
    UserGone,
    Disabled,
    /// The login this connection was opened with was signed out or revoked.
    SessionRevoked,
}

impl Access {
    pub fn new(role: Role, sites: impl IntoIterator<Item = i64>) -> Self {
        Self {
            role,
            sites: sites.into_iter().collect(),
        }
    }

    /// The access of `user_id` on the login `session_id`, as stored now.
    pub async fn load(
        store: &dyn Store,
        user_id: i64,
        session_id: &str,
    ) -> StoreResult<Result<Self, Denied>> {
        let Some(user) = store.find_user(user_id).await? else {
            return Ok(Err(Denied::UserGone));
        };
        if user.disabled {
            return Ok(Err(Denied::Disabled));
        }
        let session = store.find_session(session_id).await?;
        if session.is_none_or(|s| s.revoked || s.user_id != user_id) {
            return Ok(Err(Denied::SessionRevoked));
        }
        let sites = store.site_ids_of(user_id).await?;
        Ok(Ok(Self::new(user.role, sites)))
    }

    /// The write policy this user's changes are held to; `None` for viewers.
    pub fn writer(&self) -> Option<Writer> {
        writer_of(self.role)
    }

    pub fn for_site(&self, site_id: i64) -> SiteAccess {
        match (self.sites.contains(&site_id), self.role.can_write()) {
            (false, _) => SiteAccess::None,
            (true, true) => SiteAccess::ReadWrite,
            (true, false) => SiteAccess::ReadOnly,
        }
    }

    /// Whether this user could create a document anywhere at all.
    pub fn may_create(&self) -> bool {
        self.role.can_write() && !self.sites.is_empty()
    }
}

/// The role a user's changes are checked as; viewers never write.
pub fn writer_of(role: Role) -> Option<Writer> {
    match role {
        Role::Admin => Some(Writer::Admin),
        Role::Manager => Some(Writer::Manager),
        Role::Staff => Some(Writer::Staff),
        Role::Viewer => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_write_viewers_read_others_nothing() {
        let staff = Access::new(Role::Staff, [1]);
        let viewer = Access::new(Role::Viewer, [1]);
        assert_eq!(staff.for_site(1), SiteAccess::ReadWrite);
        assert_eq!(staff.for_site(2), SiteAccess::None);
        assert_eq!(viewer.for_site(1), SiteAccess::ReadOnly);
        assert!(staff.may_create());
        assert!(!viewer.may_create());
        assert!(!Access::new(Role::Staff, []).may_create());
    }
}
