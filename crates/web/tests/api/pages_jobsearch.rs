//! Issue 12 items 7–8 and the printable statement, over real HTTP on every backend: a job
//! search started from the official's page with the client's answers (a clear case gets its
//! automatic statement at once, one needing discretion routes with its reasons in words), bad
//! answers refused at their fields with nothing written, a job search ended from the record,
//! the printable statement, and a request for reconsideration taken and resolved from the work
//! queue. Every form refuses a post without its CSRF token.

use super::pages::{assert_page_headers, csrf_of, Browser};
use super::*;

fn clean_facts() -> Value {
    json!({
        "employment_continues": false, "active_degree_studies": false, "active_business": false,
        "resides_in_finland": true, "right_to_work": "citizen",
        "vocational_qualification": true, "partial_disability_pension": false,
    })
}

/// The procedure may decide (KEHA/73792/2024 adopted) and the registers agree with a clear
/// case (B4).
async fn ready(app: &App) {
    adopt(app).await;
    let a = app.login("a").await;
    let (s, b) = a
        .put(&app.client_path("/register-facts"), clean_facts())
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
}

/// A form's fields as a browser posts them.
type Form = Vec<(&'static str, String)>;

/// A clear case's answers on the form, as a browser posts them.
fn clear_answers(csrf: &str) -> Form {
    vec![
        ("csrf", csrf.to_owned()),
        ("start_date", "2026-03-02".to_owned()),
        ("acknowledged_notice", "yes".to_owned()),
        ("employment", "none".to_owned()),
        ("seeks_full_time_work", "yes".to_owned()),
        ("previous_end", "fixed_term_ended".to_owned()),
        ("previous_end_date", "2026-02-27".to_owned()),
        ("studies", "none".to_owned()),
        ("business", "none".to_owned()),
        ("business_started_on", String::new()),
        ("in_service", "none".to_owned()),
        ("free_text", String::new()),
    ]
}

fn with(form: &[(&'static str, String)], key: &str, value: &str) -> Form {
    form.iter()
        .map(|(k, v)| {
            (
                *k,
                if *k == key {
                    value.to_owned()
                } else {
                    v.clone()
                },
            )
        })
        .collect()
}

fn without(form: &[(&'static str, String)], key: &str) -> Form {
    form.iter().filter(|(k, _)| *k != key).cloned().collect()
}

async fn post_form(
    b: &Browser,
    path: &str,
    form: &[(&'static str, String)],
) -> (StatusCode, reqwest::header::HeaderMap, String) {
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    b.post(path, &pairs).await
}

/// The address after `prefix` up to the closing quote, e.g. a link's `/decisions/…/statement`.
fn link(html: &str, prefix: &str, suffix: &str) -> String {
    let at = html
        .find(prefix)
        .unwrap_or_else(|| panic!("no {prefix}: {html}"));
    let rest = &html[at..];
    let end = rest.find('"').unwrap();
    let href = &rest[..end];
    assert!(href.ends_with(suffix), "{href}");
    href.to_owned()
}

/// Everything a start or an end writes besides the access log.
async fn statements_snapshot(app: &App) -> Vec<i64> {
    let mut counts = snapshot(app).await;
    for table in ["decisions", "official_steps", "reconsideration_steps"] {
        counts.push(raw_i64(&app.store, &format!("SELECT COUNT(*) FROM {table}")).await);
    }
    counts
}

/// Issue 12 item 7, B1, B8, B14: the official asks the client's answers on the form (each
/// question a fieldset with its legend, in Finnish and Swedish); a clear case gets its
/// automatic statement at once and the result page shows it and links to the printable
/// statement, which the record and the provenance page link to as well.
#[tokio::test]
async fn a_clear_start_gets_an_automatic_statement_at_once_with_a_printable_page() {
    each_backend(|app| async move {
        ready(&app).await;
        let b = Browser::new(&app);
        let csrf = b.login("a").await;
        let c = app.fx.client_a.id;
        let (s, h, form) = b.get(&format!("/clients/{c}/job-search/new")).await;
        assert_eq!(s, StatusCode::OK);
        assert_page_headers(&h);
        for needed in [
            "<legend class=\"hds-fieldset-legend\">Onko asiakas nyt työssä?</legend>",
            "<label class=\"hds-radio-button__label\" for=\"employment-laid_off_full\">Kokoaikaisesti lomautettuna</label>",
            "Hakeeko asiakas kokoaikatyötä?",
            "for=\"previous_end_date\"",
            "Asiakkaan vapaamuotoinen selvitys",
            kirjuri_app::statements::NOTICE_FI,
        ] {
            assert!(form.contains(needed), "{needed} missing: {form}");
        }
        let (_, _, sv) = b.get(&format!("/clients/{c}/job-search/new?lang=sv")).await;
        assert!(
            sv.contains("Arbetar klienten nu?") && sv.contains("Söker klienten heltidsarbete?"),
            "{sv}"
        );
        let _ = b.get(&format!("/clients/{c}?lang=fi")).await;

        let (s, h, html) =
            post_form(&b, &format!("/clients/{c}/job-search"), &clear_answers(&csrf)).await;
        assert_eq!(s, StatusCode::CREATED, "{html}");
        assert_page_headers(&h);
        assert!(
            html.contains("Myönteinen lausunto") && html.contains("Lausunto annettiin heti"),
            "{html}"
        );
        assert!(html.contains("<pre class=\"statement\">"), "{html}");
        assert!(
            !html.contains("Miksi asia siirtyi virkailijalle"),
            "an automatic statement has no routing reasons: {html}"
        );
        let statement = link(&html, "/decisions/", "/statement");
        let id = statement
            .trim_start_matches("/decisions/")
            .trim_end_matches("/statement")
            .to_owned();

        // The statement as issued: the decision's stored document, in the client's language.
        let a = app.login("a").await;
        let (_, decisions) = a.get(&app.client_path("/decisions")).await;
        let document = decisions[0]["document"].as_str().unwrap().to_owned();
        assert_eq!(decisions[0]["id"], id.as_str());
        assert_eq!(decisions[0]["document_language"], "fi");
        let reads = "SELECT COUNT(*) FROM access_log WHERE resource = 'decisions' AND action = 'read'";
        let logged = raw_i64(&app.store, reads).await;
        let (s, h, page) = b.get(&statement).await;
        assert_eq!(s, StatusCode::OK, "{page}");
        assert_page_headers(&h);
        assert!(
            raw_i64(&app.store, reads).await > logged,
            "the statement's read is logged"
        );
        assert!(
            page.contains("Automaattisessa menettelyssä annettu lausunto, 2.3.2026 klo 11.00"),
            "{page}"
        );
        assert!(page.contains("<div lang=\"fi\"><pre class=\"statement\">"), "{page}");
        let first_line = document.lines().next().unwrap();
        assert!(page.contains(first_line), "{first_line} not in {page}");
        assert!(page.contains("KEHA/73792/2024"), "the B8 notice: {page}");
        // In Swedish the page speaks Swedish; the statement stays as issued, in Finnish.
        let (_, _, sv) = b.get(&format!("{statement}?lang=sv")).await;
        assert!(
            sv.contains("<html lang=\"sv\">")
                && sv.contains("Arbetskraftspolitiskt utlåtande")
                && sv.contains("<div lang=\"fi\"><pre class=\"statement\">")
                && sv.contains(first_line),
            "{sv}"
        );
        let _ = b.get(&format!("{statement}?lang=fi")).await;
        // An official of another organisation finds no such statement (A2).
        let other = Browser::new(&app);
        other.login("b").await;
        let (s, _, html) = other.get(&statement).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        assert!(!html.contains(first_line) && !html.contains("010594"), "{html}");
        // The print rules are in the served stylesheet: A4, no navigation.
        let (_, _, css) = b.get("/static/kirjuri.css").await;
        assert!(
            css.contains("@page { size: A4")
                && css.contains("@media print")
                && css.contains(".site-header"),
            "{css}"
        );

        let (_, _, record) = b.get(&format!("/clients/{c}")).await;
        assert!(record.contains(&statement), "the record links it: {record}");
        let (_, _, provenance) = b.get(&format!("/decisions/{id}/provenance")).await;
        assert!(
            provenance.contains(&statement),
            "provenance links it: {provenance}"
        );
        app
    })
    .await;
}

/// Issue 12 item 7, B2, B4, B5: a case needing discretion (a resignation and a free-form
/// explanation) routes; the result page names the queue and gives each reason in words, with
/// its legal basis, never a code; no statement is issued yet.
#[tokio::test]
async fn a_start_needing_discretion_routes_with_its_reasons_in_words() {
    each_backend(|app| async move {
        ready(&app).await;
        let b = Browser::new(&app);
        let csrf = b.login("a").await;
        let c = app.fx.client_a.id;
        let form = with(
            &with(&clear_answers(&csrf), "previous_end", "own_resignation"),
            "free_text",
            "Irtisanouduin, koska työmatka piteni kohtuuttomasti.",
        );
        let (s, _, html) = post_form(&b, &format!("/clients/{c}/job-search"), &form).await;
        assert_eq!(s, StatusCode::CREATED, "{html}");
        assert!(html.contains("Siirretty virkailijalle"), "{html}");
        assert!(
            html.contains("Asia siirtyi työjonoon: KEHA-keskus, työttömyysturvan vastuualue"),
            "{html}"
        );
        // The reasons as the queue's API gives them in words: each one on the page.
        let keha = app.login("keha").await;
        let (s, queue) = keha.get("/api/work-queue").await;
        assert_eq!(s, StatusCode::OK, "{queue}");
        let reasons = queue[0]["reasons"].as_array().unwrap();
        let codes: Vec<&str> = reasons
            .iter()
            .map(|r| r["code"].as_str().unwrap())
            .collect();
        assert!(
            codes.contains(&"RESIGNATION") && codes.contains(&"FREE_TEXT"),
            "{codes:?}"
        );
        for r in reasons {
            let title = r["title_fi"].as_str().unwrap();
            assert!(html.contains(title), "{title} not in {html}");
            assert!(
                !html.contains(r["code"].as_str().unwrap()),
                "a code shown: {html}"
            );
        }
        assert!(!html.contains("<pre class=\"statement\">"), "{html}");
        // Its statement page says there is none yet.
        let at = html.find("/decisions/").unwrap();
        let id = html[at + 11..].split('/').next().unwrap().to_owned();
        let (s, _, page) = b.get(&format!("/decisions/{id}/statement")).await;
        assert_eq!(s, StatusCode::OK);
        assert!(page.contains("ei ole vielä annettu lausuntoa"), "{page}");
        assert!(!page.contains("<pre class=\"statement\">"), "{page}");
        app
    })
    .await;
}

/// Issue 12 item 7, GOV.UK pattern: answers left out among given ones, an end of employment
/// without its date, a value no radio button sends, an impossible or implausible date — each
/// is refused at its field (listed in the error summary, linked to the field), the answers
/// given are kept, and nothing is written.
#[tokio::test]
async fn bad_answers_are_refused_at_their_fields_and_change_nothing() {
    each_backend(|app| async move {
        ready(&app).await;
        let b = Browser::new(&app);
        let csrf = b.login("a").await;
        let path = format!("/clients/{}/job-search", app.fx.client_a.id);
        let before = statements_snapshot(&app).await;
        let clear = clear_answers(&csrf);
        let cases: Vec<(&str, Form, &str, &str)> = vec![
            (
                "an unanswered question",
                without(&without(&clear, "seeks_full_time_work"), "studies"),
                "#seeks_full_time_work-yes",
                "Vastaa kysymykseen: Hakeeko asiakas kokoaikatyötä?",
            ),
            (
                "an end of employment without its date",
                with(&clear, "previous_end_date", ""),
                "#previous_end_date",
                "Anna edellisen työsuhteen päättymispäivä.",
            ),
            (
                "a value no radio button sends",
                with(&clear, "employment", "boss"),
                "#employment-none",
                "Valitse yksi vaihtoehdoista.",
            ),
            (
                "an impossible date",
                with(&clear, "previous_end_date", "2026-02-30"),
                "#previous_end_date",
                "Anna päivä, joka on olemassa",
            ),
            (
                "an implausible date",
                with(&clear, "previous_end_date", "1850-01-01"),
                "#previous_end_date",
                "Anna päivä, joka on olemassa",
            ),
            (
                "an impossible start date",
                with(&clear, "start_date", "2026-13-01"),
                "#start_date",
                "Anna kelvollinen alkamispäivä.",
            ),
        ];
        for (what, form, anchor, message) in &cases {
            let (s, h, html) = post_form(&b, &path, form).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{what}: {html}");
            assert_page_headers(&h);
            assert!(html.contains("id=\"error-summary\""), "{what}: {html}");
            assert!(
                html.contains(&format!("<a href=\"{anchor}\">")),
                "{what}: no link to {anchor}: {html}"
            );
            assert!(html.contains(message), "{what}: {message} missing: {html}");
            assert_eq!(
                statements_snapshot(&app).await,
                before,
                "{what} wrote something"
            );
        }
        // The answers given stay chosen on the form shown again.
        let (_, _, html) = post_form(&b, &path, &cases[0].1).await;
        assert!(
            html.contains("id=\"employment-none\" name=\"employment\" value=\"none\" checked"),
            "{html}"
        );
        assert!(
            !html.contains("value=\"yes\" checked"),
            "an unanswered question stays unanswered: {html}"
        );
        assert_eq!(statements_snapshot(&app).await, before);
        app
    })
    .await;
}

/// Issue 12 item 7, B1: the record offers to end the open job search; the end form asks the
/// end date and the reason (radio buttons of the contract's reasons) with the prior notice;
/// a missing reason is refused and nothing ends; ending for employment gets the automatic end
/// statement at once, printable, and the record offers a new start.
#[tokio::test]
async fn a_job_search_is_ended_from_the_record() {
    each_backend(|app| async move {
        ready(&app).await;
        let b = Browser::new(&app);
        let csrf = b.login("a").await;
        let c = app.fx.client_a.id;
        let (_, _, record) = b.get(&format!("/clients/{c}")).await;
        assert!(
            !record.contains("/job-search/end"),
            "nothing to end: {record}"
        );
        let (s, _, _) = post_form(
            &b,
            &format!("/clients/{c}/job-search"),
            &clear_answers(&csrf),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED);
        let (_, _, record) = b.get(&format!("/clients/{c}")).await;
        assert!(
            record.contains(&format!("href=\"/clients/{c}/job-search/end\"")),
            "{record}"
        );
        let (s, h, form) = b.get(&format!("/clients/{c}/job-search/end")).await;
        assert_eq!(s, StatusCode::OK, "{form}");
        assert_page_headers(&h);
        assert!(
            form.contains("<legend class=\"hds-fieldset-legend\">Miksi työnhaku päättyy?</legend>")
                && form.contains("for=\"reason-employed\">Asiakas työllistyi</label>")
                && form.contains("voimassa 2.3.2026 alkaen")
                && form.contains(kirjuri_app::statements::NOTICE_FI),
            "{form}"
        );
        let field = "name=\"job_search_id\" value=\"";
        let at = form.find(field).expect("the job search's id") + field.len();
        let js = form[at..].split('"').next().unwrap().to_owned();
        let end = |reason: Option<&str>, token: &str| {
            let mut f = vec![
                ("csrf", token.to_owned()),
                ("job_search_id", js.clone()),
                ("end_date", "2026-03-02".to_owned()),
                ("acknowledged_notice", "yes".to_owned()),
            ];
            if let Some(r) = reason {
                f.push(("reason", r.to_owned()));
            }
            f
        };
        let path = format!("/clients/{c}/job-search/end");
        let before = statements_snapshot(&app).await;
        let (s, _, _) = post_form(&b, &path, &end(Some("employed"), "forged")).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, _, html) = post_form(&b, &path, &end(None, &csrf)).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
        assert!(
            html.contains("<a href=\"#reason-employed\">Valitse, miksi työnhaku päättyy.</a>"),
            "{html}"
        );
        let (s, _, html) = post_form(&b, &path, &end(Some("retired"), &csrf)).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
        assert_eq!(statements_snapshot(&app).await, before, "nothing ended");

        let (s, h, html) = post_form(&b, &path, &end(Some("employed"), &csrf)).await;
        assert_eq!(s, StatusCode::OK, "{html}");
        assert_page_headers(&h);
        assert!(
            html.contains("Työnhaku päätetty")
                && html.contains("Työnhaku päättyi")
                && html.contains("<pre class=\"statement\">"),
            "{html}"
        );
        // The end's own words for an automatic statement, not the start's "every condition
        // was clearly met".
        assert!(
            html.contains("työnhaun päättyminen ja sen syy olivat selvät")
                && !html.contains("kaikki edellytykset täyttyivät"),
            "{html}"
        );
        let statement = link(&html, "/decisions/", "/statement");
        let (s, _, page) = b.get(&statement).await;
        assert_eq!(s, StatusCode::OK);
        assert!(page.contains("<pre class=\"statement\">"), "{page}");
        // Ended: the record offers a new start, no end; the same end again is a conflict.
        let (_, _, record) = b.get(&format!("/clients/{c}")).await;
        assert!(
            !record.contains("/job-search/end\"") && record.contains("/job-search/new"),
            "{record}"
        );
        let (s, _, _) = post_form(&b, &path, &end(Some("employed"), &csrf)).await;
        assert_eq!(s, StatusCode::CONFLICT);
        app
    })
    .await;
}

/// Issue 12 item 8, B7, B12: the client's request for reconsideration of an automatic
/// statement shows in the work queue of the client's employment authority with the client's
/// reasons; the official takes it, a reasoning the checks refuse keeps the form as written
/// with the finding shown and writes nothing, the preview issues nothing, and the statement
/// given on reconsideration is issued through the same use case as the API and printable
/// beside the statement it reconsiders.
#[tokio::test]
async fn a_reconsideration_is_taken_and_resolved_from_the_queue() {
    each_backend(|app| async move {
        ready(&app).await;
        let b = Browser::new(&app);
        let csrf = b.login("a").await;
        let c = app.fx.client_a.id;
        let (s, _, html) = post_form(
            &b,
            &format!("/clients/{c}/job-search"),
            &clear_answers(&csrf),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED);
        let statement = link(&html, "/decisions/", "/statement");
        let decision = statement
            .trim_start_matches("/decisions/")
            .trim_end_matches("/statement")
            .to_owned();
        let seeker = app.login("seeker").await;
        let reasons = "Aloitin osa-aikatyön, joten lausunto on väärä.";
        let (s, r) = seeker
            .post(
                &format!("/api/me/decisions/{decision}/reconsideration"),
                json!({ "reasons": reasons }),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{r}");

        let (s, h, queue) = b.get("/queue").await;
        assert_eq!(s, StatusCode::OK, "{queue}");
        assert_page_headers(&h);
        assert!(
            queue.contains("Oikaisupyynnöt")
                && queue.contains(reasons)
                && queue.contains("Asiakas pyysi oikaisua")
                && queue.contains(
                    "oikaisua pyydetään automaattiseen lausuntoon: Ei estettä 2.3.2026 alkaen"
                ),
            "{queue}"
        );
        let take = link(&queue, "/reconsiderations/", "/take");
        let rid = take
            .trim_start_matches("/reconsiderations/")
            .trim_end_matches("/take")
            .to_owned();
        let (s, _, _) = b.post(&take, &[("csrf", "forged")]).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, h, _) = b.post(&take, &[("csrf", csrf.as_str())]).await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        assert_eq!(
            h["location"].to_str().unwrap(),
            format!("/reconsiderations/{rid}")
        );
        let page = format!("/reconsiderations/{rid}");
        let (s, _, html) = b.get(&page).await;
        assert_eq!(s, StatusCode::OK, "{html}");
        assert!(
            html.contains("Ratkaise oikaisupyyntö")
                && html.contains("käsittelijä Anni A")
                && html.contains(reasons)
                && html.contains("value=\"2026-03-02\""),
            "{html}"
        );
        let form = |reasoning: &str, action: &str, token: &str| {
            vec![
                ("csrf", token.to_owned()),
                ("outcome", "no_obstacle".to_owned()),
                ("effective_date", "2026-03-02".to_owned()),
                ("reasoning", reasoning.to_owned()),
                ("basis", "TTL 2:1".to_owned()),
                ("action", action.to_owned()),
            ]
        };
        let good = "Osa-aikatyö alkoi vasta lausunnon jälkeen, joten lausuntoa ei muuteta.";
        let (s, _, _) = post_form(&b, &page, &form(good, "resolve", "forged")).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        assert_eq!(
            raw_i64(
                &app.store,
                "SELECT COUNT(*) FROM reconsideration_steps WHERE step = 'resolved'"
            )
            .await,
            0
        );
        // A belittling word: refused, the text kept, the finding shown at the form.
        let bad = "Asiakas on laiska eikä hae töitä.";
        let (s, _, html) = post_form(&b, &page, &form(bad, "resolve", &csrf)).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
        assert!(
            html.contains("<a href=\"#reasoning\">")
                && html.contains("finding--block")
                && html.contains("«laiska»")
                && html.contains(&format!(">{bad}</textarea>")),
            "{html}"
        );
        assert_eq!(
            raw_i64(
                &app.store,
                "SELECT COUNT(*) FROM reconsideration_steps WHERE step = 'resolved'"
            )
            .await,
            0
        );
        let (s, _, html) = post_form(&b, &page, &form(good, "preview", &csrf)).await;
        assert_eq!(s, StatusCode::OK, "{html}");
        assert!(html.contains("Lausunnon esikatselu"), "{html}");
        let (_, _, queue) = b.get("/queue").await;
        assert!(queue.contains(reasons), "a preview issues nothing");

        let (s, _, html) = post_form(&b, &page, &form(good, "resolve", &csrf)).await;
        assert_eq!(s, StatusCode::CREATED, "{html}");
        assert!(
            html.contains("Lausunto annettu")
                && html.contains("<pre class=\"statement\">")
                && html.contains(&statement),
            "{html}"
        );
        assert_eq!(
            raw_i64(
                &app.store,
                "SELECT COUNT(*) FROM reconsideration_steps WHERE step = 'resolved'"
            )
            .await,
            1
        );
        let (_, _, queue) = b.get("/queue").await;
        assert!(
            !queue.contains(reasons) && queue.contains("Avoimia oikaisupyyntöjä ei ole."),
            "{queue}"
        );
        // Both statements are printable, the one reconsidered and the new one.
        let (_, _, page) = b.get(&statement).await;
        assert!(
            page.contains("Automaattisessa menettelyssä annettu lausunto")
                && page.contains("Oikaisupyynnön johdosta annettu lausunto")
                && page.matches("<pre class=\"statement\">").count() == 2,
            "{page}"
        );
        app
    })
    .await;
}

/// Issue 12, security: the start and end forms and the reconsideration forms refuse a post
/// without the session's CSRF token before anything happens, and nothing is written.
#[tokio::test]
async fn the_job_search_forms_refuse_a_post_without_its_csrf_token() {
    each_backend(|app| async move {
        ready(&app).await;
        let b = Browser::new(&app);
        let _csrf = b.login("a").await;
        let c = app.fx.client_a.id;
        let before = statements_snapshot(&app).await;
        for token in [
            "",
            "forged",
            "0000000000000000000000000000000000000000000000000000000000000000",
        ] {
            let (s, h, html) = post_form(
                &b,
                &format!("/clients/{c}/job-search"),
                &clear_answers(token),
            )
            .await;
            assert_eq!(s, StatusCode::FORBIDDEN, "token {token:?}");
            assert_page_headers(&h);
            assert!(html.contains("tarkiste"), "{html}");
        }
        let nothing = "00000000-0000-4000-8000-000000000000";
        for path in [
            format!("/clients/{c}/job-search/end"),
            format!("/reconsiderations/{nothing}"),
            format!("/reconsiderations/{nothing}/take"),
        ] {
            let (s, _, _) = b
                .post(&path, &[("csrf", "forged"), ("reason", "employed")])
                .await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{path}");
        }
        assert_eq!(statements_snapshot(&app).await, before);
        // The real token of the page works (the refusals were the token's).
        let (_, _, form) = b.get(&format!("/clients/{c}/job-search/new")).await;
        let (s, _, _) = post_form(
            &b,
            &format!("/clients/{c}/job-search"),
            &clear_answers(&csrf_of(&form)),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED);
        app
    })
    .await;
}
