//! Benefit payers, applications, the statement outbox and the validity query (migration 9).

use super::*;
use kirjuri_store::testing::{raw_strings, raw_text, test_ledger_keys};
use kirjuri_store::{GapReason, GapScope, IssuedStatement, NewBenefitPayer, NewDecision};

fn payer(fi: &str, sv: &str, url: &str) -> NewBenefitPayer {
    NewBenefitPayer {
        name_fi: PersonName::parse(fi).unwrap(),
        name_sv: PersonName::parse(sv).unwrap(),
        endpoint: EndpointUrl::parse(url).unwrap(),
    }
}

fn kela() -> NewBenefitPayer {
    payer(
        "Kansaneläkelaitos",
        "Folkpensionsanstalten",
        "https://kela.example.fi/lausunnot",
    )
}

fn fund() -> NewBenefitPayer {
    payer(
        "Yleinen työttömyyskassa",
        "Allmänna arbetslöshetskassan",
        "https://kassa.example.fi/lausunnot",
    )
}

fn routed(ctx: &kirjuri_store::StatementContext, kind: &str) -> NewDecision {
    NewDecision {
        kind: kind.into(),
        outcome: "routed".into(),
        reasons: "[{\"code\":\"MISSING_INPUTS\"}]".into(),
        target: Some("employment_authority".into()),
        effective_date: None,
        document: None,
        document_language: None,
        ..a_decision(ctx)
    }
}

fn auto(ctx: &kirjuri_store::StatementContext, kind: &str) -> NewDecision {
    NewDecision {
        kind: kind.into(),
        outcome: if kind == "job_search_end" {
            "auto_end".into()
        } else {
            "auto_positive".into()
        },
        ..a_decision(ctx)
    }
}

fn resolution() -> kirjuri_store::Resolution {
    kirjuri_store::Resolution {
        outcome: "no_obstacle".into(),
        effective_date: d(2026, 3, 2),
        reasoning: "Selvitetty puhelimitse.".into(),
        basis: "TTL 2:1".into(),
        document: "Lausunto.".into(),
        document_language: "fi".into(),
    }
}

fn verifier() -> Vec<kirjuri_ledger::Verifier> {
    vec![test_ledger_keys().verifier()]
}

/// Issue 5 (delivery): a statement is enqueued in its own transaction once per payer the
/// client has applied to, and for a payer applied to later; the pair is unique; the outbox is
/// append-only and its rows keep `ledger verify` whole as deliveries are attempted, fail and
/// succeed.
#[tokio::test]
async fn issue5_statements_are_enqueued_once_per_payer() {
    each_backend(|store, fx, clock| async move {
        let (c, by) = (fx.client_a.id, &acting(&fx.official_a));
        let kela = store
            .register_payer(kela(), fx.official_a.id)
            .await
            .unwrap();
        let fund = store
            .register_payer(fund(), fx.official_a.id)
            .await
            .unwrap();
        assert!(matches!(
            store
                .register_payer(kela_named_again(), fx.official_a.id)
                .await,
            Err(StoreError::DuplicatePayer)
        ));
        // An application before any statement enqueues nothing.
        let (app, made) = store
            .record_benefit_application(c, kela.id, d(2026, 3, 1), by)
            .await
            .unwrap();
        assert_eq!((app.payer_id, app.from_date), (kela.id, d(2026, 3, 1)));
        assert!(made.is_empty());
        // An unknown payer is refused and writes nothing.
        assert!(matches!(
            store
                .record_benefit_application(c, PayerId::from_uuid(uuid_of(77)), d(2026, 3, 1), by)
                .await,
            Err(StoreError::NotFound("benefit payer"))
        ));

        // The automatic start statement: one delivery, to Kela, in the same transaction.
        let (_, dec) = store
            .start_job_search_deciding(
                c,
                d(2026, 3, 2),
                by,
                Box::new(|ctx| Ok(auto(ctx, "job_search_start"))),
            )
            .await
            .unwrap();
        assert_eq!(raw_i64(&store, "SELECT COUNT(*) FROM deliveries").await, 1);
        let key = kirjuri_store::idempotency_key("decision", &dec.id.to_string(), kela.id);
        assert_eq!(
            raw_text(&store, "SELECT idempotency_key FROM deliveries").await,
            key
        );
        let body: serde_json::Value =
            serde_json::from_str(&raw_text(&store, "SELECT body FROM deliveries").await).unwrap();
        assert_eq!(body["client"]["hetu"], fx.client_a.hetu.as_str());
        assert_eq!(body["statement"]["id"], format!("decision:{}", dec.id));
        assert_eq!(body["statement"]["outcome"], "auto_positive");
        assert_eq!(body["statement"]["effective_date"], "2026-03-02");
        assert_eq!(body["statement"]["automated"], true);
        assert_eq!(body["issuer"]["name_fi"], fx.org_a.name_fi.as_str());
        assert_eq!(body["idempotency_key"], key);

        // Applying to the fund later enqueues the statement in force for the fund only; a
        // second application to the same payer enqueues nothing new.
        let (_, made) = store
            .record_benefit_application(c, fund.id, d(2026, 3, 2), by)
            .await
            .unwrap();
        assert_eq!(made.len(), 1);
        let (_, made) = store
            .record_benefit_application(c, fund.id, d(2026, 3, 5), by)
            .await
            .unwrap();
        assert!(made.is_empty());
        assert_eq!(raw_i64(&store, "SELECT COUNT(*) FROM deliveries").await, 2);
        // The pair is unique whoever connects; the outbox is append-only.
        let dup = format!(
            "INSERT INTO deliveries (id, client_id, payer_id, statement_kind, statement_ref,
                 idempotency_key, body, enqueued_at)
             VALUES ('{}', '{c}', '{}', 'decision', '{}', 'other', '{{}}', 'x')",
            uuid_of(99),
            kela.id,
            dec.id
        );
        assert!(raw_execute(&store, &dup).await.is_err());
        for sql in [
            "UPDATE deliveries SET body = '{}'",
            "DELETE FROM deliveries",
            "UPDATE benefit_applications SET from_date = '2020-01-01'",
            "DELETE FROM benefit_payers",
        ] {
            assert!(raw_execute(&store, sql).await.is_err(), "{sql}");
        }

        // The worker's side: both due; a claim holds the row for its lease; a failure makes it
        // due again at its retry time; a receipt ends it.
        let due = store.due_deliveries(10).await.unwrap();
        assert_eq!(due.len(), 2);
        let first = due[0].clone();
        let lease = Duration::seconds(30);
        assert_eq!(
            store.claim_delivery(first.id, "w1", lease).await.unwrap(),
            Some(1)
        );
        assert_eq!(
            store.claim_delivery(first.id, "w2", lease).await.unwrap(),
            None
        );
        assert_eq!(store.due_deliveries(10).await.unwrap().len(), 1);
        store
            .record_delivery_failure(
                first.id,
                1,
                Some(503),
                "503 Service Unavailable",
                clock.now() + Duration::seconds(10),
            )
            .await
            .unwrap();
        assert_eq!(store.due_deliveries(10).await.unwrap().len(), 1);
        clock.advance(Duration::seconds(10));
        assert_eq!(store.due_deliveries(10).await.unwrap().len(), 2);
        assert_eq!(
            store.claim_delivery(first.id, "w1", lease).await.unwrap(),
            Some(2)
        );
        store
            .record_delivery_receipt(first.id, 2, "w1", &first.endpoint, 200, b"{\"ok\":true}")
            .await
            .unwrap();
        assert!(matches!(
            store
                .record_delivery_receipt(first.id, 2, "w1", &first.endpoint, 200, b"")
                .await,
            Err(StoreError::DeliveryTaken)
        ));
        assert_eq!(store.due_deliveries(10).await.unwrap().len(), 1);
        // The work index keeps only what is not delivered; the record keeps everything.
        assert_eq!(
            raw_i64(&store, "SELECT COUNT(*) FROM delivery_outstanding").await,
            1
        );
        assert_eq!(raw_i64(&store, "SELECT COUNT(*) FROM deliveries").await, 2);
        // An attempt whose worker stopped before recording an outcome is due when its lease
        // runs out.
        let second = store.due_deliveries(10).await.unwrap()[0].clone();
        assert_eq!(
            store.claim_delivery(second.id, "w1", lease).await.unwrap(),
            Some(1)
        );
        assert!(store.due_deliveries(10).await.unwrap().is_empty());
        clock.advance(Duration::seconds(31));
        assert_eq!(
            store.due_deliveries(10).await.unwrap(),
            vec![kirjuri_store::DueDelivery {
                attempts: 1,
                ..second.clone()
            }]
        );

        // Officials see where each delivery stands.
        let status = store.deliveries(c, by).await.unwrap();
        assert_eq!(status.len(), 2);
        let done = status.iter().find(|s| s.id == first.id).unwrap();
        assert_eq!(done.attempts, 2);
        assert_eq!(done.last_failure.as_ref().unwrap().http_status, Some(503));
        let receipt = done.receipt.as_ref().unwrap();
        assert_eq!((receipt.attempt_no, receipt.http_status), (2, 200));
        assert_eq!(receipt.worker, "w1");
        assert!(status
            .iter()
            .find(|s| s.id == second.id)
            .unwrap()
            .receipt
            .is_none());

        // A routed end decision resolved by an official goes to both payers.
        let (_, end) = store
            .end_job_search_deciding(
                c,
                dec.job_search_id,
                d(2026, 3, 20),
                EndReason::Employed,
                by,
                Box::new(|ctx| Ok(routed(ctx, "job_search_end"))),
            )
            .await
            .unwrap();
        assert_eq!(raw_i64(&store, "SELECT COUNT(*) FROM deliveries").await, 2);
        let step = store
            .resolve_case(c, end.id, resolution(), by)
            .await
            .unwrap();
        let refs = raw_strings(
            &store,
            &format!(
                "SELECT payer_id FROM deliveries WHERE statement_kind = 'official_step'
                 AND statement_ref = '{}' ORDER BY payer_id",
                step.seq
            ),
        )
        .await;
        let mut want = vec![kela.id.to_string(), fund.id.to_string()];
        want.sort();
        assert_eq!(refs, want);

        // No personal data in the leaves; every record row and its leaf agree.
        store.ledger_checkpoint().await.unwrap();
        let report = store.verify_ledger(&verifier()).await.unwrap();
        assert!(report.fault.is_none(), "{report:?}");
        let leaves = raw_strings(
            &store,
            "SELECT event_type, subject, commitment FROM ledger_leaves",
        )
        .await;
        assert!(!leaves.iter().any(|l| l.contains(fx.client_a.hetu.as_str())));
    })
    .await;
}

fn kela_named_again() -> NewBenefitPayer {
    payer("Kansaneläkelaitos", "FPA", "https://toinen.example.fi/")
}

/// The function other statement sources call (for example a reconsideration): it enqueues
/// for every payer the client has applied to.
#[tokio::test]
async fn issued_statements_carry_what_the_payer_needs() {
    let d1 = kirjuri_store::StoredDecision {
        id: DecisionId::from_uuid(uuid_of(1)),
        client_id: ClientId::from_uuid(uuid_of(2)),
        job_search_id: JobSearchId::from_uuid(uuid_of(3)),
        decision: NewDecision {
            kind: "job_search_start".into(),
            decision_date: d(2026, 3, 2),
            inputs: "{}".into(),
            rule_set_name: "statement-start".into(),
            rule_set_version: "1".into(),
            rule_set_hash: "ab".repeat(32),
            adoption_number: Some("KEHA/73792/2024".into()),
            outcome: "routed".into(),
            reasons: "[]".into(),
            target: Some("keha".into()),
            effective_date: None,
            trace: "[]".into(),
            document: None,
            document_language: None,
            notice_acknowledged: true,
        },
        recorded_at: Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap(),
        recorded_by: UserId::from_uuid(uuid_of(4)),
    };
    assert_eq!(kirjuri_store::issued_from_decision(&d1), None);
    let mut d2 = d1.clone();
    d2.decision.outcome = "auto_positive".into();
    d2.decision.document = Some("Lausunto.".into());
    let s: IssuedStatement = kirjuri_store::issued_from_decision(&d2).unwrap();
    assert!(s.automated && s.issuer.is_none());
    assert_eq!(s.adoption_number.as_deref(), Some("KEHA/73792/2024"));
    // Keys differ per payer and per statement, and repeat for the same pair.
    let (p1, p2) = (
        PayerId::from_uuid(uuid_of(5)),
        PayerId::from_uuid(uuid_of(6)),
    );
    let k = kirjuri_store::idempotency_key("decision", "x", p1);
    assert_eq!(k, kirjuri_store::idempotency_key("decision", "x", p1));
    assert_ne!(k, kirjuri_store::idempotency_key("decision", "x", p2));
    assert_ne!(k, kirjuri_store::idempotency_key("decision", "y", p1));
}

/// Issue 5 (B7 with delivery): the statement given on reconsideration goes to every payer the
/// client applied to, in the transaction that issues it, naming the statement it replaces; a
/// payer applied to afterwards gets it (and not the replaced one) as the statement in force.
#[tokio::test]
async fn issue5_a_statement_given_on_reconsideration_goes_to_the_payers() {
    each_backend(|store, fx, _| async move {
        let (c, by) = (fx.client_a.id, &acting(&fx.official_a));
        let kela = store
            .register_payer(kela(), fx.official_a.id)
            .await
            .unwrap();
        let fund = store
            .register_payer(fund(), fx.official_a.id)
            .await
            .unwrap();
        store
            .record_benefit_application(c, kela.id, d(2026, 3, 1), by)
            .await
            .unwrap();
        let (_, dec) = store
            .start_job_search_deciding(
                c,
                d(2026, 3, 2),
                by,
                Box::new(|ctx| Ok(auto(ctx, "job_search_start"))),
            )
            .await
            .unwrap();
        let r = store
            .request_reconsideration(c, dec.id, "Olen opiskelija.".into(), by)
            .await
            .unwrap();
        // Requesting issues nothing.
        assert_eq!(raw_i64(&store, "SELECT COUNT(*) FROM deliveries").await, 1);
        let step = store
            .resolve_reconsideration(
                c,
                r.id,
                kirjuri_store::Resolution {
                    outcome: "obstacle".into(),
                    ..resolution()
                },
                by,
            )
            .await
            .unwrap();
        let keys = raw_strings(
            &store,
            "SELECT idempotency_key FROM deliveries ORDER BY enqueued_at, id",
        )
        .await;
        let key = kirjuri_store::idempotency_key("reconsideration", &step.seq.to_string(), kela.id);
        assert_eq!(keys.len(), 2, "{keys:?}");
        assert!(keys.contains(&key), "{keys:?}");
        let body: serde_json::Value = serde_json::from_str(
            &raw_text(
                &store,
                &format!("SELECT body FROM deliveries WHERE idempotency_key = '{key}'"),
            )
            .await,
        )
        .unwrap();
        assert_eq!(body["statement"]["outcome"], "obstacle");
        assert_eq!(body["statement"]["automated"], false);
        assert_eq!(
            body["statement"]["replaces"],
            format!("decision:{}", dec.id),
            "{body}"
        );
        // Applying to the fund now sends the statement in force: the one on reconsideration.
        let (_, made) = store
            .record_benefit_application(c, fund.id, d(2026, 3, 20), by)
            .await
            .unwrap();
        assert_eq!(made.len(), 1);
        let fund_keys = raw_strings(
            &store,
            &format!(
                "SELECT idempotency_key FROM deliveries WHERE payer_id = '{}'",
                fund.id
            ),
        )
        .await;
        assert_eq!(
            fund_keys,
            vec![kirjuri_store::idempotency_key(
                "reconsideration",
                &step.seq.to_string(),
                fund.id
            )]
        );
        store.ledger_checkpoint().await.unwrap();
        let report = store.verify_ledger(&verifier()).await.unwrap();
        assert!(report.fault.is_none(), "{report:?}");
    })
    .await;
}

/// A11: the validity query, table-driven over the situations a client who applies for
/// benefit can be in, on both backends.
#[tokio::test]
async fn a11_statement_gaps_list_every_applicant_without_a_statement_in_force() {
    each_backend(|store, fx, clock| async move {
        let by = &acting(&fx.official_a);
        let kela = store
            .register_payer(kela(), fx.official_a.id)
            .await
            .unwrap();
        let at = |day: u32, h: u32| Utc.with_ymd_and_hms(2026, 3, day, h, 0, 0).unwrap();
        // (name, applies from, org, what happens, expected reason on 2026-03-20)
        #[derive(Clone, Copy, Debug)]
        enum Story {
            Nothing,
            StartedWithoutDecision,
            RoutedOpen,
            RoutedResolved,
            Auto,
            AutoThenServiceEnd,
            AutoServiceEndThenReconsidered,
            ServiceEndBeforeStatement,
            ServiceEndCorrected,
            EndedWithoutStatement,
            EndedWithStatement,
            EndRoutedOpen,
        }
        use GapReason::*;
        type Row = (&'static str, Option<u32>, bool, Story, Option<GapReason>);
        let table: Vec<Row> = vec![
            ("Aino", Some(1), true, Story::Nothing, Some(NoJobSearch)),
            (
                "Bertta",
                Some(1),
                true,
                Story::StartedWithoutDecision,
                Some(NoStatement),
            ),
            (
                "Cecilia",
                Some(1),
                true,
                Story::RoutedOpen,
                Some(RoutedUnresolved),
            ),
            ("Daniel", Some(1), true, Story::RoutedResolved, None),
            ("Eino", Some(1), true, Story::Auto, None),
            (
                "Fanni",
                Some(1),
                true,
                Story::AutoThenServiceEnd,
                Some(ServiceEnded),
            ),
            (
                "Gunnar",
                Some(1),
                true,
                Story::ServiceEndBeforeStatement,
                None,
            ),
            ("Hilma", Some(1), true, Story::ServiceEndCorrected, None),
            (
                "Iida",
                Some(1),
                true,
                Story::EndedWithoutStatement,
                Some(EndWithoutStatement),
            ),
            ("Jussi", Some(1), true, Story::EndedWithStatement, None),
            (
                "Kalle",
                Some(1),
                true,
                Story::EndRoutedOpen,
                Some(RoutedUnresolved),
            ),
            // A statement given on reconsideration after the service ended is in force (B7).
            (
                "Olli",
                Some(1),
                true,
                Story::AutoServiceEndThenReconsidered,
                None,
            ),
            // Does not apply for benefit, or only from later on: not listed.
            ("Liisa", None, true, Story::Nothing, None),
            ("Matti", Some(25), true, Story::Nothing, None),
            // Another organisation's client: outside org A's scope.
            ("Noora", Some(1), false, Story::Nothing, None),
        ];
        let mut ids = Vec::new();
        for (i, (name, applies, own, story, _)) in table.iter().enumerate() {
            clock.set(at(1, 8));
            let org = if *own { fx.org_a.id } else { fx.org_b.id };
            let who = if *own {
                by.clone()
            } else {
                acting(&fx.official_b)
            };
            let client = store
                .create_client(
                    NewClient {
                        hetu: Hetu::from_parts(d(1990, 1, 1), 900 + i as u16).unwrap(),
                        first_name: PersonName::parse(name).unwrap(),
                        last_name: PersonName::parse("Testi").unwrap(),
                        language: Language::Fi,
                        org_id: org,
                    },
                    &who,
                )
                .await
                .unwrap();
            let c = client.id;
            ids.push(c);
            if let Some(day) = applies {
                store
                    .record_benefit_application(c, kela.id, d(2026, 3, *day), &who)
                    .await
                    .unwrap();
            }
            clock.set(at(2, 9));
            let start = |f: fn(&kirjuri_store::StatementContext) -> NewDecision| {
                store.start_job_search_deciding(
                    c,
                    d(2026, 3, 2),
                    by,
                    Box::new(move |ctx| Ok(f(ctx))),
                )
            };
            let service_end = |day: u32| {
                NewEntry::new(
                    c,
                    EntryKind::ServiceEnd,
                    EntryText::parse("Työkokeilu päättyi.").unwrap(),
                    at(day, 12),
                    EntryDetails {
                        service: Some(ShortText::parse("työkokeilu").unwrap()),
                        ..EntryDetails::default()
                    },
                    None,
                )
                .unwrap()
            };
            match story {
                Story::Nothing => {}
                Story::StartedWithoutDecision => {
                    store.start_job_search(c, d(2026, 3, 2), by).await.unwrap();
                }
                Story::RoutedOpen => {
                    start(|ctx| routed(ctx, "job_search_start")).await.unwrap();
                }
                Story::RoutedResolved => {
                    let (_, dec) = start(|ctx| routed(ctx, "job_search_start")).await.unwrap();
                    clock.set(at(3, 9));
                    store
                        .resolve_case(c, dec.id, resolution(), by)
                        .await
                        .unwrap();
                }
                Story::Auto => {
                    start(|ctx| auto(ctx, "job_search_start")).await.unwrap();
                }
                Story::AutoThenServiceEnd => {
                    start(|ctx| auto(ctx, "job_search_start")).await.unwrap();
                    clock.set(at(10, 15));
                    store.append_entry(&service_end(10), by).await.unwrap();
                }
                Story::AutoServiceEndThenReconsidered => {
                    let (_, dec) = start(|ctx| auto(ctx, "job_search_start")).await.unwrap();
                    clock.set(at(10, 15));
                    store.append_entry(&service_end(10), by).await.unwrap();
                    let r = store
                        .request_reconsideration(c, dec.id, "Tilanne muuttui.".into(), by)
                        .await
                        .unwrap();
                    clock.set(at(12, 9));
                    store
                        .resolve_reconsideration(c, r.id, resolution(), by)
                        .await
                        .unwrap();
                }
                Story::ServiceEndBeforeStatement => {
                    store.append_entry(&service_end(1), by).await.unwrap();
                    start(|ctx| auto(ctx, "job_search_start")).await.unwrap();
                }
                Story::ServiceEndCorrected => {
                    start(|ctx| auto(ctx, "job_search_start")).await.unwrap();
                    clock.set(at(10, 15));
                    let e = store.append_entry(&service_end(10), by).await.unwrap();
                    let fix = NewEntry::new(
                        c,
                        EntryKind::Contact,
                        EntryText::parse("Työkokeilu jatkuu; edellinen merkintä oli väärä.")
                            .unwrap(),
                        at(10, 12),
                        EntryDetails::default(),
                        correction(&e, "väärä asiakirja"),
                    )
                    .unwrap();
                    store.append_entry(&fix, by).await.unwrap();
                }
                Story::EndedWithoutStatement => {
                    let (js, _) = start(|ctx| auto(ctx, "job_search_start")).await.unwrap();
                    store
                        .end_job_search(c, js.id, d(2026, 3, 16), EndReason::Employed, by)
                        .await
                        .unwrap();
                }
                Story::EndedWithStatement | Story::EndRoutedOpen => {
                    let (js, _) = start(|ctx| auto(ctx, "job_search_start")).await.unwrap();
                    clock.set(at(16, 9));
                    let f: fn(&kirjuri_store::StatementContext) -> NewDecision =
                        if matches!(story, Story::EndRoutedOpen) {
                            |ctx| routed(ctx, "job_search_end")
                        } else {
                            |ctx| auto(ctx, "job_search_end")
                        };
                    store
                        .end_job_search_deciding(
                            c,
                            js.id,
                            d(2026, 3, 16),
                            EndReason::Employed,
                            by,
                            Box::new(move |ctx| Ok(f(ctx))),
                        )
                        .await
                        .unwrap();
                }
            }
        }
        clock.set(at(20, 9));
        let logged_before = raw_i64(&store, "SELECT COUNT(*) FROM access_log").await;
        let gaps = store
            .statement_gaps(GapScope::Organisation(fx.org_a.id), d(2026, 3, 20), by)
            .await
            .unwrap();
        let got: Vec<(ClientId, GapReason)> =
            gaps.iter().map(|g| (g.client.id, g.reason)).collect();
        let want: Vec<(ClientId, GapReason)> = table
            .iter()
            .zip(&ids)
            .filter_map(|(row, id)| row.4.map(|r| (*id, r)))
            .collect();
        for (row, id) in table.iter().zip(&ids) {
            assert_eq!(
                got.iter().find(|(c, _)| c == id).map(|(_, r)| *r),
                row.4,
                "{} ({:?})",
                row.0,
                row.3
            );
        }
        assert_eq!(got.len(), want.len());
        // Each listed client is a logged read.
        assert_eq!(
            raw_i64(&store, "SELECT COUNT(*) FROM access_log").await,
            logged_before + want.len() as i64
        );
        let fanni = gaps
            .iter()
            .find(|g| g.client.first_name.as_str() == "Fanni")
            .unwrap();
        assert_eq!(fanni.since, Some(d(2026, 3, 10)));
        assert_eq!(fanni.payers, vec![kela.id]);
        assert_eq!(fanni.applied_from, d(2026, 3, 1));

        // A past date is answered as it stood: on 2026-03-09 Fanni's service had not ended,
        // and on 2026-03-02 Daniel's routed case was not yet resolved.
        let earlier = store
            .statement_gaps(GapScope::Organisation(fx.org_a.id), d(2026, 3, 9), by)
            .await
            .unwrap();
        assert!(!earlier
            .iter()
            .any(|g| g.client.first_name.as_str() == "Fanni"));
        let first_day = store
            .statement_gaps(GapScope::Organisation(fx.org_a.id), d(2026, 3, 2), by)
            .await
            .unwrap();
        assert_eq!(
            first_day
                .iter()
                .find(|g| g.client.first_name.as_str() == "Daniel")
                .map(|g| g.reason),
            Some(RoutedUnresolved)
        );
        // On 2026-03-11 Olli's service had ended and the statement on reconsideration was not
        // yet given.
        let between = store
            .statement_gaps(GapScope::Organisation(fx.org_a.id), d(2026, 3, 11), by)
            .await
            .unwrap();
        assert_eq!(
            between
                .iter()
                .find(|g| g.client.first_name.as_str() == "Olli")
                .map(|g| g.reason),
            Some(ServiceEnded)
        );
        // The whole country (the supervisor's scope) includes the other organisation's client.
        let all = store
            .statement_gaps(GapScope::All, d(2026, 3, 20), by)
            .await
            .unwrap();
        assert_eq!(all.len(), want.len() + 1);
        assert!(all.iter().any(|g| g.client.first_name.as_str() == "Noora"));

        // Issue 16: page by page (two gaps a page), the pages put together are the whole
        // list in the same order, no page holds more than asked, the last one says no more
        // follow, and only the clients listed are logged reads.
        let logged_before = raw_i64(&store, "SELECT COUNT(*) FROM access_log").await;
        let (mut paged, mut after, mut pages) = (Vec::new(), None::<String>, 0);
        loop {
            let (page, next) = store
                .statement_gaps_page(
                    GapScope::Organisation(fx.org_a.id),
                    d(2026, 3, 20),
                    after.as_deref(),
                    2,
                    by,
                )
                .await
                .unwrap();
            assert!(page.len() <= 2, "{page:?}");
            paged.extend(page.iter().map(|g| (g.client.id, g.reason)));
            pages += 1;
            match next {
                Some(key) => after = Some(key),
                None => break,
            }
            assert!(pages <= table.len(), "paging does not end");
        }
        assert_eq!(paged, got);
        assert!(pages >= want.len() / 2, "{pages} pages");
        assert_eq!(
            raw_i64(&store, "SELECT COUNT(*) FROM access_log").await,
            logged_before + want.len() as i64
        );
    })
    .await;
}

/// Issue 5: the outbox survives a restart of the process. A statement is enqueued, a worker
/// claims it and the process stops before any outcome; a new process (a new store on the same
/// database) finds it due when the lost attempt's lease ends, with the attempt counted, and
/// the same key and body. Both backends, on a database that outlives the store.
#[tokio::test]
async fn issue5_the_outbox_survives_a_restart() {
    for backend in backends() {
        eprintln!("backend {backend:?}");
        let clock = clock();
        let dir =
            std::env::temp_dir().join(format!("kirjuri-outbox-{}-{backend:?}", std::process::id()));
        let (url, schema) = match backend {
            kirjuri_store::Backend::Sqlite => {
                std::fs::create_dir_all(&dir).unwrap();
                let path = dir.join("k.db");
                let _ = std::fs::remove_file(&path);
                (format!("sqlite:{}", path.display()), None)
            }
            kirjuri_store::Backend::Postgres => (
                kirjuri_store::testing::postgres_url(),
                Some(format!("kirjuri_outbox_{}", std::process::id())),
            ),
        };
        let open = |seed| {
            let (url, schema, clock) = (url.clone(), schema.clone(), clock.clone());
            async move {
                Store::connect(
                    &url,
                    schema.as_deref(),
                    clock,
                    kirjuri_store::IdSource::seeded(seed),
                )
                .await
                .unwrap()
                .with_ledger(test_ledger_keys())
            }
        };
        let s1 = open(1).await;
        let fx = fixture(&s1).await;
        let (c, by) = (fx.client_a.id, &acting(&fx.official_a));
        let kela = s1.register_payer(kela(), fx.official_a.id).await.unwrap();
        s1.record_benefit_application(c, kela.id, d(2026, 3, 1), by)
            .await
            .unwrap();
        s1.start_job_search_deciding(
            c,
            d(2026, 3, 2),
            by,
            Box::new(|ctx| Ok(auto(ctx, "job_search_start"))),
        )
        .await
        .unwrap();
        let due = s1.due_deliveries(10).await.unwrap();
        assert_eq!(due.len(), 1);
        assert_eq!(
            s1.claim_delivery(due[0].id, "before-restart", Duration::seconds(60))
                .await
                .unwrap(),
            Some(1)
        );
        s1.close().await;

        let s2 = open(2).await;
        assert!(
            s2.due_deliveries(10).await.unwrap().is_empty(),
            "still leased"
        );
        clock.advance(Duration::seconds(60));
        let again = s2.due_deliveries(10).await.unwrap();
        assert_eq!(
            again,
            vec![kirjuri_store::DueDelivery {
                attempts: 1,
                ..due[0].clone()
            }]
        );
        assert_eq!(
            s2.claim_delivery(due[0].id, "after-restart", Duration::seconds(60))
                .await
                .unwrap(),
            Some(2)
        );
        s2.record_delivery_receipt(due[0].id, 2, "after-restart", &due[0].endpoint, 200, b"ok")
            .await
            .unwrap();
        assert!(s2.due_deliveries(10).await.unwrap().is_empty());
        s2.ledger_checkpoint().await.unwrap();
        let report = s2.verify_ledger(&verifier()).await.unwrap();
        assert!(report.fault.is_none(), "{report:?}");
        s2.close().await;
        match schema {
            Some(schema) => kirjuri_store::testing::drop_schema(&schema).await,
            None => std::fs::remove_dir_all(&dir).unwrap(),
        }
    }
}

/// Issue 5: two workers claiming the same due delivery at once: exactly one gets the attempt.
#[tokio::test]
async fn issue5_two_workers_claim_one_attempt_once() {
    each_backend(|store, fx, _| async move {
        let (c, by) = (fx.client_a.id, &acting(&fx.official_a));
        let kela = store
            .register_payer(kela(), fx.official_a.id)
            .await
            .unwrap();
        store
            .record_benefit_application(c, kela.id, d(2026, 3, 1), by)
            .await
            .unwrap();
        store
            .start_job_search_deciding(
                c,
                d(2026, 3, 2),
                by,
                Box::new(|ctx| Ok(auto(ctx, "job_search_start"))),
            )
            .await
            .unwrap();
        let id = store.due_deliveries(10).await.unwrap()[0].id;
        let claims = futures_join(
            (0..8)
                .map(|i| {
                    let store = store.clone();
                    tokio::spawn(async move {
                        store
                            .claim_delivery(id, &format!("w{i}"), Duration::seconds(60))
                            .await
                            .unwrap()
                    })
                })
                .collect(),
        )
        .await;
        let won: Vec<i64> = claims.into_iter().flatten().collect();
        assert_eq!(won, vec![1], "one claim of attempt 1");
        assert_eq!(
            raw_i64(&store, "SELECT COUNT(*) FROM delivery_attempts").await,
            1
        );
    })
    .await;
}

async fn futures_join<T>(handles: Vec<tokio::task::JoinHandle<T>>) -> Vec<T> {
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}
