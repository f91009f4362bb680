//! Issue 5 (delivery) and A11: statements go to the benefit payers the client has applied to,
//! through the outbox, exactly once per payer as the payer's idempotency key sees it. The
//! payers here are real HTTP servers (axum on port 0) that record every arrival and can fail
//! on demand.

use super::*;
use std::sync::Mutex;

use kirjuri_app::worker::{DeliveryConfig, DeliveryWorker};

// ---- a payer ----------------------------------------------------------------------------------

/// How the payer answers the next requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Accept,
    /// Answer 503 to this many requests, then accept.
    Fail(u32),
    /// Accept (record the key as processed) and never answer: the sender cannot know.
    AcceptAndHang,
}

#[derive(Debug, Clone)]
struct Arrival {
    path: String,
    key: String,
    body: Value,
}

#[derive(Debug)]
struct PayerState {
    mode: Mode,
    /// Every request as it arrived (raw).
    arrivals: Vec<Arrival>,
    /// Keys the payer has processed: a second arrival with one is answered as before and not
    /// processed again (what the Idempotency-Key header is for).
    processed: Vec<String>,
}

#[derive(Clone)]
struct Payer {
    base: String,
    state: Arc<Mutex<PayerState>>,
}

impl Payer {
    async fn start() -> Payer {
        let state = Arc::new(Mutex::new(PayerState {
            mode: Mode::Accept,
            arrivals: Vec::new(),
            processed: Vec::new(),
        }));
        let s = state.clone();
        let app = axum::Router::new().route(
            "/{*path}",
            axum::routing::post(
                move |uri: axum::http::Uri, headers: axum::http::HeaderMap, body: String| {
                    let s = s.clone();
                    async move {
                        let key = headers
                            .get("idempotency-key")
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or_default()
                            .to_owned();
                        let hang = {
                            let mut st = s.lock().unwrap();
                            st.arrivals.push(Arrival {
                                path: uri.path().to_owned(),
                                key: key.clone(),
                                body: serde_json::from_str(&body).unwrap_or(Value::Null),
                            });
                            match st.mode {
                                Mode::Fail(n) if n > 0 => {
                                    st.mode = Mode::Fail(n - 1);
                                    return (
                                        axum::http::StatusCode::SERVICE_UNAVAILABLE,
                                        "huoltokatko".to_owned(),
                                    );
                                }
                                Mode::AcceptAndHang => true,
                                _ => false,
                            }
                        };
                        {
                            let mut st = s.lock().unwrap();
                            if !st.processed.contains(&key) {
                                st.processed.push(key.clone());
                            }
                        }
                        if hang {
                            tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
                        }
                        (
                            axum::http::StatusCode::OK,
                            json!({"received": key}).to_string(),
                        )
                    }
                },
            ),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Payer { base, state }
    }

    fn set(&self, mode: Mode) {
        self.state.lock().unwrap().mode = mode;
    }

    fn arrivals(&self) -> Vec<Arrival> {
        self.state.lock().unwrap().arrivals.clone()
    }

    fn processed(&self) -> Vec<String> {
        self.state.lock().unwrap().processed.clone()
    }

    /// Waits until `n` requests have arrived (wall time bounds the wait, never the verdict).
    async fn wait_for(&self, n: usize) {
        for _ in 0..2000 {
            if self.arrivals().len() >= n {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!(
            "the payer got {:?}, expected {n} arrivals",
            self.arrivals().len()
        );
    }
}

fn worker_config(name: &str) -> DeliveryConfig {
    DeliveryConfig {
        worker: name.to_owned(),
        poll: std::time::Duration::from_millis(10),
        lease: chrono::Duration::seconds(60),
        timeout: std::time::Duration::from_secs(20),
        backoff: chrono::Duration::seconds(10),
        max_backoff: chrono::Duration::minutes(10),
        batch: 10,
    }
}

// ---- helpers ----------------------------------------------------------------------------------

/// A clean start for client A: an automatic positive statement.
async fn clean_start(app: &App, a: &Http) -> Value {
    let (s, b) = a
        .put(
            &app.client_path("/register-facts"),
            json!({
                "employment_continues": false, "active_degree_studies": false,
                "active_business": false, "resides_in_finland": true, "right_to_work": "citizen",
                "vocational_qualification": true, "partial_disability_pension": false,
            }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (s, b) = a
        .post(
            &app.client_path("/job-searches"),
            json!({"start_date": "2026-03-02", "acknowledged_notice": true, "answers": {
                "employment": "none", "seeks_full_time_work": true,
                "previous_employment_end": {"date": "2026-02-27", "reason": "fixed_term_ended"},
                "studies": "none", "business": "none",
                "business_started_while_unemployed_on": null, "in_service": null,
                "free_text": null,
            }}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert_eq!(b["decision"]["outcome"], "auto_positive", "{b}");
    b["decision"].clone()
}

async fn register_payer(app: &App, name_fi: &str, name_sv: &str, url: &str) -> String {
    let admin = app.login("admin").await;
    let (s, b) = admin
        .post(
            "/api/benefit-payers",
            json!({"name_fi": name_fi, "name_sv": name_sv, "endpoint_url": url}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    b["id"].as_str().unwrap().to_owned()
}

async fn apply(app: &App, a: &Http, payer: &str, from: &str) -> Value {
    let (s, b) = a
        .post(
            &app.client_path("/benefit-applications"),
            json!({"payer_id": payer, "from_date": from}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    b
}

async fn deliveries(app: &App, http: &Http) -> Vec<Value> {
    let (s, b) = http.get(&app.client_path("/deliveries")).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b.as_array().unwrap().clone()
}

/// Waits until every delivery of client A is delivered.
async fn wait_delivered(app: &App, http: &Http, n: usize) -> Vec<Value> {
    for _ in 0..2000 {
        let d = deliveries(app, http).await;
        if d.len() == n && d.iter().all(|d| d["state"] == "delivered") {
            return d;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("not delivered: {:?}", deliveries(app, http).await);
}

async fn ledger_holds(app: &App) {
    app.store.ledger_checkpoint().await.unwrap();
    let report = app
        .store
        .verify_ledger(&[kirjuri_store::testing::test_ledger_keys().verifier()])
        .await
        .unwrap();
    assert!(report.fault.is_none(), "{report:?}");
}

// ---- tests ------------------------------------------------------------------------------------

/// Issue 5, A18: payers are registered by an administrator with an https endpoint (http only
/// to loopback); applications are recorded by the client's own official, not by the client,
/// and a bad request changes nothing.
#[tokio::test]
async fn issue5_payers_and_applications_are_checked() {
    each_backend(|app| async move {
        let admin = app.login("admin").await;
        let (s, b) = admin
            .post(
                "/api/benefit-payers",
                json!({"name_fi": "Kansaneläkelaitos", "name_sv": "Folkpensionsanstalten",
                       "endpoint_url": "http://kela.example.fi/lausunnot"}),
            )
            .await;
        assert_field_error(s, &b, "endpoint_url");
        assert!(
            b["error"]["message"].as_str().unwrap().contains("https"),
            "{b}"
        );
        let (s, b) = admin
            .post(
                "/api/benefit-payers",
                json!({"name_fi": "Kansaneläkelaitos", "name_sv": "Folkpensionsanstalten",
                       "endpoint_url": "https://kela.example.fi/lausunnot", "extra": 1}),
            )
            .await;
        assert!(s.is_client_error(), "{b}");
        assert_eq!(
            raw_i64(&app.store, "SELECT COUNT(*) FROM benefit_payers").await,
            0
        );
        let kela = register_payer(
            &app,
            "Kansaneläkelaitos",
            "Folkpensionsanstalten",
            "https://kela.example.fi/lausunnot",
        )
        .await;
        let (s, b) = admin
            .post(
                "/api/benefit-payers",
                json!({"name_fi": "Kansaneläkelaitos", "name_sv": "FPA",
                       "endpoint_url": "https://toinen.example.fi/"}),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "{b}");
        let a = app.login("a").await;
        let (s, list) = a.get("/api/benefit-payers").await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(list[0]["name_fi"], "Kansaneläkelaitos");

        // Field errors name the field; nothing is written.
        let path = app.client_path("/benefit-applications");
        for (body, fieldname) in [
            (
                json!({"payer_id": "kela", "from_date": "2026-03-01"}),
                "payer_id",
            ),
            (
                json!({"payer_id": uuid_like(), "from_date": "2026-03-01"}),
                "payer_id",
            ),
            (
                json!({"payer_id": kela, "from_date": "2026-02-30"}),
                "from_date",
            ),
        ] {
            let (s, b) = a.post(&path, body).await;
            assert_field_error(s, &b, fieldname);
        }
        // The client may not record an application of their own (it would disclose their
        // statement and identity code to a payer on their word alone).
        let seeker = app.login("seeker").await;
        let (s, _) = seeker
            .post(&path, json!({"payer_id": kela, "from_date": "2026-03-01"}))
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        assert_eq!(
            raw_i64(&app.store, "SELECT COUNT(*) FROM benefit_applications").await,
            0
        );
        let b = apply(&app, &a, &kela, "2026-03-01").await;
        assert_eq!(b["payer_name_fi"], "Kansaneläkelaitos");
        assert_eq!(b["deliveries_enqueued"], 0);
        let (s, list) = a.get(&path).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(list.as_array().unwrap().len(), 1);
        app
    })
    .await;
}

fn uuid_like() -> String {
    "7f0c6a52-3b1e-4c55-9a1d-2d3c4b5a6978".to_owned()
}

/// Issue 5: a client with two payers gets one delivery at each, with the idempotency key
/// derived from (statement, payer) in the header and the body; applying to a payer after the
/// statement enqueues it for that payer; the receipt is recorded and attributable, and the
/// ledger holds.
#[tokio::test]
async fn issue5_each_payer_gets_each_statement_once_with_its_key() {
    each_backend(|app| async move {
        let payer = Payer::start().await;
        let kela = register_payer(
            &app,
            "Kansaneläkelaitos",
            "Folkpensionsanstalten",
            &format!("{}/kela", payer.base),
        )
        .await;
        let fund = register_payer(
            &app,
            "Yleinen työttömyyskassa",
            "Allmänna arbetslöshetskassan",
            &format!("{}/kassa", payer.base),
        )
        .await;
        adopt(&app).await;
        let a = app.login("a").await;
        apply(&app, &a, &kela, "2026-03-01").await;
        let worker = DeliveryWorker::spawn(&app.core, worker_config("w1")).unwrap();
        let decision = clean_start(&app, &a).await;
        let d_id = decision["id"].as_str().unwrap().to_owned();
        // The fund is applied to after the statement: the statement in force goes there too.
        let b = apply(&app, &a, &fund, "2026-03-02").await;
        assert_eq!(b["deliveries_enqueued"], 1);
        payer.wait_for(2).await;
        let done = wait_delivered(&app, &a, 2).await;
        worker.stop().await;

        let arrivals = payer.arrivals();
        let mut paths: Vec<&str> = arrivals.iter().map(|x| x.path.as_str()).collect();
        paths.sort();
        assert_eq!(paths, ["/kassa", "/kela"]);
        for x in &arrivals {
            let payer_id = if x.path == "/kela" { &kela } else { &fund };
            let key = kirjuri_store::idempotency_key("decision", &d_id, payer_id.parse().unwrap());
            assert_eq!(x.key, key);
            assert_eq!(x.body["idempotency_key"], key);
            assert_eq!(x.body["statement"]["id"], format!("decision:{d_id}"));
            assert_eq!(x.body["statement"]["outcome"], "auto_positive");
            assert_eq!(x.body["statement"]["effective_date"], "2026-03-02");
            assert_eq!(x.body["statement"]["automated"], true);
            assert!(x.body["statement"]["document"]
                .as_str()
                .unwrap()
                .contains("Testilän kaupunki, työllisyyspalvelut"));
            // The payer needs the identity code; the issuer and adoption decision in full.
            assert_eq!(x.body["client"]["hetu"], app.fx.client_a.hetu.as_str());
            assert_eq!(
                x.body["issuer"]["name_fi"],
                "Testilän kaupunki, työllisyyspalvelut"
            );
            assert_eq!(x.body["adoption_decision"]["number"], "KEHA/73792/2024");
        }
        assert_ne!(arrivals[0].key, arrivals[1].key);
        for d in &done {
            assert_eq!(d["attempts"], 1);
            assert_eq!(d["receipt"]["worker"], "w1");
            assert_eq!(d["receipt"]["http_status"], 200);
            assert_eq!(d["statement"], format!("decision:{d_id}"));
        }
        // The supervisor sees the delivery state; the client does not.
        let avi = app.login("avi").await;
        assert_eq!(deliveries(&app, &avi).await.len(), 2);
        let seeker = app.login("seeker").await;
        assert_eq!(
            seeker.get(&app.client_path("/deliveries")).await.0,
            StatusCode::FORBIDDEN
        );
        assert!(app.store.due_deliveries(10).await.unwrap().is_empty());
        // A19, GDPR art. 15(1)(c): the client's copy names the recipients of their statements.
        let (s, export) = seeker.get("/api/me/export").await;
        assert_eq!(s, StatusCode::OK, "{export}");
        let sent = export["statement_deliveries"].as_array().unwrap();
        let mut to: Vec<&str> = sent
            .iter()
            .map(|d| d["payer_name_fi"].as_str().unwrap())
            .collect();
        to.sort();
        assert_eq!(to, ["Kansaneläkelaitos", "Yleinen työttömyyskassa"]);
        assert!(sent.iter().all(|d| d["state"] == "delivered"));
        assert_eq!(export["benefit_applications"].as_array().unwrap().len(), 2);
        assert!(!export.to_string().contains(app.fx.client_a.hetu.as_str()));
        ledger_holds(&app).await;
        app
    })
    .await;
}

/// Issue 5: a payer that fails first gets the statement after it recovers (retries with
/// backoff by the store's clock); the worker is stopped and started again mid-way, and once
/// killed between sending and recording. Nothing is lost, and the payer processes the statement
/// once: the raw arrivals count the retries, the idempotency key makes them one.
#[tokio::test]
async fn issue5_failures_and_restarts_lose_nothing_and_send_nothing_twice() {
    each_backend(|app| async move {
        let payer = Payer::start().await;
        let kela = register_payer(
            &app,
            "Kansaneläkelaitos",
            "Folkpensionsanstalten",
            &format!("{}/kela", payer.base),
        )
        .await;
        adopt(&app).await;
        let a = app.login("a").await;
        apply(&app, &a, &kela, "2026-03-01").await;
        payer.set(Mode::Fail(2));
        let w1 = DeliveryWorker::spawn(&app.core, worker_config("w1")).unwrap();
        clean_start(&app, &a).await;

        // First attempt: 503. The next try waits for the backoff (10 s by the clock).
        payer.wait_for(1).await;
        let d = loop {
            let d = deliveries(&app, &a).await;
            if d[0]["state"] == "retrying" {
                break d;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        };
        assert_eq!(d[0]["last_failure"]["http_status"], 503);
        assert_eq!(d[0]["attempts"], 1);
        // Issue 15 item 5: the status, never what the payer answered (kept nowhere).
        assert_eq!(d[0]["last_failure"]["error"], "the payer answered HTTP 503");
        assert!(!d[0].to_string().contains("huoltokatko"), "{}", d[0]);
        assert_eq!(
            raw_i64(
                &app.store,
                "SELECT COUNT(*) FROM delivery_failures WHERE error LIKE '%huoltokatko%'"
            )
            .await,
            0
        );
        // The worker is stopped: the app goes down.
        w1.stop().await;
        assert_eq!(payer.arrivals().len(), 1);

        // Started again: the outbox is in the database. Second attempt, after the backoff: 503
        // again; the next wait doubles (20 s).
        app.clock.advance(chrono::Duration::seconds(10));
        let w2 = DeliveryWorker::spawn(&app.core, worker_config("w2")).unwrap();
        payer.wait_for(2).await;
        loop {
            let d = deliveries(&app, &a).await;
            if d[0]["last_failure"]["attempt"] == 2 {
                let retry: chrono::DateTime<Utc> =
                    serde_json::from_value(d[0]["last_failure"]["retry_at"].clone()).unwrap();
                assert_eq!(retry, app.clock.now() + chrono::Duration::seconds(20));
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        // The payer recovers, processes the third attempt, and the worker dies before it
        // hears the answer (killed between sending and recording).
        payer.set(Mode::AcceptAndHang);
        app.clock.advance(chrono::Duration::seconds(20));
        payer.wait_for(3).await;
        w2.abort().await;
        assert_eq!(payer.processed().len(), 1);
        let d = deliveries(&app, &a).await;
        assert_eq!(
            (d[0]["state"].as_str(), d[0]["attempts"].as_i64()),
            (Some("retrying"), Some(3))
        );
        // Until the lost attempt's lease runs out nobody sends it again.
        let w3 = DeliveryWorker::spawn(&app.core, worker_config("w3")).unwrap();
        assert!(app.store.due_deliveries(10).await.unwrap().is_empty());
        payer.set(Mode::Accept);
        app.clock.advance(chrono::Duration::seconds(61));
        let done = wait_delivered(&app, &a, 1).await;
        w3.stop().await;

        // Four arrivals, all with the one key; the payer processed it once.
        let arrivals = payer.arrivals();
        assert_eq!(arrivals.len(), 4);
        let key = done[0]["idempotency_key"].as_str().unwrap();
        assert!(arrivals.iter().all(|x| x.key == key));
        assert_eq!(payer.processed(), vec![key.to_owned()]);
        assert_eq!(done[0]["attempts"], 4);
        assert_eq!(done[0]["receipt"]["attempt"], 4);
        assert_eq!(done[0]["receipt"]["worker"], "w3");
        assert_eq!(done[0]["last_failure"]["attempt"], 2);
        assert!(app.store.due_deliveries(10).await.unwrap().is_empty());
        ledger_holds(&app).await;
        app
    })
    .await;
}

/// A11 through the API: an official lists their own organisation's applicants without a
/// statement in force, with the reason in words and as a code; each one listed is a logged
/// read; others may not ask.
#[tokio::test]
async fn a11_the_validity_query_names_who_lacks_a_statement_and_why() {
    each_backend(|app| async move {
        let kela = register_payer(
            &app,
            "Kansaneläkelaitos",
            "Folkpensionsanstalten",
            "https://kela.example.fi/lausunnot",
        )
        .await;
        let a = app.login("a").await;
        apply(&app, &a, &kela, "2026-03-01").await;
        let (s, b) = a.get("/api/statements/gaps").await;
        assert_eq!(s, StatusCode::OK, "{b}");
        assert_eq!(b["date"], "2026-03-02");
        let gaps = b["gaps"].as_array().unwrap();
        assert_eq!(gaps.len(), 1, "{b}");
        assert_eq!(gaps[0]["client_id"], app.fx.client_a.id.to_string());
        assert_eq!(gaps[0]["reason"], "no_job_search");
        assert!(gaps[0]["reason_fi"].as_str().unwrap().contains("työnhaku"));
        assert!(gaps[0]["reason_sv"]
            .as_str()
            .unwrap()
            .contains("arbetssökande"));
        assert_eq!(gaps[0]["payers"], json!(["Kansaneläkelaitos"]));
        assert!(!b.to_string().contains(app.fx.client_a.hetu.as_str()));
        let logged = raw_i64(
            &app.store,
            "SELECT COUNT(*) FROM access_log WHERE resource = 'statement_gaps'",
        )
        .await;
        assert_eq!(logged, 1);
        // After a clean start the client has a statement in force; before it, not.
        adopt(&app).await;
        clean_start(&app, &a).await;
        let (_, b) = a.get("/api/statements/gaps").await;
        assert_eq!(b["gaps"], json!([]), "{b}");
        let (_, b) = a.get("/api/statements/gaps?date=2026-03-01").await;
        assert_eq!(b["gaps"][0]["reason"], "no_job_search", "{b}");
        // Another organisation's official sees none of org A's clients; the supervisor does.
        let other = app.login("b").await;
        let (s, b) = other.get("/api/statements/gaps?date=2026-03-01").await;
        assert_eq!((s, b["gaps"].clone()), (StatusCode::OK, json!([])));
        let avi = app.login("avi").await;
        let (s, b) = avi.get("/api/statements/gaps?date=2026-03-01").await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(b["gaps"].as_array().unwrap().len(), 1);
        // A bad date is a field error; KEHA officials and clients may not ask.
        let (s, b) = a.get("/api/statements/gaps?date=1.3.2026").await;
        assert_field_error(s, &b, "date");
        for who in ["keha", "seeker", "rules", "admin"] {
            let h = app.login(who).await;
            assert_eq!(
                h.get("/api/statements/gaps").await.0,
                StatusCode::FORBIDDEN,
                "{who}"
            );
        }
        app
    })
    .await;
}

/// A13–A15, B12: the validity query's reasons in words pass the entry-quality checks in
/// Finnish and Swedish (no unexplained abbreviation, no offensive word).
#[test]
fn a11_gap_reasons_in_words_pass_the_quality_checks() {
    use kirjuri_store::GapReason::*;
    let checker = kirjuri_quality::Checker::new(
        kirjuri_quality::Data::embedded().unwrap(),
        kirjuri_quality::MorphologyMode::Auto,
    )
    .unwrap();
    for reason in [
        NoJobSearch,
        NoStatement,
        RoutedUnresolved,
        EndWithoutStatement,
        ServiceEnded,
    ] {
        let (fi, sv) = reason.words();
        for (text, lang) in [(fi, Language::Fi), (sv, Language::Sv)] {
            let report = checker
                .check(
                    text,
                    &kirjuri_quality::Context::entry(EntryKind::Other, lang),
                )
                .unwrap();
            let found: Vec<_> = report
                .findings
                .iter()
                .filter(|f| f.kind != kirjuri_quality::Kind::Clarity)
                .map(|f| (f.kind, f.matched.clone()))
                .collect();
            assert!(found.is_empty(), "{}: {text}: {found:?}", reason.code());
        }
    }
}

/// The retry schedule doubles from the first wait up to the cap, and a lease no longer than
/// the payer timeout is refused (two workers could otherwise send one delivery at once).
#[tokio::test]
async fn issue5_backoff_doubles_to_its_cap_and_the_lease_outlasts_the_timeout() {
    let c = worker_config("w");
    let waits: Vec<i64> = (1..=8).map(|n| c.backoff_after(n).num_seconds()).collect();
    assert_eq!(waits, [10, 20, 40, 80, 160, 320, 600, 600]);
    assert_eq!(c.backoff_after(i64::MAX).num_seconds(), 600);
    let ts = kirjuri_store::testing::fresh_store(
        Backend::Sqlite,
        Arc::new(FixedClock::new(
            Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap(),
        )),
    )
    .await;
    let bad = DeliveryConfig {
        lease: chrono::Duration::seconds(20),
        ..worker_config("w")
    };
    let core = kirjuri_app::App::new(ts.store.clone(), Default::default()).unwrap();
    let err = DeliveryWorker::spawn(&core, bad).unwrap_err();
    assert!(err.to_string().contains("lease"), "{err}");
    ts.cleanup().await;
}

/// A bundle from provenance verifies offline with only the public key, and opens a record of
/// `table` that names `id`.
fn bundle_verifies(p: &Value, table: &str, id: &str) {
    let bundle = kirjuri_ledger::ProofBundle::parse(p["ledger_bundle"].as_str().unwrap()).unwrap();
    let ok = bundle
        .verify(&[kirjuri_store::testing::test_ledger_keys().verifier()])
        .unwrap();
    assert_eq!(ok.leaf_index, p["ledger_leaf_index"].as_u64().unwrap());
    let record = String::from_utf8(ok.record.unwrap()).unwrap();
    assert!(
        record.contains(id) && record.contains(&format!("\"table\":\"{table}\"")),
        "{record}"
    );
}

fn step_names(p: &Value) -> Vec<String> {
    p["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["step"].as_str().unwrap().to_owned())
        .collect()
}

/// Issue 5, "done when": the whole procedure end to end on both backends, with a real payer.
/// A clean start gets an automatic positive statement with the B8 notice; a resignation goes to
/// KEHA-keskus's queue and its official issues the statement; the end of the job search gets an
/// automatic end statement; the client's request for reconsideration is decided by an official
/// with a new statement linked to the old; the provenance of each decision names the rules and
/// the human steps and its proof bundle verifies offline; the payer receives each of the four
/// statements once, with its own key.
#[tokio::test]
async fn issue5_end_to_end_from_job_search_to_the_payer() {
    each_backend(|app| async move {
        let payer = Payer::start().await;
        let kela = register_payer(
            &app,
            "Kansaneläkelaitos",
            "Folkpensionsanstalten",
            &format!("{}/kela", payer.base),
        )
        .await;
        adopt(&app).await;
        let a = app.login("a").await;
        apply(&app, &a, &kela, "2026-03-01").await;
        let worker = DeliveryWorker::spawn(&app.core, worker_config("e2e")).unwrap();

        // 1. A clean start: automatic, positive, with the B8 notice.
        let start = clean_start(&app, &a).await;
        let start_id = start["id"].as_str().unwrap().to_owned();
        assert_eq!(start["automated"], true);
        let doc = start["document"].as_str().unwrap();
        for needle in [
            "annettu automaattisesti",
            "KEHA/73792/2024",
            "https://kirjuri.example.fi/adoption-decisions/KEHA-73792-2024",
        ] {
            assert!(doc.contains(needle), "{needle:?} missing from\n{doc}");
        }

        // 2. Another client resigned: KEHA-keskus's queue, its official issues the statement.
        let other = app
            .store
            .create_client(
                NewClient {
                    hetu: Hetu::parse("010501E9032").unwrap(),
                    first_name: PersonName::parse("Muu").unwrap(),
                    last_name: PersonName::parse("Asiakas").unwrap(),
                    language: Language::Sv,
                    org_id: app.fx.org_a.id,
                },
                &acting(&app.fx.official_a),
            )
            .await
            .unwrap();
        let other_path = |p: &str| format!("/api/clients/{}{p}", other.id);
        let (s, b) = a
            .put(
                &other_path("/register-facts"),
                json!({
                    "employment_continues": false, "active_degree_studies": false,
                    "active_business": false, "resides_in_finland": true,
                    "right_to_work": "citizen", "vocational_qualification": true,
                    "partial_disability_pension": false,
                }),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}");
        let (s, b) = a
            .post(
                &other_path("/benefit-applications"),
                json!({"payer_id": kela, "from_date": "2026-03-01"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        let (s, b) = a
            .post(
                &other_path("/job-searches"),
                json!({"start_date": "2026-03-02", "acknowledged_notice": true, "answers": {
                    "employment": "none", "seeks_full_time_work": true,
                    "previous_employment_end": {"date": "2026-02-27", "reason": "own_resignation"},
                    "studies": "none", "business": "none",
                    "business_started_while_unemployed_on": null, "in_service": null,
                    "free_text": null,
                }}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        assert_eq!(b["decision"]["outcome"], "routed", "{b}");
        assert_eq!(b["decision"]["to"], "keha", "{b}");
        assert!(b["decision"]["document"].is_null(), "{b}");
        let routed_id = b["decision"]["id"].as_str().unwrap().to_owned();
        let keha = app.login("keha").await;
        let (s, q) = keha.get("/api/work-queue").await;
        assert_eq!(s, StatusCode::OK, "{q}");
        assert!(
            q.as_array()
                .unwrap()
                .iter()
                .any(|c| c["decision_id"] == routed_id.as_str()),
            "{q}"
        );
        let (s, b) = keha
            .post(&format!("/api/decisions/{routed_id}/take"), json!({}))
            .await;
        assert_eq!(s, StatusCode::OK, "{b}");
        let (s, resolved) = keha
            .post(
                &format!("/api/decisions/{routed_id}/resolve"),
                json!({
                    "outcome": "no_obstacle", "effective_date": "2026-03-02",
                    "reasoning": "Arbetsgivaren betalade inte lön, så det fanns ett giltigt skäl att säga upp sig.",
                    "basis": "TTL 2a:1",
                }),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{resolved}");
        let official_doc = resolved["document"].as_str().unwrap();
        assert_eq!(resolved["document_language"], "sv", "{resolved}");
        assert!(!official_doc.contains("automatiskt"), "{official_doc}");

        // 3. The end of client A's job search: an automatic end statement.
        app.clock.advance(chrono::Duration::days(14));
        let a = app.login("a").await;
        let js = start["job_search_id"].as_str().unwrap();
        let (s, b) = a
            .post(
                &app.client_path(&format!("/job-searches/{js}/end")),
                json!({"end_date": "2026-03-16", "reason": "employed", "acknowledged_notice": true}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}");
        assert_eq!(b["decision"]["outcome"], "auto_end", "{b}");
        let end_id = b["decision"]["id"].as_str().unwrap().to_owned();

        // 4. The client asks for reconsideration of the start statement; an official decides.
        let seeker = app.login("seeker").await;
        let (s, req) = seeker
            .post(
                &format!("/api/me/decisions/{start_id}/reconsideration"),
                json!({"reasons": "Aloitin päätoimiset opinnot jo maaliskuun alussa."}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{req}");
        let rid = req["id"].as_str().unwrap().to_owned();
        let (s, b) = a
            .post(&format!("/api/reconsiderations/{rid}/take"), json!({}))
            .await;
        assert_eq!(s, StatusCode::OK, "{b}");
        let (s, new) = a
            .post(
                &format!("/api/reconsiderations/{rid}/resolve"),
                json!({
                    "outcome": "obstacle", "effective_date": "2026-03-02",
                    "reasoning": "Selvityksen mukaan opiskelet päätoimisesti korkeakoulussa.",
                    "basis": "TTL 2:10",
                }),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{new}");
        assert_eq!(new["outcome_changed"], true);
        let (_, mine) = seeker.get("/api/me/statements").await;
        let own = mine
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["id"] == start_id.as_str())
            .unwrap();
        assert_eq!(
            own["reconsideration"]["new_statement"]["reconsiders_decision_id"],
            start_id.as_str()
        );
        assert_eq!(own["document"], start["document"], "the old statement stays");

        // 5. Provenance of each: rules, human steps, and a bundle that verifies offline.
        let shipped = kirjuri_rules::RuleSets::shipped().unwrap();
        for (id, steps) in [
            (
                &start_id,
                vec![
                    "automated_decision",
                    "reconsideration_requested",
                    "reconsideration_taken",
                    "reconsideration_resolved",
                ],
            ),
            (
                &routed_id,
                vec!["automated_decision", "official_taken", "official_resolved"],
            ),
            (&end_id, vec!["automated_decision"]),
        ] {
            let (s, p) = a.get(&format!("/api/decisions/{id}/provenance")).await;
            assert_eq!(s, StatusCode::OK, "{p}");
            assert_eq!(step_names(&p), steps, "{p}");
            assert!(
                p["rule_set"]["hash"] == shipped.start.hash()
                    || p["rule_set"]["hash"] == shipped.end.hash(),
                "{p}"
            );
            bundle_verifies(&p, "decisions", id);
        }

        // 6. The payer gets each of the four statements once, each with its own key.
        payer.wait_for(4).await;
        let mut done = wait_delivered(&app, &a, 3).await;
        let (_, other_deliveries) = a.get(&other_path("/deliveries")).await;
        assert_eq!(other_deliveries.as_array().unwrap().len(), 1, "{other_deliveries}");
        worker.stop().await;
        done.extend(other_deliveries.as_array().unwrap().iter().cloned());
        assert!(done.iter().all(|d| d["state"] == "delivered"), "{done:?}");
        let arrivals = payer.arrivals();
        assert_eq!(arrivals.len(), 4, "{arrivals:?}");
        let mut keys: Vec<&str> = arrivals.iter().map(|x| x.key.as_str()).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), 4, "one key per statement");
        let mut outcomes: Vec<&str> = arrivals
            .iter()
            .map(|x| x.body["statement"]["outcome"].as_str().unwrap())
            .collect();
        outcomes.sort();
        assert_eq!(outcomes, ["auto_end", "auto_positive", "no_obstacle", "obstacle"]);
        let replacing = arrivals
            .iter()
            .find(|x| x.body["statement"]["outcome"] == "obstacle")
            .unwrap();
        assert_eq!(
            replacing.body["statement"]["replaces"],
            format!("decision:{start_id}")
        );
        ledger_holds(&app).await;
        app
    })
    .await;
}

/// Issue 15 item 5: a payer's endpoint must not point into the server's own network — the
/// cloud metadata address, a private address, loopback written as a number in decimal or
/// hexadecimal — and its name must not hide an invisible character ("Kansaneläkelaitos"
/// with a zero-width space). Each is refused naming the field; nothing is written.
#[tokio::test]
async fn payers_inside_the_network_or_with_hidden_characters_are_refused() {
    each_backend(|app| async move {
        let admin = app.login("admin").await;
        for (name_fi, url, fieldname) in [
            ("Kansaneläkelaitos", "https://169.254.169.254/latest/meta-data/", "endpoint_url"),
            ("Kansaneläkelaitos", "https://10.0.0.1/lausunnot", "endpoint_url"),
            ("Kansaneläkelaitos", "https://[fd00::1]/lausunnot", "endpoint_url"),
            ("Kansaneläkelaitos", "http://2130706433:8099/", "endpoint_url"),
            ("Kansaneläkelaitos", "http://0x7f000001:8099/", "endpoint_url"),
            ("Kansanel\u{200B}äkelaitos", "https://kela.example.fi/lausunnot", "name_fi"),
            ("Kansaneläkelaitos\u{202E}", "https://kela.example.fi/lausunnot", "name_fi"),
        ] {
            let (s, b) = admin
                .post(
                    "/api/benefit-payers",
                    json!({"name_fi": name_fi, "name_sv": "Folkpensionsanstalten", "endpoint_url": url}),
                )
                .await;
            assert_field_error(s, &b, fieldname);
        }
        assert_eq!(
            raw_i64(&app.store, "SELECT COUNT(*) FROM benefit_payers").await,
            0
        );
        app
    })
    .await;
}
