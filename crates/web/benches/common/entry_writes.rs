//! Entry writes through the HTTP API (issue 2): concurrent officials each post journal entries
//! to a client of their own over real HTTP; durable writes/s and latency.

use std::time::{Duration, Instant};

use kirjuri_domain::*;
use kirjuri_store::testing::fixture;
use kirjuri_store::{Backend, NewUser};
use serde_json::json;

use super::{open, Figures, Server};

const PASSWORD: &str = "bench password, not secret";

pub async fn run(backend: Backend, writes: usize, concurrency: usize) -> Figures {
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

    let server = Server::start(&store).await;
    let base = server.base.clone();

    // Log in before the clock starts, one after another: Argon2id is deliberately slow and
    // not what is measured, and log-ins at once for one account are counted as guesses
    // (issue 16, the failed-log-in limit).
    let mut sessions = Vec::with_capacity(concurrency);
    for _ in 0..concurrency {
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
        sessions.push(http);
    }

    let mut workers = Vec::new();
    let per_worker = writes.div_ceil(concurrency);
    let start = Instant::now();
    for (client, http) in clients.into_iter().zip(sessions) {
        let base = base.clone();
        workers.push(tokio::spawn(async move {
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
    for w in workers {
        latencies.extend(w.await.unwrap());
    }
    let elapsed = start.elapsed();
    server.stop().await;
    let stored = kirjuri_store::testing::raw_i64(&store, "SELECT COUNT(*) FROM entries").await;
    store.close().await;
    cleanup();

    Figures::new(latencies, elapsed, format!("{stored} entries on record"))
}

/// Valid test-range identity codes (900–999), one per worker.
fn demo_hetu(i: usize) -> Hetu {
    let born =
        chrono::NaiveDate::from_ymd_opt(1985, 1 + (i % 9) as u32, 1 + (i % 28) as u32).unwrap();
    Hetu::from_parts(born, 900 + (i % 100) as u16).unwrap()
}
