//! Issue 13 (notifications), A9 and A18: e-mail notices that say only "log in to read it", sent
//! through their outbox to a real SMTP server (Python's aiosmtpd, installed by
//! `scripts/setup.sh`; `tests/smtp/server.py`) with a TLS certificate made at test time. The
//! server writes every message it receives to a directory, which the tests read.

use super::*;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration as StdDuration;

use kirjuri_app::notify::{
    NoticeConfig, NoticeFault, NoticeWorker, SmtpConfig, SmtpMode, NO_ADDRESS, NO_TLS,
};

const ADDRESS: &str = "maija.asiakas@example.fi";
const VISIT_ADDRESS: &str = "Työvoimatie 7 B, 00100 Helsinki";

// ---- a real SMTP server ------------------------------------------------------------------------

/// aiosmtpd on a free port of loopback: `starttls`, `tls` (implicit) or `plain` (no TLS).
struct Smtp {
    child: Child,
    port: u16,
    dir: PathBuf,
    ca: PathBuf,
}

impl Smtp {
    fn start(mode: &str) -> Smtp {
        let venv = std::env::var_os("KIRJURI_VENV").map_or_else(
            || PathBuf::from(std::env::var("HOME").unwrap()).join(".cache/kirjuri/venv"),
            PathBuf::from,
        );
        let python = venv.join("bin/python");
        assert!(
            Command::new(&python)
                .args(["-c", "import aiosmtpd"])
                .status()
                .is_ok_and(|s| s.success()),
            "aiosmtpd is missing from {}: run scripts/setup.sh",
            venv.display()
        );
        static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "kirjuri-smtp-{}-{}",
            std::process::id(),
            N.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ));
        let out = dir.join("received");
        std::fs::create_dir_all(&out).unwrap();
        let cert = rcgen::generate_simple_self_signed(vec!["127.0.0.1".into()]).unwrap();
        let (ca, key) = (dir.join("cert.pem"), dir.join("key.pem"));
        std::fs::write(&ca, cert.cert.pem()).unwrap();
        std::fs::write(&key, cert.signing_key.serialize_pem()).unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/smtp/server.py");
        let mut child = Command::new(&python)
            .arg(script)
            .args(["--port", &port.to_string(), "--mode", mode])
            .arg("--out")
            .arg(&out)
            .arg("--cert")
            .arg(&ca)
            .arg("--key")
            .arg(&key)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(child.stdout.as_mut().unwrap()),
            &mut line,
        )
        .unwrap();
        assert_eq!(line.trim(), "ready", "the SMTP server did not start");
        Smtp {
            child,
            port,
            dir: out,
            ca,
        }
    }

    fn config(&self, mode: SmtpMode) -> SmtpConfig {
        SmtpConfig {
            host: "127.0.0.1".into(),
            port: self.port,
            mode,
            from: EmailAddress::parse("ilmoitukset@kirjuri.example.fi").unwrap(),
            credentials: None,
            extra_ca: Some(self.ca.clone()),
            timeout: StdDuration::from_secs(5),
        }
    }

    /// Every message received so far, in order: (raw as sent, decoded).
    fn received(&self) -> Vec<(String, String)> {
        let mut n: Vec<u32> = std::fs::read_dir(&self.dir)
            .unwrap()
            .filter_map(|e| {
                let name = e.unwrap().file_name().into_string().unwrap();
                name.strip_suffix(".eml").and_then(|n| n.parse().ok())
            })
            .collect();
        n.sort();
        n.iter()
            .map(|i| {
                let raw = std::fs::read_to_string(self.dir.join(format!("{i}.eml"))).unwrap();
                let txt = std::fs::read_to_string(self.dir.join(format!("{i}.txt"))).unwrap();
                (raw, txt)
            })
            .collect()
    }

    /// Waits (wall time) until `n` messages have arrived.
    async fn wait_for(&self, n: usize) -> Vec<(String, String)> {
        for _ in 0..300 {
            let got = self.received();
            if got.len() >= n {
                return got;
            }
            tokio::time::sleep(StdDuration::from_millis(50)).await;
        }
        panic!("{n} messages did not arrive: {}", self.received().len());
    }
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(parent) = self.dir.parent() {
            let _ = std::fs::remove_dir_all(parent);
        }
    }
}

fn header<'a>(raw: &'a str, name: &str) -> Option<&'a str> {
    raw.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

fn worker_config(name: &str) -> NoticeConfig {
    NoticeConfig {
        worker: name.into(),
        poll: StdDuration::from_millis(50),
        lease: chrono::Duration::minutes(1),
        backoff: chrono::Duration::seconds(30),
        ..Default::default()
    }
}

// ---- the record ------------------------------------------------------------------------------

/// The contact method agreed with the client, with an e-mail address or without.
async fn agree(app: &App, a: &Http, method: &str, email: Option<&str>) {
    let (s, b) = a
        .post(
            &app.client_path("/contact-method"),
            json!({"method": method, "agreed_on": "2026-03-02", "email": email}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert_eq!(b["email"], json!(email));
}

/// An appointment on 10 March 2026 at 13:15, a visit at [`VISIT_ADDRESS`].
async fn book(app: &App, a: &Http) {
    let (s, b) = a
        .post(
            &app.client_path("/appointments"),
            json!({"date": "2026-03-10", "time": "13:15", "duration_minutes": 45,
                   "mode": {"kind": "visit", "address": VISIT_ADDRESS}}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
}

/// A job search that gets an automatic statement at once.
async fn statement(app: &App, a: &Http) {
    adopt(app).await;
    let (s, b) = a
        .put(
            &app.client_path("/register-facts"),
            json!({
                "employment_continues": false, "active_degree_studies": false,
                "active_business": false, "resides_in_finland": true, "right_to_work": "citizen",
                "vocational_qualification": true, "partial_disability_pension": false,
            }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (s, b) = a
        .post(
            &app.client_path("/job-searches"),
            json!({"start_date": "2026-03-02", "acknowledged_notice": true, "answers": {
                "employment": "none", "seeks_full_time_work": true,
                "previous_employment_end": {"date": "2026-02-27", "reason": "fixed_term_ended"},
                "studies": "none", "business": "none",
                "business_started_while_unemployed_on": null, "in_service": null,
                "free_text": null,
            }}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert_eq!(b["decision"]["outcome"], "auto_positive", "{b}");
}

/// The administrator's view of the notices.
async fn notices(app: &App) -> Value {
    let admin = app.login("admin").await;
    let (s, b) = admin.get("/api/admin/notices").await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b
}

/// The one notice of `kind` in the administrator's view.
fn of_kind<'a>(v: &'a Value, kind: &str) -> &'a Value {
    let found: Vec<&Value> = v["notices"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == kind)
        .collect();
    assert_eq!(found.len(), 1, "{kind}: {v}");
    found[0]
}

/// A18: nothing of the record in a message, raw or decoded: not the client's names, identity
/// code or address, nor the appointment's place, date or time.
fn assert_no_personal_data(app: &App, messages: &[(String, String)]) {
    let c = &app.fx.client_a;
    for (raw, decoded) in messages {
        for text in [raw.as_str(), decoded.as_str()] {
            // The envelope line the test server adds is the one place the address belongs.
            let text: String = text
                .lines()
                .filter(|l| !l.starts_with("X-Envelope-To:") && !l.starts_with("To:"))
                .collect::<Vec<_>>()
                .join("\n");
            let lower = text.to_lowercase();
            for secret in [
                c.first_name.as_str(),
                c.last_name.as_str(),
                c.hetu.as_str(),
                "maija.asiakas",
                "Työvoimatie",
                "00100",
                "13:15",
                "13.15",
                "10.3.",
                "2026-03-10",
                "0Työvoima",
            ] {
                assert!(
                    !lower.contains(&secret.to_lowercase()),
                    "{secret:?} in a notice:\n{text}"
                );
            }
        }
    }
}

// ---- the tests ---------------------------------------------------------------------------------

/// Issue 13: a new appointment and a new statement each give one notice, over STARTTLS and
/// over implicit TLS, to the address of the contact method, with a Message-ID the
/// administrator sees too; no message holds the client's name, identity code or the
/// appointment's details.
#[tokio::test]
async fn issue13_each_notice_arrives_once_over_tls_without_personal_data() {
    each_backend(|app| async move {
        let a = app.login("a").await;
        agree(&app, &a, "online", Some(ADDRESS)).await;
        book(&app, &a).await;
        statement(&app, &a).await;
        let mut ids = Vec::new();
        // STARTTLS gets the appointment and the statement; then a second appointment goes
        // over implicit TLS.
        for (mode, arg, expected) in [
            (
                SmtpMode::StartTls,
                "starttls",
                vec!["Uusi lausunto Kirjurissa", "Uusi tapaaminen Kirjurissa"],
            ),
            (SmtpMode::Tls, "tls", vec!["Uusi tapaaminen Kirjurissa"]),
        ] {
            if mode == SmtpMode::Tls {
                book(&app, &a).await;
            }
            let smtp = Smtp::start(arg);
            let worker =
                NoticeWorker::spawn(&app.core, smtp.config(mode), worker_config(arg)).unwrap();
            let got = smtp.wait_for(expected.len()).await;
            // Nothing more comes: each notice once.
            tokio::time::sleep(StdDuration::from_millis(500)).await;
            worker.stop().await;
            assert_eq!(smtp.received().len(), expected.len(), "{arg}");
            assert_no_personal_data(&app, &got);
            let mut subjects = Vec::new();
            for (raw, decoded) in &got {
                assert_eq!(header(raw, "X-Envelope-To"), Some(ADDRESS));
                assert_eq!(header(decoded, "To"), Some(ADDRESS));
                assert_eq!(
                    header(decoded, "From"),
                    Some("ilmoitukset@kirjuri.example.fi")
                );
                assert!(decoded.contains("Kirjaudu Kirjuriin"), "{decoded}");
                subjects.push(header(decoded, "Subject").unwrap().to_owned());
                ids.push(header(raw, "Message-ID").unwrap().to_owned());
            }
            subjects.sort();
            assert_eq!(subjects, expected, "{arg}");
        }
        // Three notices, three Message-IDs, each recorded as sent once.
        let v = notices(&app).await;
        // The reminders wait for the day before their appointments.
        let (reminders, list): (Vec<&Value>, Vec<&Value>) = v["notices"]
            .as_array()
            .unwrap()
            .iter()
            .partition(|n| n["kind"] == "appointment_reminder");
        assert_eq!(list.len(), 3, "{v}");
        assert_eq!(reminders.len(), 2, "{v}");
        assert!(reminders.iter().all(|n| n["state"] == "waiting"));
        let mut unique = ids.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 3, "{ids:?}");
        for n in list {
            assert_eq!(n["state"], "sent", "{v}");
            assert_eq!(n["attempts"], 1);
            let id = n["message_id"].as_str().unwrap();
            assert!(ids.contains(&id.to_owned()), "{id} {ids:?}");
            assert!(id.contains(n["id"].as_str().unwrap()));
        }
        assert_eq!(v["waiting"], 2);
        // The administrator sees no client data.
        assert!(!v.to_string().contains(ADDRESS));
        assert!(!v.to_string().contains(&app.fx.client_a.id.to_string()));
        app
    })
    .await;
}

/// Issue 13, A18: a server that offers no TLS gets nothing; the notice waits, and an
/// administrator sees why. The same notice goes once a server with STARTTLS is there.
#[tokio::test]
async fn issue13_a_server_without_tls_gets_nothing_and_the_notice_waits() {
    each_backend(|app| async move {
        let a = app.login("a").await;
        agree(&app, &a, "online", Some(ADDRESS)).await;
        book(&app, &a).await;
        let plain = Smtp::start("plain");
        let worker = NoticeWorker::spawn(
            &app.core,
            plain.config(SmtpMode::StartTls),
            worker_config("w1"),
        )
        .unwrap();
        let mut seen = Value::Null;
        for _ in 0..200 {
            seen = notices(&app).await;
            if !of_kind(&seen, "new_appointment")["last_error"].is_null() {
                break;
            }
            tokio::time::sleep(StdDuration::from_millis(50)).await;
        }
        worker.stop().await;
        let n = of_kind(&seen, "new_appointment");
        assert_eq!(n["state"], "waiting", "{seen}");
        assert_eq!(n["last_error"], NO_TLS, "{seen}");
        assert!(!n["retry_at"].is_null());
        assert_eq!(seen["waiting"], 2);
        assert!(plain.received().is_empty(), "a plain server got a message");
        // Implicit TLS towards a plain server fails the same way.
        let worker =
            NoticeWorker::spawn(&app.core, plain.config(SmtpMode::Tls), worker_config("w2"))
                .unwrap();
        app.clock.advance(chrono::Duration::seconds(31));
        for _ in 0..200 {
            if of_kind(&notices(&app).await, "new_appointment")["attempts"] == 2 {
                break;
            }
            tokio::time::sleep(StdDuration::from_millis(50)).await;
        }
        worker.stop().await;
        let v = notices(&app).await;
        assert_eq!(of_kind(&v, "new_appointment")["attempts"], 2, "{v}");
        assert_eq!(of_kind(&v, "new_appointment")["last_error"], NO_TLS, "{v}");
        assert!(plain.received().is_empty());
        // With TLS the notice goes, at its next try (backoff by the store's clock).
        let tls = Smtp::start("starttls");
        let worker = NoticeWorker::spawn(
            &app.core,
            tls.config(SmtpMode::StartTls),
            worker_config("w3"),
        )
        .unwrap();
        app.clock.advance(chrono::Duration::minutes(2));
        tls.wait_for(1).await;
        worker.stop().await;
        assert_no_personal_data(&app, &tls.received());
        app
    })
    .await;
}

/// Issue 13: a worker stopped between sending and recording (the injected crash) leaves the
/// notice due again when its lease runs out; the next worker sends it once more, under the
/// same Message-ID, and records it: at most one duplicate, recognisable.
#[tokio::test]
async fn issue13_a_crash_between_send_and_record_sends_one_recognisable_duplicate() {
    each_backend(|app| async move {
        let a = app.login("a").await;
        agree(&app, &a, "online", Some(ADDRESS)).await;
        book(&app, &a).await;
        let smtp = Smtp::start("starttls");
        let crashing = NoticeWorker::spawn(
            &app.core,
            smtp.config(SmtpMode::StartTls),
            NoticeConfig {
                fault: NoticeFault::StopAfterSend,
                ..worker_config("crashes")
            },
        )
        .unwrap();
        smtp.wait_for(1).await;
        for _ in 0..100 {
            if crashing.is_finished() {
                break;
            }
            tokio::time::sleep(StdDuration::from_millis(20)).await;
        }
        assert!(crashing.is_finished());
        let v = notices(&app).await;
        assert_eq!(of_kind(&v, "new_appointment")["state"], "waiting", "{v}");
        assert!(of_kind(&v, "new_appointment")["message_id"].is_null());
        // A restarted worker leaves the attempt alone while its lease holds ...
        let worker = NoticeWorker::spawn(
            &app.core,
            smtp.config(SmtpMode::StartTls),
            worker_config("restarted"),
        )
        .unwrap();
        tokio::time::sleep(StdDuration::from_millis(400)).await;
        assert_eq!(smtp.received().len(), 1);
        // ... and sends it again once the lease has run out.
        app.clock.advance(chrono::Duration::seconds(61));
        let got = smtp.wait_for(2).await;
        tokio::time::sleep(StdDuration::from_millis(400)).await;
        worker.stop().await;
        assert_eq!(smtp.received().len(), 2, "more than one duplicate");
        let first = header(&got[0].0, "Message-ID").unwrap();
        assert_eq!(first, header(&got[1].0, "Message-ID").unwrap());
        let v = notices(&app).await;
        let n = of_kind(&v, "new_appointment");
        assert_eq!(n["state"], "sent", "{v}");
        assert_eq!(n["attempts"], 2);
        assert_eq!(n["message_id"], first);
        app
    })
    .await;
}

/// Issue 13: the reminder of an appointment comes on the morning before it (09:00 Helsinki
/// time), driven by the store's clock.
#[tokio::test]
async fn issue13_the_reminder_comes_the_day_before_by_the_clock() {
    each_backend(|app| async move {
        let a = app.login("a").await;
        agree(&app, &a, "online", Some(ADDRESS)).await;
        book(&app, &a).await;
        let smtp = Smtp::start("starttls");
        let worker = NoticeWorker::spawn(
            &app.core,
            smtp.config(SmtpMode::StartTls),
            worker_config("w"),
        )
        .unwrap();
        smtp.wait_for(1).await;
        // 9 March 08:59 in Helsinki (EET, UTC+2): not yet.
        app.clock
            .set(Utc.with_ymd_and_hms(2026, 3, 9, 6, 59, 0).unwrap());
        tokio::time::sleep(StdDuration::from_millis(400)).await;
        assert_eq!(smtp.received().len(), 1);
        app.clock
            .set(Utc.with_ymd_and_hms(2026, 3, 9, 7, 0, 0).unwrap());
        let got = smtp.wait_for(2).await;
        tokio::time::sleep(StdDuration::from_millis(300)).await;
        worker.stop().await;
        assert_eq!(smtp.received().len(), 2);
        assert_eq!(header(&got[1].1, "Subject"), Some("Muistutus tapaamisesta"));
        assert_no_personal_data(&app, &got);
        let v = notices(&app).await;
        let kinds: Vec<&str> = v["notices"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["kind"].as_str().unwrap())
            .collect();
        assert_eq!(kinds.len(), 2);
        assert!(kinds.contains(&"appointment_reminder"));
        app
    })
    .await;
}

/// A9: the contact method decides. Without an e-mail address nothing is enqueued or sent; a
/// client who chose letters cannot be given one; a notice enqueued while there was an address
/// is given up (visible as failed) when the method in force has none. Without a mail server
/// configured, `/health` says how many notices wait.
#[tokio::test]
async fn issue13_a_contact_method_without_email_sends_nothing() {
    each_backend(|app| async move {
        let a = app.login("a").await;
        agree(&app, &a, "phone", None).await;
        book(&app, &a).await;
        statement(&app, &a).await;
        let (s, b) = a
            .post(
                &app.client_path("/contact-method"),
                json!({"method": "letter", "agreed_on": "2026-03-02", "email": ADDRESS}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(raw_i64(&app.store, "SELECT COUNT(*) FROM notices").await, 0);
        // An address, an appointment, then letters: the notice is not sent.
        agree(&app, &a, "online", Some(ADDRESS)).await;
        book(&app, &a).await;
        agree(&app, &a, "letter", None).await;
        let health: Value = reqwest::get(app.url("/health"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            health["notices"], "no mail server configured: 2 notices wait",
            "{health}"
        );
        let smtp = Smtp::start("starttls");
        let worker = NoticeWorker::spawn(
            &app.core,
            smtp.config(SmtpMode::StartTls),
            worker_config("w"),
        )
        .unwrap();
        let mut v = Value::Null;
        for _ in 0..200 {
            v = notices(&app).await;
            if of_kind(&v, "new_appointment")["state"] == "failed" {
                break;
            }
            tokio::time::sleep(StdDuration::from_millis(50)).await;
        }
        tokio::time::sleep(StdDuration::from_millis(300)).await;
        worker.stop().await;
        let n = of_kind(&v, "new_appointment");
        assert_eq!(n["state"], "failed", "{v}");
        assert_eq!(n["last_error"], NO_ADDRESS);
        assert_eq!(of_kind(&v, "appointment_reminder")["state"], "waiting");
        assert!(smtp.received().is_empty());
        app
    })
    .await;
}

/// Issue 13, A18: an official's secure message tells the client by one notice that carries
/// nothing of the message (its text is scanned for with the other personal data); the client's
/// own message tells no one by e-mail (the officials see it on "my work today").
#[tokio::test]
async fn issue13_a_secure_message_gives_one_notice_without_its_text() {
    each_backend(|app| async move {
        let a = app.login("a").await;
        agree(&app, &a, "online", Some(ADDRESS)).await;
        let seeker = app.login("seeker").await;
        let (s, b) = seeker
            .post(
                "/api/me/messages",
                json!({"text": "Voinko siirtää tapaamista Sipoonkorpeen?"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        let text = "Tapaaminen siirtyy Hakaniemen toimipisteeseen torstaina.";
        let (s, b) = a
            .post(&app.client_path("/messages"), json!({"text": text}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        let smtp = Smtp::start("starttls");
        let worker = NoticeWorker::spawn(
            &app.core,
            smtp.config(SmtpMode::StartTls),
            worker_config("message"),
        )
        .unwrap();
        let got = smtp.wait_for(1).await;
        tokio::time::sleep(StdDuration::from_millis(500)).await;
        worker.stop().await;
        assert_eq!(
            smtp.received().len(),
            1,
            "one notice, for the official's message only"
        );
        assert_no_personal_data(&app, &got);
        for (raw, decoded) in &got {
            assert_eq!(header(decoded, "Subject"), Some("Uusi viesti Kirjurissa"));
            for part in [
                "Hakaniemen",
                "torstaina",
                "Sipoonkorpeen",
                "Tapaaminen siirtyy",
            ] {
                assert!(
                    !raw.contains(part) && !decoded.contains(part),
                    "{part:?} in:\n{decoded}"
                );
            }
        }
        let v = notices(&app).await;
        assert_eq!(of_kind(&v, "new_message")["state"], "sent", "{v}");
        app
    })
    .await;
}
