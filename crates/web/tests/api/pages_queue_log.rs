//! Reviewer findings S1 and C2/C7, over real HTTP on every backend: opening and resolving one
//! case of the work queue from its page is a logged read of that case's client only (A2,
//! Information Management Act 17 §: the client sees who viewed their data), the record page
//! reads the decisions once, and its statement list shows a statement changed on
//! reconsideration with its new outcome, as the header does.

use super::pages::{csrf_of, Browser};
use super::*;

const CLEAN_FACTS: &str = r#"{
    "employment_continues": false, "active_degree_studies": false, "active_business": false,
    "resides_in_finland": true, "right_to_work": "citizen",
    "vocational_qualification": true, "partial_disability_pension": false
}"#;

/// A second client of the same employment authority as `client_a`.
async fn second_client(app: &App) -> Client {
    app.store
        .create_client(
            NewClient {
                hetu: Hetu::parse("010501E9032").unwrap(),
                first_name: PersonName::parse("Toinen").unwrap(),
                last_name: PersonName::parse("Asiakas").unwrap(),
                language: Language::Fi,
                org_id: app.fx.org_a.id,
            },
            &acting(&app.fx.official_a),
        )
        .await
        .unwrap()
}

/// The access-log rows about `client` (of `resource`, or all).
async fn logged(app: &App, client: ClientId, resource: Option<&str>) -> i64 {
    let of = resource.map_or(String::new(), |r| format!(" AND resource = '{r}'"));
    raw_i64(
        &app.store,
        &format!("SELECT COUNT(*) FROM access_log WHERE client_id = '{client}'{of}"),
    )
    .await
}

/// Starts a job search of `client`; `answers` None routes it to the employment authority
/// (no answers). The decision's id.
async fn start(http: &Http, client: ClientId, answers: Option<Value>) -> String {
    let mut body = json!({"start_date": "2026-03-02"});
    if let Some(a) = answers {
        body["answers"] = a;
        body["acknowledged_notice"] = json!(true);
    }
    let (s, b) = http
        .post(&format!("/api/clients/{client}/job-searches"), body)
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    b["decision"]["id"].as_str().unwrap().to_owned()
}

fn resolve_form(csrf: &str, outcome: &str) -> Vec<(&'static str, String)> {
    vec![
        ("csrf", csrf.to_owned()),
        ("outcome", outcome.to_owned()),
        ("effective_date", "2026-03-02".to_owned()),
        (
            "reasoning",
            "Selvityksen mukaan opiskelet päätoimisesti korkeakoulussa.".to_owned(),
        ),
        ("basis", "TTL 2:10".to_owned()),
        ("action", "resolve".to_owned()),
    ]
}

async fn post_form(
    b: &Browser,
    path: &str,
    form: &[(&'static str, String)],
) -> (StatusCode, String) {
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (s, _, html) = b.post(path, &pairs).await;
    (s, html)
}

/// S1, A2: with two routed cases of different clients in the queue, opening one case's form
/// reads that client only (one queue read), and resolving it reads no other client and does
/// not read the queue again.
#[tokio::test]
async fn opening_and_resolving_a_routed_case_logs_only_its_client() {
    each_backend(|app| async move {
        adopt(&app).await;
        let a = app.login("a").await;
        let first = app.fx.client_a.id;
        let other = second_client(&app).await.id;
        let case = start(&a, first, None).await;
        start(&a, other, None).await;
        let (_, q) = a.get("/api/work-queue").await;
        assert_eq!(q.as_array().unwrap().len(), 2, "{q}");

        let b = Browser::new(&app);
        let csrf = b.login("a").await;
        let (first_before, other_before) = (
            logged(&app, first, None).await,
            logged(&app, other, None).await,
        );
        let queue_reads = logged(&app, first, Some("work_queue")).await;
        let page = format!("/queue/{case}");
        let (s, _, html) = b.get(&page).await;
        assert_eq!(s, StatusCode::OK, "{html}");
        assert_eq!(csrf_of(&html), csrf);
        assert_eq!(
            logged(&app, first, Some("work_queue")).await,
            queue_reads + 1,
            "opening the case reads its client once"
        );
        let (s, html) = post_form(&b, &page, &resolve_form(&csrf, "obstacle")).await;
        assert_eq!(s, StatusCode::CREATED, "{html}");
        assert!(
            html.contains(&format!("/decisions/{case}/statement")),
            "{html}"
        );
        assert_eq!(
            logged(&app, first, Some("work_queue")).await,
            queue_reads + 1,
            "resolving does not read the queue again"
        );
        assert!(logged(&app, first, None).await > first_before);
        assert_eq!(
            logged(&app, other, None).await,
            other_before,
            "the other client in the queue was not read"
        );
        app
    })
    .await;
}

/// S1, A2, C2/C7, B7: with two requests for reconsideration of different clients in the
/// queue, opening and resolving one reads that client only, and the resolve shows the
/// reconsidered decision's statement without reading the queue again. The record then reads
/// the decisions once, and its statement list shows the changed outcome, as its header does.
#[tokio::test]
async fn resolving_a_reconsideration_logs_only_its_client_and_the_record_shows_the_new_outcome() {
    each_backend(|app| async move {
        adopt(&app).await;
        let a = app.login("a").await;
        let first = app.fx.client_a.id;
        let other = second_client(&app).await.id;
        let facts: Value = serde_json::from_str(CLEAN_FACTS).unwrap();
        let answers = json!({
            "employment": "none", "seeks_full_time_work": true,
            "previous_employment_end": {"date": "2026-02-27", "reason": "fixed_term_ended"},
            "studies": "none", "business": "none", "business_started_while_unemployed_on": null,
            "in_service": null, "free_text": null,
        });
        let mut requests = Vec::new();
        let mut decisions = Vec::new();
        for c in [first, other] {
            let (s, r) = a
                .put(&format!("/api/clients/{c}/register-facts"), facts.clone())
                .await;
            assert_eq!(s, StatusCode::OK, "{r}");
            let decision = start(&a, c, Some(answers.clone())).await;
            let (s, r) = a
                .post(
                    &format!("/api/decisions/{decision}/reconsideration"),
                    json!({"reasons": "Opiskelen, joten lausunto on väärä."}),
                )
                .await;
            assert_eq!(s, StatusCode::CREATED, "{r}");
            requests.push(r["id"].as_str().unwrap().to_owned());
            decisions.push(decision);
        }

        let b = Browser::new(&app);
        let csrf = b.login("a").await;
        let (first_before, other_before) = (
            logged(&app, first, None).await,
            logged(&app, other, None).await,
        );
        let queue_reads = logged(&app, first, Some("work_queue")).await;
        let page = format!("/reconsiderations/{}", requests[0]);
        let (s, _, html) = b.get(&page).await;
        assert_eq!(s, StatusCode::OK, "{html}");
        assert!(html.contains("Ratkaise oikaisupyyntö"), "{html}");
        assert_eq!(
            logged(&app, first, Some("work_queue")).await,
            queue_reads + 1,
            "opening the request reads its client once"
        );
        // The automatic statement was "no obstacle": the new one changes it.
        let (s, html) = post_form(&b, &page, &resolve_form(&csrf, "obstacle")).await;
        assert_eq!(s, StatusCode::CREATED, "{html}");
        assert!(
            html.contains(&format!("/decisions/{}/statement", decisions[0])),
            "{html}"
        );
        assert_eq!(
            logged(&app, first, Some("work_queue")).await,
            queue_reads + 1,
            "resolving does not read the queue again"
        );
        assert!(logged(&app, first, None).await > first_before);
        assert_eq!(
            logged(&app, other, None).await,
            other_before,
            "the other client in the queue was not read"
        );

        // C2: one read of the decisions per record view.
        let decision_reads = logged(&app, first, Some("decisions")).await;
        let (s, _, html) = b.get(&format!("/clients/{first}")).await;
        assert_eq!(s, StatusCode::OK, "{html}");
        let once = logged(&app, first, Some("decisions")).await - decision_reads;
        let (_, _, _) = b.get(&format!("/clients/{first}")).await;
        assert_eq!(
            logged(&app, first, Some("decisions")).await - decision_reads,
            2 * once
        );
        // C7: the list row and the header both show the outcome given on reconsideration.
        let list = &html[html.find("<ul class=\"decisions\">").expect(&html)..];
        let list = &list[..list.find("</ul>").unwrap()];
        assert!(
            list.contains("<li>Työnhaun alkaminen 2.3.2026: Este · "),
            "{list}"
        );
        assert!(!list.contains("Myönteinen lausunto"), "{list}");
        let header = &html[html.find("statement-in-force").unwrap()..];
        let header = &header[..header.find("</dd>").unwrap()];
        assert!(header.contains("Este"), "{header}");
        assert_eq!(once, 1, "the record reads the decisions once");
        app
    })
    .await;
}
