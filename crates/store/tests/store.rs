//! The store's integration suite. Every test runs on every backend under test (SQLite and
//! PostgreSQL by default; see `kirjuri_store::testing`).

use std::future::Future;
use std::sync::Arc;

use chrono::{Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use kirjuri_domain::*;
use kirjuri_store::testing::{
    acting, backends, fixture, fresh_store, raw_execute, raw_i64, Fixture,
};
use kirjuri_store::{Store, StoreError};

fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::new(
        Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap(),
    ))
}

async fn each_backend<F, Fut>(f: F)
where
    F: Fn(Store, Fixture, Arc<FixedClock>) -> Fut,
    Fut: Future<Output = ()>,
{
    for backend in backends() {
        let clock = clock();
        let ts = fresh_store(backend, clock.clone()).await;
        let fx = fixture(&ts.store).await;
        eprintln!("backend {backend:?}");
        f(ts.store.clone(), fx, clock).await;
        ts.cleanup().await;
    }
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn entry(client: ClientId, text: &str, corrects: Option<Correction>) -> NewEntry {
    NewEntry::new(
        client,
        EntryKind::Contact,
        EntryText::parse(text).unwrap(),
        Utc.with_ymd_and_hms(2026, 3, 2, 8, 0, 0).unwrap(),
        EntryDetails::default(),
        corrects,
    )
    .unwrap()
}

fn correction(of: &Entry, reason: &str) -> Option<Correction> {
    Some(Correction {
        entry_id: of.id,
        reason: ShortText::parse(reason).unwrap(),
    })
}

#[tokio::test]
async fn clients_round_trip_and_identity_codes_are_unique() {
    each_backend(|store, fx, _| async move {
        let back = store.client(fx.client_a.id).await.unwrap();
        assert_eq!(back, fx.client_a);
        assert_eq!(
            store.client_by_hetu(&fx.client_a.hetu).await.unwrap().id,
            fx.client_a.id
        );
        let again = NewClient {
            hetu: fx.client_a.hetu.clone(),
            first_name: PersonName::parse("Toinen").unwrap(),
            last_name: PersonName::parse("Henkilö").unwrap(),
            language: Language::Sv,
            org_id: fx.org_b.id,
        };
        let err = store
            .create_client(again, &acting(&fx.official_b))
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::DuplicateHetu), "{err:?}");
        assert_eq!(
            store
                .clients_of_org(fx.org_a.id, 10, 0, &acting(&fx.official_a))
                .await
                .unwrap()
                .len(),
            1
        );
        assert!(store
            .clients_of_org(fx.org_b.id, 10, 0, &acting(&fx.official_a))
            .await
            .unwrap()
            .is_empty());
        let missing = ClientId::from_uuid(uuid_of(7));
        assert!(matches!(
            store.client(missing).await,
            Err(StoreError::NotFound("client"))
        ));
    })
    .await;
}

/// Issue 11: a `KIRJURI_TEST_BACKENDS` that names no backend, or an unknown one, fails the run
/// instead of passing it vacuously. Runs this binary again on one test that uses
/// `each_backend`, under each such value, and expects that test to fail, saying why.
#[test]
fn issue11_a_test_run_naming_no_backend_fails() {
    let me = std::env::current_exe().unwrap();
    for (spec, why) in [
        ("", "names no backend"),
        (",", "names no backend"),
        ("sqlitee", "unknown backend \"sqlitee\""),
    ] {
        let run = std::process::Command::new(&me)
            .args([
                "--exact",
                "clients_round_trip_and_identity_codes_are_unique",
                "--test-threads=1",
            ])
            .env("KIRJURI_TEST_BACKENDS", spec)
            .output()
            .unwrap();
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&run.stdout),
            String::from_utf8_lossy(&run.stderr)
        );
        assert!(!run.status.success(), "{spec:?} passed:\n{said}");
        assert!(said.contains("1 failed"), "{spec:?}:\n{said}");
        assert!(said.contains(why), "{spec:?} did not say {why:?}:\n{said}");
    }
}

fn uuid_of(n: u128) -> uuid::Uuid {
    uuid::Uuid::from_u128(n)
}

#[tokio::test]
async fn entries_record_time_author_and_lag() {
    each_backend(|store, fx, clock| async move {
        let new = entry(fx.client_a.id, "Puhelu.", None);
        let e = store
            .append_entry(&new, &acting(&fx.official_a))
            .await
            .unwrap();
        assert_eq!(e.recorded_at, clock.now());
        assert_eq!(e.author_id, fx.official_a.id);
        assert_eq!(e.author_name.as_str(), "Anna Asiantuntija");
        assert_eq!(e.recording_lag(), Duration::hours(1));
        assert_eq!(
            store
                .entry(e.client_id, e.id, &acting(&fx.official_a))
                .await
                .unwrap(),
            e
        );
        // An event more than a few minutes ahead of the store's clock is refused.
        clock.set(Utc.with_ymd_and_hms(2026, 3, 2, 7, 0, 0).unwrap());
        let new = entry(fx.client_a.id, "Liian aikaisin.", None);
        assert!(matches!(
            store.append_entry(&new, &acting(&fx.official_a)).await,
            Err(StoreError::Entry(EntryError::EventInFuture { .. }))
        ));
        assert_eq!(
            store
                .entries(fx.client_a.id, &acting(&fx.official_a))
                .await
                .unwrap()
                .len(),
            1
        );
    })
    .await;
}

#[tokio::test]
async fn correction_chain_reads_back_in_order() {
    each_backend(|store, fx, clock| async move {
        let c = fx.client_a.id;
        let by = &acting(&fx.official_a);
        let first = store
            .append_entry(&entry(c, "Alkuperäinen.", None), by)
            .await
            .unwrap();
        clock.advance(Duration::minutes(1));
        let other = store
            .append_entry(&entry(c, "Muu merkintä.", None), by)
            .await
            .unwrap();
        clock.advance(Duration::minutes(1));
        let second = store
            .append_entry(
                &entry(c, "Korjattu.", correction(&first, "Väärä päivä")),
                by,
            )
            .await
            .unwrap();
        clock.advance(Duration::minutes(1));
        let third = store
            .append_entry(
                &entry(
                    c,
                    "Korjattu uudelleen.",
                    correction(&second, "Kirjoitusvirhe"),
                ),
                by,
            )
            .await
            .unwrap();
        let ids = |v: Vec<Entry>| v.into_iter().map(|e| e.id).collect::<Vec<_>>();
        for start in [first.id, second.id, third.id] {
            assert_eq!(
                ids(store
                    .correction_chain(fx.client_a.id, start, by)
                    .await
                    .unwrap()),
                [first.id, second.id, third.id]
            );
        }
        assert_eq!(
            ids(store
                .correction_chain(other.client_id, other.id, by)
                .await
                .unwrap()),
            [other.id]
        );
        assert_eq!(
            ids(store.entries(c, &acting(&fx.official_a)).await.unwrap()),
            [first.id, other.id, second.id, third.id]
        );
        // The original still reads as it was written.
        assert_eq!(
            store
                .entry(first.client_id, first.id, &acting(&fx.official_a))
                .await
                .unwrap()
                .text
                .as_str(),
            "Alkuperäinen."
        );
        assert_eq!(third.corrects.unwrap().reason.as_str(), "Kirjoitusvirhe");
        // A corrected entry is corrected only once: correct the latest instead.
        let err = store
            .append_entry(
                &entry(c, "Rinnakkainen.", correction(&first, "Toinen korjaus")),
                by,
            )
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::AlreadyCorrected(a, b) if a == first.id && b == second.id)
        );
    })
    .await;
}

#[tokio::test]
async fn correction_of_another_clients_entry_is_refused_and_writes_nothing() {
    each_backend(|store, fx, _| async move {
        let other = store
            .create_client(
                NewClient {
                    hetu: Hetu::parse("010501E9032").unwrap(),
                    first_name: PersonName::parse("Muu").unwrap(),
                    last_name: PersonName::parse("Asiakas").unwrap(),
                    language: Language::Fi,
                    org_id: fx.org_a.id,
                },
                &acting(&fx.official_a),
            )
            .await
            .unwrap();
        let theirs =
            store.append_entry(&entry(other.id, "Toisen asiakkaan.", None), &acting(&fx.official_a)).await.unwrap();
        let err = store
            .append_entry(&entry(fx.client_a.id, "Korjaus.", correction(&theirs, "Syy")), &acting(&fx.official_a))
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::CorrectionOtherClient), "{err:?}");
        let missing = Entry { id: EntryId::from_uuid(uuid_of(99)), ..theirs.clone() };
        let err = store
            .append_entry(&entry(fx.client_a.id, "Korjaus.", correction(&missing, "Syy")), &acting(&fx.official_a))
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::CorrectedEntryMissing), "{err:?}");
        // An entry for a client that does not exist is refused as such, and writes nothing.
        let nobody = ClientId::from_uuid(uuid_of(77));
        let err = store
            .append_entry(&entry(nobody, "Kenelle?", None), &acting(&fx.official_a))
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound("client")), "{err:?}");
        assert!(store.entries(fx.client_a.id, &acting(&fx.official_a)).await.unwrap().is_empty());
        // The schema refuses it too, even for a writer that skips the store's checks.
        let sql = format!(
            "INSERT INTO entries (id, client_id, kind, text, details, event_at, recorded_at, author_id, corrects_id, correction_reason)
             VALUES ('00000000-0000-4000-8000-0000000000aa', '{}', 'contact', 'x', '{{}}', '2026-03-02T08:00:00.000000Z',
                     '2026-03-02T08:00:00.000000Z', '{}', '{}', 'syy')",
            fx.client_a.id, fx.official_a.id, theirs.id
        );
        assert!(raw_execute(&store, &sql).await.is_err());
        assert!(store.entries(fx.client_a.id, &acting(&fx.official_a)).await.unwrap().is_empty());
    })
    .await;
}

/// Concurrent writes are grouped into shared commits on SQLite: a failing write in a group
/// reports its own error and leaves nothing behind, while the others in the group stand.
#[tokio::test]
async fn concurrent_writes_stand_alone_even_when_committed_together() {
    each_backend(|store, fx, _| async move {
        let other = store
            .create_client(
                NewClient {
                    hetu: Hetu::parse("010501E9032").unwrap(),
                    first_name: PersonName::parse("Muu").unwrap(),
                    last_name: PersonName::parse("Asiakas").unwrap(),
                    language: Language::Fi,
                    org_id: fx.org_a.id,
                },
                &acting(&fx.official_a),
            )
            .await
            .unwrap();
        let theirs = store
            .append_entry(
                &entry(other.id, "Toisen asiakkaan.", None),
                &acting(&fx.official_a),
            )
            .await
            .unwrap();
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..60 {
            let store = store.clone();
            let (client, official) = (fx.client_a.id, acting(&fx.official_a));
            let bad = i % 4 == 3;
            let corrects = if bad {
                correction(&theirs, "Syy")
            } else {
                None
            };
            let new = entry(client, &format!("Yhteydenotto {i}."), corrects);
            tasks.spawn(async move { (bad, store.append_entry(&new, &official).await) });
        }
        let (mut good, mut refused) = (0, 0);
        while let Some(done) = tasks.join_next().await {
            match done.unwrap() {
                (false, Ok(e)) => {
                    good += 1;
                    assert_eq!(
                        store
                            .entry(e.client_id, e.id, &acting(&fx.official_a))
                            .await
                            .unwrap(),
                        e
                    );
                }
                (true, Err(StoreError::CorrectionOtherClient)) => refused += 1,
                other => panic!("unexpected outcome {other:?}"),
            }
        }
        assert_eq!((good, refused), (45, 15));
        let stored = store
            .entries(fx.client_a.id, &acting(&fx.official_a))
            .await
            .unwrap();
        assert_eq!(stored.len(), 45);
        assert!(stored.iter().all(|e| e.corrects.is_none()));
    })
    .await;
}

#[tokio::test]
async fn the_record_cannot_be_updated_or_deleted_even_with_sql() {
    each_backend(|store, fx, _| async move {
        let e = store
            .append_entry(
                &entry(fx.client_a.id, "Pysyvä.", None),
                &acting(&fx.official_a),
            )
            .await
            .unwrap();
        store
            .start_job_search(fx.client_a.id, d(2026, 3, 2), &acting(&fx.official_a))
            .await
            .unwrap();
        store
            .agree_contact_method(
                fx.client_a.id,
                ContactMethodKind::Phone,
                d(2026, 3, 2),
                None,
                &acting(&fx.official_a),
            )
            .await
            .unwrap();
        for sql in [
            "UPDATE entries SET text = 'muutettu'",
            "DELETE FROM entries",
            "UPDATE job_searches SET start_date = '2020-01-01'",
            "DELETE FROM job_searches",
            "UPDATE contact_methods SET method = 'letter'",
            "DELETE FROM contact_methods",
        ] {
            let err = raw_execute(&store, sql).await.expect_err(sql);
            assert!(err.to_string().contains("append-only"), "{sql}: {err}");
        }
        assert_eq!(
            store
                .entry(e.client_id, e.id, &acting(&fx.official_a))
                .await
                .unwrap()
                .text
                .as_str(),
            "Pysyvä."
        );
    })
    .await;
}

#[tokio::test]
async fn job_search_starts_once_and_ends_once() {
    each_backend(|store, fx, _| async move {
        let (c, by) = (fx.client_a.id, &acting(&fx.official_a));
        let js = store.start_job_search(c, d(2026, 3, 2), by).await.unwrap();
        assert!(matches!(
            store.start_job_search(c, d(2026, 3, 5), by).await,
            Err(StoreError::JobSearchInProgress(date)) if date == d(2026, 3, 2)
        ));
        assert!(matches!(
            store
                .end_job_search(c, js.id, d(2026, 3, 1), EndReason::Employed, by)
                .await,
            Err(StoreError::EndBeforeStart { .. })
        ));
        let ended = store
            .end_job_search(c, js.id, d(2026, 4, 1), EndReason::Employed, by)
            .await
            .unwrap();
        assert_eq!(ended.end.as_ref().unwrap().reason, EndReason::Employed);
        assert!(ended.is_active_on(d(2026, 4, 1)) && !ended.is_active_on(d(2026, 4, 2)));
        assert!(matches!(
            store
                .end_job_search(c, js.id, d(2026, 4, 2), EndReason::OwnRequest, by)
                .await,
            Err(StoreError::JobSearchAlreadyEnded)
        ));
        // Another client's id does not reach this job search.
        let other = ClientId::from_uuid(uuid_of(5));
        assert!(matches!(
            store
                .end_job_search(other, js.id, d(2026, 4, 2), EndReason::OwnRequest, by)
                .await,
            Err(StoreError::NotFound(_))
        ));
        store.start_job_search(c, d(2026, 5, 1), by).await.unwrap();
        let all = store
            .job_searches(c, &acting(&fx.official_a))
            .await
            .unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[0], ended);
    })
    .await;
}

#[tokio::test]
async fn appointments_keep_date_time_zone_and_mode() {
    each_backend(|store, fx, _| async move {
        let visit = NewAppointment::new(
            fx.client_a.id,
            Some(fx.official_a.id),
            d(2026, 3, 10),
            NaiveTime::from_hms_opt(13, 15, 0).unwrap(),
            45,
            AppointmentMode::Visit { address: Address::parse("Testikatu 1, 00100 Helsinki").unwrap() },
        )
        .unwrap();
        let a = store.book_appointment(&visit, &acting(&fx.official_a)).await.unwrap();
        assert_eq!(a.time_zone, "Europe/Helsinki");
        assert_eq!(a.starts_at, Utc.with_ymd_and_hms(2026, 3, 10, 11, 15, 0).unwrap());
        assert_eq!(a.mode, visit.mode);
        let phone = NewAppointment::new(
            fx.client_a.id,
            None,
            d(2026, 3, 9),
            NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            30,
            AppointmentMode::Phone { phone_number: None },
        )
        .unwrap();
        store.book_appointment(&phone, &acting(&fx.official_a)).await.unwrap();
        let list = store.appointments(fx.client_a.id, &acting(&fx.official_a)).await.unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list[1], a, "ordered by start time");
        // An official of another authority cannot be booked for this client.
        let foreign = NewAppointment { official_id: Some(fx.official_b.id), ..phone };
        assert!(matches!(
            store.book_appointment(&foreign, &acting(&fx.official_a)).await,
            Err(StoreError::NotAnOfficialOfClientOrg)
        ));
        // The schema refuses a visit without an address.
        let sql = format!(
            "INSERT INTO appointments (id, client_id, local_date, local_time, time_zone, starts_at, duration_minutes, mode, recorded_at, recorded_by)
             VALUES ('00000000-0000-4000-8000-0000000000ab', '{}', '2026-03-10', '10:00', 'Europe/Helsinki', '2026-03-10T08:00:00.000000Z', 30, 'visit', '2026-03-02T08:00:00.000000Z', '{}')",
            fx.client_a.id, fx.official_a.id
        );
        assert!(raw_execute(&store, &sql).await.is_err());
        assert_eq!(store.appointments(fx.client_a.id, &acting(&fx.official_a)).await.unwrap().len(), 2);
    })
    .await;
}

#[tokio::test]
async fn contact_method_and_responsible_expert_keep_history() {
    each_backend(|store, fx, clock| async move {
        let c = fx.client_a.id;
        let by = &acting(&fx.official_a);
        store
            .agree_contact_method(c, ContactMethodKind::Online, d(2026, 3, 2), None, by)
            .await
            .unwrap();
        clock.advance(Duration::days(1));
        let note = ShortText::parse("Asiakas toivoo soittoa aamupäivisin").ok();
        store
            .agree_contact_method(c, ContactMethodKind::Phone, d(2026, 3, 3), note, by)
            .await
            .unwrap();
        let methods = store
            .contact_methods(c, &acting(&fx.official_a))
            .await
            .unwrap();
        assert_eq!(
            methods.iter().map(|m| m.method).collect::<Vec<_>>(),
            [ContactMethodKind::Phone, ContactMethodKind::Online]
        );

        let second = store
            .create_user(kirjuri_store::NewUser {
                username: Username::parse("virkailija.a2").unwrap(),
                display_name: PersonName::parse("Aino Toinen").unwrap(),
                role: Role::Official,
                org_id: Some(fx.org_a.id),
                client_id: None,
                password_hash: None,
            })
            .await
            .unwrap();
        store
            .assign_responsible_expert(c, fx.official_a.id, d(2026, 3, 2), by)
            .await
            .unwrap();
        let now = store
            .assign_responsible_expert(c, second.id, d(2026, 4, 1), by)
            .await
            .unwrap();
        assert_eq!(now.official_name.as_str(), "Aino Toinen");
        let history = store
            .responsible_experts(c, &acting(&fx.official_a))
            .await
            .unwrap();
        assert_eq!(
            history.iter().map(|r| r.official_id).collect::<Vec<_>>(),
            [second.id, fx.official_a.id]
        );
        assert!(matches!(
            store
                .assign_responsible_expert(c, fx.official_b.id, d(2026, 4, 1), by)
                .await,
            Err(StoreError::NotAnOfficialOfClientOrg)
        ));
        assert_eq!(
            store
                .responsible_experts(c, &acting(&fx.official_a))
                .await
                .unwrap()
                .len(),
            2
        );
    })
    .await;
}

#[tokio::test]
async fn sessions_expire() {
    each_backend(|store, fx, clock| async move {
        store
            .create_session("h1", fx.official_a.id, clock.now() + Duration::hours(1))
            .await
            .unwrap();
        assert_eq!(
            store.session_user("h1").await.unwrap().unwrap().id,
            fx.official_a.id
        );
        assert!(store.session_user("nope").await.unwrap().is_none());
        clock.advance(Duration::hours(2));
        assert!(store.session_user("h1").await.unwrap().is_none());
        store.delete_session("h1").await.unwrap();
        let err = store
            .create_user(kirjuri_store::NewUser {
                username: Username::parse("virkailija.a").unwrap(),
                display_name: PersonName::parse("Kaksoisolento").unwrap(),
                role: Role::Official,
                org_id: Some(fx.org_a.id),
                client_id: None,
                password_hash: None,
            })
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::DuplicateUsername), "{err:?}");
    })
    .await;
}

#[tokio::test]
async fn sqlite_file_reopens_with_migrations_applied_once() {
    let dir = std::env::temp_dir().join(format!("kirjuri-store-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("k.db");
    let _ = std::fs::remove_file(&path);
    let url = format!("sqlite:{}", path.display());
    let s1 = Store::connect(&url, None, clock(), kirjuri_store::IdSource::seeded(1))
        .await
        .unwrap()
        .with_ledger(kirjuri_store::testing::test_ledger_keys());
    let fx = fixture(&s1).await;
    // A read opens the read-only connections, which must not keep the log from being folded.
    s1.client(fx.client_a.id).await.unwrap();
    s1.close().await;
    // Closed, the file alone holds everything: the write-ahead log is folded in and empty,
    // so the file can be copied or renamed (the demo renames its database into place).
    let wal = dir.join("k.db-wal");
    assert!(
        !wal.exists() || std::fs::metadata(&wal).unwrap().len() == 0,
        "write-ahead log left with content after close"
    );
    let s2 = Store::connect(&url, None, clock(), kirjuri_store::IdSource::seeded(2))
        .await
        .unwrap();
    assert_eq!(s2.client(fx.client_a.id).await.unwrap(), fx.client_a);
    // Durability and integrity are per-connection settings: FULL sync (2), WAL, foreign keys.
    assert_eq!(raw_i64(&s2, "PRAGMA synchronous").await, 2);
    assert_eq!(raw_i64(&s2, "PRAGMA foreign_keys").await, 1);
    s2.close().await;
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn unsupported_urls_are_named() {
    let err = Store::connect(
        "mysql://x",
        None,
        clock(),
        kirjuri_store::IdSource::seeded(1),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, StoreError::UnsupportedUrl(_)));
}

// ---- the ledger (A4, A5, B10) ------------------------------------------------------------------

mod ledger {
    use super::*;
    use kirjuri_ledger::{verify_consistency, Checkpoint, EventType, ProofBundle, Verifier};
    use kirjuri_store::testing::{raw_strings, test_ledger_keys};

    fn verifier() -> Vec<Verifier> {
        vec![test_ledger_keys().verifier()]
    }

    async fn leaves(store: &Store) -> i64 {
        raw_i64(store, "SELECT COUNT(*) FROM ledger_leaves").await
    }

    async fn event_types(store: &Store) -> Vec<String> {
        raw_strings(store, "SELECT event_type FROM ledger_leaves ORDER BY idx").await
    }

    /// The leaves of the record itself, without the access-log leaves every read and write
    /// adds beside them.
    async fn record_types(store: &Store) -> Vec<String> {
        raw_strings(
            store,
            "SELECT event_type FROM ledger_leaves WHERE event_type <> 'access' ORDER BY idx",
        )
        .await
    }

    /// Drops the append-only / erase-only triggers, as an attacker with database access would.
    async fn drop_triggers(store: &Store) {
        let sql = match store.backend() {
            kirjuri_store::Backend::Sqlite => {
                "DROP TRIGGER entries_no_update; DROP TRIGGER ledger_openings_erase_only;"
            }
            kirjuri_store::Backend::Postgres => {
                "DROP TRIGGER entries_append_only ON entries;
                 DROP TRIGGER ledger_openings_erase_only ON ledger_openings;"
            }
        };
        raw_execute(store, sql).await.unwrap();
    }

    #[tokio::test]
    async fn every_record_write_appends_one_leaf_in_its_commit() {
        each_backend(|store, fx, _| async move {
            let (c, by) = (fx.client_a.id, &acting(&fx.official_a));
            // The fixture's client registration logged one access.
            assert_eq!(event_types(&store).await, ["access"]);
            let e = store
                .append_entry(&entry(c, "Puhelu.", None), by)
                .await
                .unwrap();
            // The entry and the access-log row of writing it.
            assert_eq!(event_types(&store).await, ["access", "entry", "access"]);
            store
                .append_entry(
                    &entry(c, "Puhelu, korjattu.", correction(&e, "Väärä päivä")),
                    by,
                )
                .await
                .unwrap();
            let js = store.start_job_search(c, d(2026, 3, 2), by).await.unwrap();
            store
                .end_job_search(c, js.id, d(2026, 3, 2), EndReason::Employed, by)
                .await
                .unwrap();
            let visit = NewAppointment::new(
                c,
                Some(by.user),
                d(2026, 3, 10),
                NaiveTime::from_hms_opt(13, 15, 0).unwrap(),
                45,
                AppointmentMode::Phone { phone_number: None },
            )
            .unwrap();
            store.book_appointment(&visit, by).await.unwrap();
            store
                .agree_contact_method(c, ContactMethodKind::Online, d(2026, 3, 2), None, by)
                .await
                .unwrap();
            store
                .assign_responsible_expert(c, by.user, d(2026, 3, 2), by)
                .await
                .unwrap();
            assert_eq!(
                record_types(&store).await,
                ["entry", "entry-correction"]
                    .into_iter()
                    .chain(["official-action"; 5])
                    .collect::<Vec<_>>()
            );
            // Seven writes, each with its access row, and the fixture's: 15 leaves, each
            // linked to its row and opened.
            assert_eq!(leaves(&store).await, 15);
            assert_eq!(
                raw_i64(&store, "SELECT COUNT(*) FROM ledger_links").await,
                15
            );
            assert_eq!(
                raw_i64(&store, "SELECT COUNT(*) FROM ledger_openings").await,
                15
            );
            let cp = store.ledger_checkpoint().await.unwrap();
            assert_eq!(cp.size, 15);
            let report = store.verify_ledger(&verifier()).await.unwrap();
            assert_eq!(report.fault, None, "{report:?}");
            assert_eq!(
                (report.leaves, report.opened, report.records_checked),
                (15, 15, 15)
            );
            assert_eq!(report.checkpoint_size, 15);
        })
        .await;
    }

    #[tokio::test]
    async fn a_failed_write_leaves_neither_record_nor_leaf() {
        each_backend(|store, fx, _| async move {
            let (c, by) = (fx.client_a.id, &acting(&fx.official_a));
            store
                .append_entry(&entry(c, "Ensimmäinen.", None), by)
                .await
                .unwrap();
            // The record insert fails: no leaf.
            let missing = Correction {
                entry_id: EntryId::from_uuid(uuid_of(42)),
                reason: ShortText::parse("Syy").unwrap(),
            };
            let after_first = leaves(&store).await;
            assert!(store
                .append_entry(&entry(c, "Korjaus.", Some(missing)), by)
                .await
                .is_err());
            assert_eq!(leaves(&store).await, after_first);
            // The leaf insert fails: no record.
            let refuse = match store.backend() {
                kirjuri_store::Backend::Sqlite => {
                    "CREATE TRIGGER refuse_openings BEFORE INSERT ON ledger_openings
                     BEGIN SELECT RAISE(ABORT, 'test refuses the opening'); END;"
                }
                kirjuri_store::Backend::Postgres => {
                    "CREATE FUNCTION test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
                     BEGIN RAISE EXCEPTION 'test refuses the opening'; END $$;
                     CREATE TRIGGER refuse_openings BEFORE INSERT ON ledger_openings
                     FOR EACH ROW EXECUTE FUNCTION test_refuse();"
                }
            };
            raw_execute(&store, refuse).await.unwrap();
            assert!(store
                .append_entry(&entry(c, "Toinen.", None), by)
                .await
                .is_err());
            assert!(store.start_job_search(c, d(2026, 3, 2), by).await.is_err());
            assert_eq!(leaves(&store).await, after_first);
            // Reads log an access, which appends a leaf: let openings be written again.
            let lift = match store.backend() {
                kirjuri_store::Backend::Sqlite => "DROP TRIGGER refuse_openings",
                kirjuri_store::Backend::Postgres => {
                    "DROP TRIGGER refuse_openings ON ledger_openings"
                }
            };
            raw_execute(&store, lift).await.unwrap();
            assert_eq!(
                store
                    .entries(c, &acting(&fx.official_a))
                    .await
                    .unwrap()
                    .len(),
                1
            );
            assert!(store
                .job_searches(c, &acting(&fx.official_a))
                .await
                .unwrap()
                .is_empty());
            assert_eq!(record_types(&store).await, ["entry"]);
            // A store without ledger keys writes no record at all.
            let keyless = Store::connect(
                "sqlite::memory:",
                None,
                clock(),
                kirjuri_store::IdSource::seeded(3),
            )
            .await
            .unwrap();
            assert!(matches!(
                keyless
                    .append_entry(&entry(c, "Ei avaimia.", None), by)
                    .await,
                Err(StoreError::LedgerNotConfigured)
            ));
            assert!(matches!(
                keyless.ledger_checkpoint().await,
                Err(StoreError::LedgerNotConfigured)
            ));
        })
        .await;
    }

    #[tokio::test]
    async fn leaves_carry_no_personal_data() {
        each_backend(|store, fx, _| async move {
            let (c, by) = (fx.client_a.id, &acting(&fx.official_a));
            let text = "Asiakas Testi Asiakas kertoi terveydentilastaan.";
            store.append_entry(&entry(c, text, None), by).await.unwrap();
            store.start_job_search(c, d(2026, 3, 2), by).await.unwrap();
            store.ledger_checkpoint().await.unwrap();
            let stored = raw_strings(&store, "SELECT * FROM ledger_leaves")
                .await
                .join("|");
            let hetu = fx.client_a.hetu.as_str();
            let hetu_sha = kirjuri_ledger::sha256(hetu.as_bytes()).to_hex();
            for secret in [
                hetu,
                &hetu[..6],
                &hetu_sha,
                "Testi",
                "Asiakas",
                "terveydentila",
                &c.to_string(),
                &c.to_string().replace('-', ""),
                &by.user.to_string(),
            ] {
                assert!(
                    !stored.contains(secret),
                    "{secret:?} found in ledger_leaves"
                );
            }
            let checkpoints = raw_strings(&store, "SELECT * FROM ledger_checkpoints")
                .await
                .join("|");
            assert!(!checkpoints.contains(hetu) && !checkpoints.contains("Asiakas"));
            // The subject is the keyed pseudonym of the client, the same for both leaves.
            let subjects = raw_strings(&store, "SELECT DISTINCT subject FROM ledger_leaves").await;
            assert_eq!(subjects, [hex(&test_ledger_keys().subject(&c.to_string()))]);
        })
        .await;
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[tokio::test]
    async fn bundles_verify_offline_and_a_changed_byte_fails() {
        each_backend(|store, fx, _| async move {
            let (c, by) = (fx.client_a.id, &acting(&fx.official_a));
            let mut ids = Vec::new();
            for i in 0..9 {
                let e = store
                    .append_entry(&entry(c, &format!("Merkintä {i}."), None), by)
                    .await
                    .unwrap();
                ids.push(e.id);
            }
            let bundle = store.ledger_bundle_for_entry(ids[4]).await.unwrap();
            let text = bundle.to_text();
            let parsed = ProofBundle::parse(&text).unwrap();
            let ok = parsed.verify(&verifier()).unwrap();
            assert_eq!(
                ok.leaf_index,
                store.ledger_index_of_entry(ids[4]).await.unwrap()
            );
            assert_eq!(ok.leaf.event_type, EventType::Entry);
            let record = String::from_utf8(ok.record.unwrap()).unwrap();
            assert!(record.contains("Merkintä 4.") && record.contains(&ids[4].to_string()));
            // A bundle checks against its checkpoint, with only the public key.
            let mut bad = parsed.clone();
            bad.opening.as_mut().unwrap().record[10] ^= 1;
            assert!(bad.verify(&verifier()).is_err());
            let mut bad = parsed.clone();
            bad.leaf_index = ok.leaf_index + 1;
            assert!(bad.verify(&verifier()).is_err());
            let other = kirjuri_ledger::Signer::from_seed("kirjuri-test", &[8; 32]).unwrap();
            assert!(parsed.verify(&[other.verifier()]).is_err());
            // An entry written after the checkpoint gets a newer one.
            let late = store
                .append_entry(&entry(c, "Myöhemmin.", None), by)
                .await
                .unwrap();
            let b = store.ledger_bundle_for_entry(late.id).await.unwrap();
            let size = u64::try_from(leaves(&store).await).unwrap();
            assert_eq!(b.verify(&verifier()).unwrap().checkpoint.size, size);
        })
        .await;
    }

    #[tokio::test]
    async fn erasure_keeps_proofs_valid_and_is_itself_a_leaf() {
        each_backend(|store, fx, _| async move {
            let (c, by) = (fx.client_a.id, &acting(&fx.official_a));
            let e = store
                .append_entry(&entry(c, "Poistettava.", None), by)
                .await
                .unwrap();
            store
                .append_entry(&entry(c, "Jää.", None), by)
                .await
                .unwrap();
            let before = store.ledger_bundle_for_entry(e.id).await.unwrap();
            let idx = store.ledger_index_of_entry(e.id).await.unwrap();
            let erasure = store.erase_opening(idx).await.unwrap();
            let size = u64::try_from(leaves(&store).await).unwrap();
            assert_eq!(erasure, size - 1, "the erasure is the newest leaf");
            assert!(matches!(
                store.erase_opening(idx).await,
                Err(StoreError::AlreadyErased(i)) if i == idx
            ));
            assert_eq!(record_types(&store).await, ["entry", "entry", "erasure"]);
            // The old bundle still verifies; a new one proves the leaf without its record.
            assert!(before.verify(&verifier()).is_ok());
            let after = store.ledger_bundle(idx).await.unwrap();
            let v = after.verify(&verifier()).unwrap();
            assert_eq!(v.record, None);
            assert!(v.checkpoint.size > idx && v.checkpoint.size <= size);
            let erasure_bundle = store.ledger_bundle(erasure).await.unwrap();
            let v = erasure_bundle.verify(&verifier()).unwrap();
            assert_eq!(
                kirjuri_ledger::ErasureRecord::from_bytes(&v.record.unwrap())
                    .unwrap()
                    .erased_leaf,
                idx
            );
            assert_eq!(v.leaf.subject, before.leaf.subject);
            let report = store.verify_ledger(&verifier()).await.unwrap();
            assert_eq!(report.fault, None, "{report:?}");
            // Every leaf but the erased one is still opened (the erasure leaf is, too).
            assert_eq!((report.opened, report.erased), (size - 1, 1));
            // An opening can only be erased, never changed or deleted, even with SQL.
            assert!(raw_execute(
                &store,
                "UPDATE ledger_openings SET record = record WHERE idx = 1"
            )
            .await
            .is_err());
            assert!(
                raw_execute(&store, "DELETE FROM ledger_openings WHERE idx = 1")
                    .await
                    .is_err()
            );
            assert!(
                raw_execute(&store, "DELETE FROM ledger_leaves WHERE idx = 2")
                    .await
                    .is_err()
            );
            assert!(
                raw_execute(&store, "UPDATE ledger_leaves SET event_type = 'entry'")
                    .await
                    .is_err()
            );
        })
        .await;
    }

    #[tokio::test]
    async fn checkpoints_are_consistent_and_concurrent_appends_stay_ordered() {
        each_backend(|store, fx, _| async move {
            let (c, by) = (fx.client_a.id, &acting(&fx.official_a));
            store
                .append_entry(&entry(c, "Alku.", None), by)
                .await
                .unwrap();
            let old = store.ledger_checkpoint().await.unwrap();
            assert_eq!(old.size, u64::try_from(leaves(&store).await).unwrap());
            let mut tasks = tokio::task::JoinSet::new();
            for i in 0..30 {
                let (store, by) = (store.clone(), by.clone());
                tasks.spawn(async move {
                    store
                        .append_entry(&entry(c, &format!("Rinnakkain {i}."), None), &by)
                        .await
                });
            }
            while let Some(done) = tasks.join_next().await {
                done.unwrap().unwrap();
            }
            let new = store.ledger_checkpoint().await.unwrap();
            // Thirty entries, each with its access row.
            assert_eq!(new.size, old.size + 60);
            let (o, _) = Checkpoint::open(&old.note, &verifier()).unwrap();
            let (n, _) = Checkpoint::open(&new.note, &verifier()).unwrap();
            let proof = store.ledger_consistency(o.size, n.size).await.unwrap();
            verify_consistency(o.size, n.size, &proof, &o.root, &n.root).unwrap();
            let report = store.verify_ledger(&verifier()).await.unwrap();
            assert_eq!(report.fault, None, "{report:?}");
            assert_eq!((report.leaves, report.checkpoints), (new.size, 2));
        })
        .await;
    }

    #[tokio::test]
    async fn verification_names_the_first_bad_leaf() {
        each_backend(|store, fx, _| async move {
            let (c, by) = (fx.client_a.id, &acting(&fx.official_a));
            let mut ids = Vec::new();
            for i in 0..6 {
                let e = store
                    .append_entry(&entry(c, &format!("Merkintä {i}."), None), by)
                    .await
                    .unwrap();
                ids.push(e.id);
            }
            store.ledger_checkpoint().await.unwrap();
            drop_triggers(&store).await;
            // One byte of an entry as it stands in the record table.
            raw_execute(
                &store,
                &format!(
                    "UPDATE entries SET text = 'Merkintä 9.' WHERE id = '{}'",
                    ids[3]
                ),
            )
            .await
            .unwrap();
            let report = store.verify_ledger(&verifier()).await.unwrap();
            let fault = report.fault.expect("tamper must be found");
            let third = store.ledger_index_of_entry(ids[3]).await.unwrap();
            assert_eq!(fault.first_bad_leaf, Some(third), "{fault}");
            assert!(fault.what.contains("entries row differs"), "{fault}");
            // An earlier stored opening changed: the earlier index is blamed.
            let first = store.ledger_index_of_entry(ids[1]).await.unwrap();
            raw_execute(
                &store,
                &format!(
                    "UPDATE ledger_openings SET salt = '00000000000000000000000000000000\
                     00000000000000000000000000000000' WHERE idx = {first}"
                ),
            )
            .await
            .unwrap();
            let fault = store
                .verify_ledger(&verifier())
                .await
                .unwrap()
                .fault
                .unwrap();
            assert_eq!(fault.first_bad_leaf, Some(first), "{fault}");
        })
        .await;
    }

    /// Issue 4: verification reads the log in pages of 10 000 leaves on several readers and
    /// verifies on every core; over several pages it still counts every leaf and names the
    /// first bad leaf, whichever reader read it.
    #[tokio::test]
    async fn issue4_verification_across_pages_names_the_first_bad_leaf() {
        each_backend(|store, _fx, _| async move {
            let mut first = None;
            for batch in 0..5 {
                let events = (0..5000)
                    .map(|i| kirjuri_store::LedgerEvent {
                        event_type: EventType::RuleSetDeployment,
                        subject_id: format!("subject-{}", i % 7),
                        record: format!("{{\"batch\":{batch},\"i\":{i}}}").into_bytes(),
                    })
                    .collect();
                let at = store.record_events(events).await.unwrap();
                first.get_or_insert(at);
            }
            let first = first.unwrap();
            let size = leaves(&store).await as u64;
            assert!(size >= first + 25_000);
            store.ledger_checkpoint().await.unwrap();
            let report = store.verify_ledger(&verifier()).await.unwrap();
            assert_eq!(report.fault, None);
            assert_eq!(report.leaves, size);
            assert_eq!(report.opened + report.erased, size);
            assert_eq!(report.checkpoint_size, size);

            drop_triggers(&store).await;
            let tamper = |idx: u64| {
                let store = store.clone();
                async move {
                    let salt = "11".repeat(32);
                    raw_execute(
                        &store,
                        &format!("UPDATE ledger_openings SET salt = '{salt}' WHERE idx = {idx}"),
                    )
                    .await
                    .unwrap();
                }
            };
            // A bad opening on the third page, then an earlier one on the second: each
            // time the earliest is named.
            for bad in [first + 21_234, first + 12_345] {
                tamper(bad).await;
                let fault = store.verify_ledger(&verifier()).await.unwrap().fault;
                let fault = fault.expect("tamper must be found");
                assert_eq!(fault.first_bad_leaf, Some(bad), "{fault}");
                assert!(fault.what.contains("commitment"), "{fault}");
            }
        })
        .await;
    }
}

// ---- statements (migration 5) ------------------------------------------------------------------

fn a_decision(ctx: &kirjuri_store::StatementContext) -> kirjuri_store::NewDecision {
    kirjuri_store::NewDecision {
        kind: "job_search_start".into(),
        decision_date: ctx.today,
        inputs: format!("{{\"facts\":{}}}", ctx.facts.is_some()),
        rule_set_name: "statement-start".into(),
        rule_set_version: "test".into(),
        rule_set_hash: "ab".repeat(32),
        adoption_number: ctx.adoptions.first().map(|a| a.number.clone()),
        outcome: "auto_positive".into(),
        reasons: "[]".into(),
        target: None,
        effective_date: Some(ctx.job_search.start_date),
        trace: "[]".into(),
        document: Some("Lausunto.".into()),
        document_language: Some("fi".into()),
        notice_acknowledged: true,
    }
}

/// B1, B10: the decision is committed with the job search and its leaf, and a failing
/// decision leaves neither; the decide function sees the facts and adoption decisions.
#[tokio::test]
async fn a_decision_is_committed_with_its_job_search_or_not_at_all() {
    each_backend(|store, fx, _| async move {
        let (c, by) = (fx.client_a.id, &acting(&fx.official_a));
        store
            .register_adoption_decision(
                kirjuri_store::NewAdoptionDecision {
                    number: "KEHA/73792/2024".into(),
                    decided_on: d(2024, 10, 14),
                    rule_set_hashes: vec!["ab".repeat(32)],
                    quality_owner: "Laura Laatu".into(),
                    error_owner: "Veikko Virhe".into(),
                    url: "https://kirjuri.example.fi/a".into(),
                },
                fx.official_a.id,
            )
            .await
            .unwrap();
        let facts = kirjuri_store::RegisterFacts {
            employment_continues: false,
            active_degree_studies: false,
            active_business: false,
            resides_in_finland: true,
            right_to_work: "citizen".into(),
            vocational_qualification: true,
            partial_disability_pension: false,
        };
        store
            .set_register_facts(c, facts.clone(), by)
            .await
            .unwrap();
        let leaves = store.ledger_size().await.unwrap();
        let failing: kirjuri_store::Decide =
            Box::new(|_| Err(StoreError::Corrupt("the rules could not decide".into())));
        assert!(store
            .start_job_search_deciding(c, d(2026, 3, 2), by, failing)
            .await
            .is_err());
        assert_eq!(
            raw_i64(&store, "SELECT COUNT(*) FROM job_searches").await,
            0
        );
        assert_eq!(raw_i64(&store, "SELECT COUNT(*) FROM decisions").await, 0);
        assert_eq!(store.ledger_size().await.unwrap(), leaves);

        let (js, dec) = store
            .start_job_search_deciding(c, d(2026, 3, 2), by, Box::new(|ctx| Ok(a_decision(ctx))))
            .await
            .unwrap();
        assert_eq!(dec.job_search_id, js.id);
        assert_eq!(dec.decision.inputs, "{\"facts\":true}");
        assert_eq!(
            dec.decision.adoption_number.as_deref(),
            Some("KEHA/73792/2024")
        );
        assert_eq!(dec.decision.decision_date, d(2026, 3, 2));
        // The job search, its decision and the access-log row: three leaves.
        assert_eq!(store.ledger_size().await.unwrap(), leaves + 3);
        let idx = store.ledger_index_of_decision(dec.id).await.unwrap();
        let bundle = store.ledger_bundle(idx).await.unwrap();
        let ok = bundle
            .verify(&[kirjuri_store::testing::test_ledger_keys().verifier()])
            .unwrap();
        assert_eq!(ok.leaf.event_type, kirjuri_ledger::EventType::Decision);
        assert_eq!(store.decisions(c, by).await.unwrap(), vec![dec.clone()]);
        assert_eq!(
            store.register_facts(c, by).await.unwrap().unwrap().facts,
            facts
        );
        // Append-only, whoever connects.
        assert!(
            raw_execute(&store, "UPDATE decisions SET outcome = 'routed'")
                .await
                .is_err()
        );
        assert!(raw_execute(&store, "DELETE FROM register_facts")
            .await
            .is_err());
        store.ledger_checkpoint().await.unwrap();
        let report = store
            .verify_ledger(&[kirjuri_store::testing::test_ledger_keys().verifier()])
            .await
            .unwrap();
        assert!(report.fault.is_none(), "{report:?}");
    })
    .await;
}

// ---- the work queue (migration 7) --------------------------------------------------------------

/// B2, B10: a routed decision is in its queue until resolved; steps are append-only ledger
/// leaves; a decision is resolved once; a decision that was not routed is no case.
#[tokio::test]
async fn routed_decisions_wait_in_their_queue_until_resolved_once() {
    each_backend(|store, fx, _| async move {
        let (c, by) = (fx.client_a.id, &acting(&fx.official_a));
        let routed = |target: &'static str| -> kirjuri_store::Decide {
            Box::new(move |ctx| {
                Ok(kirjuri_store::NewDecision {
                    outcome: "routed".into(),
                    reasons: "[{\"code\":\"MISSING_INPUTS\"}]".into(),
                    target: Some(target.into()),
                    effective_date: None,
                    document: None,
                    document_language: None,
                    ..a_decision(ctx)
                })
            })
        };
        let (_, dec) = store
            .start_job_search_deciding(c, d(2026, 3, 2), by, routed("employment_authority"))
            .await
            .unwrap();
        let queue_a = kirjuri_store::Queue::EmploymentAuthority(fx.org_a.id);
        let queue_b = kirjuri_store::Queue::EmploymentAuthority(fx.org_b.id);
        let cases = store.work_queue(queue_a, by).await.unwrap();
        assert_eq!(cases.len(), 1);
        assert_eq!(cases[0].decision.id, dec.id);
        assert!(cases[0].taken.is_none());
        let b = &acting(&fx.official_b);
        assert!(store.work_queue(queue_b, b).await.unwrap().is_empty());
        assert!(store
            .work_queue(kirjuri_store::Queue::Keha, by)
            .await
            .unwrap()
            .is_empty());
        assert!(!store.has_keha_task(c).await.unwrap());
        assert_eq!(
            store.decision_routing(dec.id).await.unwrap(),
            (
                c,
                Some("employment_authority".into()),
                "job_search_start".into()
            )
        );

        let leaves = store.ledger_size().await.unwrap();
        let taken = store.take_case(c, dec.id, by).await.unwrap();
        assert_eq!(
            (taken.step.as_str(), taken.by, taken.org),
            ("taken", fx.official_a.id, fx.org_a.id)
        );
        // The step and its access-log row: two leaves.
        assert_eq!(store.ledger_size().await.unwrap(), leaves + 2);
        let cases = store.work_queue(queue_a, by).await.unwrap();
        assert_eq!(
            cases[0].taken.as_ref().map(|t| t.by),
            Some(fx.official_a.id)
        );
        let resolution = kirjuri_store::Resolution {
            outcome: "no_obstacle".into(),
            effective_date: d(2026, 3, 2),
            reasoning: "Selvitetty puhelimitse.".into(),
            basis: "TTL 2:1".into(),
            document: "Lausunto.".into(),
            document_language: "fi".into(),
        };
        let done = store
            .resolve_case(c, dec.id, resolution.clone(), by)
            .await
            .unwrap();
        assert_eq!(done.resolution.as_ref(), Some(&resolution));
        assert!(store.work_queue(queue_a, by).await.unwrap().is_empty());
        assert!(matches!(
            store.resolve_case(c, dec.id, resolution.clone(), by).await,
            Err(StoreError::CaseNotOpen)
        ));
        assert!(matches!(
            store.take_case(c, dec.id, by).await,
            Err(StoreError::CaseNotOpen)
        ));
        let steps = store.official_steps(c, dec.id, by).await.unwrap();
        assert_eq!(steps, vec![taken, done]);
        // Append-only, whoever connects; one resolution per decision even in raw SQL.
        assert!(
            raw_execute(&store, "UPDATE official_steps SET reasoning = 'x'")
                .await
                .is_err()
        );
        assert!(raw_execute(&store, "DELETE FROM official_steps")
            .await
            .is_err());
        let dup = format!(
            "INSERT INTO official_steps (decision_id, client_id, step, by_user, org_id, at,
                 outcome, effective_date, reasoning, basis, document, document_language)
             VALUES ('{}', '{}', 'resolved', '{}', '{}', '2026-03-02T10:00:00.000000Z',
                 'obstacle', '2026-03-02', 'x', 'y', 'z', 'fi')",
            dec.id, c, fx.official_a.id, fx.org_a.id
        );
        assert!(raw_execute(&store, &dup).await.is_err());

        // An automatic decision is no case.
        let (_, auto) = store
            .end_job_search_deciding(
                c,
                dec.job_search_id,
                d(2026, 3, 16),
                EndReason::Employed,
                by,
                Box::new(|ctx| {
                    Ok(kirjuri_store::NewDecision {
                        kind: "job_search_end".into(),
                        ..a_decision(ctx)
                    })
                }),
            )
            .await
            .unwrap();
        assert_eq!(store.decision_routing(auto.id).await.unwrap().1, None);
        assert!(matches!(
            store.take_case(c, auto.id, by).await,
            Err(StoreError::CaseNotOpen)
        ));
        store.ledger_checkpoint().await.unwrap();
        let report = store
            .verify_ledger(&[kirjuri_store::testing::test_ledger_keys().verifier()])
            .await
            .unwrap();
        assert!(report.fault.is_none(), "{report:?}");
    })
    .await;
}

// ---- reconsideration (migration 8) -------------------------------------------------------------

/// B7, B10, B11: a request for reconsideration of a statement goes to the issuer's queue, is
/// taken and resolved once by an official of the issuer (nobody else, so never the automated
/// procedure), records whether the outcome changed, is append-only with a ledger leaf per row,
/// and shows in the quality figures; `verify_ledger` covers the new tables.
#[tokio::test]
async fn issue5_reconsideration_is_handled_once_by_an_official_of_the_issuer() {
    each_backend(|store, fx, _| async move {
        let (c, by) = (fx.client_a.id, &acting(&fx.official_a));
        let user = |u: &str, role, org: Option<OrgId>, client: Option<ClientId>| {
            let store = store.clone();
            let u = u.to_owned();
            async move {
                store
                    .create_user(kirjuri_store::NewUser {
                        username: Username::parse(&u).unwrap(),
                        display_name: PersonName::parse(&format!("Testi {u}")).unwrap(),
                        role,
                        org_id: org,
                        client_id: client,
                        password_hash: None,
                    })
                    .await
                    .unwrap()
            }
        };
        let seeker = &acting(&user("asiakas", Role::JobSeeker, None, Some(c)).await);
        let keha_org = store
            .create_organisation(
                OrgKind::Keha,
                PersonName::parse("Kehittämis- ja hallintokeskus").unwrap(),
                PersonName::parse("Utvecklings- och förvaltningscentret").unwrap(),
            )
            .await
            .unwrap();
        let keha = &acting(&user("keha", Role::KehaOfficial, Some(keha_org.id), None).await);
        let avi = &acting(&user("avi", Role::Supervisor, None, None).await);
        let resolution = |outcome: &str, date: NaiveDate| kirjuri_store::Resolution {
            outcome: outcome.into(),
            effective_date: date,
            reasoning: "Selvitetty.".into(),
            basis: "TTL 2:1".into(),
            document: "Lausunto oikaisupyynnön johdosta.".into(),
            document_language: "fi".into(),
        };

        // An automated statement: its employment authority reconsiders it.
        let (js, auto) = store
            .start_job_search_deciding(c, d(2026, 3, 2), by, Box::new(|ctx| Ok(a_decision(ctx))))
            .await
            .unwrap();
        let leaves = store.ledger_size().await.unwrap();
        let req = store
            .request_reconsideration(c, auto.id, "Olen opiskelija.".into(), seeker)
            .await
            .unwrap();
        assert_eq!(
            (
                req.statement.as_str(),
                req.statement_outcome.as_str(),
                req.statement_effective_date,
                req.target.as_str(),
                req.org,
                req.requested_as.as_str(),
                req.state()
            ),
            (
                "automated",
                "no_obstacle",
                d(2026, 3, 2),
                "employment_authority",
                fx.org_a.id,
                "client",
                "requested"
            )
        );
        // The request and its access-log row: two leaves.
        assert_eq!(store.ledger_size().await.unwrap(), leaves + 2);
        // A statement is reconsidered once, by the store and by the database.
        assert!(matches!(
            store
                .request_reconsideration(c, auto.id, "Uudelleen.".into(), by)
                .await,
            Err(StoreError::ReconsiderationExists)
        ));
        let dup = format!(
            "INSERT INTO reconsideration_requests (id, decision_id, client_id, statement,
                 statement_outcome, statement_effective_date, target, org_id, reasons,
                 requested_by, requested_as, requested_at)
             VALUES ('{}', '{}', '{}', 'automated', 'no_obstacle', '2026-03-02',
                 'employment_authority', '{}', 'x', '{}', 'client', '2026-03-02T10:00:00.000000Z')",
            uuid_of(77),
            auto.id,
            c,
            fx.org_a.id,
            fx.official_a.id
        );
        assert!(raw_execute(&store, &dup).await.is_err());
        // The supervisor asks nothing, and another client's decision is not found.
        assert!(matches!(
            store
                .request_reconsideration(c, auto.id, "x".into(), avi)
                .await,
            Err(StoreError::NotPermitted(_))
        ));
        let other = store
            .create_client(
                NewClient {
                    hetu: Hetu::parse("010501E9032").unwrap(),
                    first_name: PersonName::parse("Muu").unwrap(),
                    last_name: PersonName::parse("Asiakas").unwrap(),
                    language: Language::Fi,
                    org_id: fx.org_a.id,
                },
                by,
            )
            .await
            .unwrap();
        assert!(matches!(
            store
                .request_reconsideration(other.id, auto.id, "x".into(), by)
                .await,
            Err(StoreError::NotFound("decision"))
        ));

        // In the issuer's queue only.
        let queue_a = kirjuri_store::Queue::EmploymentAuthority(fx.org_a.id);
        let cases = store.reconsideration_queue(queue_a, by).await.unwrap();
        assert_eq!(cases.len(), 1);
        assert_eq!(cases[0].request.id, req.id);
        assert_eq!(cases[0].kind, "job_search_start");
        let b = &acting(&fx.official_b);
        let queue_b = kirjuri_store::Queue::EmploymentAuthority(fx.org_b.id);
        assert!(store
            .reconsideration_queue(queue_b, b)
            .await
            .unwrap()
            .is_empty());
        assert!(store
            .reconsideration_queue(kirjuri_store::Queue::Keha, keha)
            .await
            .unwrap()
            .is_empty());
        assert_eq!(
            store.reconsideration_routing(req.id).await.unwrap(),
            (
                c,
                "employment_authority".into(),
                "job_search_start".into(),
                auto.id
            )
        );

        // Only an official of the issuer handles it: not another authority's official, not
        // KEHA-keskus, not the client, not the supervisor.
        for who in [b, keha, seeker, avi] {
            assert!(matches!(
                store.take_reconsideration(c, req.id, who).await,
                Err(StoreError::NotPermitted(_))
            ));
            assert!(matches!(
                store
                    .resolve_reconsideration(c, req.id, resolution("obstacle", d(2026, 3, 2)), who)
                    .await,
                Err(StoreError::NotPermitted(_))
            ));
        }
        let taken = store.take_reconsideration(c, req.id, by).await.unwrap();
        assert_eq!((taken.step.as_str(), taken.org), ("taken", fx.org_a.id));
        let done = store
            .resolve_reconsideration(c, req.id, resolution("obstacle", d(2026, 3, 2)), by)
            .await
            .unwrap();
        assert_eq!(done.outcome_changed, Some(true));
        assert!(matches!(
            store
                .resolve_reconsideration(c, req.id, resolution("no_obstacle", d(2026, 3, 2)), by)
                .await,
            Err(StoreError::CaseNotOpen)
        ));
        assert!(matches!(
            store.take_reconsideration(c, req.id, by).await,
            Err(StoreError::CaseNotOpen)
        ));
        assert!(store
            .reconsideration_queue(queue_a, by)
            .await
            .unwrap()
            .is_empty());
        let mine = store.reconsiderations(c, seeker).await.unwrap();
        assert_eq!(mine.len(), 1);
        assert_eq!(mine[0].steps, vec![taken, done]);
        assert_eq!(mine[0].state(), "resolved");

        // An official's statement by KEHA-keskus: no statement before it is resolved; then
        // KEHA-keskus reconsiders it, and the client is a KEHA task.
        let (_, routed) = store
            .end_job_search_deciding(
                c,
                js.id,
                d(2026, 3, 16),
                EndReason::OwnRequest,
                by,
                Box::new(|ctx| {
                    Ok(kirjuri_store::NewDecision {
                        kind: "job_search_end".into(),
                        outcome: "routed".into(),
                        reasons: "[{\"code\":\"END_STUDIES\"},{\"code\":\"FREE_TEXT\"}]".into(),
                        target: Some("keha".into()),
                        effective_date: None,
                        document: None,
                        document_language: None,
                        ..a_decision(ctx)
                    })
                }),
            )
            .await
            .unwrap();
        assert!(matches!(
            store
                .request_reconsideration(c, routed.id, "x".into(), seeker)
                .await,
            Err(StoreError::NoStatement)
        ));
        let official = store
            .resolve_case(
                c,
                routed.id,
                resolution("job_search_ended", d(2026, 3, 16)),
                keha,
            )
            .await
            .unwrap();
        let req2 = store
            .request_reconsideration(c, routed.id, "Soitin ja kerroin.".into(), by)
            .await
            .unwrap();
        assert_eq!(
            (
                req2.statement.as_str(),
                req2.official_step,
                req2.target.as_str(),
                req2.org,
                req2.requested_as.as_str()
            ),
            (
                "official",
                Some(official.seq),
                "keha",
                keha_org.id,
                "official"
            )
        );
        assert!(store.has_keha_task(c).await.unwrap());
        assert!(matches!(
            store.take_reconsideration(c, req2.id, by).await,
            Err(StoreError::NotPermitted(_))
        ));
        let cases = store
            .reconsideration_queue(kirjuri_store::Queue::Keha, keha)
            .await
            .unwrap();
        assert_eq!(cases.len(), 1);
        let same = store
            .resolve_reconsideration(
                c,
                req2.id,
                resolution("job_search_ended", d(2026, 3, 16)),
                keha,
            )
            .await
            .unwrap();
        assert_eq!(same.outcome_changed, Some(false));

        // Append-only, whoever connects; one resolution per request even in raw SQL.
        for table in ["reconsideration_requests", "reconsideration_steps"] {
            assert!(
                raw_execute(&store, &format!("UPDATE {table} SET client_id = client_id"))
                    .await
                    .is_err()
            );
            assert!(raw_execute(&store, &format!("DELETE FROM {table}"))
                .await
                .is_err());
        }
        let dup = format!(
            "INSERT INTO reconsideration_steps (request_id, client_id, step, by_user, org_id, at,
                 outcome, effective_date, reasoning, basis, document, document_language,
                 outcome_changed)
             VALUES ('{}', '{}', 'resolved', '{}', '{}', '2026-03-02T10:00:00.000000Z',
                 'obstacle', '2026-03-02', 'x', 'y', 'z', 'fi', 1)",
            req.id, c, fx.official_a.id, fx.org_a.id
        );
        assert!(raw_execute(&store, &dup).await.is_err());

        // B11: the figures of the rule-set version.
        let figures = store.statement_quality().await.unwrap();
        assert_eq!(figures.len(), 1);
        let f = &figures[0];
        assert_eq!(
            (f.rule_set_name.as_str(), f.rule_set_version.as_str()),
            ("statement-start", "test")
        );
        assert_eq!((f.decisions, f.automated, f.routed), (2, 1, 1));
        let reasons: Vec<(&str, i64)> = f
            .routed_by_reason
            .iter()
            .map(|r| (r.code.as_str(), r.count))
            .collect();
        assert_eq!(reasons, [("END_STUDIES", 1), ("FREE_TEXT", 1)]);
        assert_eq!(
            (
                f.reconsiderations_requested,
                f.reconsiderations_of_automated,
                f.reconsiderations_resolved,
                f.reconsiderations_changed
            ),
            (2, 1, 2, 1)
        );

        // B10: every row has its leaf, and the whole ledger verifies with them.
        assert_eq!(
            raw_i64(
                &store,
                "SELECT COUNT(*) FROM ledger_links WHERE record_table = 'reconsideration_requests'"
            )
            .await,
            2
        );
        assert_eq!(
            raw_i64(
                &store,
                "SELECT COUNT(*) FROM ledger_links WHERE record_table = 'reconsideration_steps'"
            )
            .await,
            3
        );
        store.ledger_checkpoint().await.unwrap();
        let report = store
            .verify_ledger(&[kirjuri_store::testing::test_ledger_keys().verifier()])
            .await
            .unwrap();
        assert!(report.fault.is_none(), "{report:?}");
        assert!(report.records_checked > 0);
    })
    .await;
}

/// B7: two requests for one statement at the same moment (the client online, an official on
/// the phone): exactly one is recorded, the other is told a request exists.
#[tokio::test]
async fn issue5_concurrent_reconsideration_requests_record_one() {
    each_backend(|store, fx, _| async move {
        let (c, by) = (fx.client_a.id, acting(&fx.official_a));
        let (_, auto) = store
            .start_job_search_deciding(c, d(2026, 3, 2), &by, Box::new(|ctx| Ok(a_decision(ctx))))
            .await
            .unwrap();
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..4 {
            let (store, by) = (store.clone(), by.clone());
            tasks.spawn(async move {
                store
                    .request_reconsideration(c, auto.id, format!("Pyyntö {i}."), &by)
                    .await
            });
        }
        let (mut ok, mut exists) = (0, 0);
        while let Some(r) = tasks.join_next().await {
            match r.unwrap() {
                Ok(_) => ok += 1,
                Err(StoreError::ReconsiderationExists) => exists += 1,
                Err(e) => panic!("unexpected: {e}"),
            }
        }
        assert_eq!((ok, exists), (1, 3));
        assert_eq!(
            raw_i64(&store, "SELECT COUNT(*) FROM reconsideration_requests").await,
            1
        );
    })
    .await;
}
// ---- stored values read back (issue 11) ----------------------------------------------------------

/// Runs `insert` with the CHECK constraint `constraint` of `table` out of the way, as someone
/// editing the database outside the store could: SQLite ignores CHECK constraints for the
/// statement, PostgreSQL drops the constraint (in this test's own schema).
async fn insert_past_check(store: &Store, table: &str, constraint: &str, insert: &str) {
    let sql = match store.backend() {
        kirjuri_store::Backend::Sqlite => format!(
            "PRAGMA ignore_check_constraints = ON; {insert}; PRAGMA ignore_check_constraints = OFF;"
        ),
        kirjuri_store::Backend::Postgres => {
            format!("ALTER TABLE {table} DROP CONSTRAINT {constraint}; {insert};")
        }
    };
    raw_execute(store, &sql).await.unwrap();
}

/// Issue 11: a stored resolution that lacks one of its columns (the official's reasoning;
/// whether a reconsideration changed the outcome) is reported as `StoreError::Corrupt`, as
/// `rows.rs` promises, instead of being shown with a blank or a guess in its place.
#[tokio::test]
async fn issue11_a_resolution_missing_a_stored_column_reads_back_as_corrupt() {
    each_backend(|store, fx, _| async move {
        let (c, by) = (fx.client_a.id, &acting(&fx.official_a));
        let (official, org) = (fx.official_a.id, fx.org_a.id);
        let routed: kirjuri_store::Decide = Box::new(|ctx| {
            Ok(kirjuri_store::NewDecision {
                outcome: "routed".into(),
                reasons: "[{\"code\":\"MISSING_INPUTS\"}]".into(),
                target: Some("employment_authority".into()),
                effective_date: None,
                document: None,
                document_language: None,
                ..a_decision(ctx)
            })
        });
        let (_, dec) = store
            .start_job_search_deciding(c, d(2026, 3, 2), by, routed)
            .await
            .unwrap();
        let dec = dec.id;

        // The official's resolution, without its reasoning.
        insert_past_check(
            &store,
            "official_steps",
            "official_steps_resolution",
            &format!(
                "INSERT INTO official_steps (decision_id, client_id, step, by_user, org_id, at,
                     outcome, effective_date, reasoning, basis, document, document_language)
                 VALUES ('{dec}', '{c}', 'resolved', '{official}', '{org}',
                     '2026-03-02T10:00:00.000000Z', 'no_obstacle', '2026-03-02', NULL,
                     'TTL 2:1', 'Lausunto.', 'fi')"
            ),
        )
        .await;
        match store.official_steps(c, dec, by).await {
            Err(StoreError::Corrupt(what)) => assert!(what.contains("reasoning"), "{what}"),
            other => panic!("a resolution without its reasoning read back as {other:?}"),
        }

        // A request to reconsider that statement, resolved without saying whether the outcome
        // changed.
        let step = raw_i64(&store, "SELECT seq FROM official_steps").await;
        let request = uuid_of(11);
        raw_execute(
            &store,
            &format!(
                "INSERT INTO reconsideration_requests (id, decision_id, client_id, statement,
                     official_step, statement_outcome, statement_effective_date, target, org_id,
                     reasons, requested_by, requested_as, requested_at)
                 VALUES ('{request}', '{dec}', '{c}', 'official', {step}, 'no_obstacle',
                     '2026-03-02', 'employment_authority', '{org}', 'Perustelut.', '{official}',
                     'official', '2026-03-02T11:00:00.000000Z')"
            ),
        )
        .await
        .unwrap();
        insert_past_check(
            &store,
            "reconsideration_steps",
            "reconsideration_steps_resolution",
            &format!(
                "INSERT INTO reconsideration_steps (request_id, client_id, step, by_user, org_id,
                     at, outcome, effective_date, reasoning, basis, document, document_language,
                     outcome_changed)
                 VALUES ('{request}', '{c}', 'resolved', '{official}', '{org}',
                     '2026-03-02T12:00:00.000000Z', 'obstacle', '2026-03-02', 'Perustelu.',
                     'TTL 2:1', 'Lausunto.', 'fi', NULL)"
            ),
        )
        .await;
        match store.reconsiderations(c, by).await {
            Err(StoreError::Corrupt(what)) => assert!(what.contains("outcome_changed"), "{what}"),
            other => panic!("a resolution without outcome_changed read back as {other:?}"),
        }
    })
    .await;
}

/// Benefit payers, applications, the statement outbox and the validity query (migration 9).
#[path = "store/delivery.rs"]
mod delivery;

#[path = "store/upgrade.rs"]
mod upgrade;

#[path = "store/storage.rs"]
mod storage;

#[path = "store/migrate_concurrently.rs"]
mod migrate_concurrently;

/// Issue 16: whole-log verification through the native drivers, on every read path.
#[path = "store/verify_native.rs"]
mod verify_native;

/// Issue 16: writes at once, one failing alone; no ledger index missing.
#[path = "store/group_commit.rs"]
mod group_commit;

/// Issue 14: the reports' packed reads return the rows the query does.
#[path = "store/packed.rs"]
mod packed;
