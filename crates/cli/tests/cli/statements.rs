//! `kirjuri statements quality` (B11): the figures per rule-set version from a database.

use std::sync::Arc;

use kirjuri_domain::*;
use kirjuri_store::testing::{acting, fixture, test_ledger_keys};
use kirjuri_store::{IdSource, NewDecision, Store};

fn decision(
    kind: &str,
    name: &str,
    outcome: &str,
    reasons: &str,
    ctx: &kirjuri_store::StatementContext,
) -> NewDecision {
    let routed = outcome == "routed";
    NewDecision {
        kind: kind.into(),
        decision_date: ctx.today,
        inputs: "{}".into(),
        rule_set_name: name.into(),
        rule_set_version: "2026.1".into(),
        rule_set_hash: "ab".repeat(32),
        adoption_number: (!routed).then(|| "KEHA/73792/2024".to_owned()),
        outcome: outcome.into(),
        reasons: reasons.into(),
        target: routed.then(|| "employment_authority".to_owned()),
        effective_date: (!routed).then_some(ctx.job_search.start_date),
        trace: "[]".into(),
        document: (!routed).then(|| "Lausunto.".to_owned()),
        document_language: (!routed).then(|| "fi".to_owned()),
        notice_acknowledged: true,
    }
}

/// A database with one automatic start, one routed end and one request for reconsideration
/// of the start statement, resolved with another outcome.
async fn setup(db: &std::path::Path) {
    let store = Store::connect(
        &format!("sqlite:{}", db.display()),
        None,
        Arc::new(SystemClock),
        IdSource::seeded(3),
    )
    .await
    .unwrap()
    .with_ledger(test_ledger_keys());
    let fx = fixture(&store).await;
    let by = &acting(&fx.official_a);
    let c = fx.client_a.id;
    store
        .register_adoption_decision(
            kirjuri_store::NewAdoptionDecision {
                number: "KEHA/73792/2024".into(),
                decided_on: chrono::NaiveDate::from_ymd_opt(2024, 10, 14).unwrap(),
                rule_set_hashes: vec!["ab".repeat(32)],
                quality_owner: "Laura Laatu".into(),
                error_owner: "Veikko Virhe".into(),
                url: "https://kirjuri.example.fi/a".into(),
            },
            fx.official_a.id,
        )
        .await
        .unwrap();
    let today = SystemClock.today();
    let (js, start) = store
        .start_job_search_deciding(
            c,
            today,
            by,
            Box::new(|ctx| {
                Ok(decision(
                    "job_search_start",
                    "statement-start",
                    "auto_positive",
                    "[]",
                    ctx,
                ))
            }),
        )
        .await
        .unwrap();
    store
        .end_job_search_deciding(
            c,
            js.id,
            today,
            EndReason::NoContact,
            by,
            Box::new(|ctx| {
                Ok(decision(
                    "job_search_end",
                    "statement-end",
                    "routed",
                    "[{\"code\":\"END_NEEDS_HEARING\"}]",
                    ctx,
                ))
            }),
        )
        .await
        .unwrap();
    let r = store
        .request_reconsideration(c, start.id, "Asiakas soitti.".into(), by)
        .await
        .unwrap();
    store
        .resolve_reconsideration(
            c,
            r.id,
            kirjuri_store::Resolution {
                outcome: "obstacle".into(),
                effective_date: today,
                reasoning: "Selvitetty.".into(),
                basis: "TTL 2:10".into(),
                document: "Lausunto.".into(),
                document_language: "fi".into(),
            },
            by,
        )
        .await
        .unwrap();
    store.close().await;
}

#[test]
fn issue5_statements_quality_prints_the_figures_per_rule_set_version() {
    let dir = super::tempdir("statements-quality");
    let db = dir.join("kirjuri.db");
    tokio::runtime::Runtime::new().unwrap().block_on(setup(&db));
    let url = format!("sqlite:{}", db.display());
    let out = super::kirjuri()
        .args(["statements", "quality", "--database", &url])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let start = format!("statement-start 2026.1 (sha256 {})", "ab".repeat(32));
    for needle in [
        start.as_str(),
        "  adoption decisions: KEHA/73792/2024",
        "  decisions: 1 (automated 1 = 100.0 %, routed 0 = 0.0 %)",
        "  reconsiderations: 1 requested (1 of automated statements), 1 resolved, 1 changed the outcome",
        "statement-end 2026.1",
        "  adoption decisions: none",
        "  decisions: 1 (automated 0 = 0.0 %, routed 1 = 100.0 %)",
        "  routed by reason: END_NEEDS_HEARING 1",
        "  reconsiderations: 0 requested (0 of automated statements), 0 resolved, 0 changed the outcome",
    ] {
        assert!(stdout.contains(needle), "{needle:?} missing from\n{stdout}");
    }
    // No client data in the figures.
    assert!(
        !stdout.contains("010594Y") && !stdout.contains("Asiakas"),
        "{stdout}"
    );
    let out = super::kirjuri()
        .args(["statements", "quality", "--json", "--database", &url])
        .output()
        .unwrap();
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule_set"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["statement-end", "statement-start"]);
    assert_eq!(json[1]["reconsiderations_changed"], 1);
    assert_eq!(json[0]["routed_share"], 1.0);
    // A database that cannot be opened is an error, not empty figures.
    let out = super::kirjuri()
        .args(["statements", "quality", "--database", "mysql://nowhere"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let _ = std::fs::remove_dir_all(&dir);
}
