use async_trait::async_trait;

use super::{
    SqlStore, Statement,
    db::{Decoded, Row},
};
use crate::{
    stmt,
    storage::{
        AccountStore, NewUser, Site, StoreError, StoreResult, User, conflict_on_unique, now_millis,
    },
};

pub(super) const USER_COLUMNS: &str = "id, email, display_name, role, password_hash, disabled";
const SITE_COLUMNS: &str = "id, slug, name, site_document_id";
/// Bumped by every change that can alter what a live connection may see.
pub(super) const BUMP_ACCESS: &str = "UPDATE access_epoch SET version = version + 1 WHERE id = 1";

impl Decoded for User {
    fn decode(row: Row<'_>) -> StoreResult<Self> {
        let role: String = row.get("role")?;
        Ok(User {
            id: row.get("id")?,
            email: row.get("email")?,
            display_name: row.get("display_name")?,
            role: role
                .parse()
                .map_err(|e| StoreError::Corrupt(format!("{e}")))?,
            password_hash: row.get("password_hash")?,
            disabled: row.get("disabled")?,
        })
    }
}

impl SqlStore {
    /// Runs `change` and bumps the access epoch (what live connections may see) in one
    /// transaction; returns the rows `change` affected.
    pub(super) async fn change_access(&self, change: &Statement) -> StoreResult<u64> {
        let mut tx = self.db.begin().await?;
        let done = tx.execute(change).await?;
        tx.execute(&stmt!(BUMP_ACCESS)).await?;
        tx.commit().await?;
        Ok(done)
    }
}

#[async_trait]
impl AccountStore for SqlStore {
    async fn create_site(&self, slug: &str, name: &str) -> StoreResult<Site> {
        let insert = stmt!(
            format!(
                "INSERT INTO sites (slug, name, created_at) VALUES ($1, $2, $3) RETURNING {SITE_COLUMNS}"
            ),
            slug,
            name,
            now_millis()
        );
        self.db.write_one(&insert).await.map_err(|e| {
            conflict_on_unique(e, || format!("a site with slug {slug:?} already exists"))
        })
    }

    async fn find_site(&self, slug: &str) -> StoreResult<Option<Site>> {
        let sql = format!("SELECT {SITE_COLUMNS} FROM sites WHERE slug = $1");
        self.db.fetch_optional(&stmt!(sql, slug)).await
    }

    async fn site_by_id(&self, id: i64) -> StoreResult<Option<Site>> {
        let sql = format!("SELECT {SITE_COLUMNS} FROM sites WHERE id = $1");
        self.db.fetch_optional(&stmt!(sql, id)).await
    }

    async fn list_sites(&self) -> StoreResult<Vec<Site>> {
        let sql = format!("SELECT {SITE_COLUMNS} FROM sites ORDER BY slug");
        self.db.fetch_all(&stmt!(sql)).await
    }

    async fn create_user(&self, user: &NewUser) -> StoreResult<User> {
        let insert = stmt!(
            format!(
                "INSERT INTO users (email, display_name, role, password_hash, created_at) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING {USER_COLUMNS}"
            ),
            &user.email,
            &user.display_name,
            user.role.as_str(),
            &user.password_hash,
            now_millis()
        );
        self.db.write_one(&insert).await.map_err(|e| {
            conflict_on_unique(e, || {
                format!("a user with email {:?} already exists", user.email)
            })
        })
    }

    async fn find_user_by_email(&self, email: &str) -> StoreResult<Option<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE email = $1");
        self.db.fetch_optional(&stmt!(sql, email)).await
    }

    async fn find_user(&self, id: i64) -> StoreResult<Option<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
        self.db.fetch_optional(&stmt!(sql, id)).await
    }

    async fn list_users(&self) -> StoreResult<Vec<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users ORDER BY email");
        self.db.fetch_all(&stmt!(sql)).await
    }

    async fn count_users(&self) -> StoreResult<i64> {
        self.db.scalar(&stmt!("SELECT COUNT(*) FROM users")).await
    }

    async fn set_user_disabled(&self, email: &str, disabled: bool) -> StoreResult<bool> {
        let update = stmt!(
            "UPDATE users SET disabled = $1 WHERE email = $2",
            disabled,
            email
        );
        let mut tx = self.db.begin().await?;
        let done = tx.execute(&update).await?;
        if disabled {
            // Re-enabling the account later must not revive these sessions.
            tx.execute(&stmt!(
                "UPDATE device_sessions SET revoked_at = $1 WHERE revoked_at IS NULL \
                 AND user_id = (SELECT id FROM users WHERE email = $2)",
                now_millis(),
                email
            ))
            .await?;
        }
        tx.execute(&stmt!(BUMP_ACCESS)).await?;
        tx.commit().await?;
        Ok(done > 0)
    }

    async fn add_membership(&self, user_id: i64, site_id: i64) -> StoreResult<()> {
        let insert = stmt!(
            "INSERT INTO memberships (user_id, site_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            user_id,
            site_id
        );
        self.change_access(&insert).await?;
        Ok(())
    }

    async fn remove_membership(&self, user_id: i64, site_id: i64) -> StoreResult<bool> {
        let delete = stmt!(
            "DELETE FROM memberships WHERE user_id = $1 AND site_id = $2",
            user_id,
            site_id
        );
        Ok(self.change_access(&delete).await? > 0)
    }

    async fn site_ids_of(&self, user_id: i64) -> StoreResult<Vec<i64>> {
        let select = stmt!(
            "SELECT site_id FROM memberships WHERE user_id = $1 ORDER BY site_id",
            user_id
        );
        let rows: Vec<(i64,)> = self.db.fetch_all(&select).await?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    async fn set_site_document(&self, site_id: i64, document_id: &str) -> StoreResult<()> {
        let update = stmt!(
            "UPDATE sites SET site_document_id = $1 WHERE id = $2",
            document_id,
            site_id
        );
        self.db.execute(&update).await?;
        Ok(())
    }

    async fn access_version(&self) -> StoreResult<i64> {
        let select = stmt!("SELECT version FROM access_epoch WHERE id = 1");
        self.db.scalar(&select).await
    }
}
