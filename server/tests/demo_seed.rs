//! `floorwalk demo` seeds documents that the shared schema accepts and the
//! flattener turns into a living set of rows.

mod common;

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
    assert!(documents >= 36, "{documents} documents");
    wait_until(30, "every demo document to be flattened", || async {
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
    assert!(db.scalar("SELECT COUNT(*) FROM stock_levels").await > 0);
    assert_eq!(
        db.scalar("SELECT COUNT(*) FROM work_index").await,
        documents - 1
    );
    server.stop().await;
}
