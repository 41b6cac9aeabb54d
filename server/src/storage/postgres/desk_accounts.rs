//! Site members and user administration (Postgres).

use async_trait::async_trait;

use super::{
    PostgresStore,
    accounts::{BUMP_ACCESS, user_from_row},
};
use crate::storage::{AdminStore, StoreResult, User, UserPatch};

#[async_trait]
impl AdminStore for PostgresStore {
    async fn site_members(&self, site_id: i64) -> StoreResult<Vec<User>> {
        let rows = sqlx::query(
            "SELECT u.id, u.email, u.display_name, u.role, u.password_hash, u.disabled \
             FROM users u JOIN memberships m ON m.user_id = u.id \
             WHERE m.site_id = $1 ORDER BY u.email",
        )
        .bind(site_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(user_from_row).collect()
    }

    async fn update_user(&self, id: i64, patch: &UserPatch) -> StoreResult<Option<User>> {
        let mut tx = self.pool.begin().await?;
        let row = sqlx::query(
            "UPDATE users SET display_name = COALESCE($1, display_name), \
             role = COALESCE($2, role), disabled = COALESCE($3, disabled) WHERE id = $4 \
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
