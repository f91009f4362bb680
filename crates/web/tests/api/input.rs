//! Issue 15 (items 1, 3, 8, 9, 10, 13, 14): bad dates, concurrent writes, existence oracles and
//! error answers found by probing the running server.

use super::*;
use chrono::NaiveDate;

/// Every date field a person fills in, with a body holding `value` in it: (what, path, body,
/// the field the answer must name). Client A is the fixture's; `js` is an open job search of
/// it and `payer` a registered benefit payer.
fn date_fields(
    app: &App,
    js: &str,
    payer: &str,
    value: &str,
) -> Vec<(String, String, Value, String)> {
    let c = |rest: &str| app.client_path(rest);
    vec![
        (
            "job-search start".into(),
            c("/job-searches"),
            json!({"start_date": value}),
            "start_date".into(),
        ),
        (
            "job-search end".into(),
            c(&format!("/job-searches/{js}/end")),
            json!({"end_date": value, "reason": "employed"}),
            "end_date".into(),
        ),
        // A follow-up date before the plan is refused as such, naming the list.
        (
            "follow-up date".into(),
            c("/entries"),
            json!({"entry_type": "employment_plan", "text": "Suunnitelma.", "event_at": "2026-03-02T10:00:00+02:00",
                "follow_up_dates": ["2026-04-01", value]}),
            if matches!(value, "0000-01-01" | "1899-12-31") {
                "follow_up_dates"
            } else {
                "follow_up_dates[1]"
            }
            .into(),
        ),
        (
            "appointment".into(),
            c("/appointments"),
            json!({"date": value, "time": "10:00", "duration_minutes": 30, "mode": {"kind": "phone"}}),
            "date".into(),
        ),
        (
            "contact method".into(),
            c("/contact-method"),
            json!({"method": "phone", "agreed_on": value}),
            "agreed_on".into(),
        ),
        (
            "responsible expert".into(),
            c("/responsible-expert"),
            json!({"official_id": app.fx.official_a.id.to_string(), "from": value}),
            "from".into(),
        ),
        (
            "benefit application".into(),
            c("/benefit-applications"),
            json!({"payer_id": payer, "from_date": value}),
            "from_date".into(),
        ),
    ]
}

/// Issue 15 items 1 and 9: a date a person enters is refused with 422 naming the field when it
/// is not plausible (before 1900, more than two years ahead, year 0 or 9999, the probe's
/// `+262142-12-31`), and so is one written with a sign (`+002026-01-01`); nothing is written,
/// and the client's record still reads.
#[tokio::test]
async fn implausible_and_signed_dates_are_refused_naming_the_field() {
    each_backend(|app| async move {
        let a = app.login("a").await;
        let (s, js) = a.post(&app.client_path("/job-searches"), json!({"start_date": "2026-03-02"})).await;
        assert_eq!(s, StatusCode::CREATED, "{js}");
        let js = js["id"].as_str().unwrap().to_owned();
        let admin = app.login("admin").await;
        let (s, payer) = admin
            .post("/api/benefit-payers", json!({"name_fi": "Kansaneläkelaitos",
                "name_sv": "Folkpensionsanstalten", "endpoint_url": "https://kela.example.fi/lausunnot"}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{payer}");
        let payer = payer["id"].as_str().unwrap().to_owned();
        let before = snapshot(&app).await;
        let applications = raw_i64(&app.store, "SELECT COUNT(*) FROM benefit_applications").await;
        for value in ["+262142-12-31", "+002026-01-01", "9999-12-31", "0000-01-01", "1899-12-31", "2028-03-03", "20260302", "2026-3-2"] {
            for (what, path, body, field) in date_fields(&app, &js, &payer, value) {
                let (s, b) = a.post(&path, body).await;
                eprintln!("{what} {value}: {s} {b}");
                assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{what} {value}: {b}");
                assert_field_error(s, &b, &field);
                assert_eq!(snapshot(&app).await, before, "{what} {value} wrote something");
            }
        }
        assert_eq!(raw_i64(&app.store, "SELECT COUNT(*) FROM benefit_applications").await, applications);
        // The edges of the range are dates a person can mean.
        let (s, b) = a.post(&app.client_path("/contact-method"), json!({"method": "phone", "agreed_on": "1900-01-01"})).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        let (s, b) = a
            .post(&app.client_path("/appointments"),
                  json!({"date": "2028-03-02", "time": "10:00", "duration_minutes": 30, "mode": {"kind": "phone"}}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        // An entry's event time and the other dates people type: the adoption decision and
        // the validity query's day.
        let (s, b) = a
            .post(&app.client_path("/entries"),
                  json!({"entry_type": "contact", "text": "Soitto.", "event_at": "0001-01-01T00:00:00Z"}))
            .await;
        assert_field_error(s, &b, "event_at");
        let rules = app.login("rules").await;
        let mut body = adoption_body("KEHA/1/2026");
        body["decided_on"] = json!("9999-01-01");
        let (s, b) = rules.post("/api/adoption-decisions", body).await;
        assert_field_error(s, &b, "decided_on");
        let (s, b) = a.get("/api/statements/gaps?date=9999-12-31").await;
        assert_field_error(s, &b, "date");
        let (s, b) = a.get("/api/statements/gaps?date=%2B002026-01-01").await;
        assert_field_error(s, &b, "date");
        assert_eq!(a.get(&app.client_path("")).await.0, StatusCode::OK);
        app
    })
    .await;
}

/// Issue 15 item 1: a job search stored with the last date the calendar holds (as the probe
/// left one before dates were checked) does not crash the reads of the client: the record
/// answers, with no initial-interview deadline, where every read panicked at
/// `NaiveDate + TimeDelta overflowed`.
#[tokio::test]
async fn a_stored_far_future_date_does_not_crash_reads() {
    each_backend(|app| async move {
        let by = acting(&app.fx.official_a);
        app.store
            .start_job_search(app.fx.client_a.id, NaiveDate::MAX, &by)
            .await
            .unwrap();
        let a = app.login("a").await;
        let (s, b) = a.get(&app.client_path("")).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        assert_eq!(b["initial_interview_deadline"], Value::Null, "{b}");
        let seeker = app.login("seeker").await;
        let (s, b) = seeker.get("/api/me/record").await;
        assert_eq!(s, StatusCode::OK, "{b}");
        app
    })
    .await;
}

/// Sends `n` copies of one POST at once; the statuses.
async fn at_once(http: &Http, n: usize, path: &str, body: Value) -> Vec<StatusCode> {
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..n {
        let (client, url, body) = (
            http.client.clone(),
            format!("{}{path}", http.base),
            body.clone(),
        );
        set.spawn(async move {
            let r = client.post(url).json(&body).send().await.unwrap();
            (r.status(), r.text().await.unwrap_or_default())
        });
    }
    let mut statuses = Vec::new();
    while let Some(s) = set.join_next().await {
        let (status, body) = s.unwrap();
        // A failure inside shows its answer (the reference of the logged error).
        if status.is_server_error() {
            eprintln!("{status}: {body}");
        }
        statuses.push(status);
    }
    statuses
}

fn tally(statuses: &[StatusCode]) -> (usize, usize, usize) {
    let count = |want: StatusCode| statuses.iter().filter(|s| **s == want).count();
    let ok = count(StatusCode::CREATED) + count(StatusCode::OK);
    (ok, count(StatusCode::CONFLICT), statuses.len())
}

/// Issue 15 item 3: sixteen simultaneous job-search starts for one client: one 201, fifteen
/// 409 (all 201 before: two open job searches and two automatic start statements). The same
/// for ending one job search at once, and for registering one adoption decision at once.
#[tokio::test]
async fn simultaneous_writes_of_a_one_only_thing_give_one_success_and_conflicts() {
    each_backend(|app| async move {
        let a = app.login("a").await;
        let path = app.client_path("/job-searches");
        let statuses = at_once(&a, 16, &path, json!({"start_date": "2026-03-02"})).await;
        assert_eq!(tally(&statuses), (1, 15, 16), "{statuses:?}");
        let client = app.fx.client_a.id;
        let q = |sql: String| {
            let store = app.store.clone();
            async move { raw_i64(&store, &sql).await }
        };
        assert_eq!(
            q(format!(
                "SELECT COUNT(*) FROM job_searches WHERE client_id = '{client}'"
            ))
            .await,
            1
        );
        assert_eq!(
            q(format!(
                "SELECT COUNT(*) FROM decisions WHERE client_id = '{client}'"
            ))
            .await,
            1
        );
        // One after the other the answer is the same conflict, naming the open one's start.
        let (s, b) = a.post(&path, json!({"start_date": "2026-03-03"})).await;
        assert_eq!(s, StatusCode::CONFLICT, "{b}");
        assert!(
            b["error"]["message"]
                .as_str()
                .unwrap()
                .contains("2026-03-02"),
            "{b}"
        );

        let (_, list) = a.get(&path).await;
        let js = list[0]["id"].as_str().unwrap().to_owned();
        let end = app.client_path(&format!("/job-searches/{js}/end"));
        let statuses = at_once(
            &a,
            16,
            &end,
            json!({"end_date": "2026-03-20", "reason": "employed"}),
        )
        .await;
        assert_eq!(tally(&statuses), (1, 15, 16), "{statuses:?}");
        assert_eq!(
            q(format!(
                "SELECT COUNT(*) FROM job_search_ends WHERE job_search_id = '{js}'"
            ))
            .await,
            1
        );
        // Ended, the client may start again.
        let (s, b) = a.post(&path, json!({"start_date": "2026-03-23"})).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");

        let rules = app.login("rules").await;
        let statuses = at_once(
            &rules,
            8,
            "/api/adoption-decisions",
            adoption_body("KEHA/2/2026"),
        )
        .await;
        assert_eq!(tally(&statuses), (1, 7, 8), "{statuses:?}");

        // An entry is corrected once (corrections form a chain): of eight corrections at once,
        // one is written and the others are told to correct the latest entry (they were 500).
        let entries = app.client_path("/entries");
        let (s, e) = a
            .post(&entries, json!({"entry_type": "contact", "text": "Soitto.", "event_at": "2026-03-02T10:00:00+02:00"}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{e}");
        let body = json!({"entry_type": "contact", "text": "Soitto, korjattu.", "event_at": "2026-03-02T10:00:00+02:00",
            "corrects": {"entry_id": e["id"], "reason": "Korjaus"}});
        let statuses = at_once(&a, 8, &entries, body).await;
        let refused = statuses.iter().filter(|s| **s == StatusCode::UNPROCESSABLE_ENTITY).count();
        assert_eq!((tally(&statuses).0, refused), (1, 7), "{statuses:?}");
        app
    })
    .await;
}

/// Issue 15 item 8: for an identity code of a client the official may not see (another
/// organisation's, no reason stated), registering it answers exactly as looking it up does
/// (it answered 409 "already registered" while the lookup said 404), and both attempts are
/// logged as flagged refusals.
#[tokio::test]
async fn registering_a_code_one_may_not_see_answers_as_its_lookup() {
    each_backend(|app| async move {
        let b = app.login("b").await;
        let hetu = app.fx.client_a.hetu.as_str().to_owned();
        let denied = || {
            let store = app.store.clone();
            let client = app.fx.client_a.id;
            async move {
                raw_i64(&store, &format!(
                    "SELECT COUNT(*) FROM access_log WHERE action = 'denied' AND flagged = 1 AND client_id = '{client}'"
                ))
                .await
            }
        };
        let before = denied().await;
        let lookup = b.post("/api/clients/lookup", json!({"hetu": hetu})).await;
        let register = b
            .post("/api/clients", json!({"hetu": hetu, "first_name": "A", "last_name": "B", "language": "fi"}))
            .await;
        assert_eq!(lookup.0, StatusCode::NOT_FOUND, "{}", lookup.1);
        assert_eq!(register, lookup, "registering answered otherwise than the lookup");
        assert_eq!(denied().await, before + 2, "both attempts are logged refusals");
        // A code nobody has is looked up as not found too, and registers.
        let (s, fresh) = b.post("/api/clients/lookup", json!({"hetu": "020516C903K"})).await;
        assert_eq!((s, &fresh), (lookup.0, &lookup.1));
        // The official who may see the client is told it is registered.
        let a = app.login("a").await;
        let (s, body) = a
            .post("/api/clients", json!({"hetu": hetu, "first_name": "A", "last_name": "B", "language": "fi"}))
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "{body}");
        app
    })
    .await;
}

/// Issue 15 item 13: "not found" is one answer, whichever id did not lead anywhere: an entry
/// that does not exist in a visible client's record reads exactly as a client one may not see
/// ("entry not found" beside "client not found" told which existed), and a correction of an
/// entry that does not exist reads as one of another client's entry ("does not exist" beside
/// "belongs to another client").
#[tokio::test]
async fn not_found_answers_do_not_tell_which_id_exists() {
    each_backend(|app| async move {
        let a = app.login("a").await;
        let b = app.login("b").await;
        let missing = "7f0c6a52-3b1e-4c55-9a1d-2d3c4b5a6978";
        let chain = app.client_path(&format!("/entries/{missing}/chain"));
        let (s1, own_client) = a.get(&chain).await;
        let (s2, hidden_client) = b.get(&chain).await;
        let (s3, no_client) = a.get(&format!("/api/clients/{missing}/entries/{missing}/chain")).await;
        assert_eq!(s1, StatusCode::NOT_FOUND, "{own_client}");
        assert_eq!((s1, &own_client), (s2, &hidden_client));
        assert_eq!((s1, &own_client), (s3, &no_client));

        // Another client's entry and no entry at all, as the entry a correction corrects.
        let (_, other) = a
            .post("/api/clients", json!({"hetu": "010501E9032", "first_name": "Muu", "last_name": "Asiakas", "language": "fi"}))
            .await;
        let other = other["id"].as_str().unwrap().to_owned();
        let (s, theirs) = a
            .post(&format!("/api/clients/{other}/entries"),
                  json!({"entry_type": "contact", "text": "Soitto.", "event_at": "2026-03-02T10:00:00+02:00"}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{theirs}");
        let correct = |id: &str| json!({"entry_type": "contact", "text": "Soitto.", "event_at": "2026-03-02T10:00:00+02:00",
            "corrects": {"entry_id": id, "reason": "Korjaus"}});
        let foreign = a.post(&app.client_path("/entries"), correct(theirs["id"].as_str().unwrap())).await;
        let nowhere = a.post(&app.client_path("/entries"), correct(missing)).await;
        assert_field_error(foreign.0, &foreign.1, "corrects.entry_id");
        assert_eq!(foreign, nowhere);
        app
    })
    .await;
}

/// Issue 15 item 14: every error is JSON naming the field: a query parameter that does not
/// parse or is unknown (it was `400 text/plain`), a path no operation is at and a method a
/// path does not take (they were empty), a wrong JSON type in a nested field.
#[tokio::test]
async fn every_error_is_json_naming_the_field() {
    each_backend(|app| async move {
        let a = app.login("a").await;
        let avi = app.login("avi").await;
        let json_error = |r: reqwest::Response| async move {
            let status = r.status();
            let ctype = r.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned());
            assert_eq!(ctype.as_deref(), Some("application/json"), "{status}");
            (status, r.json::<Value>().await.unwrap())
        };
        for (path, field) in [
            ("/api/clients?limit=abc", "limit"),
            ("/api/clients?limit=5&limit=6", "limit"),
            ("/api/clients?colour=red", "colour"),
            ("/api/statements/gaps?date=", "date"),
        ] {
            let r = a.client.get(app.url(path)).send().await.unwrap();
            let (s, b) = json_error(r).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{path}: {b}");
            assert_field_error(s, &b, field);
        }
        let r = avi.client.get(app.url("/api/access-log?from=yesterday")).send().await.unwrap();
        let (s, b) = json_error(r).await;
        assert_field_error(s, &b, "from");

        let r = a.client.get(app.url("/api/no-such-thing")).send().await.unwrap();
        let (s, b) = json_error(r).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        assert_field_error(s, &b, "path");
        let r = a.client.delete(app.url("/api/clients")).send().await.unwrap();
        let (s, b) = json_error(r).await;
        assert_eq!(s, StatusCode::METHOD_NOT_ALLOWED);
        assert_field_error(s, &b, "method");

        let (s, b) = a
            .post(&app.client_path("/appointments"),
                  json!({"date": "2026-03-10", "time": "10:00", "duration_minutes": 30, "mode": {"kind": 5}}))
            .await;
        assert_field_error(s, &b, "mode.kind");
        let (s, b) = a
            .post(&app.client_path("/entries"),
                  json!({"entry_type": "contact", "text": "Soitto.", "event_at": "2026-03-02T10:00:00+02:00",
                         "corrects": {"entry_id": 5, "reason": "x"}}))
            .await;
        assert_field_error(s, &b, "corrects.entry_id");
        // A number JSON can write but no field can hold was `invalid_json` without a field.
        for (body, field) in [
            (r#"{"date": "2026-03-10", "time": "10:00", "duration_minutes": 30, "mode": {"kind": "phone", "phone_number": 1e999}}"#, "mode.phone_number"),
            (r#"{"date": "2026-03-10", "time": "10:00", "duration_minutes": 1e999, "mode": {"kind": "phone"}}"#, "duration_minutes"),
        ] {
            let (s, b) = a.post_raw(&app.client_path("/appointments"), body.as_bytes(), "application/json").await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
            assert_field_error(s, &b, field);
        }
        // Not JSON at all is still the body's fault as a whole.
        let (s, b) = a.post_raw(&app.client_path("/appointments"), br#"{"mode": {"kind": "#, "application/json").await;
        assert_eq!((s, b["error"]["code"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_json")));
        assert_field_error(s, &b, "body");
        let (s, b) = a.post_raw(&app.client_path("/appointments"), b"date=1", "application/x-www-form-urlencoded").await;
        assert_eq!(s, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert_field_error(s, &b, "content-type");
        let mut answers = json!({
            "employment": "none", "seeks_full_time_work": "yes",
            "previous_employment_end": {"date": "2026-02-27", "reason": "fixed_term_ended"},
            "studies": "none", "business": "none", "business_started_while_unemployed_on": null,
            "in_service": null, "free_text": null,
        });
        let (s, b) = a
            .post(&app.client_path("/job-searches"), json!({"start_date": "2026-03-02", "answers": answers.clone()}))
            .await;
        assert_field_error(s, &b, "answers.seeks_full_time_work");
        answers["seeks_full_time_work"] = json!(true);
        answers["previous_employment_end"]["date"] = json!(20260227);
        let (s, b) = a
            .post(&app.client_path("/job-searches"), json!({"start_date": "2026-03-02", "answers": answers}))
            .await;
        assert_field_error(s, &b, "answers.previous_employment_end.date");
        app
    })
    .await;
}

/// Issue 15 items 1 and 9: the dates in the client's answers on the form are held to the same
/// strict format and range as every other date, naming their path.
#[tokio::test]
async fn dates_in_the_form_answers_are_checked_like_every_date() {
    each_backend(|app| async move {
        let a = app.login("a").await;
        let answers = |end: Value, business: Value| json!({
            "employment": "none", "seeks_full_time_work": true,
            "previous_employment_end": {"date": end, "reason": "fixed_term_ended"},
            "studies": "none", "business": "none", "business_started_while_unemployed_on": business,
            "in_service": null, "free_text": null,
        });
        let before = snapshot(&app).await;
        for (answers, field) in [
            (answers(json!("+002026-02-27"), Value::Null), "answers.previous_employment_end.date"),
            (answers(json!("9999-02-27"), Value::Null), "answers.previous_employment_end.date"),
            (answers(json!("2026-02-27"), json!("+002026-01-01")), "answers.business_started_while_unemployed_on"),
            (answers(json!("2026-02-27"), json!("+262142-12-31")), "answers.business_started_while_unemployed_on"),
            (answers(json!("2026-02-27"), json!("1800-01-01")), "answers.business_started_while_unemployed_on"),
        ] {
            let (s, b) = a
                .post(&app.client_path("/job-searches"), json!({"start_date": "2026-03-02", "answers": answers}))
                .await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
            assert_field_error(s, &b, field);
            assert_eq!(snapshot(&app).await, before);
        }
        app
    })
    .await;
}

/// Issue 15 item 10: every answer of the API — a read of personal data, an error, an unknown
/// route, a refused cross-site request, the health check — carries the security headers: no
/// sniffing, no framing, no referrer, no script or style of any origin, and no cache.
#[tokio::test]
async fn every_api_answer_carries_the_security_headers() {
    each_backend(|app| async move {
        let a = app.login("a").await;
        let raw = reqwest::Client::new();
        let mut answers = vec![
            (
                "client record",
                a.client
                    .get(app.url(&app.client_path("")))
                    .send()
                    .await
                    .unwrap(),
            ),
            ("health", raw.get(app.url("/health")).send().await.unwrap()),
            (
                "unknown route",
                raw.get(app.url("/api/no-such-thing")).send().await.unwrap(),
            ),
            (
                "not logged in",
                raw.get(app.url("/api/me")).send().await.unwrap(),
            ),
        ];
        answers.push((
            "cross-site post",
            a.client
                .post(app.url(&app.client_path("/entries")))
                .header("origin", "https://evil.example")
                .json(&json!({}))
                .send()
                .await
                .unwrap(),
        ));
        for (what, r) in &answers {
            let h = r.headers();
            let get = |n: &str| h.get(n).and_then(|v| v.to_str().ok()).unwrap_or_default();
            assert_eq!(get("x-content-type-options"), "nosniff", "{what}: {h:?}");
            assert_eq!(get("x-frame-options"), "DENY", "{what}: {h:?}");
            assert_eq!(get("referrer-policy"), "no-referrer", "{what}: {h:?}");
            assert_eq!(get("cache-control"), "no-store", "{what}: {h:?}");
            let csp = get("content-security-policy");
            assert!(
                csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"),
                "{what}: {h:?}"
            );
            // Plain HTTP in the tests: HSTS is only for TLS.
            assert!(
                h.get("strict-transport-security").is_none(),
                "{what}: {h:?}"
            );
        }
        app
    })
    .await;
}
