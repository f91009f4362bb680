//! Issue 14, reports 1–3 (A6, A7, A9, JTYPL 31 §): the supervisor's compliance reports on a
//! small generated dataset, on every backend. The test computes the right answers itself from
//! what it wrote (the domain's calendar and rules, in plain Rust), never through the SQL under
//! test, for the whole period, one organisation, and "as things stood" on an earlier date; and
//! a drill-down lists the clients concerned, each read logged as supervision and flagged.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use kirjuri_app::clients::ClientRegistration;
use kirjuri_app::reports::{
    DrillDown, FollowUpStatus, InterviewStatus, LagFigures, ReportFilter, ReportFilterInput,
};
use kirjuri_app::{Actor, App};
use kirjuri_domain::time::{self, helsinki_date, HELSINKI};
use kirjuri_domain::*;
use kirjuri_store::testing::{acting, backends, fixture, fresh_store, raw_i64};
use kirjuri_store::NewUser;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn at(date: NaiveDate, h: u32) -> DateTime<Utc> {
    HELSINKI
        .from_local_datetime(&date.and_hms_opt(h, 0, 0).unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

fn hetu(n: u32) -> Hetu {
    let (dd, mm, yy, ind) = (1 + n % 28, 1 + n % 12, 70 + n % 29, 900 + n % 100);
    let num = dd * 10_000_000 + mm * 100_000 + yy * 1_000 + ind;
    let check = b"0123456789ABCDEFHJKLMNPRSTUVWXY"[(num % 31) as usize] as char;
    Hetu::parse(&format!("{dd:02}{mm:02}{yy:02}-{ind:03}{check}")).unwrap()
}

/// A small deterministic generator (no dependency, the same data every run).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

/// What the test wrote, to compute the right answers from.
#[derive(Default)]
struct Written {
    entries: Vec<(OrgId, Entry)>,
    /// (org, client, start, recorded_at)
    job_searches: Vec<(OrgId, ClientId, NaiveDate, DateTime<Utc>)>,
    /// (client, agreed_on, recorded_at)
    contacts: Vec<(ClientId, NaiveDate, DateTime<Utc>)>,
}

/// Nearest-rank percentile of sorted values.
fn rank(sorted: &[i64], p: usize) -> i64 {
    let need = (sorted.len() * p).div_ceil(100).max(1);
    sorted[need - 1]
}

fn expected_lags(
    w: &Written,
    from: NaiveDate,
    to: NaiveDate,
    org: Option<OrgId>,
    as_of: DateTime<Utc>,
) -> (BTreeMap<OrgId, LagFigures>, BTreeMap<UserId, LagFigures>) {
    let mut per_org: BTreeMap<OrgId, Vec<(i64, bool)>> = BTreeMap::new();
    let mut per_official: BTreeMap<UserId, Vec<(i64, bool)>> = BTreeMap::new();
    for (o, e) in &w.entries {
        let day = helsinki_date(e.event_at);
        if day < from || day > to || e.recorded_at >= as_of || org.is_some_and(|x| x != *o) {
            continue;
        }
        let lag = i64::from(time::working_days_between(
            day,
            helsinki_date(e.recorded_at),
        ));
        per_org
            .entry(*o)
            .or_default()
            .push((lag, e.recorded_late()));
        per_official
            .entry(e.author_id)
            .or_default()
            .push((lag, e.recorded_late()));
    }
    let figures = |v: &Vec<(i64, bool)>| {
        let mut lags: Vec<i64> = v.iter().map(|x| x.0).collect();
        lags.sort();
        LagFigures {
            entries: lags.len() as i64,
            median: rank(&lags, 50),
            p90: rank(&lags, 90),
            late: v.iter().filter(|x| x.1).count() as i64,
        }
    };
    (
        per_org.iter().map(|(k, v)| (*k, figures(v))).collect(),
        per_official.iter().map(|(k, v)| (*k, figures(v))).collect(),
    )
}

/// The first initial interview on or after `start` recorded before `as_of` (Finnish date).
fn interview(
    w: &Written,
    client: ClientId,
    start: NaiveDate,
    as_of: DateTime<Utc>,
) -> Option<NaiveDate> {
    w.entries
        .iter()
        .filter(|(_, e)| {
            e.client_id == client && e.kind == EntryKind::InitialInterview && e.recorded_at < as_of
        })
        .map(|(_, e)| helsinki_date(e.event_at))
        .filter(|day| *day >= start)
        .min()
}

fn expected_interviews(
    w: &Written,
    from: NaiveDate,
    to: NaiveDate,
    as_of: DateTime<Utc>,
) -> BTreeMap<(OrgId, InterviewStatus), i64> {
    let judged = helsinki_date(as_of);
    let mut out = BTreeMap::new();
    for (org, client, start, rec) in &w.job_searches {
        if *start < from || *start > to || *rec >= as_of {
            continue;
        }
        let deadline = time::initial_interview_deadline(*start).unwrap();
        let status = match interview(w, *client, *start, as_of) {
            Some(i) if i <= deadline => InterviewStatus::OnTime,
            Some(_) => InterviewStatus::Late,
            None if deadline < judged => InterviewStatus::Overdue,
            None => InterviewStatus::Pending,
        };
        *out.entry((*org, status)).or_default() += 1;
    }
    out
}

fn expected_contacts(
    w: &Written,
    from: NaiveDate,
    to: NaiveDate,
    as_of: DateTime<Utc>,
) -> BTreeMap<OrgId, (i64, i64)> {
    let mut out: BTreeMap<OrgId, (i64, i64)> = BTreeMap::new();
    for (org, client, start, rec) in &w.job_searches {
        if *start < from || *start > to || *rec >= as_of {
            continue;
        }
        if interview(w, *client, *start, as_of).is_none() {
            continue;
        }
        let agreed = w
            .contacts
            .iter()
            .any(|(c, on, r)| c == client && on >= start && *r < as_of);
        let e = out.entry(*org).or_default();
        if agreed {
            e.0 += 1;
        } else {
            e.1 += 1;
        }
    }
    out
}

fn expected_follow_ups(
    w: &Written,
    from: NaiveDate,
    to: NaiveDate,
    as_of: DateTime<Utc>,
) -> BTreeMap<(OrgId, FollowUpStatus), i64> {
    let judged = helsinki_date(as_of);
    let mut clients: BTreeMap<ClientId, (OrgId, Vec<&Entry>)> = BTreeMap::new();
    for (o, e) in &w.entries {
        if e.recorded_at < as_of {
            clients
                .entry(e.client_id)
                .or_insert((*o, Vec::new()))
                .1
                .push(e);
        }
    }
    let mut out = BTreeMap::new();
    for (org, entries) in clients.values() {
        // The plan in force: the latest plan by event time (nothing is corrected here).
        let Some(plan) = entries
            .iter()
            .filter(|e| e.kind == EntryKind::EmploymentPlan)
            .max_by_key(|e| e.event_at)
        else {
            continue;
        };
        for date in &plan.details.follow_up_dates {
            if *date < from || *date > to || *date >= judged {
                continue;
            }
            let held = entries
                .iter()
                .filter(|e| matches!(e.kind, EntryKind::Contact | EntryKind::EmploymentPlan))
                .map(|e| helsinki_date(e.event_at))
                .filter(|day| day >= date)
                .min();
            let status = match held {
                Some(h) if h <= time::add_working_days(*date, 5).unwrap() => FollowUpStatus::OnTime,
                Some(_) => FollowUpStatus::Late,
                None => FollowUpStatus::Overdue,
            };
            *out.entry((*org, status)).or_default() += 1;
        }
    }
    out
}

const TEXT: &str = "Asiakkaan kanssa käytiin läpi tilanne ja sovittiin jatkosta.";

/// Reports 1–3 against answers computed independently, for all organisations, one, and as
/// things stood earlier; the drill-down's clients and their flagged supervision reads.
#[tokio::test]
async fn reports_match_answers_computed_from_the_generated_data() {
    for backend in backends() {
        let clock = Arc::new(FixedClock::new(at(d(2025, 10, 1), 9)));
        let ts = fresh_store(backend, clock.clone()).await;
        let fx = fixture(&ts.store).await;
        let app = App::new(ts.store.clone(), Default::default()).unwrap();
        let colleague = ts
            .store
            .create_user(NewUser {
                username: Username::parse("kollega").unwrap(),
                display_name: PersonName::parse("Cecilia Kollega").unwrap(),
                role: Role::Official,
                org_id: Some(fx.org_a.id),
                client_id: None,
                password_hash: None,
            })
            .await
            .unwrap();
        let supervisor = Actor::new(
            ts.store
                .create_user(NewUser {
                    username: Username::parse("avi").unwrap(),
                    display_name: PersonName::parse("Ville Valvoja").unwrap(),
                    role: Role::Supervisor,
                    org_id: None,
                    client_id: None,
                    password_hash: None,
                })
                .await
                .unwrap(),
        );
        let officials_a = [Actor::new(fx.official_a.clone()), Actor::new(colleague)];
        let official_b = Actor::new(fx.official_b.clone());
        let mut rng = Lcg(14);
        let mut w = Written::default();
        // Job-search starts across the change of the deadline rule (5 → 10 working days on
        // 2026-01-01) and Christmas.
        for i in 0..12u32 {
            let (org, by) = if i % 3 == 2 {
                (fx.org_b.id, official_b.clone())
            } else {
                (fx.org_a.id, officials_a[(i % 2) as usize].clone())
            };
            clock.set(at(d(2025, 10, 1), 9));
            let client = app
                .register_client(
                    &by,
                    ClientRegistration {
                        hetu: hetu(i + 1),
                        first_name: PersonName::parse("Testi").unwrap(),
                        last_name: PersonName::parse(&format!("Asiakas{i:02}")).unwrap(),
                        language: Language::Fi,
                    },
                )
                .await
                .unwrap();
            let start = d(2025, 11, 17) + Duration::days(rng.next(75) as i64);
            clock.set(at(start, 8));
            ts.store
                .start_job_search(client.id, start, &acting(&by.user))
                .await
                .unwrap();
            w.job_searches.push((org, client.id, start, clock.now()));
            let write =
                |kind: EntryKind, event: NaiveDate, lag_days: i64, follow: Vec<NaiveDate>| {
                    (kind, event, lag_days, follow)
                };
            let mut planned = Vec::new();
            // The initial interview: some in time, some late, some never.
            match rng.next(4) {
                0 => {}
                k => planned.push(write(
                    EntryKind::InitialInterview,
                    start + Duration::days(rng.next(6 * k) as i64),
                    rng.next(10) as i64,
                    vec![],
                )),
            }
            // A plan with two follow-up dates, and contacts around them.
            if rng.next(3) > 0 {
                let made = start + Duration::days(3);
                let f1 = made + Duration::days(10 + rng.next(10) as i64);
                let f2 = f1 + Duration::days(14);
                planned.push(write(
                    EntryKind::EmploymentPlan,
                    made,
                    rng.next(3) as i64,
                    vec![f1, f2],
                ));
                for _ in 0..rng.next(3) {
                    planned.push(write(
                        EntryKind::Contact,
                        f1 + Duration::days(rng.next(20) as i64),
                        rng.next(12) as i64,
                        vec![],
                    ));
                }
            }
            // Advice entries with varied recording lags (report 1).
            for _ in 0..(2 + rng.next(4)) {
                planned.push(write(
                    EntryKind::Advice,
                    start + Duration::days(rng.next(40) as i64),
                    rng.next(14) as i64,
                    vec![],
                ));
            }
            for (kind, event, lag, follow) in planned {
                // Around midnight too: the Finnish date differs from the UTC date.
                let event_at = at(event, [0, 10, 23][rng.next(3) as usize]);
                let recorded = event_at + Duration::days(lag) + Duration::hours(2);
                clock.set(recorded);
                let new = NewEntry::new(
                    client.id,
                    kind,
                    EntryText::parse(TEXT).unwrap(),
                    event_at,
                    EntryDetails {
                        follow_up_dates: follow,
                        service: None,
                    },
                    None,
                )
                .unwrap();
                let e = app.write_entry(&by, new).await.unwrap().entry;
                w.entries.push((org, e));
            }
            if rng.next(2) == 0 {
                let on = start + Duration::days(rng.next(8) as i64) - Duration::days(2);
                clock.set(at(on.max(start - Duration::days(2)), 12));
                app.agree_contact_method(&by, client.id, ContactMethodKind::Phone, on, None)
                    .await
                    .unwrap();
                w.contacts.push((client.id, on, clock.now()));
            }
        }
        let now = at(d(2026, 3, 20), 12);
        clock.set(now);

        let (from, to) = (d(2025, 11, 1), d(2026, 2, 28));
        let cases: Vec<(Option<OrgId>, Option<NaiveDate>)> = vec![
            (None, None),
            (Some(fx.org_a.id), None),
            (None, Some(d(2026, 1, 9))),
        ];
        for (org, as_of) in cases {
            let input = ReportFilterInput {
                from: Some(from.to_string()),
                to: Some(to.to_string()),
                org: org.map(|o| o.to_string()),
                as_of: as_of.map(|x| x.to_string()),
            };
            let f: ReportFilter = app
                .report_filter(&supervisor, &input)
                .await
                .unwrap()
                .unwrap();
            let cut = as_of.map_or(now, |x| at(x + Duration::days(1), 0));
            let why = format!("{backend:?} org {org:?} as of {as_of:?}");

            let r = app.timeliness_report(&supervisor, &f).await.unwrap();
            let (want_org, want_official) = expected_lags(&w, from, to, org, cut);
            let got_org: BTreeMap<OrgId, LagFigures> = r
                .organisations
                .iter()
                .map(|o| (o.org.id, o.figures))
                .collect();
            let got_official: BTreeMap<UserId, LagFigures> = r
                .officials
                .iter()
                .map(|o| (o.official, o.figures))
                .collect();
            assert_eq!(got_org, want_org, "timeliness per organisation, {why}");
            assert_eq!(
                got_official, want_official,
                "timeliness per official, {why}"
            );
            assert!(
                want_org.values().any(|f| f.late > 0),
                "the data has late entries"
            );

            let rows = app.interviews_report(&supervisor, &f).await.unwrap();
            let mut got = BTreeMap::new();
            for r in &rows {
                for (s, n) in &r.counts {
                    got.insert((r.org.id, *s), *n);
                }
            }
            let want: BTreeMap<_, _> = expected_interviews(&w, from, to, cut)
                .into_iter()
                .filter(|((o, _), _)| org.is_none_or(|x| x == *o))
                .collect();
            assert_eq!(got, want, "initial interviews, {why}");

            let rows = app.contact_methods_report(&supervisor, &f).await.unwrap();
            let got: BTreeMap<OrgId, (i64, i64)> = rows
                .iter()
                .map(|r| (r.org.id, (r.agreed, r.missing)))
                .collect();
            let want: BTreeMap<_, _> = expected_contacts(&w, from, to, cut)
                .into_iter()
                .filter(|(o, _)| org.is_none_or(|x| x == *o))
                .collect();
            assert_eq!(got, want, "contact methods, {why}");

            let rows = app.follow_ups_report(&supervisor, &f).await.unwrap();
            let mut got = BTreeMap::new();
            for r in &rows {
                for (s, n) in &r.counts {
                    got.insert((r.org.id, *s), *n);
                }
            }
            let want: BTreeMap<_, _> = expected_follow_ups(&w, from, to, cut)
                .into_iter()
                .filter(|((o, _), _)| org.is_none_or(|x| x == *o))
                .collect();
            assert_eq!(got, want, "follow-ups, {why}");
        }

        // Drill-down: the clients of organisation A with entries recorded late, each a read
        // logged as supervision and flagged.
        let input = ReportFilterInput {
            from: Some(from.to_string()),
            to: Some(to.to_string()),
            org: Some(fx.org_a.id.to_string()),
            as_of: None,
        };
        let f = app
            .report_filter(&supervisor, &input)
            .await
            .unwrap()
            .unwrap();
        let before = raw_i64(&ts.store, "SELECT COUNT(*) FROM access_log").await;
        let clients = app
            .report_drill_down(&supervisor, &f, DrillDown::LateEntries { official: None })
            .await
            .unwrap();
        let mut want: BTreeMap<ClientId, i64> = BTreeMap::new();
        for (o, e) in &w.entries {
            let day = helsinki_date(e.event_at);
            if *o == fx.org_a.id && day >= from && day <= to && e.recorded_late() {
                *want.entry(e.client_id).or_default() += 1;
            }
        }
        let got: BTreeMap<ClientId, i64> = clients.iter().map(|c| (c.client.id, c.count)).collect();
        assert_eq!(got, want, "{backend:?}");
        assert!(!got.is_empty());
        let after = raw_i64(&ts.store, "SELECT COUNT(*) FROM access_log").await;
        assert_eq!(after - before, got.len() as i64);
        let flagged = raw_i64(
            &ts.store,
            &format!(
                "SELECT COUNT(*) FROM access_log WHERE user_id = '{}' AND resource = 'report_timeliness'
                   AND action = 'read' AND flagged = 1 AND purpose = 'valvonta'",
                supervisor.user.id,
            ),
        )
        .await;
        assert_eq!(flagged, got.len() as i64);

        // Overdue interviews: the drill-down's clients are those the status table counts.
        let overdue = app
            .report_drill_down(
                &supervisor,
                &f,
                DrillDown::Interviews(InterviewStatus::Overdue),
            )
            .await
            .unwrap();
        let want: BTreeSet<ClientId> = w
            .job_searches
            .iter()
            .filter(|(o, c, start, _)| {
                *o == fx.org_a.id
                    && *start >= from
                    && *start <= to
                    && interview(&w, *c, *start, now).is_none()
                    && time::initial_interview_deadline(*start).unwrap() < helsinki_date(now)
            })
            .map(|(_, c, _, _)| *c)
            .collect();
        let got: BTreeSet<ClientId> = overdue.iter().map(|c| c.client.id).collect();
        assert_eq!(got, want, "{backend:?}");
        ts.cleanup().await;
    }
}

/// The filter is parsed strictly and every fault is named; officials (no manager role yet)
/// may not read the reports.
#[tokio::test]
async fn a_bad_filter_is_refused_field_by_field_and_officials_have_no_reports() {
    for backend in backends() {
        let clock = Arc::new(FixedClock::new(at(d(2026, 3, 2), 9)));
        let ts = fresh_store(backend, clock.clone()).await;
        let fx = fixture(&ts.store).await;
        let app = App::new(ts.store.clone(), Default::default()).unwrap();
        let supervisor = Actor::new(
            ts.store
                .create_user(NewUser {
                    username: Username::parse("avi").unwrap(),
                    display_name: PersonName::parse("Ville Valvoja").unwrap(),
                    role: Role::Supervisor,
                    org_id: None,
                    client_id: None,
                    password_hash: None,
                })
                .await
                .unwrap(),
        );
        let check = |from: &str, to: &str, org: &str, as_of: &str| ReportFilterInput {
            from: Some(from.into()),
            to: Some(to.into()),
            org: Some(org.into()),
            as_of: Some(as_of.into()),
        };
        let codes = |r: Result<ReportFilter, Vec<kirjuri_app::reports::FilterError>>| {
            r.unwrap_err()
                .into_iter()
                .map(|e| (e.field, e.code))
                .collect::<Vec<_>>()
        };
        // KEHA-keskus is no employment authority, but reports 4 and 6 have rows (and
        // drill-down links) for it: the supervisor may narrow a report to it.
        let keha = ts
            .store
            .create_organisation(
                OrgKind::Keha,
                PersonName::parse("KEHA-keskus").unwrap(),
                PersonName::parse("KEHA-centret").unwrap(),
            )
            .await
            .unwrap();
        let r = app
            .report_filter(
                &supervisor,
                &check("2026-01-01", "2026-02-28", &keha.id.to_string(), ""),
            )
            .await
            .unwrap()
            .unwrap();
        assert_eq!(r.org, Some(keha.id));
        let r = app
            .report_filter(&supervisor, &check("2026-13-01", "2026-02-30", "", "x"))
            .await
            .unwrap();
        assert_eq!(
            codes(r),
            vec![("from", "date"), ("to", "date"), ("as_of", "date")]
        );
        let r = app
            .report_filter(&supervisor, &check("2026-02-01", "2026-01-01", "", ""))
            .await
            .unwrap();
        assert_eq!(codes(r), vec![("from", "from_after_to")]);
        let r = app
            .report_filter(
                &supervisor,
                &check(
                    "2026-01-01",
                    "2026-02-01",
                    "00000000-0000-4000-8000-000000000000",
                    "",
                ),
            )
            .await
            .unwrap();
        assert_eq!(codes(r), vec![("org", "unknown_org")]);
        let r = app
            .report_filter(&supervisor, &check("9999-01-01", "", "", ""))
            .await
            .unwrap();
        assert_eq!(codes(r), vec![("from", "implausible")]);
        // Defaults: the year up to today, every organisation, now.
        let f = app
            .report_filter(&supervisor, &ReportFilterInput::default())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (f.from, f.to, f.org, f.as_of),
            (d(2025, 3, 3), d(2026, 3, 2), None, None)
        );
        let official = Actor::new(fx.official_a.clone());
        assert!(app
            .report_filter(&official, &ReportFilterInput::default())
            .await
            .is_err());
        assert!(app.timeliness_report(&official, &f).await.is_err());
        assert!(app
            .report_drill_down(&official, &f, DrillDown::ContactMissing)
            .await
            .is_err());
        ts.cleanup().await;
    }
}

/// Issue 14, reports 1 and 2 (A5, A6): a corrected initial interview counts by its
/// correction, and the correction is not a late recording of the interview. The interview
/// is recorded on its day, dated the day after the start (in time); the correction,
/// recorded weeks later, dates it three weeks after the start (late), which stands.
#[tokio::test]
async fn a_corrected_interview_counts_by_its_correction_and_the_correction_is_no_recording() {
    for backend in backends() {
        let clock = Arc::new(FixedClock::new(at(d(2026, 2, 2), 9)));
        let ts = fresh_store(backend, clock.clone()).await;
        let fx = fixture(&ts.store).await;
        let app = App::new(ts.store.clone(), Default::default()).unwrap();
        let supervisor = Actor::new(
            ts.store
                .create_user(NewUser {
                    username: Username::parse("avi").unwrap(),
                    display_name: PersonName::parse("Ville Valvoja").unwrap(),
                    role: Role::Supervisor,
                    org_id: None,
                    client_id: None,
                    password_hash: None,
                })
                .await
                .unwrap(),
        );
        let by = Actor::new(fx.official_a.clone());
        let client = app
            .register_client(
                &by,
                ClientRegistration {
                    hetu: hetu(1),
                    first_name: PersonName::parse("Testi").unwrap(),
                    last_name: PersonName::parse("Asiakas").unwrap(),
                    language: Language::Fi,
                },
            )
            .await
            .unwrap();
        let start = d(2026, 2, 2);
        ts.store
            .start_job_search(client.id, start, &acting(&by.user))
            .await
            .unwrap();
        let entry = |event: NaiveDate, corrects: Option<Correction>| {
            NewEntry::new(
                client.id,
                EntryKind::InitialInterview,
                EntryText::parse(TEXT).unwrap(),
                at(event, 10),
                EntryDetails::default(),
                corrects,
            )
            .unwrap()
        };
        let wrong = start + Duration::days(1);
        clock.set(at(wrong, 14));
        let original = app
            .write_entry(&by, entry(wrong, None))
            .await
            .unwrap()
            .entry;
        clock.set(at(d(2026, 3, 16), 9));
        app.write_entry(
            &by,
            entry(
                start + Duration::days(21),
                Some(Correction {
                    entry_id: original.id,
                    reason: ShortText::parse("Väärä päivämäärä.").unwrap(),
                }),
            ),
        )
        .await
        .unwrap();
        clock.set(at(d(2026, 3, 20), 12));
        let f = app
            .report_filter(
                &supervisor,
                &ReportFilterInput {
                    from: Some("2026-02-01".into()),
                    to: Some("2026-03-19".into()),
                    org: None,
                    as_of: None,
                },
            )
            .await
            .unwrap()
            .unwrap();
        let rows = app.interviews_report(&supervisor, &f).await.unwrap();
        let count = |s: InterviewStatus| rows.iter().map(|r| r.count(s)).sum::<i64>();
        assert_eq!(
            (count(InterviewStatus::OnTime), count(InterviewStatus::Late)),
            (0, 1),
            "{backend:?}"
        );
        let lags = app.timeliness_report(&supervisor, &f).await.unwrap();
        let entries: i64 = lags.organisations.iter().map(|o| o.figures.entries).sum();
        let late: i64 = lags.organisations.iter().map(|o| o.figures.late).sum();
        assert_eq!(
            (entries, late),
            (1, 0),
            "{backend:?}: the original only, recorded on its day"
        );
    }
}
