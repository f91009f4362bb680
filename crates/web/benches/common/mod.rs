//! What the HTTP benchmarks share: a fresh store per backend and the knobs from the environment.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;

use kirjuri_domain::{Clock, Hetu, SystemClock};
use kirjuri_store::testing::postgres_url;
use kirjuri_store::{Backend, IdSource, Store};

pub mod entry_writes;
pub mod job_search_starts;
pub mod pgbench;

/// What one measured run gives: how many requests in how long, and their latencies.
pub struct Figures {
    pub count: usize,
    pub elapsed: Duration,
    pub p50: Duration,
    pub p99: Duration,
    pub max: Duration,
    /// What the run left in the database, to show it did the work.
    pub note: String,
}

impl Figures {
    pub fn new(mut latencies: Vec<Duration>, elapsed: Duration, note: String) -> Self {
        latencies.sort();
        let pct = |p: f64| latencies[((latencies.len() as f64 - 1.0) * p).round() as usize];
        Self {
            count: latencies.len(),
            elapsed,
            p50: pct(0.50),
            p99: pct(0.99),
            max: latencies[latencies.len() - 1],
            note,
        }
    }

    pub fn per_second(&self) -> f64 {
        self.count as f64 / self.elapsed.as_secs_f64()
    }

    /// One line of figures: "N what in S s = R what/s; latency ...".
    pub fn line(&self, what: &str) -> String {
        format!(
            "{} {what} in {:.2} s = {:.0} {what}/s; latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({})",
            self.count,
            self.elapsed.as_secs_f64(),
            self.per_second(),
            ms(self.p50),
            ms(self.p99),
            ms(self.max),
            self.note,
        )
    }
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

pub fn env_usize(name: &str, default: usize) -> usize {
    match std::env::var(name) {
        Ok(v) => v
            .parse()
            .unwrap_or_else(|_| panic!("{name} must be a whole number, got {v:?}")),
        Err(_) => default,
    }
}

/// The backends named in `KIRJURI_BENCH_BACKENDS` (default `sqlite,postgres`).
pub fn backends() -> Vec<Backend> {
    let spec = std::env::var("KIRJURI_BENCH_BACKENDS").unwrap_or_else(|_| "sqlite,postgres".into());
    kirjuri_store::testing::parse_backends(&spec)
        .unwrap_or_else(|e| panic!("KIRJURI_BENCH_BACKENDS: {e}"))
}

/// The app on a free port over `store`, until [`Server::stop`].
pub struct Server {
    pub base: String,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Server {
    pub async fn start(store: &Store) -> Self {
        let app = kirjuri_app::App::new(store.clone(), Default::default()).unwrap();
        let state = kirjuri_web::AppState::new(app, Default::default()).unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(kirjuri_web::serve(listener, state, async {
            let _ = stopped.await;
        }));
        Self { base, stop, task }
    }

    /// Stops taking requests and waits for those in flight.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        self.task.await.unwrap().unwrap();
    }
}

/// Valid test-range identity codes (900–999): distinct for `i` below 100 000.
pub fn test_hetu(i: usize) -> Hetu {
    let born = chrono::NaiveDate::from_ymd_opt(1980, 1, 1).unwrap()
        + chrono::Days::new((i / 100) as u64 % 7_000);
    Hetu::from_parts(born, 900 + (i % 100) as u16).unwrap()
}

pub async fn open(backend: Backend) -> (Store, Box<dyn FnOnce() + Send>) {
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    match backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join(format!("kirjuri-bench-{}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            let path = dir.join("bench.db");
            let store = Store::connect(
                &format!("sqlite:{}", path.display()),
                None,
                clock,
                IdSource::seeded(1),
            )
            .await
            .unwrap()
            .with_ledger(kirjuri_store::testing::test_ledger_keys());
            (store, Box::new(move || drop(std::fs::remove_dir_all(dir))))
        }
        Backend::Postgres => {
            let schema = format!("kirjuri_bench_{}", std::process::id());
            let store = Store::connect(&postgres_url(), Some(&schema), clock, IdSource::seeded(1))
                .await
                .unwrap_or_else(|e| panic!("PostgreSQL at {}: {e}", postgres_url()))
                .with_ledger(kirjuri_store::testing::test_ledger_keys());
            let cleanup = move || {
                // Dropped on a runtime of its own: the bench's runtime is busy in block_on.
                std::thread::spawn(move || {
                    tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .unwrap()
                        .block_on(kirjuri_store::testing::drop_schema(&schema));
                })
                .join()
                .unwrap();
            };
            (store, Box::new(cleanup))
        }
    }
}
