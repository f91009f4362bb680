//! Issue 16, paging and operations, on every backend under test: the lists that grow come a
//! page at a time with an opaque cursor; bad paging parameters are named; the OpenAPI
//! document lists query parameters as query parameters; `/health` tells a database that
//! cannot take writes from a healthy one; a refused write answers 503; `/metrics` is never
//! public and counts what happened.

use kirjuri_store::testing::raw_execute;
use kirjuri_store::Backend;
use reqwest::StatusCode;
use serde_json::{json, Value};

use super::{assert_field_error, each_backend, App, Http, Options};

/// One page: status, body, the `Next-Cursor` and the `Link` header.
async fn page(http: &Http, path: &str) -> (StatusCode, Value, Option<String>, Option<String>) {
    let r = http
        .client
        .get(format!("{}{path}", http.base))
        .send()
        .await
        .unwrap();
    let status = r.status();
    let header = |name: &str| {
        r.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    let (next, link) = (header("next-cursor"), header("link"));
    (status, r.json().await.unwrap_or(Value::Null), next, link)
}

/// Every item of a paged list, following the `Link` header from `first`; the items of
/// each page are checked to be at most `limit`.
async fn all_pages(http: &Http, first: &str, limit: usize) -> (Vec<Value>, usize) {
    let mut items = Vec::new();
    let mut path = first.to_owned();
    let mut pages = 0;
    loop {
        let (s, body, next, link) = page(http, &path).await;
        assert_eq!(s, StatusCode::OK, "{path}: {body}");
        let got = body.as_array().unwrap();
        assert!(got.len() <= limit, "{path}: {} items", got.len());
        items.extend(got.iter().cloned());
        pages += 1;
        match (next, link) {
            (Some(next), Some(link)) => {
                // The link repeats the request with the cursor set.
                let target = link
                    .strip_prefix('<')
                    .and_then(|l| l.split_once(">; rel=\"next\""))
                    .map(|(t, _)| t.to_owned())
                    .unwrap_or_else(|| panic!("Link {link}"));
                assert!(target.contains(&format!("cursor={next}")), "{link}");
                assert!(target.contains(&format!("limit={limit}")), "{link}");
                assert_eq!(got.len(), limit, "a page before the last is full");
                path = target;
            }
            (None, None) => break,
            other => panic!("Next-Cursor and Link disagree: {other:?}"),
        }
        assert!(pages < 100, "paging does not end");
    }
    (items, pages)
}

fn entry(text: &str) -> Value {
    json!({"entry_type": "contact", "text": text, "event_at": "2026-03-02T10:00:00+02:00"})
}

#[tokio::test]
async fn entries_and_appointments_come_a_page_at_a_time_in_a_stable_order() {
    each_backend(|app| async move {
        let a = app.login("a").await;
        let mut written = Vec::new();
        for n in 0..7 {
            let (s, e) = a
                .post(&app.client_path("/entries"), entry(&format!("Asiakas soitti {n}.")))
                .await;
            assert_eq!(s, StatusCode::CREATED, "{e}");
            written.push(e["id"].as_str().unwrap().to_owned());
        }
        // The last corrects the first: the link shows on the first page though the
        // correction is on the last.
        let (s, corr) = a
            .post(&app.client_path("/entries"), json!({"entry_type": "contact", "text": "Asiakas soitti, korjattu.",
                "event_at": "2026-03-02T10:00:00+02:00", "corrects": {"entry_id": written[0], "reason": "Väärä päivä"}}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{corr}");
        written.push(corr["id"].as_str().unwrap().to_owned());

        let (items, pages) = all_pages(&a, &app.client_path("/entries?limit=3"), 3).await;
        assert_eq!(pages, 3);
        let ids: Vec<_> = items.iter().map(|e| e["id"].as_str().unwrap().to_owned()).collect();
        assert_eq!(ids, written, "every entry once, in the order they were made");
        assert_eq!(items[0]["corrected_by"], corr["id"]);
        // The default page holds all eight, with no cursor.
        let (s, body, next, _) = page(&a, &app.client_path("/entries")).await;
        assert_eq!((s, body.as_array().unwrap().len(), next), (StatusCode::OK, 8, None));

        // A page exactly full at the end has no next page.
        let (_, body, next, _) = page(&a, &app.client_path("/entries?limit=8")).await;
        assert_eq!((body.as_array().unwrap().len(), next), (8, None));

        for (date, time) in [("2026-03-12", "10:00"), ("2026-03-10", "09:00"), ("2026-03-11", "15:30")] {
            let (s, b) = a
                .post(&app.client_path("/appointments"),
                      json!({"date": date, "time": time, "duration_minutes": 30, "mode": {"kind": "phone"}}))
                .await;
            assert_eq!(s, StatusCode::CREATED, "{b}");
        }
        let (items, pages) = all_pages(&a, &app.client_path("/appointments?limit=2"), 2).await;
        assert_eq!(pages, 2);
        let starts: Vec<_> = items.iter().map(|a| a["date"].as_str().unwrap().to_owned()).collect();
        assert_eq!(starts, ["2026-03-10", "2026-03-11", "2026-03-12"]);

        // The job seeker's own lists page the same way.
        let me = app.login("seeker").await;
        let (items, _) = all_pages(&me, "/api/me/entries?limit=5", 5).await;
        assert_eq!(items.len(), 8);
        let (items, _) = all_pages(&me, "/api/me/appointments?limit=1", 1).await;
        assert_eq!(items.len(), 3);
        let (seen, _) = all_pages(&me, "/api/me/access-log?limit=4", 4).await;
        assert!(seen.len() >= 8, "the official's reads and writes: {}", seen.len());
        app
    })
    .await;
}

#[tokio::test]
async fn the_logs_and_the_client_list_page_with_a_cursor() {
    each_backend(|app| async move {
        let a = app.login("a").await;
        for n in 0..3 {
            let (s, _) = a
                .post(&app.client_path("/entries"), entry(&format!("Soitto {n}.")))
                .await;
            assert_eq!(s, StatusCode::CREATED);
        }
        let avi = app.login("avi").await;
        // The filters travel with the cursor; reading the log writes rows of its own, which
        // a later page may show, but none twice and in order.
        let first = format!(
            "/api/access-log?client_id={}&action=write&limit=2",
            app.fx.client_a.id
        );
        let (rows, pages) = all_pages(&avi, &first, 2).await;
        // The three entries, and the fixture's registration of the client.
        assert!(rows.len() >= 3, "{rows:?}");
        assert_eq!(pages, rows.len().div_ceil(2));
        let seqs: Vec<i64> = rows.iter().map(|r| r["seq"].as_i64().unwrap()).collect();
        assert!(seqs.windows(2).all(|w| w[0] < w[1]), "{seqs:?}");
        assert!(rows.iter().all(|r| r["action"] == "write"));

        // Newest first.
        for who in ["x1", "x2", "x3"] {
            let r = reqwest::Client::new()
                .post(app.url("/api/login"))
                .json(&json!({"username": who, "password": "wrong password!"}))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        }
        let (events, _) = all_pages(&avi, "/api/security-log?limit=2", 2).await;
        let seqs: Vec<i64> = events.iter().map(|r| r["seq"].as_i64().unwrap()).collect();
        assert!(
            seqs.len() >= 3 && seqs.windows(2).all(|w| w[0] > w[1]),
            "{seqs:?}"
        );
        let (_, pages) = all_pages(&avi, "/api/account-events?limit=1", 1).await;
        assert!(pages >= 1);

        // The clients of an organisation, by name; the cursor carries no name.
        for (hetu, first, last) in [
            ("020516C903K", "Aino", "Ahola"),
            ("010101A123N", "Eero", "Öhman"),
        ] {
            let (s, b) = a
                .post(
                    "/api/clients",
                    json!({"hetu": hetu, "first_name": first, "last_name": last, "language": "fi"}),
                )
                .await;
            assert_eq!(s, StatusCode::CREATED, "{b}");
        }
        let (_, all) = a.get("/api/clients?limit=500").await;
        let all: Vec<_> = all["clients"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].clone())
            .collect();
        assert!(all.len() >= 3);
        let mut seen = Vec::new();
        let mut path = "/api/clients?limit=1".to_owned();
        loop {
            let (s, body) = a.get(&path).await;
            assert_eq!(s, StatusCode::OK, "{body}");
            let list = body["clients"].as_array().unwrap();
            assert!(list.len() <= 1);
            seen.extend(list.iter().map(|c| c["id"].clone()));
            let Some(next) = body["next"].as_str() else {
                break;
            };
            assert!(
                !next.contains("Ahola") && !next.to_lowercase().contains("41686f6c61"),
                "{next}"
            );
            path = format!("/api/clients?limit=1&cursor={next}");
        }
        assert_eq!(seen, all);
        let (s, b) = a
            .get(&format!(
                "/api/clients?offset=1&cursor={}",
                "636c69656e74733a78"
            ))
            .await;
        assert_field_error(s, &b, "offset");
        app
    })
    .await;
}

#[tokio::test]
async fn a_bad_cursor_or_page_size_is_refused_naming_it() {
    each_backend(|app| async move {
        let a = app.login("a").await;
        for n in 0..3 {
            a.post(&app.client_path("/entries"), entry(&format!("Soitto {n}.")))
                .await;
        }
        let (_, _, next, _) = page(&a, &app.client_path("/entries?limit=1")).await;
        let entries_cursor = next.unwrap();
        for (path, field) in [
            (app.client_path("/entries?cursor=zz"), "cursor"),
            (app.client_path("/entries?cursor=00"), "cursor"),
            // A cursor of one list is no cursor of another.
            (
                app.client_path(&format!("/appointments?cursor={entries_cursor}")),
                "cursor",
            ),
            (format!("/api/clients?cursor={entries_cursor}"), "cursor"),
            (app.client_path("/entries?limit=0"), "limit"),
            (app.client_path("/entries?limit=501"), "limit"),
            (app.client_path("/entries?limit=-3"), "limit"),
            (app.client_path("/entries?limit=many"), "limit"),
            (app.client_path("/appointments?limit=100000"), "limit"),
            ("/api/clients?limit=501".to_owned(), "limit"),
        ] {
            let (s, b) = a.get(&path).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{path}: {b}");
            assert_field_error(s, &b, field);
        }
        let avi = app.login("avi").await;
        for (path, field) in [
            ("/api/access-log?cursor=abc", "cursor"),
            ("/api/access-log?limit=1001", "limit"),
            ("/api/security-log?cursor=7", "cursor"),
            ("/api/account-events?limit=0", "limit"),
        ] {
            let (s, b) = avi.get(path).await;
            assert_field_error(s, &b, field);
        }
        app
    })
    .await;
}

#[tokio::test]
async fn the_document_lists_query_parameters_in_the_query_and_paging_on_every_growing_list() {
    let app = App::start(Backend::Sqlite).await;
    let doc: Value = reqwest::get(app.url("/api/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let paths = doc["paths"].as_object().unwrap();
    for (path, ops) in paths {
        for (method, op) in ops.as_object().unwrap() {
            for p in op["parameters"].as_array().into_iter().flatten() {
                let name = p["name"].as_str().unwrap();
                let in_path = path.contains(&format!("{{{name}}}"));
                let expected = if in_path { "path" } else { "query" };
                assert_eq!(p["in"], expected, "{method} {path}: parameter {name}");
            }
        }
    }
    for path in [
        "/api/clients",
        "/api/clients/{id}/entries",
        "/api/clients/{id}/appointments",
        "/api/me/entries",
        "/api/me/appointments",
        "/api/me/access-log",
        "/api/access-log",
        "/api/security-log",
        "/api/account-events",
        "/api/work-queue",
        "/api/work-queue/reconsiderations",
        "/api/clients/{id}/deliveries",
    ] {
        let params = doc["paths"][path]["get"]["parameters"]
            .as_array()
            .unwrap_or_else(|| panic!("{path}"));
        for name in ["cursor", "limit"] {
            assert!(
                params
                    .iter()
                    .any(|p| p["name"] == name && p["in"] == "query"),
                "{path} has no query parameter {name}"
            );
        }
    }
    app.stop().await;
}

/// `/health`'s status and body.
async fn health(app: &App) -> (StatusCode, Value) {
    let r = reqwest::get(app.url("/health")).await.unwrap();
    let (status, mut body): (StatusCode, Value) = (r.status(), r.json().await.unwrap());
    // The notices' line (issue 13: no mail server in the test harness) is not this test's
    // subject; `notify.rs` checks it.
    if let Some(o) = body.as_object_mut() {
        o.remove("notices");
    }
    (status, body)
}

#[tokio::test]
async fn health_tells_a_database_that_cannot_take_writes_and_a_refused_write_answers_503() {
    each_backend(|app| async move {
        let a = app.login("a").await;
        assert_eq!(health(&app).await, (StatusCode::OK, json!({"status": "ok", "database": "ok"})));
        match app.store.backend() {
            Backend::Sqlite => {
                // The writer's one connection made read-only: what a read-only file or file
                // system gives SQLite (SQLITE_READONLY).
                raw_execute(&app.store, "PRAGMA query_only = ON").await.unwrap();
                let (s, h) = health(&app).await;
                assert_eq!((s, &h["database"]), (StatusCode::SERVICE_UNAVAILABLE, &json!("unwritable")), "{h}");
                let (s, b) = a.post(&app.client_path("/entries"), entry("Soitto.")).await;
                assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE, "{b}");
                assert_eq!(b["error"]["code"], "read_only");
                raw_execute(&app.store, "PRAGMA query_only = OFF").await.unwrap();
                assert_eq!(health(&app).await.0, StatusCode::OK);

                // Full: the page limit stands in for a full disk. The probe row may still
                // fit; the refused write keeps /health at 503 until a write succeeds.
                let pages = kirjuri_store::testing::raw_i64(&app.store, "PRAGMA page_count").await;
                raw_execute(&app.store, &format!("PRAGMA max_page_count = {}", pages + 1)).await.unwrap();
                let long = "Pitkä merkintä. ".repeat(200);
                let mut refused = None;
                for _ in 0..50 {
                    let (s, b) = a.post(&app.client_path("/entries"), entry(&long)).await;
                    if s == StatusCode::SERVICE_UNAVAILABLE {
                        refused = Some(b);
                        break;
                    }
                    assert_eq!(s, StatusCode::CREATED, "{b}");
                }
                let b = refused.expect("the database never filled up");
                assert_eq!(b["error"]["code"], "storage_full", "{b}");
                let (s, h) = health(&app).await;
                assert_eq!((s, &h["database"]), (StatusCode::SERVICE_UNAVAILABLE, &json!("storage_full")), "{h}");
                raw_execute(&app.store, "PRAGMA max_page_count = 1073741823").await.unwrap();
                let (s, b) = a.post(&app.client_path("/entries"), entry("Soitto.")).await;
                assert_eq!(s, StatusCode::CREATED, "{b}");
                assert_eq!(health(&app).await.0, StatusCode::OK);
            }
            Backend::Postgres => {
                // What a full disk and a read-only server answer PostgreSQL's clients with
                // (disk_full 53100, read_only_sql_transaction 25006), raised where the
                // probe and an entry write meet them.
                raw_execute(&app.store, "CREATE FUNCTION kirjuri_test_full() RETURNS trigger AS $$
                    BEGIN RAISE EXCEPTION 'could not extend file' USING ERRCODE = 'disk_full'; END $$ LANGUAGE plpgsql;
                    CREATE TRIGGER probe_full BEFORE UPDATE ON write_probe FOR EACH ROW EXECUTE FUNCTION kirjuri_test_full();").await.unwrap();
                let (s, h) = health(&app).await;
                assert_eq!((s, &h["database"]), (StatusCode::SERVICE_UNAVAILABLE, &json!("storage_full")), "{h}");
                raw_execute(&app.store, "DROP TRIGGER probe_full ON write_probe").await.unwrap();
                assert_eq!(health(&app).await.0, StatusCode::OK);
                raw_execute(&app.store, "CREATE FUNCTION kirjuri_test_ro() RETURNS trigger AS $$
                    BEGIN RAISE EXCEPTION 'cannot execute in a read-only transaction' USING ERRCODE = 'read_only_sql_transaction'; END $$ LANGUAGE plpgsql;
                    CREATE TRIGGER probe_ro BEFORE UPDATE ON write_probe FOR EACH ROW EXECUTE FUNCTION kirjuri_test_ro();
                    CREATE TRIGGER entries_ro BEFORE INSERT ON entries FOR EACH ROW EXECUTE FUNCTION kirjuri_test_ro();").await.unwrap();
                let (s, h) = health(&app).await;
                assert_eq!((s, &h["database"]), (StatusCode::SERVICE_UNAVAILABLE, &json!("unwritable")), "{h}");
                let (s, b) = a.post(&app.client_path("/entries"), entry("Soitto.")).await;
                assert_eq!((s, &b["error"]["code"]), (StatusCode::SERVICE_UNAVAILABLE, &json!("read_only")), "{b}");
                raw_execute(&app.store, "DROP TRIGGER probe_ro ON write_probe; DROP TRIGGER entries_ro ON entries").await.unwrap();
                assert_eq!(health(&app).await.0, StatusCode::OK);
            }
        }
        app
    })
    .await;
}

/// The count of one line of the exposition (0 when absent).
fn sample(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(series).and_then(|r| r.strip_prefix(' ')))
        .map_or(0.0, |v| v.parse().unwrap())
}

/// A server that reuses its probe (issue 16): `/health` needs no log-in, so a burst of calls
/// within the interval shares one probe instead of each writing the probe row; a database
/// that stops taking writes shows at the next probe, not before.
#[tokio::test]
async fn health_reuses_its_probe_within_the_interval() {
    for backend in kirjuri_store::testing::backends() {
        let app = App::start_with(
            backend,
            Options {
                config: kirjuri_web::Config {
                    health_probe_interval: std::time::Duration::from_secs(3600),
                    ..Default::default()
                },
                ..Default::default()
            },
        )
        .await;
        assert_eq!(health(&app).await.0, StatusCode::OK);
        // The probe write now fails; the answer of the probe before it still stands.
        let _ = match backend {
            Backend::Sqlite => raw_execute(&app.store, "PRAGMA query_only = ON").await.unwrap(),
            Backend::Postgres => raw_execute(&app.store, "CREATE FUNCTION kirjuri_test_ro() RETURNS trigger AS $$
                BEGIN RAISE EXCEPTION 'cannot execute in a read-only transaction' USING ERRCODE = 'read_only_sql_transaction'; END $$ LANGUAGE plpgsql;
                CREATE TRIGGER probe_ro BEFORE UPDATE ON write_probe FOR EACH ROW EXECUTE FUNCTION kirjuri_test_ro();").await.unwrap(),
        };
        let url = app.url("/health");
        let burst: Vec<_> = (0..20)
            .map(|_| tokio::spawn(reqwest::get(url.clone())))
            .collect();
        for call in burst {
            let r = call.await.unwrap().unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            let h: Value = r.json().await.unwrap();
            assert_eq!(h["database"], "ok", "{h}");
        }
        // Forgetting the last probe (what the interval's end does) shows the database as it is.
        *app.state.health_probe.lock().await = None;
        let (s, h) = health(&app).await;
        assert_eq!(
            (s, &h["database"]),
            (StatusCode::SERVICE_UNAVAILABLE, &json!("unwritable")),
            "{h}"
        );
        let _ = match backend {
            Backend::Sqlite => raw_execute(&app.store, "PRAGMA query_only = OFF")
                .await
                .unwrap(),
            Backend::Postgres => raw_execute(&app.store, "DROP TRIGGER probe_ro ON write_probe")
                .await
                .unwrap(),
        };
        app.stop().await;
    }
}

#[tokio::test]
async fn metrics_need_the_token_and_count_what_happened() {
    for backend in kirjuri_store::testing::backends() {
        let app = App::start_with(
            backend,
            Options {
                config: kirjuri_web::Config {
                    metrics_token: Some("metrics-token-for-tests".into()),
                    ..Default::default()
                },
                ..Default::default()
            },
        )
        .await;
        let http = reqwest::Client::new();
        let scrape = |token: Option<&'static str>| {
            let mut r = http.get(app.url("/metrics"));
            if let Some(t) = token {
                r = r.bearer_auth(t);
            }
            r.send()
        };
        assert_eq!(
            scrape(None).await.unwrap().status(),
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            scrape(Some("wrong")).await.unwrap().status(),
            StatusCode::UNAUTHORIZED
        );
        // A session is no token: not even the supervisor reads them so.
        let avi = app.login("avi").await;
        let r = avi.client.get(app.url("/metrics")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);

        let r = scrape(Some("metrics-token-for-tests")).await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert!(r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4"));
        let before = r.text().await.unwrap();
        let series = |route: &str, status: u16| {
            format!("kirjuri_http_requests_total{{method=\"GET\",route=\"{route}\",status=\"{status}\"}}")
        };
        let entries = series("/api/clients/{id}/entries", 200);
        let a = app.login("a").await;
        let (s, _) = a
            .post(&app.client_path("/entries"), entry("Asiakas soitti."))
            .await;
        assert_eq!(s, StatusCode::CREATED);
        for _ in 0..3 {
            assert_eq!(a.get(&app.client_path("/entries")).await.0, StatusCode::OK);
        }
        assert_eq!(
            a.get("/api/clients/not-an-id").await.0,
            StatusCode::NOT_FOUND
        );
        let after = scrape(Some("metrics-token-for-tests"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(
            sample(&after, &entries) - sample(&before, &entries),
            3.0,
            "{after}"
        );
        assert_eq!(
            sample(&after, &series("/api/clients/{id}", 404)),
            1.0,
            "{after}"
        );
        let latency =
            "kirjuri_http_request_duration_seconds_count{route=\"/api/clients/{id}/entries\"}";
        assert_eq!(sample(&after, latency), 4.0, "{after}");
        assert!(
            sample(&after, "kirjuri_checker_duration_seconds_count") >= 1.0,
            "{after}"
        );
        assert!(sample(&after, "kirjuri_ledger_leaves") > sample(&before, "kirjuri_ledger_leaves"));
        assert!(after.contains("kirjuri_write_queue_depth "), "{after}");
        assert!(after.contains("kirjuri_outbox_backlog "), "{after}");
        // No id becomes a label.
        assert!(!after.contains(&app.fx.client_a.id.to_string()), "{after}");
        app.stop().await;
    }
    // Without a token configured, the main listener has no metrics at all.
    let app = App::start(Backend::Sqlite).await;
    let r = reqwest::get(app.url("/metrics")).await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    app.stop().await;
}

#[tokio::test]
async fn the_work_queues_and_deliveries_page_with_a_cursor() {
    each_backend(|app| async move {
        super::adopt(&app).await;
        let a = app.login("a").await;
        let mut clients = vec![app.fx.client_a.id.to_string()];
        for (hetu, first) in [("150380-2349", "Kalle"), ("010101A123N", "Liisa")] {
            let (s, c) = a
                .post("/api/clients", json!({"hetu": hetu, "first_name": first, "last_name": "Jono", "language": "fi"}))
                .await;
            assert_eq!(s, StatusCode::CREATED, "{c}");
            clients.push(c["id"].as_str().unwrap().to_owned());
        }
        // Without the client's answers the start statement goes to an official.
        for c in &clients {
            let (s, d) = a
                .post(&format!("/api/clients/{c}/job-searches"), json!({"start_date": "2026-03-02"}))
                .await;
            assert_eq!(s, StatusCode::CREATED, "{d}");
            assert_eq!(d["decision"]["outcome"], "routed", "{d}");
        }
        let (cases, pages) = all_pages(&a, "/api/work-queue?limit=2", 2).await;
        assert_eq!(pages, 2);
        let ids: Vec<_> = cases.iter().map(|c| c["decision_id"].clone()).collect();
        assert_eq!(ids.len(), 3, "{cases:?}");
        let (_, whole) = a.get("/api/work-queue").await;
        let whole: Vec<_> = whole.as_array().unwrap().iter().map(|c| c["decision_id"].clone()).collect();
        assert_eq!(ids, whole, "the pages hold the queue in its order");
        // Only the clients shown are read: a page of one logs one client's read.
        let before = kirjuri_store::testing::raw_i64(&app.store, "SELECT COUNT(*) FROM access_log WHERE resource = 'work_queue'").await;
        let (s, one, next, _) = page(&a, "/api/work-queue?limit=1").await;
        assert_eq!((s, one.as_array().unwrap().len()), (StatusCode::OK, 1));
        assert!(next.is_some());
        let after = kirjuri_store::testing::raw_i64(&app.store, "SELECT COUNT(*) FROM access_log WHERE resource = 'work_queue'").await;
        assert_eq!(after - before, 1);

        let (s, q, next, _) = page(&a, "/api/work-queue/reconsiderations?limit=5").await;
        assert_eq!((s, q, next), (StatusCode::OK, json!([]), None));
        let (s, d, next, _) = page(&a, &app.client_path("/deliveries?limit=5")).await;
        assert_eq!((s, next), (StatusCode::OK, None), "{d}");
        for path in [
            "/api/work-queue?cursor=00".to_owned(),
            "/api/work-queue/reconsiderations?limit=0".to_owned(),
            app.client_path("/deliveries?limit=501"),
        ] {
            let (s, b) = a.get(&path).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{path}: {b}");
        }
        app
    })
    .await;
}

/// Issue 16 (A11): the validity query comes a page at a time. Followed from cursor to cursor,
/// the pages hold every gap of the unpaged answer once, in the same order, none more than
/// asked for; the `Link` repeats the date and the limit; a bad `limit` or `cursor` is a
/// field error, and a cursor of another list is refused.
#[tokio::test]
async fn the_validity_query_pages_with_a_cursor() {
    each_backend(|app| async move {
        let admin = app.login("admin").await;
        let (s, payer) = admin
            .post(
                "/api/benefit-payers",
                json!({"name_fi": "Kansaneläkelaitos", "name_sv": "Folkpensionsanstalten",
                       "endpoint_url": "https://kela.example.fi/lausunnot"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{payer}");
        let a = app.login("a").await;
        let mut clients = vec![app.fx.client_a.id.to_string()];
        for n in 0..4u16 {
            let born = chrono::NaiveDate::from_ymd_opt(1980 + i32::from(n), 3, 14).unwrap();
            let hetu = kirjuri_domain::Hetu::from_parts(born, 940 + n).unwrap();
            let (s, c) = a
                .post(
                    "/api/clients",
                    json!({"hetu": hetu.as_str(), "first_name": "Hakija",
                       "last_name": format!("Numero {n}"), "language": "fi"}),
                )
                .await;
            assert_eq!(s, StatusCode::CREATED, "{c}");
            clients.push(c["id"].as_str().unwrap().to_owned());
        }
        for id in &clients {
            let (s, b) = a
                .post(
                    &format!("/api/clients/{id}/benefit-applications"),
                    json!({"payer_id": payer["id"], "from_date": "2026-03-01"}),
                )
                .await;
            assert_eq!(s, StatusCode::CREATED, "{b}");
        }
        let ids = |b: &Value| -> Vec<String> {
            b["gaps"]
                .as_array()
                .unwrap()
                .iter()
                .map(|g| g["client_id"].as_str().unwrap().to_owned())
                .collect()
        };
        let (s, whole, next, _) = page(&a, "/api/statements/gaps?date=2026-03-02").await;
        assert_eq!((s, next), (StatusCode::OK, None), "{whole}");
        let whole = ids(&whole);
        assert_eq!(whole.len(), clients.len(), "{whole:?}");

        let mut paged = Vec::new();
        let mut path = "/api/statements/gaps?date=2026-03-02&limit=2".to_owned();
        for pages in 1.. {
            let (s, body, next, link) = page(&a, &path).await;
            assert_eq!(s, StatusCode::OK, "{path}: {body}");
            let got = ids(&body);
            assert!(got.len() <= 2, "{path}: {got:?}");
            paged.extend(got);
            match (next, link) {
                (Some(next), Some(link)) => {
                    assert!(link.contains(&format!("cursor={next}")), "{link}");
                    assert!(
                        link.contains("limit=2") && link.contains("date=2026-03-02"),
                        "{link}"
                    );
                    path = format!("/api/statements/gaps?date=2026-03-02&limit=2&cursor={next}");
                }
                (None, None) => break,
                other => panic!("Next-Cursor and Link disagree: {other:?}"),
            }
            assert!(pages < 20, "paging does not end");
        }
        assert_eq!(paged, whole);

        for bad in ["limit=0", "limit=501", "limit=x"] {
            let (s, b, _, _) = page(&a, &format!("/api/statements/gaps?{bad}")).await;
            assert_field_error(s, &b, "limit");
        }
        let (s, b, _, _) = page(&a, "/api/statements/gaps?cursor=zz").await;
        assert_field_error(s, &b, "cursor");
        // "entries:1", hex: a well-formed cursor of another list.
        let entries_cursor: String = "entries:1".bytes().map(|b| format!("{b:02x}")).collect();
        let (s, b, _, _) = page(&a, &format!("/api/statements/gaps?cursor={entries_cursor}")).await;
        assert_field_error(s, &b, "cursor");
        app
    })
    .await;
}

/// Issue 16 (A1): the administrator's list of accounts comes a page at a time: followed from
/// cursor to cursor it holds every account of the unpaged answer once, in the same order; a
/// bad `limit` is a field error.
#[tokio::test]
async fn the_accounts_list_pages_with_a_cursor() {
    each_backend(|app| async move {
        let admin = app.login("admin").await;
        for n in 0..5 {
            let (s, b) = admin
                .post(
                    "/api/admin/users",
                    json!({"username": format!("sivu.{n}"), "display_name": format!("Sivutettu Virkailija {n}"),
                           "role": "official", "password": "pitkä salasana 123"}),
                )
                .await;
            assert_eq!(s, StatusCode::CREATED, "{b}");
        }
        let (s, whole, next, _) = page(&admin, "/api/admin/users?limit=1000").await;
        assert_eq!((s, next), (StatusCode::OK, None), "{whole}");
        let whole: Vec<Value> = whole.as_array().unwrap().clone();
        assert!(whole.len() >= 5, "{whole:?}");
        let (paged, pages) = all_pages(&admin, "/api/admin/users?limit=2", 2).await;
        assert_eq!(paged, whole);
        assert_eq!(pages, whole.len().div_ceil(2));
        for bad in ["limit=0", "limit=1001"] {
            let (s, b, _, _) = page(&admin, &format!("/api/admin/users?{bad}")).await;
            assert_field_error(s, &b, "limit");
        }
        app
    })
    .await;
}
