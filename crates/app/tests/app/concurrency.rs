//! Issue 15 item 3: a one-only thing written by many at once through the application layer
//! (what the JSON API, the pages and the CLI all call) is written once; the others are told it
//! conflicts — on every backend.

use std::sync::Arc;

use chrono::{NaiveDate, TimeZone, Utc};
use kirjuri_app::statements::FormAnswers;
use kirjuri_app::{Actor, App, AppError};
use kirjuri_domain::*;
use kirjuri_store::testing::{backends, fixture, fresh_store, raw_i64};

/// Sixteen simultaneous job-search starts for one client: one is written with its decision,
/// fifteen are conflicts (on PostgreSQL all sixteen were written before migration 10).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn simultaneous_job_search_starts_leave_one_open_job_search() {
    for backend in backends() {
        eprintln!("backend {backend:?}");
        let clock = Arc::new(FixedClock::new(
            Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap(),
        ));
        let ts = fresh_store(backend, clock).await;
        let fx = fixture(&ts.store).await;
        let app = App::new(ts.store.clone(), Default::default()).unwrap();
        let official = Actor::new(fx.official_a.clone());
        let start = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        let mut set = tokio::task::JoinSet::new();
        for _ in 0..16 {
            let (app, official, client) = (app.clone(), official.clone(), fx.client_a.id);
            set.spawn(async move {
                let form = FormAnswers {
                    answers: None,
                    acknowledged_notice: false,
                };
                app.start_job_search(&official, client, start, form).await
            });
        }
        let (mut written, mut conflicts) = (0, 0);
        while let Some(r) = set.join_next().await {
            match r.unwrap() {
                Ok(_) => written += 1,
                Err(AppError::Conflict { .. }) => conflicts += 1,
                Err(e) => panic!("neither written nor a conflict: {e:?}"),
            }
        }
        assert_eq!((written, conflicts), (1, 15));
        let client = fx.client_a.id;
        for table in ["job_searches", "decisions", "open_job_searches"] {
            let n = raw_i64(
                &ts.store,
                &format!("SELECT COUNT(*) FROM {table} WHERE client_id = '{client}'"),
            )
            .await;
            assert_eq!(n, 1, "{table}");
        }
        ts.cleanup().await;
    }
}
