//! Issue 5's read endpoints: site members, the items and locations lists (JSON, CSV,
//! search, pagination) and the importable CSV exports, on SQLite and Postgres.

use crate::common;
use crate::reporting_fixture as fixture;

use common::{Backend, TestServer, add_user};
use floorwalk::storage::Role;

/// North's manager (also at south), north's viewer, south's staff; the reporting
/// fixture loaded, its `site-n` document made north's master-data document.
async fn start(backend: Backend) -> (TestServer, [String; 3]) {
    let server = TestServer::start(backend).await;
    let store = server.store.as_ref();
    add_user(store, "meg@north.test", Role::Manager, &["north", "south"]).await;
    add_user(store, "vic@north.test", Role::Viewer, &["north"]).await;
    add_user(store, "sam@south.test", Role::Staff, &["south"]).await;
    fixture::load(store, &server.db.url).await;
    server
        .db
        .execute("UPDATE sites SET site_document_id = 'site-n' WHERE slug = 'north'")
        .await;
    server
        .db
        .execute("UPDATE sites SET site_document_id = 'site-s' WHERE slug = 'south'")
        .await;
    let mut tokens = Vec::new();
    for email in ["meg@north.test", "vic@north.test", "sam@south.test"] {
        tokens.push(server.api.login(email).await.access_token);
    }
    (server, tokens.try_into().expect("three tokens"))
}

async fn members(backend: Backend) {
    let (server, [_, vic, sam]) = start(backend).await;
    let api = &server.api;
    let body = api.json(&vic, "/api/sites/north/members").await;
    let members = body["members"].as_array().expect("members");
    let emails: Vec<&str> = members.iter().filter_map(|m| m["email"].as_str()).collect();
    assert_eq!(emails, ["meg@north.test", "vic@north.test"], "{backend:?}");
    assert_eq!(members[0]["role"], "manager");
    assert_eq!(members[1]["role"], "viewer");
    assert_eq!(members[0]["disabled"], false);
    assert!(members[0]["user_id"].is_string(), "user ids are strings");
    let err = api.error(Some(&sam), "/api/sites/north/members", 404).await;
    assert_eq!(err["error"], "not_found");
    api.error(Some(&sam), "/api/sites/nowhere/members", 404)
        .await;
    let err = api.error(None, "/api/sites/north/members", 401).await;
    assert_eq!(err["error"], "missing_credentials", "{err}");
    api.error(Some("garbage"), "/api/sites/north/members", 401)
        .await;
}

async fn item_and_location_lists(backend: Backend) {
    let (server, [meg, vic, sam]) = start(backend).await;
    let api = &server.api;
    let page = api.json(&vic, "/api/reports/items?site=north").await;
    assert_eq!(page["total"], 4, "{backend:?}: {page}");
    let rows = page["rows"].as_array().expect("rows");
    let skus: Vec<&str> = rows.iter().filter_map(|r| r["sku"].as_str()).collect();
    assert_eq!(skus, ["SKU-12", "SKU-30", "SKU-40", "SKU-9"]);
    let wrap = &rows[3];
    assert_eq!(
        wrap["on_hand"], 15,
        "18 received − 3 adjusted, transfer nets 0"
    );
    assert_eq!(wrap["below_reorder_point"], true, "15 ≤ 20");
    assert_eq!(wrap["barcodes"], serde_json::json!([]));
    assert_eq!(rows[1]["active"], false);
    assert_eq!(rows[1]["below_reorder_point"], false, "no reorder point");

    // Search and pagination.
    let found = api.json(&vic, "/api/reports/items?site=north&q=wrap").await;
    assert_eq!(found["total"], 1);
    assert_eq!(found["rows"][0]["sku"], "SKU-9");
    let none = api.json(&vic, "/api/reports/items?site=north&q=%25").await;
    assert_eq!(none["total"], 0, "% is literal");
    let second = api
        .json(&vic, "/api/reports/items?site=north&limit=2&offset=2")
        .await;
    assert_eq!(second["rows"][0]["sku"], "SKU-40");
    // Every site of the caller: north's 4 and south's 1.
    assert_eq!(api.json(&meg, "/api/reports/items").await["total"], 5);
    assert_eq!(api.json(&sam, "/api/reports/items").await["total"], 1);
    api.error(Some(&sam), "/api/reports/items?site=north", 404)
        .await;
    let err = api
        .error(Some(&vic), "/api/reports/items?from=2026-11-01", 400)
        .await;
    assert!(
        err["message"]
            .as_str()
            .unwrap_or_default()
            .contains("current state"),
        "{err}"
    );
    api.error(Some(&vic), "/api/reports/items?limit=0", 400)
        .await;

    let csv = api
        .csv(&vic, "/api/reports/items?site=north&format=csv")
        .await;
    assert!(csv.starts_with("site,id,sku,name,unit,barcodes,unit_cost_minor,min_qty,reorder_point,max_qty,item_class,supplier,active,on_hand,below_reorder_point\r\n"), "{csv}");
    assert!(
        csv.contains("north,i9,SKU-9,Pallet wrap,each,[],1299,10,20,80,B,WrapCo,true,15,true\r\n"),
        "{csv}"
    );

    let locations = api.json(&vic, "/api/reports/locations?site=north").await;
    assert_eq!(locations["total"], 2, "{backend:?}");
    assert_eq!(locations["rows"][0]["code"], "A-01-01");
    assert_eq!(locations["rows"][0]["kind"], "bin");
    let csv = api
        .csv(&vic, "/api/reports/locations?site=north&format=csv&q=02")
        .await;
    assert_eq!(
        csv,
        "site,id,code,kind,name,parent_code,archived\r\nnorth,l2,A-01-02,bin,,,false\r\n"
    );
}

async fn exports(backend: Backend) {
    let (server, [_, vic, sam]) = start(backend).await;
    let api = &server.api;
    let csv = api.csv(&vic, "/api/sites/north/export/items.csv").await;
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("sku,name,barcodes,unit,unit_cost_minor,min,reorder_point,max,supplier,item_class")
    );
    assert_eq!(
        lines.next(),
        Some("SKU-12,Cable ties,,box,450,,5,,,"),
        "{backend:?}"
    );
    assert_eq!(csv.lines().count(), 5);
    let csv = api.csv(&vic, "/api/sites/north/export/locations.csv").await;
    assert_eq!(
        csv,
        "code,name,parent_code,kind\r\nA-01-01,,,bin\r\nA-01-02,,,bin\r\n"
    );
    api.error(Some(&sam), "/api/sites/north/export/items.csv", 404)
        .await;
    api.error(None, "/api/sites/north/export/locations.csv", 401)
        .await;
}

per_backend!(members_of_a_site = members);

per_backend!(item_and_location_lists);

per_backend!(exports_use_the_import_columns = exports);

#[tokio::test]
async fn openapi_lists_every_desk_endpoint() {
    let (server, [_, vic, _]) = start(Backend::Sqlite).await;
    let api = &server.api;
    let doc = api.json(&vic, "/api/openapi.json").await;
    for path in [
        "/api/sites/{slug}/members",
        "/api/reports/items",
        "/api/reports/locations",
        "/api/sites/{slug}/export/items.csv",
        "/api/sites/{slug}/export/locations.csv",
        "/api/sites/{slug}/import/items",
        "/api/sites/{slug}/import/locations",
        "/api/documents/{id}/history",
        "/api/sites/{slug}/count-sessions",
        "/api/sites/{slug}/shipments",
        "/api/sites/{slug}/checklist-schedules",
        "/api/sites/{slug}/templates",
        "/api/sites/{slug}/templates/{id}",
        "/api/admin/users",
        "/api/admin/users/{id}",
        "/api/admin/users/{id}/sites/{slug}",
        "/api/admin/sites",
    ] {
        assert!(
            doc["paths"].get(path).is_some(),
            "{path} in the OpenAPI document"
        );
    }
    for schema in [
        "ItemRow",
        "LocationRow",
        "Members",
        "ImportReport",
        "History",
        "NewCountSession",
        "NewShipment",
        "NewChecklistSchedule",
        "TemplateRequest",
        "AdminUser",
        "NewUserRequest",
    ] {
        assert!(
            doc["components"]["schemas"].get(schema).is_some(),
            "{schema} schema"
        );
    }
}
