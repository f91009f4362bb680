//! A7 (reviewer's C1): "my work today" and the handover summary apply the one follow-up rule
//! (`kirjuri_domain::plan_follow_ups`), so for the same client they give the same open
//! follow-up dates: only the plan in force counts, a contact on or after a date holds it on
//! both, and an entry that a correction replaced counts only through its correction.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use kirjuri_app::clients::ClientRegistration;
use kirjuri_app::{Actor, App};
use kirjuri_domain::time::HELSINKI;
use kirjuri_domain::*;
use kirjuri_store::testing::{backends, fixture, fresh_store};

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

/// A valid identity code in the test range (individual numbers 900–999).
fn hetu(n: u32) -> Hetu {
    let (dd, mm, yy, ind) = (1 + n % 28, 1 + n % 12, 80 + n % 19, 900 + n % 100);
    let num = dd * 10_000_000 + mm * 100_000 + yy * 1_000 + ind;
    let check = b"0123456789ABCDEFHJKLMNPRSTUVWXY"[(num % 31) as usize] as char;
    Hetu::parse(&format!("{dd:02}{mm:02}{yy:02}-{ind:03}{check}")).unwrap()
}

async fn entry(
    app: &App,
    by: &Actor,
    client: ClientId,
    kind: EntryKind,
    event_at: DateTime<Utc>,
    follow_up_dates: Vec<NaiveDate>,
    corrects: Option<EntryId>,
) -> Entry {
    let new = NewEntry::new(
        client,
        kind,
        EntryText::parse("Asiakkaan kanssa käytiin läpi tilanne ja sovittiin jatkosta.").unwrap(),
        event_at,
        EntryDetails {
            follow_up_dates,
            service: None,
        },
        corrects.map(|entry_id| Correction {
            entry_id,
            reason: ShortText::parse("Päivämäärä korjattu.").unwrap(),
        }),
    )
    .unwrap();
    app.write_entry(by, new).await.unwrap().entry
}

/// A7: for one client, the follow-ups "my work today" lists (overdue, today, this week) are
/// exactly the handover summary's open ones, with the same plan: a replaced plan's date is
/// open on neither, a contact after a date holds it on both, and a contact whose event date
/// a correction moved before the follow-up date holds it on neither.
#[tokio::test]
async fn my_work_and_the_handover_summary_agree_on_open_follow_ups() {
    for backend in backends() {
        // Wednesday 14 January 2026, 10.00 in Helsinki; the week ends on Sunday the 18th.
        let clock = Arc::new(FixedClock::new(at(1, 14, 10)));
        let ts = fresh_store(backend, clock.clone()).await;
        let fx = fixture(&ts.store).await;
        let app = App::new(ts.store.clone(), Default::default()).unwrap();
        let me = Actor::new(fx.official_a.clone());
        let client = app
            .register_client(
                &me,
                ClientRegistration {
                    hetu: hetu(7),
                    first_name: PersonName::parse("Testi").unwrap(),
                    last_name: PersonName::parse("Seuranta").unwrap(),
                    language: Language::Fi,
                },
            )
            .await
            .unwrap();
        app.assign_responsible_expert(&me, client.id, me.user.id, d(1, 2))
            .await
            .unwrap();
        let c = client.id;
        let plan = EntryKind::EmploymentPlan;
        // The old plan: its 9th is after the new plan, so the old rule of the handover
        // summary kept it open.
        entry(
            &app,
            &me,
            c,
            plan,
            at(1, 2, 9),
            vec![d(1, 7), d(1, 9)],
            None,
        )
        .await;
        let new_plan = entry(
            &app,
            &me,
            c,
            plan,
            at(1, 8, 9),
            vec![d(1, 12), d(1, 13), d(1, 16)],
            None,
        )
        .await;
        // A contact on the 12th holds the 12th (the old handover rule counted only plans).
        entry(
            &app,
            &me,
            c,
            EntryKind::Contact,
            at(1, 12, 10),
            vec![],
            None,
        )
        .await;
        // A contact recorded as of the 13th, corrected to the 11th: the 13th stays open (the
        // old rule of "my work today" counted the corrected entry).
        let wrong = entry(
            &app,
            &me,
            c,
            EntryKind::Contact,
            at(1, 13, 10),
            vec![],
            None,
        )
        .await;
        entry(
            &app,
            &me,
            c,
            EntryKind::Contact,
            at(1, 11, 10),
            vec![],
            Some(wrong.id),
        )
        .await;

        let work = app.my_work_today(&me).await.unwrap();
        let w = work.clients.expect("an official's lists");
        let mut listed: Vec<(NaiveDate, bool, EntryId)> = w
            .follow_ups_overdue
            .iter()
            .chain(&w.follow_ups_today)
            .chain(&w.follow_ups_this_week)
            .filter(|f| f.client.id == c)
            .map(|f| (f.date, f.date < work.today, f.plan))
            .collect();
        listed.sort();
        let h = app.handover_summary(&me, c).await.unwrap();
        let open: Vec<(NaiveDate, bool, EntryId)> = h
            .open_follow_ups
            .iter()
            .map(|f| (f.date, f.overdue, f.plan))
            .collect();
        let want = vec![
            (d(1, 13), true, new_plan.id),
            (d(1, 16), false, new_plan.id),
        ];
        assert_eq!(listed, want, "my work today ({backend:?})");
        assert_eq!(open, want, "the handover summary ({backend:?})");
        assert_eq!(h.plan.map(|p| p.id), Some(new_plan.id));

        // A contact today holds the 13th on both; the 16th stays open on both.
        entry(&app, &me, c, EntryKind::Contact, at(1, 14, 9), vec![], None).await;
        let w = app.my_work_today(&me).await.unwrap().clients.unwrap();
        assert!(
            w.follow_ups_overdue.is_empty(),
            "{:?}",
            w.follow_ups_overdue
        );
        assert_eq!(
            w.follow_ups_this_week
                .iter()
                .map(|f| f.date)
                .collect::<Vec<_>>(),
            vec![d(1, 16)]
        );
        let h = app.handover_summary(&me, c).await.unwrap();
        assert_eq!(
            h.open_follow_ups
                .iter()
                .map(|f| (f.date, f.overdue))
                .collect::<Vec<_>>(),
            vec![(d(1, 16), false)]
        );
        ts.cleanup().await;
    }
}
