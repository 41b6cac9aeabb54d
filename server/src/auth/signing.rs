//! The secret that signs access tokens. A configured one must be long enough to
//! resist guessing; a generated one lives in a file readable only by the server,
//! not in the database, so that a copy of the database (a backup, a dump sent for
//! support) does not let anyone mint tokens.

use std::{io::Write, path::Path};

use super::{AuthError, secrets::random_token};
use crate::{config::Config, storage::Store};

/// HS256 wants a key at least as long as its 256-bit hash.
pub const MIN_SECRET_BYTES: usize = 32;

/// Where older versions kept the generated secret; moved out on first start.
const LEGACY_SETTING: &str = "jwt_secret";

pub async fn signing_secret(store: &dyn Store, config: &Config) -> Result<String, AuthError> {
    if let Some(secret) = &config.jwt_secret {
        let secret = secret.expose();
        if secret.len() < MIN_SECRET_BYTES {
            return Err(AuthError::BadRequest(format!(
                "FLOORWALK_JWT_SECRET is {} bytes; it must be at least {MIN_SECRET_BYTES} \
                 (for example the output of `openssl rand -base64 48`)",
                secret.len()
            )));
        }
        return Ok(secret.to_string());
    }
    let path = config.generated_secret_path();
    if let Some(secret) = read_secret(&path)? {
        return Ok(secret);
    }
    // An install from before the file: keep its sessions valid, but take the
    // secret out of the database.
    let secret = match store.setting(LEGACY_SETTING).await? {
        Some(old) if old.len() >= MIN_SECRET_BYTES => old,
        _ => random_token(48),
    };
    let secret = write_secret(&path, &secret)?;
    store.delete_setting(LEGACY_SETTING).await?;
    tracing::info!(path = %path.display(), "generated the token signing secret; several instances need FLOORWALK_JWT_SECRET instead");
    Ok(secret)
}

fn read_secret(path: &Path) -> Result<Option<String>, AuthError> {
    match std::fs::read_to_string(path) {
        Ok(text) if text.trim().len() >= MIN_SECRET_BYTES => Ok(Some(text.trim().to_string())),
        Ok(_) => Err(AuthError::BadRequest(format!(
            "{} is shorter than {MIN_SECRET_BYTES} bytes: delete it to have a new secret generated \
             (every session then has to log in again)",
            path.display()
        ))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(AuthError::Internal(format!(
            "cannot read the token signing secret {}: {e}",
            path.display()
        ))),
    }
}

/// Writes the secret whole or not at all: into a private temporary file, then
/// linked into place, so a second instance starting at the same moment either
/// wins or reads the first one's secret, never half of it.
fn write_secret(path: &Path, secret: &str) -> Result<String, AuthError> {
    let fail = |e: std::io::Error| {
        AuthError::Internal(format!(
            "cannot write the token signing secret {}: {e}",
            path.display()
        ))
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
    let temporary = path.with_extension(format!("tmp-{}", random_token(6)));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&temporary).map_err(fail)?;
    file.write_all(secret.as_bytes()).map_err(fail)?;
    file.sync_all().map_err(fail)?;
    let linked = std::fs::hard_link(&temporary, path);
    let _ = std::fs::remove_file(&temporary);
    match linked {
        Ok(()) => Ok(secret.to_string()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            read_secret(path)?.ok_or_else(|| fail(e))
        }
        Err(e) => Err(fail(e)),
    }
}
