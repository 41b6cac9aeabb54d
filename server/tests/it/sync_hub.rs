//! The sync hub over real websockets: persistence and provenance before
//! acknowledgement, viewers whose edits are undone, and memory that follows what is in use.

use crate::common;

use automerge::{AutoCommit, ObjType, ROOT, ReadDoc, sync, transaction::Transactable};
use common::{Backend, TestServer, acknowledged, add_user, peer::TestPeer, wait_until};
use sqlx::{Connection, Executor, PgConnection};
use std::time::Duration;

use floorwalk::{
    storage::{AppendBatch, NewChange, Role, Store, now_millis, reporting::ListQuery},
    sync::DocumentId,
};

fn new_doc(site: &str) -> AutoCommit {
    let mut doc = AutoCommit::new();
    let text = doc.put_object(ROOT, "site", ObjType::Text).expect("put");
    doc.splice_text(&text, 0, 0, site).expect("splice");
    doc.put_object(ROOT, "entries", ObjType::List).expect("put");
    doc
}

fn entries(doc: &AutoCommit) -> usize {
    match doc.get(ROOT, "entries").expect("get") {
        Some((_, id)) => doc.length(&id),
        None => 0,
    }
}

fn push_entry(doc: &mut AutoCommit, value: i64) {
    let (_, list) = doc.get(ROOT, "entries").expect("get").expect("entries");
    let len = doc.length(&list);
    doc.insert(&list, len, value).expect("insert");
}

async fn north_server(
    backend: Backend,
    tweak: impl FnOnce(&mut floorwalk::config::Config),
) -> TestServer {
    let server = TestServer::start_with(backend, tweak).await;
    add_user(
        server.store.as_ref(),
        "ana@north.test",
        Role::Staff,
        &["north"],
    )
    .await;
    add_user(
        server.store.as_ref(),
        "ben@north.test",
        Role::Staff,
        &["north"],
    )
    .await;
    add_user(
        server.store.as_ref(),
        "vic@north.test",
        Role::Viewer,
        &["north"],
    )
    .await;
    server
}

per_backend!(an_acknowledged_change_is_already_stored_with_its_provenance);
async fn an_acknowledged_change_is_already_stored_with_its_provenance(backend: Backend) {
    let server = north_server(backend, |_| {}).await;
    let ana_id = server
        .store
        .find_user_by_email("ana@north.test")
        .await
        .expect("find")
        .expect("ana")
        .id;
    let mut ana = TestPeer::connect(&server, "ana@north.test").await;
    let id = DocumentId::random();
    let mut doc = new_doc("north");
    push_entry(&mut doc, 1);
    let mut state = sync::State::new();
    // Acknowledged: the server's heads, as it reported them, include ours.
    ana.sync_until(id.as_str(), &mut doc, &mut state, acknowledged)
        .await;

    // By the time the client has it acknowledged, every change is in the change log.
    let log = server.store.change_log(id.as_str()).await.expect("log");
    let stored: Vec<String> = log.iter().map(|r| r.hash.clone()).collect();
    for change in doc.get_changes(&[]) {
        assert!(
            stored.contains(&change.hash().to_string()),
            "{backend:?}: change not stored"
        );
    }
    assert!(
        log.iter()
            .all(|r| r.user_id == Some(ana_id) && r.peer_id == ana.peer_id),
        "{backend:?}: provenance"
    );
    server.stop().await;
}

per_backend!(edits_flow_between_peers_and_viewers_edits_are_undone);
async fn edits_flow_between_peers_and_viewers_edits_are_undone(backend: Backend) {
    let server = north_server(backend, |_| {}).await;
    let id = DocumentId::random();
    let mut ana = TestPeer::connect(&server, "ana@north.test").await;
    let mut ana_doc = new_doc("north");
    push_entry(&mut ana_doc, 1);
    let mut ana_state = sync::State::new();
    let mut ben = TestPeer::connect(&server, "ben@north.test").await;
    let mut ben_doc = AutoCommit::new();
    let mut ben_state = sync::State::new();
    // Ana creates the document; Ben asks for it and gets it.
    ana.sync_until(id.as_str(), &mut ana_doc, &mut ana_state, acknowledged)
        .await;
    wait_until(5, "the document to be stored", || async {
        server
            .store
            .document_site(id.as_str())
            .await
            .expect("site")
            .is_some()
    })
    .await;
    ben.sync_until(id.as_str(), &mut ben_doc, &mut ben_state, |d, _| {
        entries(d) == 1
    })
    .await;

    // The viewer receives the document; its edit is kept, undone for
    // everyone, listed, and its own copy converges back.
    let mut vic = TestPeer::connect(&server, "vic@north.test").await;
    let mut vic_doc = AutoCommit::new();
    let mut vic_state = sync::State::new();
    vic.sync_until(id.as_str(), &mut vic_doc, &mut vic_state, |d, _| {
        entries(d) == 1
    })
    .await;
    vic_doc.put(ROOT, "note", "viewer was here").expect("put");
    let written = vic_doc.get_heads();
    vic.sync_until(id.as_str(), &mut vic_doc, &mut vic_state, |d, s| {
        acknowledged(d, s)
            && d.get_heads() != written
            && d.get(ROOT, "note").expect("get").is_none()
    })
    .await;
    let site = server.site_of(&id).await;
    let listed = server
        .store
        .policy_violations(&ListQuery {
            sites: vec![site],
            start: None,
            end: None,
            document: Some(id.to_string()),
            status: vec![],
            limit: 10,
            offset: 0,
        })
        .await
        .expect("violations");
    assert_eq!(listed.rows.len(), 1, "{backend:?}: {:?}", listed.rows);
    assert_eq!(
        listed.rows[0].user_email.as_deref(),
        Some("vic@north.test"),
        "{backend:?}"
    );
    assert!(listed.rows[0].message.contains("a viewer can only read"));
    assert!(
        server
            .app_hub
            .metrics()
            .viewer_changes_refused
            .load(std::sync::atomic::Ordering::Relaxed)
            > 0
    );
    // Ben's later edit reaches Ana, and the viewer's never does.
    push_entry(&mut ben_doc, 2);
    ben.sync_until(id.as_str(), &mut ben_doc, &mut ben_state, acknowledged)
        .await;
    ana.sync_until(id.as_str(), &mut ana_doc, &mut ana_state, |d, _| {
        entries(d) == 2
    })
    .await;
    let stored = server
        .store
        .load_document(id.as_str())
        .await
        .expect("load")
        .expect("doc");
    let rebuilt = floorwalk::sync::doc::load_document(stored.snapshot.as_deref(), &stored.changes)
        .expect("rebuild");
    let (_, list) = rebuilt.get(ROOT, "entries").expect("get").expect("entries");
    assert_eq!(
        rebuilt.length(&list),
        2,
        "{backend:?}: Ana's and Ben's entries, not the viewer's"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_documents_unload_and_the_cap_evicts_the_least_recently_used() {
    let server = north_server(Backend::Sqlite, |c| {
        c.idle_unload_secs = 1;
        c.max_loaded_docs = 2;
    })
    .await;
    for round in 0..4 {
        let mut ana = TestPeer::connect(&server, "ana@north.test").await;
        let id = DocumentId::random();
        let mut doc = new_doc("north");
        push_entry(&mut doc, round);
        ana.sync_until(id.as_str(), &mut doc, &mut sync::State::new(), acknowledged)
            .await;
        drop(ana);
        // Documents nobody has open never pile up past the cap.
        assert!(
            server.app_hub.loaded_documents() <= 3,
            "round {round}: {} loaded",
            server.app_hub.loaded_documents()
        );
    }
    wait_until(10, "idle documents to unload", || async {
        server.app_hub.loaded_documents() == 0
    })
    .await;
    server.stop().await;
}

/// What another instance on the same database would do: commit changes without this
/// hub hearing of it (no note), then compact them away.
/// Stores the next entry of `doc` through `store`, without the hub's knowledge.
async fn commit_behind_the_hub(store: &dyn Store, id: &DocumentId, doc: &mut AutoCommit) -> i64 {
    let before = doc.get_heads();
    let next = entries(doc) as i64 + 1;
    push_entry(doc, next);
    let changes: Vec<NewChange> = doc
        .get_changes(&before)
        .into_iter()
        .map(|c| NewChange {
            hash: c.hash().to_string(),
            bytes: c.raw_bytes().to_vec(),
            user_id: None,
            peer_id: "another-instance".into(),
            received_at: now_millis(),
        })
        .collect();
    let heads = serde_json::to_string(
        &doc.get_heads()
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
    )
    .expect("heads");
    let batch = AppendBatch {
        doc_id: id.to_string(),
        changes,
        heads,
        violations: Vec::new(),
        work: None,
    };
    store.append_changes(&batch).await.expect("append").seq
}

/// Ana's phone with a new north document of one entry, acknowledged by the server.
async fn ana_stores_one_entry(
    server: &TestServer,
) -> (DocumentId, TestPeer, AutoCommit, sync::State) {
    let id = DocumentId::random();
    let mut ana = TestPeer::connect(server, "ana@north.test").await;
    let mut doc = new_doc("north");
    push_entry(&mut doc, 1);
    let mut state = sync::State::new();
    ana.sync_until(id.as_str(), &mut doc, &mut state, acknowledged)
        .await;
    (id, ana, doc, state)
}

per_backend!(changes_committed_elsewhere_reach_the_peers_once_the_hub_catches_up);
async fn changes_committed_elsewhere_reach_the_peers_once_the_hub_catches_up(backend: Backend) {
    let server = north_server(backend, |_| {}).await;
    let (id, mut ana, mut ana_doc, mut ana_state) = ana_stores_one_entry(&server).await;
    let mut elsewhere = ana_doc.fork();

    // Changes the hub never heard of: read when notes were lost (`Missed`).
    commit_behind_the_hub(server.store.as_ref(), &id, &mut elsewhere).await;
    server.app_hub.refresh_loaded().await;
    ana.sync_until(id.as_str(), &mut ana_doc, &mut ana_state, |d, _| {
        entries(d) == 2
    })
    .await;

    // Rows compacted into a snapshot before this hub read them: it reads the
    // document whole and merges it.
    let seq = commit_behind_the_hub(server.store.as_ref(), &id, &mut elsewhere).await;
    server
        .store
        .compact(id.as_str(), &elsewhere.save(), seq)
        .await
        .expect("compact");
    server.app_hub.refresh_loaded().await;
    ana.sync_until(id.as_str(), &mut ana_doc, &mut ana_state, |d, _| {
        entries(d) == 3
    })
    .await;
    let from_elsewhere = server
        .app_hub
        .metrics()
        .changes_from_other_instances
        .load(std::sync::atomic::Ordering::Relaxed);
    assert!(from_elsewhere >= 1, "{backend:?}");
    server.stop().await;
}

/// Postgres only: SQLite is one process and hears nobody. Another instance commits
/// while this server's connection that hears the others is gone and cannot come
/// back; the note is lost, and once the server listens again it reads what it
/// missed from the database, so its phone gets the entry all the same.
mod an_instance_that_stopped_hearing_the_others_catches_up_from_the_database {
    /// Named like the cases of `per_backend!`, so `::postgres` selects it too.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        super::stopped_hearing_the_others().await;
    }
}

async fn stopped_hearing_the_others() {
    let server = north_server(Backend::Postgres, |_| {}).await;
    let (id, mut ana, mut ana_doc, mut ana_state) = ana_stores_one_entry(&server).await;
    let mut elsewhere = ana_doc.fork();
    // Another instance, its connections told apart from the server's by name.
    let other = floorwalk::storage::open(
        &format!("{}?application_name=other_instance", server.db.url),
        1,
    )
    .await
    .expect("the other instance's store");
    other
        .access_version()
        .await
        .expect("its connection is open");

    let name = server.db.name();
    let mut admin = PgConnection::connect(&common::postgres_admin_url())
        .await
        .expect("admin connection");
    let deafen = [
        format!("ALTER DATABASE {name} ALLOW_CONNECTIONS false"),
        format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = '{name}' AND application_name <> 'other_instance'"
        ),
    ];
    for sql in &deafen {
        admin.execute(sql.as_str()).await.expect(sql);
    }
    commit_behind_the_hub(other.as_ref(), &id, &mut elsewhere).await;
    ana.sync_for(
        id.as_str(),
        &mut ana_doc,
        &mut ana_state,
        Duration::from_millis(1500),
    )
    .await;
    assert_eq!(
        entries(&ana_doc),
        1,
        "the server heard the note after all: this test no longer drops it"
    );

    admin
        .execute(format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true").as_str())
        .await
        .expect("allow connections");
    ana.sync_until(id.as_str(), &mut ana_doc, &mut ana_state, |d, _| {
        entries(d) == 2
    })
    .await;
    server.stop().await;
}
