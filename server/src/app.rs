//! Wiring: storage, authentication, the sync hub and the HTTP server, built
//! from one `Config`, so tests start exactly what production starts.

use std::{
    net::{SocketAddr, TcpListener},
    sync::Arc,
    time::Duration,
};

use actix_web::dev::{Server, ServerHandle};

use crate::{
    auth::{AuthService, secrets::random_token},
    config::Config,
    http::{AppState, build_server},
    storage::{self, Store},
    sync::{Hub, HubSettings, connection::SocketSettings, watcher::watch_access},
};

pub struct Application {
    pub addr: SocketAddr,
    pub store: Arc<dyn Store>,
    pub hub: Arc<Hub>,
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
        let storage_id = store
            .setting_or_insert(STORAGE_ID_SETTING, &random_token(16))
            .await?;
        let hub = Hub::new(
            store.clone(),
            HubSettings::from_config(config, &storage_id),
            tokio::runtime::Handle::current(),
        );
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
                outgoing_queue_frames: config.outgoing_queue_frames,
                ping_interval: Duration::from_secs(config.ping_interval_secs.max(1)),
                ping_timeout: Duration::from_secs(config.ping_timeout_secs.max(1)),
                max_pending_creations: config.max_pending_creations,
            },
        };
        let server = build_server(state, listener)?;
        Ok(Self {
            addr,
            store,
            hub,
            server,
        })
    }

    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// Serves until SIGTERM/SIGINT (or `handle().stop()`), then lets in-flight
    /// storage writes finish.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let result = self.server.await;
        tracing::info!("HTTP server stopped; finishing in-flight storage writes");
        self.hub.drain(Duration::from_secs(10)).await;
        result
    }
}
