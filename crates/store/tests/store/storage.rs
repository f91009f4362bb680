//! Issue 17, storage faults: a database that cannot grow answers `StorageFull` (the API's
//! 503 `storage_full`), loses nothing acknowledged, and takes writes again once it can grow,
//! with the same store (no restart). SQLite's `max_page_count` stands in for a full file
//! system here; `scripts/storage-fault-test` does it with a real full tmpfs under the server.

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use kirjuri_domain::*;
use kirjuri_store::testing::{acting, backends, fixture, fresh_store, raw_execute, raw_i64};
use kirjuri_store::{Backend, StoreError};

#[tokio::test]
async fn a_full_database_refuses_writes_as_storage_full_keeps_what_was_acknowledged_and_recovers() {
    if !backends().contains(&Backend::Sqlite) {
        return; // the page limit is SQLite's; PostgreSQL's disk_full maps the same way
    }
    let clock = Arc::new(FixedClock::new(
        Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap(),
    ));
    let ts = fresh_store(Backend::Sqlite, clock).await;
    let store = ts.store.clone();
    let fx = fixture(&store).await;
    let by = acting(&fx.official_a);
    let entry = |n: usize| {
        NewEntry::new(
            fx.client_a.id,
            EntryKind::Contact,
            EntryText::parse(&format!(
                "Asiakas soitti ja kertoi hakeneensa työpaikkaa {n}. {}",
                "x".repeat(400)
            ))
            .unwrap(),
            Utc.with_ymd_and_hms(2026, 3, 2, 8, 0, 0).unwrap(),
            EntryDetails::default(),
            None,
        )
        .unwrap()
    };
    let pages = raw_i64(&store, "PRAGMA page_count").await;
    raw_execute(&store, &format!("PRAGMA max_page_count = {}", pages + 2))
        .await
        .unwrap();
    let mut acked = Vec::new();
    let mut refused = 0;
    for n in 0..1000 {
        match store.append_entry(&entry(n), &by).await {
            Ok(e) => acked.push(e.id),
            Err(StoreError::StorageFull) => {
                refused += 1;
                if refused == 3 {
                    break;
                }
            }
            Err(e) => panic!("a full database answered {e:?}"),
        }
    }
    assert_eq!(refused, 3, "the database never filled up");
    // Nothing acknowledged was lost, nothing refused is there.
    let stored = raw_i64(&store, "SELECT COUNT(*) FROM entries").await;
    assert_eq!(stored, acked.len() as i64);
    raw_execute(&store, "PRAGMA max_page_count = 1073741823")
        .await
        .unwrap();
    let again = store.append_entry(&entry(5000), &by).await.unwrap();
    assert_eq!(
        raw_i64(&store, "SELECT COUNT(*) FROM entries").await,
        stored + 1
    );
    store.ledger_checkpoint().await.unwrap();
    let report = store
        .verify_ledger(&[kirjuri_store::testing::test_ledger_keys().verifier()])
        .await
        .unwrap();
    assert_eq!(report.fault, None, "{report:?}");
    assert!(store
        .entries(fx.client_a.id, &by)
        .await
        .unwrap()
        .iter()
        .any(|e| e.id == again.id));
    ts.cleanup().await;
}
