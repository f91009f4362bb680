//! Issue 11 and issue 15 item 4: every text an official writes into a client's statement
//! passes the entry-quality checks at run time. Resolving a routed case or a request for
//! reconsideration with an offensive word, a diagnosis with its ICD-10 code, or a full identity
//! code is refused with the findings and writes nothing — on every backend.

use std::sync::Arc;

use chrono::{NaiveDate, TimeZone, Utc};
use kirjuri_app::cases::{CaseRef, ResolutionInput};
use kirjuri_app::statements::FormAnswers;
use kirjuri_app::{Actor, App, AppError};
use kirjuri_domain::*;
use kirjuri_store::testing::{backends, fixture, fresh_store, raw_i64, TestStore};

struct Setup {
    ts: TestStore,
    app: App,
    official: Actor,
    client: Client,
}

async fn setup(backend: kirjuri_store::Backend) -> Setup {
    let clock = Arc::new(FixedClock::new(
        Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap(),
    ));
    let ts = fresh_store(backend, clock).await;
    let fx = fixture(&ts.store).await;
    let app = App::new(ts.store.clone(), Default::default()).unwrap();
    Setup {
        app,
        official: Actor::new(fx.official_a.clone()),
        client: fx.client_a.clone(),
        ts,
    }
}

fn input(reasoning: &str) -> ResolutionInput {
    ResolutionInput {
        outcome: "no_obstacle".into(),
        effective_date: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
        reasoning: Reasoning::parse(reasoning).unwrap(),
        basis: LegalBasis::parse("TTL 2:1").unwrap(),
    }
}

/// What must never reach a client's statement, with the finding kind that refuses it.
fn refused_texts() -> Vec<(&'static str, &'static str)> {
    vec![
        ("Asiakas on idiootti eikä ole hakenut töitä.", "offensive"),
        (
            "Asiakkaalla on todettu masennus (F32.1), joten hän ei hae töitä.",
            "health",
        ),
        (
            "Asiakkaan henkilötunnus on 010594Y9032, ja hän on työtön.",
            "hetu",
        ),
    ]
}

async fn count(app: &Setup, sql: &str) -> i64 {
    raw_i64(&app.ts.store, sql).await
}

async fn assert_refused(s: &Setup, case: CaseRef, table: &str) {
    for (text, kind) in refused_texts() {
        let before = count(s, &format!("SELECT COUNT(*) FROM {table}")).await;
        let err = s
            .app
            .resolve_case(&s.official, case, &input(text))
            .await
            .unwrap_err();
        let AppError::Blocked { field, report } = err else {
            panic!("{text}: expected a block, got {err:?}");
        };
        assert_eq!(field, "reasoning", "{text}");
        assert!(
            report.findings.iter().any(|f| f.kind.code() == kind),
            "{text}: {:?}",
            report.findings
        );
        // Not even a preview is given of a statement that could not be issued.
        assert!(matches!(
            s.app
                .preview_resolution(&s.official, case, &input(text))
                .await,
            Err(AppError::Blocked { .. })
        ));
        let after = count(s, &format!("SELECT COUNT(*) FROM {table}")).await;
        // Nothing of the statement is written (the caller also checks that no record but the
        // access log's gained a ledger leaf).
        assert_eq!(after, before, "{text}: a step was written");
    }
}

#[tokio::test]
async fn a_statement_with_an_insult_a_diagnosis_or_an_identity_code_is_refused_and_nothing_is_written(
) {
    for backend in backends() {
        let s = setup(backend).await;
        // A start without the client's answers is routed to the employment authority.
        let started = s
            .app
            .start_job_search(
                &s.official,
                s.client.id,
                NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
                FormAnswers::default(),
            )
            .await
            .unwrap();
        assert_eq!(started.decision.stored.decision.outcome, "routed");
        let routed = CaseRef::Routed(started.decision.stored.id);
        let records = "SELECT COUNT(*) FROM ledger_links WHERE record_table <> 'access_log'";
        let before = count(&s, records).await;
        assert_refused(&s, routed, "official_steps").await;
        assert_eq!(count(&s, records).await, before, "a record was written");
        assert_eq!(
            count(&s, "SELECT COUNT(*) FROM official_steps").await,
            0,
            "no step of the routed case"
        );

        // A clean statement is issued; the client's request for its reconsideration is
        // refused the same way.
        let step = s
            .app
            .resolve_case(
                &s.official,
                routed,
                &input("Asiakkaan vastaukset saatiin puhelimitse."),
            )
            .await
            .unwrap();
        assert_eq!(step.step, "resolved");
        let on_behalf = s
            .app
            .record_reconsideration(
                &s.official,
                started.decision.stored.id,
                ClientReasons::parse("Asiakas on eri mieltä alkamispäivästä.").unwrap(),
            )
            .await
            .unwrap();
        let request = CaseRef::Reconsideration(on_behalf.request.id);
        let before = count(&s, records).await;
        assert_refused(&s, request, "reconsideration_steps").await;
        assert_eq!(count(&s, records).await, before, "a record was written");
        assert_eq!(
            count(&s, "SELECT COUNT(*) FROM reconsideration_steps").await,
            0
        );
        s.ts.cleanup().await;
    }
}

/// Issue 15 item 4: the other texts of a statement and of the client's record are checked
/// too — the legal basis, a bidirectional override in the reasoning, and beside an entry or
/// an appointment the correction's reason, the service's name and the appointment's address.
/// Each is refused naming its field, and nothing is written.
#[tokio::test]
async fn every_other_text_that_reaches_a_client_is_checked_and_a_refusal_writes_nothing() {
    for backend in backends() {
        let s = setup(backend).await;
        let started = s
            .app
            .start_job_search(
                &s.official,
                s.client.id,
                NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
                FormAnswers::default(),
            )
            .await
            .unwrap();
        let routed = CaseRef::Routed(started.decision.stored.id);
        let records = "SELECT COUNT(*) FROM ledger_links WHERE record_table <> 'access_log'";
        let before = count(&s, records).await;
        let mut basis = input("Asiakkaan vastaukset saatiin puhelimitse.");
        basis.basis = LegalBasis::parse("TTL 2:1, asiakas 010594Y9032").unwrap();
        let bidi = input("Asiakkaan vastaukset saatiin \u{202E}puhelimitse.");
        for (resolution, field, kind) in [(basis, "basis", "hetu"), (bidi, "reasoning", "format")] {
            let err = s
                .app
                .resolve_case(&s.official, routed, &resolution)
                .await
                .unwrap_err();
            let AppError::Blocked { field: f, report } = err else {
                panic!("{field}: expected a block, got {err:?}");
            };
            assert_eq!(f, field);
            assert!(
                report.findings.iter().any(|x| x.kind.code() == kind),
                "{report:?}"
            );
        }
        assert_eq!(count(&s, records).await, before, "a record was written");

        // Beside an entry: the correction's reason and the service's name.
        let at = Utc.with_ymd_and_hms(2026, 3, 2, 8, 0, 0).unwrap();
        let entry = |kind, details, corrects| {
            NewEntry::new(
                s.client.id,
                kind,
                EntryText::parse("Asiakas soitti ja kertoi tilanteestaan.").unwrap(),
                at,
                details,
                corrects,
            )
            .unwrap()
        };
        let first = s
            .app
            .write_entry(
                &s.official,
                entry(EntryKind::Contact, EntryDetails::default(), None),
            )
            .await
            .unwrap();
        let before = count(&s, records).await;
        let entries = count(&s, "SELECT COUNT(*) FROM entries").await;
        let hetu = "asiakas 010594Y9032";
        let correction = Correction {
            entry_id: first.entry.id,
            reason: ShortText::parse(hetu).unwrap(),
        };
        let service = EntryDetails {
            service: Some(ShortText::parse(hetu).unwrap()),
            ..Default::default()
        };
        for (new, field) in [
            (
                entry(
                    EntryKind::Contact,
                    EntryDetails::default(),
                    Some(correction),
                ),
                "corrects.reason",
            ),
            (entry(EntryKind::ServiceStart, service, None), "service"),
        ] {
            let err = s.app.write_entry(&s.official, new).await.unwrap_err();
            assert!(
                matches!(&err, AppError::Blocked { field: f, .. } if *f == field),
                "{field}: {err:?}"
            );
        }
        // An appointment's address is shown to the client.
        let visit = NewAppointment::new(
            s.client.id,
            None,
            NaiveDate::from_ymd_opt(2026, 3, 10).unwrap(),
            chrono::NaiveTime::from_hms_opt(10, 0, 0).unwrap(),
            30,
            AppointmentMode::Visit {
                address: Address::parse("Kauppakatu 1, asiakas 010594Y9032").unwrap(),
            },
        )
        .unwrap();
        let err = s
            .app
            .book_appointment(&s.official, visit)
            .await
            .unwrap_err();
        assert!(
            matches!(
                &err,
                AppError::Blocked {
                    field: "mode.address",
                    ..
                }
            ),
            "{err:?}"
        );
        assert_eq!(count(&s, "SELECT COUNT(*) FROM entries").await, entries);
        assert_eq!(count(&s, "SELECT COUNT(*) FROM appointments").await, 0);
        assert_eq!(count(&s, records).await, before, "a record was written");
        s.ts.cleanup().await;
    }
}
