//! The web API's integration suite: the app on port 0 with a fresh database per test, on every
//! backend under test, driven over real HTTP.

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use kirjuri_domain::*;
use kirjuri_store::testing::{acting, backends, fixture, fresh_store, raw_i64, Fixture, TestStore};
use kirjuri_store::{Backend, NewUser, Store};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// Log-in hardening, CSRF, HTTPS and OpenID Connect against a real provider.
#[path = "api/auth.rs"]
mod auth;

const PASSWORD: &str = "correct horse battery staple";

struct App {
    base: String,
    store: Store,
    /// The application layer the server runs on (for the delivery worker).
    core: kirjuri_app::App,
    /// The server's shared state (what `/health` reuses, say).
    state: kirjuri_web::AppState,
    clock: Arc<FixedClock>,
    fx: Fixture,
    supervisor: User,
    seeker: User,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
    ts: Option<TestStore>,
}

/// How a test wants its server: configuration, a listener bound beforehand (when the address
/// must be known before the configuration), HTTPS, and the clock's start.
#[derive(Default)]
struct Options {
    config: kirjuri_web::Config,
    listener: Option<tokio::net::TcpListener>,
    tls: Option<Arc<rustls::ServerConfig>>,
    now: Option<chrono::DateTime<Utc>>,
}

impl App {
    async fn start(backend: Backend) -> App {
        App::start_with(backend, Options::default()).await
    }

    async fn start_with(backend: Backend, opts: Options) -> App {
        let clock =
            Arc::new(FixedClock::new(opts.now.unwrap_or_else(|| {
                Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
            })));
        let ts = fresh_store(backend, clock.clone()).await;
        let store = ts.store.clone();
        let fx = fixture(&store).await;
        let hash = kirjuri_app::hash_password(PASSWORD).unwrap();
        let mk = |u: &str, n: &str, role, org: Option<OrgId>, client: Option<ClientId>| NewUser {
            username: Username::parse(u).unwrap(),
            display_name: PersonName::parse(n).unwrap(),
            role,
            org_id: org,
            client_id: client,
            password_hash: Some(hash.clone()),
        };
        store
            .create_user(mk("a", "Anni A", Role::Official, Some(fx.org_a.id), None))
            .await
            .unwrap();
        store
            .create_user(mk("b", "Bo B", Role::Official, Some(fx.org_b.id), None))
            .await
            .unwrap();
        let supervisor = store
            .create_user(mk("avi", "Ville Valvoja", Role::Supervisor, None, None))
            .await
            .unwrap();
        let seeker = store
            .create_user(mk(
                "seeker",
                "Testi Asiakas",
                Role::JobSeeker,
                None,
                Some(fx.client_a.id),
            ))
            .await
            .unwrap();
        store
            .create_user(mk(
                "admin",
                "Aki Admin",
                Role::Administrator,
                Some(fx.org_a.id),
                None,
            ))
            .await
            .unwrap();
        let keha = store
            .create_organisation(
                OrgKind::Keha,
                PersonName::parse("Kehittämis- ja hallintokeskus, työttömyysturvan vastuualue")
                    .unwrap(),
                PersonName::parse("Utvecklings- och förvaltningscentret, ansvarsområdet för utkomstskydd för arbetslösa")
                    .unwrap(),
            )
            .await
            .unwrap();
        store
            .create_user(mk(
                "keha",
                "Kaisa Keha",
                Role::KehaOfficial,
                Some(keha.id),
                None,
            ))
            .await
            .unwrap();
        store
            .create_user(mk(
                "rules",
                "Raili Sääntö",
                Role::RulesAuthor,
                Some(keha.id),
                None,
            ))
            .await
            .unwrap();
        let app = kirjuri_app::App::new(
            store.clone(),
            kirjuri_app::AppConfig {
                identity_providers: opts.config.oidc.iter().map(|p| p.name.clone()).collect(),
                // The payers of these tests are servers on loopback.
                loopback_payers: true,
                ..Default::default()
            },
        )
        .unwrap();
        let core = app.clone();
        let state = kirjuri_web::AppState::new(app, opts.config).unwrap();
        let served = state.clone();
        let listener = match opts.listener {
            Some(l) => l,
            None => tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap(),
        };
        let scheme = if opts.tls.is_some() { "https" } else { "http" };
        let base = format!("{scheme}://{}", listener.local_addr().unwrap());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            let shutdown = async {
                let _ = rx.await;
            };
            match opts.tls {
                Some(tls) => kirjuri_web::tls::serve_tls(listener, tls, state, shutdown).await,
                None => kirjuri_web::serve(listener, state, shutdown).await,
            }
            .unwrap();
        });
        App {
            base,
            store,
            core,
            state: served,
            clock,
            fx,
            supervisor,
            seeker,
            shutdown: Some(tx),
            server: Some(server),
            ts: Some(ts),
        }
    }

    async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(h) = self.server.take() {
            h.await.unwrap();
        }
        if let Some(ts) = self.ts.take() {
            ts.cleanup().await;
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn login(&self, username: &str) -> Http {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .unwrap();
        let r = client
            .post(self.url("/api/login"))
            .json(&json!({"username": username, "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "log-in of {username}");
        let cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
            "{cookie}"
        );
        Http {
            client,
            base: self.base.clone(),
        }
    }

    fn client_path(&self, rest: &str) -> String {
        format!("/api/clients/{}{rest}", self.fx.client_a.id)
    }
}

struct Http {
    client: reqwest::Client,
    base: String,
}

impl Http {
    async fn get(&self, path: &str) -> (StatusCode, Value) {
        let r = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        let status = r.status();
        (status, r.json().await.unwrap_or(Value::Null))
    }
    async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        let r = self
            .client
            .post(format!("{}{path}", self.base))
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = r.status();
        (status, r.json().await.unwrap_or(Value::Null))
    }
    async fn put(&self, path: &str, body: Value) -> (StatusCode, Value) {
        let r = self
            .client
            .put(format!("{}{path}", self.base))
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = r.status();
        (status, r.json().await.unwrap_or(Value::Null))
    }
    async fn post_raw(&self, path: &str, body: &'static [u8], ctype: &str) -> (StatusCode, Value) {
        let r = self
            .client
            .post(format!("{}{path}", self.base))
            .header("content-type", ctype)
            .body(body)
            .send()
            .await
            .unwrap();
        let status = r.status();
        (status, r.json().await.unwrap_or(Value::Null))
    }
}

/// The adoption decision `number` covering the shipped rule sets (B13), as a request body.
fn adoption_body(number: &str) -> Value {
    let rules = kirjuri_rules::RuleSets::shipped().unwrap();
    json!({
        "number": number,
        "decided_on": "2024-10-14",
        "rule_set_hashes": [rules.start.hash(), rules.end.hash()],
        "quality_owner": "Laura Laatu",
        "error_owner": "Veikko Virhe",
        "url": "https://kirjuri.example.fi/adoption-decisions/KEHA-73792-2024",
    })
}

/// KEHA/73792/2024 adopted by the rules author: the shipped rules may decide (issue 5).
async fn adopt(app: &App) {
    let rules = app.login("rules").await;
    let (s, b) = rules
        .post("/api/adoption-decisions", adoption_body("KEHA/73792/2024"))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
}

async fn each_backend<F, Fut>(f: F)
where
    F: Fn(App) -> Fut,
    Fut: std::future::Future<Output = App>,
{
    for backend in backends() {
        eprintln!("backend {backend:?}");
        let app = App::start(backend).await;
        let app = f(app).await;
        app.stop().await;
    }
}

fn assert_field_error(status: StatusCode, body: &Value, field: &str) {
    assert!(
        status.is_client_error(),
        "expected 4xx, got {status}: {body}"
    );
    assert_eq!(body["error"]["field"], field, "{body}");
    assert!(
        !body["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .is_empty(),
        "{body}"
    );
}

/// Everything the API can list about client A, to prove that a refused request wrote nothing.
/// Counted straight from the tables, so that taking the snapshot is no access of anyone's.
async fn snapshot(app: &App) -> Vec<i64> {
    let mut counts = Vec::new();
    for table in [
        "entries",
        "appointments",
        "job_searches",
        "job_search_ends",
        "contact_methods",
        "responsible_experts",
        "clients",
    ] {
        counts.push(raw_i64(&app.store, &format!("SELECT COUNT(*) FROM {table}")).await);
    }
    counts
}

#[tokio::test]
async fn health_and_openapi_cover_every_route() {
    each_backend(|app| async move {
        let anon = reqwest::Client::new();
        let r = anon.get(app.url("/health")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.json::<Value>().await.unwrap()["database"], "ok");
        let doc: Value = anon
            .get(app.url("/api/openapi.json"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let paths = doc["paths"].as_object().unwrap();
        for expected in [
            "/api/clients",
            "/api/clients/{id}",
            "/api/clients/{id}/entries",
            "/api/clients/{id}/appointments",
            "/api/clients/{id}/job-searches",
            "/api/clients/{id}/contact-method",
            "/api/clients/{id}/responsible-expert",
        ] {
            assert!(
                paths.contains_key(expected),
                "{expected} missing from the document"
            );
        }
        // Every documented operation exists, and every one but health and log-in demands a
        // session: an anonymous call gets 401, not 404 or 405.
        let id = app.fx.client_a.id.to_string();
        let mut count = 0;
        for (path, ops) in paths {
            let concrete = path
                .replace("{id}", &id)
                .replace("{entry_id}", &id)
                .replace("{job_search_id}", &id);
            for method in ops.as_object().unwrap().keys() {
                let m = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
                let r = anon
                    .request(m, app.url(&concrete))
                    .header("content-type", "application/json")
                    .body("{}")
                    .send()
                    .await
                    .unwrap();
                count += 1;
                match path.as_str() {
                    "/health" => assert_eq!(r.status(), StatusCode::OK),
                    "/api/login" => assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY),
                    "/api/logout" => assert_eq!(r.status(), StatusCode::NO_CONTENT),
                    // Public log-in routes; no provider is configured in this harness.
                    "/api/oidc/{provider}/login" | "/api/oidc/{provider}/callback" => {
                        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{method} {path}")
                    }
                    // Public (B13, B14): the adoption decisions and the prior notice.
                    "/api/statements/notice" => assert_eq!(r.status(), StatusCode::OK),
                    "/api/adoption-decisions" if method == "get" => {
                        assert_eq!(r.status(), StatusCode::OK)
                    }
                    // Public (issue 16): the newest signed checkpoint, none yet here.
                    "/api/ledger/checkpoint" => assert_eq!(r.status(), StatusCode::NOT_FOUND),
                    _ => assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{method} {path}"),
                }
                // Issue 17: the document states the answer (schemathesis checks the rest).
                let documented = &ops[method.as_str()]["responses"];
                assert!(
                    documented.get(r.status().as_str()).is_some(),
                    "{method} {path} answered {} without documenting it",
                    r.status()
                );
            }
        }
        assert!(count >= 20, "only {count} operations documented");
        app
    })
    .await;
}

#[tokio::test]
async fn login_refuses_wrong_credentials_alike_and_logout_ends_the_session() {
    each_backend(|app| async move {
        let anon = reqwest::Client::new();
        for (u, p) in [("a", "wrong"), ("nobody", PASSWORD)] {
            let r = anon
                .post(app.url("/api/login"))
                .json(&json!({"username": u, "password": p}))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
            assert_eq!(
                r.json::<Value>().await.unwrap()["error"]["code"],
                "wrong_credentials"
            );
        }
        let http = app.login("a").await;
        let (s, me) = http.get("/api/me").await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(
            me["organisation"]["name_fi"],
            "Testilän kaupunki, työllisyyspalvelut"
        );
        let (s, _) = http.post("/api/logout", json!({})).await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        assert_eq!(http.get("/api/me").await.0, StatusCode::UNAUTHORIZED);
        app
    })
    .await;
}

#[tokio::test]
async fn a_client_record_is_built_through_the_api() {
    each_backend(|app| async move {
        let http = app.login("a").await;
        let (s, c) = http
            .post("/api/clients", json!({"hetu": "020516C903K", "first_name": "Uusi", "last_name": "Asiakas", "language": "sv"}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{c}");
        assert_eq!(c["hetu_masked"], "020516C****");
        assert!(!c.to_string().contains("903K"), "full identity code leaked: {c}");
        let id = c["id"].as_str().unwrap().to_owned();
        let p = |rest: &str| format!("/api/clients/{id}{rest}");

        let (s, js) = http.post(&p("/job-searches"), json!({"start_date": "2026-03-02"})).await;
        assert_eq!(s, StatusCode::CREATED, "{js}");
        let (s, detail) = http.get(&p("")).await;
        assert_eq!(s, StatusCode::OK);
        // 10 working days from Mon 2 March 2026.
        assert_eq!(detail["initial_interview_deadline"], "2026-03-16");
        assert_eq!(detail["organisation"]["name_sv"], "Testilä stad, sysselsättningstjänster");

        let (s, e1) = http
            .post(&p("/entries"), json!({"entry_type": "initial_interview", "text": "Alkuhaastattelu.", "event_at": "2026-03-02T10:00:00+02:00"}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{e1}");
        assert_eq!(e1["recorded_at"], "2026-03-02T09:00:00Z");
        assert_eq!(e1["recording_lag_seconds"], 3600);
        assert_eq!(e1["author_name"], "Anni A");
        let (s, e2) = http
            .post(&p("/entries"), json!({"entry_type": "initial_interview", "text": "Alkuhaastattelu, korjattu.",
                "event_at": "2026-03-02T10:00:00+02:00", "corrects": {"entry_id": e1["id"], "reason": "Puuttui tieto"}}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{e2}");
        let (_, chain) = http.get(&p(&format!("/entries/{}/chain", e1["id"].as_str().unwrap()))).await;
        assert_eq!(chain.as_array().unwrap().len(), 2);
        assert_eq!(chain[0]["corrected_by"], e2["id"]);
        let (s, plan) = http
            .post(&p("/entries"), json!({"entry_type": "employment_plan", "text": "Suunnitelma.",
                "event_at": "2026-03-02T10:30:00+02:00", "follow_up_dates": ["2026-04-01", "2026-05-04"]}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{plan}");
        assert_eq!(plan["follow_up_dates"], json!(["2026-04-01", "2026-05-04"]));

        let (s, a) = http
            .post(&p("/appointments"), json!({"date": "2026-03-10", "time": "13:15", "duration_minutes": 45,
                "mode": {"kind": "visit", "address": "Testikatu 1, 00100 Helsinki"}}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{a}");
        assert_eq!(a["time_zone"], "Europe/Helsinki");
        assert_eq!(a["starts_at"], "2026-03-10T11:15:00Z");
        let (s, _) = http.post(&p("/contact-method"), json!({"method": "phone", "agreed_on": "2026-03-02"})).await;
        assert_eq!(s, StatusCode::CREATED);
        let (_, detail) = http.get(&p("")).await;
        assert_eq!(detail["contact_method"]["method"], "phone");

        let (s, ended) = http
            .post(&p(&format!("/job-searches/{}/end", js["id"].as_str().unwrap())),
                  json!({"end_date": "2026-03-20", "reason": "employed"}))
            .await;
        assert_eq!(s, StatusCode::OK, "{ended}");
        assert_eq!(ended["end_reason"], "employed");
        app
    })
    .await;
}

#[tokio::test]
async fn bad_input_gets_a_field_error_and_writes_nothing() {
    each_backend(|app| async move {
        let http = app.login("a").await;
        let other = app
            .store
            .create_client(
                NewClient {
                    hetu: Hetu::parse("010501E9032").unwrap(),
                    first_name: PersonName::parse("Muu").unwrap(),
                    last_name: PersonName::parse("Asiakas").unwrap(),
                    language: Language::Fi,
                    org_id: app.fx.org_a.id,
                },
                &acting(&app.fx.official_a),
            )
            .await
            .unwrap();
        let new = NewEntry::new(
            other.id,
            EntryKind::Contact,
            EntryText::parse("Toisen asiakkaan merkintä.").unwrap(),
            Utc.with_ymd_and_hms(2026, 3, 2, 8, 0, 0).unwrap(),
            EntryDetails::default(),
            None,
        )
        .unwrap();
        let foreign = app
            .store
            .append_entry(&new, &acting(&app.fx.official_a))
            .await
            .unwrap();
        let before = snapshot(&app).await;
        let entry = |extra: Value| {
            let mut body = json!({"entry_type": "contact", "text": "Soitto.", "event_at": "2026-03-02T10:00:00+02:00"});
            for (k, v) in extra.as_object().unwrap() {
                body[k] = v.clone();
            }
            body
        };
        let visit = |mode: Value| json!({"date": "2026-03-10", "time": "10:00", "duration_minutes": 30, "mode": mode});
        let cases: Vec<(&str, String, Value, &str)> = vec![
            ("wrong check character", "/api/clients".into(),
             json!({"hetu": "131052-308X", "first_name": "A", "last_name": "B", "language": "fi"}), "hetu"),
            ("impossible birth date", "/api/clients".into(),
             json!({"hetu": "290223A903C", "first_name": "A", "last_name": "B", "language": "fi"}), "hetu"),
            ("unknown century sign", "/api/clients".into(),
             json!({"hetu": "131052G308T", "first_name": "A", "last_name": "B", "language": "fi"}), "hetu"),
            ("unknown language", "/api/clients".into(),
             json!({"hetu": "131052-308T", "first_name": "A", "last_name": "B", "language": "klingon"}), "language"),
            ("empty name", "/api/clients".into(),
             json!({"hetu": "131052-308T", "first_name": " ", "last_name": "B", "language": "fi"}), "first_name"),
            ("missing field", "/api/clients".into(),
             json!({"hetu": "131052-308T", "first_name": "A", "language": "fi"}), "last_name"),
            ("unknown field", "/api/clients".into(),
             json!({"hetu": "131052-308T", "first_name": "A", "last_name": "B", "language": "fi", "admin": true}), "admin"),
            ("wrong type", "/api/clients".into(),
             json!({"hetu": 131052, "first_name": "A", "last_name": "B", "language": "fi"}), "hetu"),
            ("impossible start date", app.client_path("/job-searches"), json!({"start_date": "2026-02-30"}), "start_date"),
            ("unknown entry type", app.client_path("/entries"), entry(json!({"entry_type": "gossip"})), "entry_type"),
            ("event time without offset", app.client_path("/entries"), entry(json!({"event_at": "2026-03-02 10:00"})), "event_at"),
            ("event in the future", app.client_path("/entries"), entry(json!({"event_at": "2026-03-05T10:00:00+02:00"})), "event_at"),
            ("impossible follow-up date", app.client_path("/entries"),
             entry(json!({"entry_type": "employment_plan", "follow_up_dates": ["2026-04-01", "2026-04-31"]})), "follow_up_dates[1]"),
            ("plan without follow-up", app.client_path("/entries"), entry(json!({"entry_type": "employment_plan"})), "follow_up_dates"),
            ("correction of another client's entry", app.client_path("/entries"),
             entry(json!({"corrects": {"entry_id": foreign.id.to_string(), "reason": "Korjaus"}})), "corrects.entry_id"),
            ("correction without reason", app.client_path("/entries"),
             entry(json!({"corrects": {"entry_id": foreign.id.to_string()}})), "corrects.reason"),
            ("correction of a missing entry", app.client_path("/entries"),
             entry(json!({"corrects": {"entry_id": "00000000-0000-4000-8000-000000000000", "reason": "x"}})), "corrects.entry_id"),
            ("appointment without a mode", app.client_path("/appointments"),
             json!({"date": "2026-03-10", "time": "10:00", "duration_minutes": 30}), "mode"),
            ("unknown appointment mode", app.client_path("/appointments"), visit(json!({"kind": "telepathy"})), "mode.kind"),
            ("visit without address", app.client_path("/appointments"), visit(json!({"kind": "visit"})), "mode.address"),
            ("time that does not exist", app.client_path("/appointments"),
             json!({"date": "2026-03-29", "time": "03:30", "duration_minutes": 30, "mode": {"kind": "phone"}}), "time"),
            ("impossible appointment date", app.client_path("/appointments"),
             json!({"date": "2026-13-01", "time": "10:00", "duration_minutes": 30, "mode": {"kind": "phone"}}), "date"),
            ("official of another authority", app.client_path("/appointments"),
             json!({"date": "2026-03-10", "time": "10:00", "duration_minutes": 30, "official_id": app.fx.official_b.id.to_string(), "mode": {"kind": "phone"}}), "official_id"),
            ("unknown contact method", app.client_path("/contact-method"), json!({"method": "pigeon", "agreed_on": "2026-03-02"}), "method"),
            ("expert from another authority", app.client_path("/responsible-expert"),
             json!({"official_id": app.fx.official_b.id.to_string(), "from": "2026-03-02"}), "official_id"),
        ];
        for (what, path, body, field) in &cases {
            let (status, resp) = http.post(path, body.clone()).await;
            eprintln!("{what}: {status} {resp}");
            assert_field_error(status, &resp, field);
            assert_eq!(snapshot(&app).await, before, "{what} wrote something");
        }
        // Malformed JSON and a wrong content type are refused before any field is read.
        let (s, b) = http.post_raw("/api/clients", b"{\"hetu\": ", "application/json").await;
        assert_eq!((s, b["error"]["code"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_json")));
        let (s, _) = http.post_raw("/api/clients", b"hetu=1", "application/x-www-form-urlencoded").await;
        assert_eq!(s, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        let (s, _) = http.post_raw("/api/clients", b"{\"hetu\": \"\xff\"}", "application/json").await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        // A registered identity code cannot be registered again.
        let (s, b) = http
            .post("/api/clients", json!({"hetu": "010594Y9032", "first_name": "A", "last_name": "B", "language": "fi"}))
            .await;
        assert_eq!(s, StatusCode::CONFLICT);
        assert_eq!(b["error"]["field"], "hetu");
        assert_eq!(snapshot(&app).await, before);
        app
    })
    .await;
}

#[tokio::test]
async fn access_follows_organisation_and_role() {
    each_backend(|app| async move {
        let path = app.client_path("");
        let other_org = app.login("b").await;
        let (s, body) = other_org.get(&path).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{body}");
        let (s, _) = other_org.post(&app.client_path("/entries"),
            json!({"entry_type": "contact", "text": "x", "event_at": "2026-03-02T10:00:00+02:00"})).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (_, list) = other_org.get("/api/clients").await;
        assert!(list["clients"].as_array().unwrap().is_empty());

        let avi = app.login("avi").await;
        assert_eq!(avi.get(&path).await.0, StatusCode::OK);
        let (s, _) = avi.post(&app.client_path("/entries"),
            json!({"entry_type": "contact", "text": "x", "event_at": "2026-03-02T10:00:00+02:00"})).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        assert_eq!(avi.get(&format!("/api/clients?organisation_id={}", app.fx.org_a.id)).await.0, StatusCode::OK);
        let _ = &app.supervisor;

        let seeker = app.login("seeker").await;
        assert_eq!(seeker.get(&path).await.0, StatusCode::OK);
        assert_eq!(seeker.get("/api/clients").await.0, StatusCode::FORBIDDEN);
        assert_eq!(app.seeker.client_id, Some(app.fx.client_a.id));

        let admin = app.login("admin").await;
        assert_eq!(admin.get(&path).await.0, StatusCode::NOT_FOUND);
        assert_eq!(snapshot(&app).await[0], 0, "no entry was written");
        app
    })
    .await;
}

#[path = "api/access.rs"]
mod access;

/// Issue 15: bad dates, concurrent writes, existence oracles and error answers.
#[path = "api/input.rs"]
mod input;

/// Issue 11: handlers neither check roles nor write the access log.
#[path = "api/layering.rs"]
mod layering;

/// Issue 5: automated statements at job-search start and end, with provenance.
#[path = "api/statements.rs"]
mod statements;

#[path = "api/quality.rs"]
mod quality;

/// Issue 5: delivery of statements to benefit payers; A11: the validity query.
#[path = "api/delivery.rs"]
mod delivery;
/// Issue 5: reconsideration (B7), GDPR art. 22 safeguards (B15), quality figures (B11).
#[path = "api/reconsideration.rs"]
mod reconsideration;

/// Issue 12: pages for officials.
#[path = "api/pages.rs"]
mod pages;

/// Issue 13: e-mail notices through a real SMTP server.
#[path = "api/notify.rs"]
mod notify;
/// Issue 12 item 7, B4: the client's register facts recorded from a page.
#[path = "api/pages_facts.rs"]
mod pages_facts;
/// Issue 12 items 7–8: job searches started and ended with the client's answers, the printable
/// statement, and requests for reconsideration in the work queue.
#[path = "api/pages_jobsearch.rs"]
mod pages_jobsearch;
/// Reviewer findings S1, C2/C7: one queue case read logs its client only; the record reads
/// the decisions once and lists a reconsidered statement's new outcome.
#[path = "api/pages_queue_log.rs"]
mod pages_queue_log;
/// Issue 12 items 3, 4 and 6: the record's header, the handover summary, the contact-method
/// and responsible-expert forms, finding by name.
#[path = "api/pages_record.rs"]
mod pages_record;
/// Issue 12 item 2: the "my work today" page.
#[path = "api/pages_today.rs"]
mod pages_today;

/// Issue 13, A18: secure messages between a client and their organisation.
#[path = "api/messages.rs"]
mod messages;
/// Issue 16: paging of the lists that grow, /health, refused writes, /metrics.
#[path = "api/operations.rs"]
mod operations;
/// Issue 14: the administrator's pages (accounts, identity-provider links, benefit payers).
#[path = "api/pages_admin.rs"]
mod pages_admin;
/// Issue 13: the job seeker's own pages.
#[path = "api/pages_own.rs"]
mod pages_own;
/// Issue 14: the supervisor's compliance reports (index, reports 1–3, filter, CSV, drill-down).
#[path = "api/pages_reports.rs"]
mod pages_reports;
/// Issue 14: reports 4–6 (language quality, statements, access) as pages.
#[path = "api/pages_reports2.rs"]
mod pages_reports2;
/// Issue 14: the rules author's page (rule sets, adoption decisions, quality figures).
#[path = "api/pages_rules.rs"]
mod pages_rules;

/// Issue 14: manager grants over HTTP, and a manager's reports pages of their own organisation.
#[path = "api/managers.rs"]
mod managers;
