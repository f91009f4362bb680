//! Log-in throttle and the security log (issue 15 item 7), with the test clock, on every
//! backend under test.

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use kirjuri_app::{App, AppError};
use kirjuri_domain::*;
use kirjuri_store::testing::{backends, fixture, fresh_store, raw_i64};
use kirjuri_store::NewUser;

const PASSWORD: &str = "oikea salasana 123";

/// Review finding (security_log flood): a delayed try costs no Argon2 work, so it is logged
/// once per delay (the first delayed try after each failure), for the username-and-address
/// key and for the address key alike; a new failure starts a new delay that is logged again.
#[tokio::test]
async fn only_the_first_delayed_try_after_each_failure_is_written_to_the_security_log() {
    for backend in backends() {
        eprintln!("backend {backend:?}");
        let clock = Arc::new(FixedClock::new(
            Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap(),
        ));
        let ts = fresh_store(backend, clock.clone()).await;
        let store = ts.store.clone();
        let fx = fixture(&store).await;
        let app = App::new(store.clone(), Default::default()).unwrap();
        store
            .create_user(NewUser {
                username: Username::parse("matti").unwrap(),
                display_name: PersonName::parse("Matti Meikäläinen").unwrap(),
                role: Role::Official,
                org_id: Some(fx.org_a.id),
                client_id: None,
                password_hash: Some(kirjuri_app::hash_password(PASSWORD).unwrap()),
            })
            .await
            .unwrap();
        let delayed = || {
            raw_i64(
                &store,
                "SELECT COUNT(*) FROM security_log WHERE event = 'login_delayed'",
            )
        };
        let attacker = Some("203.0.113.7".parse().unwrap());
        for _ in 0..3 {
            assert!(matches!(
                app.login("matti", "väärä", attacker).await,
                Err(AppError::WrongCredentials)
            ));
        }
        for _ in 0..10 {
            assert!(matches!(
                app.login("matti", PASSWORD, attacker).await,
                Err(AppError::TooManyLogins { .. })
            ));
        }
        assert_eq!(delayed().await, 1);

        // After the delay, another failure: its delay's first delayed try is logged again.
        clock.advance(chrono::Duration::seconds(3));
        assert!(matches!(
            app.login("matti", "väärä", attacker).await,
            Err(AppError::WrongCredentials)
        ));
        for _ in 0..10 {
            assert!(matches!(
                app.login("matti", PASSWORD, attacker).await,
                Err(AppError::TooManyLogins { .. })
            ));
        }
        assert_eq!(delayed().await, 2);

        // An address delayed for any username: many usernames tried from it, one row.
        let office = Some("192.0.2.50".parse().unwrap());
        for i in 0..20 {
            assert!(matches!(
                app.login(&format!("nobody{i}"), "väärä", office).await,
                Err(AppError::WrongCredentials)
            ));
        }
        for i in 0..10 {
            assert!(matches!(
                app.login(&format!("someone{i}"), "väärä", office).await,
                Err(AppError::TooManyLogins { .. })
            ));
        }
        assert_eq!(delayed().await, 3);
        assert_eq!(
            raw_i64(
                &store,
                "SELECT COUNT(*) FROM security_log WHERE event = 'login_failed'"
            )
            .await,
            3 + 1 + 20
        );
        ts.cleanup().await;
    }
}
