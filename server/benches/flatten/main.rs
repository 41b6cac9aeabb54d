//! Flatten benchmark (issue 3): what flattening a one-line change costs in a
//! 100-line and in a 10,000-line count session (they should be within 2× of
//! each other), and the sustained flatten throughput in changes/s.
//! It runs the flattener's own steps (`flatten::plan`, then the store's
//! `apply_flatten`) on a fresh database, without the sync hub.
//! See `server/benches/FLATTEN.md` for the commands and the figures.
//!
//! cargo bench -p floorwalk --bench flatten -- [--backend postgres|sqlite]
//!     [--small 100] [--large 10000] [--samples 50]
//!     [--docs 20] [--doc-lines 1000] [--changes 2000]

mod database;
mod scenarios;
mod session;

use std::collections::HashMap;

pub struct Options {
    pub backend: String,
    pub small: usize,
    pub large: usize,
    pub samples: usize,
    pub docs: usize,
    pub doc_lines: usize,
    pub changes: usize,
}

fn parse(args: &[String]) -> Options {
    let mut named: HashMap<String, String> = HashMap::new();
    let mut iter = args.iter().filter(|a| *a != "--bench");
    while let Some(arg) = iter.next() {
        if let Some(key) = arg.strip_prefix("--") {
            named.insert(key.to_string(), iter.next().cloned().unwrap_or_default());
        }
    }
    let num = |k: &str, d: usize| named.get(k).and_then(|v| v.parse().ok()).unwrap_or(d);
    Options {
        backend: named
            .get("backend")
            .cloned()
            .unwrap_or_else(|| "postgres".into()),
        small: num("small", 100),
        large: num("large", 10_000),
        samples: num("samples", 50),
        docs: num("docs", 20),
        doc_lines: num("doc-lines", 1_000),
        changes: num("changes", 2_000),
    }
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let options = parse(&args);
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(scenarios::run(options))
}
