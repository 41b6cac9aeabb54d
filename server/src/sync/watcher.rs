//! Notices access changes made by other processes (the CLI, other instances)
//! and tells live connections to re-check, so disabling a user or removing a
//! membership takes effect without a restart.

use std::{sync::Arc, time::Duration};

use super::Hub;

pub async fn watch_access(hub: Arc<Hub>, every: Duration) {
    let mut seen = hub.store.access_version().await.ok();
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        match hub.store.access_version().await {
            Ok(version) if Some(version) != seen => {
                seen = Some(version);
                tracing::info!(
                    version,
                    "access rules changed; re-checking live connections"
                );
                hub.refresh_all_access();
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "cannot read the access version"),
        }
    }
}
