//! The real server on the generated database, a manager of all ten sites, and
//! each KPI endpoint requested in turn over HTTP (keep-alive, one at a time).

use std::time::{Duration, Instant};

use floorwalk::{
    app::Application,
    auth::hash_password,
    config::Config,
    storage::{NewUser, Role},
};

use super::dataset::SITES;

const ENDPOINTS: [&str; 8] = [
    "/api/reports/kpis",
    "/api/reports/kpis/trend",
    "/api/reports/kpis/inventory-accuracy",
    "/api/reports/kpis/count-completion",
    "/api/reports/kpis/checklists",
    "/api/reports/kpis/corrective-actions",
    "/api/reports/kpis/shipments",
    "/api/reports/kpis/receiving",
];

/// The dashboard's usual questions: one site over 30 days, all sites over a quarter;
/// and the largest: all sites over the whole year.
const SCOPES: [(&str, &str); 3] = [
    (
        "1 site, 30 days",
        "site=site-03&from=2026-10-26&to=2026-11-24",
    ),
    ("10 sites, 91 days", "from=2026-08-26&to=2026-11-24"),
    ("10 sites, 365 days", "from=2025-11-25&to=2026-11-24"),
];

const EMAIL: &str = "bench-manager@floorwalk.test";
const PASSWORD: &str = "bench-manager-password";

pub async fn run(url: &str, requests: usize) -> anyhow::Result<()> {
    let config = Config {
        bind: "127.0.0.1:0".into(),
        database_url: url.to_string(),
        ..Config::default()
    };
    let app = Application::build(&config).await?;
    let base = format!("http://{}", app.addr);
    manager(&app).await?;
    let handle = app.handle();
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::new();
    let token = login(&client, &base).await?;
    println!("\n{requests} requests per endpoint and scope, after 5 warm-up requests\n");
    println!("| endpoint | scope | p50 ms | p95 ms | max ms |");
    println!("| --- | --- | --- | --- | --- |");
    for endpoint in ENDPOINTS {
        for (label, query) in SCOPES {
            let path = format!("{base}{endpoint}?{query}");
            let mut times = Vec::with_capacity(requests);
            for i in 0..requests + 5 {
                let start = Instant::now();
                let response = client.get(&path).bearer_auth(&token).send().await?;
                anyhow::ensure!(
                    response.status() == 200,
                    "GET {path}: {}",
                    response.status()
                );
                response.bytes().await?;
                if i >= 5 {
                    times.push(start.elapsed());
                }
            }
            times.sort();
            println!(
                "| `{endpoint}` | {label} | {:.1} | {:.1} | {:.1} |",
                ms(pick(&times, 0.5)),
                ms(pick(&times, 0.95)),
                ms(pick(&times, 1.0)),
            );
        }
    }
    handle.stop(true).await;
    Ok(())
}

/// A manager of every site (once per database).
async fn manager(app: &Application) -> anyhow::Result<()> {
    let store = app.store.as_ref();
    if store.find_user_by_email(EMAIL).await?.is_some() {
        return Ok(());
    }
    let user = store
        .create_user(&NewUser {
            email: EMAIL.into(),
            display_name: "Bench manager".into(),
            role: Role::Manager,
            password_hash: hash_password(PASSWORD.into()).await?,
        })
        .await?;
    for s in 1..=SITES {
        let site = store
            .find_site(&format!("site-{s:02}"))
            .await?
            .ok_or_else(|| anyhow::anyhow!("site-{s:02} is missing"))?;
        store.add_membership(user.id, site.id).await?;
    }
    Ok(())
}

async fn login(client: &reqwest::Client, base: &str) -> anyhow::Result<String> {
    let body: serde_json::Value = client
        .post(format!("{base}/api/auth/login"))
        .json(&serde_json::json!({"email": EMAIL, "password": PASSWORD}))
        .send()
        .await?
        .json()
        .await?;
    body["access_token"]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| anyhow::anyhow!("login failed: {body}"))
}

fn pick(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len().max(1) - 1) as f64 * p).round() as usize;
    sorted.get(index).copied().unwrap_or_default()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
