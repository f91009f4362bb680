//! Issue 12 (the printable statement): `App::decision` reads one decision with the statements
//! issued on it for an official of the client's organisation, the read logged like every read
//! of client data; an official of another organisation finds no such decision, exactly as a
//! decision that does not exist (A2) — on every backend.

use std::sync::Arc;

use chrono::{NaiveDate, TimeZone, Utc};
use kirjuri_app::cases::{CaseRef, ResolutionInput};
use kirjuri_app::statements::FormAnswers;
use kirjuri_app::{Actor, App, AppError};
use kirjuri_domain::*;
use kirjuri_store::testing::{backends, fixture, fresh_store, raw_i64};

#[tokio::test]
async fn one_decision_is_read_with_its_statements_and_the_read_is_logged() {
    for backend in backends() {
        let clock = Arc::new(FixedClock::new(
            Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap(),
        ));
        let ts = fresh_store(backend, clock).await;
        let fx = fixture(&ts.store).await;
        let app = App::new(ts.store.clone(), Default::default()).unwrap();
        let official = Actor::new(fx.official_a.clone());
        let day = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        // Without the client's answers the start is routed: no statement yet.
        let started = app
            .start_job_search(&official, fx.client_a.id, day, FormAnswers::default())
            .await
            .unwrap();
        let id = started.decision.stored.id;
        let d = app.decision(&official, id).await.unwrap();
        assert_eq!(d.stored.id, id);
        assert!(d.stored.decision.document.is_none() && d.official_statement.is_none());

        app.resolve_case(
            &official,
            CaseRef::Routed(id),
            &ResolutionInput {
                outcome: "no_obstacle".into(),
                effective_date: day,
                reasoning: Reasoning::parse("Asiakkaan vastaukset saatiin puhelimitse.").unwrap(),
                basis: LegalBasis::parse("TTL 2:1").unwrap(),
            },
        )
        .await
        .unwrap();
        let reads = "SELECT COUNT(*) FROM access_log WHERE resource = 'decisions' \
                     AND action = 'read'";
        let before = raw_i64(&ts.store, reads).await;
        let d = app.decision(&official, id).await.unwrap();
        let issued = d.official_statement.expect("the official's statement");
        assert_eq!(issued.resolution.outcome, "no_obstacle");
        assert!(!issued.resolution.document.is_empty());
        assert_eq!(issued.resolution.document_language, "fi");
        assert!(
            raw_i64(&ts.store, reads).await > before,
            "the read is logged"
        );

        // Another organisation's official, and a decision that does not exist: not found.
        let other = Actor::new(fx.official_b.clone());
        assert!(
            matches!(app.decision(&other, id).await, Err(AppError::NotFound(_))),
            "another organisation's decision"
        );
        let nothing: DecisionId = "00000000-0000-4000-8000-000000000000".parse().unwrap();
        assert!(matches!(
            app.decision(&official, nothing).await,
            Err(AppError::NotFound(_))
        ));
        ts.cleanup().await;
    }
}
