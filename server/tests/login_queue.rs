//! Password checks beyond the queue are answered `503` with `Retry-After`, on SQLite
//! and Postgres, and being turned away does not count as a wrong guess. A test binary
//! of its own: the limit on concurrent Argon2 hashes is process-wide, and the first
//! server built in a process sets it. For the same reason the two backends' cases take
//! turns: one case's burst would fill the queue the other's set-up hashes through.

#[path = "it/common/mod.rs"]
#[macro_use]
mod common;

use common::{Backend, TestServer, add_user};
use floorwalk::storage::Role;
use reqwest::StatusCode;
use serde_json::Value;

static ONE_CASE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

async fn hashing_queue(backend: Backend) {
    let _turn = ONE_CASE_AT_A_TIME.lock().await;
    // One hash at a time and nobody waiting: a burst of logins is partly refused.
    // One account signs in 40 times at once here (as 40 phones would, each their own):
    // its guessing limit is raised so that only the queue answers.
    let server = TestServer::start_with(backend, |c| {
        c.login_queue = 0;
        c.login_account_burst = 1_000;
    })
    .await;
    add_user(
        server.store.as_ref(),
        "ana@north.test",
        Role::Staff,
        &["north"],
    )
    .await;
    let attempts = (0..40).map(|_| {
        server
            .api
            .try_login("ana@north.test", common::PASSWORD, None)
    });
    let mut busy = 0;
    let mut ok = 0;
    for response in futures_util::future::join_all(attempts).await {
        match response.status() {
            StatusCode::OK => ok += 1,
            StatusCode::SERVICE_UNAVAILABLE => {
                busy += 1;
                let retry: u64 = response
                    .headers()
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.parse().ok())
                    .expect("Retry-After in seconds");
                assert!((1..=60).contains(&retry), "{retry}");
                let body: Value = response.json().await.expect("json");
                assert_eq!(body["error"], "busy", "{body}");
            }
            other => panic!("{backend:?}: unexpected {other}"),
        }
    }
    assert!(
        ok >= 1 && busy >= 1,
        "{backend:?}: {ok} signed in, {busy} told to retry"
    );
    // Turned away unchecked is not a wrong guess: the account is not locked out after.
    for _ in 0..8 {
        server.api.login("ana@north.test").await;
    }
    server.stop().await;
}

per_backend!(password_checks_beyond_the_queue_get_503_with_retry_after = hashing_queue);
