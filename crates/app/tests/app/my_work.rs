//! Issue 12 item 2: "my work today" (`App::my_work_today`) on every backend with the test
//! clock — the official's clients' appointments today and this week, initial interviews due
//! and overdue (5 working days, 10 for job searches from 2026-01-01, JTYPL 31 §), employment
//! plan follow-ups (A7), the work-queue counts and the official's late entries (A6). Only the
//! clients the official is the responsible expert of appear, never another organisation's,
//! and every client shown is one logged read.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use kirjuri_app::clients::ClientRegistration;
use kirjuri_app::my_work::MyWork;
use kirjuri_app::statements::FormAnswers;
use kirjuri_app::{Actor, App};
use kirjuri_domain::time::HELSINKI;
use kirjuri_domain::*;
use kirjuri_store::testing::{acting, backends, fixture, fresh_store, raw_i64, TestStore};
use kirjuri_store::NewUser;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// The instant of a Helsinki wall-clock time.
fn at(y: i32, m: u32, day: u32, h: u32) -> DateTime<Utc> {
    HELSINKI
        .with_ymd_and_hms(y, m, day, h, 0, 0)
        .unwrap()
        .with_timezone(&Utc)
}

/// A valid identity code in the test range (individual numbers 900–999).
fn hetu(n: u32) -> Hetu {
    let (dd, mm, yy, ind) = (1 + n % 28, 1 + n % 12, 80 + n % 19, 900 + n % 100);
    let num = dd * 10_000_000 + mm * 100_000 + yy * 1_000 + ind;
    let check = b"0123456789ABCDEFHJKLMNPRSTUVWXY"[(num % 31) as usize] as char;
    Hetu::parse(&format!("{dd:02}{mm:02}{yy:02}-{ind:03}{check}")).unwrap()
}

struct Setup {
    ts: TestStore,
    clock: Arc<FixedClock>,
    app: App,
    me: Actor,
    colleague: Actor,
    other_org: Actor,
    org_a: OrgId,
    org_b: OrgId,
    next_hetu: std::sync::atomic::AtomicU32,
}

impl Setup {
    async fn new(backend: kirjuri_store::Backend) -> Self {
        // Wednesday 14 January 2026, 10.00 in Helsinki.
        let clock = Arc::new(FixedClock::new(at(2026, 1, 14, 10)));
        let ts = fresh_store(backend, clock.clone()).await;
        let fx = fixture(&ts.store).await;
        let colleague = ts
            .store
            .create_user(NewUser {
                username: Username::parse("virkailija.c").unwrap(),
                display_name: PersonName::parse("Cecilia Kollega").unwrap(),
                role: Role::Official,
                org_id: Some(fx.org_a.id),
                client_id: None,
                password_hash: None,
            })
            .await
            .unwrap();
        let app = App::new(ts.store.clone(), Default::default()).unwrap();
        Setup {
            app,
            clock,
            me: Actor::new(fx.official_a.clone()),
            colleague: Actor::new(colleague),
            other_org: Actor::new(fx.official_b.clone()),
            org_a: fx.org_a.id,
            org_b: fx.org_b.id,
            ts,
            next_hetu: 1.into(),
        }
    }

    /// A client of `by`'s organisation with `expert` as the responsible expert.
    async fn client(&self, by: &Actor, expert: &Actor, last: &str) -> Client {
        let n = self
            .next_hetu
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let c = self
            .app
            .register_client(
                by,
                ClientRegistration {
                    hetu: hetu(n),
                    first_name: PersonName::parse("Testi").unwrap(),
                    last_name: PersonName::parse(last).unwrap(),
                    language: Language::Fi,
                },
            )
            .await
            .unwrap();
        self.app
            .assign_responsible_expert(by, c.id, expert.user.id, d(2025, 11, 3))
            .await
            .unwrap();
        c
    }

    async fn appointment(&self, by: &Actor, client: &Client, date: NaiveDate, hour: u32) {
        let new = NewAppointment::new(
            client.id,
            Some(by.user.id),
            date,
            NaiveTime::from_hms_opt(hour, 0, 0).unwrap(),
            45,
            AppointmentMode::Phone { phone_number: None },
        )
        .unwrap();
        self.app.book_appointment(by, new).await.unwrap();
    }

    async fn job_search(&self, by: &Actor, client: &Client, start: NaiveDate) {
        self.ts
            .store
            .start_job_search(client.id, start, &acting(&by.user))
            .await
            .unwrap();
    }

    async fn entry(
        &self,
        by: &Actor,
        client: &Client,
        kind: EntryKind,
        event_at: DateTime<Utc>,
        follow_up_dates: Vec<NaiveDate>,
    ) -> Entry {
        let new = NewEntry::new(
            client.id,
            kind,
            EntryText::parse("Asiakkaan kanssa käytiin läpi tilanne ja sovittiin jatkosta.")
                .unwrap(),
            event_at,
            EntryDetails {
                follow_up_dates,
                service: None,
            },
            None,
        )
        .unwrap();
        self.app.write_entry(by, new).await.unwrap().entry
    }

    async fn work(&self, who: &Actor) -> MyWork {
        self.app.my_work_today(who).await.unwrap()
    }

    /// The clients `who`'s page logged as read, by last name.
    async fn logged_reads(&self, who: &Actor) -> i64 {
        raw_i64(
            &self.ts.store,
            &format!(
                "SELECT COUNT(*) FROM access_log WHERE user_id = '{}' AND resource = 'my_work'
                   AND action = 'read'",
                who.user.id
            ),
        )
        .await
    }
}

fn names<'a>(clients: impl Iterator<Item = &'a Client>) -> Vec<String> {
    clients.map(|c| c.last_name.to_string()).collect()
}

/// Issue 12 item 2: the appointments of the official's own clients, today and later this week
/// (to Sunday), by start time; not yesterday's, not next week's, not a colleague's client's,
/// not a client reassigned to a colleague, never another organisation's. Each client shown is
/// one logged read.
#[tokio::test]
async fn my_clients_appointments_today_and_this_week_and_nobody_elses() {
    for backend in backends() {
        let s = Setup::new(backend).await;
        let mine = s.client(&s.me, &s.me, "Aalto").await;
        let mine2 = s.client(&s.me, &s.me, "Berg").await;
        let colleagues = s.client(&s.me, &s.colleague, "Ciro").await;
        let moved = s.client(&s.me, &s.me, "Dahl").await;
        s.app
            .assign_responsible_expert(&s.me, moved.id, s.colleague.user.id, d(2026, 1, 12))
            .await
            .unwrap();
        let elsewhere = s.client(&s.other_org, &s.other_org, "Eskola").await;

        s.appointment(&s.me, &mine, d(2026, 1, 13), 9).await; // yesterday
        s.appointment(&s.me, &mine, d(2026, 1, 14), 14).await; // today
        s.appointment(&s.me, &mine2, d(2026, 1, 14), 8).await; // today, earlier
        s.appointment(&s.me, &mine2, d(2026, 1, 18), 12).await; // Sunday
        s.appointment(&s.me, &mine, d(2026, 1, 19), 9).await; // next Monday
        s.appointment(&s.me, &colleagues, d(2026, 1, 14), 10).await;
        s.appointment(&s.me, &moved, d(2026, 1, 14), 11).await;
        s.appointment(&s.other_org, &elsewhere, d(2026, 1, 14), 10)
            .await;

        let w = s.work(&s.me).await;
        assert_eq!(w.today, d(2026, 1, 14));
        assert_eq!(w.week_end, d(2026, 1, 18));
        let c = w.clients.expect("an official has clients");
        let today: Vec<_> = c
            .appointments_today
            .iter()
            .map(|a| {
                (
                    a.client.last_name.to_string(),
                    a.appointment.time.to_string(),
                )
            })
            .collect();
        assert_eq!(
            today,
            vec![
                ("Berg".to_string(), "08:00:00".to_string()),
                ("Aalto".to_string(), "14:00:00".to_string())
            ]
        );
        let week: Vec<_> = c
            .appointments_this_week
            .iter()
            .map(|a| (a.client.last_name.to_string(), a.appointment.date))
            .collect();
        assert_eq!(week, vec![("Berg".to_string(), d(2026, 1, 18))]);
        // Aalto and Berg were shown (and nobody else): one read each.
        assert_eq!(s.logged_reads(&s.me).await, 2);

        // The colleague sees their own two; the other organisation's official only theirs.
        let theirs = s.work(&s.colleague).await.clients.unwrap();
        let mut shown = names(theirs.appointments_today.iter().map(|a| &a.client));
        shown.sort();
        assert_eq!(shown, vec!["Ciro", "Dahl"]);
        let other = s.work(&s.other_org).await.clients.unwrap();
        assert_eq!(
            names(other.appointments_today.iter().map(|a| &a.client)),
            vec!["Eskola"]
        );
        s.ts.cleanup().await;
    }
}

/// JTYPL 31 §, issue 12 item 2: an open job search of my client without an initial interview
/// since its start is due until its deadline (5 working days, 10 for a start from 2026-01-01,
/// Finnish holidays skipped) and overdue from the day after; one with an interview held, an
/// ended one and a colleague's or another organisation's client are not listed.
#[tokio::test]
async fn initial_interviews_are_due_then_overdue_by_the_five_and_ten_working_day_rules() {
    for backend in backends() {
        let s = Setup::new(backend).await;
        // Started Mon 22.12.2025: 5 working days, deadline Fri 2.1.2026 (passed).
        let old_rule = s.client(&s.me, &s.me, "Vanha").await;
        s.job_search(&s.me, &old_rule, d(2025, 12, 22)).await;
        // Started Fri 2.1.2026: 10 working days skipping Epiphany, deadline Mon 19.1.2026
        // (under the 5-day rule it would have been Mon 12.1, already passed).
        let new_rule = s.client(&s.me, &s.me, "Uusi").await;
        s.job_search(&s.me, &new_rule, d(2026, 1, 2)).await;
        // Started the same day, interview held on 5.1.
        let held = s.client(&s.me, &s.me, "Pidetty").await;
        s.job_search(&s.me, &held, d(2026, 1, 2)).await;
        s.entry(
            &s.me,
            &held,
            EntryKind::InitialInterview,
            at(2026, 1, 5, 10),
            vec![],
        )
        .await;
        // An interview before this job search started does not count for it.
        let earlier = s.client(&s.me, &s.me, "Aiempi").await;
        s.entry(
            &s.me,
            &earlier,
            EntryKind::InitialInterview,
            at(2025, 12, 1, 10),
            vec![],
        )
        .await;
        s.job_search(&s.me, &earlier, d(2026, 1, 7)).await;
        let colleagues = s.client(&s.me, &s.colleague, "Kollegan").await;
        s.job_search(&s.me, &colleagues, d(2025, 12, 22)).await;
        let elsewhere = s.client(&s.other_org, &s.other_org, "Muualla").await;
        s.job_search(&s.other_org, &elsewhere, d(2025, 12, 22))
            .await;

        let c = s.work(&s.me).await.clients.unwrap();
        let overdue: Vec<_> = c
            .interviews_overdue
            .iter()
            .map(|p| (p.client.last_name.to_string(), p.deadline))
            .collect();
        assert_eq!(overdue, vec![("Vanha".to_string(), Some(d(2026, 1, 2)))]);
        let due: Vec<_> = c
            .interviews_due
            .iter()
            .map(|p| (p.client.last_name.to_string(), p.deadline))
            .collect();
        assert_eq!(
            due,
            vec![
                ("Uusi".to_string(), Some(d(2026, 1, 19))),
                ("Aiempi".to_string(), Some(d(2026, 1, 21)))
            ]
        );

        // On the deadline day it is still due; the day after, overdue.
        s.clock.set(at(2026, 1, 19, 9));
        let c = s.work(&s.me).await.clients.unwrap();
        assert!(c.interviews_due.iter().any(|p| p.client.id == new_rule.id));
        s.clock.set(at(2026, 1, 20, 9));
        let c = s.work(&s.me).await.clients.unwrap();
        assert!(c
            .interviews_overdue
            .iter()
            .any(|p| p.client.id == new_rule.id));
        assert!(!c.interviews_due.iter().any(|p| p.client.id == new_rule.id));
        s.ts.cleanup().await;
    }
}

/// A7, issue 12 item 2: the follow-up dates of the plan in force are due today, due this week
/// or overdue; a date is held by a contact or a new plan on or after it, and a plan replaced
/// by a newer one no longer counts. Dates after this week are not listed yet.
#[tokio::test]
async fn plan_follow_ups_are_due_or_overdue_until_a_follow_up_entry_holds_them() {
    for backend in backends() {
        let s = Setup::new(backend).await;
        let client = s.client(&s.me, &s.me, "Suunnitelma").await;
        s.entry(
            &s.me,
            &client,
            EntryKind::EmploymentPlan,
            at(2026, 1, 5, 9),
            vec![
                d(2026, 1, 9),
                d(2026, 1, 14),
                d(2026, 1, 16),
                d(2026, 1, 26),
            ],
        )
        .await;
        let colleagues = s.client(&s.me, &s.colleague, "Kollegan").await;
        s.entry(
            &s.colleague,
            &colleagues,
            EntryKind::EmploymentPlan,
            at(2026, 1, 5, 9),
            vec![d(2026, 1, 9)],
        )
        .await;
        let elsewhere = s.client(&s.other_org, &s.other_org, "Muualla").await;
        s.entry(
            &s.other_org,
            &elsewhere,
            EntryKind::EmploymentPlan,
            at(2026, 1, 5, 9),
            vec![d(2026, 1, 9)],
        )
        .await;

        let dates = |w: &MyWork| {
            let c = w.clients.as_ref().unwrap();
            (
                c.follow_ups_overdue
                    .iter()
                    .map(|f| f.date)
                    .collect::<Vec<_>>(),
                c.follow_ups_today
                    .iter()
                    .map(|f| f.date)
                    .collect::<Vec<_>>(),
                c.follow_ups_this_week
                    .iter()
                    .map(|f| f.date)
                    .collect::<Vec<_>>(),
            )
        };
        let w = s.work(&s.me).await;
        assert_eq!(
            dates(&w),
            (
                vec![d(2026, 1, 9)],
                vec![d(2026, 1, 14)],
                vec![d(2026, 1, 16)]
            )
        );
        assert!(w
            .clients
            .as_ref()
            .unwrap()
            .follow_ups_overdue
            .iter()
            .all(|f| f.client.id == client.id));

        // An advice entry after the 9th does not follow the plan up; a contact on the 12th
        // does, for the 9th only.
        s.entry(
            &s.me,
            &client,
            EntryKind::Advice,
            at(2026, 1, 12, 9),
            vec![],
        )
        .await;
        assert_eq!(dates(&s.work(&s.me).await).0, vec![d(2026, 1, 9)]);
        s.entry(
            &s.me,
            &client,
            EntryKind::Contact,
            at(2026, 1, 12, 10),
            vec![],
        )
        .await;
        assert_eq!(
            dates(&s.work(&s.me).await),
            (vec![], vec![d(2026, 1, 14)], vec![d(2026, 1, 16)])
        );

        // Next Monday the 14th and the 16th have passed without a follow-up.
        s.clock.set(at(2026, 1, 19, 9));
        assert_eq!(
            dates(&s.work(&s.me).await),
            (vec![d(2026, 1, 14), d(2026, 1, 16)], vec![], vec![])
        );
        // A new plan made today replaces the old one: only its own dates count.
        s.entry(
            &s.me,
            &client,
            EntryKind::EmploymentPlan,
            at(2026, 1, 19, 8),
            vec![d(2026, 1, 23)],
        )
        .await;
        assert_eq!(
            dates(&s.work(&s.me).await),
            (vec![], vec![], vec![d(2026, 1, 23)])
        );
        s.ts.cleanup().await;
    }
}

/// A6, issue 12 item 2: the official's own entries of the last 30 days made more than five
/// working days after their event (Finnish holidays skipped) are listed; exactly five is not
/// late, a colleague's late entry and an older one are not listed.
#[tokio::test]
async fn my_entries_recorded_more_than_five_working_days_late_are_listed() {
    for backend in backends() {
        let s = Setup::new(backend).await;
        let client = s.client(&s.me, &s.me, "Viive").await;
        // Recorded long ago, late then: outside the 30 days.
        s.clock.set(at(2025, 11, 28, 12));
        s.entry(
            &s.me,
            &client,
            EntryKind::Advice,
            at(2025, 11, 10, 9),
            vec![],
        )
        .await;
        s.clock.set(at(2026, 1, 14, 10));
        // Event Mon 5.1, recorded Wed 14.1: 6 working days (Epiphany skipped): late.
        let late = s
            .entry(
                &s.me,
                &client,
                EntryKind::Contact,
                at(2026, 1, 5, 9),
                vec![],
            )
            .await;
        // Event Wed 7.1: 5 working days: not late.
        s.entry(
            &s.me,
            &client,
            EntryKind::Contact,
            at(2026, 1, 7, 9),
            vec![],
        )
        .await;
        s.entry(
            &s.colleague,
            &client,
            EntryKind::Advice,
            at(2026, 1, 2, 9),
            vec![],
        )
        .await;

        let c = s.work(&s.me).await.clients.unwrap();
        let listed: Vec<_> = c
            .late_entries
            .iter()
            .map(|l| (l.entry.id, l.working_days))
            .collect();
        assert_eq!(listed, vec![(late.id, 6)]);
        // The colleague's own late entry is on their page, about a client not theirs.
        let theirs = s.work(&s.colleague).await.clients.unwrap();
        assert_eq!(theirs.late_entries.len(), 1);
        assert_eq!(theirs.late_entries[0].client.id, client.id);
        s.ts.cleanup().await;
    }
}

/// Issue 12 item 2: the counts of routed cases and requests for reconsideration waiting in
/// the official's organisation's queue (and of them, those nobody has taken); another
/// organisation's cases are not counted. Users without clients of their own get no client
/// lists.
#[tokio::test]
async fn queue_counts_are_my_organisations_and_other_roles_get_no_client_lists() {
    for backend in backends() {
        let s = Setup::new(backend).await;
        let routed = |actor: Actor, client: Client| {
            let app = s.app.clone();
            async move {
                app.start_job_search(&actor, client.id, d(2026, 1, 14), FormAnswers::default())
                    .await
                    .unwrap()
            }
        };
        let a1 = s.client(&s.me, &s.me, "Yksi").await;
        let a2 = s.client(&s.me, &s.colleague, "Kaksi").await;
        let b1 = s.client(&s.other_org, &s.other_org, "Kolme").await;
        let first = routed(s.me.clone(), a1).await;
        routed(s.me.clone(), a2).await;
        routed(s.other_org.clone(), b1).await;
        assert_eq!(first.decision.stored.decision.outcome, "routed");
        let q = s.work(&s.me).await.queue.unwrap();
        assert_eq!((q.routed_open, q.routed_untaken), (2, 2));
        assert_eq!(
            (q.reconsiderations_open, q.reconsiderations_untaken),
            (0, 0)
        );
        s.app
            .take_case(
                &s.me,
                kirjuri_app::cases::CaseRef::Routed(first.decision.stored.id),
            )
            .await
            .unwrap();
        let q = s.work(&s.me).await.queue.unwrap();
        assert_eq!((q.routed_open, q.routed_untaken), (2, 1));
        let q = s.work(&s.other_org).await.queue.unwrap();
        assert_eq!((q.routed_open, q.routed_untaken), (1, 1));
        // Counts read no client: my two pages logged only Yksi, my client whose interview is
        // due, never Kaksi, the colleague's client whose case is in the queue.
        assert_eq!(s.logged_reads(&s.me).await, 2);

        let supervisor =
            s.ts.store
                .create_user(NewUser {
                    username: Username::parse("valvoja").unwrap(),
                    display_name: PersonName::parse("Valvoja").unwrap(),
                    role: Role::Supervisor,
                    org_id: Some(s.org_b),
                    client_id: None,
                    password_hash: None,
                })
                .await
                .unwrap();
        let w = s.work(&Actor::new(supervisor)).await;
        assert!(w.clients.is_none() && w.queue.is_none());
        let _ = s.org_a;
        s.ts.cleanup().await;
    }
}
