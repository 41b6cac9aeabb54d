//! Live updates for dashboards: a server-sent event stream naming each site
//! whose figures changed, sent after the flattening transaction committed (so
//! a dashboard that refetches on the event sees the new rows).
//!
//! EventSource cannot send headers, so besides `Authorization: Bearer` the
//! access token may come as `?access_token=`. The stream ends when that token
//! expires; the client reconnects with a fresh one, which also re-checks the
//! user's sites. Every few seconds the stream also re-checks the token's session,
//! so a logout, a stolen-token revocation or a disabled account ends it at once
//! instead of at the token's expiry, and the user's memberships: a site taken away
//! is no longer reported (a `resync` names the sites left).

use std::{collections::HashMap, sync::Arc, time::Duration};

use actix_web::{HttpRequest, HttpResponse, get, http::header, web};
use futures_util::stream;
use serde::Deserialize;
use serde_json::json;
use tokio::{
    sync::broadcast::{self, error::RecvError},
    time::{Instant, Interval, MissedTickBehavior},
};

use super::{ApiError, access::visible_sites};
use crate::{
    auth::{AuthError, AuthService, request::bearer_token},
    flatten::runner::{Flattener, SiteChanged},
    storage::{Store, now_millis},
};

const KEEPALIVE: Duration = Duration::from_secs(15);
/// How often a stream checks that its session still stands.
const RECHECK: Duration = Duration::from_secs(2);

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(events);
}

#[derive(Deserialize)]
struct EventsQuery {
    site: Option<String>,
    access_token: Option<String>,
}

/// One `text/event-stream` frame.
fn frame(event: &str, data: &serde_json::Value) -> web::Bytes {
    web::Bytes::from(format!("event: {event}\ndata: {data}\n\n"))
}

struct Stream {
    changes: broadcast::Receiver<SiteChanged>,
    /// The sites this stream reports, by id.
    slugs: HashMap<i64, String>,
    store: Arc<dyn Store>,
    keepalive: Interval,
    recheck: Interval,
    auth: AuthService,
    token: String,
    expires: Instant,
    ready_sent: bool,
    ended: bool,
}

impl Stream {
    /// Stops reporting sites the user is no longer a member of: `resync` with the
    /// sites left, or `revoked` when none is.
    async fn drop_lost_sites(&mut self, user_id: i64) -> Option<web::Bytes> {
        let member_of = self.store.site_ids_of(user_id).await.ok()?;
        let before = self.slugs.len();
        self.slugs.retain(|id, _| member_of.contains(id));
        if self.slugs.len() == before {
            return None;
        }
        if self.slugs.is_empty() {
            self.ended = true;
            return Some(frame(
                "revoked",
                &json!({
                    "message": "you are no longer a member of the sites this stream reported",
                }),
            ));
        }
        let sites: Vec<&String> = self.slugs.values().collect();
        Some(frame("resync", &json!({ "sites": sites })))
    }

    async fn next(&mut self) -> Option<web::Bytes> {
        if self.ended {
            return None;
        }
        if !self.ready_sent {
            self.ready_sent = true;
            let sites: Vec<&String> = self.slugs.values().collect();
            return Some(frame("ready", &json!({ "sites": sites })));
        }
        loop {
            tokio::select! {
                change = self.changes.recv() => match change {
                    Ok(change) => {
                        if let Some(slug) = self.slugs.get(&change.site_id) {
                            return Some(frame("site-changed", &json!({
                                "site": slug,
                                "document_id": change.document_id.as_str(),
                                "document_type": change.document_type,
                            })));
                        }
                    }
                    // Too slow to follow every change: tell it to refetch everything.
                    Err(RecvError::Lagged(_)) => {
                        let sites: Vec<&String> = self.slugs.values().collect();
                        return Some(frame("resync", &json!({ "sites": sites })));
                    }
                    Err(RecvError::Closed) => return None,
                },
                _ = self.keepalive.tick() => return Some(web::Bytes::from_static(b": keepalive\n\n")),
                _ = self.recheck.tick() => {
                    let principal = match self.auth.authenticate(&self.token).await {
                        Ok(principal) => principal,
                        Err(AuthError::Internal(_)) => continue,
                        Err(error) => {
                            self.ended = true;
                            return Some(frame("revoked", &json!({ "message": error.to_string() })));
                        }
                    };
                    if let Some(frame) = self.drop_lost_sites(principal.user.id).await {
                        return Some(frame);
                    }
                }
                () = tokio::time::sleep_until(self.expires) => {
                    self.ended = true;
                    return Some(frame("expired", &json!({
                        "message": "your access token expired: reconnect with a fresh one",
                    })));
                }
            }
        }
    }
}

/// Which sites changed, as they change.
#[utoipa::path(
    get,
    path = "/api/events",
    tag = "live",
    params(
        ("site" = Option<String>, Query, description = "One site's slug; every site of yours when absent"),
        ("access_token" = Option<String>, Query, description = "For EventSource, which cannot send an Authorization header"),
    ),
    responses(
        (status = 200, description = "`text/event-stream`: `ready` {sites}, then `site-changed` {site, document_id, document_type} after each flatten commit; `resync` {sites} when events were dropped; `expired` when the token runs out; `revoked` when its session ends (logout, revocation, disabled account)", content_type = "text/event-stream"),
        (status = 401, description = "No valid access token"),
        (status = 404, description = "The site is unknown, or not one of yours"),
    ),
    security(("bearer" = [])),
)]
#[get("/api/events")]
#[tracing::instrument(name = "GET /api/events", skip_all, err(level = "warn"))]
pub async fn events(
    req: HttpRequest,
    query: web::Query<EventsQuery>,
    auth: web::Data<AuthService>,
    store: web::Data<dyn Store>,
    flattener: web::Data<Flattener>,
) -> Result<HttpResponse, ApiError> {
    let token = bearer_token(&req)
        .or(query.access_token.as_deref())
        .ok_or(AuthError::MissingCredentials)?;
    let principal = auth.authenticate(token).await?;
    let expires_at = auth.access_expiry(token).unwrap_or(0);
    // Subscribe before answering, so nothing flattened after `ready` is missed.
    let changes = flattener.subscribe();
    let mut slugs = HashMap::new();
    for id in visible_sites(store.as_ref(), &principal, query.site.as_deref()).await? {
        if let Some(site) = store.site_by_id(id).await? {
            slugs.insert(site.id, site.slug);
        }
    }
    let remaining_ms = (expires_at * 1000 - now_millis()).max(0) as u64;
    let mut keepalive = tokio::time::interval_at(Instant::now() + KEEPALIVE, KEEPALIVE);
    keepalive.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut recheck = tokio::time::interval_at(Instant::now() + RECHECK, RECHECK);
    recheck.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let state = Stream {
        changes,
        slugs,
        store: store.clone().into_inner(),
        keepalive,
        recheck,
        auth: auth.get_ref().clone(),
        token: token.to_string(),
        expires: Instant::now() + Duration::from_millis(remaining_ms),
        ready_sent: false,
        ended: false,
    };
    let body = stream::unfold(state, |mut state| async move {
        let bytes = state.next().await?;
        Some((Ok::<_, actix_web::Error>(bytes), state))
    });
    Ok(HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        // A compressor would hold events back until its buffer fills.
        .insert_header((header::CONTENT_ENCODING, "identity"))
        // Proxies such as nginx would otherwise hold events back in a buffer.
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(body))
}
