//! Log-in and transport (issue 7, A1 and A18): session expiry, throttling of failed log-ins,
//! the cross-site request check, HTTPS with a certificate made at test time, and OpenID
//! Connect log-in against a real provider (`oidc-provider` on Node.js, `tests/oidc/`).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use kirjuri_domain::{Clock, SystemClock};
use kirjuri_web::oidc::OidcProviderConfig;
use reqwest::header::{LOCATION, SET_COOKIE};
use reqwest::Url;

use super::*;

fn raw_client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn try_login(app: &App, client: &reqwest::Client, user: &str, pw: &str) -> reqwest::Response {
    client
        .post(app.url("/api/login"))
        .json(&json!({"username": user, "password": pw}))
        .send()
        .await
        .unwrap()
}

async fn error_code(r: reqwest::Response) -> String {
    let body: Value = r.json().await.unwrap_or(Value::Null);
    body["error"]["code"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn an_expired_session_answers_401() {
    each_backend(|app| async move {
        let http = app.login("a").await;
        assert_eq!(http.get("/api/me").await.0, StatusCode::OK);
        app.clock
            .advance(chrono::Duration::hours(8) - chrono::Duration::seconds(1));
        assert_eq!(http.get("/api/me").await.0, StatusCode::OK);
        app.clock.advance(chrono::Duration::seconds(2));
        let (status, body) = http.get("/api/me").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
        assert_eq!(body["error"]["code"], "unauthenticated");
        app
    })
    .await;
}

async fn login_from(
    app: &App,
    c: &reqwest::Client,
    user: &str,
    pw: &str,
    addr: &str,
) -> reqwest::Response {
    c.post(app.url("/api/login"))
        .header("x-forwarded-for", addr)
        .json(&json!({"username": user, "password": pw}))
        .send()
        .await
        .unwrap()
}

fn retry_after(r: &reqwest::Response) -> i64 {
    r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

/// Issue 15 item 7: wrong passwords delay further tries of that username from that address,
/// doubling with each failure, and tries from one address after many failures there — never
/// the account from everywhere, so nobody can lock anybody out. An administrator lifts an
/// account's delays; every failure, delayed try and lifting stays in the security log, which
/// only the supervisor reads, after the throttle has forgotten them. Time is the store's.
#[tokio::test]
async fn failed_logins_delay_that_username_from_that_address_and_are_logged_for_good() {
    for backend in backends() {
        let app = App::start_with(
            backend,
            Options {
                config: kirjuri_web::Config {
                    trust_forwarded_for: true,
                    ..Default::default()
                },
                ..Default::default()
            },
        )
        .await;
        let c = raw_client();
        let attacker = "203.0.113.7";
        for _ in 0..3 {
            let r = login_from(&app, &c, "b", "wrong", attacker).await;
            assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        }
        // The fourth try from there waits for the first delay, even with the right password.
        let r = login_from(&app, &c, "B", PASSWORD, attacker).await;
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(retry_after(&r), 2);
        assert_eq!(error_code(r).await, "too_many_failed_logins");
        // The owner of the account, from their own address, is not locked out.
        let r = login_from(&app, &c, "b", PASSWORD, "198.51.100.20").await;
        assert_eq!(r.status(), StatusCode::OK);
        // Each further failure doubles the delay.
        app.clock.advance(chrono::Duration::seconds(3));
        let r = login_from(&app, &c, "b", "wrong", attacker).await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        let r = login_from(&app, &c, "b", PASSWORD, attacker).await;
        assert_eq!(retry_after(&r), 4);
        // The administrator of b's organisation lifts the delays.
        let b_id = app.store.user_by_username("b").await.unwrap().unwrap().0.id;
        let admin_b = app
            .store
            .create_user(NewUser {
                username: Username::parse("admin-b").unwrap(),
                display_name: PersonName::parse("Bea Admin").unwrap(),
                role: Role::Administrator,
                org_id: Some(app.fx.org_b.id),
                client_id: None,
                password_hash: Some(kirjuri_app::hash_password(PASSWORD).unwrap()),
            })
            .await
            .unwrap();
        let admin_a = app.login("admin").await;
        let lift = format!("/api/admin/users/{b_id}/lift-login-delays");
        // Not another organisation's administrator.
        assert_eq!(
            admin_a.post(&lift, json!(null)).await.0,
            StatusCode::NOT_FOUND
        );
        let admin = app.login("admin-b").await;
        let r = admin.client.post(app.url(&lift)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        let r = login_from(&app, &c, "b", PASSWORD, attacker).await;
        assert_eq!(r.status(), StatusCode::OK);

        // Twenty failures from one address across usernames delay tries from that address,
        // not from others.
        let office = "192.0.2.50";
        for i in 0..20 {
            let r = login_from(&app, &c, &format!("nobody{i}"), "wrong", office).await;
            assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "attempt {i}");
        }
        let r = login_from(&app, &c, "a", PASSWORD, office).await;
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(
            login_from(&app, &c, "a", PASSWORD, "192.0.2.51")
                .await
                .status(),
            StatusCode::OK
        );

        // Long after, the throttle has forgotten (a new failure prunes its counts); the
        // security log has not.
        app.clock.advance(chrono::Duration::days(2));
        let r = login_from(&app, &c, "nobody", "wrong", office).await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(
            raw_i64(&app.store, "SELECT COUNT(*) FROM login_failures").await,
            2
        );
        let avi = app.login("avi").await;
        let (s, log) = avi.get("/api/security-log?limit=1000").await;
        assert_eq!(s, StatusCode::OK, "{log}");
        let log = log.as_array().unwrap();
        let of = |event: &str| log.iter().filter(|e| e["event"] == event).count();
        assert_eq!(of("login_failed"), 3 + 1 + 20 + 1, "{log:?}");
        assert_eq!(of("login_delayed"), 3, "{log:?}");
        assert_eq!(of("delays_lifted"), 1, "{log:?}");
        let lifted = log.iter().find(|e| e["event"] == "delays_lifted").unwrap();
        assert_eq!(lifted["user_id"], b_id.to_string());
        assert_eq!(lifted["by_user"], admin_b.id.to_string());
        let failed_b = log
            .iter()
            .find(|e| e["event"] == "login_failed" && e["username"] == "b")
            .unwrap();
        assert_eq!(failed_b["address"], attacker);
        assert_eq!(failed_b["user_id"], b_id.to_string());
        // Nobody else reads it.
        let a = app.login("a").await;
        assert_eq!(a.get("/api/security-log").await.0, StatusCode::FORBIDDEN);
        app.stop().await;
    }
}

#[tokio::test]
async fn cross_site_state_changes_are_refused() {
    each_backend(|app| async move {
        let http = app.login("a").await;
        let before = snapshot(&app).await;
        let new_client = json!({"hetu": "131052-308T", "first_name": "Uusi", "last_name": "Asiakas",
            "language": "fi"});
        // A foreign Origin on a write: refused before the handler runs, nothing written.
        let r = http
            .client
            .post(app.url("/api/clients"))
            .header("origin", "https://evil.example")
            .json(&new_client)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        assert_eq!(error_code(r).await, "cross_origin");
        // Without Origin, a browser's Sec-Fetch-Site: cross-site is refused too.
        let r = http
            .client
            .post(app.url("/api/logout"))
            .header("sec-fetch-site", "cross-site")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        // `Origin: null` (sandboxed frames) is not the server's origin.
        let r = http
            .client
            .post(app.url("/api/clients"))
            .header("origin", "null")
            .json(&new_client)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        assert_eq!(snapshot(&app).await, before);
        // A text/plain body (what a cross-site form or a CORS-free fetch can send) is refused.
        let (status, body) = http
            .post_raw("/api/clients", br#"{"hetu":"131052-308T"}"#, "text/plain")
            .await;
        assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{body}");
        // Reads are not state-changing: a foreign Origin on GET is answered.
        let r = http
            .client
            .get(app.url("/api/me"))
            .header("origin", "https://evil.example")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        // The server's own origin passes.
        let r = http
            .client
            .post(app.url("/api/logout"))
            .header("origin", app.base.clone())
            .header("sec-fetch-site", "same-origin")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        app
    })
    .await;
}

/// A18: HTTPS with rustls, a self-signed certificate made now, written as PEM files and loaded
/// the way `kirjuri serve --tls-cert --tls-key` loads them.
#[tokio::test]
async fn https_with_a_certificate_made_at_test_time() {
    let cert =
        rcgen::generate_simple_self_signed(vec!["localhost".into(), "127.0.0.1".into()]).unwrap();
    let dir = std::env::temp_dir().join(format!("kirjuri-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (cert_path, key_path) = (dir.join("cert.pem"), dir.join("key.pem"));
    std::fs::write(&cert_path, cert.cert.pem()).unwrap();
    std::fs::write(&key_path, cert.signing_key.serialize_pem()).unwrap();
    let tls = kirjuri_web::tls::server_config(&cert_path, &key_path).unwrap();
    // A key that is not PEM is refused with the file named.
    let err = kirjuri_web::tls::server_config(&cert_path, &cert_path).unwrap_err();
    assert!(err.to_string().contains("cert.pem"), "{err}");
    for backend in backends() {
        let app = App::start_with(
            backend,
            Options {
                tls: Some(tls.clone()),
                config: kirjuri_web::Config {
                    secure_cookies: true,
                    ..Default::default()
                },
                ..Default::default()
            },
        )
        .await;
        assert!(app.base.starts_with("https://127.0.0.1:"), "{}", app.base);
        let client = reqwest::Client::builder()
            .add_root_certificate(
                reqwest::Certificate::from_pem(cert.cert.pem().as_bytes()).unwrap(),
            )
            .cookie_store(true)
            .build()
            .unwrap();
        let r = client.get(app.url("/health")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let r = try_login(&app, &client, "a", PASSWORD).await;
        assert_eq!(r.status(), StatusCode::OK);
        let cookie = r.headers()[SET_COOKIE].to_str().unwrap().to_owned();
        assert!(
            cookie.contains("; Secure") && cookie.contains("HttpOnly"),
            "{cookie}"
        );
        let r = client.get(app.url("/api/me")).send().await.unwrap();
        assert_eq!(r.json::<Value>().await.unwrap()["username"], "a");
        // A client that does not trust the certificate gets no answer; nor does plain HTTP.
        assert!(reqwest::Client::new()
            .get(app.url("/health"))
            .send()
            .await
            .is_err());
        let plain = app.base.replace("https://", "http://");
        assert!(reqwest::Client::new()
            .get(format!("{plain}/health"))
            .send()
            .await
            .is_err());
        app.stop().await;
    }
    let _ = std::fs::remove_dir_all(&dir);
}

// ---- OpenID Connect against a real provider -------------------------------------------------

const CLIENT_ID: &str = "kirjuri";
const CLIENT_SECRET: &str = "kirjuri-test-secret";

/// The `oidc-provider` process; killed when dropped.
struct Provider {
    child: Child,
    issuer: String,
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `tests/oidc/provider.mjs` with Node.js. A missing Node.js or missing packages fail
/// the test: `scripts/setup.sh` installs both.
fn start_provider(redirect_uri: &str) -> Provider {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oidc");
    assert!(
        dir.join("node_modules/oidc-provider").is_dir(),
        "the OpenID Connect test provider is not installed: run scripts/setup.sh \
         (it runs `npm ci` in {})",
        dir.display()
    );
    let mut child = Command::new("node")
        .arg("provider.mjs")
        .current_dir(&dir)
        .env("OIDC_REDIRECT_URIS", redirect_uri)
        .env("OIDC_CLIENT_ID", CLIENT_ID)
        .env("OIDC_CLIENT_SECRET", CLIENT_SECRET)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("Node.js (`node`) is needed for the OpenID Connect test (scripts/setup.sh installs it): {e}")
        });
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let mut provider = Provider {
        child,
        issuer: String::new(),
    };
    let line = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("the OpenID Connect provider did not print its issuer in 30 s");
    provider.issuer = line.trim().to_owned();
    assert!(
        provider.issuer.starts_with("http://127.0.0.1:"),
        "provider.mjs printed {line:?} instead of its issuer"
    );
    provider
}

/// Follows a log-in from Kirjuri's login route through the provider's log-in and consent forms
/// (posted like a browser would) up to the redirect back to Kirjuri, and returns the callback
/// URL without visiting it. `tamper` may change the authorization request on its way.
async fn through_provider(
    app: &App,
    browser: &reqwest::Client,
    login_name: &str,
    tamper: impl Fn(&mut Url),
) -> Url {
    let r = browser
        .get(app.url("/api/oidc/officials/login"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let cookie = r.headers()[SET_COOKIE].to_str().unwrap().to_owned();
    assert!(
        cookie.starts_with("kirjuri_oidc=")
            && cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let mut url = Url::parse(r.headers()[LOCATION].to_str().unwrap()).unwrap();
    let query: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    for p in ["state", "nonce", "code_challenge"] {
        assert!(query.iter().any(|(k, _)| k == p), "no {p} in {url}");
    }
    assert!(query.contains(&("code_challenge_method".into(), "S256".into())));
    tamper(&mut url);
    let callback = app.url("/api/oidc/officials/callback");
    for _ in 0..20 {
        if url.as_str().starts_with(&callback) {
            return url;
        }
        let r = browser.get(url.clone()).send().await.unwrap();
        let r = if r.status() == StatusCode::OK {
            let html = r.text().await.unwrap();
            let prompt = if html.contains(r#"name="prompt" value="login""#) {
                "login"
            } else if html.contains(r#"name="prompt" value="consent""#) {
                "consent"
            } else {
                panic!("unexpected page at {url}:\n{html}");
            };
            let action = html
                .split("action=\"")
                .nth(1)
                .and_then(|s| s.split('"').next())
                .expect("form action");
            browser
                .post(url.join(action).unwrap())
                .form(&[
                    ("prompt", prompt),
                    ("login", login_name),
                    ("password", "any"),
                ])
                .send()
                .await
                .unwrap()
        } else {
            r
        };
        assert!(
            r.status().is_redirection(),
            "provider answered {} at {url}: {}",
            r.status(),
            r.text().await.unwrap_or_default()
        );
        url = url.join(r.headers()[LOCATION].to_str().unwrap()).unwrap();
    }
    panic!("no redirect back to Kirjuri after 20 steps (last {url})");
}

fn set_param(url: &mut Url, name: &str, value: &str) {
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .into_owned()
        .map(|(k, v)| {
            if k == name {
                (k, value.to_owned())
            } else {
                (k, v)
            }
        })
        .collect();
    url.query_pairs_mut().clear().extend_pairs(pairs);
}

async fn me(app: &App, browser: &reqwest::Client) -> (StatusCode, Value) {
    let r = browser.get(app.url("/api/me")).send().await.unwrap();
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// A1 through OpenID Connect: the whole authorization code flow with PKCE against a real
/// provider, and every way the callback must refuse.
#[tokio::test]
async fn oidc_login_with_a_real_provider() {
    for backend in backends() {
        eprintln!("backend {backend:?}");
        // Kirjuri's address must be known before the provider registers the redirect URI.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let redirect = format!("{base}/api/oidc/officials/callback");
        let provider = start_provider(&redirect);
        let app = App::start_with(
            backend,
            Options {
                listener: Some(listener),
                // The provider stamps tokens with the real time; Kirjuri's clock starts there.
                now: Some(SystemClock.now()),
                config: kirjuri_web::Config {
                    oidc: vec![OidcProviderConfig {
                        name: "officials".into(),
                        issuer: provider.issuer.clone(),
                        client_id: CLIENT_ID.into(),
                        client_secret: Some(CLIENT_SECRET.into()),
                        redirect_url: redirect.clone(),
                        label: Some("Virkailijat <OIDC>".into()),
                    }],
                    ..Default::default()
                },
                ..Default::default()
            },
        )
        .await;

        // An administrator links the subject "anni.virtanen" to the personal account "a".
        let anni = app.store.user_by_username("a").await.unwrap().unwrap().0;
        let bo = app.store.user_by_username("b").await.unwrap().unwrap().0;
        let link = |subject: &str, user: &kirjuri_domain::User| json!({"provider": "officials", "subject": subject, "user_id": user.id.to_string()});
        let official = app.login("a").await;
        let (status, _) = official
            .post("/api/oidc-identities", link("anni.virtanen", &anni))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "only administrators link");
        let admin = app.login("admin").await;
        let (status, body) = admin
            .post("/api/oidc-identities", link("anni.virtanen", &anni))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let (status, _) = admin
            .post("/api/oidc-identities", link("anni.virtanen", &anni))
            .await;
        assert_eq!(
            status,
            StatusCode::CONFLICT,
            "a link is never moved silently"
        );
        let (status, _) = admin.post("/api/oidc-identities", link("bo", &bo)).await;
        assert_eq!(
            status,
            StatusCode::NOT_FOUND,
            "another organisation's account"
        );
        let (status, body) = admin
            .post(
                "/api/oidc-identities",
                json!({"provider": "nope", "subject": "x", "user_id": anni.id.to_string()}),
            )
            .await;
        assert_field_error(status, &body, "provider");
        let r = raw_client()
            .get(app.url("/api/oidc/nope/login"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND);

        // The log-in page offers the provider as a button (its label escaped) leading to the
        // route the flow below starts at (issue 12, item 1).
        let browser = raw_client();
        let r = browser.get(app.url("/login")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let html = r.text().await.unwrap();
        assert!(
            html.contains(r#"href="/api/oidc/officials/login""#),
            "no button for the provider: {html}"
        );
        assert!(html.contains("Virkailijat &#60;OIDC&#62;"), "{html}");
        assert!(
            !html.contains("Virkailijat <OIDC>"),
            "the label is not escaped"
        );

        // The happy path: the callback opens the same session as a password log-in.
        let callback = through_provider(&app, &browser, "anni.virtanen", |_| {}).await;
        let r = browser.get(callback.clone()).send().await.unwrap();
        assert_eq!(
            r.status(),
            StatusCode::SEE_OTHER,
            "{}",
            r.text().await.unwrap()
        );
        assert_eq!(r.headers()[LOCATION], "/");
        let cookies: Vec<&str> = r
            .headers()
            .get_all(SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap())
            .collect();
        assert!(
            cookies.iter().any(|c| c.starts_with("kirjuri_session=")
                && c.contains("HttpOnly")
                && c.contains("SameSite=Strict")),
            "{cookies:?}"
        );
        let (status, body) = me(&app, &browser).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["username"], "a");
        assert_eq!(body["display_name"], "Anni A");
        // The same callback again: a `state` is good once.
        let r = browser.get(callback).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert_eq!(error_code(r).await, "oidc_state");

        // A wrong `state` is refused, and so is the right one from another browser.
        let browser = raw_client();
        let mut callback = through_provider(&app, &browser, "anni.virtanen", |_| {}).await;
        let good = callback.clone();
        set_param(&mut callback, "state", "forged-state");
        let r = browser.get(callback).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert_eq!(error_code(r).await, "oidc_state");
        let other_browser = raw_client();
        let r = other_browser.get(good.clone()).send().await.unwrap();
        assert_eq!(
            r.status(),
            StatusCode::BAD_REQUEST,
            "login CSRF: bound to the browser"
        );
        assert_eq!(error_code(r).await, "oidc_state");
        assert_eq!(me(&app, &browser).await.0, StatusCode::UNAUTHORIZED);
        assert_eq!(me(&app, &other_browser).await.0, StatusCode::UNAUTHORIZED);
        // Neither attempt spent the log-in: the browser that started it still completes it.
        let r = browser.get(good).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(me(&app, &browser).await.0, StatusCode::OK);
        assert_eq!(me(&app, &other_browser).await.0, StatusCode::UNAUTHORIZED);

        // A subject nobody linked is refused; no account is made.
        let browser = raw_client();
        let callback = through_provider(&app, &browser, "stranger", |_| {}).await;
        let r = browser.get(callback).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["error"]["code"], "oidc_unknown_identity", "{body}");
        // The provider's subject is not echoed: it may be derived from an identity code.
        assert!(!body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("stranger"));
        assert_eq!(me(&app, &browser).await.0, StatusCode::UNAUTHORIZED);

        // The provider signs an ID token for another nonce than Kirjuri sent: refused.
        let browser = raw_client();
        let callback = through_provider(&app, &browser, "anni.virtanen", |u| {
            set_param(u, "nonce", "attackers-nonce")
        })
        .await;
        let r = browser.get(callback).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(error_code(r).await, "oidc_failed");
        assert_eq!(me(&app, &browser).await.0, StatusCode::UNAUTHORIZED);

        // A code issued for another PKCE challenge cannot be exchanged.
        let browser = raw_client();
        let callback = through_provider(&app, &browser, "anni.virtanen", |u| {
            set_param(
                u,
                "code_challenge",
                "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            )
        })
        .await;
        let r = browser.get(callback).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(error_code(r).await, "oidc_failed");

        // An ID token past its expiry (60 s at this provider) by Kirjuri's clock: refused.
        let browser = raw_client();
        let callback = through_provider(&app, &browser, "anni.virtanen", |_| {}).await;
        app.clock.advance(chrono::Duration::minutes(3));
        let r = browser.get(callback).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(error_code(r).await, "oidc_failed");
        assert_eq!(me(&app, &browser).await.0, StatusCode::UNAUTHORIZED);

        // The provider refusing (the user aborts) arrives as an error, not a session.
        let browser = raw_client();
        let r = browser
            .get(app.url("/api/oidc/officials/login"))
            .send()
            .await
            .unwrap();
        let auth = Url::parse(r.headers()[LOCATION].to_str().unwrap()).unwrap();
        let state = auth
            .query_pairs()
            .find(|(k, _)| k == "state")
            .unwrap()
            .1
            .into_owned();
        let mut denied = Url::parse(&redirect).unwrap();
        denied
            .query_pairs_mut()
            .append_pair("error", "access_denied")
            .append_pair("state", &state);
        let r = browser.get(denied).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(error_code(r).await, "oidc_denied");

        app.stop().await;
        drop(provider);
    }
}

/// Issue 15 item 12: the cross-site check compares the whole origin — `https://` on the plain
/// HTTP server is another site — and a `Host` header naming another server (a DNS-rebinding
/// page) is refused for reads and writes alike; nothing is written.
#[tokio::test]
async fn another_scheme_or_another_host_name_is_refused() {
    each_backend(|app| async move {
        let http = app.login("a").await;
        let before = snapshot(&app).await;
        let new_client = json!({"hetu": "131052-308T", "first_name": "Uusi", "last_name": "Asiakas",
            "language": "fi"});
        let https_origin = app.base.replace("http://", "https://");
        let r = http
            .client
            .post(app.url("/api/clients"))
            .header("origin", https_origin)
            .json(&new_client)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        assert_eq!(error_code(r).await, "cross_origin");
        for method in [reqwest::Method::GET, reqwest::Method::POST] {
            let r = http
                .client
                .request(method.clone(), app.url("/api/clients"))
                .header("host", "evil.example")
                .json(&new_client)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::MISDIRECTED_REQUEST, "{method}");
            assert_eq!(error_code(r).await, "unknown_host");
        }
        assert_eq!(snapshot(&app).await, before);
        // `localhost` is this server's name too.
        let port = app.base.rsplit(':').next().unwrap().to_owned();
        let r = http
            .client
            .get(app.url("/api/me"))
            .header("host", format!("localhost:{port}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        app
    })
    .await;
}
