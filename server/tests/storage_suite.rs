//! One storage test suite, run against SQLite and Postgres.

mod common;

use common::{BACKENDS, Backend, TestDb, add_user};
use floorwalk::storage::{
    DeviceSession, NewChange, RefreshOutcome, Role, Store, StoreError, TicketGrant, TicketOutcome,
    now_millis,
};

async fn each_backend<F, Fut>(test: F)
where
    F: Fn(std::sync::Arc<dyn Store>, Backend) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for backend in BACKENDS {
        let db = TestDb::new(backend).await;
        test(db.store().await, backend).await;
    }
}

fn change(hash: &str, bytes: &[u8], peer: &str) -> NewChange {
    NewChange {
        hash: hash.into(),
        bytes: bytes.to_vec(),
        user_id: None,
        peer_id: peer.into(),
        received_at: now_millis(),
    }
}

#[tokio::test]
async fn sites_users_and_memberships() {
    each_backend(|store, backend| async move {
        let site = store.create_site("north", "North DC").await.expect("site");
        assert!(
            matches!(store.create_site("north", "again").await, Err(StoreError::Conflict(m)) if m.contains("north")),
            "{backend:?}: duplicate slug is a conflict"
        );
        let before = store.access_version().await.expect("version");
        let id = add_user(store.as_ref(), "a@x.io", Role::Viewer, &["north"]).await;
        assert!(store.access_version().await.expect("version") > before, "{backend:?}: membership bumps access");
        assert_eq!(store.site_ids_of(id).await.expect("sites"), vec![site.id]);
        let user = store.find_user_by_email("a@x.io").await.expect("find").expect("exists");
        assert_eq!((user.role, user.disabled), (Role::Viewer, false));
        assert!(store.set_user_disabled("a@x.io", true).await.expect("disable"));
        assert!(store.find_user(id).await.expect("find").expect("exists").disabled);
        assert!(!store.set_user_disabled("nobody@x.io", true).await.expect("disable"));
        assert!(store.remove_membership(id, site.id).await.expect("remove"));
        assert!(!store.remove_membership(id, site.id).await.expect("remove twice"));
        assert_eq!(store.count_users().await.expect("count"), 1);
    })
    .await;
}

#[tokio::test]
async fn refresh_tokens_rotate_and_reuse_revokes_the_family() {
    each_backend(|store, backend| async move {
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
    })
    .await;
}

#[tokio::test]
async fn tickets_are_single_use_and_expire() {
    each_backend(|store, _| async move {
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
    })
    .await;
}

#[tokio::test]
async fn change_log_snapshot_and_compaction_keep_provenance() {
    each_backend(|store, backend| async move {
        let site = store.create_site("north", "North").await.expect("site");
        assert!(store.load_document("doc1").await.expect("load").is_none());
        store
            .create_document(
                "doc1",
                site.id,
                None,
                &[change("a", b"A", "p1"), change("b", b"B", "p1")],
                r#"["b"]"#,
                &[],
            )
            .await
            .expect("create");
        assert_eq!(
            store.document_site("doc1").await.expect("site"),
            Some(site.id)
        );
        // A change delivered twice is stored once.
        let seq = store
            .append_changes(
                "doc1",
                &[change("b", b"B", "p2"), change("c", b"C", "p2")],
                "[\"c\"]",
                &[],
            )
            .await
            .expect("append");
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

        store.compact("doc1", b"SNAP", seq).await.expect("compact");
        store
            .append_changes("doc1", &[change("d", b"D", "p1")], "[\"d\"]", &[])
            .await
            .expect("append");
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
    })
    .await;
}

#[tokio::test]
async fn settings_are_written_once() {
    each_backend(|store, _| async move {
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
    })
    .await;
}
