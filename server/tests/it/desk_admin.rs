//! Administration over HTTP: users (create, list, rename, role, disable), memberships
//! and sites; disabling a user closes their live sync connection at once; only admins
//! may do any of it. On SQLite and Postgres.

use crate::common;

use std::time::Duration;

use automerge::transaction::Transactable;
use common::{Backend, PASSWORD, TestServer, add_user, peer::TestPeer};
use floorwalk::storage::Role;
use serde_json::{Value, json};

struct Admin {
    server: TestServer,
    root: String,
}

impl Admin {
    async fn ok(&self, method: &str, path: &str, body: Option<Value>, status: u16) -> Value {
        let (got, answer) = self
            .server
            .api
            .send(method, Some(&self.root), path, body)
            .await;
        assert_eq!(got, status, "{method} {path}: {answer}");
        answer
    }
}

async fn start(backend: Backend) -> (Admin, i64, i64) {
    start_polling(backend, 100).await
}

/// `poll_ms`: how often the access watcher looks for changes made elsewhere.
async fn start_polling(backend: Backend, poll_ms: u64) -> (Admin, i64, i64) {
    let server = TestServer::start_with(backend, |c| c.access_poll_millis = poll_ms).await;
    let store = server.store.as_ref();
    let root = add_user(store, "root@hq.test", Role::Admin, &["north"]).await;
    add_user(store, "meg@north.test", Role::Manager, &["north"]).await;
    let ana = add_user(store, "ana@north.test", Role::Staff, &["north"]).await;
    let token = server.api.login("root@hq.test").await.access_token;
    (
        Admin {
            server,
            root: token,
        },
        root,
        ana,
    )
}

async fn users_and_sites(backend: Backend) {
    let (admin, root, ana) = start(backend).await;
    let users = admin.ok("GET", "/api/admin/users", None, 200).await;
    let emails: Vec<&str> = users["users"]
        .as_array()
        .expect("users")
        .iter()
        .filter_map(|u| u["email"].as_str())
        .collect();
    assert_eq!(
        emails,
        ["ana@north.test", "meg@north.test", "root@hq.test"],
        "{backend:?}"
    );
    assert_eq!(
        users["users"][0]["sites"],
        json!([{ "slug": "north", "role": "staff" }])
    );
    assert_eq!(users["users"][0]["id"], users["users"][0]["user_id"]);

    // A new site, with its master-data document.
    let site = admin
        .ok(
            "POST",
            "/api/admin/sites",
            Some(json!({ "slug": "east", "name": "East DC" })),
            201,
        )
        .await;
    assert!(
        site["site_document_url"]
            .as_str()
            .is_some_and(|u| u.starts_with("automerge:")),
        "{site}"
    );
    admin
        .ok(
            "POST",
            "/api/admin/sites",
            Some(json!({ "slug": "east", "name": "Again" })),
            409,
        )
        .await;
    let err = admin
        .ok(
            "POST",
            "/api/admin/sites",
            Some(json!({ "slug": "East DC", "name": "x" })),
            400,
        )
        .await;
    assert!(
        err["message"].as_str().is_some_and(|m| m.contains("a–z")),
        "{err}"
    );
    let sites = admin.ok("GET", "/api/admin/sites", None, 200).await;
    let east = sites["sites"]
        .as_array()
        .expect("sites")
        .iter()
        .find(|s| s["slug"] == "east")
        .cloned()
        .expect("east");
    assert_eq!(east["members"], 0);

    // A new user who can log in and sees their site.
    let body = json!({ "email": " New@East.test ", "password": PASSWORD, "role": "staff", "sites": ["east"] });
    let created = admin
        .ok("POST", "/api/admin/users", Some(body.clone()), 201)
        .await;
    assert_eq!(
        (
            created["email"].clone(),
            created["sites"][0]["slug"].clone()
        ),
        (json!("new@east.test"), json!("east"))
    );
    let new_token = admin.server.api.login("new@east.test").await.access_token;
    let (_, me) = admin
        .server
        .api
        .send("GET", Some(&new_token), "/api/me", None)
        .await;
    assert_eq!(me["sites"][0]["slug"], "east");
    admin.ok("POST", "/api/admin/users", Some(body), 409).await;
    for (body, word) in [
        (
            json!({ "email": "x@y.z", "password": "short", "role": "staff" }),
            "8 characters",
        ),
        (
            json!({ "email": "x@y.z", "password": PASSWORD, "role": "boss" }),
            "boss",
        ),
        (
            json!({ "email": "nobody", "password": PASSWORD, "role": "staff" }),
            "email",
        ),
        (
            json!({ "email": "x@y.z", "password": PASSWORD, "role": "staff", "colour": "red" }),
            "colour",
        ),
    ] {
        let err = admin.ok("POST", "/api/admin/users", Some(body), 400).await;
        assert!(
            err["message"].as_str().is_some_and(|m| m.contains(word)),
            "{word}: {err}"
        );
    }
    let err = admin.ok("POST", "/api/admin/users", Some(json!({ "email": "x@y.z", "password": PASSWORD, "role": "staff", "sites": ["mars"] })), 404).await;
    assert!(
        err["message"].as_str().is_some_and(|m| m.contains("mars")),
        "{err}"
    );

    // Rename and promote; memberships.
    let ana_path = format!("/api/admin/users/{ana}");
    let patched = admin
        .ok(
            "PATCH",
            &ana_path,
            Some(json!({ "display_name": "Ana Lima", "role": "manager" })),
            200,
        )
        .await;
    assert_eq!(
        (patched["display_name"].clone(), patched["role"].clone()),
        (json!("Ana Lima"), json!("manager"))
    );
    let added = admin
        .ok("PUT", &format!("{ana_path}/sites/east"), None, 200)
        .await;
    assert_eq!(
        added["sites"],
        json!([{ "slug": "east", "role": "manager" }, { "slug": "north", "role": "manager" }])
    );
    // A role with the membership sets the user's role (roles are per user).
    let added = admin
        .ok(
            "PUT",
            &format!("{ana_path}/sites/east"),
            Some(json!({ "role": "viewer" })),
            200,
        )
        .await;
    assert_eq!(added["role"], "viewer");
    admin
        .ok(
            "PUT",
            &format!("{ana_path}/sites/east"),
            Some(json!({ "role": "emperor" })),
            400,
        )
        .await;
    admin
        .ok("DELETE", &format!("{ana_path}/sites/east"), None, 200)
        .await;
    admin
        .ok("DELETE", &format!("{ana_path}/sites/east"), None, 404)
        .await;
    admin
        .ok(
            "PATCH",
            "/api/admin/users/999999",
            Some(json!({ "disabled": true })),
            404,
        )
        .await;
    admin
        .ok("PATCH", &ana_path, Some(json!({ "role": "king" })), 400)
        .await;
    let err = admin
        .ok(
            "PATCH",
            &format!("/api/admin/users/{root}"),
            Some(json!({ "disabled": true })),
            409,
        )
        .await;
    assert!(
        err["message"]
            .as_str()
            .is_some_and(|m| m.contains("another admin")),
        "{err}"
    );

    // Only admins.
    let meg = admin.server.api.login("meg@north.test").await.access_token;
    for (method, path) in [
        ("GET", "/api/admin/users"),
        ("GET", "/api/admin/sites"),
        ("PATCH", ana_path.as_str()),
    ] {
        let body = (method == "PATCH").then(|| json!({ "disabled": true }));
        let (status, err) = admin
            .server
            .api
            .send(method, Some(&meg), path, body.clone())
            .await;
        assert_eq!(status, 403, "{method} {path}: {err}");
        assert_eq!(admin.server.api.send(method, None, path, body).await.0, 401);
    }
    let (status, _) = admin
        .server
        .api
        .send(
            "POST",
            Some(&meg),
            "/api/admin/sites",
            Some(json!({ "slug": "west", "name": "W" })),
        )
        .await;
    assert_eq!(status, 403);
}

async fn disabling_cuts_live_sync(backend: Backend) {
    // The watcher polls only every 10 minutes here: only the PATCH itself can cut the sync.
    let (admin, _, ana) = start_polling(backend, 600_000).await;
    let mut phone = TestPeer::connect(&admin.server, "ana@north.test").await;
    let patched = admin
        .ok(
            "PATCH",
            &format!("/api/admin/users/{ana}"),
            Some(json!({ "disabled": true })),
            200,
        )
        .await;
    assert_eq!(patched["disabled"], true);
    let closed = tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(frame) = phone.next_frame().await {
            if frame.kind == "error" {
                assert!(
                    frame
                        .message
                        .as_deref()
                        .is_some_and(|m| m.contains("disabled")),
                    "{frame:?}"
                );
            }
        }
    })
    .await;
    assert!(
        closed.is_ok(),
        "{backend:?}: the disabled user's sync connection stayed open"
    );
    let response = admin
        .server
        .api
        .try_login("ana@north.test", PASSWORD, None)
        .await;
    assert!(
        response.status().is_client_error(),
        "a disabled user cannot log in"
    );
    let members = admin.ok("GET", "/api/sites/north/members", None, 200).await;
    let ana_row = members["members"]
        .as_array()
        .expect("members")
        .iter()
        .find(|m| m["email"] == "ana@north.test")
        .cloned()
        .expect("ana");
    assert_eq!(ana_row["disabled"], true);
}

async fn removing_a_membership_cuts_that_site(backend: Backend) {
    let (admin, _, ana) = start_polling(backend, 600_000).await;
    let ana_login = admin.server.api.login("ana@north.test").await;
    let mut phone = TestPeer::connect_as(&admin.server, &ana_login).await;
    let mut events = admin
        .server
        .api
        .get(Some(&ana_login.access_token), "/api/events")
        .await;
    assert_eq!(events.status(), 200);
    let id = floorwalk::sync::DocumentId::random();
    let mut doc = automerge::AutoCommit::new();
    let site = doc
        .put_object(automerge::ROOT, "site", automerge::ObjType::Text)
        .expect("put");
    doc.splice_text(&site, 0, 0, "north").expect("splice");
    let mut state = automerge::sync::State::new();
    phone
        .sync_until(id.as_str(), &mut doc, &mut state, common::acknowledged)
        .await;
    admin
        .ok(
            "DELETE",
            &format!("/api/admin/users/{ana}/sites/north"),
            None,
            200,
        )
        .await;
    let cut = tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(frame) = phone.next_frame().await {
            if frame.kind == "doc-unavailable" && frame.document_id.as_deref() == Some(id.as_str())
            {
                return true;
            }
        }
        true // closed altogether also cuts it
    })
    .await;
    assert_eq!(
        cut.ok(),
        Some(true),
        "{backend:?}: the north document stayed open"
    );
    // The dashboard's event stream stops reporting north: it was Ana's only site.
    let ended = common::events_until_revoked(&mut events, "the event stream reporting north").await;
    assert!(ended.contains("no longer a member"), "{backend:?}: {ended}");
}

per_backend!(removing_a_membership_cuts_that_site);

per_backend!(admins_manage_users_and_sites);
async fn admins_manage_users_and_sites(backend: Backend) {
    users_and_sites(backend).await;
}

per_backend!(disabling_a_user_cuts_live_sync);
async fn disabling_a_user_cuts_live_sync(backend: Backend) {
    disabling_cuts_live_sync(backend).await;
}
