//! The edges of authentication, on SQLite and Postgres: guessing is throttled per
//! account and per address (in the database, so a restart does not reset it), a
//! revoked session's live sync socket and event stream close within seconds,
//! re-enabling an account revives no old session, refresh tokens have an
//! absolute lifetime and rotate safely under concurrent use, and the signing
//! secret is long enough and kept out of the database.

use crate::common;

use std::time::Duration;

use common::{Backend, TestServer, add_user, peer::TestPeer};
use floorwalk::{app::Application, config::Secret, storage::Role};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn throttled_guessing(backend: Backend) {
    let tight = |c: &mut floorwalk::config::Config| {
        c.login_account_burst = 3;
        c.login_address_burst = 7;
        // Slow enough that no attempt is given back while the test runs, however loaded.
        c.login_address_refill_secs = 600;
        c.trust_forwarded_for = true;
    };
    let server = TestServer::start_with(backend, tight).await;
    let store = server.store.as_ref();
    add_user(store, "mia@north.test", Role::Manager, &["north"]).await;
    add_user(store, "ana@north.test", Role::Staff, &["north"]).await;

    // Three wrong passwords answer 401; from the fourth on, 429 with Retry-After,
    // and an unknown account answers exactly the same.
    for (email, from) in [
        ("mia@north.test", "198.51.100.1"),
        ("nobody@north.test", "198.51.100.5"),
    ] {
        let mut statuses = Vec::new();
        for _ in 0..5 {
            let response = server
                .api
                .try_login(email, "wrong-password", Some(from))
                .await;
            statuses.push(response.status().as_u16());
            if response.status() == StatusCode::TOO_MANY_REQUESTS {
                let wait: u64 = response.headers()["retry-after"]
                    .to_str()
                    .expect("ascii")
                    .parse()
                    .expect("seconds");
                assert!((1..=60).contains(&wait), "{backend:?}: Retry-After {wait}");
                let body: Value = response.json().await.expect("json");
                assert_eq!(body["error"], "too_many_attempts");
            }
        }
        assert_eq!(statuses, [401, 401, 401, 429, 429], "{backend:?}: {email}");
    }
    // The right password is refused too while the account is locked.
    let locked = server
        .api
        .try_login("mia@north.test", common::PASSWORD, Some("198.51.100.2"))
        .await;
    assert_eq!(
        locked.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "{backend:?}"
    );

    // Address .1 has spent three of its seven attempts (the two its account refused
    // cost it nothing). A successful sign-in from another address gives it none
    // back: four more guesses, then 429.
    let ok = server
        .api
        .try_login("ana@north.test", common::PASSWORD, Some("198.51.100.3"))
        .await;
    assert_eq!(ok.status(), StatusCode::OK, "{backend:?}");
    let mut statuses = Vec::new();
    for n in 0..5 {
        let email = format!("guess{n}@north.test");
        let response = server
            .api
            .try_login(&email, "wrong-password", Some("198.51.100.1"))
            .await;
        statuses.push(response.status().as_u16());
    }
    assert_eq!(
        statuses,
        [401, 401, 401, 401, 429],
        "{backend:?}: address .1"
    );

    // A shift signing in behind one router: right passwords are never throttled,
    // however many come from one address.
    for n in 0..8 {
        let email = format!("shift{n}@north.test");
        add_user(store, &email, Role::Staff, &["north"]).await;
        let ok = server
            .api
            .try_login(&email, common::PASSWORD, Some("198.51.100.6"))
            .await;
        assert_eq!(ok.status(), StatusCode::OK, "{backend:?}: {email}");
    }

    // The counters are in the database: a restart keeps them.
    let server = server.restart_with(tight).await;
    let after = server
        .api
        .try_login("mia@north.test", common::PASSWORD, Some("198.51.100.4"))
        .await;
    assert_eq!(after.status(), StatusCode::TOO_MANY_REQUESTS, "{backend:?}");
    server.stop().await;
}

/// The owner of a locked account who waits the `Retry-After` they were given gets in,
/// however often they (or a guesser) tried meanwhile, even all at once.
async fn obeying_retry_after(backend: Backend) {
    let server = TestServer::start_with(backend, |c| {
        c.login_account_burst = 2;
        // Long enough for the refused attempts below to fall inside the lockout on a
        // loaded machine; the test then waits out one Retry-After (at most this).
        c.login_account_refill_secs = 10;
        c.trust_forwarded_for = true;
    })
    .await;
    add_user(
        server.store.as_ref(),
        "mia@north.test",
        Role::Manager,
        &["north"],
    )
    .await;
    for _ in 0..2 {
        let wrong = server
            .api
            .try_login("mia@north.test", "wrong-password", Some("198.51.100.7"))
            .await;
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED, "{backend:?}");
    }
    // Ten refused at once, then ten more one by one: none may extend the lockout.
    let burst = (0..10).map(|_| {
        server
            .api
            .try_login("mia@north.test", "wrong-password", Some("198.51.100.8"))
    });
    for response in futures_util::future::join_all(burst).await {
        assert_eq!(
            response.status(),
            StatusCode::TOO_MANY_REQUESTS,
            "{backend:?}"
        );
    }
    let mut wait = 0;
    for _ in 0..10 {
        let refused = server
            .api
            .try_login("mia@north.test", common::PASSWORD, Some("198.51.100.9"))
            .await;
        assert_eq!(
            refused.status(),
            StatusCode::TOO_MANY_REQUESTS,
            "{backend:?}"
        );
        wait = refused.headers()["retry-after"]
            .to_str()
            .expect("ascii")
            .parse()
            .expect("seconds");
    }
    assert!((1..=10).contains(&wait), "{backend:?}: Retry-After {wait}");
    tokio::time::sleep(Duration::from_secs(wait)).await;
    let back = server
        .api
        .try_login("mia@north.test", common::PASSWORD, Some("198.51.100.9"))
        .await;
    assert_eq!(
        back.status(),
        StatusCode::OK,
        "{backend:?}: the owner came back after Retry-After"
    );
    server.stop().await;
}

per_backend!(an_owner_who_waits_the_retry_after_gets_in);
async fn an_owner_who_waits_the_retry_after_gets_in(backend: Backend) {
    obeying_retry_after(backend).await;
}

per_backend!(guessing_is_throttled_per_account_and_address_across_restarts);
async fn guessing_is_throttled_per_account_and_address_across_restarts(backend: Backend) {
    throttled_guessing(backend).await;
}

async fn post(
    server: &TestServer,
    path: &str,
    token: Option<&str>,
    body: Value,
) -> reqwest::Response {
    let request = server.api.request(reqwest::Method::POST, token, path);
    request.json(&body).send().await.expect("request")
}

/// Waits (up to 10 s) for the server to close `peer`'s socket, reading what it sends.
async fn closed_within_seconds(peer: &mut TestPeer, what: &str) {
    let closed = peer.closed_within(10, what).await;
    if let Some(message) = closed {
        assert!(
            ["log in again", "ended", "disabled", "revoked"]
                .iter()
                .any(|m| message.contains(m)),
            "{what}: {message}"
        );
    }
}

async fn revocation_reaches_live_connections(backend: Backend) {
    let server = TestServer::start(backend).await;
    let store = server.store.as_ref();
    let ana_id = add_user(store, "ana@north.test", Role::Staff, &["north"])
        .await
        .to_string();
    add_user(store, "root@north.test", Role::Admin, &["north"]).await;
    let admin = server.api.login("root@north.test").await.access_token;

    // Logout closes the session's socket and its event stream.
    let ana = server.api.login("ana@north.test").await;
    let mut socket = TestPeer::connect_as(&server, &ana).await;
    let mut events = server.api.events(&ana.access_token).await;
    assert_eq!(events.status(), StatusCode::OK);
    let response = post(
        &server,
        "/api/auth/logout",
        None,
        json!({"refresh_token": ana.refresh_token}),
    )
    .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    closed_within_seconds(&mut socket, "logout").await;
    let ended = common::events_until_revoked(&mut events, "the event stream after logout").await;
    assert!(ended.contains("event: revoked"), "{backend:?}: {ended}");

    // An admin's "sign out everywhere" ends both of a user's devices.
    let (phone, tablet) = (
        server.api.login("ana@north.test").await,
        server.api.login("ana@north.test").await,
    );
    let mut phone_socket = TestPeer::connect_as(&server, &phone).await;
    let mut tablet_socket = TestPeer::connect_as(&server, &tablet).await;
    let response = post(
        &server,
        &format!("/api/admin/users/{ana_id}/revoke-sessions"),
        Some(&admin),
        json!({}),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK, "{backend:?}");
    let body: Value = response.json().await.expect("json");
    assert!(body["revoked"].as_u64().is_some_and(|n| n >= 2), "{body}");
    closed_within_seconds(&mut phone_socket, "revoke-all (phone)").await;
    closed_within_seconds(&mut tablet_socket, "revoke-all (tablet)").await;
    for old in [&phone, &tablet] {
        let refresh = post(
            &server,
            "/api/auth/refresh",
            None,
            json!({"refresh_token": old.refresh_token}),
        )
        .await;
        assert_eq!(refresh.status(), StatusCode::UNAUTHORIZED, "{backend:?}");
    }

    // Disabling closes the socket; enabling again revives no old session.
    let before = server.api.login("ana@north.test").await;
    let mut socket = TestPeer::connect_as(&server, &before).await;
    let user = format!("/api/admin/users/{ana_id}");
    let patch = |disabled: bool| {
        let body = json!({ "disabled": disabled });
        server.api.send("PATCH", Some(&admin), &user, Some(body))
    };
    assert_eq!(patch(true).await.0, 200, "disable");
    closed_within_seconds(&mut socket, "disable").await;
    assert_eq!(patch(false).await.0, 200, "enable");
    let refresh = post(
        &server,
        "/api/auth/refresh",
        None,
        json!({"refresh_token": before.refresh_token}),
    )
    .await;
    assert_eq!(
        refresh.status(),
        StatusCode::UNAUTHORIZED,
        "{backend:?}: an old session came back"
    );
    let ticket = post(
        &server,
        "/api/sync/ticket",
        Some(&before.access_token),
        json!({}),
    )
    .await;
    assert_eq!(ticket.status(), StatusCode::UNAUTHORIZED, "{backend:?}");
    server.stop().await;
}

per_backend!(logout_revocation_and_disabling_close_live_connections);
async fn logout_revocation_and_disabling_close_live_connections(backend: Backend) {
    revocation_reaches_live_connections(backend).await;
}

async fn refresh_lifetimes(backend: Backend) {
    let server = TestServer::start_with(backend, |c| c.session_max_age_secs = 2).await;
    add_user(
        server.store.as_ref(),
        "ana@north.test",
        Role::Staff,
        &["north"],
    )
    .await;

    // Two uses of one refresh token at the same moment: never both succeed.
    for _ in 0..5 {
        let session = server.api.login("ana@north.test").await;
        let body = json!({"refresh_token": session.refresh_token});
        let (a, b) = tokio::join!(
            post(&server, "/api/auth/refresh", None, body.clone()),
            post(&server, "/api/auth/refresh", None, body.clone())
        );
        let ok = [a.status(), b.status()]
            .iter()
            .filter(|s| **s == StatusCode::OK)
            .count();
        assert!(ok <= 1, "{backend:?}: one refresh token rotated twice");
    }

    // However often it refreshes, a session ends at its absolute lifetime.
    let session = server.api.login("ana@north.test").await;
    let mut token = session.refresh_token;
    let first = post(
        &server,
        "/api/auth/refresh",
        None,
        json!({"refresh_token": token}),
    )
    .await;
    assert_eq!(first.status(), StatusCode::OK, "{backend:?}");
    token = first.json::<Value>().await.expect("json")["refresh_token"]
        .as_str()
        .expect("token")
        .to_string();
    tokio::time::sleep(Duration::from_millis(2_300)).await;
    let late = post(
        &server,
        "/api/auth/refresh",
        None,
        json!({"refresh_token": token}),
    )
    .await;
    assert_eq!(late.status(), StatusCode::UNAUTHORIZED, "{backend:?}");
    let body: Value = late.json().await.expect("json");
    assert_eq!(body["error"], "refresh_expired", "{backend:?}");
    server.stop().await;
}

per_backend!(refresh_tokens_rotate_once_and_sessions_have_an_absolute_lifetime);
async fn refresh_tokens_rotate_once_and_sessions_have_an_absolute_lifetime(backend: Backend) {
    refresh_lifetimes(backend).await;
}

per_backend!(a_short_secret_is_refused_and_a_generated_one_stays_out_of_the_database);
async fn a_short_secret_is_refused_and_a_generated_one_stays_out_of_the_database(backend: Backend) {
    let db = common::TestDb::new(backend).await;
    let mut config = common::test_config(&db);
    config.jwt_secret = Some(Secret::new("too-short"));
    let error = Application::build(&config)
        .await
        .err()
        .expect("a short secret is refused");
    assert!(
        error.to_string().contains("at least 32"),
        "{backend:?}: {error}"
    );
    config.jwt_secret = Some(Secret::new(""));
    assert!(
        Application::build(&config).await.is_err(),
        "{backend:?}: an empty secret"
    );

    let server = TestServer::start_on(db, |_| {}).await;
    let in_db = server
        .db
        .scalar("SELECT COUNT(*) FROM server_settings WHERE key = 'jwt_secret'")
        .await;
    assert_eq!(
        in_db, 0,
        "{backend:?}: the signing secret is in the database"
    );
    server.stop().await;
}
