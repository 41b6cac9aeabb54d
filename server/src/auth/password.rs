//! argon2id password hashing, bounded. Each hash takes about 19 MiB and a core
//! for a moment, so they run on the blocking pool, never on the async threads,
//! and at most about one per core at a time: 300 logins at once once took the
//! server from 24 MiB to 3.9 GiB. Further requests wait in line, first come first
//! served; when the line is full the caller is told to come back later.
//!
//! The gate is one per process because the memory it protects is: every path
//! that hashes (login, admin user creation, the CLI, the demo seeder) shares it.

use std::sync::{
    OnceLock,
    atomic::{AtomicUsize, Ordering},
};

use argon2::{
    Argon2,
    password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng},
};
use tokio::sync::Semaphore;

use super::AuthError;

/// How many hashes run at once, and how many may wait for their turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HashingLimits {
    pub concurrent: usize,
    pub queued: usize,
}

impl Default for HashingLimits {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        Self {
            concurrent: cores,
            queued: 256,
        }
    }
}

struct Gate {
    running: Semaphore,
    /// Callers holding or waiting for a permit.
    admitted: AtomicUsize,
    limits: HashingLimits,
}

static GATE: OnceLock<Gate> = OnceLock::new();

/// Sets the limits; the first call wins (the server calls it once at start-up,
/// before any hashing). Returns the limits in force.
pub fn limit_hashing(limits: HashingLimits) -> HashingLimits {
    gate_with(limits).limits
}

fn gate_with(limits: HashingLimits) -> &'static Gate {
    GATE.get_or_init(|| Gate {
        running: Semaphore::new(limits.concurrent.max(1)),
        admitted: AtomicUsize::new(0),
        limits,
    })
}

fn gate() -> &'static Gate {
    gate_with(HashingLimits::default())
}

/// A caller's place in line for one password check; dropping it gives the place
/// back. Taken before anything else a sign-in does, so that a full line is refused
/// without touching the database.
pub struct Place(&'static Gate);

impl Drop for Place {
    fn drop(&mut self) {
        self.0.admitted.fetch_sub(1, Ordering::AcqRel);
    }
}

/// A place in line, or `Busy` at once when the line is full.
pub fn admit() -> Result<Place, AuthError> {
    let gate = gate();
    let limit = gate.limits.concurrent + gate.limits.queued;
    if gate.admitted.fetch_add(1, Ordering::AcqRel) >= limit {
        gate.admitted.fetch_sub(1, Ordering::AcqRel);
        return Err(AuthError::Busy {
            retry_after_secs: 2,
        });
    }
    Ok(Place(gate))
}

/// Runs `work` when a hashing slot is free, in arrival order (tokio's semaphore
/// is fair), or refuses at once when the line is full.
async fn gated<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, AuthError> + Send + 'static,
) -> Result<T, AuthError> {
    run_in(admit()?, work).await
}

/// Runs `work` in the hashing slot `place` waits for.
async fn run_in<T: Send + 'static>(
    place: Place,
    work: impl FnOnce() -> Result<T, AuthError> + Send + 'static,
) -> Result<T, AuthError> {
    let gate = place.0;
    let _place = place;
    let _permit = gate
        .running
        .acquire()
        .await
        .map_err(|_| AuthError::Internal("the password gate is closed".into()))?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| AuthError::Internal(format!("password hashing task failed: {e}")))?
}

pub async fn hash_password(password: String) -> Result<String, AuthError> {
    gated(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|e| AuthError::Internal(format!("password hashing failed: {e}")))
    })
    .await
}

/// Checks `password` against a stored PHC string. A malformed stored hash is an
/// internal error, not a wrong password.
pub async fn verify_password(password: String, stored: String) -> Result<bool, AuthError> {
    verify_password_in(admit()?, password, stored).await
}

/// [`verify_password`] in a place taken earlier with [`admit`].
pub async fn verify_password_in(
    place: Place,
    password: String,
    stored: String,
) -> Result<bool, AuthError> {
    run_in(place, move || {
        let parsed = PasswordHash::new(&stored)
            .map_err(|e| AuthError::Internal(format!("stored password hash is malformed: {e}")))?;
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await
}

/// A valid hash of a random password, checked when the email is unknown so that
/// a failed login takes the same time whether or not the account exists.
pub(super) const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$6oh/sgqhSBHVi4vVqTkbQMAN5ZM7vAu6ODtgHjc1NYs";

#[cfg(test)]
mod tests {
    use std::sync::Arc;

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

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn no_more_than_the_limit_hash_at_once_and_a_full_line_is_refused() {
        let limits = limit_hashing(HashingLimits::default());
        let running = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let calls = (0..limits.concurrent + limits.queued + 40).map(|_| {
            let (running, peak) = (running.clone(), peak.clone());
            tokio::spawn(gated(move || {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(now, Ordering::SeqCst);
                std::thread::sleep(std::time::Duration::from_millis(5));
                running.fetch_sub(1, Ordering::SeqCst);
                Ok(())
            }))
        });
        let outcomes: Vec<_> = futures_util::future::join_all(calls)
            .await
            .into_iter()
            .map(|joined| joined.expect("joined"))
            .collect();
        assert!(peak.load(Ordering::SeqCst) <= limits.concurrent);
        let busy = outcomes
            .iter()
            .filter(|o| matches!(o, Err(AuthError::Busy { .. })))
            .count();
        assert!(busy > 0, "a full line refuses");
        assert!(outcomes.iter().filter(|o| o.is_ok()).count() >= limits.concurrent);
    }
}
