//! Issue 16, verification from the database: the whole log is read in one snapshot through
//! the backends' own drivers (a SQLite connection, PostgreSQL's binary COPY) and the record
//! rows are compared by digest, with an exact pass only where the digests differ. These
//! tests run that read path on every backend, SQLite both in memory and on a file (the file
//! is read by a read-only connection of its own), with more leaves than one batch.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use chrono::{TimeZone, Utc};
use kirjuri_domain::*;
use kirjuri_store::testing::{
    acting, backends, empty_database, fixture, fresh_store, raw_execute, raw_i64, test_ledger_keys,
    Fixture,
};
use kirjuri_store::{Backend, IdSource, LedgerReport, Store};

fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::new(
        Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap(),
    ))
}

/// A store under test: its name, the store, and what drops it afterwards.
type Case = (String, Store, Box<dyn FnOnce()>);

/// A store per read path: in-memory SQLite, a SQLite file, PostgreSQL (as under test).
async fn stores(dir: &std::path::Path) -> Vec<Case> {
    let mut out: Vec<Case> = Vec::new();
    for backend in backends() {
        let ts = fresh_store(backend, clock()).await;
        let schema = ts.schema.clone();
        let cleanup: Box<dyn FnOnce()> = Box::new(move || {
            if let Some(schema) = schema {
                // Dropped on a runtime of its own: the test's runtime is busy returning.
                std::thread::spawn(move || {
                    tokio::runtime::Runtime::new()
                        .unwrap()
                        .block_on(kirjuri_store::testing::drop_schema(&schema));
                })
                .join()
                .unwrap();
            }
        });
        out.push((format!("{backend:?}"), ts.store, cleanup));
        if backend == Backend::Sqlite {
            let db = empty_database(backend, dir, "verify").await;
            let store = Store::connect(&db.url, None, clock(), IdSource::seeded(5))
                .await
                .unwrap()
                .with_ledger(test_ledger_keys());
            out.push(("SQLite file".into(), store, Box::new(|| ())));
        }
    }
    out
}

fn verifier() -> Vec<kirjuri_ledger::Verifier> {
    vec![test_ledger_keys().verifier()]
}

async fn verify(store: &Store) -> LedgerReport {
    store.verify_ledger(&verifier()).await.unwrap()
}

/// The fixture, 4 100 bulk-loaded leaves (access-log rows and entries, more than two
/// batches of the reader) about a few clients, and a signed checkpoint.
async fn loaded(store: &Store) -> Fixture {
    let fx = fixture(store).await;
    let start = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
    store
        .bulk_load_ledger(4100, &fx.official_a, &[fx.client_a.id], start, None)
        .await
        .unwrap();
    store.ledger_checkpoint().await.unwrap();
    fx
}

async fn drop_triggers(store: &Store) {
    let sql = match store.backend() {
        Backend::Sqlite => {
            "DROP TRIGGER entries_no_update; DROP TRIGGER entries_no_delete;
             DROP TRIGGER access_log_no_update; DROP TRIGGER access_log_no_delete;"
        }
        Backend::Postgres => {
            "DROP TRIGGER entries_append_only ON entries; DROP TRIGGER entries_no_delete ON entries;
             DROP TRIGGER access_log_append_only ON access_log;
             DROP TRIGGER access_log_no_delete ON access_log;"
        }
    };
    raw_execute(store, sql).await.unwrap();
}

/// The index of the `n`th leaf linked to a row of `table`.
async fn nth_link(store: &Store, table: &str, n: usize) -> i64 {
    raw_i64(
        store,
        &format!(
            "SELECT idx FROM ledger_links WHERE record_table = '{table}' ORDER BY idx
             LIMIT 1 OFFSET {n}"
        ),
    )
    .await
}

#[tokio::test]
async fn issue16_verification_finds_a_changed_a_missing_and_an_unledgered_row() {
    let dir = std::env::temp_dir().join(format!("kirjuri-verify-native-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, store, cleanup) in stores(&dir).await {
        eprintln!("{name}");
        let fx = loaded(&store).await;
        let size =
            u64::try_from(raw_i64(&store, "SELECT COUNT(*) FROM ledger_leaves").await).unwrap();
        let report = verify(&store).await;
        assert_eq!(report.fault, None, "{name}: {report:?}");
        assert_eq!(
            (report.leaves, report.opened, report.records_checked),
            (size, size, size),
            "{name}"
        );
        drop_triggers(&store).await;

        // A row without a leaf: named by its key.
        raw_execute(
            &store,
            &format!(
                "INSERT INTO access_log (at, user_id, role, org_id, client_id, action, resource,
                 purpose, flagged) VALUES ('2026-03-02T09:00:00.000000Z', '{}', 'official',
                 '{}', '{}', 'read', 'entries', 'ei lokissa', 0)",
                fx.official_a.id, fx.org_a.id, fx.client_a.id
            ),
        )
        .await
        .unwrap();
        let fault = verify(&store).await.fault.expect("an unledgered row");
        assert_eq!(fault.first_bad_leaf, None, "{name}: {fault}");
        assert!(
            fault.what.contains("access_log row") && fault.what.contains("has no ledger leaf"),
            "{name}: {fault}"
        );
        raw_execute(
            &store,
            "DELETE FROM access_log WHERE purpose = 'ei lokissa'",
        )
        .await
        .unwrap();
        assert_eq!(verify(&store).await.fault, None, "{name}");

        // A missing entry on the second batch: its leaf is named.
        let missing = nth_link(&store, "entries", 600).await;
        raw_execute(
            &store,
            &format!(
                "DELETE FROM entries WHERE id =
                 (SELECT record_key FROM ledger_links WHERE idx = {missing})"
            ),
        )
        .await
        .unwrap();
        let fault = verify(&store).await.fault.expect("a missing row");
        assert_eq!(
            fault.first_bad_leaf,
            Some(missing as u64),
            "{name}: {fault}"
        );
        assert!(
            fault.what.contains("entries row is missing"),
            "{name}: {fault}"
        );

        // A changed access-log row before it: now that one is the first bad leaf.
        let changed = nth_link(&store, "access_log", 1000).await;
        assert!(changed < missing);
        raw_execute(
            &store,
            &format!(
                "UPDATE access_log SET purpose = 'muutettu' WHERE seq =
                 (SELECT CAST(record_key AS BIGINT) FROM ledger_links WHERE idx = {changed})"
            ),
        )
        .await
        .unwrap();
        let fault = verify(&store).await.fault.expect("a changed row");
        assert_eq!(
            fault.first_bad_leaf,
            Some(changed as u64),
            "{name}: {fault}"
        );
        assert!(
            fault.what.contains("access_log row differs"),
            "{name}: {fault}"
        );
        store.close().await;
        cleanup();
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Verification reads one snapshot, so rows committed while it reads (with their leaves)
/// are neither half seen nor reported as rows without a leaf.
#[tokio::test]
async fn issue16_verification_while_the_server_writes_sees_one_consistent_snapshot() {
    let dir = std::env::temp_dir().join(format!("kirjuri-verify-busy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, store, cleanup) in stores(&dir).await {
        eprintln!("{name}");
        let fx = loaded(&store).await;
        let stop = Arc::new(AtomicBool::new(false));
        let mut writers = tokio::task::JoinSet::new();
        for w in 0..3 {
            let (store, stop, by, client) = (
                store.clone(),
                stop.clone(),
                acting(&fx.official_a),
                fx.client_a.id,
            );
            writers.spawn(async move {
                let mut n = 0;
                while !stop.load(Ordering::Relaxed) {
                    let entry = NewEntry::new(
                        client,
                        EntryKind::Contact,
                        EntryText::parse(&format!("Kirjoittaja {w}, merkintä {n}.")).unwrap(),
                        Utc.with_ymd_and_hms(2026, 3, 2, 8, 0, 0).unwrap(),
                        EntryDetails::default(),
                        None,
                    )
                    .unwrap();
                    store.append_entry(&entry, &by).await.unwrap();
                    n += 1;
                    tokio::task::yield_now().await;
                }
                n
            });
        }
        for _ in 0..3 {
            let report = verify(&store).await;
            assert_eq!(report.fault, None, "{name}: {report:?}");
        }
        stop.store(true, Ordering::Relaxed);
        let mut written = 0;
        while let Some(n) = writers.join_next().await {
            written += n.unwrap();
        }
        assert!(written > 0, "{name}: the writers wrote nothing");
        store.ledger_checkpoint().await.unwrap();
        let report = verify(&store).await;
        assert_eq!(report.fault, None, "{name}: {report:?}");
        store.close().await;
        cleanup();
    }
    let _ = std::fs::remove_dir_all(&dir);
}
