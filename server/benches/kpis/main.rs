//! KPI benchmark (issue 5): 10 sites × 1 year of flattened rows on Postgres
//! (≥ 1,000,000 count entries, 50,000 checklist runs, 20,000 shipments), then
//! each KPI endpoint's latency over HTTP against the real server on that database.
//! See `server/benches/KPIS.md` for the commands and the figures.
//!
//! cargo bench -p floorwalk --bench kpis -- [--requests 100] [--keep]
//!     [--database-url postgres://…]   (reuse a database a `--keep` run generated)

mod dataset;
mod measure;

use std::collections::HashMap;

pub struct Options {
    pub requests: usize,
    pub keep: bool,
    pub database_url: Option<String>,
}

fn parse(args: &[String]) -> Options {
    let mut named: HashMap<String, String> = HashMap::new();
    let mut iter = args.iter().filter(|a| *a != "--bench").peekable();
    while let Some(arg) = iter.next() {
        if let Some(key) = arg.strip_prefix("--") {
            let value = match iter.peek() {
                Some(v) if !v.starts_with("--") => iter.next().cloned().unwrap_or_default(),
                _ => String::new(),
            };
            named.insert(key.to_string(), value);
        }
    }
    Options {
        requests: named
            .get("requests")
            .and_then(|v| v.parse().ok())
            .unwrap_or(100),
        keep: named.contains_key("keep"),
        database_url: named.get("database-url").cloned(),
    }
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let options = parse(&args);
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(run(options))
}

async fn run(options: Options) -> anyhow::Result<()> {
    let dataset = match &options.database_url {
        Some(url) => dataset::Dataset::existing(url),
        None => dataset::Dataset::generate().await?,
    };
    let result = measure::run(&dataset.url, options.requests).await;
    if options.keep || options.database_url.is_some() {
        println!("\ndatabase kept: --database-url {}", dataset.url);
    } else {
        dataset.drop_database().await?;
    }
    result
}
