//! Issue 5: reconsideration of statements (B7), the safeguards of automated statements shown to
//! the client (B15; GDPR art. 22(3)), and the quality figures per rule-set version (B11).

use super::*;
use kirjuri_rules::RuleSets;

fn shipped() -> RuleSets {
    RuleSets::shipped().unwrap()
}

async fn set_clean_facts(http: &Http, client: &str) {
    let (s, b) = http
        .put(
            &format!("/api/clients/{client}/register-facts"),
            json!({
                "employment_continues": false, "active_degree_studies": false,
                "active_business": false, "resides_in_finland": true, "right_to_work": "citizen",
                "vocational_qualification": true, "partial_disability_pension": false,
            }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
}

fn answers(previous_end_reason: &str) -> Value {
    json!({
        "employment": "none", "seeks_full_time_work": true,
        "previous_employment_end": {"date": "2026-02-27", "reason": previous_end_reason},
        "studies": "none", "business": "none", "business_started_while_unemployed_on": null,
        "in_service": null, "free_text": null,
    })
}

/// Starts a job search for `client` with the given answers; the response.
async fn start(http: &Http, client: &str, answers: Value) -> Value {
    let (s, b) = http
        .post(
            &format!("/api/clients/{client}/job-searches"),
            json!({"start_date": "2026-03-02", "answers": answers, "acknowledged_notice": true}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    b
}

fn obstacle_body() -> Value {
    json!({
        "outcome": "obstacle", "effective_date": "2026-03-02",
        "reasoning": "Selvityksen mukaan opiskelet päätoimisesti korkeakoulussa.",
        "basis": "TTL 2:10",
    })
}

async fn counts(app: &App) -> (i64, i64, i64, i64) {
    (
        raw_i64(&app.store, "SELECT COUNT(*) FROM reconsideration_requests").await,
        raw_i64(&app.store, "SELECT COUNT(*) FROM reconsideration_steps").await,
        raw_i64(
            &app.store,
            "SELECT COUNT(*) FROM access_log WHERE action <> 'denied'",
        )
        .await,
        raw_i64(
            &app.store,
            "SELECT COUNT(*) FROM ledger_links WHERE record_table <> 'access_log'",
        )
        .await,
    )
}

fn own_decision<'a>(mine: &'a Value, id: &str) -> &'a Value {
    mine.as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == id)
        .unwrap_or_else(|| panic!("decision {id} not in {mine}"))
}

/// B7, B15, B10: the client sees the safeguards of an automated statement, asks for
/// reconsideration through their own view, the request waits in their employment authority's
/// queue (not KEHA-keskus's, not another authority's), an official takes it and resolves it
/// with a new statement that links to the old one and says it changed, and the client sees it
/// all; the decision's provenance lists every step and the ledger verifies.
#[tokio::test]
async fn issue5_reconsideration_of_an_automated_statement_end_to_end() {
    each_backend(|app| async move {
        adopt(&app).await;
        let a = app.login("a").await;
        let client = app.fx.client_a.id.to_string();
        set_clean_facts(&a, &client).await;
        let started = start(&a, &client, answers("fixed_term_ended")).await;
        let d = &started["decision"];
        assert_eq!(d["outcome"], "auto_positive", "{started}");
        let id = d["id"].as_str().unwrap().to_owned();

        // B15: the client's own view of the automated statement.
        let seeker = app.login("seeker").await;
        let (s, mine) = seeker.get("/api/me/statements").await;
        assert_eq!(s, StatusCode::OK, "{mine}");
        let own = own_decision(&mine, &id);
        let g = &own["safeguards"];
        assert_eq!(g["made_automatically"], true, "{own}");
        assert_eq!(g["language"], "fi");
        assert!(g["notice"].as_str().unwrap().contains("annettu automaattisesti"), "{g}");
        assert!(g["notice"].as_str().unwrap().contains("KEHA/73792/2024"), "{g}");
        let rules = g["logic"]["rules"].as_array().unwrap();
        assert!(!rules.is_empty(), "{g}");
        // The rule that decided, by its Finnish title, with its basis in full and the facts read.
        let positive = shipped()
            .start
            .rules()
            .iter()
            .find(|r| r.id == "positive")
            .unwrap()
            .clone();
        let fired = rules.iter().find(|r| r["rule"] == "positive").unwrap();
        assert_eq!(fired["title"], positive.title_fi.as_str());
        assert_eq!(fired["applied"], true);
        assert_eq!(fired["status"], "ehto täyttyi");
        assert!(rules.iter().any(|r| r["applied"] == false && r["status"] == "ehto ei täyttynyt"));
        assert!(rules.iter().any(|r| !r["read"].as_array().unwrap().is_empty()), "{g}");
        assert_eq!(g["logic"]["rule_set"]["hash"], shipped().start.hash());
        let explanation = g["logic"]["explanation"].as_str().unwrap();
        assert!(explanation.contains("Ratkaisu:"), "{explanation}");
        assert!(explanation.contains(shipped().start.hash()), "{explanation}");
        for right in ["right_to_human_intervention", "right_to_express_view", "right_to_contest"] {
            assert!(!g[right].as_str().unwrap().is_empty(), "{right}");
        }
        assert!(g["right_to_human_intervention"].as_str().unwrap().contains("virkailija"));
        assert!(g["right_to_contest"].as_str().unwrap().contains("Kansaneläkelaitos"));
        assert!(g["legal_basis"].as_str().unwrap().contains("22 artiklan 3 kohta"));
        assert_eq!(g["how_to_ask"]["available"], true);
        assert_eq!(
            g["how_to_ask"]["path"],
            format!("/api/me/decisions/{id}/reconsideration")
        );
        assert!(own["reconsideration"].is_null());
        // No organisation by an abbreviation alone, and no full identity code.
        let text = serde_json::to_string(g).unwrap();
        assert!(!text.contains(app.fx.client_a.hetu.as_str()));
        assert!(!text.contains(" TTV") && !text.contains("KEHA-keskuksen päätös"), "{text}");

        // B7: the client asks.
        let (s, req) = seeker
            .post(
                g["how_to_ask"]["path"].as_str().unwrap(),
                json!({"reasons": "  Aloitin päätoimiset opinnot, joten lausunto on väärä.  "}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{req}");
        assert_eq!(req["state"], "requested");
        assert_eq!(req["requested_as"], "client");
        assert_eq!(req["reconsiders"], "automated_statement");
        assert_eq!(req["reconsidered_outcome"], "no_obstacle");
        assert_eq!(req["reasons"], "Aloitin päätoimiset opinnot, joten lausunto on väärä.");
        assert_eq!(req["handled_by"]["name_fi"], "Testilän kaupunki, työllisyyspalvelut");
        let rid = req["id"].as_str().unwrap().to_owned();
        // A second request for the same statement is refused and writes nothing.
        let before = counts(&app).await;
        let (s, b) = seeker
            .post(
                &format!("/api/me/decisions/{id}/reconsideration"),
                json!({"reasons": "Vielä kerran."}),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "{b}");
        let (s, _) = a
            .post(
                &format!("/api/decisions/{id}/reconsideration"),
                json!({"reasons": "Asiakas soitti."}),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT);
        assert_eq!(counts(&app).await, before);

        // The employment authority's queue, and only its queue.
        let (s, q) = a.get("/api/work-queue/reconsiderations").await;
        assert_eq!(s, StatusCode::OK, "{q}");
        let q = q.as_array().unwrap();
        assert_eq!(q.len(), 1, "{q:?}");
        assert_eq!(q[0]["request_id"], rid.as_str());
        assert_eq!(q[0]["decision_id"], id.as_str());
        assert_eq!(q[0]["to"], "employment_authority");
        assert_eq!(q[0]["hetu_masked"], app.fx.client_a.hetu.masked());
        assert!(!serde_json::to_string(&q[0]).unwrap().contains(app.fx.client_a.hetu.as_str()));
        assert!(q[0]["taken"].is_null());
        for u in ["b", "keha"] {
            let (s, q) = app.login(u).await.get("/api/work-queue/reconsiderations").await;
            assert_eq!(s, StatusCode::OK);
            assert_eq!(q.as_array().unwrap().len(), 0, "{u}: {q}");
        }
        let keha = app.login("keha").await;
        assert_eq!(
            keha.post(&format!("/api/reconsiderations/{rid}/take"), json!({})).await.0,
            StatusCode::NOT_FOUND
        );
        let b_off = app.login("b").await;
        assert_eq!(
            b_off.post(&format!("/api/reconsiderations/{rid}/resolve"), obstacle_body()).await.0,
            StatusCode::NOT_FOUND
        );

        app.clock.advance(chrono::Duration::hours(1));
        let (s, taken) = a.post(&format!("/api/reconsiderations/{rid}/take"), json!({})).await;
        assert_eq!(s, StatusCode::OK, "{taken}");
        let (_, q) = a.get("/api/work-queue/reconsiderations").await;
        assert_eq!(q[0]["taken"]["by"], "Anni A");
        let (_, mine) = seeker.get("/api/me/statements").await;
        assert_eq!(own_decision(&mine, &id)["reconsideration"]["state"], "taken");

        app.clock.advance(chrono::Duration::hours(1));
        let (s, resolved) = a.post(&format!("/api/reconsiderations/{rid}/resolve"), obstacle_body()).await;
        assert_eq!(s, StatusCode::OK, "{resolved}");
        assert_eq!(resolved["outcome_changed"], true);
        let doc = resolved["document"].as_str().unwrap().to_owned();
        for needle in [
            "TYÖVOIMAPOLIITTINEN LAUSUNTO",
            "Oikaisupyyntösi johdosta annettu lausunto",
            "Antaja: Testilän kaupunki, työllisyyspalvelut",
            "Päivämäärä: 2.3.2026",
            "Oikaisupyyntösi koski automaattisesti annettua lausuntoa, jonka mukaan ei ole työvoimapoliittista estettä työttömyysetuuden saamiselle 2.3.2026 alkaen.",
            "Lausunto oikaisupyynnön johdosta: On työvoimapoliittinen este työttömyysetuuden saamiselle 2.3.2026 alkaen.",
            "Aiempi lausunto muuttuu.",
            "opiskelet päätoimisesti",
            "työttömyysturvalaki (1290/2002) 2 luku 10 §",
            "Oikaisupyyntösi on käsitellyt virkailija.",
            "Kansaneläkelaitos",
        ] {
            assert!(doc.contains(needle), "{needle:?} missing from\n{doc}");
        }
        assert!(!doc.contains(app.fx.client_a.hetu.as_str()), "{doc}");
        // Resolved once: out of the queue.
        assert_eq!(
            a.post(&format!("/api/reconsiderations/{rid}/resolve"), obstacle_body()).await.0,
            StatusCode::CONFLICT
        );
        let (_, q) = a.get("/api/work-queue/reconsiderations").await;
        assert_eq!(q.as_array().unwrap().len(), 0);

        // The client sees the request, its state and the new statement linked to the old one.
        let (_, mine) = seeker.get("/api/me/statements").await;
        let own = own_decision(&mine, &id);
        let r = &own["reconsideration"];
        assert_eq!(r["state"], "resolved", "{own}");
        assert_eq!(r["taken_at"], "2026-03-02T10:00:00Z");
        let new = &r["new_statement"];
        assert_eq!(new["reconsiders_decision_id"], id.as_str());
        assert_eq!(new["reconsiders"], "automated_statement");
        assert_eq!(new["outcome"], "obstacle");
        assert_eq!(new["outcome_changed"], true);
        assert_eq!(new["document"], doc.as_str());
        assert_eq!(new["issuer"]["name_fi"], "Testilän kaupunki, työllisyyspalvelut");
        assert_eq!(new["issued_at"], "2026-03-02T11:00:00Z");
        // The old statement stays as it was; no further request can be made.
        assert_eq!(own["document"], d["document"]);
        assert_eq!(own["safeguards"]["how_to_ask"]["available"], false);
        // The export carries it too.
        let (_, export) = seeker.get("/api/me/export").await;
        assert_eq!(export["statements"][0]["reconsideration"]["state"], "resolved");

        // B10: provenance lists the automated decision and every step of the request.
        let (s, p) = a.get(&format!("/api/decisions/{id}/provenance")).await;
        assert_eq!(s, StatusCode::OK, "{p}");
        let names: Vec<&str> = p["steps"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["step"].as_str().unwrap())
            .collect();
        assert_eq!(
            names,
            [
                "automated_decision",
                "reconsideration_requested",
                "reconsideration_taken",
                "reconsideration_resolved"
            ]
        );
        assert_eq!(p["steps"][1]["by"], "the client");
        assert_eq!(p["steps"][1]["at"], "2026-03-02T09:00:00Z");
        assert!(p["steps"][3]["by"].as_str().unwrap().contains("Anni A"), "{p}");
        app.store.ledger_checkpoint().await.unwrap();
        let report = app
            .store
            .verify_ledger(&[kirjuri_store::testing::test_ledger_keys().verifier()])
            .await
            .unwrap();
        assert!(report.fault.is_none(), "{report:?}");
        assert_eq!(
            raw_i64(
                &app.store,
                "SELECT COUNT(*) FROM ledger_links WHERE record_table LIKE 'reconsideration_%'"
            )
            .await,
            3
        );
        app
    })
    .await;
}

/// B7: an official's statement by KEHA-keskus is reconsidered by KEHA-keskus; the employment
/// authority's official records the request on the client's behalf; the KEHA official (whose
/// task it is) resolves it, and the outcome stays.
#[tokio::test]
async fn issue5_reconsideration_of_a_keha_statement_goes_to_keha() {
    each_backend(|app| async move {
        adopt(&app).await;
        let a = app.login("a").await;
        let client = app.fx.client_a.id.to_string();
        set_clean_facts(&a, &client).await;
        let started = start(&a, &client, answers("own_resignation")).await;
        assert_eq!(started["decision"]["to"], "keha", "{started}");
        let id = started["decision"]["id"].as_str().unwrap().to_owned();
        // Routed and not resolved: no statement to reconsider yet.
        let seeker = app.login("seeker").await;
        let (s, b) = seeker
            .post(&format!("/api/me/decisions/{id}/reconsideration"), json!({"reasons": "Miksi?"}))
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "{b}");
        let keha = app.login("keha").await;
        let (s, r) = keha
            .post(
                &format!("/api/decisions/{id}/resolve"),
                json!({"outcome": "obstacle", "effective_date": "2026-03-02",
                       "reasoning": "Irtisanouduit ilman pätevää syytä.", "basis": "TTL 2a:1"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{r}");

        // The client phoned their employment authority; the official records the request.
        let (s, req) = a
            .post(
                &format!("/api/decisions/{id}/reconsideration"),
                json!({"reasons": "Asiakas kertoi puhelimessa, että työnantaja laiminlöi palkanmaksun."}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{req}");
        assert_eq!(req["requested_as"], "official");
        assert_eq!(req["reconsiders"], "official_statement");
        assert_eq!(req["reconsidered_outcome"], "obstacle");
        assert_eq!(
            req["handled_by"]["name_fi"],
            "Kehittämis- ja hallintokeskus, työttömyysturvan vastuualue"
        );
        let rid = req["id"].as_str().unwrap().to_owned();
        // The client may not use the official's way (their own view is theirs).
        assert_eq!(
            seeker
                .post(&format!("/api/decisions/{id}/reconsideration"), json!({"reasons": "x"}))
                .await
                .0,
            StatusCode::FORBIDDEN
        );
        let (_, q) = a.get("/api/work-queue/reconsiderations").await;
        assert_eq!(q.as_array().unwrap().len(), 0, "{q}");
        let (_, q) = keha.get("/api/work-queue/reconsiderations").await;
        assert_eq!(q.as_array().unwrap().len(), 1, "{q}");
        assert_eq!(q[0]["to"], "keha");
        assert_eq!(
            a.post(&format!("/api/reconsiderations/{rid}/take"), json!({})).await.0,
            StatusCode::FORBIDDEN
        );
        let (s, resolved) = keha
            .post(
                &format!("/api/reconsiderations/{rid}/resolve"),
                json!({"outcome": "obstacle", "effective_date": "2026-03-02",
                       "reasoning": "Palkanmaksun laiminlyönnistä ei ole selvitystä, joten irtisanoutumiselle ei ollut pätevää syytä.",
                       "basis": "TTL 2a:1"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{resolved}");
        assert_eq!(resolved["outcome_changed"], false);
        let doc = resolved["document"].as_str().unwrap();
        for needle in [
            "Antaja: Kehittämis- ja hallintokeskus, työttömyysturvan vastuualue",
            "Oikaisupyyntösi koski virkailijan antamaa lausuntoa",
            "Aiempi lausunto pysyy ennallaan.",
            "työttömyysturvalaki (1290/2002) 2a luku 1 §",
        ] {
            assert!(doc.contains(needle), "{needle:?} missing from\n{doc}");
        }
        let (_, mine) = seeker.get("/api/me/statements").await;
        let own = own_decision(&mine, &id);
        assert_eq!(own["reconsideration"]["new_statement"]["outcome_changed"], false, "{own}");
        assert_eq!(own["reconsideration"]["new_statement"]["reconsiders"], "official_statement");
        // Art. 22 safeguards are for automated statements only.
        assert!(own["safeguards"].is_null(), "{own}");

        // B11: the figures of the start rule set show the routed case and the request.
        let (s, figures) = app.login("rules").await.get("/api/statements/quality").await;
        assert_eq!(s, StatusCode::OK, "{figures}");
        let f = &figures[0];
        assert_eq!(f["rule_set"]["hash"], shipped().start.hash());
        assert_eq!((f["decisions"].as_i64(), f["automated"].as_i64(), f["routed"].as_i64()), (Some(1), Some(0), Some(1)));
        assert_eq!(f["routed_by_reason"], json!([{"code": "RESIGNATION", "count": 1}]));
        assert_eq!(f["reconsiderations_requested"], 1);
        assert_eq!(f["reconsiderations_of_automated"], 0);
        assert_eq!(f["reconsiderations_resolved"], 1);
        assert_eq!(f["reconsiderations_changed"], 0);
        app
    })
    .await;
}

/// B11: the figures per rule-set version against a known set of decisions: through the API,
/// five starts (two automatic, three routed for known reasons), one end, two requests (one
/// changed); for the quality owners and the supervisor only, and naming no client.
#[tokio::test]
async fn issue5_quality_figures_per_rule_set_version() {
    each_backend(|app| async move {
        adopt(&app).await;
        let a = app.login("a").await;
        let mut clients = Vec::new();
        for (i, born) in [
            "1985-01-01",
            "1986-02-02",
            "1987-03-03",
            "1988-04-04",
            "1989-05-05",
        ]
        .iter()
        .enumerate()
        {
            let hetu = Hetu::from_parts(born.parse().unwrap(), 900 + i as u16).unwrap();
            let (s, c) = a
                .post(
                    "/api/clients",
                    json!({"hetu": hetu.as_str(), "first_name": "Tapaus",
                    "last_name": format!("Numero {i}"), "language": "fi"}),
                )
                .await;
            assert_eq!(s, StatusCode::CREATED, "{c}");
            clients.push(c["id"].as_str().unwrap().to_owned());
        }
        let mut decisions = Vec::new();
        for (i, c) in clients.iter().enumerate() {
            set_clean_facts(&a, c).await;
            let mut ans = answers("fixed_term_ended");
            match i {
                2 => ans["previous_employment_end"]["reason"] = json!("own_resignation"),
                3 => ans["free_text"] = json!("Minulla on osa-aikainen yritys."),
                4 => {
                    ans["free_text"] = json!("Opiskelen iltaisin.");
                    ans["studies"] = json!("other");
                }
                _ => {}
            }
            let b = start(&a, c, ans).await;
            decisions.push((b["id"].as_str().unwrap().to_owned(), b["decision"].clone()));
        }
        let outcomes: Vec<&str> = decisions
            .iter()
            .map(|(_, d)| d["outcome"].as_str().unwrap())
            .collect();
        assert_eq!(
            outcomes,
            [
                "auto_positive",
                "auto_positive",
                "routed",
                "routed",
                "routed"
            ]
        );
        // One end for employment: automatic.
        let (s, ended) = a
            .post(
                &format!(
                    "/api/clients/{}/job-searches/{}/end",
                    clients[0], decisions[0].0
                ),
                json!({"end_date": "2026-03-02", "reason": "employed"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{ended}");
        assert_eq!(ended["decision"]["outcome"], "auto_end");
        // Two requests about the automatic start statements, both by the official; one changes.
        let mut rids = Vec::new();
        for (_, d) in &decisions[..2] {
            let (s, r) = a
                .post(
                    &format!(
                        "/api/decisions/{}/reconsideration",
                        d["id"].as_str().unwrap()
                    ),
                    json!({"reasons": "Asiakas pyysi oikaisua puhelimessa."}),
                )
                .await;
            assert_eq!(s, StatusCode::CREATED, "{r}");
            rids.push(r["id"].as_str().unwrap().to_owned());
        }
        let (s, _) = a
            .post(
                &format!("/api/reconsiderations/{}/resolve", rids[0]),
                obstacle_body(),
            )
            .await;
        assert_eq!(s, StatusCode::OK);

        let avi = app.login("avi").await;
        let (s, figures) = avi.get("/api/statements/quality").await;
        assert_eq!(s, StatusCode::OK, "{figures}");
        let figures = figures.as_array().unwrap();
        assert_eq!(figures.len(), 2, "{figures:?}");
        let by_name = |n: &str| figures.iter().find(|f| f["rule_set"]["name"] == n).unwrap();
        let start_f = by_name("statement-start");
        assert_eq!(start_f["rule_set"]["version"], shipped().start.version());
        assert_eq!(start_f["adoption_decisions"], json!(["KEHA/73792/2024"]));
        assert_eq!(start_f["decisions"], 5);
        assert_eq!(start_f["automated"], 2);
        assert_eq!(start_f["routed"], 3);
        assert_eq!(start_f["automated_share"], 0.4);
        assert_eq!(start_f["routed_share"], 0.6);
        let mut reasons: Vec<(String, i64)> = start_f["routed_by_reason"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["code"].as_str().unwrap().to_owned(),
                    r["count"].as_i64().unwrap(),
                )
            })
            .collect();
        reasons.sort();
        assert_eq!(
            reasons,
            [
                ("FREE_TEXT".to_owned(), 2),
                ("RESIGNATION".to_owned(), 1),
                ("STUDIES".to_owned(), 1)
            ]
        );
        assert_eq!(start_f["reconsiderations_requested"], 2);
        assert_eq!(start_f["reconsiderations_of_automated"], 2);
        assert_eq!(start_f["reconsiderations_resolved"], 1);
        assert_eq!(start_f["reconsiderations_changed"], 1);
        let end_f = by_name("statement-end");
        assert_eq!(
            (end_f["decisions"].as_i64(), end_f["automated"].as_i64()),
            (Some(1), Some(1))
        );
        assert_eq!(end_f["reconsiderations_requested"], 0);
        // No client data: no client id, identity code or name.
        let text = serde_json::to_string(&figures).unwrap();
        for c in &clients {
            assert!(!text.contains(c.as_str()));
        }
        assert!(!text.contains("Tapaus") && !text.contains("-****") && !text.contains("Numero"));
        // Officials of an employment authority and clients do not get them.
        for u in ["a", "seeker", "admin"] {
            assert_eq!(
                app.login(u).await.get("/api/statements/quality").await.0,
                StatusCode::FORBIDDEN,
                "{u}"
            );
        }
        app
    })
    .await;
}

/// Bad bodies get a field error and write nothing; another client's decision is not found;
/// a KEHA official, another authority's official, the supervisor and the rules author cannot
/// ask; the automated procedure running again for the client resolves nothing.
#[tokio::test]
async fn issue5_reconsideration_requests_are_refused_cleanly_and_never_resolved_by_the_automation()
{
    each_backend(|app| async move {
        adopt(&app).await;
        let a = app.login("a").await;
        let client = app.fx.client_a.id.to_string();
        set_clean_facts(&a, &client).await;
        let started = start(&a, &client, answers("fixed_term_ended")).await;
        let id = started["decision"]["id"].as_str().unwrap().to_owned();
        let path = format!("/api/me/decisions/{id}/reconsideration");
        let seeker = app.login("seeker").await;
        let before = counts(&app).await;
        let long = "x".repeat(5001);
        for (body, field) in [
            (json!({"reasons": ""}), "reasons"),
            (json!({"reasons": "   \n "}), "reasons"),
            (json!({"reasons": long}), "reasons"),
            (json!({"reasons": "Huomio\u{7} tässä"}), "reasons"),
            (json!({"reasons": 42}), "reasons"),
            (json!({}), "reasons"),
            (json!({"reasons": "Syy.", "state": "resolved"}), "state"),
        ] {
            let (s, b) = seeker.post(&path, body.clone()).await;
            assert_field_error(s, &b, field);
            let (s, b) = a.post(&format!("/api/decisions/{id}/reconsideration"), body).await;
            assert_field_error(s, &b, field);
        }
        let (s, b) = seeker.post_raw(&path, b"{\"reasons\": ", "application/json").await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{b}");
        assert_eq!(counts(&app).await, before, "a bad body wrote something");

        // Another client's decision, a decision that does not exist, an id that is no id.
        let (s, other) = a
            .post("/api/clients", json!({"hetu": "010501E9032", "first_name": "Muu",
                "last_name": "Asiakas", "language": "fi"}))
            .await;
        assert_eq!(s, StatusCode::CREATED);
        let other_id = other["id"].as_str().unwrap().to_owned();
        set_clean_facts(&a, &other_id).await;
        let theirs = start(&a, &other_id, answers("fixed_term_ended")).await;
        let theirs = theirs["decision"]["id"].as_str().unwrap().to_owned();
        let denied_before = raw_i64(
            &app.store,
            &format!("SELECT COUNT(*) FROM access_log WHERE action = 'denied' AND client_id = '{other_id}'"),
        )
        .await;
        for p in [
            format!("/api/me/decisions/{theirs}/reconsideration"),
            "/api/me/decisions/7f0c6a52-3b1e-4c55-9a1d-2d3c4b5a6978/reconsideration".to_owned(),
            "/api/me/decisions/not-an-id/reconsideration".to_owned(),
        ] {
            let (s, b) = seeker.post(&p, json!({"reasons": "Syy."})).await;
            assert_eq!(s, StatusCode::NOT_FOUND, "{p}: {b}");
        }
        // The attempt on another client's decision is a logged refusal.
        let denied_after = raw_i64(
            &app.store,
            &format!("SELECT COUNT(*) FROM access_log WHERE action = 'denied' AND client_id = '{other_id}'"),
        )
        .await;
        assert_eq!(denied_after, denied_before + 1);
        for (u, status) in [
            ("b", StatusCode::NOT_FOUND),
            ("keha", StatusCode::NOT_FOUND),
            ("rules", StatusCode::NOT_FOUND),
            ("avi", StatusCode::FORBIDDEN),
        ] {
            let (s, b) = app
                .login(u)
                .await
                .post(&format!("/api/decisions/{id}/reconsideration"), json!({"reasons": "Syy."}))
                .await;
            assert_eq!(s, status, "{u}: {b}");
        }
        assert_eq!(
            raw_i64(&app.store, "SELECT COUNT(*) FROM reconsideration_requests").await,
            0
        );

        // The request is open; the automated procedure runs again for the client (the job
        // search ends for employment, a new one starts): nothing resolves the request.
        let (s, req) = seeker.post(&path, json!({"reasons": "Lausunto on väärä."})).await;
        assert_eq!(s, StatusCode::CREATED, "{req}");
        let rid = req["id"].as_str().unwrap().to_owned();
        app.clock.advance(chrono::Duration::days(14));
        let a = app.login("a").await;
        let (s, ended) = a
            .post(
                &format!("/api/clients/{client}/job-searches/{}/end", started["id"].as_str().unwrap()),
                json!({"end_date": "2026-03-16", "reason": "employed"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{ended}");
        assert_eq!(ended["decision"]["outcome"], "auto_end");
        let again = start(&a, &client, answers("fixed_term_ended")).await;
        assert_eq!(again["decision"]["outcome"], "auto_positive");
        assert_eq!(raw_i64(&app.store, "SELECT COUNT(*) FROM reconsideration_steps").await, 0);
        let seeker = app.login("seeker").await;
        let (_, mine) = seeker.get("/api/me/statements").await;
        assert_eq!(own_decision(&mine, &id)["reconsideration"]["state"], "requested");
        // Nobody but an official of the issuer resolves it (the client, the supervisor, the
        // rules author, KEHA-keskus): refused, and nothing written.
        for (u, status) in [
            ("seeker", StatusCode::FORBIDDEN),
            ("avi", StatusCode::FORBIDDEN),
            ("rules", StatusCode::NOT_FOUND),
            ("keha", StatusCode::NOT_FOUND),
        ] {
            let (s, b) = app
                .login(u)
                .await
                .post(&format!("/api/reconsiderations/{rid}/resolve"), obstacle_body())
                .await;
            assert_eq!(s, status, "{u}: {b}");
        }
        assert_eq!(raw_i64(&app.store, "SELECT COUNT(*) FROM reconsideration_steps").await, 0);
        // Bad resolve bodies: field errors, nothing written.
        for (field, value) in [
            ("outcome", json!("job_search_ended")),
            ("effective_date", json!("2026-02-30")),
            ("reasoning", json!("  ")),
            ("basis", json!("")),
        ] {
            let mut body = obstacle_body();
            body[field] = value;
            let (s, b) = a.post(&format!("/api/reconsiderations/{rid}/resolve"), body).await;
            assert_field_error(s, &b, field);
        }
        assert_eq!(raw_i64(&app.store, "SELECT COUNT(*) FROM reconsideration_steps").await, 0);
        // B12, A15: the new statement is addressed to the client: a belittling word in the
        // official's reasoning refuses it with the checker's findings, and nothing is written
        // but the access log's record of reading the request to write the statement.
        let records = "SELECT COUNT(*) FROM ledger_links WHERE record_table <> 'access_log'";
        let leaves = raw_i64(&app.store, records).await;
        for word in ["laiska", "mamu"] {
            let mut body = obstacle_body();
            body["reasoning"] = json!(format!("Asiakas on {word} eikä hae töitä."));
            let (s, b) = a.post(&format!("/api/reconsiderations/{rid}/resolve"), body).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
            assert_eq!(b["error"]["code"], "blocked_by_checks", "{b}");
            assert_eq!(b["error"]["findings"][0]["kind"], "offensive", "{b}");
            assert_eq!(b["error"]["findings"][0]["matched"], word, "{b}");
        }
        assert_eq!(raw_i64(&app.store, "SELECT COUNT(*) FROM reconsideration_steps").await, 0);
        assert_eq!(raw_i64(&app.store, records).await, leaves);
        app
    })
    .await;
}

/// B12, A13: the statement issued on reconsideration in Finnish and Swedish (other languages:
/// Finnish and a note), issued by the official's organisation in full, naming the statement it
/// reconsiders and whether it changed, passing the entry-quality checks in its language.
#[test]
fn reconsideration_documents_in_finnish_and_swedish() {
    use kirjuri_app::documents::CaseResolution as ParsedResolution;
    use kirjuri_app::documents::{reconsideration_document, ReconsiderationDocument};
    let org = Organisation {
        id: "3f0c6a52-3b1e-4c55-9a1d-2d3c4b5a6978".parse().unwrap(),
        kind: OrgKind::EmploymentAuthority,
        name_fi: PersonName::parse("Testilän kaupunki, työllisyyspalvelut").unwrap(),
        name_sv: PersonName::parse("Testilä stad, sysselsättningstjänster").unwrap(),
    };
    let checker = kirjuri_quality::Checker::new(
        kirjuri_quality::Data::embedded().unwrap(),
        kirjuri_quality::MorphologyMode::Auto,
    )
    .unwrap();
    let date = |d: u32| chrono::NaiveDate::from_ymd_opt(2026, 3, d).unwrap();
    for (lang, reasoning, needles) in [
        (
            Language::Fi,
            "Selvityksen mukaan opiskelet päätoimisesti korkeakoulussa.",
            vec![
                "Antaja: Testilän kaupunki, työllisyyspalvelut",
                "Oikaisupyyntösi koski automaattisesti annettua lausuntoa, jonka mukaan ei ole työvoimapoliittista estettä työttömyysetuuden saamiselle 2.3.2026 alkaen.",
                "Lausunto oikaisupyynnön johdosta: On työvoimapoliittinen este",
                "Aiempi lausunto muuttuu.",
            ],
        ),
        (
            Language::Sv,
            "Enligt utredningen studerar du på heltid vid en högskola.",
            vec![
                "Utfärdare: Testilä stad, sysselsättningstjänster",
                "Din begäran om omprövning gällde ett automatiskt givet utlåtande enligt vilket det inte finns något arbetskraftspolitiskt hinder för arbetslöshetsförmån från och med 2.3.2026.",
                "Utlåtande efter omprövning: Det finns ett arbetskraftspolitiskt hinder",
                "Det tidigare utlåtandet ändras.",
                "lagen om utkomstskydd för arbetslösa (1290/2002) 2 kap. 10 §",
            ],
        ),
        (
            Language::En,
            "Selvityksen mukaan opiskelet päätoimisesti korkeakoulussa.",
            vec!["Antaja: Testilän kaupunki", "You can ask for a translation"],
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
            outcome: "obstacle".into(),
            effective_date: date(2),
            reasoning: reasoning.into(),
            basis: "TTL 2:10".into(),
        };
        let d = ReconsiderationDocument {
            org: &org,
            client: &client,
            date: date(9),
            statement: "automated",
            old_outcome: "no_obstacle",
            old_effective_date: date(2),
            resolution: &resolution,
        };
        assert!(d.changed());
        let doc = reconsideration_document(&d);
        for needle in needles.iter().chain([&reasoning]) {
            assert!(doc.contains(needle), "{needle:?} missing from\n{doc}");
        }
        assert!(!doc.contains("010594Y9032"), "{doc}");
        let unchanged = ReconsiderationDocument {
            old_outcome: "obstacle",
            statement: "official",
            ..d
        };
        assert!(!unchanged.changed());
        let same = reconsideration_document(&unchanged);
        assert!(
            same.contains("Aiempi lausunto pysyy ennallaan.")
                || same.contains("Det tidigare utlåtandet står fast."),
            "{same}"
        );
        let check_lang = if lang == Language::Sv { Language::Sv } else { Language::Fi };
        for text in [&doc, &same] {
            let report = checker
                .check(text, &kirjuri_quality::Context::entry(EntryKind::Other, check_lang))
                .unwrap();
            let found: Vec<_> = report
                .findings
                .iter()
                .filter(|f| f.kind != kirjuri_quality::Kind::Clarity)
                .map(|f| (f.kind, f.matched.clone()))
                .collect();
            assert!(found.is_empty(), "{lang:?} document: {found:?}\n{text}");
        }
    }
}
