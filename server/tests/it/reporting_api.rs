//! The reporting API over HTTP: JSON and CSV, filters, pagination, access by site
//! membership, clear 400s for bad filters, and the OpenAPI document.

use crate::common;
use crate::reporting_fixture as fixture;

use common::{Backend, TestServer, add_user};
use floorwalk::storage::Role;
use serde_json::Value;

const NOVEMBER: &str = "from=2026-11-01&to=2026-11-30";

/// North's manager (also at south), north's viewer, south's staff; the fixture loaded.
async fn start(backend: Backend) -> (TestServer, [String; 3]) {
    let server = TestServer::start(backend).await;
    let store = server.store.as_ref();
    add_user(store, "meg@north.test", Role::Manager, &["north", "south"]).await;
    add_user(store, "vic@north.test", Role::Viewer, &["north"]).await;
    add_user(store, "sam@south.test", Role::Staff, &["south"]).await;
    fixture::load(store, &server.db.url).await;
    let mut tokens = Vec::new();
    for email in ["meg@north.test", "vic@north.test", "sam@south.test"] {
        tokens.push(server.api.login(email).await.access_token);
    }
    (server, tokens.try_into().expect("three tokens"))
}

fn figure<'a>(report: &'a Value, kpi: &str) -> &'a Value {
    report["figures"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["kpi"] == kpi))
        .unwrap_or_else(|| panic!("figure {kpi} in {report}"))
}

async fn kpis_as_json_and_csv(backend: Backend) {
    let (server, [meg, vic, _]) = start(backend).await;
    let api = &server.api;
    let path = format!("/api/reports/kpis/inventory-accuracy?site=north&{NOVEMBER}");
    let report = api.json(&vic, &path).await;
    assert_eq!(report["from"], "2026-11-01", "{backend:?}");
    assert_eq!(report["previous_from"], "2026-10-02");
    assert_eq!(report["previous_to"], "2026-10-31");
    assert_eq!(report["sites"], serde_json::json!(["north"]));
    let accuracy = figure(&report, "inventory_record_accuracy");
    assert_eq!(
        accuracy["current"]["value"], 0.6,
        "{backend:?}: 3 of 5 lines"
    );
    assert_eq!(accuracy["current"]["numerator"], 3);
    assert_eq!(accuracy["previous"]["value"], 0.5);
    assert_eq!(
        figure(&report, "variance_value_minor")["current"]["value"],
        5296.0
    );
    assert_eq!(
        figure(&report, "net_adjustment_value_minor")["current"]["value"],
        -2498.0
    );

    // Without `site`: every site of the caller.
    let both = api
        .json(
            &meg,
            &format!("/api/reports/kpis/inventory-accuracy?{NOVEMBER}"),
        )
        .await;
    assert_eq!(both["sites"], serde_json::json!(["north", "south"]));
    assert_eq!(
        figure(&both, "lines_counted")["current"]["value"],
        6.0,
        "{backend:?}"
    );
    let vic_all = api
        .json(
            &vic,
            &format!("/api/reports/kpis/inventory-accuracy?{NOVEMBER}"),
        )
        .await;
    assert_eq!(
        figure(&vic_all, "lines_counted")["current"]["value"],
        5.0,
        "viewer: north only"
    );

    let response = api.get(Some(&vic), &format!("{path}&format=csv")).await;
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(content_type.starts_with("text/csv"), "{content_type}");
    let csv = response.text().await.expect("csv");
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some(
            "kpi,site,group,from,to,value,numerator,denominator,previous_from,previous_to,previous_value,previous_numerator,previous_denominator,change"
        )
    );
    let first = lines.next().expect("a figure");
    assert!(
        first.starts_with("inventory_record_accuracy,,,2026-11-01,2026-11-30,0.6,3,5,2026-10-02,2026-10-31,0.5,1,2,"),
        "{backend:?}: {first}"
    );

    let receiving = api
        .json(
            &vic,
            &format!("/api/reports/kpis/receiving?site=north&{NOVEMBER}"),
        )
        .await;
    assert_eq!(
        figure(&receiving, "receiving_discrepancy_rate")["current"]["value"],
        0.75
    );
    let damage = figure(&receiving, "damage_rate")["current"]["value"]
        .as_f64()
        .expect("rate");
    assert!((damage - 2.0 / 34.0).abs() < 1e-12, "{damage}");
    let completion = api
        .json(
            &vic,
            &format!("/api/reports/kpis/count-completion?site=north&{NOVEMBER}"),
        )
        .await;
    assert_eq!(
        figure(&completion, "count_completion")["current"]["denominator"],
        3
    );
    assert_eq!(
        figure(&completion, "count_coverage")["current"]["value"],
        1.0
    );
    let checklists = api
        .json(
            &vic,
            &format!("/api/reports/kpis/checklists?site=north&{NOVEMBER}"),
        )
        .await;
    assert_eq!(
        figure(&checklists, "checklist_completion")["current"]["value"],
        0.5
    );
    assert_eq!(
        figure(&checklists, "failed_item_rate")["current"]["value"],
        0.5
    );
    // Figures read "now" (overdue, late) depend on today's date: check their presence.
    let actions = api
        .json(
            &vic,
            &format!("/api/reports/kpis/corrective-actions?site=north&{NOVEMBER}"),
        )
        .await;
    assert_eq!(figure(&actions, "open_corrective_actions")["site"], "north");
    let shipments = api
        .json(
            &vic,
            &format!("/api/reports/kpis/shipments?site=north&{NOVEMBER}"),
        )
        .await;
    assert_eq!(
        figure(&shipments, "shipments_expected")["current"]["value"],
        3.0
    );
    assert!(figure(&shipments, "shipments_expected_today")["current"]["value"].is_number());
    // Defaults: the 30 days up to today.
    let default = api.json(&vic, "/api/reports/kpis/receiving").await;
    assert!(default["to"].is_string() && default["from"].is_string());
}

async fn tables_filter_page_and_export(backend: Backend) {
    let (server, [_, vic, _]) = start(backend).await;
    let api = &server.api;
    let page = api
        .json(
            &vic,
            "/api/reports/stock-levels?site=north&limit=2&offset=1",
        )
        .await;
    assert_eq!(
        (
            page["total"].as_i64(),
            page["limit"].as_i64(),
            page["offset"].as_i64()
        ),
        (Some(4), Some(2), Some(1)),
        "{backend:?}"
    );
    assert_eq!(page["rows"].as_array().map(Vec::len), Some(2));
    assert_eq!(page["rows"][0]["sku"], "SKU-40");

    let replenish = api
        .json(&vic, "/api/reports/replenishment?site=north")
        .await;
    assert_eq!(replenish["rows"][2]["suggested_qty"], 65, "{backend:?}");
    assert_eq!(replenish["rows"][0]["suggested_qty"], Value::Null);

    let dated = api
        .json(
            &vic,
            "/api/reports/count-sessions?site=north&from=2026-11-01&to=2026-11-14",
        )
        .await;
    assert_eq!(dated["total"], 1, "{backend:?}");
    assert_eq!(dated["rows"][0]["document_id"], "cs-1");
    assert_eq!(dated["rows"][0]["assignees"], serde_json::json!([]));
    let lines = api
        .json(&vic, "/api/reports/count-lines?site=north&document=cs-1")
        .await;
    assert_eq!(lines["total"], 6);
    let conflicts = api
        .json(&vic, "/api/reports/count-conflicts?site=north")
        .await;
    assert_eq!(
        conflicts["rows"][0]["quantities"],
        serde_json::json!([2, 3])
    );
    for table in [
        "checklist-runs",
        "corrective-actions",
        "shipments",
        "shipment-lines",
    ] {
        let page = api
            .json(&vic, &format!("/api/reports/{table}?site=north"))
            .await;
        assert!(
            page["total"].as_i64().is_some_and(|n| n > 0),
            "{backend:?}: {table}"
        );
    }
    let open = api
        .json(
            &vic,
            "/api/reports/corrective-actions?site=north&status=open,in_progress",
        )
        .await;
    assert_eq!(open["total"], 2, "{backend:?}");
    let all = api
        .json(&vic, &format!("/api/reports/kpis?site=north&{NOVEMBER}"))
        .await;
    assert_eq!(
        figure(&all, "inventory_record_accuracy")["current"]["value"],
        0.6
    );
    assert_eq!(figure(&all, "damage_rate")["current"]["numerator"], 2);

    let response = api
        .get(
            Some(&vic),
            "/api/reports/count-entries?site=north&format=csv",
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-total-count"], "3");
    let csv = response.text().await.expect("csv");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 4, "{csv}");
    assert!(lines[0].starts_with(
        "site,document_id,id,line_key,location,sku,qty,count_index,recorded_by,recorded_at,"
    ));
    assert!(
        lines[1].starts_with(
            "north,cs-1,e2,A-01-02|SKU-12,A-01-02,SKU-12,3,1,u2,2026-11-10T11:00:00.000Z,phone-2,"
        ),
        "{}",
        lines[1]
    );

    let csv = api
        .get(
            Some(&vic),
            "/api/reports/document-problems?site=north&from=2026-11-01&format=csv",
        )
        .await
        .text()
        .await
        .expect("csv");
    assert_eq!(
        csv,
        "site,document_id,doc_type,path,message,detected_at,part,written_by,written_by_email,written_by_device\r\nnorth,cs-3,,entries[2].qty,\"must be a whole number ≥ 0, found -1\",2026-11-13T12:00:00.000Z,,,,\r\n",
        "{backend:?}: ISO dates, quoted commas"
    );
}

async fn access_and_bad_filters(backend: Backend) {
    let (server, [meg, vic, sam]) = start(backend).await;
    let api = &server.api;
    let foreign = api
        .error(Some(&sam), "/api/reports/count-sessions?site=north", 404)
        .await;
    let unknown = api
        .error(Some(&sam), "/api/reports/count-sessions?site=nowhere", 404)
        .await;
    assert_eq!(foreign["error"], "not_found", "{backend:?}");
    assert_eq!(foreign["error"], unknown["error"]);
    assert_eq!(
        foreign["message"].as_str().map(|m| m.replace("north", "?")),
        unknown["message"]
            .as_str()
            .map(|m| m.replace("nowhere", "?")),
        "a foreign site answers like an unknown one"
    );
    api.error(Some(&vic), "/api/reports/kpis/shipments?site=south", 404)
        .await;
    let south = api.json(&sam, "/api/reports/count-sessions").await;
    assert_eq!(south["total"], 1, "{backend:?}: sam sees only south");
    api.error(None, "/api/reports/count-sessions", 401).await;

    for (query, expected) in [
        ("from=2026-13-01", "from must be a date like 2026-11-25"),
        ("to=25.11.2026", "to must be a date"),
        ("from=2026-11-30&to=2026-11-01", "must not be after"),
        ("limit=0", "limit must be a whole number from 1 to 10000"),
        ("limit=ten", "limit must be"),
        ("offset=-1", "offset must be a whole number ≥ 0"),
        ("format=xml", "format must be json or csv"),
        (
            "status=lost",
            "status must be one or more of uncounted, counted",
        ),
    ] {
        let body = api
            .error(
                Some(&meg),
                &format!("/api/reports/count-lines?{query}"),
                400,
            )
            .await;
        assert_eq!(body["error"], "bad_request");
        let message = body["message"].as_str().unwrap_or_default();
        assert!(
            message.contains(expected),
            "{backend:?}: {query}: {message}"
        );
    }
    let body = api
        .error(Some(&meg), "/api/reports/stock-levels?status=open", 400)
        .await;
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("does not apply")),
        "{body}"
    );
    let body = api
        .error(
            Some(&meg),
            "/api/reports/replenishment?from=2026-11-01",
            400,
        )
        .await;
    let message = body["message"].as_str().unwrap_or_default();
    assert!(message.starts_with("from does not apply"), "{message}");
    let body = api
        .error(
            Some(&meg),
            "/api/reports/kpis/checklists?from=2020-01-01&to=2026-01-01",
            400,
        )
        .await;
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("at most")),
        "{body}"
    );
}

async fn openapi_document(backend: Backend) {
    let (server, _) = start(backend).await;
    let api = &server.api;
    let response = api.get(None, "/api/openapi.json").await;
    assert_eq!(response.status(), 200);
    let doc: Value = response.json().await.expect("json");
    assert!(
        doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")),
        "{backend:?}"
    );
    for path in [
        "/api/auth/login",
        "/api/auth/refresh",
        "/api/auth/logout",
        "/api/sync/ticket",
        "/api/me",
        "/api/sites/{slug}/work",
        "/api/attachments/{sha256}",
        "/api/reports/kpis",
        "/api/reports/kpis/inventory-accuracy",
        "/api/reports/kpis/shipments",
        "/api/reports/kpis/trend",
        "/api/reports/count-lines",
        "/api/reports/replenishment",
        "/api/reports/checklist-responses",
        "/api/reports/document-problems",
        "/api/documents/{document_id}/actions",
        "/api/events",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} documented");
    }
    let params = &doc["paths"]["/api/reports/count-lines"]["get"]["parameters"];
    let names: Vec<&str> = params
        .as_array()
        .expect("params")
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    for name in [
        "site", "from", "to", "format", "limit", "offset", "document", "status",
    ] {
        assert!(names.contains(&name), "{name} in {names:?}");
    }
    for schema in [
        "CountLineRow",
        "KpiReport",
        "KpiTrend",
        "Figure",
        "ErrorBody",
        "Action",
        // Described where they are answered (auth, /api/me, attachments).
        "LoginRequest",
        "TokenPair",
        "SyncTicket",
        "Me",
        "Work",
        "Uploaded",
    ] {
        assert!(
            doc["components"]["schemas"].get(schema).is_some(),
            "{schema} schema"
        );
    }
}

/// Per KPI, the sum of its figures' values, numerators and denominators (what a tile
/// shows); a KPI whose figures are all 0 counts as absent (`/kpis` lists a group with
/// rows only in the previous period, the trend a 0 for a KPI with no rows).
fn totals(figures: &Value) -> std::collections::BTreeMap<String, [i64; 3]> {
    let mut totals = std::collections::BTreeMap::new();
    for f in figures.as_array().expect("figures") {
        let sum: &mut [i64; 3] = totals
            .entry(f["kpi"].as_str().expect("kpi").to_owned())
            .or_default();
        for (i, part) in ["value", "numerator", "denominator"]
            .into_iter()
            .enumerate()
        {
            // Scaled so a ratio's value compares exactly enough.
            sum[i] += (f["value"][part].as_f64().unwrap_or(0.0) * 1e9).round() as i64;
        }
    }
    totals.retain(|_, sum| *sum != [0; 3]);
    totals
}

/// The trend in one call gives, point by point, what `/api/reports/kpis` gives for
/// each sub-period (what the dashboard used to ask for one call at a time).
async fn trend_is_the_kpis_of_each_sub_period(backend: Backend) {
    let (server, [meg, vic, _]) = start(backend).await;
    let api = &server.api;
    for scope in ["site=north&", "site=south&", ""] {
        let trend = api
            .json(&meg, &format!("/api/reports/kpis/trend?{scope}{NOVEMBER}"))
            .await;
        let points = trend["points"].as_array().expect("points");
        assert_eq!(points.len(), 10, "{backend:?}: 30 days in points of 3");
        assert_eq!(
            (&points[0]["from"], &points[9]["to"]),
            (&"2026-11-01".into(), &"2026-11-30".into())
        );
        for point in points {
            let (from, to) = (
                point["from"].as_str().expect("from"),
                point["to"].as_str().expect("to"),
            );
            let kpis = api
                .json(
                    &meg,
                    &format!("/api/reports/kpis?{scope}from={from}&to={to}"),
                )
                .await;
            let report: Vec<Value> = kpis["figures"]
                .as_array()
                .expect("figures")
                .iter()
                .map(|f| serde_json::json!({"kpi": f["kpi"], "site": f["site"], "group": f["group"], "value": f["current"]}))
                .collect();
            assert_eq!(
                totals(&point["figures"]),
                totals(&Value::Array(report)),
                "{backend:?} {scope} {from}..{to}"
            );
        }
    }
    let counted: i64 = {
        let trend = api
            .json(
                &meg,
                &format!("/api/reports/kpis/trend?site=north&{NOVEMBER}"),
            )
            .await;
        trend["points"]
            .as_array()
            .expect("points")
            .iter()
            .flat_map(|p| p["figures"].as_array().expect("figures").clone())
            .filter(|f| f["kpi"] == "lines_counted")
            .map(|f| f["value"]["value"].as_f64().expect("value") as i64)
            .sum()
    };
    assert_eq!(
        counted, 5,
        "{backend:?}: the fixture's five November lines, each in one point"
    );
    let one_day = api
        .json(
            &vic,
            "/api/reports/kpis/trend?site=north&from=2026-11-20&to=2026-11-20",
        )
        .await;
    assert_eq!(
        one_day["points"].as_array().map(Vec::len),
        Some(7),
        "one day: the week up to it"
    );
    let err = api
        .error(
            Some(&meg),
            &format!("/api/reports/kpis/trend?points=0&{NOVEMBER}"),
            400,
        )
        .await;
    assert!(
        err["message"]
            .as_str()
            .is_some_and(|m| m.contains("points")),
        "{err}"
    );
    api.error(None, "/api/reports/kpis/trend", 401).await;
}

per_backend!(the_trend_is_the_kpis_of_each_sub_period = trend_is_the_kpis_of_each_sub_period);

per_backend!(kpis_as_json_and_csv);

per_backend!(tables_filter_page_and_export);

per_backend!(access_by_membership_and_clear_400s = access_and_bad_filters);

#[tokio::test]
async fn openapi_document_covers_every_endpoint() {
    openapi_document(Backend::Sqlite).await;
}
