//! The binary, run as a user runs it.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

fn kirjuri() -> Command {
    Command::new(env!("CARGO_BIN_EXE_kirjuri"))
}

fn tempdir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("kirjuri-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn demo_generates_data_serves_it_and_prints_url_and_logins() {
    let dir = tempdir("demo");
    let mut child = kirjuri()
        .args([
            "demo",
            "--clients",
            "12",
            "--listen",
            "127.0.0.1:0",
            "--dir",
        ])
        .arg(&dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut url = None;
    let mut banner = String::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        banner.push_str(&line);
        banner.push('\n');
        if let Some(rest) = line.strip_prefix("Kirjuri demo is running at ") {
            url = Some(rest.trim().trim_end_matches('/').to_owned());
        }
        if line.starts_with("All demo identity codes") {
            break;
        }
    }
    let url = url.unwrap_or_else(|| panic!("no URL in banner:\n{banner}"));
    for login in ["anna.virtanen", "ville.valvoja", "asiakas1"] {
        assert!(
            banner.contains(login),
            "{login} missing from banner:\n{banner}"
        );
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .unwrap();
        let health: serde_json::Value = http
            .get(format!("{url}/health"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(health["status"], "ok");
        // Issue 12: the banner names the officials' log-in page, and it answers with the form.
        assert!(banner.contains(&format!("{url}/login")), "{banner}");
        let page = http.get(format!("{url}/login")).send().await.unwrap();
        assert_eq!(page.status(), reqwest::StatusCode::OK);
        assert!(page.text().await.unwrap().contains("name=\"password\""));
        // The adoption decision of the automated statements is registered and public (B13).
        let adoptions: serde_json::Value = http
            .get(format!("{url}/api/adoption-decisions"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(adoptions[0]["number"], "KEHA/73792/2024", "{adoptions}");
        assert_eq!(adoptions[0]["rule_set_hashes"].as_array().unwrap().len(), 2);
        let r = http
            .post(format!("{url}/api/login"))
            .json(&serde_json::json!({"username": "anna.virtanen", "password": "kirjuri-demo"}))
            .send()
            .await
            .unwrap();
        let status = r.status();
        assert!(
            status.is_success(),
            "log-in: {status} {}",
            r.text().await.unwrap_or_default()
        );
        let list: serde_json::Value = http
            .get(format!("{url}/api/clients"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let clients = list["clients"].as_array().unwrap();
        assert!(!clients.is_empty());
        // Issue 15 item 16: each demo client's banner line names the organisation their own
        // record shows (it called asiakas2 a client of Esimerkkilä; it is Testilä's).
        for seeker in ["asiakas1", "asiakas2"] {
            let own = reqwest::Client::builder()
                .cookie_store(true)
                .build()
                .unwrap();
            let r = own
                .post(format!("{url}/api/login"))
                .json(&serde_json::json!({"username": seeker, "password": "kirjuri-demo"}))
                .send()
                .await
                .unwrap();
            assert!(r.status().is_success(), "log-in of {seeker}");
            let record: serde_json::Value = own
                .get(format!("{url}/api/me/record"))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            let org = record["organisation"]["name_fi"]
                .as_str()
                .unwrap()
                .to_owned();
            let line = banner
                .lines()
                .find(|l| l.split_whitespace().next() == Some(seeker))
                .unwrap_or_else(|| panic!("{seeker} missing from banner:\n{banner}"));
            assert!(
                line.trim_end()
                    .ends_with(&format!("a demo client of {org}")),
                "{seeker}'s banner line does not name {org}: {line}"
            );
        }
        // Demo identity codes come only from the test range: the individual number is masked,
        // so check the stored codes through the store instead.
    });
    // SIGTERM: graceful shutdown, exit status 0.
    Command::new("kill")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(child.wait().unwrap().success());

    let db = dir.join("kirjuri-demo.db");
    // Nothing of the partial database is left to meet the final one.
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!name.contains("partial"), "left behind: {name}");
    }
    rt.block_on(async {
        let store = kirjuri_store::Store::connect(
            &format!("sqlite:{}", db.display()),
            None,
            std::sync::Arc::new(kirjuri_domain::SystemClock),
            kirjuri_store::IdSource::seeded(0),
        )
        .await
        .unwrap();
        // Straight from the table: reading clients through the store is a logged access of
        // a user, and this is a check of the file, not anyone's work.
        let total = kirjuri_store::testing::raw_i64(&store, "SELECT COUNT(*) FROM clients").await;
        assert_eq!(total, 12);
        let ordinary = kirjuri_store::testing::raw_i64(
            &store,
            "SELECT COUNT(*) FROM clients WHERE CAST(substr(hetu, 8, 3) AS INTEGER) < 900",
        )
        .await;
        assert_eq!(ordinary, 0, "demo used a non-test identity code");
        // Every job search started through the automated procedure: one start decision per
        // client, and the clear cases got their statement document.
        let q = |sql: &'static str| kirjuri_store::testing::raw_i64(&store, sql);
        assert_eq!(
            q("SELECT COUNT(*) FROM decisions WHERE kind = 'job_search_start'").await,
            12
        );
        assert!(
            q("SELECT COUNT(*) FROM decisions WHERE outcome = 'auto_positive' AND document IS NOT NULL")
                .await
                > 0
        );
        store.close().await;
    });
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Issue 17 (the crash test seeds its databases so): `demo --database URL --no-serve`
/// generates into the database given, with the key in `--dir`, and `--payer-endpoint` is
/// where the demo payer's statements go. `--fresh` (which deletes) is refused with it.
#[test]
fn demo_generates_into_a_given_database_with_a_given_payer() {
    let dir = tempdir("demo-database");
    let db = dir.join("given.db");
    let url = format!("sqlite:{}", db.display());
    let refused = kirjuri()
        .args([
            "demo",
            "--clients",
            "2",
            "--fresh",
            "--database",
            &url,
            "--dir",
        ])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(!refused.status.success(), "--fresh with --database");
    assert!(!db.exists());
    let out = kirjuri()
        .args(["demo", "--clients", "3", "--no-serve", "--database", &url])
        .args(["--payer-endpoint", "http://127.0.0.1:9/lausunnot", "--dir"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.join("ledger-key.txt").exists());
    assert!(!dir.join("kirjuri-demo.db").exists());
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let store = kirjuri_store::Store::connect(
            &url,
            None,
            std::sync::Arc::new(kirjuri_domain::SystemClock),
            kirjuri_store::IdSource::seeded(0),
        )
        .await
        .unwrap();
        let clients = kirjuri_store::testing::raw_i64(&store, "SELECT COUNT(*) FROM clients").await;
        assert_eq!(clients, 3);
        let endpoints =
            kirjuri_store::testing::raw_strings(&store, "SELECT endpoint_url FROM benefit_payers")
                .await;
        assert_eq!(endpoints, ["http://127.0.0.1:9/lausunnot"]);
        store.close().await;
    });
    let _ = std::fs::remove_dir_all(&dir);
}

/// A fresh ledger key file made by `kirjuri ledger keygen` (serve needs one).
fn key_file(name: &str) -> std::path::PathBuf {
    let key = tempdir(name).join("ledger-key.txt");
    let out = kirjuri()
        .args(["ledger", "keygen", "--name", "kirjuri-cli-test", "--out"])
        .arg(&key)
        .output()
        .unwrap();
    assert!(out.status.success());
    key
}

#[test]
fn serve_refuses_plain_http_beyond_loopback() {
    let key = key_file("serve-tls");
    let out = kirjuri()
        .args([
            "serve",
            "--database",
            "sqlite::memory:",
            "--listen",
            "0.0.0.0:0",
            "--ledger-key",
        ])
        .arg(&key)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("without TLS"), "{err}");
}

/// A18: with a certificate the server may listen beyond loopback. Nothing is bound: the
/// certificate files are missing, which is the next check, made before the listener opens.
#[test]
fn serve_with_tls_may_listen_beyond_loopback() {
    let key = key_file("serve-tls-cert");
    let out = kirjuri()
        .args([
            "serve",
            "--database",
            "sqlite::memory:",
            "--listen",
            "0.0.0.0:0",
            "--tls-cert",
            "/nonexistent/kirjuri-cert.pem",
            "--tls-key",
            "/nonexistent/kirjuri-key.pem",
            "--ledger-key",
        ])
        .arg(&key)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("without TLS"), "{err}");
    assert!(err.contains("kirjuri-cert.pem"), "{err}");
    // A certificate without its key is an argument error.
    let out = kirjuri()
        .args(["serve", "--tls-cert", "cert.pem"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--tls-key"));
}

#[test]
fn bad_arguments_are_named() {
    let out = kirjuri().args(["demo", "--clients", "0"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--clients"));
    let out = kirjuri()
        .args(["serve", "--listen", "not-an-address"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--listen"));
    let key = key_file("bad-args");
    let out = kirjuri()
        .args([
            "serve",
            "--database",
            "mysql://nope",
            "--listen",
            "127.0.0.1:0",
            "--ledger-key",
        ])
        .arg(&key)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unsupported database URL"));
}

#[path = "cli/rules.rs"]
mod rules;

/// `kirjuri init` and the README's production section (issue 16).
#[path = "cli/init.rs"]
mod init;

/// Several `kirjuri serve` processes on one PostgreSQL database (issue 16).
#[path = "cli/several_servers.rs"]
mod several_servers;

/// `kirjuri statements quality` (B11).
#[path = "cli/statements.rs"]
mod statements;

/// Issue 16, operations: start-up errors and the metrics listener.
#[path = "cli/operations.rs"]
mod operations;

// ---- kirjuri ledger (A4, A5, B10) --------------------------------------------------------------

mod ledger {
    use super::*;
    use std::path::{Path, PathBuf};
    use std::sync::Arc;

    use kirjuri_store::{IdSource, LedgerKeys, Store};

    struct Run {
        code: Option<i32>,
        stdout: String,
        stderr: String,
    }

    fn run(args: &[&str]) -> Run {
        let out = kirjuri().args(args).output().unwrap();
        Run {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    fn s(p: &Path) -> &str {
        p.to_str().unwrap()
    }

    fn url(db: &Path) -> String {
        format!("sqlite:{}", db.display())
    }

    async fn open(db: &Path, keys: Option<LedgerKeys>) -> Store {
        let store = Store::connect(
            &url(db),
            None,
            Arc::new(kirjuri_domain::SystemClock),
            IdSource::seeded(5),
        )
        .await
        .unwrap();
        match keys {
            Some(k) => store.with_ledger(k),
            None => store,
        }
    }

    /// Appends `n` entries "Merkintä i." for the fixture's client; returns their ids.
    async fn entries(store: &Store, from: usize, n: usize) -> Vec<kirjuri_domain::EntryId> {
        use kirjuri_domain::*;
        // The fixture's client and its official.
        let c = store
            .client_by_hetu(&Hetu::parse("010594Y9032").unwrap())
            .await
            .unwrap();
        let client = c.id;
        let author = store
            .users_of_org(c.org_id)
            .await
            .unwrap()
            .into_iter()
            .find(|u| u.role == Role::Official)
            .unwrap();
        let author = kirjuri_store::testing::acting(&author);
        let mut ids = Vec::new();
        for i in from..from + n {
            let new = NewEntry::new(
                client,
                EntryKind::Contact,
                EntryText::parse(&format!("Merkintä {i}.")).unwrap(),
                SystemClock.now() - chrono::Duration::hours(1),
                EntryDetails::default(),
                None,
            )
            .unwrap();
            ids.push(store.append_entry(&new, &author).await.unwrap().id);
        }
        ids
    }

    struct Setup {
        dir: PathBuf,
        db: PathBuf,
        key: PathBuf,
        public_key: String,
        ids: Vec<kirjuri_domain::EntryId>,
        /// The ledger index of each entry's leaf (an access-log leaf follows each).
        idx: Vec<u64>,
    }

    /// Leaves after [`setup`]: the fixture's client registration (one access leaf), then each
    /// of the 8 entries with the access-log leaf of writing it.
    const SETUP_LEAVES: u64 = 1 + 2 * 8;

    /// A key from `ledger keygen`, and a database with 8 entries and a signed checkpoint.
    fn setup(name: &str) -> Setup {
        let dir = tempdir(name);
        let key = dir.join("ledger-key.txt");
        let r = run(&[
            "ledger",
            "keygen",
            "--name",
            "kirjuri-cli-test",
            "--out",
            s(&key),
        ]);
        assert_eq!(r.code, Some(0), "{}", r.stderr);
        let public_key = r.stdout.trim().to_owned();
        assert!(public_key.starts_with("kirjuri-cli-test+"), "{public_key}");
        let keys = LedgerKeys::parse_file_text(&std::fs::read_to_string(&key).unwrap()).unwrap();
        let db = dir.join("kirjuri.db");
        let ids = tokio::runtime::Runtime::new().unwrap().block_on(async {
            let store = open(&db, Some(keys)).await;
            kirjuri_store::testing::fixture(&store).await;
            let ids = entries(&store, 0, 8).await;
            let mut idx = Vec::new();
            for id in &ids {
                idx.push(store.ledger_index_of_entry(*id).await.unwrap());
            }
            store.close().await;
            (ids, idx)
        });
        let (ids, idx) = ids;
        let r = run(&[
            "ledger",
            "checkpoint",
            "--database",
            &url(&db),
            "--key",
            s(&key),
        ]);
        assert_eq!(r.code, Some(0), "{}", r.stderr);
        assert!(
            r.stdout.contains(&format!("\n{SETUP_LEAVES}\n")),
            "{}",
            r.stdout
        );
        Setup {
            dir,
            db,
            key,
            public_key,
            ids,
            idx,
        }
    }

    fn verify_db(setup: &Setup) -> Run {
        run(&[
            "ledger",
            "verify",
            "--database",
            &url(&setup.db),
            "--public-key",
            &setup.public_key,
        ])
    }

    /// Runs raw SQL on the database as an attacker with database access would.
    fn tamper(db: &Path, sql: &str) {
        tokio::runtime::Runtime::new().unwrap().block_on(async {
            let store = open(db, None).await;
            kirjuri_store::testing::raw_execute(&store, sql)
                .await
                .unwrap();
            store.close().await;
        });
    }

    fn assert_first_bad_leaf(setup: &Setup, leaf: u64, what: &str) {
        let r = verify_db(setup);
        assert_eq!(r.code, Some(1), "{}\n{}", r.stdout, r.stderr);
        assert!(
            r.stdout.contains(&format!("first bad leaf: {leaf}\n")),
            "expected leaf {leaf}:\n{}",
            r.stdout
        );
        assert!(r.stdout.contains(what), "expected {what:?}:\n{}", r.stdout);
    }

    #[test]
    fn keygen_checkpoint_verify_bundle_and_consistency() {
        let st = setup("ledger-ok");
        // The key file is never overwritten.
        let r = run(&["ledger", "keygen", "--name", "x", "--out", s(&st.key)]);
        assert_eq!(r.code, Some(2));
        assert!(r.stderr.contains("already exists"), "{}", r.stderr);

        let r = verify_db(&st);
        assert_eq!(r.code, Some(0), "{}\n{}", r.stdout, r.stderr);
        assert!(
            r.stdout
                .contains(&format!("ledger verified: {SETUP_LEAVES} leaves")),
            "{}",
            r.stdout
        );

        // A bundle verifies offline: the database is gone when it is checked.
        let r = run(&[
            "ledger",
            "bundle",
            "--database",
            &url(&st.db),
            "--entry",
            &st.ids[5].to_string(),
        ]);
        assert_eq!(r.code, Some(0), "{}", r.stderr);
        let bundle = st.dir.join("bundle.txt");
        std::fs::write(&bundle, &r.stdout).unwrap();
        let offline = st.dir.join("offline");
        std::fs::create_dir_all(&offline).unwrap();
        let moved = offline.join("bundle.txt");
        std::fs::copy(&bundle, &moved).unwrap();
        let r = run(&[
            "ledger",
            "verify",
            "--bundle",
            s(&moved),
            "--public-key",
            &st.public_key,
        ]);
        assert_eq!(r.code, Some(0), "{}\n{}", r.stdout, r.stderr);
        assert!(
            r.stdout.contains(&format!("leaf {} (entry)", st.idx[5])),
            "{}",
            r.stdout
        );
        // One changed byte of the record: refused.
        let mut b = kirjuri_ledger::ProofBundle::parse(&r_text(&moved)).unwrap();
        b.opening.as_mut().unwrap().record[20] ^= 0x01;
        std::fs::write(&moved, b.to_text()).unwrap();
        let r = run(&[
            "ledger",
            "verify",
            "--bundle",
            s(&moved),
            "--public-key",
            &st.public_key,
        ]);
        assert_eq!(r.code, Some(1), "{}\n{}", r.stdout, r.stderr);
        assert!(r.stdout.contains("FAILED"), "{}", r.stdout);
        // Another key: refused.
        std::fs::copy(&bundle, &moved).unwrap();
        let other = "other+00000000+AQ==";
        let r = run(&[
            "ledger",
            "verify",
            "--bundle",
            s(&moved),
            "--public-key",
            other,
        ]);
        assert_eq!(r.code, Some(2), "{}", r.stderr);
        assert!(r.stderr.contains("--public-key"), "{}", r.stderr);

        // Consistency: the auditor kept the checkpoint of the setup's leaves; five more entries
        // (each with its access leaf) grow the log by ten.
        let grown = SETUP_LEAVES + 10;
        let old = st.dir.join("old.txt");
        let r = run(&[
            "ledger",
            "checkpoint",
            "--database",
            &url(&st.db),
            "--key",
            s(&st.key),
        ]);
        std::fs::write(&old, &r.stdout).unwrap();
        tokio::runtime::Runtime::new().unwrap().block_on(async {
            let keys =
                LedgerKeys::parse_file_text(&std::fs::read_to_string(&st.key).unwrap()).unwrap();
            let store = open(&st.db, Some(keys)).await;
            entries(&store, 8, 5).await;
            store.close().await;
        });
        let new = st.dir.join("new.txt");
        let r = run(&[
            "ledger",
            "checkpoint",
            "--database",
            &url(&st.db),
            "--key",
            s(&st.key),
        ]);
        assert!(r.stdout.contains(&format!("\n{grown}\n")), "{}", r.stdout);
        std::fs::write(&new, &r.stdout).unwrap();
        let base = [
            "ledger",
            "consistency",
            "--database",
            &url(&st.db),
            "--public-key",
            &st.public_key,
            "--old",
            s(&old),
        ];
        let r = run(&[&base[..], &["--new", s(&new)]].concat());
        assert_eq!(r.code, Some(0), "{}\n{}", r.stdout, r.stderr);
        assert!(
            r.stdout
                .contains(&format!("{grown} leaves extends the log of {SETUP_LEAVES}")),
            "{}",
            r.stdout
        );
        let r = run(&base);
        assert_eq!(r.code, Some(0), "{}\n{}", r.stdout, r.stderr);
        // A checkpoint file that was edited no longer carries a valid signature.
        let forged = r_text(&old).replacen(
            &format!("\n{SETUP_LEAVES}\n"),
            &format!("\n{}\n", SETUP_LEAVES - 1),
            1,
        );
        std::fs::write(&old, forged).unwrap();
        let r = run(&[&base[..], &["--new", s(&new)]].concat());
        assert_eq!(r.code, Some(2), "{}", r.stdout);
        assert!(r.stderr.contains("--old checkpoint"), "{}", r.stderr);
        std::fs::remove_dir_all(&st.dir).unwrap();
    }

    fn r_text(p: &Path) -> String {
        std::fs::read_to_string(p).unwrap()
    }

    #[test]
    fn tampering_is_reported_with_the_first_bad_leaf() {
        // One byte of an entry as officials see it (the append-only trigger dropped first).
        let st = setup("ledger-entry-byte");
        tamper(
            &st.db,
            &format!(
                "DROP TRIGGER entries_no_update;
                 UPDATE entries SET text = 'Merkintä 9.' WHERE id = '{}'",
                st.ids[3]
            ),
        );
        assert_first_bad_leaf(&st, st.idx[3], "entries row differs");
        std::fs::remove_dir_all(&st.dir).unwrap();

        // One byte of the stored record that opens a leaf.
        let st = setup("ledger-record-byte");
        tamper(
            &st.db,
            &format!(
                "DROP TRIGGER ledger_openings_erase_only;
                 UPDATE ledger_openings SET record =
                     CAST(replace(CAST(record AS TEXT), 'Merkintä 2.', 'Merkintä 7.') AS BLOB)
                 WHERE idx = {}",
                st.idx[2]
            ),
        );
        assert_first_bad_leaf(&st, st.idx[2], "does not match the leaf commitment");
        std::fs::remove_dir_all(&st.dir).unwrap();

        // A deleted leaf (with its opening and link).
        let st = setup("ledger-delete");
        tamper(
            &st.db,
            "DROP TRIGGER ledger_leaves_no_delete; DROP TRIGGER ledger_openings_no_delete;
             DROP TRIGGER ledger_links_no_delete;
             DELETE FROM ledger_links WHERE idx = 4; DELETE FROM ledger_openings WHERE idx = 4;
             DELETE FROM ledger_leaves WHERE idx = 4",
        );
        assert_first_bad_leaf(&st, 4, "expected leaf index 4, found 5");
        std::fs::remove_dir_all(&st.dir).unwrap();

        // Two leaves swapped.
        let st = setup("ledger-swap");
        tamper(
            &st.db,
            "DROP TRIGGER ledger_leaves_no_update;
             CREATE TEMP TABLE swap AS SELECT * FROM ledger_leaves WHERE idx IN (1, 5);
             UPDATE ledger_leaves SET
                 commitment = (SELECT commitment FROM swap WHERE swap.idx = 6 - ledger_leaves.idx),
                 leaf_hash = (SELECT leaf_hash FROM swap WHERE swap.idx = 6 - ledger_leaves.idx)
             WHERE idx IN (1, 5)",
        );
        assert_first_bad_leaf(&st, 1, "does not match the leaf commitment");
        std::fs::remove_dir_all(&st.dir).unwrap();

        // Two leaves swapped with their openings: every commitment opens, but the rows and
        // the signed root no longer agree.
        let st = setup("ledger-swap-all");
        tamper(
            &st.db,
            "DROP TRIGGER ledger_leaves_no_update; DROP TRIGGER ledger_openings_erase_only;
             CREATE TEMP TABLE swap AS SELECT * FROM ledger_leaves WHERE idx IN (1, 5);
             CREATE TEMP TABLE swap_o AS SELECT * FROM ledger_openings WHERE idx IN (1, 5);
             UPDATE ledger_leaves SET
                 commitment = (SELECT commitment FROM swap WHERE swap.idx = 6 - ledger_leaves.idx),
                 leaf_hash = (SELECT leaf_hash FROM swap WHERE swap.idx = 6 - ledger_leaves.idx)
             WHERE idx IN (1, 5);
             UPDATE ledger_openings SET
                 salt = (SELECT salt FROM swap_o WHERE swap_o.idx = 6 - ledger_openings.idx),
                 record = (SELECT record FROM swap_o WHERE swap_o.idx = 6 - ledger_openings.idx)
             WHERE idx IN (1, 5)",
        );
        assert_first_bad_leaf(&st, 1, "entries row differs");
        std::fs::remove_dir_all(&st.dir).unwrap();
    }

    #[test]
    fn ledger_arguments_and_files_are_named() {
        let dir = tempdir("ledger-args");
        let missing = dir.join("missing.txt");
        let r = run(&[
            "ledger",
            "verify",
            "--bundle",
            s(&missing),
            "--public-key",
            "k+00000000+AQ==",
        ]);
        assert_eq!(r.code, Some(2));
        assert!(r.stderr.contains("--public-key"), "{}", r.stderr);
        let r = run(&["ledger", "verify", "--public-key", "x"]);
        assert_eq!(r.code, Some(2));
        assert!(
            r.stderr.contains("--database") || r.stderr.contains("--bundle"),
            "{}",
            r.stderr
        );
        let r = run(&[
            "ledger",
            "checkpoint",
            "--database",
            "sqlite::memory:",
            "--key",
            s(&missing),
        ]);
        assert_eq!(r.code, Some(2));
        assert!(
            r.stderr.contains("cannot read ledger key file"),
            "{}",
            r.stderr
        );
        let bad_key = dir.join("bad-key.txt");
        std::fs::write(&bad_key, "signer nope\n").unwrap();
        let r = run(&[
            "ledger",
            "checkpoint",
            "--database",
            "sqlite::memory:",
            "--key",
            s(&bad_key),
        ]);
        assert_eq!(r.code, Some(2));
        assert!(r.stderr.contains("signer key"), "{}", r.stderr);
        let r = run(&[
            "ledger",
            "keygen",
            "--name",
            "has space",
            "--out",
            s(&dir.join("k")),
        ]);
        assert_eq!(r.code, Some(2));
        assert!(r.stderr.contains("--name"), "{}", r.stderr);
        let r = run(&[
            "serve",
            "--database",
            "sqlite::memory:",
            "--listen",
            "127.0.0.1:0",
        ]);
        assert_ne!(r.code, Some(0));
        assert!(r.stderr.contains("--ledger-key"), "{}", r.stderr);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

/// The checker's word lists are data an administrator extends: a malformed list stops the
/// server at start with the file and line, instead of checking with half a list.
#[test]
fn serve_names_a_malformed_word_list() {
    let key = key_file("serve-quality");
    let dir = tempdir("serve-quality-data");
    std::fs::write(dir.join("offensive.tsv"), "fi\tsana\tnot-a-category\n").unwrap();
    let out = kirjuri()
        .args([
            "serve",
            "--database",
            "sqlite::memory:",
            "--listen",
            "127.0.0.1:0",
            "--ledger-key",
        ])
        .arg(&key)
        .arg("--quality-data")
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("offensive.tsv") && err.contains(":1"), "{err}");
}

// ---- kirjuri backup, kirjuri retention (issue 17) -----------------------------------------------

mod reliability {
    use super::*;
    use std::sync::Arc;

    use kirjuri_store::{IdSource, LedgerKeys, Store};

    fn run(args: &[&str]) -> (Option<i32>, String, String) {
        let out = kirjuri().args(args).output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// Issue 17: `kirjuri backup` writes a copy that verifies, never overwrites a file, names
    /// PostgreSQL's tools for PostgreSQL and refuses a database file that is not there;
    /// `kirjuri retention run` on a database where nothing has expired erases nothing and the
    /// ledger still verifies.
    #[test]
    fn backup_copies_a_database_that_verifies_and_retention_run_reports_what_it_erased() {
        let dir = tempdir("backup");
        let key = dir.join("ledger-key.txt");
        let (code, public_key, err) = run(&[
            "ledger",
            "keygen",
            "--name",
            "kirjuri-cli-test",
            "--out",
            key.to_str().unwrap(),
        ]);
        assert_eq!(code, Some(0), "{err}");
        let public_key = public_key.trim().to_owned();
        let db = dir.join("kirjuri.db");
        let url = format!("sqlite:{}", db.display());
        tokio::runtime::Runtime::new().unwrap().block_on(async {
            let keys =
                LedgerKeys::parse_file_text(&std::fs::read_to_string(&key).unwrap()).unwrap();
            let store = Store::connect(
                &url,
                None,
                Arc::new(kirjuri_domain::SystemClock),
                IdSource::seeded(9),
            )
            .await
            .unwrap()
            .with_ledger(keys);
            kirjuri_store::testing::fixture(&store).await;
            store.ledger_checkpoint().await.unwrap();
            store.close().await;
        });

        let out = dir.join("backup.db");
        let (code, stdout, err) =
            run(&["backup", "--database", &url, "--out", out.to_str().unwrap()]);
        assert_eq!(code, Some(0), "{err}");
        assert!(stdout.starts_with("backup written: "), "{stdout}");
        let backup_url = format!("sqlite:{}", out.display());
        let (code, stdout, _) = run(&[
            "ledger",
            "verify",
            "--database",
            &backup_url,
            "--public-key",
            &public_key,
        ]);
        assert_eq!(code, Some(0), "{stdout}");

        let (code, _, err) = run(&["backup", "--database", &url, "--out", out.to_str().unwrap()]);
        assert_ne!(code, Some(0));
        assert!(err.contains("already exists"), "{err}");
        let (code, _, err) = run(&[
            "backup",
            "--database",
            "postgres://kirjuri@db.example/kirjuri",
            "--out",
            dir.join("pg.db").to_str().unwrap(),
        ]);
        assert_ne!(code, Some(0));
        assert!(err.contains("pg_dump"), "{err}");
        let missing = format!("sqlite:{}", dir.join("missing.db").display());
        let (code, _, err) = run(&[
            "backup",
            "--database",
            &missing,
            "--out",
            dir.join("m.db").to_str().unwrap(),
        ]);
        assert_ne!(code, Some(0));
        assert!(err.contains("no database file"), "{err}");
        assert!(!dir.join("missing.db").exists());

        let (code, stdout, err) = run(&[
            "retention",
            "run",
            "--database",
            &url,
            "--ledger-key",
            key.to_str().unwrap(),
        ]);
        assert_eq!(code, Some(0), "{err}");
        assert!(
            stdout.contains("0 clients touched, 0 removed entirely"),
            "{stdout}"
        );
        let (code, stdout, _) = run(&[
            "ledger",
            "verify",
            "--database",
            &url,
            "--public-key",
            &public_key,
        ]);
        assert_eq!(code, Some(0), "{stdout}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// The national-scale generator (issue 14): `kirjuri generate`.
#[path = "cli/natgen.rs"]
mod natgen;
