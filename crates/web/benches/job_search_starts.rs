//! Job-search starts through the HTTP API (issue 5): concurrent officials register job searches
//! for clean cases; each request runs the whole procedure in one transaction — request built
//! from the answers and register facts, rules evaluated under an adoption decision, statement
//! document generated and language-checked, decision row, ledger leaves, access log, commit.
//! Prints starts/s and p50/p99 latency per backend.
//!
//! Run: `cargo bench -p kirjuri-web --bench job_search_starts`. Knobs (environment):
//! `KIRJURI_BENCH_BACKENDS` (default `sqlite,postgres`), `KIRJURI_BENCH_STARTS` (default 5000;
//! one client per start, since a client has one job search at a time),
//! `KIRJURI_BENCH_CONCURRENCY` (default 32). SQLite runs on a file with `synchronous = FULL`;
//! PostgreSQL on `DATABASE_URL` in a fresh schema. Figures are printed, never asserted.
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

mod common;

use common::open;
use kirjuri_domain::*;
use kirjuri_store::testing::{acting, fixture, raw_i64};
use kirjuri_store::{Backend, NewAdoptionDecision, NewUser, RegisterFacts};
use serde_json::json;

const PASSWORD: &str = "bench password, not secret";

fn main() {
    let starts = common::env_usize("KIRJURI_BENCH_STARTS", 5_000);
    let concurrency = common::env_usize("KIRJURI_BENCH_CONCURRENCY", 32).max(1);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    println!(
        "job-search starts through the HTTP API (decision + statement document + ledger + commit): \
         {starts} starts, {concurrency} concurrent officials"
    );
    for backend in common::backends() {
        rt.block_on(run(backend, starts, concurrency));
    }
}

async fn run(backend: Backend, starts: usize, concurrency: usize) {
    let (store, cleanup) = open(backend).await;
    let fx = fixture(&store).await;
    let rules = kirjuri_rules::RuleSets::shipped().unwrap();
    store
        .register_adoption_decision(
            NewAdoptionDecision {
                number: "KEHA/73792/2024".into(),
                decided_on: chrono::NaiveDate::from_ymd_opt(2024, 10, 14).unwrap(),
                rule_set_hashes: vec![rules.start.hash().to_string(), rules.end.hash().to_string()],
                quality_owner: "Laura Laatu".into(),
                error_owner: "Veikko Virhe".into(),
                url: "https://kirjuri.example.fi/adoption-decisions/KEHA-73792-2024".into(),
            },
            fx.official_a.id,
        )
        .await
        .unwrap();
    // Clients with clean register facts, made before the clock starts.
    let setup = Instant::now();
    let by = acting(&fx.official_a);
    let mut clients = Vec::with_capacity(starts);
    for i in 0..starts {
        let c = store
            .create_client(
                NewClient {
                    hetu: common::test_hetu(i),
                    first_name: PersonName::parse("Penkki").unwrap(),
                    last_name: PersonName::parse(&format!("Asiakas {i}")).unwrap(),
                    language: if i % 10 == 0 {
                        Language::Sv
                    } else {
                        Language::Fi
                    },
                    org_id: fx.org_a.id,
                },
                &by,
            )
            .await
            .unwrap();
        store
            .set_register_facts(
                c.id,
                RegisterFacts {
                    employment_continues: false,
                    active_degree_studies: false,
                    active_business: false,
                    resides_in_finland: true,
                    right_to_work: "citizen".into(),
                    vocational_qualification: true,
                    partial_disability_pension: false,
                },
                &by,
            )
            .await
            .unwrap();
        clients.push(c.id);
    }
    let hash = kirjuri_app::hash_password(PASSWORD).unwrap();
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
    let setup = setup.elapsed();

    let server = common::Server::start(&store).await;
    let base = server.base.clone();
    let today = SystemClock.today().to_string();

    // Log in before the clock starts: Argon2id is deliberately slow and not what is measured.
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

    let start = Instant::now();
    let mut workers = Vec::new();
    for (w, http) in sessions.into_iter().enumerate() {
        let mine: Vec<ClientId> = clients
            .iter()
            .skip(w)
            .step_by(concurrency)
            .copied()
            .collect();
        let (base, today) = (base.clone(), today.clone());
        workers.push(tokio::spawn(async move {
            let mut lat = Vec::with_capacity(mine.len());
            for client in mine {
                let body = json!({
                    "start_date": today,
                    "acknowledged_notice": true,
                    "answers": {
                        "employment": "none", "seeks_full_time_work": true,
                        "previous_employment_end": {"date": "2026-02-27", "reason": "fixed_term_ended"},
                        "studies": "none", "business": "none",
                        "business_started_while_unemployed_on": null,
                        "in_service": null, "free_text": null,
                    },
                });
                let t = Instant::now();
                let r = http
                    .post(format!("{base}/api/clients/{client}/job-searches"))
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                let status = r.status();
                let b: serde_json::Value = r.json().await.unwrap();
                lat.push(t.elapsed());
                assert_eq!(status.as_u16(), 201, "job-search start failed: {b}");
                assert_eq!(
                    b["decision"]["outcome"], "auto_positive",
                    "a clean case must be decided automatically: {b}"
                );
            }
            lat
        }));
    }
    let mut latencies: Vec<Duration> = Vec::with_capacity(starts);
    for w in workers {
        latencies.extend(w.await.unwrap());
    }
    let elapsed = start.elapsed();
    server.stop().await;
    let decided = raw_i64(
        &store,
        "SELECT COUNT(*) FROM decisions WHERE outcome = 'auto_positive' AND document IS NOT NULL",
    )
    .await;
    let leaves = raw_i64(&store, "SELECT COUNT(*) FROM ledger_leaves").await;
    store.close().await;
    cleanup();

    latencies.sort();
    let pct = |p: f64| latencies[((latencies.len() as f64 - 1.0) * p).round() as usize];
    println!(
        "{backend:?}: {} starts in {:.2} s = {:.0} starts/s; latency p50 {:.2} ms, p99 {:.2} ms, \
         max {:.2} ms ({decided} automatic statements on record, {leaves} ledger leaves; \
         setup of {} clients {:.1} s)",
        latencies.len(),
        elapsed.as_secs_f64(),
        latencies.len() as f64 / elapsed.as_secs_f64(),
        pct(0.50).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3,
        latencies[latencies.len() - 1].as_secs_f64() * 1e3,
        starts,
        setup.as_secs_f64(),
    );
}
