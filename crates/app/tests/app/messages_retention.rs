//! Issue 13 with issue 17: a client's secure messages are part of the client record, so the
//! retention job erases them (and their first-read marks) with it, and the ledger still
//! verifies; a message sent later keeps the relationship open.

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use kirjuri_app::messages::page;
use kirjuri_app::{Actor, App};
use kirjuri_domain::*;
use kirjuri_store::testing::{backends, fixture, fresh_store, raw_i64, test_ledger_keys};
use kirjuri_store::NewUser;

fn at(y: i32, m: u32, d: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 9, 0, 0).unwrap()
}

#[tokio::test]
async fn messages_are_erased_with_the_client_record_and_the_ledger_verifies() {
    for backend in backends() {
        eprintln!("backend {backend:?}");
        let clock = Arc::new(FixedClock::new(at(2026, 3, 2)));
        let ts = fresh_store(backend, clock.clone()).await;
        let store = ts.store.clone();
        let fx = fixture(&store).await;
        let app = App::new(store.clone(), Default::default()).unwrap();
        let official = Actor::new(fx.official_a.clone());
        let seeker = Actor::new(
            store
                .create_user(NewUser {
                    username: Username::parse("asiakas.a").unwrap(),
                    display_name: PersonName::parse("Testi Asiakas").unwrap(),
                    role: Role::JobSeeker,
                    org_id: None,
                    client_id: Some(fx.client_a.id),
                    password_hash: None,
                })
                .await
                .unwrap(),
        );
        let text = |s: &str| MessageText::parse(s).unwrap();
        app.send_my_message(&seeker, &text("Voinko tulla käymään tiistaina?"))
            .await
            .unwrap();
        let read = app
            .conversation(&official, fx.client_a.id, page(None, None).unwrap())
            .await
            .unwrap();
        assert!(read.page.messages[0].read_at.is_some());
        app.send_message(
            &official,
            fx.client_a.id,
            &text("Tervetuloa tiistaina kello 10."),
        )
        .await
        .unwrap();
        let n = |t: &str| format!("SELECT COUNT(*) FROM {t}");
        assert_eq!(raw_i64(&store, &n("messages")).await, 2);
        assert_eq!(raw_i64(&store, &n("message_reads")).await, 1);

        // A message in 2027 keeps the relationship open past 2030-03-02.
        clock.set(at(2027, 1, 4));
        app.send_my_message(&seeker, &text("Sain työpaikan, kiitos avusta."))
            .await
            .unwrap();
        clock.set(at(2030, 3, 4));
        let run = app.run_retention().await.unwrap();
        assert_eq!(run.rows.get("messages"), None, "{run:?}");
        assert_eq!(raw_i64(&store, &n("messages")).await, 3);

        // Four years after the last message: the messages go with the record.
        clock.set(at(2031, 1, 6));
        let run = app.run_retention().await.unwrap();
        assert_eq!(run.rows.get("messages"), Some(&3), "{run:?}");
        assert_eq!(run.rows.get("message_reads"), Some(&1), "{run:?}");
        assert_eq!(raw_i64(&store, &n("messages")).await, 0);
        store.ledger_checkpoint().await.unwrap();
        let report = store
            .verify_ledger(&[test_ledger_keys().verifier()])
            .await
            .unwrap();
        assert_eq!(report.fault, None, "{report:?}");
        ts.cleanup().await;
    }
}
