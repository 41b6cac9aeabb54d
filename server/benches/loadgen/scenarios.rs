//! The measured scenarios; each prints a markdown table row per target.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use futures_util::StreamExt;
use tokio::sync::{Barrier, Mutex, Semaphore};
use tokio_tungstenite::tungstenite::Message;

use super::{
    Options,
    client::{DocClient, Observations, connect, connect_nth, new_document},
    target::Target,
};

const SITE: &str = "bench";

pub async fn run(options: Options) -> anyhow::Result<()> {
    match options.scenario.as_str() {
        "propagation" => propagation_all(&options).await,
        "touch" => touch_all(&options).await,
        "reconnect" => reconnect_all(&options).await,
        "all" => {
            propagation_all(&options).await?;
            touch_all(&options).await?;
            reconnect_all(&options).await
        }
        other => anyhow::bail!("unknown scenario {other:?}: propagation, touch, reconnect or all"),
    }
}

async fn start(name: &str, extra: &[(&'static str, String)]) -> Target {
    // Every simulated phone signs in as the one bench account, all at once: lift the
    // per-user connection cap and the account's guessing limit, which would
    // otherwise (rightly) stop a thousand sockets and sign-ins of one user.
    let mut env = vec![
        ("FLOORWALK_MAX_CONNECTIONS_PER_USER", "1000000".to_string()),
        ("FLOORWALK_LOGIN_ACCOUNT_BURST", "1000000".to_string()),
    ];
    env.extend(extra.iter().cloned());
    match name {
        "floorwalk-sqlite" => Target::floorwalk("sqlite", &env).await,
        "floorwalk-postgres" => Target::floorwalk("postgres", &env).await,
        cluster if cluster.starts_with("floorwalk-postgres-x") => {
            let instances = cluster["floorwalk-postgres-x".len()..]
                .parse()
                .expect("floorwalk-postgres-x<number of instances>");
            Target::floorwalk_cluster(instances, &env).await
        }
        _ => Target::reference().await,
    }
}

async fn propagation_all(options: &Options) -> anyhow::Result<()> {
    println!(
        "\n### propagation: {} clients, {} documents, one write per client every {} ms for {} s\n",
        options.clients, options.docs, options.interval_ms, options.seconds
    );
    println!(
        "| server | delivered | lost | p50 ms | p99 ms | server p99 ms (commit / relay) | writes/s | persisted changes/s | server CPU ms per write | commits shared | peak RSS MiB |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for name in &options.targets {
        let target = start(name, &[]).await;
        propagation(&target, options).await?;
        target.stop().await;
    }
    Ok(())
}

/// The upper bound (ms) of the bucket holding the 99th percentile of what the
/// server observed between two readings of a histogram.
fn bucket_p99(before: &[(f64, f64)], after: &[(f64, f64)]) -> Option<String> {
    let count_before = |i: usize| before.get(i).map_or(0.0, |b| b.1);
    let total = after.last()?.1 - count_before(after.len() - 1);
    if total <= 0.0 {
        return None;
    }
    let (le, _) = after
        .iter()
        .enumerate()
        .find(|(i, (_, count))| count - count_before(*i) >= total * 0.99)
        .map(|(_, b)| *b)?;
    Some(if le.is_finite() {
        format!("{:.0}", le * 1000.0)
    } else {
        "> 10000".into()
    })
}

fn percentile(sorted: &[i64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let index = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[index] as f64 / 1000.0
}

async fn propagation(target: &Target, options: &Options) -> anyhow::Result<()> {
    let http = reqwest::Client::new();
    let doc_ids: Vec<String> = (0..options.docs)
        .map(|_| floorwalk::sync::DocumentId::random().to_string())
        .collect();
    let observations = Arc::new(Mutex::new(Observations::default()));
    let barrier = Arc::new(Barrier::new(options.clients));
    let connecting = Arc::new(Semaphore::new(16));
    let persisted_before = target.metric("floorwalk_changes_persisted_total").await;
    let commit_before = target.histogram("floorwalk_sync_commit_seconds").await;
    let relay_before = target.histogram("floorwalk_sync_relay_seconds").await;
    let grouped_before = target
        .metric("floorwalk_batches_in_commit_groups_total")
        .await;

    let mut tasks = Vec::new();
    // Creators first, so the others' requests find the documents.
    for i in 0..options.clients {
        let creator = i < options.docs;
        let doc_id = doc_ids[i % options.docs].clone();
        let connected = {
            let _permit = connecting.acquire().await?;
            connect_nth(target, i, &http).await?
        };
        let doc = if creator {
            new_document(SITE)
        } else {
            automerge::AutoCommit::new()
        };
        let mut client = DocClient::new(connected, doc_id, doc, i);
        if creator {
            client.send_sync().await?;
            wait_for(&mut client, |c| c.acknowledged()).await?;
        }
        let (barrier, observations, options) =
            (barrier.clone(), observations.clone(), options.clone());
        tasks.push(tokio::spawn(async move {
            run_client(client, barrier, observations, options).await
        }));
    }
    let cpu_before = target.cpu_seconds();
    for task in tasks {
        task.await??;
    }
    let cpu_used = target.cpu_seconds() - cpu_before;
    let elapsed = options.seconds as f64;
    let persisted = match (
        persisted_before,
        target.metric("floorwalk_changes_persisted_total").await,
    ) {
        (Some(a), Some(b)) => format!("{:.0}", (b - a) / elapsed),
        _ => "n/a".into(),
    };
    let observed = observations.lock().await;
    let writers_per_doc = |doc: usize| {
        (0..options.clients)
            .filter(|i| i % options.docs == doc)
            .count()
    };
    let expected: usize = (0..options.clients)
        .map(|i| {
            observed.written.get(&format!("w{i}")).copied().unwrap_or(0)
                * (writers_per_doc(i % options.docs) - 1)
        })
        .sum();
    let total_written: usize = observed.written.values().sum();
    let mut latencies = observed.latencies_micros.clone();
    latencies.sort_unstable();
    let delivered = latencies.len();
    let lost = expected.saturating_sub(delivered) as f64 / expected.max(1) as f64 * 100.0;
    let (_, peak) = target.memory_mib();
    let server_p99 = match (
        bucket_p99(
            &commit_before,
            &target.histogram("floorwalk_sync_commit_seconds").await,
        ),
        bucket_p99(
            &relay_before,
            &target.histogram("floorwalk_sync_relay_seconds").await,
        ),
    ) {
        (Some(commit), Some(relay)) => format!("≤ {commit} / ≤ {relay}"),
        _ => "n/a".into(),
    };
    let shared = match (
        grouped_before,
        target
            .metric("floorwalk_batches_in_commit_groups_total")
            .await,
    ) {
        (Some(before), Some(after)) => format!("{:.0} batches", after - before),
        _ => "n/a".into(),
    };
    println!(
        "| {} | {delivered}/{expected} | {lost:.2} % | {:.1} | {:.1} | {server_p99} | {:.0} | {persisted} | {:.2} | {shared} | {peak:.0} |",
        target.name,
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.99),
        total_written as f64 / elapsed,
        cpu_used * 1000.0 / total_written.max(1) as f64,
    );
    Ok(())
}

/// Reads frames until `done` holds (for setup phases).
async fn wait_for(
    client: &mut DocClient,
    done: impl Fn(&mut DocClient) -> bool,
) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !done(client) {
        anyhow::ensure!(
            Instant::now() < deadline,
            "setup did not converge within 60 s"
        );
        let frame = tokio::time::timeout(Duration::from_secs(60), client.connected.socket.next())
            .await?
            .ok_or_else(|| anyhow::anyhow!("connection closed during setup"))??;
        if let Message::Binary(bytes) = frame {
            client.receive(&bytes)?;
            client.send_sync().await?;
        }
    }
    Ok(())
}

async fn run_client(
    mut client: DocClient,
    barrier: Arc<Barrier>,
    observations: Arc<Mutex<Observations>>,
    options: Options,
) -> anyhow::Result<()> {
    client.send_sync().await?;
    wait_for(&mut client, |c| !c.doc.get_heads().is_empty()).await?;
    barrier.wait().await;
    let start = Instant::now();
    let stop_writing = start + Duration::from_secs(options.seconds);
    let stop = stop_writing + Duration::from_secs(5);
    // Spread the writers over the interval rather than all at once.
    let phase = Duration::from_millis(rand::random::<u64>() % options.interval_ms.max(1));
    let mut tick = tokio::time::interval_at(
        (start + phase).into(),
        Duration::from_millis(options.interval_ms.max(1)),
    );
    let mut latencies = Vec::new();
    loop {
        tokio::select! {
            frame = client.connected.socket.next() => match frame {
                Some(Ok(Message::Binary(bytes))) => {
                    latencies.extend(client.receive(&bytes)?);
                    client.send_sync().await?;
                }
                Some(Ok(_)) => {}
                _ => break,
            },
            _ = tick.tick(), if Instant::now() < stop_writing => {
                client.write()?;
                client.send_sync().await?;
            }
            _ = tokio::time::sleep_until(stop.into()) => break,
        }
    }
    let mut observed = observations.lock().await;
    observed.latencies_micros.extend(latencies);
    observed
        .written
        .insert(client.writer_key.clone(), client.written());
    Ok(())
}

async fn touch_all(options: &Options) -> anyhow::Result<()> {
    println!(
        "\n### memory after {} documents were touched, then left idle\n",
        options.touch_docs
    );
    println!("| server | peak RSS MiB | RSS after idle MiB |");
    println!("| --- | --- | --- |");
    for name in &options.targets {
        let env = [("FLOORWALK_IDLE_UNLOAD_SECS", "5".to_string())];
        let target = start(name, &env).await;
        let http = reqwest::Client::new();
        let per_connection = 100;
        let workers = 4;
        let chunks: Vec<usize> = (0..options.touch_docs.div_ceil(per_connection)).collect();
        let queue = Arc::new(Mutex::new(chunks));
        let mut tasks = Vec::new();
        for _ in 0..workers {
            let (queue, http) = (queue.clone(), http.clone());
            let target_ws = (target.ws.clone(), target.http.clone());
            tasks.push(tokio::spawn(async move {
                let target = TargetRef {
                    ws: target_ws.0,
                    http: target_ws.1,
                };
                while queue.lock().await.pop().is_some() {
                    let connected = target.connect(&http).await?;
                    let mut client =
                        DocClient::new(connected, String::new(), new_document(SITE), 0);
                    for _ in 0..per_connection {
                        client.doc_id = floorwalk::sync::DocumentId::random().to_string();
                        client.doc = new_document(SITE);
                        client.state = automerge::sync::State::new();
                        client.write()?;
                        client.send_sync().await?;
                        wait_for(&mut client, |c| c.acknowledged()).await?;
                    }
                }
                anyhow::Ok(())
            }));
        }
        for task in tasks {
            task.await??;
        }
        let (_, peak) = target.memory_mib();
        // Idle: the floorwalk server unloads documents after its idle timeout (5 s here).
        tokio::time::sleep(Duration::from_secs(10)).await;
        let (idle, _) = target.memory_mib();
        let loaded = target.metric("floorwalk_loaded_documents").await;
        println!("| {} | {peak:.0} | {idle:.0} |", target.name);
        if let Some(loaded) = loaded {
            eprintln!(
                "{}: {loaded} documents still loaded after idle",
                target.name
            );
        }
        target.stop().await;
    }
    Ok(())
}

/// Just enough of a `Target` to connect from a spawned task.
struct TargetRef {
    ws: String,
    http: Option<String>,
}

impl TargetRef {
    async fn connect(&self, http: &reqwest::Client) -> anyhow::Result<super::client::Connected> {
        super::client::connect_to(&self.ws, self.http.as_deref(), http).await
    }
}

async fn reconnect_all(options: &Options) -> anyhow::Result<()> {
    println!(
        "\n### reconnect: {} offline edits pushed into a {}-line document\n",
        options.edits, options.lines
    );
    println!("| server | time to acknowledged (ms) |");
    println!("| --- | --- |");
    for name in &options.targets {
        let target = start(name, &[]).await;
        let http = reqwest::Client::new();
        let doc_id = floorwalk::sync::DocumentId::random().to_string();
        let mut client = DocClient::new(
            connect(&target, &http).await?,
            doc_id.clone(),
            new_document(SITE),
            0,
        );
        for _ in 0..options.lines {
            client.write()?;
        }
        client.send_sync().await?;
        wait_for(&mut client, |c| c.acknowledged()).await?;
        let DocClient {
            doc: mut offline, ..
        } = client;
        // Offline: one change per edit, as a phone records them.
        for _ in 0..options.edits {
            let mut scratch = DocClient::new_offline(offline, 0);
            scratch.write()?;
            offline = scratch.doc;
            offline.commit();
        }
        let started = Instant::now();
        let mut client = DocClient::new(connect(&target, &http).await?, doc_id, offline, 0);
        client.send_sync().await?;
        wait_for(&mut client, |c| c.acknowledged()).await?;
        println!(
            "| {} | {:.0} |",
            target.name,
            started.elapsed().as_secs_f64() * 1000.0
        );
        target.stop().await;
    }
    Ok(())
}
