//! Accounts and authentication: passwords, access tokens, rotating refresh
//! tokens and single-use sync tickets.

mod error;
mod password;
pub mod request;
pub mod secrets;
pub mod service;
mod signing;
pub mod throttle;
mod tokens;

pub use error::AuthError;
pub use password::{HashingLimits, hash_password, limit_hashing, verify_password};
pub use service::{AuthService, Principal, SyncTicket, TokenPair};
pub use tokens::{AccessClaims, TokenKeys};
