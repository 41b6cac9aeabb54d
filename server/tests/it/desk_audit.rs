//! The audit trail over HTTP: a phone's changes listed with who delivered them, from
//! which device, when made and received, and the values before and after; filtered by
//! user; viewers may read it, non-members get 404. On SQLite and Postgres.

use crate::common;

use automerge::{AutoCommit, ObjType, ROOT, sync, transaction::Transactable};
use common::{Backend, TestServer, acknowledged, add_user, peer::TestPeer, wait_until};
use floorwalk::{storage::Role, sync::DocumentId};
use serde_json::{Value, json};

async fn history_of_a_phone_edit(backend: Backend) {
    let server = TestServer::start(backend).await;
    let store = server.store.as_ref();
    let ana = add_user(store, "ana@north.test", Role::Staff, &["north"]).await;
    let ben = add_user(store, "ben@north.test", Role::Staff, &["north"]).await;
    add_user(store, "vic@north.test", Role::Viewer, &["north"]).await;
    add_user(store, "sam@south.test", Role::Manager, &["south"]).await;

    let id = DocumentId::random();
    let mut doc = AutoCommit::new();
    let site = doc.put_object(ROOT, "site", ObjType::Text).expect("put");
    doc.splice_text(&site, 0, 0, "north").expect("splice");
    doc.put(ROOT, "qty", 4_i64).expect("put");
    doc.commit();
    let mut ana_peer = TestPeer::connect(&server, "ana@north.test").await;
    let mut state = sync::State::new();
    ana_peer
        .sync_until(id.as_str(), &mut doc, &mut state, acknowledged)
        .await;
    wait_until(10, "the document to be stored", || async {
        server
            .store
            .document_site(id.as_str())
            .await
            .expect("site")
            .is_some()
    })
    .await;
    // Ben changes the quantity from his own phone.
    let mut ben_doc = doc.fork();
    ben_doc.put(ROOT, "qty", 7_i64).expect("put");
    ben_doc.commit();
    let mut ben_peer = TestPeer::connect(&server, "ben@north.test").await;
    let mut ben_state = sync::State::new();
    ben_peer
        .sync_until(id.as_str(), &mut ben_doc, &mut ben_state, acknowledged)
        .await;

    let vic = server.api.login("vic@north.test").await.access_token;
    let path = format!("/api/documents/{id}/history");
    let response = server.api.get(Some(&vic), &path).await;
    assert_eq!(response.status(), 200, "{backend:?}");
    let history: Value = response.json().await.expect("json");
    assert_eq!(history["total"], 2, "{backend:?}: {history}");
    let changes = history["changes"].as_array().expect("changes");
    let first = &changes[0];
    assert_eq!(first["user_id"], ana.to_string());
    assert_eq!(first["user_email"], "ana@north.test");
    assert_eq!(first["peer_id"], ana_peer.peer_id);
    assert!(
        first["received_at"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z'))
    );
    assert!(first["actor"].is_string());
    assert_eq!(first["seq"], 1);
    let ops = first["ops"].as_array().expect("ops");
    assert!(
        ops.contains(&json!({ "path": "site", "action": "set", "before": null, "after": "north" })),
        "{ops:?}"
    );
    let second = &changes[1];
    assert_eq!(second["user_email"], "ben@north.test");
    assert_eq!(second["peer_id"], ben_peer.peer_id);
    assert_eq!(
        second["ops"],
        json!([{ "path": "qty", "action": "set", "before": 4, "after": 7 }])
    );

    // Filter by user.
    let only_ben: Value = server
        .api
        .get(Some(&vic), &format!("{path}?user={ben}"))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(only_ben["total"], 1);
    assert_eq!(only_ben["changes"][0]["user_email"], "ben@north.test");
    // Pagination.
    let page: Value = server
        .api
        .get(Some(&vic), &format!("{path}?limit=1&offset=1"))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(page["changes"][0]["hash"], second["hash"]);

    // Non-members and unknown documents answer alike; bad input is a 400.
    let sam = server.api.login("sam@south.test").await.access_token;
    assert_eq!(server.api.get(Some(&sam), &path).await.status(), 404);
    let unknown = format!("/api/documents/{}/history", DocumentId::random());
    assert_eq!(server.api.get(Some(&vic), &unknown).await.status(), 404);
    assert_eq!(
        server
            .api
            .get(Some(&vic), "/api/documents/nonsense/history")
            .await
            .status(),
        404
    );
    let bad = server.api.get(Some(&vic), &format!("{path}?limit=0")).await;
    assert_eq!(bad.status(), 400);
    let body: Value = bad.json().await.expect("json");
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("limit")),
        "{body}"
    );
    assert_eq!(server.api.get(None, &path).await.status(), 401);
}

per_backend!(history_lists_who_changed_what);
async fn history_lists_who_changed_what(backend: Backend) {
    history_of_a_phone_edit(backend).await;
}
