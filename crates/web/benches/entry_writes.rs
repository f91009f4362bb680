//! Entry writes through the HTTP API (issue 2): 32 concurrent officials each post journal
//! entries to the server over real HTTP; prints durable writes/s and p50/p99 latency per backend.
//!
//! Run: `cargo bench -p kirjuri-web --bench entry_writes`. Knobs (environment):
//! `KIRJURI_BENCH_BACKENDS` (default `sqlite,postgres`), `KIRJURI_BENCH_WRITES` (default 20000),
//! `KIRJURI_BENCH_CONCURRENCY` (default 32). SQLite runs on a file in the temporary directory
//! with `synchronous = FULL` (every commit is on disk before the response); PostgreSQL on
//! `DATABASE_URL` in a fresh schema. Figures are printed, never asserted.
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use kirjuri_domain::*;
use kirjuri_store::testing::{fixture, postgres_url};
use kirjuri_store::{Backend, IdSource, NewUser, Store};
use serde_json::json;

const PASSWORD: &str = "bench password, not secret";

fn env_usize(name: &str, default: usize) -> usize {
    match std::env::var(name) {
        Ok(v) => v
            .parse()
            .unwrap_or_else(|_| panic!("{name} must be a whole number, got {v:?}")),
        Err(_) => default,
    }
}

fn main() {
    let writes = env_usize("KIRJURI_BENCH_WRITES", 20_000);
    let concurrency = env_usize("KIRJURI_BENCH_CONCURRENCY", 32).max(1);
    let backends =
        std::env::var("KIRJURI_BENCH_BACKENDS").unwrap_or_else(|_| "sqlite,postgres".into());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    println!(
        "entry writes through the HTTP API: {writes} writes, {concurrency} concurrent clients"
    );
    for backend in backends.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let backend = match backend {
            "sqlite" => Backend::Sqlite,
            "postgres" => Backend::Postgres,
            other => panic!("KIRJURI_BENCH_BACKENDS: unknown backend {other:?}"),
        };
        rt.block_on(run(backend, writes, concurrency));
    }
}

async fn open(backend: Backend) -> (Store, Box<dyn FnOnce() + Send>) {
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

async fn run(backend: Backend, writes: usize, concurrency: usize) {
    let (store, cleanup) = open(backend).await;
    let fx = fixture(&store).await;
    let hash = kirjuri_web::auth::hash_password(PASSWORD).unwrap();
    let mut clients = Vec::new();
    for i in 0..concurrency {
        // Each worker writes to a client of its own, as officials do.
        let hetu = demo_hetu(i);
        let c = store
            .create_client(
                NewClient {
                    hetu,
                    first_name: PersonName::parse("Penkki").unwrap(),
                    last_name: PersonName::parse(&format!("Asiakas {i}")).unwrap(),
                    language: Language::Fi,
                    org_id: fx.org_a.id,
                },
                &kirjuri_store::testing::acting(&fx.official_a),
            )
            .await
            .unwrap();
        clients.push(c.id);
    }
    store
        .create_user(NewUser {
            username: Username::parse("bench").unwrap(),
            display_name: PersonName::parse("Penkki Virkailija").unwrap(),
            role: Role::Official,
            org_id: Some(fx.org_a.id),
            client_id: None,
            password_hash: Some(hash),
        })
        .await
        .unwrap();

    let state = kirjuri_web::AppState::new(store.clone(), Default::default()).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(kirjuri_web::serve(listener, state, async {
        let _ = stop_rx.await;
    }));

    let mut workers = Vec::new();
    let per_worker = writes.div_ceil(concurrency);
    let start = Instant::now();
    for client in clients {
        let base = base.clone();
        workers.push(tokio::spawn(async move {
            let http = reqwest::Client::builder()
                .cookie_store(true)
                .build()
                .unwrap();
            let r = http
                .post(format!("{base}/api/login"))
                .json(&json!({"username": "bench", "password": PASSWORD}))
                .send()
                .await
                .unwrap();
            assert!(r.status().is_success(), "log-in: {}", r.status());
            let url = format!("{base}/api/clients/{client}/entries");
            let mut lat = Vec::with_capacity(per_worker);
            for i in 0..per_worker {
                let body = json!({
                    "entry_type": "contact",
                    "text": format!("Puhelinsoitto {i}: sovittiin seuraavasta tapaamisesta."),
                    "event_at": "2026-03-02T10:00:00+02:00",
                });
                let t = Instant::now();
                let r = http.post(&url).json(&body).send().await.unwrap();
                let status = r.status();
                let _ = r.bytes().await.unwrap();
                lat.push(t.elapsed());
                assert_eq!(status.as_u16(), 201, "entry write failed");
            }
            lat
        }));
    }
    let mut latencies: Vec<Duration> = Vec::with_capacity(writes);
    // Log-ins (Argon2id) are inside the timed span but few: 32 against thousands of writes.
    for w in workers {
        latencies.extend(w.await.unwrap());
    }
    let elapsed = start.elapsed();
    let _ = stop_tx.send(());
    server.await.unwrap().unwrap();
    let stored = kirjuri_store::testing::raw_i64(&store, "SELECT COUNT(*) FROM entries").await;
    store.close().await;
    cleanup();

    latencies.sort();
    let pct = |p: f64| latencies[((latencies.len() as f64 - 1.0) * p).round() as usize];
    println!(
        "{backend:?}: {} writes in {:.2} s = {:.0} writes/s; latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({} entries on record)",
        latencies.len(),
        elapsed.as_secs_f64(),
        latencies.len() as f64 / elapsed.as_secs_f64(),
        pct(0.50).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3,
        latencies[latencies.len() - 1].as_secs_f64() * 1e3,
        stored,
    );
}

/// Valid test-range identity codes (900–999), one per worker.
fn demo_hetu(i: usize) -> Hetu {
    let born =
        chrono::NaiveDate::from_ymd_opt(1985, 1 + (i % 9) as u32, 1 + (i % 28) as u32).unwrap();
    Hetu::from_parts(born, 900 + (i % 100) as u16).unwrap()
}
