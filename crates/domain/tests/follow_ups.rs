//! A7: the one rule for employment-plan follow-ups ([`plan_follow_ups`]) that "my work today"
//! and the handover summary share — the plan in force only, a date held by a contact or plan
//! entry in force on or after it, corrected entries counting through their corrections.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use kirjuri_domain::time::HELSINKI;
use kirjuri_domain::*;

fn d(m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, day).unwrap()
}

/// The instant of a Helsinki wall-clock time in 2026.
fn at(m: u32, day: u32, h: u32) -> DateTime<Utc> {
    HELSINKI
        .with_ymd_and_hms(2026, m, day, h, 0, 0)
        .unwrap()
        .with_timezone(&Utc)
}

fn id(n: u128) -> EntryId {
    EntryId::random(&mut || n)
}

/// Entry number `n` of one client: `kind` about `event_at`, with `dates` as follow-up dates
/// and correcting entry number `corrects`.
fn e(
    n: u128,
    kind: EntryKind,
    event_at: DateTime<Utc>,
    dates: &[NaiveDate],
    corrects: Option<u128>,
) -> Entry {
    Entry {
        id: id(n),
        client_id: "7e0e5c3e-0000-4000-8000-000000000001".parse().unwrap(),
        kind,
        text: EntryText::parse("Kirjaus.").unwrap(),
        details: EntryDetails {
            follow_up_dates: dates.to_vec(),
            service: None,
        },
        event_at,
        recorded_at: event_at,
        author_id: "7e0e5c3e-0000-4000-8000-000000000002".parse().unwrap(),
        author_name: PersonName::parse("Virkailija").unwrap(),
        corrects: corrects.map(|c| Correction {
            entry_id: id(c),
            reason: ShortText::parse("Korjaus.").unwrap(),
        }),
    }
}

use EntryKind::{Advice, Contact, EmploymentPlan as Plan, Other};

/// A7: each row is a client's entries in recording order and the expected plan in force
/// (entry number) with its open follow-up dates.
#[test]
fn the_plan_in_force_and_its_open_follow_up_dates() {
    let p1 = || e(1, Plan, at(1, 5, 10), &[d(2, 1), d(3, 1)], None);
    #[allow(clippy::type_complexity)]
    let table: Vec<(&str, Vec<Entry>, Option<(u128, Vec<NaiveDate>)>)> = vec![
        ("no plan", vec![e(2, Contact, at(2, 2, 9), &[], None)], None),
        (
            "a plan, nothing since",
            vec![p1()],
            Some((1, vec![d(2, 1), d(3, 1)])),
        ),
        (
            "a contact on the date holds it",
            vec![p1(), e(2, Contact, at(2, 1, 9), &[], None)],
            Some((1, vec![d(3, 1)])),
        ),
        (
            "a contact before the date holds nothing",
            vec![p1(), e(2, Contact, at(1, 31, 23), &[], None)],
            Some((1, vec![d(2, 1), d(3, 1)])),
        ),
        (
            "the date is Finnish: 1 Feb 00.30 in Helsinki is 31 Jan in UTC",
            vec![
                p1(),
                e(
                    2,
                    Contact,
                    HELSINKI
                        .with_ymd_and_hms(2026, 2, 1, 0, 30, 0)
                        .unwrap()
                        .with_timezone(&Utc),
                    &[],
                    None,
                ),
            ],
            Some((1, vec![d(3, 1)])),
        ),
        (
            "other types hold nothing",
            vec![
                p1(),
                e(2, Advice, at(3, 2, 9), &[], None),
                e(3, Other, at(3, 2, 9), &[], None),
            ],
            Some((1, vec![d(2, 1), d(3, 1)])),
        ),
        (
            "a newer plan replaces the old one's dates and holds those before it",
            vec![p1(), e(2, Plan, at(2, 3, 9), &[d(4, 1)], None)],
            Some((2, vec![d(4, 1)])),
        ),
        (
            "the latest plan by event, not by recording",
            vec![e(2, Plan, at(2, 3, 9), &[d(4, 1)], None), p1()],
            Some((2, vec![d(4, 1)])),
        ),
        (
            "a corrected contact does not hold the date",
            vec![
                p1(),
                e(2, Contact, at(2, 2, 9), &[], None),
                e(3, Contact, at(1, 20, 9), &[], Some(2)),
            ],
            Some((1, vec![d(2, 1), d(3, 1)])),
        ),
        (
            "a contact corrected by an entry of another type holds nothing",
            vec![
                p1(),
                e(2, Contact, at(2, 2, 9), &[], None),
                e(3, Other, at(2, 2, 9), &[], Some(2)),
            ],
            Some((1, vec![d(2, 1), d(3, 1)])),
        ),
        (
            "a correction counts by its own event date",
            vec![
                p1(),
                e(2, Contact, at(1, 20, 9), &[], None),
                e(3, Contact, at(2, 2, 9), &[], Some(2)),
            ],
            Some((1, vec![d(3, 1)])),
        ),
        (
            "a corrected plan is replaced by its correction",
            vec![p1(), e(2, Plan, at(1, 5, 10), &[d(2, 15)], Some(1))],
            Some((2, vec![d(2, 15)])),
        ),
        (
            "a corrected newer plan gives force back to the older one",
            vec![
                p1(),
                e(2, Plan, at(1, 10, 9), &[d(4, 1)], None),
                e(3, Other, at(1, 10, 9), &[], Some(2)),
            ],
            Some((1, vec![d(2, 1), d(3, 1)])),
        ),
    ];
    for (name, entries, want) in table {
        let got = plan_follow_ups(&entries).map(|f| (f.plan.id, f.open()));
        assert_eq!(got, want.map(|(n, open)| (id(n), open)), "{name}");
    }
}

/// A7: the latest follow-up date and the held flag of every date are reported with the plan.
#[test]
fn each_follow_up_date_says_whether_it_was_held() {
    let entries = vec![
        e(1, Plan, at(1, 5, 10), &[d(2, 1), d(3, 1)], None),
        e(2, Contact, at(2, 10, 9), &[], None),
    ];
    let f = plan_follow_ups(&entries).unwrap();
    assert_eq!(f.latest_follow_up, Some(d(2, 10)));
    assert_eq!(f.dates, vec![(d(2, 1), true), (d(3, 1), false)]);
}
