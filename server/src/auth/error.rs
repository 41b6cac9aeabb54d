use crate::storage::StoreError;

/// Every way authentication can fail, each with a message that tells the
/// client what to do. Internal causes are logged, never returned.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("no credentials: send `Authorization: Bearer <access token>` (or `?ticket=` on /sync)")]
    MissingCredentials,
    #[error("email or password is wrong")]
    InvalidCredentials,
    #[error("this account is disabled: ask an administrator to enable it")]
    AccountDisabled,
    #[error("the access token has expired: get a new one from /api/auth/refresh")]
    TokenExpired,
    #[error("the access token is not valid: {0}; log in again")]
    TokenInvalid(&'static str),
    #[error("this session has ended (logged out or revoked): log in again")]
    SessionRevoked,
    #[error("the refresh token is not valid: log in again")]
    RefreshInvalid,
    #[error("the refresh token has expired: log in again")]
    RefreshExpired,
    #[error(
        "the refresh token was already used, so this session may be stolen: every token of this session is now revoked; log in again"
    )]
    RefreshReused,
    #[error(
        "the sync ticket is not valid (tickets are single-use): request a new one from /api/sync/ticket"
    )]
    TicketInvalid,
    #[error(
        "the sync ticket has expired: request a new one from /api/sync/ticket just before connecting"
    )]
    TicketExpired,
    #[error(
        "too many sign-in attempts: wait {retry_after_secs} s before trying again (a password manager or asking an administrator to reset the password helps)"
    )]
    Throttled { retry_after_secs: u64 },
    #[error("the server is busy checking other sign-ins: try again in {retry_after_secs} s")]
    Busy { retry_after_secs: u64 },
    #[error("{0}")]
    BadRequest(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl AuthError {
    pub fn code(&self) -> &'static str {
        match self {
            AuthError::MissingCredentials => "missing_credentials",
            AuthError::InvalidCredentials => "invalid_credentials",
            AuthError::AccountDisabled => "account_disabled",
            AuthError::TokenExpired => "token_expired",
            AuthError::TokenInvalid(_) => "token_invalid",
            AuthError::SessionRevoked => "session_revoked",
            AuthError::RefreshInvalid => "refresh_invalid",
            AuthError::RefreshExpired => "refresh_expired",
            AuthError::RefreshReused => "refresh_reused",
            AuthError::TicketInvalid => "ticket_invalid",
            AuthError::TicketExpired => "ticket_expired",
            AuthError::Throttled { .. } => "too_many_attempts",
            AuthError::Busy { .. } => "busy",
            AuthError::BadRequest(_) => "bad_request",
            AuthError::Internal(_) => "internal",
        }
    }
}

impl From<StoreError> for AuthError {
    fn from(err: StoreError) -> Self {
        AuthError::Internal(err.to_string())
    }
}
