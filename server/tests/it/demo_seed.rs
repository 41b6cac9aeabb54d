//! `floorwalk demo` seeds documents that the shared schema accepts and the
//! flattener turns into a living set of rows.

use crate::common;

use common::{Backend, TestDb, TestServer, wait_until};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_site_flattens_without_a_single_problem() {
    let db = TestDb::new(Backend::Sqlite).await;
    floorwalk::demo::seed(db.store().await.as_ref())
        .await
        .expect("seed");
    // Seeding twice is harmless.
    floorwalk::demo::seed(db.store().await.as_ref())
        .await
        .expect("seed again");
    let server = TestServer::start_on(db, |_| {}).await;
    let db = &server.db;
    let documents = db.scalar("SELECT COUNT(*) FROM documents").await;
    assert!(documents >= 21 * 5, "{documents} documents");
    wait_until(120, "every demo document to be flattened", || async {
        db.scalar("SELECT COUNT(*) FROM flattened_heads").await == documents
    })
    .await;
    assert_eq!(db.scalar("SELECT COUNT(*) FROM document_problems").await, 0);
    assert!(db.scalar("SELECT COUNT(*) FROM items").await >= 500);
    assert!(db.scalar("SELECT COUNT(*) FROM count_entries").await > 100);
    assert!(
        db.scalar("SELECT COUNT(*) FROM count_conflicts").await > 0,
        "a conflict to review"
    );
    // A warehouse that runs well: nearly everything on the shelf, about one item in
    // ten at or below its reorder point (the replenishment list's own rule).
    let items = db.scalar("SELECT COUNT(*) FROM items").await;
    let below = db
        .scalar(
            "SELECT COUNT(*) FROM items t WHERE t.reorder_point IS NOT NULL AND \
             COALESCE((SELECT SUM(l.on_hand) FROM stock_levels l \
             WHERE l.site_id = t.site_id AND l.sku = t.sku), 0) <= t.reorder_point",
        )
        .await;
    assert!(
        (items * 5..=items * 15).contains(&(below * 100)),
        "{below} of {items} items at or below their reorder point"
    );
    // Three weeks of daily counts: trends and previous periods have data.
    assert!(db.scalar("SELECT COUNT(*) FROM count_sessions").await >= 21);
    assert_eq!(
        db.scalar("SELECT COUNT(*) FROM work_index").await,
        documents - 1
    );
    server.stop().await;
}
