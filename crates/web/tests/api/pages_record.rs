//! Issue 12 items 3, 4 and 6: the client record's header (contact method and the statement in
//! force with its provenance), the handover summary (A8), the contact-method (A9) and
//! responsible-expert forms, and finding a client by name, over real HTTP on every backend.

use super::*;

/// A browser-like client: keeps cookies, does not follow redirects.
struct Browser {
    client: reqwest::Client,
    base: String,
}

fn csrf_of(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").expect("a CSRF field") + 19;
    html[at..].split('"').next().unwrap().to_owned()
}

impl Browser {
    fn new(app: &App) -> Browser {
        Browser {
            client: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            base: app.base.clone(),
        }
    }

    async fn get(&self, path: &str) -> (StatusCode, reqwest::header::HeaderMap, String) {
        let r = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        let (s, h) = (r.status(), r.headers().clone());
        (s, h, r.text().await.unwrap())
    }

    async fn post(&self, path: &str, form: &[(&str, &str)]) -> (StatusCode, String, String) {
        let r = self
            .client
            .post(format!("{}{path}", self.base))
            .header("origin", &self.base)
            .form(form)
            .send()
            .await
            .unwrap();
        let status = r.status();
        let location = r
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_owned())
            .unwrap_or_default();
        (status, location, r.text().await.unwrap())
    }

    /// Logs in through the form; returns the CSRF token of the signed-in pages.
    async fn login(&self, username: &str) -> String {
        let (_, _, html) = self.get("/login").await;
        let token = csrf_of(&html);
        let (s, _, _) = self
            .post(
                "/login",
                &[
                    ("csrf", &token),
                    ("username", username),
                    ("password", PASSWORD),
                ],
            )
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let (_, _, html) = self.get("/today").await;
        csrf_of(&html)
    }
}

fn assert_private_page(h: &reqwest::header::HeaderMap) {
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("default-src 'self'"), "{csp}");
    assert_eq!(h["cache-control"], "no-store");
    assert!(h["content-type"].to_str().unwrap().starts_with("text/html"));
}

fn at(m: u32, d: u32, h: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, m, d, h, 0, 0).unwrap()
}

fn day(m: u32, d: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, m, d).unwrap()
}

async fn entry(
    app: &App,
    kind: EntryKind,
    text: &str,
    event: chrono::DateTime<Utc>,
    follow_ups: Vec<chrono::NaiveDate>,
) {
    let new = NewEntry::new(
        app.fx.client_a.id,
        kind,
        EntryText::parse(text).unwrap(),
        event,
        EntryDetails {
            follow_up_dates: follow_ups,
            service: None,
        },
        None,
    )
    .unwrap();
    app.store
        .append_entry(&new, &acting(&app.fx.official_a))
        .await
        .unwrap();
}

/// Issue 12 item 3: the record's header shows the contact method in force (A9) and the
/// statement in force for the job search — while routed, the queue it waits in; once an
/// official resolved it, the outcome in words and its effective date — with a link to the
/// decision's provenance page, in Finnish and in Swedish.
#[tokio::test]
async fn the_record_header_shows_the_contact_method_and_the_statement_in_force() {
    each_backend(|app| async move {
        let c = app.fx.client_a.id;
        let b = Browser::new(&app);
        let csrf = b.login("a").await;
        let (_, _, html) = b.get(&format!("/clients/{c}")).await;
        assert!(
            html.contains("Voimassa oleva lausunto</dt><dd class=\"statement-in-force\">ei ole"),
            "{html}"
        );
        let api = app.login("a").await;
        let (s, body) = api
            .post(
                &app.client_path("/contact-method"),
                json!({"method": "phone", "agreed_on": "2026-03-02"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{body}");
        let (s, _, _) = b
            .post(
                &format!("/clients/{c}/job-search"),
                &[
                    ("csrf", csrf.as_str()),
                    ("start_date", "2026-03-02"),
                    ("acknowledged_notice", "yes"),
                ],
            )
            .await;
        assert_eq!(s, StatusCode::CREATED);

        let (s, h, html) = b.get(&format!("/clients/{c}")).await;
        assert_eq!(s, StatusCode::OK);
        assert_private_page(&h);
        assert!(
            html.contains("Sovittu asiointitapa</dt><dd>puhelin · "),
            "{html}"
        );
        assert!(
            html.contains(
                "Työnhaun alkaminen: odottaa virkailijan lausuntoa, työjono: työvoimaviranomainen · <a href=\"/decisions/"
            ),
            "{html}"
        );
        let at = html.find("href=\"/decisions/").unwrap() + 17;
        let decision = html[at..].split('/').next().unwrap().to_owned();
        let id: DecisionId = decision.parse().unwrap();
        let (s, _, page) = b.get(&format!("/decisions/{decision}/provenance")).await;
        assert_eq!(s, StatusCode::OK, "{page}");

        app.core
            .resolve_case(
                &kirjuri_app::Actor::new(app.fx.official_a.clone()),
                kirjuri_app::cases::CaseRef::Routed(id),
                &kirjuri_app::cases::ResolutionInput {
                    outcome: "no_obstacle".into(),
                    effective_date: day(3, 2),
                    reasoning: Reasoning::parse("Asiakkaan vastaukset saatiin puhelimitse.")
                        .unwrap(),
                    basis: LegalBasis::parse("JTYPL 2 luku 3 §").unwrap(),
                },
            )
            .await
            .unwrap();
        let (_, _, html) = b.get(&format!("/clients/{c}")).await;
        assert!(
            html.contains(&format!(
                "Työnhaun alkaminen: Ei estettä, voimassa 2.3.2026 alkaen (virkailijan antama) · <a href=\"/decisions/{decision}/provenance\">Päätöksen alkuperä</a>"
            )),
            "{html}"
        );
        let (_, _, html) = b.get(&format!("/clients/{c}?lang=sv")).await;
        assert!(html.contains("Överenskommet kontaktsätt</dt><dd>telefon"), "{html}");
        assert!(
            html.contains(
                "Arbetssökandets början: Inget hinder, gäller från 2.3.2026 (givet av en tjänsteman)"
            ),
            "{html}"
        );
        app
    })
    .await;
}

/// Issue 12 item 6 (A8): the handover summary, linked from the record, shows what was agreed
/// (the latest plan and its follow-up dates), the open follow-ups with the overdue one
/// marked, the next appointment and the latest contacts, in Finnish and Swedish; another
/// organisation's official gets "not found".
#[tokio::test]
async fn the_handover_summary_shows_what_was_agreed_follow_ups_appointment_and_contacts() {
    each_backend(|app| async move {
        let c = app.fx.client_a.id;
        let plan = EntryKind::EmploymentPlan;
        entry(&app, plan, "Vanha suunnitelma: asiakas hakee töitä.", at(1, 12, 9), vec![day(1, 26)]).await;
        entry(&app, plan, "Uusi suunnitelma: asiakas aloittaa kurssin.", at(2, 2, 9), vec![day(2, 16), day(3, 20)]).await;
        entry(&app, EntryKind::Contact, "Asiakas soitti kurssista.", at(2, 10, 10), Vec::new()).await;
        entry(&app, EntryKind::Contact, "Asiakkaalle lähetettiin kutsu.", at(2, 12, 10), Vec::new()).await;
        let api = app.login("a").await;
        for (date, time) in [("2026-02-25", "10:00"), ("2026-03-05", "09:00")] {
            let (s, body) = api
                .post(
                    &app.client_path("/appointments"),
                    json!({"date": date, "time": time, "duration_minutes": 45,
                           "mode": {"kind": "visit", "address": "Työllisyyspalvelut, Esimerkkikatu 1"}}),
                )
                .await;
            assert_eq!(s, StatusCode::CREATED, "{body}");
        }
        let b = Browser::new(&app);
        b.login("a").await;
        let (_, _, record) = b.get(&format!("/clients/{c}")).await;
        assert!(record.contains(&format!("href=\"/clients/{c}/handover\"")), "{record}");
        let (s, h, html) = b.get(&format!("/clients/{c}/handover")).await;
        assert_eq!(s, StatusCode::OK, "{html}");
        assert_private_page(&h);
        assert!(html.contains("Yhteenveto uudelle vastuuasiantuntijalle"), "{html}");
        assert!(html.contains("Uusi suunnitelma: asiakas aloittaa kurssin."), "{html}");
        assert!(!html.contains("Vanha suunnitelma"), "only the latest plan: {html}");
        assert!(
            html.contains("<ul class=\"plan-follow-ups\"><li>16.2.2026</li><li>20.3.2026</li></ul>"),
            "{html}"
        );
        assert!(
            html.contains("<ul class=\"open-follow-ups\"><li>16.2.2026 · <strong class=\"late\">myöhässä</strong></li><li>20.3.2026</li></ul>"),
            "26.1. belonged to the replaced plan; no contact since 16.2. (A7): {html}"
        );
        assert!(
            html.contains("5.3.2026 klo 9.00 · käynti toimistolla · Työllisyyspalvelut, Esimerkkikatu 1"),
            "{html}"
        );
        assert!(!html.contains("25.2.2026 klo"), "a past appointment is not next: {html}");
        let sent = html.find("Asiakkaalle lähetettiin kutsu.").expect("the latest contact");
        let called = html.find("Asiakas soitti kurssista.").expect("an earlier contact");
        assert!(sent < called, "newest first");
        let (_, _, sv) = b.get(&format!("/clients/{c}/handover?lang=sv")).await;
        assert!(
            sv.contains("Sammanfattning för en ny ansvarig expert") && sv.contains("försenad"),
            "{sv}"
        );
        let other = Browser::new(&app);
        other.login("b").await;
        let (s, _, html) = other.get(&format!("/clients/{c}/handover")).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        assert!(!html.contains("kurssin"), "{html}");
        app
    })
    .await;
}

async fn contact_methods(app: &App) -> i64 {
    raw_i64(&app.store, "SELECT COUNT(*) FROM contact_methods").await
}

/// Issue 12 item 6 (A9): the contact-method form records the agreement through the API's use
/// case and returns to the record; a missing or unknown method, an impossible or implausible
/// date and a note with a line break are each shown in the error summary at their field, with
/// the values kept, and nothing is written.
#[tokio::test]
async fn the_contact_method_form_saves_and_refuses_bad_input_without_writing() {
    each_backend(|app| async move {
        let c = app.fx.client_a.id;
        let b = Browser::new(&app);
        let csrf = b.login("a").await;
        let (_, _, record) = b.get(&format!("/clients/{c}")).await;
        assert!(record.contains(&format!("href=\"/clients/{c}/contact-method/new\"")));
        let (s, h, form) = b.get(&format!("/clients/{c}/contact-method/new")).await;
        assert_eq!(s, StatusCode::OK, "{form}");
        assert_private_page(&h);
        assert!(
            form.contains("value=\"2026-03-02\""),
            "today offered: {form}"
        );
        let path = format!("/clients/{c}/contact-method");
        let before = snapshot(&app).await;
        for (method, date, note, field, message) in [
            ("", "2026-03-02", "", "method", "Valitse asiointitapa."),
            (
                "carrier_pigeon",
                "2026-03-02",
                "",
                "method",
                "Valitse asiointitapa.",
            ),
            (
                "phone",
                "2026-02-30",
                "",
                "agreed_on",
                "Anna päivä, jona asiointitavasta sovittiin",
            ),
            (
                "phone",
                "2099-01-01",
                "",
                "agreed_on",
                "Anna päivä, jona asiointitavasta sovittiin",
            ),
            (
                "phone",
                "2026-03-02",
                "aamuisin\nja iltaisin",
                "note",
                "Lisätieto on liian pitkä",
            ),
        ] {
            let (s, _, html) = b
                .post(
                    &path,
                    &[
                        ("csrf", csrf.as_str()),
                        ("method", method),
                        ("agreed_on", date),
                        ("note", note),
                    ],
                )
                .await;
            assert_eq!(
                s,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{method} {date}: {html}"
            );
            assert!(
                html.contains("id=\"error-summary\"")
                    && html.contains(&format!("<a href=\"#{field}\">{message}")),
                "{method} {date} {note:?}: {html}"
            );
            assert!(
                html.contains(&format!("value=\"{date}\"")),
                "the date is kept: {html}"
            );
        }
        assert_eq!(
            snapshot(&app).await,
            before,
            "a refused form wrote something"
        );
        let (s, location, _) = b
            .post(
                &path,
                &[
                    ("csrf", csrf.as_str()),
                    ("method", "video"),
                    ("agreed_on", "2026-03-02"),
                    ("note", "Aamupäivisin"),
                ],
            )
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        assert_eq!(location, format!("/clients/{c}"));
        assert_eq!(contact_methods(&app).await, 1);
        let (_, _, html) = b.get(&format!("/clients/{c}")).await;
        assert!(
            html.contains("Sovittu asiointitapa</dt><dd>video · "),
            "{html}"
        );
        // The form offers the method in force next time.
        let (_, _, form) = b.get(&format!("/clients/{c}/contact-method/new")).await;
        assert!(form.contains("<option value=\"video\" selected>"), "{form}");
        assert!(
            form.contains("id=\"email\" name=\"email\" value=\"\""),
            "{form}"
        );

        // Issue 13 (A9): the address for notices. Not an address, or an address with letters
        // chosen, is refused at its field and nothing is written; a good one is saved and
        // offered again, so that recording the agreement anew does not drop it.
        let before = snapshot(&app).await;
        for (method, email) in [("online", "ei-osoite"), ("letter", "maija@example.fi")] {
            let (s, _, html) = b
                .post(
                    &path,
                    &[
                        ("csrf", csrf.as_str()),
                        ("method", method),
                        ("agreed_on", "2026-03-02"),
                        ("note", ""),
                        ("email", email),
                    ],
                )
                .await;
            assert_eq!(
                s,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{method} {email}: {html}"
            );
            assert!(
                html.contains("<a href=\"#email\">Tarkista sähköpostiosoite."),
                "{method} {email}: {html}"
            );
            assert!(html.contains(&format!("value=\"{email}\"")), "kept: {html}");
        }
        assert_eq!(
            snapshot(&app).await,
            before,
            "a refused address wrote something"
        );
        let (s, _, _) = b
            .post(
                &path,
                &[
                    ("csrf", csrf.as_str()),
                    ("method", "online"),
                    ("agreed_on", "2026-03-02"),
                    ("note", ""),
                    ("email", " maija@example.fi "),
                ],
            )
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        assert_eq!(contact_methods(&app).await, 2);
        assert_eq!(
            raw_i64(&app.store, "SELECT COUNT(*) FROM contact_method_emails").await,
            1
        );
        let (_, _, form) = b.get(&format!("/clients/{c}/contact-method/new")).await;
        assert!(
            form.contains("id=\"email\" name=\"email\" value=\"maija@example.fi\""),
            "{form}"
        );
        app
    })
    .await;
}

/// Issue 12 item 6 (A8): the responsible-expert form offers the officials of the client's
/// employment authority only, assigns through the API's use case and returns to the record;
/// no official chosen, an official of another organisation, an unknown account and an
/// impossible date are refused at their field and nothing is written.
#[tokio::test]
async fn the_responsible_expert_form_saves_and_refuses_bad_input_without_writing() {
    each_backend(|app| async move {
        let c = app.fx.client_a.id;
        let b = Browser::new(&app);
        let csrf = b.login("a").await;
        let (_, _, record) = b.get(&format!("/clients/{c}")).await;
        assert!(record.contains(&format!("href=\"/clients/{c}/responsible-expert/new\"")));
        let (s, h, form) = b.get(&format!("/clients/{c}/responsible-expert/new")).await;
        assert_eq!(s, StatusCode::OK, "{form}");
        assert_private_page(&h);
        let anna = app.fx.official_a.id.to_string();
        assert!(
            form.contains(&format!(
                "<option value=\"{anna}\">Anna Asiantuntija</option>"
            )) && form.contains("Anni A"),
            "{form}"
        );
        assert!(
            !form.contains("Bertil Handläggare") && !form.contains("Bo B"),
            "another organisation's officials are not offered: {form}"
        );
        let path = format!("/clients/{c}/responsible-expert");
        let before = snapshot(&app).await;
        let bertil = app.fx.official_b.id.to_string();
        let nobody = "00000000-0000-4000-8000-000000000000";
        let choose = "Valitse vastuuasiantuntijaksi asiakkaan työvoimaviranomaisen virkailija.";
        for (official, from, field, message) in [
            ("", "2026-03-02", "official_id", choose),
            ("not-an-id", "2026-03-02", "official_id", choose),
            (bertil.as_str(), "2026-03-02", "official_id", choose),
            (nobody, "2026-03-02", "official_id", choose),
            (
                anna.as_str(),
                "2026-13-01",
                "from",
                "Anna päivä, josta alkaen",
            ),
            (
                anna.as_str(),
                "1800-01-01",
                "from",
                "Anna päivä, josta alkaen",
            ),
        ] {
            let (s, _, html) = b
                .post(
                    &path,
                    &[
                        ("csrf", csrf.as_str()),
                        ("official_id", official),
                        ("from", from),
                    ],
                )
                .await;
            assert_eq!(
                s,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{official} {from}: {html}"
            );
            assert!(
                html.contains(&format!("<a href=\"#{field}\">{message}")),
                "{official} {from}: {html}"
            );
        }
        assert_eq!(
            snapshot(&app).await,
            before,
            "a refused form wrote something"
        );
        let (s, location, _) = b
            .post(
                &path,
                &[
                    ("csrf", csrf.as_str()),
                    ("official_id", anna.as_str()),
                    ("from", "2026-03-02"),
                ],
            )
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        assert_eq!(location, format!("/clients/{c}"));
        let (_, _, html) = b.get(&format!("/clients/{c}")).await;
        assert!(html.contains("Anna Asiantuntija 2.3.2026 alkaen"), "{html}");
        let (_, _, form) = b.get(&format!("/clients/{c}/responsible-expert/new")).await;
        assert!(
            form.contains(&format!("<option value=\"{anna}\" selected>")),
            "the expert in force is offered: {form}"
        );
        app
    })
    .await;
}

/// Issue 12, security: the contact-method and responsible-expert forms without their CSRF
/// token (missing or forged) are refused before anything happens and write nothing.
#[tokio::test]
async fn the_record_forms_without_their_csrf_token_are_refused() {
    each_backend(|app| async move {
        let c = app.fx.client_a.id;
        let b = Browser::new(&app);
        b.login("a").await;
        let anna = app.fx.official_a.id.to_string();
        let before = snapshot(&app).await;
        for token in ["", "forged"] {
            let (s, _, _) = b
                .post(
                    &format!("/clients/{c}/contact-method"),
                    &[
                        ("csrf", token),
                        ("method", "phone"),
                        ("agreed_on", "2026-03-02"),
                    ],
                )
                .await;
            assert_eq!(s, StatusCode::FORBIDDEN, "contact method, token {token:?}");
            let (s, _, _) = b
                .post(
                    &format!("/clients/{c}/responsible-expert"),
                    &[
                        ("csrf", token),
                        ("official_id", anna.as_str()),
                        ("from", "2026-03-02"),
                    ],
                )
                .await;
            assert_eq!(s, StatusCode::FORBIDDEN, "expert, token {token:?}");
        }
        let (s, _, _) = b
            .post(
                &format!("/clients/{c}/contact-method"),
                &[("method", "phone"), ("agreed_on", "2026-03-02")],
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "no token at all");
        assert_eq!(snapshot(&app).await, before);
        app
    })
    .await;
}

/// Issue 12 item 4: the find page asks the application layer, which matches names ignoring
/// case; a query too long is shown at its field.
#[tokio::test]
async fn the_find_page_finds_by_name_ignoring_case() {
    each_backend(|app| async move {
        let c = app.fx.client_a.id;
        let b = Browser::new(&app);
        b.login("a").await;
        let (s, _, html) = b.get("/clients?q=aSiAkAs+TESTI").await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            html.contains(&format!("<a href=\"/clients/{c}\">Testi Asiakas</a>")),
            "{html}"
        );
        let long = "a".repeat(201);
        let (s, _, html) = b.get(&format!("/clients?q={long}")).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("<a href=\"#q\">"), "{html}");
        // Another organisation's official does not find A's client by name.
        let other = Browser::new(&app);
        other.login("b").await;
        let (_, _, html) = other.get("/clients?q=asiakas").await;
        assert!(!html.contains(&c.to_string()), "{html}");
        app
    })
    .await;
}
