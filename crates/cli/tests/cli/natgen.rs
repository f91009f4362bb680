//! `kirjuri generate` (issue 14, national-scale data) on every backend under test: a small
//! generated dataset whose every record row is a ledger leaf that `kirjuri ledger verify`
//! accepts, with the counts and shares the reports need, the same data from the same seed.

use kirjuri_store::testing::{backends, empty_database, raw_i64, raw_strings};

use super::{kirjuri, tempdir};

/// Runs `kirjuri generate` and returns the public key it printed.
fn generate(url: &str, key: &std::path::Path, clients: &str) -> String {
    let out = kirjuri()
        .args([
            "generate",
            "--quiet",
            "--clients",
            clients,
            "--authorities",
            "6",
        ])
        .args([
            "--officials",
            "40",
            "--seed",
            "7",
            "--database",
            url,
            "--key",
        ])
        .arg(key)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("Generated 200 clients"), "{stdout}");
    assert!(stdout.contains("rows/s"), "{stdout}");
    stdout
        .lines()
        .find_map(|l| l.split_once("--public-key`): "))
        .map(|(_, k)| k.trim().to_owned())
        .unwrap_or_else(|| panic!("no public key printed:\n{stdout}"))
}

fn verify(url: &str, key: &str) {
    let out = kirjuri()
        .args(["ledger", "verify", "--database", url, "--public-key", key])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Issue 14: 200 generated clients on each backend; the ledger verifies (every record row has
/// its leaf, every canonical record reads back from its row as committed, the checkpoint is
/// signed), the counts are the ones asked for, and the data has late interviews, late
/// recordings, flagged reads and stored findings for the compliance reports to find.
#[test]
fn issue14_generated_clients_verify_on_the_ledger_with_realistic_shares() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    for backend in backends() {
        eprintln!("backend {backend:?}");
        let dir = tempdir(&format!("natgen-{backend:?}"));
        let db = rt.block_on(empty_database(backend, &dir, "natgen"));
        let key = generate(&db.url, &dir.join("key.txt"), "200");
        verify(&db.url, &key);
        // A second run into a filled database is refused.
        let again = kirjuri()
            .args([
                "generate",
                "--quiet",
                "--clients",
                "5",
                "--database",
                &db.url,
                "--key",
            ])
            .arg(dir.join("key.txt"))
            .output()
            .unwrap();
        assert!(!again.status.success());
        rt.block_on(async {
            let store = kirjuri_store::Store::connect(
                &db.url,
                None,
                std::sync::Arc::new(kirjuri_domain::SystemClock),
                kirjuri_store::IdSource::seeded(1),
            )
            .await
            .unwrap();
            let n = |sql: &'static str| raw_i64(&store, sql);
            assert_eq!(n("SELECT COUNT(*) FROM clients").await, 200);
            assert_eq!(
                n("SELECT COUNT(*) FROM organisations WHERE kind = 'employment_authority'").await,
                6
            );
            let officials = n("SELECT COUNT(*) FROM users WHERE role = 'official'").await;
            assert!((40..60).contains(&officials), "{officials}");
            // Every client has a job search and a history; the ledger holds every row.
            assert_eq!(
                n("SELECT COUNT(DISTINCT client_id) FROM job_searches").await,
                200
            );
            let entries = n("SELECT COUNT(*) FROM entries").await;
            assert!(entries > 1_000, "{entries} entries");
            let leaves = n("SELECT COUNT(*) FROM ledger_leaves").await;
            let rows = n(
                "SELECT (SELECT COUNT(*) FROM entries) + (SELECT COUNT(*) FROM access_log)
                 + (SELECT COUNT(*) FROM appointments) + (SELECT COUNT(*) FROM job_searches)
                 + (SELECT COUNT(*) FROM job_search_ends) + (SELECT COUNT(*) FROM contact_methods)
                 + (SELECT COUNT(*) FROM responsible_experts)
                 + (SELECT COUNT(*) FROM register_facts)
                 + (SELECT COUNT(*) FROM benefit_applications)
                 + (SELECT COUNT(*) FROM decisions)",
            )
            .await;
            assert_eq!(leaves, rows);
            assert!(leaves > 15 * 200, "{leaves} leaves for 200 clients");
            // One open job search per client at most, and the open ones are listed.
            let open = n("SELECT COUNT(*) FROM job_searches j WHERE NOT EXISTS
                 (SELECT 1 FROM job_search_ends e WHERE e.job_search_id = j.id)")
            .await;
            assert_eq!(n("SELECT COUNT(*) FROM open_job_searches").await, open);
            // A start statement per job search, decided by the shipped rules: most automatic,
            // some routed (B2–B6).
            assert_eq!(
                n("SELECT COUNT(*) FROM decisions").await,
                n("SELECT COUNT(*) FROM job_searches").await
            );
            let routed = n("SELECT COUNT(*) FROM decisions WHERE outcome = 'routed'").await;
            let auto = n("SELECT COUNT(*) FROM decisions WHERE outcome = 'auto_positive'").await;
            assert!(
                routed > 0 && auto > routed,
                "{auto} automatic, {routed} routed"
            );
            // Shares the compliance reports look for.
            assert!(n("SELECT COUNT(*) FROM access_log WHERE flagged = 1").await > 0);
            assert!(n("SELECT COUNT(*) FROM entry_findings").await > 0);
            let late = n("SELECT COUNT(*) FROM entries WHERE recorded_at > event_at
                 AND substr(recorded_at, 1, 10) > substr(event_at, 1, 10)")
            .await;
            assert!(late > 0 && late < entries / 2, "{late} of {entries}");
            // Identity codes only from the test range.
            let individual =
                raw_strings(&store, "SELECT DISTINCT substr(hetu, 8, 3) FROM clients").await;
            assert!(
                individual.iter().all(|i| i.as_str() >= "900"),
                "{individual:?}"
            );
            store.close().await;
        });
        rt.block_on(db.cleanup());
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// Issue 14: the same seed and key give the same ledger, leaf for leaf (randomness is a
/// parameter).
#[test]
fn issue14_the_same_seed_generates_the_same_ledger() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let dir = tempdir("natgen-same");
    let key = dir.join("key.txt");
    let mut roots = Vec::new();
    for name in ["a", "b"] {
        let url = format!("sqlite:{}", dir.join(format!("{name}.db")).display());
        generate(&url, &key, "200");
        roots.push(rt.block_on(async {
            let store = kirjuri_store::Store::connect(
                &url,
                None,
                std::sync::Arc::new(kirjuri_domain::SystemClock),
                kirjuri_store::IdSource::seeded(1),
            )
            .await
            .unwrap();
            let hashes =
                raw_strings(&store, "SELECT leaf_hash FROM ledger_leaves ORDER BY idx").await;
            store.close().await;
            hashes
        }));
    }
    assert!(!roots[0].is_empty());
    assert_eq!(roots[0], roots[1]);
    let _ = std::fs::remove_dir_all(&dir);
}
