//! Site members and user administration (SQLite).

use async_trait::async_trait;

use super::{
    SqliteStore,
    accounts::{BUMP_ACCESS, user_from_row},
};
use crate::storage::{AdminStore, StoreResult, User, UserPatch};

#[async_trait]
impl AdminStore for SqliteStore {
    async fn site_members(&self, site_id: i64) -> StoreResult<Vec<User>> {
        let rows = sqlx::query(
            "SELECT u.id, u.email, u.display_name, u.role, u.password_hash, u.disabled \
             FROM users u JOIN memberships m ON m.user_id = u.id \
             WHERE m.site_id = ? ORDER BY u.email",
        )
        .bind(site_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(user_from_row).collect()
    }

    async fn update_user(&self, id: i64, patch: &UserPatch) -> StoreResult<Option<User>> {
        let mut tx = self.writer.begin().await?;
        let row = sqlx::query(
            "UPDATE users SET display_name = COALESCE(?, display_name), \
             role = COALESCE(?, role), disabled = COALESCE(?, disabled) WHERE id = ? \
             RETURNING id, email, display_name, role, password_hash, disabled",
        )
        .bind(patch.display_name.as_deref())
        .bind(patch.role.map(|r| r.as_str()))
        .bind(patch.disabled)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        sqlx::query(BUMP_ACCESS).execute(&mut *tx).await?;
        tx.commit().await?;
        row.as_ref().map(user_from_row).transpose()
    }
}
