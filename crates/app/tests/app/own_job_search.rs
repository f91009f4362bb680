//! Issue 13: the job seeker registers and ends their own job search (B1, B14). The policy's
//! `ReportJobSearch` is the client's alone (a table over every relation); the use cases refuse
//! a registration without the prior notice or without answers, and an end for a reason only
//! the authority records, writing nothing; an official's session is refused; what is written
//! is logged under the client's own use — on every backend.

use std::sync::Arc;

use chrono::{NaiveDate, TimeZone, Utc};
use kirjuri_app::policy::{decide, home, purpose, Action, Context, Decision, Home};
use kirjuri_app::statements::FormAnswers;
use kirjuri_app::{Actor, App, AppError};
use kirjuri_domain::*;
use kirjuri_store::testing::{backends, fixture, fresh_store, raw_i64};
use kirjuri_store::NewUser;

fn uuid(n: u128) -> uuid::Uuid {
    uuid::Uuid::from_u128(0x7e0e_5c3e_0000_4000_8000_0000_0000_0000 + n)
}

fn user(role: Role, org: Option<u128>, client: Option<u128>) -> User {
    User {
        id: UserId::from_uuid(uuid(200 + role as u128)),
        username: Username::parse("kayttaja").unwrap(),
        display_name: PersonName::parse("Käyttäjä").unwrap(),
        role,
        org_id: org.map(|n| OrgId::from_uuid(uuid(n))),
        client_id: client.map(|n| ClientId::from_uuid(uuid(n))),
    }
}

/// Only the client themself reports their own job search; an official of the client's
/// organisation knows the client and is refused (they start one with `Write`); everyone else
/// learns nothing. Start pages follow the role.
#[test]
fn only_the_client_reports_their_own_job_search() {
    let client = Client {
        id: ClientId::from_uuid(uuid(100)),
        hetu: Hetu::parse("010594Y9032").unwrap(),
        first_name: PersonName::parse("Testi").unwrap(),
        last_name: PersonName::parse("Asiakas").unwrap(),
        language: Language::Fi,
        org_id: OrgId::from_uuid(uuid(1)),
        created_at: chrono::DateTime::UNIX_EPOCH,
    };
    let stated = Context {
        stated_purpose: Some(ShortText::parse("valitus asiasta").unwrap()),
        ..Context::default()
    };
    let keha = Context {
        keha_task: true,
        ..Context::default()
    };
    let expert = Context {
        responsible_expert: true,
        ..Context::default()
    };
    let rows: Vec<(&str, User, Context, char)> = vec![
        (
            "the client themself",
            user(Role::JobSeeker, None, Some(100)),
            Context::default(),
            'A',
        ),
        (
            "another job seeker",
            user(Role::JobSeeker, None, Some(101)),
            Context::default(),
            'H',
        ),
        (
            "official of the organisation",
            user(Role::Official, Some(1), None),
            Context::default(),
            'X',
        ),
        (
            "responsible expert elsewhere",
            user(Role::Official, Some(2), None),
            expert,
            'X',
        ),
        (
            "official elsewhere",
            user(Role::Official, Some(2), None),
            Context::default(),
            'H',
        ),
        (
            "official elsewhere with a reason",
            user(Role::Official, Some(2), None),
            stated,
            'X',
        ),
        (
            "KEHA official with a task",
            user(Role::KehaOfficial, Some(3), None),
            keha,
            'X',
        ),
        (
            "supervisor",
            user(Role::Supervisor, Some(4), None),
            Context::default(),
            'X',
        ),
        (
            "rules author",
            user(Role::RulesAuthor, Some(3), None),
            Context::default(),
            'H',
        ),
        (
            "administrator",
            user(Role::Administrator, Some(1), None),
            Context::default(),
            'H',
        ),
    ];
    for (name, u, ctx, want) in rows {
        let d = decide(&u, Action::ReportJobSearch, &client, &ctx);
        let got = match &d {
            Decision::Allow {
                default_purpose,
                flagged,
            } => {
                assert_eq!(*default_purpose, purpose::OWN_USE, "{name}");
                assert!(!flagged, "{name}");
                'A'
            }
            Decision::Forbidden(_) => 'X',
            Decision::Hidden => 'H',
        };
        assert_eq!(got, want, "{name}");
    }
    assert!(Action::ALL.contains(&Action::ReportJobSearch));
    assert_eq!(
        home(&user(Role::JobSeeker, None, Some(100))),
        Home::OwnPages
    );
    for role in [
        Role::Official,
        Role::KehaOfficial,
        Role::Supervisor,
        Role::RulesAuthor,
    ] {
        assert_eq!(home(&user(role, Some(1), None)), Home::Work, "{role:?}");
    }
    assert_eq!(
        home(&user(Role::Administrator, Some(1), None)),
        Home::Administration
    );
}

fn answers() -> kirjuri_rules::Reported {
    serde_json::from_value(serde_json::json!({
        "employment": "none", "seeks_full_time_work": true,
        "previous_employment_end": {"date": "2026-02-27", "reason": "fixed_term_ended"},
        "studies": "none", "business": "none", "business_started_while_unemployed_on": null,
        "in_service": null, "free_text": null,
    }))
    .unwrap()
}

#[tokio::test]
async fn the_client_registers_and_ends_their_own_job_search_under_the_rules_of_the_own_view() {
    for backend in backends() {
        let clock = Arc::new(FixedClock::new(
            Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap(),
        ));
        let ts = fresh_store(backend, clock).await;
        let fx = fixture(&ts.store).await;
        let seeker = ts
            .store
            .create_user(NewUser {
                username: Username::parse("hakija").unwrap(),
                display_name: PersonName::parse("Testi Asiakas").unwrap(),
                role: Role::JobSeeker,
                org_id: None,
                client_id: Some(fx.client_a.id),
                password_hash: None,
            })
            .await
            .unwrap();
        let app = App::new(ts.store.clone(), Default::default()).unwrap();
        let me = Actor::new(seeker);
        let official = Actor::new(fx.official_a.clone());
        let searches = "SELECT COUNT(*) FROM job_searches";

        // Refused, nothing written: no notice, no answers, an official's session.
        let no_notice = FormAnswers {
            answers: Some(answers()),
            acknowledged_notice: false,
        };
        match app.register_my_job_search(&me, no_notice).await {
            Err(AppError::Invalid { field, .. }) => assert_eq!(field, "acknowledged_notice"),
            other => panic!("{other:?}"),
        }
        let no_answers = FormAnswers {
            answers: None,
            acknowledged_notice: true,
        };
        match app.register_my_job_search(&me, no_answers).await {
            Err(AppError::Invalid { field, .. }) => assert_eq!(field, "answers"),
            other => panic!("{other:?}"),
        }
        let form = FormAnswers {
            answers: Some(answers()),
            acknowledged_notice: true,
        };
        assert!(matches!(
            app.register_my_job_search(&official, form.clone()).await,
            Err(AppError::Forbidden(_))
        ));
        assert_eq!(raw_i64(&ts.store, searches).await, 0);

        // Registered today by the clock, decided in the same transaction, logged as own use.
        let d = app.register_my_job_search(&me, form).await.unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        assert_eq!(d.job_search.start_date, today);
        assert!(d.decision.stored.decision.notice_acknowledged);
        let own_writes = format!(
            "SELECT COUNT(*) FROM access_log WHERE action = 'write' AND resource = 'job_searches' \
             AND purpose = '{}'",
            kirjuri_app::policy::purpose::OWN_USE
        );
        assert_eq!(raw_i64(&ts.store, &own_writes).await, 1);
        assert!(app.my_decision(&me, d.decision.stored.id).await.is_ok());
        // Another client's decision, or none, is not found.
        let nothing = DecisionId::from_uuid(uuid(999));
        assert!(matches!(
            app.my_decision(&me, nothing).await,
            Err(AppError::NotFound(_))
        ));

        // The end: an authority's reason is refused, the notice is required, then it ends.
        let js = d.job_search.id;
        for (reason, ack, field) in [
            (EndReason::NoContact, true, "reason"),
            (EndReason::NotRenewed, true, "reason"),
            (EndReason::Employed, false, "acknowledged_notice"),
        ] {
            match app.end_my_job_search(&me, js, today, reason, ack).await {
                Err(AppError::Invalid { field: f, .. }) => assert_eq!(f, field, "{reason:?}"),
                other => panic!("{reason:?}: {other:?}"),
            }
        }
        assert!(matches!(
            app.end_my_job_search(&official, js, today, EndReason::Employed, true)
                .await,
            Err(AppError::Forbidden(_))
        ));
        assert_eq!(
            raw_i64(&ts.store, "SELECT COUNT(*) FROM job_search_ends").await,
            0
        );
        let ended = app
            .end_my_job_search(&me, js, today, EndReason::Employed, true)
            .await
            .unwrap();
        // Decided in the same transaction (routed here: no adoption decision covers the rules).
        assert_eq!(
            ended.job_search.end.as_ref().map(|e| e.reason),
            Some(EndReason::Employed)
        );
        assert_eq!(ended.decision.stored.decision.kind, "job_search_end");
        ts.cleanup().await;
    }
}
