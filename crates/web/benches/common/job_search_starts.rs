//! Job-search starts through the HTTP API (issue 5): concurrent officials register job searches
//! for clean cases; each request runs the whole procedure in one transaction — request built
//! from the answers and register facts, rules evaluated under an adoption decision, statement
//! document generated and language-checked, decision row, ledger leaves, access log, commit.

use std::time::{Duration, Instant};

use kirjuri_domain::*;
use kirjuri_store::testing::{acting, fixture, raw_i64};
use kirjuri_store::{Backend, NewAdoptionDecision, NewUser, RegisterFacts};
use serde_json::json;

use super::{open, test_hetu, Figures, Server};

const PASSWORD: &str = "bench password, not secret";

pub async fn run(backend: Backend, starts: usize, concurrency: usize) -> Figures {
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
                    hetu: test_hetu(i),
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

    let server = Server::start(&store).await;
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

    Figures::new(
        latencies,
        elapsed,
        format!(
            "{decided} automatic statements on record, {leaves} ledger leaves; setup of {starts} \
             clients {:.1} s",
            setup.as_secs_f64()
        ),
    )
}
