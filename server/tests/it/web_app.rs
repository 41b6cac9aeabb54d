//! The built web app: served with client-side routes falling back to
//! index.html, hashed assets cached for good, the rest revalidated, the API
//! never cached.

use crate::common;

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
    let get = |path: &str| server.api.request(reqwest::Method::GET, None, path).send();

    let asset = get("/assets/app-1a2b3c.js").await.expect("asset");
    assert_eq!(asset.status(), 200);
    assert_eq!(asset.text().await.expect("body"), "console.log(1)");
    // Phones on a weak signal get the app gzipped.
    let asset = server
        .api
        .request(reqwest::Method::GET, None, "/assets/app-1a2b3c.js")
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

/// The release binary is the whole app: started in an empty directory, with no web
/// directory anywhere near, it serves the phone and the desk it was built with.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_alone_serves_the_app_from_an_empty_directory() {
    use tokio::io::{AsyncBufReadExt, BufReader};

    let dist = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../pwa/dist");
    let index = std::fs::read_to_string(dist.join("index.html")).unwrap_or_else(|_| {
        panic!("pwa/dist is not built: run `make web` before building the server (tests/run-all.sh does)")
    });
    let empty = TempDir::new(&format!("binary-alone-{}", common::random_suffix()));
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_floorwalk"))
        .arg("serve")
        .current_dir(&empty.path)
        .env_remove("FLOORWALK_WEB_DIR")
        .env_remove("FLOORWALK_DATABASE_URL")
        .env("FLOORWALK_BIND", "127.0.0.1:0")
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start floorwalk");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let base = tokio::time::timeout(std::time::Duration::from_secs(60), async {
        while let Some(line) = lines.next_line().await.expect("read stdout") {
            if let Some(url) = line.strip_prefix("floorwalk listening on ") {
                return url.to_owned();
            }
        }
        panic!("floorwalk exited before listening")
    })
    .await
    .expect("floorwalk listening within 60 s");
    let api = common::Api::new(&base);
    let get = |path: &str| api.request(reqwest::Method::GET, None, path).send();

    let page = get("/").await.expect("index");
    assert_eq!(page.status(), 200);
    assert!(header(&page, "content-type").starts_with("text/html"));
    assert_eq!(header(&page, "cache-control"), "no-cache");
    let etag = header(&page, "etag");
    assert_eq!(
        page.text().await.expect("body"),
        index,
        "the app it was built with"
    );
    let revalidated = api
        .request(reqwest::Method::GET, None, "/")
        .header("if-none-match", &etag)
        .send()
        .await
        .expect("revalidate");
    assert_eq!(
        revalidated.status(),
        304,
        "an unchanged index.html is not sent again"
    );

    // The hashed script index.html loads: cached for good, gzipped for phones.
    let script = index
        .split('"')
        .find(|s| s.starts_with("/assets/") && s.ends_with(".js"))
        .expect("index.html loads a script from /assets/");
    let asset = api
        .request(reqwest::Method::GET, None, script)
        .header("accept-encoding", "gzip")
        .send()
        .await
        .expect("asset");
    assert_eq!(asset.status(), 200, "{script}");
    assert_eq!(header(&asset, "content-encoding"), "gzip");
    assert_eq!(
        header(&asset, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert!(header(&asset, "content-type").contains("javascript"));

    for path in ["/desk/counts", "/sw.js", "/manifest.webmanifest"] {
        assert_eq!(get(path).await.expect(path).status(), 200, "{path}");
    }
    assert_eq!(
        get("/assets/gone-000000.js").await.expect("gone").status(),
        404
    );
    assert_eq!(get("/api/no-such-thing").await.expect("api").status(), 404);
    let post = api
        .request(reqwest::Method::POST, None, "/desk")
        .send()
        .await
        .expect("post");
    assert_eq!(post.status(), 404, "only GET and HEAD reach the app");
    child.kill().await.expect("stop floorwalk");
}
