//! Wiring: storage, authentication, the sync hub and the HTTP server, built
//! from one `Config`, so tests start exactly what production starts. The one
//! module that knows every other: it mounts each feature's routes and
//! documents them ([`openapi`]).

pub mod openapi;
#[cfg(test)]
mod typescript;

use std::{
    net::{SocketAddr, TcpListener},
    sync::Arc,
    time::Duration,
};

use actix_web::{
    dev::{Server, ServerHandle},
    web,
};

use crate::{
    auth::{AuthService, secrets::random_token},
    config::Config,
    documents::site::ensure_site_document,
    flatten::runner::Flattener,
    http::{AppState, attachments::AttachmentLimits, build_server},
    storage::{self, Store},
    sync::{Hub, HubSettings, SessionLimits, connection::SocketSettings, watcher::watch_access},
};

pub struct Application {
    pub addr: SocketAddr,
    pub store: Arc<dyn Store>,
    pub hub: Arc<Hub>,
    pub flattener: Arc<Flattener>,
    server: Server,
}

const STORAGE_ID_SETTING: &str = "storage_id";

impl Application {
    /// Opens the database (running migrations) and binds the listener.
    pub async fn build(config: &Config) -> anyhow::Result<Self> {
        let store = storage::open(&config.database_url, config.database_max_connections).await?;
        Self::build_with_store(config, store).await
    }

    pub async fn build_with_store(config: &Config, store: Arc<dyn Store>) -> anyhow::Result<Self> {
        let auth = AuthService::new(store.clone(), config).await?;
        // Sites created before site documents existed get theirs now.
        for site in store.list_sites().await? {
            ensure_site_document(store.as_ref(), &site).await?;
        }
        let storage_id = store
            .setting_or_insert(STORAGE_ID_SETTING, &random_token(16))
            .await?;
        let hub = Hub::new(
            store.clone(),
            HubSettings::from_config(config, &storage_id),
            tokio::runtime::Handle::current(),
        );
        let flattener = Flattener::start(hub.clone(), store.clone());
        // Several instances on one Postgres database hear each other's commits.
        if let Some(notes) = store.listen().await? {
            tokio::spawn(crate::cluster::follow(
                notes,
                hub.clone(),
                flattener.clone(),
            ));
        }
        tokio::spawn(crate::planning::materialize::run(
            hub.clone(),
            store.clone(),
        ));
        tokio::spawn(watch_access(
            hub.clone(),
            Duration::from_millis(config.access_poll_millis.max(50)),
        ));
        let listener = TcpListener::bind(&config.bind)
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", config.bind))?;
        let addr = listener.local_addr()?;
        let state = AppState {
            store: store.clone(),
            auth,
            hub: hub.clone(),
            socket: SocketSettings {
                max_frame_bytes: config.max_frame_bytes,
                max_connections_per_user: config.max_connections_per_user.max(1),
                outgoing_queue_frames: config.outgoing_queue_frames,
                outgoing_queue_bytes: config.outgoing_queue_bytes.max(1),
                ping_interval: Duration::from_secs(config.ping_interval_secs.max(1)),
                ping_timeout: Duration::from_secs(config.ping_timeout_secs.max(1)),
                limits: SessionLimits {
                    max_pending_creations: config.max_pending_creations,
                    max_ephemeral_bytes: config.max_ephemeral_bytes,
                    ephemeral_per_second: config.ephemeral_per_second.max(0.0),
                    ephemeral_burst: config.ephemeral_burst.max(1.0),
                },
            },
            attachments: AttachmentLimits {
                max_bytes: config.attachment_max_bytes,
                site_quota_bytes: i64::try_from(config.attachment_site_quota_bytes)
                    .unwrap_or(i64::MAX),
            },
            web_dir: config.web_dir(crate::http::webapp::has_embedded_app()),
            flattener: flattener.clone(),
        };
        let server = build_server(state, listener, feature_routes)?;
        Ok(Self {
            addr,
            store,
            hub,
            flattener,
            server,
        })
    }

    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// Serves until SIGTERM/SIGINT (or `handle().stop()`). On a signal, sync
    /// connections are closed first (clients reconnect elsewhere or later),
    /// then the HTTP server stops and in-flight storage writes finish.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let handle = self.server.handle();
        // The server future must keep running while we pause and stop it.
        let mut server = tokio::spawn(self.server);
        let result = tokio::select! {
            result = &mut server => result,
            () = shutdown_signal() => {
                tracing::info!("shutting down: closing sync connections");
                // No new connections from here on, or reconnecting clients would keep us busy.
                handle.pause().await;
                self.hub.begin_shutdown();
                self.hub.close_all_connections("the server is restarting: reconnect shortly");
                let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
                while self.hub.connection_count() > 0 && tokio::time::Instant::now() < deadline {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                handle.stop(true).await;
                server.await
            }
        };
        let result = result.unwrap_or_else(|e| Err(std::io::Error::other(e)));
        tracing::info!("HTTP server stopped; finishing in-flight storage writes");
        self.hub.drain(Duration::from_secs(10)).await;
        // The flattener and the scheduler stop too, handing their jobs to another instance.
        self.hub.begin_shutdown();
        result
    }
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(term) => term,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot listen for SIGTERM");
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}

/// The routes of the modules above `http`, each mounting its own.
fn feature_routes(cfg: &mut web::ServiceConfig) {
    cfg.configure(crate::actions::configure)
        .configure(crate::masterdata::configure)
        .configure(crate::audit::configure)
        .configure(crate::planning::configure)
        .configure(crate::admin::configure)
        .configure(crate::reporting::routes::configure)
        .service(openapi::openapi_json);
}
