//! Checkpoints the server signs itself (issue 16), on every backend under test, with the test
//! clock: at least every minute while leaves are added, at shutdown, and bundle reads use a
//! stored checkpoint instead of signing one each.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{TimeZone, Utc};
use kirjuri_app::checkpoints::{checkpoint_if_due, CheckpointConfig, Checkpointer};
use kirjuri_app::App;
use kirjuri_domain::*;
use kirjuri_store::testing::{acting, backends, fixture, fresh_store, raw_i64, Fixture};
use kirjuri_store::Store;

async fn write_entries(store: &Store, fx: &Fixture, n: usize) -> Vec<EntryId> {
    let mut ids = Vec::new();
    for i in 0..n {
        let new = NewEntry::new(
            fx.client_a.id,
            EntryKind::Contact,
            EntryText::parse(&format!("Asiakas soitti {i}.")).unwrap(),
            store.clock().now() - chrono::Duration::hours(1),
            EntryDetails::default(),
            None,
        )
        .unwrap();
        ids.push(
            store
                .append_entry(&new, &acting(&fx.official_a))
                .await
                .unwrap()
                .id,
        );
    }
    ids
}

async fn signed(store: &Store) -> i64 {
    raw_i64(store, "SELECT COUNT(*) FROM ledger_checkpoints").await
}

/// Waits (real time, a few seconds at most) until the newest checkpoint covers `size` leaves.
async fn until_covered(store: &Store, size: u64) {
    for _ in 0..200 {
        if let Some(cp) = store.ledger_latest_checkpoint().await.unwrap() {
            if cp.size >= size {
                return;
            }
        }
        tokio::time::sleep(StdDuration::from_millis(25)).await;
    }
    panic!("no checkpoint of {size} leaves was signed");
}

/// Issue 16: the server's checkpoint task signs at once when the ledger has leaves and no
/// checkpoint, then not again within the minute however the ledger grows, again once the
/// clock has moved a minute, a last one at shutdown that covers every leaf, and nothing
/// while the ledger stands still.
#[tokio::test]
async fn the_server_signs_a_checkpoint_every_minute_while_leaves_are_added_and_at_shutdown() {
    for backend in backends() {
        eprintln!("backend {backend:?}");
        let clock = Arc::new(FixedClock::new(
            Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap(),
        ));
        let ts = fresh_store(backend, clock.clone()).await;
        let store = ts.store.clone();
        let fx = fixture(&store).await;
        let app = App::new(store.clone(), Default::default()).unwrap();
        assert_eq!(signed(&store).await, 0);
        let task = Checkpointer::spawn(
            &app,
            CheckpointConfig {
                every: chrono::Duration::minutes(1),
                poll: StdDuration::from_millis(10),
            },
        );
        let size = store.ledger_size().await.unwrap();
        until_covered(&store, size).await;
        assert_eq!(signed(&store).await, 1);

        // Leaves added within the minute: no new checkpoint yet.
        write_entries(&store, &fx, 3).await;
        clock.advance(chrono::Duration::seconds(59));
        tokio::time::sleep(StdDuration::from_millis(200)).await;
        assert_eq!(signed(&store).await, 1);
        // The minute is up: one more, covering them.
        clock.advance(chrono::Duration::seconds(1));
        let size = store.ledger_size().await.unwrap();
        until_covered(&store, size).await;
        assert_eq!(signed(&store).await, 2);
        // At shutdown, whatever was added since is signed (within the minute, so only the
        // shutdown signs it).
        write_entries(&store, &fx, 2).await;
        let last = task.stop().await.unwrap();
        assert_eq!(last.size, store.ledger_size().await.unwrap());
        assert_eq!(signed(&store).await, 3);
        // The public use case answers the newest.
        assert_eq!(app.latest_checkpoint().await.unwrap(), last);

        // Nothing added: however long it stands, nothing is signed, nor at shutdown.
        let task = Checkpointer::spawn(
            &app,
            CheckpointConfig {
                every: chrono::Duration::minutes(1),
                poll: StdDuration::from_millis(10),
            },
        );
        clock.advance(chrono::Duration::minutes(10));
        tokio::time::sleep(StdDuration::from_millis(200)).await;
        assert_eq!(signed(&store).await, 3);
        assert_eq!(task.stop().await.unwrap(), last);
        assert_eq!(signed(&store).await, 3);
        ts.cleanup().await;
    }
}

/// Issue 16: bundle reads of leaves a stored checkpoint covers sign nothing (a test signed 76
/// checkpoints before); a leaf none covers gets one checkpoint, once, however many read it at
/// the same moment; `checkpoint_if_due` is the task's step.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn bundle_reads_use_the_stored_checkpoint_and_sign_at_most_once_for_a_new_leaf() {
    for backend in backends() {
        eprintln!("backend {backend:?}");
        let clock = Arc::new(FixedClock::new(
            Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap(),
        ));
        let ts = fresh_store(backend, clock.clone()).await;
        let store = ts.store.clone();
        let fx = fixture(&store).await;
        let old = write_entries(&store, &fx, 5).await;
        let every = chrono::Duration::minutes(1);
        assert!(checkpoint_if_due(&store, every).await.unwrap().is_some());
        assert!(checkpoint_if_due(&store, every).await.unwrap().is_none());
        for id in &old {
            store.ledger_bundle_for_entry(*id).await.unwrap();
        }
        assert_eq!(signed(&store).await, 1);

        let new = write_entries(&store, &fx, 1).await[0];
        let readers: Vec<_> = (0..8)
            .map(|_| {
                let store = store.clone();
                tokio::spawn(async move { store.ledger_bundle_for_entry(new).await })
            })
            .collect();
        for r in readers {
            r.await.unwrap().unwrap();
        }
        assert_eq!(signed(&store).await, 2);
        ts.cleanup().await;
    }
}
