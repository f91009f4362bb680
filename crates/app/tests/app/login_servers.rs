//! The failed-log-in limit with several servers on one database (issue 16): the count is
//! taken atomically in the database, not under a lock of one process.

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use kirjuri_app::{App, AppError};
use kirjuri_domain::*;
use kirjuri_store::testing::{backends, fixture, fresh_store};
use kirjuri_store::NewUser;

/// Issue 16 (b): a burst of wrong guesses for one username from one address, sent at once to
/// two App instances on one database (two servers), gets exactly the free tries checked
/// (3); every other one is delayed. With a per-process lock each server let its own 3 through.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_servers_on_one_database_let_no_more_guesses_through_than_one() {
    for backend in backends() {
        eprintln!("backend {backend:?}");
        let clock = Arc::new(FixedClock::new(
            Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap(),
        ));
        let ts = fresh_store(backend, clock.clone()).await;
        let store = ts.store.clone();
        let fx = fixture(&store).await;
        store
            .create_user(NewUser {
                username: Username::parse("matti").unwrap(),
                display_name: PersonName::parse("Matti Meikäläinen").unwrap(),
                role: Role::Official,
                org_id: Some(fx.org_a.id),
                client_id: None,
                password_hash: Some(kirjuri_app::hash_password("oikea salasana 123").unwrap()),
            })
            .await
            .unwrap();
        let servers = [
            App::new(store.clone(), Default::default()).unwrap(),
            App::new(store.clone(), Default::default()).unwrap(),
        ];
        let attacker: std::net::IpAddr = "203.0.113.7".parse().unwrap();
        let guesses: Vec<_> = (0..12)
            .map(|i| {
                let app = servers[i % 2].clone();
                tokio::spawn(async move {
                    app.login("matti", &format!("väärä {i}"), Some(attacker))
                        .await
                })
            })
            .collect();
        let (mut checked, mut delayed) = (0, 0);
        for g in guesses {
            match g.await.unwrap() {
                Err(AppError::WrongCredentials) => checked += 1,
                Err(AppError::TooManyLogins { .. }) => delayed += 1,
                other => panic!("unexpected: {other:?}"),
            }
        }
        assert_eq!((checked, delayed), (3, 9), "{backend:?}");
        // The right password from elsewhere is not delayed, and its success leaves no
        // failure counted for that address.
        let office: std::net::IpAddr = "192.0.2.50".parse().unwrap();
        servers[1]
            .login("matti", "oikea salasana 123", Some(office))
            .await
            .unwrap();
        let left = kirjuri_store::testing::raw_i64(
            &store,
            "SELECT COUNT(*) FROM login_failures WHERE key LIKE '%192.0.2.50%'",
        )
        .await;
        assert_eq!(left, 0);
        ts.cleanup().await;
    }
}
