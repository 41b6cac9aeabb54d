//! The guard on real Automerge documents: phones edit their copies offline,
//! the server receives the changes one phone at a time, reviews them and undoes
//! what the policy refuses.

use automerge::AutoCommit;
use floorwalk_shared::policy::Writer;
use serde_json::json;

use super::*;

const STAFF: &str = "5";
const MANAGER: &str = "2";
const KEY: &str = "A-01|SKU-1";

struct Server {
    doc: Automerge,
    actor: ActorId,
}

impl Server {
    fn new(root: Json) -> (Self, AutoCommit) {
        let mut origin = AutoCommit::new();
        for (k, v) in root.as_object().expect("object") {
            put_json(&mut origin, &ROOT, k, v).expect("put");
        }
        origin.commit();
        let mut doc = Automerge::new();
        doc.apply_changes(origin.get_changes(&[])).expect("apply");
        (
            Self {
                doc,
                actor: undo_actor(),
            },
            origin,
        )
    }

    /// Receives everything `phone` has, as `writer`, and undoes what is refused.
    fn receive(&mut self, phone: &mut AutoCommit, writer: Writer, user: &str) -> Vec<Breach> {
        let before = self.doc.get_heads();
        let changes: Vec<_> = phone.get_changes(&before).into_iter().collect();
        let delivered: Vec<_> = changes.iter().map(|c| c.hash()).collect();
        self.doc.apply_changes(changes).expect("apply");
        let devices = vec![format!("fw-{user}-phone")];
        let author = Author {
            writer,
            user_id: user,
            devices: &devices,
        };
        enforce(&mut self.doc, &before, &delivered, &author, &self.actor, 0).expect("undo")
    }

    /// Gives `phone` everything the server has (its copy converges).
    fn send(&self, phone: &mut AutoCommit) {
        let changes: Vec<_> = self
            .doc
            .get_changes(&phone.get_heads())
            .into_iter()
            .collect();
        phone.apply_changes(changes).expect("apply");
    }

    fn json(&self) -> Json {
        object_to_json(&self.doc, &ROOT)
    }
}

fn fork(origin: &mut AutoCommit) -> AutoCommit {
    let mut phone = origin.fork();
    phone.set_actor(ActorId::random());
    phone
}

fn rec(by: &str) -> Json {
    json!({"by": by, "at": "2026-12-01T10:00:00.000Z", "device": format!("fw-{by}-phone")})
}

fn with(mut value: Json, extra: Json) -> Json {
    if let (Json::Object(a), Json::Object(b)) = (&mut value, extra) {
        a.extend(b);
    }
    value
}

fn session() -> Json {
    json!({
        "type": "count_session", "schema_version": 1, "site": "north", "title": "Aisle 1",
        "scope": {"locations": [], "skus": []}, "blind": true, "assignees": [STAFF],
        "lines": {KEY: {"expected_qty": 10}}, "entries": [], "timeline": []
    })
}

fn put_at(phone: &mut AutoCommit, path: &[&str], value: Json) {
    let mut obj = ROOT;
    for key in &path[..path.len() - 1] {
        obj = match phone.get(&obj, *key).expect("get") {
            Some((Value::Object(_), id)) => id,
            _ => panic!("no object at {key}"),
        };
    }
    put_json(phone, &obj, path[path.len() - 1], &value).expect("put");
    phone.commit();
}

fn append(phone: &mut AutoCommit, list: &str, value: Json) {
    let (_, obj) = phone.get(ROOT, list).expect("get").expect("list");
    let at = phone.length(&obj);
    insert_json(phone, &obj, at, &value).expect("insert");
    phone.commit();
}

fn entry(id: &str, by: &str, qty: u64) -> Json {
    with(
        json!({"id": id, "location": "A-01", "sku": "SKU-1", "qty": qty, "count_index": 1}),
        rec(by),
    )
}

#[test]
fn a_staff_approval_in_the_managers_name_is_undone_and_the_phone_converges() {
    let (mut server, mut origin) = Server::new(session());
    let mut phone = fork(&mut origin);
    let forged =
        json!({"qty": 999, "by": MANAGER, "at": "2026-12-01T10:00:00.000Z", "device": "desk"});
    put_at(&mut phone, &["lines", KEY, "approval"], forged.clone());
    put_at(&mut phone, &["lines", KEY, "expected_qty"], json!(999));
    let breaches = server.receive(&mut phone, Writer::Staff, STAFF);
    assert_eq!(breaches.len(), 1, "one line, one breach: {breaches:?}");
    assert_eq!(breaches[0].part, format!("lines[\"{KEY}\"]"));
    assert!(
        breaches[0]
            .message
            .contains("only a manager can approve counts")
    );
    assert_eq!(
        breaches[0].attempted.as_ref().expect("attempt")["approval"],
        forged
    );
    assert_eq!(server.json()["lines"][KEY], json!({"expected_qty": 10}));
    server.send(&mut phone);
    assert_eq!(
        object_to_json(&phone, &ROOT)["lines"][KEY],
        json!({"expected_qty": 10})
    );
}

#[test]
fn own_entries_stay_and_forged_or_edited_ones_are_undone() {
    let (mut server, mut origin) = Server::new(session());
    let mut phone = fork(&mut origin);
    append(&mut phone, "entries", entry("e1", STAFF, 4));
    assert!(server.receive(&mut phone, Writer::Staff, STAFF).is_empty());

    append(&mut phone, "entries", entry("e2", MANAGER, 7));
    let breaches = server.receive(&mut phone, Writer::Staff, STAFF);
    assert_eq!(breaches[0].part, "entries[id=\"e2\"]");
    assert!(breaches[0].message.contains("you are user \"5\""));
    let ids: Vec<Json> = server.json()["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| e["id"].clone())
        .collect();
    assert_eq!(
        ids,
        [json!("e1")],
        "the forged entry is gone, the own one stays"
    );

    // Another user's entry, edited by staff: its quantity comes back.
    let mut other = fork(&mut origin);
    server.send(&mut other);
    append(&mut other, "entries", entry("e3", "6", 2));
    server.receive(&mut other, Writer::Staff, "6");
    server.send(&mut phone);
    let (_, entries) = phone.get(ROOT, "entries").expect("get").expect("entries");
    let index = (0..phone.length(&entries))
        .find(|i| {
            let (_, e) = phone.get(&entries, *i).expect("get").expect("entry");
            object_to_json(&phone, &e)["id"] == "e3"
        })
        .expect("e3");
    let (_, e3) = phone.get(&entries, index).expect("get").expect("entry");
    phone.put(&e3, "qty", 200).expect("put");
    phone.commit();
    let breaches = server.receive(&mut phone, Writer::Staff, STAFF);
    assert!(
        breaches[0].message.contains("cannot be changed"),
        "{breaches:?}"
    );
    let e3 = server.json()["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .find(|e| e["id"] == "e3")
        .cloned()
        .expect("e3");
    assert_eq!(e3["qty"], 2);
}

#[test]
fn concurrent_forgery_and_approval_end_with_the_managers_approval_in_either_order() {
    for forger_first in [true, false] {
        let (mut server, mut origin) = Server::new(session());
        let (mut staff, mut manager) = (fork(&mut origin), fork(&mut origin));
        put_at(
            &mut staff,
            &["lines", KEY, "approval"],
            with(json!({"qty": 999}), rec(STAFF)),
        );
        let approval = with(json!({"qty": 9}), rec(MANAGER));
        put_at(&mut manager, &["lines", KEY, "approval"], approval.clone());
        if forger_first {
            assert_eq!(server.receive(&mut staff, Writer::Staff, STAFF).len(), 1);
            assert!(
                server
                    .receive(&mut manager, Writer::Manager, MANAGER)
                    .is_empty()
            );
        } else {
            assert!(
                server
                    .receive(&mut manager, Writer::Manager, MANAGER)
                    .is_empty()
            );
            assert_eq!(server.receive(&mut staff, Writer::Staff, STAFF).len(), 1);
        }
        assert_eq!(
            server.json()["lines"][KEY]["approval"],
            approval,
            "forger first: {forger_first}"
        );
        let (_, lines) = server.doc.get(ROOT, "lines").expect("get").expect("lines");
        let (_, line) = server.doc.get(&lines, KEY).expect("get").expect("line");
        assert_eq!(
            server.doc.get_all(&line, "approval").expect("all").len(),
            1,
            "no conflict is left for the flattener to show"
        );
    }
}

#[test]
fn a_managers_new_value_beats_an_undo_it_was_concurrent_with() {
    let mut root = session();
    root["lines"][KEY]["approval"] = with(json!({"qty": 10}), rec(MANAGER));
    let (mut server, mut origin) = Server::new(root);
    let (mut staff, mut manager) = (fork(&mut origin), fork(&mut origin));
    put_at(
        &mut staff,
        &["lines", KEY, "approval"],
        with(json!({"qty": 999}), rec(STAFF)),
    );
    assert_eq!(server.receive(&mut staff, Writer::Staff, STAFF).len(), 1);
    // The manager changed the approval offline, before hearing of either.
    let newer = with(json!({"qty": 11}), rec(MANAGER));
    put_at(&mut manager, &["lines", KEY, "approval"], newer.clone());
    assert!(
        server
            .receive(&mut manager, Writer::Manager, MANAGER)
            .is_empty()
    );
    assert_eq!(server.json()["lines"][KEY]["approval"], newer);
}

#[test]
fn a_staff_status_change_to_closed_and_a_recount_request_are_undone() {
    let (mut server, mut origin) = Server::new(session());
    let mut phone = fork(&mut origin);
    append(
        &mut phone,
        "timeline",
        with(json!({"id": "t1", "status": "closed"}), rec(STAFF)),
    );
    put_at(
        &mut phone,
        &["lines", KEY, "recount"],
        with(json!({"count_index": 2}), rec(STAFF)),
    );
    let breaches = server.receive(&mut phone, Writer::Staff, STAFF);
    let messages: Vec<&str> = breaches.iter().map(|b| b.message.as_str()).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("set a count session to closed")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("ask for a recount")),
        "{messages:?}"
    );
    assert_eq!(server.json()["timeline"], json!([]));
    assert_eq!(server.json()["lines"][KEY], json!({"expected_qty": 10}));
}

#[test]
fn a_site_document_made_by_staff_is_undone_whole() {
    let (mut server, _) = Server::new(json!({"scratch": true}));
    let mut phone = AutoCommit::new();
    server.send(&mut phone);
    let rogue = json!({
        "type": "site", "schema_version": 1, "site": "north", "name": "x", "currency": "EUR",
        "locations": {}, "item_classes": {}, "checklist_templates": {},
        "items": {"i1": {"sku": "EVIL-1", "name": "Laptop", "unit": "each", "unit_cost_minor": 250000}}
    });
    for (k, v) in rogue.as_object().expect("object") {
        put_json(&mut phone, &ROOT, k, v).expect("put");
    }
    phone.commit();
    let breaches = server.receive(&mut phone, Writer::Staff, STAFF);
    assert!(
        breaches.iter().all(|b| b.message.contains("master data")),
        "{breaches:?}"
    );
    let now = server.json();
    assert!(
        now.get("type").is_none() && now["items"] == json!({}),
        "{now}"
    );
}

#[test]
fn documents_of_no_known_type_are_not_read() {
    let (mut server, mut origin) = Server::new(json!({"kind": "scratch", "entries": []}));
    let mut phone = fork(&mut origin);
    append(&mut phone, "entries", json!({"by": MANAGER}));
    assert!(server.receive(&mut phone, Writer::Staff, STAFF).is_empty());
}
