//! Issue 17, retention and erasure: the retention job erases what the policy says has
//! expired and nothing else, the ledger still verifies after the erasure, and the supervisor
//! (only) reads what was erased. With the test clock, on every backend under test.

use std::sync::Arc;

use chrono::{NaiveDate, TimeZone, Utc};
use kirjuri_app::statements::FormAnswers;
use kirjuri_app::{Actor, App, AppError};
use kirjuri_domain::*;
use kirjuri_store::testing::{acting, backends, fixture, fresh_store, raw_i64, test_ledger_keys};
use kirjuri_store::{NewUser, Store};

fn at(y: i32, m: u32, d: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 9, 0, 0).unwrap()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn entry(client: ClientId, when: chrono::DateTime<Utc>) -> NewEntry {
    NewEntry::new(
        client,
        EntryKind::Contact,
        EntryText::parse("Asiakas soitti ja kertoi hakeneensa kahta työpaikkaa.").unwrap(),
        when,
        EntryDetails::default(),
        None,
    )
    .unwrap()
}

/// Rows of the client in the tables each kind of record covers.
async fn rows(store: &Store, client: ClientId) -> [i64; 5] {
    let n = |table: &str| format!("SELECT COUNT(*) FROM {table} WHERE client_id = '{client}'");
    [
        raw_i64(store, &n("entries")).await,
        raw_i64(store, &n("job_searches")).await,
        raw_i64(store, &n("decisions")).await,
        raw_i64(store, &n("access_log")).await,
        raw_i64(
            store,
            &format!("SELECT COUNT(*) FROM clients WHERE id = '{client}'"),
        )
        .await,
    ]
}

async fn verifies(store: &Store) {
    store.ledger_checkpoint().await.unwrap();
    let report = store
        .verify_ledger(&[test_ledger_keys().verifier()])
        .await
        .unwrap();
    assert_eq!(report.fault, None, "{report:?}");
}

#[tokio::test]
async fn the_retention_job_erases_only_what_has_expired_and_the_ledger_still_verifies() {
    for backend in backends() {
        eprintln!("backend {backend:?}");
        let clock = Arc::new(FixedClock::new(at(2026, 3, 2)));
        let ts = fresh_store(backend, clock.clone()).await;
        let store = ts.store.clone();
        let fx = fixture(&store).await;
        let app = App::new(store.clone(), Default::default()).unwrap();
        let official = Actor::new(fx.official_a.clone());
        let by = acting(&fx.official_a);
        let name = |s: &str| PersonName::parse(s).unwrap();
        let client = |hetu: &str| NewClient {
            hetu: Hetu::parse(hetu).unwrap(),
            first_name: name("Testi"),
            last_name: name("Asiakas"),
            language: Language::Fi,
            org_id: fx.org_a.id,
        };
        // A: served in March 2026, then nothing. B: a job search still in progress. C: an
        // entry in 2028, so the relationship ended later.
        let a = fx.client_a.id;
        let b = store
            .create_client(client("131052-308T"), &by)
            .await
            .unwrap()
            .id;
        let c = store
            .create_client(client("020516C903K"), &by)
            .await
            .unwrap()
            .id;
        let seeker = store
            .create_user(NewUser {
                username: Username::parse("asiakas.a").unwrap(),
                display_name: name("Testi Asiakas"),
                role: Role::JobSeeker,
                org_id: None,
                client_id: Some(a),
                password_hash: None,
            })
            .await
            .unwrap();
        let avi = store
            .create_organisation(
                OrgKind::Supervisor,
                name("Lounais-Suomen aluehallintovirasto"),
                name("Regionförvaltningsverket i Sydvästra Finland"),
            )
            .await
            .unwrap();
        let supervisor = Actor::new(
            store
                .create_user(NewUser {
                    username: Username::parse("valvoja").unwrap(),
                    display_name: name("Valvoja Virkamies"),
                    role: Role::Supervisor,
                    org_id: Some(avi.id),
                    client_id: None,
                    password_hash: None,
                })
                .await
                .unwrap(),
        );
        let mut job_searches = Vec::new();
        for id in [a, b, c] {
            app.write_entry(&official, entry(id, at(2026, 3, 2)))
                .await
                .unwrap();
            let started = app
                .start_job_search(&official, id, day(2026, 3, 2), FormAnswers::default())
                .await
                .unwrap();
            job_searches.push(started.job_search.id);
        }
        clock.set(at(2026, 3, 10));
        for (id, js) in [(a, job_searches[0]), (c, job_searches[2])] {
            app.end_job_search(
                &official,
                id,
                js,
                day(2026, 3, 10),
                EndReason::Employed,
                FormAnswers::default(),
            )
            .await
            .unwrap();
        }
        clock.set(at(2028, 1, 1));
        app.write_entry(&official, entry(c, at(2028, 1, 1)))
            .await
            .unwrap();
        let (b_before, c_before) = (rows(&store, b).await, rows(&store, c).await);
        let a_before = rows(&store, a).await;
        assert_eq!(a_before[..3], [1, 1, 2]);
        verifies(&store).await;

        // A day before A's client record expires (4 years after 2026-03-10), nothing goes.
        clock.set(at(2030, 3, 10));
        let run = app.run_retention().await.unwrap();
        assert_eq!((run.clients, run.rows.len()), (0, 0), "{run:?}");
        assert_eq!(rows(&store, a).await, a_before);

        // Four years and a day after: A's client record, not its decisions (5 years).
        clock.set(at(2030, 3, 12));
        let run = app.run_retention().await.unwrap();
        assert_eq!(run.clients, 1, "{run:?}");
        assert_eq!(run.rows.get("entries"), Some(&1));
        assert_eq!(run.rows.get("decisions"), None);
        assert_eq!(rows(&store, a).await, [0, 1, 2, a_before[3], 1]);
        assert_eq!(rows(&store, b).await, b_before);
        assert_eq!(rows(&store, c).await, c_before);
        verifies(&store).await;

        // Five years after A's last decision: the decisions, the access log, and then the
        // client's identity and account, since nothing of A is left.
        clock.set(at(2031, 3, 12));
        let run = app.run_retention().await.unwrap();
        assert_eq!((run.clients, run.clients_removed), (1, 1), "{run:?}");
        assert_eq!(run.rows.get("decisions"), Some(&2));
        assert_eq!(run.rows.get("access_log"), Some(&(a_before[3] as u64)));
        assert_eq!(rows(&store, a).await, [0; 5]);
        assert_eq!(
            raw_i64(
                &store,
                &format!("SELECT COUNT(*) FROM users WHERE id = '{}'", seeker.id)
            )
            .await,
            0
        );
        // B (in progress) and C (relationship ended in 2028) are untouched.
        assert_eq!(rows(&store, b).await, b_before);
        assert_eq!(rows(&store, c).await, c_before);
        verifies(&store).await;
        // Every erased record row left its leaf with the opening erased, one erasure leaf each.
        let erased = raw_i64(
            &store,
            "SELECT COUNT(*) FROM ledger_openings WHERE erased_at IS NOT NULL",
        )
        .await;
        let erasure_leaves = raw_i64(
            &store,
            "SELECT COUNT(*) FROM ledger_leaves WHERE event_type = 'erasure'",
        )
        .await;
        assert!(erased > 0);
        assert_eq!(erased, erasure_leaves);

        // Outside the job the database still refuses deletes.
        assert!(kirjuri_store::testing::raw_execute(
            &store,
            &format!("DELETE FROM entries WHERE client_id = '{c}'")
        )
        .await
        .is_err());

        // The supervisor reads what was erased, newest run first, with the policy in force.
        let report = app.retention_report(&supervisor, 10).await.unwrap();
        assert_eq!(report.runs.len(), 3);
        assert_eq!(report.runs[0].clients_removed, 1);
        assert_eq!(report.runs[0].as_of, day(2031, 3, 12));
        assert_eq!(report.policy.periods.len(), 3);
        assert!(matches!(
            app.retention_report(&official, 10).await,
            Err(AppError::Forbidden(_))
        ));
        ts.cleanup().await;
    }
}

/// Review finding (retention job stuck): a job seeker whose record has expired but whose
/// account is still named by the append-only logs (a failed log-in in the security log, a
/// refused read in another client's access log) keeps the account and registration row, and
/// the run goes on; a client whose erasure fails is rolled back, counted as failed, and does
/// not stop the run either: the clients after it are erased, the run's row is written and
/// the ledger still verifies.
#[tokio::test]
async fn a_client_the_logs_still_name_or_whose_erasure_fails_does_not_stop_the_retention_run() {
    for backend in backends() {
        eprintln!("backend {backend:?}");
        let clock = Arc::new(FixedClock::new(at(2026, 3, 2)));
        let ts = fresh_store(backend, clock.clone()).await;
        let store = ts.store.clone();
        let fx = fixture(&store).await;
        let app = App::new(store.clone(), Default::default()).unwrap();
        let official = Actor::new(fx.official_a.clone());
        let by = acting(&fx.official_a);
        let name = |s: &str| PersonName::parse(s).unwrap();
        let client = |hetu: &str| NewClient {
            hetu: Hetu::parse(hetu).unwrap(),
            first_name: name("Testi"),
            last_name: name("Asiakas"),
            language: Language::Fi,
            org_id: fx.org_a.id,
        };
        // A: the seeker's own record. D: its erasure will fail. E: created after D, so the
        // run reaches it only by going on past D's failure.
        let a = fx.client_a.id;
        let d = store
            .create_client(client("131052-308T"), &by)
            .await
            .unwrap()
            .id;
        let e = store
            .create_client(client("020516C903K"), &by)
            .await
            .unwrap()
            .id;
        for id in [a, d, e] {
            app.write_entry(&official, entry(id, at(2026, 3, 2)))
                .await
                .unwrap();
        }
        let seeker = store
            .create_user(NewUser {
                username: Username::parse("asiakas.a").unwrap(),
                display_name: name("Testi Asiakas"),
                role: Role::JobSeeker,
                org_id: None,
                client_id: Some(a),
                password_hash: None,
            })
            .await
            .unwrap();
        store
            .record_security_event(kirjuri_store::NewSecurityEvent {
                kind: kirjuri_store::SecurityEventKind::LoginFailed,
                username: "asiakas.a".into(),
                address: Some("192.0.2.7".into()),
                user_id: Some(seeker.id),
                by_user: None,
            })
            .await
            .unwrap();
        assert!(app.entries(&Actor::new(seeker.clone()), d).await.is_err());
        let refusals = format!(
            "SELECT COUNT(*) FROM access_log WHERE client_id = '{d}' AND user_id = '{}'",
            seeker.id
        );
        assert_eq!(raw_i64(&store, &refusals).await, 1);
        let inject = match backend {
            kirjuri_store::Backend::Sqlite => format!(
                "CREATE TRIGGER test_injected_failure BEFORE DELETE ON entries
                 WHEN old.client_id = '{d}'
                 BEGIN SELECT RAISE(ABORT, 'injected failure'); END;"
            ),
            kirjuri_store::Backend::Postgres => format!(
                "CREATE FUNCTION test_injected_failure() RETURNS trigger LANGUAGE plpgsql
                 AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$;
                 CREATE TRIGGER test_injected_failure BEFORE DELETE ON entries FOR EACH ROW
                 WHEN (old.client_id = '{d}') EXECUTE FUNCTION test_injected_failure();"
            ),
        };
        kirjuri_store::testing::raw_execute(&store, &inject)
            .await
            .unwrap();
        let d_before = rows(&store, d).await;

        // Six years on, everything of A, D and E has expired.
        clock.set(at(2032, 3, 10));
        let run = app.run_retention().await.unwrap();
        assert_eq!(
            (run.clients, run.clients_removed, run.clients_failed),
            (2, 1, 1),
            "{run:?}"
        );
        // A's record and access log are gone; the account and registration stay while the
        // security log and D's access log name the account.
        assert_eq!(rows(&store, a).await, [0, 0, 0, 0, 1]);
        assert_eq!(
            raw_i64(
                &store,
                &format!("SELECT COUNT(*) FROM users WHERE id = '{}'", seeker.id)
            )
            .await,
            1
        );
        // D was rolled back whole; E, after it, is erased entirely.
        assert_eq!(rows(&store, d).await, d_before);
        assert_eq!(rows(&store, e).await, [0; 5]);
        let runs = store.retention_runs(10).await.unwrap();
        assert_eq!(runs.len(), 1);
        assert_eq!(
            (runs[0].id.as_str(), runs[0].clients_failed, &runs[0].rows),
            (run.id.as_str(), 1, &run.rows)
        );
        verifies(&store).await;
        ts.cleanup().await;
    }
}
