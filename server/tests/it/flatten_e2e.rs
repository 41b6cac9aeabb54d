//! Documents synced by a client reach the SQL tables, incrementally,
//! idempotently, through restarts, and garbage never stops the flow.

use crate::common;

use automerge::{AutoCommit, ROOT};
use common::{Backend, TestDb, TestServer, cast::Cast, wait_until};
use floorwalk::{documents::json::put_json, flatten::runner::Outcome, sync::DocumentId};
use floorwalk_shared::examples::{example_count_session_json, example_uuid};
use serde_json::{Value, json};

fn doc_from(value: &Value) -> AutoCommit {
    let mut doc = AutoCommit::new();
    for (k, v) in value.as_object().expect("object") {
        put_json(&mut doc, &ROOT, k, v).expect("put");
    }
    doc
}

fn session_json() -> Value {
    let mut value = example_count_session_json();
    value["site"] = json!("north");
    value
}

async fn rows(db: &TestDb, table: &str, id: &DocumentId) -> i64 {
    db.scalar(&format!(
        "SELECT COUNT(*) FROM {table} WHERE document_id = '{id}'"
    ))
    .await
}

/// A server with Mia (manager), Ana and Ben (staff) of site `north`, connected.
async fn north(backend: Backend) -> (TestServer, Cast) {
    let server = TestServer::start(backend).await;
    let cast = Cast::of(&server, "north").await;
    (server, cast)
}

per_backend!(a_synced_count_session_is_flattened_with_conflicts_and_adjustments);
async fn a_synced_count_session_is_flattened_with_conflicts_and_adjustments(backend: Backend) {
    let (server, cast) = north(backend).await;
    let db = &server.db;
    let id = DocumentId::random();
    let mut doc = cast.deliver(&server, &id, &session_json()).await;
    server.flattened(&id).await;

    wait_until(5, "the session to be flattened", || async {
        rows(db, "count_entries", &id).await == 5
    })
    .await;
    assert_eq!(
        rows(db, "count_lines", &id).await,
        3,
        "{backend:?}: two planned lines and one found"
    );
    let status = |key: &str| {
        format!(
            "SELECT COUNT(*) FROM count_lines WHERE document_id = '{id}' AND line_key = '{key}' AND status = "
        )
    };
    assert_eq!(
        db.scalar(&(status("A-01-01|SKU-9") + "'conflict'")).await,
        1,
        "{backend:?}: 38 vs 39 is a conflict"
    );
    assert_eq!(
        db.scalar(&(status("A-01-02|SKU-12") + "'approved'")).await,
        1
    );
    assert_eq!(
        db.scalar(&(status("A-01-02|SKU-30") + "'counted'")).await,
        1
    );
    assert_eq!(rows(db, "count_conflicts", &id).await, 1);
    // Approving 4 where 6 were expected writes a −2 adjustment.
    assert_eq!(
        db.scalar(&format!("SELECT CAST(SUM(qty) AS BIGINT) FROM stock_movements WHERE document_id = '{id}' AND leg = 'adjust'")).await,
        -2
    );
    assert_eq!(
        db.scalar(&format!(
            "SELECT COUNT(*) FROM count_sessions WHERE document_id = '{id}' AND status = 'review'"
        ))
        .await,
        1
    );

    // One more entry: one more row, and the line it settles.
    let (_, entries) = automerge::ReadDoc::get(&doc, ROOT, "entries")
        .expect("get")
        .expect("entries");
    let len = automerge::ReadDoc::length(&doc, &entries);
    let ana = cast.ana();
    let mut entry = json!({
        "id": example_uuid(900), "location": "A-01-01", "sku": "SKU-9", "qty": 39, "count_index": 2,
    });
    with_record(&mut entry, ana.recorded("2026-11-25T11:00:00.000Z"));
    floorwalk::documents::json::insert_json(&mut doc, &entries, len, &entry).expect("entry");
    ana.push(&server, &id, &mut doc).await;
    wait_until(5, "the new entry", || async {
        rows(db, "count_entries", &id).await == 6
    })
    .await;
    wait_until(5, "the recount to settle the line", || async {
        db.scalar(&(status("A-01-01|SKU-9") + "'counted'")).await == 1
    })
    .await;
    // The phones' changes were timed inside the server, on this backend.
    for histogram in [
        "floorwalk_sync_commit_seconds",
        "floorwalk_sync_relay_seconds",
    ] {
        let labels = format!("{{backend=\"{}\"}}", server.store.backend());
        let count = server
            .api
            .metric(&format!("{histogram}_count{labels}"))
            .await;
        assert!(
            count >= 1,
            "{backend:?}: {histogram} observed {count} changes"
        );
    }

    // Flattening the same heads again changes nothing.
    let site = server.site_of(&id).await;
    assert_eq!(
        server.flattener.flatten(&id, site).await.expect("flatten"),
        Outcome::UpToDate
    );
    assert_eq!(rows(db, "count_entries", &id).await, 6);
    server.stop().await;
}

per_backend!(garbage_documents_get_problems_and_others_keep_flowing);
async fn garbage_documents_get_problems_and_others_keep_flowing(backend: Backend) {
    let (server, cast) = north(backend).await;
    let db = &server.db;
    let garbage = [
        json!({"site": "north", "type": "count_session", "schema_version": 1, "title": 7}),
        json!({"site": "north", "type": "teleporter", "schema_version": 1}),
        json!({"site": "north", "entries": "not a list"}),
        json!({"site": "north", "type": "count_session", "schema_version": 1, "title": "", "scope": {}, "blind": false}),
        json!({"site": "north", "type": "shipment", "schema_version": 1, "nested": deep(200)}),
    ];
    let mut bad_ids = Vec::new();
    for (i, value) in garbage.iter().enumerate() {
        let id = DocumentId::random();
        let mut doc = doc_from(value);
        if i == 3 {
            // A 1 MB string (as a plain string value: a 1 MB text object is a million list elements).
            automerge::transaction::Transactable::put(
                &mut doc,
                ROOT,
                "title",
                "x".repeat(1_000_000),
            )
            .expect("put");
        }
        // The manager's, so that the write policy leaves the garbage as it is.
        cast.manager().push(&server, &id, &mut doc).await;
        bad_ids.push(id);
    }
    let good = DocumentId::random();
    cast.deliver(&server, &good, &session_json()).await;
    wait_until(10, "the valid document after the garbage", || async {
        rows(db, "count_entries", &good).await == 5
    })
    .await;
    for (id, value) in bad_ids.iter().zip(&garbage) {
        wait_until(10, "a problem row for each garbage document", || async {
            rows(db, "document_problems", id).await > 0
        })
        .await;
        assert_eq!(
            rows(db, "flattened_heads", id).await,
            0,
            "{backend:?}: {value:.80}"
        );
    }
    let message: String = {
        let sql = format!(
            "SELECT COUNT(*) FROM document_problems WHERE document_id = '{}' AND message LIKE '%unknown document type%'",
            bad_ids[1]
        );
        db.scalar(&sql).await.to_string()
    };
    assert_eq!(message, "1", "{backend:?}: the unknown type is named");
    server.stop().await;
}

per_backend!(a_validation_problem_is_counted_once_while_it_lasts_and_once_when_it_clears);
async fn a_validation_problem_is_counted_once_while_it_lasts_and_once_when_it_clears(
    backend: Backend,
) {
    const APPEARED: &str = "floorwalk_validation_problems_appeared_total";
    const CLEARED: &str = "floorwalk_validation_problems_cleared_total";
    let (server, cast) = north(backend).await;
    let id = DocumentId::random();
    let mut doc = doc_from(
        &json!({"site": "north", "type": "count_session", "schema_version": 1, "title": 7}),
    );
    let mia = cast.manager();
    mia.push(&server, &id, &mut doc).await;
    server.flattened(&id).await;
    // Ten more changes while the title is still a number: no new problem.
    for n in 0..10 {
        automerge::transaction::Transactable::put(&mut doc, ROOT, "note", n).expect("put");
        mia.push(&server, &id, &mut doc).await;
        server.flattened(&id).await;
    }
    assert_eq!(server.api.metric(APPEARED).await, 1, "{backend:?}");
    assert_eq!(server.api.metric(CLEARED).await, 0, "{backend:?}");
    // Repaired: the problem clears, once.
    let mut fixed = doc_from(&session_json());
    fixed.merge(&mut doc).expect("merge");
    automerge::transaction::Transactable::put(&mut fixed, ROOT, "title", "Aisle A").expect("put");
    mia.push(&server, &id, &mut fixed).await;
    wait_until(10, "the repaired document to flatten", || async {
        rows(&server.db, "count_sessions", &id).await == 1
    })
    .await;
    assert_eq!(
        rows(&server.db, "document_problems", &id).await,
        0,
        "{backend:?}"
    );
    assert_eq!(server.api.metric(CLEARED).await, 1, "{backend:?}");
    assert_eq!(server.api.metric(APPEARED).await, 1, "{backend:?}");
    server.stop().await;
}

/// `entry` with `{by, at, device}` of a record added.
fn with_record(entry: &mut Value, recorded: Value) {
    for (k, v) in recorded.as_object().expect("record").clone() {
        entry[k] = v;
    }
}

fn deep(levels: usize) -> Value {
    (0..levels).fold(json!(1), |inner, _| json!({ "x": inner }))
}

per_backend!(after_a_restart_the_flattener_catches_up_to_the_same_rows);
async fn after_a_restart_the_flattener_catches_up_to_the_same_rows(backend: Backend) {
    let (server, cast) = north(backend).await;
    let id = DocumentId::random();
    cast.deliver(&server, &id, &session_json()).await;
    server.flattened(&id).await;
    let db = &server.db;
    wait_until(5, "the first flatten", || async {
        rows(db, "count_entries", &id).await == 5
    })
    .await;
    let snapshot = db.scalar(&format!("SELECT CAST(SUM(qty * count_index) AS BIGINT) FROM count_entries WHERE document_id = '{id}'")).await;
    // As if the server had stopped between the commit and the flatten.
    for table in [
        "count_entries",
        "count_lines",
        "count_conflicts",
        "stock_movements",
        "flattened_heads",
    ] {
        db.execute(&format!("DELETE FROM {table} WHERE document_id = '{id}'"))
            .await;
    }
    drop(cast);
    let server = server.restart().await;
    let db = &server.db;
    wait_until(10, "catch-up after restart", || async {
        rows(db, "count_entries", &id).await == 5
    })
    .await;
    assert_eq!(
        db.scalar(&format!("SELECT CAST(SUM(qty * count_index) AS BIGINT) FROM count_entries WHERE document_id = '{id}'")).await,
        snapshot,
        "{backend:?}"
    );
    assert_eq!(rows(db, "count_conflicts", &id).await, 1);
    server.stop().await;
}

per_backend!(a_failing_write_is_retried_while_other_documents_keep_flowing);
async fn a_failing_write_is_retried_while_other_documents_keep_flowing(backend: Backend) {
    let (server, cast) = north(backend).await;
    let db = &server.db;
    // The count tables go away: flattening any count session now fails.
    db.execute("ALTER TABLE count_entries RENAME TO count_entries_away")
        .await;
    let session = DocumentId::random();
    cast.deliver(&server, &session, &session_json()).await;

    // A shipment synced after it is flattened all the same.
    let mut shipment_json = floorwalk_shared::examples::example_shipment_json();
    shipment_json["site"] = json!("north");
    let shipment = DocumentId::random();
    cast.deliver(&server, &shipment, &shipment_json).await;
    wait_until(10, "the shipment past the failing session", || async {
        rows(db, "shipments", &shipment).await == 1
    })
    .await;
    assert_eq!(
        rows(db, "flattened_heads", &session).await,
        0,
        "{backend:?}"
    );

    // The tables come back: the session is retried and flattened in full.
    db.execute("ALTER TABLE count_entries_away RENAME TO count_entries")
        .await;
    wait_until(40, "the retried session", || async {
        rows(db, "count_entries", &session).await == 5
    })
    .await;
    assert_eq!(
        rows(db, "count_conflicts", &session).await,
        1,
        "{backend:?}"
    );
    server.stop().await;
}
