//! The store's integration suite. Every test runs on every backend under test (SQLite and
//! PostgreSQL by default; see `kirjuri_store::testing`).

use std::future::Future;
use std::sync::Arc;

use chrono::{Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use kirjuri_domain::*;
use kirjuri_store::testing::{backends, fixture, fresh_store, raw_execute, raw_i64, Fixture};
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
            .create_client(again, fx.official_b.id)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::DuplicateHetu), "{err:?}");
        assert_eq!(
            store
                .clients_of_org(fx.org_a.id, 10, 0)
                .await
                .unwrap()
                .len(),
            1
        );
        assert!(store
            .clients_of_org(fx.org_b.id, 10, 0)
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

fn uuid_of(n: u128) -> uuid::Uuid {
    uuid::Uuid::from_u128(n)
}

#[tokio::test]
async fn entries_record_time_author_and_lag() {
    each_backend(|store, fx, clock| async move {
        let new = entry(fx.client_a.id, "Puhelu.", None);
        let e = store.append_entry(&new, fx.official_a.id).await.unwrap();
        assert_eq!(e.recorded_at, clock.now());
        assert_eq!(e.author_id, fx.official_a.id);
        assert_eq!(e.author_name.as_str(), "Anna Asiantuntija");
        assert_eq!(e.recording_lag(), Duration::hours(1));
        assert_eq!(store.entry(e.id).await.unwrap(), e);
        // An event more than a few minutes ahead of the store's clock is refused.
        clock.set(Utc.with_ymd_and_hms(2026, 3, 2, 7, 0, 0).unwrap());
        let new = entry(fx.client_a.id, "Liian aikaisin.", None);
        assert!(matches!(
            store.append_entry(&new, fx.official_a.id).await,
            Err(StoreError::Entry(EntryError::EventInFuture { .. }))
        ));
        assert_eq!(store.entries(fx.client_a.id).await.unwrap().len(), 1);
    })
    .await;
}

#[tokio::test]
async fn correction_chain_reads_back_in_order() {
    each_backend(|store, fx, clock| async move {
        let c = fx.client_a.id;
        let by = fx.official_a.id;
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
                ids(store.correction_chain(start).await.unwrap()),
                [first.id, second.id, third.id]
            );
        }
        assert_eq!(
            ids(store.correction_chain(other.id).await.unwrap()),
            [other.id]
        );
        assert_eq!(
            ids(store.entries(c).await.unwrap()),
            [first.id, other.id, second.id, third.id]
        );
        // The original still reads as it was written.
        assert_eq!(
            store.entry(first.id).await.unwrap().text.as_str(),
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
                fx.official_a.id,
            )
            .await
            .unwrap();
        let theirs =
            store.append_entry(&entry(other.id, "Toisen asiakkaan.", None), fx.official_a.id).await.unwrap();
        let err = store
            .append_entry(&entry(fx.client_a.id, "Korjaus.", correction(&theirs, "Syy")), fx.official_a.id)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::CorrectionOtherClient), "{err:?}");
        let missing = Entry { id: EntryId::from_uuid(uuid_of(99)), ..theirs.clone() };
        let err = store
            .append_entry(&entry(fx.client_a.id, "Korjaus.", correction(&missing, "Syy")), fx.official_a.id)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::CorrectedEntryMissing), "{err:?}");
        assert!(store.entries(fx.client_a.id).await.unwrap().is_empty());
        // The schema refuses it too, even for a writer that skips the store's checks.
        let sql = format!(
            "INSERT INTO entries (id, client_id, kind, text, details, event_at, recorded_at, author_id, corrects_id, correction_reason)
             VALUES ('00000000-0000-4000-8000-0000000000aa', '{}', 'contact', 'x', '{{}}', '2026-03-02T08:00:00.000000Z',
                     '2026-03-02T08:00:00.000000Z', '{}', '{}', 'syy')",
            fx.client_a.id, fx.official_a.id, theirs.id
        );
        assert!(raw_execute(&store, &sql).await.is_err());
        assert!(store.entries(fx.client_a.id).await.unwrap().is_empty());
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
                fx.official_a.id,
            )
            .await
            .unwrap();
        let theirs = store
            .append_entry(
                &entry(other.id, "Toisen asiakkaan.", None),
                fx.official_a.id,
            )
            .await
            .unwrap();
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..60 {
            let store = store.clone();
            let (client, official) = (fx.client_a.id, fx.official_a.id);
            let bad = i % 4 == 3;
            let corrects = if bad {
                correction(&theirs, "Syy")
            } else {
                None
            };
            let new = entry(client, &format!("Yhteydenotto {i}."), corrects);
            tasks.spawn(async move { (bad, store.append_entry(&new, official).await) });
        }
        let (mut good, mut refused) = (0, 0);
        while let Some(done) = tasks.join_next().await {
            match done.unwrap() {
                (false, Ok(e)) => {
                    good += 1;
                    assert_eq!(store.entry(e.id).await.unwrap(), e);
                }
                (true, Err(StoreError::CorrectionOtherClient)) => refused += 1,
                other => panic!("unexpected outcome {other:?}"),
            }
        }
        assert_eq!((good, refused), (45, 15));
        let stored = store.entries(fx.client_a.id).await.unwrap();
        assert_eq!(stored.len(), 45);
        assert!(stored.iter().all(|e| e.corrects.is_none()));
    })
    .await;
}

#[tokio::test]
async fn the_record_cannot_be_updated_or_deleted_even_with_sql() {
    each_backend(|store, fx, _| async move {
        let e = store
            .append_entry(&entry(fx.client_a.id, "Pysyvä.", None), fx.official_a.id)
            .await
            .unwrap();
        store
            .start_job_search(fx.client_a.id, d(2026, 3, 2), fx.official_a.id)
            .await
            .unwrap();
        store
            .agree_contact_method(
                fx.client_a.id,
                ContactMethodKind::Phone,
                d(2026, 3, 2),
                None,
                fx.official_a.id,
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
        assert_eq!(store.entry(e.id).await.unwrap().text.as_str(), "Pysyvä.");
    })
    .await;
}

#[tokio::test]
async fn job_search_starts_once_and_ends_once() {
    each_backend(|store, fx, _| async move {
        let (c, by) = (fx.client_a.id, fx.official_a.id);
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
        let all = store.job_searches(c).await.unwrap();
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
        let a = store.book_appointment(&visit, fx.official_a.id).await.unwrap();
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
        store.book_appointment(&phone, fx.official_a.id).await.unwrap();
        let list = store.appointments(fx.client_a.id).await.unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list[1], a, "ordered by start time");
        // An official of another authority cannot be booked for this client.
        let foreign = NewAppointment { official_id: Some(fx.official_b.id), ..phone };
        assert!(matches!(
            store.book_appointment(&foreign, fx.official_a.id).await,
            Err(StoreError::NotAnOfficialOfClientOrg)
        ));
        // The schema refuses a visit without an address.
        let sql = format!(
            "INSERT INTO appointments (id, client_id, local_date, local_time, time_zone, starts_at, duration_minutes, mode, recorded_at, recorded_by)
             VALUES ('00000000-0000-4000-8000-0000000000ab', '{}', '2026-03-10', '10:00', 'Europe/Helsinki', '2026-03-10T08:00:00.000000Z', 30, 'visit', '2026-03-02T08:00:00.000000Z', '{}')",
            fx.client_a.id, fx.official_a.id
        );
        assert!(raw_execute(&store, &sql).await.is_err());
        assert_eq!(store.appointments(fx.client_a.id).await.unwrap().len(), 2);
    })
    .await;
}

#[tokio::test]
async fn contact_method_and_responsible_expert_keep_history() {
    each_backend(|store, fx, clock| async move {
        let c = fx.client_a.id;
        let by = fx.official_a.id;
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
        let methods = store.contact_methods(c).await.unwrap();
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
        let history = store.responsible_experts(c).await.unwrap();
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
        assert_eq!(store.responsible_experts(c).await.unwrap().len(), 2);
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
        .unwrap();
    let fx = fixture(&s1).await;
    s1.close().await;
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
