//! Issue 12 item 4, review C6: finding clients by a non-ASCII name reads a bounded number of
//! rows and returns at most `FIND_LIMIT` clients, on both backends.

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use kirjuri_app::clients::FIND_LIMIT;
use kirjuri_app::{Actor, App};
use kirjuri_domain::*;
use kirjuri_store::testing::{acting, backends, fixture, fresh_store, raw_i64};

/// A valid identity code in the test range (individual numbers 900–999).
fn hetu(n: u32) -> Hetu {
    let (dd, mm, yy, ind) = (1 + n % 28, 1 + n % 12, 80 + n % 19, 900 + n % 100);
    let num = dd * 10_000_000 + mm * 100_000 + yy * 1_000 + ind;
    let check = b"0123456789ABCDEFHJKLMNPRSTUVWXY"[(num % 31) as usize] as char;
    Hetu::parse(&format!("{dd:02}{mm:02}{yy:02}-{ind:03}{check}")).unwrap()
}

/// C6: with more than `FIND_LIMIT` clients matching the one letter "ä" (upper and lower case),
/// the search returns exactly `FIND_LIMIT` of them, the first by name, each a logged read; a
/// letter that only clients sorted after all of those match ("ö") still finds them, so the
/// bound is on matches, not on the rows the SQLite wildcard reads.
#[tokio::test]
async fn a_one_letter_non_ascii_search_returns_at_most_the_limit() {
    for backend in backends() {
        let clock = Arc::new(FixedClock::new(
            Utc.with_ymd_and_hms(2026, 3, 2, 8, 0, 0).unwrap(),
        ));
        let ts = fresh_store(backend, clock).await;
        let fx = fixture(&ts.store).await;
        let app = App::new(ts.store.clone(), Default::default()).unwrap();
        let me = Actor::new(fx.official_a.clone());
        let many = u32::try_from(FIND_LIMIT).unwrap() + 5;
        for n in 0..many + 2 {
            let (first, last) = match n {
                n if n == many => ("Åsa".to_owned(), "Öberg".to_owned()),
                n if n == many + 1 => ("Olli".to_owned(), "Öljymäki".to_owned()),
                n if n % 2 == 0 => (
                    format!("Testi{}", char::from(b'a' + (n % 26) as u8)),
                    "Mäki".to_owned(),
                ),
                _ => (
                    "Erkki".to_owned(),
                    format!("Äijä{}", char::from(b'a' + (n % 26) as u8)),
                ),
            };
            ts.store
                .create_client(
                    NewClient {
                        hetu: hetu(n),
                        first_name: PersonName::parse(&first).unwrap(),
                        last_name: PersonName::parse(&last).unwrap(),
                        language: Language::Fi,
                        org_id: fx.org_a.id,
                    },
                    &acting(&fx.official_a),
                )
                .await
                .unwrap();
        }
        let logged = |ts: &kirjuri_store::testing::TestStore| {
            let store = ts.store.clone();
            async move {
                raw_i64(
                    &store,
                    "SELECT COUNT(*) FROM access_log WHERE resource = 'client_search'",
                )
                .await
            }
        };
        let before = logged(&ts).await;
        let found = app.find_clients(&me, "ä").await.unwrap();
        assert_eq!(found.len() as i64, FIND_LIMIT, "{backend:?}");
        assert!(found
            .iter()
            .all(|c| format!("{} {}", c.first_name, c.last_name)
                .to_lowercase()
                .contains('ä')));
        assert_eq!(
            logged(&ts).await,
            before + FIND_LIMIT,
            "each client found is logged"
        );
        let mut names: Vec<String> = found.iter().map(|c| c.last_name.to_string()).collect();
        let sorted = {
            let mut s = names.clone();
            s.sort();
            s
        };
        assert_eq!(names, sorted, "by name");
        names.dedup();
        assert_eq!(names.first().map(String::as_str), Some("Mäki"));

        let found = app.find_clients(&me, "Ö").await.unwrap();
        let mut names: Vec<String> = found
            .iter()
            .map(|c| format!("{} {}", c.first_name, c.last_name))
            .collect();
        names.sort();
        assert_eq!(names, vec!["Olli Öljymäki", "Åsa Öberg"], "{backend:?}");
        ts.cleanup().await;
    }
}
