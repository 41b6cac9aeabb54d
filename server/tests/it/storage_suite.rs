//! One storage test suite, run against SQLite and Postgres.

use crate::common;

use common::{Backend, TestDb, add_user};
use std::sync::{Arc, atomic::Ordering};

use floorwalk::{
    storage::{
        AppendBatch, DeviceSession, NewChange, RefreshOutcome, Role, StoreError, TicketGrant,
        TicketOutcome, WorkSummary, now_millis,
    },
    sync::{SyncMetrics, commit::Committer},
};

fn change(hash: &str, bytes: &[u8], peer: &str) -> NewChange {
    NewChange {
        hash: hash.into(),
        bytes: bytes.to_vec(),
        user_id: None,
        peer_id: peer.into(),
        received_at: now_millis(),
    }
}

per_backend!(sites_users_and_memberships);
async fn sites_users_and_memberships(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let site = store.create_site("north", "North DC").await.expect("site");
    assert!(
        matches!(store.create_site("north", "again").await, Err(StoreError::Conflict(m)) if m.contains("north")),
        "{backend:?}: duplicate slug is a conflict"
    );
    let before = store.access_version().await.expect("version");
    let id = add_user(store.as_ref(), "a@x.io", Role::Viewer, &["north"]).await;
    assert!(
        store.access_version().await.expect("version") > before,
        "{backend:?}: membership bumps access"
    );
    assert_eq!(store.site_ids_of(id).await.expect("sites"), vec![site.id]);
    let user = store
        .find_user_by_email("a@x.io")
        .await
        .expect("find")
        .expect("exists");
    assert_eq!((user.role, user.disabled), (Role::Viewer, false));
    assert!(
        store
            .set_user_disabled("a@x.io", true)
            .await
            .expect("disable")
    );
    assert!(
        store
            .find_user(id)
            .await
            .expect("find")
            .expect("exists")
            .disabled
    );
    assert!(
        !store
            .set_user_disabled("nobody@x.io", true)
            .await
            .expect("disable")
    );
    assert!(store.remove_membership(id, site.id).await.expect("remove"));
    assert!(
        !store
            .remove_membership(id, site.id)
            .await
            .expect("remove twice")
    );
    assert_eq!(store.count_users().await.expect("count"), 1);
}

per_backend!(refresh_tokens_rotate_and_reuse_revokes_the_family);
async fn refresh_tokens_rotate_and_reuse_revokes_the_family(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let user_id = add_user(store.as_ref(), "a@x.io", Role::Staff, &[]).await;
    let session = DeviceSession {
        id: "s1".into(),
        user_id,
        peer_id: "fw-1-s1".into(),
        revoked: false,
    };
    let later = now_millis() + 60_000;
    store
        .create_session(&session, "h1", later)
        .await
        .expect("session");
    let now = now_millis();
    assert_eq!(
        store
            .rotate_refresh("h1", "h2", later, now, 0)
            .await
            .expect("rotate"),
        RefreshOutcome::Rotated(session.clone())
    );
    assert_eq!(
        store
            .rotate_refresh("h1", "h3", later, now, 0)
            .await
            .expect("reuse"),
        RefreshOutcome::Reused,
        "{backend:?}"
    );
    // The whole family is revoked: even the newest token is refused now.
    assert_eq!(
        store
            .rotate_refresh("h2", "h4", later, now, 0)
            .await
            .expect("after reuse"),
        RefreshOutcome::Unknown
    );
    assert!(
        store
            .find_session("s1")
            .await
            .expect("find")
            .expect("exists")
            .revoked
    );
    assert_eq!(
        store
            .rotate_refresh("nope", "h5", later, now, 0)
            .await
            .expect("unknown"),
        RefreshOutcome::Unknown
    );

    let disabled = DeviceSession {
        id: "s3".into(),
        user_id,
        peer_id: "fw-1-s3".into(),
        revoked: false,
    };
    store
        .create_session(&disabled, "d1", later)
        .await
        .expect("session");
    store
        .set_user_disabled("a@x.io", true)
        .await
        .expect("disable");
    assert_eq!(
        store
            .rotate_refresh("d1", "d2", later, now, 0)
            .await
            .expect("disabled"),
        RefreshOutcome::Disabled
    );
    store
        .set_user_disabled("a@x.io", false)
        .await
        .expect("enable");
    assert!(
        matches!(
            store
                .rotate_refresh("d1", "d2", later, now, 0)
                .await
                .expect("enabled again"),
            RefreshOutcome::Unknown
        ),
        "re-enabling a user revives none of their old sessions"
    );

    let expiring = DeviceSession {
        id: "s2".into(),
        user_id,
        peer_id: "fw-1-s2".into(),
        revoked: false,
    };
    store
        .create_session(&expiring, "e1", now - 1)
        .await
        .expect("session");
    assert_eq!(
        store
            .rotate_refresh("e1", "e2", later, now, 0)
            .await
            .expect("expired"),
        RefreshOutcome::Expired
    );
}

per_backend!(tickets_are_single_use_and_expire);
async fn tickets_are_single_use_and_expire(_backend: Backend) {
    let db = TestDb::new(_backend).await;
    let store = db.store().await;
    let user_id = add_user(store.as_ref(), "a@x.io", Role::Staff, &[]).await;
    let session = DeviceSession {
        id: "s1".into(),
        user_id,
        peer_id: "p1".into(),
        revoked: false,
    };
    store
        .create_session(&session, "h1", now_millis() + 60_000)
        .await
        .expect("session");
    let grant = TicketGrant {
        user_id,
        session_id: "s1".into(),
        peer_id: "p1".into(),
    };
    store
        .create_ticket("t1", &grant, now_millis() + 60_000)
        .await
        .expect("ticket");
    store
        .create_ticket("t2", &grant, now_millis() - 1)
        .await
        .expect("ticket");
    assert_eq!(
        store
            .redeem_ticket("t1", now_millis())
            .await
            .expect("redeem"),
        TicketOutcome::Valid(grant)
    );
    assert_eq!(
        store
            .redeem_ticket("t1", now_millis())
            .await
            .expect("again"),
        TicketOutcome::Unknown
    );
    assert_eq!(
        store
            .redeem_ticket("t2", now_millis())
            .await
            .expect("expired"),
        TicketOutcome::Expired
    );
}

per_backend!(change_log_snapshot_and_compaction_keep_provenance);
async fn change_log_snapshot_and_compaction_keep_provenance(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let site = store.create_site("north", "North").await.expect("site");
    assert!(store.load_document("doc1").await.expect("load").is_none());
    let first = commit(
        "doc1",
        vec![change("a", b"A", "p1"), change("b", b"B", "p1")],
        r#"["b"]"#,
    );
    store
        .create_document(site.id, None, &first)
        .await
        .expect("create");
    assert_eq!(
        store.document_site("doc1").await.expect("site"),
        Some(site.id)
    );
    let created_seq = store.changes_after("doc1", 0).await.expect("rows")[1].seq;
    // A change delivered twice is stored once.
    let appended = store
        .append_changes(&commit(
            "doc1",
            vec![change("b", b"B", "p2"), change("c", b"C", "p2")],
            "[\"c\"]",
        ))
        .await
        .expect("append");
    assert_eq!(
        appended.prior_seq, created_seq,
        "{backend:?}: the row before"
    );
    let seq = appended.seq;
    let loaded = store
        .load_document("doc1")
        .await
        .expect("load")
        .expect("exists");
    assert_eq!(
        loaded.changes,
        vec![b"A".to_vec(), b"B".to_vec(), b"C".to_vec()],
        "{backend:?}"
    );
    assert_eq!(loaded.last_seq, seq);
    let after: Vec<(i64, Option<Vec<u8>>)> = store
        .changes_after("doc1", created_seq)
        .await
        .expect("rows")
        .into_iter()
        .map(|row| (row.seq, row.bytes))
        .collect();
    assert_eq!(after, vec![(seq, Some(b"C".to_vec()))], "{backend:?}");

    store.compact("doc1", b"SNAP", seq).await.expect("compact");
    let d = store
        .append_changes(&commit("doc1", vec![change("d", b"D", "p1")], "[\"d\"]"))
        .await
        .expect("append");
    assert_eq!(d.prior_seq, seq);
    let compacted: Vec<bool> = store
        .changes_after("doc1", 0)
        .await
        .expect("rows")
        .iter()
        .map(|row| row.bytes.is_none())
        .collect();
    assert_eq!(
        compacted,
        vec![true, true, true, false],
        "{backend:?}: rows in the snapshot are read without their bytes"
    );
    assert!(
        store
            .append_changes(&commit("nope", vec![change("e", b"E", "p1")], "[]"))
            .await
            .is_err(),
        "{backend:?}: no changes for a document never created"
    );
    let loaded = store
        .load_document("doc1")
        .await
        .expect("load")
        .expect("exists");
    assert_eq!(loaded.snapshot.as_deref(), Some(&b"SNAP"[..]));
    assert_eq!(loaded.changes, vec![b"D".to_vec()]);

    let log = store.change_log("doc1").await.expect("log");
    let summary: Vec<(&str, &str, bool)> = log
        .iter()
        .map(|r| (r.hash.as_str(), r.peer_id.as_str(), r.compacted))
        .collect();
    assert_eq!(
        summary,
        vec![
            ("a", "p1", true),
            ("b", "p1", true),
            ("c", "p2", true),
            ("d", "p1", false)
        ],
        "{backend:?}: provenance survives compaction"
    );
    assert_eq!(store.document_count().await.expect("count"), 1);
}

per_backend!(settings_are_written_once);
async fn settings_are_written_once(_backend: Backend) {
    let db = TestDb::new(_backend).await;
    let store = db.store().await;
    assert_eq!(store.setting("k").await.expect("get"), None);
    assert_eq!(
        store.setting_or_insert("k", "first").await.expect("set"),
        "first"
    );
    assert_eq!(
        store.setting_or_insert("k", "second").await.expect("set"),
        "first"
    );
    assert!(store.migrations_applied().await.expect("migrations"));
    store.ping().await.expect("ping");
}

/// A commit of `doc` with no refused edits and no work-list entry.
fn commit(doc: &str, changes: Vec<NewChange>, heads: &str) -> AppendBatch {
    AppendBatch {
        doc_id: doc.into(),
        changes,
        heads: heads.into(),
        violations: Vec::new(),
        work: None,
    }
}

/// A commit of `doc` with one change, `hash`.
fn batch(doc: &str, hash: &str) -> AppendBatch {
    let heads = format!("[\"{hash}\"]");
    commit(doc, vec![change(hash, hash.as_bytes(), "p1")], &heads)
}

/// `doc`'s work-list entry, a count session in `status`.
fn work(doc: &str, site_id: i64, status: &str) -> Option<WorkSummary> {
    Some(WorkSummary {
        document_id: doc.into(),
        site_id,
        doc_type: "count_session".into(),
        title: Some(format!("Count {doc}")),
        status: Some(status.into()),
        due_at: None,
        assignees: vec!["7".into()],
    })
}

per_backend!(a_large_commit_stores_every_change_once_and_returns_the_newest);
/// Days of offline edits arrive in one commit: more rows than one statement takes,
/// one of them twice.
async fn a_large_commit_stores_every_change_once_and_returns_the_newest(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let site = store.create_site("north", "North").await.expect("site");
    store
        .create_document(site.id, None, &AppendBatch::empty("big"))
        .await
        .expect("create");
    let mut changes: Vec<NewChange> = (0..1_201)
        .map(|i| change(&format!("h{i}"), format!("c{i}").as_bytes(), "p1"))
        .collect();
    changes.insert(700, change("h3", b"c3", "p2"));
    let appended = store
        .append_changes(&commit("big", changes, "[\"h1200\"]"))
        .await
        .expect("append");
    let rows = store.changes_after("big", 0).await.expect("rows");
    assert_eq!(rows.len(), 1_201, "{backend:?}: each change once");
    assert_eq!(appended.seq, rows[1_200].seq, "{backend:?}: the newest row");
    let loaded = store
        .load_document("big")
        .await
        .expect("load")
        .expect("stored");
    assert_eq!(
        loaded.changes[1_200],
        b"c1200".to_vec(),
        "{backend:?}: in order"
    );
}

per_backend!(a_commit_stores_its_work_list_entry_in_its_own_transaction);
async fn a_commit_stores_its_work_list_entry_in_its_own_transaction(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let site = store.create_site("north", "North").await.expect("site");
    let statuses = || async {
        let work = store.work_for_site(site.id).await.expect("work");
        work.into_iter()
            .map(|w| (w.document_id, w.status.unwrap_or_default()))
            .collect::<Vec<_>>()
    };
    let mut first = batch("w1", "a");
    first.work = work("w1", site.id, "open");
    store
        .create_document(site.id, None, &first)
        .await
        .expect("create");
    assert_eq!(
        statuses().await,
        [("w1".into(), "open".into())],
        "{backend:?}"
    );

    let mut counting = batch("w1", "b");
    counting.work = work("w1", site.id, "counting");
    store.append_changes(&counting).await.expect("append");
    assert_eq!(
        statuses().await,
        [("w1".into(), "counting".into())],
        "{backend:?}"
    );

    // A group that fails stores none of its work entries either.
    let mut review = batch("w1", "c");
    review.work = work("w1", site.id, "review");
    let bad = [review, batch("missing", "x")];
    assert!(store.append_group(&bad).await.is_err(), "{backend:?}");
    assert_eq!(
        statuses().await,
        [("w1".into(), "counting".into())],
        "{backend:?}: the work list says what was stored"
    );
}

per_backend!(a_group_commit_stores_every_document_or_none);
async fn a_group_commit_stores_every_document_or_none(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let site = store.create_site("north", "North").await.expect("site");
    for doc in ["g1", "g2", "g3"] {
        store
            .create_document(site.id, None, &AppendBatch::empty(doc))
            .await
            .expect("create");
    }
    let group = [batch("g3", "c"), batch("g1", "a"), batch("g2", "b")];
    let appended = store.append_group(&group).await.expect("group");
    for (b, appended) in group.iter().zip(&appended) {
        let rows = store.changes_after(&b.doc_id, 0).await.expect("rows");
        assert_eq!(rows.len(), 1, "{backend:?}: {}", b.doc_id);
        assert_eq!(appended.seq, rows[0].seq, "{backend:?}: in the order given");
        assert_eq!(appended.prior_seq, 0);
    }
    // One document that is not stored: nothing of the group is.
    let bad = [batch("g1", "a2"), batch("missing", "x"), batch("g2", "b2")];
    assert!(store.append_group(&bad).await.is_err(), "{backend:?}");
    for doc in ["g1", "g2"] {
        let rows = store.changes_after(doc, 0).await.expect("rows");
        assert_eq!(
            rows.len(),
            1,
            "{backend:?}: {doc} kept only its first change"
        );
    }
}

per_backend!(one_thread the_committer_shares_one_transaction_and_isolates_a_bad_batch);
/// On a one-thread runtime, every append below is queued before the committer
/// runs, so they make one group; with a bad one among them, each is tried alone.
async fn the_committer_shares_one_transaction_and_isolates_a_bad_batch(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let site = store.create_site("north", "North").await.expect("site");
    let docs: Vec<String> = (0..20).map(|i| format!("c{i}")).collect();
    for doc in &docs {
        store
            .create_document(site.id, None, &AppendBatch::empty(doc))
            .await
            .expect("create");
    }
    let metrics = Arc::new(SyncMetrics::default());
    let committer = Committer::start(store.clone(), 1, metrics.clone());
    let appends = docs.iter().map(|doc| committer.append(batch(doc, doc)));
    let results = futures_util::future::join_all(appends).await;
    assert!(
        results.iter().all(Result::is_ok),
        "{backend:?}: {results:?}"
    );
    assert_eq!(
        metrics.commit_groups.load(Ordering::Relaxed),
        1,
        "{backend:?}"
    );
    assert_eq!(metrics.batches_in_groups.load(Ordering::Relaxed), 20);

    let mut with_bad: Vec<AppendBatch> = docs.iter().map(|d| batch(d, &format!("{d}-2"))).collect();
    with_bad.insert(7, batch("missing", "x"));
    let appends = with_bad.into_iter().map(|b| committer.append(b));
    let results = futures_util::future::join_all(appends).await;
    let failed: Vec<usize> = (0..results.len())
        .filter(|i| results[*i].is_err())
        .collect();
    assert_eq!(failed, vec![7], "{backend:?}: only the bad batch fails");
    assert_eq!(
        metrics.commit_groups.load(Ordering::Relaxed),
        1,
        "the group failed"
    );
    for doc in &docs {
        let rows = store.changes_after(doc, 0).await.expect("rows");
        assert_eq!(
            rows.len(),
            2,
            "{backend:?}: {doc} stored alone after the group failed"
        );
    }
}
