//! Issue 5 (first slice): statements at the start and end of job search decided by the
//! automated procedure (B1, B2), only under an adoption decision (B13, B17), with the prior
//! notice (B14), the B8 notice in the statement, and provenance with a ledger proof (B10).

use super::*;
use kirjuri_rules::RuleSets;

fn shipped() -> RuleSets {
    RuleSets::shipped().unwrap()
}

fn clean_facts() -> Value {
    json!({
        "employment_continues": false, "active_degree_studies": false, "active_business": false,
        "resides_in_finland": true, "right_to_work": "citizen",
        "vocational_qualification": true, "partial_disability_pension": false,
    })
}

fn clean_answers() -> Value {
    json!({
        "employment": "none", "seeks_full_time_work": true,
        "previous_employment_end": {"date": "2026-02-27", "reason": "fixed_term_ended"},
        "studies": "none", "business": "none", "business_started_while_unemployed_on": null,
        "in_service": null, "free_text": null,
    })
}

async fn set_facts(app: &App, http: &Http, facts: Value) {
    let (s, b) = http.put(&app.client_path("/register-facts"), facts).await;
    assert_eq!(s, StatusCode::OK, "{b}");
}

async fn start(app: &App, http: &Http, answers: Value) -> Value {
    let (s, b) = http
        .post(
            &app.client_path("/job-searches"),
            json!({"start_date": "2026-03-02", "answers": answers, "acknowledged_notice": true}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    b
}

fn codes(decision: &Value) -> Vec<String> {
    decision["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap().to_owned())
        .collect()
}

/// B1, B8, B14: a clean case gets a positive statement automatically, in Finnish, naming the
/// issuer in full and the adoption decision; the client sees it in their own view.
#[tokio::test]
async fn a_clean_start_gets_an_automatic_positive_statement() {
    each_backend(|app| async move {
        adopt(&app).await;
        let a = app.login("a").await;
        set_facts(&app, &a, clean_facts()).await;
        let b = start(&app, &a, clean_answers()).await;
        let d = &b["decision"];
        assert_eq!(d["outcome"], "auto_positive", "{b}");
        assert_eq!(d["automated"], true);
        assert_eq!(d["effective_date"], "2026-03-02");
        assert_eq!(d["adoption_decision"], "KEHA/73792/2024");
        assert_eq!(d["rule_set"]["hash"], shipped().start.hash());
        assert_eq!(d["notice_acknowledged"], true);
        assert_eq!(d["document_language"], "fi");
        let doc = d["document"].as_str().unwrap();
        for needle in [
            "TYÖVOIMAPOLIITTINEN LAUSUNTO",
            "Antaja: Testilän kaupunki, työllisyyspalvelut",
            "Päivämäärä: 2.3.2026",
            "työttömyysturvalaki (1290/2002) 2 luku 1 §",
            "Ei työvoimapoliittista estettä työttömyysetuuden saamiselle 2.3.2026 alkaen.",
            "annettu automaattisesti",
            "KEHA/73792/2024",
            "https://kirjuri.example.fi/adoption-decisions/KEHA-73792-2024",
            "Oikaisupyyntö",
        ] {
            assert!(doc.contains(needle), "{needle:?} missing from\n{doc}");
        }
        assert!(!doc.contains(app.fx.client_a.hetu.as_str()), "{doc}");
        // The prior notice comes with the response and from the public endpoint.
        assert!(b["notice"]["fi"]
            .as_str()
            .unwrap()
            .contains("automaattisesti"));
        assert!(b["notice"]["sv"].as_str().unwrap().contains("automatiskt"));
        let r = reqwest::get(app.url("/api/statements/notice"))
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        // The official lists the decision; the client reads their statement.
        let (s, list) = a.get(&app.client_path("/decisions")).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(list.as_array().unwrap().len(), 1);
        let seeker = app.login("seeker").await;
        let (s, own) = seeker.get("/api/me/statements").await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(own[0]["document"], d["document"]);
        // The ledger covers the decision and verifies.
        app.store.ledger_checkpoint().await.unwrap();
        let report = app
            .store
            .verify_ledger(&[kirjuri_store::testing::test_ledger_keys().verifier()])
            .await
            .unwrap();
        assert!(report.fault.is_none(), "{report:?}");
        app
    })
    .await;
}

/// B2, B4: own resignation needs discretion: KEHA-keskus decides.
#[tokio::test]
async fn a_resignation_is_routed_to_keha() {
    each_backend(|app| async move {
        adopt(&app).await;
        let a = app.login("a").await;
        set_facts(&app, &a, clean_facts()).await;
        let mut answers = clean_answers();
        answers["previous_employment_end"] =
            json!({"date": "2026-02-27", "reason": "own_resignation"});
        let b = start(&app, &a, answers).await;
        let d = &b["decision"];
        assert_eq!(d["outcome"], "routed", "{b}");
        assert_eq!(d["to"], "keha");
        assert_eq!(d["automated"], false);
        assert_eq!(codes(d), ["RESIGNATION"]);
        assert!(d["document"].is_null());
        app
    })
    .await;
}

/// B1: the client reported employment: the end statement is automatic.
#[tokio::test]
async fn an_end_for_employment_is_an_automatic_end_statement() {
    each_backend(|app| async move {
        adopt(&app).await;
        let a = app.login("a").await;
        set_facts(&app, &a, clean_facts()).await;
        let js = start(&app, &a, clean_answers()).await;
        app.clock.advance(chrono::Duration::days(14));
        let a = app.login("a").await; // a new day, a new session
        let (s, b) = a
            .post(
                &app.client_path(&format!("/job-searches/{}/end", js["id"].as_str().unwrap())),
                json!({"end_date": "2026-03-16", "reason": "employed"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}");
        let d = &b["decision"];
        assert_eq!(d["kind"], "job_search_end");
        assert_eq!(d["outcome"], "auto_end", "{b}");
        assert_eq!(d["effective_date"], "2026-03-16");
        assert_eq!(d["rule_set"]["hash"], shipped().end.hash());
        assert_eq!(b["end_reason"], "employed");
        let doc = d["document"].as_str().unwrap();
        assert!(doc.contains("Työnhakusi on päättynyt 16.3.2026."), "{doc}");
        assert!(doc.contains("KEHA/73792/2024"), "{doc}");
        // Ended by the authority: a hearing is needed, an official decides.
        let js = start(&app, &a, clean_answers()).await;
        let (_, b) = a
            .post(
                &app.client_path(&format!("/job-searches/{}/end", js["id"].as_str().unwrap())),
                json!({"end_date": "2026-03-16", "reason": "no_contact"}),
            )
            .await;
        assert_eq!(b["decision"]["outcome"], "routed", "{b}");
        assert_eq!(codes(&b["decision"]), ["END_NEEDS_HEARING"]);
        app
    })
    .await;
}

/// B13, B17: without an adoption decision covering the rule set (none, or retired) the case
/// goes to an official, and the decision says why.
#[tokio::test]
async fn without_an_adoption_decision_the_case_is_routed() {
    each_backend(|app| async move {
        let a = app.login("a").await;
        set_facts(&app, &a, clean_facts()).await;
        let b = start(&app, &a, clean_answers()).await;
        let d = &b["decision"];
        assert_eq!(d["outcome"], "routed", "{b}");
        assert_eq!(d["to"], "employment_authority");
        assert_eq!(codes(d), ["NOT_ADOPTED"]);
        assert!(d["adoption_decision"].is_null());
        assert!(d["document"].is_null());

        // Adopted, then retired before the decision date: routed again.
        adopt(&app).await;
        app.store
            .retire_adoption_decision(
                "KEHA/73792/2024",
                chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
            )
            .await
            .unwrap();
        // Retired once: a second retirement is refused, by the store and by the database.
        assert!(app
            .store
            .retire_adoption_decision(
                "KEHA/73792/2024",
                chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap()
            )
            .await
            .is_err());
        assert!(kirjuri_store::testing::raw_execute(
            &app.store,
            "UPDATE adoption_decisions SET retired_on = '2027-01-01'"
        )
        .await
        .is_err());
        assert!(
            kirjuri_store::testing::raw_execute(&app.store, "DELETE FROM adoption_decisions")
                .await
                .is_err()
        );
        let (s, list) = reqwest::get(app.url("/api/adoption-decisions"))
            .await
            .map(|r| (r.status(), r))
            .unwrap();
        assert_eq!(s, StatusCode::OK);
        let list: Value = list.json().await.unwrap();
        assert_eq!(list[0]["retired_on"], "2026-03-01");
        let (s, ended) = a
            .post(
                &app.client_path(&format!("/job-searches/{}/end", b["id"].as_str().unwrap())),
                json!({"end_date": "2026-03-02", "reason": "employed"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(ended["decision"]["outcome"], "routed", "{ended}");
        assert_eq!(codes(&ended["decision"]), ["NOT_ADOPTED"]);
        app
    })
    .await;
}

/// B10: which rule-set version decided, the adoption decision, the steps, and a ledger proof
/// bundle that verifies offline with the store's public key alone.
#[tokio::test]
async fn provenance_names_the_rules_and_its_bundle_verifies_offline() {
    each_backend(|app| async move {
        adopt(&app).await;
        let a = app.login("a").await;
        set_facts(&app, &a, clean_facts()).await;
        let b = start(&app, &a, clean_answers()).await;
        let id = b["decision"]["id"].as_str().unwrap().to_owned();
        let path = format!("/api/decisions/{id}/provenance");
        let (s, p) = a.get(&path).await;
        assert_eq!(s, StatusCode::OK, "{p}");
        assert_eq!(p["rule_set"]["name"], "statement-start");
        assert_eq!(p["rule_set"]["hash"], shipped().start.hash());
        assert_eq!(p["adoption_decision"]["number"], "KEHA/73792/2024");
        assert_eq!(p["adoption_decision"]["quality_owner"], "Laura Laatu");
        assert_eq!(p["steps"].as_array().unwrap().len(), 1);
        assert_eq!(p["steps"][0]["step"], "automated_decision");
        assert!(p["steps"][0]["requested_by"]
            .as_str()
            .unwrap()
            .contains("Anni A"));
        let bundle =
            kirjuri_ledger::ProofBundle::parse(p["ledger_bundle"].as_str().unwrap()).unwrap();
        let verifier = kirjuri_store::testing::test_ledger_keys().verifier();
        let ok = bundle.verify(&[verifier]).unwrap();
        assert_eq!(ok.leaf_index, p["ledger_leaf_index"].as_u64().unwrap());
        assert_eq!(ok.leaf.event_type, kirjuri_ledger::EventType::Decision);
        let record = String::from_utf8(ok.record.unwrap()).unwrap();
        assert!(
            record.contains(&id) && record.contains("\"table\":\"decisions\""),
            "{record}"
        );
        // Another key does not verify it.
        let other = kirjuri_ledger::Signer::from_seed("kirjuri-test", &[8; 32]).unwrap();
        assert!(bundle.verify(&[other.verifier()]).is_err());
        // The supervisor sees it; the client reads statements in their own view instead.
        let avi = app.login("avi").await;
        assert_eq!(avi.get(&path).await.0, StatusCode::OK);
        let seeker = app.login("seeker").await;
        assert_eq!(seeker.get(&path).await.0, StatusCode::FORBIDDEN);
        let b_official = app.login("b").await;
        assert_eq!(b_official.get(&path).await.0, StatusCode::NOT_FOUND);
        assert_eq!(
            a.get("/api/decisions/7f0c6a52-3b1e-4c55-9a1d-2d3c4b5a6978/provenance")
                .await
                .0,
            StatusCode::NOT_FOUND
        );
        app
    })
    .await;
}

async fn decision_count(app: &App) -> i64 {
    raw_i64(&app.store, "SELECT COUNT(*) FROM decisions").await
}

/// Bad answers, facts and adoption decisions get field errors and write nothing.
#[tokio::test]
async fn bad_statement_input_gets_a_field_error_and_writes_nothing() {
    each_backend(|app| async move {
        let a = app.login("a").await;
        let before = snapshot(&app).await;
        let mut bad_enum = clean_answers();
        bad_enum["employment"] = json!("sometimes");
        let mut missing = clean_answers();
        missing.as_object_mut().unwrap().remove("free_text");
        let mut unknown = clean_answers();
        unknown["shoe_size"] = json!(42);
        let mut bad_date = clean_answers();
        bad_date["previous_employment_end"] = json!({"date": "2026-02-30", "reason": "laid_off"});
        for (answers, field) in [
            (bad_enum, "answers.employment"),
            (missing, "answers.free_text"),
            (unknown, "answers"),
            (bad_date, "answers.previous_employment_end.date"),
        ] {
            let (s, b) = a
                .post(
                    &app.client_path("/job-searches"),
                    json!({"start_date": "2026-03-02", "answers": answers}),
                )
                .await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
            assert!(
                b["error"]["field"].as_str().unwrap().starts_with(field),
                "{field}: {b}"
            );
        }
        let mut facts = clean_facts();
        facts["right_to_work"] = json!("maybe");
        let (s, b) = a.put(&app.client_path("/register-facts"), facts).await;
        assert_field_error(s, &b, "right_to_work");
        let mut facts = clean_facts();
        facts.as_object_mut().unwrap().remove("active_business");
        let (s, b) = a.put(&app.client_path("/register-facts"), facts).await;
        assert_field_error(s, &b, "active_business");
        assert_eq!(snapshot(&app).await, before);
        assert_eq!(decision_count(&app).await, 0);
        assert_eq!(
            raw_i64(&app.store, "SELECT COUNT(*) FROM register_facts").await,
            0
        );

        let rules = app.login("rules").await;
        let with = |k: &str, v: Value| {
            let mut b = adoption_body("KEHA/1/2025");
            b[k] = v;
            b
        };
        for (body, field) in [
            (with("number", json!("KEHA 1 2025")), "number"),
            (with("decided_on", json!("2024-02-30")), "decided_on"),
            (with("rule_set_hashes", json!([])), "rule_set_hashes"),
            (
                with("rule_set_hashes", json!(["abc"])),
                "rule_set_hashes[0]",
            ),
            (with("quality_owner", json!("  ")), "quality_owner"),
            (with("url", json!("http://example.fi/x")), "url"),
        ] {
            let (s, b) = rules.post("/api/adoption-decisions", body).await;
            assert_field_error(s, &b, field);
        }
        assert_eq!(
            a.post("/api/adoption-decisions", adoption_body("KEHA/1/2025"))
                .await
                .0,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            rules
                .post("/api/adoption-decisions", adoption_body("KEHA/1/2025"))
                .await
                .0,
            StatusCode::CREATED
        );
        let (s, b) = rules
            .post("/api/adoption-decisions", adoption_body("KEHA/1/2025"))
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "{b}");
        assert_eq!(b["error"]["field"], "number");
        app
    })
    .await;
}

/// B12, A13: the statement in Finnish and in Swedish, as the client reads it.
#[test]
fn statement_documents_in_finnish_and_swedish() {
    use kirjuri_app::documents::{document, Document};
    let rules = shipped();
    let org = Organisation {
        id: "3f0c6a52-3b1e-4c55-9a1d-2d3c4b5a6978".parse().unwrap(),
        kind: OrgKind::EmploymentAuthority,
        name_fi: PersonName::parse("Testilän kaupunki, työllisyyspalvelut").unwrap(),
        name_sv: PersonName::parse("Testilä stad, sysselsättningstjänster").unwrap(),
    };
    let adoption = kirjuri_store::AdoptionDecision {
        number: "KEHA/73792/2024".into(),
        decided_on: chrono::NaiveDate::from_ymd_opt(2024, 10, 14).unwrap(),
        rule_set_hashes: vec![rules.start.hash().into(), rules.end.hash().into()],
        quality_owner: "Laura Laatu".into(),
        error_owner: "Veikko Virhe".into(),
        url: "https://kirjuri.example.fi/adoption-decisions/KEHA-73792-2024".into(),
        retired_on: None,
        recorded_at: Utc.with_ymd_and_hms(2026, 1, 2, 8, 0, 0).unwrap(),
        recorded_by: "4f0c6a52-3b1e-4c55-9a1d-2d3c4b5a6978".parse().unwrap(),
    };
    let title = |rs: &kirjuri_rules::RuleSet, id: &str| {
        let r = rs.rules().iter().find(|r| r.id == id).unwrap();
        Some((r.title_fi.clone(), r.title_sv.clone(), r.basis.clone()))
    };
    for (lang, first, last) in [
        (Language::Fi, "Testi", "Asiakas"),
        (Language::Sv, "Test", "Kund"),
        (Language::En, "Test", "Client"),
    ] {
        let client = Client {
            id: "5f0c6a52-3b1e-4c55-9a1d-2d3c4b5a6978".parse().unwrap(),
            hetu: Hetu::parse("010594Y9032").unwrap(),
            first_name: PersonName::parse(first).unwrap(),
            last_name: PersonName::parse(last).unwrap(),
            language: lang,
            org_id: org.id,
            created_at: Utc.with_ymd_and_hms(2026, 1, 2, 8, 0, 0).unwrap(),
        };
        let start = Document {
            org: &org,
            client: &client,
            kind: kirjuri_rules::Kind::JobSearchStart,
            outcome: kirjuri_rules::Outcome::AutoPositive,
            date: chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
            effective: chrono::NaiveDate::from_ymd_opt(2026, 3, 2),
            end_reason: None,
            adoption: &adoption,
            rule_title: title(&rules.start, "positive"),
            seeks_full_time: true,
        };
        let end = Document {
            kind: kirjuri_rules::Kind::JobSearchEnd,
            outcome: kirjuri_rules::Outcome::AutoEnd,
            effective: chrono::NaiveDate::from_ymd_opt(2026, 3, 16),
            end_reason: Some(kirjuri_rules::EndReason::Employed),
            rule_title: title(&rules.end, "ended"),
            ..start
        };
        let code = lang.code();
        // B12, A13–A15: the generated text passes the entry-quality checks in its language
        // (no unexplained abbreviation, offensive word, health data or identity code).
        let checker = kirjuri_quality::Checker::new(
            kirjuri_quality::Data::embedded().unwrap(),
            kirjuri_quality::MorphologyMode::Auto,
        )
        .unwrap();
        for doc in [document(&start), document(&end)] {
            let check_lang = if lang == Language::Sv {
                Language::Sv
            } else {
                Language::Fi
            };
            let report = checker
                .check(
                    &doc,
                    &kirjuri_quality::Context::entry(EntryKind::Other, check_lang),
                )
                .unwrap();
            let found: Vec<_> = report
                .findings
                .iter()
                .filter(|f| f.kind != kirjuri_quality::Kind::Clarity)
                .map(|f| (f.kind, f.matched.clone()))
                .collect();
            assert!(found.is_empty(), "{code} document: {found:?}\n{doc}");
        }
        insta::assert_snapshot!(format!("statement_start_{code}"), document(&start));
        insta::assert_snapshot!(format!("statement_end_{code}"), document(&end));
    }
}

/// Every case of `shared/cases/statements-dev.jsonl` through the API: a client with the
/// case's birth date and language, its register facts, its answers on the form, on its
/// decision date. Every case must come out as it expects.
#[tokio::test]
async fn every_dev_case_through_the_api() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/cases/statements-dev.jsonl"
    ))
    .expect("../shared/cases/statements-dev.jsonl must sit beside the repository");
    let cases = kirjuri_rules::Case::parse_jsonl(&text).unwrap();
    assert!(cases.len() >= 18);
    each_backend(|app| {
        let cases = cases.clone();
        async move {
            adopt(&app).await;
            let mut a = app.login("a").await;
            let mut mismatches = Vec::new();
            for (i, case) in cases.iter().enumerate() {
                let r = &case.request;
                let at = Utc.from_utc_datetime(&r.decision_date.and_hms_opt(9, 0, 0).unwrap());
                if app.clock.now() != at {
                    // The case's decision date; sessions last a working day.
                    app.clock.set(at);
                    a = app.login("a").await;
                }
                let id = r.id.clone().unwrap_or_default();
                let hetu = Hetu::from_parts(r.person.birth_date, 900 + i as u16).unwrap();
                let (s, client) = a
                    .post("/api/clients", json!({"hetu": hetu.as_str(), "first_name": "Tapaus",
                        "last_name": id, "language": r.person.language.as_str()}))
                    .await;
                assert_eq!(s, StatusCode::CREATED, "{id}: {client}");
                let cpath = format!("/api/clients/{}", client["id"].as_str().unwrap());
                let mut facts = serde_json::to_value(&r.registers).unwrap();
                let person = serde_json::to_value(&r.person).unwrap();
                for k in ["resides_in_finland", "right_to_work", "vocational_qualification", "partial_disability_pension"] {
                    facts[k] = person[k].clone();
                }
                let (s, b) = a.put(&format!("{cpath}/register-facts"), facts).await;
                assert_eq!(s, StatusCode::OK, "{id}: {b}");
                let answers = serde_json::to_value(&r.reported).unwrap();
                let (s, started) = a
                    .post(&format!("{cpath}/job-searches"),
                          json!({"start_date": r.job_search_start.to_string(), "answers": answers}))
                    .await;
                assert_eq!(s, StatusCode::CREATED, "{id}: {started}");
                let decision = match r.kind {
                    kirjuri_rules::Kind::JobSearchStart => started["decision"].clone(),
                    kirjuri_rules::Kind::JobSearchEnd => {
                        let (s, ended) = a
                            .post(
                                &format!("{cpath}/job-searches/{}/end", started["id"].as_str().unwrap()),
                                json!({"end_date": r.job_search_end.unwrap().to_string(),
                                       "reason": r.end_reason.unwrap().as_str(), "answers": answers}),
                            )
                            .await;
                        assert_eq!(s, StatusCode::OK, "{id}: {ended}");
                        ended["decision"].clone()
                    }
                };
                let expect = case.expect.as_ref().unwrap();
                let mut got = codes(&decision);
                got.sort();
                let mut want: Vec<String> = expect
                    .route
                    .clone()
                    .unwrap_or_default()
                    .iter()
                    .map(|c| c.as_str().to_owned())
                    .collect();
                want.sort();
                let same = decision["outcome"] == expect.outcome.as_str()
                    && got == want
                    && decision["to"].as_str() == expect.to.map(|t| t.as_str());
                if !same {
                    mismatches.push(format!("{id}: got {decision}"));
                }
                if decision["outcome"] != "routed" {
                    assert!(decision["document"].as_str().unwrap().contains("KEHA/73792/2024"), "{id}");
                }
            }
            assert!(mismatches.is_empty(), "cases that differ from their expectation: {mismatches:#?}");
            app
        }
    })
    .await;
}

// ---- the work queue (issue 5: routed statements go to an official; B2, B4, B10) -------------

async fn resignation_case(app: &App) -> Value {
    adopt(app).await;
    let a = app.login("a").await;
    set_facts(app, &a, clean_facts()).await;
    let mut answers = clean_answers();
    answers["previous_employment_end"] = json!({"date": "2026-02-27", "reason": "own_resignation"});
    let b = start(app, &a, answers).await;
    assert_eq!(b["decision"]["to"], "keha", "{b}");
    b["decision"].clone()
}

fn resolve_body() -> Value {
    json!({
        "outcome": "no_obstacle",
        "effective_date": "2026-03-02",
        "reasoning": "Työsuhde päättyi työnantajan laiminlyönnin vuoksi, joten irtisanoutumiseen oli pätevä syy.",
        "basis": "TTL 2a:1",
    })
}

async fn other_client(app: &App) -> Client {
    app.store
        .create_client(
            NewClient {
                hetu: Hetu::parse("010501E9032").unwrap(),
                first_name: PersonName::parse("Muu").unwrap(),
                last_name: PersonName::parse("Asiakas").unwrap(),
                language: Language::Fi,
                org_id: app.fx.org_a.id,
            },
            &acting(&app.fx.official_a),
        )
        .await
        .unwrap()
}

/// B2, B4, B10: a resignation goes to KEHA-keskus's queue (not the employment authority's),
/// with its reason in words; the KEHA official takes and resolves it; the statement names
/// KEHA-keskus in full and says no word of automation; provenance lists every step; the KEHA
/// official then reads that client and no other.
#[tokio::test]
async fn a_keha_official_resolves_a_resignation_from_the_queue() {
    each_backend(|app| async move {
        let d = resignation_case(&app).await;
        let id = d["id"].as_str().unwrap().to_owned();
        let other = other_client(&app).await;
        let keha = app.login("keha").await;
        // Before: the KEHA official sees the client only through the open task; another
        // client not.
        assert_eq!(keha.get(&app.client_path("")).await.0, StatusCode::OK);
        assert_eq!(keha.get(&format!("/api/clients/{}", other.id)).await.0, StatusCode::NOT_FOUND);

        let (s, queue) = keha.get("/api/work-queue").await;
        assert_eq!(s, StatusCode::OK, "{queue}");
        let queue = queue.as_array().unwrap();
        assert_eq!(queue.len(), 1, "{queue:?}");
        let case = &queue[0];
        assert_eq!(case["decision_id"], id.as_str());
        assert_eq!(case["to"], "keha");
        assert_eq!(case["hetu_masked"], app.fx.client_a.hetu.masked());
        assert!(!serde_json::to_string(case).unwrap().contains(app.fx.client_a.hetu.as_str()));
        assert_eq!(case["reasons"][0]["code"], "RESIGNATION");
        assert_eq!(
            case["reasons"][0]["title_fi"],
            "Oma irtisanoutuminen tai erottaminen omasta syystä"
        );
        assert_eq!(
            case["reasons"][0]["title_sv"],
            "Egen uppsägning eller avsked av eget förfarande"
        );
        assert_eq!(case["reasons"][0]["basis"], "TTL 2a:1");
        assert!(case["taken"].is_null());
        // Listing the client is a logged read of the KEHA official's.
        let keha_user = app.store.user_by_username("keha").await.unwrap().unwrap().0;
        let reads = raw_i64(
            &app.store,
            &format!(
                "SELECT COUNT(*) FROM access_log WHERE user_id = '{}' AND resource = 'work_queue'
                 AND action = 'read' AND client_id = '{}'",
                keha_user.id, app.fx.client_a.id
            ),
        )
        .await;
        assert_eq!(reads, 1);
        // Not in the employment authority's queues.
        for u in ["a", "b"] {
            let (s, q) = app.login(u).await.get("/api/work-queue").await;
            assert_eq!(s, StatusCode::OK);
            assert_eq!(q.as_array().unwrap().len(), 0, "{u}: {q}");
        }
        // The employment authority's official may not resolve a KEHA case.
        let a = app.login("a").await;
        let (s, _) = a.post(&format!("/api/decisions/{id}/resolve"), resolve_body()).await;
        assert_eq!(s, StatusCode::FORBIDDEN);

        let (s, taken) = keha.post(&format!("/api/decisions/{id}/take"), json!({})).await;
        assert_eq!(s, StatusCode::OK, "{taken}");
        assert_eq!(taken["step"], "taken");
        let (_, queue) = keha.get("/api/work-queue").await;
        assert_eq!(queue[0]["taken"]["by"], "Kaisa Keha");

        app.clock.advance(chrono::Duration::hours(1));
        let (s, resolved) = keha.post(&format!("/api/decisions/{id}/resolve"), resolve_body()).await;
        assert_eq!(s, StatusCode::OK, "{resolved}");
        assert_eq!(resolved["step"], "resolved");
        assert_eq!(resolved["outcome"], "no_obstacle");
        assert_eq!(resolved["document_language"], "fi");
        let doc = resolved["document"].as_str().unwrap();
        for needle in [
            "TYÖVOIMAPOLIITTINEN LAUSUNTO",
            "Antaja: Kehittämis- ja hallintokeskus, työttömyysturvan vastuualue",
            "Ei työvoimapoliittista estettä työttömyysetuuden saamiselle 2.3.2026 alkaen.",
            "irtisanoutumiseen oli pätevä syy",
            "työttömyysturvalaki (1290/2002) 2a luku 1 §",
            "Asian on käsitellyt virkailija.",
            "Oikaisupyyntö",
        ] {
            assert!(doc.contains(needle), "{needle:?} missing from\n{doc}");
        }
        assert!(!doc.contains("automaattisesti"), "{doc}");
        assert!(!doc.contains("KEHA/73792/2024"), "{doc}");
        assert!(!doc.contains(app.fx.client_a.hetu.as_str()), "{doc}");
        // Resolved: out of the queue, and not resolved twice.
        let (_, queue) = keha.get("/api/work-queue").await;
        assert_eq!(queue.as_array().unwrap().len(), 0);
        let (s, _) = keha.post(&format!("/api/decisions/{id}/resolve"), resolve_body()).await;
        assert_eq!(s, StatusCode::CONFLICT);
        let (s, _) = keha.post(&format!("/api/decisions/{id}/take"), json!({})).await;
        assert_eq!(s, StatusCode::CONFLICT);

        // B10: provenance lists the automated decision and the official's steps.
        let (s, p) = keha.get(&format!("/api/decisions/{id}/provenance")).await;
        assert_eq!(s, StatusCode::OK, "{p}");
        let steps = p["steps"].as_array().unwrap();
        let names: Vec<&str> = steps.iter().map(|s| s["step"].as_str().unwrap()).collect();
        assert_eq!(names, ["automated_decision", "official_taken", "official_resolved"]);
        assert!(steps[1]["by"].as_str().unwrap().contains("Kaisa Keha"), "{p}");
        assert!(steps[2]["by"]
            .as_str()
            .unwrap()
            .contains("Kehittämis- ja hallintokeskus"));
        assert_eq!(steps[1]["at"], "2026-03-02T09:00:00Z");
        assert_eq!(steps[2]["at"], "2026-03-02T10:00:00Z");

        // A19: the client sees the official's statement with the routed decision.
        let seeker = app.login("seeker").await;
        let (s, mine) = seeker.get("/api/me/statements").await;
        assert_eq!(s, StatusCode::OK, "{mine}");
        let routed = mine
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["id"] == id.as_str())
            .unwrap();
        assert_eq!(routed["official_statement"]["outcome"], "no_obstacle", "{routed}");
        assert_eq!(routed["official_statement"]["document"], doc);

        // The KEHA official now reads that client (resolved by KEHA), logged; no other client.
        assert_eq!(keha.get(&app.client_path("")).await.0, StatusCode::OK);
        assert_eq!(keha.get(&app.client_path("/decisions")).await.0, StatusCode::OK);
        assert_eq!(keha.get(&format!("/api/clients/{}", other.id)).await.0, StatusCode::NOT_FOUND);
        // Reading is not writing.
        let (s, _) = keha
            .post(
                &app.client_path("/entries"),
                json!({"entry_type": "contact", "text": "Soitto.", "event_at": "2026-03-02T10:00:00+02:00"}),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        // The ledger covers the steps and verifies.
        app.store.ledger_checkpoint().await.unwrap();
        let report = app
            .store
            .verify_ledger(&[kirjuri_store::testing::test_ledger_keys().verifier()])
            .await
            .unwrap();
        assert!(report.fault.is_none(), "{report:?}");
        let leaves = raw_i64(
            &app.store,
            "SELECT COUNT(*) FROM ledger_links WHERE record_table = 'official_steps'",
        )
        .await;
        assert_eq!(leaves, 2);
        app
    })
    .await;
}

/// B2: a case routed to the employment authority is in its own organisation's queue only,
/// and its official resolves it; a KEHA official cannot.
#[tokio::test]
async fn a_case_for_the_employment_authority_is_in_its_own_queue() {
    each_backend(|app| async move {
        adopt(&app).await;
        let a = app.login("a").await;
        // No answers: routed to the employment authority (MISSING_INPUTS).
        let (s, b) = a
            .post(
                &app.client_path("/job-searches"),
                json!({"start_date": "2026-03-02"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        assert_eq!(b["decision"]["to"], "employment_authority", "{b}");
        let id = b["decision"]["id"].as_str().unwrap().to_owned();
        let (_, q) = a.get("/api/work-queue").await;
        assert_eq!(q.as_array().unwrap().len(), 1, "{q}");
        assert_eq!(q[0]["reasons"][0]["code"], "MISSING_INPUTS");
        assert!(!q[0]["reasons"][0]["title_fi"].as_str().unwrap().is_empty());
        let b_off = app.login("b").await;
        let (_, q) = b_off.get("/api/work-queue").await;
        assert_eq!(q.as_array().unwrap().len(), 0, "{q}");
        let keha = app.login("keha").await;
        let (_, q) = keha.get("/api/work-queue").await;
        assert_eq!(q.as_array().unwrap().len(), 0, "{q}");
        assert_eq!(
            keha.post(&format!("/api/decisions/{id}/take"), json!({}))
                .await
                .0,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            b_off
                .post(&format!("/api/decisions/{id}/take"), json!({}))
                .await
                .0,
            StatusCode::NOT_FOUND
        );
        let (s, r) = a
            .post(
                &format!("/api/decisions/{id}/resolve"),
                json!({"outcome": "obstacle", "effective_date": "2026-03-02",
                       "reasoning": "Asiakas opiskelee päätoimisesti.", "basis": "TTL 2:10"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{r}");
        let doc = r["document"].as_str().unwrap();
        assert!(
            doc.contains("Antaja: Testilän kaupunki, työllisyyspalvelut"),
            "{doc}"
        );
        assert!(doc.contains("Työvoimapoliittinen este"), "{doc}");
        let (_, q) = a.get("/api/work-queue").await;
        assert_eq!(q.as_array().unwrap().len(), 0, "{q}");
        app
    })
    .await;
}

/// Bad resolve bodies get a field error naming the field, and write nothing.
#[tokio::test]
async fn bad_resolve_bodies_get_field_errors_and_write_nothing() {
    each_backend(|app| async move {
        let d = resignation_case(&app).await;
        let id = d["id"].as_str().unwrap().to_owned();
        let keha = app.login("keha").await;
        let count = |app: &App| {
            let store = app.store.clone();
            async move {
                (
                    raw_i64(&store, "SELECT COUNT(*) FROM official_steps").await,
                    raw_i64(&store, "SELECT COUNT(*) FROM access_log").await,
                    raw_i64(&store, "SELECT COUNT(*) FROM ledger_leaves").await,
                )
            }
        };
        let before = count(&app).await;
        let mut cases = Vec::new();
        for (field, value) in [
            ("outcome", json!("maybe")),
            ("outcome", json!("job_search_ended")),
            ("effective_date", json!("2026-02-30")),
            ("reasoning", json!("   ")),
            ("reasoning", json!("x".repeat(5001))),
            ("basis", json!("")),
        ] {
            let mut body = resolve_body();
            body[field] = value;
            cases.push((body, field));
        }
        let mut unknown = resolve_body();
        unknown["document"] = json!("my own text");
        cases.push((unknown, "document"));
        for (body, field) in cases {
            let (s, b) = keha
                .post(&format!("/api/decisions/{id}/resolve"), body)
                .await;
            assert_field_error(s, &b, field);
        }
        let mut missing = resolve_body();
        missing.as_object_mut().unwrap().remove("basis");
        let (s, b) = keha
            .post(&format!("/api/decisions/{id}/resolve"), missing)
            .await;
        assert_field_error(s, &b, "basis");
        assert_eq!(count(&app).await, before, "nothing was written");
        app
    })
    .await;
}

/// B12, A13: the official's statement in Finnish and Swedish (other languages: Finnish and a
/// note), issued by the official's organisation in full, without the automated notice, and
/// passing the entry-quality checks in its language.
#[test]
fn official_statement_documents_in_finnish_and_swedish() {
    use kirjuri_app::documents::CaseResolution as ParsedResolution;
    use kirjuri_app::documents::{official_document, OfficialDocument};
    let org = Organisation {
        id: "3f0c6a52-3b1e-4c55-9a1d-2d3c4b5a6978".parse().unwrap(),
        kind: OrgKind::Keha,
        name_fi: PersonName::parse("Kehittämis- ja hallintokeskus, työttömyysturvan vastuualue")
            .unwrap(),
        name_sv: PersonName::parse(
            "Utvecklings- och förvaltningscentret, ansvarsområdet för utkomstskydd för arbetslösa",
        )
        .unwrap(),
    };
    let checker = kirjuri_quality::Checker::new(
        kirjuri_quality::Data::embedded().unwrap(),
        kirjuri_quality::MorphologyMode::Auto,
    )
    .unwrap();
    for (lang, reasoning, issuer, statement) in [
        (
            Language::Fi,
            "Työsuhde päättyi työnantajan laiminlyönnin vuoksi, joten irtisanoutumiseen oli pätevä syy.",
            "Antaja: Kehittämis- ja hallintokeskus, työttömyysturvan vastuualue",
            "Lausunto: Ei työvoimapoliittista estettä työttömyysetuuden saamiselle 2.3.2026 alkaen.",
        ),
        (
            Language::Sv,
            "Anställningen upphörde eftersom arbetsgivaren försummade sina skyldigheter, och du hade därför ett giltigt skäl att säga upp dig.",
            "Utfärdare: Utvecklings- och förvaltningscentret, ansvarsområdet för utkomstskydd för arbetslösa",
            "Utlåtande: Inget arbetskraftspolitiskt hinder för arbetslöshetsförmån från och med 2.3.2026.",
        ),
        (
            Language::En,
            "Työsuhde päättyi työnantajan laiminlyönnin vuoksi, joten irtisanoutumiseen oli pätevä syy.",
            "Antaja: Kehittämis- ja hallintokeskus, työttömyysturvan vastuualue",
            "You can ask for a translation",
        ),
    ] {
        let client = Client {
            id: "5f0c6a52-3b1e-4c55-9a1d-2d3c4b5a6978".parse().unwrap(),
            hetu: Hetu::parse("010594Y9032").unwrap(),
            first_name: PersonName::parse("Testi").unwrap(),
            last_name: PersonName::parse("Asiakas").unwrap(),
            language: lang,
            org_id: org.id,
            created_at: Utc.with_ymd_and_hms(2026, 1, 2, 8, 0, 0).unwrap(),
        };
        let resolution = ParsedResolution {
            outcome: "no_obstacle".into(),
            effective_date: chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
            reasoning: reasoning.into(),
            basis: "TTL 2a:1".into(),
        };
        let doc = official_document(&OfficialDocument {
            org: &org,
            client: &client,
            kind: "job_search_start",
            date: chrono::NaiveDate::from_ymd_opt(2026, 3, 5).unwrap(),
            resolution: &resolution,
        });
        for needle in [issuer, statement, reasoning] {
            assert!(doc.contains(needle), "{needle:?} missing from\n{doc}");
        }
        for automated in ["automaattisesti", "automatiskt", "KEHA/73792/2024", "010594Y9032"] {
            assert!(!doc.contains(automated), "{automated:?} in\n{doc}");
        }
        let check_lang = if lang == Language::Sv {
            Language::Sv
        } else {
            Language::Fi
        };
        let report = checker
            .check(&doc, &kirjuri_quality::Context::entry(EntryKind::Other, check_lang))
            .unwrap();
        let found: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.kind != kirjuri_quality::Kind::Clarity)
            .map(|f| (f.kind, f.matched.clone()))
            .collect();
        assert!(found.is_empty(), "{lang:?} document: {found:?}\n{doc}");
    }
}
