//! Planning through the API: count sessions with expected quantities from stock levels,
//! expected shipments, checklist templates and schedules whose runs appear in the
//! assignee's work list (the first at once, the next from the background task); only
//! managers and admins may plan. On SQLite and Postgres.

use crate::common;

use common::{Backend, TestServer, add_user, wait_until};
use floorwalk::{
    storage::{Role, now_millis},
    time::rfc3339_millis,
};
use serde_json::{Value, json};

const LOCATIONS: &str = "code,name,parent_code,kind\nA,,,zone\nA-01,,A,aisle\nA-01-01,,A-01,bin\nA-01-02,,A-01,bin\nB,,,zone\nB-01,,B,aisle\nB-01-01,,B-01,bin\n";
const ITEMS: &str = "sku,name,unit,unit_cost_minor,reorder_point,max,supplier\nFW-1,Film,roll,250,5,20,FilmCo\nFW-2,Tape,each,99,,,\n";

struct Desk {
    server: TestServer,
    meg: String,
    ana: String,
    ana_id: i64,
}

impl Desk {
    async fn ok(&self, method: &str, path: &str, body: Value, status: u16) -> Value {
        let (got, answer) = self
            .server
            .api
            .send(method, Some(&self.meg), path, Some(body))
            .await;
        assert_eq!(got, status, "{method} {path}: {answer}");
        answer
    }

    async fn get(&self, token: &str, path: &str) -> Value {
        let (status, body) = self.server.api.send("GET", Some(token), path, None).await;
        assert_eq!(status, 200, "GET {path}: {body}");
        body
    }

    async fn import(&self, kind: &str, csv: &str) {
        let response = self.server.api.import(&self.meg, "north", kind, csv).await;
        assert_eq!(response.status(), 200, "import {kind}");
    }

    /// The work list documents of a type, as Ana's phone sees them.
    async fn work(&self, doc_type: &str) -> Vec<Value> {
        let work = self.server.api.work(&self.ana, "north").await;
        work["documents"]
            .as_array()
            .expect("documents")
            .iter()
            .filter(|d| d["type"] == doc_type)
            .cloned()
            .collect()
    }
}

async fn start(backend: Backend) -> Desk {
    let server = TestServer::start(backend).await;
    let store = server.store.as_ref();
    add_user(store, "meg@north.test", Role::Manager, &["north"]).await;
    let ana_id = add_user(store, "ana@north.test", Role::Staff, &["north"]).await;
    add_user(store, "vic@north.test", Role::Viewer, &["north"]).await;
    add_user(store, "out@south.test", Role::Admin, &["south"]).await;
    let meg = server.api.login("meg@north.test").await.access_token;
    let ana = server.api.login("ana@north.test").await.access_token;
    let desk = Desk {
        server,
        meg,
        ana,
        ana_id,
    };
    desk.import("locations", LOCATIONS).await;
    desk.import("items", ITEMS).await;
    desk
}

/// Stock on hand: FW-1 12 at A-01-01 and 4 at B-01-01, FW-2 5 at A-01-02.
async fn stock(desk: &Desk) {
    let site = desk
        .server
        .store
        .find_site("north")
        .await
        .expect("find")
        .expect("north")
        .id;
    desk.server
        .db
        .execute(&format!(
            "INSERT INTO documents (id, site_id, created_at) VALUES ('stock-fixture', {site}, 0)"
        ))
        .await;
    desk.server
        .db
        .execute(&format!(
            "INSERT INTO stock_movements (document_id, site_id, entry_id, leg, source_type, cause, sku, location, qty, recorded_at, voided) VALUES \
             ('stock-fixture', {site}, 'm1', 'in', 'stock_log', 'correction', 'FW-1', 'A-01-01', 12, '2026-11-20T10:00:00.000Z', FALSE), \
             ('stock-fixture', {site}, 'm2', 'in', 'stock_log', 'correction', 'FW-1', 'B-01-01', 4, '2026-11-20T10:00:00.000Z', FALSE), \
             ('stock-fixture', {site}, 'm3', 'in', 'stock_log', 'correction', 'FW-2', 'A-01-02', 5, '2026-11-20T10:00:00.000Z', FALSE)"
        ))
        .await;
}

async fn count_sessions_and_shipments(backend: Backend) {
    let desk = start(backend).await;
    stock(&desk).await;
    let body = json!({
        "title": "Aisle A-01", "scope": { "locations": ["A-01"] }, "blind": true,
        "assignees": [desk.ana_id.to_string()], "due_at": "2026-11-27T17:00:00.000Z"
    });
    let created = desk
        .ok("POST", "/api/sites/north/count-sessions", body, 201)
        .await;
    assert_eq!(
        created["lines"], 2,
        "{backend:?}: A-01-01|FW-1 and A-01-02|FW-2, not B: {created}"
    );
    let id = created["document_id"].as_str().expect("id").to_owned();
    wait_until(10, "the session in Ana's work list", || async {
        desk.work("count_session")
            .await
            .iter()
            .any(|d| d["url"] == format!("automerge:{id}"))
    })
    .await;
    let session = desk
        .work("count_session")
        .await
        .into_iter()
        .next()
        .expect("session");
    assert_eq!(session["title"], "Aisle A-01");
    assert_eq!(session["status"], "open");
    assert_eq!(session["assignees"], json!([desk.ana_id.to_string()]));
    let lines_path = format!("/api/reports/count-lines?document={id}");
    wait_until(10, "the planned lines to be flattened", || async {
        desk.get(&desk.meg, &lines_path).await["total"] == 2
    })
    .await;
    let lines = desk.get(&desk.meg, &lines_path).await;
    let film = lines["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["sku"] == "FW-1")
        .cloned()
        .expect("FW-1");
    assert_eq!(
        (film["location"].clone(), film["expected_qty"].clone()),
        (json!("A-01-01"), json!(12))
    );

    let by_class = json!({ "title": "Film everywhere", "scope": { "skus": ["FW-1"] } });
    assert_eq!(
        desk.ok("POST", "/api/sites/north/count-sessions", by_class, 201)
            .await["lines"],
        2
    );
    let unknown = json!({ "title": "x", "scope": { "locations": ["Z-99"] } });
    let err = desk
        .ok("POST", "/api/sites/north/count-sessions", unknown, 400)
        .await;
    assert!(
        err["message"].as_str().is_some_and(|m| m.contains("Z-99")),
        "{err}"
    );
    let stranger = json!({ "title": "x", "assignees": ["99999"] });
    let err = desk
        .ok("POST", "/api/sites/north/count-sessions", stranger, 400)
        .await;
    assert!(
        err["message"].as_str().is_some_and(|m| m.contains("99999")),
        "{err}"
    );

    // An expected inbound shipment, e.g. from a draft purchase order.
    let body = json!({
        "direction": "inbound", "reference": "PO-1001", "supplier": "FilmCo", "carrier": "DHL",
        "expected_at": "2026-11-26T09:00:00.000Z", "lines": [{ "sku": "FW-1", "qty": 8, "location": "A-01-01" }]
    });
    let created = desk
        .ok("POST", "/api/sites/north/shipments", body, 201)
        .await;
    let shipment = created["document_id"].as_str().expect("id").to_owned();
    let path = format!("/api/reports/shipment-lines?document={shipment}");
    wait_until(10, "the shipment's lines to be flattened", || async {
        desk.get(&desk.meg, &path).await["total"] == 1
    })
    .await;
    let line = &desk.get(&desk.meg, &path).await["rows"][0];
    assert_eq!(
        (line["sku"].clone(), line["expected_qty"].clone()),
        (json!("FW-1"), json!(8)),
        "{line}"
    );
    assert!(
        desk.work("shipment")
            .await
            .iter()
            .any(|d| d["title"] == "PO-1001")
    );
    let bad = json!({ "direction": "sideways", "reference": "x", "expected_at": "2026-11-26T09:00:00Z", "lines": [] });
    let err = desk
        .ok("POST", "/api/sites/north/shipments", bad, 400)
        .await;
    assert!(
        err["message"]
            .as_str()
            .is_some_and(|m| m.contains("inbound or outbound")),
        "{err}"
    );
    let bad = json!({ "direction": "inbound", "reference": "x", "expected_at": "2026-11-26T09:00:00Z", "lines": [{ "sku": "NOPE", "qty": 1 }] });
    let err = desk
        .ok("POST", "/api/sites/north/shipments", bad, 400)
        .await;
    assert!(
        err["message"].as_str().is_some_and(|m| m.contains("NOPE")),
        "{err}"
    );
}

async fn templates_and_schedules(backend: Backend) {
    let desk = start(backend).await;
    let template = json!({ "name": "Dock safety walk", "items": [
        { "label": "Doors close", "kind": "check", "required": true },
        { "label": "Chiller", "kind": "number", "required": true, "unit": "°C", "min": 0.0, "max": 5.0 }
    ]});
    let created = desk
        .ok("POST", "/api/sites/north/templates", template, 201)
        .await;
    assert_eq!(created["version"], 1);
    let template_id = created["template_id"].as_str().expect("id").to_owned();
    let v2 =
        json!({ "items": [{ "label": "Doors close fully", "kind": "check", "required": true }] });
    let updated = desk
        .ok(
            "PUT",
            &format!("/api/sites/north/templates/{template_id}"),
            v2,
            200,
        )
        .await;
    assert_eq!(updated["version"], 2, "{backend:?}");
    let bad = json!({ "name": "x", "items": [{ "label": "Q", "kind": "essay" }] });
    let err = desk
        .ok("POST", "/api/sites/north/templates", bad, 400)
        .await;
    assert!(
        err["message"].as_str().is_some_and(|m| m.contains("essay")),
        "{err}"
    );
    let unknown = format!(
        "/api/sites/north/templates/{}",
        floorwalk::documents::stamp::new_uuid()
    );
    desk.ok(
        "PUT",
        &unknown,
        json!({ "items": [{ "label": "Q", "kind": "check" }] }),
        404,
    )
    .await;

    // Daily, first due an hour ago: the first run at once, the next (due in 23 h, within
    // the day ahead runs are made) from the background task.
    let first_due = rfc3339_millis(now_millis() - 3_600_000);
    let body = json!({ "template_id": template_id, "location": "A-01", "recurrence": "daily",
                       "assignee": desk.ana_id.to_string(), "first_due_at": first_due });
    let created = desk
        .ok("POST", "/api/sites/north/checklist-schedules", body, 201)
        .await;
    let first = created["document_ids"][0]
        .as_str()
        .expect("first run")
        .to_owned();
    wait_until(10, "the first run in Ana's work list", || async {
        desk.work("checklist_run")
            .await
            .iter()
            .any(|d| d["url"] == format!("automerge:{first}"))
    })
    .await;
    let runs = desk.work("checklist_run").await;
    assert_eq!(runs[0]["title"], "Dock safety walk", "{backend:?}");
    assert_eq!(runs[0]["assignees"], json!([desk.ana_id.to_string()]));
    wait_until(15, "the background task to make the next run", || async {
        desk.work("checklist_run").await.len() == 2
    })
    .await;
    // The schedule moves on right after its run is stored (the work list may show the
    // run a moment earlier).
    let schedules = "/api/sites/north/checklist-schedules";
    wait_until(10, "the schedule to count its second run", || async {
        desk.get(&desk.ana, schedules).await["schedules"][0]["runs_made"] == 2
    })
    .await;
    let listed = desk.get(&desk.ana, schedules).await;
    let schedule = &listed["schedules"][0];
    assert_eq!(schedule["recurrence"], "daily");
    assert_eq!(
        desk.work("checklist_run").await.len(),
        2,
        "no third run: the next is 47 h away"
    );
    // The run snapshots the latest version (2: one question).
    let runs_path = format!("/api/reports/checklist-runs?document={first}");
    wait_until(10, "the run to be flattened", || async {
        desk.get(&desk.meg, &runs_path).await["total"] == 1
    })
    .await;

    for (body, word) in [
        (
            json!({ "template_id": template_id, "recurrence": "hourly", "first_due_at": first_due }),
            "daily, weekly or monthly",
        ),
        (
            json!({ "template_id": template_id, "recurrence": "weekly", "first_due_at": "soon" }),
            "RFC 3339",
        ),
        (
            json!({ "template_id": "nope", "recurrence": "weekly", "first_due_at": first_due }),
            "template",
        ),
        (
            json!({ "template_id": template_id, "recurrence": "weekly", "first_due_at": first_due, "location": "Q" }),
            "\"Q\"",
        ),
    ] {
        let err = desk
            .ok("POST", "/api/sites/north/checklist-schedules", body, 400)
            .await;
        assert!(
            err["message"].as_str().is_some_and(|m| m.contains(word)),
            "{word}: {err}"
        );
    }
}

async fn only_managers_plan(backend: Backend) {
    let desk = start(backend).await;
    let vic = desk.server.api.login("vic@north.test").await.access_token;
    let out = desk.server.api.login("out@south.test").await.access_token;
    let plans = [
        ("/api/sites/north/count-sessions", json!({ "title": "x" })),
        (
            "/api/sites/north/shipments",
            json!({ "direction": "inbound", "reference": "x", "expected_at": "2026-11-26T09:00:00Z", "lines": [{ "sku": "FW-1", "qty": 1 }] }),
        ),
        (
            "/api/sites/north/checklist-schedules",
            json!({ "template_id": "x", "recurrence": "daily", "first_due_at": "2026-11-26T09:00:00Z" }),
        ),
        (
            "/api/sites/north/templates",
            json!({ "name": "x", "items": [{ "label": "Q", "kind": "check" }] }),
        ),
    ];
    for (path, body) in plans {
        for token in [&desk.ana, &vic] {
            let (status, err) = desk
                .server
                .api
                .send("POST", Some(token), path, Some(body.clone()))
                .await;
            assert_eq!(status, 403, "{backend:?} {path}: {err}");
            assert_eq!(err["error"], "forbidden");
        }
        assert_eq!(
            desk.server
                .api
                .send("POST", Some(&out), path, Some(body.clone()))
                .await
                .0,
            404,
            "{path}"
        );
        assert_eq!(
            desk.server
                .api
                .send("POST", None, path, Some(body.clone()))
                .await
                .0,
            401,
            "{path}"
        );
        let (status, err) = desk
            .server
            .api
            .send(
                "POST",
                Some(&desk.meg),
                path,
                Some(json!({ "surprise": 1 })),
            )
            .await;
        assert_eq!(status, 400, "{path}: {err}");
        assert!(
            err["message"]
                .as_str()
                .is_some_and(|m| m.contains("surprise") || m.contains("missing field")),
            "{path}: {err}"
        );
    }
    assert!(
        desk.work("count_session").await.is_empty(),
        "nothing was planned"
    );
}

per_backend!(count_sessions_and_shipments);

per_backend!(templates_and_schedules_make_runs);
async fn templates_and_schedules_make_runs(backend: Backend) {
    templates_and_schedules(backend).await;
}

per_backend!(only_managers_plan);
