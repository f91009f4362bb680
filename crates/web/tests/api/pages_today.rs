//! Issue 12 item 2: the "my work today" page over real HTTP on every backend — my clients'
//! appointments, initial interviews, plan follow-ups (A7) and my late entries (A6) with their
//! links to the record, each list's empty state, Finnish, Swedish and English, nothing of
//! another organisation's clients, and one access-log row per client shown.

use super::*;
use kirjuri_app::clients::ClientRegistration;
use kirjuri_app::Actor;

/// A browser that keeps its cookies and does not follow redirects.
struct Tab {
    client: reqwest::Client,
    base: String,
}

impl Tab {
    fn new(app: &App) -> Tab {
        Tab {
            client: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            base: app.base.clone(),
        }
    }

    async fn get(&self, path: &str) -> (StatusCode, String) {
        let r = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        (r.status(), r.text().await.unwrap())
    }

    async fn login(&self, username: &str) {
        let (_, html) = self.get("/login").await;
        let at = html.find("name=\"csrf\" value=\"").expect("a CSRF field") + 19;
        let token = html[at..].split('"').next().unwrap().to_owned();
        let r = self
            .client
            .post(format!("{}/login", self.base))
            .header("origin", &self.base)
            .form(&[
                ("csrf", token.as_str()),
                ("username", username),
                ("password", PASSWORD),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
}

async fn actor(app: &App, username: &str) -> Actor {
    let (user, _) = app.store.user_by_username(username).await.unwrap().unwrap();
    Actor::new(user)
}

fn d(y: i32, m: u32, day: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// The text of the page's section under heading `id`, up to the next section.
fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("<section aria-labelledby=\"{id}\""))
        .unwrap_or_else(|| panic!("no section {id}: {html}"));
    let rest = &html[start..];
    &rest[..rest.find("</section>").unwrap()]
}

/// Issue 12 item 2: the official's day as the page shows it, in three languages; another
/// organisation's client never appears, and a page with nothing to show says so list by list.
#[tokio::test]
async fn my_work_today_lists_my_clients_work_with_links_and_empty_states() {
    each_backend(|app| async move {
        // The clock: Monday 2 March 2026, 11.00 in Helsinki; the week ends on Sunday 8.3.
        let a = actor(&app, "a").await;
        let b = actor(&app, "b").await;
        let c = app.fx.client_a.clone();
        let core = &app.core;
        core.assign_responsible_expert(&a, c.id, a.user.id, d(2026, 2, 2))
            .await
            .unwrap();
        let appointment = NewAppointment::new(
            c.id,
            Some(a.user.id),
            d(2026, 3, 2),
            chrono::NaiveTime::from_hms_opt(13, 0, 0).unwrap(),
            45,
            AppointmentMode::Video { link: None },
        )
        .unwrap();
        core.book_appointment(&a, appointment).await.unwrap();
        // Job search from 2.2.2026: 10 working days, the interview was due on 16.2.
        app.store
            .start_job_search(c.id, d(2026, 2, 2), &acting(&a.user))
            .await
            .unwrap();
        // A plan made on 2.2. (recorded only today, so late) with follow-ups on 20.2. and 4.3.
        let plan = NewEntry::new(
            c.id,
            EntryKind::EmploymentPlan,
            EntryText::parse("Sovittiin työnhausta ja koulutukseen hakeutumisesta.").unwrap(),
            Utc.with_ymd_and_hms(2026, 2, 2, 8, 0, 0).unwrap(),
            EntryDetails {
                follow_up_dates: vec![d(2026, 2, 20), d(2026, 3, 4)],
                service: None,
            },
            None,
        )
        .unwrap();
        core.write_entry(&a, plan).await.unwrap();
        // Another organisation's client with an appointment today.
        let other = core
            .register_client(
                &b,
                ClientRegistration {
                    hetu: Hetu::parse("020202A998L").unwrap(),
                    first_name: PersonName::parse("Olli").unwrap(),
                    last_name: PersonName::parse("Muukalainen").unwrap(),
                    language: Language::Fi,
                },
            )
            .await
            .unwrap();
        core.assign_responsible_expert(&b, other.id, b.user.id, d(2026, 2, 2))
            .await
            .unwrap();
        let theirs = NewAppointment::new(
            other.id,
            Some(b.user.id),
            d(2026, 3, 2),
            chrono::NaiveTime::from_hms_opt(10, 0, 0).unwrap(),
            45,
            AppointmentMode::Phone { phone_number: None },
        )
        .unwrap();
        core.book_appointment(&b, theirs).await.unwrap();

        let tab = Tab::new(&app);
        tab.login("a").await;
        let (s, html) = tab.get("/today").await;
        assert_eq!(s, StatusCode::OK, "{html}");
        let link = format!(
            "<a href=\"/clients/{}\">{} {}</a>",
            c.id, c.first_name, c.last_name
        );
        assert!(
            !html.contains("Muukalainen"),
            "another organisation's: {html}"
        );

        let appts = section(&html, "appointments");
        assert!(
            appts.contains("Asiakkaideni tapaamiset") && appts.contains("13.00"),
            "{appts}"
        );
        assert!(appts.contains("video") && appts.contains(&link), "{appts}");
        assert!(
            appts.contains("Ei muita tapaamisia tällä viikolla."),
            "the week's empty state: {appts}"
        );

        let interviews = section(&html, "interviews");
        let overdue = &interviews[..interviews.find("id=\"interviews-due\"").unwrap()];
        assert!(
            overdue.contains(&link)
                && overdue.contains("2.2.2026")
                && overdue.contains("16.2.2026"),
            "{interviews}"
        );
        assert!(
            interviews.contains("Ei tulossa olevia alkuhaastatteluja."),
            "{interviews}"
        );

        let follow = section(&html, "follow-ups");
        let (overdue, rest) = follow.split_at(follow.find("id=\"follow-ups-today\"").unwrap());
        assert!(
            overdue.contains("20.2.2026") && overdue.contains(&link),
            "{follow}"
        );
        assert!(rest.contains("Ei seurantoja tänään."), "{follow}");
        let week = &rest[rest.find("id=\"follow-ups-week\"").unwrap()..];
        assert!(
            week.contains("4.3.2026") && week.contains("8.3.2026"),
            "{follow}"
        );

        let queue = section(&html, "queue");
        assert!(
            queue.contains("Avoimia ohjattuja asioita: 0")
                && queue.contains("Avoimia oikaisupyyntöjä: 0")
                && queue.contains("href=\"/queue\""),
            "{queue}"
        );

        let late = section(&html, "late");
        assert!(
            late.contains(&format!("/clients/{}#entry-", c.id))
                && late.contains("Työllistymissuunnitelma")
                && late.contains("20 arkipäivää"),
            "{late}"
        );

        // One access-log row for the one client shown.
        let logged = raw_i64(
            &app.store,
            &format!(
                "SELECT COUNT(*) FROM access_log WHERE resource = 'my_work' AND client_id = '{}'",
                c.id
            ),
        )
        .await;
        assert_eq!(logged, 1);

        // Swedish and English.
        let (_, sv) = tab.get("/today?lang=sv").await;
        assert!(
            sv.contains("Mina klienters möten")
                && sv.contains("Inledande intervjuer")
                && sv.contains("Uppföljning av sysselsättningsplaner")
                && sv.contains("Mina anteckningar som gjorts för sent")
                && sv.contains("20 vardagar"),
            "{sv}"
        );
        let (_, en) = tab.get("/today?lang=en").await;
        assert!(
            en.contains("Initial interviews") && en.contains("Employment plan follow-ups"),
            "{en}"
        );

        // The other organisation's official: only their own client, and empty lists said so.
        let tab_b = Tab::new(&app);
        tab_b.login("b").await;
        let (_, html) = tab_b.get("/today?lang=fi").await;
        assert!(
            html.contains("Muukalainen") && !html.contains(&c.id.to_string()),
            "{html}"
        );
        for empty in [
            "Ei myöhässä olevia alkuhaastatteluja.",
            "Ei myöhässä olevia seurantoja.",
            "Ei myöhässä tehtyjä kirjauksia.",
        ] {
            assert!(html.contains(empty), "{empty}: {html}");
        }
        app
    })
    .await;
}

/// Issue 12 item 2: a user without clients of their own (the supervisor) gets the page
/// without the client lists and without a work queue, and nothing is logged.
#[tokio::test]
async fn the_supervisor_sees_the_page_without_client_lists() {
    each_backend(|app| async move {
        let tab = Tab::new(&app);
        tab.login("avi").await;
        let (s, html) = tab.get("/today").await;
        assert_eq!(s, StatusCode::OK, "{html}");
        assert!(html.contains("Oma työpäivä"), "{html}");
        assert!(!html.contains("Asiakkaideni tapaamiset"), "{html}");
        assert!(html.contains("Sinulla ei ole työjonoa."), "{html}");
        let logged = raw_i64(
            &app.store,
            "SELECT COUNT(*) FROM access_log WHERE resource = 'my_work'",
        )
        .await;
        assert_eq!(logged, 0);
        app
    })
    .await;
}

/// Work for official `a` on "my work today" (issue 12 item 2), so that the browser test's
/// accessibility check sees every kind of list with rows: a client of theirs with an
/// appointment today, an overdue initial interview, an overdue and a coming plan follow-up,
/// and a late entry. The client is not the one the browser test searches for, and their job
/// search has no decision, so the work queue is as the test expects it.
pub(super) async fn seed_my_day(app: &App) {
    let a = actor(app, "a").await;
    let core = &app.core;
    let c = core
        .register_client(
            &a,
            ClientRegistration {
                hetu: Hetu::parse("020202A998L").unwrap(),
                first_name: PersonName::parse("Päivi").unwrap(),
                last_name: PersonName::parse("Päiväläinen").unwrap(),
                language: Language::Fi,
            },
        )
        .await
        .unwrap();
    core.assign_responsible_expert(&a, c.id, a.user.id, d(2026, 2, 2))
        .await
        .unwrap();
    let visit = NewAppointment::new(
        c.id,
        Some(a.user.id),
        app.clock.today(),
        chrono::NaiveTime::from_hms_opt(13, 0, 0).unwrap(),
        45,
        AppointmentMode::Visit {
            address: Address::parse("Esimerkkikatu 1 A, 00100 Helsinki").unwrap(),
        },
    )
    .unwrap();
    core.book_appointment(&a, visit).await.unwrap();
    app.store
        .start_job_search(c.id, d(2026, 2, 2), &acting(&a.user))
        .await
        .unwrap();
    let plan = NewEntry::new(
        c.id,
        EntryKind::EmploymentPlan,
        EntryText::parse("Sovittiin työnhausta ja koulutukseen hakeutumisesta.").unwrap(),
        Utc.with_ymd_and_hms(2026, 2, 2, 8, 0, 0).unwrap(),
        EntryDetails {
            follow_up_dates: vec![d(2026, 2, 20), d(2026, 3, 4)],
            service: None,
        },
        None,
    )
    .unwrap();
    core.write_entry(&a, plan).await.unwrap();
}
