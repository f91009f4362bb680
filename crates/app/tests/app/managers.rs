//! Issue 14, "an organisation's own managers see their own organisation": an official whom an
//! administrator of their own organisation made a manager reads the compliance reports of that
//! organisation only, on every backend. Their figures are the supervisor's figures of that
//! organisation (on a small dataset with rows of two organisations), another organisation is
//! refused, a drill-down lists only their organisation's clients and is logged as supervision
//! and flagged; an official without the grant is refused; only an administrator of the same
//! organisation grants and revokes (recorded with who did it, a ledger leaf each), and a
//! revocation holds from the next request on.

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use kirjuri_app::clients::ClientRegistration;
use kirjuri_app::model::{AccessDrill, FindingKind};
use kirjuri_app::reports::{DrillDown, InterviewStatus, ReportFilter, ReportFilterInput};
use kirjuri_app::{Actor, App, AppError};
use kirjuri_domain::time::HELSINKI;
use kirjuri_domain::*;
use kirjuri_store::testing::{
    acting, backends, fixture, fresh_store, raw_i64, test_ledger_keys, Fixture, TestStore,
};
use kirjuri_store::{Access, AccessAction, EntryFinding, NewUser};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn at(date: NaiveDate, h: u32) -> DateTime<Utc> {
    HELSINKI
        .from_local_datetime(&date.and_hms_opt(h, 0, 0).unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

/// A valid identity code in the test range.
fn hetu(n: u32) -> Hetu {
    let (dd, mm, yy, ind) = (1 + n % 28, 1 + n % 12, 70 + n % 29, 900 + n % 100);
    let num = dd * 10_000_000 + mm * 100_000 + yy * 1_000 + ind;
    let check = b"0123456789ABCDEFHJKLMNPRSTUVWXY"[(num % 31) as usize] as char;
    Hetu::parse(&format!("{dd:02}{mm:02}{yy:02}-{ind:03}{check}")).unwrap()
}

struct Setup {
    ts: TestStore,
    clock: Arc<FixedClock>,
    app: App,
    fx: Fixture,
    supervisor: Actor,
    admin_a: Actor,
    admin_b: Actor,
    /// An official of A, to be made a manager.
    chief: User,
    /// Clients of A and of B.
    clients_a: Vec<Client>,
    clients_b: Vec<Client>,
}

impl Setup {
    async fn new(backend: kirjuri_store::Backend) -> Self {
        let clock = Arc::new(FixedClock::new(at(d(2026, 1, 5), 9)));
        let ts = fresh_store(backend, clock.clone()).await;
        let fx = fixture(&ts.store).await;
        let app = App::new(ts.store.clone(), Default::default()).unwrap();
        let user = |u: &str, role: Role, org: Option<OrgId>| NewUser {
            username: Username::parse(u).unwrap(),
            display_name: PersonName::parse(&format!("Testi {u}")).unwrap(),
            role,
            org_id: org,
            client_id: None,
            password_hash: None,
        };
        let store = &ts.store;
        let supervisor = store
            .create_user(user("valvoja", Role::Supervisor, None))
            .await
            .unwrap();
        let admin_a = store
            .create_user(user("admin.a", Role::Administrator, Some(fx.org_a.id)))
            .await
            .unwrap();
        let admin_b = store
            .create_user(user("admin.b", Role::Administrator, Some(fx.org_b.id)))
            .await
            .unwrap();
        let chief = store
            .create_user(user("esimies.a", Role::Official, Some(fx.org_a.id)))
            .await
            .unwrap();
        Setup {
            supervisor: Actor::new(supervisor),
            admin_a: Actor::new(admin_a),
            admin_b: Actor::new(admin_b),
            chief,
            clients_a: Vec::new(),
            clients_b: Vec::new(),
            app,
            clock,
            fx,
            ts,
        }
    }

    /// The actor of a request by `user`, as a transport makes it.
    async fn actor(&self, user: &User) -> Actor {
        self.app.actor(user.clone(), None).await.unwrap()
    }

    /// A small dataset with rows of both organisations: per organisation three clients with a
    /// job search (an initial interview on time, one late, one never), entries recorded on
    /// time and late, a plan with a follow-up date, a contact method, and entries with stored
    /// findings; and reads of the other organisation's client by each organisation's official
    /// with a stated reason (flagged), plus an entry with a finding by A's official on a client
    /// of B (as their responsible expert would): rows of A's figures that concern B's client.
    async fn seed(&mut self) {
        let officials = [
            (self.fx.org_a.id, Actor::new(self.fx.official_a.clone())),
            (self.fx.org_b.id, Actor::new(self.fx.official_b.clone())),
        ];
        let mut n = 0;
        for (org, by) in &officials {
            for k in 0..3u32 {
                n += 1;
                self.clock.set(at(d(2026, 1, 5), 9));
                let client = self
                    .app
                    .register_client(
                        by,
                        ClientRegistration {
                            hetu: hetu(n),
                            first_name: PersonName::parse("Testi").unwrap(),
                            last_name: PersonName::parse(&format!("Asiakas{n:02}")).unwrap(),
                            language: Language::Fi,
                        },
                    )
                    .await
                    .unwrap();
                let start = d(2026, 1, 12) + Duration::days(i64::from(k) * 7);
                self.clock.set(at(start, 8));
                self.ts
                    .store
                    .start_job_search(client.id, start, &acting(&by.user))
                    .await
                    .unwrap();
                // The initial interview: on time, late (15 working days on), never.
                let interview = match k {
                    0 => Some(start + Duration::days(2)),
                    1 => Some(start + Duration::days(21)),
                    _ => None,
                };
                let mut planned = vec![
                    (EntryKind::Advice, start + Duration::days(1), k * 5),
                    (EntryKind::EmploymentPlan, start + Duration::days(1), 0),
                ];
                if let Some(i) = interview {
                    planned.push((EntryKind::InitialInterview, i, 0));
                }
                for (kind, event, lag) in planned {
                    let event_at = at(event, 10);
                    self.clock.set(event_at + Duration::days(i64::from(lag)));
                    let follow = if kind == EntryKind::EmploymentPlan {
                        vec![event + Duration::days(14)]
                    } else {
                        vec![]
                    };
                    let new = NewEntry::new(
                        client.id,
                        kind,
                        EntryText::parse("Asiakkaan tilanne käytiin läpi.").unwrap(),
                        event_at,
                        EntryDetails {
                            follow_up_dates: follow,
                            service: None,
                        },
                        None,
                    )
                    .unwrap();
                    self.app.write_entry(by, new).await.unwrap();
                }
                if k == 0 {
                    self.clock.set(at(start, 12));
                    self.app
                        .agree_contact_method(by, client.id, ContactMethodKind::Phone, start, None)
                        .await
                        .unwrap();
                }
                // An entry with stored findings (report 4).
                self.clock.set(at(start + Duration::days(3), 11));
                self.finding_entry(&by.user, client.id).await;
                if *org == self.fx.org_a.id {
                    self.clients_a.push(client);
                } else {
                    self.clients_b.push(client);
                }
            }
        }
        // Cross-organisation rows: A's official writes an entry with a finding on B's client
        // and reads it with a stated reason; B's official reads A's client likewise.
        self.clock.set(at(d(2026, 2, 10), 10));
        let (b_client, a_client) = (self.clients_b[0].id, self.clients_a[0].id);
        let official_a = self.fx.official_a.clone();
        self.finding_entry(&official_a, b_client).await;
        let reason = ShortText::parse("työvoimapalvelujen yhteistyö").unwrap();
        for (who, client) in [
            (&self.fx.official_a, b_client),
            (&self.fx.official_b, a_client),
        ] {
            self.ts
                .store
                .log(
                    &Access::new(who, reason.clone(), true),
                    client,
                    AccessAction::Read,
                    "client",
                )
                .await
                .unwrap();
        }
        self.clock.set(at(d(2026, 3, 20), 12));
    }

    async fn finding_entry(&self, author: &User, client: ClientId) {
        let new = NewEntry::new(
            client,
            EntryKind::Contact,
            EntryText::parse("Soitettu asiakkaalle.").unwrap(),
            self.clock.now() - Duration::hours(1),
            EntryDetails::default(),
            None,
        )
        .unwrap();
        let finding = EntryFinding {
            kind: "abbreviation".into(),
            severity: "warn".into(),
            start_char: 0,
            end_char: 1,
            matched: "x".into(),
        };
        self.ts
            .store
            .append_checked_entry(&new, vec![finding], &acting(author))
            .await
            .unwrap();
    }

    fn period(&self, org: Option<OrgId>) -> ReportFilter {
        ReportFilter {
            from: d(2026, 1, 1),
            to: d(2026, 3, 20),
            org,
            as_of: None,
        }
    }

    async fn events(&self, event: &str) -> i64 {
        raw_i64(
            &self.ts.store,
            &format!(
                "SELECT COUNT(*) FROM manager_grant_events WHERE user_id = '{}' AND event = '{event}'
                   AND by_user = '{}' AND org_id = '{}'",
                self.chief.id, self.admin_a.user.id, self.fx.org_a.id
            ),
        )
        .await
    }
}

fn input(org: Option<OrgId>) -> ReportFilterInput {
    ReportFilterInput {
        from: Some("2026-01-01".into()),
        to: Some("2026-03-20".into()),
        org: org.map(|o| o.to_string()),
        as_of: None,
    }
}

fn forbidden<T: std::fmt::Debug>(r: Result<T, AppError>, what: &str) {
    assert!(matches!(r, Err(AppError::Forbidden(_))), "{what}: {r:?}");
}

/// Issue 14: a manager's reports 1–6 are exactly the supervisor's reports narrowed to the
/// manager's organisation, every row of them is that organisation's, and the filter defaults
/// to it; the supervisor's unnarrowed reports have the other organisation's rows too.
#[tokio::test]
async fn a_manager_sees_only_their_own_organisations_figures() {
    for backend in backends() {
        let mut s = Setup::new(backend).await;
        s.seed().await;
        let (org_a, org_b) = (s.fx.org_a.id, s.fx.org_b.id);
        s.app.grant_manager(&s.admin_a, s.chief.id).await.unwrap();
        let m = s.actor(&s.chief).await;
        assert!(kirjuri_app::reports::may_read(&m), "{backend:?}");
        let orgs = s.app.report_organisations(&m).await.unwrap();
        assert_eq!(
            orgs.iter().map(|o| o.id).collect::<Vec<_>>(),
            [org_a],
            "{backend:?}"
        );
        let mf = s
            .app
            .report_filter(&m, &input(None))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            mf.org,
            Some(org_a),
            "the filter defaults to the own organisation"
        );
        let sv = &s.supervisor;
        let sf = s.period(Some(org_a));
        let all = s.period(None);

        // Report 1.
        let got = s.app.timeliness_report(&m, &mf).await.unwrap();
        let want = s.app.timeliness_report(sv, &sf).await.unwrap();
        let everyone = s.app.timeliness_report(sv, &all).await.unwrap();
        let rows = |r: &kirjuri_app::reports::TimelinessReport| {
            (
                r.organisations
                    .iter()
                    .map(|o| (o.org.id, o.figures))
                    .collect::<Vec<_>>(),
                r.officials
                    .iter()
                    .map(|o| (o.org.id, o.official, o.figures))
                    .collect::<Vec<_>>(),
            )
        };
        assert_eq!(rows(&got), rows(&want), "{backend:?} timeliness");
        assert!(got.organisations.iter().all(|o| o.org.id == org_a));
        assert!(got.officials.iter().all(|o| o.org.id == org_a));
        assert!(got.organisations[0].figures.late > 0, "A has late entries");
        assert!(everyone.organisations.iter().any(|o| o.org.id == org_b));

        // Report 2.
        let status = |r: &[kirjuri_app::reports::StatusRow<InterviewStatus>]| {
            r.iter()
                .map(|x| (x.org.id, x.counts.clone()))
                .collect::<Vec<_>>()
        };
        let got = s.app.interviews_report(&m, &mf).await.unwrap();
        assert_eq!(
            status(&got),
            status(&s.app.interviews_report(sv, &sf).await.unwrap()),
            "{backend:?} interviews"
        );
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].org.id, org_a);
        assert_eq!(got[0].total(), 3);
        assert!(s
            .app
            .interviews_report(sv, &all)
            .await
            .unwrap()
            .iter()
            .any(|r| r.org.id == org_b));

        // Report 3a and 3b.
        let contacts = |r: Vec<kirjuri_app::reports::ContactRow>| {
            r.iter()
                .map(|x| (x.org.id, x.agreed, x.missing))
                .collect::<Vec<_>>()
        };
        let got = contacts(s.app.contact_methods_report(&m, &mf).await.unwrap());
        assert_eq!(
            got,
            contacts(s.app.contact_methods_report(sv, &sf).await.unwrap())
        );
        assert!(got.iter().all(|r| r.0 == org_a) && !got.is_empty());
        let follow =
            |r: Vec<kirjuri_app::reports::StatusRow<kirjuri_app::reports::FollowUpStatus>>| {
                r.iter()
                    .map(|x| (x.org.id, x.counts.clone()))
                    .collect::<Vec<_>>()
            };
        let got = follow(s.app.follow_ups_report(&m, &mf).await.unwrap());
        assert_eq!(got, follow(s.app.follow_ups_report(sv, &sf).await.unwrap()));
        assert!(got.iter().all(|r| r.0 == org_a) && !got.is_empty());

        // Report 4.
        let got = s.app.language_report(&m, &mf).await.unwrap();
        let want = s.app.language_report(sv, &sf).await.unwrap();
        let by_org = |r: &kirjuri_app::oversight::LanguageReport| {
            r.by_org
                .iter()
                .map(|(o, row)| (o.id, *row))
                .collect::<Vec<_>>()
        };
        assert_eq!(by_org(&got), by_org(&want), "{backend:?} language");
        assert_eq!(got.by_month, want.by_month);
        assert_eq!(got.total, want.total);
        assert_eq!(by_org(&got).len(), 1);
        assert_eq!(by_org(&got)[0].0, org_a);
        // A's three findings on its own clients and one on B's client.
        assert_eq!(got.total.findings[0], 4, "{backend:?}");
        assert_eq!(
            s.app.language_report(sv, &all).await.unwrap().by_org.len(),
            2
        );

        // Report 5.
        let got = s.app.statements_report(&m, &mf).await.unwrap();
        let want = s.app.statements_report(sv, &sf).await.unwrap();
        assert_eq!(got.trend, want.trend, "{backend:?} statements");
        assert_eq!(format!("{:?}", got.by_org), format!("{:?}", want.by_org));
        assert_eq!(
            format!("{:?}", got.versions),
            format!("{:?}", want.versions)
        );
        assert!(got.by_org.iter().all(|(o, _)| o.id == org_a));

        // Report 6.
        let got = s.app.access_report(&m, &mf).await.unwrap();
        let want = s.app.access_report(sv, &sf).await.unwrap();
        for (g, w, what) in [
            (
                format!("{:?}", got.by_org),
                format!("{:?}", want.by_org),
                "by_org",
            ),
            (
                format!("{:?}", got.by_month),
                format!("{:?}", want.by_month),
                "by_month",
            ),
            (
                format!("{:?}", got.purposes),
                format!("{:?}", want.purposes),
                "purposes",
            ),
            (
                format!("{:?}", got.groups),
                format!("{:?}", want.groups),
                "groups",
            ),
            (
                format!("{:?}", got.standing_out),
                format!("{:?}", want.standing_out),
                "standing_out",
            ),
        ] {
            assert_eq!(g, w, "{backend:?} access {what}");
        }
        assert!(got
            .by_org
            .iter()
            .all(|(o, _)| o.as_ref().map(|o| o.id) == Some(org_a)));
        assert!(got.by_org.iter().any(|(_, r)| r.flagged_reads > 0));
        assert!(s
            .app
            .access_report(sv, &all)
            .await
            .unwrap()
            .by_org
            .iter()
            .any(|(o, _)| o.as_ref().map(|o| o.id) == Some(org_b)));
        s.ts.cleanup().await;
    }
}

/// Issue 14: a manager cannot narrow a report to another organisation: the filter names the
/// organisation as unknown (it is not in their scope), and a filter naming it that did not
/// come through the check is refused by every report and drill-down, never widened.
#[tokio::test]
async fn a_manager_narrowing_to_another_organisation_is_refused() {
    for backend in backends() {
        let mut s = Setup::new(backend).await;
        s.seed().await;
        let org_b = s.fx.org_b.id;
        s.app.grant_manager(&s.admin_a, s.chief.id).await.unwrap();
        let m = s.actor(&s.chief).await;
        let faults = s
            .app
            .report_filter(&m, &input(Some(org_b)))
            .await
            .unwrap()
            .unwrap_err();
        assert_eq!(faults.len(), 1, "{backend:?}");
        assert_eq!((faults[0].field, faults[0].code), ("org", "unknown_org"));
        let f = s.period(Some(org_b));
        forbidden(s.app.timeliness_report(&m, &f).await, "timeliness");
        forbidden(s.app.interviews_report(&m, &f).await, "interviews");
        forbidden(s.app.contact_methods_report(&m, &f).await, "contacts");
        forbidden(s.app.follow_ups_report(&m, &f).await, "follow-ups");
        forbidden(s.app.language_report(&m, &f).await, "language");
        forbidden(s.app.statements_report(&m, &f).await, "statements");
        forbidden(s.app.access_report(&m, &f).await, "access");
        forbidden(
            s.app
                .report_drill_down(&m, &f, DrillDown::Interviews(InterviewStatus::Overdue))
                .await,
            "drill-down",
        );
        forbidden(
            s.app
                .access_drill(&m, &f, None, AccessDrill::FlaggedReads)
                .await,
            "access drill-down",
        );
        forbidden(
            s.app
                .language_drill(&m, &f, None, Some(FindingKind::Abbreviation))
                .await,
            "language drill-down",
        );
        // Nothing was read.
        let reads = raw_i64(
            &s.ts.store,
            &format!(
                "SELECT COUNT(*) FROM access_log WHERE user_id = '{}'",
                s.chief.id
            ),
        )
        .await;
        assert_eq!(reads, 0, "{backend:?}");
        s.ts.cleanup().await;
    }
}

/// Issue 14: a manager's drill-downs list only their own organisation's clients — also where
/// their organisation's rows concern another's client (an entry with a finding and a flagged
/// read by A's official of B's client, which the supervisor's drill-down of A lists) — and
/// every client listed is a read logged as supervision and flagged, as the supervisor's are.
#[tokio::test]
async fn a_managers_drill_down_lists_only_their_organisations_clients_logged_as_supervision() {
    for backend in backends() {
        let mut s = Setup::new(backend).await;
        s.seed().await;
        let org_a = s.fx.org_a.id;
        let b_clients: Vec<ClientId> = s.clients_b.iter().map(|c| c.id).collect();
        s.app.grant_manager(&s.admin_a, s.chief.id).await.unwrap();
        let m = s.actor(&s.chief).await;
        let mf = s
            .app
            .report_filter(&m, &input(None))
            .await
            .unwrap()
            .unwrap();
        let sf = s.period(Some(org_a));

        let sv_flagged = s
            .app
            .access_drill(&s.supervisor, &sf, None, AccessDrill::FlaggedReads)
            .await
            .unwrap();
        assert!(
            sv_flagged.iter().any(|c| b_clients.contains(&c.client.id)),
            "{backend:?}: the supervisor's drill-down of A lists B's client read by A"
        );
        let m_flagged = s
            .app
            .access_drill(&m, &mf, None, AccessDrill::FlaggedReads)
            .await
            .unwrap();
        assert!(m_flagged.iter().all(|c| c.client.org_id == org_a));

        let sv_lang = s
            .app
            .language_drill(&s.supervisor, &sf, None, Some(FindingKind::Abbreviation))
            .await
            .unwrap();
        assert!(sv_lang.iter().any(|c| b_clients.contains(&c.client.id)));
        let m_lang = s
            .app
            .language_drill(&m, &mf, None, Some(FindingKind::Abbreviation))
            .await
            .unwrap();
        assert_eq!(m_lang.len(), 3, "{backend:?}: A's own three clients");
        assert!(m_lang.iter().all(|c| c.client.org_id == org_a));

        let overdue = s
            .app
            .report_drill_down(&m, &mf, DrillDown::Interviews(InterviewStatus::Overdue))
            .await
            .unwrap();
        assert_eq!(overdue.len(), 1, "{backend:?}");
        assert_eq!(overdue[0].client.org_id, org_a);

        // Every client listed to the manager is a read of theirs, as supervision, flagged;
        // none of B's clients is among them.
        let listed = (m_lang.len() + overdue.len()) as i64;
        let q = |cond: &str| {
            format!(
                "SELECT COUNT(*) FROM access_log WHERE user_id = '{}' AND action = 'read' {cond}",
                s.chief.id
            )
        };
        let all = raw_i64(&s.ts.store, &q("")).await;
        let right = raw_i64(&s.ts.store, &q("AND flagged = 1 AND purpose = 'valvonta'")).await;
        assert_eq!(all, listed + m_flagged.len() as i64, "{backend:?}");
        assert_eq!(right, all);
        let of_b = raw_i64(
            &s.ts.store,
            &q(&format!(
                "AND client_id IN (SELECT id FROM clients WHERE org_id = '{}')",
                s.fx.org_b.id
            )),
        )
        .await;
        assert_eq!(of_b, 0, "{backend:?}");
        s.ts.cleanup().await;
    }
}

/// Issue 14: an official without a manager grant (of the manager's own organisation too) is
/// refused every report, and the menu does not offer them.
#[tokio::test]
async fn an_official_without_the_grant_is_refused_the_reports() {
    for backend in backends() {
        let mut s = Setup::new(backend).await;
        s.seed().await;
        s.app.grant_manager(&s.admin_a, s.chief.id).await.unwrap();
        let o = s.actor(&s.fx.official_a).await;
        assert!(!kirjuri_app::reports::may_read(&o), "{backend:?}");
        // An actor not made by the application layer holds no grant either.
        assert!(!kirjuri_app::reports::may_read(&Actor::new(
            s.chief.clone()
        )));
        let f = s.period(None);
        forbidden(s.app.report_organisations(&o).await, "organisations");
        forbidden(s.app.report_filter(&o, &input(None)).await, "filter");
        forbidden(s.app.timeliness_report(&o, &f).await, "timeliness");
        forbidden(s.app.language_report(&o, &f).await, "language");
        forbidden(s.app.access_report(&o, &f).await, "access");
        forbidden(
            s.app
                .report_drill_down(&o, &f, DrillDown::ContactMissing)
                .await,
            "drill-down",
        );
        s.ts.cleanup().await;
    }
}

/// Issue 14: only an administrator of the account's own organisation grants and revokes; the
/// grant goes to officials and KEHA officials only; a second grant changes nothing; each grant
/// and revocation is recorded with who made it as a ledger leaf, and the ledger verifies.
#[tokio::test]
async fn only_an_administrator_of_the_same_organisation_grants_and_revokes() {
    for backend in backends() {
        let s = Setup::new(backend).await;
        let chief = s.chief.id;
        for (who, name) in [
            (s.actor(&s.fx.official_a).await, "an official"),
            (s.supervisor.clone(), "the supervisor"),
        ] {
            forbidden(s.app.grant_manager(&who, chief).await, name);
            forbidden(s.app.revoke_manager(&who, chief).await, name);
        }
        // Another organisation's administrator: the account does not exist for them.
        assert!(matches!(
            s.app.grant_manager(&s.admin_b, chief).await,
            Err(AppError::NotFound(_))
        ));
        assert!(matches!(
            s.app.revoke_manager(&s.admin_b, chief).await,
            Err(AppError::NotFound(_))
        ));
        // No such account.
        assert!(matches!(
            s.app
                .grant_manager(&s.admin_a, UserId::from_uuid(uuid::Uuid::from_u128(7)))
                .await,
            Err(AppError::NotFound(_))
        ));
        // An administrator cannot be a manager.
        assert!(matches!(
            s.app.grant_manager(&s.admin_a, s.admin_a.user.id).await,
            Err(AppError::Invalid { .. })
        ));
        assert_eq!(s.events("granted").await, 0, "{backend:?}");

        let (grant, made) = s.app.grant_manager(&s.admin_a, chief).await.unwrap();
        assert!(made);
        assert_eq!(
            (grant.user_id, grant.org_id, grant.by_user),
            (chief, s.fx.org_a.id, s.admin_a.user.id)
        );
        let (again, made) = s.app.grant_manager(&s.admin_a, chief).await.unwrap();
        assert!(!made, "a held grant is not given twice");
        assert_eq!(again, grant);
        assert_eq!(s.events("granted").await, 1, "{backend:?}");
        // B's administrator cannot take it away either.
        assert!(s.app.revoke_manager(&s.admin_b, chief).await.is_err());
        assert!(s.actor(&s.chief).await.standing().manager);

        assert!(s.app.revoke_manager(&s.admin_a, chief).await.unwrap());
        assert_eq!(s.events("revoked").await, 1, "{backend:?}");
        assert!(!s.app.revoke_manager(&s.admin_a, chief).await.unwrap());
        assert_eq!(
            s.events("revoked").await,
            1,
            "nothing held: nothing recorded"
        );
        let leaves = raw_i64(
            &s.ts.store,
            "SELECT COUNT(*) FROM ledger_links WHERE record_table = 'manager_grant_events'",
        )
        .await;
        assert_eq!(leaves, 2, "{backend:?}");
        s.ts.store.ledger_checkpoint().await.unwrap();
        let report =
            s.ts.store
                .verify_ledger(&[test_ledger_keys().verifier()])
                .await
                .unwrap();
        assert!(report.fault.is_none(), "{backend:?}: {report:?}");
        s.ts.cleanup().await;
    }
}

/// Issue 14: a revoked grant holds from the next request on: the account's actor no longer
/// reads any report; granted again, it does.
#[tokio::test]
async fn a_revoked_grant_takes_effect_on_the_next_request() {
    for backend in backends() {
        let mut s = Setup::new(backend).await;
        s.seed().await;
        s.app.grant_manager(&s.admin_a, s.chief.id).await.unwrap();
        let before = s.actor(&s.chief).await;
        let f = s
            .app
            .report_filter(&before, &input(None))
            .await
            .unwrap()
            .unwrap();
        s.app.timeliness_report(&before, &f).await.unwrap();

        s.app.revoke_manager(&s.admin_a, s.chief.id).await.unwrap();
        let after = s.actor(&s.chief).await;
        assert!(!after.standing().manager, "{backend:?}");
        forbidden(s.app.timeliness_report(&after, &f).await, "timeliness");
        forbidden(
            s.app
                .access_drill(&after, &f, None, AccessDrill::Refusals)
                .await,
            "access drill-down",
        );
        forbidden(s.app.report_organisations(&after).await, "organisations");

        s.app.grant_manager(&s.admin_a, s.chief.id).await.unwrap();
        let again = s.actor(&s.chief).await;
        s.app.timeliness_report(&again, &f).await.unwrap();
        s.ts.cleanup().await;
    }
}
