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
async fn setup(db: &std::path::Path) -> DecisionId {
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
    start.id
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

/// `kirjuri provenance ID` (issue 5, B10): rule-set version, adoption decision, every step with
/// who and when, and a proof bundle that `kirjuri ledger verify` checks offline; the read is
/// made as a named account under the same access rules as the API, and logged.
#[test]
fn issue5_provenance_command_shows_the_rules_steps_and_a_verifiable_bundle() {
    let dir = super::tempdir("provenance");
    let db = dir.join("kirjuri.db");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let id = rt.block_on(setup(&db)).to_string();
    let url = format!("sqlite:{}", db.display());
    let key = dir.join("ledger.key");
    std::fs::write(&key, test_ledger_keys().to_file_text()).unwrap();
    let bundle = dir.join("bundle.txt");
    let run = |args: &[&str]| {
        let out = super::kirjuri().args(args).output().unwrap();
        (
            out.status,
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    // Access-log rows about decisions by `username`, with their action.
    let logged = |username: &str, action: &str| {
        let sql = format!(
            "SELECT COUNT(*) FROM access_log a JOIN users u ON u.id = a.user_id \
             WHERE a.resource = 'decisions' AND u.username = '{username}' AND a.action = '{action}'"
        );
        rt.block_on(async {
            let store = Store::connect(&url, None, Arc::new(SystemClock), IdSource::seeded(9))
                .await
                .unwrap();
            let n = kirjuri_store::testing::raw_i64(&store, &sql).await;
            store.close().await;
            n
        })
    };
    let before = logged("virkailija.a", "read");
    let (status, out, err) = run(&[
        "provenance",
        &id,
        "--database",
        &url,
        "--as",
        "virkailija.a",
        "--key",
        key.to_str().unwrap(),
        "--bundle-out",
        bundle.to_str().unwrap(),
    ]);
    assert!(status.success(), "{out}{err}");
    for needle in [
        format!("decision {id} (job_search_start, decided "),
        "auto_positive, made automatically".to_owned(),
        format!(
            "rule set: statement-start version 2026.1 (sha256 {})",
            "ab".repeat(32)
        ),
        "adoption decision: KEHA/73792/2024 of 2024-10-14 (https://kirjuri.example.fi/a); \
         responsible for quality Laura Laatu, for errors Veikko Virhe"
            .to_owned(),
        "automated_decision".to_owned(),
        "reconsideration_requested".to_owned(),
        "reconsideration_resolved".to_owned(),
        "Anna Asiantuntija".to_owned(),
    ] {
        assert!(out.contains(&needle), "{needle:?} missing from\n{out}");
    }
    assert!(
        logged("virkailija.a", "read") > before,
        "the read is logged as the named account"
    );
    // The bundle verifies offline with only the public key ...
    let public = test_ledger_keys().verifier().to_key_string();
    let (status, out, err) = run(&[
        "ledger",
        "verify",
        "--bundle",
        bundle.to_str().unwrap(),
        "--public-key",
        &public,
    ]);
    assert!(status.success(), "{out}{err}");
    assert!(out.contains("bundle verified"), "{out}");
    assert!(out.contains("opens its commitment"), "{out}");
    // ... and not after a byte of its record changes.
    let text = std::fs::read_to_string(&bundle).unwrap();
    let tampered = dir.join("tampered.txt");
    // One character of the opened record (base64) changed.
    let at = text.find("record: ").unwrap() + "record: ".len() + 40;
    let mut bytes = text.clone().into_bytes();
    bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
    std::fs::write(&tampered, bytes).unwrap();
    assert_ne!(std::fs::read_to_string(&tampered).unwrap(), text);
    let (status, out, _) = run(&[
        "ledger",
        "verify",
        "--bundle",
        tampered.to_str().unwrap(),
        "--public-key",
        &public,
    ]);
    assert!(!status.success(), "{out}");

    // An official of another organisation is refused, and the refusal is logged too.
    let before = logged("virkailija.b", "denied");
    let key = key.to_str().unwrap();
    let (status, out, err) = run(&[
        "provenance",
        &id,
        "--database",
        &url,
        "--key",
        key,
        "--as",
        "virkailija.b",
    ]);
    assert!(!status.success(), "{out}");
    assert!(out.is_empty(), "{out}");
    assert!(err.contains("error:"), "{err}");
    assert_eq!(
        logged("virkailija.b", "denied"),
        before + 1,
        "the refusal is logged: {err}"
    );
    // Bad arguments are specific errors.
    for (args, needle) in [
        (
            vec![
                "provenance",
                &id,
                "--database",
                &url,
                "--key",
                key,
                "--as",
                "nobody",
            ],
            "no such account",
        ),
        (
            vec![
                "provenance",
                &id,
                "--database",
                &url,
                "--as",
                "virkailija.a",
            ],
            "--key",
        ),
        (
            vec![
                "provenance",
                "not-a-uuid",
                "--database",
                &url,
                "--key",
                key,
                "--as",
                "virkailija.a",
            ],
            "decision",
        ),
        (
            vec![
                "provenance",
                &id,
                "--database",
                &url,
                "--key",
                key,
                "--as",
                "virkailija.a",
                "--bundle-out",
                bundle.to_str().unwrap(),
            ],
            "cannot create",
        ),
    ] {
        let (status, out, err) = run(&args);
        assert!(!status.success(), "{args:?}: {out}");
        assert!(
            err.contains(needle),
            "{args:?}: {needle:?} missing from {err}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
