//! What one connection's user may do, per site. Loaded when the connection
//! opens and again whenever access rules change anywhere.

use std::collections::HashSet;

use crate::storage::{Store, StoreResult};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SiteAccess {
    ReadWrite,
    ReadOnly,
    None,
}

#[derive(Debug, Clone)]
pub struct Access {
    writable: bool,
    sites: HashSet<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Denied {
    UserGone,
    Disabled,
}

impl Access {
    pub async fn load(store: &dyn Store, user_id: i64) -> StoreResult<Result<Self, Denied>> {
        let Some(user) = store.find_user(user_id).await? else {
            return Ok(Err(Denied::UserGone));
        };
        if user.disabled {
            return Ok(Err(Denied::Disabled));
        }
        let sites = store.site_ids_of(user_id).await?.into_iter().collect();
        Ok(Ok(Self {
            writable: user.role.can_write(),
            sites,
        }))
    }

    pub fn for_site(&self, site_id: i64) -> SiteAccess {
        match (self.sites.contains(&site_id), self.writable) {
            (false, _) => SiteAccess::None,
            (true, true) => SiteAccess::ReadWrite,
            (true, false) => SiteAccess::ReadOnly,
        }
    }

    /// Whether this user could create a document anywhere at all.
    pub fn may_create(&self) -> bool {
        self.writable && !self.sites.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_write_viewers_read_others_nothing() {
        let staff = Access {
            writable: true,
            sites: [1].into(),
        };
        let viewer = Access {
            writable: false,
            sites: [1].into(),
        };
        assert_eq!(staff.for_site(1), SiteAccess::ReadWrite);
        assert_eq!(staff.for_site(2), SiteAccess::None);
        assert_eq!(viewer.for_site(1), SiteAccess::ReadOnly);
        assert!(staff.may_create());
        assert!(!viewer.may_create());
    }
}
