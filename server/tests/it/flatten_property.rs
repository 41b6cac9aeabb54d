//! Merge semantics (issue 3): random offline edits from 2–5 devices (count
//! entries, voids, recount passes, stock movements, shipment entries,
//! checklist answers, some of them conflicting), merged into the server's copy
//! in random orders and flattened after every merge (incrementally, as the
//! server does after each commit), end in exactly the rows of one flatten of
//! the whole merge, and no entry any device wrote is lost.
//!
//! The KPI rollups the flattener keeps on the way (issue 13) add up, for random
//! windows and clocks, to exactly what the flattened rows give, and are what a rebuild
//! from the rows makes.
//!
//! Seeded and reproducible: a failure prints its seed; rerun that case alone
//! with `FLOORWALK_PROPERTY_SEED=<seed> cargo test -p floorwalk --test it flatten_property`.
//! `FLOORWALK_PROPERTY_CASES=<n>` runs more cases.

use crate::common;
use crate::property;

use std::collections::{BTreeMap, BTreeSet};

use automerge::{AutoCommit, ROOT};
use common::{Backend, TestDb};
use floorwalk::{
    documents::json::put_json,
    flatten::{
        apply::apply_flatten,
        plan::{MasterData, Plan, parse_heads, plan},
    },
    storage::{AppendBatch, KpiQuery, KpiSource, Store},
    time::{Day, Window, rfc3339_millis},
};
use property::{
    base::Kind,
    edits::{Offline, edit_offline},
    rows::{Reader, Snapshot, first_column},
};
use rand::{Rng, SeedableRng, rngs::StdRng, seq::SliceRandom};
use serde_json::json;

/// Random merge orders tried per document, besides merging everything at once.
const ORDERS: usize = 3;
const FIRST_SEED: u64 = 0xF10A_0000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_edits_merged_in_any_order_flatten_to_the_same_rows_on_sqlite() {
    run(Backend::Sqlite, 24).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_edits_merged_in_any_order_flatten_to_the_same_rows_on_postgres() {
    run(Backend::Postgres, 8).await;
}

fn seeds(default_cases: u64) -> Vec<u64> {
    let env = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok());
    if let Some(seed) = env("FLOORWALK_PROPERTY_SEED") {
        return vec![seed];
    }
    let cases = env("FLOORWALK_PROPERTY_CASES").unwrap_or(default_cases);
    (FIRST_SEED..FIRST_SEED + cases).collect()
}

async fn run(backend: Backend, default_cases: u64) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let site = store.create_site("north", "North").await.expect("site").id;
    let reader = Reader::connect(&db.url).await;
    let mut master = AutoCommit::new();
    for seed in seeds(default_cases) {
        let _report = ReportSeed(seed, backend);
        check_case(seed, store.as_ref(), &reader, site).await;
        reprice(seed, store.as_ref(), &mut master, site).await;
        rollups_add_up_to_the_rows(seed, store.as_ref(), &reader, site).await;
    }
}

/// The site's master data with random costs, tolerances and archived items for the
/// SKUs the edits count: the variance of lines already counted changes with them.
async fn reprice(seed: u64, store: &dyn Store, master: &mut AutoCommit, site: i64) {
    let mut rng = StdRng::seed_from_u64(seed ^ 0xC057);
    let mut items = serde_json::Map::new();
    for (n, sku) in ["SKU-1", "SKU-2", "SKU-3"].into_iter().enumerate() {
        items.insert(
            format!("00000000-0000-4000-8000-0000000000e{n}"),
            json!({"sku": sku, "name": sku, "unit": "each",
                   "unit_cost_minor": rng.random_range(0..5000), "item_class": "A",
                   "archived": rng.random_bool(0.2)}),
        );
    }
    let value = json!({
        "type": "site", "schema_version": 1, "site": "north", "name": "North", "currency": "EUR",
        "locations": {}, "items": items,
        "item_classes": {"A": {"tolerance_units": rng.random_range(0..3)}},
    });
    for (key, v) in value.as_object().expect("object") {
        put_json(master, &ROOT, key, v).expect("put");
    }
    master.commit();
    flatten(store, master, "site-north", site).await;
}

/// Names the failing case when an assertion panics.
struct ReportSeed(u64, Backend);

impl Drop for ReportSeed {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!(
                "\nfailing case on {:?}: FLOORWALK_PROPERTY_SEED={}\n",
                self.1, self.0
            );
        }
    }
}

async fn check_case(seed: u64, store: &dyn Store, reader: &Reader, site: i64) {
    let mut rng = StdRng::seed_from_u64(seed);
    let bases: BTreeMap<Kind, AutoCommit> = Kind::ALL.iter().map(|k| (*k, k.base())).collect();
    let mut offline = edit_offline(&mut rng, &bases);
    for kind in Kind::ALL {
        let reference_id = format!("s{seed}-{}-all", kind.name());
        let mut all = bases[&kind].clone();
        for device in &mut offline.devices {
            all.merge(device.docs.get_mut(&kind).expect("kind"))
                .expect("merge");
        }
        flatten(store, &mut all, &reference_id, site).await;
        let expected = reader.snapshot(&reference_id).await;
        nothing_lost(kind, &expected, &offline);

        for n in 0..ORDERS {
            let mut order: Vec<usize> = (0..offline.devices.len()).collect();
            order.shuffle(&mut rng);
            let id = format!("s{seed}-{}-order{n}", kind.name());
            let mut server = bases[&kind].clone();
            flatten(store, &mut server, &id, site).await;
            for d in &order {
                let mut theirs = offline.devices[*d].docs[&kind].clone();
                server.merge(&mut theirs).expect("merge");
                flatten(store, &mut server, &id, site).await;
            }
            let got = reader.snapshot(&id).await;
            assert_eq!(
                diff(&got, &expected),
                Vec::<String>::new(),
                "{kind:?} merged in order {order:?} and flattened after each merge differs from one flatten of everything"
            );
        }
    }
}

/// Random windows around the edits' days (2026-11-25 on), each with a random clock:
/// every KPI the rollups serve is the same from the rollups and from the rows.
async fn rollups_add_up_to_the_rows(seed: u64, store: &dyn Store, reader: &Reader, site: i64) {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x5EED);
    let first = Day::parse("2026-11-22").expect("day");
    let query = |window: &Window, now: i64, source| KpiQuery {
        sites: vec![site],
        window: window.clone(),
        now: rfc3339_millis(now),
        source,
    };
    let mut windows = Vec::new();
    for _ in 0..12 {
        let start = first.plus(rng.random_range(0..30));
        let window = Window::of_days(start, start.plus(rng.random_range(1..20)));
        let now =
            first.plus(rng.random_range(0..40)).start_millis() + rng.random_range(0..86_400_000);
        let (rolled, rows) = (
            query(&window, now, KpiSource::Rollups),
            query(&window, now, KpiSource::Rows),
        );
        let what = format!("{} to {} at {}", window.start, window.end, rolled.now);
        assert_eq!(
            store.count_accuracy(&rolled).await.expect("accuracy"),
            store.count_accuracy(&rows).await.expect("accuracy"),
            "accuracy, {what}"
        );
        assert_eq!(
            store.checklist_counts(&rolled).await.expect("checklists"),
            store.checklist_counts(&rows).await.expect("checklists"),
            "checklists, {what}"
        );
        assert_eq!(
            store.receiving_counts(&rolled).await.expect("receiving"),
            store.receiving_counts(&rows).await.expect("receiving"),
            "receiving, {what}"
        );
        windows.push((rolled, rows));
    }
    let (rolled, rows): (Vec<_>, Vec<_>) = windows.into_iter().unzip();
    assert_eq!(
        store.count_completion(&rolled).await.expect("coverage"),
        store.count_completion(&rows).await.expect("coverage"),
        "count completion and coverage"
    );
    let kept = rollup_rows(reader).await;
    assert!(
        kept.iter().any(|r| r.starts_with("kpi_count_days"))
            && kept.iter().any(|r| r.starts_with("kpi_item")),
        "the flattener kept rollups: {kept:?}"
    );
    store.rebuild_kpi_rollups().await.expect("rebuild");
    assert_eq!(
        kept,
        rollup_rows(reader).await,
        "rollups kept by the flattener = rebuilt from the rows"
    );
}

/// Every row of every rollup table, as text.
async fn rollup_rows(reader: &Reader) -> Vec<String> {
    let mut rows = Vec::new();
    for (table, columns) in [
        (
            "kpi_count_days",
            "site_id, day, lines_counted, lines_within_tolerance, variance_value_minor, net_adjustment_value_minor",
        ),
        (
            "kpi_checklist_days",
            "site_id, day, runs_scheduled, runs_completed, runs_on_time, runs_open, responses_answered, responses_failed",
        ),
        (
            "kpi_receiving_days",
            "site_id, day, lines_received, lines_discrepant, units_received, units_damaged",
        ),
        (
            "kpi_item_counted_days",
            "site_id, sku, first_day, LENGTH(days)",
        ),
    ] {
        let text = columns
            .split(", ")
            .map(|c| format!("CAST({c} AS TEXT)"))
            .collect::<Vec<_>>()
            .join(" || ' | ' || ");
        let sql = format!("SELECT '{table} | ' || {text} FROM {table} ORDER BY {columns}");
        rows.extend(reader.strings(&sql).await);
    }
    rows
}

/// Flattens `doc` the way the server's flattener does: since the heads last
/// flattened for `id` (a first flatten reads everything).
async fn flatten(store: &dyn Store, doc: &mut AutoCommit, id: &str, site: i64) {
    if store.document_site(id).await.expect("document").is_none() {
        store
            .create_document(site, None, &AppendBatch::empty(id))
            .await
            .expect("create document");
    }
    let since = store
        .flattened_heads(id)
        .await
        .expect("heads")
        .map(|h| parse_heads(&h));
    match plan(
        doc.document(),
        since.as_deref(),
        id,
        site,
        0,
        MasterData::Any,
    ) {
        Plan::Write(batch) => apply_flatten(store, &batch).await.expect("apply"),
        Plan::UpToDate => {}
        Plan::Invalid(problems) => panic!("{id} fails validation: {problems:?}"),
    }
}

/// Rows of `got` and `expected` that are not in the other, per table.
fn diff(got: &Snapshot, expected: &Snapshot) -> Vec<String> {
    let mut out = Vec::new();
    for (table, rows) in expected {
        let theirs = &got[table];
        out.extend(
            rows.iter()
                .filter(|r| !theirs.contains(r))
                .map(|r| format!("{table}: missing {r}")),
        );
        out.extend(
            theirs
                .iter()
                .filter(|r| !rows.contains(r))
                .map(|r| format!("{table}: unexpected {r}")),
        );
    }
    out
}

/// Every id any device wrote is flattened, voided exactly when some device voided it.
fn nothing_lost(kind: Kind, rows: &Snapshot, offline: &Offline) {
    let written = &offline.written;
    assert!(
        rows["document_problems"].is_empty(),
        "{kind:?}: {:?}",
        rows["document_problems"]
    );
    let ids = |table: &str| -> BTreeSet<String> {
        first_column(rows, table)
            .into_iter()
            .map(str::to_string)
            .collect()
    };
    let flagged = |table: &str, column: usize| -> BTreeSet<String> {
        rows[table]
            .iter()
            .map(|r| r.split(" | ").collect::<Vec<_>>())
            .filter(|cols| matches!(cols[column], "1" | "true"))
            .map(|cols| cols[0].to_string())
            .collect()
    };
    match kind {
        Kind::CountSession => {
            assert_eq!(ids("count_entries"), written.count_entries, "count entries");
            assert_eq!(
                flagged("count_entries", 10),
                written.voided_entries,
                "voided count entries"
            );
        }
        Kind::StockLog => {
            assert_eq!(ids("stock_movements"), written.movements, "stock movements");
            assert_eq!(
                flagged("stock_movements", 10),
                written.voided_movements,
                "voided stock movements"
            );
        }
        Kind::Shipment => {
            assert_eq!(
                ids("stock_movements"),
                written.shipment_entries,
                "received shipment entries"
            );
        }
        Kind::ChecklistRun => {
            assert_eq!(
                ids("checklist_responses"),
                written.answered_items(),
                "answered items"
            );
            assert_eq!(
                flagged("checklist_responses", 13),
                written.conflicting_items(),
                "items answered concurrently with different answers are conflicts"
            );
        }
    }
}
