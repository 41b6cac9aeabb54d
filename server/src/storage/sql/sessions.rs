use async_trait::async_trait;

use super::{SqlStore, Statement, accounts::BUMP_ACCESS, db::Conn};
use crate::{
    stmt,
    storage::{
        DeviceSession, RefreshOutcome, SessionStore, StoreResult, TicketGrant, TicketOutcome,
        now_millis,
    },
};

/// A refresh token with its session and the state of its user.
#[derive(sqlx::FromRow)]
struct RefreshRow {
    session_id: String,
    user_id: i64,
    peer_id: String,
    revoked: bool,
    expires_at: i64,
    used_at: Option<i64>,
    disabled: bool,
    /// When the session logged in: refresh tokens have an absolute lifetime.
    created_at: i64,
}

#[derive(sqlx::FromRow)]
struct TicketRow {
    user_id: i64,
    session_id: String,
    peer_id: String,
    expires_at: i64,
}

#[async_trait]
impl SessionStore for SqlStore {
    async fn create_session(
        &self,
        session: &DeviceSession,
        refresh_hash: &str,
        refresh_expires_at: i64,
    ) -> StoreResult<()> {
        let mut tx = self.db.begin().await?;
        tx.execute(&stmt!(
            "INSERT INTO device_sessions (id, user_id, peer_id, created_at) VALUES ($1, $2, $3, $4)",
            &session.id,
            session.user_id,
            &session.peer_id,
            now_millis()
        ))
        .await?;
        tx.execute(&stmt!(
            "INSERT INTO refresh_tokens (token_hash, session_id, expires_at) VALUES ($1, $2, $3)",
            refresh_hash,
            &session.id,
            refresh_expires_at
        ))
        .await?;
        tx.commit().await
    }

    async fn peer_ids_of(&self, user_id: i64) -> StoreResult<Vec<String>> {
        let select = stmt!(
            "SELECT peer_id FROM device_sessions WHERE user_id = $1 ORDER BY created_at",
            user_id
        );
        let rows: Vec<(String,)> = self.db.fetch_all(&select).await?;
        Ok(rows.into_iter().map(|(peer,)| peer).collect())
    }

    async fn find_session(&self, id: &str) -> StoreResult<Option<DeviceSession>> {
        let select = stmt!(
            "SELECT id, user_id, peer_id, revoked_at IS NOT NULL AS revoked \
             FROM device_sessions WHERE id = $1",
            id
        );
        self.db.fetch_optional(&select).await
    }

    async fn rotate_refresh(
        &self,
        old_hash: &str,
        new_hash: &str,
        new_expires_at: i64,
        now: i64,
        born_after: i64,
    ) -> StoreResult<RefreshOutcome> {
        let mut tx = self.db.begin().await?;
        let token: Option<RefreshRow> = tx
            .fetch_optional(&stmt!(
                "SELECT t.session_id, t.expires_at, t.used_at, s.user_id, s.peer_id, s.created_at, \
                        s.revoked_at IS NOT NULL AS revoked, u.disabled \
                 FROM refresh_tokens t JOIN device_sessions s ON s.id = t.session_id \
                 JOIN users u ON u.id = s.user_id \
                 WHERE t.token_hash = $1",
                old_hash
            ))
            .await?;
        let Some(token) = token else {
            return Ok(RefreshOutcome::Unknown);
        };
        let session = DeviceSession {
            id: token.session_id,
            user_id: token.user_id,
            peer_id: token.peer_id,
            revoked: token.revoked,
        };
        // Disabling revokes the sessions too; say why, while it lasts.
        if token.disabled {
            return Ok(RefreshOutcome::Disabled);
        }
        if session.revoked {
            return Ok(RefreshOutcome::Unknown);
        }
        if token.used_at.is_some() {
            return revoke_reused(tx, &session.id, now).await;
        }
        if token.expires_at <= now || token.created_at < born_after {
            return Ok(RefreshOutcome::Expired);
        }
        // Only one of two concurrent uses of a token can mark it used: on Postgres
        // both may have read it unused above, and the loser is a reuse.
        let marked = tx
            .execute(&stmt!(
                "UPDATE refresh_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL",
                now,
                old_hash
            ))
            .await?;
        if marked == 0 {
            return revoke_reused(tx, &session.id, now).await;
        }
        tx.execute(&stmt!(
            "INSERT INTO refresh_tokens (token_hash, session_id, expires_at) VALUES ($1, $2, $3)",
            new_hash,
            &session.id,
            new_expires_at
        ))
        .await?;
        tx.commit().await?;
        Ok(RefreshOutcome::Rotated(session))
    }

    async fn revoke_by_refresh(&self, refresh_hash: &str) -> StoreResult<bool> {
        let update = stmt!(
            "UPDATE device_sessions SET revoked_at = $1 WHERE revoked_at IS NULL AND id = \
             (SELECT session_id FROM refresh_tokens WHERE token_hash = $2)",
            now_millis(),
            refresh_hash
        );
        // The access version moves so live sockets and streams of it close.
        Ok(self.change_access(&update).await? > 0)
    }

    async fn revoke_sessions_of(&self, user_id: i64) -> StoreResult<u64> {
        self.change_access(&revoke_sessions(user_id)).await
    }

    async fn create_ticket(
        &self,
        ticket_hash: &str,
        grant: &TicketGrant,
        expires_at: i64,
    ) -> StoreResult<()> {
        // Expired tickets are swept here, where they are written, so the table stays small.
        let sweep = stmt!(
            "DELETE FROM sync_tickets WHERE expires_at < $1",
            now_millis()
        );
        self.db.execute(&sweep).await?;
        let insert = stmt!(
            "INSERT INTO sync_tickets (ticket_hash, user_id, session_id, peer_id, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
            ticket_hash,
            grant.user_id,
            &grant.session_id,
            &grant.peer_id,
            expires_at
        );
        self.db.execute(&insert).await?;
        Ok(())
    }

    async fn redeem_ticket(&self, ticket_hash: &str, now: i64) -> StoreResult<TicketOutcome> {
        let delete = stmt!(
            "DELETE FROM sync_tickets WHERE ticket_hash = $1 \
             RETURNING user_id, session_id, peer_id, expires_at",
            ticket_hash
        );
        let Some(ticket) = self.db.write_optional::<TicketRow>(&delete).await? else {
            return Ok(TicketOutcome::Unknown);
        };
        if ticket.expires_at <= now {
            return Ok(TicketOutcome::Expired);
        }
        Ok(TicketOutcome::Valid(TicketGrant {
            user_id: ticket.user_id,
            session_id: ticket.session_id,
            peer_id: ticket.peer_id,
        }))
    }

    async fn setting(&self, key: &str) -> StoreResult<Option<String>> {
        let select = stmt!("SELECT value FROM server_settings WHERE key = $1", key);
        let value: Option<(String,)> = self.db.fetch_optional(&select).await?;
        Ok(value.map(|(v,)| v))
    }

    async fn delete_setting(&self, key: &str) -> StoreResult<()> {
        let delete = stmt!("DELETE FROM server_settings WHERE key = $1", key);
        self.db.execute(&delete).await?;
        Ok(())
    }

    async fn setting_or_insert(&self, key: &str, value: &str) -> StoreResult<String> {
        let insert = stmt!(
            "INSERT INTO server_settings (key, value) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            key,
            value
        );
        self.db.execute(&insert).await?;
        let select = stmt!("SELECT value FROM server_settings WHERE key = $1", key);
        self.db.scalar(&select).await
    }

    async fn charge_attempt(
        &self,
        key: &str,
        now: i64,
        interval_ms: i64,
        cap_ms: i64,
    ) -> StoreResult<i64> {
        // One statement, so concurrent attempts (from any instance) each count.
        let upsert = stmt!(
            "INSERT INTO login_throttle (key, tat) VALUES ($1, $2 + $3) \
             ON CONFLICT (key) DO UPDATE SET tat = CASE \
               WHEN (CASE WHEN login_throttle.tat > $2 THEN login_throttle.tat ELSE $2 END) + $3 > $4 THEN $4 \
               ELSE (CASE WHEN login_throttle.tat > $2 THEN login_throttle.tat ELSE $2 END) + $3 END \
             RETURNING tat",
            key,
            now,
            interval_ms,
            cap_ms
        );
        let (tat,): (i64,) = self.db.write_one(&upsert).await?;
        Ok(tat)
    }

    async fn refund_attempt(&self, key: &str, interval_ms: i64) -> StoreResult<()> {
        let update = stmt!(
            "UPDATE login_throttle SET tat = tat - $2 WHERE key = $1",
            key,
            interval_ms
        );
        self.db.execute(&update).await?;
        Ok(())
    }

    async fn attempt_tat(&self, key: &str) -> StoreResult<Option<i64>> {
        let select = stmt!("SELECT tat FROM login_throttle WHERE key = $1", key);
        let tat: Option<(i64,)> = self.db.fetch_optional(&select).await?;
        Ok(tat.map(|(tat,)| tat))
    }
}

/// Every live session of `user_id`, revoked.
pub(super) fn revoke_sessions(user_id: i64) -> Statement {
    stmt!(
        "UPDATE device_sessions SET revoked_at = $1 WHERE revoked_at IS NULL AND user_id = $2",
        now_millis(),
        user_id
    )
}

/// A refresh token used twice: its session may be stolen, so it ends, and live
/// connections of it close (the access version moves).
async fn revoke_reused(mut tx: Conn, session_id: &str, now: i64) -> StoreResult<RefreshOutcome> {
    tx.execute(&stmt!(
        "UPDATE device_sessions SET revoked_at = $1 WHERE id = $2",
        now,
        session_id
    ))
    .await?;
    tx.execute(&stmt!(BUMP_ACCESS)).await?;
    tx.commit().await?;
    Ok(RefreshOutcome::Reused)
}
