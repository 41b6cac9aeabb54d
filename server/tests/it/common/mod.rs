//! Test support: a fresh database per test (a SQLite file, or a new Postgres
//! database on 127.0.0.1:5432), and the real application on port 0.
#![allow(dead_code)]

pub mod api;
pub mod cast;
pub mod peer;

pub use api::{Api, Login};

use std::{path::PathBuf, sync::Arc};

use floorwalk::{
    app::Application,
    auth::hash_password,
    config::Config,
    storage::{self, NewUser, Role, Store},
};
use sqlx::{Connection, Executor, PgConnection, SqliteConnection};

/// A sync exchange is done when the server has every change of `doc`.
pub fn acknowledged(doc: &mut automerge::AutoCommit, state: &automerge::sync::State) -> bool {
    let theirs = state.their_heads.clone().unwrap_or_default();
    doc.get_heads().iter().all(|h| theirs.contains(h))
}

pub const PASSWORD: &str = "correct-horse-battery";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Makes `async fn name(backend: Backend)` two test cases, `name::sqlite` and
/// `name::postgres`, so each backend passes or fails (and runs) on its own.
/// `per_backend!(case = function)` names the cases apart from the function;
/// `per_backend!(actix case = function)` runs them on actix's test runtime,
/// `per_backend!(one_thread name)` on a one-thread runtime.
macro_rules! per_backend {
    ($name:ident) => {
        per_backend!(@cases [tokio::test(flavor = "multi_thread", worker_threads = 2)] $name $name);
    };
    ($name:ident = $function:ident) => {
        per_backend!(@cases [tokio::test(flavor = "multi_thread", worker_threads = 2)] $name $function);
    };
    (actix $name:ident = $function:ident) => {
        per_backend!(@cases [actix_web::test] $name $function);
    };
    (one_thread $name:ident) => {
        per_backend!(@cases [tokio::test] $name $name);
    };
    (@cases [$($test:tt)*] $name:ident $function:ident) => {
        mod $name {
            #[$($test)*]
            async fn sqlite() {
                super::$function($crate::common::Backend::Sqlite).await;
            }

            #[$($test)*]
            async fn postgres() {
                super::$function($crate::common::Backend::Postgres).await;
            }
        }
    };
}

/// The admin URL of the test Postgres; `FLOORWALK_TEST_POSTGRES` overrides it.
pub fn postgres_admin_url() -> String {
    std::env::var("FLOORWALK_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

pub struct TestDb {
    pub url: String,
    backend: Backend,
    name: String,
    _dir: Option<TempDir>,
}

impl TestDb {
    pub async fn new(backend: Backend) -> Self {
        let name = format!("fw_test_{}", random_suffix());
        match backend {
            Backend::Sqlite => {
                let dir = TempDir::new(&name);
                let url = format!("sqlite://{}", dir.path.join("floorwalk.db").display());
                Self {
                    url,
                    backend,
                    name,
                    _dir: Some(dir),
                }
            }
            Backend::Postgres => {
                let admin = postgres_admin_url();
                let mut conn = PgConnection::connect(&admin).await.unwrap_or_else(|e| {
                    panic!("Postgres is required for these tests and is not reachable at {admin}: {e}. Start it with `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`.")
                });
                conn.execute(format!("CREATE DATABASE {name}").as_str())
                    .await
                    .expect("create test database");
                let base = admin
                    .rsplit_once('/')
                    .map(|(b, _)| b.to_string())
                    .unwrap_or(admin);
                Self {
                    url: format!("{base}/{name}"),
                    backend,
                    name,
                    _dir: None,
                }
            }
        }
    }

    /// The database's name (Postgres) or directory label (SQLite).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Stands in for a database that was moved elsewhere; dropping it does nothing.
    pub fn placeholder() -> Self {
        Self {
            url: String::new(),
            backend: Backend::Sqlite,
            name: String::new(),
            _dir: None,
        }
    }

    /// Runs `sql` (a query returning one integer) on this database.
    pub async fn scalar(&self, sql: &str) -> i64 {
        cast::trace(&format!("scalar {sql:.60}"));
        match self.backend {
            Backend::Sqlite => {
                let mut conn = SqliteConnection::connect(&self.url).await.expect("sqlite");
                let value = sqlx::query_scalar(sql)
                    .fetch_one(&mut conn)
                    .await
                    .unwrap_or_else(|e| panic!("{sql}: {e}"));
                conn.close().await.expect("close sqlite");
                value
            }
            Backend::Postgres => {
                let mut conn = PgConnection::connect(&self.url).await.expect("postgres");
                sqlx::query_scalar(sql)
                    .fetch_one(&mut conn)
                    .await
                    .unwrap_or_else(|e| panic!("{sql}: {e}"))
            }
        }
    }

    pub async fn execute(&self, sql: &str) {
        match self.backend {
            Backend::Sqlite => {
                let mut conn = SqliteConnection::connect(&self.url).await.expect("sqlite");
                sqlx::query(sql)
                    .execute(&mut conn)
                    .await
                    .unwrap_or_else(|e| panic!("{sql}: {e}"));
                conn.close().await.expect("close sqlite");
            }
            Backend::Postgres => {
                let mut conn = PgConnection::connect(&self.url).await.expect("postgres");
                sqlx::query(sql)
                    .execute(&mut conn)
                    .await
                    .unwrap_or_else(|e| panic!("{sql}: {e}"));
            }
        }
    }

    pub async fn store(&self) -> Arc<dyn Store> {
        storage::open(&self.url, 4).await.expect("open store")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if self.backend == Backend::Postgres && !self.name.is_empty() {
            // Best effort, on a separate thread: Drop cannot be async.
            let (admin, name) = (postgres_admin_url(), self.name.clone());
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build();
                if let Ok(rt) = rt {
                    rt.block_on(async {
                        if let Ok(mut conn) = PgConnection::connect(&admin).await {
                            let _ = conn
                                .execute(
                                    format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str(),
                                )
                                .await;
                        }
                    });
                }
            })
            .join();
        }
    }
}

pub struct TempDir {
    pub path: PathBuf,
}

impl TempDir {
    pub fn new(label: &str) -> Self {
        let path = std::env::temp_dir().join(label);
        std::fs::create_dir_all(&path).expect("temp dir");
        Self { path }
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

pub fn random_suffix() -> String {
    let n: u64 = rand::random();
    format!("{n:016x}")
}

pub fn test_config(db: &TestDb) -> Config {
    Config {
        bind: "127.0.0.1:0".into(),
        database_url: db.url.clone(),
        access_poll_millis: 100,
        ..Config::default()
    }
}

/// A running server with its own database.
pub struct TestServer {
    pub base: String,
    /// The HTTP API of this server.
    pub api: Api,
    pub store: Arc<dyn Store>,
    pub app_hub: Arc<floorwalk::sync::Hub>,
    pub flattener: Arc<floorwalk::flatten::runner::Flattener>,
    handle: actix_web::dev::ServerHandle,
    pub db: TestDb,
}

impl TestServer {
    pub async fn start(backend: Backend) -> Self {
        Self::start_with(backend, |_| {}).await
    }

    pub async fn start_with(backend: Backend, tweak: impl FnOnce(&mut Config)) -> Self {
        Self::start_on(TestDb::new(backend).await, tweak).await
    }

    /// Stops this server and starts a new one on the same database.
    pub async fn restart(self) -> Self {
        self.restart_with(|_| {}).await
    }

    pub async fn restart_with(mut self, tweak: impl FnOnce(&mut Config)) -> Self {
        self.stop().await;
        let db = std::mem::replace(&mut self.db, TestDb::placeholder());
        Self::start_on(db, tweak).await
    }

    pub async fn start_on(db: TestDb, tweak: impl FnOnce(&mut Config)) -> Self {
        // `FLOORWALK_LOG=debug` shows the server's logs, to see where a test waits.
        if std::env::var_os("FLOORWALK_LOG").is_some() {
            floorwalk::telemetry::init();
        }
        let mut config = test_config(&db);
        tweak(&mut config);
        let app = Application::build(&config).await.expect("build app");
        let base = format!("http://{}", app.addr);
        let store = app.store.clone();
        let app_hub = app.hub.clone();
        let flattener = app.flattener.clone();
        let handle = app.handle();
        tokio::spawn(app.run_until_stopped());
        Self {
            api: Api::new(&base),
            base,
            store,
            app_hub,
            flattener,
            handle,
            db,
        }
    }

    /// The site document `id` is stored at; panics if it is not stored.
    pub async fn site_of(&self, id: &floorwalk::sync::DocumentId) -> i64 {
        self.store
            .document_site(id.as_str())
            .await
            .expect("site")
            .expect("stored")
    }

    /// Waits until the flattener has caught up with document `id`'s heads, so the
    /// rows reflect every change the server acknowledged.
    pub async fn flattened(&self, id: &floorwalk::sync::DocumentId) {
        use floorwalk::flatten::runner::Outcome;
        wait_until(20, "the flattener to catch up", || async {
            let site = self.store.document_site(id.as_str()).await.expect("site");
            match site {
                // Invalid: these heads are flattened as far as they can be.
                Some(site) => matches!(
                    self.flattener.flatten(id, site).await,
                    Ok(Outcome::UpToDate | Outcome::Invalid(_))
                ),
                None => false,
            }
        })
        .await;
    }

    pub fn ws_url(&self) -> String {
        format!("{}/sync", self.base.replacen("http", "ws", 1))
    }

    /// Stops like SIGTERM does: sync connections first, then the HTTP server.
    pub async fn stop(&self) {
        cast::trace("stop: closing connections");
        self.app_hub.close_all_connections("test server stopping");
        wait_until(5, "sync connections to close", || async {
            self.app_hub.connection_count() == 0
        })
        .await;
        cast::trace("stop: stopping the server");
        self.handle.stop(true).await;
        cast::trace("stop: stopped");
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        // Stop accepting and close connections; the database goes with `db`.
        let handle = self.handle.clone();
        tokio::spawn(async move { handle.stop(false).await });
    }
}

/// Creates a site (if needed) and a user who belongs to it.
pub async fn add_user(store: &dyn Store, email: &str, role: Role, sites: &[&str]) -> i64 {
    let user = store
        .create_user(&NewUser {
            email: email.into(),
            display_name: email.into(),
            role,
            password_hash: hash_password(PASSWORD.into()).await.expect("hash"),
        })
        .await
        .expect("create user");
    for slug in sites {
        let site = match store.find_site(slug).await.expect("find site") {
            Some(site) => site,
            None => store.create_site(slug, slug).await.expect("create site"),
        };
        store
            .add_membership(user.id, site.id)
            .await
            .expect("membership");
    }
    user.id
}

/// Reads an `/api/events` stream until it sends `event: revoked` (or ends), within
/// 10 s; what it sent. Panics, naming `what`, if it goes on.
pub async fn events_until_revoked(events: &mut reqwest::Response, what: &str) -> String {
    tokio::time::timeout(std::time::Duration::from_secs(10), async {
        let mut seen = String::new();
        while let Ok(Some(chunk)) = events.chunk().await {
            seen.push_str(&String::from_utf8_lossy(&chunk));
            if seen.contains("event: revoked") {
                break;
            }
        }
        seen
    })
    .await
    .unwrap_or_else(|_| panic!("{what}: still open after 10 s"))
}

/// Polls `check` until it is true or `secs` pass.
pub async fn wait_until<F, Fut>(secs: u64, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(secs);
    loop {
        // A check that itself never returns fails here, by name, not as a hung test.
        let done = tokio::time::timeout_at(deadline + std::time::Duration::from_secs(30), check())
            .await
            .unwrap_or_else(|_| panic!("a check while waiting for {what} did not return"));
        if done {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}
