//! Issue 13, A18: secure messages between a client and the officials of the client's own
//! organisation — over the API and the pages, on every backend: sending and replying, the
//! checks on an official's text, the reads in the access log, the ledger leaves, the new
//! messages on "my work today", and who may not read or write. The real-browser walk of the
//! pages is `a_real_browser_walks_the_messages_in_finnish_and_swedish` (`browser/messages.mjs`).

use super::pages::{csrf_of, Browser};
use super::*;

async fn count(app: &App, sql: &str) -> i64 {
    raw_i64(&app.store, sql).await
}

fn me(app: &App) -> String {
    format!("/api/clients/{}/messages", app.fx.client_a.id)
}

/// The account `username`'s id.
async fn user_id(app: &App, username: &str) -> UserId {
    app.store
        .user_by_username(username)
        .await
        .unwrap()
        .unwrap()
        .0
        .id
}

/// Anni A (`a`) as client A's responsible expert (for "my work today").
async fn make_expert(app: &App, a: &Http) {
    let official = user_id(app, "a").await;
    let (s, b) = a
        .post(
            &app.client_path("/responsible-expert"),
            json!({"official_id": official.to_string(), "from": "2026-03-02"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
}

/// A client writes, the official reads (a logged read that marks the message read) and
/// replies, the client reads the reply; every message is a ledger leaf that verifies.
#[tokio::test]
async fn a_client_and_an_official_exchange_messages_on_the_record() {
    each_backend(|app| async move {
        let seeker = app.login("seeker").await;
        let a = app.login("a").await;
        let asked = "Voinko siirtää ensi viikon tapaamista?\nOlen silloin kurssilla.";
        let (s, m1) = seeker.post("/api/me/messages", json!({"text": asked})).await;
        assert_eq!(s, StatusCode::CREATED, "{m1}");
        assert_eq!(m1["sender"], "client");
        assert_eq!(m1["author_name"], "Testi Asiakas");
        assert!(m1["read_at"].is_null());

        let anni = user_id(&app, "a").await;
        let reads_before = count(&app, &format!(
            "SELECT COUNT(*) FROM access_log WHERE user_id = '{anni}' AND action = 'read' AND resource = 'messages'")).await;
        let (s, page) = a.get(&me(&app)).await;
        assert_eq!(s, StatusCode::OK, "{page}");
        let list = page["messages"].as_array().unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0]["text"], asked);
        // The official's reading marks the client's message read.
        assert!(list[0]["read_at"].is_string(), "{page}");
        let reads_after = count(&app, &format!(
            "SELECT COUNT(*) FROM access_log WHERE user_id = '{anni}' AND action = 'read' AND resource = 'messages'")).await;
        assert_eq!(reads_after, reads_before + 1, "the read is logged");

        let reply = "Tapaaminen siirretään. Ehdota sopivaa päivää.";
        let (s, m2) = a.post(&me(&app), json!({"text": reply})).await;
        assert_eq!(s, StatusCode::CREATED, "{m2}");
        assert_eq!(m2["sender"], "official");
        assert_eq!(m2["author_name"], "Anni A");

        let (s, mine) = seeker.get("/api/me/messages").await;
        assert_eq!(s, StatusCode::OK, "{mine}");
        let list = mine["messages"].as_array().unwrap();
        assert_eq!(list.len(), 2);
        // Newest first: the reply, now read by the client.
        assert_eq!(list[0]["text"], reply);
        assert!(list[0]["read_at"].is_string());
        assert!(mine["next"].is_null());
        // The client's own reading is logged too, under their own name.
        let own_reads = count(&app, &format!(
            "SELECT COUNT(*) FROM access_log WHERE user_id = '{}' AND action = 'read' AND resource = 'messages'",
            app.seeker.id)).await;
        assert_eq!(own_reads, 1);
        // Each message: a write in the access log and a ledger leaf, and the ledger verifies.
        assert_eq!(count(&app, "SELECT COUNT(*) FROM access_log WHERE action = 'write' AND resource = 'messages'").await, 2);
        assert_eq!(count(&app, "SELECT COUNT(*) FROM ledger_links WHERE record_table = 'messages'").await, 2);
        app.store
            .verify_ledger(&[kirjuri_store::testing::test_ledger_keys().verifier()])
            .await
            .unwrap();
        // The client's copy of their data (GDPR art. 15) holds the conversation, oldest
        // first, and making it marks nothing read.
        let (s, export) = seeker.get("/api/me/export").await;
        assert_eq!(s, StatusCode::OK, "{export}");
        let texts: Vec<&str> = export["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["text"].as_str().unwrap())
            .collect();
        assert_eq!(texts, [asked, reply]);
        // Append-only, whoever connects.
        for sql in ["UPDATE messages SET text = 'muutettu'", "DELETE FROM messages", "DELETE FROM message_reads"] {
            assert!(kirjuri_store::testing::raw_execute(&app.store, sql).await.is_err(), "{sql}");
        }
        app
    })
    .await;
}

/// A14, A15: an official's message reaches the client as it is, so an unexplained
/// abbreviation or a belittling word refuses it (422 naming `text`, with the findings) and
/// nothing is written; the client's own words are not checked.
#[tokio::test]
async fn an_officials_message_passes_the_language_checks() {
    each_backend(|app| async move {
        let a = app.login("a").await;
        let before = count(&app, "SELECT COUNT(*) FROM messages").await;
        for (text, kind) in [
            ("Sinut ohjataan TTV:lle selvitystä varten.", "abbreviation"),
            ("Olet laiska etkä hae töitä.", "offensive"),
        ] {
            let (s, b) = a.post(&me(&app), json!({"text": text})).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{text}: {b}");
            assert_eq!(b["error"]["field"], "text", "{b}");
            let findings = b["error"]["findings"].as_array().expect("findings");
            assert!(findings.iter().any(|f| f["kind"] == kind), "{text}: {b}");
        }
        // Explained at first use, the abbreviation is fine.
        let (s, b) = a
            .post(&me(&app), json!({"text": "Sinut ohjataan työttömyysturvan vastuualueelle (TTV). TTV ottaa yhteyttä."}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        // Empty and oversized texts name the field.
        let (s, b) = a.post(&me(&app), json!({"text": "   "})).await;
        assert_field_error(s, &b, "text");
        let (s, b) = a.post(&me(&app), json!({"text": "x".repeat(5001)})).await;
        assert_field_error(s, &b, "text");
        assert_eq!(count(&app, "SELECT COUNT(*) FROM messages").await, before + 1);
        let seeker = app.login("seeker").await;
        let (s, b) = seeker.post("/api/me/messages", json!({"text": "Mikä on TTV?"})).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        app
    })
    .await;
}

/// A client reaches only their own conversation; an official of another organisation does not
/// learn it exists, not even with a stated reason; the supervisor reads and never writes.
/// Pages of a conversation follow the cursor.
#[tokio::test]
async fn a_conversation_is_closed_to_everyone_else_and_pages_by_cursor() {
    each_backend(|app| async move {
        let other = app
            .store
            .create_client(
                NewClient {
                    hetu: Hetu::parse("010501E9032").unwrap(),
                    first_name: PersonName::parse("Muu").unwrap(),
                    last_name: PersonName::parse("Asiakas").unwrap(),
                    language: Language::Fi,
                    org_id: app.fx.org_a.id,
                },
                &acting(&app.fx.official_a),
            )
            .await
            .unwrap();
        let seeker = app.login("seeker").await;
        for i in 0..5 {
            let (s, _) = seeker.post("/api/me/messages", json!({"text": format!("Viesti {i}.")})).await;
            assert_eq!(s, StatusCode::CREATED);
        }
        let others = format!("/api/clients/{}/messages", other.id);
        assert_eq!(seeker.get(&others).await.0, StatusCode::NOT_FOUND);
        assert_eq!(seeker.post(&others, json!({"text": "Hei"})).await.0, StatusCode::NOT_FOUND);

        let b = app.login("b").await;
        assert_eq!(b.get(&me(&app)).await.0, StatusCode::NOT_FOUND);
        assert_eq!(b.post(&me(&app), json!({"text": "Hei"})).await.0, StatusCode::NOT_FOUND);
        let r = b
            .client
            .get(app.url(&me(&app)))
            .header("x-kirjuri-purpose", "Asiakas asioi toimipisteessämme")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "no reason opens the conversation");
        // Refusals are logged, flagged, under the refused user's name.
        let denied = count(&app,
            "SELECT COUNT(*) FROM access_log a JOIN users u ON u.id = a.user_id
             WHERE u.username = 'b' AND a.action = 'denied' AND a.resource = 'messages' AND a.flagged = 1").await;
        assert_eq!(denied, 3);
        assert_eq!(b.get("/api/me/messages").await.0, StatusCode::FORBIDDEN);

        let avi = app.login("avi").await;
        let (s, page) = avi.get(&me(&app)).await;
        assert_eq!(s, StatusCode::OK);
        // The supervisor's reading marks nothing read.
        assert!(page["messages"][0]["read_at"].is_null(), "{page}");
        assert_eq!(avi.post(&me(&app), json!({"text": "Hei"})).await.0, StatusCode::FORBIDDEN);
        assert_eq!(count(&app, "SELECT COUNT(*) FROM messages").await, 5);

        // Paging: 2 at a time, newest first, by the cursor.
        let a = app.login("a").await;
        let (s, p1) = a.get(&format!("{}?limit=2", me(&app))).await;
        assert_eq!(s, StatusCode::OK, "{p1}");
        let texts = |p: &Value| -> Vec<String> {
            p["messages"].as_array().unwrap().iter().map(|m| m["text"].as_str().unwrap().to_owned()).collect()
        };
        assert_eq!(texts(&p1), ["Viesti 4.", "Viesti 3."]);
        let next = p1["next"].as_i64().unwrap();
        let (_, p2) = a.get(&format!("{}?limit=2&before={next}", me(&app))).await;
        assert_eq!(texts(&p2), ["Viesti 2.", "Viesti 1."]);
        let (_, p3) = a.get(&format!("{}?limit=2&before={}", me(&app), p2["next"].as_i64().unwrap())).await;
        assert_eq!(texts(&p3), ["Viesti 0."]);
        assert!(p3["next"].is_null());
        for (q, field) in [("limit=0", "limit"), ("limit=201", "limit"), ("before=0", "before"), ("limit=x", "limit"), ("page=2", "page")] {
            let (s, b) = a.get(&format!("{}?{q}", me(&app))).await;
            assert_field_error(s, &b, field);
        }
        app
    })
    .await;
}

/// The pages: the client writes from `/me/messages`, the responsible expert sees the client
/// among new messages on "my work today" (no text there), opens the conversation from the
/// record, has a belittling reply refused with the text kept and nothing written, replies, and
/// the client reads the reply.
#[tokio::test]
async fn the_message_pages_carry_a_conversation_both_ways() {
    each_backend(|app| async move {
        let a_api = app.login("a").await;
        make_expert(&app, &a_api).await;
        let seeker = Browser::new(&app);
        let token = seeker.login("seeker").await;
        let (s, _, html) = seeker.get("/me/messages").await;
        assert_eq!(s, StatusCode::OK, "{html}");
        assert!(
            html.contains("Testilän kaupunki, työllisyyspalvelut"),
            "{html}"
        );
        // An empty message changes nothing and says why.
        let (s, _, html) = seeker
            .post("/me/messages", &[("csrf", &token), ("text", "  ")])
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            html.contains("error-summary") && html.contains("href=\"#text\""),
            "{html}"
        );
        // Without the form's token nothing is written.
        let (s, _, _) = seeker
            .post("/me/messages", &[("csrf", "x"), ("text", "Hei")])
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        assert_eq!(count(&app, "SELECT COUNT(*) FROM messages").await, 0);
        let secret = "Olen sairauslomalla ensi viikon. Terveisin Testi";
        let (s, h, _) = seeker
            .post("/me/messages", &[("csrf", &token), ("text", secret)])
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        assert_eq!(h["location"], "/me/messages?sent=1#message-form");
        let (_, _, html) = seeker.get("/me/messages?sent=1").await;
        assert!(
            html.contains(secret) && html.contains("Viesti lähetetty."),
            "{html}"
        );

        let a = Browser::new(&app);
        let token = a.login("a").await;
        let (_, _, today) = a.get("/today").await;
        let href = format!("/clients/{}/messages", app.fx.client_a.id);
        assert!(today.contains(&format!("href=\"{href}\"")), "{today}");
        assert!(!today.contains(secret), "no message text on the day's page");
        let (_, _, record) = a.get(&format!("/clients/{}", app.fx.client_a.id)).await;
        assert!(
            record.contains(&format!("href=\"{href}\"")),
            "the record links the messages"
        );
        let (s, _, html) = a.get(&href).await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains(secret));
        // Read: off the day's list.
        let (_, _, today) = a.get("/today").await;
        assert!(!today.contains(&format!("href=\"{href}\"")), "{today}");

        let rude = "Olet laiska, tule ajoissa.";
        let (s, _, html) = a.post(&href, &[("csrf", &token), ("text", rude)]).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            html.contains("finding--block")
                && html.contains(">Olet laiska, tule ajoissa.</textarea>"),
            "{html}"
        );
        assert_eq!(count(&app, "SELECT COUNT(*) FROM messages").await, 1);
        let reply = "Kiitos tiedosta. Siirrän tapaamista viikolla.";
        let (s, h, _) = a.post(&href, &[("csrf", &token), ("text", reply)]).await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        assert_eq!(
            h["location"].to_str().unwrap(),
            format!("{href}?sent=1#message-form")
        );

        let (_, _, html) = seeker.get("/me/messages").await;
        assert!(html.contains(reply), "{html}");
        let (_, _, html) = a.get(&href).await;
        assert!(html.contains("Luettu"), "the reply shows as read: {html}");
        // Another organisation's official: not found, no text.
        let b = Browser::new(&app);
        b.login("b").await;
        let (s, _, html) = b.get(&href).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        assert!(!html.contains(secret));
        app
    })
    .await;
}

/// Issue 13: a real Chromium walks the messages in Finnish and Swedish — the client writes
/// from their own page, the official finds the client on "my work today", opens the
/// conversation from the record, has an abbreviation refused, replies, and the client reads
/// the reply — axe-core finding 0 WCAG 2.1 A/AA violations on every page, then the same
/// without JavaScript. `scripts/setup.sh` installs Chromium and the pinned npm packages.
#[tokio::test]
async fn a_real_browser_walks_the_messages_in_finnish_and_swedish() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    assert!(
        dir.join("node_modules/playwright-core").is_dir()
            && dir.join("node_modules/axe-core").is_dir(),
        "the browser test's packages are not installed: run scripts/setup.sh (npm ci in {})",
        dir.display()
    );
    each_backend(|app| {
        let dir = dir.clone();
        async move {
            let a = app.login("a").await;
            make_expert(&app, &a).await;
            let base = app.base.clone();
            let client = app.fx.client_a.id.to_string();
            let out = tokio::task::spawn_blocking(move || {
                std::process::Command::new("node")
                    .arg("messages.mjs")
                    .current_dir(&dir)
                    .env("BASE", &base)
                    .env("OFFICIAL", "a")
                    .env("SEEKER", "seeker")
                    .env("PASSWORD", PASSWORD)
                    .env("CLIENT_ID", &client)
                    .output()
            })
            .await
            .unwrap()
            .expect("node runs");
            let stdout = String::from_utf8_lossy(&out.stdout);
            let stderr = String::from_utf8_lossy(&out.stderr);
            eprintln!("browser: {stdout}");
            assert!(
                out.status.success(),
                "browser test failed:\n{stdout}\n{stderr}"
            );
            let summary: Value =
                serde_json::from_str(stdout.trim().lines().last().unwrap()).unwrap();
            assert_eq!(summary["violations"], 0, "{summary}");
            assert!(
                summary["pages"].as_u64().unwrap() >= 14,
                "axe ran on every page: {summary}"
            );
            // Four walks (fi, sv; with and without script), each a message each way.
            assert_eq!(count(&app, "SELECT COUNT(*) FROM messages").await, 8);
            let _ = csrf_of;
            app
        }
    })
    .await;
}
