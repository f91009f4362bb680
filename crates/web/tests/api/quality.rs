//! Issue 6 in the server: every entry passes the entry-quality checks (A13–A18) before it is
//! written, and `POST /api/check` checks the text an official is writing.

use super::*;

async fn count(app: &App, table: &str) -> i64 {
    raw_i64(&app.store, &format!("SELECT COUNT(*) FROM {table}")).await
}

#[tokio::test]
async fn an_entry_is_saved_with_its_warnings_and_a_blocking_finding_refuses_it() {
    each_backend(|app| async move {
        let a = app.login("a").await;
        // A14: an internal abbreviation warns; the entry is saved with the finding.
        let (s, e) = a
            .post(
                &app.client_path("/entries"),
                json!({"entry_type": "contact", "text": "Asiakas ohjattiin TTV:lle selvitystä varten.",
                       "event_at": "2026-03-02T10:00:00+02:00"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{e}");
        let f = &e["findings"][0];
        assert_eq!((f["kind"].as_str(), f["severity"].as_str()), (Some("abbreviation"), Some("warn")), "{e}");
        assert!(f["suggestion_fi"].as_str().unwrap().contains("työttömyysturvan vastuualue"), "{f}");
        assert_eq!(count(&app, "entry_findings").await, 1);

        // A15: a belittling word in safety information blocks; nothing is written.
        let entries = count(&app, "entries").await;
        let (s, b) = a
            .post(
                &app.client_path("/entries"),
                json!({"entry_type": "safety", "text": "Asiakas on laiska ja hankala.",
                       "event_at": "2026-03-02T10:00:00+02:00"}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(b["error"]["code"], "blocked_by_checks");
        assert_eq!(b["error"]["field"], "text");
        let found = &b["error"]["findings"][0];
        assert_eq!((found["kind"].as_str(), found["severity"].as_str()), (Some("offensive"), Some("block")), "{b}");
        assert_eq!(found["matched"], "laiska");
        assert_eq!((found["start"].as_u64(), found["end"].as_u64()), (Some(11), Some(17)));
        assert_eq!(count(&app, "entries").await, entries);
        assert_eq!(count(&app, "entry_findings").await, 1);
        app
    })
    .await;
}

#[tokio::test]
async fn the_check_endpoint_reports_findings_and_refuses_bad_input() {
    each_backend(|app| async move {
        let a = app.login("a").await;
        // A16: a valid identity code in free text is found, and shown only masked.
        let text = "Asiakkaan henkilötunnus on 131052-308T.";
        let (s, r) = a
            .post("/api/check", json!({"text": text, "entry_type": "contact"}))
            .await;
        assert_eq!(s, StatusCode::OK, "{r}");
        let hetu = r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["kind"] == "hetu")
            .unwrap();
        assert_eq!(hetu["matched"], "131052-****");
        assert!(!r.to_string().contains("308T"));
        // Issue 15 item 15: it blocks, outside the identity-code field.
        assert_eq!(r["blocks"], true);
        // A18: in an outgoing e-mail it blocks.
        let (_, r) = a
            .post("/api/check", json!({"text": text, "purpose": "email"}))
            .await;
        assert_eq!(r["blocks"], true, "{r}");
        // A17: a diagnosis code outside work-capacity information.
        let (_, r) = a
            .post(
                "/api/check",
                json!({"text": "Asiakkaalla on todettu F32.1.", "entry_type": "contact"}),
            )
            .await;
        assert!(
            r["findings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["kind"] == "health"),
            "{r}"
        );
        let (_, r) = a
            .post(
                "/api/check",
                json!({"text": "Asiakkaalla on todettu F32.1.", "entry_type": "work_capacity"}),
            )
            .await;
        assert!(
            r["findings"]
                .as_array()
                .unwrap()
                .iter()
                .all(|f| f["kind"] != "health"),
            "{r}"
        );
        // Bad input: a field error each, never a panic.
        for (body, field) in [
            (json!({"text": ""}), "text"),
            (json!({"text": "x".repeat(100_001)}), "text"),
            (json!({"text": "Teksti.", "purpose": "fax"}), "purpose"),
            (
                json!({"text": "Teksti.", "entry_type": "gossip"}),
                "entry_type",
            ),
            (
                json!({"text": "Teksti.", "language": "klingon"}),
                "language",
            ),
        ] {
            let (s, b) = a.post("/api/check", body).await;
            assert_field_error(s, &b, field);
        }
        let (s, b) = a
            .post(
                "/api/check",
                json!({"text": "ohjaus\u{0}\u{7}\u{1b}[2J TTV"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}");
        app
    })
    .await;
}

/// Issue 15 item 15: a full identity code in an entry's text refuses the entry (it belongs in
/// the client's identity-code field), and the answer never repeats it; nothing is written.
#[tokio::test]
async fn an_identity_code_in_an_entry_is_refused_and_never_echoed() {
    each_backend(|app| async move {
        let a = app.login("a").await;
        let entries = count(&app, "entries").await;
        let findings = count(&app, "entry_findings").await;
        for kind in ["contact", "work_capacity", "other"] {
            let (s, b) = a
                .post(
                    &app.client_path("/entries"),
                    json!({"entry_type": kind, "text": "Asiakkaan tunnus on 131052-308T, tarkistettu.",
                           "event_at": "2026-03-02T10:00:00+02:00"}),
                )
                .await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{kind}: {b}");
            assert_eq!(b["error"]["code"], "blocked_by_checks", "{b}");
            assert_eq!(b["error"]["field"], "text");
            let f = &b["error"]["findings"][0];
            assert_eq!((f["kind"].as_str(), f["severity"].as_str()), (Some("hetu"), Some("block")), "{b}");
            assert_eq!(f["matched"], "131052-****");
            assert!(!b.to_string().contains("308T"), "{b}");
        }
        assert_eq!(count(&app, "entries").await, entries);
        assert_eq!(count(&app, "entry_findings").await, findings);
        app
    })
    .await;
}

/// Issue 15 item 11: an invisible format character is refused in a client's name (a field
/// error naming the field, nothing written); in an entry's text a zero-width space is a
/// warning stored with the entry, and a right-to-left override blocks it.
#[tokio::test]
async fn format_characters_are_refused_in_names_and_found_in_entry_texts() {
    each_backend(|app| async move {
        let a = app.login("a").await;
        let before = snapshot(&app).await;
        for (field, body) in [
            ("first_name", json!({"hetu": "131052-308T", "first_name": "Mat\u{202E}ti", "last_name": "Asiakas", "language": "fi"})),
            ("last_name", json!({"hetu": "131052-308T", "first_name": "Matti", "last_name": "Vir\u{200B}tanen", "language": "fi"})),
        ] {
            let (s, b) = a.post("/api/clients", body).await;
            assert_field_error(s, &b, field);
            assert!(b["error"]["message"].as_str().unwrap().contains("format character"), "{b}");
        }
        assert_eq!(snapshot(&app).await, before);

        let (s, e) = a
            .post(
                &app.client_path("/entries"),
                json!({"entry_type": "contact", "text": "Asiakas soitti.\u{200B} Sovittiin tapaaminen.",
                       "event_at": "2026-03-02T10:00:00+02:00"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{e}");
        assert!(
            e["findings"].as_array().unwrap().iter().any(|f| f["kind"] == "format" && f["severity"] == "warn"),
            "{e}"
        );
        let entries = count(&app, "entries").await;
        let (s, b) = a
            .post(
                &app.client_path("/entries"),
                json!({"entry_type": "contact", "text": "Asiakas soitti \u{202E}ja peruutti ajan.",
                       "event_at": "2026-03-02T10:00:00+02:00"}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(b["error"]["findings"][0]["kind"], "format", "{b}");
        assert_eq!(count(&app, "entries").await, entries);
        app
    })
    .await;
}
