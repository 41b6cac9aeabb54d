//! Each protocol rule of a connection, without a socket.

use std::time::Duration;

use automerge::{AutoCommit, ROOT, sync::SyncDoc, transaction::Transactable};

use super::*;
use floorwalk_shared::policy::Writer;

use crate::storage::Role;

const ME: &str = "fw-7-abc";
const NORTH: i64 = 1;
const SOUTH: i64 = 2;

fn session(role: Role, sites: &[i64]) -> PeerSession {
    session_with(role, sites, SessionLimits::default())
}

fn session_with(role: Role, sites: &[i64], limits: SessionLimits) -> PeerSession {
    let me = Identity {
        peer_id: ME.into(),
        server_peer_id: "floorwalk-test".into(),
        storage_id: "storage".into(),
    };
    PeerSession::new(me, Access::new(role, sites.iter().copied()), limits)
}

fn now() -> Instant {
    Instant::now()
}

fn join() -> ClientMessage {
    ClientMessage::Join {
        sender_id: ME.into(),
        supported_versions: vec!["1".into()],
    }
}

fn joined(role: Role, sites: &[i64]) -> PeerSession {
    let mut s = session(role, sites);
    assert!(matches!(
        s.on_message(now(), join())[..],
        [SessionEffect::Reply(_)]
    ));
    s
}

fn sync(kind: SyncKind, doc: &DocumentId, data: Vec<u8>) -> ClientMessage {
    ClientMessage::Sync {
        kind,
        sender_id: ME.into(),
        document_id: doc.clone(),
        data,
    }
}

fn ephemeral(doc: &DocumentId, bytes: usize) -> ClientMessage {
    ClientMessage::Ephemeral {
        sender_id: ME.into(),
        document_id: doc.clone(),
        count: 1,
        session_id: "s".into(),
        data: vec![7; bytes],
    }
}

/// A sync message from a phone that has a document with one change.
fn offer() -> Vec<u8> {
    let mut doc = AutoCommit::new();
    doc.put(ROOT, "site", "north").expect("put");
    let mut state = automerge::sync::State::new();
    doc.sync()
        .generate_sync_message(&mut state)
        .expect("message")
        .encode()
}

/// A sync message from a phone that has nothing (a `request`).
fn empty() -> Vec<u8> {
    let mut doc = AutoCommit::new();
    let mut state = automerge::sync::State::new();
    doc.sync()
        .generate_sync_message(&mut state)
        .expect("message")
        .encode()
}

fn reply_type(effect: &SessionEffect) -> String {
    let SessionEffect::Reply(frame) = effect else {
        panic!("not a reply: {effect:?}")
    };
    let value: ciborium::Value = ciborium::de::from_reader(&frame[..]).expect("cbor");
    let ciborium::Value::Map(entries) = value else {
        panic!("not a map")
    };
    entries
        .iter()
        .find_map(|(k, v)| match (k, v) {
            (ciborium::Value::Text(k), ciborium::Value::Text(v)) if k == "type" => Some(v.clone()),
            _ => None,
        })
        .expect("type")
}

fn closed(effects: &[SessionEffect]) -> &CloseReason {
    match effects {
        [SessionEffect::Close(reason)] => reason,
        other => panic!("expected a close, got {other:?}"),
    }
}

#[test]
fn join_comes_first_once_and_answers_peer() {
    let doc = DocumentId::random();
    let mut s = session(Role::Staff, &[NORTH]);
    let reason = closed(&s.on_message(now(), sync(SyncKind::Request, &doc, empty()))).clone();
    assert_eq!(reason.kind, CloseKind::InvalidData);
    assert!(reason.message.contains("first message must be `join`"));

    let mut s = session(Role::Staff, &[NORTH]);
    let effects = s.on_message(now(), join());
    assert_eq!(reply_type(&effects[0]), "peer");
    let again = s.on_message(now(), join());
    assert!(closed(&again).message.contains("twice"));

    let mut s = session(Role::Staff, &[NORTH]);
    let old = ClientMessage::Join {
        sender_id: ME.into(),
        supported_versions: vec!["0".into()],
    };
    assert!(
        closed(&s.on_message(now(), old))
            .message
            .contains("unsupported protocol")
    );
}

#[test]
fn the_sender_id_must_be_the_issued_peer_id() {
    let mut s = session(Role::Staff, &[NORTH]);
    let forged = ClientMessage::Join {
        sender_id: "fw-1-manager".into(),
        supported_versions: vec!["1".into()],
    };
    let reason = closed(&s.on_message(now(), forged)).clone();
    assert_eq!(reason.kind, CloseKind::Policy);
    assert!(reason.message.contains("fw-1-manager"));
    // A re-forwarded ephemeral message keeps its author: dropped, not a forgery.
    let mut s = joined(Role::Staff, &[NORTH]);
    let relayed = ClientMessage::Ephemeral {
        sender_id: "fw-9-other".into(),
        document_id: DocumentId::random(),
        count: 1,
        session_id: "x".into(),
        data: vec![1],
    };
    assert!(s.on_message(now(), relayed).is_empty());
}

#[test]
fn access_is_decided_before_the_document_is_touched() {
    let doc = DocumentId::random();
    let mut s = joined(Role::Staff, &[NORTH]);
    // Nothing reaches the document until its site is known.
    assert_eq!(
        s.on_message(now(), sync(SyncKind::Request, &doc, empty())),
        vec![SessionEffect::LookupSite(doc.clone())]
    );
    let effects = s.site_found(Some(NORTH));
    assert_eq!(
        effects,
        vec![
            SessionEffect::Open {
                doc: doc.clone(),
                site: NORTH,
                writer: Some(Writer::Staff)
            },
            SessionEffect::Sync {
                doc: doc.clone(),
                data: empty()
            },
        ]
    );
    // Once open, later messages go straight to the document.
    assert!(matches!(
        s.on_message(now(), sync(SyncKind::Sync, &doc, empty()))[..],
        [SessionEffect::Sync { .. }]
    ));
}

#[test]
fn foreign_and_unknown_documents_look_the_same() {
    let (foreign, unknown) = (DocumentId::random(), DocumentId::random());
    let mut s = joined(Role::Staff, &[NORTH]);
    s.on_message(now(), sync(SyncKind::Request, &foreign, empty()));
    let a = s.site_found(Some(SOUTH));
    s.on_message(now(), sync(SyncKind::Request, &unknown, empty()));
    let b = s.site_found(None);
    assert_eq!(reply_type(&a[0]), "doc-unavailable");
    assert_eq!(reply_type(&b[0]), "doc-unavailable");
    assert_eq!((a.len(), b.len()), (1, 1), "nothing else happens");
}

#[test]
fn viewers_open_documents_read_only_and_cannot_offer_new_ones() {
    let (stored, new) = (DocumentId::random(), DocumentId::random());
    let mut s = joined(Role::Viewer, &[NORTH]);
    s.on_message(now(), sync(SyncKind::Request, &stored, empty()));
    assert!(matches!(
        s.site_found(Some(NORTH))[0],
        SessionEffect::Open { writer: None, .. }
    ));
    s.on_message(now(), sync(SyncKind::Sync, &new, offer()));
    assert_eq!(reply_type(&s.site_found(None)[0]), "doc-unavailable");
}

#[test]
fn members_offer_documents_made_offline_within_a_limit() {
    let limits = SessionLimits {
        max_pending_creations: 2,
        ..SessionLimits::default()
    };
    let mut s = session_with(Role::Staff, &[NORTH], limits);
    s.on_message(now(), join());
    let docs: Vec<DocumentId> = (0..3).map(|_| DocumentId::random()).collect();
    for doc in &docs[..2] {
        s.on_message(now(), sync(SyncKind::Sync, doc, offer()));
        assert!(matches!(s.site_found(None)[0], SessionEffect::Offer { .. }));
    }
    s.on_message(now(), sync(SyncKind::Sync, &docs[2], offer()));
    assert_eq!(reply_type(&s.site_found(None)[0]), "doc-unavailable");
    // A `request` (the peer has nothing) or an empty offer creates nothing.
    let mut s = joined(Role::Staff, &[NORTH]);
    let doc = DocumentId::random();
    s.on_message(now(), sync(SyncKind::Request, &doc, offer()));
    assert_eq!(reply_type(&s.site_found(None)[0]), "doc-unavailable");
    s.on_message(now(), sync(SyncKind::Sync, &doc, empty()));
    assert_eq!(reply_type(&s.site_found(None)[0]), "doc-unavailable");
}

#[test]
fn an_offered_document_stored_at_a_foreign_site_is_left() {
    let doc = DocumentId::random();
    let mut s = joined(Role::Staff, &[NORTH]);
    s.on_message(now(), sync(SyncKind::Sync, &doc, offer()));
    s.site_found(None);
    let effects = s.attached(&doc, SOUTH);
    assert_eq!(effects[0], SessionEffect::Leave { doc: doc.clone() });
    assert_eq!(reply_type(&effects[1]), "doc-unavailable");
    // And one stored where this peer may write stays open.
    let other = DocumentId::random();
    s.on_message(now(), sync(SyncKind::Sync, &other, offer()));
    s.site_found(None);
    assert!(s.attached(&other, NORTH).is_empty());
    assert!(matches!(
        s.on_message(now(), sync(SyncKind::Sync, &other, empty()))[..],
        [SessionEffect::Sync { .. }]
    ));
}

#[test]
fn access_changes_close_forbidden_documents_and_downgrade_the_rest() {
    let (north_doc, south_doc, creating) = (
        DocumentId::random(),
        DocumentId::random(),
        DocumentId::random(),
    );
    let mut s = joined(Role::Staff, &[NORTH, SOUTH]);
    for (doc, site) in [(&north_doc, NORTH), (&south_doc, SOUTH)] {
        s.on_message(now(), sync(SyncKind::Request, doc, empty()));
        s.site_found(Some(site));
    }
    s.on_message(now(), sync(SyncKind::Sync, &creating, offer()));
    s.site_found(None);
    assert_eq!(
        s.refresh(),
        vec![SessionEffect::LoadAccess {
            creating: vec![creating.clone()]
        }]
    );
    // Now a viewer of north only; the offered document was stored at south.
    let effects = s.access_loaded(
        Ok(Access::new(Role::Viewer, [NORTH])),
        &[(creating.clone(), Some(SOUTH))],
    );
    assert!(effects.contains(&SessionEffect::SetWriter {
        doc: north_doc.clone(),
        writer: None
    }));
    assert!(effects.contains(&SessionEffect::Leave {
        doc: south_doc.clone()
    }));
    assert!(effects.contains(&SessionEffect::Leave {
        doc: creating.clone()
    }));
    let unavailable = effects
        .iter()
        .filter(|e| matches!(e, SessionEffect::Reply(_)))
        .count();
    assert_eq!(unavailable, 2);
    // A revoked login or a disabled account ends the connection.
    for denied in [Denied::SessionRevoked, Denied::Disabled, Denied::UserGone] {
        let reason = closed(&s.access_loaded(Err(denied), &[])).clone();
        assert_eq!(reason.kind, CloseKind::Policy);
    }
}

#[test]
fn ephemeral_messages_are_relayed_to_members_only_within_size_and_rate() {
    let (doc, foreign) = (DocumentId::random(), DocumentId::random());
    let limits = SessionLimits {
        max_ephemeral_bytes: 100,
        ephemeral_per_second: 10.0,
        ephemeral_burst: 3.0,
        ..SessionLimits::default()
    };
    let mut s = session_with(Role::Staff, &[NORTH], limits);
    s.on_message(now(), join());
    // Not opened: relayed once the site says the peer belongs there.
    assert_eq!(
        s.on_message(now(), ephemeral(&foreign, 10)),
        vec![SessionEffect::LookupSite(foreign.clone())]
    );
    assert!(s.site_found(Some(SOUTH)).is_empty());
    s.on_message(now(), sync(SyncKind::Request, &doc, empty()));
    s.site_found(Some(NORTH));
    let start = now();
    assert!(
        s.on_message(start, ephemeral(&doc, 101)).is_empty(),
        "too big"
    );
    // The burst has one token left after the foreign one; then the rate holds.
    for _ in 0..2 {
        assert!(matches!(
            s.on_message(start, ephemeral(&doc, 10))[..],
            [SessionEffect::Relay { .. }]
        ));
    }
    assert!(s.on_message(start, ephemeral(&doc, 10)).is_empty(), "rate");
    let later = start + Duration::from_millis(150);
    assert!(matches!(
        s.on_message(later, ephemeral(&doc, 10))[..],
        [SessionEffect::Relay { .. }]
    ));
    assert_eq!(s.ephemeral_dropped, 2);
}

#[test]
fn leaving_closes_every_opened_document_and_errors_name_the_peer() {
    let doc = DocumentId::random();
    let mut s = joined(Role::Staff, &[NORTH]);
    s.on_message(now(), sync(SyncKind::Request, &doc, empty()));
    s.site_found(Some(NORTH));
    assert_eq!(s.leave(), vec![SessionEffect::Leave { doc }]);
    let frame = s.error_frame(&CloseReason::new(CloseKind::InvalidData, "bad"));
    let decoded: ciborium::Value = ciborium::de::from_reader(&frame[..]).expect("cbor");
    let text = format!("{decoded:?}");
    assert!(text.contains("error") && text.contains(ME) && text.contains("bad"));
}
