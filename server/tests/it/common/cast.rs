//! The people of the shared examples (Mia the manager, Ana and Ben on the floor)
//! as real logins, and a way to deliver an example document the way the floor
//! would: every record by the user it names, from that user's own device.
//!
//! The server holds every change to the write policy: a record must name the user
//! who delivered it and one of their devices. So the examples' placeholder ids
//! (`user-ana`, `device-ana-phone`, …) become the real user id and peer id, the
//! manager creates the document, and each record someone else wrote arrives
//! through that person's own connection, in the document's order. A connection
//! is opened for each delivery: an idle test peer does not answer pings, and the
//! server rightly closes it.

use automerge::{AutoCommit, ROOT, ReadDoc, sync};
use floorwalk::{
    documents::json::{insert_json, put_json},
    storage::Role,
    sync::DocumentId,
};
use floorwalk_shared::examples::{ANA, ANA_PHONE, BEN, BEN_PHONE, MANAGER, MANAGER_DESKTOP};
use serde_json::{Map, Value};

use super::{Login, TestServer, acknowledged, add_user, peer::TestPeer};

/// One example person, logged in (one device).
pub struct Member {
    pub email: String,
    pub user_id: String,
    pub login: Login,
    /// The example's placeholders for this person.
    example: (&'static str, &'static str),
}

impl Member {
    pub fn peer_id(&self) -> &str {
        &self.login.peer_id
    }

    /// A connection of this person's device.
    pub async fn connect(&self, server: &TestServer) -> TestPeer {
        TestPeer::connect_as(server, &self.login).await
    }

    /// `{by, at, device}` for a record this person writes.
    pub fn recorded(&self, at: &str) -> Value {
        serde_json::json!({ "by": self.user_id, "at": at, "device": self.peer_id() })
    }

    /// Sends `doc` as this person, on a new connection, until the server has all of it.
    pub async fn push(&self, server: &TestServer, id: &DocumentId, doc: &mut AutoCommit) {
        let mut peer = self.connect(server).await;
        push_on(&mut peer, id, doc).await;
    }
}

/// Sends `doc` on `peer` until the server acknowledges every change of it.
async fn push_on(peer: &mut TestPeer, id: &DocumentId, doc: &mut AutoCommit) {
    trace(&format!("push {} {id}", peer.peer_id));
    peer.sync_until(id.as_str(), doc, &mut sync::State::new(), acknowledged)
        .await;
}

/// Mia (manager), Ana and Ben (staff) of `site`; the manager comes first.
pub struct Cast {
    pub members: Vec<Member>,
}

impl Cast {
    pub async fn of(server: &TestServer, site: &str) -> Self {
        let people = [
            ("mia", Role::Manager, (MANAGER, MANAGER_DESKTOP)),
            ("ana", Role::Staff, (ANA, ANA_PHONE)),
            ("ben", Role::Staff, (BEN, BEN_PHONE)),
        ];
        let mut members = Vec::new();
        for (name, role, example) in people {
            let email = format!("{name}@{site}.test");
            let user_id = add_user(server.store.as_ref(), &email, role, &[site]).await;
            members.push(Member {
                login: server.api.login(&email).await,
                email,
                user_id: user_id.to_string(),
                example,
            });
        }
        Self { members }
    }

    pub fn manager(&self) -> &Member {
        &self.members[0]
    }

    pub fn ana(&self) -> &Member {
        &self.members[1]
    }

    pub fn ben(&self) -> &Member {
        &self.members[2]
    }

    /// `example` with the placeholder ids replaced by the real ones.
    pub fn cast(&self, example: &Value) -> Value {
        self.cast_as(example, None)
    }

    /// `example` with the placeholders replaced; with `alone`, every person in it
    /// becomes that one member.
    fn cast_as(&self, example: &Value, alone: Option<usize>) -> Value {
        match example {
            Value::String(s) => self
                .members
                .iter()
                .find_map(|m| {
                    let real = alone.map_or(m, |i| &self.members[i]);
                    if s == m.example.0 {
                        Some(Value::String(real.user_id.clone()))
                    } else if s == m.example.1 {
                        Some(Value::String(real.peer_id().to_string()))
                    } else {
                        None
                    }
                })
                .unwrap_or_else(|| example.clone()),
            Value::Array(items) => {
                Value::Array(items.iter().map(|v| self.cast_as(v, alone)).collect())
            }
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), self.cast_as(v, alone)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    /// Delivers `example` in one go from the manager, as if they had written every
    /// record in it (for tests that need the whole document in one commit, or
    /// whose records only make sense in an order the examples do not keep).
    pub async fn deliver_alone(
        &self,
        server: &TestServer,
        id: &DocumentId,
        example: &Value,
    ) -> AutoCommit {
        let value = self.cast_as(example, Some(0));
        let mut doc = AutoCommit::new();
        for (key, v) in value.as_object().expect("an example is an object") {
            put_json(&mut doc, &ROOT, key, v).expect("put");
        }
        self.members[0].push(server, id, &mut doc).await;
        doc
    }

    /// Delivers `example` as document `id`: the manager creates it with all but the
    /// members (list elements, map entries) that name someone else in `by`; then
    /// each of those arrives from its author, in the document's order. Returns the
    /// document as the last deliverer left it.
    pub async fn deliver(
        &self,
        server: &TestServer,
        id: &DocumentId,
        example: &Value,
    ) -> AutoCommit {
        let value = self.cast(example);
        let root = value.as_object().expect("an example is an object");
        let manager = &self.members[0].user_id;
        // One connection per person for the whole delivery (each delivers in
        // turn; a delivery is far shorter than the server's ping timeout).
        let mut peers = Vec::new();
        for member in &self.members {
            peers.push(member.connect(server).await);
        }
        let mut doc = AutoCommit::new();
        for (key, v) in root {
            put_json(&mut doc, &ROOT, key, &without_others(v, manager)).expect("put");
        }
        push_on(&mut peers[0], id, &mut doc).await;

        for (key, v) in root {
            let Some((_, obj)) = doc.get(ROOT, key.as_str()).expect("get") else {
                continue;
            };
            match v {
                Value::Array(items) => {
                    for (index, item) in items.iter().enumerate() {
                        if let Some(author) = self.other_author(item) {
                            insert_json(&mut doc, &obj, index, item).expect("insert");
                            push_on(&mut peers[author], id, &mut doc).await;
                        }
                    }
                }
                Value::Object(members) => {
                    for (member, item) in members {
                        if let Some(author) = self.other_author(item) {
                            put_json(&mut doc, &obj, member, item).expect("put");
                            push_on(&mut peers[author], id, &mut doc).await;
                        }
                    }
                }
                _ => {}
            }
        }
        doc
    }

    /// Writes `example` (a `site` document) into the site's own master-data
    /// document, as its manager would: only that document feeds the site's items,
    /// locations and templates. Its `type`, `site` and `schema_version` stay.
    pub async fn edit_site_document(
        &self,
        server: &TestServer,
        slug: &str,
        example: &Value,
    ) -> DocumentId {
        let site = server
            .store
            .find_site(slug)
            .await
            .expect("site")
            .expect("the site exists");
        let id = DocumentId::parse(&site.document_id.expect("the site has its document"))
            .expect("a document id");
        let manager = &self.members[0];
        let mut peer = manager.connect(server).await;
        let mut doc = AutoCommit::new();
        let mut state = sync::State::new();
        peer.sync_until(id.as_str(), &mut doc, &mut state, |doc, state| {
            state
                .their_heads
                .as_ref()
                .is_some_and(|theirs| !theirs.is_empty() && *theirs == doc.get_heads())
        })
        .await;
        for (key, v) in self.cast(example).as_object().expect("an object") {
            if !["type", "site", "schema_version"].contains(&key.as_str()) {
                put_json(&mut doc, &ROOT, key, v).expect("put");
            }
        }
        push_on(&mut peer, &id, &mut doc).await;
        id
    }

    /// Which member a collection member's `by` names, when it is not the manager.
    fn other_author(&self, item: &Value) -> Option<usize> {
        let by = other_author(item, &self.members[0].user_id)?;
        let member = self.members.iter().position(|m| m.user_id == by);
        Some(member.unwrap_or_else(|| panic!("no member of the cast is user {by}")))
    }
}

/// The `by` of a collection member, when it names someone other than `owner`.
fn other_author(item: &Value, owner: &str) -> Option<String> {
    item.get("by")
        .and_then(Value::as_str)
        .filter(|by| *by != owner)
        .map(str::to_string)
}

/// A root value without the collection members another user wrote.
fn without_others(value: &Value, owner: &str) -> Value {
    match value {
        Value::Array(items) => Value::Array(
            items
                .iter()
                .filter(|item| other_author(item, owner).is_none())
                .cloned()
                .collect(),
        ),
        Value::Object(members) => Value::Object(
            members
                .iter()
                .filter(|(_, item)| other_author(item, owner).is_none())
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect::<Map<_, _>>(),
        ),
        other => other.clone(),
    }
}

/// With `FLOORWALK_TEST_TRACE` set, where a test is, on stderr.
pub fn trace(what: &str) {
    if std::env::var_os("FLOORWALK_TEST_TRACE").is_some() {
        eprintln!("TRACE {:?} {what}", std::thread::current().name());
    }
}
