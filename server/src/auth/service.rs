//! The authentication flows, independent of HTTP: login, refresh rotation,
//! logout, sync tickets, and turning a bearer token or ticket into a principal.

use std::sync::Arc;

use serde::Serialize;
use utoipa::ToSchema;

use super::{
    AuthError,
    password::{self, DUMMY_HASH, HashingLimits, limit_hashing, verify_password_in},
    secrets::{random_token, token_hash},
    signing::signing_secret,
    throttle::{self, ThrottleRules},
    tokens::{AccessClaims, TokenKeys},
};
use crate::{
    config::Config,
    storage::{DeviceSession, RefreshOutcome, Store, TicketGrant, TicketOutcome, User, now_millis},
};

/// Who is calling: an enabled user on a live device session.
#[derive(Clone, Debug)]
pub struct Principal {
    pub user: User,
    pub session_id: String,
    pub peer_id: String,
    /// When the credentials shown expire (Unix seconds): a long-lived connection made
    /// with them ends then, and its client comes back with fresh ones.
    pub expires_at: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenPair {
    pub access_token: String,
    /// Single use: each refresh returns a new one.
    pub refresh_token: String,
    /// Seconds the access token is valid.
    pub expires_in: u64,
    /// The sync peer id of this login on this device.
    pub peer_id: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SyncTicket {
    /// Open `/sync?ticket=…` with it; single use, short-lived.
    pub ticket: String,
    pub peer_id: String,
    pub expires_in: u64,
}

#[derive(Clone)]
pub struct AuthService {
    store: Arc<dyn Store>,
    keys: TokenKeys,
    access_ttl_secs: u64,
    refresh_ttl_secs: u64,
    session_max_age_secs: u64,
    ticket_ttl_secs: u64,
    throttle: ThrottleRules,
    trust_forwarded_for: bool,
}

impl AuthService {
    /// Uses the configured secret, or the one generated on first start (see
    /// `signing.rs`), so restarts (and the CLI) keep sessions valid.
    pub async fn new(store: Arc<dyn Store>, config: &Config) -> Result<Self, AuthError> {
        let secret = signing_secret(store.as_ref(), config).await?;
        limit_hashing(HashingLimits {
            queued: config.login_queue,
            ..HashingLimits::default()
        });
        Ok(Self {
            store,
            keys: TokenKeys::from_secret(secret.as_bytes()),
            access_ttl_secs: config.access_token_ttl_secs,
            refresh_ttl_secs: config.refresh_token_ttl_secs,
            session_max_age_secs: config.session_max_age_secs,
            ticket_ttl_secs: config.ticket_ttl().as_secs(),
            throttle: ThrottleRules::from_config(config),
            trust_forwarded_for: config.trust_forwarded_for,
        })
    }

    pub fn trusts_forwarded_for(&self) -> bool {
        self.trust_forwarded_for
    }

    /// Signs in; `address` is the client's, for throttling guesses per address.
    pub async fn login(
        &self,
        email: &str,
        password: &str,
        address: Option<&str>,
    ) -> Result<TokenPair, AuthError> {
        let email = normalize_email(email);
        let store = self.store.as_ref();
        // A full line is refused before any database work: a storm costs memory and
        // writes only for the attempts that will be checked.
        let place = password::admit()?;
        let charged =
            match throttle::charge(store, &self.throttle, &email, address, now_millis()).await? {
                Ok(charged) => charged,
                Err(retry_after_secs) => {
                    tracing::warn!(address, retry_after_secs, "sign-in attempts throttled");
                    return Err(AuthError::Throttled { retry_after_secs });
                }
            };
        let user = self.store.find_user_by_email(&email).await?;
        let stored_hash = user
            .as_ref()
            .map_or(DUMMY_HASH.to_string(), |u| u.password_hash.clone());
        let matches = match verify_password_in(place, password.to_string(), stored_hash).await {
            Ok(matches) => matches,
            // The password was never checked: not a guess, so it does not count.
            Err(error) => {
                throttle::refund(store, charged).await?;
                return Err(error);
            }
        };
        let user = match user {
            Some(user) if matches => user,
            _ => {
                throttle::failed(store, charged, now_millis()).await?;
                return Err(AuthError::InvalidCredentials);
            }
        };
        throttle::refund(store, charged).await?;
        if user.disabled {
            return Err(AuthError::AccountDisabled);
        }
        let session_id = random_token(16);
        let session = DeviceSession {
            peer_id: format!("fw-{}-{}", user.id, &session_id[..12]),
            id: session_id,
            user_id: user.id,
            revoked: false,
        };
        let refresh_token = random_token(32);
        self.store
            .create_session(&session, &token_hash(&refresh_token), self.refresh_expiry())
            .await?;
        tracing::info!(user_id = user.id, peer_id = %session.peer_id, "login");
        self.token_pair(&session, refresh_token)
    }

    pub async fn refresh(&self, refresh_token: &str) -> Result<TokenPair, AuthError> {
        let new_token = random_token(32);
        let outcome = self
            .store
            .rotate_refresh(
                &token_hash(refresh_token),
                &token_hash(&new_token),
                self.refresh_expiry(),
                now_millis(),
                now_millis() - (self.session_max_age_secs as i64) * 1000,
            )
            .await?;
        let session = match outcome {
            RefreshOutcome::Rotated(session) => session,
            RefreshOutcome::Reused => {
                tracing::warn!("a rotated refresh token was reused; its session is revoked");
                return Err(AuthError::RefreshReused);
            }
            RefreshOutcome::Expired => return Err(AuthError::RefreshExpired),
            RefreshOutcome::Disabled => return Err(AuthError::AccountDisabled),
            RefreshOutcome::Unknown => return Err(AuthError::RefreshInvalid),
        };
        self.enabled_user(session.user_id).await?;
        self.token_pair(&session, new_token)
    }

    pub async fn logout(&self, refresh_token: &str) -> Result<(), AuthError> {
        self.store
            .revoke_by_refresh(&token_hash(refresh_token))
            .await?;
        Ok(())
    }

    /// Checks a bearer access token against the signature, the user and the session.
    pub async fn authenticate(&self, access_token: &str) -> Result<Principal, AuthError> {
        let claims = self.keys.verify(access_token)?;
        let user_id: i64 = claims
            .sub
            .parse()
            .map_err(|_| AuthError::TokenInvalid("its subject is not a user id"))?;
        let user = self.enabled_user(user_id).await?;
        let session = self
            .store
            .find_session(&claims.sid)
            .await?
            .ok_or(AuthError::SessionRevoked)?;
        if session.revoked || session.user_id != user.id {
            return Err(AuthError::SessionRevoked);
        }
        Ok(Principal {
            user,
            session_id: session.id,
            peer_id: session.peer_id,
            expires_at: claims.exp,
        })
    }

    /// When a valid access token expires (Unix seconds): long-lived streams end then.
    pub fn access_expiry(&self, access_token: &str) -> Option<i64> {
        self.keys.verify(access_token).ok().map(|claims| claims.exp)
    }

    pub async fn issue_ticket(&self, principal: &Principal) -> Result<SyncTicket, AuthError> {
        let ticket = random_token(32);
        let grant = TicketGrant {
            user_id: principal.user.id,
            session_id: principal.session_id.clone(),
            peer_id: principal.peer_id.clone(),
        };
        let expires_at = now_millis() + (self.ticket_ttl_secs as i64) * 1000;
        self.store
            .create_ticket(&token_hash(&ticket), &grant, expires_at)
            .await?;
        Ok(SyncTicket {
            ticket,
            peer_id: principal.peer_id.clone(),
            expires_in: self.ticket_ttl_secs,
        })
    }

    pub async fn redeem_ticket(&self, ticket: &str) -> Result<Principal, AuthError> {
        let grant = match self
            .store
            .redeem_ticket(&token_hash(ticket), now_millis())
            .await?
        {
            TicketOutcome::Valid(grant) => grant,
            TicketOutcome::Expired => return Err(AuthError::TicketExpired),
            TicketOutcome::Unknown => return Err(AuthError::TicketInvalid),
        };
        let user = self.enabled_user(grant.user_id).await?;
        let session = self.store.find_session(&grant.session_id).await?;
        if session.is_none_or(|s| s.revoked) {
            return Err(AuthError::SessionRevoked);
        }
        Ok(Principal {
            user,
            session_id: grant.session_id,
            peer_id: grant.peer_id,
            // A ticket stands for a fresh access token.
            expires_at: now_millis() / 1000 + self.access_ttl_secs as i64,
        })
    }

    async fn enabled_user(&self, user_id: i64) -> Result<User, AuthError> {
        let user = self
            .store
            .find_user(user_id)
            .await?
            .ok_or(AuthError::SessionRevoked)?;
        if user.disabled {
            return Err(AuthError::AccountDisabled);
        }
        Ok(user)
    }

    fn token_pair(
        &self,
        session: &DeviceSession,
        refresh_token: String,
    ) -> Result<TokenPair, AuthError> {
        let now = now_millis() / 1000;
        let access_token = self.keys.sign(&AccessClaims {
            sub: session.user_id.to_string(),
            sid: session.id.clone(),
            pid: session.peer_id.clone(),
            iat: now,
            exp: now + self.access_ttl_secs as i64,
        })?;
        Ok(TokenPair {
            access_token,
            refresh_token,
            expires_in: self.access_ttl_secs,
            peer_id: session.peer_id.clone(),
        })
    }

    fn refresh_expiry(&self) -> i64 {
        now_millis() + (self.refresh_ttl_secs as i64) * 1000
    }
}

pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}
