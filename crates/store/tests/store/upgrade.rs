//! Issue 17, upgrades: a database as an earlier release left it is migrated by the current
//! release at start, and then verifies, reads back and takes new writes. Two ways: a
//! committed SQLite file made by the previous release's own binary (`fixtures/`, see its
//! README), and on every backend a database whose schema is made by the migrations that
//! release shipped and whose record and ledger are written by the store at that level.

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use kirjuri_domain::*;
use kirjuri_store::testing::{
    acting, backends, connect_at_migration, drop_schema, fixture, latest_migration, postgres_url,
    raw_i64, test_ledger_keys,
};
use kirjuri_store::{Backend, IdSource, Store};

/// The release before statement delivery (migration 9): the record, the ledger, the access
/// log, statements, the work queue and reconsideration.
const PREVIOUS_RELEASE: i64 = 8;

fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::new(
        Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap(),
    ))
}

fn entry(client: ClientId, text: &str) -> NewEntry {
    NewEntry::new(
        client,
        EntryKind::Contact,
        EntryText::parse(text).unwrap(),
        Utc.with_ymd_and_hms(2026, 3, 2, 8, 0, 0).unwrap(),
        EntryDetails::default(),
        None,
    )
    .unwrap()
}

#[tokio::test]
async fn a_database_of_the_previous_release_migrates_verifies_reads_back_and_takes_writes() {
    for backend in backends() {
        eprintln!("backend {backend:?}");
        let dir = std::env::temp_dir().join(format!("kirjuri-upgrade-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let (url, schema) = match backend {
            Backend::Sqlite => (format!("sqlite:{}", dir.join("old.db").display()), None),
            Backend::Postgres => (
                postgres_url(),
                Some(format!("kirjuri_upgrade_{}", std::process::id())),
            ),
        };
        let schema = schema.as_deref();
        if let Some(s) = schema {
            drop_schema(s).await;
        }

        // The previous release's database.
        let old =
            connect_at_migration(&url, schema, clock(), IdSource::seeded(1), PREVIOUS_RELEASE)
                .await
                .unwrap()
                .with_ledger(test_ledger_keys());
        assert_eq!(
            raw_i64(&old, "SELECT MAX(version) FROM kirjuri_migrations").await,
            PREVIOUS_RELEASE
        );
        let fx = fixture(&old).await;
        let by = acting(&fx.official_a);
        let texts = [
            "Asiakas soitti ja kertoi hakeneensa kahta työpaikkaa.",
            "Sovittiin uusi tapaaminen ensi viikolle.",
            "Asiakas ilmoitti osoitteenmuutoksesta.",
        ];
        let mut written = Vec::new();
        for t in texts {
            written.push(
                old.append_entry(&entry(fx.client_a.id, t), &by)
                    .await
                    .unwrap(),
            );
        }
        // No job search here: today's store starts one through migration 10's index of open
        // job searches, which this schema lacks. The committed database below has job
        // searches the old binary itself wrote, and checks that index is filled from them.
        let old_checkpoint = old.ledger_checkpoint().await.unwrap();
        old.close().await;

        // The current release starts on it: the newer migrations are applied at connect.
        let new = Store::connect(&url, schema, clock(), IdSource::seeded(2))
            .await
            .unwrap()
            .with_ledger(test_ledger_keys());
        assert_eq!(
            raw_i64(&new, "SELECT MAX(version) FROM kirjuri_migrations").await,
            latest_migration()
        );
        let verifiers = [test_ledger_keys().verifier()];
        let report = new.verify_ledger(&verifiers).await.unwrap();
        assert_eq!(report.fault, None, "{report:?}");
        assert_eq!(report.checkpoint_size, old_checkpoint.size);
        assert!(report.records_checked >= 4, "{report:?}");

        // What the previous release wrote reads back as written.
        let read: Vec<_> = new.entries(fx.client_a.id, &by).await.unwrap();
        assert_eq!(read, written);

        // And the upgraded database takes writes; the log only grew.
        new.append_entry(
            &entry(fx.client_a.id, "Ensimmäinen merkintä päivityksen jälkeen."),
            &by,
        )
        .await
        .unwrap();
        let cp = new.ledger_checkpoint().await.unwrap();
        assert!(cp.size > old_checkpoint.size);
        let report = new.verify_ledger(&verifiers).await.unwrap();
        assert_eq!(report.fault, None, "{report:?}");
        assert_eq!(report.checkpoints, 2);

        new.close().await;
        if let Some(s) = schema {
            drop_schema(s).await;
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// The committed database made by the previous release's binary (commit 05b41b5, migrations
/// 1–9: `kirjuri demo --clients 3 --seed 17 --no-serve`, then `kirjuri ledger checkpoint`).
#[tokio::test]
async fn the_previous_release_s_demo_database_migrates_verifies_reads_back_and_takes_writes() {
    if !backends().contains(&Backend::Sqlite) {
        return; // a SQLite file
    }
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let dir = std::env::temp_dir().join(format!("kirjuri-upgrade-file-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("kirjuri.db");
    std::fs::copy(fixtures.join("release-05b41b5.sqlite"), &db).unwrap();
    let keys = kirjuri_store::LedgerKeys::parse_file_text(
        &std::fs::read_to_string(fixtures.join("release-05b41b5-ledger-key.txt")).unwrap(),
    )
    .unwrap();
    let verifier = keys.verifier();
    let url = format!("sqlite:{}", db.display());

    let store = Store::connect(&url, None, clock(), IdSource::seeded(3))
        .await
        .unwrap()
        .with_ledger(keys);
    assert_eq!(
        raw_i64(&store, "SELECT MAX(version) FROM kirjuri_migrations").await,
        latest_migration()
    );
    let report = store
        .verify_ledger(std::slice::from_ref(&verifier))
        .await
        .unwrap();
    assert_eq!(report.fault, None, "{report:?}");
    let leaves = report.leaves;
    assert!(leaves > 0 && report.checkpoint_size == leaves, "{report:?}");

    // What the previous release wrote reads back through today's store.
    let (official, _) = store
        .user_by_username("anna.virtanen")
        .await
        .unwrap()
        .unwrap();
    let by = acting(&official);
    let client: String = kirjuri_store::testing::raw_text(
        &store,
        &format!(
            "SELECT client_id FROM entries e JOIN clients c ON c.id = e.client_id \
             WHERE c.org_id = '{}' ORDER BY e.recorded_at LIMIT 1",
            official.org_id.unwrap()
        ),
    )
    .await;
    let client: ClientId = client.parse().unwrap();
    let read = store.entries(client, &by).await.unwrap();
    assert!(!read.is_empty());
    assert!(!store.job_searches(client, &by).await.unwrap().is_empty());
    // Migration 10 filled its index of open job searches from what the old binary wrote
    // (issue 15 item 3): one row for each client whose latest job search has no end.
    let open_before = raw_i64(
        &store,
        "SELECT COUNT(DISTINCT j.client_id) FROM job_searches j \
         LEFT JOIN job_search_ends e ON e.job_search_id = j.id WHERE e.job_search_id IS NULL",
    )
    .await;
    assert!(open_before > 0);
    assert_eq!(
        raw_i64(&store, "SELECT COUNT(*) FROM open_job_searches").await,
        open_before
    );

    // It takes writes, and the log only grew.
    store
        .append_entry(
            &entry(client, "Ensimmäinen merkintä päivityksen jälkeen."),
            &by,
        )
        .await
        .unwrap();
    store.ledger_checkpoint().await.unwrap();
    let report = store.verify_ledger(&[verifier]).await.unwrap();
    assert_eq!(report.fault, None, "{report:?}");
    assert!(report.leaves > leaves);
    store.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// Review finding (migration 10 on PostgreSQL broke date ties differently from SQLite): a
/// client the race left with two open job searches started on the same day and recorded at
/// the same instant gets the one with the greater id as its open one, on every backend.
#[tokio::test]
async fn migration_10_breaks_a_tie_between_two_open_job_searches_by_id_on_every_backend() {
    for backend in backends() {
        eprintln!("backend {backend:?}");
        let dir = std::env::temp_dir().join(format!("kirjuri-m10-tie-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let (url, schema) = match backend {
            Backend::Sqlite => (format!("sqlite:{}", dir.join("old.db").display()), None),
            Backend::Postgres => (
                postgres_url(),
                Some(format!("kirjuri_m10_tie_{}", std::process::id())),
            ),
        };
        let schema = schema.as_deref();
        if let Some(s) = schema {
            drop_schema(s).await;
        }
        let old = connect_at_migration(&url, schema, clock(), IdSource::seeded(1), 9)
            .await
            .unwrap()
            .with_ledger(test_ledger_keys());
        let fx = fixture(&old).await;
        // The smaller id first: without the id in its ORDER BY, PostgreSQL's DISTINCT ON
        // kept whichever tied row its sort left first (here the smaller id), unlike SQLite.
        for id in ["js-a", "js-b"] {
            kirjuri_store::testing::raw_execute(
                &old,
                &format!(
                    "INSERT INTO job_searches (id, client_id, start_date, recorded_at, recorded_by)
                     VALUES ('{id}', '{}', '2026-03-02', '2026-03-02T09:00:00.000000Z', '{}')",
                    fx.client_a.id, fx.official_a.id
                ),
            )
            .await
            .unwrap();
        }
        old.close().await;
        let new = Store::connect(&url, schema, clock(), IdSource::seeded(2))
            .await
            .unwrap();
        assert_eq!(
            kirjuri_store::testing::raw_text(
                &new,
                &format!(
                    "SELECT job_search_id FROM open_job_searches WHERE client_id = '{}'",
                    fx.client_a.id
                )
            )
            .await,
            "js-b"
        );
        new.close().await;
        if let Some(s) = schema {
            drop_schema(s).await;
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
