//! Issue 14: manager grants over real HTTP on every backend — `PUT` and `DELETE
//! /api/admin/users/{id}/manager`: an administrator of the account's own organisation makes an
//! official a manager (201, then 200 while held) and takes it away (204); a bad id is 422
//! naming `id`, an account of another organisation or none 404, an administrator's own account
//! 422; every other role 403 and no session 401; the OpenAPI document states exactly these
//! answers; and a manager's pages offer the compliance reports of their own organisation only.

use super::pages::Browser;
use super::*;
use kirjuri_app::clients::ClientRegistration;
use kirjuri_app::Actor;

async fn user_id(app: &App, username: &str) -> String {
    app.store
        .user_by_username(username)
        .await
        .unwrap()
        .unwrap()
        .0
        .id
        .to_string()
}

async fn delete(h: &Http, path: &str) -> (StatusCode, Value) {
    let r = h
        .client
        .delete(format!("{}{path}", h.base))
        .send()
        .await
        .unwrap();
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn put(h: &Http, path: &str) -> (StatusCode, Value) {
    let r = h
        .client
        .put(format!("{}{path}", h.base))
        .send()
        .await
        .unwrap();
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// The grant's answers for every kind of caller and account.
#[tokio::test]
async fn an_administrator_grants_and_revokes_a_manager_of_their_own_organisation() {
    each_backend(|app| async move {
        let a = user_id(&app, "a").await;
        let admin_id = user_id(&app, "admin").await;
        let path = format!("/api/admin/users/{a}/manager");
        let admin = app.login("admin").await;

        let (s, b) = put(&admin, &path).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        assert_eq!(b["user_id"], a.as_str());
        assert_eq!(b["organisation_id"], app.fx.org_a.id.to_string());
        assert_eq!(b["granted_by"], admin_id.as_str());
        assert!(b["granted_at"].as_str().is_some(), "{b}");
        let (s, again) = put(&admin, &path).await;
        assert_eq!(s, StatusCode::OK, "a held grant: {again}");
        assert_eq!(again, b);

        // Not an id; nobody's id; another organisation's official; the administrator.
        let (s, e) = put(&admin, "/api/admin/users/not-an-id/manager").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_field_error(s, &e, "id");
        let (s, e) = delete(&admin, "/api/admin/users/not-an-id/manager").await;
        assert_field_error(s, &e, "id");
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let nobody = "/api/admin/users/00000000-0000-4000-8000-000000000000/manager";
        assert_eq!(put(&admin, nobody).await.0, StatusCode::NOT_FOUND);
        assert_eq!(delete(&admin, nobody).await.0, StatusCode::NOT_FOUND);
        let b_path = format!("/api/admin/users/{}/manager", user_id(&app, "b").await);
        assert_eq!(put(&admin, &b_path).await.0, StatusCode::NOT_FOUND);
        let (s, e) = put(&admin, &format!("/api/admin/users/{admin_id}/manager")).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_field_error(s, &e, "id");

        // Every other role is refused, and nothing changes; no session is 401.
        for who in ["a", "b", "keha", "rules", "avi", "seeker"] {
            let h = app.login(who).await;
            assert_eq!(put(&h, &path).await.0, StatusCode::FORBIDDEN, "{who}");
            assert_eq!(delete(&h, &path).await.0, StatusCode::FORBIDDEN, "{who}");
        }
        let anon = Http {
            client: reqwest::Client::new(),
            base: app.base.clone(),
        };
        assert_eq!(put(&anon, &path).await.0, StatusCode::UNAUTHORIZED);
        assert_eq!(delete(&anon, &path).await.0, StatusCode::UNAUTHORIZED);
        let events = |event: &'static str| {
            let store = app.store.clone();
            let a = a.clone();
            async move {
                raw_i64(
                    &store,
                    &format!(
                        "SELECT COUNT(*) FROM manager_grant_events WHERE user_id = '{a}' AND event = '{event}'"
                    ),
                )
                .await
            }
        };
        assert_eq!(events("granted").await, 1);
        assert_eq!(events("revoked").await, 0);

        let (s, body) = delete(&admin, &path).await;
        assert_eq!(s, StatusCode::NO_CONTENT, "{body}");
        assert_eq!(delete(&admin, &path).await.0, StatusCode::NO_CONTENT);
        assert_eq!(events("revoked").await, 1, "a second revocation records nothing");
        app
    })
    .await;
}

/// The OpenAPI document states every answer of the two operations and nothing else
/// (`scripts/api-fuzz` checks each response against it), and neither takes a body.
#[tokio::test]
async fn the_manager_operations_are_documented_with_every_status() {
    each_backend(|app| async move {
        let doc: Value = reqwest::get(app.url("/api/openapi.json"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let item = &doc["paths"]["/api/admin/users/{id}/manager"];
        let statuses = |op: &Value| {
            let mut s: Vec<String> = op["responses"]
                .as_object()
                .unwrap()
                .keys()
                .cloned()
                .collect();
            s.sort();
            s
        };
        assert_eq!(
            statuses(&item["put"]),
            ["200", "201", "401", "403", "404", "422", "503"]
        );
        assert_eq!(
            statuses(&item["delete"]),
            ["204", "401", "403", "404", "422", "503"]
        );
        for op in [&item["put"], &item["delete"]] {
            assert!(op.get("requestBody").is_none(), "{op}");
            assert_eq!(op["parameters"][0]["in"], "path");
            assert_eq!(op["parameters"][0]["name"], "id");
        }
        let grant = &item["put"]["responses"]["201"]["content"]["application/json"]["schema"];
        assert_eq!(grant["$ref"], "#/components/schemas/ManagerGrantView");
        let schema = &doc["components"]["schemas"]["ManagerGrantView"]["required"];
        let mut required: Vec<&str> = schema
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        required.sort();
        assert_eq!(
            required,
            ["granted_at", "granted_by", "organisation_id", "user_id"]
        );
        app
    })
    .await;
}

/// A client of each organisation with an entry recorded late, by each organisation's
/// official, for the reports to have rows of both.
async fn seed(app: &App) {
    let reg = |n: &str, hetu: &str| ClientRegistration {
        hetu: Hetu::parse(hetu).unwrap(),
        first_name: PersonName::parse("Esimies").unwrap(),
        last_name: PersonName::parse(n).unwrap(),
        language: Language::Fi,
    };
    let event = Utc.with_ymd_and_hms(2026, 2, 2, 8, 0, 0).unwrap();
    for (who, name, hetu) in [("a", "Aalto", "131052-9085"), ("b", "Berg", "020516C990C")] {
        let by = Actor::new(app.store.user_by_username(who).await.unwrap().unwrap().0);
        app.clock.set(event);
        let client = app
            .core
            .register_client(&by, reg(name, hetu))
            .await
            .unwrap();
        app.clock
            .set(Utc.with_ymd_and_hms(2026, 2, 12, 9, 0, 0).unwrap());
        let entry = NewEntry::new(
            client.id,
            EntryKind::Advice,
            EntryText::parse("Asiakkaan kanssa käytiin läpi tilanne.").unwrap(),
            event,
            EntryDetails::default(),
            None,
        )
        .unwrap();
        app.core.write_entry(&by, entry).await.unwrap();
    }
    app.clock
        .set(Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap());
}

/// A manager's pages: the menu links the reports, every report is their own organisation's
/// only (its rows, the organisation choice, the drill-down), another organisation is a 422
/// naming `org`; once the grant is revoked the reports are refused and the link is gone.
#[tokio::test]
async fn a_manager_gets_the_reports_pages_of_their_own_organisation_only() {
    each_backend(|app| async move {
        seed(&app).await;
        let (org_a, org_b) = (&app.fx.org_a, &app.fx.org_b);
        let a = user_id(&app, "a").await;
        let admin = app.login("admin").await;
        let path = format!("/api/admin/users/{a}/manager");
        assert_eq!(put(&admin, &path).await.0, StatusCode::CREATED);

        let m = Browser::new(&app);
        m.login("a").await;
        let (_, _, today) = m.get("/today").await;
        assert!(
            today.contains("href=\"/reports\""),
            "the menu links the reports"
        );
        let (s, _, index) = m.get("/reports").await;
        assert_eq!(s, StatusCode::OK, "{index}");
        let filter = "from=2026-01-01&to=2026-02-28";
        let (s, _, html) = m.get(&format!("/reports/timeliness?{filter}")).await;
        assert_eq!(s, StatusCode::OK, "{html}");
        assert!(html.contains("Anni A"), "A's official's row: {html}");
        assert!(!html.contains("Bo B"), "no row of B's official");
        assert!(html.contains(org_a.name_fi.as_str()));
        assert!(
            !html.contains(org_b.name_fi.as_str()),
            "B is neither a row nor a choice"
        );
        for slug in [
            "interviews",
            "contact-methods",
            "follow-ups",
            "language",
            "statements",
            "access",
        ] {
            let (s, _, html) = m.get(&format!("/reports/{slug}?{filter}")).await;
            assert_eq!(s, StatusCode::OK, "{slug}: {html}");
            assert!(!html.contains(org_b.name_fi.as_str()), "{slug}");
        }
        let (s, _, html) = m
            .get(&format!("/reports/timeliness?{filter}&org={}", org_b.id))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
        let (s, _, html) = m
            .get(&format!("/reports/timeliness/clients?{filter}"))
            .await;
        assert_eq!(s, StatusCode::OK, "{html}");
        assert!(html.contains("Aalto") && !html.contains("Berg"), "{html}");
        let (s, _, csv) = m
            .get(&format!("/reports/timeliness.csv?{filter}&table=officials"))
            .await;
        assert_eq!(s, StatusCode::OK, "{csv}");
        assert!(csv.contains("Anni A") && !csv.contains("Bo B"), "{csv}");
        // The drill-down's read is logged as supervision, flagged.
        let logged = raw_i64(
            &app.store,
            &format!(
                "SELECT COUNT(*) FROM access_log WHERE user_id = '{a}' AND flagged = 1
                   AND purpose = 'valvonta' AND action = 'read'"
            ),
        )
        .await;
        assert_eq!(logged, 1);

        // Revoked: the next request is refused, and the menu no longer links the reports.
        let (s, _) = delete(&admin, &path).await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        let (s, _, _) = m.get("/reports").await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, _, _) = m.get(&format!("/reports/timeliness?{filter}")).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (_, _, today) = m.get("/today").await;
        assert!(!today.contains("href=\"/reports\""));
        app
    })
    .await;
}
