//! `kirjuri init` and the README's production section (issue 16), on every backend under
//! test, each run on a fresh empty database.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::Stdio;

use kirjuri_store::testing::{backends, empty_database, raw_i64};

use super::{kirjuri, tempdir};

/// The README's production section: its `sh` block that runs `kirjuri init`, as commands
/// (continuation lines joined, comments dropped), and its `organisations.json`.
fn readme_production() -> (Vec<Vec<String>>, String) {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    let section = &readme[readme.find("## Production").expect("a Production section")..];
    let blocks: Vec<&str> = section.split("```").skip(1).step_by(2).collect::<Vec<_>>();
    let sh = blocks
        .iter()
        .find(|b| b.starts_with("sh\n") && b.contains("kirjuri init"))
        .expect("an sh block with kirjuri init");
    let json = blocks
        .iter()
        .find(|b| b.starts_with("json\n") && b.contains("\"organisations\""))
        .expect("the organisations.json block");
    let commands = sh
        .trim_start_matches("sh\n")
        .replace("\\\n", " ")
        .lines()
        .map(|l| l.split('#').next().unwrap().trim().to_owned())
        .filter(|l| !l.is_empty())
        .map(|l| l.split_whitespace().map(str::to_owned).collect())
        .collect();
    (commands, json.trim_start_matches("json\n").to_owned())
}

async fn count(url: &str, sql: &str) -> i64 {
    let store = kirjuri_store::Store::connect(
        url,
        None,
        std::sync::Arc::new(kirjuri_domain::SystemClock),
        kirjuri_store::IdSource::seeded(1),
    )
    .await
    .unwrap();
    let n = raw_i64(&store, sql).await;
    store.close().await;
    n
}

/// Starts `kirjuri serve` with `args`, returns the child and its base URL (read from the log).
fn start_server(args: &[String]) -> (std::process::Child, String) {
    let mut child = kirjuri()
        .args(args)
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut log = String::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        log.push_str(&line);
        log.push('\n');
        if let Some(at) = line.find("listening on ") {
            let url = line[at + "listening on ".len()..]
                .split_whitespace()
                .next()
                .unwrap()
                .to_owned();
            // Keep draining the log so the server never blocks on a full pipe.
            std::thread::spawn(move || for _ in lines.by_ref() {});
            return (child, url);
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("the server did not start:\n{log}");
}

/// Issue 16: the README's production section, word for word but for the database URL, the
/// directory of its files and the port, on an empty database: keygen, init (which prints the
/// administrator's one-time password), serve, and the administrator logs in over the HTTP
/// API with the printed password. A second init is refused and writes nothing.
#[test]
fn the_readme_production_section_initialises_an_empty_database_and_the_admin_logs_in() {
    let (commands, json) = readme_production();
    assert_eq!(commands.len(), 3, "{commands:?}");
    let rt = tokio::runtime::Runtime::new().unwrap();
    for backend in backends() {
        eprintln!("backend {backend:?}");
        let dir = tempdir(&format!("init-readme-{backend:?}"));
        let db = rt.block_on(empty_database(backend, &dir, "prod"));
        std::fs::write(dir.join("organisations.json"), &json).unwrap();
        let etc = format!("{}/", dir.display());
        let words = |cmd: &Vec<String>| -> Vec<String> {
            cmd.iter()
                .skip(1) // `kirjuri`
                .map(|w| {
                    w.replace("postgres://kirjuri@db.example/kirjuri", &db.url)
                        .replace("/etc/kirjuri/", &etc)
                        .replace("127.0.0.1:8080", "127.0.0.1:0")
                })
                .collect()
        };
        for cmd in &commands {
            assert_eq!(cmd[0], "kirjuri", "{cmd:?}");
        }
        let keygen = kirjuri().args(words(&commands[0])).output().unwrap();
        assert!(keygen.status.success(), "{keygen:?}");

        let init_args = words(&commands[1]);
        assert_eq!(init_args[0], "init");
        let init = kirjuri()
            .args(&init_args)
            .env_remove("KIRJURI_ADMIN_PASSWORD")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&init.stdout).into_owned();
        assert!(
            init.status.success(),
            "{stdout}{}",
            String::from_utf8_lossy(&init.stderr)
        );
        let password = stdout
            .lines()
            .find_map(|l| l.split_once("(shown only this once; keep it safe): "))
            .map(|(_, p)| p.trim().to_owned())
            .unwrap_or_else(|| panic!("no password printed:\n{stdout}"));
        assert_eq!(password.chars().count(), 20);
        assert!(stdout.contains("aino.yllapitaja"), "{stdout}");

        let (mut server, url) = start_server(&words(&commands[2]));
        rt.block_on(async {
            let http = reqwest::Client::builder()
                .cookie_store(true)
                .build()
                .unwrap();
            let wrong = http
                .post(format!("{url}/api/login"))
                .json(
                    &serde_json::json!({"username": "aino.yllapitaja", "password": "x".repeat(20)}),
                )
                .send()
                .await
                .unwrap();
            assert_eq!(wrong.status(), reqwest::StatusCode::UNAUTHORIZED);
            let r = http
                .post(format!("{url}/api/login"))
                .json(&serde_json::json!({"username": "aino.yllapitaja", "password": password}))
                .send()
                .await
                .unwrap();
            let status = r.status();
            assert!(status.is_success(), "{status} {}", r.text().await.unwrap());
            // The administrator acts for the organisation the file named.
            let users: serde_json::Value = http
                .get(format!("{url}/api/admin/users"))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            assert!(users.to_string().contains("aino.yllapitaja"), "{users}");
        });
        kirjuri_kill(&mut server);

        // A second init is refused, clearly, and changes nothing.
        let again = kirjuri()
            .args(&init_args)
            .env("KIRJURI_ADMIN_PASSWORD", "toinen salasana 123")
            .output()
            .unwrap();
        assert_eq!(again.status.code(), Some(2));
        let err = String::from_utf8_lossy(&again.stderr);
        assert!(err.contains("already initialised"), "{err}");
        rt.block_on(async {
            assert_eq!(
                count(&db.url, "SELECT COUNT(*) FROM organisations").await,
                3
            );
            assert_eq!(count(&db.url, "SELECT COUNT(*) FROM users").await, 1);
        });
        rt.block_on(db.cleanup());
        let _ = std::fs::remove_dir_all(&dir);
    }
}

fn kirjuri_kill(child: &mut std::process::Child) {
    std::process::Command::new("kill")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(child.wait().unwrap().success());
}

fn init(url: &str, file: &Path, password: Option<&str>) -> std::process::Output {
    let mut cmd = kirjuri();
    cmd.args(["init", "--database", url, "--organisations"])
        .arg(file);
    match password {
        Some(p) => cmd.env("KIRJURI_ADMIN_PASSWORD", p),
        None => cmd.env_remove("KIRJURI_ADMIN_PASSWORD"),
    };
    cmd.output().unwrap()
}

/// Issue 16: a bad organisations file is refused with the file and the field named, and
/// nothing is written; a password from the environment is used and not printed.
#[test]
fn a_bad_organisations_file_is_refused_by_name_and_nothing_is_written() {
    let good = serde_json::json!({
        "organisations": [
            {"kind": "employment_authority", "name_fi": "Testilän kaupunki", "name_sv": "Testilä stad"},
            {"kind": "supervisor", "name_fi": "Valvova virasto", "name_sv": "Tillsynsverket"}
        ],
        "administrator": {"username": "admin.testila", "display_name": "Aki Ylläpitäjä",
                          "organisation": "Testilän kaupunki"}
    });
    let bad: Vec<(serde_json::Value, &str)> = vec![
        (
            {
                let mut v = good.clone();
                v["organisations"][1]["kind"] = "ministry".into();
                v
            },
            "organisations[1].kind",
        ),
        (
            {
                let mut v = good.clone();
                v["administrator"]["organisation"] = "Muu kaupunki".into();
                v
            },
            "administrator.organisation",
        ),
        (
            {
                let mut v = good.clone();
                v["organisations"][0]["colour"] = "red".into();
                v
            },
            "unknown field `colour`",
        ),
        (
            {
                let mut v = good.clone();
                v["organisations"][1]["name_fi"] = "Testilän kaupunki".into();
                v
            },
            "named twice",
        ),
        (
            serde_json::json!({"organisations": [], "administrator": good["administrator"]}),
            "at least one organisation",
        ),
    ];
    let rt = tokio::runtime::Runtime::new().unwrap();
    for backend in backends() {
        eprintln!("backend {backend:?}");
        let dir = tempdir(&format!("init-bad-{backend:?}"));
        let db = rt.block_on(empty_database(backend, &dir, "bad"));
        let file = dir.join("organisations.json");
        for (value, named) in &bad {
            std::fs::write(&file, value.to_string()).unwrap();
            let out = init(&db.url, &file, Some("hyvä salasana 123"));
            assert_eq!(out.status.code(), Some(2), "{named}");
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(
                err.contains(named) && err.contains("organisations.json"),
                "{named}: {err}"
            );
        }
        std::fs::write(&file, "{\"organisations\": [").unwrap();
        let out = init(&db.url, &file, Some("hyvä salasana 123"));
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains("line 1"));
        // A password from the environment that is too short: refused, nothing written.
        std::fs::write(&file, good.to_string()).unwrap();
        let out = init(&db.url, &file, Some("lyhyt"));
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains("KIRJURI_ADMIN_PASSWORD"));
        rt.block_on(async {
            assert_eq!(
                count(&db.url, "SELECT COUNT(*) FROM organisations").await,
                0
            );
            assert_eq!(count(&db.url, "SELECT COUNT(*) FROM users").await, 0);
        });
        // The good file, the password from the environment: used, not printed.
        let out = init(&db.url, &file, Some("hyvä salasana 123"));
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{stdout}");
        assert!(!stdout.contains("hyvä salasana"), "{stdout}");
        rt.block_on(async {
            assert_eq!(
                count(&db.url, "SELECT COUNT(*) FROM organisations").await,
                2
            );
            let store = kirjuri_store::Store::connect(
                &db.url,
                None,
                std::sync::Arc::new(kirjuri_domain::SystemClock),
                kirjuri_store::IdSource::seeded(2),
            )
            .await
            .unwrap();
            let app = kirjuri_app::App::new(store.clone(), Default::default()).unwrap();
            let session = app
                .login("admin.testila", "hyvä salasana 123", None)
                .await
                .unwrap();
            assert_eq!(session.user.role, kirjuri_domain::Role::Administrator);
            store.close().await;
        });
        rt.block_on(db.cleanup());
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// A free loopback port (bound and let go).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Issue 16: `demo --database URL` on an empty database of either backend: `--no-serve`
/// fills it and prints the ledger's public key, and `kirjuri ledger verify` passes on it as
/// it is left (it failed with "no signed checkpoint is stored"); served, the banner names the
/// stand-in payer, the demo's statements reach it (receipts are recorded), and after the
/// shutdown the ledger verifies again.
#[test]
fn the_demo_fills_and_serves_a_given_database_and_its_ledger_verifies() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    for backend in backends() {
        eprintln!("backend {backend:?}");
        let dir = tempdir(&format!("demo-db-{backend:?}"));
        let db = rt.block_on(empty_database(backend, &dir, "demo"));
        let stand_in = format!("127.0.0.1:{}", free_port());
        let demo = |extra: &[&str]| {
            let mut cmd = kirjuri();
            cmd.args(["demo", "--clients", "6", "--database", &db.url])
                .args(["--stand-in-payer", &stand_in, "--dir"])
                .arg(&dir)
                .args(extra);
            cmd
        };
        let out = demo(&["--no-serve"]).output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let key = stdout
            .lines()
            .find_map(|l| l.split_once("--public-key`): "))
            .map(|(_, k)| k.trim().to_owned())
            .unwrap_or_else(|| panic!("no public key printed:\n{stdout}"));
        let verify = || {
            let out = kirjuri()
                .args([
                    "ledger",
                    "verify",
                    "--database",
                    &db.url,
                    "--public-key",
                    &key,
                ])
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        };
        verify();

        let mut child = demo(&["--listen", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut banner = String::new();
        for line in BufReader::new(child.stdout.take().unwrap()).lines() {
            let line = line.unwrap();
            banner.push_str(&line);
            banner.push('\n');
            if line.starts_with("All demo identity codes") {
                break;
            }
        }
        assert!(banner.contains(&key), "{banner}");
        assert!(
            banner.contains(&format!("stand-in for Kela at http://{stand_in}/")),
            "{banner}"
        );
        let mut receipts = 0;
        for _ in 0..100 {
            receipts = rt.block_on(count(&db.url, "SELECT COUNT(*) FROM delivery_receipts"));
            if receipts > 0 {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
        assert!(receipts > 0, "no statement reached the stand-in payer");
        kirjuri_kill(&mut child);
        verify();
        rt.block_on(db.cleanup());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
