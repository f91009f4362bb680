//! Group commit on both backends (issue 16, throughput on PostgreSQL): writes sent at once
//! share commits, a write that fails leaves its neighbours in the same commit alone, and the
//! ledger stays a prefix in commit order that verifies.

use std::sync::Arc;

use kirjuri_domain::*;
use kirjuri_store::testing::{acting, backends, fixture, fresh_store, raw_i64, test_ledger_keys};
use kirjuri_store::StoreError;

/// 96 client registrations at once, every third repeating the identity code of the one
/// before it: each repeat is refused as a duplicate (whichever of the two commits first), every
/// other registration is committed with its leaf, and the whole ledger verifies. Meanwhile an
/// erasure (a write that appends at once and so ends its batch) is committed among them.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn writes_at_once_share_commits_and_a_failed_one_fails_alone() {
    for backend in backends() {
        eprintln!("backend {backend:?}");
        let ts = fresh_store(backend, Arc::new(SystemClock)).await;
        let store = ts.store.clone();
        let fx = fixture(&store).await;
        let first_leaf = raw_i64(&store, "SELECT MIN(idx) FROM ledger_leaves").await;
        let by = acting(&fx.official_a);
        let hetu = |i: usize| {
            let born = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()
                + chrono::Days::new((i / 100) as u64);
            Hetu::from_parts(born, 900 + (i % 100) as u16).unwrap()
        };
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..96usize {
            // Every third repeats the code of the one before it.
            let code = if i % 3 == 2 { hetu(i - 1) } else { hetu(i) };
            let (store, by, org) = (store.clone(), by.clone(), fx.org_a.id);
            tasks.spawn(async move {
                let r = store
                    .create_client(
                        NewClient {
                            hetu: code,
                            first_name: PersonName::parse("Ryhmä").unwrap(),
                            last_name: PersonName::parse(&format!("Asiakas {i}")).unwrap(),
                            language: Language::Fi,
                            org_id: org,
                        },
                        &by,
                    )
                    .await;
                (i, r)
            });
        }
        let erasure = {
            let store = store.clone();
            let idx = u64::try_from(first_leaf).unwrap();
            tokio::spawn(async move { store.erase_opening(idx).await })
        };
        let (mut made, mut duplicates) = (0, 0);
        while let Some(done) = tasks.join_next().await {
            match done.unwrap() {
                (_, Ok(_)) => made += 1,
                (i, Err(StoreError::DuplicateHetu)) => {
                    assert!(i % 3 != 0, "{i} is no repeat");
                    duplicates += 1;
                }
                (i, Err(e)) => panic!("{backend:?} registration {i}: {e}"),
            }
        }
        erasure.await.unwrap().unwrap();
        assert_eq!((made, duplicates), (64, 32), "{backend:?}");
        assert_eq!(
            raw_i64(
                &store,
                "SELECT COUNT(*) FROM clients WHERE first_name = 'Ryhmä'"
            )
            .await,
            64
        );
        // Every committed state is a prefix: no index is missing below the last.
        assert_eq!(
            raw_i64(
                &store,
                "SELECT COALESCE(MAX(idx) + 1, 0) - COUNT(*) FROM ledger_leaves"
            )
            .await,
            0
        );
        store.ledger_checkpoint().await.unwrap();
        let report = store
            .verify_ledger(&[test_ledger_keys().verifier()])
            .await
            .unwrap();
        assert_eq!(report.fault, None, "{backend:?}: {report:?}");
        assert_eq!(report.erased, 1, "{report:?}");
        ts.cleanup().await;
    }
}
