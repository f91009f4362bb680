//! Issue 12 item 7, B4: the client's register facts recorded by an official from a page, over
//! real HTTP on every backend: the facts saved from the form are in force (and a job search
//! started from the page then uses them), a form with a question left unanswered is refused at
//! its field with nothing written, a post without its CSRF token is refused, and another
//! organisation's official finds nothing.

use super::pages::{assert_page_headers, Browser};
use super::*;

/// A clear case's register facts as the form posts them.
fn clear_facts(csrf: &str) -> Vec<(&'static str, String)> {
    [
        ("csrf", csrf),
        ("employment_continues", "no"),
        ("active_degree_studies", "no"),
        ("active_business", "no"),
        ("resides_in_finland", "yes"),
        ("right_to_work", "citizen"),
        ("vocational_qualification", "yes"),
        ("partial_disability_pension", "no"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_owned()))
    .collect()
}

async fn post_form(
    b: &Browser,
    path: &str,
    form: &[(&'static str, String)],
) -> (StatusCode, reqwest::header::HeaderMap, String) {
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    b.post(path, &pairs).await
}

/// Reads of client A's register facts by the official `a`, in the access log.
async fn facts_reads(app: &App) -> i64 {
    raw_i64(
        &app.store,
        &format!(
            "SELECT COUNT(*) FROM access_log a JOIN users u ON u.id = a.user_id
             WHERE u.username = 'a' AND a.client_id = '{}' AND a.action = 'read'
             AND a.resource = 'register_facts'",
            app.fx.client_a.id
        ),
    )
    .await
}

async fn facts_rows(app: &App) -> i64 {
    raw_i64(&app.store, "SELECT COUNT(*) FROM register_facts").await
}

/// The facts in force for client A, read back through the application layer.
async fn in_force(app: &App) -> Option<kirjuri_app::model::RecordedRegisterFacts> {
    let actor = kirjuri_app::Actor::new(app.fx.official_a.clone());
    app.core
        .register_facts(&actor, app.fx.client_a.id)
        .await
        .unwrap()
}

/// Issue 12 item 7, B4: the form (a fieldset per question, legends in Finnish and Swedish)
/// saves the facts, which are then in force and shown pre-filled with who recorded them and
/// when (the read access-logged); a newer record replaces them; a clear job search started from the page uses them.
#[tokio::test]
async fn register_facts_saved_from_the_page_are_in_force_and_used() {
    each_backend(|app| async move {
        let b = Browser::new(&app);
        let csrf = b.login("a").await;
        let c = app.fx.client_a.id;
        assert_eq!(facts_reads(&app).await, 0);
        let (s, h, form) = b.get(&format!("/clients/{c}/register-facts/new")).await;
        assert_eq!(s, StatusCode::OK, "{form}");
        assert_page_headers(&h);
        assert_eq!(facts_reads(&app).await, 1, "the form's read is logged");
        for needed in [
            "Asiakkaalle ei ole kirjattu rekisteritietoja.",
            "<legend class=\"hds-fieldset-legend\">Näkyykö tulorekisterissä palkkaa ilmoitetun työsuhteen päättymisen jälkeen?</legend>",
            "<label class=\"hds-radio-button__label\" for=\"right_to_work-permit_restricted\">Oleskelulupa, jossa rajoitettu oikeus tehdä työtä</label>",
            "Saako asiakas osatyökyvyttömyyseläkettä?",
            "action=\"/clients/",
        ] {
            assert!(form.contains(needed), "{needed} missing: {form}");
        }
        assert!(!form.contains(" checked"), "nothing in force, nothing chosen: {form}");
        let (_, _, sv) = b.get(&format!("/clients/{c}/register-facts/new?lang=sv")).await;
        assert!(
            sv.contains("Får klienten partiell invalidpension?")
                && sv.contains("Finns det i handelsregistret ett verksamt företag som klienten driver?"),
            "{sv}"
        );
        let (_, _, record) = b.get(&format!("/clients/{c}?lang=fi")).await;
        assert!(
            record.contains(&format!("href=\"/clients/{c}/register-facts/new\"")),
            "the record links to the form: {record}"
        );
        assert!(in_force(&app).await.is_none());

        let (s, h, _) =
            post_form(&b, &format!("/clients/{c}/register-facts"), &clear_facts(&csrf)).await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        assert_eq!(h["location"], format!("/clients/{c}").as_str());
        let r = in_force(&app).await.expect("facts in force");
        assert_eq!(
            r.facts,
            kirjuri_app::model::RegisterFacts {
                employment_continues: false,
                active_degree_studies: false,
                active_business: false,
                resides_in_finland: true,
                right_to_work: "citizen".to_owned(),
                vocational_qualification: true,
                partial_disability_pension: false,
            }
        );
        assert_eq!(r.recorded_by_name, "Anni A");

        let (_, _, again) = b.get(&format!("/clients/{c}/register-facts/new")).await;
        assert!(
            again.contains("Voimassa olevat rekisteritiedot kirjasi Anni A 2.3.2026 klo 11.00."),
            "{again}"
        );
        for checked in [
            "id=\"right_to_work-citizen\" name=\"right_to_work\" value=\"citizen\" checked",
            "id=\"resides_in_finland-yes\" name=\"resides_in_finland\" value=\"yes\" checked",
            "id=\"active_business-no\" name=\"active_business\" value=\"no\" checked",
        ] {
            assert!(again.contains(checked), "{checked} missing: {again}");
        }
        // A newer record is the one in force.
        let changed: Vec<_> = clear_facts(&csrf)
            .into_iter()
            .map(|(k, v)| match k {
                "right_to_work" => (k, "permit_temporary".to_owned()),
                _ => (k, v),
            })
            .collect();
        let (s, _, _) = post_form(&b, &format!("/clients/{c}/register-facts"), &changed).await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        assert_eq!(in_force(&app).await.unwrap().facts.right_to_work, "permit_temporary");
        let (s, _, _) =
            post_form(&b, &format!("/clients/{c}/register-facts"), &clear_facts(&csrf)).await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        assert_eq!(facts_rows(&app).await, 3);

        // A clear job search started from the page is decided on these facts (B4).
        adopt(&app).await;
        let start: Vec<(&'static str, String)> = [
            ("csrf", csrf.as_str()),
            ("start_date", "2026-03-02"),
            ("acknowledged_notice", "yes"),
            ("employment", "none"),
            ("seeks_full_time_work", "yes"),
            ("previous_end", "fixed_term_ended"),
            ("previous_end_date", "2026-02-27"),
            ("studies", "none"),
            ("business", "none"),
            ("business_started_on", ""),
            ("in_service", "none"),
            ("free_text", ""),
        ]
        .into_iter()
        .map(|(k, v)| (k, v.to_owned()))
        .collect();
        let (s, _, html) = post_form(&b, &format!("/clients/{c}/job-search"), &start).await;
        assert_eq!(s, StatusCode::CREATED, "{html}");
        assert!(html.contains("Myönteinen lausunto"), "{html}");
        app
    })
    .await;
}

/// Issue 12 item 7: a question left unanswered is refused with 422 and the error summary
/// linking to its first radio button; the answers given are kept and nothing is written.
#[tokio::test]
async fn a_register_facts_form_with_missing_answers_is_refused_and_writes_nothing() {
    each_backend(|app| async move {
        let b = Browser::new(&app);
        let csrf = b.login("a").await;
        let c = app.fx.client_a.id;
        let partial: Vec<_> = clear_facts(&csrf)
            .into_iter()
            .filter(|(k, _)| *k != "active_business" && *k != "right_to_work")
            .collect();
        let (s, h, html) = post_form(&b, &format!("/clients/{c}/register-facts"), &partial).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
        assert_page_headers(&h);
        assert!(html.contains("id=\"error-summary\""), "{html}");
        for needed in [
            "<a href=\"#active_business-yes\">Vastaa kysymykseen:",
            "<a href=\"#right_to_work-citizen\">Vastaa kysymykseen:",
            "id=\"resides_in_finland-yes\" name=\"resides_in_finland\" value=\"yes\" checked",
            "id=\"vocational_qualification-yes\" name=\"vocational_qualification\" value=\"yes\" checked",
        ] {
            assert!(html.contains(needed), "{needed} missing: {html}");
        }
        assert!(
            !html.contains("<a href=\"#resides_in_finland-yes\">"),
            "an answered question is no error: {html}"
        );
        // A value not offered is refused like a missing one.
        let odd: Vec<_> = clear_facts(&csrf)
            .into_iter()
            .map(|(k, v)| match k {
                "right_to_work" => (k, "honorary".to_owned()),
                "active_business" => (k, "maybe".to_owned()),
                _ => (k, v),
            })
            .collect();
        let (s, _, html) = post_form(&b, &format!("/clients/{c}/register-facts"), &odd).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
        assert!(html.contains("<a href=\"#right_to_work-citizen\">"), "{html}");
        assert_eq!(facts_rows(&app).await, 0);
        assert!(in_force(&app).await.is_none());
        app
    })
    .await;
}

/// Issue 12 (security of the pages): the form refuses a post without its CSRF token or with
/// another's, and writes nothing.
#[tokio::test]
async fn the_register_facts_form_without_its_csrf_token_is_refused() {
    each_backend(|app| async move {
        let b = Browser::new(&app);
        let _ = b.login("a").await;
        let c = app.fx.client_a.id;
        for token in ["", "not-the-token"] {
            let (s, _, _) = post_form(
                &b,
                &format!("/clients/{c}/register-facts"),
                &clear_facts(token),
            )
            .await;
            assert_eq!(s, StatusCode::FORBIDDEN, "token {token:?}");
        }
        let no_token: Vec<_> = clear_facts("").into_iter().skip(1).collect();
        let (s, _, _) = post_form(&b, &format!("/clients/{c}/register-facts"), &no_token).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "no token at all");
        assert_eq!(facts_rows(&app).await, 0);
        app
    })
    .await;
}

/// Issue 12, access: an official of another organisation finds neither the form nor the
/// facts of client A, and writes nothing.
#[tokio::test]
async fn another_organisations_official_gets_not_found_for_register_facts() {
    each_backend(|app| async move {
        let a = Browser::new(&app);
        let csrf_a = a.login("a").await;
        let c = app.fx.client_a.id;
        let (s, _, _) = post_form(
            &a,
            &format!("/clients/{c}/register-facts"),
            &clear_facts(&csrf_a),
        )
        .await;
        assert_eq!(s, StatusCode::SEE_OTHER);

        let b = Browser::new(&app);
        let csrf = b.login("b").await;
        let (s, _, html) = b.get(&format!("/clients/{c}/register-facts/new")).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        assert!(
            !html.contains("Anni A") && !html.contains("010594"),
            "{html}"
        );
        let (s, _, _) = post_form(
            &b,
            &format!("/clients/{c}/register-facts"),
            &clear_facts(&csrf),
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        assert_eq!(facts_rows(&app).await, 1);
        app
    })
    .await;
}
