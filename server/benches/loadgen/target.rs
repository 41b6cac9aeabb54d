//! The servers under test: the real `floorwalk` binary on a fresh database,
//! or the official JS sync server (automerge-repo + NodeWSServerAdapter).

use std::{path::PathBuf, process::Stdio, time::Duration};

use tokio::{
    io::{AsyncBufReadExt, BufReader},
    process::{Child, Command},
};

pub struct Target {
    pub name: String,
    pub ws: String,
    /// HTTP base for logins and tickets; `None` for the reference (no auth).
    pub http: Option<String>,
    /// The fresh database the floorwalk binary serves; `None` for the reference.
    pub database_url: Option<String>,
    child: Child,
    /// More instances on the same database (`floorwalk-postgres-xN`): (ws, http, process).
    others: Vec<(String, String, Child)>,
    _dir: TempDir,
}

/// Every instance of a cluster signs tokens with this (benchmarks only).
const CLUSTER_SECRET: &str = "loadgen-cluster-secret-at-least-32-bytes-long";

pub struct TempDir(pub PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn temp_dir(label: &str) -> TempDir {
    let dir =
        std::env::temp_dir().join(format!("fw-loadgen-{label}-{:016x}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    TempDir(dir)
}

pub const BENCH_EMAIL: &str = "bench@load.test";
pub const BENCH_PASSWORD: &str = "bench-password-1";

/// Another build of `floorwalk` to measure instead of the one built with this
/// benchmark (say, an earlier commit's), with the very same clients.
fn other_build() -> Option<String> {
    std::env::var("FLOORWALK_BENCH_BIN").ok()
}

/// The `floorwalk` binary under test.
fn floorwalk_bin() -> String {
    other_build().unwrap_or_else(|| env!("CARGO_BIN_EXE_floorwalk").to_string())
}

impl Target {
    /// `database` is `sqlite` or a Postgres admin URL's database to create.
    pub async fn floorwalk(database: &str, env: &[(&str, String)]) -> Self {
        let dir = temp_dir("floorwalk");
        let url = match database {
            "sqlite" => format!("sqlite://{}/fw.db", dir.0.display()),
            _ => create_postgres_database().await,
        };
        let bin = floorwalk_bin();
        let cli = |args: &[&str], stdin: Option<&str>| {
            let mut cmd = std::process::Command::new(&bin);
            cmd.args(args)
                .env("FLOORWALK_DATABASE_URL", &url)
                .env("FLOORWALK_LOG", "warn");
            cmd.stdin(Stdio::piped()).stdout(Stdio::null());
            let mut child = cmd.spawn().expect("floorwalk cli");
            if let (Some(text), Some(mut pipe)) = (stdin, child.stdin.take()) {
                use std::io::Write;
                writeln!(pipe, "{text}").expect("stdin");
            }
            assert!(
                child.wait().expect("cli").success(),
                "floorwalk {args:?} failed"
            );
        };
        cli(&["site", "add", "bench"], None);
        cli(
            &[
                "user",
                "add",
                BENCH_EMAIL,
                "--role",
                "staff",
                "--site",
                "bench",
            ],
            Some(BENCH_PASSWORD),
        );
        let mut cmd = Command::new(&bin);
        cmd.args(["serve", "--bind", "127.0.0.1:0"])
            .env("FLOORWALK_DATABASE_URL", &url)
            .env("FLOORWALK_LOG", "warn")
            .env("FLOORWALK_OUTGOING_QUEUE_FRAMES", "4096");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let (child, line) = spawn_until_line(cmd, "floorwalk listening on ").await;
        let http = line.trim().rsplit(' ').next().expect("address").to_string();
        Self {
            name: format!(
                "floorwalk ({}){}",
                if database == "sqlite" {
                    "SQLite"
                } else {
                    "Postgres"
                },
                other_build().map_or_else(String::new, |bin| format!(" [{bin}]"))
            ),
            ws: format!("{}/sync", http.replacen("http", "ws", 1)),
            http: Some(http),
            database_url: Some(url),
            child,
            others: Vec::new(),
            _dir: dir,
        }
    }

    /// `instances` floorwalk processes on one fresh Postgres database; clients
    /// are spread over them (see [`Target::endpoint`]).
    pub async fn floorwalk_cluster(instances: usize, env: &[(&str, String)]) -> Self {
        let mut env = env.to_vec();
        env.push(("FLOORWALK_JWT_SECRET", CLUSTER_SECRET.to_string()));
        let mut first = Self::floorwalk("postgres", &env).await;
        let url = first.database_url.clone().expect("database");
        for _ in 1..instances {
            let mut cmd = Command::new(floorwalk_bin());
            cmd.args(["serve", "--bind", "127.0.0.1:0"])
                .env("FLOORWALK_DATABASE_URL", &url)
                .env("FLOORWALK_LOG", "warn")
                .env("FLOORWALK_OUTGOING_QUEUE_FRAMES", "4096");
            for (k, v) in &env {
                cmd.env(k, v);
            }
            let (child, line) = spawn_until_line(cmd, "floorwalk listening on ").await;
            let http = line.trim().rsplit(' ').next().expect("address").to_string();
            let ws = format!("{}/sync", http.replacen("http", "ws", 1));
            first.others.push((ws, http, child));
        }
        first.name = format!("floorwalk (Postgres, {instances} instances)");
        first
    }

    /// Where client `i` connects: the instances in turn.
    pub fn endpoint(&self, i: usize) -> (&str, Option<&str>) {
        match i % (self.others.len() + 1) {
            0 => (&self.ws, self.http.as_deref()),
            k => {
                let (ws, http, _) = &self.others[k - 1];
                (ws, Some(http))
            }
        }
    }

    fn https(&self) -> Vec<&str> {
        self.http
            .iter()
            .map(String::as_str)
            .chain(self.others.iter().map(|(_, http, _)| http.as_str()))
            .collect()
    }

    fn pids(&self) -> Vec<u32> {
        std::iter::once(&self.child)
            .chain(self.others.iter().map(|(_, _, child)| child))
            .filter_map(Child::id)
            .collect()
    }

    pub async fn reference() -> Self {
        let dir = temp_dir("reference");
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/js/bench/reference-sync-server.mjs"
        );
        let mut cmd = Command::new("node");
        cmd.args(["--max-old-space-size=8192", script, "0"])
            .arg(&dir.0);
        let (child, line) = spawn_until_line(cmd, "reference listening on ").await;
        // The JS repo attaches its websocket handlers a moment after the port
        // opens; connections made in between are dropped.
        tokio::time::sleep(Duration::from_secs(1)).await;
        Self {
            name: "JS reference (automerge-repo NodeWSServerAdapter + nodefs)".into(),
            // An explicit path: the websocket client would otherwise send an empty request target.
            ws: format!("{}/", line.trim().rsplit(' ').next().expect("address")),
            http: None,
            database_url: None,
            child,
            others: Vec::new(),
            _dir: dir,
        }
    }

    /// Current and peak resident memory of the server process (summed over a
    /// cluster's instances), in MiB.
    pub fn memory_mib(&self) -> (f64, f64) {
        let mut total = (0.0, 0.0);
        for pid in self.pids() {
            let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
            let field = |name: &str| {
                status
                    .lines()
                    .find(|l| l.starts_with(name))
                    .and_then(|l| l.split_whitespace().nth(1))
                    .and_then(|kb| kb.parse::<f64>().ok())
                    .unwrap_or(0.0)
                    / 1024.0
            };
            total.0 += field("VmRSS:");
            total.1 += field("VmHWM:");
        }
        total
    }

    /// CPU time the server processes have used so far (user + system, summed
    /// over a cluster's instances), in seconds: the per-write cost of a build,
    /// measured apart from the load generator's share of the machine.
    pub fn cpu_seconds(&self) -> f64 {
        let ticks_per_second = clock_ticks_per_second();
        self.pids()
            .into_iter()
            .filter_map(|pid| std::fs::read_to_string(format!("/proc/{pid}/stat")).ok())
            .filter_map(|stat| {
                // Fields after the command name, which is in parentheses and may hold spaces.
                let rest = stat.rsplit_once(')')?.1;
                let fields: Vec<&str> = rest.split_whitespace().collect();
                // utime and stime are fields 14 and 15 of stat(5); `rest` starts at field 3.
                let utime: f64 = fields.get(11)?.parse().ok()?;
                let stime: f64 = fields.get(12)?.parse().ok()?;
                Some((utime + stime) / ticks_per_second)
            })
            .sum()
    }

    /// Every instance's `/metrics` text.
    async fn metrics_texts(&self) -> Vec<String> {
        let mut texts = Vec::new();
        for http in self.https() {
            if let Ok(response) = reqwest::get(format!("{http}/metrics")).await
                && let Ok(text) = response.text().await
            {
                texts.push(text);
            }
        }
        texts
    }

    /// A counter or gauge, summed over the instances.
    pub async fn metric(&self, name: &str) -> Option<f64> {
        let texts = self.metrics_texts().await;
        let values: Vec<f64> = texts
            .iter()
            .filter_map(|body| {
                body.lines()
                    .find(|l| l.starts_with(name) && l.as_bytes().get(name.len()) == Some(&b' '))
                    .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
            })
            .collect();
        (!values.is_empty()).then(|| values.iter().sum())
    }

    /// A histogram's cumulative buckets `(upper bound in s, count)`, summed over
    /// the instances; empty for the reference.
    pub async fn histogram(&self, name: &str) -> Vec<(f64, f64)> {
        let mut buckets: Vec<(f64, f64)> = Vec::new();
        let prefix = format!("{name}_bucket{{");
        for text in self.metrics_texts().await {
            let mut i = 0;
            for line in text.lines().filter(|l| l.starts_with(&prefix)) {
                let le = line
                    .split("le=\"")
                    .nth(1)
                    .and_then(|rest| rest.split('"').next())
                    .map(|le| {
                        if le == "+Inf" {
                            f64::INFINITY
                        } else {
                            le.parse().unwrap_or(f64::NAN)
                        }
                    });
                let count = line
                    .split_whitespace()
                    .last()
                    .and_then(|c| c.parse::<f64>().ok());
                if let (Some(le), Some(count)) = (le, count) {
                    if buckets.len() <= i {
                        buckets.push((le, 0.0));
                    }
                    buckets[i].1 += count;
                    i += 1;
                }
            }
        }
        buckets
    }

    pub async fn stop(mut self) {
        for pid in self.pids() {
            let _ = std::process::Command::new("kill")
                .arg(pid.to_string())
                .status();
        }
        let _ = tokio::time::timeout(Duration::from_secs(15), self.child.wait()).await;
        let _ = self.child.kill().await;
        for (_, _, mut child) in std::mem::take(&mut self.others) {
            let _ = tokio::time::timeout(Duration::from_secs(15), child.wait()).await;
            let _ = child.kill().await;
        }
    }
}

async fn spawn_until_line(mut cmd: Command, prefix: &str) -> (Child, String) {
    cmd.stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true);
    let mut child = cmd.spawn().expect("spawn server");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    loop {
        let line = tokio::time::timeout(Duration::from_secs(60), lines.next_line())
            .await
            .expect("server did not start within 60 s")
            .expect("read")
            .expect("server exited before listening");
        if line.starts_with(prefix) {
            // Keep draining stdout so the server never blocks on a full pipe.
            tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
            return (child, line);
        }
    }
}

async fn create_postgres_database() -> String {
    use sqlx::{Connection, Executor};
    let admin = std::env::var("FLOORWALK_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let name = format!("fw_bench_{:016x}", rand::random::<u64>());
    let mut conn = sqlx::PgConnection::connect(&admin)
        .await
        .expect("Postgres on 127.0.0.1:5432");
    conn.execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .expect("create database");
    let base = admin
        .rsplit_once('/')
        .map(|(b, _)| b.to_string())
        .unwrap_or(admin);
    format!("{base}/{name}")
}

/// The kernel's unit for `/proc/<pid>/stat` times (`getconf CLK_TCK`, 100 on
/// every Linux this runs on).
fn clock_ticks_per_second() -> f64 {
    std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .and_then(|text| text.trim().parse().ok())
        .unwrap_or(100.0)
}
