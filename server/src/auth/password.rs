//! argon2id password hashing. Hashing is deliberately slow, so it runs on the
//! blocking pool, never on the async threads.

use argon2::{
    Argon2,
    password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng},
};

use super::AuthError;

pub async fn hash_password(password: String) -> Result<String, AuthError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|e| AuthError::Internal(format!("password hashing failed: {e}")))
    })
    .await
    .map_err(|e| AuthError::Internal(format!("password hashing task failed: {e}")))?
}

/// Checks `password` against a stored PHC string. A malformed stored hash is an
/// internal error, not a wrong password.
pub async fn verify_password(password: String, stored: String) -> Result<bool, AuthError> {
    tokio::task::spawn_blocking(move || {
        let parsed = PasswordHash::new(&stored)
            .map_err(|e| AuthError::Internal(format!("stored password hash is malformed: {e}")))?;
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await
    .map_err(|e| AuthError::Internal(format!("password check task failed: {e}")))?
}

/// A valid hash of a random password, checked when the email is unknown so that
/// a failed login takes the same time whether or not the account exists.
pub(super) const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$6oh/sgqhSBHVi4vVqTkbQMAN5ZM7vAu6ODtgHjc1NYs";

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_only_its_password() {
        let hash = hash_password("correct horse".into()).await.expect("hash");
        assert!(hash.starts_with("$argon2id$"));
        assert!(
            verify_password("correct horse".into(), hash.clone())
                .await
                .expect("verify")
        );
        assert!(!verify_password("wrong".into(), hash).await.expect("verify"));
    }

    #[tokio::test]
    async fn the_dummy_hash_parses() {
        assert!(
            !verify_password("x".into(), DUMMY_HASH.into())
                .await
                .expect("parse")
        );
    }
}
