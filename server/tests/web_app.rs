//! The built web app: served with client-side routes falling back to
//! index.html, hashed assets cached for good, the rest revalidated, the API
//! never cached.

mod common;

use common::{Backend, TempDir, TestServer};

fn header(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_is_served_with_a_cache_policy_per_kind_of_file() {
    let dir = TempDir::new(&format!("web-app-{}", common::random_suffix()));
    std::fs::create_dir_all(dir.path.join("assets")).expect("assets dir");
    std::fs::write(
        dir.path.join("index.html"),
        "<!doctype html><title>Floorwalk</title>",
    )
    .expect("index");
    std::fs::write(
        dir.path.join("sw.js"),
        "self.addEventListener('fetch', () => {})",
    )
    .expect("sw");
    std::fs::write(dir.path.join("assets/app-1a2b3c.js"), "console.log(1)").expect("asset");
    let web_dir = dir.path.to_string_lossy().to_string();
    let server =
        TestServer::start_with(Backend::Sqlite, |config| config.web_dir = Some(web_dir)).await;
    let get = |path: &str| reqwest::get(format!("{}{path}", server.base));

    let asset = get("/assets/app-1a2b3c.js").await.expect("asset");
    assert_eq!(asset.status(), 200);
    assert_eq!(asset.text().await.expect("body"), "console.log(1)");
    // Phones on a weak signal get the app gzipped.
    let asset = reqwest::Client::new()
        .get(format!("{}/assets/app-1a2b3c.js", server.base))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .expect("gzipped asset");
    assert_eq!(header(&asset, "content-encoding"), "gzip");
    assert_eq!(
        header(&asset, "cache-control"),
        "public, max-age=31536000, immutable"
    );

    for path in ["/", "/desk/counts", "/sw.js"] {
        let response = get(path).await.expect("page");
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(
            header(&response, "cache-control"),
            "no-cache",
            "{path}: a new release must show"
        );
    }
    let route = get("/desk/counts")
        .await
        .expect("route")
        .text()
        .await
        .expect("body");
    assert!(
        route.contains("<title>Floorwalk</title>"),
        "client routes get index.html"
    );

    // A missing asset is a 404, not a year-long cached index.html.
    let missing = get("/assets/gone-000000.js").await.expect("missing");
    assert_ne!(
        header(&missing, "cache-control"),
        "public, max-age=31536000, immutable"
    );

    let api = get("/api/me").await.expect("api");
    assert_eq!(api.status(), 401);
    assert_eq!(header(&api, "cache-control"), "no-store");
    let unknown = get("/api/no-such-thing").await.expect("unknown api");
    assert_eq!(
        unknown.status(),
        404,
        "unknown API paths do not fall back to the app"
    );
    server.stop().await;
}
