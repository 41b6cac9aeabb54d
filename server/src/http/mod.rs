//! The HTTP server: routes, JSON errors, access logs named by route (never
//! with query strings, which may carry tickets).

pub mod access;
pub mod attachments;
pub mod auth_routes;
mod error;
pub mod events;
mod headers;
mod health;
pub(crate) mod me;
pub mod members;
pub mod webapp;

pub use error::{ApiError, ErrorBody, error_body};

use std::{net::TcpListener, sync::Arc, time::Instant};

use actix_web::{
    App, HttpServer,
    dev::Server,
    error::JsonPayloadError,
    http::StatusCode,
    middleware::{Compress, from_fn},
    web,
};

use crate::{
    auth::AuthService,
    storage::Store,
    sync::{
        Hub,
        connection::{SocketSettings, sync_socket},
    },
};

pub struct AppState {
    pub store: Arc<dyn Store>,
    pub auth: AuthService,
    pub hub: Arc<Hub>,
    pub socket: SocketSettings,
    pub attachments: attachments::AttachmentLimits,
    pub web_dir: Option<std::path::PathBuf>,
    pub flattener: Arc<crate::flatten::runner::Flattener>,
}

/// Largest JSON body the API accepts.
const JSON_LIMIT: usize = 1024 * 1024;

/// Serves the API and the app on `listener`; `features` adds the routes of
/// the modules above this one (planning, master data, reports, …), which the
/// composition root (`app`) knows and this module does not.
pub fn build_server(
    state: AppState,
    listener: TcpListener,
    features: fn(&mut web::ServiceConfig),
) -> std::io::Result<Server> {
    let store = web::Data::from(state.store.clone());
    let auth = web::Data::new(state.auth);
    let hub = web::Data::new(state.hub);
    let socket = web::Data::new(state.socket);
    let limits = web::Data::new(state.attachments);
    let web_dir = state.web_dir;
    let flattener = web::Data::from(state.flattener);
    let server = HttpServer::new(move || {
        let app = App::new()
            // Gzip for the app's scripts and wasm (a phone's first load is ~6 MB
            // raw, ~2 MB gzipped), JSON and CSV. Images and SSE are left alone.
            .wrap(Compress::default())
            .wrap(from_fn(webapp::cache_policy))
            .wrap(from_fn(headers::security_headers))
            .wrap(from_fn(access_log))
            .app_data(store.clone())
            .app_data(auth.clone())
            .app_data(hub.clone())
            .app_data(socket.clone())
            .app_data(limits.clone())
            .app_data(flattener.clone())
            .app_data(
                web::JsonConfig::default()
                    .limit(JSON_LIMIT)
                    .error_handler(json_error),
            )
            .configure(health::configure)
            .configure(auth_routes::configure)
            .configure(me::configure)
            .configure(attachments::configure)
            .configure(events::configure)
            .configure(members::configure)
            .configure(features)
            .route("/sync", web::get().to(sync_socket));
        match webapp::app_files(web_dir.clone()) {
            Some(files) => app.service(files),
            None => app.default_service(web::to(webapp::embedded_app)),
        }
    })
    .shutdown_timeout(10)
    // Signals are handled by `Application::run_until_stopped`, which closes sync connections first.
    .disable_signals()
    .listen(listener)?
    .run();
    Ok(server)
}

fn json_error(err: JsonPayloadError, _req: &actix_web::HttpRequest) -> actix_web::Error {
    let (status, message) = match &err {
        JsonPayloadError::OverflowKnownLength { .. } | JsonPayloadError::Overflow { .. } => (
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("request body is larger than {JSON_LIMIT} bytes"),
        ),
        JsonPayloadError::ContentType => (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send the body as JSON with `Content-Type: application/json`".to_string(),
        ),
        other => (
            StatusCode::BAD_REQUEST,
            format!("request body is not valid: {other}"),
        ),
    };
    actix_web::error::InternalError::from_response(err, error_body(status, "bad_request", &message))
        .into()
}

async fn access_log(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody>,
) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let method = req.method().clone();
    let route = req
        .match_pattern()
        .unwrap_or_else(|| "(unmatched)".to_string());
    let response = next.call(req).await?;
    tracing::info!(
        target: "floorwalk::access",
        %method,
        route,
        status = response.status().as_u16(),
        millis = started.elapsed().as_millis() as u64,
        "request"
    );
    Ok(response)
}
