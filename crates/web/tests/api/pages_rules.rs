//! Issue 14 (B10, B11, B13, B17): the rules author's page over real HTTP on every backend —
//! the rule sets with version and hash, an adoption decision registered and retired through
//! the page's forms (the same use cases as the JSON API), a refused form shown again with its
//! error and nothing written, the quality figures per version as a table, Finnish and Swedish;
//! the forms only for the rules author, and the page not for an official.

use super::pages::{assert_page_headers, csrf_of, Browser};
use super::*;

async fn adoption_rows(app: &App) -> i64 {
    raw_i64(&app.store, "SELECT COUNT(*) FROM adoption_decisions").await
}

fn register_form<'a>(csrf: &'a str, number: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("number", number),
        ("decided_on", "2026-03-01"),
        ("adopt_start", "yes"),
        ("adopt_end", "yes"),
        ("other_hashes", ""),
        ("quality_owner", "Laura Laatu"),
        ("error_owner", "Veikko Virhe"),
        ("url", "https://tyomarkkinatori.fi/kayttoonottopaatos"),
    ]
}

/// Issue 14: the rules author sees the shipped rule sets with version and hash, registers an
/// adoption decision of both from the form (it is then listed in force and read back through
/// the application layer with both hashes), retires it from a date (listed as retired, kept:
/// B17), and cannot retire it twice; the page is in Finnish and Swedish, with the quality
/// figures table once a decision exists.
#[tokio::test]
async fn the_rules_author_registers_and_retires_an_adoption_decision_from_the_page() {
    each_backend(|app| async move {
        let b = Browser::new(&app);
        b.login("rules").await;
        let (s, h, html) = b.get("/rules").await;
        assert_eq!(s, StatusCode::OK, "{html}");
        assert_page_headers(&h);
        let shipped = kirjuri_rules::RuleSets::shipped().unwrap();
        for needed in [
            "Käsittelysäännöt ja käyttöönottopäätökset",
            "statement-start",
            "statement-end",
            "2026.2",
            shipped.start.hash(),
            shipped.end.hash(),
            "Työnhaun alkaminen",
            "Kirjaa käyttöönottopäätös",
        ] {
            assert!(html.contains(needed), "{needed:?} missing:\n{html}");
        }
        let csrf = csrf_of(&html);
        let before = adoption_rows(&app).await;
        let (s, h, body) = b
            .post(
                "/rules/adoption-decisions",
                &register_form(&csrf, "KEHA/100/2026"),
            )
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{body}");
        assert_eq!(h["location"], "/rules");
        assert_eq!(adoption_rows(&app).await, before + 1);
        let listed = app.core.adoption_decisions().await.unwrap();
        let a = listed.iter().find(|a| a.number == "KEHA/100/2026").unwrap();
        assert_eq!(
            a.rule_set_hashes,
            vec![
                shipped.start.hash().to_owned(),
                shipped.end.hash().to_owned()
            ]
        );
        assert_eq!(a.quality_owner, "Laura Laatu");
        assert_eq!(a.retired_on, None);
        let (_, _, html) = b.get("/rules").await;
        assert!(html.contains("KEHA/100/2026"), "{html}");
        assert!(html.contains("Poista käytöstä: KEHA/100/2026"), "{html}");

        // Retired from a date: listed as retired and kept (B17).
        let (s, h, body) = b
            .post(
                "/rules/adoption-decisions/retire",
                &[
                    ("csrf", &csrf),
                    ("number", "KEHA/100/2026"),
                    ("retired_on", "2026-03-02"),
                ],
            )
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{body}");
        assert_eq!(h["location"], "/rules");
        let listed = app.core.adoption_decisions().await.unwrap();
        let a = listed.iter().find(|a| a.number == "KEHA/100/2026").unwrap();
        assert_eq!(a.retired_on, chrono::NaiveDate::from_ymd_opt(2026, 3, 2));
        let (_, _, html) = b.get("/rules").await;
        assert!(html.contains("Poistettu käytöstä 2.3.2026"), "{html}");
        // Not twice: the page again with the error, nothing changed.
        let (s, _, html) = b
            .post(
                "/rules/adoption-decisions/retire",
                &[
                    ("csrf", &csrf),
                    ("number", "KEHA/100/2026"),
                    ("retired_on", "2026-03-03"),
                ],
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
        assert!(
            html.contains("Käyttöönottopäätös KEHA/100/2026 ei ole voimassa."),
            "{html}"
        );
        let listed = app.core.adoption_decisions().await.unwrap();
        let a = listed.iter().find(|a| a.number == "KEHA/100/2026").unwrap();
        assert_eq!(a.retired_on, chrono::NaiveDate::from_ymd_opt(2026, 3, 2));

        // In Swedish.
        let (s, _, html) = b.get("/rules?lang=sv").await;
        assert_eq!(s, StatusCode::OK);
        for needed in [
            "Behandlingsregler och beslut om ibruktagande",
            "Behandlingsregler i bruk",
            "Arbetssökandets början",
            "Upphört 2.3.2026",
            "Kvalitetssiffror per regelversion",
        ] {
            assert!(html.contains(needed), "{needed:?} missing:\n{html}");
        }
        app
    })
    .await;
}

/// A form the use case refuses is shown again with the error at its field, the answers kept,
/// and nothing is written: no rule set chosen, a malformed register number, a duplicate.
#[tokio::test]
async fn a_refused_adoption_decision_is_shown_again_and_nothing_is_written() {
    each_backend(|app| async move {
        let b = Browser::new(&app);
        b.login("rules").await;
        let (_, _, html) = b.get("/rules").await;
        let csrf = csrf_of(&html);
        let before = adoption_rows(&app).await;
        let mut none_chosen = register_form(&csrf, "KEHA/101/2026");
        none_chosen.retain(|(k, _)| !k.starts_with("adopt_"));
        let (s, _, html) = b.post("/rules/adoption-decisions", &none_chosen).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
        assert!(
            html.contains("href=\"#adoption-rule_set_hashes\"")
                && html.contains("Valitse käyttöön otettavat käsittelysäännöt"),
            "{html}"
        );
        assert!(
            html.contains("value=\"KEHA/101/2026\""),
            "answers kept: {html}"
        );
        let (s, _, html) = b
            .post(
                "/rules/adoption-decisions",
                &register_form(&csrf, "keha 101"),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
        assert!(html.contains("href=\"#adoption-number\""), "{html}");
        assert_eq!(adoption_rows(&app).await, before);
        let (s, _, _) = b
            .post(
                "/rules/adoption-decisions",
                &register_form(&csrf, "KEHA/102/2026"),
            )
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let (s, _, html) = b
            .post(
                "/rules/adoption-decisions",
                &register_form(&csrf, "KEHA/102/2026"),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
        assert!(html.contains("on jo kirjattu"), "{html}");
        assert_eq!(adoption_rows(&app).await, before + 1);
        app
    })
    .await;
}

/// The policy: the supervisor reads the page without its forms and may not post them; an
/// official of an employment authority may not open it; nothing is written by either.
#[tokio::test]
async fn only_the_rules_author_gets_the_forms() {
    each_backend(|app| async move {
        let before = adoption_rows(&app).await;
        let avi = Browser::new(&app);
        avi.login("avi").await;
        let (s, _, html) = avi.get("/rules").await;
        assert_eq!(s, StatusCode::OK, "{html}");
        assert!(html.contains("Laatuluvut sääntöversioittain"), "{html}");
        assert!(
            !html.contains("action=\"/rules/adoption-decisions\""),
            "{html}"
        );
        let csrf = csrf_of(&html);
        let (s, _, _) = avi
            .post(
                "/rules/adoption-decisions",
                &register_form(&csrf, "KEHA/103/2026"),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let a = Browser::new(&app);
        let csrf = a.login("a").await;
        let (s, _, _) = a.get("/rules").await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, _, _) = a
            .post(
                "/rules/adoption-decisions/retire",
                &[
                    ("csrf", &csrf),
                    ("number", "KEHA/73792/2024"),
                    ("retired_on", "2026-03-02"),
                ],
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        assert_eq!(adoption_rows(&app).await, before);
        app
    })
    .await;
}

fn dev_cases_text() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/cases/statements-dev.jsonl"
    ))
    .expect("../shared/cases/statements-dev.jsonl must sit beside the repository")
}

/// Issue 14, B11: the rules author runs the planned test cases in the browser (every dev case
/// passes with the rule sets in use), then a new version (the youth age limit lowered to 20)
/// against the same cases: the case it changes fails, and the impact is grouped by reason in
/// words with the case named; a rule file that fails the checks is shown again with its
/// diagnostics; the page in Swedish; the supervisor may not run it. Nothing is written.
#[tokio::test]
async fn the_rules_author_runs_the_planned_tests_and_a_replay_from_the_page() {
    each_backend(|app| async move {
        let b = Browser::new(&app);
        b.login("rules").await;
        let (s, h, html) = b.get("/rules/test").await;
        assert_eq!(s, StatusCode::OK, "{html}");
        assert_page_headers(&h);
        assert!(html.contains("Käsittelysääntöjen testaus"), "{html}");
        let csrf = csrf_of(&html);
        let before = snapshot(&app).await;
        let cases = dev_cases_text();
        let n = cases.lines().filter(|l| !l.trim().is_empty()).count();
        let (s, _, html) = b
            .post(
                "/rules/test",
                &[("csrf", &csrf), ("cases", &cases), ("source", "")],
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{html}");
        assert!(
            html.contains(&format!("Hyväksyttyjä {n}, hylättyjä 0.")),
            "{html}"
        );
        assert!(html.contains("<td>dev-018</td>"), "{html}");
        // the cases are echoed in their text box; the results say the codes in words
        let results = &html[html.find("id=\"results\"").unwrap()..];
        assert!(
            !results.contains("YOUTH_EDUCATION"),
            "codes in words: {results}"
        );
        assert!(results.contains("Nuoren koulutusvelvoite"), "{results}");

        let new = kirjuri_rules::START_RULES
            .replace(
                "param youth_age_limit: int { from 2000-01-01: 25; }",
                "param youth_age_limit: int { from 2000-01-01: 20; }",
            )
            .replace("version \"2026.2\"", "version \"2026.3\"");
        let (s, _, html) = b
            .post(
                "/rules/test",
                &[("csrf", &csrf), ("cases", &cases), ("source", &new)],
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{html}");
        assert!(
            html.contains(&format!("Hyväksyttyjä {}, hylättyjä 1.", n - 1)),
            "{html}"
        );
        assert!(html.contains("Uuden version vaikutus"), "{html}");
        assert!(
            html.contains("Poistunut siirron peruste: Nuoren koulutusvelvoite"),
            "{html}"
        );
        assert!(html.contains("dev-009"), "{html}");

        // A rule file that fails its checks: shown again with the diagnostics.
        let broken = kirjuri_rules::START_RULES.replace("basis \"TTL 3:3\"", "");
        let (s, _, html) = b
            .post(
                "/rules/test",
                &[("csrf", &csrf), ("cases", &cases), ("source", &broken)],
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
        assert!(
            html.contains("href=\"#source\"") && html.contains("ei läpäise tarkistuksia"),
            "{html}"
        );
        assert!(
            html.contains("in_service"),
            "the diagnostics name the rule: {html}"
        );

        let (s, _, html) = b.get("/rules/test?lang=sv").await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("Testning av behandlingsreglerna"), "{html}");
        assert_eq!(snapshot(&app).await, before, "running tests writes nothing");

        let avi = Browser::new(&app);
        let csrf = avi.login("avi").await;
        let (s, _, _) = avi.get("/rules/test").await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, _, _) = avi
            .post(
                "/rules/test",
                &[("csrf", &csrf), ("cases", &cases), ("source", "")],
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        app
    })
    .await;
}

/// Issue 14: a real Chromium (the system's, through playwright-core) walks the rules author's
/// pages in Finnish and Swedish — the rule sets with their hashes, an adoption decision refused
/// and then registered and retired, the planned test cases run with every case passed — with
/// axe-core finding 0 WCAG 2.1 A/AA violations on every page and no console error (CSP).
/// `scripts/setup.sh` installs Chromium and the pinned npm packages; their absence fails it.
#[tokio::test]
async fn a_real_browser_walks_the_rules_pages() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    assert!(
        dir.join("node_modules/playwright-core").is_dir()
            && dir.join("node_modules/axe-core").is_dir(),
        "the browser test's packages are not installed: run scripts/setup.sh (npm ci in {})",
        dir.display()
    );
    let cases = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/cases/statements-dev.jsonl");
    assert!(cases.is_file(), "../shared/cases/statements-dev.jsonl");
    each_backend(|app| {
        let dir = dir.clone();
        let cases = cases.clone();
        async move {
            let base = app.base.clone();
            let hash = kirjuri_rules::RuleSets::shipped()
                .unwrap()
                .start
                .hash()
                .to_owned();
            // Blocking, on a thread of its own, while this runtime goes on serving the pages.
            let out = tokio::task::spawn_blocking(move || {
                std::process::Command::new("node")
                    .arg("rules.mjs")
                    .current_dir(&dir)
                    .env("BASE", &base)
                    .env("USERNAME", "rules")
                    .env("PASSWORD", PASSWORD)
                    .env("CASES_FILE", &cases)
                    .env("START_HASH", &hash)
                    .output()
            })
            .await
            .unwrap()
            .expect("node runs");
            let stdout = String::from_utf8_lossy(&out.stdout);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                out.status.success(),
                "browser test failed:\n{stdout}\n{stderr}"
            );
            let summary: Value =
                serde_json::from_str(stdout.trim().lines().last().unwrap()).unwrap();
            assert_eq!(summary["violations"], 0, "{summary}\n{stderr}");
            assert_eq!(summary["pages"], 12, "axe ran on every page: {summary}");
            app
        }
    })
    .await;
}

/// Issue 14: the quality figures per version come with charts, each an image with its
/// title and a text alternative that carries the figures: one of two starts decided
/// automatically (50 %), the other routed for a free-form explanation, named in words.
#[tokio::test]
async fn the_quality_figures_have_charts_with_their_figures_in_words() {
    each_backend(|app| async move {
        adopt(&app).await;
        let a = app.login("a").await;
        let hetu = kirjuri_domain::Hetu::from_parts(
            chrono::NaiveDate::from_ymd_opt(1984, 6, 12).unwrap(),
            961,
        )
        .unwrap();
        let (s, other) = a
            .post("/api/clients", json!({"hetu": hetu.as_str(), "first_name": "Toinen",
                   "last_name": "Hakija", "language": "fi"}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{other}");
        let paths = [
            app.client_path(""),
            format!("/api/clients/{}", other["id"].as_str().unwrap()),
        ];
        for (path, free_text) in paths.iter().zip([Some("Olin lomalla ulkomailla."), None]) {
            let (s, b) = a
                .put(
                    &format!("{path}/register-facts"),
                    json!({
                        "employment_continues": false, "active_degree_studies": false,
                        "active_business": false, "resides_in_finland": true,
                        "right_to_work": "citizen", "vocational_qualification": true,
                        "partial_disability_pension": false,
                    }),
                )
                .await;
            assert_eq!(s, StatusCode::OK, "{b}");
            let (s, b) = a
                .post(
                    &format!("{path}/job-searches"),
                    json!({"start_date": "2026-03-02", "acknowledged_notice": true, "answers": {
                        "employment": "none", "seeks_full_time_work": true,
                        "previous_employment_end": {"date": "2026-02-27", "reason": "fixed_term_ended"},
                        "studies": "none", "business": "none",
                        "business_started_while_unemployed_on": null, "in_service": null,
                        "free_text": free_text,
                    }}),
                )
                .await;
            assert_eq!(s, StatusCode::CREATED, "{b}");
        }

        let b = Browser::new(&app);
        b.login("rules").await;
        for (lang, automated, routed) in [
            (
                "fi",
                "Automaattisesti ratkaistujen osuus sääntöversioittain",
                "Asiakkaan vapaamuotoinen selvitys",
            ),
            (
                "sv",
                "Andelen automatiskt avgjorda per regelversion",
                "Kundens fritt formulerade utredning",
            ),
        ] {
            let (s, _, html) = b.get(&format!("/rules?lang={lang}")).await;
            assert_eq!(s, StatusCode::OK, "{html}");
            assert!(html.contains(&format!("<figcaption id=\"chart-automated-title\">{automated}</figcaption>")), "{lang}: {html}");
            assert!(html.contains("aria-describedby=\"chart-routed-desc\""), "{lang}: {html}");
            assert!(html.contains("<svg"), "{lang}");
            let desc = |id: &str| {
                html.split(&format!("<p id=\"{id}-desc\" class=\"hint\">"))
                    .nth(1)
                    .and_then(|r| r.split("</p>").next())
                    .unwrap_or_else(|| panic!("{id} has no description: {html}"))
                    .to_owned()
            };
            assert!(desc("chart-automated").contains("50,0 % (1/2)"), "{}", desc("chart-automated"));
            assert!(desc("chart-routed").contains(&format!("{routed} – ")), "{}", desc("chart-routed"));
            assert!(desc("chart-routed").ends_with(": 1"), "{}", desc("chart-routed"));
            // No reconsideration resolved: no chart of changes.
            assert!(!html.contains("chart-changed"), "{lang}");
        }
        app
    })
    .await;
}
