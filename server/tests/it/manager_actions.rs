//! Manager actions over REST are Automerge changes made through the hub: they
//! are committed, reach a phone that has the document open, and are
//! flattened into SQL. Dashboards hear of it over SSE. Only managers act.

use crate::common;

use std::time::Duration;

use automerge::{AutoCommit, ROOT, ReadDoc, sync};
use common::{
    Backend, TestDb, TestServer, acknowledged, add_user, cast::Cast, peer::TestPeer, wait_until,
};
use floorwalk::{storage::Role, sync::DocumentId};
use floorwalk_shared::examples::{
    ANA, ANA_PHONE, example_checklist_run_json, example_count_session_json, example_uuid,
};
use reqwest::StatusCode;
use serde_json::{Value, json};

const CONFLICT_LINE: &str = "A-01-01|SKU-9";
const FOUND_LINE: &str = "A-01-02|SKU-30";

fn at_north(mut value: Value) -> Value {
    value["site"] = json!("north");
    value
}

/// A site with the examples' people (Mia the manager, Ana and Ben on the floor),
/// a viewer, and a manager elsewhere.
async fn north(backend: common::Backend) -> (TestServer, Cast) {
    let server = TestServer::start(backend).await;
    let cast = Cast::of(&server, "north").await;
    let store = server.store.as_ref();
    add_user(store, "vic@north.test", Role::Viewer, &["north"]).await;
    add_user(store, "sam@south.test", Role::Manager, &["south"]).await;
    (server, cast)
}

/// Ana's phone with one document open, synced with the server; the document was
/// delivered by the people its records name.
struct Phone {
    peer: TestPeer,
    id: DocumentId,
    doc: AutoCommit,
    state: sync::State,
}

impl Phone {
    async fn open(server: &TestServer, cast: &Cast, value: &Value) -> Self {
        let id = DocumentId::random();
        Self::of(
            server,
            cast,
            id.clone(),
            cast.deliver(server, &id, value).await,
        )
        .await
    }

    /// A checklist run: its records only make sense in an order (answers before
    /// the sign-off) that the example does not keep, so the manager delivers it.
    async fn open_run(server: &TestServer, cast: &Cast, value: &Value) -> Self {
        let id = DocumentId::random();
        let doc = cast.deliver_alone(server, &id, value).await;
        Self::of(server, cast, id, doc).await
    }

    async fn of(server: &TestServer, cast: &Cast, id: DocumentId, doc: AutoCommit) -> Self {
        server.flattened(&id).await;
        let mut phone = Phone {
            peer: cast.ana().connect(server).await,
            id,
            doc,
            state: sync::State::new(),
        };
        phone.until(|_| true).await;
        phone
    }

    /// Syncs until the server has everything and `done` holds for the copy.
    async fn until(&mut self, done: impl Fn(&mut AutoCommit) -> bool) {
        self.peer
            .sync_until(
                self.id.as_str(),
                &mut self.doc,
                &mut self.state,
                |doc, state| acknowledged(doc, state) && done(doc),
            )
            .await;
    }
}

/// The value at `path` (map keys) in the peer's copy, as JSON.
fn read_path(doc: &AutoCommit, path: &[&str]) -> Option<Value> {
    let mut obj = ROOT;
    for key in &path[..path.len() - 1] {
        let (_, id) = doc.get(&obj, *key).ok()??;
        obj = id;
    }
    let (value, id) = doc.get(&obj, path[path.len() - 1]).ok()??;
    Some(floorwalk::documents::read::read_value(doc, value, &id, 0))
}

async fn adjustments(db: &TestDb, id: &DocumentId) -> i64 {
    db.scalar(&format!(
        "SELECT CAST(COALESCE(SUM(qty), 0) AS BIGINT) FROM stock_movements WHERE document_id = '{id}' AND leg = 'adjust'"
    ))
    .await
}

async fn line_status(db: &TestDb, id: &DocumentId, key: &str, status: &str) -> bool {
    db.scalar(&format!(
        "SELECT COUNT(*) FROM count_lines WHERE document_id = '{id}' AND line_key = '{key}' AND status = '{status}'"
    ))
    .await
        == 1
}

per_backend!(a_resolution_reaches_the_phone_and_the_stock_levels);
async fn a_resolution_reaches_the_phone_and_the_stock_levels(backend: Backend) {
    let (server, cast) = north(backend).await;
    let db = &server.db;
    let mut ana = Phone::open(&server, &cast, &at_north(example_count_session_json())).await;
    let id = ana.id.clone();
    wait_until(5, "the session to be flattened", || async {
        line_status(db, &id, CONFLICT_LINE, "conflict").await
    })
    .await;
    // The example already approved 4 of 6 expected on another line: −2.
    assert_eq!(adjustments(db, &id).await, -2, "{backend:?}");
    let mia = server.api.login("mia@north.test").await.access_token;

    // A line in conflict has no quantity to approve by default.
    let (status, body) = server
        .api
        .act(
            &mia,
            &id,
            json!({"action": "approve_line", "line": CONFLICT_LINE}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{backend:?}: {body}");
    assert!(
        body["message"]
            .as_str()
            .expect("a string")
            .contains("counted 38 and 39"),
        "{body}"
    );

    // Resolving it: 38 stands where 40 were expected.
    let (status, body) = server.api.act(&mia,
        &id,
        json!({"action": "resolve_conflict", "line": CONFLICT_LINE, "qty": 38, "reason": "damaged", "note": "two crushed"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{backend:?}: {body}");
    assert_eq!(body["result"]["variance"], -2);
    assert_eq!(body["document_id"], id.as_str());

    // The phone that has the session open receives the decision.
    ana.until(|doc| {
        read_path(doc, &["lines", CONFLICT_LINE, "approval", "qty"]) == Some(json!(38))
    })
    .await;
    assert_eq!(
        read_path(&ana.doc, &["lines", CONFLICT_LINE, "reason"]),
        Some(json!("damaged"))
    );
    assert_eq!(
        read_path(&ana.doc, &["lines", CONFLICT_LINE, "reason_note"]),
        Some(json!("two crushed"))
    );
    // And SQL: the line is approved, and its −2 is a stock adjustment.
    wait_until(5, "the resolution to be flattened", || async {
        line_status(db, &id, CONFLICT_LINE, "approved").await
    })
    .await;
    assert_eq!(adjustments(db, &id).await, -4, "{backend:?}");

    // Approving the found line takes its agreed count (3, none expected).
    let (status, body) = server
        .api
        .act(
            &mia,
            &id,
            json!({"action": "approve_line", "line": FOUND_LINE}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{backend:?}: {body}");
    assert_eq!(body["result"]["qty"], 3);
    wait_until(5, "the found line's adjustment", || async {
        adjustments(db, &id).await == -1
    })
    .await;

    // A recount of an approved line would change nothing: refused.
    let (status, _) = server
        .api
        .act(
            &mia,
            &id,
            json!({"action": "request_recount", "line": FOUND_LINE}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);

    let (status, _) = server
        .api
        .act(
            &mia,
            &id,
            json!({"action": "set_count_status", "status": "closed"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    wait_until(5, "the session to be closed", || async {
        db.scalar(&format!(
            "SELECT COUNT(*) FROM count_sessions WHERE document_id = '{id}' AND status = 'closed'"
        ))
        .await
            == 1
    })
    .await;
    server.stop().await;
}

per_backend!(bulk_approval_takes_only_lines_within_tolerance_and_recounts_follow_the_pass);
async fn bulk_approval_takes_only_lines_within_tolerance_and_recounts_follow_the_pass(
    backend: Backend,
) {
    let (server, cast) = north(backend).await;
    let db = &server.db;
    let mut value = at_north(example_count_session_json());
    // A clean line: counted 10 where 11 were expected.
    value["lines"]["B-01|SKU-1"] = json!({"expected_qty": 11});
    value["entries"].as_array_mut().expect("a list").push(json!({
        "id": example_uuid(700), "location": "B-01", "sku": "SKU-1", "qty": 10, "count_index": 1,
        "by": ANA, "at": "2026-11-25T08:09:00.000Z", "device": ANA_PHONE
    }));
    let mut ana = Phone::open(&server, &cast, &value).await;
    let id = ana.id.clone();
    let mia = server.api.login("mia@north.test").await.access_token;

    // Tolerance 0: B-01 (−1) and the found line (+3) are beyond it.
    let (status, body) = server
        .api
        .act(&mia, &id, json!({"action": "approve_session"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{backend:?}: {body}");
    assert_eq!(body["result"]["approved"], json!([]), "{body}");
    let skipped = body["result"]["skipped"].to_string();
    assert!(skipped.contains("already approved"), "{skipped}");
    assert!(skipped.contains("resolve the conflict"), "{skipped}");
    assert!(skipped.contains("beyond the tolerance of 0"), "{skipped}");

    // Tolerance 1 takes B-01 only.
    let (status, body) = server
        .api
        .act(
            &mia,
            &id,
            json!({"action": "approve_session", "tolerance": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let approved: Vec<&str> = body["result"]["approved"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|l| l["line"].as_str().expect("a string"))
        .collect();
    assert_eq!(approved, ["B-01|SKU-1"], "{backend:?}: {body}");
    wait_until(5, "B-01 approved in SQL", || async {
        line_status(db, &id, "B-01|SKU-1", "approved").await
    })
    .await;

    // A recount asks for the pass after the latest one.
    let (status, body) = server
        .api
        .act(
            &mia,
            &id,
            json!({"action": "request_recount", "line": CONFLICT_LINE}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["result"]["count_index"], 2);
    ana.until(|doc| {
        read_path(doc, &["lines", CONFLICT_LINE, "recount", "count_index"]) == Some(json!(2))
    })
    .await;
    wait_until(5, "the recount in SQL", || async {
        db.scalar(&format!(
            "SELECT COUNT(*) FROM count_lines WHERE document_id = '{id}' AND line_key = '{CONFLICT_LINE}' AND recount_state = 'requested'"
        ))
        .await
            == 1
    })
    .await;
    server.stop().await;
}

per_backend!(a_corrective_action_is_assigned_and_closed_with_evidence);
async fn a_corrective_action_is_assigned_and_closed_with_evidence(backend: Backend) {
    let (server, cast) = north(backend).await;
    let db = &server.db;
    let mut ana = Phone::open_run(&server, &cast, &at_north(example_checklist_run_json())).await;
    let id = ana.id.clone();
    let action_id = example_uuid(51);
    let mia = server.api.login("mia@north.test").await.access_token;
    let photo = json!({"sha256": "a".repeat(64), "content_type": "image/jpeg", "size": 1234});

    let (status, body) = server
        .api
        .act(
            &mia,
            &id,
            json!({
                "action": "update_corrective_action", "id": action_id, "assignee": "ana",
                "due_at": "2026-12-01T17:00:00.000Z", "priority": "urgent",
                "status": "done", "note": "rollers replaced", "evidence": [photo],
            }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{backend:?}: {body}");
    assert_eq!(body["result"]["status"], "done");
    wait_until(5, "the action closed in SQL", || async {
        db.scalar(&format!(
            "SELECT COUNT(*) FROM corrective_actions WHERE document_id = '{id}' AND id = '{action_id}' \
             AND status = 'done' AND priority = 'urgent' AND assignee = 'ana' AND closed_at IS NOT NULL"
        ))
        .await
            == 1
    })
    .await;
    // The phone's copy has the closing event with its evidence.
    ana.until(|doc| {
        let Some(Value::Array(actions)) = read_path(doc, &["corrective_actions"]) else {
            return false;
        };
        actions[0]["timeline"]
            .as_array()
            .and_then(|t| t.last())
            .is_some_and(|e| e["status"] == "done" && e["photos"][0]["size"] == 1234)
    })
    .await;

    // Clearing a field with null, and refusing a bad due date.
    let (status, _) = server
        .api
        .act(
            &mia,
            &id,
            json!({"action": "update_corrective_action", "id": action_id, "assignee": null}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = server
        .api
        .act(
            &mia,
            &id,
            json!({"action": "update_corrective_action", "id": action_id, "due_at": "tomorrow"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body["message"]
            .as_str()
            .expect("a string")
            .contains("RFC 3339")
    );
    let (status, _) = server
        .api
        .act(
            &mia,
            &id,
            json!({"action": "update_corrective_action", "id": example_uuid(9999)}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_managers_of_the_site_act_and_bad_requests_say_why() {
    let (server, cast) = north(common::Backend::Sqlite).await;
    let mut ana = Phone::open(&server, &cast, &at_north(example_count_session_json())).await;
    let id = ana.id.clone();
    let approve = json!({"action": "approve_line", "line": FOUND_LINE});
    for (email, expected) in [
        ("vic@north.test", StatusCode::FORBIDDEN),
        ("ana@north.test", StatusCode::FORBIDDEN),
        ("sam@south.test", StatusCode::NOT_FOUND),
    ] {
        let token = server.api.login(email).await.access_token;
        let (status, body) = server.api.act(&token, &id, approve.clone()).await;
        assert_eq!(status, expected, "{email}: {body}");
    }
    let (status, _) = server.api.act("not-a-token", &id, approve.clone()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let mia = server.api.login("mia@north.test").await.access_token;
    let cases = [
        (
            json!({"action": "teleport"}),
            StatusCode::BAD_REQUEST,
            "unknown variant",
        ),
        (
            json!({"action": "approve_line"}),
            StatusCode::BAD_REQUEST,
            "missing field `line`",
        ),
        (
            json!({"action": "approve_line", "line": FOUND_LINE, "qty": -3}),
            StatusCode::BAD_REQUEST,
            "qty: must be a whole number",
        ),
        (
            json!({"action": "approve_line", "line": FOUND_LINE, "colour": "red"}),
            StatusCode::BAD_REQUEST,
            "unknown field",
        ),
        (
            json!({"action": "resolve_conflict", "line": CONFLICT_LINE, "qty": 1, "reason": "gremlins"}),
            StatusCode::BAD_REQUEST,
            "use one of damaged",
        ),
        (
            json!({"action": "approve_line", "line": "Z-99|NOPE"}),
            StatusCode::NOT_FOUND,
            "no line",
        ),
        (
            json!({"action": "update_corrective_action", "id": "x"}),
            StatusCode::CONFLICT,
            "checklist runs",
        ),
    ];
    for (body, expected, says) in cases {
        let (status, answer) = server.api.act(&mia, &id, body.clone()).await;
        assert_eq!(status, expected, "{body}: {answer}");
        assert!(
            answer["message"]
                .as_str()
                .unwrap_or_default()
                .contains(says),
            "{body}: {answer}"
        );
    }
    let unknown = DocumentId::random();
    let (status, _) = server.api.act(&mia, &unknown, approve.clone()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // None of the refused requests changed the document.
    assert!(read_path(&ana.doc, &["lines", FOUND_LINE]).is_none());
    let heads_before = ana.doc.get_heads();
    let (status, _) = server.api.act(&mia, &id, approve).await;
    assert_eq!(status, StatusCode::OK);
    ana.until(|doc| doc.get_heads() != heads_before).await;
    assert_eq!(
        ana.doc.get_changes(&heads_before).len(),
        1,
        "exactly one change: the approval"
    );
    server.stop().await;
}

/// Reads server-sent events until one named `event` arrives.
async fn next_event(response: &mut reqwest::Response, buffer: &mut String, event: &str) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        while let Some(end) = buffer.find("\n\n") {
            let frame: String = buffer.drain(..end + 2).collect();
            let name = frame.lines().find_map(|l| l.strip_prefix("event: "));
            let data = frame.lines().find_map(|l| l.strip_prefix("data: "));
            if name == Some(event) {
                return serde_json::from_str(data.expect("data")).expect("json data");
            }
        }
        let chunk = tokio::time::timeout_at(deadline, response.chunk())
            .await
            .unwrap_or_else(|_| panic!("no {event} event within 10 s"))
            .expect("stream")
            .expect("stream open");
        buffer.push_str(std::str::from_utf8(&chunk).expect("utf-8"));
    }
}

per_backend!(dashboards_hear_of_flattened_changes_over_sse);
async fn dashboards_hear_of_flattened_changes_over_sse(backend: Backend) {
    let (server, cast) = north(backend).await;
    let mia = server.api.login("mia@north.test").await.access_token;
    // EventSource cannot send headers: the token may come in the query.
    let mut events = server.api.events(&mia).await;
    assert_eq!(events.status(), StatusCode::OK);
    assert_eq!(events.headers()["content-type"], "text/event-stream");
    assert_eq!(events.headers()["content-encoding"], "identity");
    let mut buffer = String::new();
    let ready = next_event(&mut events, &mut buffer, "ready").await;
    assert_eq!(ready["sites"], json!(["north"]), "{backend:?}");

    // In one delivery, so that the first event already sees every row.
    let id = DocumentId::random();
    cast.deliver_alone(&server, &id, &at_north(example_count_session_json()))
        .await;
    let changed = next_event(&mut events, &mut buffer, "site-changed").await;
    assert_eq!(changed["site"], "north");
    assert_eq!(changed["document_id"], id.as_str());
    assert_eq!(changed["document_type"], "count_session");
    // The event comes after the commit: the rows are already there.
    assert_eq!(
        server
            .db
            .scalar(&format!(
                "SELECT COUNT(*) FROM count_entries WHERE document_id = '{id}'"
            ))
            .await,
        5,
        "{backend:?}"
    );

    // Another site's manager hears nothing of north, and may not ask for it.
    let sam = server.api.login("sam@south.test").await.access_token;
    let response = server.api.get(Some(&sam), "/api/events?site=north").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let response = server
        .api
        .get(None, "/api/events?access_token=forged")
        .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    drop(events);
    server.stop().await;
}

per_backend!(the_work_list_moves_with_each_commit_of_a_phone_and_of_a_manager);
/// A count session made on a phone reaches the site's work list in the commit the
/// phone saw acknowledged, and a manager's close (a server-made change) in its own:
/// no wait between an acknowledgement and the work list.
async fn the_work_list_moves_with_each_commit_of_a_phone_and_of_a_manager(backend: Backend) {
    let (server, cast) = north(backend).await;
    let id = DocumentId::random();
    cast.deliver(&server, &id, &at_north(example_count_session_json()))
        .await;
    let mia = server.api.login("mia@north.test").await.access_token;
    let url = format!("automerge:{id}");
    let status = || async {
        let work = server.api.work(&mia, "north").await;
        let documents = work["documents"].as_array().cloned().unwrap_or_default();
        documents
            .into_iter()
            .find(|d| d["url"] == url.as_str())
            .map(|d| d["status"].clone())
    };
    assert_eq!(
        status().await,
        Some(json!("review")),
        "{backend:?}: the phone's session as its timeline last says"
    );
    let (code, body) = server
        .api
        .act(
            &mia,
            &id,
            json!({"action": "set_count_status", "status": "closed"}),
        )
        .await;
    assert_eq!(code, 200, "{body}");
    assert_eq!(status().await, Some(json!("closed")), "{backend:?}");
    server.stop().await;
}
