//! Several servers, one database (issue 16), with the real binary on PostgreSQL: two
//! `kirjuri serve` processes started at once on an empty database both come up (migrations run
//! under an advisory lock); with demo data in it, officials write through both at once —
//! entries, new clients with register facts, benefit applications and job-search starts whose
//! statements go to the outbox — and then every snapshot of the ledger taken meanwhile was a
//! prefix (indexes in commit order), a proof bundle read on one server of a statement decided
//! through the other verifies (its in-memory tree is refreshed from the database), the payer
//! received every delivery exactly once, a session made on one server works on the other, the
//! failed-log-in limit counts guesses sent to both, and the whole ledger verifies.

use std::collections::{BTreeMap, HashSet};
use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use kirjuri_domain::{Hetu, SystemClock};
use kirjuri_store::testing::{backends, empty_database, raw_i64, raw_strings};
use kirjuri_store::{Backend, IdSource, Store};
use reqwest::StatusCode;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::{kirjuri, tempdir};

const PASSWORD: &str = "kirjuri-demo";
const OFFICIALS: [&str; 4] = [
    "anna.virtanen",
    "mikko.laine",
    "liisa.koskinen",
    "pekka.niemi",
];

/// `kirjuri serve` on `url`, started; its address is read from its log by [`listening`].
fn spawn_server(url: &str, key: &std::path::Path) -> Child {
    kirjuri()
        .args(["serve", "--database", url, "--listen", "127.0.0.1:0"])
        .arg("--ledger-key")
        .arg(key)
        // The payer is this test's receiver on loopback.
        .arg("--allow-loopback-payers")
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Waits for the server's "listening on" line and returns its base URL; the rest of its log
/// is drained into `log` so the server never blocks on a full pipe.
fn listening(child: &mut Child, log: Arc<Mutex<String>>) -> String {
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    for line in lines.by_ref() {
        let line = line.unwrap();
        log.lock().unwrap().push_str(&format!("{line}\n"));
        if let Some(at) = line.find("listening on ") {
            let url = line[at + "listening on ".len()..]
                .split_whitespace()
                .next()
                .unwrap()
                .to_owned();
            std::thread::spawn(move || {
                for line in lines.map_while(Result::ok) {
                    log.lock().unwrap().push_str(&format!("{line}\n"));
                }
            });
            return url;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("the server did not start:\n{}", log.lock().unwrap());
}

/// Stops a server as an operator does (SIGTERM) and checks it shut down cleanly.
fn stop(mut child: Child, log: &Mutex<String>) {
    std::process::Command::new("kill")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "{status}:\n{}", log.lock().unwrap());
}

/// A benefit payer's receiver on loopback that counts every delivery by its idempotency key.
#[derive(Clone, Default)]
struct Payer {
    received: Arc<Mutex<BTreeMap<String, usize>>>,
}

impl Payer {
    async fn start(&self) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let received = self.received.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(answer(stream, received.clone()));
            }
        });
        format!("http://{addr}/lausunnot")
    }

    fn snapshot(&self) -> BTreeMap<String, usize> {
        self.received.lock().unwrap().clone()
    }
}

async fn answer(mut stream: tokio::net::TcpStream, received: Arc<Mutex<BTreeMap<String, usize>>>) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let (head_end, head) = loop {
        let Ok(n) = stream.read(&mut chunk).await else {
            return;
        };
        if n == 0 {
            return;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break (
                at + 4,
                String::from_utf8_lossy(&buf[..at]).to_ascii_lowercase(),
            );
        }
    };
    let header = |name: &str| {
        head.lines()
            .find_map(|l| l.strip_prefix(name))
            .map(|v| v.trim().to_owned())
    };
    let length: usize = header("content-length:")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    while buf.len() < head_end + length {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    // Counted once the whole delivery has arrived, before the answer: a delivery the worker
    // treats as sent has been counted.
    if let Some(key) = header("idempotency-key:") {
        *received.lock().unwrap().entry(key).or_default() += 1;
    }
    let body = br#"{"received": true}"#;
    let head = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes()).await;
    let _ = stream.write_all(body).await;
    let _ = stream.shutdown().await;
}

/// An HTTP client with a cookie jar, sending the server's own origin as a browser does.
fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

async fn call(
    c: &reqwest::Client,
    base: &str,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = c
        .request(method.parse().unwrap(), format!("{base}{path}"))
        .header("Origin", base);
    if let Some(body) = body {
        req = req.json(&body);
    }
    let r = req.send().await.unwrap();
    let status = r.status();
    let text = r.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

async fn login(c: &reqwest::Client, base: &str, username: &str) {
    let (status, body) = call(
        c,
        base,
        "POST",
        "/api/login",
        Some(json!({"username": username, "password": PASSWORD})),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "log-in of {username} at {base}: {body}"
    );
}

/// A new client through `base`: registration, register facts, a benefit application to the
/// payer and a job-search start (its statement goes to the outbox). Returns the client and
/// the start's decision.
async fn new_job_seeker(
    c: &reqwest::Client,
    base: &str,
    payer: &str,
    hetus: &Mutex<u32>,
) -> (String, String) {
    let client = loop {
        let n = {
            let mut next = hetus.lock().unwrap();
            *next += 1;
            *next
        };
        // Test-range codes (900–999) on birth days in the 1950s, which the demo does not use.
        let born = chrono::NaiveDate::from_ymd_opt(1950, 1, 1).unwrap()
            + chrono::Days::new(u64::from(n / 100) % 3_600);
        let hetu = Hetu::from_parts(born, 900 + (n % 100) as u16).unwrap();
        let (status, body) = call(
            c,
            base,
            "POST",
            "/api/clients",
            Some(
                json!({"hetu": hetu.as_str(), "first_name": "Aino", "last_name": "Palvelin",
                        "language": "fi"}),
            ),
        )
        .await;
        match status {
            StatusCode::CREATED => break body["id"].as_str().unwrap().to_owned(),
            StatusCode::CONFLICT => continue,
            _ => panic!("client refused: {status} {body}"),
        }
    };
    let (status, body) = call(
        c,
        base,
        "PUT",
        &format!("/api/clients/{client}/register-facts"),
        Some(json!({
            "employment_continues": false, "active_degree_studies": false,
            "active_business": false, "resides_in_finland": true, "right_to_work": "citizen",
            "vocational_qualification": true, "partial_disability_pension": false,
        })),
    )
    .await;
    assert!(status.is_success(), "register facts: {status} {body}");
    let today = kirjuri_domain::Clock::today(&SystemClock).to_string();
    let (status, body) = call(
        c,
        base,
        "POST",
        &format!("/api/clients/{client}/benefit-applications"),
        Some(json!({"payer_id": payer, "from_date": today})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "benefit application: {body}");
    let (status, body) = call(
        c,
        base,
        "POST",
        &format!("/api/clients/{client}/job-searches"),
        Some(json!({
            "start_date": today,
            "acknowledged_notice": true,
            "answers": {
                "employment": "none", "seeks_full_time_work": true,
                "previous_employment_end": {"date": "2026-01-30", "reason": "fixed_term_ended"},
                "studies": "none", "business": "none",
                "business_started_while_unemployed_on": null, "in_service": null,
                "free_text": null,
            },
        })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "job-search start: {body}");
    (client, body["decision"]["id"].as_str().unwrap().to_owned())
}

async fn open(url: &str) -> Store {
    Store::connect(url, None, Arc::new(SystemClock), IdSource::seeded(1))
        .await
        .unwrap()
}

fn run_ok(args: &[&str]) -> String {
    let out = kirjuri().args(args).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "kirjuri {args:?}: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

#[test]
fn two_servers_on_one_postgresql_database_write_deliver_and_verify_as_one() {
    if !backends().contains(&Backend::Postgres) {
        return;
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    let dir = tempdir("several-servers");
    let db = rt.block_on(empty_database(Backend::Postgres, &dir, "servers"));
    let key = dir.join("ledger-key.txt");
    let public_key = run_ok(&[
        "ledger",
        "keygen",
        "--name",
        "kirjuri-cli-test",
        "--out",
        key.to_str().unwrap(),
    ])
    .trim()
    .to_owned();

    // Two servers started at once on an empty database both come up: one migrates, the other
    // waits for the advisory lock and finds the schema made.
    let logs = [
        Arc::new(Mutex::new(String::new())),
        Arc::new(Mutex::new(String::new())),
    ];
    let mut a = spawn_server(&db.url, &key);
    let mut b = spawn_server(&db.url, &key);
    let base_a = listening(&mut a, logs[0].clone());
    let base_b = listening(&mut b, logs[1].clone());

    // Demo data in the database the servers run on; its payer is the counting receiver.
    let payer = Payer::default();
    let payer_url = rt.block_on(payer.start());
    run_ok(&[
        "demo",
        "--clients",
        "6",
        "--no-serve",
        "--database",
        &db.url,
        "--payer-endpoint",
        &payer_url,
        "--dir",
        dir.to_str().unwrap(),
    ]);
    let store = rt.block_on(open(&db.url));
    let payer_id = rt
        .block_on(raw_strings(&store, "SELECT id FROM benefit_payers"))
        .remove(0);

    rt.block_on(async {
        // Snapshots of the ledger while the servers write: with indexes in commit order every
        // committed state is a prefix, so the count of leaves is always the next index.
        let watching = Arc::new(std::sync::atomic::AtomicBool::new(true));
        let watcher = {
            let (store, watching) = (store.clone(), watching.clone());
            tokio::spawn(async move {
                let mut gaps = Vec::new();
                let mut looks = 0;
                while watching.load(std::sync::atomic::Ordering::Relaxed) {
                    // Leaves missing below the last index, in one statement's snapshot.
                    let missing = raw_i64(
                        &store,
                        "SELECT COALESCE(MAX(idx) + 1, 0) - COUNT(*) FROM ledger_leaves",
                    )
                    .await;
                    if missing != 0 {
                        gaps.push(missing);
                    }
                    looks += 1;
                    tokio::time::sleep(Duration::from_millis(2)).await;
                }
                (looks, gaps)
            })
        };

        let hetus = Arc::new(Mutex::new(0u32));
        let mut writers = Vec::new();
        for (w, official) in OFFICIALS.iter().enumerate() {
            // Each official writes through both servers in turn.
            let bases = [base_a.clone(), base_b.clone()];
            let (payer_id, hetus) = (payer_id.clone(), hetus.clone());
            let official = official.to_string();
            writers.push(tokio::spawn(async move {
                let c = http();
                login(&c, &bases[0], &official).await;
                let mut decided = Vec::new();
                for round in 0..6 {
                    let base = &bases[(w + round) % 2];
                    let (client, decision) = new_job_seeker(&c, base, &payer_id, &hetus).await;
                    decided.push((base.clone(), decision, official.clone()));
                    for i in 0..5 {
                        let base = &bases[(w + round + i) % 2];
                        let (status, body) = call(
                            &c,
                            base,
                            "POST",
                            &format!("/api/clients/{client}/entries"),
                            Some(json!({
                                "entry_type": "contact",
                                "text": format!("Puhelinsoitto {i}: sovittiin seuraavasta tapaamisesta."),
                                "event_at": "2026-03-02T10:00:00+02:00",
                            })),
                        )
                        .await;
                        assert_eq!(status, StatusCode::CREATED, "entry through {base}: {body}");
                    }
                }
                decided
            }));
        }
        let mut decided = Vec::new();
        for w in writers {
            decided.extend(w.await.unwrap());
        }
        watching.store(false, std::sync::atomic::Ordering::Relaxed);
        let (looks, gaps) = watcher.await.unwrap();
        assert!(looks > 10, "the ledger was looked at {looks} times only");
        assert!(gaps.is_empty(), "ledger states with leaves missing below the last: {gaps:?}");

        // A proof bundle read on each server of a statement decided through the other, just
        // after: the reading server's tree must take in leaves the other appended.
        assert!(decided.len() >= 2, "only {} statements were decided", decided.len());
        for (checked, (through, decision, official)) in decided.iter().rev().take(2).enumerate() {
            let other = if *through == base_a { &base_b } else { &base_a };
            // Read as the official who wrote it: the client is of their organisation.
            let c = http();
            login(&c, other, official).await;
            let (status, body) = call(&c, other, "GET", &format!("/api/decisions/{decision}/provenance"), None).await;
            assert_eq!(status, StatusCode::OK, "provenance through {other}: {body}");
            let bundle = dir.join(format!("bundle-{checked}.txt"));
            std::fs::write(&bundle, body["ledger_bundle"].as_str().unwrap()).unwrap();
            run_ok(&[
                "ledger",
                "verify",
                "--bundle",
                bundle.to_str().unwrap(),
                "--public-key",
                &public_key,
            ]);
        }

        // A session made on A works on B: its cookie, taken from A's answer, is all B gets.
        let r = reqwest::Client::new()
            .post(format!("{base_a}/api/login"))
            .header("Origin", &base_a)
            .json(&json!({"username": OFFICIALS[1], "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let cookie = r
            .headers()
            .get_all(reqwest::header::SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned())
            .collect::<Vec<_>>()
            .join("; ");
        assert!(!cookie.is_empty(), "no session cookie from A");
        let r = reqwest::Client::new()
            .get(format!("{base_b}/api/me"))
            .header(reqwest::header::COOKIE, &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "the session of A on B");
        let me: Value = r.json().await.unwrap();
        assert_eq!(me["username"], OFFICIALS[1], "{me}");

        // Wrong guesses for one account sent at once to both servers: the free tries are
        // counted in the database, so no more pass than one server allows (3), the rest wait.
        let guesses: Vec<_> = (0..12)
            .map(|i| {
                let base = if i % 2 == 0 { base_a.clone() } else { base_b.clone() };
                tokio::spawn(async move {
                    let (status, _) = call(
                        &http(),
                        &base,
                        "POST",
                        "/api/login",
                        Some(json!({"username": OFFICIALS[3], "password": format!("väärä {i}")})),
                    )
                    .await;
                    status
                })
            })
            .collect();
        let mut statuses = BTreeMap::new();
        for g in guesses {
            *statuses.entry(g.await.unwrap().as_u16()).or_insert(0) += 1;
        }
        assert_eq!(statuses, BTreeMap::from([(401, 3), (429, 9)]), "{statuses:?}");

        // Every delivery reaches the payer exactly once, whichever server's worker sent it.
        let deliveries = raw_i64(&store, "SELECT COUNT(*) FROM deliveries").await;
        // Statements decided automatically go out; a start routed to an official has none yet.
        assert!(deliveries > 0, "no deliveries in the outbox");
        let mut receipts = 0;
        for _ in 0..300 {
            receipts = raw_i64(&store, "SELECT COUNT(*) FROM delivery_receipts").await;
            if receipts == deliveries {
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        assert_eq!(receipts, deliveries, "deliveries without a receipt");
        let keys: HashSet<String> = raw_strings(&store, "SELECT idempotency_key FROM deliveries")
            .await
            .into_iter()
            .map(|k| k.to_ascii_lowercase())
            .collect();
        let received = payer.snapshot();
        let twice: Vec<_> = received.iter().filter(|(_, n)| **n != 1).collect();
        assert!(twice.is_empty(), "sent more than once: {twice:?}");
        let got: HashSet<String> = received.into_keys().collect();
        assert_eq!(got, keys, "the payer's keys and the outbox's differ");
    });

    stop(a, &logs[0]);
    stop(b, &logs[1]);
    // The whole ledger, leaves from both servers and the demo, verifies against the
    // checkpoints the servers signed.
    let report = run_ok(&[
        "ledger",
        "verify",
        "--database",
        &db.url,
        "--public-key",
        &public_key,
    ]);
    eprintln!("{report}");
    rt.block_on(store.close());
    rt.block_on(db.cleanup());
    let _ = std::fs::remove_dir_all(&dir);
}
