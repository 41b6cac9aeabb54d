//! Load generator: N simulated phones over M documents against the real
//! `floorwalk` server and, in the same run, the official JS sync server.
//! See `server/benches/LOADGEN.md` for the commands and the figures.
//!
//! cargo bench -p floorwalk --bench loadgen -- [scenario] [options]
//!   scenarios: propagation (default), touch, reconnect, all;
//!              logins, guessing (sign-in load, see `server/benches/AUTH.md`)
//!   --clients N --docs M --seconds S --interval-ms I
//!   --logins N --login-queue Q --address-burst B
//!   --targets floorwalk-sqlite,floorwalk-postgres,reference
//!   (floorwalk-postgres-x3: three instances on one database, clients spread over them)

mod client;
mod guessing;
mod logins;
mod scenarios;
mod target;

use std::collections::HashMap;

#[derive(Clone, Debug)]
pub struct Options {
    pub scenario: String,
    pub clients: usize,
    pub docs: usize,
    pub seconds: u64,
    pub interval_ms: u64,
    pub touch_docs: usize,
    pub lines: usize,
    pub edits: usize,
    /// Phones signing in at once in `logins`.
    pub logins: usize,
    /// `FLOORWALK_LOGIN_QUEUE` for the server under test; its default if unset.
    pub login_queue: Option<usize>,
    /// `FLOORWALK_LOGIN_ADDRESS_BURST` for the server under test; its default if unset.
    pub address_burst: Option<usize>,
    pub targets: Vec<String>,
}

fn parse(args: &[String]) -> Options {
    let mut named: HashMap<String, String> = HashMap::new();
    let mut scenario = "propagation".to_string();
    let mut iter = args.iter().filter(|a| *a != "--bench");
    while let Some(arg) = iter.next() {
        match arg.strip_prefix("--") {
            Some(key) => {
                named.insert(key.to_string(), iter.next().cloned().unwrap_or_default());
            }
            None => scenario = arg.clone(),
        }
    }
    let num = |k: &str, d: usize| named.get(k).and_then(|v| v.parse().ok()).unwrap_or(d);
    Options {
        scenario,
        clients: num("clients", 100),
        docs: num("docs", 10),
        seconds: num("seconds", 20) as u64,
        interval_ms: num("interval-ms", 1000) as u64,
        touch_docs: num("touch-docs", 10_000),
        lines: num("lines", 10_000),
        edits: num("edits", 1_000),
        logins: num("logins", 1_000),
        login_queue: named.get("login-queue").and_then(|v| v.parse().ok()),
        address_burst: named.get("address-burst").and_then(|v| v.parse().ok()),
        targets: named
            .get("targets")
            .map(|t| t.split(',').map(str::to_string).collect())
            .unwrap_or_else(|| vec!["floorwalk-sqlite".into(), "reference".into()]),
    }
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let options = parse(&args);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    match options.scenario.as_str() {
        "logins" | "guessing" => runtime.block_on(logins::run(options)),
        _ => runtime.block_on(scenarios::run(options)),
    }
}
