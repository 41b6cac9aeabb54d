//! Sign-in under load against the real server: a whole shift's phones signing
//! in at once (`logins`). Password guessing is in `guessing.rs`; both use the
//! login call and the account seeding here. See `server/benches/AUTH.md`.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use anyhow::Context;
use floorwalk::storage::{NewUser, Role};
use reqwest::header::RETRY_AFTER;
use tokio::sync::Barrier;

use super::{Options, guessing, target::Target};

pub const PHONE_PASSWORD: &str = "phone-password-1";
/// A phone that has not got in by then is counted as never signed in.
const GIVE_UP: Duration = Duration::from_secs(300);

pub async fn run(options: Options) -> anyhow::Result<()> {
    match options.scenario.as_str() {
        "logins" => storm_all(&options).await,
        "guessing" => guessing::run(&options).await,
        other => anyhow::bail!("unknown sign-in scenario {other:?}: logins or guessing"),
    }
}

/// A fresh server; the sign-in settings given on the command line, the server's
/// defaults otherwise.
pub async fn start(name: &str, options: &Options, mut env: Vec<(&str, String)>) -> Target {
    if let Some(queue) = options.login_queue {
        env.push(("FLOORWALK_LOGIN_QUEUE", queue.to_string()));
    }
    if let Some(burst) = options.address_burst {
        env.push(("FLOORWALK_LOGIN_ADDRESS_BURST", burst.to_string()));
    }
    let database = match name {
        "floorwalk-sqlite" => "sqlite",
        _ => "postgres",
    };
    Target::floorwalk(database, &env).await
}

/// Creates `count` staff accounts `{prefix}-{i}@load.test` on the bench site with
/// the store call `floorwalk user add` makes. They share one Argon2 hash (checking
/// it costs the same as checking any other), so a thousand accounts take seconds
/// rather than a thousand CLI runs that each hash.
pub async fn seed_accounts(
    target: &Target,
    prefix: &str,
    count: usize,
) -> anyhow::Result<Vec<String>> {
    let url = target
        .database_url
        .as_deref()
        .context("only floorwalk targets have accounts")?;
    let store = floorwalk::storage::open(url, 2).await?;
    let site = store.find_site("bench").await?.context("the bench site")?;
    let password_hash = floorwalk::auth::hash_password(PHONE_PASSWORD.into()).await?;
    let mut emails = Vec::with_capacity(count);
    for i in 0..count {
        let email = format!("{prefix}-{i}@load.test");
        let user = store
            .create_user(&NewUser {
                email: email.clone(),
                display_name: format!("{prefix} {i}"),
                role: Role::Staff,
                password_hash: password_hash.clone(),
            })
            .await?;
        store.add_membership(user.id, site.id).await?;
        emails.push(email);
    }
    Ok(emails)
}

/// One answer to `POST /api/auth/login`; status 0 when no HTTP answer came.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    /// The error body's `error` code, or the transport error.
    pub code: String,
    pub retry_after: Option<u64>,
    pub took: Duration,
}

pub async fn login(
    http: &reqwest::Client,
    base: &str,
    email: &str,
    password: &str,
    forwarded_for: Option<&str>,
) -> Answer {
    let started = Instant::now();
    let mut request = http
        .post(format!("{base}/api/auth/login"))
        .json(&serde_json::json!({ "email": email, "password": password }));
    if let Some(address) = forwarded_for {
        request = request.header("x-forwarded-for", address);
    }
    let response = match request.send().await {
        Ok(response) => response,
        Err(e) => {
            return Answer {
                status: 0,
                code: e.to_string(),
                retry_after: None,
                took: started.elapsed(),
            };
        }
    };
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok()?.parse().ok());
    let body: serde_json::Value = response.json().await.unwrap_or_default();
    Answer {
        status,
        code: body["error"].as_str().unwrap_or_default().to_string(),
        retry_after,
        took: started.elapsed(),
    }
}

/// One phone's sign-in: its first answer, and when it got in, trying again
/// after `Retry-After` as a person taps "sign in" again after the message.
struct Phone {
    first: Answer,
    answered_at: Instant,
    /// When the phone got in, and how long that successful request took.
    signed_in: Option<(Instant, Duration)>,
    tries: usize,
}

async fn sign_in(http: reqwest::Client, base: String, email: String, go: Arc<Barrier>) -> Phone {
    go.wait().await;
    let deadline = Instant::now() + GIVE_UP;
    let first = login(&http, &base, &email, PHONE_PASSWORD, None).await;
    let answered_at = Instant::now();
    let (mut answer, mut tries) = (first.clone(), 1);
    while matches!(answer.status, 429 | 503) && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_secs(answer.retry_after.unwrap_or(2))).await;
        answer = login(&http, &base, &email, PHONE_PASSWORD, None).await;
        tries += 1;
    }
    Phone {
        first,
        answered_at,
        signed_in: (answer.status == 200).then(|| (Instant::now(), answer.took)),
        tries,
    }
}

struct StormResult {
    name: String,
    rss_before: f64,
    peak: f64,
    rss_after: f64,
    started: Instant,
    phones: Vec<Phone>,
}

async fn storm(target: &Target, logins: usize) -> anyhow::Result<StormResult> {
    let emails = seed_accounts(target, "phone", logins).await?;
    let base = target.http.clone().context("a floorwalk target")?;
    let (rss_before, _) = target.memory_mib();
    let http = reqwest::Client::builder()
        .timeout(GIVE_UP)
        .pool_max_idle_per_host(0)
        .build()?;
    let go = Arc::new(Barrier::new(emails.len() + 1));
    let tasks: Vec<_> = emails
        .into_iter()
        .map(|email| tokio::spawn(sign_in(http.clone(), base.clone(), email, go.clone())))
        .collect();
    go.wait().await;
    let started = Instant::now();
    let mut phones = Vec::with_capacity(tasks.len());
    for task in tasks {
        phones.push(task.await?);
    }
    let (rss_after, peak) = target.memory_mib();
    Ok(StormResult {
        name: target.name.clone(),
        rss_before,
        peak,
        rss_after,
        started,
        phones,
    })
}

async fn storm_all(options: &Options) -> anyhow::Result<()> {
    let mut results = Vec::new();
    for name in &options.targets {
        let target = start(name, options, Vec::new()).await;
        results.push(storm(&target, options.logins).await?);
        target.stop().await;
    }
    let queue = options
        .login_queue
        .map_or("server default".into(), |q| q.to_string());
    println!(
        "\n### logins: {} phones sign in at once, one account each (login queue: {queue})\n",
        options.logins
    );
    println!(
        "| server | RSS before MiB | peak RSS MiB | RSS after MiB | first answers 200 / 503 / 429 / other | all answered s | 200 p50 ms | 200 p99 ms |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- |");
    for r in &results {
        print_first_answers(r);
    }
    println!("\nTrying again after `Retry-After` until signed in:\n");
    println!(
        "| server | signed in | all signed in s | signed in p50 s | signed in p99 s | attempts | Retry-After s (503) |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- |");
    for r in &results {
        print_retries(r);
    }
    Ok(())
}

fn print_first_answers(r: &StormResult) {
    let count = |status: u16| r.phones.iter().filter(|p| p.first.status == status).count();
    let other = r.phones.len() - count(200) - count(503) - count(429);
    if let Some(odd) = r
        .phones
        .iter()
        .find(|p| ![200, 503, 429].contains(&p.first.status))
    {
        eprintln!("{}: e.g. {:?}", r.name, odd.first);
    }
    let answered = r.phones.iter().map(|p| p.answered_at - r.started).max();
    let ok: Vec<Duration> = r
        .phones
        .iter()
        .filter(|p| p.first.status == 200)
        .map(|p| p.first.took)
        .collect();
    println!(
        "| {} | {:.0} | {:.0} | {:.0} | {} / {} / {} / {other} | {:.1} | {:.0} | {:.0} |",
        r.name,
        r.rss_before,
        r.peak,
        r.rss_after,
        count(200),
        count(503),
        count(429),
        answered.unwrap_or_default().as_secs_f64(),
        percentile(ok.clone(), 0.50).as_secs_f64() * 1000.0,
        percentile(ok, 0.99).as_secs_f64() * 1000.0,
    );
}

fn print_retries(r: &StormResult) {
    let signed_in: Vec<Duration> = r
        .phones
        .iter()
        .filter_map(|p| p.signed_in.map(|(at, _)| at - r.started))
        .collect();
    let attempts: usize = r.phones.iter().map(|p| p.tries).sum();
    let mut waits: Vec<u64> = r
        .phones
        .iter()
        .filter(|p| p.first.status == 503)
        .filter_map(|p| p.first.retry_after)
        .collect();
    waits.sort_unstable();
    waits.dedup();
    let waits: Vec<String> = waits.iter().map(u64::to_string).collect();
    println!(
        "| {} | {}/{} | {:.1} | {:.1} | {:.1} | {attempts} | {} |",
        r.name,
        signed_in.len(),
        r.phones.len(),
        signed_in
            .iter()
            .max()
            .copied()
            .unwrap_or_default()
            .as_secs_f64(),
        percentile(signed_in.clone(), 0.50).as_secs_f64(),
        percentile(signed_in, 0.99).as_secs_f64(),
        if waits.is_empty() {
            "none".into()
        } else {
            waits.join(", ")
        },
    );
}

pub fn percentile(mut values: Vec<Duration>, p: f64) -> Duration {
    if values.is_empty() {
        return Duration::ZERO;
    }
    values.sort_unstable();
    values[((values.len() - 1) as f64 * p).round() as usize]
}
