//! Issue 15 item 5: benefit payers on loopback only in a test configuration, and the delivery
//! worker checks the address it actually sends to, when it sends.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use chrono::{TimeZone, Utc};
use kirjuri_app::cases::{CaseRef, ResolutionInput};
use kirjuri_app::model::NewBenefitPayer;
use kirjuri_app::statements::FormAnswers;
use kirjuri_app::worker::{DeliveryConfig, DeliveryWorker, NOT_PUBLIC};
use kirjuri_app::{Actor, App, AppConfig, AppError};
use kirjuri_domain::*;
use kirjuri_store::testing::{backends, fixture, fresh_store, raw_i64};
use kirjuri_store::NewUser;

fn payer(url: &str) -> NewBenefitPayer {
    named_payer("Kansaneläkelaitos", url)
}

fn named_payer(name_fi: &str, url: &str) -> NewBenefitPayer {
    NewBenefitPayer {
        name_fi: PersonName::parse(name_fi).unwrap(),
        name_sv: PersonName::parse("Folkpensionsanstalten").unwrap(),
        endpoint: EndpointUrl::parse(url).unwrap(),
    }
}

/// A TCP listener on loopback that counts the connections made to it (and answers none).
async fn counting_listener() -> (u16, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let count = Arc::new(AtomicUsize::new(0));
    let c = count.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            c.fetch_add(1, Ordering::SeqCst);
            drop(socket);
        }
    });
    (port, count)
}

/// Issue 15 item 5: outside a test configuration an administrator cannot register a payer on
/// loopback (`localhost` or 127.0.0.1), and a delivery to a payer whose host name resolves to
/// loopback at send time (a name that was public when registered, now rebound) is not sent:
/// the worker resolves the name itself and records a failure without connecting.
#[tokio::test]
async fn loopback_payers_are_refused_and_never_sent_to_outside_test_configuration() {
    for backend in backends() {
        let clock = Arc::new(FixedClock::new(
            Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap(),
        ));
        let ts = fresh_store(backend, clock).await;
        let fx = fixture(&ts.store).await;
        let admin = ts
            .store
            .create_user(NewUser {
                username: Username::parse("admin").unwrap(),
                display_name: PersonName::parse("Aki Admin").unwrap(),
                role: Role::Administrator,
                org_id: Some(fx.org_a.id),
                client_id: None,
                password_hash: None,
            })
            .await
            .unwrap();
        let admin = Actor::new(admin);
        let app = App::new(ts.store.clone(), AppConfig::default()).unwrap();
        let (port, connections) = counting_listener().await;
        for url in [
            format!("http://127.0.0.1:{port}/lausunnot"),
            format!("https://localhost:{port}/lausunnot"),
            format!("http://[::1]:{port}/lausunnot"),
        ] {
            let err = app.register_payer(&admin, payer(&url)).await.unwrap_err();
            assert!(
                matches!(&err, AppError::Invalid { field, .. } if field == "endpoint_url"),
                "{url}: {err:?}"
            );
        }
        assert_eq!(
            raw_i64(&ts.store, "SELECT COUNT(*) FROM benefit_payers").await,
            0
        );
        // A test configuration allows it.
        let testing = App::new(
            ts.store.clone(),
            AppConfig {
                loopback_payers: true,
                ..Default::default()
            },
        )
        .unwrap();
        testing
            .register_payer(&admin, payer(&format!("http://127.0.0.1:{port}/x")))
            .await
            .unwrap();

        // A payer whose name now resolves to loopback (registered when it did not, as far as
        // the record knows): a statement enqueued for it is not sent by a production worker.
        let rebound = ts
            .store
            .register_payer(
                named_payer(
                    "Yleinen työttömyyskassa",
                    &format!("https://localhost:{port}/lausunnot"),
                ),
                admin.user.id,
            )
            .await
            .unwrap();
        // A statement in force: a routed start resolved by an official; the application
        // enqueues it for the payer.
        let official = Actor::new(fx.official_a.clone());
        let started = app
            .start_job_search(
                &official,
                fx.client_a.id,
                chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
                FormAnswers::default(),
            )
            .await
            .unwrap();
        app.resolve_case(
            &official,
            CaseRef::Routed(started.decision.stored.id),
            &ResolutionInput {
                outcome: "no_obstacle".into(),
                effective_date: chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
                reasoning: Reasoning::parse("Asiakkaan vastaukset saatiin puhelimitse.").unwrap(),
                basis: LegalBasis::parse("TTL 2:1").unwrap(),
            },
        )
        .await
        .unwrap();
        let recorded = app
            .record_benefit_application(
                &official,
                fx.client_a.id,
                rebound.id,
                chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(recorded.deliveries_enqueued, Some(1));
        let worker = DeliveryWorker::spawn(
            &app,
            DeliveryConfig {
                poll: std::time::Duration::from_millis(10),
                ..Default::default()
            },
        )
        .unwrap();
        let mut failed = 0;
        for _ in 0..500 {
            failed = raw_i64(
                &ts.store,
                &format!("SELECT COUNT(*) FROM delivery_failures WHERE error = '{NOT_PUBLIC}'"),
            )
            .await;
            if failed > 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        worker.stop().await;
        assert_eq!(failed, 1, "no failure recorded");
        assert_eq!(
            connections.load(Ordering::SeqCst),
            0,
            "the worker connected"
        );
        ts.cleanup().await;
    }
}
