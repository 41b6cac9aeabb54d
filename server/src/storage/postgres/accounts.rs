use async_trait::async_trait;
use sqlx::{Row, postgres::PgRow};

use super::PostgresStore;
use crate::storage::{
    AccountStore, NewUser, Site, StoreError, StoreResult, User, conflict_on_unique, now_millis,
};

const USER_COLUMNS: &str = "id, email, display_name, role, password_hash, disabled";

pub(super) fn user_from_row(row: &PgRow) -> StoreResult<User> {
    let role: String = row.try_get("role")?;
    Ok(User {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        display_name: row.try_get("display_name")?,
        role: role
            .parse()
            .map_err(|e| StoreError::Corrupt(format!("{e}")))?,
        password_hash: row.try_get("password_hash")?,
        disabled: row.try_get("disabled")?,
    })
}

fn site_from_row(row: &PgRow) -> StoreResult<Site> {
    Ok(Site {
        id: row.try_get("id")?,
        slug: row.try_get("slug")?,
        name: row.try_get("name")?,
        document_id: row.try_get("site_document_id")?,
    })
}

pub(super) const BUMP_ACCESS: &str = "UPDATE access_epoch SET version = version + 1 WHERE id = 1";

#[async_trait]
impl AccountStore for PostgresStore {
    async fn create_site(&self, slug: &str, name: &str) -> StoreResult<Site> {
        let row = sqlx::query(
            "INSERT INTO sites (slug, name, created_at) VALUES ($1, $2, $3) RETURNING id, slug, name, site_document_id",
        )
        .bind(slug)
        .bind(name)
        .bind(now_millis())
        .fetch_one(&self.pool)
        .await
        .map_err(|e| {
            conflict_on_unique(e, || format!("a site with slug {slug:?} already exists"))
        })?;
        site_from_row(&row)
    }

    async fn find_site(&self, slug: &str) -> StoreResult<Option<Site>> {
        let row = sqlx::query("SELECT id, slug, name, site_document_id FROM sites WHERE slug = $1")
            .bind(slug)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(site_from_row).transpose()
    }

    async fn site_by_id(&self, id: i64) -> StoreResult<Option<Site>> {
        let row = sqlx::query("SELECT id, slug, name, site_document_id FROM sites WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(site_from_row).transpose()
    }

    async fn list_sites(&self) -> StoreResult<Vec<Site>> {
        let rows = sqlx::query("SELECT id, slug, name, site_document_id FROM sites ORDER BY slug")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(site_from_row).collect()
    }

    async fn create_user(&self, user: &NewUser) -> StoreResult<User> {
        let row = sqlx::query(&format!(
            "INSERT INTO users (email, display_name, role, password_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING {USER_COLUMNS}"
        ))
        .bind(&user.email)
        .bind(&user.display_name)
        .bind(user.role.as_str())
        .bind(&user.password_hash)
        .bind(now_millis())
        .fetch_one(&self.pool)
        .await
        .map_err(|e| {
            conflict_on_unique(e, || {
                format!("a user with email {:?} already exists", user.email)
            })
        })?;
        user_from_row(&row)
    }

    async fn find_user_by_email(&self, email: &str) -> StoreResult<Option<User>> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users WHERE email = $1"
        ))
        .bind(email)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    async fn find_user(&self, id: i64) -> StoreResult<Option<User>> {
        let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    async fn list_users(&self) -> StoreResult<Vec<User>> {
        let rows = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users ORDER BY email"))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(user_from_row).collect()
    }

    async fn count_users(&self) -> StoreResult<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(&self.pool)
            .await?)
    }

    async fn set_user_disabled(&self, email: &str, disabled: bool) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query("UPDATE users SET disabled = $1 WHERE email = $2")
            .bind(disabled)
            .bind(email)
            .execute(&mut *tx)
            .await?;
        sqlx::query(BUMP_ACCESS).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(done.rows_affected() > 0)
    }

    async fn add_membership(&self, user_id: i64, site_id: i64) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO memberships (user_id, site_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(user_id)
        .bind(site_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(BUMP_ACCESS).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn remove_membership(&self, user_id: i64, site_id: i64) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query("DELETE FROM memberships WHERE user_id = $1 AND site_id = $2")
            .bind(user_id)
            .bind(site_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(BUMP_ACCESS).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(done.rows_affected() > 0)
    }

    async fn site_ids_of(&self, user_id: i64) -> StoreResult<Vec<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT site_id FROM memberships WHERE user_id = $1 ORDER BY site_id",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn set_site_document(&self, site_id: i64, document_id: &str) -> StoreResult<()> {
        sqlx::query("UPDATE sites SET site_document_id = $1 WHERE id = $2")
            .bind(document_id)
            .bind(site_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn access_version(&self) -> StoreResult<i64> {
        Ok(
            sqlx::query_scalar("SELECT version FROM access_epoch WHERE id = 1")
                .fetch_one(&self.pool)
                .await?,
        )
    }
}
