//! Liveness, readiness and metrics for operators and load balancers.

use std::sync::Arc;

use actix_web::{HttpResponse, get, http::StatusCode, web};

use super::error_body;
use crate::{storage::Store, sync::Hub};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(healthz).service(readyz).service(metrics);
}

#[get("/healthz")]
async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "status": "up" }))
}

/// Ready when the database answers and every migration is applied.
#[get("/readyz")]
async fn readyz(store: web::Data<dyn Store>) -> HttpResponse {
    match store.migrations_applied().await {
        Ok(true) => HttpResponse::Ok()
            .json(serde_json::json!({ "status": "ready", "database": store.backend() })),
        Ok(false) => error_body(
            StatusCode::SERVICE_UNAVAILABLE,
            "not_ready",
            "database migrations are not all applied",
        ),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            error_body(
                StatusCode::SERVICE_UNAVAILABLE,
                "not_ready",
                "the database is not reachable",
            )
        }
    }
}

#[get("/metrics")]
async fn metrics(
    hub: web::Data<Arc<Hub>>,
    store: web::Data<dyn Store>,
    flattener: web::Data<crate::flatten::runner::Flattener>,
) -> HttpResponse {
    let mut text = hub.metrics().render(
        store.backend(),
        hub.loaded_documents(),
        hub.connection_count(),
    );
    text.push_str(&flattener.problem_log().render());
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(text)
}
