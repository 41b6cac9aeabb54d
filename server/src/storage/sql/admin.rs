//! Site members and user administration.

use async_trait::async_trait;

use super::{
    SqlStore,
    accounts::{BUMP_ACCESS, USER_COLUMNS},
    sessions::revoke_sessions,
};
use crate::{
    stmt,
    storage::{AdminStore, StoreResult, User, UserPatch},
};

#[async_trait]
impl AdminStore for SqlStore {
    async fn site_members(&self, site_id: i64) -> StoreResult<Vec<User>> {
        let select = stmt!(
            "SELECT u.id, u.email, u.display_name, u.role, u.password_hash, u.disabled \
             FROM users u JOIN memberships m ON m.user_id = u.id \
             WHERE m.site_id = $1 ORDER BY u.email",
            site_id
        );
        self.db.fetch_all(&select).await
    }

    async fn update_user(&self, id: i64, patch: &UserPatch) -> StoreResult<Option<User>> {
        let update = stmt!(
            format!(
                "UPDATE users SET display_name = COALESCE($1, display_name), \
                 role = COALESCE($2, role), disabled = COALESCE($3, disabled) WHERE id = $4 \
                 RETURNING {USER_COLUMNS}"
            ),
            patch.display_name.as_deref(),
            patch.role.map(|r| r.as_str()),
            patch.disabled,
            id
        );
        let mut tx = self.db.begin().await?;
        let user = tx.fetch_optional(&update).await?;
        if patch.disabled == Some(true) {
            // Re-enabling the account later must not revive these sessions.
            tx.execute(&revoke_sessions(id)).await?;
        }
        tx.execute(&stmt!(BUMP_ACCESS)).await?;
        tx.commit().await?;
        Ok(user)
    }
}
