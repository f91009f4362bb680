//! Issue 16, operations: start-up names the real cause when the database cannot be opened
//! (it said "pool timed out"), and `--metrics-addr` serves the metrics on a listener of its
//! own while the main listener refuses them without a token.

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::{Duration, Instant};

use kirjuri_store::testing::{backends, postgres_url};
use kirjuri_store::Backend;

use super::{key_file, kirjuri, tempdir};

/// Runs `kirjuri serve` on `database` and returns what it printed, failing if it ran longer
/// than a few seconds (the pool's time-out was 30 s).
fn serve_fails(database: &str, key: &std::path::Path) -> String {
    let started = Instant::now();
    let out = kirjuri()
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--database",
            database,
            "--ledger-key",
        ])
        .arg(key)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(!out.status.success(), "serve started on {database}");
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "serve took {:?} to give up on {database}",
        started.elapsed()
    );
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!text.contains("pool timed out"), "{text}");
    text
}

#[test]
fn start_up_names_why_the_database_cannot_be_opened() {
    let key = key_file("operations-open");
    let dir = tempdir("operations-open-db");
    if backends().contains(&Backend::Sqlite) {
        let missing = dir.join("no-such-dir").join("kirjuri.db");
        let text = serve_fails(&format!("sqlite:{}", missing.display()), &key);
        assert!(
            text.contains("does not exist") && text.contains("no-such-dir"),
            "{text}"
        );
    }
    if backends().contains(&Backend::Postgres) {
        // Nobody listens on port 1.
        let text = serve_fails("postgres://kirjuri:secret@127.0.0.1:1/kirjuri", &key);
        assert!(text.contains("connection refused"), "{text}");
        assert!(!text.contains("secret"), "the password was printed: {text}");
        // The server answers, the database is not there.
        let url = postgres_url();
        let base = url.rsplit_once('/').map_or(url.as_str(), |(b, _)| b);
        let text = serve_fails(&format!("{base}/kirjuri_no_such_database"), &key);
        assert!(
            text.contains("kirjuri_no_such_database") && text.contains("does not exist"),
            "{text}"
        );
    }
}

#[test]
fn metrics_are_served_on_their_own_listener_and_refused_on_the_main_one_without_a_token() {
    let key = key_file("operations-metrics");
    let dir = tempdir("operations-metrics-db");
    let metrics_port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let db = format!("sqlite:{}", dir.join("kirjuri.db").display());
    let mut child = kirjuri()
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--database",
            &db,
            "--ledger-key",
        ])
        .arg(&key)
        .args(["--metrics-addr", &format!("127.0.0.1:{metrics_port}")])
        .env("NO_COLOR", "1")
        .env_remove("KIRJURI_METRICS_TOKEN")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut base = None;
    for line in lines.by_ref() {
        let line = line.unwrap();
        if let Some(at) = line.find("listening on ") {
            base = line[at + "listening on ".len()..]
                .split_whitespace()
                .next()
                .map(str::to_owned);
            break;
        }
    }
    std::thread::spawn(move || for _ in lines.by_ref() {});
    let base = base.expect("the server did not start");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let http = reqwest::Client::new();
        let health = http.get(format!("{base}/health")).send().await.unwrap();
        assert_eq!(health.status(), 200);
        let main = http.get(format!("{base}/metrics")).send().await.unwrap();
        assert_eq!(main.status(), 404, "metrics public on the main listener");
        let r = http
            .get(format!("http://127.0.0.1:{metrics_port}/metrics"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let text = r.text().await.unwrap();
        assert!(
            text.contains(
                "kirjuri_http_requests_total{method=\"GET\",route=\"/health\",status=\"200\"} 1"
            ),
            "{text}"
        );
        assert!(text.contains("kirjuri_ledger_leaves "), "{text}");
    });
    let _ = child.kill();
    let _ = child.wait();
}
