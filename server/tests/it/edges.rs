//! Limits and headers at the server's edges, on SQLite and Postgres: browser security
//! headers on every kind of response, attachments kept per site and under a per-site
//! quota, a cap on one user's sync connections, and sync sockets that end with their
//! access token. (The password-check queue has its own test binary, `login_queue`:
//! its limit is process-wide.)

use crate::common;

use std::time::Duration;

use common::{Backend, TestServer, add_user, peer::TestPeer};
use floorwalk::storage::Role;
use reqwest::{StatusCode, header};
use sha2::{Digest, Sha256};

const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
    img-src 'self' data: blob:; connect-src 'self'; worker-src 'self'; object-src 'none'; \
    frame-ancestors 'none'; base-uri 'none'";

fn header_of<'a>(response: &'a reqwest::Response, name: &str) -> Option<&'a str> {
    response.headers().get(name).and_then(|v| v.to_str().ok())
}

fn assert_browser_headers(response: &reqwest::Response, what: &str) {
    assert_eq!(
        header_of(response, "content-security-policy"),
        Some(CSP),
        "{what}"
    );
    assert_eq!(
        header_of(response, "x-content-type-options"),
        Some("nosniff"),
        "{what}"
    );
    assert_eq!(
        header_of(response, "x-frame-options"),
        Some("DENY"),
        "{what}"
    );
    assert_eq!(
        header_of(response, "referrer-policy"),
        Some("no-referrer"),
        "{what}"
    );
}

/// A PNG by its signature, then `len` bytes that make it unique.
fn photo(len: usize) -> (String, Vec<u8>) {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend((0..len).map(|_| rand::random::<u8>()));
    (hex::encode(Sha256::digest(&bytes)), bytes)
}

async fn headers_on_every_response(backend: Backend) {
    let server = TestServer::start(backend).await;
    add_user(
        server.store.as_ref(),
        "ana@north.test",
        Role::Staff,
        &["north"],
    )
    .await;
    let get = |path: &'static str| server.api.get(None, path);

    let health = get("/api/health").await;
    assert_browser_headers(&health, "a JSON answer");
    assert_eq!(
        health.headers().get(header::STRICT_TRANSPORT_SECURITY),
        None,
        "no HSTS over plain HTTP"
    );
    let unauthorized = get("/api/me").await;
    assert_eq!(unauthorized.status(), StatusCode::UNAUTHORIZED);
    assert_browser_headers(&unauthorized, "an error");
    let unknown = get("/api/no-such-thing").await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    assert_browser_headers(&unknown, "an unknown route");
    let login = server
        .api
        .try_login("ana@north.test", "wrong password", None)
        .await;
    assert_browser_headers(&login, "a refused login");

    // Behind a TLS-terminating proxy, HSTS is sent too.
    let proxied = server
        .api
        .request(reqwest::Method::GET, None, "/api/health")
        .header("x-forwarded-proto", "https")
        .send()
        .await
        .expect("health");
    assert_eq!(
        header_of(&proxied, "strict-transport-security"),
        Some("max-age=31536000"),
        "{backend:?}"
    );
    server.stop().await;
}

per_backend!(actix every_response_carries_the_browser_security_headers = headers_on_every_response);

async fn attachments_per_site(backend: Backend) {
    let server = TestServer::start_with(backend, |c| c.attachment_site_quota_bytes = 3_000).await;
    let store = server.store.as_ref();
    add_user(store, "ana@north.test", Role::Staff, &["north"]).await;
    add_user(store, "sam@south.test", Role::Staff, &["south"]).await;
    add_user(store, "eve@east.test", Role::Manager, &["east"]).await;
    let ana = server.api.login("ana@north.test").await.access_token;
    let sam = server.api.login("sam@south.test").await.access_token;
    let eve = server.api.login("eve@east.test").await.access_token;

    let shared = photo(1_000);
    assert_eq!(
        server.api.upload(&ana, "north", &shared).await.0,
        StatusCode::CREATED
    );
    assert_eq!(
        server.api.upload(&ana, "north", &shared).await.0,
        StatusCode::OK,
        "a retry"
    );
    // South uploads the same file: its own copy, and no hint that north has one.
    assert_eq!(
        server.api.upload(&sam, "south", &shared).await.0,
        StatusCode::CREATED,
        "{backend:?}: another site's upload is new at this site"
    );
    let served = server.api.download(&sam, &shared.0).await;
    assert_eq!(served.status(), StatusCode::OK);
    assert_eq!(
        header_of(&served, "content-security-policy"),
        Some("sandbox; default-src 'none'")
    );
    assert_eq!(
        header_of(&served, "cache-control"),
        Some("private, no-cache")
    );
    assert!(
        header_of(&served, "content-disposition")
            .is_some_and(|d| d.starts_with("inline; filename="))
    );
    let etag = header_of(&served, "etag").expect("etag").to_owned();
    assert_eq!(
        served.bytes().await.expect("body").as_ref(),
        shared.1.as_slice()
    );
    let revalidated = server
        .api
        .request(
            reqwest::Method::GET,
            Some(&sam),
            &format!("/api/attachments/{}", shared.0),
        )
        .header(header::IF_NONE_MATCH, &etag)
        .send()
        .await
        .expect("revalidate");
    assert_eq!(revalidated.status(), StatusCode::NOT_MODIFIED);
    // Revalidation is checked like a download: no site of eve's has it.
    assert_eq!(
        server.api.download(&eve, &shared.0).await.status(),
        StatusCode::NOT_FOUND
    );

    // The quota counts the site's files; a file already kept costs nothing again.
    let second = photo(1_500);
    assert_eq!(
        server.api.upload(&ana, "north", &second).await.0,
        StatusCode::CREATED
    );
    let (status, body) = server.api.upload(&ana, "north", &photo(800)).await;
    assert_eq!(
        status,
        StatusCode::INSUFFICIENT_STORAGE,
        "{backend:?}: {body}"
    );
    assert_eq!(body["error"], "quota_exceeded");
    let message = body["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("2516 of its 3000 bytes")
            && message.contains("FLOORWALK_ATTACHMENT_SITE_QUOTA_BYTES"),
        "{message}"
    );
    assert_eq!(
        server.api.upload(&ana, "north", &second).await.0,
        StatusCode::OK
    );
    // Another site's quota is its own.
    assert_eq!(
        server.api.upload(&sam, "south", &photo(800)).await.0,
        StatusCode::CREATED
    );
    server.stop().await;
}

per_backend!(actix attachments_belong_to_the_site_that_uploaded_them_and_sites_have_a_quota = attachments_per_site);

async fn connection_cap(backend: Backend) {
    let server = TestServer::start_with(backend, |c| c.max_connections_per_user = 2).await;
    add_user(
        server.store.as_ref(),
        "ana@north.test",
        Role::Staff,
        &["north"],
    )
    .await;
    add_user(
        server.store.as_ref(),
        "ben@north.test",
        Role::Staff,
        &["north"],
    )
    .await;
    let ana = server.api.login("ana@north.test").await;
    let first = TestPeer::connect_as(&server, &ana).await;
    let _second = TestPeer::connect_as(&server, &ana).await;
    let refused = TestPeer::try_connect_as(&server, &ana)
        .await
        .err()
        .expect("a third is refused");
    assert!(
        refused.starts_with("1008: ") && refused.contains("2 sync connections already open"),
        "{backend:?}: {refused}"
    );
    // Another user is not affected; a closed connection frees its place.
    let _ben = TestPeer::connect_as(&server, &server.api.login("ben@north.test").await).await;
    drop(first);
    let mut freed = None;
    for _ in 0..100 {
        if let Ok(peer) = TestPeer::try_connect_as(&server, &ana).await {
            freed = Some(peer);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        freed.is_some(),
        "{backend:?}: the closed connection's place was never freed"
    );
    server.stop().await;
}

per_backend!(one_user_holds_a_bounded_number_of_sync_connections);
async fn one_user_holds_a_bounded_number_of_sync_connections(backend: Backend) {
    connection_cap(backend).await;
}

async fn expiring_sockets(backend: Backend) {
    let server = TestServer::start_with(backend, |c| c.access_token_ttl_secs = 4).await;
    add_user(
        server.store.as_ref(),
        "ana@north.test",
        Role::Staff,
        &["north"],
    )
    .await;
    let ana = server.api.login("ana@north.test").await;
    let mut peer = TestPeer::connect_as(&server, &ana).await;
    let started = std::time::Instant::now();
    let message = peer
        .closed_within(10, "a socket past its access token")
        .await;
    assert!(
        message.as_deref().is_some_and(|m| m.contains("expired")),
        "{backend:?}: {message:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "{:?}",
        started.elapsed()
    );
    server.stop().await;
}

per_backend!(a_sync_socket_ends_when_its_access_token_expires);
async fn a_sync_socket_ends_when_its_access_token_expires(backend: Backend) {
    expiring_sockets(backend).await;
}
