//! Each rule of one document's sync, without sockets or a database: phones are
//! plain Automerge documents, the "database" is whatever the test says happened.

use automerge::{
    AutoCommit, ObjType, ROOT, ReadDoc,
    sync::{self, SyncDoc},
    transaction::Transactable,
};

use super::*;
use floorwalk_shared::policy::Writer;

use crate::documents::{json::put_json, read::object_to_json, site::SERVER_AUTHOR};

const SITE: i64 = 3;

struct Phone {
    conn: ConnId,
    doc: AutoCommit,
    state: sync::State,
}

impl Phone {
    fn new(conn: ConnId) -> Self {
        Self {
            conn,
            doc: AutoCommit::new(),
            state: sync::State::new(),
        }
    }

    fn subscriber(&self, writable: bool) -> Subscriber {
        self.as_writer(writable.then_some(Writer::Staff))
    }

    fn as_writer(&self, writer: Option<Writer>) -> Subscriber {
        Subscriber {
            conn: self.conn,
            peer_id: format!("fw-{}-phone", self.conn).into(),
            user_id: self.conn as i64 * 10,
            writer,
            devices: Arc::from(vec![format!("fw-{}-phone", self.conn)]),
        }
    }

    fn edit(&mut self, key: &str, value: i64) {
        self.doc.put(ROOT, key, value).expect("put");
    }

    /// The phone's next sync message, as the core receives it.
    fn message(&mut self) -> Option<Input> {
        let message = self.doc.sync().generate_sync_message(&mut self.state)?;
        Some(Input::Sync {
            conn: self.conn,
            data: message.encode(),
        })
    }

    /// Applies every sync frame addressed to this phone; true if there was one.
    fn hear(&mut self, effects: &[DocEffect]) -> bool {
        let mut heard = false;
        for effect in effects {
            if let DocEffect::Send { conn, frame } = effect
                && *conn == self.conn
                && let Some(data) = sync_data(frame)
            {
                let message = sync::Message::decode(&data).expect("sync message");
                self.doc
                    .sync()
                    .receive_sync_message(&mut self.state, message)
                    .expect("apply");
                heard = true;
            }
        }
        heard
    }

    fn get(&self, key: &str) -> Option<i64> {
        match self.doc.get(ROOT, key).expect("get") {
            Some((automerge::Value::Scalar(s), _)) => s.as_i64(),
            _ => None,
        }
    }
}

/// The `data` of an outgoing `sync` frame.
fn sync_data(frame: &[u8]) -> Option<Vec<u8>> {
    let value: ciborium::Value = ciborium::de::from_reader(frame).ok()?;
    let ciborium::Value::Map(entries) = value else {
        return None;
    };
    let is_sync = entries.iter().any(|(k, v)| {
        matches!((k, v), (ciborium::Value::Text(k), ciborium::Value::Text(v)) if k == "type" && v == "sync")
    });
    entries.into_iter().find_map(|(k, v)| match (k, v) {
        (ciborium::Value::Text(k), ciborium::Value::Bytes(b)) if is_sync && k == "data" => Some(b),
        _ => None,
    })
}

fn core(mode: Mode) -> DocCore {
    DocCore::new(
        DocumentId::random(),
        mode,
        "floorwalk-test".into(),
        Arc::new(SyncMetrics::default()),
        1000,
    )
}

/// A commit with no other instance's in between.
fn appended(seq: i64) -> Appended {
    Appended {
        seq,
        prior_seq: seq - 1,
    }
}

fn attached() -> DocCore {
    core(Mode::Attached { site_id: SITE })
}

fn sends(effects: &[DocEffect]) -> Vec<ConnId> {
    effects
        .iter()
        .filter_map(|e| match e {
            DocEffect::Send { conn, .. } => Some(*conn),
            _ => None,
        })
        .collect()
}

fn closes(effects: &[DocEffect]) -> Vec<(ConnId, CloseKind)> {
    effects
        .iter()
        .filter_map(|e| match e {
            DocEffect::Close { conn, reason } => Some((*conn, reason.kind)),
            _ => None,
        })
        .collect()
}

/// Runs batches until neither side has anything to say; the "database" always
/// commits (as rows 1, 2, …). Returns what was stored, and the violations stored
/// with it.
fn settle(core: &mut DocCore, phones: &mut [&mut Phone]) -> (Vec<NewChange>, Vec<NewViolation>) {
    let (mut stored, mut violations) = (Vec::new(), Vec::new());
    for _ in 0..20 {
        let mut quiet = true;
        for phone in phones.iter_mut() {
            if let Some(input) = phone.message() {
                quiet = false;
                assert!(
                    sends(&core.handle(input)).is_empty(),
                    "nothing is sent before the commit"
                );
            }
        }
        let seq = match core.finish_batch() {
            Persist::Nothing => None,
            Persist::Append {
                changes,
                violations: v,
                ..
            } => {
                stored.extend(changes);
                violations.extend(v);
                Some(core.last_seq + 1)
            }
            Persist::Create { .. } => panic!("settle runs on a stored document"),
        };
        let effects = core.committed(seq.map(appended));
        for phone in phones.iter_mut() {
            quiet &= !phone.hear(&effects);
        }
        if quiet {
            return (stored, violations);
        }
    }
    panic!("sync did not settle");
}

#[test]
fn nothing_is_sent_before_the_commit_and_everyone_hears_after_it() {
    let mut core = attached();
    let (mut a, mut b) = (Phone::new(1), Phone::new(2));
    core.handle(Input::Open(a.subscriber(true)));
    core.handle(Input::Open(b.subscriber(true)));
    settle(&mut core, &mut [&mut a, &mut b]);

    a.edit("counted", 7);
    let input = a.message().expect("a has a change");
    let effects = core.handle(input);
    assert!(
        sends(&effects).is_empty(),
        "no frame may reflect an uncommitted change"
    );
    let Persist::Append {
        changes,
        heads,
        violations,
        work,
    } = core.finish_batch()
    else {
        panic!("the change must be persisted first")
    };
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].user_id, Some(10), "provenance: who delivered it");
    assert_eq!(changes[0].peer_id, "fw-1-phone");
    assert_eq!(heads, heads_json(&a.doc.get_heads()));
    assert!(violations.is_empty());
    assert_eq!(work, None, "a document of no known type is on no work list");

    let effects = core.committed(Some(appended(5)));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, DocEffect::Announce(Committed { site_id: SITE, .. })))
    );
    assert!(b.hear(&effects), "b hears once it is stored");
    settle(&mut core, &mut [&mut a, &mut b]);
    assert_eq!(b.get("counted"), Some(7));
}

#[test]
fn a_failed_commit_sends_nothing_closes_the_deliverer_and_reloads() {
    let mut core = attached();
    let (mut a, mut b) = (Phone::new(1), Phone::new(2));
    core.handle(Input::Open(a.subscriber(true)));
    core.handle(Input::Open(b.subscriber(true)));
    settle(&mut core, &mut [&mut a, &mut b]);

    a.edit("counted", 7);
    core.handle(a.message().expect("change"));
    assert!(matches!(core.finish_batch(), Persist::Append { .. }));
    let effects = core.commit_failed();
    assert!(sends(&effects).is_empty());
    assert_eq!(closes(&effects), vec![(1, CloseKind::TryAgain)]);
    assert!(effects.iter().any(|e| matches!(e, DocEffect::Reload)));
    assert!(!core.has_peer(1) && core.has_peer(2));
    assert!(
        core.doc().get(ROOT, "counted").expect("get").is_none(),
        "the unsaved change is gone from memory"
    );
}

#[test]
fn viewers_changes_are_undone_listed_and_their_copy_converges() {
    let mut core = attached();
    let (mut writer, mut viewer) = (Phone::new(1), Phone::new(2));
    core.handle(Input::Open(writer.subscriber(true)));
    core.handle(Input::Open(viewer.subscriber(false)));
    writer.edit("counted", 3);
    settle(&mut core, &mut [&mut writer, &mut viewer]);
    assert_eq!(viewer.get("counted"), Some(3), "viewers receive");

    viewer.edit("counted", 999);
    let (stored, violations) = settle(&mut core, &mut [&mut writer, &mut viewer]);
    assert!(
        stored.iter().any(|c| c.peer_id == "fw-2-phone")
            && stored.iter().any(|c| c.peer_id == SERVER_AUTHOR),
        "the viewer's change is kept, with its undo"
    );
    assert_eq!(violations.len(), 1, "{violations:?}");
    assert_eq!(
        (violations[0].user_id, violations[0].part.as_str()),
        (20, "counted")
    );
    assert!(violations[0].message.contains("a viewer can only read"));
    assert_eq!(
        viewer.get("counted"),
        Some(3),
        "the viewer's copy converged back"
    );
    assert_eq!(
        core.metrics
            .viewer_changes_refused
            .load(std::sync::atomic::Ordering::Relaxed),
        1
    );

    // A peer downgraded while connected is held to the viewer's rule from then on.
    core.handle(Input::SetWriter {
        conn: 1,
        writer: None,
    });
    writer.edit("counted", 4);
    let (_, violations) = settle(&mut core, &mut [&mut writer, &mut viewer]);
    assert_eq!(violations.len(), 1, "{violations:?}");
    assert_eq!(
        (writer.get("counted"), viewer.get("counted")),
        (Some(3), Some(3))
    );
    assert_eq!(
        core.doc()
            .get(ROOT, "counted")
            .expect("get")
            .map(|(v, _)| v.to_string()),
        Some("3".into())
    );
}

#[test]
fn an_unusable_message_closes_only_its_sender_at_once() {
    let mut core = attached();
    let (a, b) = (Phone::new(1), Phone::new(2));
    core.handle(Input::Open(a.subscriber(true)));
    core.handle(Input::Open(b.subscriber(true)));
    let effects = core.handle(Input::Sync {
        conn: 1,
        data: b"\x42garbage".to_vec(),
    });
    assert_eq!(sends(&effects), vec![1], "an `error` frame for the sender");
    assert_eq!(closes(&effects), vec![(1, CloseKind::InvalidData)]);
    assert!(core.has_peer(2));
    // A connection that never opened the document is ignored.
    assert!(
        core.handle(Input::Sync {
            conn: 9,
            data: vec![0x42]
        })
        .is_empty()
    );
}

#[test]
fn a_document_made_offline_is_created_by_its_first_deliverer() {
    let mut core = core(Mode::Pending);
    let (mut maker, mut other) = (Phone::new(1), Phone::new(2));
    let text = maker
        .doc
        .put_object(ROOT, "site", ObjType::Text)
        .expect("put");
    maker.doc.splice_text(&text, 0, 0, "north").expect("splice");
    core.handle(Input::Open(maker.subscriber(true)));
    core.handle(Input::Open(other.subscriber(true)));
    core.handle(maker.message().expect("offer"));
    assert!(
        maker.hear(&core.committed(None)),
        "the server asks for the changes"
    );
    core.handle(maker.message().expect("changes"));
    let Persist::Create {
        slug,
        creator,
        changes,
        ..
    } = core.finish_batch()
    else {
        panic!("a pending document is created, not appended")
    };
    assert_eq!((slug.as_deref(), creator), (Some("north"), 10));
    assert_eq!(changes.len(), 1);
    let effects = core.created(SITE, 1);
    let told: Vec<ConnId> = effects
        .iter()
        .filter_map(|e| match e {
            DocEffect::Tell {
                conn,
                control: Control::Attached(_, SITE),
            } => Some(*conn),
            _ => None,
        })
        .collect();
    assert_eq!(told.len(), 2, "every peer learns where it is stored");
    assert_eq!(core.mode(), Mode::Attached { site_id: SITE });
    assert!(other.hear(&effects), "and receives it once stored");
}

#[test]
fn a_creation_whose_every_part_is_refused_is_stored_where_it_claimed_to_be() {
    // Staff make a document of type `site` (master data is the manager's).
    let mut core = core(Mode::Pending);
    let mut maker = Phone::new(1);
    let forged = serde_json::json!({"type": "site", "schema_version": 1, "site": "north",
        "items": {"i1": {"sku": "FORGED", "name": "Forged", "barcodes": [], "unit": "each", "unit_cost_minor": 1}}});
    for (k, v) in forged.as_object().expect("object") {
        put_json(&mut maker.doc, &ROOT, k, v).expect("put");
    }
    core.handle(Input::Open(maker.subscriber(true)));
    core.handle(maker.message().expect("offer"));
    maker.hear(&core.committed(None));
    core.handle(maker.message().expect("changes"));
    let Persist::Create {
        slug, violations, ..
    } = core.finish_batch()
    else {
        panic!("a pending document is created")
    };
    assert_eq!(slug.as_deref(), Some("north"), "the site its maker named");
    assert!(
        violations.iter().any(|v| v.part.starts_with("items[")
            && v.message.contains("only a manager can change master data")),
        "{violations:?}"
    );
    let emptied = |doc: &Automerge| {
        let json = object_to_json(doc, &ROOT);
        json.get("type").is_none() && json["items"].as_object().is_none_or(|m| m.is_empty())
    };
    assert!(emptied(core.doc()), "{}", object_to_json(core.doc(), &ROOT));
    maker.hear(&core.created(SITE, 1));
    settle(&mut core, &mut [&mut maker]);
    assert!(
        emptied(maker.doc.document()),
        "the maker's copy converged back"
    );
}

#[test]
fn a_refused_creation_is_unavailable_to_everyone_and_forgotten() {
    let mut core = core(Mode::Pending);
    let mut maker = Phone::new(1);
    maker.edit("site", 1);
    core.handle(Input::Open(maker.subscriber(true)));
    core.handle(Input::Open(Phone::new(2).subscriber(true)));
    core.handle(maker.message().expect("offer"));
    maker.hear(&core.committed(None));
    core.handle(maker.message().expect("changes"));
    assert!(matches!(
        core.finish_batch(),
        Persist::Create { slug: None, .. }
    ));
    let effects = core.refused("it has no string at its root key `site`");
    assert_eq!(sends(&effects).len(), 2, "doc-unavailable to both");
    let forgotten = effects
        .iter()
        .filter(|e| {
            matches!(
                e,
                DocEffect::Tell {
                    control: Control::Forget(_),
                    ..
                }
            )
        })
        .count();
    let unsubscribed = effects
        .iter()
        .filter(|e| matches!(e, DocEffect::Unsubscribe { .. }))
        .count();
    assert_eq!((forgotten, unsubscribed), (2, 2));
    assert!(!core.has_peers());
    assert!(core.doc().get_heads().is_empty(), "nothing of it is kept");
}

#[test]
fn a_creation_whose_deliverer_left_is_dropped() {
    let mut core = core(Mode::Pending);
    let mut maker = Phone::new(1);
    maker.edit("site", 1);
    core.handle(Input::Open(maker.subscriber(true)));
    core.handle(maker.message().expect("offer"));
    maker.hear(&core.committed(None));
    core.handle(maker.message().expect("changes"));
    core.handle(Input::Close { conn: 1 });
    assert_eq!(core.finish_batch(), Persist::Nothing);
}

#[test]
fn server_made_changes_are_persisted_as_the_server_and_answered_after_the_commit() {
    let mut pending = core(Mode::Pending);
    let effects = pending.handle(Input::Local(LocalEdit {
        token: 1,
        user_id: 5,
        edit: Box::new(|doc| {
            doc.transact::<_, _, automerge::AutomergeError>(|tx| tx.put(ROOT, "x", 1))
                .expect("edit");
        }),
    }));
    assert!(matches!(
        effects[..],
        [DocEffect::LocalDone {
            token: 1,
            outcome: Err(ChangeFailed::NotAttached)
        }]
    ));

    let mut core = attached();
    let edit = |token| {
        Input::Local(LocalEdit {
            token,
            user_id: 5,
            edit: Box::new(move |doc| {
                doc.transact::<_, _, automerge::AutomergeError>(|tx| {
                    tx.put(ROOT, "x", token as i64)
                })
                .expect("edit");
            }),
        })
    };
    assert!(
        core.handle(edit(1)).is_empty(),
        "no answer before the commit"
    );
    let Persist::Append { changes, .. } = core.finish_batch() else {
        panic!("persisted")
    };
    assert_eq!(changes[0].peer_id, SERVER_AUTHOR);
    assert_eq!(
        changes[0].user_id,
        Some(5),
        "on behalf of the user who asked"
    );
    let effects = core.committed(Some(appended(1)));
    assert!(matches!(
        effects[0],
        DocEffect::LocalDone {
            token: 1,
            outcome: Ok(_)
        }
    ));

    core.handle(edit(2));
    core.finish_batch();
    let effects = core.commit_failed();
    assert!(effects.iter().any(|e| matches!(
        e,
        DocEffect::LocalDone {
            token: 2,
            outcome: Err(ChangeFailed::NotSaved)
        }
    )));
}

#[test]
fn a_panicking_server_edit_drops_the_batch_and_reloads() {
    let mut core = attached();
    let mut a = Phone::new(1);
    core.handle(Input::Open(a.subscriber(true)));
    settle(&mut core, &mut [&mut a]);
    a.edit("counted", 1);
    core.handle(a.message().expect("change"));
    let effects = core.handle(Input::Local(LocalEdit {
        token: 7,
        user_id: 5,
        edit: Box::new(|_| panic!("bug in an edit")),
    }));
    assert!(effects.iter().any(|e| matches!(
        e,
        DocEffect::LocalDone {
            token: 7,
            outcome: Err(ChangeFailed::Unavailable)
        }
    )));
    assert_eq!(
        closes(&effects),
        vec![(1, CloseKind::TryAgain)],
        "a resends later"
    );
    assert!(effects.iter().any(|e| matches!(e, DocEffect::Reload)));
    assert_eq!(core.finish_batch(), Persist::Nothing);
}

#[test]
fn a_snapshot_is_asked_for_once_enough_changes_piled_up() {
    let mut core = DocCore::new(
        DocumentId::random(),
        Mode::Attached { site_id: SITE },
        "floorwalk-test".into(),
        Arc::new(SyncMetrics::default()),
        3,
    );
    let mut a = Phone::new(1);
    core.handle(Input::Open(a.subscriber(true)));
    settle(&mut core, &mut [&mut a]);
    let mut compactions = Vec::new();
    for n in 0..7 {
        a.edit("n", n);
        core.handle(a.message().expect("change"));
        core.finish_batch();
        for effect in core.committed(Some(appended(n + 1))) {
            if let DocEffect::Compact { up_to_seq } = effect {
                compactions.push(up_to_seq);
            }
        }
        settle(&mut core, &mut [&mut a]);
    }
    assert_eq!(compactions, vec![3, 6]);
}

fn count_session() -> serde_json::Value {
    serde_json::json!({
        "type": "count_session", "schema_version": 1, "site": "north", "title": "Aisle 1",
        "scope": {"locations": [], "skus": []}, "blind": true, "assignees": [],
        "lines": {"A-01|SKU-1": {"expected_qty": 10}}, "entries": [], "timeline": []
    })
}

#[test]
fn a_refused_edit_is_undone_in_the_same_commit_and_the_phone_converges() {
    let mut core = attached();
    let (mut manager, mut staff) = (Phone::new(1), Phone::new(2));
    core.handle(Input::Open(manager.as_writer(Some(Writer::Manager))));
    core.handle(Input::Open(staff.as_writer(Some(Writer::Staff))));
    for (k, v) in count_session().as_object().expect("object") {
        put_json(&mut manager.doc, &ROOT, k, v).expect("put");
    }
    settle(&mut core, &mut [&mut manager, &mut staff]);

    // Staff approves a line in the manager's name.
    let (_, lines) = staff.doc.get(ROOT, "lines").expect("get").expect("lines");
    let (_, line) = staff
        .doc
        .get(&lines, "A-01|SKU-1")
        .expect("get")
        .expect("line");
    let forged = serde_json::json!({"qty": 999, "by": "10", "at": "2026-12-01T10:00:00.000Z", "device": "fw-1-phone"});
    put_json(&mut staff.doc, &line, "approval", &forged).expect("put");
    let (committed, violations) = settle(&mut core, &mut [&mut manager, &mut staff]);
    assert_eq!(violations.len(), 1, "{violations:?}");
    assert_eq!(violations[0].user_id, 20);
    assert_eq!(violations[0].part, "lines[\"A-01|SKU-1\"]");
    assert!(
        violations[0]
            .message
            .contains("only a manager can approve counts")
    );
    assert!(
        committed.iter().any(|c| c.peer_id == SERVER_AUTHOR)
            && committed.iter().any(|c| c.peer_id == "fw-2-phone"),
        "the refused change and its undo are stored together"
    );
    let server = object_to_json(core.doc(), &ROOT);
    assert_eq!(
        server["lines"]["A-01|SKU-1"],
        serde_json::json!({"expected_qty": 10})
    );
    settle(&mut core, &mut [&mut manager, &mut staff]);
    let phone = object_to_json(&staff.doc, &ROOT);
    assert_eq!(
        phone["lines"], server["lines"],
        "the phone's copy converged back"
    );
    assert_eq!(phone["policy_notices"][0]["user"], "20");
    assert!(
        phone["policy_notices"][0]["message"]
            .as_str()
            .expect("message")
            .contains("approve counts")
    );
    assert_eq!(
        object_to_json(&manager.doc, &ROOT)["lines"],
        server["lines"]
    );
}

#[test]
fn changes_another_instance_stored_reach_the_peers_here() {
    let mut core = attached();
    let mut phone = Phone::new(1);
    core.handle(Input::Open(phone.subscriber(true)));
    settle(&mut core, &mut [&mut phone]);
    // The other instance's phone made an edit, which that instance stored as row 9.
    let mut elsewhere = AutoCommit::new();
    elsewhere.put(ROOT, "counted", 12).expect("put");
    let change = elsewhere.save_incremental();
    let effects = core.stored_elsewhere(&[change], 9);
    assert!(phone.hear(&effects), "the phone here is told at once");
    settle(&mut core, &mut [&mut phone]);
    assert_eq!(phone.get("counted"), Some(12));
    assert_eq!(core.stored_seq(), 9);
    assert!(
        matches!(core.finish_batch(), Persist::Nothing),
        "stored elsewhere: nothing to store again here"
    );
}

#[test]
fn a_snapshot_never_covers_a_row_another_instance_committed_that_is_not_read_yet() {
    let mut core = DocCore::new(
        DocumentId::random(),
        Mode::Attached { site_id: SITE },
        "floorwalk-test".into(),
        Arc::new(SyncMetrics::default()),
        1,
    );
    core.loaded(Automerge::new(), 4, 0);
    let mut phone = Phone::new(1);
    core.handle(Input::Open(phone.subscriber(true)));
    phone.edit("counted", 3);
    // A few exchanges until the phone's change arrives (the first one trades heads).
    let delivered = (0..5).any(|_| {
        if let Some(message) = phone.message() {
            core.handle(message);
        }
        if matches!(core.finish_batch(), Persist::Append { .. }) {
            return true;
        }
        phone.hear(&core.committed(None));
        false
    });
    assert!(delivered, "the phone's change is to be stored");
    // Row 5 is another instance's, committed before ours (6): not in memory yet.
    let compacts: Vec<i64> = core
        .committed(Some(Appended {
            seq: 6,
            prior_seq: 5,
        }))
        .iter()
        .filter_map(|e| match e {
            DocEffect::Compact { up_to_seq } => Some(*up_to_seq),
            _ => None,
        })
        .collect();
    assert_eq!(compacts, vec![4], "up to the last row held, not past row 5");
    assert_eq!(core.stored_seq(), 4, "row 5 is still to be read");
    core.stored_elsewhere(&[], 6);
    assert_eq!(core.stored_seq(), 6);
}
