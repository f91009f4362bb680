//! Several servers started at once on one empty database (issue 16, several servers): the
//! migrations run under an advisory lock on PostgreSQL, so every one of them starts.

use std::sync::Arc;

use kirjuri_store::testing::{backends, empty_database, latest_migration, raw_i64};
use kirjuri_store::{Backend, IdSource, Store};

/// Issue 16 (a): four stores connecting at the same moment to one fresh PostgreSQL database
/// all migrate it without an error (before the lock one died with a duplicate key creating
/// the migrations table), and the newest migration is recorded (each once: its key).
#[tokio::test]
async fn stores_started_at_once_on_an_empty_postgres_database_all_migrate_it() {
    if !backends().contains(&Backend::Postgres) {
        return;
    }
    for round in 0..3 {
        let dir = std::env::temp_dir();
        let db = empty_database(Backend::Postgres, &dir, "unused").await;
        // Four connections at once, in one task: each waits on its own database round trips,
        // so their statements interleave as two servers' would.
        let connect = |i: u64| {
            Store::connect(
                &db.url,
                None,
                Arc::new(kirjuri_domain::SystemClock),
                IdSource::seeded(i),
            )
        };
        let (a, b, c, d) = tokio::join!(connect(0), connect(1), connect(2), connect(3));
        let mut stores = Vec::new();
        for s in [a, b, c, d] {
            match s {
                Ok(s) => stores.push(s),
                Err(e) => panic!("round {round}: a store failed to start: {e}"),
            }
        }
        let newest = raw_i64(&stores[0], "SELECT MAX(version) FROM kirjuri_migrations").await;
        assert_eq!(newest, latest_migration());
        for s in stores {
            s.close().await;
        }
        db.cleanup().await;
    }
}
