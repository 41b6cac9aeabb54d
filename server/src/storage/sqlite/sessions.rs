use async_trait::async_trait;
use sqlx::Row;

use super::SqliteStore;
use crate::storage::{
    DeviceSession, RefreshOutcome, SessionStore, StoreResult, TicketGrant, TicketOutcome,
    now_millis,
};

#[async_trait]
impl SessionStore for SqliteStore {
    async fn create_session(
        &self,
        session: &DeviceSession,
        refresh_hash: &str,
        refresh_expires_at: i64,
    ) -> StoreResult<()> {
        let mut tx = self.writer.begin().await?;
        sqlx::query(
            "INSERT INTO device_sessions (id, user_id, peer_id, created_at) VALUES (?, ?, ?, ?)",
        )
        .bind(&session.id)
        .bind(session.user_id)
        .bind(&session.peer_id)
        .bind(now_millis())
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO refresh_tokens (token_hash, session_id, expires_at) VALUES (?, ?, ?)",
        )
        .bind(refresh_hash)
        .bind(&session.id)
        .bind(refresh_expires_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn find_session(&self, id: &str) -> StoreResult<Option<DeviceSession>> {
        let row = sqlx::query(
            "SELECT id, user_id, peer_id, revoked_at IS NOT NULL AS revoked \
             FROM device_sessions WHERE id = ?",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            Ok(DeviceSession {
                id: row.try_get("id")?,
                user_id: row.try_get("user_id")?,
                peer_id: row.try_get("peer_id")?,
                revoked: row.try_get("revoked")?,
            })
        })
        .transpose()
    }

    async fn rotate_refresh(
        &self,
        old_hash: &str,
        new_hash: &str,
        new_expires_at: i64,
        now: i64,
    ) -> StoreResult<RefreshOutcome> {
        let mut tx = self.writer.begin().await?;
        let row = sqlx::query(
            "SELECT t.session_id, t.expires_at, t.used_at, s.user_id, s.peer_id, \
                    s.revoked_at IS NOT NULL AS revoked, u.disabled \
             FROM refresh_tokens t JOIN device_sessions s ON s.id = t.session_id \
             JOIN users u ON u.id = s.user_id \
             WHERE t.token_hash = ?",
        )
        .bind(old_hash)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            return Ok(RefreshOutcome::Unknown);
        };
        let session = DeviceSession {
            id: row.try_get("session_id")?,
            user_id: row.try_get("user_id")?,
            peer_id: row.try_get("peer_id")?,
            revoked: row.try_get("revoked")?,
        };
        let used_at: Option<i64> = row.try_get("used_at")?;
        let expires_at: i64 = row.try_get("expires_at")?;
        if session.revoked {
            return Ok(RefreshOutcome::Unknown);
        }
        if row.try_get::<bool, _>("disabled")? {
            return Ok(RefreshOutcome::Disabled);
        }
        if used_at.is_some() {
            sqlx::query("UPDATE device_sessions SET revoked_at = ? WHERE id = ?")
                .bind(now)
                .bind(&session.id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            return Ok(RefreshOutcome::Reused);
        }
        if expires_at <= now {
            return Ok(RefreshOutcome::Expired);
        }
        sqlx::query("UPDATE refresh_tokens SET used_at = ? WHERE token_hash = ?")
            .bind(now)
            .bind(old_hash)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO refresh_tokens (token_hash, session_id, expires_at) VALUES (?, ?, ?)",
        )
        .bind(new_hash)
        .bind(&session.id)
        .bind(new_expires_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(RefreshOutcome::Rotated(session))
    }

    async fn revoke_by_refresh(&self, refresh_hash: &str) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE device_sessions SET revoked_at = ? WHERE revoked_at IS NULL AND id = \
             (SELECT session_id FROM refresh_tokens WHERE token_hash = ?)",
        )
        .bind(now_millis())
        .bind(refresh_hash)
        .execute(&self.writer)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn create_ticket(
        &self,
        ticket_hash: &str,
        grant: &TicketGrant,
        expires_at: i64,
    ) -> StoreResult<()> {
        // Expired tickets are swept here, where they are written, so the table stays small.
        sqlx::query("DELETE FROM sync_tickets WHERE expires_at < ?")
            .bind(now_millis())
            .execute(&self.writer)
            .await?;
        sqlx::query(
            "INSERT INTO sync_tickets (ticket_hash, user_id, session_id, peer_id, expires_at) \
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(ticket_hash)
        .bind(grant.user_id)
        .bind(&grant.session_id)
        .bind(&grant.peer_id)
        .bind(expires_at)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    async fn redeem_ticket(&self, ticket_hash: &str, now: i64) -> StoreResult<TicketOutcome> {
        let row = sqlx::query(
            "DELETE FROM sync_tickets WHERE ticket_hash = ? \
             RETURNING user_id, session_id, peer_id, expires_at",
        )
        .bind(ticket_hash)
        .fetch_optional(&self.writer)
        .await?;
        let Some(row) = row else {
            return Ok(TicketOutcome::Unknown);
        };
        let expires_at: i64 = row.try_get("expires_at")?;
        if expires_at <= now {
            return Ok(TicketOutcome::Expired);
        }
        Ok(TicketOutcome::Valid(TicketGrant {
            user_id: row.try_get("user_id")?,
            session_id: row.try_get("session_id")?,
            peer_id: row.try_get("peer_id")?,
        }))
    }

    async fn setting(&self, key: &str) -> StoreResult<Option<String>> {
        Ok(
            sqlx::query_scalar("SELECT value FROM server_settings WHERE key = ?")
                .bind(key)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    async fn setting_or_insert(&self, key: &str, value: &str) -> StoreResult<String> {
        sqlx::query(
            "INSERT INTO server_settings (key, value) VALUES (?, ?) ON CONFLICT DO NOTHING",
        )
        .bind(key)
        .bind(value)
        .execute(&self.writer)
        .await?;
        Ok(
            sqlx::query_scalar("SELECT value FROM server_settings WHERE key = ?")
                .bind(key)
                .fetch_one(&self.pool)
                .await?,
        )
    }
}
