//! Entry writes through the HTTP API (issue 2): 32 concurrent officials each post journal
//! entries to the server over real HTTP; prints durable writes/s and p50/p99 latency per backend.
//!
//! Run: `cargo bench -p kirjuri-web --bench entry_writes`. Knobs (environment):
//! `KIRJURI_BENCH_BACKENDS` (default `sqlite,postgres`), `KIRJURI_BENCH_WRITES` (default 20000),
//! `KIRJURI_BENCH_CONCURRENCY` (default 32). SQLite runs on a file in the temporary directory
//! with `synchronous = FULL` (every commit is on disk before the response); PostgreSQL on
//! `DATABASE_URL` in a fresh schema. Figures are printed, never asserted.
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

mod common;

use common::open;
use kirjuri_domain::*;
use kirjuri_store::testing::fixture;
use kirjuri_store::{Backend, NewUser};
use serde_json::json;

const PASSWORD: &str = "bench password, not secret";

fn main() {
    let writes = common::env_usize("KIRJURI_BENCH_WRITES", 20_000);
    let concurrency = common::env_usize("KIRJURI_BENCH_CONCURRENCY", 32).max(1);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    println!(
        "entry writes through the HTTP API: {writes} writes, {concurrency} concurrent clients"
    );
    for backend in common::backends() {
        rt.block_on(run(backend, writes, concurrency));
    }
}

async fn run(backend: Backend, writes: usize, concurrency: usize) {
    let (store, cleanup) = open(backend).await;
    let fx = fixture(&store).await;
    let hash = kirjuri_app::hash_password(PASSWORD).unwrap();
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

    let server = common::Server::start(&store).await;
    let base = server.base.clone();

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
    server.stop().await;
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
