//! The two measurements: one-line change cost by session size, and
//! sustained throughput. Each flatten is what the runner does for a commit:
//! read the heads last flattened, plan (extract, validate, rows), apply.

use std::time::{Duration, Instant};

use automerge::AutoCommit;
use floorwalk::{
    flatten::{
        apply::apply_flatten,
        plan::{MasterData, Plan, parse_heads, plan},
    },
    storage::{AppendBatch, Store, now_millis},
};
use rand::{Rng, SeedableRng, rngs::StdRng};

use super::{Options, database::BenchDb, session};

#[derive(Default, Clone, Copy)]
struct Timing {
    heads: Duration,
    plan: Duration,
    apply: Duration,
}

impl Timing {
    fn total(&self) -> Duration {
        self.heads + self.plan + self.apply
    }
}

pub async fn run(options: Options) -> anyhow::Result<()> {
    let db = BenchDb::create(&options.backend).await?;
    let site = db.store.create_site("north", "North").await?.id;
    println!(
        "flatten benchmark on {} ({} samples per size)\n",
        options.backend, options.samples
    );
    println!(
        "| session | first full flatten ms | one-line change: heads ms | plan ms | apply ms | total p50 ms | total p95 ms |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- |");
    let [small, large] =
        one_line_changes(&db, site, [options.small, options.large], options.samples).await?;
    println!(
        "\nlarge / small, median total: {:.2}×",
        large.as_secs_f64() / small.as_secs_f64()
    );
    println!(
        "\nsustained: {} sessions × {} lines, {} one-entry changes on random sessions\n",
        options.docs, options.doc_lines, options.changes
    );
    println!("| changes per flatten | changes/s | flattens/s |");
    println!("| --- | --- | --- |");
    let mut docs = sessions(&db, site, &options).await?;
    for per_flatten in [1, 10] {
        sustained(&db, site, &mut docs, options.changes, per_flatten).await?;
    }
    db.drop_database().await
}

async fn flatten(
    store: &dyn Store,
    doc: &mut AutoCommit,
    id: &str,
    site: i64,
) -> anyhow::Result<Timing> {
    doc.commit();
    let start = Instant::now();
    let since = store.flattened_heads(id).await?.map(|h| parse_heads(&h));
    let read = Instant::now();
    let planned = plan(
        doc.document(),
        since.as_deref(),
        id,
        site,
        now_millis(),
        MasterData::Any,
    );
    let planned_at = Instant::now();
    match planned {
        Plan::Write(batch) => apply_flatten(store, &batch).await?,
        Plan::UpToDate => {}
        Plan::Invalid(problems) => anyhow::bail!("benchmark document is invalid: {problems:?}"),
    }
    Ok(Timing {
        heads: read - start,
        plan: planned_at - read,
        apply: planned_at.elapsed(),
    })
}

/// A session of each size, then one-line changes alternating between them,
/// so a machine whose load drifts during the run weighs on both alike.
/// Prints a table row per size; returns the median totals.
async fn one_line_changes(
    db: &BenchDb,
    site: i64,
    sizes: [usize; 2],
    samples: usize,
) -> anyhow::Result<[Duration; 2]> {
    let store = db.store.as_ref();
    let mut sessions = Vec::new();
    for lines in sizes {
        let id = format!("bench-session-{lines}");
        let mut doc = session::count_session(lines);
        store
            .create_document(site, None, &AppendBatch::empty(&id))
            .await?;
        let first = flatten(store, &mut doc, &id, site).await?.total();
        sessions.push((lines, id, doc, first, Vec::with_capacity(samples)));
    }
    let mut rng = StdRng::seed_from_u64(7);
    for i in 0..samples {
        for (lines, id, doc, _, timings) in &mut sessions {
            let line = rng.random_range(0..*lines);
            session::append_entry(doc, line, *lines + i, rng.random_range(8..12));
            timings.push(flatten(store, doc, id, site).await?);
        }
    }
    let mut medians = [Duration::ZERO; 2];
    for (n, (lines, _, _, first, timings)) in sessions.iter().enumerate() {
        let median = |f: fn(&Timing) -> Duration| percentile(timings.iter().map(f).collect(), 0.5);
        medians[n] = median(Timing::total);
        println!(
            "| {lines} lines | {:.1} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} |",
            ms(*first),
            ms(median(|t| t.heads)),
            ms(median(|t| t.plan)),
            ms(median(|t| t.apply)),
            ms(medians[n]),
            ms(percentile(
                timings.iter().map(Timing::total).collect(),
                0.95
            )),
        );
    }
    Ok(medians)
}

async fn sessions(
    db: &BenchDb,
    site: i64,
    options: &Options,
) -> anyhow::Result<Vec<(String, AutoCommit)>> {
    let mut docs = Vec::with_capacity(options.docs);
    for d in 0..options.docs {
        let id = format!("bench-sustained-{d}");
        let mut doc = session::count_session(options.doc_lines);
        db.store
            .create_document(site, None, &AppendBatch::empty(&id))
            .await?;
        flatten(db.store.as_ref(), &mut doc, &id, site).await?;
        docs.push((id, doc));
    }
    Ok(docs)
}

/// One-entry changes on random sessions, flattened every `per_flatten`
/// changes of a session (the runner coalesces a document's queued commits).
async fn sustained(
    db: &BenchDb,
    site: i64,
    docs: &mut [(String, AutoCommit)],
    changes: usize,
    per_flatten: usize,
) -> anyhow::Result<()> {
    let mut rng = StdRng::seed_from_u64(per_flatten as u64);
    let lines = session::lines_of(&docs[0].1);
    let start = Instant::now();
    let mut flattens = 0;
    for c in 0..changes / per_flatten {
        let (id, doc) = &mut docs[rng.random_range(0..docs.len())];
        for k in 0..per_flatten {
            let serial = 1_000_000 * per_flatten + c * per_flatten + k;
            session::append_entry(
                doc,
                rng.random_range(0..lines),
                serial,
                rng.random_range(8..12),
            );
            doc.commit();
        }
        flatten(db.store.as_ref(), doc, id, site).await?;
        flattens += 1;
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "| {per_flatten} | {:.0} | {:.0} |",
        (flattens * per_flatten) as f64 / secs,
        flattens as f64 / secs
    );
    Ok(())
}

fn percentile(mut values: Vec<Duration>, p: f64) -> Duration {
    values.sort();
    let index = ((values.len() as f64 - 1.0) * p).round() as usize;
    values.get(index).copied().unwrap_or_default()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
