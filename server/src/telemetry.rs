//! Structured logs on stderr. `FLOORWALK_LOG` (or `RUST_LOG`) sets the filter;
//! `FLOORWALK_LOG_FORMAT=json` switches to one JSON object per line.

use tracing_subscriber::{EnvFilter, fmt};

pub fn init() {
    let filter = std::env::var("FLOORWALK_LOG")
        .or_else(|_| std::env::var("RUST_LOG"))
        .unwrap_or_else(|_| "info,sqlx=warn,actix_server=warn".into());
    let filter = EnvFilter::try_new(&filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let json = std::env::var("FLOORWALK_LOG_FORMAT").is_ok_and(|f| f == "json");
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}
