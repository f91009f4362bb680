//! Issue 14, reports 4–6 of the supervisor's compliance console (A11, A13–A17, A2–A3, B11), on
//! every backend: a small generated dataset whose right answers the test computes itself from
//! what it generated (never through the reports' SQL), the filters (period, organisation, as
//! of a date), the drill-downs (every client listed is a read logged as supervision, flagged)
//! and the policy (only the supervisor).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use kirjuri_app::model::{AccessDrill, FindingKind, VersionDrill};
use kirjuri_app::oversight::MIN_COLLEAGUES;
use kirjuri_app::reports::ReportFilter as Filter;
use kirjuri_app::{Actor, App, AppError};
use kirjuri_domain::time::HELSINKI;
use kirjuri_domain::*;
use kirjuri_store::testing::{acting, backends, fixture, fresh_store, raw_i64, TestStore};
use kirjuri_store::{Access, AccessAction, EntryFinding, GapReason, NewUser};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// A small deterministic generator (a linear congruential one), so the dataset is the same
/// on every run and every backend.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

/// A valid identity code in the test range.
fn hetu(n: u32) -> Hetu {
    let (dd, mm, yy, ind) = (1 + n % 28, 1 + n % 12, 70 + n % 29, 900 + n % 100);
    let num = dd * 10_000_000 + mm * 100_000 + yy * 1_000 + ind;
    let check = b"0123456789ABCDEFHJKLMNPRSTUVWXY"[(num % 31) as usize] as char;
    Hetu::parse(&format!("{dd:02}{mm:02}{yy:02}-{ind:03}{check}")).unwrap()
}

/// The Helsinki month of an instant, as the reports label it.
fn month_of(t: DateTime<Utc>) -> String {
    t.with_timezone(&HELSINKI).format("%Y-%m").to_string()
}

struct Setup {
    ts: TestStore,
    clock: Arc<FixedClock>,
    app: App,
    supervisor: Actor,
    org_a: OrgId,
    org_b: OrgId,
    /// Officials of A (the fixture's first), then B's one.
    officials_a: Vec<User>,
    official_b: User,
    clients_a: Vec<Client>,
    clients_b: Vec<Client>,
}

impl Setup {
    async fn new(backend: kirjuri_store::Backend) -> Self {
        let clock = Arc::new(FixedClock::new(
            Utc.with_ymd_and_hms(2026, 1, 2, 8, 0, 0).unwrap(),
        ));
        let ts = fresh_store(backend, clock.clone()).await;
        let fx = fixture(&ts.store).await;
        let store = &ts.store;
        let avi = store
            .create_organisation(
                OrgKind::Supervisor,
                PersonName::parse("Aluehallintovirasto").unwrap(),
                PersonName::parse("Regionförvaltningsverket").unwrap(),
            )
            .await
            .unwrap();
        let user = |u: String, role: Role, org: OrgId| NewUser {
            username: Username::parse(&u).unwrap(),
            display_name: PersonName::parse(&format!("Testi {u}")).unwrap(),
            role,
            org_id: Some(org),
            client_id: None,
            password_hash: None,
        };
        let supervisor = store
            .create_user(user("valvoja".into(), Role::Supervisor, avi.id))
            .await
            .unwrap();
        let mut officials_a = vec![fx.official_a.clone()];
        for i in 0..6 {
            officials_a.push(
                store
                    .create_user(user(
                        format!("virkailija.a{i}"),
                        Role::Official,
                        fx.org_a.id,
                    ))
                    .await
                    .unwrap(),
            );
        }
        let mut clients_a = vec![fx.client_a.clone()];
        let mut clients_b = Vec::new();
        for n in 0..16u32 {
            let (org, by) = if n < 11 {
                (fx.org_a.id, &fx.official_a)
            } else {
                (fx.org_b.id, &fx.official_b)
            };
            let c = store
                .create_client(
                    NewClient {
                        hetu: hetu(n),
                        first_name: PersonName::parse("Testi").unwrap(),
                        last_name: PersonName::parse(&format!("Asiakas{n:02}")).unwrap(),
                        language: Language::Fi,
                        org_id: org,
                    },
                    &acting(by),
                )
                .await
                .unwrap();
            if n < 11 {
                clients_a.push(c);
            } else {
                clients_b.push(c);
            }
        }
        let app = App::new(ts.store.clone(), Default::default()).unwrap();
        Setup {
            app,
            clock,
            supervisor: Actor::new(supervisor),
            org_a: fx.org_a.id,
            org_b: fx.org_b.id,
            officials_a,
            official_b: fx.official_b.clone(),
            clients_a,
            clients_b,
            ts,
        }
    }

    fn at(&self, t: DateTime<Utc>) {
        self.clock.set(t);
    }

    /// The supervisor's logged drill-down reads of `resource`: (rows, all `valvonta` and
    /// flagged).
    async fn drill_reads(&self, resource: &str) -> (i64, i64) {
        let who = self.supervisor.user.id;
        let all = raw_i64(
            &self.ts.store,
            &format!(
                "SELECT COUNT(*) FROM access_log WHERE user_id = '{who}' AND resource = '{resource}'"
            ),
        )
        .await;
        let right = raw_i64(
            &self.ts.store,
            &format!(
                "SELECT COUNT(*) FROM access_log WHERE user_id = '{who}' AND resource = '{resource}'
                   AND action = 'read' AND flagged = 1 AND purpose = 'valvonta'"
            ),
        )
        .await;
        (all, right)
    }
}

fn period(from: NaiveDate, to: NaiveDate) -> Filter {
    Filter {
        from,
        to,
        org: None,
        as_of: None,
    }
}

const KINDS: [&str; 6] = [
    "abbreviation",
    "offensive",
    "health",
    "hetu",
    "clarity",
    "benefit",
];
const ENTRY_KINDS: [EntryKind; 3] = [
    EntryKind::Contact,
    EntryKind::WorkCapacity,
    EntryKind::Advice,
];

/// What the test generated: one entry, its author's organisation, recording time, kind and
/// findings.
struct Generated {
    org: OrgId,
    client: ClientId,
    at: DateTime<Utc>,
    kind: EntryKind,
    findings: Vec<&'static str>,
}

/// The report's count of a finding kind for an entry, by the rule the test states itself:
/// health counts only outside a work-capacity assessment; clarity and benefit do not count.
fn counted(g: &Generated, report_kind: FindingKind) -> i64 {
    g.findings
        .iter()
        .filter(|k| match report_kind {
            FindingKind::Abbreviation => **k == "abbreviation",
            FindingKind::Offensive => **k == "offensive",
            FindingKind::HealthOutsideWorkCapacity => {
                **k == "health" && g.kind != EntryKind::WorkCapacity
            }
            FindingKind::Hetu => **k == "hetu",
        })
        .count() as i64
}

/// Issue 14 report 4 (A13–A17): findings per 1 000 entries by kind, per organisation of the
/// author and per Helsinki month (an entry at 00.30 on 1 February in Helsinki is February's),
/// health only outside work-capacity assessments; the period, organisation and as-of filters;
/// the drill-down lists the clients, each a flagged supervision read.
#[tokio::test]
async fn language_quality_counts_findings_per_thousand_entries_by_kind_org_and_month() {
    for backend in backends() {
        let s = Setup::new(backend).await;
        let mut rng = Lcg(14);
        let mut generated = Vec::new();
        // 60 entries between 2 January and 30 March 2026, and one at the month boundary.
        let mut times: Vec<DateTime<Utc>> = (0..60)
            .map(|i| Utc.with_ymd_and_hms(2026, 1, 2, 9, 0, 0).unwrap() + Duration::hours(35 * i))
            .collect();
        times.push(Utc.with_ymd_and_hms(2026, 1, 31, 22, 30, 0).unwrap());
        times.sort();
        for at in times {
            s.at(at);
            let in_b = rng.next(3) == 0;
            let (author, client) = if in_b {
                (
                    &s.official_b,
                    &s.clients_b[rng.next(s.clients_b.len() as u64) as usize],
                )
            } else {
                (
                    &s.officials_a[rng.next(s.officials_a.len() as u64) as usize],
                    &s.clients_a[rng.next(s.clients_a.len() as u64) as usize],
                )
            };
            let kind = ENTRY_KINDS[rng.next(3) as usize];
            let findings: Vec<&'static str> = (0..rng.next(4))
                .map(|_| KINDS[rng.next(KINDS.len() as u64) as usize])
                .collect();
            let new = NewEntry::new(
                client.id,
                kind,
                EntryText::parse("Asiakkaan tilanne käytiin läpi.").unwrap(),
                at - Duration::hours(1),
                EntryDetails::default(),
                None,
            )
            .unwrap();
            let stored: Vec<EntryFinding> = findings
                .iter()
                .map(|k| EntryFinding {
                    kind: (*k).to_owned(),
                    severity: "warn".into(),
                    start_char: 0,
                    end_char: 1,
                    matched: "x".into(),
                })
                .collect();
            s.ts.store
                .append_checked_entry(&new, stored, &acting(author))
                .await
                .unwrap();
            generated.push(Generated {
                org: author.org_id.unwrap(),
                client: client.id,
                at,
                kind,
                findings,
            });
        }
        s.at(Utc.with_ymd_and_hms(2026, 4, 2, 8, 0, 0).unwrap());

        let f = period(d(2026, 1, 1), d(2026, 3, 31));
        let report = s.app.language_report(&s.supervisor, &f).await.unwrap();
        // Per organisation.
        for (org, row) in &report.by_org {
            let mine: Vec<&Generated> = generated.iter().filter(|g| g.org == org.id).collect();
            assert_eq!(
                row.entries,
                mine.len() as i64,
                "{backend:?} {}",
                org.name_fi
            );
            for (i, k) in FindingKind::ALL.iter().enumerate() {
                let want: i64 = mine.iter().map(|g| counted(g, *k)).sum();
                assert_eq!(row.findings[i], want, "{backend:?} {k:?}");
                let rate = row.per_thousand(*k).unwrap();
                assert!((rate - want as f64 * 1000.0 / mine.len() as f64).abs() < 1e-9);
            }
        }
        assert_eq!(report.by_org.len(), 2);
        // Per month, every month listed.
        let months: Vec<&str> = report.by_month.iter().map(|(m, _)| m.as_str()).collect();
        assert_eq!(months, ["2026-01", "2026-02", "2026-03"]);
        for (m, row) in &report.by_month {
            let mine: Vec<&Generated> = generated.iter().filter(|g| month_of(g.at) == *m).collect();
            assert_eq!(row.entries, mine.len() as i64, "{backend:?} {m}");
            for (i, k) in FindingKind::ALL.iter().enumerate() {
                assert_eq!(
                    row.findings[i],
                    mine.iter().map(|g| counted(g, *k)).sum::<i64>(),
                    "{backend:?} {m} {k:?}"
                );
            }
        }
        assert_eq!(report.total.entries, generated.len() as i64);

        // As things stood at the end of 15 February (Helsinki), organisation A only.
        let cut = HELSINKI
            .with_ymd_and_hms(2026, 2, 16, 0, 0, 0)
            .unwrap()
            .with_timezone(&Utc);
        let f_a = Filter {
            org: Some(s.org_a),
            as_of: Some(d(2026, 2, 15)),
            ..f
        };
        let early = s.app.language_report(&s.supervisor, &f_a).await.unwrap();
        let want: Vec<&Generated> = generated
            .iter()
            .filter(|g| g.org == s.org_a && g.at < cut)
            .collect();
        assert_eq!(early.total.entries, want.len() as i64, "{backend:?}");
        assert_eq!(early.by_org.len(), 1);
        let off = FindingKind::ALL
            .iter()
            .position(|k| *k == FindingKind::Offensive)
            .unwrap();
        assert_eq!(
            early.total.findings[off],
            want.iter()
                .map(|g| counted(g, FindingKind::Offensive))
                .sum::<i64>()
        );

        // Drill-down: organisation A's clients with offensive findings in the period.
        let listed = s
            .app
            .language_drill(
                &s.supervisor,
                &Filter {
                    org: Some(s.org_a),
                    ..f
                },
                None,
                Some(FindingKind::Offensive),
            )
            .await
            .unwrap();
        let mut want: BTreeMap<ClientId, i64> = BTreeMap::new();
        for g in generated.iter().filter(|g| g.org == s.org_a) {
            let n = counted(g, FindingKind::Offensive);
            if n > 0 {
                *want.entry(g.client).or_default() += n;
            }
        }
        let got: BTreeMap<ClientId, i64> = listed.iter().map(|c| (c.client.id, c.count)).collect();
        assert_eq!(got, want, "{backend:?}");
        assert!(!got.is_empty());
        let (all, right) = s.drill_reads("oversight_language").await;
        assert_eq!((all, right), (got.len() as i64, got.len() as i64));

        // A month of the period narrows the drill-down; a month outside it is refused.
        let feb = s
            .app
            .language_drill(&s.supervisor, &f, Some("2026-02"), None)
            .await
            .unwrap();
        let want: BTreeSet<ClientId> = generated
            .iter()
            .filter(|g| month_of(g.at) == "2026-02")
            .filter(|g| FindingKind::ALL.iter().any(|k| counted(g, *k) > 0))
            .map(|g| g.client)
            .collect();
        let got: BTreeSet<ClientId> = feb.iter().map(|c| c.client.id).collect();
        assert_eq!(got, want, "{backend:?}");
        assert!(matches!(
            s.app
                .language_drill(&s.supervisor, &f, Some("2026-05"), None)
                .await,
            Err(AppError::Invalid { .. })
        ));
        s.ts.cleanup().await;
    }
}

/// Issue 14 report 6 (A2, A3): flagged reads and refusals per organisation of the user and
/// month, by stated purpose; the official who read far more distinct clients than their
/// colleagues stands out by the documented statistic (median + 3.5 × max(1.4826 × MAD, 1)),
/// and nobody else; the drill-down of that official lists exactly the clients they read.
#[tokio::test]
async fn access_report_counts_flagged_reads_refusals_and_finds_the_official_who_stands_out() {
    for backend in backends() {
        let s = Setup::new(backend).await;
        let store = &s.ts.store;
        let mut rng = Lcg(6);
        let purpose = |p: &str| ShortText::parse(p).unwrap();
        // Organisation A's officials read their own clients: officials 1..6 a few each,
        // official 0 every client of A on many days.
        let mut reads: Vec<(UserId, ClientId, DateTime<Utc>)> = Vec::new();
        let base = Utc.with_ymd_and_hms(2026, 2, 2, 8, 0, 0).unwrap();
        for (i, official) in s.officials_a.iter().enumerate() {
            let n = if i == 0 { 40 } else { 3 + rng.next(3) };
            for k in 0..n {
                let client = if i == 0 {
                    &s.clients_a[(k as usize) % s.clients_a.len()]
                } else {
                    &s.clients_a[rng.next(4) as usize]
                };
                let at = base + Duration::hours((k * 7 + i as u64) as i64);
                s.at(at);
                store
                    .log(&acting(official), client.id, AccessAction::Read, "client")
                    .await
                    .unwrap();
                reads.push((official.id, client.id, at));
            }
        }
        // B's official reads A's clients with a stated reason (flagged), and is refused
        // writing; in January and February.
        let mut flagged: Vec<(ClientId, DateTime<Utc>, &str)> = Vec::new();
        let mut refused: Vec<(ClientId, DateTime<Utc>)> = Vec::new();
        for k in 0..9u32 {
            let at = Utc
                .with_ymd_and_hms(2026, 1 + k % 2, 5 + k, 9, 0, 0)
                .unwrap();
            s.at(at);
            let client = &s.clients_a[(k % 5) as usize];
            let why = if k % 3 == 0 {
                "muutto"
            } else {
                "asiakkaan pyyntö"
            };
            store
                .log(
                    &Access::new(&s.official_b, purpose(why), true),
                    client.id,
                    AccessAction::Read,
                    "client",
                )
                .await
                .unwrap();
            flagged.push((client.id, at, why));
            if k % 4 == 0 {
                store
                    .log(
                        &Access::new(&s.official_b, purpose("ei ilmoitettu"), true),
                        client.id,
                        AccessAction::Denied,
                        "entries",
                    )
                    .await
                    .unwrap();
                refused.push((client.id, at));
            }
        }
        s.at(Utc.with_ymd_and_hms(2026, 3, 2, 8, 0, 0).unwrap());

        let f = period(d(2026, 1, 1), d(2026, 2, 28));
        let report = s.app.access_report(&s.supervisor, &f).await.unwrap();
        // By organisation: only B's users made flagged reads and were refused.
        assert_eq!(report.by_org.len(), 1, "{backend:?} {:?}", report.by_org);
        let (org, row) = &report.by_org[0];
        assert_eq!(org.as_ref().map(|o| o.id), Some(s.org_b));
        let distinct =
            |xs: &mut dyn Iterator<Item = ClientId>| xs.collect::<BTreeSet<_>>().len() as i64;
        assert_eq!(row.flagged_reads, flagged.len() as i64);
        assert_eq!(
            row.flagged_clients,
            distinct(&mut flagged.iter().map(|f| f.0))
        );
        assert_eq!(row.refusals, refused.len() as i64);
        assert_eq!(
            row.refused_clients,
            distinct(&mut refused.iter().map(|r| r.0))
        );
        for (m, row) in &report.by_month {
            let fm: Vec<_> = flagged.iter().filter(|x| month_of(x.1) == *m).collect();
            let rm: Vec<_> = refused.iter().filter(|x| month_of(x.1) == *m).collect();
            assert_eq!(row.flagged_reads, fm.len() as i64, "{backend:?} {m}");
            assert_eq!(row.flagged_clients, distinct(&mut fm.iter().map(|x| x.0)));
            assert_eq!(row.refusals, rm.len() as i64, "{backend:?} {m}");
        }
        // By purpose.
        let mut want: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
        for (_, _, why) in &flagged {
            want.entry(why).or_default().0 += 1;
        }
        want.entry("ei ilmoitettu").or_default().1 += refused.len() as i64;
        let got: BTreeMap<&str, (i64, i64)> = report
            .purposes
            .iter()
            .map(|p| (p.purpose.as_str(), (p.flagged_reads, p.refusals)))
            .collect();
        assert_eq!(got, want, "{backend:?}");

        // The statistic, computed here from what was generated.
        let mut per: BTreeMap<UserId, BTreeSet<ClientId>> = BTreeMap::new();
        for (u, c, _) in &reads {
            per.entry(*u).or_default().insert(*c);
        }
        let mut counts: Vec<i64> = per.values().map(|c| c.len() as i64).collect();
        counts.sort();
        assert!(counts.len() >= MIN_COLLEAGUES);
        let med2 = |v: &[i64]| -> f64 {
            let n = v.len();
            if n % 2 == 1 {
                v[n / 2] as f64
            } else {
                (v[n / 2 - 1] + v[n / 2]) as f64 / 2.0
            }
        };
        let median = med2(&counts);
        let mut dev: Vec<f64> = counts.iter().map(|c| (*c as f64 - median).abs()).collect();
        dev.sort_by(|a, b| a.partial_cmp(b).unwrap());
        let mad = if dev.len() % 2 == 1 {
            dev[dev.len() / 2]
        } else {
            (dev[dev.len() / 2 - 1] + dev[dev.len() / 2]) / 2.0
        };
        let threshold = median + 3.5 * f64::max(1.4826 * mad, 1.0);
        let group = report
            .groups
            .iter()
            .find(|g| g.org.as_ref().map(|o| o.id) == Some(s.org_a))
            .unwrap();
        assert_eq!(group.officials, per.len());
        assert_eq!((group.median, group.mad), (median, mad), "{backend:?}");
        assert!((group.threshold.unwrap() - threshold).abs() < 1e-9);
        let want: Vec<UserId> = per
            .iter()
            .filter(|(_, c)| c.len() as f64 > threshold)
            .map(|(u, _)| *u)
            .collect();
        let got: Vec<UserId> = report.standing_out.iter().map(|o| o.user_id).collect();
        assert_eq!(got, want, "{backend:?}");
        assert_eq!(got, [s.officials_a[0].id]);
        // B has one official: not compared.
        let b = report
            .groups
            .iter()
            .find(|g| g.org.as_ref().map(|o| o.id) == Some(s.org_b));
        assert!(b.is_none_or(|g| g.threshold.is_none()));

        // The drill-down of the official who stands out: exactly the clients they read.
        let listed = s
            .app
            .access_drill(
                &s.supervisor,
                &f,
                None,
                AccessDrill::ReadsBy(s.officials_a[0].id),
            )
            .await
            .unwrap();
        let got: BTreeSet<ClientId> = listed.iter().map(|c| c.client.id).collect();
        assert_eq!(&got, &per[&s.officials_a[0].id]);
        let (all, right) = s.drill_reads("oversight_access").await;
        assert_eq!((all, right), (got.len() as i64, got.len() as i64));
        // The refusals of B's users in January.
        let jan = s
            .app
            .access_drill(
                &s.supervisor,
                &Filter {
                    org: Some(s.org_b),
                    ..f
                },
                Some("2026-01"),
                AccessDrill::Refusals,
            )
            .await
            .unwrap();
        let want: BTreeSet<ClientId> = refused
            .iter()
            .filter(|r| month_of(r.1) == "2026-01")
            .map(|r| r.0)
            .collect();
        assert_eq!(
            jan.iter().map(|c| c.client.id).collect::<BTreeSet<_>>(),
            want
        );

        // As of 31 January: February's rows do not count.
        let early = s
            .app
            .access_report(
                &s.supervisor,
                &Filter {
                    as_of: Some(d(2026, 1, 31)),
                    ..f
                },
            )
            .await
            .unwrap();
        let total: i64 = early.by_org.iter().map(|(_, r)| r.flagged_reads).sum();
        assert_eq!(
            total,
            flagged
                .iter()
                .filter(|x| month_of(x.1) == "2026-01")
                .count() as i64
        );
        s.ts.cleanup().await;
    }
}

/// Issue 14 report 6 (A2, A3): a client whom two organisations' users read, flagged, in the
/// same month is one distinct client of that month; each organisation's row counts the client
/// once too. The month is counted over every organisation, not summed from their rows.
#[tokio::test]
async fn access_report_counts_a_client_two_organisations_read_once_per_month() {
    for backend in backends() {
        let s = Setup::new(backend).await;
        let store = &s.ts.store;
        let why = ShortText::parse("asiakkaan pyyntö").unwrap();
        let client = &s.clients_a[0];
        let readers = [&s.official_b, &s.officials_a[1]];
        for (k, reader) in readers.iter().enumerate() {
            s.at(Utc
                .with_ymd_and_hms(2026, 1, 10 + k as u32, 9, 0, 0)
                .unwrap());
            store
                .log(
                    &Access::new(reader, why.clone(), true),
                    client.id,
                    AccessAction::Read,
                    "client",
                )
                .await
                .unwrap();
        }
        s.at(Utc.with_ymd_and_hms(2026, 2, 2, 8, 0, 0).unwrap());
        let report = s
            .app
            .access_report(&s.supervisor, &period(d(2026, 1, 1), d(2026, 1, 31)))
            .await
            .unwrap();
        let orgs: BTreeMap<Option<OrgId>, (i64, i64)> = report
            .by_org
            .iter()
            .map(|(o, r)| {
                (
                    o.as_ref().map(|o| o.id),
                    (r.flagged_reads, r.flagged_clients),
                )
            })
            .collect();
        let want: BTreeMap<Option<OrgId>, (i64, i64)> =
            [(Some(s.org_a), (1, 1)), (Some(s.org_b), (1, 1))].into();
        assert_eq!(orgs, want, "{backend:?}");
        let january: Vec<_> = report
            .by_month
            .iter()
            .filter(|(m, _)| m == "2026-01")
            .map(|(_, r)| (r.flagged_reads, r.flagged_clients))
            .collect();
        assert_eq!(january, [(2, 1)], "{backend:?}: {:?}", report.by_month);
        s.ts.cleanup().await;
    }
}

fn decision(
    ctx: &kirjuri_store::StatementContext,
    version: &str,
    outcome: &str,
    reasons: &str,
) -> kirjuri_store::NewDecision {
    kirjuri_store::NewDecision {
        kind: "job_search_start".into(),
        decision_date: ctx.today,
        inputs: "{}".into(),
        rule_set_name: "statement-start".into(),
        rule_set_version: version.into(),
        rule_set_hash: if version == "1" { "ab" } else { "cd" }.repeat(32),
        adoption_number: None,
        outcome: outcome.into(),
        reasons: reasons.into(),
        target: (outcome == "routed").then(|| "employment_authority".into()),
        effective_date: (outcome != "routed").then_some(ctx.job_search.start_date),
        trace: "[]".into(),
        document: (outcome != "routed").then(|| "Lausunto.".into()),
        document_language: (outcome != "routed").then(|| "fi".into()),
        notice_acknowledged: true,
    }
}

/// What the test did with one applicant, to judge a date by itself.
#[derive(Default, Clone)]
struct Applicant {
    org: Option<OrgId>,
    applied: Option<NaiveDate>,
    /// Job search start (recorded that day), and the decision's outcome.
    start: Option<(NaiveDate, bool)>,
    /// When a routed decision was resolved.
    resolved: Option<NaiveDate>,
}

impl Applicant {
    /// The test's own A11 rule for this dataset: applied by then, and no job search; a
    /// routed decision unresolved; otherwise in force.
    fn gap(&self, on: NaiveDate) -> Option<GapReason> {
        if self.applied.is_none_or(|a| a > on) {
            return None;
        }
        match self.start {
            Some((s, _)) if s > on => Some(GapReason::NoJobSearch),
            None => Some(GapReason::NoJobSearch),
            Some((_, true)) => None,
            Some((_, false)) if self.resolved.is_some_and(|r| r <= on) => None,
            Some((_, false)) => Some(GapReason::RoutedUnresolved),
        }
    }
}

/// Issue 14 report 5 (A11, B11): applicants without a statement in force on the last day of
/// each month (as the validity query judges, as of a date), per organisation; decisions per
/// rule-set version with the automated share, routed by reason, reconsiderations and changed
/// outcomes; the drill-downs list the clients.
#[tokio::test]
async fn statements_report_counts_applicants_without_a_statement_over_time_and_per_version() {
    for backend in backends() {
        let s = Setup::new(backend).await;
        let store = &s.ts.store;
        let payer = store
            .register_payer(
                kirjuri_store::NewBenefitPayer {
                    name_fi: PersonName::parse("Kansaneläkelaitos").unwrap(),
                    name_sv: PersonName::parse("Folkpensionsanstalten").unwrap(),
                    endpoint: EndpointUrl::parse("https://kela.example.fi/lausunnot").unwrap(),
                },
                s.official_b.id,
            )
            .await
            .unwrap();
        let mut rng = Lcg(5);
        let mut people: BTreeMap<ClientId, Applicant> = BTreeMap::new();
        let mut decisions: Vec<(ClientId, &str, bool, &str, NaiveDate)> = Vec::new();
        let everyone: Vec<(Client, &User)> = s
            .clients_a
            .iter()
            .map(|c| (c.clone(), &s.officials_a[0]))
            .chain(s.clients_b.iter().map(|c| (c.clone(), &s.official_b)))
            .collect();
        for (i, (c, by)) in everyone.iter().enumerate() {
            let mut a = Applicant {
                org: Some(c.org_id),
                ..Default::default()
            };
            // Applied in January or February (some never).
            if i % 7 != 6 {
                let day = d(2026, 1 + (i % 2) as u32, 3 + i as u32);
                s.at(HELSINKI
                    .with_ymd_and_hms(2026, 1, 2, 10, 0, 0)
                    .unwrap()
                    .with_timezone(&Utc));
                store
                    .record_benefit_application(c.id, payer.id, day, &acting(by))
                    .await
                    .unwrap();
                a.applied = Some(day);
            }
            // A job search started in January–March (some never), decided then.
            if i % 5 != 4 {
                let start = d(2026, 1 + (i % 3) as u32, 10 + (i % 9) as u32);
                s.at(HELSINKI
                    .with_ymd_and_hms(2026, start.month0() + 1, start.day0() + 1, 12, 0, 0)
                    .unwrap()
                    .with_timezone(&Utc));
                let auto = rng.next(2) == 0;
                let version = if i % 2 == 0 { "1" } else { "2" };
                let reasons = if auto {
                    "[]"
                } else if rng.next(2) == 0 {
                    r#"[{"code":"MISSING_INPUTS"}]"#
                } else {
                    r#"[{"code":"FREE_TEXT"},{"code":"MISSING_INPUTS"}]"#
                };
                let outcome = if auto { "auto_positive" } else { "routed" };
                let (_, dec) = store
                    .start_job_search_deciding(
                        c.id,
                        start,
                        &acting(by),
                        Box::new(move |ctx| Ok(decision(ctx, version, outcome, reasons))),
                    )
                    .await
                    .unwrap();
                a.start = Some((start, auto));
                decisions.push((c.id, version, auto, reasons, start));
                // Half of the routed ones are resolved 20 days later.
                if !auto && i % 2 == 1 {
                    let on = start + Duration::days(20);
                    s.at(HELSINKI
                        .with_ymd_and_hms(2026, on.month0() + 1, on.day0() + 1, 12, 0, 0)
                        .unwrap()
                        .with_timezone(&Utc));
                    store
                        .resolve_case(
                            c.id,
                            dec.id,
                            kirjuri_store::Resolution {
                                outcome: "no_obstacle".into(),
                                effective_date: start,
                                reasoning: "Edellytykset täyttyvät.".into(),
                                basis: "TTL 2:1".into(),
                                document: "Lausunto.".into(),
                                document_language: "fi".into(),
                            },
                            &acting(by),
                        )
                        .await
                        .unwrap();
                    a.resolved = Some(on);
                }
            }
            people.insert(c.id, a);
        }
        s.at(Utc.with_ymd_and_hms(2026, 5, 4, 8, 0, 0).unwrap());

        let f = period(d(2026, 1, 1), d(2026, 4, 30));
        let report = s.app.statements_report(&s.supervisor, &f).await.unwrap();
        let dates: Vec<NaiveDate> = report.trend.iter().map(|p| p.date).collect();
        assert_eq!(
            dates,
            [
                d(2026, 1, 31),
                d(2026, 2, 28),
                d(2026, 3, 31),
                d(2026, 4, 30)
            ]
        );
        for p in &report.trend {
            let applicants = people
                .values()
                .filter(|a| a.applied.is_some_and(|x| x <= p.date))
                .count() as i64;
            assert_eq!(p.applicants, applicants, "{backend:?} {}", p.date);
            for (reason, n) in p.by_reason() {
                let want = people
                    .values()
                    .filter(|a| a.gap(p.date) == Some(reason))
                    .count() as i64;
                assert_eq!(n, want, "{backend:?} {} {reason:?}", p.date);
            }
        }
        assert!(report.trend.iter().any(|p| p.total_without() > 0));
        // Per organisation on the last date.
        for (org, p) in &report.by_org {
            let want = people
                .values()
                .filter(|a| a.org == Some(org.id) && a.gap(p.date).is_some())
                .count() as i64;
            assert_eq!(p.total_without(), want, "{backend:?}");
        }
        // Per version.
        for v in &report.versions {
            let mine: Vec<_> = decisions
                .iter()
                .filter(|x| x.1 == v.rule_set_version)
                .collect();
            assert_eq!(v.decisions, mine.len() as i64);
            assert_eq!(v.automated, mine.iter().filter(|x| x.2).count() as i64);
            let code = |c: &str| mine.iter().filter(|x| x.3.contains(c)).count() as i64;
            let got: BTreeMap<&str, i64> = v
                .routed_by_reason
                .iter()
                .map(|r| (r.code.as_str(), r.count))
                .collect();
            for c in ["FREE_TEXT", "MISSING_INPUTS"] {
                assert_eq!(got.get(c).copied().unwrap_or(0), code(c), "{backend:?} {c}");
            }
        }
        assert_eq!(report.versions.len(), 2);

        // As of 15 February: the decisions after it do not count, nor do applications
        // recorded later (all were recorded on 2 January), and the last date is 15 February.
        let early = s
            .app
            .statements_report(
                &s.supervisor,
                &Filter {
                    as_of: Some(d(2026, 2, 15)),
                    ..f
                },
            )
            .await
            .unwrap();
        let last = early.trend.last().unwrap();
        assert_eq!(last.date, d(2026, 2, 15));
        let total: i64 = early.versions.iter().map(|v| v.decisions).sum();
        assert_eq!(
            total,
            decisions.iter().filter(|x| x.4 <= d(2026, 2, 15)).count() as i64
        );
        for (reason, n) in last.by_reason() {
            let want = people
                .values()
                .filter(|a| a.gap(last.date) == Some(reason))
                .count() as i64;
            assert_eq!(n, want, "{backend:?} as of {reason:?}");
        }

        // Drill-down: organisation A's applicants without a statement on 31 March.
        let listed = s
            .app
            .statement_gaps_drill(
                &s.supervisor,
                &Filter {
                    org: Some(s.org_a),
                    ..f
                },
                d(2026, 3, 31),
                None,
            )
            .await
            .unwrap();
        let want: BTreeSet<ClientId> = people
            .iter()
            .filter(|(_, a)| a.org == Some(s.org_a) && a.gap(d(2026, 3, 31)).is_some())
            .map(|(id, _)| *id)
            .collect();
        let got: BTreeSet<ClientId> = listed.iter().map(|g| g.client.id).collect();
        assert_eq!(got, want, "{backend:?}");
        let (all, right) = s.drill_reads("oversight_statements").await;
        assert_eq!((all, right), (got.len() as i64, got.len() as i64));
        // Drill-down of version 1's decisions routed for FREE_TEXT.
        let listed = s
            .app
            .version_drill(
                &s.supervisor,
                &f,
                &"ab".repeat(32),
                &VersionDrill::Routed("FREE_TEXT".into()),
            )
            .await
            .unwrap();
        let want: BTreeSet<ClientId> = decisions
            .iter()
            .filter(|x| x.1 == "1" && x.3.contains("FREE_TEXT"))
            .map(|x| x.0)
            .collect();
        assert_eq!(
            listed.iter().map(|c| c.client.id).collect::<BTreeSet<_>>(),
            want
        );
        s.ts.cleanup().await;
    }
}

/// Issue 14: the reports and their drill-downs are the supervisor's alone; an official asking
/// is refused and no client is read.
#[tokio::test]
async fn only_the_supervisor_sees_the_compliance_reports() {
    for backend in backends() {
        let s = Setup::new(backend).await;
        let official = Actor::new(s.officials_a[0].clone());
        let f = period(d(2026, 1, 1), d(2026, 1, 31));
        assert!(matches!(
            s.app.language_report(&official, &f).await,
            Err(AppError::Forbidden(_))
        ));
        assert!(matches!(
            s.app.statements_report(&official, &f).await,
            Err(AppError::Forbidden(_))
        ));
        assert!(matches!(
            s.app.access_report(&official, &f).await,
            Err(AppError::Forbidden(_))
        ));
        assert!(matches!(
            s.app
                .access_drill(&official, &f, None, AccessDrill::FlaggedReads)
                .await,
            Err(AppError::Forbidden(_))
        ));
        // A filter that does not hold is named.
        let bad = period(d(2026, 3, 1), d(2026, 2, 1));
        assert!(matches!(
            s.app.access_report(&s.supervisor, &bad).await,
            Err(AppError::Invalid { field, .. }) if field == "from"
        ));
        let _ = s.org_b;
        s.ts.cleanup().await;
    }
}
