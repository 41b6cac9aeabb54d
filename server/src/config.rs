//! Typed configuration: defaults in code, then an optional TOML file, then
//! `FLOORWALK_*` environment variables (env wins). Nothing here is global: the
//! binary builds a `Config` and passes it down, so tests can build their own.

use std::{fmt, path::Path, time::Duration};

use serde::Deserialize;

/// A value that must never reach a log line.
#[derive(Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address the HTTP server binds, e.g. `127.0.0.1:8080` (port 0 picks a free one).
    pub bind: String,
    /// `sqlite://path/to/file.db` or `postgres://user@host/db`.
    pub database_url: String,
    /// JWT signing secret, at least 32 bytes. When absent, one is generated once and
    /// kept in a file beside the SQLite database (`jwt-secret`), never in the database:
    /// a copy of the database alone must not let anyone mint tokens. Several
    /// instances (Postgres) must all be given the same one.
    pub jwt_secret: Option<Secret>,
    pub access_token_ttl_secs: u64,
    /// A refresh token not used for this long expires (the sliding lifetime)…
    pub refresh_token_ttl_secs: u64,
    /// …and no session outlives this, however often it refreshes.
    pub session_max_age_secs: u64,
    /// Failed sign-ins allowed at once per account, and seconds to earn one back.
    pub login_account_burst: u32,
    pub login_account_refill_secs: u64,
    /// The same per client address (phones on one network share one: looser).
    pub login_address_burst: u32,
    pub login_address_refill_secs: u64,
    /// Take the client address from `X-Forwarded-For` (only behind a proxy that sets it).
    pub trust_forwarded_for: bool,
    /// Password checks waiting for a free core before new ones get 503.
    pub login_queue: usize,
    pub ticket_ttl_secs: u64,
    /// Largest websocket message accepted, continuation frames included. A phone's
    /// messages are small (a day's offline work is well under 1 MiB); the server's own
    /// first sync of a big document goes the other way and is not limited by this.
    pub max_frame_bytes: usize,
    /// Sync connections one user may hold open at once (phones, tabs, a desk).
    pub max_connections_per_user: usize,
    /// Frames queued for one connection before it is judged too slow and closed.
    pub outgoing_queue_frames: usize,
    /// Bytes queued for one connection before it is judged too slow (one larger
    /// frame, such as a big first sync, still goes out when the queue is empty).
    pub outgoing_queue_bytes: usize,
    /// Largest ephemeral message (presence, cursors) relayed to other peers.
    pub max_ephemeral_bytes: usize,
    /// Ephemeral messages one connection may relay per second, on average, and in a burst.
    pub ephemeral_per_second: f64,
    pub ephemeral_burst: f64,
    pub ping_interval_secs: u64,
    pub ping_timeout_secs: u64,
    /// A document with no connected peer is unloaded after this long.
    pub idle_unload_secs: u64,
    /// At most this many documents are kept in memory; the least recently used go first.
    pub max_loaded_docs: usize,
    /// Documents created by one connection that are not yet attached to a site.
    /// A phone that worked offline offers all its new documents at once when it
    /// reconnects; this bounds what one connection can make the server hold.
    pub max_pending_creations: usize,
    /// A snapshot is written once this many changes have accumulated since the last one.
    pub compact_after_changes: u64,
    /// How often the server checks the database for access changes made by other processes.
    pub access_poll_millis: u64,
    pub database_max_connections: u32,
    /// Largest photo, signature or PDF accepted.
    pub attachment_max_bytes: usize,
    /// All of one site's photos, signatures and PDFs together.
    pub attachment_site_quota_bytes: u64,
    /// A built web app directory to serve at `/` instead of the one in the binary.
    pub web_dir: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:8080".into(),
            database_url: "sqlite://./data/floorwalk.db".into(),
            jwt_secret: None,
            access_token_ttl_secs: 15 * 60,
            refresh_token_ttl_secs: 30 * 24 * 3600,
            session_max_age_secs: 90 * 24 * 3600,
            login_account_burst: 5,
            login_account_refill_secs: 60,
            login_address_burst: 30,
            login_address_refill_secs: 10,
            trust_forwarded_for: false,
            login_queue: 256,
            ticket_ttl_secs: 60,
            max_frame_bytes: 16 * 1024 * 1024,
            max_connections_per_user: 16,
            outgoing_queue_frames: 1024,
            outgoing_queue_bytes: 16 * 1024 * 1024,
            max_ephemeral_bytes: 64 * 1024,
            ephemeral_per_second: 20.0,
            ephemeral_burst: 100.0,
            ping_interval_secs: 15,
            ping_timeout_secs: 45,
            idle_unload_secs: 60,
            max_loaded_docs: 2000,
            max_pending_creations: 1024,
            compact_after_changes: 500,
            access_poll_millis: 1000,
            database_max_connections: 8,
            attachment_max_bytes: 15 * 1024 * 1024,
            attachment_site_quota_bytes: 10 * 1024 * 1024 * 1024,
            web_dir: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("config file {path} is not valid: {source}")]
    Parse {
        path: String,
        source: Box<toml::de::Error>,
    },
    #[error("environment variable {name}={value:?} is not valid: expected {expected}")]
    Env {
        name: String,
        value: String,
        expected: &'static str,
    },
}

impl Config {
    /// Defaults, then the file (if given), then `FLOORWALK_*` variables from `env`.
    pub fn load(
        file: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, ConfigError> {
        let mut config = match file {
            Some(path) => Self::from_file(path)?,
            None => Self::default(),
        };
        for (name, value) in env {
            if let Some(key) = name.strip_prefix("FLOORWALK_") {
                config.apply_env(&name, key, value)?;
            }
        }
        Ok(config)
    }

    fn from_file(path: &Path) -> Result<Self, ConfigError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: shown.clone(),
            source,
        })?;
        toml::from_str(&text).map_err(|source| ConfigError::Parse {
            path: shown,
            source: Box::new(source),
        })
    }

    fn apply_env(&mut self, name: &str, key: &str, value: String) -> Result<(), ConfigError> {
        fn num<T: std::str::FromStr>(name: &str, value: &str) -> Result<T, ConfigError> {
            value.trim().parse().map_err(|_| ConfigError::Env {
                name: name.into(),
                value: value.into(),
                expected: "a number",
            })
        }
        match key {
            "BIND" => self.bind = value,
            "DATABASE_URL" => self.database_url = value,
            "JWT_SECRET" => self.jwt_secret = Some(Secret::new(value)),
            "ACCESS_TOKEN_TTL_SECS" => self.access_token_ttl_secs = num(name, &value)?,
            "REFRESH_TOKEN_TTL_SECS" => self.refresh_token_ttl_secs = num(name, &value)?,
            "SESSION_MAX_AGE_SECS" => self.session_max_age_secs = num(name, &value)?,
            "LOGIN_ACCOUNT_BURST" => self.login_account_burst = num(name, &value)?,
            "LOGIN_ACCOUNT_REFILL_SECS" => self.login_account_refill_secs = num(name, &value)?,
            "LOGIN_ADDRESS_BURST" => self.login_address_burst = num(name, &value)?,
            "LOGIN_ADDRESS_REFILL_SECS" => self.login_address_refill_secs = num(name, &value)?,
            "TRUST_FORWARDED_FOR" => {
                self.trust_forwarded_for = matches!(value.trim(), "1" | "true" | "yes")
            }
            "LOGIN_QUEUE" => self.login_queue = num(name, &value)?,
            "TICKET_TTL_SECS" => self.ticket_ttl_secs = num(name, &value)?,
            "MAX_FRAME_BYTES" => self.max_frame_bytes = num(name, &value)?,
            "MAX_CONNECTIONS_PER_USER" => self.max_connections_per_user = num(name, &value)?,
            "OUTGOING_QUEUE_FRAMES" => self.outgoing_queue_frames = num(name, &value)?,
            "OUTGOING_QUEUE_BYTES" => self.outgoing_queue_bytes = num(name, &value)?,
            "MAX_EPHEMERAL_BYTES" => self.max_ephemeral_bytes = num(name, &value)?,
            "EPHEMERAL_PER_SECOND" => self.ephemeral_per_second = num(name, &value)?,
            "EPHEMERAL_BURST" => self.ephemeral_burst = num(name, &value)?,
            "PING_INTERVAL_SECS" => self.ping_interval_secs = num(name, &value)?,
            "PING_TIMEOUT_SECS" => self.ping_timeout_secs = num(name, &value)?,
            "IDLE_UNLOAD_SECS" => self.idle_unload_secs = num(name, &value)?,
            "MAX_LOADED_DOCS" => self.max_loaded_docs = num(name, &value)?,
            "MAX_PENDING_CREATIONS" => self.max_pending_creations = num(name, &value)?,
            "COMPACT_AFTER_CHANGES" => self.compact_after_changes = num(name, &value)?,
            "ACCESS_POLL_MILLIS" => self.access_poll_millis = num(name, &value)?,
            "DATABASE_MAX_CONNECTIONS" => self.database_max_connections = num(name, &value)?,
            "ATTACHMENT_MAX_BYTES" => self.attachment_max_bytes = num(name, &value)?,
            "ATTACHMENT_SITE_QUOTA_BYTES" => self.attachment_site_quota_bytes = num(name, &value)?,
            "WEB_DIR" => self.web_dir = Some(value),
            // Other FLOORWALK_* variables (FLOORWALK_LOG, FLOORWALK_BIN, …) belong to other tools.
            _ => {}
        }
        Ok(())
    }

    /// The web app directory to serve instead of the app built into the binary:
    /// `web_dir` if set, else `pwa/dist` when the binary carries no app (a build
    /// made before the web app, run from the checkout).
    pub fn web_dir(&self, has_embedded_app: bool) -> Option<std::path::PathBuf> {
        let dir = match self.web_dir.as_deref() {
            Some(dir) => dir,
            None if has_embedded_app => return None,
            None => "pwa/dist",
        };
        let dir = std::path::PathBuf::from(dir);
        dir.join("index.html").is_file().then_some(dir)
    }

    /// Where a generated JWT secret is kept: beside the SQLite file, or in `./data`.
    pub fn generated_secret_path(&self) -> std::path::PathBuf {
        let file = self
            .database_url
            .strip_prefix("sqlite://")
            .or_else(|| self.database_url.strip_prefix("sqlite:"))
            .map(|rest| rest.split('?').next().unwrap_or(rest));
        let dir = match file.map(Path::new).and_then(Path::parent) {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            Some(_) => std::path::PathBuf::from("."),
            None => std::path::PathBuf::from("data"),
        };
        dir.join("jwt-secret")
    }

    pub fn ticket_ttl(&self) -> Duration {
        Duration::from_secs(self.ticket_ttl_secs.min(60))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn env_overrides_file_and_defaults() {
        let dir = std::env::temp_dir().join(format!("fw-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let file = dir.join("floorwalk.toml");
        std::fs::write(&file, "bind = \"0.0.0.0:9000\"\nmax_loaded_docs = 7\n").expect("write");
        let config = Config::load(
            Some(&file),
            env(&[("FLOORWALK_BIND", "127.0.0.1:1"), ("PATH", "/bin")]),
        )
        .expect("config");
        assert_eq!(config.bind, "127.0.0.1:1");
        assert_eq!(config.max_loaded_docs, 7);
        assert_eq!(config.access_token_ttl_secs, 900);
    }

    #[test]
    fn bad_numbers_name_the_variable() {
        let err = Config::load(None, env(&[("FLOORWALK_MAX_FRAME_BYTES", "lots")]))
            .expect_err("must fail");
        assert!(
            err.to_string().contains("FLOORWALK_MAX_FRAME_BYTES"),
            "{err}"
        );
    }

    #[test]
    fn secrets_are_hidden_from_debug() {
        let config = Config {
            jwt_secret: Some(Secret::new("hunter2")),
            ..Config::default()
        };
        assert!(!format!("{config:?}").contains("hunter2"));
    }

    #[test]
    fn unknown_file_keys_are_refused() {
        let dir = std::env::temp_dir().join(format!("fw-config-bad-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let file = dir.join("floorwalk.toml");
        std::fs::write(&file, "bnid = \"x\"\n").expect("write");
        let err = Config::load(Some(&file), Vec::new()).expect_err("must fail");
        assert!(err.to_string().contains("bnid"), "{err}");
    }
}
