//! Issue 14 ("Administrator's pages"; A1, issue 15 item 7): the administrator's pages over real
//! HTTP on every backend — the accounts of the administrator's own organisation with an account
//! created through the form and its log-in delays lifted, the identity-provider links with a
//! link made through the form, the benefit payers with one registered through the form; a bad
//! form answered with the form again (422) and an error at each field, nothing written; every
//! other role refused (403); Finnish and Swedish. The browser walk is at the end.

use kirjuri_web::oidc::OidcProviderConfig;

use super::pages::{assert_page_headers, csrf_of, Browser};
use super::*;

async fn count(app: &App, table: &str) -> i64 {
    raw_i64(&app.store, &format!("SELECT COUNT(*) FROM {table}")).await
}

/// The rows the administrator's forms write.
async fn admin_rows(app: &App) -> [i64; 4] {
    [
        count(app, "users").await,
        count(app, "benefit_payers").await,
        count(app, "oidc_identities").await,
        count(app, "security_log").await,
    ]
}

/// The accounts page's row of the account `username`.
async fn account_row(app: &App, html: &str, username: &str) -> String {
    let id = app
        .store
        .user_by_username(username)
        .await
        .unwrap()
        .unwrap()
        .0
        .id;
    let at = html
        .find(&format!("<tr id=\"account-{id}\">"))
        .unwrap_or_else(|| panic!("{username} is not listed:\n{html}"));
    html[at..].split("</tr>").next().unwrap().to_owned()
}

fn account_form<'a>(
    csrf: &'a str,
    username: &'a str,
    name: &'a str,
    role: &'a str,
    password: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("username", username),
        ("display_name", name),
        ("role", role),
        ("password", password),
    ]
}

/// Issue 14 / A1: the administrator starts on the accounts page, which lists the accounts of
/// their own organisation (and no other's) with role and way of logging in and offers only the
/// roles the policy lets an employment authority grant; an account created through the form,
/// without a password and with one, is then listed as such and stored in the administrator's
/// organisation; lifting an account's log-in delays is recorded in the security log (issue 15
/// item 7); the page in Swedish.
#[tokio::test]
async fn an_administrator_creates_an_account_from_the_form_and_sees_it_listed() {
    each_backend(|app| async move {
        let b = Browser::new(&app);
        let (_, _, html) = b.get("/login").await;
        let token = csrf_of(&html);
        let (s, h, _) = b
            .post(
                "/login",
                &[
                    ("csrf", &token),
                    ("username", "admin"),
                    ("password", PASSWORD),
                ],
            )
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        assert_eq!(h["location"], "/admin", "the administrator's home");
        let (s, h, html) = b.get("/admin").await;
        assert_eq!(s, StatusCode::OK, "{html}");
        assert_page_headers(&h);
        for needed in [
            "<h1>Käyttäjätilit</h1>",
            "Anni A",
            "Aki Admin",
            "Virkailija",
            "Pääkäyttäjä",
            "href=\"/admin/identities\"",
            "href=\"/admin/payers\"",
            "Poista kirjautumisviiveet: a",
            "<option value=\"official\">Virkailija</option>",
            "<option value=\"administrator\">Pääkäyttäjä</option>",
        ] {
            assert!(html.contains(needed), "{needed:?} missing:\n{html}");
        }
        // Another organisation's accounts and roles it may not grant are not there.
        assert!(!html.contains("Bo B"), "{html}");
        assert!(!html.contains("value=\"supervisor\""), "{html}");
        assert!(!html.contains("value=\"rules_author\""), "{html}");
        assert!(
            !html.contains("href=\"/queue\""),
            "the officials' menu: {html}"
        );
        let csrf = csrf_of(&html);

        let before = count(&app, "users").await;
        let (s, h, body) = b
            .post(
                "/admin/accounts",
                &account_form(&csrf, "uuno", "Uuno Uusi", "official", ""),
            )
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{body}");
        assert_eq!(h["location"], "/admin?done=created");
        assert_eq!(count(&app, "users").await, before + 1);
        let (made, hash) = app.store.user_by_username("uuno").await.unwrap().unwrap();
        assert_eq!(made.role, Role::Official);
        assert_eq!(made.org_id, Some(app.fx.org_a.id));
        assert_eq!(made.display_name.as_str(), "Uuno Uusi");
        assert!(hash.is_none(), "created without a password");
        let (s, h, body) = b
            .post(
                "/admin/accounts",
                &account_form(
                    &csrf,
                    "pirjo",
                    "Pirjo Pääkäyttäjä",
                    "administrator",
                    "pitkä ja hyvä salasana",
                ),
            )
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{body}");
        assert_eq!(h["location"], "/admin?done=created");
        let (made, hash) = app.store.user_by_username("pirjo").await.unwrap().unwrap();
        assert_eq!(made.role, Role::Administrator);
        assert!(hash.is_some(), "created with a password");
        let (s, _, html) = b.get("/admin?done=created").await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("Käyttäjätili luotu."), "{html}");
        let uuno = account_row(&app, &html, "uuno").await;
        assert!(
            uuno.contains("Uuno Uusi") && uuno.contains("Virkailija"),
            "{uuno}"
        );
        assert!(uuno.contains("Ei salasanaa"), "{uuno}");
        let pirjo = account_row(&app, &html, "pirjo").await;
        assert!(
            pirjo.contains("Pääkäyttäjä") && pirjo.contains("Asetettu"),
            "{pirjo}"
        );

        // Lifting an account's delays: recorded in the security log, by the administrator.
        let anni = app.store.user_by_username("a").await.unwrap().unwrap().0;
        let lifted = || async {
            raw_i64(
                &app.store,
                "SELECT COUNT(*) FROM security_log WHERE event = 'delays_lifted'",
            )
            .await
        };
        let before = lifted().await;
        let (s, h, body) = b
            .post(
                "/admin/accounts/lift-delays",
                &[("csrf", &csrf), ("user_id", &anni.id.to_string())],
            )
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{body}");
        assert_eq!(h["location"], "/admin?done=lifted");
        assert_eq!(lifted().await, before + 1);
        let (_, _, html) = b.get("/admin?done=lifted").await;
        assert!(
            html.contains("Käyttäjätilin kirjautumisviiveet poistettu."),
            "{html}"
        );
        // Not another organisation's account: it does not exist for this administrator.
        let bo = app.store.user_by_username("b").await.unwrap().unwrap().0;
        let (s, _, _) = b
            .post(
                "/admin/accounts/lift-delays",
                &[("csrf", &csrf), ("user_id", &bo.id.to_string())],
            )
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        assert_eq!(lifted().await, before + 1);

        // In Swedish.
        let (s, _, html) = b.get("/admin?lang=sv").await;
        assert_eq!(s, StatusCode::OK);
        for needed in [
            "<h1>Användarkonton</h1>",
            "Tjänsteman",
            "Huvudanvändare",
            "Inget lösenord",
            "Skapa användarkonto",
            "Ta bort inloggningsfördröjningar: uuno",
        ] {
            assert!(html.contains(needed), "{needed:?} missing:\n{html}");
        }
        app
    })
    .await;
}

/// A bad account form is the form again (422) with an error at each field it concerns, the
/// answers kept (never the password) and no account created: empty username and name, an
/// unknown role and a short password all at once; a role this organisation may not grant; a
/// username already taken; a name already used in the organisation.
#[tokio::test]
async fn a_bad_account_form_shows_each_field_error_and_creates_nothing() {
    each_backend(|app| async move {
        let b = Browser::new(&app);
        let csrf = b.login("admin").await;
        let before = admin_rows(&app).await;
        let (s, _, html) = b
            .post(
                "/admin/accounts",
                &account_form(&csrf, " ", "", "chief", "lyhyt1"),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
        for needed in [
            "href=\"#account-username\"",
            "href=\"#account-display_name\"",
            "href=\"#account-role\"",
            "href=\"#account-password\"",
            "Anna käyttäjätunnus",
            "Anna henkilön nimi",
            "Valitse rooli, jonka organisaatiosi voi antaa.",
            "Salasanassa pitää olla vähintään 12 merkkiä",
            "id=\"account-password\" name=\"password\" value=\"\"",
        ] {
            assert!(html.contains(needed), "{needed:?} missing:\n{html}");
        }
        assert!(!html.contains("lyhyt1"), "the password is never shown back");
        assert_eq!(admin_rows(&app).await, before);

        // A role an employment authority does not grant: refused by the use case, at its field.
        let (s, _, html) = b
            .post(
                "/admin/accounts",
                &account_form(&csrf, "ville2", "Ville Toinen", "supervisor", ""),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
        assert!(html.contains("href=\"#account-role\""), "{html}");
        assert!(
            html.contains("value=\"ville2\""),
            "the answers are kept: {html}"
        );
        assert!(!html.contains("href=\"#account-username\""), "{html}");
        // Taken: a username (of any organisation) and a name in this organisation.
        let (s, _, html) = b
            .post(
                "/admin/accounts",
                &account_form(&csrf, "b", "Bertta Uusi", "official", ""),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
        assert!(
            html.contains("Tämä käyttäjätunnus on jo käytössä."),
            "{html}"
        );
        let (s, _, html) = b
            .post(
                "/admin/accounts",
                &account_form(&csrf, "anni2", "Anni A", "official", ""),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
        assert!(
            html.contains("href=\"#account-display_name\"")
                && html.contains("Organisaatiossa on jo tämänniminen käyttäjätili."),
            "{html}"
        );
        // In Swedish.
        let (s, _, html) = b
            .post(
                "/admin/accounts?lang=sv",
                &account_form(&csrf, "", "Sven", "official", ""),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
        assert!(html.contains("Ange ett användarnamn"), "{html}");
        assert_eq!(admin_rows(&app).await, before);
        app
    })
    .await;
}

/// The administrator's pages are the administrator's only: an official, the supervisor, a
/// KEHA official, the rules author and a job seeker get 403 on each page and each form, and
/// nothing is written.
#[tokio::test]
async fn every_other_role_gets_403_on_the_administrators_pages() {
    each_backend(|app| async move {
        let before = admin_rows(&app).await;
        let anni = app.store.user_by_username("a").await.unwrap().unwrap().0;
        let anni_id = anni.id.to_string();
        for who in ["a", "avi", "keha", "rules", "seeker"] {
            let b = Browser::new(&app);
            let csrf = b.login(who).await;
            for path in ["/admin", "/admin/identities", "/admin/payers"] {
                let (s, _, html) = b.get(path).await;
                assert_eq!(s, StatusCode::FORBIDDEN, "GET {path} as {who}: {html}");
            }
            let posts: [(&str, Vec<(&str, &str)>); 5] = [
                (
                    "/admin/accounts",
                    account_form(&csrf, "uusi", "Uusi Tili", "official", ""),
                ),
                (
                    "/admin/accounts/lift-delays",
                    vec![("csrf", csrf.as_str()), ("user_id", anni_id.as_str())],
                ),
                (
                    "/admin/identities",
                    vec![
                        ("csrf", csrf.as_str()),
                        ("user_id", anni_id.as_str()),
                        ("provider", "virkailijat"),
                        ("subject", "anni"),
                    ],
                ),
                (
                    "/admin/payers",
                    vec![
                        ("csrf", csrf.as_str()),
                        ("name_fi", "Kassa"),
                        ("name_sv", "Kassan"),
                        ("endpoint_url", "https://kassa.example.fi/in"),
                    ],
                ),
                (
                    "/admin/accounts/manager",
                    vec![
                        ("csrf", csrf.as_str()),
                        ("user_id", anni_id.as_str()),
                        ("action", "grant"),
                    ],
                ),
            ];
            for (path, form) in posts {
                let (s, _, html) = b.post(path, &form).await;
                assert_eq!(s, StatusCode::FORBIDDEN, "POST {path} as {who}: {html}");
            }
            // Their menu does not lead there.
            let home = if who == "seeker" { "/me" } else { "/today" };
            let (_, _, html) = b.get(home).await;
            assert!(!html.contains("href=\"/admin"), "{who}: {html}");
        }
        assert_eq!(
            admin_rows(&app).await,
            before,
            "a refused page wrote something"
        );
        assert_eq!(count(&app, "manager_grant_events").await, 0);
        app
    })
    .await;
}

/// Issue 14 (managers): the accounts page says which accounts are managers and offers, for
/// officials only, a button that makes one a manager or takes the grant away; the official so
/// made reads their organisation's reports at once and not after the revocation; another
/// organisation's account is not found (404), an administrator's account cannot be a manager
/// and a form of no known action is refused, none of them recording anything; in Swedish.
#[tokio::test]
async fn an_administrator_makes_an_official_a_manager_from_the_accounts_page_and_takes_it_away() {
    each_backend(|app| async move {
        let b = Browser::new(&app);
        let csrf = b.login("admin").await;
        let anni = app.store.user_by_username("a").await.unwrap().unwrap().0;
        let anni_id = anni.id.to_string();
        let (_, _, html) = b.get("/admin").await;
        let row = account_row(&app, &html, "a").await;
        assert!(
            row.contains("Ei esihenkilö") && row.contains("Tee esihenkilöksi: a"),
            "{row}"
        );
        let row = account_row(&app, &html, "admin").await;
        assert!(
            row.contains("Vain virkailija tai KEHA-keskuksen virkailija voi olla esihenkilö")
                && !row.contains("/admin/accounts/manager"),
            "{row}"
        );
        let official = Browser::new(&app);
        official.login("a").await;
        let (s, _, _) = official.get("/reports").await;
        assert_eq!(s, StatusCode::FORBIDDEN, "not a manager yet");

        let post = |action: &'static str, id: String| {
            let (b, csrf) = (&b, &csrf);
            async move {
                let form = [
                    ("csrf", csrf.as_str()),
                    ("user_id", &id),
                    ("action", action),
                ];
                b.post("/admin/accounts/manager", &form).await
            }
        };
        let (s, h, body) = post("grant", anni_id.clone()).await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{body}");
        assert_eq!(h["location"], "/admin?done=manager-granted");
        assert!(app.store.manager_grant(anni.id).await.unwrap().is_some());
        let (_, _, html) = b.get("/admin?done=manager-granted").await;
        assert!(
            html.contains("Käyttäjätilistä tehtiin esihenkilö"),
            "{html}"
        );
        let row = account_row(&app, &html, "a").await;
        assert!(
            row.contains("Esihenkilö (näkee organisaation valvontaraportit)")
                && row.contains("Poista esihenkilöoikeus: a"),
            "{row}"
        );
        let (s, _, html) = official.get("/reports").await;
        assert_eq!(s, StatusCode::OK, "a manager reads the reports: {html}");

        // Refused: another organisation's account, an administrator, an unknown action.
        let events = count(&app, "manager_grant_events").await;
        let bo = app.store.user_by_username("b").await.unwrap().unwrap().0;
        let (s, _, _) = post("grant", bo.id.to_string()).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let admin = app
            .store
            .user_by_username("admin")
            .await
            .unwrap()
            .unwrap()
            .0;
        let (s, _, html) = post("grant", admin.id.to_string()).await;
        assert!(s.is_client_error(), "{s}: {html}");
        let (s, _, _) = post("promote", anni_id.clone()).await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        let (s, _, _) = post("grant", "not-an-id".to_owned()).await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        assert_eq!(count(&app, "manager_grant_events").await, events);
        assert!(app.store.manager_grant(admin.id).await.unwrap().is_none());

        // Taken away: the page says so, and the reports are closed at once.
        let (s, h, _) = post("revoke", anni_id.clone()).await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        assert_eq!(h["location"], "/admin?done=manager-revoked");
        assert!(app.store.manager_grant(anni.id).await.unwrap().is_none());
        assert_eq!(count(&app, "manager_grant_events").await, events + 1);
        let (s, _, _) = official.get("/reports").await;
        assert_eq!(s, StatusCode::FORBIDDEN, "no longer a manager");

        // In Swedish.
        let (_, _, html) = b.get("/admin?lang=sv&done=manager-revoked").await;
        for needed in [
            "Användarkontots chefsrättighet togs bort.",
            "Inte chef",
            "Gör till chef: a",
            "<th scope=\"col\">Chef</th>",
        ] {
            assert!(html.contains(needed), "{needed:?} missing:\n{html}");
        }
        app
    })
    .await;
}

/// A benefit payer registered through the form is listed with its names and endpoint; a bad
/// form (no Finnish name, an endpoint that is not https) is the form again with both errors,
/// and so is a payer already registered, and nothing is registered; the page in Swedish.
#[tokio::test]
async fn a_payer_registered_from_the_form_is_listed() {
    each_backend(|app| async move {
        let b = Browser::new(&app);
        b.login("admin").await;
        let (s, h, html) = b.get("/admin/payers").await;
        assert_eq!(s, StatusCode::OK, "{html}");
        assert_page_headers(&h);
        assert!(html.contains("<h1>Etuuden maksajat</h1>"), "{html}");
        let csrf = csrf_of(&html);
        let before = count(&app, "benefit_payers").await;
        let (s, _, html) = b
            .post(
                "/admin/payers",
                &[
                    ("csrf", &csrf),
                    ("name_fi", ""),
                    ("name_sv", "Arbetslöshetskassan Test"),
                    ("endpoint_url", "http://kassa.example.fi/lausunnot"),
                ],
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
        for needed in [
            "href=\"#payer-name_fi\"",
            "href=\"#payer-endpoint_url\"",
            "Anna maksajan nimi suomeksi",
            "Anna toimitusosoite, joka alkaa https://",
            "value=\"Arbetslöshetskassan Test\"",
        ] {
            assert!(html.contains(needed), "{needed:?} missing:\n{html}");
        }
        assert!(!html.contains("href=\"#payer-name_sv\""), "{html}");
        assert_eq!(count(&app, "benefit_payers").await, before);

        let (s, h, body) = b
            .post(
                "/admin/payers",
                &[
                    ("csrf", &csrf),
                    ("name_fi", "Työttömyyskassa Testi"),
                    ("name_sv", "Arbetslöshetskassan Test"),
                    ("endpoint_url", "https://kassa.example.fi/lausunnot"),
                ],
            )
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{body}");
        assert_eq!(h["location"], "/admin/payers?done=registered");
        assert_eq!(count(&app, "benefit_payers").await, before + 1);
        let (_, _, html) = b.get("/admin/payers?done=registered").await;
        for needed in [
            "Etuuden maksaja kirjattu.",
            "Työttömyyskassa Testi",
            "Arbetslöshetskassan Test",
            "https://kassa.example.fi/lausunnot",
        ] {
            assert!(html.contains(needed), "{needed:?} missing:\n{html}");
        }
        // Registered once: the same Finnish name again is refused at its field.
        let (s, _, html) = b
            .post(
                "/admin/payers",
                &[
                    ("csrf", &csrf),
                    ("name_fi", "Työttömyyskassa Testi"),
                    ("name_sv", "Arbetslöshetskassan Test 2"),
                    ("endpoint_url", "https://kassa2.example.fi/lausunnot"),
                ],
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
        assert!(
            html.contains("href=\"#payer-name_fi\"")
                && html.contains("Tämä etuuden maksaja on jo kirjattu."),
            "{html}"
        );
        assert_eq!(count(&app, "benefit_payers").await, before + 1);
        // The same payer through the application layer (the API's list reads it too).
        let admin = app.login("admin").await;
        let (s, payers) = admin.get("/api/benefit-payers").await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            payers
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["name_fi"] == "Työttömyyskassa Testi"),
            "{payers}"
        );
        let (s, _, html) = b.get("/admin/payers?lang=sv").await;
        assert_eq!(s, StatusCode::OK);
        for needed in [
            "<h1>Förmånsutbetalare</h1>",
            "Registrera en förmånsutbetalare",
            "Työttömyyskassa Testi",
        ] {
            assert!(html.contains(needed), "{needed:?} missing:\n{html}");
        }
        app
    })
    .await;
}

/// A server with one identity provider configured (discovery is lazy: the provider is never
/// asked in these tests).
async fn start_with_provider(backend: Backend) -> App {
    App::start_with(
        backend,
        Options {
            config: kirjuri_web::Config {
                oidc: vec![OidcProviderConfig {
                    name: "virkailijat".into(),
                    issuer: "https://tunnistus.example.fi".into(),
                    client_id: "kirjuri".into(),
                    client_secret: None,
                    redirect_url: "https://kirjuri.example.fi/api/oidc/virkailijat/callback".into(),
                    label: Some("Virkailijoiden tunnistus".into()),
                }],
                ..Default::default()
            },
            ..Default::default()
        },
    )
    .await
}

/// A1: an identity linked through the form (provider, subject, an account of the
/// administrator's organisation) is listed on the links page and in the account's row, and
/// the account logs in as that identity; a bad form (nothing chosen, no subject) shows each
/// error; an identity already linked, or an account of another organisation, is refused at its
/// field; nothing is written by a refused form. Without a provider configured there is no form.
#[tokio::test]
async fn an_identity_linked_from_the_form_is_listed() {
    for backend in backends() {
        eprintln!("backend {backend:?}");
        let app = start_with_provider(backend).await;
        let b = Browser::new(&app);
        b.login("admin").await;
        let (s, h, html) = b.get("/admin/identities").await;
        assert_eq!(s, StatusCode::OK, "{html}");
        assert_page_headers(&h);
        assert!(
            html.contains("<option value=\"virkailijat\">Virkailijoiden tunnistus</option>"),
            "{html}"
        );
        assert!(html.contains("Anni A (a)"), "{html}");
        assert!(!html.contains("Bo B"), "{html}");
        let csrf = csrf_of(&html);
        let anni = app.store.user_by_username("a").await.unwrap().unwrap().0;
        let bo = app.store.user_by_username("b").await.unwrap().unwrap().0;
        let (anni_id, bo_id) = (anni.id.to_string(), bo.id.to_string());
        let before = count(&app, "oidc_identities").await;

        let (s, _, html) = b
            .post(
                "/admin/identities",
                &[
                    ("csrf", &csrf),
                    ("user_id", ""),
                    ("provider", ""),
                    ("subject", "  "),
                ],
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
        for needed in [
            "href=\"#link-user_id\"",
            "href=\"#link-provider\"",
            "href=\"#link-subject\"",
        ] {
            assert!(html.contains(needed), "{needed:?} missing:\n{html}");
        }
        let (s, _, html) = b
            .post(
                "/admin/identities",
                &[
                    ("csrf", &csrf),
                    ("user_id", &bo_id),
                    ("provider", "virkailijat"),
                    ("subject", "bo.b"),
                ],
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
        assert!(
            html.contains("Valitse organisaatiosi käyttäjätili."),
            "{html}"
        );
        assert_eq!(count(&app, "oidc_identities").await, before);

        let link = [
            ("csrf", csrf.as_str()),
            ("user_id", anni_id.as_str()),
            ("provider", "virkailijat"),
            ("subject", "anni.virtanen"),
        ];
        let (s, h, body) = b.post("/admin/identities", &link).await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{body}");
        assert_eq!(h["location"], "/admin/identities?done=linked");
        assert_eq!(count(&app, "oidc_identities").await, before + 1);
        let linked = app
            .core
            .user_by_identity("virkailijat", "anni.virtanen")
            .await
            .unwrap()
            .expect("linked");
        assert_eq!(linked.id, anni.id);
        let (_, _, html) = b.get("/admin/identities?done=linked").await;
        for needed in [
            "Tunniste linkitetty käyttäjätiliin.",
            "<td>Anni A (a)</td><td>Virkailijoiden tunnistus</td><td><code>anni.virtanen</code></td>",
        ] {
            assert!(html.contains(needed), "{needed:?} missing:\n{html}");
        }
        let (_, _, html) = b.get("/admin").await;
        let row = account_row(&app, &html, "a").await;
        assert!(
            row.contains("Virkailijoiden tunnistus: anni.virtanen"),
            "{row}"
        );
        // Never moved silently.
        let (s, _, html) = b.post("/admin/identities", &link).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
        assert!(html.contains("Tämä tunniste on jo linkitetty"), "{html}");
        assert_eq!(count(&app, "oidc_identities").await, before + 1);
        let (s, _, html) = b.get("/admin/identities?lang=sv").await;
        assert_eq!(s, StatusCode::OK);
        for needed in [
            "Kopplade identifierare",
            "Koppla identifieraren",
            "anni.virtanen",
        ] {
            assert!(html.contains(needed), "{needed:?} missing:\n{html}");
        }
        app.stop().await;
    }
    // Without a configured provider, nothing to link at.
    each_backend(|app| async move {
        let b = Browser::new(&app);
        b.login("admin").await;
        let (s, _, html) = b.get("/admin/identities").await;
        assert_eq!(s, StatusCode::OK, "{html}");
        assert!(
            html.contains("Yhtään tunnistuspalvelua ei ole määritetty."),
            "{html}"
        );
        assert!(!html.contains("action=\"/admin/identities\""), "{html}");
        app
    })
    .await;
}

/// Issue 14: a real Chromium (the system's, through playwright-core) walks the administrator's
/// pages in Finnish and Swedish — an account refused and then created, its log-in delays
/// lifted, an identity linked to it and refused when linked again, a benefit payer refused and
/// then registered — with axe-core finding 0 WCAG 2.1 A/AA violations on every page and no
/// console error (CSP). `scripts/setup.sh` installs Chromium and the pinned npm packages; their
/// absence fails it.
#[tokio::test]
async fn a_real_browser_walks_the_administrators_pages() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    assert!(
        dir.join("node_modules/playwright-core").is_dir()
            && dir.join("node_modules/axe-core").is_dir(),
        "the browser test's packages are not installed: run scripts/setup.sh (npm ci in {})",
        dir.display()
    );
    for backend in backends() {
        eprintln!("backend {backend:?}");
        let app = start_with_provider(backend).await;
        let base = app.base.clone();
        let dir = dir.clone();
        // Blocking, on a thread of its own, while this runtime goes on serving the pages.
        let out = tokio::task::spawn_blocking(move || {
            std::process::Command::new("node")
                .arg("admin.mjs")
                .current_dir(&dir)
                .env("BASE", &base)
                .env("USERNAME", "admin")
                .env("PASSWORD", PASSWORD)
                .env("PROVIDER", "virkailijat")
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
        let summary: Value = serde_json::from_str(stdout.trim().lines().last().unwrap()).unwrap();
        assert_eq!(summary["violations"], 0, "{summary}\n{stderr}");
        assert_eq!(summary["pages"], 22, "axe ran on every page: {summary}");
        // What the walk did is in the database: two accounts, two links, two payers, and each
        // account made a manager and the grant taken away.
        for username in ["uunofi", "uunosv"] {
            let user = app.store.user_by_username(username).await.unwrap();
            assert!(user.is_some(), "{username} was created");
        }
        for subject in ["uunofi.sub", "uunosv.sub"] {
            let linked = app
                .core
                .user_by_identity("virkailijat", subject)
                .await
                .unwrap();
            assert!(linked.is_some(), "{subject} was linked");
        }
        assert_eq!(
            raw_i64(&app.store, "SELECT COUNT(*) FROM manager_grant_events").await,
            4
        );
        app.stop().await;
    }
}
