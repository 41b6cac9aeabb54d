//! Merge semantics (issue 3): random offline edits from 2–5 devices (count
//! entries, voids, recount passes, stock movements, shipment entries,
//! checklist answers, some of them conflicting), merged into the server's copy
//! in random orders and flattened after every merge (incrementally, as the
//! server does after each commit), end in exactly the rows of one flatten of
//! the whole merge, and no entry any device wrote is lost.
//!
//! Seeded and reproducible: a failure prints its seed; rerun that case alone
//! with `FLOORWALK_PROPERTY_SEED=<seed> cargo test -p floorwalk --test flatten_property`.
//! `FLOORWALK_PROPERTY_CASES=<n>` runs more cases.

mod common;
mod property;

use std::collections::{BTreeMap, BTreeSet};

use automerge::AutoCommit;
use common::{Backend, TestDb};
use floorwalk::{
    flatten::{
        apply::apply_flatten,
        plan::{MasterData, Plan, parse_heads, plan},
    },
    storage::Store,
};
use property::{
    base::Kind,
    edits::{Offline, edit_offline},
    rows::{Reader, Snapshot, first_column},
};
use rand::{SeedableRng, rngs::StdRng, seq::SliceRandom};

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
    for seed in seeds(default_cases) {
        let _report = ReportSeed(seed, backend);
        check_case(seed, store.as_ref(), &reader, site).await;
    }
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

/// Flattens `doc` the way the server's flattener does: since the heads last
/// flattened for `id` (a first flatten reads everything).
async fn flatten(store: &dyn Store, doc: &mut AutoCommit, id: &str, site: i64) {
    if store.document_site(id).await.expect("document").is_none() {
        store
            .create_document(id, site, None, &[], "[]", &[])
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
